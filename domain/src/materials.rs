//! The material catalogue of SPEC §3 and one-pass validation (一次性告知): every missing or
//! invalid item is reported in one answer, never one at a time (003 附件1 is the complaint
//! about the opposite; 000 二(二)2; 吉林 art. 19).

use serde::{Deserialize, Serialize};

use crate::contract::{MaterialItem, ProvidedBy};

/// Stable material codes (SPEC §3): part of the API, never renamed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum MaterialCode {
    IdCards,
    HukouBook,
    MarriageCert,
    DivorceCert,
    DivorceSettlement,
    JointChildrenProof,
    MaritalStatusProof,
    BirthMedicalCert,
    PhotoWomanX2,
    PhotoApplicantX1,
    DisabilityAppraisal,
    UnitOrVillageOpinion,
    CommitmentLetter,
    Delegation,
    /// The re-birth card another province issued, shown for recognition (吉林 002 第七条).
    OtherProvinceRebirthCard,
}

impl MaterialCode {
    pub const ALL: [MaterialCode; 15] = [
        MaterialCode::IdCards,
        MaterialCode::HukouBook,
        MaterialCode::MarriageCert,
        MaterialCode::DivorceCert,
        MaterialCode::DivorceSettlement,
        MaterialCode::JointChildrenProof,
        MaterialCode::MaritalStatusProof,
        MaterialCode::BirthMedicalCert,
        MaterialCode::PhotoWomanX2,
        MaterialCode::PhotoApplicantX1,
        MaterialCode::DisabilityAppraisal,
        MaterialCode::UnitOrVillageOpinion,
        MaterialCode::CommitmentLetter,
        MaterialCode::Delegation,
        MaterialCode::OtherProvinceRebirthCard,
    ];

    pub fn code(self) -> &'static str {
        match self {
            MaterialCode::IdCards => "id_cards",
            MaterialCode::HukouBook => "hukou_book",
            MaterialCode::MarriageCert => "marriage_cert",
            MaterialCode::DivorceCert => "divorce_cert",
            MaterialCode::DivorceSettlement => "divorce_settlement",
            MaterialCode::JointChildrenProof => "joint_children_proof",
            MaterialCode::MaritalStatusProof => "marital_status_proof",
            MaterialCode::BirthMedicalCert => "birth_medical_cert",
            MaterialCode::PhotoWomanX2 => "photo_woman_x2",
            MaterialCode::PhotoApplicantX1 => "photo_applicant_x1",
            MaterialCode::DisabilityAppraisal => "disability_appraisal",
            MaterialCode::UnitOrVillageOpinion => "unit_or_village_opinion",
            MaterialCode::CommitmentLetter => "commitment_letter",
            MaterialCode::Delegation => "delegation",
            MaterialCode::OtherProvinceRebirthCard => "other_province_rebirth_card",
        }
    }

    pub fn from_code(code: &str) -> Option<MaterialCode> {
        MaterialCode::ALL.into_iter().find(|m| m.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            MaterialCode::IdCards => "夫妻双方身份证",
            MaterialCode::HukouBook => "户口簿",
            MaterialCode::MarriageCert => "结婚证",
            MaterialCode::DivorceCert => "离婚证",
            MaterialCode::DivorceSettlement => "离婚协议书或离婚判决书、调解书",
            MaterialCode::JointChildrenProof => "是否共同育有子女的证明",
            MaterialCode::MaritalStatusProof => "婚育情况证明",
            MaterialCode::BirthMedicalCert => "出生医学证明",
            MaterialCode::PhotoWomanX2 => "女方一寸免冠近照2张",
            MaterialCode::PhotoApplicantX1 => "申请人一寸免冠近照1张",
            MaterialCode::DisabilityAppraisal => "病残儿医学鉴定结论",
            MaterialCode::UnitOrVillageOpinion => "夫妻一方单位或村(居)委会意见",
            MaterialCode::CommitmentLetter => "承诺书",
            MaterialCode::Delegation => "委托书及代办人身份证",
            MaterialCode::OtherProvinceRebirthCard => "外省（区、市）发给的再生育服务卡",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            MaterialCode::IdCards => "Both spouses' ID cards",
            MaterialCode::HukouBook => "Household register (hukou book)",
            MaterialCode::MarriageCert => "Marriage certificate",
            MaterialCode::DivorceCert => "Divorce certificate",
            MaterialCode::DivorceSettlement => "Divorce agreement, judgment or mediation statement",
            MaterialCode::JointChildrenProof => {
                "Proof of whether the couple have children together"
            }
            MaterialCode::MaritalStatusProof => "Marriage and childbirth status proof",
            MaterialCode::BirthMedicalCert => "Medical birth certificate",
            MaterialCode::PhotoWomanX2 => "Two 1-inch photos of the wife",
            MaterialCode::PhotoApplicantX1 => "One 1-inch photo of the applicant",
            MaterialCode::DisabilityAppraisal => "Medical appraisal of the child's disability",
            MaterialCode::UnitOrVillageOpinion => {
                "Opinion of an employer or the village/residents' committee"
            }
            MaterialCode::CommitmentLetter => "Letter of commitment",
            MaterialCode::Delegation => "Letter of delegation and the delegate's ID card",
            MaterialCode::OtherProvinceRebirthCard => {
                "The re-birth card issued by the other province"
            }
        }
    }

    /// The catalogue entry for a list, with the article that requires it there.
    pub fn item(self, source: &str) -> MaterialItem {
        MaterialItem {
            code: self,
            name: self.name_zh().to_string(),
            source: source.to_string(),
            name_en: self.name_en().to_string(),
            note: String::new(),
            provided_by: ProvidedBy::Applicant,
            form: None,
        }
    }
}

/// Marks the items the population database (or the shared e-licence platform) already
/// confirms as not asked of the applicant: 吉林 art. 9 ("通过全员人口数据库能够获取信息的，不再
/// 要求申请人提供"), 004 三(二). `confirmed` comes from the server's PopulationRegistry port.
pub fn confirm_from_registry(items: &mut [MaterialItem], confirmed: &[MaterialCode]) {
    for item in items.iter_mut() {
        if item.provided_by == ProvidedBy::Applicant && confirmed.contains(&item.code) {
            item.provided_by = ProvidedBy::Database;
            item.note = "已通过全员人口数据库核验，无需提交（002 第九条；004 三(二)）".into();
        }
    }
}

/// What an application brings for one material.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ProvidedMaterial {
    pub code: String,
    #[serde(default)]
    pub attachments: Vec<String>,
    /// At a window, staff saw the original (SPEC §9).
    #[serde(default)]
    pub checked_in_person: bool,
}

/// One problem with the materials, in the `errors` of a 422 answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum MaterialProblem {
    /// A required material is not there.
    MaterialMissing { material: MaterialCode },
    /// A material code the catalogue does not know.
    MaterialUnknown { material: String },
    /// The same material listed twice.
    MaterialDuplicated { material: MaterialCode },
}

/// Materials provided beyond the published list for the situation. 吉林 002 第八条 forbids asking
/// for more than the list, not bringing more: the application is accepted, these are not kept
/// (no personal data the office does not need), and the answer says so (issue 17 point 5; the
/// same everywhere, this system's choice).
pub fn beyond_the_list(
    required: &[MaterialItem],
    provided: &[ProvidedMaterial],
) -> Vec<MaterialCode> {
    let mut out: Vec<MaterialCode> = provided
        .iter()
        .filter_map(|p| MaterialCode::from_code(&p.code))
        .filter(|c| !required.iter().any(|r| r.code == *c))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The source of [`beyond_the_list`].
pub const BEYOND_THE_LIST_SOURCE: &str =
    "002 第八条（不得要求提供清单以外的材料；多交的不退件、不保存）";

/// Checks the provided materials against the complete list in one pass and returns **every**
/// problem (materials beyond the list are not a problem: [`beyond_the_list`]). Items the window provides are not asked of the applicant.
pub fn validate(required: &[MaterialItem], provided: &[ProvidedMaterial]) -> Vec<MaterialProblem> {
    let mut problems = Vec::new();
    let mut seen = Vec::new();
    for p in provided {
        let Some(code) = MaterialCode::from_code(&p.code) else {
            problems.push(MaterialProblem::MaterialUnknown {
                material: p.code.clone(),
            });
            continue;
        };
        if seen.contains(&code) {
            problems.push(MaterialProblem::MaterialDuplicated { material: code });
            continue;
        }
        seen.push(code);
    }
    for r in required
        .iter()
        .filter(|r| r.provided_by == ProvidedBy::Applicant)
    {
        let present = provided
            .iter()
            .any(|p| p.code == r.code.code() && (!p.attachments.is_empty() || p.checked_in_person));
        if !present {
            problems.push(MaterialProblem::MaterialMissing { material: r.code });
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provided(code: &str) -> ProvidedMaterial {
        ProvidedMaterial {
            code: code.into(),
            attachments: vec!["u1".into()],
            checked_in_person: false,
        }
    }

    #[test]
    fn codes_round_trip_and_match_serde() {
        for m in MaterialCode::ALL {
            assert_eq!(MaterialCode::from_code(m.code()), Some(m));
            assert_eq!(
                serde_json::to_string(&m).unwrap(),
                format!("\"{}\"", m.code())
            );
            assert!(!m.name_zh().is_empty() && !m.name_en().is_empty());
        }
    }

    #[test]
    fn every_missing_item_is_reported_at_once() {
        // 003 附件1: Mr Zhao was told one item per visit. Here all come back in one answer.
        let required = [
            MaterialCode::IdCards.item("003 附件2"),
            MaterialCode::HukouBook.item("003 附件2"),
            MaterialCode::MarriageCert.item("003 附件2"),
        ];
        let problems = validate(&required, &[provided("id_cards")]);
        assert_eq!(
            problems,
            vec![
                MaterialProblem::MaterialMissing {
                    material: MaterialCode::HukouBook
                },
                MaterialProblem::MaterialMissing {
                    material: MaterialCode::MarriageCert
                },
            ]
        );
    }

    #[test]
    fn window_issued_items_are_not_asked_of_the_applicant() {
        // 003 三(二): 婚育情况证明 is produced by the window from the population system.
        let mut proof = MaterialCode::MaritalStatusProof.item("003 三");
        proof.provided_by = ProvidedBy::Window;
        let required = [MaterialCode::IdCards.item("003 附件2"), proof];
        assert!(validate(&required, &[provided("id_cards")]).is_empty());
    }

    #[test]
    fn what_the_population_database_confirms_is_not_asked_jilin_art_9() {
        let mut required = [
            MaterialCode::IdCards.item("002 第六条"),
            MaterialCode::MarriageCert.item("002 第六条"),
        ];
        confirm_from_registry(&mut required, &[MaterialCode::MarriageCert]);
        assert_eq!(required[1].provided_by, ProvidedBy::Database);
        assert!(required[1].note.contains("002 第九条"));
        let problems = validate(&required, &[provided("id_cards")]);
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn an_empty_attachment_list_is_missing_unless_checked_in_person() {
        let required = [MaterialCode::IdCards.item("003 附件2")];
        let empty = ProvidedMaterial {
            code: "id_cards".into(),
            attachments: vec![],
            checked_in_person: false,
        };
        assert_eq!(validate(&required, std::slice::from_ref(&empty)).len(), 1);
        let seen = ProvidedMaterial {
            checked_in_person: true,
            ..empty
        };
        assert!(validate(&required, &[seen]).is_empty());
    }

    #[test]
    fn unknown_and_duplicate_materials_are_reported_and_extras_accepted_002_art_8() {
        let required = [MaterialCode::IdCards.item("002 第三条")];
        let problems = validate(
            &required,
            &[
                provided("id_cards"),
                provided("id_cards"),
                provided("bank_statement"),
                provided("hukou_book"),
            ],
        );
        assert_eq!(
            problems,
            vec![
                MaterialProblem::MaterialDuplicated {
                    material: MaterialCode::IdCards
                },
                MaterialProblem::MaterialUnknown {
                    material: "bank_statement".into()
                },
            ]
        );
        // More than the list asks is accepted, not refused (002 第八条).
        assert_eq!(
            beyond_the_list(&required, &[provided("hukou_book"), provided("id_cards")]),
            vec![MaterialCode::HukouBook]
        );
        let json = serde_json::to_value(&problems[0]).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": "material_duplicated", "material": "id_cards"})
        );
    }

    #[test]
    fn missing_serialises_as_in_spec_section_9() {
        let json = serde_json::to_value(MaterialProblem::MaterialMissing {
            material: MaterialCode::HukouBook,
        })
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": "material_missing", "material": "hukou_book"})
        );
    }
}
