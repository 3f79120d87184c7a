//! The OpenAPI 3.1 document at `GET /api/openapi.json`. Request and response schemas are
//! generated from the very types the handlers (de)serialise (schemars, honouring their serde
//! attributes); the operations are listed here, and an end-to-end test sends a request to
//! every documented operation so the document cannot list a route that does not exist.

use axum::Json;
use axum::routing::get;
use domain::contract::{DeadlineAnswer, EligibilityAnswer, EligibilityRequest};
use domain::guide::Guide;
use domain::materials::ProvidedMaterial;
use schemars::generate::SchemaSettings;
use serde_json::{Value, json};

pub fn router() -> axum::Router {
    axum::Router::new().route("/openapi.json", get(|| async { Json(document()) }))
}

fn problem(description: &str) -> Value {
    json!({"description": description, "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}})
}

fn query(name: &str, required: bool, description: &str) -> Value {
    json!({"name": name, "in": "query", "required": required, "description": description, "schema": {"type": "string"}})
}

/// The whole document.
pub fn document() -> Value {
    let mut generator = SchemaSettings::draft2020_12()
        .with(|s| {
            s.definitions_path = "/components/schemas".into();
            s.meta_schema = None;
        })
        .into_generator();
    let eligibility_request = generator.subschema_for::<EligibilityRequest>().to_value();
    let eligibility_answer = generator.subschema_for::<EligibilityAnswer>().to_value();
    let deadline_answer = generator.subschema_for::<DeadlineAnswer>().to_value();
    let guide = generator.subschema_for::<Guide>().to_value();
    let provided = generator.subschema_for::<ProvidedMaterial>().to_value();
    let step = generator
        .subschema_for::<domain::case::StepDeadline>()
        .to_value();
    let material_item = generator
        .subschema_for::<domain::contract::MaterialItem>()
        .to_value();
    let case_state = generator
        .subschema_for::<domain::case::CaseState>()
        .to_value();
    let mut schemas = generator.take_definitions(true);
    schemas.insert("Problem".into(), json!({
        "type": "object",
        "description": "RFC 9457 problem details; `errors` lists every problem of a validation failure",
        "required": ["type", "status", "code", "title", "title_en"],
        "properties": {
            "type": {"type": "string"}, "status": {"type": "integer"},
            "code": {"type": "string", "description": "stable machine code"},
            "title": {"type": "string", "description": "Chinese"}, "title_en": {"type": "string"},
            "detail": {"type": "string"},
            "errors": {"type": "array", "items": {"type": "object", "required": ["code"], "properties": {"code": {"type": "string"}}}}
        }
    }));
    let person = json!({"type": "object", "required": ["name", "id_number"], "properties": {
        "name": {"type": "string", "maxLength": 50},
        "id_number": {"type": "string", "pattern": "^[0-9]{17}[0-9Xx]$", "description": "GB 11643 resident ID; never in a URL"},
        "phone": {"type": "string", "pattern": "^1[0-9]{10}$"}
    }});
    schemas.insert(
        "CaseSubmission".into(),
        json!({
            "type": "object", "required": ["situation", "applicant"], "additionalProperties": false,
            "properties": {
                "situation": eligibility_request,
                "applicant": person, "spouse": person,
                "materials": {"type": "array", "items": provided}
            }
        }),
    );
    schemas.insert("CaseSubmitted".into(), json!({
        "type": "object", "required": ["number", "access_code", "state", "deciding_division", "deadlines", "materials"],
        "properties": {
            "number": {"type": "string"}, "access_code": {"type": "string", "description": "shown once; stored only as a keyed hash"},
            "state": case_state, "deciding_division": {"type": "string"}, "due": {"type": ["string", "null"], "format": "date"},
            "deadlines": {"type": "array", "items": step}, "materials": {"type": "array", "items": material_item}
        }
    }));
    let json_body = |schema: Value| json!({"required": true, "content": {"application/json": {"schema": schema}}});
    let ok = |description: &str, schema: Value| json!({"description": description, "content": {"application/json": {"schema": schema}}});
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "计生证件网上办 API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Family-planning certificates online: eligibility with cited rules, complete material lists, applications, tracking. Errors are RFC 9457 problem details with a Chinese `title` and an English `title_en`."
        },
        "paths": {
            "/api/health": {"get": {"operationId": "health", "summary": "Liveness and version",
                "responses": {"200": ok("up", json!({"type": "object", "properties": {"status": {"type": "string"}, "version": {"type": "string"}}}))}}},
            "/api/eligibility": {"post": {"operationId": "eligibility", "summary": "The domain's eligibility check: reasons with sources, the complete material list",
                "requestBody": json_body(json!({"$ref": "#/components/schemas/EligibilityRequest"})),
                "responses": {"200": ok("the answer", eligibility_answer), "400": problem("every bad field"), "413": problem("body too large"),
                    "415": problem("not JSON"), "422": problem("no rules for the province or the date")}}},
            "/api/deadline": {"get": {"operationId": "deadline", "summary": "Legal steps and due dates, or one limit's due date",
                "parameters": [query("from", true, "day of acceptance, YYYY-MM-DD"), query("division", false, "accepting office"),
                    query("service", false, "service code"), query("unit", false, "working_days | days"), query("value", false, "the limit"),
                    query("cross_province", false, "true when a spouse's hukou is in another province")],
                "responses": {"200": ok("steps with due dates, or {due}", json!({"oneOf": [deadline_answer, {"type": "object", "required": ["due"], "properties": {"due": {"type": "string", "format": "date"}}}]})),
                    "400": problem("every bad parameter"), "422": problem("a date outside the holiday data")}}},
            "/api/guides": {"get": {"operationId": "guides", "summary": "The public service guide of an office",
                "parameters": [query("division", true, "office"), query("service", true, "service code")],
                "responses": {"200": ok("the guide", guide), "400": problem("every bad parameter"), "422": problem("no rules for the province")}}},
            "/api/uploads": {"post": {"operationId": "upload", "summary": "A material photo or scan (JPEG, PNG or PDF; at most 10 MB)",
                "requestBody": {"required": true, "content": {"image/jpeg": {"schema": {"type": "string", "contentMediaType": "image/jpeg"}},
                    "image/png": {"schema": {"type": "string", "contentMediaType": "image/png"}},
                    "application/pdf": {"schema": {"type": "string", "contentMediaType": "application/pdf"}}}},
                "responses": {"201": ok("stored", json!({"type": "object", "properties": {"id": {"type": "string"}, "content_type": {"type": "string"}, "size": {"type": "integer"}}})),
                    "413": problem("over 10 MB"), "415": problem("not JPEG/PNG/PDF, or not what it claims"), "503": problem("file store unavailable")}}},
            "/api/cases": {"post": {"operationId": "submitCase", "summary": "Submit an application (re-checked on the server)",
                "parameters": [{"name": "Idempotency-Key", "in": "header", "required": false, "schema": {"type": "string", "maxLength": 128},
                    "description": "a retry with the same key and body returns the first answer and creates nothing"}],
                "requestBody": json_body(json!({"$ref": "#/components/schemas/CaseSubmission"})),
                "responses": {"201": ok("accepted", json!({"$ref": "#/components/schemas/CaseSubmitted"})), "400": problem("malformed"),
                    "409": problem("the key was used for another body"), "413": problem("too large"), "415": problem("not JSON"),
                    "422": problem("every missing material and invalid field, all at once"), "503": problem("store unavailable; nothing saved")}}},
            "/api/cases/{number}": {"get": {"operationId": "trackCase", "summary": "Track a case with its access code",
                "parameters": [{"name": "number", "in": "path", "required": true, "schema": {"type": "string"}},
                    {"name": "X-Access-Code", "in": "header", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": ok("the case, its deadlines, what is missing and its timeline", json!({"type": "object"})),
                    "401": problem("no access code"), "404": problem("no such case or a wrong code (indistinguishable)"), "503": problem("store unavailable")}}},
            "/api/openapi.json": {"get": {"operationId": "openapi", "summary": "This document", "responses": {"200": ok("OpenAPI 3.1", json!({"type": "object"}))}}}
        },
        "components": {"schemas": schemas}
    })
}
