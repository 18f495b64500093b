//! The transparency dashboards in a real browser, served by the portal:
//! every chart is drawn on its canvas, every table and CSV download holds
//! exactly the published figures (the JSON that `aggregate` wrote, as the
//! build published it under `/data/tables/`), and every page reads well and passes
//! axe-core with and without JavaScript.

use std::collections::HashMap;
use std::time::Duration;

use fantoccini::{Client, Locator};
use lead_charts::{ChartView, Unit};
use lead_content::Lang;
use lead_e2e::browser::{check, Browser};
use lead_e2e::portal::{Options, Portal};
use lead_e2e::receiver::Receiver;
use lead_e2e::{root, TEST_SECRET};
use serde_json::Value;

const PAGES: [&str; 6] = [
    "referrals",
    "getting-started",
    "engagement",
    "capacity",
    "racial-equity",
    "outcomes",
];

/// A published table's rows by (period, dimension values, measure), read
/// from the JSON `aggregate` wrote, as the build published it
/// (`/data/tables/<table>.json`).
struct PublishedTable {
    dims: Vec<String>,
    rows: HashMap<Vec<String>, (Option<f64>, bool)>,
}

fn published(table: &str) -> PublishedTable {
    let path = root().join(format!("dist/data/tables/{table}.json"));
    let json: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("published JSON")).expect("JSON");
    let dims: Vec<String> = json["dimensions"]
        .as_array()
        .expect("dimensions")
        .iter()
        .map(|d| d.as_str().expect("name").to_owned())
        .collect();
    let rows = json["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|row| {
            let mut key = vec![row["period"].as_str().expect("period").to_owned()];
            key.extend(dims.iter().map(|d| row[d].as_str().expect("value").to_owned()));
            key.push(row["measure"].as_str().expect("measure").to_owned());
            (key, (row["value"].as_f64(), row["suppressed"].as_bool().expect("flag")))
        })
        .collect();
    PublishedTable { dims, rows }
}

fn get(url: &str) -> String {
    ureq::get(url)
        .call()
        .unwrap_or_else(|e| panic!("{url}: {e}"))
        .into_string()
        .expect("text")
}

/// Waits until the charts module has drawn every chart on the page.
async fn wait_for_charts(c: &Client, path: &str) {
    for _ in 0..100 {
        let pending = c
            .execute(
                "return document.querySelectorAll('[data-chart]:not([data-drawn])').length",
                vec![],
            )
            .await
            .expect("count charts");
        if pending == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{path}: some charts were never drawn");
}

/// For each chart on the page: its id, the number of painted pixels on its
/// canvas, its view (data-chart) and its table's cells row by row.
async fn charts_on_page(c: &Client) -> Vec<Value> {
    let result = c
        .execute(
            "return [...document.querySelectorAll('[data-chart]')].map(chart => {
                 const canvas = chart.querySelector('canvas');
                 let painted = 0;
                 if (canvas) {
                     const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                     for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) painted++;
                 }
                 const section = chart.closest('section');
                 const rows = [...section.querySelectorAll('tbody tr')]
                     .map(tr => [...tr.querySelectorAll('td')].map(td => td.textContent));
                 const csv = section.querySelector('a[download]').getAttribute('href');
                 const drawn = window.echarts && echarts.getInstanceByDom(chart);
                 const marks = drawn ? drawn.getOption().series
                     .filter(s => s.type === 'scatter').map(s => [s.name, s.data.length]) : [];
                 return { id: chart.id, painted, width: canvas ? canvas.width : 0, marks,
                          view: chart.getAttribute('data-chart'), rows, csv,
                          shown: chart.getBoundingClientRect().height > 0 };
             })",
            vec![],
        )
        .await
        .expect("read the charts");
    result.as_array().cloned().expect("an array")
}

/// Checks one chart: drawn, and table == CSV == published JSON.
fn check_chart(portal: &Portal, path: &str, chart: &Value, tables: &mut HashMap<String, PublishedTable>) -> usize {
    let id = chart["id"].as_str().expect("id");
    let lang = path.get(1..3).and_then(Lang::parse).expect("a page in a language");
    let text = &lead_content::dashboards().text;
    let (suppressed_text, no_data) = (text.suppressed.get(lang), text.no_data.get(lang));
    assert!(chart["shown"].as_bool() == Some(true), "{path} {id}: chart is shown");
    let painted = chart["painted"].as_u64().expect("painted");
    assert!(
        painted > 2_000,
        "{path} {id}: the canvas is drawn ({painted} pixels painted)"
    );
    let view: ChartView = serde_json::from_str(chart["view"].as_str().expect("view")).expect("the view parses");

    // Issue 15: a hidden figure is marked in the chart where the table says
    // "suppressed", and nowhere else (a true zero has no mark).
    let rows = chart["rows"].as_array().expect("rows");
    for (s, series) in view.series.iter().enumerate() {
        for (c, row) in rows.iter().enumerate() {
            let text = row[s].as_str().unwrap_or_default();
            assert_eq!(
                series.hidden.contains(&c),
                text == suppressed_text,
                "{path} {id}: {} in row {c} reads {text:?}",
                series.name
            );
        }
    }
    let hidden = lead_charts::hidden_categories(&view);
    let marks: Vec<(String, usize)> = serde_json::from_value(chart["marks"].clone()).expect("marks");
    if hidden.is_empty() {
        assert!(marks.is_empty(), "{path} {id}: nothing hidden, no marks: {marks:?}");
    } else {
        assert_eq!(
            marks,
            vec![(view.hidden_label.clone(), hidden.len())],
            "{path} {id}: one mark per category with a hidden figure, named in the legend"
        );
    }

    // The table's cells, in order, without those that have no figure.
    let cells: Vec<String> = chart["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .flat_map(|r| {
            r.as_array()
                .expect("cells")
                .iter()
                .map(|c| c.as_str().expect("text").to_owned())
        })
        .filter(|t| t != no_data)
        .collect();
    let csv = get(&portal.url(chart["csv"].as_str().expect("csv link")));
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header_record = reader.headers().expect("a header").clone();
    let header: Vec<&str> = header_record.iter().collect();
    assert_eq!(
        header,
        [
            "table",
            "period",
            "door",
            "referrer_type",
            "priority_tier",
            "outcome",
            "race_ethnicity",
            "site_measure",
            "measure",
            "value",
            "suppressed"
        ],
        "{path} {id}: the CSV has the cells.csv columns"
    );
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a CSV record")).collect();
    assert_eq!(
        records.len(),
        cells.len(),
        "{path} {id}: a CSV row per figure in the table"
    );
    let at = |name: &str| header.iter().position(|h| *h == name).expect("a cells.csv column");
    let (measure, value_at, suppressed_at) = (at("measure"), at("value"), at("suppressed"));
    for (record, shown) in records.iter().zip(&cells) {
        let f: Vec<&str> = record.iter().collect();
        let line = f.join(" | ");
        let table = tables.entry(f[0].to_owned()).or_insert_with(|| published(f[0]));
        let mut key = vec![f[1].to_owned()];
        key.extend(table.dims.iter().map(|d| {
            let column = header.iter().position(|h| h == d).expect("dimension column");
            f[column].to_owned()
        }));
        key.push(f[measure].to_owned());
        let (value, suppressed) = *table
            .rows
            .get(&key)
            .unwrap_or_else(|| panic!("{path} {id}: {line} is not in the published JSON"));
        assert_eq!(f[suppressed_at] == "true", suppressed, "{path} {id}: {line}");
        match value {
            Some(v) if !suppressed => {
                // Written as its measure is: a count as a count, in any chart.
                let unit = lead_data::tables::Stat::parse(f[measure]).map_or(view.unit, |s| s.unit());
                assert_eq!(shown, &unit.format(v), "{path} {id}: {line}");
                if view.unit == Unit::Count {
                    assert_eq!(f[value_at], format!("{v}"), "{path} {id}: {line}");
                }
            }
            _ => assert_eq!(shown, suppressed_text, "{path} {id}: {line}"),
        }
    }
    cells.len()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_dashboard_draws_its_charts_and_its_tables_match_the_published_json() {
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    let browser = Browser::start(true).await;
    let c = &browser.client;
    let mut tables = HashMap::new();
    let (mut charts, mut figures) = (0, 0);
    // Every period kind in English; the Spanish pages draw the same
    // figures with their own words.
    let paths = PAGES.iter().flat_map(|page| {
        [
            "en/data/{page}/",
            "en/data/{page}/2024/",
            "en/data/{page}/2025-Q2/",
            "es/data/{page}/",
        ]
        .map(|p| format!("/{}", p.replace("{page}", page)))
    });
    for path in paths {
        c.goto(&portal.url(&path)).await.expect("open");
        wait_for_charts(c, &path).await;
        for chart in charts_on_page(c).await {
            figures += check_chart(&portal, &path, &chart, &mut tables);
            charts += 1;
        }
    }
    assert_eq!(
        charts,
        lead_data::tables::ChartId::ALL.len() * 4,
        "every chart of every dashboard, three periods in English, one in Spanish"
    );
    assert!(figures > 1_000, "{figures} figures checked");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_period_selector_moves_between_periods_and_marks_the_one_shown() {
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    let browser = Browser::start(true).await;
    let c = &browser.client;
    c.goto(&portal.url("/en/data/")).await.expect("open");
    c.find(Locator::LinkText("Capacity"))
        .await
        .expect("link")
        .click()
        .await
        .expect("click");
    check::sees(c, "Capacity: All time").await;
    let quarters = c
        .find(Locator::Css("ul[aria-label='Quarters of 2024']"))
        .await
        .expect("the quarters of 2024");
    // "Q3" on screen; its name carries the year, so three "Q3" links on
    // the page are told apart.
    quarters
        .find(Locator::XPath(".//a[normalize-space()='Q3 2024']"))
        .await
        .expect("Q3 2024")
        .click()
        .await
        .expect("click");
    check::sees(c, "Capacity: 2024 Q3 (Jul to Sep)").await;
    let current = c
        .find(Locator::Css(".period-nav a[aria-current='page']"))
        .await
        .expect("the period shown is marked")
        .text()
        .await
        .expect("text");
    assert_eq!(current.split_whitespace().next(), Some("Q3"), "{current}");
    let months = c
        .execute(
            "return [...document.querySelectorAll('#average-caseload tbody th')].map(th => th.textContent)",
            vec![],
        )
        .await
        .expect("months");
    assert_eq!(months, serde_json::json!(["Jul 2024", "Aug 2024", "Sep 2024"]));
    // The dashboards' own navigation keeps the period.
    c.find(Locator::LinkText("Outcomes"))
        .await
        .expect("link")
        .click()
        .await
        .expect("click");
    check::sees(c, "Outcomes: 2024 Q3 (Jul to Sep)").await;
    // The language switch leads to the same page and period in Spanish,
    // where the navigation stays in Spanish.
    c.find(Locator::Css(".site-header a[hreflang='es']"))
        .await
        .expect("the switch")
        .click()
        .await
        .expect("click");
    check::sees(c, "Resultados: 2024 T3 (jul a sept)").await;
    assert!(c
        .current_url()
        .await
        .expect("url")
        .path()
        .starts_with("/es/data/outcomes/2024-Q3"));
    c.find(Locator::LinkText("Capacidad"))
        .await
        .expect("link")
        .click()
        .await
        .expect("click");
    check::sees(c, "Capacidad: 2024 T3 (jul a sept)").await;
    let months = c
        .execute(
            "return [...document.querySelectorAll('#average-caseload tbody th')].map(th => th.textContent)",
            vec![],
        )
        .await
        .expect("months");
    assert_eq!(months, serde_json::json!(["jul 2024", "ago 2024", "sept 2024"]));
    assert_eq!(
        c.find(Locator::Css("html"))
            .await
            .expect("html")
            .attr("lang")
            .await
            .expect("lang"),
        Some("es".to_owned())
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn dashboards_read_well_without_javascript_and_pass_axe() {
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    let browser = Browser::start(true).await;
    let c = &browser.client;
    let mut paths = Vec::new();
    for lang in ["en", "es"] {
        paths.push(format!("/{lang}/data/"));
        paths.extend(PAGES.iter().map(|p| format!("/{lang}/data/{p}/")));
        paths.push(format!("/{lang}/data/racial-equity/2023-Q1/"));
    }
    for path in &paths {
        // Without JavaScript: the tables carry every figure, and the chart
        // boxes stay hidden (the charts module unhides each as it draws it).
        let html = get(&portal.url(path));
        let charts: Vec<&str> = html
            .split("<div ")
            .filter(|tag| tag.contains("data-chart="))
            .map(|tag| &tag[..tag.find("class=\"chart\"").expect("a chart box")])
            .collect();
        assert_eq!(
            html.matches("<table").count(),
            charts.len(),
            "{path}: a table for every chart"
        );
        for tag in &charts {
            assert!(tag.contains(" hidden "), "{path}: an undrawn chart is hidden");
        }
        check::accessible_without_javascript(c, &portal.url("/404"), &html, &format!("{path} without JavaScript"))
            .await;

        c.goto(&portal.url(path)).await.expect("open");
        wait_for_charts(c, path).await;
        check::accessible(c, &format!("{path} with JavaScript")).await;
    }
    browser.close().await;
}

/// With the keyboard alone every chart's figures can be had: Tab reaches
/// each chart's CSV download, in the order of the page, on the pages with
/// the newest charts (the program's own measures, discharges and returns)
/// in both languages, and Enter on a period link shows that period.
#[tokio::test(flavor = "multi_thread")]
async fn every_chart_can_be_reached_with_the_keyboard_alone() {
    use fantoccini::key::Key;
    use lead_e2e::browser::action;
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    let browser = Browser::start(true).await;
    let c = &browser.client;
    for path in ["/en/data/outcomes/", "/es/data/engagement/"] {
        c.goto(&portal.url(path)).await.expect("open");
        wait_for_charts(c, path).await;
        let downloads: Vec<String> = charts_on_page(c)
            .await
            .iter()
            .map(|chart| chart["csv"].as_str().expect("a CSV link").to_owned())
            .collect();
        assert!(!downloads.is_empty(), "{path}");
        let mut reached: Vec<String> = Vec::new();
        for _ in 0..600 {
            action::keys(c, &Key::Tab.to_string()).await;
            let href = c
                .execute("return document.activeElement.getAttribute('href')", vec![])
                .await
                .expect("the focused element");
            if let Some(href) = href.as_str().filter(|h| downloads.iter().any(|d| d == h)) {
                if !reached.iter().any(|r| r == href) {
                    reached.push(href.to_owned());
                }
            }
            if reached.len() == downloads.len() {
                break;
            }
        }
        assert_eq!(
            reached, downloads,
            "{path}: Tab reaches every chart's figures, in order"
        );
    }
    c.goto(&portal.url("/en/data/outcomes/")).await.expect("open");
    action::tab_to(
        c,
        "the 2024 period link",
        "el.tagName === 'A' && el.textContent.trim() === '2024'",
    )
    .await;
    action::keys(c, &Key::Enter.to_string()).await;
    check::sees(c, "Outcomes: 2024").await;
    browser.close().await;
}
