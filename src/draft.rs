//! The self-check in progress: the order, the request and the customer's answers.
//!
//! One value, kept in `sessionStorage` (so a reload or a deep link into the middle
//! of the flow keeps working in this tab) and wiped with everything else by
//! [`crate::browser::wipe_customer_data`]. Which step comes next is a pure function
//! of the draft and the engine's decision: only the questions the answer depends
//! on are asked.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use aftersales_rules::case::{DocumentHeld, Facts, Fulfilment, Order, Request, QUALITY_DEFECT};
use aftersales_rules::decision::{ComplaintAbout, DocumentRequirement};
use aftersales_rules::{check, Case, CaseError, Decision, Policy, RequestType, Timestamp};

use crate::route::Route;

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
    /// Answers by condition id (`goods_intact`, `document:receipt_or_invoice`).
    #[serde(default)]
    pub answers: BTreeMap<String, Answer>,
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
        let answer = |id: &str| self.answers.get(id).and_then(|a| a.known());
        Facts {
            packaging_unopened: answer("packaging_unopened"),
            goods_intact: answer("goods_intact"),
        }
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
            .map(|d| self.answers.get(&format!("document:{d}")).copied())
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
                .filter_map(|c| DocumentRequirement::parse(c.strip_prefix("document:")?))
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

    /// The first step still missing for `kind`, or the answer.
    pub fn next_step(&self, policy: &Policy, kind: RequestType, now: Timestamp) -> Route {
        let Some(order) = &self.order else {
            return Route::Order {
                request: kind,
                number: None,
            };
        };
        if order.lines.len() > 1 && self.lines.as_ref().is_none_or(Vec::is_empty) {
            return Route::Items(kind);
        }
        if matches!(kind, RequestType::Return | RequestType::Exchange) && self.quality.is_none() {
            return Route::Reason(kind);
        }
        if kind == RequestType::Complaint && self.about.is_none() {
            return Route::About;
        }
        if let Some(Ok(decision)) = self.decide(policy, kind, now) {
            if let Some(c) = decision
                .conditions
                .iter()
                .find(|c| !self.answers.contains_key(*c) && is_question(c))
            {
                return Route::Ask(kind, c.clone());
            }
        }
        Route::Answer(kind)
    }

    /// Whether `route` can be shown with what the draft holds; otherwise the flow
    /// goes to [`Draft::next_step`].
    pub fn allows(&self, route: &Route) -> bool {
        match route {
            Route::Items(_) => self.order.as_ref().is_some_and(|o| o.lines.len() > 1),
            Route::Reason(_) | Route::About | Route::Ask(..) | Route::Answer(_) => {
                self.order.is_some()
            }
            // Filing is the requests app's, which explains a missing draft itself.
            _ => true,
        }
    }
}

/// Conditions the portal knows how to ask about.
pub fn is_question(condition: &str) -> bool {
    matches!(condition, "packaging_unopened" | "goods_intact")
        || condition
            .strip_prefix("document:")
            .and_then(DocumentRequirement::parse)
            .is_some()
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

#[cfg(test)]
mod tests {
    use super::*;
    use aftersales_rules::case::OrderLine;
    use aftersales_rules::Clause;

    fn now() -> Timestamp {
        Timestamp::parse("2026-11-22T10:00:00+08:00").unwrap()
    }

    fn order(fulfilment: Fulfilment, kinds: &[&str]) -> Order {
        Order {
            number: "SO-1".into(),
            ordered_at: Timestamp::parse("2026-11-18T10:00:00+08:00").unwrap(),
            currency: String::new(),
            fulfilment,
            lines: kinds
                .iter()
                .enumerate()
                .map(|(i, k)| OrderLine {
                    id: (i + 1).to_string(),
                    sku: String::new(),
                    name: format!("item {i}"),
                    kind: (*k).into(),
                    quantity: 1,
                    unit_price: 10_000,
                })
                .collect(),
        }
    }

    fn delivered() -> Fulfilment {
        Fulfilment::Delivered {
            at: Timestamp::parse("2026-11-20T10:00:00+08:00").unwrap(),
        }
    }

    #[test]
    fn a_return_asks_only_what_the_answer_depends_on_then_answers() {
        let policy = Policy::default_policy();
        let kind = RequestType::Return;
        let mut draft = Draft::default();
        assert!(matches!(
            draft.next_step(&policy, kind, now()),
            Route::Order { .. }
        ));
        draft = Draft::with_order(
            order(delivered(), &["regular"]),
            OrderSource::Demo,
            "".into(),
        );
        assert_eq!(draft.next_step(&policy, kind, now()), Route::Reason(kind));
        draft.quality = Some(false);
        // Each condition of the decision is asked once, in the engine's order.
        let mut asked = Vec::new();
        loop {
            match draft.next_step(&policy, kind, now()) {
                Route::Ask(_, c) => {
                    asked.push(c.clone());
                    draft.answers.insert(c, Answer::Yes);
                }
                Route::Answer(_) => break,
                other => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(
            asked,
            [
                "goods_intact",
                "document:receipt_or_invoice",
                "document:pickup_slip_or_delivery_note"
            ]
        );
        let d = draft.decide(&policy, kind, now()).unwrap().unwrap();
        assert_eq!(d.clause, Clause::ReturnWithinWindow);
        assert!(d.conditions.is_empty());
    }

    #[test]
    fn a_no_refuses_and_dont_know_leaves_the_condition_open() {
        let policy = Policy::default_policy();
        let kind = RequestType::Return;
        let mut draft = Draft::with_order(
            order(delivered(), &["regular"]),
            OrderSource::Demo,
            "".into(),
        );
        draft.quality = Some(false);
        draft.answers.insert("goods_intact".into(), Answer::Unknown);
        draft
            .answers
            .insert("document:receipt_or_invoice".into(), Answer::Unknown);
        draft
            .answers
            .insert("document:pickup_slip_or_delivery_note".into(), Answer::Yes);
        assert_eq!(draft.next_step(&policy, kind, now()), Route::Answer(kind));
        let d = draft.decide(&policy, kind, now()).unwrap().unwrap();
        assert_eq!(d.clause, Clause::ReturnWithinWindow);
        assert!(d.conditions.contains(&"goods_intact".to_owned()));

        draft
            .answers
            .insert("document:receipt_or_invoice".into(), Answer::No);
        let d = draft.decide(&policy, kind, now()).unwrap().unwrap();
        assert_eq!(d.clause, Clause::ReturnDocumentsMissing);
    }

    #[test]
    fn several_items_are_chosen_and_a_complaint_asks_what_about() {
        let policy = Policy::default_policy();
        let mut draft = Draft::with_order(
            order(Fulfilment::Pending, &["regular", "custom"]),
            OrderSource::Manual,
            "".into(),
        );
        let kind = RequestType::Cancel;
        assert_eq!(draft.next_step(&policy, kind, now()), Route::Items(kind));
        draft.lines = Some(vec!["1".into()]);
        assert_eq!(draft.next_step(&policy, kind, now()), Route::Answer(kind));
        assert_eq!(
            draft.next_step(&policy, RequestType::Complaint, now()),
            Route::About
        );
        assert!(!Draft::default().allows(&Route::Answer(kind)));
    }
}
