//! How much a request may carry (issue 18). A case is one DynamoDB item (at most 400 KB) and is
//! rewritten whole on every action, so every list and every free-text field is bounded here,
//! where the browser can check it as it is typed and the functions on receipt: a case that has
//! grown past the item limit could never be updated again, not even by the deadline sweep.
//!
//! The bounds leave room for real use: a written reason of several paragraphs, a hukou book
//! photographed page by page, every material a service can ask for.

use crate::case::{Action, Delivery};
use crate::contract::FieldError;
use crate::materials::{MaterialCode, ProvidedMaterial};

/// Characters in one note, opinion, basis, question, answer, resolution or reason.
pub const TEXT_MAX_CHARS: usize = 500;

/// Reasons in one refusal, revocation or voiding.
pub const REASONS_MAX: usize = 10;

/// Entries in a submission's (or resubmission's) list of materials: one per kind of material.
pub const MATERIALS_MAX: usize = MaterialCode::ALL.len();

/// Files for one material (pages of a hukou book, both sides of two ID cards…).
pub const ATTACHMENTS_PER_MATERIAL_MAX: usize = 10;

/// Characters in a material code as submitted (the longest real code is shorter).
pub const MATERIAL_CODE_MAX_CHARS: usize = 40;

fn too_long(field: &str) -> FieldError {
    FieldError::new(
        "invalid_field",
        field,
        format!("最多{TEXT_MAX_CHARS}个字 / at most {TEXT_MAX_CHARS} characters"),
    )
}

fn text(field: &str, value: &str, out: &mut Vec<FieldError>) {
    if value.chars().count() > TEXT_MAX_CHARS {
        out.push(too_long(field));
    }
}

fn reasons(field: &str, values: &[String], out: &mut Vec<FieldError>) {
    if values.len() > REASONS_MAX {
        out.push(FieldError::new(
            "invalid_field",
            field,
            format!("最多{REASONS_MAX}条理由 / at most {REASONS_MAX} reasons"),
        ));
    }
    for (i, r) in values.iter().enumerate().take(REASONS_MAX) {
        text(&format!("{field}[{i}]"), r, out);
    }
}

/// Every bound an action's payload exceeds, each as a field error (the API answers 400).
pub fn action_problems(action: &Action) -> Vec<FieldError> {
    let mut out = Vec::new();
    match action {
        Action::Return {
            missing,
            items,
            note,
            exception,
        } => {
            for (field, len) in [("missing", missing.len()), ("items", items.len())] {
                if len > MaterialCode::ALL.len() {
                    out.push(FieldError::new(
                        "invalid_field",
                        field,
                        "每种材料最多列一次 / each material at most once",
                    ));
                }
            }
            for (i, item) in items.iter().enumerate().take(MaterialCode::ALL.len()) {
                text(&format!("items[{i}].detail"), &item.detail, &mut out);
            }
            text("note", note, &mut out);
            if let Some(reason) = exception {
                text("exception", reason, &mut out);
            }
        }
        Action::TownshipOpinion { opinion, .. } => text("opinion", opinion, &mut out),
        Action::Issue {
            out_of_city: Some(check),
        } => {
            text("out_of_city.contact", &check.contact, &mut out);
            text("out_of_city.result", &check.result, &mut out);
        }
        Action::Approve { basis } => text("basis", basis, &mut out),
        Action::Refuse { reasons: r }
        | Action::Revoke { reasons: r }
        | Action::Void { reasons: r } => {
            reasons("reasons", r, &mut out);
        }
        Action::RequestVerification { question, .. } => text("question", question, &mut out),
        Action::DeferOutOfCityCheck { reason, .. } => text("reason", reason, &mut out),
        Action::ForwardOut { via } => text("via", via, &mut out),
        Action::AnswerVerification { answer, .. } => text("answer", answer, &mut out),
        Action::ResolveCorrection {
            resolution,
            holders,
            ..
        } => {
            text("resolution", resolution, &mut out);
            // A certificate has two holders at most; each name is checked as any name is.
            if holders.as_ref().is_some_and(|h| h.len() > 2) {
                out.push(FieldError::new(
                    "invalid_field",
                    "holders",
                    "最多两位持证人 / at most two holders",
                ));
            }
        }
        Action::Deliver {
            delivery: Delivery::ExpressCod { address },
        } => {
            if crate::applicant::address(address).is_none() {
                out.push(FieldError::new(
                    "invalid_field",
                    "delivery.address",
                    "请填写收件地址（5至200字）/ a delivery address of 5 to 200 characters",
                ));
            }
        }
        Action::PreReview
        | Action::Seal
        | Action::Issue { out_of_city: None }
        | Action::Deliver { .. }
        | Action::Resubmit
        | Action::Withdraw
        | Action::DeemedIssue => {}
    }
    out
}

/// Every bound a list of materials exceeds (`field` is where the list is, e.g. `materials`).
pub fn materials_problems(field: &str, materials: &[ProvidedMaterial]) -> Vec<FieldError> {
    let mut out = Vec::new();
    if materials.len() > MATERIALS_MAX {
        out.push(FieldError::new(
            "invalid_field",
            field,
            format!("最多{MATERIALS_MAX}项材料 / at most {MATERIALS_MAX} materials"),
        ));
    }
    for (i, m) in materials.iter().enumerate().take(MATERIALS_MAX) {
        if m.code.chars().count() > MATERIAL_CODE_MAX_CHARS {
            out.push(FieldError::new(
                "invalid_field",
                &format!("{field}[{i}].code"),
                "没有这种材料 / no such material",
            ));
        }
        if m.attachments.len() > ATTACHMENTS_PER_MATERIAL_MAX {
            out.push(FieldError::new(
                "invalid_field",
                &format!("{field}[{i}].attachments"),
                format!(
                    "每项材料最多{ATTACHMENTS_PER_MATERIAL_MAX}个文件，请合并为一个PDF / at most {ATTACHMENTS_PER_MATERIAL_MAX} files per material: combine pages into one PDF"
                ),
            ));
        }
        let mut seen = std::collections::HashSet::new();
        if let Some(j) = m.attachments.iter().position(|a| !seen.insert(a)) {
            out.push(FieldError::new(
                "invalid_field",
                &format!("{field}[{i}].attachments[{j}]"),
                "同一文件重复附上 / the same file twice",
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn material(code: &str, files: usize) -> ProvidedMaterial {
        ProvidedMaterial {
            code: code.into(),
            attachments: (0..files).map(|i| format!("up_{i}")).collect(),
            checked_in_person: false,
        }
    }

    #[test]
    fn texts_are_bounded_in_characters_not_bytes() {
        let at_limit = "理".repeat(TEXT_MAX_CHARS);
        let over = "理".repeat(TEXT_MAX_CHARS + 1);
        assert!(action_problems(&Action::Approve { basis: at_limit }).is_empty());
        let problems = action_problems(&Action::Approve { basis: over });
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, "basis");
    }

    #[test]
    fn every_reason_and_the_number_of_reasons_are_bounded() {
        let long = "x".repeat(TEXT_MAX_CHARS + 1);
        let problems = action_problems(&Action::Refuse {
            reasons: vec!["ok".into(), long],
        });
        assert_eq!(
            problems
                .iter()
                .map(|p| p.field.as_str())
                .collect::<Vec<_>>(),
            ["reasons[1]"]
        );
        let many = action_problems(&Action::Void {
            reasons: vec!["r".into(); REASONS_MAX + 1],
        });
        assert_eq!(many[0].field, "reasons");
    }

    #[test]
    fn a_delivery_address_is_checked_as_on_submission() {
        let short = Action::Deliver {
            delivery: Delivery::ExpressCod {
                address: "a".into(),
            },
        };
        assert_eq!(action_problems(&short)[0].field, "delivery.address");
        assert!(
            action_problems(&Action::Deliver {
                delivery: Delivery::Pickup
            })
            .is_empty()
        );
    }

    #[test]
    fn materials_attachments_and_duplicates_are_bounded() {
        assert!(materials_problems("materials", &[material("id_cards", 10)]).is_empty());
        let problems = materials_problems(
            "materials",
            &[
                material("id_cards", ATTACHMENTS_PER_MATERIAL_MAX + 1),
                material(&"c".repeat(MATERIAL_CODE_MAX_CHARS + 1), 1),
            ],
        );
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["materials[0].attachments", "materials[1].code"]);
        let twice = ProvidedMaterial {
            code: "id_cards".into(),
            attachments: vec!["up_a".into(), "up_a".into()],
            checked_in_person: false,
        };
        assert_eq!(
            materials_problems("materials", &[twice])[0].field,
            "materials[0].attachments[1]"
        );
        let all = vec![material("id_cards", 1); MATERIALS_MAX + 1];
        assert_eq!(materials_problems("materials", &all)[0].field, "materials");
    }
}
