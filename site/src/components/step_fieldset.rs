//! One step of the intake: a fieldset whose legend is the step's title,
//! its questions, and (with JavaScript) Continue and Back.

use crate::content::intake;
use lead_content::intake_state::Notice;
use lead_content::schema::IntakeStatus;
use leptos::prelude::*;

use crate::components::error_summary::ErrorSummary;
use crate::components::question_field::QuestionField;
use crate::wizard::{step_heading_id, steps, Wizard};

#[component]
pub fn StepFieldset(index: usize) -> impl IntoView {
    let wizard = expect_context::<Wizard>();
    let lang = wizard.lang;
    let content = intake();
    let copy = &content.copy;
    let step = steps().get(index)?;
    let intro = step
        .intro
        .as_ref()
        .map(|t| view! { <p class="step-intro">{t.get(lang)}</p> });
    // While only priority referrals are taken, the first step says what
    // counts as priority, before anyone answers the rest.
    let priority_only = use_context::<Notice>().is_some_and(|n| n.status == IntakeStatus::PriorityOnly);
    let priority_note = (index == 0 && priority_only).then(|| {
        view! { <p class="priority-note">{content.policy.intake.messages.priority_criteria.get(lang)}</p> }
    });
    let questions = content
        .questions_in_step(&step.id)
        .map(|question| view! { <QuestionField question/> })
        .collect_view();
    let back = (index > 0).then(|| {
        view! {
            <button type="button" class="secondary" on:click=move |_| wizard.back()>
                {copy.back.get(lang)}
            </button>
        }
    });
    let later_on_first_page = move || index > 0 && wizard.first_page();
    Some(view! {
        // The later steps of the first page are neither shown nor sent
        // (nor checked by the browser) until the worker has the first step.
        <fieldset
            class="step"
            id=format!("step-{index}")
            hidden=move || !wizard.shows_step(index)
            disabled=later_on_first_page
        >
            <legend>
                <h2 id=step_heading_id(index) tabindex="-1">{step.title.get(lang)}</h2>
            </legend>
            {intro}
            {priority_note}
            <ErrorSummary step=index/>
            {questions}
            <Show when=move || wizard.is_active()>
                <div class="actions">
                    <button type="submit" class="primary">{copy.next.get(lang)}</button>
                    {back.clone()}
                </div>
            </Show>
        </fieldset>
    })
}
