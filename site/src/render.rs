//! Build time: every page as a complete HTML document, with the path it is
//! served from. The `prerender` binary writes these to `dist/`; the tests
//! read them.

use crate::content::intake;
use lead_content::intake_state::Notice;
use lead_content::page::{headers_file, Document};
use lead_content::Lang;
use leptos::prelude::*;

use crate::app::App;
use crate::pages::language_page::LanguagePage;
use crate::pages::not_found_page::NotFoundPage;
use crate::pages::poster_page::PosterPage;
use crate::pages::sent_page::SentPage;
use crate::text::intake_path;
use crate::wizard::FormPart;

/// Where the page of one notice and one part of the form is written.
fn part_page(notice: Notice, lang: Lang, part: FormPart) -> String {
    match part {
        FormPart::First => notice.page(lang),
        FormPart::Whole => notice.details_page(lang),
    }
}

/// The stylesheet, written to `/site.css`.
pub const SITE_CSS: &str = include_str!("../style/site.css");
/// Defines what Leptos's hydration expects before the module runs. A file,
/// not an inline script, so the CSP needs no `unsafe-inline`.
pub const BOOT_JS: &str = include_str!("../static/boot.js");
/// The staff console's copy buttons, written to `/staff.js` (the worker
/// makes the console's pages).
pub const STAFF_JS: &str = include_str!("../static/staff.js");
/// Loads the wasm and hydrates the intake page.
pub const HYDRATE_JS: &str = include_str!("../static/hydrate.js");
/// The language picker's forward to the remembered language.
pub const LANG_JS: &str = include_str!("../static/lang.js");

/// Where the intake page is published when `SITE_URL` is not set.
pub const DEFAULT_SITE_URL: &str = "http://127.0.0.1:8787";

/// Whether an address reaches only the computer it is opened on.
pub fn is_loopback(site_url: &str) -> bool {
    let rest = site_url.split_once("://").map_or(site_url, |(_, rest)| rest);
    let host = rest.split('/').next().unwrap_or_default();
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host.rsplit_once(':').map_or(host, |(h, _)| h),
    };
    let host = host.to_ascii_lowercase();
    host == "localhost"
        || host.ends_with(".localhost")
        || host.starts_with("127.")
        || host == "::1"
        || host == "0.0.0.0"
        || host.is_empty()
}

/// A production build's `SITE_URL` is what the poster prints and its QR
/// code holds: an `https://` address that reaches the portal from anywhere.
pub fn check_site_url(site_url: &str) -> Result<(), String> {
    if !site_url.starts_with("https://") {
        return Err(format!(
            "SITE_URL {site_url:?} must start with https:// (the poster prints it)"
        ));
    }
    if is_loopback(site_url) {
        return Err(format!(
            "SITE_URL {site_url:?} only reaches this computer: the poster would send people nowhere"
        ));
    }
    Ok(())
}

/// Which scripts a page loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scripts {
    None,
    Hydrate,
    LanguageRedirect,
    /// ECharts and the charts module (dashboard pages).
    Charts,
}

/// The document around a rendered body: the portal's one page shell
/// ([`Document`]) with the scripts the page loads.
fn document(
    lang: Lang,
    (title, description): (&str, &str),
    scripts: Scripts,
    extra_css: Option<&str>,
    body: &str,
) -> String {
    let head = match scripts {
        Scripts::None => "",
        Scripts::Hydrate => lead_content::page::HYDRATE_HEAD,
        Scripts::LanguageRedirect => "<script src=\"/lang.js\"></script>",
        // Classic deferred scripts and module scripts run in document
        // order, so ECharts is defined before the charts module starts.
        Scripts::Charts => concat!(
            "<link rel=\"preload\" href=\"/pkg/lead_charts_bg.wasm\" as=\"fetch\" type=\"application/wasm\" crossorigin>",
            "<script src=\"/echarts.js\" defer></script>",
            "<script type=\"module\" src=\"/charts.js\"></script>",
        ),
    };
    Document {
        lang,
        title,
        description,
        stylesheets: extra_css.as_slice(),
        head,
        body,
    }
    .render()
}

fn render<V: IntoView + 'static>(view: impl FnOnce() -> V) -> String {
    Owner::new_root(None).with(|| view().into_view().to_html())
}

/// A component rendered to HTML (for the dashboards module).
pub(crate) fn render_view<V: IntoView + 'static>(view: impl FnOnce() -> V) -> String {
    render(view)
}

/// A dashboard page: English, with the dashboards' stylesheet, and the
/// charts when it has any.
pub(crate) fn dashboard_document(lang: Lang, title: &str, description: &str, body: &str) -> String {
    let scripts = if body.contains("data-chart=") {
        Scripts::Charts
    } else {
        Scripts::None
    };
    document(lang, (title, description), scripts, Some("/dashboards.css"), body)
}

/// The intake page in one language, as the policy file sets intake, as
/// hydrated by the wasm.
pub fn intake_page(lang: Lang) -> String {
    intake_page_with(lang, Notice::policy(intake().policy.intake.status), FormPart::First)
}

/// The intake page in one language showing `notice` and `part` of the
/// form (without JavaScript: the first step, or all of them).
pub fn intake_page_with(lang: Lang, notice: Notice, part: FormPart) -> String {
    let copy = &intake().copy;
    let title = format!("{} | {}", copy.page_title.get(lang), copy.site_name.get(lang));
    document(
        lang,
        (&title, copy.meta_intake.get(lang)),
        Scripts::Hydrate,
        None,
        &render(move || view! { <App lang notice part/> }),
    )
}

/// The no-JS confirmation page, with the `{{REFERENCE}}` placeholder.
pub fn sent_page(lang: Lang) -> String {
    let copy = &intake().copy;
    let title = format!("{} | {}", copy.sent_heading.get(lang), copy.site_name.get(lang));
    document(
        lang,
        (&title, copy.meta_sent.get(lang)),
        Scripts::None,
        None,
        &render(move || view! { <SentPage lang/> }),
    )
}

/// The printable poster, its QR code pointing at `{site_url}/{lang}/`.
pub fn poster_page(lang: Lang, site_url: &str) -> String {
    let copy = &intake().copy;
    let url = format!("{}{}", site_url.trim_end_matches('/'), intake_path(lang));
    let qr_svg = qr_svg(&url);
    let local = is_loopback(site_url);
    let title = format!("{} | {}", copy.poster_title.get(lang), copy.site_name.get(lang));
    document(
        lang,
        (&title, copy.meta_poster.get(lang)),
        Scripts::None,
        None,
        &render(move || view! { <PosterPage lang url qr_svg local/> }),
    )
}

pub fn language_page() -> String {
    let copy = &intake().copy;
    let title = copy.site_name.get(Lang::En).to_owned();
    // The page offers both languages, so it describes itself in both.
    let description = format!("{} {}", copy.meta_language.en, copy.meta_language.es);
    document(
        Lang::En,
        (&title, &description),
        Scripts::LanguageRedirect,
        None,
        &render(|| view! { <LanguagePage/> }),
    )
}

pub fn not_found_page() -> String {
    let copy = &intake().copy;
    let title = copy.site_name.get(Lang::En).to_owned();
    document(
        Lang::En,
        (&title, copy.meta_not_found.get(Lang::En)),
        Scripts::None,
        None,
        &render(|| view! { <NotFoundPage/> }),
    )
}

/// The QR code as an `<svg>` element sized by CSS (class `qr-code`).
pub fn qr_svg(url: &str) -> String {
    lead_content::page::qr_svg(url).expect("the site URL fits in a QR code")
}

/// Every file of the static site: path under `dist/` and contents.
pub fn site(site_url: &str) -> Vec<(String, String)> {
    let mut files = vec![
        ("index.html".to_owned(), language_page()),
        ("404.html".to_owned(), not_found_page()),
        ("site.css".to_owned(), SITE_CSS.to_owned()),
        ("boot.js".to_owned(), BOOT_JS.to_owned()),
        ("hydrate.js".to_owned(), HYDRATE_JS.to_owned()),
        ("staff.js".to_owned(), STAFF_JS.to_owned()),
        ("lang.js".to_owned(), LANG_JS.to_owned()),
        ("_headers".to_owned(), headers_file()),
    ];
    for lang in Lang::ALL {
        let code = lang.code();
        files.push((format!("{code}/index.html"), intake_page(lang)));
        // One per notice and part: the worker serves the one that holds now.
        for notice in Notice::VARIANTS {
            for part in FormPart::ALL {
                let path = part_page(notice, lang, part);
                files.push((
                    format!("{}index.html", &path[1..]),
                    intake_page_with(lang, notice, part),
                ));
            }
        }
        files.push((format!("{code}/sent/index.html"), sent_page(lang)));
        files.push((format!("{code}/poster/index.html"), poster_page(lang, site_url)));
    }
    files
}
