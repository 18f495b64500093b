//! The published aggregates as the pages read them: the per-table JSON
//! files and `cells.csv` that `aggregate --output` writes (by default into
//! `content/dashboards/published/`), read through the data contract
//! (`lead-data`): the tables, their dimensions and measures are named there.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

pub use lead_data::published::Figure;
use lead_data::published::{table_file, Covered, Source, Suppression, TableFile, CELLS_CSV};
use lead_data::tables::{Dim, Stat, TableId};
use lead_data::Period;

/// One published table, indexed by (period, dimension values in the
/// table's order, measure).
#[derive(Debug)]
pub struct Table {
    pub id: TableId,
    pub title: String,
    pub dimensions: Vec<Dim>,
    figures: HashMap<String, Figure>,
}

/// A cell's key: what a chart asks for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CellKey {
    pub table: TableId,
    pub period: String,
    /// Dimension values; a dimension of the table not named here is `all`.
    pub dims: Vec<(Dim, String)>,
    pub measure: Stat,
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
                    .find(|(dim, _)| dim == d)
                    .map_or("all", |(_, v)| v.as_str())
            })
            .collect()
    }

    fn index_of(&self, key: &CellKey) -> String {
        index_key(&key.period, &self.dims_of(key), key.measure.name())
    }
}

/// Everything one aggregation run published.
#[derive(Debug)]
pub struct PublishedData {
    pub dir: PathBuf,
    tables: HashMap<TableId, Table>,
    /// `cells.csv` records by table and index key.
    records: HashMap<(TableId, String), csv::StringRecord>,
    cells_header: csv::StringRecord,
    pub cells_csv: String,
    pub covered: Covered,
    pub generated_at: String,
    pub source: Source,
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

impl PublishedData {
    /// Reads `dir`: every table of the contract and `cells.csv`.
    pub fn load(dir: &Path) -> Result<PublishedData, DataError> {
        let read = |name: &str| {
            let path = dir.join(name);
            fs::read_to_string(&path).map_err(|e| DataError(format!("cannot read {}: {e}", path.display())))
        };
        let mut tables = HashMap::new();
        let mut meta = None;
        for &id in TableId::ALL {
            let name = table_file(id);
            let file: TableFile = serde_json::from_str(&read(&name)?)
                .map_err(|e| DataError(format!("{}: {e}", dir.join(&name).display())))?;
            let mut figures = HashMap::new();
            for row in &file.rows {
                let dims: Vec<&str> = file
                    .dimensions
                    .iter()
                    .map(|d| {
                        row.dims
                            .iter()
                            .find(|(dim, _)| dim == d)
                            .map_or("", |(_, v)| v.as_str())
                    })
                    .collect();
                // No figure: a rate with nothing to rest on (no one followed
                // long enough yet), shown as no data.
                if let Some(figure) = row.figure() {
                    figures.insert(index_key(&row.period.to_string(), &dims, &row.measure), figure);
                }
            }
            // One publication: every table from the same run of the same
            // export, so no page mixes real and synthetic figures.
            let this = (
                file.period_covered,
                file.generated_at.clone(),
                file.source.clone(),
                file.suppression.clone(),
            );
            match &meta {
                None => meta = Some(this),
                Some(first) if *first != this => {
                    return Err(DataError(format!(
                        "{}: {name} is from another publication than the other tables (its period, generation time, source or suppression differs); publish the export again",
                        dir.display()
                    )))
                }
                Some(_) => {}
            }
            tables.insert(
                file.table,
                Table {
                    id: file.table,
                    title: file.title,
                    dimensions: file.dimensions,
                    figures,
                },
            );
        }
        let (covered, generated_at, source, suppression) = meta.ok_or_else(|| DataError("no tables".into()))?;
        // A priority tier and a measure of the program's own are shown
        // with the content's words, so one the content does not name cannot
        // be shown at all.
        for table in tables.values() {
            for (dim, what, file) in [
                (Dim::PriorityTier, "the priority tier", "policy.toml"),
                (Dim::SiteMeasure, "the measure", "measures.toml"),
            ] {
                let Some(at) = table.dimensions.iter().position(|d| *d == dim) else {
                    continue;
                };
                for key in table.figures.keys() {
                    let value = key.split('|').nth(1 + at).unwrap_or_default();
                    let named = value.is_empty()
                        || value == "all"
                        || lead_content::value_label(dim, value, lead_data::Lang::En).is_some();
                    if !named {
                        return Err(DataError(format!(
                            "{}: the figures publish {what} {value:?}, which the content's {file} does not name: name it there, or publish the export again",
                            dir.display()
                        )));
                    }
                }
            }
        }

        let covered = covered.ok_or_else(|| DataError(format!("{}: the export had no rows", dir.display())))?;

        let cells_csv = read(CELLS_CSV)?;
        let mut reader = csv::Reader::from_reader(cells_csv.as_bytes());
        let cells_header = reader
            .headers()
            .map_err(|e| DataError(format!("{CELLS_CSV}: {e}")))?
            .clone();
        let column = |name: &str| cells_header.iter().position(|h| h == name);
        let (Some(table_col), Some(period_col), Some(measure_col)) =
            (column("table"), column("period"), column("measure"))
        else {
            return Err(DataError(format!(
                "{CELLS_CSV}: missing table, period or measure column"
            )));
        };
        let mut records = HashMap::new();
        for record in reader.records() {
            let record = record.map_err(|e| DataError(format!("{CELLS_CSV}: {e}")))?;
            let Some(table) = TableId::parse(&record[table_col]).and_then(|id| tables.get(&id)) else {
                continue;
            };
            let dims: Vec<&str> = table
                .dimensions
                .iter()
                .map(|d| column(d.column()).map_or("", |c| &record[c]))
                .collect();
            let key = index_key(&record[period_col], &dims, &record[measure_col]);
            records.insert((table.id, key), record);
        }
        Ok(PublishedData {
            dir: dir.to_owned(),
            tables,
            records,
            cells_header,
            cells_csv,
            covered,
            generated_at,
            source,
            suppression,
        })
    }

    pub fn table(&self, id: TableId) -> Option<&Table> {
        self.tables.get(&id)
    }

    /// Whether `measure` counts anyone over all time in `table`, at any
    /// value of its dimensions: a hidden count is a count of someone.
    pub fn reports(&self, table: TableId, measure: Stat) -> bool {
        let Some(table) = self.tables.get(&table) else {
            return false;
        };
        let (prefix, suffix) = (format!("{}|", Period::All), format!("|{}", measure.name()));
        table.figures.iter().any(|(key, figure)| {
            key.starts_with(&prefix) && key.ends_with(&suffix) && !matches!(figure, Figure::Value(v) if *v == 0.0)
        })
    }

    /// The figure at `key`; `None` if nothing was published there.
    pub fn figure(&self, key: &CellKey) -> Option<Figure> {
        let table = self.tables.get(&key.table)?;
        table.figures.get(&table.index_of(key)).copied()
    }

    /// `cells.csv`'s header and the rows of these keys, exactly as
    /// published, in the order given (keys with no row are left out).
    pub fn cells_csv_of<'a>(&self, keys: impl Iterator<Item = &'a CellKey>) -> String {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let mut write = |record: &csv::StringRecord| writer.write_record(record).is_ok();
        write(&self.cells_header);
        for key in keys {
            let Some(table) = self.tables.get(&key.table) else {
                continue;
            };
            if let Some(record) = self.records.get(&(key.table, table.index_of(key))) {
                write(record);
            }
        }
        let bytes = writer.into_inner().unwrap_or_default();
        String::from_utf8(bytes).unwrap_or_default()
    }
}
