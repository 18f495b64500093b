//! "Check your answers": every question with its answer as shown to the
//! person (option labels, not values) and a Change button per step.

use crate::content::intake;
use lead_content::QuestionKind;
use leptos::prelude::*;

use crate::wizard::{steps, Wizard, REVIEW_HEADING_ID};

#[component]
pub fn Review() -> impl IntoView {
    let wizard = expect_context::<Wizard>();
    let lang = wizard.lang;
    let content = intake();
    let copy = &content.copy;
    let sections = steps()
        .iter()
        .enumerate()
        .map(|(index, step)| {
            let rows = content
                .questions_in_step(&step.id)
                .map(|q| {
                    let answer = wizard.answer(&q.id);
                    let shown = if answer.trim().is_empty() {
                        copy.not_answered.get(lang).to_owned()
                    } else if q.kind == QuestionKind::Choice {
                        content.option_label(q, &answer, lang).unwrap_or(&answer).to_owned()
                    } else {
                        answer
                    };
                    view! {
                        <div class="review-row">
                            <dt>{q.label.get(lang)}</dt>
                            <dd>{shown}</dd>
                        </div>
                    }
                })
                .collect_view();
            view! {
                <section class="review-step">
                    <h3>{step.title.get(lang)}</h3>
                    <dl>{rows}</dl>
                    <button type="button" class="secondary" on:click=move |_| wizard.change_from_review(index)>
                        {copy.change.get(lang)}
                        <span class="visually-hidden">": " {step.title.get(lang)}</span>
                    </button>
                </section>
            }
        })
        .collect_view();
    view! {
        <section class="review" aria-labelledby=REVIEW_HEADING_ID>
            <h2 id=REVIEW_HEADING_ID tabindex="-1">{copy.review_heading.get(lang)}</h2>
            <p>{copy.review_intro.get(lang)}</p>
            {sections}
        </section>
    }
}
