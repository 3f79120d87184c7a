//! Running a function on AWS Lambda: the router is mounted under `/api` (the path API Gateway
//! forwards) and handed to `lambda_http::run`, exactly as the local server mounts it.

use axum::Router;

/// Serves `router` as this Lambda's handler until the runtime stops it.
pub async fn serve(router: Router) -> Result<(), lambda_http::Error> {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .without_time()
        .init();
    let app = Router::new()
        .nest("/api", router)
        .fallback(crate::problem::not_found);
    lambda_http::run(app).await
}
