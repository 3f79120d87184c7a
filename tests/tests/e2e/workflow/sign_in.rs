//! Sign-in end to end: tokens, lockout and back-off, parallel guesses, accounts cut off, and
//! an unknown name answered exactly as a known one.

use serde_json::{Value, json};

use super::DAY;
use crate::helpers::{TestApp, spawn_app_on, spawn_app_on_dynamodb, start_moto};

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
// Long: reset, disable and role change each cut the same account's tokens off, in order.
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
