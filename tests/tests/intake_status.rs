//! Intake that follows capacity, as the case system and a referrer meet
//! it: a signed caseload report over the policy's threshold makes community
//! referrals priority-only by itself, the intake page says so and why with
//! and without JavaScript, a referral that is not a priority is refused
//! with that message, and a report under the threshold reopens intake.
//! Forged, stale and replayed reports are refused. `GET /api/status`
//! publishes intake now and the delivery record.

use std::time::{SystemTime, UNIX_EPOCH};

use lead_content::intake_state::{Cause, Notice};
use lead_content::page::escape;
use lead_content::schema::IntakeStatus;
use lead_content::{intake, Lang};
use lead_e2e::browser::{check, Browser};
use lead_e2e::portal::{sample_referral, Options, Portal};
use lead_e2e::receiver::Receiver;
use lead_e2e::TEST_SECRET;
use serde_json::{json, Value};

fn now_seconds() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).expect("clock").as_secs() as i64
}

/// A caseload report counted `minutes_ago`.
fn report(average: f64, highest: f64, minutes_ago: i64) -> Value {
    let at = (now_seconds() - minutes_ago * 60) * 1000;
    json!({
        "average_caseload": average,
        "highest_caseload": highest,
        "as_of": lead_data::calendar::utc_timestamp(at),
    })
}

/// A referral the policy scores as a priority (recent harm to others,
/// daily, help tried and not worked).
fn priority_referral(n: u32) -> Value {
    let mut r = sample_referral(n);
    r["recent_harm"] = json!("others");
    r
}

fn message(notice: Notice, lang: Lang) -> String {
    notice.message(&intake().policy.intake).get(lang).to_string()
}

const CAPACITY: Notice = Notice {
    status: IntakeStatus::PriorityOnly,
    cause: Cause::Capacity,
};

fn stored(portal: &Portal) -> u64 {
    portal.query("SELECT COUNT(*) AS n FROM referrals")[0]["n"]
        .as_u64()
        .expect("a count")
}

#[tokio::test]
async fn a_capacity_report_over_the_threshold_makes_intake_priority_only_and_one_under_reopens_it() {
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    let rule = &intake().policy.intake.capacity;
    assert_eq!(rule.then, IntakeStatus::PriorityOnly, "the shipped policy");

    let (status, body) = portal.get("/api/status");
    assert_eq!(status, 200);
    let body: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(body["intake_status"], "open");
    assert_eq!(body["delivery"], Value::Null, "no referrals yet");
    assert_eq!(body["dashboards"]["demo"], true, "the test build shows demo figures");

    // Over: the average above 20.
    let (status, body) = portal.report_capacity(&report(21.5, 24.0, 10), "report-1", now_seconds(), TEST_SECRET);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["intake_status"], "priority_only");
    assert_eq!(body["intake_message"], message(CAPACITY, Lang::En));

    // The page says so and why, and what counts as priority, without JavaScript.
    for lang in Lang::ALL {
        let (status, html) = portal.get(&format!("/{}/", lang.code()));
        assert_eq!(status, 200);
        assert!(html.contains("data-intake=\"capacity_priority_only\""), "{lang:?}");
        assert!(
            html.contains(&escape(&message(CAPACITY, lang))),
            "{lang:?}: the capacity message"
        );
        let criteria = intake().policy.intake.messages.priority_criteria.get(lang);
        assert!(html.contains(&escape(criteria)), "{lang:?}: what counts as priority");
    }

    // A referral that is not a priority is refused with the message; a priority one is taken.
    let (status, body) = portal.post_json(&sample_referral(1));
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"], "intake_closed");
    assert_eq!(body["message"], message(CAPACITY, Lang::En));
    assert_eq!(stored(&portal), 0, "nothing stored");
    let (status, body) = portal.post_json(&priority_referral(2));
    assert_eq!(status, 202, "{body}");

    // With JavaScript: the page hydrates with the same notice.
    let browser = Browser::start(true).await;
    let c = &browser.client;
    c.goto(&portal.url("/en/")).await.expect("open the intake page");
    check::sees(c, &message(CAPACITY, Lang::En)).await;
    check::sees(c, intake().policy.intake.messages.priority_criteria.get(Lang::En)).await;
    check::hydrated(c, Lang::En).await;
    check::accessible(c, "the intake page while only priority referrals are taken").await;

    // A late report counted before the newest one changes nothing.
    let (status, body) = portal.report_capacity(&report(10.0, 12.0, 60), "report-0", now_seconds(), TEST_SECRET);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["intake_status"], "priority_only");

    // Any case manager at 25 is over too, even with a low average.
    let (_, body) = portal.report_capacity(&report(12.0, 25.0, 5), "report-2", now_seconds(), TEST_SECRET);
    assert_eq!(body["intake_status"], "priority_only");

    // Under again: open, and the page and the posts follow.
    let (status, body) = portal.report_capacity(&report(19.0, 24.0, 1), "report-3", now_seconds(), TEST_SECRET);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["intake_status"], "open");
    let (_, html) = portal.get("/en/");
    assert!(html.contains("data-intake=\"open\""));
    assert!(html.contains(&escape(&message(Notice::policy(IntakeStatus::Open), Lang::En))));
    c.goto(&portal.url("/en/")).await.expect("reload");
    check::sees(c, &message(Notice::policy(IntakeStatus::Open), Lang::En)).await;
    check::hydrated(c, Lang::En).await;
    browser.close().await;
    let (status, body) = portal.post_json(&sample_referral(3));
    assert_eq!(status, 202, "{body}");

    let (_, body) = portal.get("/api/status?lang=es");
    let body: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(body["intake_status"], "open");
    assert_eq!(
        body["intake_message"],
        message(Notice::policy(IntakeStatus::Open), Lang::Es)
    );

    // Without JavaScript, the page of a notice is only served at /{lang}/.
    let (status, _) = portal.get("/en/status/capacity_paused/");
    assert_eq!(status, 303);
}

#[test]
fn forged_stale_and_replayed_capacity_reports_are_refused() {
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    let over = report(30.0, 40.0, 1);
    let forged_secret = "whsec_Zm9yZ2VkLWtleS10aGF0LWlzLWxvbmctZW5vdWdoLXRvLXVzZQ==";

    let (status, body) = portal.report_capacity(&over, "forged", now_seconds(), forged_secret);
    assert_eq!((status, body["error"].as_str()), (401, Some("bad_signature")), "{body}");
    let (status, body) = portal.report_capacity(&over, "stale", now_seconds() - 600, TEST_SECRET);
    assert_eq!((status, body["error"].as_str()), (401, Some("bad_signature")), "{body}");
    assert!(body["message"].as_str().unwrap_or("").contains("5 minutes"), "{body}");
    let (status, body) = portal.report_capacity(&over, "ahead", now_seconds() + 600, TEST_SECRET);
    assert_eq!(status, 401, "{body}");
    let unsigned = ureq::put(&portal.url("/api/capacity"))
        .set("Content-Type", "application/json")
        .send_string(&over.to_string());
    assert_eq!(
        unsigned.err().and_then(|e| e.into_response()).map(|r| r.status()),
        Some(401)
    );

    let (status, body) = portal.report_capacity(&report(10.0, 5.0, 1), "odd", now_seconds(), TEST_SECRET);
    assert_eq!((status, body["error"].as_str()), (422, Some("invalid")), "{body}");
    assert_eq!(body["errors"][0]["field"], "highest_caseload");
    let mut future = report(10.0, 12.0, 0);
    future["as_of"] = json!("2999-01-01T00:00:00Z");
    let (status, body) = portal.report_capacity(&future, "future", now_seconds(), TEST_SECRET);
    assert_eq!(
        (status, body["errors"][0]["field"].as_str()),
        (422, Some("as_of")),
        "{body}"
    );
    let none = portal.query("SELECT COUNT(*) AS n FROM capacity_reports")[0]["n"].as_u64();
    assert_eq!(none, Some(0), "nothing refused was stored");

    let (status, _) = portal.report_capacity(&over, "once", now_seconds(), TEST_SECRET);
    assert_eq!(status, 200);
    let (status, body) = portal.report_capacity(&over, "once", now_seconds(), TEST_SECRET);
    assert_eq!((status, body["error"].as_str()), (409, Some("replayed")), "{body}");
}

#[tokio::test]
async fn the_delivery_record_is_published_once_enough_referrals_fall_in_the_window() {
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    let now = now_seconds() * 1000;
    let (hour, minute) = (3_600_000i64, 60_000i64);
    let record = |portal: &Portal| -> Value {
        let (_, body) = portal.get("/api/status");
        serde_json::from_str::<Value>(&body).expect("JSON")["delivery"].clone()
    };
    // Ten referrals two days ago, each delivered in 2 minutes: fewer than k = 11.
    let insert = |portal: &Portal, n: i64, received: i64, delivered: Option<i64>, status: &str| {
        portal.query(&format!(
            "INSERT INTO referrals (reference, received_at, tier, status, next_attempt_at, delivered_at)
             VALUES ('LEAD-TEST{n:01}-RECRD', {received}, 'standard', '{status}', 0, {})",
            delivered.map_or("NULL".into(), |d| d.to_string())
        ));
    };
    for n in 0..10 {
        insert(
            &portal,
            n,
            now - 48 * hour,
            Some(now - 48 * hour + 2 * minute),
            "delivered",
        );
    }
    assert_eq!(record(&portal), Value::Null, "hidden under k");
    let (_, page) = portal.get("/en/");
    assert!(!page.contains("reached case managers"), "not on the page either");
    // Two more: one slow (3 hours), one still waiting since yesterday; and
    // two outside the window (too old, too new), which do not count.
    insert(&portal, 10, now - 30 * hour, Some(now - 27 * hour), "delivered");
    insert(&portal, 11, now - 24 * hour, None, "pending");
    insert(
        &portal,
        12,
        now - 40 * 24 * hour,
        Some(now - 40 * 24 * hour + minute),
        "delivered",
    );
    insert(&portal, 13, now - 10 * minute, None, "pending");
    let r = record(&portal);
    assert_eq!(r["referrals"], 12, "{r}");
    assert_eq!(r["window_days"], 30);
    let share = r["share_within_hour"].as_f64().expect("a share");
    assert!((share - 10.0 / 12.0).abs() < 1e-9, "{r}");
    assert_eq!(r["median_minutes"], 2.0, "{r}");
    // In words, beside the intake status and on the dashboards' index.
    let words =
        "In the last 30 days, 83 % of referrals reached case managers within 1 hour; the median time was 2 minutes.";
    for path in ["/en/", "/en/data/"] {
        let (status, page) = portal.get(path);
        assert_eq!(status, 200);
        assert!(page.contains(words), "{path} shows the record");
    }
    let (_, page) = portal.get("/es/");
    assert!(page.contains("el 83 % de los referidos"), "in Spanish too");
    // With JavaScript the page hydrates around it and the record stays.
    let browser = Browser::start(true).await;
    let c = &browser.client;
    c.goto(&portal.url("/en/")).await.expect("the intake page");
    check::hydrated(c, Lang::En).await;
    check::sees(c, words).await;
    browser.close().await;

    // Nine more, each delivered in 50 minutes: 21 in the window, and the
    // median is the 11th, counted in D1.
    for n in 14..23 {
        insert(
            &portal,
            n,
            now - 20 * hour,
            Some(now - 20 * hour + 50 * minute),
            "delivered",
        );
    }
    let r = record(&portal);
    assert_eq!(
        (&r["referrals"], &r["median_minutes"]),
        (&json!(21), &json!(50.0)),
        "{r}"
    );
    let share = r["share_within_hour"].as_f64().expect("a share");
    assert!((share - 19.0 / 21.0).abs() < 1e-9, "{r}");
}
