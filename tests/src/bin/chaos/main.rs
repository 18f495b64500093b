//! The chaos suite (measurements, not tests), one part per subcommand:
//!
//! - `chaos all [--minutes 30] [--referrals 2000] [--rate 4] [--outage 600] [--seed 1]`:
//!   every part below in turn (`--minutes` goes to `soak`, the rest to
//!   `faults`), then one table of verdicts and figures (about an hour)
//! - `chaos soak [--rate 10] [--minutes 30] [--seed 1]` (see `soak.rs`)
//! - `chaos faults [--referrals 2000] [--rate 4] [--outage 600] [--seed 1]`
//! - `chaos recovery [--referrals 2000] [--outage 600]`: referrals posted
//!   all through an outage of the case system, with the production retry
//!   settings; the time from its return to the last delivery (goal: 2
//!   minutes)
//! - `chaos canary [--referrals 50]`
//! - `chaos headers`
//! - `chaos startup`
//! - `chaos sessions [--referrals 200]` (the number of brute-force guesses)
//! - `chaos fuzz [--referrals 500] [--seed 1]` (bodies per route)
//! - `chaos hostile`
//!
//! `faults` takes as long as the referrals take to post plus the outage.
//! It starts the portal in
//! the local worker runtime and the local case-system receiver, then posts
//! synthetic referrals at a steady rate while the receiver answers half of
//! the deliveries with a 5xx at random and leaves 10 % hanging past the
//! sender's timeout, goes fully down for `--outage` seconds in the middle,
//! and the runtime is SIGKILLed and restarted twice. Afterwards it resends
//! whatever was given up as stuck (as an operator would with
//! `functions/bin/referrals resend-all`) and checks that every accepted referral
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

mod soak;

struct Args {
    /// Default: 2,000 for `faults`, 50 for `canary`.
    referrals: Option<u32>,
    /// Default: 4 for `faults`, 10 for `soak`.
    rate: Option<f64>,
    minutes: f64,
    outage: Duration,
    seed: u64,
}

const USAGE: &str = "usage: chaos all [--minutes 30] [--referrals 2000] [--rate 4] [--outage 600] [--seed 1]\n       chaos soak [--rate 10] [--minutes 30] [--seed 1]\n       chaos faults [--referrals 2000] [--rate 4] [--outage 600] [--seed 1]\n       chaos recovery [--referrals 2000] [--outage 600]\n       chaos canary [--referrals 50]\n       chaos headers\n       chaos startup\n       chaos sessions [--referrals 200]\n       chaos fuzz [--referrals 500] [--seed 1]\n       chaos hostile";

fn parse(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut out = Args {
        referrals: None,
        rate: None,
        minutes: 30.0,
        outage: Duration::from_secs(600),
        seed: 1,
    };
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        let bad = || format!("{flag}: {value:?} is not a number");
        match flag.as_str() {
            "--referrals" => out.referrals = Some(value.parse().map_err(|_| bad())?),
            "--rate" => out.rate = Some(value.parse().map_err(|_| bad())?),
            "--minutes" => out.minutes = value.parse().map_err(|_| bad())?,
            "--outage" => out.outage = Duration::from_secs(value.parse().map_err(|_| bad())?),
            "--seed" => out.seed = value.parse().map_err(|_| bad())?,
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    if out.rate.is_some_and(|r| r <= 0.0 || r > 1000.0)
        || out.referrals == Some(0)
        || out.minutes.is_nan()
        || out.minutes <= 0.0
    {
        return Err("--rate (up to 1000), --referrals and --minutes must be positive".into());
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

/// Every stuck referral put back in line with `functions/bin/referrals
/// resend-all`, as an operator would after an outage; how many it resent.
fn resend_all(portal: &Portal) -> usize {
    Command::new(root().join("functions/bin/referrals"))
        .args(["resend-all", "--persist-to"])
        .arg(portal.state_dir())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .split_whitespace()
                .next()?
                .parse()
                .ok()
        })
        .unwrap_or(0)
}

/// Hands `count` jobs, made by `make(i, due)` when each falls due at `rate`
/// per second (`f64::INFINITY`: all at once), to `threads` threads running
/// `work`, and returns when all are done. The schedule holds whatever the
/// answers (an open loop), as long as a thread is free.
fn paced<J: Send>(
    count: u32,
    rate: f64,
    threads: usize,
    mut make: impl FnMut(u32, Instant) -> J,
    work: impl Fn(J) + Sync,
) {
    let (tx, rx) = std::sync::mpsc::channel::<J>();
    let rx = Mutex::new(rx);
    thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let Ok(job) = rx.lock().expect("lock").recv() else {
                    return;
                };
                work(job);
            });
        }
        let begin = Instant::now();
        for i in 0..count {
            let due = begin + Duration::from_secs_f64(f64::from(i) / rate);
            thread::sleep(due.saturating_duration_since(Instant::now()));
            let _ = tx.send(make(i, due));
        }
        drop(tx);
    });
}

fn log(start: Instant, message: &str) {
    eprintln!("[{:>6.1} s] {message}", start.elapsed().as_secs_f64());
}

fn main() -> ExitCode {
    let mut argv = std::env::args().skip(1);
    let part = argv.next().unwrap_or_default();
    let args = match parse(argv) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match part.as_str() {
        "faults" => faults(&args),
        "recovery" => recovery(&args),
        "canary" => canary(args.referrals.unwrap_or(50).min(10_000)),
        "headers" => headers(),
        "startup" => startup(),
        "sessions" => sessions(args.referrals.unwrap_or(200)),
        "fuzz" => fuzz(args.referrals.unwrap_or(500), args.seed),
        "hostile" => hostile(),
        "soak" => soak::soak(args.rate.unwrap_or(10.0), args.minutes, args.seed),
        "all" => all(&args),
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// Every part in turn, each in a process of its own (so one part's portal
/// and browser are gone before the next starts), then one table of each
/// part's verdict and headline figures.
fn all(args: &Args) -> ExitCode {
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("chaos all: cannot find this program: {e}");
            return ExitCode::FAILURE;
        }
    };
    let minutes = args.minutes.to_string();
    let mut faults_args = vec![
        "--outage".to_owned(),
        args.outage.as_secs().to_string(),
        "--seed".to_owned(),
        args.seed.to_string(),
    ];
    if let Some(n) = args.referrals {
        faults_args.extend(["--referrals".to_owned(), n.to_string()]);
    }
    if let Some(r) = args.rate {
        faults_args.extend(["--rate".to_owned(), r.to_string()]);
    }
    let parts: Vec<(&str, Vec<String>)> = vec![
        ("startup", vec![]),
        ("headers", vec![]),
        ("canary", vec![]),
        ("sessions", vec![]),
        ("fuzz", vec!["--seed".to_owned(), args.seed.to_string()]),
        ("hostile", vec![]),
        (
            "soak",
            vec![
                "--minutes".to_owned(),
                minutes,
                "--seed".to_owned(),
                args.seed.to_string(),
            ],
        ),
        ("faults", faults_args),
        (
            "recovery",
            vec!["--outage".to_owned(), args.outage.as_secs().to_string()],
        ),
    ];
    let start = Instant::now();
    let mut rows = Vec::new();
    for (part, part_args) in parts {
        log(start, &format!("chaos {part} {}", part_args.join(" ")));
        let began = Instant::now();
        let output = Command::new(&exe)
            .arg(part)
            .args(&part_args)
            .stderr(std::process::Stdio::inherit())
            .output();
        let (ok, headline) = match output {
            Ok(o) => {
                let text = String::from_utf8_lossy(&o.stdout).into_owned();
                print!("{text}");
                let headline = text
                    .lines()
                    .find_map(|l| l.strip_prefix("headline: "))
                    .unwrap_or("(no figures: see above)")
                    .to_owned();
                (o.status.success(), headline)
            }
            Err(e) => (false, format!("did not run: {e}")),
        };
        rows.push((part, ok, headline, began.elapsed()));
    }
    println!();
    println!("| part | verdict | figures | time |");
    println!("| --- | --- | --- | --- |");
    for (part, ok, headline, took) in &rows {
        println!(
            "| {part} | {} | {headline} | {:.0} s |",
            if *ok { "pass" } else { "**FAIL**" },
            took.as_secs_f64()
        );
    }
    println!("total time: {:.0} min", start.elapsed().as_secs_f64() / 60.0);
    if rows.iter().all(|r| r.1) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The production retry settings (`wrangler.toml`): the test settings'
/// quick retries removed.
fn production_options(url: &str) -> Options {
    let mut options = Options::for_tests(url);
    for name in [
        "DELIVERY_TIMEOUT_SECONDS",
        "RETRY_BASE_SECONDS",
        "RETRY_CAP_SECONDS",
        "MAX_DELIVERY_ATTEMPTS",
        "LEASE_SECONDS",
        "SWEEP_GRACE_SECONDS",
    ] {
        options.vars.retain(|(k, _)| k != name);
    }
    options
}

/// Fires the sweep every minute, as the production cron does, until `done`.
fn sweeper(sweep_url: String, done: Arc<AtomicBool>) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        while !done.load(Ordering::SeqCst) {
            let _ = ureq::get(&sweep_url).timeout(Duration::from_secs(30)).call();
            for _ in 0..60 {
                if done.load(Ordering::SeqCst) {
                    break;
                }
                thread::sleep(Duration::from_secs(1));
            }
        }
    })
}

/// Referrals posted all through an outage of the case system (the
/// receiver's port closed), with the production retry settings; then it
/// comes back healthy. Nothing may sit out the backoff: the goal is every
/// referral delivered within 2 minutes of its return.
fn recovery(args: &Args) -> ExitCode {
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

fn faults(args: &Args) -> ExitCode {
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

/// Every file under `dir` (the runtime's D1, KV, queue and cache state).
fn files_under(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Referrals carrying unique canary strings in every free-text field are
/// delivered; then the runtime's whole local state (D1, KV, queues) and its
/// log are searched for the canaries, before and after delivery.
fn canary(n: u32) -> ExitCode {
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    let fields = [
        "conduct_places",
        "person_name",
        "person_description",
        "usual_places_times",
        "referrer_name",
        "referrer_organisation",
        "contact_email",
    ];
    let mut canaries = Vec::new();
    for i in 0..n {
        let mut referral = sample_referral(200_000 + i);
        for field in fields {
            let canary = format!("CANARY{i:05}{}", field.to_uppercase().replace('_', ""));
            referral[field] = if field == "contact_email" {
                format!("{}@example.org", canary.to_lowercase()).into()
            } else {
                canary.clone().into()
            };
            canaries.push(canary.to_lowercase());
        }
        let (status, body) = portal.post_json(&referral);
        if status != 202 {
            eprintln!("chaos canary: referral {i} refused: {body}");
            return ExitCode::FAILURE;
        }
    }
    let search = |what: &str| {
        let mut files = Vec::new();
        files_under(portal.state_dir(), &mut files);
        let mut hits = 0;
        for file in &files {
            let Ok(bytes) = std::fs::read(file) else { continue };
            let text = String::from_utf8_lossy(&bytes).to_lowercase();
            let found = canaries.iter().filter(|c| text.contains(c.as_str())).count();
            if found > 0 {
                eprintln!("chaos canary: {found} canaries in {} ({what})", file.display());
                hits += found;
            }
        }
        (files.len(), hits)
    };
    let (files_before, hits_before) = search("as soon as all were accepted");
    let delivered = receiver.wait_for(Duration::from_secs(300), |a| {
        a.iter().filter(|a| (200..300).contains(&a.status)).count() >= n as usize
    });
    // The receiver got the content: the canaries did travel.
    let received = receiver
        .arrivals()
        .iter()
        .filter(|a| a.body.to_string().to_lowercase().contains("canary"))
        .count();
    let (files_after, hits_after) = search("after delivery");
    let sealed_left = portal
        .query("SELECT COUNT(*) AS n FROM referrals WHERE sealed IS NOT NULL")
        .first()
        .and_then(|r| r["n"].as_u64())
        .unwrap_or(u64::MAX);
    println!();
    println!("| figure | value |");
    println!("| --- | --- |");
    println!("| referrals with canaries | {n} ({} canary strings) |", canaries.len());
    println!("| delivered to the receiver with their canaries | {received} (all: {delivered}) |");
    println!(
        "| canary hits in local state and log as soon as all were accepted | {hits_before} in {files_before} files |"
    );
    println!("| canary hits in local state and log after delivery | {hits_after} in {files_after} files |");
    println!("| sealed bodies left after delivery | {sealed_left} |");
    println!(
        "headline: {} canary strings in {n} referrals: {} hits in state and logs, {sealed_left} sealed bodies left",
        canaries.len(),
        hits_before + hits_after
    );
    if hits_before + hits_after == 0 && delivered && sealed_left == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The security headers of every kind of response, as a table.
fn headers() -> ExitCode {
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    let agent = ureq::AgentBuilder::new().redirects(0).build();
    let (ok, out, err) = portal.clt(&[
        "invite",
        "--name",
        "H",
        "--organisation",
        "O",
        "--email",
        "h@example.org",
    ]);
    if !ok {
        eprintln!("chaos headers: {err}");
        return ExitCode::FAILURE;
    }
    let token = out
        .lines()
        .find_map(|l| l.split("i=").nth(1))
        .unwrap_or_default()
        .trim()
        .to_owned();
    let join = agent
        .post(&portal.url("/api/clt/join"))
        .set("Origin", &portal.url(""))
        .send_form(&[("invitation", token.as_str())]);
    let cookie = match &join {
        Ok(r) => r.header("Set-Cookie").unwrap_or_default().to_owned(),
        Err(e) => format!("sign-in failed: {e}"),
    };
    let routes: [(&str, &str); 12] = [
        ("GET", "/"),
        ("GET", "/en/"),
        ("GET", "/en/poster/"),
        ("GET", "/en/data/capacity/"),
        ("GET", "/data/cells.csv"),
        ("GET", "/pkg/lead_site_bg.wasm"),
        ("GET", "/no-such-page"),
        ("GET", "/api/health"),
        ("POST", "/api/referrals"),
        ("GET", "/sent?ref=LEAD-00000-00000"),
        ("GET", "/clt/"),
        ("GET", "/api/clt/me"),
    ];
    /// A header check: its column name and what a good value satisfies.
    type Check = (&'static str, fn(&str) -> bool);
    let checks: [Check; 6] = [
        ("CSP", |v| {
            v.contains("default-src 'self'") && !v.contains("unsafe-inline")
        }),
        ("frame-ancestors", |v| v.contains("frame-ancestors 'none'")),
        ("nosniff", |v| v == "nosniff"),
        ("HSTS", |v| v.contains("max-age=") && v.contains("includeSubDomains")),
        ("Referrer-Policy", |v| v == "no-referrer"),
        ("Permissions-Policy", |v| v.contains("camera=()")),
    ];
    fn header_of(check: &str) -> &str {
        match check {
            "CSP" | "frame-ancestors" => "Content-Security-Policy",
            "nosniff" => "X-Content-Type-Options",
            "HSTS" => "Strict-Transport-Security",
            other => other,
        }
    }
    println!();
    println!(
        "| route | status | {} |",
        checks.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(" | ")
    );
    println!("| --- | --- |{}", " --- |".repeat(checks.len()));
    let mut missing = 0;
    for (method, path) in routes {
        let result = match method {
            "POST" => agent.post(&portal.url(path)).send_json(serde_json::json!({})),
            _ => agent.get(&portal.url(path)).call(),
        };
        let response = match result {
            Ok(r) | Err(ureq::Error::Status(_, r)) => r,
            Err(e) => {
                println!("| {method} {path} | error: {e} |");
                missing += checks.len();
                continue;
            }
        };
        let cells: Vec<&str> = checks
            .iter()
            .map(|(name, ok)| {
                let good = response.header(header_of(name)).is_some_and(ok);
                missing += usize::from(!good);
                if good {
                    "yes"
                } else {
                    "**no**"
                }
            })
            .collect();
        println!("| {method} {path} | {} | {} |", response.status(), cells.join(" | "));
    }
    let cookie_ok = ["__Host-", "Path=/", "Secure", "HttpOnly", "SameSite=Strict"]
        .iter()
        .all(|part| cookie.contains(part))
        && !cookie.contains("Domain");
    println!();
    println!(
        "CLT session cookie: {} ({})",
        if cookie_ok { "ok" } else { "**not ok**" },
        cookie.split(';').skip(1).map(str::trim).collect::<Vec<_>>().join("; ")
    );
    println!("headers missing or wrong: {missing}");
    println!(
        "headline: {} routes × {} headers: {missing} missing or wrong; session cookie {}",
        routes.len(),
        checks.len(),
        if cookie_ok { "ok" } else { "not ok" }
    );
    if missing == 0 && cookie_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The worker's bundle size and startup time, from `wrangler check startup`
/// (run after `.ci/build`). Goals: at most 1 MB compressed, 100 ms.
fn startup() -> ExitCode {
    let profile = std::env::temp_dir().join(format!("lead-startup-{}.cpuprofile", std::process::id()));
    let output = Command::new(root().join("node_modules/.bin/wrangler"))
        .current_dir(root().join("functions"))
        .args(["check", "startup", "--outfile"])
        .arg(&profile)
        .env("PATH", lead_e2e::portal::tool_path())
        .env("WRANGLER_SEND_METRICS", "false")
        .env("NO_COLOR", "1")
        .output();
    let _ = std::fs::remove_file(&profile);
    let text = match output {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).into_owned(),
        Ok(o) => {
            eprintln!(
                "chaos startup: wrangler check startup failed:\n{}",
                String::from_utf8_lossy(&o.stderr)
            );
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("chaos startup: cannot run wrangler: {e}");
            return ExitCode::FAILURE;
        }
    };
    // "Bundle: 997.75 KiB / gzip: 378.33 KiB", "Active: 10.7 ms ...", "Profile window: 31.9 ms"
    let after = |label: &str| {
        text.lines()
            .find_map(|l| l.split_once(label).map(|(_, rest)| rest.trim().to_owned()))
            .unwrap_or_default()
    };
    let number = |s: &str| s.split_whitespace().next().and_then(|n| n.parse::<f64>().ok());
    let bundle = after("Bundle:");
    let gzip_kib = bundle.split_once("gzip:").and_then(|(_, g)| number(g.trim()));
    let active_ms = number(&after("Active:"));
    let window_ms = number(&after("Profile window:"));
    println!();
    println!("| figure | value | goal |");
    println!("| --- | --- | --- |");
    println!("| worker bundle (raw / gzip) | {bundle} | gzip at most 1,024 KiB |");
    println!(
        "| startup: profile window / CPU active | {} ms / {} ms | at most 100 ms |",
        window_ms.map_or("?".into(), |v| v.to_string()),
        active_ms.map_or("?".into(), |v| v.to_string())
    );
    println!(
        "headline: bundle {} KiB gzip, startup {} ms (goals 1,024 KiB, 100 ms)",
        gzip_kib.map_or("?".into(), |v| v.to_string()),
        window_ms.map_or("?".into(), |v| v.to_string())
    );
    match (gzip_kib, window_ms) {
        (Some(g), Some(w)) if g <= 1024.0 && w <= 100.0 => ExitCode::SUCCESS,
        _ => ExitCode::FAILURE,
    }
}

/// Attacks on CLT sessions and sign-in, each counted as attempts and
/// successes (the goal for every row is 0 successes).
fn sessions(guesses: u32) -> ExitCode {
    use base64::Engine;
    let receiver = Receiver::start(TEST_SECRET);
    let portal = Portal::start(Options::for_tests(&receiver.url()));
    let own = portal.url("");
    let agent = ureq::AgentBuilder::new().redirects(0).build();
    let status = |r: Result<ureq::Response, ureq::Error>| match r {
        Ok(r) => (
            r.status(),
            r.header("Set-Cookie").map(str::to_owned),
            r.into_string().unwrap_or_default(),
        ),
        Err(ureq::Error::Status(s, r)) => (s, None, r.into_string().unwrap_or_default()),
        Err(_) => (0, None, String::new()),
    };
    let invite = |email: &str, role: &str| invitation(&portal, email, role);
    let joins = std::cell::Cell::new(0u32);
    let join = |token: &str, origin: &str| {
        joins.set(joins.get() + 1);
        status(
            agent
                .post(&portal.url("/api/clt/join"))
                .set("Origin", origin)
                .set("Accept", "application/json")
                .send_form(&[("invitation", token)]),
        )
    };
    // A member's session: (cookie value, csrf).
    let sign_in = |token: &str| {
        let (_, cookie, body) = join(token, &own);
        let value = cookie
            .unwrap_or_default()
            .split(';')
            .next()
            .unwrap_or_default()
            .trim_start_matches("__Host-lead_clt=")
            .to_owned();
        let csrf = serde_json::from_str::<serde_json::Value>(&body).unwrap_or_default()["csrf"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        (value, csrf)
    };
    let get = |cookie: &str, path: &str| {
        status(
            agent
                .get(&portal.url(path))
                .set("Cookie", &format!("__Host-lead_clt={cookie}"))
                .call(),
        )
        .0
    };
    let post = |cookie: &str, csrf: &str, origin: Option<&str>, path: &str| {
        let mut req = agent
            .post(&portal.url(path))
            .set("Cookie", &format!("__Host-lead_clt={cookie}"))
            .set("Accept", "application/json");
        if let Some(o) = origin {
            req = req.set("Origin", o);
        }
        status(req.send_json(
            serde_json::json!({ "csrf": csrf, "page": "capacity", "chart": "average-caseload",
            "period": "all", "kind": "question", "body": "attack", "publish": "anonymous", "status": "noted" }),
        ))
        .0
    };
    let ok = |s: u16| (200..400).contains(&s);
    let mut rows: Vec<(&str, u32, u32)> = Vec::new();
    let mut row = |name: &'static str, results: Vec<bool>| {
        rows.push((
            name,
            results.len() as u32,
            results.iter().filter(|&&s| s).count() as u32,
        ));
    };

    let (member, member_csrf) = sign_in(&invite("member@example.org", "member"));
    let forged: Vec<bool> = (0..50u8)
        .map(|i| {
            let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode([i; 32]);
            ok(get(&token, "/api/clt/me")) || ok(post(&token, "x", Some(&own), "/api/clt/comments"))
        })
        .collect();
    row("forged session tokens", forged);
    let wrong_role: Vec<bool> = ["/api/clt/queue", "/clt/moderate"]
        .iter()
        .map(|p| ok(get(&member, p)))
        .chain(
            ["/api/clt/comments/x/reply", "/api/clt/comments/x/approve"]
                .iter()
                .map(|p| ok(post(&member, &member_csrf, Some(&own), p))),
        )
        .collect();
    row("member acting as moderator", wrong_role);
    let cross: Vec<bool> = [Some("https://evil.example"), Some("null"), None]
        .iter()
        .flat_map(|origin| {
            [
                ok(post(&member, &member_csrf, *origin, "/api/clt/comments")),
                ok(post(&member, "", Some(&own), "/api/clt/comments")),
            ]
        })
        .collect();
    row("cross-site or tokenless posts", cross);
    let reused_token = invite("reuse@example.org", "member");
    let _ = sign_in(&reused_token);
    row(
        "invitation reuse",
        (0..5).map(|_| ok(join(&reused_token, &own).0)).collect(),
    );
    let expired = {
        let token = invite("expired@example.org", "member");
        let id = token.split('.').next().unwrap_or_default().to_owned();
        portal.query(&format!("UPDATE clt_invitations SET expires_at = 0 WHERE id = '{id}'"));
        token
    };
    row("expired invitation (expired in D1)", vec![ok(join(&expired, &own).0)]);
    let (revoked, revoked_csrf) = sign_in(&invite("revoked@example.org", "member"));
    let _ = portal.clt(&["revoke", "revoked@example.org"]);
    row(
        "revoked member's session",
        vec![
            ok(get(&revoked, "/api/clt/me")),
            ok(get(&revoked, "/clt/")),
            ok(post(&revoked, &revoked_csrf, Some(&own), "/api/clt/comments")),
        ],
    );
    let mut limited_after = None;
    let brute: Vec<bool> = (0..guesses)
        .map(|n| {
            let (s, _, _) = join(&format!("guess{n}.1.AAAA"), &own);
            if s == 429 && limited_after.is_none() {
                limited_after = Some((n, joins.get() - 1));
            }
            ok(s)
        })
        .collect();
    row("brute-force sign-in guesses", brute);
    // The same limit against guesses sent all at once from a fresh address:
    // a success here is a guess answered by anything but 429 beyond the limit.
    let burst_statuses: Vec<u16> = thread::scope(|scope| {
        let url = portal.url("/api/clt/join");
        let guesses: Vec<_> = (0..30)
            .map(|n| {
                let (url, own) = (url.clone(), own.clone());
                scope.spawn(move || {
                    match ureq::post(&url)
                        .set("Origin", &own)
                        .set("CF-Connecting-IP", "192.0.2.200")
                        .send_form(&[("invitation", &format!("burst{n}.1.AAAA"))])
                    {
                        Ok(r) => r.status(),
                        Err(ureq::Error::Status(s, _)) => s,
                        Err(_) => 0,
                    }
                })
            })
            .collect();
        guesses.into_iter().map(|g| g.join().unwrap_or(0)).collect()
    });
    let answered = burst_statuses.iter().filter(|&&s| s != 429).count() as u32;
    let limit: u32 = 10;
    rows.push((
        "sign-in guesses sent 30 at once (answered beyond the limit of 10)",
        30,
        answered.saturating_sub(limit),
    ));

    println!();
    println!("| attack | attempts | successes |");
    println!("| --- | --- | --- |");
    for (name, attempts, successes) in &rows {
        println!("| {name} | {attempts} | {successes} |");
    }
    match limited_after {
        Some((guess, attempts)) => println!(
            "sign-in rate limit: 429 from guess {} on, after {attempts} sign-in attempts from this client in the window",
            guess + 1
        ),
        None => println!("sign-in rate limit: never reached"),
    }
    println!(
        "headline: {} attacks in {} kinds, {} successes; sign-in limited after {}",
        rows.iter().map(|r| r.1).sum::<u32>(),
        rows.len(),
        rows.iter().map(|r| r.2).sum::<u32>(),
        limited_after.map_or("never".into(), |(_, a)| format!("{a} attempts"))
    );
    if rows.iter().all(|r| r.2 == 0) && limited_after.is_some() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// A new member's invitation token, from the manager's `invite` command.
fn invitation(portal: &Portal, email: &str, role: &str) -> String {
    let (_, out, _) = portal.clt(&[
        "invite",
        "--name",
        "N",
        "--organisation",
        "O",
        "--email",
        email,
        "--role",
        role,
    ]);
    out.lines()
        .find_map(|l| l.split("i=").nth(1))
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// The session a JSON sign-in answer starts: (cookie pair, CSRF token).
fn api_session(r: ureq::Response) -> (String, String) {
    let cookie = r
        .header("Set-Cookie")
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .to_owned();
    let csrf = r.into_json::<serde_json::Value>().unwrap_or_default()["csrf"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    (cookie, csrf)
}

/// A small seeded generator (xorshift64*), so a failing case can be rerun.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

/// A value for a property: usually what its schema asks for, often not.
fn fuzz_value(schema: &serde_json::Value, rng: &mut Rng) -> serde_json::Value {
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
        7 => json!(rng.next() as i64),
        8 => [json!(null), json!(true), json!([1, "a"]), json!({ "nested": {} })][rng.below(4)].clone(),
        _ => json!(format!("{}", rng.next())),
    }
}

/// A body for a schema's properties: a random subset, random values, and
/// sometimes a property the schema does not have.
fn fuzz_body(schema: &serde_json::Value, rng: &mut Rng) -> serde_json::Value {
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
fn raw_body(rng: &mut Rng) -> (&'static str, Vec<u8>) {
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
fn fuzz(per_route: u32, seed: u64) -> ExitCode {
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

/// Script and markup payloads: each sets `window.__pwned` if it ever runs.
/// Base payloads × context breaks × spellings (as is, mixed case, entity or
/// percent encoded), plus direction overrides and template syntax.
pub fn hostile_corpus() -> Vec<String> {
    let bases = [
        "<script>window.__pwned=1</script>",
        "<img src=x onerror=window.__pwned=1>",
        "<svg onload=window.__pwned=1>",
        "<svg><script>window.__pwned=1</script></svg>",
        "<math><mtext><img src=x onerror=window.__pwned=1></mtext></math>",
        "<iframe src=\"javascript:window.top.__pwned=1\"></iframe>",
        "<a href=\"javascript:window.__pwned=1\">x</a>",
        "<body onload=window.__pwned=1>",
        "<details open ontoggle=window.__pwned=1>",
        "<input autofocus onfocus=window.__pwned=1>",
        "<video><source onerror=window.__pwned=1></video>",
        "<object data=\"javascript:window.__pwned=1\"></object>",
        "<embed src=\"javascript:window.__pwned=1\">",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:window.__pwned=1\">",
        "<form action=\"javascript:window.__pwned=1\"><button>x</button></form>",
        "<template><img src=x onerror=window.__pwned=1></template>",
        "<noscript><p title=\"</noscript><img src=x onerror=window.__pwned=1>\">",
        "<marquee onstart=window.__pwned=1>",
        "<div style=\"background:url(javascript:window.__pwned=1)\">",
        "<link rel=stylesheet href=\"javascript:window.__pwned=1\">",
        "{{constructor.constructor('window.__pwned=1')()}}",
        "${window.__pwned=1}",
        "<base href=\"javascript:window.__pwned=1//\">",
        "<select autofocus onfocus=window.__pwned=1>",
        "<isindex type=image src=1 onerror=window.__pwned=1>",
    ];
    let breaks = [
        "",
        "\">",
        "'>",
        "</textarea>",
        "</title>",
        "--></p>",
        "]]>",
        "</script>",
    ];
    let mixed = |s: &str| {
        s.chars()
            .enumerate()
            .map(|(i, c)| if i % 2 == 0 { c.to_ascii_uppercase() } else { c })
            .collect::<String>()
    };
    let entities = |s: &str| s.replace('<', "&#x3c;").replace('>', "&#62;").replace('"', "&quot;");
    let percent = |s: &str| s.replace('<', "%3C").replace('>', "%3E").replace('"', "%22");
    let mut out = Vec::new();
    for (i, base) in bases.iter().enumerate() {
        for (j, prefix) in breaks.iter().enumerate() {
            let payload = format!("{prefix}{base}");
            out.push(payload.clone());
            out.push(mixed(&payload));
            out.push(match (i + j) % 4 {
                0 => entities(&payload),
                1 => percent(&payload),
                2 => format!("\u{202e}{payload}\u{202c}"),
                _ => format!("{payload}\u{0000}<!--"),
            });
        }
    }
    out
}

/// Every payload of [`hostile_corpus`] through every CLT field that is
/// shown again (comment text, data point, reply and reason, member and
/// organisation names), then the pages that show them loaded in a real
/// browser: nothing may run, become markup, or trip the CSP.
fn hostile() -> ExitCode {
    let corpus = hostile_corpus();
    let receiver = Receiver::start(TEST_SECRET);
    // More sign-ins than the default limit: one per hostile name.
    // Hundreds of comments from a few members: no comment limit here.
    let portal = Portal::start(
        Options::for_tests(&receiver.url())
            .with_var("CLT_SIGN_IN_LIMIT", "100")
            .with_var("CLT_COMMENTS_PER_HOUR", "10000"),
    );
    let own = portal.url("");
    let agent = ureq::AgentBuilder::new().redirects(0).build();
    let link = |args: &[&str]| {
        let (ok, out, err) = portal.clt(args);
        assert!(ok, "clt {args:?}: {err}");
        out.lines()
            .find_map(|l| l.split("i=").nth(1))
            .unwrap_or_default()
            .trim()
            .to_owned()
    };
    let api_session = |token: &str| {
        let r = agent
            .post(&portal.url("/api/clt/join"))
            .set("Origin", &own)
            .set("Accept", "application/json")
            .send_form(&[("invitation", token)])
            .expect("an API session");
        api_session(r)
    };
    let post = |session: &(String, String), path: &str, body: serde_json::Value| match agent
        .post(&portal.url(path))
        .set("Origin", &own)
        .set("Cookie", &session.0)
        .set("X-CSRF-Token", &session.1)
        .send_json(body)
    {
        Ok(r) => (r.status(), r.into_json::<serde_json::Value>().unwrap_or_default()),
        Err(ureq::Error::Status(s, r)) => (s, r.into_json().unwrap_or_default()),
        Err(e) => panic!("{path}: {e}"),
    };

    // Names and organisations (a command per member, so a sample of the corpus).
    let names: Vec<&String> = corpus.iter().step_by(corpus.len() / 12).take(12).collect();
    for (i, payload) in names.iter().enumerate() {
        let token = link(&[
            "invite",
            "--name",
            payload,
            "--organisation",
            payload,
            "--email",
            &format!("n{i}@example.org"),
        ]);
        let session = api_session(&token);
        let (status, _) = post(
            &session,
            "/api/clt/comments",
            serde_json::json!({ "page": "capacity", "chart": "average-caseload",
            "period": "all", "kind": "concern", "body": "from a member with a hostile name", "publish": "with_organisation" }),
        );
        assert_eq!(status, 201);
    }
    let member_browser_link = link(&[
        "invite",
        "--name",
        "Member",
        "--organisation",
        "Org",
        "--email",
        "m@example.org",
    ]);
    let member_api = api_session(&link(&["reinvite", "m@example.org"]));
    let moderator_browser_link = link(&[
        "invite",
        "--name",
        "Mod",
        "--organisation",
        "LEAD",
        "--email",
        "mod@example.org",
        "--role",
        "moderator",
    ]);
    let moderator_api = api_session(&link(&["reinvite", "mod@example.org"]));

    // Every payload as a comment and a data point; replies and reasons too.
    let mut fields = 0;
    for (i, payload) in corpus.iter().enumerate() {
        let point: String = payload.chars().take(200).collect();
        let (status, body) = post(
            &member_api,
            "/api/clt/comments",
            serde_json::json!({ "page": "capacity",
            "chart": if i % 2 == 0 { "average-caseload" } else { "waitlisted-declined" }, "period": "all",
            "kind": "question", "body": payload, "data_point": point, "publish": "with_organisation" }),
        );
        assert_eq!(status, 201, "payload {i} refused: {body}");
        let id = body["id"].as_str().unwrap_or_default().to_owned();
        let (status, _) = post(
            &moderator_api,
            &format!("/api/clt/comments/{id}/reply"),
            serde_json::json!({ "status": "wont_act", "body": payload, "reason": payload }),
        );
        assert_eq!(status, 200);
        fields += 4;
    }
    // Approve everything publishable.
    let queue: serde_json::Value = agent
        .get(&portal.url("/api/clt/queue"))
        .set("Cookie", &moderator_api.0)
        .call()
        .expect("queue")
        .into_json()
        .expect("JSON");
    for c in queue["comments"].as_array().cloned().unwrap_or_default() {
        let id = c["id"].as_str().unwrap_or_default();
        post(
            &moderator_api,
            &format!("/api/clt/comments/{id}/approve"),
            serde_json::json!({}),
        );
    }
    let comments = queue["comments"].as_array().map_or(0, Vec::len);

    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let results = runtime.block_on(async {
        use fantoccini::Locator;
        let mut results = Vec::new();
        // What members and moderators wrote is in `.text` and `.meta`, which
        // hold only text: any element in them, or any handler or javascript:
        // link anywhere in a comment, is a payload that became markup.
        let inspect = "return { pwned: window.__pwned === 1 || (window.top && window.top.__pwned === 1),
            markup: document.querySelectorAll('.comment .text *, .comment .meta *, .comment [onerror], .comment [onload], .comment [onfocus], .comment [ontoggle], .comment [onstart], .comment a[href^=\"javascript\"], .comment iframe, .comment script').length,
            comments: document.querySelectorAll('.comment').length }";
        let sign_in = |c: fantoccini::Client, token: String, url: String| async move {
            c.goto(&format!("{url}/clt/join?i={token}")).await.expect("open the link");
            c.find(Locator::XPath("//button[normalize-space()='Sign in']")).await.expect("button").click().await.expect("click");
            tokio::time::sleep(Duration::from_millis(500)).await;
            c
        };
        let member = lead_e2e::browser::Browser::start(true).await;
        let moderator = lead_e2e::browser::Browser::start(true).await;
        let public = lead_e2e::browser::Browser::start(true).await;
        let m = sign_in(member.client.clone(), member_browser_link.clone(), own.clone()).await;
        let d = sign_in(moderator.client.clone(), moderator_browser_link.clone(), own.clone()).await;
        for (who, client, path) in [
            ("public", &public.client, "/en/data/capacity/"),
            ("member", &m, "/en/data/capacity/"),
            ("member", &m, "/clt/"),
            ("moderator", &d, "/clt/moderate"),
            ("moderator", &d, "/en/data/capacity/"),
        ] {
            client.goto(&portal.url(path)).await.expect("open");
            tokio::time::sleep(Duration::from_millis(1500)).await;
            let state = client.execute(inspect, vec![]).await.expect("inspect");
            results.push((who, path, state));
        }
        // CSP reports arrive a moment after the pages.
        tokio::time::sleep(Duration::from_secs(2)).await;
        let violations = portal.logs().matches("csp-violation").count();
        // A control: an inline script added by hand must be blocked and
        // reported, or a count of 0 above would prove nothing.
        let _ = public
            .client
            .execute(
                "const s = document.createElement('script'); s.textContent = 'window.__control = 1'; document.body.appendChild(s); return window.__control === 1",
                vec![],
            )
            .await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        let control = portal.logs().matches("csp-violation").count() - violations;
        member.close().await;
        moderator.close().await;
        public.close().await;
        (results, violations, control)
    });
    let (results, violations, control) = results;

    println!();
    println!("| page | as | comments shown | payloads run | payloads become markup |");
    println!("| --- | --- | --- | --- | --- |");
    let mut bad = 0;
    for (who, path, state) in &results {
        let pwned = state["pwned"].as_bool() != Some(false);
        let markup = state["markup"].as_u64().unwrap_or(u64::MAX);
        bad += usize::from(pwned) + markup as usize;
        println!(
            "| {path} | {who} | {} | {} | {markup} |",
            state["comments"],
            u8::from(pwned)
        );
    }
    println!();
    println!("| figure | value |");
    println!("| --- | --- |");
    println!("| payloads in the corpus | {} |", corpus.len());
    println!(
        "| fields carrying them (comment, data point, reply, reason; 12 names and organisations) | {fields} + 24 |"
    );
    println!("| comments stored and approved | {comments} |");
    println!("| payloads executed or turned into markup | {bad} |");
    println!("| CSP violations reported | {violations} |");
    println!("| control: an inline script added by hand, blocked and reported | {control} report(s) |");
    println!(
        "headline: {} payloads, {bad} executed or became markup, {violations} CSP violations (control: {control} report)",
        corpus.len()
    );
    if bad == 0 && violations == 0 && control > 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
