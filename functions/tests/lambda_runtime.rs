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
    json!({
        "version": "2.0", "routeKey": format!("{method} {path}"), "rawPath": path, "rawQueryString": "",
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_eligibility_lambda_answers_api_gateway_events() {
    // Arrange: a runtime API with two events queued.
    let request = json!({"service": "birth_service", "division": "500116001005", "date": "2026-03-02", "marriage": "first"});
    let events = VecDeque::from([
        (
            "req-1".to_string(),
            http_event("POST", "/api/eligibility", Some(&request.to_string())),
        ),
        (
            "req-2".to_string(),
            http_event("POST", "/api/eligibility", Some("{\"service\":")),
        ),
    ]);
    let (tx, mut rx) = mpsc::unbounded_channel();
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

    // Act: start the function as Lambda would.
    let mut child = Command::new(env!("CARGO_BIN_EXE_eligibility"))
        .env("AWS_LAMBDA_RUNTIME_API", addr.to_string())
        .env("AWS_LAMBDA_FUNCTION_NAME", "eligibility")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "test")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", "test")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut answers = Vec::new();
    for _ in 0..2 {
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
}
