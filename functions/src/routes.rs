//! Maps requests to handlers and every handler result to a response. The
//! static site is served by the assets binding; only `/api/*`, `/sent`, the
//! CLT's pages (`/clt/*`) and the dashboards (`/en/data/*`, for the
//! community commentary) reach this worker.

use lead_content::reference::Reference;
use lead_content::Lang;
use worker::{Env, Headers, Method, Request, Response};

use crate::config;
use crate::error::ApiError;
use crate::intake::{self, BodyKind};
use crate::pages;

pub async fn handle(mut req: Request, env: Env) -> Response {
    let path = req.path();
    if let Some(response) = crate::clt::handlers::handle(&mut req, &env, &path).await {
        return response;
    }
    let result = match (req.method(), path.as_str()) {
        (Method::Get, "/api/health") => json(200, &serde_json::json!({ "status": "ok" })),
        (Method::Post, "/api/referrals") => return post_referral(&mut req, &env).await,
        (_, "/api/referrals") | (_, "/api/health") => Err(ApiError::MethodNotAllowed),
        (Method::Get, "/sent") => sent_page(&req, &env).await,
        (Method::Post, "/api/csp-report") => Ok(csp_report(&mut req).await),
        _ => Err(ApiError::NotFound),
    };
    result
        .unwrap_or_else(|e| json(e.status(), &e.body()).unwrap_or_else(|_| Response::empty().expect("empty response")))
}

fn json(status: u16, body: &serde_json::Value) -> Result<Response, ApiError> {
    Response::from_json(body)
        .map(|r| r.with_status(status))
        .map_err(|_| ApiError::Unavailable)
}

fn html(status: u16, body: String) -> Response {
    Response::from_html(body)
        .map(|r| r.with_status(status))
        .unwrap_or_else(|_| Response::empty().expect("empty response"))
}

async fn post_referral(req: &mut Request, env: &Env) -> Response {
    let Some(kind) = intake::body_kind(req) else {
        let e = ApiError::UnsupportedMediaType;
        return json(e.status(), &e.body()).unwrap_or_else(|_| html(415, String::new()));
    };
    let outcome = intake::accept(req, env, kind).await;
    match (kind, outcome) {
        (BodyKind::Json, Ok(accepted)) => {
            json(202, &serde_json::to_value(&accepted).unwrap_or_default()).unwrap_or_else(|_| html(202, String::new()))
        }
        (BodyKind::Form, Ok(accepted)) => {
            let headers = Headers::new();
            let _ = headers.set(
                "Location",
                &format!("/sent?ref={}&lang={}", accepted.reference, accepted.lang.code()),
            );
            Response::empty()
                .map(|r| r.with_status(303).with_headers(headers))
                .unwrap_or_else(|_| html(303, String::new()))
        }
        (BodyKind::Json, Err(e)) => with_retry_after(
            &e,
            json(e.status(), &e.body()).unwrap_or_else(|_| html(500, String::new())),
        ),
        (BodyKind::Form, Err(e)) => {
            let lang = match &e {
                ApiError::Invalid { lang, .. } | ApiError::NotEligible { lang, .. } | ApiError::Closed { lang, .. } => {
                    *lang
                }
                _ => Lang::En,
            };
            with_retry_after(&e, html(e.status(), pages::rejection(&e, lang)))
        }
    }
}

fn with_retry_after(error: &ApiError, response: Response) -> Response {
    match error {
        ApiError::RateLimited { retry_after } => {
            crate::headers::with_set(response, &[("Retry-After", &retry_after.to_string())])
        }
        _ => response,
    }
}

#[derive(serde::Deserialize)]
struct SentQuery {
    #[serde(rename = "ref")]
    reference: Option<String>,
    lang: Option<String>,
}

/// The no-JavaScript confirmation: the site's prerendered page with the
/// reference filled in. The reference is re-parsed, so only its own
/// characters ever reach the page.
async fn sent_page(req: &Request, env: &Env) -> Result<Response, ApiError> {
    let query: SentQuery = req.query().map_err(|_| ApiError::NotFound)?;
    let reference = query
        .reference
        .as_deref()
        .and_then(Reference::parse)
        .ok_or(ApiError::NotFound)?;
    let lang = query.lang.as_deref().and_then(Lang::parse).unwrap_or_default();
    let assets = env.assets(config::ASSETS).map_err(|_| ApiError::Unavailable)?;
    let url = format!("https://assets.local/{}/sent/", lang.code());
    let mut template = assets.fetch(url, None).await.map_err(|e| {
        worker::console_error!("sent page: could not read the site's template: {e}");
        ApiError::Unavailable
    })?;
    if template.status_code() != 200 {
        worker::console_error!("sent page: the site's template answered {}", template.status_code());
        return Err(ApiError::Unavailable);
    }
    let text = template.text().await.map_err(|_| ApiError::Unavailable)?;
    Ok(html(
        200,
        text.replace(pages::REFERENCE_PLACEHOLDER, reference.as_str()),
    ))
}

/// A browser's report that the Content-Security-Policy blocked something
/// (`report-uri`). Logged as one line, with the directive and the blocked
/// resource's scheme and host only, so an operator sees injection attempts
/// without anything a page held. Always 204.
async fn csp_report(req: &mut Request) -> Response {
    let body = req.bytes().await.unwrap_or_default();
    let report: serde_json::Value = if body.len() <= 16 * 1024 {
        serde_json::from_slice(&body).unwrap_or_default()
    } else {
        serde_json::Value::Null
    };
    let report = &report["csp-report"];
    let field = |name: &str| report[name].as_str().unwrap_or("").to_owned();
    let directive: String = field("effective-directive")
        .chars()
        .chain(
            field("violated-directive")
                .chars()
                .take(if field("effective-directive").is_empty() { 64 } else { 0 }),
        )
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(64)
        .collect();
    let blocked = field("blocked-uri");
    let blocked: String = match blocked.split_once("://") {
        Some((scheme, rest)) => format!("{scheme}://{}", rest.split(['/', '?', '#']).next().unwrap_or("")),
        None => blocked.split([':', '/', '?', '#']).next().unwrap_or("").to_owned(),
    }
    .chars()
    .filter(|c| c.is_ascii_graphic())
    .take(100)
    .collect();
    worker::console_log!("csp-violation directive={directive} blocked={blocked}");
    Response::empty()
        .map(|r| r.with_status(204))
        .unwrap_or_else(|_| html(204, String::new()))
}
