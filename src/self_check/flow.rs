//! Which step of the self-check comes next: a pure function of the draft and
//! the engine's decision, so only the questions the answer depends on are asked,
//! and a deep link past a missing step goes to that step.

use aftersales_rules::{Policy, RequestType, Timestamp};

use crate::handover::Draft;
use crate::self_check::route::Route;

/// The first step still missing for `kind`, or the answer.
pub fn next_step(draft: &Draft, policy: &Policy, kind: RequestType, now: Timestamp) -> Route {
    let Some(order) = &draft.order else {
        return Route::Order {
            request: kind,
            number: None,
        };
    };
    if order.lines.len() > 1 && draft.lines.as_ref().is_none_or(Vec::is_empty) {
        return Route::Items(kind);
    }
    if matches!(kind, RequestType::Return | RequestType::Exchange) && draft.quality.is_none() {
        return Route::Reason(kind);
    }
    if kind == RequestType::Complaint && draft.about.is_none() {
        return Route::About;
    }
    if let Some(Ok(decision)) = draft.decide(policy, kind, now) {
        if let Some(c) = decision
            .conditions
            .iter()
            .find(|c| !draft.answers.contains_key(*c))
        {
            return Route::Ask(kind, *c);
        }
    }
    Route::Answer(kind)
}

/// Whether `route` can be shown with what the draft holds; otherwise the flow
/// goes to [`next_step`].
pub fn allows(draft: &Draft, route: &Route) -> bool {
    match route {
        Route::Items(_) => draft.order.as_ref().is_some_and(|o| o.lines.len() > 1),
        Route::Reason(_) | Route::About | Route::Ask(..) | Route::Answer(_) => {
            draft.order.is_some()
        }
        // Filing is the requests app's, which explains a missing draft itself.
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handover::{Answer, OrderSource};
    use aftersales_rules::case::{Fulfilment, Order, OrderLine};
    use aftersales_rules::{Clause, Condition};

    fn cond(wire: &str) -> Condition {
        Condition::parse(wire).unwrap()
    }

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
            next_step(&draft, &policy, kind, now()),
            Route::Order { .. }
        ));
        draft = Draft::with_order(
            order(delivered(), &["regular"]),
            OrderSource::Demo,
            "".into(),
        );
        assert_eq!(next_step(&draft, &policy, kind, now()), Route::Reason(kind));
        draft.quality = Some(false);
        // Each condition of the decision is asked once, in the engine's order.
        let mut asked = Vec::new();
        loop {
            match next_step(&draft, &policy, kind, now()) {
                Route::Ask(_, c) => {
                    asked.push(c.as_wire());
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
        draft.answers.insert(cond("goods_intact"), Answer::Unknown);
        draft
            .answers
            .insert(cond("document:receipt_or_invoice"), Answer::Unknown);
        draft
            .answers
            .insert(cond("document:pickup_slip_or_delivery_note"), Answer::Yes);
        assert_eq!(next_step(&draft, &policy, kind, now()), Route::Answer(kind));
        let d = draft.decide(&policy, kind, now()).unwrap().unwrap();
        assert_eq!(d.clause, Clause::ReturnWithinWindow);
        assert!(d.conditions.contains(&cond("goods_intact")));

        draft
            .answers
            .insert(cond("document:receipt_or_invoice"), Answer::No);
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
        assert_eq!(next_step(&draft, &policy, kind, now()), Route::Items(kind));
        draft.lines = Some(vec!["1".into()]);
        assert_eq!(next_step(&draft, &policy, kind, now()), Route::Answer(kind));
        assert_eq!(
            next_step(&draft, &policy, RequestType::Complaint, now()),
            Route::About
        );
        assert!(!allows(&Draft::default(), &Route::Answer(kind)));
    }
}
