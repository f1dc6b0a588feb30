//! What the engine answers: the decision for a request and for each of its lines.
//!
//! Ids (clauses, documents, steps, service levels) are stable strings: the portal
//! uses them as i18n keys and the server stores them.

use serde::{Deserialize, Serialize};

use crate::policy::{Fact, ServiceLevel};
use crate::time::Timestamp;

/// Generates a string-backed enum with `as_str`, `parse`, `ALL` and serde impls.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)* }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($(#[$vmeta])* $variant,)* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)* }
            }

            pub fn parse(text: &str) -> Option<$name> {
                match text { $($text => Some($name::$variant),)* _ => None }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                $name::parse(&text).ok_or_else(|| {
                    let expected: Vec<&str> = $name::ALL.iter().map(|v| v.as_str()).collect();
                    serde::de::Error::custom(format!(
                        "unknown value \"{}\", expected one of {}", text, expected.join(", ")
                    ))
                })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use string_enum;

string_enum! {
    /// What the customer asks for.
    RequestType {
        Cancel = "cancel",
        Return = "return",
        Exchange = "exchange",
        Repair = "repair",
        Complaint = "complaint",
    }
}

string_enum! {
    /// What a complaint is about: 软性投诉 (service) or 硬性投诉 (product).
    ComplaintAbout {
        Service = "service",
        Product = "product",
    }
}

string_enum! {
    Outcome {
        Allowed = "allowed",
        AllowedWithFee = "allowed_with_fee",
        NeedsInspection = "needs_inspection",
        Refused = "refused",
        /// Lines of one request were decided differently.
        Mixed = "mixed",
    }
}

string_enum! {
    /// The policy clause a decision rests on (docs/policy.md); the i18n key of its explanation.
    Clause {
        CancelAlreadyFulfilled = "cancel.already_fulfilled",
        CancelFinalSale = "cancel.final_sale",
        CancelCustomOrder = "cancel.custom_order",
        CancelFree = "cancel.free",
        CancelFee = "cancel.fee",
        ReturnFinalSale = "return.final_sale",
        ReturnQualityExcluded = "return.quality_excluded",
        ReturnQualityInspection = "return.quality_inspection",
        ReturnCustomOrder = "return.custom_order",
        ReturnSelfPickup = "return.self_pickup",
        ReturnWithinWindow = "return.within_window",
        ReturnWindowExpired = "return.window_expired",
        ReturnPackagingOpened = "return.packaging_opened",
        ReturnNotIntact = "return.not_intact",
        ReturnDocumentsMissing = "return.documents_missing",
        RepairChargeable = "repair.chargeable",
        RepairWarranty = "repair.warranty",
        ComplaintService = "complaint.service",
        ComplaintProduct = "complaint.product",
        Mixed = "mixed",
    }
}

string_enum! {
    /// A document the customer holds (input).
    Document {
        SalesOrder = "sales_order",
        Receipt = "receipt",
        Invoice = "invoice",
        PickupSlip = "pickup_slip",
        DeliveryNote = "delivery_note",
    }
}

string_enum! {
    /// A document the customer must bring; some are satisfied by either of two.
    DocumentRequirement {
        SalesOrder = "sales_order",
        ReceiptOrInvoice = "receipt_or_invoice",
        PickupSlip = "pickup_slip",
        DeliveryNote = "delivery_note",
        PickupSlipOrDeliveryNote = "pickup_slip_or_delivery_note",
    }
}

impl DocumentRequirement {
    /// Whether the documents held satisfy this requirement.
    pub fn satisfied_by(self, held: &[Document]) -> bool {
        let has = |d: Document| held.contains(&d);
        match self {
            DocumentRequirement::SalesOrder => has(Document::SalesOrder),
            DocumentRequirement::ReceiptOrInvoice => {
                has(Document::Receipt) || has(Document::Invoice)
            }
            DocumentRequirement::PickupSlip => has(Document::PickupSlip),
            DocumentRequirement::DeliveryNote => has(Document::DeliveryNote),
            DocumentRequirement::PickupSlipOrDeliveryNote => {
                has(Document::PickupSlip) || has(Document::DeliveryNote)
            }
        }
    }
}

/// Something the outcome assumed because the customer did not say: a fact about the
/// goods, or that they hold a document. On the wire it is the fact id
/// (`goods_intact`) or `document:` followed by the requirement id
/// (`document:receipt_or_invoice`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Condition {
    Fact(Fact),
    Document(DocumentRequirement),
}

impl Condition {
    /// The wire prefix of a document condition.
    pub const DOCUMENT_PREFIX: &'static str = "document:";

    /// Every condition, facts first.
    pub const ALL: &'static [Condition] = &[
        Condition::Fact(Fact::PackagingUnopened),
        Condition::Fact(Fact::GoodsIntact),
        Condition::Document(DocumentRequirement::SalesOrder),
        Condition::Document(DocumentRequirement::ReceiptOrInvoice),
        Condition::Document(DocumentRequirement::PickupSlip),
        Condition::Document(DocumentRequirement::DeliveryNote),
        Condition::Document(DocumentRequirement::PickupSlipOrDeliveryNote),
    ];

    /// The wire string: `goods_intact`, `document:receipt_or_invoice`.
    pub fn as_wire(self) -> &'static str {
        match self {
            Condition::Fact(f) => f.as_str(),
            Condition::Document(d) => match d {
                DocumentRequirement::SalesOrder => "document:sales_order",
                DocumentRequirement::ReceiptOrInvoice => "document:receipt_or_invoice",
                DocumentRequirement::PickupSlip => "document:pickup_slip",
                DocumentRequirement::DeliveryNote => "document:delivery_note",
                DocumentRequirement::PickupSlipOrDeliveryNote => {
                    "document:pickup_slip_or_delivery_note"
                }
            },
        }
    }

    /// Reads a wire string; `None` for anything [`Condition::as_wire`] never writes.
    pub fn parse(text: &str) -> Option<Condition> {
        match text.strip_prefix(Condition::DOCUMENT_PREFIX) {
            Some(doc) => DocumentRequirement::parse(doc).map(Condition::Document),
            None => Fact::parse(text).map(Condition::Fact),
        }
    }

    /// The fact, if this condition is one.
    pub fn fact(self) -> Option<Fact> {
        match self {
            Condition::Fact(f) => Some(f),
            Condition::Document(_) => None,
        }
    }

    /// The document requirement, if this condition is one.
    pub fn document(self) -> Option<DocumentRequirement> {
        match self {
            Condition::Fact(_) => None,
            Condition::Document(d) => Some(d),
        }
    }
}

impl From<Fact> for Condition {
    fn from(f: Fact) -> Self {
        Condition::Fact(f)
    }
}

impl From<DocumentRequirement> for Condition {
    fn from(d: DocumentRequirement) -> Self {
        Condition::Document(d)
    }
}

impl std::fmt::Display for Condition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_wire())
    }
}

/// The text is not a condition [`Condition::as_wire`] writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownCondition(pub String);

impl std::fmt::Display for UnknownCondition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown condition \"{}\"", self.0)
    }
}

impl std::error::Error for UnknownCondition {}

impl std::str::FromStr for Condition {
    type Err = UnknownCondition;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Condition::parse(text).ok_or_else(|| UnknownCondition(text.to_owned()))
    }
}

impl serde::Serialize for Condition {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_wire())
    }
}

impl<'de> serde::Deserialize<'de> for Condition {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
        Condition::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(UnknownCondition(text.into_owned())))
    }
}

/// The engine's answer for a whole request (docs/check-cli.md, "Decision").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub outcome: Outcome,
    pub clause: Clause,
    pub fee: Option<i64>,
    pub refund: Option<i64>,
    pub deadline: Option<Timestamp>,
    /// What the outcome assumed (`packaging_unopened`, `document:<id>` on the wire).
    pub conditions: Vec<Condition>,
    pub lines: Vec<LineDecision>,
    pub documents_to_bring: Vec<DocumentRequirement>,
    pub steps: Vec<String>,
    pub service_levels: Vec<ServiceLevel>,
    pub alternatives: Vec<RequestType>,
    /// The order's currency, so amounts can be shown without the order at hand.
    #[serde(default)]
    pub currency: String,
}

/// The answer for one order line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineDecision {
    pub id: String,
    pub outcome: Outcome,
    pub clause: Clause,
    pub fee: Option<i64>,
    pub refund: Option<i64>,
    pub deadline: Option<Timestamp>,
    #[serde(default)]
    pub conditions: Vec<Condition>,
}

impl Decision {
    /// Whether two decisions agree on everything the customer was promised
    /// (the server flags a filed request whose client decision differs).
    pub fn agrees_with(&self, other: &Decision) -> bool {
        self.outcome == other.outcome
            && self.clause == other.clause
            && self.fee == other.fee
            && self.refund == other.refund
            && self.deadline == other.deadline
            && self.lines.len() == other.lines.len()
            && self
                .lines
                .iter()
                .zip(&other.lines)
                .all(|(a, b)| a.id == b.id && a.outcome == b.outcome && a.clause == b.clause)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn condition_wire_strings_round_trip() {
        for c in Condition::ALL {
            let expected = match c {
                Condition::Fact(f) => f.as_str().to_owned(),
                Condition::Document(d) => format!("document:{d}"),
            };
            assert_eq!(c.as_wire(), expected);
            assert_eq!(c.to_string(), expected);
            assert_eq!(Condition::parse(&expected), Some(*c));
            assert_eq!(expected.parse::<Condition>(), Ok(*c));
            let json = serde_json::to_string(c).unwrap();
            assert_eq!(json, format!("\"{expected}\""));
            assert_eq!(serde_json::from_str::<Condition>(&json).unwrap(), *c);
        }
        assert_eq!(
            Condition::ALL.len(),
            Fact::ALL.len() + DocumentRequirement::ALL.len()
        );
    }

    #[test]
    fn unknown_conditions_are_rejected() {
        for text in [
            "",
            "document:",
            "document:passport",
            "goods",
            "document:goods_intact",
        ] {
            assert_eq!(Condition::parse(text), None, "{text}");
            assert!(text.parse::<Condition>().is_err());
            assert!(serde_json::from_str::<Condition>(&format!("\"{text}\"")).is_err());
        }
    }
}
