//! The files the aggregation step publishes, as it writes them and as the
//! site reads them: `cells.csv` (every published figure, the open-data
//! download) and one `<table>.json` per table. The CSV is written and read
//! with the `csv` crate by those that handle it; its header is here.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::tables::{Dim, TableId, DIMS};
use crate::{Month, Period};

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

/// A published value: a count, or a figure derived from counts (a median,
/// a share, a rate). Counts are written as whole numbers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    Count(u64),
    Ratio(f64),
}

impl Value {
    pub fn as_f64(self) -> f64 {
        match self {
            Value::Count(n) => n as f64,
            Value::Ratio(x) => x,
        }
    }
}

/// One row of a table file: a figure at a period and a value of each of
/// the table's dimensions. Written as an object with its keys in order
/// (`measure`, `period`, the dimension columns, `suppressed`, `value`,
/// sorted by name); a suppressed figure, or one with nothing to rest on
/// (no one followed long enough yet), has no value.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub period: Period,
    /// The table's dimensions, each with a value or `all`.
    pub dims: Vec<(Dim, String)>,
    /// The name of a [`Stat`](crate::tables::Stat).
    pub measure: String,
    pub value: Option<Value>,
    pub suppressed: bool,
}

impl Row {
    /// What a reader is shown; `None` when there is nothing to show.
    pub fn figure(&self) -> Option<Figure> {
        match (self.value, self.suppressed) {
            (_, true) => Some(Figure::Suppressed),
            (Some(v), false) => Some(Figure::Value(v.as_f64())),
            (None, false) => None,
        }
    }
}

/// A field of a row as JSON holds it.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Field {
    Bool(bool),
    Count(u64),
    Ratio(f64),
    Text(String),
    Null(()),
}

impl Serialize for Row {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let value = match self.value {
            Some(Value::Count(n)) => Field::Count(n),
            Some(Value::Ratio(x)) => Field::Ratio(x),
            None => Field::Null(()),
        };
        let mut fields: BTreeMap<&str, Field> = BTreeMap::new();
        fields.insert("period", Field::Text(self.period.to_string()));
        for (dim, v) in &self.dims {
            fields.insert(dim.column(), Field::Text(v.clone()));
        }
        fields.insert("measure", Field::Text(self.measure.clone()));
        fields.insert("value", value);
        fields.insert("suppressed", Field::Bool(self.suppressed));
        fields.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Row {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Row, D::Error> {
        use serde::de::Error;
        let mut fields = BTreeMap::<String, Field>::deserialize(d)?;
        let mut text = |name: &str| match fields.remove(name) {
            Some(Field::Text(t)) => Ok(t),
            _ => Err(D::Error::custom(format!("a row's {name} must be text"))),
        };
        let period = text("period")?
            .parse()
            .map_err(|_| D::Error::custom("a row's period is not a period"))?;
        let measure = text("measure")?;
        let value = match fields.remove("value") {
            Some(Field::Count(n)) => Some(Value::Count(n)),
            Some(Field::Ratio(x)) => Some(Value::Ratio(x)),
            Some(Field::Null(())) | None => None,
            Some(_) => return Err(D::Error::custom("a row's value must be a number or null")),
        };
        let suppressed = matches!(fields.remove("suppressed"), Some(Field::Bool(true)));
        let dims = fields
            .into_iter()
            .map(|(column, v)| match (Dim::from_column(&column), v) {
                (Some(dim), Field::Text(v)) => Ok((dim, v)),
                _ => Err(D::Error::custom(format!("a row's {column} is not a dimension value"))),
            })
            .collect::<Result<_, _>>()?;
        Ok(Row {
            period,
            dims,
            measure,
            value,
            suppressed,
        })
    }
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

/// Where published figures came from. Every table records it, so a site
/// built from synthetic figures can say so on every page, and a production
/// build can refuse them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    /// A program's own de-identified export: the SHA-256 of each of its
    /// files, by file name, so a publication can be traced to the export.
    Export {
        description: String,
        files: BTreeMap<String, String>,
    },
    /// Made up by the synthetic export generator: no one's records.
    Synthetic { description: String },
}

/// A table's `source` as read. Tables published before sources were
/// recorded carry plain text, which cannot say whether their figures are
/// real, so they are refused with what to do.
fn recorded_source<'de, D: Deserializer<'de>>(d: D) -> Result<Source, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Field {
        Recorded(Source),
        // Read only to be recognised.
        #[allow(dead_code)]
        Text(String),
    }
    match Field::deserialize(d)? {
        Field::Recorded(source) => Ok(source),
        Field::Text(_) => Err(serde::de::Error::custom(
            "this table was published before tables recorded whether their figures are real or synthetic: publish the export again",
        )),
    }
}

impl Source {
    pub fn is_synthetic(&self) -> bool {
        matches!(self, Source::Synthetic { .. })
    }

    /// What the source is, in words.
    pub fn description(&self) -> &str {
        match self {
            Source::Export { description, .. } | Source::Synthetic { description } => description,
        }
    }
}

/// `<table>.json`: one table's rows and where they came from.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TableFile {
    pub table: TableId,
    pub title: String,
    pub dimensions: Vec<Dim>,
    /// Dimensions held at one value, by column.
    #[serde(default)]
    pub filter: BTreeMap<String, String>,
    pub period_covered: Option<Covered>,
    pub generated_at: String,
    #[serde(deserialize_with = "recorded_source")]
    pub source: Source,
    pub suppression: Suppression,
    pub rows: Vec<Row>,
}

/// Where the site publishes [`Version`].
pub const VERSION_PATH: &str = "/data/version.json";

/// What the dashboards were built from, for `GET /api/status` and the
/// public delivery record (which is hidden under the same `k`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Version {
    /// SHA-256 of `cells.csv`: changes whenever any published figure does.
    pub data_version: String,
    pub generated_at: String,
    pub synthetic: bool,
    /// The small-cell threshold the figures were published under.
    pub k: u64,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_is_written_with_sorted_keys_and_read_back() {
        let row = Row {
            period: Period::Quarter(2025, 1),
            dims: vec![(Dim::Race, "black".into()), (Dim::Door, "all".into())],
            measure: "referrals".into(),
            value: Some(Value::Count(12)),
            suppressed: false,
        };
        let json = serde_json::to_string(&row).expect("JSON");
        assert_eq!(
            json,
            r#"{"door":"all","measure":"referrals","period":"2025-Q1","race_ethnicity":"black","suppressed":false,"value":12}"#
        );
        let back: Row = serde_json::from_str(&json).expect("a row");
        assert_eq!(back.figure(), Some(Figure::Value(12.0)));
        assert_eq!(back.period, row.period);
        let rate = r#"{"measure":"retention_6m","period":"all","suppressed":false,"value":2.0}"#;
        let rate: Row = serde_json::from_str(rate).expect("a row");
        assert_eq!(rate.value, Some(Value::Ratio(2.0)));
        let hidden: Row =
            serde_json::from_str(r#"{"measure":"referrals","period":"all","suppressed":true,"value":null}"#)
                .expect("row");
        assert_eq!(hidden.figure(), Some(Figure::Suppressed));
        assert!(serde_json::from_str::<Row>(r#"{"measure":"x","period":"all","colour":"red"}"#).is_err());
    }

    #[test]
    fn a_table_says_where_its_figures_came_from() {
        #[derive(Deserialize)]
        struct Holder {
            #[serde(deserialize_with = "recorded_source")]
            source: Source,
        }
        let export = r#"{"source":{"kind":"export","description":"Our export","files":{"referrals.csv":"ab12"}}}"#;
        let read: Holder = serde_json::from_str(export).expect("an export source");
        assert!(!read.source.is_synthetic());
        assert_eq!(read.source.description(), "Our export");
        let synthetic = Source::Synthetic {
            description: "made up".into(),
        };
        let json = serde_json::to_string(&synthetic).expect("JSON");
        assert_eq!(json, r#"{"kind":"synthetic","description":"made up"}"#);
        let read: Holder = serde_json::from_str(&format!(r#"{{"source":{json}}}"#)).expect("synthetic");
        assert!(read.source.is_synthetic());
        // Tables from before sources were recorded cannot be trusted as real.
        let old = serde_json::from_str::<Holder>(r#"{"source":"De-identified case-system export"}"#);
        let message = old.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains("publish the export again"), "{message}");
    }
}
