//! `chaos canary`.
//!
//! Referrals carrying unique canary strings in every free-text field are
//! delivered; then the runtime's whole local state (D1, KV, queues) and its
//! log are searched for the canaries, before and after delivery.

use std::process::ExitCode;
use std::time::Duration;

use lead_e2e::portal::{sample_referral, Options, Portal};
use lead_e2e::receiver::Receiver;
use lead_e2e::TEST_SECRET;

/// Every file under `dir` (the runtime's D1, KV, queue and cache state).
pub fn files_under(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
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
pub fn canary(n: u32) -> ExitCode {
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
