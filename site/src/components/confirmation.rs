//! "Your referral was sent": the no-JS confirmation page and the wizard's
//! last screen share this. It shows the reference and never the answers,
//! how to reach the program, and how soon each tier is reached out to.

use crate::content::intake;
use lead_content::Lang;
use leptos::either::Either;
use leptos::prelude::*;

use crate::wizard::SENT_HEADING_ID;

/// `standalone` pages use it as their `<h1>`; in the wizard it sits under the
/// intake page's heading.
#[component]
pub fn Confirmation(lang: Lang, reference: String, standalone: bool) -> impl IntoView {
    let content = intake();
    let copy = &content.copy;
    let program = &content.policy.program;
    let heading = copy.sent_heading.get(lang);
    let tiers = content
        .policy
        .tiers
        .iter()
        .map(|t| view! { <li><strong>{t.label.get(lang)}</strong> ": " {t.meaning.get(lang)}</li> })
        .collect_view();
    let heading = if standalone {
        Either::Left(view! { <h1 id=SENT_HEADING_ID tabindex="-1">{heading}</h1> })
    } else {
        Either::Right(view! { <h2 id=SENT_HEADING_ID tabindex="-1">{heading}</h2> })
    };
    view! {
        <section class="confirmation" aria-labelledby=SENT_HEADING_ID>
            {heading}
            <p class="reference">
                {copy.reference.get(lang)} ": " <strong class="reference-code">{reference}</strong>
            </p>
            <p class="program-contact">{program.fill(copy.reference_help.get(lang), lang)}</p>
            <h2>{copy.next_steps_heading.get(lang)}</h2>
            <p>{copy.next_steps.get(lang)}</p>
            <h3>{copy.tiers_heading.get(lang)}</h3>
            <p>{copy.tiers_intro.get(lang)}</p>
            <ul class="tiers">{tiers}</ul>
            <p>{copy.confidentiality.get(lang)}</p>
            <p>
                <a class="button-link" href=crate::text::intake_path(lang)>{copy.another.get(lang)}</a>
            </p>
        </section>
    }
}
