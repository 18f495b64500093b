//! The dashboard pages built from a generated export: every figure in every
//! table and CSV download is the published one, suppressed cells say so,
//! and every page and period is there, complete without JavaScript.
#![cfg(feature = "ssr")]

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use lead_aggregate::aggregate::{aggregate_dir, write, Provenance};
use lead_aggregate::cell::SuppressionPolicy;
use lead_aggregate::synth::{write_export, SynthConfig};
use lead_charts::Unit;
use lead_data::published::{table_file, Source};
use lead_data::tables::TableId;
use lead_site::dashboards::data::{Figure, PublishedData};
use lead_site::dashboards::period::{periods, Period, PeriodView};
use lead_site::dashboards::spec::pages;
use lead_site::dashboards::{check_publishable, covered, csv_path, files, page_path};

/// A small program's export (2,500 referrals over three years), aggregated
/// once for all tests: small enough that many cells are suppressed.
fn published() -> &'static PublishedData {
    static DATA: OnceLock<PublishedData> = OnceLock::new();
    DATA.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("lead-dashboards-test-{}", std::process::id()));
        let (export, out) = (dir.join("export"), dir.join("published"));
        write_export(&SynthConfig::new(2_500, 11), &export).expect("export written");
        let aggregates = aggregate_dir(&export, SuppressionPolicy::default()).expect("export aggregates");
        let provenance = Provenance {
            generated_at: "2026-01-01T00:00:00Z".into(),
            source: lead_aggregate::export::source_of(&export, "test export").expect("export readable"),
        };
        write(&aggregates, &out, &provenance).expect("aggregates written");
        let data = PublishedData::load(&out).expect("published files load");
        let _ = std::fs::remove_dir_all(export);
        data
    })
}

fn site() -> &'static HashMap<String, String> {
    static FILES: OnceLock<HashMap<String, String>> = OnceLock::new();
    FILES.get_or_init(|| files(published()).expect("dashboards build").into_iter().collect())
}

/// The published JSON rows of a table as (period, dims in table order,
/// measure) -> (value, suppressed), read independently of the site's loader.
fn json_rows(table: TableId) -> HashMap<String, (Option<f64>, bool)> {
    let path: PathBuf = published().dir.join(table_file(table));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("table JSON")).expect("JSON");
    let dims: Vec<String> = json["dimensions"]
        .as_array()
        .expect("dimensions")
        .iter()
        .map(|d| d.as_str().expect("name").to_owned())
        .collect();
    json["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|row| {
            let mut key = vec![row["period"].as_str().expect("period").to_owned()];
            key.extend(
                dims.iter()
                    .map(|d| row[d].as_str().expect("dimension value").to_owned()),
            );
            key.push(row["measure"].as_str().expect("measure").to_owned());
            (
                key.join("|"),
                (
                    row["value"].as_f64(),
                    row["suppressed"].as_bool().expect("suppressed flag"),
                ),
            )
        })
        .collect()
}

fn cell_texts(html: &str) -> Vec<String> {
    html.split("<td")
        .skip(1)
        .map(|s| {
            let start = s.find('>').expect("td closes") + 1;
            let end = s.find("</td>").expect("td ends");
            s[start..end].to_owned()
        })
        .collect()
}

#[test]
fn every_dashboard_and_period_has_a_page_with_a_table_per_chart() {
    let data = published();
    let covered = covered(data).expect("covered months");
    let all = periods(covered);
    assert_eq!(all.len(), 1 + 3 * 5, "all time, 3 years and 12 quarters");
    for page in pages() {
        for &period in &all {
            let path = format!("{}index.html", page_path(page.slug(), period).trim_start_matches('/'));
            let html = site().get(&path).unwrap_or_else(|| panic!("{path} is built"));
            assert_eq!(
                html.matches("<table").count(),
                page.charts.len(),
                "{path}: a table per chart"
            );
            assert_eq!(
                html.matches("data-chart=").count(),
                page.charts.len(),
                "{path}: a chart per chart"
            );
            for spec in &page.charts {
                let csv = csv_path(page.slug(), period, spec.id.as_str());
                assert!(html.contains(&format!("href=\"{csv}\"")), "{path}: links {csv}");
                assert!(site().contains_key(csv.trim_start_matches('/')), "{csv} is built");
            }
            // Complete without JavaScript, and nothing the CSP would block.
            assert!(
                !html.contains("<script>") && !html.contains(" style="),
                "{path}: no inline script or style"
            );
            assert!(
                html.contains("aria-current=\"page\""),
                "{path}: the period shown is marked"
            );
            assert!(html.contains("About these figures") && html.contains("/data/cells.csv"));
        }
    }
    assert!(site().contains_key("en/data/index.html"));
    assert_eq!(
        site()["data/cells.csv"],
        data.cells_csv,
        "the open-data download is cells.csv itself"
    );
}

#[test]
fn every_figure_shown_is_the_published_one() {
    let data = published();
    let covered = covered(data).expect("covered months");
    let mut json: HashMap<TableId, HashMap<String, (Option<f64>, bool)>> = HashMap::new();
    let (mut checked, mut suppressed) = (0, 0);
    for page in pages() {
        for period in periods(covered) {
            for spec in &page.charts {
                let grid = spec.grid(data, period, covered);
                let csv = &site()[csv_path(page.slug(), period, spec.id.as_str()).trim_start_matches('/')];
                let mut csv_rows = csv.lines().skip(1);
                for (key, figure) in grid.cells.iter().flatten() {
                    let rows = json.entry(key.table).or_insert_with(|| json_rows(key.table));
                    let table = data.table(key.table).expect("table");
                    let mut parts = vec![key.period.clone()];
                    parts.extend(table.dimensions.iter().map(|d| {
                        key.dims
                            .iter()
                            .find(|(n, _)| n == d)
                            .map_or("all".to_owned(), |(_, v)| v.clone())
                    }));
                    parts.push(key.measure.name().to_owned());
                    let published = rows.get(&parts.join("|")).copied();
                    match (figure, published) {
                        (None, None | Some((None, false))) => continue,
                        (Some(Figure::Value(v)), Some((Some(p), false))) => assert_eq!(*v, p, "{key:?}"),
                        (Some(Figure::Suppressed), Some((None, true))) => suppressed += 1,
                        other => panic!("{key:?}: shown {other:?}"),
                    }
                    // The CSV row of the cell, in the same order as the table.
                    let line = csv_rows.next().unwrap_or_else(|| panic!("{key:?}: no CSV row"));
                    assert!(line.starts_with(&format!("{},{},", key.table, key.period)), "{line}");
                    assert_eq!(line.ends_with(",true"), *figure == Some(Figure::Suppressed), "{line}");
                    checked += 1;
                }
                assert_eq!(csv_rows.next(), None, "no extra CSV rows");
            }
        }
    }
    assert!(checked > 4_000, "{checked} figures checked");
    assert!(suppressed > 50, "a small program has suppressed cells ({suppressed})");
}

#[test]
fn no_table_shows_a_small_count() {
    let data = published();
    let covered = covered(data).expect("covered months");
    let k = data.suppression.k as f64;
    for page in pages() {
        for period in periods(covered) {
            let path = format!("{}index.html", page_path(page.slug(), period).trim_start_matches('/'));
            let html = &site()[&path];
            for spec in page.charts.iter().filter(|s| s.unit == Unit::Count) {
                let section = &html[html.find(&format!("id=\"{}\"", spec.id)).expect("chart section")..];
                let table = &section[..section.find("</table>").expect("table")];
                for text in cell_texts(table) {
                    if let Ok(n) = text.replace(',', "").parse::<f64>() {
                        assert!(n == 0.0 || n >= k, "{path} {}: {text}", spec.id);
                    } else {
                        assert!(text == "suppressed" || text == "no data", "{path}: {text}");
                    }
                }
            }
        }
    }
    let all = &site()["en/data/racial-equity/2023-Q1/index.html"];
    assert!(
        all.contains(">suppressed</td>"),
        "suppressed cells are marked in the table"
    );
    assert!(all.contains("a count of fewer than 11"), "and the note explains them");
}

#[test]
fn a_quarter_shows_its_own_three_months() {
    let data = published();
    let covered = covered(data).expect("covered months");
    let html = &site()["en/data/referrals/2024-Q2/index.html"];
    for month in ["Apr 2024", "May 2024", "Jun 2024"] {
        assert!(html.contains(&format!("<th scope=\"row\">{month}</th>")), "{month}");
    }
    assert!(!html.contains("<th scope=\"row\">Jul 2024</th>"));
    assert_eq!(Period::Quarter(2024, 2).months(covered).len(), 3);
}

#[test]
fn pages_built_from_synthetic_figures_say_so_and_a_production_build_refuses_them() {
    const BANNER: &str = "Demo data: not real figures.";
    let data = published();
    assert!(data.source.is_synthetic(), "synth-export marks its export");
    let pages: Vec<_> = site().iter().filter(|(path, _)| path.ends_with(".html")).collect();
    assert!(pages.len() > 20, "{} pages", pages.len());
    for (path, html) in &pages {
        assert!(html.contains(BANNER), "{path} has no demo banner");
    }
    let refused = check_publishable(data, true, false).expect_err("production refuses synthetic figures");
    for says in ["synthetic", "SITE_URL", "LEAD_DEMO_DATA=1", "functions/bin/publish"] {
        assert!(refused.to_string().contains(says), "{refused}");
    }
    assert!(check_publishable(data, true, true).is_ok(), "a demo site on purpose");
    assert!(check_publishable(data, false, false).is_ok(), "the local run");

    // The same figures as a program's own export: published, no banner.
    let mut real = PublishedData::load(&data.dir).expect("published files load");
    real.source = Source::Export {
        description: "A program's export".into(),
        files: Default::default(),
    };
    assert!(check_publishable(&real, true, false).is_ok());
    let real: &'static PublishedData = Box::leak(Box::new(real));
    for (path, html) in files(real).expect("dashboards build") {
        assert!(!html.contains(BANNER), "{path} says demo for a program's figures");
    }
}

#[test]
fn a_production_build_with_demo_figures_fails_with_a_clear_message() {
    let out = std::env::temp_dir().join(format!("lead-prerender-refused-{}", std::process::id()));
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_prerender"))
        .arg(&out)
        .env("SITE_URL", "https://refer.example.org")
        .env("DASHBOARD_DATA", &published().dir)
        .env_remove("LEAD_DEMO_DATA")
        .output()
        .expect("prerender runs");
    assert!(!run.status.success(), "a production build published synthetic figures");
    let message = String::from_utf8_lossy(&run.stderr);
    assert!(message.contains("refusing to build"), "{message}");
    assert!(message.contains("synthetic demo data"), "{message}");
    assert!(message.contains("functions/bin/publish EXPORT_DIR"), "{message}");
    assert!(!out.exists(), "nothing was written");
}

/// The dashboards are for a US program: no British spelling in any page's
/// text (the content check does the same for the intake's content files);
/// and every page has a meta description.
#[test]
fn the_dashboards_are_in_us_english_and_say_what_each_page_is_for() {
    let mut found = Vec::new();
    for (path, html) in site().iter().filter(|(p, _)| p.ends_with(".html")) {
        // The text between tags: ids, links and class names are not words.
        let text: String = html
            .split('<')
            .filter_map(|part| part.split_once('>').map(|(_, text)| text))
            .collect::<Vec<_>>()
            .join(" ");
        for word in lead_content::check::british_spellings(&text) {
            found.push(format!("{path}: {word}"));
        }
        // And each says what it is for.
        let description = html
            .split_once("<meta name=\"description\" content=\"")
            .and_then(|(_, rest)| rest.split_once('"'))
            .map(|(d, _)| d)
            .unwrap_or_default();
        if description.len() < 40 {
            found.push(format!("{path}: no meta description ({description:?})"));
        }
    }
    found.sort();
    found.dedup();
    assert!(found.is_empty(), "{}", found.join("\n"));
}
