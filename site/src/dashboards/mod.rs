//! The transparency dashboards, prerendered from the published aggregates
//! (`aggregate --output content/dashboards/published`): one page per
//! dashboard, period and language under `/en/data/` and `/es/data/`, with
//! their words from `dashboards.toml`; the CSV of every chart under
//! `/data/`, and the open-data files (`/data/cells.csv` and each table's
//! JSON under `/data/tables/`).

pub mod data;
pub mod pages;
pub mod period;
pub mod spec;

use std::path::PathBuf;

use leptos::prelude::*;

use data::{DataError, PublishedData};
use pages::{DashboardIndex, DashboardPage};
use period::{periods, Lang, Month, Period, PeriodView};
use spec::Page;

/// Where the site reads the published aggregates: `$DASHBOARD_DATA` (the
/// build sets it: the program's figures, or demo figures under `target/`
/// when there are none), or `content/dashboards/published` in the workspace.
pub fn default_dir() -> PathBuf {
    std::env::var_os("DASHBOARD_DATA").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../content/dashboards/published"),
        PathBuf::from,
    )
}

/// The environment variable that lets a production build publish synthetic
/// figures on purpose (a demo site); every page then says so.
pub const DEMO_FLAG: &str = "LEAD_DEMO_DATA";

/// Whether a build may publish these figures. A production build (one with
/// `SITE_URL` set: its pages point at a real address) refuses synthetic
/// figures unless [`DEMO_FLAG`] is `1`, so a routine deploy from a fresh
/// clone cannot replace a program's dashboards with made-up ones.
pub fn check_publishable(data: &PublishedData, production: bool, demo: bool) -> Result<(), DataError> {
    if data.source.is_synthetic() && production && !demo {
        return Err(DataError(format!(
            "{} holds synthetic demo data ({}), and this is a production build (SITE_URL is set). \
             Publish the program's own export first (functions/bin/publish EXPORT_DIR), \
             or set {DEMO_FLAG}=1 to build a demo site on purpose: every dashboard page then says \"Demo data: not real figures\".",
            data.dir.display(),
            data.source.description()
        )));
    }
    Ok(())
}

/// The page of dashboard `slug` for `period` in `lang`.
pub fn page_path(lang: Lang, slug: &str, period: Period) -> String {
    lead_data::paths::dashboard_page(lang, slug, period)
}

/// The CSV download of one chart's figures for `period`.
pub fn csv_path(slug: &str, period: Period, chart: &str) -> String {
    lead_data::paths::chart_csv(slug, period, chart)
}

/// The months the published figures cover.
pub fn covered(data: &PublishedData) -> Result<(Month, Month), DataError> {
    Ok((data.covered.from, data.covered.to))
}

/// The dashboards' words (`dashboards.toml`).
fn text() -> &'static lead_content::DashboardText {
    &lead_content::dashboards().text
}

/// The stylesheet of the dashboard pages, written to `/dashboards.css`.
pub const DASHBOARDS_CSS: &str = include_str!("../../style/dashboards.css");
/// Loads the charts module, written to `/charts.js`.
pub const CHARTS_JS: &str = include_str!("../../static/charts.js");

/// `/data/version.json`: what these pages were built from.
fn version_json(data: &PublishedData) -> String {
    use sha2::{Digest, Sha256};
    let hash = Sha256::digest(data.cells_csv.as_bytes());
    let version = lead_data::published::Version {
        data_version: hash.iter().map(|b| format!("{b:02x}")).collect(),
        generated_at: data.generated_at.clone(),
        synthetic: data.source.is_synthetic(),
        k: data.suppression.k,
    };
    serde_json::to_string_pretty(&version).unwrap_or_default()
}

/// Every file of the dashboards: path under `dist/` and contents.
pub fn files(data: &'static PublishedData) -> Result<Vec<(String, String)>, DataError> {
    let covered = covered(data)?;
    let all_periods = periods(covered);
    let mut files = vec![
        ("dashboards.css".to_owned(), DASHBOARDS_CSS.to_owned()),
        ("charts.js".to_owned(), CHARTS_JS.to_owned()),
        ("data/cells.csv".to_owned(), data.cells_csv.clone()),
        (
            lead_data::published::VERSION_PATH.trim_start_matches('/').to_owned(),
            version_json(data),
        ),
    ];
    for &table in lead_data::tables::TableId::ALL {
        let name = lead_data::published::table_file(table);
        let path = data.dir.join(&name);
        let json = std::fs::read_to_string(&path).map_err(|e| DataError(format!("{}: {e}", path.display())))?;
        files.push((format!("data/tables/{name}"), json));
    }
    for lang in Lang::ALL {
        let text = text();
        let site_name = text.site_name.get(lang);
        let pages: &'static [Page] = Vec::leak(spec::pages(lang));
        let nav: Vec<(&'static str, &'static str)> = pages.iter().map(|p| (p.slug(), p.title())).collect();
        files.push((
            format!(
                "{}index.html",
                lead_data::paths::dashboards(lang).trim_start_matches('/')
            ),
            crate::render::dashboard_document(
                lang,
                site_name,
                text.index_meta.get(lang),
                &crate::render::render_view(move || view! { <DashboardIndex pages data lang/> }),
            ),
        ));
        for page in pages {
            for &period in &all_periods {
                // The CSVs are the published cells, the same in every
                // language: written once.
                if lang == Lang::En {
                    for spec in &page.charts {
                        let grid = spec.grid(data, period, covered);
                        files.push((
                            csv_path(page.slug(), period, spec.id.as_str())
                                .trim_start_matches('/')
                                .to_owned(),
                            spec.csv(data, &grid),
                        ));
                    }
                }
                let title = format!("{}: {} | {site_name}", page.title(), period.label(covered, lang));
                let (nav, periods) = (nav.clone(), all_periods.clone());
                let body = crate::render::render_view(move || {
                    view! { <DashboardPage page period data periods nav covered/> }
                });
                files.push((
                    format!(
                        "{}index.html",
                        page_path(lang, page.slug(), period).trim_start_matches('/')
                    ),
                    crate::render::dashboard_document(lang, &title, &page.intro, &body),
                ));
            }
        }
    }
    Ok(files)
}
