//! 重庆's rules: 004 (渝卫发〔2019〕69号, from 2019-12-31) and 003's service guides (江津).

use super::*;

/// The Chongqing 生育服务证 guide lists the items without "复印件" and says the window "当场办理
/// ……不得收取任何材料" (003 附件2 生育服务证指南 四1): originals are shown and handed back, the
/// same for a spouse whose hukou is elsewhere (the Zhao complaint, 003 附件1: his first visit).
const CQ_BIRTH_ORIGINALS: &str = "带原件到窗口出示，当场查验后退还、不收取任何材料（户籍在外地的同样如此）；网上办理上传原件照片（003 附件2 生育服务证指南 四）";
/// 004 四(二) is about where to apply, not about delegation: Chongqing's 委托书 rests on the
/// other provinces' texts by reference.
const CQ_DELEGATION: &str = "004 未规定委托代办：参照000 二(二)1、002 第七条（本系统设定）";

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
