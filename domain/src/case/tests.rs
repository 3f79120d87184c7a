use serde_json::json;

use super::*;
use crate::contract::EligibilityRequest;

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn c(s: &str) -> DivisionCode {
    DivisionCode::parse(s).unwrap()
}

/// 10:00 China time on `day`.
fn at(day: &str) -> Moment {
    Moment(Moment::start_of(d(day)).0 + 10 * 3600 * 1000)
}

fn cal() -> &'static Calendar {
    Calendar::builtin()
}

fn village() -> Actor {
    Actor::staff("demo-village", Role::VillageClerk, c("500116001005"))
}
fn township() -> Actor {
    Actor::staff("demo-township", Role::TownshipOfficer, c("500116001"))
}
fn county() -> Actor {
    Actor::staff("demo-county", Role::CountyApprover, c("500116"))
}
fn ezhou() -> Actor {
    Actor::staff("demo-ezhou", Role::CountyApprover, c("420704"))
}

fn open(situation: serde_json::Value, day: &str) -> Case {
    let situation = EligibilityRequest::from_json(&situation).unwrap();
    let answer = crate::policy::check(&situation).unwrap();
    assert!(answer.eligible, "{:?}", answer.reasons);
    Case::open("C-1".into(), situation, &answer, village(), at(day), cal())
        .unwrap()
        .0
}

fn rebirth_cq(day: &str) -> Case {
    open(
        json!({"service": "rebirth", "division": "500116001005", "date": day, "marriage": "first",
               "children": [{"born": "2012-05-01", "of": "joint", "disability": "none"},
                            {"born": "2016-05-01", "of": "joint", "disability": "non_hereditary_appraised"}]}),
        day,
    )
}

fn rebirth_hb(day: &str) -> Case {
    open(
        json!({"service": "rebirth", "division": "420704001", "date": day, "marriage": "first",
               "children": [{"born": "2012-05-01", "of": "joint", "disability": "none"},
                            {"born": "2016-05-01", "of": "joint", "disability": "non_hereditary_appraised"}]}),
        day,
    )
}

fn step(case: &Case, action: Action, actor: &Actor, day: &str) -> Case {
    apply(case, &action, actor, at(day), cal())
        .unwrap_or_else(|e| panic!("{action:?}: {e}"))
        .0
}

#[test]
fn moments_are_dated_in_china_standard_time() {
    // 2024-09-26 16:30 UTC is 00:30 on the 27th in Chongqing.
    let m = Moment(Moment::start_of(d("2024-09-27")).0 + 30 * 60 * 1000);
    assert_eq!(m.date(), d("2024-09-27"));
    assert_eq!(Moment(m.0 - 3600 * 1000).date(), d("2024-09-26"));
}

#[test]
fn a_rebirth_case_goes_from_submission_to_delivery_with_every_level_sealing() {
    let case = rebirth_cq("2024-09-27");
    assert_eq!((case.state, case.version), (CaseState::Submitted, 1));
    assert_eq!(case.deciding, c("500116"));
    assert_eq!(case.next_due(), Some(d("2024-10-30")));

    let case = step(&case, Action::PreReview, &village(), "2024-09-29");
    let case = step(&case, Action::Seal, &village(), "2024-09-29");
    let case = step(
        &case,
        Action::TownshipOpinion {
            agree: true,
            opinion: "材料齐全，符合条件".into(),
        },
        &township(),
        "2024-09-30",
    );
    let case = step(&case, Action::Seal, &township(), "2024-09-30");
    let case = step(
        &case,
        Action::Approve {
            basis: String::new(),
        },
        &county(),
        "2024-10-08",
    );
    let case = step(&case, Action::Seal, &county(), "2024-10-08");
    let case = step(
        &case,
        Action::Issue { out_of_city: None },
        &county(),
        "2024-10-08",
    );
    let (case, events) = apply(
        &case,
        &Action::Deliver {
            delivery: Delivery::ExpressCod {
                address: "重庆市江津区几江街道".into(),
            },
        },
        &county(),
        at("2024-10-09"),
        cal(),
    )
    .unwrap();

    assert_eq!(case.state, CaseState::Delivered);
    assert_eq!(case.version, 9, "one version per change after the first");
    let levels: Vec<Level> = case.seals.iter().map(|s| s.level).collect();
    assert_eq!(levels, vec![Level::Village, Level::Township, Level::County]);
    assert!(case.deadlines.iter().all(|s| s.done_on.is_some()));
    assert!(events[0].details[0].contains("货到付款"));
    assert_eq!(events[0].from, Some(CaseState::Issued));
}

#[test]
fn an_instant_item_is_issued_in_one_step_jilin_art_19() {
    let case = open(
        json!({"service": "birth_service", "division": "500116001005", "date": "2024-09-27", "marriage": "first"}),
        "2024-09-27",
    );
    assert_eq!(case.deadlines[0].due, d("2024-09-27"));
    let issued = step(
        &case,
        Action::Issue { out_of_city: None },
        &village(),
        "2024-09-27",
    );
    assert_eq!(issued.state, CaseState::Issued);
}

#[test]
fn roles_may_only_do_what_the_matrix_allows() {
    let case = rebirth_cq("2024-09-27");
    let err = apply(
        &case,
        &Action::Approve {
            basis: String::new(),
        },
        &village(),
        at("2024-09-27"),
        cal(),
    )
    .unwrap_err();
    assert_eq!(
        err,
        TransitionError::NotPermitted {
            role: Some(Role::VillageClerk),
            action: ActionKind::Approve
        }
    );
    let supervisor = Actor::staff("demo-supervisor", Role::Supervisor, c("500116"));
    assert!(matches!(
        apply(
            &case,
            &Action::PreReview,
            &supervisor,
            at("2024-09-27"),
            cal()
        ),
        Err(TransitionError::NotPermitted { .. })
    ));
    assert!(matches!(
        apply(
            &case,
            &Action::Approve {
                basis: String::new()
            },
            &Actor::Applicant,
            at("2024-09-27"),
            cal()
        ),
        Err(TransitionError::NotPermitted { .. })
    ));
}

#[test]
fn staff_act_only_inside_their_division() {
    let case = rebirth_cq("2024-09-27");
    let neighbour = Actor::staff("x", Role::VillageClerk, c("500116001006"));
    assert_eq!(
        apply(
            &case,
            &Action::PreReview,
            &neighbour,
            at("2024-09-27"),
            cal()
        )
        .unwrap_err(),
        TransitionError::OutOfScope
    );
    let pre = step(&case, Action::PreReview, &village(), "2024-09-27");
    assert_eq!(
        apply(
            &pre,
            &Action::Approve {
                basis: String::new()
            },
            &ezhou(),
            at("2024-09-27"),
            cal()
        )
        .unwrap_err(),
        TransitionError::OutOfScope
    );
}

#[test]
fn a_return_lists_everything_missing_at_once_and_the_applicant_resubmits() {
    let case = rebirth_cq("2024-09-27");
    let empty = apply(
        &case,
        &Action::Return {
            missing: vec![],
            items: vec![],
            note: String::new(),
            exception: None,
        },
        &village(),
        at("2024-09-27"),
        cal(),
    );
    assert_eq!(empty.unwrap_err(), TransitionError::MissingListRequired);
    let (returned, events) = apply(
        &case,
        &Action::Return {
            missing: vec![
                MaterialCode::PhotoWomanX2,
                MaterialCode::HukouBook,
                MaterialCode::PhotoWomanX2,
            ],
            items: vec![],
            note: "户口簿需含小孩登记页".into(),
            exception: None,
        },
        &village(),
        at("2024-09-27"),
        cal(),
    )
    .unwrap();
    assert_eq!(returned.state, CaseState::Returned);
    assert_eq!(
        returned.missing,
        vec![MaterialCode::HukouBook, MaterialCode::PhotoWomanX2]
    );
    assert_eq!(
        events[0].details.len(),
        3,
        "both items and the note, in one event"
    );
    let again = step(&returned, Action::Resubmit, &Actor::Applicant, "2024-09-28");
    assert_eq!(again.state, CaseState::Submitted);
    assert!(again.missing.is_empty());
}

#[test]
fn refusals_need_written_reasons_000_2_2_5() {
    let case = rebirth_cq("2024-09-27");
    let none = apply(
        &case,
        &Action::Refuse {
            reasons: vec!["  ".into()],
        },
        &county(),
        at("2024-09-28"),
        cal(),
    );
    assert_eq!(none.unwrap_err(), TransitionError::ReasonsRequired);
    let (refused, events) = apply(
        &case,
        &Action::Refuse {
            reasons: vec!["病残儿鉴定结论不符合再生育条件".into()],
        },
        &county(),
        at("2024-09-28"),
        cal(),
    )
    .unwrap();
    assert_eq!(refused.state, CaseState::Refused);
    assert_eq!(
        events[0].details,
        vec!["病残儿鉴定结论不符合再生育条件".to_string()]
    );
}

#[test]
fn a_promise_item_cannot_be_issued_before_approval() {
    let case = rebirth_cq("2024-09-27");
    let err = apply(
        &case,
        &Action::Issue { out_of_city: None },
        &county(),
        at("2024-09-27"),
        cal(),
    )
    .unwrap_err();
    assert_eq!(
        err,
        TransitionError::InvalidState {
            state: CaseState::Submitted,
            action: ActionKind::Issue
        }
    );
}

#[test]
fn the_county_may_approve_from_the_pre_reviewed_list_and_lower_levels_seal_after_jilin_art_17() {
    let case = step(
        &rebirth_cq("2024-09-27"),
        Action::PreReview,
        &village(),
        "2024-09-27",
    );
    let approved = step(
        &case,
        Action::Approve {
            basis: String::new(),
        },
        &county(),
        "2024-09-29",
    );
    let sealed = step(&approved, Action::Seal, &township(), "2024-09-30");
    assert_eq!(sealed.seals[0].level, Level::Township);
    assert_eq!(
        apply(&sealed, &Action::Seal, &township(), at("2024-09-30"), cal()).unwrap_err(),
        TransitionError::AlreadySealed
    );
}

#[test]
fn hubei_county_deadline_runs_from_the_township_opinion_within_30_days_000_2_2_5() {
    let case = rebirth_hb("2024-09-27");
    let dues: Vec<String> = case.deadlines.iter().map(|s| s.due.to_string()).collect();
    assert_eq!(dues, ["2024-10-08", "2024-10-28"]);
    let township_hb = Actor::staff("t", Role::TownshipOfficer, c("420704001"));
    let reviewed = step(
        &case,
        Action::TownshipOpinion {
            agree: true,
            opinion: "同意".into(),
        },
        &township_hb,
        "2024-09-30",
    );
    // 09-30 + 20 days = Sun 10-20 → Mon 10-21 (民法典 art. 203), within the 30-day cap.
    assert_eq!(reviewed.deadlines[1].due, d("2024-10-21"));
    assert_eq!(reviewed.deadlines[0].done_on, Some(d("2024-09-30")));
}

#[test]
fn steps_past_due_show_a_red_light_000_3_4() {
    let case = rebirth_hb("2024-09-27");
    assert!(
        case.overdue(d("2024-10-08")).is_empty(),
        "due today is not late"
    );
    assert_eq!(
        case.overdue(d("2024-10-09")),
        vec!["township_opinion".to_string()]
    );
    let township_hb = Actor::staff("t", Role::TownshipOfficer, c("420704001"));
    let done = step(
        &case,
        Action::TownshipOpinion {
            agree: true,
            opinion: "同意".into(),
        },
        &township_hb,
        "2024-10-09",
    );
    assert!(done.overdue(d("2024-10-09")).is_empty());
    let issued = step(
        &step(
            &done,
            Action::Approve {
                basis: String::new(),
            },
            &ezhou(),
            "2024-10-10",
        ),
        Action::Issue { out_of_city: None },
        &ezhou(),
        "2024-10-10",
    );
    assert!(
        issued.overdue(d("2025-01-01")).is_empty(),
        "a finished case has no red light"
    );
}

#[test]
fn the_sweep_records_each_red_light_once_000_3_4() {
    // Arrange: the township opinion was due 2024-10-08.
    let case = rebirth_hb("2024-09-27");

    // Act
    let quiet = case.flag_overdue(at("2024-10-08"));
    let (flagged, events) = case.flag_overdue(at("2024-10-09")).unwrap();
    let again = flagged.flag_overdue(at("2024-10-10"));

    // Assert
    assert!(quiet.is_none(), "nothing is late on the due day");
    assert_eq!(flagged.red_lights, vec!["township_opinion".to_string()]);
    assert_eq!(flagged.version, case.version + 1);
    assert_eq!(events[0].action, "red_light");
    assert_eq!(events[0].actor, Actor::System);
    assert!(
        events[0].details[0].contains("2024-10-08"),
        "{:?}",
        events[0].details
    );
    assert!(again.is_none(), "a red light is recorded once");
}

#[test]
fn decisions_record_the_day_they_were_made() {
    let case = rebirth_cq("2024-09-27");
    let pre = step(&case, Action::PreReview, &village(), "2024-09-27");
    assert_eq!(pre.decided_on, None);
    let approved = step(
        &pre,
        Action::Approve {
            basis: String::new(),
        },
        &county(),
        "2024-10-09",
    );
    assert_eq!(approved.decided_on, Some(d("2024-10-09")));
    let issued = step(
        &approved,
        Action::Issue { out_of_city: None },
        &county(),
        "2024-10-10",
    );
    assert_eq!(
        issued.decided_on,
        Some(d("2024-10-09")),
        "issuing keeps the decision day"
    );
}

#[test]
fn hubei_deems_the_certificate_issued_when_the_deadline_passes_000_2_2_5() {
    let case = rebirth_hb("2024-09-27");
    assert_eq!(
        apply(
            &case,
            &Action::DeemedIssue,
            &Actor::System,
            at("2024-10-28"),
            cal()
        )
        .unwrap_err(),
        TransitionError::NotYetDue
    );
    let (issued, events) = apply(
        &case,
        &Action::DeemedIssue,
        &Actor::System,
        at("2024-10-29"),
        cal(),
    )
    .unwrap();
    assert_eq!(issued.state, CaseState::Issued);
    assert!(issued.deemed_issue);
    assert!(events[0].details[0].contains("000 二(二)5"));
    // Chongqing's seeds have no deemed issue; staff cannot trigger it either.
    let cq = rebirth_cq("2024-09-27");
    assert_eq!(
        apply(
            &cq,
            &Action::DeemedIssue,
            &Actor::System,
            at("2024-12-01"),
            cal()
        )
        .unwrap_err(),
        TransitionError::NoDeemedIssue
    );
    assert!(matches!(
        apply(
            &case,
            &Action::DeemedIssue,
            &ezhou(),
            at("2024-10-29"),
            cal()
        ),
        Err(TransitionError::NotPermitted { .. })
    ));
}

#[test]
fn an_inter_region_verification_has_its_own_deadline_and_only_the_office_asked_answers_000_2_2_4() {
    let case = rebirth_cq("2024-09-27");
    let asked = step(
        &case,
        Action::RequestVerification {
            to: c("420704"),
            question: "请核实男方婚育情况".into(),
        },
        &township(),
        "2024-09-27",
    );
    let v = &asked.verifications[0];
    assert_eq!(
        v.due,
        d("2024-10-16"),
        "10 working days across the National Day holiday"
    );
    assert_eq!(
        asked.overdue(d("2024-10-17")),
        vec!["verification:1".to_string()]
    );
    assert!(
        asked.offices().contains(&c("420704")),
        "the office asked now sees the case"
    );
    assert_eq!(
        apply(
            &asked,
            &Action::AnswerVerification {
                id: 1,
                answer: "已核实".into()
            },
            &county(),
            at("2024-10-10"),
            cal()
        )
        .unwrap_err(),
        TransitionError::OutOfScope
    );
    let answered = step(
        &asked,
        Action::AnswerVerification {
            id: 1,
            answer: "男方初婚，未生育".into(),
        },
        &ezhou(),
        "2024-10-10",
    );
    assert_eq!(answered.verifications[0].answered_on, Some(d("2024-10-10")));
    assert!(answered.overdue(d("2024-10-17")).is_empty());
    assert_eq!(
        apply(
            &answered,
            &Action::AnswerVerification {
                id: 1,
                answer: "again".into()
            },
            &ezhou(),
            at("2024-10-11"),
            cal()
        )
        .unwrap_err(),
        TransitionError::NoSuchVerification
    );
}

#[test]
fn a_rebirth_application_records_the_honour_certificate_cancellation_001_4_1() {
    let situation = EligibilityRequest::from_json(&json!({
        "service": "rebirth", "division": "500116001005", "date": "2024-09-27", "marriage": "first", "honor_certificate": true,
        "children": [{"born": "2012-05-01", "of": "joint", "disability": "non_hereditary_appraised"}, {"born": "2016-05-01", "of": "joint", "disability": "none"}]
    }))
    .unwrap();
    let answer = crate::policy::check(&situation).unwrap();
    let (case, events) = Case::open(
        "C-2".into(),
        situation,
        &answer,
        Actor::Applicant,
        at("2024-09-27"),
        cal(),
    )
    .unwrap();
    assert_eq!(case.honor_certificate_cancelled_on, Some(d("2024-09-27")));
    assert!(
        events
            .iter()
            .any(|e| e.action == "honor_certificate_cancelled"
                && e.details[0].contains("001 一(四)1"))
    );
}

#[test]
fn revoke_and_void_need_reasons_and_void_applies_to_rebirth_only_jilin_art_20_22() {
    let issued = step(
        &step(
            &step(
                &rebirth_cq("2024-09-27"),
                Action::PreReview,
                &village(),
                "2024-09-27",
            ),
            Action::Approve {
                basis: String::new(),
            },
            &county(),
            "2024-09-30",
        ),
        Action::Issue { out_of_city: None },
        &county(),
        "2024-09-30",
    );
    assert_eq!(
        apply(
            &issued,
            &Action::Revoke { reasons: vec![] },
            &county(),
            at("2024-11-01"),
            cal()
        )
        .unwrap_err(),
        TransitionError::ReasonsRequired
    );
    let (revoked, events) = apply(
        &issued,
        &Action::Revoke {
            reasons: vec!["承诺的婚育情况不实".into()],
        },
        &county(),
        at("2024-11-01"),
        cal(),
    )
    .unwrap();
    assert_eq!(revoked.state, CaseState::Revoked);
    assert!(events[0].details.iter().any(|d| d.contains("002 第二十条")));
    assert!(
        events[0]
            .details
            .iter()
            .any(|d| d.contains("002 第二十一条"))
    );
    let void = step(
        &issued,
        Action::Void {
            reasons: vec!["无医疗机构证明终止妊娠".into()],
        },
        &county(),
        "2024-12-01",
    );
    assert_eq!(void.state, CaseState::Void);
    let birth = step(
        &open(
            json!({"service": "birth_service", "division": "500116001005", "date": "2024-09-27", "marriage": "first"}),
            "2024-09-27",
        ),
        Action::Issue { out_of_city: None },
        &village(),
        "2024-09-27",
    );
    assert!(matches!(
        apply(
            &birth,
            &Action::Void {
                reasons: vec!["x".into()]
            },
            &county(),
            at("2024-10-01"),
            cal()
        ),
        Err(TransitionError::InvalidState { .. })
    ));
}

#[test]
fn the_applicant_may_withdraw_a_pending_case() {
    let case = rebirth_cq("2024-09-27");
    let withdrawn = step(&case, Action::Withdraw, &Actor::Applicant, "2024-09-28");
    assert_eq!(withdrawn.state, CaseState::Withdrawn);
    assert!(matches!(
        apply(
            &withdrawn,
            &Action::Withdraw,
            &Actor::Applicant,
            at("2024-09-28"),
            cal()
        ),
        Err(TransitionError::InvalidState { .. })
    ));
}

#[test]
fn express_delivery_needs_an_address() {
    let birth = step(
        &open(
            json!({"service": "birth_service", "division": "500116001005", "date": "2024-09-27", "marriage": "first"}),
            "2024-09-27",
        ),
        Action::Issue { out_of_city: None },
        &village(),
        "2024-09-27",
    );
    let err = apply(
        &birth,
        &Action::Deliver {
            delivery: Delivery::ExpressCod {
                address: " ".into(),
            },
        },
        &village(),
        at("2024-09-27"),
        cal(),
    );
    assert_eq!(err.unwrap_err(), TransitionError::AddressRequired);
    let ok = step(
        &birth,
        Action::Deliver {
            delivery: Delivery::SelfPrint,
        },
        &village(),
        "2024-09-27",
    );
    assert_eq!(ok.delivery, Some(Delivery::SelfPrint));
}

#[test]
fn actions_and_cases_round_trip_through_json() {
    let action: Action =
        serde_json::from_value(json!({"action": "return", "missing": ["hukou_book"], "note": ""}))
            .unwrap();
    assert_eq!(action.kind(), ActionKind::Return);
    let case = rebirth_cq("2024-09-27");
    let back: Case = serde_json::from_str(&serde_json::to_string(&case).unwrap()).unwrap();
    assert_eq!(back, case);
}

#[test]
fn a_moment_reads_in_china_time() {
    let ten_am = Moment(Moment::start_of(Date::parse("2026-03-02").unwrap()).0 + 10 * 3_600_000);
    assert_eq!(ten_am.china_time(), "2026-03-02 10:00");
    assert_eq!(Moment(0).china_time(), "1970-01-01 08:00");
}

#[test]
fn the_console_offers_exactly_what_apply_allows_each_level_now() {
    // Arrange
    let submitted = rebirth_cq("2024-09-27");
    let sealed = step(&submitted, Action::Seal, &township(), "2024-09-27");
    let opinion = step(
        &sealed,
        Action::TownshipOpinion {
            agree: true,
            opinion: "符合条件".into(),
        },
        &township(),
        "2024-09-30",
    );
    let now = at("2024-09-30");

    // Act
    let township_now = available_actions(&submitted, &township(), now, cal());
    let township_after_seal = available_actions(&sealed, &township(), now, cal());
    let county_after_opinion = available_actions(&opinion, &county(), now, cal());
    let ezhou_after_opinion = available_actions(&opinion, &ezhou(), now, cal());

    // Assert
    use ActionKind as K;
    assert_eq!(
        township_now,
        // Refusing a re-birth is the deciding county's.
        [
            K::PreReview,
            K::Return,
            K::TownshipOpinion,
            K::Seal,
            K::RequestVerification
        ]
    );
    assert!(
        !township_after_seal.contains(&K::Seal),
        "one seal per level"
    );
    assert_eq!(
        county_after_opinion,
        [
            K::Return,
            K::Approve,
            K::Refuse,
            K::Seal,
            K::RequestVerification
        ]
    );
    assert!(ezhou_after_opinion.is_empty(), "another county's case");
}

#[test]
fn an_approval_keeps_its_written_basis() {
    let case = step(
        &rebirth_cq("2024-09-27"),
        Action::PreReview,
        &village(),
        "2024-09-29",
    );

    let (approved, events) = apply(
        &case,
        &Action::Approve {
            basis: "符合再生育条件（001 一(二)）".into(),
        },
        &county(),
        at("2024-10-08"),
        cal(),
    )
    .unwrap();

    assert_eq!(approved.state, CaseState::Approved);
    assert_eq!(events[0].details, ["批准：符合再生育条件（001 一(二)）"]);
}

/// A 生育服务登记 issued by the community, with a certificate naming its holders.
fn issued_birth(day: &str) -> Case {
    let case = open(
        json!({"service": "birth_service", "division": "500116001005", "date": day, "marriage": "first"}),
        day,
    );
    let mut issued = step(&case, Action::Issue { out_of_city: None }, &village(), day);
    issued.certificate = Some(IssuedCertificate {
        facts: crate::certificate::CertificateFacts {
            number: crate::certificate::CertificateNumber::for_case(
                issued.service,
                issued.deciding,
                "JS20240927-ABCDEF",
            )
            .unwrap(),
            service: issued.service,
            holders: vec!["赵先生".into(), "钱女士".into()],
            issuer: issued.deciding,
            issued_on: d(day),
            valid_until: None,
            sealed_by: vec![],
        },
        key_id: "k".into(),
        signature: String::new(),
        superseded: Vec::new(),
    });
    issued
}

#[test]
fn a_correction_request_waits_in_the_queue_with_a_due_date_and_turns_red_when_late() {
    // Arrange
    let case = issued_birth("2024-09-27");

    // Act
    let (requested, events) = case
        .request_correction(" 钱女士 ", "姓名有误", at("2024-09-27"), cal())
        .unwrap();

    // Assert: 10 working days (the National Day holiday in between), audited, red afterwards.
    let correction = &requested.corrections[0];
    assert_eq!(correction.due, d("2024-10-16"));
    assert_eq!(correction.requested_by, "钱女士");
    assert_eq!(requested.version, case.version + 1);
    assert_eq!(requested.next_due(), Some(d("2024-10-16")));
    assert!(requested.overdue(d("2024-10-16")).is_empty());
    assert_eq!(requested.overdue(d("2024-10-17")), ["correction:1"]);
    assert_eq!(events[0].action, "request_correction");
    assert!(events[0].details[0].contains("004 四(四)"));
}

#[test]
fn correction_requests_need_a_certificate_words_and_at_most_three_open() {
    // Arrange
    let pending = rebirth_cq("2024-09-27");
    let issued = issued_birth("2024-09-27");
    let now = at("2024-09-27");

    // Act
    let no_certificate = pending.request_correction("赵先生", "x", now, cal());
    let no_words = issued.request_correction("赵先生", "  ", now, cal());
    let mut case = issued.clone();
    for _ in 0..MAX_OPEN_CORRECTIONS {
        case = case
            .request_correction("赵先生", "x", now, cal())
            .unwrap()
            .0;
    }
    let fourth = case.request_correction("赵先生", "x", now, cal());

    // Assert
    assert_eq!(no_certificate.unwrap_err(), TransitionError::NoCertificate);
    assert_eq!(no_words.unwrap_err(), TransitionError::ReasonsRequired);
    assert_eq!(fourth.unwrap_err(), TransitionError::TooManyCorrections);
}

#[test]
fn the_issuing_office_resolves_a_correction_and_a_corrected_name_is_recorded() {
    // Arrange
    let (case, _) = issued_birth("2024-09-27")
        .request_correction("钱女士", "应为钱女土", at("2024-09-27"), cal())
        .unwrap();
    let resolve = |holders: Option<Vec<&str>>| Action::ResolveCorrection {
        id: 1,
        resolution: "经核对户口簿更正".into(),
        holders: holders.map(|h| h.into_iter().map(String::from).collect()),
    };

    // Act
    let elsewhere = apply(&case, &resolve(None), &ezhou(), at("2024-09-30"), cal());
    let one_name = apply(
        &case,
        &resolve(Some(vec!["赵先生"])),
        &village(),
        at("2024-09-30"),
        cal(),
    );
    let offered = available_actions(&case, &village(), at("2024-09-30"), cal());
    let (resolved, events) = apply(
        &case,
        &resolve(Some(vec!["赵先生", "钱女土"])),
        &village(),
        at("2024-09-30"),
        cal(),
    )
    .unwrap();
    let again = apply(
        &resolved,
        &resolve(None),
        &village(),
        at("2024-09-30"),
        cal(),
    );

    // Assert
    assert_eq!(
        elsewhere.unwrap_err(),
        TransitionError::OutOfScope,
        "the issuing office resolves"
    );
    assert_eq!(one_name.unwrap_err(), TransitionError::InvalidHolders);
    assert!(offered.contains(&ActionKind::ResolveCorrection));
    let facts = &resolved.certificate.as_ref().unwrap().facts;
    assert_eq!(facts.holders, ["赵先生", "钱女土"]);
    assert_eq!(resolved.corrections[0].resolved_on, Some(d("2024-09-30")));
    assert_eq!(resolved.next_due(), None);
    assert!(
        events[0]
            .details
            .iter()
            .any(|l| l.starts_with("持证人更正：赵先生、钱女士 → 赵先生、钱女土")),
        "{:?}",
        events[0].details
    );
    assert_eq!(again.unwrap_err(), TransitionError::NoSuchCorrection);
}

// ---- Issue 16: provisional dates, recomputed when a notice is loaded ------------------------

/// The first year after the built-in holiday data (computed, so the test moves on with it).
fn first_unconfirmed_year() -> i32 {
    cal().confirmed_through().unwrap() + 1
}

#[test]
fn a_rebirth_case_after_the_built_in_years_is_provisional_until_its_notice_is_loaded() {
    let first = first_unconfirmed_year();
    for year in [first, first + 1] {
        // Arrange: 20 working days from 20 September run through 国庆.
        let day = format!("{year}-09-20");
        let case = rebirth_cq(&day);
        assert!(case.deadlines.iter().all(|d| d.provisional), "{year}");
        assert!(case.provisional_years().contains(&year));
        let notice = crate::calendar::HolidayNotice::sample(year).unwrap();
        let loaded = cal().with_notices(std::slice::from_ref(&notice));

        // Act
        let (next, events) = case.recompute_dates(&loaded, at(&day)).unwrap();

        // Assert: exact now, later by the notice's longer 国庆, and said so with its source.
        assert!(next.deadlines.iter().all(|d| !d.provisional));
        assert!(next.deadlines[0].due > case.deadlines[0].due);
        assert_eq!(next.version, case.version + 1);
        let details = &events[0].details;
        assert_eq!(events[0].action, "recompute_deadlines");
        assert!(details[0].contains(&notice.citation()), "{details:?}");
        assert!(details[1].contains("（暂算） →"), "{details:?}");
        assert!(next.provisional_years().is_empty());
        // Loading the same year again changes nothing.
        assert!(next.recompute_dates(&loaded, at(&day)).is_none());
    }
}

#[test]
fn a_red_light_the_new_date_no_longer_justifies_is_withdrawn() {
    let year = first_unconfirmed_year();
    let case = rebirth_cq(&format!("{year}-09-20"));
    let provisional_due = case.deadlines[0].due;
    let late = provisional_due.succ().unwrap().to_string();
    let (flagged, _) = case.flag_overdue(at(&late)).unwrap();
    assert_eq!(flagged.red_lights, ["decision"]);
    let loaded = cal().with_notices(&[crate::calendar::HolidayNotice::sample(year).unwrap()]);
    let (next, events) = flagged.recompute_dates(&loaded, at(&late)).unwrap();
    assert!(
        next.red_lights.is_empty(),
        "the notice moved the date past today"
    );
    assert!(events[0].details.iter().any(|d| d.contains("撤销红灯")));
}

#[test]
fn a_verification_and_a_correction_in_an_unconfirmed_year_are_provisional_too() {
    let year = first_unconfirmed_year();
    let day = format!("{year}-09-27");
    let case = rebirth_cq(&format!("{year}-09-20"));
    let asked = step(
        &case,
        Action::RequestVerification {
            to: c("420704"),
            question: "请核实".into(),
        },
        &county(),
        &day,
    );
    assert!(asked.verifications[0].provisional);
    assert!(asked.provisional_years().contains(&year));
    let loaded = cal().with_notices(&[crate::calendar::HolidayNotice::sample(year).unwrap()]);
    let (next, _) = asked.recompute_dates(&loaded, at(&day)).unwrap();
    assert!(!next.verifications[0].provisional);
    assert!(next.verifications[0].due > asked.verifications[0].due);
}

#[test]
fn deemed_issue_waits_for_the_latest_day_a_provisional_last_day_could_fall_on() {
    // Arrange: a Hubei re-birth case whose 30-day limit ends in a year without a notice.
    let year = first_unconfirmed_year();
    let case = rebirth_hb(&format!("{year}-09-20"));
    let last = case.deadlines.iter().max_by_key(|d| d.due).unwrap().clone();
    assert!(last.provisional);
    let latest = Calendar::latest_possible(
        Due {
            date: last.due,
            provisional: true,
        },
        last.limit,
    );
    assert_eq!(
        last.due.days_until(latest),
        Calendar::max_shift(last.limit),
        "the bound is computed from the notices"
    );
    let deem = |day: Date| {
        apply(
            &case,
            &Action::DeemedIssue,
            &Actor::System,
            at(&day.to_string()),
            cal(),
        )
    };

    // Act / Assert: not on the provisional last day, not on the latest, the day after.
    assert_eq!(
        deem(last.due.succ().unwrap()).unwrap_err(),
        TransitionError::NotYetDue
    );
    assert_eq!(deem(latest).unwrap_err(), TransitionError::NotYetDue);
    let (issued, events) = deem(latest.succ().unwrap()).unwrap();
    assert!(issued.deemed_issue);
    assert!(events[0].details[0].contains("暂算"));
    assert!(events[0].details[0].contains(&latest.to_string()));

    // A notice loaded later records the true last day in the audit; the issue is not re-dated.
    let loaded = cal().with_notices(&[crate::calendar::HolidayNotice::sample(year).unwrap()]);
    let after_day = latest.add_days(3).unwrap().to_string();
    let (after, events) = issued.recompute_dates(&loaded, at(&after_day)).unwrap();
    assert_eq!(after.state, CaseState::Issued);
    assert_eq!(after.decided_on, issued.decided_on);
    assert!(after.deadlines.iter().all(|d| !d.provisional));
    assert!(events[0].details.iter().any(|d| d.contains("发证日期不变")));
    assert!(after.recompute_dates(&loaded, at(&after_day)).is_none());
}

// ---- Issue 18: an office asked to verify reads and answers; it does not work the case ------

fn supervisor() -> Actor {
    Actor::staff("demo-supervisor", Role::Supervisor, c("500116"))
}

#[test]
fn an_office_asked_to_verify_reads_and_answers_and_does_nothing_else() {
    // Arrange: a 江津 case with a 协查 to 鄂城区, approved so every later step is possible.
    use crate::roles::{ActionKind as K, Capability as C};
    let case = rebirth_cq("2024-09-27");
    let asked = step(
        &case,
        Action::RequestVerification {
            to: c("420704"),
            question: "请核实男方婚育情况".into(),
        },
        &county(),
        "2024-09-27",
    );
    let pre = step(&asked, Action::PreReview, &village(), "2024-09-30");
    let approved = step(
        &pre,
        Action::Approve {
            basis: String::new(),
        },
        &county(),
        "2024-09-30",
    );

    // Act / Assert: reading and answering only.
    assert_eq!(may(&asked, &ezhou(), C::Read), Ok(()));
    assert_eq!(may(&asked, &ezhou(), C::Act(K::AnswerVerification)), Ok(()));
    for capability in [C::Reveal, C::OpenScans, C::DownloadCertificate] {
        assert_eq!(
            may(&asked, &ezhou(), capability),
            Err(TransitionError::OutOfScope),
            "{capability:?}"
        );
    }
    // Steps a county approver may take where it works the case: refused here for scope.
    for kind in [K::Return, K::Seal, K::RequestVerification, K::Refuse] {
        assert_eq!(
            apply(&asked, &probe(kind), &ezhou(), at("2024-09-30"), cal()).unwrap_err(),
            TransitionError::OutOfScope,
            "{kind:?} on the pending case"
        );
    }
    for kind in [K::Seal, K::Issue, K::Deliver, K::Revoke, K::Void] {
        assert!(
            apply(&approved, &probe(kind), &ezhou(), at("2024-10-08"), cal()).is_err(),
            "{kind:?} on the approved case"
        );
    }
    assert!(
        available_actions(&asked, &ezhou(), at("2024-09-30"), cal())
            .iter()
            .all(|k| *k == K::AnswerVerification)
    );
    // The offices that work the case keep every capability; a supervisor reads masked.
    assert_eq!(may(&asked, &county(), C::Reveal), Ok(()));
    assert_eq!(may(&asked, &village(), C::OpenScans), Ok(()));
    assert_eq!(may(&asked, &supervisor(), C::Read), Ok(()));
    assert_eq!(
        may(&asked, &supervisor(), C::Reveal),
        Err(TransitionError::OutOfScope)
    );
    assert_eq!(may(&asked, &supervisor(), C::DownloadCertificate), Ok(()));
    let admin = Actor::Staff {
        username: "demo-admin".into(),
        role: Role::Admin,
        division: Some(c("500116")),
    };
    assert!(matches!(
        may(&asked, &admin, C::Read),
        Err(TransitionError::NoCaseAccess { .. })
    ));
    // Without a 协查, the hukou place's office has nothing.
    assert_eq!(
        may(&case, &ezhou(), C::Read),
        Err(TransitionError::OutOfScope)
    );
}

/// A payload for `kind` that is valid in itself (reasons given, an address), so only
/// permission, scope and state decide.
fn probe(kind: crate::roles::ActionKind) -> Action {
    use crate::roles::ActionKind as K;
    match kind {
        K::PreReview => Action::PreReview,
        K::Return => Action::Return {
            missing: vec![MaterialCode::HukouBook],
            items: vec![],
            note: String::new(),
            exception: None,
        },
        K::Seal => Action::Seal,
        K::RequestVerification => Action::RequestVerification {
            to: c("220102"),
            question: "q".into(),
        },
        K::Refuse => Action::Refuse {
            reasons: vec!["r".into()],
        },
        K::Issue => Action::Issue { out_of_city: None },
        K::Deliver => Action::Deliver {
            delivery: Delivery::SelfPrint,
        },
        K::Revoke => Action::Revoke {
            reasons: vec!["r".into()],
        },
        K::Void => Action::Void {
            reasons: vec!["r".into()],
        },
        other => panic!("no probe for {other:?}"),
    }
}

#[test]
fn a_seal_is_its_offices_own_and_another_office_cannot_take_its_place() {
    // Accepted at a 几江街道 community, decided by 江津区: the township seals once.
    let case = rebirth_cq("2024-09-27");
    let sealed = step(&case, Action::Seal, &township(), "2024-09-27");
    assert_eq!(sealed.seals[0].division, c("500116001"));
    assert_eq!(
        apply(&sealed, &Action::Seal, &township(), at("2024-09-27"), cal()).unwrap_err(),
        TransitionError::AlreadySealed
    );
    // A township that does not work the case cannot seal it, whatever its level.
    let other = Actor::staff("other", Role::TownshipOfficer, c("500116002"));
    assert_eq!(
        apply(&case, &Action::Seal, &other, at("2024-09-27"), cal()).unwrap_err(),
        TransitionError::OutOfScope
    );
}

fn zhao(day: &str) -> Case {
    // 003 附件1: Mr Zhao's hukou is in 鄂城区, his wife's in 几江街道.
    open(
        json!({"service": "birth_service", "division": "500116001005", "date": day,
               "marriage": "first", "children": [],
               "hukou": {"husband": "420704", "wife": "500116001"}}),
        day,
    )
}

fn item(code: MaterialCode, defect: Defect) -> ReturnedItem {
    ReturnedItem {
        code,
        defect,
        detail: String::new(),
    }
}

fn return_items(items: Vec<ReturnedItem>, exception: Option<&str>) -> Action {
    Action::Return {
        missing: vec![],
        items,
        note: String::new(),
        exception: exception.map(str::to_string),
    }
}

#[test]
fn a_return_never_asks_for_what_the_window_provides_000_2_2_2_and_003_3_2() {
    let case = zhao("2024-09-27");
    assert!(!case.asked_for().contains(&MaterialCode::MaritalStatusProof));
    let asked = apply(
        &case,
        &return_items(
            vec![
                item(MaterialCode::HukouBook, Defect::Unreadable),
                item(MaterialCode::MaritalStatusProof, Defect::Missing),
            ],
            None,
        ),
        &village(),
        at("2024-09-27"),
        cal(),
    );
    assert_eq!(
        asked.unwrap_err(),
        TransitionError::NotAskedFor(vec![MaterialCode::MaritalStatusProof])
    );
    // Not on this situation's list at all (no divorce here).
    let foreign = apply(
        &case,
        &return_items(vec![item(MaterialCode::DivorceCert, Defect::Missing)], None),
        &county(),
        at("2024-09-27"),
        cal(),
    );
    assert_eq!(
        foreign.unwrap_err(),
        TransitionError::NotAskedFor(vec![MaterialCode::DivorceCert])
    );
    assert!(
        case.returnable()
            .iter()
            .all(|r| !r.needs_exception && r.code != MaterialCode::MaritalStatusProof)
    );
}

#[test]
fn a_return_says_what_is_wrong_with_each_item_000_2_2_2() {
    let case = zhao("2024-09-27");
    let (returned, events) = apply(
        &case,
        &return_items(
            vec![ReturnedItem {
                code: MaterialCode::HukouBook,
                defect: Defect::Expired,
                detail: "户口簿未更新至现住址".into(),
            }],
            None,
        ),
        &village(),
        at("2024-09-27"),
        cal(),
    )
    .unwrap();
    let record = &returned.returns[0];
    assert_eq!(record.items[0].defect, Defect::Expired);
    assert_eq!(record.by, "demo-village");
    assert!(
        events[0]
            .details
            .iter()
            .any(|d| d == "已过期：户口簿（户口簿未更新至现住址）"),
        "{:?}",
        events[0].details
    );
}

#[test]
fn a_second_return_names_only_what_is_still_defective_or_resubmitted_000_2_2_2() {
    let case = zhao("2024-09-27");
    let returned = step(
        &case,
        return_items(
            vec![item(MaterialCode::HukouBook, Defect::Unreadable)],
            None,
        ),
        &village(),
        "2024-09-27",
    );
    let mut again = step(&returned, Action::Resubmit, &Actor::Applicant, "2024-09-30");
    again.note_resubmitted(&[MaterialCode::HukouBook, MaterialCode::MarriageCert]);

    // Zhao's third visit: the ID cards were accepted the first time.
    let third_visit = apply(
        &again,
        &return_items(vec![item(MaterialCode::IdCards, Defect::Expired)], None),
        &township(),
        at("2024-10-08"),
        cal(),
    );
    assert_eq!(
        third_visit.unwrap_err(),
        TransitionError::AcceptedBefore(vec![MaterialCode::IdCards])
    );
    // The hukou book is still unreadable; the marriage certificate was changed by the
    // resubmission: both may be named.
    let named = step(
        &again,
        return_items(
            vec![
                item(MaterialCode::HukouBook, Defect::Unreadable),
                item(MaterialCode::MarriageCert, Defect::Inconsistent),
            ],
            None,
        ),
        &township(),
        "2024-10-08",
    );
    assert_eq!(named.returns.len(), 2);
    assert!(named.returns.iter().all(|r| r.exception.is_none()));
    let id_cards = again
        .returnable()
        .into_iter()
        .find(|r| r.code == MaterialCode::IdCards)
        .unwrap();
    assert!(id_cards.needs_exception);
}

#[test]
fn only_a_county_approver_with_a_written_reason_may_name_an_accepted_item_again_000_2_2_2() {
    let case = zhao("2024-09-27");
    let returned = step(
        &case,
        return_items(
            vec![item(MaterialCode::HukouBook, Defect::Unreadable)],
            None,
        ),
        &village(),
        "2024-09-27",
    );
    let again = step(&returned, Action::Resubmit, &Actor::Applicant, "2024-09-30");
    let id_again = |reason: Option<&str>| {
        return_items(
            vec![item(MaterialCode::IdCards, Defect::Inconsistent)],
            reason,
        )
    };
    for (who, reason) in [
        (village(), Some("身份证号与户口簿不符")),
        (township(), Some("身份证号与户口簿不符")),
        (county(), None),
        (county(), Some("   ")),
    ] {
        assert_eq!(
            apply(&again, &id_again(reason), &who, at("2024-10-08"), cal()).unwrap_err(),
            TransitionError::AcceptedBefore(vec![MaterialCode::IdCards]),
            "{who:?} {reason:?}"
        );
    }
    let (excepted, events) = apply(
        &again,
        &id_again(Some("身份证号与户口簿不符，经公安核实身份证系伪造")),
        &county(),
        at("2024-10-08"),
        cal(),
    )
    .unwrap();
    assert_eq!(
        excepted.returns[1].exception.as_deref(),
        Some("身份证号与户口簿不符，经公安核实身份证系伪造")
    );
    assert!(
        events[0]
            .details
            .iter()
            .any(|d| d.starts_with("例外：") && d.contains(RETURN_SOURCE))
    );
}

#[test]
fn a_birth_service_case_records_the_honour_certificate_cancellation_001_4_1() {
    let case = open(
        json!({"service": "birth_service", "division": "500116001005", "date": "2024-09-27",
               "marriage": "first", "honor_certificate": true,
               "children": [{"born": "2012-05-01", "of": "joint", "disability": "none"}]}),
        "2024-09-27",
    );
    assert_eq!(case.honor_certificate_cancelled_on, Some(d("2024-09-27")));
}

#[test]
fn a_resubmission_restarts_the_review_and_its_limits_000_2_2_5_and_licensing_law_art_32() {
    // Hubei: 30 days in all from acceptance (000 二(二)5).
    let case = rebirth_hb("2024-09-27");
    let original_last = case.deadlines.iter().map(|d| d.due).max().unwrap();
    let returned = step(
        &case,
        return_items(
            vec![item(MaterialCode::HukouBook, Defect::Unreadable)],
            None,
        ),
        &ezhou(),
        "2024-10-25",
    );
    // Not deemed while the case waits for the applicant.
    assert!(matches!(
        apply(
            &returned,
            &Action::DeemedIssue,
            &Actor::System,
            at("2024-10-29"),
            cal()
        ),
        Err(TransitionError::InvalidState { .. })
    ));
    let (again, events) = apply(
        &returned,
        &Action::Resubmit,
        &Actor::Applicant,
        at("2024-10-28"),
        cal(),
    )
    .unwrap();
    assert_eq!(again.review_from, Some(d("2024-10-28")));
    assert!(events[0].details[0].contains(RESTART_SOURCE));
    let new_last = again.deadlines.iter().map(|d| d.due).max().unwrap();
    assert!(new_last > original_last, "{new_last} after {original_last}");
    assert!(again.deadlines.iter().all(|d| d.done_on.is_none()));
    // The resubmitted materials are open to review for the whole limit: no deemed issue on
    // the day after the first limit.
    assert_eq!(
        apply(
            &again,
            &Action::DeemedIssue,
            &Actor::System,
            at("2024-10-29"),
            cal()
        )
        .unwrap_err(),
        TransitionError::NotYetDue
    );
}

#[test]
fn a_deemed_certificate_is_dated_the_last_legal_day_000_2_2_5() {
    let case = rebirth_hb("2024-09-27");
    let last = case.deadlines.iter().map(|d| d.due).max().unwrap();
    // The sweep notices a week late.
    let issued = step(&case, Action::DeemedIssue, &Actor::System, "2024-11-05");
    assert!(issued.deemed_issue);
    assert_eq!(issued.decided_on, Some(last));
}

fn issue_with(check: Option<OutOfCityCheck>) -> Action {
    Action::Issue { out_of_city: check }
}

#[test]
fn an_out_of_province_proof_is_issued_after_the_window_verifies_by_phone_or_letter_003_3_2() {
    // Arrange: a woman whose hukou is in 鄂城区 asks 四牌坊社区 for her 婚育情况证明.
    let case = open(
        json!({"service": "marital_status_proof", "division": "500116001005", "date": "2024-09-27",
               "marriage": "first", "children": [],
               "hukou": {"husband": "420704", "wife": "420704"}}),
        "2024-09-27",
    );
    assert!(case.needs_out_of_city_check());
    let blank = OutOfCityCheck {
        method: CheckMethod::Phone,
        contact: "  ".into(),
        result: "无".into(),
    };

    // Act + assert: never issued unverified, never sent home; issued once the check is written.
    for check in [None, Some(blank)] {
        assert_eq!(
            apply(
                &case,
                &issue_with(check),
                &village(),
                at("2024-09-27"),
                cal()
            )
            .unwrap_err(),
            TransitionError::OutOfCityCheckRequired
        );
    }
    let (issued, events) = apply(
        &case,
        &issue_with(Some(OutOfCityCheck {
            method: CheckMethod::Phone,
            contact: "鄂城区凤凰街道计生办 0711-3200000".into(),
            result: "初婚，未生育，与所述一致".into(),
        })),
        &village(),
        at("2024-09-27"),
        cal(),
    )
    .unwrap();
    assert_eq!(issued.state, CaseState::Issued);
    let recorded = issued.out_of_city_check.unwrap();
    assert_eq!(
        (recorded.on, recorded.by.as_str()),
        (d("2024-09-27"), "demo-village")
    );
    assert!(
        events[0].details[0].contains("电话核实")
            && events[0].details[0].contains(OUT_OF_CITY_SOURCE)
    );
    // A local applicant needs none.
    let local = open(
        json!({"service": "marital_status_proof", "division": "500116001005", "date": "2024-09-27",
               "marriage": "first", "children": []}),
        "2024-09-27",
    );
    assert!(!local.needs_out_of_city_check());
    assert!(
        apply(
            &local,
            &issue_with(None),
            &village(),
            at("2024-09-27"),
            cal()
        )
        .is_ok()
    );
}

#[test]
fn an_out_of_province_proof_becomes_a_promise_case_only_when_checks_cannot_finish_004_3_3() {
    // Arrange: the hukou is in 鄂城区 (Hubei); the proof is asked at 四牌坊社区.
    let case = open(
        json!({"service": "marital_status_proof", "division": "500116001005", "date": "2024-09-27",
               "marriage": "first", "children": [],
               "hukou": {"husband": "420704", "wife": "420704"}}),
        "2024-09-27",
    );
    let defer = |reason: &str| Action::DeferOutOfCityCheck {
        reason: reason.into(),
        to: Some(c("420704")),
    };
    assert_eq!(case.processing, Processing::Instant);

    // Act
    let no_reason = apply(&case, &defer(" "), &village(), at("2024-09-27"), cal());
    let (deferred, events) = apply(
        &case,
        &defer("曾在三地登记婚姻，需向三地核查"),
        &village(),
        at("2024-09-27"),
        cal(),
    )
    .unwrap();

    // Assert: written reason required; a promise case with a dated step and a 协查, told why.
    assert_eq!(no_reason.unwrap_err(), TransitionError::ReasonsRequired);
    assert_eq!(deferred.processing, Processing::Promise);
    assert_eq!(deferred.out_of_city_deferred, Some(d("2024-09-27")));
    assert_eq!(deferred.deadlines.len(), 1);
    assert_eq!(deferred.deadlines[0].step, "out_of_city_check");
    // 10 working days from 27 September: the make-up Sundays 29 Sep and 12 Oct count, the
    // National Day week does not.
    assert_eq!(deferred.deadlines[0].due, d("2024-10-16"));
    assert_eq!(deferred.verifications[0].to, c("420704"));
    assert!(events[0].details[0].contains(out_of_city::DEFER_SOURCE));
    // Once only; and the window still issues it, with the check recorded, without approval.
    assert!(matches!(
        apply(
            &deferred,
            &defer("再次"),
            &village(),
            at("2024-09-30"),
            cal()
        )
        .unwrap_err(),
        TransitionError::InvalidState { .. }
    ));
    let check = OutOfCityCheck {
        method: CheckMethod::Letter,
        contact: "鄂城区凤凰街道计生办".into(),
        result: "初婚，未生育".into(),
    };
    // Nothing to approve: a township officer cannot turn it into an approval.
    assert!(!deferred.township_decides());
    assert!(
        apply(
            &deferred,
            &Action::Approve {
                basis: String::new()
            },
            &township(),
            at("2024-09-30"),
            cal()
        )
        .is_err()
    );
    let issued = step(&deferred, issue_with(Some(check)), &village(), "2024-10-10");
    assert_eq!(issued.state, CaseState::Issued);
    assert!(issued.overdue(d("2024-10-30")).is_empty());
    // A local applicant's proof has nothing to defer: it is issued on the spot.
    let local = open(
        json!({"service": "marital_status_proof", "division": "500116001005", "date": "2024-09-27",
               "marriage": "first", "children": []}),
        "2024-09-27",
    );
    assert!(apply(&local, &defer("-"), &village(), at("2024-09-27"), cal()).is_err());
}

#[test]
fn the_first_office_forwards_a_file_outside_the_system_and_records_it_000_2_2_3() {
    // Arrange: both registered in 河南 金水区; a month in 鄂城区; asked at the county.
    let case = open(
        json!({"service": "rebirth", "division": "420704", "date": "2025-07-01", "marriage": "first",
               "children": [{"born": "2012-05-01", "of": "joint", "disability": "none"},
                            {"born": "2016-05-01", "of": "joint", "disability": "non_hereditary_appraised"}],
               "hukou": {"husband": "410105", "wife": "410105"},
               "residence": {"division": "420704", "since": "2025-06-01"}}),
        "2025-07-01",
    );
    assert!(case.decided_outside());
    assert_eq!(case.deadlines.len(), 1);
    assert_eq!(case.deadlines[0].step, "forward");
    let forward = |via: &str| Action::ForwardOut { via: via.into() };

    // Act / assert: nobody here approves it; the accepting office sends it, saying how.
    assert!(matches!(
        apply(
            &case,
            &Action::Approve {
                basis: String::new()
            },
            &ezhou(),
            at("2025-07-02"),
            cal()
        )
        .unwrap_err(),
        TransitionError::OutOfScope | TransitionError::InvalidState { .. }
    ));
    assert_eq!(
        apply(&case, &forward(" "), &ezhou(), at("2025-07-02"), cal()).unwrap_err(),
        TransitionError::ReasonsRequired
    );
    let (sent, events) = apply(
        &case,
        &forward("EMS 1234567890 寄金水区卫生健康委"),
        &ezhou(),
        at("2025-07-02"),
        cal(),
    )
    .unwrap();
    assert_eq!(sent.state, CaseState::Forwarded);
    assert!(events[0].details[0].contains("410105"));
    assert!(sent.overdue(d("2025-08-01")).is_empty());
    // A case decided inside the system is not forwarded out.
    let local = rebirth_hb("2025-07-01");
    assert!(apply(&local, &forward("EMS"), &ezhou(), at("2025-07-02"), cal()).is_err());
}
