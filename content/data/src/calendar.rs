//! Calendar dates and months as the export writes them (`YYYY-MM-DD`,
//! `YYYY-MM`), and the publication periods built from them.
//!
//! The one calendar of the workspace: the aggregation step, the site and the
//! worker (the dates on CLT comments) all use it. Kept here rather than
//! pulled from a date crate: what is needed is strict ISO parsing, day
//! differences, UTC dates of timestamps and month/quarter/year buckets; a
//! strict parser of our own lets a malformed date be reported as a contract
//! error naming the column, and a date crate would add its weight to both
//! WASM bundles for these few functions.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::vocab::Label;

/// Each month's short name as a reader sees it ("Mar 2025", "mar 2025"),
/// January first.
pub const MONTH_NAMES: [Label; 12] = [
    Label { en: "Jan", es: "ene" },
    Label { en: "Feb", es: "feb" },
    Label { en: "Mar", es: "mar" },
    Label { en: "Apr", es: "abr" },
    Label { en: "May", es: "may" },
    Label { en: "Jun", es: "jun" },
    Label { en: "Jul", es: "jul" },
    Label { en: "Aug", es: "ago" },
    Label { en: "Sep", es: "sept" },
    Label { en: "Oct", es: "oct" },
    Label { en: "Nov", es: "nov" },
    Label { en: "Dec", es: "dic" },
];

/// A proleptic Gregorian date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

/// Why a date or month did not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("is not a valid ISO date")]
pub struct DateError;

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

impl Date {
    /// A date, if it exists on the calendar.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        ((1..=9999).contains(&year) && (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month))
            .then_some(Date { year, month, day })
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> Month {
        Month {
            year: self.year,
            month: self.month,
        }
    }

    /// The day of the month, from 1.
    pub fn day(self) -> u8 {
        self.day
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    pub fn days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01 (`civil_from_days`).
    pub fn from_days(days: i64) -> Option<Date> {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date::new(
            i32::try_from(year).ok()?,
            u8::try_from(month).ok()?,
            u8::try_from(day).ok()?,
        )
    }

    /// The UTC date of a time in milliseconds since the Unix epoch.
    pub fn from_unix_ms(ms: i64) -> Option<Date> {
        Date::from_days(ms.div_euclid(86_400_000))
    }

    /// Whole days from `self` to `later` (negative if `later` is earlier).
    pub fn days_until(self, later: Date) -> i64 {
        later.days() - self.days()
    }
}

/// An RFC 3339 UTC timestamp to the second (`2025-06-15T15:06:40Z`) of a
/// time in milliseconds since the Unix epoch.
pub fn utc_timestamp(unix_ms: i64) -> String {
    let seconds = unix_ms.div_euclid(1000);
    let date = Date::from_unix_ms(unix_ms).map_or_else(String::new, |d| d.to_string());
    let s = seconds.rem_euclid(86_400);
    format!("{date}T{:02}:{:02}:{:02}Z", s / 3600, s / 60 % 60, s % 60)
}

/// Milliseconds since the Unix epoch of an RFC 3339 timestamp
/// (`2026-11-30T14:05:00Z`, `2026-11-30T09:05:00.250-05:00`): a date, `T`,
/// the time to the second with optional fractions, then `Z` or an offset.
/// `None` for anything else.
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let (date, rest) = text.split_at_checked(10)?;
    let date: Date = date.parse().ok()?;
    let rest = rest.strip_prefix(['T', 't'])?;
    let (time, rest) = rest.split_at_checked(8)?;
    let b = time.as_bytes();
    if b[2] != b':' || b[5] != b':' {
        return None;
    }
    let (h, m, s) = (digits(&time[0..2])?, digits(&time[3..5])?, digits(&time[6..8])?);
    if h > 23 || m > 59 || s > 60 {
        return None;
    }
    let (millis, zone) = match rest.strip_prefix('.') {
        Some(fraction) => {
            let end = fraction.find(|c: char| !c.is_ascii_digit()).unwrap_or(fraction.len());
            if end == 0 {
                return None;
            }
            let first3: String = fraction[..end].chars().chain("000".chars()).take(3).collect();
            (i64::from(digits(&first3)?), &fraction[end..])
        }
        None => (0, rest),
    };
    let offset_minutes = match zone {
        "Z" | "z" => 0,
        _ => {
            let (sign, hm) = zone.split_at_checked(1)?;
            let hb = hm.as_bytes();
            if hm.len() != 5 || hb[2] != b':' {
                return None;
            }
            let (oh, om) = (digits(&hm[0..2])?, digits(&hm[3..5])?);
            if oh > 23 || om > 59 {
                return None;
            }
            let minutes = i64::from(oh * 60 + om);
            match sign {
                "+" => minutes,
                "-" => -minutes,
                _ => return None,
            }
        }
    };
    let seconds = date.days() * 86_400 + i64::from(h * 3600 + m * 60 + s.min(59)) - offset_minutes * 60;
    Some(seconds * 1000 + millis)
}

impl FromStr for Date {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Date, DateError> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(DateError);
        }
        let year = digits(&s[0..4]).ok_or(DateError)?;
        let month = digits(&s[5..7]).ok_or(DateError)?;
        let day = digits(&s[8..10]).ok_or(DateError)?;
        Date::new(year as i32, month as u8, day as u8).ok_or(DateError)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A calendar month, `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: i32,
    month: u8,
}

impl Month {
    pub fn new(year: i32, month: u8) -> Option<Month> {
        ((1..=9999).contains(&year) && (1..=12).contains(&month)).then_some(Month { year, month })
    }

    pub fn year(self) -> i32 {
        self.year
    }

    /// 1..=12.
    pub fn number(self) -> u8 {
        self.month
    }

    /// The month's short name in `lang`: "Mar", "mar".
    pub fn name(self, lang: crate::Lang) -> &'static str {
        MONTH_NAMES[usize::from(self.month - 1)].get(lang)
    }

    /// The month as a reader says it: "Mar 2025", "mar 2025".
    pub fn label(self, lang: crate::Lang) -> String {
        format!("{} {}", self.name(lang), self.year)
    }

    /// 1..=4.
    pub fn quarter(self) -> u8 {
        (self.month - 1) / 3 + 1
    }

    /// Months since year 0, so months can index arrays and be subtracted.
    pub fn index(self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }

    pub fn from_index(index: i64) -> Option<Month> {
        Month::new(
            i32::try_from(index.div_euclid(12)).ok()?,
            (index.rem_euclid(12) + 1) as u8,
        )
    }

    pub fn first_day(self) -> Date {
        Date {
            year: self.year,
            month: self.month,
            day: 1,
        }
    }

    pub fn days(self) -> u8 {
        days_in_month(self.year, self.month)
    }
}

impl FromStr for Month {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Month, DateError> {
        let b = s.as_bytes();
        if b.len() != 7 || b[4] != b'-' {
            return Err(DateError);
        }
        let year = digits(&s[0..4]).ok_or(DateError)?;
        let month = digits(&s[5..7]).ok_or(DateError)?;
        Month::new(year as i32, month as u8).ok_or(DateError)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

macro_rules! serde_via_str {
    ($t:ty, $what:literal) => {
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<$t, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                s.parse().map_err(|_| serde::de::Error::custom($what))
            }
        }
    };
}

serde_via_str!(Date, "not a date (YYYY-MM-DD)");
serde_via_str!(Month, "not a month (YYYY-MM)");

/// A publication period: what a published figure covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Period {
    /// Every month the export covers.
    All,
    Year(i32),
    Quarter(i32, u8),
    Month(Month),
}

impl Period {
    /// Whether `month` falls in this period.
    pub fn contains(self, month: Month) -> bool {
        match self {
            Period::All => true,
            Period::Year(y) => month.year() == y,
            Period::Quarter(y, q) => month.year() == y && month.quarter() == q,
            Period::Month(m) => m == month,
        }
    }

    /// The kind, for grouping in the output (`all`, `year`, `quarter`, `month`).
    pub fn kind(self) -> &'static str {
        match self {
            Period::All => "all",
            Period::Year(_) => "year",
            Period::Quarter(..) => "quarter",
            Period::Month(_) => "month",
        }
    }
}

/// Why a period did not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("is not a period (all, YYYY, YYYY-Qn or YYYY-MM)")]
pub struct PeriodError;

impl FromStr for Period {
    type Err = PeriodError;

    /// The text [`Display`](fmt::Display) writes, and nothing else.
    fn from_str(s: &str) -> Result<Period, PeriodError> {
        let year = |y: &str| {
            digits(y)
                .filter(|_| y.len() == 4)
                .and_then(|y| i32::try_from(y).ok())
                .filter(|y| (1..=9999).contains(y))
                .ok_or(PeriodError)
        };
        if !s.is_ascii() {
            return Err(PeriodError);
        }
        match s.len() {
            3 if s == "all" => Ok(Period::All),
            4 => Ok(Period::Year(year(s)?)),
            7 if &s[4..6] == "-Q" => match &s[6..] {
                q @ ("1" | "2" | "3" | "4") => Ok(Period::Quarter(year(&s[..4])?, q.as_bytes()[0] - b'0')),
                _ => Err(PeriodError),
            },
            7 => s.parse::<Month>().map(Period::Month).map_err(|_| PeriodError),
            _ => Err(PeriodError),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::All => f.write_str("all"),
            Period::Year(y) => write!(f, "{y:04}"),
            Period::Quarter(y, q) => write!(f, "{y:04}-Q{q}"),
            Period::Month(m) => m.fmt(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_strict_iso_dates_only() {
        assert_eq!("2024-02-29".parse::<Date>().ok(), Date::new(2024, 2, 29));
        for bad in [
            "2023-02-29",
            "2024-13-01",
            "2024-1-01",
            "24-01-01",
            "2024/01/01",
            "",
            "2024-01-0x",
            "+202-01-01",
        ] {
            assert!(bad.parse::<Date>().is_err(), "{bad}");
        }
        assert!("2024-00".parse::<Month>().is_err());
        assert_eq!("2024-07".parse::<Month>().ok(), Month::new(2024, 7));
    }

    #[test]
    fn day_arithmetic_round_trips() {
        let d = Date::new(2025, 3, 1).expect("valid");
        assert_eq!(Date::new(2025, 2, 28).expect("valid").days_until(d), 1);
        assert_eq!(Date::new(1970, 1, 1).expect("valid").days(), 0);
        for days in [-1000, 0, 19_000, 20_500] {
            assert_eq!(Date::from_days(days).map(Date::days), Some(days));
        }
    }

    #[test]
    fn periods_parse_from_what_they_print_and_nothing_else() {
        let m = Month::new(2025, 3).expect("valid");
        for p in [
            Period::All,
            Period::Year(2025),
            Period::Quarter(2025, 4),
            Period::Month(m),
        ] {
            assert_eq!(p.to_string().parse::<Period>(), Ok(p));
        }
        for bad in [
            "", "All", "25", "02025", "2025-Q5", "2025-Q0", "2025-q1", "2025-13", "0000", "2025-Q1x", "é025",
        ] {
            assert!(bad.parse::<Period>().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_unix_time_falls_on_its_utc_date() {
        assert_eq!(
            Date::from_unix_ms(0).map(|d| d.to_string()).as_deref(),
            Some("1970-01-01")
        );
        assert_eq!(
            Date::from_unix_ms(1_750_000_000_000).map(|d| d.to_string()).as_deref(),
            Some("2025-06-15")
        );
        assert_eq!(
            Date::from_unix_ms(-1).map(|d| d.to_string()).as_deref(),
            Some("1969-12-31")
        );
    }

    #[test]
    fn timestamps_are_utc_to_the_second() {
        assert_eq!(utc_timestamp(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc_timestamp(1_750_000_000_999), "2025-06-15T15:06:40Z");
        assert_eq!(utc_timestamp(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn periods_print_as_published() {
        let m = Month::new(2025, 3).expect("valid");
        assert_eq!(Period::Month(m).to_string(), "2025-03");
        assert_eq!(Period::Quarter(2025, m.quarter()).to_string(), "2025-Q1");
        assert_eq!(Period::Year(2025).to_string(), "2025");
        assert_eq!(Period::All.to_string(), "all");
    }

    #[test]
    fn timestamps_are_read_strictly() {
        let at = |t: &str| parse_timestamp(t);
        let base = at("2026-11-30T14:05:00Z").expect("UTC");
        assert_eq!(utc_timestamp(base), "2026-11-30T14:05:00Z");
        assert_eq!(at("2026-11-30T09:05:00-05:00"), Some(base));
        assert_eq!(at("2026-11-30T15:35:00+01:30"), Some(base));
        assert_eq!(at("2026-11-30T14:05:00.25Z"), Some(base + 250));
        assert_eq!(at("2026-11-30T14:05:00.123456Z"), Some(base + 123));
        assert_eq!(at("1970-01-01T00:00:00Z"), Some(0));
        for bad in [
            "",
            "2026-11-30",
            "2026-11-30 14:05:00Z",
            "2026-11-30T14:05:00",
            "2026-11-30T24:00:00Z",
            "2026-02-30T10:00:00Z",
            "2026-11-30T14:05:00.Z",
            "2026-11-30T14:05:00+0100",
            "2026-11-30T14:05:00Zjunk",
            "2026-11-30T1é:05:00Z",
        ] {
            assert_eq!(at(bad), None, "{bad:?}");
        }
    }
}
