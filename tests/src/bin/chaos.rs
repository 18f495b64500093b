//! `chaos faults [--referrals 2000] [--rate 4] [--outage 600] [--seed 1]`
//!
//! The fault part of the chaos suite (a measurement, not a test; it takes as
//! long as the referrals take to post plus the outage). Starts the portal in
//! the local worker runtime and the local case-system receiver, then posts
//! synthetic referrals at a steady rate while the receiver answers half of
//! the deliveries with a 5xx at random and leaves 10 % hanging past the
//! sender's timeout, goes fully down for `--outage` seconds in the middle,
//! and the runtime is SIGKILLed and restarted twice. Afterwards it resends
//! whatever was given up as stuck (as an operator would with
//! `functions/bin/referrals resend`) and checks that every accepted referral
//! reached the receiver with a valid signature, exactly once after
//! de-duplication on `webhook-id`. Prints a table of figures; exits non-zero
//! if anything accepted was lost.

use std::collections::{HashMap, HashSet};
use std::process::{Command, ExitCode};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use lead_e2e::portal::{sample_referral, Options, Portal};
use lead_e2e::receiver::{Chaos, Receiver};
use lead_e2e::{root, TEST_SECRET};

struct Args {
    referrals: u32,
    rate: f64,
    outage: Duration,
    seed: u64,
}

fn parse() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    match args.next().as_deref() {
        Some("faults") => {}
        _ => return Err("usage: chaos faults [--referrals 2000] [--rate 4] [--outage 600] [--seed 1]".into()),
    }
    let mut out = Args {
        referrals: 2000,
        rate: 4.0,
        outage: Duration::from_secs(600),
        seed: 1,
    };
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        let bad = || format!("{flag}: {value:?} is not a number");
        match flag.as_str() {
            "--referrals" => out.referrals = value.parse().map_err(|_| bad())?,
            "--rate" => out.rate = value.parse().map_err(|_| bad())?,
            "--outage" => out.outage = Duration::from_secs(value.parse().map_err(|_| bad())?),
            "--seed" => out.seed = value.parse().map_err(|_| bad())?,
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    if out.rate <= 0.0 || out.referrals == 0 {
        return Err("--rate and --referrals must be positive".into());
    }
    Ok(out)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted
        .get(i.min(sorted.len().saturating_sub(1)))
        .copied()
        .unwrap_or_default()
}

/// Stuck references as `functions/bin/referrals stuck` lists them.
fn stuck(portal: &Portal) -> Vec<String> {
    portal
        .query("SELECT reference FROM referrals WHERE status = 'stuck'")
        .iter()
        .filter_map(|r| r["reference"].as_str().map(str::to_owned))
        .collect()
}

fn resend(portal: &Portal, reference: &str) -> bool {
    Command::new(root().join("functions/bin/referrals"))
        .args(["resend", reference, "--persist-to"])
        .arg(portal.state_dir())
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

fn log(start: Instant, message: &str) {
    eprintln!("[{:>6.1} s] {message}", start.elapsed().as_secs_f64());
}

fn main() -> ExitCode {
    let args = match parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let receiver = Receiver::start(TEST_SECRET);
    // Deliveries time out after 4 s; retries back off from 2 s to 60 s and
    // give up after 8 attempts (about 4 minutes), so a long outage leaves
    // some referrals stuck, to be resent.
    let options = Options::for_tests(&receiver.url())
        .with_var("DELIVERY_TIMEOUT_SECONDS", "4")
        .with_var("RETRY_BASE_SECONDS", "2")
        .with_var("RETRY_CAP_SECONDS", "60")
        .with_var("MAX_DELIVERY_ATTEMPTS", "8")
        .with_var("LEASE_SECONDS", "15");
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
    let posting_time = Duration::from_secs_f64(f64::from(args.referrals) / args.rate);
    log(
        start,
        &format!(
            "posting {} referrals at {}/s over {:.0} s; outage {} s",
            args.referrals,
            args.rate,
            posting_time.as_secs_f64(),
            args.outage.as_secs()
        ),
    );

    // The sweep, as the cron fires it (every 10 s here instead of a minute).
    let done = Arc::new(AtomicBool::new(false));
    let sweeper = {
        let (done, sweep_url) = (done.clone(), sweep_url.clone());
        thread::spawn(move || {
            while !done.load(Ordering::SeqCst) {
                let _ = ureq::get(&sweep_url).timeout(Duration::from_secs(10)).call();
                thread::sleep(Duration::from_secs(10));
            }
        })
    };

    // The poster: steady rate; a referral the runtime could not take (it
    // was down) is not accepted, and is posted again a second later.
    let accepted: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let refused = Arc::new(Mutex::new(0u32));
    let poster = {
        let (accepted, refused, url) = (accepted.clone(), refused.clone(), url.clone());
        let (n, rate) = (args.referrals, args.rate);
        thread::spawn(move || {
            let agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(15)).build();
            let begin = Instant::now();
            for i in 0..n {
                let due = begin + Duration::from_secs_f64(f64::from(i) / rate);
                thread::sleep(due.saturating_duration_since(Instant::now()));
                loop {
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
                }
            }
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
    let stuck_refs = stuck(&portal);
    let resent = stuck_refs.iter().filter(|r| resend(&portal, r)).count();
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
    let unexpected = ok_count.keys().filter(|id| !accepted.contains_key(**id)).count();
    let mut latencies: Vec<Duration> = accepted
        .iter()
        .filter_map(|(r, t)| Some(first_ok.get(r.as_str())?.saturating_duration_since(*t)))
        .collect();
    latencies.sort();
    let hung = arrivals.iter().filter(|a| a.status == 0).count();
    let failed = arrivals.iter().filter(|a| a.status >= 500).count();

    println!();
    println!("| figure | value |");
    println!("| --- | --- |");
    println!("| referrals posted | {} at {}/s |", args.referrals, args.rate);
    println!(
        "| posts refused while the runtime was down (retried) | {} |",
        refused.lock().expect("lock")
    );
    println!("| accepted (202) | {} |", accepted.len());
    println!("| delivered (2xx at the receiver, after de-duplication) | {delivered} |");
    println!("| lost | {lost} |");
    println!("| raw duplicate deliveries (at-least-once on the wire) | {raw_duplicates} |");
    println!("| deliveries of references never accepted | {unexpected} |");
    println!("| bad signatures | {bad_signatures} |");
    println!("| receiver: 5xx answers / hung past the timeout | {failed} / {hung} |");
    println!("| outage / runtime kills | {} s / {kills} |", args.outage.as_secs());
    println!("| stuck, then resent | {} / {resent} |", stuck_refs.len());
    if !latencies.is_empty() {
        println!(
            "| 202 to delivery: median / p99 / max | {:.1} s / {:.1} s / {:.1} s |",
            percentile(&latencies, 0.5).as_secs_f64(),
            percentile(&latencies, 0.99).as_secs_f64(),
            latencies.last().map_or(0.0, |d| d.as_secs_f64())
        );
    }
    println!("| wall time | {:.0} s |", start.elapsed().as_secs_f64());
    if lost == 0 && delivered_all && bad_signatures == 0 && unexpected == 0 {
        ExitCode::SUCCESS
    } else {
        eprintln!("chaos: FAILED: lost {lost}, all delivered {delivered_all}, bad signatures {bad_signatures}");
        ExitCode::FAILURE
    }
}
