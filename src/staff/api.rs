//! The console's client of the staff API (`docs/api.md`, "Staff"): the
//! session (a cookie the page cannot read, and the CSRF token its changes
//! carry), the queue, one request, moving it.

pub use aftersales_contract::reports::{CloseTime, LevelReport, Ratings, Report, Series};
use aftersales_contract::{ErrorBody, HistoryEntry, RequestStatus};
use aftersales_rules::StaffRole;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::browser::http::{endpoint, send, set_csrf_token, Body, Reply, Unreachable};

const TIMEOUT_MS: u32 = 30_000;

/// Why a call gave no result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// No answer: the network.
    Network,
    /// The server's answer: its status, code and message (in the page's language).
    Refused {
        status: u16,
        code: String,
        message: String,
    },
    /// An answer this console cannot read.
    Unreadable,
}

impl Failure {
    /// Not signed in, or no longer: the sign-in form.
    pub fn signed_out(&self) -> bool {
        matches!(self, Failure::Refused { status: 401, code, .. } if code == "unauthorized")
    }
}

fn read<T: DeserializeOwned>(reply: Result<Reply, Unreachable>) -> Result<T, Failure> {
    let reply = reply.map_err(|Unreachable| Failure::Network)?;
    if reply.is_success() {
        return serde_json::from_str(&reply.body).map_err(|_| Failure::Unreadable);
    }
    Err(match serde_json::from_str::<ErrorBody>(&reply.body) {
        Ok(ErrorBody { error }) => Failure::Refused {
            status: reply.status,
            code: error.code.as_str().to_owned(),
            message: error.message,
        },
        Err(_) => Failure::Unreadable,
    })
}

/// The signed-in member.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Session {
    pub username: String,
    pub roles: Vec<StaffRole>,
    pub csrf_token: String,
}

impl Session {
    pub fn has(&self, role: StaffRole) -> bool {
        self.roles.contains(&role)
    }
}

fn keep(session: Result<Session, Failure>) -> Result<Session, Failure> {
    if let Ok(s) = &session {
        set_csrf_token(Some(s.csrf_token.clone()));
    }
    session
}

/// Who is signed in, if anyone.
pub async fn session(api: &str) -> Result<Session, Failure> {
    let url = endpoint(api, &["staff", "session"], &[]);
    keep(read(send("GET", &url, Body::Empty, TIMEOUT_MS, None).await))
}

/// Signs in (the session cookie is set by the answer).
pub async fn sign_in(api: &str, username: &str, password: &str) -> Result<Session, Failure> {
    let url = endpoint(api, &["staff", "session"], &[]);
    let body = serde_json::json!({ "username": username, "password": password }).to_string();
    keep(read(
        send("POST", &url, Body::Json(&body), TIMEOUT_MS, None).await,
    ))
}

/// Signs out.
pub async fn sign_out(api: &str) {
    let url = endpoint(api, &["staff", "session"], &[]);
    let _ = send("DELETE", &url, Body::Empty, TIMEOUT_MS, None).await;
    set_csrf_token(None);
}

/// One row of the queue.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Summary {
    pub id: String,
    pub tracking_code: String,
    #[serde(rename = "type")]
    pub request_type: String,
    pub order_number: String,
    pub status: RequestStatus,
    pub step: Option<String>,
    #[serde(default)]
    pub flags: Vec<String>,
    pub outcome: Option<String>,
    /// The roles it waits for (none once ended).
    #[serde(default)]
    pub waiting_for: Vec<StaffRole>,
    pub received_at: String,
    /// The service level due first, and when.
    pub next_due_level: Option<String>,
    pub next_due: Option<String>,
    #[serde(default)]
    pub overdue: bool,
}

/// A page of the queue.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct List {
    pub requests: Vec<Summary>,
    #[serde(default)]
    pub has_more: bool,
}

/// A page of the queue: `query` holds the tab and filters (docs/api.md).
pub async fn queue(api: &str, query: &[(&str, &str)]) -> Result<List, Failure> {
    let url = endpoint(api, &["staff", "requests"], query);
    read(send("GET", &url, Body::Empty, TIMEOUT_MS, None).await)
}

/// The tabs' badges (each counted up to `cap`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub struct Counts {
    pub new: i64,
    pub in_progress: i64,
    pub waiting: i64,
    pub overdue: i64,
    pub cap: i64,
}

pub async fn counts(api: &str) -> Result<Counts, Failure> {
    let url = endpoint(api, &["staff", "queue-counts"], &[]);
    read(send("GET", &url, Body::Empty, TIMEOUT_MS, None).await)
}

/// The filtered queue as CSV (UTF-8 with a byte-order mark), in the console's language.
pub async fn export_csv(api: &str, query: &[(&str, &str)]) -> Result<String, Failure> {
    let url = endpoint(api, &["staff", "requests.csv"], query);
    let reply = send("GET", &url, Body::Empty, 120_000, None)
        .await
        .map_err(|Unreachable| Failure::Network)?;
    if reply.is_success() {
        Ok(reply.body)
    } else {
        read::<()>(Ok(reply)).map(|()| String::new())
    }
}

/// A service level with its due and met instants.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Level {
    pub what: String,
    pub after: String,
    pub within_minutes: i64,
    pub due: Option<String>,
    pub met: Option<String>,
    #[serde(default)]
    pub overdue: bool,
}

/// A status change with who made it.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Change {
    #[serde(flatten)]
    pub entry: HistoryEntry,
    pub actor: String,
}

/// One entry of the audit trail.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Audit {
    pub at: String,
    pub actor: String,
    pub action: String,
}

/// A photo of the request.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Photo {
    pub seq: i64,
}

/// One request in full.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Detail {
    pub id: String,
    pub tracking_code: String,
    #[serde(rename = "type")]
    pub request_type: String,
    pub order_number: String,
    pub status: RequestStatus,
    pub step: Option<String>,
    #[serde(default)]
    pub next_steps: Vec<String>,
    #[serde(default)]
    pub step_roles: std::collections::BTreeMap<String, StaffRole>,
    #[serde(default)]
    pub flags: Vec<String>,
    pub filed_at: String,
    pub received_at: String,
    pub decision: serde_json::Value,
    pub client_decision: Option<serde_json::Value>,
    pub contact: serde_json::Value,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub service_levels: Vec<Level>,
    #[serde(default)]
    pub history: Vec<Change>,
    #[serde(default)]
    pub attachments: Vec<Photo>,
    #[serde(default)]
    pub audit: Vec<Audit>,
    #[serde(default)]
    pub internal_notes: Vec<InternalNote>,
    #[serde(default)]
    pub case: serde_json::Value,
}

/// A note staff keep for each other (never shown to the customer).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct InternalNote {
    pub at: String,
    pub author: String,
    pub body: String,
}

impl Detail {
    /// The decision's steps, in order.
    pub fn steps(&self) -> Vec<String> {
        self.decision["steps"]
            .as_array()
            .map(|s| {
                s.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The next steps `session` may record: each step ahead while every step up
    /// to it is one of the member's roles (the server's rule: nobody passes over
    /// another role's step).
    pub fn steps_for(&self, session: &Session) -> Vec<String> {
        self.next_steps
            .iter()
            .take_while(|s| self.step_roles.get(*s).is_some_and(|r| session.has(*r)))
            .cloned()
            .collect()
    }
}

pub async fn detail(api: &str, id: &str) -> Result<Detail, Failure> {
    let url = endpoint(api, &["staff", "requests", id], &[]);
    read(send("GET", &url, Body::Empty, TIMEOUT_MS, None).await)
}

/// Moves the request to `to` (a step, `closed` or `rejected`) with `note`
/// (shown to the customer).
pub async fn transition(api: &str, id: &str, to: &str, note: &str) -> Result<Detail, Failure> {
    let url = endpoint(api, &["staff", "requests", id, "transition"], &[]);
    let body = serde_json::json!({ "to": to, "note": note }).to_string();
    read(send("POST", &url, Body::Json(&body), TIMEOUT_MS, None).await)
}

/// The address of photo `seq` (read with the session cookie).
pub fn photo_url(api: &str, id: &str, seq: i64) -> String {
    endpoint(
        api,
        &["staff", "requests", id, "attachments", &seq.to_string()],
        &[],
    )
}

/// Adds an internal note (staff only).
pub async fn add_note(api: &str, id: &str, body: &str) -> Result<Detail, Failure> {
    let url = endpoint(api, &["staff", "requests", id, "notes"], &[]);
    let body = serde_json::json!({ "body": body }).to_string();
    read(send("POST", &url, Body::Json(&body), TIMEOUT_MS, None).await)
}

/// Marks service levels met and records events, without moving the request.
pub async fn record_levels(
    api: &str,
    id: &str,
    met: &[&str],
    events: &[&str],
) -> Result<Detail, Failure> {
    let url = endpoint(api, &["staff", "requests", id, "service-levels"], &[]);
    let body = serde_json::json!({ "met": met, "events": events }).to_string();
    read(send("POST", &url, Body::Json(&body), TIMEOUT_MS, None).await)
}

/// A staff account, for the administrator.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Account {
    pub username: String,
    pub roles: Vec<StaffRole>,
    pub created_at: String,
    pub disabled_at: Option<String>,
}

#[derive(Deserialize)]
struct Accounts {
    accounts: Vec<Account>,
}

pub async fn accounts(api: &str) -> Result<Vec<Account>, Failure> {
    let url = endpoint(api, &["staff", "accounts"], &[]);
    read::<Accounts>(send("GET", &url, Body::Empty, TIMEOUT_MS, None).await).map(|a| a.accounts)
}

/// Adds an account; every account after it.
pub async fn add_account(
    api: &str,
    username: &str,
    password: &str,
    roles: &[StaffRole],
) -> Result<Vec<Account>, Failure> {
    let url = endpoint(api, &["staff", "accounts"], &[]);
    let body = serde_json::json!({ "username": username, "password": password, "roles": roles })
        .to_string();
    read::<Accounts>(send("POST", &url, Body::Json(&body), TIMEOUT_MS, None).await)
        .map(|a| a.accounts)
}

/// Changes an account (`change` holds `roles`, `disabled` or `password`).
pub async fn change_account(
    api: &str,
    username: &str,
    change: serde_json::Value,
) -> Result<Vec<Account>, Failure> {
    let url = endpoint(api, &["staff", "accounts", username], &[]);
    let body = change.to_string();
    read::<Accounts>(send("PATCH", &url, Body::Json(&body), TIMEOUT_MS, None).await)
        .map(|a| a.accounts)
}

pub async fn report(api: &str, days: u32) -> Result<Report, Failure> {
    let days = days.to_string();
    let url = endpoint(api, &["staff", "reports"], &[("days", &days)]);
    read(send("GET", &url, Body::Empty, TIMEOUT_MS, None).await)
}

/// The product kinds of the store's policy (public), for their names.
pub async fn policy_kinds(api: &str) -> Option<serde_json::Value> {
    let url = endpoint(api, &["policy"], &[]);
    read::<serde_json::Value>(send("GET", &url, Body::Empty, TIMEOUT_MS, None).await)
        .ok()
        .map(|p| p["kinds"].clone())
}
