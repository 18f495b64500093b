//! What a person does in a real browser: refer someone with JavaScript in
//! English and in Spanish, without JavaScript, and with the keyboard only;
//! and what axe-core finds on every intake page and the poster.

use std::time::Duration;

use fantoccini::key::Key;
use fantoccini::Client;
use lead_content::intake_state::Notice;
use lead_content::{intake, Lang, QuestionKind};
use lead_e2e::browser::{action, check, find, Browser};
use lead_e2e::portal::{Options, Portal};
use lead_e2e::receiver::Receiver;
use lead_e2e::TEST_SECRET;

/// A synthetic referral as question id -> answer (option values for choices).
/// An even `n` is someone honestly not sure about the first criterion (the
/// policy flags it for the program to check) whose person recently harmed
/// themselves (the form points to 988 at once).
fn answers(n: u32) -> Vec<(&'static str, String)> {
    let unsure = n.is_multiple_of(2);
    vec![
        ("chronic_conduct", if unsure { "unsure" } else { "yes" }.into()),
        ("legal_response_expected", "yes".into()),
        ("neighborhood", "eastgate".into()),
        ("frequency", "weekly".into()),
        (
            "conduct_places",
            "Blocks the pharmacy door on Main St and shouts at staff".into(),
        ),
        ("recent_harm", if unsure { "self" } else { "others" }.into()),
        ("prior_help", "tried_not_worked".into()),
        ("safety_notes", "".into()),
        ("person_name", "".into()),
        (
            "person_description",
            format!("Browser test person {n}: grey hoodie, about 30"),
        ),
        ("usual_places_times", "Main St pharmacy, afternoons".into()),
        ("referrer_type", "business".into()),
        ("referrer_name", "Test Pharmacist".into()),
        ("referrer_organisation", "".into()),
        ("contact_phone", "".into()),
        ("contact_email", "pharmacist@example.org".into()),
    ]
}

/// The answers given on one step, with their questions (blank ones skipped).
fn step_answers(step: &str, n: u32) -> Vec<(&'static lead_content::Question, String)> {
    answers(n)
        .into_iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(id, value)| (intake().question(id).expect("question exists"), value))
        .filter(|(q, _)| q.step == step)
        .collect()
}

/// Waits for the receiver to acknowledge this reference.
fn delivered(receiver: &Receiver, reference: &str) -> bool {
    receiver.wait_for(Duration::from_secs(30), |a| {
        a.iter().any(|a| a.id == reference && a.status == 200)
    })
}

async fn fill_step(c: &Client, lang: Lang, step: &str, n: u32) {
    let content = intake();
    for (q, value) in step_answers(step, n) {
        let label = q.label.get(lang);
        if q.kind == QuestionKind::Choice {
            let option = content.option_label(q, &value, lang).expect("option exists");
            let notice = content
                .options(q)
                .iter()
                .find(|o| o.value == value)
                .and_then(|o| o.notice.as_ref())
                .map(|n| n.get(lang));
            if let Some(notice) = notice {
                assert!(
                    !find::body_text(c).await.contains(notice),
                    "the notice waits for its answer"
                );
            }
            action::choose(c, label, option).await;
            if let Some(notice) = notice {
                // At once, before the step is finished.
                check::sees(c, notice).await;
            }
        } else {
            action::type_into(c, label, &value).await;
        }
    }
}

async fn open_intake(c: &Client, portal: &Portal, lang: Lang, javascript: bool) {
    c.goto(&portal.url(&format!("/{}/", lang.code())))
        .await
        .expect("open the intake page");
    check::sees(c, intake().copy.emergency.get(lang)).await;
    let policy = &intake().policy.intake;
    check::sees(c, Notice::policy(policy.status).message(policy).get(lang)).await;
    if javascript {
        check::hydrated(c, lang).await;
    }
}

/// Without JavaScript: the first page, Continue, then every later step on
/// the whole form (not yet sent).
async fn fill_whole_form_without_javascript(c: &Client, portal: &Portal, lang: Lang, n: u32) {
    let copy = &intake().copy;
    open_intake(c, portal, lang, false).await;
    fill_step(c, lang, "fit", n).await;
    action::press(c, copy.next.get(lang)).await;
    check::sees(c, copy.no_js_note.get(lang)).await;
    for step in &intake().questions.steps[1..] {
        fill_step(c, lang, &step.id, n).await;
    }
}

async fn refer_with_javascript(lang: Lang, n: u32) {
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    let browser = Browser::start(true).await;
    let c = &browser.client;
    let copy = &intake().copy;
    if lang == Lang::Es {
        // Spanish on a phone: the longest words on the narrowest screen.
        c.set_window_size(360, 740).await.expect("a phone-sized window");
    }
    open_intake(c, &portal, lang, true).await;
    // LEAD is spelled out where the form begins.
    check::sees(c, intake().copy.lead_in.get(lang)).await;

    // Continue on an empty step: errors are shown next to the fields.
    action::press(c, copy.next.get(lang)).await;
    check::sees(c, copy.errors_heading.get(lang)).await;
    check::accessible(c, "an intake step showing errors").await;

    for step in &intake().questions.steps {
        fill_step(c, lang, &step.id, n).await;
        action::press(c, copy.next.get(lang)).await;
    }
    check::sees(c, copy.review_heading.get(lang)).await;
    check::sees(c, &format!("Browser test person {n}")).await;
    check::accessible(c, "the review step").await;
    action::press(c, copy.send.get(lang)).await;
    check::sees(c, copy.sent_heading.get(lang)).await;
    check::sees(c, copy.confidentiality.get(lang)).await;
    let program = &intake().policy.program;
    check::sees(c, &program.fill(copy.reference_help.get(lang), lang)).await;
    check::sees(c, copy.tiers_heading.get(lang)).await;
    let reference = find::reference(c).await.expect("the confirmation shows a reference");
    let lines = c
        .execute(
            "return document.querySelector('.reference-code').getClientRects().length",
            vec![],
        )
        .await
        .expect("js");
    assert_eq!(lines, serde_json::json!(1), "the reference is on one line");
    assert!(
        !find::body_text(c).await.contains(&format!("Browser test person {n}")),
        "the confirmation echoes nothing"
    );
    check::accessible(c, "the confirmation").await;

    let draft = c
        .execute("return localStorage.getItem('lead.draft')", vec![])
        .await
        .expect("read storage");
    assert!(draft.is_null(), "the draft is gone once sent: {draft}");
    assert!(delivered(&receiver, &reference), "the referral was delivered");
    let arrival = receiver
        .arrivals()
        .into_iter()
        .find(|a| a.id == reference)
        .expect("delivered");
    assert_eq!(arrival.body["data"]["language"], lang.code());
    assert_eq!(arrival.body["data"]["answers"]["neighborhood"], "eastgate");
    let to_check = if n.is_multiple_of(2) {
        serde_json::json!(["chronic_conduct"])
    } else {
        serde_json::json!([])
    };
    assert_eq!(
        arrival.body["data"]["to_check"], to_check,
        "\"not sure\" is flagged for the program"
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn submit_referral_in_english_with_javascript() {
    refer_with_javascript(Lang::En, 1).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn submit_referral_in_spanish_with_javascript() {
    refer_with_javascript(Lang::Es, 2).await;
}

/// Without JavaScript the form comes in two pages (issue 16, 4): the first
/// step alone, checked by the worker, then the rest. Every page the worker
/// answers with has the site's header, language switch and a link back;
/// after a send, Back shows no answers.
#[tokio::test(flavor = "multi_thread")]
async fn submit_referral_without_javascript() {
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    let browser = Browser::start(false).await;
    let checker = Browser::start(true).await;
    let c = &browser.client;
    let (content, copy) = (intake(), &intake().copy);
    let later_label = |lang: Lang| content.question("person_description").expect("q").label.get(lang);
    let (checker_client, origin) = (&checker.client, portal.url("/404"));
    let origin = origin.as_str();
    let accessible = |what: String| async move {
        check::accessible_without_javascript(checker_client, origin, &c.source().await.expect("html"), &what).await;
    };
    let has_shell = |lang: Lang| async move {
        let text = find::body_text(c).await;
        assert!(
            text.contains(copy.other_language.get(lang)),
            "the language switch: {text}"
        );
        assert!(text.contains(copy.back_to_form.get(lang)), "a link back: {text}");
        assert!(
            c.source().await.expect("html").contains("class=\"skip-link\""),
            "a skip link"
        );
    };
    for lang in Lang::ALL {
        let n = 10 + lang as u32;
        open_intake(c, &portal, lang, false).await;
        check::sees(c, copy.no_js_first_note.get(lang)).await;
        let first_page = find::body_text(c).await;
        assert!(
            !first_page.contains(later_label(lang)),
            "nothing about the person is asked first"
        );
        accessible(format!("the first page without JavaScript ({})", lang.code())).await;
        fill_step(c, lang, "fit", n).await;
        action::press(c, copy.next.get(lang)).await;
        check::sees(c, copy.no_js_note.get(lang)).await;
        let url = c.current_url().await.expect("url");
        assert_eq!(url.path(), format!("/{}/details/", lang.code()));
        for (q, value) in step_answers("fit", n) {
            let chosen = c
                .find(fantoccini::Locator::Id(&format!("{}-{value}", q.id)))
                .await
                .expect("the option")
                .is_selected()
                .await
                .expect("selected?");
            assert!(chosen, "{} keeps its answer {value}", q.id);
        }
        accessible(format!("the whole form without JavaScript ({})", lang.code())).await;
        for step in &content.questions.steps[1..] {
            fill_step(c, lang, &step.id, n).await;
        }
        action::press(c, copy.send.get(lang)).await;
        check::sees(c, copy.sent_heading.get(lang)).await;
        let url = c.current_url().await.expect("url");
        assert_eq!(url.path(), "/sent", "landed on the confirmation page");
        let reference = find::reference(c).await.expect("the page shows the reference");
        check::sees(c, &intake().policy.program.fill(copy.reference_help.get(lang), lang)).await;
        check::sees(c, copy.tiers_heading.get(lang)).await;
        accessible(format!("the no-JavaScript confirmation ({})", lang.code())).await;
        assert!(delivered(&receiver, &reference), "the referral was delivered");

        // Back after sending: no form holds what was sent.
        c.back().await.expect("Back");
        check::sees(c, copy.already_sent_heading.get(lang)).await;
        let source = c.source().await.expect("html");
        assert!(
            !source.contains("pharmacist@example.org") && !source.contains("<textarea"),
            "no answers: {source}"
        );
        has_shell(lang).await;
        accessible(format!("the already-sent page ({})", lang.code())).await;
        c.find(fantoccini::Locator::LinkText(copy.back_to_form.get(lang)))
            .await
            .expect("the link back")
            .click()
            .await
            .expect("follow it");
        check::sees(c, copy.no_js_first_note.get(lang)).await;
    }

    // Not a fit: said on the first page's answer, before any details.
    let lang = Lang::Es;
    let q = |id: &str| content.question(id).expect("question");
    open_intake(c, &portal, lang, false).await;
    for (id, value) in [("chronic_conduct", "yes"), ("legal_response_expected", "no")] {
        action::choose(
            c,
            q(id).label.get(lang),
            content.option_label(q(id), value, lang).expect("opt"),
        )
        .await;
    }
    let place = &content.options(q("neighborhood"))[0];
    action::choose(c, q("neighborhood").label.get(lang), place.label.get(lang)).await;
    action::press(c, copy.next.get(lang)).await;
    check::sees(c, copy.not_fit_heading.get(lang)).await;
    check::sees(c, content.policy.eligibility[1].reason.get(lang)).await;
    check::sees(c, copy.other_help.get(lang)).await;
    assert!(!find::body_text(c).await.contains(later_label(lang)));
    has_shell(lang).await;
    accessible("the no-JavaScript \"not a fit\" page (es)".to_owned()).await;
    c.find(fantoccini::Locator::LinkText(copy.other_language.get(lang)))
        .await
        .expect("the language switch")
        .click()
        .await
        .expect("switch");
    check::sees(c, copy.no_js_first_note.get(Lang::En)).await;
    assert_eq!(receiver.accepted_ids().len(), 2, "only the two referrals sent");
    browser.close().await;
    checker.close().await;
}

/// Issue 16 (4): without JavaScript, mistakes the browser does not catch
/// itself (an answer over its limit, a phone number that is not one) bring
/// the same form back, every answer kept and each error beside its
/// question; corrected, it is sent. On a phone in Spanish, on a desktop in
/// English.
#[tokio::test(flavor = "multi_thread")]
async fn a_referral_sent_without_javascript_with_mistakes_comes_back_filled_in() {
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    let browser = Browser::start(false).await;
    let checker = Browser::start(true).await;
    let c = &browser.client;
    let (content, copy) = (intake(), &intake().copy);
    let q = |id: &str| content.question(id).expect("question");
    let value = |id: &'static str| async move {
        c.find(fantoccini::Locator::Id(id))
            .await
            .expect("the control")
            .prop("value")
            .await
            .expect("its value")
            .unwrap_or_default()
    };
    for (lang, (width, height)) in [(Lang::Es, (390, 844)), (Lang::En, (1280, 900))] {
        let n = 20 + lang as u32;
        c.set_window_size(width, height).await.expect("a window of this size");
        fill_whole_form_without_javascript(c, &portal, lang, n).await;
        // Longer than the limit, with the shop's address at the very end.
        let places = q("conduct_places");
        let max = places.max_len.expect("a limit");
        let mut long = "Blocks the pharmacy door and shouts at staff. ".repeat(max / 40);
        long.push_str("Pharmacy at 12 Main St");
        action::type_into(c, places.label.get(lang), &long).await;
        action::type_into(c, q("contact_phone").label.get(lang), "call the shop").await;
        action::press(c, copy.send.get(lang)).await;

        check::sees(c, copy.errors_heading.get(lang)).await;
        assert!(c
            .title()
            .await
            .expect("title")
            .starts_with(&format!("{}: ", copy.error_title.get(lang))));
        let text = find::body_text(c).await;
        for (question, kind) in [
            ("conduct_places", lead_content::referral::ErrorKind::TooLong { max }),
            ("contact_phone", lead_content::referral::ErrorKind::InvalidPhone),
        ] {
            let message = kind.message(lang);
            assert!(
                text.contains(&format!(
                    "{} – {message}",
                    q(question).label.get(lang).trim_end_matches(':')
                )),
                "{question} in the list: {text}"
            );
            let shown = c
                .find(fantoccini::Locator::Id(&format!("{question}-error")))
                .await
                .expect("the error beside its question")
                .text()
                .await
                .expect("text");
            assert_eq!(shown, message);
        }
        // Every answer is back, the long one whole.
        assert_eq!(value("conduct_places").await, long, "nothing cut");
        assert_eq!(value("contact_phone").await, "call the shop");
        assert_eq!(value("referrer_name").await, "Test Pharmacist");
        assert_eq!(value("contact_email").await, "pharmacist@example.org");
        assert!(value("person_description").await.contains(&format!("person {n}")));
        for (question, chosen) in step_answers("fit", n)
            .into_iter()
            .chain(step_answers("situation", n))
            .filter(|(q, _)| q.kind == QuestionKind::Choice)
        {
            let option = c
                .find(fantoccini::Locator::Id(&format!("{}-{chosen}", question.id)))
                .await
                .expect("the option");
            assert!(option.is_selected().await.expect("selected?"), "{} kept", question.id);
        }
        check::accessible_without_javascript(
            &checker.client,
            &portal.url("/404"),
            &c.source().await.expect("html"),
            &format!("the form back with its errors ({})", lang.code()),
        )
        .await;

        // The link in the list leads to the whole question.
        c.find(fantoccini::Locator::Css(
            "#form-errors a[href='#contact_phone-question']",
        ))
        .await
        .expect("a link to the question")
        .click()
        .await
        .expect("follow it");
        assert_eq!(
            c.current_url().await.expect("url").fragment(),
            Some("contact_phone-question")
        );

        // Corrected, it is sent, the long answer as written within the limit.
        let corrected: String = long
            .chars()
            .rev()
            .take(max)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let corrected = corrected.trim_start().to_owned();
        action::type_into(c, places.label.get(lang), &corrected).await;
        action::type_into(c, q("contact_phone").label.get(lang), "555 010 0199").await;
        action::press(c, copy.send.get(lang)).await;
        check::sees(c, copy.sent_heading.get(lang)).await;
        let reference = find::reference(c).await.expect("a reference");
        assert!(delivered(&receiver, &reference));
        let arrival = receiver
            .arrivals()
            .into_iter()
            .find(|a| a.id == reference)
            .expect("arrived");
        assert_eq!(arrival.body["data"]["answers"]["conduct_places"], corrected.as_str());
        assert!(corrected.ends_with("12 Main St"));
    }
    assert_eq!(receiver.accepted_ids().len(), 2, "only the corrected referrals");
    browser.close().await;
    checker.close().await;
}

/// Without JavaScript, a send refused for a while (too many from this
/// connection) says when to try again, in the page shell, and its promise
/// holds: Back finds every answer still in the form.
#[tokio::test(flavor = "multi_thread")]
async fn a_referral_refused_for_a_while_without_javascript_keeps_its_answers_for_back() {
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()).with_var("RATE_LIMIT_PER_WINDOW", "1"));
    let browser = Browser::start(false).await;
    let c = &browser.client;
    let copy = &intake().copy;
    let lang = Lang::Es;
    for n in [30, 31] {
        fill_whole_form_without_javascript(c, &portal, lang, n).await;
        action::press(c, copy.send.get(lang)).await;
    }
    check::sees(c, copy.try_again_heading.get(lang)).await;
    check::sees(c, copy.go_back.get(lang)).await;
    c.back().await.expect("Back");
    check::sees(c, copy.no_js_note.get(lang)).await;
    let description = c
        .find(fantoccini::Locator::Id("person_description"))
        .await
        .expect("the box")
        .prop("value")
        .await
        .expect("value")
        .unwrap_or_default();
    assert!(description.contains("person 31"), "kept: {description:?}");
    assert!(receiver.wait_for(Duration::from_secs(30), |a| !a.is_empty()));
    assert_eq!(receiver.accepted_ids().len(), 1, "the first only");
    browser.close().await;
}

/// Keyboard only: the error summary and its links, every question, the
/// counts of limited boxes, a restored draft's "Start again", the review
/// and Send (issue 16: keyboard only).
#[tokio::test(flavor = "multi_thread")]
async fn submit_referral_with_the_keyboard_only() {
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    let browser = Browser::start(true).await;
    let c = &browser.client;
    let lang = Lang::En;
    let content = intake();
    open_intake(c, &portal, lang, true).await;
    // From here on everything is Tab, arrows, Space, typing and Enter.
    // Continue on an empty step: the error summary takes focus, and its
    // first link, followed with Enter, puts focus on that question.
    action::press_with_keyboard(c, content.copy.next.get(lang)).await;
    until(
        c,
        "the error summary has focus",
        "document.activeElement.classList.contains('error-summary')",
    )
    .await;
    action::tab_to(
        c,
        "the first error link",
        "el.tagName === 'A' && el.closest('.error-summary') !== null",
    )
    .await;
    let target: String = js(c, "return document.activeElement.getAttribute('href').slice(1)")
        .await
        .as_str()
        .expect("a link to a field")
        .to_owned();
    action::keys(c, &Key::Enter.to_string()).await;
    until(
        c,
        "focus is on the question the link names",
        &format!("document.activeElement.id === {}", serde_json::json!(target)),
    )
    .await;
    // One step back with Shift+Tab, so the first Tab below lands there again.
    action::shift_tab(c).await;
    let copy = &content.copy;
    let fill = |step: &'static str| async move {
        for (q, value) in step_answers(step, 20) {
            action::tab_to(c, &q.id, &format!("el.name === '{}'", q.id)).await;
            if q.kind == QuestionKind::Choice {
                let index = content
                    .options(q)
                    .iter()
                    .position(|o| o.value == value)
                    .expect("option");
                // Space checks the first radio; arrows move to and check the others.
                let keys = if index == 0 {
                    " ".to_string()
                } else {
                    Key::Down.to_string().repeat(index)
                };
                action::keys(c, &keys).await;
            } else {
                action::keys(c, &value).await;
            }
            // A limited box counts what was typed.
            if let Some(max) = q.max_len {
                let left = copy
                    .chars_left
                    .get(lang)
                    .replace("{n}", &(max - value.chars().count()).to_string());
                until(
                    c,
                    &format!("{} counts {left:?}", q.id),
                    &format!(
                        "document.getElementById('{}-count').textContent === {}",
                        q.id,
                        serde_json::json!(left)
                    ),
                )
                .await;
            }
        }
        action::press_with_keyboard(c, copy.next.get(lang)).await;
    };
    let steps = &content.questions.steps;
    fill(&steps[0].id).await;
    // Come back later on the same device: the notice and "Start again" are
    // reached and used with the keyboard, and the form starts over with
    // focus on its first step.
    c.refresh().await.expect("reload");
    check::hydrated_on(c, lang, 2).await;
    check::sees(c, copy.draft_restored.get(lang)).await;
    action::press_with_keyboard(c, copy.start_again.get(lang)).await;
    until(
        c,
        "focus is on the first step",
        "document.activeElement.id === 'step-0-heading'",
    )
    .await;
    check::sees(c, copy.answers_cleared.get(lang)).await;
    for step in steps {
        fill(&step.id).await;
    }
    // The review's own text (its heading also names step 5 in the progress list).
    check::sees(c, copy.review_intro.get(lang)).await;
    action::press_with_keyboard(c, copy.send.get(lang)).await;
    check::sees(c, copy.sent_heading.get(lang)).await;
    let reference = find::reference(c).await.expect("reference");
    assert!(
        delivered(&receiver, &reference),
        "the keyboard-only referral was delivered"
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_intake_page_and_the_poster_pass_axe() {
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    let browser = Browser::start(true).await;
    let c = &browser.client;
    for path in [
        "/",
        "/en/",
        "/es/",
        "/en/poster/",
        "/es/poster/",
        "/en/sent/",
        "/es/sent/",
        "/no-such-page",
        // The whole form without JavaScript, and a first page not a fit.
        "/en/details/?chronic_conduct=yes&legal_response_expected=yes&neighborhood=downtown",
        "/es/details/?chronic_conduct=yes&legal_response_expected=no&neighborhood=downtown",
    ] {
        c.goto(&portal.url(path)).await.expect("open");
        tokio::time::sleep(Duration::from_millis(700)).await;
        check::accessible(c, &format!("{path} with JavaScript")).await;
        let html = match ureq::get(&portal.url(path)).call() {
            Ok(r) | Err(ureq::Error::Status(_, r)) => r.into_string().expect("html"),
            Err(e) => panic!("{path}: {e}"),
        };
        check::accessible_without_javascript(c, &portal.url("/404"), &html, &format!("{path} without JavaScript"))
            .await;
    }
    // Issue 16 (8): the poster prints on one sheet of Letter and of A4.
    for lang in Lang::ALL {
        c.goto(&portal.url(&format!("/{}/poster/", lang.code())))
            .await
            .expect("open the poster");
        for (paper, size) in [
            ("Letter", fantoccini::wd::PrintSize::US_LETTER),
            ("A4", fantoccini::wd::PrintSize::A4),
        ] {
            let config = fantoccini::wd::PrintConfiguration::builder()
                .size(size)
                .background(true)
                .build()
                .expect("print settings");
            let pdf = c.print(config).await.expect("print the poster");
            let text = String::from_utf8_lossy(&pdf);
            let pages = text.matches("/Type /Page").count() - text.matches("/Type /Pages").count();
            assert_eq!(pages, 1, "the {} poster on {paper}: {pages} pages", lang.code());
        }
    }
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_referral_that_fails_the_core_criteria_is_not_sent_and_points_to_other_help() {
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    let browser = Browser::start(true).await;
    let c = &browser.client;
    let (lang, content) = (Lang::En, intake());
    open_intake(c, &portal, lang, true).await;
    let q = |id: &str| content.question(id).expect("question");
    action::choose(
        c,
        q("chronic_conduct").label.get(lang),
        content.option_label(q("chronic_conduct"), "yes", lang).expect("opt"),
    )
    .await;
    action::choose(
        c,
        q("legal_response_expected").label.get(lang),
        content
            .option_label(q("legal_response_expected"), "no", lang)
            .expect("opt"),
    )
    .await;
    action::choose(
        c,
        q("neighborhood").label.get(lang),
        content.option_label(q("neighborhood"), "downtown", lang).expect("opt"),
    )
    .await;
    action::press(c, content.copy.next.get(lang)).await;
    check::sees(c, content.copy.not_fit_heading.get(lang)).await;
    check::sees(c, &content.policy.eligibility[1].reason.en).await;
    // "No" where the policy would take "not sure": the referrer is told.
    check::sees(c, content.copy.not_sure_hint.get(lang)).await;
    check::sees(c, content.copy.other_help.get(lang)).await;
    check::accessible(c, "the not-a-fit panel").await;
    let draft = c
        .execute("return localStorage.getItem('lead.draft')", vec![])
        .await
        .expect("storage");
    assert!(
        draft.is_null(),
        "nothing will be sent, so nothing stays on the device: {draft}"
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(receiver.arrivals().is_empty());
    assert_eq!(
        portal.query("SELECT COUNT(*) AS n FROM referrals")[0]["n"],
        0,
        "nothing was sent"
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_referral_that_cannot_be_sent_keeps_every_answer_and_can_be_retried() {
    let receiver = Receiver::start(TEST_SECRET);
    let mut portal = Portal::start(Options::for_tests(&receiver.url()));
    let browser = Browser::start(true).await;
    let c = &browser.client;
    let (lang, copy) = (Lang::En, &intake().copy);
    open_intake(c, &portal, lang, true).await;
    for step in &intake().questions.steps {
        fill_step(c, lang, &step.id, 30).await;
        action::press(c, copy.next.get(lang)).await;
    }
    check::sees(c, copy.review_heading.get(lang)).await;

    // The network goes: the worker is not there when Send is pressed.
    portal.kill();
    action::press(c, copy.send.get(lang)).await;
    check::sees(c, copy.send_failed.get(lang)).await;
    check::sees(c, "Browser test person 30").await;
    let draft = c
        .execute("return localStorage.getItem('lead.draft')", vec![])
        .await
        .expect("storage");
    assert!(
        draft.as_str().is_some_and(|d| d.contains("Browser test person 30")),
        "the draft is kept on the device: {draft}"
    );

    // A reload does not lose it either.
    portal.restart();
    c.refresh().await.expect("reload");
    // Every answer comes back, and with them the review the person was
    // on, with a word that they were kept.
    check::sees(c, copy.draft_restored.get(lang)).await;
    check::sees(c, copy.review_intro.get(lang)).await;
    check::sees(c, "Browser test person 30").await;
    action::press(c, copy.send.get(lang)).await;
    check::sees(c, copy.sent_heading.get(lang)).await;
    let reference = find::reference(c).await.expect("reference");
    assert!(delivered(&receiver, &reference), "the retried referral was delivered");
    assert_eq!(receiver.accepted_ids().len(), 1, "sent once");
    browser.close().await;
}

/// Issue 11: the draft (a third person's description) stayed on the device
/// with no expiry, for the next person on a shared computer to find.
#[tokio::test(flavor = "multi_thread")]
async fn a_draft_is_forgotten_after_four_hours_and_clear_my_answers_removes_it_at_once() {
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    let browser = Browser::start(true).await;
    let c = &browser.client;
    let (lang, copy) = (Lang::En, &intake().copy);
    let first_step = &intake().questions.steps[0].id;
    let stored = || async {
        c.execute("return localStorage.getItem('lead.draft')", vec![])
            .await
            .expect("storage")
    };
    open_intake(c, &portal, lang, true).await;
    check::sees(c, copy.draft_note.get(lang)).await;

    fill_step(c, lang, first_step, 40).await;
    assert!(!stored().await.is_null(), "kept on the device while unsent");
    action::press(c, copy.clear_answers.get(lang)).await;
    check::sees(c, copy.answers_cleared.get(lang)).await;
    assert!(stored().await.is_null(), "cleared from the device");
    action::press(c, copy.next.get(lang)).await;
    check::sees(c, copy.errors_heading.get(lang)).await;

    // Saved five hours ago: not restored, and deleted.
    fill_step(c, lang, first_step, 40).await;
    c.execute(
        "const d = JSON.parse(localStorage.getItem('lead.draft'));
         d.saved_at_ms = Date.now() - 5 * 3600 * 1000;
         localStorage.setItem('lead.draft', JSON.stringify(d));",
        vec![],
    )
    .await
    .expect("age the draft");
    c.refresh().await.expect("reload");
    check::hydrated(c, lang).await;
    action::press(c, copy.next.get(lang)).await;
    check::sees(c, copy.errors_heading.get(lang)).await;
    assert!(stored().await.is_null(), "an old draft is deleted, not restored");

    // A draft in the format that had no expiry is deleted too.
    c.execute(
        "localStorage.setItem('lead.draft', JSON.stringify({person_description: 'Browser test person 41'}))",
        vec![],
    )
    .await
    .expect("old format");
    c.refresh().await.expect("reload");
    check::hydrated(c, lang).await;
    assert!(stored().await.is_null(), "an old-format draft is deleted");
    browser.close().await;
}

/// Waits until the JavaScript expression is true (it may `return` nothing
/// for a while: the page catches up with the signals just set).
async fn until(c: &Client, what: &str, expression: &str) {
    for _ in 0..100 {
        let value = c
            .execute(&format!("return !!({expression});"), vec![])
            .await
            .expect("js");
        if value == serde_json::Value::Bool(true) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("never true: {what} ({expression})");
}

/// Waits until the live region says `stage`, then checks the page title
/// begins with it.
async fn announced_and_titled(c: &Client, stage: &str) {
    until(
        c,
        &format!("{stage:?} is announced"),
        &format!(
            "document.getElementById('stage-announcement').textContent === {}",
            serde_json::json!(stage)
        ),
    )
    .await;
    assert!(c.title().await.expect("title").starts_with(stage));
}

async fn js(c: &Client, script: &str) -> serde_json::Value {
    c.execute(script, vec![]).await.expect("js")
}

/// Issue 16 (1, 2, 3, 5, 6, 7): what a person meets on a shared computer,
/// with a long answer, following an error link, changing an answer from the
/// review and with a screen reader, on a phone.
#[tokio::test(flavor = "multi_thread")]
async fn a_person_coming_back_writing_long_answers_and_correcting_errors_is_told_where_they_are() {
    coming_back(Lang::En, (390, 844)).await;
}

/// The same in Spanish on a desktop screen.
#[tokio::test(flavor = "multi_thread")]
async fn a_person_coming_back_in_spanish_on_a_desktop_is_told_where_they_are() {
    coming_back(Lang::Es, (1280, 900)).await;
}

async fn coming_back(lang: Lang, (width, height): (u32, u32)) {
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    let browser = Browser::start(true).await;
    let c = &browser.client;
    let content = intake();
    let copy = &content.copy;
    let steps = &content.questions.steps;
    let total = steps.len() + 1;
    c.set_window_size(width, height).await.expect("a window of this size");
    open_intake(c, &portal, lang, true).await;
    let size = format!("{} at {width}x{height}", lang.code());

    // The skip link says where it goes; the honeypot is out of reach of
    // assistive technology and the tab order.
    assert_eq!(
        js(c, "return document.querySelector('.skip-link').textContent").await,
        copy.skip_link.get(lang)
    );
    assert_eq!(
        js(c, "const hp = document.getElementById('website'); return [hp.closest('[aria-hidden=true]') !== null, hp.tabIndex];").await,
        serde_json::json!([true, -1]),
        "the honeypot is hidden from assistive technology and the tab order"
    );

    // Step 1 is announced and named in the title.
    let step_text = |n: usize, title: &str| {
        let progress = copy.progress.get(lang);
        let progress = progress
            .replace("{n}", &n.to_string())
            .replace("{total}", &total.to_string());
        format!("{progress}: {title}")
    };
    let first = step_text(1, steps[0].title.get(lang));
    announced_and_titled(c, &first).await;

    // Errors: the summary is an alert, the title says so, no "!" is read
    // out, and a line of the summary does not run "?:" together.
    action::press(c, copy.next.get(lang)).await;
    check::sees(c, copy.errors_heading.get(lang)).await;
    assert_eq!(
        js(
            c,
            "return document.getElementById('step-0-errors').getAttribute('role')"
        )
        .await,
        "alert"
    );
    assert!(c
        .title()
        .await
        .expect("title")
        .starts_with(&format!("{}: ", copy.error_title.get(lang))));
    let summary = js(c, "return document.getElementById('step-0-errors').innerText").await;
    assert!(!summary.as_str().unwrap_or_default().contains("?:"), "{summary}");
    assert_eq!(
        js(c, "const e = document.querySelector('.field-error'); return [e.textContent.includes('!'), getComputedStyle(e, '::before').content]").await,
        serde_json::json!([false, "none"]),
        "nothing but the message is read out"
    );
    check::accessible(c, &format!("an intake step with errors ({size})")).await;

    // Following an error link shows the whole question, not only its control.
    let neighborhood = content.question("neighborhood").expect("question");
    c.execute("window.scrollTo(0, 0)", vec![]).await.expect("scroll");
    let first_option = format!("neighborhood-{}", content.options(neighborhood)[0].value);
    let link = c
        .find(fantoccini::Locator::Css(&format!(
            "#step-0-errors a[href='#{first_option}']"
        )))
        .await
        .expect("the neighborhood's error link");
    link.click().await.expect("follow it");
    until(
        c,
        "focus is on the first option",
        &format!("document.activeElement.id === '{first_option}'"),
    )
    .await;
    let shown = js(
        c,
        "const legend = document.querySelector('#neighborhood-question legend').getBoundingClientRect(); \
         const error = document.getElementById('neighborhood-error').getBoundingClientRect(); \
         return [legend.top >= 8 && error.bottom <= window.innerHeight, legend.top, error.bottom, window.innerHeight, window.scrollY];",
    )
    .await;
    assert_eq!(
        shown[0],
        serde_json::Value::Bool(true),
        "the legend of {} is in view with room above it ({size}: legend top, error bottom, viewport height, scroll: {shown})",
        neighborhood.id
    );

    // A corrected answer loses its error at once; the others keep theirs.
    fill_step(c, lang, "fit", 50).await;
    until(
        c,
        "the corrected errors went",
        "document.querySelectorAll('#step-0 .field-error').length === 0",
    )
    .await;
    action::press(c, copy.next.get(lang)).await;
    let second = step_text(2, steps[1].title.get(lang));
    announced_and_titled(c, &second).await;
    // The finished step is said in words, not shown by color alone.
    let done = js(
        c,
        "return document.querySelector('.progress-steps li.done').textContent",
    )
    .await;
    assert!(
        done.as_str().unwrap_or_default().contains(copy.step_done.get(lang)),
        "{done}"
    );

    // A long answer is never cut: the count shows it, Continue says so.
    let places = content.question("conduct_places").expect("question");
    let max = places.max_len.expect("a limit");
    let long = "Blocks the pharmacy door and shouts at staff. ".repeat(max / 40 + 1);
    let over = long.chars().count() - max;
    action::type_into(c, places.label.get(lang), &long).await;
    let box_value = js(c, "return document.getElementById('conduct_places').value.length").await;
    assert_eq!(box_value, serde_json::json!(long.chars().count()), "nothing was cut");
    check::sees(c, &copy.chars_over.get(lang).replace("{n}", &over.to_string())).await;
    until(
        c,
        "the count is read out once typing pauses",
        &format!(
            "document.getElementById('conduct_places-count-live').textContent === {}",
            serde_json::json!(copy.chars_over.get(lang).replace("{n}", &over.to_string()))
        ),
    )
    .await;
    let described = js(
        c,
        "return document.getElementById('conduct_places').getAttribute('aria-describedby')",
    )
    .await;
    assert!(
        described.as_str().unwrap_or_default().contains("conduct_places-limit"),
        "{described}"
    );
    action::press(c, copy.next.get(lang)).await;
    check::sees(c, &lead_content::referral::ErrorKind::TooLong { max }.message(lang)).await;
    action::type_into(c, places.label.get(lang), "Blocks the pharmacy door on Main St").await;
    check::sees(c, &copy.chars_left.get(lang).replace("{n}", &(max - 35).to_string())).await;
    fill_step(c, lang, "situation", 50).await;
    action::press(c, copy.next.get(lang)).await;

    // Switching language keeps the step and does not call the answers
    // "kept from earlier".
    let third = step_text(3, steps[2].title.get(lang));
    until(
        c,
        "step 3",
        &format!("document.title.startsWith({})", serde_json::json!(third)),
    )
    .await;
    let switch = c.find(fantoccini::Locator::Css(".lang-switch")).await.expect("switch");
    switch.click().await.expect("switch language");
    check::hydrated_on(c, lang.other(), 3).await;
    assert!(!find::body_text(c).await.contains(copy.draft_restored.get(lang.other())));
    let switch = c.find(fantoccini::Locator::Css(".lang-switch")).await.expect("switch");
    switch.click().await.expect("switch back");
    check::hydrated_on(c, lang, 3).await;

    // On to the review; "Change" there comes back to the review.
    for step in &steps[2..] {
        fill_step(c, lang, &step.id, 50).await;
        action::press(c, copy.next.get(lang)).await;
    }
    check::sees(c, copy.review_heading.get(lang)).await;
    let change = format!("{}: {}", copy.change.get(lang), steps[1].title.get(lang));
    c.find(fantoccini::Locator::XPath(&format!(
        "//button[normalize-space(.)={}]",
        lead_e2e::browser::xpath_literal(&change)
    )))
    .await
    .expect("Change on the second step")
    .click()
    .await
    .expect("change");
    until(
        c,
        "step 2",
        &format!("document.title.startsWith({})", serde_json::json!(second)),
    )
    .await;
    action::type_into(
        c,
        places.label.get(lang),
        "Sits in the pharmacy doorway and shouts at staff",
    )
    .await;
    action::press(c, copy.next.get(lang)).await;
    check::sees(c, copy.review_heading.get(lang)).await;
    check::sees(c, "Sits in the pharmacy doorway and shouts at staff").await;

    // Closed and opened again (a shared computer): the answers come back
    // with a notice and "Start again", which removes them.
    c.goto(&portal.url(&format!("/{}/data/", lang.code())))
        .await
        .expect("leave");
    c.goto(&portal.url(&format!("/{}/", lang.code())))
        .await
        .expect("come back");
    check::sees(c, copy.draft_restored.get(lang)).await;
    check::sees(c, copy.review_heading.get(lang)).await;
    check::accessible(c, &format!("the restored review ({size})")).await;
    action::press(c, copy.start_again.get(lang)).await;
    check::sees(c, copy.answers_cleared.get(lang)).await;
    assert!(!find::body_text(c).await.contains(copy.draft_restored.get(lang)));
    assert!(
        js(c, "return localStorage.getItem('lead.draft')").await.is_null(),
        "Start again removes the answers from the device"
    );
    assert_eq!(
        js(c, "return document.getElementById('conduct_places').value").await,
        ""
    );

    // The plain form's second page, reached before the script ran: the
    // first page's answers in its address are kept and the wizard goes on
    // from step 2.
    c.goto(&portal.url(&format!(
        "/{}/details/?chronic_conduct=yes&legal_response_expected=yes&neighborhood=downtown",
        lang.code()
    )))
    .await
    .expect("the second page");
    until(
        c,
        "step 2 on the second page",
        &format!("document.title.startsWith({})", serde_json::json!(second)),
    )
    .await;
    action::press(c, copy.back.get(lang)).await;
    until(
        c,
        "the first page's answers are kept",
        "document.getElementById('chronic_conduct-yes').checked && document.getElementById('neighborhood-downtown').checked",
    )
    .await;
    browser.close().await;
}
