//! The page footer.

use crate::content::intake;
use lead_content::Lang;
use leptos::prelude::*;

#[component]
pub fn SiteFooter(lang: Lang) -> impl IntoView {
    let copy = &intake().copy;
    view! {
        <footer class="site-footer">
            <div class="wrap">
                <p>{copy.site_name.get(lang)}</p>
                <p><a href=lead_data::paths::dashboards(lang)>{copy.data_link.get(lang)}</a></p>
            </div>
        </footer>
    }
}
