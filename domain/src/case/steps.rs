//! What each step changes, one method per phase of the workflow: intake and the applicant's
//! moves, the decision and the seals, checks with other offices, issuing and delivery, and
//! what may follow an issue. `workflow::apply` has already asked `authorise`; each method checks
//! the state it needs and the step's own input.

use super::workflow::{non_empty, recompute_county_step, restart_review, staff_identity};
use super::*;

/// One action being applied: the case as it was, who acts and when, and what it becomes.
pub(super) struct Step<'a> {
    pub(super) case: &'a Case,
    pub(super) actor: &'a Actor,
    pub(super) now: Moment,
    pub(super) today: Date,
    pub(super) calendar: &'a Calendar,
    pub(super) kind: ActionKind,
    pub(super) next: Case,
    pub(super) details: Vec<String>,
}

impl Step<'_> {
    /// Intake: the pre-review, or a return naming everything missing at once.
    pub(super) fn intake(&mut self, action: &Action) -> Result<(), TransitionError> {
        let case = self.case;
        let actor = self.actor;
        let today = self.today;
        let state = self.case.state;
        let kind = self.kind;
        let bad_state = move || TransitionError::InvalidState {
            state,
            action: kind,
        };
        let next = &mut self.next;
        let details = &mut self.details;
        use CaseState as S;
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
            _ => {
                return Err(TransitionError::InvalidState {
                    state: self.case.state,
                    action: self.kind,
                });
            }
        }
        Ok(())
    }

    /// The applicant's moves: the resubmission after a return, a withdrawal.
    pub(super) fn resume(&mut self, action: &Action) -> Result<(), TransitionError> {
        let today = self.today;
        let calendar = self.calendar;
        let state = self.case.state;
        let kind = self.kind;
        let bad_state = move || TransitionError::InvalidState {
            state,
            action: kind,
        };
        let next = &mut self.next;
        let details = &mut self.details;
        use CaseState as S;
        match action {
            Action::Resubmit => {
                if state != S::Returned {
                    return Err(bad_state());
                }
                next.missing.clear();
                next.state = S::Submitted;
                restart_review(next, today, calendar)?;
                details.push(format!(
                    "补正材料已提交，审查重新开始，办理期限自{today}起重新计算（{RESTART_SOURCE}）"
                ));
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
            _ => {
                return Err(TransitionError::InvalidState {
                    state: self.case.state,
                    action: self.kind,
                });
            }
        }
        Ok(())
    }

    /// The decision: the township's opinion, approval or refusal.
    pub(super) fn decide(&mut self, action: &Action) -> Result<(), TransitionError> {
        let case = self.case;
        let today = self.today;
        let calendar = self.calendar;
        let state = self.case.state;
        let promise = self.case.processing == Processing::Promise;
        let kind = self.kind;
        let bad_state = move || TransitionError::InvalidState {
            state,
            action: kind,
        };
        let next = &mut self.next;
        let details = &mut self.details;
        use CaseState as S;
        match action {
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
                recompute_county_step(next, today, calendar)?;
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
            _ => {
                return Err(TransitionError::InvalidState {
                    state: self.case.state,
                    action: self.kind,
                });
            }
        }
        Ok(())
    }

    /// An office seals its level of the decision (one seal per office).
    pub(super) fn seal(&mut self, action: &Action) -> Result<(), TransitionError> {
        let case = self.case;
        let actor = self.actor;
        let now = self.now;
        let state = self.case.state;
        let kind = self.kind;
        let bad_state = move || TransitionError::InvalidState {
            state,
            action: kind,
        };
        let next = &mut self.next;
        use CaseState as S;
        match action {
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
            _ => {
                return Err(TransitionError::InvalidState {
                    state: self.case.state,
                    action: self.kind,
                });
            }
        }
        Ok(())
    }

    /// A 协查 asked of another office, or answered by it.
    pub(super) fn verify(&mut self, action: &Action) -> Result<(), TransitionError> {
        let actor = self.actor;
        let today = self.today;
        let calendar = self.calendar;
        let state = self.case.state;
        let kind = self.kind;
        let bad_state = move || TransitionError::InvalidState {
            state,
            action: kind,
        };
        let next = &mut self.next;
        let details = &mut self.details;
        match action {
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
            _ => {
                return Err(TransitionError::InvalidState {
                    state: self.case.state,
                    action: self.kind,
                });
            }
        }
        Ok(())
    }

    /// The out-of-city deferral, or the file forwarded to the competent office outside the system.
    pub(super) fn refer(&mut self, action: &Action) -> Result<(), TransitionError> {
        let case = self.case;
        let today = self.today;
        let calendar = self.calendar;
        let state = self.case.state;
        let kind = self.kind;
        let bad_state = move || TransitionError::InvalidState {
            state,
            action: kind,
        };
        let next = &mut self.next;
        let details = &mut self.details;
        use CaseState as S;
        match action {
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
            _ => {
                return Err(TransitionError::InvalidState {
                    state: self.case.state,
                    action: self.kind,
                });
            }
        }
        Ok(())
    }

    /// Issuing by staff, and delivering.
    pub(super) fn issue(&mut self, action: &Action) -> Result<(), TransitionError> {
        let case = self.case;
        let actor = self.actor;
        let today = self.today;
        let state = self.case.state;
        let promise = self.case.processing == Processing::Promise;
        let kind = self.kind;
        let bad_state = move || TransitionError::InvalidState {
            state,
            action: kind,
        };
        let next = &mut self.next;
        let details = &mut self.details;
        use CaseState as S;
        match action {
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
            _ => {
                return Err(TransitionError::InvalidState {
                    state: self.case.state,
                    action: self.kind,
                });
            }
        }
        Ok(())
    }

    /// Hubei's deemed issue when the limit passes unproven (000 二(二)5).
    pub(super) fn deem(&mut self, action: &Action) -> Result<(), TransitionError> {
        let case = self.case;
        let today = self.today;
        let state = self.case.state;
        let promise = self.case.processing == Processing::Promise;
        let kind = self.kind;
        let bad_state = move || TransitionError::InvalidState {
            state,
            action: kind,
        };
        let next = &mut self.next;
        let details = &mut self.details;
        use CaseState as S;
        match action {
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
            _ => {
                return Err(TransitionError::InvalidState {
                    state: self.case.state,
                    action: self.kind,
                });
            }
        }
        Ok(())
    }

    /// A revocation for a false commitment, or a void.
    pub(super) fn undo(&mut self, action: &Action) -> Result<(), TransitionError> {
        let case = self.case;
        let state = self.case.state;
        let kind = self.kind;
        let bad_state = move || TransitionError::InvalidState {
            state,
            action: kind,
        };
        let next = &mut self.next;
        let details = &mut self.details;
        use CaseState as S;
        match action {
            Action::Revoke { reasons } => {
                if !matches!(state, S::Approved | S::Issued | S::Delivered) {
                    return Err(bad_state());
                }
                details.extend(non_empty(reasons)?);
                details.push("以虚假承诺获得资格，予以取消，失信记录纳入社会征信系统（002 第二十条；004 三(二)）".into());
                details
                    .push("因申请人虚假承诺错办的，工作人员不予追究责任（002 第二十一条）".into());
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
            _ => {
                return Err(TransitionError::InvalidState {
                    state: self.case.state,
                    action: self.kind,
                });
            }
        }
        Ok(())
    }

    /// A correction request resolved, the certificate signed anew where holders change.
    pub(super) fn correct(&mut self, action: &Action) -> Result<(), TransitionError> {
        let today = self.today;
        let next = &mut self.next;
        let details = &mut self.details;
        match action {
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
            _ => {
                return Err(TransitionError::InvalidState {
                    state: self.case.state,
                    action: self.kind,
                });
            }
        }
        Ok(())
    }
}
