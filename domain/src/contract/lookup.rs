//! The self-service lookup (004 三(四), 四(四)): a person's certificates by name and ID number,
//! and a request to correct one of them. Wrong names and unknown ID numbers answer the same
//! empty list as a right one with no certificate.

use serde::{Deserialize, Serialize};

use crate::case::Correction;
use crate::certificate::{CertificateNumber, Standing};
use crate::date::Date;
use crate::division::DivisionCode;
use crate::service::Service;

/// `POST /api/lookup` and `POST /api/lookup/export`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct LookupRequest {
    #[cfg_attr(feature = "openapi", schemars(length(min = 1, max = 50)))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schemars(regex(pattern = crate::id_number::PATTERN)))]
    pub id_number: String,
}

/// One certificate of a lookup result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct LookupEntry {
    pub number: CertificateNumber,
    pub service: Service,
    pub service_name: String,
    pub service_name_en: String,
    pub holders: Vec<String>,
    pub issuer: DivisionCode,
    pub issuer_name: Option<String>,
    pub issued_on: Date,
    pub valid_until: Option<Date>,
    pub status: Standing,
    pub electronic: bool,
    pub verify_path: Option<String>,
    /// Correction requests open at the issuing office.
    pub open_corrections: usize,
}

/// The answer of `POST /api/lookup`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct LookupAnswer {
    pub certificates: Vec<LookupEntry>,
}

/// `POST /api/corrections`: correct one certificate of the caller's lookup result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct CorrectionRequest {
    #[cfg_attr(feature = "openapi", schemars(length(min = 1, max = 50)))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schemars(regex(pattern = crate::id_number::PATTERN)))]
    pub id_number: String,
    pub certificate: String,
    #[cfg_attr(feature = "openapi", schemars(length(min = 1, max = 500)))]
    pub request: String,
}

/// The 201 answer of `POST /api/corrections`: the request, its due date and the office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct CorrectionRequested {
    pub certificate: CertificateNumber,
    pub correction: Correction,
    pub office: DivisionCode,
    pub office_name: Option<String>,
}

/// `POST /api/staff/registry`: the ID number in the body, never in the URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct RegistryRequest {
    #[cfg_attr(feature = "openapi", schemars(regex(pattern = crate::id_number::PATTERN)))]
    pub id_number: String,
}

/// A child as the population database records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct RegistryChild {
    pub born: Date,
}

/// The registered facts of a person (全员人口数据库), from which a window issues the 婚育情况证明
/// on the spot (003 三(二)). Window staff only; the look-up is audited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct RegistryAnswer {
    pub name: String,
    pub id_number: String,
    pub marriage: crate::contract::Marriage,
    pub spouse: Option<super::RevealedPerson>,
    pub children: Vec<RegistryChild>,
    pub hukou: DivisionCode,
    /// Which database answered.
    pub source: String,
}
