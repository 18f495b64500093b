//! The few HTML responses the worker makes itself, for people whose browser
//! posted the form without JavaScript: the confirmation (from the site's
//! prerendered template) and the "please correct" page. Text comes from the
//! content crate; nothing a referrer typed is ever echoed.

use lead_content::referral::FieldError;
use lead_content::{intake, Lang};

use crate::error::ApiError;

/// Placeholder the site build leaves in `/{lang}/sent/index.html`.
pub const REFERENCE_PLACEHOLDER: &str = "{{REFERENCE}}";

/// Text made safe for HTML element content and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn page(lang: Lang, title: &str, body: &str) -> String {
    let copy = &intake().copy;
    format!(
        "<!DOCTYPE html><html lang=\"{code}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} | {site}</title><link rel=\"stylesheet\" href=\"/site.css\"></head><body><main id=\"main\" class=\"page\">\
         <h1>{title}</h1>{body}\
         <aside class=\"emergency\" aria-labelledby=\"emergency-heading\"><h2 id=\"emergency-heading\">{eh}</h2><p>{em}</p></aside>\
         </main></body></html>",
        code = lang.code(),
        title = escape(title),
        site = escape(copy.site_name.get(lang)),
        eh = escape(copy.emergency_heading.get(lang)),
        em = escape(copy.emergency.get(lang)),
    )
}

fn field_label(field: &str, lang: Lang) -> String {
    let content = intake();
    match content.question(field) {
        Some(q) => q.label.get(lang).to_string(),
        None if field == lead_content::referral::HONEYPOT_FIELD => content.copy.honeypot.get(lang).to_string(),
        None => field.to_string(),
    }
}

fn error_list(errors: &[FieldError], lang: Lang) -> String {
    errors
        .iter()
        .map(|e| {
            format!(
                "<li><strong>{}</strong>: {}</li>",
                escape(&field_label(&e.field, lang)),
                escape(&e.kind.message(lang))
            )
        })
        .collect()
}

/// The page shown when a form post is not accepted.
pub fn rejection(error: &ApiError, lang: Lang) -> String {
    let copy = &intake().copy;
    let back = format!("<p class=\"back\">{}</p>", escape(copy.go_back.get(lang)));
    match error {
        ApiError::Invalid { errors, lang } => page(
            *lang,
            copy.errors_heading.get(*lang),
            &format!("<ul class=\"error-summary\">{}</ul>{back}", error_list(errors, *lang)),
        ),
        ApiError::NotEligible { reasons, lang } => {
            let items: String = reasons.iter().map(|r| format!("<li>{}</li>", escape(r))).collect();
            page(
                *lang,
                copy.not_fit_heading.get(*lang),
                &format!(
                    "<p>{}</p><ul>{items}</ul><p>{}</p>",
                    escape(copy.not_fit_intro.get(*lang)),
                    escape(copy.other_help.get(*lang))
                ),
            )
        }
        ApiError::Closed { message, lang, .. } => page(
            *lang,
            copy.closed_heading.get(*lang),
            &format!(
                "<p>{}</p><p>{}</p>",
                escape(message),
                escape(copy.other_help.get(*lang))
            ),
        ),
        other => page(
            lang,
            copy.errors_heading.get(lang),
            &format!("<p>{}</p>{back}", escape(&other.to_string())),
        ),
    }
}
