//! `POST /api/eligibility` and `GET /api/deadline`: the fixed contracts of SPEC §9.

use serde_json::{Value, json};

use crate::helpers::spawn_app;

fn spec_request() -> Value {
    json!({
        "service": "rebirth",
        "division": "500116",
        "date": "2026-03-02",
        "marriage": "first",
        "children": [{"born": "2012-05-01", "of": "joint", "disability": "none"}],
        "hukou": {"husband": "420704", "wife": "500116"},
        "residence": {"division": "500116", "since": "2025-01-01"},
        "honor_certificate": false,
        "dishonest": false,
        "other_province_rebirth_card": false
    })
}

#[tokio::test]
async fn the_spec_example_gets_an_answer_in_the_spec_shape() {
    let app = spawn_app().await;

    let res = app
        .client
        .post(app.url("/api/eligibility"))
        .json(&spec_request())
        .send()
        .await
        .unwrap();

    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    // One child, no special circumstance: re-birth is not the service for them yet.
    assert_eq!(body["eligible"], false);
    assert_eq!(body["service"], "rebirth");
    assert_eq!(body["processing"], "promise");
    assert_eq!(body["reasons"][0]["code"], "within_quota_no_approval");
    // 2026: the 2021 amendment of the national law, the province's text not verified.
    assert!(
        body["reasons"][0]["source"]
            .as_str()
            .unwrap()
            .starts_with(domain::policy::rules::LAW_2021),
        "{body}"
    );
    assert_eq!(body["materials"], json!([]));
    assert_eq!(body["deciding_division"], "500116");
    assert_eq!(
        body["time_limit"],
        json!({"unit": "working_days", "value": 20})
    );
}

#[tokio::test]
async fn an_eligible_answer_cites_its_rule_and_lists_every_material() {
    let app = spawn_app().await;
    let mut req = spec_request();
    req["children"] = json!([
        {"born": "2012-05-01", "of": "joint", "disability": "none"},
        {"born": "2017-05-01", "of": "joint", "disability": "non_hereditary_appraised"}
    ]);

    let body: Value = app.check(&req).await;

    assert_eq!(body["eligible"], true);
    let allows: Vec<&Value> = body["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["effect"] == "allows")
        .collect();
    assert_eq!(allows[0]["code"], "disabled_child");
    let codes: Vec<&str> = body["materials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "id_cards",
            "marriage_cert",
            "hukou_book",
            "marital_status_proof",
            "photo_woman_x2",
            "disability_appraisal"
        ]
    );
    assert!(
        body["materials"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["source"].as_str().is_some_and(|s| !s.is_empty()))
    );
}

#[tokio::test]
async fn a_malformed_request_lists_every_bad_field_at_once() {
    let app = spawn_app().await;
    let bad = json!({"service": "rebirth2", "division": "99", "date": "2026-02-30", "children": [{"born": "x", "of": "joint"}], "extra": 1});

    let res = app
        .client
        .post(app.url("/api/eligibility"))
        .json(&bad)
        .send()
        .await
        .unwrap();

    assert_eq!(res.status(), 400);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "invalid_request");
    assert!(body["title"].as_str().unwrap().contains("逐项"));
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for f in [
        "service",
        "division",
        "date",
        "marriage",
        "children[0].born",
        "extra",
    ] {
        assert!(fields.contains(&f), "{f} not in {fields:?}");
    }
}

// Long: a table of bad bodies, each with the one precise problem it must get.
#[tokio::test]
async fn malformed_json_wrong_type_and_huge_bodies_get_precise_problems() {
    let app = spawn_app().await;
    let post = |body: Vec<u8>, ct: &'static str| {
        app.client
            .post(app.url("/api/eligibility"))
            .header("content-type", ct)
            .body(body)
            .send()
    };

    let broken = post(b"{\"service\": ".to_vec(), "application/json")
        .await
        .unwrap();
    let text = post(
        b"service=rebirth".to_vec(),
        "application/x-www-form-urlencoded",
    )
    .await
    .unwrap();
    let huge = post(vec![b' '; 300 * 1024], "application/json")
        .await
        .unwrap();

    assert_eq!(broken.status(), 400);
    assert_eq!(
        broken.json::<Value>().await.unwrap()["code"],
        "malformed_json"
    );
    assert_eq!(text.status(), 415);
    assert_eq!(
        text.json::<Value>().await.unwrap()["code"],
        "unsupported_media_type"
    );
    assert_eq!(huge.status(), 413);
    assert_eq!(
        huge.json::<Value>().await.unwrap()["code"],
        "payload_too_large"
    );
}

#[tokio::test]
async fn a_province_without_rules_is_422_not_a_guess() {
    let app = spawn_app().await;
    let mut req = spec_request();
    req["division"] = json!("110101");

    let res = app
        .client
        .post(app.url("/api/eligibility"))
        .json(&req)
        .send()
        .await
        .unwrap();

    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "unsupported_province");
    assert!(body["title_en"].as_str().unwrap().contains("No rules"));
}

#[tokio::test]
async fn deadline_lists_the_legal_steps_with_due_dates() {
    let app = spawn_app().await;

    let cq: Value = app
        .client
        .get(app.url("/api/deadline?division=500116&service=rebirth&from=2024-09-27"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let hb: Value = app
        .client
        .get(app.url("/api/deadline?division=420704&service=rebirth&from=2024-09-27"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    assert_eq!(cq["due"], "2024-10-30");
    assert_eq!(cq["steps"][0]["unit"], "working_days");
    assert_eq!(cq["steps"][0]["value"], 20);
    assert_eq!(cq["steps"][0]["due"], "2024-10-30");
    assert_eq!(hb["steps"].as_array().unwrap().len(), 2);
    assert_eq!(hb["steps"][0]["step"], "township_opinion");
    assert_eq!(hb["due"], "2024-10-28");
}

#[tokio::test]
async fn deadline_for_one_limit_counts_working_days_and_days() {
    let app = spawn_app().await;

    let wd: Value = app
        .client
        .get(app.url("/api/deadline?from=2024-09-27&unit=working_days&value=20"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let days: Value = app
        .client
        .get(app.url("/api/deadline?from=2024-09-27&unit=days&value=30"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    assert_eq!(wd, json!({"due": "2024-10-30"}));
    assert_eq!(days, json!({"due": "2024-10-28"}));
}

#[tokio::test]
async fn deadline_errors_are_400_for_bad_parameters_and_422_outside_the_calendar() {
    let app = spawn_app().await;

    let bad = app
        .client
        .get(app.url("/api/deadline?from=2024-13-01&unit=weeks&value=-1"))
        .send()
        .await
        .unwrap();
    let outside = app
        .client
        .get(app.url("/api/deadline?from=2007-05-01&unit=working_days&value=5"))
        .send()
        .await
        .unwrap();
    let missing = app
        .client
        .get(app.url("/api/deadline"))
        .send()
        .await
        .unwrap();

    assert_eq!(bad.status(), 400);
    let body: Value = bad.json().await.unwrap();
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields.len(), 3, "{fields:?}");
    assert_eq!(outside.status(), 422);
    assert_eq!(
        outside.json::<Value>().await.unwrap()["code"],
        "outside_calendar"
    );
    assert_eq!(missing.status(), 400);
    let body: Value = missing.json().await.unwrap();
    assert_eq!(
        body["errors"].as_array().unwrap().len(),
        3,
        "from, division and service"
    );
}

#[tokio::test]
async fn the_service_guide_has_conditions_materials_limit_fee_place_and_hotline() {
    let app = crate::helpers::spawn_app_on("2024-09-27").await;

    let res = app
        .client
        .get(app.url("/api/guides?division=500116001005&service=rebirth"))
        .send()
        .await
        .unwrap();
    let bad = app
        .client
        .get(app.url("/api/guides?division=x"))
        .send()
        .await
        .unwrap();

    assert_eq!(res.status(), 200);
    let g: Value = res.json().await.unwrap();
    assert_eq!(g["office"], "重庆市江津区几江街道四牌坊社区居民委员会");
    assert_eq!(
        g["time_limit"],
        json!({"unit": "working_days", "value": 20})
    );
    assert_eq!(g["due_if_accepted_today"], "2024-10-30");
    assert!(g["fee"]["text"].as_str().unwrap().contains("免费"));
    assert_eq!(g["hotline"]["text"], "023-47292152");
    assert!(!g["conditions"].as_array().unwrap().is_empty());
    assert!(
        g["materials"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| !m["source"].as_str().unwrap().is_empty())
    );
    assert_eq!(bad.status(), 400);
    assert_eq!(
        bad.json::<Value>().await.unwrap()["errors"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}
