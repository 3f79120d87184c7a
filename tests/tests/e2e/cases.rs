//! `POST /api/uploads`, `POST /api/cases`, `GET /api/cases/{no}` end to end.

use serde_json::{Value, json};

use crate::helpers::{TestApp, closed_port, spawn_app_on, spawn_app_on_dynamodb, start_moto};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR-test-bytes";
const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F'];
const PDF: &[u8] = b"%PDF-1.4\n% test\n";

// Valid GB 11643 numbers (check characters computed): a Hubei husband, a Chongqing wife.
const ZHAO_ID: &str = "420704199001011231";
const WIFE_ID: &str = "500116199203040025";

/// SPEC §8: Mr Zhao (hukou in 鄂城区) applies for a 生育服务证 at his wife's community.
fn zhao(materials: Value) -> Value {
    json!({
        "situation": {
            "service": "birth_service", "division": "500116001005", "date": "2024-09-27", "marriage": "first",
            "hukou": {"husband": "420704", "wife": "500116001"}
        },
        "applicant": {"name": "赵先生", "id_number": ZHAO_ID, "phone": "13800138000"},
        "spouse": {"name": "钱女士", "id_number": WIFE_ID},
        "materials": materials
    })
}

async fn post_case(app: &TestApp, body: &Value, key: Option<&str>) -> reqwest::Response {
    let mut req = app.client.post(app.url("/api/cases")).json(body);
    if let Some(k) = key {
        req = req.header("idempotency-key", k);
    }
    req.send().await.unwrap()
}

// Long: SPEC §8's scenario told in order.
#[tokio::test]
async fn spec_8_one_missing_item_is_named_and_the_complete_set_is_accepted() {
    // Arrange: the checklist up front says what to bring; he uploads all but the hukou book.
    let app = spawn_app_on("2024-09-27").await;
    let checklist: Value = app
        .client
        .post(app.url("/api/eligibility"))
        .json(&zhao(json!([]))["situation"])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let listed: Vec<&str> = checklist["materials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        listed,
        [
            "id_cards",
            "hukou_book",
            "marriage_cert",
            "marital_status_proof"
        ]
    );
    let ids = app.upload_id("image/jpeg", JPEG).await;
    let marriage = app.upload_id("application/pdf", PDF).await;

    // Act 1: submit without the hukou book.
    let first = post_case(
        &app,
        &zhao(json!([
            {"code": "id_cards", "attachments": [ids]},
            {"code": "marriage_cert", "attachments": [marriage]}
        ])),
        None,
    )
    .await;

    // Assert 1: exactly what is missing, nothing else (the window issues the status proof).
    assert_eq!(first.status(), 422);
    let problem: Value = first.json().await.unwrap();
    assert_eq!(problem["code"], "application_incomplete");
    assert_eq!(
        problem["errors"],
        json!([{"code": "material_missing", "material": "hukou_book"}])
    );

    // Act 2: add it and submit again.
    let hukou = app.upload_id("image/png", PNG).await;
    let second = post_case(
        &app,
        &zhao(json!([
            {"code": "id_cards", "attachments": [ids]},
            {"code": "hukou_book", "attachments": [hukou]},
            {"code": "marriage_cert", "attachments": [marriage]}
        ])),
        None,
    )
    .await;

    // Assert 2: accepted, with a number and a private access code.
    assert_eq!(second.status(), 201);
    let location = second.headers()["location"].to_str().unwrap().to_string();
    let body: Value = second.json().await.unwrap();
    let number = body["number"].as_str().unwrap();
    assert!(number.starts_with("JS20240927-"), "{number}");
    assert_eq!(location, format!("/api/cases/{number}"));
    assert_eq!(body["state"], "submitted");
    assert_eq!(
        body["due"], "2024-09-27",
        "an instant item is due the same day"
    );
    let proof = body["materials"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["code"] == "marital_status_proof")
        .unwrap();
    assert_eq!(proof["provided_by"], "window");
    let code = body["access_code"].as_str().unwrap();
    assert_eq!(code.len(), 10);
    let tracked: Value = app
        .client
        .get(app.url(&location))
        .header("x-access-code", code)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(tracked["state"], "submitted");
    assert_eq!(
        tracked["applicant"]["id_number"], "420704*********231",
        "masked"
    );
    assert_eq!(tracked["timeline"][0]["action"], "submit");
}

#[tokio::test]
async fn every_problem_with_a_submission_comes_back_in_one_answer() {
    let app = spawn_app_on("2024-09-27").await;
    let mut body = zhao(
        json!([{"code": "id_cards", "attachments": ["up_doesnotexist"]}, {"code": "bank_statement", "attachments": []}]),
    );
    body["applicant"]["id_number"] = json!("420704199001011238"); // check character mistyped
    body["applicant"]["phone"] = json!("12345");
    body["spouse"] = Value::Null;

    let res = post_case(&app, &body, None).await;

    assert_eq!(res.status(), 422);
    let problem: Value = res.json().await.unwrap();
    let errors = problem["errors"].as_array().unwrap();
    let has = |pred: &dyn Fn(&Value) -> bool| errors.iter().any(pred);
    assert!(
        has(&|e| e["field"] == "applicant.id_number" && e["reason"] == "id_check_digit"),
        "{errors:?}"
    );
    assert!(has(&|e| e["field"] == "applicant.phone"));
    assert!(has(
        &|e| e["field"] == "spouse" && e["code"] == "missing_field"
    ));
    assert!(has(
        &|e| e["code"] == "material_unknown" && e["material"] == "bank_statement"
    ));
    assert!(has(
        &|e| e["code"] == "material_missing" && e["material"] == "hukou_book"
    ));
    assert!(has(
        &|e| e["code"] == "material_missing" && e["material"] == "marriage_cert"
    ));
    assert!(has(&|e| e["field"] == "materials[0].attachments[0]"));
}

#[tokio::test]
async fn an_ineligible_situation_is_refused_with_its_reasons() {
    let app = spawn_app_on("2024-09-27").await;
    let mut body = zhao(
        json!([{"code": "id_cards", "attachments": [app.upload_id("image/jpeg", JPEG).await]}]),
    );
    // Three children on 2024-09-27: past the 2021 law's three-child quota.
    body["situation"]["children"] = json!([
        {"born": "2016-01-01", "of": "joint", "disability": "none"},
        {"born": "2018-01-01", "of": "joint", "disability": "none"},
        {"born": "2020-01-01", "of": "joint", "disability": "none"}
    ]);

    let problem: Value = post_case(&app, &body, None).await.json().await.unwrap();

    let not_eligible = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["code"] == "not_eligible")
        .unwrap();
    assert_eq!(not_eligible["reasons"][0]["code"], "three_children_limit");
    assert!(
        not_eligible["reasons"][0]["source"]
            .as_str()
            .unwrap()
            .starts_with(domain::policy::rules::LAW_2021),
        "{not_eligible}"
    );
    assert_eq!(
        problem["errors"].as_array().unwrap().len(),
        1,
        "only the refusal, no material noise: {problem}"
    );
}

#[tokio::test]
async fn a_retry_with_the_same_idempotency_key_returns_the_first_answer_and_creates_nothing() {
    let app = spawn_app_on("2024-09-27").await;
    let files = json!([
        {"code": "id_cards", "attachments": [app.upload_id("image/jpeg", JPEG).await]},
        {"code": "hukou_book", "attachments": [app.upload_id("image/png", PNG).await]},
        {"code": "marriage_cert", "attachments": [app.upload_id("application/pdf", PDF).await]}
    ]);
    let body = zhao(files);

    let first = post_case(&app, &body, Some("retry-1")).await;
    let again = post_case(&app, &body, Some("retry-1")).await;
    let mut other = body.clone();
    other["applicant"]["phone"] = json!("13900139000");
    let conflict = post_case(&app, &other, Some("retry-1")).await;

    assert_eq!(
        (first.status().as_u16(), again.status().as_u16()),
        (201, 201)
    );
    let (a, b): (Value, Value) = (first.json().await.unwrap(), again.json().await.unwrap());
    assert_eq!(a, b, "the same number and access code");
    assert_eq!(conflict.status(), 409);
    assert_eq!(
        conflict.json::<Value>().await.unwrap()["code"],
        "idempotency_key_reused"
    );
}

#[tokio::test]
async fn tracking_needs_the_right_access_code_and_reveals_nothing_otherwise() {
    let app = spawn_app_on("2024-09-27").await;
    let files = json!([
        {"code": "id_cards", "attachments": [app.upload_id("image/jpeg", JPEG).await]},
        {"code": "hukou_book", "attachments": [app.upload_id("image/png", PNG).await]},
        {"code": "marriage_cert", "attachments": [app.upload_id("application/pdf", PDF).await]}
    ]);
    let created: Value = post_case(&app, &zhao(files), None)
        .await
        .json()
        .await
        .unwrap();
    let url = app.url(&format!(
        "/api/cases/{}",
        created["number"].as_str().unwrap()
    ));

    let none = app.client.get(&url).send().await.unwrap();
    let wrong = app
        .client
        .get(&url)
        .header("x-access-code", "WRONGCODE2")
        .send()
        .await
        .unwrap();
    let unknown = app
        .client
        .get(app.url("/api/cases/JS20240927-XXXXXX"))
        .header("x-access-code", "WRONGCODE2")
        .send()
        .await
        .unwrap();

    assert_eq!(none.status(), 401);
    assert_eq!(wrong.status(), 404);
    assert_eq!(unknown.status(), 404);
    let (w, u): (Value, Value) = (wrong.json().await.unwrap(), unknown.json().await.unwrap());
    assert_eq!(w, u, "a wrong code and an unknown case look the same");
}

#[tokio::test]
async fn uploads_are_capped_sniffed_and_must_match_their_declared_type() {
    let app = spawn_app_on("2024-09-27").await;

    let ok = app.upload("image/png", PNG).await;
    let gif = app.upload("image/png", b"GIF89a....").await;
    let mismatch = app.upload("image/jpeg", PNG).await;
    let html = app.upload("text/html", b"<html>").await;
    let huge = app
        .upload("image/jpeg", &[JPEG, &vec![0u8; 10 * 1024 * 1024]].concat())
        .await;

    assert_eq!(ok.status(), 201);
    let body: Value = ok.json().await.unwrap();
    assert!(body["id"].as_str().unwrap().starts_with("up_"));
    assert_eq!(body["content_type"], "image/png");
    for res in [gif, mismatch, html] {
        assert_eq!(res.status(), 415);
        assert_eq!(
            res.json::<Value>().await.unwrap()["code"],
            "unsupported_upload_type"
        );
    }
    assert_eq!(huge.status(), 413);
    assert_eq!(
        huge.json::<Value>().await.unwrap()["code"],
        "upload_too_large"
    );
}

/// Every byte of every regular file under `dir`, with its path and mode.
fn files_under(dir: &std::path::Path) -> Vec<(std::path::PathBuf, u32, Vec<u8>)> {
    use std::os::unix::fs::PermissionsExt;
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let meta = entry.metadata().unwrap();
        if meta.is_dir() {
            out.extend(files_under(&entry.path()));
        } else {
            let bytes = std::fs::read(entry.path()).unwrap();
            out.push((entry.path(), meta.permissions().mode() & 0o777, bytes));
        }
    }
    out
}

fn holds(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn nothing_at_rest_holds_an_id_number_or_an_access_code_and_only_the_owner_may_read_it() {
    // Arrange: issue 18 point 4 — a case submitted with an idempotency key (whose replayed
    // answer holds the access code), then tracked (which reads the record back).
    use std::os::unix::fs::PermissionsExt;
    let app = spawn_app_on("2024-09-27").await;
    let files = json!([
        {"code": "id_cards", "attachments": [app.upload_id("image/jpeg", JPEG).await]},
        {"code": "hukou_book", "attachments": [app.upload_id("image/png", PNG).await]},
        {"code": "marriage_cert", "attachments": [app.upload_id("application/pdf", PDF).await]}
    ]);

    // Act
    let created: Value = post_case(&app, &zhao(files.clone()), Some("rest-1"))
        .await
        .json()
        .await
        .unwrap();
    let replayed: Value = post_case(&app, &zhao(files), Some("rest-1"))
        .await
        .json()
        .await
        .unwrap();
    let (number, code) = (
        created["number"].as_str().unwrap(),
        created["access_code"].as_str().unwrap(),
    );
    let (status, tracked) = app.track(number, code).await;

    // Assert: the API still answers in full…
    assert_eq!(replayed, created);
    assert_eq!((status, &tracked["state"]), (200, &json!("submitted")));
    // …while no file of the data directory holds either ID number or the access code, and
    // every file is the server's alone.
    let stored = files_under(app.data_dir());
    // (The phone number is stored as it is: the search would see an ID number if it were.)
    assert!(
        stored
            .iter()
            .any(|(p, _, b)| p.ends_with("cases.redb") && holds(b, "13800138000"))
    );
    for (path, mode, bytes) in &stored {
        for secret in [ZHAO_ID, WIFE_ID, code] {
            assert!(!holds(bytes, secret), "{} holds {secret}", path.display());
        }
        assert_eq!(*mode & 0o077, 0, "{} is {mode:o}", path.display());
    }
    let dir_mode = std::fs::metadata(app.data_dir())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(dir_mode & 0o077, 0, "data dir is {dir_mode:o}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_flow_works_on_dynamodb() {
    // Arrange: the API on a real DynamoDB-compatible server on loopback.
    let moto = start_moto().await;
    let app = spawn_app_on_dynamodb(&moto.endpoint, "jisheng-e2e", "2024-09-27").await;
    let files = json!([
        {"code": "id_cards", "attachments": [app.upload_id("image/jpeg", JPEG).await]},
        {"code": "hukou_book", "attachments": [app.upload_id("image/png", PNG).await]},
        {"code": "marriage_cert", "attachments": [app.upload_id("application/pdf", PDF).await]}
    ]);

    // Act
    let first = post_case(&app, &zhao(files.clone()), Some("dyn-1")).await;
    let retry = post_case(&app, &zhao(files), Some("dyn-1")).await;

    // Assert
    assert_eq!(first.status(), 201);
    let created: Value = first.json().await.unwrap();
    assert_eq!(retry.json::<Value>().await.unwrap(), created);
    let (_, tracked) = app
        .track(
            created["number"].as_str().unwrap(),
            created["access_code"].as_str().unwrap(),
        )
        .await;
    assert_eq!(tracked["state"], "submitted");
    assert_eq!(tracked["timeline"].as_array().unwrap().len(), 1);
    // At rest (issue 18 point 4): no item of the table holds an ID number or the access code.
    let items = format!("{:?}", scan(&moto.endpoint, "jisheng-e2e").await);
    assert!(items.contains(created["number"].as_str().unwrap()));
    for secret in [ZHAO_ID, WIFE_ID, created["access_code"].as_str().unwrap()] {
        assert!(!items.contains(secret), "the table holds {secret}");
    }
}

/// Every item of `table`, read with the SDK as anyone with table access would.
async fn scan(
    endpoint: &str,
    table: &str,
) -> Vec<std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue>> {
    use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
    let conf = aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new("test", "test", None, None, "static"))
        .build();
    let client = aws_sdk_dynamodb::Client::from_conf(conf);
    let mut items = Vec::new();
    let mut start = None;
    loop {
        let page = client
            .scan()
            .table_name(table)
            .set_exclusive_start_key(start)
            .send()
            .await
            .unwrap();
        items.extend(page.items().iter().cloned());
        start = page.last_evaluated_key().cloned();
        if start.is_none() {
            return items;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_store_answers_503_and_saves_nothing() {
    let app = spawn_app_on_dynamodb(
        &format!("http://127.0.0.1:{}", closed_port()),
        "t",
        "2024-09-27",
    )
    .await;
    let files = json!([
        {"code": "id_cards", "attachments": [app.upload_id("image/jpeg", JPEG).await]},
        {"code": "hukou_book", "attachments": [app.upload_id("image/png", PNG).await]},
        {"code": "marriage_cert", "attachments": [app.upload_id("application/pdf", PDF).await]}
    ]);

    let res = post_case(&app, &zhao(files), Some("down-1")).await;
    let read = app
        .client
        .get(app.url("/api/cases/JS20240927-AAAAAA"))
        .header("x-access-code", "X")
        .send()
        .await
        .unwrap();

    assert_eq!(res.status(), 503);
    let problem: Value = res.json().await.unwrap();
    assert_eq!(problem["code"], "service_unavailable");
    assert!(problem["title"].as_str().unwrap().contains("未保存"));
    assert_eq!(read.status(), 503);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_concurrent_retries_with_one_key_create_one_case() {
    // Arrange
    let app = spawn_app_on("2024-09-27").await;
    let files = json!([
        {"code": "id_cards", "attachments": [app.upload_id("image/jpeg", JPEG).await]},
        {"code": "hukou_book", "attachments": [app.upload_id("image/png", PNG).await]},
        {"code": "marriage_cert", "attachments": [app.upload_id("application/pdf", PDF).await]}
    ]);
    let body = zhao(files);

    // Act: twenty clients retry the same submission at the same moment.
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let (client, url, body) = (app.client.clone(), app.url("/api/cases"), body.clone());
        tasks.push(tokio::spawn(async move {
            let res = client
                .post(url)
                .header("idempotency-key", "storm-1")
                .json(&body)
                .send()
                .await
                .unwrap();
            (res.status().as_u16(), res.json::<Value>().await.unwrap())
        }));
    }
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.unwrap());
    }

    // Assert: all got the one answer, with one number.
    assert!(
        answers.iter().all(|(status, _)| *status == 201),
        "{answers:?}"
    );
    let numbers: std::collections::BTreeSet<&str> = answers
        .iter()
        .map(|(_, b)| b["number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers.len(), 1, "{numbers:?}");
}

#[tokio::test]
async fn the_local_file_store_takes_files_directly_not_presigned() {
    let app = spawn_app_on("2024-09-27").await;

    let res = app
        .client
        .post(app.url("/api/uploads"))
        .json(&json!({"content_type": "image/jpeg", "size": 1000}))
        .send()
        .await
        .unwrap();
    let big = app
        .client
        .post(app.url("/api/uploads"))
        .json(&json!({"content_type": "image/jpeg", "size": 20_000_000}))
        .send()
        .await
        .unwrap();

    assert_eq!(res.status(), 400);
    assert_eq!(
        res.json::<Value>().await.unwrap()["code"],
        "presign_unavailable"
    );
    assert_eq!(big.status(), 413);
}

/// A Hubei re-birth application whose list asks for a commitment letter, with each required
/// scan uploaded except that letter.
async fn hubei_rebirth_without_letter(app: &TestApp) -> Value {
    let situation = json!({"service": "rebirth", "division": "420704001", "date": "2024-09-27", "marriage": "first",
        "children": [{"born": "2012-05-01", "of": "joint", "disability": "none"},
                     {"born": "2016-05-01", "of": "joint", "disability": "non_hereditary_appraised"}]});
    let check = app.check(&situation).await;
    let mut materials = Vec::new();
    for m in check["materials"].as_array().unwrap() {
        if m["provided_by"] == "applicant" && m["code"] != "commitment_letter" {
            let id = app.upload_id("application/pdf", PDF).await;
            materials.push(json!({"code": m["code"], "attachments": [id]}));
        }
    }
    json!({
        "situation": situation,
        "applicant": {"name": "赵先生", "id_number": ZHAO_ID, "phone": "13800138000"},
        "spouse": {"name": "钱女士", "id_number": WIFE_ID},
        "materials": materials
    })
}

#[tokio::test]
async fn the_online_commitment_stands_for_the_letter_and_the_delivery_choice_is_kept() {
    // Arrange: everything but the commitment letter.
    let app = spawn_app_on("2024-09-27").await;
    let mut body = hubei_rebirth_without_letter(&app).await;

    // Act 1: without a commitment the letter is missing.
    let res = post_case(&app, &body, None).await;

    // Assert 1
    assert_eq!(res.status(), 422);
    let problem: Value = res.json().await.unwrap();
    assert_eq!(
        problem["errors"],
        json!([{"code": "material_missing", "material": "commitment_letter"}])
    );

    // Act 2: committing online, with express delivery.
    body["commitment"] = json!({"accepted": true, "version": domain::commitment::VERSION});
    body["delivery"] = json!({"method": "express_cod", "address": "湖北省鄂州市鄂城区古楼街道1号"});
    let res = post_case(&app, &body, None).await;

    // Assert 2: accepted; tracking shows what was asked and which text was signed.
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    let (_, tracked) = app
        .track(
            created["number"].as_str().unwrap(),
            created["access_code"].as_str().unwrap(),
        )
        .await;
    assert_eq!(
        tracked["delivery_requested"],
        json!({"method": "express_cod", "address": "湖北省鄂州市鄂城区古楼街道1号"})
    );
    assert_eq!(
        tracked["commitment"]["version"],
        domain::commitment::VERSION
    );
}

#[tokio::test]
async fn a_bad_delivery_a_stale_commitment_and_a_dishonest_commitment_are_all_reported_at_once() {
    // Arrange
    let app = spawn_app_on("2024-09-27").await;
    let mut body = hubei_rebirth_without_letter(&app).await;
    body["situation"]["dishonest"] = json!(true);
    body["delivery"] = json!({"method": "express_cod", "address": " "});
    body["commitment"] = json!({"accepted": true, "version": "2001-01-01"});

    // Act
    let res = post_case(&app, &body, None).await;

    // Assert: each problem named in the one answer.
    assert_eq!(res.status(), 422);
    let problem: Value = res.json().await.unwrap();
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert!(fields.contains(&"delivery.address"), "{problem}");
    assert!(fields.contains(&"commitment.version"), "{problem}");

    // Act 2: the current text, but a person on the dishonesty list cannot commit online.
    body["commitment"] = json!({"accepted": true, "version": domain::commitment::VERSION});
    body["delivery"] = json!({"method": "pickup"});
    let res = post_case(&app, &body, None).await;

    // Assert 2
    assert_eq!(res.status(), 422);
    let problem: Value = res.json().await.unwrap();
    assert!(
        problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["field"] == "commitment"),
        "{problem}"
    );
}

#[tokio::test]
async fn a_name_with_an_invisible_character_is_refused_and_names_are_stored_in_nfc() {
    // Arrange: a right-to-left override inside the applicant's name, a zero-width space in the
    // spouse's (issue 18: they spoof names in the console and cannot be printed).
    let app = spawn_app_on("2024-09-27").await;
    let mut body = zhao(json!([]));
    body["applicant"]["name"] = json!("赵\u{202E}先生");
    body["spouse"]["name"] = json!("钱\u{200B}女士");

    // Act
    let res = post_case(&app, &body, None).await;

    // Assert: both named in the one list of problems, with the code point.
    assert_eq!(res.status(), 422);
    let problem: Value = res.json().await.unwrap();
    let named = |field: &str, code: &str| {
        problem["errors"].as_array().unwrap().iter().any(|e| {
            e["field"] == field && e["message"].as_str().unwrap_or_default().contains(code)
        })
    };
    assert!(named("applicant.name", "U+202E"), "{problem}");
    assert!(named("spouse.name", "U+200B"), "{problem}");

    // A compatibility ideograph (U+F907) is stored as the unified one (U+9F9C), and the
    // holder is found under either form.
    let situation = json!({"service": "birth_service", "division": "500116001005",
        "date": "2024-09-27", "marriage": "first"});
    let (number, _) = app.submit_named(situation, "\u{F907}先生", "钱女士").await;
    let village = app.login("demo-village").await;
    let (_, case) = app.read_as(&village, &number).await;
    assert_eq!(case["applicant"]["name"], "\u{9F9C}先生");
    let (status, _) = app
        .act(
            &village,
            &number,
            json!({"action": "issue", "version": case["version"]}),
        )
        .await;
    assert_eq!(status, 200);
    for typed in ["\u{F907}先生", "\u{9F9C}先生"] {
        let found: Value = app
            .client
            .post(app.url("/api/lookup"))
            .json(&json!({"name": typed, "id_number": ZHAO_ID}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            found["certificates"].as_array().unwrap().len(),
            1,
            "{typed}: {found}"
        );
    }
}
