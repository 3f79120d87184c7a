//! Where an application may be made and who decides it (SPEC §4; 000 二(二)1, 3; 002 第三条;
//! 004 一, 四(三)): the place rule, the first office that accepts and forwards, Chongqing's
//! 申报地 and Jilin's re-birth opinion township.

use super::rules::{PlaceRule, RuleSet};
use super::{is_recognition, reason, rule_set};
use crate::contract::{Effect, EligibilityRequest, Processing, Reason};
use crate::division::{DivisionCode, Level};
use crate::service::Service;

/// 重庆's 申报地 (004 四(三): "重庆户籍对象为户籍地、流动人口为居住地"): a spouse's hukou in the
/// province (the wife's first), else the residence in the province. `None` when it is the
/// accepting office itself or contains it (the window is at the 申报地), or is known only as a
/// county: the text names the 村居 or 乡镇 that pre-reviews, and a county names neither, so the
/// accepting window keeps the work (this system's reading).
pub(super) fn declared_place(req: &EligibilityRequest) -> Option<DivisionCode> {
    let province = req.division.province();
    let place = req.hukou_in_province().next().or_else(|| {
        req.residence
            .map(|r| r.division)
            .filter(|d| province.contains(*d))
    })?;
    (place.level() >= Level::Township && !place.contains(req.division)).then_some(place)
}

/// The office that pre-reviews and gives the opinion when the texts name one other than the
/// accepting office: 重庆's 申报地 (004 四(三)) for every service; 吉林's re-birth opinion at the
/// township of a spouse's hukou (002 第六条). Both are known when the hukou (or residence) is
/// given below the county.
pub(super) fn reviewing_division(
    req: &EligibilityRequest,
    rules: &RuleSet,
) -> Option<DivisionCode> {
    if rules.declared_place_decides.is_some() {
        return declared_place(req);
    }
    if rules.rebirth_opinion_at_hukou_township.is_some()
        && req.service == Service::Rebirth
        && !is_recognition(req)
    {
        let township = req
            .hukou_in_province()
            .find_map(|h| h.ancestor(Level::Township))?;
        return (!township.contains(req.division)).then_some(township);
    }
    None
}

/// Where the accepting office stands to the application (SPEC §4; issue 17 point 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    /// The office may decide it, or (Chongqing) any window accepts it.
    Competent,
    /// Accepted here; a spouse's hukou place in this province decides (000 二(二)3).
    Forward(DivisionCode),
    /// Accepted here; a spouse's hukou place in another province the system serves decides,
    /// under that province's rules, materials and limits.
    ForwardToProvince(DivisionCode),
    /// Accepted here; the competent office lies outside the provinces the system serves: the
    /// accepting office sends the file there (recorded on the case), with this province's list.
    ForwardOutOfSystem(DivisionCode),
}

/// Whether the accepting office may take the application and who decides it. An office that
/// may not decide it still accepts it (000 二(二)3 首办负责制, "首办责任单位……应当受理，不得以任何
/// 理由推诿拒绝"): it forwards to a spouse's hukou place — in this province, in another province
/// the system serves, or outside them.
// Long: where one may apply, case by case as the notices list them, each citing its article.
pub(super) fn check_place(
    req: &EligibilityRequest,
    rules: &RuleSet,
    reasons: &mut Vec<Reason>,
) -> Place {
    if req.service == Service::MaritalStatusProof {
        // 003 三(二): issued by the window wherever the applicant is; never from the hukou place.
        return Place::Competent;
    }
    let hukou: Vec<DivisionCode> = req.hukou_places().collect();
    let source = rules.place.source;
    let PlaceRule::Residence {
        months,
        needs_province_hukou,
        township_level,
        further_births_only,
    } = rules.place.value
    else {
        // 004 一: any window in the city accepts; the decision stays where it belongs.
        return Place::Competent;
    };
    if further_births_only && !is_further_birth(req) {
        return Place::Competent;
    }
    let same = |a: DivisionCode, b: DivisionCode| {
        if township_level {
            same_township(a, b)
        } else {
            same_county(a, b)
        }
    };
    // No hukou given: the couple applies at a hukou place (the default).
    if hukou.is_empty() || hukou.iter().any(|h| same(*h, req.division)) {
        return Place::Competent;
    }
    let province = req.division.province();
    let province_hukou = hukou.iter().any(|h| province.contains(*h));
    let lived = req.residence.filter(|r| same(r.division, req.division));
    let long_enough = lived
        .and_then(|r| r.since.add_months(months))
        .is_some_and(|enough| enough <= req.date);
    if long_enough && (province_hukou || !needs_province_hukou) {
        reasons.push(reason(
            "residence_place",
            Effect::Allows,
            source,
            format!("可向现居住地（居住{}以上）申请", months_zh(months)),
            format!("May apply at the place of residence after {months} month(s) there"),
        ));
        return Place::Competent;
    }
    let why = if needs_province_hukou && !province_hukou {
        format!(
            "在现居住地申请须居住{}以上且夫妻一方户籍在本省",
            months_zh(months)
        )
    } else {
        format!("在现居住地申请须居住{}以上", months_zh(months))
    };
    // The same province's rules decide there: accepted here, forwarded there.
    if let Some(competent) = hukou.iter().copied().find(|h| province.contains(*h)) {
        reasons.push(reason(
            "accepted_and_forwarded",
            Effect::Allows,
            FIRST_OFFICE_SOURCE,
            format!(
                "本单位为首接单位（{why}），受理申请并转送夫妻一方户籍地（{competent}）有权办理的单位审批，申请人无需另行申请"
            ),
            format!(
                "This office accepts the application as the first office and forwards it to the competent office at the spouse's hukou place ({competent}); nothing more to do"
            ),
        ));
        return Place::Forward(competent);
    }
    // Every hukou is in another province: its office decides.
    let competent = hukou[0];
    let served = rule_set(competent, req.date).is_ok();
    reasons.push(reason(
        "accepted_and_forwarded",
        Effect::Allows,
        FIRST_OFFICE_SOURCE,
        if served {
            format!(
                "本单位为首接单位（{why}），受理申请并转送夫妻一方户籍地（{competent}）有权办理的单位，按该省规定审批，申请人无需另行申请"
            )
        } else {
            format!(
                "本单位为首接单位（{why}），受理申请，按本省清单收齐材料后将申请转送夫妻一方户籍地（{competent}）有权办理的单位审批，转送情况记入案件，申请人无需另行申请"
            )
        },
        if served {
            format!(
                "This office accepts the application as the first office and forwards it to the competent office at the spouse's hukou place ({competent}), which decides under its province's rules; nothing more to do"
            )
        } else {
            format!(
                "This office accepts the application as the first office, takes the materials on this province's list and sends the file to the competent office at the spouse's hukou place ({competent}), outside this system; the forwarding is recorded on the case"
            )
        },
    ));
    if served {
        Place::ForwardToProvince(competent)
    } else {
        Place::ForwardOutOfSystem(competent)
    }
}

fn months_zh(months: i32) -> String {
    if months == 6 {
        "半年".into()
    } else {
        format!("{months}个月")
    }
}

/// 首办负责制 (湖北 000 二(二)3); Jilin's texts have no such article and follow it by reference.
const FIRST_OFFICE_SOURCE: &str = "000 二(二)3（首办负责制；吉林参照）";

/// Who decides an application accepted here and forwarded to `competent` (a spouse's hukou
/// place in the province): its county for re-birth, its township for a township-processed item,
/// the place itself for an instant one.
pub(super) fn forwarded_decider(
    req: &EligibilityRequest,
    competent: DivisionCode,
    processing: Processing,
) -> DivisionCode {
    match (req.service, processing) {
        (Service::Rebirth, _) => competent.county().unwrap_or(competent),
        (_, Processing::Instant) => competent,
        (_, Processing::Promise) => competent.ancestor(Level::Township).unwrap_or(competent),
    }
}

/// What Hubei's 000 二(二) is written for: a second (or later) child's 《生育证》 or re-birth.
pub(super) fn is_further_birth(req: &EligibilityRequest) -> bool {
    req.service == Service::Rebirth
        || (req.service == Service::BirthService && !req.children.is_empty())
}

/// The same 乡镇 where both name one; otherwise one contains the other (a county-level hukou
/// matches every office within the county; an office at county level matches its townships).
fn same_township(a: DivisionCode, b: DivisionCode) -> bool {
    match (a.ancestor(Level::Township), b.ancestor(Level::Township)) {
        (Some(x), Some(y)) => x == y,
        _ => a.contains(b) || b.contains(a),
    }
}

/// Two divisions are the same place at county level (or one contains the other above it).
fn same_county(a: DivisionCode, b: DivisionCode) -> bool {
    match (a.county(), b.county()) {
        (Some(x), Some(y)) => x == y,
        _ => a.contains(b) || b.contains(a),
    }
}

/// Whether a village window may take the service in for an applicant (the applicant online
/// always may): `Err(source)` where the province sends it to a township window (004 四(二)).
pub fn village_window_may_take(
    division: DivisionCode,
    service: Service,
    date: crate::date::Date,
) -> Result<(), &'static str> {
    let Ok(rules) = rule_set(division, date) else {
        return Ok(());
    };
    match rules.township_window_only {
        Some(only) if division.level() == Level::Village && only.value.contains(&service) => {
            Err(only.source)
        }
        _ => Ok(()),
    }
}
