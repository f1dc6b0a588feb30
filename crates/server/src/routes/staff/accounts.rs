//! Staff accounts, for the administrator (`admin` role): `GET/POST
//! /api/staff/accounts`, `PATCH /api/staff/accounts/{username}`. The command
//! line's `add-staff` does the same from the server's machine.

use aftersales_contract::{ErrorCode, FieldCode, FieldError};
use aftersales_rules::StaffRole;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Staff;
use crate::db::unix_now;
use crate::domain::clock::show_text;
use crate::domain::password::{hash_password, valid_username, MIN_PASSWORD_CHARS};
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::store::staff::{self as store, AccountChange};
use crate::AppState;

/// The longest password taken (Argon2 takes any, but a bound keeps hashing cheap).
const MAX_PASSWORD_CHARS: usize = 256;

#[derive(Serialize, ToSchema)]
pub struct AccountView {
    pub username: String,
    #[schema(value_type = Vec<String>)]
    pub roles: Vec<StaffRole>,
    pub created_at: String,
    pub disabled_at: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AccountList {
    pub accounts: Vec<AccountView>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    /// 1 to 64 of `a-z A-Z 0-9 . _ - @`.
    pub username: String,
    /// At least 8 characters.
    pub password: String,
    /// At least one role.
    #[schema(value_type = Vec<String>)]
    pub roles: Vec<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountUpdate {
    #[schema(value_type = Option<Vec<String>>)]
    pub roles: Option<Vec<String>>,
    pub disabled: Option<bool>,
    /// A new password (ends the account's sessions).
    pub password: Option<String>,
}

fn admin_only(staff: &Staff) -> Result<(), ApiError> {
    if staff.has(StaffRole::Admin) {
        Ok(())
    } else {
        Err(ApiError::new(StatusCode::FORBIDDEN, ErrorCode::Forbidden)
            .with_detail("this needs the role admin"))
    }
}

/// Role ids read into roles; each unknown one is a field error.
fn roles_from(ids: &[String], errors: &mut Vec<FieldError>) -> Vec<StaffRole> {
    let mut roles = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        match StaffRole::parse(id) {
            Some(r) if !roles.contains(&r) => roles.push(r),
            Some(_) => {}
            None => errors.push(FieldError::new(format!("roles[{i}]"), FieldCode::Invalid)),
        }
    }
    if ids.is_empty() {
        errors.push(FieldError::new("roles", FieldCode::Required));
    }
    roles
}

fn check_password(password: &str, errors: &mut Vec<FieldError>) {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        errors.push(FieldError::new("password", FieldCode::Required));
    } else if n > MAX_PASSWORD_CHARS {
        errors.push(FieldError::new("password", FieldCode::TooLong));
    }
}

fn view_of(state: &AppState, a: store::Account) -> AccountView {
    let policy = &state.policy.policy;
    AccountView {
        username: a.username,
        roles: a.roles,
        created_at: show_text(policy, a.created_at),
        disabled_at: a.disabled_at.map(|t| show_text(policy, t)),
    }
}

async fn list_of(state: &AppState) -> Result<AccountList, ApiError> {
    Ok(AccountList {
        accounts: store::accounts(&state.db)
            .await?
            .into_iter()
            .map(|a| view_of(state, a))
            .collect(),
    })
}

#[utoipa::path(
    get,
    path = "/api/staff/accounts",
    responses(
        (status = 200, description = "Every account", body = AccountList),
        (status = 401, description = "Not signed in", body = crate::error::ErrorBody),
        (status = 403, description = "Not an administrator", body = crate::error::ErrorBody),
    ),
    tag = "staff",
    security(("bearer" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Json<AccountList>, ApiError> {
    admin_only(&staff)?;
    Ok(Json(list_of(&state).await?))
}

#[utoipa::path(
    post,
    path = "/api/staff/accounts",
    request_body = NewAccount,
    responses(
        (status = 201, description = "Created; every account", body = AccountList),
        (status = 401, description = "Not signed in", body = crate::error::ErrorBody),
        (status = 403, description = "Not an administrator", body = crate::error::ErrorBody),
        (status = 409, description = "The name is taken", body = crate::error::ErrorBody),
        (status = 422, description = "A field in error", body = crate::error::ErrorBody),
    ),
    tag = "staff",
    security(("bearer" = []))
)]
pub async fn create(
    State(state): State<AppState>,
    staff: Staff,
    ApiJson { value: body, .. }: ApiJson<NewAccount>,
) -> Result<(StatusCode, Json<AccountList>), ApiError> {
    admin_only(&staff)?;
    let mut errors = Vec::new();
    let username = body.username.trim();
    if !valid_username(username) {
        errors.push(FieldError::new("username", FieldCode::Invalid));
    }
    check_password(&body.password, &mut errors);
    let roles = roles_from(&body.roles, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let hash = hash_password(&body.password).map_err(|_| ApiError::internal())?;
    let created = store::create_account(
        &state.db,
        &staff.username,
        username,
        &hash,
        &roles,
        unix_now(),
    )
    .await?;
    if !created {
        return Err(ApiError::conflict(ErrorCode::Conflict)
            .with_fields(vec![FieldError::new("username", FieldCode::Invalid)])
            .with_detail("an account with this name exists"));
    }
    Ok((StatusCode::CREATED, Json(list_of(&state).await?)))
}

#[utoipa::path(
    patch,
    path = "/api/staff/accounts/{username}",
    params(("username" = String, Path, description = "The account")),
    request_body = AccountUpdate,
    responses(
        (status = 200, description = "Changed; every account", body = AccountList),
        (status = 401, description = "Not signed in", body = crate::error::ErrorBody),
        (status = 403, description = "Not an administrator", body = crate::error::ErrorBody),
        (status = 404, description = "No such account", body = crate::error::ErrorBody),
        (status = 409, description = "An administrator cannot lock themselves out", body = crate::error::ErrorBody),
        (status = 422, description = "A field in error", body = crate::error::ErrorBody),
    ),
    tag = "staff",
    security(("bearer" = []))
)]
pub async fn update(
    State(state): State<AppState>,
    staff: Staff,
    Path(username): Path<String>,
    ApiJson { value: body, .. }: ApiJson<AccountUpdate>,
) -> Result<Json<AccountList>, ApiError> {
    admin_only(&staff)?;
    let mut errors = Vec::new();
    let roles = body.roles.as_ref().map(|r| roles_from(r, &mut errors));
    if let Some(p) = &body.password {
        check_password(p, &mut errors);
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    // The last way in to the accounts must stay open.
    if username == staff.username
        && (body.disabled == Some(true)
            || roles
                .as_ref()
                .is_some_and(|r| !r.contains(&StaffRole::Admin)))
    {
        return Err(ApiError::conflict(ErrorCode::Conflict).with_detail(
            "an administrator cannot disable themselves or drop their own admin role",
        ));
    }
    let hash = match &body.password {
        Some(p) => Some(hash_password(p).map_err(|_| ApiError::internal())?),
        None => None,
    };
    let found = store::change_account(
        &state.db,
        &staff.username,
        &username,
        AccountChange {
            roles: roles.as_deref(),
            disabled: body.disabled,
            password_hash: hash.as_deref(),
        },
        unix_now(),
    )
    .await?;
    if !found {
        return Err(ApiError::not_found(ErrorCode::NotFound));
    }
    Ok(Json(list_of(&state).await?))
}
