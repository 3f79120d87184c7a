//! `cargo xtask bench`: measures and writes `target/bench/report.md`. Figures only — the
//! tests check behaviour, never wall-clock time.

use std::fmt::Write as _;

use crate::{Result, XtaskError, root, spa, tools};

pub fn run(args: &[String]) -> Result<()> {
    if let Some(extra) = args.first() {
        return Err(XtaskError::Usage(format!(
            "bench takes no arguments, got {extra:?}"
        )));
    }
    tools::ensure_web()?;
    let dist = spa::build()?;
    let mut report = String::from("# Benchmark report\n\n");
    report.push_str(&first_load_section(&dist)?);
    report.push_str(&domain_section()?);
    report.push_str(&load_section()?);
    report.push_str(&queue_section()?);

    let dir = root().join("target").join("bench");
    std::fs::create_dir_all(&dir).map_err(|source| XtaskError::Io {
        context: format!("creating {}", dir.display()),
        source,
    })?;
    let path = dir.join("report.md");
    spa::write(&path, report.as_bytes())?;
    println!("{report}");
    println!("xtask: wrote {}", path.display());
    Ok(())
}

/// Runs one `cargo bench` target and returns what it printed.
fn bench_output(package: &str, bench: &str) -> Result<String> {
    let mut cmd = crate::cargo();
    cmd.args(["bench", "--package", package, "--bench", bench]);
    let program = crate::describe(&cmd);
    let out = cmd.output().map_err(|source| XtaskError::Spawn {
        program: program.clone(),
        source,
    })?;
    if !out.status.success() {
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
        return Err(XtaskError::Failed(program));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Criterion's figure for one eligibility + materials check (domain/benches/check.rs).
fn domain_section() -> Result<String> {
    let stdout = bench_output("domain", "check")?;
    let figures = criterion_time(&stdout).unwrap_or_else(|| "(no figure found)".into());
    Ok(format!(
        "## Domain: one eligibility check + material validation (native)\n\n\
         Target: ≤ 20 µs per call (issue 3). Criterion, [low estimate mean high]:\n\n\
         | benchmark | time |\n|---|---|\n| eligibility_and_materials | {figures} |\n\n"
    ))
}

/// The load generator's table (tests/benches/load.rs), between its markers.
fn load_section() -> Result<String> {
    let stdout = bench_output("e2e", "load")?;
    Ok(between(&stdout, "LOAD-REPORT-BEGIN", "LOAD-REPORT-END")
        .map(|s| format!("{}\n", s.trim()))
        .unwrap_or_else(|| {
            "## Local server under load\n\n(no figures: see the bench output)\n".into()
        }))
}

/// The work queue at 100k cases (tests/benches/queue.rs), between its markers.
fn queue_section() -> Result<String> {
    let stdout = bench_output("e2e", "queue")?;
    Ok(between(&stdout, "QUEUE-REPORT-BEGIN", "QUEUE-REPORT-END")
        .map(|s| format!("{}\n", s.trim()))
        .unwrap_or_else(|| {
            "## Staff work queue at 100000 cases\n\n(no figures: see the bench output)\n".into()
        }))
}

fn between<'a>(text: &'a str, begin: &str, end: &str) -> Option<&'a str> {
    let (_, rest) = text.split_once(begin)?;
    let (inner, _) = rest.split_once(end)?;
    Some(inner)
}

/// The `time: [a b c]` of criterion's output.
fn criterion_time(output: &str) -> Option<String> {
    let line = output
        .lines()
        .find(|l| l.trim_start().starts_with("time:"))?;
    let (_, rest) = line.split_once('[')?;
    let inner = rest.split(']').next()?;
    Some(format!("[{inner}]"))
}

/// The SPA's first load: every html/js/wasm/css file a browser fetches for `/`.
fn first_load_section(dist: &std::path::Path) -> Result<String> {
    let mut out = String::from(
        "## SPA first load (html + js + wasm + css)\n\n\
         Target: ≤ 200 KB brotli (issue 6).\n\n\
         | file | raw | gzip -9 | brotli q11 |\n|---|---:|---:|---:|\n",
    );
    let (mut raw_total, mut gz_total, mut br_total) = (0usize, 0usize, 0usize);
    for file in spa::assets(dist)? {
        let bytes = spa::read(&file)?;
        let (raw, gz, br) = (
            bytes.len(),
            spa::gzip(&bytes)?.len(),
            spa::brotli(&bytes)?.len(),
        );
        raw_total += raw;
        gz_total += gz;
        br_total += br;
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned());
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            name.unwrap_or_default(),
            kb(raw),
            kb(gz),
            kb(br)
        );
    }
    let _ = writeln!(
        out,
        "| **total** | **{}** | **{}** | **{}** |\n",
        kb(raw_total),
        kb(gz_total),
        kb(br_total)
    );
    Ok(out)
}

fn kb(bytes: usize) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_criterions_time_line() {
        let out = "eligibility_and_materials\n                        time:   [4.9251 µs 5.0586 µs 5.2283 µs]\n";
        assert_eq!(
            criterion_time(out).as_deref(),
            Some("[4.9251 µs 5.0586 µs 5.2283 µs]")
        );
        assert_eq!(criterion_time("nothing"), None);
    }
}
