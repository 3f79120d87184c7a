//! The local server under load (issue 4): POST /api/cases and GET /api/cases/{no} at a fixed
//! rate, next to GET /api/health under the same load. Embedded store, loopback only, bounded
//! in count and time. Run by `cargo xtask bench`, which copies the table into the report.
//!
//! Open loop: each request has a scheduled start and its latency counts from that moment, so a
//! server that falls behind shows it (no coordinated omission).

// Benchmark code: a failed setup aborts the run with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use functions::local::{self, LocalConfig};
use serde_json::{Value, json};

const RATE: u64 = 300;
const SECONDS: u64 = 5;

struct Figures {
    p50: Duration,
    p99: Duration,
    max: Duration,
    errors: usize,
    sent: usize,
}

async fn run<F, Fut>(make: F) -> Figures
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = bool> + Send + 'static,
{
    let total = (RATE * SECONDS) as usize;
    let interval = Duration::from_nanos(1_000_000_000 / RATE);
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(total);
    for i in 0..total {
        let scheduled = start + interval * u32::try_from(i).unwrap();
        tokio::time::sleep_until(scheduled.into()).await;
        let fut = make(i);
        tasks.push(tokio::spawn(async move {
            let ok = fut.await;
            (scheduled.elapsed(), ok)
        }));
    }
    let mut latencies = Vec::with_capacity(total);
    let mut errors = 0;
    for t in tasks {
        let (latency, ok) = tokio::time::timeout(Duration::from_secs(30), t)
            .await
            .unwrap()
            .unwrap();
        latencies.push(latency);
        if !ok {
            errors += 1;
        }
    }
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    Figures {
        p50: at(0.50),
        p99: at(0.99),
        max: at(1.0),
        errors,
        sent: total,
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let data = tempfile::tempdir().unwrap();
        // A fixed day inside the holiday data (which ends in 2026), so submissions always get
        // their deadlines and the figures stay comparable from run to run.
        let day = domain::Date::parse("2026-03-02").unwrap();
        let config = LocalConfig {
            data_dir: data.path().to_path_buf(),
            fixed_now: Some(domain::case::Moment(
                domain::case::Moment::start_of(day).0 + 10 * 3600 * 1000,
            )),
            ..LocalConfig::default()
        };
        let app = local::app(&config).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let client = reqwest::Client::builder().pool_max_idle_per_host(256).build().unwrap();

        let upload = |ct: &'static str, bytes: &'static [u8]| {
            let (client, base) = (client.clone(), base.clone());
            async move {
                let res = client.post(format!("{base}/api/uploads")).header("content-type", ct).body(bytes).send().await.unwrap();
                res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string()
            }
        };
        let ids = upload("image/jpeg", &[0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]).await;
        let hukou = upload("image/png", b"\x89PNG\r\n\x1a\n....").await;
        let marriage = upload("application/pdf", b"%PDF-1.4\n").await;
        let body = json!({
            "situation": {"service": "birth_service", "division": "500116001005", "date": "2026-01-05", "marriage": "first",
                          "hukou": {"husband": "420704", "wife": "500116001"}},
            "applicant": {"name": "赵先生", "id_number": "420704199001011231", "phone": "13800138000"},
            "spouse": {"name": "钱女士", "id_number": "500116199203040025"},
            "materials": [
                {"code": "id_cards", "attachments": [ids]},
                {"code": "hukou_book", "attachments": [hukou]},
                {"code": "marriage_cert", "attachments": [marriage]}
            ]
        });
        let first: Value = client.post(format!("{base}/api/cases")).json(&body).send().await.unwrap().json().await.unwrap();
        let number = first["number"].as_str().unwrap().to_string();
        let code = first["access_code"].as_str().unwrap().to_string();

        let health = run(|_| {
            let (client, url) = (client.clone(), format!("{base}/api/health"));
            async move { client.get(url).send().await.is_ok_and(|r| r.status() == 200) }
        })
        .await;
        let submit = run(|i| {
            let (client, url, body) = (client.clone(), format!("{base}/api/cases"), body.clone());
            async move {
                let res = client.post(url).header("idempotency-key", format!("load-{i}")).json(&body).send().await;
                res.is_ok_and(|r| r.status() == 201)
            }
        })
        .await;
        let read = run(|_| {
            let (client, url, code) = (client.clone(), format!("{base}/api/cases/{number}"), code.clone());
            async move { client.get(url).header("x-access-code", code).send().await.is_ok_and(|r| r.status() == 200) }
        })
        .await;

        println!("LOAD-REPORT-BEGIN");
        println!("## Local server under load (embedded store, {RATE} req/s for {SECONDS} s each, loopback)\n");
        println!("Target: POST /api/cases p99 ≤ 10 ms at 300 requests/s on 2 cores (issue 4).\n");
        println!("| endpoint | sent | errors | p50 | p99 | max | p99 ÷ health p99 |");
        println!("|---|---:|---:|---:|---:|---:|---:|");
        for (name, f) in [("GET /api/health", &health), ("POST /api/cases", &submit), ("GET /api/cases/{no}", &read)] {
            println!(
                "| {name} | {} | {} | {} | {} | {} | {:.1} |",
                f.sent, f.errors, ms(f.p50), ms(f.p99), ms(f.max),
                f.p99.as_secs_f64() / health.p99.as_secs_f64().max(1e-9)
            );
        }
        println!("LOAD-REPORT-END");
    });
}
