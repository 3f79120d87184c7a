//! The 婚育情况证明 for someone whose hukou is outside the province (issue 17 point 2).
//!
//! 003 三(二): the window issues the proof; for an applicant from outside the city it takes a
//! signed commitment and "通过电话、函件等方式核实" — never sends them home for it. So the
//! window records how it verified, with whom and what it learnt before it issues; the
//! commitment itself is on the checklist (`commitment_letter`, or the online commitment).

use serde::{Deserialize, Serialize};

use super::{Case, TransitionError};
use crate::Date;
use crate::service::Service;

/// The source of the rule.
pub const OUT_OF_CITY_SOURCE: &str = "003 三(二)；004 三(三)";

/// How the window verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CheckMethod {
    Phone,
    Letter,
}

impl CheckMethod {
    pub fn name_zh(self) -> &'static str {
        match self {
            CheckMethod::Phone => "电话核实",
            CheckMethod::Letter => "函件核实",
        }
    }
}

/// What the window sends with `issue` for an out-of-province applicant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct OutOfCityCheck {
    pub method: CheckMethod,
    /// Whom the window asked: the office or person at the hukou place, and how reached.
    pub contact: String,
    /// What they confirmed.
    pub result: String,
}

/// The check as the case keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct RecordedCheck {
    #[serde(flatten)]
    pub check: OutOfCityCheck,
    pub on: Date,
    pub by: String,
}

impl Case {
    /// A proof for a couple with a hukou outside the province: issued only after the window's
    /// verification is recorded.
    pub fn needs_out_of_city_check(&self) -> bool {
        self.service == Service::MaritalStatusProof
            && crate::policy::is_cross_province(&self.situation)
    }
}

/// The check an `issue` must carry, trimmed; `Ok(None)` where none is needed.
pub fn required(
    case: &Case,
    check: Option<&OutOfCityCheck>,
) -> Result<Option<OutOfCityCheck>, TransitionError> {
    if !case.needs_out_of_city_check() {
        return Ok(None);
    }
    let trimmed = check.map(|c| OutOfCityCheck {
        method: c.method,
        contact: c.contact.trim().to_string(),
        result: c.result.trim().to_string(),
    });
    match trimmed {
        Some(c) if !c.contact.is_empty() && !c.result.is_empty() => Ok(Some(c)),
        _ => Err(TransitionError::OutOfCityCheckRequired),
    }
}

/// The limit for finishing the checks once deferred. 004 三(三) excepts these cases from "现场
/// 办结" without giving a number; this system sets the 协查 limit (10 working days) so the step
/// is on the queue with a date and turns red when late.
pub const DEFER_LIMIT: crate::calendar::TimeLimit = super::VERIFICATION_LIMIT;
pub const DEFER_SOURCE: &str = "004 三(三)“跨市流动、家庭婚姻变动复杂需多地核查等特殊情况除外”（时限由本系统设定为10个工作日）";

/// What a deferral adds to the case.
pub(super) struct Deferral {
    pub line: String,
    pub step: super::StepDeadline,
    pub verification: Option<super::Verification>,
}

/// The window records that the checks in several places could not finish on the spot: only
/// for a proof that needs them, still open, once, and with the reason in writing.
pub(super) fn defer(
    case: &Case,
    reason: &str,
    to: Option<crate::division::DivisionCode>,
    today: Date,
    calendar: &crate::calendar::Calendar,
) -> Result<Deferral, TransitionError> {
    use super::CaseState as S;
    if !case.needs_out_of_city_check()
        || case.out_of_city_deferred.is_some()
        || !matches!(case.state, S::Submitted | S::PreReviewed)
    {
        return Err(TransitionError::InvalidState {
            state: case.state,
            action: crate::roles::ActionKind::DeferOutOfCityCheck,
        });
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(TransitionError::ReasonsRequired);
    }
    let due = calendar.due(today, DEFER_LIMIT)?;
    let verification = to.map(|to| super::Verification {
        id: u32::try_from(case.verifications.len())
            .unwrap_or(u32::MAX)
            .saturating_add(1),
        to,
        question: format!("请核实申请人婚育情况：{reason}"),
        requested_on: today,
        due: due.date,
        answer: None,
        answered_on: None,
        provisional: due.provisional,
    });
    let mut line = format!(
        "多地核查当场无法完成，转为承诺件：{reason}；{}前出具（{DEFER_SOURCE}）",
        super::dated(due)
    );
    if let Some(to) = to {
        line.push_str(&format!("；已向{to}发出协查"));
    }
    Ok(Deferral {
        line,
        step: super::StepDeadline {
            step: "out_of_city_check".into(),
            limit: DEFER_LIMIT,
            due: due.date,
            source: DEFER_SOURCE.into(),
            done_on: None,
            provisional: due.provisional,
        },
        verification,
    })
}
