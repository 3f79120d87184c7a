//! What must be done, and by whom, before an instant item is handed over when the window that
//! took it in is not the office the texts make responsible for it (issue 17 points 3 and 4).

use super::{Case, CaseState, TransitionError};
use crate::division::Level;
use crate::policy::rules;
use crate::roles::Actor;
use crate::service::Service;

/// 重庆 004 四(三): the 申报地 pre-reviews ("预审接件") an application taken at any window in the
/// city; only after the pre-review passes is the item printed on the spot or posted. The 申报地
/// itself may pre-review and issue in one step.
///
/// 吉林 002 第三条、第十五条: a birth card taken in at a village is registered by its township;
/// online, the levels seal at the same time and the first-contact office prints the card. The
/// township's seal is its registration; the township itself may register and issue in one step.
pub(super) fn ready_to_issue(case: &Case, actor: &Actor) -> Result<(), TransitionError> {
    let at = |office| match actor {
        Actor::Staff {
            division: Some(d), ..
        } => d.contains(office),
        _ => false,
    };
    if let Some(place) = case.reviewing
        && case.state == CaseState::Submitted
        && !at(place)
    {
        return Err(TransitionError::PreReviewRequired(place));
    }
    let registers = rules::for_province(case.accepting.province_number())
        .and_then(|r| r.township_registers_birth_card)
        .is_some();
    if registers
        && case.service == Service::BirthService
        && case.accepting.level() == Level::Village
        && let Some(township) = case.accepting.ancestor(Level::Township)
        && !at(township)
        && !case.seals.iter().any(|s| s.division == township)
    {
        return Err(TransitionError::RegistrationRequired(township));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::{Action, apply};
    use super::*;
    use crate::calendar::Calendar;
    use crate::case::Moment;
    use crate::contract::EligibilityRequest;
    use crate::date::Date;
    use crate::division::DivisionCode;
    use crate::roles::Role;

    fn c(s: &str) -> DivisionCode {
        DivisionCode::parse(s).unwrap()
    }

    fn at(day: &str) -> Moment {
        Moment(Moment::start_of(Date::parse(day).unwrap()).0 + 10 * 3600 * 1000)
    }

    fn staff(role: Role, division: &str) -> Actor {
        Actor::staff("demo", role, c(division))
    }

    fn open(situation: serde_json::Value, taken_in_by: &Actor) -> Case {
        let situation = EligibilityRequest::from_json(&situation).unwrap();
        let answer = crate::policy::check(&situation).unwrap();
        assert!(answer.eligible, "{:?}", answer.reasons);
        let day = situation.date.to_string();
        Case::open(
            "C-1".into(),
            situation,
            &answer,
            taken_in_by.clone(),
            at(&day),
            Calendar::builtin(),
        )
        .unwrap()
        .0
    }

    fn act(case: &Case, action: Action, actor: &Actor) -> Result<Case, TransitionError> {
        apply(case, &action, actor, at("2024-09-27"), Calendar::builtin()).map(|(c, _)| c)
    }

    const ISSUE: Action = Action::Issue { out_of_city: None };

    #[test]
    fn chongqing_004_4_3_the_declared_place_pre_reviews_and_decides_what_another_window_took() {
        // Arrange: taken in at a 江津 village; the wife's hukou is a township of 永川 (500118001).
        let window = staff(Role::VillageClerk, "500116001005");
        let case = open(
            json!({"service": "birth_service", "division": "500116001005", "date": "2024-09-27",
                   "marriage": "first", "children": [],
                   "hukou": {"wife": "500118001", "husband": "500118001"}}),
            &window,
        );
        // The 申报地 decides and pre-reviews; the window still sees the case it took.
        assert_eq!(case.deciding, c("500118001"));
        assert_eq!(case.reviewing, Some(c("500118001")));
        assert!(case.working_offices().contains(&c("500116001005")));

        // Act / assert: the window cannot print before the pre-review, nor pre-review itself.
        assert_eq!(
            act(&case, ISSUE, &window).unwrap_err(),
            TransitionError::PreReviewRequired(c("500118001"))
        );
        assert_eq!(
            act(&case, Action::PreReview, &window).unwrap_err(),
            TransitionError::OutOfScope
        );
        let declared = staff(Role::TownshipOfficer, "500118001");
        let reviewed = act(&case, Action::PreReview, &declared).unwrap();
        assert_eq!(
            act(&reviewed, ISSUE, &window).unwrap().state,
            CaseState::Issued
        );
        // The 申报地 may pre-review and issue in one step.
        assert_eq!(
            act(&case, ISSUE, &declared).unwrap().state,
            CaseState::Issued
        );
    }

    #[test]
    fn chongqing_004_4_3_a_window_at_the_declared_place_decides_itself() {
        let window = staff(Role::VillageClerk, "500116001005");
        let case = open(
            json!({"service": "birth_service", "division": "500116001005", "date": "2024-09-27",
                   "marriage": "first", "children": [],
                   "hukou": {"wife": "500116", "husband": "420704"}}),
            &window,
        );
        assert_eq!((case.deciding, case.reviewing), (c("500116001005"), None));
        assert_eq!(act(&case, ISSUE, &window).unwrap().state, CaseState::Issued);
    }

    #[test]
    fn jilin_002_art3_art15_the_township_registers_a_card_the_village_took_in() {
        // 长春 朝阳区 a village of 220104001.
        let village = staff(Role::VillageClerk, "220104001001");
        let case = open(
            json!({"service": "birth_service", "division": "220104001001", "date": "2024-09-27",
                   "marriage": "first", "children": []}),
            &village,
        );
        assert_eq!(case.deciding, c("220104001"));
        assert_eq!(
            act(&case, ISSUE, &village).unwrap_err(),
            TransitionError::RegistrationRequired(c("220104001"))
        );
        // Online the levels seal at the same time; once the township has, the village prints.
        let township = staff(Role::TownshipOfficer, "220104001");
        let sealed = act(
            &act(&case, Action::Seal, &village).unwrap(),
            Action::Seal,
            &township,
        )
        .unwrap();
        assert_eq!(
            act(&sealed, ISSUE, &village).unwrap().state,
            CaseState::Issued
        );
        // The township may register and issue in one step.
        assert_eq!(
            act(&case, ISSUE, &township).unwrap().state,
            CaseState::Issued
        );
    }

    #[test]
    fn jilin_002_art6_the_rebirth_opinion_comes_from_the_township_of_a_spouses_hukou() {
        // Living over a month in 朝阳区 220104001; the husband's hukou is 南关区 220102001.
        let window = staff(Role::TownshipOfficer, "220104001");
        let case = open(
            json!({"service": "rebirth", "division": "220104001", "date": "2024-09-27",
                   "marriage": "first",
                   "hukou": {"husband": "220102001"},
                   "residence": {"division": "220104001", "since": "2023-01-01"},
                   "children": [{"born": "2012-05-01", "of": "joint", "disability": "none"},
                                {"born": "2016-05-01", "of": "joint", "disability": "non_hereditary_appraised"}]}),
            &window,
        );
        assert_eq!(case.reviewing, Some(c("220102001")));
        assert_eq!(case.deciding, c("220102"));
        let opinion = || Action::TownshipOpinion {
            agree: true,
            opinion: "符合再生育条件".into(),
        };
        assert_eq!(
            act(&case, opinion(), &window).unwrap_err(),
            TransitionError::OutOfScope
        );
        let hukou_township = staff(Role::TownshipOfficer, "220102001");
        let reviewed = act(&case, opinion(), &hukou_township).unwrap();
        assert_eq!(reviewed.state, CaseState::TownshipReviewed);
    }

    #[test]
    fn honour_certificate_one_deciding_office_the_township_decides() {
        // Hubei (鄂州 华容区 a township): one office decides; no county approval follows.
        let township = staff(Role::TownshipOfficer, "420704001");
        let case = open(
            json!({"service": "only_child_honor", "division": "420704001", "date": "2024-09-27",
                   "marriage": "first",
                   "children": [{"born": "2012-05-01", "of": "joint", "disability": "none"}]}),
            &township,
        );
        assert!(case.township_decides());
        let approve = || Action::Approve {
            basis: "只生育一个子女".into(),
        };
        let county = staff(Role::CountyApprover, "420704");
        assert!(matches!(
            act(&case, approve(), &county).unwrap_err(),
            TransitionError::NotPermitted { .. }
        ));
        assert!(matches!(
            act(
                &case,
                Action::TownshipOpinion {
                    agree: true,
                    opinion: "同意".into()
                },
                &township
            )
            .unwrap_err(),
            TransitionError::InvalidState { .. }
        ));
        let approved = act(&case, approve(), &township).unwrap();
        assert_eq!(approved.state, CaseState::Approved);
        assert_eq!(
            act(&approved, ISSUE, &township).unwrap().state,
            CaseState::Issued
        );
    }
}
