//! What is collected, why, who sees it and for how long.

use crate::content::intake;
use lead_content::Lang;
use leptos::prelude::*;

#[component]
pub fn PrivacyNotice(lang: Lang) -> impl IntoView {
    let copy = &intake().copy;
    view! {
        <section class="privacy" aria-labelledby="privacy-heading">
            <h2 id="privacy-heading">{copy.privacy_heading.get(lang)}</h2>
            <p>{copy.privacy.get(lang)}</p>
        </section>
    }
}
