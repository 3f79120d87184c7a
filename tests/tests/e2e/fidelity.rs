//! Issue 17, points 6 and 8: the texts' rules as an applicant and an office meet them.

use serde_json::{Value, json};

use crate::helpers::*;

const DAY: &str = "2026-03-02";
/// On the local demo list of 失信联合惩戒对象 (`<data>/credit-list.txt`, README).
const LISTED: &str = "500116198507070018";

fn birth_at(division: &str) -> Value {
    json!({"service": "birth_service", "division": division, "date": DAY, "marriage": "first"})
}

fn body(situation: &Value, spouse_id: &str, materials: Vec<Value>) -> Value {
    json!({
        "situation": situation,
        "applicant": {"name": "赵先生", "id_number": "420704199001011231", "phone": "13800138000"},
        "spouse": {"name": "钱女士", "id_number": spouse_id},
        "materials": materials
    })
}

async fn post(app: &TestApp, token: Option<&str>, body: &Value) -> (u16, Value) {
    let mut req = app.client.post(app.url("/api/cases")).json(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// Each applicant material uploaded (online) or marked as seen at the window.
async fn materials(app: &TestApp, situation: &Value, seen: bool) -> Vec<Value> {
    let check = app.check(situation).await;
    let mut out = Vec::new();
    for m in check["materials"].as_array().unwrap() {
        if m["provided_by"] != "applicant" {
            continue;
        }
        out.push(if seen {
            json!({"code": m["code"], "checked_in_person": true})
        } else {
            let id = app
                .upload_id("application/pdf", b"%PDF-1.4\n% test\n")
                .await;
            json!({"code": m["code"], "attachments": [id]})
        });
    }
    out
}

fn credit_checks(case: &Value) -> Vec<String> {
    case["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "submit")
        .flat_map(|e| e["details"].as_array().unwrap().clone())
        .filter_map(|d| d.as_str().map(String::from))
        .filter(|d| d.starts_with("失信联合惩戒对象名单核查"))
        .collect()
}

#[tokio::test]
async fn a_person_on_the_dishonesty_list_is_sent_to_the_window_and_the_window_records_the_check_004_4_3()
 {
    // Arrange
    let app = spawn_app_on(DAY).await;
    let village = app.login("demo-village").await;
    let supervisor = app.login("demo-supervisor").await;
    let cq = birth_at("500116001005");
    let online = materials(&app, &cq, false).await;
    let seen = materials(&app, &cq, true).await;
    // One item as a scan instead of the original seen.
    let mut half_seen = seen.clone();
    half_seen[0] = online[0].clone();

    // Act
    let (online_status, online_answer) = post(&app, None, &body(&cq, LISTED, online.clone())).await;
    let (_, before_window) = app.get_as(&supervisor, "/api/supervision/summary").await;
    let (half_status, half_answer) =
        post(&app, Some(&village), &body(&cq, LISTED, half_seen)).await;
    let (window_status, window_answer) = post(&app, Some(&village), &body(&cq, LISTED, seen)).await;
    let (clean_status, clean_answer) =
        post(&app, None, &body(&cq, "500116199203040025", online)).await;

    // Assert: online, it does not pass and nothing is kept; they are told where to go.
    assert_eq!(online_status, 422, "{online_answer}");
    assert_eq!(online_answer["code"], "on_site_only");
    assert!(
        online_answer["title"]
            .as_str()
            .unwrap_or_default()
            .contains("窗口")
            || online_answer.to_string().contains("窗口"),
        "{online_answer}"
    );
    assert_eq!(
        before_window["total"], 0,
        "nothing was saved: {before_window}"
    );
    // At the window, every original must be seen there …
    assert_eq!(half_status, 422, "{half_answer}");
    let fields: Vec<&str> = half_answer["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["materials[0].checked_in_person"]);
    // … and then the case is taken, with the check on its record.
    assert_eq!(window_status, 201, "{window_answer}");
    let (_, case) = app
        .read_as(&village, window_answer["number"].as_str().unwrap())
        .await;
    let checks = credit_checks(&case);
    assert_eq!(checks.len(), 1, "{checks:?}");
    assert!(
        checks[0].contains("在名单内") && checks[0].contains("004"),
        "{checks:?}"
    );
    // Someone not listed applies online, and the record says the list was checked.
    assert_eq!(clean_status, 201, "{clean_answer}");
    let (_, clean) = app
        .read_as(&village, clean_answer["number"].as_str().unwrap())
        .await;
    assert!(credit_checks(&clean)[0].contains("不在名单内"));
}

#[tokio::test]
async fn the_dishonesty_list_rule_is_chongqings_alone_004() {
    // Arrange: the same listed spouse, applying in 鄂城区 (Hubei's texts say nothing of it).
    let app = spawn_app_on(DAY).await;
    let ezhou = app.login("demo-ezhou").await;
    let hb =
        json!({"service": "birth_service", "division": "420704", "date": DAY, "marriage": "first"});
    let online = materials(&app, &hb, false).await;

    // Act
    let (status, answer) = post(&app, None, &body(&hb, LISTED, online)).await;

    // Assert
    assert_eq!(status, 201, "{answer}");
    let (_, case) = app
        .read_as(&ezhou, answer["number"].as_str().unwrap())
        .await;
    assert!(credit_checks(&case).is_empty());
}

#[tokio::test]
async fn an_honour_holder_is_told_before_submitting_a_birth_service_application_and_the_case_records_it_001_4_1()
 {
    // Arrange: one child, the honour certificate held, a second child within the quota.
    let app = spawn_app_on(DAY).await;
    let situation = json!({"service": "birth_service", "division": "500116001005", "date": DAY,
        "marriage": "first", "honor_certificate": true,
        "children": [{"born": "2012-05-01", "of": "joint", "disability": "none"}]});

    // Act
    let check = app.check(&situation).await;
    let (number, code) = app.submit(situation).await;
    let (_, mine) = app.track(&number, &code).await;

    // Assert
    let told: Vec<&str> = check["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert!(told.contains(&"honor_certificate_cancelled"), "{check}");
    assert_eq!(mine["honor_certificate_cancelled_on"], DAY);
    assert!(
        mine["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "honor_certificate_cancelled")
    );
}

#[tokio::test]
async fn more_than_the_list_is_accepted_with_a_notice_and_not_kept_002_art_8() {
    // Arrange: everything the list asks, and a divorce certificate it does not.
    let app = spawn_app_on(DAY).await;
    let village = app.login("demo-village").await;
    let cq = birth_at("500116001005");
    let mut brought = materials(&app, &cq, false).await;
    let extra = app
        .upload_id("application/pdf", b"%PDF-1.4\n% extra\n")
        .await;
    brought.push(json!({"code": "divorce_cert", "attachments": [extra]}));

    // Act
    let (status, answer) = post(&app, None, &body(&cq, "500116199203040025", brought)).await;

    // Assert
    assert_eq!(status, 201, "{answer}");
    assert_eq!(
        answer["notices"][0]["code"], "material_not_required",
        "{answer}"
    );
    assert_eq!(answer["notices"][0]["material"], "divorce_cert");
    let (_, case) = app
        .read_as(&village, answer["number"].as_str().unwrap())
        .await;
    let kept: Vec<&str> = case["materials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["code"].as_str().unwrap())
        .collect();
    assert!(!kept.contains(&"divorce_cert"), "{kept:?}");
    let submitted = &case["timeline"][0];
    assert_eq!(submitted["action"], "submit");
    assert!(
        submitted["details"]
            .to_string()
            .contains("清单以外的材料未保存：离婚证"),
        "{submitted}"
    );
}

#[tokio::test]
async fn an_out_of_province_applicant_gets_the_proof_after_the_window_verifies_by_phone_003_3_2() {
    // Arrange: both hukou in 鄂城区, the proof asked at 四牌坊社区.
    let app = spawn_app_on(DAY).await;
    let village = app.login("demo-village").await;
    let situation = json!({"service": "marital_status_proof", "division": "500116001005",
        "date": DAY, "marriage": "first", "hukou": {"husband": "420704", "wife": "420704"}});
    let (number, code) = app.submit(situation).await;
    let (_, case) = app.read_as(&village, &number).await;
    assert_eq!(case["out_of_city_check_required"], true, "{case}");
    let issue = |body: Value| {
        let mut body = body;
        body["version"] = case["version"].clone();
        app.act(&village, &number, body)
    };

    // Act
    let (bare_status, bare) = issue(json!({"action": "issue"})).await;
    let (status, issued) = issue(json!({"action": "issue", "out_of_city": {
        "method": "phone", "contact": "鄂城区凤凰街道计生办 0711-3200000", "result": "初婚，未生育"}}))
    .await;

    // Assert: refused unverified (and not sent home: the answer asks for the check, nothing of
    // the applicant); issued on the spot once recorded, and the applicant sees how.
    assert_eq!(bare_status, 422, "{bare}");
    assert_eq!(bare["code"], "out_of_city_check_required");
    assert_eq!(status, 200, "{issued}");
    assert_eq!(issued["state"], "issued");
    let (_, case) = app.read_as(&village, &number).await;
    assert_eq!(case["out_of_city_check"]["method"], "phone");
    assert_eq!(case["out_of_city_check"]["by"], "demo-village");
    let (_, mine) = app.track(&number, &code).await;
    let issue_event = mine["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "issue")
        .unwrap();
    assert!(
        issue_event["details"].to_string().contains("电话核实"),
        "{issue_event}"
    );
}

#[tokio::test]
async fn the_first_office_accepts_and_names_the_office_that_decides_000_2_2_3() {
    // Arrange: a Hubei re-birth asked in 鄂城区 by a couple registered in 洪山区 who moved here
    // a month ago (half a year is needed to apply at the residence).
    let app = spawn_app_on(DAY).await;
    let ezhou = app.login("demo-ezhou").await;
    let situation = json!({"service": "rebirth", "division": "420704", "date": DAY,
        "marriage": "first",
        "children": [{"born": "2012-05-01", "of": "joint", "disability": "none"},
                     {"born": "2016-05-01", "of": "joint", "disability": "non_hereditary_appraised"}],
        "hukou": {"husband": "420111", "wife": "420111"},
        "residence": {"division": "420704", "since": "2026-02-01"}});

    // Act
    let check = app.check(&situation).await;
    let (number, _) = app.submit(situation).await;

    // Assert: the full checklist, the competent office named, the case taken here.
    assert_eq!(check["eligible"], true, "{check}");
    assert_eq!(check["deciding_division"], "420111");
    assert!(!check["materials"].as_array().unwrap().is_empty());
    assert!(
        check.to_string().contains("accepted_and_forwarded"),
        "{check}"
    );
    let (status, case) = app.read_as(&ezhou, &number).await;
    assert_eq!(
        status, 200,
        "the accepting county sees the case it took: {case}"
    );
    assert_eq!(case["accepting_division"], "420704");
    assert_eq!(case["deciding_division"], "420111");
}

/// A staff account the admin creates for the test, logged in.
async fn staff_at(app: &TestApp, username: &str, role: &str, division: &str) -> String {
    let admin = app.login("demo-admin").await;
    let (status, created) = app
        .post_as(
            &admin,
            "/api/admin/staff",
            &json!({"username": username, "display_name": "测试", "role": role,
                    "division": division, "password": "a long test password"}),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    app.login_with(username, "a long test password").await
}

fn queue_numbers(queue: &Value) -> Vec<String> {
    queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["number"].as_str().map(String::from))
        .collect()
}

#[tokio::test]
async fn the_declared_place_pre_reviews_what_another_window_took_and_sees_it_in_its_queue_004_4_3()
{
    // Arrange: a couple registered in 永川区 中山路街道 apply at 四牌坊社区 in 江津区.
    let app = spawn_app_on(DAY).await;
    let window = app.login("demo-village").await;
    let declared = staff_at(&app, "yc.town", "township_officer", "500118001").await;
    let situation = json!({"service": "birth_service", "division": "500116001005", "date": DAY,
        "marriage": "first", "hukou": {"husband": "500118001", "wife": "500118001"}});
    let check = app.check(&situation).await;
    let (number, _) = app.submit(situation).await;
    let version = |case: &Value| case["version"].clone();

    // Act: the window tries to print first; then the 申报地 pre-reviews from its queue.
    let (_, case) = app.read_as(&window, &number).await;
    let (early_status, early) = app
        .act(
            &window,
            &number,
            json!({"action": "issue", "version": version(&case)}),
        )
        .await;
    let (_, queue) = app.get_as(&declared, "/api/staff/cases").await;
    let (review_status, reviewed) = app
        .act(
            &declared,
            &number,
            json!({"action": "pre_review", "version": version(&case)}),
        )
        .await;
    let (issue_status, issued) = app
        .act(
            &window,
            &number,
            json!({"action": "issue", "version": version(&reviewed)}),
        )
        .await;

    // Assert
    assert_eq!(check["deciding_division"], "500118001", "{check}");
    assert_eq!(check["reviewing_division"], "500118001", "{check}");
    assert_eq!(
        (early_status, early["code"].as_str()),
        (409, Some("pre_review_required")),
        "{early}"
    );
    assert!(queue_numbers(&queue).contains(&number), "{queue}");
    assert_eq!(review_status, 200, "{reviewed}");
    assert_eq!(issue_status, 200, "{issued}");
    assert_eq!(issued["state"], "issued");
    let (_, case) = app.read_as(&window, &number).await;
    assert_eq!(case["reviewing_division"], "500118001");
    assert_eq!(
        case["certificate"]["facts"]["issuer"], "500118001",
        "{case}"
    );
}

#[tokio::test]
async fn jilin_recognises_another_provinces_card_on_the_spot_without_a_card_of_its_own_002_art_7() {
    // Arrange: the wife's hukou is in Hubei, where the couple received a re-birth card.
    let app = spawn_app_on(DAY).await;
    let township = staff_at(&app, "nl.town", "township_officer", "220102001").await;
    let situation = json!({"service": "rebirth", "division": "220102001", "date": DAY,
        "marriage": "first", "other_province_rebirth_card": true,
        "children": [{"born": "2012-05-01", "of": "joint", "disability": "none"},
                     {"born": "2016-05-01", "of": "joint", "disability": "none"},
                     {"born": "2022-05-01", "of": "joint", "disability": "none"}],
        "hukou": {"husband": "220102", "wife": "420704"}});

    // Act
    let check = app.check(&situation).await;
    let (number, code) = app.submit(situation).await;
    let (_, case) = app.read_as(&township, &number).await;
    let (status, issued) = app
        .act(
            &township,
            &number,
            json!({"action": "issue", "version": case["version"]}),
        )
        .await;

    // Assert: the card and the ID cards, registered on the spot; no new card is signed.
    let codes: Vec<&str> = check["materials"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["code"].as_str())
        .collect();
    assert_eq!(
        codes,
        ["other_province_rebirth_card", "id_cards"],
        "{check}"
    );
    assert_eq!(check["processing"], "instant");
    assert_eq!(status, 200, "{issued}");
    let (_, mine) = app.track(&number, &code).await;
    assert_eq!(mine["state"], "issued");
    assert!(mine["certificate"].is_null(), "{mine}");
    assert_eq!(mine["recognised"], true);
    assert!(
        mine["timeline"].to_string().contains("予以认可并登记"),
        "{mine}"
    );
}

#[tokio::test]
async fn an_out_of_province_proof_whose_checks_cannot_finish_becomes_a_promise_case_004_3_3() {
    // Arrange: the couple's hukou is in 鄂城区; the window cannot reach every place today.
    let app = spawn_app_on(DAY).await;
    let village = app.login("demo-village").await;
    let ezhou = app.login("demo-ezhou").await;
    let situation = json!({"service": "marital_status_proof", "division": "500116001005",
        "date": DAY, "marriage": "remarried", "hukou": {"husband": "420704", "wife": "420704"}});
    let (number, code) = app.submit(situation).await;
    let (_, case) = app.read_as(&village, &number).await;

    // Act: deferred with a 协查 to 鄂城区, answered there, then issued by letter.
    let (status, deferred) = app
        .act(
            &village,
            &number,
            json!({"action": "defer_out_of_city_check", "version": case["version"],
            "reason": "男方曾在两地登记婚姻，需两地核查", "to": "420704"}),
        )
        .await;
    let (_, asked) = app.read_as(&ezhou, &number).await;
    let (answer_status, answered) = app
        .act(
            &ezhou,
            &number,
            json!({"action": "answer_verification", "version": deferred["version"],
            "id": 1, "answer": "经核查：再婚，婚内未生育"}),
        )
        .await;
    let (issue_status, issued) = app
        .act(&village, &number, json!({"action": "issue", "version": answered["version"],
            "out_of_city": {"method": "letter", "contact": "鄂城区卫生健康局（协查回函）", "result": "再婚，婚内未生育"}}))
        .await;

    // Assert
    assert_eq!(status, 200, "{deferred}");
    assert_eq!(deferred["processing"], "promise", "{deferred}");
    assert_eq!(deferred["deadlines"][0]["step"], "out_of_city_check");
    assert_eq!(asked["verifications"][0]["to"], "420704", "{asked}");
    assert_eq!(answer_status, 200, "{answered}");
    assert_eq!(issue_status, 200, "{issued}");
    let (_, mine) = app.track(&number, &code).await;
    assert_eq!(mine["state"], "issued");
    assert!(
        mine["timeline"].to_string().contains("转为承诺件"),
        "{mine}"
    );
}

#[tokio::test]
async fn the_first_office_accepts_for_an_office_outside_the_system_and_records_the_forwarding_000_2_2_3()
 {
    // Arrange: both registered in 河南 金水区 (410105), a month in 鄂城区.
    let app = spawn_app_on(DAY).await;
    let ezhou = app.login("demo-ezhou").await;
    let situation = json!({"service": "rebirth", "division": "420704", "date": DAY,
        "marriage": "first",
        "children": [{"born": "2012-05-01", "of": "joint", "disability": "none"},
                     {"born": "2016-05-01", "of": "joint", "disability": "non_hereditary_appraised"},
                     {"born": "2022-05-01", "of": "joint", "disability": "none"}],
        "hukou": {"husband": "410105", "wife": "410105"},
        "residence": {"division": "420704", "since": "2026-02-01"}});

    // Act
    let check = app.check(&situation).await;
    let (number, code) = app.submit(situation).await;
    let (_, case) = app.read_as(&ezhou, &number).await;
    let (status, sent) = app
        .act(
            &ezhou,
            &number,
            json!({"action": "forward_out", "version": case["version"],
            "via": "EMS 1234567890 寄金水区卫生健康委员会"}),
        )
        .await;

    // Assert: accepted with this province's list; the forwarding is on the case and the
    // applicant sees where the file went.
    assert_eq!(check["eligible"], true, "{check}");
    assert_eq!(check["deciding_division"], "410105");
    assert!(!check["materials"].as_array().unwrap().is_empty());
    assert_eq!(case["deadlines"][0]["step"], "forward", "{case}");
    assert!(
        case["available_actions"]
            .to_string()
            .contains("forward_out"),
        "{case}"
    );
    assert_eq!(status, 200, "{sent}");
    assert_eq!(sent["state"], "forwarded");
    let (_, mine) = app.track(&number, &code).await;
    assert_eq!(mine["state"], "forwarded");
    assert!(mine["timeline"].to_string().contains("410105"), "{mine}");
}

#[tokio::test]
async fn a_village_window_sends_honour_and_rebirth_to_a_township_window_or_online_004_4_2() {
    // Arrange: an honour certificate asked at 四牌坊社区 (a village-level window).
    let app = spawn_app_on(DAY).await;
    let village = app.login("demo-village").await;
    let township = app.login("demo-township").await;
    let honour = json!({"service": "only_child_honor", "division": "500116001005", "date": DAY,
        "marriage": "first", "children": [{"born": "2012-05-01", "of": "joint", "disability": "none"}]});
    let at_township = {
        let mut s = honour.clone();
        s["division"] = json!("500116001");
        s
    };
    let seen = materials(&app, &honour, true).await;
    let online = materials(&app, &honour, false).await;

    // Act
    let (village_status, village_answer) = post(
        &app,
        Some(&village),
        &body(&honour, "500116199203040025", seen.clone()),
    )
    .await;
    let (online_status, online_answer) =
        post(&app, None, &body(&honour, "500116199203040025", online)).await;
    let (township_status, township_answer) = post(
        &app,
        Some(&township),
        &body(&at_township, "500116199203040025", seen),
    )
    .await;

    // Assert
    assert_eq!(village_status, 422, "{village_answer}");
    assert!(
        village_answer.to_string().contains("township_window_only"),
        "{village_answer}"
    );
    assert_eq!(online_status, 201, "{online_answer}");
    assert_eq!(township_status, 201, "{township_answer}");
}
