//! Rules every page of the portal follows, written once for the site's
//! prerendered pages and the pages the worker makes: the security headers
//! (the worker sets them on its responses, the site build writes them to
//! `_headers` for the static files), the HTML escaper and the document
//! around a page's body.

use crate::Lang;

/// What a page may load and where it may send: nothing inline, nothing from
/// elsewhere, violations reported to the portal itself.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'; report-uri /api/csp-report";

/// What a hydrated page loads in its head: the site's module and the
/// files Leptos reads first. A page the worker fills in with a person's
/// answers leaves it out, so it stays the plain form it was sent from.
pub const HYDRATE_HEAD: &str = concat!(
    "<link rel=\"modulepreload\" href=\"/pkg/lead_site.js\">",
    "<link rel=\"preload\" href=\"/pkg/lead_site_bg.wasm\" as=\"fetch\" type=\"application/wasm\" crossorigin>",
    "<script src=\"/boot.js\"></script>",
    "<script type=\"module\" src=\"/hydrate.js\"></script>",
);

/// The headers on every response, static or not.
pub const SECURITY_HEADERS: [(&str, &str); 5] = [
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Strict-Transport-Security", "max-age=63072000; includeSubDomains"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
];

/// Cloudflare's `_headers` file for the static site: [`SECURITY_HEADERS`]
/// on every path.
pub fn headers_file() -> String {
    let mut out = String::from("/*\n");
    for (name, value) in SECURITY_HEADERS {
        out.push_str(&format!("  {name}: {value}\n"));
    }
    out
}

/// Text made safe for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A complete page around `body`.
pub struct Document<'a> {
    pub lang: Lang,
    /// Plain text; escaped here.
    pub title: &'a str,
    /// What the page is for, in a sentence (`<meta name="description">`,
    /// what search results and link previews show); plain text.
    pub description: &'a str,
    /// Stylesheets after `/site.css`.
    pub stylesheets: &'a [&'a str],
    /// Trusted markup for the end of `<head>` (the scripts a page loads).
    pub head: &'a str,
    /// The page's markup; `<body>` holds exactly this, with no whitespace
    /// around it, as hydration requires.
    pub body: &'a str,
}

impl Document<'_> {
    pub fn render(&self) -> String {
        let mut head = String::from(
            "<meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
        );
        head.push_str(&format!("<title>{}</title>", escape(self.title)));
        head.push_str(&format!(
            "<meta name=\"description\" content=\"{}\">",
            escape(self.description)
        ));
        // No favicon request (and no 404 in the console); `data:` is allowed by img-src.
        head.push_str("<link rel=\"icon\" href=\"data:,\"><link rel=\"stylesheet\" href=\"/site.css\">");
        for css in self.stylesheets {
            head.push_str(&format!("<link rel=\"stylesheet\" href=\"{}\">", escape(css)));
        }
        head.push_str(self.head);
        format!(
            "<!DOCTYPE html><html lang=\"{}\"><head>{head}</head><body>{}</body></html>\n",
            self.lang.code(),
            self.body
        )
    }
}

/// A QR code of `url` as an `<svg>` element sized by CSS (class
/// `qr-code`), labelled with the address it holds: the poster's, and an
/// invitation link's in the staff console. `None` if the text is too long
/// for a QR code.
#[cfg(feature = "qr")]
pub fn qr_svg(url: &str) -> Option<String> {
    use qrcode::render::svg;
    let code = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M).ok()?;
    let svg = code
        .render::<svg::Color>()
        .quiet_zone(true)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    let start = svg.find("<svg").unwrap_or(0);
    Some(svg[start..].replacen(
        "<svg ",
        &format!("<svg class=\"qr-code\" role=\"img\" aria-label=\"{}\" ", escape(url)),
        1,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_leaves_only_text() {
        assert_eq!(
            escape(r#"<a href="x" onclick='y'>&</a>"#),
            "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
    }

    #[test]
    fn the_headers_file_holds_every_header_once() {
        let file = headers_file();
        assert!(file.starts_with("/*\n"));
        for (name, value) in SECURITY_HEADERS {
            assert_eq!(file.matches(&format!("  {name}: {value}\n")).count(), 1, "{name}");
        }
    }
}
