//! Browser glue shared by every app: nothing here knows a page or an app.
//!
//! Everything degrades quietly where the browser lacks a service (no storage in
//! a sandboxed frame, no IndexedDB, no Web Locks, no service workers).

pub mod clock;
pub mod embed;
pub mod events;
pub mod http;
pub mod idb;
pub mod ids;
pub mod kiosk;
pub mod language;
pub mod mount;
pub mod router;
pub mod service_worker;
pub mod storage;
pub mod tabs;
