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

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::cell::{Derived, Published, SuppressionPolicy};
use crate::date::{Month, Period};
use crate::export::{self, Door, ExportError, Outcome, Referral, ReferrerType, Slug};
use crate::suppress::{suppress, CellValue, Constraint, SuppressError};

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

/// The dimensions, in the order of their `cells.csv` columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dim {
    Door = 0,
    ReferrerType = 1,
    PriorityTier = 2,
    Outcome = 3,
}

pub const DIMS: [Dim; 4] = [Dim::Door, Dim::ReferrerType, Dim::PriorityTier, Dim::Outcome];

impl Dim {
    pub fn column(self) -> &'static str {
        match self {
            Dim::Door => "door",
            Dim::ReferrerType => "referrer_type",
            Dim::PriorityTier => "priority_tier",
            Dim::Outcome => "outcome",
        }
    }
}

/// Counted measures. The last two are never published but are implied by
/// published ones (a total minus a part), so they are protected if small.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Measure {
    Referrals,
    WithIntake,
    IntakeWithin30Days,
    IntakeAfter30Days,
    WithoutIntake,
}

impl Measure {
    pub fn name(self) -> &'static str {
        match self {
            Measure::Referrals => "referrals",
            Measure::WithIntake => "referrals_with_intake",
            Measure::IntakeWithin30Days => "intake_within_30_days",
            Measure::IntakeAfter30Days => "intake_after_30_days",
            Measure::WithoutIntake => "referrals_without_intake",
        }
    }

    /// `self = sum(parts)` for every key.
    fn parts(self) -> &'static [Measure] {
        match self {
            Measure::Referrals => &[Measure::WithIntake, Measure::WithoutIntake],
            Measure::WithIntake => &[Measure::IntakeWithin30Days, Measure::IntakeAfter30Days],
            _ => &[],
        }
    }
}

/// Figures computed from counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DerivedMeasure {
    /// Median days from referral to intake among referrals with an intake.
    MedianDaysToIntake,
    /// Share of referrals with an intake that had it within 30 days.
    ShareWithin30Days,
}

impl DerivedMeasure {
    pub fn name(self) -> &'static str {
        match self {
            DerivedMeasure::MedianDaysToIntake => "median_days_to_intake",
            DerivedMeasure::ShareWithin30Days => "share_intake_within_30_days",
        }
    }
}

/// A cell's coordinates; `None` in `dims` is the `all` margin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub measure: Measure,
    pub period: Period,
    pub dims: [Option<u16>; 4],
}

/// A published table: a slice of the cube.
#[derive(Debug)]
pub struct TableSpec {
    pub id: &'static str,
    pub title: &'static str,
    pub measures: &'static [Measure],
    /// Dimensions the table breaks down by (each with an `all` margin).
    pub dims: &'static [Dim],
    /// Dimensions held at one value (a filter), e.g. door = community.
    pub fixed: &'static [(Dim, u16)],
    pub derived: &'static [DerivedMeasure],
    /// Unpublished measures the table implies.
    pub implied: &'static [Measure],
}

const COMMUNITY: u16 = Door::Community as u16;

/// The first set of dashboard tables (Referrals and Getting started pages).
pub const TABLES: &[TableSpec] = &[
    TableSpec {
        id: "referrals_by_door",
        title: "Referrals by door",
        measures: &[Measure::Referrals],
        dims: &[Dim::Door],
        fixed: &[],
        derived: &[],
        implied: &[],
    },
    TableSpec {
        id: "community_referrals_by_referrer_type",
        title: "Community referrals by who referred",
        measures: &[Measure::Referrals],
        dims: &[Dim::ReferrerType],
        fixed: &[(Dim::Door, COMMUNITY)],
        derived: &[],
        implied: &[],
    },
    TableSpec {
        id: "community_referrals_by_priority_tier",
        title: "Community referrals by priority tier",
        measures: &[Measure::Referrals],
        dims: &[Dim::PriorityTier],
        fixed: &[(Dim::Door, COMMUNITY)],
        derived: &[],
        implied: &[],
    },
    TableSpec {
        id: "referral_outcomes",
        title: "What became of referrals",
        measures: &[Measure::Referrals],
        dims: &[Dim::Door, Dim::Outcome],
        fixed: &[],
        derived: &[],
        implied: &[],
    },
    TableSpec {
        id: "days_to_intake",
        title: "Days from referral to intake",
        measures: &[Measure::Referrals, Measure::WithIntake, Measure::IntakeWithin30Days],
        dims: &[Dim::Door],
        fixed: &[],
        derived: &[DerivedMeasure::MedianDaysToIntake, DerivedMeasure::ShareWithin30Days],
        implied: &[Measure::IntakeAfter30Days, Measure::WithoutIntake],
    },
];

/// Tier value for a community referral exported without a tier, so the
/// tier rows still add up to the community total.
pub const UNASSIGNED_TIER: &str = "unassigned";

/// Counts by month and the finest breakdown the tables use.
#[derive(Debug, Default)]
struct Facts {
    /// (month index, door, referrer, tier (0 = none), outcome) -> referrals.
    referrals: HashMap<(i64, u8, u8, u16, u8), u64>,
    /// (month index, door) -> intake delays in days -> referrals.
    delays: HashMap<(i64, u8), BTreeMap<u32, u64>>,
    /// Tier names; index 0 is "no tier" (police doors).
    tiers: Vec<String>,
}

impl Facts {
    fn tier_index(&mut self, tier: Option<&Slug>, door: Door) -> u16 {
        let name = match (tier, door) {
            (Some(t), _) => t.as_str(),
            (None, Door::Community) => UNASSIGNED_TIER,
            (None, _) => return 0,
        };
        if let Some(i) = self.tiers.iter().position(|t| t == name) {
            return i as u16;
        }
        self.tiers.push(name.to_owned());
        (self.tiers.len() - 1) as u16
    }

    fn add(&mut self, r: &Referral) {
        let month = r.referral_date.month().index();
        let door = r.door.index() as u8;
        let tier = self.tier_index(r.priority_tier.as_ref(), r.door);
        *self
            .referrals
            .entry((
                month,
                door,
                r.referrer_type.index() as u8,
                tier,
                r.outcome.index() as u8,
            ))
            .or_default() += 1;
        if let Some(intake) = r.intake_date {
            let days = u32::try_from(r.referral_date.days_until(intake)).unwrap_or(0);
            *self.delays.entry((month, door)).or_default().entry(days).or_default() += 1;
        }
    }
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
    pub table: &'static str,
    pub period: Period,
    pub dims: [DimValue; 4],
    pub measure: &'static str,
    pub figure: Figure,
}

/// Everything an aggregation run publishes.
#[derive(Debug)]
pub struct Aggregates {
    pub rows: Vec<Row>,
    /// First and last month covered, if any referral was read.
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
    pub source: String,
}

struct Cube {
    keys: Vec<Key>,
    index: HashMap<Key, usize>,
}

impl Cube {
    fn insert(&mut self, key: Key) -> usize {
        *self.index.entry(key).or_insert_with(|| {
            self.keys.push(key);
            self.keys.len() - 1
        })
    }
}

fn periods(covered: Option<(Month, Month)>) -> Vec<Period> {
    let mut out = vec![Period::All];
    let Some((first, last)) = covered else {
        return out;
    };
    for index in first.index()..=last.index() {
        let Some(m) = Month::from_index(index) else { continue };
        for p in [
            Period::Year(m.year()),
            Period::Quarter(m.year(), m.quarter()),
            Period::Month(m),
        ] {
            if !out.contains(&p) {
                out.push(p);
            }
        }
    }
    out
}

/// The periods `period` is the exact sum of, among those published.
fn sub_periods(period: Period, all: &[Period]) -> Vec<Period> {
    all.iter()
        .copied()
        .filter(|p| match (period, p) {
            (Period::All, Period::Year(_)) => true,
            (Period::Year(y), Period::Quarter(py, _)) => y == *py,
            (Period::Quarter(y, q), Period::Month(m)) => m.year() == y && m.quarter() == q,
            _ => false,
        })
        .collect()
}

/// Every value combination of `dims` with `all` margins.
fn combinations(dims: &[Dim], domain: &[u16; 4]) -> Vec<[Option<u16>; 4]> {
    let mut out = vec![[None; 4]];
    for &d in dims {
        out = out
            .into_iter()
            .flat_map(|base| {
                std::iter::once(None)
                    .chain((0..domain[d as usize]).map(Some))
                    .map(move |v| {
                        let mut k = base;
                        k[d as usize] = v;
                        k
                    })
            })
            .collect();
    }
    out
}

/// Reads `referrals.csv` from `input` and aggregates it.
pub fn aggregate_dir(input: &Path, policy: SuppressionPolicy) -> Result<Aggregates, AggregateError> {
    aggregate(export::read::<Referral>(input)?, policy)
}

/// Aggregates referral rows; the first bad row stops the run.
pub fn aggregate(
    rows: impl Iterator<Item = Result<Referral, ExportError>>,
    policy: SuppressionPolicy,
) -> Result<Aggregates, AggregateError> {
    let mut facts = Facts {
        tiers: vec![String::new()],
        ..Facts::default()
    };
    let mut covered: Option<(Month, Month)> = None;
    let mut read = 0;
    for row in rows {
        let row = row?;
        let m = row.referral_date.month();
        covered = Some(covered.map_or((m, m), |(a, b)| (a.min(m), b.max(m))));
        facts.add(&row);
        read += 1;
    }
    // Tiers in a stable order (by name) so output does not depend on row order.
    let mut tier_order: Vec<u16> = (1..facts.tiers.len() as u16).collect();
    tier_order.sort_by(|a, b| facts.tiers[*a as usize].cmp(&facts.tiers[*b as usize]));
    let tier_names: Vec<String> = tier_order.iter().map(|&t| facts.tiers[t as usize].clone()).collect();
    let mut tier_rank = vec![u16::MAX; facts.tiers.len()];
    for (rank, &t) in tier_order.iter().enumerate() {
        tier_rank[t as usize] = rank as u16;
    }
    let domain = [
        Door::ALL.len() as u16,
        ReferrerType::ALL.len() as u16,
        tier_names.len() as u16,
        Outcome::ALL.len() as u16,
    ];
    let all_periods = periods(covered);

    // 1. The cells every table needs, zeros included.
    let mut cube = Cube {
        keys: Vec::new(),
        index: HashMap::new(),
    };
    let mut published = Vec::new();
    let mut table_keys: Vec<Vec<(Key, Option<DerivedMeasure>)>> = Vec::new();
    for spec in TABLES {
        let mut keys = Vec::new();
        for &period in &all_periods {
            for mut dims in combinations(spec.dims, &domain) {
                for &(d, v) in spec.fixed {
                    dims[d as usize] = Some(v);
                }
                for &measure in spec.measures.iter().chain(spec.implied) {
                    let key = Key { measure, period, dims };
                    let i = cube.insert(key);
                    if published.len() <= i {
                        published.resize(i + 1, false);
                    }
                    if spec.measures.contains(&measure) {
                        published[i] = true;
                        keys.push((key, None));
                    }
                }
                for &d in spec.derived {
                    let key = Key {
                        measure: Measure::WithIntake,
                        period,
                        dims,
                    };
                    keys.push((key, Some(d)));
                }
            }
        }
        table_keys.push(keys);
    }

    // 2. Their values, from the month-level facts.
    let mut values = vec![0u64; cube.keys.len()];
    let month_periods = |month: i64| -> [Period; 4] {
        let m = Month::from_index(month).unwrap_or_else(|| unreachable!("months come from dates"));
        [
            Period::All,
            Period::Year(m.year()),
            Period::Quarter(m.year(), m.quarter()),
            Period::Month(m),
        ]
    };
    let mut add = |measure: Measure, period: Period, fine: [Option<u16>; 4], n: u64| {
        // Every key that this fine cell contributes to: each dimension is
        // either kept or replaced by the margin.
        'masks: for mask in 0u8..16 {
            let mut dims = fine;
            for (d, slot) in dims.iter_mut().enumerate() {
                if mask & (1 << d) != 0 {
                    // Already a margin: this mask would count the cell twice.
                    if slot.take().is_none() {
                        continue 'masks;
                    }
                }
            }
            if let Some(&i) = cube.index.get(&Key { measure, period, dims }) {
                values[i] += n;
            }
        }
    };
    for (&(month, door, referrer, tier, outcome), &n) in &facts.referrals {
        let tier = (tier != 0).then(|| tier_rank[tier as usize]);
        let fine = [
            Some(u16::from(door)),
            Some(u16::from(referrer)),
            tier,
            Some(u16::from(outcome)),
        ];
        for period in month_periods(month) {
            add(Measure::Referrals, period, fine, n);
            add(Measure::WithoutIntake, period, fine, n);
        }
    }
    for (&(month, door), delays) in &facts.delays {
        let with: u64 = delays.values().sum();
        let within: u64 = delays.range(..=30).map(|(_, n)| n).sum();
        let fine = [Some(u16::from(door)), None, None, None];
        for period in month_periods(month) {
            add(Measure::WithIntake, period, fine, with);
            add(Measure::IntakeWithin30Days, period, fine, within);
            add(Measure::IntakeAfter30Days, period, fine, with - within);
        }
    }
    // WithoutIntake was accumulated as all referrals; take the intakes off.
    for (i, key) in cube.keys.iter().enumerate() {
        if key.measure == Measure::WithoutIntake {
            let with = cube.index.get(&Key {
                measure: Measure::WithIntake,
                ..*key
            });
            values[i] -= with.map_or(0, |&w| values[w]);
        }
    }

    // 3. The additive relations between cells.
    let constraints = constraints(&cube, &domain, &all_periods);
    let cells: Vec<CellValue> = values
        .iter()
        .zip(&published)
        .map(|(&value, &published)| CellValue { value, published })
        .collect();
    let decision = suppress(&cells, &constraints, policy)?;

    // 4. Published figures, built only through the suppression types.
    let publish = |key: &Key| -> Published {
        let i = cube.index[key];
        Published::new(values[i], decision.suppressed[i], policy)
    };
    let mut rows = Vec::new();
    for (spec, keys) in TABLES.iter().zip(&table_keys) {
        for (key, derived) in keys {
            let dims = DIMS.map(|d| {
                let fixed = spec.fixed.iter().any(|f| f.0 == d);
                match key.dims[d as usize] {
                    _ if !fixed && !spec.dims.contains(&d) => DimValue::Absent,
                    None => DimValue::All,
                    Some(v) => DimValue::Value(value_name(d, v, &tier_names)),
                }
            });
            let (measure, figure) = match derived {
                None => (key.measure.name(), Figure::Count(publish(key))),
                Some(DerivedMeasure::ShareWithin30Days) => {
                    let within = publish(&Key {
                        measure: Measure::IntakeWithin30Days,
                        ..*key
                    });
                    let share = Derived::ratio(within, publish(key));
                    (DerivedMeasure::ShareWithin30Days.name(), Figure::Derived(share))
                }
                Some(DerivedMeasure::MedianDaysToIntake) => {
                    let median = Derived::of_group(publish(key), || median_delay(&facts, key));
                    (DerivedMeasure::MedianDaysToIntake.name(), Figure::Derived(median))
                }
            };
            rows.push(Row {
                table: spec.id,
                period: key.period,
                dims,
                measure,
                figure,
            });
        }
    }
    Ok(Aggregates {
        rows,
        covered,
        policy,
        primary_suppressed: decision.primary,
        complementary_suppressed: decision.complementary,
        referrals_read: read,
    })
}

fn value_name(d: Dim, v: u16, tiers: &[String]) -> String {
    let v = v as usize;
    match d {
        Dim::Door => Door::ALL[v].as_str().to_owned(),
        Dim::ReferrerType => ReferrerType::ALL[v].as_str().to_owned(),
        Dim::PriorityTier => tiers.get(v).cloned().unwrap_or_default(),
        Dim::Outcome => Outcome::ALL[v].as_str().to_owned(),
    }
}

fn median_delay(facts: &Facts, key: &Key) -> Option<f64> {
    let mut merged: BTreeMap<u32, u64> = BTreeMap::new();
    for (&(month, door), delays) in &facts.delays {
        let in_period = Month::from_index(month).is_some_and(|m| key.period.contains(m));
        if in_period && key.dims[Dim::Door as usize].is_none_or(|d| d == u16::from(door)) {
            for (&days, &n) in delays {
                *merged.entry(days).or_default() += n;
            }
        }
    }
    median(&merged)
}

/// Median of a histogram (mean of the two middle values when even).
pub fn median(histogram: &BTreeMap<u32, u64>) -> Option<f64> {
    let n: u64 = histogram.values().sum();
    if n == 0 {
        return None;
    }
    let nth = |target: u64| {
        let mut seen = 0;
        histogram.iter().find_map(|(&v, &c)| {
            seen += c;
            (seen > target).then_some(f64::from(v))
        })
    };
    let upper = nth(n / 2)?;
    if n % 2 == 1 {
        Some(upper)
    } else {
        Some((nth(n / 2 - 1)? + upper) / 2.0)
    }
}

/// Margins (per dimension), period roll-ups and measure splits, for every
/// cell whose parts are all in the cube.
fn constraints(cube: &Cube, domain: &[u16; 4], periods: &[Period]) -> Vec<Constraint> {
    let mut out = Vec::new();
    let mut push = |total: usize, parts: Option<Vec<usize>>| {
        if let Some(parts) = parts.filter(|p| !p.is_empty()) {
            out.push(Constraint { total, parts });
        }
    };
    for (total, key) in cube.keys.iter().enumerate() {
        for d in DIMS {
            if key.dims[d as usize].is_none() {
                let parts = (0..domain[d as usize])
                    .map(|v| {
                        let mut dims = key.dims;
                        dims[d as usize] = Some(v);
                        cube.index.get(&Key { dims, ..*key }).copied()
                    })
                    .collect();
                push(total, parts);
            }
        }
        let subs = sub_periods(key.period, periods);
        let parts = subs
            .iter()
            .map(|&period| cube.index.get(&Key { period, ..*key }).copied())
            .collect();
        push(total, parts);
        let parts = key
            .measure
            .parts()
            .iter()
            .map(|&measure| cube.index.get(&Key { measure, ..*key }).copied())
            .collect();
        push(total, parts);
    }
    out
}

/// The `cells.csv` header.
pub fn cells_header() -> Vec<&'static str> {
    let mut header = vec!["table", "period"];
    header.extend(DIMS.map(Dim::column));
    header.extend(["measure", "value", "suppressed"]);
    header
}

#[derive(Serialize)]
struct TableJson<'a> {
    table: &'a str,
    title: &'a str,
    dimensions: Vec<&'a str>,
    filter: BTreeMap<&'a str, String>,
    period_covered: Option<PeriodCovered>,
    generated_at: &'a str,
    source: &'a str,
    suppression: SuppressionJson,
    rows: Vec<serde_json::Value>,
}

#[derive(Serialize)]
struct PeriodCovered {
    from: String,
    to: String,
}

#[derive(Serialize)]
struct SuppressionJson {
    k: u64,
    rule: String,
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> AggregateError + '_ {
    move |source| AggregateError::Write {
        path: path.to_owned(),
        source,
    }
}

/// Writes `cells.csv` and `<table>.json` for every table into `dir`.
pub fn write(aggregates: &Aggregates, dir: &Path, provenance: &Provenance) -> Result<(), AggregateError> {
    fs::create_dir_all(dir).map_err(io_error(dir))?;
    let path = dir.join("cells.csv");
    let csv_error = |source| AggregateError::Csv {
        path: path.clone(),
        source,
    };
    let mut writer = csv::Writer::from_path(&path).map_err(csv_error)?;
    writer.write_record(cells_header()).map_err(csv_error)?;
    for row in &aggregates.rows {
        let period = row.period.to_string();
        let value = row.figure.text();
        let mut record = vec![row.table, period.as_str()];
        record.extend(row.dims.iter().map(DimValue::as_str));
        record.extend([
            row.measure,
            value.as_str(),
            if row.figure.is_suppressed() { "true" } else { "false" },
        ]);
        writer.write_record(&record).map_err(csv_error)?;
    }
    writer.flush().map_err(io_error(&path))?;

    for spec in TABLES {
        let rows = aggregates
            .rows
            .iter()
            .filter(|r| r.table == spec.id)
            .map(|r| {
                let mut object = serde_json::Map::new();
                object.insert("period".into(), r.period.to_string().into());
                for d in spec.dims {
                    object.insert(d.column().into(), r.dims[*d as usize].as_str().into());
                }
                object.insert("measure".into(), r.measure.into());
                let value = match r.figure {
                    Figure::Count(p) => p.value().map(serde_json::Value::from),
                    Figure::Derived(d) => d.value().map(serde_json::Value::from),
                };
                object.insert("value".into(), value.unwrap_or(serde_json::Value::Null));
                object.insert("suppressed".into(), r.figure.is_suppressed().into());
                serde_json::Value::Object(object)
            })
            .collect();
        let filter = spec
            .fixed
            .iter()
            .map(|&(d, v)| (d.column(), value_name(d, v, &[])))
            .collect();
        let json = TableJson {
            table: spec.id,
            title: spec.title,
            dimensions: spec.dims.iter().map(|d| d.column()).collect(),
            filter,
            period_covered: aggregates.covered.map(|(from, to)| PeriodCovered {
                from: from.to_string(),
                to: to.to_string(),
            }),
            generated_at: &provenance.generated_at,
            source: &provenance.source,
            suppression: SuppressionJson {
                k: aggregates.policy.k(),
                rule: aggregates.policy.describe(),
            },
            rows,
        };
        let path = dir.join(format!("{}.json", spec.id));
        let text = serde_json::to_string_pretty(&json).map_err(|e| AggregateError::Write {
            path: path.clone(),
            source: e.into(),
        })?;
        fs::write(&path, text).map_err(io_error(&path))?;
    }
    Ok(())
}
