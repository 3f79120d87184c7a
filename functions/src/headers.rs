//! Response headers (issue 18): the same content security policy and framing, sniffing and
//! referrer rules locally as CloudFront sends on AWS (infra/template.yaml, held equal by a
//! drift test), and `Cache-Control: no-store` on every API answer that does not say otherwise
//! — the answers carry ID numbers, access codes and tokens.

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use tower_http::set_header::SetResponseHeaderLayer;

/// The directives of the policy, in order. `connect-src` gains the Cognito and S3 endpoints on
/// AWS; `worker-src` falls back to `default-src 'self'`, which leaves room for a service worker.
pub const CSP_DIRECTIVES: [(&str, &str); 10] = [
    ("default-src", "'self'"),
    // 'wasm-unsafe-eval' lets the SPA instantiate its WebAssembly; nothing else is eval'd, and
    // no script is inline (xtask moves trunk's loader to a file).
    ("script-src", "'self' 'wasm-unsafe-eval'"),
    ("style-src", "'self'"),
    ("img-src", "'self' data: blob:"),
    ("font-src", "'self'"),
    ("connect-src", "'self'"),
    ("object-src", "'none'"),
    ("base-uri", "'self'"),
    ("form-action", "'self'"),
    ("frame-ancestors", "'none'"),
];

/// The local policy (plain HTTP on loopback, so no `upgrade-insecure-requests`).
pub fn local_policy() -> String {
    CSP_DIRECTIVES
        .iter()
        .map(|(name, value)| format!("{name} {value}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The security headers of every answer, as CloudFront's response headers policy sets them;
/// a handler's own (e.g. a scan's sandbox policy) is kept.
pub fn secure(router: Router) -> Router {
    let set =
        |name: HeaderName, value: HeaderValue| SetResponseHeaderLayer::if_not_present(name, value);
    let policy = HeaderValue::from_str(&local_policy())
        .unwrap_or(HeaderValue::from_static("default-src 'self'"));
    router
        .layer(set(header::CONTENT_SECURITY_POLICY, policy))
        .layer(set(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(set(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(set(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
}

/// `Cache-Control: no-store` on every API answer that sets no cache policy of its own.
pub fn api(router: Router) -> Router {
    router.layer(SetResponseHeaderLayer::if_not_present(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    ))
}

/// The policy for an uploaded scan opened directly: nothing in it runs, nothing is fetched
/// (a PDF or an image served from the app's own origin must not act as the app).
pub const SANDBOX: &str = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'";
