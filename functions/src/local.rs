//! The local server: every API router under `/api` and the built SPA at `/`, in one process.

use std::future::Future;
use std::path::{Path, PathBuf};

use axum::Router;
use tokio::net::TcpListener;
use tower_http::services::{ServeDir, ServeFile};

/// What the local server needs to start.
#[derive(Debug, Clone)]
pub struct LocalConfig {
    /// Where the embedded store and uploads live.
    pub data_dir: PathBuf,
    /// The SPA built by trunk (`index.html` + hashed assets); `None` serves the API only.
    pub spa_dir: Option<PathBuf>,
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
}

/// Builds the whole application: `/api/*` from the routers, everything else from the SPA, with
/// client-side routes (e.g. `/track`) answered by `index.html` so a reload or a shared link works.
pub fn app(config: &LocalConfig) -> Result<Router, LocalError> {
    std::fs::create_dir_all(&config.data_dir).map_err(|source| LocalError::DataDir {
        path: config.data_dir.clone(),
        source,
    })?;
    let api = crate::api_router();
    let router = Router::new().nest("/api", api);
    match &config.spa_dir {
        None => Ok(router),
        Some(dir) => Ok(router.fallback_service(spa_service(dir)?)),
    }
}

fn spa_service(dir: &Path) -> Result<ServeDir<ServeFile>, LocalError> {
    let index = dir.join("index.html");
    if !index.is_file() {
        return Err(LocalError::SpaMissing(dir.to_path_buf()));
    }
    Ok(ServeDir::new(dir)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(ServeFile::new(index)))
}

/// Serves `app` on `listener` until `shutdown` completes, then drains open connections.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), LocalError> {
    axum::serve(listener, app)
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
