//! `/`: choose a language. `lang.js` may forward to the remembered one;
//! without JavaScript the links work.

use crate::content::intake;
use lead_content::Lang;
use leptos::prelude::*;

use crate::components::emergency_notice::EmergencyNotice;
use crate::text::intake_path;

#[component]
pub fn LanguagePage() -> impl IntoView {
    let copy = &intake().copy;
    let links = Lang::ALL
        .into_iter()
        .map(|lang| {
            // `other_language` of the other language is this language's own name.
            view! {
                <li>
                    <a class="button-link" href=intake_path(lang) hreflang=lang.code() lang=lang.code()>
                        {copy.other_language.get(lang.other())}
                    </a>
                    " "
                    <span lang=lang.code()>{copy.page_title.get(lang)}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <main id="main" class="wrap">
            <h1>
                {copy.site_name.get(Lang::En)}
                " / "
                <span lang="es">{copy.site_name.get(Lang::Es)}</span>
            </h1>
            <nav aria-label=format!("{} / {}", copy.language.get(Lang::En), copy.language.get(Lang::Es))>
                <ul class="languages">{links}</ul>
            </nav>
            <EmergencyNotice lang=Lang::En/>
            <EmergencyNotice lang=Lang::Es/>
        </main>
    }
}
