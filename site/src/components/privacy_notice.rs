//! The privacy notice: the policy file's `[privacy]` fields (what is
//! collected, why, who sees and checks a referral, what the person referred
//! may learn, how long it is kept, what stays on the device) and how to
//! reach the program with questions.

use crate::content::intake;
use lead_content::Lang;
use leptos::prelude::*;

#[component]
pub fn PrivacyNotice(lang: Lang) -> impl IntoView {
    let content = intake();
    let copy = &content.copy;
    let privacy = &content.policy.privacy;
    let fields = [
        (&copy.privacy_collect, &privacy.collect),
        (&copy.privacy_purpose, &privacy.purpose),
        (&copy.privacy_seen_by, &privacy.seen_by),
        (&copy.privacy_vetted_by, &privacy.vetted_by),
        (&copy.privacy_referred_person, &privacy.referred_person),
        (&copy.privacy_retention, &privacy.retention),
        (&copy.privacy_on_device, &privacy.on_device),
    ]
    .into_iter()
    .map(|(term, text)| view! { <dt>{term.get(lang)}</dt> <dd>{text.get(lang)}</dd> })
    .collect_view();
    view! {
        <section class="privacy" aria-labelledby="privacy-heading">
            <h2 id="privacy-heading">{copy.privacy_heading.get(lang)}</h2>
            <dl>
                {fields}
                <dt>{copy.privacy_questions.get(lang)}</dt>
                <dd>{content.contact_line(lang)}</dd>
            </dl>
        </section>
    }
}
