//! The OpenAPI document against what the server does (issue 19): every answer any end-to-end
//! test provokes passes through [`check`], which finds the documented operation, requires the
//! status to be one the document lists for it, and validates a JSON body against the schema
//! the document gives for that status. A violation is kept with the test's server and fails
//! the test when it ends (`TestApp`'s drop), so no suite can pass on an undocumented answer.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use axum::body::Body;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http_body_util::BodyExt;
use serde_json::{Value, json};

/// What went wrong, one line each.
pub type Violations = Arc<Mutex<Vec<String>>>;

struct Document {
    doc: Value,
    /// Compiled response schemas by (path template, method, status, media type).
    validators: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
}

fn document() -> &'static Document {
    static DOC: OnceLock<Document> = OnceLock::new();
    DOC.get_or_init(|| Document {
        doc: functions::handlers::openapi::document(),
        validators: Mutex::new(HashMap::new()),
    })
}

/// The documented path template `path` is an instance of (`/api/cases/{number}` for
/// `/api/cases/JS…`), literal segments first.
// Long: one arm per route shape of the document: the table that maps a request path to its template.
fn template_of<'a>(paths: &'a serde_json::Map<String, Value>, path: &str) -> Option<&'a str> {
    let segments: Vec<&str> = path.split('/').collect();
    let mut best: Option<(&str, usize)> = None;
    for template in paths.keys() {
        let parts: Vec<&str> = template.split('/').collect();
        if parts.len() != segments.len() {
            continue;
        }
        let mut literal = 0;
        let fits = parts.iter().zip(&segments).all(|(t, s)| {
            if t.starts_with('{') {
                !s.is_empty()
            } else if t == s {
                literal += 1;
                true
            } else {
                false
            }
        });
        if fits && best.is_none_or(|(_, l)| literal > l) {
            best = Some((template, literal));
        }
    }
    best.map(|(t, _)| t)
}

/// The validator of one documented response body: the schema with the document's components
/// beside it, so `#/components/schemas/…` resolves.
fn validator(key: &str, schema: &Value) -> Result<Arc<jsonschema::Validator>, String> {
    let d = document();
    if let Some(v) = d.validators.lock().expect("lock").get(key) {
        return Ok(v.clone());
    }
    let root = json!({"components": d.doc["components"], "allOf": [schema]});
    let compiled = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&root)
        .map_err(|e| format!("{key}: the document's schema does not compile: {e}"))?;
    let compiled = Arc::new(compiled);
    d.validators
        .lock()
        .expect("lock")
        .insert(key.to_string(), compiled.clone());
    Ok(compiled)
}

/// Checks one answer; `None` when it is what the document says.
pub fn violation(
    method: &str,
    path: &str,
    status: u16,
    media: &str,
    body: &[u8],
) -> Option<String> {
    let doc = &document().doc;
    let paths = doc["paths"].as_object()?;
    // Only the API is documented; the SPA and the division files are static files.
    if !path.starts_with("/api/") {
        return None;
    }
    let Some(template) = template_of(paths, path) else {
        // An unknown route answers the generic 404 (tested in routes.rs); nothing to match.
        return (status != 404)
            .then(|| format!("{method} {path}: {status} from an undocumented route"));
    };
    let method = method.to_ascii_lowercase();
    let Some(operation) = paths[template].get(&method) else {
        return (status != 405)
            .then(|| format!("{method} {template}: {status} from an undocumented method"));
    };
    let Some(response) = operation["responses"].get(status.to_string()) else {
        return Some(format!(
            "{method} {template}: status {status} is not documented"
        ));
    };
    let media = media.split(';').next().unwrap_or_default().trim();
    let Some(content) = response.get("content") else {
        return (!body.is_empty())
            .then(|| format!("{method} {template} {status}: a body where the document says none"));
    };
    let Some(declared) = content.get(media) else {
        return Some(format!(
            "{method} {template} {status}: media type {media:?} not documented"
        ));
    };
    let schema = declared.get("schema")?;
    if !media.ends_with("json") {
        return None;
    }
    let instance: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return Some(format!("{method} {template} {status}: not JSON: {e}")),
    };
    let key = format!("{method} {template} {status} {media}");
    let validator = match validator(&key, schema) {
        Ok(v) => v,
        Err(e) => return Some(e),
    };
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .take(3)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    (!errors.is_empty()).then(|| format!("{key}: {}", errors.join("; ")))
}

/// The middleware `spawn_app` puts in front of the server's router.
pub async fn check(violations: Violations, request: Request, next: Next) -> Response {
    let method = request.method().to_string();
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    let (parts, body) = response.into_parts();
    let bytes = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) => {
            violations
                .lock()
                .expect("lock")
                .push(format!("{method} {path}: the body could not be read: {e}"));
            return Response::from_parts(parts, Body::empty());
        }
    };
    let media = parts
        .headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    if let Some(v) = violation(&method, &path, parts.status.as_u16(), &media, &bytes) {
        violations.lock().expect("lock").push(v);
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[test]
fn the_checker_catches_an_undocumented_status_and_a_wrong_shape() {
    // A status the document does not list for the operation.
    let v = violation("GET", "/api/health", 418, "application/json", b"{}");
    assert!(v.is_some_and(|v| v.contains("418")));
    // A documented status with a body of the wrong shape (the problem needs a code).
    let v = violation(
        "POST",
        "/api/eligibility",
        400,
        "application/problem+json",
        br#"{"status": 400}"#,
    );
    assert!(v.is_some_and(|v| v.contains("code")), "shape");
    // What the document says passes.
    let ok = br#"{"type":"about:blank","status":400,"code":"invalid_request","title":"t","title_en":"t"}"#;
    assert_eq!(
        violation(
            "POST",
            "/api/eligibility",
            400,
            "application/problem+json",
            ok
        ),
        None
    );
}
