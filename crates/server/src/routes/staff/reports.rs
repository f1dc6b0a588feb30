//! `GET /api/staff/reports`: the dashboard's figures over the last `days` days
//! (store time): requests by type, outcome and clause per day or week, how each
//! service level fared, the median time to close, and the customers' ratings.

use std::collections::BTreeMap;

use aftersales_contract::reports::{CloseTime, LevelReport, Ratings, Report, Series};
use aftersales_contract::{FieldCode, FieldError};
use aftersales_rules::time::Date;
use aftersales_rules::RequestType;
use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;

use super::Staff;
use crate::db::unix_now;
use crate::domain::clock::{now_in_zone, store_day};
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::store::reports::{self, Dimension, Range};
use crate::AppState;

const DAY: i64 = 86_400;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// How many days back from today (store time), 7 to 730 [default: 90].
    /// Up to 62 days are counted per day, more per week.
    #[param(minimum = 7, maximum = 730)]
    pub days: Option<i64>,
}

/// Counts per key and bucket, keys with the most first.
fn series(counts: BTreeMap<String, Vec<i64>>) -> Vec<Series> {
    let mut out: Vec<Series> = counts
        .into_iter()
        .map(|(key, counts)| Series {
            total: counts.iter().sum(),
            key,
            counts,
        })
        .collect();
    out.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.key.cmp(&b.key)));
    out
}

/// The median, found without sorting everything (hundreds of thousands of
/// values over two years); reorders `values`.
fn median(values: &mut [i64]) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    let odd = values.len() % 2 == 1;
    let (below, upper, _) = values.select_nth_unstable(values.len() / 2);
    let upper = *upper;
    Some(if odd {
        upper
    } else {
        // The lower middle is the largest of the half below.
        let lower = below.iter().copied().max().unwrap_or(upper);
        lower + (upper - lower) / 2
    })
}

#[utoipa::path(
    get,
    path = "/api/staff/reports",
    params(ReportQuery),
    responses(
        (status = 200, description = "The dashboard's figures", body = Report),
        (status = 401, description = "Not signed in", body = crate::error::ErrorBody),
    ),
    tag = "staff",
    security(("bearer" = []))
)]
pub async fn report(
    State(state): State<AppState>,
    _staff: Staff,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Json<Report>, ApiError> {
    let days = q.days.unwrap_or(90);
    if !(7..=730).contains(&days) {
        return Err(
            ApiError::validation(vec![FieldError::new("days", FieldCode::OutOfRange)]).in_query(),
        );
    }
    let policy = &state.policy.policy;
    let now = unix_now();
    // Days are the store's: cut at its midnight.
    let today = store_day(policy, now);
    let offset = i64::from(now_in_zone(policy).offset_seconds());
    let tomorrow = (today + 1) * DAY - offset;
    let bucket_days = if days <= 62 { 1 } else { 7 };
    let size = bucket_days * DAY;
    let n_buckets = (days + bucket_days - 1) / bucket_days;
    let first_day = today + 1 - n_buckets * bucket_days;
    let range = Range {
        from: tomorrow - n_buckets * size,
        to: tomorrow,
    };
    let date = |day: i64| Date::from_days_since_epoch(day).to_string();
    let buckets: Vec<String> = (0..n_buckets)
        .map(|i| date(first_day + i * bucket_days))
        .collect();

    let mut by_type: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    let mut by_outcome: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    let mut by_clause: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    let mut received = 0;
    for c in reports::day_counts(&state.db, first_day, today).await? {
        let Ok(i) = usize::try_from((c.day - first_day) / bucket_days) else {
            continue;
        };
        if i >= buckets.len() {
            continue;
        }
        let chart = match c.dimension {
            Dimension::Type => {
                // Every request has one type: these count them.
                received += c.count;
                &mut by_type
            }
            Dimension::Outcome => &mut by_outcome,
            Dimension::Clause => &mut by_clause,
        };
        chart.entry(c.id).or_insert_with(|| vec![0; buckets.len()])[i] += c.count;
    }

    let service_levels = reports::level_figures(&state.db, (first_day, today), range, now)
        .await?
        .into_iter()
        .map(|(what, l)| LevelReport {
            what,
            on_time: l.on_time,
            late: l.late,
            open: l.open,
        })
        .collect();

    let mut per_type = Vec::new();
    for kind in RequestType::ALL {
        let minutes = reports::minutes_to_close(&state.db, range, kind.as_str()).await?;
        if !minutes.is_empty() {
            per_type.push((kind.as_str(), minutes));
        }
    }
    per_type.sort_by_key(|(key, _)| *key);
    let mut all: Vec<i64> = per_type
        .iter()
        .flat_map(|(_, m)| m.iter().copied())
        .collect();
    let mut time_to_close = vec![CloseTime {
        key: "all".into(),
        closed: all.len() as i64,
        median_minutes: median(&mut all),
    }];
    time_to_close.extend(per_type.into_iter().map(|(key, mut minutes)| CloseTime {
        key: key.to_owned(),
        closed: minutes.len() as i64,
        median_minutes: median(&mut minutes),
    }));

    let mut by_rating = [0i64; 5];
    for (rating, n) in reports::ratings(&state.db, range).await? {
        if let Some(slot) = usize::try_from(rating - 1)
            .ok()
            .and_then(|i| by_rating.get_mut(i))
        {
            *slot += n;
        }
    }
    let count: i64 = by_rating.iter().sum();
    let weighted: i64 = by_rating
        .iter()
        .enumerate()
        .map(|(i, n)| (i as i64 + 1) * n)
        .sum();
    Ok(Json(Report {
        from: date(first_day),
        to: date(today),
        bucket_days,
        buckets,
        received,
        by_type: series(by_type),
        by_outcome: series(by_outcome),
        by_clause: series(by_clause),
        service_levels,
        time_to_close,
        ratings: Ratings {
            count,
            by_rating,
            mean_hundredths: (count > 0).then(|| weighted * 100 / count),
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [5, 1, 3]), Some(3));
        assert_eq!(median(&mut [4, 1, 3, 2]), Some(2));
        assert_eq!(median(&mut [9, 9, 1, 1]), Some(5));
        assert_eq!(median(&mut [7]), Some(7));
    }
}
