//! The outcome measures a program declares in its content
//! (`measures.toml`, see [`lead_data::measures`]), read by the aggregation
//! step and the synthetic generator as the site reads them.

use std::path::{Path, PathBuf};

pub use lead_data::measures::SiteMeasures;

/// The content set the workspace builds: the folder `LEAD_CONTENT_DIR`
/// names (relative to the working directory, as for the site's build),
/// else `content/intake`.
pub fn default_dir() -> PathBuf {
    std::env::var_os("LEAD_CONTENT_DIR")
        .filter(|d| !d.is_empty())
        .map_or_else(|| PathBuf::from("content/intake"), PathBuf::from)
}

/// The declarations of the content set the workspace builds.
pub fn default_path() -> PathBuf {
    default_dir().join("measures.toml")
}

/// The priority tiers of the content set in `dir` (its `policy.toml`), from
/// the highest: the ids the case system exports as `priority_tier`.
pub fn tiers(dir: &Path) -> Result<Vec<String>, String> {
    #[derive(serde::Deserialize)]
    struct Policy {
        #[serde(default)]
        tier: Vec<Tier>,
    }
    #[derive(serde::Deserialize)]
    struct Tier {
        id: String,
    }
    let path = dir.join("policy.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let policy: Policy = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(policy.tier.into_iter().map(|t| t.id).collect())
}

/// Reads and checks the declarations in `path`; a missing file declares
/// none.
pub fn read(path: &Path) -> Result<SiteMeasures, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(SiteMeasures::default()),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let declared: SiteMeasures = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    match declared.problems().as_slice() {
        [] => Ok(declared),
        problems => Err(format!("{}: {}", path.display(), problems.join("; "))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workspace_declarations_are_read_and_a_bad_one_is_refused() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        for set in ["content/intake", "tests/programs/harbor-county"] {
            let declared = read(&root.join(set).join("measures.toml")).expect("declarations");
            assert!(!declared.measure.is_empty(), "{set}");
        }
        assert_eq!(
            tiers(&root.join("content/intake")).expect("tiers"),
            ["priority", "standard", "waitlist"]
        );
        assert_eq!(
            tiers(&root.join("tests/programs/harbor-county")).expect("tiers"),
            ["urgent", "priority", "routine", "hold"]
        );
        assert_eq!(
            read(Path::new("/nonexistent/measures.toml")),
            Ok(SiteMeasures::default())
        );
        let dir = std::env::temp_dir().join(format!("lead-declared-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let bad = dir.join("measures.toml");
        std::fs::write(
            &bad,
            "[[measure]]\ncode = \"housed\"\nkind = \"yes_no\"\nwindows = [\"post_12m\"]\nname = { en = \"A\", es = \"B\" }\nabout = { en = \"A\", es = \"B\" }\n",
        )
        .expect("write");
        let message = read(&bad).expect_err("a portal measure's code");
        assert!(message.contains("already carries"), "{message}");
        std::fs::remove_dir_all(&dir).ok();
    }
}
