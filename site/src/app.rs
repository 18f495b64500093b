//! The hydrated root: the intake page in one language. The prerenderer and
//! the browser both start from this component so their trees match.

use lead_content::Lang;
use leptos::prelude::*;

use crate::pages::intake_page::IntakePage;

#[component]
pub fn App(lang: Lang) -> impl IntoView {
    view! { <IntakePage lang/> }
}
