//! Electronic certificates (SPEC §6): the certificate number, the canonical payload that is
//! signed and carried by the QR code, and its check against published keys — the same code
//! offline in the browser (wasm) and on the server.
//!
//! The number follows the manner of GB/T 36904 e-licence identifiers — type, issuer, serial,
//! check character — as `ZS-500116-20260302-ZKGX8W-K`: the service's type code, the deciding
//! office, the serial (the case's date and its random part, so a certificate leads back to its
//! case without an index), and an ISO/IEC 7064 MOD 37,36 check character over the rest.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::division::{DivisionCode, Level};
use crate::service::Service;

const ALPHABET: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// The ISO/IEC 7064 MOD 37,36 check character of `body` (digits and capital letters), or
/// `None` when it holds anything else.
pub fn check_char(body: &str) -> Option<char> {
    const M: u32 = 36;
    let mut p = M;
    for c in body.bytes() {
        let v = u32::try_from(ALPHABET.iter().position(|a| *a == c)?).ok()?;
        let s = match (p + v) % M {
            0 => M,
            s => s,
        };
        p = (s * 2) % (M + 1);
    }
    let c = (M + 1 - p) % M;
    ALPHABET
        .get(usize::try_from(c).ok()?)
        .map(|b| char::from(*b))
}

/// 证照类型代码 of each service.
fn type_code(service: Service) -> &'static str {
    match service {
        Service::BirthService => "SY",
        Service::Rebirth => "ZS",
        Service::OnlyChildHonor => "DZ",
        Service::MaritalStatusProof => "HY",
    }
}

fn service_of(code: &str) -> Option<Service> {
    Service::ALL.into_iter().find(|s| type_code(*s) == code)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CertificateNumberError {
    #[error("证照编号格式应为 类型-机构-日期-序号-校验码 / expected type-issuer-date-serial-check")]
    Format,
    #[error("证照编号校验码不符 / the check character does not match")]
    Check,
}

/// A certificate number whose parts and check character are valid.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CertificateNumber(String);

impl CertificateNumber {
    /// The number of the certificate issued on case `case_number` (`JSyyyymmdd-XXXXXX`).
    pub fn for_case(
        service: Service,
        issuer: DivisionCode,
        case_number: &str,
    ) -> Result<CertificateNumber, CertificateNumberError> {
        let (date, serial) = case_number
            .strip_prefix("JS")
            .and_then(|rest| rest.split_once('-'))
            .ok_or(CertificateNumberError::Format)?;
        let body = format!("{}{issuer}{date}{serial}", type_code(service));
        let check = check_char(&body).ok_or(CertificateNumberError::Format)?;
        CertificateNumber::parse(&format!(
            "{}-{issuer}-{date}-{serial}-{check}",
            type_code(service)
        ))
    }

    pub fn parse(input: &str) -> Result<CertificateNumber, CertificateNumberError> {
        let s = input.trim().to_ascii_uppercase();
        let parts: Vec<&str> = s.split('-').collect();
        let [kind, issuer, date, serial, check] = parts[..] else {
            return Err(CertificateNumberError::Format);
        };
        let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        let well_formed = service_of(kind).is_some()
            && DivisionCode::parse(issuer).is_ok()
            && date.len() == 8
            && digits(date)
            && (4..=12).contains(&serial.len())
            && check.len() == 1;
        if !well_formed {
            return Err(CertificateNumberError::Format);
        }
        let expected = check_char(&format!("{kind}{issuer}{date}{serial}"))
            .ok_or(CertificateNumberError::Format)?;
        if !check.starts_with(expected) {
            return Err(CertificateNumberError::Check);
        }
        Ok(CertificateNumber(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn part(&self, i: usize) -> &str {
        self.0.split('-').nth(i).unwrap_or_default()
    }

    pub fn service(&self) -> Option<Service> {
        service_of(self.part(0))
    }

    /// The case the certificate was issued on.
    pub fn case_number(&self) -> String {
        format!("JS{}-{}", self.part(2), self.part(3))
    }
}

impl fmt::Display for CertificateNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for CertificateNumber {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for CertificateNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        CertificateNumber::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "openapi")]
impl schemars::JsonSchema for CertificateNumber {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "CertificateNumber".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "kind-issuer division-date-serial-check character (SPEC §6)",
            "pattern": "^[A-Za-z]+-[0-9]{2,12}-[0-9]{8}-[0-9A-Za-z]{4,12}-[0-9A-Za-z]$"
        })
    }
}

/// `GET /api/certificates/keys`: the keys certificates are signed with (cached by browsers to
/// check offline).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct PublishedKeys {
    pub keys: Vec<PublishedKey>,
}

/// `GET /api/certificates/{number}/status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct CertificateStatus {
    pub number: CertificateNumber,
    pub status: Standing,
}

/// A certificate corrected and signed anew (004 四(四)), with the signatures it replaced: a
/// copy carrying one of them is superseded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Superseded {
    pub number: CertificateNumber,
    pub signatures: Vec<String>,
}

/// `GET /api/certificates/revocations?issuer=`: an issuing office's revoked, void and
/// superseded certificates — what the verify page reads, so the server learns the office and
/// not the certificate in hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Revocations {
    pub issuer: DivisionCode,
    pub revoked: Vec<CertificateNumber>,
    pub void: Vec<CertificateNumber>,
    #[serde(default)]
    pub superseded: Vec<Superseded>,
}

/// Where a certificate stands, from its case: revoked for a false commitment (002 art. 20),
/// void when the re-birth card is cancelled (002 art. 22), valid otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    Valid,
    Revoked,
    Void,
}

impl Standing {
    pub fn of(state: crate::case::CaseState) -> Standing {
        match state {
            crate::case::CaseState::Revoked => Standing::Revoked,
            crate::case::CaseState::Void => Standing::Void,
            _ => Standing::Valid,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Standing::Valid => "valid",
            Standing::Revoked => "revoked",
            Standing::Void => "void",
        }
    }

    pub fn from_code(code: &str) -> Option<Standing> {
        [Standing::Valid, Standing::Revoked, Standing::Void]
            .into_iter()
            .find(|s| s.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Standing::Valid => "有效",
            Standing::Revoked => "已撤销",
            Standing::Void => "已作废",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Standing::Valid => "Valid",
            Standing::Revoked => "Revoked",
            Standing::Void => "Void",
        }
    }
}

/// What a certificate states: every field the QR code carries and the signature covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct CertificateFacts {
    pub number: CertificateNumber,
    pub service: Service,
    /// The holders' names (the applicant, then the spouse).
    pub holders: Vec<String>,
    pub issuer: DivisionCode,
    pub issued_on: Date,
    /// `None`: valid without a time limit.
    #[serde(default)]
    pub valid_until: Option<Date>,
    /// The levels whose e-seals it bears.
    pub sealed_by: Vec<Level>,
}

/// Version tag of the canonical form; a change of form is a new tag.
const FORM: &str = "JS1";

fn level_code(l: Level) -> char {
    match l {
        Level::Province => 'P',
        Level::City => 'C',
        Level::County => 'X',
        Level::Township => 'T',
        Level::Village => 'V',
    }
}

fn level_of(c: char) -> Option<Level> {
    Some(match c {
        'P' => Level::Province,
        'C' => Level::City,
        'X' => Level::County,
        'T' => Level::Township,
        'V' => Level::Village,
        _ => return None,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    #[error("姓名中不能含有 | 或 , / a name may not contain | or ,")]
    Separator,
    #[error("不是本系统的证照二维码 / not a certificate code of this system")]
    Malformed,
    #[error("签名密钥未公布 / the signing key is not published")]
    UnknownKey,
    #[error(
        "签名无效：内容被改动或不是本系统签发 / the signature is invalid: altered or not issued here"
    )]
    BadSignature,
}

impl CertificateFacts {
    /// The canonical text that is signed: `JS1|number|service|holder,holder|issuer|issued|valid
    /// until|levels|key id`, UTF-8. Compact on purpose: the QR code stays small.
    pub fn canonical(&self, key_id: &str) -> Result<String, PayloadError> {
        if self.holders.iter().any(|h| h.contains(['|', ','])) || key_id.contains('|') {
            return Err(PayloadError::Separator);
        }
        Ok(format!(
            "{FORM}|{}|{}|{}|{}|{}|{}|{}|{key_id}",
            self.number,
            self.service.code(),
            self.holders.join(","),
            self.issuer,
            self.issued_on,
            self.valid_until.map(|d| d.to_string()).unwrap_or_default(),
            self.sealed_by
                .iter()
                .map(|l| level_code(*l))
                .collect::<String>(),
        ))
    }

    /// Reads a canonical text back, with its key id.
    pub fn from_canonical(text: &str) -> Result<(CertificateFacts, String), PayloadError> {
        let m = || PayloadError::Malformed;
        let parts: Vec<&str> = text.split('|').collect();
        let [
            form,
            number,
            service,
            holders,
            issuer,
            issued,
            until,
            levels,
            key,
        ] = parts[..]
        else {
            return Err(m());
        };
        if form != FORM {
            return Err(m());
        }
        let facts = CertificateFacts {
            number: CertificateNumber::parse(number).map_err(|_| m())?,
            service: Service::from_code(service).ok_or_else(m)?,
            holders: holders.split(',').map(String::from).collect(),
            issuer: DivisionCode::parse(issuer).map_err(|_| m())?,
            issued_on: Date::parse(issued).map_err(|_| m())?,
            valid_until: match until {
                "" => None,
                d => Some(Date::parse(d).map_err(|_| m())?),
            },
            sealed_by: levels
                .chars()
                .map(level_of)
                .collect::<Option<_>>()
                .ok_or_else(m)?,
        };
        Ok((facts, key.to_string()))
    }
}

/// A published verification key: `GET /api/certificates/keys`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct PublishedKey {
    pub kid: String,
    /// `Ed25519`.
    pub alg: String,
    /// The 32-byte public key, base64url without padding.
    pub public_key: String,
}

/// The payload a QR code carries after `#` on the verify page: the canonical text and the
/// Ed25519 signature over it, each base64url, joined by `.`.
pub fn qr_payload(canonical: &str, signature: &[u8; 64]) -> String {
    format!("{}.{}", B64.encode(canonical), B64.encode(signature))
}

/// Checks a QR payload against the published keys: the facts when the signature holds.
pub fn verify(payload: &str, keys: &[PublishedKey]) -> Result<CertificateFacts, PayloadError> {
    let (text, sig) = payload
        .trim()
        .split_once('.')
        .ok_or(PayloadError::Malformed)?;
    let text = B64.decode(text).map_err(|_| PayloadError::Malformed)?;
    let text = String::from_utf8(text).map_err(|_| PayloadError::Malformed)?;
    let sig = B64.decode(sig).map_err(|_| PayloadError::Malformed)?;
    let sig = Signature::from_slice(&sig).map_err(|_| PayloadError::Malformed)?;
    let (facts, kid) = CertificateFacts::from_canonical(&text)?;
    let key = keys
        .iter()
        .find(|k| k.kid == kid && k.alg == "Ed25519")
        .ok_or(PayloadError::UnknownKey)?;
    let bytes: [u8; 32] = B64
        .decode(&key.public_key)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(PayloadError::UnknownKey)?;
    let key = VerifyingKey::from_bytes(&bytes).map_err(|_| PayloadError::UnknownKey)?;
    key.verify(text.as_bytes(), &sig)
        .map_err(|_| PayloadError::BadSignature)?;
    Ok(facts)
}

#[cfg(test)]
mod tests;
