//! Staff passwords: Argon2id hashes in PHC strings, checked in constant time, with a decoy
//! hash so an unknown username takes as long as a known one. Used by sign-in and by the
//! administrators' account management.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

/// An Argon2id hash of `password` with a fresh salt (PHC string).
pub fn hash_password(password: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| e.to_string())?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

pub fn password_matches(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A hash to verify against when the username is unknown, so the answer takes as long as for
/// a known one and does not tell which usernames exist.
pub fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_against_their_argon2_hash_only() {
        let h = hash_password("demo").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(password_matches("demo", &h));
        assert!(!password_matches("Demo", &h));
        assert!(!password_matches("demo", "not a hash"));
    }
}
