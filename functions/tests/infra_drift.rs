//! The SAM template (`infra/template.yaml`) cannot drift from the code: every function binary
//! has a resource and every resource a binary; every route of the OpenAPI document is routed by
//! the template and every template route is documented; and each template route goes to the
//! function whose router actually serves it.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use functions::local::{self, LocalConfig};
use functions::state::AppState;
use serde_yaml::Value as Yaml;
use tower::ServiceExt;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Function binaries deployed to Lambda (every bin but the local server).
fn bins() -> BTreeSet<String> {
    std::fs::read_dir(root().join("functions/src/bin"))
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            name.strip_suffix(".rs").map(str::to_string)
        })
        .filter(|n| n != "local")
        .collect()
}

struct Function {
    bin: String,
    /// (METHOD, path)
    routes: Vec<(String, String)>,
    scheduled: bool,
}

fn template_functions() -> BTreeMap<String, Function> {
    let text = std::fs::read_to_string(root().join("infra/template.yaml")).unwrap();
    let doc: Yaml = serde_yaml::from_str(&text).unwrap();
    let mut out = BTreeMap::new();
    for (name, resource) in doc["Resources"].as_mapping().unwrap() {
        if resource["Type"].as_str() != Some("AWS::Serverless::Function") {
            continue;
        }
        let name = name.as_str().unwrap().to_string();
        let code = resource["Properties"]["CodeUri"].as_str().unwrap();
        let bin = code
            .strip_prefix("../target/package/functions/")
            .and_then(|c| c.strip_suffix(".zip"))
            .unwrap_or_else(|| panic!("{name}: CodeUri {code} is not a packaged function"));
        let mut routes = Vec::new();
        let mut scheduled = false;
        if let Some(events) = resource["Properties"]["Events"].as_mapping() {
            for event in events.values() {
                match event["Type"].as_str() {
                    Some("HttpApi") => routes.push((
                        event["Properties"]["Method"]
                            .as_str()
                            .unwrap()
                            .to_uppercase(),
                        event["Properties"]["Path"].as_str().unwrap().to_string(),
                    )),
                    Some("ScheduleV2" | "Schedule") => scheduled = true,
                    other => panic!("{name}: unexpected event type {other:?}"),
                }
            }
        }
        out.insert(
            name,
            Function {
                bin: bin.to_string(),
                routes,
                scheduled,
            },
        );
    }
    out
}

/// The router each binary serves (as in `functions/src/bin/<name>.rs`).
fn router_of(bin: &str, state: &AppState) -> Option<Router> {
    use functions::handlers::*;
    Some(match bin {
        "health" => health::router().with_state(state.reckoning()),
        "eligibility" => eligibility::router().with_state(state.reckoning()),
        "openapi" => openapi::router(),
        "guides" => guides::router().with_state(state.reckoning()),
        "cases" => cases_function().with_state(state.clone()),
        "uploads" => uploads::router().with_state(state.clone()),
        "auth" => auth_function().with_state(state.clone()),
        "review" => review_function().with_state(state.clone()),
        "supervision" => supervision::router().with_state(state.clone()),
        _ => return None,
    })
}

#[test]
fn every_function_binary_has_one_resource_and_every_resource_a_binary() {
    let in_template: BTreeSet<String> = template_functions().into_values().map(|f| f.bin).collect();
    assert_eq!(in_template, bins());
}

#[test]
fn the_template_routes_exactly_the_documented_operations() {
    // Arrange
    let doc = functions::handlers::openapi::document();
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .unwrap()
                .keys()
                .map(|m| (m.to_uppercase(), path.clone()))
                .collect::<Vec<_>>()
        })
        .collect();

    // Act
    let routed: BTreeSet<(String, String)> = template_functions()
        .into_values()
        .flat_map(|f| f.routes)
        .collect();

    // Assert
    let undocumented: Vec<_> = routed.difference(&documented).collect();
    let unrouted: Vec<_> = documented.difference(&routed).collect();
    assert!(
        undocumented.is_empty(),
        "in the template, not in the OpenAPI document: {undocumented:?}"
    );
    assert!(
        unrouted.is_empty(),
        "documented, not routed by the template: {unrouted:?}"
    );
}

#[test]
fn the_sweep_and_the_dispatcher_are_scheduled_and_serve_no_route() {
    let functions = template_functions();
    for bin in ["sweep", "dispatch"] {
        let f = functions.values().find(|f| f.bin == bin).unwrap();
        assert!(f.scheduled && f.routes.is_empty(), "{bin}");
    }
    for f in functions
        .values()
        .filter(|f| f.bin != "sweep" && f.bin != "dispatch")
    {
        assert!(!f.scheduled, "{} is scheduled", f.bin);
    }
}

#[tokio::test]
async fn each_template_route_reaches_the_router_of_its_function() {
    // Arrange: the functions' routers on an embedded store.
    let dir = tempfile::tempdir().unwrap();
    let state = local::state(&LocalConfig {
        data_dir: dir.path().to_path_buf(),
        ..LocalConfig::default()
    })
    .await
    .unwrap();

    for f in template_functions().into_values() {
        if f.routes.is_empty() {
            continue;
        }
        let router = router_of(&f.bin, &state)
            .unwrap_or_else(|| panic!("no router known for bin {}", f.bin));
        // Mounted as `functions::lambda::serve` mounts it.
        let app = Router::new()
            .nest("/api", router)
            .fallback(functions::problem::not_found);
        for (method, path) in &f.routes {
            // Act
            let uri = path
                .replace("{number}", "JS20240101-XXXXXX")
                .replace("{username}", "nobody")
                .replace("{id}", "up_missing");
            let request = Request::builder()
                .method(method.as_str())
                .uri(&uri)
                .header("content-type", "application/json")
                .body(Body::from("{}"))
                .unwrap();
            let response = app.clone().oneshot(request).await.unwrap();

            // Assert: anything but "no such route" or "no such method".
            let status = response.status();
            let body = http_body_util::BodyExt::collect(response.into_body())
                .await
                .unwrap()
                .to_bytes();
            let text = String::from_utf8_lossy(&body);
            assert!(
                !text.contains("\"code\":\"not_found\"")
                    && !text.contains("\"code\":\"method_not_allowed\""),
                "{method} {path} goes to {} whose router does not serve it: {status} {text}",
                f.bin
            );
        }
    }
}

#[test]
fn the_hmac_secret_reaches_exactly_the_functions_that_use_it() {
    // Issue 18: the keyed-hash secret (access codes, ID hashes, the system's tokens) is in the
    // environment of the functions built with the full state, and of no other.
    let text = std::fs::read_to_string(root().join("infra/template.yaml")).unwrap();
    let doc: Yaml = serde_yaml::from_str(&text).unwrap();
    assert!(
        doc["Globals"]["Function"]["Environment"]["Variables"]["JISHENG_HMAC_KEY"].is_null(),
        "not in Globals"
    );
    for (name, resource) in doc["Resources"].as_mapping().unwrap() {
        if resource["Type"].as_str() != Some("AWS::Serverless::Function") {
            continue;
        }
        let code = resource["Properties"]["CodeUri"].as_str().unwrap();
        let bin = code
            .trim_start_matches("../target/package/functions/")
            .trim_end_matches(".zip");
        let source =
            std::fs::read_to_string(root().join(format!("functions/src/bin/{bin}.rs"))).unwrap();
        let has = !resource["Properties"]["Environment"]["Variables"]["JISHENG_HMAC_KEY"].is_null();
        assert_eq!(
            has,
            source.contains("state_from_env"),
            "{name:?} ({bin}): the secret where, and only where, the full state is built"
        );
    }
}

#[test]
fn the_functions_that_read_case_records_get_the_kms_sealing_key_and_can_store_it() {
    // Issue 18 point 4 (crate::envelope): every function built with the full state that reads
    // the table gets JISHENG_SEAL_KEY_ID, may decrypt and generate under SealKey for that use
    // only, and may store the wrapped key even where the table is otherwise read-only.
    let text = std::fs::read_to_string(root().join("infra/template.yaml")).unwrap();
    let doc: Yaml = serde_yaml::from_str(&text).unwrap();
    let mut sealed = BTreeSet::new();
    for (name, resource) in doc["Resources"].as_mapping().unwrap() {
        if resource["Type"].as_str() != Some("AWS::Serverless::Function") {
            continue;
        }
        let name = name.as_str().unwrap().to_string();
        let vars = &resource["Properties"]["Environment"]["Variables"];
        let policies = format!("{:?}", resource["Properties"]["Policies"]);
        let reads_table =
            policies.contains("DynamoDBCrudPolicy") || policies.contains("DynamoDBReadPolicy");
        let has_seal = !vars["JISHENG_SEAL_KEY_ID"].is_null();
        assert_eq!(
            has_seal,
            !vars["JISHENG_HMAC_KEY"].is_null() && reads_table,
            "{name}: the sealing key where, and only where, case records are read"
        );
        if !has_seal {
            assert!(!policies.contains("kms:"), "{name}: no KMS without the key");
            continue;
        }
        sealed.insert(name.clone());
        assert!(
            policies.contains("kms:Decrypt")
                && policies.contains("kms:GenerateDataKey")
                && policies.contains("SealKey.Arn")
                && policies.contains("kms:EncryptionContext:purpose")
                && policies.contains("jisheng-seal"),
            "{name}: {policies}"
        );
        if !policies.contains("DynamoDBCrudPolicy") {
            assert!(
                policies.contains("dynamodb:PutItem") && policies.contains("KEY#seal"),
                "{name}: a read-only function must be able to store the wrapped key"
            );
        }
    }
    assert!(sealed.contains("CasesFunction") && sealed.contains("SweepFunction"));
    assert!(!sealed.contains("UploadsFunction"));
}

#[test]
fn unattached_uploads_expire_and_only_the_pinning_functions_write_pinned_copies() {
    // Issue 18 point 5: the lifecycle rule matches the local purge, and the functions that
    // take submissions and resubmissions (cases, review) may write under pinned/ — no wider.
    let text = std::fs::read_to_string(root().join("infra/template.yaml")).unwrap();
    let doc: Yaml = serde_yaml::from_str(&text).unwrap();
    let rules = doc["Resources"]["UploadsBucket"]["Properties"]["LifecycleConfiguration"]["Rules"]
        .as_sequence()
        .unwrap();
    let rule = rules
        .iter()
        .find(|r| r["Prefix"].as_str() == Some("uploads/"))
        .expect("a rule for uploads/");
    assert_eq!(
        rule["ExpirationInDays"].as_i64(),
        Some(functions::ports::UNATTACHED_UPLOAD_DAYS)
    );
    let mut writers = BTreeSet::new();
    for (name, resource) in doc["Resources"].as_mapping().unwrap() {
        let Some(policies) = resource["Properties"]["Policies"].as_sequence() else {
            continue;
        };
        for statement in policies
            .iter()
            .filter_map(|p| p["Statement"].as_sequence())
            .flatten()
        {
            if statement["Action"].as_str() == Some("s3:PutObject") {
                let resource = format!("{:?}", statement["Resource"]);
                assert!(resource.contains("/pinned/*"), "{name:?}: {resource}");
                writers.insert(name.as_str().unwrap().to_string());
            }
        }
    }
    assert_eq!(
        writers,
        BTreeSet::from(["CasesFunction".to_string(), "ReviewFunction".to_string()])
    );
}

#[test]
fn cloudfront_and_the_local_server_send_one_content_security_policy() {
    // Issue 18: one policy, tested in the browser locally; on AWS it only adds the Cognito and
    // S3 endpoints to connect-src and upgrades insecure requests.
    let text = std::fs::read_to_string(root().join("infra/template.yaml")).unwrap();
    let doc: Yaml = serde_yaml::from_str(&text).unwrap();
    let policy = doc["Resources"]["SecurityHeaders"]["Properties"]["ResponseHeadersPolicyConfig"]
        ["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"]
        .as_mapping()
        .and_then(|m| m.values().next())
        .and_then(Yaml::as_str)
        .map(str::to_string)
        .or_else(|| {
            doc["Resources"]["SecurityHeaders"]["Properties"]["ResponseHeadersPolicyConfig"]
                ["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"]
                .as_str()
                .map(str::to_string)
        })
        .expect("the template's policy");
    let directives: BTreeMap<String, String> = policy
        .split(';')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| match d.split_once(' ') {
            Some((name, value)) => (name.to_string(), value.to_string()),
            None => (d.to_string(), String::new()),
        })
        .collect();
    for (name, value) in functions::headers::CSP_DIRECTIVES {
        let aws = directives
            .get(name)
            .unwrap_or_else(|| panic!("{name} missing on AWS"));
        if name == "connect-src" {
            assert!(aws.starts_with(value), "{name}: {aws}");
        } else {
            assert_eq!(aws, value, "{name}");
        }
    }
    let extra: Vec<&String> = directives
        .keys()
        .filter(|k| {
            !functions::headers::CSP_DIRECTIVES
                .iter()
                .any(|(n, _)| n == k)
        })
        .collect();
    assert_eq!(extra, ["upgrade-insecure-requests"]);
}
