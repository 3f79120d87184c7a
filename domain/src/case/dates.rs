//! A case's due dates against a changed calendar: when an administrator loads a year's holiday
//! notice (or a corrected one), every open date that touches that year is counted again and the
//! change is written to the case's timeline with the notice as its source (SPEC §5).

use std::collections::BTreeSet;

use super::workflow::recompute_county_step;
use super::{CORRECTION_LIMIT, Case, CaseState, Event, Moment, VERIFICATION_LIMIT, step_name};
use crate::calendar::{Calendar, PROVISIONAL_NOTE};
use crate::date::Date;
use crate::policy;
use crate::roles::Actor;

/// One date as it was and as it is now.
struct Change {
    what: String,
    old: (Date, bool),
    new: (Date, bool),
    /// The start of the count, for the years it touches.
    from: Date,
}

fn shown((date, provisional): (Date, bool)) -> String {
    if provisional {
        format!("{date}（暂算）")
    } else {
        date.to_string()
    }
}

impl Case {
    /// The case has a date still running: a pending step or 协查, or an open correction.
    pub fn has_open_dates(&self) -> bool {
        (self.state.is_pending()
            && (self.deadlines.iter().any(|d| d.done_on.is_none())
                || self.verifications.iter().any(|v| v.answered_on.is_none())))
            || self.open_corrections().next().is_some()
            || self.deemed_on_provisional_day()
    }

    /// Issued by operation of 000 二(二)5 on a last day that was counted provisionally: when
    /// the notice is out, the true last day is recorded (the issue is not re-dated).
    fn deemed_on_provisional_day(&self) -> bool {
        self.deemed_issue && self.deadlines.iter().any(|d| d.provisional)
    }

    /// The years the case's provisional dates were counted across: when one of them is
    /// confirmed, [`Case::recompute_dates`] has something to do.
    pub fn provisional_years(&self) -> BTreeSet<i32> {
        let mut years = BTreeSet::new();
        let mut add = |from: Date, due: Date| years.extend(from.year()..=due.year());
        let pending = self.state.is_pending();
        for d in self.deadlines.iter().filter(|d| d.provisional) {
            if (pending && d.done_on.is_none()) || self.deemed_issue {
                add(self.review_from(), d.due);
            }
        }
        for v in &self.verifications {
            if pending && v.provisional && v.answered_on.is_none() {
                add(v.requested_on, v.due);
            }
        }
        for c in self.open_corrections().filter(|c| c.provisional) {
            add(c.requested_on, c.due);
        }
        years
    }

    /// Counts every open date again on `calendar`. `None` when nothing changed; otherwise the
    /// case (version + 1) and one audit event naming each change and the notices it rests on.
    /// A red light recorded for a step the new date no longer makes late is withdrawn.
    // Long: every dated field of a case recounted on a new calendar, each change recorded with its source.
    pub fn recompute_dates(&self, calendar: &Calendar, now: Moment) -> Option<(Case, Vec<Event>)> {
        let mut next = self.clone();
        let mut changes: Vec<Change> = Vec::new();
        let pending = self.state.is_pending();
        if pending || self.deemed_on_provisional_day() {
            let fresh = policy::deadline_of(&self.situation, self.review_from(), calendar)
                .ok()?
                .ok()?;
            for step in next.deadlines.iter_mut() {
                let reopen = self.deemed_issue && step.provisional;
                if step.done_on.is_some() && !reopen {
                    continue;
                }
                if let Some(f) = fresh.steps.iter().find(|f| f.step == step.step) {
                    step.due = f.due;
                    step.provisional = f.provisional;
                }
            }
            let township_done = next
                .deadlines
                .iter()
                .find(|d| d.step == "township_opinion")
                .and_then(|d| d.done_on);
            if let Some(done) = township_done {
                recompute_county_step(&mut next, done, calendar).ok()?;
            }
            for (old, new) in self.deadlines.iter().zip(&next.deadlines) {
                changes.push(Change {
                    what: step_name(&old.step).0.to_string(),
                    old: (old.due, old.provisional),
                    new: (new.due, new.provisional),
                    from: self.review_from(),
                });
            }
            for v in next.verifications.iter_mut() {
                if v.answered_on.is_some() || !pending {
                    continue;
                }
                let due = calendar.due(v.requested_on, VERIFICATION_LIMIT).ok()?;
                changes.push(Change {
                    what: format!("协查 {}", v.id),
                    old: (v.due, v.provisional),
                    new: (due.date, due.provisional),
                    from: v.requested_on,
                });
                v.due = due.date;
                v.provisional = due.provisional;
            }
        }
        for c in next.corrections.iter_mut() {
            if c.resolved_on.is_some() {
                continue;
            }
            let due = calendar.due(c.requested_on, CORRECTION_LIMIT).ok()?;
            changes.push(Change {
                what: format!("更正申请 {}", c.id),
                old: (c.due, c.provisional),
                new: (due.date, due.provisional),
                from: c.requested_on,
            });
            c.due = due.date;
            c.provisional = due.provisional;
        }
        changes.retain(|c| c.old != c.new);
        if changes.is_empty() {
            return None;
        }
        let today = now.date();
        let late = next.overdue(today);
        let withdrawn: Vec<String> = next
            .red_lights
            .iter()
            .filter(|s| !late.contains(s))
            .cloned()
            .collect();
        next.red_lights.retain(|s| late.contains(s));
        next.version = self.version + 1;

        let mut years = BTreeSet::new();
        for c in &changes {
            years.extend(c.from.year()..=c.old.0.max(c.new.0).year());
        }
        let notices: Vec<String> = years
            .iter()
            .filter_map(|y| calendar.notice(*y))
            .map(crate::calendar::HolidayNotice::citation)
            .collect();
        let basis = if notices.is_empty() {
            format!("按法定节假日重新计算期限（{PROVISIONAL_NOTE}）")
        } else {
            format!("依据{}重新计算期限", notices.join("、"))
        };
        let mut details = vec![basis];
        details.extend(
            changes
                .iter()
                .map(|c| format!("{}：{} → {}", c.what, shown(c.old), shown(c.new))),
        );
        details.extend(
            withdrawn
                .iter()
                .map(|s| format!("{}按新期限未逾期，撤销红灯", step_name(s).0)),
        );
        if self.deemed_issue {
            details.push("已视为准予发证的，发证日期不变（000 二(二)5）".into());
        }
        let state: CaseState = self.state;
        let event = Event {
            at: now,
            actor: Actor::System,
            action: "recompute_deadlines".into(),
            from: Some(state),
            to: state,
            details,
        };
        Some((next, vec![event]))
    }
}
