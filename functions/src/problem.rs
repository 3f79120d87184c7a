//! RFC 9457 problem details: the one place where errors become HTTP responses.
//!
//! Every error the API answers carries a stable machine `code`, a Chinese `title` and an
//! English `title_en`, so a client can branch on the code and show either language.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// A problem document (`application/problem+json`).
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_uri: String,
    pub status: u16,
    pub code: &'static str,
    pub title: &'static str,
    pub title_en: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
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
        }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
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
