//! The `sweep` function on AWS Lambda, invoked by an EventBridge schedule: records red lights
//! and applies Hubei's deemed issue (see `functions::sweep`). The event's content is ignored;
//! the answer is the sweep's report.

use lambda_http::{LambdaEvent, service_fn};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    functions::lambda::init_logging();
    let state = functions::lambda::state_from_env().await?;
    let state = &state;
    lambda_http::lambda_runtime::run(service_fn(move |_event: LambdaEvent<Value>| async move {
        let report = functions::sweep::run(state).await?;
        Ok::<_, lambda_http::Error>(serde_json::to_value(report)?)
    }))
    .await
}
