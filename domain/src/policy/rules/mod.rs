//! The provincial rule sets as data. Every value carries the seed article it comes from
//! (seed file prefix + article); where a seed is silent the fallback names its own basis.

use crate::calendar::TimeLimit;
use crate::contract::{MaterialForm, ProvidedBy};
use crate::date::Date;
use crate::materials::MaterialCode;
use crate::service::Service;

/// A value and the article it rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cited<T> {
    pub value: T,
    pub source: &'static str,
}

pub const fn cite<T>(value: T, source: &'static str) -> Cited<T> {
    Cited { value, source }
}

/// A value in force over a date range (`to` exclusive; `None` = open-ended).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period<T> {
    pub from: Date,
    pub to: Option<Date>,
    pub rule: Cited<T>,
}

/// The rule of a list of periods in force on `date`.
pub fn in_force<T: Copy>(periods: &[Period<T>], date: Date) -> Option<Cited<T>> {
    periods
        .iter()
        .find(|p| p.from <= date && p.to.is_none_or(|to| date < to))
        .map(|p| p.rule)
}

/// Where a couple may apply besides a spouse's hukou place (SPEC §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceRule {
    /// At the place of residence after living there at least `months` (以上 includes the
    /// number itself: 民法典 第一千二百五十九条). `needs_province_hukou`: one spouse's hukou
    /// must be in the province (湖北 000 二(二)1).
    Residence {
        months: i32,
        needs_province_hukou: bool,
        /// The text names the 乡镇 (湖北 000 二(二)1: "乡镇人民政府（街道办事处）"): where the
        /// request gives a township, the match is at that level; a county code matches any
        /// office within it.
        township_level: bool,
        /// The text is written for second-child and re-birth certificates only (湖北 000 二(二)
        /// "简化规范二孩《生育证》办理"); other services are taken wherever applied for.
        further_births_only: bool,
    },
    /// Any window in the province accepts; the hukou place (residence for the floating
    /// population) keeps the decision: 就近受理申请、审批权属不变 (重庆 004 一, 四(三)).
    AnyWindow,
}

/// Who decides a re-birth application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RebirthDecider {
    /// The county of the accepting office (湖北: the office at hukou or residence place
    /// forwards to its county, 000 二(二)1 and 5).
    AcceptingCounty,
    /// The county of a spouse's in-province hukou, else the accepting county (吉林 art. 6).
    HukouCounty,
    /// The in-province hukou county, else the residence county (重庆 004 四(三)).
    HukouThenResidenceCounty,
}

/// How long a re-birth decision may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RebirthLimit {
    /// Township opinion within `township`, county decision within `county` of receipt,
    /// the whole within `total` (湖北 000 二(二)5).
    TownshipCounty {
        township: TimeLimit,
        county: TimeLimit,
        total: TimeLimit,
    },
    /// One limit when the facts can be verified in the province, another when another
    /// province must be asked (吉林 art. 19).
    InOrCrossProvince {
        in_province: TimeLimit,
        cross_province: TimeLimit,
    },
    Single(TimeLimit),
}

/// How the only-child honour certificate is processed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HonorProcessing {
    Instant,
    /// By the township within the limit.
    Township(TimeLimit),
}

/// Condition under which a material is on the list (all must hold).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Married,
    Unmarried,
    Remarried,
    Retroactive,
    NotRetroactive,
    DisabledChild,
    Delegated,
    /// Neither spouse's hukou is in the accepting province (市外/省外).
    HukouOutsideProvince,
    /// The couple may commit in writing instead of proving (not for 失信 persons).
    MayCommit,
    /// The marital status cannot be verified in the province: a spouse's hukou lies in another
    /// province, beyond the provincial population database (吉林 002 第九条、第十条).
    StatusNotVerifiable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaterialRule {
    pub service: Service,
    pub code: MaterialCode,
    pub when: &'static [When],
    pub source: &'static str,
    pub note: &'static str,
    pub by: ProvidedBy,
    /// Original, or original and copy, where the text (or the guide followed) says which.
    pub form: Option<MaterialForm>,
}

const fn m(
    service: Service,
    code: MaterialCode,
    when: &'static [When],
    source: &'static str,
) -> MaterialRule {
    MaterialRule {
        service,
        code,
        when,
        source,
        note: "",
        by: ProvidedBy::Applicant,
        form: None,
    }
}

/// 003 附件2 "原件及复印件".
const fn with_copy(mut rule: MaterialRule) -> MaterialRule {
    rule.form = Some(MaterialForm::OriginalAndCopy);
    rule
}

/// 003 附件2 生育服务证指南 四1: seen and handed back, nothing collected.
const fn shown(mut rule: MaterialRule) -> MaterialRule {
    rule.form = Some(MaterialForm::Original);
    rule
}

const fn noted(mut rule: MaterialRule, note: &'static str) -> MaterialRule {
    rule.note = note;
    rule
}

const fn by_window(mut rule: MaterialRule) -> MaterialRule {
    rule.by = ProvidedBy::Window;
    rule
}

/// How many children a couple may have without approval, and how re-birth relates to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    /// Children a couple may have (人口与计划生育法 第十八条: two from 2016, three from
    /// 2021-08-20). Counted as children, not births (001 一(一)).
    pub children: usize,
    /// A remarried couple's allowance (001 一(一)): with at most one child born before the
    /// remarriage they may have `children` together, otherwise one fewer.
    pub remarried_source: &'static str,
    /// A special circumstance (《条例》第十五条) allows a child beyond the quota, whether or not
    /// the quota is used (after 2021 without a verified provincial text: issue 16).
    pub special_beyond_quota: bool,
}

/// One province's rules.
#[derive(Debug, Clone, Copy)]
pub struct RuleSet {
    pub province: u8,
    pub name: &'static str,
    /// The universal two-child policy and these rules apply from this day (001 一(一)).
    pub in_force: Period<()>,
    pub place: Cited<PlaceRule>,
    pub rebirth_decider: Cited<RebirthDecider>,
    pub rebirth_limit: Cited<RebirthLimit>,
    /// The couple's child quota in force: the national law's article 18 as the province applies it.
    pub quota: &'static [Period<Quota>],
    /// Where the seeds register births of unmarried parents (吉林 art. 5).
    pub unmarried_birth_card: Option<&'static str>,
    /// Recognises another province's re-birth card (吉林 art. 7).
    pub recognises_other_province_rebirth_card: Option<&'static str>,
    /// The 申报地 — the hukou place, the residence for the floating population — pre-reviews
    /// and decides whatever window accepted the application (重庆 004 四(三): "审批权属不变").
    pub declared_place_decides: Option<&'static str>,
    /// The township of a spouse's hukou gives the re-birth opinion (吉林 002 第六条).
    pub rebirth_opinion_at_hukou_township: Option<&'static str>,
    /// The village takes the birth card in; the township registers and issues it, and online
    /// the first-contact office prints it once the levels have sealed (吉林 002 第三条、第十五条).
    pub township_registers_birth_card: Option<&'static str>,
    /// Services a village window may not take in: only a township window or the applicant
    /// online (重庆 004 四(二): "需乡镇（街道）办理的独生子女父母光荣证、再生育服务证只能到乡镇
    /// （街道）申办或者自主网上申办").
    pub township_window_only: Option<Cited<&'static [Service]>>,
    pub birth_service_instant: &'static str,
    /// The first-child certificate is issued without being asked for (湖北 000 二(一)2) or
    /// at marriage registration (吉林 art. 14): told to couples with no child yet.
    pub first_child_proactive: Option<Cited<&'static str>>,
    pub marital_status_proof_instant: &'static str,
    pub honor: &'static [Period<HonorProcessing>],
    pub materials: &'static [MaterialRule],
    /// The public complaint line of the province's seeds.
    pub hotline: Cited<&'static str>,
}

// Only used to build the constants below, so it runs at compile time: a date that does not
// exist stops the build instead of panicking at run time.
#[allow(clippy::panic)]
const fn date(y: i32, mo: u8, d: u8) -> Date {
    match Date::new(y, mo, d) {
        Some(date) => date,
        None => panic!("invalid date in rule data"),
    }
}

/// 全面两孩 in force (001 一(一): "全面两孩政策于2016年1月1日正式施行"; the 2015 amendment of
/// 人口与计划生育法, in force 2016-01-01).
pub const TWO_CHILD_FROM: Date = date(2016, 1, 1);
/// The 2021 amendment of 人口与计划生育法 (adopted and in force 2021-08-20).
pub const THREE_CHILD_FROM: Date = date(2021, 8, 20);
/// 人口与计划生育法（2015年修正）第十八条: 国家提倡一对夫妻生育两个子女。
pub const LAW_2015: &str = "人口与计划生育法（2015年修正，2016年1月1日起施行）第十八条";
/// 人口与计划生育法（2021年修正）第十八条: 一对夫妻可以生育三个子女。
pub const LAW_2021: &str = "人口与计划生育法（2021年修正，2021年8月20日起施行）第十八条";

const fn two_children(source: &'static str, remarried_source: &'static str) -> Period<Quota> {
    Period {
        from: TWO_CHILD_FROM,
        to: Some(THREE_CHILD_FROM),
        rule: cite(
            Quota {
                children: 2,
                remarried_source,
                special_beyond_quota: false,
            },
            source,
        ),
    }
}

/// The national three-child rule where the province's amended regulation could not be read
/// here: the seeds' procedure stays, and the source says the provincial text is unverified.
const fn three_children(source: &'static str, remarried_source: &'static str) -> Period<Quota> {
    Period {
        from: THREE_CHILD_FROM,
        to: None,
        rule: cite(
            Quota {
                children: 3,
                remarried_source,
                special_beyond_quota: true,
            },
            source,
        ),
    }
}
/// The last birth date for an honour certificate (001 一(四)1).
pub const HONOR_LAST_BIRTH: Date = date(2015, 12, 31);

/// Where the seeds give no limit for a township-processed item, the general limit for an
/// administrative decision applies: 行政许可法 第四十二条 (20 days; read as working days
/// as the provinces' own guides do).
pub const DEFAULT_LIMIT_SOURCE: &str = "行政许可法 第四十二条（种子文件未规定时限）";

use MaterialCode as M;
use Service as S;
use When as W;

mod chongqing;
mod hubei;
mod jilin;

pub use chongqing::CHONGQING;
pub use hubei::{HUBEI, HUBEI_LIMIT_SOURCE};
pub use jilin::JILIN;

/// A special circumstance under which a couple with their full quota may have another child
/// (《条例》第十五条). The seeds spell out one; others join this list as data.
#[derive(Debug, Clone, Copy)]
pub struct SpecialCircumstance {
    pub code: &'static str,
    pub applies: fn(&crate::contract::EligibilityRequest) -> bool,
    pub text: &'static str,
    pub text_en: &'static str,
    pub source: &'static str,
}

fn has_appraised_disabled_child(req: &crate::contract::EligibilityRequest) -> bool {
    req.children
        .iter()
        .any(|c| c.disability == crate::contract::Disability::NonHereditaryAppraised)
}

pub const SPECIAL_CIRCUMSTANCES: [SpecialCircumstance; 1] = [SpecialCircumstance {
    code: "disabled_child",
    applies: has_appraised_disabled_child,
    text: "子女经市或区县卫生健康委组织鉴定为非遗传性病残，符合特殊情形再生育",
    text_en: "A child appraised as having a non-hereditary disability: special-circumstance re-birth",
    source: "001 二(二)（《条例》第十五条）; 003 附件2 再生育服务证指南 四6",
}];

/// Every province with rules, by GB/T 2260 province number.
pub const RULE_SETS: [&RuleSet; 3] = [&HUBEI, &JILIN, &CHONGQING];

pub fn for_province(province: u8) -> Option<&'static RuleSet> {
    RULE_SETS.into_iter().find(|r| r.province == province)
}
