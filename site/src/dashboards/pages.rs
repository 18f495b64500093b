//! The dashboard pages. Each is complete without JavaScript: every chart's
//! figures are in a data table beside it, with the CSV of exactly those
//! published cells. With JavaScript the charts module draws the charts.

use leptos::prelude::*;

use lead_charts::Unit;

use lead_data::paths::dashboards;
use lead_data::published::Source;

use super::data::{Figure, PublishedData};
use super::period::{Lang, Month, Period, PeriodView};
use super::spec::{ChartSpec, Grid, Page};
use super::{csv_path, page_path, text};

/// Skip link and the site's header: the way back to the referral form and
/// the same page in the other language (`other`).
#[component]
pub fn DashboardHeader(lang: Lang, other: String) -> impl IntoView {
    // The figures cover every door (arrest diversion, social contact and
    // community referrals), so the header does not call them the
    // community-referral site's.
    let t = text();
    let other_lang = lang.other().code();
    view! {
        <a class="skip-link" href="#main">{t.skip_link.get(lang)}</a>
        <header class="site-header">
            <div class="wrap wrap-wide header-row">
                <a class="site-name" href=dashboards(lang)>{t.site_name.get(lang)}</a>
                <nav aria-label=t.site_nav.get(lang)>
                    <a href=format!("/{}/", lang.code())>{t.refer_link.get(lang)}</a>
                    " "
                    <a href=other hreflang=other_lang lang=other_lang>{t.other_language.get(lang)}</a>
                </nav>
            </div>
        </header>
    }
}

/// Links to every dashboard for the same period.
#[component]
fn DashboardNav(
    pages: Vec<(&'static str, &'static str)>,
    current: &'static str,
    period: Period,
    lang: Lang,
) -> impl IntoView {
    let items = pages
        .into_iter()
        .map(|(slug, title)| {
            let here = (slug == current).then_some("page");
            view! { <li><a href=page_path(lang, slug, period) aria-current=here>{title}</a></li> }
        })
        .collect_view();
    view! {
        <nav class="dashboard-nav" aria-label=text().dashboards_nav.get(lang)>
            <ul>{items}</ul>
        </nav>
    }
}

/// The period selector: all time, each year and each quarter.
#[component]
fn PeriodNav(
    slug: &'static str,
    period: Period,
    periods: Vec<Period>,
    covered: (Month, Month),
    lang: Lang,
) -> impl IntoView {
    let t = text();
    let link = move |p: Period, text: String| {
        let here = (p == period).then_some("page");
        view! { <a href=page_path(lang, slug, p) aria-current=here>{text}</a> }
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
                            <a href=page_path(lang, slug, q) aria-current=here>
                                {t.quarter_short.fill(lang, &[("quarter", &n.to_string())])}
                                <span class="visually-hidden">{format!(" {year}")}</span>
                            </a>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <li>
                    {link(Period::Year(year), format!("{year}"))}
                    <ul class="quarters" aria-label=t.quarters_of.fill(lang, &[("year", &year.to_string())])>{quarters}</ul>
                </li>
            }
        })
        .collect_view();
    view! {
        <nav class="period-nav" aria-labelledby="period-nav-title">
            <h2 id="period-nav-title" class="period-nav-title">{t.period_title.get(lang)}</h2>
            <ul>
                <li>{link(Period::All, Period::All.label(covered, lang))}</li>
                {years}
            </ul>
        </nav>
    }
}

/// What a table cell says: the figure, "suppressed" or "no data".
fn cell_text(unit: Unit, figure: Option<Figure>, lang: Lang) -> String {
    match figure {
        Some(Figure::Value(v)) => unit.format(v),
        Some(Figure::Suppressed) => text().suppressed.get(lang).to_owned(),
        None => text().no_data.get(lang).to_owned(),
    }
}

/// One chart: heading, caption, the chart (drawn by the charts module), its
/// data table, the note on suppressed cells and the CSV download.
#[component]
fn ChartBlock(
    spec: ChartSpec,
    grid: Grid,
    data: &'static PublishedData,
    period_label: String,
    csv_href: String,
    k: u64,
) -> impl IntoView {
    let view_json = serde_json::to_string(&spec.view(&grid)).unwrap_or_default();
    let title_id = format!("{}-title", spec.id);
    let (unit, lang, t) = (spec.unit, spec.lang, text());
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
                .map(|(key, figure)| {
                    let class = match figure {
                        Some(Figure::Value(_)) => "num",
                        _ => "num missing",
                    };
                    // Each figure as its own measure is written (the highest
                    // caseload is a count beside an average).
                    view! { <td class=class>{cell_text(key.measure.unit(), *figure, lang)}</td> }
                })
                .collect_view();
            view! { <tr><th scope="row">{category.clone()}</th>{cells}</tr> }
        })
        .collect_view();
    let (k_text, n_text) = (k.to_string(), suppressed.to_string());
    let note = match suppressed {
        0 => t.note_none.fill(lang, &[("max", &(k - 1).to_string())]),
        1 => t.note_one.fill(lang, &[("k", &k_text)]),
        _ => t.note_many.fill(lang, &[("n", &n_text), ("k", &k_text)]),
    };
    let finding = if spec.reported(data) {
        spec.finding_text(&grid, data, &period_label)
    } else {
        Some(t.not_reported_chart.get(lang).to_owned())
    }
    .map(|f| view! { <p class="finding">{f}</p> });
    let title = spec.title();
    let chart_label = t.chart_label.fill(lang, &[("title", title), ("period", &period_label)]);
    let table_label = t.table_label.fill(lang, &[("title", title)]);
    let unit_note = match unit {
        Unit::Share => Some(t.unit_share.get(lang)),
        Unit::Days => Some(t.unit_days.get(lang)),
        Unit::Ratio => Some(t.unit_ratio.get(lang)),
        Unit::Count | Unit::Average => None,
    };
    view! {
        <section class="chart-block" aria-labelledby=title_id.clone() id=spec.id.as_str()>
            <h2 id=title_id.clone()>{spec.title()}</h2>
            <p class="caption">{spec.caption.clone()}</p>
            {finding}
            <div class="chart" id=format!("chart-{}", spec.id) data-chart=view_json role="img" aria-label=chart_label hidden></div>
            <div class="table-scroll" role="region" aria-label=table_label tabindex="0">
                <table class="data-table">
                    <caption>{format!("{}, {period_label}.", spec.title())}{unit_note.map(|n| format!(" {n}"))}</caption>
                    <thead><tr><th scope="col">{spec.axis.clone()}</th>{head}</tr></thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
            <p class="note">{note}</p>
            <p class="download"><a href=csv_href download>{t.download_chart.fill(lang, &[("title", title)])}</a></p>
            // Community commentary (and, for a signed-in CLT member, the
            // comment form) is put here by the worker.
            // `data-about` names the chart and period for the form.
            <div class="commentary" data-commentary=spec.id.as_str() data-about=format!("{title}, {period_label}")></div>
        </section>
    }
}

/// On every page built from synthetic figures: a demo must never be taken
/// for a program's real record.
#[component]
pub fn DemoBanner(data: &'static PublishedData, lang: Lang) -> impl IntoView {
    let t = text();
    data.source.is_synthetic().then(|| {
        view! {
            <p class="demo-banner" role="note">
                <strong>{t.demo_title.get(lang)}</strong>
                " "
                {t.demo_text.get(lang)}
            </p>
        }
    })
}

/// "Nov 30, 2026" or "30 nov 2026": the date part of a timestamp.
fn date_label(timestamp: &str, lang: Lang) -> String {
    let date = timestamp.get(..10).and_then(|d| d.parse::<lead_data::Date>().ok());
    match date {
        Some(d) => {
            let month = d.month().name(lang);
            match lang {
                Lang::En => format!("{month} {}, {}", d.day(), d.year()),
                Lang::Es => format!("{} {month} {}", d.day(), d.year()),
            }
        }
        None => timestamp.to_owned(),
    }
}

/// Where the figures come from, what they cover, the suppression rule and
/// the known limits of what they can show.
#[component]
pub fn AboutData(data: &'static PublishedData, lang: Lang) -> impl IntoView {
    let t = text();
    let covered = t.about_covered.fill(
        lang,
        &[
            ("from", &data.covered.from.label(lang)),
            ("to", &data.covered.to.label(lang)),
            ("date", &date_label(&data.generated_at, lang)),
        ],
    );
    let source = match &data.source {
        Source::Synthetic { .. } => t.about_source_synthetic.get(lang).to_owned(),
        Source::Export { description, .. } => t.about_source_export.fill(lang, &[("description", description)]),
    };
    let rule = t
        .about_rule
        .fill(lang, &[("max", &(data.suppression.k - 1).to_string())]);
    // What the program's data does not include, named.
    let missing: Vec<String> = super::spec::pages(lang)
        .iter()
        .flat_map(|page| page.charts.iter())
        .filter(|spec| !spec.reported(data))
        .map(|spec| format!("\u{201c}{}\u{201d}", spec.title()))
        .collect();
    let not_reported = (!missing.is_empty())
        .then(|| view! { <p>{t.about_not_reported.fill(lang, &[("charts", &missing.join(", "))])}</p> });
    view! {
        <section class="about-data" aria-labelledby="about-data-title">
            <h2 id="about-data-title">{t.about_title.get(lang)}</h2>
            <p>{covered}</p>
            <p>{t.about_doors.get(lang)}</p>
            <p>{source}</p>
            <p>{rule}</p>
            <p>{t.about_limits.get(lang)}</p>
            {not_reported}
            <p><a href="/data/cells.csv" download>{t.download_all.get(lang)}</a></p>
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
    let lang = page.lang;
    let period_label = period.label(covered, lang);
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
                    data
                    period_label=period_label.clone()
                    csv_href=csv_path(page.slug(), period, spec.id.as_str())
                    k
                />
            }
        })
        .collect_view();
    view! {
        <DashboardHeader lang other=page_path(lang.other(), page.slug(), period)/>
        <main id="main" class="wrap wrap-wide dashboard">
            <h1>{page.title()}<span class="period-shown">{format!(": {period_label}")}</span></h1>
            <DemoBanner data lang/>
            <p class="intro">{page.intro.clone()}</p>
            <DashboardNav pages=nav current=page.slug() period lang/>
            <PeriodNav slug=page.slug() period periods covered lang/>
            {charts}
            // Comments on the page as a whole, filled by the worker.
            <div class="commentary page-commentary" data-commentary=lead_data::paths::WHOLE_PAGE data-about=format!("{}, {period_label}", page.title())></div>
            <AboutData data lang/>
        </main>
    }
}

/// `/{lang}/data/`: what each dashboard shows.
#[component]
pub fn DashboardIndex(pages: &'static [Page], data: &'static PublishedData, lang: Lang) -> impl IntoView {
    let t = text();
    let items = pages
        .iter()
        .map(|page| {
            view! {
                <li>
                    <a href=page_path(lang, page.slug(), Period::All)>{page.title()}</a>
                    " "
                    <span>{page.intro.clone()}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <DashboardHeader lang other=dashboards(lang.other())/>
        <main id="main" class="wrap wrap-wide dashboard">
            <h1>{t.site_name.get(lang)}</h1>
            <DemoBanner data lang/>
            // The public delivery record, written by the worker.
            <p class="delivery-record" data-delivery-record=""></p>
            <p class="intro">{t.index_intro.get(lang)}</p>
            <ul class="dashboard-list">{items}</ul>
            // Comments on the program as a whole, filled by the worker.
            <div class="commentary program-commentary" data-commentary=lead_data::paths::PROGRAM data-about=""></div>
            <AboutData data lang/>
        </main>
    }
}
