//! Case numbers (受理编号): `JS` + the acceptance day `YYYYMMDD` + `-` + a code of 4 to 12
//! capitals and digits (`JS20240927-7KQ2MX`; the server draws 6 from an alphabet without
//! 0/O/1/I). Validated by construction: a route reads its path segment through
//! [`CaseNumber::parse`], so a malformed number is answered as a missing case before any
//! store is asked.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::date::Date;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CaseNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("受理编号应形如 JS20240927-7KQ2MX / a case number looks like JS20240927-7KQ2MX")]
pub struct CaseNumberError;

impl CaseNumber {
    pub fn parse(input: &str) -> Result<CaseNumber, CaseNumberError> {
        let s = input.trim().to_ascii_uppercase();
        let (day, code) = s
            .strip_prefix("JS")
            .and_then(|rest| rest.split_once('-'))
            .ok_or(CaseNumberError)?;
        let digits = day.len() == 8 && day.bytes().all(|b| b.is_ascii_digit());
        let code_ok = (4..=12).contains(&code.len())
            && code
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if digits && code_ok {
            Ok(CaseNumber(s))
        } else {
            Err(CaseNumberError)
        }
    }

    /// The number of a case accepted on `day` with the drawn `code`.
    pub fn new(day: Date, code: &str) -> Result<CaseNumber, CaseNumberError> {
        CaseNumber::parse(&format!(
            "JS{:04}{:02}{:02}-{code}",
            day.year(),
            day.month(),
            day.day()
        ))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CaseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for CaseNumber {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for CaseNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        CaseNumber::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_parse_by_their_form_only() {
        assert_eq!(
            CaseNumber::parse(" js20240927-7kq2mx ").map(|n| n.to_string()),
            Ok("JS20240927-7KQ2MX".to_string())
        );
        for bad in [
            "",
            "JS2024092-7KQ2MX",
            "JS20240927_7KQ2MX",
            "XX20240927-7KQ2MX",
            "JS20240927-KQ2",
            "JS20240927-7KQ2MX7KQ2MX7",
            "JS20240927-7KQ 2M",
            "../../etc/passwd",
        ] {
            assert_eq!(CaseNumber::parse(bad), Err(CaseNumberError), "{bad:?}");
        }
    }

    #[test]
    fn a_new_number_carries_its_day() {
        let day = Date::parse("2024-09-27").unwrap();
        assert_eq!(
            CaseNumber::new(day, "7KQ2MX").unwrap().as_str(),
            "JS20240927-7KQ2MX"
        );
    }
}
