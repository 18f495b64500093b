//! Publishing a program's export with `aggregate --publish` (what
//! `functions/bin/publish` runs), as a program manager would: a synthetic
//! export is refused, a real one is published with its source recorded,
//! the next publication says what changed, and a bad export names the file,
//! line and column and leaves the last publication as it was.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use lead_aggregate::export::SYNTHETIC_MARKER;
use lead_aggregate::synth::{write_export, SynthConfig};
use lead_data::published::{Source, TableFile};
use sha2::{Digest, Sha256};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lead-publish-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn publish(export: &Path, into: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aggregate"))
        .args(["--input", &export.display().to_string()])
        .args(["--publish", &into.display().to_string()])
        .args(["--k", "11"])
        .output()
        .expect("aggregate runs")
}

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).into_owned()
}

/// A generated export standing in for a program's own: without the marker
/// `synth-export` leaves, nothing says it is synthetic.
fn program_export(dir: &Path, seed: u64) {
    write_export(&SynthConfig::new(800, seed), dir).expect("export written");
    fs::remove_file(dir.join(SYNTHETIC_MARKER)).expect("marker removed");
}

#[test]
fn a_program_publishes_its_export_and_sees_what_changed() {
    let root = scratch("flow");
    let (synthetic, real, into) = (root.join("synthetic"), root.join("real"), root.join("published"));
    fs::create_dir_all(&into).expect("published dir");
    fs::write(into.join("README.md"), "kept").expect("readme");

    // A synthetic export never reaches the published folder.
    write_export(&SynthConfig::new(800, 3), &synthetic).expect("export written");
    let refused = publish(&synthetic, &into);
    assert!(!refused.status.success());
    let message = text(&refused.stderr);
    assert!(message.contains("synthetic export"), "{message}");
    assert!(!into.join("cells.csv").exists(), "nothing was published");

    // The program's own: published, first time, its files' hashes recorded.
    program_export(&real, 3);
    let first = publish(&real, &into);
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(
        text(&first.stdout).contains("This is the first publication."),
        "{}",
        text(&first.stdout)
    );
    let table: TableFile =
        serde_json::from_str(&fs::read_to_string(into.join("referrals_by_door.json")).expect("a table"))
            .expect("table JSON");
    let Source::Export { files, .. } = &table.source else {
        panic!("recorded as {:?}", table.source);
    };
    let referrals = fs::read(real.join("referrals.csv")).expect("referrals.csv");
    let hash: String = Sha256::digest(&referrals).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(files.get("referrals.csv"), Some(&hash));
    assert_eq!(
        files.len(),
        7,
        "every file of the export, the optional surveys.csv and comparison.csv too: {files:?}"
    );

    // The same export again: nothing changed.
    let again = publish(&real, &into);
    assert!(
        text(&again.stdout).contains("No figure changed"),
        "{}",
        text(&again.stdout)
    );

    // Next month's export: the tables that changed, with their cells.
    fs::remove_dir_all(&real).expect("old export removed");
    program_export(&real, 4);
    let next = publish(&real, &into);
    assert!(next.status.success(), "{}", text(&next.stderr));
    let report = text(&next.stdout);
    assert!(report.contains("Changed since the last publication"), "{report}");
    assert!(report.contains("newly suppressed"), "{report}");
    assert!(report.contains("referrals_by_door"), "{report}");
    let published = fs::read_to_string(into.join("cells.csv")).expect("cells.csv");

    // A bad export: the file, line and column, and the last publication stays.
    let path = real.join("referrals.csv");
    let mut lines: Vec<String> = fs::read_to_string(&path)
        .expect("referrals.csv")
        .lines()
        .map(str::to_owned)
        .collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let date_column = header.iter().position(|h| *h == "referral_date").expect("column");
    let mut fields: Vec<String> = lines[3].split(',').map(str::to_owned).collect();
    fields[date_column] = "2025-13-40".into();
    lines[3] = fields.join(",");
    fs::write(&path, lines.join("\n") + "\n").expect("bad export");
    let bad = publish(&real, &into);
    assert!(!bad.status.success());
    let message = text(&bad.stderr);
    assert!(
        message.contains("referrals.csv, line 4, column `referral_date`"),
        "{message}"
    );
    assert_eq!(
        fs::read_to_string(into.join("cells.csv")).expect("cells.csv"),
        published,
        "the last publication is untouched"
    );
    assert!(!into.join(".publishing").exists());
    assert_eq!(fs::read_to_string(into.join("README.md")).expect("readme"), "kept");
    let _ = fs::remove_dir_all(root);
}

/// What is committed in `content/dashboards/published` is a program's own
/// figures, never synthetic ones (the build makes demo figures under
/// `target/` by itself).
#[test]
fn the_published_folder_holds_no_synthetic_figures() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../dashboards/published");
    for entry in fs::read_dir(&dir).expect("content/dashboards/published exists") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "json") {
            let table: TableFile =
                serde_json::from_str(&fs::read_to_string(&path).expect("readable")).expect("a table file");
            assert!(
                !table.source.is_synthetic(),
                "{} holds synthetic figures: publish the program's export with functions/bin/publish",
                path.display()
            );
        }
    }
}
