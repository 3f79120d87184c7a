//! The `review` function on AWS Lambda: DynamoDB, S3 and the key from the environment
//! (see `functions::lambda::state_from_env`).

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    let state = functions::lambda::state_from_env().await?;
    functions::lambda::serve(functions::handlers::review_function().with_state(state)).await
}
