//! The OpenAPI document: served, well-formed, and every operation it lists is routed.

use serde_json::Value;

use crate::helpers::spawn_app;

#[tokio::test]
async fn every_documented_operation_exists_and_schemas_resolve() {
    // Arrange
    let app = spawn_app().await;
    let doc: Value = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for name in [
        "EligibilityRequest",
        "EligibilityAnswer",
        "GuideAnswer",
        "Problem",
        "Application",
        "DeadlineAnswer",
    ] {
        assert!(schemas.contains_key(name), "{name}");
    }
    // Every $ref points at a schema that is there.
    let text = doc.to_string();
    for part in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = part.split('"').next().unwrap();
        assert!(schemas.contains_key(name), "dangling $ref {name}");
    }

    // Act + assert: each operation answers something other than "no such route/method".
    let mut checked = 0;
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            let url = app.url(
                &path
                    .replace("{number}", "JS20240101-XXXXXX")
                    .replace("{username}", "nobody")
                    .replace("{id}", "up_missing"),
            );
            let req = match method.as_str() {
                "get" => app.client.get(url),
                "post" => app
                    .client
                    .post(url)
                    .header("content-type", "application/json")
                    .body("{}"),
                other => panic!("undocumented method {other}"),
            };
            let res = req.send().await.unwrap();
            let status = res.status().as_u16();
            let body: Value = res.json().await.unwrap_or(Value::Null);
            assert!(
                !matches!(
                    body["code"].as_str(),
                    Some("not_found" | "method_not_allowed")
                ),
                "{method} {path} is documented but not routed: {status} {body}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 35);
}
