//! Builds the SPA with trunk in release mode and precompresses it for the local server.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{Result, XtaskError, root, run_checked, tools};

/// Where trunk writes the built SPA (app/Trunk.toml `dist`).
pub fn dist_dir() -> PathBuf {
    root().join("app").join("dist")
}

/// Where the staff console's bundle goes inside the SPA (served for `/staff…`).
pub const CONSOLE_DIR: &str = "console";
/// Where the verify page's bundle goes (served for `/verify`).
pub const VERIFY_DIR: &str = "verify";
/// The bundles besides the applicant's: (directory under dist, trunk target).
pub const BUNDLES: [(&str, &str); 2] = [(CONSOLE_DIR, "console.html"), (VERIFY_DIR, "verify.html")];

/// `trunk build --release` of the applicant's bundle (`index.html`, into `dist/`), then of each
/// of [`BUNDLES`] (into `dist/<dir>/`, after the first build has cleaned `dist/`), with a `.br`
/// and `.gz` beside each text/wasm asset, which the local server sends to browsers that accept
/// them.
pub fn build() -> Result<PathBuf> {
    // trunk runs offline (Trunk.toml): the crates must already be in the local registry.
    run_checked(crate::cargo().args(["fetch", "--quiet"]))?;
    let trunk = |args: &[&str]| {
        run_checked(
            Command::new(tools_trunk())
                .args(args)
                .current_dir(root().join("app"))
                .env("PATH", tools::tool_path()),
        )
    };
    trunk(&["build", "--release"])?;
    let dist = dist_dir();
    precompress(&dist)?;
    for (dir, html) in BUNDLES {
        let url = format!("/{dir}/");
        let out = format!("dist/{dir}");
        // The target before the flags: trunk's `--release` takes an optional value.
        trunk(&[
            "build",
            html,
            "--release",
            "--dist",
            &out,
            "--public-url",
            &url,
        ])?;
        precompress(&dist.join(dir))?;
    }
    Ok(dist)
}

/// trunk as `cargo install` put it, or whatever `trunk` is on PATH.
fn tools_trunk() -> PathBuf {
    let installed = tools::cargo_bin("trunk");
    if installed.is_file() {
        installed
    } else {
        PathBuf::from("trunk")
    }
}

/// The assets of the first load: everything trunk wrote except the compressed copies.
pub fn assets(dist: &Path) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dist).map_err(|source| XtaskError::Io {
        context: format!("reading {}", dist.display()),
        source,
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("html" | "js" | "wasm" | "css")
            )
        })
        .collect();
    files.sort();
    Ok(files)
}

fn precompress(dist: &Path) -> Result<()> {
    for file in assets(dist)? {
        let bytes = read(&file)?;
        write(&with_suffix(&file, "br"), &brotli(&bytes)?)?;
        write(&with_suffix(&file, "gz"), &gzip(&bytes)?)?;
    }
    Ok(())
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".");
    s.push(suffix);
    PathBuf::from(s)
}

pub fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|source| XtaskError::Io {
        context: format!("reading {}", path.display()),
        source,
    })
}

pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).map_err(|source| XtaskError::Io {
        context: format!("writing {}", path.display()),
        source,
    })
}

pub fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes)
        .and_then(|()| enc.finish())
        .map_err(|source| XtaskError::Io {
            context: "gzip".into(),
            source,
        })
}

pub fn brotli(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).map_err(|source| {
        XtaskError::Io {
            context: "brotli".into(),
            source,
        }
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compressed_copies_decompress_to_the_original() {
        let text = "计生证件网上办 ".repeat(200).into_bytes();
        let gz = gzip(&text).unwrap();
        let mut back = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut back).unwrap();
        assert_eq!(back, text);
        let br = brotli(&text).unwrap();
        let mut back = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut back).unwrap();
        assert_eq!(back, text);
        assert!(br.len() < text.len() / 10);
    }
}
