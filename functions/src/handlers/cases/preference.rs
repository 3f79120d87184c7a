//! `POST /api/cases/{number}/notify`: the applicant changes how they hear of each step — SMS to
//! the phone given, e-mail, or nothing (issue 20). Only the access code may: staff who may read
//! the case are refused (403), anyone else learns nothing of it (404).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use domain::case::Event;
use domain::contract::CaseView;
use domain::notify::{Channel, Preference};
use domain::roles::{Actor, Capability};

use crate::access::{ACCESS_CODE_HEADER, MaybeStaff, applicant_record, unauthenticated};
use crate::errors;
use crate::problem::{JsonBody, Problem};
use crate::state::AppState;
use crate::views::applicant_view;

/// The timeline's words for a choice (the address masked).
fn described(p: &Preference) -> String {
    match (p.channel, &p.email) {
        (None, _) => "通知方式：不接收短信和邮件".into(),
        (Some(Channel::Sms), _) => "通知方式：短信".into(),
        (Some(Channel::Email), Some(address)) => format!(
            "通知方式：邮件（{}）",
            domain::notify::mask(Channel::Email, address)
        ),
        (Some(Channel::Email), None) => "通知方式：邮件".into(),
    }
}

pub(super) async fn change(
    State(state): State<AppState>,
    Path(number): Path<String>,
    MaybeStaff(staff): MaybeStaff,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Result<Json<CaseView>, Problem> {
    let number = crate::access::case_number(&number)?.to_string();
    if let Some(claims) = staff {
        let record = state
            .store
            .get(&number)
            .await?
            .ok_or_else(crate::access::case_not_found)?;
        // Admins are refused for their role; staff who may read the case, for the act.
        let knows = claims.require(Capability::WorkQueue).is_err()
            || domain::case::may(&record.case, &claims.actor(), Capability::Read).is_ok();
        return Err(if knows {
            errors::forbidden_role()
        } else {
            crate::access::case_not_found()
        });
    }
    let code = headers
        .get(ACCESS_CODE_HEADER)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(unauthenticated)?;
    let mut record = applicant_record(&state, &number, code).await?;
    let (preference, problems) = domain::contract::read_preference(&body);
    if !problems.is_empty() {
        return Err(Problem::invalid_request(&problems));
    }
    let now = state.clock.now();
    let expected = record.case.version;
    let event = Event {
        at: now,
        actor: Actor::Applicant,
        action: "notify_changed".into(),
        from: Some(record.case.state),
        to: record.case.state,
        details: vec![described(&preference)],
    };
    record.applicant.notify = preference;
    // A new version, so a staff step written meanwhile cannot overwrite the choice unseen.
    record.case.version += 1;
    state.store.update(&record, expected, &[event]).await?;
    let trail = state.store.events(&number).await?;
    let mut view = applicant_view(&record, &trail, now.date());
    view.messages = crate::outbox::log_of(state.messages.as_ref(), &number).await?;
    Ok(Json(view))
}
