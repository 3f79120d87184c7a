//! The staff member signed in to the console: token, name, role and division, kept in memory
//! and in `sessionStorage` (gone when the tab closes) until the token's expiry. Nothing about
//! any case — and no ID number — is ever written to browser storage.

use domain::DivisionCode;
use domain::roles::{Capability, Relation, Role};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

const STORAGE_KEY: &str = "jisheng.staff";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub token: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub division: Option<DivisionCode>,
    /// Milliseconds since the epoch.
    pub expires_at: f64,
}

impl Session {
    pub fn expired(&self) -> bool {
        js_sys::Date::now() >= self.expires_at
    }

    /// Roles that serve applicants at a window (SPEC §5).
    pub fn at_window(&self) -> bool {
        self.may(Capability::WindowIntake)
    }

    /// The role has `capability` outside any case (the one table, `domain::roles::may`).
    pub fn may(&self, capability: Capability) -> bool {
        domain::roles::may(self.role, Relation::NoCase, capability)
    }
}

pub fn role_name(role: Role) -> &'static str {
    use crate::i18n::tr;
    match role {
        Role::VillageClerk => tr("村（居）专干", "Village clerk"),
        Role::TownshipOfficer => tr("乡镇（街道）经办人", "Township officer"),
        Role::CountyApprover => tr("县级审批人", "County approver"),
        Role::Supervisor => tr("监督人员", "Supervisor"),
        Role::Admin => tr("系统管理员", "Administrator"),
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// The signed-in staff member, shared by the console's pages.
#[derive(Debug, Clone, Copy)]
pub struct Staff(pub RwSignal<Option<Session>>);

impl Staff {
    pub fn provide() {
        let saved = storage()
            .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
            .and_then(|json| serde_json::from_str::<Session>(&json).ok())
            .filter(|s| !s.expired());
        provide_context(Staff(RwSignal::new(saved)));
    }

    pub fn get() -> Staff {
        use_context::<Staff>().unwrap_or_else(|| Staff(RwSignal::new(None)))
    }

    /// The session while its token is valid.
    pub fn session(self) -> Option<Session> {
        self.0.get().filter(|s| !s.expired())
    }

    pub fn session_untracked(self) -> Option<Session> {
        self.0.get_untracked().filter(|s| !s.expired())
    }

    pub fn sign_in(self, session: Session) {
        if let (Some(store), Ok(json)) = (storage(), serde_json::to_string(&session)) {
            // A browser refusing storage only means signing in again after a reload.
            let _ = store.set_item(STORAGE_KEY, &json);
        }
        self.0.set(Some(session));
    }

    /// Forgets the session here (the server is told by `api::logout`).
    pub fn sign_out(self) {
        if let Some(store) = storage() {
            let _ = store.remove_item(STORAGE_KEY);
        }
        self.0.set(None);
    }

    /// After an API answer: a 401 means the token is no longer good — sign in again.
    pub fn check(self, error: &crate::api::ApiError) {
        if let crate::api::ApiError::Problem(p) = error
            && p.status == 401
        {
            self.sign_out();
        }
    }
}
