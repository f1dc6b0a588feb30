//! The store's time zone: an IANA name resolved to the zone's current POSIX TZ rule.
//!
//! A full tz database with history costs hundreds of KB of WASM. After-sales windows
//! are days or weeks long and start from recent orders, so the engine keeps only each
//! zone's current rule (the footer of its TZif file, see `scripts/gen-zones.py`).
//! Dates before a zone's last rule change use today's rule.

mod table;

use crate::time::{Date, TimeError, Timestamp};

/// A resolved time zone: a standard offset and, optionally, a daylight-saving rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Zone {
    name: String,
    std_offset: i32,
    dst: Option<Dst>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Dst {
    offset: i32,
    start: Transition,
    end: Transition,
}

/// When in the year a change happens, and at what local wall-clock second.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Transition {
    day: DayRule,
    /// Seconds after local midnight (may be negative or past 24 h, per RFC 8536).
    time: i32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DayRule {
    /// `Jn`: day 1..=365, February 29 never counted.
    Julian1(u16),
    /// `n`: day 0..=365, February 29 counted.
    Julian0(u16),
    /// `Mm.w.d`: weekday `d` (0 = Sunday) of week `w` (5 = last) of month `m`.
    MonthWeekDay(u8, u8, u8),
}

/// Zones whose rule is known without the table: the store's own region and UTC.
/// A build that resolves zones with [`Zone::builtin`] alone (the portal's first
/// load) links none of the table; other zones come from the table as data
/// ([`Zone::table_json`], `public/zones.json`).
const BUILTIN: &[(&str, &str)] = &[
    ("Asia/Hong_Kong", "HKT-8"),
    ("Asia/Macau", "CST-8"),
    ("Asia/Shanghai", "CST-8"),
    ("Asia/Taipei", "CST-8"),
    ("Etc/UTC", "UTC0"),
    ("UTC", "UTC0"),
];

impl Zone {
    /// Looks up an IANA zone name (`Asia/Shanghai`, `Europe/Berlin`, `UTC`, …).
    pub fn named(name: &str) -> Option<Zone> {
        let index = table::ZONES
            .binary_search_by(|(zone, _)| (*zone).cmp(name))
            .ok()?;
        let rule = table::RULES.get(usize::from(table::ZONES[index].1))?;
        Zone::with_rule(name, rule)
    }

    /// One of the few zones known without the table (see `BUILTIN`), else `None`.
    pub fn builtin(name: &str) -> Option<Zone> {
        let (_, rule) = BUILTIN.iter().find(|(zone, _)| *zone == name)?;
        Zone::with_rule(name, rule)
    }

    /// The zone `name` with the POSIX TZ `rule` (as in the table's JSON).
    pub fn with_rule(name: &str, rule: &str) -> Option<Zone> {
        let mut zone = Zone::from_posix(rule)?;
        zone.name = name.to_owned();
        Some(zone)
    }

    /// Every zone name the engine knows, sorted.
    pub fn names() -> impl Iterator<Item = &'static str> {
        table::ZONES.iter().map(|(name, _)| *name)
    }

    /// The whole table as JSON, `{"Africa/Abidjan": "GMT0", …}`: the content of
    /// `public/zones.json`, which a build without the table fetches when the
    /// policy names a zone [`Zone::builtin`] does not know.
    pub fn table_json() -> String {
        let map: serde_json::Map<String, serde_json::Value> = table::ZONES
            .iter()
            .filter_map(|(name, rule)| {
                let rule = table::RULES.get(usize::from(*rule))?;
                Some(((*name).to_owned(), serde_json::Value::from(*rule)))
            })
            .collect();
        serde_json::to_string_pretty(&map).unwrap_or_default() + "\n"
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Parses a POSIX TZ string such as `CST-8` or `CET-1CEST,M3.5.0,M10.5.0/3`.
    pub fn from_posix(text: &str) -> Option<Zone> {
        let mut p = Parser {
            s: text.as_bytes(),
            i: 0,
        };
        p.designation()?;
        let std_offset = -p.offset()?;
        if p.done() {
            return Some(Zone {
                name: text.to_owned(),
                std_offset,
                dst: None,
            });
        }
        p.designation()?;
        let dst_offset = if p.peek() == Some(b',') {
            std_offset + 3600
        } else {
            -p.offset()?
        };
        p.eat(b',')?;
        let start = p.transition()?;
        p.eat(b',')?;
        let end = p.transition()?;
        if !p.done() {
            return None;
        }
        Some(Zone {
            name: text.to_owned(),
            std_offset,
            dst: Some(Dst {
                offset: dst_offset,
                start,
                end,
            }),
        })
    }

    /// Offset east of UTC, in seconds, in force at the Unix instant `utc`.
    pub fn offset_at(&self, utc: i64) -> i32 {
        let Some(dst) = self.dst else {
            return self.std_offset;
        };
        let year =
            Date::from_days_since_epoch((utc + i64::from(self.std_offset)).div_euclid(86_400)).year;
        // Check the neighbouring years too: a rule's time may run past New Year.
        let mut in_dst = false;
        for y in [year - 1, year, year + 1] {
            let start = dst.start.local_seconds(y) - i64::from(self.std_offset);
            let end = dst.end.local_seconds(y) - i64::from(dst.offset);
            if start < end {
                if (start..end).contains(&utc) {
                    in_dst = true;
                }
            } else {
                // Southern hemisphere: daylight time spans the new year.
                let next_end = dst.end.local_seconds(y.saturating_add(1)) - i64::from(dst.offset);
                if (start..next_end).contains(&utc) {
                    in_dst = true;
                }
            }
        }
        if in_dst {
            dst.offset
        } else {
            self.std_offset
        }
    }

    /// The instant shown in this zone's offset at that moment.
    pub fn localize(&self, instant: Timestamp) -> Result<Timestamp, TimeError> {
        instant.with_offset(self.offset_at(instant.unix_seconds()))
    }

    /// The calendar date in this zone at `instant`.
    pub fn date_of(&self, instant: Timestamp) -> Result<Date, TimeError> {
        Ok(self.localize(instant)?.local_date())
    }

    /// The instant a wall clock in this zone shows `seconds` after the start of
    /// `date` (what a customer types as "ordered on 20 Nov at 14:30"). A time in a
    /// DST overlap is the earlier instant; a time in a gap is read on the old offset,
    /// so it lands after the jump, as a wall clock set by hand would.
    pub fn at_local(&self, date: Date, seconds: i64) -> Result<Timestamp, TimeError> {
        let local = date
            .days_since_epoch()
            .checked_mul(86_400)
            .and_then(|d| d.checked_add(seconds))
            .ok_or(TimeError::OutOfRange)?;
        let offsets = match self.dst {
            Some(dst) => [
                self.std_offset.max(dst.offset),
                self.std_offset.min(dst.offset),
            ],
            None => [self.std_offset, self.std_offset],
        };
        let utc = offsets
            .iter()
            .map(|&o| local - i64::from(o))
            .find(|&utc| i64::from(self.offset_at(utc)) == local - utc)
            .unwrap_or(local - i64::from(offsets[1]));
        Timestamp::from_unix(utc, self.offset_at(utc))
    }

    /// The first instant of `date` in this zone (its 00:00, or the end of a DST gap
    /// that swallows midnight), shown in the zone's offset.
    pub fn start_of_day(&self, date: Date) -> Result<Timestamp, TimeError> {
        let local = date.days_since_epoch() * 86_400;
        let offsets = match self.dst {
            Some(dst) => [self.std_offset, dst.offset],
            None => [self.std_offset, self.std_offset],
        };
        let valid = offsets
            .iter()
            .map(|&o| local - i64::from(o))
            .filter(|&utc| i64::from(self.offset_at(utc)) == local - utc)
            .min();
        // In a gap the clock jumps from the old (smaller) offset: midnight on the old
        // offset is the transition instant, the day's first real second.
        let utc = valid.unwrap_or_else(|| local - i64::from(offsets[0].min(offsets[1])));
        Timestamp::from_unix(utc, self.offset_at(utc))
    }
}

impl Transition {
    /// Local (standard- or daylight-time wall clock) seconds since the epoch in `year`.
    fn local_seconds(&self, year: i32) -> i64 {
        let day = match self.day {
            DayRule::Julian1(n) => {
                let mut d = i64::from(n) - 1;
                if crate::time::is_leap_year(year) && n >= 60 {
                    d += 1;
                }
                first_of(year, 1) + d
            }
            DayRule::Julian0(n) => first_of(year, 1) + i64::from(n),
            DayRule::MonthWeekDay(m, w, wd) => {
                let first = first_of(year, m);
                let first_wd = (first + 4).rem_euclid(7);
                let mut day = first + (i64::from(wd) - first_wd).rem_euclid(7);
                day += 7 * (i64::from(w) - 1);
                let last = first + i64::from(crate::time::days_in_month(year, m)) - 1;
                while day > last {
                    day -= 7;
                }
                day
            }
        };
        day * 86_400 + i64::from(self.time)
    }
}

fn first_of(year: i32, month: u8) -> i64 {
    Date {
        year,
        month,
        day: 1,
    }
    .days_since_epoch()
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn done(&self) -> bool {
        self.i == self.s.len()
    }
    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek() == Some(c)).then(|| self.i += 1)
    }
    fn designation(&mut self) -> Option<()> {
        let start = self.i;
        if self.eat(b'<').is_some() {
            while self.peek()? != b'>' {
                self.i += 1;
            }
            self.i += 1;
            return Some(());
        }
        while self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
            self.i += 1;
        }
        (self.i - start >= 3).then_some(())
    }
    fn number(&mut self) -> Option<i32> {
        let start = self.i;
        let mut n: i32 = 0;
        while let Some(c) = self.peek().filter(u8::is_ascii_digit) {
            n = n.checked_mul(10)?.checked_add(i32::from(c - b'0'))?;
            self.i += 1;
        }
        (self.i > start).then_some(n)
    }
    /// `[+-]hh[:mm[:ss]]` in seconds, POSIX sign (positive = west of UTC).
    fn offset(&mut self) -> Option<i32> {
        let sign = match self.peek() {
            Some(b'-') => {
                self.i += 1;
                -1
            }
            Some(b'+') => {
                self.i += 1;
                1
            }
            _ => 1,
        };
        let mut secs = self.number()?.checked_mul(3600)?;
        if self.eat(b':').is_some() {
            secs += self.number()? * 60;
            if self.eat(b':').is_some() {
                secs += self.number()?;
            }
        }
        (secs <= 167 * 3600).then_some(sign * secs)
    }
    fn transition(&mut self) -> Option<Transition> {
        let day = match self.peek()? {
            b'J' => {
                self.i += 1;
                let n = self.number()?;
                DayRule::Julian1(u16::try_from(n).ok().filter(|n| (1..=365).contains(n))?)
            }
            b'M' => {
                self.i += 1;
                let m = self.number()?;
                self.eat(b'.')?;
                let w = self.number()?;
                self.eat(b'.')?;
                let d = self.number()?;
                if !(1..=12).contains(&m) || !(1..=5).contains(&w) || !(0..=6).contains(&d) {
                    return None;
                }
                DayRule::MonthWeekDay(m as u8, w as u8, d as u8)
            }
            _ => DayRule::Julian0(u16::try_from(self.number()?).ok().filter(|n| *n <= 365)?),
        };
        let time = if self.eat(b'/').is_some() {
            self.offset()?
        } else {
            2 * 3600
        };
        Some(Transition { day, time })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    #[test]
    fn builtin_zones_are_the_tables() {
        for (name, _) in BUILTIN {
            assert_eq!(Zone::builtin(name), Zone::named(name), "{name}");
        }
        assert_eq!(Zone::builtin("Europe/Berlin"), None);
    }

    /// `public/zones.json` is the table as data; `UPDATE_ZONES_JSON=1 cargo test
    /// -p aftersales-rules zones_json` rewrites it after `scripts/gen-zones.py`.
    #[test]
    fn zones_json_is_the_table() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../public/zones.json");
        let json = Zone::table_json();
        if std::env::var_os("UPDATE_ZONES_JSON").is_some() {
            std::fs::write(path, &json).unwrap();
        }
        let file = std::fs::read_to_string(path).unwrap();
        assert!(
            file == json,
            "public/zones.json is stale: rerun with UPDATE_ZONES_JSON=1"
        );
        let map: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&file).unwrap();
        assert_eq!(map.len(), Zone::names().count());
        for (name, rule) in &map {
            assert_eq!(
                Zone::with_rule(name, rule.as_str().unwrap()),
                Zone::named(name),
                "{name}"
            );
        }
    }

    #[test]
    fn every_generated_rule_parses() {
        for name in Zone::names() {
            assert!(Zone::named(name).is_some(), "{name}");
        }
        assert!(Zone::named("Asia/Shanghai").is_some());
        assert!(Zone::named("Mars/Olympus").is_none());
    }

    #[test]
    fn shanghai_is_plus_eight_all_year() {
        let z = Zone::named("Asia/Shanghai").unwrap();
        for s in ["2026-01-01T00:00:00Z", "2026-07-01T00:00:00Z"] {
            assert_eq!(z.offset_at(ts(s).unix_seconds()), 8 * 3600);
        }
    }

    #[test]
    fn berlin_switches_on_the_last_sundays() {
        let z = Zone::named("Europe/Berlin").unwrap();
        // 2026-03-29 01:00 UTC the clocks go 02:00 -> 03:00.
        assert_eq!(z.offset_at(ts("2026-03-29T00:59:59Z").unix_seconds()), 3600);
        assert_eq!(z.offset_at(ts("2026-03-29T01:00:00Z").unix_seconds()), 7200);
        // 2026-10-25 01:00 UTC they go back 03:00 -> 02:00.
        assert_eq!(z.offset_at(ts("2026-10-25T00:59:59Z").unix_seconds()), 7200);
        assert_eq!(z.offset_at(ts("2026-10-25T01:00:00Z").unix_seconds()), 3600);
    }

    #[test]
    fn southern_hemisphere_dst_spans_new_year() {
        let z = Zone::named("Australia/Sydney").unwrap();
        assert_eq!(
            z.offset_at(ts("2026-01-15T00:00:00Z").unix_seconds()),
            11 * 3600
        );
        assert_eq!(
            z.offset_at(ts("2026-07-15T00:00:00Z").unix_seconds()),
            10 * 3600
        );
    }

    #[test]
    fn start_of_day_handles_gaps_at_midnight() {
        // Santiago springs forward at 24:00 on the first Saturday of September:
        // 2026-09-06 has no 00:00, its first instant is 01:00 -03:00.
        let z = Zone::named("America/Santiago").unwrap();
        let start = z.start_of_day(Date::new(2026, 9, 6).unwrap()).unwrap();
        assert_eq!(start.to_string(), "2026-09-06T01:00:00-03:00");
        assert_eq!(start, ts("2026-09-06T04:00:00Z"));
        let normal = z.start_of_day(Date::new(2026, 9, 10).unwrap()).unwrap();
        assert_eq!(normal.to_string(), "2026-09-10T00:00:00-03:00");
    }

    #[test]
    fn start_of_day_in_an_overlap_is_the_first_midnight() {
        // Havana falls back at 01:00 -> 00:00 on the first Sunday of November:
        // 2026-11-01 00:00 happens twice; the day begins at the first one.
        let z = Zone::named("America/Havana").unwrap();
        let start = z.start_of_day(Date::new(2026, 11, 1).unwrap()).unwrap();
        assert_eq!(start, ts("2026-11-01T04:00:00Z"));
    }
}

#[cfg(test)]
mod at_local_tests {
    use super::*;

    fn at(zone: &str, date: (i32, u8, u8), hh: i64, mm: i64) -> String {
        let zone = Zone::named(zone).expect("zone");
        let date = Date::new(date.0, date.1, date.2).expect("date");
        zone.at_local(date, hh * 3600 + mm * 60)
            .expect("in range")
            .to_string()
    }

    #[test]
    fn wall_clock_times_become_instants_in_the_zone() {
        assert_eq!(
            at("Asia/Shanghai", (2026, 11, 20), 14, 30),
            "2026-11-20T14:30:00+08:00"
        );
        // Berlin: summer and winter offsets.
        assert_eq!(
            at("Europe/Berlin", (2026, 7, 1), 9, 0),
            "2026-07-01T09:00:00+02:00"
        );
        assert_eq!(
            at("Europe/Berlin", (2026, 1, 1), 9, 0),
            "2026-01-01T09:00:00+01:00"
        );
        // Overlap (clocks go back at 03:00 on 25 Oct 2026): the earlier 02:30.
        assert_eq!(
            at("Europe/Berlin", (2026, 10, 25), 2, 30),
            "2026-10-25T02:30:00+02:00"
        );
        // Gap (02:00 → 03:00 on 29 Mar 2026): 02:30 read on the old offset.
        assert_eq!(
            at("Europe/Berlin", (2026, 3, 29), 2, 30),
            "2026-03-29T03:30:00+02:00"
        );
    }
}
