//! Names as stored and compared: Unicode NFC (issue 18). A name typed with a CJK compatibility
//! ideograph (U+F900–FAFF, U+2F800–2FA1F) or with a decomposed accent is stored, printed and
//! looked up as its canonical form, so the same person is never two strings. Variation
//! selectors survive NFC, as rare names need them.

use unicode_normalization::UnicodeNormalization;

/// `name` in Normalization Form C.
pub fn nfc(name: &str) -> String {
    name.nfc().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compatibility_ideographs_fold_to_the_unified_ones() {
        // U+F907 龜 (compatibility) → U+9F9C 龜; U+2F800 → U+4E3D.
        assert_eq!(nfc("\u{F907}"), "\u{9F9C}");
        assert_eq!(nfc("\u{2F800}"), "\u{4E3D}");
        // A decomposed accent composes (Lü in a minority name).
        assert_eq!(nfc("Lu\u{0308}"), "L\u{00FC}");
        // Variation selectors and plain names are left alone.
        assert_eq!(nfc("𠮷\u{E0100}田"), "𠮷\u{E0100}田");
        assert_eq!(nfc("赵先生"), "赵先生");
    }
}
