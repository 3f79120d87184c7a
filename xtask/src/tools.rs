//! Installs what the project needs when it is missing; every step is skipped when satisfied.
//! The versions follow ARCHITECTURE.md's toolchain recipe.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{Result, XtaskError, cargo, root, run_checked};

pub const TRUNK_VERSION: &str = "0.21.14";
const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// Debian packages for browser tests: a CJK font, or Chinese renders as boxes in screenshots.
const BROWSER_PACKAGES: [&str; 3] = ["chromium", "chromium-driver", "fonts-wqy-microhei"];
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CJK_FONT: &str = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";
/// What certificates are printed with (Noto Serif CJK, SIL OFL 1.1; the server embeds subsets)
/// and what the tests read PDFs back with (poppler's pdftotext).
const PDF_PACKAGES: [&str; 2] = ["fonts-noto-cjk", "poppler-utils"];
pub const CERTIFICATE_FONT: &str = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc";
const PDFTOTEXT: &str = "/usr/bin/pdftotext";

/// Everything: web build tools, browser test tools, the DynamoDB-compatible test server.
pub fn ensure_all() -> Result<()> {
    ensure_web()?;
    ensure_browser()?;
    ensure_pdf()?;
    ensure_cfn_lint()?;
    ensure_moto().map(|_| ())
}

/// moto 5.2.5 (the recipe's DynamoDB-compatible server, also S3-compatible) in a venv kept under ~/.cache;
/// returns the `moto_server` path, which the tests read from `MOTO_SERVER`.
pub fn ensure_moto() -> Result<PathBuf> {
    let venv = cache_dir().join("jisheng-venv-moto");
    let server = venv.join("bin").join("moto_server");
    let python = venv.join("bin").join("python");
    let ready = Command::new(&python)
        .args([
            "-c",
            "import moto, flask_cors; assert moto.__version__ == '5.2.5'",
        ])
        .output()
        .is_ok_and(|o| o.status.success());
    if ready && server.is_file() {
        return Ok(server);
    }
    println!(
        "xtask: installing moto 5.2.5 (DynamoDB-compatible test server) in {}",
        venv.display()
    );
    if !python.is_file() {
        run_checked(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
    }
    run_checked(Command::new(&python).args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "moto[dynamodb,s3]==5.2.5",
        "flask",
        "flask-cors",
    ]))?;
    Ok(server)
}

/// A pinned PyPI tool in its own venv under ~/.cache: `(venv name, pip requirement, program,
/// import check)`. Answers the program's path, installing it when the check fails.
fn ensure_pip_tool(
    venv: &str,
    requirements: &[&str],
    program: &str,
    check: &str,
) -> Result<PathBuf> {
    let venv = cache_dir().join(venv);
    let python = venv.join("bin").join("python");
    let tool = venv.join("bin").join(program);
    let ready = Command::new(&python)
        .args(["-c", check])
        .output()
        .is_ok_and(|o| o.status.success());
    if ready && tool.is_file() {
        return Ok(tool);
    }
    println!(
        "xtask: installing {} in {}",
        requirements.join(" "),
        venv.display()
    );
    if !python.is_file() {
        run_checked(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
    }
    run_checked(
        Command::new(&python)
            .args(["-m", "pip", "install", "--quiet"])
            .args(requirements),
    )?;
    Ok(tool)
}

/// cfn-lint 1.58.0 (PyPI; measured: ~40 s into a fresh venv), for the SAM template.
pub fn ensure_cfn_lint() -> Result<PathBuf> {
    ensure_pip_tool(
        "jisheng-venv-cfnlint",
        &["cfn-lint==1.58.0"],
        "cfn-lint",
        "import importlib.metadata as m; assert m.version('cfn-lint') == '1.58.0'",
    )
}

/// cargo-lambda 1.9.2 with zig 0.17.1 as the cross linker (PyPI wheels, ~20 s), for arm64
/// Lambda bootstraps. Answers the venv's bin directory (put it first on PATH).
pub fn ensure_cargo_lambda() -> Result<PathBuf> {
    let tool = ensure_pip_tool(
        "jisheng-venv-lambda",
        &["cargo-lambda==1.9.2", "ziglang==0.17.1"],
        "cargo-lambda",
        "import importlib.metadata as m; assert m.version('cargo-lambda') == '1.9.2' and m.version('ziglang') == '0.17.1'",
    )?;
    Ok(tool.parent().map_or_else(
        || cache_dir().join("jisheng-venv-lambda/bin"),
        Path::to_path_buf,
    ))
}

/// `~/.cache`, where per-machine tool venvs live (kept between CI runs on one machine).
pub fn cache_dir() -> PathBuf {
    std::env::var_os("HOME").map_or_else(
        || root().join("target"),
        |h| PathBuf::from(h).join(".cache"),
    )
}

/// npm lighthouse 13.5.0, for `cargo xtask bench` only (176 MB, ~11 s from npm): kept in its
/// own directory under ~/.cache so the tests' `npm ci` stays small.
pub fn ensure_lighthouse() -> Result<PathBuf> {
    const VERSION: &str = "13.5.0";
    let dir = cache_dir().join("jisheng-lighthouse");
    let bin = dir.join("node_modules").join(".bin").join("lighthouse");
    if version_of(&bin, "--version").is_some_and(|v| v.trim() == VERSION) {
        return Ok(bin);
    }
    ensure_node()?;
    std::fs::create_dir_all(&dir).map_err(|source| XtaskError::Io {
        context: format!("creating {}", dir.display()),
        source,
    })?;
    println!(
        "xtask: installing lighthouse {VERSION} from npm into {}",
        dir.display()
    );
    run_checked(
        Command::new("npm")
            .args(["install", "--prefix"])
            .arg(&dir)
            .args(["--no-audit", "--no-fund", &format!("lighthouse@{VERSION}")]),
    )?;
    Ok(bin)
}

/// Debian's Chromium, for tools that drive it themselves (lighthouse).
pub fn chromium() -> &'static str {
    CHROMIUM
}

/// What building the SPA needs: the wasm target, trunk, wasm-bindgen and npm's wasm-opt.
pub fn ensure_web() -> Result<()> {
    ensure_wasm_target()?;
    ensure_npm_tools()?;
    ensure_wasm_bindgen()?;
    ensure_trunk()
}

/// The first line a program prints for `--version`, or `None` when it cannot run.
fn version_of(program: &Path, flag: &str) -> Option<String> {
    let out = Command::new(program).arg(flag).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines().next().map(|l| l.trim().to_string())
}

pub fn cargo_bin(name: &str) -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"));
    home.join("bin").join(name)
}

fn ensure_wasm_target() -> Result<()> {
    let out = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .current_dir(root())
        .output()
        .map_err(|source| XtaskError::Spawn {
            program: "rustup".into(),
            source,
        })?;
    if String::from_utf8_lossy(&out.stdout)
        .lines()
        .any(|l| l.trim() == WASM_TARGET)
    {
        return Ok(());
    }
    println!("xtask: installing the {WASM_TARGET} target");
    run_checked(
        Command::new("rustup")
            .args(["target", "add", WASM_TARGET])
            .current_dir(root()),
    )
}

fn ensure_trunk() -> Result<()> {
    let want = format!("trunk {TRUNK_VERSION}");
    if version_of(&cargo_bin("trunk"), "--version").as_deref() == Some(want.as_str()) {
        return Ok(());
    }
    println!("xtask: installing trunk {TRUNK_VERSION} (about 20 minutes, once per machine)");
    run_checked(cargo().args(["install", "trunk", "--version", TRUNK_VERSION, "--locked"]))
}

/// The wasm-bindgen version Cargo.lock resolved; the CLI must match it exactly.
pub fn locked_wasm_bindgen_version() -> Result<String> {
    let lock_path = root().join("Cargo.lock");
    let lock = std::fs::read_to_string(&lock_path).map_err(|source| XtaskError::Io {
        context: format!("reading {}", lock_path.display()),
        source,
    })?;
    parse_locked_version(&lock, "wasm-bindgen").ok_or_else(|| {
        XtaskError::Failed("finding wasm-bindgen in Cargo.lock (run `cargo fetch`)".into())
    })
}

fn parse_locked_version(lock: &str, package: &str) -> Option<String> {
    let name_line = format!("name = \"{package}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == name_line {
            let version = lines.next()?.trim();
            let v = version.strip_prefix("version = \"")?.strip_suffix('"')?;
            return Some(v.to_string());
        }
    }
    None
}

fn ensure_wasm_bindgen() -> Result<()> {
    let version = locked_wasm_bindgen_version()?;
    let want = format!("wasm-bindgen {version}");
    if version_of(&cargo_bin("wasm-bindgen"), "--version").as_deref() == Some(want.as_str()) {
        return Ok(());
    }
    // Not --locked: the CLI's own lockfile pins a webpki-roots the registry lacks (recipe).
    println!("xtask: installing wasm-bindgen-cli {version} (about 7 minutes, once per machine)");
    run_checked(cargo().args(["install", "wasm-bindgen-cli", "--version", &version]))
}

/// `node_modules/.bin`, which must be on PATH when trunk looks for wasm-opt.
pub fn npm_bin_dir() -> PathBuf {
    root().join("node_modules").join(".bin")
}

fn ensure_node() -> Result<()> {
    if version_of(Path::new("node"), "--version").is_some()
        && version_of(Path::new("npm"), "--version").is_some()
    {
        return Ok(());
    }
    apt_install(&["nodejs", "npm"])
}

fn ensure_npm_tools() -> Result<()> {
    ensure_node()?;
    let wasm_opt = version_of(&npm_bin_dir().join("wasm-opt"), "--version");
    let modules = ["playwright-core", "axe-core"].iter().all(|m| {
        root()
            .join("node_modules")
            .join(m)
            .join("package.json")
            .is_file()
    });
    let ok = wasm_opt.is_some_and(|v| v.contains("version_132")) && modules;
    if ok {
        return Ok(());
    }
    println!(
        "xtask: installing npm tools (binaryen 132, playwright-core, axe-core) from package-lock.json"
    );
    run_checked(
        Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(root()),
    )
}

/// The certificate font and pdftotext, from Debian.
pub fn ensure_pdf() -> Result<()> {
    if [CERTIFICATE_FONT, PDFTOTEXT]
        .iter()
        .all(|p| Path::new(p).exists())
    {
        return Ok(());
    }
    apt_install(&PDF_PACKAGES)
}

/// Chromium, ChromeDriver and a CJK font from Debian, for the browser tests.
pub fn ensure_browser() -> Result<()> {
    let present = [CHROMIUM, CHROMEDRIVER, CJK_FONT]
        .iter()
        .all(|p| Path::new(p).exists());
    if present {
        return Ok(());
    }
    apt_install(&BROWSER_PACKAGES)
}

fn apt_install(packages: &[&str]) -> Result<()> {
    println!("xtask: installing Debian packages {}", packages.join(" "));
    run_checked(apt_get().args(["update", "-q"]))?;
    run_checked(
        apt_get()
            .args(["install", "-y", "-q", "--no-install-recommends"])
            .args(packages)
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}

/// `apt-get`, through sudo when we are not root (a developer's own machine).
fn apt_get() -> Command {
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    if is_root {
        Command::new("apt-get")
    } else {
        let mut cmd = Command::new("sudo");
        cmd.arg("apt-get");
        cmd
    }
}

/// PATH with cargo's bin and npm's bin first, for trunk (which finds wasm-opt and
/// wasm-bindgen on PATH when offline).
pub fn tool_path() -> std::ffi::OsString {
    let mut dirs = vec![npm_bin_dir(), cargo_bin("")];
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_locked_version_of_a_package() {
        let lock = "[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n\
                    [[package]]\nname = \"wasm-bindgen-macro\"\nversion = \"0.2.130\"\n";
        assert_eq!(
            parse_locked_version(lock, "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(parse_locked_version(lock, "trunk"), None);
    }

    #[test]
    fn the_workspace_lock_pins_the_wasm_bindgen_the_app_asks_for() {
        let manifest = std::fs::read_to_string(root().join("app/Cargo.toml")).unwrap();
        let locked = locked_wasm_bindgen_version().unwrap();
        assert!(
            manifest.contains(&format!("wasm-bindgen = \"={locked}\"")),
            "app/Cargo.toml must pin wasm-bindgen to the locked {locked}"
        );
    }
}
