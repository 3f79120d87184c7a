//! "Check your answers": everything the application says, each with a link to change it, then
//! one submit. A 422 from the server comes back to the form as an error summary with every
//! problem linked to its field; nothing typed or uploaded is lost.

use domain::case::Delivery;
use domain::contract::ProblemItem;
use domain::contract::{
    ApplicantEntry, Application, CommitmentEntry, EligibilityAnswer, FieldError, PersonEntry,
};
use domain::materials::{MaterialCode, MaterialProblem};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api::{self, ApiError};
use crate::components::Divisions;
use crate::i18n::{Lang, bi, tr};
use crate::pages::apply::{eligible_answer, married, material_field, validate};
use crate::state::{DeliveryChoice, Draft, FieldIssue, Today};

/// The body of `POST /api/cases` (SPEC §9, with the delivery and commitment extensions) and
/// the order of its materials (to link a problem with `materials[i]` to its upload); `None`
/// while the situation is incomplete.
pub fn submission(draft: Draft) -> Option<(Application, Vec<MaterialCode>)> {
    let situation = draft.situation(Today::get())?;
    let materials = draft.provided();
    let order: Vec<MaterialCode> = materials
        .iter()
        .filter_map(|p| MaterialCode::from_code(&p.code))
        .collect();
    let delivery = match draft.delivery.get_untracked() {
        DeliveryChoice::ExpressCod => Delivery::ExpressCod {
            address: draft.address.get_untracked().trim().to_string(),
        },
        DeliveryChoice::SelfPrint => Delivery::SelfPrint,
        DeliveryChoice::Pickup => Delivery::Pickup,
    };
    let application = Application {
        situation,
        applicant: ApplicantEntry {
            name: draft.applicant_name.get_untracked().trim().to_string(),
            id_number: draft.applicant_id.get_untracked().trim().to_string(),
            phone: draft.phone.get_untracked().trim().to_string(),
        },
        spouse: married(draft).then(|| PersonEntry {
            name: draft.spouse_name.get_untracked().trim().to_string(),
            id_number: draft.spouse_id.get_untracked().trim().to_string(),
        }),
        materials,
        delivery: Some(delivery),
        commitment: (draft.committed.get_untracked() && !draft.dishonest.get_untracked())
            .then(CommitmentEntry::current),
        // Messages as the applicant chose, in the language they used (issue 20).
        notify: Some(crate::messages::preference(
            &draft.notify_channel.get_untracked(),
            &draft.notify_email.get_untracked(),
        )),
    };
    Some((application, order))
}

/// The form field a server error is about.
fn field_for(path: &str, order: &[MaterialCode]) -> String {
    let simple = [
        ("applicant.name", "applicant-name"),
        ("applicant.id_number", "applicant-id"),
        ("applicant.phone", "applicant-phone"),
        ("spouse.name", "spouse-name"),
        ("spouse.id_number", "spouse-id"),
        ("spouse", "spouse-name"),
        ("delivery.address", "delivery-address"),
        ("delivery.method", "delivery-pickup"),
        ("notify.email", "notify-address"),
        ("notify", "notify-sms"),
    ];
    if let Some((_, id)) = simple.iter().find(|(p, _)| *p == path) {
        return (*id).to_string();
    }
    if path.starts_with("commitment") {
        return "commitment".into();
    }
    if let Some(rest) = path.strip_prefix("materials[")
        && let Some(i) = rest.split(']').next().and_then(|i| i.parse::<usize>().ok())
        && let Some(code) = order.get(i)
    {
        return material_field(*code);
    }
    String::new()
}

/// The domain's field errors (the same check the server runs) as issues linked to fields.
pub fn issues_from_fields(errors: &[FieldError], order: &[MaterialCode]) -> Vec<FieldIssue> {
    errors
        .iter()
        .map(|e| FieldIssue::bilingual(&field_for(&e.field, order), &e.message))
        .collect()
}

/// Every problem of a 422 answer as an issue linked to its field.
pub fn issues_from(error: &ApiError, order: &[MaterialCode]) -> Vec<FieldIssue> {
    let ApiError::Problem(p) = error else {
        return vec![FieldIssue::bilingual("", &error.message())];
    };
    if p.errors.is_empty() {
        return vec![FieldIssue::new("", p.title.clone(), p.title_en.clone())];
    }
    p.items()
        .iter()
        .map(|e| match e {
            ProblemItem::Material(MaterialProblem::MaterialMissing { material: m }) => {
                FieldIssue::new(
                    &material_field(*m),
                    format!("缺少材料：{}", m.name_zh()),
                    format!("Missing: {}", m.name_en()),
                )
            }
            ProblemItem::Material(MaterialProblem::MaterialDuplicated { material: m }) => {
                FieldIssue::new(
                    &material_field(*m),
                    format!("材料有误：{}", m.name_zh()),
                    format!("A problem with: {}", m.name_en()),
                )
            }
            ProblemItem::Material(MaterialProblem::MaterialUnknown { material }) => {
                FieldIssue::new(
                    "",
                    format!("未知材料：{material}"),
                    format!("Unknown material: {material}"),
                )
            }
            ProblemItem::Ineligible(_) => FieldIssue::new(
                "",
                "按今天的规定不符合办理条件，请重新检查条件",
                "Under today's rules this is not eligible: check again",
            ),
            ProblemItem::Field(f) => FieldIssue::bilingual(&field_for(&f.field, order), &f.message),
            ProblemItem::Other(o) => {
                FieldIssue::bilingual("", o.message.as_deref().unwrap_or(&o.code))
            }
        })
        .collect()
}

#[component]
pub fn Review() -> impl IntoView {
    let draft = Draft::get();
    move || match eligible_answer(draft) {
        None => view! {
            <h1>{move || tr("没有待提交的申请", "Nothing to submit")}</h1>
            <a class="button" href="/">{move || tr("返回首页", "Home")}</a>
        }
        .into_any(),
        Some(answer) => view! { <Answers answer=answer /> }.into_any(),
    }
}

// Long: the review page's summary of every answer, in the order the form asked them.
#[component]
fn Answers(answer: EligibilityAnswer) -> impl IntoView {
    let draft = Draft::get();
    let navigate = use_navigate();
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let answer = StoredValue::new(answer);
    let submit = move |_| {
        if busy.get_untracked() {
            return;
        }
        // Checked again here: a file may have failed since the form was left.
        let found = answer.with_value(|a| validate(draft, a));
        if !found.is_empty() {
            draft.server_issues.set(found);
            navigate("/apply", Default::default());
            return;
        }
        let Some((body, order)) = submission(draft) else {
            navigate("/check", Default::default());
            return;
        };
        let key = draft.idempotency_key.get_value();
        // At a window the submission is made in the staff member's name (SPEC §9).
        let window_token = draft
            .window
            .get_untracked()
            .then(|| crate::staff::Staff::get().session_untracked())
            .flatten()
            .map(|s| s.token);
        busy.set(true);
        failure.set(None);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let result = match window_token {
                Some(token) => api::window_submit(&body, &key, &token).await,
                None => api::submit(&body, &key).await,
            };
            busy.set(false);
            match result {
                Ok(done) => {
                    draft.submitted.set(Some(done));
                    draft.clear_application();
                    navigate("/apply/done", Default::default());
                }
                Err(e @ ApiError::Problem(_)) if matches!(&e, ApiError::Problem(p) if p.status == 422 || p.status == 400) =>
                {
                    draft.server_issues.set(issues_from(&e, &order));
                    navigate("/apply", Default::default());
                }
                // Network trouble or a busy server: stay here, keep everything, try again
                // with the same key (a lost answer never makes a second case).
                Err(e) => failure.set(Some(e.message())),
            }
        });
    };
    let divisions = Divisions::get();
    let row = |label: &'static str,
               label_en: &'static str,
               value: String,
               href: &str,
               id: &'static str| {
        let href = href.to_string();
        view! {
            <div class="summary-row">
                <dt>{move || tr(label, label_en)}</dt>
                <dd id=id>{value}</dd>
                <dd class="change"><a href=href>{move || tr("修改", "Change")}<span class="visually-hidden">{format!(" {label_en}")}</span></a></dd>
            </div>
        }
    };
    let service = draft.service.get_untracked();
    let office = draft
        .division
        .get_untracked()
        .map(|d| divisions.full_name(&d.to_string()))
        .unwrap_or_default();
    let masked = |s: String| match domain::IdNumber::parse(s.trim()) {
        Ok(id) => id.masked(),
        Err(_) => s,
    };
    let uploads = draft.uploaded();
    let delivery = match draft.delivery.get_untracked() {
        DeliveryChoice::Pickup => tr("窗口领取", "Collect at the office").to_string(),
        DeliveryChoice::ExpressCod => format!(
            "{}：{}",
            tr("快递（到付）", "Express, paid on delivery"),
            draft.address.get_untracked()
        ),
        DeliveryChoice::SelfPrint => tr("自行打印电子证照", "Self-print").to_string(),
    };
    let check = format!("/check/{}/where", service.code());
    view! {
        <h1>{move || tr("核对您的申请信息", "Check your answers")}</h1>
        <dl class="summary">
            {row("事项", "Service", match Lang::current() { Lang::Zh => service.name_zh().into(), Lang::En => service.name_en().into() }, &check, "review-service")}
            {row("受理地", "Office", office, &check, "review-office")}
            {row("申请人", "Applicant", draft.applicant_name.get_untracked(), "/apply", "review-applicant")}
            {row("身份证号码", "ID number", masked(draft.applicant_id.get_untracked()), "/apply", "review-applicant-id")}
            {row("手机号码", "Mobile", draft.phone.get_untracked(), "/apply", "review-phone")}
            {married(draft).then(|| row("配偶", "Spouse", format!("{} {}", draft.spouse_name.get_untracked(), masked(draft.spouse_id.get_untracked())), "/apply", "review-spouse"))}
            {row("已上传材料", "Uploaded", uploads.iter().map(|(c, ids)| format!("{}（{}）", c.name_zh(), ids.len())).collect::<Vec<_>>().join("、"), "/apply", "review-materials")}
            {row("承诺", "Commitment", if draft.committed.get_untracked() { tr("已承诺", "Made").into() } else { tr("未承诺", "Not made").into() }, "/apply", "review-commitment")}
            {row("领取方式", "Delivery", delivery, "/apply", "review-delivery")}
        </dl>
        {move || failure.get().map(|m| view! { <p class="field-error" role="alert" id="submit-failure">{bi(&m)}</p> })}
        <p class="hint">{move || tr(
            "提交后即受理，系统将给出受理编号和查询码。所有事项免费。",
            "Submitting makes the application: you get a case number and an access code. Every service is free.",
        )}</p>
        <button type="button" class="button" id="submit-application" on:click=submit disabled=move || busy.get()>
            {move || if busy.get() { tr("正在提交…", "Submitting…") } else { tr("确认并提交申请", "Confirm and submit") }}
        </button>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Problem;
    use serde_json::{Value, json};

    fn problem(errors: Value) -> ApiError {
        ApiError::Problem(Problem {
            status: 422,
            code: "application_incomplete".into(),
            title: "申请未通过校验".into(),
            title_en: "The application cannot be accepted yet".into(),
            detail: None,
            errors: errors.as_array().cloned().unwrap_or_default(),
            current_version: None,
        })
    }

    #[test]
    fn every_server_problem_links_to_the_field_it_is_about() {
        // Arrange: a 422 as `POST /api/cases` writes it; materials were sent in this order.
        let order = [MaterialCode::IdCards, MaterialCode::HukouBook];
        let error = problem(json!([
            {"code": "material_missing", "material": "marriage_cert"},
            {"code": "invalid_field", "field": "applicant.id_number", "reason": "id_check_digit",
             "message": "身份证号码校验位不正确，请核对 / the check character does not match: a digit is mistyped"},
            {"code": "invalid_field", "field": "materials[1].attachments[0]",
             "message": "未找到该上传文件，请重新上传 / no such upload: upload it again"},
            {"code": "invalid_field", "field": "delivery.address", "message": "请填写收件地址 / an address"},
            {"code": "invalid_field", "field": "commitment.version", "message": "承诺书文本已更新 / the text changed"}
        ]));

        // Act
        let issues = issues_from(&error, &order);

        // Assert: one issue per problem, each on its field, in both languages.
        let fields: Vec<&str> = issues.iter().map(|i| i.field_id.as_str()).collect();
        assert_eq!(
            fields,
            [
                "material-marriage_cert",
                "applicant-id",
                "material-hukou_book",
                "delivery-address",
                "commitment"
            ]
        );
        assert_eq!(issues[0].zh, "缺少材料：结婚证");
        assert_eq!(issues[1].zh, "身份证号码校验位不正确，请核对");
        assert_eq!(
            issues[1].en,
            "the check character does not match: a digit is mistyped"
        );
    }

    #[test]
    fn a_problem_without_field_errors_is_shown_by_its_title() {
        // Arrange
        let error = problem(json!([]));

        // Act
        let issues = issues_from(&error, &[]);

        // Assert
        assert_eq!(
            issues,
            vec![FieldIssue::new(
                "",
                "申请未通过校验",
                "The application cannot be accepted yet"
            )]
        );
    }
}
