//! Electronic certificates (issue 8, first part): signed when a case is issued, verified
//! offline against the published keys, its status answered — valid, then revoked.

use domain::case::IssuedCertificate;
use domain::certificate::{PublishedKey, qr_payload, verify};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app_on};

const DAY: &str = "2026-03-02";

async fn act(app: &TestApp, token: &str, number: &str, mut body: Value) -> Value {
    let (_, case) = app.read_as(token, number).await;
    body["version"] = case["version"].clone();
    let (status, answer) = app.act(token, number, body.clone()).await;
    assert_eq!(status, 200, "{body} -> {answer}");
    answer
}

#[tokio::test]
async fn a_certificate_is_signed_on_issue_verifies_offline_and_shows_its_revocation() {
    // Arrange: a 生育服务登记 issued at once by the community.
    let app = spawn_app_on(DAY).await;
    let village = app.login("demo-village").await;
    let county = app.login("demo-county").await;
    let (number, code) = app
        .submit(json!({"service": "birth_service", "division": "500116001005", "date": DAY, "marriage": "first"}))
        .await;
    act(&app, &village, &number, json!({"action": "seal"})).await;

    // Act
    let issued = act(&app, &village, &number, json!({"action": "issue"})).await;
    let certificate: IssuedCertificate =
        serde_json::from_value(issued["certificate"].clone()).unwrap();
    let (keys_status, keys) = app.get_as(&county, "/api/certificates/keys").await;
    let keys: Vec<PublishedKey> = serde_json::from_value(keys["keys"].clone()).unwrap();
    let signature: [u8; 64] = {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(&certificate.signature)
            .unwrap()
            .try_into()
            .unwrap()
    };
    let payload = qr_payload(
        &certificate.facts.canonical(&certificate.key_id).unwrap(),
        &signature,
    );
    let checked = verify(&payload, &keys);
    let (_, mine) = app.track(&number, &code).await;
    let no = certificate.facts.number.to_string();
    let status = |app: &TestApp| {
        let url = app.url(&format!("/api/certificates/{no}/status"));
        let client = app.client.clone();
        async move {
            let res = client.get(url).send().await.unwrap();
            (res.status().as_u16(), res.json::<Value>().await.unwrap())
        }
    };
    let (before_status, before) = status(&app).await;
    act(
        &app,
        &county,
        &number,
        json!({"action": "revoke", "reasons": ["虚假承诺"]}),
    )
    .await;
    let (_, after) = status(&app).await;
    let (_, lists) = app
        .get_as(&county, "/api/certificates/revocations?issuer=500116001005")
        .await;
    let malformed = app
        .client
        .get(app.url("/api/certificates/ZS-1/status"))
        .send()
        .await
        .unwrap()
        .status();
    let unknown_number = domain::certificate::CertificateNumber::for_case(
        domain::Service::BirthService,
        domain::DivisionCode::parse("500116001005").unwrap(),
        "JS20260302-AAAAAA",
    )
    .unwrap();
    let unknown = app
        .client
        .get(app.url(&format!("/api/certificates/{unknown_number}/status")))
        .send()
        .await
        .unwrap()
        .status();

    // Assert
    assert_eq!(keys_status, 200);
    let facts = checked.expect("the published key verifies the signature");
    assert_eq!(facts.holders, ["赵先生", "钱女士"]);
    assert_eq!(facts.number.case_number(), number);
    assert_eq!(facts.sealed_by, [domain::division::Level::Village]);
    assert!(payload.len() <= 400, "QR payload {} bytes", payload.len());
    assert_eq!(
        mine["certificate"]["verify_path"],
        format!("/verify#{payload}"),
        "the holder's link carries the stored signature"
    );
    assert_eq!(
        (before_status, before["status"].as_str()),
        (200, Some("valid"))
    );
    assert_eq!(after["status"], "revoked");
    assert_eq!(lists["revoked"], json!([no]), "{lists}");
    assert_eq!(lists["void"], json!([]));
    assert_eq!(malformed, 400);
    assert_eq!(unknown, 404);
}
