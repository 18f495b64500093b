//! `delivery-bench [N]`: a benchmark, not a test. Starts the portal in the
//! local worker runtime with a local receiver, posts N synthetic referrals
//! (default 1000) from 8 client threads, and prints referrals accepted per
//! second and the time from each 202 to the receiver's 2xx (median, p99,
//! max). Then, as a program sees it: the public delivery record those
//! referrals make (`GET /api/status` and the intake page), the intake
//! page's time to answer (it reads intake and the record from D1), the staff
//! console's first-load weight (its page, stylesheet and script; raw and
//! brotli -q 11), and the time from a manager pausing intake to the intake
//! page showing it. Run after the test command's build: `cargo run
//! --release -p lead-e2e --bin delivery-bench`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lead_e2e::portal::{sample_referral, Options, Portal};
use lead_e2e::receiver::Receiver;
use lead_e2e::TEST_SECRET;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    let n: u32 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let threads = 8;
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Arc::new(Portal::start(Options::for_tests(&receiver.url())));
    let accepted: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();

    let start = Instant::now();
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let (portal, accepted) = (portal.clone(), accepted.clone());
            std::thread::spawn(move || {
                for i in (t..n).step_by(threads as usize) {
                    let (status, body) = portal.post_json(&sample_referral(i));
                    assert_eq!(status, 202, "{body}");
                    let reference = body["reference"].as_str().expect("reference").to_string();
                    accepted.lock().expect("lock").insert(reference, Instant::now());
                }
            })
        })
        .collect();
    for h in handles {
        h.join().expect("client thread");
    }
    let posting = start.elapsed();
    let accepted = accepted.lock().expect("lock").clone();
    let all_arrived = receiver.wait_for(Duration::from_secs(600), |arrivals| {
        arrivals.iter().filter(|a| a.status == 200).count() >= accepted.len()
    });
    let total = start.elapsed();

    let mut latencies: Vec<Duration> = receiver
        .arrivals()
        .iter()
        .filter(|a| a.status == 200)
        .filter_map(|a| Some(a.at.saturating_duration_since(*accepted.get(&a.id)?)))
        .collect();
    latencies.sort();
    let unverified = receiver.arrivals().iter().filter(|a| !a.verified).count();
    println!("referrals posted:         {n} from {threads} client threads");
    println!("accepted (202):           {}", accepted.len());
    println!(
        "delivered (2xx):          {} (all arrived: {all_arrived}, unverified signatures: {unverified})",
        latencies.len()
    );
    println!(
        "accepted per second:      {:.1}",
        accepted.len() as f64 / posting.as_secs_f64()
    );
    println!("all delivered after:      {:.1} s", total.as_secs_f64());
    if !latencies.is_empty() {
        println!(
            "202 -> receiver 2xx:      median {} ms, p99 {} ms, max {} ms",
            percentile(&latencies, 0.5).as_millis(),
            percentile(&latencies, 0.99).as_millis(),
            latencies.last().map(|d| d.as_millis()).unwrap_or(0)
        );
    }

    program_view(&portal);
}

/// Brotli -q 11 size of `bytes` (the Debian `brotli` tool, as `.ci/budget`).
fn brotli_size(bytes: &[u8]) -> usize {
    use std::io::Write;
    let mut child = std::process::Command::new("brotli")
        .args(["-q", "11", "-c"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("brotli (apt package brotli)");
    child.stdin.take().expect("stdin").write_all(bytes).expect("write");
    child.wait_with_output().expect("brotli runs").stdout.len()
}

/// What the program sees after the run: the public record, the console's
/// weight, and how soon a pause reaches the intake page.
fn program_view(portal: &Portal) {
    use lead_e2e::member::{invite, Member};
    let (_, status) = portal.get("/api/status");
    let status: serde_json::Value = serde_json::from_str(&status).expect("JSON");
    let d = &status["delivery"];
    println!(
        "public delivery record:   {:.1} % within 1 hour, median {} min, {} referrals in {} days",
        d["share_within_hour"].as_f64().unwrap_or(0.0) * 100.0,
        d["median_minutes"],
        d["referrals"],
        d["window_days"]
    );
    let (_, page) = portal.get("/en/");
    let words = page
        .split("data-delivery-record=\"\">")
        .nth(1)
        .and_then(|rest| rest.split("</p>").next())
        .unwrap_or("(not shown)");
    println!("on the intake page:       {words}");
    // The intake page as a referrer opens it: intake now and the delivery
    // record, read from D1 on every view.
    let mut views: Vec<Duration> = (0..100)
        .map(|_| {
            let start = Instant::now();
            let (status, _) = portal.get("/en/");
            assert_eq!(status, 200);
            start.elapsed()
        })
        .collect();
    views.sort();
    println!(
        "intake page view:         median {} ms, p95 {} ms (100 views, with {} referrals in the outbox)",
        percentile(&views, 0.5).as_millis(),
        percentile(&views, 0.95).as_millis(),
        d["referrals"]
    );

    let manager = Member::sign_in(
        portal,
        &invite(portal, "Bench Manager", "LEAD program", "bench@example.org", "manager"),
    );
    let (_, console) = status_and_text(&manager, "/staff/");
    let mut raw = console.len();
    let mut brotli = brotli_size(console.as_bytes());
    for asset in ["/dashboards.css", "/staff.js"] {
        let (_, text) = portal.get(asset);
        raw += text.len();
        brotli += brotli_size(text.as_bytes());
    }
    println!("staff console first load: {raw} bytes raw, {brotli} brotli (page, dashboards.css, staff.js)");

    let start = Instant::now();
    let (status, body) = manager.post(
        "/api/staff/intake",
        serde_json::json!({ "status": "paused", "hours": "1", "reason": "benchmark" }),
    );
    assert_eq!(status, 200, "{body}");
    let mut polls = 0;
    loop {
        polls += 1;
        let (_, page) = portal.get("/en/");
        if page.contains("data-intake=\"paused\"") {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "the pause reached the page");
    }
    println!(
        "pause -> intake page:     {} ms (the first page fetched after the change showed it: {})",
        start.elapsed().as_millis(),
        polls == 1
    );
}

/// A signed-in GET of a page: status and text.
fn status_and_text(who: &lead_e2e::member::Member, path: &str) -> (u16, String) {
    let (status, body) = who.get(path);
    (
        status,
        body.as_str().map(str::to_owned).unwrap_or_else(|| body.to_string()),
    )
}
