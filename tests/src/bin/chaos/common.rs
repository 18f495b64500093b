//! What the parts share: timing, pacing, the operator's commands, the
//! production settings, CLT sign-in and a seeded generator.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use lead_e2e::portal::{Options, Portal};

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted
        .get(i.min(sorted.len().saturating_sub(1)))
        .copied()
        .unwrap_or_default()
}

/// Stuck references, as the staff console's ledger lists them.
pub fn stuck(portal: &Portal) -> Vec<String> {
    portal
        .query("SELECT reference FROM referrals WHERE status = 'stuck'")
        .iter()
        .filter_map(|r| r["reference"].as_str().map(str::to_owned))
        .collect()
}

/// Every stuck referral put back in line by a manager (the console's
/// "Resend all"), as a program would after an outage; how many it resent.
pub fn resend_all(portal: &Portal) -> usize {
    let (status, body) = portal
        .manager()
        .post("/api/staff/referrals/resend-all", serde_json::json!({}));
    if status != 200 {
        eprintln!("chaos: resend-all answered {status}: {body}");
    }
    body["resent"].as_array().map_or(0, Vec::len)
}

/// Hands `count` jobs, made by `make(i, due)` when each falls due at `rate`
/// per second (`f64::INFINITY`: all at once), to `threads` threads running
/// `work`, and returns when all are done. The schedule holds whatever the
/// answers (an open loop), as long as a thread is free.
pub fn paced<J: Send>(
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

pub fn log(start: Instant, message: &str) {
    eprintln!("[{:>6.1} s] {message}", start.elapsed().as_secs_f64());
}

/// The production retry settings (`wrangler.toml`): the test settings'
/// quick retries removed.
pub fn production_options(url: &str) -> Options {
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
pub fn sweeper(sweep_url: String, done: Arc<AtomicBool>) -> thread::JoinHandle<()> {
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

/// A new member's invitation token, from a manager's invitation.
pub fn invitation(portal: &Portal, email: &str, role: &str) -> String {
    lead_e2e::member::invite(portal, "N", "O", email, role)
}

/// The session a JSON sign-in answer starts: (cookie pair, CSRF token).
pub fn api_session(r: ureq::Response) -> (String, String) {
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
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}
