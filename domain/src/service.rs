//! The four services (事项) of SPEC §1 and their stable API codes.

use serde::{Deserialize, Serialize};

/// A service an applicant can ask for. The serde names are the stable codes of SPEC §1:
/// they are part of the public API and never change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Service {
    /// 生育服务证 / 生育服务卡 / 生育登记 — registration, not approval (001 二(一)).
    BirthService,
    /// 再生育服务证 / 生育证 — approval by the county (000 二(二)5; 003 附件2).
    Rebirth,
    /// 独生子女父母光荣证 (001 一(四)1).
    OnlyChildHonor,
    /// 婚育情况证明, issued by the window from the population system (003 三).
    MaritalStatusProof,
}

impl Service {
    /// Every service, in the order they are presented to applicants.
    pub const ALL: [Service; 4] = [
        Service::BirthService,
        Service::Rebirth,
        Service::OnlyChildHonor,
        Service::MaritalStatusProof,
    ];

    /// The stable code used in URLs and JSON.
    pub fn code(self) -> &'static str {
        match self {
            Service::BirthService => "birth_service",
            Service::Rebirth => "rebirth",
            Service::OnlyChildHonor => "only_child_honor",
            Service::MaritalStatusProof => "marital_status_proof",
        }
    }

    /// Parses a stable code; `None` for anything else.
    pub fn from_code(code: &str) -> Option<Service> {
        Service::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The generic Chinese name (jurisdictions may display their own, SPEC §1).
    pub fn name_zh(self) -> &'static str {
        match self {
            Service::BirthService => "生育服务证",
            Service::Rebirth => "再生育服务证",
            Service::OnlyChildHonor => "独生子女父母光荣证",
            Service::MaritalStatusProof => "婚育情况证明",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Service::BirthService => "Birth service certificate",
            Service::Rebirth => "Re-birth service certificate",
            Service::OnlyChildHonor => "Only-child parents' honour certificate",
            Service::MaritalStatusProof => "Marriage and childbirth status proof",
        }
    }

    /// One line telling an applicant what the service is for.
    pub fn summary_zh(self) -> &'static str {
        match self {
            Service::BirthService => "生育第一、二个子女的登记服务，不需审批，符合条件当场发证。",
            Service::Rebirth => {
                "符合再生育特殊情形（如病残儿）的夫妻申请再生育，乡镇审核、县级审批。"
            }
            Service::OnlyChildHonor => "2015年12月31日前只生育一个子女并自愿不再生育的夫妻申领。",
            Service::MaritalStatusProof => {
                "办理生育服务证等所需的婚育情况证明，由受理窗口直接出具。"
            }
        }
    }

    pub fn summary_en(self) -> &'static str {
        match self {
            Service::BirthService => {
                "Registration for a first or second child: no approval, issued on the spot."
            }
            Service::Rebirth => {
                "For couples in a special circumstance (e.g. a disabled child) who may have another child: township review, county approval."
            }
            Service::OnlyChildHonor => {
                "For couples whose only child was born on or before 31 Dec 2015 and who choose to have no more."
            }
            Service::MaritalStatusProof => {
                "The marriage and childbirth status proof, issued by the receiving window itself."
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_stable_api_codes_of_spec_section_1() {
        let codes: Vec<_> = Service::ALL.iter().map(|s| s.code()).collect();
        assert_eq!(
            codes,
            [
                "birth_service",
                "rebirth",
                "only_child_honor",
                "marital_status_proof"
            ]
        );
    }

    #[test]
    fn serde_uses_the_same_codes_as_code() {
        for service in Service::ALL {
            let json = serde_json::to_string(&service).unwrap();
            assert_eq!(json, format!("\"{}\"", service.code()));
            assert_eq!(Service::from_code(service.code()), Some(service));
        }
        assert_eq!(Service::from_code("rebirth2"), None);
    }
}
