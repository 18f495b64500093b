//! The kind "LEAD may not be the right fit" panel shown instead of step 2
//! when step 1's answers fail a core criterion.

use crate::content::intake;
use lead_content::Lang;
use leptos::prelude::*;

use crate::wizard::{Wizard, NOT_FIT_HEADING_ID};

#[component]
pub fn NotFit(lang: Lang, failed: Vec<(usize, bool)>) -> impl IntoView {
    let content = intake();
    let copy = &content.copy;
    let wizard = expect_context::<Wizard>();
    let failed: Vec<lead_content::referral::Failed<'_>> = failed
        .into_iter()
        .filter_map(|(i, not_sure)| {
            let criterion = content.policy.eligibility.get(i)?;
            Some(lead_content::referral::Failed { criterion, not_sure })
        })
        .collect();
    let reasons = content
        .not_fit_reasons(&failed, lang)
        .into_iter()
        .map(|reason| view! { <li>{reason}</li> })
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
