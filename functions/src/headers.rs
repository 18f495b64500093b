//! The security headers on every response the worker makes. They are
//! defined once, in `lead_content::page`, which also writes the static
//! site's `_headers`; a response that says how it may be cached keeps that,
//! anything else is `no-store` (pages and answers may hold a reference).

use lead_content::page::SECURITY_HEADERS;
use worker::Response;

use crate::http::with_headers;

pub fn secure(response: Response) -> Response {
    let cached = response.headers().get("Cache-Control").ok().flatten().is_some();
    let response = with_headers(response, &SECURITY_HEADERS);
    if cached {
        response
    } else {
        with_headers(response, &[("Cache-Control", "no-store")])
    }
}
