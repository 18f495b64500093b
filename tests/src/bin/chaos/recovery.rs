//! `chaos recovery`.
//!
//! Referrals posted all through an outage of the case system (the
//! receiver's port closed), with the production retry settings; then it
//! comes back healthy. Nothing may sit out the backoff: the goal is every
//! referral delivered within 2 minutes of its return.

use crate::common::{log, paced, percentile, production_options, sweeper};
use crate::Args;
use std::collections::{HashMap, HashSet};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use lead_e2e::portal::{sample_referral, Portal};
use lead_e2e::receiver::Receiver;
use lead_e2e::TEST_SECRET;

/// Referrals posted all through an outage of the case system (the
/// receiver's port closed), with the production retry settings; then it
/// comes back healthy. Nothing may sit out the backoff: the goal is every
/// referral delivered within 2 minutes of its return.
pub fn recovery(args: &Args) -> ExitCode {
    let referrals = args.referrals.unwrap_or(2000);
    let outage = args.outage;
    let receiver = Receiver::start(TEST_SECRET);
    receiver.down();
    let portal = Portal::start(production_options(&receiver.url()));
    let done = Arc::new(AtomicBool::new(false));
    let sweep = sweeper(portal.url("/__scheduled?cron=*+*+*+*+*"), done.clone());
    // All posted in the first 90 % of the outage.
    let rate = f64::from(referrals) / (outage.as_secs_f64() * 0.9).max(1.0);
    let start = Instant::now();
    log(
        start,
        &format!(
            "receiver down for {} s; posting {referrals} referrals at {rate:.2}/s",
            outage.as_secs()
        ),
    );
    let url = portal.url("/api/referrals");
    let accepted: Mutex<Vec<String>> = Mutex::default();
    let agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(15)).build();
    paced(
        referrals,
        rate,
        8,
        |i, _| i,
        |i| {
            if let Ok(r) = agent.post(&url).send_json(sample_referral(200_000 + i)) {
                let body: serde_json::Value = r.into_json().unwrap_or_default();
                if let Some(reference) = body["reference"].as_str() {
                    accepted.lock().expect("lock").push(reference.to_owned());
                }
            }
        },
    );
    let accepted = accepted.into_inner().expect("lock");
    log(start, &format!("{} accepted", accepted.len()));
    thread::sleep((start + outage).saturating_duration_since(Instant::now()));
    let tried = portal.query("SELECT COUNT(*) AS n, MAX(attempts) AS most, MAX(next_attempt_at) AS last_due FROM referrals WHERE status = 'pending' AND attempts > 0");
    let waiting = tried[0]["n"].as_u64().unwrap_or(0);
    let most = tried[0]["most"].as_u64().unwrap_or(0);
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_millis() as f64);
    let furthest = (tried[0]["last_due"].as_f64().unwrap_or(now_ms) - now_ms) / 1000.0;
    receiver.up();
    let recovered = Instant::now();
    log(
        start,
        &format!("receiver up: {waiting} waiting (up to {most} attempts), the furthest retry {furthest:.0} s away"),
    );
    let all_delivered = receiver.wait_for(Duration::from_secs(900), |arrivals| {
        let ok: HashSet<&str> = arrivals
            .iter()
            .filter(|a| (200..300).contains(&a.status))
            .map(|a| a.id.as_str())
            .collect();
        accepted.iter().all(|r| ok.contains(r.as_str()))
    });
    done.store(true, Ordering::SeqCst);
    let _ = sweep.join();

    let mut first_ok: HashMap<&str, Instant> = HashMap::new();
    let mut ok_count: HashMap<&str, u32> = HashMap::new();
    let arrivals = receiver.arrivals();
    for a in arrivals.iter().filter(|a| (200..300).contains(&a.status)) {
        *ok_count.entry(a.id.as_str()).or_default() += 1;
        first_ok.entry(a.id.as_str()).or_insert(a.at);
    }
    let mut after: Vec<Duration> = accepted
        .iter()
        .filter_map(|r| Some(first_ok.get(r.as_str())?.saturating_duration_since(recovered)))
        .collect();
    after.sort();
    let delivered = after.len();
    let lost = accepted.len() - delivered;
    let last = after.last().copied().unwrap_or_default();
    let late = after.iter().filter(|d| **d > Duration::from_secs(120)).count();
    let raw_duplicates: u32 = ok_count.values().map(|n| n - 1).sum();
    let bad_signatures = arrivals.iter().filter(|a| !a.verified).count();
    println!();
    println!("| figure | value |");
    println!("| --- | --- |");
    println!(
        "| referrals accepted during a {} s outage | {} |",
        outage.as_secs(),
        accepted.len()
    );
    println!("| waiting when the receiver came back (most attempts) | {waiting} ({most}) |");
    println!("| furthest retry then, without bringing forward | {furthest:.0} s |");
    println!("| delivered / lost / raw duplicates / bad signatures | {delivered} / {lost} / {raw_duplicates} / {bad_signatures} |");
    println!(
        "| receiver back to delivery: median / p99 / last | {:.1} s / {:.1} s / {:.1} s |",
        percentile(&after, 0.5).as_secs_f64(),
        percentile(&after, 0.99).as_secs_f64(),
        last.as_secs_f64()
    );
    println!("| delivered later than 2 minutes after | {late} |");
    println!("| probes of the case system (GET) | {} |", receiver.probes());
    println!(
        "headline: {} accepted during a {} s outage; all delivered {:.0} s after the receiver came back ({late} later than 2 min), {lost} lost",
        accepted.len(),
        outage.as_secs(),
        last.as_secs_f64()
    );
    if all_delivered && lost == 0 && late == 0 && bad_signatures == 0 {
        ExitCode::SUCCESS
    } else {
        eprintln!("chaos recovery: FAILED: lost {lost}, later than 2 minutes {late}");
        ExitCode::FAILURE
    }
}
