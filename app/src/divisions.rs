//! The country's divisions in the browser (SPEC §4; issue 22): the cascading picker, province
//! to village, each level's file loaded when it is needed, and a search box that finds any place
//! by a few characters of its name or its pinyin initials — provinces to townships from a
//! lazily loaded index, villages from the server.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use domain::DivisionCode;
use leptos::prelude::*;

use crate::api;
use crate::i18n::tr;

/// The country's divisions, loaded a file at a time: provinces, cities and counties first
/// (64 KB), then a province's townships when a county is picked, then a county's villages.
#[derive(Debug, Clone, Copy)]
pub struct Divisions {
    names: RwSignal<BTreeMap<String, String>>,
    requested: StoredValue<BTreeSet<String>>,
    /// Counties that have a villages file (`villages.txt`); others have none to ask for.
    with_villages: RwSignal<BTreeSet<String>>,
    /// The search index, provinces to townships, loaded when a search box is first used.
    places: RwSignal<Option<Arc<Places>>>,
}

/// `divisions/search/places.tsv`: every province, city, county and township with its pinyin
/// initials (computed at build time, xtask/src/divisions.rs).
#[derive(Debug, Default)]
pub struct Places {
    rows: Vec<(String, String, String)>,
    names: HashMap<String, String>,
    /// Every character of a name, and every letter of its initials, to the rows that hold it:
    /// a query is ranked only over the rows holding its first character, not all 45,000.
    by_char: HashMap<char, Vec<u32>>,
}

impl Places {
    fn parse(text: &str) -> Places {
        let rows: Vec<(String, String, String)> = text
            .lines()
            .filter_map(|l| {
                let mut f = l.splitn(3, '\t');
                Some((
                    f.next()?.to_string(),
                    f.next()?.to_string(),
                    f.next()?.to_string(),
                ))
            })
            .collect();
        let names = rows
            .iter()
            .map(|(c, n, _)| (c.clone(), n.clone()))
            .collect();
        let mut by_char: HashMap<char, Vec<u32>> = HashMap::new();
        for (i, (_, name, initials)) in rows.iter().enumerate() {
            let Ok(i) = u32::try_from(i) else { break };
            let mut seen: Vec<char> = name.chars().chain(initials.chars()).collect();
            seen.sort_unstable();
            seen.dedup();
            for c in seen {
                by_char.entry(c).or_default().push(i);
            }
        }
        Places {
            rows,
            names,
            by_char,
        }
    }

    /// The best matches no deeper than `max_len` digits: `(code, name)`.
    pub fn search(&self, query: &str, max_len: usize, limit: usize) -> Vec<(String, String)> {
        let q = query.trim();
        let Some(first) = q.chars().next() else {
            return Vec::new();
        };
        // Letters match the (lower-case) initials; anything else the name.
        let key = if first.is_ascii_alphabetic() {
            first.to_ascii_lowercase()
        } else {
            first
        };
        let Some(candidates) = self.by_char.get(&key) else {
            return Vec::new();
        };
        domain::division::search::best(
            q,
            candidates
                .iter()
                .filter_map(|i| self.rows.get(*i as usize))
                .filter(|(c, _, _)| c.len() <= max_len)
                .map(|(c, n, i)| (c.as_str(), n.as_str(), i.as_str())),
            limit,
        )
        .into_iter()
        .map(|(c, n)| (c.to_string(), n.to_string()))
        .collect()
    }

    /// "重庆市 › 江津区 › 几江街道 › 四牌坊社区居民委员会" (市辖区 and 县 left out).
    pub fn path(&self, code: &str, name: &str) -> String {
        let mut parts: Vec<&str> = LEVELS
            .iter()
            .filter(|l| **l < code.len())
            .filter_map(|l| self.names.get(&code[..*l]).map(String::as_str))
            .filter(|n| *n != "市辖区" && *n != "县")
            .collect();
        parts.push(name);
        parts.join(" › ")
    }
}

/// Code lengths of the five levels (GB/T 2260 plus the 9- and 12-digit statistical codes).
const LEVELS: [usize; 5] = [2, 4, 6, 9, 12];

impl Divisions {
    pub fn provide() {
        provide_context(Divisions::new());
    }

    fn new() -> Divisions {
        Divisions {
            names: RwSignal::new(BTreeMap::new()),
            requested: StoredValue::new(BTreeSet::new()),
            with_villages: RwSignal::new(BTreeSet::new()),
            places: RwSignal::new(None),
        }
    }

    pub fn get() -> Divisions {
        use_context::<Divisions>().unwrap_or_else(Divisions::new)
    }

    /// Fetches a division file once (a failed fetch leaves that level empty).
    fn fetch(self, file: String, take: impl FnOnce(String) + 'static) {
        let fresh = self.requested.try_update_value(|r| r.insert(file.clone()));
        if fresh != Some(true) {
            return;
        }
        leptos::task::spawn_local(async move {
            if let Ok(text) = api::division_file(&file).await {
                take(text);
            }
        });
    }

    fn load(self, file: String) {
        self.fetch(file, move |text| {
            self.names.update(|m| {
                for line in text.lines() {
                    if let Some((code, name)) = line.split_once('\t') {
                        m.insert(code.to_string(), name.to_string());
                    }
                }
            })
        });
    }

    /// Loads what a picker that goes down to `max_len` digits needs to show `code` and its
    /// next level. Reactive: a county's villages load once `villages.txt` says it has them.
    pub fn load_for(self, code: &str, max_len: usize) {
        self.load("counties.tsv".into());
        self.fetch("villages.txt".into(), move |text| {
            self.with_villages
                .set(text.lines().map(|l| l.trim().to_string()).collect())
        });
        if let Some(county) = code.get(..6).filter(|_| max_len > 6) {
            self.load(format!("townships/{}.tsv", &code[..2]));
            if max_len > 9 && self.with_villages.with(|v| v.contains(county)) {
                self.load(format!("villages/{county}.tsv"));
            }
        }
    }

    /// Loads the search index once (1.2 MB, 0.4 MB over the wire).
    pub fn load_places(self) {
        self.fetch("search/places.tsv".into(), move |text| {
            self.places.set(Some(Arc::new(Places::parse(&text))));
        });
    }

    fn children(self, parent: &str, len: usize) -> Vec<(String, String)> {
        self.names.with(|m| {
            m.range(parent.to_string()..)
                .take_while(|(k, _)| k.starts_with(parent))
                .filter(|(k, _)| k.len() == len)
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
    }

    /// Every loaded division below `parent` (townships, then their villages), for a staff
    /// member's office filter.
    pub fn within(self, parent: &str) -> Vec<(String, String)> {
        self.names.with(|m| {
            m.range(parent.to_string()..)
                .take_while(|(k, _)| k.starts_with(parent))
                .filter(|(k, _)| k.len() > parent.len())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
    }

    /// "重庆市江津区几江街道" from the loaded names ("市辖区" left out), or the code itself.
    pub fn full_name(self, code: &str) -> String {
        let name = self.names.with(|m| {
            LEVELS
                .iter()
                .filter(|l| **l <= code.len())
                .filter_map(|l| m.get(&code[..*l]))
                .filter(|n| n.as_str() != "市辖区" && n.as_str() != "县")
                .cloned()
                .collect::<String>()
        });
        if name.is_empty() {
            code.to_string()
        } else {
            name
        }
    }
}

fn level_label(i: usize) -> &'static str {
    match i {
        0 => tr("省（自治区、直辖市）", "Province"),
        1 => tr("市（地区、州）", "City or prefecture"),
        2 => tr("区（县）", "District or county"),
        3 => tr("乡镇（街道）", "Township or street"),
        _ => tr("村（居）委会", "Village or community"),
    }
}

/// Cascading selects, province to village, each loaded as it is needed so the whole
/// country's divisions stay fast on a phone. `value` is the deepest choice of at least
/// `min_len` digits.
// Long: the cascading selects, one per level, in one view tree.
#[component]
pub fn DivisionPicker(
    id: &'static str,
    legend: &'static str,
    legend_en: &'static str,
    value: RwSignal<Option<DivisionCode>>,
    #[prop(default = 6)] min_len: usize,
    #[prop(default = 12)] max_len: usize,
) -> impl IntoView {
    let data = Divisions::get();
    let initial = value
        .get_untracked()
        .map(|c| c.to_string())
        .unwrap_or_default();
    data.load_for(&initial, max_len);
    let sel: Vec<RwSignal<String>> = LEVELS
        .iter()
        .map(|l| RwSignal::new(initial.get(..*l).unwrap_or_default().to_string()))
        .collect();
    let sel = StoredValue::new(sel);
    // Re-asks for the chosen county's villages once the list of counties that have them is in.
    Effect::new(move |_| {
        data.with_villages.track();
        data.load_for(&sel.get_value()[2].get(), max_len);
    });
    let pick = move |level: usize, code: String| {
        let sel = sel.get_value();
        for (i, s) in sel.iter().enumerate() {
            if i == level {
                s.set(code.clone());
            } else if i > level {
                s.set(String::new());
            }
        }
        if !code.is_empty() {
            data.load_for(&code, max_len);
        }
        let deepest = sel
            .iter()
            .map(|s| s.get_untracked())
            .rfind(|s| !s.is_empty())
            .unwrap_or_default();
        value.set(if deepest.len() >= min_len {
            DivisionCode::parse(&deepest).ok()
        } else {
            None
        });
    };
    // A place found by the search box: every select set down to it.
    let choose = move |code: String| {
        let sel = sel.get_value();
        for (i, s) in sel.iter().enumerate() {
            s.set(code.get(..LEVELS[i]).unwrap_or_default().to_string());
        }
        data.load_for(&code, max_len);
        value.set(if code.len() >= min_len {
            DivisionCode::parse(&code).ok()
        } else {
            None
        });
    };
    let levels = LEVELS
        .iter()
        .enumerate()
        .filter(|(_, l)| **l <= max_len)
        .map(|(i, len)| {
            let len = *len;
            let parent = move || {
                if i == 0 {
                    Some(String::new())
                } else {
                    let p = sel.get_value()[i - 1].get();
                    (!p.is_empty()).then_some(p)
                }
            };
            let options = move || parent().map(|p| data.children(&p, len)).unwrap_or_default();
            let select_id = format!("{id}-{i}");
            let label_for = select_id.clone();
            view! {
                <Show when=move || !options().is_empty()>
                    <div class="field">
                        <label for=label_for.clone()>{move || level_label(i)}</label>
                        <select
                            id=select_id.clone()
                            on:change=move |ev| pick(i, event_target_value(&ev))
                        >
                            <option value="">{move || tr("请选择", "Choose")}</option>
                            {move || {
                                let chosen = sel.get_value()[i].get();
                                options()
                                    .into_iter()
                                    .map(|(code, name)| {
                                        let selected = code == chosen;
                                        view! { <option value=code selected=selected>{name}</option> }
                                    })
                                    .collect_view()
                            }}
                        </select>
                    </div>
                </Show>
            }
        })
        .collect_view();
    view! {
        <fieldset class="division-picker" id=id>
            <legend>{move || tr(legend, legend_en)}</legend>
            <DivisionSearch id=id max_len=max_len choose=Callback::new(choose) />
            {levels}
            <p class="hint" aria-live="polite">
                {move || match value.get() {
                    Some(code) => format!("{}{}", tr("已选择：", "Chosen: "), data.full_name(&code.to_string())),
                    None => String::new(),
                }}
            </p>
        </fieldset>
    }
}

/// Results shown at once: enough to pick from, few enough to read out.
const SHOWN: usize = 10;

/// A combobox (WAI-ARIA 1.2): type a few characters of a place name or its pinyin initials,
/// move through the results with the arrow keys, Enter picks; the count is announced. Provinces
/// to townships come from the browser's index, villages from the server when the picker goes
/// that deep.
// Long: the combobox's keyboard handling (WAI-ARIA combobox pattern) kept with its view.
#[component]
fn DivisionSearch(id: &'static str, max_len: usize, choose: Callback<String>) -> impl IntoView {
    let data = Divisions::get();
    let query = RwSignal::new(String::new());
    let villages = RwSignal::new(Vec::<(String, String)>::new());
    let active = RwSignal::new(None::<usize>);
    let open = RwSignal::new(false);
    let asked = StoredValue::new(0u32);
    let input_id = format!("{id}-search");
    let list_id = format!("{id}-results");
    let results = Memo::new(move |_| {
        let q = query.get();
        let Some(places) = data.places.get() else {
            return Vec::new();
        };
        let mut found: Vec<(String, String)> = places
            .search(&q, max_len, SHOWN)
            .into_iter()
            .map(|(code, name)| {
                let path = places.path(&code, &name);
                (code, path)
            })
            .collect();
        for (code, name) in villages.get() {
            if found.len() >= SHOWN * 2 {
                break;
            }
            let path = places.path(&code, &name);
            found.push((code, path));
        }
        found
    });
    let ask_villages = move |q: String| {
        villages.set(Vec::new());
        if max_len < 12 || q.trim().chars().count() < 2 {
            return;
        }
        let n = asked.get_value().wrapping_add(1);
        asked.set_value(n);
        leptos::task::spawn_local(async move {
            if let Ok(found) = api::search_villages(q.trim()).await
                && asked.get_value() == n
            {
                villages.set(
                    found
                        .into_iter()
                        .map(|v| (v.code.to_string(), v.name))
                        .collect(),
                );
            }
        });
    };
    let pick = move |i: usize| {
        if let Some((code, _)) = results.get_untracked().get(i) {
            choose.run(code.clone());
            open.set(false);
            active.set(None);
        }
    };
    let option_id = move |i: usize| format!("{id}-option-{i}");
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let n = results.get_untracked().len();
        match ev.key().as_str() {
            "ArrowDown" if n > 0 => {
                ev.prevent_default();
                open.set(true);
                active.update(|a| *a = Some(a.map_or(0, |i| (i + 1) % n)));
            }
            "ArrowUp" if n > 0 => {
                ev.prevent_default();
                active.update(|a| *a = Some(a.map_or(n - 1, |i| (i + n - 1) % n)));
            }
            "Enter" => {
                if let Some(i) = active.get_untracked() {
                    ev.prevent_default();
                    pick(i);
                }
            }
            "Escape" => {
                open.set(false);
                active.set(None);
            }
            _ => {}
        }
    };
    let label_for = input_id.clone();
    let list_for_input = list_id.clone();
    view! {
        <div class="field division-search">
            <label for=label_for>{move || tr("搜索地名（汉字或拼音首字母）", "Search a place (name or pinyin initials)")}</label>
            <input
                type="search"
                id=input_id
                role="combobox"
                autocomplete="off"
                aria-autocomplete="list"
                aria-controls=list_for_input
                aria-expanded=move || (open.get() && !results.get().is_empty()).to_string()
                aria-activedescendant=move || active.get().map(option_id).unwrap_or_default()
                maxlength=domain::division::search::QUERY_MAX_CHARS.to_string()
                prop:value=move || query.get()
                on:focus=move |_| data.load_places()
                on:input=move |ev| {
                    let q = event_target_value(&ev);
                    query.set(q.clone());
                    active.set(None);
                    open.set(true);
                    ask_villages(q);
                }
                on:keydown=on_key
            />
            <ul id=list_id class="search-results" role="listbox" hidden=move || !open.get() || results.get().is_empty()>
                {move || results.get().into_iter().enumerate().map(|(i, (code, path))| view! {
                    <li
                        role="option"
                        id=option_id(i)
                        data-code=code
                        aria-selected=move || (active.get() == Some(i)).to_string()
                        on:mousedown=move |ev| { ev.prevent_default(); pick(i); }
                    >{path}</li>
                }).collect_view()}
            </ul>
            <p class="visually-hidden" aria-live="polite">{move || {
                let n = results.get().len();
                if query.get().trim().is_empty() || !open.get() {
                    String::new()
                } else if n == 0 {
                    tr("没有找到", "Nothing found").to_string()
                } else {
                    format!("{}{n}{}", tr("找到 ", "Found "), tr(" 个结果，用上下方向键选择", " results; use the arrow keys"))
                }
            }}</p>
        </div>
    }
}
