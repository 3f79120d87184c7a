//! 一次性告知 on the staff side (000 二(二)2: "一次性告知申请人需要补正的全部内容"; 003 三(二)
//! and its 附件1, the Zhao complaint; issue 17 point 1).
//!
//! A return names only items the applicant was asked for in this case — never one the window
//! issues itself or a database confirms (003 三(二): the 婚育情况证明 is the window's) — and says
//! what is wrong with each. Once a case has been returned, a later return may name only what an
//! earlier return named (still defective) or what a resubmission changed: everything else was
//! accepted, and asking for it now is the item-by-item telling 000 二(二)2 forbids. The one
//! exception is a county approver's written reason, recorded on the case and shown to
//! supervisors ("set by this system": the texts provide no exception; a real office sometimes
//! finds a forged item late, and must then say so in writing).

use serde::{Deserialize, Serialize};

use super::{Case, TransitionError};
use crate::Date;
use crate::contract::ProvidedBy;
use crate::materials::MaterialCode;
use crate::roles::{Actor, Capability, Relation};

/// The source a return's rules rest on.
pub const RETURN_SOURCE: &str = "000 二(二)2；003 三(二)、附件1";

/// What is wrong with a returned item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Defect {
    #[default]
    Missing,
    Unreadable,
    Expired,
    /// Does not agree with another item (names, dates, ID numbers).
    Inconsistent,
}

impl Defect {
    pub const ALL: [Defect; 4] = [
        Defect::Missing,
        Defect::Unreadable,
        Defect::Expired,
        Defect::Inconsistent,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Defect::Missing => "missing",
            Defect::Unreadable => "unreadable",
            Defect::Expired => "expired",
            Defect::Inconsistent => "inconsistent",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Defect::Missing => "缺少",
            Defect::Unreadable => "无法辨认",
            Defect::Expired => "已过期",
            Defect::Inconsistent => "与其他材料不一致",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Defect::Missing => "missing",
            Defect::Unreadable => "unreadable",
            Defect::Expired => "expired",
            Defect::Inconsistent => "inconsistent with another item",
        }
    }
}

/// One item a return names, with what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ReturnedItem {
    pub code: MaterialCode,
    #[serde(default)]
    pub defect: Defect,
    /// In the staff member's words (which page, which date disagrees…).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub detail: String,
}

/// A return as the case keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ReturnRecord {
    pub on: Date,
    pub by: String,
    pub items: Vec<ReturnedItem>,
    /// A county approver's written reason for naming an item accepted before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exception: Option<String>,
    /// The items the applicant's resubmission after this return brought anew.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resubmitted: Vec<MaterialCode>,
}

/// An item a return may name now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Returnable {
    pub code: MaterialCode,
    /// It was accepted before: naming it needs a county approver's written reason.
    pub needs_exception: bool,
}

impl Case {
    /// The items the applicant was asked to bring (what the window or a database provides
    /// taken off). Cases opened before this was recorded recompute it from their situation.
    pub fn asked_for(&self) -> Vec<MaterialCode> {
        if !self.asked.is_empty() {
            return self.asked.clone();
        }
        crate::policy::check(&self.situation)
            .map(|answer| {
                answer
                    .materials
                    .iter()
                    .filter(|m| m.provided_by == ProvidedBy::Applicant)
                    .map(|m| m.code)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Items a return named before or a resubmission brought anew: what may still be named.
    fn open_to_return(&self) -> Vec<MaterialCode> {
        let mut open: Vec<MaterialCode> = self
            .returns
            .iter()
            .flat_map(|r| r.items.iter().map(|i| i.code).chain(r.resubmitted.clone()))
            .collect();
        open.sort();
        open.dedup();
        open
    }

    /// What a return may name now, each saying whether it needs a written exception.
    pub fn returnable(&self) -> Vec<Returnable> {
        let open = self.open_to_return();
        self.asked_for()
            .into_iter()
            .map(|code| Returnable {
                code,
                needs_exception: !self.returns.is_empty() && !open.contains(&code),
            })
            .collect()
    }

    /// Records what a resubmission brought (the handler knows the files; the domain keeps
    /// which items they were for).
    pub fn note_resubmitted(&mut self, codes: &[MaterialCode]) {
        if let Some(last) = self.returns.last_mut() {
            for c in codes {
                if !last.resubmitted.contains(c) {
                    last.resubmitted.push(*c);
                }
            }
        }
    }
}

/// The items of a return request: `items` with their defects, and the plain `missing` list
/// older clients send (each "missing"); one entry per item, the first description kept.
pub fn requested_items(missing: &[MaterialCode], items: &[ReturnedItem]) -> Vec<ReturnedItem> {
    let mut out: Vec<ReturnedItem> = Vec::new();
    let described = items.iter().cloned().map(|mut i| {
        i.detail = i.detail.trim().to_string();
        i
    });
    let plain = missing.iter().map(|code| ReturnedItem {
        code: *code,
        defect: Defect::Missing,
        detail: String::new(),
    });
    for item in described.chain(plain) {
        if !out.iter().any(|o| o.code == item.code) {
            out.push(item);
        }
    }
    out.sort_by_key(|i| i.code);
    out
}

/// Checks a return against the case: every item on the applicant's list, and — after a first
/// return — open to return again, or covered by a county approver's written reason. Answers
/// the exception to record, if one was needed.
pub fn check(
    case: &Case,
    items: &[ReturnedItem],
    exception: Option<&str>,
    actor: &Actor,
) -> Result<Option<String>, TransitionError> {
    if items.is_empty() {
        return Err(TransitionError::MissingListRequired);
    }
    let asked = case.asked_for();
    let not_asked: Vec<MaterialCode> = items
        .iter()
        .map(|i| i.code)
        .filter(|c| !asked.contains(c))
        .collect();
    if !not_asked.is_empty() {
        return Err(TransitionError::NotAskedFor(not_asked));
    }
    if case.returns.is_empty() {
        return Ok(None);
    }
    let open = case.open_to_return();
    let accepted: Vec<MaterialCode> = items
        .iter()
        .map(|i| i.code)
        .filter(|c| !open.contains(c))
        .collect();
    if accepted.is_empty() {
        return Ok(None);
    }
    let reason = exception.map(str::trim).filter(|r| !r.is_empty());
    let may_except = actor
        .role()
        .is_some_and(|role| crate::roles::may(role, Relation::NoCase, Capability::ReturnException));
    match reason {
        Some(r) if may_except => Ok(Some(r.to_string())),
        _ => Err(TransitionError::AcceptedBefore(accepted)),
    }
}
