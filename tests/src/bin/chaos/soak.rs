//! `chaos soak`: a bounded load against the portal on 127.0.0.1 only.
//!
//! Requests leave at a fixed rate whatever the answers do (an open loop),
//! and each latency is measured from when its request was due, so a slow
//! answer cannot hide the ones queued behind it. The mix is what visitors
//! do: prerendered pages (the dashboards go through the worker, which adds
//! CLT commentary), their scripts and WASM, dashboard CSV and JSON, and
//! referrals, each from a visitor address of its own. Then one address
//! posts referrals in a burst past the per-client limit. The runtime's
//! memory (every process `wrangler dev` started) is sampled throughout.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use lead_e2e::portal::{sample_referral, Options, Portal};
use lead_e2e::receiver::Receiver;
use lead_e2e::{root, TEST_SECRET};

use crate::{paced, percentile, Rng};

/// The per-client referral limit the soak runs with: the shipped default.
const LIMIT: u32 = 20;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Kind {
    Page,
    Asset,
    Data,
    Referral,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::Page => "page (HTML; dashboards via the worker)",
            Kind::Asset => "script, style, WASM",
            Kind::Data => "dashboard data (CSV, JSON)",
            Kind::Referral => "referral post",
        }
    }
}

struct Job {
    kind: Kind,
    due: Instant,
    n: u32,
    path: String,
}

struct Sample {
    kind: Kind,
    status: u16,
    latency: Duration,
    error: Option<String>,
}

/// Every file under `dir`, as URL paths (`index.html` as its folder).
fn url_paths(dir: &Path, base: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            url_paths(&path, base, out);
        } else if let Ok(rel) = path.strip_prefix(base) {
            let rel = rel.to_string_lossy().replace('\\', "/");
            out.push(match rel.strip_suffix("index.html") {
                Some(folder) => format!("/{folder}"),
                None => format!("/{rel}"),
            });
        }
    }
}

/// Resident memory (KiB) of every process in the runtime's process group:
/// (workerd processes, everything).
fn group_memory(pgid: u32) -> (u64, u64) {
    let (mut workerd, mut total) = (0, 0);
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return (0, 0);
    };
    for entry in procs.flatten() {
        let dir = entry.path();
        let Ok(stat) = std::fs::read_to_string(dir.join("stat")) else {
            continue;
        };
        // The fields after the command name: state ppid pgrp ...
        let Some((_, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        let pgrp = rest.split_whitespace().nth(2).and_then(|p| p.parse::<u32>().ok());
        if pgrp != Some(pgid) {
            continue;
        }
        let status = std::fs::read_to_string(dir.join("status")).unwrap_or_default();
        let rss: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or(0);
        total += rss;
        if status.lines().next().is_some_and(|l| l.contains("workerd")) {
            workerd += rss;
        }
    }
    (workerd, total)
}

fn mib(kib: u64) -> String {
    format!("{:.0} MiB", kib as f64 / 1024.0)
}

/// A visitor address for the n-th referral (the local runtime takes the
/// client's address from `CF-Connecting-IP`, as Cloudflare's edge sets it).
fn visitor(n: u32) -> String {
    format!("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255)
}

fn send(agent: &ureq::Agent, portal_url: &str, job: &Job) -> Sample {
    let url = format!("{portal_url}{}", job.path);
    let result = match job.kind {
        Kind::Referral => agent
            .post(&url)
            .set("CF-Connecting-IP", &visitor(job.n))
            .send_json(sample_referral(300_000 + job.n)),
        _ => agent.get(&url).call(),
    };
    let (status, error) = match result {
        Ok(r) => {
            let status = r.status();
            let mut sink = Vec::new();
            match r.into_reader().take(20_000_000).read_to_end(&mut sink) {
                Ok(_) => (status, None),
                Err(e) => (status, Some(format!("body: {e}"))),
            }
        }
        Err(ureq::Error::Status(s, r)) => {
            let _ = r.into_string();
            (s, None)
        }
        Err(e) => (0, Some(e.to_string())),
    };
    Sample {
        kind: job.kind,
        status,
        latency: job.due.elapsed(),
        error,
    }
}

fn expected(kind: Kind, status: u16) -> bool {
    match kind {
        Kind::Referral => status == 202,
        _ => status == 200,
    }
}

pub fn soak(rate: f64, minutes: f64, seed: u64) -> ExitCode {
    let receiver = Receiver::start(TEST_SECRET);
    let options = Options::for_tests(&receiver.url()).with_var("RATE_LIMIT_PER_WINDOW", &LIMIT.to_string());
    let portal = Portal::start(options);
    let pgid = portal.process_group().unwrap_or(0);
    let base = portal.url("");
    let dist = root().join("dist");
    let mut all = Vec::new();
    url_paths(&dist, &dist, &mut all);
    let pages: Vec<String> = all.iter().filter(|p| p.ends_with('/')).cloned().collect();
    let assets: Vec<String> = all
        .iter()
        .filter(|p| [".js", ".wasm", ".css"].iter().any(|e| p.ends_with(e)))
        .cloned()
        .collect();
    let data: Vec<String> = all
        .iter()
        .filter(|p| p.starts_with("/data/") && (p.ends_with(".csv") || p.ends_with(".json")))
        .cloned()
        .collect();
    if pages.is_empty() || assets.is_empty() || data.is_empty() {
        eprintln!("chaos soak: dist/ has no pages, assets or data: run the test command first");
        return ExitCode::FAILURE;
    }
    let start = Instant::now();
    let total = (rate * minutes * 60.0).round() as u32;
    crate::log(
        start,
        &format!(
            "{total} requests at {rate}/s over {minutes} min: {} pages, {} assets, {} data files, referrals",
            pages.len(),
            assets.len(),
            data.len()
        ),
    );

    // Memory: the runtime's processes every 10 s; the worker isolate's own
    // heap (after a full collection, through the inspector) every minute.
    let memory: Arc<Mutex<Vec<(Duration, u64, u64)>>> = Arc::default();
    let heap: Arc<Mutex<Vec<(Duration, u64)>>> = Arc::default();
    let sampling = Arc::new(AtomicBool::new(true));
    let portal = Arc::new(portal);
    let sampler = {
        let (memory, heap, sampling, portal) = (memory.clone(), heap.clone(), sampling.clone(), portal.clone());
        thread::spawn(move || {
            let mut tick = 0u32;
            while sampling.load(Ordering::SeqCst) {
                let (w, t) = group_memory(pgid);
                memory.lock().expect("lock").push((start.elapsed(), w, t));
                if tick.is_multiple_of(6) {
                    if let Some((used, _)) = portal.isolate_heap() {
                        heap.lock().expect("lock").push((start.elapsed(), used));
                    }
                }
                tick += 1;
                thread::sleep(Duration::from_secs(10));
            }
        })
    };

    // 48 threads take the jobs as they fall due, so a slow answer never
    // delays the schedule.
    let samples: Mutex<Vec<Sample>> = Mutex::default();
    let agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(30)).build();
    let mut rng = Rng(seed.max(1));
    let begin = Instant::now();
    let job = |i: u32, due: Instant| {
        if i > 0 && i.is_multiple_of((rate as u32 * 60).max(1)) {
            let s = samples.lock().expect("lock");
            let bad = s.iter().filter(|s| !expected(s.kind, s.status)).count();
            crate::log(start, &format!("{} answered, {bad} unexpected", s.len()));
        }
        // 45 % pages, 10 % assets, 30 % data, 15 % referrals.
        let (kind, path) = match rng.below(100) {
            0..=44 => (Kind::Page, pages[rng.below(pages.len())].clone()),
            45..=54 => (Kind::Asset, assets[rng.below(assets.len())].clone()),
            55..=84 => (Kind::Data, data[rng.below(data.len())].clone()),
            _ => (Kind::Referral, "/api/referrals".to_owned()),
        };
        Job { kind, due, n: i, path }
    };
    paced(total, rate, 48, job, |job| {
        let sample = send(&agent, &base, &job);
        samples.lock().expect("lock").push(sample);
    });
    let soak_time = begin.elapsed();
    crate::log(start, "soak finished; burst");

    // The burst: one address posts twice its limit, 8 at a time.
    let burst_n = LIMIT * 2;
    let burst: Mutex<Vec<(u16, bool)>> = Mutex::default();
    let burst_start = Instant::now();
    let url = portal.url("/api/referrals");
    paced(
        burst_n,
        f64::INFINITY,
        8,
        |n, _| n,
        |n| {
            let r = agent
                .post(&url)
                .set("CF-Connecting-IP", "192.0.2.77")
                .send_json(sample_referral(900_000 + n));
            let entry = match r {
                Ok(r) => (r.status(), false),
                Err(ureq::Error::Status(s, r)) => (s, r.header("Retry-After").is_some()),
                Err(_) => (0, false),
            };
            burst.lock().expect("lock").push(entry);
        },
    );
    let burst_time = burst_start.elapsed();
    let burst = burst.into_inner().expect("lock");
    let burst_accepted = burst.iter().filter(|b| b.0 == 202).count();
    let burst_limited = burst.iter().filter(|b| b.0 == 429).count();
    let limited_with_retry_after = burst.iter().filter(|b| b.0 == 429 && b.1).count();
    let burst_other = burst.len() - burst_accepted - burst_limited;

    // Everything accepted reaches the case system.
    let samples = samples.into_inner().expect("lock");
    let accepted = samples
        .iter()
        .filter(|s| s.kind == Kind::Referral && s.status == 202)
        .count()
        + burst_accepted;
    let delivered = receiver.wait_for(Duration::from_secs(300), |a| {
        a.iter().filter(|a| (200..300).contains(&a.status)).count() >= accepted
    });
    let arrived = receiver
        .arrivals()
        .iter()
        .filter(|a| (200..300).contains(&a.status))
        .map(|a| a.id.clone())
        .collect::<std::collections::HashSet<_>>()
        .len();
    thread::sleep(Duration::from_secs(5));
    sampling.store(false, Ordering::SeqCst);
    let _ = sampler.join();
    let memory = memory.lock().expect("lock").clone();

    // Figures.
    let mut by_kind: BTreeMap<Kind, Vec<&Sample>> = BTreeMap::new();
    for s in &samples {
        by_kind.entry(s.kind).or_default().push(s);
    }
    let mut errors = 0;
    let mut examples: BTreeMap<String, usize> = BTreeMap::new();
    println!();
    println!("| requests | count | unexpected answers | p50 | p90 | p99 | max |");
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    let ms = |d: Duration| format!("{:.0} ms", d.as_secs_f64() * 1000.0);
    let mut all_latencies = Vec::new();
    for (kind, list) in &by_kind {
        let bad: Vec<&&Sample> = list.iter().filter(|s| !expected(s.kind, s.status)).collect();
        errors += bad.len();
        for s in &bad {
            let what = s.error.clone().unwrap_or_else(|| format!("status {}", s.status));
            *examples.entry(format!("{}: {what}", kind.label())).or_default() += 1;
        }
        let mut lat: Vec<Duration> = list.iter().map(|s| s.latency).collect();
        lat.sort();
        all_latencies.extend(lat.iter().copied());
        println!(
            "| {} | {} | {} | {} | {} | {} | {} |",
            kind.label(),
            list.len(),
            bad.len(),
            ms(percentile(&lat, 0.5)),
            ms(percentile(&lat, 0.9)),
            ms(percentile(&lat, 0.99)),
            ms(lat.last().copied().unwrap_or_default())
        );
    }
    all_latencies.sort();
    println!(
        "| all | {} | {errors} | {} | {} | {} | {} |",
        samples.len(),
        ms(percentile(&all_latencies, 0.5)),
        ms(percentile(&all_latencies, 0.9)),
        ms(percentile(&all_latencies, 0.99)),
        ms(all_latencies.last().copied().unwrap_or_default())
    );
    for (what, n) in &examples {
        println!("unexpected: {n} × {what}");
    }
    let first = memory.first().copied().unwrap_or_default();
    let last = memory.last().copied().unwrap_or_default();
    let peak = memory.iter().map(|m| m.2).max().unwrap_or(0);
    // The last sample after the load ends, with the worker idle.
    if let Some((used, _)) = portal.isolate_heap() {
        heap.lock().expect("lock").push((start.elapsed(), used));
    }
    let heap = heap.lock().expect("lock").clone();
    let heap_mib = |b: u64| format!("{:.1} MiB", b as f64 / (1024.0 * 1024.0));
    let heap_first = heap.first().map_or(0, |h| h.1);
    let heap_last = heap.last().map_or(0, |h| h.1);
    let heap_peak = heap.iter().map(|h| h.1).max().unwrap_or(0);
    println!();
    println!("| figure | value |");
    println!("| --- | --- |");
    println!(
        "| soak | {} requests in {:.0} s ({:.2}/s achieved), {} of them referrals |",
        samples.len(),
        soak_time.as_secs_f64(),
        samples.len() as f64 / soak_time.as_secs_f64(),
        by_kind.get(&Kind::Referral).map_or(0, Vec::len)
    );
    println!("| errors (transport failures and unexpected statuses) | {errors} |");
    println!(
        "| burst from one address: posted / accepted / 429 (with Retry-After) / other | {burst_n} / {burst_accepted} / {burst_limited} ({limited_with_retry_after}) / {burst_other} in {:.1} s; the limit is {LIMIT} |",
        burst_time.as_secs_f64()
    );
    println!("| referrals accepted / delivered (after de-duplication) | {accepted} / {arrived} |");
    println!(
        "| runtime memory (workerd / all wrangler processes): start | {} / {} |",
        mib(first.1),
        mib(first.2)
    );
    println!(
        "| runtime memory: end | {} / {} (peak of all {}) |",
        mib(last.1),
        mib(last.2),
        mib(peak)
    );
    println!(
        "| worker isolate's own heap after GC: start / end / peak ({} samples) | {} / {} / {} |",
        heap.len(),
        heap_mib(heap_first),
        heap_mib(heap_last),
        heap_mib(heap_peak)
    );
    println!(
        "headline: {} requests, {errors} errors, p99 {}; burst {burst_accepted} accepted of {burst_n} (limit {LIMIT}); runtime memory {} → {}; worker heap {} → {}",
        samples.len(),
        ms(percentile(&all_latencies, 0.99)),
        mib(first.2),
        mib(last.2),
        heap_mib(heap_first),
        heap_mib(heap_last)
    );
    let burst_ok = burst_accepted as u32 <= LIMIT
        && burst_limited > 0
        && burst_other == 0
        && limited_with_retry_after == burst_limited;
    if errors == 0 && burst_ok && delivered && arrived >= accepted {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
