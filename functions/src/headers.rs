//! Security headers for every response the worker makes. The static site
//! gets the same set from `_headers`, written by the site build; a test
//! checks that both agree.

use worker::{Headers, Response};

pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'; report-uri /api/csp-report";

pub const SECURITY_HEADERS: [(&str, &str); 5] = [
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Strict-Transport-Security", "max-age=63072000; includeSubDomains"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
];

pub fn secure(response: Response) -> Response {
    let cached = response.headers().get("Cache-Control").ok().flatten().is_some();
    let response = with_set(response, &SECURITY_HEADERS);
    if cached {
        response
    } else {
        with_set(response, &[("Cache-Control", "no-store")])
    }
}

/// The response with these headers set. Headers are copied into a new set
/// because a response's own headers may be immutable (fetched responses).
pub fn with_set(response: Response, set: &[(&str, &str)]) -> Response {
    let headers = Headers::new();
    for (name, value) in response.headers().entries() {
        let _ = headers.set(&name, &value);
    }
    for (name, value) in set {
        let _ = headers.set(name, value);
    }
    response.with_headers(headers)
}
