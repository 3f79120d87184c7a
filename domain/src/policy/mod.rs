//! Eligibility (SPEC §2, §4): one pure function from the applicant's situation to an answer
//! that says yes or no, every reason with the article it rests on, the processing kind, the
//! deciding office, the legal time limit and the complete material list.
//!
//! Reasons are collected, not short-circuited: an applicant who fails two rules is told both.

mod deadline;
mod place;
mod quota;
pub mod rules;

pub use deadline::{deadline, deadline_of, processing_of};
use deadline::{processing, processing_reason};
pub use place::village_window_may_take;
use place::{Place, check_place, declared_place, forwarded_decider, reviewing_division};
pub use quota::quota;
use quota::{counts, law_in_force, number_zh, remaining, within_quota};

use crate::calendar::TimeLimit;
use crate::contract::{
    Disability, Effect, EligibilityAnswer, EligibilityRequest, Marriage, MaterialItem, Processing,
    Reason,
};
use crate::date::Date;
use crate::division::{DivisionCode, Level};
use crate::materials::MaterialCode;
use crate::service::Service;
use rules::{HONOR_LAST_BIRTH, RebirthDecider, RuleSet, When, in_force};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("本系统尚未收录{province}的生育政策 / no rules are recorded for province {province}")]
    UnsupportedProvince { province: DivisionCode },
    #[error(
        "{date} 早于本省规则生效日 {from}（{article}）/ {date} is before the rules in force from {from}"
    )]
    BeforeRules {
        date: Date,
        from: Date,
        article: &'static str,
    },
}

impl PolicyError {
    pub fn code(&self) -> &'static str {
        match self {
            PolicyError::UnsupportedProvince { .. } => "unsupported_province",
            PolicyError::BeforeRules { .. } => "date_before_rules",
        }
    }
}

/// The rule set for an accepting office on a date.
pub fn rule_set(division: DivisionCode, date: Date) -> Result<&'static RuleSet, PolicyError> {
    let rules = rules::for_province(division.province_number()).ok_or(
        PolicyError::UnsupportedProvince {
            province: division.province(),
        },
    )?;
    if in_force(&[rules.in_force], date).is_none() {
        return Err(PolicyError::BeforeRules {
            date,
            from: rules.in_force.from,
            article: rules.in_force.rule.source,
        });
    }
    Ok(rules)
}

fn reason(code: &str, effect: Effect, source: &str, text: String, text_en: String) -> Reason {
    Reason {
        code: code.to_string(),
        text,
        source: source.to_string(),
        text_en,
        effect,
    }
}

/// Checks eligibility. `Err` only when no rule set can answer (unknown province, a date
/// before the rules); every other outcome is an answer with its reasons.
pub fn check(req: &EligibilityRequest) -> Result<EligibilityAnswer, PolicyError> {
    let rules = rule_set(req.division, req.date)?;
    let mut reasons = Vec::new();
    let place = check_place(req, rules, &mut reasons);
    if let Place::ForwardToProvince(competent) = place {
        // The competent office's province decides under its own rules, materials and limits
        // (issue 17 point 3); this office accepts, and says so first.
        let mut there = check(&at(req, competent))?;
        reasons.append(&mut there.reasons);
        there.reasons = reasons;
        return Ok(there);
    }
    honour_certificate_cancelled(req, &mut reasons);
    let service_ok = match req.service {
        Service::BirthService => check_birth_service(req, rules, &mut reasons),
        Service::Rebirth => check_rebirth(req, rules, &mut reasons),
        Service::OnlyChildHonor => check_honor(req, &mut reasons),
        Service::MaritalStatusProof => {
            reasons.push(reason(
                "window_issues_proof",
                Effect::Allows,
                "003 三(二)",
                "婚育情况证明由经办窗口通过人口家庭电子信息系统查验、打印出具，不需回户籍地开具".into(),
                "The window issues the proof from the population system; no trip to the hukou place".into(),
            ));
            true
        }
    };
    if req.dishonest {
        reasons.push(reason(
            "dishonest_on_site_only",
            Effect::Note,
            "004 三(二), 四(三)",
            "失信联合惩戒对象不能网上承诺办理，需到窗口现场审核证件资料".into(),
            "Persons on the dishonesty list cannot apply by commitment online: originals are checked at the window".into(),
        ));
    }
    let eligible = service_ok;
    let (processing, time_limit, limit_source) = match place {
        Place::ForwardOutOfSystem(_) => (Processing::Promise, FORWARD_LIMIT, FORWARD_SOURCE),
        _ => processing(req, rules),
    };
    if eligible {
        reasons.push(processing_reason(processing, time_limit, limit_source));
    }
    let materials = if eligible {
        materials(req, rules)
    } else {
        Vec::new()
    };
    Ok(EligibilityAnswer {
        eligible,
        service: req.service,
        processing,
        reasons,
        materials,
        deciding_division: match place {
            Place::Forward(competent) => forwarded_decider(req, competent, processing),
            Place::ForwardOutOfSystem(competent) | Place::ForwardToProvince(competent) => competent,
            Place::Competent => deciding_division(req, rules, processing),
        },
        time_limit,
        reviewing_division: match place {
            Place::ForwardOutOfSystem(_) => None,
            _ => reviewing_division(req, rules),
        },
    })
}

/// The request as the office at `division` would see it.
fn at(req: &EligibilityRequest, division: DivisionCode) -> EligibilityRequest {
    let mut there = req.clone();
    there.division = division;
    there
}

/// How a request's procedure is counted: where another served province's office decides
/// (`Place::ForwardToProvince`), as that office would count it; `None` for a file sent out
/// of the system (`Place::ForwardOutOfSystem`, one forwarding step); else as asked.
pub(crate) fn governing(
    req: &EligibilityRequest,
) -> Result<Option<EligibilityRequest>, PolicyError> {
    let rules = rule_set(req.division, req.date)?;
    Ok(match check_place(req, rules, &mut Vec::new()) {
        Place::ForwardToProvince(competent) => Some(at(req, competent)),
        Place::ForwardOutOfSystem(_) => None,
        Place::Competent | Place::Forward(_) => Some(req.clone()),
    })
}

/// Sending the file to an office outside the provinces served: 000 二(二)3 makes the first
/// office accept and gives no time to pass the file on; this system sets 5 working days so the
/// step is dated and turns red when late.
pub const FORWARD_LIMIT: TimeLimit = TimeLimit::working_days(5);
pub const FORWARD_SOURCE: &str = "000 二(二)3（未规定转送时限，本系统设定为5个工作日）";

fn check_birth_service(
    req: &EligibilityRequest,
    rules: &RuleSet,
    reasons: &mut Vec<Reason>,
) -> bool {
    if req.retroactive && req.children.is_empty() {
        reasons.push(reason(
            "retroactive_needs_child",
            Effect::Denies,
            "002 第四条",
            "补办生育服务卡需填写已出生的子女".into(),
            "A retroactive card needs the child already born in the list of children".into(),
        ));
        return false;
    }
    if req.marriage == Marriage::Unmarried {
        let Some(source) = rules.unmarried_birth_card else {
            reasons.push(reason(
                "marriage_required",
                Effect::Denies,
                rules.birth_service_instant,
                format!("{}生育服务证由夫妻双方申领，需提供结婚证", rules.name),
                "In this province the certificate is for married couples: a marriage certificate is needed".into(),
            ));
            return false;
        };
        return within_quota(req, rules, reasons, Some(source), None);
    }
    // 000 二(一)2 speaks of in-province couples: none is issued proactively to a couple
    // with a spouse's hukou in another province.
    let proactive = rules
        .first_child_proactive
        .filter(|_| !is_cross_province(req));
    within_quota(req, rules, reasons, None, proactive)
}

/// 001 一(四)1: a holder of the only-child honour certificate who applies for a further birth
/// has it cancelled from the day of application, whatever the outcome. The text says "申请再生育";
/// since 2016 a second child within the quota needs only the 生育服务证, which is the same further
/// birth, so the cancellation is told for both services (issue 17 point 8, this system's reading).
fn honour_certificate_cancelled(req: &EligibilityRequest, reasons: &mut Vec<Reason>) {
    if !req.honor_certificate || !matches!(req.service, Service::BirthService | Service::Rebirth) {
        return;
    }
    reasons.push(reason(
            "honor_certificate_cancelled",
            Effect::Note,
            "001 一(四)1",
            format!(
                "已领取《独生子女父母光荣证》的，申请再生育（含申领生育服务证）的，自申请之日（{}）起注销光荣证，停止享受奖励优惠待遇，已享受的不予追回",
                req.date
            ),
            format!(
                "The only-child honour certificate is cancelled from the application date ({}); rewards stop, rewards received are not recovered",
                req.date
            ),
        ));
}

// Long: the re-birth conditions in the order of the province's article, each reason citing it.
fn check_rebirth(req: &EligibilityRequest, rules: &RuleSet, reasons: &mut Vec<Reason>) -> bool {
    if req.marriage == Marriage::Unmarried {
        reasons.push(reason(
            "marriage_required",
            Effect::Denies,
            rules.rebirth_decider.source,
            "再生育由夫妻双方申请，需提供结婚证".into(),
            "Re-birth is applied for by a married couple".into(),
        ));
        return false;
    }
    let c = counts(&req.children);
    let q = quota(rules, req.date);
    let (left, source) = remaining(req.marriage, c, q);
    let special = rules::SPECIAL_CIRCUMSTANCES
        .iter()
        .find(|s| (s.applies)(req));
    // Before 2021 a special circumstance mattered only once the quota was used; after it, the
    // child it allows is counted beyond the three-child quota.
    if left > 0 && !(q.value.special_beyond_quota && special.is_some()) {
        let n = q.value.children;
        reasons.push(reason(
            "within_quota_no_approval",
            Effect::Denies,
            if n == 2 { "001 二(一)" } else { q.source },
            format!(
                "尚可生育子女（一对夫妻可以生育{}个子女），不实行审批，请申领生育服务证",
                number_zh(n)
            ),
            format!(
                "The couple may still have a child without approval (a couple may have {n}): apply for the birth service certificate"
            ),
        ));
        reasons.push(law_in_force(req, q));
        return false;
    }
    if let Some(special) = special {
        reasons.push(reason(
            special.code,
            Effect::Allows,
            special.source,
            special.text.into(),
            special.text_en.into(),
        ));
        if q.value.special_beyond_quota {
            reasons.push(reason(
                "special_beyond_quota",
                Effect::Note,
                q.source,
                format!(
                    "特殊情形再生育的子女，不计入一对夫妻可以生育的{}个子女",
                    number_zh(q.value.children)
                ),
                "A child allowed by a special circumstance is counted beyond the quota".into(),
            ));
        }
        reasons.push(law_in_force(req, q));
        return true;
    }
    if let (true, Some(src)) = (
        req.other_province_rebirth_card,
        rules.recognises_other_province_rebirth_card,
    ) {
        // 002 第七条 recognises the card of "一方户籍在外省(区、市)的夫妻" only.
        if !is_cross_province(req) {
            reasons.push(reason(
                "other_province_card_condition",
                Effect::Denies,
                src,
                "外省再生育服务卡仅对一方户籍在外省（区、市）的夫妻予以认可：请填写在外省的一方户籍地".into(),
                "Another province's re-birth card is recognised only for a couple with one spouse's hukou in that other province: give that spouse's hukou".into(),
            ));
            return false;
        }
        reasons.push(reason(
            "other_province_card_recognised",
            Effect::Allows,
            src,
            "一方户籍在外省、已在外省领取再生育服务卡的，本省予以认可：凭该卡和夫妻双方身份证当场认可登记，不需重新申请".into(),
            "A re-birth card issued by another province is recognised here: show it with both ID cards and it is registered on the spot, with no new application".into(),
        ));
        return true;
    }
    let (code, zh, en) = if req.marriage == Marriage::Remarried {
        (
            "remarried_quota_used",
            "再婚夫妻已生育政策允许的子女数，且不符合特殊情形再生育条件".to_string(),
            "The remarried couple's quota is used and no special circumstance applies".to_string(),
        )
    } else {
        (
            if q.value.children == 2 {
                "two_children_limit"
            } else {
                "three_children_limit"
            },
            format!(
                "夫妻已生育{}个子女，且不符合《条例》特殊情形再生育的规定",
                c.total
            ),
            format!(
                "The couple have {} children and no special circumstance applies",
                c.total
            ),
        )
    };
    reasons.push(reason(code, Effect::Denies, source, zh, en));
    reasons.push(law_in_force(req, q));
    false
}

fn check_honor(req: &EligibilityRequest, reasons: &mut Vec<Reason>) -> bool {
    let mut ok = true;
    if req.marriage == Marriage::Unmarried {
        reasons.push(reason(
            "marriage_required",
            Effect::Denies,
            "001 一(四)1",
            "独生子女父母光荣证由夫妻申领".into(),
            "The honour certificate is for a married couple".into(),
        ));
        ok = false;
    }
    if req.children.len() != 1 {
        reasons.push(reason(
            "not_one_child",
            Effect::Denies,
            "001 一(四)1",
            format!(
                "光荣证发给只生育一个子女的夫妻（已填写{}个子女）",
                req.children.len()
            ),
            format!(
                "Only for couples with exactly one child ({} given)",
                req.children.len()
            ),
        ));
        ok = false;
    }
    if req.children.iter().any(|ch| ch.born > HONOR_LAST_BIRTH) {
        reasons.push(reason(
            "born_from_2016",
            Effect::Denies,
            "001 一(四)1",
            "2016年1月1日以后生育的，不再办理《独生子女父母光荣证》".into(),
            "No honour certificate for a child born on or after 1 January 2016".into(),
        ));
        ok = false;
    }
    if ok {
        reasons.push(reason(
            "one_child_before_2016",
            Effect::Allows,
            "001 一(四)1",
            "2015年12月31日前已生育一个子女、自愿不再生育，可申请办理《独生子女父母光荣证》".into(),
            "One child born by 31 Dec 2015 and no more by choice: the certificate may be issued"
                .into(),
        ));
    }
    ok
}

/// 吉林 002 第七条: a couple with one spouse's hukou in another province who hold that
/// province's re-birth card are recognised (认可) — registered on the spot with the card and
/// their ID cards, not asked to apply anew with the full list (issue 17 point 8).
pub fn is_recognition(req: &EligibilityRequest) -> bool {
    req.service == Service::Rebirth
        && req.other_province_rebirth_card
        && is_cross_province(req)
        && rules::for_province(req.division.province_number())
            .is_some_and(|r| r.recognises_other_province_rebirth_card.is_some())
}

/// What a recognition asks for: the card and who holds it (002 第七条, 第八条: nothing more).
fn recognition_materials(req: &EligibilityRequest, source: &str) -> Vec<MaterialItem> {
    let mut items = vec![
        MaterialCode::OtherProvinceRebirthCard.item(source),
        MaterialCode::IdCards.item(source),
    ];
    if req.delegated {
        items.push(MaterialCode::Delegation.item("002 第七条（第二个）"));
    }
    items
}

/// A spouse's hukou is in another province: facts must be verified there (协查).
pub fn is_cross_province(req: &EligibilityRequest) -> bool {
    let province = req.division.province();
    req.hukou_places().any(|h| !province.contains(h))
}

/// The office that decides: the accepting office for instant items; for re-birth the
/// county the province's rule names; for a township-processed item the township.
fn deciding_division(
    req: &EligibilityRequest,
    rules: &RuleSet,
    processing: Processing,
) -> DivisionCode {
    let accepting = req.division;
    let accepting_county = accepting.county().unwrap_or(accepting);
    match (req.service, processing) {
        // A recognition (002 第七条) is registered where it is shown.
        (Service::Rebirth, Processing::Instant) => accepting,
        (Service::Rebirth, _) => {
            let province = accepting.province();
            let in_province_hukou = req
                .hukou_in_province()
                .next()
                .and_then(DivisionCode::county);
            match rules.rebirth_decider.value {
                RebirthDecider::AcceptingCounty => accepting_county,
                RebirthDecider::HukouCounty => in_province_hukou.unwrap_or(accepting_county),
                RebirthDecider::HukouThenResidenceCounty => in_province_hukou
                    .or_else(|| {
                        req.residence
                            .map(|r| r.division)
                            .filter(|d| province.contains(*d))
                            .and_then(DivisionCode::county)
                    })
                    .unwrap_or(accepting_county),
            }
        }
        // 004 四(三): 审批权属不变 — the 申报地 decides whatever window accepted it.
        (_, processing) if rules.declared_place_decides.is_some() => {
            let place = declared_place(req).unwrap_or(accepting);
            match processing {
                Processing::Instant => place,
                Processing::Promise => place.ancestor(Level::Township).unwrap_or(place),
            }
        }
        // 002 第三条: the village takes the card in, the township registers and issues it.
        (Service::BirthService, Processing::Instant)
            if rules.township_registers_birth_card.is_some() =>
        {
            accepting.ancestor(Level::Township).unwrap_or(accepting)
        }
        (_, Processing::Instant) => accepting,
        (_, Processing::Promise) => accepting.ancestor(Level::Township).unwrap_or(accepting),
    }
}

/// The complete material list for the situation, each item with its source.
pub fn materials(req: &EligibilityRequest, rules: &RuleSet) -> Vec<MaterialItem> {
    if let (true, Some(source)) = (
        is_recognition(req),
        rules.recognises_other_province_rebirth_card,
    ) {
        return recognition_materials(req, source);
    }
    let province = req.division.province();
    let hukou: Vec<DivisionCode> = req.hukou_places().collect();
    let holds = |w: &When| match w {
        When::Married => req.marriage != Marriage::Unmarried,
        When::Unmarried => req.marriage == Marriage::Unmarried,
        When::Remarried => req.marriage == Marriage::Remarried,
        When::Retroactive => req.retroactive,
        When::NotRetroactive => !req.retroactive,
        When::DisabledChild => req
            .children
            .iter()
            .any(|c| c.disability == Disability::NonHereditaryAppraised),
        When::Delegated => req.delegated,
        When::HukouOutsideProvince => {
            !hukou.is_empty() && !hukou.iter().any(|h| province.contains(*h))
        }
        When::MayCommit => !req.dishonest,
        When::StatusNotVerifiable => is_cross_province(req),
    };
    rules
        .materials
        .iter()
        .filter(|r| r.service == req.service && r.when.iter().all(holds))
        .map(|r| {
            let mut item = r.code.item(r.source);
            item.note = r.note.to_string();
            item.provided_by = r.by;
            item.form = r.form;
            item
        })
        .collect()
}

#[cfg(test)]
mod tests;
