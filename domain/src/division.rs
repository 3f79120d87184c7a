//! Administrative divisions: GB/T 2260 codes for province (2 digits), city (4) and county
//! (6), extended by the statistical codes for township/street (9) and village/community (12).
//!
//! A [`DivisionCode`] is valid by construction. The 6-digit forms with trailing zeros that
//! forms and APIs use for higher levels (`500000` = 重庆市, `420700` = 鄂州市) are accepted and
//! normalised to the level they name. Containment is by code prefix: that is how the
//! standard nests them, and how staff access is scoped (SPEC §5).

pub mod search;

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// 省级 (2 digits).
    Province,
    /// 地级 (4 digits).
    City,
    /// 县级 (6 digits).
    County,
    /// 乡级: 乡镇、街道 (9 digits).
    Township,
    /// 村级: 村委会、居委会 (12 digits).
    Village,
}

impl Level {
    /// The level as documents name it (seals, certificates).
    pub fn name_zh(self) -> &'static str {
        match self {
            Level::Province => "省级",
            Level::City => "市级",
            Level::County => "县（区）级",
            Level::Township => "乡镇（街道）级",
            Level::Village => "村（居）级",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Level::Province => "Province",
            Level::City => "City",
            Level::County => "County",
            Level::Township => "Township",
            Level::Village => "Village",
        }
    }

    /// Digits in the canonical code.
    pub fn digits(self) -> usize {
        match self {
            Level::Province => 2,
            Level::City => 4,
            Level::County => 6,
            Level::Township => 9,
            Level::Village => 12,
        }
    }

    fn from_digits(n: usize) -> Option<Level> {
        LEVELS.into_iter().find(|l| l.digits() == n)
    }

    pub fn parent(self) -> Option<Level> {
        match self {
            Level::Province => None,
            Level::City => Some(Level::Province),
            Level::County => Some(Level::City),
            Level::Township => Some(Level::County),
            Level::Village => Some(Level::Township),
        }
    }
}

const LEVELS: [Level; 5] = [
    Level::Province,
    Level::City,
    Level::County,
    Level::Township,
    Level::Village,
];

/// GB/T 2260 province prefixes.
pub(crate) const PROVINCES: [u8; 34] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
];

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct DivisionCode {
    /// The canonical digits as a number (leading digit of a province is never 0).
    value: u64,
    level: Level,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DivisionError {
    #[error(
        "区划代码应为2、4、6、9或12位数字 / a division code has 2, 4, 6, 9 or 12 digits: {0:?}"
    )]
    Format(String),
    #[error("区划代码的省级代码不存在 / no such province in the code: {0:?}")]
    Province(String),
    #[error("区划代码层级不连续 / a zero level inside the code: {0:?}")]
    Gap(String),
}

impl DivisionCode {
    pub fn parse(input: &str) -> Result<DivisionCode, DivisionError> {
        let s = input.trim();
        let n = s.len();
        if Level::from_digits(n).is_none() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DivisionError::Format(s.to_string()));
        }
        // Split into level groups (2,2,2,3,3); the last non-zero group names the level.
        let bounds = [0usize, 2, 4, 6, 9, 12];
        let mut level = None;
        let mut seen_zero = false;
        for (i, l) in LEVELS.into_iter().enumerate() {
            let (a, b) = (bounds[i], bounds[i + 1]);
            if b > n {
                break;
            }
            let group = &s[a..b];
            if group.bytes().all(|c| c == b'0') {
                // A prefecture without counties (东莞 4419, 中山 4420, 儋州 4604) files its
                // townships under county group 00: 441900003 is a township of 东莞市.
                let city_without_counties = l == Level::County && level == Some(Level::City);
                if !city_without_counties {
                    seen_zero = true;
                }
            } else if seen_zero {
                return Err(DivisionError::Gap(s.to_string()));
            } else {
                level = Some(l);
            }
        }
        let level = level.ok_or_else(|| DivisionError::Province(s.to_string()))?;
        let canonical = &s[..level.digits()];
        let province: u8 = canonical[..2].parse().unwrap_or(0);
        if !PROVINCES.contains(&province) {
            return Err(DivisionError::Province(s.to_string()));
        }
        let value = canonical
            .parse()
            .map_err(|_| DivisionError::Format(s.to_string()))?;
        Ok(DivisionCode { value, level })
    }

    pub fn level(self) -> Level {
        self.level
    }

    /// The code padded to 12 digits, the order in which divisions nest.
    fn padded(self) -> u64 {
        self.value * 10u64.pow(u32::try_from(12 - self.level.digits()).unwrap_or(0))
    }

    /// The enclosing division at `level` (itself at its own level; `None` below it).
    pub fn ancestor(self, level: Level) -> Option<DivisionCode> {
        if level > self.level {
            return None;
        }
        let drop = u32::try_from(self.level.digits() - level.digits()).ok()?;
        Some(DivisionCode {
            value: self.value / 10u64.pow(drop),
            level,
        })
    }

    pub fn parent(self) -> Option<DivisionCode> {
        self.ancestor(self.level.parent()?)
    }

    pub fn province(self) -> DivisionCode {
        self.ancestor(Level::Province).unwrap_or(self)
    }

    /// The county-level division (the approving 县级卫生健康部门's area), if at or below it.
    pub fn county(self) -> Option<DivisionCode> {
        self.ancestor(Level::County)
    }

    /// The two-digit province number, which picks the provincial rule set.
    pub fn province_number(self) -> u8 {
        u8::try_from(self.province().value).unwrap_or(0)
    }

    /// Itself and every enclosing division, from the province down.
    pub fn lineage(self) -> Vec<DivisionCode> {
        LEVELS.iter().filter_map(|l| self.ancestor(*l)).collect()
    }

    /// Every province-level division (the sweep walks them).
    pub fn provinces() -> impl Iterator<Item = DivisionCode> {
        PROVINCES.iter().map(|p| DivisionCode {
            value: u64::from(*p),
            level: Level::Province,
        })
    }

    /// `self` is `other` or one of its ancestors.
    pub fn contains(self, other: DivisionCode) -> bool {
        other.ancestor(self.level) == Some(self)
    }
}

impl Ord for DivisionCode {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.padded(), self.level).cmp(&(other.padded(), other.level))
    }
}

impl PartialOrd for DivisionCode {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for DivisionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:0width$}", self.value, width = self.level.digits())
    }
}

impl fmt::Debug for DivisionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DivisionCode({self})")
    }
}

impl std::str::FromStr for DivisionCode {
    type Err = DivisionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DivisionCode::parse(s)
    }
}

impl Serialize for DivisionCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DivisionCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        DivisionCode::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "openapi")]
impl schemars::JsonSchema for DivisionCode {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "DivisionCode".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "GB/T 2260 division code: 2 (province), 4 (city), 6 (county), 9 (township) or 12 (village) digits",
            "pattern": "^[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{3}([0-9]{3})?)?)?)?$",
            "examples": ["500116", "500116001005"]
        })
    }
}

/// Names of divisions, from `code<TAB>name` lines. The whole country is split into files
/// the SPA loads lazily (`public/divisions/`, made by `scripts/divisions.py`): counties
/// first, a province's townships on demand; [`Gazetteer::merge`] adds a loaded part.
#[derive(Debug, Clone, Default)]
pub struct Gazetteer {
    names: BTreeMap<DivisionCode, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("division data line {line}: {message}")]
pub struct GazetteerError {
    pub line: usize,
    pub message: String,
}

const SEED: &str = include_str!("../data/divisions.tsv");

impl Gazetteer {
    /// The places the seeds touch (all provinces; 鄂州市, 长春市, 江津区 and their parts),
    /// compiled in.
    pub fn seed() -> &'static Gazetteer {
        static SEEDED: OnceLock<Gazetteer> = OnceLock::new();
        SEEDED.get_or_init(|| Gazetteer::parse(SEED).unwrap_or_default())
    }

    pub fn parse(tsv: &str) -> Result<Gazetteer, GazetteerError> {
        let mut g = Gazetteer::default();
        g.merge(tsv)?;
        Ok(g)
    }

    /// Adds the rows of another file (e.g. a province's townships loaded later).
    pub fn merge(&mut self, tsv: &str) -> Result<(), GazetteerError> {
        for (i, line) in tsv.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let err = |message: String| GazetteerError {
                line: i + 1,
                message,
            };
            let (code, name) = line
                .split_once('\t')
                .ok_or_else(|| err("expected code<TAB>name".into()))?;
            let code = DivisionCode::parse(code).map_err(|e| err(e.to_string()))?;
            let name = name.trim();
            if name.is_empty() {
                return Err(err("empty name".into()));
            }
            self.names.insert(code, name.to_string());
        }
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    pub fn name(&self, code: DivisionCode) -> Option<&str> {
        self.names.get(&code).map(String::as_str)
    }

    /// The name as written on documents, e.g. 重庆市江津区几江街道; the placeholder city rows
    /// of municipalities and province-administered counties (市辖区, 县, 省直辖…) are left out.
    pub fn full_name(&self, code: DivisionCode) -> Option<String> {
        let mut out = String::new();
        for level in LEVELS {
            let Some(part) = code.ancestor(level) else {
                break;
            };
            match self.name(part) {
                Some(n) if level == Level::City && is_placeholder_city(n) => {}
                Some(n) => out.push_str(n),
                None if part == code => return None,
                None => {}
            }
        }
        Some(out)
    }

    /// The direct children of `code`, in code order.
    pub fn children(&self, code: DivisionCode) -> impl Iterator<Item = (DivisionCode, &str)> {
        let child_level = LEVELS.into_iter().find(|l| *l > code.level());
        self.names
            .range(code..)
            .take_while(move |(c, _)| code.contains(**c))
            .filter(move |(c, _)| Some(c.level()) == child_level)
            .map(|(c, n)| (*c, n.as_str()))
    }
}

fn is_placeholder_city(name: &str) -> bool {
    matches!(name, "市辖区" | "县") || name.starts_with("省直辖") || name.starts_with("自治区直辖")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> DivisionCode {
        DivisionCode::parse(s).unwrap()
    }

    #[test]
    fn levels_follow_the_code_length() {
        assert_eq!(c("50").level(), Level::Province);
        assert_eq!(c("4207").level(), Level::City);
        assert_eq!(c("500116").level(), Level::County);
        assert_eq!(c("500116001").level(), Level::Township);
        assert_eq!(c("500116001005").level(), Level::Village);
    }

    #[test]
    fn six_digit_forms_of_higher_levels_are_normalised() {
        assert_eq!(c("500000"), c("50"));
        assert_eq!(c("420700"), c("4207"));
        assert_eq!(c("500116000"), c("500116"));
        assert_eq!(c("500116001000"), c("500116001"));
        assert_eq!(c("420000").to_string(), "42");
    }

    #[test]
    fn bad_codes_are_rejected_with_the_reason() {
        assert!(matches!(
            DivisionCode::parse("50011"),
            Err(DivisionError::Format(_))
        ));
        assert!(matches!(
            DivisionCode::parse("5001a6"),
            Err(DivisionError::Format(_))
        ));
        assert!(matches!(
            DivisionCode::parse("990101"),
            Err(DivisionError::Province(_))
        ));
        assert!(matches!(
            DivisionCode::parse("000000"),
            Err(DivisionError::Province(_))
        ));
        assert!(matches!(
            DivisionCode::parse("500016"),
            Err(DivisionError::Gap(_))
        ));
    }

    #[test]
    fn a_prefecture_without_counties_has_its_townships_under_the_city() {
        // 东莞 (4419) and 中山 (4420) have no county level: county group 00.
        let town = c("441900003");
        assert_eq!(town.level(), Level::Township);
        assert!(c("4419").contains(town));
        assert!(c("4419").contains(c("441900003001")));
        assert_eq!(town.province_number(), 44);
        // Elsewhere a zero group inside a code is still a gap.
        assert!(matches!(
            DivisionCode::parse("500016001"),
            Err(DivisionError::Gap(_))
        ));
        assert!(matches!(
            DivisionCode::parse("440000003"),
            Err(DivisionError::Gap(_))
        ));
    }

    #[test]
    fn parents_and_containment_nest_by_prefix() {
        let community = c("500116001005");
        assert_eq!(community.parent(), Some(c("500116001")));
        assert_eq!(community.county(), Some(c("500116")));
        assert_eq!(community.province(), c("50"));
        assert_eq!(community.province_number(), 50);
        assert!(c("500116").contains(community));
        assert!(c("50").contains(community));
        assert!(community.contains(community));
        assert!(!community.contains(c("500116")));
        assert!(!c("500116").contains(c("500117001")));
        assert!(!c("420704").contains(c("500116")));
        assert_eq!(c("50").parent(), None);
    }

    #[test]
    fn serde_is_the_canonical_string() {
        assert_eq!(serde_json::to_string(&c("500000")).unwrap(), "\"50\"");
        let back: DivisionCode = serde_json::from_str("\"500116\"").unwrap();
        assert_eq!(back, c("500116"));
        assert!(serde_json::from_str::<DivisionCode>("\"5001\u{4e00}\"").is_err());
    }

    #[test]
    fn the_seed_places_have_their_real_names() {
        let g = Gazetteer::seed();
        assert_eq!(g.name(c("42")), Some("湖北省"));
        assert_eq!(g.name(c("4207")), Some("鄂州市"));
        assert_eq!(g.name(c("420704")), Some("鄂城区"));
        assert_eq!(g.name(c("22")), Some("吉林省"));
        assert_eq!(g.name(c("2201")), Some("长春市"));
        assert_eq!(g.name(c("220102")), Some("南关区"));
        assert_eq!(g.name(c("500116")), Some("江津区"));
        assert_eq!(g.name(c("500116001")), Some("几江街道"));
        assert_eq!(
            g.full_name(c("500116001005")).as_deref(),
            Some("重庆市江津区几江街道四牌坊社区居民委员会")
        );
        assert_eq!(
            g.full_name(c("420704")).as_deref(),
            Some("湖北省鄂州市鄂城区")
        );
        assert_eq!(g.full_name(c("110101")), None);
    }

    #[test]
    fn children_are_the_next_level_down_in_order() {
        let g = Gazetteer::seed();
        let ezhou: Vec<_> = g.children(c("4207")).map(|(_, n)| n).collect();
        assert_eq!(ezhou, ["梁子湖区", "华容区", "鄂城区"]);
        let jiangjin = g.children(c("500116")).count();
        assert!(
            jiangjin >= 25,
            "江津区 has its towns and streets: {jiangjin}"
        );
        assert!(
            g.children(c("500116"))
                .all(|(code, _)| code.level() == Level::Township)
        );
    }

    #[test]
    fn the_country_files_parse_and_merge_lazily() {
        // The files the SPA loads: counties first, then one province's townships.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../public/divisions");
        let counties = std::fs::read_to_string(root.join("counties.tsv")).unwrap();
        let mut g = Gazetteer::parse(&counties).unwrap();
        let county_count = g
            .names
            .keys()
            .filter(|c| c.level() == Level::County)
            .count();
        assert!(county_count > 2_800, "{county_count} counties");
        assert_eq!(g.name(c("500116001")), None);
        let towns = std::fs::read_to_string(root.join("townships/50.tsv")).unwrap();
        g.merge(&towns).unwrap();
        assert_eq!(g.name(c("500116001")), Some("几江街道"));
    }

    #[test]
    fn malformed_rows_name_their_line() {
        let err = Gazetteer::parse("50\t重庆市\n5001-\tx\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(Gazetteer::parse("50\t\n").is_err());
    }
}
