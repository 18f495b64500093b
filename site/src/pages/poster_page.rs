//! `/{lang}/poster/`: a printable poster with a QR code to the intake page.
//! Not hydrated; the QR code is drawn at build time.

use crate::content::intake;
use lead_content::Lang;
use leptos::prelude::*;

use crate::components::emergency_notice::EmergencyNotice;

/// `url` is the intake page's absolute address; `qr_svg` its QR code as SVG.
#[component]
pub fn PosterPage(lang: Lang, url: String, qr_svg: String) -> impl IntoView {
    let copy = &intake().copy;
    view! {
        <main id="main" class="poster">
            <h1>{copy.poster_title.get(lang)}</h1>
            <p class="poster-body">{copy.poster_body.get(lang)}</p>
            <div class="qr" inner_html=qr_svg></div>
            <p class="poster-url">{url}</p>
            <EmergencyNotice lang/>
        </main>
    }
}
