//! Where the published figures and their pages are on the site. The site
//! writes them there; the worker reads the CSV of a chart a Community
//! Leadership Team member comments on and links back to its page.

use crate::{Lang, Period};

/// The dashboards' front page in `lang`: what each page shows, the
/// delivery record and the community commentary on the program as a whole.
pub fn dashboards(lang: Lang) -> String {
    format!("/{}/data/", lang.code())
}

/// The language of the dashboards' front page `path` names, if it is one.
pub fn parse_dashboards(path: &str) -> Option<Lang> {
    Lang::ALL
        .into_iter()
        .find(|&lang| path.trim_end_matches('/') == dashboards(lang).trim_end_matches('/'))
}

/// The commentary slot of a dashboard page for comments on the page as a
/// whole (a chart's slot is named by its chart id). The site writes the
/// slots; the worker fills them.
pub const WHOLE_PAGE: &str = "page";
/// The commentary slot of the dashboards' front page, for comments on the
/// program as a whole.
pub const PROGRAM: &str = "program";

/// The dashboard page of `slug` for `period` in `lang`; all time is the
/// page itself.
pub fn dashboard_page(lang: Lang, slug: &str, period: Period) -> String {
    let lang = lang.code();
    match period {
        Period::All => format!("/{lang}/data/{slug}/"),
        p => format!("/{lang}/data/{slug}/{p}/"),
    }
}

/// The dashboard page a path names: its language, slug and period.
pub fn parse_dashboard_page(path: &str) -> Option<(Lang, &str, Period)> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segments.as_slice() {
        [lang, "data", slug] if !slug.is_empty() => Some((Lang::parse(lang)?, slug, Period::All)),
        [lang, "data", slug, period] if !slug.is_empty() => Some((Lang::parse(lang)?, slug, period.parse().ok()?)),
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
        for lang in Lang::ALL {
            for period in [Period::All, Period::Year(2025), Period::Quarter(2025, 2)] {
                let path = dashboard_page(lang, "capacity", period);
                assert_eq!(parse_dashboard_page(&path), Some((lang, "capacity", period)));
            }
            assert_eq!(parse_dashboards(&dashboards(lang)), Some(lang));
        }
        assert_eq!(
            dashboard_page(Lang::Es, "capacity", Period::Quarter(2025, 2)),
            "/es/data/capacity/2025-Q2/"
        );
        assert_eq!(parse_dashboards("/es/data"), Some(Lang::Es));
        assert_eq!(parse_dashboards("/fr/data/"), None);
        assert_eq!(parse_dashboard_page("/en/data/"), None);
        assert_eq!(parse_dashboard_page("/fr/data/capacity/"), None);
        assert_eq!(parse_dashboard_page("/en/data/capacity/2025-Q9/"), None);
        assert_eq!(
            chart_csv("capacity", Period::All, "caseload"),
            "/data/capacity/all/caseload.csv"
        );
    }
}
