//! Backups of a SQLite database while the server runs, and their restore
//! (`aftersales-server backup FILE`, `restore FILE`), kept apart from a running
//! server by a lock file beside the database ([`ServerLock`]). PostgreSQL has its
//! own tools for both (`pg_dump`, `pg_restore`: crates/server/README.md "Backups").

use std::path::{Path, PathBuf};

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, Row, SqliteConnection};

use crate::db::{parse_url, Backend};

/// What a backup or a restore copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    pub requests: i64,
    pub bytes: u64,
}

/// The database file a `sqlite:` URL names; PostgreSQL and in-memory databases
/// have none.
pub fn sqlite_file(database_url: &str) -> Result<PathBuf, String> {
    let (backend, _) = parse_url(database_url)?;
    if backend == Backend::Postgres {
        return Err(
            "backup and restore copy SQLite files; for PostgreSQL use pg_dump and \
             pg_restore (crates/server/README.md, \"Backups\")"
                .into(),
        );
    }
    let rest = database_url.trim_start_matches("sqlite:");
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let file = rest.split('?').next().unwrap_or_default();
    if file.is_empty() || file == ":memory:" {
        return Err("an in-memory database has no file to back up or restore".into());
    }
    Ok(PathBuf::from(file))
}

/// Held by a server for as long as it serves a SQLite database, and by a restore
/// while it replaces one: an advisory lock on `NAME.lock` beside the file, which
/// the system drops when the process ends, however it ends.
#[derive(Debug)]
pub struct ServerLock {
    _file: std::fs::File,
}

impl ServerLock {
    /// The lock of the database at `database_url`; `Ok(None)` for PostgreSQL and
    /// in-memory databases, an error naming the file when somebody holds it.
    pub fn take(database_url: &str) -> Result<Option<ServerLock>, String> {
        let Ok(database) = sqlite_file(database_url) else {
            return Ok(None);
        };
        let path = sibling(&database, "lock");
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        match file.try_lock() {
            Ok(()) => Ok(Some(ServerLock { _file: file })),
            Err(std::fs::TryLockError::WouldBlock) => Err(format!(
                "{} is in use by a running aftersales-server or a restore ({} is locked)",
                database.display(),
                path.display()
            )),
            Err(std::fs::TryLockError::Error(e)) => {
                Err(format!("cannot lock {}: {e}", path.display()))
            }
        }
    }
}

/// Writes a transactionally consistent copy of the database at `database_url`
/// to `target` with `VACUUM INTO`, which reads one snapshot while the server
/// goes on writing. An existing `target` is replaced only with `overwrite`; the
/// copy is written beside it and renamed into place, so a failed backup never
/// leaves half a file under the name.
pub async fn backup(database_url: &str, target: &Path, overwrite: bool) -> Result<Copied, String> {
    let source = sqlite_file(database_url)?;
    if !source.exists() {
        return Err(format!("no database at {}", source.display()));
    }
    if target.exists() && !overwrite {
        return Err(format!(
            "{} exists; give --force to replace it",
            target.display()
        ));
    }
    let partial = sibling(target, "partial");
    let _ = std::fs::remove_file(&partial);
    let mut conn = open(&source, false).await?;
    let written = sqlx::query("VACUUM INTO ?")
        .bind(partial.to_string_lossy().into_owned())
        .execute(&mut conn)
        .await;
    let _ = conn.close().await;
    // The copy keeps the source's WAL flag; a backup is one self-contained file.
    let written = match written {
        Ok(_) => single_file(&partial).await,
        Err(e) => Err(format!("cannot write {}: {e}", partial.display())),
    };
    if let Err(e) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    let copied = match verify(&partial).await {
        Ok(copied) => copied,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    sync_file(&partial)?;
    std::fs::rename(&partial, target)
        .map_err(|e| format!("cannot move the backup to {}: {e}", target.display()))?;
    sync_parent(target);
    Ok(copied)
}

/// Puts the backup `file` in place of the database at `database_url`. Refused
/// while a server runs on it ([`ServerLock`]). An existing database is replaced only with
/// `overwrite`, and then kept beside it (`….before-restore-SECONDS`, with its WAL),
/// never deleted. Returns what was restored and where the old database went.
pub async fn restore(
    file: &Path,
    database_url: &str,
    overwrite: bool,
    now_unix: i64,
) -> Result<(Copied, Option<PathBuf>), String> {
    let target = sqlite_file(database_url)?;
    let copied = verify(file).await?;
    let _lock = ServerLock::take(database_url)?;
    let exists = target.exists();
    if exists && !overwrite {
        return Err(format!(
            "{} exists; give --force to replace it (the current database is kept beside it)",
            target.display()
        ));
    }
    let incoming = sibling(&target, "restoring");
    std::fs::copy(file, &incoming).map_err(|e| {
        format!(
            "cannot copy {} to {}: {e}",
            file.display(),
            incoming.display()
        )
    })?;
    sync_file(&incoming)?;
    let kept = if exists {
        let aside = sibling(&target, &format!("before-restore-{now_unix}"));
        // The WAL and its index belong to the old file: they move with it, or
        // SQLite would replay them into the restored one.
        for suffix in ["", "-wal", "-shm"] {
            let from = PathBuf::from(format!("{}{suffix}", target.display()));
            if from.exists() {
                let to = PathBuf::from(format!("{}{suffix}", aside.display()));
                std::fs::rename(&from, &to).map_err(|e| {
                    format!(
                        "cannot move {} aside to {}: {e}",
                        from.display(),
                        to.display()
                    )
                })?;
            }
        }
        Some(aside)
    } else {
        None
    };
    std::fs::rename(&incoming, &target)
        .map_err(|e| format!("cannot move the restored file to {}: {e}", target.display()))?;
    sync_parent(&target);
    Ok((copied, kept))
}

/// Turns `file` into a rollback-journal database, which needs no files beside it.
async fn single_file(file: &Path) -> Result<(), String> {
    let mut conn = open(file, false).await?;
    let result = sqlx::query("PRAGMA journal_mode = DELETE")
        .execute(&mut conn)
        .await
        .map(|_| ())
        .map_err(|e| format!("cannot finish {}: {e}", file.display()));
    let _ = conn.close().await;
    result
}

/// Opens `file` read-only, checks it is a whole SQLite database of this server
/// (integrity check, the migrations table) and counts its requests.
async fn verify(file: &Path) -> Result<Copied, String> {
    let bytes = std::fs::metadata(file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?
        .len();
    let mut conn = open(file, true)
        .await
        .map_err(|e| format!("{} is not a database: {e}", file.display()))?;
    let result = async {
        let check: String = sqlx::query("PRAGMA integrity_check")
            .fetch_one(&mut conn)
            .await
            .and_then(|row| row.try_get(0))
            .map_err(|e| format!("{} is not a database: {e}", file.display()))?;
        if check != "ok" {
            return Err(format!("{} is damaged: {check}", file.display()));
        }
        let requests: i64 = sqlx::query("SELECT COUNT(*) FROM requests")
            .fetch_one(&mut conn)
            .await
            .and_then(|row| row.try_get(0))
            .map_err(|_| format!("{} is not an aftersales database", file.display()))?;
        Ok(Copied { requests, bytes })
    }
    .await;
    let _ = conn.close().await;
    result
}

/// A connection to `file`; `read_only` opens it as immutable, so looking at a
/// backup never creates or changes a file.
async fn open(file: &Path, read_only: bool) -> Result<SqliteConnection, String> {
    let options = SqliteConnectOptions::new()
        .filename(file)
        .read_only(read_only)
        .immutable(read_only)
        .create_if_missing(false)
        .busy_timeout(std::time::Duration::from_secs(10));
    SqliteConnection::connect_with(&options)
        .await
        .map_err(|e| format!("cannot open {}: {e}", file.display()))
}

/// `name.suffix` in the same folder (same file system: the rename is atomic).
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{suffix}"));
    path.with_file_name(name)
}

fn sync_file(path: &Path) -> Result<(), String> {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| format!("cannot flush {} to disk: {e}", path.display()))
}

/// Makes a rename durable; not every platform can open a folder, which is fine.
fn sync_parent(path: &Path) {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if let Ok(dir) = std::fs::File::open(parent) {
        let _ = dir.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_of_a_sqlite_url() {
        assert_eq!(
            sqlite_file("sqlite://data/a.db?mode=rwc").unwrap(),
            PathBuf::from("data/a.db")
        );
        assert_eq!(
            sqlite_file("sqlite:///var/lib/a.db").unwrap(),
            PathBuf::from("/var/lib/a.db")
        );
        assert_eq!(sqlite_file("sqlite:a.db").unwrap(), PathBuf::from("a.db"));
        assert!(sqlite_file("sqlite::memory:").is_err());
        assert!(sqlite_file("postgres://u@h/db")
            .unwrap_err()
            .contains("pg_dump"));
        assert!(sqlite_file("mysql://x").is_err());
    }
}
