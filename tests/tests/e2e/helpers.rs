//! `spawn_app`: the local server's exact router on 127.0.0.1 with a fresh data dir.

use std::path::PathBuf;
use std::sync::Arc;

use domain::case::Moment;
use functions::local::{self, LocalConfig};
use functions::ports::{Clock, ManualClock, SystemClock};
use functions::state::AppState;
use serde_json::{Value, json};
use tokio::sync::oneshot;

/// A valid 1×1 PNG.
pub const PHOTO: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0xfc, 0xcf, 0xc0, 0x50,
    0x0f, 0x00, 0x04, 0x85, 0x01, 0x80, 0x84, 0xa9, 0x8c, 0x21, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

pub struct TestApp {
    pub base_url: String,
    pub client: reqwest::Client,
    /// The ports the server runs on (the deadline sweep is run on them).
    pub state: AppState,
    /// The server's clock, moved by `set_day`.
    pub clock: Arc<ManualClock>,
    _data_dir: tempfile::TempDir,
    shutdown: Option<oneshot::Sender<()>>,
    /// Answers that are not what the OpenAPI document says (`contract.rs`).
    violations: crate::contract::Violations,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        // A test that passed on answers the document does not declare fails here.
        let found = self
            .violations
            .lock()
            .map(|v| v.clone())
            .unwrap_or_default();
        if !found.is_empty() && !std::thread::panicking() {
            panic!(
                "answers the OpenAPI document does not declare:\n{}",
                found.join("\n")
            );
        }
    }
}

/// The workspace root.
pub fn root() -> PathBuf {
    std::env::var_os("E2E_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".."))
}

/// The built SPA; panics with the command to run when it is not there.
pub fn spa_dir() -> PathBuf {
    let dir = std::env::var_os("E2E_SPA_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("app/dist"));
    assert!(
        dir.join("index.html").is_file(),
        "the SPA is not built at {}: run `cargo xtask test` (it builds it first)",
        dir.display()
    );
    dir
}

/// Starts the API only.
pub async fn spawn_app() -> TestApp {
    spawn(None, None).await
}

/// Starts the API with the clock fixed at 10:00 China time on `day` (deadlines, red lights).
pub async fn spawn_app_on(day: &str) -> TestApp {
    let date = domain::Date::parse(day).expect("a YYYY-MM-DD day");
    let ten = domain::case::Moment(domain::case::Moment::start_of(date).0 + 10 * 3600 * 1000);
    spawn(None, Some(ten)).await
}

/// Starts the API and the built SPA, as `cargo xtask run` does.
pub async fn spawn_app_with_spa() -> TestApp {
    spawn(Some(spa_dir()), None).await
}

/// Starts the API and the built SPA on a fixed day (10:00 China time), for browser flows whose
/// due dates must not depend on the day the tests run.
pub async fn spawn_app_with_spa_on(day: &str) -> TestApp {
    let date = domain::Date::parse(day).expect("a YYYY-MM-DD day");
    let ten = domain::case::Moment(domain::case::Moment::start_of(date).0 + 10 * 3600 * 1000);
    spawn(Some(spa_dir()), Some(ten)).await
}

/// Starts the API on a DynamoDB(-compatible) endpoint instead of the embedded store.
pub async fn spawn_app_on_dynamodb(endpoint: &str, table: &str, day: &str) -> TestApp {
    let date = domain::Date::parse(day).expect("a YYYY-MM-DD day");
    let ten = domain::case::Moment(domain::case::Moment::start_of(date).0 + 10 * 3600 * 1000);
    let dynamodb = Some(local::DynamoConfig {
        endpoint: endpoint.to_string(),
        table: table.to_string(),
    });
    spawn_with(None, Some(ten), dynamodb).await
}

async fn spawn(spa_dir: Option<PathBuf>, fixed_now: Option<domain::case::Moment>) -> TestApp {
    spawn_with(spa_dir, fixed_now, None).await
}

async fn spawn_with(
    spa_dir: Option<PathBuf>,
    fixed_now: Option<domain::case::Moment>,
    dynamodb: Option<local::DynamoConfig>,
) -> TestApp {
    let data_dir = tempfile::tempdir().expect("temp data dir");
    let clock = Arc::new(ManualClock::new(
        fixed_now.unwrap_or_else(|| SystemClock.now()),
    ));
    let config = LocalConfig {
        data_dir: data_dir.path().to_path_buf(),
        spa_dir,
        fixed_now,
        dynamodb,
        clock: Some(clock.clone()),
        demo_accounts: true,
    };
    let (app, state) = local::app_and_state(&config).await.expect("app builds");
    let violations = crate::contract::Violations::default();
    let recorded = violations.clone();
    let app = app.layer(axum::middleware::from_fn(move |request, next| {
        crate::contract::check(recorded.clone(), request, next)
    }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a free port");
    let addr = listener.local_addr().expect("local addr");
    let (tx, rx) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = local::serve(listener, app, async {
            let _ = rx.await;
        })
        .await;
    });
    TestApp {
        base_url: format!("http://{addr}"),
        client: reqwest::Client::new(),
        state,
        clock,
        _data_dir: data_dir,
        shutdown: Some(tx),
        violations,
    }
}

/// moto's DynamoDB-compatible server on a free loopback port, stopped on drop.
pub struct Moto {
    child: std::process::Child,
    pub endpoint: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub async fn start_moto() -> Moto {
    let server = std::env::var_os("MOTO_SERVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var("HOME").unwrap_or_default())
                .join(".cache/jisheng-venv-moto/bin/moto_server")
        });
    assert!(
        server.is_file(),
        "moto_server not at {}: run `cargo xtask test`, which installs it",
        server.display()
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // One request at a time (scripts/moto_serial.py says why), with the venv's python.
    let child = std::process::Command::new(server.with_file_name("python"))
        .arg(root().join("scripts/moto_serial.py"))
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let moto = Moto {
        child,
        endpoint: format!("http://127.0.0.1:{port}"),
    };
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return moto;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("moto did not start on {}", moto.endpoint);
}

/// A loopback port nothing listens on: an unreachable store.
pub fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// 10:00 China time on `day`.
pub fn ten_am(day: &str) -> Moment {
    let date = domain::Date::parse(day).expect("a YYYY-MM-DD day");
    Moment(Moment::start_of(date).0 + 10 * 3600 * 1000)
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// The server's data directory (embedded store, uploads, secret key).
    pub fn data_dir(&self) -> &std::path::Path {
        self._data_dir.path()
    }

    /// Moves the server's clock to 10:00 China time on `day`.
    pub fn set_day(&self, day: &str) {
        self.clock.set(ten_am(day));
    }

    /// Signs in a demo account (password `demo`) and answers its bearer token.
    pub async fn login(&self, username: &str) -> String {
        self.login_with(username, "demo").await
    }

    /// Signs in with a password and answers the bearer token.
    pub async fn login_with(&self, username: &str, password: &str) -> String {
        let res = self
            .client
            .post(self.url("/api/auth/login"))
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "login {username}");
        let body: Value = res.json().await.unwrap();
        body["token"].as_str().unwrap().to_string()
    }

    /// Submits `situation` for 赵先生 and 钱女士 with a PDF for every material the applicant
    /// provides (learnt from `/api/eligibility`); answers (number, access code).
    /// `POST /api/eligibility`: the answer.
    pub async fn check(&self, situation: &Value) -> Value {
        self.client
            .post(self.url("/api/eligibility"))
            .json(situation)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// `POST /api/uploads` of `bytes` declared as `content_type`: the response.
    pub async fn upload(&self, content_type: &str, bytes: &[u8]) -> reqwest::Response {
        self.client
            .post(self.url("/api/uploads"))
            .header("content-type", content_type)
            .body(bytes.to_vec())
            .send()
            .await
            .unwrap()
    }

    /// An upload that must be taken: its id.
    pub async fn upload_id(&self, content_type: &str, bytes: &[u8]) -> String {
        let res = self.upload(content_type, bytes).await;
        assert_eq!(res.status(), 201);
        res.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// `GET /api/cases/{number}` as the applicant (`X-Access-Code`): (status, body).
    pub async fn track(&self, number: &str, access_code: &str) -> (u16, Value) {
        let res = self
            .client
            .get(self.url(&format!("/api/cases/{number}")))
            .header("x-access-code", access_code)
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// `POST /api/cases/{number}/actions` as the applicant (`X-Access-Code`): (status, body).
    pub async fn act_as_applicant(
        &self,
        number: &str,
        access_code: &str,
        body: Value,
    ) -> (u16, Value) {
        let res = self
            .client
            .post(self.url(&format!("/api/cases/{number}/actions")))
            .header("x-access-code", access_code)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    pub async fn submit(&self, situation: Value) -> (String, String) {
        self.submit_named(situation, "赵先生", "钱女士").await
    }

    /// As [`TestApp::submit`], with the applicant's and the spouse's names.
    pub async fn submit_named(
        &self,
        situation: Value,
        name: &str,
        spouse: &str,
    ) -> (String, String) {
        self.submit_with(
            situation,
            "application/pdf",
            b"%PDF-1.4\n% test\n",
            (name, spouse),
        )
        .await
    }

    /// As [`TestApp::submit`], each material a real photo (a 1×1 PNG) the console can preview.
    pub async fn submit_photos(&self, situation: Value) -> (String, String) {
        self.submit_with(situation, "image/png", PHOTO, ("赵先生", "钱女士"))
            .await
    }

    async fn submit_with(
        &self,
        situation: Value,
        content_type: &str,
        bytes: &[u8],
        (name, spouse): (&str, &str),
    ) -> (String, String) {
        let check = self.check(&situation).await;
        assert_eq!(check["eligible"], true, "{check}");
        let mut materials = Vec::new();
        for m in check["materials"].as_array().unwrap() {
            if m["provided_by"] != "applicant" {
                continue;
            }
            let id = self.upload_id(content_type, bytes).await;
            materials.push(json!({"code": m["code"], "attachments": [id]}));
        }
        let body = json!({
            "situation": situation,
            "applicant": {"name": name, "id_number": "420704199001011231", "phone": "13800138000"},
            "spouse": {"name": spouse, "id_number": "500116199203040025"},
            "materials": materials
        });
        let res = self
            .client
            .post(self.url("/api/cases"))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = res.status();
        let answer: Value = res.json().await.unwrap();
        assert_eq!(status, 201, "{answer}");
        (
            answer["number"].as_str().unwrap().to_string(),
            answer["access_code"].as_str().unwrap().to_string(),
        )
    }

    /// Posts an action as the holder of `token`; answers (status, body).
    pub async fn act(&self, token: &str, number: &str, body: Value) -> (u16, Value) {
        let res = self
            .client
            .post(self.url(&format!("/api/cases/{number}/actions")))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// Reads a case as staff (audited); answers (status, body).
    pub async fn read_as(&self, token: &str, number: &str) -> (u16, Value) {
        let res = self
            .client
            .get(self.url(&format!("/api/cases/{number}")))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// GETs `path` with a bearer token; answers (status, body).
    pub async fn get_as(&self, token: &str, path: &str) -> (u16, Value) {
        let res = self
            .client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// POSTs JSON to `path` with a bearer token; answers (status, body).
    pub async fn post_as(&self, token: &str, path: &str, body: &Value) -> (u16, Value) {
        let res = self
            .client
            .post(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }
}
