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
    externalise_loader(&dist, "/")?;
    precompress(&dist)?;
    let sizes = crate::divisions::generate(&dist)?;
    eprintln!(
        "xtask: divisions: {} villages in {} county files ({} KB, {} KB brotli)",
        sizes.villages,
        sizes.counties,
        sizes.raw / 1024,
        sizes.brotli / 1024
    );
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
        externalise_loader(&dist.join(dir), &url)?;
        precompress(&dist.join(dir))?;
    }
    Ok(dist)
}

/// Moves trunk's inline module loader out of `index.html` into a file of its own, so the
/// content security policy needs no inline script (`script-src 'self'`; issue 18). The file is
/// named by a hash of its content, like trunk's own assets, so it can be cached for ever.
fn externalise_loader(dist: &Path, public_url: &str) -> Result<()> {
    let path = dist.join("index.html");
    let html = String::from_utf8_lossy(&read(&path)?).into_owned();
    let (rewritten, loader) = split_loader(&html, public_url)?;
    if let Some((name, script)) = loader {
        write(&dist.join(name), script.as_bytes())?;
        write(&path, rewritten.as_bytes())?;
    }
    Ok(())
}

/// `html` with its inline `<script type="module">` replaced by a reference to a file, and that
/// file's name and content; `None` when there is no inline loader.
fn split_loader(html: &str, public_url: &str) -> Result<(String, Option<(String, String)>)> {
    const OPEN: &str = "<script type=\"module\">";
    let Some(start) = html.find(OPEN) else {
        return Ok((html.to_string(), None));
    };
    let body_start = start + OPEN.len();
    let Some(len) = html[body_start..].find("</script>") else {
        return Err(XtaskError::Failed(
            "an unclosed inline script in index.html".into(),
        ));
    };
    let script = html[body_start..body_start + len].trim().to_string();
    // FNV-1a: a stable content hash without another dependency.
    let hash = script.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let name = format!("boot-{hash:016x}.js");
    let tag = format!("<script type=\"module\" src=\"{public_url}{name}\"></script>");
    let end = body_start + len + "</script>".len();
    let rewritten = format!("{}{tag}{}", &html[..start], &html[end..]);
    Ok((rewritten, Some((name, script))))
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
    brotli_at(bytes, 11)
}

/// Brotli at quality 6: the country's 2,800 village files would take minutes at 11.
pub fn brotli_fast(bytes: &[u8]) -> Result<Vec<u8>> {
    brotli_at(bytes, 6)
}

fn brotli_at(bytes: &[u8], quality: i32) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality,
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
    fn the_inline_loader_moves_to_a_file_the_page_refers_to() {
        let html = "<head><script type=\"module\">\nimport init from '/app.js';\nawait init();\n</script><link></head>";
        let (page, loader) = split_loader(html, "/console/").unwrap();
        let (name, script) = loader.unwrap();
        assert!(name.starts_with("boot-") && name.ends_with(".js"));
        assert_eq!(script, "import init from '/app.js';\nawait init();");
        assert_eq!(
            page,
            format!("<head><script type=\"module\" src=\"/console/{name}\"></script><link></head>")
        );
        assert!(!page.contains("await init"));
        // Nothing to move: unchanged.
        assert_eq!(
            split_loader("<p>x</p>", "/").unwrap(),
            ("<p>x</p>".to_string(), None)
        );
    }

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
