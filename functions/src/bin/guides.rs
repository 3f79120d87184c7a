//! The `guides` function on AWS Lambda: the clock and the table of loaded holiday notices
//! (see `functions::lambda::reckoning_from_env`).

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    let state = functions::lambda::reckoning_from_env().await?;
    functions::lambda::serve(functions::handlers::guides::router().with_state(state)).await
}
