//! `cargo xtask run | test | bench` — the project's own commands (README).
//!
//! Every command first installs what it needs and is missing (tools.rs), so the two README
//! commands work on a fresh machine of this kind.

mod bench;
mod divisions;
mod package;
mod spa;
mod test;
mod tools;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const USAGE: &str = "usage:
  cargo xtask run [--port N] [--data DIR]   build the SPA and start the local server
  cargo xtask test                          run every check and test; ends with 'N passed, N failed'
  cargo xtask bench                         write target/bench/report.md
  cargo xtask package                       arm64 Lambda zips + the SPA under target/package/ (infra/)
  cargo xtask install                       install the tools the other commands need
  cargo xtask calendar load FILE [--data DIR]
                                            load a year's State Council holiday notice (JSON)
                                            into DIR's store, or JISHENG_TABLE's on AWS
  cargo xtask spa                           rebuild only the SPA (a running `xtask run` serves it)";

#[derive(Debug, thiserror::Error)]
pub enum XtaskError {
    #[error("{0}")]
    Usage(String),
    #[error("could not start `{program}`: {source}")]
    Spawn {
        program: String,
        #[source]
        source: std::io::Error,
    },
    #[error("`{0}` failed")]
    Failed(String),
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

pub type Result<T> = std::result::Result<T, XtaskError>;

/// The workspace root (this crate lives in `<root>/xtask`). `cargo run` sets
/// `CARGO_MANIFEST_DIR` at run time too, and that one wins: with a target dir shared between
/// checkouts (CI's cache), the binary cargo runs may have been linked in another checkout.
pub fn root() -> PathBuf {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf());
    manifest
        .parent()
        .map_or_else(|| manifest.clone(), Path::to_path_buf)
}

/// The cargo that started us (so the toolchain pinned in rust-toolchain.toml is used).
pub fn cargo() -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root());
    cmd
}

/// Runs a command to completion with inherited output; `Err` unless it exits 0.
pub fn run_checked(cmd: &mut Command) -> Result<()> {
    let program = describe(cmd);
    let status = cmd.status().map_err(|source| XtaskError::Spawn {
        program: program.clone(),
        source,
    })?;
    if status.success() {
        Ok(())
    } else {
        Err(XtaskError::Failed(program))
    }
}

pub fn describe(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let command = args.next();
    let rest: Vec<String> = args.collect();
    let result = match command.as_deref() {
        Some("run") => run(&rest),
        Some("test") => test::run(&rest),
        Some("bench") => bench::run(&rest),
        Some("package") => package::run(&rest),
        Some("install") => tools::ensure_all(),
        Some("calendar") => calendar(&rest),
        // Rebuilds only the SPA into app/dist, which a running `xtask run` serves from disk.
        Some("spa") => tools::ensure_all().and_then(|()| spa::build()).map(|dist| {
            println!("xtask: SPA built in {}", dist.display());
        }),
        Some("-h" | "--help" | "help") | None => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(XtaskError::Usage(format!("unknown command {other:?}"))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(XtaskError::Usage(msg)) => {
            eprintln!("xtask: {msg}\n{USAGE}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
struct RunArgs {
    port: u16,
    data: PathBuf,
}

fn parse_run_args(args: &[String]) -> Result<RunArgs> {
    let mut parsed = RunArgs {
        port: 8080,
        data: root().join("data"),
    };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it
            .next()
            .ok_or_else(|| XtaskError::Usage(format!("{flag} needs a value")))?;
        match flag.as_str() {
            "--port" => {
                parsed.port = value.parse().map_err(|_| {
                    XtaskError::Usage(format!("--port must be a number, not {value:?}"))
                })?;
            }
            "--data" => {
                let p = PathBuf::from(value);
                // The server runs from the workspace root: keep a relative path the user's.
                parsed.data = if p.is_absolute() {
                    p
                } else {
                    std::env::current_dir().map(|d| d.join(&p)).unwrap_or(p)
                };
            }
            other => return Err(XtaskError::Usage(format!("unknown flag {other:?}"))),
        }
    }
    Ok(parsed)
}

/// `cargo xtask run`: install, build the SPA, then become the local server (exec), so that
/// Ctrl-C and SIGTERM reach the server itself and it stops cleanly.
fn run(args: &[String]) -> Result<()> {
    let args = parse_run_args(args)?;
    tools::ensure_web()?;
    tools::ensure_pdf()?;
    let dist = spa::build()?;
    let mut cmd = cargo();
    cmd.args([
        "run",
        "--quiet",
        "--package",
        "functions",
        "--bin",
        "local",
        "--",
    ])
    .arg("--port")
    .arg(args.port.to_string())
    .arg("--data")
    .arg(&args.data)
    .arg("--spa")
    .arg(&dist);
    exec(cmd)
}

/// `calendar load FILE [--data DIR]`: the notice is checked, stored and the open cases it
/// concerns recounted by the `local` binary (functions::reckoning::load_notice), so a deployment
/// loads a year without the console.
fn calendar(args: &[String]) -> Result<()> {
    let [verb, file, rest @ ..] = args else {
        return Err(XtaskError::Usage("calendar load FILE [--data DIR]".into()));
    };
    if verb != "load" {
        return Err(XtaskError::Usage(format!(
            "calendar knows only `load`, not {verb:?}"
        )));
    }
    let data = match rest {
        [] => root().join("data"),
        [flag, dir] if flag == "--data" => PathBuf::from(dir),
        _ => return Err(XtaskError::Usage("calendar load FILE [--data DIR]".into())),
    };
    let file = std::fs::canonicalize(file).map_err(|source| XtaskError::Io {
        context: format!("cannot read {file}"),
        source,
    })?;
    let mut cmd = cargo();
    cmd.args([
        "run",
        "--quiet",
        "--package",
        "functions",
        "--bin",
        "local",
        "--",
        "calendar-load",
    ])
    .arg(file)
    .arg("--data")
    .arg(data);
    run_checked(&mut cmd)
}

#[cfg(unix)]
fn exec(mut cmd: Command) -> Result<()> {
    use std::os::unix::process::CommandExt;
    let program = describe(&cmd);
    let source = cmd.exec();
    Err(XtaskError::Spawn { program, source })
}

#[cfg(not(unix))]
fn exec(mut cmd: Command) -> Result<()> {
    run_checked(&mut cmd)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn run_defaults_to_port_8080_and_data_under_the_root() {
        let a = parse_run_args(&[]).unwrap();
        assert_eq!(a.port, 8080);
        assert_eq!(a.data, root().join("data"));
    }

    #[test]
    fn run_reads_port_and_data() {
        let a = parse_run_args(&strings(&["--port", "9123", "--data", "/tmp/d"])).unwrap();
        assert_eq!(
            a,
            RunArgs {
                port: 9123,
                data: PathBuf::from("/tmp/d")
            }
        );
    }

    #[test]
    fn run_rejects_bad_flags() {
        assert!(matches!(
            parse_run_args(&strings(&["--port", "http"])),
            Err(XtaskError::Usage(_))
        ));
        assert!(matches!(
            parse_run_args(&strings(&["--data"])),
            Err(XtaskError::Usage(_))
        ));
        assert!(matches!(
            parse_run_args(&strings(&["--verbose", "1"])),
            Err(XtaskError::Usage(_))
        ));
    }
}
