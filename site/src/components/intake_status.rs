//! Whether referrals are being taken, from the policy group's `[intake]`.

use crate::content::intake;
use lead_content::schema::IntakeStatus as Status;
use lead_content::Lang;
use leptos::prelude::*;

#[component]
pub fn IntakeStatus(lang: Lang) -> impl IntoView {
    let content = intake();
    let policy = &content.policy.intake;
    let class = match policy.status {
        Status::Open => "status status-open",
        Status::PriorityOnly => "status status-limited",
        Status::Paused => "status status-paused",
    };
    view! {
        <section class=class aria-labelledby="status-heading">
            <h2 id="status-heading">{content.copy.intake_status_heading.get(lang)}</h2>
            <p>{policy.message().get(lang)}</p>
        </section>
    }
}
