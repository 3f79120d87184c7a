//! Store and infrastructure failures as problem documents (the one place they are mapped).

use axum::http::StatusCode;

use crate::ports::StoreError;
use crate::problem::Problem;

/// 503: the store or file store cannot be reached; nothing was written.
pub fn unavailable(e: &dyn std::error::Error) -> Problem {
    tracing::error!("dependency unavailable: {e}");
    Problem::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "service_unavailable",
        "服务暂时不可用，请稍后重试（未保存任何内容）",
        "The service is temporarily unavailable; nothing was saved, please retry",
    )
}

/// 500 for faults of our own (never for bad input).
pub fn internal(what: &str) -> Problem {
    tracing::error!("internal error: {what}");
    Problem::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal_error",
        "系统内部错误",
        "Internal error",
    )
}

pub fn store(e: &StoreError) -> Problem {
    match e {
        StoreError::Unavailable(_) => unavailable(e),
        StoreError::NotFound => crate::cases::case_not_found(),
        StoreError::VersionConflict { current } => Problem::new(
            StatusCode::CONFLICT,
            "version_conflict",
            "案件已被他人更新，请刷新后重试",
            "Someone else changed the case first: reload it",
        )
        .with_detail(format!("current version {current}")),
        StoreError::AlreadyExists | StoreError::IdempotencyKeyUsed => Problem::new(
            StatusCode::CONFLICT,
            "conflict",
            "请求冲突，请重试",
            "Conflicting request, please retry",
        ),
        StoreError::Corrupt(_) => internal(&e.to_string()),
    }
}
