//! `chaos fuzz`.
//!
//! Every API route fed generated bodies: no 5xx, nothing stored for a
//! rejected request.

use crate::common::{api_session, invitation, Rng};
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use lead_e2e::portal::{Options, Portal};
use lead_e2e::receiver::Receiver;
use lead_e2e::TEST_SECRET;

/// A value for a property: usually what its schema asks for, often not.
pub fn fuzz_value(schema: &serde_json::Value, rng: &mut Rng) -> serde_json::Value {
    use serde_json::json;
    let strange = [
        "",
        " ",
        "\u{0000}",
        "\u{202e}reversed",
        "😀🏳️‍🌈",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "../../etc/passwd",
        "%00%0d%0a",
        "{{7*7}}",
        "\\ud800",
    ];
    let choices = schema
        .get("enum")
        .and_then(|e| e.as_array())
        .cloned()
        .or_else(|| schema.get("const").map(|c| vec![c.clone()]))
        .unwrap_or_default();
    match rng.below(10) {
        0..=4 if !choices.is_empty() => choices[rng.below(choices.len())].clone(),
        0..=4 => {
            let max = schema.get("maxLength").and_then(|m| m.as_u64()).unwrap_or(200) as usize;
            let len = rng.below(max + 2);
            json!("a".repeat(len))
        }
        5 => json!(strange[rng.below(strange.len())]),
        6 => json!("x".repeat(rng.below(70_000))),
        7 => json!(rng.next_u64() as i64),
        8 => [json!(null), json!(true), json!([1, "a"]), json!({ "nested": {} })][rng.below(4)].clone(),
        _ => json!(format!("{}", rng.next_u64())),
    }
}

/// A body for a schema's properties: a random subset, random values, and
/// sometimes a property the schema does not have.
pub fn fuzz_body(schema: &serde_json::Value, rng: &mut Rng) -> serde_json::Value {
    let mut body = serde_json::Map::new();
    if let Some(properties) = schema["properties"].as_object() {
        for (name, property) in properties {
            if rng.chance(0.85) {
                body.insert(name.clone(), fuzz_value(property, rng));
            }
        }
    }
    if rng.chance(0.2) {
        body.insert(format!("extra{}", rng.below(100)), serde_json::json!("unexpected"));
    }
    serde_json::Value::Object(body)
}

/// Raw bodies that are not what any route expects.
pub fn raw_body(rng: &mut Rng) -> (&'static str, Vec<u8>) {
    let types = [
        "application/json",
        "application/x-www-form-urlencoded",
        "text/plain",
        "multipart/form-data; boundary=x",
        "application/json; charset=utf-16",
    ];
    let bodies: [&[u8]; 8] = [
        b"",
        b"{",
        b"[]",
        b"null",
        b"\xff\xfe\x00garbage",
        b"a=1&a=2&%zz=%",
        b"{\"lang\":\"en\",\"lang\":\"es\"}",
        b"\x00\x00\x00",
    ];
    (types[rng.below(types.len())], bodies[rng.below(bodies.len())].to_vec())
}

/// Every API route fed generated bodies: no 5xx, nothing stored for a
/// rejected request.
pub fn fuzz(per_route: u32, seed: u64) -> ExitCode {
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    let doc = lead_e2e::openapi::document();
    let schema = |name: &str| doc["components"]["schemas"][name].clone();
    let agent = ureq::AgentBuilder::new().redirects(0).build();
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    // A count straight from the local D1; retried, because the runtime may
    // hold the database for a moment while it writes.
    let count = |table: &str| {
        for _ in 0..10 {
            if let Some(n) = portal
                .query(&format!("SELECT COUNT(*) AS n FROM {table}"))
                .first()
                .and_then(|r| r["n"].as_u64())
            {
                return n;
            }
            thread::sleep(Duration::from_millis(500));
        }
        panic!("cannot count {table} in the local D1");
    };

    // A member and a moderator, so the CLT routes get past sign-in.
    let session = |email: &str, role: &str| {
        let token = invitation(&portal, email, role);
        let response = agent
            .post(&portal.url("/api/clt/join"))
            .set("Origin", &portal.url(""))
            .set("Accept", "application/json")
            .send_form(&[("invitation", token.as_str())]);
        let r = match response {
            Ok(r) => r,
            Err(e) => panic!("sign-in for fuzzing failed: {e}"),
        };
        api_session(r)
    };
    let (moderator, moderator_csrf) = session("fuzz-mod@example.org", "moderator");

    /// A route, the schema its bodies follow, and the rows a successful
    /// request of it adds (counted before and after the route's run: each
    /// count is a `wrangler d1 execute`, too slow to run per request).
    struct Route {
        path: &'static str,
        schema: &'static str,
        table: &'static str,
        stores: bool,
    }
    let routes = [
        Route {
            path: "/api/referrals",
            schema: "Referral",
            table: "referrals",
            stores: true,
        },
        Route {
            path: "/api/clt/comments",
            schema: "CommentInput",
            table: "clt_comments",
            stores: true,
        },
        Route {
            path: "/api/clt/comments/nope/reply",
            schema: "ReplyInput",
            table: "clt_comments WHERE reply_status IS NOT NULL",
            stores: false,
        },
        Route {
            path: "/api/clt/comments/nope/approve",
            schema: "Invitation",
            table: "clt_comments WHERE approved_at IS NOT NULL",
            stores: false,
        },
        Route {
            path: "/api/clt/join",
            schema: "Invitation",
            table: "clt_sessions",
            stores: true,
        },
        Route {
            path: "/api/clt/signout",
            schema: "Invitation",
            table: "clt_members",
            stores: false,
        },
    ];
    println!();
    println!("| route | bodies | 2xx | 4xx | 5xx | stored by a rejected request |");
    println!("| --- | --- | --- | --- | --- | --- |");
    let mut failures = 0;
    for route in &routes {
        let (mut ok, mut client, mut server) = (0u64, 0u64, 0u64);
        let before = count(route.table);
        for _ in 0..per_route {
            let (content_type, body) = if rng.chance(0.15) {
                raw_body(&mut rng)
            } else {
                let mut json = fuzz_body(&schema(route.schema), &mut rng);
                if route.path.starts_with("/api/clt/") && rng.chance(0.8) {
                    json["csrf"] = moderator_csrf.clone().into();
                }
                ("application/json", serde_json::to_vec(&json).unwrap_or_default())
            };
            let mut req = agent
                .post(&portal.url(route.path))
                .set("Content-Type", content_type)
                .set("Origin", &portal.url(""));
            // Signing out would end the fuzzing session: that route is fuzzed without one.
            if route.path.starts_with("/api/clt/") && route.path != "/api/clt/signout" {
                req = req.set("Cookie", &moderator);
            }
            let status = match req.send_bytes(&body) {
                Ok(r) => r.status(),
                Err(ureq::Error::Status(s, _)) => s,
                Err(_) => 599,
            };
            match status {
                200..=399 => ok += 1,
                400..=499 => client += 1,
                _ => server += 1,
            }
        }
        // Rows added beyond one per successful request came from rejected ones.
        let grown = count(route.table).saturating_sub(before);
        let leaked = grown.saturating_sub(if route.stores { ok } else { 0 });
        failures += server + leaked;
        println!(
            "| POST {} | {per_route} | {ok} | {client} | {server} | {leaked} |",
            route.path
        );
    }
    println!("5xx answers and rejected requests that stored something: {failures} (goal 0; seed {seed})");
    println!(
        "headline: {} generated bodies on {} routes: {failures} 5xx or stored by a rejected request",
        u64::from(per_route) * routes.len() as u64,
        routes.len()
    );
    if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
