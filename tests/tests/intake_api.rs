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
            // In the page's language, from the content.
            Some(page) => assert!(
                page.contains(lead_content::intake().copy.error_request.en.as_str()),
                "{name}: {page}"
            ),
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
    // Issue 16 (4): it is the same form again, every answer in place.
    assert!(err.contains("id=\"form-errors\"") && err.contains("id=\"referrer_name-error\""));
    assert!(err.contains("name=\"idempotency_key\" value=\"") && !err.contains("__IDEMPOTENCY_KEY__"));
    for (k, v) in bad
        .iter()
        .filter(|(k, _)| *k == "person_description" || *k == "contact_email")
    {
        assert!(err.contains(&lead_content::page::escape(v)), "{k} is kept");
    }

    // The first page without JavaScript, left half answered (its address
    // typed or an old browser): the first page again, with its errors.
    let first = match ureq::get(&portal.url("/es/details/?chronic_conduct=yes&neighborhood=nowhere")).call() {
        Err(ureq::Error::Status(422, r)) => r.into_string().expect("text"),
        other => panic!("expected 422, got {other:?}"),
    };
    assert!(first.contains("id=\"chronic_conduct-yes\" checked"), "kept");
    assert!(!first.contains("nowhere"), "not an option, not echoed");
    for id in ["legal_response_expected", "neighborhood"] {
        assert!(first.contains(&format!("href=\"#{id}-question\"")), "{id} listed");
        assert!(
            first.contains(&format!("id=\"{id}-error\"")),
            "{id} beside its question"
        );
    }
    assert!(
        first.contains("formaction=\"/es/details/\""),
        "the first page, in Spanish"
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
    // The first is delivered (and its content deleted) before the second.
    let first_ref = first["reference"].as_str().expect("ref").to_string();
    assert!(receiver.wait_for(Duration::from_secs(30), |a| a.iter().any(|a| a.id == first_ref)));
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
    // A Spanish form post over the limit gets its page in Spanish.
    let form = ureq::post(&portal.url("/api/referrals?lang=es"))
        .set("Accept", "text/html")
        .send_form(&[("lang", "es")]);
    let Err(ureq::Error::Status(429, page)) = form else {
        panic!("expected 429, got {form:?}")
    };
    let page = page.into_string().expect("a page");
    let copy = &lead_content::intake().copy;
    assert!(page.contains("<html lang=\"es\""), "{page}");
    assert!(page.contains(copy.try_again_heading.es.as_str()), "{page}");
    assert!(page.contains("Vuelva a intentarlo en"), "{page}");

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
        "/en/clt/",
        "/en/data/",
        "/staff/",
        "/api/status",
        "/api/staff/overview",
        "/en/status/paused/",
        "/en/details/",
    ] {
        let response = match ureq::get(&portal.url(path)).call() {
            Ok(r) | Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{path}: {e}"),
        };
        // The one definition: the worker sets it, `_headers` is written from it.
        for (name, value) in lead_content::page::SECURITY_HEADERS {
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

fn form_pairs(referral: &Value) -> Vec<(String, String)> {
    referral
        .as_object()
        .expect("object")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
        .collect()
}

/// Issue 11: a POST retried after a lost answer stored a second referral.
#[test]
fn a_retried_post_with_the_same_idempotency_key_gets_the_same_reference_and_stores_nothing_new() {
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));

    // JSON: the Idempotency-Key header, as the IETF draft names it.
    let key = "4f8d2c1e-7b6a-4e3f-9d2c-1b0a9e8f7d6c";
    let (status, first) = portal.post_json_with_key(&sample_referral(1), key);
    assert_eq!(status, 202, "{first}");
    let (status, again) = portal.post_json_with_key(&sample_referral(1), &format!("\"{key}\""));
    assert_eq!(status, 202, "a retry is accepted again: {again}");
    assert_eq!(again["reference"], first["reference"], "the same reference");
    assert_eq!(stored(&portal), 1, "nothing new stored");

    let (status, reused) = portal.post_json_with_key(&sample_referral(2), key);
    assert_eq!(status, 422, "{reused}");
    assert_eq!(reused["error"], "idempotency_key_reused");
    let (status, bad) = portal.post_json_with_key(&sample_referral(2), "has spaces in it");
    assert_eq!(status, 422, "{bad}");
    assert_eq!(
        first_error(&bad),
        ("idempotency_key".into(), "bad_idempotency_key".into())
    );
    assert_eq!(stored(&portal), 1);

    // Without JavaScript: every view of the intake page carries its own key
    // in a hidden field, and the form sent twice is one referral.
    let page = |path: &str| {
        ureq::get(&portal.url(path))
            .call()
            .expect("page")
            .into_string()
            .expect("text")
    };
    let hidden_key = |page: &str| {
        let at = page.find("name=\"idempotency_key\"").expect("the hidden field");
        let value = &page[at..];
        let start = value.find("value=\"").expect("a value") + 7;
        value[start..start + value[start..].find('"').expect("quoted")].to_string()
    };
    // (The whole form is the page after the first step's answers.)
    let details =
        |lang: &str| format!("/{lang}/details/?chronic_conduct=yes&legal_response_expected=yes&neighborhood=downtown");
    let (one, two) = (page(&details("en")), page(&details("en")));
    let (k1, k2) = (hidden_key(&one), hidden_key(&two));
    assert!(k1.len() == 32 && k1 != k2, "a fresh key per view: {k1} {k2}");
    assert!(!one.contains("__IDEMPOTENCY_KEY__"), "no placeholder is left");
    assert_ne!(hidden_key(&page(&details("es"))), k1, "the Spanish page too");

    let mut form = form_pairs(&sample_referral(9));
    form.push(("idempotency_key".into(), k1.clone()));
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let agent = ureq::AgentBuilder::new().redirects(0).build();
    let send = || {
        let response = agent
            .post(&portal.url("/api/referrals"))
            .send_form(&pairs)
            .expect("303 is not an error");
        assert_eq!(response.status(), 303);
        response.header("Location").expect("a Location").to_string()
    };
    let (first_send, second_send) = (send(), send());
    assert_eq!(first_send, second_send, "the same confirmation");
    assert_eq!(stored(&portal), 2, "one referral for the form sent twice");
    // Back, change an answer, Send again: the same page's key, other
    // answers: a second referral, not a refusal.
    let mut changed = form.clone();
    for (k, v) in changed.iter_mut() {
        if k == "usual_places_times" {
            *v = "Pine St bus stop, evenings".into();
        }
    }
    let changed_pairs: Vec<(&str, &str)> = changed.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let edited = agent
        .post(&portal.url("/api/referrals"))
        .send_form(&changed_pairs)
        .expect("303 is not an error");
    assert_eq!(edited.status(), 303);
    assert_ne!(edited.header("Location"), Some(first_send.as_str()), "a new reference");
    assert_eq!(stored(&portal), 3);

    let references = [first["reference"].as_str().expect("ref").to_string(), {
        first_send
            .trim_start_matches("/sent?ref=")
            .split('&')
            .next()
            .expect("ref")
            .to_string()
    }];
    assert!(receiver.wait_for(Duration::from_secs(30), |a| references
        .iter()
        .all(|r| a.iter().any(|a| &a.id == r))
        && a.len() >= 3));
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(receiver.accepted_ids().len(), 3, "each delivered once");
}

/// Issue 11: an insert that committed but answered an error was repeated
/// with a new reference: one referral became two, and the client was told
/// nothing was saved. Now the row is looked for first.
#[test]
fn an_insert_whose_answer_is_lost_is_checked_not_repeated() {
    let receiver = Receiver::start(TEST_SECRET);
    let options = Options::for_tests(&receiver.url()).with_var("TEST_FAULTS", "insert_error_after_commit");
    let portal = Portal::start(options);
    let (status, body) = portal.post_json(&sample_referral(1));
    assert_eq!(status, 202, "the client is told it was saved: {body}");
    let reference = body["reference"].as_str().expect("ref").to_string();
    assert_eq!(stored(&portal), 1, "one row, not two");
    assert!(receiver.wait_for(Duration::from_secs(30), |a| a.iter().any(|a| a.id == reference)));
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(receiver.accepted_ids(), [reference], "delivered once");
    assert!(portal.logs().contains("checking whether it committed"));
}

/// Posts by hand: with `declared`, that Content-Length and `body` bytes;
/// otherwise `body` bytes in 8 KiB chunks with no end. Returns the status
/// the worker answers (for chunked bodies, while the body is unfinished).
fn raw_post(portal: &Portal, path: &str, content_type: &str, declared: Option<usize>, body: usize) -> u16 {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", portal.port)).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
    let origin = portal.url("");
    let length = match declared {
        Some(n) => format!("Content-Length: {n}"),
        None => "Transfer-Encoding: chunked".to_string(),
    };
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nOrigin: {origin}\r\nContent-Type: {content_type}\r\n{length}\r\n\r\n",
        portal.port
    );
    stream.write_all(head.as_bytes()).expect("write head");
    let chunk = vec![b'a'; 8 * 1024];
    for _ in 0..body / chunk.len() {
        if declared.is_some() {
            if stream.write_all(&chunk).is_err() {
                break;
            }
            continue;
        }
        if stream.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).is_err()
            || stream.write_all(&chunk).is_err()
            || stream.write_all(b"\r\n").is_err()
        {
            break;
        }
    }
    let mut answer = [0u8; 64];
    let n = stream
        .read(&mut answer)
        .expect("an answer while the body is unfinished");
    let line = String::from_utf8_lossy(&answer[..n]).to_string();
    line.split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("{path}: no status line in {line:?}"))
}

/// Issue 11: `/api/csp-report` and `/api/clt/join` read whole bodies before
/// any size check, and CSP reports had no rate limit.
#[test]
fn every_body_is_capped_before_it_is_read_and_csp_reports_are_rate_limited() {
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    // Aligned to a fresh minute so the CSP burst below is in one window.
    let second = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
        % 60;
    if second > 20 {
        std::thread::sleep(Duration::from_secs(61 - second));
    }
    for (path, content_type) in [
        ("/api/csp-report", "application/csp-report"),
        ("/api/clt/join", "application/x-www-form-urlencoded"),
        ("/api/referrals", "application/json"),
    ] {
        // Declared: refused from the header. (The local runtime's proxy
        // waits for a declared body before the worker sees the request, so
        // the whole body is sent here; the chunked case shows the cap.)
        let declared = raw_post(&portal, path, content_type, Some(256 * 1024), 256 * 1024);
        assert_eq!(declared, 413, "{path}, declared 256 KiB");
        // Chunked, no length: stopped once past the limit.
        let chunked = raw_post(&portal, path, content_type, None, 256 * 1024);
        assert_eq!(chunked, 413, "{path}, 256 KiB chunked");
    }
    let report =
        json!({"csp-report": {"effective-directive": "script-src-elem", "blocked-uri": "https://x.example/a.js"}});
    let mut statuses = Vec::new();
    for _ in 0..35 {
        let r = ureq::post(&portal.url("/api/csp-report"))
            .set("Content-Type", "application/csp-report")
            .send_string(&report.to_string());
        statuses.push(match r {
            Ok(r) => (r.status(), None),
            Err(ureq::Error::Status(code, r)) => (code, r.header("Retry-After").map(str::to_owned)),
            Err(e) => panic!("{e}"),
        });
    }
    // Two oversized reports above counted against the limit as well.
    let accepted = statuses.iter().filter(|(s, _)| *s == 204).count();
    assert!(statuses[..28].iter().all(|(s, _)| *s == 204), "{statuses:?}");
    assert_eq!(accepted, 28, "{statuses:?}");
    assert!(
        statuses[28..].iter().all(|(s, retry)| *s == 429 && retry.is_some()),
        "{statuses:?}"
    );
    let lines = portal.logs().matches("csp-violation").count();
    assert_eq!(lines, 28, "one bounded line per accepted report");
    assert_eq!(stored(&portal), 0);
}

/// Issue 11: settings that break delivery were accepted (a plain-http case
/// system, a lease no longer than the delivery timeout, two keys with one
/// id). Each is refused, naming the setting, and nothing is stored.
#[test]
fn a_setting_that_would_break_delivery_is_refused_naming_it() {
    for (name, value, setting) in [
        (
            "CASE_SYSTEM_URL",
            "http://cases.example.org/referrals",
            "CASE_SYSTEM_URL",
        ),
        ("LEASE_SECONDS", "5", "LEASE_SECONDS"),
    ] {
        let mut options = Options::for_tests("http://127.0.0.1:9/referrals").with_var(name, value);
        if name == "CASE_SYSTEM_URL" {
            options.case_system_url = value.to_string();
        }
        options.allow_misconfigured = true;
        let portal = Portal::start(options);
        let health = match ureq::get(&portal.url("/api/health")).call() {
            Err(ureq::Error::Status(503, r)) => r.into_json::<Value>().expect("json"),
            other => panic!("{name}: expected 503, got {other:?}"),
        };
        assert_eq!(health["status"], "misconfigured", "{health}");
        assert_eq!(health["setting"], setting, "{health}");
        assert!(health["message"].as_str().unwrap_or("").contains(setting), "{health}");
        let (status, body) = portal.post_json(&sample_referral(1));
        assert_eq!(status, 503, "{name}: {body}");
        assert_eq!(stored(&portal), 0);
        assert!(portal.logs().contains("configuration refused"), "{name}: logged");
    }
}

/// Issue 11: an outside conformance fuzzer found answers whose content type
/// the document did not list (form posts answer `text/html`). Every answer
/// here, to JSON and to form posts, on every route that takes a body, is
/// checked against the committed document: status and content type.
#[test]
fn every_answer_to_json_and_form_posts_is_in_the_openapi_document() {
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    let doc: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("functions/openapi.json")).expect("functions/openapi.json"),
    )
    .expect("JSON");
    let form = |referral: &Value| -> Vec<u8> {
        let pairs = form_pairs(referral);
        form_urlencoded_body(&pairs)
    };
    let json_body = |v: &Value| v.to_string().into_bytes();
    let mut invalid = sample_referral(2);
    invalid["referrer_name"] = json!("");
    let big = vec![b'a'; 40 * 1024];
    const JSON: &str = "application/json";
    const FORM: &str = "application/x-www-form-urlencoded";
    let own = portal.url("");
    // (method, documented path, path, content type, body, with Origin, status expected)
    type Case = (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        Vec<u8>,
        bool,
        u16,
    );
    let mut cases: Vec<Case> = vec![
        ("GET", "/api/health", "/api/health", "", vec![], false, 200),
        (
            "POST",
            "/api/referrals",
            "/api/referrals",
            JSON,
            json_body(&sample_referral(1)),
            false,
            202,
        ),
        (
            "POST",
            "/api/referrals",
            "/api/referrals",
            FORM,
            form(&sample_referral(3)),
            false,
            303,
        ),
        (
            "POST",
            "/api/referrals",
            "/api/referrals",
            JSON,
            json_body(&invalid),
            false,
            422,
        ),
        (
            "POST",
            "/api/referrals",
            "/api/referrals",
            FORM,
            form(&invalid),
            false,
            422,
        ),
        (
            "POST",
            "/api/referrals",
            "/api/referrals",
            JSON,
            b"{".to_vec(),
            false,
            400,
        ),
        (
            "POST",
            "/api/referrals",
            "/api/referrals",
            FORM,
            b"person_name=%FF".to_vec(),
            false,
            400,
        ),
        (
            "POST",
            "/api/referrals",
            "/api/referrals",
            JSON,
            big.clone(),
            false,
            413,
        ),
        (
            "POST",
            "/api/referrals",
            "/api/referrals",
            FORM,
            big.clone(),
            false,
            413,
        ),
        (
            "POST",
            "/api/referrals",
            "/api/referrals",
            "text/plain",
            b"hi".to_vec(),
            false,
            415,
        ),
        (
            "POST",
            "/api/csp-report",
            "/api/csp-report",
            "application/csp-report",
            b"{}".to_vec(),
            false,
            204,
        ),
        (
            "POST",
            "/api/csp-report",
            "/api/csp-report",
            "application/csp-report",
            big.clone(),
            false,
            413,
        ),
        (
            "POST",
            "/api/clt/join",
            "/api/clt/join",
            FORM,
            b"invitation=x.1.AAAA".to_vec(),
            true,
            400,
        ),
        (
            "POST",
            "/api/clt/join",
            "/api/clt/join",
            JSON,
            br#"{"invitation":"x.1.AAAA"}"#.to_vec(),
            true,
            400,
        ),
        (
            "POST",
            "/api/clt/join",
            "/api/clt/join",
            FORM,
            b"invitation=x".to_vec(),
            false,
            403,
        ),
        ("POST", "/api/clt/join", "/api/clt/join", JSON, big.clone(), true, 413),
        ("GET", "/api/clt/me", "/api/clt/me", "", vec![], false, 401),
        ("GET", "/api/clt/queue", "/api/clt/queue", "", vec![], false, 401),
    ];
    for (documented, path) in [
        ("/api/clt/comments", "/api/clt/comments"),
        ("/api/clt/signout", "/api/clt/signout"),
        ("/api/clt/devices", "/api/clt/devices"),
        ("/api/clt/comments/{id}/reply", "/api/clt/comments/x/reply"),
        ("/api/clt/comments/{id}/approve", "/api/clt/comments/x/approve"),
        ("/api/clt/comments/{id}/unpublish", "/api/clt/comments/x/unpublish"),
    ] {
        cases.push(("POST", documented, path, JSON, b"{}".to_vec(), true, 401));
        cases.push(("POST", documented, path, FORM, b"body=x".to_vec(), true, 401));
    }
    let agent = ureq::AgentBuilder::new().redirects(0).build();
    let mut problems = Vec::new();
    for (method, documented, path, content_type, body, with_origin, expected) in cases {
        let mut request = agent.request(method, &portal.url(path));
        if !content_type.is_empty() {
            request = request.set("Content-Type", content_type);
        }
        if with_origin {
            request = request.set("Origin", &own);
        }
        let result = if method == "GET" {
            request.call()
        } else {
            request.send_bytes(&body)
        };
        let response = match result {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{method} {path}: {e}"),
        };
        let status = response.status();
        let answered = response.header("Content-Type").map(str::to_owned);
        let has_body = !response.into_string().unwrap_or_default().is_empty();
        let answered = if has_body { answered } else { None };
        if status != expected {
            problems.push(format!(
                "{method} {path} ({content_type}): {status}, expected {expected}"
            ));
        }
        if let Err(e) = openapi::allows(&doc, method, documented, status, answered.as_deref()) {
            problems.push(format!("{e} (sent {content_type})"));
        }
    }
    assert!(
        problems.is_empty(),
        "answers the document does not describe:\n{}",
        problems.join("\n")
    );
}

fn form_urlencoded_body(pairs: &[(String, String)]) -> Vec<u8> {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
        .into_bytes()
}
