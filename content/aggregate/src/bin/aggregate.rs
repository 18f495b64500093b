//! `aggregate --input DIR --output DIR [--policy FILE] [--k 11] [--generated-at TEXT] [--source TEXT]`
//!
//! Reads an export (see `lead_aggregate::export`) and writes what the site
//! publishes: `cells.csv` and one JSON file per table. The small-cell
//! threshold k comes from the policy file (`[suppression] k`, by default
//! `content/dashboards/policy.toml` when run from the workspace); `--k`
//! overrides it, and without either k is 11.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use lead_aggregate::aggregate::{aggregate_dir, write, Provenance};
use lead_aggregate::cell::SuppressionPolicy;

const USAGE: &str =
    "usage: aggregate --input DIR --output DIR [--policy FILE] [--k 11] [--generated-at TEXT] [--source TEXT]";

/// The policy file read when `--policy` is not given, if it exists.
const DEFAULT_POLICY: &str = "content/dashboards/policy.toml";

/// `[suppression] k = N` of the policy file.
fn policy_from_file(path: &std::path::Path) -> Result<SuppressionPolicy, String> {
    #[derive(serde::Deserialize)]
    struct File {
        suppression: Suppression,
    }
    #[derive(serde::Deserialize)]
    struct Suppression {
        k: u64,
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let file: File = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    SuppressionPolicy::new(file.suppression.k)
        .ok_or_else(|| format!("{}: [suppression] k must be at least 2", path.display()))
}

struct Args {
    input: PathBuf,
    output: PathBuf,
    policy: SuppressionPolicy,
    provenance: Provenance,
}

/// Now, as an RFC 3339 UTC timestamp.
fn now() -> String {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis()) as i64;
    lead_aggregate::date::utc_timestamp(ms)
}

fn parse(args: &[String]) -> Result<Args, String> {
    let (mut input, mut output) = (None, None);
    let mut policy = None;
    let mut policy_file = None;
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
                policy = Some(
                    value
                        .parse()
                        .ok()
                        .and_then(SuppressionPolicy::new)
                        .ok_or_else(|| format!("--k: {value:?} is not a whole number of at least 2"))?,
                )
            }
            "--policy" => policy_file = Some(PathBuf::from(value)),
            "--generated-at" => provenance.generated_at = value.clone(),
            "--source" => provenance.source = value.clone(),
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    let policy = match (policy, policy_file) {
        (Some(k), _) => k,
        (None, Some(file)) => policy_from_file(&file)?,
        (None, None) if std::path::Path::new(DEFAULT_POLICY).is_file() => {
            policy_from_file(std::path::Path::new(DEFAULT_POLICY))?
        }
        (None, None) => SuppressionPolicy::default(),
    };
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
                "read {} referrals; wrote {} cells ({} suppressed as small with k = {}, {} more as complements) to {} in {:.2} s",
                a.referrals_read,
                a.rows.len(),
                a.primary_suppressed,
                a.policy.k(),
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
