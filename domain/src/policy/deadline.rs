//! Processing and time limits: instant or promise, the limit and its source, and the legal
//! steps with their due dates for an application accepted on a day (`GET /api/deadline`).

use super::rules::{self, Cited, HonorProcessing, RebirthLimit, RuleSet, in_force};
use super::{PolicyError, is_cross_province, is_recognition, reason, rule_set};
use crate::calendar::{Calendar, CalendarError, TimeLimit, TimeUnit};
use crate::contract::{
    DeadlineAnswer, DeadlineStep, Effect, EligibilityRequest, Processing, Reason,
};
use crate::date::Date;
use crate::division::DivisionCode;
use crate::service::Service;

pub(super) fn processing_reason(processing: Processing, limit: TimeLimit, source: &str) -> Reason {
    match processing {
        Processing::Instant => reason(
            "instant",
            Effect::Note,
            source,
            "即办件：材料齐全的，当场办结".into(),
            "Issued on the spot when the materials are complete".into(),
        ),
        Processing::Promise => {
            let (zh_unit, en_unit) = match limit.unit {
                TimeUnit::WorkingDays => ("个工作日", "working days"),
                TimeUnit::Days => ("日", "days"),
            };
            reason(
                "time_limit",
                Effect::Note,
                source,
                format!("承诺件：自受理次日起{}{}内办结", limit.value, zh_unit),
                format!("Decided within {} {} of acceptance", limit.value, en_unit),
            )
        }
    }
}

/// Instant or promise, the limit and its source, for a situation under a rule set.
pub fn processing_of(
    req: &EligibilityRequest,
    rules: &RuleSet,
) -> (Processing, TimeLimit, &'static str) {
    processing(req, rules)
}

/// Instant or promise, the limit and its source.
pub(super) fn processing(
    req: &EligibilityRequest,
    rules: &RuleSet,
) -> (Processing, TimeLimit, &'static str) {
    match req.service {
        Service::BirthService => (
            Processing::Instant,
            TimeLimit::ON_THE_SPOT,
            rules.birth_service_instant,
        ),
        Service::MaritalStatusProof => (
            Processing::Instant,
            TimeLimit::ON_THE_SPOT,
            rules.marital_status_proof_instant,
        ),
        Service::Rebirth if is_recognition(req) => (
            Processing::Instant,
            TimeLimit::ON_THE_SPOT,
            rules
                .recognises_other_province_rebirth_card
                .unwrap_or(rules.rebirth_limit.source),
        ),
        Service::Rebirth => {
            let limit = rebirth_total(rules.rebirth_limit.value, is_cross_province(req));
            (Processing::Promise, limit, rules.rebirth_limit.source)
        }
        Service::OnlyChildHonor => match in_force(rules.honor, req.date) {
            Some(Cited {
                value: HonorProcessing::Instant,
                source,
            }) => (Processing::Instant, TimeLimit::ON_THE_SPOT, source),
            Some(Cited {
                value: HonorProcessing::Township(limit),
                source,
            }) => (Processing::Promise, limit, source),
            None => (
                Processing::Promise,
                TimeLimit::working_days(20),
                rules::DEFAULT_LIMIT_SOURCE,
            ),
        },
    }
}

fn rebirth_total(limit: RebirthLimit, cross_province: bool) -> TimeLimit {
    match limit {
        RebirthLimit::TownshipCounty { total, .. } => total,
        RebirthLimit::InOrCrossProvince {
            in_province,
            cross_province: cross,
        } => {
            if cross_province {
                cross
            } else {
                in_province
            }
        }
        RebirthLimit::Single(l) => l,
    }
}

/// The legal steps and due dates for an application accepted on `from` (`GET /api/deadline`).
pub fn deadline(
    division: DivisionCode,
    service: Service,
    from: Date,
    cross_province: bool,
    calendar: &Calendar,
) -> Result<Result<DeadlineAnswer, CalendarError>, PolicyError> {
    let rules = rule_set(division, from)?;
    let step = |name: &str, limit: TimeLimit, start: Date, source: &str| {
        calendar.due(start, limit).map(|due| DeadlineStep {
            step: name.to_string(),
            unit: limit.unit,
            value: limit.value,
            due: due.date,
            source: source.to_string(),
            provisional: due.provisional,
        })
    };
    let steps = (|| -> Result<Vec<DeadlineStep>, CalendarError> {
        Ok(match service {
            Service::Rebirth => match rules.rebirth_limit.value {
                RebirthLimit::TownshipCounty {
                    township,
                    county,
                    total,
                } => {
                    let src = rules.rebirth_limit.source;
                    let t = step("township_opinion", township, from, src)?;
                    let mut c = step("county_decision", county, t.due, src)?;
                    // Counted from the township's last day, it is as provisional as that day.
                    c.provisional |= t.provisional;
                    // The whole case never exceeds the total (000 二(二)5: 不得超过30日).
                    let cap = calendar.due(from, total)?;
                    if c.due > cap.date {
                        c.due = cap.date;
                        c.provisional = cap.provisional;
                    }
                    vec![t, c]
                }
                other => vec![step(
                    "decision",
                    rebirth_total(other, cross_province),
                    from,
                    rules.rebirth_limit.source,
                )?],
            },
            _ => {
                let req_like = EligibilityRequest::typical(service, division, from);
                let (processing, limit, source) = processing(&req_like, rules);
                let name = match processing {
                    Processing::Instant => "issue_on_the_spot",
                    Processing::Promise => "township_decision",
                };
                vec![step(name, limit, from, source)?]
            }
        })
    })();
    Ok(steps.map(|steps| {
        let due = steps.last().map_or(from, |s| s.due);
        let provisional = steps.iter().any(|s| s.provisional);
        DeadlineAnswer {
            steps,
            due,
            provisional,
        }
    }))
}

/// The steps of a case for the situation it was opened with: a recognition (吉林 002 第七条)
/// is one on-the-spot step, a file sent outside the system one forwarding step; everything else
/// is the service's procedure at the office that decides it under its province's rules.
pub fn deadline_of(
    req: &EligibilityRequest,
    from: Date,
    calendar: &Calendar,
) -> Result<Result<DeadlineAnswer, CalendarError>, PolicyError> {
    let Some(req) = super::governing(req)? else {
        // A file sent outside the system: the one step here is sending it.
        let limit = super::FORWARD_LIMIT;
        return Ok(calendar.due(from, limit).map(|due| DeadlineAnswer {
            steps: vec![DeadlineStep {
                step: "forward".to_string(),
                unit: limit.unit,
                value: limit.value,
                due: due.date,
                source: super::FORWARD_SOURCE.to_string(),
                provisional: due.provisional,
            }],
            due: due.date,
            provisional: due.provisional,
        }));
    };
    let req = &req;
    if !is_recognition(req) {
        return deadline(
            req.division,
            req.service,
            from,
            is_cross_province(req),
            calendar,
        );
    }
    let rules = rule_set(req.division, from)?;
    let (_, limit, source) = processing(req, rules);
    Ok(calendar.due(from, limit).map(|due| DeadlineAnswer {
        steps: vec![DeadlineStep {
            step: "issue_on_the_spot".to_string(),
            unit: limit.unit,
            value: limit.value,
            due: due.date,
            source: source.to_string(),
            provisional: due.provisional,
        }],
        due: due.date,
        provisional: due.provisional,
    }))
}
