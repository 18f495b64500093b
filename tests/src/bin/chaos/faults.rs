//! `chaos faults`: see `main.rs` for what it measures.

use crate::common::{log, paced, percentile, production_options, resend_all, stuck, sweeper};
use crate::Args;
use std::collections::{HashMap, HashSet};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use lead_e2e::portal::{sample_referral, Portal};
use lead_e2e::receiver::{Chaos, Receiver};
use lead_e2e::TEST_SECRET;

pub fn faults(args: &Args) -> ExitCode {
    let referrals = args.referrals.unwrap_or(2000);
    let rate = args.rate.unwrap_or(4.0);
    let receiver = Receiver::start(TEST_SECRET);
    // The production settings (wrangler.toml): deliveries time out after
    // 15 s; retries back off from 30 s to an hour and give up after 12
    // attempts; leases of 60 s; the sweep's grace of 60 s. After the outage
    // nothing may sit out that backoff: the backlog is brought forward.
    let options = production_options(&receiver.url());
    let mut portal = Portal::start(options);
    let url = portal.url("/api/referrals");
    let sweep_url = portal.url("/__scheduled?cron=*+*+*+*+*");
    receiver.chaos(Some(Chaos {
        fail: 0.5,
        hang: 0.1,
        hang_for: Duration::from_secs(7),
        seed: args.seed,
    }));

    let start = Instant::now();
    let posting_time = Duration::from_secs_f64(f64::from(referrals) / rate);
    log(
        start,
        &format!(
            "posting {} referrals at {}/s over {:.0} s; outage {} s",
            referrals,
            rate,
            posting_time.as_secs_f64(),
            args.outage.as_secs()
        ),
    );

    // The sweep, as the production cron fires it: every minute.
    let done = Arc::new(AtomicBool::new(false));
    let sweeper = sweeper(sweep_url.clone(), done.clone());

    // The poster: a steady rate whatever the answers (each referral is
    // handed to one of 8 posting threads when it falls due); a referral the
    // runtime could not take (it was down) is not accepted, and is posted
    // again a second later.
    let accepted: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let refused = Arc::new(Mutex::new(0u32));
    let poster = {
        let (accepted, refused, url) = (accepted.clone(), refused.clone(), url.clone());
        thread::spawn(move || {
            let agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(15)).build();
            paced(
                referrals,
                rate,
                8,
                |i, _| i,
                |i| loop {
                    match agent.post(&url).send_json(sample_referral(100_000 + i)) {
                        Ok(r) if r.status() == 202 => {
                            let body: serde_json::Value = r.into_json().unwrap_or_default();
                            if let Some(reference) = body["reference"].as_str() {
                                accepted
                                    .lock()
                                    .expect("lock")
                                    .insert(reference.to_owned(), Instant::now());
                            }
                            break;
                        }
                        _ => {
                            *refused.lock().expect("lock") += 1;
                            thread::sleep(Duration::from_secs(1));
                        }
                    }
                },
            );
        })
    };

    // The timeline: outage from 20 % of the posting time; runtime killed
    // at 35 % and 70 %.
    let at = |share: f64| start + posting_time.mul_f64(share);
    let wait_until = |t: Instant| thread::sleep(t.saturating_duration_since(Instant::now()));
    wait_until(at(0.2));
    let receiver = Arc::new(receiver);
    receiver.down();
    log(start, "receiver down");
    let outage = {
        let (receiver, length) = (receiver.clone(), args.outage);
        thread::spawn(move || {
            thread::sleep(length);
            receiver.up();
        })
    };
    let mut kills = 0;
    for share in [0.35, 0.7] {
        wait_until(at(share));
        portal.restart();
        kills += 1;
        log(start, &format!("runtime SIGKILLed and restarted ({kills})"));
    }
    outage.join().expect("outage");
    let recovered = Instant::now();
    log(start, "receiver up");
    poster.join().expect("poster");
    log(start, "posting finished");

    // Wait until every accepted referral is delivered or given up.
    let accepted = accepted.lock().expect("lock").clone();
    let delivered_or_stuck = |portal: &Portal| {
        let delivered: HashSet<String> = receiver.accepted_ids().into_iter().collect();
        let stuck: HashSet<String> = stuck(portal).into_iter().collect();
        accepted.keys().all(|r| delivered.contains(r) || stuck.contains(r))
    };
    let settle_by = Instant::now() + Duration::from_secs(900);
    while Instant::now() < settle_by && !delivered_or_stuck(&portal) {
        thread::sleep(Duration::from_secs(5));
    }
    // Stuck ones are resent once the receiver behaves (as an operator
    // would after fixing the case system).
    receiver.chaos(None);
    // Rounds, as an operator would run the command again if the local
    // database was busy the first time.
    let stuck_refs = stuck(&portal);
    let (mut resent, mut left) = (0, stuck_refs.len());
    for _ in 0..5 {
        if left == 0 {
            break;
        }
        resent += resend_all(&portal);
        thread::sleep(Duration::from_secs(2));
        left = stuck(&portal).len();
    }
    log(start, &format!("{} stuck, {resent} resent", stuck_refs.len()));
    let delivered_all = receiver.wait_for(Duration::from_secs(600), |arrivals| {
        let ok: HashSet<&str> = arrivals
            .iter()
            .filter(|a| (200..300).contains(&a.status))
            .map(|a| a.id.as_str())
            .collect();
        accepted.keys().all(|r| ok.contains(r.as_str()))
    });
    done.store(true, Ordering::SeqCst);
    let _ = sweeper.join();

    // Figures.
    let arrivals = receiver.arrivals();
    let bad_signatures = arrivals.iter().filter(|a| !a.verified).count();
    let mut first_ok: HashMap<&str, Instant> = HashMap::new();
    let mut ok_count: HashMap<&str, u32> = HashMap::new();
    for a in arrivals.iter().filter(|a| (200..300).contains(&a.status)) {
        *ok_count.entry(a.id.as_str()).or_default() += 1;
        first_ok.entry(a.id.as_str()).or_insert(a.at);
    }
    let delivered = accepted.keys().filter(|r| ok_count.contains_key(r.as_str())).count();
    let lost = accepted.len() - delivered;
    let raw_duplicates: u32 = ok_count.values().map(|n| n - 1).sum();
    // A post whose answer was cut off (the runtime killed mid-answer) may
    // still have been stored: the referrer saw an error and sent it again.
    // Such a reference is in D1; one that is not was never accepted at all.
    let unanswered: Vec<&str> = ok_count
        .keys()
        .filter(|id| !accepted.contains_key(**id))
        .copied()
        .collect();
    let known: HashSet<String> = portal
        .query("SELECT reference FROM referrals")
        .iter()
        .filter_map(|r| r["reference"].as_str().map(str::to_owned))
        .collect();
    let unexpected = unanswered.iter().filter(|id| !known.contains(**id)).count();
    let mut latencies: Vec<Duration> = accepted
        .iter()
        .filter_map(|(r, t)| Some(first_ok.get(r.as_str())?.saturating_duration_since(*t)))
        .collect();
    latencies.sort();
    let hung = arrivals.iter().filter(|a| a.status == 0).count();
    // From the receiver coming back to the last first delivery of a
    // referral accepted before then (the ones resent by hand excluded).
    let resent_by_hand: HashSet<&str> = stuck_refs.iter().map(String::as_str).collect();
    let backlog: Vec<Duration> = accepted
        .iter()
        .filter(|(r, t)| **t < recovered && !resent_by_hand.contains(r.as_str()))
        .filter_map(|(r, _)| Some(first_ok.get(r.as_str())?.saturating_duration_since(recovered)))
        .collect();
    let recovery_to_last = backlog.iter().max().copied().unwrap_or_default();
    let late = backlog.iter().filter(|d| **d > Duration::from_secs(120)).count();
    let failed = arrivals.iter().filter(|a| a.status >= 500).count();

    println!();
    println!("| figure | value |");
    println!("| --- | --- |");
    println!("| referrals posted | {referrals} at {rate}/s |");
    println!(
        "| posts refused while the runtime was down (retried) | {} |",
        refused.lock().expect("lock")
    );
    println!("| accepted (202) | {} |", accepted.len());
    println!("| delivered (2xx at the receiver, after de-duplication) | {delivered} |");
    println!("| lost | {lost} |");
    println!("| raw duplicate deliveries (at-least-once on the wire) | {raw_duplicates} |");
    println!(
        "| delivered though the post's answer was lost (stored, then sent again) | {} |",
        unanswered.len() - unexpected
    );
    println!("| deliveries of references never stored | {unexpected} |");
    println!("| bad signatures | {bad_signatures} |");
    println!("| receiver: 5xx answers / hung 7 s, then closed unanswered | {failed} / {hung} |");
    println!("| outage / runtime kills | {} s / {kills} |", args.outage.as_secs());
    println!("| stuck, then resent | {} / {resent} |", stuck_refs.len());
    println!(
        "| receiver back to the last delivery of the {} referrals waiting | {:.1} s ({late} later than 2 minutes) |",
        backlog.len(),
        recovery_to_last.as_secs_f64()
    );
    if !latencies.is_empty() {
        println!(
            "| 202 to delivery: median / p99 / max | {:.1} s / {:.1} s / {:.1} s |",
            percentile(&latencies, 0.5).as_secs_f64(),
            percentile(&latencies, 0.99).as_secs_f64(),
            latencies.last().map_or(0.0, |d| d.as_secs_f64())
        );
    }
    println!("| wall time | {:.0} s |", start.elapsed().as_secs_f64());
    println!(
        "headline: {} accepted, {delivered} delivered, {lost} lost, {raw_duplicates} raw duplicates, {} stuck then {resent} resent; recovery to last delivery {:.0} s; 202 to delivery median {:.0} s, p99 {:.0} s",
        accepted.len(),
        stuck_refs.len(),
        recovery_to_last.as_secs_f64(),
        percentile(&latencies, 0.5).as_secs_f64(),
        percentile(&latencies, 0.99).as_secs_f64()
    );
    if lost == 0 && delivered_all && bad_signatures == 0 && unexpected == 0 {
        ExitCode::SUCCESS
    } else {
        eprintln!("chaos: FAILED: lost {lost}, all delivered {delivered_all}, bad signatures {bad_signatures}");
        ExitCode::FAILURE
    }
}
