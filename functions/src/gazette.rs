//! The whole country's divisions on the server (issue 22), from the files `cargo xtask spa`
//! generates beside the SPA (`divisions/search/places.tsv`, provinces to townships, and
//! `villages.tsv`; xtask/src/divisions.rs) — or, on AWS, a directory a Lambda layer holds
//! (`JISHENG_DIVISIONS_DIR`). [`Gazette::unknown`] checks every division code a request names;
//! [`Gazette::search`] serves the divisions handler's village search.

use std::path::PathBuf;
use std::sync::OnceLock;

use domain::division::search::best;

/// Results per search answer.
pub const LIMIT: usize = 20;

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
                crate::errors::field_error(
                    "unknown_division",
                    &format!("{prefix}{field}"),
                    format!("没有这个行政区划代码：{code} / no division has the code {code}"),
                )
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
