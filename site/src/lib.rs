//! The public referral portal.
//!
//! Every page is a Leptos component rendered to static HTML at build time
//! (feature `ssr`, see [`render`] and the `prerender` binary). Only the intake
//! pages are hydrated in the browser (feature `hydrate`), where the same DOM
//! becomes a step-by-step wizard; without JavaScript it stays one plain form.
//! All text and every validation rule come from `lead-content`.

// The view types of the intake form nest deeply.
#![recursion_limit = "256"]

pub mod app;
pub mod components;
pub mod content;
pub mod pages;
pub mod text;
pub mod wizard;

#[cfg(feature = "ssr")]
pub mod dashboards;
#[cfg(feature = "ssr")]
pub mod render;

/// Browser entry point, called by `hydrate.js` once the module has loaded.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // No panic hook: it costs about 3 KB brotli of a 150 KB budget, and a
    // page whose hydration fails still works as the plain form.
    let document = leptos::prelude::document();
    let lang = document
        .document_element()
        .and_then(|html| html.get_attribute("lang"))
        .and_then(|code| lead_content::Lang::parse(&code))
        .unwrap_or_default();
    // The notice the page was prerendered with (the worker served the one
    // that holds now), so the hydrated tree matches the HTML.
    let notice = document
        .query_selector("main[data-intake]")
        .ok()
        .flatten()
        .and_then(|main| main.get_attribute("data-intake"))
        .and_then(|name| lead_content::intake_state::Notice::from_variant(&name))
        .unwrap_or(lead_content::intake_state::Notice::policy(
            content::intake().policy.intake.status,
        ));
    let part = document
        .query_selector("main[data-part]")
        .ok()
        .flatten()
        .and_then(|main| main.get_attribute("data-part"))
        .and_then(|code| wizard::FormPart::parse(&code))
        .unwrap_or(wizard::FormPart::First);
    leptos::mount::hydrate_body(move || leptos::view! { <app::App lang notice part/> });
}
