//! Every customer-facing string, in Simplified Chinese and English.
//!
//! The texts live in `locales/<locale>/{portal,decision}.json` (leptos_i18n: a key
//! missing in either language, or a wrong interpolation, is a compile error, not an
//! English fallback in the Chinese UI). The functions below turn the engine's ids
//! into those texts, matching exhaustively.
//! Chinese wording quotes the store's procedure (客户服务操作流程) where it fits;
//! the numbers in it come from the loaded policy, never from this file.

use aftersales_rules::decision::{ComplaintAbout, DocumentRequirement};
use aftersales_rules::policy::LocalText;
use aftersales_rules::{Clause, Condition, Fact, Outcome, Policy, RequestType};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    /// The store's language, and the portal's default.
    #[default]
    Zh,
    En,
}

/// A fixed string of the translation files in `lang`:
/// `tr!(lang, portal.title)`, `tr!(lang, portal.greeting, name = n)` (interpolated
/// keys give an `impl Display`).
#[macro_export]
macro_rules! tr {
    ($lang:expr, $($key:tt)+) => {
        $crate::l10n::i18n::td_string!($lang.locale(), $($key)+)
    };
}

impl Lang {
    /// The generated leptos_i18n locale.
    pub fn locale(self) -> crate::l10n::i18n::Locale {
        match self {
            Lang::Zh => crate::l10n::i18n::Locale::zh_CN,
            Lang::En => crate::l10n::i18n::Locale::en,
        }
    }

    /// BCP 47 tag for the `lang` attribute.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Reads a stored choice or a browser language (`zh`, `zh-TW`, `en-GB`, …).
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next().unwrap_or("");
        if primary.eq_ignore_ascii_case("zh") {
            Some(Lang::Zh)
        } else if primary.eq_ignore_ascii_case("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    /// The language's own name, shown on the switch button.
    /// This language's text of a policy text (kind names and descriptions).
    pub fn pick(self, text: &LocalText) -> &str {
        match self {
            Lang::Zh => &text.zh_cn,
            Lang::En => &text.en,
        }
    }

    pub fn endonym(self) -> &'static str {
        match self {
            Lang::Zh => "中文",
            Lang::En => "English",
        }
    }
}

/// Policy numbers that explanations quote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Terms {
    pub free_hours: u32,
    pub fee_percent: u32,
    /// The return window of the line's kind (days).
    pub window_days: u32,
    pub warranty_days: u32,
}

/// A demo order's history: `5小时前下单 · 尚未送货` / `Ordered 5 hours ago · not yet delivered`.
/// `ordered` and `fulfilled` are spans (`5小时`); `picked_up` for self-collected goods.
pub fn order_status(lang: Lang, ordered: &str, fulfilled: Option<(&str, bool)>) -> String {
    match fulfilled {
        None => tr!(lang, decision.order_status.not_delivered, ordered = ordered).to_string(),
        Some((f, false)) => tr!(
            lang,
            decision.order_status.delivered,
            fulfilled = f,
            ordered = ordered
        )
        .to_string(),
        Some((f, true)) => tr!(
            lang,
            decision.order_status.collected,
            fulfilled = f,
            ordered = ordered
        )
        .to_string(),
    }
}

/// Which clock a deadline is shown in: `门店时间（Asia/Shanghai，UTC+8）`.
pub fn store_time(lang: Lang, zone: &str, offset: &str) -> String {
    tr!(lang, decision.store_time, zone = zone, offset = offset).to_string()
}

pub fn request_type(lang: Lang, t: RequestType) -> &'static str {
    match t {
        RequestType::Cancel => tr!(lang, decision.request.cancel),
        RequestType::Return => tr!(lang, decision.request.return_goods),
        RequestType::Exchange => tr!(lang, decision.request.exchange),
        RequestType::Repair => tr!(lang, decision.request.repair),
        RequestType::Complaint => tr!(lang, decision.request.complaint),
    }
}

pub fn complaint_about(lang: Lang, a: ComplaintAbout) -> &'static str {
    match a {
        ComplaintAbout::Service => tr!(lang, decision.about.service),
        ComplaintAbout::Product => tr!(lang, decision.about.product),
    }
}

/// A product kind's name, from the policy (`kinds.<id>.name`): a kind added to
/// `policy.json` is named without a rebuild; one the policy does not know is
/// shown by its id.
pub fn kind(lang: Lang, policy: &Policy, id: &str) -> String {
    policy
        .kind(id)
        .map_or_else(|| id.replace('_', " "), |k| lang.pick(&k.name).to_owned())
}

/// A product kind's description in plain words, from the policy.
pub fn kind_description(lang: Lang, policy: &Policy, id: &str) -> String {
    policy
        .kind(id)
        .map(|k| lang.pick(&k.description).to_owned())
        .unwrap_or_default()
}

/// The decision in one sentence.
pub fn headline(lang: Lang, outcome: Outcome, clause: Clause, request: RequestType) -> String {
    let exchange = request == RequestType::Exchange;
    let s = match (outcome, clause) {
        (Outcome::Mixed, _) | (_, Clause::Mixed) => tr!(lang, decision.headline.mixed),
        (Outcome::Allowed, Clause::CancelFree) => tr!(lang, decision.headline.cancel_free),
        (Outcome::AllowedWithFee, Clause::CancelFee) => tr!(lang, decision.headline.cancel_fee),
        (Outcome::Refused, c) if c.as_str().starts_with("cancel.") => {
            tr!(lang, decision.headline.cancel_refused)
        }
        (Outcome::Allowed, Clause::ReturnWithinWindow | Clause::ReturnSelfPickup) => {
            if exchange {
                tr!(lang, decision.headline.exchange_allowed)
            } else {
                tr!(lang, decision.headline.return_allowed)
            }
        }
        (Outcome::NeedsInspection, _) => tr!(lang, decision.headline.needs_inspection),
        (Outcome::Refused, _) if exchange => tr!(lang, decision.headline.exchange_refused),
        (Outcome::Refused, _) => tr!(lang, decision.headline.return_refused),
        (Outcome::Allowed, Clause::RepairWarranty) => tr!(lang, decision.headline.repair_warranty),
        (Outcome::AllowedWithFee, Clause::RepairChargeable) => {
            tr!(lang, decision.headline.repair_chargeable)
        }
        (_, Clause::ComplaintService | Clause::ComplaintProduct) => {
            tr!(lang, decision.headline.complaint)
        }
        (Outcome::Allowed, _) => tr!(lang, decision.headline.allowed),
        (Outcome::AllowedWithFee, _) => tr!(lang, decision.headline.allowed_with_fee),
    };
    s.to_owned()
}

/// The clause in plain language, quoting the store's rule with the policy's numbers.
pub fn explanation(lang: Lang, clause: Clause, terms: Terms) -> String {
    let Terms {
        free_hours,
        fee_percent,
        window_days: days,
        warranty_days,
    } = terms;
    match clause {
        Clause::CancelAlreadyFulfilled => {
            tr!(lang, decision.explain.cancel_already_fulfilled).to_owned()
        }
        Clause::CancelFinalSale | Clause::ReturnFinalSale => {
            tr!(lang, decision.explain.final_sale).to_owned()
        }
        Clause::CancelCustomOrder => tr!(lang, decision.explain.cancel_custom_order).to_owned(),
        Clause::CancelFree => {
            tr!(lang, decision.explain.cancel_free, free_hours = free_hours).to_string()
        }
        Clause::CancelFee => tr!(
            lang,
            decision.explain.cancel_fee,
            free_hours = free_hours,
            fee_percent = fee_percent
        )
        .to_string(),
        Clause::ReturnQualityExcluded => {
            tr!(lang, decision.explain.return_quality_excluded).to_owned()
        }
        Clause::ReturnQualityInspection => {
            tr!(lang, decision.explain.return_quality_inspection).to_owned()
        }
        Clause::ReturnCustomOrder => tr!(lang, decision.explain.return_custom_order).to_owned(),
        Clause::ReturnSelfPickup => {
            tr!(lang, decision.explain.return_self_pickup, days = days).to_string()
        }
        Clause::ReturnWithinWindow => {
            tr!(lang, decision.explain.return_within_window, days = days).to_string()
        }
        Clause::ReturnWindowExpired => {
            tr!(lang, decision.explain.return_window_expired, days = days).to_string()
        }
        Clause::ReturnPackagingOpened => {
            tr!(lang, decision.explain.return_packaging_opened).to_owned()
        }
        Clause::ReturnNotIntact => tr!(lang, decision.explain.return_not_intact).to_owned(),
        Clause::ReturnDocumentsMissing => {
            tr!(lang, decision.explain.return_documents_missing).to_owned()
        }
        Clause::RepairChargeable => tr!(
            lang,
            decision.explain.repair_chargeable,
            warranty_days = warranty_days
        )
        .to_string(),
        Clause::RepairWarranty => tr!(
            lang,
            decision.explain.repair_warranty,
            warranty_days = warranty_days
        )
        .to_string(),
        Clause::ComplaintService => tr!(lang, decision.explain.complaint_service).to_owned(),
        Clause::ComplaintProduct => tr!(lang, decision.explain.complaint_product).to_owned(),
        Clause::Mixed => tr!(lang, decision.explain.mixed).to_owned(),
    }
}

pub fn document(lang: Lang, d: DocumentRequirement) -> &'static str {
    match d {
        DocumentRequirement::SalesOrder => tr!(lang, decision.document.sales_order),
        DocumentRequirement::ReceiptOrInvoice => tr!(lang, decision.document.receipt_or_invoice),
        DocumentRequirement::PickupSlip => tr!(lang, decision.document.pickup_slip),
        DocumentRequirement::DeliveryNote => tr!(lang, decision.document.delivery_note),
        DocumentRequirement::PickupSlipOrDeliveryNote => {
            tr!(lang, decision.document.pickup_slip_or_delivery_note)
        }
    }
}

/// A condition of the decision: a fact about the goods, or a document held.
pub fn condition(lang: Lang, condition: Condition) -> &'static str {
    match condition {
        Condition::Fact(Fact::PackagingUnopened) => {
            tr!(lang, decision.condition.packaging_unopened)
        }
        Condition::Fact(Fact::GoodsIntact) => tr!(lang, decision.condition.goods_intact),
        Condition::Document(DocumentRequirement::SalesOrder) => {
            tr!(lang, decision.condition.has_document.sales_order)
        }
        Condition::Document(DocumentRequirement::ReceiptOrInvoice) => {
            tr!(lang, decision.condition.has_document.receipt_or_invoice)
        }
        Condition::Document(DocumentRequirement::PickupSlip) => {
            tr!(lang, decision.condition.has_document.pickup_slip)
        }
        Condition::Document(DocumentRequirement::DeliveryNote) => {
            tr!(lang, decision.condition.has_document.delivery_note)
        }
        Condition::Document(DocumentRequirement::PickupSlipOrDeliveryNote) => {
            tr!(
                lang,
                decision.condition.has_document.pickup_slip_or_delivery_note
            )
        }
    }
}

/// A procedure step id of the policy; a step the portal has no words for is shown
/// by its id so that a new policy step is never silently dropped.
pub fn step(lang: Lang, id: &str) -> String {
    let s = match id {
        "record_reason" => tr!(lang, decision.step.record_reason),
        "retention_offer" => tr!(lang, decision.step.retention_offer),
        "cancellation_form" => tr!(lang, decision.step.cancellation_form),
        "customer_signature" => tr!(lang, decision.step.customer_signature),
        "general_manager_approval" => tr!(lang, decision.step.general_manager_approval),
        "service_centre_notified" => tr!(lang, decision.step.service_centre_notified),
        "finance_filing" => tr!(lang, decision.step.finance_filing),
        "refund" => tr!(lang, decision.step.refund),
        "inspection_visit" => tr!(lang, decision.step.inspection_visit),
        "manager_fills_form" => tr!(lang, decision.step.manager_fills_form),
        "goods_inspected" => tr!(lang, decision.step.goods_inspected),
        "operations_head_approval" => tr!(lang, decision.step.operations_head_approval),
        "exchange_handover" => tr!(lang, decision.step.exchange_handover),
        "repair_notice" => tr!(lang, decision.step.repair_notice),
        "first_contact" => tr!(lang, decision.step.first_contact),
        "manager_confirms" => tr!(lang, decision.step.manager_confirms),
        "plan_to_customer" => tr!(lang, decision.step.plan_to_customer),
        "repair" => tr!(lang, decision.step.repair),
        "return_to_customer" => tr!(lang, decision.step.return_to_customer),
        "followup_call" => tr!(lang, decision.step.followup_call),
        "record_complaint" => tr!(lang, decision.step.record_complaint),
        "assign_department" => tr!(lang, decision.step.assign_department),
        "handle" => tr!(lang, decision.step.handle),
        "feedback_to_customer" => tr!(lang, decision.step.feedback_to_customer),
        "archive" => tr!(lang, decision.step.archive),
        _ => return id.replace('_', " "),
    };
    s.to_owned()
}

/// What a service level promises, in words (an id without words as it is).
pub fn service_name(lang: Lang, what: &str) -> &str {
    match what {
        "acknowledge" => tr!(lang, decision.service.acknowledge),
        "first_contact" => tr!(lang, decision.service.first_contact),
        "resolution_plan" => tr!(lang, decision.service.resolution_plan),
        "post_repair_followup" => tr!(lang, decision.service.post_repair_followup),
        "first_response" => tr!(lang, decision.service.first_response),
        "verification" => tr!(lang, decision.service.verification),
        "second_response" => tr!(lang, decision.service.second_response),
        "post_resolution_followup" => tr!(lang, decision.service.post_resolution_followup),
        other => other,
    }
}

/// A service level: what happens, within how long, after what.
pub fn service_level(lang: Lang, what: &str, within: &str, after: &str) -> String {
    let what = service_name(lang, what);
    match after {
        "item_returned" => tr!(
            lang,
            decision.service_after.item_returned,
            what = what,
            within = within
        )
        .to_string(),
        "resolved" => tr!(
            lang,
            decision.service_after.resolved,
            what = what,
            within = within
        )
        .to_string(),
        // Counted from the request (and any anchor the portal has no words for).
        _ => tr!(
            lang,
            decision.service_after.request,
            what = what,
            within = within
        )
        .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aftersales_rules::policy::Policy;

    /// A kind added to `policy.json` is named and explained without a rebuild.
    #[test]
    fn a_new_kind_in_the_policy_shows_its_own_words() {
        let mut json: serde_json::Value =
            serde_json::from_str(aftersales_rules::policy::DEFAULT_POLICY_JSON).unwrap();
        let mut outdoor = json["kinds"]["regular"].clone();
        outdoor["name"] = serde_json::json!({"zh-CN": "户外家具", "en": "Outdoor furniture"});
        outdoor["description"] = serde_json::json!({"zh-CN": "花园和阳台用的家具。", "en": "Furniture for garden and balcony."});
        json["kinds"]["outdoor"] = outdoor;
        let policy = Policy::from_json(&json.to_string()).unwrap();
        assert_eq!(kind(Lang::Zh, &policy, "outdoor"), "户外家具");
        assert_eq!(kind(Lang::En, &policy, "outdoor"), "Outdoor furniture");
        assert_eq!(
            kind_description(Lang::En, &policy, "outdoor"),
            "Furniture for garden and balcony."
        );
        assert_eq!(kind(Lang::En, &policy, "garden_shed"), "garden shed");
        assert_eq!(kind_description(Lang::En, &policy, "garden_shed"), "");
    }

    #[test]
    fn browser_tags() {
        assert_eq!(Lang::from_tag("zh-CN"), Some(Lang::Zh));
        assert_eq!(Lang::from_tag("zh_TW"), Some(Lang::Zh));
        assert_eq!(Lang::from_tag("en-GB"), Some(Lang::En));
        assert_eq!(Lang::from_tag("de"), None);
    }

    #[test]
    fn every_clause_is_explained_in_both_languages_with_policy_numbers() {
        let terms = Terms {
            free_hours: 48,
            fee_percent: 10,
            window_days: 7,
            warranty_days: 365,
        };
        for &c in Clause::ALL {
            for lang in [Lang::Zh, Lang::En] {
                let text = explanation(lang, c, terms);
                assert!(!text.contains('{'), "{c}: {text}");
            }
        }
        assert_eq!(
            explanation(Lang::Zh, Clause::CancelFree, terms),
            "所有非顾客定制的产品订单，可以在下单48小时内无偿取消。"
        );
        let zh = explanation(Lang::Zh, Clause::ReturnSelfPickup, terms);
        assert!(zh.contains("在购货之日起7天内"), "{zh}");
    }

    /// Every text of the decision functions, for every id the engine or the default
    /// policy can produce: present in both languages, fully interpolated, and the
    /// Chinese one without English words.
    #[test]
    fn chinese_texts_have_no_english_words() {
        let zh = |s: &str| !s.chars().any(|c| c.is_ascii_alphabetic());
        // Every fixed text of every app's pages, placeholders aside.
        for (namespace, json) in [
            ("portal", include_str!("../../locales/zh-CN/portal.json")),
            (
                "requests",
                include_str!("../../locales/zh-CN/requests.json"),
            ),
        ] {
            let texts: serde_json::Value = serde_json::from_str(json).unwrap();
            for (key, text) in texts.as_object().unwrap() {
                let text = text.as_str().unwrap();
                let without_placeholders: String = text
                    .split("{{")
                    .enumerate()
                    .map(|(i, part)| {
                        if i == 0 {
                            part
                        } else {
                            part.split_once("}}").map_or("", |x| x.1)
                        }
                    })
                    .collect();
                assert!(zh(&without_placeholders), "{namespace}.{key}: {text}");
            }
        }

        let policy = Policy::default_policy();
        let steps: Vec<&str> = [
            &policy.cancel.steps,
            &policy.returns.steps,
            &policy.exchange_steps,
            &policy.repair.steps,
            &policy.complaint_service.steps,
            &policy.complaint_product.steps,
        ]
        .into_iter()
        .flatten()
        .map(|s| s.id.as_str())
        .collect();
        let service_levels: Vec<&str> = std::iter::once(&policy.acknowledge)
            .chain(&policy.repair.service_levels)
            .chain(&policy.complaint_service.service_levels)
            .chain(&policy.complaint_product.service_levels)
            .map(|sl| sl.what.as_str())
            .collect();
        assert!(steps.contains(&"record_reason") && service_levels.contains(&"acknowledge"));
        let terms = Terms {
            free_hours: 48,
            fee_percent: 10,
            window_days: 7,
            warranty_days: 365,
        };

        for lang in [Lang::Zh, Lang::En] {
            let mut texts: Vec<(String, String)> = Vec::new();
            let mut add = |what: String, text: String| texts.push((what, text));
            for &c in Clause::ALL {
                add(format!("explanation {c}"), explanation(lang, c, terms));
                for &o in Outcome::ALL {
                    for &r in RequestType::ALL {
                        add(format!("headline {o} {c} {r}"), headline(lang, o, c, r));
                    }
                }
            }
            for &r in RequestType::ALL {
                add(format!("request {r}"), request_type(lang, r).to_owned());
            }
            for &a in ComplaintAbout::ALL {
                add(format!("about {a}"), complaint_about(lang, a).to_owned());
            }
            for k in &policy.kinds {
                add(format!("kind {}", k.id), kind(lang, &policy, &k.id));
                add(
                    format!("kind description {}", k.id),
                    kind_description(lang, &policy, &k.id),
                );
            }
            for &d in DocumentRequirement::ALL {
                let name = document(lang, d);
                let held = condition(lang, Condition::Document(d));
                // The condition quotes the document's name (in English, lowercased).
                match lang {
                    Lang::Zh => assert_eq!(held, format!("您持有{name}")),
                    Lang::En => assert_eq!(held, format!("you have the {}", name.to_lowercase())),
                }
                add(format!("document {d}"), name.to_owned());
                add(format!("condition document:{d}"), held.to_owned());
            }
            for &f in Fact::ALL {
                add(
                    format!("condition {f}"),
                    condition(lang, Condition::Fact(f)).to_owned(),
                );
            }
            for &id in &steps {
                let text = step(lang, id);
                assert_ne!(text, id.replace('_', " "), "step {id} has no words");
                add(format!("step {id}"), text);
            }
            let within = match lang {
                Lang::Zh => "1天",
                Lang::En => "1 day",
            };
            for &id in &service_levels {
                for after in ["request", "item_returned", "resolved"] {
                    add(
                        format!("service level {id} after {after}"),
                        service_level(lang, id, within, after),
                    );
                }
            }
            let fulfilled = [None, Some(("1", false)), Some(("1", true))];
            for f in fulfilled {
                add(format!("order status {f:?}"), order_status(lang, "2", f));
            }

            for (what, text) in &texts {
                assert!(!text.trim().is_empty(), "{lang:?} {what}: empty");
                assert!(
                    !text.contains("{{") && !text.contains("}}"),
                    "{lang:?} {what}: {text}"
                );
                if lang == Lang::Zh {
                    assert!(zh(text), "{what}: {text}");
                }
            }
        }
        let clock = store_time(Lang::Zh, "Asia/Shanghai", "UTC+8");
        assert_eq!(clock, "门店时间（Asia/Shanghai，UTC+8）");
        assert_eq!(
            store_time(Lang::En, "Asia/Shanghai", "UTC+8"),
            "Store time (Asia/Shanghai, UTC+8)"
        );
    }
}
