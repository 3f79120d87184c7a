//! The `health` function on AWS Lambda (see `functions::lambda`).

use std::sync::Arc;

use functions::ports::{Clock, SystemClock};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    functions::lambda::serve(functions::health::router().with_state(clock)).await
}
