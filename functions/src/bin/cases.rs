//! The `cases` function on AWS Lambda: DynamoDB, S3 and the key from the environment
//! (see `functions::lambda::state_from_env`).

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    let state = functions::lambda::state_from_env().await?;
    // Certificates are read where cases are: the same table, the same function.
    let router = functions::cases::router().merge(functions::certificates::router());
    functions::lambda::serve(router.with_state(state)).await
}
