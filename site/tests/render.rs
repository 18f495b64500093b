//! What the prerendered pages must contain, read from the HTML the build
//! writes: every question and its label, the emergency notice and intake
//! status, a label for every control, and nothing the CSP would block.
#![cfg(feature = "ssr")]

use lead_content::intake_state::Notice;
use lead_content::schema::IntakeStatus;
use lead_content::{intake, Lang};
use lead_site::render;

/// Text as the renderer writes it inside elements.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn contains_text(html: &str, text: &str) -> bool {
    html.contains(&escaped(text)) || html.contains(&escaped(text).replace('"', "&quot;"))
}

/// The opening tags of one element name, e.g. every `<input ...>`.
fn tags<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let open = format!("<{name}");
    html.match_indices(&open)
        .filter(|(i, _)| html[i + open.len()..].starts_with(|c: char| c.is_whitespace() || c == '>' || c == '/'))
        .map(|(i, _)| {
            let end = html[i..].find('>').map_or(html.len(), |e| i + e + 1);
            &html[i..end]
        })
        .collect()
}

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let end = tag[start..].find('"')? + start;
    Some(&tag[start..end])
}

#[test]
fn intake_page_shows_every_question_in_both_languages() {
    let content = intake();
    for lang in Lang::ALL {
        let html = render::intake_page(lang);
        assert!(html.starts_with(&format!("<!DOCTYPE html><html lang=\"{}\">", lang.code())));
        for step in &content.questions.steps {
            assert!(contains_text(&html, step.title.get(lang)), "{lang:?}: step {}", step.id);
        }
        for q in &content.questions.questions {
            assert!(contains_text(&html, q.label.get(lang)), "{lang:?}: label of {}", q.id);
            if let Some(help) = &q.help {
                assert!(contains_text(&html, help.get(lang)), "{lang:?}: help of {}", q.id);
            }
            for option in content.options(q) {
                assert!(
                    contains_text(&html, option.label.get(lang)),
                    "{lang:?}: {} option {}",
                    q.id,
                    option.value
                );
            }
            assert!(html.contains(&format!("name=\"{}\"", q.id)), "{lang:?}: field {}", q.id);
        }
    }
}

#[test]
fn intake_page_starts_with_emergency_notice_and_intake_status() {
    let content = intake();
    for lang in Lang::ALL {
        let html = render::intake_page(lang);
        let emergency = html
            .find(&escaped(content.copy.emergency.get(lang)))
            .expect("emergency notice");
        let status = html
            .find(&escaped(
                Notice::policy(content.policy.intake.status)
                    .message(&content.policy.intake)
                    .get(lang),
            ))
            .expect("intake status");
        let form = html.find("<form").expect("form");
        assert!(
            emergency < form && status < form,
            "{lang:?}: notices come before the form"
        );
        assert!(contains_text(&html, content.copy.emergency_heading.get(lang)));
        // The privacy notice, every field of it, and how to reach the program.
        for (_, text) in content.policy.privacy.entries() {
            assert!(contains_text(&html, text.get(lang)), "{lang:?}: privacy notice");
        }
        let contact = content.policy.program.fill(content.copy.contact_line.get(lang), lang);
        assert!(contains_text(&html, &contact), "{lang:?}: the program's contact");
        assert!(contains_text(&html, content.copy.no_js_first_note.get(lang)));
        assert_eq!(html.matches("<h1").count(), 1, "{lang:?}: one h1");
        for landmark in ["<header", "<main", "<footer"] {
            assert!(html.contains(landmark), "{lang:?}: {landmark}");
        }
    }
}

#[test]
fn every_control_has_a_label() {
    for lang in Lang::ALL {
        let html = render::intake_page(lang);
        let controls: Vec<&str> = tags(&html, "input")
            .into_iter()
            .chain(tags(&html, "textarea"))
            .chain(tags(&html, "select"))
            .collect();
        assert!(controls.len() > 10);
        for control in controls {
            if attr(control, "type") == Some("hidden") {
                continue;
            }
            let id = attr(control, "id").unwrap_or_else(|| panic!("{lang:?}: control without id: {control}"));
            assert_eq!(
                html.matches(&format!("<label for=\"{id}\"")).count(),
                1,
                "{lang:?}: label for {id}"
            );
            assert_eq!(
                html.matches(&format!(" id=\"{id}\"")).count(),
                1,
                "{lang:?}: id {id} is unique"
            );
        }
    }
}

#[test]
fn plain_form_posts_to_the_worker_with_language_and_honeypot() {
    let notice = Notice::policy(intake().policy.intake.status);
    let html = render::intake_page_with(Lang::Es, notice, lead_site::wizard::FormPart::Whole);
    let form = tags(&html, "form")[0];
    assert_eq!(attr(form, "method"), Some("post"));
    // The language in the address too, for a page refused before the
    // answers (and their `lang`) are read.
    assert_eq!(attr(form, "action"), Some("/api/referrals?lang=es"));
    assert!(html.contains("<input type=\"hidden\" name=\"lang\" value=\"es\""));
    let honeypot = tags(&html, "input")
        .into_iter()
        .find(|t| attr(t, "name") == Some("website"))
        .expect("honeypot");
    assert_eq!(attr(honeypot, "tabindex"), Some("-1"));
    assert_eq!(attr(honeypot, "autocomplete"), Some("off"));
    // Before hydration the whole form (after the first page) is one page:
    // no step is hidden.
    for tag in tags(&html, "fieldset").into_iter().chain(tags(&html, "form")) {
        assert!(!tag.contains(" hidden"), "hidden before hydration: {tag}");
    }
}

#[test]
fn no_page_has_inline_scripts_or_styles() {
    for (path, html) in render::site("https://example.org") {
        if !path.ends_with(".html") {
            continue;
        }
        assert!(!html.contains(" style="), "{path}: style attribute");
        assert!(!html.contains("<style"), "{path}: style element");
        for script in tags(&html, "script") {
            assert!(attr(script, "src").is_some(), "{path}: script without src");
            let after = html.find(script).map(|i| &html[i + script.len()..]).unwrap_or_default();
            assert!(after.starts_with("</script>"), "{path}: script with inline content");
        }
        let handler = html.match_indices(" on").any(|(i, _)| {
            let rest = &html[i + 3..];
            let name_len = rest.chars().take_while(char::is_ascii_lowercase).count();
            name_len > 0 && rest[name_len..].starts_with("=\"")
        });
        assert!(!handler, "{path}: inline event handler");
    }
}

#[test]
fn sent_page_has_one_reference_placeholder_and_no_wasm() {
    let content = intake();
    for lang in Lang::ALL {
        let html = render::sent_page(lang);
        assert_eq!(html.matches("{{REFERENCE}}").count(), 1);
        assert!(!html.contains("<script"), "{lang:?}: not hydrated");
        assert!(contains_text(&html, content.copy.sent_heading.get(lang)));
        assert!(contains_text(&html, content.copy.confidentiality.get(lang)));
        assert!(contains_text(&html, content.copy.emergency.get(lang)));
        assert!(!html.contains("<form"), "{lang:?}: shows nothing that was submitted");
    }
}

/// Issue 16 (8): what a shop owner puts up: the program's name and phone,
/// both languages, and a QR code holding exactly the printed address.
#[test]
fn poster_has_a_qr_code_and_the_address_it_encodes() {
    let content = intake();
    let copy = &content.copy;
    for lang in Lang::ALL {
        let html = render::poster_page(lang, "https://lead.example.org/");
        let url = format!("https://lead.example.org/{}/", lang.code());
        assert!(html.contains(&format!("<p class=\"poster-url\">{url}</p>")), "{html}");
        let svg = tags(&html, "svg")[0];
        assert_eq!(
            attr(svg, "aria-label"),
            Some(url.as_str()),
            "the code holds the printed address"
        );
        assert!(!html.contains("<script"));
        for each in Lang::ALL {
            assert!(contains_text(&html, copy.poster_title.get(each)), "{lang:?}: {each:?}");
            let phone = content.policy.program.fill(copy.poster_phone.get(each), each);
            assert!(contains_text(&html, &phone), "{lang:?}: {phone}");
            assert!(!phone.contains(".."), "{phone}");
        }
        assert!(contains_text(&html, copy.site_name.get(lang)));
        assert!(
            !contains_text(&html, copy.poster_local.get(lang)),
            "a public address is no test print"
        );
        let local = render::poster_page(lang, render::DEFAULT_SITE_URL);
        assert!(
            contains_text(&local, copy.poster_local.get(lang)),
            "a loopback address says so"
        );
    }
}

#[test]
fn a_production_build_refuses_a_poster_address_that_reaches_nobody() {
    use render::{check_site_url, is_loopback};
    for local in [
        "http://127.0.0.1:8787",
        "https://localhost/",
        "https://127.0.0.2",
        "https://[::1]:8443/",
        "https://0.0.0.0",
        "https://portal.localhost",
    ] {
        assert!(is_loopback(local), "{local}");
        assert!(check_site_url(local).is_err(), "{local}");
    }
    assert!(check_site_url("http://refer.example.org").is_err(), "not https");
    assert!(check_site_url("https://refer.example.org").is_ok());
    assert!(!is_loopback("https://refer.example.org:443/"));
}

#[test]
fn browser_content_equals_the_content_crate() {
    use serde_json::to_value;
    let compiled = lead_site::content::compiled::build();
    let canonical = intake();
    assert_eq!(to_value(&compiled.questions).ok(), to_value(&canonical.questions).ok());
    assert_eq!(to_value(&compiled.policy).ok(), to_value(&canonical.policy).ok());
    assert_eq!(to_value(&compiled.copy).ok(), to_value(&canonical.copy).ok());
}

#[test]
fn the_intake_page_is_made_for_every_notice() {
    let content = intake();
    let intake = &content.policy.intake;
    let files: std::collections::HashMap<String, String> = render::site("http://127.0.0.1:8787").into_iter().collect();
    for lang in Lang::ALL {
        for (notice, page) in Notice::VARIANTS
            .into_iter()
            .flat_map(|n| [(n, n.page(lang)), (n, n.details_page(lang))])
        {
            let path = format!("{}index.html", &page[1..]);
            let html = files.get(&path).unwrap_or_else(|| panic!("{path} is built"));
            let whole = page.ends_with("/details/");
            assert!(
                html.contains(&format!("data-part=\"{}\"", if whole { "whole" } else { "first" })),
                "{path}: the wasm is told which part of the form it hydrates"
            );
            assert!(
                html.contains(&format!("data-intake=\"{}\"", notice.variant())),
                "{path}: the wasm is told which notice it hydrates"
            );
            assert!(
                html.contains(&escaped(notice.message(intake).get(lang))),
                "{path}: its message"
            );
            let criteria = html.contains(&escaped(intake.messages.priority_criteria.get(lang)));
            assert_eq!(
                criteria,
                notice.status == IntakeStatus::PriorityOnly,
                "{path}: what counts as priority"
            );
            assert_eq!(
                html.contains("<form"),
                notice.status != IntakeStatus::Paused,
                "{path}: the form"
            );
        }
    }
}

/// Every page says what it is for: a title and a meta description (what
/// search results and link previews show), in the page's language.
#[test]
fn every_page_has_a_title_and_a_description_in_its_language() {
    let mut seen = std::collections::BTreeMap::new();
    for (path, html) in render::site(render::DEFAULT_SITE_URL) {
        if !path.ends_with(".html") {
            continue;
        }
        let title = html
            .split_once("<title>")
            .and_then(|(_, rest)| rest.split_once("</title>"))
            .map(|(t, _)| t)
            .unwrap_or_default();
        assert!(!title.trim().is_empty(), "{path}: a title");
        let meta = tags(&html, "meta")
            .into_iter()
            .find(|m| attr(m, "name") == Some("description"))
            .unwrap_or_else(|| panic!("{path}: a meta description"));
        let description = attr(meta, "content").unwrap_or_default();
        assert!(
            description.len() >= 40,
            "{path}: a description that says something: {description:?}"
        );
        assert_ne!(description, title, "{path}: the description is not the title");
        if let Some(lang) = Lang::ALL
            .into_iter()
            .find(|l| path.starts_with(&format!("{}/", l.code())))
        {
            assert!(html.contains(&format!("<html lang=\"{}\"", lang.code())), "{path}");
            let copy = &intake().copy;
            let expected = [&copy.meta_intake, &copy.meta_sent, &copy.meta_poster];
            assert!(
                expected.iter().any(|t| contains_text(description, t.get(lang))),
                "{path}: the description in the page's language: {description:?}"
            );
        }
        seen.insert(path, description.to_owned());
    }
    assert!(seen.len() >= 16, "{seen:?}");
}

/// Issue 16 (2): a limited box states its limit (all there is without
/// JavaScript), never cuts what is typed, and says the content's number,
/// the one the worker checks.
#[test]
fn a_limited_text_box_states_its_limit_and_cuts_nothing() {
    for lang in [Lang::En, Lang::Es] {
        let html = render::intake_page(lang);
        for tag in tags(&html, "textarea").into_iter().chain(tags(&html, "input")) {
            assert!(attr(tag, "maxlength").is_none(), "nothing is cut silently: {tag}");
        }
        for q in intake().questions.questions.iter().filter(|q| q.max_len.is_some()) {
            let max = q.max_len.unwrap_or_default();
            let limit = intake().copy.chars_limit.get(lang).replace("{max}", &max.to_string());
            assert!(
                html.contains(&format!("id=\"{}-limit\"", q.id)) && contains_text(&html, &limit),
                "{}: {limit}",
                q.id
            );
        }
    }
}

/// Issue 16 (6, 7): where the person is, said in the title and aloud.
#[test]
fn each_stage_has_its_title_and_announcement() {
    use lead_site::wizard::{stage_announcement, stage_title, Stage};
    let steps = &intake().questions.steps;
    let total = steps.len() + 1;
    for lang in [Lang::En, Lang::Es] {
        let copy = &intake().copy;
        let page = format!("{} | {}", copy.page_title.get(lang), copy.site_name.get(lang));
        assert_eq!(stage_title(&Stage::All, false, lang), page);
        let second = stage_announcement(&Stage::Step(1), lang);
        assert_eq!(
            second,
            format!(
                "{}: {}",
                copy.progress
                    .get(lang)
                    .replace("{n}", "2")
                    .replace("{total}", &total.to_string()),
                steps[1].title.get(lang)
            )
        );
        assert_eq!(stage_title(&Stage::Step(1), false, lang), format!("{second} | {page}"));
        assert_eq!(
            stage_title(&Stage::Step(1), true, lang),
            format!("{}: {second} | {page}", copy.error_title.get(lang))
        );
        assert!(stage_announcement(&Stage::Review, lang).ends_with(copy.review_heading.get(lang)));
        assert_eq!(stage_announcement(&Stage::Sent("LEAD-X".into()), lang), "");
        assert!(stage_title(&Stage::Sent("LEAD-X".into()), false, lang).starts_with(copy.sent_heading.get(lang)));
    }
}

/// Issue 16 (7): restored answers resume on the step they were on, but
/// never past a step whose answers do not pass, and at the start if they
/// rule LEAD out.
#[test]
fn restored_answers_resume_where_they_can() {
    use lead_content::referral::RawReferral;
    use lead_site::wizard::resume_at;
    let fit = [
        ("chronic_conduct", "yes"),
        ("legal_response_expected", "yes"),
        (
            "neighborhood",
            intake().options(intake().question("neighborhood").expect("q"))[0]
                .value
                .as_str(),
        ),
    ];
    let raw = RawReferral::from_pairs(fit);
    assert_eq!(resume_at(0, &raw), 0);
    assert_eq!(resume_at(1, &raw), 1, "step 1 passes");
    assert_eq!(resume_at(3, &raw), 1, "step 2 is not answered");
    assert_eq!(resume_at(99, &raw), 1, "never past the review");
    let not_fit = RawReferral::from_pairs([fit[0], ("legal_response_expected", "no"), fit[2]]);
    assert_eq!(resume_at(2, &not_fit), 0);
}

#[test]
fn the_count_says_left_and_over_in_words() {
    use lead_site::components::char_count::remaining_text;
    assert_eq!(remaining_text(10, 3, Lang::En), "7 characters left");
    assert_eq!(remaining_text(10, 9, Lang::En), "1 character left");
    assert_eq!(remaining_text(10, 11, Lang::En), "1 character too many");
    assert_eq!(remaining_text(10, 25, Lang::Es), "15 caracteres de más");
}

/// Issue 16 (4): without JavaScript the first page asks the first step
/// alone; the later steps are neither shown, sent nor checked by the
/// browser, and its one button asks the worker for the rest.
#[test]
fn the_first_page_without_javascript_asks_the_first_step_alone() {
    let files: std::collections::HashMap<String, String> = render::site(render::DEFAULT_SITE_URL).into_iter().collect();
    for lang in Lang::ALL {
        let first = &files[&format!("{}/index.html", lang.code())];
        let fieldsets = tags(first, "fieldset");
        let steps: Vec<&&str> = fieldsets.iter().filter(|t| t.contains("class=\"step\"")).collect();
        assert_eq!(steps.len(), intake().questions.steps.len());
        assert!(
            !steps[0].contains("disabled") && !steps[0].contains("hidden"),
            "{}",
            steps[0]
        );
        for later in &steps[1..] {
            assert!(later.contains(" hidden") && later.contains(" disabled"), "{later}");
        }
        let details = format!("formaction=\"/{}/details/\"", lang.code());
        assert!(
            first.contains(&details) && first.contains("formmethod=\"get\""),
            "{lang:?}"
        );
        assert!(contains_text(first, intake().copy.no_js_first_note.get(lang)));
        let whole = &files[&format!(
            "{}index.html",
            &Notice::policy(intake().policy.intake.status).details_page(lang)[1..]
        )];
        assert!(
            !whole.contains(" disabled") && !whole.contains(&details),
            "the whole form is one plain form"
        );
    }
}

/// Issue 16 (4): a form sent without JavaScript that the rules do not
/// accept comes back as the same page, with the answers in place (escaped),
/// each error beside its question and described by it, and the errors
/// listed after the heading with links that bring each question into view.
#[test]
fn a_form_sent_without_javascript_comes_back_filled_in_with_its_errors() {
    use lead_content::form::refill;
    use lead_content::referral::{ErrorKind, FieldError, RawReferral};
    use lead_site::wizard::FormPart;
    let content = intake();
    for lang in Lang::ALL {
        let page = render::intake_page_with(lang, Notice::policy(IntakeStatus::Open), FormPart::Whole);
        let chosen = &content.options(content.question("neighborhood").expect("q"))[1].value;
        let answers = RawReferral::from_pairs([
            ("neighborhood", chosen.as_str()),
            ("referrer_type", "not-an-option"),
            ("referrer_organisation", "Corner \"Shop\" <b>& Deli</b>"),
            ("person_description", "\nTall, <script>alert(1)</script> green coat"),
            ("website", "spam.example"),
        ]);
        let errors = [
            FieldError::new("referrer_name", ErrorKind::Required),
            FieldError::new("referrer_type", ErrorKind::UnknownOption),
            FieldError::new("idempotency_key", ErrorKind::Required),
        ];
        let html = refill(&page, &answers, &errors, lang);

        // The answers, escaped; a value that is no option is not chosen; the
        // honeypot stays empty.
        let input = |id: &str| {
            tags(&html, "input")
                .into_iter()
                .find(|t| attr(t, "id") == Some(id))
                .unwrap_or_else(|| panic!("no input {id}"))
        };
        assert_eq!(
            attr(input("referrer_organisation"), "value"),
            Some("Corner &quot;Shop&quot; &lt;b&gt;&amp; Deli&lt;/b&gt;")
        );
        assert!(input(&format!("neighborhood-{chosen}")).contains(" checked"));
        assert!(!html.contains("not-an-option") && !html.contains("spam.example"));
        assert!(attr(input("website"), "value").is_none());
        assert!(
            html.contains("autocomplete=\"off\" aria-describedby=\"person_description-help person_description-limit\">\n\nTall, &lt;script&gt;alert(1)&lt;/script&gt; green coat</textarea>"),
            "the textarea keeps its leading newline and is escaped"
        );
        assert!(!html.contains("<script>alert"));

        // Each error beside its question, in the wizard's markup.
        let message = |kind: ErrorKind| lead_content::page::escape(&kind.message(lang));
        let name = content.question("referrer_name").expect("q");
        assert!(html.contains(&format!(
            "{}<span class=\"required\"> (<!>{}<!>)</span></label><p class=\"field-error\" id=\"referrer_name-error\">{}</p>",
            escaped(name.label.get(lang)),
            escaped(content.copy.required_mark.get(lang)),
            message(ErrorKind::Required)
        )));
        let name_input = input("referrer_name");
        assert_eq!(attr(name_input, "aria-invalid"), Some("true"));
        assert_eq!(
            attr(name_input, "aria-describedby"),
            Some("referrer_name-limit referrer_name-error")
        );
        let group = tags(&html, "fieldset")
            .into_iter()
            .find(|t| attr(t, "id") == Some("referrer_type-question"))
            .expect("the group");
        assert!(
            attr(group, "class").is_some_and(|c| c.ends_with(" has-error")),
            "{group}"
        );
        assert!(attr(group, "aria-describedby").is_some_and(|d| d.ends_with("referrer_type-error")));
        assert_eq!(html.matches("id=\"referrer_type-error\"").count(), 1);
        assert_eq!(html.matches("class=\"field-error\"").count(), 2);

        // Listed after the heading, in the questions' order, linked to the
        // whole question; what has no question is said without a link.
        let summary_at = html.find("id=\"form-errors\"").expect("a summary");
        let h1_end = html.find("</h1>").expect("h1");
        assert!(html[h1_end..].starts_with("</h1><div class=\"error-summary\" id=\"form-errors\""));
        assert!(html[summary_at..].contains("role=\"alert\""));
        let first_link = html[summary_at..]
            .find("href=\"#referrer_type-question\"")
            .expect("link");
        let second_link = html[summary_at..]
            .find("href=\"#referrer_name-question\"")
            .expect("link");
        assert!(first_link < second_link, "in the form's order");
        assert!(html.contains(&format!(
            "{} – {}</a>",
            escaped(name.label.get(lang).trim_end_matches(':')),
            message(ErrorKind::Required)
        )));
        assert!(html.contains(&format!("<li>idempotency_key – {}</li>", message(ErrorKind::Required))));
        let title = &html[html.find("<title>").expect("title") + 7..];
        assert!(title.starts_with(&format!("{}: ", content.copy.error_title.get(lang))));
        assert!(
            !html.contains("hydrate.js"),
            "a plain form: the wizard would not find its markup"
        );

        // Without errors (the first page's answers on the second page):
        // only the answers, and the page still hydrates.
        let plain = refill(&page, &answers, &[], lang);
        assert!(plain.contains("hydrate.js") && !plain.contains("form-errors"));
        assert!(!plain.contains("<title>Error"));
    }
}
