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
//! the console's "Resend all") and checks that every accepted referral
//! reached the receiver with a valid signature, exactly once after
//! de-duplication on `webhook-id`. Prints a table of figures; exits non-zero
//! if anything accepted was lost.

use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

mod canary;
mod common;
mod faults;
mod fuzz;
mod headers;
mod hostile;
mod recovery;
mod sessions;
mod soak;
mod startup;

use canary::canary;
use common::log;
pub use common::{paced, percentile, Rng};
use faults::faults;
use fuzz::fuzz;
use headers::headers;
use hostile::hostile;
use recovery::recovery;
use sessions::sessions;
use startup::startup;

pub struct Args {
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
