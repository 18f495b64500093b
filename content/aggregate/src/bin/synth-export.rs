//! `synth-export --referrals N --seed S --output DIR [--start YYYY-MM] [--months M] [--content DIR]`
//!
//! Writes a synthetic export in the contract of `lead_aggregate::export`,
//! with the priority tiers (`policy.toml`) and the outcome measures
//! (`measures.toml`) of the content set in `--content` (by default the one
//! the workspace builds: `$LEAD_CONTENT_DIR`, else `content/intake`).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use lead_aggregate::date::Month;
use lead_aggregate::declared;
use lead_aggregate::synth::{write_export, SynthConfig};

const USAGE: &str =
    "usage: synth-export --referrals N --seed S --output DIR [--start YYYY-MM] [--months M] [--content DIR]";

fn parse(args: &[String]) -> Result<(SynthConfig, PathBuf), String> {
    let mut config = SynthConfig::new(10_000, 1);
    let mut output = None;
    let mut content = declared::default_dir();
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let bad = |what: &str| format!("{flag}: {value:?} is not {what}");
        match flag.as_str() {
            "--referrals" => config.referrals = value.parse().map_err(|_| bad("a whole number"))?,
            "--seed" => config.seed = value.parse().map_err(|_| bad("a whole number"))?,
            "--months" => config.months = value.parse().map_err(|_| bad("a whole number"))?,
            "--start" => config.start = value.parse::<Month>().map_err(|_| bad("a month (YYYY-MM)"))?,
            "--output" => output = Some(PathBuf::from(value)),
            "--content" => content = PathBuf::from(value),
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    config.declared = declared::read(&content.join("measures.toml"))?;
    config.tiers = declared::tiers(&content)?;
    Ok((config, output.ok_or("--output is required")?))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (config, output) = match parse(&args) {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("{message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let started = Instant::now();
    match write_export(&config, &output) {
        Ok(summary) => {
            eprintln!(
                "wrote {} referrals, {} outcome rows, {} caseload rows, {} arrest rows, {} population rows, {} survey rows, {} comparison rows to {} in {:.2} s",
                summary.referrals,
                summary.outcomes,
                summary.caseloads,
                summary.arrests,
                summary.population,
                summary.surveys,
                summary.comparison,
                output.display(),
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("synth-export: {e}");
            ExitCode::FAILURE
        }
    }
}
