//! Maps requests to handlers and every handler result to a response. The
//! static site is served by the assets binding; only `/api/*`, `/sent`, the
//! intake pages (`/en/`, `/es/`, for a fresh idempotency key), the CLT's
//! pages (`/clt/*`) and the dashboards (`/en/data/*`, for the community
//! commentary) reach this worker.

use lead_content::reference::Reference;
use lead_content::referral::IDEMPOTENCY_PLACEHOLDER;
use lead_content::Lang;
use worker::{Context, Env, Headers, Method, Request, Response};

use crate::config;
use crate::error::ApiError;
use crate::intake::{self, BodyKind};
use crate::pages;

pub async fn handle(mut req: Request, env: Env, ctx: Context) -> Response {
    let path = req.path();
    if let Some(response) = crate::clt::handlers::handle(&mut req, &env, &path).await {
        return response;
    }
    let result = match (req.method(), path.as_str()) {
        (Method::Get, "/api/health") => health(&env),
        (Method::Post, "/api/referrals") => return post_referral(&mut req, &env, &ctx).await,
        (_, "/api/referrals") | (_, "/api/health") => Err(ApiError::MethodNotAllowed),
        (Method::Get, "/sent") => sent_page(&req, &env).await,
        (Method::Get, p) if intake_lang(p).is_some() => intake_page(&env, intake_lang(p).unwrap_or_default()).await,
        // HEAD and the like on an intake page: the static page as is.
        (_, p) if intake_lang(p).is_some() => static_asset(&req, &env).await,
        (Method::Post, "/api/csp-report") => csp_report(&mut req, &env).await,
        _ => Err(ApiError::NotFound),
    };
    result.unwrap_or_else(|e| {
        let response = json(e.status(), &e.body()).unwrap_or_else(|_| html(e.status(), String::new()));
        with_retry_after(&e, response)
    })
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

async fn post_referral(req: &mut Request, env: &Env, ctx: &Context) -> Response {
    let Some(kind) = intake::body_kind(req) else {
        let e = ApiError::UnsupportedMediaType;
        return json(e.status(), &e.body()).unwrap_or_else(|_| html(415, String::new()));
    };
    let outcome = intake::accept(req, env, kind).await.map(|(accepted, deliver)| {
        // Stored: answer now, deliver in the background of this request.
        if let Some(d) = deliver {
            ctx.wait_until(crate::delivery::deliver_new(env.clone(), d.config, d.claimed));
        }
        accepted
    });
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

/// `ok`, or 503 naming the setting that keeps the portal from taking and
/// delivering referrals (a deploy check and `.ci/portal` wait on this).
fn health(env: &Env) -> Result<Response, ApiError> {
    match intake::config(env) {
        Ok(_) => json(200, &serde_json::json!({ "status": "ok" })),
        Err(ApiError::Misconfigured(e)) => json(
            503,
            &serde_json::json!({ "status": "misconfigured", "setting": e.setting(), "message": e.to_string() }),
        ),
        Err(e) => Err(e),
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

/// The site's prerendered page at `path`, as text.
async fn site_page(env: &Env, path: &str) -> Result<String, ApiError> {
    let assets = env.assets(config::ASSETS).map_err(|_| ApiError::Unavailable)?;
    let mut template = assets
        .fetch(format!("https://assets.local{path}"), None)
        .await
        .map_err(|e| {
            worker::console_error!("page {path}: could not read the site's template: {e}");
            ApiError::Unavailable
        })?;
    if template.status_code() != 200 {
        worker::console_error!("page {path}: the site's template answered {}", template.status_code());
        return Err(ApiError::Unavailable);
    }
    template.text().await.map_err(|_| ApiError::Unavailable)
}

async fn static_asset(req: &Request, env: &Env) -> Result<Response, ApiError> {
    let assets = env.assets(config::ASSETS).map_err(|_| ApiError::Unavailable)?;
    let request = req.clone().map_err(|_| ApiError::Unavailable)?;
    assets.fetch_request(request).await.map_err(|_| ApiError::Unavailable)
}

/// The language of an intake page path (`/en/`, `/es/`).
fn intake_lang(path: &str) -> Option<Lang> {
    let code = path.strip_prefix('/')?.strip_suffix('/')?;
    Lang::parse(code)
}

/// The intake page with a fresh idempotency key in the form's hidden
/// field, so the form sent twice without JavaScript (Back, then Send
/// again) is stored once. Never cached: each view gets its own key.
async fn intake_page(env: &Env, lang: Lang) -> Result<Response, ApiError> {
    let text = site_page(env, &format!("/{}/", lang.code())).await?;
    let bytes = intake::random::<16>()?;
    let key: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Ok(html(200, text.replace(IDEMPOTENCY_PLACEHOLDER, &key)))
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
    let text = site_page(env, &format!("/{}/sent/", lang.code())).await?;
    Ok(html(
        200,
        text.replace(pages::REFERENCE_PLACEHOLDER, reference.as_str()),
    ))
}

/// A browser's report that the Content-Security-Policy blocked something
/// (`report-uri`). Logged as one bounded line, with the directive and the
/// blocked resource's scheme and host only, so an operator sees injection
/// attempts without anything a page held. 204; 413 past 8 KiB; 429 past
/// [`config::CSP_REPORTS_PER_MINUTE`] per client, so reports cannot flood
/// the log or the isolate.
async fn csp_report(req: &mut Request, env: &Env) -> Result<Response, ApiError> {
    let db = env.d1(config::DB).map_err(|_| ApiError::Unavailable)?;
    let keys = intake::config(env)?.keys;
    let client = keys.fingerprint("rate", &crate::limit::client(req));
    let limited = crate::limit::hit(
        &db,
        "csp-report",
        &client,
        60,
        config::CSP_REPORTS_PER_MINUTE,
        crate::time::now_ms(),
    )
    .await
    .map_err(|e| {
        worker::console_error!("csp-report: rate limit count failed: {e}");
        ApiError::Unavailable
    })?;
    if let Some(retry_after) = limited {
        return Err(ApiError::RateLimited { retry_after });
    }
    let body = crate::body::read(req, config::MAX_CSP_REPORT_BYTES).await?;
    worker::console_log!("{}", csp_log_line(&body));
    Response::empty()
        .map(|r| r.with_status(204))
        .map_err(|_| ApiError::Unavailable)
}

/// The one line logged for a CSP report, at most about 200 characters.
pub fn csp_log_line(body: &[u8]) -> String {
    let report: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let report = &report["csp-report"];
    let field = |name: &str| report[name].as_str().unwrap_or("").to_owned();
    let directive = if field("effective-directive").is_empty() {
        field("violated-directive")
    } else {
        field("effective-directive")
    };
    let directive: String = directive
        .chars()
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
    format!("csp-violation directive={directive} blocked={blocked}")
}

#[cfg(test)]
mod tests {
    use super::csp_log_line;

    #[test]
    fn a_csp_report_logs_one_short_line_without_paths_or_queries() {
        let report = serde_json::json!({"csp-report": {
            "effective-directive": "script-src-elem",
            "blocked-uri": "https://evil.example/x.js?name=Sam+Doe",
            "document-uri": "https://refer.example.org/en/?secret",
        }});
        let line = csp_log_line(report.to_string().as_bytes());
        assert_eq!(
            line,
            "csp-violation directive=script-src-elem blocked=https://evil.example"
        );
        let huge = serde_json::json!({"csp-report": {
            "violated-directive": "x".repeat(5000),
            "blocked-uri": format!("data:{}", "y".repeat(5000)),
        }});
        assert!(csp_log_line(huge.to_string().as_bytes()).len() < 200);
        assert_eq!(csp_log_line(b"not json"), "csp-violation directive= blocked=");
    }
}
