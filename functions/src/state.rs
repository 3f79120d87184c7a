//! What every stateful handler receives: the ports, built once (in `main` for Lambda, in the
//! local server, or by a test) and shared.

use std::sync::Arc;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::ports::{BlobStore, CaseStore, Clock, PopulationRegistry, StaffStore};

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn CaseStore>,
    pub staff: Arc<dyn StaffStore>,
    pub blobs: Arc<dyn BlobStore>,
    pub clock: Arc<dyn Clock>,
    pub registry: Arc<dyn PopulationRegistry>,
    /// The 失信联合惩戒对象 list (004 四(三)).
    pub credit: Arc<dyn crate::credit::CreditList>,
    pub keys: Arc<Keys>,
    /// Signs electronic certificates (SPEC §6).
    pub signer: Arc<dyn crate::signing::Signer>,
    /// The country's divisions: codes checked, villages searched (issue 22).
    pub divisions: Arc<crate::gazette::Gazette>,
    /// The notifications outbox and what sends it (issue 20): the local file, or SNS and SES.
    /// The messages are written with each change by the store whatever this holds.
    pub messages: Option<Messages>,
}

/// The outbox and the notifier of a deployment that sends notifications.
#[derive(Clone)]
pub struct Messages {
    pub outbox: Arc<dyn crate::ports::OutboxStore>,
    pub notifier: Arc<dyn crate::ports::Notifier>,
}

impl std::fmt::Debug for Messages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Messages")
    }
}

/// What the public functions that count dates need (health, eligibility and deadlines, guides):
/// the clock and the store the loaded holiday notices live in — no keys, no uploads.
#[derive(Clone)]
pub struct Reckoning {
    pub store: Arc<dyn CaseStore>,
    pub clock: Arc<dyn Clock>,
    /// Division codes are checked against the country's data (issue 22).
    pub divisions: Arc<crate::gazette::Gazette>,
}

impl std::fmt::Debug for Reckoning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Reckoning")
    }
}

impl Reckoning {
    /// The calendar the functions count on now (built-in years and loaded notices).
    pub async fn calendar(&self) -> Result<domain::Calendar, crate::ports::StoreError> {
        crate::reckoning::current(self.store.as_ref()).await
    }
}

impl AppState {
    pub fn reckoning(&self) -> Reckoning {
        Reckoning {
            store: self.store.clone(),
            clock: self.clock.clone(),
            divisions: self.divisions.clone(),
        }
    }

    /// The calendar the functions count on now (built-in years and loaded notices).
    pub async fn calendar(&self) -> Result<domain::Calendar, crate::ports::StoreError> {
        crate::reckoning::current(self.store.as_ref()).await
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AppState")
    }
}

/// The server's secret for keyed hashes: access codes and ID numbers are stored as
/// HMAC-SHA256 under it, so a copy of the database alone cannot brute-force them.
pub struct Keys {
    hmac_key: Vec<u8>,
    /// What sealing keys are derived from, when not the HMAC key: the KMS data key on AWS
    /// (`crate::adapters::envelope`).
    seal_root: Option<Vec<u8>>,
    /// The Cognito user pool's public keys, when staff sign in there (AWS).
    pub jwks: Option<crate::tokens::Jwks>,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(..)")
    }
}

impl Keys {
    pub fn new(hmac_key: Vec<u8>) -> Keys {
        Keys {
            hmac_key,
            seal_root: None,
            jwks: None,
        }
    }

    /// Seals with keys derived from `root` (the KMS data key) instead of the HMAC key.
    pub fn with_seal_root(mut self, root: Vec<u8>) -> Keys {
        self.seal_root = Some(root);
        self
    }

    /// Also accepts RS256 tokens of this user pool.
    pub fn with_jwks(mut self, jwks: crate::tokens::Jwks) -> Keys {
        self.jwks = Some(jwks);
        self
    }

    /// The key that seals data at rest for `purpose` (crate::sealed).
    pub fn sealer(&self, purpose: &str) -> crate::sealed::Sealer {
        crate::sealed::Sealer::from_secret(
            self.seal_root.as_deref().unwrap_or(&self.hmac_key),
            purpose,
        )
    }

    /// A hex HMAC of `purpose` and `value` (purposes keep the hashes of different things apart).
    pub fn keyed_hash(&self, purpose: &str, value: &str) -> String {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.hmac_key) else {
            return String::new();
        };
        mac.update(purpose.as_bytes());
        mac.update(b"\0");
        mac.update(value.as_bytes());
        hex(&mac.finalize().into_bytes())
    }

    /// Compares a presented access code with the stored hash in constant time.
    pub fn access_code_matches(&self, code: &str, stored_hash: &str) -> bool {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.hmac_key) else {
            return false;
        };
        mac.update(b"access_code\0");
        mac.update(code.trim().to_ascii_uppercase().as_bytes());
        let Ok(expected) = decode_hex(stored_hash) else {
            return false;
        };
        mac.verify_slice(&expected).is_ok()
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn decode_hex(s: &str) -> Result<Vec<u8>, ()> {
    if !s.len().is_multiple_of(2) {
        return Err(());
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2).ok_or(())?, 16).map_err(|_| ()))
        .collect()
}

/// Random text from an alphabet without look-alike characters (no 0/O, 1/I/L), for codes
/// that people read out and type.
pub fn random_code(len: usize) -> Result<String, getrandom::Error> {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut bytes = vec![0u8; len];
    getrandom::fill(&mut bytes)?;
    Ok(bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_codes_verify_against_their_keyed_hash_only() {
        let keys = Keys::new(b"k".to_vec());
        let hash = keys.keyed_hash("access_code", "ABC234");
        assert!(
            keys.access_code_matches("abc234 ", &hash),
            "case and spaces forgiven"
        );
        assert!(!keys.access_code_matches("ABC235", &hash));
        assert!(!Keys::new(b"other".to_vec()).access_code_matches("ABC234", &hash));
        assert!(!keys.access_code_matches("ABC234", "zz"));
    }

    #[test]
    fn random_codes_use_the_readable_alphabet() {
        let code = random_code(12).unwrap();
        assert_eq!(code.len(), 12);
        assert!(code.chars().all(|c| !"01OIL".contains(c)));
        assert_ne!(random_code(12).unwrap(), code);
    }
}
