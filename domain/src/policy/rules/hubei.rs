//! 湖北's rules: 000 (鄂卫生计生通〔2014〕51号) and 001 (鄂州卫生计生办发〔2016〕45号).

use super::*;

/// 000 二(二)5 writes "10日", "20日", "30日", not "工作日": read as calendar days (the notice
/// sets its own limits; 行政许可法 第八十二条's working days govern that law's own limits). One
/// reading, stated (issue 17 point 9); open cases keep the dates they were counted with.
pub const HUBEI_LIMIT_SOURCE: &str = "000 二(二)5（“日”按自然日计算，本系统读法）";

/// Hubei's notices (000, 001) say where and how fast, not which papers: its lists follow the
/// Chongqing guides of 003 附件2 by reference, and say so (issue 17 point 10).
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
