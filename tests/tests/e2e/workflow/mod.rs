//! The staff side end to end (SPEC §4–§5), each scenario on the embedded store and on DynamoDB
//! (moto on loopback): sign-in, the authorisation matrix, every path of a case, the queue,
//! the deadline sweep and supervision.

use serde_json::{Value, json};

use crate::helpers::TestApp;

pub(super) const DAY: &str = "2024-09-27";

/// A re-birth application at 四牌坊社区 (江津区 decides): a promise item.
pub(super) fn rebirth_cq() -> Value {
    json!({"service": "rebirth", "division": "500116001005", "date": DAY, "marriage": "first",
           "children": [{"born": "2012-05-01", "of": "joint", "disability": "none"},
                        {"born": "2016-05-01", "of": "joint", "disability": "non_hereditary_appraised"}]})
}

/// A 生育服务登记 at the same community: an instant item (004 三(三)).
pub(super) fn birth_cq() -> Value {
    json!({"service": "birth_service", "division": "500116001005", "date": DAY, "marriage": "first"})
}

/// A re-birth application at a township of 鄂城区 (Hubei: township opinion, county decision,
/// deemed issue).
pub(super) fn rebirth_hb() -> Value {
    json!({"service": "rebirth", "division": "420704001", "date": DAY, "marriage": "first",
           "children": [{"born": "2012-05-01", "of": "joint", "disability": "none"},
                        {"born": "2016-05-01", "of": "joint", "disability": "non_hereditary_appraised"}]})
}

/// Runs a scenario on the embedded store and on DynamoDB.
macro_rules! on_both_stores {
    ($scenario:ident, $embedded:ident, $dynamodb:ident) => {
        #[tokio::test]
        async fn $embedded() {
            let app = spawn_app_on(DAY).await;
            $scenario(&app).await;
        }

        #[tokio::test]
        async fn $dynamodb() {
            let moto = start_moto().await;
            let app = spawn_app_on_dynamodb(&moto.endpoint, stringify!($dynamodb), DAY).await;
            $scenario(&app).await;
        }
    };
}

pub(super) async fn version(app: &TestApp, token: &str, number: &str) -> u64 {
    let (status, case) = app.read_as(token, number).await;
    assert_eq!(status, 200, "{case}");
    case["version"].as_u64().unwrap()
}

/// Acts and insists on success; answers the case after the step.
pub(super) async fn ok(app: &TestApp, token: &str, number: &str, mut body: Value) -> Value {
    body["version"] = json!(version(app, token, number).await);
    let (status, case) = app.act(token, number, body.clone()).await;
    assert_eq!(status, 200, "{body} -> {case}");
    case
}

mod matrix;
mod notifications;
mod offices;
mod paths;
mod sign_in;
