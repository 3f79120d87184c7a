//! A State Council holiday notice (国务院办公厅关于YYYY年部分节假日安排的通知) as data: the
//! rest spans and the weekend days made working days (调休) of one year. The built-in years
//! ship in `data/holidays.txt`; an administrator loads a new year's notice at run time.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::statutory;
use crate::contract::FieldError;
use crate::date::Date;

/// One run of rest days a notice gives, weekends inside it included (e.g. 国庆节 10-01..10-07).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct RestSpan {
    pub name: String,
    pub from: Date,
    pub to: Date,
}

/// One year's holiday notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct HolidayNotice {
    pub year: i32,
    /// 国务院办公厅关于2027年部分节假日安排的通知
    pub title: String,
    /// 文号, e.g. 国办发明电〔2026〕12号 (empty for built-in years transcribed without it).
    #[serde(default)]
    pub document_number: String,
    /// The day the notice was issued.
    #[serde(default)]
    pub published: Option<Date>,
    /// Where the text was read (a URL or a newspaper), so the data can be checked again.
    #[serde(default)]
    pub source: String,
    pub rest: Vec<RestSpan>,
    pub workdays: Vec<Date>,
}

const MAX_TEXT: usize = 200;

fn problem(field: &str, message: impl Into<String>) -> FieldError {
    FieldError::new("invalid_field", field, message)
}

fn text(obj: &serde_json::Map<String, Value>, key: &str, errors: &mut Vec<FieldError>) -> String {
    match obj.get(key).and_then(Value::as_str).map(str::trim) {
        Some(s) if !s.is_empty() && s.chars().count() <= MAX_TEXT => s.to_string(),
        _ => {
            errors.push(problem(
                key,
                format!("须填写，不超过{MAX_TEXT}个字符 / required, at most {MAX_TEXT} characters"),
            ));
            String::new()
        }
    }
}

fn date(value: Option<&Value>, field: &str, errors: &mut Vec<FieldError>) -> Option<Date> {
    match value.and_then(Value::as_str).map(Date::parse) {
        Some(Ok(d)) => Some(d),
        _ => {
            errors.push(problem(field, "日期格式为 YYYY-MM-DD / a date YYYY-MM-DD"));
            None
        }
    }
}

impl HolidayNotice {
    /// Reads a notice an administrator loads, listing every problem at once: the fields, then
    /// (when they all read) [`HolidayNotice::problems`].
    pub fn from_json(value: &Value) -> Result<HolidayNotice, Vec<FieldError>> {
        let notice = HolidayNotice::read(value)?;
        let problems = notice.problems();
        if problems.is_empty() {
            Ok(notice)
        } else {
            Err(problems)
        }
    }

    /// Reads the fields only, every bad one listed (the data is checked by
    /// [`HolidayNotice::problems`]).
    // Long: every field of a notice read, every problem collected at once.
    pub fn read(value: &Value) -> Result<HolidayNotice, Vec<FieldError>> {
        let Some(obj) = value.as_object() else {
            return Err(vec![problem("", "须为 JSON 对象 / a JSON object")]);
        };
        let mut errors = Vec::new();
        let known = [
            "year",
            "title",
            "document_number",
            "published",
            "source",
            "rest",
            "workdays",
        ];
        for key in obj.keys().filter(|k| !known.contains(&k.as_str())) {
            errors.push(FieldError::new(
                "unknown_field",
                key,
                "未知字段 / unknown field",
            ));
        }
        let year = obj
            .get("year")
            .and_then(Value::as_i64)
            .and_then(|y| i32::try_from(y).ok());
        if year.is_none() {
            errors.push(problem("year", "年份须为整数 / a whole year"));
        }
        let title = text(obj, "title", &mut errors);
        let document_number = text(obj, "document_number", &mut errors);
        let published = date(obj.get("published"), "published", &mut errors);
        let source = match obj.get("source") {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) if s.chars().count() <= MAX_TEXT => s.trim().to_string(),
            Some(_) => {
                errors.push(problem(
                    "source",
                    "不超过200个字符 / at most 200 characters",
                ));
                String::new()
            }
        };
        let mut rest = Vec::new();
        match obj.get("rest").and_then(Value::as_array) {
            Some(spans) if !spans.is_empty() => {
                for (i, span) in spans.iter().enumerate() {
                    let field = |k: &str| format!("rest[{i}].{k}");
                    let name = span
                        .get("name")
                        .and_then(Value::as_str)
                        .map(str::trim)
                        .filter(|n| !n.is_empty() && n.chars().count() <= 60);
                    if name.is_none() {
                        errors.push(problem(
                            &field("name"),
                            "须填写节日名称 / the holiday's name",
                        ));
                    }
                    let from = date(span.get("from"), &field("from"), &mut errors);
                    let to = date(span.get("to"), &field("to"), &mut errors);
                    if let (Some(name), Some(from), Some(to)) = (name, from, to) {
                        rest.push(RestSpan {
                            name: name.to_string(),
                            from,
                            to,
                        });
                    }
                }
            }
            _ => errors.push(problem(
                "rest",
                "至少一个放假区间 / at least one rest span {name, from, to}",
            )),
        }
        let mut workdays = Vec::new();
        match obj.get("workdays") {
            None | Some(Value::Null) => {}
            Some(Value::Array(days)) => {
                for (i, day) in days.iter().enumerate() {
                    if let Some(d) = date(Some(day), &format!("workdays[{i}]"), &mut errors) {
                        workdays.push(d);
                    }
                }
            }
            Some(_) => errors.push(problem("workdays", "日期列表 / a list of dates")),
        }
        let notice = HolidayNotice {
            year: year.unwrap_or_default(),
            title,
            document_number,
            published,
            source,
            rest,
            workdays,
        };
        if errors.is_empty() {
            Ok(notice)
        } else {
            Err(errors)
        }
    }

    /// What is wrong with the data, all of it: every date in the notice's year, spans that do
    /// not overlap, make-up working days on weekends outside the spans, and every statutory
    /// holiday of 《全国年节及纪念日放假办法》 (art. 2, the revision then in force) inside a span.
    // Long: every check of a notice's dates against the statutory holidays, every problem collected at once.
    pub fn problems(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let year = self.year;
        let Some(statutory) = statutory::year(year) else {
            errors.push(problem(
                "year",
                format!(
                    "可导入{}至{}年的放假安排 / years {} to {} can be loaded",
                    statutory::FIRST_YEAR,
                    statutory::LAST_YEAR,
                    statutory::FIRST_YEAR,
                    statutory::LAST_YEAR
                ),
            ));
            return errors;
        };
        if let Some(published) = self.published
            && published.year() > year
        {
            errors.push(problem(
                "published",
                "发布日期不能晚于该年 / published after the year it arranges",
            ));
        }
        for (i, span) in self.rest.iter().enumerate() {
            if span.from.year() != year || span.to.year() != year {
                errors.push(problem(
                    &format!("rest[{i}]"),
                    format!("{}：日期须在{year}年内 / dates inside {year}", span.name),
                ));
            }
            if span.from > span.to {
                errors.push(problem(
                    &format!("rest[{i}].to"),
                    format!("{}：结束日早于开始日 / ends before it starts", span.name),
                ));
            }
            for (j, other) in self.rest.iter().enumerate().skip(i + 1) {
                if span.from <= other.to && other.from <= span.to {
                    errors.push(problem(
                        &format!("rest[{j}]"),
                        format!(
                            "{}与{}的放假区间重叠 / overlaps rest[{i}]",
                            other.name, span.name
                        ),
                    ));
                }
            }
        }
        let in_rest = |d: Date| self.rest.iter().any(|s| s.from <= d && d <= s.to);
        for (i, day) in self.workdays.iter().enumerate() {
            let field = format!("workdays[{i}]");
            if day.year() != year {
                errors.push(problem(
                    &field,
                    format!("{day}不在{year}年内 / not in {year}"),
                ));
            } else if !day.is_weekend() {
                errors.push(problem(
                    &field,
                    format!("{day}不是周末，无需调休上班 / not a weekend day"),
                ));
            } else if in_rest(*day) {
                errors.push(problem(
                    &field,
                    format!("{day}在放假区间内 / inside a rest span"),
                ));
            }
            if self.workdays[..i].contains(day) {
                errors.push(problem(&field, format!("{day}重复 / listed twice")));
            }
        }
        for holiday in statutory.holidays() {
            if !in_rest(holiday.date) {
                errors.push(problem(
                    "rest",
                    format!(
                        "{}{}（{}第二条）不在任何放假区间内 / the statutory holiday {} is in no rest span",
                        holiday.name, holiday.date, statutory.revision.title, holiday.date
                    ),
                ));
            }
        }
        errors
    }

    /// A made-up notice for `year`, for tests and demonstrations only (its title says so): the
    /// statutory days of the revision in force with 国庆节 run to seven days, no 调休. It is
    /// computed, so it exists for every year the statutory holidays are known.
    pub fn sample(year: i32) -> Option<HolidayNotice> {
        let statutory = statutory::year(year)?;
        let mut days: std::collections::BTreeMap<Date, &str> =
            statutory.days.iter().map(|d| (d.date, d.name)).collect();
        for day in 1..=7 {
            days.entry(Date::new(year, 10, day)?).or_insert("国庆节");
        }
        let mut rest: Vec<RestSpan> = Vec::new();
        for (date, name) in days {
            match rest.last_mut() {
                Some(span) if span.to.succ() == Some(date) => span.to = date,
                _ => rest.push(RestSpan {
                    name: name.to_string(),
                    from: date,
                    to: date,
                }),
            }
        }
        Some(HolidayNotice {
            year,
            title: format!("国务院办公厅关于{year}年部分节假日安排的通知（测试数据，非真实通知）"),
            document_number: format!("测试〔{}〕1号", year - 1),
            published: Date::new(year - 1, 11, 1),
            source: "HolidayNotice::sample (test data)".into(),
            rest,
            workdays: Vec::new(),
        })
    }

    /// `<title>（<文号>）`, as an audit entry cites it.
    pub fn citation(&self) -> String {
        if self.document_number.is_empty() {
            self.title.clone()
        } else {
            format!("{}（{}）", self.title, self.document_number)
        }
    }
}

/// Reads the built-in `holidays.txt` format (see the file's header) into one notice per year.
pub fn parse_builtin(text: &str) -> Result<Vec<HolidayNotice>, super::CalendarError> {
    let mut notices: Vec<HolidayNotice> = Vec::new();
    let mut title = String::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let err = |message: &str| super::CalendarError::Data {
            line: i + 1,
            message: message.to_string(),
        };
        if let Some(comment) = line.strip_prefix('#') {
            let comment = comment.trim();
            if comment.starts_with("国务院办公厅关于") {
                title = comment.to_string();
            }
            continue;
        }
        if line.is_empty() {
            continue;
        }
        let parts: Vec<&str> = line.split_whitespace().collect();
        let year: i32 = parts
            .first()
            .and_then(|y| y.parse().ok())
            .ok_or_else(|| err("a line starts with its year"))?;
        let date = |s: &str| Date::parse(s).map_err(|e| err(&e.to_string()));
        if notices.last().is_none_or(|n| n.year != year) {
            if notices.iter().any(|n| n.year == year) {
                return Err(err("a year's lines must stay together"));
            }
            notices.push(HolidayNotice {
                year,
                title: title.clone(),
                document_number: String::new(),
                published: None,
                source: "data/holidays.txt".into(),
                rest: Vec::new(),
                workdays: Vec::new(),
            });
        }
        let Some(notice) = notices.last_mut() else {
            return Err(err("no year"));
        };
        match parts.as_slice() {
            [_, "holiday", name, span] => {
                let (from, to) = match span.split_once("..") {
                    Some((a, b)) => (date(a)?, date(b)?),
                    None => (date(span)?, date(span)?),
                };
                if from.year() != year || to.year() != year || from > to {
                    return Err(err("a holiday outside its year"));
                }
                notice.rest.push(RestSpan {
                    name: (*name).to_string(),
                    from,
                    to,
                });
            }
            [_, "workday", day] => {
                let d = date(day)?;
                if d.year() != year || !d.is_weekend() {
                    return Err(err("a make-up workday is a weekend day of its year"));
                }
                notice.workdays.push(d);
            }
            _ => {
                return Err(err(
                    "expected `<year> holiday <name> <span>` or `<year> workday <date>`",
                ));
            }
        }
    }
    if notices.is_empty() {
        return Err(super::CalendarError::Data {
            line: 0,
            message: "no data".into(),
        });
    }
    Ok(notices)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn notice_2027() -> Value {
        // A made-up arrangement for 2027 that satisfies the 2024 revision.
        json!({
            "year": 2027,
            "title": "国务院办公厅关于2027年部分节假日安排的通知（测试）",
            "document_number": "国办发明电〔2026〕99号",
            "published": "2026-11-20",
            "rest": [
                {"name": "元旦", "from": "2027-01-01", "to": "2027-01-03"},
                {"name": "春节", "from": "2027-02-05", "to": "2027-02-12"},
                {"name": "清明节", "from": "2027-04-03", "to": "2027-04-05"},
                {"name": "劳动节", "from": "2027-05-01", "to": "2027-05-05"},
                {"name": "端午节", "from": "2027-06-09", "to": "2027-06-11"},
                {"name": "中秋节", "from": "2027-09-15", "to": "2027-09-17"},
                {"name": "国庆节", "from": "2027-10-01", "to": "2027-10-07"}
            ],
            "workdays": ["2027-02-20", "2027-05-08", "2027-09-26", "2027-10-09"]
        })
    }

    #[test]
    fn a_complete_notice_reads() {
        let n = HolidayNotice::from_json(&notice_2027()).unwrap();
        assert_eq!(n.year, 2027);
        assert_eq!(n.rest.len(), 7);
        assert_eq!(
            n.citation(),
            "国务院办公厅关于2027年部分节假日安排的通知（测试）（国办发明电〔2026〕99号）"
        );
    }

    #[test]
    fn every_problem_is_listed_at_once() {
        let mut bad = notice_2027();
        // 春节 starting on 初一 leaves 除夕 (2027-02-05) out; a weekday "make-up" day; a
        // workday inside a span; a date of another year; overlapping spans; no 文号.
        bad["rest"][1]["from"] = json!("2027-02-06");
        bad["rest"][6]["from"] = json!("2027-09-17");
        bad["workdays"] = json!([
            "2027-02-10",
            "2027-10-02",
            "2028-01-08",
            "2027-05-08",
            "2027-05-08"
        ]);
        bad["document_number"] = json!("");
        let errors = HolidayNotice::from_json(&bad).unwrap_err();
        // Field errors come first: the data is checked once the fields read.
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].field, "document_number");
        bad["document_number"] = json!("国办发明电〔2026〕99号");
        let errors = HolidayNotice::from_json(&bad).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert!(fields.contains(&"rest[6]"), "overlap: {errors:?}");
        assert!(fields.contains(&"workdays[0]"), "weekday: {errors:?}");
        assert!(fields.contains(&"workdays[1]"), "inside a span: {errors:?}");
        assert!(fields.contains(&"workdays[2]"), "another year: {errors:?}");
        assert!(fields.contains(&"workdays[4]"), "twice: {errors:?}");
        assert!(
            errors
                .iter()
                .any(|e| e.field == "rest" && e.message.contains("春节2027-02-05")),
            "除夕 missing: {errors:?}"
        );
    }

    #[test]
    fn unknown_fields_and_wrong_types_are_reported() {
        let errors = HolidayNotice::from_json(&json!({"year": "2027", "colour": 1})).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        for f in [
            "colour",
            "year",
            "title",
            "document_number",
            "published",
            "rest",
        ] {
            assert!(fields.contains(&f), "{f}: {errors:?}");
        }
        assert!(HolidayNotice::from_json(&json!([1])).is_err());
        let far = json!({"year": 2100, "title": "t", "document_number": "n",
            "published": "2099-11-01", "rest": [{"name": "元旦", "from": "2100-01-01", "to": "2100-01-01"}]});
        let errors = HolidayNotice::from_json(&far).unwrap_err();
        assert_eq!(errors[0].field, "year");
    }

    #[test]
    fn sample_notices_are_valid_for_every_computable_year() {
        for year in [2008, 2027, 2028, 2035, 2099] {
            let n = HolidayNotice::sample(year).unwrap();
            assert!(n.problems().is_empty(), "{year}: {:?}", n.problems());
            assert!(n.title.contains("测试"));
        }
    }

    #[test]
    fn every_built_in_notice_satisfies_the_revision_then_in_force() {
        // The validator loaded notices go through, run on the State Council's own 2014–2026
        // notices: each gives every statutory day of its year as rest (the lunar dates and 清明
        // computed here agree with thirteen years of notices).
        let notices = parse_builtin(include_str!("../../data/holidays.txt")).unwrap();
        assert_eq!(notices.len(), 13);
        for n in &notices {
            assert!(n.problems().is_empty(), "{}: {:?}", n.year, n.problems());
            assert!(n.title.contains(&n.year.to_string()), "{}", n.title);
        }
    }
}
