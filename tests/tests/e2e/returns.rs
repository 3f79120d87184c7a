//! The Zhao complaint (003 附件1) as an end-to-end story, and the staff side of 一次性告知
//! (000 二(二)2; issue 17 point 1).
//!
//! Mr Zhao, hukou in 鄂城区, applied for a 生育服务证明 at his wife's community, 四牌坊社区.
//! First visit: told to fetch the original hukou book, one item at a time. Second: a network
//! failure (issue 15's emergency intake). Third, after everything had been accepted: told to
//! bring a 婚育情况证明 — an item the window issues itself (003 三(二)). This test fails if the
//! first or the third visit could happen again.

use serde_json::{Value, json};

use crate::helpers::*;

const DAY: &str = "2026-03-02";

fn zhao() -> Value {
    json!({"service": "birth_service", "division": "500116001005", "date": DAY,
           "marriage": "first", "children": [],
           "hukou": {"husband": "420704", "wife": "500116001"}})
}

async fn staff_view(app: &TestApp, token: &str, number: &str) -> Value {
    let (status, case) = app.read_as(token, number).await;
    assert_eq!(status, 200, "{case}");
    case
}

fn codes(list: &Value, key: &str) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|m| m[key].as_str().unwrap().to_string())
        .collect()
}

async fn return_as(app: &TestApp, token: &str, number: &str, mut body: Value) -> (u16, Value) {
    body["action"] = json!("return");
    body["version"] = staff_view(app, token, number).await["version"].clone();
    app.act(token, number, body).await
}

// Long: Mr Zhao's three visits (003 附件1) replayed in order; split, the story would lose the order it checks.
#[tokio::test]
async fn zhao_is_told_everything_at_once_and_never_sent_for_what_the_window_issues_003_annex_1() {
    // Arrange: the checklist before the first visit.
    let app = spawn_app_on(DAY).await;
    let village = app.login("demo-village").await;
    let township = app.login("demo-township").await;
    let county = app.login("demo-county").await;
    let checklist = app.check(&zhao()).await;

    // Assert (first visit): every item at once, the hukou book's original said up front, and
    // the 婚育情况证明 is the window's to issue, not his to fetch.
    assert_eq!(checklist["eligible"], true, "{checklist}");
    let items = checklist["materials"].as_array().unwrap();
    assert_eq!(
        codes(&checklist["materials"], "code"),
        [
            "id_cards",
            "hukou_book",
            "marriage_cert",
            "marital_status_proof"
        ]
    );
    let hukou = &items[1];
    assert!(
        hukou["note"].as_str().unwrap().contains("原件"),
        "the original is asked for on the list: {hukou}"
    );
    assert_eq!(items[3]["provided_by"], "window", "{}", items[3]);

    // Act: he submits what the list asked for.
    let (number, code) = app.submit(zhao()).await;

    // Assert (third visit): nobody can ask him for the 婚育情况证明 …
    let case = staff_view(&app, &village, &number).await;
    assert_eq!(
        codes(&case["returnable"], "code"),
        ["id_cards", "hukou_book", "marriage_cert"]
    );
    let (status, problem) = return_as(
        &app,
        &village,
        &number,
        json!({"items": [{"code": "marital_status_proof", "defect": "missing"}]}),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["code"], "not_asked_for", "{problem}");
    assert!(
        problem["detail"].as_str().unwrap().contains("婚育情况证明"),
        "{problem}"
    );
    // … not even hidden in the plain list older clients send.
    let (status, problem) = return_as(
        &app,
        &county,
        &number,
        json!({"missing": ["hukou_book", "marital_status_proof"]}),
    )
    .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (422, Some("not_asked_for"))
    );

    // Act: one return naming what is wrong with each item, all at once.
    let (status, returned) = return_as(
        &app,
        &village,
        &number,
        json!({"items": [
            {"code": "hukou_book", "defect": "unreadable", "detail": "户主页复印件不清晰"},
            {"code": "marriage_cert", "defect": "missing"}
        ]}),
    )
    .await;
    assert_eq!(status, 200, "{returned}");
    let (_, mine) = app.track(&number, &code).await;
    let missing = mine["missing"].as_array().unwrap();
    assert_eq!(
        codes(&mine["missing"], "code"),
        ["hukou_book", "marriage_cert"]
    );
    assert_eq!(missing[0]["defect"], "unreadable");
    assert_eq!(missing[0]["detail"], "户主页复印件不清晰");

    // He brings both at once.
    let upload = app
        .upload_id("application/pdf", b"%PDF-1.4\n% again\n")
        .await;
    let (status, after) = app
        .act_as_applicant(
            &number,
            &code,
            json!({"version": mine["version"], "action": "resubmit", "materials": [
                {"code": "hukou_book", "attachments": [upload]},
                {"code": "marriage_cert", "attachments": [upload]}
            ]}),
        )
        .await;
    assert_eq!(status, 200, "{after}");

    // Assert: the ID cards were accepted at the first look; a second return may not name them.
    let case = staff_view(&app, &township, &number).await;
    let needs: Vec<(String, bool)> = case["returnable"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["code"].as_str().unwrap().to_string(),
                r["needs_exception"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        needs,
        [
            ("id_cards".to_string(), true),
            ("hukou_book".to_string(), false),
            ("marriage_cert".to_string(), false)
        ]
    );
    let (status, problem) = return_as(
        &app,
        &township,
        &number,
        json!({"items": [{"code": "id_cards", "defect": "expired"}]}),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["code"], "accepted_before", "{problem}");
    let (status, problem) = return_as(
        &app,
        &county,
        &number,
        json!({"items": [{"code": "id_cards", "defect": "expired"}]}),
    )
    .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (422, Some("accepted_before")),
        "the county too needs a written reason"
    );

    // A county approver's written reason is the one exception, recorded and supervised.
    let (status, excepted) = return_as(
        &app,
        &county,
        &number,
        json!({"items": [{"code": "id_cards", "defect": "inconsistent", "detail": "身份证号与户口簿不符"}],
               "exception": "公安核查身份证号有误，须换领后重新提交"}),
    )
    .await;
    assert_eq!(status, 200, "{excepted}");
    let case = staff_view(&app, &county, &number).await;
    assert_eq!(
        case["returns"][1]["exception"],
        "公安核查身份证号有误，须换领后重新提交"
    );
    let supervisor = app.login("demo-supervisor").await;
    let (status, summary) = app.get_as(&supervisor, "/api/supervision/summary").await;
    assert_eq!(status, 200, "{summary}");
    let listed: Vec<&str> = summary["return_exceptions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["number"].as_str().unwrap())
        .collect();
    assert_eq!(listed, [number.as_str()], "{summary}");
}
