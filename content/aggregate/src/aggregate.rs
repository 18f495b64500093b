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
    self, Arrests, Caseload, Date, Door, ExportError, Lend, LendRows, Outcome, OutcomeMeasure, OutcomeRow, Population,
    RaceEthnicity, Referral, ReferrerType, Slug, Status, Window,
};
use crate::suppress::{suppress, CellValue, Constraint, SuppressError};
use lead_data::published::{table_file, Covered, Suppression, TableFile, CELLS_CSV};
pub use lead_data::tables::{
    DerivedMeasure, Dim, Measure, TableId, TableSpec, ARREST_DIVERSION, COMMUNITY, DIMS, ENROLLED, N_DIMS, TABLES,
};
pub use lead_data::vocab::UNASSIGNED_TIER;

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

/// Each split `measure = sum(parts)`, for every key.
fn splits(measure: Measure) -> &'static [&'static [Measure]] {
    use Measure as M;
    match measure {
        M::Referrals => &[&[M::WithIntake, M::WithoutIntake]],
        M::WithIntake => &[&[M::IntakeWithin30Days, M::IntakeAfter30Days]],
        M::Enrolled => &[
            &[M::Active, M::Inactive, M::Discharged],
            &[M::Followed6, M::NotFollowed6],
        ],
        M::Followed6 => &[&[M::Retained6, M::NotRetained6], &[M::Followed12, M::Followed6Not12]],
        M::Followed12 => &[&[M::Retained12, M::NotRetained12]],
        M::EligibleArrests => &[&[M::Booked, M::EligibleNotBooked]],
        M::HousingPeople6 => &[&[M::Housed6, M::NotHoused6]],
        M::HousingPeople12 => &[&[M::Housed12, M::NotHoused12]],
        _ => &[],
    }
}

/// Days after enrolment at which retention is looked at.
pub const RETENTION_6M_DAYS: i64 = 183;
pub const RETENTION_12M_DAYS: i64 = 365;

/// One enrolment, kept until the export date is known.
#[derive(Debug, Clone, Copy)]
struct Enrolment {
    /// Month index of the enrolment.
    month: i64,
    enrolled: i64,
    status: Option<Status>,
    status_date: Option<i64>,
    door: u8,
    race: u8,
}

/// Everything the engagement measures of one enrolment depend on, once the
/// export date is known. Enrolments are counted by class first: many share
/// one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct EnrolmentClass {
    month: i64,
    door: u8,
    race: u8,
    status: Option<Status>,
    /// Whether retained 6 months on; `None` if enrolled too recently to tell.
    retained6: Option<bool>,
    /// Whether retained 12 months on; `None` if enrolled too recently to tell.
    retained12: Option<bool>,
}

impl Enrolment {
    fn class(&self, as_of: i64) -> EnrolmentClass {
        // Retained at `days` after enrolment: still active or inactive, or
        // discharged only after that day.
        let retained = |days: i64| match self.status {
            Some(Status::Active | Status::Inactive) => true,
            Some(Status::Discharged) => self.status_date.is_some_and(|d| d >= self.enrolled + days),
            None => false,
        };
        let followed = |days: i64| self.enrolled + days <= as_of;
        EnrolmentClass {
            month: self.month,
            door: self.door,
            race: self.race,
            status: self.status,
            retained6: followed(RETENTION_6M_DAYS).then(|| retained(RETENTION_6M_DAYS)),
            retained12: followed(RETENTION_12M_DAYS).then(|| retained(RETENTION_12M_DAYS)),
        }
    }
}

/// One person's rows of outcomes.csv: a value per measure x window.
#[derive(Debug, Clone, Copy, Default)]
struct Outcomes {
    /// Bit i set when `values[i]` came from a row of the export.
    present: u16,
    values: [u32; 9],
}

impl Outcomes {
    fn slot(measure: OutcomeMeasure, window: Window) -> usize {
        measure.index() * Window::ALL.len() + window.index()
    }

    fn get(&self, measure: OutcomeMeasure, window: Window) -> Option<u32> {
        let slot = Outcomes::slot(measure, window);
        (self.present & (1 << slot) != 0).then_some(self.values[slot])
    }

    fn set(&mut self, measure: OutcomeMeasure, window: Window, value: u32) {
        let slot = Outcomes::slot(measure, window);
        self.values[slot] = value;
        self.present |= 1 << slot;
    }

    /// Takes every value `later` has (of two rows for one slot, the later
    /// one wins).
    fn update(&mut self, later: &Outcomes) {
        for (slot, (value, &new)) in self.values.iter_mut().zip(&later.values).enumerate() {
            if later.present & (1 << slot) != 0 {
                *value = new;
            }
        }
        self.present |= later.present;
    }
}

/// A person key as the tables of people hold it: inline when short (keys
/// are usually a dozen characters), so a million people need no allocation
/// each. Keys are only ever compared, so they are kept as bytes.
#[derive(Debug, Clone)]
enum PersonKey {
    Inline { len: u8, bytes: [u8; PersonKey::INLINE] },
    Heap(Box<[u8]>),
}

impl PersonKey {
    /// The longest key held inline (the enum is then as large as a `String`).
    const INLINE: usize = 22;

    fn new(key: &str) -> PersonKey {
        let key = key.as_bytes();
        if key.len() <= PersonKey::INLINE {
            let mut bytes = [0; PersonKey::INLINE];
            bytes[..key.len()].copy_from_slice(key);
            PersonKey::Inline {
                len: key.len() as u8,
                bytes,
            }
        } else {
            PersonKey::Heap(key.into())
        }
    }

    fn as_bytes(&self) -> &[u8] {
        match self {
            PersonKey::Inline { len, bytes } => &bytes[..usize::from(*len)],
            PersonKey::Heap(bytes) => bytes,
        }
    }
}

// Equality and hashing are those of the bytes, so tables of people can be
// searched by `&[u8]`.
impl PartialEq for PersonKey {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for PersonKey {}

impl Hash for PersonKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state);
    }
}

impl Borrow<[u8]> for PersonKey {
    fn borrow(&self) -> &[u8] {
        self.as_bytes()
    }
}

/// A person with rows in outcomes.csv: the rows, and the month they first
/// enrolled if they did.
#[derive(Debug, Clone, Copy, Default)]
struct Person {
    outcomes: Outcomes,
    first_enrolled: Option<i32>,
}

/// People with rows in outcomes.csv, by person key.
type People = FxHashMap<PersonKey, Person>;

/// Enrolments as (person key, month index), passed from the referrals to
/// the outcomes in batches.
type Enrolled = Vec<(PersonKey, i32)>;

/// Enrolments gathered before a batch is passed on.
const ENROLLED_BATCH: usize = 1 << 16;

/// (month of first enrolment, measure) -> sum over the people first
/// enrolled that month of the participant outcome measures.
type OutcomeTotals = FxHashMap<(i64, Measure), u64>;

/// Reads outcomes.csv, then takes each person's first enrolment month from
/// the batches of `enrolled` (until its sender is dropped), and sums the
/// participant outcome measures of the people who enrolled.
fn read_outcomes(
    rows: &mut impl LendRows<OutcomeRow>,
    enrolled: mpsc::Receiver<Enrolled>,
) -> Result<OutcomeTotals, ExportError> {
    let mut people = outcomes_by_person(rows)?;
    for (key, month) in enrolled.into_iter().flatten() {
        // People who have no outcome rows add nothing to the outcome measures.
        if let Some(person) = people.get_mut(key.as_bytes()) {
            person.first_enrolled = Some(person.first_enrolled.map_or(month, |m| m.min(month)));
        }
    }
    Ok(outcome_totals(&people))
}

/// Reads outcomes.csv into rows by person. Rows come grouped by person, so
/// a person's rows are gathered apart and stored when the next person's
/// begin: one hash lookup per person rather than per row.
fn outcomes_by_person(rows: &mut impl LendRows<OutcomeRow>) -> Result<People, ExportError> {
    fn store(people: &mut People, key: &str, outcomes: &Outcomes) {
        if outcomes.present != 0 {
            people.entry(PersonKey::new(key)).or_default().outcomes.update(outcomes);
        }
    }
    let mut people = People::default();
    let mut key = String::new();
    let mut gathered = Outcomes::default();
    while let Some(row) = rows.next_row() {
        let row = row?;
        if row.person_key.as_str() != key {
            store(&mut people, &key, &gathered);
            key.clear();
            key.push_str(row.person_key.as_str());
            gathered = Outcomes::default();
        }
        gathered.set(row.measure, row.window, row.value);
    }
    store(&mut people, &key, &gathered);
    Ok(people)
}

/// The participant outcome measures of enrolled people, summed by month of
/// first enrolment.
fn outcome_totals(people: &People) -> OutcomeTotals {
    use Measure as M;
    let mut totals = OutcomeTotals::default();
    let mut add = |month: i64, measure: Measure, n: u64| *totals.entry((month, measure)).or_default() += n;
    let (jail, ed, housed) = (
        OutcomeMeasure::JailBookings,
        OutcomeMeasure::EdVisits,
        OutcomeMeasure::Housed,
    );
    for person in people.values() {
        let Some(month) = person.first_enrolled.map(i64::from) else {
            continue;
        };
        let outcomes = &person.outcomes;
        let followed = [
            outcomes.get(jail, Window::Pre12m),
            outcomes.get(jail, Window::Post12m),
            outcomes.get(ed, Window::Pre12m),
            outcomes.get(ed, Window::Post12m),
        ];
        if let [Some(jail_pre), Some(jail_post), Some(ed_pre), Some(ed_post)] = followed {
            add(month, M::OutcomePeople12, 1);
            add(month, M::JailBookingsPre12, u64::from(jail_pre));
            add(month, M::JailBookingsPost12, u64::from(jail_post));
            add(month, M::EdVisitsPre12, u64::from(ed_pre));
            add(month, M::EdVisitsPost12, u64::from(ed_post));
        }
        for (window, people, yes, no) in [
            (Window::Post6m, M::HousingPeople6, M::Housed6, M::NotHoused6),
            (Window::Post12m, M::HousingPeople12, M::Housed12, M::NotHoused12),
        ] {
            if let Some(v) = outcomes.get(housed, window) {
                add(month, people, 1);
                add(month, if v > 0 { yes } else { no }, 1);
            }
        }
    }
    totals
}

/// A count of one measure at one month and the finest breakdown it has.
type FineCounts = FxHashMap<(i64, Measure, [Option<u16>; N_DIMS]), u64>;

/// Counts by month and the finest breakdown the tables use.
#[derive(Debug, Default)]
struct Facts {
    /// (month index, door, referrer, tier (0 = none), outcome, race) -> referrals.
    referrals: FxHashMap<(i64, u8, u8, u16, u8, u8), u64>,
    /// (month index, door) -> intake delays in days -> referrals.
    delays: FxHashMap<(i64, u8), BTreeMap<u32, u64>>,
    /// Tier names; index 0 is "no tier" (police doors).
    tiers: Vec<String>,
    enrolments: Vec<Enrolment>,
    /// Enrolments not yet passed to the outcomes reader.
    enrolled: Enrolled,
    /// The participant outcome measures, from the outcomes reader.
    outcome_totals: OutcomeTotals,
    /// The latest date in referrals.csv: retention is looked at as of it.
    as_of: Option<Date>,
    /// month -> (case managers, caseload sum).
    caseloads: FxHashMap<i64, (u64, u64)>,
    /// (month, race) -> (diversion-eligible arrests, booked).
    arrests: FxHashMap<(i64, u8), (u64, u64)>,
    /// Census population by race.
    population: [u64; 9],
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
        let race = r.race_ethnicity.index() as u8;
        let tier = self.tier_index(r.priority_tier.as_ref(), r.door);
        *self
            .referrals
            .entry((
                month,
                door,
                r.referrer_type.index() as u8,
                tier,
                r.outcome.index() as u8,
                race,
            ))
            .or_default() += 1;
        if let Some(intake) = r.intake_date {
            let days = u32::try_from(r.referral_date.days_until(intake)).unwrap_or(0);
            *self.delays.entry((month, door)).or_default().entry(days).or_default() += 1;
        }
        let latest = [r.intake_date, r.roi_date, r.enrolled_date, r.status_date]
            .into_iter()
            .flatten()
            .fold(r.referral_date, Date::max);
        self.as_of = Some(self.as_of.map_or(latest, |d| d.max(latest)));
        if let (Outcome::Enrolled, Some(enrolled)) = (r.outcome, r.enrolled_date) {
            self.enrolments.push(Enrolment {
                month: enrolled.month().index(),
                enrolled: enrolled.days(),
                status: r.status,
                status_date: r.status_date.map(Date::days),
                door,
                race,
            });
            let month = i32::try_from(enrolled.month().index()).unwrap_or(i32::MAX);
            self.enrolled.push((PersonKey::new(r.person_key.as_str()), month));
        }
    }

    /// Month-level counts of every measure at its finest breakdown.
    fn fine(&self, tier_rank: &[u16]) -> FineCounts {
        use Measure as M;
        let mut out = FineCounts::default();
        let mut put = |month: i64, measure: Measure, dims: [Option<u16>; N_DIMS], n: u64| {
            if n > 0 {
                *out.entry((month, measure, dims)).or_default() += n;
            }
        };
        for (&(month, door, referrer, tier, outcome, race), &n) in &self.referrals {
            let tier = (tier != 0).then(|| tier_rank[tier as usize]);
            let dims = [
                Some(u16::from(door)),
                Some(u16::from(referrer)),
                tier,
                Some(u16::from(outcome)),
                Some(u16::from(race)),
            ];
            put(month, M::Referrals, dims, n);
            if u16::from(outcome) != ENROLLED {
                put(
                    month,
                    M::ReferralsNotEnrolled,
                    [dims[0], dims[1], dims[2], None, dims[4]],
                    n,
                );
            }
        }
        for (&(month, door), delays) in &self.delays {
            let with: u64 = delays.values().sum();
            let within: u64 = delays.range(..=30).map(|(_, n)| n).sum();
            let dims = [Some(u16::from(door)), None, None, None, None];
            put(month, M::WithIntake, dims, with);
            put(month, M::IntakeWithin30Days, dims, within);
            put(month, M::IntakeAfter30Days, dims, with - within);
        }
        let as_of = self.as_of.map_or(i64::MIN, Date::days);
        let mut classes: FxHashMap<EnrolmentClass, u64> = FxHashMap::default();
        for e in &self.enrolments {
            *classes.entry(e.class(as_of)).or_default() += 1;
        }
        for (class, n) in classes {
            let month = class.month;
            let dims = [
                Some(u16::from(class.door)),
                None,
                None,
                None,
                Some(u16::from(class.race)),
            ];
            put(month, M::Enrolled, dims, n);
            let status = match class.status {
                Some(Status::Active) => M::Active,
                Some(Status::Inactive) => M::Inactive,
                _ => M::Discharged,
            };
            put(month, status, dims, n);
            let Some(retained6) = class.retained6 else {
                put(month, M::NotFollowed6, dims, n);
                continue;
            };
            put(month, M::Followed6, dims, n);
            put(month, if retained6 { M::Retained6 } else { M::NotRetained6 }, dims, n);
            let Some(retained12) = class.retained12 else {
                put(month, M::Followed6Not12, dims, n);
                continue;
            };
            put(month, M::Followed12, dims, n);
            put(
                month,
                if retained12 { M::Retained12 } else { M::NotRetained12 },
                dims,
                n,
            );
        }
        let none = [None; N_DIMS];
        for (&month, &(managers, sum)) in &self.caseloads {
            put(month, M::CaseManagerMonths, none, managers);
            put(month, M::CaseloadSum, none, sum);
        }
        for (&(month, race), &(eligible, booked)) in &self.arrests {
            let dims = [None, None, None, None, Some(u16::from(race))];
            put(month, M::EligibleArrests, dims, eligible);
            put(month, M::Booked, dims, booked);
            put(month, M::EligibleNotBooked, dims, eligible - booked);
        }
        for (&(month, measure), &n) in &self.outcome_totals {
            put(month, measure, none, n);
        }
        out
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
    pub source: String,
}

struct Cube {
    keys: Vec<Key>,
    index: FxHashMap<Key, usize>,
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
fn combinations(dims: &[Dim], domain: &[u16; N_DIMS]) -> Vec<[Option<u16>; N_DIMS]> {
    let mut out = vec![[None; N_DIMS]];
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

/// The five files of an export, as rows. Only `referrals` is required to
/// hold anything; the others may be empty iterators (their tables then
/// publish zeros).
pub struct Sources<R, O, C, A, P> {
    pub referrals: R,
    pub outcomes: O,
    pub caseloads: C,
    pub arrests: A,
    pub population: P,
}

type NoRows<T> = std::iter::Empty<Result<T, ExportError>>;

/// Reads the five files of the export in `input` and aggregates them.
pub fn aggregate_dir(input: &Path, policy: SuppressionPolicy) -> Result<Aggregates, AggregateError> {
    // Open every file first, so a missing one is reported before the long read.
    let sources = Sources {
        referrals: export::read::<Referral>(input)?,
        outcomes: export::read::<OutcomeRow>(input)?,
        caseloads: export::read::<Caseload>(input)?,
        arrests: export::read::<Arrests>(input)?,
        population: export::read::<Population>(input)?,
    };
    aggregate_rows(sources, policy)
}

/// Aggregates referral rows alone (the other files empty); the first bad
/// row stops the run.
pub fn aggregate(
    rows: impl Iterator<Item = Result<Referral, ExportError>>,
    policy: SuppressionPolicy,
) -> Result<Aggregates, AggregateError> {
    let sources: Sources<_, NoRows<OutcomeRow>, NoRows<Caseload>, NoRows<Arrests>, NoRows<Population>> = Sources {
        referrals: rows,
        outcomes: std::iter::empty(),
        caseloads: std::iter::empty(),
        arrests: std::iter::empty(),
        population: std::iter::empty(),
    };
    aggregate_sources(sources, policy)
}

/// Aggregates a whole export; the first bad row of any file stops the run.
pub fn aggregate_sources<R, O, C, A, P>(
    sources: Sources<R, O, C, A, P>,
    policy: SuppressionPolicy,
) -> Result<Aggregates, AggregateError>
where
    R: Iterator<Item = Result<Referral, ExportError>>,
    O: Iterator<Item = Result<OutcomeRow, ExportError>> + Send,
    C: Iterator<Item = Result<Caseload, ExportError>>,
    A: Iterator<Item = Result<Arrests, ExportError>>,
    P: Iterator<Item = Result<Population, ExportError>>,
{
    let sources = Sources {
        referrals: Lend::new(sources.referrals),
        outcomes: Lend::new(sources.outcomes),
        caseloads: Lend::new(sources.caseloads),
        arrests: Lend::new(sources.arrests),
        population: Lend::new(sources.population),
    };
    aggregate_rows(sources, policy)
}

/// [`aggregate_sources`] over rows lent one at a time (a file's rows are
/// read into one reused row).
fn aggregate_rows<R, O, C, A, P>(
    sources: Sources<R, O, C, A, P>,
    policy: SuppressionPolicy,
) -> Result<Aggregates, AggregateError>
where
    R: LendRows<Referral>,
    O: LendRows<OutcomeRow> + Send,
    C: LendRows<Caseload>,
    A: LendRows<Arrests>,
    P: LendRows<Population>,
{
    let Sources {
        mut referrals,
        mut outcomes,
        mut caseloads,
        mut arrests,
        mut population,
    } = sources;
    let mut facts = Facts {
        tiers: vec![String::new()],
        ..Facts::default()
    };
    let mut covered: Option<(Month, Month)> = None;
    let mut cover = |m: Month| covered = Some(covered.map_or((m, m), |(a, b)| (a.min(m), b.max(m))));
    let mut read = 0;
    let (counted, outcome_totals, small_files) = std::thread::scope(|scope| {
        // outcomes.csv is the largest file: it is read on the second core
        // while the referrals are counted, which pass it their enrolments.
        let (enrolled, enrolments) = mpsc::channel();
        let reading = scope.spawn(move || read_outcomes(&mut outcomes, enrolments));
        let mut count = || -> Result<(), ExportError> {
            while let Some(row) = referrals.next_row() {
                let row = row?;
                cover(row.referral_date.month());
                if let (Outcome::Enrolled, Some(d)) = (row.outcome, row.enrolled_date) {
                    cover(d.month());
                }
                facts.add(row);
                read += 1;
                if facts.enrolled.len() >= ENROLLED_BATCH {
                    // If the outcomes reader has stopped at a bad row, the
                    // batch is dropped and its error reported below.
                    let _ = enrolled.send(std::mem::take(&mut facts.enrolled));
                }
            }
            Ok(())
        };
        let counted = count();
        let _ = enrolled.send(std::mem::take(&mut facts.enrolled));
        // Dropping the sender tells the reader no more enrolments follow.
        drop(enrolled);
        // The small files meanwhile; their errors come after those of the
        // two large ones.
        let mut small_files = || -> Result<(), ExportError> {
            while let Some(row) = caseloads.next_row() {
                let row = row?;
                cover(row.month);
                let entry = facts.caseloads.entry(row.month.index()).or_default();
                entry.0 += 1;
                entry.1 += u64::from(row.active_caseload);
            }
            while let Some(row) = arrests.next_row() {
                let row = row?;
                cover(row.month);
                let entry = facts
                    .arrests
                    .entry((row.month.index(), row.race_ethnicity.index() as u8))
                    .or_default();
                entry.0 += u64::from(row.diversion_eligible_arrests);
                entry.1 += u64::from(row.booked);
            }
            while let Some(row) = population.next_row() {
                let row = row?;
                facts.population[row.race_ethnicity.index()] += row.population;
            }
            Ok(())
        };
        let small_files = if counted.is_ok() { small_files() } else { Ok(()) };
        (counted, reading.join(), small_files)
    });
    counted?;
    facts.outcome_totals = outcome_totals.unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
    small_files?;

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
        RaceEthnicity::ALL.len() as u16,
    ];
    let all_periods = periods(covered);

    // 1. The cells every table needs, zeros included.
    let mut cube = Cube {
        keys: Vec::new(),
        index: FxHashMap::default(),
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
                for &(d, measure) in spec.derived {
                    keys.push((Key { measure, period, dims }, Some(d)));
                }
            }
        }
        table_keys.push(keys);
    }
    // A table that publishes the `enrolled` outcome beside a total over
    // outcomes implies the referrals that were not enrolled.
    let enrolled_rows: Vec<Key> = cube
        .keys
        .iter()
        .filter(|k| k.measure == Measure::Referrals && k.dims[Dim::Outcome as usize] == Some(ENROLLED))
        .copied()
        .collect();
    for key in enrolled_rows {
        let mut dims = key.dims;
        dims[Dim::Outcome as usize] = None;
        let i = cube.insert(Key {
            measure: Measure::ReferralsNotEnrolled,
            dims,
            ..key
        });
        if published.len() <= i {
            published.resize(i + 1, false);
        }
    }

    // 2. Their values, from the month-level facts. A fine cell adds to every
    // key of its measure whose dimensions are a subset of its own: first
    // summed by month at each such subset, then into the month's periods.
    let mut patterns: FxHashMap<Measure, Vec<u8>> = FxHashMap::default();
    for key in &cube.keys {
        let mask = dims_mask(&key.dims);
        let list = patterns.entry(key.measure).or_default();
        if !list.contains(&mask) {
            list.push(mask);
        }
    }
    let mut monthly = FineCounts::default();
    for ((month, measure, fine), n) in facts.fine(&tier_rank) {
        let Some(masks) = patterns.get(&measure) else { continue };
        let support = dims_mask(&fine);
        for &mask in masks {
            if mask & !support != 0 {
                continue;
            }
            let mut dims = fine;
            for (d, slot) in dims.iter_mut().enumerate() {
                if mask & (1 << d) == 0 {
                    *slot = None;
                }
            }
            *monthly.entry((month, measure, dims)).or_default() += n;
        }
    }
    let mut values = vec![0u64; cube.keys.len()];
    for ((month, measure, dims), n) in monthly {
        let m = Month::from_index(month).unwrap_or_else(|| unreachable!("months come from dates"));
        for period in [
            Period::All,
            Period::Year(m.year()),
            Period::Quarter(m.year(), m.quarter()),
            Period::Month(m),
        ] {
            if let Some(&i) = cube.index.get(&Key { measure, period, dims }) {
                values[i] += n;
            }
        }
    }
    // Referrals without an intake: all referrals less those with one.
    for (i, key) in cube.keys.iter().enumerate() {
        if key.measure == Measure::WithoutIntake {
            let all = cube.index.get(&Key {
                measure: Measure::Referrals,
                ..*key
            });
            let with = cube.index.get(&Key {
                measure: Measure::WithIntake,
                ..*key
            });
            values[i] = all.map_or(0, |&a| values[a]) - with.map_or(0, |&w| values[w]);
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
        match cube.index.get(key) {
            Some(&i) => Published::new(values[i], decision.suppressed[i], policy),
            None => Published::Suppressed,
        }
    };
    let population_total: u64 = facts.population.iter().sum();
    let population_share = |key: &Key| -> Option<f64> {
        let part = match key.dims[Dim::Race as usize] {
            None => population_total,
            Some(r) => facts.population[r as usize],
        };
        (population_total > 0).then(|| part as f64 / population_total as f64)
    };
    let share_by_race = |key: &Key| -> Derived {
        let mut dims = key.dims;
        dims[Dim::Race as usize] = None;
        Derived::ratio(publish(key), publish(&Key { dims, ..*key }))
    };
    let with = |key: &Key, measure: Measure| publish(&Key { measure, ..*key });
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
            let Some(derived) = derived else {
                rows.push(Row {
                    table: spec.id,
                    period: key.period,
                    dims,
                    measure: key.measure.name(),
                    figure: Figure::Count(publish(key)),
                });
                continue;
            };
            let figure = match derived {
                DerivedMeasure::MedianDaysToIntake => Derived::of_group(publish(key), || median_delay(&facts, key)),
                DerivedMeasure::ShareWithin30Days => {
                    Derived::ratio(with(key, Measure::IntakeWithin30Days), publish(key))
                }
                DerivedMeasure::Retention6 => Derived::ratio(with(key, Measure::Retained6), publish(key)),
                DerivedMeasure::Retention12 => Derived::ratio(with(key, Measure::Retained12), publish(key)),
                DerivedMeasure::AverageCaseload => Derived::ratio(with(key, Measure::CaseloadSum), publish(key)),
                DerivedMeasure::ShareHoused6 => Derived::ratio(with(key, Measure::Housed6), publish(key)),
                DerivedMeasure::ShareHoused12 => Derived::ratio(with(key, Measure::Housed12), publish(key)),
                DerivedMeasure::DiversionRate => {
                    let mut dims = key.dims;
                    dims[Dim::Door as usize] = Some(ARREST_DIVERSION);
                    let diversions = publish(&Key {
                        measure: Measure::Referrals,
                        dims,
                        ..*key
                    });
                    Derived::ratio(diversions, publish(key))
                }
                DerivedMeasure::ShareByRace => share_by_race(key),
                DerivedMeasure::PopulationShare => population_share(key).map_or(Derived::NotApplicable, Derived::Value),
                DerivedMeasure::RelativeRate => match (share_by_race(key), population_share(key)) {
                    (Derived::Suppressed, _) => Derived::Suppressed,
                    (Derived::Value(share), Some(base)) if base > 0.0 => Derived::Value(share / base),
                    _ => Derived::NotApplicable,
                },
            };
            rows.push(Row {
                table: spec.id,
                period: key.period,
                dims,
                measure: derived.name(),
                figure: Figure::Derived(figure),
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

/// Bit d set when dimension d holds a value.
fn dims_mask(dims: &[Option<u16>; N_DIMS]) -> u8 {
    dims.iter()
        .enumerate()
        .filter(|(_, v)| v.is_some())
        .fold(0, |mask, (d, _)| mask | (1 << d))
}

fn value_name(d: Dim, v: u16, tiers: &[String]) -> String {
    let v = v as usize;
    match d {
        Dim::Door => Door::ALL[v].as_str().to_owned(),
        Dim::ReferrerType => ReferrerType::ALL[v].as_str().to_owned(),
        Dim::PriorityTier => tiers.get(v).cloned().unwrap_or_default(),
        Dim::Outcome => Outcome::ALL[v].as_str().to_owned(),
        Dim::Race => RaceEthnicity::ALL[v].as_str().to_owned(),
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
fn constraints(cube: &Cube, domain: &[u16; N_DIMS], periods: &[Period]) -> Vec<Constraint> {
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
        for split in splits(key.measure) {
            let parts = split
                .iter()
                .map(|&measure| cube.index.get(&Key { measure, ..*key }).copied())
                .collect();
            push(total, parts);
        }
        // Referrals = referrals enrolled + referrals not enrolled.
        if key.measure == Measure::ReferralsNotEnrolled {
            let mut dims = key.dims;
            dims[Dim::Outcome as usize] = Some(ENROLLED);
            let all = cube.index.get(&Key {
                measure: Measure::Referrals,
                ..*key
            });
            let enrolled = cube.index.get(&Key {
                measure: Measure::Referrals,
                dims,
                ..*key
            });
            if let (Some(&all), Some(&enrolled)) = (all, enrolled) {
                push(all, Some(vec![enrolled, total]));
            }
        }
    }
    out
}

pub use lead_data::published::cells_header;

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> AggregateError + '_ {
    move |source| AggregateError::Write {
        path: path.to_owned(),
        source,
    }
}

/// Writes `cells.csv` and `<table>.json` for every table into `dir`.
pub fn write(aggregates: &Aggregates, dir: &Path, provenance: &Provenance) -> Result<(), AggregateError> {
    fs::create_dir_all(dir).map_err(io_error(dir))?;
    let path = dir.join(CELLS_CSV);
    let csv_error = |source| AggregateError::Csv {
        path: path.clone(),
        source,
    };
    let mut writer = csv::Writer::from_path(&path).map_err(csv_error)?;
    writer.write_record(cells_header()).map_err(csv_error)?;
    for row in &aggregates.rows {
        let period = row.period.to_string();
        let value = row.figure.text();
        let mut record = vec![row.table.as_str(), period.as_str()];
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
            .map(|&(d, v)| (d.column().to_owned(), value_name(d, v, &[])))
            .collect();
        let json: TableFile<serde_json::Value> = TableFile {
            table: spec.id,
            title: spec.title().to_owned(),
            dimensions: spec.dims.to_vec(),
            filter,
            period_covered: aggregates.covered.map(|(from, to)| Covered { from, to }),
            generated_at: provenance.generated_at.clone(),
            source: provenance.source.clone(),
            suppression: Suppression {
                k: aggregates.policy.k(),
                rule: aggregates.policy.describe(),
            },
            rows,
        };
        let path = dir.join(table_file(spec.id));
        let text = serde_json::to_string_pretty(&json).map_err(|e| AggregateError::Write {
            path: path.clone(),
            source: e.into(),
        })?;
        fs::write(&path, text).map_err(io_error(&path))?;
    }
    Ok(())
}
