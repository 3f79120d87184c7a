//! Electronic certificates (issue 8, first part): signed when a case is issued, verified
//! offline against the published keys, its status answered — valid, then revoked.

use domain::case::IssuedCertificate;
use domain::certificate::{PublishedKey, qr_payload, verify};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app_on};

const DAY: &str = "2026-03-02";

pub async fn act(app: &TestApp, token: &str, number: &str, mut body: Value) -> Value {
    let (_, case) = app.read_as(token, number).await;
    body["version"] = case["version"].clone();
    let (status, answer) = app.act(token, number, body.clone()).await;
    assert_eq!(status, 200, "{body} -> {answer}");
    answer
}

// Long: one certificate's life told in order: issue, offline check, revocation.
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

/// The text poppler reads back from a PDF.
pub fn pdftotext(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("poppler-utils (cargo xtask install)");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// A 再生育服务证 through every level: three seals.
pub async fn issued_rebirth(app: &TestApp, name: &str) -> (String, String, String) {
    let village = app.login("demo-village").await;
    let township = app.login("demo-township").await;
    let county = app.login("demo-county").await;
    let (number, code) = app
        .submit_named(
            json!({"service": "rebirth", "division": "500116001005", "date": DAY, "marriage": "first",
                   "children": [{"born": "2012-05-01", "of": "joint", "disability": "none"},
                                {"born": "2016-05-01", "of": "joint", "disability": "non_hereditary_appraised"}]}),
            name,
            "钱女士",
        )
        .await;
    act(app, &village, &number, json!({"action": "pre_review"})).await;
    act(app, &village, &number, json!({"action": "seal"})).await;
    act(
        app,
        &township,
        &number,
        json!({"action": "township_opinion", "agree": true, "opinion": "经核实情况属实，同意"}),
    )
    .await;
    act(app, &township, &number, json!({"action": "seal"})).await;
    act(app, &county, &number, json!({"action": "approve"})).await;
    act(app, &county, &number, json!({"action": "seal"})).await;
    let issued = act(app, &county, &number, json!({"action": "issue"})).await;
    let no = issued["certificate"]["facts"]["number"]
        .as_str()
        .unwrap()
        .to_string();
    (number, code, no)
}

async fn download(app: &TestApp, no: &str, headers: &[(&str, &str)]) -> (u16, Vec<u8>) {
    let mut req = app
        .client
        .get(app.url(&format!("/api/certificates/{no}.pdf")));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn the_holder_downloads_the_certificate_as_a_pdf_that_reads_back() {
    // Arrange: a name with a character outside the BMP.
    let app = spawn_app_on(DAY).await;
    let (number, code, no) = issued_rebirth(&app, "𠮷田喆").await;
    let county = app.login("demo-county").await;
    let ezhou = app.login("demo-ezhou").await;

    // Act
    let (status, pdf) = download(&app, &no, &[("X-Access-Code", &code)]).await;
    let (staff_status, staff_pdf) =
        download(&app, &no, &[("Authorization", &format!("Bearer {county}"))]).await;
    let (outsider, _) = download(&app, &no, &[("Authorization", &format!("Bearer {ezhou}"))]).await;
    let (wrong_code, _) = download(&app, &no, &[("X-Access-Code", "WRONGCODE1")]).await;
    let (no_code, _) = download(&app, &no, &[]).await;
    let (not_a_pdf, _) = download(&app, &format!("{no}.txt"), &[]).await;
    let (_, case) = app.read_as(&county, &number).await;

    // Assert
    assert_eq!((status, staff_status), (200, 200));
    assert!(pdf.starts_with(b"%PDF-"));
    let text = pdftotext(&pdf);
    for expected in [
        "𠮷田喆",
        "钱女士",
        no.as_str(),
        "再生育服务证",
        "重庆市江津区",
        "计划生育专用章",
    ] {
        assert!(text.contains(expected), "{expected} not in: {text}");
    }
    assert!(
        !text.contains("420704199001011231"),
        "ID numbers are masked"
    );
    assert!(pdf.len() <= 150_000, "{} bytes", pdf.len());
    assert!(pdftotext(&staff_pdf).contains(&no));
    assert_eq!(
        outsider, 404,
        "staff outside the division: as if there were no case"
    );
    assert_eq!(wrong_code, 404);
    assert_eq!(no_code, 401);
    assert_eq!(not_a_pdf, 404);
    let downloads = case["audit"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "download_certificate")
        .count();
    assert_eq!(downloads, 1, "the staff download is audited");
}

#[tokio::test]
async fn a_name_the_font_cannot_print_fails_loudly_not_blank() {
    // Arrange: U+3134A (CJK extension G) is in no font the server has.
    let app = spawn_app_on(DAY).await;
    let (_, code, no) = issued_rebirth(&app, "李\u{3134A}").await;

    // Act
    let res = app
        .client
        .get(app.url(&format!("/api/certificates/{no}.pdf")))
        .header("X-Access-Code", &code)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let problem: Value = res.json().await.unwrap();

    // Assert
    assert_eq!(status, 500);
    assert_eq!(problem["code"], "unprintable_character");
    assert_eq!(problem["detail"], "\u{3134A} U+3134A");
}
