//! `/verify#<payload>`: what a phone opens from a certificate's QR code. The signature is
//! checked here, in WebAssembly, against the published keys (kept in localStorage, so the
//! check works offline once the keys were fetched); online, the issuing office's list of
//! revoked and void certificates is read — the server learns the office, not the certificate.

use domain::certificate::{CertificateFacts, PublishedKey};
use leptos::prelude::*;

use crate::api;
use crate::components::Divisions;
use crate::i18n::{Lang, bi, date, tr};

const KEYS_STORAGE: &str = "jisheng.certificate-keys";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn cached_keys() -> Vec<PublishedKey> {
    local_storage()
        .and_then(|s| s.get_item(KEYS_STORAGE).ok().flatten())
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default()
}

fn cache_keys(keys: &[PublishedKey]) {
    if let (Some(s), Ok(json)) = (local_storage(), serde_json::to_string(keys)) {
        // Public keys only; a browser refusing storage just checks online next time.
        let _ = s.set_item(KEYS_STORAGE, &json);
    }
}

/// The payload after `#` (never sent to the server: a fragment stays in the browser).
fn payload() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .map(|h| h.trim_start_matches('#').to_string())
        .unwrap_or_default()
}

#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Checking,
    Valid(CertificateFacts),
    Invalid(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Standing {
    Unknown,
    Valid,
    Revoked,
    Void,
    /// Genuine, but a corrected certificate replaced it (004 四(四)).
    Superseded,
}

#[component]
pub fn Verify() -> impl IntoView {
    let outcome = RwSignal::new(Outcome::Checking);
    let standing = RwSignal::new(Standing::Unknown);
    let offline = RwSignal::new(false);
    let check = move |keys: &[PublishedKey]| match domain::certificate::verify(&payload(), keys) {
        Ok(f) => Outcome::Valid(f),
        Err(e) => Outcome::Invalid(e.to_string()),
    };
    leptos::task::spawn_local(async move {
        // The cached keys first: a phone without a network still gets an answer.
        let cached = cached_keys();
        if !cached.is_empty() {
            outcome.set(check(&cached));
        }
        match api::certificate_keys().await {
            Ok(keys) => {
                cache_keys(&keys);
                outcome.set(check(&keys));
            }
            Err(_) => {
                offline.set(true);
                if cached.is_empty() {
                    outcome.set(Outcome::Invalid(
                        "尚未取得验证公钥，请联网后重试 / the verification keys are not here yet: connect and try again".into(),
                    ));
                }
            }
        }
        if let Outcome::Valid(f) = outcome.get_untracked() {
            let signature = payload()
                .split_once('.')
                .map(|(_, s)| s.to_string())
                .unwrap_or_default();
            match api::revocations(&f.issuer.to_string()).await {
                Ok(lists) => standing.set(if lists.revoked.contains(&f.number) {
                    Standing::Revoked
                } else if lists.void.contains(&f.number) {
                    Standing::Void
                } else if lists
                    .superseded
                    .iter()
                    .any(|s| s.number == f.number && s.signatures.contains(&signature))
                {
                    Standing::Superseded
                } else {
                    Standing::Valid
                }),
                Err(_) => offline.set(true),
            }
        }
    });
    view! {
        <h1>{move || tr("核验电子证照", "Check an electronic certificate")}</h1>
        {move || match outcome.get() {
            Outcome::Checking => view! { <p role="status">{move || tr("正在核验…", "Checking…")}</p> }.into_any(),
            Outcome::Invalid(m) => view! {
                <div class="panel verify-invalid" id="verify-result" data-result="invalid" role="alert">
                    <h2>{move || tr("无效", "Not valid")}</h2>
                    <p>{move || bi(&m)}</p>
                </div>
            }.into_any(),
            Outcome::Valid(f) => view! { <Facts facts=f standing=standing offline=offline /> }.into_any(),
        }}
    }
}

#[component]
fn Facts(
    facts: CertificateFacts,
    standing: RwSignal<Standing>,
    offline: RwSignal<bool>,
) -> impl IntoView {
    let divisions = Divisions::get();
    let issuer = facts.issuer.to_string();
    {
        // Reactive: a village's name loads once the list of counties with villages is in.
        let issuer = issuer.clone();
        Effect::new(move |_| divisions.load_for(&issuer, issuer.len()));
    }
    let service = facts.service;
    let result = move || match standing.get() {
        Standing::Revoked => "revoked",
        Standing::Void => "void",
        Standing::Superseded => "superseded",
        Standing::Valid => "valid",
        Standing::Unknown => "signature-valid",
    };
    view! {
        <div class="panel verify-valid" id="verify-result" data-result=result>
            <h2>{move || match standing.get() {
                Standing::Revoked => tr("签名真实，但此证已撤销", "Genuine, but revoked"),
                Standing::Void => tr("签名真实，但此证已作废", "Genuine, but void"),
                Standing::Superseded => tr(
                    "签名真实，但此证已更正，以更正后重新签发的证照为准",
                    "Genuine, but replaced by a corrected certificate with the same number",
                ),
                Standing::Valid => tr("有效：签名真实，未撤销", "Valid: genuine and not revoked"),
                Standing::Unknown => tr("签名真实（撤销状态需联网查询）", "Genuine signature (revocation needs a connection)"),
            }}</h2>
            <dl class="facts">
                <dt>{move || tr("证照编号", "Number")}</dt><dd id="verify-number">{facts.number.to_string()}</dd>
                <dt>{move || tr("事项", "Service")}</dt><dd>{move || match Lang::current() { Lang::Zh => service.name_zh(), Lang::En => service.name_en() }}</dd>
                <dt>{move || tr("持证人", "Holders")}</dt><dd id="verify-holders">{facts.holders.join("、")}</dd>
                <dt>{move || tr("签发机关", "Issued by")}</dt><dd>{move || divisions.full_name(&issuer)}</dd>
                <dt>{move || tr("签发日期", "Issued on")}</dt><dd>{move || date(facts.issued_on)}</dd>
                <dt>{move || tr("有效期", "Valid until")}</dt><dd>{move || facts.valid_until.map(date).unwrap_or_else(|| tr("长期", "No limit").to_string())}</dd>
            </dl>
            {move || offline.get().then(|| view! { <p class="notice">{move || tr("当前离线：签名已在本机核验，撤销状态未能查询。", "Offline: the signature was checked on this device; revocation could not be checked.")}</p> })}
        </div>
    }
}
