//! Delivery to the case system, end to end: the real worker runtime, a local
//! receiver that verifies every Standard Webhooks signature with a published
//! verifier, and the faults a real case system has (errors, outages, our own
//! runtime dying). Each test asserts the same promise: every accepted
//! referral arrives exactly once, or is visibly stuck, never lost.

use std::collections::BTreeMap;
use std::time::Duration;

use lead_e2e::portal::{sample_referral, Options, Portal};
use lead_e2e::receiver::Receiver;
use lead_e2e::TEST_SECRET;
use serde_json::json;

fn post_referrals(portal: &Portal, range: std::ops::Range<u32>) -> Vec<String> {
    range
        .map(|n| {
            let (status, body) = portal.post_json(&sample_referral(n));
            assert_eq!(status, 202, "referral {n} accepted: {body}");
            body["reference"].as_str().expect("a reference").to_string()
        })
        .collect()
}

/// 2xx deliveries per reference.
fn accepted_counts(receiver: &Receiver) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for id in receiver.accepted_ids() {
        *counts.entry(id).or_insert(0) += 1;
    }
    counts
}

fn wait_all_delivered(receiver: &Receiver, refs: &[String], timeout: Duration) {
    let arrived = receiver.wait_for(timeout, |arrivals| {
        refs.iter()
            .all(|r| arrivals.iter().any(|a| &a.id == r && a.status == 200))
    });
    assert!(
        arrived,
        "all {} referrals delivered within {timeout:?}; got {:?}",
        refs.len(),
        accepted_counts(receiver)
    );
}

fn assert_exactly_once(receiver: &Receiver, refs: &[String]) {
    // Leave time for any duplicate to show up before judging.
    std::thread::sleep(Duration::from_secs(3));
    let counts = accepted_counts(receiver);
    for r in refs {
        assert_eq!(counts.get(r), Some(&1), "{r} delivered exactly once");
    }
    assert_eq!(counts.len(), refs.len(), "nothing else was delivered");
    assert!(
        receiver.arrivals().iter().all(|a| a.verified),
        "every delivery's signature verified"
    );
}

fn status_of(portal: &Portal, reference: &str) -> serde_json::Value {
    let rows = portal.query(&format!(
        "SELECT status, attempts, last_error, sealed IS NOT NULL AS has_content FROM referrals WHERE reference = '{reference}'"
    ));
    rows.into_iter().next().unwrap_or(serde_json::Value::Null)
}

#[test]
fn every_accepted_referral_arrives_once_signed_and_its_content_is_then_deleted() {
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    let refs = post_referrals(&portal, 0..20);

    wait_all_delivered(&receiver, &refs, Duration::from_secs(60));
    assert_exactly_once(&receiver, &refs);

    let arrival = receiver
        .arrivals()
        .into_iter()
        .find(|a| a.id == refs[0])
        .expect("first referral arrived");
    assert_eq!(arrival.body["type"], "referral.created");
    assert_eq!(arrival.body["data"]["reference"], refs[0].as_str());
    assert_eq!(arrival.body["data"]["tier"], "standard");
    assert_eq!(
        arrival.body["data"]["answers"]["person_description"],
        "Synthetic person 0: tall, green coat, about 40"
    );

    assert!(
        !portal.logs().contains("Synthetic person"),
        "no referral content in the runtime's logs"
    );
    let rows = portal.query("SELECT status, sealed, key_id, dedupe_key FROM referrals");
    assert_eq!(rows.len(), 20);
    for row in rows {
        assert_eq!(row["status"], "delivered");
        assert!(
            row["sealed"].is_null() && row["key_id"].is_null(),
            "content deleted: {row}"
        );
        // Only the keyed hash stays, for the duplicate window.
        assert_eq!(row["dedupe_key"].as_str().map(str::len), Some(32), "{row}");
    }
}

#[test]
fn a_case_system_that_fails_three_times_gets_the_referral_once_on_the_fourth_attempt() {
    let receiver = Receiver::start(TEST_SECRET);
    receiver.fail_next(3);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    let refs = post_referrals(&portal, 0..1);

    wait_all_delivered(&receiver, &refs, Duration::from_secs(60));
    assert_exactly_once(&receiver, &refs);
    let statuses: Vec<u16> = receiver.arrivals().iter().map(|a| a.status).collect();
    assert_eq!(statuses, [503, 503, 503, 200]);
    assert_eq!(status_of(&portal, &refs[0])["attempts"], 4);
}

#[test]
fn a_case_system_down_for_30_seconds_gets_everything_once_it_is_back() {
    let receiver = Receiver::start(TEST_SECRET);
    receiver.down();
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    let refs = post_referrals(&portal, 0..5);
    std::thread::sleep(Duration::from_secs(30));
    assert!(
        receiver.arrivals().is_empty(),
        "nothing arrives while the port is closed"
    );
    let pending = portal.query("SELECT COUNT(*) AS n FROM referrals WHERE status = 'pending' AND attempts > 0");
    assert_eq!(pending[0]["n"], 5, "every referral was tried and is waiting");

    receiver.up();
    wait_all_delivered(&receiver, &refs, Duration::from_secs(60));
    assert_exactly_once(&receiver, &refs);
}

#[test]
fn a_case_system_that_never_recovers_leaves_the_referral_stuck_and_visible_until_resent() {
    let receiver = Receiver::start(TEST_SECRET);
    receiver.down();
    let options = Options::for_tests(&receiver.url()).with_var("MAX_DELIVERY_ATTEMPTS", "3");
    let portal = Portal::start(options);
    let refs = post_referrals(&portal, 0..2);
    let reference = &refs[0];

    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    for r in &refs {
        while status_of(&portal, r)["status"] != "stuck" {
            assert!(
                std::time::Instant::now() < deadline,
                "referral marked stuck: {}",
                status_of(&portal, r)
            );
            std::thread::sleep(Duration::from_secs(1));
        }
    }
    let row = status_of(&portal, reference);
    assert_eq!(row["attempts"], 3);
    assert_eq!(
        row["has_content"], 1,
        "a stuck referral keeps its sealed content for resending"
    );
    let sealed = portal.query(&format!("SELECT sealed FROM referrals WHERE reference = '{reference}'"));
    let sealed = sealed[0]["sealed"].as_str().expect("sealed text");
    assert!(
        !sealed.contains("Synthetic") && !sealed.contains("answers"),
        "stored encrypted, not as text"
    );
    assert_eq!(row["last_error"], "could not connect to the case system");

    // The manager sees them in the console's ledger, without content.
    let manager = portal.manager();
    let (status, overview) = manager.get("/api/staff/overview");
    assert_eq!(status, 200, "{overview}");
    let listing = overview["delivery"]["stuck_referrals"].to_string();
    assert_eq!(overview["delivery"]["stuck"], 2, "{overview}");
    assert!(
        listing.contains(reference.as_str()) && listing.contains("could not connect"),
        "{listing}"
    );
    assert!(
        !listing.contains("Synthetic person"),
        "the listing never shows content: {listing}"
    );

    receiver.up();
    let resend = format!("/api/staff/referrals/{reference}/resend");
    let (status, out) = manager.post(&resend, json!({}));
    assert_eq!((status, &out["resent"]), (200, &json!([reference])), "{out}");
    // What is still stuck (the other one) goes back in line all at once.
    let (status, out) = manager.post("/api/staff/referrals/resend-all", json!({}));
    assert_eq!((status, &out["resent"]), (200, &json!([refs[1]])), "{out}");
    portal.sweep();
    wait_all_delivered(&receiver, &refs, Duration::from_secs(30));
    assert_exactly_once(&receiver, &refs);
    let (status, again) = manager.post(&resend, json!({}));
    assert_eq!(status, 404, "a delivered referral cannot be resent: {again}");
    let (status, again) = manager.post("/api/staff/referrals/resend-all", json!({}));
    assert_eq!(
        (status, &again["resent"]),
        (200, &json!([])),
        "nothing delivered is resent: {again}"
    );
}

#[test]
fn killing_the_runtime_with_deliveries_pending_loses_nothing_and_duplicates_nothing() {
    let receiver = Receiver::start(TEST_SECRET);
    receiver.down();
    let mut portal = Portal::start(Options::for_tests(&receiver.url()));
    let refs = post_referrals(&portal, 0..10);
    std::thread::sleep(Duration::from_secs(2));

    portal.kill();
    receiver.up();
    portal.restart();
    // Local queues live in memory: what was in flight is gone, and the
    // sweep finds it in D1 again.
    for _ in 0..10 {
        if receiver.accepted_ids().len() >= refs.len() {
            break;
        }
        std::thread::sleep(Duration::from_secs(3));
        portal.sweep();
    }
    wait_all_delivered(&receiver, &refs, Duration::from_secs(30));
    assert_exactly_once(&receiver, &refs);
}

/// Issue 11: a case system answering the signed POST with a redirect (an
/// http-to-https hop, a trailing-slash rule, a sign-in gateway) got a
/// body-less GET at the new address, answered 200, and the referral was
/// marked delivered and its content deleted although the case system never
/// saw it. Now no redirect is followed and every 3xx is a failed attempt.
#[test]
fn a_case_system_that_redirects_never_has_a_referral_marked_delivered() {
    let receiver = Receiver::start(TEST_SECRET);
    let options = Options::for_tests(&receiver.url()).with_var("MAX_DELIVERY_ATTEMPTS", "3");
    let portal = Portal::start(options);
    for (n, status) in [301u16, 302, 303, 307, 308].into_iter().enumerate() {
        receiver.redirect(Some(status));
        let reference = post_referrals(&portal, n as u32..n as u32 + 1).remove(0);
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while status_of(&portal, &reference)["status"] != "stuck" {
            let row = status_of(&portal, &reference);
            assert_ne!(row["status"], "delivered", "{status}: never delivered: {row}");
            assert!(std::time::Instant::now() < deadline, "{status}: marked stuck: {row}");
            std::thread::sleep(Duration::from_millis(500));
        }
        let row = status_of(&portal, &reference);
        assert_eq!(row["attempts"], 3, "{status}: retried before giving up: {row}");
        assert_eq!(row["has_content"], 1, "{status}: the content stays sealed: {row}");
        let error = row["last_error"].as_str().unwrap_or("");
        assert!(
            error.contains(&format!("HTTP {status}")) && error.contains("/moved"),
            "{status}: the error says where it pointed: {error}"
        );
        let posts = receiver
            .arrivals()
            .iter()
            .filter(|a| a.id == reference && a.method == "POST" && a.status == status)
            .count();
        assert_eq!(posts, 3, "{status}: every attempt was the signed POST");
    }
    let followed: Vec<String> = receiver
        .arrivals()
        .iter()
        .filter(|a| a.path != "/referrals")
        .map(|a| format!("{} {}", a.method, a.path))
        .collect();
    assert!(followed.is_empty(), "no redirect was followed: {followed:?}");
    assert!(receiver.accepted_ids().is_empty(), "nothing was delivered");
    receiver.redirect(None);
}

/// Issue 11: delivery cleared the duplicate fingerprint, so the same person
/// referred again by the same referrer after the first referral was
/// delivered reached the case system unflagged.
#[test]
fn the_same_person_referred_again_after_delivery_is_flagged_as_a_duplicate() {
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    let first = post_referrals(&portal, 3..4);
    wait_all_delivered(&receiver, &first, Duration::from_secs(30));
    assert_eq!(
        status_of(&portal, &first[0])["has_content"],
        0,
        "the first is delivered and deleted"
    );

    let second = post_referrals(&portal, 3..4);
    let other = post_referrals(&portal, 4..5);
    wait_all_delivered(
        &receiver,
        &[second.clone(), other.clone()].concat(),
        Duration::from_secs(30),
    );
    let arrivals = receiver.arrivals();
    let flag = |r: &str| arrivals.iter().find(|a| a.id == r).expect("arrived").body["data"]["duplicate_of"].clone();
    assert_eq!(flag(&first[0]), serde_json::Value::Null);
    assert_eq!(flag(&second[0]), serde_json::json!(first[0]));
    assert_eq!(
        flag(&other[0]),
        serde_json::Value::Null,
        "another person is not flagged"
    );
}

/// Issue 11: after an outage the backlog waited out its backoff although
/// the case system was answering again. With a long backoff (the first
/// retry 5 minutes away), every referral arrives within seconds of the
/// next sweep once the case system answers.
#[test]
fn once_the_case_system_answers_again_the_backlog_is_brought_forward() {
    let receiver = Receiver::start(TEST_SECRET);
    receiver.down();
    let options = Options::for_tests(&receiver.url())
        .with_var("RETRY_BASE_SECONDS", "300")
        .with_var("RETRY_CAP_SECONDS", "3600");
    let portal = Portal::start(options);
    let waiting = post_referrals(&portal, 0..30);
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let tried = portal.query("SELECT COUNT(*) AS n FROM referrals WHERE attempts = 1 AND outage = 1");
        if tried[0]["n"] == 30 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "every referral was tried once: {tried:?}"
        );
        std::thread::sleep(Duration::from_secs(1));
    }

    receiver.up();
    // No new referral shows the way: the sweep asks the case system whether
    // it answers (a GET, no referral), brings the first few forward, and
    // their deliveries bring the rest.
    portal.sweep();
    wait_all_delivered(&receiver, &waiting, Duration::from_secs(60));
    assert_exactly_once(&receiver, &waiting);
    assert_eq!(receiver.probes(), 1, "one GET while they waited");
    assert!(portal.logs().contains("brought forward"));
}
