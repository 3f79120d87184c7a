//! What an application says about its people and how the certificate reaches them, checked the
//! same way as it is typed (the SPA) and on submit (the functions).

/// A name as written on the resident ID card: not empty, at most 50 characters (minority and
/// foreign names written in Chinese can be long).
pub const NAME_MAX_CHARS: usize = 50;

/// A delivery address for express COD (004 三(三)): long enough to find the door, short
/// enough for a waybill.
pub const ADDRESS_CHARS: std::ops::RangeInclusive<usize> = 5..=200;

/// The name trimmed, when it is acceptable.
pub fn name(input: &str) -> Option<&str> {
    let n = input.trim();
    (!n.is_empty() && n.chars().count() <= NAME_MAX_CHARS).then_some(n)
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
        assert_eq!(name("  赵先生 "), Some("赵先生"));
        assert_eq!(name("   "), None);
        assert_eq!(name(&"名".repeat(50)).map(|n| n.chars().count()), Some(50));
        assert_eq!(name(&"名".repeat(51)), None);
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
