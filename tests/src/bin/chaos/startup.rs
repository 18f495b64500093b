//! `chaos startup`.
//!
//! The worker's bundle size and startup time, from `wrangler check startup`
//! (run after `.ci/build`). Goals: at most 1 MB compressed, 100 ms.

use std::process::{Command, ExitCode};

use lead_e2e::root;

/// The worker's bundle size and startup time, from `wrangler check startup`
/// (run after `.ci/build`). Goals: at most 1 MB compressed, 100 ms.
pub fn startup() -> ExitCode {
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
