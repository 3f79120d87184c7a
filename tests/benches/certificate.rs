//! Certificate PDFs (issue 8): the font loaded once per process, then the A4 certificate of a
//! re-birth case sealed at three levels and the export of a lookup result, generated again and
//! again; their sizes; the QR payload's size; an offline verification. Run by `cargo xtask
//! bench`, which copies the table into the report. Targets: generation ≤ 20 ms, PDF ≤ 150 KB,
//! QR payload ≤ 400 bytes.

// Benchmark code: a failed setup aborts the run with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use base64::Engine;
use domain::case::{Case, CaseState, Moment, Seal};
use domain::contract::EligibilityRequest;
use domain::division::Level;
use domain::roles::Actor;
use domain::{Calendar, Date, DivisionCode, IdNumber};
use functions::holders::Query;
use functions::pdf::{CjkFont, DEFAULT_FONT};
use functions::ports::{Applicant, CaseRecord};
use functions::signing::{Ed25519Signer, Signer};
use serde_json::json;

const RUNS: usize = 200;

fn record(signer: &dyn Signer) -> CaseRecord {
    let day = Date::new(2026, 3, 2).unwrap();
    let situation = EligibilityRequest::from_json(&json!({"service": "rebirth",
        "division": "500116001005", "date": "2026-03-02", "marriage": "first",
        "children": [{"born": "2012-05-01", "of": "joint", "disability": "none"},
                     {"born": "2016-05-01", "of": "joint", "disability": "non_hereditary_appraised"}]}))
    .unwrap();
    let answer = domain::policy::check(&situation).unwrap();
    let now = Moment(Moment::start_of(day).0 + 10 * 3600 * 1000);
    let (mut case, _) = Case::open(
        "JS20260302-BENCH1".into(),
        situation,
        &answer,
        Actor::Applicant,
        now,
        Calendar::builtin(),
    )
    .unwrap();
    for (level, division) in [
        (Level::Village, "500116001005"),
        (Level::Township, "500116001"),
        (Level::County, "500116"),
    ] {
        case.seals.push(Seal {
            level,
            division: DivisionCode::parse(division).unwrap(),
            by: "bench".into(),
            at: now,
        });
    }
    case.state = CaseState::Issued;
    let mut record = CaseRecord {
        case,
        applicant: Applicant {
            // Rare characters in names are real: one outside the BMP among them.
            name: "𠮷田喆".into(),
            id_number: IdNumber::parse("420704199001011231").unwrap(),
            spouse_name: Some("王堃".into()),
            spouse_id_number: Some(IdNumber::parse("500116199203040025").unwrap()),
            phone: "13800138000".into(),
            delivery: None,
            commitment: None,
            notify: Default::default(),
        },
        materials: vec![],
        access_code_hash: String::new(),
        id_hashes: vec![],
        created_at: now,
    };
    record.case.certificate = Some(functions::signing::issue(&record, signer, day).unwrap());
    record
}

fn stats(mut times: Vec<Duration>) -> (f64, f64, f64, f64) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mean = times.iter().map(|d| ms(*d)).sum::<f64>() / times.len() as f64;
    let at = |q: f64| ms(times[((times.len() - 1) as f64 * q) as usize]);
    (mean, at(0.5), at(0.95), at(1.0))
}

fn main() {
    let signer = Ed25519Signer::from_seed([7; 32]);
    let record = record(&signer);
    let certificate = record.case.certificate.clone().unwrap();
    let path = functions::signing::verify_path(&certificate).unwrap();
    let payload = path.trim_start_matches("/verify#").to_string();
    let url = format!("https://jisheng.example.gov.cn{path}");

    let started = Instant::now();
    let font = CjkFont::load(std::path::Path::new(DEFAULT_FONT)).unwrap();
    let font_load = started.elapsed();

    let mut certificate_times = Vec::with_capacity(RUNS);
    let mut certificate_size = 0;
    for _ in 0..RUNS {
        let started = Instant::now();
        let pdf = functions::certificate_pdf::render(&font, &record, &certificate, &url).unwrap();
        certificate_times.push(started.elapsed());
        certificate_size = pdf.len();
    }
    let query = Query {
        name: "𠮷田喆".into(),
        id_number: "420704199001011231".into(),
    };
    let found = vec![record.clone(); 3];
    let today = Date::new(2026, 3, 2).unwrap();
    let mut export_times = Vec::with_capacity(RUNS);
    let mut export_size = 0;
    for _ in 0..RUNS {
        let started = Instant::now();
        let pdf = functions::certificate_pdf::lookup_result(
            &font,
            &query,
            &found,
            today,
            "https://jisheng.example.gov.cn",
        )
        .unwrap();
        export_times.push(started.elapsed());
        export_size = pdf.len();
    }
    let keys = signer.published();
    let mut verify_times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        domain::certificate::verify(&payload, &keys).unwrap();
        verify_times.push(started.elapsed());
    }
    let signature_bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(&certificate.signature)
        .unwrap()
        .len();

    let (c_mean, c_p50, c_p95, c_max) = stats(certificate_times);
    let (e_mean, e_p50, e_p95, e_max) = stats(export_times);
    let (v_mean, v_p50, v_p95, v_max) = stats(verify_times);
    println!("CERT-REPORT-BEGIN");
    println!("## Electronic certificates (issue 8)\n");
    println!(
        "Noto Serif CJK SC (Debian fonts-noto-cjk) loaded once per process in {:.1} ms; \
         {RUNS} runs each, native release build, one thread. Holders 𠮷田喆 and 王堃, three \
         seals. Targets: generation ≤ 20 ms, PDF ≤ 150 KB, QR payload ≤ 400 bytes.\n",
        font_load.as_secs_f64() * 1000.0
    );
    println!("| what | mean | p50 | p95 | max | size |\n|---|---|---|---|---|---|");
    println!(
        "| certificate PDF | {c_mean:.2} ms | {c_p50:.2} ms | {c_p95:.2} ms | {c_max:.2} ms | {:.1} KB |",
        certificate_size as f64 / 1024.0
    );
    println!(
        "| lookup export PDF (3 entries) | {e_mean:.2} ms | {e_p50:.2} ms | {e_p95:.2} ms | {e_max:.2} ms | {:.1} KB |",
        export_size as f64 / 1024.0
    );
    println!(
        "| verify payload (Ed25519, native) | {:.3} ms | {:.3} ms | {:.3} ms | {:.3} ms | — |",
        v_mean, v_p50, v_p95, v_max
    );
    println!(
        "\nQR payload: {} bytes (signature {signature_bytes} bytes, base64url); the QR code's \
         whole URL: {} bytes.",
        payload.len(),
        url.len()
    );
    println!("CERT-REPORT-END");
}
