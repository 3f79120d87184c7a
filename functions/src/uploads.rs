//! `POST /api/uploads`: a material photo or scan, taken first so a case can name it.
//! At most 10 MB; JPEG, PNG or PDF, recognised by its bytes, and the declared type must agree.

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::routing::post;
use axum::{Json, Router};
use serde::Serialize;

use crate::problem::Problem;
use crate::state::{AppState, random_code};

pub const UPLOAD_LIMIT: usize = 10 * 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new().route("/uploads", post(upload))
}

#[derive(Debug, Serialize)]
struct Uploaded {
    id: String,
    content_type: &'static str,
    size: usize,
}

/// The type the bytes really are.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        None
    }
}

fn unsupported(detail: String) -> Problem {
    Problem::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_upload_type",
        "只接受 JPEG、PNG 照片或 PDF 文件，且文件类型须与内容一致",
        "Only JPEG or PNG photos and PDF files, with a type that matches the content",
    )
    .with_detail(detail)
}

async fn upload(
    State(state): State<AppState>,
    req: Request,
) -> Result<(StatusCode, Json<Uploaded>), Problem> {
    let declared = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    if !matches!(
        declared.as_str(),
        "image/jpeg" | "image/png" | "application/pdf"
    ) {
        return Err(unsupported(format!("declared type {declared:?}")));
    }
    let too_large = || {
        Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "upload_too_large",
            "文件不能超过10MB，请压缩或分页拍摄后重试",
            "Files may be at most 10 MB: compress or photograph page by page",
        )
    };
    if let Some(len) = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        && len > UPLOAD_LIMIT
    {
        return Err(too_large());
    }
    let bytes = axum::body::to_bytes(req.into_body(), UPLOAD_LIMIT)
        .await
        .map_err(|_| too_large())?;
    if bytes.is_empty() {
        return Err(unsupported("empty file".into()));
    }
    let actual =
        sniff(&bytes).ok_or_else(|| unsupported("the content is not JPEG, PNG or PDF".into()))?;
    if actual != declared {
        return Err(unsupported(format!(
            "declared {declared}, content is {actual}"
        )));
    }
    let id = random_code(20)
        .map(|c| format!("up_{}", c.to_ascii_lowercase()))
        .map_err(|_| crate::errors::internal("random"))?;
    state
        .blobs
        .put(&id, actual, &bytes)
        .await
        .map_err(|e| crate::errors::unavailable(&e))?;
    Ok((
        StatusCode::CREATED,
        Json(Uploaded {
            id,
            content_type: actual,
            size: bytes.len(),
        }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_the_three_accepted_kinds_by_their_bytes() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff(b"%PDF-1.7"), Some("application/pdf"));
        assert_eq!(sniff(b"GIF89a"), None);
        assert_eq!(sniff(b"<html>"), None);
    }
}
