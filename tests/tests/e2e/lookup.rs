//! Self-service lookup, its export and correction requests (issue 8; 004 三(四), 四(四)).

use serde_json::{Value, json};

use crate::certificates::{act, issued_rebirth, pdftotext};
use crate::helpers::{TestApp, spawn_app_on};

const DAY: &str = "2026-03-02";
const APPLICANT_ID: &str = "420704199001011231";
const SPOUSE_ID: &str = "500116199203040025";

async fn post(app: &TestApp, path: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn lookup(app: &TestApp, name: &str, id: &str) -> (u16, Value) {
    let res = post(app, "/api/lookup", &json!({"name": name, "id_number": id})).await;
    let status = res.status().as_u16();
    (status, res.json().await.unwrap())
}

#[tokio::test]
async fn a_holder_finds_their_certificates_and_a_wrong_name_finds_nothing() {
    // Arrange
    let app = spawn_app_on(DAY).await;
    let (number, _, no) = issued_rebirth(&app, "赵先生").await;
    let county = app.login("demo-county").await;

    // Act
    let applicant = lookup(&app, "赵先生", APPLICANT_ID).await;
    let spouse = lookup(&app, "钱女士", SPOUSE_ID).await;
    let wrong_name = lookup(&app, "孙先生", APPLICANT_ID).await;
    let crossed = lookup(&app, "钱女士", APPLICANT_ID).await;
    let unknown = lookup(&app, "赵先生", "11010519491231002X").await;
    let malformed = lookup(&app, "赵先生", "420704199001011232").await;
    let missing = post(&app, "/api/lookup", &json!({"name": "赵先生"})).await;
    let (_, case) = app.read_as(&county, &number).await;

    // Assert
    assert_eq!(applicant.0, 200);
    let found = &applicant.1["certificates"];
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
    assert_eq!(found[0]["number"], no);
    assert_eq!(found[0]["service"], "rebirth");
    assert_eq!(found[0]["holders"], json!(["赵先生", "钱女士"]));
    assert_eq!(found[0]["status"], "valid");
    assert_eq!(found[0]["electronic"], true);
    assert!(
        found[0]["verify_path"]
            .as_str()
            .unwrap()
            .starts_with("/verify#")
    );
    assert_eq!(
        spouse.1["certificates"][0]["number"], no,
        "the spouse holds it too"
    );
    let nothing = (200, json!({"certificates": []}));
    assert_eq!(wrong_name, nothing, "a wrong name looks like no match");
    assert_eq!(
        crossed, nothing,
        "the spouse's name with the applicant's ID"
    );
    assert_eq!(unknown, nothing);
    assert_eq!(
        malformed, nothing,
        "a wrong check digit reveals nothing either"
    );
    assert_eq!(missing.status(), 400);
    let lookups = case["audit"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "lookup")
        .count();
    assert_eq!(lookups, 2, "each holder's lookup is audited on the case");
}

#[tokio::test]
async fn enumerating_one_id_number_or_from_one_client_gets_429() {
    // Arrange
    let app = spawn_app_on(DAY).await;

    // Act: guessing names for one ID number; then many ID numbers from one client.
    let mut per_id = Vec::new();
    for i in 0..6 {
        per_id.push(lookup(&app, &format!("张{i}"), APPLICANT_ID).await.0);
    }
    let mut per_client = Vec::new();
    let mut retry_after = None;
    for i in 0..20 {
        let res = post(
            &app,
            "/api/lookup",
            &json!({"name": "张三", "id_number": format!("1101051949123{i:04}")}),
        )
        .await;
        per_client.push(res.status().as_u16());
        if res.status() == 429 {
            retry_after = res
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<i64>().ok());
            let problem: Value = res.json().await.unwrap();
            assert_eq!(problem["code"], "lookup_throttled");
        }
    }

    // Assert
    assert_eq!(per_id, [200, 200, 200, 200, 200, 429]);
    let first_refused = per_client.iter().position(|s| *s == 429).unwrap();
    assert_eq!(first_refused, 14, "20 per client per hour, 6 used above");
    assert!(per_client[first_refused..].iter().all(|s| *s == 429));
    let secs = retry_after.unwrap();
    assert!((1..=3600).contains(&secs), "{secs}");
}

#[tokio::test]
async fn the_export_says_it_is_a_lookup_result_not_a_certificate() {
    // Arrange
    let app = spawn_app_on(DAY).await;
    let (_, _, no) = issued_rebirth(&app, "赵先生").await;

    // Act
    let res = post(
        &app,
        "/api/lookup/export",
        &json!({"name": "赵先生", "id_number": APPLICANT_ID}),
    )
    .await;
    let status = res.status().as_u16();
    let content_type = res.headers()["content-type"].to_str().unwrap().to_string();
    let pdf = res.bytes().await.unwrap();
    let empty = post(
        &app,
        "/api/lookup/export",
        &json!({"name": "孙先生", "id_number": APPLICANT_ID}),
    )
    .await
    .bytes()
    .await
    .unwrap();

    // Assert
    assert_eq!((status, content_type.as_str()), (200, "application/pdf"));
    let text = pdftotext(&pdf);
    for expected in [
        "计生证件自助查询结果",
        "不是电子证照",
        "未生成电子证照的不得作为法定要件",
        no.as_str(),
        "再生育服务证",
        "已生成电子证照",
        "420704*********231",
    ] {
        assert!(text.contains(expected), "{expected} not in: {text}");
    }
    assert!(!text.contains(APPLICANT_ID));
    let empty_text = pdftotext(&empty);
    assert!(empty_text.contains("未查询到证件信息"), "{empty_text}");
    assert!(!empty_text.contains(&no));
}

// Long: one scenario told in order, from the lookup to the re-signed certificate.
#[tokio::test]
async fn a_correction_is_queued_at_the_issuing_office_and_resolved_with_an_audited_change() {
    // Arrange
    let app = spawn_app_on(DAY).await;
    let (number, _, no) = issued_rebirth(&app, "赵先生").await;
    let county = app.login("demo-county").await;
    let village = app.login("demo-village").await;

    // Act: the spouse's name was written wrong; she asks, the county corrects it.
    let requested = post(
        &app,
        "/api/corrections",
        &json!({"name": "钱女士", "id_number": SPOUSE_ID, "certificate": no,
                "request": "配偶姓名应为“钱女土”，户口簿为准"}),
    )
    .await;
    let requested_status = requested.status().as_u16();
    let requested: Value = requested.json().await.unwrap();
    let not_hers = post(
        &app,
        "/api/corrections",
        &json!({"name": "孙女士", "id_number": SPOUSE_ID, "certificate": no, "request": "x"}),
    )
    .await
    .status();
    let incomplete = post(&app, "/api/corrections", &json!({"name": "钱女士"}))
        .await
        .json::<Value>()
        .await
        .unwrap();
    let (_, queue) = app.get_as(&county, "/api/staff/cases").await;
    let (_, before) = app.read_as(&county, &number).await;
    let (village_status, _) = {
        let mut body = json!({"action": "resolve_correction", "id": 1, "resolution": "-"});
        body["version"] = before["version"].clone();
        app.act(&village, &number, body).await
    };
    let resolved = act(
        &app,
        &county,
        &number,
        json!({"action": "resolve_correction", "id": 1,
               "resolution": "经核对户口簿，配偶姓名更正为钱女土",
               "holders": ["赵先生", "钱女土"]}),
    )
    .await;
    let after_lookup = lookup(&app, "钱女土", SPOUSE_ID).await;
    let (_, lists) = app
        .get_as(&county, "/api/certificates/revocations?issuer=500116")
        .await;
    let old_name = lookup(&app, "钱女士", SPOUSE_ID).await;

    // Assert
    assert_eq!(requested_status, 201, "{requested}");
    assert_eq!(requested["correction"]["id"], 1);
    assert_eq!(requested["office"], "500116");
    assert!(requested["correction"]["due"].is_string());
    assert_eq!(not_hers, 404);
    let fields: Vec<&str> = incomplete["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["id_number", "certificate", "request"]);
    let row = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["number"] == number)
        .unwrap();
    assert_eq!(row["next_due"], requested["correction"]["due"], "{row}");
    assert_eq!(
        queue["items"][0]["number"], number,
        "due first in the office's queue"
    );
    assert!(
        before["available_actions"]
            .as_array()
            .unwrap()
            .contains(&json!("resolve_correction"))
    );
    assert_eq!(
        village_status, 403,
        "the issuing office resolves, not the village"
    );
    let last = resolved["timeline"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["action"], "resolve_correction");
    let details = last["details"].to_string();
    assert!(
        details.contains("钱女士、") || details.contains("钱女士"),
        "{details}"
    );
    assert!(details.contains("钱女土"), "{details}");
    assert_eq!(
        resolved["certificate"]["facts"]["holders"],
        json!(["赵先生", "钱女土"])
    );
    assert_eq!(after_lookup.1["certificates"][0]["number"], no);
    assert_eq!(after_lookup.1["certificates"][0]["open_corrections"], 0);
    assert_eq!(old_name.1, json!({"certificates": []}));
    // The certificate was signed anew: its payload verifies with the corrected name.
    let path = after_lookup.1["certificates"][0]["verify_path"]
        .as_str()
        .unwrap();
    let (_, keys) = app.get_as(&county, "/api/certificates/keys").await;
    let keys: Vec<domain::certificate::PublishedKey> =
        serde_json::from_value(keys["keys"].clone()).unwrap();
    let facts = domain::certificate::verify(path.trim_start_matches("/verify#"), &keys).unwrap();
    assert_eq!(facts.holders, ["赵先生", "钱女土"]);
    // The copy signed before the correction is named as superseded by the issuing office.
    let old_signature = &before["certificate"]["signature"];
    assert_eq!(
        lists["superseded"],
        json!([{"number": no, "signatures": [old_signature]}]),
        "{lists}"
    );
    assert_eq!(lists["revoked"], json!([]));
}

#[tokio::test]
async fn a_correction_left_unanswered_goes_red_and_the_sweep_records_it_once() {
    // Arrange: a request on 2026-03-02, due ten working days later (2026-03-16).
    let app = spawn_app_on(DAY).await;
    let (number, _, no) = issued_rebirth(&app, "赵先生").await;
    let requested = post(
        &app,
        "/api/corrections",
        &json!({"name": "赵先生", "id_number": APPLICANT_ID, "certificate": no, "request": "发证日期有误"}),
    )
    .await;
    assert_eq!(requested.status(), 201);

    // Act
    app.set_day("2026-03-17");
    let report = functions::sweep::run(&app.state).await.unwrap();
    let again = functions::sweep::run(&app.state).await.unwrap();
    let county = app.login("demo-county").await;
    let (_, case) = app.read_as(&county, &number).await;

    // Assert
    assert_eq!((report.red_lights, again.red_lights), (1, 0));
    assert_eq!(case["overdue"], json!(["correction:1"]));
    let red = case["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "red_light")
        .unwrap();
    assert!(
        red["details"][0].as_str().unwrap().contains("2026-03-16"),
        "{red}"
    );
}

#[tokio::test]
async fn an_honour_certificate_is_found_beside_a_re_birth_certificate() {
    // Arrange: Chongqing's 独生子女父母光荣证 is issued on the spot (since 2021), then a
    // re-birth certificate for the same couple.
    let app = spawn_app_on(DAY).await;
    let village = app.login("demo-village").await;
    let (honour, _) = app
        .submit(
            json!({"service": "only_child_honor", "division": "500116001005", "date": DAY,
                       "marriage": "first",
                       "children": [{"born": "2014-01-01", "of": "joint", "disability": "none"}]}),
        )
        .await;
    act(&app, &village, &honour, json!({"action": "issue"})).await;
    let (_, _, rebirth) = issued_rebirth(&app, "赵先生").await;

    // Act
    let (status, found) = lookup(&app, "赵先生", APPLICANT_ID).await;

    // Assert
    assert_eq!(status, 200);
    let services: Vec<&str> = found["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["service"].as_str().unwrap())
        .collect();
    assert_eq!(services.len(), 2, "{found}");
    assert!(services.contains(&"only_child_honor"));
    assert!(services.contains(&"rebirth"));
    assert!(found.to_string().contains(&rebirth));
}
