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

async fn spawn(spa_dir: Option<PathBuf>, fixed_now: Option<domain::case::Moment>) -> TestApp {
    let data_dir = tempfile::tempdir().expect("temp data dir");
    let config = LocalConfig {
        data_dir: data_dir.path().to_path_buf(),
        spa_dir,
        fixed_now,
        ..LocalConfig::default()
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

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }
}
