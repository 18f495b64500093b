//! The 911/988 notice at the top of every page: this portal is not for emergencies.

use crate::content::intake;
use lead_content::Lang;
use leptos::prelude::*;

#[component]
pub fn EmergencyNotice(lang: Lang) -> impl IntoView {
    let copy = &intake().copy;
    // Per language, so a page that shows both keeps its ids unique.
    let heading_id = format!("emergency-heading-{}", lang.code());
    let labelled_by = heading_id.clone();
    view! {
        <section class="emergency" aria-labelledby=labelled_by lang=lang.code()>
            <h2 id=heading_id>{copy.emergency_heading.get(lang)}</h2>
            <p>{copy.emergency.get(lang)}</p>
        </section>
    }
}
