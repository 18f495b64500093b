//! `POST /api/csp-report`: what browsers say the Content-Security-Policy
//! blocked, kept to one short log line.

use worker::{Env, Request, Response};

use crate::config;
use crate::error::{ApiError, Limited};
use crate::limit;

/// A browser's report that the Content-Security-Policy blocked something
/// (`report-uri`). Logged as one bounded line, with the directive and the
/// blocked resource's scheme and host only, so an operator sees injection
/// attempts without anything a page held. 204; 413 past 8 KiB; 429 past
/// [`config::CSP_REPORTS_PER_MINUTE`] per client, so reports cannot flood
/// the log or the isolate.
pub async fn report(req: &mut Request, env: &Env) -> Result<Response, ApiError> {
    let db = env.d1(config::DB).map_err(ApiError::unavailable("no database"))?;
    let keys = crate::intake::config(env)?.keys;
    let client = keys.fingerprint("rate", &limit::client(req));
    limit::enforce(&db, Limited::CspReports, &client, 60, config::CSP_REPORTS_PER_MINUTE).await?;
    let body = crate::body::read(req, config::MAX_CSP_REPORT_BYTES).await?;
    worker::console_log!("{}", csp_log_line(&body));
    Ok(crate::http::empty(204))
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
