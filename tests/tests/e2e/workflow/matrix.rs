//! The authorisation matrix end to end: every role and relation to a case, for every action
//! and every case route (SPEC §5; issue 18).

use domain::roles::Role;
use functions::ports::StaffAccount;
use serde_json::{Value, json};

use super::{DAY, ok, rebirth_cq, version};
use crate::helpers::{TestApp, spawn_app_on, spawn_app_on_dynamodb, start_moto};

// ---------------------------------------------------------------------------------------------
// The authorisation matrix

/// Everyone who might try, inside and outside the divisions of a 四牌坊社区 case.
const ACTORS: [&str; 10] = [
    "demo-village",
    "demo-township",
    "demo-county",
    "demo-supervisor",
    "demo-admin",
    "demo-ezhou",
    "out-village",
    "out-township",
    "out-supervisor",
    "anonymous",
];

/// Who may read a 四牌坊社区 case with a 协查 to 鄂城区, so a refusal is a 403 for them and the
/// missing-case 404 for everyone else (issue 18): the offices that work it, the supervisor in
/// scope, the office asked and its supervisor; admins are refused for their role.
fn knows_the_case(who: &str) -> bool {
    [
        "demo-village",
        "demo-township",
        "demo-county",
        "demo-supervisor",
        "demo-ezhou",
        "out-supervisor",
        "demo-admin",
    ]
    .contains(&who)
}

/// SPEC §5 and §4, written out by hand: who may take each step on a 江津 re-birth case
/// (accepted at 四牌坊社区, decided by 江津区) whose 协查 went to 鄂城区. Every other actor
/// must be refused.
fn allowed(action: &str) -> &'static [&'static str] {
    match action {
        "pre_review" => &["demo-village", "demo-township"],
        "return" | "seal" | "deliver" => &["demo-village", "demo-township", "demo-county"],
        "township_opinion" => &["demo-township"],
        "request_verification" => &["demo-township", "demo-county"],
        // Only the office asked answers its 协查.
        "answer_verification" => &["demo-ezhou"],
        // The deciding office decides, issues a promise item, revokes and voids.
        "approve" | "refuse" | "issue" | "revoke" | "void" => &["demo-county"],
        other => panic!("no expectation for {other}"),
    }
}

pub(super) fn payload(action: &str) -> Value {
    match action {
        "return" => json!({"action": "return", "missing": ["hukou_book"], "note": "户口簿页不清"}),
        "township_opinion" => {
            json!({"action": "township_opinion", "agree": true, "opinion": "情况属实"})
        }
        "refuse" | "revoke" | "void" => json!({"action": action, "reasons": ["经核实不符合条件"]}),
        "request_verification" => {
            json!({"action": "request_verification", "to": "420704", "question": "请核实男方婚育情况"})
        }
        "answer_verification" => {
            json!({"action": "answer_verification", "id": 1, "answer": "属实"})
        }
        "deliver" => json!({"action": "deliver", "delivery": {"method": "self_print"}}),
        other => json!({"action": other}),
    }
}

/// Extra accounts outside the case's divisions, for every role that has one.
pub(super) async fn add_outsiders(app: &TestApp) {
    let hash = functions::passwords::hash_password("demo").unwrap();
    for (username, role, division) in [
        ("out-village", Role::VillageClerk, "500116001006"),
        ("out-township", Role::TownshipOfficer, "500116002"),
        ("out-supervisor", Role::Supervisor, "420704"),
    ] {
        app.state
            .staff
            .put_account(&StaffAccount {
                username: username.into(),
                display_name: username.into(),
                role,
                division: Some(domain::DivisionCode::parse(division).unwrap()),
                password_hash: hash.clone(),
                disabled: false,
                token_epoch: 0,
            })
            .await
            .unwrap();
    }
}

struct Tokens(Vec<(&'static str, Option<String>)>);

impl Tokens {
    async fn all(app: &TestApp) -> Tokens {
        let mut out = Vec::new();
        for a in ACTORS {
            let token = if a == "anonymous" {
                None
            } else {
                Some(app.login(a).await)
            };
            out.push((a, token));
        }
        Tokens(out)
    }

    fn of(&self, who: &str) -> &str {
        self.0
            .iter()
            .find(|(a, _)| *a == who)
            .and_then(|(_, t)| t.as_deref())
            .unwrap()
    }
}

/// A fresh case in a state where `action` is possible. Every one has a 协查 to 鄂城区, so the
/// office asked to verify is tried on every step (issue 18: it answers, nothing else).
async fn prepared(app: &TestApp, t: &Tokens, action: &str) -> String {
    let (number, _) = app.submit(rebirth_cq()).await;
    let village = t.of("demo-village");
    let county = t.of("demo-county");
    ok(app, county, &number, payload("request_verification")).await;
    match action {
        "approve" => {
            ok(app, village, &number, json!({"action": "pre_review"})).await;
        }
        "answer_verification" => {}
        "issue" | "deliver" | "revoke" | "void" => {
            ok(app, village, &number, json!({"action": "pre_review"})).await;
            ok(app, county, &number, json!({"action": "approve"})).await;
            if action != "issue" {
                ok(app, county, &number, json!({"action": "issue"})).await;
            }
        }
        _ => {}
    }
    number
}

/// Every action of the workflow.
const ACTIONS: [&str; 12] = [
    "pre_review",
    "return",
    "township_opinion",
    "approve",
    "refuse",
    "seal",
    "request_verification",
    "answer_verification",
    "issue",
    "deliver",
    "revoke",
    "void",
];

async fn matrix(app: &TestApp) {
    matrix_of(app, &ACTIONS).await;
}

/// A sample for the DynamoDB run (issue 18: CI stays fast): the steps whose scope differs —
/// the office asked to verify, the deciding office, the working offices.
async fn matrix_sample(app: &TestApp) {
    matrix_of(app, &["answer_verification", "approve", "seal"]).await;
}

async fn matrix_of(app: &TestApp, actions: &[&str]) {
    // Arrange
    add_outsiders(app).await;
    let tokens = Tokens::all(app).await;
    let county = tokens.of("demo-county").to_string();
    let mut wrongful = Vec::new();
    let mut checked = 0;

    for &action in actions {
        let refused_case = prepared(app, &tokens, action).await;
        let before = version(app, &county, &refused_case).await;
        for (who, token) in &tokens.0 {
            // Act: the allowed try on a case of their own, the others on the shared one.
            let may = allowed(action).contains(who);
            let number = if may {
                prepared(app, &tokens, action).await
            } else {
                refused_case.clone()
            };
            let mut body = payload(action);
            body["version"] = json!(version(app, &county, &number).await);
            let url = app.url(&format!("/api/cases/{number}/actions"));
            let mut req = app.client.post(url).json(&body);
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            let res = req.send().await.unwrap();
            let status = res.status().as_u16();
            let answer: Value = res.json().await.unwrap_or(Value::Null);

            // Assert
            checked += 1;
            let expected = match (may, *who) {
                (true, _) => 200,
                (false, "anonymous") => 401,
                (false, w) if knows_the_case(w) => 403,
                (false, _) => 404,
            };
            if status != expected {
                wrongful.push(format!(
                    "{who} {action}: {status} (expected {expected}) {answer}"
                ));
            }
            let code = answer["code"].as_str().unwrap_or("");
            if !may && status == 403 {
                assert!(
                    ["forbidden_action", "out_of_scope", "forbidden_role"].contains(&code),
                    "{who} {action}: {answer}"
                );
            }
            if status == 404 {
                assert_eq!(
                    code, "case_not_found",
                    "{who} {action}: the missing case's answer"
                );
            }
        }
        assert_eq!(
            version(app, &county, &refused_case).await,
            before,
            "refused attempts at {action} changed nothing"
        );
    }
    assert!(wrongful.is_empty(), "{}", wrongful.join("\n"));
    assert_eq!(checked, actions.len() * ACTORS.len());
}

#[tokio::test]
async fn every_role_action_and_division_is_allowed_or_refused_as_spec_5_says() {
    let app = spawn_app_on(DAY).await;
    matrix(&app).await;
}

#[tokio::test]
async fn a_sample_of_the_matrix_holds_on_dynamodb() {
    let moto = start_moto().await;
    let app = spawn_app_on_dynamodb(&moto.endpoint, "matrix-sample", DAY).await;
    matrix_sample(&app).await;
}

/// Every staff route that reads a case, for every actor: an issued 江津 case with photographed
/// materials and a 协查 to 鄂城区. Written out by hand (SPEC §5; issue 18): the offices that work
/// the case read, reveal, open scans and download the certificate; a supervisor in scope reads
/// and downloads (masked); the office asked to verify — and its supervisor — only read; nobody
/// else gets anything, not even the case's existence (404). Any status the table does not name
/// fails the test.
// Long: the table of every case route against every role and relation.
async fn route_matrix(app: &TestApp) {
    // Arrange
    add_outsiders(app).await;
    let tokens = Tokens::all(app).await;
    let (number, _) = app.submit_photos(rebirth_cq()).await;
    let village = tokens.of("demo-village").to_string();
    let county = tokens.of("demo-county").to_string();
    ok(app, &county, &number, payload("request_verification")).await;
    ok(app, &village, &number, json!({"action": "pre_review"})).await;
    ok(app, &county, &number, json!({"action": "approve"})).await;
    let issued = ok(app, &county, &number, json!({"action": "issue"})).await;
    let certificate = issued["certificate"]["facts"]["number"]
        .as_str()
        .unwrap()
        .to_string();
    let scan = issued["materials"][0]["attachments"][0]
        .as_str()
        .unwrap()
        .to_string();
    let routes: [(&str, String, &[&str]); 5] = [
        (
            "GET",
            format!("/api/cases/{number}"),
            &[
                "demo-village",
                "demo-township",
                "demo-county",
                "demo-supervisor",
                "demo-ezhou",
                "out-supervisor",
            ],
        ),
        (
            "POST",
            format!("/api/cases/{number}/reveal"),
            &["demo-village", "demo-township", "demo-county"],
        ),
        // The applicant's own choice of messages: no staff role may make it.
        ("POST", format!("/api/cases/{number}/notify"), &[]),
        (
            "GET",
            format!("/api/cases/{number}/attachments/{scan}"),
            &["demo-village", "demo-township", "demo-county"],
        ),
        (
            "GET",
            format!("/api/certificates/{certificate}.pdf"),
            &[
                "demo-village",
                "demo-township",
                "demo-county",
                "demo-supervisor",
            ],
        ),
    ];
    let mut wrongful = Vec::new();
    for (method, path, allowed) in &routes {
        for (who, token) in &tokens.0 {
            // Act
            let mut request = match *method {
                "POST" => app.client.post(app.url(path)).json(&json!({})),
                _ => app.client.get(app.url(path)),
            };
            if let Some(t) = token {
                request = request.bearer_auth(t);
            }
            let status = request.send().await.unwrap().status().as_u16();

            // Assert
            let expected = match (allowed.contains(who), *who) {
                (true, _) => 200,
                (false, "anonymous") => 401,
                (false, w) if knows_the_case(w) => 403,
                (false, _) => 404,
            };
            if status != expected {
                wrongful.push(format!(
                    "{who} {method} {path}: {status} (expected {expected})"
                ));
            }
        }
    }
    assert!(wrongful.is_empty(), "{}", wrongful.join("\n"));
}

#[tokio::test]
async fn every_case_route_is_allowed_or_refused_by_role_and_relation() {
    let app = spawn_app_on(DAY).await;
    route_matrix(&app).await;
}
