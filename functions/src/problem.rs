//! RFC 9457 problem details: the one place where errors become HTTP responses.
//!
//! Every error the API answers carries a stable machine `code`, a Chinese `title` and an
//! English `title_en`, so a client can branch on the code and show either language; a
//! validation failure lists **every** problem in `errors`, never only the first.

use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;

/// A problem document (`application/problem+json`): RFC 9457 problem details; `errors` lists
/// every problem of a validation failure.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_uri: String,
    pub status: u16,
    /// The stable machine code.
    pub code: &'static str,
    /// Chinese.
    pub title: &'static str,
    pub title_en: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Each item serialised from its type (`domain::contract::ProblemItem` and the types it
    /// unites).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(with = "Vec<domain::contract::ProblemItem>")]
    pub errors: Vec<Value>,
    /// On a 409 version conflict: the case's version now, to reload and retry against.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<u64>,
}

impl Problem {
    pub fn new(
        status: StatusCode,
        code: &'static str,
        title: &'static str,
        title_en: &'static str,
    ) -> Self {
        Problem {
            type_uri: format!("/api/problems/{code}"),
            status: status.as_u16(),
            code,
            title,
            title_en,
            detail: None,
            errors: Vec::new(),
            current_version: None,
        }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub fn with_current_version(mut self, version: u64) -> Self {
        self.current_version = Some(version);
        self
    }

    /// Attaches every individual problem (each serialises to an object with its own `code`).
    pub fn with_errors<T: Serialize>(mut self, errors: &[T]) -> Self {
        self.errors = errors
            .iter()
            .filter_map(|e| serde_json::to_value(e).ok())
            .collect();
        self
    }

    /// 400: the request is malformed; `errors` lists every bad field.
    pub fn invalid_request<T: Serialize>(errors: &[T]) -> Self {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "请求内容有误，请逐项核对",
            "The request has invalid fields; every one is listed",
        )
        .with_errors(errors)
    }

    /// 422: well-formed, but the rules cannot answer it (e.g. a date outside the calendar).
    pub fn unprocessable(code: &'static str, detail: impl Into<String>) -> Self {
        let (title, title_en) = match code {
            "unsupported_province" => (
                "本系统尚未收录该省的政策",
                "No rules are recorded for this province",
            ),
            "date_before_rules" => (
                "该日期早于本系统收录的政策生效日",
                "The date is before the recorded rules",
            ),
            "outside_calendar" => (
                "日期超出可计算的年份（2008–2099年），无法计算工作日",
                "The date is outside the years that can be counted (2008–2099)",
            ),
            "invalid_notice" => (
                "放假安排与法定节假日或日期规则不符，请逐项核对",
                "The holiday notice contradicts the statutory holidays or the date rules; every problem is listed",
            ),
            _ => ("无法处理该请求", "The request cannot be processed"),
        };
        Problem::new(StatusCode::UNPROCESSABLE_ENTITY, code, title, title_en).with_detail(detail)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_else(|_| b"{}".to_vec());
        (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body,
        )
            .into_response()
    }
}

/// Fallback for unknown paths under `/api`.
pub async fn not_found() -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "请求的资源不存在",
        "The requested resource does not exist",
    )
}

/// Fallback for a known path asked with the wrong method.
pub async fn method_not_allowed() -> Problem {
    Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "不支持该请求方法",
        "This method is not allowed on this resource",
    )
}

/// The largest JSON body any endpoint reads; uploads have their own limit.
pub const JSON_LIMIT: usize = 256 * 1024;

/// A JSON body read as a `serde_json::Value`, with every failure a problem document:
/// 415 for another content type, 413 over [`JSON_LIMIT`], 400 for malformed JSON.
/// Handlers then read fields one by one so that every bad field is reported at once.
#[derive(Debug)]
pub struct JsonBody(pub Value);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|mime| {
                let mime = mime.trim();
                mime.eq_ignore_ascii_case("application/json")
                    || (mime.starts_with("application/") && mime.ends_with("+json"))
            });
        if !is_json {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "请求内容应为 JSON（Content-Type: application/json）",
                "The body must be JSON (Content-Type: application/json)",
            ));
        }
        let bytes = axum::body::to_bytes(req.into_body(), JSON_LIMIT)
            .await
            .map_err(|_| {
                Problem::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "payload_too_large",
                    "请求内容过大",
                    "The request body is too large",
                )
                .with_detail(format!("at most {JSON_LIMIT} bytes"))
            })?;
        let _ = state;
        serde_json::from_slice(&bytes).map(JsonBody).map_err(|e| {
            Problem::new(
                StatusCode::BAD_REQUEST,
                "malformed_json",
                "请求内容不是有效的 JSON",
                "The body is not valid JSON",
            )
            .with_detail(e.to_string())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_the_server_writes_is_what_a_client_reads() {
        // Arrange: a validation failure with an item and a version conflict's field.
        let mut problem = Problem::invalid_request(&[crate::errors::invalid(
            "applicant.phone",
            "请填写11位手机号码 / an 11-digit mobile number",
        )]);
        problem.current_version = Some(7);

        // Act
        let json = serde_json::to_value(&problem).unwrap_or_default();
        let read: domain::contract::ProblemDocument =
            serde_json::from_value(json).unwrap_or_else(|e| panic!("{e}"));

        // Assert
        assert_eq!(read.status, 400);
        assert_eq!(read.code, problem.code);
        assert_eq!(
            (read.title.as_str(), read.title_en.as_str()),
            (problem.title, problem.title_en)
        );
        assert_eq!(read.current_version, Some(7));
        assert_eq!(read.items()[0].code(), "invalid_field");
    }
}
