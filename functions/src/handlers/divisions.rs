//! The whole country's divisions on the server (issue 22), from the files `cargo xtask spa`
//! generates beside the SPA (`divisions/search/places.tsv`, provinces to townships, and
//! `villages.tsv`; xtask/src/divisions.rs) — or, on AWS, a directory a Lambda layer holds
//! (`JISHENG_DIVISIONS_DIR`):
//!
//! - `GET /api/divisions/search?q=`: villages and communities anywhere by a few characters of
//!   the name or the pinyin initials (the browser searches provinces to townships itself).
//!   Public; counted per client like the lookup, so the scan cannot be run in a loop.
//! - [`Gazette::unknown`]: every division code a request names is checked against the data.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use crate::handlers::lookup::Client;
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

/// The country's divisions, read once on first use.
#[derive(Debug)]
pub struct Gazette {
    dir: Option<PathBuf>,
    villages: OnceLock<Option<Rows>>,
    /// Every code (provinces to villages), sorted; the code lengths' ranges never overlap.
    codes: OnceLock<Option<Vec<u64>>>,
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

impl Gazette {
    /// The files in `dir` (`places.tsv`, `villages.tsv`).
    pub fn at(dir: PathBuf) -> Gazette {
        Gazette {
            dir: Some(dir),
            villages: OnceLock::new(),
            codes: OnceLock::new(),
        }
    }

    /// Beside a built SPA: `<spa>/divisions/search/`.
    pub fn beside_spa(spa: &std::path::Path) -> Gazette {
        Gazette::at(spa.join("divisions").join("search"))
    }

    /// No data: the search answers 503 `search_unavailable`, and codes are checked for their
    /// form only (the health answer says so).
    pub fn none() -> Gazette {
        Gazette {
            dir: None,
            villages: OnceLock::new(),
            codes: OnceLock::new(),
        }
    }

    /// `JISHENG_DIVISIONS_DIR` on AWS (the layer's directory), or none.
    pub fn from_env() -> Gazette {
        std::env::var_os("JISHENG_DIVISIONS_DIR")
            .map(PathBuf::from)
            .map_or_else(Gazette::none, Gazette::at)
    }

    fn read(&self, file: &str) -> Option<Rows> {
        let path = self.dir.as_ref()?.join(file);
        match std::fs::read_to_string(&path) {
            Ok(text) => Some(Rows { text }),
            Err(e) => {
                tracing::error!(path = %path.display(), "division data unreadable: {e}");
                None
            }
        }
    }

    fn villages(&self) -> Option<&Rows> {
        self.villages
            .get_or_init(|| self.read("villages.tsv"))
            .as_ref()
    }

    fn codes(&self) -> Option<&[u64]> {
        self.codes
            .get_or_init(|| {
                let places = self.read("places.tsv")?;
                let mut codes: Vec<u64> = places
                    .iter()
                    .chain(self.villages()?.iter())
                    .filter_map(|(c, _, _)| c.parse().ok())
                    .collect();
                codes.sort_unstable();
                Some(codes)
            })
            .as_deref()
    }

    /// Whether the data holds `code`; `None` without data.
    pub fn known(&self, code: domain::DivisionCode) -> Option<bool> {
        let n: u64 = code.to_string().parse().ok()?;
        Some(self.codes()?.binary_search(&n).is_ok())
    }

    /// Whether the data is there (`/api/health`).
    pub fn loaded(&self) -> bool {
        self.codes().is_some()
    }

    /// A field error for each division of `request` the data does not hold (`prefix` names the
    /// request's place in the body, e.g. `situation.`). Nothing without data.
    pub fn unknown(
        &self,
        request: &domain::contract::EligibilityRequest,
        prefix: &str,
    ) -> Vec<serde_json::Value> {
        let mut fields = vec![("division", Some(request.division))];
        if let Some(h) = &request.hukou {
            fields.push(("hukou.husband", h.husband));
            fields.push(("hukou.wife", h.wife));
        }
        fields.push(("residence.division", request.residence.map(|r| r.division)));
        fields
            .into_iter()
            .filter_map(|(field, code)| Some((field, code?)))
            .filter(|(_, code)| self.known(*code) == Some(false))
            .map(|(field, code)| {
                json!({"code": "unknown_division", "field": format!("{prefix}{field}"),
                    "message": format!("没有这个行政区划代码：{code} / no division has the code {code}")})
            })
            .collect()
    }

    /// The best villages for `query`, or `None` without data.
    pub fn search(&self, query: &str) -> Option<Vec<(String, String)>> {
        let rows = self.villages()?;
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
    let results: Vec<_> = found
        .into_iter()
        .map(|(code, name)| json!({"code": code, "name": name}))
        .collect();
    Ok((StatusCode::OK, Json(json!({"results": results}))).into_response())
}
