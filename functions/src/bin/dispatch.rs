//! The `dispatch` function on AWS Lambda, invoked every minute by an EventBridge schedule:
//! sends the notifications waiting in the outbox through SNS (SMS) and SES (e-mail)
//! (`functions::outbox`). The event's content is ignored; the answer is what it sent.

use lambda_http::{LambdaEvent, service_fn};
use serde_json::{Value, json};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    functions::lambda::init_logging();
    let state = functions::lambda::state_from_env().await?;
    let messages = state
        .messages
        .clone()
        .ok_or("this deployment sends no notifications")?;
    let clock = state.clock.clone();
    let messages = &messages;
    let clock = &clock;
    lambda_http::lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        let done = functions::outbox::dispatch_once(
            messages.outbox.as_ref(),
            messages.notifier.as_ref(),
            clock.now(),
            &event.context.request_id,
        )
        .await?;
        Ok::<_, lambda_http::Error>(json!({
            "sent": done.sent, "merged": done.merged, "retrying": done.retrying,
            "failed": done.failed, "held": done.held, "taken": done.taken
        }))
    }))
    .await
}
