//! Notifications end to end (issue 20): the messages a case's changes write into the outbox
//! with the change, sent by the dispatcher into the local outbox file
//! `<data>/notifications.jsonl` — exactly the expected ones, once each, through a crash.

use domain::case::Moment;
use functions::outbox::{LEASE_MS, dispatch_once};
use functions::ports::Notifier;
use serde_json::{Value, json};

use super::{DAY, ok, rebirth_cq};
use crate::helpers::{TestApp, spawn_app, spawn_app_on};

/// The lines of the local outbox file.
fn sent(app: &TestApp) -> Vec<Value> {
    std::fs::read_to_string(app.data_dir().join("notifications.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// One round of the dispatcher on the server's ports, at the server's time.
async fn dispatch(app: &TestApp) -> functions::outbox::Dispatched {
    let messages = app
        .state
        .messages
        .clone()
        .expect("the local server sends messages");
    dispatch_once(
        messages.outbox.as_ref(),
        messages.notifier.as_ref(),
        functions::ports::Clock::now(app.clock.as_ref()),
        "test",
    )
    .await
    .unwrap()
}

// Long: one case's path to delivery told in order, then every line of the outbox checked.
#[tokio::test]
async fn a_rebirth_case_from_submission_to_delivery_sends_exactly_the_expected_messages() {
    // Arrange
    let app = spawn_app_on(DAY).await;
    let village = app.login("demo-village").await;
    let township = app.login("demo-township").await;
    let county = app.login("demo-county").await;

    // Act: the case's whole path, the dispatcher running at the end of each day.
    let (number, code) = app.submit(rebirth_cq()).await;
    ok(&app, &village, &number, json!({"action": "pre_review"})).await;
    ok(
        &app,
        &township,
        &number,
        json!({"action": "township_opinion", "agree": true, "opinion": "经核实情况属实，同意"}),
    )
    .await;
    ok(&app, &county, &number, json!({"action": "approve"})).await;
    ok(&app, &county, &number, json!({"action": "issue"})).await;
    let first_day = dispatch(&app).await;
    app.set_day("2024-10-09");
    let village = app.login("demo-village").await;
    ok(
        &app,
        &village,
        &number,
        json!({"action": "deliver", "delivery": {"method": "pickup"}}),
    )
    .await;
    let second_day = dispatch(&app).await;
    let again = dispatch(&app).await;

    // Assert: one message per step the applicant must know of, in order, once.
    let lines = sent(&app);
    let kinds: Vec<&str> = lines.iter().map(|l| l["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        ["accepted", "opinion", "approved", "issued", "delivered"]
    );
    assert_eq!((first_day.sent, second_day.sent, again.sent), (4, 1, 0));
    for line in &lines {
        assert_eq!(line["channel"], "sms");
        assert_eq!(line["to"], "13800138000");
        assert_eq!(line["case"], number.as_str());
        assert_eq!(line["lang"], "zh");
        let text = line["text"].as_str().unwrap();
        assert!(text.chars().count() <= 70, "one SMS segment: {text}");
        assert!(!text.contains(&code), "never the access code: {text}");
        assert!(
            !text.contains("420704199001011231"),
            "never an ID number: {text}"
        );
        assert!(line["sent_at"].as_str().unwrap().ends_with('Z'));
    }
    assert!(lines[3]["text"].as_str().unwrap().contains("证号"));
    // The tracking page's log: every message, sent, to the masked phone.
    let (_, mine) = app.track(&number, &code).await;
    let log: Vec<(&str, &str, &str)> = mine["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["kind"].as_str().unwrap(),
                m["status"].as_str().unwrap(),
                m["to"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(log.len(), 5, "{mine}");
    assert!(
        log.iter()
            .all(|(_, status, to)| *status == "sent" && *to == "138****8000")
    );
    // The outbox records each as delivered to the provider, with the provider's id.
    let messages = app.state.messages.clone().unwrap();
    let log = messages.outbox.messages_of(&number).await.unwrap();
    assert_eq!(log.len(), 5);
    assert!(log.iter().all(|m| matches!(
        &m.state,
        functions::ports::SendState::Sent { provider_id, .. } if provider_id.starts_with("local:")
    )));
}

#[tokio::test]
async fn the_same_flow_sends_through_sns_and_ses_on_moto() {
    // Arrange: an applicant who chose e-mail, another with SMS; SNS and SES on moto.
    let moto = crate::helpers::start_moto().await;
    let aws = functions::adapters::notify::AwsNotifier::for_endpoint(
        &moto.endpoint,
        "notices@jisheng.example",
    )
    .await
    .unwrap();
    let app = spawn_app_on(DAY).await;
    let township = app.login("demo-township").await;
    let (by_sms, _) = app.submit(rebirth_cq()).await;
    let (by_mail, code) = app.submit(rebirth_cq()).await;
    let messages = app.state.messages.clone().unwrap();
    let mut record = app.state.store.get(&by_mail).await.unwrap().unwrap();
    record.applicant.notify = domain::notify::Preference {
        channel: Some(domain::notify::Channel::Email),
        email: Some("li.na@example.cn".into()),
        lang: domain::notify::Lang::En,
    };
    let version = record.case.version;
    app.state.store.update(&record, version, &[]).await.unwrap();

    // Act: the township gives its opinion on both; the dispatcher sends through SNS and SES.
    for number in [&by_sms, &by_mail] {
        ok(
            &app,
            &township,
            number,
            json!({"action": "township_opinion", "agree": true, "opinion": "情况属实，同意"}),
        )
        .await;
    }
    let now = functions::ports::Clock::now(app.clock.as_ref());
    let round = dispatch_once(messages.outbox.as_ref(), &aws, now, "aws")
        .await
        .unwrap();

    // Assert: four messages, each with the provider's id; the e-mail in English to the address.
    assert_eq!((round.sent, round.retrying, round.failed), (4, 0, 0));
    for number in [&by_sms, &by_mail] {
        for m in messages.outbox.messages_of(number).await.unwrap() {
            let functions::ports::SendState::Sent { provider_id, .. } = &m.state else {
                panic!("not sent: {m:?}");
            };
            assert!(!provider_id.is_empty() && !provider_id.starts_with("local:"));
        }
    }
    let (_, mine) = app.track(&by_mail, &code).await;
    let kinds: Vec<(&str, &str, &str)> = mine["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["kind"].as_str().unwrap(),
                m["channel"].as_str().unwrap(),
                m["to"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("accepted", "sms", "138****8000"),
            ("opinion", "email", "l***@example.cn")
        ]
    );
}

#[tokio::test]
async fn a_crash_between_the_change_and_the_send_loses_nothing_and_duplicates_nothing() {
    // Arrange: a submission is written with its message; the dispatcher is not running.
    let app = spawn_app_on(DAY).await;
    let (number, _) = app.submit(rebirth_cq()).await;
    let messages = app.state.messages.clone().unwrap();
    let now = functions::ports::Clock::now(app.clock.as_ref());
    let pending = messages.outbox.due_messages(now, 10).await.unwrap();
    assert_eq!(pending.len(), 1, "written with the case");

    // Act 1: a dispatcher claims the message and dies before sending it.
    assert!(
        messages
            .outbox
            .claim(&pending[0].id, "crashed", Moment(now.0 + LEASE_MS), now)
            .await
            .unwrap()
    );
    let while_held = dispatch(&app).await;

    // Assert 1: nobody else sends it while the claim holds.
    assert_eq!((while_held.sent, while_held.taken), (0, 0));
    assert!(sent(&app).is_empty());

    // Act 2: the claim runs out; another dispatcher takes over, twice.
    app.clock.set(Moment(now.0 + LEASE_MS + 1));
    let after = dispatch(&app).await;
    let later = dispatch(&app).await;

    // Assert 2: sent exactly once.
    assert_eq!((after.sent, later.sent), (1, 0));
    let lines = sent(&app);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["case"], number.as_str());
    assert_eq!(lines[0]["kind"], "accepted");
}

/// A provider that refuses everything.
struct Down;

#[async_trait::async_trait]
impl Notifier for Down {
    async fn send(
        &self,
        _: domain::notify::Channel,
        _: &str,
        _: &domain::notify::Message,
        _: Moment,
    ) -> Result<String, functions::ports::NotifyError> {
        Err(functions::ports::NotifyError::Refused("throttled".into()))
    }
}

#[tokio::test]
async fn a_provider_that_fails_changes_nothing_on_the_case_and_the_message_is_retried() {
    // Arrange
    let app = spawn_app_on(DAY).await;
    let (number, _) = app.submit(rebirth_cq()).await;
    let messages = app.state.messages.clone().unwrap();
    let now = functions::ports::Clock::now(app.clock.as_ref());

    // Act: the provider is down, then back after the backoff.
    let failed = dispatch_once(messages.outbox.as_ref(), &Down, now, "test")
        .await
        .unwrap();
    let village = app.login("demo-village").await;
    ok(&app, &village, &number, json!({"action": "pre_review"})).await;
    let too_soon = dispatch(&app).await;
    app.clock
        .set(Moment(now.0 + functions::outbox::backoff_ms(1) + 1));
    let retried = dispatch(&app).await;

    // Assert: the case moved on regardless; the message waited, then went once.
    assert_eq!((failed.sent, failed.retrying), (0, 1));
    assert_eq!(too_soon.sent, 0);
    assert_eq!(retried.sent, 1);
    let kinds: Vec<String> = sent(&app)
        .iter()
        .map(|l| l["kind"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(kinds, ["accepted"]);
}

#[tokio::test]
async fn the_applicant_switches_to_email_on_the_tracking_page_and_the_next_message_follows() {
    // Arrange
    let app = spawn_app_on(DAY).await;
    let (number, code) = app.submit(rebirth_cq()).await;
    dispatch(&app).await;
    let change = |body: Value, code: &str| {
        app.client
            .post(app.url(&format!("/api/cases/{number}/notify")))
            .header("x-access-code", code.to_string())
            .json(&body)
            .send()
    };
    let township = app.login("demo-township").await;

    // Act
    let bad = change(
        json!({"channel": "email", "email": "not an address"}),
        &code,
    )
    .await
    .unwrap();
    let wrong_code = change(json!({"channel": null}), "WRONGCODE1")
        .await
        .unwrap();
    let staff = app
        .client
        .post(app.url(&format!("/api/cases/{number}/notify")))
        .bearer_auth(&township)
        .json(&json!({"channel": null}))
        .send()
        .await
        .unwrap();
    let good = change(
        json!({"channel": "email", "email": "li.na@example.cn", "lang": "en"}),
        &code,
    )
    .await
    .unwrap();
    let good_status = good.status().as_u16();
    let view: Value = good.json().await.unwrap();
    ok(
        &app,
        &township,
        &number,
        json!({"action": "township_opinion", "agree": true, "opinion": "情况属实，同意"}),
    )
    .await;
    dispatch(&app).await;

    // Assert: a precise refusal, nothing for a wrong code or staff; the choice kept, audited,
    // and the next message in English by e-mail.
    assert_eq!(bad.status(), 400);
    assert_eq!(wrong_code.status(), 404);
    assert_eq!(staff.status(), 403);
    assert_eq!(good_status, 200, "{view}");
    assert_eq!(view["notify"]["channel"], "email");
    assert!(
        view["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "notify_changed")
    );
    let lines = sent(&app);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(
        (lines[0]["channel"].as_str(), lines[0]["kind"].as_str()),
        (Some("sms"), Some("accepted"))
    );
    assert_eq!(lines[1]["channel"], "email");
    assert_eq!(lines[1]["to"], "li.na@example.cn");
    assert_eq!(lines[1]["lang"], "en");
    assert!(
        lines[1]["text"]
            .as_str()
            .unwrap()
            .contains("township agreed")
    );
}

#[tokio::test]
async fn a_message_given_up_after_every_retry_is_on_the_supervision_dashboard() {
    // Arrange: the provider stays down.
    let app = spawn_app_on(DAY).await;
    let (number, _) = app.submit(rebirth_cq()).await;
    let messages = app.state.messages.clone().unwrap();
    let mut now = functions::ports::Clock::now(app.clock.as_ref());

    // Act: the dispatcher tries until it gives up, each time after the backoff.
    let mut failed = 0;
    for attempt in 1..=functions::outbox::MAX_ATTEMPTS {
        let round = dispatch_once(messages.outbox.as_ref(), &Down, now, "test")
            .await
            .unwrap();
        failed += round.failed;
        now = Moment(now.0 + functions::outbox::backoff_ms(attempt) + 1);
    }
    let supervisor = app.login("demo-supervisor").await;
    let (status, summary) = app.get_as(&supervisor, "/api/supervision/summary").await;

    // Assert
    assert_eq!(failed, 1);
    assert_eq!(status, 200);
    let listed = summary["failed_messages"].as_array().unwrap();
    assert_eq!(listed.len(), 1, "{summary}");
    assert_eq!(listed[0]["number"], number.as_str());
    assert_eq!(listed[0]["kind"], "accepted");
    assert_eq!(listed[0]["attempts"], functions::outbox::MAX_ATTEMPTS);
}

#[tokio::test]
async fn on_the_real_date_an_acceptance_is_sent_once_with_its_due_date() {
    // Arrange: today, by the machine's clock (the pinned-date lesson of the first release).
    let app = spawn_app().await;
    let today = functions::ports::Clock::now(app.clock.as_ref()).date();
    let mut situation = rebirth_cq();
    situation["date"] = json!(today.to_string());

    // Act
    let (number, _) = app.submit(situation).await;
    let first = dispatch(&app).await;
    let again = dispatch(&app).await;

    // Assert: one acceptance, naming the case and a due date after today, in one SMS.
    assert_eq!((first.sent, again.sent), (1, 0));
    let lines = sent(&app);
    assert_eq!(lines.len(), 1);
    let text = lines[0]["text"].as_str().unwrap();
    assert!(text.contains(&number), "{text}");
    assert!(text.contains("前办结"), "{text}");
    assert!(text.chars().count() <= 70, "{text}");
}
