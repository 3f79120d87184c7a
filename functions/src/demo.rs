//! The demo staff accounts of a local run (issue 5; never created on AWS), all with password
//! `demo`: one per role in 江津区 (重庆), an administrator, and a county approver elsewhere.

use std::sync::OnceLock;

use domain::DivisionCode;
use domain::roles::Role;

use crate::passwords::hash_password;
use crate::ports::{StaffAccount, StaffStore, StoreError};

/// The demo accounts of a local run (issue 5; never created on AWS), all with password `demo`.
pub const DEMO_ACCOUNTS: [(&str, &str, Role, Option<&str>); 6] = [
    (
        "demo-village",
        "四牌坊社区 村(居)专干",
        Role::VillageClerk,
        Some("500116001005"),
    ),
    (
        "demo-township",
        "几江街道 计生办",
        Role::TownshipOfficer,
        Some("500116001"),
    ),
    (
        "demo-county",
        "江津区卫生健康委",
        Role::CountyApprover,
        Some("500116"),
    ),
    (
        "demo-supervisor",
        "江津区 监督",
        Role::Supervisor,
        Some("500116"),
    ),
    ("demo-admin", "系统管理员", Role::Admin, None),
    (
        "demo-ezhou",
        "鄂城区卫生健康局",
        Role::CountyApprover,
        Some("420704"),
    ),
];

/// Creates (or resets) the demo accounts. One hash of `demo` serves them all: these accounts
/// exist only on a developer's machine, and hashing six times would slow every test start.
pub async fn create_demo_accounts(store: &dyn StaffStore) -> Result<(), DemoError> {
    static DEMO_HASH: OnceLock<String> = OnceLock::new();
    let hash = match DEMO_HASH.get() {
        Some(h) => h.clone(),
        None => {
            let h = tokio::task::spawn_blocking(|| hash_password("demo"))
                .await
                .map_err(|e| DemoError::Hash(e.to_string()))?
                .map_err(DemoError::Hash)?;
            DEMO_HASH.get_or_init(|| h).clone()
        }
    };
    for (username, name, role, division) in DEMO_ACCOUNTS {
        let division = match division {
            Some(d) => Some(DivisionCode::parse(d).map_err(|e| DemoError::Hash(e.to_string()))?),
            None => None,
        };
        store
            .put_account(&StaffAccount {
                username: username.into(),
                display_name: name.into(),
                role,
                division,
                password_hash: hash.clone(),
                disabled: false,
                token_epoch: 0,
            })
            .await?;
    }
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("cannot hash the demo password: {0}")]
    Hash(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}
