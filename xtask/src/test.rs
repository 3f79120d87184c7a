//! `cargo xtask test`: every check and test, then one closing line `N passed, N failed`.
//!
//! Every step runs even when an earlier one failed, so one run reports every problem at
//! once; a step that is not a test suite (fmt, clippy, the wasm build) counts as one check.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::{Result, XtaskError, cargo, describe, root, spa, tools};

#[derive(Debug, Default, PartialEq, Eq)]
struct Tally {
    passed: usize,
    failed: usize,
    skipped: usize,
    failures: Vec<String>,
}

impl Tally {
    fn check(&mut self, name: &str, ok: bool) {
        if ok {
            self.passed += 1;
            println!("xtask: ✔ {name}");
        } else {
            self.failed += 1;
            self.failures.push(name.to_string());
            println!("xtask: ✘ {name}");
        }
    }
}

// Long: every check of `cargo xtask test`, in the order CI runs them.
pub fn run(args: &[String]) -> Result<()> {
    if let Some(extra) = args.first() {
        return Err(XtaskError::Usage(format!(
            "test takes no arguments, got {extra:?}"
        )));
    }
    let mut tally = Tally::default();

    let installed = tools::ensure_all();
    if let Err(e) = &installed {
        eprintln!("xtask: installing tools failed: {e}");
    }
    tally.check("tools installed", installed.is_ok());

    tally.check(
        "cargo fmt --check",
        status_ok(cargo().args(["fmt", "--all", "--", "--check"])),
    );
    tally.check(
        "cargo clippy -D warnings (native)",
        status_ok(cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--quiet",
            "--",
            "-D",
            "warnings",
        ])),
    );
    tally.check(
        "cargo clippy -D warnings (wasm32: domain, app)",
        status_ok(cargo().args([
            "clippy",
            "--package",
            "domain",
            "--package",
            "app",
            "--target",
            "wasm32-unknown-unknown",
            "--quiet",
            "--",
            "-D",
            "warnings",
        ])),
    );

    let holidays = holiday_cross_check();
    if let Err(e) = &holidays {
        eprintln!("xtask: holiday cross-check: {e}");
    }
    tally.check(
        "holiday data and lunar dates agree with PyPI chinesecalendar and lunardate (scripts/holidays.py)",
        holidays.is_ok(),
    );

    // The SAM template: cfn-lint here; the drift checks against the code are Rust tests
    // (functions/tests/infra_drift.rs).
    let linted = tools::ensure_cfn_lint()
        .map(|lint| status_ok(Command::new(lint).arg(root().join("infra").join("template.yaml"))));
    if let Err(e) = &linted {
        eprintln!("xtask: cfn-lint: {e}");
    }
    tally.check("cfn-lint infra/template.yaml", matches!(linted, Ok(true)));

    let built = spa::build();
    if let Err(e) = &built {
        eprintln!("xtask: SPA build failed: {e}");
    }
    tally.check("SPA release build (trunk, wasm-opt)", built.is_ok());

    let mut test = cargo();
    test.args(["test", "--workspace", "--no-fail-fast"])
        .env("E2E_SPA_DIR", spa::dist_dir())
        .env(
            "MOTO_SERVER",
            tools::cache_dir().join("jisheng-venv-moto/bin/moto_server"),
        )
        .env("E2E_ROOT", root());
    run_test_suite(&mut test, &mut tally);

    // The certificate check in WebAssembly, as the /verify page runs it: under node, by the
    // wasm-bindgen-test-runner of the wasm-bindgen CLI installed above.
    let mut wasm = cargo();
    wasm.args([
        "test",
        "--package",
        "domain",
        "--target",
        "wasm32-unknown-unknown",
        "--test",
        "wasm_certificate",
    ])
    .env(
        "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
        tools::cargo_bin("wasm-bindgen-test-runner"),
    );
    run_test_suite(&mut wasm, &mut tally);

    println!();
    if !tally.failures.is_empty() {
        println!("xtask: failed: {}", tally.failures.join("; "));
    }
    let skipped = if tally.skipped > 0 {
        format!(", {} skipped", tally.skipped)
    } else {
        String::new()
    };
    println!("{} passed, {} failed{skipped}", tally.passed, tally.failed);
    if tally.failed == 0 {
        Ok(())
    } else {
        Err(XtaskError::Failed(format!("{} check(s)", tally.failed)))
    }
}

/// Cross-checks domain/data/holidays.txt against a second transcription of the State
/// Council notices, in a venv kept under ~/.cache so CI pays for it once per machine.
fn holiday_cross_check() -> Result<()> {
    let home =
        std::env::var_os("HOME").map_or_else(|| root().join("target"), std::path::PathBuf::from);
    let venv = home.join(".cache").join("jisheng-venv-holidays");
    let python = venv.join("bin").join("python");
    if !python.is_file() {
        crate::run_checked(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
    }
    let has_package = Command::new(&python)
        .args(["-c", "import chinese_calendar, lunardate"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_package {
        crate::run_checked(Command::new(&python).args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "chinesecalendar==1.11.0",
            // The lunar dates of years without a notice are checked against it (issue 16).
            "lunardate==0.3.0",
        ]))?;
    }
    crate::run_checked(Command::new(&python).arg(root().join("scripts/holidays.py")))
}

fn status_ok(cmd: &mut Command) -> bool {
    println!("xtask: $ {}", describe(cmd));
    cmd.status().map(|s| s.success()).unwrap_or(false)
}

/// Runs `cargo test`, echoing its output and adding up each harness's `test result:` line.
fn run_test_suite(cmd: &mut Command, tally: &mut Tally) {
    println!("xtask: $ {}", describe(cmd));
    let child = cmd.stdout(Stdio::piped()).spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            eprintln!("xtask: cannot start cargo test: {e}");
            tally.check("cargo test", false);
            return;
        }
    };
    let mut counted = Tally::default();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines().map_while(|l| l.ok()) {
            println!("{line}");
            if let Some((p, f, s)) = parse_result_line(&line) {
                counted.passed += p;
                counted.failed += f;
                counted.skipped += s;
            }
            if let Some(name) = line
                .strip_prefix("test ")
                .and_then(|l| l.strip_suffix(" ... FAILED"))
            {
                counted.failures.push(name.to_string());
            }
        }
    }
    let ok = child.wait().map(|s| s.success()).unwrap_or(false);
    tally.passed += counted.passed;
    tally.failed += counted.failed;
    tally.skipped += counted.skipped;
    tally.failures.extend(counted.failures);
    // A build failure runs no test at all: count it, or a broken build would look green.
    if !ok && counted.failed == 0 {
        tally.check("cargo test (build or harness failure)", false);
    }
}

/// `test result: ok. 5 passed; 1 failed; 2 ignored; ...` → (5, 1, 2).
fn parse_result_line(line: &str) -> Option<(usize, usize, usize)> {
    let rest = line.trim().strip_prefix("test result: ")?;
    let (_, counts) = rest.split_once(". ")?;
    let mut found = (None, None, 0);
    for part in counts.split(';') {
        let mut words = part.split_whitespace();
        let (Some(Ok(n)), Some(what)) = (words.next().map(str::parse::<usize>), words.next())
        else {
            continue;
        };
        match what {
            "passed" => found.0 = Some(n),
            "failed" => found.1 = Some(n),
            "ignored" => found.2 = n,
            _ => {}
        }
    }
    Some((found.0?, found.1?, found.2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_harness_summary() {
        let line = "test result: FAILED. 5 passed; 1 failed; 2 ignored; 0 measured; 0 filtered out; finished in 0.01s";
        assert_eq!(parse_result_line(line), Some((5, 1, 2)));
        assert_eq!(
            parse_result_line(
                "test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s"
            ),
            Some((0, 0, 0))
        );
    }

    #[test]
    fn ignores_other_lines() {
        assert_eq!(parse_result_line("test foo ... ok"), None);
        assert_eq!(parse_result_line("running 3 tests"), None);
    }

    #[test]
    fn a_failed_check_is_counted_and_named() {
        let mut t = Tally::default();
        t.check("fmt", true);
        t.check("clippy", false);
        assert_eq!((t.passed, t.failed), (1, 1));
        assert_eq!(t.failures, vec!["clippy".to_string()]);
    }
}
