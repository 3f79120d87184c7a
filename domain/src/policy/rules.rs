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
/// The Chongqing 生育服务证 guide lists the items without "复印件" and says the window "当场办理
/// ……不得收取任何材料" (003 附件2 生育服务证指南 四1): originals are shown and handed back, the
/// same for a spouse whose hukou is elsewhere (the Zhao complaint, 003 附件1: his first visit).
const CQ_BIRTH_ORIGINALS: &str = "带原件到窗口出示，当场查验后退还、不收取任何材料（户籍在外地的同样如此）；网上办理上传原件照片（003 附件2 生育服务证指南 四）";

pub const HONOR_LAST_BIRTH: Date = date(2015, 12, 31);

/// Where the seeds give no limit for a township-processed item, the general limit for an
/// administrative decision applies: 行政许可法 第四十二条 (20 days; read as working days
/// as the provinces' own guides do).
pub const DEFAULT_LIMIT_SOURCE: &str = "行政许可法 第四十二条（种子文件未规定时限）";

use MaterialCode as M;
use Service as S;
use When as W;

/// 000 二(二)5 writes "10日", "20日", "30日", not "工作日": read as calendar days (the notice
/// sets its own limits; 行政许可法 第八十二条's working days govern that law's own limits). One
/// reading, stated (issue 17 point 9); open cases keep the dates they were counted with.
pub const HUBEI_LIMIT_SOURCE: &str = "000 二(二)5（“日”按自然日计算，本系统读法）";

/// Hubei's notices (000, 001) say where and how fast, not which papers: its lists follow the
/// Chongqing guides of 003 附件2 by reference, and say so (issue 17 point 10).
/// 004 四(二) is about where to apply, not about delegation: Chongqing's 委托书 rests on the
/// other provinces' texts by reference.
const CQ_DELEGATION: &str = "004 未规定委托代办：参照000 二(二)1、002 第七条（本系统设定）";
/// Jilin's texts have the 婚育情况证明 issued by the unit or 村(居) (002 第五条、第六条) but list
/// nothing for asking it: the window's service follows 003 三(二) by reference.
const JL_PROOF_LIST: &str = "002 第五条、第六条未列材料：参照003 三(二)（本系统设定）";
/// 002 第十条 asks the commitment "对婚育情况难以核实的" only; read as a spouse whose hukou lies
/// outside the province, whose records the provincial 全员人口数据库 (第九条) does not hold.
const JL_COMMITMENT: &str = "002 第十条（婚育情况难以核实：一方户籍在外省，本系统读法）";
const HB_BIRTH_LIST: &str = "001 二(一)未列材料：参照003 附件2 生育服务证指南 三（本系统设定）";
const HB_REBIRTH_LIST: &str =
    "000 二(二)1、001 二(二)未列材料：参照003 附件2 再生育服务证指南 四（本系统设定）";

pub const HUBEI: RuleSet = RuleSet {
    province: 42,
    name: "湖北省",
    in_force: Period {
        from: TWO_CHILD_FROM,
        to: None,
        rule: cite((), "001 一(一)"),
    },
    place: cite(
        PlaceRule::Residence {
            months: 6,
            needs_province_hukou: true,
            township_level: true,
            further_births_only: true,
        },
        "000 二(二)1",
    ),
    quota: &[
        two_children(
            "人口与计划生育法（2015年修正，2016年1月1日起施行）第十八条; 001 一(一)",
            "001 一(一)",
        ),
        three_children(
            "人口与计划生育法（2021年修正，2021年8月20日起施行）第十八条（湖北省人口与计划生育条例修正文本未核实 / province text not verified）",
            "001 一(一)（2021年起各增一个：人口与计划生育法（2021年修正）第十八条；省条例未核实）",
        ),
    ],
    rebirth_decider: cite(RebirthDecider::AcceptingCounty, "000 二(二)1, 二(二)5"),
    rebirth_limit: cite(
        RebirthLimit::TownshipCounty {
            township: TimeLimit::days(10),
            county: TimeLimit::days(20),
            total: TimeLimit::days(30),
        },
        HUBEI_LIMIT_SOURCE,
    ),
    unmarried_birth_card: None,
    recognises_other_province_rebirth_card: None,
    declared_place_decides: None,
    rebirth_opinion_at_hukou_township: None,
    township_registers_birth_card: None,
    township_window_only: None,
    birth_service_instant: "001 二(一)",
    first_child_proactive: Some(cite(
        "省内户籍人口登记结婚后计划生育第一个孩子的，基层卫生计生部门在生育前主动发放《生育服务证》",
        "000 二(一)2",
    )),
    marital_status_proof_instant: "003 三(二)（参照）",
    honor: &[Period {
        from: TWO_CHILD_FROM,
        to: None,
        rule: cite(
            HonorProcessing::Township(TimeLimit::working_days(20)),
            DEFAULT_LIMIT_SOURCE,
        ),
    }],
    materials: &[
        shown(m(S::BirthService, M::IdCards, &[], HB_BIRTH_LIST)),
        shown(m(S::BirthService, M::HukouBook, &[], HB_BIRTH_LIST)),
        shown(m(
            S::BirthService,
            M::MarriageCert,
            &[W::Married],
            HB_BIRTH_LIST,
        )),
        shown(m(
            S::BirthService,
            M::DivorceCert,
            &[W::Remarried],
            HB_BIRTH_LIST,
        )),
        shown(m(
            S::BirthService,
            M::DivorceSettlement,
            &[W::Remarried],
            HB_BIRTH_LIST,
        )),
        m(
            S::BirthService,
            M::BirthMedicalCert,
            &[W::Retroactive],
            "001 二(三)",
        ),
        m(
            S::BirthService,
            M::Delegation,
            &[W::Delegated],
            "000 二(二)1",
        ),
        with_copy(m(S::Rebirth, M::IdCards, &[], HB_REBIRTH_LIST)),
        noted(
            with_copy(m(S::Rebirth, M::HukouBook, &[], HB_REBIRTH_LIST)),
            "户主页、人口增减页、申请人本人页及小孩页",
        ),
        with_copy(m(S::Rebirth, M::MarriageCert, &[], HB_REBIRTH_LIST)),
        m(S::Rebirth, M::DivorceCert, &[W::Remarried], HB_REBIRTH_LIST),
        m(
            S::Rebirth,
            M::DivorceSettlement,
            &[W::Remarried],
            HB_REBIRTH_LIST,
        ),
        m(
            S::Rebirth,
            M::JointChildrenProof,
            &[W::Remarried],
            HB_REBIRTH_LIST,
        ),
        m(
            S::Rebirth,
            M::DisabilityAppraisal,
            &[W::DisabledChild],
            "001 二(二)（《条例》第十五条）",
        ),
        noted(
            m(
                S::Rebirth,
                M::CommitmentLetter,
                &[W::MayCommit],
                "001 二(二)",
            ),
            "凭群众承诺办证：婚育情况以承诺代替证明",
        ),
        m(S::Rebirth, M::Delegation, &[W::Delegated], "000 二(二)1"),
        with_copy(m(
            S::OnlyChildHonor,
            M::IdCards,
            &[],
            "003 附件2 独生子女证指南 三1（参照）",
        )),
        with_copy(m(
            S::OnlyChildHonor,
            M::HukouBook,
            &[],
            "003 附件2 独生子女证指南 三1（参照）",
        )),
        m(
            S::OnlyChildHonor,
            M::PhotoApplicantX1,
            &[],
            "003 附件2 独生子女证指南 三2（参照）",
        ),
        by_window(m(
            S::OnlyChildHonor,
            M::UnitOrVillageOpinion,
            &[],
            "003 附件2 独生子女证指南 三3（参照）",
        )),
        with_copy(m(
            S::OnlyChildHonor,
            M::DivorceCert,
            &[W::Remarried],
            "003 附件2 独生子女证指南 三4（参照）",
        )),
        with_copy(m(
            S::OnlyChildHonor,
            M::DivorceSettlement,
            &[W::Remarried],
            "003 附件2 独生子女证指南 三4（参照）",
        )),
        m(
            S::OnlyChildHonor,
            M::Delegation,
            &[W::Delegated],
            "000 二(二)1",
        ),
        m(S::MaritalStatusProof, M::IdCards, &[], "003 三(二)（参照）"),
        m(
            S::MaritalStatusProof,
            M::CommitmentLetter,
            &[W::HukouOutsideProvince, W::MayCommit],
            "003 三(二)（参照）",
        ),
        m(
            S::MaritalStatusProof,
            M::Delegation,
            &[W::Delegated],
            "000 二(二)1",
        ),
    ],
    hotline: cite("12356", "000 三(一)"),
};

pub const JILIN: RuleSet = RuleSet {
    province: 22,
    name: "吉林省",
    in_force: Period {
        from: date(2016, 5, 3),
        to: None,
        rule: cite((), "002（吉卫发〔2016〕22号，2016-05-03）"),
    },
    place: cite(
        PlaceRule::Residence {
            months: 1,
            needs_province_hukou: false,
            township_level: false,
            further_births_only: false,
        },
        "002 第三条",
    ),
    quota: &[
        two_children(
            LAW_2015,
            "002 未规定再婚夫妻的子女数：参照001 一(一)（湖北）（本系统设定）",
        ),
        three_children(
            "人口与计划生育法（2021年修正，2021年8月20日起施行）第十八条（吉林省人口与计划生育条例修正文本未核实 / province text not verified）",
            "002 未规定再婚夫妻的子女数：参照001 一(一)（湖北），2021年起各增一个：人口与计划生育法（2021年修正）第十八条；省条例未核实（本系统设定）",
        ),
    ],
    rebirth_decider: cite(RebirthDecider::HukouCounty, "002 第六条"),
    rebirth_limit: cite(
        RebirthLimit::InOrCrossProvince {
            in_province: TimeLimit::working_days(10),
            cross_province: TimeLimit::working_days(20),
        },
        "002 第十九条",
    ),
    unmarried_birth_card: Some("002 第五条"),
    recognises_other_province_rebirth_card: Some("002 第七条"),
    declared_place_decides: None,
    rebirth_opinion_at_hukou_township: Some("002 第六条"),
    township_registers_birth_card: Some("002 第三条、第十五条"),
    township_window_only: None,
    birth_service_instant: "002 第十九条",
    first_child_proactive: Some(cite(
        "在县、乡级政务大厅办理结婚登记后意愿生育的，卫生计生工作人员即予办理生育服务卡",
        "002 第十四条",
    )),
    marital_status_proof_instant: "002 第十九条",
    honor: &[Period {
        from: date(2016, 5, 3),
        to: None,
        rule: cite(
            HonorProcessing::Township(TimeLimit::working_days(20)),
            DEFAULT_LIMIT_SOURCE,
        ),
    }],
    materials: &[
        m(S::BirthService, M::IdCards, &[], "002 第三条"),
        m(
            S::BirthService,
            M::HukouBook,
            &[W::Married, W::NotRetroactive],
            "002 第三条",
        ),
        m(
            S::BirthService,
            M::MarriageCert,
            &[W::Married],
            "002 第三条",
        ),
        m(
            S::BirthService,
            M::BirthMedicalCert,
            &[W::Married, W::Retroactive],
            "002 第四条",
        ),
        noted(
            m(
                S::BirthService,
                M::MaritalStatusProof,
                &[W::Unmarried],
                "002 第五条",
            ),
            "由单位或村(居)出具",
        ),
        m(
            S::BirthService,
            M::Delegation,
            &[W::Delegated],
            "002 第七条（第二个）",
        ),
        m(S::Rebirth, M::IdCards, &[], "002 第六条"),
        m(S::Rebirth, M::HukouBook, &[], "002 第六条"),
        m(S::Rebirth, M::MarriageCert, &[], "002 第六条"),
        noted(
            m(S::Rebirth, M::MaritalStatusProof, &[], "002 第六条"),
            "由单位或村(居)出具",
        ),
        m(
            S::Rebirth,
            M::DisabilityAppraisal,
            &[W::DisabledChild],
            "002 第六条（特殊情形再生育）",
        ),
        noted(
            m(
                S::Rebirth,
                M::CommitmentLetter,
                &[W::StatusNotVerifiable, W::MayCommit],
                JL_COMMITMENT,
            ),
            "婚育情况难以核实（一方户籍在外省）的，夫妻双方对申办理由的真实性作出书面承诺",
        ),
        m(
            S::Rebirth,
            M::Delegation,
            &[W::Delegated],
            "002 第七条（第二个）",
        ),
        with_copy(m(
            S::OnlyChildHonor,
            M::IdCards,
            &[],
            "003 附件2 独生子女证指南 三1（参照）",
        )),
        with_copy(m(
            S::OnlyChildHonor,
            M::HukouBook,
            &[],
            "003 附件2 独生子女证指南 三1（参照）",
        )),
        m(
            S::OnlyChildHonor,
            M::PhotoApplicantX1,
            &[],
            "003 附件2 独生子女证指南 三2（参照）",
        ),
        by_window(m(
            S::OnlyChildHonor,
            M::UnitOrVillageOpinion,
            &[],
            "003 附件2 独生子女证指南 三3（参照）",
        )),
        with_copy(m(
            S::OnlyChildHonor,
            M::DivorceCert,
            &[W::Remarried],
            "003 附件2 独生子女证指南 三4（参照）",
        )),
        with_copy(m(
            S::OnlyChildHonor,
            M::DivorceSettlement,
            &[W::Remarried],
            "003 附件2 独生子女证指南 三4（参照）",
        )),
        m(
            S::OnlyChildHonor,
            M::Delegation,
            &[W::Delegated],
            "002 第七条（第二个）",
        ),
        m(S::MaritalStatusProof, M::IdCards, &[], JL_PROOF_LIST),
        m(
            S::MaritalStatusProof,
            M::CommitmentLetter,
            &[W::HukouOutsideProvince, W::MayCommit],
            "002 第十条",
        ),
        m(
            S::MaritalStatusProof,
            M::Delegation,
            &[W::Delegated],
            "002 第七条（第二个）",
        ),
    ],
    hotline: cite("0431-12356", "002 第二十四条"),
};

pub const CHONGQING: RuleSet = RuleSet {
    province: 50,
    name: "重庆市",
    // The procedure these rules describe (any window, 渝快办, instant items) is 004's, in force
    // from 2019-12-31 (004: "从2019年12月31日开始"); earlier applications have no rules here.
    in_force: Period {
        from: date(2019, 12, 31),
        to: None,
        rule: cite((), "004（渝卫发〔2019〕69号，2019年12月31日起）"),
    },
    place: cite(PlaceRule::AnyWindow, "004 一, 四(二)"),
    quota: &[
        two_children(
            LAW_2015,
            "003 附件2 再生育服务证指南 四2（再婚夫妻申请再生育）；子女数参照001 一(一)（湖北）（本系统设定）",
        ),
        three_children(
            "人口与计划生育法（2021年修正，2021年8月20日起施行）第十八条（重庆市人口与计划生育条例修正文本未核实 / province text not verified）",
            "003 附件2 再生育服务证指南 四2（再婚夫妻申请再生育）；子女数参照001 一(一)（湖北），2021年起各增一个：人口与计划生育法（2021年修正）第十八条；省条例未核实（本系统设定）",
        ),
    ],
    rebirth_decider: cite(RebirthDecider::HukouThenResidenceCounty, "004 四(三)"),
    rebirth_limit: cite(
        RebirthLimit::Single(TimeLimit::working_days(20)),
        "003 附件2 再生育服务证指南 三",
    ),
    unmarried_birth_card: None,
    recognises_other_province_rebirth_card: None,
    declared_place_decides: Some("004 四(三)"),
    rebirth_opinion_at_hukou_township: None,
    township_registers_birth_card: None,
    township_window_only: Some(cite(&[S::OnlyChildHonor, S::Rebirth], "004 四(二)")),
    birth_service_instant: "003 附件2 生育服务证指南 二",
    first_child_proactive: None,
    marital_status_proof_instant: "004 三(三)",
    honor: &[
        Period {
            from: TWO_CHILD_FROM,
            to: Some(date(2021, 7, 16)),
            rule: cite(
                HonorProcessing::Township(TimeLimit::working_days(20)),
                "004 三(三), 四(三)（承办件）",
            ),
        },
        Period {
            from: date(2021, 7, 16),
            to: None,
            rule: cite(HonorProcessing::Instant, "003 附件2 独生子女证指南 二"),
        },
    ],
    materials: &[
        noted(
            shown(m(
                S::BirthService,
                M::IdCards,
                &[],
                "003 附件2 生育服务证指南 三1",
            )),
            CQ_BIRTH_ORIGINALS,
        ),
        noted(
            shown(m(
                S::BirthService,
                M::HukouBook,
                &[],
                "003 附件2 生育服务证指南 三2",
            )),
            CQ_BIRTH_ORIGINALS,
        ),
        noted(
            shown(m(
                S::BirthService,
                M::MarriageCert,
                &[],
                "003 附件2 生育服务证指南 三3",
            )),
            CQ_BIRTH_ORIGINALS,
        ),
        shown(m(
            S::BirthService,
            M::DivorceCert,
            &[W::Remarried],
            "003 附件2 生育服务证指南 三3",
        )),
        shown(m(
            S::BirthService,
            M::DivorceSettlement,
            &[W::Remarried],
            "003 附件2 生育服务证指南 三3",
        )),
        noted(
            by_window(m(
                S::BirthService,
                M::MaritalStatusProof,
                &[],
                "003 三(二), 附件1",
            )),
            "由经办窗口通过人口家庭电子信息系统查验、打印，不需回户籍地开具",
        ),
        m(
            S::BirthService,
            M::Delegation,
            &[W::Delegated],
            CQ_DELEGATION,
        ),
        with_copy(m(
            S::Rebirth,
            M::IdCards,
            &[],
            "003 附件2 再生育服务证指南 四1",
        )),
        with_copy(m(
            S::Rebirth,
            M::MarriageCert,
            &[],
            "003 附件2 再生育服务证指南 四2",
        )),
        m(
            S::Rebirth,
            M::JointChildrenProof,
            &[W::Remarried],
            "003 附件2 再生育服务证指南 四2",
        ),
        m(
            S::Rebirth,
            M::DivorceCert,
            &[W::Remarried],
            "003 附件2 再生育服务证指南 四2",
        ),
        m(
            S::Rebirth,
            M::DivorceSettlement,
            &[W::Remarried],
            "003 附件2 再生育服务证指南 四2",
        ),
        noted(
            with_copy(m(
                S::Rebirth,
                M::HukouBook,
                &[],
                "003 附件2 再生育服务证指南 四3",
            )),
            "户主页、人口增减页、申请人本人人口登记页及小孩登记页（或出生医学证明）",
        ),
        noted(
            by_window(m(
                S::Rebirth,
                M::MaritalStatusProof,
                &[],
                "003 附件2 再生育服务证指南 四4",
            )),
            "由经办窗口所在的村、社区出具，不由本人回户籍地出具",
        ),
        m(
            S::Rebirth,
            M::PhotoWomanX2,
            &[],
            "003 附件2 再生育服务证指南 四5",
        ),
        noted(
            m(
                S::Rebirth,
                M::DisabilityAppraisal,
                &[W::DisabledChild],
                "003 附件2 再生育服务证指南 四6",
            ),
            "市或区县卫生健康委组织的病残儿医学鉴定结论",
        ),
        m(S::Rebirth, M::Delegation, &[W::Delegated], CQ_DELEGATION),
        with_copy(m(
            S::OnlyChildHonor,
            M::IdCards,
            &[],
            "003 附件2 独生子女证指南 三1",
        )),
        with_copy(m(
            S::OnlyChildHonor,
            M::HukouBook,
            &[],
            "003 附件2 独生子女证指南 三1",
        )),
        m(
            S::OnlyChildHonor,
            M::PhotoApplicantX1,
            &[],
            "003 附件2 独生子女证指南 三2",
        ),
        noted(
            by_window(m(
                S::OnlyChildHonor,
                M::UnitOrVillageOpinion,
                &[],
                "003 附件2 独生子女证指南 三3",
            )),
            "村(居)委会意见由经办窗口所在的村、社区出具；或夫妻一方所在法人单位意见",
        ),
        with_copy(m(
            S::OnlyChildHonor,
            M::DivorceCert,
            &[W::Remarried],
            "003 附件2 独生子女证指南 三4",
        )),
        with_copy(m(
            S::OnlyChildHonor,
            M::DivorceSettlement,
            &[W::Remarried],
            "003 附件2 独生子女证指南 三4",
        )),
        m(
            S::OnlyChildHonor,
            M::Delegation,
            &[W::Delegated],
            CQ_DELEGATION,
        ),
        m(S::MaritalStatusProof, M::IdCards, &[], "003 三(二)"),
        noted(
            m(
                S::MaritalStatusProof,
                M::CommitmentLetter,
                &[W::HukouOutsideProvince, W::MayCommit],
                "003 三(二)",
            ),
            "市外申请人填写承诺书，工作人员电话、信函核实后出具",
        ),
        m(
            S::MaritalStatusProof,
            M::Delegation,
            &[W::Delegated],
            CQ_DELEGATION,
        ),
    ],
    hotline: cite("023-47292152", "003 附件2"),
};

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
