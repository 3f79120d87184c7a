//! The Lambda path for real: the `eligibility` binary runs `lambda_http::run` against a
//! stand-in Lambda Runtime API on 127.0.0.1, which hands it API Gateway HTTP API (v2) events
//! and records what it answers.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::VecDeque;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use serde_json::{Value, json};
use tokio::sync::mpsc;

mod common;

#[derive(Clone)]
struct Runtime {
    events: Arc<Mutex<VecDeque<(String, Value)>>>,
    answers: mpsc::UnboundedSender<(String, Value)>,
}

async fn next(State(rt): State<Runtime>) -> impl IntoResponse {
    let event = rt.events.lock().unwrap().pop_front();
    let Some((id, event)) = event else {
        // No more work: a real runtime keeps the request open until an event arrives.
        std::future::pending::<()>().await;
        unreachable!()
    };
    let mut headers = HeaderMap::new();
    headers.insert("lambda-runtime-aws-request-id", id.parse().unwrap());
    headers.insert(
        "lambda-runtime-deadline-ms",
        "4102444800000".parse().unwrap(),
    );
    headers.insert(
        "lambda-runtime-invoked-function-arn",
        "arn:aws:lambda:us-east-1:000000000000:function:eligibility"
            .parse()
            .unwrap(),
    );
    headers.insert(
        "lambda-runtime-trace-id",
        "Root=1-00000000-000000000000000000000000".parse().unwrap(),
    );
    (headers, event.to_string())
}

async fn respond(State(rt): State<Runtime>, Path(id): Path<String>, body: String) -> &'static str {
    let _ = rt.answers.send((
        id,
        serde_json::from_str(&body).unwrap_or(json!({"raw": body})),
    ));
    "{}"
}

async fn error(State(rt): State<Runtime>, body: String) -> &'static str {
    let _ = rt.answers.send(("error".into(), json!({"error": body})));
    "{}"
}

/// An API Gateway HTTP API (payload 2.0) event.
fn http_event(method: &str, path: &str, body: Option<&str>) -> Value {
    http_event_with_query(method, path, "", body)
}

fn http_event_with_query(method: &str, path: &str, query: &str, body: Option<&str>) -> Value {
    json!({
        "version": "2.0", "routeKey": format!("{method} {path}"), "rawPath": path, "rawQueryString": query,
        "headers": {"content-type": "application/json", "host": "api.example"},
        "requestContext": {
            "accountId": "000000000000", "apiId": "api", "domainName": "api.example", "domainPrefix": "api",
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": "test"},
            "requestId": "r", "routeKey": format!("{method} {path}"), "stage": "$default",
            "time": "24/Nov/2026:00:00:00 +0000", "timeEpoch": 1_795_000_000_000_i64
        },
        "body": body, "isBase64Encoded": false
    })
}

/// The stand-in Runtime API with `events` queued; answers its address and what comes back.
async fn start_runtime(
    events: VecDeque<(String, Value)>,
) -> (
    std::net::SocketAddr,
    mpsc::UnboundedReceiver<(String, Value)>,
) {
    let (tx, rx) = mpsc::unbounded_channel();
    let rt = Runtime {
        events: Arc::new(Mutex::new(events)),
        answers: tx,
    };
    let app = Router::new()
        .route("/2018-06-01/runtime/invocation/next", get(next))
        .route(
            "/2018-06-01/runtime/invocation/{id}/response",
            post(respond),
        )
        .route("/2018-06-01/runtime/invocation/{id}/error", post(error))
        .route("/2018-06-01/runtime/init/error", post(error))
        .with_state(rt);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (addr, rx)
}

/// The function binary with the environment Lambda gives it.
fn lambda_command(program: &str, runtime: std::net::SocketAddr) -> Command {
    let mut cmd = Command::new(program);
    cmd.env("AWS_LAMBDA_RUNTIME_API", runtime.to_string())
        .env("AWS_LAMBDA_FUNCTION_NAME", "function")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "test")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", "test")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_eligibility_lambda_answers_api_gateway_events() {
    use functions::adapters::store::dynamodb::DynamoStore;
    use functions::ports::{CaseStore, StoredNotice};

    // Arrange: the table with the 2028 notice loaded (2027 left without one), and a runtime
    // API with four events queued.
    let moto = common::start_moto().await;
    let store = DynamoStore::new(
        common::dynamo_client(&moto.endpoint),
        "jisheng-eligibility",
        functions::sealed::Sealer::unkeyed(),
    );
    store.create_table().await.unwrap();
    store
        .put_holiday_notice(&StoredNotice {
            notice: domain::calendar::HolidayNotice::sample(2028).unwrap(),
            loaded_by: "test".into(),
            loaded_at: domain::case::Moment(0),
            replaced: vec![],
        })
        .await
        .unwrap();
    let request = json!({"service": "birth_service", "division": "500116001005", "date": "2026-03-02", "marriage": "first"});
    let deadline = |from: &str| {
        http_event_with_query(
            "GET",
            "/api/deadline",
            &format!("from={from}&unit=working_days&value=20"),
            None,
        )
    };
    let events = VecDeque::from([
        (
            "req-1".to_string(),
            http_event("POST", "/api/eligibility", Some(&request.to_string())),
        ),
        (
            "req-2".to_string(),
            http_event("POST", "/api/eligibility", Some("{\"service\":")),
        ),
        ("req-3".to_string(), deadline("2027-03-01")),
        ("req-4".to_string(), deadline("2028-03-01")),
    ]);
    let (addr, mut rx) = start_runtime(events).await;

    // Act: start the function as Lambda would, configured as the SAM template configures it.
    let mut child = lambda_command(env!("CARGO_BIN_EXE_eligibility"), addr)
        .env("JISHENG_TABLE", "jisheng-eligibility")
        .env("AWS_ENDPOINT_URL", &moto.endpoint)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .spawn()
        .unwrap();
    let mut answers = Vec::new();
    for _ in 0..4 {
        let answer = tokio::time::timeout(Duration::from_secs(30), rx.recv()).await;
        answers.push(answer.expect("the function answered in time").unwrap());
    }
    let _ = child.kill();
    let _ = child.wait();

    // Assert: API Gateway v2 responses with the handler's status and body.
    let (id, ok) = &answers[0];
    assert_eq!(id, "req-1");
    assert_eq!(ok["statusCode"], 200, "{ok}");
    let body: Value = serde_json::from_str(ok["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["eligible"], true);
    assert_eq!(body["processing"], "instant");
    assert_eq!(body["deciding_division"], "500116001005");
    let (id, bad) = &answers[1];
    assert_eq!(id, "req-2");
    assert_eq!(bad["statusCode"], 400, "{bad}");
    assert!(bad["body"].as_str().unwrap().contains("malformed_json"));
    // 2027 has no notice: provisional; 2028's, read from the table, makes it exact.
    let body = |i: usize| -> Value {
        assert_eq!(answers[i].1["statusCode"], 200, "{}", answers[i].1);
        serde_json::from_str(answers[i].1["body"].as_str().unwrap()).unwrap()
    };
    assert_eq!(body(2)["provisional"], true, "{}", body(2));
    assert!(body(3).get("provisional").is_none(), "{}", body(3));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sweep_lambda_deems_an_overdue_hubei_case_issued_on_a_scheduled_event() {
    use std::sync::Arc as StdArc;

    use domain::case::{Case, Moment};
    use domain::contract::EligibilityRequest;
    use domain::{Calendar, Date, IdNumber};
    use functions::adapters::store::dynamodb::DynamoStore;
    use functions::ports::{Applicant, CaseRecord, CaseStore};

    // Arrange: a Hubei re-birth case accepted on 2026-03-02 that nobody decided, in DynamoDB.
    let moto = common::start_moto().await;
    // Sealed as the sweep will open it: under the deployment's KMS data key (SealKey in the
    // template), which this test generates first and the function decrypts at its cold start.
    let kms = common::kms_client(&moto.endpoint);
    let key_id = kms
        .create_key()
        .send()
        .await
        .unwrap()
        .key_metadata()
        .unwrap()
        .key_id()
        .to_string();
    DynamoStore::new(
        common::dynamo_client(&moto.endpoint),
        "jisheng-sweep",
        functions::sealed::Sealer::unkeyed(),
    )
    .create_table()
    .await
    .unwrap();
    let root = functions::adapters::envelope::data_key(
        &kms,
        &common::dynamo_client(&moto.endpoint),
        "jisheng-sweep",
        &key_id,
    )
    .await
    .unwrap();
    let store = StdArc::new(DynamoStore::new(
        common::dynamo_client(&moto.endpoint),
        "jisheng-sweep",
        functions::sealed::Sealer::from_secret(&root, functions::sealed::CASE_RECORDS),
    ));
    let situation = EligibilityRequest::from_json(&json!({
        "service": "rebirth", "division": "420704001", "date": "2026-03-02", "marriage": "first",
        "children": [{"born": "2012-05-01", "of": "joint", "disability": "none"},
                     {"born": "2016-05-01", "of": "joint", "disability": "non_hereditary_appraised"}]
    }))
    .unwrap();
    let answer = domain::policy::check(&situation).unwrap();
    let accepted = Moment(Moment::start_of(Date::parse("2026-03-02").unwrap()).0 + 36_000_000);
    let (case, events) = Case::open(
        "JS20260302-SWEEP1".into(),
        situation,
        &answer,
        domain::roles::Actor::Applicant,
        accepted,
        Calendar::builtin(),
    )
    .unwrap();
    let record = CaseRecord {
        case,
        applicant: Applicant {
            name: "赵先生".into(),
            id_number: IdNumber::parse("420704199001011231").unwrap(),
            spouse_name: None,
            spouse_id_number: None,
            phone: "13800138000".into(),
            delivery: None,
            commitment: None,
            notify: Default::default(),
        },
        materials: vec![],
        access_code_hash: String::new(),
        id_hashes: vec![],
        created_at: accepted,
    };
    store.create(&record, &events, None).await.unwrap();
    let scheduled = json!({
        "version": "0", "id": "e-1", "detail-type": "Scheduled Event", "source": "aws.events",
        "account": "000000000000", "time": "2026-11-24T00:00:00Z", "region": "us-east-1",
        "resources": ["arn:aws:events:us-east-1:000000000000:rule/sweep"], "detail": {}
    });
    let (addr, mut rx) = start_runtime(VecDeque::from([("sweep-1".to_string(), scheduled)])).await;

    // Act: the sweep binary, configured as the SAM template configures it.
    let mut child = lambda_command(env!("CARGO_BIN_EXE_sweep"), addr)
        .env("JISHENG_TABLE", "jisheng-sweep")
        .env("JISHENG_UPLOADS_BUCKET", "unused")
        .env(
            "JISHENG_HMAC_KEY",
            "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=",
        )
        .env("JISHENG_SEAL_KEY_ID", &key_id)
        .env("AWS_ENDPOINT_URL", &moto.endpoint)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .spawn()
        .unwrap();
    let answer = tokio::time::timeout(Duration::from_secs(60), rx.recv()).await;
    let _ = child.kill();
    let _ = child.wait();

    // Assert: the report, and the case issued by operation of 000 二(二)5, audited as such.
    let (id, report) = answer.expect("the sweep answered in time").unwrap();
    assert_eq!(id, "sweep-1", "{report}");
    assert_eq!(report["deemed_issues"], 1, "{report}");
    let stored = store.get("JS20260302-SWEEP1").await.unwrap().unwrap();
    assert_eq!(stored.case.state, domain::case::CaseState::Issued);
    assert!(stored.case.deemed_issue);
    let trail = store.events("JS20260302-SWEEP1").await.unwrap();
    let last = trail.last().unwrap();
    assert_eq!(
        (last.action.as_str(), &last.actor),
        ("deemed_issue", &domain::roles::Actor::System)
    );
}
