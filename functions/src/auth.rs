//! Staff sign-in (SPEC §5): `POST /api/auth/login`, `POST /api/auth/logout`, `GET /api/auth/me`,
//! and the bearer-token check every staff endpoint uses.
//!
//! Tokens are JWTs (8 hours) sent as `Authorization: Bearer …` — no cookies, so no CSRF. Local
//! runs sign them here (HS256, with a key derived from the server's secret). On AWS staff sign
//! in to a Cognito user pool whose RS256 ID tokens carry the same role and division as the
//! `custom:role` and `custom:division` attributes; [`verify`] accepts either and yields the same
//! [`Claims`], so every handler has one token check. Logout revokes a token by its id in both.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use domain::DivisionCode;
use domain::case::Moment;
use domain::roles::{Actor, Role};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::errors;
use crate::ports::{StaffAccount, StaffStore, StoreError};
use crate::problem::{JsonBody, Problem};
use crate::state::{AppState, Keys, random_code};

/// How long a token is valid.
pub const TOKEN_LIFETIME_SECS: i64 = 8 * 3600;
const ISSUER: &str = "jisheng";
/// Failures before each further attempt must wait (doubling, up to a minute).
const FREE_FAILURES: u32 = 3;
/// Failures in a row that lock the account.
const LOCK_AFTER: u32 = 10;
const LOCK_SECS: i64 = 30 * 60;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/auth/me", get(me))
}

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
}

impl Claims {
    pub fn actor(&self) -> Actor {
        Actor::Staff {
            username: self.sub.clone(),
            role: self.role,
            division: self.division,
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
}

/// A Cognito user pool's signing keys (its JWKS), issuer and app client: on AWS staff sign in
/// there, and its RS256 ID tokens carry the same role and division as `custom:` attributes.
#[derive(Debug, Clone)]
pub struct Jwks {
    /// kid → (modulus, exponent), big-endian.
    keys: Vec<(String, Vec<u8>, Vec<u8>)>,
    issuer: String,
    client_id: String,
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
                    .and_then(|v| B64.decode(v).ok())
                    .ok_or_else(|| format!("JWKS: key without a valid {name}"))
            };
            let kid = k["kid"].as_str().ok_or("JWKS: key without kid")?;
            keys.push((kid.to_string(), field("n")?, field("e")?));
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

    fn verify(&self, kid: &str, message: &[u8], signature: &[u8]) -> Result<(), TokenError> {
        use aws_lc_rs::signature::{RSA_PKCS1_2048_8192_SHA256, RsaPublicKeyComponents};
        let (_, n, e) = self
            .keys
            .iter()
            .find(|(k, _, _)| k == kid)
            .ok_or(TokenError::Signature)?;
        RsaPublicKeyComponents { n, e }
            .verify(&RSA_PKCS1_2048_8192_SHA256, message, signature)
            .map_err(|_| TokenError::Signature)
    }

    /// A Cognito ID token's claims, as this system's.
    fn claims(&self, payload: &Value) -> Result<Claims, TokenError> {
        let text = |k: &str| payload.get(k).and_then(Value::as_str);
        if text("iss") != Some(self.issuer.as_str())
            || text("token_use") != Some("id")
            || text("aud") != Some(self.client_id.as_str())
        {
            return Err(TokenError::Audience);
        }
        let role = text("custom:role")
            .and_then(|r| serde_json::from_value::<Role>(json!(r)).ok())
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
        })
    }
}

fn mac(keys: &Keys) -> Option<Hmac<Sha256>> {
    Hmac::<Sha256>::new_from_slice(keys.keyed_hash("jwt", "signing").as_bytes()).ok()
}

/// Signs `claims` as a compact JWT.
pub fn sign(keys: &Keys, claims: &Claims) -> Option<String> {
    let header = B64.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = B64.encode(serde_json::to_vec(claims).ok()?);
    let signing_input = format!("{header}.{payload}");
    let mut mac = mac(keys)?;
    mac.update(signing_input.as_bytes());
    let signature = B64.encode(mac.finalize().into_bytes());
    Some(format!("{signing_input}.{signature}"))
}

/// Checks signature, algorithm, issuer and expiry (revocation is checked by the caller): a
/// token this server signed (HS256), or a Cognito ID token of the configured pool (RS256).
/// The algorithm is the one the key demands, never one the token chooses ("none" never).
pub fn verify(keys: &Keys, token: &str, now: Moment) -> Result<Claims, TokenError> {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(sig), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(TokenError::Malformed);
    };
    let header: Value = B64
        .decode(h)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or(TokenError::Malformed)?;
    let sig = B64.decode(sig).map_err(|_| TokenError::Malformed)?;
    let payload: Value = B64
        .decode(p)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or(TokenError::Malformed)?;
    let claims = match (header.get("alg").and_then(Value::as_str), &keys.jwks) {
        (Some("HS256"), _) => {
            let mut mac = mac(keys).ok_or(TokenError::Signature)?;
            mac.update(h.as_bytes());
            mac.update(b".");
            mac.update(p.as_bytes());
            mac.verify_slice(&sig).map_err(|_| TokenError::Signature)?;
            let claims: Claims =
                serde_json::from_value(payload).map_err(|_| TokenError::Malformed)?;
            if claims.iss != ISSUER {
                return Err(TokenError::Malformed);
            }
            claims
        }
        (Some("RS256"), Some(jwks)) => {
            let kid = header
                .get("kid")
                .and_then(Value::as_str)
                .ok_or(TokenError::Malformed)?;
            jwks.verify(kid, format!("{h}.{p}").as_bytes(), &sig)?;
            jwks.claims(&payload)?
        }
        _ => return Err(TokenError::Malformed),
    };
    if claims.exp <= now.0 / 1000 {
        return Err(TokenError::Expired);
    }
    Ok(claims)
}

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

fn password_matches(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A hash to verify against when the username is unknown, so the answer takes as long as for
/// a known one and does not tell which usernames exist.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password").unwrap_or_default())
}

fn problem(status: StatusCode, code: &'static str, zh: &'static str, en: &'static str) -> Problem {
    Problem::new(status, code, zh, en)
}

pub fn unauthenticated() -> Problem {
    problem(
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
        "请先登录（Authorization: Bearer 令牌）",
        "Sign in first: send Authorization: Bearer <token>",
    )
}

fn invalid_token(why: &str) -> Problem {
    problem(
        StatusCode::UNAUTHORIZED,
        "invalid_token",
        "登录已失效，请重新登录",
        "The token is invalid or expired: sign in again",
    )
    .with_detail(why.to_string())
}

/// The signed-in staff member making the request.
#[derive(Debug, Clone)]
pub struct Staff(pub Claims);

/// The staff member, if the request carries a token (a bad token is still an error).
#[derive(Debug, Clone)]
pub struct MaybeStaff(pub Option<Claims>);

async fn claims_from(parts: &Parts, state: &AppState) -> Result<Option<Claims>, Problem> {
    let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .ok_or_else(|| invalid_token("expected `Bearer <token>`"))?;
    let claims =
        verify(&state.keys, token, state.clock.now()).map_err(|e| invalid_token(&e.to_string()))?;
    if state
        .staff
        .token_revoked(&claims.jti)
        .await
        .map_err(|e| errors::store(&e))?
    {
        return Err(invalid_token("signed out"));
    }
    Ok(Some(claims))
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        claims_from(parts, state)
            .await?
            .map(Staff)
            .ok_or_else(unauthenticated)
    }
}

impl FromRequestParts<AppState> for MaybeStaff {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        Ok(MaybeStaff(claims_from(parts, state).await?))
    }
}

#[derive(Debug, Serialize)]
struct LoginAnswer {
    token: String,
    role: Role,
    division: Option<DivisionCode>,
    /// RFC 3339, UTC.
    expires_at: String,
    username: String,
    display_name: String,
}

fn invalid_credentials() -> Problem {
    problem(
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
        "用户名或密码不正确",
        "Wrong username or password",
    )
}

fn retry_later(code: &'static str, zh: &'static str, en: &'static str, secs: i64) -> Response {
    let mut response = problem(StatusCode::TOO_MANY_REQUESTS, code, zh, en)
        .with_detail(format!("retry after {secs} s"))
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&secs.max(1).to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, v);
    }
    response
}

/// Seconds the next attempt must still wait, for an account with recent failures.
fn wait_secs(account: &StaffAccount, now: Moment) -> Option<(bool, i64)> {
    if let Some(until) = account.locked_until
        && until > now
    {
        return Some((true, (until.0 - now.0 + 999) / 1000));
    }
    let extra = account
        .failed_logins
        .checked_sub(FREE_FAILURES)
        .filter(|n| *n > 0)?;
    let backoff_ms = 1000i64 << extra.min(6);
    let last = account.last_failure?;
    let ready = last.0 + backoff_ms.min(60_000);
    (ready > now.0).then_some((false, (ready - now.0 + 999) / 1000))
}

fn read_login(body: &Value) -> Result<(String, String), Problem> {
    let mut errors = Vec::new();
    let text = |key: &str, errors: &mut Vec<Value>| match body.get(key).and_then(Value::as_str) {
        Some(v) if !v.is_empty() && v.len() <= 200 => Some(v.to_string()),
        _ => {
            errors.push(json!({"code": "invalid_field", "field": key, "message": "必填，最多200字符 / required, at most 200 characters"}));
            None
        }
    };
    let username = text("username", &mut errors);
    let password = text("password", &mut errors);
    if let Some(obj) = body.as_object() {
        for key in obj
            .keys()
            .filter(|k| !["username", "password"].contains(&k.as_str()))
        {
            errors.push(json!({"code": "unknown_field", "field": key, "message": "未知字段 / unknown field"}));
        }
    }
    match (username, password) {
        (Some(u), Some(p)) if errors.is_empty() => Ok((u.trim().to_string(), p)),
        _ => Err(Problem::invalid_request(&errors)),
    }
}

async fn verify_blocking(password: String, phc: String) -> bool {
    tokio::task::spawn_blocking(move || password_matches(&password, &phc))
        .await
        .unwrap_or(false)
}

async fn login(
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<Response, Problem> {
    let (username, password) = read_login(&body)?;
    let now = state.clock.now();
    let store = state.staff.as_ref();
    let Some(mut account) = store
        .account(&username)
        .await
        .map_err(|e| errors::store(&e))?
    else {
        let _ = verify_blocking(password, decoy_hash().to_string()).await;
        tracing::info!(user = %username, "login failed: unknown user");
        return Err(invalid_credentials());
    };
    match wait_secs(&account, now) {
        Some((true, secs)) => {
            return Ok(retry_later(
                "account_locked",
                "连续登录失败次数过多，账号已临时锁定",
                "Too many failed sign-ins: the account is locked for a while",
                secs,
            ));
        }
        Some((false, secs)) => {
            return Ok(retry_later(
                "login_throttled",
                "登录失败次数较多，请稍后再试",
                "Several failed sign-ins: wait before trying again",
                secs,
            ));
        }
        None => {}
    }
    if !verify_blocking(password, account.password_hash.clone()).await {
        account.failed_logins = account.failed_logins.saturating_add(1);
        account.last_failure = Some(now);
        if account.failed_logins >= LOCK_AFTER {
            account.locked_until = Some(Moment(now.0 + LOCK_SECS * 1000));
        }
        store
            .put_account(&account)
            .await
            .map_err(|e| errors::store(&e))?;
        tracing::warn!(user = %username, failures = account.failed_logins, "login failed");
        return Err(invalid_credentials());
    }
    if account.failed_logins > 0 || account.locked_until.is_some() {
        account.failed_logins = 0;
        account.last_failure = None;
        account.locked_until = None;
        store
            .put_account(&account)
            .await
            .map_err(|e| errors::store(&e))?;
    }
    let claims = Claims {
        sub: account.username.clone(),
        role: account.role,
        division: account.division,
        iat: now.0 / 1000,
        exp: now.0 / 1000 + TOKEN_LIFETIME_SECS,
        jti: random_code(16).map_err(|_| errors::internal("random"))?,
        iss: ISSUER.into(),
    };
    let token = sign(&state.keys, &claims).ok_or_else(|| errors::internal("sign"))?;
    tracing::info!(user = %username, role = account.role.code(), "signed in");
    Ok(Json(LoginAnswer {
        token,
        role: account.role,
        division: account.division,
        expires_at: rfc3339(claims.exp),
        username: account.username,
        display_name: account.display_name,
    })
    .into_response())
}

async fn logout(
    State(state): State<AppState>,
    Staff(claims): Staff,
) -> Result<StatusCode, Problem> {
    state
        .staff
        .revoke_token(&claims.jti, claims.exp)
        .await
        .map_err(|e| errors::store(&e))?;
    tracing::info!(user = %claims.sub, "signed out");
    Ok(StatusCode::NO_CONTENT)
}

async fn me(Staff(claims): Staff) -> Json<Value> {
    Json(json!({
        "username": claims.sub, "role": claims.role, "division": claims.division,
        "expires_at": rfc3339(claims.exp)
    }))
}

/// Unix seconds as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn rfc3339(unix_secs: i64) -> String {
    let days = unix_secs.div_euclid(86_400);
    let secs = unix_secs.rem_euclid(86_400);
    let date = domain::Date::from_days(days).unwrap_or(domain::Date::UNIX_EPOCH);
    format!(
        "{date}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// The demo accounts of a local run (issue 5; never created on AWS), all with password `demo`.
pub const DEMO_ACCOUNTS: [(&str, &str, Role, Option<&str>); 6] = [
    (
        "demo-village",
        "四牌坊社区 村(居)专干",
        Role::VillageClerk,
        Some("500116001005"),
    ),
    (
        "demo-township",
        "几江街道 计生办",
        Role::TownshipOfficer,
        Some("500116001"),
    ),
    (
        "demo-county",
        "江津区卫生健康委",
        Role::CountyApprover,
        Some("500116"),
    ),
    (
        "demo-supervisor",
        "江津区 监督",
        Role::Supervisor,
        Some("500116"),
    ),
    ("demo-admin", "系统管理员", Role::Admin, None),
    (
        "demo-ezhou",
        "鄂城区卫生健康局",
        Role::CountyApprover,
        Some("420704"),
    ),
];

/// Creates (or resets) the demo accounts. One hash of `demo` serves them all: these accounts
/// exist only on a developer's machine, and hashing six times would slow every test start.
pub async fn create_demo_accounts(store: &dyn StaffStore) -> Result<(), DemoError> {
    static DEMO_HASH: OnceLock<String> = OnceLock::new();
    let hash = match DEMO_HASH.get() {
        Some(h) => h.clone(),
        None => {
            let h = tokio::task::spawn_blocking(|| hash_password("demo"))
                .await
                .map_err(|e| DemoError::Hash(e.to_string()))?
                .map_err(DemoError::Hash)?;
            DEMO_HASH.get_or_init(|| h).clone()
        }
    };
    for (username, name, role, division) in DEMO_ACCOUNTS {
        let division = match division {
            Some(d) => Some(DivisionCode::parse(d).map_err(|e| DemoError::Hash(e.to_string()))?),
            None => None,
        };
        store
            .put_account(&StaffAccount {
                username: username.into(),
                display_name: name.into(),
                role,
                division,
                password_hash: hash.clone(),
                failed_logins: 0,
                last_failure: None,
                locked_until: None,
            })
            .await?;
    }
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("cannot hash the demo password: {0}")]
    Hash(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn passwords_verify_against_their_argon2_hash_only() {
        let h = hash_password("demo").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(password_matches("demo", &h));
        assert!(!password_matches("Demo", &h));
        assert!(!password_matches("demo", "not a hash"));
    }

    #[test]
    fn failures_back_off_then_lock() {
        let mut a = StaffAccount {
            username: "u".into(),
            display_name: "u".into(),
            role: Role::VillageClerk,
            division: None,
            password_hash: String::new(),
            failed_logins: 3,
            last_failure: Some(Moment(1_000_000)),
            locked_until: None,
        };
        assert_eq!(
            wait_secs(&a, Moment(1_000_000)),
            None,
            "three failures are free"
        );
        a.failed_logins = 4;
        assert_eq!(wait_secs(&a, Moment(1_000_500)), Some((false, 2)));
        assert_eq!(wait_secs(&a, Moment(1_002_000)), None);
        a.failed_logins = 9;
        assert_eq!(
            wait_secs(&a, Moment(1_000_000)),
            Some((false, 60)),
            "capped at a minute"
        );
        a.locked_until = Some(Moment(1_000_000 + 1_800_000));
        assert_eq!(wait_secs(&a, Moment(1_000_000)), Some((true, 1800)));
    }

    #[test]
    fn times_are_written_as_rfc3339_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_727_400_000), "2024-09-27T01:20:00Z");
    }
}
