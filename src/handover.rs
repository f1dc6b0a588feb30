//! The one seam between the apps: the check in progress ([`Draft`]), which the
//! self-check keeps and the requests app files, and the outbox's "requests
//! waiting" flag, which the requests app keeps and the self-check shows.
//!
//! The draft is one value in `sessionStorage` (`aftersales:draft`, so a reload
//! or a deep link into the middle of the flow keeps working in this tab), wiped
//! with everything else by [`crate::browser::storage::wipe_customer_data`]. Both
//! apps turn it into the engine's case the same way ([`Draft::case`]), so the
//! decision filed is the one the customer saw.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use aftersales_rules::case::{DocumentHeld, Facts, Fulfilment, Order, Request, QUALITY_DEFECT};
use aftersales_rules::decision::{ComplaintAbout, DocumentRequirement};
use aftersales_rules::{
    check, Case, CaseError, Condition, Decision, Fact, Policy, RequestType, Timestamp,
};

use crate::browser::storage;

/// Where the order came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderSource {
    /// Looked up in the store's system by number and phone.
    Lookup,
    /// Typed in by the customer.
    #[default]
    Manual,
    /// One of the demo orders.
    Demo,
}

/// A yes / no / "I don't know" answer to a question.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Yes,
    No,
    Unknown,
}

impl Answer {
    fn known(self) -> Option<bool> {
        match self {
            Answer::Yes => Some(true),
            Answer::No => Some(false),
            Answer::Unknown => None,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub order: Option<Order>,
    #[serde(default)]
    pub source: OrderSource,
    /// The phone the order was looked up with (prefills the filing form).
    #[serde(default)]
    pub phone: String,
    /// Chosen line ids; `None` until chosen (an order of one line needs no choice).
    #[serde(default)]
    pub lines: Option<Vec<String>>,
    /// Returns and exchanges: is it a quality defect?
    #[serde(default)]
    pub quality: Option<bool>,
    #[serde(default)]
    pub about: Option<ComplaintAbout>,
    /// Answers by condition (stored as `goods_intact`, `document:receipt_or_invoice`).
    #[serde(default)]
    pub answers: BTreeMap<Condition, Answer>,
}

impl Draft {
    /// A fresh draft for another order, keeping nothing of the previous one.
    pub fn with_order(order: Order, source: OrderSource, phone: String) -> Draft {
        Draft {
            order: Some(order),
            source,
            phone,
            ..Draft::default()
        }
    }

    pub fn facts(&self) -> Facts {
        let mut facts = Facts::default();
        for &fact in Fact::ALL {
            let answer = self.answers.get(&Condition::Fact(fact));
            facts.set(fact, answer.and_then(|a| a.known()));
        }
        facts
    }

    /// The documents the customer holds, as the engine reads them, given the
    /// documents the decision asks for: a complete list once every one of them is
    /// answered yes or no, or as soon as one is a "no" (then the missing document
    /// decides, whatever the unknown ones are); otherwise unknown.
    pub fn documents(&self, required: &[DocumentRequirement]) -> Option<Vec<DocumentHeld>> {
        if required.is_empty() {
            return None;
        }
        let answers: Vec<Option<Answer>> = required
            .iter()
            .map(|&d| self.answers.get(&Condition::Document(d)).copied())
            .collect();
        let any_no = answers.contains(&Some(Answer::No));
        let all_known = answers
            .iter()
            .all(|a| matches!(a, Some(Answer::Yes | Answer::No)));
        if !any_no && !all_known {
            return None;
        }
        let delivered = matches!(
            self.order.as_ref().map(|o| &o.fulfilment),
            Some(Fulfilment::Delivered { .. })
        );
        Some(
            required
                .iter()
                .zip(&answers)
                .filter(|(_, a)| **a == Some(Answer::Yes))
                .map(|(doc, _)| DocumentHeld(held_for(*doc, delivered).to_owned()))
                .collect(),
        )
    }

    pub fn request(&self, kind: RequestType) -> Request {
        Request {
            kind,
            lines: self.lines.clone().unwrap_or_default(),
            reason: matches!(kind, RequestType::Return | RequestType::Exchange).then(|| {
                if self.quality == Some(true) {
                    QUALITY_DEFECT.to_owned()
                } else {
                    "changed_mind".to_owned()
                }
            }),
            about: if kind == RequestType::Complaint {
                self.about
            } else {
                None
            },
        }
    }

    /// The case for the engine at `now` (already in the store's offset), with the
    /// documents the customer holds as far as they are known.
    pub fn case(&self, policy: &Policy, kind: RequestType, now: Timestamp) -> Option<Case> {
        let mut case = Case {
            now,
            order: self.order.clone()?,
            request: self.request(kind),
            facts: self.facts(),
            documents: None,
        };
        // Which documents count comes from the decision with documents unknown.
        if let Ok(open) = check(policy, &case) {
            let required: Vec<DocumentRequirement> = open
                .conditions
                .iter()
                .filter_map(|c| c.document())
                .collect();
            case.documents = self.documents(&required);
        }
        Some(case)
    }

    /// The engine's decision for `kind` at `now`.
    pub fn decide(
        &self,
        policy: &Policy,
        kind: RequestType,
        now: Timestamp,
    ) -> Option<Result<Decision, CaseError>> {
        let now = policy.time_zone.localize(now).unwrap_or(now);
        Some(check(policy, &self.case(policy, kind, now)?))
    }
}

/// The document a "yes, I have it" stands for.
fn held_for(doc: DocumentRequirement, delivered: bool) -> &'static str {
    match doc {
        DocumentRequirement::SalesOrder => "sales_order",
        DocumentRequirement::ReceiptOrInvoice => "receipt",
        DocumentRequirement::PickupSlip => "pickup_slip",
        DocumentRequirement::DeliveryNote => "delivery_note",
        DocumentRequirement::PickupSlipOrDeliveryNote if delivered => "delivery_note",
        DocumentRequirement::PickupSlipOrDeliveryNote => "pickup_slip",
    }
}

const DRAFT_KEY: &str = "draft";

/// The check in progress in this tab, if any (and readable).
pub fn load_draft() -> Option<Draft> {
    storage::load_session(DRAFT_KEY).and_then(|json| serde_json::from_str(&json).ok())
}

/// The check handed over in the page's link ([`draft_for_another_device`],
/// [`draft_in_link`]), else this tab's ([`load_draft`]), and whether it came
/// from the link.
pub fn draft_from_link_or_tab(fragment: &str) -> Option<(Draft, bool)> {
    let (json, linked) = match draft_param(fragment) {
        Some(json) => (json, true),
        None => (storage::load_session(DRAFT_KEY)?, false),
    };
    Some((serde_json::from_str(&json).ok()?, linked))
}

/// The check in progress for a link into the requests app where the browser
/// keeps nothing for this tab (a store's frame with third-party data blocked):
/// `?draft=…` for the link's fragment, else nothing. Only in the frame's own
/// address; never sent to a server (a fragment).
pub fn draft_in_link(draft: &Draft) -> String {
    if storage::session_works() {
        return String::new();
    }
    serde_json::to_string(draft)
        .map(|json| format!("?draft={}", crate::browser::router::encode(&json)))
        .unwrap_or_default()
}

/// The check for a link another device opens (a kiosk's "continue on my
/// phone"): `?draft=…` for the link's fragment, without the phone number the
/// order was looked up with.
pub fn draft_for_another_device(draft: &Draft) -> String {
    let draft = Draft {
        phone: String::new(),
        ..draft.clone()
    };
    serde_json::to_string(&draft)
        .map(|json| format!("?draft={}", crate::browser::router::encode(&json)))
        .unwrap_or_default()
}

/// The check handed over in a link's fragment ([`draft_in_link`],
/// [`draft_for_another_device`]).
pub fn draft_from_link(fragment: &str) -> Option<Draft> {
    serde_json::from_str(&draft_param(fragment)?).ok()
}

/// The `draft` parameter of a link's fragment (`#/file/return?draft=…`).
fn draft_param(fragment: &str) -> Option<String> {
    let (_, query) = crate::browser::router::split_fragment(fragment);
    crate::browser::router::query_param(query, "draft")
}

/// Keeps the check in progress for this tab.
pub fn save_draft(draft: &Draft) {
    // Nothing begun, nothing kept (a wiped device stays wiped).
    if *draft == Draft::default() {
        storage::remove_session(DRAFT_KEY);
    } else if let Ok(json) = serde_json::to_string(draft) {
        storage::store_session(DRAFT_KEY, &json);
    }
}

/// The local-storage key (under the portal's prefix) that holds how many
/// requests wait in the outbox; absent when none does.
pub const OUTBOX_PENDING_KEY: &str = "outbox-pending";

/// Whether requests filed on this device still wait to be sent.
pub fn outbox_pending() -> bool {
    storage::load(OUTBOX_PENDING_KEY).is_some()
}

/// Records how many requests wait in the outbox (none: the key is removed).
pub fn set_outbox_pending(count: u32) {
    if count == 0 {
        storage::remove(OUTBOX_PENDING_KEY);
    } else {
        storage::store(OUTBOX_PENDING_KEY, &count.to_string());
    }
}
