//! The published aggregates as the pages read them: the per-table JSON
//! files and `cells.csv` that `aggregate --output` writes (by default into
//! `content/dashboards/published/`).

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// A published figure: its value, or suppressed. A key the export has no
/// row for (say, 12-month retention of last month's enrolments) is `None`
/// at lookup.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Figure {
    Value(f64),
    Suppressed,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PeriodCovered {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Suppression {
    pub k: u64,
    pub rule: String,
}

#[derive(Debug, Deserialize)]
struct TableFile {
    table: String,
    title: String,
    dimensions: Vec<String>,
    period_covered: Option<PeriodCovered>,
    generated_at: String,
    source: String,
    suppression: Suppression,
    rows: Vec<serde_json::Map<String, serde_json::Value>>,
}

/// One published table, indexed by (period, dimension values in the
/// table's order, measure).
#[derive(Debug)]
pub struct Table {
    pub id: String,
    pub title: String,
    pub dimensions: Vec<String>,
    figures: HashMap<String, Figure>,
}

/// A cell's key: what a chart asks for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CellKey {
    pub table: &'static str,
    pub period: String,
    /// Dimension values; a dimension of the table not named here is `all`.
    pub dims: Vec<(&'static str, String)>,
    pub measure: String,
}

fn index_key(period: &str, dims: &[&str], measure: &str) -> String {
    format!("{period}|{}|{measure}", dims.join("|"))
}

impl Table {
    fn dims_of<'a>(&self, key: &'a CellKey) -> Vec<&'a str> {
        self.dimensions
            .iter()
            .map(|d| {
                key.dims
                    .iter()
                    .find(|(name, _)| name == d)
                    .map_or("all", |(_, v)| v.as_str())
            })
            .collect()
    }
}

/// Everything one aggregation run published.
#[derive(Debug)]
pub struct Published {
    pub dir: PathBuf,
    tables: HashMap<String, Table>,
    /// `cells.csv` lines (without the newline) by table and index key.
    lines: HashMap<(String, String), String>,
    pub cells_header: String,
    pub cells_csv: String,
    pub covered: PeriodCovered,
    pub generated_at: String,
    pub source: String,
    pub suppression: Suppression,
}

/// Why the published aggregates cannot be read.
#[derive(Debug)]
pub struct DataError(pub String);

impl std::fmt::Display for DataError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The tables every dashboard page reads.
pub const TABLES: &[&str] = &[
    "referrals_by_door",
    "community_referrals_by_referrer_type",
    "community_referrals_by_priority_tier",
    "referral_outcomes",
    "days_to_intake",
    "participants_by_status",
    "retention",
    "average_caseload",
    "referrals_waitlisted",
    "referrals_declined",
    "equity_diversion_eligible_arrests",
    "equity_referrals_by_door",
    "equity_enrolment",
    "equity_retention",
    "participant_outcomes",
    "diversion_rate",
    "system_bookings",
];

fn value_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl Published {
    /// Reads `dir`: every table in [`TABLES`] and `cells.csv`.
    pub fn load(dir: &Path) -> Result<Published, DataError> {
        let read = |name: &str| {
            let path = dir.join(name);
            fs::read_to_string(&path).map_err(|e| DataError(format!("cannot read {}: {e}", path.display())))
        };
        let mut tables = HashMap::new();
        let mut meta = None;
        for &id in TABLES {
            let name = format!("{id}.json");
            let file: TableFile = serde_json::from_str(&read(&name)?)
                .map_err(|e| DataError(format!("{}: {e}", dir.join(&name).display())))?;
            let mut figures = HashMap::new();
            for row in &file.rows {
                let text = |field: &str| row.get(field).map(value_text).unwrap_or_default();
                let dims: Vec<String> = file.dimensions.iter().map(|d| text(d)).collect();
                let dims: Vec<&str> = dims.iter().map(String::as_str).collect();
                let suppressed = row.get("suppressed").and_then(serde_json::Value::as_bool) == Some(true);
                // No value and not suppressed: a rate with nothing to rest
                // on (no one followed long enough yet), shown as no data.
                let figure = match (row.get("value").and_then(serde_json::Value::as_f64), suppressed) {
                    (_, true) => Figure::Suppressed,
                    (Some(v), false) => Figure::Value(v),
                    (None, false) => continue,
                };
                figures.insert(index_key(&text("period"), &dims, &text("measure")), figure);
            }
            if meta.is_none() {
                meta = Some((
                    file.period_covered.clone(),
                    file.generated_at.clone(),
                    file.source.clone(),
                    file.suppression.clone(),
                ));
            }
            tables.insert(
                file.table.clone(),
                Table {
                    id: file.table,
                    title: file.title,
                    dimensions: file.dimensions,
                    figures,
                },
            );
        }
        let (covered, generated_at, source, suppression) = meta.ok_or_else(|| DataError("no tables".into()))?;
        let covered = covered.ok_or_else(|| DataError(format!("{}: the export had no rows", dir.display())))?;

        let cells_csv = read("cells.csv")?;
        let mut reader = csv::Reader::from_reader(cells_csv.as_bytes());
        let header = reader
            .headers()
            .map_err(|e| DataError(format!("cells.csv: {e}")))?
            .clone();
        let column = |name: &str| header.iter().position(|h| h == name);
        let (Some(table_col), Some(period_col), Some(measure_col)) =
            (column("table"), column("period"), column("measure"))
        else {
            return Err(DataError("cells.csv: missing table, period or measure column".into()));
        };
        let cells_header = header.iter().collect::<Vec<_>>().join(",");
        let mut lines = HashMap::new();
        for record in reader.records() {
            let record = record.map_err(|e| DataError(format!("cells.csv: {e}")))?;
            let table_id = &record[table_col];
            let Some(table) = tables.get(table_id) else { continue };
            let dims: Vec<&str> = table
                .dimensions
                .iter()
                .map(|d| column(d).map_or("", |c| &record[c]))
                .collect();
            let key = index_key(&record[period_col], &dims, &record[measure_col]);
            lines.insert((table_id.to_owned(), key), record.iter().collect::<Vec<_>>().join(","));
        }
        Ok(Published {
            dir: dir.to_owned(),
            tables,
            lines,
            cells_header,
            cells_csv,
            covered,
            generated_at,
            source,
            suppression,
        })
    }

    pub fn table(&self, id: &str) -> Option<&Table> {
        self.tables.get(id)
    }

    /// The figure at `key`; `None` if nothing was published there.
    pub fn figure(&self, key: &CellKey) -> Option<Figure> {
        let table = self.tables.get(key.table)?;
        table
            .figures
            .get(&index_key(&key.period, &table.dims_of(key), &key.measure))
            .copied()
    }

    /// The `cells.csv` line of `key`, exactly as published.
    pub fn cells_line(&self, key: &CellKey) -> Option<&str> {
        let table = self.tables.get(key.table)?;
        self.lines
            .get(&(
                key.table.to_owned(),
                index_key(&key.period, &table.dims_of(key), &key.measure),
            ))
            .map(String::as_str)
    }
}
