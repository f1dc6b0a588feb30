//! Photo evidence: JPEG, PNG or WebP (recognised by content, not by the name or
//! the declared type), at most 5 MB each and 6 per request; an identical photo
//! uploaded again (an outbox retry) is not stored twice.

use aftersales_contract::{CodeQuery, ErrorCode};
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{header, StatusCode};
use axum::Json;
use sha2::{Digest, Sha256};

use super::tracking::authorise;
use crate::db::unix_now;
use crate::error::ApiError;
use crate::extract::{ApiQuery, ClientIp};
use crate::store::attachments::{self, Added, AttachmentInfo, NewPhoto};
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
            ApiError::bad_request(ErrorCode::InvalidBody)
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
        Err(ApiError::bad_request(ErrorCode::InvalidBody).with_detail("no file part in the form"))
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

/// Adds a photo to a request (docs/api.md `POST /api/requests/{id}/attachments`).
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
        (status = 429, description = "Too many requests from this client", body = crate::error::ErrorBody),
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
        return Err(ApiError::conflict(ErrorCode::RequestClosed));
    }
    let data = read_photo(request, state.config.max_attachment_bytes).await?;
    let content_type = sniff(&data).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::UnsupportedImage,
        )
    })?;
    let sha256 = hex::encode(Sha256::digest(&data));
    if let Some(existing) = attachments::find_by_hash(&state.db, &stored.id, &sha256).await? {
        return Ok((StatusCode::OK, Json(existing)));
    }
    let photo = NewPhoto {
        request_id: &stored.id,
        sha256: &sha256,
        content_type,
        data: &data,
        at: unix_now(),
    };
    let seq = match attachments::add(&state.db, photo, state.config.max_attachments).await? {
        Added::Stored(seq) => seq,
        Added::Full => return Err(ApiError::conflict(ErrorCode::TooManyAttachments)),
        // The same photo arriving twice at once: the other copy is stored.
        Added::Duplicate => {
            return match attachments::find_by_hash(&state.db, &stored.id, &sha256).await? {
                Some(existing) => Ok((StatusCode::OK, Json(existing))),
                None => Err(ApiError::unavailable()),
            }
        }
    };
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
