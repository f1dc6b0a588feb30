//! Black-box HTTP tests of the backend (docs/api.md), one module per area over
//! shared helpers, run against SQLite by default and against PostgreSQL when
//! `TEST_DATABASE_URL` is set (scripts/test-server.sh).

// Each area uses a different part of the helpers.
#![allow(dead_code)]

mod accounts;
mod attachments;
mod casework;
mod durability;
mod filing;
mod fuzz_regressions;
mod helpers;
mod orders;
mod platform;
mod queue;
mod reports;
mod security;
mod sign_in;
mod staff;
mod tracking;
