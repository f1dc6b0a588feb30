//! Demo orders for the self-check, placed relative to the current time so that the
//! interesting windows are open whenever the page is opened.

use aftersales_rules::case::{Fulfilment, Order, OrderLine};
use aftersales_rules::Timestamp;

use crate::ui::i18n::Lang;

const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

/// A demo order and how long ago things happened to it.
pub struct DemoOrder {
    pub number: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    pub kind: &'static str,
    pub quantity: i64,
    pub unit_price: i64,
    /// Seconds before now that it was ordered.
    pub ordered_ago: i64,
    /// Seconds before now that it was delivered or collected, if it was.
    pub fulfilled_ago: Option<i64>,
}

pub const ORDERS: &[DemoOrder] = &[
    DemoOrder {
        number: "SO-24001",
        name_zh: "三人布艺沙发",
        name_en: "Three-seat fabric sofa",
        kind: "regular",
        quantity: 1,
        unit_price: 599_900,
        ordered_ago: 5 * HOUR,
        fulfilled_ago: None,
    },
    DemoOrder {
        number: "SO-24002",
        name_zh: "实木餐桌",
        name_en: "Solid-wood dining table",
        kind: "regular",
        quantity: 1,
        unit_price: 249_900,
        ordered_ago: 4 * DAY,
        fulfilled_ago: None,
    },
    DemoOrder {
        number: "SO-24003",
        name_zh: "五层书柜",
        name_en: "Five-shelf bookcase",
        kind: "regular",
        quantity: 1,
        unit_price: 129_900,
        ordered_ago: 6 * DAY,
        fulfilled_ago: Some(3 * DAY),
    },
    DemoOrder {
        number: "SO-24004",
        name_zh: "定制衣柜",
        name_en: "Made-to-measure wardrobe",
        kind: "custom",
        quantity: 1,
        unit_price: 860_000,
        ordered_ago: 30 * HOUR,
        fulfilled_ago: None,
    },
    DemoOrder {
        number: "SO-24005",
        name_zh: "处理品单人扶手椅",
        name_en: "Armchair (clearance)",
        kind: "clearance",
        quantity: 1,
        unit_price: 39_900,
        ordered_ago: 20 * HOUR,
        fulfilled_ago: None,
    },
    DemoOrder {
        number: "SO-24006",
        name_zh: "床头柜（门店自提）",
        name_en: "Bedside table (collected in store)",
        kind: "self_pickup",
        quantity: 2,
        unit_price: 45_000,
        ordered_ago: 2 * DAY,
        fulfilled_ago: Some(2 * DAY - 2 * HOUR),
    },
    DemoOrder {
        number: "SO-24007",
        name_zh: "特卖餐椅",
        name_en: "Dining chair (special sale)",
        kind: "special_sale",
        quantity: 4,
        unit_price: 39_900,
        ordered_ago: 5 * DAY,
        fulfilled_ago: Some(DAY),
    },
    DemoOrder {
        number: "SO-24008",
        name_zh: "茶几",
        name_en: "Coffee table",
        kind: "regular",
        quantity: 1,
        unit_price: 159_900,
        ordered_ago: 24 * DAY,
        fulfilled_ago: Some(20 * DAY),
    },
];

impl DemoOrder {
    pub fn name(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => self.name_zh,
            Lang::En => self.name_en,
        }
    }

    /// The order as the engine sees it at `now`, with instants in the store's offset
    /// (`localize` is the policy zone's).
    pub fn order(
        &self,
        now: Timestamp,
        localize: impl Fn(Timestamp) -> Timestamp,
    ) -> Option<Order> {
        let at = |ago: i64| now.add_seconds(-ago).ok().map(&localize);
        let fulfilment = match self.fulfilled_ago {
            None => Fulfilment::Pending,
            Some(ago) if self.kind == "self_pickup" => Fulfilment::PickedUp { at: at(ago)? },
            Some(ago) => Fulfilment::Delivered { at: at(ago)? },
        };
        Some(Order {
            number: self.number.to_owned(),
            ordered_at: at(self.ordered_ago)?,
            currency: String::new(),
            fulfilment,
            lines: vec![OrderLine {
                id: "1".to_owned(),
                sku: String::new(),
                name: self.name_zh.to_owned(),
                kind: self.kind.to_owned(),
                quantity: self.quantity,
                unit_price: self.unit_price,
            }],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aftersales_rules::case::{Request, QUALITY_DEFECT};
    use aftersales_rules::{check, Case, Clause, Policy, RequestType};

    fn decide(number: &str, kind: RequestType, quality: bool) -> (Clause, Option<i64>) {
        let policy = Policy::default_policy();
        let now = Timestamp::parse("2026-11-22T10:00:00+08:00").unwrap();
        let demo = ORDERS.iter().find(|o| o.number == number).unwrap();
        let order = demo
            .order(now, |t| policy.time_zone.localize(t).unwrap())
            .unwrap();
        let case = Case {
            now,
            order,
            request: Request {
                kind,
                lines: Vec::new(),
                reason: Some(
                    if quality {
                        QUALITY_DEFECT
                    } else {
                        "changed_mind"
                    }
                    .into(),
                ),
                about: None,
            },
            facts: Default::default(),
            documents: None,
        };
        let d = check(&policy, &case).unwrap();
        (d.clause, d.fee)
    }

    #[test]
    fn demo_orders_show_each_rule() {
        use RequestType::*;
        assert_eq!(
            decide("SO-24001", Cancel, false),
            (Clause::CancelFree, Some(0))
        );
        assert_eq!(
            decide("SO-24002", Cancel, false),
            (Clause::CancelFee, Some(24_990))
        );
        let (clause, _) = decide("SO-24003", Return, false);
        assert_eq!(clause, Clause::ReturnWithinWindow);
        assert_eq!(
            decide("SO-24004", Cancel, false).0,
            Clause::CancelCustomOrder
        );
        assert_eq!(decide("SO-24005", Cancel, false).0, Clause::CancelFinalSale);
        assert_eq!(
            decide("SO-24006", Return, false).0,
            Clause::ReturnSelfPickup
        );
        assert_eq!(
            decide("SO-24007", Return, true).0,
            Clause::ReturnQualityExcluded
        );
        assert_eq!(
            decide("SO-24008", Return, false).0,
            Clause::ReturnWindowExpired
        );
        assert_eq!(decide("SO-24008", Repair, false).0, Clause::RepairWarranty);
    }
}
