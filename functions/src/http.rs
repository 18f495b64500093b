//! The one way the worker builds a response: JSON, a page, a redirect or
//! nothing, with headers set on top; and the one way an [`ApiError`] is
//! answered, as JSON to a program or as a page to a person.

use worker::{Headers, Method, Request, Response};

use crate::error::ApiError;
use crate::pages::Area;

/// How a request wants to be answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A program: JSON.
    Json,
    /// A person's browser, perhaps without JavaScript: a page, or a 303 to
    /// one.
    Page,
}

fn header(req: &Request, name: &str) -> String {
    req.headers()
        .get(name)
        .ok()
        .flatten()
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// The media type of the request body, without parameters.
pub fn content_type(req: &Request) -> String {
    header(req, "Content-Type")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_owned()
}

pub const FORM: &str = "application/x-www-form-urlencoded";
pub const JSON: &str = "application/json";

impl Format {
    /// JSON for a JSON body, `Accept: application/json`, or any `/api/`
    /// request that is not a form post; a page for form posts and for
    /// everything a browser navigates to.
    pub fn of(req: &Request) -> Format {
        let content_type = content_type(req);
        let asks_json = content_type == JSON || header(req, "Accept").starts_with(JSON);
        let form_post = req.method() == Method::Post && content_type == FORM;
        if asks_json || (req.path().starts_with("/api/") && !form_post) {
            Format::Json
        } else {
            Format::Page
        }
    }
}

pub fn json(status: u16, body: &serde_json::Value) -> Response {
    Response::from_json(body)
        .map(|r| r.with_status(status))
        .unwrap_or_else(|_| empty(status))
}

pub fn html(status: u16, body: String) -> Response {
    Response::from_html(body)
        .map(|r| r.with_status(status))
        .unwrap_or_else(|_| empty(status))
}

pub fn empty(status: u16) -> Response {
    Response::empty()
        .map(|r| r.with_status(status))
        .unwrap_or_else(|_| Response::empty().expect("an empty response can always be made"))
}

/// 303 See Other: where a form post goes next.
pub fn see_other(location: &str) -> Response {
    with_headers(empty(303), &[("Location", location)])
}

/// 301 to where a page has moved for good.
pub fn moved(location: &str) -> Response {
    with_headers(empty(301), &[("Location", location)])
}

/// The response with these headers set. Headers are copied into a new set
/// because a response's own headers may be immutable (fetched responses).
pub fn with_headers(response: Response, set: &[(&str, &str)]) -> Response {
    let headers = Headers::new();
    for (name, value) in response.headers().entries() {
        let _ = headers.set(&name, &value);
    }
    for (name, value) in set {
        let _ = headers.set(name, value);
    }
    response.with_headers(headers)
}

/// The value of the cookie `name` in a `Cookie` header (empty values and
/// values over 128 characters are none).
pub fn cookie<'a>(cookie_header: &'a str, name: &str) -> Option<&'a str> {
    cookie_header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value.trim())
        .filter(|v| !v.is_empty() && v.len() <= 128)
}

/// The request's `Cookie` header (empty without one).
pub fn cookies(req: &Request) -> String {
    req.headers().get("Cookie").ok().flatten().unwrap_or_default()
}

/// The answer to an error: its JSON body, or the page of `area` that
/// explains it; `Retry-After` when there is a wait.
pub fn error(e: &ApiError, format: Format, area: Area) -> Response {
    let response = match format {
        Format::Json => json(e.status(), &e.body()),
        Format::Page => html(e.status(), crate::pages::error_page(e, area)),
    };
    match e.retry_after() {
        Some(seconds) => with_headers(response, &[("Retry-After", &seconds.to_string())]),
        None => response,
    }
}
