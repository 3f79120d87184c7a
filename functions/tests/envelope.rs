//! Issue 18 point 4 on AWS: the sealing key is a KMS data key, stored only encrypted, the same
//! for every function that starts — against moto's KMS and DynamoDB on loopback.

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use aws_sdk_dynamodb::types::AttributeValue;
use functions::adapters::envelope::data_key;
use functions::adapters::store::dynamodb::DynamoStore;
use functions::sealed::Sealer;

async fn new_key(kms: &aws_sdk_kms::Client) -> String {
    kms.create_key()
        .send()
        .await
        .unwrap()
        .key_metadata()
        .unwrap()
        .key_id()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn functions_starting_together_agree_on_one_data_key_stored_only_encrypted() {
    // Arrange
    let moto = common::start_moto().await;
    let (kms, dynamo) = (
        common::kms_client(&moto.endpoint),
        common::dynamo_client(&moto.endpoint),
    );
    DynamoStore::new(dynamo.clone(), "jisheng-envelope", Sealer::unkeyed())
        .create_table()
        .await
        .unwrap();
    let key_id = new_key(&kms).await;

    // Act: eight cold starts at once, then one later.
    let mut starts = Vec::new();
    for _ in 0..8 {
        let (kms, dynamo, key_id) = (kms.clone(), dynamo.clone(), key_id.clone());
        starts.push(tokio::spawn(async move {
            data_key(&kms, &dynamo, "jisheng-envelope", &key_id).await
        }));
    }
    let mut roots = Vec::new();
    for s in starts {
        roots.push(s.await.unwrap().unwrap());
    }
    let later = data_key(&kms, &dynamo, "jisheng-envelope", &key_id)
        .await
        .unwrap();
    let item = dynamo
        .get_item()
        .table_name("jisheng-envelope")
        .key("pk", AttributeValue::S("KEY#seal".into()))
        .key("sk", AttributeValue::S("KEY".into()))
        .send()
        .await
        .unwrap();

    // Assert
    assert!(roots.iter().all(|r| *r == later), "one key for all");
    let stored = item.item().unwrap();
    let wrapped = stored["wrapped"].as_b().unwrap().as_ref();
    assert!(
        !wrapped.windows(32).any(|w| w == later),
        "only the encrypted form is stored"
    );
    assert_eq!(stored["key_id"].as_s().unwrap(), &key_id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_sealed_under_the_data_key_opens_only_with_it() {
    use domain::case::{Case, Moment};
    use domain::contract::EligibilityRequest;
    use domain::{Calendar, Date, IdNumber};
    use functions::ports::{Applicant, CaseRecord, CaseStore, StoreError};

    // Arrange: a case written by a store sealing with the KMS data key.
    let moto = common::start_moto().await;
    let (kms, dynamo) = (
        common::kms_client(&moto.endpoint),
        common::dynamo_client(&moto.endpoint),
    );
    DynamoStore::new(dynamo.clone(), "jisheng-sealed", Sealer::unkeyed())
        .create_table()
        .await
        .unwrap();
    let root = data_key(&kms, &dynamo, "jisheng-sealed", &new_key(&kms).await)
        .await
        .unwrap();
    let store = DynamoStore::new(
        dynamo.clone(),
        "jisheng-sealed",
        Sealer::from_secret(&root, functions::sealed::CASE_RECORDS),
    );
    let situation = EligibilityRequest::from_json(&serde_json::json!({
        "service": "birth_service", "division": "500116001005", "date": "2026-03-02", "marriage": "first"
    }))
    .unwrap();
    let answer = domain::policy::check(&situation).unwrap();
    let now = Moment::start_of(Date::parse("2026-03-02").unwrap());
    let (case, events) = Case::open(
        "JS20260302-KMS001".into(),
        situation,
        &answer,
        domain::roles::Actor::Applicant,
        now,
        Calendar::builtin(),
    )
    .unwrap();
    let record = CaseRecord {
        case,
        applicant: Applicant {
            name: "赵先生".into(),
            id_number: IdNumber::parse("420704199001011231").unwrap(),
            spouse_name: None,
            spouse_id_number: None,
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
    store.create(&record, &events, None).await.unwrap();

    // Act: the same table read with the HMAC-derived key a deployment without KMS would use.
    let hmac_derived = DynamoStore::new(
        dynamo,
        "jisheng-sealed",
        Sealer::from_secret(&[7; 32], functions::sealed::CASE_RECORDS),
    );
    let wrong = hmac_derived.get("JS20260302-KMS001").await;

    // Assert
    assert!(
        matches!(wrong, Err(StoreError::Unavailable(_))),
        "{wrong:?}"
    );
    assert_eq!(store.get("JS20260302-KMS001").await.unwrap(), Some(record));
}
