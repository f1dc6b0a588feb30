//! No acknowledged request is ever lost: the real server binary killed with
//! SIGKILL at random moments while clients file (and retry, as the portal's
//! outbox does), and a backup taken under load, then restored.
//!
//! `CRASH_ROUNDS` sets the number of kills (12 by default; scripts/crash-soak.sh
//! runs a long version).

use std::collections::HashMap;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use rand::Rng;
use serde_json::{json, Value};
use sqlx::Row;

use crate::helpers::{
    filing, fresh_database_url, json_of, now_minus, open_db, ServerProcess, PHONE, SERVER_BIN,
};

/// What a client was told for one filing.
#[derive(Clone, Debug)]
struct Acknowledged {
    body: Value,
    tracking_code: String,
    decision: Value,
}

/// Clients filing without pause against whichever server is up at `base`; a
/// filing not acknowledged (connection refused or cut, 503) is sent again with
/// the same body until it is, as the portal's outbox does.
struct Load {
    base: Arc<RwLock<String>>,
    stop: Arc<AtomicBool>,
    acknowledged: Arc<Mutex<HashMap<String, Acknowledged>>>,
    clients: Vec<tokio::task::JoinHandle<u64>>,
}

impl Load {
    fn start(base: &str, order: Value, clients: usize) -> Load {
        let base = Arc::new(RwLock::new(base.to_owned()));
        let stop = Arc::new(AtomicBool::new(false));
        let acknowledged: Arc<Mutex<HashMap<String, Acknowledged>>> = Arc::default();
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(10))
            .build()
            .expect("client");
        let clients = (0..clients)
            .map(|client| {
                let (base, stop, acknowledged) = (base.clone(), stop.clone(), acknowledged.clone());
                let (http, order) = (http.clone(), order.clone());
                tokio::spawn(async move {
                    let mut retries = 0u64;
                    let mut pending: Option<Value> = None;
                    let mut n = 0u64;
                    loop {
                        let body = match pending.take() {
                            Some(body) => body,
                            None if stop.load(Ordering::SeqCst) => return retries,
                            None => {
                                n += 1;
                                let mut body = filing(
                                    order.clone(),
                                    json!({"type": "return", "reason": "changed_mind"}),
                                    now_minus(0),
                                );
                                body["description"] = json!(format!("client {client} filing {n}"));
                                body
                            }
                        };
                        let url = format!("{}/api/requests", base.read().unwrap());
                        let sent = http.post(url).json(&body).send().await;
                        let answer = match sent {
                            Ok(r) => {
                                let status = r.status().as_u16();
                                (status, r.json::<Value>().await.ok())
                            }
                            Err(_) => (0, None),
                        };
                        match answer {
                            (200 | 201, Some(reply)) => {
                                let id = body["id"].as_str().unwrap().to_owned();
                                let ack = Acknowledged {
                                    tracking_code: reply["tracking_code"].as_str().unwrap().into(),
                                    decision: reply["decision"].clone(),
                                    body,
                                };
                                let mut acks = acknowledged.lock().unwrap();
                                if let Some(earlier) = acks.get(&id) {
                                    assert_eq!(earlier.tracking_code, ack.tracking_code);
                                }
                                acks.insert(id, ack);
                            }
                            // Down, cut off mid-answer, or busy: the same body again.
                            (0 | 503, _) | (200 | 201, None) => {
                                retries += 1;
                                pending = Some(body);
                                tokio::time::sleep(Duration::from_millis(20)).await;
                            }
                            (status, reply) => {
                                panic!("filing answered {status}: {reply:?}")
                            }
                        }
                    }
                })
            })
            .collect();
        Load {
            base,
            stop,
            acknowledged,
            clients,
        }
    }

    fn point_at(&self, base: &str) {
        *self.base.write().unwrap() = base.to_owned();
    }

    fn acknowledged(&self) -> HashMap<String, Acknowledged> {
        self.acknowledged.lock().unwrap().clone()
    }

    /// Stops filing new requests; returns once every client's last one is
    /// acknowledged, with the acknowledgements and the number of resends.
    async fn finish(self) -> (HashMap<String, Acknowledged>, u64) {
        self.stop.store(true, Ordering::SeqCst);
        let mut retries = 0;
        for client in self.clients {
            retries += client.await.expect("a client panicked");
        }
        let acks = self.acknowledged.lock().unwrap().clone();
        (acks, retries)
    }
}

/// A stored request as the database holds it.
struct Stored {
    tracking_code: String,
    decision: Value,
    contact: Value,
    description: String,
}

async fn stored_requests(database_url: &str) -> HashMap<String, Vec<Stored>> {
    let db = open_db(database_url).await;
    let rows =
        sqlx::query("SELECT id, tracking_code, decision, contact, description FROM requests")
            .fetch_all(&db.pool)
            .await
            .expect("requests");
    let mut by_id: HashMap<String, Vec<Stored>> = HashMap::new();
    for row in rows {
        let text = |i: usize| row.try_get::<String, _>(i).expect("text");
        by_id.entry(text(0)).or_default().push(Stored {
            tracking_code: text(1),
            decision: serde_json::from_str(&text(2)).expect("decision"),
            contact: serde_json::from_str(&text(3)).expect("contact"),
            description: text(4),
        });
    }
    db.pool.close().await;
    by_id
}

/// Every acknowledged filing is stored once, as acknowledged; returns
/// (lost, duplicated, altered) ids.
fn reconcile(
    acknowledged: &HashMap<String, Acknowledged>,
    stored: &HashMap<String, Vec<Stored>>,
) -> (Vec<String>, Vec<String>, Vec<String>) {
    let (mut lost, mut duplicated, mut altered) = (Vec::new(), Vec::new(), Vec::new());
    let mut descriptions: HashMap<&str, usize> = HashMap::new();
    for rows in stored.values() {
        for row in rows {
            *descriptions.entry(row.description.as_str()).or_default() += 1;
        }
    }
    for (id, ack) in acknowledged {
        let Some(rows) = stored.get(id) else {
            lost.push(id.clone());
            continue;
        };
        let description = ack.body["description"].as_str().unwrap_or_default();
        if rows.len() != 1 || descriptions.get(description) != Some(&1) {
            duplicated.push(id.clone());
        }
        let row = &rows[0];
        if row.tracking_code != ack.tracking_code
            || row.decision != ack.decision
            || row.description != description
            || row.contact["name"] != ack.body["contact"]["name"]
            || row.contact["phone"] != ack.body["contact"]["phone"]
        {
            altered.push(id.clone());
        }
    }
    (lost, duplicated, altered)
}

async fn demo_order(base: &str) -> Value {
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    json_of(client.get(format!("{base}/api/orders/DEMO-1003?phone={PHONE}"))).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killed_with_sigkill_at_random_moments_no_acknowledged_request_is_lost_or_doubled() {
    let rounds: usize = std::env::var("CRASH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(12);
    let dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database_url(&dir).await;
    let mut server = ServerProcess::start(&database_url, dir.path());
    let load = Load::start(&server.base, demo_order(&server.base).await, 8);
    let mut rng = rand::thread_rng();
    for _ in 0..rounds {
        tokio::time::sleep(Duration::from_millis(rng.gen_range(150..700))).await;
        server.kill();
        server = ServerProcess::start(&database_url, dir.path());
        load.point_at(&server.base);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (acknowledged, retries) = load.finish().await;
    let stored = stored_requests(&database_url).await;
    let (lost, duplicated, altered) = reconcile(&acknowledged, &stored);
    let rows: usize = stored.values().map(Vec::len).sum();
    println!(
        "kill -9 on {}: {rounds} rounds, {} requests acknowledged, {retries} resent after a kill, \
         {rows} stored; lost {}, duplicated {}, altered {}",
        if database_url.starts_with("postgres") {
            "postgres"
        } else {
            "sqlite"
        },
        acknowledged.len(),
        lost.len(),
        duplicated.len(),
        altered.len()
    );
    assert!(
        acknowledged.len() > rounds,
        "the clients got through between kills"
    );
    assert!(lost.is_empty(), "lost: {lost:?}");
    assert!(duplicated.is_empty(), "duplicated: {duplicated:?}");
    assert!(altered.is_empty(), "altered: {altered:?}");
    assert_eq!(rows, acknowledged.len(), "stored but never acknowledged");
    server.kill();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_under_load_restores_every_request_acknowledged_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database_url(&dir).await;
    if database_url.starts_with("postgres") {
        // PostgreSQL's backups are pg_dump's (crates/server/README.md "Backups").
        return;
    }
    let server = ServerProcess::start(&database_url, dir.path());
    let load = Load::start(&server.base, demo_order(&server.base).await, 6);
    tokio::time::sleep(Duration::from_millis(600)).await;
    let before_backup = load.acknowledged();
    let backup_file = dir.path().join("backup.db");
    let backup = Command::new(SERVER_BIN)
        .arg("backup")
        .arg(&backup_file)
        .arg("--database-url")
        .arg(&database_url)
        .output()
        .expect("backup runs");
    assert!(backup.status.success(), "{backup:?}");
    let printed = String::from_utf8_lossy(&backup.stdout).to_string();
    assert!(printed.starts_with("backed up "), "{printed}");
    // The load goes on after the backup; those filings are not in it.
    tokio::time::sleep(Duration::from_millis(400)).await;
    let (all, _) = load.finish().await;
    assert!(
        all.len() > before_backup.len(),
        "filings went on during the backup"
    );

    // A backup never overwrites a file, and a restore never a database, unless told.
    let again = Command::new(SERVER_BIN)
        .arg("backup")
        .arg(&backup_file)
        .arg("--database-url")
        .arg(&database_url)
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    let restore = |target: &str, force: bool| {
        let mut command = Command::new(SERVER_BIN);
        command
            .arg("restore")
            .arg(&backup_file)
            .arg("--database-url")
            .arg(target);
        if force {
            command.arg("--force");
        }
        command.output().unwrap()
    };
    // Not onto the database the server is running on, even with --force.
    let onto_live = restore(&database_url, true);
    assert!(!onto_live.status.success());
    assert!(
        String::from_utf8_lossy(&onto_live.stderr)
            .contains("in use by a running aftersales-server"),
        "{onto_live:?}"
    );
    let live_rows = stored_requests(&database_url).await;
    assert_eq!(live_rows.len(), all.len(), "the live database is untouched");

    let restored_url = format!("sqlite://{}", dir.path().join("restored.db").display());
    let restored = restore(&restored_url, false);
    assert!(restored.status.success(), "{restored:?}");
    let stored = stored_requests(&restored_url).await;
    let (lost, duplicated, altered) = reconcile(&before_backup, &stored);
    println!(
        "backup under load: {} acknowledged before the backup, {} in the restored copy, \
         {} acknowledged in all; lost {}, duplicated {}, altered {}",
        before_backup.len(),
        stored.len(),
        all.len(),
        lost.len(),
        duplicated.len(),
        altered.len()
    );
    assert!(!before_backup.is_empty());
    assert!(lost.is_empty(), "lost: {lost:?}");
    assert!(duplicated.is_empty(), "duplicated: {duplicated:?}");
    assert!(altered.is_empty(), "altered: {altered:?}");
    // Everything in the copy was acknowledged by the server (to one client or another).
    assert!(stored.keys().all(|id| all.contains_key(id)));

    // A second restore onto it is refused without --force; with it, the
    // replaced database is kept beside.
    assert!(!restore(&restored_url, false).status.success());
    let forced = restore(&restored_url, true);
    assert!(forced.status.success(), "{forced:?}");
    assert!(String::from_utf8_lossy(&forced.stdout).contains("before-restore-"));
    assert!(std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .any(|e| e
            .file_name()
            .to_string_lossy()
            .starts_with("restored.db.before-restore-")));

    // The restored database serves.
    drop(server);
    let server = ServerProcess::start(&restored_url, dir.path());
    let (id, ack) = before_backup.iter().next().unwrap();
    let r = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(format!(
            "{}/api/requests/{id}?code={}",
            server.base, ack.tracking_code
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}
