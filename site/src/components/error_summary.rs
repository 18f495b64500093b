//! The list of problems at the top of a step, each linking to its field.
//! Focus moves here when Continue finds errors.

use crate::content::intake;
use leptos::prelude::*;

use crate::wizard::{field_target, reveal_question, step_errors_id, steps, Wizard};

#[component]
pub fn ErrorSummary(step: usize) -> impl IntoView {
    let wizard = expect_context::<Wizard>();
    let lang = wizard.lang;
    let content = intake();
    let step_id = steps().get(step).map(|s| s.id.as_str()).unwrap_or_default();
    let items = move || {
        let errors = wizard.errors.get();
        content
            .questions_in_step(step_id)
            .filter_map(|q| {
                errors.get(&q.id).map(|message| {
                    let label = q.label.get(lang).trim_end_matches(':').to_owned();
                    view! {
                        <li>
                            <a
                                href=format!("#{}", field_target(q))
                                on:click=move |ev| {
                                    ev.prevent_default();
                                    reveal_question(q);
                                }
                            >
                                {label} " – " {message.clone()}
                            </a>
                        </li>
                    }
                })
            })
            .collect_view()
    };
    let shown = move || {
        wizard.stage.with(|s| *s == crate::wizard::Stage::Step(step))
            && wizard
                .errors
                .with(|e| content.questions_in_step(step_id).any(|q| e.contains_key(&q.id)))
    };
    view! {
        <Show when=shown>
            <div class="error-summary" id=step_errors_id(step) tabindex="-1" role="alert" aria-labelledby=format!("{}-title", step_errors_id(step))>
                <h3 id=format!("{}-title", step_errors_id(step))>{content.copy.errors_heading.get(lang)}</h3>
                <ul>{items}</ul>
            </div>
        </Show>
    }
}
