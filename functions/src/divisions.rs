//! `GET /api/divisions/search?q=` — villages and communities anywhere in the country by a few
//! characters of their name or their pinyin initials (issue 22). The browser searches provinces
//! to townships itself (`/divisions/search/places.tsv`); the 620,000 villages are searched here,
//! from `divisions/search/villages.tsv`, which `cargo xtask spa` generates beside the SPA (the
//! local server) or a Lambda layer holds (`JISHENG_VILLAGE_INDEX`). Public; counted per client
//! like the lookup, so the scan cannot be run in a loop.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use crate::lookup::Client;
use crate::problem::Problem;
use crate::state::AppState;
use domain::division::search::{QUERY_MAX_CHARS, best};

/// Results per answer.
pub const LIMIT: usize = 20;
/// Searches per client per window ([`WINDOW_SECS`]): a person typing, not a crawler.
pub const PER_CLIENT: u32 = 600;
pub const WINDOW_SECS: i64 = 600;

pub fn router() -> Router<AppState> {
    Router::new().route("/divisions/search", get(search))
}

/// The villages' index, read once on the first search.
#[derive(Debug)]
pub struct VillageIndex {
    path: Option<PathBuf>,
    rows: OnceLock<Option<Rows>>,
}

/// `code<TAB>name<TAB>initials` lines, kept as the one string they were read as.
#[derive(Debug)]
struct Rows {
    text: String,
}

impl Rows {
    fn iter(&self) -> impl Iterator<Item = (&str, &str, &str)> {
        self.text.lines().filter_map(|l| {
            let mut f = l.splitn(3, '\t');
            Some((f.next()?, f.next()?, f.next()?))
        })
    }
}

impl VillageIndex {
    pub fn at(path: PathBuf) -> VillageIndex {
        VillageIndex {
            path: Some(path),
            rows: OnceLock::new(),
        }
    }

    /// No index: every search answers 503 `search_unavailable`.
    pub fn none() -> VillageIndex {
        VillageIndex {
            path: None,
            rows: OnceLock::new(),
        }
    }

    /// `JISHENG_VILLAGE_INDEX` on AWS (the layer's file), or none.
    pub fn from_env() -> VillageIndex {
        std::env::var_os("JISHENG_VILLAGE_INDEX")
            .map(PathBuf::from)
            .map_or_else(VillageIndex::none, VillageIndex::at)
    }

    fn rows(&self) -> Option<&Rows> {
        self.rows
            .get_or_init(|| {
                let path = self.path.as_ref()?;
                match std::fs::read_to_string(path) {
                    Ok(text) => Some(Rows { text }),
                    Err(e) => {
                        tracing::error!(path = %path.display(), "village index unreadable: {e}");
                        None
                    }
                }
            })
            .as_ref()
    }

    /// The best villages for `query`, or `None` without an index.
    pub fn search(&self, query: &str) -> Option<Vec<(String, String)>> {
        let rows = self.rows()?;
        Some(
            best(query, rows.iter(), LIMIT)
                .into_iter()
                .map(|(c, n)| (c.to_string(), n.to_string()))
                .collect(),
        )
    }
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
        return Err(Problem::invalid_request(&[
            json!({"code": "invalid_field", "field": "q",
            "message": format!("请输入1至{QUERY_MAX_CHARS}个字的地名或拼音首字母 / 1 to {QUERY_MAX_CHARS} characters of a place name or its pinyin initials")}),
        ]));
    }
    let now = state.clock.now().0 / 1000;
    let window_end = (now / WINDOW_SECS + 1) * WINDOW_SECS;
    let key = format!(
        "divisions:client:{}",
        state.keys.keyed_hash("client", &client.0)
    );
    let count = state
        .store
        .count_request(&key, window_end)
        .await
        .map_err(|e| crate::errors::store(&e))?;
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
    let index = Arc::clone(&state.villages);
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
    let results: Vec<_> = found
        .into_iter()
        .map(|(code, name)| json!({"code": code, "name": name}))
        .collect();
    Ok((StatusCode::OK, Json(json!({"results": results}))).into_response())
}
