//! The generated schemas follow the serde shapes of SPEC §9.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used)]

#[test]
fn the_eligibility_request_schema_matches_the_contract() {
    let doc = functions::handlers::openapi::document();
    let req = &doc["components"]["schemas"]["EligibilityRequest"];
    let required: Vec<&str> = req["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(required, ["service", "division", "date", "marriage"]);
    assert_eq!(
        req["additionalProperties"], false,
        "unknown fields are rejected"
    );
    let service = &doc["components"]["schemas"]["Service"];
    let codes: Vec<&str> = service["oneOf"].as_array().map_or_else(
        || {
            service["enum"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect()
        },
        |variants| {
            variants
                .iter()
                .map(|v| v["const"].as_str().unwrap())
                .collect()
        },
    );
    assert_eq!(
        codes,
        [
            "birth_service",
            "rebirth",
            "only_child_honor",
            "marital_status_proof"
        ]
    );
}
