//! Every path of a case end to end: instant issue, return and resubmission, the full path
//! through every level, refusal, 协查 and red lights, Hubei's deemed issue, concurrent actions.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::matrix::payload;
use super::{DAY, birth_cq, ok, rebirth_cq, rebirth_hb, version};
use crate::helpers::{TestApp, spawn_app_on, spawn_app_on_dynamodb, start_moto};

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

// Long: one case walked through every level in order; each step asserts what the next one relies on.
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
