//! Staff accounts, managed by admins (SPEC §5): `GET /api/admin/staff`, `POST /api/admin/staff`,
//! `POST /api/admin/staff/{username}/reset`. Every account has one role and one division of
//! that role's level; passwords are stored as Argon2id hashes only.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::DivisionCode;
use domain::contract::{
    NewStaffAccount, PasswordReset, RoleChange, StaffAccountView, StaffAccounts,
};
use domain::roles::{Capability, Role};
use serde_json::Value;

use crate::access::Staff;
use crate::errors;
use crate::errors::invalid;
use crate::openapi::{Api, Operation};
use crate::passwords::hash_password;
use crate::ports::{StaffAccount, StoreError};
use crate::problem::{JsonBody, Problem};
use crate::state::AppState;
use crate::tokens::Claims;

// Long: six routes, each declared with its documentation (crate::openapi).
pub fn router() -> Api<AppState> {
    let account = |id, summary| {
        Operation::new(id, summary)
            .bearer()
            .path("username", "the account")
    };
    Api::new()
        .get(
            "/admin/staff",
            list,
            Operation::new("listStaff", "Staff accounts (admins)")
                .bearer()
                .answer::<StaffAccounts>(200, "accounts, without password hashes")
                .problem(401, "not signed in")
                .problem(403, "not an admin")
                .problem(503, "store unavailable"),
        )
        .post(
            "/admin/staff",
            create,
            Operation::new(
                "createStaff",
                "Create a staff account: one role, one division of that role's level (admins)",
            )
            .bearer()
            .json_body::<NewStaffAccount>()
            .answer::<StaffAccountView>(201, "created")
            .problem(400, "malformed JSON, or every bad field")
            .problem(401, "not signed in")
            .problem(403, "not an admin")
            .problem(409, "username_taken")
            .problem(413, "body too large")
            .problem(415, "not JSON")
            .problem(503, "store unavailable"),
        )
        .post(
            "/admin/staff/{username}/reset",
            reset,
            account("resetStaffPassword", "Set a new password and lift a lock (admins)")
                .json_body::<PasswordReset>()
                .answer::<StaffAccountView>(200, "reset")
                .problem(400, "malformed JSON, or a password too short")
                .problem(401, "not signed in")
                .problem(403, "not an admin")
                .problem(404, "no such account")
                .problem(413, "body too large")
                .problem(415, "not JSON")
                .problem(503, "store unavailable"),
        )
        .post(
            "/admin/staff/{username}/disable",
            disable,
            account(
                "disableStaff",
                "Disable an account: no sign-in, every token refused at once (admins; not oneself)",
            )
            .answer::<StaffAccountView>(200, "disabled")
            .problem(401, "not signed in")
            .problem(403, "not an admin")
            .problem(404, "no such account")
            .problem(409, "cannot_disable_self")
            .problem(503, "store unavailable"),
        )
        .post(
            "/admin/staff/{username}/enable",
            enable,
            account(
                "enableStaff",
                "Enable an account again (tokens from before stay void; admins)",
            )
            .answer::<StaffAccountView>(200, "enabled")
            .problem(401, "not signed in")
            .problem(403, "not an admin")
            .problem(404, "no such account")
            .problem(503, "store unavailable"),
        )
        .post(
            "/admin/staff/{username}/role",
            change_role,
            account(
                "changeStaffRole",
                "Another role and division of its level; the account's tokens stop counting (admins)",
            )
            .json_body::<RoleChange>()
            .answer::<StaffAccountView>(200, "changed")
            .problem(400, "malformed JSON, or every bad field")
            .problem(401, "not signed in")
            .problem(403, "not an admin")
            .problem(404, "no such account")
            .problem(413, "body too large")
            .problem(415, "not JSON")
            .problem(503, "store unavailable"),
        )
}

const MIN_PASSWORD: usize = 10;

fn admin_only(claims: &Claims) -> Result<(), Problem> {
    claims.require(Capability::ManageStaff)
}

/// An account as admins see it, with the failed sign-ins counted under its name.
async fn view(state: &AppState, a: &StaffAccount) -> Result<StaffAccountView, Problem> {
    let login = state
        .staff
        .login_state(&crate::login_guard::user_key(&state.keys, &a.username))
        .await?;
    Ok(StaffAccountView {
        username: a.username.clone(),
        display_name: a.display_name.clone(),
        role: a.role,
        division: a.division,
        failed_logins: login.failures,
        locked: login.is_locked(state.clock.now()),
    })
}

async fn list(
    State(state): State<AppState>,
    Staff(claims): Staff,
) -> Result<Json<StaffAccounts>, Problem> {
    admin_only(&claims)?;
    let accounts = state.staff.accounts().await?;
    let mut views = Vec::with_capacity(accounts.len());
    for a in &accounts {
        views.push(view(&state, a).await?);
    }
    Ok(Json(StaffAccounts { accounts: views }))
}

fn read_password(body: &Value, errors: &mut Vec<Value>) -> Option<String> {
    match body.get("password").and_then(Value::as_str) {
        Some(p) if (MIN_PASSWORD..=200).contains(&p.chars().count()) => Some(p.to_string()),
        _ => {
            errors.push(invalid(
                "password",
                "密码须为10至200个字符 / a password of 10 to 200 characters",
            ));
            None
        }
    }
}

/// A role and the division it is bound to (SPEC §5: each role a division of its level, admins
/// none), or the problems with them.
fn read_role(body: &Value, errors: &mut Vec<Value>) -> (Option<Role>, Option<DivisionCode>) {
    let role = body
        .get("role")
        .and_then(|r| serde_json::from_value::<Role>(r.clone()).ok());
    if role.is_none() {
        errors.push(invalid(
            "role",
            "village_clerk | township_officer | county_approver | supervisor | admin",
        ));
    }
    let division = match body.get("division") {
        None | Some(Value::Null) => None,
        Some(d) => match d.as_str().map(DivisionCode::parse) {
            Some(Ok(d)) => Some(d),
            _ => {
                errors.push(invalid("division", "GB/T 2260 区划代码 / a division code"));
                None
            }
        },
    };
    // Each role is bound to a division of its level (SPEC §5); admins to none.
    if let Some(role) = role {
        let fits = match (role, division) {
            (Role::Admin, None) => true,
            (Role::Admin, Some(_)) => false,
            (Role::Supervisor, d) => d.is_some(),
            (r, Some(d)) => r.level() == Some(d.level()),
            (_, None) => false,
        };
        if !fits && !errors.iter().any(|e| e["field"] == "division") {
            errors.push(invalid(
                "division",
                "区划层级须与角色一致（村/乡镇/县级；督查任一级；管理员无）/ the division must be of the role's level",
            ));
        }
    }
    (role, division)
}

/// The account a create request describes, or every problem with it.
fn read_account(body: &Value) -> Result<(StaffAccount, String), Problem> {
    let mut errors = Vec::new();
    let known = ["username", "display_name", "role", "division", "password"];
    if let Some(obj) = body.as_object() {
        for key in obj.keys().filter(|k| !known.contains(&k.as_str())) {
            errors.push(crate::errors::field_error(
                "unknown_field",
                key,
                "未知字段 / unknown field",
            ));
        }
    }
    let username = body
        .get("username")
        .and_then(Value::as_str)
        .filter(|u| {
            (3..=32).contains(&u.len())
                && u.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-._".contains(&b))
        })
        .map(str::to_string);
    if username.is_none() {
        errors.push(invalid(
            "username",
            "3至32位小写字母、数字或 - . _ / 3 to 32 of a-z 0-9 - . _",
        ));
    }
    let display_name = body
        .get("display_name")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|n| (1..=50).contains(&n.chars().count()))
        .map(str::to_string);
    if display_name.is_none() {
        errors.push(invalid("display_name", "1至50个字符 / 1 to 50 characters"));
    }
    let (role, division) = read_role(body, &mut errors);
    let password = read_password(body, &mut errors);
    match (username, display_name, role, password) {
        (Some(username), Some(display_name), Some(role), Some(password)) if errors.is_empty() => {
            Ok((
                StaffAccount {
                    username,
                    display_name,
                    role,
                    division,
                    password_hash: String::new(),
                    disabled: false,
                    token_epoch: 0,
                },
                password,
            ))
        }
        _ => Err(Problem::invalid_request(&errors)),
    }
}

async fn hashed(password: String) -> Result<String, Problem> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|_| errors::internal("hash task"))?
        .map_err(|e| errors::internal(&e))
}

async fn create(
    State(state): State<AppState>,
    Staff(claims): Staff,
    JsonBody(body): JsonBody,
) -> Result<Response, Problem> {
    admin_only(&claims)?;
    let (mut account, password) = read_account(&body)?;
    account.password_hash = hashed(password).await?;
    match state.staff.create_account(&account).await {
        Ok(()) => {}
        Err(StoreError::AlreadyExists) => {
            return Err(Problem::new(
                StatusCode::CONFLICT,
                "username_taken",
                "该用户名已被使用",
                "This username is taken",
            ));
        }
        Err(e) => return Err(errors::store(&e)),
    }
    tracing::info!(by = %claims.sub, user = %account.username, role = account.role.code(), "staff account created");
    audited(&state, &claims, "staff_created", &account.username).await?;
    Ok((StatusCode::CREATED, Json(view(&state, &account).await?)).into_response())
}

/// Sets a new password and lifts any lock (the person proved who they are to the admin).
async fn reset(
    State(state): State<AppState>,
    Staff(claims): Staff,
    Path(username): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<Json<StaffAccountView>, Problem> {
    admin_only(&claims)?;
    let mut errors_found = Vec::new();
    let password = read_password(&body, &mut errors_found);
    let Some(password) = password else {
        return Err(Problem::invalid_request(&errors_found));
    };
    let Some(mut account) = state.staff.account(&username).await? else {
        return Err(no_such_account());
    };
    account.password_hash = hashed(password).await?;
    // Every token signed before the reset stops counting (issue 18).
    account.token_epoch = account.token_epoch.wrapping_add(1);
    state.staff.put_account(&account).await?;
    // A reset lifts the lock too.
    state
        .staff
        .clear_login(&crate::login_guard::user_key(
            &state.keys,
            &account.username,
        ))
        .await?;
    tracing::info!(by = %claims.sub, user = %account.username, "staff password reset");
    audited(&state, &claims, "staff_password_reset", &account.username).await?;
    Ok(Json(view(&state, &account).await?))
}

/// Records an administrator's change to an account in the store's audit trail (issue 18).
async fn audited(
    state: &AppState,
    claims: &Claims,
    action: &str,
    username: &str,
) -> Result<(), Problem> {
    state
        .store
        .record_audit(&claims.audit(state.clock.now(), action, username))
        .await
        .map_err(|e| errors::store(&e))
}

fn no_such_account() -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "no_such_account",
        "没有该工作人员账号",
        "No such staff account",
    )
}

/// Applies `change` to the account and cuts off its tokens, audited in the log.
async fn amend(
    state: &AppState,
    claims: &Claims,
    username: &str,
    what: &str,
    change: impl FnOnce(&mut StaffAccount),
) -> Result<Json<StaffAccountView>, Problem> {
    admin_only(claims)?;
    let mut account = state
        .staff
        .account(username)
        .await?
        .ok_or_else(no_such_account)?;
    change(&mut account);
    account.token_epoch = account.token_epoch.wrapping_add(1);
    state.staff.put_account(&account).await?;
    tracing::info!(by = %claims.sub, user = %account.username, what, "staff account changed");
    audited(state, claims, what, &account.username).await?;
    Ok(Json(view(state, &account).await?))
}

/// `POST /api/admin/staff/{username}/disable`: no sign-in, every token refused at once.
async fn disable(
    State(state): State<AppState>,
    Staff(claims): Staff,
    Path(username): Path<String>,
) -> Result<Json<StaffAccountView>, Problem> {
    // The role first: anyone else learns nothing from this route, not even this rule.
    admin_only(&claims)?;
    if claims.sub == username {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "cannot_disable_self",
            "管理员不能停用自己的账号",
            "An administrator cannot disable their own account",
        ));
    }
    amend(&state, &claims, &username, "staff_disabled", |a| {
        a.disabled = true
    })
    .await
}

/// `POST /api/admin/staff/{username}/enable`: sign-in again (tokens from before stay void).
async fn enable(
    State(state): State<AppState>,
    Staff(claims): Staff,
    Path(username): Path<String>,
) -> Result<Json<StaffAccountView>, Problem> {
    amend(&state, &claims, &username, "staff_enabled", |a| {
        a.disabled = false
    })
    .await
}

/// `POST /api/admin/staff/{username}/role` `{"role","division"}`: another role or division;
/// the account's tokens, which carry the old ones, stop counting.
async fn change_role(
    State(state): State<AppState>,
    Staff(claims): Staff,
    Path(username): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<Json<StaffAccountView>, Problem> {
    admin_only(&claims)?;
    let mut problems = Vec::new();
    if let Some(obj) = body.as_object() {
        for key in obj
            .keys()
            .filter(|k| !["role", "division"].contains(&k.as_str()))
        {
            problems.push(crate::errors::field_error(
                "unknown_field",
                key,
                "未知字段 / unknown field",
            ));
        }
    }
    let (role, division) = read_role(&body, &mut problems);
    let (Some(role), true) = (role, problems.is_empty()) else {
        return Err(Problem::invalid_request(&problems));
    };
    amend(&state, &claims, &username, "staff_role_changed", |a| {
        a.role = role;
        a.division = division;
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_account_needs_a_division_of_its_roles_level() {
        let body = |role: &str, division: Value| json!({"username": "li.na", "display_name": "李娜", "role": role, "division": division, "password": "long enough pw"});
        assert!(read_account(&body("village_clerk", json!("500116001005"))).is_ok());
        assert!(read_account(&body("township_officer", json!("500116001"))).is_ok());
        assert!(read_account(&body("county_approver", json!("500116"))).is_ok());
        assert!(read_account(&body("supervisor", json!("50"))).is_ok());
        assert!(read_account(&body("admin", Value::Null)).is_ok());
        for (role, division) in [
            ("village_clerk", json!("500116001")),
            ("county_approver", json!("500116001005")),
            ("admin", json!("500116")),
            ("supervisor", Value::Null),
        ] {
            let p = read_account(&body(role, division.clone())).unwrap_err();
            assert_eq!(p.errors[0]["field"], "division", "{role} {division}");
        }
    }

    #[test]
    fn every_bad_field_is_listed() {
        let p = read_account(
            &json!({"username": "X", "role": "boss", "password": "short", "extra": 1}),
        )
        .unwrap_err();
        let fields: Vec<&str> = p
            .errors
            .iter()
            .filter_map(|e| e["field"].as_str())
            .collect();
        assert_eq!(
            fields,
            ["extra", "username", "display_name", "role", "password"]
        );
    }
}
