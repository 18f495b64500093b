//! The dashboard pages. Each is complete without JavaScript: every chart's
//! figures are in a data table beside it, with the CSV of exactly those
//! published cells. With JavaScript the charts module draws the charts.

use leptos::prelude::*;

use lead_charts::Unit;

use super::data::{Figure, PublishedData};
use super::period::{Month, Period, PeriodView};
use super::spec::{ChartSpec, Grid, Page};
use super::{csv_path, page_path};

/// What a suppressed cell says in a table.
pub const SUPPRESSED: &str = "suppressed";
/// What a cell with no published figure says.
pub const NO_DATA: &str = "no data";

/// Skip link and the site's header with the way back to the referral form.
#[component]
pub fn DashboardHeader() -> impl IntoView {
    // The figures cover every door (arrest diversion, social contact and
    // community referrals), so the header does not call them the
    // community-referral site's.
    view! {
        <a class="skip-link" href="#main">"Skip to the figures"</a>
        <header class="site-header">
            <div class="wrap wrap-wide header-row">
                <a class="site-name" href="/en/data/">"LEAD in figures"</a>
                <nav aria-label="Site">
                    <a href="/en/">"Refer someone to LEAD"</a>
                </nav>
            </div>
        </header>
    }
}

/// Links to every dashboard for the same period.
#[component]
fn DashboardNav(pages: Vec<(&'static str, &'static str)>, current: &'static str, period: Period) -> impl IntoView {
    let items = pages
        .into_iter()
        .map(|(slug, title)| {
            let here = (slug == current).then_some("page");
            view! { <li><a href=page_path(slug, period) aria-current=here>{title}</a></li> }
        })
        .collect_view();
    view! {
        <nav class="dashboard-nav" aria-label="Dashboards">
            <ul>{items}</ul>
        </nav>
    }
}

/// The period selector: all time, each year and each quarter.
#[component]
fn PeriodNav(slug: &'static str, period: Period, periods: Vec<Period>, covered: (Month, Month)) -> impl IntoView {
    let link = move |p: Period, text: String| {
        let here = (p == period).then_some("page");
        view! { <a href=page_path(slug, p) aria-current=here>{text}</a> }
    };
    let years = periods
        .iter()
        .filter_map(|p| match p {
            Period::Year(y) => Some(*y),
            _ => None,
        })
        .map(|year| {
            let quarters = periods
                .iter()
                .filter(|p| matches!(p, Period::Quarter(y, _) if *y == year))
                .map(|&q| {
                    let Period::Quarter(_, n) = q else { unreachable!() };
                    // "Q1" on screen, "Q1 2024" read out: three "Q1"
                    // links on a page are told apart by their year.
                    let here = (q == period).then_some("page");
                    view! {
                        <li>
                            <a href=page_path(slug, q) aria-current=here>
                                {format!("Q{n}")}<span class="visually-hidden">{format!(" {year}")}</span>
                            </a>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <li>
                    {link(Period::Year(year), format!("{year}"))}
                    <ul class="quarters" aria-label=format!("Quarters of {year}")>{quarters}</ul>
                </li>
            }
        })
        .collect_view();
    view! {
        <nav class="period-nav" aria-labelledby="period-nav-title">
            <h2 id="period-nav-title" class="period-nav-title">"Period"</h2>
            <ul>
                <li>{link(Period::All, Period::All.label(covered))}</li>
                {years}
            </ul>
        </nav>
    }
}

fn cell_text(unit: Unit, figure: Option<Figure>) -> String {
    match figure {
        Some(Figure::Value(v)) => unit.format(v),
        Some(Figure::Suppressed) => SUPPRESSED.to_owned(),
        None => NO_DATA.to_owned(),
    }
}

/// One chart: heading, caption, the chart (drawn by the charts module), its
/// data table, the note on suppressed cells and the CSV download.
#[component]
fn ChartBlock(spec: ChartSpec, grid: Grid, period_label: String, csv_href: String, k: u64) -> impl IntoView {
    let view_json = serde_json::to_string(&spec.view(&grid)).unwrap_or_default();
    let title_id = format!("{}-title", spec.id);
    let unit = spec.unit;
    let suppressed = grid.suppressed();
    let head = grid
        .series
        .iter()
        .map(|s| view! { <th scope="col">{s.clone()}</th> })
        .collect_view();
    let body = grid
        .categories
        .iter()
        .zip(&grid.cells)
        .map(|(category, row)| {
            let cells = row
                .iter()
                .map(|(_, figure)| {
                    let class = match figure {
                        Some(Figure::Value(_)) => "num",
                        _ => "num missing",
                    };
                    view! { <td class=class>{cell_text(unit, *figure)}</td> }
                })
                .collect_view();
            view! { <tr><th scope="row">{category.clone()}</th>{cells}</tr> }
        })
        .collect_view();
    let note = if suppressed == 0 {
        format!(
            "No figure in this table is suppressed. Counts from 1 to {} would be.",
            k - 1
        )
    } else {
        format!(
            "{suppressed} {} in this table {} suppressed: each is a count of fewer than {k}, a figure hidden so that a count of fewer than {k} cannot be worked out from the others, or a rate resting on one. In the chart, a hollow diamond at the foot of a column marks a hidden figure; a true zero has no mark.",
            if suppressed == 1 { "figure" } else { "figures" },
            if suppressed == 1 { "is" } else { "are" },
        )
    };
    let chart_label = format!(
        "Chart: {}, {period_label}. The figures are in the table that follows.",
        spec.title()
    );
    let table_label = format!("Table: {}", spec.title());
    let unit_note = match unit {
        Unit::Share => Some("Percentages."),
        Unit::Days => Some("Days."),
        Unit::Ratio => Some("Ratios to the population share."),
        Unit::Count | Unit::Average => None,
    };
    view! {
        <section class="chart-block" aria-labelledby=title_id.clone() id=spec.id.as_str()>
            <h2 id=title_id.clone()>{spec.title()}</h2>
            <p class="caption">{spec.caption}</p>
            <div class="chart" id=format!("chart-{}", spec.id) data-chart=view_json role="img" aria-label=chart_label hidden></div>
            <div class="table-scroll" role="region" aria-label=table_label tabindex="0">
                <table class="data-table">
                    <caption>{format!("{}, {period_label}.", spec.title())}{unit_note.map(|n| format!(" {n}"))}</caption>
                    <thead><tr><th scope="col">{spec.axis}</th>{head}</tr></thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
            <p class="note">{note}</p>
            <p class="download"><a href=csv_href download>{format!("Download these figures (CSV): {}", spec.title())}</a></p>
            // Community commentary (and, for a signed-in CLT member, the
            // comment form) is put here by the worker.
            // `data-about` names the chart and period for the form.
            <div class="commentary" data-commentary=spec.id.as_str() data-about=format!("{}, {period_label}", spec.title())></div>
        </section>
    }
}

/// On every page built from synthetic figures: a demo must never be taken
/// for a program's real record.
#[component]
pub fn DemoBanner(data: &'static PublishedData) -> impl IntoView {
    data.source.is_synthetic().then(|| {
        view! {
            <p class="demo-banner" role="note">
                <strong>"Demo data: not real figures."</strong>
                " These dashboards show synthetic records made up by the portal's generator to show how the pages work. No real person is counted in them."
            </p>
        }
    })
}

/// Where the figures come from and the suppression rule.
#[component]
pub fn AboutData(data: &'static PublishedData) -> impl IntoView {
    view! {
        <section class="about-data" aria-labelledby="about-data-title">
            <h2 id="about-data-title">"About these figures"</h2>
            <p>{format!("Figures cover {} to {}. Generated {}.", data.covered.from, data.covered.to, data.generated_at)}</p>
            <p>{data.source.description().to_owned()}</p>
            <p>{data.suppression.rule.clone()}</p>
            <p><a href="/data/cells.csv" download>"Download every published figure (cells.csv)"</a></p>
        </section>
    }
}

/// A dashboard page for one period.
#[component]
pub fn DashboardPage(
    page: &'static Page,
    period: Period,
    data: &'static PublishedData,
    periods: Vec<Period>,
    nav: Vec<(&'static str, &'static str)>,
    covered: (Month, Month),
) -> impl IntoView {
    let period_label = period.label(covered);
    let k = data.suppression.k;
    let charts = page
        .charts
        .iter()
        .map(|spec| {
            let grid = spec.grid(data, period, covered);
            view! {
                <ChartBlock
                    spec=spec.clone()
                    grid
                    period_label=period_label.clone()
                    csv_href=csv_path(page.slug(), period, spec.id.as_str())
                    k
                />
            }
        })
        .collect_view();
    view! {
        <DashboardHeader/>
        <main id="main" class="wrap wrap-wide dashboard">
            <h1>{page.title()}<span class="period-shown">{format!(": {period_label}")}</span></h1>
            <DemoBanner data/>
            <p class="intro">{page.intro}</p>
            <DashboardNav pages=nav current=page.slug() period/>
            <PeriodNav slug=page.slug() period periods covered/>
            {charts}
            // Comments on the page as a whole, filled by the worker.
            <div class="commentary page-commentary" data-commentary=lead_data::paths::WHOLE_PAGE data-about=format!("{}, {period_label}", page.title())></div>
            <AboutData data/>
        </main>
    }
}

/// `/en/data/`: what each dashboard shows.
#[component]
pub fn DashboardIndex(pages: &'static [Page], data: &'static PublishedData) -> impl IntoView {
    let items = pages
        .iter()
        .map(|page| {
            view! {
                <li>
                    <a href=page_path(page.slug(), Period::All)>{page.title()}</a>
                    " "
                    <span>{page.intro}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <DashboardHeader/>
        <main id="main" class="wrap wrap-wide dashboard">
            <h1>"LEAD in figures"</h1>
            <DemoBanner data/>
            // The public delivery record, written by the worker.
            <p class="delivery-record" data-delivery-record=""></p>
            <p class="intro">"What the program does and for whom, published for the community it serves. Every figure is a count or rate over groups of people; no one can be picked out of them."</p>
            <ul class="dashboard-list">{items}</ul>
            // Comments on the program as a whole, filled by the worker.
            <div class="commentary program-commentary" data-commentary=lead_data::paths::PROGRAM data-about=""></div>
            <AboutData data/>
        </main>
    }
}
