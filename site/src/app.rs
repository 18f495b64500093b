//! The hydrated root: the intake page in one language. The prerenderer and
//! the browser both start from this component so their trees match.

use lead_content::intake_state::Notice;
use lead_content::Lang;
use leptos::prelude::*;

use crate::pages::intake_page::IntakePage;
use crate::wizard::FormPart;

/// The intake page in `lang`, showing intake as `notice` says: the page is
/// prerendered once for each notice, and the worker serves the one that
/// holds now.
#[component]
pub fn App(lang: Lang, notice: Notice, part: FormPart) -> impl IntoView {
    view! { <IntakePage lang notice part/> }
}
