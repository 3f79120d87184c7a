//! The offices' work end to end: the queue, supervision, window submissions, staff accounts,
//! the case's scans, and the population registry at the window.

use domain::roles::Role;
use functions::ports::StaffAccount;
use serde_json::{Value, json};

use super::matrix::add_outsiders;
use super::{DAY, birth_cq, ok, rebirth_cq, rebirth_hb};
use crate::helpers::{TestApp, spawn_app_on, spawn_app_on_dynamodb, start_moto};

// ---------------------------------------------------------------------------------------------
// Queue and supervision

// Long: one queue looked at by each office, filter and page in turn.
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

// Long: one administrator's session over the accounts of every level, in order.
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
// Long: one scenario: scope, audit and the hourly limit of the same window, in order.
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
