//! Photos as stored: metadata, bytes, and adding one under the per-request limit.

use serde::Serialize;
use sqlx::Row;
use utoipa::ToSchema;

use crate::db::Db;

#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentInfo {
    /// 1-based position among the request's photos.
    pub seq: i64,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
}

/// What adding a photo came to.
pub enum Added {
    /// Stored at this position.
    Stored(i64),
    /// The request has `max` photos already.
    Full,
    /// The same photo arrived twice at once: the other copy is stored.
    Duplicate,
}

/// A new photo, stored with its audit entry in one transaction.
pub struct NewPhoto<'a> {
    pub request_id: &'a str,
    pub sha256: &'a str,
    pub content_type: &'a str,
    pub data: &'a [u8],
    pub at: i64,
}

pub async fn add(db: &Db, photo: NewPhoto<'_>, max: i64) -> Result<Added, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    // The counter row serialises concurrent uploads on both databases.
    let reserved = sqlx::query(
        "UPDATE requests SET attachment_count = attachment_count + 1 \
         WHERE id = $1 AND attachment_count < $2",
    )
    .bind(photo.request_id)
    .bind(max)
    .execute(&mut *tx)
    .await?;
    if reserved.rows_affected() == 0 {
        tx.rollback().await?;
        return Ok(Added::Full);
    }
    let seq: i64 = sqlx::query("SELECT attachment_count FROM requests WHERE id = $1")
        .bind(photo.request_id)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
    let insert = sqlx::query(
        "INSERT INTO attachments (request_id, seq, sha256, content_type, size, data, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(photo.request_id)
    .bind(seq)
    .bind(photo.sha256)
    .bind(photo.content_type)
    .bind(photo.data.len() as i64)
    .bind(photo.data.to_vec())
    .bind(photo.at)
    .execute(&mut *tx)
    .await;
    if insert.is_err() {
        tx.rollback().await?;
        return Ok(Added::Duplicate);
    }
    super::audit::record(
        &mut tx,
        photo.at,
        "customer",
        "attachment_added",
        Some(photo.request_id),
        serde_json::json!({"seq": seq, "content_type": photo.content_type, "size": photo.data.len()}),
    )
    .await?;
    tx.commit().await?;
    Ok(Added::Stored(seq))
}

/// The request's photo with this SHA-256, if stored.
pub async fn find_by_hash(
    db: &Db,
    request_id: &str,
    sha256: &str,
) -> Result<Option<AttachmentInfo>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT seq, content_type, size FROM attachments WHERE request_id = $1 AND sha256 = $2",
    )
    .bind(request_id)
    .bind(sha256)
    .fetch_optional(&db.pool)
    .await?;
    match row {
        Some(r) => Ok(Some(AttachmentInfo {
            seq: r.try_get("seq")?,
            content_type: r.try_get("content_type")?,
            size: r.try_get("size")?,
            sha256: sha256.to_owned(),
        })),
        None => Ok(None),
    }
}

/// Metadata of a request's photos, in upload order.
pub async fn list(db: &Db, request_id: &str) -> Result<Vec<AttachmentInfo>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT seq, content_type, size, sha256 FROM attachments WHERE request_id = $1 ORDER BY seq",
    )
    .bind(request_id)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(AttachmentInfo {
                seq: r.try_get("seq")?,
                content_type: r.try_get("content_type")?,
                size: r.try_get("size")?,
                sha256: r.try_get("sha256")?,
            })
        })
        .collect()
}

/// One photo's content type and bytes.
pub async fn fetch(
    db: &Db,
    request_id: &str,
    seq: i64,
) -> Result<Option<(String, Vec<u8>)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT content_type, data FROM attachments WHERE request_id = $1 AND seq = $2",
    )
    .bind(request_id)
    .bind(seq)
    .fetch_optional(&db.pool)
    .await?;
    match row {
        Some(r) => Ok(Some((r.try_get("content_type")?, r.try_get("data")?))),
        None => Ok(None),
    }
}
