//! Browser flows: each runs a script under `tests/browser/` in headless Debian Chromium
//! (driven by npm playwright-core) against the in-process server. The script asserts; this
//! side checks it passed and shows its output when it did not.

use crate::helpers::{root, spawn_app_with_spa};

/// Runs `tests/browser/run.mjs <flow> <base url>`; screenshots go under target/screenshots.
async fn run_flow(flow: &str, base_url: &str) {
    let root = root();
    let out = tokio::process::Command::new("node")
        .arg(root.join("tests/browser/run.mjs"))
        .arg(flow)
        .arg(base_url)
        .env("SCREENSHOT_DIR", root.join("target/screenshots"))
        .current_dir(&root)
        .output()
        .await
        .expect("node runs (cargo xtask test installs it)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "browser flow {flow} failed\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
    );
    assert!(
        stdout.contains(&format!("flow {flow}: passed")),
        "flow {flow} did not report passing:\n{stdout}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn home_page_renders_in_chinese_shows_health_and_switches_to_english() {
    let app = spawn_app_with_spa().await;
    run_flow("home", &app.base_url).await;
}
