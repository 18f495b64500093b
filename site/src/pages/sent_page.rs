//! `/{lang}/sent/`: the confirmation after the plain (no-JS) form. Not
//! hydrated. The worker replaces [`REFERENCE_PLACEHOLDER`] with the reference.

use lead_content::Lang;
use leptos::prelude::*;

use crate::components::confirmation::Confirmation;
use crate::components::emergency_notice::EmergencyNotice;
use crate::components::site_footer::SiteFooter;
use crate::components::site_header::SiteHeader;
use crate::text::intake_path;

/// Appears exactly once in the page, where the reference is shown.
pub const REFERENCE_PLACEHOLDER: &str = "{{REFERENCE}}";

#[component]
pub fn SentPage(lang: Lang) -> impl IntoView {
    view! {
        <SiteHeader lang switch_href=intake_path(lang.other())/>
        <main id="main" class="wrap" tabindex="-1">
            <Confirmation lang reference=REFERENCE_PLACEHOLDER.to_owned() standalone=true/>
            <EmergencyNotice lang/>
        </main>
        <SiteFooter lang/>
    }
}
