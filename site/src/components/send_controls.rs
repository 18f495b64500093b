//! The form's submit button (the only one without JavaScript), Back on the
//! review, the "could not send" message with Try again, and the worker's
//! own words when it will not take the referral (intake closed).

use crate::content::intake;
use leptos::prelude::*;

use crate::wizard::{SendState, Stage, Wizard, SEND_FAILED_ID, SEND_REFUSED_ID};

#[component]
pub fn SendControls() -> impl IntoView {
    let wizard = expect_context::<Wizard>();
    let lang = wizard.lang;
    let copy = &intake().copy;
    let shown = move || wizard.stage.with(|s| matches!(s, Stage::All | Stage::Review));
    // Without JavaScript, the first page's one button: the worker checks
    // these answers and, if LEAD may help, serves the rest of the form.
    let first = move || {
        wizard.first_page().then(|| {
            view! {
                <div class="actions">
                    <button
                        type="submit"
                        class="primary"
                        formaction=crate::text::details_path(lang)
                        formmethod="get"
                    >
                        {copy.next.get(lang)}
                    </button>
                </div>
            }
        })
    };
    let on_review = move || wizard.stage.with(|s| *s == Stage::Review);
    let sending = move || wizard.send.get() == SendState::Sending;
    view! {
        {first}
        <div class="actions send-actions" hidden=move || !shown()>
            <button type="submit" class="primary" aria-disabled=move || sending().then_some("true")>
                {move || if sending() { copy.sending.get(lang) } else { copy.send.get(lang) }}
            </button>
            <Show when=on_review>
                <button type="button" class="secondary" on:click=move |_| wizard.back()>
                    {copy.back.get(lang)}
                </button>
            </Show>
        </div>
        <Show when=move || wizard.send.get() == SendState::Failed>
            <div class="send-failed" id=SEND_FAILED_ID tabindex="-1" role="alert">
                <p>{copy.send_failed.get(lang)}</p>
                <button type="button" class="primary" on:click=move |_| wizard.send_referral()>
                    {copy.retry.get(lang)}
                </button>
            </div>
        </Show>
        <Show when=move || wizard.refusal.with(Option::is_some)>
            <div class="send-failed" id=SEND_REFUSED_ID tabindex="-1" role="alert">
                <p>{move || wizard.refusal.get().unwrap_or_default()}</p>
                <p>{copy.other_help.get(lang)}</p>
            </div>
        </Show>
    }
}
