//! Stored orders: CSV import, the demo set, and loading one by number.

use std::collections::HashSet;

use aftersales_contract::Phone;
use aftersales_rules::case::{Fulfilment, Order, OrderLine};
use aftersales_rules::{Policy, Timestamp};
use serde::Deserialize;
use sqlx::Row;

use crate::db::{unix_now, Db};
use crate::domain::clock::now_in_zone;

/// The demo data set: dates are offsets (`-3d`, `-26h`) from the moment it is loaded.
pub const DEMO_ORDERS_CSV: &str = include_str!("../../demo/orders.csv");

/// One CSV row: one order line (README.md "Order CSV").
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CsvRow {
    order_number: String,
    ordered_at: String,
    phone: String,
    #[serde(default)]
    currency: String,
    fulfilment_state: String,
    #[serde(default)]
    fulfilment_at: String,
    line_id: String,
    #[serde(default)]
    sku: String,
    #[serde(default)]
    name: String,
    kind: String,
    quantity: i64,
    unit_price: i64,
}

/// An order with the phone it is looked up by (canonical, `Phone::as_str`).
#[derive(Debug, Clone)]
pub struct StoredOrder {
    pub order: Order,
    pub phone: String,
}

/// Reads the import CSV. `now` resolves relative dates (`-3d`) as used by the demo
/// file; absolute RFC 3339 instants are taken as they are.
pub fn parse_csv(text: &str, policy: &Policy, now: Timestamp) -> Result<Vec<StoredOrder>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut orders: Vec<StoredOrder> = Vec::new();
    for (i, row) in reader.deserialize::<CsvRow>().enumerate() {
        let line_no = i + 2;
        let row = row.map_err(|e| format!("line {line_no}: {e}"))?;
        let at = |field: &str, text: &str| {
            parse_instant(text, now, policy).ok_or_else(|| {
                format!("line {line_no}: {field}: not an RFC 3339 instant: {text:?}")
            })
        };
        let ordered_at = at("ordered_at", &row.ordered_at)?;
        let fulfilment = match (row.fulfilment_state.as_str(), row.fulfilment_at.is_empty()) {
            ("pending", true) => Fulfilment::Pending,
            ("delivered", false) => Fulfilment::Delivered {
                at: at("fulfilment_at", &row.fulfilment_at)?,
            },
            ("picked_up", false) => Fulfilment::PickedUp {
                at: at("fulfilment_at", &row.fulfilment_at)?,
            },
            (state, _) => {
                return Err(format!(
                    "line {line_no}: fulfilment_state {state:?} with fulfilment_at {:?}: \
                     use pending (no date), delivered or picked_up (with a date)",
                    row.fulfilment_at
                ))
            }
        };
        let phone = Phone::parse(&row.phone)
            .map_err(|_| {
                format!(
                    "line {line_no}: phone: not a mainland mobile or an international (+…) number"
                )
            })?
            .into_string();
        if row.order_number.is_empty() || row.order_number.len() > 64 {
            return Err(format!("line {line_no}: order_number: 1 to 64 characters"));
        }
        if row.line_id.is_empty() || row.line_id.len() > 64 {
            return Err(format!("line {line_no}: line_id: 1 to 64 characters"));
        }
        if policy.kind(&row.kind).is_none() {
            return Err(format!(
                "line {line_no}: kind {:?} is not a product kind of the policy",
                row.kind
            ));
        }
        if row.quantity <= 0 || row.unit_price < 0 {
            return Err(format!(
                "line {line_no}: quantity must be positive and unit_price not negative"
            ));
        }
        let currency = if row.currency.is_empty() {
            policy.currency.clone()
        } else {
            row.currency.clone()
        };
        let line = OrderLine {
            id: row.line_id,
            sku: row.sku,
            name: row.name,
            kind: row.kind,
            quantity: row.quantity,
            unit_price: row.unit_price,
        };
        match orders
            .iter_mut()
            .find(|o| o.order.number == row.order_number)
        {
            Some(existing) => {
                let o = &existing.order;
                if o.ordered_at != ordered_at
                    || o.fulfilment != fulfilment
                    || existing.phone != phone
                    || o.currency != currency
                {
                    return Err(format!(
                        "line {line_no}: order {} has different order fields on another line",
                        row.order_number
                    ));
                }
                if o.lines.iter().any(|l| l.id == line.id) {
                    return Err(format!(
                        "line {line_no}: order {} has two lines with id {:?}",
                        row.order_number, line.id
                    ));
                }
                existing.order.lines.push(line);
            }
            None => orders.push(StoredOrder {
                order: Order {
                    number: row.order_number,
                    ordered_at,
                    currency,
                    fulfilment,
                    lines: vec![line],
                },
                phone,
            }),
        }
    }
    Ok(orders)
}

/// RFC 3339, or an offset from `now` (`-3d`, `-26h`, `-90m`) shown in the store's zone.
fn parse_instant(text: &str, now: Timestamp, policy: &Policy) -> Option<Timestamp> {
    if let Ok(ts) = Timestamp::parse(text) {
        return Some(ts);
    }
    // The unit is the last character, whatever its width in bytes.
    let unit = text.chars().next_back()?;
    let n: i64 = text[..text.len() - unit.len_utf8()].parse().ok()?;
    let secs = match unit {
        'd' => n.checked_mul(86_400)?,
        'h' => n.checked_mul(3_600)?,
        'm' => n.checked_mul(60)?,
        _ => return None,
    };
    let at = now.add_seconds(secs).ok()?;
    policy.time_zone.localize(at).ok()
}

/// Inserts or replaces `orders` (lines included) in one transaction.
pub async fn store_orders(db: &Db, orders: &[StoredOrder], demo: bool) -> Result<(), sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let now = unix_now();
    for stored in orders {
        let o = &stored.order;
        let (state, at) = match &o.fulfilment {
            Fulfilment::Pending => ("pending", None),
            Fulfilment::Delivered { at } => ("delivered", Some(at.to_string())),
            Fulfilment::PickedUp { at } => ("picked_up", Some(at.to_string())),
        };
        sqlx::query(
            "INSERT INTO orders (number, phone, ordered_at, currency, fulfilment_state, \
             fulfilment_at, is_demo, imported_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (number) DO UPDATE SET phone = excluded.phone, \
             ordered_at = excluded.ordered_at, currency = excluded.currency, \
             fulfilment_state = excluded.fulfilment_state, fulfilment_at = excluded.fulfilment_at, \
             is_demo = excluded.is_demo, imported_at = excluded.imported_at",
        )
        .bind(&o.number)
        .bind(&stored.phone)
        .bind(o.ordered_at.to_string())
        .bind(&o.currency)
        .bind(state)
        .bind(at)
        .bind(i64::from(demo))
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM order_lines WHERE order_number = $1")
            .bind(&o.number)
            .execute(&mut *tx)
            .await?;
        for (position, line) in o.lines.iter().enumerate() {
            sqlx::query(
                "INSERT INTO order_lines (order_number, position, line_id, sku, name, kind, \
                 quantity, unit_price) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(&o.number)
            .bind(position as i64)
            .bind(&line.id)
            .bind(&line.sku)
            .bind(&line.name)
            .bind(&line.kind)
            .bind(line.quantity)
            .bind(line.unit_price)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await
}

/// Loads the demo orders once, on the first start (a marker row remembers it).
pub async fn load_demo_once(db: &Db, policy: &Policy) -> Result<bool, String> {
    let done = sqlx::query("SELECT value FROM settings WHERE key = 'demo_loaded'")
        .fetch_optional(&db.pool)
        .await
        .map_err(|e| e.to_string())?;
    if done.is_some() {
        return Ok(false);
    }
    let now = now_in_zone(policy);
    let orders = parse_csv(DEMO_ORDERS_CSV, policy, now).map_err(|e| format!("demo data: {e}"))?;
    store_orders(db, &orders, true)
        .await
        .map_err(|e| e.to_string())?;
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES ('demo_loaded', $1) ON CONFLICT (key) DO NOTHING",
    )
    .bind(now.to_string())
    .execute(&db.pool)
    .await
    .map_err(|e| e.to_string())?;
    Ok(true)
}

/// The stored order with this number, if any (one query: order joined to lines).
pub async fn find(db: &Db, number: &str) -> Result<Option<StoredOrder>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT o.number, o.phone, o.ordered_at, o.currency, o.fulfilment_state, \
         o.fulfilment_at, l.line_id, l.sku, l.name, l.kind, l.quantity, l.unit_price \
         FROM orders o JOIN order_lines l ON l.order_number = o.number \
         WHERE o.number = $1 ORDER BY l.position",
    )
    .bind(number)
    .fetch_all(&db.pool)
    .await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let parse = |text: String| Timestamp::parse(&text).ok();
    let Some(ordered_at) = parse(first.try_get("ordered_at")?) else {
        return Ok(None);
    };
    let state: String = first.try_get("fulfilment_state")?;
    let at: Option<String> = first.try_get("fulfilment_at")?;
    let at = at.and_then(parse);
    let fulfilment = match (state.as_str(), at) {
        ("delivered", Some(at)) => Fulfilment::Delivered { at },
        ("picked_up", Some(at)) => Fulfilment::PickedUp { at },
        _ => Fulfilment::Pending,
    };
    let mut lines = Vec::with_capacity(rows.len());
    for l in &rows {
        lines.push(OrderLine {
            id: l.try_get("line_id")?,
            sku: l.try_get("sku")?,
            name: l.try_get("name")?,
            kind: l.try_get("kind")?,
            quantity: l.try_get("quantity")?,
            unit_price: l.try_get("unit_price")?,
        });
    }
    Ok(Some(StoredOrder {
        order: Order {
            number: first.try_get("number")?,
            ordered_at,
            currency: first.try_get("currency")?,
            fulfilment,
            lines,
        },
        phone: first.try_get("phone")?,
    }))
}

/// Order numbers in a CSV, for a summary that names no customer.
pub fn summary(orders: &[StoredOrder]) -> (usize, usize) {
    let lines = orders.iter().map(|o| o.order.lines.len()).sum();
    let distinct: HashSet<&str> = orders.iter().map(|o| o.order.number.as_str()).collect();
    (distinct.len(), lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_read_their_unit_and_anything_else_is_refused() {
        let policy = Policy::default_policy();
        let now = Timestamp::parse("2026-11-22T10:00:00+08:00").unwrap();
        let at = |text: &str| parse_instant(text, now, &policy).map(|t| t.to_string());
        assert_eq!(at("-3d").as_deref(), Some("2026-11-19T10:00:00+08:00"));
        assert_eq!(at("-90m").as_deref(), Some("2026-11-22T08:30:00+08:00"));
        // A unit of more than one byte (found by the order_csv fuzz target).
        for bad in ["-ϓ", "ϓ", "-3ϓ", "", "d", "-3", "3x", "99999999999999999d"] {
            assert_eq!(at(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn demo_set_parses_and_covers_every_kind_and_state() {
        let policy = Policy::default_policy();
        let now = Timestamp::parse("2026-11-22T10:00:00+08:00").unwrap();
        let orders = parse_csv(DEMO_ORDERS_CSV, &policy, now).unwrap();
        for kind in [
            "regular",
            "self_pickup",
            "custom",
            "special_sale",
            "clearance",
        ] {
            assert!(orders
                .iter()
                .any(|o| o.order.lines.iter().any(|l| l.kind == kind)));
        }
        for state in ["pending", "delivered", "picked_up"] {
            assert!(orders.iter().any(|o| matches!(
                (&o.order.fulfilment, state),
                (Fulfilment::Pending, "pending")
                    | (Fulfilment::Delivered { .. }, "delivered")
                    | (Fulfilment::PickedUp { .. }, "picked_up")
            )));
        }
        assert!(orders.iter().any(|o| o.order.lines.len() > 1));
        let o = orders
            .iter()
            .find(|o| o.order.number == "DEMO-1003")
            .unwrap();
        assert_eq!(
            o.order.fulfilment.at().unwrap().to_string(),
            "2026-11-19T10:00:00+08:00"
        );
    }
}
