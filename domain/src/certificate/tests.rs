use ed25519_dalek::{Signer, SigningKey};

use super::*;

fn facts() -> CertificateFacts {
    CertificateFacts {
        number: CertificateNumber::for_case(
            Service::Rebirth,
            DivisionCode::parse("500116").unwrap(),
            "JS20260302-ZKGX8W",
        )
        .unwrap(),
        service: Service::Rebirth,
        holders: vec!["赵喆".into(), "钱𠮷".into()],
        issuer: DivisionCode::parse("500116").unwrap(),
        issued_on: Date::parse("2026-03-02").unwrap(),
        valid_until: None,
        sealed_by: vec![Level::Township, Level::County],
    }
}

fn key() -> (SigningKey, PublishedKey) {
    let signing = SigningKey::from_bytes(&[7; 32]);
    let published = PublishedKey {
        kid: "k1".into(),
        alg: "Ed25519".into(),
        public_key: B64.encode(signing.verifying_key().to_bytes()),
    };
    (signing, published)
}

fn signed(f: &CertificateFacts) -> String {
    let (signing, _) = key();
    let text = f.canonical("k1").unwrap();
    qr_payload(&text, &signing.sign(text.as_bytes()).to_bytes())
}

#[test]
fn a_number_carries_its_case_and_a_check_character() {
    let n = facts().number;

    assert_eq!(n.as_str().len(), "ZS-500116-20260302-ZKGX8W-K".len());
    assert!(n.as_str().starts_with("ZS-500116-20260302-ZKGX8W-"));
    assert_eq!(n.case_number(), "JS20260302-ZKGX8W");
    assert_eq!(n.service(), Some(Service::Rebirth));
    assert_eq!(CertificateNumber::parse(&n.as_str().to_lowercase()), Ok(n));
}

#[test]
fn any_changed_character_of_a_number_is_caught() {
    let n = facts().number.to_string();
    for (i, c) in n.char_indices().filter(|(_, c)| c.is_ascii_alphanumeric()) {
        for other in ['0', '7', 'A', 'Z'].into_iter().filter(|o| *o != c) {
            let mut changed = n.clone();
            changed.replace_range(i..=i, &other.to_string());
            assert!(
                CertificateNumber::parse(&changed).is_err(),
                "{changed} passed for {n}"
            );
        }
    }
}

#[test]
fn the_mod_37_36_check_character_is_iso_7064s() {
    // Run over the body and its check character, the hybrid system must end on 2.
    let body = "A12425GABC1234002";
    let c = check_char(body).unwrap();
    let mut p = 36u32;
    for b in format!("{body}{c}").bytes() {
        let v = ALPHABET.iter().position(|a| *a == b).unwrap() as u32;
        let s = match (p + v) % 36 {
            0 => 36,
            s => s,
        };
        p = (s * 2) % 37;
    }
    // The check makes the last sum 1, so the last doubling leaves 2.
    assert_eq!(p, 2);
    assert_eq!(check_char("ab"), None, "lower case is not in the alphabet");
}

#[test]
fn a_signed_payload_verifies_and_reads_back_with_rare_characters() {
    let (_, published) = key();
    let f = facts();

    let payload = signed(&f);
    let checked = verify(&payload, &[published]).unwrap();

    assert_eq!(checked, f);
    assert!(payload.len() <= 400, "{} bytes", payload.len());
}

#[test]
fn any_changed_byte_fails() {
    let (_, published) = key();
    let payload = signed(&facts());
    let (text, sig) = payload.split_once('.').unwrap();
    let text = B64.decode(text).unwrap();
    for i in 0..text.len() {
        let mut changed = text.clone();
        changed[i] ^= 0x01;
        let forged = format!("{}.{sig}", B64.encode(&changed));
        assert!(
            verify(&forged, std::slice::from_ref(&published)).is_err(),
            "byte {i} changed and still valid"
        );
    }
    let sig = B64.decode(sig).unwrap();
    let mut bad = sig.clone();
    bad[0] ^= 0x80;
    let forged = format!("{}.{}", B64.encode(&text), B64.encode(&bad));
    assert_eq!(
        verify(&forged, &[published]),
        Err(PayloadError::BadSignature)
    );
}

#[test]
fn an_unpublished_key_or_a_foreign_code_is_refused() {
    let (_, mut published) = key();
    let payload = signed(&facts());
    published.kid = "other".into();

    assert_eq!(
        verify(&payload, &[published]),
        Err(PayloadError::UnknownKey)
    );
    assert_eq!(
        verify("https://example.com", &[]),
        Err(PayloadError::Malformed)
    );
}

#[test]
fn a_name_with_a_separator_cannot_be_signed() {
    let mut f = facts();
    f.holders = vec!["a|b".into()];
    assert_eq!(f.canonical("k1"), Err(PayloadError::Separator));
}

#[test]
fn a_certificate_stands_as_its_case_does_and_its_code_reads_back() {
    use crate::case::CaseState;

    assert_eq!(Standing::of(CaseState::Issued), Standing::Valid);
    assert_eq!(Standing::of(CaseState::Delivered), Standing::Valid);
    assert_eq!(Standing::of(CaseState::Revoked), Standing::Revoked);
    assert_eq!(Standing::of(CaseState::Void), Standing::Void);
    for s in [Standing::Valid, Standing::Revoked, Standing::Void] {
        assert_eq!(Standing::from_code(s.code()), Some(s));
        assert_eq!(serde_json::to_value(s).unwrap(), s.code());
    }
    assert_eq!(Standing::from_code("lost"), None);
}
