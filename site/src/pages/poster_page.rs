//! `/{lang}/poster/`: a printable poster for a shop window or a notice
//! board, in both languages (the page's first), with the program's name and
//! phone number and a QR code of the address printed under it. Not
//! hydrated; the QR code is drawn at build time. One page on Letter and A4.

use crate::content::intake;
use lead_content::Lang;
use leptos::prelude::*;

use crate::components::emergency_notice::EmergencyNotice;

/// `url` is the intake page's absolute address and `qr_svg` its QR code
/// (the same text, so what is printed is where the code goes); `local`
/// when that address only works on the computer that built the site.
#[component]
pub fn PosterPage(lang: Lang, url: String, qr_svg: String, local: bool) -> impl IntoView {
    let content = intake();
    let copy = &content.copy;
    let program = &content.policy.program;
    let other = lang.other();
    let test_print = local.then(|| view! { <p class="poster-test">{copy.poster_local.get(lang)}</p> });
    view! {
        <main id="main" class="poster">
            <p class="poster-program">{copy.site_name.get(lang)}</p>
            <h1>{copy.poster_title.get(lang)}</h1>
            <p class="poster-body">{copy.poster_body.get(lang)}</p>
            <div class="poster-other" lang=other.code()>
                <p class="poster-other-title">{copy.poster_title.get(other)}</p>
                <p>{copy.poster_body.get(other)} " " {copy.poster_switch.get(other)}</p>
            </div>
            <div class="qr" inner_html=qr_svg></div>
            <p class="poster-url">{url}</p>
            <p class="poster-phone">{program.fill(copy.poster_phone.get(lang), lang)}</p>
            <p class="poster-phone" lang=other.code()>{program.fill(copy.poster_phone.get(other), other)}</p>
            {test_print}
            <EmergencyNotice lang/>
        </main>
    }
}
