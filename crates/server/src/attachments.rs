//! Photo evidence: JPEG, PNG or WebP (recognised by content, not by the name or
//! the declared type), at most 5 MB each and 6 per request; an identical photo
//! uploaded again (an outbox retry) is not stored twice.

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{header, StatusCode};
use axum::Json;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;
use utoipa::ToSchema;

use crate::db::unix_now;
use crate::error::ApiError;
use crate::extract::{ApiQuery, ClientIp};
use crate::requests::{authorise, CodeQuery};
use crate::staff::audit;
use crate::AppState;

/// The image type of `data`, from its magic bytes.
pub fn sniff(data: &[u8]) -> Option<&'static str> {
    if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if data.len() >= 12 && &data[0..4] == b"RIFF" && &data[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentInfo {
    /// 1-based position among the request's photos.
    pub seq: i64,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
}

/// Reads the photo: either the raw body (`Content-Type: image/*` or
/// `application/octet-stream`) or the first file of a `multipart/form-data` body.
async fn read_photo(request: Request, limit: usize) -> Result<Bytes, ApiError> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let too_large = |status: StatusCode| {
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::too_large()
        } else {
            ApiError::bad_request("invalid_body")
        }
    };
    if content_type.starts_with("multipart/form-data") {
        let mut multipart = Multipart::from_request(request, &())
            .await
            .map_err(|e| too_large(e.status()))?;
        while let Some(field) = multipart
            .next_field()
            .await
            .map_err(|e| too_large(e.status()))?
        {
            if field.file_name().is_some() || field.name() == Some("photo") {
                let data = field.bytes().await.map_err(|e| too_large(e.status()))?;
                return check_size(data, limit);
            }
        }
        Err(ApiError::bad_request("invalid_body").with_detail("no file part in the form"))
    } else if content_type.starts_with("image/")
        || content_type.starts_with("application/octet-stream")
    {
        let data = axum::body::to_bytes(request.into_body(), limit + 1)
            .await
            .map_err(|_| ApiError::too_large())?;
        check_size(data, limit)
    } else {
        Err(ApiError::unsupported_media_type())
    }
}

fn check_size(data: Bytes, limit: usize) -> Result<Bytes, ApiError> {
    if data.len() > limit {
        Err(ApiError::too_large())
    } else {
        Ok(data)
    }
}

/// Adds a photo to a request (API.md `POST /api/requests/{id}/attachments`).
#[utoipa::path(
    post,
    path = "/api/requests/{id}/attachments",
    params(("id" = String, Path, description = "The request id"), CodeQuery),
    request_body(content = Vec<u8>, content_type = "image/jpeg", description = "The photo (raw body, or multipart/form-data with one file)"),
    responses(
        (status = 201, description = "Stored", body = AttachmentInfo),
        (status = 200, description = "This photo was already attached", body = AttachmentInfo),
        (status = 404, description = "Unknown id or wrong code", body = crate::error::ErrorBody),
        (status = 409, description = "6 photos already, or the request is closed", body = crate::error::ErrorBody),
        (status = 413, description = "Larger than 5 MB", body = crate::error::ErrorBody),
        (status = 415, description = "Not a JPEG, PNG or WebP image", body = crate::error::ErrorBody),
    ),
    tag = "public"
)]
pub async fn upload(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<CodeQuery>,
    request: Request,
) -> Result<(StatusCode, Json<AttachmentInfo>), ApiError> {
    state.limiter.check(ip)?;
    let stored = authorise(&state, &id, &query.code).await?;
    if !stored.is_open() {
        return Err(ApiError::conflict("request_closed"));
    }
    let data = read_photo(request, state.config.max_attachment_bytes).await?;
    let content_type = sniff(&data)
        .ok_or_else(|| ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_image"))?;
    let sha256 = hex::encode(Sha256::digest(&data));
    if let Some(existing) = find_by_hash(&state, &stored.id, &sha256).await? {
        return Ok((StatusCode::OK, Json(existing)));
    }
    let now = unix_now();
    let mut tx = state.db.pool.begin().await?;
    // The counter row serialises concurrent uploads on both databases.
    let reserved = sqlx::query(
        "UPDATE requests SET attachment_count = attachment_count + 1 \
         WHERE id = $1 AND attachment_count < $2",
    )
    .bind(&stored.id)
    .bind(state.config.max_attachments)
    .execute(&mut *tx)
    .await?;
    if reserved.rows_affected() == 0 {
        tx.rollback().await?;
        return Err(ApiError::conflict("too_many_attachments"));
    }
    let seq: i64 = sqlx::query("SELECT attachment_count FROM requests WHERE id = $1")
        .bind(&stored.id)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
    let insert = sqlx::query(
        "INSERT INTO attachments (request_id, seq, sha256, content_type, size, data, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&stored.id)
    .bind(seq)
    .bind(&sha256)
    .bind(content_type)
    .bind(data.len() as i64)
    .bind(data.to_vec())
    .bind(now)
    .execute(&mut *tx)
    .await;
    if insert.is_err() {
        // The same photo arriving twice at once: the other copy is stored.
        tx.rollback().await?;
        return match find_by_hash(&state, &stored.id, &sha256).await? {
            Some(existing) => Ok((StatusCode::OK, Json(existing))),
            None => Err(ApiError::unavailable()),
        };
    }
    audit(
        &mut tx,
        now,
        "customer",
        "attachment_added",
        Some(&stored.id),
        serde_json::json!({"seq": seq, "content_type": content_type, "size": data.len()}),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(request_id = %stored.id, seq, size = data.len(), "photo attached");
    Ok((
        StatusCode::CREATED,
        Json(AttachmentInfo {
            seq,
            content_type: content_type.to_owned(),
            size: data.len() as i64,
            sha256,
        }),
    ))
}

async fn find_by_hash(
    state: &AppState,
    request_id: &str,
    sha256: &str,
) -> Result<Option<AttachmentInfo>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT seq, content_type, size FROM attachments WHERE request_id = $1 AND sha256 = $2",
    )
    .bind(request_id)
    .bind(sha256)
    .fetch_optional(&state.db.pool)
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
pub async fn list(state: &AppState, request_id: &str) -> Result<Vec<AttachmentInfo>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT seq, content_type, size, sha256 FROM attachments WHERE request_id = $1 ORDER BY seq",
    )
    .bind(request_id)
    .fetch_all(&state.db.pool)
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

/// One photo's bytes, for staff.
pub async fn fetch(
    state: &AppState,
    request_id: &str,
    seq: i64,
) -> Result<Option<(String, Vec<u8>)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT content_type, data FROM attachments WHERE request_id = $1 AND seq = $2",
    )
    .bind(request_id)
    .bind(seq)
    .fetch_optional(&state.db.pool)
    .await?;
    match row {
        Some(r) => Ok(Some((r.try_get("content_type")?, r.try_get("data")?))),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_content() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Some("image/jpeg"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff(b"RIFF\x10\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff(b"GIF89a"), None);
        assert_eq!(sniff(b"<svg"), None);
        assert_eq!(sniff(b""), None);
    }
}
