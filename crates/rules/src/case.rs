//! What the engine is asked: an order, a request about it, and what the customer
//! knows (docs/check-cli.md, "Case").

use serde::{Deserialize, Serialize};

use crate::decision::{ComplaintAbout, Document, RequestType};
use crate::policy::Fact;
use crate::time::Timestamp;

/// One self-check: evaluate `request` on `order` at the instant `now`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Case {
    pub now: Timestamp,
    pub order: Order,
    pub request: Request,
    #[serde(default, skip_serializing_if = "Facts::is_empty")]
    pub facts: Facts,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documents: Option<Vec<DocumentHeld>>,
}

/// A case without its clock: what a filed request carries (`case` in docs/api.md).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Filing {
    pub order: Order,
    pub request: Request,
    /// Known facts; a key left out is unknown, not false.
    #[serde(default, skip_serializing_if = "Facts::is_empty")]
    pub facts: Facts,
    /// `None` = unknown; `Some` = the complete list the customer holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documents: Option<Vec<DocumentHeld>>,
}

impl Filing {
    /// The case this filing makes when evaluated at `now`.
    pub fn at(&self, now: Timestamp) -> Case {
        Case {
            now,
            order: self.order.clone(),
            request: self.request.clone(),
            facts: self.facts.clone(),
            documents: self.documents.clone(),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub packaging_unopened: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goods_intact: Option<bool>,
}

impl Facts {
    pub fn is_empty(&self) -> bool {
        self.packaging_unopened.is_none() && self.goods_intact.is_none()
    }

    /// What the customer said about `fact`; `None` = unknown.
    pub fn get(&self, fact: Fact) -> Option<bool> {
        match fact {
            Fact::PackagingUnopened => self.packaging_unopened,
            Fact::GoodsIntact => self.goods_intact,
        }
    }

    /// Records an answer about `fact` (`None` makes it unknown again).
    pub fn set(&mut self, fact: Fact, value: Option<bool>) {
        match fact {
            Fact::PackagingUnopened => self.packaging_unopened = value,
            Fact::GoodsIntact => self.goods_intact = value,
        }
    }
}

/// A document the customer says they hold; ids the engine does not know are kept
/// (the customer may hold a warranty card) but never satisfy a requirement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DocumentHeld(pub String);

impl DocumentHeld {
    pub fn known(&self) -> Option<Document> {
        Document::parse(&self.0)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Order {
    pub number: String,
    pub ordered_at: Timestamp,
    /// ISO 4217; the policy's currency when left out.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub currency: String,
    pub fulfilment: Fulfilment,
    pub lines: Vec<OrderLine>,
}

/// `{"state": "pending"}`, `{"state": "delivered", "at": …}` or
/// `{"state": "picked_up", "at": …}`. Read through [`FulfilmentFields`] rather than
/// serde's internally tagged enums, whose buffering costs KBs of the portal's WASM.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "state",
    rename_all = "snake_case",
    try_from = "FulfilmentFields"
)]
pub enum Fulfilment {
    Pending,
    Delivered { at: Timestamp },
    PickedUp { at: Timestamp },
}

/// The wire form of [`Fulfilment`], as read.
#[derive(Deserialize)]
pub struct FulfilmentFields {
    state: String,
    #[serde(default)]
    at: Option<Timestamp>,
}

impl TryFrom<FulfilmentFields> for Fulfilment {
    type Error = String;

    fn try_from(f: FulfilmentFields) -> Result<Self, String> {
        match (f.state.as_str(), f.at) {
            ("pending", None) => Ok(Fulfilment::Pending),
            ("pending", Some(_)) => Err("a pending order has no `at`".into()),
            ("delivered", Some(at)) => Ok(Fulfilment::Delivered { at }),
            ("picked_up", Some(at)) => Ok(Fulfilment::PickedUp { at }),
            ("delivered" | "picked_up", None) => Err("missing field `at`".into()),
            (other, _) => Err(format!(
                "unknown variant `{other}`, expected one of `pending`, `delivered`, `picked_up`"
            )),
        }
    }
}

impl Fulfilment {
    /// When the goods reached the customer, if they have.
    pub fn at(&self) -> Option<Timestamp> {
        match self {
            Fulfilment::Pending => None,
            Fulfilment::Delivered { at } | Fulfilment::PickedUp { at } => Some(*at),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    pub id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sku: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// A product kind of the policy (`regular`, `custom`, …).
    pub kind: String,
    #[serde(deserialize_with = "whole_number")]
    pub quantity: i64,
    /// Minor units (fen, cents).
    #[serde(deserialize_with = "whole_number")]
    pub unit_price: i64,
}

/// An `i64` written as a JSON integer, or as a number with no fraction (`3.0`):
/// JSON does not tell them apart, and neither does a JSON Schema `integer`.
/// (Beyond 2^53 a number written with a fraction is as exact as the reader's
/// decimal conversion; the server reads them exactly.)
pub fn whole_number<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    struct Whole;
    impl serde::de::Visitor<'_> for Whole {
        type Value = i64;
        fn expecting(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
            f.write_str("a whole number")
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<i64, E> {
            Ok(v)
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<i64, E> {
            i64::try_from(v).map_err(|_| E::custom("a whole number within 64 bits"))
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<i64, E> {
            // -2^63 ≤ v < 2^63: the range of i64, exactly.
            if v.trunc() == v
                && (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&v)
            {
                Ok(v as i64)
            } else {
                Err(E::custom("a whole number"))
            }
        }
    }
    deserializer.deserialize_any(Whole)
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    #[serde(rename = "type")]
    pub kind: RequestType,
    /// Line ids; empty means every line.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<String>,
    /// For returns and exchanges: `quality_defect` or any other reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// For complaints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<ComplaintAbout>,
}

/// The reason that makes a return or exchange a quality matter.
pub const QUALITY_DEFECT: &str = "quality_defect";

#[cfg(test)]
mod tests {
    use super::*;

    fn line(quantity: &str) -> Result<OrderLine, serde_json::Error> {
        serde_json::from_str(&format!(
            r#"{{"id": "1", "kind": "regular", "quantity": {quantity}, "unit_price": 100}}"#
        ))
    }

    #[test]
    fn whole_numbers_read_as_integers_or_as_numbers_without_a_fraction() {
        assert_eq!(line("3").unwrap().quantity, 3);
        assert_eq!(line("3.0").unwrap().quantity, 3);
        assert_eq!(line("-2e2").unwrap().quantity, -200);
        assert_eq!(line("-123456789.0").unwrap().quantity, -123_456_789);
        assert_eq!(line("9223372036854775807").unwrap().quantity, i64::MAX);
        assert_eq!(line("-9223372036854775808").unwrap().quantity, i64::MIN);
        for bad in [
            "2.5",
            "0.001",
            "1e300",
            "9223372036854775808",
            "\"3\"",
            "null",
            "true",
        ] {
            assert!(line(bad).is_err(), "{bad}");
        }
    }
}
