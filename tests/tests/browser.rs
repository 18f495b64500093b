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

async fn refer_with_javascript(lang: Lang, n: u32) {
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    let browser = Browser::start(true).await;
    let c = &browser.client;
    let copy = &intake().copy;
    open_intake(c, &portal, lang, true).await;

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

#[tokio::test(flavor = "multi_thread")]
async fn submit_referral_without_javascript() {
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    let browser = Browser::start(false).await;
    let checker = Browser::start(true).await;
    let c = &browser.client;
    for lang in Lang::ALL {
        open_intake(c, &portal, lang, false).await;
        check::sees(c, intake().copy.no_js_note.get(lang)).await;
        let what = format!("the intake page without JavaScript ({})", lang.code());
        check::accessible_without_javascript(
            &checker.client,
            &portal.url("/404"),
            &c.source().await.expect("html"),
            &what,
        )
        .await;
        for step in &intake().questions.steps {
            fill_step(c, lang, &step.id, 10 + lang as u32).await;
        }
        action::press(c, intake().copy.send.get(lang)).await;
        check::sees(c, intake().copy.sent_heading.get(lang)).await;
        let url = c.current_url().await.expect("url");
        assert_eq!(url.path(), "/sent", "landed on the confirmation page");
        let reference = find::reference(c).await.expect("the page shows the reference");
        let copy = &intake().copy;
        check::sees(c, &intake().policy.program.fill(copy.reference_help.get(lang), lang)).await;
        check::sees(c, copy.tiers_heading.get(lang)).await;
        let what = format!("the no-JavaScript confirmation ({})", lang.code());
        check::accessible_without_javascript(
            &checker.client,
            &portal.url("/404"),
            &c.source().await.expect("html"),
            &what,
        )
        .await;
        assert!(delivered(&receiver, &reference), "the referral was delivered");
    }
    browser.close().await;
    checker.close().await;
}

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
    for step in &content.questions.steps {
        for (q, value) in step_answers(&step.id, 20) {
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
        }
        action::press_with_keyboard(c, content.copy.next.get(lang)).await;
    }
    // The review's own text (its heading also names step 5 in the progress list).
    check::sees(c, content.copy.review_intro.get(lang)).await;
    action::press_with_keyboard(c, content.copy.send.get(lang)).await;
    check::sees(c, content.copy.sent_heading.get(lang)).await;
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
    check::hydrated(c, lang).await;
    // The draft restores every step's answers: Continue passes each check.
    for _ in 0..4 {
        action::press(c, copy.next.get(lang)).await;
    }
    check::sees(c, copy.review_heading.get(lang)).await;
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
