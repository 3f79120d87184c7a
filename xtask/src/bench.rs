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
