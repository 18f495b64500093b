//! `/{lang}/`: the intake page.

use crate::content::intake;
use lead_content::intake_state::Notice;
use lead_content::schema::IntakeStatus;
use lead_content::Lang;
use leptos::either::Either;
use leptos::prelude::*;

use crate::components::emergency_notice::EmergencyNotice;
use crate::components::intake_form::IntakeForm;
use crate::components::intake_status::IntakeStatus as IntakeStatusNotice;
use crate::components::privacy_notice::PrivacyNotice;
use crate::components::site_footer::SiteFooter;
use crate::components::site_header::SiteHeader;
use crate::text::intake_path;
use crate::wizard::FormPart;

#[component]
pub fn IntakePage(lang: Lang, notice: Notice, part: FormPart) -> impl IntoView {
    let content = intake();
    let copy = &content.copy;
    provide_context(notice);
    let program = &content.policy.program;
    let body = if notice.status == IntakeStatus::Paused {
        Either::Left(view! {
            <h2 class="closed">{copy.closed_heading.get(lang)}</h2>
            <p class="program-contact">{content.contact_line(lang)}</p>
        })
    } else {
        Either::Right(view! { <IntakeForm lang part/> })
    };
    view! {
        <SiteHeader lang switch_href=intake_path(lang.other())/>
        // `data-intake` and `data-part` tell the hydrating wasm which notice
        // and which part of the form this page shows.
        <main id="main" class="wrap" tabindex="-1" data-intake=notice.variant() data-part=part.code()>
            <h1>{copy.page_title.get(lang)}</h1>
            <EmergencyNotice lang/>
            <IntakeStatusNotice lang notice/>
            <p class="lead-in">{copy.lead_in.get(lang)}</p>
            <p class="phone-referral">{program.fill(copy.phone_referral.get(lang), lang)}</p>
            {body}
            <PrivacyNotice lang/>
        </main>
        <SiteFooter lang/>
    }
}
