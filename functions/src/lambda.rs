//! Running a function on AWS Lambda: the router is mounted under `/api` (the path API Gateway
//! forwards) and handed to `lambda_http::run`, exactly as the local server mounts it.

use axum::Router;

/// Serves `router` as this Lambda's handler until the runtime stops it.
pub async fn serve(router: Router) -> Result<(), lambda_http::Error> {
    init_logging();
    let app = Router::new()
        .nest("/api", crate::headers::api(router))
        .fallback(crate::problem::not_found);
    lambda_http::run(app).await
}

/// JSON logs for CloudWatch (which adds the time), filtered by `RUST_LOG` (default `info`).
pub fn init_logging() {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .without_time()
        .init();
}

/// What the date-counting public functions (health, eligibility, guides) need on AWS: the clock
/// and the table the loaded holiday notices live in (`JISHENG_TABLE`), read-only.
pub async fn reckoning_from_env() -> Result<crate::state::Reckoning, lambda_http::Error> {
    use std::sync::Arc;

    let table = std::env::var("JISHENG_TABLE").map_err(|_| "JISHENG_TABLE is not set")?;
    let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    Ok(crate::state::Reckoning {
        // It reads only the holiday notices: no key for case records.
        store: Arc::new(crate::adapters::store::dynamodb::DynamoStore::new(
            aws_sdk_dynamodb::Client::new(&aws),
            table,
            crate::sealed::Sealer::unkeyed(),
        )),
        clock: Arc::new(crate::ports::SystemClock),
        divisions: Arc::new(crate::gazette::Gazette::from_env()),
    })
}

/// Notifications: SMS through SNS, e-mail through SES from `JISHENG_MAIL_FROM` (a verified
/// identity). Every function writes messages with its changes; only `dispatch` sends them.
fn messages(
    aws: &aws_config::SdkConfig,
    outbox: std::sync::Arc<dyn crate::ports::OutboxStore>,
) -> crate::state::Messages {
    let notifier = crate::adapters::notify::AwsNotifier::new(
        aws_sdk_sns::Client::new(aws),
        aws_sdk_sesv2::Client::new(aws),
        std::env::var("JISHENG_MAIL_FROM").unwrap_or_default(),
    );
    crate::state::Messages {
        outbox,
        notifier: std::sync::Arc::new(notifier),
    }
}

/// What a stateful function needs on AWS, built once per cold start from its environment:
/// `JISHENG_TABLE` (DynamoDB), `JISHENG_UPLOADS_BUCKET` (S3), `JISHENG_HMAC_KEY` (base64,
/// at least 32 bytes; injected from Secrets Manager at deploy time, never in the template),
/// `JISHENG_SEAL_KEY_ID` (the KMS key of the sealing data key, `crate::adapters::envelope`), and the
/// Cognito user pool of staff (`JISHENG_COGNITO_JWKS`, `_ISSUER`, `_CLIENT_ID`).
pub async fn state_from_env() -> Result<crate::state::AppState, lambda_http::Error> {
    use std::sync::Arc;

    use base64::Engine;

    let var = |name: &str| std::env::var(name).map_err(|_| format!("{name} is not set"));
    let table = var("JISHENG_TABLE")?;
    let bucket = var("JISHENG_UPLOADS_BUCKET")?;
    let key = base64::engine::general_purpose::STANDARD
        .decode(var("JISHENG_HMAC_KEY")?.trim())
        .map_err(|e| format!("JISHENG_HMAC_KEY is not base64: {e}"))?;
    if key.len() < 32 {
        return Err("JISHENG_HMAC_KEY must hold at least 32 bytes".into());
    }
    // Staff sign in to the Cognito user pool; its keys come with the deployment (the JWKS
    // document, infra/README.md step 3), so a cold start fetches nothing. Until they are set
    // (first deploy, or a region without Cognito) only the system's own tokens are accepted.
    // The certificate signing key: its own managed secret when set; otherwise derived from the
    // HMAC secret for this one purpose, so a deployment holds one secret (infra/README.md).
    let seed: [u8; 32] = match std::env::var("JISHENG_SIGNING_KEY") {
        Ok(s) if !s.trim().is_empty() => base64::engine::general_purpose::STANDARD
            .decode(s.trim())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or("JISHENG_SIGNING_KEY must be 32 bytes, base64")?,
        _ => {
            use hmac::Mac;
            let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key)
                .map_err(|e| format!("JISHENG_HMAC_KEY: {e}"))?;
            mac.update(b"certificate-signing-key\0");
            mac.finalize().into_bytes().into()
        }
    };
    let signer = Arc::new(crate::signing::Ed25519Signer::from_seed(seed));
    let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let dynamo = aws_sdk_dynamodb::Client::new(&aws);
    let mut keys = crate::state::Keys::new(key);
    // ID numbers and replayed answers are sealed under a KMS data key where the deployment has
    // one (crate::adapters::envelope); else under keys derived from the HMAC secret.
    if let Ok(key_id) = std::env::var("JISHENG_SEAL_KEY_ID")
        && !key_id.trim().is_empty()
    {
        let root = crate::adapters::envelope::data_key(
            &aws_sdk_kms::Client::new(&aws),
            &dynamo,
            &table,
            key_id.trim(),
        )
        .await?;
        keys = keys.with_seal_root(root.to_vec());
    }
    let sealer = keys.sealer(crate::sealed::CASE_RECORDS);
    let jwks = std::env::var("JISHENG_COGNITO_JWKS").unwrap_or_default();
    if !jwks.trim().is_empty() {
        let issuer = var("JISHENG_COGNITO_ISSUER")?;
        let client = var("JISHENG_COGNITO_CLIENT_ID")?;
        keys = keys.with_jwks(crate::tokens::Jwks::parse(&jwks, &issuer, &client)?);
    }
    let store = Arc::new(crate::adapters::store::dynamodb::DynamoStore::new(
        dynamo, table, sealer,
    ));
    Ok(crate::state::AppState {
        messages: Some(messages(&aws, store.clone())),
        store: store.clone(),
        staff: store,
        blobs: Arc::new(crate::adapters::blob::S3BlobStore::new(
            aws_sdk_s3::Client::new(&aws),
            bucket,
        )),
        clock: Arc::new(crate::ports::SystemClock),
        registry: Arc::new(crate::ports::NoPopulationRegistry),
        credit: Arc::new(crate::credit::UncheckedCreditList),
        keys: Arc::new(keys),
        signer,
        divisions: Arc::new(crate::gazette::Gazette::from_env()),
    })
}
