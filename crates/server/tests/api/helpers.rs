//! Black-box test harness: the real server on 127.0.0.1:0 with a fresh database
//! per test: a temporary SQLite file, or, when `TEST_DATABASE_URL` names a
//! PostgreSQL server (`postgres://user@host/db`), a new database created on it.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aftersales_rules::{StaffRole, Timestamp};
use aftersales_server::config::{load_policy, Config};
use aftersales_server::db::{self, unix_now, Db};
use aftersales_server::Application;
use reqwest::header;
use serde_json::{json, Value};
use sqlx::Connection;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const PHONE: &str = "13800138000";
/// An inline script like Trunk's loader, to check the CSP allows it by hash.
pub const INDEX_HTML: &str =
    "<!doctype html><html><head><script type=\"module\">import init from '/app.js'; init();</script></head><body></body></html>";

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: Db,
    pub database_url: String,
    pub static_dir: PathBuf,
    shutdown: Option<oneshot::Sender<()>>,
    pub server: Option<JoinHandle<std::io::Result<()>>>,
    _dir: tempfile::TempDir,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// A URL for a database nobody else uses.
pub async fn fresh_database_url(dir: &tempfile::TempDir) -> String {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(admin) if admin.starts_with("postgres") => {
            let name = format!("aftersales_test_{}", uuid::Uuid::new_v4().simple());
            let mut conn = sqlx::PgConnection::connect(&admin)
                .await
                .expect("TEST_DATABASE_URL: cannot connect to PostgreSQL");
            sqlx::query(&format!("CREATE DATABASE \"{name}\""))
                .execute(&mut conn)
                .await
                .expect("cannot create the test database");
            let base = admin.split('?').next().unwrap_or(&admin);
            let (server, _) = base.rsplit_once('/').expect("postgres URL with a database");
            format!("{server}/{name}")
        }
        _ => format!("sqlite://{}", dir.path().join("test.db").display()),
    }
}

pub async fn spawn_app_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let static_dir = dir.path().join("dist");
    std::fs::create_dir_all(&static_dir).expect("static dir");
    std::fs::write(static_dir.join("index.html"), INDEX_HTML).expect("index.html");
    std::fs::write(
        static_dir.join("app.js"),
        "console.log('portal');".repeat(100),
    )
    .expect("app.js");
    let database_url = fresh_database_url(&dir).await;
    let mut config = Config {
        port: 0,
        database_url: database_url.clone(),
        static_dir: static_dir.clone(),
        lookup_rate_per_minute: 10_000,
        ..Config::default()
    };
    adjust(&mut config);
    let app = Application::build(config).await.expect("server starts");
    let address = format!("http://{}", app.addr);
    let db = app.db().clone();
    let (tx, rx) = oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async move {
        let _ = rx.await;
    }));
    TestApp {
        address,
        client: reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("client"),
        db,
        database_url,
        static_dir,
        shutdown: Some(tx),
        server: Some(server),
        _dir: dir,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// Starts a graceful shutdown and waits until the server has stopped.
    pub async fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// A demo order, as the portal gets it.
    pub async fn order(&self, number: &str) -> Value {
        let r = self
            .get(&format!("/api/orders/{number}?phone={PHONE}"))
            .await;
        assert_eq!(r.status(), 200, "demo order {number}");
        r.json().await.expect("order json")
    }

    pub async fn file(&self, body: &Value) -> reqwest::Response {
        self.post_json("/api/requests", body).await
    }

    /// Files `request` on demo order `number` now; returns the 201 body.
    pub async fn file_ok(&self, number: &str, request: Value) -> Value {
        let body = filing(self.order(number).await, request, now_minus(0));
        let r = self.file(&body).await;
        assert_eq!(r.status(), 201);
        r.json().await.expect("json")
    }

    /// A staff account with every role and a bearer token for it.
    pub async fn staff_token(&self) -> String {
        self.staff_token_as("agent", StaffRole::ALL).await
    }

    /// A staff account `user` with `roles` and a bearer token for it.
    pub async fn staff_token_as(&self, user: &str, roles: &[StaffRole]) -> String {
        let password = "correct horse battery";
        aftersales_server::store::staff::add_staff(&self.db, user, password, roles)
            .await
            .expect("add staff");
        let r = self
            .post_json(
                "/api/staff/login",
                &json!({"username": user, "password": password}),
            )
            .await;
        assert_eq!(r.status(), 200);
        let body: Value = r.json().await.expect("json");
        body["token"].as_str().expect("token").to_owned()
    }

    pub async fn staff_get(&self, token: &str, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    /// `GET /api/staff/requests/{id}` as the holder of `token`: the detail's JSON.
    pub async fn staff_detail(&self, token: &str, id: &str) -> Value {
        let r = self
            .staff_get(token, &format!("/api/staff/requests/{id}"))
            .await;
        assert_eq!(r.status(), 200);
        r.json().await.expect("json")
    }

    pub async fn staff_post(&self, token: &str, path: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn count(&self, table: &str) -> i64 {
        use sqlx::Row;
        sqlx::query(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&self.db.pool)
            .await
            .expect("count")
            .try_get(0)
            .expect("count")
    }

    pub fn backend(&self) -> &'static str {
        self.db.backend.name()
    }
}

/// `now − secs`, shown at +08:00 like the portal in Shanghai would send it.
pub fn now_minus(secs: i64) -> String {
    Timestamp::from_unix(unix_now() - secs, 8 * 3600)
        .expect("time")
        .to_string()
}

/// A filing body for `order`.
pub fn filing(order: Value, request: Value, filed_at: String) -> Value {
    json!({
        "id": uuid::Uuid::new_v4().to_string(),
        "filed_at": filed_at,
        "case": {
            "order": order,
            "request": request,
            "facts": {"goods_intact": true, "packaging_unopened": true},
            "documents": ["receipt", "delivery_note", "pickup_slip", "sales_order"]
        },
        "contact": {"name": "王女士", "phone": PHONE, "preferred_time": "weekday evenings"},
        "description": "The sofa does not fit."
    })
}

/// The decision the engine gives for `body` at its `filed_at` (what the portal shows).
pub fn client_decision(body: &Value) -> Value {
    let policy = load_policy(None, None).expect("policy").policy;
    let mut case = body["case"].clone();
    case["now"] = body["filed_at"].clone();
    let case = aftersales_rules::parse_case(&case.to_string()).expect("case");
    serde_json::to_value(aftersales_rules::check(&policy, &case).expect("decision")).expect("json")
}

pub async fn error_code(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let body: Value = r.json().await.expect("error body is JSON");
    assert!(body["error"]["code"].is_string(), "error shape: {body}");
    assert!(body["error"]["message"].is_string(), "error shape: {body}");
    assert!(body["error"]["fields"].is_array(), "error shape: {body}");
    (status, body["error"].clone())
}

pub async fn open_db(url: &str) -> Db {
    db::connect(url).await.expect("db")
}

pub const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

pub fn png(n: u8) -> Vec<u8> {
    let mut v = PNG.to_vec();
    v.push(n);
    v
}

pub async fn upload(
    app: &TestApp,
    id: &str,
    code: &str,
    ct: &str,
    data: Vec<u8>,
) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/requests/{id}/attachments?code={code}")))
        .header(header::CONTENT_TYPE, ct)
        .body(data)
        .send()
        .await
        .unwrap()
}

pub const SERVER_BIN: &str = env!("CARGO_BIN_EXE_aftersales-server");

/// The server binary on a free port, started on `database_url`, its log kept.
pub struct ServerProcess {
    child: Child,
    pub base: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl ServerProcess {
    pub fn start(database_url: &str, dir: &Path) -> ServerProcess {
        let mut child = Command::new(SERVER_BIN)
            .args(["serve", "--port", "0", "--log-format", "json"])
            .arg("--database-url")
            .arg(database_url)
            .arg("--static-dir")
            .arg(dir)
            .args(["--lookup-rate-per-minute", "1000000"])
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the server binary starts");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = std::sync::mpsc::channel();
        let log: Arc<Mutex<Vec<String>>> = Arc::default();
        let kept = log.clone();
        // Reads the listening address, and keeps every line (the pipe never fills).
        std::thread::spawn(move || {
            let mut waiting = Some(tx);
            let mut seen = Vec::new();
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                kept.lock().unwrap().push(line.clone());
                let Some(tx) = waiting.as_ref() else { continue };
                match line
                    .split("\"addr\":\"")
                    .nth(1)
                    .and_then(|rest| rest.split('"').next())
                {
                    Some(addr) => {
                        let _ = tx.send(Ok(addr.to_owned()));
                        waiting = None;
                    }
                    None => seen.push(line),
                }
            }
            if let Some(tx) = waiting {
                let _ = tx.send(Err(seen.join("\n")));
            }
        });
        let addr = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the server says where it listens")
            .unwrap_or_else(|log| panic!("the server did not start:\n{log}"));
        ServerProcess {
            child,
            base: format!("http://{addr}"),
            log,
        }
    }

    /// Everything the server has logged so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }

    /// SIGKILL: no shutdown, no flush, whatever was in flight.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends `request` and reads the answer's JSON body.
pub async fn json_of(request: reqwest::RequestBuilder) -> Value {
    request
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("a JSON answer")
}

/// Runs `aftersales-server add-staff USERNAME` on `database_url` with `extra`
/// arguments, the password on stdin as an operator types it; whether it succeeded.
pub fn add_staff_command(
    database_url: &str,
    username: &str,
    password: &str,
    extra: &[&str],
) -> bool {
    use std::io::Write;
    let mut child = Command::new(SERVER_BIN)
        .args(["add-staff", username])
        .args(extra)
        .env("DATABASE_URL", database_url)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("the server binary starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{password}\n").as_bytes())
        .expect("the password is written");
    child.wait().expect("add-staff ends").success()
}
