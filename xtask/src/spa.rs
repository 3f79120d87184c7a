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

/// `trunk build --release` of the applicant's bundle (`index.html`, into `dist/`), then of the
/// staff console's (`console.html`, into `dist/console/`, after the first build has cleaned
/// `dist/`), then a `.br` and `.gz` beside each text/wasm asset of both, which the local server
/// sends to browsers that accept them.
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
    let console_url = format!("/{CONSOLE_DIR}/");
    let console_dist = format!("dist/{CONSOLE_DIR}");
    // The target before the flags: trunk's `--release` takes an optional value.
    trunk(&[
        "build",
        "console.html",
        "--release",
        "--dist",
        &console_dist,
        "--public-url",
        &console_url,
    ])?;
    let dist = dist_dir();
    precompress(&dist)?;
    precompress(&dist.join(CONSOLE_DIR))?;
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
