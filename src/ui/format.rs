//! Money, dates and durations as the customer reads them, in either language.
//!
//! Plain integer arithmetic only: no float money, no date library.

use aftersales_rules::time::Date;
use aftersales_rules::Timestamp;

use crate::ui::i18n::Lang;

/// Minor-unit digits and symbol of the currencies a store is likely to use.
fn currency_parts(code: &str) -> (&str, u32) {
    match code {
        "CNY" => ("¥", 2),
        "JPY" => ("JP¥", 0),
        "KRW" => ("₩", 0),
        "HKD" => ("HK$", 2),
        "TWD" => ("NT$", 2),
        "USD" => ("US$", 2),
        "EUR" => ("€", 2),
        "GBP" => ("£", 2),
        _ => (code, 2),
    }
}

/// Integer minor units in the store's currency: `249990, "CNY"` → `¥2,499.90`.
pub fn money(minor: i64, currency: &str) -> String {
    let (symbol, digits) = currency_parts(currency);
    let negative = minor < 0;
    let abs = minor.unsigned_abs();
    let scale = 10u64.pow(digits);
    let (major, fraction) = (abs / scale, abs % scale);
    let mut grouped = String::new();
    let plain = major.to_string();
    for (i, c) in plain.chars().enumerate() {
        if i > 0 && (plain.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    out.push_str(symbol);
    if symbol.len() == 3 && symbol.chars().all(|c| c.is_ascii_uppercase()) {
        out.push(' ');
    }
    out.push_str(&grouped);
    if digits > 0 {
        out.push('.');
        out.push_str(&format!("{fraction:0width$}", width = digits as usize));
    }
    out
}

const WEEKDAYS_ZH: [&str; 7] = ["日", "一", "二", "三", "四", "五", "六"];
const WEEKDAYS_EN: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Local wall-clock parts of a timestamp at its own offset.
fn wall_clock(t: Timestamp) -> (Date, i64, i64) {
    let local = t.unix_seconds() + i64::from(t.offset_seconds());
    let sod = local.rem_euclid(86_400);
    (t.local_date(), sod / 3600, sod / 60 % 60)
}

/// A date as written in the language: `2026年11月28日（星期六）` / `Sat 28 Nov 2026`.
pub fn date(d: Date, lang: Lang) -> String {
    let wd = usize::from(d.weekday());
    match lang {
        Lang::Zh => format!(
            "{}年{}月{}日（星期{}）",
            d.year, d.month, d.day, WEEKDAYS_ZH[wd]
        ),
        Lang::En => format!(
            "{} {} {} {}",
            WEEKDAYS_EN[wd],
            d.day,
            MONTHS_EN[usize::from(d.month.clamp(1, 12)) - 1],
            d.year
        ),
    }
}

/// A deadline, already localised to the store's zone. A window that closes at
/// 00:00 is shown as 24:00 of the day before (its last day), as the policy counts it.
pub fn deadline(t: Timestamp, lang: Lang) -> String {
    let (mut d, mut h, m) = wall_clock(t);
    if h == 0 && m == 0 && t.unix_seconds() % 60 == 0 {
        if let Ok(prev) = d.add_days(-1) {
            d = prev;
            h = 24;
        }
    }
    let day = date(d, lang);
    match lang {
        Lang::Zh => format!("{day}{h:02}:{m:02}"),
        Lang::En => format!("{day}, {h:02}:{m:02}"),
    }
}

/// `UTC+8`, `UTC-3:30`, `UTC` for an offset in seconds.
pub fn utc_offset(offset: i32) -> String {
    if offset == 0 {
        return "UTC".into();
    }
    let sign = if offset < 0 { '-' } else { '+' };
    let abs = offset.unsigned_abs();
    let (h, m) = (abs / 3600, abs / 60 % 60);
    if m == 0 {
        format!("UTC{sign}{h}")
    } else {
        format!("UTC{sign}{h}:{m:02}")
    }
}

/// A positive span of time, coarse: `2天5小时` / `2 days 5 hours`, `40分钟` / `40 minutes`.
pub fn span(secs: i64, lang: Lang) -> String {
    let minutes = (secs.max(0) + 59) / 60;
    let (days, hours, mins) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    let mut parts: Vec<(i64, Unit)> = Vec::new();
    if days > 0 {
        parts.push((days, Unit::Day));
        if hours > 0 {
            parts.push((hours, Unit::Hour));
        }
    } else if hours > 0 {
        parts.push((hours, Unit::Hour));
        if mins > 0 {
            parts.push((mins, Unit::Minute));
        }
    } else {
        parts.push((mins.max(1), Unit::Minute));
    }
    let words: Vec<String> = parts.iter().map(|&(n, u)| quantity(n, u, lang)).collect();
    match lang {
        Lang::Zh => words.concat(),
        Lang::En => words.join(" "),
    }
}

/// A service-level duration as the store states it: minutes, else whole hours.
pub fn minutes(total: u32, lang: Lang) -> String {
    let total = i64::from(total);
    if total >= 60 && total % 60 == 0 {
        quantity(total / 60, Unit::Hour, lang)
    } else {
        quantity(total, Unit::Minute, lang)
    }
}

/// A price as typed by a customer (`1299`, `1,299.5`, `¥1 299.00`) in minor units
/// of `currency`; `None` when it is not a non-negative amount with at most the
/// currency's decimals.
pub fn parse_money(text: &str, currency: &str) -> Option<i64> {
    let (symbol, digits) = currency_parts(currency);
    let cleaned: String = text
        .trim()
        .trim_start_matches(symbol)
        .trim_start_matches(['¥', '￥', '$'])
        .chars()
        .filter(|c| !matches!(c, ',' | ' ' | '\u{a0}' | '，'))
        .map(|c| if c == '。' || c == '．' { '.' } else { c })
        .collect();
    let (whole, frac) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    if whole.is_empty() && frac.is_empty() {
        return None;
    }
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(whole) || !all_digits(frac) || frac.len() > digits as usize || whole.len() > 12 {
        return None;
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let mut minor = whole.checked_mul(10i64.pow(digits))?;
    if !frac.is_empty() {
        let f: i64 = frac.parse().ok()?;
        minor = minor.checked_add(f * 10i64.pow(digits - frac.len() as u32))?;
    }
    Some(minor)
}

/// Minor units back to what the customer typed: `129950, "CNY"` → `1299.50`.
pub fn plain_amount(minor: i64, currency: &str) -> String {
    let (_, digits) = currency_parts(currency);
    if digits == 0 {
        return minor.to_string();
    }
    let scale = 10i64.pow(digits);
    format!(
        "{}.{:0width$}",
        minor / scale,
        (minor % scale).abs(),
        width = digits as usize
    )
}

/// An `<input type="datetime-local">` value (`2026-11-20T14:30`) as a date and
/// seconds since its midnight.
pub fn parse_local_datetime(value: &str) -> Option<(Date, i64)> {
    let (date, time) = value.trim().split_once('T')?;
    let mut d = date.split('-').map(str::parse::<i64>);
    let (y, m, day) = (d.next()?.ok()?, d.next()?.ok()?, d.next()?.ok()?);
    let mut t = time.split(':').map(str::parse::<i64>);
    let (hh, mm) = (t.next()?.ok()?, t.next()?.ok()?);
    let date = Date::new(
        i32::try_from(y).ok()?,
        u8::try_from(m).ok()?,
        u8::try_from(day).ok()?,
    )?;
    if !(0..24).contains(&hh) || !(0..60).contains(&mm) {
        return None;
    }
    Some((date, hh * 3600 + mm * 60))
}

/// The `datetime-local` value of an instant, at its own offset.
pub fn local_datetime_value(t: Timestamp) -> String {
    let (d, h, m) = wall_clock(t);
    format!("{:04}-{:02}-{:02}T{h:02}:{m:02}", d.year, d.month, d.day)
}

/// A countdown: `1天19小时` / `1 day 19 hours` over a day, `13小时20分钟` /
/// `13 h 20 min` over an hour, then minutes and seconds (`4分05秒` / `4 min 05 s`).
pub fn countdown(secs: i64, lang: Lang) -> String {
    let secs = secs.max(0);
    if secs >= 86_400 {
        return span(secs, lang);
    }
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    match (lang, h > 0) {
        (Lang::Zh, true) => format!("{h}小时{m}分钟"),
        (Lang::Zh, false) => format!("{m}分{s:02}秒"),
        (Lang::En, true) => format!("{h} h {m} min"),
        (Lang::En, false) => format!("{m} min {s:02} s"),
    }
}

#[derive(Clone, Copy)]
enum Unit {
    Day,
    Hour,
    Minute,
}

fn quantity(n: i64, unit: Unit, lang: Lang) -> String {
    match lang {
        Lang::Zh => {
            let word = match unit {
                Unit::Day => "天",
                Unit::Hour => "小时",
                Unit::Minute => "分钟",
            };
            format!("{n}{word}")
        }
        Lang::En => {
            let word = match unit {
                Unit::Day => "day",
                Unit::Hour => "hour",
                Unit::Minute => "minute",
            };
            let plural = if n == 1 { "" } else { "s" };
            format!("{n} {word}{plural}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_groups_and_keeps_minor_units() {
        assert_eq!(money(249_900, "CNY"), "¥2,499.00");
        assert_eq!(money(24_990, "CNY"), "¥249.90");
        assert_eq!(money(5, "CNY"), "¥0.05");
        assert_eq!(money(0, "CNY"), "¥0.00");
        assert_eq!(money(123_456_789, "CNY"), "¥1,234,567.89");
        assert_eq!(money(-1_000, "CNY"), "-¥10.00");
        assert_eq!(money(1_000, "JPY"), "JP¥1,000");
        assert_eq!(money(1_000, "CHF"), "CHF 10.00");
        assert_eq!(money(i64::MIN, "CNY"), "-¥92,233,720,368,547,758.08");
    }

    #[test]
    fn a_midnight_close_is_24_00_of_the_last_day() {
        let t = Timestamp::parse("2026-11-29T00:00:00+08:00").unwrap();
        assert_eq!(deadline(t, Lang::Zh), "2026年11月28日（星期六）24:00");
        assert_eq!(deadline(t, Lang::En), "Sat 28 Nov 2026, 24:00");
        let t = Timestamp::parse("2026-11-24T14:05:00+08:00").unwrap();
        assert_eq!(deadline(t, Lang::En), "Tue 24 Nov 2026, 14:05");
    }

    #[test]
    fn typed_prices_and_times() {
        assert_eq!(parse_money("1299", "CNY"), Some(129_900));
        assert_eq!(parse_money(" ¥1,299.5 ", "CNY"), Some(129_950));
        assert_eq!(parse_money("0.05", "CNY"), Some(5));
        assert_eq!(parse_money("1.234", "CNY"), None);
        assert_eq!(parse_money("-3", "CNY"), None);
        assert_eq!(parse_money("abc", "CNY"), None);
        assert_eq!(parse_money("", "CNY"), None);
        assert_eq!(parse_money("999999999999999999", "CNY"), None);
        assert_eq!(parse_money("1500", "JPY"), Some(1500));
        assert_eq!(plain_amount(129_950, "CNY"), "1299.50");
        let (d, secs) = parse_local_datetime("2026-11-20T14:30").unwrap();
        assert_eq!((d.year, d.month, d.day, secs), (2026, 11, 20, 52_200));
        assert!(parse_local_datetime("2026-02-30T10:00").is_none());
        assert!(parse_local_datetime("2026-11-20").is_none());
        let t = Timestamp::parse("2026-11-20T14:30:00+08:00").unwrap();
        assert_eq!(local_datetime_value(t), "2026-11-20T14:30");
        assert_eq!(countdown(13 * 3600 + 20 * 60, Lang::En), "13 h 20 min");
        assert_eq!(countdown(245, Lang::Zh), "4分05秒");
    }

    #[test]
    fn spans_and_offsets() {
        assert_eq!(span(2 * 86_400 + 5 * 3600 + 10, Lang::Zh), "2天5小时");
        assert_eq!(span(3600 + 60, Lang::En), "1 hour 1 minute");
        assert_eq!(span(0, Lang::En), "1 minute");
        assert_eq!(minutes(1440, Lang::Zh), "24小时");
        assert_eq!(minutes(15, Lang::En), "15 minutes");
        assert_eq!(utc_offset(8 * 3600), "UTC+8");
        assert_eq!(utc_offset(-(3 * 3600 + 1800)), "UTC-3:30");
    }
}
