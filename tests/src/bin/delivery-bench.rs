//! `delivery-bench [N]`: a benchmark, not a test. Starts the portal in the
//! local worker runtime with a local receiver, posts N synthetic referrals
//! (default 1000) from 8 client threads, and prints referrals accepted per
//! second and the time from each 202 to the receiver's 2xx (median, p99,
//! max). Run after the test command's build: `cargo run --release -p
//! lead-e2e --bin delivery-bench`.

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
}
