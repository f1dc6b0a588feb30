//! The flags a filing gets when what the portal sent disagrees with what the
//! server knows. A flagged request is stored all the same; staff see why.

use aftersales_contract::{Flag, Lenient, Phone};
use aftersales_rules::case::Order;
use aftersales_rules::Decision;

/// How far in the future a `filed_at` may be (client clocks drift).
pub const CLOCK_SKEW_SECS: i64 = 300;

/// When a filing is judged, by its `filed_at`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FiledAt {
    /// Within the offline grace: judged at `filed_at`.
    Honoured,
    /// More than [`CLOCK_SKEW_SECS`] ahead of the server: judged now.
    InFuture,
    /// Older than the offline grace: judged now (or refused, by configuration).
    OutsideGrace,
}

impl FiledAt {
    pub fn of(filed: i64, now: i64, grace_secs: i64) -> FiledAt {
        if filed > now + CLOCK_SKEW_SECS {
            FiledAt::InFuture
        } else if filed < now - grace_secs {
            FiledAt::OutsideGrace
        } else {
            FiledAt::Honoured
        }
    }

    /// The instant the engine judges the case at.
    pub fn evaluated_at(self, filed: i64, now: i64) -> i64 {
        match self {
            FiledAt::Honoured => filed,
            FiledAt::InFuture | FiledAt::OutsideGrace => now,
        }
    }

    pub fn flag(self) -> Option<Flag> {
        match self {
            FiledAt::Honoured => None,
            FiledAt::InFuture => Some(Flag::FiledAtInFuture),
            FiledAt::OutsideGrace => Some(Flag::FiledAtOutsideGrace),
        }
    }
}

/// The customer-relevant part of an order, to tell whether the portal's copy
/// matches the stored one.
pub fn same_order(a: &Order, b: &Order) -> bool {
    a.number == b.number
        && a.ordered_at == b.ordered_at
        && a.fulfilment == b.fulfilment
        && a.lines.len() == b.lines.len()
        && a.lines.iter().zip(&b.lines).all(|(x, y)| {
            x.id == y.id
                && x.kind == y.kind
                && x.quantity == y.quantity
                && x.unit_price == y.unit_price
        })
}

/// The portal's order against the stored one (with its phone), if any.
pub fn order_flags(stored: Option<(&Order, &str)>, sent: &Order, contact: &Phone) -> Vec<Flag> {
    match stored {
        Some((order, phone)) => {
            let mut flags = Vec::new();
            if !same_order(order, sent) {
                flags.push(Flag::OrderDiffers);
            }
            if phone != contact.as_str() {
                flags.push(Flag::PhoneMismatch);
            }
            flags
        }
        None => vec![Flag::OrderUnknown],
    }
}

/// The decision the portal showed against the server's.
/// A client decision this build cannot read counts as a disagreement: staff
/// see it beside the server's.
pub fn decision_flag(server: &Decision, client: Option<&Lenient<Decision>>) -> Option<Flag> {
    client
        .filter(|c| c.known().is_none_or(|c| !server.agrees_with(c)))
        .map(|_| Flag::DecisionMismatch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filed_at_is_honoured_within_grace_and_skew() {
        let (now, grace) = (1_000_000, 72 * 3600);
        assert_eq!(FiledAt::of(now, now, grace), FiledAt::Honoured);
        assert_eq!(
            FiledAt::of(now + CLOCK_SKEW_SECS, now, grace),
            FiledAt::Honoured
        );
        assert_eq!(
            FiledAt::of(now + CLOCK_SKEW_SECS + 1, now, grace),
            FiledAt::InFuture
        );
        assert_eq!(FiledAt::of(now - grace, now, grace), FiledAt::Honoured);
        assert_eq!(
            FiledAt::of(now - grace - 1, now, grace),
            FiledAt::OutsideGrace
        );
        assert_eq!(FiledAt::Honoured.evaluated_at(5, now), 5);
        assert_eq!(FiledAt::OutsideGrace.evaluated_at(5, now), now);
        assert_eq!(FiledAt::InFuture.flag(), Some(Flag::FiledAtInFuture));
    }

    #[test]
    fn orders_are_compared_with_the_stored_one() {
        let order: Order = serde_json::from_str(
            r#"{"number":"SO-1","ordered_at":"2026-11-21T09:30:00+08:00","fulfilment":{"state":"pending"},
                "lines":[{"id":"1","kind":"regular","quantity":1,"unit_price":100}]}"#,
        )
        .unwrap();
        let phone = Phone::parse("13800138000").unwrap();
        assert!(order_flags(Some((&order, "13800138000")), &order, &phone).is_empty());
        assert_eq!(
            order_flags(Some((&order, "13900000000")), &order, &phone),
            vec![Flag::PhoneMismatch]
        );
        let mut cheaper = order.clone();
        cheaper.lines[0].unit_price = 1;
        assert_eq!(
            order_flags(Some((&order, "13800138000")), &cheaper, &phone),
            vec![Flag::OrderDiffers]
        );
        assert_eq!(order_flags(None, &order, &phone), vec![Flag::OrderUnknown]);
    }
}
