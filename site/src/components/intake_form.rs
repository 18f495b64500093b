//! The referral form. Prerendered as one plain form that posts urlencoded to
//! the worker; after hydration the same DOM becomes a wizard that checks each
//! step with `lead-content`'s rules and sends JSON.

use crate::content::intake;
use lead_content::referral::{HONEYPOT_FIELD, IDEMPOTENCY_FIELD, IDEMPOTENCY_PLACEHOLDER, LANG_FIELD};
use lead_content::Lang;
use leptos::prelude::*;

use crate::components::confirmation::Confirmation;
use crate::components::not_fit::NotFit;
use crate::components::progress_steps::ProgressSteps;
use crate::components::review::Review;
use crate::components::send_controls::SendControls;
use crate::components::step_fieldset::StepFieldset;
use crate::wizard::{set_title, stage_announcement, stage_title, steps, FormPart, Stage, Wizard, REFERRALS_URL};

#[component]
pub fn IntakeForm(lang: Lang, part: FormPart) -> impl IntoView {
    let copy = &intake().copy;
    let wizard = Wizard::new(lang, part);
    provide_context(wizard);
    // Effects run only in the browser, after hydration, so the first render
    // matches the prerendered HTML (every step shown) and then switches.
    Effect::new(move |_| wizard.start());
    // The title says where in the form the person is, and that a step
    // shows errors; a polite live region says "Step 2 of 5: …" as each
    // numbered stage opens (focus goes to its heading).
    Effect::new(move |_| {
        let stage = wizard.stage.get();
        let has_errors = wizard.errors.with(|e| !e.is_empty()) && matches!(stage, Stage::Step(_));
        set_title(&stage_title(&stage, has_errors, lang));
    });
    let announcement = move || wizard.stage.with(|s| stage_announcement(s, lang));

    let stage = wizard.stage;
    let not_fit = move || match stage.get() {
        Stage::NotFit(failed) => Some(view! { <NotFit lang failed/> }),
        _ => None,
    };
    let sent = move || match stage.get() {
        Stage::Sent(reference) => Some(view! { <Confirmation lang reference standalone=false/> }),
        _ => None,
    };
    let form_hidden = move || stage.with(|s| matches!(s, Stage::NotFit(_) | Stage::Sent(_)));
    let in_review = move || stage.with(|s| *s == Stage::Review);
    let fieldsets = (0..steps().len())
        .map(|index| view! { <StepFieldset index/> })
        .collect_view();

    view! {
        <p class="note" hidden=move || wizard.is_active()>
            {move || if wizard.first_page() { copy.no_js_first_note.get(lang) } else { copy.no_js_note.get(lang) }}
        </p>
        <p class="note draft" hidden=move || !wizard.is_active() || form_hidden()>
            {copy.draft_note.get(lang)}
            " "
            <button type="button" class="secondary" on:click=move |_| wizard.clear_answers()>
                {copy.clear_answers.get(lang)}
            </button>
        </p>
        <p class="note" role="status">
            {move || wizard.cleared.get().then(|| copy.answers_cleared.get(lang))}
        </p>
        <p class="note restored" role="status">
            {move || {
                (wizard.restored.get() && !form_hidden()).then(|| {
                    view! {
                        {copy.draft_restored.get(lang)}
                        " "
                        <button type="button" class="secondary" on:click=move |_| wizard.clear_answers()>
                            {copy.start_again.get(lang)}
                        </button>
                    }
                })
            }}
        </p>
        <p class="visually-hidden" aria-live="polite" id="stage-announcement">{announcement}</p>
        {not_fit}
        {sent}
        <form
            class="intake"
            method="post"
            action=format!("{REFERRALS_URL}?lang={}", lang.code())
            novalidate=move || wizard.is_active()
            hidden=form_hidden
            on:submit=move |ev| {
                ev.prevent_default();
                wizard.submit();
            }
        >
            <ProgressSteps/>
            <input type="hidden" name=LANG_FIELD value=lang.code()/>
            // The worker that serves this page puts a fresh key here, so a
            // form sent twice (Back and Send again) is stored once.
            <input
                type="hidden"
                name=IDEMPOTENCY_FIELD
                value=IDEMPOTENCY_PLACEHOLDER
                disabled=move || wizard.first_page()
            />
            {fieldsets}
            <Show when=in_review>
                <Review/>
            </Show>
            // Hidden from sight, the tab order and assistive technology:
            // only a program filling in every field finds it.
            <div class="hp" aria-hidden="true">
                <label for=HONEYPOT_FIELD>{copy.honeypot.get(lang)}</label>
                <input
                    type="text"
                    id=HONEYPOT_FIELD
                    name=HONEYPOT_FIELD
                    tabindex="-1"
                    autocomplete="off"
                    disabled=move || wizard.first_page()
                    on:input:target=move |ev| wizard.honeypot.set(ev.target().value())
                />
            </div>
            <SendControls/>
        </form>
    }
}
