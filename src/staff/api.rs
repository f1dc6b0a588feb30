//! The console's client of the staff API (`docs/api.md`, "Staff"): the
//! session (a cookie the page cannot read, and the CSRF token its changes
//! carry), the queue, one request, moving it.

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
    #[serde(rename = "type")]
    pub request_type: String,
    pub order_number: String,
    pub status: RequestStatus,
    pub step: Option<String>,
    #[serde(default)]
    pub flags: Vec<String>,
    pub outcome: Option<String>,
    pub received_at: String,
    pub next_due: Option<String>,
    #[serde(default)]
    pub overdue: bool,
}

#[derive(Deserialize)]
struct List {
    requests: Vec<Summary>,
}

/// The queue: `query` holds the filters (`status`, `type`, `flagged`, `overdue`).
pub async fn queue(api: &str, query: &[(&str, &str)]) -> Result<Vec<Summary>, Failure> {
    let url = endpoint(api, &["staff", "requests"], query);
    read::<List>(send("GET", &url, Body::Empty, TIMEOUT_MS, None).await).map(|l| l.requests)
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
