//! Bearer tokens (JWTs) through `jsonwebtoken` (issue 18): HS256 tokens the system signs for
//! its own accounts, or RS256 ID tokens of the configured Cognito user pool — never both. When
//! a pool is configured, HS256 is refused, so the system's signing secret cannot mint a staff
//! token on AWS. The algorithm is the one the configuration demands, never one the token
//! chooses ("none" never). Expiry is checked against the service's clock (the `Clock` port).

use domain::DivisionCode;
use domain::case::Moment;
use domain::roles::{Actor, Capability, Relation, Role};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::state::Keys;

/// The issuer of the system's own tokens.
pub const ISSUER: &str = "jisheng";

/// What a token says about its holder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub role: Role,
    #[serde(default)]
    pub division: Option<DivisionCode>,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
    pub iss: String,
    /// The account's token epoch when the token was signed (the system's own tokens): an
    /// administrator's reset, disable or role change moves the account on, cutting every
    /// earlier token off at once (issue 18).
    #[serde(default)]
    pub epoch: u32,
}

impl Claims {
    /// An audit entry for what this staff member did at `at` outside any case.
    pub fn audit(
        &self,
        at: Moment,
        action: &str,
        subject: impl Into<String>,
    ) -> domain::contract::AuditEntry {
        domain::contract::AuditEntry {
            at,
            by: self.sub.clone(),
            role: self.role,
            division: self.division,
            action: action.to_string(),
            subject: subject.into(),
            details: Vec::new(),
        }
    }

    pub fn actor(&self) -> Actor {
        Actor::Staff {
            username: self.sub.clone(),
            role: self.role,
            division: self.division,
        }
    }

    /// 403 `forbidden_role` unless the role has `capability` outside any case (the table is
    /// `domain::roles::may`; case capabilities are `domain::case::may`'s).
    pub fn require(&self, capability: Capability) -> Result<(), crate::problem::Problem> {
        if domain::roles::may(self.role, Relation::NoCase, capability) {
            Ok(())
        } else {
            Err(crate::errors::forbidden_role())
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("malformed token")]
    Malformed,
    #[error("bad signature")]
    Signature,
    #[error("expired")]
    Expired,
    #[error("not an ID token of this user pool and app client")]
    Audience,
    #[error("the system's own tokens are not accepted where staff sign in to a user pool")]
    OwnTokensOff,
}

/// A Cognito user pool's signing keys (its JWKS), issuer and app client: on AWS staff sign in
/// there, and its RS256 ID tokens carry the same role and division as `custom:` attributes.
#[derive(Clone)]
pub struct Jwks {
    /// kid → the key.
    keys: Vec<(String, DecodingKey)>,
    issuer: String,
    client_id: String,
}

impl std::fmt::Debug for Jwks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jwks")
            .field(
                "kids",
                &self.keys.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            )
            .field("issuer", &self.issuer)
            .finish_non_exhaustive()
    }
}

impl Jwks {
    /// From the JWKS document (`https://cognito-idp.<region>.amazonaws.com/<pool>/.well-known/jwks.json`).
    pub fn parse(jwks: &str, issuer: &str, client_id: &str) -> Result<Jwks, String> {
        let doc: Value = serde_json::from_str(jwks).map_err(|e| format!("JWKS: {e}"))?;
        let mut keys = Vec::new();
        for k in doc["keys"].as_array().ok_or("JWKS: no keys")? {
            if k["kty"] != "RSA" {
                continue;
            }
            let field = |name: &str| {
                k[name]
                    .as_str()
                    .ok_or_else(|| format!("JWKS: key without a valid {name}"))
            };
            let kid = k["kid"].as_str().ok_or("JWKS: key without kid")?;
            let key = DecodingKey::from_rsa_components(field("n")?, field("e")?)
                .map_err(|e| format!("JWKS: key {kid}: {e}"))?;
            keys.push((kid.to_string(), key));
        }
        if keys.is_empty() {
            return Err("JWKS: no RSA keys".into());
        }
        Ok(Jwks {
            keys,
            issuer: issuer.to_string(),
            client_id: client_id.to_string(),
        })
    }

    fn key(&self, kid: &str) -> Result<&DecodingKey, TokenError> {
        self.keys
            .iter()
            .find(|(k, _)| k == kid)
            .map(|(_, key)| key)
            .ok_or(TokenError::Signature)
    }

    /// A Cognito ID token's claims, as this system's.
    fn claims(&self, payload: &Value) -> Result<Claims, TokenError> {
        let text = |k: &str| payload.get(k).and_then(Value::as_str);
        if text("token_use") != Some("id") {
            return Err(TokenError::Audience);
        }
        let role = text("custom:role")
            .and_then(|r| serde_json::from_value::<Role>(Value::String(r.to_string())).ok())
            .ok_or(TokenError::Malformed)?;
        let division = match text("custom:division") {
            None | Some("") => None,
            Some(d) => Some(DivisionCode::parse(d).map_err(|_| TokenError::Malformed)?),
        };
        let number = |k: &str| payload.get(k).and_then(Value::as_i64);
        Ok(Claims {
            sub: text("cognito:username")
                .or_else(|| text("sub"))
                .ok_or(TokenError::Malformed)?
                .to_string(),
            role,
            division,
            iat: number("iat").unwrap_or(0),
            exp: number("exp").ok_or(TokenError::Malformed)?,
            jti: text("jti")
                .or_else(|| text("origin_jti"))
                .ok_or(TokenError::Malformed)?
                .to_string(),
            iss: self.issuer.clone(),
            epoch: 0,
        })
    }
}

fn secret(keys: &Keys) -> Vec<u8> {
    keys.keyed_hash("jwt", "signing").into_bytes()
}

fn refused(e: &jsonwebtoken::errors::Error) -> TokenError {
    match e.kind() {
        ErrorKind::InvalidSignature
        | ErrorKind::InvalidRsaKey(_)
        | ErrorKind::InvalidKeyFormat
        | ErrorKind::Provider(_) => TokenError::Signature,
        ErrorKind::InvalidAudience | ErrorKind::InvalidIssuer => TokenError::Audience,
        ErrorKind::ExpiredSignature => TokenError::Expired,
        _ => TokenError::Malformed,
    }
}

/// Signs `claims` as a compact HS256 JWT.
pub fn sign(keys: &Keys, claims: &Claims) -> Option<String> {
    let key = EncodingKey::from_secret(&secret(keys)).ok()?;
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &key).ok()
}

/// Checks signature, algorithm, issuer, audience and expiry (revocation and the account's
/// cut-off are checked by the caller).
pub fn verify(keys: &Keys, token: &str, now: Moment) -> Result<Claims, TokenError> {
    let header = jsonwebtoken::decode_header(token).map_err(|_| TokenError::Malformed)?;
    let claims = match (header.alg, &keys.jwks) {
        (Algorithm::HS256, None) => {
            let mut validation = Validation::new(Algorithm::HS256);
            validation.set_issuer(&[ISSUER]);
            // Expiry against the service's clock, below.
            validation.validate_exp = false;
            let key = DecodingKey::from_secret(&secret(keys)).map_err(|_| TokenError::Signature)?;
            jsonwebtoken::decode::<Claims>(token, &key, &validation)
                .map_err(|e| refused(&e))?
                .claims
        }
        (Algorithm::HS256, Some(_)) => return Err(TokenError::OwnTokensOff),
        (Algorithm::RS256, Some(jwks)) => {
            let kid = header.kid.as_deref().ok_or(TokenError::Malformed)?;
            let mut validation = Validation::new(Algorithm::RS256);
            validation.set_issuer(&[jwks.issuer.as_str()]);
            validation.set_audience(&[jwks.client_id.as_str()]);
            validation.validate_exp = false;
            let payload = jsonwebtoken::decode::<Value>(token, jwks.key(kid)?, &validation)
                .map_err(|e| refused(&e))?
                .claims;
            jwks.claims(&payload)?
        }
        _ => return Err(TokenError::Malformed),
    };
    if claims.exp <= now.0 / 1000 {
        return Err(TokenError::Expired);
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
    use serde_json::json;

    use super::*;

    fn claims(exp: i64) -> Claims {
        Claims {
            sub: "demo-county".into(),
            role: Role::CountyApprover,
            division: Some(DivisionCode::parse("500116").unwrap()),
            iat: 0,
            exp,
            jti: "j".into(),
            iss: ISSUER.into(),
            epoch: 3,
        }
    }

    #[test]
    fn a_signed_token_verifies_and_a_tampered_one_does_not() {
        // Arrange
        let keys = Keys::new(vec![7; 32]);
        let token = sign(&keys, &claims(2_000_000_000)).unwrap();
        let (head, rest) = token.split_once('.').unwrap();
        let (_, sig) = rest.split_once('.').unwrap();
        let forged_payload = B64.encode(
            serde_json::to_vec(&json!({"sub": "x", "role": "admin", "iat": 0, "exp": 2_000_000_000i64, "jti": "j", "iss": ISSUER})).unwrap(),
        );
        let none_alg = format!("{}.{}.", B64.encode(br#"{"alg":"none"}"#), forged_payload);

        // Act + assert
        assert_eq!(
            verify(&keys, &token, Moment(0)).unwrap(),
            claims(2_000_000_000)
        );
        assert_eq!(
            verify(&keys, &format!("{head}.{forged_payload}.{sig}"), Moment(0)),
            Err(TokenError::Signature)
        );
        assert_eq!(
            verify(&keys, &none_alg, Moment(0)),
            Err(TokenError::Malformed)
        );
        assert_eq!(
            verify(&Keys::new(vec![8; 32]), &token, Moment(0)),
            Err(TokenError::Signature)
        );
        assert_eq!(verify(&keys, "a.b", Moment(0)), Err(TokenError::Malformed));
    }

    #[test]
    fn an_expired_token_is_refused() {
        let keys = Keys::new(vec![7; 32]);
        let token = sign(&keys, &claims(100)).unwrap();
        assert_eq!(
            verify(&keys, &token, Moment(100_000)),
            Err(TokenError::Expired)
        );
        assert!(verify(&keys, &token, Moment(99_000)).is_ok());
    }

    /// A Cognito-style ID token signed with a fresh RSA key, and the JWKS that publishes it.
    fn cognito(payload: &Value) -> (String, Jwks) {
        use aws_lc_rs::rand::SystemRandom;
        use aws_lc_rs::signature::{KeyPair, RSA_PKCS1_SHA256, RsaKeyPair};
        let pair = RsaKeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
        let public = pair.public_key();
        let jwks = json!({"keys": [{"kty": "RSA", "kid": "k1", "alg": "RS256", "use": "sig",
            "n": B64.encode(public.modulus().big_endian_without_leading_zero()),
            "e": B64.encode(public.exponent().big_endian_without_leading_zero())}]});
        let input = format!(
            "{}.{}",
            B64.encode(br#"{"alg":"RS256","kid":"k1"}"#),
            B64.encode(serde_json::to_vec(payload).unwrap())
        );
        let mut sig = vec![0; pair.public_modulus_len()];
        pair.sign(
            &RSA_PKCS1_SHA256,
            &SystemRandom::new(),
            input.as_bytes(),
            &mut sig,
        )
        .unwrap();
        let token = format!("{input}.{}", B64.encode(sig));
        let jwks = Jwks::parse(
            &jwks.to_string(),
            "https://cognito-idp.example/pool",
            "client",
        )
        .unwrap();
        (token, jwks)
    }

    #[test]
    fn a_cognito_id_token_gives_the_same_claims_through_the_same_check() {
        // Arrange
        let payload = json!({
            "sub": "3f1c…", "cognito:username": "li.na", "custom:role": "township_officer",
            "custom:division": "500116001", "iss": "https://cognito-idp.example/pool",
            "aud": "client", "token_use": "id", "iat": 0, "exp": 2_000_000_000i64, "jti": "j-1"
        });
        let (token, jwks) = cognito(&payload);
        let keys = Keys::new(vec![7; 32]).with_jwks(jwks.clone());

        // Act
        let claims = verify(&keys, &token, Moment(0)).unwrap();

        // Assert
        assert_eq!(claims.sub, "li.na");
        assert_eq!(claims.role, Role::TownshipOfficer);
        assert_eq!(claims.division.unwrap().to_string(), "500116001");
        assert_eq!(claims.jti, "j-1");
        assert_eq!(
            verify(&Keys::new(vec![7; 32]), &token, Moment(0)),
            Err(TokenError::Malformed),
            "no pool configured: RS256 is not accepted"
        );
        // A pool configured: the system's own HS256 tokens are refused (issue 18).
        let own = sign(&keys, &super::tests::claims(2_000_000_000)).unwrap();
        assert_eq!(
            verify(&keys, &own, Moment(0)),
            Err(TokenError::OwnTokensOff)
        );
        let mut other = payload.clone();
        other["aud"] = json!("another-client");
        let (token, jwks) = cognito(&other);
        let keys = Keys::new(vec![7; 32]).with_jwks(jwks);
        assert_eq!(verify(&keys, &token, Moment(0)), Err(TokenError::Audience));
        let (forged, _) = cognito(&payload);
        let keys = Keys::new(vec![7; 32]).with_jwks(
            Jwks::parse(
                &json!({"keys": [{"kty": "RSA", "kid": "k1", "n": "AQAB", "e": "AQAB"}]})
                    .to_string(),
                "https://cognito-idp.example/pool",
                "client",
            )
            .unwrap(),
        );
        assert_eq!(
            verify(&keys, &forged, Moment(0)),
            Err(TokenError::Signature)
        );
    }
}
