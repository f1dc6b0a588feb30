//! The database: SQLite (default) or PostgreSQL through sqlx's `Any` driver, so
//! the same migrations and queries serve both.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::any::{AnyPoolOptions, AnyQueryResult};
use sqlx::{AnyPool, Executor};

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
}

/// Which backend a URL names, and the URL sqlx should open (SQLite files are
/// created when missing).
pub fn parse_url(url: &str) -> Result<(Backend, String), String> {
    if url.starts_with("sqlite:") {
        let url = if url.contains('?') {
            url.to_owned()
        } else {
            format!("{url}?mode=rwc")
        };
        Ok((Backend::Sqlite, url))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok((Backend::Postgres, url.to_owned()))
    } else {
        Err("DATABASE_URL must start with sqlite:// or postgres://".into())
    }
}

/// Opens the pool and brings the schema up to date.
pub async fn connect(url: &str) -> Result<Db, String> {
    sqlx::any::install_default_drivers();
    let (backend, url) = parse_url(url)?;
    let options = AnyPoolOptions::new()
        .max_connections(match backend {
            Backend::Sqlite => 8,
            Backend::Postgres => 16,
        })
        .acquire_timeout(Duration::from_secs(5))
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                if conn.backend_name() == "SQLite" {
                    // FULL: a commit is on disk (WAL fsynced) before we answer 201.
                    conn.execute("PRAGMA synchronous = FULL").await?;
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    conn.execute("PRAGMA busy_timeout = 10000").await?;
                }
                Ok(())
            })
        });
    let pool = options
        .connect(&url)
        .await
        .map_err(|e| format!("cannot open the database: {e}"))?;
    if backend == Backend::Sqlite {
        // Persistent in the file: readers never block the writer.
        sqlx::query("PRAGMA journal_mode = WAL")
            .fetch_all(&pool)
            .await
            .map_err(|e| format!("cannot enable WAL: {e}"))?;
    }
    MIGRATOR
        .run(&pool)
        .await
        .map_err(|e| format!("cannot migrate the database: {e}"))?;
    Ok(Db { pool, backend })
}

/// Seconds since the Unix epoch, now.
pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Whether an insert with `ON CONFLICT DO NOTHING` wrote its row.
pub fn inserted(result: &AnyQueryResult) -> bool {
    result.rows_affected() > 0
}
