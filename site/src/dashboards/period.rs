//! The periods a dashboard page can show: all time, a year or a quarter,
//! as `aggregate` names them (`all`, `2025`, `2025-Q1`), and the months
//! inside each.

pub use lead_data::{Lang, Month, Period};

/// How the dashboards show a period; the period itself and its text form
/// are the data contract's ([`lead_data::Period`]).
pub trait PeriodView {
    /// "2025 Q1 (Jan to Mar)", in `lang`.
    fn label(self, covered: (Month, Month), lang: Lang) -> String;
    /// The covered months inside this period, in order.
    fn months(self, covered: (Month, Month)) -> Vec<Month>;
}

impl PeriodView for Period {
    fn label(self, covered: (Month, Month), lang: Lang) -> String {
        let text = super::text();
        match self {
            Period::All => text.all_time.fill(
                lang,
                &[("from", &covered.0.label(lang)), ("to", &covered.1.label(lang))],
            ),
            Period::Year(y) => format!("{y}"),
            Period::Quarter(y, q) => {
                // The quarter's first and last months, by name.
                let name = |n| Month::new(y, n).map_or("", |m| m.name(lang));
                text.quarter.fill(
                    lang,
                    &[
                        ("year", &y.to_string()),
                        ("quarter", &q.to_string()),
                        ("from", name(q * 3 - 2)),
                        ("to", name(q * 3)),
                    ],
                )
            }
            Period::Month(m) => m.label(lang),
        }
    }

    fn months(self, covered: (Month, Month)) -> Vec<Month> {
        (covered.0.index()..=covered.1.index())
            .filter_map(Month::from_index)
            .filter(|m| self.contains(*m))
            .collect()
    }
}

/// Every period with a dashboard page and at least one covered month: all
/// time, then each year followed by its quarters.
pub fn periods(covered: (Month, Month)) -> Vec<Period> {
    let mut out = vec![Period::All];
    for year in covered.0.year()..=covered.1.year() {
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
        let month = |y, m| Month::new(y, m).expect("a month");
        let covered = (month(2024, 11), month(2025, 2));
        let keys: Vec<String> = periods(covered).iter().map(Period::to_string).collect();
        assert_eq!(keys, ["all", "2024", "2024-Q4", "2025", "2025-Q1"]);
        let months: Vec<String> = Period::Quarter(2025, 1)
            .months(covered)
            .into_iter()
            .map(|m| m.to_string())
            .collect();
        assert_eq!(months, ["2025-01", "2025-02"]);
        assert_eq!(Period::All.months(covered).len(), 4);
        assert_eq!(
            Period::Quarter(2025, 1).label(covered, Lang::En),
            "2025 Q1 (Jan to Mar)"
        );
        assert_eq!(Period::Quarter(2025, 1).label(covered, Lang::Es), "2025 T1 (ene a mar)");
        assert_eq!(
            Period::All.label(covered, Lang::Es),
            "Todo el periodo (nov 2024 a feb 2025)"
        );
        assert!("2025-13".parse::<Month>().is_err());
    }
}
