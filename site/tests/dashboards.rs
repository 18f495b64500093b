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
use lead_site::dashboards::period::{periods, Lang, Period, PeriodView};
use lead_site::dashboards::spec::pages;
use lead_site::dashboards::{check_publishable, covered, csv_path, files, page_path};

/// A small program's export (2,500 referrals over three years), aggregated
/// once for all tests: small enough that many cells are suppressed.
fn published() -> &'static PublishedData {
    static DATA: OnceLock<PublishedData> = OnceLock::new();
    DATA.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("lead-dashboards-test-{}", std::process::id()));
        let (export, out) = (dir.join("export"), dir.join("published"));
        // With the outcome measures the content declares.
        let declared = lead_content::measures().clone();
        let config = SynthConfig {
            declared: declared.clone(),
            ..SynthConfig::new(2_500, 11)
        };
        write_export(&config, &export).expect("export written");
        let aggregates = aggregate_dir(&export, declared, SuppressionPolicy::default()).expect("export aggregates");
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
    for page in Lang::ALL.into_iter().flat_map(pages) {
        let about = lead_content::dashboards().text.about_title.get(page.lang);
        for &period in &all {
            let path = format!(
                "{}index.html",
                page_path(page.lang, page.slug(), period).trim_start_matches('/')
            );
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
            assert!(html.contains(about) && html.contains("/data/cells.csv"));
        }
    }
    assert!(site().contains_key("en/data/index.html"));
    assert!(site().contains_key("es/data/index.html"));
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
    for page in pages(Lang::En) {
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
    let text = &lead_content::dashboards().text;
    for page in Lang::ALL.into_iter().flat_map(pages) {
        let (suppressed, no_data) = (text.suppressed.get(page.lang), text.no_data.get(page.lang));
        for period in periods(covered) {
            let path = format!(
                "{}index.html",
                page_path(page.lang, page.slug(), period).trim_start_matches('/')
            );
            let html = &site()[&path];
            for spec in page.charts.iter().filter(|s| s.unit == Unit::Count) {
                let section = &html[html.find(&format!("id=\"{}\"", spec.id)).expect("chart section")..];
                let table = &section[..section.find("</table>").expect("table")];
                for text in cell_texts(table) {
                    if let Ok(n) = text.replace(',', "").parse::<f64>() {
                        assert!(n == 0.0 || n >= k, "{path} {}: {text}", spec.id);
                    } else {
                        assert!(text == suppressed || text == no_data, "{path}: {text}");
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
    let todo = &site()["es/data/racial-equity/2023-Q1/index.html"];
    assert!(todo.contains(">oculto</td>") && todo.contains("un conteo menor que 11"));
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
    let html = &site()["es/data/referrals/2024-Q2/index.html"];
    for month in ["abr 2024", "may 2024", "jun 2024"] {
        assert!(html.contains(&format!("<th scope=\"row\">{month}</th>")), "{month}");
    }
    assert!(html.contains("2024 T2 (abr a jun)"), "the period in Spanish");
    assert_eq!(Period::Quarter(2024, 2).months(covered).len(), 3);
}

#[test]
fn pages_built_from_synthetic_figures_say_so_and_a_production_build_refuses_them() {
    let banner = |path: &str| {
        let lang = path.get(..2).and_then(Lang::parse).expect("a page in a language");
        lead_content::dashboards().text.demo_title.get(lang)
    };
    let data = published();
    assert!(data.source.is_synthetic(), "synth-export marks its export");
    let pages: Vec<_> = site().iter().filter(|(path, _)| path.ends_with(".html")).collect();
    assert!(pages.len() > 20, "{} pages", pages.len());
    for (path, html) in &pages {
        assert!(html.contains(banner(path)), "{path} has no demo banner");
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
        if path.ends_with(".html") {
            assert!(
                !html.contains(banner(&path)),
                "{path} says demo for a program's figures"
            );
        }
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
        if path.starts_with("en/") {
            for word in lead_content::check::british_spellings(&words(html)) {
                found.push(format!("{path}: {word}"));
            }
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

/// The text between tags: ids, links and class names are not words.
fn words(html: &str) -> String {
    html.split('<')
        .filter_map(|part| part.split_once('>').map(|(_, text)| text))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every Spanish page is Spanish: marked so, its links stay in Spanish
/// (the language switch aside), its chart titles and labels are the
/// contract's Spanish ones, no English text of the dashboards is left, and
/// each figure is the one the English page shows.
#[test]
fn the_spanish_dashboards_speak_spanish_and_show_the_same_figures() {
    use lead_data::vocab::Vocabulary;
    let copy = lead_content::dashboards();
    // English words that would betray a page left untranslated.
    let english: Vec<&str> = copy
        .text
        .entries()
        .into_iter()
        .map(|(_, t)| t)
        .chain(copy.intro.values())
        .chain(copy.caption.values())
        .filter(|t| t.en != t.es && t.en.len() > 8 && t.en != "Español")
        .map(|t| t.en.as_str())
        .collect();
    let mut spanish_pages = 0;
    for (path, html) in site()
        .iter()
        .filter(|(p, _)| p.starts_with("es/") && p.ends_with(".html"))
    {
        spanish_pages += 1;
        assert!(html.contains("<html lang=\"es\""), "{path}: lang");
        let text = words(html);
        for e in &english {
            assert!(!text.contains(e), "{path}: English left: {e}");
        }
        for link in html.split("href=\"").skip(1).filter_map(|r| r.split('"').next()) {
            if link.contains("/data/") && !link.ends_with(".csv") && !link.starts_with("/data/") {
                let switch =
                    link.starts_with("/en/data/") && html.contains(&format!("href=\"{link}\" hreflang=\"en\""));
                assert!(link.starts_with("/es/data/") || switch, "{path}: {link}");
            }
        }
        // The same figures as the English page, word for word but the
        // words for a hidden figure or none.
        let en = &site()[&path.replacen("es/", "en/", 1)];
        let same = |cells: Vec<String>, hidden: &str, none: &str| -> Vec<String> {
            cells
                .into_iter()
                .map(|c| if c == hidden || c == none { "-".to_owned() } else { c })
                .collect()
        };
        let t = &copy.text;
        assert_eq!(
            same(cell_texts(html), t.suppressed.es.as_str(), t.no_data.es.as_str()),
            same(cell_texts(en), t.suppressed.en.as_str(), t.no_data.en.as_str()),
            "{path}"
        );
    }
    assert_eq!(
        spanish_pages,
        site()
            .keys()
            .filter(|p| p.starts_with("en/") && p.ends_with(".html"))
            .count()
    );
    let page = &site()["es/data/racial-equity/index.html"];
    for chart in [
        lead_data::tables::ChartId::ShareByStage,
        lead_data::tables::ChartId::RelativeRateByStage,
    ] {
        assert!(page.contains(chart.labels().es), "{}", chart.labels().es);
    }
    for race in lead_data::vocab::RaceEthnicity::ALL {
        assert!(page.contains(race.labels().es), "{}", race.labels().es);
    }
}

/// The racial-equity page says in words, for each period, at which stage
/// a group's share moves most from the stage before: the stage, the group
/// and both shares found again here from the published JSON alone (the
/// share at the stage, and the share before it as share / stage-to-stage
/// rate), in both languages.
#[test]
fn the_racial_equity_page_names_the_stage_where_disparity_changes_most() {
    use lead_data::vocab::{RaceEthnicity, Vocabulary};
    let data = published();
    let covered = covered(data).expect("covered months");
    let t = &lead_content::dashboards().text;
    // Each stage with a stage before it, its words and its counted measure.
    let steps = [
        (TableId::EquityBookings, &t.stage_booked_of_arrests, "booked"),
        (
            TableId::EquityArrestDiversions,
            &t.stage_diverted_of_arrests,
            "referrals",
        ),
        (TableId::EquityEnrolment, &t.stage_enrolled_of_referred, "referrals"),
        (TableId::EquityRetention, &t.stage_retained_of_enrolled, "retained_6"),
    ];
    let rows: Vec<(_, _, Vec<serde_json::Value>)> = steps
        .iter()
        .map(|&(table, words, _)| {
            let path = published().dir.join(table_file(table));
            let json: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(path).expect("table JSON")).expect("JSON");
            (table, words, json["rows"].as_array().expect("rows").clone())
        })
        .collect();
    let (mut named, mut none) = (0, 0);
    for period in periods(covered) {
        let key = period.to_string();
        let value = |rows: &[serde_json::Value], race: &str, measure: &str| {
            rows.iter()
                .find(|r| r["period"] == key.as_str() && r["race_ethnicity"] == race && r["measure"] == measure)
                .and_then(|r| r["value"].as_f64())
        };
        let mut best: Option<(&lead_content::Text, RaceEthnicity, f64, f64)> = None;
        for (_, words, rows) in &rows {
            for &race in RaceEthnicity::ALL.iter().filter(|r| **r != RaceEthnicity::Unknown) {
                let (Some(share), Some(rate)) = (
                    value(rows, race.as_str(), "share_by_race"),
                    value(rows, race.as_str(), "stage_relative_rate"),
                ) else {
                    continue;
                };
                if rate <= 0.0 {
                    continue;
                }
                let before = share / rate;
                if best.is_none_or(|(_, _, b, a)| (share - before).abs() > (a - b).abs()) {
                    best = Some((*words, race, before, share));
                }
            }
        }
        for lang in Lang::ALL {
            let path = format!(
                "{}index.html",
                page_path(lang, "racial-equity", period).trim_start_matches('/')
            );
            let html = &site()[&path];
            let finding = html
                .split("<p class=\"finding\">")
                .nth(1)
                .and_then(|rest| rest.split("</p>").next())
                .unwrap_or_else(|| panic!("{path}: a finding"));
            let label = period.label(covered, lang);
            assert!(finding.starts_with(&label), "{path}: {finding}");
            match best {
                Some((stage, race, before, after)) => {
                    named += 1;
                    for part in [
                        stage.get(lang),
                        race.labels().get(lang),
                        &Unit::Share.format(before),
                        &Unit::Share.format(after),
                    ] {
                        assert!(finding.contains(part), "{path}: {finding} names {part}");
                    }
                }
                None => {
                    none += 1;
                    assert_eq!(
                        finding,
                        t.largest_change_none.fill(lang, &[("period", &label)]),
                        "{path}"
                    );
                }
            }
        }
        // The published shares agree with the counts they come from.
        for ((_, _, rows), (_, _, counted)) in rows.iter().zip(&steps) {
            if let (Some(share), Some(n), Some(all)) = (
                value(rows, "black", "share_by_race"),
                value(rows, "black", counted),
                value(rows, "all", counted),
            ) {
                assert!((share - n / all).abs() < 1e-9, "{key}: {n} of {all} is {share}");
            }
        }
    }
    assert!(
        named >= 2 * 4,
        "the finding names a stage in most periods ({named}, {none} without)"
    );
}

/// An export without the optional survey and comparison files and without
/// legal-system measures publishes everything else, and its pages say plainly what is
/// not reported: on each such chart and in "About these figures", in both
/// languages. The full export says nothing of the kind.
#[test]
fn pages_say_what_the_programs_data_does_not_include() {
    use lead_data::vocab::Vocabulary;
    let dir = std::env::temp_dir().join(format!("lead-dashboards-partial-{}", std::process::id()));
    let (export, out) = (dir.join("export"), dir.join("published"));
    write_export(&SynthConfig::new(1_500, 4), &export).expect("export written");
    std::fs::remove_file(export.join("surveys.csv")).expect("surveys.csv written");
    std::fs::remove_file(export.join("comparison.csv")).expect("comparison.csv written");
    let outcomes = std::fs::read_to_string(export.join("outcomes.csv")).expect("outcomes.csv");
    let kept: Vec<&str> = outcomes
        .lines()
        .filter(|line| !(line.contains(",arrests,") || line.contains(",charges,") || line.contains(",jail_days,")))
        .collect();
    assert!(
        kept.len() < outcomes.lines().count(),
        "the export had legal-system rows"
    );
    std::fs::write(export.join("outcomes.csv"), kept.join("\n") + "\n").expect("outcomes.csv rewritten");
    // The content declares measures of its own the export does not carry.
    let declared = lead_content::measures().clone();
    let aggregates =
        aggregate_dir(&export, declared, SuppressionPolicy::default()).expect("a partial export aggregates");
    let provenance = Provenance {
        generated_at: "2026-01-01T00:00:00Z".into(),
        source: lead_aggregate::export::source_of(&export, "test export").expect("export readable"),
    };
    write(&aggregates, &out, &provenance).expect("aggregates written");
    let data: &'static PublishedData = Box::leak(Box::new(PublishedData::load(&out).expect("published files load")));
    let partial: HashMap<String, String> = files(data).expect("dashboards build").into_iter().collect();
    let t = &lead_content::dashboards().text;
    for lang in Lang::ALL {
        let missing = [
            lead_data::tables::ChartId::ComparisonGroup,
            lead_data::tables::ChartId::LegalSystemUse,
            lead_data::tables::ChartId::Satisfaction,
            lead_data::tables::ChartId::SiteCounts,
            lead_data::tables::ChartId::SiteRates,
            lead_data::tables::ChartId::SiteShares,
        ]
        .map(|c| format!("\u{201c}{}\u{201d}", c.labels().get(lang)));
        let about = t.about_not_reported.fill(lang, &[("charts", &missing.join(", "))]);
        let outcomes = &partial[&format!("{}/data/outcomes/index.html", lang.code())];
        assert!(outcomes.contains(&about), "{lang:?}: {about}");
        assert_eq!(outcomes.matches(t.not_reported_chart.get(lang)).count(), 6, "{lang:?}");
        // Every other page says it in "About these figures" too, and the
        // full export's pages never do.
        let referrals = &partial[&format!("{}/data/referrals/index.html", lang.code())];
        assert!(referrals.contains(&about));
        let prefix = t.about_not_reported.get(lang).split('{').next().expect("text");
        for (path, html) in site().iter().filter(|(p, _)| p.ends_with(".html")) {
            assert!(
                !html.contains(prefix),
                "{path}: nothing is missing from the full export"
            );
        }
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn priority_tiers_are_the_policys_and_a_tier_it_does_not_name_is_refused() {
    // The tiers chart names the policy's tiers with the policy's labels.
    let policy = &lead_content::intake().policy;
    for page in pages(Lang::Es)
        .iter()
        .filter(|p| p.id == lead_data::tables::DashboardId::Referrals)
    {
        let chart = page
            .charts
            .iter()
            .find(|c| c.id == lead_data::tables::ChartId::CommunityByTier)
            .expect("the tiers chart");
        let lead_site::dashboards::spec::Categories::Parts(parts) = &chart.categories else {
            panic!("tiers are categories");
        };
        let labels: Vec<&str> = parts.iter().map(|p| p.label.as_str()).collect();
        let mut expected: Vec<&str> = policy.tiers.iter().map(|t| t.label.get(Lang::Es)).collect();
        expected.push("Sin nivel registrado");
        assert_eq!(labels, expected);
    }
    // An export of another program's tiers cannot be shown with this
    // program's words: the build says which tier and where to name it.
    let dir = std::env::temp_dir().join(format!("lead-dashboards-tiers-{}", std::process::id()));
    let (export, out) = (dir.join("export"), dir.join("published"));
    let config = SynthConfig {
        tiers: ["urgent", "routine"].map(String::from).to_vec(),
        ..SynthConfig::new(400, 3)
    };
    write_export(&config, &export).expect("export written");
    let aggregates = aggregate_dir(&export, Default::default(), SuppressionPolicy::default()).expect("aggregates");
    let provenance = Provenance {
        generated_at: "2026-01-01T00:00:00Z".into(),
        source: lead_aggregate::export::source_of(&export, "test export").expect("export readable"),
    };
    write(&aggregates, &out, &provenance).expect("aggregates written");
    let error = PublishedData::load(&out).expect_err("tiers the policy does not name");
    assert!(
        error.0.contains("the priority tier \"routine\"") || error.0.contains("the priority tier \"urgent\""),
        "{}",
        error.0
    );
    assert!(error.0.contains("policy.toml"), "{}", error.0);
    let _ = std::fs::remove_dir_all(dir);
}
