//! The staff dashboard's figures (`GET /api/staff/reports`): the server
//! sends them, the staff console reads them.

use serde::{Deserialize, Serialize};

/// One line of a chart: a key (a type, outcome or clause id) and its count per bucket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Series {
    pub key: String,
    pub counts: Vec<i64>,
    pub total: i64,
}

/// How one service level fared on the requests received in the period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LevelReport {
    pub what: String,
    pub on_time: i64,
    pub late: i64,
    pub open: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CloseTime {
    /// A request type, or `all`.
    pub key: String,
    pub closed: i64,
    /// The median minutes from receipt to closing; `None` when none closed.
    pub median_minutes: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ratings {
    pub count: i64,
    /// How many gave 1, 2, 3, 4 and 5.
    pub by_rating: [i64; 5],
    /// The mean rating times 100 (integer), `None` without ratings.
    pub mean_hundredths: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Report {
    /// The first and last day counted (store time).
    pub from: String,
    pub to: String,
    /// 1 (per day) or 7 (per week).
    pub bucket_days: i64,
    /// The first day of each bucket.
    pub buckets: Vec<String>,
    pub received: i64,
    pub by_type: Vec<Series>,
    pub by_outcome: Vec<Series>,
    pub by_clause: Vec<Series>,
    pub service_levels: Vec<LevelReport>,
    pub time_to_close: Vec<CloseTime>,
    pub ratings: Ratings,
}
