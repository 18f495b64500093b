//! `chaos headers`.
//!
//! The security headers of every kind of response, as a table.

use std::process::ExitCode;

use lead_e2e::portal::{Options, Portal};
use lead_e2e::receiver::Receiver;
use lead_e2e::TEST_SECRET;

/// The security headers of every kind of response, as a table.
pub fn headers() -> ExitCode {
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    let agent = ureq::AgentBuilder::new().redirects(0).build();
    let token = lead_e2e::member::invite(&portal, "H", "O", "h@example.org", "member");
    let join = agent
        .post(&portal.url("/api/clt/join"))
        .set("Origin", &portal.url(""))
        .send_form(&[("invitation", token.as_str())]);
    let cookie = match &join {
        Ok(r) => r.header("Set-Cookie").unwrap_or_default().to_owned(),
        Err(e) => format!("sign-in failed: {e}"),
    };
    let routes: [(&str, &str); 15] = [
        ("GET", "/"),
        ("GET", "/en/"),
        ("GET", "/en/poster/"),
        ("GET", "/en/data/capacity/"),
        ("GET", "/data/cells.csv"),
        ("GET", "/pkg/lead_site_bg.wasm"),
        ("GET", "/no-such-page"),
        ("GET", "/api/health"),
        ("POST", "/api/referrals"),
        ("GET", "/sent?ref=LEAD-00000-00000"),
        ("GET", "/en/clt/"),
        ("GET", "/api/clt/me"),
        ("GET", "/staff/"),
        ("GET", "/api/status"),
        ("GET", "/en/data/"),
    ];
    /// A header check: its column name and what a good value satisfies.
    type Check = (&'static str, fn(&str) -> bool);
    let checks: [Check; 6] = [
        ("CSP", |v| {
            v.contains("default-src 'self'") && !v.contains("unsafe-inline")
        }),
        ("frame-ancestors", |v| v.contains("frame-ancestors 'none'")),
        ("nosniff", |v| v == "nosniff"),
        ("HSTS", |v| v.contains("max-age=") && v.contains("includeSubDomains")),
        ("Referrer-Policy", |v| v == "no-referrer"),
        ("Permissions-Policy", |v| v.contains("camera=()")),
    ];
    fn header_of(check: &str) -> &str {
        match check {
            "CSP" | "frame-ancestors" => "Content-Security-Policy",
            "nosniff" => "X-Content-Type-Options",
            "HSTS" => "Strict-Transport-Security",
            other => other,
        }
    }
    println!();
    println!(
        "| route | status | {} |",
        checks.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(" | ")
    );
    println!("| --- | --- |{}", " --- |".repeat(checks.len()));
    let mut missing = 0;
    for (method, path) in routes {
        let result = match method {
            "POST" => agent.post(&portal.url(path)).send_json(serde_json::json!({})),
            _ => agent.get(&portal.url(path)).call(),
        };
        let response = match result {
            Ok(r) | Err(ureq::Error::Status(_, r)) => r,
            Err(e) => {
                println!("| {method} {path} | error: {e} |");
                missing += checks.len();
                continue;
            }
        };
        let cells: Vec<&str> = checks
            .iter()
            .map(|(name, ok)| {
                let good = response.header(header_of(name)).is_some_and(ok);
                missing += usize::from(!good);
                if good {
                    "yes"
                } else {
                    "**no**"
                }
            })
            .collect();
        println!("| {method} {path} | {} | {} |", response.status(), cells.join(" | "));
    }
    let cookie_ok = ["__Host-", "Path=/", "Secure", "HttpOnly", "SameSite=Strict"]
        .iter()
        .all(|part| cookie.contains(part))
        && !cookie.contains("Domain");
    println!();
    println!(
        "CLT session cookie: {} ({})",
        if cookie_ok { "ok" } else { "**not ok**" },
        cookie.split(';').skip(1).map(str::trim).collect::<Vec<_>>().join("; ")
    );
    println!("headers missing or wrong: {missing}");
    println!(
        "headline: {} routes × {} headers: {missing} missing or wrong; session cookie {}",
        routes.len(),
        checks.len(),
        if cookie_ok { "ok" } else { "not ok" }
    );
    if missing == 0 && cookie_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
