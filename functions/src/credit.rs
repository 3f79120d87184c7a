//! The 失信联合惩戒对象 list (004 三(二): "对失信人员需到现场审核证件资料办理"; 四(三): "如果申办
//! 对象是失信人员……预审不予通过（失信联合惩戒人员不能网上承诺办理，只能线下现场审核办理）").
//!
//! The list is a port: the deployed system asks the credit platform (信用中国 / the provincial
//! credit system), which no machine here can reach; the local server and the tests read a file
//! of ID numbers, one per line, `<data>/credit-list.txt`, read again on every check so an
//! operator (or a test) can change it without a restart. Only Chongqing's notice (004) says what
//! the list does to an application, so the check applies to Chongqing's offices alone.

use std::path::PathBuf;

use domain::{DivisionCode, IdNumber};

/// Whether a person is on the list.
pub trait CreditList: Send + Sync {
    /// `Err` when the list cannot be read: the caller must not treat that as "not listed".
    fn listed(&self, id_number: &IdNumber) -> Result<bool, std::io::Error>;
    /// Where the answer comes from, as the case records it.
    fn source(&self) -> &str;
}

/// The rule rests on 004 (Chongqing): elsewhere no text says what the list does.
pub fn applies_in(division: DivisionCode) -> bool {
    division.province_number() == 50
}

/// The source the case cites for the check.
pub const CREDIT_SOURCE: &str = "004 三(二)、四(三)";

/// A file of ID numbers, one per line; `#` starts a comment. A missing file is an empty list.
#[derive(Debug, Clone)]
pub struct FileCreditList {
    path: PathBuf,
}

impl FileCreditList {
    pub fn new(path: PathBuf) -> FileCreditList {
        FileCreditList { path }
    }

    /// Writes the demo list for a fresh local data directory (one listed person, README).
    pub fn seed_demo(&self) -> Result<(), std::io::Error> {
        if self.path.exists() {
            return Ok(());
        }
        std::fs::write(
            &self.path,
            "# 失信联合惩戒对象名单（本地演示数据，004 四(三)）：每行一个身份证号码\n500116198507070018\n",
        )?;
        // ID numbers: the server's alone, as every file of the data directory (issue 18).
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&self.path, std::fs::Permissions::from_mode(0o600))?;
        }
        Ok(())
    }
}

impl CreditList for FileCreditList {
    fn listed(&self, id_number: &IdNumber) -> Result<bool, std::io::Error> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(e),
        };
        Ok(text
            .lines()
            .map(|l| l.split('#').next().unwrap_or_default().trim())
            .filter_map(|l| IdNumber::parse(l).ok())
            .any(|id| id.expose() == id_number.expose()))
    }

    fn source(&self) -> &str {
        "失信联合惩戒对象名单（本地数据）"
    }
}

/// The deployed stand-in until the credit platform is connected: lists nobody, and says so in
/// every case it checks, so no office mistakes "not checked" for "not listed".
#[derive(Debug, Clone, Copy, Default)]
pub struct UncheckedCreditList;

impl CreditList for UncheckedCreditList {
    fn listed(&self, _id_number: &IdNumber) -> Result<bool, std::io::Error> {
        Ok(false)
    }

    fn source(&self) -> &str {
        "未接入信用平台：窗口须人工核查失信联合惩戒对象名单"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> IdNumber {
        IdNumber::parse(s).unwrap()
    }

    #[test]
    fn a_file_lists_the_numbers_on_its_lines_and_a_missing_file_lists_nobody() {
        let dir = std::env::temp_dir().join(format!("credit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let list = FileCreditList::new(dir.join("credit-list.txt"));
        assert!(!list.listed(&id("500116198507070018")).unwrap());
        list.seed_demo().unwrap();
        assert!(list.listed(&id("500116198507070018")).unwrap());
        assert!(!list.listed(&id("500116199203040025")).unwrap());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn only_chongqing_offices_apply_the_list_004() {
        assert!(applies_in(DivisionCode::parse("500116001005").unwrap()));
        assert!(!applies_in(DivisionCode::parse("420704").unwrap()));
    }
}

/// What the check found for a submission, for the case's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Screening {
    pub listed: bool,
    pub details: String,
}

/// The check of a submission in Chongqing (`None` elsewhere): an online one for a listed person
/// does not pass (`Err`, nothing saved: they are told to come to the window); a window one must
/// have every material's original seen there, else one problem per material not marked so.
pub fn screen(
    list: &dyn CreditList,
    division: DivisionCode,
    people: &[&IdNumber],
    at_window: bool,
    materials: &[domain::materials::ProvidedMaterial],
    problems: &mut Vec<serde_json::Value>,
) -> Result<Option<Screening>, crate::problem::Problem> {
    if !applies_in(division) {
        return Ok(None);
    }
    let mut listed = false;
    for id in people {
        listed |= list
            .listed(id)
            .map_err(|e| crate::errors::unavailable(&e))?;
    }
    let source = list.source();
    if !listed {
        return Ok(Some(Screening {
            listed,
            details: format!(
                "失信联合惩戒对象名单核查：申请人及配偶不在名单内（{source}；{CREDIT_SOURCE}）"
            ),
        }));
    }
    if !at_window {
        return Err(on_site_only());
    }
    for (i, m) in materials.iter().enumerate() {
        if !m.checked_in_person {
            problems.push(crate::errors::invalid(
                &format!("materials[{i}].checked_in_person"),
                "失信联合惩戒对象须由窗口现场审核证件原件（004 三(二)）/ for a person on the dishonesty list the window must see every original",
            ));
        }
    }
    Ok(Some(Screening {
        listed,
        details: format!(
            "失信联合惩戒对象名单核查：在名单内，已由窗口现场审核全部证件原件（{source}；{CREDIT_SOURCE}）"
        ),
    }))
}

/// 422 for an online application by a person on the list: nothing is saved.
pub fn on_site_only() -> crate::problem::Problem {
    crate::problem::Problem::new(
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        "on_site_only",
        "经核查，申请人或配偶在失信联合惩戒对象名单中，不能网上承诺办理：请携带证件原件到申报地村（居）或乡镇（街道）窗口现场审核办理（004 四(三)）",
        "The applicant or spouse is on the joint-punishment list for dishonesty and cannot apply online: bring the originals to the window of the village or township where you apply (004 四(三))",
    )
}
