//! What an application says about its people and how the certificate reaches them, checked the
//! same way as it is typed (the SPA) and on submit (the functions).

/// A name as written on the resident ID card: not empty, at most 50 characters (minority and
/// foreign names written in Chinese can be long).
pub const NAME_MAX_CHARS: usize = 50;

/// A delivery address for express COD (004 三(三)): long enough to find the door, short
/// enough for a waybill.
pub const ADDRESS_CHARS: std::ops::RangeInclusive<usize> = 5..=200;

/// What is wrong with a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NameProblem {
    #[error("请填写姓名（最多50字）/ a name of 1 to 50 characters")]
    Length,
    /// A control character or an invisible formatting one (zero-width, bidirectional
    /// overrides, word joiners, BOM): they spoof names in the console and cannot be printed on
    /// a certificate (issue 18). Variation selectors stay: rare names need them.
    #[error(
        "姓名含有不可见或控制字符 U+{0:04X} / the name contains the invisible or control character U+{0:04X}"
    )]
    Character(u32),
}

/// Characters a name may not hold: C0 and C1 controls, DEL, U+200B–U+200F, U+202A–U+202E,
/// U+2060–U+2069 and U+FEFF.
pub fn forbidden_in_name(c: char) -> bool {
    matches!(
        u32::from(c),
        0x00..=0x1F
            | 0x7F..=0x9F
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x2069
            | 0xFEFF
    )
}

/// The name trimmed, when it is acceptable. (The server also NFC-normalises it before it is
/// stored or looked up; the browser checks the same rules as it is typed.)
pub fn name(input: &str) -> Result<&str, NameProblem> {
    let n = input.trim();
    if let Some(c) = n.chars().find(|c| forbidden_in_name(*c)) {
        return Err(NameProblem::Character(u32::from(c)));
    }
    if n.is_empty() || n.chars().count() > NAME_MAX_CHARS {
        return Err(NameProblem::Length);
    }
    Ok(n)
}

/// An 11-digit mainland mobile number (the SMS channel for notices), trimmed.
pub fn phone(input: &str) -> Option<&str> {
    let p = input.trim();
    (p.len() == 11 && p.starts_with('1') && p.bytes().all(|b| b.is_ascii_digit())).then_some(p)
}

/// A delivery address, trimmed, when its length is acceptable.
pub fn address(input: &str) -> Option<&str> {
    let a = input.trim();
    ADDRESS_CHARS.contains(&a.chars().count()).then_some(a)
}

/// The largest photo or scan a material may have: 10 MB.
pub const UPLOAD_LIMIT_BYTES: u64 = 10 * 1024 * 1024;

/// The file types accepted for materials: photos and scans.
pub const UPLOAD_TYPES: [&str; 3] = ["image/jpeg", "image/png", "application/pdf"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(name("  赵先生 "), Ok("赵先生"));
        assert_eq!(name("   "), Err(NameProblem::Length));
        assert_eq!(name(&"名".repeat(50)).map(|n| n.chars().count()), Ok(50));
        assert_eq!(name(&"名".repeat(51)), Err(NameProblem::Length));
    }

    #[test]
    fn invisible_and_control_characters_are_refused_variation_selectors_kept() {
        for bad in [
            '\u{0}', '\u{1b}', '\u{7f}', '\u{85}', '\u{200B}', '\u{200F}', '\u{202E}', '\u{2060}',
            '\u{2069}', '\u{FEFF}',
        ] {
            let input = format!("赵{bad}先生");
            assert_eq!(
                name(&input),
                Err(NameProblem::Character(u32::from(bad))),
                "U+{:04X}",
                u32::from(bad)
            );
        }
        // 𠮷 with an ideographic variation selector, and a standardised variant: kept.
        assert!(name("𠮷\u{E0100}田").is_ok());
        assert!(name("葛\u{FE00}").is_ok());
        assert!(
            name("Zhao\u{00B7}Li").is_ok(),
            "the middle dot of minority names"
        );
    }

    #[test]
    fn phones_are_eleven_digits_starting_with_one() {
        assert_eq!(phone(" 13800138000 "), Some("13800138000"));
        assert_eq!(phone("23800138000"), None);
        assert_eq!(phone("1380013800"), None);
        assert_eq!(phone("1380013800x"), None);
    }

    #[test]
    fn addresses_are_five_to_two_hundred_characters() {
        assert_eq!(address(" 江津区1号 "), Some("江津区1号"));
        assert_eq!(address("江津区"), None);
        assert!(address(&"路".repeat(200)).is_some());
        assert!(address(&"路".repeat(201)).is_none());
    }
}
