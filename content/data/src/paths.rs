//! Where the published figures and their pages are on the site. The site
//! writes them there; the worker reads the CSV of a chart a Community
//! Leadership Team member comments on and links back to its page.

use crate::Period;

/// The dashboards' front page: what each page shows, the delivery record
/// and the community commentary on the program as a whole.
pub const DASHBOARDS: &str = "/en/data/";

/// The commentary slot of a dashboard page for comments on the page as a
/// whole (a chart's slot is named by its chart id). The site writes the
/// slots; the worker fills them.
pub const WHOLE_PAGE: &str = "page";
/// The commentary slot of the dashboards' front page, for comments on the
/// program as a whole.
pub const PROGRAM: &str = "program";

/// The English dashboard page of `slug` for `period`; all time is the page
/// itself.
pub fn dashboard_page(slug: &str, period: Period) -> String {
    match period {
        Period::All => format!("/en/data/{slug}/"),
        p => format!("/en/data/{slug}/{p}/"),
    }
}

/// The dashboard page a path names: its slug and period.
pub fn parse_dashboard_page(path: &str) -> Option<(&str, Period)> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segments.as_slice() {
        ["en", "data", slug] if !slug.is_empty() => Some((slug, Period::All)),
        ["en", "data", slug, period] if !slug.is_empty() => Some((slug, period.parse().ok()?)),
        _ => None,
    }
}

/// The CSV of one chart's figures for `period`.
pub fn chart_csv(slug: &str, period: Period, chart: &str) -> String {
    format!("/data/{slug}/{period}/{chart}.csv")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_paths_round_trip() {
        for period in [Period::All, Period::Year(2025), Period::Quarter(2025, 2)] {
            let path = dashboard_page("capacity", period);
            assert_eq!(parse_dashboard_page(&path), Some(("capacity", period)));
        }
        assert_eq!(
            dashboard_page("capacity", Period::Quarter(2025, 2)),
            "/en/data/capacity/2025-Q2/"
        );
        assert_eq!(parse_dashboard_page("/en/data/"), None);
        assert_eq!(parse_dashboard_page("/en/data/capacity/2025-Q9/"), None);
        assert_eq!(
            chart_csv("capacity", Period::All, "caseload"),
            "/data/capacity/all/caseload.csv"
        );
    }
}
