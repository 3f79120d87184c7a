//! Store and infrastructure failures as problem documents (the one place they are mapped).

use axum::http::StatusCode;

use domain::case::TransitionError;

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

/// A store failure in a handler answering problem documents is `?` away.
impl From<StoreError> for Problem {
    fn from(e: StoreError) -> Problem {
        store(&e)
    }
}

pub fn store(e: &StoreError) -> Problem {
    match e {
        StoreError::Unavailable(_) => unavailable(e),
        StoreError::NotFound => crate::access::case_not_found(),
        StoreError::VersionConflict { current } => Problem::new(
            StatusCode::CONFLICT,
            "version_conflict",
            "案件已被他人更新，请刷新后重试",
            "Someone else changed the case first: reload it",
        )
        .with_detail(format!("current version {current}"))
        .with_current_version(*current),
        StoreError::Busy => Problem::new(
            StatusCode::CONFLICT,
            "concurrent_write",
            "案件正在被他人更新，请刷新后重试",
            "Someone else is changing the case right now: reload it and retry",
        ),
        StoreError::AlreadyExists | StoreError::IdempotencyKeyUsed => Problem::new(
            StatusCode::CONFLICT,
            "conflict",
            "请求冲突，请重试",
            "Conflicting request, please retry",
        ),
        StoreError::Corrupt(_) => internal(&e.to_string()),
    }
}

/// A workflow rule said no (SPEC §5): who may act, where, in which state, with what reasons.
// Long: one arm per workflow refusal: the table of `TransitionError`s and their HTTP answers.
pub fn transition(e: &TransitionError) -> Problem {
    use TransitionError as T;
    let (status, zh, en) = match e {
        T::NotPermitted { .. } => (
            StatusCode::FORBIDDEN,
            "您的角色无权执行此操作",
            "Your role may not take this action",
        ),
        T::OutOfScope => (
            StatusCode::FORBIDDEN,
            "该案件不在您的辖区内",
            "The case is outside your division",
        ),
        T::NoCaseAccess { .. } => (
            StatusCode::FORBIDDEN,
            "您的角色无权访问此功能",
            "Your role has no access to this",
        ),
        T::InvalidState { .. } => (
            StatusCode::CONFLICT,
            "案件当前状态不能执行此操作",
            "The case's state does not allow this action",
        ),
        T::ReasonsRequired => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "必须写明理由",
            "Written reasons are required",
        ),
        T::MissingListRequired => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "退回时必须一次列明所有缺少的材料",
            "A return must list every missing material",
        ),
        T::NotAskedFor(_) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "退回只能要求申请人补正本案清单内、由申请人提供的材料",
            "A return may name only items the applicant was asked to bring",
        ),
        T::AcceptedBefore(_) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "此前已受理的材料不得再次要求补正（例外须县级审批人书面说明理由）",
            "Items accepted before may not be asked for again (except by a county approver, in writing)",
        ),
        T::AlreadySealed => (
            StatusCode::CONFLICT,
            "本级已加盖电子印章",
            "This level has already sealed the case",
        ),
        T::NoSuchVerification => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "协查请求不存在或已回复",
            "No open verification with that id",
        ),
        T::AddressRequired => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "快递送达须填写地址",
            "An express delivery needs an address",
        ),
        T::OutOfCityCheckRequired => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "户籍在外省（市）的，须先记录电话或函件核实的对象和结果",
            "Record the phone or letter verification of the out-of-province hukou first",
        ),
        T::PreReviewRequired(_) => (
            StatusCode::CONFLICT,
            "须先由申报地预审通过，方可打印发证",
            "The declared place must pass the pre-review before the window issues",
        ),
        T::RegistrationRequired(_) => (
            StatusCode::CONFLICT,
            "须先经乡镇登记并加盖电子印章，方可输出生育服务卡",
            "The township registers and seals the card before the village prints it",
        ),
        T::NotYetDue => (
            StatusCode::CONFLICT,
            "期限未届满",
            "The deadline has not passed",
        ),
        T::NoDeemedIssue => (
            StatusCode::CONFLICT,
            "本地规则没有视为准予的规定",
            "These rules have no deemed issue",
        ),
        T::NoCertificate => (
            StatusCode::CONFLICT,
            "该案件没有电子证照",
            "The case has no certificate",
        ),
        T::NoSuchCorrection => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "更正申请不存在或已办结",
            "No open correction request with that id",
        ),
        T::TooManyCorrections => (
            StatusCode::TOO_MANY_REQUESTS,
            "已有3项更正申请正在办理，请等待办结",
            "Three correction requests are already open; wait for an answer",
        ),
        T::InvalidHolders => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "持证人姓名须逐一填写，人数不变",
            "One name per holder, as many as before",
        ),
        T::Calendar(_) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "日期超出可计算的年份（2008–2099年）",
            "The date is outside the years that can be counted (2008–2099)",
        ),
        T::Policy(_) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "政策规则无法处理该案件",
            "The rules cannot handle this case",
        ),
    };
    Problem::new(status, e.code(), zh, en).with_detail(e.to_string())
}

/// 403 for a role that has no business here (e.g. an admin reading cases).
pub fn forbidden_role() -> Problem {
    Problem::new(
        StatusCode::FORBIDDEN,
        "forbidden_role",
        "您的角色无权访问此功能",
        "Your role has no access to this",
    )
}

/// One field's problem as a problem document lists it (`domain::contract::FieldError`): the
/// one way handlers build field errors.
pub fn field_error(code: &str, field: &str, message: impl Into<String>) -> serde_json::Value {
    serde_json::to_value(domain::contract::FieldError::new(code, field, message))
        .unwrap_or_default()
}

/// One typed item of a problem document's `errors` (`domain::contract::ProblemItem` and the
/// types it unites), as the document carries it.
pub fn item<T: serde::Serialize>(item: &T) -> serde_json::Value {
    serde_json::to_value(item).unwrap_or_default()
}

/// An `invalid_field` error.
pub fn invalid(field: &str, message: impl Into<String>) -> serde_json::Value {
    field_error("invalid_field", field, message)
}
