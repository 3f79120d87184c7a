//! Who is asking, and what they may read: the staff extractors (`Staff`, `MaybeStaff`: a bearer
//! token checked against the account as it stands now), the applicant's access code, and the
//! audited reads of a case that every handler reading one goes through (吉林 art. 13: every read
//! is logged). Handlers import this; it imports no handler.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use domain::case::{CaseNumber, Event};
use domain::roles::{Actor, Capability, Relation};

use crate::errors;
use crate::ports::CaseRecord;
use crate::problem::Problem;
use crate::state::AppState;
use crate::tokens::{Claims, ISSUER, verify};

pub fn unauthenticated() -> Problem {
    Problem::new(
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
        "请先登录（Authorization: Bearer 令牌）",
        "Sign in first: send Authorization: Bearer <token>",
    )
}

fn invalid_token(why: &str) -> Problem {
    Problem::new(
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
    if state.staff.token_revoked(&claims.jti).await? {
        return Err(invalid_token("signed out"));
    }
    // The account as it stands now (issue 18): disabled, reset or moved to another role or
    // division since the token was signed, the token no longer counts. Cognito users without
    // an account here are managed in the pool.
    let account = state.staff.account(&claims.sub).await?;
    match account {
        None if claims.iss == ISSUER => return Err(invalid_token("no such account")),
        None => {}
        Some(a) => {
            if a.disabled {
                return Err(invalid_token("account disabled"));
            }
            if claims.iss == ISSUER
                && (a.token_epoch != claims.epoch
                    || a.role != claims.role
                    || a.division != claims.division)
            {
                return Err(invalid_token("the account changed since sign-in"));
            }
        }
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

pub const ACCESS_CODE_HEADER: &str = "x-access-code";

/// The same answer for "no such case" and "wrong access code": neither reveals anything.
pub fn case_not_found() -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "case_not_found",
        "未找到该案件，或查询码不正确",
        "No such case, or the access code is wrong",
    )
}

/// A case number from a path: a malformed one is answered as a missing case, before any store
/// is asked (`domain::case::CaseNumber`).
pub fn case_number(number: &str) -> Result<CaseNumber, Problem> {
    CaseNumber::parse(number).map_err(|_| case_not_found())
}

/// The case, when `code` is its access code; otherwise the same 404 as for no case.
pub async fn applicant_record(
    state: &AppState,
    number: &str,
    code: &str,
) -> Result<CaseRecord, Problem> {
    let number = case_number(number)?;
    let record = state.store.get(number.as_str()).await?;
    record
        .filter(|r| state.keys.access_code_matches(code, &r.access_code_hash))
        .ok_or_else(case_not_found)
}

/// The audit action recorded when staff read a case (吉林 art. 13: every read is logged).
pub const READ_ACTION: &str = "read";

/// The audit action of showing a case's ID numbers in full (吉林 art. 13).
pub const REVEAL_ACTION: &str = "reveal_id_numbers";

/// Reads that change nothing and stay out of the timeline (they are in the audit trail).
pub fn audit_only(e: &Event) -> bool {
    e.action == READ_ACTION
        || e.action == REVEAL_ACTION
        || e.action.starts_with(ATTACHMENT_ACTION)
        || e.action == crate::holders::LOOKUP_ACTION
        || e.action == crate::signing::DOWNLOAD_ACTION
}

/// The audit action of opening an attached scan.
pub const ATTACHMENT_ACTION: &str = "read_attachment";

/// The case for staff who may exercise `capability` on it (`domain::case::may`), after
/// recording `action` in its audit trail.
pub(crate) async fn audited_staff_read(
    state: &AppState,
    number: &str,
    actor: &Actor,
    capability: Capability,
    action: &str,
) -> Result<(CaseRecord, Vec<Event>, domain::Date), Problem> {
    let record = staff_record(state, number, actor, capability).await?;
    let (events, today) = audit_read(state, &record, actor, action).await?;
    Ok((record, events, today))
}

/// The case for staff who may exercise `capability` on it. A case they may not even read
/// answers exactly as a missing one, so nobody probes which case numbers exist (issue 18);
/// one they read but may not use this way is a 403.
pub(crate) async fn staff_record(
    state: &AppState,
    number: &str,
    actor: &Actor,
    capability: Capability,
) -> Result<CaseRecord, Problem> {
    // Roles without a work queue (administrators) see no case, whatever the number.
    let Actor::Staff {
        division: Some(_),
        role,
        ..
    } = actor
    else {
        return Err(errors::forbidden_role());
    };
    if !domain::roles::may(*role, Relation::NoCase, Capability::WorkQueue) {
        return Err(errors::forbidden_role());
    }
    let number = case_number(number)?;
    let record = state
        .store
        .get(number.as_str())
        .await?
        .ok_or_else(case_not_found)?;
    if domain::case::may(&record.case, actor, Capability::Read).is_err() {
        return Err(case_not_found());
    }
    domain::case::may(&record.case, actor, capability).map_err(|e| errors::transition(&e))?;
    Ok(record)
}

/// Records that `actor` read the case (`action`, e.g. which scan), changing nothing else, and
/// answers its audit trail and the day.
pub(crate) async fn audit_read(
    state: &AppState,
    record: &CaseRecord,
    actor: &Actor,
    action: &str,
) -> Result<(Vec<Event>, domain::Date), Problem> {
    let number = record.case.number.as_str();
    let now = state.clock.now();
    let read = Event {
        at: now,
        actor: actor.clone(),
        action: action.into(),
        from: Some(record.case.state),
        to: record.case.state,
        details: Vec::new(),
    };
    state
        .store
        .append_events(number, std::slice::from_ref(&read))
        .await?;
    tracing::info!(case = %number, by = ?actor_name(actor), action, "case read");
    let events = state.store.events(number).await?;
    Ok((events, now.date()))
}

/// Who is asking. Behind CloudFront, API Gateway's source address is the edge's, so the
/// viewer's address is taken from `CloudFront-Viewer-Address` — but only on a request that
/// carries the origin secret CloudFront adds (`X-Origin-Verify`, `JISHENG_ORIGIN_VERIFY`), as a
/// caller going straight to the API could write that header itself. Otherwise the source
/// address API Gateway saw, or locally the peer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client(pub String);

/// `JISHENG_ORIGIN_VERIFY`, read once.
fn origin_secret() -> Option<&'static str> {
    static SECRET: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    SECRET
        .get_or_init(|| {
            std::env::var("JISHENG_ORIGIN_VERIFY")
                .ok()
                .filter(|s| !s.is_empty())
        })
        .as_deref()
}

impl Client {
    pub fn of(parts: &Parts, origin_secret: Option<&str>) -> Client {
        use sha2::{Digest, Sha256};
        let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
        // Digests compared, so the comparison's time says nothing about the secret.
        let via_cloudfront = origin_secret.is_some_and(|secret| {
            header("x-origin-verify")
                .is_some_and(|v| Sha256::digest(v.as_bytes()) == Sha256::digest(secret.as_bytes()))
        });
        if via_cloudfront
            && let Some((ip, _port)) =
                header("cloudfront-viewer-address").and_then(|a| a.rsplit_once(':'))
        {
            return Client(ip.trim_matches(['[', ']']).to_string());
        }
        if let Some(lambda_http::request::RequestContext::ApiGatewayV2(ctx)) =
            parts
                .extensions
                .get::<lambda_http::request::RequestContext>()
            && let Some(ip) = &ctx.http.source_ip
        {
            return Client(ip.clone());
        }
        if let Some(ConnectInfo(addr)) = parts.extensions.get::<ConnectInfo<SocketAddr>>() {
            return Client(addr.ip().to_string());
        }
        Client("unknown".into())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Client::of(parts, origin_secret()))
    }
}

/// How a log line names who acted (a username, never a person's name or ID number).
pub fn actor_name(actor: &Actor) -> &str {
    match actor {
        Actor::Staff { username, .. } => username,
        Actor::Applicant => "applicant",
        Actor::System => "system",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::request::Parts;

    fn parts(headers: &[(&str, &str)]) -> Parts {
        let mut request = axum::http::Request::builder();
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        let mut parts = request.body(()).unwrap().into_parts().0;
        parts
            .extensions
            .insert(ConnectInfo(SocketAddr::from(([203, 0, 113, 9], 443))));
        parts
    }

    #[test]
    fn the_viewer_address_counts_only_with_cloudfront_s_secret() {
        // Arrange
        let viewer = [
            ("cloudfront-viewer-address", "198.51.100.7:50432"),
            ("x-origin-verify", "s3cret"),
        ];
        let v6 = [
            ("cloudfront-viewer-address", "2001:db8::1:50432"),
            ("x-origin-verify", "s3cret"),
        ];
        let forged = [
            ("cloudfront-viewer-address", "198.51.100.7:50432"),
            ("x-origin-verify", "guess"),
        ];

        // Act + assert
        assert_eq!(
            Client::of(&parts(&viewer), Some("s3cret")).0,
            "198.51.100.7"
        );
        assert_eq!(Client::of(&parts(&v6), Some("s3cret")).0, "2001:db8::1");
        assert_eq!(Client::of(&parts(&forged), Some("s3cret")).0, "203.0.113.9");
        assert_eq!(
            Client::of(&parts(&viewer), None).0,
            "203.0.113.9",
            "no secret configured"
        );
    }
}
