//! Division search (issue 22) over the country's divisions (`crate::gazette`):
//!
//! - `GET /api/divisions/search?q=`: villages and communities anywhere by a few characters of
//!   the name or the pinyin initials (the browser searches provinces to townships itself).
//!   Public; counted per client like the lookup, so the scan cannot be run in a loop.
//! - [`Gazette::unknown`]: every division code a request names is checked against the data.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::contract::{VillageMatch, VillageMatches};
use schemars::{Schema, SchemaGenerator, json_schema};
use serde::Deserialize;

use crate::access::Client;
use crate::openapi::{Api, Operation};
use crate::problem::Problem;
use crate::state::AppState;
use domain::division::search::QUERY_MAX_CHARS;

/// Searches per client per window ([`WINDOW_SECS`]): a person typing, not a crawler.
pub const PER_CLIENT: u32 = 600;
pub const WINDOW_SECS: i64 = 600;

pub fn router() -> Api<AppState> {
    Api::new().get(
        "/divisions/search",
        search,
        Operation::new(
            "searchVillages",
            "Villages and communities anywhere in the country by a few characters of the name or the pinyin initials (issue 22); provinces to townships are searched in the browser from /divisions/search/places.tsv. Limited per client",
        )
        .query_as("q", true, "a few characters of the name, or its pinyin initials", query_text)
        .answer::<VillageMatches>(200, "at most 20 villages, best first")
        .problem(400, "q empty or longer than 20 characters")
        .problem(429, "search_throttled, with Retry-After")
        .problem(503, "search_unavailable: no village index on this server; or the store is unavailable"),
    )
}

fn query_text(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": "string", "minLength": 1, "maxLength": QUERY_MAX_CHARS})
}

#[derive(Debug, Deserialize)]
struct SearchQuery {
    #[serde(default)]
    q: String,
}

async fn search(
    State(state): State<AppState>,
    client: Client,
    Query(query): Query<SearchQuery>,
) -> Result<Response, Problem> {
    let q = query.q.trim().to_string();
    let chars = q.chars().count();
    if chars == 0 || chars > QUERY_MAX_CHARS {
        return Err(Problem::invalid_request(&[crate::errors::field_error(
            "invalid_field",
            "q",
            format!(
                "请输入1至{QUERY_MAX_CHARS}个字的地名或拼音首字母 / 1 to {QUERY_MAX_CHARS} characters of a place name or its pinyin initials"
            ),
        )]));
    }
    let now = state.clock.now().0 / 1000;
    let window_end = (now / WINDOW_SECS + 1) * WINDOW_SECS;
    let key = format!(
        "divisions:client:{}",
        state.keys.keyed_hash("client", &client.0)
    );
    let count = state.store.count_request(&key, window_end).await?;
    if count > PER_CLIENT {
        let secs = (window_end - now).max(1);
        let mut response = Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "search_throttled",
            "搜索过于频繁，请稍后再试",
            "Too many searches; try again later",
        )
        .with_detail(format!("retry after {secs} s"))
        .into_response();
        if let Ok(v) = axum::http::HeaderValue::from_str(&secs.to_string()) {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, v);
        }
        return Ok(response);
    }
    let index = Arc::clone(&state.divisions);
    let found = tokio::task::spawn_blocking(move || index.search(&q))
        .await
        .map_err(|_| crate::errors::internal("village search"))?;
    let Some(found) = found else {
        return Err(Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "search_unavailable",
            "村（居）搜索暂不可用，请逐级选择",
            "Village search is unavailable; choose level by level",
        ));
    };
    let results = found
        .into_iter()
        .filter_map(|(code, name)| {
            let code = domain::DivisionCode::parse(&code).ok()?;
            Some(VillageMatch { code, name })
        })
        .collect();
    Ok((StatusCode::OK, Json(VillageMatches { results })).into_response())
}
