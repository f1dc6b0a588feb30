//! Instants and calendar dates without a clock or a time-zone database.
//!
//! A [`Timestamp`] is an RFC 3339 instant that remembers the offset it was written
//! with, so a deadline can be printed in the store's offset. All arithmetic is
//! checked: years outside 0000–9999 are errors, never a wrap-around or a panic.

use std::cmp::Ordering;
use std::fmt;

/// Seconds from 1970-01-01 to 0000-01-01 and to 10000-01-01: the range RFC 3339 can write.
const MIN_SECS: i64 = -62_167_219_200;
const MAX_SECS: i64 = 253_402_300_800; // exclusive
const SECS_PER_DAY: i64 = 86_400;

/// An instant with the UTC offset it is shown in.
#[derive(Clone, Copy, Debug)]
pub struct Timestamp {
    /// Seconds since the Unix epoch (UTC).
    secs: i64,
    nanos: u32,
    /// Offset east of UTC in seconds, used only for display.
    offset: i32,
}

/// Why a timestamp could not be read or computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeError {
    /// Not of the form `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`, or a field out of range.
    Malformed,
    /// The result would fall outside the years 0000–9999.
    OutOfRange,
}

impl fmt::Display for TimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeError::Malformed => {
                "not an RFC 3339 timestamp with an offset (e.g. 2026-11-22T10:00:00+08:00)"
            }
            TimeError::OutOfRange => "outside the years 0000-9999",
        })
    }
}

impl PartialEq for Timestamp {
    fn eq(&self, other: &Self) -> bool {
        (self.secs, self.nanos) == (other.secs, other.nanos)
    }
}
impl Eq for Timestamp {}
impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Timestamp {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.secs, self.nanos).cmp(&(other.secs, other.nanos))
    }
}

impl Timestamp {
    /// A whole-second instant shown at `offset` seconds east of UTC.
    pub fn from_unix(secs: i64, offset: i32) -> Result<Self, TimeError> {
        if !(MIN_SECS..MAX_SECS).contains(&secs)
            || !(MIN_SECS..MAX_SECS).contains(&(secs + i64::from(offset)))
        {
            return Err(TimeError::OutOfRange);
        }
        Ok(Timestamp {
            secs,
            nanos: 0,
            offset,
        })
    }

    pub fn unix_seconds(&self) -> i64 {
        self.secs
    }

    pub fn offset_seconds(&self) -> i32 {
        self.offset
    }

    /// Milliseconds since the Unix epoch (what JavaScript's `Date` uses).
    pub fn unix_millis(&self) -> i64 {
        self.secs * 1000 + i64::from(self.nanos / 1_000_000)
    }

    /// The same instant shown at another offset.
    pub fn with_offset(self, offset: i32) -> Result<Self, TimeError> {
        let mut shown = Timestamp::from_unix(self.secs, offset)?;
        shown.nanos = self.nanos;
        Ok(shown)
    }

    /// This instant plus `secs` seconds (negative to go back).
    pub fn add_seconds(self, secs: i64) -> Result<Self, TimeError> {
        let moved = self.secs.checked_add(secs).ok_or(TimeError::OutOfRange)?;
        let mut out = Timestamp::from_unix(moved, self.offset)?;
        out.nanos = self.nanos;
        Ok(out)
    }

    /// Parses RFC 3339 (`T`, `t` or a space between date and time; `Z` or `±HH:MM`).
    pub fn parse(text: &str) -> Result<Self, TimeError> {
        let b = text.as_bytes();
        if b.len() < 20 {
            return Err(TimeError::Malformed);
        }
        let year = digits(b, 0, 4)?;
        expect(b, 4, b'-')?;
        let month = digits(b, 5, 2)?;
        expect(b, 7, b'-')?;
        let day = digits(b, 8, 2)?;
        if !matches!(b[10], b'T' | b't' | b' ') {
            return Err(TimeError::Malformed);
        }
        let hour = digits(b, 11, 2)?;
        expect(b, 13, b':')?;
        let minute = digits(b, 14, 2)?;
        expect(b, 16, b':')?;
        let second = digits(b, 17, 2)?;
        let mut i = 19;
        let mut nanos: u32 = 0;
        if b.get(i) == Some(&b'.') {
            i += 1;
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                if i - start < 9 {
                    nanos = nanos * 10 + u32::from(b[i] - b'0');
                }
                i += 1;
            }
            let count = i - start;
            if count == 0 {
                return Err(TimeError::Malformed);
            }
            for _ in count..9 {
                nanos *= 10;
            }
        }
        let offset = match b.get(i) {
            Some(b'Z' | b'z') if i + 1 == b.len() => 0,
            Some(&sign @ (b'+' | b'-')) if i + 6 == b.len() => {
                let oh = digits(b, i + 1, 2)?;
                expect(b, i + 3, b':')?;
                let om = digits(b, i + 4, 2)?;
                if oh > 23 || om > 59 {
                    return Err(TimeError::Malformed);
                }
                let magnitude = (oh * 3600 + om * 60) as i32;
                if sign == b'-' {
                    -magnitude
                } else {
                    magnitude
                }
            }
            _ => return Err(TimeError::Malformed),
        };
        let date = Date::new(year as i32, month as u8, day as u8).ok_or(TimeError::Malformed)?;
        if hour > 23 || minute > 59 || second > 59 {
            return Err(TimeError::Malformed);
        }
        let local =
            date.days_since_epoch() * SECS_PER_DAY + i64::from(hour * 3600 + minute * 60 + second);
        let mut ts = Timestamp::from_unix(local - i64::from(offset), offset)?;
        ts.nanos = nanos;
        Ok(ts)
    }

    /// The calendar date at this instant's own offset.
    pub fn local_date(&self) -> Date {
        Date::from_days_since_epoch((self.secs + i64::from(self.offset)).div_euclid(SECS_PER_DAY))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let local = self.secs + i64::from(self.offset);
        let date = Date::from_days_since_epoch(local.div_euclid(SECS_PER_DAY));
        let sod = local.rem_euclid(SECS_PER_DAY);
        write!(
            f,
            "{}T{:02}:{:02}:{:02}",
            date,
            sod / 3600,
            sod / 60 % 60,
            sod % 60
        )?;
        if self.nanos != 0 {
            let frac = format!("{:09}", self.nanos);
            write!(f, ".{}", frac.trim_end_matches('0'))?;
        }
        if self.offset == 0 {
            return f.write_str("Z");
        }
        let sign = if self.offset < 0 { '-' } else { '+' };
        let abs = self.offset.unsigned_abs();
        write!(f, "{sign}{:02}:{:02}", abs / 3600, abs / 60 % 60)
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Timestamp::parse(&text).map_err(serde::de::Error::custom)
    }
}

fn digits(b: &[u8], at: usize, len: usize) -> Result<u32, TimeError> {
    let slice = b.get(at..at + len).ok_or(TimeError::Malformed)?;
    slice.iter().try_fold(0u32, |acc, &c| {
        if c.is_ascii_digit() {
            Ok(acc * 10 + u32::from(c - b'0'))
        } else {
            Err(TimeError::Malformed)
        }
    })
}

fn expect(b: &[u8], at: usize, c: u8) -> Result<(), TimeError> {
    if b.get(at) == Some(&c) {
        Ok(())
    } else {
        Err(TimeError::Malformed)
    }
}

/// A proleptic Gregorian calendar date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    pub fn days_since_epoch(&self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// The date `days` later (checked against the representable range).
    pub fn add_days(&self, days: i64) -> Result<Date, TimeError> {
        let target = self
            .days_since_epoch()
            .checked_add(days)
            .ok_or(TimeError::OutOfRange)?;
        // Year 0000-01-01 .. 9999-12-31 in days since the epoch.
        if !(-719_528..2_932_897).contains(&target) {
            return Err(TimeError::OutOfRange);
        }
        Ok(Date::from_days_since_epoch(target))
    }

    /// 0 = Sunday … 6 = Saturday.
    pub fn weekday(&self) -> u8 {
        (self.days_since_epoch() + 4).rem_euclid(7) as u8
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

pub fn is_leap_year(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_round_trip() {
        for text in [
            "2026-11-22T10:00:00+08:00",
            "2026-03-29T01:30:00Z",
            "1999-12-31T23:59:59.5-05:30",
            "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
        ] {
            assert_eq!(Timestamp::parse(text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn compares_instants_not_offsets() {
        let a = Timestamp::parse("2026-11-22T10:00:00+08:00").unwrap();
        let b = Timestamp::parse("2026-11-22T02:00:00Z").unwrap();
        assert_eq!(a, b);
        let c = Timestamp::parse("2026-11-22T02:00:00.000000001Z").unwrap();
        assert!(c > b);
    }

    #[test]
    fn rejects_malformed_and_absurd() {
        for text in [
            "",
            "2026-11-22",
            "2026-11-22T10:00:00",
            "2026-02-29T10:00:00Z",
            "2026-13-01T10:00:00Z",
            "2026-11-22T24:00:00Z",
            "2026-11-22T10:00:60Z",
            "2026-11-22T10:00:00+24:00",
            "2026-11-22T10:00:00.Z",
            "+12026-11-22T10:00:00Z",
            "2026-11-22T10:00:00+08:00 ",
            "２０２６-11-22T10:00:00Z",
        ] {
            assert!(Timestamp::parse(text).is_err(), "{text}");
        }
        assert_eq!(
            Timestamp::parse("0000-01-01T00:00:00+01:00"),
            Err(TimeError::OutOfRange)
        );
    }

    #[test]
    fn civil_days_round_trip() {
        for days in (-719_528..2_932_897).step_by(997) {
            let d = Date::from_days_since_epoch(days);
            assert_eq!(d.days_since_epoch(), days);
            assert!(Date::new(d.year, d.month, d.day).is_some());
        }
        assert_eq!(Date::new(1970, 1, 1).unwrap().weekday(), 4);
        assert_eq!(Date::new(2026, 11, 22).unwrap().weekday(), 0);
    }
}
