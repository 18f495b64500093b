//! The periods a dashboard page can show: all time, a year or a quarter,
//! as `aggregate` names them (`all`, `2025`, `2025-Q1`), and the months
//! inside each.

const MONTH_NAMES: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A month as (year, 1..=12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Month(pub i32, pub u32);

impl Month {
    /// `YYYY-MM`.
    pub fn parse(text: &str) -> Option<Month> {
        let (y, m) = text.split_once('-')?;
        let (y, m) = (y.parse().ok()?, m.parse().ok()?);
        (1..=12).contains(&m).then_some(Month(y, m))
    }

    pub fn key(self) -> String {
        format!("{:04}-{:02}", self.0, self.1)
    }

    /// "Mar 2025".
    pub fn label(self) -> String {
        format!("{} {}", MONTH_NAMES[(self.1 - 1) as usize], self.0)
    }

    fn next(self) -> Month {
        if self.1 == 12 {
            Month(self.0 + 1, 1)
        } else {
            Month(self.0, self.1 + 1)
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Period {
    All,
    Year(i32),
    Quarter(i32, u32),
}

impl Period {
    /// The name `aggregate` gives the period in `cells.csv` and the JSON.
    pub fn key(self) -> String {
        match self {
            Period::All => "all".to_owned(),
            Period::Year(y) => format!("{y:04}"),
            Period::Quarter(y, q) => format!("{y:04}-Q{q}"),
        }
    }

    /// The path segment of the period's page; all time is the page itself.
    pub fn slug(self) -> Option<String> {
        (self != Period::All).then(|| self.key())
    }

    /// "2025 Q1 (Jan to Mar)".
    pub fn label(self, covered: (Month, Month)) -> String {
        match self {
            Period::All => format!("All time ({} to {})", covered.0.label(), covered.1.label()),
            Period::Year(y) => format!("{y}"),
            Period::Quarter(y, q) => format!(
                "{y} Q{q} ({} to {})",
                MONTH_NAMES[(q * 3 - 3) as usize],
                MONTH_NAMES[(q * 3 - 1) as usize]
            ),
        }
    }

    fn contains(self, month: Month) -> bool {
        match self {
            Period::All => true,
            Period::Year(y) => month.0 == y,
            Period::Quarter(y, q) => month.0 == y && (month.1 - 1) / 3 + 1 == q,
        }
    }

    /// The covered months inside this period, in order.
    pub fn months(self, covered: (Month, Month)) -> Vec<Month> {
        let mut out = Vec::new();
        let mut m = covered.0;
        while m <= covered.1 {
            if self.contains(m) {
                out.push(m);
            }
            m = m.next();
        }
        out
    }
}

/// Every period with at least one covered month: all time, then each year
/// followed by its quarters.
pub fn periods(covered: (Month, Month)) -> Vec<Period> {
    let mut out = vec![Period::All];
    for year in covered.0 .0..=covered.1 .0 {
        out.push(Period::Year(year));
        for q in 1..=4 {
            let quarter = Period::Quarter(year, q);
            if !quarter.months(covered).is_empty() {
                out.push(quarter);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_of_a_partial_range() {
        let covered = (Month(2024, 11), Month(2025, 2));
        let keys: Vec<String> = periods(covered).into_iter().map(Period::key).collect();
        assert_eq!(keys, ["all", "2024", "2024-Q4", "2025", "2025-Q1"]);
        let months: Vec<String> = Period::Quarter(2025, 1)
            .months(covered)
            .into_iter()
            .map(Month::key)
            .collect();
        assert_eq!(months, ["2025-01", "2025-02"]);
        assert_eq!(Period::All.months(covered).len(), 4);
        assert_eq!(Period::Quarter(2025, 1).label(covered), "2025 Q1 (Jan to Mar)");
        assert_eq!(Month::parse("2025-13"), None);
    }
}
