//! 吉林's rules: 002 (吉卫发〔2016〕22号, 《吉林省生育服务卡办理的若干规定》).

use super::*;

/// Jilin's texts have the 婚育情况证明 issued by the unit or 村(居) (002 第五条、第六条) but list
/// nothing for asking it: the window's service follows 003 三(二) by reference.
const JL_PROOF_LIST: &str = "002 第五条、第六条未列材料：参照003 三(二)（本系统设定）";
/// 002 第十条 asks the commitment "对婚育情况难以核实的" only; read as a spouse whose hukou lies
/// outside the province, whose records the provincial 全员人口数据库 (第九条) does not hold.
const JL_COMMITMENT: &str = "002 第十条（婚育情况难以核实：一方户籍在外省，本系统读法）";

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
