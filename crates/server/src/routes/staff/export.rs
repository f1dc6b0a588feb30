//! `GET /api/staff/requests.csv`: the filtered queue as CSV, UTF-8 with a
//! byte-order mark (so Excel reads the Chinese right), in the language the
//! request asks for, with the console's own texts (`locales/*/staff.json`,
//! `locales/*/decision.json`).

use std::sync::LazyLock;

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::queue::{ListQuery, RequestSummary};
use super::Staff;
use crate::db::unix_now;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::i18n::Lang;
use crate::store::queue;
use crate::AppState;

/// Most rows one export holds (a year of a large store's requests).
pub const EXPORT_CAP: i64 = 100_000;

/// The console's texts in one language.
struct Texts {
    staff: Value,
    decision: Value,
}

static TEXTS: LazyLock<[Texts; 2]> = LazyLock::new(|| {
    let read = |text: &str| serde_json::from_str(text).unwrap_or(Value::Null);
    [
        Texts {
            staff: read(include_str!("../../../../../locales/zh-CN/staff.json")),
            decision: read(include_str!("../../../../../locales/zh-CN/decision.json")),
        },
        Texts {
            staff: read(include_str!("../../../../../locales/en/staff.json")),
            decision: read(include_str!("../../../../../locales/en/decision.json")),
        },
    ]
});

impl Texts {
    fn of(lang: Lang) -> &'static Texts {
        match lang {
            Lang::Zh => &TEXTS[0],
            Lang::En => &TEXTS[1],
        }
    }

    /// The text at `path` of `file`, or `fallback` (an id) where there is none.
    fn get<'a>(file: &'a Value, path: &[&str], fallback: &'a str) -> &'a str {
        path.iter()
            .try_fold(file, |v, key| v.get(key))
            .and_then(Value::as_str)
            .unwrap_or(fallback)
    }

    fn csv(&self, key: &'static str) -> &str {
        Texts::get(&self.staff, &["csv", key], key)
    }

    fn row(&self, r: &RequestSummary) -> Vec<String> {
        let kind_key = match r.request_type.as_str() {
            "return" => "return_goods",
            other => other,
        };
        let status_key = format!("status_{}", r.status.as_str());
        let words =
            |file: &Value, group: &str, id: &str| Texts::get(file, &[group, id], id).to_owned();
        let yes_no = |b: bool| self.csv(if b { "yes" } else { "no" }).to_owned();
        vec![
            r.tracking_code.clone(),
            r.order_number.clone(),
            Texts::get(&self.decision, &["request", kind_key], &r.request_type).to_owned(),
            r.outcome
                .as_deref()
                .map(|o| words(&self.staff, "outcome", o))
                .unwrap_or_default(),
            r.clause
                .as_deref()
                .map(|c| Texts::get(&self.staff, &["clause", &c.replace('.', "_")], c).to_owned())
                .unwrap_or_default(),
            Texts::get(&self.staff, &[status_key.as_str()], r.status.as_str()).to_owned(),
            r.step
                .as_deref()
                .map(|s| words(&self.decision, "step", s))
                .unwrap_or_default(),
            r.waiting_for
                .iter()
                .map(|role| words(&self.staff, "role", role.as_str()))
                .collect::<Vec<_>>()
                .join(" / "),
            r.next_due_level
                .as_deref()
                .map(|l| words(&self.decision, "service", l))
                .unwrap_or_default(),
            r.next_due.clone().unwrap_or_default(),
            yes_no(r.overdue),
            r.flags
                .iter()
                .map(|f| words(&self.staff, "flag", f))
                .collect::<Vec<_>>()
                .join(" "),
            r.received_at.clone(),
            r.updated_at.clone(),
        ]
    }
}

const COLUMNS: [&str; 14] = [
    "tracking_code",
    "order",
    "request_type",
    "outcome",
    "clause",
    "status",
    "step",
    "waiting_for",
    "next_due_level",
    "next_due",
    "overdue",
    "flags",
    "received",
    "updated",
];

/// One CSV field (RFC 4180), with formula-looking text neutralised so a
/// spreadsheet never runs what a customer typed.
fn field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The CSV text (with its byte-order mark) of `rows`.
pub fn csv_of(lang: Lang, rows: &[RequestSummary]) -> String {
    let texts = Texts::of(lang);
    let mut out = String::from("\u{feff}");
    let line = |cells: Vec<String>| {
        let mut l = cells.iter().map(|c| field(c)).collect::<Vec<_>>().join(",");
        l.push_str("\r\n");
        l
    };
    out.push_str(&line(
        COLUMNS.iter().map(|c| texts.csv(c).to_owned()).collect(),
    ));
    for r in rows {
        out.push_str(&line(texts.row(r)));
    }
    out
}

/// The filtered queue as CSV (every page, up to 100,000 rows; `limit` and
/// `offset` are checked but not used), in the order the queue shows it.
#[utoipa::path(
    get,
    path = "/api/staff/requests.csv",
    params(ListQuery),
    responses(
        (status = 200, description = "UTF-8 CSV with a byte-order mark; headers and words in the Accept-Language's language", content_type = "text/csv"),
        (status = 401, description = "Not signed in", body = crate::error::ErrorBody),
    ),
    tag = "staff",
    security(("bearer" = []))
)]
pub async fn export(
    State(state): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Response, ApiError> {
    // An export is the whole filter: `limit` and `offset` are checked, not used.
    let (filter, _, _) = q.checked(&staff)?;
    let now = unix_now();
    let rows: Vec<RequestSummary> = queue::all(&state.db, &filter, now, EXPORT_CAP)
        .await?
        .into_iter()
        .map(|r| RequestSummary::of(r, &state, now))
        .collect();
    let lang = Lang::from_accept_language(
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let stamp = crate::domain::clock::show_text(&state.policy.policy, now)
        .chars()
        .filter(char::is_ascii_digit)
        .take(12)
        .collect::<String>();
    let disposition = format!("attachment; filename=\"requests-{stamp}.csv\"");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
        ],
        csv_of(lang, &rows),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_formulas_neutralised() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(field("-1+2"), "'-1+2");
    }

    #[test]
    fn the_header_is_in_the_language_asked_for_after_a_byte_order_mark() {
        let zh = csv_of(Lang::Zh, &[]);
        assert!(zh.starts_with("\u{feff}查询码,订单号,类型"), "{zh}");
        let en = csv_of(Lang::En, &[]);
        assert!(en.starts_with("\u{feff}Tracking code,Order,Type"), "{en}");
    }
}
