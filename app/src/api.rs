//! All network calls of the SPA. Every call returns a `Result`; nothing here panics.

use domain::contract::{ActionRequest, Application, CaseView, QueuePage, Revealed, StaffCaseView};
use gloo_net::http::{Request, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    #[error("network error: {0}")]
    Network(String),
    #[error("server answered HTTP {0}")]
    Status(u16),
    #[error("unexpected answer: {0}")]
    Decode(String),
    /// The server's problem document (RFC 9457), with every field problem it found.
    #[error("{}", .0.title_en)]
    Problem(Problem),
}

impl ApiError {
    /// A sentence for the applicant in both languages ("中文 / English").
    pub fn message(&self) -> String {
        match self {
            ApiError::Network(_) => "网络连接失败，请检查网络后重试 / the network failed: check your connection and try again".into(),
            ApiError::Status(s) => format!("服务器暂时无法处理（HTTP {s}），请稍后重试 / the server could not answer (HTTP {s}): try again later"),
            ApiError::Decode(_) => "服务器答复无法识别，请稍后重试 / the server's answer was not understood: try again later".into(),
            ApiError::Problem(p) => format!("{} / {}", p.title, p.title_en),
        }
    }
}

/// A problem document as the server writes it (`functions/src/problem.rs`).
pub type Problem = domain::contract::ProblemDocument;

/// A failed answer as its problem document, or its bare status.
async fn failure(response: Response) -> ApiError {
    let status = response.status();
    match response.json::<Problem>().await {
        Ok(p) => ApiError::Problem(p),
        Err(_) => ApiError::Status(status),
    }
}

async fn read<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    if !response.ok() {
        return Err(failure(response).await);
    }
    response
        .json::<T>()
        .await
        .map_err(|e| ApiError::Decode(e.to_string()))
}

fn network(e: gloo_net::Error) -> ApiError {
    ApiError::Network(e.to_string())
}

pub use domain::contract::{GuideAnswer, Health};

pub async fn health() -> Result<Health, ApiError> {
    read(Request::get("/api/health").send().await.map_err(network)?).await
}

/// `GET /api/calendar`: the confirmed range, the warning, each year's notice and the notices
/// loaded at run time, which the SPA adds to its built-in calendar.
pub async fn calendar() -> Result<domain::contract::CalendarOverview, ApiError> {
    read(
        Request::get("/api/calendar")
            .send()
            .await
            .map_err(network)?,
    )
    .await
}

/// `GET /api/guides?division=&service=`.
pub async fn guide(division: &str, service: &str) -> Result<GuideAnswer, ApiError> {
    let response = Request::get("/api/guides")
        .query([("division", division), ("service", service)])
        .send()
        .await
        .map_err(network)?;
    read(response).await
}

/// One of the division files under `/divisions/` (tab-separated code and name).
pub async fn division_file(path: &str) -> Result<String, ApiError> {
    let response = Request::get(&format!("/divisions/{path}"))
        .send()
        .await
        .map_err(network)?;
    if !response.ok() {
        return Err(ApiError::Status(response.status()));
    }
    response
        .text()
        .await
        .map_err(|e| ApiError::Decode(e.to_string()))
}

/// `GET /api/divisions/search?q=`: villages anywhere in the country, best first.
pub async fn search_villages(q: &str) -> Result<Vec<domain::contract::VillageMatch>, ApiError> {
    let response = Request::get("/api/divisions/search")
        .query([("q", q)])
        .send()
        .await
        .map_err(network)?;
    let found: domain::contract::VillageMatches = read(response).await?;
    Ok(found.results)
}

/// The 201 answer of `POST /api/cases`.
pub type Submitted = domain::contract::CaseSubmitted;

/// A JSON POST with its headers (an idempotency key, an access code, a bearer token).
async fn post_json<T: DeserializeOwned, B: Serialize + ?Sized>(
    url: &str,
    headers: &[(&str, &str)],
    body: &B,
) -> Result<T, ApiError> {
    let request = headers
        .iter()
        .fold(Request::post(url), |r, (name, value)| r.header(name, value));
    let response = request
        .json(body)
        .map_err(network)?
        .send()
        .await
        .map_err(network)?;
    read(response).await
}

/// `POST /api/cases`. The idempotency key makes a retry after a lost answer safe.
pub async fn submit(body: &Application, idempotency_key: &str) -> Result<Submitted, ApiError> {
    post_json("/api/cases", &[("Idempotency-Key", idempotency_key)], body).await
}

/// `GET /api/cases/{number}` with the access code: the applicant's view of the case.
pub async fn track(number: &str, access_code: &str) -> Result<CaseView, ApiError> {
    let response = Request::get(&format!("/api/cases/{}", encode(number)))
        .header("X-Access-Code", access_code)
        .send()
        .await
        .map_err(network)?;
    read(response).await
}

/// `POST /api/cases/{number}/actions` as the applicant (resubmit after a return).
pub async fn applicant_action(
    number: &str,
    access_code: &str,
    body: &ActionRequest,
) -> Result<CaseView, ApiError> {
    let url = format!("/api/cases/{}/actions", encode(number));
    post_json(&url, &[("X-Access-Code", access_code)], body).await
}

/// `POST /api/cases/{number}/notify`: the applicant's new choice of messages.
pub async fn change_notify(
    number: &str,
    access_code: &str,
    preference: &domain::notify::Preference,
) -> Result<CaseView, ApiError> {
    let url = format!("/api/cases/{}/notify", encode(number));
    post_json(&url, &[("X-Access-Code", access_code)], preference).await
}

/// Keeps a typed case number inside one path segment.
fn encode(segment: &str) -> String {
    String::from(js_sys::encode_uri_component(segment))
}

/// What the applicant is told when an upload fails, in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadFailure {
    pub zh: String,
    pub en: String,
}

/// Sends one file to `POST /api/uploads` with XMLHttpRequest, the browser API that reports
/// upload progress (fetch does not). `progress` gets 0–100; `done` gets the upload id.
pub fn upload(
    file: &web_sys::File,
    progress: impl Fn(u8) + 'static,
    done: impl FnOnce(Result<String, UploadFailure>) + 'static,
) {
    let failed = |zh: &str, en: &str| {
        Err(UploadFailure {
            zh: zh.into(),
            en: en.into(),
        })
    };
    let Ok(xhr) = web_sys::XmlHttpRequest::new() else {
        done(failed("浏览器不支持上传", "this browser cannot upload"));
        return;
    };
    if xhr.open("POST", "/api/uploads").is_err()
        || xhr
            .set_request_header("Content-Type", &file.type_())
            .is_err()
    {
        done(failed(
            "无法开始上传，请重试",
            "the upload could not start: try again",
        ));
        return;
    }
    if let Ok(target) = xhr.upload() {
        let on_progress =
            Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
                if e.length_computable() && e.total() > 0.0 {
                    progress((e.loaded() / e.total() * 100.0).clamp(0.0, 100.0) as u8);
                }
            });
        target.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        // Lives as long as the request object, which the browser drops when it ends.
        on_progress.forget();
    }
    let answered = xhr.clone();
    let on_end = Closure::once_into_js(move |_: web_sys::Event| {
        let status = answered.status().unwrap_or(0);
        let text = answered.response_text().ok().flatten().unwrap_or_default();
        let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        let result = match status {
            201 => match body["id"].as_str() {
                Some(id) => Ok(id.to_string()),
                None => failed(
                    "服务器答复无法识别，请重试",
                    "the server's answer was not understood: try again",
                ),
            },
            0 => failed(
                "网络中断，上传失败，请重试",
                "the network dropped: try again",
            ),
            _ => Err(UploadFailure {
                zh: body["title"]
                    .as_str()
                    .unwrap_or("上传失败，请重试")
                    .to_string(),
                en: body["title_en"]
                    .as_str()
                    .unwrap_or("the upload failed: try again")
                    .to_string(),
            }),
        };
        done(result);
    });
    xhr.set_onloadend(Some(on_end.unchecked_ref()));
    if xhr.send_with_opt_blob(Some(file)).is_err() {
        xhr.set_onloadend(None);
    }
}

// ---- The staff console (bearer token; never cookies) ----

/// The answer of `POST /api/auth/login`.
pub type LoginAnswer = domain::contract::LoginAnswer;

pub async fn login(username: &str, password: &str) -> Result<LoginAnswer, ApiError> {
    let body = domain::contract::LoginRequest {
        username: username.to_string(),
        password: password.to_string(),
    };
    let response = Request::post("/api/auth/login")
        .json(&body)
        .map_err(network)?
        .send()
        .await
        .map_err(network)?;
    read(response).await
}

/// `POST /api/auth/logout`: the server revokes the token.
pub async fn logout(token: &str) -> Result<(), ApiError> {
    let response = Request::post("/api/auth/logout")
        .header("Authorization", &format!("Bearer {token}"))
        .send()
        .await
        .map_err(network)?;
    if response.ok() {
        Ok(())
    } else {
        Err(ApiError::Status(response.status()))
    }
}

/// A GET as staff (queue, case, supervision).
pub async fn staff_get<T: DeserializeOwned>(url: &str, token: &str) -> Result<T, ApiError> {
    let response = Request::get(url)
        .header("Authorization", &format!("Bearer {token}"))
        .send()
        .await
        .map_err(network)?;
    read(response).await
}

/// `POST /api/admin/calendar`: load a year's holiday notice (administrators).
pub async fn load_notice(
    token: &str,
    notice: &domain::calendar::HolidayNotice,
) -> Result<domain::contract::CalendarLoaded, ApiError> {
    post_json(
        "/api/admin/calendar",
        &[("Authorization", &format!("Bearer {token}"))],
        notice,
    )
    .await
}

/// `POST /api/staff/registry`: a person's registered facts (window staff; audited).
pub async fn registry(
    token: &str,
    body: &domain::contract::RegistryRequest,
) -> Result<domain::contract::RegistryAnswer, ApiError> {
    post_json(
        "/api/staff/registry",
        &[("Authorization", &format!("Bearer {token}"))],
        body,
    )
    .await
}

/// `GET /api/staff/cases` with the console's filters.
pub async fn queue(token: &str, params: &[(&str, String)]) -> Result<QueuePage, ApiError> {
    let query: String = params
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    staff_get(&format!("/api/staff/cases?{query}"), token).await
}

/// `GET /api/cases/{number}` as staff (the read is audited).
pub async fn staff_case(number: &str, token: &str) -> Result<StaffCaseView, ApiError> {
    staff_get(&format!("/api/cases/{}", encode(number)), token).await
}

/// `POST /api/cases/{number}/actions` as staff: the case as it now is.
pub async fn staff_action(
    number: &str,
    token: &str,
    body: &ActionRequest,
) -> Result<StaffCaseView, ApiError> {
    let url = format!("/api/cases/{}/actions", encode(number));
    post_json(&url, &[("Authorization", &format!("Bearer {token}"))], body).await
}

/// `POST /api/cases/{number}/reveal`: the full ID numbers (audited).
pub async fn reveal(number: &str, token: &str) -> Result<Revealed, ApiError> {
    let url = format!("/api/cases/{}/reveal", encode(number));
    post_json(
        &url,
        &[("Authorization", &format!("Bearer {token}"))],
        &Value::Null,
    )
    .await
}

/// `GET /api/cases/{number}/attachments/{id}`: the URL of a scan the case attached.
pub fn attachment_url(number: &str, id: &str) -> String {
    format!("/api/cases/{}/attachments/{}", encode(number), encode(id))
}

/// Fetches a protected file (a scan, the CSV export) and answers a `blob:` URL for it and its
/// type; the caller revokes the URL when done with it.
pub async fn object_url(url: &str, token: &str) -> Result<(String, String), ApiError> {
    let response = Request::get(url)
        .header("Authorization", &format!("Bearer {token}"))
        .send()
        .await
        .map_err(network)?;
    blob_url(response).await
}

/// A successful answer's body as a `blob:` URL, with its type.
async fn blob_url(response: Response) -> Result<(String, String), ApiError> {
    if !response.ok() {
        return Err(failure(response).await);
    }
    let content_type = response.headers().get("content-type").unwrap_or_default();
    let bytes = response
        .binary()
        .await
        .map_err(|e| ApiError::Decode(e.to_string()))?;
    let array = js_sys::Uint8Array::from(bytes.as_slice());
    let parts = js_sys::Array::of1(&array);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(&content_type);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|_| ApiError::Decode("blob".into()))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|_| ApiError::Decode("object URL".into()))?;
    Ok((url, content_type))
}

/// Saves a `blob:` URL as a file through a temporary link.
pub fn download(url: &str, name: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(a) = document
        .create_element("a")
        .ok()
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    else {
        return;
    };
    a.set_href(url);
    a.set_download(name);
    a.click();
}

/// `GET /api/certificates/{no}.pdf` with the case's access code: saves the certificate.
pub async fn save_certificate(number: &str, access_code: &str) -> Result<(), ApiError> {
    let response = Request::get(&format!("/api/certificates/{}.pdf", encode(number)))
        .header("X-Access-Code", access_code)
        .send()
        .await
        .map_err(network)?;
    let (url, _) = blob_url(response).await?;
    download(&url, &format!("{number}.pdf"));
    Ok(())
}

/// `POST /api/lookup`: a person's certificates by name and ID number.
pub async fn lookup(
    name: &str,
    id_number: &str,
) -> Result<domain::contract::LookupAnswer, ApiError> {
    let body = domain::contract::LookupRequest {
        name: name.to_string(),
        id_number: id_number.to_string(),
    };
    post_json("/api/lookup", &[], &body).await
}

/// `POST /api/lookup/export`: saves the lookup result as a PDF.
pub async fn save_lookup_export(name: &str, id_number: &str) -> Result<(), ApiError> {
    let response = Request::post("/api/lookup/export")
        .json(&domain::contract::LookupRequest {
            name: name.to_string(),
            id_number: id_number.to_string(),
        })
        .map_err(network)?
        .send()
        .await
        .map_err(network)?;
    let (url, _) = blob_url(response).await?;
    download(&url, "lookup-result.pdf");
    Ok(())
}

/// `POST /api/corrections`: asks the issuing office to correct a lookup result.
pub async fn request_correction(
    body: &domain::contract::CorrectionRequest,
) -> Result<domain::contract::CorrectionRequested, ApiError> {
    post_json("/api/corrections", &[], body).await
}

/// `POST /api/cases` by window staff: the same submission, made in their name.
pub async fn window_submit(
    body: &Application,
    idempotency_key: &str,
    token: &str,
) -> Result<Submitted, ApiError> {
    let bearer = format!("Bearer {token}");
    post_json(
        "/api/cases",
        &[
            ("Idempotency-Key", idempotency_key),
            ("Authorization", &bearer),
        ],
        body,
    )
    .await
}

/// `GET /api/certificates/keys`: the keys certificates are signed with.
pub async fn certificate_keys() -> Result<Vec<domain::certificate::PublishedKey>, ApiError> {
    let response = Request::get("/api/certificates/keys")
        .send()
        .await
        .map_err(network)?;
    read::<domain::certificate::PublishedKeys>(response)
        .await
        .map(|k| k.keys)
}

/// `GET /api/certificates/revocations?issuer=`: the office's revoked, void and superseded
/// certificates.
pub async fn revocations(issuer: &str) -> Result<domain::certificate::Revocations, ApiError> {
    let response = Request::get("/api/certificates/revocations")
        .query([("issuer", issuer)])
        .send()
        .await
        .map_err(network)?;
    read::<domain::certificate::Revocations>(response).await
}
