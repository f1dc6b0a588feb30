//! What the engine answers: the decision for a request and for each of its lines.
//!
//! Ids (clauses, documents, steps, service levels) are stable strings: the portal
//! uses them as i18n keys and the server stores them.

use serde::{Deserialize, Serialize};

use crate::policy::ServiceLevel;
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
    /// The policy clause a decision rests on (POLICY.md); the i18n key of its explanation.
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

/// The engine's answer for a whole request (CHECK-CONTRACT.md "Decision").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub outcome: Outcome,
    pub clause: Clause,
    pub fee: Option<i64>,
    pub refund: Option<i64>,
    pub deadline: Option<Timestamp>,
    /// Facts the outcome assumed (`packaging_unopened`, `document:<id>`).
    pub conditions: Vec<String>,
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
    pub conditions: Vec<String>,
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
