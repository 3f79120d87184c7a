//! `cargo xtask package`: every Lambda function as an arm64 `bootstrap` zip and the built SPA,
//! under `target/package/` — the paths `infra/template.yaml` (CodeUri) and `infra/README.md`
//! (the SPA upload) use. Built with cargo-lambda and zig as the cross linker, both from PyPI.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{Result, XtaskError, root, run_checked, spa, tools};

const TARGET: &str = "aarch64-unknown-linux-gnu";

pub fn run(args: &[String]) -> Result<()> {
    if let Some(extra) = args.first() {
        return Err(XtaskError::Usage(format!(
            "package takes no arguments, got {extra:?}"
        )));
    }
    let lambda_bin = tools::ensure_cargo_lambda()?;
    ensure_target()?;
    let out = root().join("target").join("package");
    let functions = out.join("functions");
    let staging = out.join(".lambda");
    recreate(&functions)?;

    let bins = function_bins()?;
    let mut cmd = crate::cargo();
    cmd.args(["lambda", "build", "--profile", "server", "--arm64"])
        .args(["--output-format", "zip", "--package", "functions"])
        .arg("--lambda-dir")
        .arg(&staging);
    for bin in &bins {
        cmd.args(["--bin", bin]);
    }
    // cargo-lambda and zig from the venv come first.
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut paths = vec![lambda_bin];
    paths.extend(std::env::split_paths(&path));
    cmd.env(
        "PATH",
        std::env::join_paths(paths).map_err(|e| XtaskError::Failed(e.to_string()))?,
    );
    run_checked(&mut cmd)?;

    println!("xtask: Lambda functions ({TARGET}, provided.al2023):");
    for bin in &bins {
        let zip = staging.join(bin).join("bootstrap.zip");
        let dest = functions.join(format!("{bin}.zip"));
        copy(&zip, &dest)?;
        let size = std::fs::metadata(&dest).map(|m| m.len()).unwrap_or(0);
        println!("  {:<40} {:>6.1} MB", rel(&dest), size as f64 / 1e6);
    }

    // The certificate font as a Lambda layer (/opt/fonts), with its licence (SIL OFL 1.1).
    tools::ensure_pdf()?;
    let layer = out.join("layers").join("cjk-font").join("fonts");
    recreate(&layer)?;
    copy(
        Path::new(tools::CERTIFICATE_FONT),
        &layer.join("NotoSerifCJK-Regular.ttc"),
    )?;
    copy(
        Path::new("/usr/share/doc/fonts-noto-cjk/copyright"),
        &layer.join("LICENSE-noto-cjk.txt"),
    )?;
    println!("xtask: CJK font layer → {}", rel(&layer));

    tools::ensure_web()?;
    let dist = spa::build()?;
    let spa_out = out.join("spa");
    recreate(&spa_out)?;
    copy_dir(&dist, &spa_out)?;
    println!("xtask: SPA → {}", rel(&spa_out));

    // The country's divisions for the server (issue 22) as a layer (/opt/divisions): codes are
    // checked against it and villages searched (JISHENG_DIVISIONS_DIR).
    let divisions = out.join("layers").join("divisions").join("divisions");
    recreate(&divisions)?;
    for file in ["places.tsv", "villages.tsv"] {
        copy(
            &dist.join("divisions").join("search").join(file),
            &divisions.join(file),
        )?;
    }
    println!("xtask: divisions layer → {}", rel(&divisions));
    println!(
        "xtask: next: sam deploy --template-file infra/template.yaml --guided (see infra/README.md)"
    );
    Ok(())
}

/// The Lambda binaries: every `functions/src/bin/*.rs` but the local server.
pub fn function_bins() -> Result<Vec<String>> {
    let dir = root().join("functions").join("src").join("bin");
    let entries = std::fs::read_dir(&dir).map_err(|source| XtaskError::Io {
        context: format!("listing {}", dir.display()),
        source,
    })?;
    let mut bins: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter_map(|n| n.strip_suffix(".rs").map(str::to_string))
        .filter(|n| n != "local")
        .collect();
    bins.sort();
    Ok(bins)
}

fn ensure_target() -> Result<()> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .current_dir(root())
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains(TARGET))
        .unwrap_or(false);
    if installed {
        return Ok(());
    }
    println!("xtask: adding the Rust target {TARGET}");
    run_checked(
        Command::new("rustup")
            .args(["target", "add", TARGET])
            .current_dir(root()),
    )
}

fn rel(p: &Path) -> String {
    p.strip_prefix(root()).unwrap_or(p).display().to_string()
}

fn io(context: String) -> impl FnOnce(std::io::Error) -> XtaskError {
    move |source| XtaskError::Io { context, source }
}

fn recreate(dir: &Path) -> Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(io(format!("clearing {}", dir.display())))?;
    }
    std::fs::create_dir_all(dir).map_err(io(format!("creating {}", dir.display())))
}

fn copy(from: &Path, to: &Path) -> Result<()> {
    std::fs::copy(from, to).map(|_| ()).map_err(io(format!(
        "copying {} to {}",
        from.display(),
        to.display()
    )))
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    let entries = std::fs::read_dir(from).map_err(io(format!("listing {}", from.display())))?;
    for entry in entries {
        let entry = entry.map_err(io(format!("listing {}", from.display())))?;
        let path: PathBuf = entry.path();
        let dest = to.join(entry.file_name());
        if path.is_dir() {
            std::fs::create_dir_all(&dest).map_err(io(format!("creating {}", dest.display())))?;
            copy_dir(&path, &dest)?;
        } else {
            copy(&path, &dest)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_function_bins_are_every_bin_but_the_local_server() {
        let bins = function_bins().unwrap();
        assert!(bins.contains(&"cases".to_string()) && bins.contains(&"sweep".to_string()));
        assert!(!bins.contains(&"local".to_string()));
    }
}
