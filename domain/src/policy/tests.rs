//! One test per rule sentence of SPEC §2–§4, each naming the seed article it checks.

use serde_json::{Value, json};

use super::*;
use crate::calendar::{Calendar, TimeLimit};
use crate::contract::ProvidedBy;
use crate::date::Date;
use crate::materials::MaterialCode as M;

fn req(v: Value) -> EligibilityRequest {
    EligibilityRequest::from_json(&v).unwrap()
}

/// The seed-era day the rule tests are pinned to: after 重庆's 2021 guide (2021-07-16), before
/// the 2021 amendment of 人口与计划生育法 (2021-08-20) — the seeds' two-child rules apply.
const SEED_ERA: &str = "2021-08-02";

/// A situation with defaults: first marriage, applying in 江津区 on [`SEED_ERA`].
fn base(service: &str) -> Value {
    json!({"service": service, "division": "500116", "date": SEED_ERA, "marriage": "first", "children": []})
}

fn with(mut v: Value, patch: Value) -> Value {
    for (k, x) in patch.as_object().unwrap() {
        v[k] = x.clone();
    }
    v
}

fn child(born: &str, of: &str) -> Value {
    json!({"born": born, "of": of, "disability": "none"})
}

fn disabled(born: &str) -> Value {
    json!({"born": born, "of": "joint", "disability": "non_hereditary_appraised"})
}

fn answer(v: Value) -> EligibilityAnswer {
    check(&req(v)).unwrap()
}

fn codes(a: &EligibilityAnswer) -> Vec<&str> {
    a.reasons.iter().map(|r| r.code.as_str()).collect()
}

fn reason<'a>(a: &'a EligibilityAnswer, code: &str) -> &'a Reason {
    a.reasons
        .iter()
        .find(|r| r.code == code)
        .unwrap_or_else(|| panic!("no reason {code} in {:?}", codes(a)))
}

fn material_codes(a: &EligibilityAnswer) -> Vec<M> {
    a.materials.iter().map(|m| m.code).collect()
}

// ---- 001 一(一): universal two-child policy -------------------------------------------

#[test]
fn first_and_second_child_need_no_approval_001_2_1() {
    for kids in [vec![], vec![child("2020-01-01", "joint")]] {
        let a = answer(with(base("birth_service"), json!({"children": kids})));
        assert!(a.eligible);
        assert_eq!(reason(&a, "first_or_second_child").source, "001 二(一)");
        assert_eq!(a.processing, Processing::Instant);
    }
}

#[test]
fn two_children_is_the_limit_001_1_1() {
    let two = json!([child("2018-01-01", "joint"), child("2020-01-01", "joint")]);
    let a = answer(with(base("birth_service"), json!({"children": two})));
    assert!(!a.eligible);
    // Chongqing: the national law's 2015 version, not Hubei's notice (issue 16).
    assert_eq!(reason(&a, "two_children_limit").source, rules::LAW_2015);
    assert_eq!(reason(&a, "two_children_limit").effect, Effect::Denies);
    assert!(a.materials.is_empty());
}

#[test]
fn twins_count_as_two_children_not_one_birth_001_1_1() {
    let twins = json!([child("2019-06-01", "joint"), child("2019-06-01", "joint")]);
    let a = answer(with(base("birth_service"), json!({"children": twins})));
    assert!(!a.eligible, "两孩 counts children, not births");
    assert!(codes(&a).contains(&"two_children_limit"));
}

// ---- 001 一(一): remarried couples ----------------------------------------------------

#[test]
fn remarried_with_one_child_before_may_have_two_more_001_1_1() {
    let one_before = child("2010-01-01", "husband");
    let a = answer(with(
        base("birth_service"),
        json!({"marriage": "remarried", "children": [one_before, child("2018-01-01", "joint")]}),
    ));
    assert!(
        a.eligible,
        "1 before + 1 joint: a second joint child is allowed"
    );
    // Chongqing's guide makes remarriage a re-birth ground; the numbers follow Hubei's text
    // by reference (issue 17 point 5).
    let source = &reason(&a, "remarried_quota").source.clone();
    assert!(
        source.starts_with("003 附件2 再生育服务证指南 四2") && source.contains("本系统设定"),
        "{source}"
    );
    let a = answer(with(
        base("birth_service"),
        json!({"marriage": "remarried", "children": [one_before, child("2018-01-01", "joint"), child("2020-01-01", "joint")]}),
    ));
    assert!(!a.eligible);
    assert_eq!(reason(&a, "remarried_quota_used").source, *source);
}

#[test]
fn remarried_with_two_or_more_children_before_may_have_one_more_001_1_1() {
    for before in [2, 3] {
        let mut kids: Vec<Value> = (0..before)
            .map(|i| {
                child(
                    &format!("200{i}-01-01"),
                    if i % 2 == 0 { "wife" } else { "husband" },
                )
            })
            .collect();
        let a = answer(with(
            base("birth_service"),
            json!({"marriage": "remarried", "children": kids.clone()}),
        ));
        assert!(a.eligible, "{before} before: one more");
        kids.push(child("2019-01-01", "joint"));
        let a = answer(with(
            base("birth_service"),
            json!({"marriage": "remarried", "children": kids}),
        ));
        assert!(!a.eligible, "{before} before + 1 joint: quota used");
    }
}

#[test]
fn remarriage_to_the_former_spouse_is_outside_the_remarried_quota_001_1_1() {
    // Counted as remarried, 1 before + 1 joint would allow another; 复婚 counts all children.
    let kids = json!([child("2010-01-01", "husband"), child("2018-01-01", "joint")]);
    let a = answer(with(
        base("birth_service"),
        json!({"marriage": "remarried_former_spouse", "children": kids}),
    ));
    assert!(!a.eligible);
    assert!(codes(&a).contains(&"two_children_limit"));
    let a = answer(with(
        base("birth_service"),
        json!({"marriage": "remarried_former_spouse", "children": [child("2018-01-01", "joint")]}),
    ));
    assert!(a.eligible);
    assert_eq!(
        reason(&a, "former_spouse_not_remarried").source,
        "001 一(一)"
    );
}

// ---- Special-circumstance re-birth (条例第十五条; 003 附件2 四6) ---------------------------

#[test]
fn a_disabled_child_with_appraisal_allows_rebirth_003_guide_6() {
    let kids = json!([child("2012-05-01", "joint"), disabled("2016-05-01")]);
    let a = answer(with(base("rebirth"), json!({"children": kids})));
    assert!(a.eligible);
    assert!(
        reason(&a, "disabled_child")
            .source
            .contains("003 附件2 再生育服务证指南 四6")
    );
    assert!(material_codes(&a).contains(&M::DisabilityAppraisal));
    assert_eq!(a.processing, Processing::Promise);
}

#[test]
fn without_a_special_circumstance_rebirth_is_refused_with_its_reason_001_1_1() {
    let kids = json!([child("2012-05-01", "joint"), child("2016-05-01", "joint")]);
    let a = answer(with(base("rebirth"), json!({"children": kids})));
    assert!(!a.eligible);
    assert_eq!(reason(&a, "two_children_limit").source, rules::LAW_2015);
}

#[test]
fn rebirth_is_not_needed_within_the_quota_001_2_1() {
    let a = answer(with(
        base("rebirth"),
        json!({"children": [child("2012-05-01", "joint")]}),
    ));
    assert!(!a.eligible);
    assert_eq!(reason(&a, "within_quota_no_approval").source, "001 二(一)");
}

#[test]
fn rebirth_needs_a_married_couple_002_art_6() {
    let a = answer(with(
        base("rebirth"),
        json!({"marriage": "unmarried", "division": "220102", "children": [child("2012-05-01", "joint"), disabled("2014-01-01")]}),
    ));
    assert!(!a.eligible);
    assert!(codes(&a).contains(&"marriage_required"));
}

// ---- 001 一(四)1: only-child honour certificate ------------------------------------------

#[test]
fn honour_certificate_only_for_one_child_born_by_2015_12_31_001_4_1() {
    let a = answer(with(
        base("only_child_honor"),
        json!({"children": [child("2015-12-31", "joint")]}),
    ));
    assert!(a.eligible);
    assert_eq!(reason(&a, "one_child_before_2016").source, "001 一(四)1");
    let a = answer(with(
        base("only_child_honor"),
        json!({"children": [child("2016-01-01", "joint")]}),
    ));
    assert!(!a.eligible);
    assert_eq!(reason(&a, "born_from_2016").source, "001 一(四)1");
    let a = answer(with(
        base("only_child_honor"),
        json!({"children": [child("2010-01-01", "joint"), child("2012-01-01", "joint")]}),
    ));
    assert!(!a.eligible);
    assert!(codes(&a).contains(&"not_one_child"));
}

#[test]
fn a_rebirth_application_cancels_the_honour_certificate_from_its_date_001_4_1() {
    let kids = json!([child("2012-05-01", "joint"), disabled("2016-05-01")]);
    let a = answer(with(
        base("rebirth"),
        json!({"children": kids, "honor_certificate": true}),
    ));
    let r = reason(&a, "honor_certificate_cancelled");
    assert_eq!(r.source, "001 一(四)1");
    assert_eq!(r.effect, Effect::Note);
    assert!(r.text.contains(SEED_ERA) && r.text.contains("不予追回"));
    // Said even when the application itself is refused: the cancellation runs from applying.
    let refused = answer(with(
        base("rebirth"),
        json!({"children": [child("2010-01-01", "joint"), child("2012-01-01", "joint")], "honor_certificate": true}),
    ));
    assert!(!refused.eligible);
    assert!(codes(&refused).contains(&"honor_certificate_cancelled"));
}

// ---- 吉林 art. 7: other province's re-birth card ------------------------------------------

#[test]
fn jilin_recognises_another_provinces_rebirth_card_002_art_7() {
    let kids = json!([child("2012-05-01", "joint"), child("2016-05-01", "joint")]);
    let jilin = with(
        base("rebirth"),
        json!({"division": "220102", "children": kids.clone(), "other_province_rebirth_card": true, "hukou": {"husband": "220102", "wife": "420704"}}),
    );
    let a = answer(jilin);
    assert!(a.eligible);
    assert_eq!(
        reason(&a, "other_province_card_recognised").source,
        "002 第七条"
    );
    // Chongqing has no such rule in the seeds.
    let a = answer(with(
        base("rebirth"),
        json!({"children": kids.clone(), "other_province_rebirth_card": true}),
    ));
    assert!(!a.eligible);
}

#[test]
fn jilin_recognises_the_card_only_when_one_spouse_is_from_another_province_002_art_7() {
    let kids = json!([child("2012-05-01", "joint"), child("2016-05-01", "joint")]);
    let both_local = answer(with(
        base("rebirth"),
        json!({"division": "220102", "children": kids, "other_province_rebirth_card": true,
               "hukou": {"husband": "220102", "wife": "220102"}}),
    ));
    assert!(!both_local.eligible);
    let r = reason(&both_local, "other_province_card_condition");
    assert_eq!(
        (r.source.as_str(), r.effect),
        ("002 第七条", Effect::Denies)
    );
    assert!(!codes(&both_local).contains(&"other_province_card_recognised"));
}

#[test]
fn jilin_recognition_asks_for_the_card_not_the_full_list_002_art_7() {
    let kids = json!([child("2012-05-01", "joint"), child("2016-05-01", "joint")]);
    let a = answer(with(
        base("rebirth"),
        json!({"division": "220102001", "children": kids.clone(), "other_province_rebirth_card": true,
               "hukou": {"husband": "220102", "wife": "420704"}}),
    ));
    assert!(a.eligible);
    // 认可: registered on the spot where it is shown, with the card and the ID cards only.
    assert_eq!(a.processing, Processing::Instant);
    assert_eq!(a.deciding_division.to_string(), "220102001");
    assert_eq!(a.reviewing_division, None);
    assert_eq!(
        material_codes(&a),
        vec![M::OtherProvinceRebirthCard, M::IdCards]
    );
    assert!(a.materials.iter().all(|m| m.source == "002 第七条"));
    // Without the card it is an application, with the whole of art. 6's list.
    let apply = answer(with(
        base("rebirth"),
        json!({"division": "220102001", "children": [child("2012-05-01", "joint"),
               {"born": "2016-05-01", "of": "joint", "disability": "non_hereditary_appraised"}],
               "hukou": {"husband": "220102", "wife": "420704"}}),
    ));
    assert_eq!(apply.processing, Processing::Promise);
    assert!(material_codes(&apply).contains(&M::MarriageCert));
}

#[test]
fn jilin_commitment_only_where_the_status_cannot_be_verified_002_art_10() {
    let kids = json!([child("2012-05-01", "joint"),
                      {"born": "2016-05-01", "of": "joint", "disability": "non_hereditary_appraised"}]);
    let local = answer(with(
        base("rebirth"),
        json!({"division": "220102", "children": kids.clone(), "hukou": {"husband": "220102", "wife": "220102"}}),
    ));
    assert!(local.eligible);
    // Art. 6's list, and no commitment: the provincial database holds both spouses (art. 9).
    assert_eq!(
        material_codes(&local),
        vec![
            M::IdCards,
            M::HukouBook,
            M::MarriageCert,
            M::MaritalStatusProof,
            M::DisabilityAppraisal
        ]
    );
    let outside = answer(with(
        base("rebirth"),
        json!({"division": "220102", "children": kids, "hukou": {"husband": "220102", "wife": "420704"}}),
    ));
    assert!(material_codes(&outside).contains(&M::CommitmentLetter));
}

#[test]
fn items_say_original_or_copy_where_the_guide_does_003_annex_2() {
    use crate::contract::MaterialForm as F;
    let form = |a: &EligibilityAnswer, code: M| {
        a.materials
            .iter()
            .find(|m| m.code == code)
            .and_then(|m| m.form)
    };
    // 再生育服务证指南 四1–3: 原件及复印件.
    let kids = json!([child("2012-05-01", "joint"),
                      {"born": "2016-05-01", "of": "joint", "disability": "non_hereditary_appraised"}]);
    let cq = answer(with(base("rebirth"), json!({"children": kids.clone()})));
    for code in [M::IdCards, M::MarriageCert, M::HukouBook] {
        assert_eq!(form(&cq, code), Some(F::OriginalAndCopy), "{code:?}");
    }
    // 生育服务证指南 四1: shown and handed back.
    let birth = answer(base("birth_service"));
    assert_eq!(form(&birth, M::IdCards), Some(F::Original));
    // Jilin's art. 6 says neither: no form is invented.
    let jl = answer(with(
        base("rebirth"),
        json!({"division": "220102", "children": kids}),
    ));
    assert!(jl.materials.iter().all(|m| m.form.is_none()));
}

// ---- 吉林 art. 4, 5: retroactive and unmarried births --------------------------------------

#[test]
fn jilin_issues_a_retroactive_card_with_the_birth_certificate_002_art_4() {
    let a = answer(with(
        base("birth_service"),
        json!({"division": "220102", "retroactive": true, "children": [child("2018-01-01", "joint"), child("2024-01-01", "joint")]}),
    ));
    assert!(a.eligible, "the second child, already born, is registered");
    let mats = material_codes(&a);
    assert_eq!(mats, vec![M::IdCards, M::MarriageCert, M::BirthMedicalCert]);
    assert_eq!(a.materials[2].source, "002 第四条");
    let none = answer(with(
        base("birth_service"),
        json!({"division": "220102", "retroactive": true}),
    ));
    assert!(!none.eligible);
    assert!(codes(&none).contains(&"retroactive_needs_child"));
}

#[test]
fn jilin_registers_unmarried_births_with_a_status_proof_002_art_5() {
    let a = answer(with(
        base("birth_service"),
        json!({"division": "220102", "marriage": "unmarried"}),
    ));
    assert!(a.eligible);
    assert_eq!(
        reason(&a, "unmarried_birth_registered").source,
        "002 第五条"
    );
    assert_eq!(material_codes(&a), vec![M::IdCards, M::MaritalStatusProof]);
    // Hubei's and Chongqing's seeds issue the certificate to married couples only.
    for division in ["420704", "500116"] {
        let a = answer(with(
            base("birth_service"),
            json!({"division": division, "marriage": "unmarried"}),
        ));
        assert!(!a.eligible, "{division}");
        assert!(codes(&a).contains(&"marriage_required"));
    }
}

#[test]
fn hubei_issues_the_first_child_certificate_proactively_000_2_1_2() {
    let hb = with(
        base("birth_service"),
        json!({"division": "420704", "hukou": {"husband": "420704", "wife": "420111"}}),
    );
    let a = answer(hb.clone());
    assert_eq!(reason(&a, "first_child_proactive").source, "000 二(一)2");
    // Only for in-province couples, and only for the first child.
    let out = answer(with(
        hb.clone(),
        json!({"hukou": {"husband": "500116", "wife": "420704"}}),
    ));
    assert!(!codes(&out).contains(&"first_child_proactive"));
    let second = answer(with(
        hb,
        json!({"children": [child("2020-01-01", "joint")]}),
    ));
    assert!(!codes(&second).contains(&"first_child_proactive"));
}

#[test]
fn jilin_issues_the_card_at_marriage_registration_002_art_14() {
    let a = answer(with(base("birth_service"), json!({"division": "220102"})));
    assert_eq!(reason(&a, "first_child_proactive").source, "002 第十四条");
    let cq = answer(base("birth_service"));
    assert!(!codes(&cq).contains(&"first_child_proactive"));
}

#[test]
fn special_circumstances_are_a_list_of_rule_data() {
    assert!(
        rules::SPECIAL_CIRCUMSTANCES
            .iter()
            .all(|s| !s.source.is_empty() && !s.code.is_empty())
    );
    let disabled = req(with(
        base("rebirth"),
        json!({"children": [disabled("2014-01-01")]}),
    ));
    assert!(
        rules::SPECIAL_CIRCUMSTANCES
            .iter()
            .any(|s| (s.applies)(&disabled))
    );
}

// ---- SPEC §4: place of application ---------------------------------------------------------

#[test]
fn hubei_residence_place_after_half_a_year_and_the_first_office_forwards_000_2_2_1_and_3() {
    let base_hb = with(
        base("rebirth"),
        json!({
            "division": "420704", "date": "2025-07-01",
            "children": [child("2012-05-01", "joint"), disabled("2016-05-01")],
            "hukou": {"husband": "420111", "wife": "420111"}
        }),
    );
    // 半年以上 includes exactly half a year (民法典 第一千二百五十九条).
    let a = answer(with(
        base_hb.clone(),
        json!({"residence": {"division": "420704", "since": "2025-01-01"}}),
    ));
    assert!(a.eligible, "{:?}", codes(&a));
    assert_eq!(reason(&a, "residence_place").source, "000 二(二)1");
    let a = answer(with(
        base_hb.clone(),
        json!({"residence": {"division": "420704", "since": "2025-01-02"}}),
    ));
    // 首办负责制: a day short, the office still accepts and forwards to the hukou place, which
    // decides (issue 17 point 3); the couple has the full checklist.
    assert!(a.eligible, "{:?}", codes(&a));
    assert!(!codes(&a).contains(&"place_not_competent"));
    assert!(
        reason(&a, "accepted_and_forwarded")
            .source
            .starts_with("000 二(二)3")
    );
    assert_eq!(a.deciding_division.to_string(), "420111");
    assert!(!a.materials.is_empty());
    // At the residence place one spouse's hukou must be in Hubei: the competent office is in
    // another province; this office still accepts and forwards (issue 17 point 3, below).
    let a = answer(with(
        base_hb,
        json!({"hukou": {"husband": "500116", "wife": "220102"}, "residence": {"division": "420704", "since": "2020-01-01"}}),
    ));
    assert!(a.eligible, "{:?}", a.reasons);
    assert!(
        reason(&a, "accepted_and_forwarded")
            .text
            .contains("夫妻一方户籍在本省")
    );
}

#[test]
fn the_first_office_forwards_to_another_served_province_under_its_rules_000_2_2_3() {
    // A Chongqing couple, a month in 鄂城区, ask there for re-birth (a disabled child).
    let a = answer(with(
        base("rebirth"),
        json!({"division": "420704001", "date": "2025-07-01",
               "children": [child("2012-05-01", "joint"), disabled("2016-05-01")],
               "hukou": {"husband": "500116001", "wife": "500116001"},
               "residence": {"division": "420704001", "since": "2025-06-01"}}),
    ));
    // Accepted here; Chongqing decides under its own rules, list and limit.
    assert!(a.eligible, "{:?}", a.reasons);
    assert_eq!(a.reasons[0].code, "accepted_and_forwarded");
    assert_eq!(a.deciding_division.to_string(), "500116");
    assert_eq!(a.time_limit, TimeLimit::working_days(20));
    assert!(
        material_codes(&a).contains(&M::PhotoWomanX2),
        "Chongqing's guide asks photos"
    );
    // The case counts Chongqing's procedure, not Hubei's township/county days.
    let steps = crate::policy::deadline_of(
        &req(with(
            base("rebirth"),
            json!({"division": "420704001", "date": "2025-07-01",
               "children": [child("2012-05-01", "joint"), disabled("2016-05-01")],
               "hukou": {"husband": "500116001", "wife": "500116001"},
               "residence": {"division": "420704001", "since": "2025-06-01"}}),
        )),
        crate::Date::parse("2025-07-01").unwrap(),
        crate::Calendar::builtin(),
    )
    .unwrap()
    .unwrap();
    assert_eq!(steps.steps.len(), 1);
    assert_eq!(steps.steps[0].step, "decision");
}

#[test]
fn the_first_office_accepts_for_an_office_outside_the_system_with_its_own_list_000_2_2_3() {
    // Both registered in 河南 郑州 金水区 (410105), a month in 鄂城区.
    let a = answer(with(
        base("rebirth"),
        json!({"division": "420704001", "date": "2025-07-01",
               "children": [child("2012-05-01", "joint"), disabled("2016-05-01")],
               "hukou": {"husband": "410105", "wife": "410105"},
               "residence": {"division": "420704001", "since": "2025-06-01"}}),
    ));
    assert!(a.eligible, "{:?}", a.reasons);
    // Named, with Hubei's list, and one dated step: sending the file.
    assert_eq!(a.deciding_division.to_string(), "410105");
    assert!(
        reason(&a, "accepted_and_forwarded")
            .text
            .contains("转送情况记入案件")
    );
    assert!(material_codes(&a).contains(&M::HukouBook));
    assert_eq!(a.processing, Processing::Promise);
    assert_eq!(a.time_limit, crate::policy::FORWARD_LIMIT);
    assert!(!codes(&a).contains(&"place_not_competent"));
}

#[test]
fn hubei_hukou_place_needs_no_residence_000_2_2_1() {
    let a = answer(with(
        base("birth_service"),
        json!({"division": "420704001", "hukou": {"husband": "420111", "wife": "420704"}}),
    ));
    assert!(a.eligible);
    assert!(!codes(&a).contains(&"place_not_competent"));
}

#[test]
fn jilin_residence_place_after_one_month_002_art_3() {
    let v = with(
        base("birth_service"),
        json!({"division": "220102", "date": "2025-03-01", "hukou": {"husband": "220581", "wife": "220581"}}),
    );
    let a = answer(with(
        v.clone(),
        json!({"residence": {"division": "220102001", "since": "2025-02-01"}}),
    ));
    assert!(a.eligible);
    assert_eq!(reason(&a, "residence_place").source, "002 第三条");
    let a = answer(with(
        v,
        json!({"residence": {"division": "220102001", "since": "2025-02-02"}}),
    ));
    // A day short: accepted and forwarded to the hukou county, which issues the card.
    assert!(a.eligible);
    assert!(codes(&a).contains(&"accepted_and_forwarded"));
    assert_eq!(a.deciding_division.to_string(), "220581");
}

#[test]
fn chongqing_accepts_at_any_window_and_the_hukou_place_decides_004_1() {
    // 就近受理申请、审批权属不变: accepted in 万州 (500101), decided by 江津 (wife's hukou).
    let kids = json!([child("2012-05-01", "joint"), disabled("2016-05-01")]);
    let a = answer(with(
        base("rebirth"),
        json!({"division": "500101", "children": kids.clone(), "hukou": {"husband": "420704", "wife": "500116001"}}),
    ));
    assert!(a.eligible);
    assert_eq!(a.deciding_division.to_string(), "500116");
    // Floating population: the residence decides (004 四(三)).
    let a = answer(with(
        base("rebirth"),
        json!({"division": "500101", "children": kids, "hukou": {"husband": "420704", "wife": "420704"}, "residence": {"division": "500116001", "since": "2020-01-01"}}),
    ));
    assert!(a.eligible);
    assert_eq!(a.deciding_division.to_string(), "500116");
}

#[test]
fn instant_items_are_decided_by_the_accepting_office() {
    let a = answer(with(
        base("birth_service"),
        json!({"division": "500116001005"}),
    ));
    assert_eq!(a.deciding_division.to_string(), "500116001005");
    assert_eq!(a.time_limit, TimeLimit::ON_THE_SPOT);
}

// ---- SPEC §3: commitment, dishonesty, window-issued proof ----------------------------------

#[test]
fn dishonest_persons_cannot_commit_online_004_3_2() {
    let kids = json!([child("2012-05-01", "joint"), disabled("2016-05-01")]);
    let hb = with(
        base("rebirth"),
        json!({"division": "420704", "children": kids}),
    );
    let honest = answer(hb.clone());
    assert!(material_codes(&honest).contains(&M::CommitmentLetter));
    let dishonest = answer(with(hb, json!({"dishonest": true})));
    assert!(dishonest.eligible, "on-site verification, not refusal");
    assert!(!material_codes(&dishonest).contains(&M::CommitmentLetter));
    assert_eq!(
        reason(&dishonest, "dishonest_on_site_only").source,
        "004 三(二), 四(三)"
    );
}

#[test]
fn the_window_issues_the_marital_status_proof_003_3_2() {
    // SPEC §8, Mr Zhao: hukou outside Chongqing, applying at his wife's community.
    let zhao = with(
        base("birth_service"),
        json!({"division": "500116001005", "hukou": {"husband": "420704", "wife": "500116001"}}),
    );
    let a = answer(zhao);
    assert!(a.eligible);
    assert_eq!(
        material_codes(&a),
        vec![
            M::IdCards,
            M::HukouBook,
            M::MarriageCert,
            M::MaritalStatusProof
        ]
    );
    let proof = &a.materials[3];
    assert_eq!(proof.provided_by, ProvidedBy::Window);
    assert!(proof.source.starts_with("003 三(二)"));
    assert!(
        a.materials[..3]
            .iter()
            .all(|m| m.provided_by == ProvidedBy::Applicant)
    );
}

#[test]
fn out_of_city_proof_applicants_commit_in_writing_003_3_2() {
    let v = with(
        base("marital_status_proof"),
        json!({"hukou": {"husband": "420704", "wife": "420704"}}),
    );
    let a = answer(v.clone());
    assert!(a.eligible);
    assert!(material_codes(&a).contains(&M::CommitmentLetter));
    assert_eq!(reason(&a, "window_issues_proof").source, "003 三(二)");
    let local = answer(with(v, json!({"hukou": {"wife": "500116"}})));
    assert!(!material_codes(&local).contains(&M::CommitmentLetter));
}

#[test]
fn remarried_lists_add_divorce_papers_and_joint_children_proof_003_guide() {
    let kids = json!([
        child("2010-01-01", "wife"),
        child("2012-01-01", "husband"),
        disabled("2018-01-01")
    ]);
    let a = answer(with(
        base("rebirth"),
        json!({"marriage": "remarried", "children": kids}),
    ));
    assert!(a.eligible, "{:?}", codes(&a));
    let mats = material_codes(&a);
    for m in [
        M::DivorceCert,
        M::DivorceSettlement,
        M::JointChildrenProof,
        M::PhotoWomanX2,
        M::DisabilityAppraisal,
    ] {
        assert!(mats.contains(&m), "{m:?}");
    }
}

#[test]
fn a_delegated_application_needs_the_delegation_002_art_7() {
    let a = answer(with(
        base("birth_service"),
        json!({"division": "220102", "delegated": true}),
    ));
    let d = a
        .materials
        .iter()
        .find(|m| m.code == M::Delegation)
        .unwrap();
    assert!(d.source.starts_with("002 第七条"));
    let a = answer(with(base("birth_service"), json!({"division": "220102"})));
    assert!(!material_codes(&a).contains(&M::Delegation));
}

// ---- SPEC §5: processing and time limits ----------------------------------------------------

#[test]
fn rebirth_limits_per_province() {
    let kids = json!([child("2012-05-01", "joint"), disabled("2016-05-01")]);
    let hb = answer(with(
        base("rebirth"),
        json!({"division": "420704", "children": kids.clone()}),
    ));
    assert_eq!(hb.time_limit, TimeLimit::days(30));
    assert_eq!(reason(&hb, "time_limit").source, rules::HUBEI_LIMIT_SOURCE);
    assert!(rules::HUBEI_LIMIT_SOURCE.starts_with("000 二(二)5"));
    let cq = answer(with(base("rebirth"), json!({"children": kids.clone()})));
    assert_eq!(cq.time_limit, TimeLimit::working_days(20));
    assert_eq!(
        reason(&cq, "time_limit").source,
        "003 附件2 再生育服务证指南 三"
    );
    let jl = answer(with(
        base("rebirth"),
        json!({"division": "220102", "children": kids.clone(), "hukou": {"husband": "220102", "wife": "220581"}}),
    ));
    assert_eq!(
        jl.time_limit,
        TimeLimit::working_days(10),
        "verifiable in Jilin"
    );
    let jl_cross = answer(with(
        base("rebirth"),
        json!({"division": "220102", "children": kids, "hukou": {"husband": "220102", "wife": "420704"}}),
    ));
    assert_eq!(
        jl_cross.time_limit,
        TimeLimit::working_days(20),
        "needs another province"
    );
    assert_eq!(jl_cross.deciding_division.to_string(), "220102");
}

#[test]
fn chongqing_honour_certificate_became_instant_in_2021() {
    let one = json!([child("2014-01-01", "joint")]);
    let before = answer(with(
        base("only_child_honor"),
        json!({"date": "2020-06-01", "children": one.clone()}),
    ));
    assert_eq!(before.processing, Processing::Promise);
    assert!(
        reason(&before, "time_limit")
            .source
            .starts_with("004 三(三)")
    );
    let after = answer(with(base("only_child_honor"), json!({"children": one})));
    assert_eq!(after.processing, Processing::Instant);
    assert_eq!(
        reason(&after, "instant").source,
        "003 附件2 独生子女证指南 二"
    );
}

// ---- Rules as data: coverage ------------------------------------------------------------------

#[test]
fn a_province_without_rules_is_an_error_not_a_guess() {
    let err = check(&req(with(
        base("birth_service"),
        json!({"division": "110101"}),
    )))
    .unwrap_err();
    assert_eq!(err.code(), "unsupported_province");
}

#[test]
fn a_date_before_the_rules_is_an_error_001_1_1_and_004() {
    let err = check(&req(with(
        base("birth_service"),
        json!({"division": "420704", "date": "2015-12-31"}),
    )))
    .unwrap_err();
    assert_eq!(
        err,
        PolicyError::BeforeRules {
            date: Date::parse("2015-12-31").unwrap(),
            from: rules::TWO_CHILD_FROM,
            article: "001 一(一)",
        }
    );
    // Chongqing's rules are 004's procedure, from 2019-12-31 (issue 17 point 4).
    let err = check(&req(with(
        base("birth_service"),
        json!({"date": "2019-12-30"}),
    )))
    .unwrap_err();
    assert!(matches!(err, PolicyError::BeforeRules { article, .. } if article.starts_with("004")));
    assert!(
        check(&req(with(
            base("birth_service"),
            json!({"date": "2019-12-31"})
        )))
        .is_ok()
    );
    // Jilin's card rules start with the 2016-05-03 notice.
    assert!(
        check(&req(with(
            base("birth_service"),
            json!({"division": "220102", "date": "2016-05-02"})
        )))
        .is_err()
    );
}

#[test]
fn every_answer_has_sourced_reasons_and_materials_iff_eligible() {
    let services = [
        "birth_service",
        "rebirth",
        "only_child_honor",
        "marital_status_proof",
    ];
    let marriages = ["first", "remarried", "remarried_former_spouse", "unmarried"];
    let kid_sets = [
        json!([]),
        json!([child("2014-01-01", "joint")]),
        json!([child("2014-01-01", "husband"), child("2019-01-01", "joint")]),
        json!([child("2014-01-01", "joint"), disabled("2019-01-01")]),
        json!([
            child("2010-01-01", "wife"),
            child("2012-01-01", "husband"),
            child("2019-01-01", "joint")
        ]),
    ];
    let mut checked = 0;
    for division in ["420704", "220102", "500116001005"] {
        for s in services {
            for m in marriages {
                for kids in &kid_sets {
                    for flags in [
                        json!({}),
                        json!({"dishonest": true, "honor_certificate": true, "delegated": true}),
                    ] {
                        let v = with(
                            with(
                                base(s),
                                json!({"division": division, "marriage": m, "children": kids}),
                            ),
                            flags,
                        );
                        let a = answer(v);
                        assert!(!a.reasons.is_empty());
                        assert!(a.reasons.iter().all(|r| !r.source.is_empty()
                            && !r.text.is_empty()
                            && !r.text_en.is_empty()));
                        assert_eq!(a.eligible, !a.materials.is_empty(), "{s} {m} {kids}");
                        assert!(a.materials.iter().all(|m| !m.source.is_empty()));
                        if a.eligible {
                            assert!(a.reasons.iter().any(|r| r.effect == Effect::Allows));
                        } else {
                            assert!(a.reasons.iter().any(|r| r.effect == Effect::Denies));
                        }
                        checked += 1;
                    }
                }
            }
        }
    }
    assert_eq!(checked, 3 * 4 * 4 * 5 * 2);
}

#[test]
fn the_answer_serialises_in_the_spec_section_9_shape() {
    let a = answer(with(
        base("rebirth"),
        json!({"children": [child("2012-05-01", "joint"), child("2014-05-01", "joint")]}),
    ));
    let v = serde_json::to_value(&a).unwrap();
    assert_eq!(v["eligible"], false);
    assert_eq!(v["service"], "rebirth");
    assert_eq!(v["processing"], "promise");
    assert_eq!(v["reasons"][0]["code"], "two_children_limit");
    assert_eq!(v["reasons"][0]["source"], rules::LAW_2015);
    assert_eq!(v["deciding_division"], "500116");
    assert_eq!(
        v["time_limit"],
        json!({"unit": "working_days", "value": 20})
    );
    assert_eq!(v["materials"], json!([]));
}

// ---- GET /api/deadline -------------------------------------------------------------------------

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

#[test]
fn chongqing_rebirth_deadline_is_20_working_days() {
    let division = DivisionCode::parse("500116").unwrap();
    let a = deadline(
        division,
        Service::Rebirth,
        d("2024-09-27"),
        false,
        Calendar::builtin(),
    )
    .unwrap()
    .unwrap();
    assert_eq!(a.steps.len(), 1);
    assert_eq!(a.steps[0].value, 20);
    assert_eq!(a.due, d("2024-10-30"));
}

#[test]
fn hubei_rebirth_has_township_and_county_steps_capped_at_30_days_000_2_2_5() {
    let division = DivisionCode::parse("420704").unwrap();
    let a = deadline(
        division,
        Service::Rebirth,
        d("2024-09-27"),
        false,
        Calendar::builtin(),
    )
    .unwrap()
    .unwrap();
    let steps: Vec<_> = a
        .steps
        .iter()
        .map(|s| (s.step.as_str(), s.due.to_string()))
        .collect();
    // Township: 09-27 + 10 = 10-07 (国庆) → 10-08. County: 10-08 + 20 = 10-28, within the
    // 30-day whole (10-27 is a Sunday → 10-28).
    assert_eq!(
        steps,
        vec![
            ("township_opinion", "2024-10-08".into()),
            ("county_decision", "2024-10-28".into())
        ]
    );
    assert_eq!(a.due, d("2024-10-28"));
    assert!(
        a.steps
            .iter()
            .all(|s| s.source == rules::HUBEI_LIMIT_SOURCE)
    );
}

#[test]
fn instant_items_are_due_the_same_day_and_later_years_are_provisional() {
    let division = DivisionCode::parse("500116001005").unwrap();
    let a = deadline(
        division,
        Service::BirthService,
        d("2024-09-27"),
        false,
        Calendar::builtin(),
    )
    .unwrap()
    .unwrap();
    assert_eq!(a.due, d("2024-09-27"));
    let late = deadline(
        DivisionCode::parse("500116").unwrap(),
        Service::Rebirth,
        d("2026-12-20"),
        false,
        Calendar::builtin(),
    )
    .unwrap()
    .unwrap();
    assert!(late.provisional, "2027's notice is not built in");
    assert!(late.steps.iter().all(|s| s.provisional));
    // On the spot is never provisional, whatever the year.
    let instant = deadline(
        division,
        Service::BirthService,
        d("2031-03-03"),
        false,
        Calendar::builtin(),
    )
    .unwrap()
    .unwrap();
    assert_eq!(instant.due, d("2031-03-03"));
    assert!(!instant.provisional);
    // Hubei's day limits in 2027: the township's ten days from Monday 2027-09-27 end on
    // 10-07, inside the statutory 国庆 (10-01..03) plus nothing — a Thursday, a working day
    // when no notice is loaded; the county's 20 days and the 30-day cap follow.
    let hubei = deadline(
        DivisionCode::parse("420704").unwrap(),
        Service::Rebirth,
        d("2027-09-27"),
        false,
        Calendar::builtin(),
    )
    .unwrap()
    .unwrap();
    assert!(hubei.steps.iter().all(|s| s.provisional));
    assert_eq!(hubei.steps[0].due, d("2027-10-07"));
}

// ---- Issue 16: the law after the seeds, applied by the application's date -----------------

/// The same situation on another day.
fn on(mut v: Value, date: &str) -> Value {
    v["date"] = json!(date);
    v
}

#[test]
fn a_third_child_is_registered_from_the_2021_amendment_on_and_refused_before_it() {
    let two = json!([child("2018-01-01", "joint"), child("2020-01-01", "joint")]);
    let situation = with(base("birth_service"), json!({"children": two}));

    let after = answer(on(situation.clone(), "2026-03-02"));
    assert!(after.eligible);
    let allowed = reason(&after, "third_child");
    assert!(
        allowed.source.starts_with(rules::LAW_2021),
        "{}",
        allowed.source
    );
    assert!(
        allowed.source.contains("未核实"),
        "the provincial text is marked unverified"
    );
    assert_eq!(
        after.processing,
        Processing::Instant,
        "a registration, not an approval"
    );
    assert!(reason(&after, "law_in_force").text.contains("三个子女"));

    let before = answer(on(situation.clone(), "2021-03-01"));
    assert!(!before.eligible);
    assert_eq!(
        reason(&before, "two_children_limit").source,
        rules::LAW_2015
    );
    assert!(reason(&before, "law_in_force").text.contains("两个子女"));

    // The day the amendment took effect is under it.
    assert!(answer(on(situation.clone(), "2021-08-20")).eligible);
    assert!(!answer(on(situation, "2021-08-19")).eligible);
}

#[test]
fn hubei_keeps_its_own_notice_for_the_two_child_era_and_the_national_law_after() {
    let two = json!([child("2018-01-01", "joint"), child("2020-01-01", "joint")]);
    let hubei = with(
        base("birth_service"),
        json!({"division": "420704", "children": two, "hukou": {"husband": "420704", "wife": "420704"}}),
    );
    let old = answer(on(hubei.clone(), "2021-03-01"));
    assert!(
        reason(&old, "two_children_limit")
            .source
            .contains("001 一(一)")
    );
    let new = answer(on(hubei, "2026-03-02"));
    assert!(
        reason(&new, "third_child")
            .source
            .contains("湖北省人口与计划生育条例修正文本未核实")
    );
}

#[test]
fn four_children_are_beyond_the_three_child_quota() {
    let three = json!([
        child("2016-01-01", "joint"),
        child("2018-01-01", "joint"),
        child("2020-01-01", "joint")
    ]);
    let a = answer(on(
        with(base("birth_service"), json!({"children": three})),
        "2026-03-02",
    ));
    assert!(!a.eligible);
    assert!(reason(&a, "three_children_limit").text.contains("不是三胎"));
}

#[test]
fn after_2021_a_special_circumstance_allows_rebirth_beyond_the_quota() {
    // Two children, one appraised 病残儿: within the three-child quota, yet the special
    // circumstance is counted beyond it (issue 16), so the re-birth application stands.
    let kids = json!([child("2012-05-01", "joint"), disabled("2016-05-01")]);
    let a = answer(on(
        with(base("rebirth"), json!({"children": kids})),
        "2026-03-02",
    ));
    assert!(a.eligible);
    assert!(codes(&a).contains(&"disabled_child"));
    assert!(
        reason(&a, "special_beyond_quota")
            .source
            .starts_with(rules::LAW_2021)
    );
    // Two healthy children: the third needs no approval — a registration.
    let healthy = json!([child("2012-05-01", "joint"), child("2016-05-01", "joint")]);
    let a = answer(on(
        with(base("rebirth"), json!({"children": healthy})),
        "2026-03-02",
    ));
    assert!(!a.eligible);
    assert!(
        reason(&a, "within_quota_no_approval")
            .source
            .starts_with(rules::LAW_2021)
    );
    // Before 2021, one child and a 病残儿 were still within the two-child quota.
    let one = json!([disabled("2016-05-01")]);
    let a = answer(on(
        with(base("rebirth"), json!({"children": one})),
        "2021-03-01",
    ));
    assert!(!a.eligible);
    assert_eq!(reason(&a, "within_quota_no_approval").source, "001 二(一)");
}

#[test]
fn remarried_couples_get_one_more_under_the_2021_law() {
    // One child before and two together: a third together from 2021-08-20, not before.
    let kids = json!([
        child("2010-01-01", "husband"),
        child("2018-01-01", "joint"),
        child("2020-01-01", "joint")
    ]);
    let s = with(
        base("birth_service"),
        json!({"marriage": "remarried", "children": kids}),
    );
    assert!(!answer(on(s.clone(), "2021-03-01")).eligible);
    let a = answer(on(s, "2026-03-02"));
    assert!(a.eligible);
    assert!(
        reason(&a, "remarried_quota")
            .source
            .contains("省条例未核实")
    );
    // Two before: two together at most.
    let kids = json!([
        child("2008-01-01", "husband"),
        child("2010-01-01", "wife"),
        child("2018-01-01", "joint"),
        child("2020-01-01", "joint")
    ]);
    let s = with(
        base("birth_service"),
        json!({"marriage": "remarried", "children": kids}),
    );
    assert!(!answer(on(s, "2026-03-02")).eligible);
}

#[test]
fn a_birth_service_application_by_an_honour_holder_cancels_it_too_001_4_1() {
    // A second child within the quota needs only the 生育服务证 since 2016: the same further
    // birth 001 一(四)1 speaks of.
    let a = answer(with(
        base("birth_service"),
        json!({"children": [child("2012-05-01", "joint")], "honor_certificate": true}),
    ));
    assert!(a.eligible, "{:?}", a.reasons);
    let r = reason(&a, "honor_certificate_cancelled");
    assert_eq!((r.source.as_str(), r.effect), ("001 一(四)1", Effect::Note));
    assert!(r.text.contains(SEED_ERA));
    // Never told on the honour certificate's own application or on a proof.
    for service in ["only_child_honor", "marital_status_proof"] {
        let other = answer(with(
            base(service),
            json!({"children": [child("2012-05-01", "joint")], "honor_certificate": true}),
        ));
        assert!(
            !codes(&other).contains(&"honor_certificate_cancelled"),
            "{service}"
        );
    }
}

// ---- 湖北 000 二(二)1: the place rule as written (issue 17 point 9) -----------------------

#[test]
fn hubei_matches_the_place_at_the_township_the_text_names_000_2_2_1() {
    let kids = json!([child("2012-05-01", "joint"), disabled("2016-05-01")]);
    let at = |office: &str, husband: &str| {
        answer(with(
            base("rebirth"),
            json!({"division": office, "children": kids.clone(),
                   "hukou": {"husband": husband, "wife": "500116"}}),
        ))
    };
    let matched =
        |a: &EligibilityAnswer| a.eligible && !codes(a).contains(&"accepted_and_forwarded");
    // Another township of the same county is not the hukou place's township: accepted and
    // forwarded (000 二(二)3), decided by the county as ever.
    let other_township = at("420704001", "420704002");
    assert!(!matched(&other_township));
    assert!(other_township.eligible);
    assert_eq!(other_township.deciding_division.to_string(), "420704");
    // The husband's own township, or a county code that contains the office, match.
    assert!(matched(&at("420704001", "420704001")));
    assert!(matched(&at("420704001005", "420704001")));
    assert!(matched(&at("420704001", "420704")));
    // A county-level office matches any of its townships.
    assert!(matched(&at("420704", "420704002")));
}

#[test]
fn hubeis_place_rule_is_for_second_child_and_rebirth_certificates_only_000_2_2() {
    // A first child's 生育服务证 for a couple whose hukou are both in Chongqing, asked in 鄂城区:
    // 000 二(二) is not written for it, so the place is not a reason to refuse.
    let first = answer(with(
        base("birth_service"),
        json!({"division": "420704001", "hukou": {"husband": "500116", "wife": "500116"}}),
    ));
    assert!(
        !codes(&first).contains(&"place_not_competent"),
        "{:?}",
        first.reasons
    );
    // A second child's is: accepted here and forwarded to the hukou place (000 二(二)3).
    let second = answer(with(
        base("birth_service"),
        json!({"division": "420704001", "children": [child("2012-05-01", "joint")],
               "hukou": {"husband": "500116", "wife": "500116"}}),
    ));
    assert!(codes(&second).contains(&"accepted_and_forwarded"));
    assert_eq!(second.deciding_division.to_string(), "500116");
}

// ---- Sources that say what they are cited for (issue 17 point 10) ------------------------

#[test]
fn lists_the_texts_do_not_give_are_labelled_as_set_by_this_system_issue_17_point_10() {
    // Hubei's notices give no material list; Chongqing's 004 四(二) says nothing of delegation;
    // Jilin's texts list nothing for the 婚育情况证明 service.
    let hubei = answer(with(
        base("rebirth"),
        json!({"division": "420704", "children": [child("2012-05-01", "joint"), disabled("2016-05-01")]}),
    ));
    let cq_delegated = answer(with(base("birth_service"), json!({"delegated": true})));
    let jilin_proof = answer(with(
        base("marital_status_proof"),
        json!({"division": "220102"}),
    ));
    let labelled = |a: &EligibilityAnswer, code: M| {
        a.materials
            .iter()
            .find(|m| m.code == code)
            .map(|m| m.source.contains("本系统设定"))
    };
    assert_eq!(labelled(&hubei, M::IdCards), Some(true));
    assert_eq!(
        labelled(&hubei, M::DisabilityAppraisal),
        Some(false),
        "cited as the text says"
    );
    assert_eq!(labelled(&cq_delegated, M::Delegation), Some(true));
    assert_eq!(labelled(&jilin_proof, M::IdCards), Some(true));
}

#[test]
fn chongqing_village_windows_do_not_take_honour_or_rebirth_004_4_2() {
    let day = Date::parse("2024-09-27").unwrap();
    let village = DivisionCode::parse("500116001005").unwrap();
    let township = DivisionCode::parse("500116001").unwrap();
    assert_eq!(
        village_window_may_take(village, Service::Rebirth, day),
        Err("004 四(二)")
    );
    assert!(village_window_may_take(village, Service::OnlyChildHonor, day).is_err());
    assert!(village_window_may_take(village, Service::BirthService, day).is_ok());
    assert!(village_window_may_take(township, Service::Rebirth, day).is_ok());
    // Jilin's villages take every service in (002 第三条).
    let jl = DivisionCode::parse("220104001001").unwrap();
    assert!(village_window_may_take(jl, Service::Rebirth, day).is_ok());
}
