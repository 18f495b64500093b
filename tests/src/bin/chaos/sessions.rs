//! `chaos sessions`.
//!
//! Attacks on CLT sessions and sign-in, each counted as attempts and
//! successes (the goal for every row is 0 successes).

use crate::common::invitation;
use std::process::ExitCode;
use std::thread;

use lead_e2e::portal::{Options, Portal};
use lead_e2e::receiver::Receiver;
use lead_e2e::TEST_SECRET;

/// Attacks on CLT sessions and sign-in, each counted as attempts and
/// successes (the goal for every row is 0 successes).
pub fn sessions(guesses: u32) -> ExitCode {
    use base64::Engine;
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    let own = portal.url("");
    let agent = ureq::AgentBuilder::new().redirects(0).build();
    let status = |r: Result<ureq::Response, ureq::Error>| match r {
        Ok(r) => (
            r.status(),
            r.header("Set-Cookie").map(str::to_owned),
            r.into_string().unwrap_or_default(),
        ),
        Err(ureq::Error::Status(s, r)) => (s, None, r.into_string().unwrap_or_default()),
        Err(_) => (0, None, String::new()),
    };
    let invite = |email: &str, role: &str| invitation(&portal, email, role);
    let joins = std::cell::Cell::new(0u32);
    let join = |token: &str, origin: &str| {
        joins.set(joins.get() + 1);
        status(
            agent
                .post(&portal.url("/api/clt/join"))
                .set("Origin", origin)
                .set("Accept", "application/json")
                .send_form(&[("invitation", token)]),
        )
    };
    // A member's session: (cookie value, csrf).
    let sign_in = |token: &str| {
        let (_, cookie, body) = join(token, &own);
        let value = cookie
            .unwrap_or_default()
            .split(';')
            .next()
            .unwrap_or_default()
            .trim_start_matches("__Host-lead_clt=")
            .to_owned();
        let csrf = serde_json::from_str::<serde_json::Value>(&body).unwrap_or_default()["csrf"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        (value, csrf)
    };
    let get = |cookie: &str, path: &str| {
        status(
            agent
                .get(&portal.url(path))
                .set("Cookie", &format!("__Host-lead_clt={cookie}"))
                .call(),
        )
        .0
    };
    let post = |cookie: &str, csrf: &str, origin: Option<&str>, path: &str| {
        let mut req = agent
            .post(&portal.url(path))
            .set("Cookie", &format!("__Host-lead_clt={cookie}"))
            .set("Accept", "application/json");
        if let Some(o) = origin {
            req = req.set("Origin", o);
        }
        status(req.send_json(
            serde_json::json!({ "csrf": csrf, "page": "capacity", "chart": "average-caseload",
            "period": "all", "kind": "question", "body": "attack", "publish": "anonymous", "status": "noted" }),
        ))
        .0
    };
    let ok = |s: u16| (200..400).contains(&s);
    let mut rows: Vec<(&str, u32, u32)> = Vec::new();
    let mut row = |name: &'static str, results: Vec<bool>| {
        rows.push((
            name,
            results.len() as u32,
            results.iter().filter(|&&s| s).count() as u32,
        ));
    };

    let (member, member_csrf) = sign_in(&invite("member@example.org", "member"));
    let forged: Vec<bool> = (0..50u8)
        .map(|i| {
            let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode([i; 32]);
            ok(get(&token, "/api/clt/me")) || ok(post(&token, "x", Some(&own), "/api/clt/comments"))
        })
        .collect();
    row("forged session tokens", forged);
    let wrong_role: Vec<bool> = ["/api/clt/queue", "/en/clt/moderate"]
        .iter()
        .map(|p| ok(get(&member, p)))
        .chain(
            ["/api/clt/comments/x/reply", "/api/clt/comments/x/approve"]
                .iter()
                .map(|p| ok(post(&member, &member_csrf, Some(&own), p))),
        )
        .collect();
    row("member acting as moderator", wrong_role);
    let cross: Vec<bool> = [Some("https://evil.example"), Some("null"), None]
        .iter()
        .flat_map(|origin| {
            [
                ok(post(&member, &member_csrf, *origin, "/api/clt/comments")),
                ok(post(&member, "", Some(&own), "/api/clt/comments")),
            ]
        })
        .collect();
    row("cross-site or tokenless posts", cross);
    let reused_token = invite("reuse@example.org", "member");
    let _ = sign_in(&reused_token);
    row(
        "invitation reuse",
        (0..5).map(|_| ok(join(&reused_token, &own).0)).collect(),
    );
    let expired = {
        let token = invite("expired@example.org", "member");
        let id = token.split('.').next().unwrap_or_default().to_owned();
        portal.query(&format!("UPDATE clt_invitations SET expires_at = 0 WHERE id = '{id}'"));
        token
    };
    row("expired invitation (expired in D1)", vec![ok(join(&expired, &own).0)]);
    let (revoked, revoked_csrf) = sign_in(&invite("revoked@example.org", "member"));
    lead_e2e::member::revoke(&portal, "revoked@example.org");
    row(
        "revoked member's session",
        vec![
            ok(get(&revoked, "/api/clt/me")),
            ok(get(&revoked, "/en/clt/")),
            ok(post(&revoked, &revoked_csrf, Some(&own), "/api/clt/comments")),
        ],
    );
    let mut limited_after = None;
    let brute: Vec<bool> = (0..guesses)
        .map(|n| {
            let (s, _, _) = join(&format!("guess{n}.1.AAAA"), &own);
            if s == 429 && limited_after.is_none() {
                limited_after = Some((n, joins.get() - 1));
            }
            ok(s)
        })
        .collect();
    row("brute-force sign-in guesses", brute);
    // The same limit against guesses sent all at once from a fresh address:
    // a success here is a guess answered by anything but 429 beyond the limit.
    let burst_statuses: Vec<u16> = thread::scope(|scope| {
        let url = portal.url("/api/clt/join");
        let guesses: Vec<_> = (0..30)
            .map(|n| {
                let (url, own) = (url.clone(), own.clone());
                scope.spawn(move || {
                    match ureq::post(&url)
                        .set("Origin", &own)
                        .set("CF-Connecting-IP", "192.0.2.200")
                        .send_form(&[("invitation", &format!("burst{n}.1.AAAA"))])
                    {
                        Ok(r) => r.status(),
                        Err(ureq::Error::Status(s, _)) => s,
                        Err(_) => 0,
                    }
                })
            })
            .collect();
        guesses.into_iter().map(|g| g.join().unwrap_or(0)).collect()
    });
    let answered = burst_statuses.iter().filter(|&&s| s != 429).count() as u32;
    let limit: u32 = 10;
    rows.push((
        "sign-in guesses sent 30 at once (answered beyond the limit of 10)",
        30,
        answered.saturating_sub(limit),
    ));

    println!();
    println!("| attack | attempts | successes |");
    println!("| --- | --- | --- |");
    for (name, attempts, successes) in &rows {
        println!("| {name} | {attempts} | {successes} |");
    }
    match limited_after {
        Some((guess, attempts)) => println!(
            "sign-in rate limit: 429 from guess {} on, after {attempts} sign-in attempts from this client in the window",
            guess + 1
        ),
        None => println!("sign-in rate limit: never reached"),
    }
    println!(
        "headline: {} attacks in {} kinds, {} successes; sign-in limited after {}",
        rows.iter().map(|r| r.1).sum::<u32>(),
        rows.len(),
        rows.iter().map(|r| r.2).sum::<u32>(),
        limited_after.map_or("never".into(), |(_, a)| format!("{a} attempts"))
    );
    if rows.iter().all(|r| r.2 == 0) && limited_after.is_some() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
