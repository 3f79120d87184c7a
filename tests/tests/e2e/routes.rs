//! Every route of the API is in an authorisation table (issue 18 point 1): the routes of one
//! case are walked per role × relation to the case by `workflow.rs` (`route_matrix`, the action
//! matrix); every other route is listed here with the roles it admits, and is tried by every
//! demo role and by nobody. A route of the OpenAPI document missing from the table fails the
//! test, so a new route cannot arrive without its row.

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app_on};

const DAY: &str = "2024-09-27";

/// Who may use a route.
enum Access {
    /// Anyone, without a token.
    Public,
    /// The routes of one case: walked per role and relation in `workflow.rs`.
    Case,
    /// Staff of these roles (demo account names); other staff 403, nobody 401.
    Staff(&'static [&'static str]),
}

const ALL_STAFF: &[&str] = &[
    "demo-village",
    "demo-township",
    "demo-county",
    "demo-supervisor",
    "demo-admin",
    "demo-ezhou",
];

/// SPEC §4 and issue 18, written out by hand.
fn access(method: &str, path: &str) -> Option<Access> {
    use Access::*;
    Some(match (method, path) {
        ("GET", "/api/health" | "/api/calendar" | "/api/deadline" | "/api/guides")
        | ("GET", "/api/divisions/search")
        | ("GET", "/api/openapi.json" | "/api/certificates/keys")
        | ("GET", "/api/certificates/revocations" | "/api/certificates/{number}/status")
        | ("POST", "/api/eligibility" | "/api/uploads" | "/api/cases" | "/api/auth/login")
        | ("POST", "/api/lookup" | "/api/lookup/export" | "/api/corrections") => Public,
        ("GET", "/api/cases/{number}")
        | ("POST", "/api/cases/{number}/actions" | "/api/cases/{number}/reveal")
        | ("POST", "/api/cases/{number}/notify")
        | ("GET", "/api/cases/{number}/attachments/{id}" | "/api/certificates/{file}") => Case,
        ("GET" | "POST", "/api/admin/staff")
        | ("POST", "/api/admin/staff/{username}/reset" | "/api/admin/staff/{username}/disable")
        | ("POST", "/api/admin/staff/{username}/enable" | "/api/admin/staff/{username}/role")
        | ("POST", "/api/admin/calendar") => Staff(&["demo-admin"]),
        ("GET", "/api/auth/me") | ("POST", "/api/auth/logout") => Staff(ALL_STAFF),
        ("GET", "/api/staff/cases") => Staff(&[
            "demo-village",
            "demo-township",
            "demo-county",
            "demo-supervisor",
            "demo-ezhou",
        ]),
        ("POST", "/api/staff/registry") => Staff(&["demo-village", "demo-township"]),
        ("GET", "/api/supervision/summary" | "/api/supervision/audit") => {
            Staff(&["demo-supervisor"])
        }
        _ => return None,
    })
}

async fn call(app: &TestApp, method: &str, path: &str, token: Option<&str>) -> u16 {
    // Path parameters name nothing that exists: a right is visible without changing anything.
    let path = path
        .replace("{username}", "nobody-here")
        .replace("{number}", "JS20240927-AAAAAA");
    let mut request = match method {
        "POST" => app.client.post(app.url(&path)).json(&json!({})),
        _ => app.client.get(app.url(&path)),
    };
    if let Some(t) = token {
        request = request.bearer_auth(t);
    }
    request.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn every_route_is_in_the_authorisation_table_and_answers_as_it_says() {
    // Arrange: the routes the API documents.
    let app = spawn_app_on(DAY).await;
    let document: Value = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut routes = Vec::new();
    for (path, operations) in document["paths"].as_object().unwrap() {
        for method in operations.as_object().unwrap().keys() {
            routes.push((method.to_uppercase(), path.clone()));
        }
    }
    assert!(routes.len() >= 33, "{routes:?}");

    let mut tokens = Vec::new();
    for who in ALL_STAFF {
        tokens.push((*who, app.login(who).await));
    }

    // Act + assert
    let mut wrongful = Vec::new();
    let mut case_routes = 0;
    for (method, path) in &routes {
        let Some(rule) = access(method, path) else {
            wrongful.push(format!("{method} {path}: not in the table"));
            continue;
        };
        let allowed: &[&str] = match rule {
            Access::Case => {
                case_routes += 1;
                continue;
            }
            Access::Public => {
                let status = call(&app, method, path, None).await;
                if matches!(status, 401 | 403) {
                    wrongful.push(format!("nobody {method} {path}: {status} (public)"));
                }
                continue;
            }
            Access::Staff(roles) => roles,
        };
        let status = call(&app, method, path, None).await;
        if status != 401 {
            wrongful.push(format!("nobody {method} {path}: {status} (expected 401)"));
        }
        for (who, token) in &tokens {
            // Logging out revokes the token it is sent with: a token of its own.
            let token = if path == "/api/auth/logout" {
                app.login(who).await
            } else {
                token.clone()
            };
            let status = call(&app, method, path, Some(&token)).await;
            let admitted = allowed.contains(who);
            let right = if admitted {
                !matches!(status, 401 | 403 | 500..)
            } else {
                status == 403
            };
            if !right {
                let expected = if admitted { "admitted" } else { "403" };
                wrongful.push(format!("{who} {method} {path}: {status} ({expected})"));
            }
        }
    }
    assert!(wrongful.is_empty(), "{}", wrongful.join("\n"));
    assert_eq!(case_routes, 6, "the case routes workflow/matrix.rs walks");
    // The role comes before any rule of the route: not the admins' "cannot disable yourself".
    let (_, ezhou) = tokens.iter().find(|(w, _)| *w == "demo-ezhou").unwrap();
    let (status, _) = app
        .post_as(ezhou, "/api/admin/staff/demo-ezhou/disable", &json!({}))
        .await;
    assert_eq!(status, 403);
}
