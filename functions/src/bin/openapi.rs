//! The `openapi` function on AWS Lambda (see `functions::lambda`).

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    functions::lambda::serve(functions::handlers::openapi::router()).await
}
