//! The API through real HTTP on loopback.

use crate::helpers::{spawn_app, spawn_app_with_spa};

#[tokio::test]
async fn health_answers_200_json_with_the_version() {
    // Arrange
    let app = spawn_app().await;
    // Act
    let res = app.client.get(app.url("/api/health")).send().await.unwrap();
    // Assert
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
}

#[tokio::test]
async fn unknown_api_path_is_a_404_problem_not_the_spa() {
    let app = spawn_app_with_spa().await;

    let res = app
        .client
        .get(app.url("/api/no-such-thing"))
        .send()
        .await
        .unwrap();

    assert_eq!(res.status(), 404);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["code"], "not_found");
    assert_eq!(body["status"], 404);
    assert!(body["title"].as_str().unwrap().contains("不存在"));
    assert!(
        body["title_en"]
            .as_str()
            .unwrap()
            .contains("does not exist")
    );
}

#[tokio::test]
async fn wrong_method_is_a_405_problem() {
    let app = spawn_app().await;

    let res = app
        .client
        .post(app.url("/api/health"))
        .send()
        .await
        .unwrap();

    assert_eq!(res.status(), 405);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["code"], "method_not_allowed");
}

#[tokio::test]
async fn client_routes_fall_back_to_the_spa_index() {
    let app = spawn_app_with_spa().await;

    let res = app
        .client
        .get(app.url("/track/some-case"))
        .send()
        .await
        .unwrap();

    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("<title>计生证件网上办</title>"));
}

#[tokio::test]
async fn the_console_and_the_verify_page_are_bundles_of_their_own() {
    // Arrange
    let app = spawn_app_with_spa().await;
    let page = |path: &'static str| {
        let app = &app;
        async move {
            let res = app.client.get(app.url(path)).send().await.unwrap();
            (res.status().as_u16(), res.text().await.unwrap())
        }
    };

    // Act
    let (staff_status, staff) = page("/staff").await;
    let (case_status, case) = page("/staff/cases/JS20260302-ABCDEF").await;
    let (_, applicant) = page("/track").await;
    let (_, lookalike) = page("/staffing").await;
    let (_, verify) = page("/verify").await;

    // Assert: /staff… gets the console's page and wasm; everything else the applicant's,
    // which does not load the console.
    assert_eq!((staff_status, case_status), (200, 200));
    for html in [&staff, &case] {
        assert!(html.contains("/console/console-"), "{html}");
        assert!(html.contains("工作人员</title>"));
    }
    for html in [&applicant, &lookalike] {
        assert!(html.contains("<title>计生证件网上办</title>"));
        assert!(!html.contains("console"), "{html}");
    }
    assert!(verify.contains("/verify/verify-"), "{verify}");
}

#[tokio::test]
async fn a_missing_file_is_a_404_not_the_spa_index() {
    // Arrange: a county no division has (as CloudFront answers a missing object).
    let app = spawn_app_with_spa().await;

    // Act
    let missing = app
        .client
        .get(app.url("/divisions/villages/110199.tsv"))
        .send()
        .await
        .unwrap();
    let present = app
        .client
        .get(app.url("/divisions/villages/500116.tsv"))
        .send()
        .await
        .unwrap();

    let icon = app
        .client
        .get(app.url("/favicon.svg"))
        .send()
        .await
        .unwrap();

    // Assert: missing is missing; the icon the web manifest names is there.
    assert_eq!(missing.status(), 404);
    assert_eq!(icon.status(), 200);
    assert_eq!(present.status(), 200);
    assert!(present.text().await.unwrap().contains("500116001005\t"));
}

#[tokio::test]
async fn assets_are_served_brotli_compressed_when_accepted() {
    let app = spawn_app_with_spa().await;
    let index = app
        .client
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let wasm = index
        .split('\'')
        .chain(index.split('"'))
        .find(|s| s.starts_with('/') && s.ends_with(".wasm"))
        .expect("index.html references the wasm")
        .to_string();

    let res = app
        .client
        .get(app.url(&wasm))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();

    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-encoding"], "br");
    assert_eq!(res.headers()["content-type"], "application/wasm");
}

#[tokio::test]
async fn every_answer_carries_the_security_headers_and_the_api_is_never_cached() {
    // Arrange
    let app = spawn_app_with_spa().await;

    // Act
    let page = app.client.get(app.url("/track")).send().await.unwrap();
    let api = app
        .client
        .get(app.url("/api/cases/JS20260302-NOSUCH"))
        .header("x-access-code", "WRONGCODE1")
        .send()
        .await
        .unwrap();
    let html = page.text().await.unwrap_or_default();

    // Assert: the policy CloudFront sends (issue 18), and no inline script for it to block.
    let csp = functions::headers::local_policy();
    let headers = api.headers().clone();
    assert_eq!(headers["content-security-policy"], csp.as_str());
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "same-origin");
    assert_eq!(headers["cache-control"], "no-store", "a personal answer");
    assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval'"));
    assert!(!csp.contains("unsafe-inline"));
    assert!(
        !html.contains("<script type=\"module\">"),
        "trunk's loader is a file, not inline"
    );
    assert!(html.contains("<script type=\"module\" src=\"/boot-"));
}
