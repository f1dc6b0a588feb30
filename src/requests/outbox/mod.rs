//! The outbox: filing a request works offline. [`submit`] writes the
//! request and its photos to IndexedDB first, then a sync pass sends them:
//!
//! ```text
//! saved ──▶ sending ──▶ received (tracking code) ──▶ photos, one by one ──▶ gone from the outbox
//!   ▲          │  └──▶ needs_fix (409/422/400/413/415: the server's code and fields)
//!   └──────────┘ network error, 5xx, 429: backoff with full jitter, Retry-After honoured
//! ```
//!
//! A request leaves the outbox only after the server confirmed it and every
//! photo was answered; "my requests" (IndexedDB too) keeps what the tracking
//! page needs. Attempts and their schedule are stored, so a reload or the next
//! visit carries on where this one stopped.
//!
//! The UI: [`submit`], [`entries`], [`my_requests`], [`start_sync_service`]
//! once at start-up, and `tabs::subscribe` (or `tabs::version`) to know when
//! to re-read.

mod direct;
mod model;
mod store;
mod sync;

pub use direct::{device_store_works, send_directly};
pub use model::{
    backoff_ms, Failure, MyRequest, NewRequest, OutboxState, OutboxView, PhotoState, RequestBody,
    SubmitError, UploadProgress,
};
pub use store::{
    discard, entries, entry, forget, my_request, my_requests, note_status, photo_blob, refresh,
    resubmit, stored_request, submit, upload_progress,
};
pub use sync::{start_sync_service, sync_now};
