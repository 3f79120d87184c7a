//! The local server: every API router under `/api` and the built SPA at `/`, in one process.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use domain::case::Moment;
use tokio::net::TcpListener;
use tower_http::services::ServeDir;

use crate::adapters::blob::FsBlobStore;
use crate::adapters::store::dynamodb::DynamoStore;
use crate::adapters::store::embedded::EmbeddedStore;
use crate::ports::{CaseStore, Clock, FixedClock, StaffStore, SystemClock};
use crate::state::{AppState, Keys};

/// What the local server needs to start.
#[derive(Debug, Clone, Default)]
pub struct LocalConfig {
    /// Where the embedded store, uploads and the server's secret key live.
    pub data_dir: PathBuf,
    /// The SPA built by trunk (`index.html` + hashed assets); `None` serves the API only.
    pub spa_dir: Option<PathBuf>,
    /// A DynamoDB(-compatible) endpoint instead of the embedded store
    /// (`JISHENG_DYNAMODB_ENDPOINT`, table `JISHENG_DYNAMODB_TABLE`, default `jisheng`).
    pub dynamodb: Option<DynamoConfig>,
    /// A fixed "now" (tests and demos of deadlines); `None` is the system clock.
    pub fixed_now: Option<Moment>,
    /// A clock moved by hand (tests of deadlines passing); overrides `fixed_now`.
    pub clock: Option<Arc<dyn Clock>>,
    /// Creates the demo staff accounts (password `demo`), for local runs only.
    pub demo_accounts: bool,
}

#[derive(Debug, Clone)]
pub struct DynamoConfig {
    pub endpoint: String,
    pub table: String,
}

impl DynamoConfig {
    /// From `JISHENG_DYNAMODB_ENDPOINT` and `JISHENG_DYNAMODB_TABLE`, when set.
    pub fn from_env() -> Option<DynamoConfig> {
        let endpoint = std::env::var("JISHENG_DYNAMODB_ENDPOINT")
            .ok()
            .filter(|e| !e.is_empty())?;
        let table = std::env::var("JISHENG_DYNAMODB_TABLE").unwrap_or_else(|_| "jisheng".into());
        Some(DynamoConfig { endpoint, table })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LocalError {
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the SPA directory {0} has no index.html; build it with `cargo xtask run`")]
    SpaMissing(PathBuf),
    #[error("server error: {0}")]
    Serve(#[from] std::io::Error),
    #[error("cannot open the case store: {0}")]
    Store(#[from] crate::ports::StoreError),
    #[error("cannot open the upload store: {0}")]
    Blobs(#[from] crate::ports::BlobError),
    #[error("cannot read or create the secret key {path}: {source}")]
    Key {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot get the deployment's sealing key: {0}")]
    SealKey(#[from] crate::adapters::envelope::EnvelopeError),
}

/// Builds the whole application: `/api/*` from the routers, everything else from the SPA, with
/// client-side routes (e.g. `/track`) answered by `index.html` so a reload or a shared link works.
pub async fn app(config: &LocalConfig) -> Result<Router, LocalError> {
    Ok(app_and_state(config).await?.0)
}

/// [`app`], and the ports it runs on (tests run the deadline sweep on them).
pub async fn app_and_state(config: &LocalConfig) -> Result<(Router, AppState), LocalError> {
    std::fs::create_dir_all(&config.data_dir)
        .and_then(|()| crate::adapters::blob::owner_only(&config.data_dir))
        .map_err(|source| LocalError::DataDir {
            path: config.data_dir.clone(),
            source,
        })?;
    let state = state(config).await?;
    // An unreachable store must not stop the server: it answers 503 until the store is back.
    if config.demo_accounts
        && let Err(e) = crate::demo::create_demo_accounts(state.staff.as_ref()).await
    {
        tracing::error!("the demo staff accounts were not created: {e}");
    }
    let router = Router::new().nest("/api", crate::api_router(state.clone()));
    // The headers CloudFront sends on AWS, here on every answer (issue 18).
    match &config.spa_dir {
        None => Ok((crate::headers::secure(router), state)),
        Some(dir) => Ok((
            crate::headers::secure(router.fallback_service(spa_service(dir)?)),
            state,
        )),
    }
}

/// The ports for a local run, built once.
pub async fn state(config: &LocalConfig) -> Result<AppState, LocalError> {
    let secret = secret_key(&config.data_dir)?;
    let sealer = crate::sealed::Sealer::from_secret(&secret, crate::sealed::CASE_RECORDS);
    let notifier: Arc<dyn crate::ports::Notifier> = Arc::new(
        crate::adapters::notify::FileNotifier::new(&config.data_dir.join("notifications.jsonl")),
    );
    let (store, staff, messages): (Arc<dyn CaseStore>, Arc<dyn StaffStore>, _) =
        match &config.dynamodb {
            None => {
                let store = Arc::new(EmbeddedStore::open(
                    &config.data_dir.join("cases.redb"),
                    sealer,
                )?);
                let messages = crate::state::Messages {
                    outbox: store.clone(),
                    notifier,
                };
                (store.clone(), store, Some(messages))
            }
            Some(d) => {
                let store = DynamoStore::new(dynamo_client(&d.endpoint), d.table.clone(), sealer);
                // A fresh local table is created; an existing one is used as it is.
                if let Err(e) = store.create_table().await {
                    tracing::info!(
                        "did not create DynamoDB table {} (it may already exist): {e}",
                        d.table
                    );
                }
                let store = Arc::new(store);
                let messages = crate::state::Messages {
                    outbox: store.clone(),
                    notifier,
                };
                (store.clone(), store, Some(messages))
            }
        };
    let clock: Arc<dyn Clock> = match (&config.clock, config.fixed_now) {
        (Some(clock), _) => clock.clone(),
        (None, Some(now)) => Arc::new(FixedClock(now)),
        (None, None) => Arc::new(SystemClock),
    };
    let credit_path = config.data_dir.join("credit-list.txt");
    let credit = crate::credit::FileCreditList::new(credit_path.clone());
    credit.seed_demo().map_err(|source| LocalError::DataDir {
        path: credit_path,
        source,
    })?;
    Ok(AppState {
        store,
        staff,
        messages,
        blobs: Arc::new(FsBlobStore::open(config.data_dir.join("uploads"))?),
        clock,
        registry: Arc::new(crate::adapters::registry::DemoPopulationRegistry::new()),
        credit: Arc::new(credit),
        keys: Arc::new(Keys::new(secret)),
        signer: Arc::new(signer(&config.data_dir.join("signing.key"))?),
        // Generated beside the built SPA (`cargo xtask spa`, xtask/src/divisions.rs).
        divisions: Arc::new(
            config
                .spa_dir
                .as_deref()
                .map_or_else(crate::gazette::Gazette::none, |dir| {
                    crate::gazette::Gazette::beside_spa(dir)
                }),
        ),
    })
}

/// The case store a command-line tool works on: the deployment's table when `JISHENG_TABLE` is
/// set (AWS, credentials from the environment), a DynamoDB-compatible endpoint when
/// `JISHENG_DYNAMODB_ENDPOINT` is, else the embedded store under `data_dir` (which a running
/// local server holds locked: stop it, or load through the console).
pub async fn store_for_tool(data_dir: &Path) -> Result<Arc<dyn CaseStore>, LocalError> {
    // Case records are sealed with the server's secret: the deployment's (JISHENG_HMAC_KEY,
    // base64), else the local one under `data_dir`.
    let secret = match std::env::var("JISHENG_HMAC_KEY") {
        Ok(k) if !k.trim().is_empty() => {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD
                .decode(k.trim())
                .map_err(|e| LocalError::Key {
                    path: "JISHENG_HMAC_KEY".into(),
                    source: std::io::Error::other(e.to_string()),
                })?
        }
        _ => {
            std::fs::create_dir_all(data_dir).map_err(|source| LocalError::DataDir {
                path: data_dir.to_path_buf(),
                source,
            })?;
            secret_key(data_dir)?
        }
    };
    let sealer = crate::sealed::Sealer::from_secret(&secret, crate::sealed::CASE_RECORDS);
    if let Ok(table) = std::env::var("JISHENG_TABLE")
        && !table.is_empty()
    {
        let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        let dynamo = aws_sdk_dynamodb::Client::new(&aws);
        // The deployment's sealing key, as its functions get it (crate::adapters::envelope).
        let sealer = match std::env::var("JISHENG_SEAL_KEY_ID") {
            Ok(key_id) if !key_id.trim().is_empty() => {
                let root = crate::adapters::envelope::data_key(
                    &aws_sdk_kms::Client::new(&aws),
                    &dynamo,
                    &table,
                    key_id.trim(),
                )
                .await?;
                crate::sealed::Sealer::from_secret(&root, crate::sealed::CASE_RECORDS)
            }
            _ => sealer,
        };
        return Ok(Arc::new(DynamoStore::new(dynamo, table, sealer)));
    }
    if let Some(d) = DynamoConfig::from_env() {
        return Ok(Arc::new(DynamoStore::new(
            dynamo_client(&d.endpoint),
            d.table,
            sealer,
        )));
    }
    Ok(Arc::new(EmbeddedStore::open(
        &data_dir.join("cases.redb"),
        sealer,
    )?))
}

/// The local certificate signing key: `<data>/signing.key`, made on first start.
fn signer(path: &Path) -> Result<crate::signing::Ed25519Signer, LocalError> {
    crate::signing::Ed25519Signer::from_key_file(path).map_err(|source| LocalError::Key {
        path: path.to_path_buf(),
        source,
    })
}

/// A client for a DynamoDB-compatible endpoint (local runs): credentials from the usual
/// AWS variables, or placeholders a local server accepts.
fn dynamo_client(endpoint: &str) -> aws_sdk_dynamodb::Client {
    use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
    let var = |k: &str, default: &str| std::env::var(k).unwrap_or_else(|_| default.to_string());
    let conf = aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(var("AWS_REGION", "us-east-1")))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new(
            var("AWS_ACCESS_KEY_ID", "local"),
            var("AWS_SECRET_ACCESS_KEY", "local"),
            None,
            None,
            "local",
        ))
        .build();
    aws_sdk_dynamodb::Client::from_conf(conf)
}

/// The local secret for keyed hashes: 32 random bytes in `<data>/secret.key`, made on first
/// start and readable by the owner only. (On AWS it comes from a managed secret.)
fn secret_key(data_dir: &Path) -> Result<Vec<u8>, LocalError> {
    let path = data_dir.join("secret.key");
    let err = |source| LocalError::Key {
        path: path.clone(),
        source,
    };
    match std::fs::read(&path) {
        Ok(bytes) if bytes.len() >= 32 => return Ok(bytes),
        Ok(_) => return Err(err(std::io::Error::other("shorter than 32 bytes"))),
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(err(e)),
        Err(_) => {}
    }
    let mut key = vec![0u8; 32];
    getrandom::fill(&mut key).map_err(|e| err(std::io::Error::other(e.to_string())))?;
    std::fs::write(&path, &key).map_err(err)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).map_err(err)?;
    }
    Ok(key)
}

fn spa_service(dir: &Path) -> Result<Router, LocalError> {
    if !dir.join("index.html").is_file() {
        return Err(LocalError::SpaMissing(dir.to_path_buf()));
    }
    let files = ServeDir::new(dir).precompressed_br().precompressed_gzip();
    Ok(Router::new()
        .fallback_service(files)
        .layer(axum::middleware::map_request(client_routes)))
}

/// The rule of the CloudFront function in infra/template.yaml: a path whose last segment has no
/// extension is a client-side route and gets index.html; a missing file is a plain 404 (never
/// the SPA's page, which a script fetching data would take for the data).
async fn client_routes(mut req: axum::extract::Request) -> axum::extract::Request {
    let path = req.uri().path();
    let last = path.rsplit('/').next().unwrap_or_default();
    if !last.contains('.') {
        // The console and the verify page are bundles of their own, so applicants never
        // download their code.
        let page = if path == "/staff" || path.starts_with("/staff/") {
            "/console/index.html"
        } else if path == "/verify" {
            "/verify/index.html"
        } else {
            "/index.html"
        };
        *req.uri_mut() = axum::http::Uri::from_static(page);
    }
    req
}

/// Serves `app` on `listener` until `shutdown` completes, then drains open connections.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), LocalError> {
    // The peer address is what the lookup's per-client limit counts (crate::access::Client).
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await?;
    Ok(())
}

/// Completes on Ctrl-C (SIGINT) or SIGTERM, whichever comes first.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!("cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut sig) => {
                sig.recv().await;
            }
            Err(e) => {
                tracing::error!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received, draining connections");
}
