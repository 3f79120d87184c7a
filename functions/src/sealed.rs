//! Secrets at rest (issue 18): AES-256-GCM under a key derived from the server's secret for
//! one purpose (HMAC-SHA256 of the purpose), with the item's identity as associated data, so a
//! sealed value cannot be moved to another record. What is sealed: the ID numbers of a case
//! record (the keyed-hash index stays for look-ups) and the replayed answer of an idempotent
//! submission, which holds the access code.
//!
//! On AWS the root the keys derive from is a KMS data key (`crate::adapters::envelope`); locally, the
//! server secret (`<data>/secret.key`).

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Marks a sealed value (and its format version).
const PREFIX: &str = "v1:";

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("cannot seal")]
    Seal,
    #[error("a sealed value does not open (another key, another record, or damaged)")]
    Open,
}

/// A key for one purpose.
#[derive(Clone)]
pub struct Sealer {
    key: [u8; 32],
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(..)")
    }
}

impl Sealer {
    /// The key for `purpose` under the server's `secret`.
    pub fn from_secret(secret: &[u8], purpose: &str) -> Sealer {
        let mut key = [0u8; 32];
        if let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) {
            mac.update(b"seal\0");
            mac.update(purpose.as_bytes());
            key.copy_from_slice(&mac.finalize().into_bytes());
        }
        Sealer { key }
    }

    fn aead(&self) -> Result<LessSafeKey, SealError> {
        UnboundKey::new(&AES_256_GCM, &self.key)
            .map(LessSafeKey::new)
            .map_err(|_| SealError::Seal)
    }

    /// `plaintext` sealed for the record `context`: `v1:<base64url(nonce ‖ ciphertext ‖ tag)>`.
    pub fn seal(&self, context: &str, plaintext: &[u8]) -> Result<String, SealError> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|_| SealError::Seal)?;
        let mut data = plaintext.to_vec();
        self.aead()?
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(context.as_bytes()),
                &mut data,
            )
            .map_err(|_| SealError::Seal)?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&data);
        Ok(format!("{PREFIX}{}", B64.encode(out)))
    }

    /// The plaintext of a value sealed for `context`.
    pub fn open(&self, context: &str, sealed: &str) -> Result<Vec<u8>, SealError> {
        let bytes = sealed
            .strip_prefix(PREFIX)
            .and_then(|b| B64.decode(b).ok())
            .ok_or(SealError::Open)?;
        if bytes.len() < NONCE_LEN {
            return Err(SealError::Open);
        }
        let (nonce, rest) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| SealError::Open)?;
        let mut data = rest.to_vec();
        let plain = self
            .aead()?
            .open_in_place(nonce, Aad::from(context.as_bytes()), &mut data)
            .map_err(|_| SealError::Open)?;
        Ok(plain.to_vec())
    }

    /// A key nobody else has (fresh random bytes): for a store that never reads a case record
    /// (the health, eligibility and guides functions read only the holiday notices), so that
    /// it could not open one if it tried.
    pub fn unkeyed() -> Sealer {
        let mut secret = [0u8; 32];
        let _ = getrandom::fill(&mut secret);
        Sealer::from_secret(&secret, "unkeyed")
    }

    /// Whether `value` is sealed (else it was written before sealing began).
    pub fn is_sealed(value: &str) -> bool {
        value.starts_with(PREFIX)
    }
}

/// The purpose the case records' key is derived for.
pub const CASE_RECORDS: &str = "case_records";

/// The fields of a stored case record that are sealed, as JSON pointers.
const SEALED_FIELDS: [&str; 2] = ["/applicant/id_number", "/applicant/spouse_id_number"];

/// A case record as stored: its ID numbers sealed (the case number as context).
pub fn seal_record(
    sealer: &Sealer,
    record: &crate::ports::CaseRecord,
) -> Result<String, crate::ports::StoreError> {
    let mut value = serde_json::to_value(record)?;
    let number = record.case.number.clone();
    for field in SEALED_FIELDS {
        if let Some(slot) = value.pointer_mut(field)
            && let Some(plain) = slot.as_str()
        {
            let sealed = sealer
                .seal(&format!("{number}{field}"), plain.as_bytes())
                .map_err(|e| crate::ports::StoreError::Unavailable(Box::new(e)))?;
            *slot = serde_json::Value::String(sealed);
        }
    }
    Ok(serde_json::to_string(&value)?)
}

/// A stored case record read back: sealed ID numbers opened; values written before sealing
/// began are read as they are.
pub fn open_record(
    sealer: &Sealer,
    stored: &[u8],
) -> Result<crate::ports::CaseRecord, crate::ports::StoreError> {
    let mut value: serde_json::Value = serde_json::from_slice(stored)?;
    let number = value
        .pointer("/case/number")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
        .to_string();
    for field in SEALED_FIELDS {
        if let Some(slot) = value.pointer_mut(field)
            && let Some(sealed) = slot.as_str().filter(|s| Sealer::is_sealed(s))
        {
            let plain = sealer
                .open(&format!("{number}{field}"), sealed)
                .map_err(|e| crate::ports::StoreError::Unavailable(Box::new(e)))?;
            *slot = serde_json::Value::String(String::from_utf8_lossy(&plain).into_owned());
        }
    }
    Ok(serde_json::from_value(value)?)
}

/// An outbox message as stored: its recipient (a phone number or an e-mail address) sealed,
/// with the message id as context.
pub fn seal_message(
    sealer: &Sealer,
    message: &crate::ports::OutboxMessage,
) -> Result<String, crate::ports::StoreError> {
    let mut stored = message.clone();
    stored.to = sealer
        .seal(&format!("{}/to", message.id), message.to.as_bytes())
        .map_err(|e| crate::ports::StoreError::Unavailable(Box::new(e)))?;
    Ok(serde_json::to_string(&stored)?)
}

/// A stored outbox message read back, its recipient opened.
pub fn open_message(
    sealer: &Sealer,
    stored: &str,
) -> Result<crate::ports::OutboxMessage, crate::ports::StoreError> {
    let mut message: crate::ports::OutboxMessage = serde_json::from_str(stored)?;
    let plain = sealer
        .open(&format!("{}/to", message.id), &message.to)
        .map_err(|e| crate::ports::StoreError::Unavailable(Box::new(e)))?;
    message.to = String::from_utf8_lossy(&plain).into_owned();
    Ok(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_only_with_its_key_and_its_context() {
        let sealer = Sealer::from_secret(&[7; 32], "id_numbers");
        let sealed = sealer
            .seal("JS-1/applicant/id_number", b"420704199001011231")
            .unwrap();
        assert!(sealed.starts_with("v1:") && !sealed.contains("4207041990"));
        assert_eq!(
            sealer.open("JS-1/applicant/id_number", &sealed).unwrap(),
            b"420704199001011231"
        );
        assert_eq!(
            sealer.open("JS-2/applicant/id_number", &sealed),
            Err(SealError::Open)
        );
        let other = Sealer::from_secret(&[8; 32], "id_numbers");
        assert_eq!(
            other.open("JS-1/applicant/id_number", &sealed),
            Err(SealError::Open)
        );
        let purpose = Sealer::from_secret(&[7; 32], "idempotency");
        assert_eq!(
            purpose.open("JS-1/applicant/id_number", &sealed),
            Err(SealError::Open)
        );
        // Two seals of the same value differ (a fresh nonce each).
        assert_ne!(
            sealed,
            sealer
                .seal("JS-1/applicant/id_number", b"420704199001011231")
                .unwrap()
        );
    }
}
