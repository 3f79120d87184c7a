//! The child quota of the national law as the province applies it on the application's date
//! (人口与计划生育法 第十八条: two children from 2016, three from 2021-08-20; 001 一(一) for
//! remarried couples), and the registration of a child within it (001 二(一)).

use super::reason;
use super::rules::{self, Cited, Quota, RuleSet, in_force};
use crate::contract::{ChildOf, Effect, EligibilityRequest, Marriage, Reason};
use crate::date::Date;

/// Children counted the way 001 一(一) counts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Counts {
    pub(super) total: usize,
    pub(super) joint: usize,
    /// Born to either spouse before this marriage.
    pub(super) before: usize,
}

pub(super) fn counts(children: &[crate::contract::Child]) -> Counts {
    let joint = children.iter().filter(|c| c.of == ChildOf::Joint).count();
    Counts {
        total: children.len(),
        joint,
        before: children.len() - joint,
    }
}

/// The quota in force on `date` (rule sets never start before the first period).
pub fn quota(rules: &RuleSet, date: Date) -> Cited<Quota> {
    in_force(rules.quota, date)
        .or_else(|| rules.quota.first().map(|p| p.rule))
        .unwrap_or(rules::cite(
            Quota {
                children: 2,
                remarried_source: "001 一(一)",
                special_beyond_quota: false,
            },
            "001 一(一)",
        ))
}

/// How many children a remarried couple may have together (001 一(一): with at most one child
/// born before the remarriage, the full quota; with more, one fewer).
fn remarried_allowance(quota: Quota, c: Counts) -> usize {
    if c.before <= 1 {
        quota.children
    } else {
        quota.children.saturating_sub(1)
    }
}

/// How many more children the couple may have without approval, and the article that says so.
pub(super) fn remaining(
    marriage: Marriage,
    c: Counts,
    quota: Cited<Quota>,
) -> (usize, &'static str) {
    match marriage {
        Marriage::Remarried => (
            remarried_allowance(quota.value, c).saturating_sub(c.joint),
            quota.value.remarried_source,
        ),
        // 首婚, 复婚 (outside the remarried quotas) and unmarried parents: the quota.
        _ => (quota.value.children.saturating_sub(c.total), quota.source),
    }
}

pub(super) fn number_zh(n: usize) -> &'static str {
    match n {
        2 => "两",
        3 => "三",
        _ => "若干",
    }
}

/// The note naming the law version the answer applied (issue 16: "the answer's reasons cite
/// the version used").
pub(super) fn law_in_force(req: &EligibilityRequest, quota: Cited<Quota>) -> Reason {
    let n = quota.value.children;
    reason(
        "law_in_force",
        Effect::Note,
        quota.source,
        format!(
            "按申请日（{}）施行的规定：一对夫妻可以生育{}个子女",
            req.date,
            number_zh(n)
        ),
        format!(
            "By the rules in force on the application date ({}): a couple may have {n} children",
            req.date
        ),
    )
}

/// The children the request is about: for a retroactive card, those before the last one.
fn prior_children(req: &EligibilityRequest) -> &[crate::contract::Child] {
    if req.retroactive && !req.children.is_empty() {
        &req.children[..req.children.len() - 1]
    } else {
        &req.children
    }
}

/// The couple may have the child this registration is for without approval (001 二(一); from
/// 2021-08-20 the third child too, 人口与计划生育法 第十八条).
// Long: the quota rules walked in the order of the regulations' articles, each branch citing its own.
pub(super) fn within_quota(
    req: &EligibilityRequest,
    rules: &RuleSet,
    reasons: &mut Vec<Reason>,
    unmarried_source: Option<&str>,
    first_child_note: Option<Cited<&'static str>>,
) -> bool {
    let c = counts(prior_children(req));
    let q = quota(rules, req.date);
    let (left, source) = remaining(req.marriage, c, q);
    let n = q.value.children;
    if left == 0 {
        let (code, zh, en) = if req.marriage == Marriage::Remarried {
            (
                "remarried_quota_used",
                format!(
                    "再婚前夫妻合计生育{}个子女，再婚后已生育{}个，已无可生育子女数",
                    c.before, c.joint
                ),
                "The remarried couple have had every child their quota allows".to_string(),
            )
        } else {
            (
                if n == 2 {
                    "two_children_limit"
                } else {
                    "three_children_limit"
                },
                format!(
                    "夫妻已生育{}个子女（{}孩指{}个孩子，不是{}胎）",
                    c.total,
                    number_zh(n),
                    number_zh(n),
                    number_zh(n)
                ),
                format!(
                    "The couple already have {} children ({n} children, not {n} births)",
                    c.total
                ),
            )
        };
        reasons.push(reason(code, Effect::Denies, source, zh, en));
        reasons.push(reason(
            "see_rebirth",
            Effect::Note,
            "001 二(二)",
            "符合《条例》第十五条特殊情形的，可申请再生育服务证".into(),
            "Couples in a special circumstance of the regulation's article 15 may apply for re-birth".into(),
        ));
        reasons.push(law_in_force(req, q));
        return false;
    }
    let nth = match req.marriage {
        Marriage::Remarried => c.joint + 1,
        _ => c.total + 1,
    };
    let (code, src, zh, en) = match unmarried_source {
        Some(s) => (
            "unmarried_birth_registered",
            s,
            format!(
                "未办理结婚登记生育第{}个子女的，予以登记，发放生育服务卡",
                nth
            ),
            format!("Unmarried parents' child no. {nth} is registered and a card issued"),
        ),
        None if nth >= 3 => (
            "third_child",
            q.source,
            format!(
                "生育第{nth}个子女：一对夫妻可以生育三个子女，不实行审批，予以生育登记并发给生育服务证"
            ),
            format!(
                "Child no. {nth}: a couple may have three children; registered without approval"
            ),
        ),
        None => (
            "first_or_second_child",
            "001 二(一)",
            format!("生育第{}个子女，不再实行生育审批，发给生育服务证", nth),
            format!("Child no. {nth}: no approval needed, the certificate is issued on request"),
        ),
    };
    reasons.push(reason(code, Effect::Allows, src, zh, en));
    if req.marriage == Marriage::Remarried {
        reasons.push(reason(
            "remarried_quota",
            Effect::Note,
            source,
            format!(
                "再婚前夫妻合计生育{}个子女，可再生育{}个",
                c.before,
                remarried_allowance(q.value, c)
            ),
            "Remarried couple: the quota follows the children born before the remarriage".into(),
        ));
    }
    if let (0, Some(proactive)) = (c.total, first_child_note) {
        reasons.push(reason(
            "first_child_proactive",
            Effect::Note,
            proactive.source,
            proactive.value.into(),
            "The first-child certificate is issued without being asked for".into(),
        ));
    }
    if req.marriage == Marriage::RemarriedFormerSpouse {
        reasons.push(reason(
            "former_spouse_not_remarried",
            Effect::Note,
            "001 一(一)",
            format!("复婚夫妻不适用再婚生育政策，按{}孩政策计算", number_zh(n)),
            format!(
                "Re-marriage to the former spouse is not a remarriage: the {n}-child rule applies"
            ),
        ));
    }
    reasons.push(law_in_force(req, q));
    true
}
