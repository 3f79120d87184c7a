//! `spawn_app`: the local server's exact router on 127.0.0.1 with a fresh data dir.

use std::path::PathBuf;

use functions::local::{self, LocalConfig};
use tokio::sync::oneshot;

pub struct TestApp {
    pub base_url: String,
    pub client: reqwest::Client,
    _data_dir: tempfile::TempDir,
    shutdown: Option<oneshot::Sender<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
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
    let config = LocalConfig {
        data_dir: data_dir.path().to_path_buf(),
        spa_dir,
        fixed_now,
        dynamodb,
    };
    let app = local::app(&config).await.expect("app builds");
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
        _data_dir: data_dir,
        shutdown: Some(tx),
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
    let child = std::process::Command::new(server)
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

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }
}
