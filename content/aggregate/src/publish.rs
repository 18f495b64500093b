//! Publishing a program's own figures into the folder the site is built
//! from (`content/dashboards/published`), and saying what changed since the
//! last publication, so the program can see what it is about to make public
//! before it deploys: which tables changed, how many cells, and which
//! cells are newly suppressed.
//!
//! The new files are written beside the old ones first and then moved over
//! them one by one, so a failed run leaves the last publication in place.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::fs;
use std::path::Path;

use lead_data::published::{table_file, CELLS_CSV};
use lead_data::tables::TableId;

use crate::aggregate::{write, AggregateError, Aggregates, Provenance};

/// How one table's cells differ from the last publication.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TableChanges {
    pub added: usize,
    pub removed: usize,
    /// Published both times with another value.
    pub changed: usize,
    /// Suppressed now, and published with a value (or not at all) before.
    pub newly_suppressed: usize,
    /// Published with a value now, suppressed before.
    pub no_longer_suppressed: usize,
}

impl TableChanges {
    fn any(&self) -> bool {
        *self != TableChanges::default()
    }
}

/// What a publication changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changes {
    /// Nothing was published before.
    pub first: bool,
    pub cells: usize,
    pub suppressed: usize,
    /// The tables that changed, by name.
    pub tables: BTreeMap<String, TableChanges>,
    pub unchanged_tables: usize,
}

/// A cell of `cells.csv`: its value and whether it is suppressed, by every
/// other column (table, period, dimensions, measure).
type Cells = HashMap<Vec<String>, (String, bool)>;

fn cells(text: &str) -> Result<Cells, csv::Error> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers()?.clone();
    let value = header.iter().position(|h| h == "value");
    let suppressed = header.iter().position(|h| h == "suppressed");
    let mut out = HashMap::new();
    for record in reader.records() {
        let record = record?;
        let key = record
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != value && Some(*i) != suppressed)
            .map(|(_, v)| v.to_owned())
            .collect();
        let v = value.and_then(|i| record.get(i)).unwrap_or_default().to_owned();
        let s = suppressed.and_then(|i| record.get(i)) == Some("true");
        out.insert(key, (v, s));
    }
    Ok(out)
}

/// Compares two `cells.csv` texts: the last publication (if any) and the new.
pub fn compare(old: Option<&str>, new: &str) -> Result<Changes, csv::Error> {
    let before = old.map(cells).transpose()?.unwrap_or_default();
    let after = cells(new)?;
    let mut tables: BTreeMap<String, TableChanges> = BTreeMap::new();
    let table_of = |key: &[String]| key.first().cloned().unwrap_or_default();
    for (key, (value, suppressed)) in &after {
        let t = tables.entry(table_of(key)).or_default();
        match before.get(key) {
            None => {
                t.added += 1;
                if *suppressed {
                    t.newly_suppressed += 1;
                }
            }
            Some((old_value, old_suppressed)) => {
                match (old_suppressed, suppressed) {
                    (false, true) => t.newly_suppressed += 1,
                    (true, false) => t.no_longer_suppressed += 1,
                    _ => {}
                }
                if old_value != value && !(*old_suppressed && *suppressed) {
                    t.changed += 1;
                }
            }
        }
    }
    for key in before.keys().filter(|k| !after.contains_key(*k)) {
        tables.entry(table_of(key)).or_default().removed += 1;
    }
    let total = tables.len();
    tables.retain(|_, t| t.any());
    Ok(Changes {
        first: old.is_none(),
        cells: after.len(),
        suppressed: after.values().filter(|(_, s)| *s).count(),
        unchanged_tables: total - tables.len(),
        tables,
    })
}

impl fmt::Display for Changes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} cells published, {} of them suppressed.",
            self.cells, self.suppressed
        )?;
        if self.first {
            return writeln!(f, "This is the first publication.");
        }
        if self.tables.is_empty() {
            return writeln!(f, "No figure changed since the last publication.");
        }
        writeln!(
            f,
            "Changed since the last publication ({} tables unchanged):",
            self.unchanged_tables
        )?;
        writeln!(
            f,
            "  {:<44} {:>6} {:>8} {:>8} {:>17} {:>20}",
            "table", "added", "removed", "changed", "newly suppressed", "no longer suppressed"
        )?;
        for (name, t) in &self.tables {
            writeln!(
                f,
                "  {:<44} {:>6} {:>8} {:>8} {:>17} {:>20}",
                name, t.added, t.removed, t.changed, t.newly_suppressed, t.no_longer_suppressed
            )?;
        }
        Ok(())
    }
}

/// Writes a publication into `dir`, replacing the last one, and says what
/// changed. Only the contract's files are replaced; anything else in `dir`
/// (its README) stays.
pub fn publish(aggregates: &Aggregates, provenance: &Provenance, dir: &Path) -> Result<Changes, AggregateError> {
    let io = crate::aggregate::io_error;
    let staging = dir.join(".publishing");
    let _ = fs::remove_dir_all(&staging);
    write(aggregates, &staging, provenance)?;
    let new_cells = staging.join(CELLS_CSV);
    let new = fs::read_to_string(&new_cells).map_err(io(&new_cells))?;
    let old = fs::read_to_string(dir.join(CELLS_CSV)).ok();
    let changes = compare(old.as_deref(), &new).map_err(|source| AggregateError::Csv {
        path: dir.join(CELLS_CSV),
        source,
    })?;
    let names = TableId::ALL
        .iter()
        .map(|&id| table_file(id))
        .chain([CELLS_CSV.to_owned()]);
    for name in names {
        let (from, to) = (staging.join(&name), dir.join(&name));
        fs::rename(&from, &to).map_err(io(&to))?;
    }
    fs::remove_dir_all(&staging).map_err(io(&staging))?;
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "table,period,door,measure,value,suppressed\n";

    #[test]
    fn changes_are_counted_per_table() {
        let old = format!(
            "{HEADER}a,all,police,referrals,20,false\na,all,community,referrals,15,false\na,2025,police,referrals,,true\nb,all,,median_days,4.5,false\nc,all,,referrals,30,false\n"
        );
        let new = format!(
            "{HEADER}a,all,police,referrals,21,false\na,all,community,referrals,,true\na,2025,police,referrals,12,false\nb,all,,median_days,4.5,false\na,2026,police,referrals,,true\n"
        );
        let changes = compare(Some(&old), &new).expect("CSV");
        assert!(!changes.first);
        assert_eq!((changes.cells, changes.suppressed), (5, 2));
        assert_eq!(
            changes.tables.get("a"),
            Some(&TableChanges {
                added: 1,
                removed: 0,
                // 20 -> 21, 15 -> suppressed, suppressed -> 12
                changed: 3,
                newly_suppressed: 2,
                no_longer_suppressed: 1,
            })
        );
        assert_eq!(changes.tables.get("c").map(|t| t.removed), Some(1));
        assert!(!changes.tables.contains_key("b"), "b did not change");
        assert_eq!(changes.unchanged_tables, 1);
        let text = changes.to_string();
        assert!(text.contains("newly suppressed"), "{text}");

        let first = compare(None, &new).expect("CSV");
        assert!(first.first);
        assert!(first.to_string().contains("first publication"));
        let same = compare(Some(&new), &new).expect("CSV");
        assert!(same.tables.is_empty());
        assert!(same.to_string().contains("No figure changed"));
    }
}
