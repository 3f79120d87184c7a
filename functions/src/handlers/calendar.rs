//! The working-day calendar's routes (issue 16); the calendar itself and the recount are
//! `crate::reckoning`.
//!
//! `GET /api/calendar` — public: the confirmed range, the warning, every year's notice title and
//! the loaded notices in full (the SPA adds them to its built-in calendar).
//! `POST /api/admin/calendar` — administrators: load a year's notice. It is checked against the
//! statutory holidays, stored (the same notice twice is a no-op; a different one for the same
//! year replaces it, the old one kept), and every open case whose dates touch that year is
//! counted again, each change audited on the case with the notice as its source.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::Calendar;
use domain::calendar::HolidayNotice;
use domain::contract::{CalendarLoaded, CalendarOverview, LoadOutcome, NoticeYear};
use domain::roles::Capability;

use crate::access::Staff;
use crate::openapi::{Api, Operation};
use crate::problem::{JsonBody, Problem};
use crate::reckoning::{LOAD_BUDGET, coverage, load_notice};
use crate::state::AppState;

pub fn router() -> Api<AppState> {
    Api::new()
        .get(
            "/calendar",
            overview,
            Operation::new(
                "calendar",
                "The working-day calendar: confirmed range, warning, each year's notice and the notices loaded at run time (issue 16)",
            )
            .answer::<CalendarOverview>(200, "the calendar")
            .problem(503, "store unavailable"),
        )
        .post(
            "/admin/calendar",
            load,
            Operation::new(
                "loadHolidayNotice",
                "Load a year's State Council holiday notice (admins): checked against the statutory holidays, stored, open cases recounted and audited",
            )
            .bearer()
            .json_body::<HolidayNotice>()
            .answer::<CalendarLoaded>(201, "loaded or replaced; the recount's report")
            .answer::<CalendarLoaded>(200, "the same notice again: nothing changed")
            .problem(400, "malformed JSON, or every bad field")
            .problem(401, "not signed in")
            .problem(403, "not an admin")
            .problem(413, "body too large")
            .problem(415, "not JSON")
            .problem(
                422,
                "invalid_notice: every date problem and every statutory holiday outside the rest spans",
            )
            .problem(503, "store unavailable"),
        )
}

async fn overview(State(state): State<AppState>) -> Result<Json<CalendarOverview>, Problem> {
    let stored = state.store.holiday_notices().await?;
    let loaded: Vec<HolidayNotice> = stored.iter().map(|n| n.notice.clone()).collect();
    let calendar = Calendar::builtin().with_notices(&loaded);
    let today = state.clock.now().date();
    let years = calendar
        .notices()
        .map(|n| {
            let stored = stored.iter().find(|s| s.notice.year == n.year);
            NoticeYear {
                year: n.year,
                title: n.title.clone(),
                document_number: n.document_number.clone(),
                published: n.published,
                origin: if stored.is_some() {
                    "loaded"
                } else {
                    "built_in"
                }
                .to_string(),
                loaded_at: stored.map(|s| s.loaded_at.china_time()),
                replaced: stored.map_or(0, |s| s.replaced.len()),
            }
        })
        .collect();
    Ok(Json(CalendarOverview {
        coverage: coverage(&calendar, today),
        years,
        loaded,
    }))
}

async fn load(
    State(state): State<AppState>,
    Staff(claims): Staff,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<CalendarLoaded>), Problem> {
    claims.require(Capability::ManageCalendar)?;
    let notice = HolidayNotice::read(&body).map_err(|e| Problem::invalid_request(&e))?;
    let problems = notice.problems();
    if !problems.is_empty() {
        return Err(Problem::unprocessable(
            "invalid_notice",
            format!(
                "{}年放假安排未导入 / the {} notice was not loaded",
                notice.year, notice.year
            ),
        )
        .with_errors(&problems));
    }
    let done = load_notice(
        state.store.as_ref(),
        notice.clone(),
        &claims.sub,
        state.clock.now(),
        Some(LOAD_BUDGET),
    )
    .await?;
    let mut entry = claims.audit(state.clock.now(), "calendar_loaded", notice.citation());
    entry
        .details
        .push(format!("{} {}", done.year, done.outcome.code()));
    state.store.record_audit(&entry).await?;
    let status = if done.outcome == LoadOutcome::Unchanged {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((
        status,
        Json(CalendarLoaded {
            year: done.year,
            outcome: done.outcome,
            report: done.report,
            notice,
        }),
    ))
}
