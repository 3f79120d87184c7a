//! The `cases` function on AWS Lambda: DynamoDB, S3 and the key from the environment
//! (see `functions::lambda::state_from_env`).

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    let state = functions::lambda::state_from_env().await?;
    // The village search rides with the cases function: it needs the same store (its per-client
    // limit) and key, and the divisions layer the submission checks codes against.
    functions::lambda::serve(
        functions::handlers::cases::router()
            .merge(functions::handlers::divisions::router())
            .with_state(state),
    )
    .await
}
