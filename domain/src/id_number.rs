//! The 18-character resident identity number of GB 11643-1999: 6-digit region (GB/T 2260),
//! 8-digit birth date, 3-digit sequence (odd = male), and an ISO 7064 MOD 11-2 check character.
//!
//! An [`IdNumber`] can only be made by [`IdNumber::parse`], so holding one proves it is
//! well-formed. It never prints in full by accident: `Debug` and `Display` mask it.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::date::Date;
use crate::division::PROVINCES;

/// The form of an ID number as the API states it (the check character is checked on receipt):
/// 17 digits and a digit or X, blanks around it allowed.
pub const PATTERN: &str = r"^\s*[0-9]{17}[0-9Xx]\s*$";

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdNumber {
    raw: [u8; 18],
    birth: Date,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    #[error("身份证号码应为18位 / an ID number has 18 characters")]
    Length,
    #[error("身份证号码前17位应为数字，末位为数字或X / 17 digits then a digit or X")]
    Characters,
    #[error("身份证号码地区码无效 / the region code is not a Chinese province")]
    Region,
    #[error("身份证号码中的出生日期无效 / the birth date inside the number is not a real date")]
    BirthDate,
    #[error(
        "身份证号码校验位不正确，请核对 / the check character does not match: a digit is mistyped"
    )]
    CheckDigit,
}

impl IdNumberError {
    /// Stable machine code for problem documents.
    pub fn code(self) -> &'static str {
        match self {
            IdNumberError::Length => "id_length",
            IdNumberError::Characters => "id_characters",
            IdNumberError::Region => "id_region",
            IdNumberError::BirthDate => "id_birth_date",
            IdNumberError::CheckDigit => "id_check_digit",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

/// ISO 7064 MOD 11-2 weights for positions 1..=17.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: [u8; 11] = *b"10X98765432";

/// The check character for the first 17 digits (ASCII bytes).
pub fn check_char(first17: &[u8; 17]) -> u8 {
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d.wrapping_sub(b'0')) * w)
        .sum();
    CHECK_CHARS[(sum % 11) as usize]
}

impl IdNumber {
    /// Parses a number as typed: surrounding spaces ignored, a lower-case `x` accepted.
    pub fn parse(input: &str) -> Result<IdNumber, IdNumberError> {
        let s = input.trim();
        if s.chars().count() != 18 {
            return Err(IdNumberError::Length);
        }
        let mut bytes = [0u8; 18];
        for (i, c) in s.bytes().enumerate() {
            bytes[i] = match c {
                b'0'..=b'9' => c,
                b'x' | b'X' if i == 17 => b'X',
                _ => return Err(IdNumberError::Characters),
            };
        }
        let province = (bytes[0] - b'0') * 10 + (bytes[1] - b'0');
        if !PROVINCES.contains(&province) {
            return Err(IdNumberError::Region);
        }
        let digits = |r: std::ops::Range<usize>| {
            bytes[r]
                .iter()
                .fold(0u32, |acc, b| acc * 10 + u32::from(b - b'0'))
        };
        let year = i32::try_from(digits(6..10)).map_err(|_| IdNumberError::BirthDate)?;
        let month = u8::try_from(digits(10..12)).map_err(|_| IdNumberError::BirthDate)?;
        let day = u8::try_from(digits(12..14)).map_err(|_| IdNumberError::BirthDate)?;
        let birth = match Date::new(year, month, day) {
            Some(date) if year >= 1900 => date,
            _ => return Err(IdNumberError::BirthDate),
        };
        let mut first17 = [0u8; 17];
        first17.copy_from_slice(&bytes[..17]);
        if check_char(&first17) != bytes[17] {
            return Err(IdNumberError::CheckDigit);
        }
        Ok(IdNumber { raw: bytes, birth })
    }

    /// The full number. Call it only where the full number is needed (storage, an audited
    /// reveal); everything else uses [`IdNumber::masked`].
    pub fn expose(&self) -> &str {
        // The bytes are ASCII digits or 'X' by construction.
        std::str::from_utf8(&self.raw).unwrap_or_default()
    }

    /// For lists and logs: region kept, birth date and sequence hidden, the last three shown,
    /// e.g. `500116*********23X` (18 characters, like the number).
    pub fn masked(&self) -> String {
        let s = self.expose();
        format!("{}{}{}", &s[..6], "*".repeat(9), &s[15..])
    }

    pub fn birth_date(&self) -> Date {
        self.birth
    }

    pub fn sex(&self) -> Sex {
        if (self.raw[16] - b'0') % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// The 6-digit region of issue (the hukou county at the time of issue).
    pub fn region(&self) -> &str {
        &self.expose()[..6]
    }
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl Serialize for IdNumber {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.expose())
    }
}

impl<'de> Deserialize<'de> for IdNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        IdNumber::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Completes 17 digits with their check character.
    fn with_check(first17: &str) -> String {
        let mut b = [0u8; 17];
        b.copy_from_slice(first17.as_bytes());
        format!("{first17}{}", check_char(&b) as char)
    }

    #[test]
    fn the_standard_example_parses() {
        // GB 11643-1999 appendix example.
        let id = IdNumber::parse("11010519491231002X").unwrap();
        assert_eq!(id.birth_date().to_string(), "1949-12-31");
        assert_eq!(id.sex(), Sex::Female);
        assert_eq!(id.region(), "110105");
    }

    #[test]
    fn lower_case_x_and_spaces_are_accepted() {
        let id = IdNumber::parse(" 11010519491231002x ").unwrap();
        assert_eq!(id.expose(), "11010519491231002X");
    }

    #[test]
    fn each_kind_of_error_is_told_apart() {
        assert_eq!(IdNumber::parse("1234"), Err(IdNumberError::Length));
        assert_eq!(
            IdNumber::parse("11010519491231002Y"),
            Err(IdNumberError::Characters)
        );
        assert_eq!(
            IdNumber::parse("1101051949123100X2"),
            Err(IdNumberError::Characters)
        );
        assert_eq!(
            IdNumber::parse(&with_check("99010519491231002")),
            Err(IdNumberError::Region)
        );
        assert_eq!(
            IdNumber::parse(&with_check("11010519490231002")),
            Err(IdNumberError::BirthDate)
        );
        assert_eq!(
            IdNumber::parse("110105194912310021"),
            Err(IdNumberError::CheckDigit)
        );
    }

    #[test]
    fn masking_hides_birth_date_and_sequence_and_keeps_the_length() {
        let id = IdNumber::parse(&with_check("50011619900101123")).unwrap();
        let masked = id.masked();
        assert_eq!(masked.len(), 18);
        assert!(masked.starts_with("500116*********"));
        assert!(masked.ends_with(&id.expose()[15..]));
        assert!(!masked.contains("19900101"));
        assert_eq!(format!("{id:?}"), format!("IdNumber({masked})"));
        assert_eq!(id.to_string(), masked);
    }

    fn valid_first17() -> impl Strategy<Value = String> {
        (
            proptest::sample::select(PROVINCES.to_vec()),
            0u32..10_000,
            0i64..(365 * 120),
            0u32..1000,
        )
            .prop_map(|(p, rest, days, seq)| {
                let birth = Date::new(1910, 1, 1).unwrap().add_days(days).unwrap();
                format!(
                    "{p:02}{rest:04}{:04}{:02}{:02}{seq:03}",
                    birth.year(),
                    birth.month(),
                    birth.day()
                )
            })
    }

    proptest! {
        #[test]
        fn every_generated_valid_number_parses(first17 in valid_first17()) {
            let s = with_check(&first17);
            let id = IdNumber::parse(&s).unwrap();
            prop_assert_eq!(id.expose(), s.as_str());
        }

        #[test]
        fn any_single_changed_character_fails(first17 in valid_first17(), pos in 0usize..18, delta in 1u8..10) {
            let s = with_check(&first17);
            let mut b = s.into_bytes();
            b[pos] = if pos == 17 && b[17] == b'X' {
                b'0' + delta % 10
            } else if pos == 17 {
                CHECK_CHARS[((b"10X98765432".iter().position(|c| *c == b[17]).unwrap_or(0)) + usize::from(delta)) % 11]
            } else {
                b'0' + (b[pos] - b'0' + delta) % 10
            };
            let changed = String::from_utf8(b).unwrap();
            prop_assert!(IdNumber::parse(&changed).is_err(), "{} parsed", changed);
        }
    }
}
