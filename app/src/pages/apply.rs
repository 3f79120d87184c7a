//! The application form: applicant and spouse (ID numbers checked as typed, check character
//! included), a photo or scan for every material the applicant brings (progress, retry, size
//! and type errors in words), the commitment with its legal text, and the delivery choice.
//! Continue checks everything at once and leads to "check your answers".

use domain::contract::{EligibilityAnswer, Marriage, MaterialItem, ProvidedBy};
use domain::materials::{self, MaterialCode, ProvidedMaterial};
use domain::{IdNumber, applicant, commitment};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use wasm_bindgen::JsCast;

use crate::api;
use crate::components::{ErrorSummary, field_error, material_form, provided_by};
use crate::i18n::{Lang, bi, tr};
use crate::state::{DeliveryChoice, Draft, FieldIssue, Today, UploadRow, UploadStatus};

/// The eligible answer the form is for, if the questions have been answered.
pub fn eligible_answer(draft: Draft) -> Option<EligibilityAnswer> {
    match draft.answer(Today::get()) {
        Some(Ok(a)) if a.eligible => Some(a),
        _ => None,
    }
}

/// Materials the applicant must provide (the window and the database provide the rest).
/// The online commitment stands for the commitment letter (002 art. 10; 004 三(二)).
pub fn to_bring(answer: &EligibilityAnswer, committed: bool) -> Vec<MaterialItem> {
    answer
        .materials
        .iter()
        .filter(|m| m.provided_by == ProvidedBy::Applicant)
        .filter(|m| !(committed && m.code == MaterialCode::CommitmentLetter))
        .cloned()
        .collect()
}

/// For each required material: still uploading, or not there (the domain's check of the list).
pub fn upload_issues(draft: Draft, required: &[MaterialItem]) -> Vec<FieldIssue> {
    let rows = draft.uploads.get_untracked();
    let mut issues: Vec<FieldIssue> = required
        .iter()
        .filter(|m| {
            rows.iter()
                .any(|r| r.code == m.code && matches!(r.status, UploadStatus::Uploading(_)))
        })
        .map(|m| {
            FieldIssue::new(
                &material_field(m.code),
                format!("“{}”仍在上传，请稍候", m.name),
                format!("“{}” is still uploading: wait a moment", m.name_en),
            )
        })
        .collect();
    let provided: Vec<ProvidedMaterial> = draft.provided();
    for p in materials::validate(required, &provided) {
        if let materials::MaterialProblem::MaterialMissing { material } = p
            && !issues
                .iter()
                .any(|i| i.field_id == material_field(material))
        {
            issues.push(FieldIssue::new(
                &material_field(material),
                format!("请上传：{}", material.name_zh()),
                format!("Upload: {}", material.name_en()),
            ));
        }
    }
    issues
}

/// Every problem with the form, at once, in the order of the page: the domain's submission
/// check (`check_application`, the checks the server runs on receipt) on the application this
/// form would send, then what only the browser knows — uploads still running or failed.
pub fn validate(draft: Draft, answer: &EligibilityAnswer) -> Vec<FieldIssue> {
    let mut issues = match crate::pages::review::submission(draft) {
        Some((application, order)) => {
            let (_, errors) = domain::contract::check_application(&application);
            crate::pages::review::issues_from_fields(&errors, &order)
        }
        None => vec![FieldIssue::new(
            "",
            "申请情况不完整，请重新检查条件",
            "The situation is incomplete: check again",
        )],
    };
    // The online commitment stands for the letter; without it the letter is uploaded.
    let committed = draft.committed.get_untracked() && !draft.dishonest.get_untracked();
    issues.extend(upload_issues(draft, &to_bring(answer, committed)));
    issues
}

pub fn married(draft: Draft) -> bool {
    draft
        .marriage
        .get_untracked()
        .is_some_and(|m| m != Marriage::Unmarried)
}

pub fn material_field(code: MaterialCode) -> String {
    format!("material-{}", code.code())
}

#[component]
pub fn Apply() -> impl IntoView {
    let draft = Draft::get();
    move || {
        match eligible_answer(draft) {
        None => view! {
            <h1>{move || tr("请先检查办理条件", "Check eligibility first")}</h1>
            <p>{move || tr("申请前需要先回答几个问题，以确定需要的全部材料。", "A few questions first decide the complete list of materials.")}</p>
            <a class="button" href=format!("/check/{}/where", draft.service.get_untracked().code())>{move || tr("开始", "Start")}</a>
        }
        .into_any(),
        Some(answer) => view! { <Form answer=answer /> }.into_any(),
    }
    }
}

#[component]
fn Form(answer: EligibilityAnswer) -> impl IntoView {
    let draft = Draft::get();
    let navigate = use_navigate();
    let local = RwSignal::new(Vec::<FieldIssue>::new());
    let issues = Signal::derive(move || {
        let mut all = draft.server_issues.get();
        all.extend(local.get());
        all
    });
    let answer = StoredValue::new(answer);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        draft.server_issues.set(Vec::new());
        let found = answer.with_value(|a| validate(draft, a));
        let ok = found.is_empty();
        local.set(found);
        if ok {
            navigate("/apply/review", Default::default());
        }
    };
    let service = draft.service.get_untracked();
    let others: Vec<MaterialItem> = answer.with_value(|a| {
        a.materials
            .iter()
            .filter(|m| m.provided_by != ProvidedBy::Applicant)
            .cloned()
            .collect()
    });
    view! {
        <h1>{move || match Lang::current() {
            Lang::Zh => format!("网上申请：{}", service.name_zh()),
            Lang::En => format!("Apply: {}", service.name_en()),
        }}</h1>
        <ErrorSummary issues=issues />
        <form on:submit=on_submit novalidate>
            <section aria-labelledby="people-heading">
                <h2 id="people-heading">{move || tr("申请人", "Applicant")}</h2>
                <TextField id="applicant-name" label="姓名" label_en="Full name" value=draft.applicant_name issues=issues autocomplete="name" />
                <IdField id="applicant-id" label="身份证号码" label_en="ID number" value=draft.applicant_id issues=issues />
                <TextField id="applicant-phone" label="手机号码" label_en="Mobile number" value=draft.phone issues=issues autocomplete="tel" input_mode="numeric" />
                <Show when=move || draft.marriage.get().is_some_and(|m| m != Marriage::Unmarried)>
                    <h2>{move || tr("配偶", "Spouse")}</h2>
                    <TextField id="spouse-name" label="配偶姓名" label_en="Spouse's full name" value=draft.spouse_name issues=issues autocomplete="off" />
                    <IdField id="spouse-id" label="配偶身份证号码" label_en="Spouse's ID number" value=draft.spouse_id issues=issues />
                </Show>
            </section>
            <section aria-labelledby="materials-heading">
                <h2 id="materials-heading">{move || tr("上传材料", "Upload the materials")}</h2>
                <p class="hint">{move || tr(
                    "用手机拍照或选择文件：JPEG、PNG 照片或 PDF，每个不超过10MB。一项材料可上传多页。",
                    "Take a photo or choose a file: JPEG or PNG photos or PDF, up to 10 MB each. A material may have several pages.",
                )}</p>
                {move || {
                    let committed = draft.committed.get();
                    answer.with_value(|a| to_bring(a, committed)).into_iter().map(|m| view! { <MaterialUpload item=m issues=issues /> }).collect_view()
                }}
                {(!others.is_empty()).then(|| view! {
                    <h3>{move || tr("无需您准备", "Nothing to bring for these")}</h3>
                    <ul class="others">
                        {others.into_iter().map(|m| {
                            let by = m.provided_by;
                            view! { <li>{move || match Lang::current() { Lang::Zh => m.name.clone(), Lang::En => m.name_en.clone() }} " — " {move || provided_by(by)}</li> }
                        }).collect_view()}
                    </ul>
                })}
            </section>
            <CommitmentSection issues=issues />
            <DeliverySection issues=issues />
            <button type="submit" class="button" id="to-review">{move || tr("继续：核对信息", "Continue: check your answers")}</button>
        </form>
    }
}

#[component]
fn TextField(
    id: &'static str,
    label: &'static str,
    label_en: &'static str,
    value: RwSignal<String>,
    issues: Signal<Vec<FieldIssue>>,
    autocomplete: &'static str,
    #[prop(default = "text")] input_mode: &'static str,
) -> impl IntoView {
    let has_error = move || issues.get().iter().any(|i| i.field_id == id);
    view! {
        <div class="field" class:has-error=has_error>
            <label for=id>{move || tr(label, label_en)}</label>
            {field_error(issues, id)}
            <input type="text" id=id autocomplete=autocomplete inputmode=input_mode
                aria-invalid=move || has_error().to_string()
                aria-describedby=move || has_error().then(|| format!("{id}-error"))
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev)) />
        </div>
    }
}

/// An ID number field that checks the number as it is typed: length, characters, region,
/// birth date and the check character (GB 11643), all by `domain::IdNumber::parse`.
#[component]
fn IdField(
    id: &'static str,
    label: &'static str,
    label_en: &'static str,
    value: RwSignal<String>,
    issues: Signal<Vec<FieldIssue>>,
) -> impl IntoView {
    let live = move || {
        let v = value.get();
        let v = v.trim();
        // Short input is still being typed; say nothing until it could be whole.
        if v.len() < 18 {
            return None;
        }
        IdNumber::parse(v).err().map(|e| bi(&e.to_string()))
    };
    let valid = move || IdNumber::parse(value.get().trim()).is_ok();
    let has_error = move || live().is_some() || issues.get().iter().any(|i| i.field_id == id);
    view! {
        <div class="field" class:has-error=has_error>
            <label for=id>{move || tr(label, label_en)}</label>
            <p class="hint">{move || tr("18位，末位可为X", "18 characters; the last may be X")}</p>
            {move || live().map(|m| view! { <p class="field-error" id=format!("{id}-live") role="alert">{m}</p> })}
            {field_error(issues, id)}
            <input type="text" id=id autocomplete="off" spellcheck="false" maxlength="18"
                class="id-number"
                aria-invalid=move || has_error().to_string()
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev).to_uppercase()) />
            <Show when=valid>
                <p class="field-ok">{move || tr("号码有效", "Valid number")}</p>
            </Show>
        </div>
    }
}

fn set_status(draft: Draft, key: u32, status: UploadStatus) {
    draft.uploads.update(|rows| {
        if let Some(r) = rows.iter_mut().find(|r| r.key == key) {
            r.status = status;
        }
    });
}

fn start_upload(draft: Draft, key: u32) {
    let file = draft
        .files
        .with_value(|fs| fs.iter().find(|(k, _)| *k == key).map(|(_, f)| f.clone()));
    let Some(file) = file else {
        return;
    };
    set_status(draft, key, UploadStatus::Uploading(0));
    api::upload(
        &file,
        move |p| set_status(draft, key, UploadStatus::Uploading(p)),
        move |result| {
            set_status(
                draft,
                key,
                match result {
                    Ok(id) => UploadStatus::Done(id),
                    Err(f) => UploadStatus::Failed { zh: f.zh, en: f.en },
                },
            )
        },
    );
}

/// Takes the files just chosen for a material: refuses a wrong type or an oversized file in
/// words, and starts uploading the rest.
fn take_files(draft: Draft, code: MaterialCode, input: &web_sys::HtmlInputElement) {
    let Some(list) = input.files() else {
        return;
    };
    for i in 0..list.length() {
        let Some(file) = list.item(i) else { continue };
        let key = draft.next_key.get_value();
        draft.next_key.set_value(key + 1);
        let name = file.name();
        let mb = file.size() / 1024.0 / 1024.0;
        let status = if !applicant::UPLOAD_TYPES.contains(&file.type_().as_str()) {
            Some(UploadStatus::Failed {
                zh: format!(
                    "“{name}”不是 JPEG、PNG 照片或 PDF 文件，请重新选择（苹果手机的 HEIC 照片可在相机设置中改为“兼容性最佳”）"
                ),
                en: format!(
                    "“{name}” is not a JPEG or PNG photo or a PDF: choose another (iPhone HEIC photos: set the camera to “Most Compatible”)"
                ),
            })
        } else if file.size() > applicant::UPLOAD_LIMIT_BYTES as f64 {
            // Checked before sending, so a phone does not send 12 MB only to be refused.
            Some(UploadStatus::Failed {
                zh: format!("“{name}”有{mb:.1}MB，超过10MB上限，请压缩或分页拍摄后重新选择"),
                en: format!(
                    "“{name}” is {mb:.1} MB, over the 10 MB limit: compress it or photograph page by page"
                ),
            })
        } else {
            None
        };
        let usable = status.is_none();
        draft.uploads.update(|rows| {
            rows.push(UploadRow {
                key,
                code,
                file_name: name.clone(),
                status: status.unwrap_or(UploadStatus::Uploading(0)),
            })
        });
        if usable {
            draft.files.update_value(|fs| fs.push((key, file)));
            start_upload(draft, key);
        }
    }
    // Lets the same file be chosen again after a removal.
    input.set_value("");
}

#[component]
pub fn MaterialUpload(item: MaterialItem, issues: Signal<Vec<FieldIssue>>) -> impl IntoView {
    let draft = Draft::get();
    let code = item.code;
    let field_id = material_field(code);
    let error_id = field_id.clone();
    let rows = move || {
        draft
            .uploads
            .get()
            .into_iter()
            .filter(|r| r.code == code)
            .collect::<Vec<_>>()
    };
    let (zh, en) = (item.name.clone(), item.name_en.clone());
    let has_error = {
        let error_id = error_id.clone();
        move || issues.get().iter().any(|i| i.field_id == error_id)
    };
    view! {
        <div class="field upload" class:has-error=has_error data-material=code.code()>
            <label for=field_id.clone()>{move || match Lang::current() { Lang::Zh => zh.clone(), Lang::En => en.clone() }}</label>
            {item.form.map(|f| view! { <p class="hint form">{move || material_form(f)}</p> })}
            {(!item.note.is_empty()).then(|| view! { <p class="hint">{item.note.clone()}</p> })}
            <p class="hint"><cite class="source">{format!("依据：{}", item.source)}</cite></p>
            {field_error(issues, error_id)}
            <input type="file" id=field_id accept="image/jpeg,image/png,application/pdf" multiple
                on:change=move |ev| {
                    if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                        take_files(draft, code, &input);
                    }
                } />
            <ul class="upload-rows" aria-live="polite">
                {move || rows().into_iter().map(|r| view! { <UploadLine row=r /> }).collect_view()}
            </ul>
            <Show when=move || draft.window.get()>
                <div class="choice seen">
                    <input type="checkbox" id=format!("{}-seen", material_field(code))
                        prop:checked=move || draft.seen.with(|s| s.contains(&code))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            draft.seen.update(|s| { s.retain(|c| *c != code); if on { s.push(code); } });
                        } />
                    <label for=format!("{}-seen", material_field(code))>{move || tr("窗口已当场核验原件（无需扫描）", "Original seen at this window (no scan needed)")}</label>
                </div>
            </Show>
        </div>
    }
}

#[component]
fn UploadLine(row: UploadRow) -> impl IntoView {
    let draft = Draft::get();
    let key = row.key;
    let retryable = draft
        .files
        .with_value(|fs| fs.iter().any(|(k, _)| *k == key));
    let remove = move |_| {
        draft.uploads.update(|rows| rows.retain(|r| r.key != key));
        draft.files.update_value(|fs| fs.retain(|(k, _)| *k != key));
    };
    let name = row.file_name.clone();
    let (state, body) = match row.status.clone() {
        UploadStatus::Uploading(p) => ("uploading", view! {
            <progress max="100" value=p.to_string() aria-label=format!("{name} {p}%")></progress>
            <span>{move || format!("{} {p}%", tr("上传中", "Uploading"))}</span>
        }.into_any()),
        UploadStatus::Done(_) => ("done", view! { <span class="field-ok">{move || tr("已上传", "Uploaded")}</span> }.into_any()),
        UploadStatus::Failed { zh, en } => ("failed", view! {
            <span class="field-error">{move || match Lang::current() { Lang::Zh => zh.clone(), Lang::En => en.clone() }}</span>
            {retryable.then(|| view! {
                <button type="button" class="button link retry" on:click=move |_| start_upload(draft, key)>{move || tr("重试", "Retry")}</button>
            })}
        }.into_any()),
    };
    view! {
        <li class="upload-row" data-state=state>
            <span class="file-name">{row.file_name.clone()}</span>
            " "
            {body}
            " "
            <button type="button" class="button link" on:click=remove
                aria-label=move || format!("{} {}", tr("删除", "Remove"), row.file_name)>{move || tr("删除", "Remove")}</button>
        </li>
    }
}

#[component]
fn CommitmentSection(issues: Signal<Vec<FieldIssue>>) -> impl IntoView {
    let draft = Draft::get();
    view! {
        <section aria-labelledby="commitment-heading">
            <h2 id="commitment-heading">{move || tr("承诺", "Commitment")}</h2>
            <Show
                when=move || !draft.dishonest.get()
                fallback=move || view! {
                    <p class="notice" id="commitment-window">{move || tr(
                        "失信联合惩戒对象不能网上承诺办理，请带原件到窗口现场审核办理（004 三(二)、四(三)）。",
                        "Persons on the dishonesty list cannot commit online: bring the originals to the window (004 3(2), 4(3)).",
                    )}</p>
                }
            >
                <blockquote class="legal" lang=move || if Lang::current() == Lang::Zh { "zh-CN" } else { "en" }>
                    {move || tr(commitment::TEXT_ZH, commitment::TEXT_EN)}
                    <footer><cite class="source">{format!("依据：{}", commitment::SOURCE)}</cite></footer>
                </blockquote>
                {field_error(issues, "commitment")}
                <div class="choice">
                    <input type="checkbox" id="commitment" prop:checked=move || draft.committed.get()
                        on:change=move |ev| draft.committed.set(event_target_checked(&ev)) />
                    <label for="commitment">{move || tr("我已阅读并作出以上承诺", "I have read and make this commitment")}</label>
                </div>
            </Show>
        </section>
    }
}

#[component]
fn DeliverySection(issues: Signal<Vec<FieldIssue>>) -> impl IntoView {
    let draft = Draft::get();
    let label = |d: DeliveryChoice| match d {
        DeliveryChoice::Pickup => tr("到受理窗口领取", "Collect at the office"),
        DeliveryChoice::ExpressCod => tr(
            "快递送达（邮费货到付款，证件本身免费）",
            "By express post (the courier is paid on delivery; the certificate is free)",
        ),
        DeliveryChoice::SelfPrint => tr(
            "下载电子证照自行打印（黑白打印有效）",
            "Download and print the electronic certificate (black and white is valid)",
        ),
    };
    view! {
        <section aria-labelledby="delivery-heading">
            <h2 id="delivery-heading">{move || tr("证件领取方式", "How to receive the certificate")}</h2>
            <fieldset>
                <legend class="visually-hidden">{move || tr("领取方式", "Delivery")}</legend>
                {DeliveryChoice::ALL.into_iter().map(|d| {
                    let id = format!("delivery-{}", d.code());
                    view! {
                        <div class="choice">
                            <input type="radio" name="delivery" id=id.clone() value=d.code()
                                prop:checked=move || draft.delivery.get() == d
                                on:change=move |_| draft.delivery.set(d) />
                            <label for=id>{move || label(d)}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <Show when=move || draft.delivery.get() == DeliveryChoice::ExpressCod>
                <div class="field">
                    <label for="delivery-address">{move || tr("收件地址（含收件人、电话）", "Delivery address (with recipient and phone)")}</label>
                    {field_error(issues, "delivery-address")}
                    <textarea id="delivery-address" rows="3" autocomplete="street-address"
                        prop:value=move || draft.address.get()
                        on:input=move |ev| draft.address.set(event_target_value(&ev))></textarea>
                </div>
            </Show>
            <p class="hint"><cite class="source">"004 三(三); 002 第十六条"</cite></p>
            {field_error(issues, "notify-address")}
            <crate::messages::NotifyChoice channel=draft.notify_channel email=draft.notify_email />
        </section>
    }
}
