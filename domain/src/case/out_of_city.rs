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
pub struct OutOfCityCheck {
    pub method: CheckMethod,
    /// Whom the window asked: the office or person at the hukou place, and how reached.
    pub contact: String,
    /// What they confirmed.
    pub result: String,
}

/// The check as the case keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
