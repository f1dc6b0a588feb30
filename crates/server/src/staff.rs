//! Staff: argon2 password login with bearer tokens, the request queue with
//! filters, moving a request through its decision's steps, and the audit trail.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::{header, request::Parts, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::{Any, Row, Transaction};
use utoipa::{IntoParams, ToSchema};

use crate::attachments::{self, AttachmentInfo};
use crate::db::{unix_now, Db};
use crate::error::{ApiError, FieldError};
use crate::extract::{ApiJson, ApiQuery, ClientIp};
use crate::requests::{self, show, FeedbackView, HistoryEntry, LevelView};
use crate::AppState;

/// How long a staff session lasts.
const SESSION_SECS: i64 = 12 * 3600;

/// Appends to the audit trail inside the caller's transaction.
pub async fn audit(
    tx: &mut Transaction<'static, Any>,
    at: i64,
    actor: &str,
    action: &str,
    request_id: Option<&str>,
    detail: serde_json::Value,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (id, at, actor, action, request_id, detail) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(audit_id())
    .bind(at)
    .bind(actor)
    .bind(action)
    .bind(request_id)
    .bind(detail.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Audit ids sort by time (nanoseconds, zero-padded), then a random suffix.
fn audit_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let suffix = uuid::Uuid::new_v4().simple().to_string();
    format!("{nanos:020}-{}", &suffix[..8])
}

fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Creates the account or resets its password (`add-staff`). Returns whether it is new.
pub async fn add_staff(db: &Db, username: &str, password: &str) -> Result<bool, String> {
    let username = username.trim();
    if username.is_empty()
        || username.len() > 64
        || !username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
    {
        return Err("username: 1 to 64 of a-z, 0-9, . _ - @".into());
    }
    if password.chars().count() < 8 {
        return Err("password: at least 8 characters".into());
    }
    let hash = hash_password(password)?;
    let now = unix_now();
    let mut tx = db.pool.begin().await.map_err(|e| e.to_string())?;
    let updated = sqlx::query("UPDATE staff SET password_hash = $2 WHERE username = $1")
        .bind(username)
        .bind(&hash)
        .execute(&mut *tx)
        .await
        .map_err(|e| e.to_string())?
        .rows_affected()
        > 0;
    if updated {
        // A new password ends every open session.
        sqlx::query("DELETE FROM sessions WHERE username = $1")
            .bind(username)
            .execute(&mut *tx)
            .await
            .map_err(|e| e.to_string())?;
    } else {
        sqlx::query("INSERT INTO staff (username, password_hash, created_at) VALUES ($1, $2, $3)")
            .bind(username)
            .bind(&hash)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(|e| e.to_string())?;
    }
    let action = if updated {
        "password_reset"
    } else {
        "staff_added"
    };
    audit(
        &mut tx,
        now,
        "cli",
        action,
        None,
        serde_json::json!({"username": username}),
    )
    .await
    .map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())?;
    Ok(!updated)
}

/// A signed-in staff member (from `Authorization: Bearer <token>`).
pub struct Staff {
    pub username: String,
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty() && t.len() <= 128)
            .ok_or_else(ApiError::unauthorized)?;
        let row =
            sqlx::query("SELECT username FROM sessions WHERE token_hash = $1 AND expires_at > $2")
                .bind(token_hash(token))
                .bind(unix_now())
                .fetch_optional(&state.db.pool)
                .await?
                .ok_or_else(ApiError::unauthorized)?;
        Ok(Staff {
            username: row.try_get("username")?,
        })
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Login {
    pub username: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct Session {
    pub token: String,
    pub username: String,
    pub expires_at: String,
}

/// Signs in; the answer's token goes in `Authorization: Bearer …`.
#[utoipa::path(
    post,
    path = "/api/staff/login",
    request_body = Login,
    responses(
        (status = 200, description = "Signed in", body = Session),
        (status = 401, description = "Wrong username or password", body = crate::error::ErrorBody),
        (status = 429, description = "Too many attempts", body = crate::error::ErrorBody),
    ),
    tag = "staff"
)]
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson { value: body, .. }: ApiJson<Login>,
) -> Result<Json<Session>, ApiError> {
    state.limiter.check(ip)?;
    let row = sqlx::query("SELECT password_hash FROM staff WHERE username = $1")
        .bind(&body.username)
        .fetch_optional(&state.db.pool)
        .await?;
    let known = row.is_some();
    let stored = match row {
        Some(r) => Some(r.try_get::<String, _>("password_hash")?),
        None => None,
    };
    let password = body.password.clone();
    let ok = tokio::task::spawn_blocking(move || {
        // Unknown users are checked against a dummy hash: same time, same answer.
        let stored = stored.unwrap_or_else(|| dummy_hash().to_owned());
        PasswordHash::new(&stored)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
        && known;
    let now = unix_now();
    let mut tx = state.db.pool.begin().await?;
    if !ok {
        audit(
            &mut tx,
            now,
            "anonymous",
            "login_failed",
            None,
            serde_json::json!({"username": body.username.chars().take(64).collect::<String>()}),
        )
        .await?;
        tx.commit().await?;
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
        ));
    }
    let mut raw = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut raw);
    let token = hex::encode(raw);
    sqlx::query(
        "INSERT INTO sessions (token_hash, username, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash(&token))
    .bind(&body.username)
    .bind(now)
    .bind(now + SESSION_SECS)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(now)
        .execute(&mut *tx)
        .await?;
    audit(
        &mut tx,
        now,
        &body.username,
        "login",
        None,
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(staff = %body.username, "staff signed in");
    Ok(Json(Session {
        token,
        username: body.username,
        expires_at: show(&state.policy.policy, now + SESSION_SECS),
    }))
}

/// Ends the session of the presented token.
#[utoipa::path(post, path = "/api/staff/logout", responses((status = 204, description = "Signed out")), tag = "staff", security(("bearer" = [])))]
pub async fn logout(
    State(state): State<AppState>,
    staff: Staff,
    parts: axum::http::HeaderMap,
) -> Result<StatusCode, ApiError> {
    let token = parts
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or("");
    let now = unix_now();
    let mut tx = state.db.pool.begin().await?;
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash(token))
        .execute(&mut *tx)
        .await?;
    audit(
        &mut tx,
        now,
        &staff.username,
        "logout",
        None,
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// `received`, `in_progress`, `closed` or `rejected`.
    pub status: Option<String>,
    /// Request type: `cancel`, `return`, `exchange`, `repair`, `complaint`.
    #[serde(rename = "type")]
    pub request_type: Option<String>,
    /// Only open requests with a service level past due and not met.
    pub overdue: Option<bool>,
    /// Only (`true`) or no (`false`) flagged requests.
    pub flagged: Option<bool>,
    /// At most 200 [default: 50].
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct RequestSummary {
    pub id: String,
    #[serde(rename = "type")]
    pub request_type: String,
    pub order_number: String,
    pub status: String,
    pub step: Option<String>,
    pub flags: Vec<String>,
    pub outcome: Option<String>,
    pub received_at: String,
    pub updated_at: String,
    /// The earliest unmet due instant, if any.
    pub next_due: Option<String>,
    pub overdue: bool,
}

#[derive(Serialize, ToSchema)]
pub struct RequestList {
    pub requests: Vec<RequestSummary>,
    pub limit: i64,
    pub offset: i64,
}

const STATUSES: &[&str] = &["received", "in_progress", "closed", "rejected"];
const OPEN: &str = "r.status IN ('received', 'in_progress')";

/// The queue, newest first, with filters.
#[utoipa::path(
    get,
    path = "/api/staff/requests",
    params(ListQuery),
    responses(
        (status = 200, description = "Matching requests", body = RequestList),
        (status = 401, description = "Not signed in", body = crate::error::ErrorBody),
    ),
    tag = "staff",
    security(("bearer" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    _staff: Staff,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<RequestList>, ApiError> {
    let mut errors = Vec::new();
    if q.status.as_deref().is_some_and(|s| !STATUSES.contains(&s)) {
        errors.push(FieldError::new("status", "invalid"));
    }
    if q.request_type
        .as_deref()
        .is_some_and(|t| aftersales_rules::RequestType::parse(t).is_none())
    {
        errors.push(FieldError::new("type", "invalid"));
    }
    let limit = q.limit.unwrap_or(50);
    let offset = q.offset.unwrap_or(0);
    if !(1..=200).contains(&limit) {
        errors.push(FieldError::new("limit", "out_of_range"));
    }
    if offset < 0 {
        errors.push(FieldError::new("offset", "out_of_range"));
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors).with_fields_code("invalid_query"));
    }
    let now = unix_now();
    // Placeholders are numbered as filters are added; values are always bound.
    let mut sql = String::from(
        "SELECT r.id, r.request_type, r.order_number, r.status, r.step, r.flags, r.decision, \
         r.received_at, r.updated_at, (SELECT MIN(s.due_at) FROM service_levels s \
         WHERE s.request_id = r.id AND s.met_at IS NULL AND s.due_at IS NOT NULL) AS next_due \
         FROM requests r WHERE 1 = 1",
    );
    let mut n = 0;
    let mut next = || {
        n += 1;
        format!("${n}")
    };
    let mut binds: Vec<Bind> = Vec::new();
    if let Some(status) = &q.status {
        sql.push_str(&format!(" AND r.status = {}", next()));
        binds.push(Bind::Text(status.clone()));
    }
    if let Some(t) = &q.request_type {
        sql.push_str(&format!(" AND r.request_type = {}", next()));
        binds.push(Bind::Text(t.clone()));
    }
    if let Some(flagged) = q.flagged {
        sql.push_str(&format!(" AND r.flagged = {}", next()));
        binds.push(Bind::Int(i64::from(flagged)));
    }
    if let Some(overdue) = q.overdue {
        let p = next();
        let exists = format!(
            "EXISTS (SELECT 1 FROM service_levels s WHERE s.request_id = r.id \
             AND s.met_at IS NULL AND s.due_at IS NOT NULL AND s.due_at < {p})"
        );
        if overdue {
            sql.push_str(&format!(" AND {OPEN} AND {exists}"));
        } else {
            sql.push_str(&format!(" AND NOT ({OPEN} AND {exists})"));
        }
        binds.push(Bind::Int(now));
    }
    sql.push_str(&format!(
        " ORDER BY r.received_at DESC, r.id LIMIT {} OFFSET {}",
        next(),
        next()
    ));
    binds.push(Bind::Int(limit));
    binds.push(Bind::Int(offset));
    let mut query = sqlx::query(&sql);
    for b in binds {
        query = match b {
            Bind::Text(t) => query.bind(t),
            Bind::Int(i) => query.bind(i),
        };
    }
    let rows = query.fetch_all(&state.db.pool).await?;
    let policy = &state.policy.policy;
    let mut requests = Vec::with_capacity(rows.len());
    for r in rows {
        let flags: String = r.try_get("flags")?;
        let decision: String = r.try_get("decision")?;
        let decision: serde_json::Value = serde_json::from_str(&decision).unwrap_or_default();
        let next_due: Option<i64> = r.try_get("next_due")?;
        let status: String = r.try_get("status")?;
        let open = status == "received" || status == "in_progress";
        requests.push(RequestSummary {
            id: r.try_get("id")?,
            request_type: r.try_get("request_type")?,
            order_number: r.try_get("order_number")?,
            step: r.try_get("step")?,
            flags: serde_json::from_str(&flags).unwrap_or_default(),
            outcome: decision
                .get("outcome")
                .and_then(|o| o.as_str())
                .map(str::to_owned),
            received_at: show(policy, r.try_get("received_at")?),
            updated_at: show(policy, r.try_get("updated_at")?),
            next_due: next_due.map(|t| show(policy, t)),
            overdue: open && next_due.is_some_and(|d| d < now),
            status,
        });
    }
    Ok(Json(RequestList {
        requests,
        limit,
        offset,
    }))
}

enum Bind {
    Text(String),
    Int(i64),
}

impl ApiError {
    fn with_fields_code(mut self, code: &str) -> Self {
        self.code = code.to_owned();
        self.status = StatusCode::BAD_REQUEST;
        self
    }
}

#[derive(Serialize, ToSchema)]
pub struct StaffHistoryEntry {
    #[serde(flatten)]
    pub entry: HistoryEntry,
    pub actor: String,
}

#[derive(Serialize, ToSchema)]
pub struct AuditEntry {
    pub at: String,
    pub actor: String,
    pub action: String,
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

/// Everything about one request, for staff.
#[derive(Serialize, ToSchema)]
pub struct RequestDetail {
    pub id: String,
    pub tracking_code: String,
    #[serde(rename = "type")]
    pub request_type: String,
    pub order_number: String,
    pub status: String,
    pub step: Option<String>,
    /// The steps still ahead (the decision's steps after the current one).
    pub next_steps: Vec<String>,
    pub flags: Vec<String>,
    pub filed_at: String,
    pub evaluated_at: String,
    pub received_at: String,
    pub policy_version: String,
    #[schema(value_type = Object)]
    pub decision: serde_json::Value,
    #[schema(value_type = Option<Object>)]
    pub client_decision: Option<serde_json::Value>,
    #[schema(value_type = Object)]
    pub case: serde_json::Value,
    #[schema(value_type = Object)]
    pub contact: serde_json::Value,
    pub description: String,
    pub service_levels: Vec<LevelView>,
    pub history: Vec<StaffHistoryEntry>,
    pub attachments: Vec<AttachmentInfo>,
    pub feedback: Option<FeedbackView>,
    pub audit: Vec<AuditEntry>,
}

fn next_steps(steps: &[String], current: Option<&str>) -> Vec<String> {
    let start = current
        .and_then(|c| steps.iter().position(|s| s == c))
        .map(|i| i + 1)
        .unwrap_or(0);
    steps[start.min(steps.len())..].to_vec()
}

async fn detail_of(state: &AppState, id: &str) -> Result<RequestDetail, ApiError> {
    let r = requests::load(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::not_found("request_not_found"))?;
    let policy = &state.policy.policy;
    let history = requests::load_history(&state.db, policy, &r.id)
        .await?
        .into_iter()
        .map(|(entry, actor)| StaffHistoryEntry { entry, actor })
        .collect();
    let rows = sqlx::query(
        "SELECT at, actor, action, detail FROM audit_log WHERE request_id = $1 ORDER BY at, id",
    )
    .bind(&r.id)
    .fetch_all(&state.db.pool)
    .await?;
    let mut audit_entries = Vec::with_capacity(rows.len());
    for row in rows {
        let detail: String = row.try_get("detail")?;
        audit_entries.push(AuditEntry {
            at: show(policy, row.try_get("at")?),
            actor: row.try_get("actor")?,
            action: row.try_get("action")?,
            detail: serde_json::from_str(&detail).unwrap_or_default(),
        });
    }
    let steps = r.steps();
    Ok(RequestDetail {
        next_steps: if r.is_open() {
            next_steps(&steps, r.step.as_deref())
        } else {
            Vec::new()
        },
        service_levels: requests::load_levels(&state.db, policy, &r.id).await?,
        attachments: attachments::list(state, &r.id).await?,
        feedback: requests::load_feedback(&state.db, policy, &r.id).await?,
        history,
        audit: audit_entries,
        filed_at: r.filed_at,
        evaluated_at: show(policy, r.evaluated_at),
        received_at: show(policy, r.received_at),
        id: r.id,
        tracking_code: r.tracking_code,
        request_type: r.request_type,
        order_number: r.order_number,
        status: r.status,
        step: r.step,
        flags: r.flags,
        policy_version: r.policy_version,
        decision: r.decision,
        client_decision: r.client_decision,
        case: r.filing,
        contact: r.contact,
        description: r.description,
    })
}

/// One request with contact details, history, service levels and audit trail.
#[utoipa::path(
    get,
    path = "/api/staff/requests/{id}",
    params(("id" = String, Path, description = "The request id")),
    responses(
        (status = 200, description = "The request", body = RequestDetail),
        (status = 401, description = "Not signed in", body = crate::error::ErrorBody),
        (status = 404, description = "Unknown id", body = crate::error::ErrorBody),
    ),
    tag = "staff",
    security(("bearer" = []))
)]
pub async fn detail(
    State(state): State<AppState>,
    _staff: Staff,
    Path(id): Path<String>,
) -> Result<Json<RequestDetail>, ApiError> {
    Ok(Json(detail_of(&state, &id.to_ascii_lowercase()).await?))
}

/// Moves a request to a later step of its decision, or closes/rejects it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Transition {
    /// A step id of the decision (after the current one), `closed` or `rejected`.
    pub to: String,
    /// Shown to the customer in the status history.
    #[serde(default)]
    pub note: String,
    /// Service levels met by this change (e.g. `first_contact`); `acknowledge` is
    /// met by any change.
    #[serde(default)]
    pub met: Vec<String>,
    /// Events that start service levels counted from them (`item_returned`, `resolved`).
    #[serde(default)]
    pub events: Vec<String>,
}

#[utoipa::path(
    post,
    path = "/api/staff/requests/{id}/transition",
    params(("id" = String, Path, description = "The request id")),
    request_body = Transition,
    responses(
        (status = 200, description = "The request after the change", body = RequestDetail),
        (status = 401, description = "Not signed in", body = crate::error::ErrorBody),
        (status = 404, description = "Unknown id", body = crate::error::ErrorBody),
        (status = 409, description = "Closed already, not a later step, or changed meanwhile", body = crate::error::ErrorBody),
        (status = 422, description = "Unknown service level or event, note too long", body = crate::error::ErrorBody),
    ),
    tag = "staff",
    security(("bearer" = []))
)]
pub async fn transition(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    ApiJson { value: body, .. }: ApiJson<Transition>,
) -> Result<Json<RequestDetail>, ApiError> {
    let id = id.to_ascii_lowercase();
    let r = requests::load(&state.db, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("request_not_found"))?;
    if !r.is_open() {
        return Err(ApiError::conflict("request_closed"));
    }
    let mut errors = Vec::new();
    if body.note.chars().count() > 2000 || body.note.contains('\0') {
        errors.push(FieldError::new("note", "too_long"));
    }
    let levels = requests::load_levels(&state.db, &state.policy.policy, &r.id).await?;
    for (i, m) in body.met.iter().enumerate() {
        if !levels.iter().any(|l| &l.what == m) {
            errors.push(FieldError::new(
                format!("met[{i}]"),
                "unknown_service_level",
            ));
        }
    }
    for (i, e) in body.events.iter().enumerate() {
        if e == "request" || !levels.iter().any(|l| &l.after == e) {
            errors.push(FieldError::new(format!("events[{i}]"), "unknown_event"));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let steps = r.steps();
    let (status, step) = match body.to.as_str() {
        "closed" | "rejected" => (body.to.clone(), r.step.clone()),
        s if next_steps(&steps, r.step.as_deref()).iter().any(|n| n == s) => {
            ("in_progress".to_owned(), Some(s.to_owned()))
        }
        _ => {
            return Err(ApiError::conflict("invalid_transition")
                .with_fields(vec![FieldError::new("to", "not_a_later_step")]))
        }
    };
    let now = unix_now();
    let note = Some(body.note.trim().to_owned()).filter(|n| !n.is_empty());
    let mut tx = state.db.pool.begin().await?;
    // Optimistic: only if nobody moved it since we read it (first statement is a
    // write, so SQLite takes the write lock before reading anything).
    let moved = sqlx::query(
        "UPDATE requests SET status = $1, step = $2, updated_at = $3 \
         WHERE id = $4 AND status = $5 AND COALESCE(step, '') = $6",
    )
    .bind(&status)
    .bind(step.as_deref())
    .bind(now)
    .bind(&r.id)
    .bind(&r.status)
    .bind(r.step.as_deref().unwrap_or(""))
    .execute(&mut *tx)
    .await?;
    if moved.rows_affected() == 0 {
        tx.rollback().await?;
        return Err(ApiError::conflict("conflict"));
    }
    let seq: i64 =
        sqlx::query("SELECT COALESCE(MAX(seq), 0) + 1 FROM request_history WHERE request_id = $1")
            .bind(&r.id)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
    sqlx::query(
        "INSERT INTO request_history (request_id, seq, at, status, step, note, actor) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&r.id)
    .bind(seq)
    .bind(now)
    .bind(&status)
    .bind(step.as_deref())
    .bind(note.as_deref())
    .bind(&staff.username)
    .execute(&mut *tx)
    .await?;
    let mut met = body.met.clone();
    met.push("acknowledge".into());
    for what in &met {
        sqlx::query(
            "UPDATE service_levels SET met_at = $3 WHERE request_id = $1 AND what = $2 \
             AND met_at IS NULL",
        )
        .bind(&r.id)
        .bind(what)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    for event in &body.events {
        sqlx::query(
            "UPDATE service_levels SET due_at = $3 + within_minutes * 60 \
             WHERE request_id = $1 AND after_event = $2 AND due_at IS NULL",
        )
        .bind(&r.id)
        .bind(event)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    audit(
        &mut tx,
        now,
        &staff.username,
        "transition",
        Some(&r.id),
        serde_json::json!({
            "from": {"status": r.status, "step": r.step},
            "to": {"status": status, "step": step},
            "note": note,
            "met": body.met,
            "events": body.events,
        }),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(request_id = %r.id, staff = %staff.username, status = %status, "request moved");
    Ok(Json(detail_of(&state, &r.id).await?))
}

/// One photo of a request.
#[utoipa::path(
    get,
    path = "/api/staff/requests/{id}/attachments/{seq}",
    params(("id" = String, Path, description = "The request id"), ("seq" = i64, Path, description = "The photo's position")),
    responses(
        (status = 200, description = "The image", content_type = "image/jpeg"),
        (status = 401, description = "Not signed in", body = crate::error::ErrorBody),
        (status = 404, description = "No such photo", body = crate::error::ErrorBody),
    ),
    tag = "staff",
    security(("bearer" = []))
)]
pub async fn attachment(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, seq)): Path<(String, i64)>,
) -> Result<Response, ApiError> {
    let id = id.to_ascii_lowercase();
    let (content_type, data) = attachments::fetch(&state, &id, seq)
        .await?
        .ok_or_else(|| ApiError::not_found("not_found"))?;
    tracing::info!(request_id = %id, seq, staff = %staff.username, "photo viewed");
    let mut response = data.into_response();
    if let Ok(v) = HeaderValue::from_str(&content_type) {
        response.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    pub request_id: Option<String>,
    pub actor: Option<String>,
    pub limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditRecord {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub request_id: Option<String>,
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

/// The audit trail (newest first): who changed what, and when.
#[utoipa::path(
    get,
    path = "/api/staff/audit",
    params(AuditQuery),
    responses(
        (status = 200, description = "Audit entries", body = Vec<AuditRecord>),
        (status = 401, description = "Not signed in", body = crate::error::ErrorBody),
    ),
    tag = "staff",
    security(("bearer" = []))
)]
pub async fn audit_trail(
    State(state): State<AppState>,
    _staff: Staff,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<Vec<AuditRecord>>, ApiError> {
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    let rows = sqlx::query(
        "SELECT at, actor, action, request_id, detail FROM audit_log \
         WHERE ($1 = '' OR request_id = $1) AND ($2 = '' OR actor = $2) \
         ORDER BY at DESC, id LIMIT $3",
    )
    .bind(q.request_id.unwrap_or_default().to_ascii_lowercase())
    .bind(q.actor.unwrap_or_default())
    .bind(limit)
    .fetch_all(&state.db.pool)
    .await?;
    let policy = &state.policy.policy;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let detail: String = r.try_get("detail")?;
        out.push(AuditRecord {
            at: show(policy, r.try_get("at")?),
            actor: r.try_get("actor")?,
            action: r.try_get("action")?,
            request_id: r.try_get("request_id")?,
            detail: serde_json::from_str(&detail).unwrap_or_default(),
        });
    }
    Ok(Json(out))
}

/// A hash to verify unknown usernames against (same cost as a real one),
/// computed on first use.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("not a real password, only for timing").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_steps_follow_the_current_one() {
        let steps: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        assert_eq!(next_steps(&steps, None), steps);
        assert_eq!(next_steps(&steps, Some("b")), vec!["c".to_string()]);
        assert!(next_steps(&steps, Some("c")).is_empty());
    }
}
