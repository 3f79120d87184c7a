//! Blob stores for uploaded materials: `fs` (local files, the local server) and `s3`
//! (AWS S3, with presigned PUT URLs so browsers upload directly).

pub mod fs;
pub mod s3;

pub use fs::FsBlobStore;
pub use s3::S3BlobStore;

/// Makes `path` readable and writable by its owner only (files 0600, directories 0700): the
/// data directory holds ID numbers, scans and keys (issue 18). A no-op off Unix.
pub fn owner_only(path: &std::path::Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = if path.is_dir() { 0o700 } else { 0o600 };
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}
