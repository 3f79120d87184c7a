//! Browser flows: each runs a script under `tests/browser/` in headless Debian Chromium
//! (driven by npm playwright-core) against the in-process server. The script asserts, checks
//! every page it photographs with axe-core, and saves screenshots at 390×844 and 1280×800 under
//! target/screenshots; this side checks it passed and shows its output when it did not.

use serde_json::{Value, json};

use crate::helpers::{root, spawn_app_with_spa, spawn_app_with_spa_on};

/// A Monday inside the holiday data, so every due date the flows see is computable.
const DAY: &str = "2026-03-02";

/// Runs `tests/browser/run.mjs <flow> <base url>` with `args` as FLOW_ARGS.
async fn run_flow(flow: &str, base_url: &str, args: Value) {
    let root = root();
    let out = tokio::process::Command::new("node")
        .arg(root.join("tests/browser/run.mjs"))
        .arg(flow)
        .arg(base_url)
        .env("SCREENSHOT_DIR", root.join("target/screenshots"))
        .env("FLOW_ARGS", args.to_string())
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
    run_flow("home", &app.base_url, json!({})).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spec_8_checklist_up_front_one_missing_item_named_then_accepted_and_tracked() {
    // Arrange
    let app = spawn_app_with_spa_on(DAY).await;

    // Act + assert: in the browser (tests/browser/flows/apply_birth.mjs).
    run_flow("apply_birth", &app.base_url, json!({"day": DAY})).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rebirth_application_with_uploads_retries_and_its_due_date() {
    // Arrange
    let app = spawn_app_with_spa_on(DAY).await;

    // Act + assert: tests/browser/flows/apply_rebirth.mjs.
    run_flow("apply_rebirth", &app.base_url, json!({"day": DAY})).await;
}

/// A re-birth application at 四牌坊社区 (a promise item with a 20-working-day limit).
fn rebirth_at_community() -> Value {
    json!({"service": "rebirth", "division": "500116001005", "date": DAY, "marriage": "first",
        "children": [{"born": "2012-05-01", "of": "joint", "disability": "none"},
                     {"born": "2016-05-01", "of": "joint", "disability": "non_hereditary_appraised"}]})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tracking_after_a_staff_return_lists_everything_missing_and_resubmits_and_shows_red_flags()
{
    // Arrange: a re-birth case at 四牌坊社区, returned by the township through the API.
    let app = spawn_app_with_spa_on(DAY).await;
    let (number, code) = app.submit(rebirth_at_community()).await;
    let township = app.login("demo-township").await;
    let (_, case) = app.read_as(&township, &number).await;
    let (status, answer) = app
        .act(
            &township,
            &number,
            json!({"version": case["version"], "action": "return",
                   "missing": ["hukou_book", "marriage_cert"], "note": "请补充原件照片"}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    // A second case nobody touches, two months on: past its limit, red-lighted by the sweep.
    let (late_number, late_code) = app.submit(rebirth_at_community()).await;
    app.set_day("2026-05-06");
    functions::sweep::run(&app.state).await.unwrap();

    // Act + assert: tests/browser/flows/track_return.mjs.
    run_flow(
        "track_return",
        &app.base_url,
        json!({"day": DAY, "number": number, "code": code, "late_number": late_number, "late_code": late_code}),
    )
    .await;

    // Assert: the resubmission reached the case record.
    let township = app.login("demo-township").await;
    let (_, after) = app.read_as(&township, &number).await;
    assert_eq!(after["state"], "submitted", "{after}");
}
