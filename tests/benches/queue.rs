//! The staff work queue at 100 000 cases (issue 5): the queue index read directly and through
//! `GET /api/staff/cases` with a bearer token, and the supervision summary of a county, on the
//! embedded store. Run by `cargo xtask bench`, which copies the table into the report.
//!
//! Cases are spread over ten counties in three provinces (a hundred communities each), accepted
//! through 2024, in a realistic mix of states; the clock stands at 2024-12-02 so many pending
//! cases are red. Figures are sequential latencies: one staff member paging through the queue.

// Benchmark code: a failed setup aborts the run with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use domain::case::{Case, CaseState, Moment};
use domain::contract::EligibilityRequest;
use domain::roles::Actor;
use domain::{Calendar, Date, DivisionCode, IdNumber};
use functions::adapters::store::embedded::EmbeddedStore;
use functions::local::{self, LocalConfig};
use functions::ports::{Applicant, CaseRecord, QueueQuery};
use serde_json::{Value, json};

const CASES: usize = 100_000;
const BATCH: usize = 5_000;
const COUNTIES: [&str; 10] = [
    "500116", "500101", "500102", "500103", "500104", "420704", "420703", "420702", "220102",
    "220104",
];

/// A small deterministic generator (xorshift), so every run measures the same data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn record(i: usize, rng: &mut Rng) -> CaseRecord {
    let county = COUNTIES[i % COUNTIES.len()];
    let village = format!("{county}{:03}{:03}", 1 + rng.below(10), 1 + rng.below(10));
    let day = Date::new(2024, 1, 2)
        .unwrap()
        .add_days(i64::try_from(rng.below(330)).unwrap())
        .unwrap();
    let rebirth = rng.below(10) < 7;
    let situation = if rebirth {
        json!({"service": "rebirth", "division": village, "date": day.to_string(), "marriage": "first",
               "children": [{"born": "2012-05-01", "of": "joint", "disability": "none"},
                            {"born": "2016-05-01", "of": "joint", "disability": "non_hereditary_appraised"}]})
    } else {
        json!({"service": "birth_service", "division": village, "date": day.to_string(), "marriage": "first"})
    };
    let situation = EligibilityRequest::from_json(&situation).unwrap();
    let answer = domain::policy::check(&situation).unwrap();
    let now = Moment(Moment::start_of(day).0 + 10 * 3600 * 1000);
    let (mut case, _) = Case::open(
        format!("JS{}-{i:06}", day.to_string().replace('-', "")),
        situation,
        &answer,
        Actor::Applicant,
        now,
        Calendar::builtin(),
    )
    .unwrap();
    // The state mix of a working office: most finished, a fifth still open.
    let roll = rng.below(100);
    case.state = match roll {
        0..=11 => CaseState::Submitted,
        12..=15 => CaseState::PreReviewed,
        16..=19 => CaseState::TownshipReviewed,
        20..=22 => CaseState::Approved,
        23..=59 => CaseState::Issued,
        60..=89 => CaseState::Delivered,
        90..=94 => CaseState::Refused,
        95..=97 => CaseState::Returned,
        _ => CaseState::Withdrawn,
    };
    if matches!(
        case.state,
        CaseState::Approved | CaseState::Issued | CaseState::Delivered | CaseState::Refused
    ) {
        case.decided_on = day.add_days(i64::try_from(rng.below(25)).unwrap());
        for d in &mut case.deadlines {
            d.done_on = case.decided_on;
        }
    }
    CaseRecord {
        case,
        applicant: Applicant {
            name: "赵先生".into(),
            id_number: IdNumber::parse("420704199001011231").unwrap(),
            spouse_name: Some("钱女士".into()),
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
    }
}

fn percentiles(mut v: Vec<Duration>) -> (Duration, Duration) {
    v.sort();
    let at = |q: f64| v[((v.len() as f64 * q) as usize).min(v.len() - 1)];
    (at(0.50), at(0.99))
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    // Arrange: 100k cases in the embedded store, imported in batches.
    let dir = tempfile::tempdir().unwrap();
    // The server seals case records with the data directory's key (`secret.key`): the cases
    // are imported under that key, so the server it starts can read them.
    let secret = [7u8; 32];
    std::fs::write(dir.path().join("secret.key"), secret).unwrap();
    let load_started = Instant::now();
    {
        let store = EmbeddedStore::open(
            &dir.path().join("cases.redb"),
            functions::sealed::Sealer::from_secret(&secret, functions::sealed::CASE_RECORDS),
        )
        .unwrap();
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let mut batch = Vec::with_capacity(BATCH);
        for i in 0..CASES {
            batch.push((record(i, &mut rng), Vec::new()));
            if batch.len() == BATCH {
                store.import(std::mem::take(&mut batch)).await.unwrap();
            }
        }
        if !batch.is_empty() {
            store.import(batch).await.unwrap();
        }
    }
    let load_time = load_started.elapsed();
    let size = std::fs::metadata(dir.path().join("cases.redb"))
        .map(|m| m.len())
        .unwrap_or(0);
    let now = Moment(Moment::start_of(Date::parse("2024-12-02").unwrap()).0 + 10 * 3600 * 1000);
    let config = LocalConfig {
        data_dir: dir.path().to_path_buf(),
        fixed_now: Some(now),
        demo_accounts: true,
        ..LocalConfig::default()
    };
    let (app, state) = local::app_and_state(&config).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = local::serve(listener, app, std::future::pending()).await;
    });
    let client = reqwest::Client::new();
    let login = |user: &'static str| {
        let client = client.clone();
        let base = base.clone();
        async move {
            let body: Value = client
                .post(format!("{base}/api/auth/login"))
                .json(&json!({"username": user, "password": "demo"}))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            body["token"].as_str().unwrap().to_string()
        }
    };
    let county = login("demo-county").await;
    let supervisor = login("demo-supervisor").await;

    // Act: the store's index directly.
    let query = |office: &str| QueueQuery {
        office: DivisionCode::parse(office).unwrap(),
        state: None,
        service: None,
        overdue_on: None,
        corrected: false,
        dates: None,
        limit: 50,
        after: None,
    };
    let mut rows = Vec::new();
    let cases: Vec<(&str, QueueQuery)> = vec![
        ("county 500116, all states, first 50", query("500116")),
        (
            "county 500116, red lights only",
            QueueQuery {
                overdue_on: Some(now.date()),
                ..query("500116")
            },
        ),
        (
            "township 500116001, submitted",
            QueueQuery {
                state: Some(CaseState::Submitted),
                ..query("500116001")
            },
        ),
        ("province 50 (Chongqing), first 50", query("50")),
        (
            "county 500116, service rebirth (filtered)",
            QueueQuery {
                service: Some(domain::Service::Rebirth),
                ..query("500116")
            },
        ),
    ];
    for (name, q) in &cases {
        let mut times = Vec::new();
        let mut found = 0;
        for _ in 0..200 {
            let t = Instant::now();
            let page = state.store.queue(q).await.unwrap();
            times.push(t.elapsed());
            found = page.items.len();
        }
        let (p50, p99) = percentiles(times);
        rows.push(format!(
            "| store: {name} | {found} | {} | {} |",
            ms(p50),
            ms(p99)
        ));
    }
    // Paging 40 pages deep (2 000 rows) through the county's queue.
    let mut q = query("500116");
    let mut times = Vec::new();
    for _ in 0..40 {
        let t = Instant::now();
        let page = state.store.queue(&q).await.unwrap();
        times.push(t.elapsed());
        q.after = page.next;
    }
    let (p50, p99) = percentiles(times);
    rows.push(format!(
        "| store: county 500116, pages 1–40 via cursor | 50 | {} | {} |",
        ms(p50),
        ms(p99)
    ));

    // Act: the HTTP endpoint (token check, revocation lookup, JSON).
    for (name, path) in [
        ("GET /api/staff/cases (county)", "/api/staff/cases?limit=50"),
        (
            "GET /api/staff/cases?overdue=true (county)",
            "/api/staff/cases?limit=50&overdue=true",
        ),
    ] {
        let mut times = Vec::new();
        let mut found = 0;
        for _ in 0..300 {
            let t = Instant::now();
            let res = client
                .get(format!("{base}{path}"))
                .bearer_auth(&county)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 200);
            let body: Value = res.json().await.unwrap();
            times.push(t.elapsed());
            found = body["items"].as_array().map_or(0, Vec::len);
        }
        let (p50, p99) = percentiles(times);
        rows.push(format!(
            "| http: {name} | {found} | {} | {} |",
            ms(p50),
            ms(p99)
        ));
    }
    let mut times = Vec::new();
    let mut total = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let body: Value = client
            .get(format!("{base}/api/supervision/summary"))
            .bearer_auth(&supervisor)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        times.push(t.elapsed());
        total = body["total"].as_u64().unwrap_or(0);
    }
    let (p50, p99) = percentiles(times);
    rows.push(format!(
        "| http: GET /api/supervision/summary (county 500116, reads all its rows) | {total} | {} | {} |",
        ms(p50),
        ms(p99)
    ));

    // Assert: the report.
    println!("QUEUE-REPORT-BEGIN");
    println!("## Staff work queue at {CASES} cases (embedded store)\n");
    println!(
        "Loaded {CASES} cases over 10 counties in {:.1} s (batched import; store file {:.0} MB). \
         Clock 2024-12-02; sequential requests on loopback, 2 cores.\n",
        load_time.as_secs_f64(),
        size as f64 / 1e6
    );
    println!("| query | rows | p50 | p99 |\n|---|---:|---:|---:|");
    for r in rows {
        println!("{r}");
    }
    println!(
        "\nThe queue is a range read on the index (`Q#<division>[#<state>]`, sorted by next due \
         date; here bare keys plus one row per case), so a page costs the same at any size; the \
         DynamoDB store reads the same partitions from its `queue` GSI with one Query per page.\n"
    );
    println!("QUEUE-REPORT-END");
}
