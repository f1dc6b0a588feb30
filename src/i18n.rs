//! Every customer-facing string, in Simplified Chinese and English.
//!
//! A typed dictionary: [`Texts`] has one field per fixed string and the functions
//! below match exhaustively on the engine's ids, so a string missing in either
//! language is a compile error, not an English fallback in the Chinese UI.
//! Chinese wording quotes the store's procedure (客户服务操作流程) where it fits;
//! the numbers in it come from the loaded policy, never from this file.

use aftersales_rules::decision::{ComplaintAbout, DocumentRequirement};
use aftersales_rules::{Clause, Outcome, RequestType};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
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
    pub fn endonym(self) -> &'static str {
        match self {
            Lang::Zh => "中文",
            Lang::En => "English",
        }
    }

    pub fn t(self) -> &'static Texts {
        match self {
            Lang::Zh => &ZH,
            Lang::En => &EN,
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

pub struct Texts {
    pub page_title: &'static str,
    pub title: &'static str,
    pub intro: &'static str,
    pub switch_label: &'static str,
    pub loading: &'static str,
    pub load_failed: &'static str,
    pub load_failed_status: &'static str,
    pub policy_invalid: &'static str,
    pub policy_invalid_hint: &'static str,
    pub step_order: &'static str,
    pub step_request: &'static str,
    pub step_reason: &'static str,
    pub step_about: &'static str,
    pub reason_quality: &'static str,
    pub reason_other: &'static str,
    pub about_service: &'static str,
    pub about_product: &'static str,
    pub check: &'static str,
    pub result_heading: &'static str,
    pub result_placeholder: &'static str,
    pub why: &'static str,
    pub fee: &'static str,
    pub cancel_fee: &'static str,
    pub refund: &'static str,
    pub refund_if_confirmed: &'static str,
    pub no_fee: &'static str,
    pub repair_cost: &'static str,
    pub repair_cost_warranty: &'static str,
    pub repair_cost_schedule: &'static str,
    pub deadline_cancel: &'static str,
    pub deadline_return: &'static str,
    pub deadline_exchange: &'static str,
    pub deadline_warranty: &'static str,
    pub deadline_generic: &'static str,
    pub documents: &'static str,
    pub conditions: &'static str,
    pub steps: &'static str,
    pub service_levels: &'static str,
    pub alternatives: &'static str,
    pub lines: &'static str,
    pub check_failed: &'static str,
    pub disclaimer: &'static str,
    pub demo_note: &'static str,
}

pub static ZH: Texts = Texts {
    page_title: "售后自助查询",
    title: "售后自助查询",
    intro: "选择订单和您的需求，立即查看能否取消、退货、换货、维修或投诉，以及原因。",
    switch_label: "切换语言",
    loading: "正在加载售后政策…",
    load_failed: "无法加载售后政策，请稍后再试。",
    load_failed_status: "服务器返回状态",
    policy_invalid: "售后政策文件有误，暂时无法自助查询。请联系门店。",
    policy_invalid_hint: "政策文件中的问题（供门店技术人员参考）：",
    step_order: "1. 选择订单",
    step_request: "2. 您想要",
    step_reason: "原因",
    step_about: "投诉内容",
    reason_quality: "产品本身质量问题",
    reason_other: "其他原因（如不再需要）",
    about_service: "服务、环境等（软性投诉）",
    about_product: "产品问题（硬性投诉）",
    check: "查看结果",
    result_heading: "查询结果",
    result_placeholder: "选择订单和需求后，点击“查看结果”。",
    why: "原因",
    fee: "费用",
    cancel_fee: "退单费",
    refund: "退款",
    refund_if_confirmed: "确认质量问题后退款",
    no_fee: "无",
    repair_cost: "维修费用",
    repair_cost_warranty: "如属产品自身质量问题，免费维修；如因使用或维护不当，按公司收费标准收费",
    repair_cost_schedule: "根据公司收费标准收取相应费用",
    deadline_cancel: "无偿取消截止",
    deadline_return: "退货截止",
    deadline_exchange: "换货截止",
    deadline_warranty: "保修期至",
    deadline_generic: "截止时间",
    documents: "请携带",
    conditions: "以上结果的前提是",
    steps: "办理步骤",
    service_levels: "我们的承诺",
    alternatives: "您也可以",
    lines: "各商品结果",
    check_failed: "无法判断此订单：",
    disclaimer: "本结果依据门店现行售后政策自动生成，最终以门店审核为准。",
    demo_note: "演示订单：日期相对于当前时间。",
};

pub static EN: Texts = Texts {
    page_title: "After-sales self-service",
    title: "After-sales self-service",
    intro: "Pick an order and what you need, and see right away whether you can cancel, return, exchange, get a repair or complain, and why.",
    switch_label: "Change language",
    loading: "Loading the after-sales policy…",
    load_failed: "The after-sales policy could not be loaded. Please try again later.",
    load_failed_status: "Server status",
    policy_invalid: "The store's after-sales policy file has errors, so self-service checks are unavailable. Please contact the store.",
    policy_invalid_hint: "Problems in the policy file (for the store's technical staff):",
    step_order: "1. Choose an order",
    step_request: "2. What would you like?",
    step_reason: "Reason",
    step_about: "What is it about?",
    reason_quality: "A quality defect",
    reason_other: "Another reason (e.g. no longer needed)",
    about_service: "Service, store environment, etc.",
    about_product: "A problem with the product",
    check: "Check",
    result_heading: "Result",
    result_placeholder: "Choose an order and a request, then press “Check”.",
    why: "Why",
    fee: "Fee",
    cancel_fee: "Cancellation fee",
    refund: "Refund",
    refund_if_confirmed: "Refund if the defect is confirmed",
    no_fee: "None",
    repair_cost: "Repair cost",
    repair_cost_warranty: "Free if the cause is a product defect; charged by the store's fee schedule if it is use or care",
    repair_cost_schedule: "Charged by the store's fee schedule",
    deadline_cancel: "Free cancellation until",
    deadline_return: "Return by",
    deadline_exchange: "Exchange by",
    deadline_warranty: "Warranty until",
    deadline_generic: "Deadline",
    documents: "Please bring",
    conditions: "This result assumes that",
    steps: "What happens next",
    service_levels: "Our promise",
    alternatives: "You can also",
    lines: "Result per item",
    check_failed: "This order could not be checked:",
    disclaimer: "This result is generated from the store's current after-sales policy; the store confirms it when you make the request.",
    demo_note: "Demo orders: dates are relative to now.",
};

/// A demo order's history: `5小时前下单 · 尚未送货` / `Ordered 5 hours ago · not yet delivered`.
/// `ordered` and `fulfilled` are spans (`5小时`); `picked_up` for self-collected goods.
pub fn order_status(lang: Lang, ordered: &str, fulfilled: Option<(&str, bool)>) -> String {
    match (lang, fulfilled) {
        (Lang::Zh, None) => format!("{ordered}前下单 · 尚未送货"),
        (Lang::Zh, Some((f, false))) => format!("{f}前已送货 · {ordered}前下单"),
        (Lang::Zh, Some((f, true))) => format!("{f}前已自提 · {ordered}前下单"),
        (Lang::En, None) => format!("Ordered {ordered} ago · not yet delivered"),
        (Lang::En, Some((f, false))) => format!("Delivered {f} ago · ordered {ordered} ago"),
        (Lang::En, Some((f, true))) => format!("Collected {f} ago · ordered {ordered} ago"),
    }
}

/// Which clock a deadline is shown in: `门店时间（Asia/Shanghai，UTC+8）`.
pub fn store_time(lang: Lang, zone: &str, offset: &str) -> String {
    match lang {
        Lang::Zh => format!("门店时间（{zone}，{offset}）"),
        Lang::En => format!("Store time ({zone}, {offset})"),
    }
}

/// How long until a deadline: `还剩1天19小时` / `1 day 19 hours left`.
pub fn time_left(lang: Lang, span: &str) -> String {
    match lang {
        Lang::Zh => format!("还剩{span}"),
        Lang::En => format!("{span} left"),
    }
}

/// Chooses the Chinese or English text.
fn pick<T>(lang: Lang, zh: T, en: T) -> T {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

pub fn request_type(lang: Lang, t: RequestType) -> &'static str {
    match t {
        RequestType::Cancel => pick(lang, "取消订单", "Cancel order"),
        RequestType::Return => pick(lang, "退货", "Return"),
        RequestType::Exchange => pick(lang, "换货", "Exchange"),
        RequestType::Repair => pick(lang, "维修", "Repair"),
        RequestType::Complaint => pick(lang, "投诉", "Complaint"),
    }
}

pub fn complaint_about(lang: Lang, a: ComplaintAbout) -> &'static str {
    match a {
        ComplaintAbout::Service => lang.t().about_service,
        ComplaintAbout::Product => lang.t().about_product,
    }
}

/// A product kind of the policy; kinds the portal does not know are shown by id.
pub fn kind(lang: Lang, id: &str) -> String {
    let known = match id {
        "regular" => pick(lang, "常规订单", "Delivered by the store"),
        "self_pickup" => pick(lang, "买方自取型产品", "Collected by you"),
        "custom" => pick(lang, "顾客定制", "Custom-made"),
        "special_sale" => pick(lang, "特卖品", "Special sale"),
        "clearance" => pick(lang, "处理品", "Clearance (sold as-is)"),
        _ => "",
    };
    if known.is_empty() {
        id.replace('_', " ")
    } else {
        known.to_owned()
    }
}

/// The decision in one sentence.
pub fn headline(lang: Lang, outcome: Outcome, clause: Clause, request: RequestType) -> String {
    let exchange = request == RequestType::Exchange;
    let s = match (outcome, clause) {
        (Outcome::Mixed, _) | (_, Clause::Mixed) => pick(
            lang,
            "订单中各商品的结果不同，请看下方每件商品的结果。",
            "The items in this order are decided differently; see each item below.",
        ),
        (Outcome::Allowed, Clause::CancelFree) => pick(
            lang,
            "您可以无偿取消此订单。",
            "You can cancel this order free of charge.",
        ),
        (Outcome::AllowedWithFee, Clause::CancelFee) => pick(
            lang,
            "您可以取消此订单，但需支付退单费。",
            "You can cancel this order, but a cancellation fee applies.",
        ),
        (Outcome::Refused, c) if c.as_str().starts_with("cancel.") => {
            pick(lang, "此订单不能取消。", "This order cannot be cancelled.")
        }
        (Outcome::Allowed, Clause::ReturnWithinWindow | Clause::ReturnSelfPickup) => {
            if exchange {
                pick(lang, "您可以换货。", "You can exchange this item.")
            } else {
                pick(lang, "您可以退货。", "You can return this item.")
            }
        }
        (Outcome::NeedsInspection, _) => pick(
            lang,
            "我们会先安排维修人员实地检测；确属质量问题的，可予以受理。",
            "A technician will inspect the item first; if the defect is confirmed, your request is accepted.",
        ),
        (Outcome::Refused, _) if exchange => {
            pick(lang, "此商品不能换货。", "This item cannot be exchanged.")
        }
        (Outcome::Refused, _) => pick(lang, "此商品不能退货。", "This item cannot be returned."),
        (Outcome::Allowed, Clause::RepairWarranty) => pick(
            lang,
            "我们可以为您维修，商品在保修期内。",
            "We can repair this item; it is under warranty.",
        ),
        (Outcome::AllowedWithFee, Clause::RepairChargeable) => pick(
            lang,
            "我们可以为您维修，需按公司收费标准付费。",
            "We can repair this item; the repair is charged.",
        ),
        (_, Clause::ComplaintService | Clause::ComplaintProduct) => pick(
            lang,
            "我们会受理您的投诉并尽快回应。",
            "We will take up your complaint and respond quickly.",
        ),
        (Outcome::Allowed, _) => pick(lang, "可以受理您的申请。", "Your request can be accepted."),
        (Outcome::AllowedWithFee, _) => pick(
            lang,
            "可以受理您的申请，但需要付费。",
            "Your request can be accepted, but a fee applies.",
        ),
    };
    s.to_owned()
}

/// The clause in plain language, quoting the store's rule with the policy's numbers.
pub fn explanation(lang: Lang, clause: Clause, terms: Terms) -> String {
    let text = match clause {
        Clause::CancelAlreadyFulfilled => pick(
            lang,
            "商品已送货或提货，订单不能再取消；如需退回商品，请申请退货。",
            "The goods have already been delivered or collected, so the order can no longer be cancelled. To send them back, ask for a return instead.",
        ),
        Clause::CancelFinalSale | Clause::ReturnFinalSale => pick(
            lang,
            "作为“处理品”售出的商品为最终销售行为，不可退货、赊欠、换货或取消订单。",
            "Items sold as clearance are a final sale: they cannot be returned, bought on credit, exchanged or cancelled.",
        ),
        Clause::CancelCustomOrder => pick(
            lang,
            "特殊订单不可取消：所有已下单的定制商品应在生产之前付清全款，并且不予以退货、更换。",
            "Custom orders cannot be cancelled: made-to-order items are paid in full before production and cannot be returned or exchanged.",
        ),
        Clause::CancelFree => pick(
            lang,
            "所有非顾客定制的产品订单，可以在下单{free_hours}小时内无偿取消。",
            "Any order that is not custom-made can be cancelled free of charge within {free_hours} hours of ordering.",
        ),
        Clause::CancelFee => pick(
            lang,
            "下单{free_hours}小时后取消订单需支付不少于销售价格{fee_percent}%的退单费。",
            "Cancelling more than {free_hours} hours after ordering costs a cancellation fee of at least {fee_percent}% of the sale price.",
        ),
        Clause::ReturnQualityExcluded => pick(
            lang,
            "如因产品本身质量问题而导致的退货或者换货，可予以受理，但对于处理品、特卖品除外。特卖品可以申请维修。",
            "Returns and exchanges for a quality defect are accepted, except for clearance and special-sale items. You can ask for a repair instead.",
        ),
        Clause::ReturnQualityInspection => pick(
            lang,
            "如是产品质量问题，可先建议由维修人员进行实地的检测和维修。如因产品本身质量问题而导致您坚持要求退货或者换货，可予以受理。",
            "For a quality problem, a technician first inspects the item at your home and repairs it if possible. If the defect is confirmed and you still want a return or an exchange, it is accepted.",
        ),
        Clause::ReturnCustomOrder => pick(
            lang,
            "定制商品不予以退货、更换（产品本身质量问题除外）。您可以申请维修。",
            "Custom-made items cannot be returned or exchanged (except for a quality defect). You can ask for a repair.",
        ),
        Clause::ReturnSelfPickup => pick(
            lang,
            "买方自取型产品在购货之日起{days}天内，商品原包装尚未打开，凭已付款的提货单和购货票据可退货。",
            "Items you collected yourself can be returned within {days} days of the purchase date if the original packaging is unopened, with the paid pickup slip and the purchase receipt.",
        ),
        Clause::ReturnWithinWindow => pick(
            lang,
            "送货或提货之后：如果商品完好，可凭所有原始票据在{days}日之内予以退货，{days}天之后，不可退货。",
            "After delivery or pick-up: if the goods are intact, you can return them with all original documents within {days} days; after {days} days, returns are not possible.",
        ),
        Clause::ReturnWindowExpired => pick(
            lang,
            "退货期限（{days}天）已过，不可退货。如商品需要修理，您可以申请维修。",
            "The {days}-day return period has ended, so a return is no longer possible. If the item needs fixing, you can ask for a repair.",
        ),
        Clause::ReturnPackagingOpened => pick(
            lang,
            "买方自取型产品须在商品的原包装尚未打开的情况下方可退货。",
            "Items you collected yourself can only be returned while the original packaging is unopened.",
        ),
        Clause::ReturnNotIntact => pick(
            lang,
            "只有商品完好才可以退货。如商品需要修理，您可以申请维修。",
            "Only intact goods can be returned. If the item needs fixing, you can ask for a repair.",
        ),
        Clause::ReturnDocumentsMissing => pick(
            lang,
            "退货、换货须出具收据或发票、提货单及收货单等原始票据。",
            "A return or exchange needs the original documents: the receipt or invoice and the pickup slip or delivery note.",
        ),
        Clause::RepairChargeable => pick(
            lang,
            "此商品不在保修范围内（处理品不属于“质量保证书”或者法定的质量保证之列，或已超过{warranty_days}天保修期），维修需根据公司收费标准收取相应费用。",
            "This item is not under warranty (clearance items are not covered, or the {warranty_days}-day warranty has ended), so the repair is charged by the store's fee schedule.",
        ),
        Clause::RepairWarranty => pick(
            lang,
            "商品在保修期内（送货或提货后{warranty_days}天）。如是产品自身原因造成的维修需求，免费维修；如因使用或维护不当引起，需根据公司收费标准收取相应费用。",
            "The item is under warranty ({warranty_days} days from delivery or pick-up). If the cause is the product itself, the repair is free; if it is use or care, it is charged by the store's fee schedule.",
        ),
        Clause::ComplaintService => pick(
            lang,
            "软性投诉（对服务、环境等的不满）：我们会认真耐心地听取并详细记录您的意见，与有关部门联系处理，并随时将处理进度告知您。",
            "A complaint about our service or store: we listen carefully, record it in detail, take it up with the department concerned and keep you informed.",
        ),
        Clause::ComplaintProduct => pick(
            lang,
            "硬性投诉（针对产品的问题）：如确为产品自身质量问题，我们会诚恳致歉并提交解决方案；如因使用、保养不当造成，需要维修的，根据公司收费标准收取相关费用。",
            "A complaint about a product: if the product itself is at fault, we apologise and propose a solution; if the cause is use or care, any repair is charged by the store's fee schedule.",
        ),
        Clause::Mixed => pick(
            lang,
            "订单中的商品适用不同的规则，请看每件商品的结果。",
            "Different rules apply to the items in this order; see each item's result.",
        ),
    };
    text.replace("{free_hours}", &terms.free_hours.to_string())
        .replace("{fee_percent}", &terms.fee_percent.to_string())
        .replace("{days}", &terms.window_days.to_string())
        .replace("{warranty_days}", &terms.warranty_days.to_string())
}

pub fn document(lang: Lang, d: DocumentRequirement) -> &'static str {
    match d {
        DocumentRequirement::SalesOrder => pick(lang, "销售订单", "Sales order"),
        DocumentRequirement::ReceiptOrInvoice => pick(lang, "收据或发票", "Receipt or invoice"),
        DocumentRequirement::PickupSlip => pick(lang, "已付款的提货单", "Paid pickup slip"),
        DocumentRequirement::DeliveryNote => pick(lang, "收货单", "Delivery note"),
        DocumentRequirement::PickupSlipOrDeliveryNote => {
            pick(lang, "提货单或收货单", "Pickup slip or delivery note")
        }
    }
}

/// A condition id of the decision (`goods_intact`, `document:<requirement>`).
pub fn condition(lang: Lang, id: &str) -> String {
    if let Some(doc) = id.strip_prefix("document:") {
        return match DocumentRequirement::parse(doc) {
            Some(d) => match lang {
                Lang::Zh => format!("您持有{}", document(lang, d)),
                Lang::En => format!("you have the {}", document(lang, d).to_lowercase()),
            },
            None => id.to_owned(),
        };
    }
    match id {
        "packaging_unopened" => pick(
            lang,
            "商品的原包装尚未打开",
            "the original packaging is unopened",
        ),
        "goods_intact" => pick(lang, "商品完好", "the goods are intact"),
        _ => id,
    }
    .to_owned()
}

/// A procedure step id of the policy; a step the portal has no words for is shown
/// by its id so that a new policy step is never silently dropped.
pub fn step(lang: Lang, id: &str) -> String {
    let s = match id {
        "record_reason" => pick(lang, "详细记录您的原因", "We note down your reason"),
        "retention_offer" => pick(
            lang,
            "如问题能够得到妥善解决，我们会向您提出相应建议",
            "If we can solve the problem another way, we suggest how",
        ),
        "cancellation_form" => pick(
            lang,
            "接待人员填写取消订单申请单",
            "Our staff fill in the cancellation form",
        ),
        "customer_signature" => pick(lang, "您签字确认申请单", "You sign the form"),
        "general_manager_approval" => {
            pick(lang, "总经理签字批准", "The general manager approves it")
        }
        "service_centre_notified" => pick(lang, "通知服务中心", "The service centre is notified"),
        "finance_filing" => pick(lang, "申请单送财务备案", "Finance files the request"),
        "refund" => pick(
            lang,
            "通知您领取退款",
            "We let you know when to collect your refund",
        ),
        "inspection_visit" => pick(
            lang,
            "维修人员上门实地检测",
            "A technician inspects the item at your home",
        ),
        "manager_fills_form" => pick(
            lang,
            "店长填写退货、换货申请单",
            "The store manager fills in the return/exchange form",
        ),
        "goods_inspected" => pick(lang, "检验货物并确认", "The goods are checked"),
        "operations_head_approval" => pick(
            lang,
            "自营部负责人签字批准",
            "The head of retail operations approves it",
        ),
        "exchange_handover" => pick(lang, "为您办理换货", "Your replacement is handed over"),
        "repair_notice" => pick(
            lang,
            "接待人员填写“家具维修通知单”",
            "Our staff fill in a repair notice",
        ),
        "first_contact" => pick(
            lang,
            "服务中心与您联系，约定上门维修或检测的日期",
            "The service centre contacts you to arrange a visit",
        ),
        "manager_confirms" => pick(
            lang,
            "店长签字确认维修方案",
            "The store manager confirms the repair",
        ),
        "plan_to_customer" => pick(
            lang,
            "服务中心将具体解决方案告知您",
            "The service centre tells you the repair plan",
        ),
        "repair" => pick(lang, "维修", "The item is repaired"),
        "return_to_customer" => pick(
            lang,
            "将维修好的产品送回您家中",
            "The repaired item is brought back to you",
        ),
        "followup_call" => pick(
            lang,
            "回访，征询您的满意程度",
            "We call to ask whether you are satisfied",
        ),
        "record_complaint" => pick(
            lang,
            "认真听取并详细记录您的意见",
            "We listen and note down your complaint",
        ),
        "assign_department" => pick(
            lang,
            "与有关部门联系处理",
            "We pass it to the department concerned",
        ),
        "handle" => pick(lang, "处理您的投诉", "Your complaint is dealt with"),
        "feedback_to_customer" => pick(
            lang,
            "随时将处理进度告知您",
            "We keep you informed of progress",
        ),
        "archive" => pick(
            lang,
            "将处理过程记录在案",
            "The complaint and its handling are recorded",
        ),
        _ => return id.replace('_', " "),
    };
    s.to_owned()
}

/// A service level: what happens, within how long, after what.
pub fn service_level(lang: Lang, what: &str, within: &str, after: &str) -> String {
    let what = match what {
        "acknowledge" => pick(lang, "确认收到您的申请", "We acknowledge your request"),
        "first_contact" => pick(lang, "服务中心与您联系", "The service centre contacts you"),
        "resolution_plan" => pick(lang, "给您具体答复", "You get a concrete answer"),
        "post_repair_followup" => pick(lang, "回访维修结果", "We follow up on the repair"),
        "first_response" => pick(lang, "首次回应", "First response"),
        "verification" => pick(lang, "核实问题", "Your complaint is verified"),
        "second_response" => pick(lang, "第二次回应", "Second response"),
        "post_resolution_followup" => pick(lang, "处理后回访", "We follow up after it is resolved"),
        other => other,
    };
    match (lang, after) {
        (Lang::Zh, "item_returned") => format!("{what}：产品送回后{within}内"),
        (Lang::Zh, "resolved") => format!("{what}：处理完毕后{within}内"),
        (Lang::Zh, _) => format!("{what}：{within}内"),
        (Lang::En, "item_returned") => format!("{what} within {within} after the item is back"),
        (Lang::En, "resolved") => format!("{what} within {within} after it is resolved"),
        (Lang::En, _) => format!("{what} within {within}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn chinese_texts_have_no_english_words() {
        let zh = |s: &str| !s.chars().any(|c| c.is_ascii_alphabetic());
        for lang_text in [ZH.title, ZH.check, ZH.refund, ZH.documents] {
            assert!(zh(lang_text), "{lang_text}");
        }
        for &d in DocumentRequirement::ALL {
            assert!(zh(document(Lang::Zh, d)));
        }
        for id in [
            "record_reason",
            "retention_offer",
            "cancellation_form",
            "customer_signature",
            "general_manager_approval",
            "service_centre_notified",
            "finance_filing",
            "refund",
            "inspection_visit",
            "manager_fills_form",
            "goods_inspected",
            "operations_head_approval",
            "exchange_handover",
            "repair_notice",
            "first_contact",
            "manager_confirms",
            "plan_to_customer",
            "repair",
            "return_to_customer",
            "followup_call",
            "record_complaint",
            "assign_department",
            "handle",
            "feedback_to_customer",
            "archive",
        ] {
            assert!(zh(&step(Lang::Zh, id)), "step {id}");
        }
    }
}
