//! `aggregate --input DIR (--output DIR | --publish DIR) [--policy FILE] [--measures FILE] [--k 11] [--generated-at TEXT] [--source TEXT]`
//!
//! `--publish DIR` is how a program publishes its own export (what
//! `functions/bin/publish` runs): a synthetic export is refused, the new
//! figures replace the last publication in DIR only once they are all
//! written, and what changed since that publication is printed.
//!
//! The tables record where their figures came from: synthetic when the
//! export carries `synth-export`'s marker, otherwise the program's export,
//! by the SHA-256 of each of its files (`--source` describes it in words).
//!
//! Reads an export (see `lead_aggregate::export`) and writes what the site
//! publishes: `cells.csv` and one JSON file per table. The small-cell
//! threshold k comes from the policy file (`[suppression] k`, by default
//! `content/dashboards/policy.toml` when run from the workspace); `--k`
//! overrides it, and without either k is 11. The outcome measures the
//! program declares come from `--measures` (by default `measures.toml` of
//! the content set, `$LEAD_CONTENT_DIR` or `content/intake`; none if there
//! is no such file).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use lead_aggregate::aggregate::{aggregate_dir, write, Provenance};
use lead_aggregate::cell::SuppressionPolicy;
use lead_aggregate::declared::{self, SiteMeasures};
use lead_aggregate::export;
use lead_aggregate::publish::publish;

const USAGE: &str =
    "usage: aggregate --input DIR (--output DIR | --publish DIR) [--policy FILE] [--measures FILE] [--k 11] [--generated-at TEXT] [--source TEXT]";

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
    /// A program's publication, not a scratch output.
    publish: bool,
    policy: SuppressionPolicy,
    declared: SiteMeasures,
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
    let mut publish = false;
    let mut policy = None;
    let mut policy_file = None;
    let mut measures = declared::default_path();
    let mut generated_at = now();
    let mut description = "De-identified case-system export (referrals.csv, outcomes.csv, caseloads.csv) with police arrest data (arrests.csv) and the census baseline (population.csv).".to_owned();
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--input" => input = Some(PathBuf::from(value)),
            "--output" => output = Some(PathBuf::from(value)),
            "--publish" => {
                output = Some(PathBuf::from(value));
                publish = true;
            }
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
            "--measures" => measures = PathBuf::from(value),
            "--generated-at" => generated_at = value.clone(),
            "--source" => description = value.clone(),
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
    let input: PathBuf = input.ok_or("--input is required")?;
    // Synthetic if the export says so; otherwise the hash of each file.
    let source = export::source_of(&input, &description).map_err(|e| e.to_string())?;
    Ok(Args {
        provenance: Provenance { generated_at, source },
        input,
        output: output.ok_or("--output or --publish is required")?,
        publish,
        policy,
        declared: declared::read(&measures)?,
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
    if args.publish && args.provenance.source.is_synthetic() {
        eprintln!(
            "aggregate: {} is a synthetic export ({}), not the program's own: the published folder holds only a program's real figures. \
             (A build without published figures makes its own demo figures under target/.)",
            args.input.display(),
            args.provenance.source.description()
        );
        return ExitCode::FAILURE;
    }
    let started = Instant::now();
    let result = aggregate_dir(&args.input, args.declared.clone(), args.policy).and_then(|aggregates| {
        let changes = if args.publish {
            Some(publish(&aggregates, &args.provenance, &args.output)?)
        } else {
            write(&aggregates, &args.output, &args.provenance)?;
            None
        };
        Ok((aggregates, changes))
    });
    match result {
        Ok((a, changes)) => {
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
            if let Some(changes) = changes {
                print!("{changes}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("aggregate: {e}");
            ExitCode::FAILURE
        }
    }
}
