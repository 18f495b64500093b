//! `aggregate --input DIR --output DIR [--k 11] [--generated-at TEXT] [--source TEXT]`
//!
//! Reads an export (see `lead_aggregate::export`) and writes what the site
//! publishes: `cells.csv` and one JSON file per table.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use lead_aggregate::aggregate::{aggregate_dir, write, Provenance};
use lead_aggregate::cell::SuppressionPolicy;
use lead_aggregate::date::Date;

const USAGE: &str = "usage: aggregate --input DIR --output DIR [--k 11] [--generated-at TEXT] [--source TEXT]";

struct Args {
    input: PathBuf,
    output: PathBuf,
    policy: SuppressionPolicy,
    provenance: Provenance,
}

/// Now, as an ISO 8601 UTC timestamp.
fn now() -> String {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()) as i64;
    let date = Date::from_days(secs.div_euclid(86_400)).map_or_else(String::new, |d| d.to_string());
    let s = secs.rem_euclid(86_400);
    format!("{date}T{:02}:{:02}:{:02}Z", s / 3600, s / 60 % 60, s % 60)
}

fn parse(args: &[String]) -> Result<Args, String> {
    let (mut input, mut output) = (None, None);
    let mut policy = SuppressionPolicy::default();
    let mut provenance = Provenance {
        generated_at: now(),
        source: "De-identified case-system export (referrals.csv, outcomes.csv, caseloads.csv) with police arrest data (arrests.csv) and the census baseline (population.csv).".to_owned(),
    };
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--input" => input = Some(PathBuf::from(value)),
            "--output" => output = Some(PathBuf::from(value)),
            "--k" => {
                policy = value
                    .parse()
                    .ok()
                    .and_then(SuppressionPolicy::new)
                    .ok_or_else(|| format!("--k: {value:?} is not a whole number of at least 2"))?
            }
            "--generated-at" => provenance.generated_at = value.clone(),
            "--source" => provenance.source = value.clone(),
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    Ok(Args {
        input: input.ok_or("--input is required")?,
        output: output.ok_or("--output is required")?,
        policy,
        provenance,
    })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args = match parse(&args) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let started = Instant::now();
    let result = aggregate_dir(&args.input, args.policy).and_then(|aggregates| {
        write(&aggregates, &args.output, &args.provenance)?;
        Ok(aggregates)
    });
    match result {
        Ok(a) => {
            eprintln!(
                "read {} referrals; wrote {} cells ({} suppressed as small, {} more as complements) to {} in {:.2} s",
                a.referrals_read,
                a.rows.len(),
                a.primary_suppressed,
                a.complementary_suppressed,
                args.output.display(),
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("aggregate: {e}");
            ExitCode::FAILURE
        }
    }
}
