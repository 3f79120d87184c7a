//! One conformance suite for every CaseStore adapter: the embedded store (redb) and DynamoDB
//! through aws-sdk-dynamodb against a real DynamoDB-compatible server (moto) on 127.0.0.1.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::net::TcpListener;
use std::sync::Arc;

use common::{dynamo_client, start_moto};

use domain::case::CaseState;
use domain::case::{Case, Event, Moment};
use domain::contract::EligibilityRequest;
use domain::roles::{Actor, Role};
use domain::{Calendar, Date, IdNumber};
use domain::{DivisionCode, Service};
use functions::ports::{
    Applicant, CaseRecord, CaseStore, IdempotencyRecord, QueueQuery, StaffAccount, StaffStore,
    StoreError,
};
use functions::store::dynamodb::DynamoStore;
use functions::store::embedded::EmbeddedStore;

fn record(number: &str) -> (CaseRecord, Vec<Event>) {
    let situation = EligibilityRequest::from_json(&serde_json::json!({
        "service": "birth_service", "division": "500116001005", "date": "2024-09-27", "marriage": "first"
    }))
    .unwrap();
    let answer = domain::policy::check(&situation).unwrap();
    let now = Moment::start_of(Date::parse("2024-09-27").unwrap());
    let (case, events) = Case::open(
        number.into(),
        situation,
        &answer,
        domain::roles::Actor::Applicant,
        now,
        Calendar::official(),
    )
    .unwrap();
    let record = CaseRecord {
        case,
        applicant: Applicant {
            name: "赵先生".into(),
            id_number: IdNumber::parse("11010519491231002X").unwrap(),
            spouse_name: None,
            spouse_id_number: None,
            phone: "13800000000".into(),
            delivery: None,
            commitment: None,
        },
        materials: vec![],
        access_code_hash: "h".into(),
        id_hashes: vec!["abc".into()],
        created_at: now,
    };
    (record, events)
}

fn idem(key: &str) -> IdempotencyRecord {
    IdempotencyRecord {
        key: key.into(),
        request_hash: "rh".into(),
        status: 201,
        body: "{}".into(),
        expires_at: 1_900_000_000,
    }
}

/// Every behaviour the handlers rely on.
async fn conformance(store: Arc<dyn CaseStore>) {
    // create → get → events
    let (rec, events) = record("JS-0001");
    store
        .create(&rec, &events, Some(&idem("k1")))
        .await
        .unwrap();
    assert_eq!(store.get("JS-0001").await.unwrap(), Some(rec.clone()));
    assert_eq!(store.events("JS-0001").await.unwrap(), events);
    assert_eq!(store.idempotency("k1").await.unwrap(), Some(idem("k1")));
    assert_eq!(store.get("JS-404").await.unwrap(), None);
    assert!(store.events("JS-404").await.unwrap().is_empty());
    assert_eq!(store.idempotency("nope").await.unwrap(), None);

    // the lookup index: by the keyed hash of a holder's ID number
    assert_eq!(store.cases_of_holder("abc").await.unwrap(), ["JS-0001"]);
    assert!(store.cases_of_holder("ab").await.unwrap().is_empty());
    assert!(store.cases_of_holder("abcd").await.unwrap().is_empty());

    // rate counters: per key and window, atomically
    assert_eq!(store.count_request("client:x", 1_000).await.unwrap(), 1);
    assert_eq!(store.count_request("client:x", 1_000).await.unwrap(), 2);
    assert_eq!(store.count_request("client:y", 1_000).await.unwrap(), 1);
    assert_eq!(
        store.count_request("client:x", 2_000).await.unwrap(),
        1,
        "a new window"
    );

    // the same number twice: refused, nothing changed
    let err = store.create(&rec, &events, None).await.unwrap_err();
    assert!(matches!(err, StoreError::AlreadyExists), "{err}");
    assert_eq!(store.events("JS-0001").await.unwrap().len(), events.len());

    // a used idempotency key: refused atomically — the second case does not exist either
    let (rec2, events2) = record("JS-0002");
    let err = store
        .create(&rec2, &events2, Some(&idem("k1")))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::IdempotencyKeyUsed), "{err}");
    assert_eq!(store.get("JS-0002").await.unwrap(), None);
    assert!(store.events("JS-0002").await.unwrap().is_empty());

    // optimistic locking: the right version wins, a stale one is told the current version
    let mut next = rec.clone();
    next.case.version = 2;
    next.case.state = domain::case::CaseState::Issued;
    let more = vec![events[0].clone()];
    store.update(&next, 1, &more).await.unwrap();
    assert_eq!(store.get("JS-0001").await.unwrap().unwrap().case.version, 2);
    assert_eq!(
        store.events("JS-0001").await.unwrap().len(),
        events.len() + 1
    );
    let mut stale = rec.clone();
    stale.case.version = 2;
    let err = store.update(&stale, 1, &more).await.unwrap_err();
    assert!(
        matches!(err, StoreError::VersionConflict { current: 2 }),
        "{err}"
    );
    assert_eq!(
        store.get("JS-0001").await.unwrap().unwrap().case.state,
        domain::case::CaseState::Issued
    );
    assert_eq!(
        store.events("JS-0001").await.unwrap().len(),
        events.len() + 1,
        "no event from the loser"
    );

    // a certificate corrected and signed anew is listed for its office (revocation lists)
    let mut corrected = store.get("JS-0001").await.unwrap().unwrap();
    corrected.case.version = 3;
    corrected.case.certificate = Some(domain::case::IssuedCertificate {
        facts: domain::certificate::CertificateFacts {
            number: domain::certificate::CertificateNumber::for_case(
                domain::Service::BirthService,
                DivisionCode::parse("500116001005").unwrap(),
                "JS20240927-ABCDEF",
            )
            .unwrap(),
            service: domain::Service::BirthService,
            holders: vec!["赵先生".into()],
            issuer: DivisionCode::parse("500116001005").unwrap(),
            issued_on: Date::parse("2024-09-27").unwrap(),
            valid_until: None,
            sealed_by: vec![],
        },
        key_id: "k".into(),
        signature: "new".into(),
        superseded: vec!["old".into()],
    });
    let mut corrected_query = query("500116");
    corrected_query.corrected = true;
    assert!(numbers(store.as_ref(), &corrected_query).await.is_empty());
    store.update(&corrected, 2, &[]).await.unwrap();
    assert_eq!(numbers(store.as_ref(), &corrected_query).await, ["JS-0001"]);
    assert_eq!(numbers(store.as_ref(), &query("500116")).await.len(), 1);

    // a missing case cannot be updated
    let (ghost, _) = record("JS-0404");
    assert!(matches!(
        store.update(&ghost, 1, &[]).await.unwrap_err(),
        StoreError::NotFound
    ));

    // two writers at once on the same version: exactly one wins
    let (rec3, events3) = record("JS-0003");
    store.create(&rec3, &events3, None).await.unwrap();
    let mut a = rec3.clone();
    a.case.version = 2;
    let b = a.clone();
    let (s1, s2) = (Arc::clone(&store), Arc::clone(&store));
    let ev = events3.clone();
    let ev2 = events3.clone();
    let (r1, r2) = tokio::join!(
        tokio::spawn(async move { s1.update(&a, 1, &ev).await }),
        tokio::spawn(async move { s2.update(&b, 1, &ev2).await }),
    );
    let results = [r1.unwrap(), r2.unwrap()];
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    assert_eq!(
        store.events("JS-0003").await.unwrap().len(),
        events3.len() * 2
    );
}

fn query(office: &str) -> QueueQuery {
    QueueQuery {
        office: DivisionCode::parse(office).unwrap(),
        state: None,
        service: None,
        overdue_on: None,
        corrected: false,
        limit: 50,
        after: None,
    }
}

async fn numbers(store: &dyn CaseStore, q: &QueueQuery) -> Vec<String> {
    store
        .queue(q)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|i| i.number)
        .collect()
}

/// The work queue index: scope by division, order, pages, state/service/overdue filters, and
/// rows that follow the case through updates.
async fn queue_conformance(store: Arc<dyn CaseStore>) {
    // Arrange: five cases at 四牌坊社区.
    let mut records = Vec::new();
    for i in 1..=5 {
        let (rec, events) = record(&format!("JS-Q{i:03}"));
        store.create(&rec, &events, None).await.unwrap();
        records.push(rec);
    }
    let all: Vec<String> = (1..=5).map(|i| format!("JS-Q{i:03}")).collect();
    let due = records[0].case.next_due().unwrap();

    // Act + assert: every enclosing division sees them, a neighbour does not.
    for office in ["50", "5001", "500116", "500116001", "500116001005"] {
        assert_eq!(
            numbers(store.as_ref(), &query(office)).await,
            all,
            "{office}"
        );
    }
    assert!(
        numbers(store.as_ref(), &query("500116001006"))
            .await
            .is_empty()
    );
    assert!(numbers(store.as_ref(), &query("420704")).await.is_empty());

    // Pages of two, in order, each row once.
    let mut q = query("500116");
    q.limit = 2;
    let mut paged = Vec::new();
    let mut pages = 0;
    loop {
        let page = store.queue(&q).await.unwrap();
        pages += 1;
        paged.extend(page.items.into_iter().map(|i| i.number));
        match page.next {
            Some(n) => q.after = Some(n),
            None => break,
        }
    }
    assert_eq!((paged, pages), (all.clone(), 3));

    // A change of state moves the row between state partitions and keeps it in the whole list.
    let mut moved = records[2].clone();
    moved.case.version = 2;
    moved.case.state = CaseState::PreReviewed;
    store.update(&moved, 1, &[]).await.unwrap();
    let mut pre = query("500116");
    pre.state = Some(CaseState::PreReviewed);
    assert_eq!(
        numbers(store.as_ref(), &pre).await,
        vec!["JS-Q003".to_string()]
    );
    let mut sub = query("500116");
    sub.state = Some(CaseState::Submitted);
    assert_eq!(numbers(store.as_ref(), &sub).await.len(), 4);
    assert_eq!(numbers(store.as_ref(), &query("500116")).await, all);

    // A finished case sorts last; red lights are the rows due before the day.
    let mut done = records[0].clone();
    done.case.version = 2;
    done.case.state = CaseState::Issued;
    store.update(&done, 1, &[]).await.unwrap();
    let order = numbers(store.as_ref(), &query("500116")).await;
    assert_eq!(order.last().map(String::as_str), Some("JS-Q001"));
    let mut late = query("500116");
    late.overdue_on = Some(due);
    assert!(
        numbers(store.as_ref(), &late).await.is_empty(),
        "due today is not late"
    );
    late.overdue_on = due.succ();
    assert_eq!(numbers(store.as_ref(), &late).await.len(), 4);

    // Service filter; rows carry a masked ID only.
    let mut other = query("500116");
    other.service = Some(Service::Rebirth);
    assert!(numbers(store.as_ref(), &other).await.is_empty());
    other.service = Some(Service::BirthService);
    assert_eq!(numbers(store.as_ref(), &other).await.len(), 5);
    let row = &store.queue(&query("500116")).await.unwrap().items[0];
    assert_eq!(row.applicant_id_number, "110105*********02X");

    // Audit of a read: appended, no new version; a missing case refuses.
    let read = domain::case::Event {
        at: domain::case::Moment(1),
        actor: Actor::staff(
            "demo-county",
            Role::CountyApprover,
            DivisionCode::parse("500116").unwrap(),
        ),
        action: "read".into(),
        from: Some(CaseState::Submitted),
        to: CaseState::Submitted,
        details: vec![],
    };
    let before = store.events("JS-Q002").await.unwrap().len();
    store
        .append_events("JS-Q002", std::slice::from_ref(&read))
        .await
        .unwrap();
    store
        .append_events("JS-Q002", std::slice::from_ref(&read))
        .await
        .unwrap();
    let trail = store.events("JS-Q002").await.unwrap();
    assert_eq!(trail.len(), before + 2);
    assert_eq!(trail.last(), Some(&read));
    assert_eq!(store.get("JS-Q002").await.unwrap().unwrap().case.version, 1);
    assert!(matches!(
        store.append_events("JS-404", &[read]).await.unwrap_err(),
        StoreError::NotFound
    ));
}

async fn staff_conformance(store: &dyn StaffStore) {
    let mut account = StaffAccount {
        username: "clerk".into(),
        display_name: "窗口".into(),
        role: Role::VillageClerk,
        division: Some(DivisionCode::parse("500116001005").unwrap()),
        password_hash: "$argon2id$x".into(),
        failed_logins: 0,
        last_failure: None,
        locked_until: None,
    };
    assert_eq!(store.account("clerk").await.unwrap(), None);
    store.put_account(&account).await.unwrap();
    assert_eq!(store.account("clerk").await.unwrap(), Some(account.clone()));
    account.failed_logins = 2;
    store.put_account(&account).await.unwrap();
    assert_eq!(
        store.account("clerk").await.unwrap().unwrap().failed_logins,
        2
    );
    let err = store.create_account(&account).await.unwrap_err();
    assert!(matches!(err, StoreError::AlreadyExists), "{err}");
    let mut second = account.clone();
    second.username = "approver".into();
    store.create_account(&second).await.unwrap();
    let names: Vec<String> = store
        .accounts()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.username)
        .collect();
    assert_eq!(names, ["approver", "clerk"]);
    assert!(!store.token_revoked("t1").await.unwrap());
    store.revoke_token("t1", 2_000_000_000).await.unwrap();
    assert!(store.token_revoked("t1").await.unwrap());
    assert!(!store.token_revoked("t2").await.unwrap());
}

#[tokio::test]
async fn embedded_store_conforms() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(EmbeddedStore::open(&dir.path().join("cases.redb")).unwrap());
    conformance(store.clone()).await;
    staff_conformance(store.as_ref()).await;
    let fresh = Arc::new(EmbeddedStore::open(&dir.path().join("queue.redb")).unwrap());
    queue_conformance(fresh).await;
}

#[tokio::test]
async fn embedded_store_keeps_data_across_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cases.redb");
    let (rec, events) = record("JS-0100");
    EmbeddedStore::open(&path)
        .unwrap()
        .create(&rec, &events, None)
        .await
        .unwrap();
    let reopened = EmbeddedStore::open(&path).unwrap();
    assert_eq!(reopened.get("JS-0100").await.unwrap(), Some(rec));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dynamodb_store_conforms() {
    let moto = start_moto().await;
    let store = DynamoStore::new(dynamo_client(&moto.endpoint), "jisheng-conformance");
    store.create_table().await.unwrap();
    let store = Arc::new(store);
    conformance(store.clone()).await;
    staff_conformance(store.as_ref()).await;
    let fresh = DynamoStore::new(dynamo_client(&moto.endpoint), "jisheng-queue");
    fresh.create_table().await.unwrap();
    queue_conformance(Arc::new(fresh)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_dynamodb_is_unavailable_not_a_panic() {
    // Nothing listens on this port: the store says Unavailable (the API maps it to 503).
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let store = DynamoStore::new(dynamo_client(&format!("http://127.0.0.1:{port}")), "t");
    let err = store.get("JS-0001").await.unwrap_err();
    assert!(matches!(err, StoreError::Unavailable(_)), "{err}");
}

fn s3_client(endpoint: &str) -> aws_sdk_s3::Client {
    use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region};
    let conf = aws_sdk_s3::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .force_path_style(true)
        .credentials_provider(Credentials::new("test", "test", None, None, "static"))
        .build();
    aws_sdk_s3::Client::from_conf(conf)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_blob_store_stores_inspects_and_presigns_uploads() {
    use functions::blob::S3BlobStore;
    use functions::ports::BlobStore;
    use functions::uploads::{UploadCheck, check_upload};

    // Arrange
    let moto = start_moto().await;
    let client = s3_client(&moto.endpoint);
    client
        .create_bucket()
        .bucket("uploads-test")
        .send()
        .await
        .unwrap();
    let store = S3BlobStore::new(client, "uploads-test");

    // Act + assert: a server-side put.
    store
        .put("up_direct", "image/png", b"\x89PNG\r\n\x1a\nrest")
        .await
        .unwrap();
    let info = store.inspect("up_direct").await.unwrap().unwrap();
    assert_eq!((info.content_type.as_str(), info.size), ("image/png", 12));
    assert!(info.head.starts_with(b"\x89PNG"));
    assert_eq!(
        store.get("up_direct").await.unwrap().unwrap().1,
        b"\x89PNG\r\n\x1a\nrest"
    );
    assert_eq!(store.inspect("up_missing").await.unwrap(), None);
    assert_eq!(store.get("up_missing").await.unwrap(), None);

    // A browser upload through a presigned URL, then the check a case submission makes.
    let put = store
        .presign_put("up_browser", "image/jpeg")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(put.method, "PUT");
    let res = reqwest::Client::new()
        .put(&put.url)
        .header("content-type", "image/jpeg")
        .body(vec![0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    assert_eq!(
        check_upload(&store, "up_browser").await.unwrap(),
        UploadCheck::Usable
    );
    // A presigned upload whose bytes are not what was declared cannot be used.
    let fake = store
        .presign_put("up_fake", "image/jpeg")
        .await
        .unwrap()
        .unwrap();
    reqwest::Client::new()
        .put(&fake.url)
        .header("content-type", "image/jpeg")
        .body("<html>")
        .send()
        .await
        .unwrap();
    assert!(matches!(
        check_upload(&store, "up_fake").await.unwrap(),
        UploadCheck::Invalid(_)
    ));
    assert_eq!(
        check_upload(&store, "up_never").await.unwrap(),
        UploadCheck::Missing
    );
}
