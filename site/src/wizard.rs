//! The intake wizard's state and what each button does.
//!
//! The prerendered page shows every step at once ([`Stage::All`]) so it works
//! as one plain form without JavaScript; after hydration an `Effect` switches
//! to the first step. Validation is `lead-content`'s: this module only decides
//! which questions to check and where to show the result.

use std::collections::BTreeMap;

use crate::content::intake;
use lead_content::referral::{FieldError, RawReferral, DRAFT_MAX_AGE_HOURS, HONEYPOT_FIELD, LANG_FIELD};
use lead_content::schema::Step;
use lead_content::{Lang, Question, QuestionKind};
use leptos::prelude::*;

/// localStorage key of the unsent answers ([`Draft`]).
pub const DRAFT_KEY: &str = "lead.draft";
/// How long unsent answers are kept on the device, in ms.
pub const DRAFT_MAX_AGE_MS: f64 = DRAFT_MAX_AGE_HOURS as f64 * 3600.0 * 1000.0;

/// What stays on the device until the referral is sent: the answers (a
/// third person's description, so never for long), when they were saved,
/// and the idempotency key that makes sending them again safe.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Draft {
    pub saved_at_ms: f64,
    pub idempotency_key: String,
    /// The key already went out with a send.
    #[serde(default)]
    pub key_sent: bool,
    pub answers: BTreeMap<String, String>,
    /// The step the person was on ([`steps`]`().len()` for the review), so
    /// switching language or reloading comes back to it.
    #[serde(default)]
    pub step: usize,
}

impl Draft {
    /// Whether the draft may be restored at `now_ms`: saved less than
    /// [`DRAFT_MAX_AGE_HOURS`] ago (and not in the future, as a clock set
    /// back would make it).
    pub fn is_fresh(&self, now_ms: f64) -> bool {
        let age = now_ms - self.saved_at_ms;
        (-60_000.0..=DRAFT_MAX_AGE_MS).contains(&age)
    }
}
/// localStorage key of the language the person chose.
pub const LANG_KEY: &str = "lead.lang";
/// sessionStorage key set when the person switches language.
pub const SWITCHED_KEY: &str = "lead.switched";
/// Where referrals are posted, as JSON (wizard) or urlencoded (plain form).
pub const REFERRALS_URL: &str = "/api/referrals";

/// Which part of the form a prerendered intake page holds, for a browser
/// without JavaScript: the first step alone (`/{lang}/`), whose answers the
/// worker checks before anything about the person or the referrer is
/// asked, then every step (`/{lang}/details/`). With JavaScript both
/// become the same wizard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormPart {
    First,
    Whole,
}

impl FormPart {
    pub const ALL: [FormPart; 2] = [FormPart::First, FormPart::Whole];

    /// The `data-part` the page carries, for the hydrating wasm.
    pub fn code(self) -> &'static str {
        match self {
            FormPart::First => "first",
            FormPart::Whole => "whole",
        }
    }

    pub fn parse(code: &str) -> Option<FormPart> {
        FormPart::ALL.into_iter().find(|p| p.code() == code)
    }

    /// The stage the page is prerendered in.
    pub fn stage(self) -> Stage {
        match self {
            FormPart::First => Stage::First,
            FormPart::Whole => Stage::All,
        }
    }
}

/// Which part of the intake the person is looking at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    /// Without JavaScript, the first step alone: Continue asks the worker
    /// for the rest ([`FormPart::First`]).
    First,
    /// Every step at once: the page without JavaScript once the first
    /// step's answers were checked.
    All,
    /// One step, by index into the content's steps.
    Step(usize),
    Review,
    /// The answers to step 1 rule LEAD out; indexes into the policy's criteria.
    /// Each failed criterion's index in the policy, and whether its answer
    /// was "I'm not sure" (refused by the policy).
    NotFit(Vec<(usize, bool)>),
    /// Sent; the reference the worker gave.
    Sent(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendState {
    Idle,
    Sending,
    Failed,
}

/// The wizard's signals, shared through context with every part of the form.
#[derive(Debug, Clone, Copy)]
pub struct Wizard {
    pub lang: Lang,
    pub stage: RwSignal<Stage>,
    pub answers: RwSignal<BTreeMap<String, String>>,
    /// First error message per field, from the site's check or the server.
    pub errors: RwSignal<BTreeMap<String, String>>,
    pub honeypot: RwSignal<String>,
    pub send: RwSignal<SendState>,
    /// Why the worker would not take the referral (intake closed, not a fit):
    /// said plainly instead of a retry that cannot succeed.
    pub refusal: RwSignal<Option<String>>,
    /// Sent as `Idempotency-Key`: the same for every try of one referral,
    /// so a retry after a lost answer cannot store it twice.
    pub idempotency_key: RwSignal<String>,
    /// The key went out with a send: changed answers need a new one (the
    /// worker refuses a key reused for other answers).
    pub key_sent: RwSignal<bool>,
    /// The person just cleared their answers (announced once).
    pub cleared: RwSignal<bool>,
    /// Answers from earlier on this device were put back: said on screen,
    /// with "Start again" beside it.
    pub restored: RwSignal<bool>,
    /// A step was opened with "Change" on the review: Continue (and Back)
    /// go back to the review, not on through the steps.
    pub returning: RwSignal<bool>,
}

pub fn steps() -> &'static [Step] {
    &intake().questions.steps
}

/// Steps plus the review.
pub fn total_stages() -> usize {
    steps().len() + 1
}

/// The element id a link to this question should target: the input, or the
/// first radio button of a choice.
pub fn field_target(question: &Question) -> String {
    match question.kind {
        QuestionKind::Choice => match intake().options(question).first() {
            Some(first) => option_id(&question.id, &first.value),
            None => question.id.clone(),
        },
        _ => question.id.clone(),
    }
}

pub use lead_content::form::{option_id, question_container_id};

pub fn step_heading_id(index: usize) -> String {
    format!("step-{index}-heading")
}

pub fn step_errors_id(index: usize) -> String {
    format!("step-{index}-errors")
}

pub const REVIEW_HEADING_ID: &str = "review-heading";
pub const NOT_FIT_HEADING_ID: &str = "not-fit-heading";
pub const SENT_HEADING_ID: &str = "sent-heading";
pub const SEND_FAILED_ID: &str = "send-failed";
pub const SEND_REFUSED_ID: &str = "send-refused";

/// The index of the first step holding one of these fields.
pub fn first_step_with(fields: &BTreeMap<String, String>) -> Option<usize> {
    let content = intake();
    steps()
        .iter()
        .position(|step| content.questions_in_step(&step.id).any(|q| fields.contains_key(&q.id)))
}

/// Where restored answers resume: the step they were saved on (the review
/// is `steps().len()`), or the first step before it whose answers do not
/// pass (skipping a question is never the result of a reload), or the first
/// step if the answers rule LEAD out.
pub fn resume_at(saved: usize, raw: &RawReferral) -> usize {
    let content = intake();
    let saved = saved.min(steps().len());
    if saved > 0 && !content.failed_criteria(raw).is_empty() {
        return 0;
    }
    steps()
        .iter()
        .take(saved)
        .position(|step| {
            !content
                .field_errors(raw, content.questions_in_step(&step.id))
                .is_empty()
        })
        .unwrap_or(saved)
}

/// What a screen reader is told when a numbered stage opens, e.g. "Step 2
/// of 5: About the person" (focus goes to its heading, which alone would
/// not say where in the form the person is). Empty for other stages.
pub fn stage_announcement(stage: &Stage, lang: Lang) -> String {
    let copy = &intake().copy;
    let (n, title) = match stage {
        Stage::Step(i) => match steps().get(*i) {
            Some(step) => (i + 1, step.title.get(lang)),
            None => return String::new(),
        },
        Stage::Review => (total_stages(), copy.review_heading.get(lang)),
        _ => return String::new(),
    };
    format!(
        "{}: {title}",
        crate::text::progress(copy.progress.get(lang), n, total_stages())
    )
}

/// The document title for a stage, in the form the prerendered page's
/// title has: "Step 2 of 5: About the person | Refer someone to LEAD |
/// <site>", with "Error: " first while the stage shows errors.
pub fn stage_title(stage: &Stage, has_errors: bool, lang: Lang) -> String {
    let copy = &intake().copy;
    let page = format!("{} | {}", copy.page_title.get(lang), copy.site_name.get(lang));
    let what = match stage {
        Stage::All | Stage::First => return page,
        Stage::NotFit(_) => copy.not_fit_heading.get(lang).to_owned(),
        Stage::Sent(_) => copy.sent_heading.get(lang).to_owned(),
        stage => stage_announcement(stage, lang),
    };
    let error = if has_errors {
        format!("{}: ", copy.error_title.get(lang))
    } else {
        String::new()
    };
    format!("{error}{what} | {page}")
}

/// Field errors as the map the page shows (first message per field).
pub fn error_map(errors: &[FieldError], lang: Lang) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for e in errors {
        map.entry(e.field.clone()).or_insert_with(|| e.kind.message(lang));
    }
    map
}

impl Wizard {
    pub fn new(lang: Lang, part: FormPart) -> Wizard {
        Wizard {
            lang,
            stage: RwSignal::new(part.stage()),
            answers: RwSignal::new(BTreeMap::new()),
            errors: RwSignal::new(BTreeMap::new()),
            honeypot: RwSignal::new(String::new()),
            send: RwSignal::new(SendState::Idle),
            refusal: RwSignal::new(None),
            idempotency_key: RwSignal::new(String::new()),
            key_sent: RwSignal::new(false),
            cleared: RwSignal::new(false),
            restored: RwSignal::new(false),
            returning: RwSignal::new(false),
        }
    }

    /// True once hydrated: the wizard has taken over from the plain form.
    pub fn is_active(self) -> bool {
        self.stage.with(|s| !matches!(s, Stage::All | Stage::First))
    }

    /// The plain form's first page: only the first step, and nothing sent
    /// with it but its answers and the language.
    pub fn first_page(self) -> bool {
        self.stage.with(|s| *s == Stage::First)
    }

    pub fn answer(self, id: &str) -> String {
        self.answers.with(|a| a.get(id).cloned().unwrap_or_default())
    }

    pub fn error(self, id: &str) -> Option<String> {
        self.errors.with(|e| e.get(id).cloned())
    }

    pub fn set_answer(self, id: &str, value: String) {
        self.answers.update(|a| {
            a.insert(id.to_owned(), value);
        });
        self.cleared.set(false);
        if self.key_sent.get_untracked() {
            self.new_key();
        }
        self.recheck(id);
        self.save_draft();
    }

    /// Once an answer shown with an error is corrected, its error (and the
    /// summary's line) goes at once; an answer still wrong keeps it. New
    /// errors wait for Continue.
    fn recheck(self, id: &str) {
        let content = intake();
        let Some(question) = content.question(id) else { return };
        let shown: Vec<&Question> = self.errors.with_untracked(|e| {
            content
                .questions_in_step(&question.step)
                .filter(|q| e.contains_key(&q.id))
                .collect()
        });
        if shown.is_empty() {
            return;
        }
        let now = error_map(&content.field_errors(&self.raw(), shown.iter().copied()), self.lang);
        self.errors.update(|e| {
            for q in &shown {
                match now.get(&q.id) {
                    Some(message) => e.insert(q.id.clone(), message.clone()),
                    None => e.remove(&q.id),
                };
            }
        });
    }

    /// "Clear my answers": forgets every answer, here and on the device,
    /// and starts again at the first step.
    pub fn clear_answers(self) {
        self.clear_draft();
        self.errors.set(BTreeMap::new());
        self.refusal.set(None);
        self.send.set(SendState::Idle);
        self.new_key();
        self.restored.set(false);
        self.returning.set(false);
        self.go_to_step(0);
        self.cleared.set(true);
    }

    pub fn raw(self) -> RawReferral {
        let mut pairs: Vec<(String, String)> = self.answers.get_untracked().into_iter().collect();
        pairs.push((LANG_FIELD.to_owned(), self.lang.code().to_owned()));
        RawReferral::from_pairs(pairs)
    }

    /// Whether this step's fieldset is shown.
    pub fn shows_step(self, index: usize) -> bool {
        self.stage.with(|s| match s {
            Stage::All => true,
            Stage::First => index == 0,
            Stage::Step(i) => *i == index,
            _ => false,
        })
    }

    /// "Continue" on a step, or "Send" on the review.
    pub fn submit(self) {
        match self.stage.get_untracked() {
            Stage::Step(index) => self.next(index),
            Stage::Review => self.send_referral(),
            _ => {}
        }
    }

    fn next(self, index: usize) {
        let content = intake();
        let Some(step) = steps().get(index) else { return };
        let raw = self.raw();
        let errors = content.field_errors(&raw, content.questions_in_step(&step.id));
        self.errors.set(error_map(&errors, self.lang));
        if !errors.is_empty() {
            focus_later(step_errors_id(index));
            return;
        }
        if index == 0 {
            let failed: Vec<(usize, bool)> = content
                .failed_criteria(&raw)
                .into_iter()
                .filter_map(|f| {
                    let index = content.policy.eligibility.iter().position(|e| e == f.criterion)?;
                    Some((index, f.not_sure))
                })
                .collect();
            if !failed.is_empty() {
                // Nothing will be sent: the description does not stay behind.
                self.forget_stored_draft();
                self.stage.set(Stage::NotFit(failed));
                focus_later(NOT_FIT_HEADING_ID.to_owned());
                return;
            }
        }
        if index + 1 < steps().len() && !self.returning.get_untracked() {
            self.go_to_step(index + 1);
        } else {
            self.go_to_review();
        }
    }

    fn go_to_review(self) {
        self.returning.set(false);
        self.send.set(SendState::Idle);
        self.stage.set(Stage::Review);
        self.remember_stage(steps().len());
        focus_later(REVIEW_HEADING_ID.to_owned());
    }

    /// "Change" on the review: that step, then straight back to the review.
    pub fn change_from_review(self, index: usize) {
        self.go_to_step(index);
        self.returning.set(true);
    }

    pub fn back(self) {
        if self.returning.get_untracked() && matches!(self.stage.get_untracked(), Stage::Step(_)) {
            self.go_to_review();
            return;
        }
        match self.stage.get_untracked() {
            Stage::Step(i) if i > 0 => self.go_to_step(i - 1),
            Stage::Review => self.go_to_step(steps().len().saturating_sub(1)),
            Stage::NotFit(_) => self.go_to_step(0),
            _ => {}
        }
    }

    pub fn go_to_step(self, index: usize) {
        self.returning.set(false);
        self.send.set(SendState::Idle);
        self.stage.set(Stage::Step(index));
        self.remember_stage(index);
        focus_later(step_heading_id(index));
    }

    /// Notes the step in the stored draft, if there is one (nothing is
    /// stored just for moving between steps).
    fn remember_stage(self, step: usize) {
        #[cfg(feature = "hydrate")]
        if let Some(mut draft) = browser::load_draft() {
            draft.step = step;
            browser::save_draft(&draft);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = step;
    }

    /// Checks every answer once more, then posts them.
    pub fn send_referral(self) {
        if self.send.get_untracked() == SendState::Sending {
            return;
        }
        let content = intake();
        let errors = error_map(
            &content.field_errors(&self.raw(), &content.questions.questions),
            self.lang,
        );
        if let Some(step) = first_step_with(&errors) {
            self.errors.set(errors);
            self.stage.set(Stage::Step(step));
            focus_later(step_errors_id(step));
            return;
        }
        self.send.set(SendState::Sending);
        self.refusal.set(None);
        let body = self.body();
        let key = self.idempotency_key.get_untracked();
        self.key_sent.set(true);
        self.save_draft();
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let outcome = crate::wizard::browser::post(&body, &key).await;
            self.on_sent(outcome);
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (body, key);
    }

    /// The JSON body: every question's answer, the language and the honeypot.
    pub fn body(self) -> BTreeMap<String, String> {
        let answers = self.answers.get_untracked();
        let mut body: BTreeMap<String, String> = intake()
            .questions
            .questions
            .iter()
            .map(|q| (q.id.clone(), answers.get(&q.id).cloned().unwrap_or_default()))
            .collect();
        body.insert(LANG_FIELD.to_owned(), self.lang.code().to_owned());
        body.insert(HONEYPOT_FIELD.to_owned(), self.honeypot.get_untracked());
        body
    }

    pub fn on_sent(self, outcome: SendOutcome) {
        match outcome {
            SendOutcome::Accepted(reference) => {
                self.clear_draft();
                self.new_key();
                self.send.set(SendState::Idle);
                self.errors.set(BTreeMap::new());
                self.stage.set(Stage::Sent(reference));
                focus_later(SENT_HEADING_ID.to_owned());
            }
            SendOutcome::Invalid(errors) => {
                self.send.set(SendState::Idle);
                match first_step_with(&errors) {
                    Some(step) => {
                        self.errors.set(errors);
                        self.stage.set(Stage::Step(step));
                        focus_later(step_errors_id(step));
                    }
                    // Only fields the person cannot change (language, honeypot).
                    None => self.fail(),
                }
            }
            SendOutcome::Refused(message) => {
                // Not sent, and it cannot be as it stands: the answers stay
                // on screen but not on the device.
                self.forget_stored_draft();
                self.send.set(SendState::Idle);
                self.refusal.set(Some(message));
                focus_later(SEND_REFUSED_ID.to_owned());
            }
            SendOutcome::Failed => self.fail(),
        }
    }

    fn fail(self) {
        self.send.set(SendState::Failed);
        focus_later(SEND_FAILED_ID.to_owned());
    }

    /// Runs once after hydration: restore a draft saved less than
    /// [`DRAFT_MAX_AGE_HOURS`] ago (an older one is deleted), then become a
    /// wizard.
    pub fn start(self) {
        // The plain form's second page carries the first page's answers in
        // its address: they are newer than any draft.
        #[cfg_attr(not(feature = "hydrate"), allow(unused_variables))]
        let second_page = self.stage.get_untracked() == Stage::All;
        let mut key = String::new();
        // Set only where there is a device to restore from.
        #[cfg_attr(not(feature = "hydrate"), allow(unused_mut))]
        let mut step = 0;
        #[cfg(feature = "hydrate")]
        match browser::load_draft() {
            Some(draft) if draft.is_fresh(browser::now_ms()) => {
                let content = intake();
                let known: BTreeMap<String, String> = draft
                    .answers
                    .into_iter()
                    .filter(|(k, _)| content.question(k).is_some())
                    .collect();
                let any = known.values().any(|v| !v.trim().is_empty());
                self.answers.set(known);
                key = draft.idempotency_key;
                self.key_sent.set(draft.key_sent);
                step = resume_at(draft.step, &self.raw());
                // Said unless the person only switched language this moment.
                self.restored.set(any && !browser::take_switched());
            }
            Some(_) => browser::clear_draft(),
            None => {}
        }
        #[cfg(feature = "hydrate")]
        if second_page {
            let content = intake();
            let first: Vec<&str> = content.first_step_questions().map(|q| q.id.as_str()).collect();
            let given = browser::address_answers(&first);
            if !given.is_empty() {
                self.answers.update(|a| a.extend(given));
                step = resume_at(step.max(1), &self.raw());
            }
        }
        if lead_content::referral::idempotency_key(&key).ok().flatten().is_none() {
            key = new_idempotency_key();
        }
        self.idempotency_key.set(key);
        if step >= steps().len() {
            self.stage.set(Stage::Review);
        } else {
            self.stage.set(Stage::Step(step));
        }
    }

    fn save_draft(self) {
        #[cfg(feature = "hydrate")]
        browser::save_draft(&Draft {
            saved_at_ms: browser::now_ms(),
            idempotency_key: self.idempotency_key.get_untracked(),
            key_sent: self.key_sent.get_untracked(),
            answers: self.answers.get_untracked(),
            step: match self.stage.get_untracked() {
                Stage::Step(i) => i,
                Stage::Review => steps().len(),
                _ => 0,
            },
        });
    }

    fn clear_draft(self) {
        self.answers.set(BTreeMap::new());
        self.forget_stored_draft();
    }

    fn new_key(self) {
        self.idempotency_key.set(new_idempotency_key());
        self.key_sent.set(false);
    }

    /// Removes the draft from the device; the answers on screen stay.
    fn forget_stored_draft(self) {
        #[cfg(feature = "hydrate")]
        browser::clear_draft();
    }
}

/// What came back from posting a referral.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    Accepted(String),
    /// Field -> message, from the worker's 422 answer.
    Invalid(BTreeMap<String, String>),
    /// The worker will not take it as it stands (intake closed, criteria
    /// not met): its message, in the referrer's language.
    Refused(String),
    /// Network error, rate limit, server error: keep everything and retry.
    Failed,
}

/// A fresh idempotency key: a random UUID from the browser's CSPRNG
/// (empty outside the browser, where nothing is sent).
pub fn new_idempotency_key() -> String {
    #[cfg(feature = "hydrate")]
    return browser::random_uuid();
    #[cfg(not(feature = "hydrate"))]
    String::new()
}

/// Remembers the language the person chose (best effort: storage may be off).
pub fn remember_lang(lang: Lang) {
    #[cfg(feature = "hydrate")]
    browser::remember_lang(lang);
    #[cfg(not(feature = "hydrate"))]
    let _ = lang;
}

/// Sets the document title (in the browser only).
pub fn set_title(title: &str) {
    #[cfg(feature = "hydrate")]
    browser::set_title(title);
    #[cfg(not(feature = "hydrate"))]
    let _ = title;
}

/// Shows a question whole and focuses its control (an error-summary link).
pub fn reveal_question(question: &Question) {
    #[cfg(feature = "hydrate")]
    browser::reveal(&question_container_id(&question.id), &field_target(question));
    #[cfg(not(feature = "hydrate"))]
    let _ = question;
}

/// Moves focus once the DOM has caught up with the signals just set.
pub fn focus_later(id: String) {
    #[cfg(feature = "hydrate")]
    request_animation_frame(move || browser::focus(&id));
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}

#[cfg(feature = "hydrate")]
mod browser {
    //! The few things that need the browser: storage, focus and fetch.

    use std::collections::BTreeMap;

    use gloo_storage::{LocalStorage, SessionStorage, Storage};
    use lead_content::Lang;
    use serde::Deserialize;
    use wasm_bindgen::JsCast;

    use super::{Draft, SendOutcome, DRAFT_KEY, LANG_KEY, REFERRALS_URL, SWITCHED_KEY};

    /// The stored draft; one in an older format (no expiry) is deleted.
    pub fn load_draft() -> Option<Draft> {
        let raw = LocalStorage::raw().get_item(DRAFT_KEY).ok().flatten()?;
        let draft = serde_json::from_str::<Draft>(&raw).ok();
        if draft.is_none() {
            clear_draft();
        }
        draft
    }

    pub fn save_draft(draft: &Draft) {
        // Storage can be full or switched off; the form still works without it.
        let _ = LocalStorage::set(DRAFT_KEY, draft);
    }

    pub fn now_ms() -> f64 {
        web_sys::js_sys::Date::now()
    }

    pub fn random_uuid() -> String {
        web_sys::window()
            .and_then(|w| w.crypto().ok())
            .map(|c| c.random_uuid())
            .unwrap_or_default()
    }

    pub fn clear_draft() {
        LocalStorage::delete(DRAFT_KEY);
    }

    /// Stored as the bare code (not JSON) because `lang.js` reads it too.
    /// The switch is noted for this tab, so the page in the other language
    /// does not call its answers "kept from earlier".
    pub fn remember_lang(lang: Lang) {
        let _ = LocalStorage::raw().set_item(LANG_KEY, lang.code());
        let _ = SessionStorage::raw().set_item(SWITCHED_KEY, "1");
    }

    /// The answers to these questions given in the page's address (the
    /// plain form's first page sends them there).
    pub fn address_answers(ids: &[&str]) -> BTreeMap<String, String> {
        let search = web_sys::window()
            .and_then(|w| w.location().search().ok())
            .unwrap_or_default();
        let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else {
            return BTreeMap::new();
        };
        ids.iter()
            .filter_map(|id| params.get(id).map(|v| ((*id).to_owned(), v)))
            .collect()
    }

    /// Whether this tab just switched language (and forgets it).
    pub fn take_switched() -> bool {
        let storage = SessionStorage::raw();
        let switched = storage.get_item(SWITCHED_KEY).ok().flatten().is_some();
        let _ = storage.remove_item(SWITCHED_KEY);
        switched
    }

    pub fn set_title(title: &str) {
        leptos::prelude::document().set_title(title);
    }

    /// Brings a whole question (its legend or label, help and error) into
    /// view, then focuses its control without scrolling again: a link to
    /// the control alone would put it at the top of the screen with the
    /// question above it, out of sight.
    pub fn reveal(container: &str, control: &str) {
        let document = leptos::prelude::document();
        if let Some(container) = document.get_element_by_id(container) {
            container.scroll_into_view_with_bool(true);
        }
        let control = document.get_element_by_id(control);
        if let Some(control) = control.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let options = web_sys::FocusOptions::new();
            options.set_prevent_scroll(true);
            let _ = control.focus_with_options(&options);
        }
    }

    pub fn focus(id: &str) {
        let element = leptos::prelude::document().get_element_by_id(id);
        if let Some(element) = element.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = element.focus();
        }
    }

    #[derive(Deserialize)]
    struct Accepted {
        reference: String,
    }

    /// A 422: field errors, or a refusal with reasons or a message.
    #[derive(Deserialize)]
    struct Rejected {
        #[serde(default)]
        errors: Vec<ServerError>,
        #[serde(default)]
        reasons: Vec<String>,
        #[serde(default)]
        message: String,
    }

    #[derive(Deserialize)]
    struct ServerError {
        field: String,
        message: String,
    }

    pub async fn post(body: &BTreeMap<String, String>, idempotency_key: &str) -> SendOutcome {
        let mut builder = gloo_net::http::Request::post(REFERRALS_URL);
        if !idempotency_key.is_empty() {
            builder = builder.header(lead_content::referral::IDEMPOTENCY_HEADER, idempotency_key);
        }
        let Ok(request) = builder.json(body) else {
            return SendOutcome::Failed;
        };
        let Ok(response) = request.send().await else {
            return SendOutcome::Failed;
        };
        match response.status() {
            202 => match response.json::<Accepted>().await {
                Ok(accepted) => SendOutcome::Accepted(accepted.reference),
                Err(_) => SendOutcome::Failed,
            },
            422 => match response.json::<Rejected>().await {
                Ok(rejected) if rejected.errors.is_empty() => {
                    let reasons = rejected.reasons.join(" ");
                    SendOutcome::Refused(if reasons.is_empty() { rejected.message } else { reasons })
                }
                Ok(rejected) => {
                    let mut map = BTreeMap::new();
                    for e in rejected.errors {
                        map.entry(e.field).or_insert(e.message);
                    }
                    SendOutcome::Invalid(map)
                }
                Err(_) => SendOutcome::Failed,
            },
            _ => SendOutcome::Failed,
        }
    }
}
