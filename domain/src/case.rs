//! A case and its workflow (SPEC §5) as a pure function:
//! `apply(case, action, actor, now) -> (case', events)` or a precise error.
//!
//! The function decides everything a transition needs — permission, scope, state, reasons,
//! deadlines — so the server only stores what it returns (with the version check) and the
//! SPA can show which actions a user may take.

use serde::{Deserialize, Serialize};

use crate::calendar::{Calendar, CalendarError, Due, PROVISIONAL_NOTE, TimeLimit};
use crate::contract::is_false;
use crate::contract::{EligibilityAnswer, EligibilityRequest, Processing};
use crate::date::Date;
use crate::division::{DivisionCode, Level};
use crate::materials::MaterialCode;
use crate::policy::{self, PolicyError};
use crate::roles::{ActionKind, Actor, Role, in_scope, permits};
use crate::service::Service;

/// A point in time (Unix milliseconds). Days are counted in China Standard Time (UTC+8, no
/// daylight saving), so a step done at 23:30 in Chongqing is done that day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Moment(pub i64);

impl Moment {
    const CST_OFFSET_MS: i64 = 8 * 3600 * 1000;

    pub fn date(self) -> Date {
        let days = (self.0 + Self::CST_OFFSET_MS).div_euclid(86_400_000);
        Date::from_days(days).unwrap_or(Date::UNIX_EPOCH)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` (RFC 3339, UTC) — token expiries and message times.
    pub fn rfc3339(self) -> String {
        let secs = self.0.div_euclid(1000);
        let days = secs.div_euclid(86_400);
        let s = secs.rem_euclid(86_400);
        let date = Date::from_days(days).unwrap_or(Date::UNIX_EPOCH);
        format!("{date}T{:02}:{:02}:{:02}Z", s / 3600, s % 3600 / 60, s % 60)
    }

    /// "YYYY-MM-DD HH:MM" in China Standard Time, whatever the reader's time zone.
    pub fn china_time(self) -> String {
        let minutes = (self.0 + Self::CST_OFFSET_MS).rem_euclid(86_400_000) / 60_000;
        format!("{} {:02}:{:02}", self.date(), minutes / 60, minutes % 60)
    }

    /// Midnight at the start of `date` in China Standard Time.
    pub fn start_of(date: Date) -> Moment {
        Moment(date.to_days() * 86_400_000 - Self::CST_OFFSET_MS)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    Submitted,
    PreReviewed,
    TownshipReviewed,
    Approved,
    Issued,
    Delivered,
    /// Sent back with the complete list of what is missing; the applicant resubmits.
    Returned,
    /// Written reasons (000 二(二)5; 吉林 art. 11).
    Refused,
    Withdrawn,
    /// False commitment (吉林 art. 20; 004 三(二)).
    Revoked,
    /// 吉林 art. 22.
    Void,
    /// Accepted here and sent to the competent office outside the provinces this system
    /// serves, which decides it (000 二(二)3 首办负责制; issue 17 point 3).
    Forwarded,
}

impl CaseState {
    pub fn code(self) -> &'static str {
        match self {
            CaseState::Submitted => "submitted",
            CaseState::PreReviewed => "pre_reviewed",
            CaseState::TownshipReviewed => "township_reviewed",
            CaseState::Approved => "approved",
            CaseState::Issued => "issued",
            CaseState::Delivered => "delivered",
            CaseState::Returned => "returned",
            CaseState::Refused => "refused",
            CaseState::Withdrawn => "withdrawn",
            CaseState::Revoked => "revoked",
            CaseState::Void => "void",
            CaseState::Forwarded => "forwarded",
        }
    }

    /// Still waiting for the administration (its deadlines run).
    pub fn is_pending(self) -> bool {
        matches!(
            self,
            CaseState::Submitted
                | CaseState::PreReviewed
                | CaseState::TownshipReviewed
                | CaseState::Approved
        )
    }
}

/// One legal step's deadline, stored with the case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct StepDeadline {
    pub step: String,
    pub limit: TimeLimit,
    pub due: Date,
    pub source: String,
    #[serde(default)]
    pub done_on: Option<Date>,
    /// `due` was counted on a year whose holiday notice is not loaded (SPEC §5).
    #[serde(default, skip_serializing_if = "is_false")]
    pub provisional: bool,
}

/// An electronic seal added by a level (吉林 art. 15, 17).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Seal {
    pub level: Level,
    pub division: DivisionCode,
    pub by: String,
    pub at: Moment,
}

/// An inter-region verification (协查, 000 二(二)4) with its own deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Verification {
    pub id: u32,
    pub to: DivisionCode,
    pub question: String,
    pub requested_on: Date,
    pub due: Date,
    #[serde(default)]
    pub answer: Option<String>,
    #[serde(default)]
    pub answered_on: Option<Date>,
    /// `due` rests on a year whose holiday notice is not loaded.
    #[serde(default, skip_serializing_if = "is_false")]
    pub provisional: bool,
}

/// How the certificate reaches the applicant (SPEC §6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Delivery {
    Pickup,
    /// 货到付款: the recipient pays the courier; the certificate itself is free (004 三(三)).
    ExpressCod {
        address: String,
    },
    /// 吉林 art. 16: black-and-white self-print accepted.
    SelfPrint,
}

/// A legal step's name in Chinese and English (the codes of [`StepDeadline::step`] and of
/// [`Case::overdue`], where an open 协查 is `verification:<id>`).
pub fn step_name(step: &str) -> (&'static str, &'static str) {
    match step {
        "township_opinion" => ("乡镇（街道）审核意见", "Township opinion"),
        "county_decision" => ("县级审批决定", "County decision"),
        "decision" => ("审批决定", "Decision"),
        "township_decision" => ("乡镇（街道）办理", "Township decision"),
        "issue_on_the_spot" => ("当场办结", "Issued on the spot"),
        "out_of_city_check" => ("外地婚育情况多地核查", "Checks in other places"),
        "forward" => ("转送有权办理的单位", "Forwarding to the competent office"),
        s if s.starts_with("verification") => ("协查回复", "Verification answer"),
        s if s.starts_with("correction") => ("更正申请", "Correction request"),
        _ => ("办理步骤", "Step"),
    }
}

/// What the issue of a recognition records (吉林 002 第七条).
pub const RECOGNITION_LINE: &str =
    "外省（区、市）再生育服务卡予以认可并登记，不另发本省再生育服务卡（002 第七条）";

/// The limit for answering a 协查 request. 000 二(二)4 says "按时回复" without a number; this
/// system sets 10 working days so the step cannot be missed silently.
pub const VERIFICATION_LIMIT: TimeLimit = TimeLimit::working_days(10);
pub const VERIFICATION_SOURCE: &str = "000 二(二)4（回复时限由本系统设定为10个工作日）";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub number: String,
    pub version: u64,
    pub service: Service,
    pub situation: EligibilityRequest,
    pub processing: Processing,
    pub state: CaseState,
    pub accepting: DivisionCode,
    pub deciding: DivisionCode,
    /// The office that pre-reviews and gives the opinion, where the texts name one besides the
    /// accepting and deciding offices (重庆's 申报地, 004 四(三); 吉林 re-birth, 002 第六条).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewing: Option<DivisionCode>,
    pub accepted_on: Date,
    pub deadlines: Vec<StepDeadline>,
    #[serde(default)]
    pub seals: Vec<Seal>,
    #[serde(default)]
    pub verifications: Vec<Verification>,
    /// What the last return asked for, all at once.
    #[serde(default)]
    pub missing: Vec<MaterialCode>,
    /// The items the applicant was asked to bring: the only ones a return may name
    /// (`returns.rs`; empty on cases opened before it was kept).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub asked: Vec<MaterialCode>,
    /// Every return: what it named and why, and what the resubmission after it brought.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub returns: Vec<ReturnRecord>,
    #[serde(default)]
    pub delivery: Option<Delivery>,
    /// 001 一(四)1: set on a further-birth application (re-birth or birth service) by a holder
    /// of the honour certificate.
    #[serde(default)]
    pub honor_certificate_cancelled_on: Option<Date>,
    /// Issued because the office could not show ineligibility in time (000 二(二)5).
    #[serde(default)]
    pub deemed_issue: bool,
    /// The day the case was decided (approved, refused, or issued), for processing times; for
    /// a deemed issue, the last legal day (000 二(二)5: "按时").
    #[serde(default)]
    pub decided_on: Option<Date>,
    /// How the window verified an out-of-province applicant's marital status (003 三(二)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub out_of_city_check: Option<RecordedCheck>,
    /// The day the window recorded that the checks in several places could not finish on the
    /// spot and the proof became a promise case (004 三(三)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub out_of_city_deferred: Option<Date>,
    /// The day the last resubmission completed the materials: the review and its limits run
    /// from here ([`RESTART_SOURCE`]); `None` while they run from `accepted_on`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_from: Option<Date>,
    /// Overdue steps already recorded as red lights (000 三(四)), so each is recorded once.
    #[serde(default)]
    pub red_lights: Vec<String>,
    /// The electronic certificate, signed when the case is issued (SPEC §6).
    #[serde(default)]
    pub certificate: Option<IssuedCertificate>,
    /// Requests to correct what the self-service lookup shows (004 四(四)).
    #[serde(default)]
    pub corrections: Vec<Correction>,
}

/// A holder's request to correct a lookup result, made against the office that issued the
/// certificate, which verifies and corrects it (004 四(四): "可到原办理机构…申请更改，办理机构在
/// 核实相关情况后，及时补充和修改完善相关信息").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Correction {
    pub id: u32,
    /// The name the request was made in (one of the holders).
    pub requested_by: String,
    /// What is wrong, in the holder's words.
    pub request: String,
    pub requested_on: Date,
    pub due: Date,
    /// `due` rests on a year whose holiday notice is not loaded.
    #[serde(default, skip_serializing_if = "is_false")]
    pub provisional: bool,
    #[serde(default)]
    pub resolved_on: Option<Date>,
    /// What the office verified and changed.
    #[serde(default)]
    pub resolution: Option<String>,
}

/// 004 四(四) says "及时" without a number; this system sets 10 working days so a request
/// cannot be forgotten silently (it shows in the office's queue and turns red when late).
pub const CORRECTION_LIMIT: TimeLimit = TimeLimit::working_days(10);
pub const CORRECTION_SOURCE: &str = "004 四(四)（办理时限由本系统设定为10个工作日）";
/// Open requests one case may carry at once (a holder cannot flood the office's queue).
pub const MAX_OPEN_CORRECTIONS: usize = 3;

/// A certificate as issued: its facts and the Ed25519 signature over their canonical text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct IssuedCertificate {
    pub facts: crate::certificate::CertificateFacts,
    pub key_id: String,
    /// base64url, 64 bytes.
    pub signature: String,
    /// The signatures of earlier versions, before a correction (004 四(四)): a copy carrying
    /// one of them is superseded by this one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub superseded: Vec<String>,
}

/// The payload of an action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    PreReview,
    /// Return with the complete list of what is missing or defective (one-time notification):
    /// `items` with what is wrong with each, or the plain `missing` list (each "missing").
    Return {
        #[serde(default)]
        missing: Vec<MaterialCode>,
        #[serde(default)]
        items: Vec<ReturnedItem>,
        #[serde(default)]
        note: String,
        /// A county approver's written reason for naming an item accepted before.
        #[serde(default)]
        exception: Option<String>,
    },
    TownshipOpinion {
        agree: bool,
        opinion: String,
    },
    /// The written basis is optional in the API (older clients send none); the console asks
    /// for it, and it is kept with the decision.
    Approve {
        #[serde(default)]
        basis: String,
    },
    Refuse {
        reasons: Vec<String>,
    },
    Seal,
    /// Issue; for an out-of-province 婚育情况证明 with the window's verification
    /// (`out_of_city.rs`).
    Issue {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        out_of_city: Option<OutOfCityCheck>,
    },
    RequestVerification {
        to: DivisionCode,
        question: String,
    },
    /// The checks an out-of-province 婚育情况证明 needs in several places cannot finish on the
    /// spot (004 三(三) "跨市流动、家庭婚姻变动复杂需多地核查"): the item becomes a promise case
    /// with a limit, and a 协查 to `to` when the office asked is in the system.
    DeferOutOfCityCheck {
        reason: String,
        #[serde(default)]
        to: Option<DivisionCode>,
    },
    /// The accepting office sends the file to the competent office outside the provinces this
    /// system serves (`deciding`), saying how (post, exchange platform, …) and the reference.
    ForwardOut {
        via: String,
    },
    AnswerVerification {
        id: u32,
        answer: String,
    },
    Deliver {
        delivery: Delivery,
    },
    Revoke {
        reasons: Vec<String>,
    },
    Void {
        reasons: Vec<String>,
    },
    Resubmit,
    Withdraw,
    DeemedIssue,
    /// The office answers a correction request; `holders`, when given, are the corrected names
    /// on the certificate (the server signs it anew).
    ResolveCorrection {
        id: u32,
        resolution: String,
        #[serde(default)]
        holders: Option<Vec<String>>,
    },
}

impl Action {
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::PreReview => ActionKind::PreReview,
            Action::Return { .. } => ActionKind::Return,
            Action::TownshipOpinion { .. } => ActionKind::TownshipOpinion,
            Action::Approve { .. } => ActionKind::Approve,
            Action::Refuse { .. } => ActionKind::Refuse,
            Action::Seal => ActionKind::Seal,
            Action::RequestVerification { .. } => ActionKind::RequestVerification,
            Action::AnswerVerification { .. } => ActionKind::AnswerVerification,
            Action::DeferOutOfCityCheck { .. } => ActionKind::DeferOutOfCityCheck,
            Action::ForwardOut { .. } => ActionKind::ForwardOut,
            Action::Issue { .. } => ActionKind::Issue,
            Action::Deliver { .. } => ActionKind::Deliver,
            Action::Revoke { .. } => ActionKind::Revoke,
            Action::Void { .. } => ActionKind::Void,
            Action::Resubmit => ActionKind::Resubmit,
            Action::Withdraw => ActionKind::Withdraw,
            Action::DeemedIssue => ActionKind::DeemedIssue,
            Action::ResolveCorrection { .. } => ActionKind::ResolveCorrection,
        }
    }
}

/// One audit event, written with the change it records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub at: Moment,
    pub actor: Actor,
    pub action: String,
    pub from: Option<CaseState>,
    pub to: CaseState,
    /// Reasons, opinions, the missing list — in words, with sources where rules apply.
    #[serde(default)]
    pub details: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("该角色无权执行此操作 / role {role:?} may not {action:?}")]
    NotPermitted {
        role: Option<Role>,
        action: ActionKind,
    },
    #[error("该案件不在您的辖区内 / the case is outside your division")]
    OutOfScope,
    #[error("该角色不能查阅案件 / role {role:?} has no access to cases")]
    NoCaseAccess { role: Role },
    #[error("案件当前状态（{state:?}）不能执行此操作 / cannot {action:?} a case that is {state:?}")]
    InvalidState {
        state: CaseState,
        action: ActionKind,
    },
    #[error("必须写明理由 / written reasons are required")]
    ReasonsRequired,
    #[error("退回时必须一次列明所有缺少的材料 / a return must list every missing material")]
    MissingListRequired,
    #[error(
        "{} 不是本案须由申请人提供的材料（窗口出具或数据库可查的不得要求申请人补正；000 二(二)2、003 三(二)）/ not an item the applicant was asked for: {}",
        names_zh(.0), codes(.0)
    )]
    NotAskedFor(Vec<MaterialCode>),
    #[error(
        "{} 在此前已被受理：再次退回只能针对仍不合格或重新提交的材料，例外须由县级审批人书面说明理由（000 二(二)2）/ accepted before; only a county approver may name it again, with a written reason: {}",
        names_zh(.0), codes(.0)
    )]
    AcceptedBefore(Vec<MaterialCode>),
    #[error("本级已加盖电子印章 / this level has already sealed")]
    AlreadySealed,
    #[error("协查请求不存在或已回复 / no open verification with that id")]
    NoSuchVerification,
    #[error("快递地址不能为空 / an express delivery needs an address")]
    AddressRequired,
    #[error(
        "户籍在外省（市）的，须记录窗口以电话或函件核实的对象和结果后出具（003 三(二)）/ record how the window verified the out-of-province hukou, with whom and the result, before issuing"
    )]
    OutOfCityCheckRequired,
    #[error(
        "须先由申报地（{0}）预审通过，受理窗口方可打印发证（004 四(三)）/ the declared place {0} must pass the pre-review before the window issues"
    )]
    PreReviewRequired(DivisionCode),
    #[error(
        "村(居)受理的生育服务卡须先经乡镇（{0}）登记并加盖电子印章，首接单位方可输出（002 第三条、第十五条）/ the township {0} registers (seals) the card before the village prints it"
    )]
    RegistrationRequired(DivisionCode),
    #[error("期限未届满，不能视为准予 / the deadline has not passed")]
    NotYetDue,
    #[error("本地规则没有视为准予的规定 / these rules have no deemed issue")]
    NoDeemedIssue,
    #[error("该案件没有电子证照 / the case has no certificate")]
    NoCertificate,
    #[error("更正申请不存在或已办结 / no open correction request with that id")]
    NoSuchCorrection,
    #[error("已有3项更正申请正在办理 / three correction requests are already open")]
    TooManyCorrections,
    #[error("持证人姓名须逐一填写，人数不变，不含 | 或 , / one name per holder, without | or ,")]
    InvalidHolders,
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    #[error(transparent)]
    Policy(#[from] PolicyError),
}

impl TransitionError {
    /// Stable code for problem documents.
    pub fn code(&self) -> &'static str {
        match self {
            TransitionError::NotPermitted { .. } => "forbidden_action",
            TransitionError::OutOfScope => "out_of_scope",
            TransitionError::NoCaseAccess { .. } => "forbidden_role",
            TransitionError::InvalidState { .. } => "invalid_state",
            TransitionError::ReasonsRequired => "reasons_required",
            TransitionError::MissingListRequired => "missing_list_required",
            TransitionError::NotAskedFor(_) => "not_asked_for",
            TransitionError::AcceptedBefore(_) => "accepted_before",
            TransitionError::AlreadySealed => "already_sealed",
            TransitionError::NoSuchVerification => "no_such_verification",
            TransitionError::AddressRequired => "address_required",
            TransitionError::OutOfCityCheckRequired => "out_of_city_check_required",
            TransitionError::PreReviewRequired(_) => "pre_review_required",
            TransitionError::RegistrationRequired(_) => "township_registration_required",
            TransitionError::NotYetDue => "not_yet_due",
            TransitionError::NoDeemedIssue => "no_deemed_issue",
            TransitionError::NoCertificate => "no_certificate",
            TransitionError::NoSuchCorrection => "no_such_correction",
            TransitionError::TooManyCorrections => "too_many_corrections",
            TransitionError::InvalidHolders => "invalid_holders",
            TransitionError::Calendar(_) => "outside_calendar",
            TransitionError::Policy(e) => e.code(),
        }
    }
}

impl Case {
    /// Opens a case for a checked, eligible situation, with its deadlines from the calendar.
    // Long: a case opened with every deadline, office and record its first event needs, in one place.
    pub fn open(
        number: String,
        situation: EligibilityRequest,
        answer: &EligibilityAnswer,
        actor: Actor,
        now: Moment,
        calendar: &Calendar,
    ) -> Result<(Case, Vec<Event>), TransitionError> {
        let accepted_on = now.date();
        let procedure = policy::deadline_of(&situation, accepted_on, calendar)??;
        let deadlines = procedure
            .steps
            .into_iter()
            .map(|s| StepDeadline {
                step: s.step,
                limit: TimeLimit {
                    unit: s.unit,
                    value: s.value,
                },
                due: s.due,
                source: s.source,
                done_on: None,
                provisional: s.provisional,
            })
            .collect();
        let mut events = vec![Event {
            at: now,
            actor: actor.clone(),
            action: "submit".into(),
            from: None,
            to: CaseState::Submitted,
            details: answer
                .reasons
                .iter()
                .map(|r| format!("{}（{}）", r.text, r.source))
                .collect(),
        }];
        let mut honor_cancelled = None;
        // 001 一(四)1, for any further birth (policy::honour_certificate_cancelled).
        if matches!(situation.service, Service::Rebirth | Service::BirthService)
            && situation.honor_certificate
        {
            honor_cancelled = Some(accepted_on);
            events.push(Event {
                at: now,
                actor,
                action: "honor_certificate_cancelled".into(),
                from: Some(CaseState::Submitted),
                to: CaseState::Submitted,
                details: vec![format!(
                    "《独生子女父母光荣证》自{accepted_on}起注销，停止奖励优惠待遇（001 一(四)1）"
                )],
            });
        }
        Ok((
            Case {
                number,
                version: 1,
                service: situation.service,
                processing: answer.processing,
                state: CaseState::Submitted,
                accepting: situation.division,
                deciding: answer.deciding_division,
                reviewing: answer.reviewing_division,
                accepted_on,
                deadlines,
                seals: Vec::new(),
                verifications: Vec::new(),
                missing: Vec::new(),
                asked: answer
                    .materials
                    .iter()
                    .filter(|m| m.provided_by == crate::contract::ProvidedBy::Applicant)
                    .map(|m| m.code)
                    .collect(),
                returns: Vec::new(),
                delivery: None,
                honor_certificate_cancelled_on: honor_cancelled,
                deemed_issue: false,
                decided_on: None,
                review_from: None,
                out_of_city_check: None,
                out_of_city_deferred: None,
                red_lights: Vec::new(),
                certificate: None,
                corrections: Vec::new(),
                situation,
            },
            events,
        ))
    }

    /// The offices whose staff see the case, plus the offices asked to verify (the queue
    /// lists it for all of them; what each may do is `may`'s answer).
    pub fn offices(&self) -> Vec<DivisionCode> {
        let mut o = self.working_offices();
        o.extend(self.verifications.iter().map(|v| v.to));
        o
    }

    /// The offices that work the case: the accepting, the deciding and the pre-reviewing
    /// office (SPEC §4, §5).
    pub fn working_offices(&self) -> Vec<DivisionCode> {
        let mut offices = vec![self.accepting, self.deciding];
        offices.extend(self.reviewing);
        offices
    }

    /// The competent office lies outside the provinces this system serves: the accepting
    /// office forwards the file there (`forward_out`) and nothing is decided here.
    pub fn decided_outside(&self) -> bool {
        policy::rules::for_province(self.deciding.province_number()).is_none()
    }

    /// A recognition of another province's re-birth card (吉林 002 第七条): issued means
    /// recognised and registered; no card of this province is signed for it.
    pub fn is_recognition(&self) -> bool {
        policy::is_recognition(&self.situation)
    }

    /// One office decides, and it is a township: the honour certificate where a township
    /// processes it (SPEC §5). Its officer decides; no county approval follows (issue 17
    /// point 4). (A deferred 婚育情况证明 is a promise case too, but the window issues it once
    /// verified: nothing is approved.)
    pub fn township_decides(&self) -> bool {
        self.processing == Processing::Promise
            && self.service == Service::OnlyChildHonor
            && self.deciding.level() >= Level::Township
            && !self.decided_outside()
    }

    /// The earliest open deadline (the work queue sorts by it).
    pub fn next_due(&self) -> Option<Date> {
        let corrections = self.open_corrections().map(|c| c.due).min();
        if !self.state.is_pending() {
            return corrections;
        }
        let steps = self
            .deadlines
            .iter()
            .filter(|d| d.done_on.is_none())
            .map(|d| d.due);
        let checks = self
            .verifications
            .iter()
            .filter(|v| v.answered_on.is_none())
            .map(|v| v.due);
        steps.chain(checks).chain(corrections).min()
    }

    /// Correction requests not yet answered.
    pub fn open_corrections(&self) -> impl Iterator<Item = &Correction> {
        self.corrections.iter().filter(|c| c.resolved_on.is_none())
    }

    /// A holder asks the issuing office to correct what the lookup shows (004 四(四)). Only a
    /// case with a certificate can be looked up, so only such a case takes requests.
    pub fn request_correction(
        &self,
        requested_by: &str,
        request: &str,
        now: Moment,
        calendar: &Calendar,
    ) -> Result<(Case, Vec<Event>), TransitionError> {
        if self.certificate.is_none() {
            return Err(TransitionError::NoCertificate);
        }
        let request = request.trim();
        if request.is_empty() {
            return Err(TransitionError::ReasonsRequired);
        }
        if self.open_corrections().count() >= MAX_OPEN_CORRECTIONS {
            return Err(TransitionError::TooManyCorrections);
        }
        let today = now.date();
        let due = calendar.due(today, CORRECTION_LIMIT)?;
        let mut next = self.clone();
        let id = u32::try_from(self.corrections.len())
            .unwrap_or(u32::MAX)
            .saturating_add(1);
        next.corrections.push(Correction {
            id,
            requested_by: requested_by.trim().to_string(),
            request: request.to_string(),
            requested_on: today,
            due: due.date,
            provisional: due.provisional,
            resolved_on: None,
            resolution: None,
        });
        next.version = self.version + 1;
        let event = Event {
            at: now,
            actor: Actor::Applicant,
            action: "request_correction".into(),
            from: Some(self.state),
            to: self.state,
            details: vec![format!(
                "更正申请 {id}：{request}（{}前办结，{CORRECTION_SOURCE}）",
                dated(due)
            )],
        };
        Ok((next, vec![event]))
    }

    /// Red light (亮红灯, 000 三(四)): steps and verifications past their due date on `today`.
    pub fn overdue(&self, today: Date) -> Vec<String> {
        let late_corrections = self
            .open_corrections()
            .filter(|c| c.due < today)
            .map(|c| format!("correction:{}", c.id));
        if !self.state.is_pending() {
            return late_corrections.collect();
        }
        let late_corrections: Vec<String> = late_corrections.collect();
        let mut out: Vec<String> = self
            .deadlines
            .iter()
            .filter(|d| d.done_on.is_none() && d.due < today)
            .map(|d| d.step.clone())
            .collect();
        out.extend(
            self.verifications
                .iter()
                .filter(|v| v.answered_on.is_none() && v.due < today)
                .map(|v| format!("verification:{}", v.id)),
        );
        out.extend(late_corrections);
        out
    }

    /// Records the steps that went overdue since the last sweep as red lights (000 三(四)):
    /// `None` when there is nothing new, so a sweep run twice writes nothing the second time.
    pub fn flag_overdue(&self, now: Moment) -> Option<(Case, Vec<Event>)> {
        let fresh: Vec<String> = self
            .overdue(now.date())
            .into_iter()
            .filter(|s| !self.red_lights.contains(s))
            .collect();
        if fresh.is_empty() {
            return None;
        }
        let mut next = self.clone();
        next.version = self.version + 1;
        next.red_lights.extend(fresh.iter().cloned());
        let details = fresh
            .iter()
            .map(|step| {
                let due = self
                    .deadlines
                    .iter()
                    .find(|d| &d.step == step)
                    .map(|d| (d.due, d.source.clone()))
                    .or_else(|| {
                        let id = step.strip_prefix("verification:")?.parse::<u32>().ok()?;
                        let v = self.verifications.iter().find(|v| v.id == id)?;
                        Some((v.due, VERIFICATION_SOURCE.to_string()))
                    })
                    .or_else(|| {
                        let id = step.strip_prefix("correction:")?.parse::<u32>().ok()?;
                        let c = self.corrections.iter().find(|c| c.id == id)?;
                        Some((c.due, CORRECTION_SOURCE.to_string()))
                    });
                let name = step_name(step).0;
                match due {
                    Some((due, source)) => {
                        format!("亮红灯：{name}应于{due}前完成，已逾期（{source}；000 三(四)）")
                    }
                    None => format!("亮红灯：{name}已逾期（000 三(四)）"),
                }
            })
            .collect();
        let event = Event {
            at: now,
            actor: Actor::System,
            action: "red_light".into(),
            from: Some(self.state),
            to: self.state,
            details,
        };
        Some((next, vec![event]))
    }

    fn complete_step(&mut self, step: &str, on: Date) {
        if let Some(d) = self
            .deadlines
            .iter_mut()
            .find(|d| d.step == step && d.done_on.is_none())
        {
            d.done_on = Some(on);
        }
    }

    fn complete_all(&mut self, on: Date) {
        for d in self.deadlines.iter_mut().filter(|d| d.done_on.is_none()) {
            d.done_on = Some(on);
        }
    }
}

mod access;
mod dates;
mod intake;
mod number;
mod out_of_city;
mod returns;
mod steps;
#[cfg(test)]
mod tests;
mod workflow;

pub use access::{may, verifies, works};
pub use number::{CaseNumber, CaseNumberError};
pub use out_of_city::{CheckMethod, OUT_OF_CITY_SOURCE, OutOfCityCheck, RecordedCheck};
pub use returns::{Defect, RETURN_SOURCE, ReturnRecord, Returnable, ReturnedItem};
pub use workflow::{RESTART_SOURCE, apply, authorise, available_actions, dated};

fn names_zh(codes: &[MaterialCode]) -> String {
    codes
        .iter()
        .map(|c| c.name_zh())
        .collect::<Vec<_>>()
        .join("、")
}

fn codes(codes: &[MaterialCode]) -> String {
    codes
        .iter()
        .map(|c| c.code())
        .collect::<Vec<_>>()
        .join(", ")
}
