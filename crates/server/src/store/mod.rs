//! Storage: the SQL behind each area, the same queries on SQLite and
//! PostgreSQL (sqlx `Any`), and the group-commit writer for new filings.

pub mod attachments;
pub mod audit;
pub mod orders;
pub mod queue;
pub mod reports;
pub mod requests;
pub mod staff;
pub mod writer;
