//! `POST /api/uploads`: a material photo or scan, taken first so a case can name it.
//! At most 10 MB; JPEG, PNG or PDF, recognised by its bytes, and the declared type must agree.

use axum::Json;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use domain::contract::{PresignedUpload, UploadAnswer, UploadRequest, Uploaded};
use schemars::{Schema, SchemaGenerator, json_schema};
use serde_json::Value;

use crate::attachments::{UPLOAD_LIMIT, sniff};
use crate::openapi::{Api, Operation, schema_of};
use crate::problem::Problem;
use crate::state::{AppState, random_code};

pub fn router() -> Api<AppState> {
    Api::new().post(
        "/uploads",
        upload,
        Operation::new("upload", "A material photo or scan (JPEG, PNG or PDF; at most 10 MB)")
            .body("image/jpeg", Some(jpeg))
            .body("image/png", Some(png))
            .body("application/pdf", Some(pdf))
            .body("application/json", Some(schema_of::<UploadRequest>))
            .answer::<UploadAnswer>(
                201,
                "stored, or (JSON request: on AWS a Lambda request is at most 6 MB) the presigned PUT to send the file to",
            )
            .problem(
                400,
                "malformed_json, invalid size, or presign_unavailable (this server takes the file itself)",
            )
            .problem(413, "over 10 MB")
            .problem(415, "not JPEG/PNG/PDF, or not what it claims")
            .problem(503, "file store unavailable"),
    )
}

fn jpeg(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": "string", "contentMediaType": "image/jpeg", "maxLength": UPLOAD_LIMIT})
}

fn png(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": "string", "contentMediaType": "image/png", "maxLength": UPLOAD_LIMIT})
}

fn pdf(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": "string", "contentMediaType": "application/pdf", "maxLength": UPLOAD_LIMIT})
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

/// `{"content_type", "size"}` → a presigned PUT URL (S3): the browser sends the file
/// straight to the object store; the case submission checks it afterwards.
async fn presign(
    state: &AppState,
    req: Request,
) -> Result<(StatusCode, Json<UploadAnswer>), Problem> {
    let body = axum::body::to_bytes(req.into_body(), 4096)
        .await
        .unwrap_or_default();
    let value: Value = serde_json::from_slice(&body).map_err(|e| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            "请求内容不是有效的 JSON",
            "The body is not valid JSON",
        )
        .with_detail(e.to_string())
    })?;
    let content_type = value["content_type"]
        .as_str()
        .unwrap_or_default()
        .to_ascii_lowercase();
    if !domain::applicant::UPLOAD_TYPES.contains(&content_type.as_str()) {
        return Err(unsupported(format!("declared type {content_type:?}")));
    }
    let size = match value["size"].as_u64() {
        Some(size) if size > 0 && size <= UPLOAD_LIMIT as u64 => size,
        Some(size) if size > UPLOAD_LIMIT as u64 => return Err(too_large()),
        _ => {
            return Err(Problem::invalid_request(&[crate::errors::invalid(
                "size",
                "文件大小（字节）/ the file size in bytes",
            )]));
        }
    };
    let id = new_id().map_err(|_| crate::errors::internal("random"))?;
    match state
        .blobs
        .presign_put(&id, &content_type, size)
        .await
        .map_err(|e| crate::errors::unavailable(&e))?
    {
        Some(upload) => Ok((
            StatusCode::CREATED,
            Json(UploadAnswer::Presigned(PresignedUpload { id, upload })),
        )),
        None => Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "presign_unavailable",
            "此处请直接上传文件内容",
            "This server takes the file itself: POST it with its image/jpeg, image/png or application/pdf type",
        )),
    }
}

fn too_large() -> Problem {
    Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "upload_too_large",
        "文件不能超过10MB，请压缩或分页拍摄后重试",
        "Files may be at most 10 MB: compress or photograph page by page",
    )
}

/// A fresh upload id (server-made, so it is safe as a file name or object key).
fn new_id() -> Result<String, getrandom::Error> {
    random_code(20).map(|c| format!("up_{}", c.to_ascii_lowercase()))
}

async fn upload(
    State(state): State<AppState>,
    req: Request,
) -> Result<(StatusCode, Json<UploadAnswer>), Problem> {
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
    if declared == "application/json" {
        return presign(&state, req).await;
    }
    if !domain::applicant::UPLOAD_TYPES.contains(&declared.as_str()) {
        return Err(unsupported(format!("declared type {declared:?}")));
    }
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
    let id = new_id().map_err(|_| crate::errors::internal("random"))?;
    state
        .blobs
        .put(&id, actual, &bytes)
        .await
        .map_err(|e| crate::errors::unavailable(&e))?;
    Ok((
        StatusCode::CREATED,
        Json(UploadAnswer::Stored(Uploaded {
            id,
            content_type: actual.to_string(),
            size: bytes.len() as u64,
        })),
    ))
}
