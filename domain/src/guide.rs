//! Public service guides (办事指南; 000 三(一), 吉林 art. 18, 003 二): basis, conditions,
//! processing, time limit, materials with the situations that call for them, fee, where to
//! apply, complaint line — all read from the same rule data the eligibility check uses.

use serde::{Deserialize, Serialize};

use crate::calendar::{Calendar, TimeLimit};
use crate::contract::{EligibilityRequest, Processing, ProvidedBy};
use crate::date::Date;
use crate::division::DivisionCode;
use crate::materials::MaterialCode;
use crate::policy::rules::{PlaceRule, When};
use crate::policy::{self, PolicyError};
use crate::service::Service;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Cited {
    pub text: String,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct GuideMaterial {
    pub code: MaterialCode,
    pub name: String,
    pub name_en: String,
    /// Empty when everyone brings it; otherwise the situations that call for it.
    pub when: Vec<String>,
    pub note: String,
    pub provided_by: ProvidedBy,
    pub source: String,
    /// Original, or original and copy, where the text says which.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<crate::contract::MaterialForm>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Guide {
    pub service: Service,
    pub name: String,
    pub name_en: String,
    pub division: DivisionCode,
    pub province: String,
    pub conditions: Vec<Cited>,
    pub processing: Processing,
    pub time_limit: TimeLimit,
    pub time_limit_source: String,
    /// The due date if accepted on `today`; `None` only outside the years that can be counted.
    pub due_if_accepted_today: Option<Date>,
    /// That date rests on a year without a loaded holiday notice (SPEC §5).
    #[serde(default)]
    pub due_provisional: bool,
    pub materials: Vec<GuideMaterial>,
    pub fee: Cited,
    pub place: Cited,
    pub hotline: Cited,
}

fn when_zh(w: When) -> &'static str {
    match w {
        When::Married => "已婚的",
        When::Unmarried => "未办理结婚登记的",
        When::Remarried => "再婚的",
        When::Retroactive => "子女已出生、补办的",
        When::NotRetroactive => "子女尚未出生的",
        When::DisabledChild => "以子女病残为由申请的",
        When::Delegated => "委托他人代办的",
        When::HukouOutsideProvince => "夫妻双方户籍均在外省（市）的",
        When::MayCommit => "以书面承诺代替证明的（失信人员除外）",
        When::StatusNotVerifiable => "婚育情况难以核实（一方户籍在外省）的",
    }
}

/// The guide for a service at an office, as of `today`.
// Long: the guide's sections built in the order a printed 办事指南 has them.
pub fn guide(
    division: DivisionCode,
    service: Service,
    today: Date,
    calendar: &Calendar,
) -> Result<Guide, PolicyError> {
    let rules = policy::rule_set(division, today)?;
    // A typical applicant (first marriage, no special facts) for processing and the limit.
    let typical = EligibilityRequest::typical(service, division, today);
    let (processing, time_limit, time_limit_source) = policy::processing_of(&typical, rules);
    let due = calendar.due(today, time_limit).ok();
    let quota = policy::quota(rules, today);
    let n = quota.value.children;
    let conditions = match service {
        Service::BirthService => {
            let mut c = vec![Cited {
                text: "夫妻生育第一个或第二个子女的，不实行审批，群众确有需要的发给生育服务证（含再婚夫妻按再婚生育政策计算）".into(),
                source: "001 二(一), 一(一)".into(),
            }];
            if n >= 3 {
                c.push(Cited {
                    text: "一对夫妻可以生育三个子女：生育第三个子女的，予以生育登记，发给生育服务证".into(),
                    source: quota.source.into(),
                });
            }
            c
        }
        Service::Rebirth => {
            let used = if n >= 3 {
                "（特殊情形再生育的子女不计入三个子女）"
            } else {
                "已生育两个子女（或再婚夫妻已用完政策生育数），且"
            };
            let mut c: Vec<Cited> = policy::rules::SPECIAL_CIRCUMSTANCES
                .iter()
                .map(|s| {
                    if n >= 3 {
                        Cited { text: format!("{}{used}", s.text), source: format!("{}; {}", s.source, quota.source) }
                    } else {
                        Cited { text: format!("{used}{}", s.text), source: s.source.into() }
                    }
                })
                .collect();
            if let Some(src) = rules.recognises_other_province_rebirth_card {
                c.push(Cited { text: "一方户籍在外省、已在外省领取再生育服务卡的，本省予以认可".into(), source: src.into() });
            }
            c.push(Cited { text: "已领取独生子女父母光荣证的，自申请再生育之日起注销，停止奖励优惠待遇".into(), source: "001 一(四)1".into() });
            c
        }
        Service::OnlyChildHonor => vec![Cited {
            text: "2015年12月31日前已生育一个子女、自愿不再生育的夫妻；2016年1月1日以后生育的不再办理".into(),
            source: "001 一(四)1".into(),
        }],
        Service::MaritalStatusProof => vec![Cited {
            text: "由经办窗口通过人口家庭电子信息系统查验、打印出具，不需回户籍地开具；市外申请人填写承诺书，经电话、信函核实后出具".into(),
            source: "003 三(二)".into(),
        }],
    };
    let materials = rules
        .materials
        .iter()
        .filter(|m| m.service == service)
        .map(|m| GuideMaterial {
            code: m.code,
            name: m.code.name_zh().into(),
            name_en: m.code.name_en().into(),
            when: m
                .when
                .iter()
                .filter(|w| **w != When::Married)
                .map(|w| when_zh(*w).to_string())
                .collect(),
            note: m.note.into(),
            provided_by: m.by,
            source: m.source.into(),
            form: m.form,
        })
        .collect();
    let place = match rules.place.value {
        PlaceRule::AnyWindow => "可在全市任一乡镇（街道）或村（居）窗口申请，或网上申请；审批仍由户籍地（流动人口为居住地）办理，结果可快递送达".to_string(),
        PlaceRule::Residence { months, needs_province_hukou, .. } => format!(
            "向夫妻一方户籍所在地或现居住地（居住{}以上{}）的乡镇（街道）或村（居）申请，也可网上申请",
            if months == 6 { "半年".to_string() } else { format!("{months}个月") },
            if needs_province_hukou { "，且夫妻一方户籍在本省" } else { "" }
        ),
    };
    Ok(Guide {
        service,
        name: service.name_zh().into(),
        name_en: service.name_en().into(),
        division,
        province: rules.name.into(),
        conditions,
        processing,
        time_limit,
        time_limit_source: time_limit_source.into(),
        due_if_accepted_today: due.map(|d| d.date),
        due_provisional: due.is_some_and(|d| d.provisional),
        materials,
        fee: Cited {
            text: "免费，不收取任何费用".into(),
            source: "000 三(三); 002 第十二条".into(),
        },
        place: Cited {
            text: place,
            source: rules.place.source.into(),
        },
        hotline: Cited {
            text: rules.hotline.value.into(),
            source: rules.hotline.source.into(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn the_chongqing_rebirth_guide_has_every_part_of_003_annex_2() {
        let g = guide(
            DivisionCode::parse("500116").unwrap(),
            Service::Rebirth,
            d("2024-09-27"),
            Calendar::builtin(),
        )
        .unwrap();
        assert_eq!(g.processing, Processing::Promise);
        assert_eq!(g.time_limit, TimeLimit::working_days(20));
        assert_eq!(g.due_if_accepted_today, Some(d("2024-10-30")));
        assert_eq!(g.hotline.text, "023-47292152");
        assert!(g.fee.text.contains("免费"));
        let codes: Vec<MaterialCode> = g.materials.iter().map(|m| m.code).collect();
        for m in [
            MaterialCode::IdCards,
            MaterialCode::MarriageCert,
            MaterialCode::HukouBook,
            MaterialCode::MaritalStatusProof,
            MaterialCode::PhotoWomanX2,
            MaterialCode::DisabilityAppraisal,
        ] {
            assert!(codes.contains(&m), "{m:?}");
        }
        let appraisal = g
            .materials
            .iter()
            .find(|m| m.code == MaterialCode::DisabilityAppraisal)
            .unwrap();
        assert_eq!(appraisal.when, vec!["以子女病残为由申请的".to_string()]);
        let proof = g
            .materials
            .iter()
            .find(|m| m.code == MaterialCode::MaritalStatusProof)
            .unwrap();
        assert_eq!(proof.provided_by, ProvidedBy::Window);
        assert!(g.place.text.contains("全市任一"));
    }

    #[test]
    fn the_hubei_guide_states_the_residence_rule_and_the_30_day_limit() {
        let g = guide(
            DivisionCode::parse("420704").unwrap(),
            Service::Rebirth,
            d("2024-09-27"),
            Calendar::builtin(),
        )
        .unwrap();
        assert_eq!(g.time_limit, TimeLimit::days(30));
        assert!(g.place.text.contains("半年"));
        assert_eq!(g.hotline.text, "12356");
    }

    #[test]
    fn a_due_date_in_a_year_without_a_notice_is_given_and_marked_provisional() {
        // 20 working days from 2026-12-20 run into 2027, whose notice is not built in.
        let g = guide(
            DivisionCode::parse("500116").unwrap(),
            Service::Rebirth,
            d("2026-12-20"),
            Calendar::builtin(),
        )
        .unwrap();
        assert_eq!(g.due_if_accepted_today, Some(d("2027-01-18")));
        assert!(g.due_provisional);
        let exact = guide(
            DivisionCode::parse("500116").unwrap(),
            Service::Rebirth,
            d("2026-03-02"),
            Calendar::builtin(),
        )
        .unwrap();
        assert!(!exact.due_provisional);
    }
}
