//! `/404.html`. The content has no "page not found" text yet, so this page
//! offers the way back to the intake page in both languages.

use crate::content::intake;
use lead_content::Lang;
use leptos::prelude::*;

use crate::text::intake_path;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    let copy = &intake().copy;
    let links = Lang::ALL
        .into_iter()
        .map(|lang| {
            view! {
                <li lang=lang.code()>
                    <a href=intake_path(lang)>{copy.page_title.get(lang)}</a>
                </li>
            }
        })
        .collect_view();
    view! {
        <main id="main" class="wrap">
            <h1>{copy.site_name.get(Lang::En)}</h1>
            <ul>{links}</ul>
            <p>{copy.emergency.get(Lang::En)}</p>
            <p lang="es">{copy.emergency.get(Lang::Es)}</p>
        </main>
    }
}
