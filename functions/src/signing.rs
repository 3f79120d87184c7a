//! Signing electronic certificates (SPEC §6): the [`Signer`] port and its Ed25519 adapter
//! (locally a key file in the data directory; on AWS the key's 32-byte seed from a managed
//! secret, `JISHENG_SIGNING_KEY`, so the private key never sits in the code or the template),
//! what a certificate issued on a case states, and the verify page's address for it. Used by
//! the review and certificates handlers, the lookup and the deadline sweep.

use std::path::Path;

use axum::http::{StatusCode, header};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use domain::case::IssuedCertificate;
use domain::certificate::{CertificateFacts, CertificateNumber, PublishedKey};
use ed25519_dalek::Signer as _;
use sha2::{Digest, Sha256};

use crate::errors;
use crate::ports::CaseRecord;
use crate::problem::Problem;

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
