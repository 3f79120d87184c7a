//! The `auth` function on AWS Lambda: DynamoDB, S3 and the key from the environment
//! (see `functions::lambda::state_from_env`).

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    let state = functions::lambda::state_from_env().await?;
    let router = functions::handlers::auth::router()
        .merge(functions::handlers::admin::router())
        .merge(functions::handlers::calendar::router());
    functions::lambda::serve(router.with_state(state)).await
}
