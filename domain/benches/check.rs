//! One eligibility check plus material validation — what the SPA runs on every answer and the
//! server runs on every submission. Target ≤ 20 µs per call, native (issue 3).

// Benchmark code: a panic aborts the run with its message, as in a test.
#![allow(clippy::panic)]

use criterion::{Criterion, criterion_group, criterion_main};
use domain::contract::EligibilityRequest;
use domain::materials::{self, ProvidedMaterial};
use domain::policy;
use std::hint::black_box;

fn situation() -> EligibilityRequest {
    let json = serde_json::json!({
        "service": "rebirth", "division": "500116001005", "date": "2026-03-02", "marriage": "remarried",
        "children": [
            {"born": "2010-05-01", "of": "wife", "disability": "none"},
            {"born": "2012-05-01", "of": "husband", "disability": "none"},
            {"born": "2018-05-01", "of": "joint", "disability": "non_hereditary_appraised"}
        ],
        "hukou": {"husband": "420704", "wife": "500116001"},
        "residence": {"division": "500116001", "since": "2020-01-01"},
        "honor_certificate": true
    });
    EligibilityRequest::from_json(&json).unwrap_or_else(|e| panic!("bench input: {e:?}"))
}

fn bench(c: &mut Criterion) {
    let req = situation();
    let provided: Vec<ProvidedMaterial> =
        ["id_cards", "marriage_cert", "hukou_book", "photo_woman_x2"]
            .iter()
            .map(|code| ProvidedMaterial {
                code: (*code).to_string(),
                attachments: vec!["upload-1".into()],
                checked_in_person: false,
            })
            .collect();
    c.bench_function("eligibility_and_materials", |b| {
        b.iter(|| {
            let answer = policy::check(black_box(&req)).unwrap_or_else(|e| panic!("{e}"));
            let problems = materials::validate(&answer.materials, black_box(&provided));
            black_box((answer, problems))
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
