//! Whether referrals are being taken now and, when caseloads are why, that
//! they are (the policy group's `[intake]` messages).

use crate::content::intake;
use lead_content::intake_state::Notice;
use lead_content::schema::IntakeStatus as Status;
use lead_content::Lang;
use leptos::prelude::*;

#[component]
pub fn IntakeStatus(lang: Lang, notice: Notice) -> impl IntoView {
    let content = intake();
    let class = match notice.status {
        Status::Open => "status status-open",
        Status::PriorityOnly => "status status-limited",
        Status::Paused => "status status-paused",
    };
    view! {
        <section class=class aria-labelledby="status-heading">
            <h2 id="status-heading">{content.copy.intake_status_heading.get(lang)}</h2>
            <p>{notice.message(&content.policy.intake).get(lang)}</p>
            // Filled by the worker with the public delivery record; empty
            // (and not shown) while too few referrals fall in its window.
            <p class="delivery-record" data-delivery-record=""></p>
        </section>
    }
}
