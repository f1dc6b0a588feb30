//! `aftersales-server`: the backend the Aftersales Portal syncs to (docs/api.md).
//!
//! One binary serves the built portal and the API, on SQLite (default) or
//! PostgreSQL. Filings are re-checked with the same rule engine the portal runs
//! (`aftersales-rules`) under the policy in force, and committed in batches by a
//! single writer task so that every `201` is durable without one fsync each.

pub mod backup;
pub mod config;
pub mod db;
pub mod demo_shop;
pub mod domain;
pub mod error;
pub mod extract;
pub mod http;
pub mod i18n;
pub mod openapi;
pub mod ratelimit;
pub mod routes;
pub mod store;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::backup::ServerLock;
use crate::config::{load_policy, Config, LoadedPolicy};
use crate::db::Db;
use crate::ratelimit::RateLimiter;
use crate::store::writer::Writer;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub policy: Arc<LoadedPolicy>,
    pub config: Arc<Config>,
    pub writer: Writer,
    pub limiter: Arc<RateLimiter>,
}

/// A built server, bound to its port but not yet serving.
pub struct Application {
    listener: TcpListener,
    state: AppState,
    writer_task: JoinHandle<()>,
    pub addr: SocketAddr,
    /// Keeps `restore` off a SQLite database while this serves it.
    lock: Option<ServerLock>,
}

impl Application {
    /// Loads the policy, opens and migrates the database, loads the demo orders on
    /// the first start, starts the writer and binds the port (0 = any free port).
    pub async fn build(config: Config) -> Result<Application, String> {
        let policy = load_policy(config.policy_file.as_deref(), config.time_zone.as_deref())?;
        let lock = ServerLock::take(&config.database_url)?;
        let db = db::connect(&config.database_url).await?;
        if config.demo_data && store::orders::load_demo_once(&db, &policy.policy).await? {
            tracing::info!("demo orders loaded");
        }
        let mut app = Self::with_db(config, policy, db).await?;
        app.lock = lock;
        Ok(app)
    }

    /// As [`Application::build`], with an open database (tests use this to keep a
    /// handle on the pool).
    pub async fn with_db(config: Config, policy: LoadedPolicy, db: Db) -> Result<Self, String> {
        let listener = TcpListener::bind((config.bind, config.port))
            .await
            .map_err(|e| format!("cannot listen on {}:{}: {e}", config.bind, config.port))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let keyed = store::queue::fill_keys(&db, &policy.policy)
            .await
            .map_err(|e| format!("cannot fill the queue columns: {e}"))?;
        if keyed > 0 {
            tracing::info!(requests = keyed, "queue columns filled");
        }
        // After the queue columns: the daily counts read their outcome and clause.
        if store::reports::fill_days(&db, &policy.policy)
            .await
            .map_err(|e| format!("cannot fill the reports' daily counts: {e}"))?
        {
            tracing::info!("reports' daily counts filled");
        }
        let (writer, writer_task) = Writer::start(db.clone());
        let state = AppState {
            limiter: Arc::new(RateLimiter::new(config.lookup_rate_per_minute)),
            db,
            policy: Arc::new(policy),
            config: Arc::new(config),
            writer,
        };
        Ok(Application {
            listener,
            state,
            writer_task,
            addr,
            lock: None,
        })
    }

    pub fn db(&self) -> &Db {
        &self.state.db
    }

    /// Serves until `shutdown` completes, then finishes the requests in flight,
    /// drains the writer queue and closes the database.
    pub async fn run_until<F>(self, shutdown: F) -> std::io::Result<()>
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let db = self.state.db.clone();
        let app = http::router(self.state);
        axum::serve(
            self.listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await?;
        // The router (and every Writer handle) is gone: the writer drains and ends.
        let _ = self.writer_task.await;
        db.pool.close().await;
        drop(self.lock);
        Ok(())
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
