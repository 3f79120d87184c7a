//! Issue 16 end to end: the calendar never refuses, a year's notice loads at run time and every
//! open case it concerns is recounted (audited), the deemed issue waits for the latest day a
//! provisional last day could fall on, and one application per service goes through on the
//! machine's real date — no clock pinned.

use domain::calendar::{Due, HolidayNotice, TimeLimit};
use domain::{Calendar, Date};
use functions::ports::{Clock, StoredNotice, SystemClock};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, spawn_app_on, spawn_app_on_dynamodb, start_moto};

/// The first year after the built-in holiday data (computed, so these tests move on with it).
fn first_unconfirmed_year() -> i32 {
    Calendar::builtin().confirmed_through().unwrap() + 1
}

/// 20 September of `year`: 20 working days from it run through 国庆.
fn september(year: i32) -> String {
    format!("{year}-09-20")
}

/// A 江津 re-birth application: first marriage, two children, one 病残儿 with its appraisal.
fn rebirth_cq(day: &str) -> Value {
    json!({"service": "rebirth", "division": "500116001005", "date": day, "marriage": "first",
           "children": [{"born": "2012-05-01", "of": "joint", "disability": "none"},
                        {"born": "2016-05-01", "of": "joint", "disability": "non_hereditary_appraised"}]})
}

fn rebirth_hb(day: &str) -> Value {
    json!({"service": "rebirth", "division": "420704001", "date": day, "marriage": "first",
           "children": [{"born": "2012-05-01", "of": "joint", "disability": "none"},
                        {"born": "2016-05-01", "of": "joint", "disability": "non_hereditary_appraised"}]})
}

fn notice_json(notice: &HolidayNotice) -> Value {
    serde_json::to_value(notice).unwrap()
}

async fn get(app: &TestApp, path: &str) -> (u16, Value) {
    let res = app.client.get(app.url(path)).send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

fn actions(case: &Value) -> Vec<String> {
    case["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The calendar never refuses

#[tokio::test]
async fn the_deadline_api_answers_every_year_to_2035_exact_or_provisional() {
    // Arrange
    let app = spawn_app().await;
    let through = Calendar::builtin().confirmed_through().unwrap();
    let mut checked = 0;

    for year in 2016..=2035 {
        for (division, service) in [
            ("500116", "rebirth"),
            ("420704", "rebirth"),
            ("220102", "rebirth"),
            ("500116001005", "birth_service"),
            ("500116001", "only_child_honor"),
            ("500116001005", "marital_status_proof"),
        ] {
            // Act: a day late in the year, so the count may cross into the next.
            let from = format!("{year}-12-20");
            let (status, body) = get(
                &app,
                &format!("/api/deadline?division={division}&service={service}&from={from}"),
            )
            .await;
            // Chongqing's rules are 004's, from 2019-12-31: before, the rules refuse, not the
            // calendar.
            if division.starts_with("50") && year < 2020 {
                assert_eq!(
                    (status, body["code"].as_str()),
                    (422, Some("date_before_rules")),
                    "{division} {service} {from}: {body}"
                );
                continue;
            }

            // Assert: never 422 for a missing year; provisional exactly when it rests on one.
            assert_eq!(status, 200, "{division} {service} {from}: {body}");
            let crosses = Date::parse(body["due"].as_str().unwrap()).unwrap().year() > through;
            let instant = body["steps"][0]["value"] == 0;
            assert_eq!(
                body["provisional"] == true,
                crosses && !instant,
                "{division} {service} {from}: {body}"
            );
            checked += 1;
        }
        let (status, one) = get(
            &app,
            &format!("/api/deadline?from={year}-06-01&unit=working_days&value=20"),
        )
        .await;
        assert_eq!(status, 200, "{one}");
        assert_eq!(one["provisional"] == true, year > through, "{year}: {one}");
    }
    // Every year for Hubei and Jilin; Chongqing's four from 2020.
    assert_eq!(checked, 20 * 2 + 16 * 4);
}

#[tokio::test]
async fn health_reports_the_confirmed_range_and_warns_sixty_days_ahead() {
    let through = Calendar::builtin().confirmed_through().unwrap();
    let quiet = spawn_app_on(&format!("{through}-10-31")).await;
    let (_, body) = get(&quiet, "/api/health").await;
    assert_eq!(body["calendar"]["confirmed_through"], through);
    assert_eq!(
        body["calendar"]["provisional_from"],
        format!("{}-01-01", through + 1)
    );
    assert!(body["calendar"]["warning"].is_null(), "{body}");

    quiet.set_day(&format!("{through}-11-01"));
    let (_, body) = get(&quiet, "/api/health").await;
    let warning = &body["calendar"]["warning"];
    assert_eq!(warning["year"], through + 1);
    assert!(
        warning["text"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{}年放假安排尚未导入", through + 1)),
        "{warning}"
    );

    // Supervisors see it on their dashboard's summary.
    let supervisor = quiet.login("demo-supervisor").await;
    let (status, summary) = quiet.get_as(&supervisor, "/api/supervision/summary").await;
    assert_eq!(status, 200, "{summary}");
    assert_eq!(
        summary["calendar"]["warning"]["year"],
        through + 1,
        "{summary}"
    );

    // The sweep logs the warning once a day: its daily counter says how often it ran.
    functions::sweep::run(&quiet.state).await.unwrap();
    functions::sweep::run(&quiet.state).await.unwrap();
    let today = quiet.clock.now().date();
    let day_end = domain::case::Moment::start_of(today.succ().unwrap()).0 / 1000;
    let runs = quiet
        .state
        .store
        .count_request(&format!("calendar_warning#{today}"), day_end)
        .await
        .unwrap();
    assert_eq!(runs, 3, "two sweeps (the first logged it) and this count");
}

#[tokio::test]
async fn a_third_child_is_registered_under_the_2021_law_and_refused_before_it() {
    let app = spawn_app().await;
    let situation = |date: &str| {
        json!({"service": "birth_service", "division": "500116001005", "date": date, "marriage": "first",
               "children": [{"born": "2018-01-01", "of": "joint", "disability": "none"},
                            {"born": "2020-01-01", "of": "joint", "disability": "none"}]})
    };

    let after = app.check(&situation("2026-03-02")).await;
    let before = app.check(&situation("2021-03-01")).await;

    assert_eq!(after["eligible"], true, "{after}");
    let reason = |a: &Value, code: &str| {
        a["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["code"] == code)
            .cloned()
            .unwrap_or_else(|| panic!("no {code} in {a}"))
    };
    assert!(
        reason(&after, "third_child")["source"]
            .as_str()
            .unwrap()
            .starts_with(domain::policy::rules::LAW_2021)
    );
    assert_eq!(before["eligible"], false, "{before}");
    assert_eq!(
        reason(&before, "two_children_limit")["source"],
        domain::policy::rules::LAW_2015
    );
}

// ---------------------------------------------------------------------------------------------
// Loading a notice recounts open cases (both stores)

async fn loading_a_year_recounts_its_open_cases(app: &TestApp) {
    // Arrange: a 江津 re-birth case accepted in a year without a notice.
    let year = first_unconfirmed_year();
    let (number, code) = app.submit(rebirth_cq(&september(year))).await;
    let (_, before) = app.track(&number, &code).await;
    let provisional_due = before["deadlines"][0]["due"].as_str().unwrap().to_string();
    assert_eq!(before["deadlines"][0]["provisional"], true, "{before}");
    let admin = app.login("demo-admin").await;
    let notice = HolidayNotice::sample(year).unwrap();

    // Act
    let (status, loaded) = app
        .post_as(&admin, "/api/admin/calendar", &notice_json(&notice))
        .await;

    // Assert: loaded, the case recounted on the notice, the change in its timeline.
    assert_eq!(status, 201, "{loaded}");
    assert_eq!(loaded["outcome"], "loaded");
    assert_eq!(loaded["report"]["recomputed"], 1, "{loaded}");
    let (_, after) = app.track(&number, &code).await;
    assert!(
        after["deadlines"][0].get("provisional").is_none(),
        "{after}"
    );
    assert_ne!(after["deadlines"][0]["due"], provisional_due.as_str());
    assert!(actions(&after).contains(&"recompute_deadlines".to_string()));
    let event = after["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "recompute_deadlines")
        .unwrap();
    assert!(
        event["details"][0]
            .as_str()
            .unwrap()
            .contains(&notice.title),
        "{event}"
    );
    let (_, calendar) = get(app, "/api/calendar").await;
    assert_eq!(calendar["loaded"][0]["year"], year);
    assert!(
        calendar["years"]
            .as_array()
            .unwrap()
            .iter()
            .any(|y| y["year"] == year && y["origin"] == "loaded")
    );

    // The same notice again changes nothing; a corrected one replaces it.
    let (status, again) = app
        .post_as(&admin, "/api/admin/calendar", &notice_json(&notice))
        .await;
    assert_eq!(
        (status, again["outcome"].as_str()),
        (200, Some("unchanged"))
    );
    let mut corrected = notice.clone();
    corrected.document_number = "测试更正".into();
    let (status, replaced) = app
        .post_as(&admin, "/api/admin/calendar", &notice_json(&corrected))
        .await;
    assert_eq!(status, 201, "{replaced}");
    assert_eq!(replaced["outcome"], "replaced");
    let stored = app.state.store.holiday_notices().await.unwrap();
    assert_eq!(stored[0].replaced, [notice]);
}

#[tokio::test]
async fn loading_a_year_recounts_its_open_cases_on_the_embedded_store() {
    let app = spawn_app_on(&september(first_unconfirmed_year())).await;
    loading_a_year_recounts_its_open_cases(&app).await;
}

#[tokio::test]
async fn loading_a_year_recounts_its_open_cases_on_dynamodb() {
    let moto = start_moto().await;
    let app = spawn_app_on_dynamodb(
        &moto.endpoint,
        "calendar-load",
        &september(first_unconfirmed_year()),
    )
    .await;
    loading_a_year_recounts_its_open_cases(&app).await;
}

#[tokio::test]
async fn the_year_after_is_provisional_too_until_its_own_notice_is_loaded() {
    // Arrange: the year after the first unconfirmed one, with the first one loaded.
    let year = first_unconfirmed_year() + 1;
    let app = spawn_app_on(&september(year)).await;
    let admin = app.login("demo-admin").await;
    let (status, _) = app
        .post_as(
            &admin,
            "/api/admin/calendar",
            &notice_json(&HolidayNotice::sample(year - 1).unwrap()),
        )
        .await;
    assert_eq!(status, 201);
    let (number, code) = app.submit(rebirth_cq(&september(year))).await;
    let (_, before) = app.track(&number, &code).await;
    assert_eq!(before["deadlines"][0]["provisional"], true, "{before}");

    // Act
    let (_, loaded) = app
        .post_as(
            &admin,
            "/api/admin/calendar",
            &notice_json(&HolidayNotice::sample(year).unwrap()),
        )
        .await;

    // Assert
    assert_eq!(loaded["report"]["recomputed"], 1, "{loaded}");
    let (_, after) = app.track(&number, &code).await;
    assert!(
        after["deadlines"][0].get("provisional").is_none(),
        "{after}"
    );
    assert!(actions(&after).contains(&"recompute_deadlines".to_string()));
}

#[tokio::test]
async fn a_bad_notice_is_refused_with_every_problem_and_loads_nothing() {
    let app = spawn_app_on("2026-12-04").await;
    let admin = app.login("demo-admin").await;
    let mut bad = notice_json(&HolidayNotice::sample(2027).unwrap());
    // 春节 without 除夕 and 初一, a weekday "make-up" day.
    let rest = bad["rest"].as_array_mut().unwrap();
    let spring = rest.iter_mut().find(|s| s["name"] == "春节").unwrap();
    spring["from"] = json!("2027-02-07");
    bad["workdays"] = json!(["2027-03-03"]);

    let (status, problem) = app.post_as(&admin, "/api/admin/calendar", &bad).await;
    let (malformed_status, malformed) = app
        .post_as(
            &admin,
            "/api/admin/calendar",
            &json!({"year": "soon", "rest": 1}),
        )
        .await;

    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["code"], "invalid_notice");
    let messages: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    assert!(
        messages.iter().any(|m| m.contains("春节2027-02-05")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("春节2027-02-06")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("不是周末")),
        "{messages:?}"
    );
    assert_eq!(malformed_status, 400, "{malformed}");
    assert!(
        malformed["errors"].as_array().unwrap().len() >= 5,
        "{malformed}"
    );
    assert!(app.state.store.holiday_notices().await.unwrap().is_empty());
}

#[tokio::test]
async fn only_an_administrator_loads_a_notice_and_anyone_reads_the_calendar() {
    // Every role (demo accounts) and no one; the calendar's GET is public.
    let app = spawn_app_on("2026-12-04").await;
    let body = notice_json(&HolidayNotice::sample(2027).unwrap());
    let mut checked = 0;
    for who in [
        "demo-village",
        "demo-township",
        "demo-county",
        "demo-supervisor",
        "demo-ezhou",
        "anonymous",
        "demo-admin",
    ] {
        let mut post = app.client.post(app.url("/api/admin/calendar")).json(&body);
        let mut read = app.client.get(app.url("/api/calendar"));
        if who != "anonymous" {
            let token = app.login(who).await;
            post = post.bearer_auth(&token);
            read = read.bearer_auth(&token);
        }
        let status = post.send().await.unwrap().status().as_u16();
        let expected = match who {
            "anonymous" => 401,
            "demo-admin" => 201,
            _ => 403,
        };
        assert_eq!(status, expected, "{who}");
        assert_eq!(read.send().await.unwrap().status(), 200, "{who}");
        if who != "demo-admin" {
            assert!(app.state.store.holiday_notices().await.unwrap().is_empty());
        }
        checked += 1;
    }
    assert_eq!(checked, 7);
}

// ---------------------------------------------------------------------------------------------
// The sweep

#[tokio::test]
async fn the_sweep_deems_a_provisional_hubei_case_only_after_the_latest_possible_day() {
    // Arrange: a Hubei re-birth case whose 30 days end in a year without a notice.
    let year = first_unconfirmed_year();
    let app = spawn_app_on(&september(year)).await;
    let (number, code) = app.submit(rebirth_hb(&september(year))).await;
    let (_, case) = app.track(&number, &code).await;
    let last = case["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| Date::parse(d["due"].as_str().unwrap()).unwrap())
        .max()
        .unwrap();
    let latest = Calendar::latest_possible(
        Due {
            date: last,
            provisional: true,
        },
        TimeLimit::days(20),
    );
    assert!(latest > last);

    // Act / Assert: the day after the provisional last day, nothing; after the latest, issued.
    app.set_day(&last.succ().unwrap().to_string());
    let report = functions::sweep::run(&app.state).await.unwrap();
    assert_eq!(report.deemed_issues, 0, "{report:?}");
    app.set_day(&latest.to_string());
    functions::sweep::run(&app.state).await.unwrap();
    assert_eq!(app.track(&number, &code).await.1["state"], "submitted");
    app.set_day(&latest.succ().unwrap().to_string());
    let report = functions::sweep::run(&app.state).await.unwrap();
    assert_eq!(report.deemed_issues, 1, "{report:?}");
    let (_, issued) = app.track(&number, &code).await;
    assert_eq!(issued["state"], "issued");

    // A notice loaded later records the true last day; the issue is not re-dated.
    let admin = app.login("demo-admin").await;
    let (_, loaded) = app
        .post_as(
            &admin,
            "/api/admin/calendar",
            &notice_json(&HolidayNotice::sample(year).unwrap()),
        )
        .await;
    assert_eq!(loaded["report"]["recomputed"], 1, "{loaded}");
    let (_, after) = app.track(&number, &code).await;
    assert_eq!(after["state"], "issued");
    assert_eq!(after["decided_on"], issued["decided_on"]);
    let last_event = after["timeline"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last_event["action"], "recompute_deadlines");
    assert!(
        last_event.to_string().contains("发证日期不变"),
        "{last_event}"
    );
}

#[tokio::test]
async fn the_sweep_recounts_cases_a_function_counted_before_the_notice_arrived() {
    // Arrange: a provisional case, then a notice stored without its recount (as when another
    // instance counted on the old calendar while the notice was being loaded).
    let year = first_unconfirmed_year();
    let app = spawn_app_on(&september(year)).await;
    let (number, code) = app.submit(rebirth_cq(&september(year))).await;
    app.state
        .store
        .put_holiday_notice(&StoredNotice {
            notice: HolidayNotice::sample(year).unwrap(),
            loaded_by: "test".into(),
            loaded_at: app.clock.now(),
            replaced: vec![],
        })
        .await
        .unwrap();

    // Act
    let report = functions::sweep::run(&app.state).await.unwrap();

    // Assert
    assert_eq!(report.recomputed, 1, "{report:?}");
    let (_, case) = app.track(&number, &code).await;
    assert!(case["deadlines"][0].get("provisional").is_none(), "{case}");
    assert_eq!(
        functions::sweep::run(&app.state).await.unwrap().recomputed,
        0
    );
}

// ---------------------------------------------------------------------------------------------
// The real date: one application per service, no clock pinned

#[tokio::test]
async fn one_application_per_service_is_accepted_on_the_real_date() {
    // Arrange: the server on the machine's clock.
    let app = spawn_app().await;
    let today = SystemClock.now().date();
    let day = today.to_string();
    let village = app.login("demo-village").await;
    let situations = [
        json!({"service": "birth_service", "division": "500116001005", "date": day, "marriage": "first"}),
        rebirth_cq(&day),
        json!({"service": "only_child_honor", "division": "500116001005", "date": day, "marriage": "first",
               "children": [{"born": "2012-05-01", "of": "joint", "disability": "none"}]}),
        json!({"service": "marital_status_proof", "division": "500116001005", "date": day, "marriage": "first"}),
    ];

    for situation in situations {
        // Act
        let service = situation["service"].as_str().unwrap().to_string();
        let (number, code) = app.submit(situation).await;
        let (status, case) = app.track(&number, &code).await;

        // Assert: accepted with its due dates; provisional exactly when they rest on a year
        // whose notice is not built in.
        assert_eq!(status, 200, "{service}: {case}");
        assert_eq!(case["state"], "submitted", "{service}");
        let step = &case["deadlines"][0];
        let limit: TimeLimit = serde_json::from_value(step["limit"].clone()).unwrap();
        let expected = Calendar::builtin().due(today, limit).unwrap();
        assert_eq!(step["due"], expected.date.to_string(), "{service}: {case}");
        assert_eq!(
            step["provisional"] == true,
            expected.provisional,
            "{service}"
        );
        if limit.value == 0 {
            // Instant items are issued on the spot by the window.
            let (_, read) = app.read_as(&village, &number).await;
            let (status, issued) = app
                .act(
                    &village,
                    &number,
                    json!({"action": "issue", "version": read["version"]}),
                )
                .await;
            assert_eq!(status, 200, "{service}: {issued}");
            assert_eq!(issued["state"], "issued");
        }
    }
}
