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

#[test]
fn request_schemas_state_the_constraints_the_server_enforces() {
    // Arrange
    let doc = functions::handlers::openapi::document();
    let schemas = &doc["components"]["schemas"];

    // Act
    let applicant = &schemas["ApplicantEntry"]["properties"];
    let correction = &schemas["CorrectionRequest"]["properties"];

    // Assert: the ID number's form, the name's length, the mobile number, the text bound.
    assert_eq!(
        applicant["id_number"]["pattern"],
        r"^\s*[0-9]{17}[0-9Xx]\s*$"
    );
    assert_eq!(applicant["name"]["maxLength"], 50);
    assert_eq!(applicant["phone"]["pattern"], r"^\s*1[0-9]{10}\s*$");
    assert_eq!(correction["request"]["maxLength"], 500);
    assert_eq!(
        schemas["NewStaffAccount"]["properties"]["username"]["pattern"],
        "^[a-z0-9._-]{3,32}$"
    );
}

#[test]
fn every_operation_with_a_json_body_answers_a_malformed_one_with_400_and_a_huge_one_with_413() {
    let doc = functions::handlers::openapi::document();
    for (path, operations) in doc["paths"].as_object().unwrap() {
        for (method, op) in operations.as_object().unwrap() {
            if op["requestBody"]["content"]["application/json"].is_object() {
                for status in ["400", "413"] {
                    assert!(
                        op["responses"][status].is_object(),
                        "{method} {path} does not document {status}"
                    );
                }
            }
        }
    }
}
