//! Staff sign-in (SPEC §5): `POST /api/auth/login`, `POST /api/auth/logout`, `GET /api/auth/me`,
//! and the bearer-token check every staff endpoint uses.
//!
//! Tokens are JWTs (8 hours) sent as `Authorization: Bearer …` — no cookies, so no CSRF. Local
//! runs sign them here (HS256, with a key derived from the server's secret). On AWS staff sign
//! in to a Cognito user pool whose RS256 ID tokens carry the same role and division as the
//! `custom:role` and `custom:division` attributes; [`verify`] accepts either and yields the same
//! [`Claims`], so every handler has one token check. Logout revokes a token by its id in both.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::contract::{LoginAnswer, LoginRequest, StaffIdentity};
use serde_json::Value;

use crate::access::Staff;
use crate::errors;
use crate::openapi::{Api, Operation};
use crate::passwords::{decoy_hash, password_matches};
use crate::problem::{JsonBody, Problem};
use crate::state::{AppState, random_code};
use crate::tokens::{Claims, ISSUER, sign};

/// How long a token is valid.
pub const TOKEN_LIFETIME_SECS: i64 = 8 * 3600;

pub fn router() -> Api<AppState> {
    Api::new()
        .post(
            "/auth/login",
            login,
            Operation::new(
                "login",
                "Staff sign-in: a bearer token (JWT, 8 h) with role and division",
            )
            .json_body::<LoginRequest>()
            .answer::<LoginAnswer>(200, "signed in")
            .problem(400, "malformed JSON, or every bad field")
            .problem(401, "wrong username or password (indistinguishable)")
            .problem(403, "account_disabled: told only with the right password")
            .problem(413, "body too large")
            .problem(415, "not JSON")
            .problem(429, "login_throttled or account_locked, with Retry-After")
            .problem(503, "store unavailable"),
        )
        .post(
            "/auth/logout",
            logout,
            Operation::new("logout", "Revoke the token presented")
                .bearer()
                .empty(204, "signed out")
                .problem(401, "no or invalid token")
                .problem(503, "store unavailable"),
        )
        .get(
            "/auth/me",
            me,
            Operation::new("me", "Who the token is for")
                .bearer()
                .answer::<StaffIdentity>(200, "the token's claims")
                .problem(401, "no or invalid token")
                .problem(503, "store unavailable"),
        )
}

fn invalid_credentials() -> Problem {
    Problem::new(
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
        "用户名或密码不正确",
        "Wrong username or password",
    )
}

fn retry_later(code: &'static str, zh: &'static str, en: &'static str, secs: i64) -> Response {
    let mut response = Problem::new(StatusCode::TOO_MANY_REQUESTS, code, zh, en)
        .with_detail(format!("retry after {secs} s"))
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&secs.max(1).to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, v);
    }
    response
}

fn read_login(body: &Value) -> Result<(String, String), Problem> {
    let mut errors = Vec::new();
    let text = |key: &str, errors: &mut Vec<Value>| match body.get(key).and_then(Value::as_str) {
        Some(v) if !v.is_empty() && v.len() <= 200 => Some(v.to_string()),
        _ => {
            errors.push(crate::errors::field_error(
                "invalid_field",
                key,
                "必填，最多200字符 / required, at most 200 characters",
            ));
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
            errors.push(crate::errors::field_error(
                "unknown_field",
                key,
                "未知字段 / unknown field",
            ));
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

// Long: the sign-in's guards in order (throttle, lock, password, disabled account), each answered differently.
async fn login(
    State(state): State<AppState>,
    client: crate::access::Client,
    JsonBody(body): JsonBody,
) -> Result<Response, Problem> {
    use crate::login_guard::{self, Refusal};
    let (username, password) = read_login(&body)?;
    if state.keys.jwks.is_some() {
        // With a user pool, staff sign in there; the system's own tokens are refused.
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "use_user_pool",
            "请通过统一身份认证登录",
            "Sign in through the staff user pool",
        ));
    }
    let now = state.clock.now();
    let store = state.staff.as_ref();
    // Counted before the password is checked, whether or not the name exists (issue 18).
    match login_guard::admit(store, &state.keys, &username, &client, now).await? {
        Ok(()) => {}
        Err(Refusal::Locked { secs }) => {
            return Ok(retry_later(
                "account_locked",
                "连续登录失败次数过多，账号已临时锁定",
                "Too many failed sign-ins: the account is locked for a while",
                secs,
            ));
        }
        Err(Refusal::Throttled { secs }) => {
            return Ok(retry_later(
                "login_throttled",
                "登录失败次数较多，请稍后再试",
                "Several failed sign-ins: wait before trying again",
                secs,
            ));
        }
    }
    let account = store.account(&username).await?;
    // An unknown name costs the same hash as a known one and answers the same.
    let hash = account
        .as_ref()
        .map_or_else(|| decoy_hash().to_string(), |a| a.password_hash.clone());
    let right = verify_blocking(password, hash).await;
    let Some(account) = account.filter(|_| right) else {
        login_guard::failed(store, &state.keys, &client, now).await?;
        // The submitted name is not logged: it may be a password typed in the wrong box.
        tracing::warn!("login failed");
        return Err(invalid_credentials());
    };
    login_guard::succeeded(store, &state.keys, &username).await?;
    if account.disabled {
        // Told only to someone who knows the password.
        return Err(Problem::new(
            StatusCode::FORBIDDEN,
            "account_disabled",
            "该账号已被管理员停用",
            "An administrator has disabled this account",
        ));
    }
    let claims = Claims {
        sub: account.username.clone(),
        role: account.role,
        division: account.division,
        iat: now.0 / 1000,
        exp: now.0 / 1000 + TOKEN_LIFETIME_SECS,
        jti: random_code(16).map_err(|_| errors::internal("random"))?,
        iss: ISSUER.into(),
        epoch: account.token_epoch,
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
    state.staff.revoke_token(&claims.jti, claims.exp).await?;
    tracing::info!(user = %claims.sub, "signed out");
    Ok(StatusCode::NO_CONTENT)
}

async fn me(Staff(claims): Staff) -> Json<StaffIdentity> {
    Json(StaffIdentity {
        expires_at: rfc3339(claims.exp),
        username: claims.sub,
        role: claims.role,
        division: claims.division,
    })
}

/// Unix seconds as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn rfc3339(unix_secs: i64) -> String {
    domain::case::Moment(unix_secs.saturating_mul(1000)).rfc3339()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_written_as_rfc3339_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_727_400_000), "2024-09-27T01:20:00Z");
    }
}
