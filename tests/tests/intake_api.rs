//! The intake API as a client sees it: bad input of every kind gets a clear
//! 4xx and stores nothing; good input is stored and answered 202 (JSON) or
//! 303 (form post); abuse controls; security headers; and the committed
//! OpenAPI document matches what the worker does.

use std::time::Duration;

use lead_e2e::openapi;
use lead_e2e::portal::{sample_referral, Options, Portal};
use lead_e2e::receiver::Receiver;
use lead_e2e::{root, TEST_SECRET};
use serde_json::{json, Value};

fn with(field: &str, value: Value) -> Value {
    let mut body = sample_referral(1);
    body[field] = value;
    body
}

fn without(field: &str) -> Value {
    let mut body = sample_referral(1);
    body.as_object_mut().expect("object").remove(field);
    body
}

fn stored(portal: &Portal) -> u64 {
    portal.query("SELECT COUNT(*) AS n FROM referrals")[0]["n"]
        .as_u64()
        .expect("a count")
}

fn first_error(body: &Value) -> (String, String) {
    let e = &body["errors"][0];
    (
        e["field"].as_str().unwrap_or("").into(),
        e["code"].as_str().unwrap_or("").into(),
    )
}

#[test]
fn bad_input_gets_a_clear_4xx_and_nothing_is_stored() {
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));

    // (name, body, expected status, expected error code, expected field/code of the first field error)
    type Case = (
        &'static str,
        Value,
        u16,
        &'static str,
        Option<(&'static str, &'static str)>,
    );
    let json_cases: Vec<Case> = vec![
        (
            "missing required",
            without("person_description"),
            422,
            "invalid",
            Some(("person_description", "required")),
        ),
        (
            "blank required",
            with("referrer_name", json!("   ")),
            422,
            "invalid",
            Some(("referrer_name", "required")),
        ),
        (
            "over-long",
            with("person_description", json!("x".repeat(401))),
            422,
            "invalid",
            Some(("person_description", "too_long")),
        ),
        (
            "number instead of text",
            with("referrer_name", json!(42)),
            422,
            "invalid",
            Some(("referrer_name", "wrong_type")),
        ),
        (
            "array instead of text",
            with("frequency", json!(["daily"])),
            422,
            "invalid",
            Some(("frequency", "wrong_type")),
        ),
        (
            "unknown option",
            with("frequency", json!("hourly")),
            422,
            "invalid",
            Some(("frequency", "unknown_option")),
        ),
        (
            "unknown field",
            with("criminal_history", json!("long")),
            422,
            "invalid",
            Some(("criminal_history", "unknown_field")),
        ),
        (
            "script tag",
            with("conduct_places", json!("<script>alert(1)</script>")),
            422,
            "invalid",
            Some(("conduct_places", "markup")),
        ),
        (
            "img onerror",
            with("person_name", json!("<img src=x onerror=alert(1)>")),
            422,
            "invalid",
            Some(("person_name", "markup")),
        ),
        (
            "bad email",
            with("contact_email", json!("not-an-email")),
            422,
            "invalid",
            Some(("contact_email", "invalid_email")),
        ),
        (
            "no contact",
            with("contact_phone", json!("")),
            422,
            "invalid",
            Some(("contact_phone", "contact_needed")),
        ),
        (
            "honeypot",
            with("website", json!("http://spam.example")),
            422,
            "invalid",
            Some(("website", "honeypot")),
        ),
        (
            "not eligible",
            with("legal_response_expected", json!("no")),
            422,
            "not_eligible",
            None,
        ),
        (
            "outside the area",
            with("neighborhood", json!("outside")),
            422,
            "not_eligible",
            None,
        ),
        ("array body", json!([1, 2]), 400, "malformed_json", None),
    ];
    for (name, body, status, code, field) in json_cases {
        let (got, answer) = portal.post_json(&body);
        assert_eq!(got, status, "{name}: {answer}");
        assert_eq!(answer["error"], code, "{name}: {answer}");
        assert!(
            !answer["message"].as_str().unwrap_or("").is_empty(),
            "{name} has a message"
        );
        if let Some((f, c)) = field {
            assert_eq!(first_error(&answer), (f.to_string(), c.to_string()), "{name}: {answer}");
            assert!(
                !answer["errors"][0]["message"].as_str().unwrap_or("").is_empty(),
                "{name}: message for people"
            );
        }
    }

    let raw_cases: Vec<(&str, &str, Vec<u8>, u16, &str)> = vec![
        (
            "malformed JSON",
            "application/json",
            b"{\"lang\": ".to_vec(),
            400,
            "malformed_json",
        ),
        (
            "invalid UTF-8 JSON",
            "application/json",
            b"{\"person_name\": \"\xff\xfe\"}".to_vec(),
            400,
            "not_utf8",
        ),
        (
            "invalid UTF-8 form",
            "application/x-www-form-urlencoded",
            b"person_name=%FF%FE".to_vec(),
            400,
            "not_utf8",
        ),
        (
            "wrong content type",
            "text/plain",
            b"hello".to_vec(),
            415,
            "unsupported_media_type",
        ),
        ("no content type", "", b"{}".to_vec(), 415, "unsupported_media_type"),
        (
            "oversized body",
            "application/json",
            vec![b' '; 40 * 1024],
            413,
            "too_large",
        ),
    ];
    for (name, content_type, body, status, code) in raw_cases {
        let (got, answer) = portal.post_raw(content_type, &body);
        assert_eq!(got, status, "{name}: {answer}");
        match answer.as_str() {
            // Form posts come from browsers without JavaScript: they get a page.
            Some(page) => assert!(page.contains("not valid UTF-8"), "{name}: {page}"),
            None => assert_eq!(answer["error"], code, "{name}: {answer}"),
        }
    }

    let (status, spanish) = portal.post_json(&{
        let mut b = without("referrer_name");
        b["lang"] = json!("es");
        b
    });
    assert_eq!(status, 422);
    assert_eq!(
        spanish["errors"][0]["message"], "Responda esta pregunta.",
        "messages follow the referrer's language"
    );

    assert_eq!(stored(&portal), 0, "no rejected request stored anything");
    std::thread::sleep(Duration::from_secs(2));
    assert!(receiver.arrivals().is_empty(), "nothing rejected was delivered");
}

#[test]
fn a_form_post_without_javascript_lands_on_a_confirmation_showing_the_reference() {
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    let referral = sample_referral(7);
    let form: Vec<(String, String)> = referral
        .as_object()
        .expect("object")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
        .collect();
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let agent = ureq::AgentBuilder::new().redirects(0).build();
    let response = agent
        .post(&portal.url("/api/referrals"))
        .send_form(&pairs)
        .expect("303 is not an error");
    assert_eq!(response.status(), 303);
    let location = response.header("Location").expect("a Location").to_string();
    assert!(location.starts_with("/sent?ref=LEAD-"), "{location}");

    let page = ureq::get(&portal.url(&location))
        .call()
        .expect("confirmation page")
        .into_string()
        .expect("text");
    let reference = location
        .trim_start_matches("/sent?ref=")
        .split('&')
        .next()
        .expect("ref");
    assert!(page.contains(reference), "the page shows the reference");
    assert!(
        !page.contains("Synthetic person"),
        "the page never echoes what was submitted"
    );
    assert!(
        page.contains("911") && page.contains("988"),
        "the emergency notice is on the page"
    );

    // A bad form post gets an HTML page naming what to correct, in the form's language.
    let bad: Vec<(&str, &str)> = pairs.iter().copied().filter(|(k, _)| *k != "referrer_name").collect();
    let bad: Vec<(&str, &str)> = bad
        .into_iter()
        .map(|(k, v)| if k == "lang" { (k, "es") } else { (k, v) })
        .collect();
    let err = match agent.post(&portal.url("/api/referrals")).send_form(&bad) {
        Err(ureq::Error::Status(422, r)) => r.into_string().expect("text"),
        other => panic!("expected 422, got {other:?}"),
    };
    assert!(
        err.contains("Su nombre") && err.contains("Responda esta pregunta."),
        "{err}"
    );

    let forged = ureq::get(&portal.url("/sent?ref=%3Cscript%3E")).call();
    assert!(
        matches!(forged, Err(ureq::Error::Status(404, _))),
        "only real-looking references are shown"
    );
    receiver.wait_for(Duration::from_secs(30), |a| a.iter().any(|a| a.id == reference));
}

#[test]
fn a_repeat_referral_is_delivered_flagged_as_a_duplicate_of_the_first() {
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    let (_, first) = portal.post_json(&sample_referral(3));
    let mut again = sample_referral(3);
    again["person_description"] = json!("  SYNTHETIC person 3: tall, green coat,   about 40 ");
    let (status, second) = portal.post_json(&again);
    assert_eq!(status, 202, "a duplicate is still accepted: {second}");
    let (first, second) = (
        first["reference"].as_str().expect("ref"),
        second["reference"].as_str().expect("ref"),
    );
    assert!(receiver.wait_for(Duration::from_secs(30), |a| a.len() >= 2));
    let arrivals = receiver.arrivals();
    let of = |r: &str| arrivals.iter().find(|a| a.id == r).expect("arrived").body["data"]["duplicate_of"].clone();
    assert_eq!(of(first), Value::Null);
    assert_eq!(of(second), json!(first));
}

#[test]
fn a_client_over_the_rate_limit_is_told_when_to_come_back() {
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()).with_var("RATE_LIMIT_PER_WINDOW", "3"));
    for n in 0..3 {
        assert_eq!(portal.post_json(&sample_referral(n)).0, 202);
    }
    let response = ureq::post(&portal.url("/api/referrals")).send_json(sample_referral(9));
    let Err(ureq::Error::Status(429, r)) = response else {
        panic!("expected 429, got {response:?}")
    };
    let retry_after: u64 = r.header("Retry-After").expect("Retry-After").parse().expect("seconds");
    assert!((1..=3600).contains(&retry_after));
    assert_eq!(stored(&portal), 3);

    // Another client has a window of its own, and the limit holds when its
    // posts arrive all at once (12 in parallel: 3 accepted, 9 refused).
    let url = portal.url("/api/referrals");
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let posts: Vec<_> = (0..12)
            .map(|n| {
                let url = url.clone();
                scope.spawn(move || {
                    match ureq::post(&url)
                        .set("CF-Connecting-IP", "192.0.2.9")
                        .send_json(sample_referral(100 + n))
                    {
                        Ok(r) => r.status(),
                        Err(ureq::Error::Status(s, _)) => s,
                        Err(e) => panic!("post failed: {e}"),
                    }
                })
            })
            .collect();
        posts.into_iter().map(|p| p.join().expect("poster")).collect()
    });
    assert_eq!(statuses.iter().filter(|&&s| s == 202).count(), 3, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|&&s| s == 429).count(), 9, "{statuses:?}");
    assert_eq!(stored(&portal), 6);
}

const SECURITY_HEADERS: [(&str, &str); 4] = [
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("strict-transport-security", "max-age=63072000; includeSubDomains"),
    ("content-security-policy", "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'; report-uri /api/csp-report"),
];

#[test]
fn every_page_and_api_response_carries_the_security_headers() {
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    for path in [
        "/",
        "/en/",
        "/es/",
        "/en/poster/",
        "/site.css",
        "/api/health",
        "/api/nope",
        "/no-such-page",
    ] {
        let response = match ureq::get(&portal.url(path)).call() {
            Ok(r) | Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{path}: {e}"),
        };
        for (name, value) in SECURITY_HEADERS {
            assert_eq!(response.header(name), Some(value), "{name} on {path}");
        }
    }
    let (_, body) = portal.post_raw("text/plain", b"x");
    assert_eq!(body["error"], "unsupported_media_type");
}

#[test]
fn the_committed_openapi_document_matches_the_api_and_its_example_is_accepted() {
    let path = root().join("functions/openapi.json");
    let generated = serde_json::to_string_pretty(&openapi::document()).expect("JSON") + "\n";
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).expect("write openapi.json");
    }
    let committed = std::fs::read_to_string(&path).expect("functions/openapi.json exists");
    assert_eq!(
        committed, generated,
        "functions/openapi.json is stale: run with UPDATE_OPENAPI=1"
    );

    let doc: Value = serde_json::from_str(&committed).expect("valid JSON");
    assert_eq!(doc["openapi"], "3.1.0");
    let example = &doc["paths"]["/api/referrals"]["post"]["requestBody"]["content"]["application/json"]["example"];
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    let (status, body) = portal.post_json(example);
    assert_eq!(status, 202, "the documented example is accepted as it is: {body}");
    let pattern_ok = body["reference"]
        .as_str()
        .is_some_and(|r| lead_content::reference::Reference::parse(r).is_some());
    assert!(pattern_ok, "the reference has the documented shape: {body}");

    // Every error code the worker can answer is documented.
    let documented = &doc["components"]["schemas"]["Error"]["properties"]["error"]["enum"];
    for (_, answer) in [
        portal.post_raw("text/plain", b""),
        portal.post_json(&json!({})),
        portal.post_raw("application/json", b"{"),
    ] {
        assert!(
            documented.as_array().expect("enum").contains(&answer["error"]),
            "{answer}"
        );
    }
}
