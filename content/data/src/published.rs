//! The files the aggregation step publishes, as it writes them and as the
//! site reads them: `cells.csv` (every published figure, the open-data
//! download) and one `<table>.json` per table. The CSV is written and read
//! with the `csv` crate by those that handle it; its header is here.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::tables::{Dim, TableId, DIMS};
use crate::Month;

/// The open-data file of every published figure.
pub const CELLS_CSV: &str = "cells.csv";

/// The `cells.csv` header: table, period, one column per dimension (empty
/// where the table does not break down by it, `all` for its margin),
/// measure, value, suppressed.
pub fn cells_header() -> Vec<&'static str> {
    let mut header = vec!["table", "period"];
    header.extend(DIMS.map(Dim::column));
    header.extend(["measure", "value", "suppressed"]);
    header
}

/// A published figure as a reader sees it: its value, or suppressed (a
/// small count, or one that would let a small count be worked out). A key
/// with no row at all (say, 12-month retention of last month's enrolments)
/// has no figure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Figure {
    Value(f64),
    Suppressed,
}

/// The months an export covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Covered {
    pub from: Month,
    pub to: Month,
}

/// The disclosure rule the figures were published under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppression {
    pub k: u64,
    pub rule: String,
}

/// `<table>.json`: one table's rows and where they came from. Rows are
/// objects keyed by `period`, the table's dimension columns, `measure`,
/// `value` and `suppressed`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TableFile<Row> {
    pub table: TableId,
    pub title: String,
    pub dimensions: Vec<Dim>,
    /// Dimensions held at one value, by column.
    #[serde(default)]
    pub filter: BTreeMap<String, String>,
    pub period_covered: Option<Covered>,
    pub generated_at: String,
    pub source: String,
    pub suppression: Suppression,
    pub rows: Vec<Row>,
}

/// The file name of a table's JSON.
pub fn table_file(id: TableId) -> String {
    format!("{}.json", id.as_str())
}

impl Serialize for Dim {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.column())
    }
}

impl<'de> Deserialize<'de> for Dim {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Dim, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Dim::from_column(&s).ok_or_else(|| serde::de::Error::custom("not a dimension column"))
    }
}
