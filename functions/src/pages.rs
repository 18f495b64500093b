//! The pages the worker makes itself, in the portal's one page shell
//! (`lead_content::page::Document`): the answer to a form posted without
//! JavaScript that cannot be taken (not a fit, intake closed, try again),
//! the Community Leadership Team's pages, and the page for any other error
//! a person's browser meets. Text comes from the content crate; nothing a
//! referrer typed is echoed here (a form with mistakes comes back as the
//! form itself, filled in by `lead_content::form::refill`), and everything
//! a member wrote goes through [`escape`].

pub use lead_content::page::escape;
use lead_content::page::Document;
use lead_content::referral::FieldError;
use lead_content::{intake, Lang};

use crate::error::ApiError;

/// Placeholder the site build leaves in `/{lang}/sent/index.html`.
pub const REFERENCE_PLACEHOLDER: &str = "{{REFERENCE}}";

/// Which part of the portal a page belongs to: its header, language and
/// stylesheets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// Referring someone, in the referrer's language.
    Intake(Lang),
    /// The Community Leadership Team's members-only pages, in the
    /// member's language.
    Clt(Lang),
    /// The staff console (English).
    Staff,
}

/// A page of `area` titled `title` around `body` (trusted markup).
pub fn page(area: Area, title: &str, body: &str) -> String {
    shell(area, title, body, None)
}

/// [`page`], for a CLT page at `/{lang}/clt/{here}`: its language switch
/// leads to the same page in the other language (without `here`, to the
/// other language's CLT home).
pub fn shell(area: Area, title: &str, body: &str, here: Option<&str>) -> String {
    let copy = &intake().copy;
    let (lang, site, top, main_class, tail, css): (Lang, &str, String, &str, String, &[&str]) = match area {
        // As the site's header: skip link, name, the other language; a
        // real link back to the form's start; the emergency numbers.
        Area::Intake(lang) => (
            lang,
            copy.site_name.get(lang),
            format!(
                "<a class=\"skip-link\" href=\"#main\">{skip}</a>\
                 <header class=\"site-header\"><div class=\"wrap header-row\">\
                 <a class=\"site-name\" href=\"/{code}/\">{site}</a>\
                 <nav aria-label=\"{language}\"><a class=\"lang-switch\" href=\"/{other}/\" hreflang=\"{other}\" lang=\"{other}\">{switch}</a></nav>\
                 </div></header>",
                skip = escape(copy.skip_link.get(lang)),
                code = lang.code(),
                site = escape(copy.site_name.get(lang)),
                language = escape(copy.language.get(lang)),
                other = lang.other().code(),
                switch = escape(copy.other_language.get(lang)),
            ),
            "page",
            format!(
                "<p><a class=\"button-link\" href=\"/{}/\">{}</a></p>\
                 <aside class=\"emergency\" aria-labelledby=\"emergency-heading\"><h2 id=\"emergency-heading\">{}</h2><p>{}</p></aside>",
                lang.code(),
                escape(copy.back_to_form.get(lang)),
                escape(copy.emergency_heading.get(lang)),
                escape(copy.emergency.get(lang))
            ),
            &[],
        ),
        Area::Clt(lang) => {
            let t = lead_content::clt();
            let other = lang.other();
            (
                lang,
                t.team_name.get(lang),
                format!(
                    "<a class=\"skip-link\" href=\"#main\">{skip}</a>\
                     <header class=\"site-header\"><div class=\"wrap wrap-wide header-row\">\
                     <a class=\"site-name\" href=\"/{code}/clt/\">{team}</a>\
                     <nav aria-label=\"{team}\"><a href=\"/{code}/data/\">{figures}</a> \
                     <a href=\"/{other_code}/clt/{here}\" lang=\"{other_code}\" hreflang=\"{other_code}\">{switch}</a></nav></div></header>",
                    skip = escape(t.skip_link.get(lang)),
                    code = lang.code(),
                    team = escape(t.team_name.get(lang)),
                    figures = escape(t.figures_link.get(lang)),
                    other_code = other.code(),
                    here = here.unwrap_or_default(),
                    switch = escape(t.other_language.get(lang)),
                ),
                "wrap wrap-wide",
                String::new(),
                &["/dashboards.css"],
            )
        }
        Area::Staff => (
            Lang::En,
            "Staff console",
            "<a class=\"skip-link\" href=\"#main\">Skip to the content</a>\
             <header class=\"site-header\"><div class=\"wrap wrap-wide header-row\">\
             <a class=\"site-name\" href=\"/staff/\">Staff console</a>\
             <nav aria-label=\"Site\"><a href=\"/staff/people\">People</a> <a href=\"/en/clt/moderate\">Moderation</a> <a href=\"/en/\">Intake</a> \
             <a href=\"/en/data/\">LEAD in figures</a></nav></div></header>"
                .to_owned(),
            "wrap wrap-wide staff",
            String::new(),
            &["/dashboards.css"],
        ),
    };
    let body = format!(
        "{top}<main id=\"main\" class=\"{main_class}\"><h1>{}</h1>{body}{tail}</main>",
        escape(title)
    );
    let description = match area {
        Area::Intake(lang) => copy.meta_not_sent.get(lang),
        Area::Clt(lang) => lead_content::clt().meta.get(lang),
        Area::Staff => "The LEAD program's staff console: intake, delivery of referrals to case managers, people and the audit log.",
    };
    Document {
        lang,
        title: &format!("{title} | {site}"),
        description,
        stylesheets: css,
        // The console's copy buttons; everything works without it.
        head: if area == Area::Staff {
            "<script type=\"module\" src=\"/staff.js\"></script>"
        } else {
            ""
        },
        body: &body,
    }
    .render()
}

/// Where Back leads after a referral was sent without JavaScript: no
/// form, so the answers sent cannot be put back into one on this device.
pub fn already_sent_page(lang: Lang) -> String {
    let copy = &intake().copy;
    page(
        Area::Intake(lang),
        copy.already_sent_heading.get(lang),
        &format!("<p>{}</p>", escape(copy.already_sent.get(lang))),
    )
}

fn error_list(errors: &[FieldError], lang: Lang) -> String {
    errors
        .iter()
        .map(|e| {
            format!(
                "<li><strong>{}</strong>: {}</li>",
                escape(intake().field_label(&e.field, lang)),
                escape(&e.kind.message(lang))
            )
        })
        .collect()
}

/// The page that tells a person why what they sent or asked for was not
/// taken, and what to do next.
pub fn error_page(error: &ApiError, area: Area) -> String {
    let copy = &intake().copy;
    match (error, area) {
        (ApiError::Invalid { errors, lang }, _) => {
            let back = format!("<p class=\"back\">{}</p>", escape(copy.go_back.get(*lang)));
            page(
                Area::Intake(*lang),
                copy.errors_heading.get(*lang),
                &format!("<ul class=\"error-summary\">{}</ul>{back}", error_list(errors, *lang)),
            )
        }
        (ApiError::NotEligible { reasons, lang }, _) => {
            let items: String = reasons.iter().map(|r| format!("<li>{}</li>", escape(r))).collect();
            page(
                Area::Intake(*lang),
                copy.not_fit_heading.get(*lang),
                &format!(
                    "<p>{}</p><ul>{items}</ul><p>{}</p>",
                    escape(copy.not_fit_intro.get(*lang)),
                    escape(copy.other_help.get(*lang))
                ),
            )
        }
        (ApiError::Closed { message, lang, .. }, _) => page(
            Area::Intake(*lang),
            copy.closed_heading.get(*lang),
            &format!(
                "<p>{}</p><p>{}</p><p>{}</p>",
                escape(message),
                escape(&intake().contact_line(*lang)),
                escape(copy.other_help.get(*lang))
            ),
        ),
        // The form's other answers, in the page's language.
        (other, Area::Intake(lang)) => {
            let message = match other {
                ApiError::RateLimited { retry_after, .. } => copy
                    .error_rate_limited
                    .get(lang)
                    .replace("{minutes}", &retry_after.div_ceil(60).max(1).to_string()),
                ApiError::Unavailable | ApiError::Misconfigured(_) => copy.error_unavailable.get(lang).to_owned(),
                ApiError::TooLarge { limit } => copy
                    .error_too_large
                    .get(lang)
                    .replace("{kilobytes}", &(limit / 1024).to_string()),
                _ => copy.error_request.get(lang).to_owned(),
            };
            page(
                area,
                copy.try_again_heading.get(lang),
                &format!(
                    "<p>{}</p><p class=\"back\">{}</p>",
                    escape(&message),
                    escape(copy.go_back.get(lang))
                ),
            )
        }
        // In the member's language; without a session, or with a link that
        // no longer works, how to sign in anyway (another device, or the
        // program manager).
        (error, Area::Clt(lang)) => {
            let (title, message) = crate::clt::html::error_text(error, lang);
            let how = match error {
                ApiError::NotSignedIn | ApiError::Invitation(_) => crate::clt::html::how_to_sign_in(lang),
                _ => String::new(),
            };
            page(area, &title, &format!("<p>{message}</p>{how}"))
        }
        (ApiError::NotSignedIn | ApiError::Invitation(_), Area::Staff) => page(
            area,
            error.title(),
            &format!(
                "<p>{}</p>{}",
                escape(&error.to_string()),
                crate::clt::html::how_to_sign_in(Lang::En)
            ),
        ),
        (other, Area::Staff) => page(area, other.title(), &format!("<p>{}</p>", escape(&other.to_string()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_the_worker_makes_says_what_it_is_for_in_its_language() {
        for (area, lang) in [
            (Area::Intake(Lang::En), Lang::En),
            (Area::Intake(Lang::Es), Lang::Es),
            (Area::Clt(Lang::En), Lang::En),
            (Area::Clt(Lang::Es), Lang::Es),
            (Area::Staff, Lang::En),
        ] {
            let html = page(area, "A title", "<p>Body</p>");
            assert!(html.contains(&format!("<html lang=\"{}\"", lang.code())), "{area:?}");
            let description = html
                .split_once("<meta name=\"description\" content=\"")
                .and_then(|(_, rest)| rest.split_once('"'))
                .map(|(d, _)| d)
                .unwrap_or_default();
            assert!(description.len() >= 40, "{area:?}: {description:?}");
        }
        // A form post refused before its answers were read, in Spanish.
        let refused = error_page(
            &ApiError::RateLimited {
                retry_after: 90,
                limit: crate::error::Limited::Referrals,
            },
            Area::Intake(Lang::Es),
        );
        assert!(refused.contains("Vuelva a intentarlo en 2 minutos"), "{refused}");
        // Issue 16 (4): the site's header, a way back and the other language.
        for lang in Lang::ALL {
            let copy = &intake().copy;
            for html in [already_sent_page(lang), page(Area::Intake(lang), "A title", "")] {
                assert!(html.contains("class=\"skip-link\""), "{html}");
                assert!(
                    html.contains(&format!("href=\"/{}/\" hreflang", lang.other().code())),
                    "{html}"
                );
                assert!(html.contains(&escape(copy.back_to_form.get(lang))), "{html}");
            }
        }
        assert!(refused.contains(intake().copy.meta_not_sent.es.as_str()));
    }
}
