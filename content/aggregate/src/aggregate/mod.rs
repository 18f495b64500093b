//! From an export to the figures the site publishes.
//!
//! Every published count is a cell of one cube: a measure, a period (month,
//! quarter, year or all time) and a value or `all` for each dimension. A
//! table is a slice of that cube, and a count that two tables share (the
//! community total is both a row of "referrals by door" and the margin of
//! "community referrals by referrer type") is one cell, so suppression
//! decided on it holds in both. The additive relations between cells
//! (margins, period roll-ups, measures that split another) are generated
//! from the keys, handed to [`crate::suppress`], and only then are values
//! turned into [`Published`] figures and written: `cells.csv` (every
//! published figure, the open-data download) and one JSON file per table.
//!
//! The catalogue (dimensions, measures, tables) is the data contract's
//! (`lead_data::tables`). Here, one file an idea:
//! - [`facts`]: reading an export's rows into counts by month and the
//!   finest breakdown the tables use;
//! - [`rows`]: the cube of every published key, and its figures;
//! - [`constraints`]: the additive relations suppression must respect;
//! - [`write`]: `cells.csv` and the table files.

use std::borrow::Borrow;
use std::collections::BTreeMap;
use std::fs;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::cell::{Derived, Published, SuppressionPolicy};
use crate::date::{Month, Period};
use crate::export::{
    self, Arrests, Caseload, ComparisonRow, Date, Door, ExportError, Lend, LendRows, Outcome, OutcomeCode,
    OutcomeMeasure, OutcomeRow, Population, RaceEthnicity, Referral, ReferrerType, RespondentGroup, Slug, Status,
    SurveyRow, Window,
};
use crate::suppress::{suppress, CellValue, Constraint, SuppressError};

mod constraints;
mod facts;
mod rows;
mod write;

use facts::*;
pub use facts::{RETENTION_12M_DAYS, RETENTION_6M_DAYS};
pub use lead_data::measures::{self, SiteKind, SiteMeasures, MAX_SITE_MEASURES};
pub use lead_data::published::cells_header;
use lead_data::published::{table_file, Covered, Suppression, TableFile, CELLS_CSV};
pub use lead_data::tables::{
    DerivedMeasure, Dim, Measure, Stat, TableId, TableSpec, ARREST_DIVERSION, COMMUNITY, DIMS, ENROLLED, N_DIMS, TABLES,
};
pub use lead_data::vocab::UNASSIGNED_TIER;
pub use rows::median;
use rows::*;
pub(crate) use write::io_error;
pub use write::write;

/// A failure to aggregate or write.
#[derive(Debug, thiserror::Error)]
pub enum AggregateError {
    #[error(transparent)]
    Export(#[from] ExportError),
    #[error("cannot decide suppression: {0}")]
    Suppress(#[from] SuppressError),
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("cannot write {path}: {source}")]
    Csv { path: PathBuf, source: csv::Error },
}

/// A cell's coordinates; `None` in `dims` is the `all` margin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub measure: Measure,
    pub period: Period,
    pub dims: [Option<u16>; N_DIMS],
}

/// How a dimension column reads in one published row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum DimValue {
    /// The table does not break down by this dimension (empty column).
    Absent,
    All,
    Value(String),
}

impl DimValue {
    pub fn as_str(&self) -> &str {
        match self {
            DimValue::Absent => "",
            DimValue::All => "all",
            DimValue::Value(v) => v,
        }
    }
}

/// A published figure's value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Figure {
    Count(Published),
    Derived(Derived),
}

impl Figure {
    pub fn is_suppressed(self) -> bool {
        match self {
            Figure::Count(p) => p.is_suppressed(),
            Figure::Derived(d) => d.is_suppressed(),
        }
    }

    /// The `value` column: empty when suppressed or not applicable.
    pub fn text(self) -> String {
        match self {
            Figure::Count(p) => p.value().map(|v| v.to_string()).unwrap_or_default(),
            Figure::Derived(d) => d
                .value()
                .map(|v| format!("{}", (v * 10_000.0).round() / 10_000.0))
                .unwrap_or_default(),
        }
    }
}

/// One row of `cells.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub table: TableId,
    pub period: Period,
    pub dims: [DimValue; N_DIMS],
    pub measure: &'static str,
    pub figure: Figure,
}

/// Everything an aggregation run publishes.
#[derive(Debug)]
pub struct Aggregates {
    pub rows: Vec<Row>,
    /// First and last month covered by any file, if any row was read.
    pub covered: Option<(Month, Month)>,
    pub policy: SuppressionPolicy,
    pub primary_suppressed: usize,
    pub complementary_suppressed: usize,
    pub referrals_read: u64,
}

/// Where the figures come from and when, for the JSON files.
#[derive(Debug, Clone)]
pub struct Provenance {
    pub generated_at: String,
    pub source: lead_data::published::Source,
}

/// The files of an export, as rows. Only `referrals` is required to hold
/// anything; the others may be empty iterators (their tables then publish
/// zeros, or for surveys nothing).
pub struct Sources<R, O, C, A, P, S, K> {
    pub referrals: R,
    pub outcomes: O,
    pub caseloads: C,
    pub arrests: A,
    pub population: P,
    /// The optional `surveys.csv`.
    pub surveys: S,
    /// The optional `comparison.csv`.
    pub comparison: K,
    /// The outcome measures the program's content declares
    /// (`measures.toml`), which `outcomes.csv` may carry.
    pub declared: SiteMeasures,
}

type NoRows<T> = std::iter::Empty<Result<T, ExportError>>;

/// An export of referrals alone.
type ReferralsOnly<R> = Sources<
    R,
    NoRows<OutcomeRow>,
    NoRows<Caseload>,
    NoRows<Arrests>,
    NoRows<Population>,
    NoRows<SurveyRow>,
    NoRows<ComparisonRow>,
>;

/// Reads the five files of the export in `input` (and the optional ones)
/// and aggregates them, with the outcome measures `declared` in content.
pub fn aggregate_dir(
    input: &Path,
    declared: SiteMeasures,
    policy: SuppressionPolicy,
) -> Result<Aggregates, AggregateError> {
    // Open every file first, so a missing one is reported before the long read.
    let sources = Sources {
        referrals: export::read::<Referral>(input)?,
        outcomes: export::read::<OutcomeRow>(input)?,
        caseloads: export::read::<Caseload>(input)?,
        arrests: export::read::<Arrests>(input)?,
        population: export::read::<Population>(input)?,
        surveys: Lend::new(export::read_optional::<SurveyRow>(input)?.into_iter().flatten()),
        comparison: Lend::new(export::read_optional::<ComparisonRow>(input)?.into_iter().flatten()),
        declared,
    };
    aggregate_rows(sources, policy)
}

/// Aggregates referral rows alone (the other files empty); the first bad
/// row stops the run.
pub fn aggregate(
    rows: impl Iterator<Item = Result<Referral, ExportError>>,
    policy: SuppressionPolicy,
) -> Result<Aggregates, AggregateError> {
    let sources: ReferralsOnly<_> = Sources {
        referrals: rows,
        outcomes: std::iter::empty(),
        caseloads: std::iter::empty(),
        arrests: std::iter::empty(),
        population: std::iter::empty(),
        surveys: std::iter::empty(),
        comparison: std::iter::empty(),
        declared: SiteMeasures::default(),
    };
    aggregate_sources(sources, policy)
}

/// Aggregates a whole export; the first bad row of any file stops the run.
pub fn aggregate_sources<R, O, C, A, P, S, K>(
    sources: Sources<R, O, C, A, P, S, K>,
    policy: SuppressionPolicy,
) -> Result<Aggregates, AggregateError>
where
    R: Iterator<Item = Result<Referral, ExportError>>,
    O: Iterator<Item = Result<OutcomeRow, ExportError>> + Send,
    C: Iterator<Item = Result<Caseload, ExportError>>,
    A: Iterator<Item = Result<Arrests, ExportError>>,
    P: Iterator<Item = Result<Population, ExportError>>,
    S: Iterator<Item = Result<SurveyRow, ExportError>>,
    K: Iterator<Item = Result<ComparisonRow, ExportError>>,
{
    let sources = Sources {
        referrals: Lend::new(sources.referrals),
        outcomes: Lend::new(sources.outcomes),
        caseloads: Lend::new(sources.caseloads),
        arrests: Lend::new(sources.arrests),
        population: Lend::new(sources.population),
        surveys: Lend::new(sources.surveys),
        comparison: Lend::new(sources.comparison),
        declared: sources.declared,
    };
    aggregate_rows(sources, policy)
}
