//! What a published figure measures, which decides how it is rounded and
//! written: the charts, their data tables and the figures a Community
//! Leadership Team comment was made on all write a value the same way.

use serde::{Deserialize, Serialize};

/// What a figure measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A count of people, referrals or arrests.
    Count,
    /// A proportion from 0 to 1, shown as a percentage.
    Share,
    /// A number of days.
    Days,
    /// A ratio to a baseline (1 means the same as the baseline).
    Ratio,
    /// An average, shown with one decimal.
    Average,
}

impl Unit {
    /// The figure as drawn: shares become percentages; everything is
    /// rounded to what the table shows.
    pub fn scale(self, value: f64) -> f64 {
        match self {
            Unit::Count => value.round(),
            Unit::Share => (value * 1000.0).round() / 10.0,
            Unit::Days | Unit::Average => (value * 10.0).round() / 10.0,
            Unit::Ratio => (value * 100.0).round() / 100.0,
        }
    }

    /// The figure as a reader sees it written ("12,345", "42.5%", "17.1",
    /// "1.25"); US English and US Spanish write numbers alike.
    pub fn format(self, value: f64) -> String {
        let scaled = self.scale(value);
        match self {
            Unit::Count => group_thousands(scaled as u64),
            Unit::Share => format!("{scaled:.1}%"),
            Unit::Days | Unit::Average => format!("{scaled:.1}"),
            Unit::Ratio => format!("{scaled:.2}"),
        }
    }
}

/// `12345` as `12,345`.
pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_unit_is_written_as_the_tables_write_it() {
        assert_eq!(Unit::Count.format(12345.0), "12,345");
        assert_eq!(Unit::Share.format(0.4251), "42.5%");
        assert_eq!(Unit::Average.format(13.6098), "13.6");
        assert_eq!(Unit::Days.format(7.0), "7.0");
        assert_eq!(Unit::Ratio.format(1.254), "1.25");
    }
}
