//! Instants as a customer reads them next to "now": `today 14:30`, `tomorrow
//! 09:00`, `Mon 14:30` within the coming week, else the date. Both instants are
//! already in the store's offset (the server sends them so; the app localises
//! its own clock with the policy's zone).

use aftersales_rules::time::Date;
use aftersales_rules::Timestamp;

use crate::ui::i18n::Lang;

const WEEKDAYS_ZH: [&str; 7] = ["周日", "周一", "周二", "周三", "周四", "周五", "周六"];
const WEEKDAYS_EN: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The date and `HH:MM` of `t` at its own offset.
fn wall_clock(t: Timestamp) -> (Date, String) {
    let local = t.unix_seconds() + i64::from(t.offset_seconds());
    let sod = local.rem_euclid(86_400);
    (
        t.local_date(),
        format!("{:02}:{:02}", sod / 3600, sod / 60 % 60),
    )
}

/// `t` relative to `now`, short: `today 14:30` / `今天14:30`, `tomorrow 09:00`,
/// `Mon 14:30` / `周一14:30` within six days, else `Mon 30 Nov, 14:30` /
/// `11月30日（周一）14:30` (with the year when it is not this year's).
pub fn when(t: Timestamp, now: Timestamp, lang: Lang) -> String {
    let (date, hm) = wall_clock(t);
    let today = now
        .with_offset(t.offset_seconds())
        .map_or(date, |n| n.local_date());
    let days = date.days_since_epoch() - today.days_since_epoch();
    let wd = usize::from(date.weekday()) % 7;
    match (days, lang) {
        (0, _) => format!("{}{}{hm}", tr!(lang, requests.today), space(lang)),
        (1, _) => format!("{}{}{hm}", tr!(lang, requests.tomorrow), space(lang)),
        (2..=6, Lang::Zh) => format!("{}{hm}", WEEKDAYS_ZH[wd]),
        (2..=6, Lang::En) => format!("{} {hm}", WEEKDAYS_EN[wd]),
        _ => {
            let year = (date.year != today.year).then_some(date.year);
            match lang {
                Lang::Zh => format!(
                    "{}{}月{}日（{}）{hm}",
                    year.map(|y| format!("{y}年")).unwrap_or_default(),
                    date.month,
                    date.day,
                    WEEKDAYS_ZH[wd]
                ),
                Lang::En => format!(
                    "{} {} {}{}, {hm}",
                    WEEKDAYS_EN[wd],
                    date.day,
                    MONTHS_EN[usize::from(date.month.clamp(1, 12)) - 1],
                    year.map(|y| format!(" {y}")).unwrap_or_default()
                ),
            }
        }
    }
}

fn space(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "",
        Lang::En => " ",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    #[test]
    fn near_instants_are_short() {
        // Sunday 22 Nov 2026, 10:00 in Shanghai.
        let now = at("2026-11-22T10:00:00+08:00");
        let cases = [
            ("2026-11-22T14:30:00+08:00", "today 14:30", "今天14:30"),
            ("2026-11-23T09:05:00+08:00", "tomorrow 09:05", "明天09:05"),
            ("2026-11-23T14:30:00+08:00", "tomorrow 14:30", "明天14:30"),
            ("2026-11-24T14:30:00+08:00", "Tue 14:30", "周二14:30"),
            ("2026-11-28T23:59:00+08:00", "Sat 23:59", "周六23:59"),
            (
                "2026-11-30T14:30:00+08:00",
                "Mon 30 Nov, 14:30",
                "11月30日（周一）14:30",
            ),
            (
                "2026-11-20T08:00:00+08:00",
                "Fri 20 Nov, 08:00",
                "11月20日（周五）08:00",
            ),
            (
                "2027-01-04T10:00:00+08:00",
                "Mon 4 Jan 2027, 10:00",
                "2027年1月4日（周一）10:00",
            ),
        ];
        for (t, en, zh) in cases {
            assert_eq!(when(at(t), now, Lang::En), en, "{t}");
            assert_eq!(when(at(t), now, Lang::Zh), zh, "{t}");
        }
    }

    #[test]
    fn the_day_is_the_one_at_the_instants_offset() {
        // 23:30 UTC on the 21st is already the 22nd in Shanghai: today.
        let now = at("2026-11-21T23:30:00Z");
        assert_eq!(
            when(at("2026-11-22T14:30:00+08:00"), now, Lang::En),
            "today 14:30"
        );
    }
}
