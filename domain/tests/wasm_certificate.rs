//! The certificate payload signed and verified in WebAssembly — the code the /verify page runs
//! — under node with wasm-bindgen-test-runner (`cargo xtask test` runs it; natively these are
//! the round-trip tests in `domain/src/certificate/tests.rs`).

#![cfg(target_arch = "wasm32")]
// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use domain::certificate::{
    CertificateFacts, CertificateNumber, PayloadError, PublishedKey, qr_payload, verify,
};
use domain::division::Level;
use domain::{Date, DivisionCode, Service};
use ed25519_dalek::{Signer, SigningKey};
use wasm_bindgen_test::wasm_bindgen_test;

fn signed() -> (String, Vec<PublishedKey>) {
    let key = SigningKey::from_bytes(&[42; 32]);
    let facts = CertificateFacts {
        number: CertificateNumber::for_case(
            Service::Rebirth,
            DivisionCode::parse("500116").unwrap(),
            "JS20260302-ZKGX8W",
        )
        .unwrap(),
        service: Service::Rebirth,
        holders: vec!["𠮷田喆".into(), "王堃".into()],
        issuer: DivisionCode::parse("500116").unwrap(),
        issued_on: Date::parse("2026-03-02").unwrap(),
        valid_until: None,
        sealed_by: vec![Level::Village, Level::Township, Level::County],
    };
    let text = facts.canonical("wasmkey").unwrap();
    let signature = key.sign(text.as_bytes()).to_bytes();
    let keys = vec![PublishedKey {
        kid: "wasmkey".into(),
        alg: "Ed25519".into(),
        public_key: B64.encode(key.verifying_key().to_bytes()),
    }];
    (qr_payload(&text, &signature), keys)
}

#[wasm_bindgen_test]
fn a_payload_signed_in_wasm_verifies_in_wasm() {
    // Arrange
    let (payload, keys) = signed();

    // Act
    let facts = verify(&payload, &keys).unwrap();

    // Assert
    assert_eq!(facts.holders, ["𠮷田喆", "王堃"]);
    assert_eq!(facts.number.case_number(), "JS20260302-ZKGX8W");
    assert_eq!(
        CertificateNumber::parse(facts.number.as_str()),
        Ok(facts.number.clone())
    );
    assert!(payload.len() <= 400);
}

#[wasm_bindgen_test]
fn any_changed_byte_of_the_payload_fails_in_wasm() {
    // Arrange
    let (payload, keys) = signed();
    let (text, signature) = payload.split_once('.').unwrap();
    let mut bytes = B64.decode(text).unwrap();

    // Act + assert: every byte of the signed text, changed in turn.
    for i in 0..bytes.len() {
        bytes[i] ^= 0x01;
        let changed = format!("{}.{signature}", B64.encode(&bytes));
        assert!(
            verify(&changed, &keys).is_err(),
            "byte {i} changed and still verified"
        );
        bytes[i] ^= 0x01;
    }
    let unknown_key = vec![PublishedKey {
        kid: "other".into(),
        ..keys[0].clone()
    }];
    assert_eq!(
        verify(&payload, &unknown_key).unwrap_err(),
        PayloadError::UnknownKey
    );
}
