//! Electronic certificates (SPEC §6): signed when a case is issued, their public keys
//! published, their status answered.
//!
//! - `GET /api/certificates/keys` — the Ed25519 keys a QR payload may be signed with (the
//!   browser's /verify page caches them and checks offline, `domain::certificate::verify`).
//! - `GET /api/certificates/{no}/status` — valid, revoked or void, for one certificate.
//! - `GET /api/certificates/revocations?issuer=<division>` — every revoked and void certificate
//!   of an issuing office. The verify page asks this instead of the status of the certificate
//!   in hand, so the server learns which office's list was read, not whose certificate is
//!   being checked (in the manner of the W3C Bitstring Status List). It also names the
//!   signatures of certificates replaced after a correction (`superseded`).
//!
//! Signing itself is `crate::signing` (the `Signer` port), shared with review and the sweep.

use axum::Json;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::case::CaseState;
use domain::certificate::{
    CertificateNumber, CertificateStatus, PublishedKeys, Revocations, Standing, Superseded,
};

use crate::errors;
use crate::openapi::{Api, Operation, schema_of};
use crate::problem::Problem;
use crate::signing::{DOWNLOAD_ACTION, public_origin, unprintable, verify_path};
use crate::state::AppState;

pub fn router() -> Api<AppState> {
    Api::new()
        .get(
            "/certificates/keys",
            keys,
            Operation::new(
                "certificateKeys",
                "The Ed25519 public keys certificates are signed with (cache them to verify offline)",
            )
            .answer::<PublishedKeys>(200, "the keys"),
        )
        .get(
            "/certificates/{number}/status",
            status,
            Operation::new("certificateStatus", "One certificate's status: valid, revoked or void")
                .path("number", "the certificate number")
                .answer::<CertificateStatus>(200, "the status")
                .problem(400, "not a certificate number (format or check character)")
                .problem(404, "certificate_not_found")
                .problem(503, "store unavailable"),
        )
        .get(
            "/certificates/revocations",
            revocations,
            Operation::new(
                "certificateRevocations",
                "Every revoked and void certificate of an issuing office: what the verify page reads, so the server learns the office and not the certificate",
            )
            .query_as("issuer", true, "the issuing office's division code", schema_of::<domain::DivisionCode>)
            .answer::<Revocations>(200, "the lists")
            .problem(400, "no or invalid issuer")
            .problem(503, "store unavailable"),
        )
        .get(
            "/certificates/{file}",
            pdf,
            Operation::new(
                "certificatePdf",
                "The electronic certificate as an A4 PDF (file = `<number>.pdf`): Chinese text in an embedded font subset, the e-seals, a QR code that opens /verify with the signed payload. For the holder (X-Access-Code) or staff in scope (bearer; audited)",
            )
            .bearer()
            .path("file", "`<certificate number>.pdf`")
            .access_code("the holder's access code (or a staff bearer token)")
            .pdf(200, "the PDF")
            .problem(401, "neither an access code nor a staff token")
            .problem(403, "staff outside the division")
            .problem(404, "certificate_not_found (also for a wrong access code)")
            .problem(500, "unprintable_character: the font lacks a character of the certificate (never printed blank)")
            .problem(503, "store unavailable"),
        )
}

/// `GET /api/certificates/{no}.pdf`: the certificate as a PDF, for its holder (the case's
/// access code in `X-Access-Code`) or staff in scope (audited).
async fn pdf(
    State(state): State<AppState>,
    UrlPath(file): UrlPath<String>,
    crate::access::MaybeStaff(staff): crate::access::MaybeStaff,
    headers: axum::http::HeaderMap,
) -> Result<Response, Problem> {
    let number = file
        .strip_suffix(".pdf")
        .and_then(|n| CertificateNumber::parse(n).ok())
        .ok_or_else(certificate_not_found)?;
    let case_number = number.case_number();
    let record = match staff {
        Some(claims) => {
            crate::access::audited_staff_read(
                &state,
                &case_number,
                &claims.actor(),
                domain::roles::Capability::DownloadCertificate,
                DOWNLOAD_ACTION,
            )
            .await?
            .0
        }
        None => {
            let code = headers
                .get(crate::access::ACCESS_CODE_HEADER)
                .and_then(|v| v.to_str().ok())
                .ok_or_else(crate::access::unauthenticated)?;
            crate::access::applicant_record(&state, &case_number, code)
                .await
                .map_err(|_| certificate_not_found())?
        }
    };
    let certificate = record
        .case
        .certificate
        .as_ref()
        .filter(|c| c.facts.number == number)
        .ok_or_else(certificate_not_found)?;
    let path = verify_path(certificate).ok_or_else(|| errors::internal("certificate payload"))?;
    let url = format!("{}{path}", public_origin(&headers));
    let font = crate::pdf::process_font().map_err(unprintable)?;
    let bytes = crate::certificate_pdf::render(font, &record, certificate, &url)
        .map_err(|e| unprintable(&e))?;
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{number}.pdf\""))
        .map_err(|_| errors::internal("file name"))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/pdf"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        bytes,
    )
        .into_response())
}

async fn keys(State(state): State<AppState>) -> Response {
    (
        [(
            header::CACHE_CONTROL,
            // Browsers keep the keys for checking offline; a new key is added before it is used.
            HeaderValue::from_static("public, max-age=86400"),
        )],
        Json(PublishedKeys {
            keys: state.signer.published(),
        }),
    )
        .into_response()
}

fn certificate_not_found() -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "certificate_not_found",
        "没有这个编号的电子证照",
        "No certificate has this number",
    )
}

async fn status(
    State(state): State<AppState>,
    UrlPath(number): UrlPath<String>,
) -> Result<Json<CertificateStatus>, Problem> {
    let number = CertificateNumber::parse(&number).map_err(|e| {
        Problem::invalid_request(&[crate::errors::field_error(
            "invalid_field",
            "number",
            e.to_string(),
        )])
    })?;
    let record = state
        .store
        .get(&number.case_number())
        .await?
        .filter(|r| {
            r.case
                .certificate
                .as_ref()
                .is_some_and(|c| c.facts.number == number)
        })
        .ok_or_else(certificate_not_found)?;
    Ok(Json(CertificateStatus {
        number,
        status: Standing::of(record.case.state),
    }))
}

async fn revocations(
    State(state): State<AppState>,
    axum::extract::Query(params): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Result<Response, Problem> {
    let issuer = params
        .get("issuer")
        .and_then(|d| domain::DivisionCode::parse(d).ok())
        .ok_or_else(|| {
            Problem::invalid_request(&[crate::errors::field_error(
                "invalid_field",
                "issuer",
                "须提供签发机构的区划代码 / the issuing office's division code is required",
            )])
        })?;
    let mut lists = Vec::new();
    for case_state in [CaseState::Revoked, CaseState::Void] {
        let rows = crate::ports::queue_all(state.store.as_ref(), issuer, Some(case_state)).await?;
        lists.push(
            rows.iter()
                // Only the office's own certificates: the queue also lists cases it was asked
                // to verify or accepted for another office.
                .filter(|i| i.deciding_division == issuer)
                .filter_map(|i| {
                    CertificateNumber::for_case(i.service, i.deciding_division, &i.number).ok()
                })
                .collect::<Vec<_>>(),
        );
    }
    let [revoked, void] = <[Vec<CertificateNumber>; 2]>::try_from(lists)
        .map_err(|_| errors::internal("revocation lists"))?;
    // Certificates corrected and signed anew: the signatures they replaced.
    let mut superseded = Vec::new();
    let corrected = crate::ports::corrected_all(state.store.as_ref(), issuer).await?;
    for row in corrected.iter().filter(|r| r.deciding_division == issuer) {
        let record = state.store.get(&row.number).await?;
        if let Some(c) = record.and_then(|r| r.case.certificate) {
            superseded.push(Superseded {
                number: c.facts.number,
                signatures: c.superseded,
            });
        }
    }
    Ok((
        // Fresh enough to show a revocation within minutes, cacheable by a CDN.
        [(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=300"),
        )],
        Json(Revocations {
            issuer,
            revoked,
            void,
            superseded,
        }),
    )
        .into_response())
}
