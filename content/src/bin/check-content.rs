//! `check-content [DIR]`: checks the intake content files a program manager
//! edits (`questions.toml`, `policy.toml`, `copy.toml`, `clt.toml`, `dashboards.toml` and, if
//! there is one, `measures.toml` in DIR, by default
//! the content set the build embeds: `LEAD_CONTENT_DIR` if set, relative to the
//! workspace root, else `content/intake`) and prints every problem with its
//! file and field.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("LEAD_CONTENT_DIR")
                .filter(|d| !d.is_empty())
                .map(|d| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join(d))
        })
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("intake"));
    let shipped = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("intake");
    let read = |name: &str| {
        let path = dir.join(name);
        std::fs::read_to_string(&path).map_err(|e| format!("{}: cannot read: {e}", path.display()))
    };
    let files = (|| {
        Ok::<_, String>((
            read("questions.toml")?,
            read("policy.toml")?,
            read("copy.toml")?,
            read("clt.toml")?,
            read("dashboards.toml")?,
            // No measures.toml: the program declares no measures of its own
            // (as the build reads it); any other failure to read is one.
            match read("measures.toml") {
                Err(_) if !dir.join("measures.toml").exists() => String::new(),
                text => text?,
            },
        ))
    })();
    let (questions, policy, copy, clt, dashboards, measures) = match files {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let content = lead_content::Content::from_toml(&questions, &policy, &copy);
    let clt = lead_content::CltText::from_toml(&clt);
    let dashboards = lead_content::DashboardCopy::from_toml(&dashboards);
    let measures = lead_content::Measures::from_toml(&measures);
    match (content, clt, dashboards, measures) {
        (Ok(content), Ok(_), Ok(_), Ok(measures)) => {
            println!(
                "content is valid: {} questions in {} steps, {} tiers, intake {:?}, {} measures of the program's own",
                content.questions.questions.len(),
                content.questions.steps.len(),
                content.policy.tiers.len(),
                content.policy.intake.status,
                measures.measure.len()
            );
            ExitCode::SUCCESS
        }
        (content, clt, dashboards, measures) => {
            let errors: Vec<_> = content
                .err()
                .into_iter()
                .chain(clt.err())
                .chain(dashboards.err())
                .chain(measures.err())
                .flatten()
                .collect();
            // Errors name the files as `content/intake/…`; for another
            // program's set, name the folder that was checked instead.
            let same = |a: &PathBuf| a.canonicalize().ok();
            let shown = if same(&dir) == same(&shipped) {
                "content/intake/".to_owned()
            } else {
                format!("{}/", dir.display())
            };
            for e in &errors {
                eprintln!("{}", e.to_string().replacen("content/intake/", &shown, 1));
            }
            eprintln!("{} problem(s) found; nothing was changed", errors.len());
            ExitCode::FAILURE
        }
    }
}
