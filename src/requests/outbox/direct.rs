//! Filing where the browser gives the portal no device store (a store's frame
//! with third-party data blocked, some private windows): the request goes
//! straight to the server while the page is open, retried a few times, and the
//! customer was told so before submitting (the form's notice). The body and the
//! reading of the replies are the outbox's, so the server sees the same request.

use super::model::*;
use super::store::now_ms;
use crate::browser::clock::sleep;
use crate::browser::embed::{self, HostEvent};
use crate::browser::ids;
use crate::requests::api;

/// Attempts at filing before the customer is asked to try again (about a
/// minute with the outbox's backoff).
const ATTEMPTS: u32 = 6;

/// Whether this browser lets the portal keep requests on the device.
pub async fn device_store_works() -> bool {
    crate::browser::idb::count(crate::browser::idb::OUTBOX)
        .await
        .is_ok()
}

/// Files `draft` now; its id and tracking code once the server confirmed it.
/// Photos follow, each tried up to three times.
pub async fn send_directly(
    api_base: &str,
    draft: NewRequest,
) -> Result<(String, String), SubmitError> {
    let id = ids::new_uuid();
    let entry =
        new_entry(&id, &draft, draft.photos.len(), now_ms()).map_err(SubmitError::Invalid)?;
    for attempt in 1..=ATTEMPTS {
        let reply = api::file(api_base, &entry.body).await;
        match filing_step(reply.as_ref().map_err(|u| *u)) {
            FilingStep::Accepted { tracking_code, .. } => {
                for photo in &draft.photos {
                    for _ in 0..3 {
                        let reply =
                            api::upload_photo(api_base, &id, &tracking_code, photo, None).await;
                        if !matches!(
                            photo_step(reply.as_ref().map_err(|u| *u)),
                            PhotoStep::Retry { .. }
                        ) {
                            break;
                        }
                        sleep(2_000.0).await;
                    }
                }
                embed::emit(&HostEvent::Filed {
                    id: id.clone(),
                    request: entry.request_type,
                });
                return Ok((id, tracking_code));
            }
            FilingStep::NeedsFix(problem) => return Err(SubmitError::Refused(problem)),
            FilingStep::Retry { retry_after, .. } if attempt < ATTEMPTS => {
                sleep(backoff_ms(attempt, js_sys::Math::random(), retry_after)).await;
            }
            FilingStep::Retry { .. } => {}
        }
    }
    Err(SubmitError::Unsent)
}
