//! The kind "LEAD may not be the right fit" panel shown instead of step 2
//! when step 1's answers fail a core criterion.

use crate::content::intake;
use lead_content::Lang;
use leptos::prelude::*;

use crate::wizard::{Wizard, NOT_FIT_HEADING_ID};

#[component]
pub fn NotFit(lang: Lang, failed: Vec<usize>) -> impl IntoView {
    let content = intake();
    let copy = &content.copy;
    let wizard = expect_context::<Wizard>();
    let reasons = failed
        .into_iter()
        .filter_map(|i| content.policy.eligibility.get(i))
        .map(|c| view! { <li>{c.reason.get(lang)}</li> })
        .collect_view();
    view! {
        <section class="not-fit" aria-labelledby=NOT_FIT_HEADING_ID>
            <h2 id=NOT_FIT_HEADING_ID tabindex="-1">{copy.not_fit_heading.get(lang)}</h2>
            <p>{copy.not_fit_intro.get(lang)}</p>
            <ul>{reasons}</ul>
            <p>{copy.other_help.get(lang)}</p>
            <button type="button" class="secondary" on:click=move |_| wizard.back()>
                {copy.back.get(lang)}
            </button>
        </section>
    }
}
