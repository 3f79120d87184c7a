//! Issue 18 point 5: how much a request may carry. A case is one item, rewritten whole on every
//! action, so lists and free text are bounded — on `POST /api/cases` as `invalid_field` entries
//! in the one 422 list of problems, on actions as a 400 — and nothing is written.

use domain::limits::{ATTACHMENTS_PER_MATERIAL_MAX, MATERIALS_MAX, REASONS_MAX, TEXT_MAX_CHARS};
use serde_json::{Value, json};

use crate::helpers::spawn_app_on;

const DAY: &str = "2024-09-27";

fn rebirth() -> Value {
    json!({"service": "rebirth", "division": "500116001005", "date": DAY, "marriage": "first",
           "children": [{"born": "2012-05-01", "of": "joint", "disability": "none"},
                        {"born": "2016-05-01", "of": "joint", "disability": "non_hereditary_appraised"}]})
}

fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["code"] == "invalid_field")
        .map(|e| e["field"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_submission_past_its_bounds_is_refused_in_the_one_list_and_nothing_is_stored() {
    // Arrange: one material with a file too many, and a name that is not a server's upload id,
    // beside a phone number that is wrong as well.
    let app = spawn_app_on(DAY).await;
    let one = app.upload_id("application/pdf", b"%PDF-1.4\n").await;
    let mut too_many = Vec::new();
    for _ in 0..=ATTACHMENTS_PER_MATERIAL_MAX {
        too_many.push(app.upload_id("application/pdf", b"%PDF-1.4\n").await);
    }
    let body = |materials: Value| {
        json!({
            "situation": rebirth(),
            "applicant": {"name": "赵先生", "id_number": "420704199001011231", "phone": "12"},
            "spouse": {"name": "钱女士", "id_number": "500116199203040025"},
            "materials": materials
        })
    };
    let every_kind: Vec<Value> = (0..=MATERIALS_MAX)
        .map(|_| json!({"code": "id_cards", "attachments": [one]}))
        .collect();

    // Act
    let crowded = app
        .client
        .post(app.url("/api/cases"))
        .json(&body(
            json!([{"code": "id_cards", "attachments": too_many}]),
        ))
        .send()
        .await
        .unwrap();
    let (crowded_status, crowded): (u16, Value) =
        (crowded.status().as_u16(), crowded.json().await.unwrap());
    let long = app
        .client
        .post(app.url("/api/cases"))
        .json(&body(Value::Array(every_kind)))
        .send()
        .await
        .unwrap();
    let (long_status, long): (u16, Value) = (long.status().as_u16(), long.json().await.unwrap());
    let forged = app
        .client
        .post(app.url("/api/cases"))
        .json(&body(
            json!([{"code": "id_cards", "attachments": ["../../secret.key"]}]),
        ))
        .send()
        .await
        .unwrap();
    let forged: Value = forged.json().await.unwrap();

    // Assert: 422 with the bound and the other problem together.
    assert_eq!(crowded_status, 422, "{crowded}");
    assert_eq!(crowded["code"], "application_incomplete");
    assert_eq!(
        fields(&crowded),
        ["applicant.phone", "materials[0].attachments"]
    );
    assert_eq!(long_status, 422, "{long}");
    assert!(fields(&long).contains(&"materials".to_string()), "{long}");
    assert!(
        fields(&forged).contains(&"materials[0].attachments[0]".to_string()),
        "{forged}"
    );
    let token = app.login("demo-county").await;
    let (_, queue) = app.get_as(&token, "/api/staff/cases").await;
    assert_eq!(queue["items"].as_array().map(Vec::len), Some(0), "{queue}");
}

#[tokio::test]
async fn an_action_past_its_bounds_is_a_400_naming_each_field_and_changes_nothing() {
    // Arrange
    let app = spawn_app_on(DAY).await;
    let (number, access_code) = app.submit(rebirth()).await;
    let village = app.login("demo-village").await;
    let county = app.login("demo-county").await;
    let (_, before) = app.read_as(&village, &number).await;
    let version = before["version"].clone();
    let long = "字".repeat(TEXT_MAX_CHARS + 1);

    // Act
    let (note_status, note) = app
        .act(
            &village,
            &number,
            json!({"version": version, "action": "return", "missing": ["hukou_book"], "note": long}),
        )
        .await;
    let (reasons_status, reasons) = app
        .act(
            &county,
            &number,
            json!({"version": version, "action": "refuse",
                   "reasons": vec!["不符合条件"; REASONS_MAX + 1]}),
        )
        .await;
    let (one_status, one) = app
        .act(
            &county,
            &number,
            json!({"version": version, "action": "refuse", "reasons": ["不符合条件", long]}),
        )
        .await;
    let applicant = app
        .client
        .post(app.url(&format!("/api/cases/{number}/actions")))
        .header("x-access-code", &access_code)
        .json(&json!({"version": version, "action": "resubmit",
                      "materials": [{"code": "hukou_book",
                                     "attachments": (0..=ATTACHMENTS_PER_MATERIAL_MAX)
                                         .map(|i| format!("up_{i:020}"))
                                         .collect::<Vec<_>>()}]}))
        .send()
        .await
        .unwrap();
    let (resubmit_status, resubmit): (u16, Value) =
        (applicant.status().as_u16(), applicant.json().await.unwrap());
    let (_, after) = app.read_as(&village, &number).await;

    // Assert
    assert_eq!(
        (note_status, fields(&note)),
        (400, vec!["note".to_string()])
    );
    assert_eq!(note["code"], "invalid_request");
    assert_eq!(
        (reasons_status, fields(&reasons)),
        (400, vec!["reasons".to_string()])
    );
    assert_eq!(
        (one_status, fields(&one)),
        (400, vec!["reasons[1]".to_string()])
    );
    assert_eq!(
        (resubmit_status, fields(&resubmit)),
        (400, vec!["materials[0].attachments".to_string()]),
        "{resubmit}"
    );
    assert_eq!(after["version"], version);
    assert_eq!(after["state"], before["state"]);
    assert_eq!(after["timeline"], before["timeline"]);
}

#[tokio::test]
async fn uploads_no_case_names_expire_and_a_case_keeps_its_own() {
    // Arrange: on the real date, two uploads; a case names one of them.
    let today = domain::case::Moment(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64,
    )
    .date();
    let app = spawn_app_on(&today.to_string()).await;
    let situation = json!({"service": "birth_service", "division": "500116001005",
                           "date": today.to_string(), "marriage": "first"});
    let (number, _) = app.submit(situation).await;
    let stray = app.upload_id("application/pdf", b"%PDF-1.4\n").await;
    let clerk = app.login("demo-county").await;
    let (_, case) = app.read_as(&clerk, &number).await;
    let kept = case["materials"][0]["attachments"][0]
        .as_str()
        .unwrap()
        .to_string();
    // Act: a sweep the next day keeps everything; one after the unattached ones' time purges.
    app.set_day(&today.add_days(1).unwrap().to_string());
    let early = functions::sweep::run(&app.state).await.unwrap();
    let stray_after_a_day = app.state.blobs.inspect(&stray).await.unwrap();
    app.set_day(&today.add_days(4).unwrap().to_string());
    let late = functions::sweep::run(&app.state).await.unwrap();

    // Assert
    assert_eq!(early.purged_uploads, 0);
    assert!(stray_after_a_day.is_some());
    assert!(late.purged_uploads >= 1, "{late:?}");
    assert_eq!(app.state.blobs.inspect(&stray).await.unwrap(), None);
    // The case's own file is kept, and still served to staff in scope.
    let county = app.login("demo-county").await;
    let res = app
        .client
        .get(app.url(&format!("/api/cases/{number}/attachments/{kept}")))
        .bearer_auth(county)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}
