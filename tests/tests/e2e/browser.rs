//! Browser flows: each runs a script under `tests/browser/` in headless Debian Chromium
//! (driven by npm playwright-core) against the in-process server. The script asserts, checks
//! every page it photographs with axe-core, and saves screenshots at 390×844 and 1280×800 under
//! target/screenshots; this side checks it passed and shows its output when it did not.

use serde_json::{Value, json};

use crate::helpers::{root, spa_dir, spawn_app_with_spa, spawn_app_with_spa_on};
use functions::ports::{Clock, SystemClock};

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
async fn every_service_is_applied_for_in_the_browser_on_the_real_date() {
    // Arrange: no clock pinned (issue 16: the pinned flows hid a service that stopped when
    // the built-in holiday data ran out).
    let app = spawn_app_with_spa().await;
    let today = SystemClock.now().date().to_string();

    // Act + assert: 生育服务证, 再生育服务证 (its due date provisional when it runs into a
    // year without a notice), 独生子女父母光荣证 and 婚育情况证明.
    run_flow("apply_birth", &app.base_url, json!({"day": today})).await;
    run_flow("apply_rebirth", &app.base_url, json!({"day": today})).await;
    run_flow("apply_other", &app.base_url, json!({})).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_loads_a_years_notice_and_the_open_case_becomes_exact() {
    // Arrange: a re-birth case accepted in the first year after the built-in data.
    let year = domain::Calendar::builtin().confirmed_through().unwrap() + 1;
    let day = format!("{year}-09-20");
    let app = spawn_app_with_spa_on(&day).await;
    let mut situation = rebirth_at_community();
    situation["date"] = json!(day);
    let (number, code) = app.submit(situation).await;

    // Act + assert: tests/browser/flows/staff_calendar.mjs.
    run_flow(
        "staff_calendar",
        &app.base_url,
        json!({"year": year, "number": number, "code": code}),
    )
    .await;
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

/// A re-birth application at 鄂城区 (another county, another province).
fn rebirth_in_ezhou() -> Value {
    json!({"service": "rebirth", "division": "420704001", "date": DAY, "marriage": "first",
        "children": [{"born": "2012-05-01", "of": "joint", "disability": "none"},
                     {"born": "2016-05-01", "of": "joint", "disability": "non_hereditary_appraised"}]})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_township_officer_and_a_county_approver_take_a_rebirth_case_to_issue() {
    // Arrange: a re-birth application with photographed materials.
    let app = spawn_app_with_spa_on(DAY).await;
    let (number, _) = app.submit_photos(rebirth_at_community()).await;

    // Act + assert: tests/browser/flows/staff_rebirth.mjs.
    run_flow(
        "staff_rebirth",
        &app.base_url,
        json!({"number": number, "applicant_id": "420704199001011231"}),
    )
    .await;

    // Assert: issued with both levels' seals; the reveal and the reads are in the audit trail.
    let county = app.login("demo-county").await;
    let (_, case) = app.read_as(&county, &number).await;
    assert_eq!(case["state"], "issued", "{case}");
    let levels: Vec<&str> = case["seals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["level"].as_str().unwrap())
        .collect();
    assert_eq!(levels, ["township", "county"]);
    let audit: Vec<&str> = case["audit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(audit.contains(&"reveal_id_numbers"), "{audit:?}");
    assert!(
        audit.iter().any(|a| a.starts_with("read_attachment")),
        "{audit:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_village_clerk_cannot_see_another_divisions_case_and_pages_through_their_own() {
    // Arrange
    let app = spawn_app_with_spa_on(DAY).await;
    let (own, _) = app.submit(rebirth_at_community()).await;
    let (other, _) = app.submit(rebirth_in_ezhou()).await;
    // Ten more of the community's, for two pages of ten.
    for _ in 0..10 {
        app.submit(rebirth_at_community()).await;
    }

    // Act + assert: tests/browser/flows/staff_scope.mjs.
    run_flow(
        "staff_scope",
        &app.base_url,
        json!({"own": own, "other": other}),
    )
    .await;

    // Assert: the refused read left no trace on the other case.
    let ezhou = app.login("demo-ezhou").await;
    let (_, case) = app.read_as(&ezhou, &other).await;
    let readers: Vec<&str> = case["audit"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["by"]["username"].as_str())
        .collect();
    assert!(!readers.contains(&"demo-village"), "{readers:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_return_from_the_console_gives_the_applicant_the_complete_list() {
    // Arrange
    let app = spawn_app_with_spa_on(DAY).await;
    let (number, code) = app.submit(rebirth_at_community()).await;

    // Act + assert: tests/browser/flows/staff_return.mjs.
    run_flow(
        "staff_return",
        &app.base_url,
        json!({"number": number, "code": code}),
    )
    .await;

    // Assert
    let (_, case) = app.track(&number, &code).await;
    assert_eq!(case["state"], "returned");
    assert_eq!(case["missing"].as_array().unwrap().len(), 2, "{case}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_shows_the_red_light_of_an_overdue_case() {
    // Arrange: one case decided on the day it came, one left untouched for two months.
    let app = spawn_app_with_spa_on(DAY).await;
    let (decided, _) = app.submit(rebirth_at_community()).await;
    let county = app.login("demo-county").await;
    let village = app.login("demo-village").await;
    let (_, case) = app.read_as(&village, &decided).await;
    let (status, _) = app
        .act(
            &village,
            &decided,
            json!({"version": case["version"], "action": "pre_review"}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, answer) = app
        .act(
            &county,
            &decided,
            json!({"version": 2, "action": "approve", "basis": "符合条件"}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let (late, _) = app.submit(rebirth_at_community()).await;
    app.set_day("2026-05-06");
    functions::sweep::run(&app.state).await.unwrap();

    // Act + assert: tests/browser/flows/staff_dashboard.mjs.
    run_flow(
        "staff_dashboard",
        &app.base_url,
        json!({"late": late, "decided": decided}),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_issues_a_marital_status_proof_from_the_population_registry() {
    // Arrange
    let app = spawn_app_with_spa_on(DAY).await;

    // Act + assert: tests/browser/flows/staff_window.mjs.
    run_flow("staff_window", &app.base_url, json!({})).await;

    // Assert: one case, entered by the window and issued there.
    let village = app.login("demo-village").await;
    let (_, queue) = app
        .get_as(&village, "/api/staff/cases?service=marital_status_proof")
        .await;
    let items = queue["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{queue}");
    assert_eq!(items[0]["state"], "issued");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_verification_across_provinces_is_asked_answered_and_the_case_delivered() {
    // Arrange: a re-birth case pre-reviewed by the community.
    let app = spawn_app_with_spa_on(DAY).await;
    let (number, _) = app.submit(rebirth_at_community()).await;
    let village = app.login("demo-village").await;
    let (_, case) = app.read_as(&village, &number).await;
    let (status, _) = app
        .act(
            &village,
            &number,
            json!({"version": case["version"], "action": "pre_review"}),
        )
        .await;
    assert_eq!(status, 200);

    // Act + assert: tests/browser/flows/staff_verification.mjs.
    run_flow(
        "staff_verification",
        &app.base_url,
        json!({"number": number}),
    )
    .await;

    // Assert
    let county = app.login("demo-county").await;
    let (_, case) = app.read_as(&county, &number).await;
    assert_eq!(case["state"], "delivered");
    assert_eq!(case["verifications"][0]["to"], "420704");
    assert!(
        case["verifications"][0]["answered_on"].is_string(),
        "{case}"
    );
    assert_eq!(case["delivery"]["method"], "express_cod");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_out_of_province_proof_is_deferred_then_issued_after_the_letter_from_the_console() {
    // Arrange: both spouses' hukou in 鄂城区 (Hubei); the proof asked at 四牌坊社区.
    let app = spawn_app_with_spa_on(DAY).await;
    let (number, _) = app
        .submit(json!({"service": "marital_status_proof", "division": "500116001005",
            "date": DAY, "marriage": "remarried", "hukou": {"husband": "420704", "wife": "420704"}}))
        .await;

    // Act + assert: tests/browser/flows/staff_out_of_city.mjs.
    run_flow(
        "staff_out_of_city",
        &app.base_url,
        json!({"number": number}),
    )
    .await;

    // Assert
    let village = app.login("demo-village").await;
    let (_, case) = app.read_as(&village, &number).await;
    assert_eq!(case["state"], "issued", "{case}");
    assert_eq!(case["out_of_city_deferred"], DAY);
    assert_eq!(case["out_of_city_check"]["method"], "letter");
    assert_eq!(case["verifications"][0]["to"], "420704");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn villages_anywhere_are_picked_level_by_level_or_found_by_the_search_box() {
    // Arrange: the first village of 渝北区 and of 长春 朝阳区, from the generated files.
    let app = spawn_app_with_spa().await;
    let first_village = |county: &str| {
        let text =
            std::fs::read_to_string(spa_dir().join(format!("divisions/villages/{county}.tsv")))
                .unwrap();
        let (code, name) = text.lines().next().unwrap().split_once('\t').unwrap();
        json!({"code": code, "name": name})
    };
    let villages = json!([first_village("500112"), first_village("220104")]);

    // Act + assert: tests/browser/flows/divisions.mjs.
    run_flow("divisions", &app.base_url, json!({"villages": villages})).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_verify_page_checks_a_certificate_offline_and_shows_its_revocation() {
    // Arrange: a 生育服务登记 issued by the community; the QR payload from its certificate.
    let app = spawn_app_with_spa_on(DAY).await;
    let (number, code) = app
        .submit(json!({"service": "birth_service", "division": "500116001005", "date": DAY, "marriage": "first"}))
        .await;
    let village = app.login("demo-village").await;
    let (_, case) = app.read_as(&village, &number).await;
    let (status, issued) = app
        .act(
            &village,
            &number,
            json!({"version": case["version"], "action": "issue"}),
        )
        .await;
    assert_eq!(status, 200, "{issued}");
    // What the holder's tracking page links to (the QR code's content).
    let (_, mine) = app.track(&number, &code).await;
    let payload = mine["certificate"]["verify_path"]
        .as_str()
        .and_then(|p| p.strip_prefix("/verify#"))
        .expect("the issued certificate's verify link")
        .to_string();
    let certificate_number = mine["certificate"]["number"].clone();
    let args =
        |expect: &str| json!({"payload": payload, "number": certificate_number, "expect": expect});
    let mut from_tracking = args("valid");
    from_tracking["case"] = json!(number);
    from_tracking["code"] = json!(code);

    // Act + assert: tests/browser/flows/verify.mjs — from the holder's tracking page, then
    // again after a revocation.
    run_flow("verify", &app.base_url, from_tracking).await;
    let county = app.login("demo-county").await;
    let (status, _) = app
        .act(
            &county,
            &number,
            json!({"version": issued["version"], "action": "revoke", "reasons": ["虚假承诺"]}),
        )
        .await;
    assert_eq!(status, 200);
    run_flow("verify", &app.base_url, args("revoked")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_holder_looks_up_exports_and_asks_for_a_correction_the_county_resolves_it() {
    // Arrange: a re-birth certificate issued by the county.
    let app = spawn_app_with_spa_on(DAY).await;
    let (number, _, certificate) = crate::certificates::issued_rebirth(&app, "赵先生").await;
    let county = app.login("demo-county").await;

    // Act: tests/browser/flows/lookup.mjs.
    run_flow(
        "lookup",
        &app.base_url,
        json!({"number": certificate, "case": number, "id_number": "420704199001011231"}),
    )
    .await;

    // Assert: the request was answered in the console; the certificate names the spouse anew.
    let (_, case) = app.read_as(&county, &number).await;
    assert_eq!(
        case["corrections"][0]["request"],
        "配偶姓名有误，应以户口簿为准"
    );
    assert_eq!(case["corrections"][0]["resolved_on"], DAY);
    assert_eq!(
        case["certificate"]["facts"]["holders"],
        json!(["赵先生", "钱女土"])
    );
}
