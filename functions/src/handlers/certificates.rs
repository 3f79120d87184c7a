//! Electronic certificates (SPEC §6): signed when a case is issued, their public keys
//! published, their status answered.
//!
//! - `GET /api/certificates/keys` — the Ed25519 keys a QR payload may be signed with (the
//!   browser's /verify page caches them and checks offline, `domain::certificate::verify`).
//! - `GET /api/certificates/{no}/status` — valid, revoked or void, for one certificate.
//! - `GET /api/certificates/revocations?issuer=<division>` — every revoked and void certificate
//!   of an issuing office. The verify page asks this instead of the status of the certificate
//!   in hand, so the server learns which office's list was read, not whose certificate is
//!   being checked (in the manner of the W3C Bitstring Status List). It also names the
//!   signatures of certificates replaced after a correction (`superseded`).
//!
//! Signing goes through the [`Signer`] port: locally a key file in the data directory; on AWS
//! the key's 32-byte seed from a managed secret (`JISHENG_SIGNING_KEY`, base64), so the private
//! key never sits in the code or the template.

use std::path::Path;

use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use domain::case::{Case, CaseState, IssuedCertificate};
use domain::certificate::{CertificateFacts, CertificateNumber, PublishedKey};
use ed25519_dalek::Signer as _;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::errors;
use crate::ports::CaseRecord;
use crate::problem::Problem;
use crate::state::AppState;

/// Signs certificates.
pub trait Signer: Send + Sync {
    /// The id of the key signing now (it names the key in every payload).
    fn key_id(&self) -> &str;
    fn sign(&self, message: &[u8]) -> [u8; 64];
    /// Every key a valid certificate may carry: the current one and any retired ones.
    fn published(&self) -> Vec<PublishedKey>;
}

/// An Ed25519 key held in memory: from a key file locally, from a managed secret on AWS.
pub struct Ed25519Signer {
    key: ed25519_dalek::SigningKey,
    kid: String,
}

impl std::fmt::Debug for Ed25519Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Ed25519Signer({})", self.kid)
    }
}

impl Ed25519Signer {
    pub fn from_seed(seed: [u8; 32]) -> Ed25519Signer {
        let key = ed25519_dalek::SigningKey::from_bytes(&seed);
        // The key id is derived from the public key, so it changes when the key does.
        let digest = Sha256::digest(key.verifying_key().to_bytes());
        let kid = crate::state::hex(digest.get(..6).unwrap_or_default());
        Ed25519Signer { key, kid }
    }

    /// The seed in `path`, made (32 random bytes, owner-readable only) on first use.
    pub fn from_key_file(path: &Path) -> std::io::Result<Ed25519Signer> {
        if !path.exists() {
            let mut seed = [0u8; 32];
            getrandom::fill(&mut seed).map_err(|e| std::io::Error::other(e.to_string()))?;
            std::fs::write(path, seed)?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
            }
        }
        let bytes = std::fs::read(path)?;
        let seed: [u8; 32] = bytes.try_into().map_err(|_| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "a signing key file holds exactly 32 bytes",
            )
        })?;
        Ok(Ed25519Signer::from_seed(seed))
    }
}

impl Signer for Ed25519Signer {
    fn key_id(&self) -> &str {
        &self.kid
    }

    fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.key.sign(message).to_bytes()
    }

    fn published(&self) -> Vec<PublishedKey> {
        vec![PublishedKey {
            kid: self.kid.clone(),
            alg: "Ed25519".into(),
            public_key: B64.encode(self.key.verifying_key().to_bytes()),
        }]
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/certificates/keys", get(keys))
        .route("/certificates/{number}/status", get(status))
        .route("/certificates/revocations", get(revocations))
        .route("/certificates/{file}", get(pdf))
}

/// The audit action of staff downloading a case's certificate.
pub const DOWNLOAD_ACTION: &str = "download_certificate";

/// Where the SPA is served, for the address in the QR code: `JISHENG_PUBLIC_ORIGIN` when set
/// (behind CloudFront), else the scheme and host the request came to.
pub fn public_origin(headers: &axum::http::HeaderMap) -> String {
    if let Ok(origin) = std::env::var("JISHENG_PUBLIC_ORIGIN")
        && !origin.is_empty()
    {
        return origin.trim_end_matches('/').to_string();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            h.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
        })
        .unwrap_or("localhost");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .filter(|p| *p == "https")
        .unwrap_or("http");
    format!("{scheme}://{host}")
}

pub fn unprintable(e: &crate::pdf::PdfError) -> Problem {
    tracing::error!(error = %e, "certificate PDF not made");
    match e {
        crate::pdf::PdfError::MissingGlyph(c) => Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "unprintable_character",
            "字库缺少证照上某个字的字形，无法生成电子证照，请联系发证机关",
            "The font lacks a character of the certificate; it cannot be printed — contact the issuing office",
        )
        .with_detail(format!("{c} U+{:04X}", u32::from(*c))),
        _ => errors::internal("certificate PDF"),
    }
}

/// `GET /api/certificates/{no}.pdf`: the certificate as a PDF, for its holder (the case's
/// access code in `X-Access-Code`) or staff in scope (audited).
async fn pdf(
    State(state): State<AppState>,
    UrlPath(file): UrlPath<String>,
    crate::access::MaybeStaff(staff): crate::access::MaybeStaff,
    headers: axum::http::HeaderMap,
) -> Result<Response, Problem> {
    let number = file
        .strip_suffix(".pdf")
        .and_then(|n| CertificateNumber::parse(n).ok())
        .ok_or_else(certificate_not_found)?;
    let case_number = number.case_number();
    let record = match staff {
        Some(claims) => {
            crate::access::audited_staff_read(
                &state,
                &case_number,
                &claims.actor(),
                domain::roles::Capability::DownloadCertificate,
                DOWNLOAD_ACTION,
            )
            .await?
            .0
        }
        None => {
            let code = headers
                .get(crate::access::ACCESS_CODE_HEADER)
                .and_then(|v| v.to_str().ok())
                .ok_or_else(crate::access::unauthenticated)?;
            crate::access::applicant_record(&state, &case_number, code)
                .await
                .map_err(|_| certificate_not_found())?
        }
    };
    let certificate = record
        .case
        .certificate
        .as_ref()
        .filter(|c| c.facts.number == number)
        .ok_or_else(certificate_not_found)?;
    let path = verify_path(certificate).ok_or_else(|| errors::internal("certificate payload"))?;
    let url = format!("{}{path}", public_origin(&headers));
    let font = crate::pdf::process_font().map_err(unprintable)?;
    let bytes = crate::certificate_pdf::render(font, &record, certificate, &url)
        .map_err(|e| unprintable(&e))?;
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{number}.pdf\""))
        .map_err(|_| errors::internal("file name"))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/pdf"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        bytes,
    )
        .into_response())
}

async fn keys(State(state): State<AppState>) -> Response {
    (
        [(
            header::CACHE_CONTROL,
            // Browsers keep the keys for checking offline; a new key is added before it is used.
            HeaderValue::from_static("public, max-age=86400"),
        )],
        Json(json!({"keys": state.signer.published()})),
    )
        .into_response()
}

/// The facts a certificate issued on `record` on `today` states, signed.
pub fn issue(
    record: &CaseRecord,
    signer: &dyn Signer,
    today: domain::Date,
) -> Result<IssuedCertificate, Problem> {
    let case = &record.case;
    let number = CertificateNumber::for_case(case.service, case.deciding, &case.number)
        .map_err(|_| errors::internal("certificate number"))?;
    let holders: Vec<String> = std::iter::once(record.applicant.name.clone())
        .chain(record.applicant.spouse_name.clone())
        // The payload's separators cannot be part of a name (the applicant form refuses them).
        .map(|n| n.replace(['|', ','], " "))
        .collect();
    let facts = CertificateFacts {
        number,
        service: case.service,
        holders,
        issuer: case.deciding,
        // A deemed certificate is dated the last legal day (000 二(二)5 "按时"), not the day
        // the sweep issued it.
        issued_on: match (case.deemed_issue, case.decided_on) {
            (true, Some(day)) => day.min(today),
            _ => today,
        },
        valid_until: None,
        sealed_by: case.seals.iter().map(|s| s.level).collect(),
    };
    sign(facts, signer)
}

/// `facts` signed with the signer's current key.
pub fn sign(facts: CertificateFacts, signer: &dyn Signer) -> Result<IssuedCertificate, Problem> {
    let text = facts
        .canonical(signer.key_id())
        .map_err(|_| errors::internal("certificate payload"))?;
    Ok(IssuedCertificate {
        signature: B64.encode(signer.sign(text.as_bytes())),
        key_id: signer.key_id().to_string(),
        facts,
        superseded: Vec::new(),
    })
}

/// The verify page's address for `certificate`: `/verify#<payload>`, the payload in the
/// fragment so it never reaches a server. `None` if the stored signature is damaged.
pub fn verify_path(certificate: &IssuedCertificate) -> Option<String> {
    let signature: [u8; 64] = B64.decode(&certificate.signature).ok()?.try_into().ok()?;
    let text = certificate.facts.canonical(&certificate.key_id).ok()?;
    Some(format!(
        "/verify#{}",
        domain::certificate::qr_payload(&text, &signature)
    ))
}

/// What a check of a certificate says now.
pub fn status_of(case: &Case) -> &'static str {
    domain::certificate::Standing::of(case.state).code()
}

fn certificate_not_found() -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "certificate_not_found",
        "没有这个编号的电子证照",
        "No certificate has this number",
    )
}

async fn status(
    State(state): State<AppState>,
    UrlPath(number): UrlPath<String>,
) -> Result<Json<serde_json::Value>, Problem> {
    let number = CertificateNumber::parse(&number).map_err(|e| {
        Problem::invalid_request(&[
            json!({"code": "invalid_field", "field": "number", "message": e.to_string()}),
        ])
    })?;
    let record = state
        .store
        .get(&number.case_number())
        .await?
        .filter(|r| {
            r.case
                .certificate
                .as_ref()
                .is_some_and(|c| c.facts.number == number)
        })
        .ok_or_else(certificate_not_found)?;
    Ok(Json(json!({
        "number": number,
        "status": status_of(&record.case),
    })))
}

async fn revocations(
    State(state): State<AppState>,
    axum::extract::Query(params): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Result<Response, Problem> {
    let issuer = params
        .get("issuer")
        .and_then(|d| domain::DivisionCode::parse(d).ok())
        .ok_or_else(|| {
            Problem::invalid_request(&[json!({"code": "invalid_field", "field": "issuer",
                "message": "须提供签发机构的区划代码 / the issuing office's division code is required"})])
        })?;
    let mut lists = Vec::new();
    for case_state in [CaseState::Revoked, CaseState::Void] {
        let rows = crate::ports::queue_all(state.store.as_ref(), issuer, Some(case_state)).await?;
        lists.push(
            rows.iter()
                // Only the office's own certificates: the queue also lists cases it was asked
                // to verify or accepted for another office.
                .filter(|i| i.deciding_division == issuer)
                .filter_map(|i| {
                    CertificateNumber::for_case(i.service, i.deciding_division, &i.number).ok()
                })
                .collect::<Vec<_>>(),
        );
    }
    let [revoked, void] = <[Vec<CertificateNumber>; 2]>::try_from(lists)
        .map_err(|_| errors::internal("revocation lists"))?;
    // Certificates corrected and signed anew: the signatures they replaced.
    let mut superseded = Vec::new();
    let corrected = crate::ports::corrected_all(state.store.as_ref(), issuer).await?;
    for row in corrected.iter().filter(|r| r.deciding_division == issuer) {
        let record = state.store.get(&row.number).await?;
        if let Some(c) = record.and_then(|r| r.case.certificate) {
            superseded.push(json!({"number": c.facts.number, "signatures": c.superseded}));
        }
    }
    Ok((
        // Fresh enough to show a revocation within minutes, cacheable by a CDN.
        [(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=300"),
        )],
        Json(
            json!({"issuer": issuer.to_string(), "revoked": revoked, "void": void,
            "superseded": superseded}),
        ),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_file_is_made_once_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("signing.key");

        let first = Ed25519Signer::from_key_file(&path).unwrap();
        let again = Ed25519Signer::from_key_file(&path).unwrap();

        assert_eq!(first.key_id(), again.key_id());
        assert_eq!(first.published(), again.published());
        assert_eq!(std::fs::read(&path).unwrap().len(), 32);
    }
}
