//! Skip link, site name and the switch to the other language.

use crate::content::intake;
use lead_content::Lang;
use leptos::prelude::*;

use crate::wizard::remember_lang;

/// `switch_href` is the same page in the other language.
#[component]
pub fn SiteHeader(lang: Lang, switch_href: String) -> impl IntoView {
    let copy = &intake().copy;
    let other = lang.other();
    view! {
        <a class="skip-link" href="#main">{copy.skip_link.get(lang)}</a>
        <header class="site-header">
            <div class="wrap header-row">
                <a class="site-name" href=crate::text::intake_path(lang)>{copy.site_name.get(lang)}</a>
                <nav aria-label=copy.language.get(lang)>
                    <a
                        class="lang-switch"
                        href=switch_href
                        hreflang=other.code()
                        lang=other.code()
                        on:click=move |_| remember_lang(other)
                    >
                        {copy.other_language.get(lang)}
                    </a>
                </nav>
            </div>
        </header>
    }
}
