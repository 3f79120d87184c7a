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
pub struct Moment(pub i64);

impl Moment {
    const CST_OFFSET_MS: i64 = 8 * 3600 * 1000;

    pub fn date(self) -> Date {
        let days = (self.0 + Self::CST_OFFSET_MS).div_euclid(86_400_000);
        Date::from_days(days).unwrap_or(Date::UNIX_EPOCH)
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
pub struct Seal {
    pub level: Level,
    pub division: DivisionCode,
    pub by: String,
    pub at: Moment,
}

/// An inter-region verification (协查, 000 二(二)4) with its own deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

/// Applies an action. On success returns the new case (version + 1) and its audit events.
pub fn apply(
    case: &Case,
    action: &Action,
    actor: &Actor,
    now: Moment,
    calendar: &Calendar,
) -> Result<(Case, Vec<Event>), TransitionError> {
    let kind = action.kind();
    authorise(case, kind, actor)?;
    let today = now.date();
    let mut next = case.clone();
    let mut details = Vec::new();
    use CaseState as S;
    let state = case.state;
    let bad_state = || TransitionError::InvalidState {
        state,
        action: kind,
    };
    let promise = case.processing == Processing::Promise;
    match action {
        Action::PreReview => {
            if state != S::Submitted {
                return Err(bad_state());
            }
            next.state = S::PreReviewed;
        }
        Action::Return {
            missing,
            items,
            note,
            exception,
        } => {
            if !matches!(state, S::Submitted | S::PreReviewed | S::TownshipReviewed) {
                return Err(bad_state());
            }
            let items = returns::requested_items(missing, items);
            let exception = returns::check(case, &items, exception.as_deref(), actor)?;
            details.extend(items.iter().map(|i| {
                let mut line = format!("{}：{}", i.defect.name_zh(), i.code.name_zh());
                if !i.detail.is_empty() {
                    line.push_str(&format!("（{}）", i.detail));
                }
                line
            }));
            if !note.trim().is_empty() {
                details.push(note.trim().to_string());
            }
            if let Some(reason) = &exception {
                details.push(format!(
                    "例外：再次要求此前已受理的材料，理由：{reason}（{}）",
                    returns::RETURN_SOURCE
                ));
            }
            next.missing = items.iter().map(|i| i.code).collect();
            next.returns.push(ReturnRecord {
                on: today,
                by: staff_identity(actor).0,
                items,
                exception,
                resubmitted: Vec::new(),
            });
            next.state = S::Returned;
        }
        Action::Resubmit => {
            if state != S::Returned {
                return Err(bad_state());
            }
            next.missing.clear();
            next.state = S::Submitted;
            restart_review(&mut next, today, calendar)?;
            details.push(format!(
                "补正材料已提交，审查重新开始，办理期限自{today}起重新计算（{RESTART_SOURCE}）"
            ));
        }
        Action::TownshipOpinion { agree, opinion } => {
            // Where the township decides, its decision is the approval, not an opinion.
            if !promise
                || case.township_decides()
                || !matches!(state, S::Submitted | S::PreReviewed)
            {
                return Err(bad_state());
            }
            if opinion.trim().is_empty() {
                return Err(TransitionError::ReasonsRequired);
            }
            details.push(format!(
                "{}：{}",
                if *agree { "同意" } else { "不同意" },
                opinion.trim()
            ));
            next.state = S::TownshipReviewed;
            next.complete_step("township_opinion", today);
            recompute_county_step(&mut next, today, calendar)?;
        }
        Action::Approve { basis } => {
            // 吉林 art. 17: the county may approve straight from the pre-reviewed list.
            let from_submitted = case.township_decides() && state == S::Submitted;
            if !promise
                || !(from_submitted || matches!(state, S::PreReviewed | S::TownshipReviewed))
            {
                return Err(bad_state());
            }
            if !basis.trim().is_empty() {
                details.push(format!("批准：{}", basis.trim()));
            }
            next.state = S::Approved;
            next.complete_all(today);
            next.decided_on = Some(today);
        }
        Action::Refuse { reasons } => {
            if !matches!(state, S::Submitted | S::PreReviewed | S::TownshipReviewed) {
                return Err(bad_state());
            }
            let reasons = non_empty(reasons)?;
            details.extend(reasons);
            next.state = S::Refused;
            next.complete_all(today);
            next.decided_on = Some(today);
        }
        Action::Seal => {
            if matches!(
                state,
                S::Refused | S::Withdrawn | S::Revoked | S::Void | S::Returned
            ) {
                return Err(bad_state());
            }
            let (username, division) = staff_identity(actor);
            let level = division.map_or(Level::County, DivisionCode::level);
            // A seal is the sealing office's own (issue 18): one per office, and only an
            // office that works the case seals it (authorise); another office at the same
            // level cannot take its place.
            let sealer = division.unwrap_or(case.deciding);
            if next.seals.iter().any(|s| s.division == sealer) {
                return Err(TransitionError::AlreadySealed);
            }
            next.seals.push(Seal {
                level,
                division: sealer,
                by: username,
                at: now,
            });
        }
        Action::RequestVerification { to, question } => {
            if !state.is_pending() {
                return Err(bad_state());
            }
            if question.trim().is_empty() {
                return Err(TransitionError::ReasonsRequired);
            }
            let id = u32::try_from(next.verifications.len())
                .unwrap_or(u32::MAX)
                .saturating_add(1);
            let due = calendar.due(today, VERIFICATION_LIMIT)?;
            details.push(format!(
                "协查 {to}：{}（{}前回复，{VERIFICATION_SOURCE}）",
                question.trim(),
                dated(due)
            ));
            next.verifications.push(Verification {
                id,
                to: *to,
                question: question.trim().to_string(),
                requested_on: today,
                due: due.date,
                answer: None,
                answered_on: None,
                provisional: due.provisional,
            });
        }
        Action::DeferOutOfCityCheck { reason, to } => {
            let deferral = out_of_city::defer(case, reason, *to, today, calendar)?;
            details.push(deferral.line);
            next.processing = Processing::Promise;
            next.deadlines = vec![deferral.step];
            next.verifications.extend(deferral.verification);
            next.out_of_city_deferred = Some(today);
        }
        Action::ForwardOut { via } => {
            if !case.decided_outside() || !matches!(state, S::Submitted | S::PreReviewed) {
                return Err(bad_state());
            }
            if via.trim().is_empty() {
                return Err(TransitionError::ReasonsRequired);
            }
            details.push(format!(
                "申请材料已转送{}有权办理的单位审批：{}（{}）",
                case.deciding,
                via.trim(),
                policy::FORWARD_SOURCE
            ));
            // Not a decision: the competent office makes it (no processing time here).
            next.state = S::Forwarded;
            next.complete_all(today);
        }
        Action::AnswerVerification { id, answer } => {
            let Some(v) = next
                .verifications
                .iter_mut()
                .find(|v| v.id == *id && v.answered_on.is_none())
            else {
                return Err(TransitionError::NoSuchVerification);
            };
            // Only the office asked may answer.
            if let Actor::Staff {
                division: Some(d), ..
            } = actor
                && !d.contains(v.to)
                && !v.to.contains(*d)
            {
                return Err(TransitionError::OutOfScope);
            }
            if answer.trim().is_empty() {
                return Err(TransitionError::ReasonsRequired);
            }
            v.answer = Some(answer.trim().to_string());
            v.answered_on = Some(today);
            details.push(format!("协查回复：{}", answer.trim()));
        }
        Action::Issue { out_of_city } => {
            // A deferred proof is issued by the window once the checks are in; nothing is
            // approved first (out_of_city.rs).
            let deferred = case.out_of_city_deferred.is_some();
            let allowed = if promise && !deferred {
                state == S::Approved
            } else {
                matches!(state, S::Submitted | S::PreReviewed)
            };
            if !allowed {
                return Err(bad_state());
            }
            if !promise || deferred {
                intake::ready_to_issue(case, actor)?;
            }
            if let Some(check) = out_of_city::required(case, out_of_city.as_ref())? {
                details.push(format!(
                    "外地户籍婚育情况核实：{}，核实对象：{}，结果：{}（{}）",
                    check.method.name_zh(),
                    check.contact,
                    check.result,
                    out_of_city::OUT_OF_CITY_SOURCE
                ));
                next.out_of_city_check = Some(RecordedCheck {
                    check,
                    on: today,
                    by: staff_identity(actor).0,
                });
            }
            if case.is_recognition() {
                details.push(RECOGNITION_LINE.to_string());
            }
            next.state = S::Issued;
            next.complete_all(today);
            next.decided_on.get_or_insert(today);
        }
        Action::DeemedIssue => {
            // 000 二(二)5: 对在规定时限内不能证实申请人不符合生育条件的，受理单位必须按时办理并发放.
            if !(promise
                && case.service == Service::Rebirth
                && case.deciding.province_number() == 42)
            {
                return Err(TransitionError::NoDeemedIssue);
            }
            if !state.is_pending() {
                return Err(bad_state());
            }
            let Some(last) = case.deadlines.iter().max_by_key(|d| d.due) else {
                return Err(TransitionError::NotYetDue);
            };
            // A last day counted provisionally may move when the notice is out: wait for the
            // latest day it could fall on, and not a day longer (Calendar::latest_possible).
            let due = Due {
                date: last.due,
                provisional: last.provisional,
            };
            let latest = Calendar::latest_possible(due, last.limit);
            if today <= latest {
                return Err(TransitionError::NotYetDue);
            }
            if last.provisional {
                details.push(format!(
                    "法定期限最后一日按法定节假日暂算为{}（{PROVISIONAL_NOTE}）；按2014年以来国务院放假安排最多顺延{}日计，至{latest}仍未能证实申请人不符合生育条件，视为准予并发证（000 二(二)5）",
                    last.due,
                    last.due.days_until(latest)
                ));
            } else {
                details.push(format!(
                    "期限（{}）内未能证实申请人不符合生育条件，视为准予并发证（000 二(二)5）",
                    last.due
                ));
            }
            next.state = S::Issued;
            next.deemed_issue = true;
            next.complete_all(today);
            // Issued "按时" (000 二(二)5): dated the last legal day as known now, never the
            // day the sweep noticed; a later notice that moves it is audited, not re-dated.
            next.decided_on = Some(last.due.min(today));
        }
        Action::Deliver { delivery } => {
            if state != S::Issued {
                return Err(bad_state());
            }
            if let Delivery::ExpressCod { address } = delivery
                && address.trim().is_empty()
            {
                return Err(TransitionError::AddressRequired);
            }
            details.push(match delivery {
                Delivery::Pickup => "自取".to_string(),
                Delivery::ExpressCod { .. } => "快递送达，货到付款（004 三(三)）".to_string(),
                Delivery::SelfPrint => "电子证照自行打印（002 第十六条）".to_string(),
            });
            next.delivery = Some(delivery.clone());
            next.state = S::Delivered;
        }
        Action::Revoke { reasons } => {
            if !matches!(state, S::Approved | S::Issued | S::Delivered) {
                return Err(bad_state());
            }
            details.extend(non_empty(reasons)?);
            details.push("以虚假承诺获得资格，予以取消，失信记录纳入社会征信系统（002 第二十条；004 三(二)）".into());
            details.push("因申请人虚假承诺错办的，工作人员不予追究责任（002 第二十一条）".into());
            next.state = S::Revoked;
        }
        Action::Void { reasons } => {
            if case.service != Service::Rebirth || !matches!(state, S::Issued | S::Delivered) {
                return Err(bad_state());
            }
            details.extend(non_empty(reasons)?);
            details.push("再生育服务卡作废，不再发给（002 第二十二条）".into());
            next.state = S::Void;
        }
        Action::ResolveCorrection {
            id,
            resolution,
            holders,
        } => {
            let Some(open) = next
                .corrections
                .iter_mut()
                .find(|c| c.id == *id && c.resolved_on.is_none())
            else {
                return Err(TransitionError::NoSuchCorrection);
            };
            if resolution.trim().is_empty() {
                return Err(TransitionError::ReasonsRequired);
            }
            open.resolved_on = Some(today);
            open.resolution = Some(resolution.trim().to_string());
            details.push(format!("更正申请 {id}：{}", resolution.trim()));
            if let Some(holders) = holders {
                let names: Vec<String> = holders
                    .iter()
                    .map(|h| h.trim().to_string())
                    .filter(|h| !h.is_empty())
                    .collect();
                let Some(certificate) = next.certificate.as_mut() else {
                    return Err(TransitionError::NoCertificate);
                };
                if names.len() != certificate.facts.holders.len()
                    || names
                        .iter()
                        .any(|n| n.contains(['|', ',']) || crate::applicant::name(n).is_err())
                {
                    return Err(TransitionError::InvalidHolders);
                }
                if names != certificate.facts.holders {
                    details.push(format!(
                        "持证人更正：{} → {}（{CORRECTION_SOURCE}）",
                        certificate.facts.holders.join("、"),
                        names.join("、")
                    ));
                    certificate.facts.holders = names;
                }
            }
        }
        Action::Withdraw => {
            if !matches!(
                state,
                S::Submitted | S::PreReviewed | S::TownshipReviewed | S::Returned
            ) {
                return Err(bad_state());
            }
            next.state = S::Withdrawn;
        }
    }
    next.version = case.version + 1;
    let event = Event {
        at: now,
        actor: actor.clone(),
        action: action_code(kind).into(),
        from: Some(state),
        to: next.state,
        details,
    };
    Ok((next, vec![event]))
}

/// The staff actions `actor` could take on `case` now: each is tried on a copy with a
/// placeholder payload, so the answer is exactly what [`apply`] allows (role, division, state,
/// an open 协查 to answer, a level not yet sealed) and the console offers nothing that would
/// be refused for anything but its own input.
pub fn available_actions(
    case: &Case,
    actor: &Actor,
    now: Moment,
    calendar: &Calendar,
) -> Vec<ActionKind> {
    let text = || vec!["-".to_string()];
    let open = case
        .verifications
        .iter()
        .find(|v| v.answered_on.is_none())
        .map_or(0, |v| v.id);
    let tries = [
        Action::PreReview,
        Action::Return {
            // An item this actor could name, if any: after a first return only what is still
            // open, or (a county approver, with a reason) anything on the list.
            missing: case
                .returnable()
                .iter()
                .find(|r| !r.needs_exception)
                .or(case.returnable().first())
                .map(|r| vec![r.code])
                .unwrap_or_default(),
            items: Vec::new(),
            note: String::new(),
            exception: Some("-".into()),
        },
        Action::TownshipOpinion {
            agree: true,
            opinion: "-".into(),
        },
        Action::Approve {
            basis: String::new(),
        },
        Action::Refuse { reasons: text() },
        Action::Seal,
        Action::RequestVerification {
            to: case.deciding,
            question: "-".into(),
        },
        Action::AnswerVerification {
            id: open,
            answer: "-".into(),
        },
        Action::DeferOutOfCityCheck {
            reason: "-".into(),
            to: None,
        },
        Action::ForwardOut { via: "-".into() },
        Action::Issue {
            out_of_city: Some(OutOfCityCheck {
                method: CheckMethod::Phone,
                contact: "-".into(),
                result: "-".into(),
            }),
        },
        Action::Deliver {
            delivery: Delivery::Pickup,
        },
        Action::Revoke { reasons: text() },
        Action::Void { reasons: text() },
        Action::ResolveCorrection {
            id: case.open_corrections().next().map_or(0, |c| c.id),
            resolution: "-".into(),
            holders: None,
        },
    ];
    tries
        .iter()
        .filter(|a| match apply(case, a, actor, now, calendar) {
            Ok(_) => true,
            // Outside the years that can be counted at all (before 2008, after 2099) the step
            // is still the actor's to take; the server explains why it has no due date.
            Err(TransitionError::Calendar(_)) => true,
            Err(_) => false,
        })
        .map(Action::kind)
        .collect()
}

fn non_empty(reasons: &[String]) -> Result<Vec<String>, TransitionError> {
    let r: Vec<String> = reasons
        .iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if r.is_empty() {
        Err(TransitionError::ReasonsRequired)
    } else {
        Ok(r)
    }
}

fn staff_identity(actor: &Actor) -> (String, Option<DivisionCode>) {
    match actor {
        Actor::Staff {
            username, division, ..
        } => (username.clone(), *division),
        Actor::Applicant => ("applicant".into(), None),
        Actor::System => ("system".into(), None),
    }
}

/// Role × action, then scope: where in SPEC §4 the acting office stands. Public so the
/// server can refuse before it looks at versions, and the console can show what is allowed.
pub fn authorise(case: &Case, kind: ActionKind, actor: &Actor) -> Result<(), TransitionError> {
    match actor {
        Actor::Applicant => {
            if matches!(kind, ActionKind::Resubmit | ActionKind::Withdraw) {
                Ok(())
            } else {
                Err(TransitionError::NotPermitted {
                    role: None,
                    action: kind,
                })
            }
        }
        Actor::System => {
            if kind == ActionKind::DeemedIssue {
                Ok(())
            } else {
                Err(TransitionError::NotPermitted {
                    role: None,
                    action: kind,
                })
            }
        }
        Actor::Staff { role, division, .. } => {
            // One deciding office (issue 17 point 4): where a township decides, its officer
            // approves and no county approval is asked for.
            let permitted = if kind == ActionKind::Approve && case.township_decides() {
                *role == Role::TownshipOfficer
            } else {
                permits(*role, kind)
            };
            if !permitted {
                return Err(TransitionError::NotPermitted {
                    role: Some(*role),
                    action: kind,
                });
            }
            let Some(division) = division else {
                return Err(TransitionError::OutOfScope);
            };
            // Who must stand where: the deciding office decides, the accepting office
            // accepts and issues instant items, the office asked answers its 协查.
            let offices: Vec<DivisionCode> = match kind {
                ActionKind::Approve | ActionKind::Revoke | ActionKind::Void => vec![case.deciding],
                // The original office verifies and corrects (004 四(四)).
                ActionKind::ResolveCorrection => vec![case.deciding],
                // The first office sends the file it took (000 二(二)3).
                ActionKind::ForwardOut => vec![case.accepting],
                ActionKind::Refuse if case.processing == Processing::Promise => vec![case.deciding],
                // The 申报地 pre-reviews (004 四(三)); the township of a spouse's hukou gives
                // the re-birth opinion (002 第六条).
                ActionKind::PreReview | ActionKind::TownshipOpinion if case.reviewing.is_some() => {
                    case.reviewing.into_iter().collect()
                }
                ActionKind::TownshipOpinion => vec![case.accepting, case.deciding],
                ActionKind::AnswerVerification => case.verifications.iter().map(|v| v.to).collect(),
                ActionKind::Issue if case.processing == Processing::Promise => vec![case.deciding],
                // Every other step belongs to the offices that work the case; an office asked
                // for 协查 only answers it (issue 18).
                _ => case.working_offices(),
            };
            if in_scope(*division, &offices) {
                Ok(())
            } else {
                Err(TransitionError::OutOfScope)
            }
        }
    }
}

fn action_code(kind: ActionKind) -> &'static str {
    match kind {
        ActionKind::PreReview => "pre_review",
        ActionKind::Return => "return",
        ActionKind::TownshipOpinion => "township_opinion",
        ActionKind::Approve => "approve",
        ActionKind::Refuse => "refuse",
        ActionKind::Seal => "seal",
        ActionKind::RequestVerification => "request_verification",
        ActionKind::AnswerVerification => "answer_verification",
        ActionKind::Issue => "issue",
        ActionKind::Deliver => "deliver",
        ActionKind::Revoke => "revoke",
        ActionKind::Void => "void",
        ActionKind::Resubmit => "resubmit",
        ActionKind::Withdraw => "withdraw",
        ActionKind::DeemedIssue => "deemed_issue",
        ActionKind::ResolveCorrection => "resolve_correction",
        ActionKind::DeferOutOfCityCheck => "defer_out_of_city_check",
        ActionKind::ForwardOut => "forward_out",
    }
}

/// 000 二(二)5: the county has 20 days from *receipt* of the township's opinion, within the
/// 30-day whole; once the township is done, the county step is re-based on that day.
/// Why a resubmission restarts the review and its limits. 000 二(二)5 counts "自受理申请之日";
/// 行政许可法 第三十二条 makes an application 受理 once its materials are complete (补正齐全), so
/// the limits run again from the resubmission — this system's reading, the notices being silent.
/// It also means no case is deemed issued before the materials it was returned for have been
/// open to review for the whole limit (issue 17 point 7).
pub const RESTART_SOURCE: &str =
    "行政许可法 第三十二条；000 二(二)5 未规定补正后如何计算，本系统按补正齐全之日重新受理计算";

/// Every step of the review open again, counted from `from` (see [`RESTART_SOURCE`]).
fn restart_review(case: &mut Case, from: Date, calendar: &Calendar) -> Result<(), TransitionError> {
    let fresh = policy::deadline_of(&case.situation, from, calendar)??;
    for step in case.deadlines.iter_mut() {
        if let Some(f) = fresh.steps.iter().find(|f| f.step == step.step) {
            step.due = f.due;
            step.provisional = f.provisional;
            step.done_on = None;
        }
    }
    case.review_from = Some(from);
    Ok(())
}

impl Case {
    /// The day the review's limits run from: acceptance, or the last completed resubmission.
    pub fn review_from(&self) -> Date {
        self.review_from.unwrap_or(self.accepted_on)
    }
}

fn recompute_county_step(
    case: &mut Case,
    township_done: Date,
    calendar: &Calendar,
) -> Result<(), CalendarError> {
    // The deciding office's province counts (a file forwarded to another province, 000 二(二)3).
    let total_cap = match policy::rules::for_province(case.deciding.province_number())
        .map(|r| r.rebirth_limit.value)
    {
        Some(policy::rules::RebirthLimit::TownshipCounty { total, .. }) => {
            Some(calendar.due(case.review_from(), total)?)
        }
        _ => None,
    };
    if let Some(step) = case
        .deadlines
        .iter_mut()
        .find(|d| d.step == "county_decision" && d.done_on.is_none())
    {
        let mut due = calendar.due(township_done, step.limit)?;
        if let Some(cap) = total_cap
            && cap.date < due.date
        {
            due = cap;
        }
        step.due = due.date;
        step.provisional = due.provisional;
    }
    Ok(())
}

/// A date as a notice or the timeline writes it, with the provisional label when it rests on a
/// year whose holiday notice is not loaded.
pub fn dated(due: Due) -> String {
    if due.provisional {
        format!("{}（{PROVISIONAL_NOTE}）", due.date)
    } else {
        due.date.to_string()
    }
}

mod access;
mod dates;
mod intake;
mod out_of_city;
mod returns;
#[cfg(test)]
mod tests;

pub use access::{may, verifies, works};
pub use out_of_city::{CheckMethod, OUT_OF_CITY_SOURCE, OutOfCityCheck, RecordedCheck};
pub use returns::{Defect, RETURN_SOURCE, ReturnRecord, Returnable, ReturnedItem};

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
