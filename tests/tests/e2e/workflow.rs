//! The staff side end to end (SPEC §4–§5), each scenario on the embedded store and on DynamoDB
//! (moto on loopback): sign-in, the authorisation matrix, every path of a case, the queue,
//! the deadline sweep and supervision.

use std::collections::BTreeSet;

use domain::roles::Role;
use functions::ports::StaffAccount;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app_on, spawn_app_on_dynamodb, start_moto};

const DAY: &str = "2024-09-27";

/// A re-birth application at 四牌坊社区 (江津区 decides): a promise item.
fn rebirth_cq() -> Value {
    json!({"service": "rebirth", "division": "500116001005", "date": DAY, "marriage": "first",
           "children": [{"born": "2012-05-01", "of": "joint", "disability": "none"},
                        {"born": "2016-05-01", "of": "joint", "disability": "non_hereditary_appraised"}]})
}

/// A 生育服务登记 at the same community: an instant item (004 三(三)).
fn birth_cq() -> Value {
    json!({"service": "birth_service", "division": "500116001005", "date": DAY, "marriage": "first"})
}

/// A re-birth application at a township of 鄂城区 (Hubei: township opinion, county decision,
/// deemed issue).
fn rebirth_hb() -> Value {
    json!({"service": "rebirth", "division": "420704001", "date": DAY, "marriage": "first",
           "children": [{"born": "2012-05-01", "of": "joint", "disability": "none"},
                        {"born": "2016-05-01", "of": "joint", "disability": "non_hereditary_appraised"}]})
}

/// Runs a scenario on the embedded store and on DynamoDB.
macro_rules! on_both_stores {
    ($scenario:ident, $embedded:ident, $dynamodb:ident) => {
        #[tokio::test]
        async fn $embedded() {
            let app = spawn_app_on(DAY).await;
            $scenario(&app).await;
        }

        #[tokio::test]
        async fn $dynamodb() {
            let moto = start_moto().await;
            let app = spawn_app_on_dynamodb(&moto.endpoint, stringify!($dynamodb), DAY).await;
            $scenario(&app).await;
        }
    };
}

async fn version(app: &TestApp, token: &str, number: &str) -> u64 {
    let (status, case) = app.read_as(token, number).await;
    assert_eq!(status, 200, "{case}");
    case["version"].as_u64().unwrap()
}

/// Acts and insists on success; answers the case after the step.
async fn ok(app: &TestApp, token: &str, number: &str, mut body: Value) -> Value {
    body["version"] = json!(version(app, token, number).await);
    let (status, case) = app.act(token, number, body.clone()).await;
    assert_eq!(status, 200, "{body} -> {case}");
    case
}

// ---------------------------------------------------------------------------------------------
// Sign-in

async fn sign_in(app: &TestApp) {
    // Arrange
    let login = |user: &str, password: &str| {
        app.client
            .post(app.url("/api/auth/login"))
            .json(&json!({"username": user, "password": password}))
            .send()
    };

    // Act + assert: the right password gives a token with the account's role and division.
    let res = login("demo-township", "demo").await.unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["role"], "township_officer");
    assert_eq!(body["division"], "500116001");
    assert_eq!(
        body["expires_at"], "2024-09-27T10:00:00Z",
        "8 h after 10:00 CST"
    );
    let token = body["token"].as_str().unwrap().to_string();
    let (status, me) = app.get_as(&token, "/api/auth/me").await;
    assert_eq!(
        (status, me["username"].as_str()),
        (200, Some("demo-township"))
    );

    // A wrong password and an unknown user get the same answer.
    let wrong: Value = login("demo-county", "nope")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let unknown: Value = login("nobody", "demo").await.unwrap().json().await.unwrap();
    assert_eq!(wrong["code"], "invalid_credentials");
    assert_eq!(unknown["code"], wrong["code"]);
    assert_eq!(unknown["title"], wrong["title"]);

    // A malformed body lists every bad field.
    let res = app
        .client
        .post(app.url("/api/auth/login"))
        .json(&json!({"user": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["errors"].as_array().unwrap().len(), 3, "{p}");

    // Logout revokes the token.
    let res = app
        .client
        .post(app.url("/api/auth/logout"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let (status, p) = app.get_as(&token, "/api/auth/me").await;
    assert_eq!((status, p["code"].as_str()), (401, Some("invalid_token")));
    let (status, p) = app.get_as("not.a.token", "/api/staff/cases").await;
    assert_eq!((status, p["code"].as_str()), (401, Some("invalid_token")));
}
on_both_stores!(
    sign_in,
    sign_in_gives_a_token_and_logout_revokes_it,
    sign_in_gives_a_token_and_logout_revokes_it_on_dynamodb
);

/// A client on its own loopback address (the whole of 127/8 reaches the server), so tests can
/// be several clients.
fn client_from(last: u8) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(std::net::IpAddr::from([127, 0, 0, last]))
        .build()
        .unwrap()
}

async fn lockout(app: &TestApp) {
    // Arrange: the clock moves two minutes between attempts, past any backoff.
    let start = crate::helpers::ten_am(DAY);
    let attempt = |client: &reqwest::Client, n: i64, user: &'static str, password: &'static str| {
        app.clock.set(domain::case::Moment(start.0 + n * 120_000));
        client
            .post(app.url("/api/auth/login"))
            .json(&json!({"username": user, "password": password}))
            .send()
    };
    let (first, second, third) = (client_from(11), client_from(12), client_from(13));

    // Act + assert: three failures are free; a fourth at once must wait.
    for n in 0..3 {
        assert_eq!(
            attempt(&first, n, "demo-village", "bad")
                .await
                .unwrap()
                .status(),
            401
        );
    }
    assert_eq!(
        attempt(&first, 3, "demo-village", "bad")
            .await
            .unwrap()
            .status(),
        401
    );
    let res = first
        .post(app.url("/api/auth/login"))
        .json(&json!({"username": "demo-village", "password": "demo"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429, "even the right password waits");
    assert!(res.headers().contains_key("retry-after"));
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["code"], "login_throttled");

    // One client stops at eight failures, before it could lock the account (issue 18).
    for n in 4..8 {
        assert_eq!(
            attempt(&first, n, "demo-village", "bad")
                .await
                .unwrap()
                .status(),
            401
        );
    }
    let res = attempt(&first, 8, "demo-village", "demo").await.unwrap();
    assert_eq!(res.status(), 429);
    assert_eq!(
        res.json::<Value>().await.unwrap()["code"],
        "login_throttled"
    );
    let res = attempt(&third, 8, "demo-village", "demo").await.unwrap();
    assert_eq!(res.status(), 200, "the owner signs in from elsewhere");

    // Ten failures from several clients lock the account for half an hour.
    for n in 9..19 {
        let client = if n < 16 { &second } else { &third };
        assert_eq!(
            attempt(client, n, "demo-village", "bad")
                .await
                .unwrap()
                .status(),
            401
        );
    }
    let res = attempt(&client_from(14), 19, "demo-village", "demo")
        .await
        .unwrap();
    assert_eq!(res.status(), 429);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "account_locked");
    let res = attempt(&client_from(14), 19 + 16, "demo-village", "demo")
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "unlocked after 30 minutes");
}
on_both_stores!(
    lockout,
    repeated_failures_back_off_then_lock_the_account,
    repeated_failures_back_off_then_lock_the_account_on_dynamodb
);

/// Forty wrong passwords at once for one name, each from a client of its own: the count is
/// taken before the password is checked, so four are checked and the rest wait (issue 18).
async fn parallel_guesses(app: &TestApp) {
    // Act
    let guesses = (20..60).map(|last| {
        let client = client_from(last);
        let url = app.url("/api/auth/login");
        tokio::spawn(async move {
            client
                .post(url)
                .json(&json!({"username": "demo-township", "password": "guess"}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        })
    });
    let mut statuses = Vec::new();
    for g in guesses {
        statuses.push(g.await.unwrap());
    }

    // Assert
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let waited = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!((checked, waited), (4, 36), "{statuses:?}");
    let admin = app.login("demo-admin").await;
    let (_, list) = app.get_as(&admin, "/api/admin/staff").await;
    let township = list["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["username"] == "demo-township")
        .unwrap()
        .clone();
    assert_eq!(township["failed_logins"], 4, "{township}");
}
on_both_stores!(
    parallel_guesses,
    parallel_guesses_are_counted_before_the_password_is_checked,
    parallel_guesses_are_counted_before_the_password_is_checked_on_dynamodb
);

/// Issue 18: an administrator's reset, disable or role change cuts the account's tokens off at
/// once; a disabled account signs in again only when enabled.
async fn cut_off(app: &TestApp) {
    // Arrange
    let admin = app.login("demo-admin").await;
    let village = app.login("demo-village").await;
    let township = app.login("demo-township").await;
    let county = app.login("demo-county").await;
    let me = |token: &str| {
        let token = token.to_string();
        async move { app.get_as(&token, "/api/auth/me").await.0 }
    };
    assert_eq!(
        (me(&village).await, me(&township).await, me(&county).await),
        (200, 200, 200)
    );

    // Act + assert: a password reset.
    let (status, _) = app
        .post_as(
            &admin,
            "/api/admin/staff/demo-village/reset",
            &json!({"password": "a new password"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(me(&village).await, 401, "the token from before the reset");
    let res = app
        .client
        .post(app.url("/api/auth/login"))
        .json(&json!({"username": "demo-village", "password": "a new password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    // Disable, then enable.
    let (status, _) = app
        .post_as(&admin, "/api/admin/staff/demo-township/disable", &json!({}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(me(&township).await, 401);
    let res = app
        .client
        .post(app.url("/api/auth/login"))
        .json(&json!({"username": "demo-township", "password": "demo"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(
        res.json::<Value>().await.unwrap()["code"],
        "account_disabled"
    );
    let (status, _) = app
        .post_as(&admin, "/api/admin/staff/demo-township/enable", &json!({}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(me(&township).await, 401, "tokens from before stay void");
    assert_eq!(me(&app.login("demo-township").await).await, 200);

    // Another division for the county approver: the old token carries the old one.
    let (status, body) = app
        .post_as(
            &admin,
            "/api/admin/staff/demo-county/role",
            &json!({"role": "county_approver", "division": "420704"}),
        )
        .await;
    assert_eq!((status, body["division"].as_str()), (200, Some("420704")));
    assert_eq!(me(&county).await, 401);
    let (status, body) = app
        .post_as(
            &admin,
            "/api/admin/staff/demo-county/role",
            &json!({"role": "county_approver", "division": "500116001"}),
        )
        .await;
    assert_eq!(status, 400, "a township for a county role: {body}");

    // An administrator cannot lock themself out; others may not do any of it.
    let (status, _) = app
        .post_as(&admin, "/api/admin/staff/demo-admin/disable", &json!({}))
        .await;
    assert_eq!(status, 409);
    let village = app.login_with("demo-village", "a new password").await;
    for path in ["disable", "enable", "role"] {
        let (status, _) = app
            .post_as(
                &village,
                &format!("/api/admin/staff/demo-ezhou/{path}"),
                &json!({"role": "supervisor", "division": "420704"}),
            )
            .await;
        assert_eq!(status, 403, "{path}");
    }
}
on_both_stores!(
    cut_off,
    a_reset_disable_or_role_change_cuts_the_accounts_tokens_off,
    a_reset_disable_or_role_change_cuts_the_accounts_tokens_off_on_dynamodb
);

#[tokio::test]
async fn an_unknown_name_answers_exactly_as_a_known_one() {
    // Arrange: the same six attempts at the same moments, each from a client of its own.
    let app = spawn_app_on(DAY).await;
    let mut answers = Vec::new();
    for (i, user) in ["demo-county", "nobody-at-all"].into_iter().enumerate() {
        let mut seen = Vec::new();
        for n in 0..6u8 {
            // Act
            let res = client_from(100 + 10 * u8::try_from(i).unwrap() + n)
                .post(app.url("/api/auth/login"))
                .json(&json!({"username": user, "password": "wrong"}))
                .send()
                .await
                .unwrap();
            let status = res.status().as_u16();
            let body: Value = res.json().await.unwrap();
            seen.push((
                status,
                body["code"].as_str().unwrap_or_default().to_string(),
            ));
        }
        answers.push(seen);
    }

    // Assert: 401 four times, then 429 — for the name that exists and for the one that does not.
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[0][3].0, 401);
    assert_eq!(answers[0][4], (429, "login_throttled".to_string()));
}

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

fn payload(action: &str) -> Value {
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
async fn add_outsiders(app: &TestApp) {
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
    let routes: [(&str, String, &[&str]); 4] = [
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

// ---------------------------------------------------------------------------------------------
// Paths

async fn instant_issue(app: &TestApp) {
    // Arrange
    let village = app.login("demo-village").await;
    let (number, code) = app.submit(birth_cq()).await;

    // Act: 即时办理 (吉林 art. 19; 004 三(三)): issued by the accepting window at once.
    ok(app, &village, &number, json!({"action": "issue"})).await;
    let case = ok(
        app,
        &village,
        &number,
        json!({"action": "deliver", "delivery": {"method": "self_print"}}),
    )
    .await;

    // Assert
    assert_eq!(case["state"], "delivered");
    assert_eq!(case["decided_on"], DAY);
    let mine: Value = app.track(&number, &code).await.1;
    let steps: Vec<&str> = mine["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        ["submit", "issue", "deliver"],
        "no staff reads in the applicant's timeline"
    );
    assert_eq!(mine["applicant"]["id_number"], "420704*********231");
}
on_both_stores!(
    instant_issue,
    an_instant_item_is_issued_and_delivered_at_once,
    an_instant_item_is_issued_and_delivered_at_once_on_dynamodb
);

async fn return_and_resubmit(app: &TestApp) {
    // Arrange
    let township = app.login("demo-township").await;
    let (number, code) = app.submit(rebirth_cq()).await;

    // Act 1: a return names everything missing at once.
    ok(
        app,
        &township,
        &number,
        json!({"action": "return", "missing": ["hukou_book", "marriage_cert"], "note": "请补充原件照片"}),
    )
    .await;
    let (_, mine) = app.track(&number, &code).await;

    // Assert 1
    assert_eq!(mine["state"], "returned");
    let missing: Vec<&str> = mine["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["code"].as_str().unwrap())
        .collect();
    assert_eq!(missing, ["hukou_book", "marriage_cert"]);

    // Act 2: resubmitting with one of the two is refused, naming the other.
    let upload = app.upload_id("application/pdf", b"%PDF-1.4\n% new\n").await;
    let resubmit = |materials: Value| {
        app.act_as_applicant(
            &number,
            &code,
            json!({"version": mine["version"], "action": "resubmit", "materials": materials}),
        )
    };
    let (status, p) = resubmit(json!([{"code": "hukou_book", "attachments": [upload]}])).await;
    assert_eq!(status, 422);
    assert_eq!(p["errors"][0]["material"], "marriage_cert", "{p}");
    assert_eq!(p["errors"].as_array().unwrap().len(), 1, "{p}");

    // Act 3: with both, it is submitted again.
    let (status, after) = resubmit(json!([
        {"code": "hukou_book", "attachments": [upload]},
        {"code": "marriage_cert", "attachments": [upload]}
    ]))
    .await;
    assert_eq!(status, 200);
    assert_eq!(after["state"], "submitted");
    assert_eq!(after["missing"], json!([]));

    // A wrong access code reveals nothing.
    let (status, _) = app
        .act_as_applicant(
            &number,
            "WRONG",
            json!({"version": 1, "action": "withdraw"}),
        )
        .await;
    assert_eq!(status, 404);
}
on_both_stores!(
    return_and_resubmit,
    a_return_lists_everything_and_the_applicant_resubmits_once,
    a_return_lists_everything_and_the_applicant_resubmits_once_on_dynamodb
);

async fn full_path(app: &TestApp) {
    // Arrange
    let village = app.login("demo-village").await;
    let township = app.login("demo-township").await;
    let county = app.login("demo-county").await;
    let (number, _) = app.submit(rebirth_cq()).await;

    // Act: every level reviews and seals; the county approves, issues; the window delivers.
    ok(app, &village, &number, json!({"action": "pre_review"})).await;
    ok(app, &village, &number, json!({"action": "seal"})).await;
    ok(
        app,
        &township,
        &number,
        json!({"action": "township_opinion", "agree": true, "opinion": "经核实情况属实，同意"}),
    )
    .await;
    ok(app, &township, &number, json!({"action": "seal"})).await;
    ok(app, &county, &number, json!({"action": "approve"})).await;
    ok(app, &county, &number, json!({"action": "seal"})).await;
    ok(app, &county, &number, json!({"action": "issue"})).await;
    app.set_day("2024-10-09");
    let village = app.login("demo-village").await;
    let case = ok(
        app,
        &village,
        &number,
        json!({"action": "deliver", "delivery": {"method": "express_cod", "address": "重庆市江津区几江街道"}}),
    )
    .await;

    // Assert
    assert_eq!(case["state"], "delivered");
    let levels: Vec<&str> = case["seals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["level"].as_str().unwrap())
        .collect();
    assert_eq!(levels, ["village", "township", "county"]);
    let timeline: Vec<&str> = case["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        timeline,
        [
            "submit",
            "pre_review",
            "seal",
            "township_opinion",
            "seal",
            "approve",
            "seal",
            "issue",
            "deliver"
        ]
    );
    let audit = case["audit"].as_array().unwrap();
    let reads = audit.iter().filter(|e| e["action"] == "read").count();
    assert!(reads >= 8, "every staff read is audited ({reads})");
    let who: BTreeSet<&str> = audit
        .iter()
        .filter_map(|e| e["by"]["username"].as_str())
        .collect();
    assert_eq!(
        who,
        BTreeSet::from(["demo-county", "demo-township", "demo-village"])
    );
    assert_eq!(
        case["applicant"]["id_number"], "420704*********231",
        "IDs stay masked until revealed"
    );
    let county = app.login("demo-county").await;
    let revealed: Value = app
        .client
        .post(app.url(&format!("/api/cases/{number}/reveal")))
        .bearer_auth(&county)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(revealed["applicant"]["id_number"], "420704199001011231");
    assert_eq!(revealed["spouse"]["id_number"], "500116199203040025");
    let supervisor = app.login("demo-supervisor").await;
    let (supervisor_status, supervisor_body) = app
        .post_as(
            &supervisor,
            &format!("/api/cases/{number}/reveal"),
            &Value::Null,
        )
        .await;
    assert_eq!(
        supervisor_status, 403,
        "supervisors oversee with masked numbers"
    );
    assert!(supervisor_body.get("applicant").is_none());
    let (_, after) = app.read_as(&county, &number).await;
    let reveal = after["audit"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "reveal_id_numbers")
        .unwrap();
    assert_eq!(
        reveal["by"]["username"], "demo-county",
        "the reveal is audited"
    );
    assert_eq!(
        after["timeline"], case["timeline"],
        "reads stay out of the timeline"
    );
    let opinion = audit
        .iter()
        .find(|e| e["action"] == "township_opinion")
        .unwrap();
    assert_eq!(opinion["details"][0], "同意：经核实情况属实，同意");
}
on_both_stores!(
    full_path,
    township_county_issue_deliver_with_every_level_sealing,
    township_county_issue_deliver_with_every_level_sealing_on_dynamodb
);

async fn refusal(app: &TestApp) {
    // Arrange
    let county = app.login("demo-county").await;
    let (number, code) = app.submit(rebirth_cq()).await;

    // Act + assert: no reasons, no refusal.
    let v = version(app, &county, &number).await;
    let (status, p) = app
        .act(
            &county,
            &number,
            json!({"version": v, "action": "refuse", "reasons": ["  "]}),
        )
        .await;
    assert_eq!(
        (status, p["code"].as_str()),
        (422, Some("reasons_required"))
    );
    let case = ok(
        app,
        &county,
        &number,
        json!({"action": "refuse", "reasons": ["夫妻已生育两个子女，且无法定再生育情形（001 一(一)）"]}),
    )
    .await;
    assert_eq!(case["state"], "refused");

    // The applicant reads the written reasons in the timeline (000 二(二)5).
    let mine: Value = app.track(&number, &code).await.1;
    let refusal = mine["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "refuse")
        .unwrap();
    assert!(
        refusal["details"][0]
            .as_str()
            .unwrap()
            .contains("001 一(一)")
    );
    let (status, p) = app
        .act(
            &county,
            &number,
            json!({"version": case["version"], "action": "approve"}),
        )
        .await;
    assert_eq!((status, p["code"].as_str()), (409, Some("invalid_state")));
}
on_both_stores!(
    refusal,
    a_refusal_needs_written_reasons_which_the_applicant_reads,
    a_refusal_needs_written_reasons_which_the_applicant_reads_on_dynamodb
);

async fn verification_red_light(app: &TestApp) {
    // Arrange: 江津区 asks 鄂城区 to verify the husband's record.
    let county = app.login("demo-county").await;
    let ezhou = app.login("demo-ezhou").await;
    let (number, _) = app.submit(rebirth_cq()).await;
    let case = ok(app, &county, &number, payload("request_verification")).await;
    let due = case["verifications"][0]["due"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, theirs) = app.get_as(&ezhou, "/api/staff/cases").await;
    assert_eq!(status, 200);
    assert_eq!(
        theirs["items"][0]["number"],
        number.as_str(),
        "the office asked sees it"
    );

    // Act: the day after the answer was due.
    let late = domain::Date::parse(&due)
        .unwrap()
        .succ()
        .unwrap()
        .to_string();
    app.set_day(&late);
    let county = app.login("demo-county").await;
    let ezhou = app.login("demo-ezhou").await;
    let (_, red) = app.get_as(&county, "/api/staff/cases?overdue=true").await;
    let report = functions::sweep::run(&app.state).await.unwrap();
    let again = functions::sweep::run(&app.state).await.unwrap();

    // Assert
    let row = red["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["number"] == number.as_str())
        .unwrap();
    assert_eq!(row["red_light"], true);
    assert!(
        row["overdue"]
            .as_array()
            .unwrap()
            .contains(&json!("verification:1")),
        "{row}"
    );
    assert_eq!(report.red_lights, 1);
    assert_eq!(again.red_lights, 0, "a red light is recorded once");
    let (_, case) = app.read_as(&county, &number).await;
    let light = case["audit"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "red_light")
        .unwrap();
    assert_eq!(light["by"]["kind"], "system");
    assert!(light["details"].to_string().contains(&due), "{light}");

    // The answer clears it.
    ok(app, &ezhou, &number, payload("answer_verification")).await;
    let (_, after) = app.read_as(&county, &number).await;
    assert!(
        !after["overdue"]
            .as_array()
            .unwrap()
            .contains(&json!("verification:1"))
    );
}
on_both_stores!(
    verification_red_light,
    an_unanswered_verification_goes_red_and_the_sweep_records_it_once,
    an_unanswered_verification_goes_red_and_the_sweep_records_it_once_on_dynamodb
);

async fn deemed_issue(app: &TestApp) {
    // Arrange: a Hubei re-birth application nobody decides.
    let ezhou = app.login("demo-ezhou").await;
    let (number, code) = app.submit(rebirth_hb()).await;
    let (_, case) = app.read_as(&ezhou, &number).await;
    let last_due = case["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["due"].as_str().unwrap().to_string())
        .max()
        .unwrap();

    // Act 1: on the last day nothing happens.
    app.set_day(&last_due);
    let on_time = functions::sweep::run(&app.state).await.unwrap();

    // Act 2: the day after, the sweep issues it (000 二(二)5).
    let after = domain::Date::parse(&last_due)
        .unwrap()
        .succ()
        .unwrap()
        .to_string();
    app.set_day(&after);
    let late = functions::sweep::run(&app.state).await.unwrap();

    // Assert
    assert_eq!(on_time.deemed_issues, 0);
    assert_eq!(late.deemed_issues, 1, "{late:?}");
    let mine: Value = app.track(&number, &code).await.1;
    assert_eq!(mine["state"], "issued");
    assert_eq!(mine["deemed_issue"], true);
    let event = mine["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "deemed_issue")
        .unwrap();
    assert_eq!(event["by"]["kind"], "system");
    assert!(
        event["details"][0]
            .as_str()
            .unwrap()
            .contains("000 二(二)5")
    );
    let (_, summary) = app
        .get_as(
            &app.login("demo-ezhou").await,
            "/api/staff/cases?state=issued",
        )
        .await;
    assert_eq!(summary["items"][0]["deemed_issue"], true);
}
on_both_stores!(
    deemed_issue,
    hubei_deems_a_certificate_issued_when_the_county_deadline_passes,
    hubei_deems_a_certificate_issued_when_the_county_deadline_passes_on_dynamodb
);

async fn concurrent(app: &TestApp) {
    // Arrange
    let village = app.login("demo-village").await;
    let township = app.login("demo-township").await;
    let (number, _) = app.submit(rebirth_cq()).await;
    let v = version(app, &village, &number).await;

    // Act: two staff act on the same version at once.
    let (a, b) = tokio::join!(
        app.act(
            &village,
            &number,
            json!({"version": v, "action": "pre_review"})
        ),
        app.act(&township, &number, json!({"version": v, "action": "seal"})),
    );

    // Assert: exactly one wins; the other learns the current version.
    let mut statuses = [a.0, b.0];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409], "{a:?} {b:?}");
    let loser = if a.0 == 409 { &a.1 } else { &b.1 };
    assert_eq!(loser["code"], "version_conflict");
    assert_eq!(loser["current_version"], v + 1);
    assert_eq!(version(app, &village, &number).await, v + 1);

    // A stale version is refused the same way, and a malformed body lists its problems.
    let (status, p) = app
        .act(&village, &number, json!({"version": v, "action": "seal"}))
        .await;
    assert_eq!((status, p["current_version"].as_u64()), (409, Some(v + 1)));
    let (status, p) = app.act(&village, &number, json!({"action": "fly"})).await;
    assert_eq!(status, 400);
    assert_eq!(p["errors"].as_array().unwrap().len(), 2, "{p}");
}
on_both_stores!(
    concurrent,
    concurrent_actions_on_one_version_let_exactly_one_win,
    concurrent_actions_on_one_version_let_exactly_one_win_on_dynamodb
);

// ---------------------------------------------------------------------------------------------
// Queue and supervision

async fn queue(app: &TestApp) {
    // Arrange: three cases at 四牌坊社区, one in 鄂城区.
    add_outsiders(app).await;
    let village = app.login("demo-village").await;
    let county = app.login("demo-county").await;
    let mut ours = Vec::new();
    for _ in 0..3 {
        ours.push(app.submit(rebirth_cq()).await.0);
    }
    let (hubei, _) = app.submit(rebirth_hb()).await;
    ok(app, &village, &ours[0], json!({"action": "pre_review"})).await;

    // Act
    let (_, all) = app.get_as(&village, "/api/staff/cases").await;
    let (_, page1) = app.get_as(&county, "/api/staff/cases?limit=2").await;
    let cursor = page1["next_cursor"].as_str().unwrap().to_string();
    let (_, page2) = app
        .get_as(
            &county,
            &format!("/api/staff/cases?limit=2&cursor={cursor}"),
        )
        .await;
    let (_, pre) = app
        .get_as(&county, "/api/staff/cases?state=pre_reviewed")
        .await;
    let (_, outsider) = app
        .get_as(&app.login("out-village").await, "/api/staff/cases")
        .await;
    let (admin_status, _) = app
        .get_as(&app.login("demo-admin").await, "/api/staff/cases")
        .await;
    let (wider_status, wider) = app
        .get_as(&village, "/api/staff/cases?division=500116")
        .await;
    let anonymous = app
        .client
        .get(app.url("/api/staff/cases"))
        .send()
        .await
        .unwrap()
        .status();

    // Assert
    let numbers = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["number"].as_str().unwrap().to_string())
            .collect()
    };
    let mut seen = numbers(&all);
    seen.sort();
    let mut expected = ours.clone();
    expected.sort();
    assert_eq!(
        seen, expected,
        "the village sees its own cases, not 鄂城区's"
    );
    assert!(!seen.contains(&hubei));
    assert_eq!(
        all["items"][0]["applicant"]["id_number"],
        "420704*********231"
    );
    let paged: Vec<String> = numbers(&page1).into_iter().chain(numbers(&page2)).collect();
    assert_eq!(paged.len(), 3);
    assert_eq!(page2["next_cursor"], Value::Null);
    let dues: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["next_due"].as_str().unwrap())
        .collect();
    assert!(
        dues.windows(2).all(|w| w[0] <= w[1]),
        "sorted by deadline: {dues:?}"
    );
    assert_eq!(numbers(&pre), vec![ours[0].clone()]);
    assert_eq!(numbers(&outsider), Vec::<String>::new());
    assert_eq!(admin_status, 403);
    assert_eq!(
        (wider_status, wider["code"].as_str()),
        (403, Some("out_of_scope"))
    );
    assert_eq!(anonymous, 401);

    // Reading a case outside one's division answers as a missing case would (issue 18).
    let ezhou = app.login("demo-ezhou").await;
    let (status, body) = app.read_as(&ezhou, &ours[1]).await;
    let (missing_status, missing) = app.read_as(&ezhou, "JS20260302-NOSUCH").await;
    assert_eq!((status, missing_status), (404, 404));
    assert_eq!(body, missing);
}
on_both_stores!(
    queue,
    the_queue_shows_the_callers_division_sorted_paged_and_masked,
    the_queue_shows_the_callers_division_sorted_paged_and_masked_on_dynamodb
);

async fn supervision(app: &TestApp) {
    // Arrange: one case decided after 12 days, one refused on the day, one pending and late.
    let county = app.login("demo-county").await;
    let (a, _) = app.submit(rebirth_cq()).await;
    let (b, _) = app.submit(rebirth_cq()).await;
    let (_c, _) = app.submit(rebirth_cq()).await;
    ok(
        app,
        &county,
        &b,
        json!({"action": "refuse", "reasons": ["不符合条件"]}),
    )
    .await;
    app.set_day("2024-10-09");
    let village = app.login("demo-village").await;
    let county = app.login("demo-county").await;
    ok(app, &village, &a, json!({"action": "pre_review"})).await;
    ok(app, &county, &a, json!({"action": "approve"})).await;
    app.set_day("2024-12-31");
    let county = app.login("demo-county").await;
    let supervisor = app.login("demo-supervisor").await;

    // Act
    let (status, summary) = app.get_as(&supervisor, "/api/supervision/summary").await;
    let csv = app
        .client
        .get(app.url("/api/supervision/summary?format=csv"))
        .bearer_auth(&supervisor)
        .send()
        .await
        .unwrap();
    let csv_type = csv.headers()["content-type"].to_str().unwrap().to_string();
    let csv = csv.text().await.unwrap();
    let (county_status, _) = app.get_as(&county, "/api/supervision/summary").await;

    // Assert
    assert_eq!(status, 200, "{summary}");
    let office = &summary["offices"][0];
    assert_eq!(office["office"], "500116");
    assert_eq!(office["total"], 3);
    assert_eq!(office["by_state"]["approved"], 1);
    assert_eq!(office["by_state"]["refused"], 1);
    assert_eq!(office["by_state"]["submitted"], 1);
    assert_eq!(office["overdue"], 1);
    assert_eq!(office["decided"], 2);
    assert_eq!(office["median_days"], 0);
    assert_eq!(office["p90_days"], 12);
    let bands: Vec<(String, u64)> = summary["distribution"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["days"].as_str().unwrap().to_string(),
                b["count"].as_u64().unwrap(),
            )
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    assert_eq!(bands, [("0".to_string(), 1), ("8–14".to_string(), 1)]);
    assert_eq!(csv_type, "text/csv; charset=utf-8");
    let mut lines = csv.trim_start_matches('\u{feff}').lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("office,name,total,submitted")
    );
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("500116,\"重庆市江津区\",3,1,"),
        "{csv}"
    );
    assert_eq!(county_status, 403, "the summary is the supervisor's");
}
on_both_stores!(
    supervision,
    the_supervision_summary_counts_red_lights_and_processing_times,
    the_supervision_summary_counts_red_lights_and_processing_times_on_dynamodb
);

async fn window_submission(app: &TestApp) {
    // Arrange: at the window the clerk sees the originals (SPEC §9), so nothing is uploaded. A
    // 生育服务登记: a village window takes it in (re-birth it may not: 004 四(二)).
    let village = app.login("demo-village").await;
    let ezhou = app.login("demo-ezhou").await;
    let check = app.check(&birth_cq()).await;
    let seen: Vec<Value> = check["materials"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["provided_by"] == "applicant")
        .map(|m| json!({"code": m["code"], "checked_in_person": true}))
        .collect();
    let body = json!({
        "situation": birth_cq(),
        "applicant": {"name": "赵先生", "id_number": "420704199001011231", "phone": "13800138000"},
        "spouse": {"name": "钱女士", "id_number": "500116199203040025"},
        "materials": seen
    });
    let post = |token: Option<&str>| {
        let mut req = app.client.post(app.url("/api/cases")).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send()
    };

    // Act
    let at_window = post(Some(&village)).await.unwrap();
    let online = post(None).await.unwrap();
    let elsewhere = post(Some(&ezhou)).await.unwrap();

    // Assert: the window's clerk may; the applicant online and another county's staff may not.
    assert_eq!(at_window.status(), 201);
    let number = at_window.json::<Value>().await.unwrap()["number"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, case) = app.read_as(&village, &number).await;
    assert_eq!(case["audit"][0]["by"]["username"], "demo-village");
    assert_eq!(online.status(), 422);
    let p: Value = online.json().await.unwrap();
    assert!(
        p["errors"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["field"].as_str().unwrap().ends_with("checked_in_person")),
        "{p}"
    );
    assert_eq!(elsewhere.status(), 422);
    let p: Value = elsewhere.json().await.unwrap();
    assert!(p.to_string().contains("situation.division"), "{p}");
}
on_both_stores!(
    window_submission,
    window_staff_submit_with_originals_seen_at_their_own_window_only,
    window_staff_submit_with_originals_seen_at_their_own_window_only_on_dynamodb
);

async fn staff_accounts(app: &TestApp) {
    // Arrange
    let admin = app.login("demo-admin").await;
    let county = app.login("demo-county").await;
    let create = |token: &str, body: Value| {
        app.client
            .post(app.url("/api/admin/staff"))
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    let new_clerk = json!({"username": "li.na", "display_name": "李娜", "role": "village_clerk",
                           "division": "500116001006", "password": "correct horse battery"});

    // Act
    let created = create(&admin, new_clerk.clone()).await.unwrap();
    let again = create(&admin, new_clerk.clone()).await.unwrap();
    let by_county = create(&county, new_clerk.clone()).await.unwrap();
    let wrong_level = create(
        &admin,
        json!({"username": "wang", "display_name": "王", "role": "county_approver",
               "division": "500116001", "password": "correct horse battery"}),
    )
    .await
    .unwrap();
    let (list_status, list) = app.get_as(&admin, "/api/admin/staff").await;
    let signed_in = app
        .client
        .post(app.url("/api/auth/login"))
        .json(&json!({"username": "li.na", "password": "correct horse battery"}))
        .send()
        .await
        .unwrap();

    // Assert
    assert_eq!(created.status(), 201);
    assert_eq!(again.status(), 409);
    assert_eq!(
        again.json::<Value>().await.unwrap()["code"],
        "username_taken"
    );
    assert_eq!(by_county.status(), 403);
    assert_eq!(wrong_level.status(), 400);
    assert_eq!(list_status, 200);
    let names: Vec<&str> = list["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["username"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"li.na") && names.contains(&"demo-ezhou"),
        "{names:?}"
    );
    assert!(
        !list.to_string().contains("argon2"),
        "no password hashes leave the store"
    );
    assert_eq!(signed_in.status(), 200);
    let body: Value = signed_in.json().await.unwrap();
    assert_eq!(
        (body["role"].as_str(), body["division"].as_str()),
        (Some("village_clerk"), Some("500116001006"))
    );

    // A reset sets the password and lifts a lock.
    for _ in 0..4 {
        app.client
            .post(app.url("/api/auth/login"))
            .json(&json!({"username": "li.na", "password": "wrong"}))
            .send()
            .await
            .unwrap();
    }
    let res = app
        .client
        .post(app.url("/api/admin/staff/li.na/reset"))
        .bearer_auth(&admin)
        .json(&json!({"password": "a new long password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = app
        .client
        .post(app.url("/api/auth/login"))
        .json(&json!({"username": "li.na", "password": "a new long password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "no wait after a reset");
}
on_both_stores!(
    staff_accounts,
    admins_create_list_and_reset_staff_accounts_of_their_roles_level,
    admins_create_list_and_reset_staff_accounts_of_their_roles_level_on_dynamodb
);

async fn attachments(app: &TestApp) {
    // Arrange: a case with its uploaded scans, and an upload it does not own.
    let village = app.login("demo-village").await;
    let ezhou = app.login("demo-ezhou").await;
    let (number, code) = app.submit(rebirth_cq()).await;
    let (_, case) = app.read_as(&village, &number).await;
    let id = case["materials"][0]["attachments"][0]
        .as_str()
        .unwrap()
        .to_string();
    let stranger = app
        .upload_id(
            "application/pdf",
            b"%PDF-1.4
% someone else
",
        )
        .await;
    let get = |token: Option<&str>, access: Option<&str>, id: &str| {
        let mut req = app
            .client
            .get(app.url(&format!("/api/cases/{number}/attachments/{id}")));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(c) = access {
            req = req.header("x-access-code", c);
        }
        req.send()
    };

    // Act
    let by_staff = get(Some(&village), None, &id).await.unwrap();
    let by_applicant = get(None, Some(&code), &id).await.unwrap();
    let not_theirs = get(Some(&village), None, &stranger).await.unwrap();
    let outside = get(Some(&ezhou), None, &id).await.unwrap();
    let anonymous = get(None, None, &id).await.unwrap();

    // Assert
    assert_eq!(by_staff.status(), 200);
    assert_eq!(by_staff.headers()["content-type"], "application/pdf");
    assert_eq!(by_staff.headers()["cache-control"], "private, no-store");
    // A PDF from an applicant is downloaded, sandboxed, never run in the app's origin.
    assert_eq!(by_staff.headers()["content-disposition"], "attachment");
    assert!(
        by_staff.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .starts_with("sandbox")
    );
    assert!(by_staff.bytes().await.unwrap().starts_with(b"%PDF"));
    assert_eq!(by_applicant.status(), 200);
    assert_eq!(not_theirs.status(), 404, "an upload id alone opens nothing");
    assert_eq!(
        outside.status(),
        404,
        "outside the division: as if there were no case"
    );
    assert_eq!(anonymous.status(), 401);
    let (_, after) = app.read_as(&village, &number).await;
    let opened = after["audit"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == format!("read_attachment:{id}"))
        .count();
    assert_eq!(
        opened, 1,
        "the staff opening is audited, the applicant's own is not"
    );
    // An id the case did not attach is refused before anything is recorded (issue 18).
    assert!(
        !after["audit"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"].as_str().unwrap_or_default().contains(&stranger)),
        "the stranger's upload id is not in the audit trail"
    );
}
on_both_stores!(
    attachments,
    staff_in_scope_and_the_applicant_open_the_cases_own_scans_only,
    staff_in_scope_and_the_applicant_open_the_cases_own_scans_only_on_dynamodb
);

#[tokio::test]
async fn the_window_reads_the_population_registry_to_issue_a_marital_status_proof() {
    // Arrange
    let app = spawn_app_on("2026-03-02").await;
    let village = app.login("demo-village").await;
    let county = app.login("demo-county").await;

    // Act
    let (found, person) = app
        .post_as(
            &village,
            "/api/staff/registry",
            &json!({"id_number": "500116199203040025"}),
        )
        .await;
    let (absent, out_of_city) = app
        .post_as(
            &village,
            "/api/staff/registry",
            &json!({"id_number": "420704199001011231"}),
        )
        .await;
    let (bad, bad_body) = app
        .post_as(
            &village,
            "/api/staff/registry",
            &json!({"id_number": "500116199203040026"}),
        )
        .await;
    let (not_window, _) = app
        .post_as(
            &county,
            "/api/staff/registry",
            &json!({"id_number": "500116199203040025"}),
        )
        .await;

    // Assert
    assert_eq!(found, 200, "{person}");
    assert_eq!(person["name"], "陈晓梅");
    assert_eq!(person["marriage"], "first");
    assert_eq!(person["children"].as_array().unwrap().len(), 1);
    assert_eq!(person["hukou"], "500116001005");
    assert_eq!(absent, 404);
    assert_eq!(out_of_city["code"], "not_in_registry");
    assert!(out_of_city["title"].as_str().unwrap().contains("承诺"));
    assert_eq!(bad, 400);
    assert_eq!(bad_body["errors"][0]["field"], "id_number");
    assert_eq!(not_window, 403, "issuing on the spot is the window's");
}

/// Issue 18: the population database answers a window of the person's own province only, a
/// limited number of times an hour, and every look-up is in the store's audit trail, which the
/// division's supervisor reads (ID numbers masked); queue listings and account changes too.
#[tokio::test]
async fn registry_look_ups_are_scoped_limited_and_audited() {
    // Arrange: a Hubei window beside the 江津 one.
    let app = spawn_app_on(DAY).await;
    let hash = functions::passwords::hash_password("demo").unwrap();
    app.state
        .staff
        .put_account(&StaffAccount {
            username: "hb-village".into(),
            display_name: "鄂城区窗口".into(),
            role: Role::VillageClerk,
            division: Some(domain::DivisionCode::parse("420704001001").unwrap()),
            password_hash: hash,
            disabled: false,
            token_epoch: 0,
        })
        .await
        .unwrap();
    let village = app.login("demo-village").await;
    let hubei = app.login("hb-village").await;
    let admin = app.login("demo-admin").await;
    let app = &app;
    let look_up = |token: String| async move {
        app.post_as(
            &token,
            "/api/staff/registry",
            &json!({"id_number": "500116199203040025"}),
        )
        .await
    };

    // Act
    let (own_status, person) = look_up(village.clone()).await;
    let (other_status, other) = look_up(hubei.clone()).await;
    let (unknown_status, unknown) = app
        .post_as(
            &hubei,
            "/api/staff/registry",
            &json!({"id_number": "420704199001011231"}),
        )
        .await;
    app.get_as(&village, "/api/staff/cases").await;
    app.post_as(&admin, "/api/admin/staff/hb-village/disable", &json!({}))
        .await;

    // Assert: found in its province, and elsewhere the same answer as nobody.
    assert_eq!(own_status, 200, "{person}");
    assert_eq!(
        (other_status, other["code"].as_str()),
        (404, Some("not_in_registry"))
    );
    assert_eq!(other, unknown);
    assert_eq!(unknown_status, 404);
    let supervisor = app.login("demo-supervisor").await;
    let (status, trail) = app.get_as(&supervisor, "/api/supervision/audit").await;
    assert_eq!(status, 200, "{trail}");
    let entries = trail["entries"].as_array().unwrap();
    let actions: Vec<(&str, &str)> = entries
        .iter()
        .map(|e| (e["by"].as_str().unwrap(), e["action"].as_str().unwrap()))
        .collect();
    assert!(
        actions.contains(&("demo-village", "registry_read")),
        "{actions:?}"
    );
    assert!(
        actions.contains(&("demo-village", "queue_read")),
        "{actions:?}"
    );
    assert!(
        !actions.iter().any(|(by, _)| *by == "hb-village"),
        "another province's window is not 江津's to oversee"
    );
    assert!(
        !trail.to_string().contains("500116199203040025"),
        "masked: {trail}"
    );
    let all = app
        .state
        .store
        .audit_entries(domain::Date::parse(DAY).unwrap())
        .await
        .unwrap();
    assert!(
        all.iter()
            .any(|e| e.action == "staff_disabled" && e.subject == "hb-village")
    );
    let (status, _) = app.get_as(&village, "/api/supervision/audit").await;
    assert_eq!(status, 403, "supervisors only");

    // A window makes at most 30 look-ups an hour.
    for _ in 1..30 {
        assert_eq!(look_up(village.clone()).await.0, 200);
    }
    let (status, body) = look_up(village.clone()).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (429, Some("registry_throttled"))
    );
}
