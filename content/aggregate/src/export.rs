//! The export contract: the five CSV files a site exports from its case
//! system, as typed rows.
//!
//! Sites export de-identified records (UTF-8, a header row, ISO dates). Every
//! column the pipeline reads is listed here with the values it accepts, so
//! the contract is written once and the synthetic generator writes the same
//! types it reads. Extra columns are ignored (sites add their own); a missing
//! column or a value outside the contract stops the run with an
//! [`ExportError`] naming the file, the line and the column, because a
//! silently skipped row would publish wrong figures.

use std::fmt;
use std::fs::File;
use std::io;
use std::path::Path;

use lead_data::published::Source;
use serde::{Deserialize, Deserializer, Serialize};

pub use crate::date::{Date, Month};

/// A failure to read an export. Each message is meant for the person who ran
/// the export, so it names the file, line and column to look at.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The file is missing or unreadable.
    #[error("cannot read {file}: {source}")]
    Open { file: String, source: io::Error },
    /// The header row lacks a column the contract requires.
    #[error("{file}: the header row has no `{column}` column (the file needs: {expected})")]
    MissingColumn {
        file: String,
        column: &'static str,
        expected: String,
    },
    /// A required column appears twice, so which one to read is ambiguous.
    #[error("{file}: the header row has the `{column}` column more than once")]
    DuplicateColumn { file: String, column: &'static str },
    /// A value is not one the contract allows for its column.
    #[error("{file}, line {line}, column `{column}`: {value:?} is not {expected}")]
    BadValue {
        file: String,
        line: u64,
        column: &'static str,
        value: String,
        expected: &'static str,
    },
    /// Each value is valid alone but the row contradicts itself.
    #[error("{file}, line {line}, column `{column}`: {message}")]
    Inconsistent {
        file: String,
        line: u64,
        column: &'static str,
        message: &'static str,
    },
    /// The line is not well-formed CSV (field count, encoding).
    #[error("{file}, line {line}: {message}")]
    Malformed { file: String, line: u64, message: String },
}

/// A column of the contract: its name, what it accepts (for messages) and
/// the check that locates a bad value when a row does not parse.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub expected: &'static str,
    pub accepts: fn(&str) -> bool,
    /// Whether an export may leave the column out (every value then reads
    /// as empty): for data no published table uses, which a site need not
    /// hand over at all.
    pub optional: bool,
}

const fn col(name: &'static str, expected: &'static str, accepts: fn(&str) -> bool) -> Column {
    Column {
        name,
        expected,
        accepts,
        optional: false,
    }
}

/// A column an export may leave out, or leave empty.
const fn optional_col(name: &'static str, expected: &'static str, accepts: fn(&str) -> bool) -> Column {
    Column {
        name,
        expected,
        accepts,
        optional: true,
    }
}

/// Where a left-out optional column is: nowhere, so it reads as empty.
const ABSENT: usize = usize::MAX;

fn is_key(s: &str) -> bool {
    Key::new(s).is_some()
}
fn is_slug(s: &str) -> bool {
    Slug::new(s).is_some()
}
fn is_optional_slug(s: &str) -> bool {
    s.is_empty() || is_slug(s)
}
fn is_date(s: &str) -> bool {
    s.parse::<Date>().is_ok()
}
fn is_optional_date(s: &str) -> bool {
    s.is_empty() || is_date(s)
}
fn is_month(s: &str) -> bool {
    s.parse::<Month>().is_ok()
}
fn is_u32(s: &str) -> bool {
    s.parse::<u32>().is_ok()
}
fn is_u64(s: &str) -> bool {
    s.parse::<u64>().is_ok()
}

/// An optional value: empty is `None`, anything else must parse.
fn optional<T>(s: &str, parse: impl FnOnce(&str) -> Option<T>) -> Option<Option<T>> {
    if s.is_empty() {
        Some(None)
    } else {
        parse(s).map(Some)
    }
}

fn date(s: &str) -> Option<Date> {
    s.parse().ok()
}

/// A whole number as rows have always been read (by the `csv` crate's serde
/// deserializer): decimal, or hexadecimal after `0x`.
fn whole(s: &str) -> Option<u64> {
    match s.strip_prefix("0x") {
        Some(digits) => u64::from_str_radix(digits, 16).ok(),
        None => s.parse().ok(),
    }
}

fn whole_u32(s: &str) -> Option<u32> {
    whole(s).and_then(|n| u32::try_from(n).ok())
}

/// A row type of one export file.
pub trait ExportRow: Sized {
    /// The file name inside the export directory.
    const FILE: &'static str;
    /// The required columns, in the order the generator writes them.
    const COLUMNS: &'static [Column];
    /// Builds a row from its required fields, or `None` if a value is
    /// outside the contract. The reader then names the first column whose
    /// [`Column::accepts`] refuses its value, so the two must agree.
    /// `recycled` is a row the caller is done with: its text buffers are
    /// reused, so a long file is read without allocating for every line.
    fn parse(fields: &Fields<'_>, recycled: Option<Self>) -> Option<Self>;
    /// Rules across columns; `Err((column, message))` names the column to fix.
    fn check(&self) -> Result<(), (&'static str, &'static str)> {
        Ok(())
    }
}

/// The required fields of one line, in [`ExportRow::COLUMNS`] order
/// whatever the file's own column order.
#[derive(Debug, Clone, Copy)]
pub struct Fields<'r> {
    record: &'r csv::StringRecord,
    /// Where each required column is in the record.
    positions: &'r [usize],
}

impl<'r> Fields<'r> {
    /// The value of the `i`th required column.
    pub fn get(&self, i: usize) -> &'r str {
        self.positions.get(i).and_then(|&p| self.record.get(p)).unwrap_or("")
    }

    /// The first `N` required values, to destructure by column name.
    pub fn array<const N: usize>(&self) -> [&'r str; N] {
        std::array::from_fn(|i| self.get(i))
    }
}

pub use lead_data::vocab::{Door, Outcome, OutcomeMeasure, RaceEthnicity, ReferrerType, Window};

lead_data::vocabulary!(
    Gender, "one of woman, man, nonbinary, unknown" {
        Woman = "woman", "Woman", "Mujer";
        Man = "man", "Man", "Hombre";
        Nonbinary = "nonbinary", "Nonbinary", "No binario";
        Unknown = "unknown", "Not recorded", "Sin registrar";
    }
);

lead_data::vocabulary!(
    AgeBand, "one of 18-24, 25-34, 35-44, 45-54, 55-64, 65+, unknown" {
        From18To24 = "18-24", "18 to 24", "18 a 24";
        From25To34 = "25-34", "25 to 34", "25 a 34";
        From35To44 = "35-44", "35 to 44", "35 a 44";
        From45To54 = "45-54", "45 to 54", "45 a 54";
        From55To64 = "55-64", "55 to 64", "55 a 64";
        From65 = "65+", "65 and over", "65 o más";
        Unknown = "unknown", "Not recorded", "Sin registrar";
    }
);

lead_data::vocabulary!(
    /// A participant's engagement status (empty in the export when not enrolled).
    Status, "one of active, inactive, discharged (or empty)" {
        Active = "active", "Active", "Activo";
        Inactive = "inactive", "Inactive", "Inactivo";
        Discharged = "discharged", "Discharged", "Dado de baja";
    }
);

lead_data::vocabulary!(
    /// Who answered a satisfaction survey.
    RespondentGroup, "one of participant, partner, community" {
        Participant = "participant", "Participants", "Participantes";
        Partner = "partner", "Staff of partner agencies", "Personal de las agencias asociadas";
        Community = "community", "Community members (businesses and residents)", "Miembros de la comunidad (negocios y vecinos)";
    }
);

/// `s` as a `String`, in `buffer`'s allocation if given (rows read one
/// after another reuse the text buffers of the row before).
fn copy_into(buffer: Option<String>, s: &str) -> String {
    let mut text = buffer.unwrap_or_default();
    text.clear();
    text.push_str(s);
    text
}

/// A lowercase identifier from the site's own lists (neighbourhoods,
/// priority tiers), which are policy and so not fixed in code.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Slug(String);

impl Slug {
    pub const EXPECTED: &'static str = "an identifier (a-z, 0-9 and _, at most 40 characters)";

    pub fn new(s: &str) -> Option<Slug> {
        Slug::reusing(s, None)
    }

    /// Like [`Slug::new`], in `old`'s allocation if given.
    fn reusing(s: &str, old: Option<Slug>) -> Option<Slug> {
        lead_data::vocab::is_identifier(s).then(|| Slug(copy_into(old.map(|o| o.0), s)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Slug {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Slug, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Slug::new(&s).ok_or_else(|| serde::de::Error::custom(Slug::EXPECTED))
    }
}

/// A pseudonymous key (referral, person, case manager): any non-empty text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Key(String);

impl Key {
    pub const EXPECTED: &'static str = "a non-empty key";

    pub fn new(s: &str) -> Option<Key> {
        Key::reusing(s, None)
    }

    /// Like [`Key::new`], in `old`'s allocation if given.
    fn reusing(s: &str, old: Option<Key>) -> Option<Key> {
        (!s.trim().is_empty()).then(|| Key(copy_into(old.map(|o| o.0), s)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Key, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Key::new(&s).ok_or_else(|| serde::de::Error::custom(Key::EXPECTED))
    }
}

const DATE: &str = "a date (YYYY-MM-DD)";
const OPTIONAL_DATE: &str = "a date (YYYY-MM-DD) or empty";
const MONTH: &str = "a month (YYYY-MM)";
const COUNT: &str = "a whole number (0 or more)";
const OPTIONAL_GENDER: &str = "one of woman, man, nonbinary, unknown, or empty";
const OPTIONAL_AGE_BAND: &str = "one of 18-24, 25-34, 35-44, 45-54, 55-64, 65+, unknown, or empty";

/// One row of `referrals.csv`: one referral through any door.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referral {
    pub referral_key: Key,
    pub person_key: Key,
    pub referral_date: Date,
    pub door: Door,
    pub referrer_type: ReferrerType,
    pub neighborhood: Slug,
    pub race_ethnicity: RaceEthnicity,
    /// Optional: no published table uses it (data minimization).
    pub gender: Option<Gender>,
    /// Optional: no published table uses it (data minimization).
    pub age_band: Option<AgeBand>,
    pub priority_tier: Option<Slug>,
    pub outcome: Outcome,
    pub intake_date: Option<Date>,
    pub roi_date: Option<Date>,
    pub enrolled_date: Option<Date>,
    pub status: Option<Status>,
    pub status_date: Option<Date>,
}

impl ExportRow for Referral {
    const FILE: &'static str = "referrals.csv";
    const COLUMNS: &'static [Column] = &[
        col("referral_key", Key::EXPECTED, is_key),
        col("person_key", Key::EXPECTED, is_key),
        col("referral_date", DATE, is_date),
        col("door", Door::EXPECTED, Door::accepts),
        col("referrer_type", ReferrerType::EXPECTED, ReferrerType::accepts),
        col("neighborhood", Slug::EXPECTED, is_slug),
        col("race_ethnicity", RaceEthnicity::EXPECTED, RaceEthnicity::accepts),
        optional_col("gender", OPTIONAL_GENDER, |s| s.is_empty() || Gender::accepts(s)),
        optional_col("age_band", OPTIONAL_AGE_BAND, |s| s.is_empty() || AgeBand::accepts(s)),
        col(
            "priority_tier",
            "an identifier (a-z, 0-9 and _) or empty",
            is_optional_slug,
        ),
        col("outcome", Outcome::EXPECTED, Outcome::accepts),
        col("intake_date", OPTIONAL_DATE, is_optional_date),
        col("roi_date", OPTIONAL_DATE, is_optional_date),
        col("enrolled_date", OPTIONAL_DATE, is_optional_date),
        col("status", Status::EXPECTED, |s| s.is_empty() || Status::accepts(s)),
        col("status_date", OPTIONAL_DATE, is_optional_date),
    ];

    fn parse(fields: &Fields<'_>, recycled: Option<Self>) -> Option<Self> {
        let [referral_key, person_key, referral_date, door, referrer_type, neighborhood, race_ethnicity, gender, age_band, priority_tier, outcome, intake_date, roi_date, enrolled_date, status, status_date] =
            fields.array();
        let (old_referral, old_person, old_neighborhood, old_tier) = match recycled {
            Some(r) => (
                Some(r.referral_key),
                Some(r.person_key),
                Some(r.neighborhood),
                r.priority_tier,
            ),
            None => (None, None, None, None),
        };
        Some(Referral {
            referral_key: Key::reusing(referral_key, old_referral)?,
            person_key: Key::reusing(person_key, old_person)?,
            referral_date: date(referral_date)?,
            door: Door::parse(door)?,
            referrer_type: ReferrerType::parse(referrer_type)?,
            neighborhood: Slug::reusing(neighborhood, old_neighborhood)?,
            race_ethnicity: RaceEthnicity::parse(race_ethnicity)?,
            gender: optional(gender, Gender::parse)?,
            age_band: optional(age_band, AgeBand::parse)?,
            priority_tier: optional(priority_tier, |s| Slug::reusing(s, old_tier))?,
            outcome: Outcome::parse(outcome)?,
            intake_date: optional(intake_date, date)?,
            roi_date: optional(roi_date, date)?,
            enrolled_date: optional(enrolled_date, date)?,
            status: optional(status, Status::parse)?,
            status_date: optional(status_date, date)?,
        })
    }

    fn check(&self) -> Result<(), (&'static str, &'static str)> {
        if self.door.is_police() && self.priority_tier.is_some() {
            return Err((
                "priority_tier",
                "must be empty for police doors (arrest_diversion, social_contact)",
            ));
        }
        // Days to intake are published; a negative delay would be a data
        // entry error that silently moves the median.
        if self.intake_date.is_some_and(|d| d < self.referral_date) {
            return Err(("intake_date", "is before referral_date"));
        }
        Ok(())
    }
}

/// A measure as `outcomes.csv` writes it: one the portal's own tables
/// read, or one the program declares in its content (`measures.toml`),
/// which the aggregation step looks up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutcomeCode {
    Portal(OutcomeMeasure),
    Site(Slug),
}

impl OutcomeCode {
    pub const EXPECTED: &'static str =
        "one of jail_bookings, ed_visits, housed, arrests, charges, jail_days, or a measure the program declares in measures.toml";

    pub fn as_str(&self) -> &str {
        match self {
            OutcomeCode::Portal(m) => m.as_str(),
            OutcomeCode::Site(code) => code.as_str(),
        }
    }

    fn accepts(s: &str) -> bool {
        OutcomeMeasure::accepts(s) || is_slug(s)
    }

    fn reusing(s: &str, old: Option<OutcomeCode>) -> Option<OutcomeCode> {
        match OutcomeMeasure::parse(s) {
            Some(m) => Some(OutcomeCode::Portal(m)),
            None => {
                let old = match old {
                    Some(OutcomeCode::Site(code)) => Some(code),
                    _ => None,
                };
                Slug::reusing(s, old).map(OutcomeCode::Site)
            }
        }
    }
}

impl From<OutcomeMeasure> for OutcomeCode {
    fn from(m: OutcomeMeasure) -> OutcomeCode {
        OutcomeCode::Portal(m)
    }
}

impl Serialize for OutcomeCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for OutcomeCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<OutcomeCode, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        OutcomeCode::reusing(&s, None).ok_or_else(|| serde::de::Error::custom(OutcomeCode::EXPECTED))
    }
}

/// One row of `outcomes.csv`: one measure for one person over one window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeRow {
    pub person_key: Key,
    pub measure: OutcomeCode,
    pub window: Window,
    pub value: u32,
}

impl ExportRow for OutcomeRow {
    const FILE: &'static str = "outcomes.csv";
    const COLUMNS: &'static [Column] = &[
        col("person_key", Key::EXPECTED, is_key),
        col("measure", OutcomeCode::EXPECTED, OutcomeCode::accepts),
        col("window", Window::EXPECTED, Window::accepts),
        col(
            "value",
            "a whole number (0 or 1 for housed, at most 366 for jail_days)",
            is_u32,
        ),
    ];

    fn parse(fields: &Fields<'_>, recycled: Option<Self>) -> Option<Self> {
        let [person_key, measure, window, value] = fields.array();
        let (key, code) = recycled.map_or((None, None), |r| (Some(r.person_key), Some(r.measure)));
        Some(OutcomeRow {
            person_key: Key::reusing(person_key, key)?,
            measure: OutcomeCode::reusing(measure, code)?,
            window: Window::parse(window)?,
            value: whole_u32(value)?,
        })
    }

    fn check(&self) -> Result<(), (&'static str, &'static str)> {
        match &self.measure {
            OutcomeCode::Portal(m) => check_outcome_value(Some(*m), self.value),
            // A declared measure's own rules (0 or 1 for yes or no) are
            // checked where the declarations are at hand, on aggregating.
            OutcomeCode::Site(_) => check_outcome_value(None, self.value),
        }
    }
}

/// An outcome's value as one window can hold it (outcomes.csv and
/// comparison.csv alike); `None` for a measure the program declares.
fn check_outcome_value(measure: Option<OutcomeMeasure>, value: u32) -> Result<(), (&'static str, &'static str)> {
    if measure == Some(OutcomeMeasure::Housed) && value > 1 {
        return Err(("value", "must be 0 or 1 for housed"));
    }
    if measure == Some(OutcomeMeasure::JailDays) && value > 366 {
        return Err(("value", "must be at most 366 days in one window"));
    }
    if value > u32::from(u16::MAX) {
        return Err(("value", "must be at most 65,535 in one window"));
    }
    Ok(())
}

/// One row of `caseloads.csv`: one case manager's caseload in one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Caseload {
    pub month: Month,
    pub case_manager_key: Key,
    pub active_caseload: u32,
}

impl ExportRow for Caseload {
    const FILE: &'static str = "caseloads.csv";
    const COLUMNS: &'static [Column] = &[
        col("month", MONTH, is_month),
        col("case_manager_key", Key::EXPECTED, is_key),
        col("active_caseload", COUNT, is_u32),
    ];

    fn parse(fields: &Fields<'_>, recycled: Option<Self>) -> Option<Self> {
        let [month, case_manager_key, active_caseload] = fields.array();
        Some(Caseload {
            month: month.parse().ok()?,
            case_manager_key: Key::reusing(case_manager_key, recycled.map(|r| r.case_manager_key))?,
            active_caseload: whole_u32(active_caseload)?,
        })
    }
}

/// One row of `arrests.csv` (police administrative data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Arrests {
    pub month: Month,
    pub neighborhood: Slug,
    pub race_ethnicity: RaceEthnicity,
    pub diversion_eligible_arrests: u32,
    pub booked: u32,
    /// How many of the arrests the prosecutor charged, if the program has
    /// it (the column may be left out, or a row left empty).
    pub charged: Option<u32>,
}

impl ExportRow for Arrests {
    const FILE: &'static str = "arrests.csv";
    const COLUMNS: &'static [Column] = &[
        col("month", MONTH, is_month),
        col("neighborhood", Slug::EXPECTED, is_slug),
        col("race_ethnicity", RaceEthnicity::EXPECTED, RaceEthnicity::accepts),
        col("diversion_eligible_arrests", COUNT, is_u32),
        col("booked", COUNT, is_u32),
        optional_col("charged", "a whole number (0 or more), or empty if not known", |s| {
            s.is_empty() || is_u32(s)
        }),
    ];

    fn parse(fields: &Fields<'_>, recycled: Option<Self>) -> Option<Self> {
        let [month, neighborhood, race_ethnicity, diversion_eligible_arrests, booked, charged] = fields.array();
        Some(Arrests {
            month: month.parse().ok()?,
            neighborhood: Slug::reusing(neighborhood, recycled.map(|r| r.neighborhood))?,
            race_ethnicity: RaceEthnicity::parse(race_ethnicity)?,
            diversion_eligible_arrests: whole_u32(diversion_eligible_arrests)?,
            booked: whole_u32(booked)?,
            charged: optional(charged, whole_u32)?,
        })
    }

    fn check(&self) -> Result<(), (&'static str, &'static str)> {
        if self.booked > self.diversion_eligible_arrests {
            return Err(("booked", "is more than diversion_eligible_arrests"));
        }
        if self.charged.is_some_and(|c| c > self.diversion_eligible_arrests) {
            return Err(("charged", "is more than diversion_eligible_arrests"));
        }
        Ok(())
    }
}

/// One row of `surveys.csv` (optional): how many of one respondent group
/// answered a satisfaction survey in a month, and how many of them said
/// they were satisfied. Counted, not averaged, so that a survey of few
/// people is suppressed like any small count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyRow {
    pub month: Month,
    pub respondent_group: RespondentGroup,
    pub respondents: u32,
    pub satisfied: u32,
}

impl ExportRow for SurveyRow {
    const FILE: &'static str = "surveys.csv";
    const COLUMNS: &'static [Column] = &[
        col("month", MONTH, is_month),
        col("respondent_group", RespondentGroup::EXPECTED, RespondentGroup::accepts),
        col("respondents", COUNT, is_u32),
        col("satisfied", COUNT, is_u32),
    ];

    fn parse(fields: &Fields<'_>, _recycled: Option<Self>) -> Option<Self> {
        let [month, respondent_group, respondents, satisfied] = fields.array();
        Some(SurveyRow {
            month: month.parse().ok()?,
            respondent_group: RespondentGroup::parse(respondent_group)?,
            respondents: whole_u32(respondents)?,
            satisfied: whole_u32(satisfied)?,
        })
    }

    fn check(&self) -> Result<(), (&'static str, &'static str)> {
        if self.satisfied > self.respondents {
            return Err(("satisfied", "is more than respondents"));
        }
        Ok(())
    }
}

/// One row of `comparison.csv` (optional): an outcome of one person in a
/// comparison group of similar people outside LEAD, drawn from
/// administrative data, around an index month standing in for enrollment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComparisonRow {
    pub person_key: Key,
    pub index_month: Month,
    pub measure: OutcomeMeasure,
    pub window: Window,
    pub value: u32,
}

impl ExportRow for ComparisonRow {
    const FILE: &'static str = "comparison.csv";
    const COLUMNS: &'static [Column] = &[
        col("person_key", Key::EXPECTED, is_key),
        col("index_month", MONTH, is_month),
        col("measure", OutcomeMeasure::EXPECTED, OutcomeMeasure::accepts),
        col("window", Window::EXPECTED, Window::accepts),
        col(
            "value",
            "a whole number (0 or 1 for housed, at most 366 for jail_days)",
            is_u32,
        ),
    ];

    fn parse(fields: &Fields<'_>, recycled: Option<Self>) -> Option<Self> {
        let [person_key, index_month, measure, window, value] = fields.array();
        Some(ComparisonRow {
            person_key: Key::reusing(person_key, recycled.map(|r| r.person_key))?,
            index_month: index_month.parse().ok()?,
            measure: OutcomeMeasure::parse(measure)?,
            window: Window::parse(window)?,
            value: whole_u32(value)?,
        })
    }

    fn check(&self) -> Result<(), (&'static str, &'static str)> {
        check_outcome_value(Some(self.measure), self.value)
    }
}

/// One row of `population.csv` (census baseline).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Population {
    pub neighborhood: Slug,
    pub race_ethnicity: RaceEthnicity,
    pub population: u64,
}

impl ExportRow for Population {
    const FILE: &'static str = "population.csv";
    const COLUMNS: &'static [Column] = &[
        col("neighborhood", Slug::EXPECTED, is_slug),
        col("race_ethnicity", RaceEthnicity::EXPECTED, RaceEthnicity::accepts),
        col("population", COUNT, is_u64),
    ];

    fn parse(fields: &Fields<'_>, recycled: Option<Self>) -> Option<Self> {
        let [neighborhood, race_ethnicity, population] = fields.array();
        Some(Population {
            neighborhood: Slug::reusing(neighborhood, recycled.map(|r| r.neighborhood))?,
            race_ethnicity: RaceEthnicity::parse(race_ethnicity)?,
            population: whole(population)?,
        })
    }
}

/// Typed rows of one export file, read lazily so a 1,000,000-row export is
/// never held as text. Each line is read into one reused record and its
/// required fields parsed straight from it.
///
/// As an [`Iterator`] it yields owned rows; [`LendRows::next_row`] lends
/// each row instead and reuses its buffers for the next, which is what the
/// aggregation reads long files with.
pub struct Rows<T, R: io::Read> {
    file: String,
    reader: csv::Reader<R>,
    /// Where each of `T::COLUMNS` is in the header row.
    positions: Vec<usize>,
    record: csv::StringRecord,
    /// The row last lent by `next_row`.
    lent: Option<T>,
}

/// Rows read one at a time, each lent until the next is read, so that one
/// row's buffers can serve a whole file.
pub trait LendRows<T> {
    /// The next row, or `None` after the last.
    fn next_row(&mut self) -> Option<Result<&T, ExportError>>;
    /// The line of the file the row last lent was on, for a rule checked
    /// after reading (a header makes the first row line 2).
    fn line(&self) -> u64;
}

/// Lends the rows of any iterator of rows (rows built in memory, tests).
#[derive(Debug)]
pub(crate) struct Lend<I, T> {
    rows: I,
    lent: Option<T>,
    /// Rows lent so far.
    count: u64,
}

impl<I, T> Lend<I, T> {
    pub(crate) fn new(rows: I) -> Self {
        Lend {
            rows,
            lent: None,
            count: 0,
        }
    }
}

impl<T, I: Iterator<Item = Result<T, ExportError>>> LendRows<T> for Lend<I, T> {
    fn line(&self) -> u64 {
        self.count + 1
    }

    fn next_row(&mut self) -> Option<Result<&T, ExportError>> {
        self.count += 1;
        match self.rows.next()? {
            Ok(row) => Some(Ok(self.lent.insert(row))),
            Err(e) => Some(Err(e)),
        }
    }
}

/// The file that marks an export as synthetic, written by `synth-export`;
/// its text says how the export was made. A program's own export never
/// has one, so figures aggregated from it are recorded as synthetic.
pub const SYNTHETIC_MARKER: &str = "SYNTHETIC.txt";

/// The files of an export, in the order they are read.
pub const FILES: [&str; 5] = [
    Referral::FILE,
    OutcomeRow::FILE,
    Caseload::FILE,
    Arrests::FILE,
    Population::FILE,
];

/// Files an export may leave out: the figures they give are then not
/// reported, and the pages say so.
pub const OPTIONAL_FILES: [&str; 2] = [SurveyRow::FILE, ComparisonRow::FILE];

/// Opens an optional file if the export has it.
pub fn read_optional<T: ExportRow>(dir: &Path) -> Result<Option<Rows<T, io::BufReader<File>>>, ExportError> {
    if dir.join(T::FILE).exists() {
        read(dir).map(Some)
    } else {
        Ok(None)
    }
}

/// Where the export in `dir` came from: synthetic if it carries the
/// [`SYNTHETIC_MARKER`], otherwise the program's own, identified by the
/// SHA-256 of each of its files (`description` says what it is in words).
pub fn source_of(dir: &Path, description: &str) -> Result<Source, ExportError> {
    use sha2::{Digest, Sha256};
    let open_error = |path: &Path| {
        let file = path.display().to_string();
        move |source| ExportError::Open { file, source }
    };
    let marker = dir.join(SYNTHETIC_MARKER);
    if marker.exists() {
        let text = std::fs::read_to_string(&marker).map_err(open_error(&marker))?;
        return Ok(Source::Synthetic {
            description: text.trim().to_owned(),
        });
    }
    let mut files = std::collections::BTreeMap::new();
    let optional = OPTIONAL_FILES.into_iter().filter(|name| dir.join(name).exists());
    for name in FILES.into_iter().chain(optional) {
        let path = dir.join(name);
        let mut file = File::open(&path).map_err(open_error(&path))?;
        let mut hasher = Sha256::new();
        io::copy(&mut file, &mut hasher).map_err(open_error(&path))?;
        let hex = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
        files.insert(name.to_owned(), hex);
    }
    Ok(Source::Export {
        description: description.to_owned(),
        files,
    })
}

/// Opens `<dir>/<T::FILE>` and checks its header row.
pub fn read<T: ExportRow>(dir: &Path) -> Result<Rows<T, io::BufReader<File>>, ExportError> {
    let path = dir.join(T::FILE);
    let name = path.display().to_string();
    let file = File::open(&path).map_err(|source| ExportError::Open {
        file: name.clone(),
        source,
    })?;
    Rows::new(name, io::BufReader::with_capacity(1 << 20, file))
}

/// Reads rows from any reader; `file` is the name used in errors.
pub fn read_from<T: ExportRow, R: io::Read>(file: impl Into<String>, input: R) -> Result<Rows<T, R>, ExportError> {
    Rows::new(file.into(), input)
}

impl<T: ExportRow, R: io::Read> Rows<T, R> {
    fn new(file: String, input: R) -> Result<Self, ExportError> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            // As large as the buffer of `read`'s file, which then passes
            // reads straight through rather than copying them.
            .buffer_capacity(1 << 20)
            .from_reader(input);
        // Headers are matched trimmed.
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| malformed(&file, &e))?
            .iter()
            .map(|h| h.trim().to_owned())
            .collect();
        let mut positions = Vec::with_capacity(T::COLUMNS.len());
        for column in T::COLUMNS {
            let mut found = headers.iter().enumerate().filter(|(_, h)| *h == column.name);
            match (found.next(), found.next()) {
                (None, _) if column.optional => positions.push(ABSENT),
                (None, _) => {
                    return Err(ExportError::MissingColumn {
                        file,
                        column: column.name,
                        expected: T::COLUMNS
                            .iter()
                            .filter(|c| !c.optional)
                            .map(|c| c.name)
                            .collect::<Vec<_>>()
                            .join(", "),
                    })
                }
                (Some((i, _)), None) => positions.push(i),
                (Some(_), Some(_)) => {
                    return Err(ExportError::DuplicateColumn {
                        file,
                        column: column.name,
                    })
                }
            }
        }
        Ok(Rows {
            file,
            reader,
            positions,
            record: csv::StringRecord::new(),
            lent: None,
        })
    }

    /// Reads and checks the next line, reusing `recycled`'s buffers.
    fn parse_next(&mut self, recycled: Option<T>) -> Option<Result<T, ExportError>> {
        match self.reader.read_record(&mut self.record) {
            Ok(false) => return None,
            Ok(true) => {}
            Err(e) => return Some(Err(malformed(&self.file, &e))),
        }
        let Some(row) = T::parse(&self.fields(), recycled) else {
            return Some(Err(self.bad_value()));
        };
        Some(match row.check() {
            Ok(()) => Ok(row),
            Err((column, message)) => Err(ExportError::Inconsistent {
                file: self.file.clone(),
                line: self.line(),
                column,
                message,
            }),
        })
    }

    fn line(&self) -> u64 {
        self.record.position().map_or(0, csv::Position::line)
    }

    fn fields(&self) -> Fields<'_> {
        Fields {
            record: &self.record,
            positions: &self.positions,
        }
    }

    /// Names the column whose value the row did not parse: each column's
    /// check is run in contract order and the first that fails is named.
    fn bad_value(&self) -> ExportError {
        let line = self.line();
        let fields = self.fields();
        for (i, column) in T::COLUMNS.iter().enumerate() {
            let value = fields.get(i);
            if !(column.accepts)(value) {
                return ExportError::BadValue {
                    file: self.file.clone(),
                    line,
                    column: column.name,
                    value: value.to_owned(),
                    expected: column.expected,
                };
            }
        }
        ExportError::Malformed {
            file: self.file.clone(),
            line,
            message: "does not match the export contract".to_owned(),
        }
    }
}

fn malformed(file: &str, error: &csv::Error) -> ExportError {
    let line = error.position().map_or(0, csv::Position::line);
    let message = match error.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("has {len} fields but the header row has {expected_len}")
        }
        csv::ErrorKind::Utf8 { .. } => "is not valid UTF-8".to_owned(),
        _ => error.to_string(),
    };
    ExportError::Malformed {
        file: file.to_owned(),
        line,
        message,
    }
}

impl<T: ExportRow, R: io::Read> Iterator for Rows<T, R> {
    type Item = Result<T, ExportError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.parse_next(None)
    }
}

impl<T: ExportRow, R: io::Read> LendRows<T> for Rows<T, R> {
    fn line(&self) -> u64 {
        Rows::line(self)
    }

    fn next_row(&mut self) -> Option<Result<&T, ExportError>> {
        let recycled = self.lent.take();
        match self.parse_next(recycled)? {
            Ok(row) => Some(Ok(self.lent.insert(row))),
            Err(e) => Some(Err(e)),
        }
    }
}

/// Writes rows in contract column order, with a header row.
pub fn write<T: ExportRow + Serialize, W: io::Write>(
    out: W,
    rows: impl IntoIterator<Item = T>,
) -> Result<(), csv::Error> {
    let mut writer = csv::Writer::from_writer(out);
    for row in rows {
        writer.serialize(row)?;
    }
    writer.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "referral_key,person_key,referral_date,door,referrer_type,neighborhood,race_ethnicity,gender,age_band,priority_tier,outcome,intake_date,roi_date,enrolled_date,status,status_date";
    const GOOD: &str = "r1,p1,2025-03-04,community,business,downtown,black,man,25-34,priority,enrolled,2025-03-10,2025-03-12,2025-03-15,active,2025-04-01";

    fn referrals(text: &str) -> Vec<Result<Referral, ExportError>> {
        match read_from::<Referral, _>("referrals.csv", text.as_bytes()) {
            Ok(rows) => rows.collect(),
            Err(e) => vec![Err(e)],
        }
    }

    /// The README's example of comparison.csv reads as documented.
    #[test]
    fn the_readme_example_of_comparison_reads() {
        let readme = include_str!("../../../README.md");
        let start = readme
            .find("person_key,index_month,measure,window,value")
            .expect("the README shows comparison.csv");
        let example = &readme[start..start + readme[start..].find("```").expect("the example ends")];
        let rows: Vec<ComparisonRow> = read_from::<ComparisonRow, _>("comparison.csv", example.as_bytes())
            .expect("header")
            .collect::<Result<_, _>>()
            .expect("every row reads");
        assert_eq!(rows.len(), 4);
    }

    /// The README's example of surveys.csv reads as documented.
    #[test]
    fn the_readme_example_of_surveys_reads() {
        let readme = include_str!("../../../README.md");
        let start = readme
            .find("month,respondent_group,respondents,satisfied")
            .expect("the README shows surveys.csv");
        let example = &readme[start..start + readme[start..].find("```").expect("the example ends")];
        let rows: Vec<SurveyRow> = read_from::<SurveyRow, _>("surveys.csv", example.as_bytes())
            .expect("header")
            .collect::<Result<_, _>>()
            .expect("every row reads");
        assert_eq!(rows.len(), 3);
        assert!(matches!(
            read_from::<SurveyRow, _>(
                "surveys.csv",
                "month,respondent_group,respondents,satisfied\n2025-03,partner,4,5\n".as_bytes()
            )
            .expect("header")
            .next(),
            Some(Err(ExportError::Inconsistent {
                column: "satisfied",
                ..
            }))
        ));
    }

    /// The README's example of outcomes.csv reads as documented, the
    /// legal-system measures with it.
    #[test]
    fn the_readme_example_of_outcomes_reads() {
        let readme = include_str!("../../../README.md");
        let start = readme
            .find("person_key,measure,window,value")
            .expect("the README shows outcomes.csv");
        let example = &readme[start..start + readme[start..].find("```").expect("the example ends")];
        let rows: Vec<OutcomeRow> = read_from::<OutcomeRow, _>("outcomes.csv", example.as_bytes())
            .expect("header")
            .collect::<Result<_, _>>()
            .expect("every row reads");
        assert_eq!(rows.len(), 10);
        assert!(rows
            .iter()
            .any(|r| r.measure == OutcomeMeasure::JailDays.into() && r.window == Window::Pre12m && r.value == 14));
        // The program's own measures are those the demo content declares,
        // in windows it names, as the README's example of measures.toml is.
        let declared = crate::declared::read(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../intake/measures.toml"
        )))
        .expect("the demo content's measures");
        let own: Vec<&OutcomeRow> = rows
            .iter()
            .filter(|r| matches!(r.measure, OutcomeCode::Site(_)))
            .collect();
        assert_eq!(own.len(), 3);
        for row in own {
            let measure = declared.get(row.measure.as_str()).expect("declared");
            assert!(measure.windows.contains(&row.window), "{row:?}");
        }
        let start = readme.find("[[measure]]").expect("the README shows measures.toml");
        let example = &readme[start..start + readme[start..].find("```").expect("the example ends")];
        let example: lead_data::measures::SiteMeasures = toml::from_str(example).expect("the example reads");
        assert_eq!(example.problems(), Vec::<String>::new());
        assert_eq!(example.measure[0].code, "health_coverage");
    }

    #[test]
    fn reads_a_valid_row_with_extra_columns_ignored() {
        let text = format!("site_note,{HEADER}\nhello,{GOOD}\n");
        let rows = referrals(&text);
        assert_eq!(rows.len(), 1);
        let row = rows[0].as_ref().expect("valid row");
        assert_eq!(row.door, Door::Community);
        assert_eq!(row.age_band, Some(AgeBand::From25To34));
        assert_eq!(row.priority_tier.as_ref().map(Slug::as_str), Some("priority"));
        assert_eq!(row.intake_date, Date::new(2025, 3, 10));
    }

    #[test]
    fn empty_optional_columns_read_as_none() {
        let row = "r2,p2,2025-03-04,arrest_diversion,police,downtown,white,woman,65+,,pending,,,,,";
        let rows = referrals(&format!("{HEADER}\n{row}\n"));
        let row = rows[0].as_ref().expect("valid row");
        assert_eq!(
            (row.priority_tier.as_ref(), row.status, row.intake_date),
            (None, None, None)
        );
    }

    /// Replaces the value of `column` in the good row.
    fn with(column: &str, value: &str) -> String {
        let names: Vec<&str> = HEADER.split(',').collect();
        let mut values: Vec<&str> = GOOD.split(',').collect();
        let i = names.iter().position(|n| *n == column).expect("known column");
        values[i] = value;
        format!("{HEADER}\n{GOOD}\n{}\n", values.join(","))
    }

    #[test]
    fn a_malformed_value_names_file_line_and_column() {
        let cases = [
            ("door", "walk_in", "door"),
            ("referral_date", "2025-02-30", "referral_date"),
            ("referral_date", "", "referral_date"),
            ("referrer_type", "Police", "referrer_type"),
            ("race_ethnicity", "latino", "race_ethnicity"),
            ("gender", "m", "gender"),
            ("age_band", "18-25", "age_band"),
            ("outcome", "done", "outcome"),
            ("intake_date", "10/03/2025", "intake_date"),
            ("status", "gone", "status"),
            ("neighborhood", "North Hill", "neighborhood"),
            ("priority_tier", "High!", "priority_tier"),
            ("person_key", "", "person_key"),
        ];
        for (column, value, named) in cases {
            let rows = referrals(&with(column, value));
            assert!(rows[0].is_ok(), "{column}: first row is valid");
            match &rows[1] {
                Err(ExportError::BadValue {
                    file,
                    line,
                    column: c,
                    value: v,
                    ..
                }) => {
                    assert_eq!(
                        (file.as_str(), *line, *c, v.as_str()),
                        ("referrals.csv", 3, named, value),
                        "{column}"
                    );
                }
                other => panic!("{column}={value:?}: expected BadValue, got {other:?}"),
            }
            let message = rows[1].as_ref().err().map(ToString::to_string).unwrap_or_default();
            assert!(
                message.starts_with(&format!("referrals.csv, line 3, column `{named}`")),
                "{message}"
            );
        }
    }

    #[test]
    fn gender_and_age_band_may_be_left_out_or_empty() {
        let header = HEADER.replace(",gender,age_band,", ",");
        let row = GOOD.replace(",man,25-34,", ",");
        let rows = referrals(&format!("{header}\n{row}\n"));
        let read = rows[0].as_ref().expect("a row without gender and age band");
        assert_eq!((read.gender, read.age_band), (None, None));
        assert_eq!(read.door, Door::Community);
        let empty = GOOD.replace(",man,25-34,", ",,,");
        let rows = referrals(&format!("{HEADER}\n{empty}\n"));
        let read = rows[0].as_ref().expect("a row with both empty");
        assert_eq!((read.gender, read.age_band), (None, None));
        // A value given must still be one of the vocabulary's.
        let wrong = GOOD.replace(",man,", ",m,");
        match referrals(&format!("{HEADER}\n{wrong}\n")).remove(0) {
            Err(ExportError::BadValue { column, .. }) => assert_eq!(column, "gender"),
            other => panic!("expected BadValue for gender, got {other:?}"),
        }
    }

    #[test]
    fn a_missing_or_duplicate_column_is_named() {
        let without_door = HEADER.replace(",door,", ",");
        match referrals(&format!("{without_door}\n")).remove(0) {
            Err(ExportError::MissingColumn { file, column, .. }) => {
                assert_eq!((file.as_str(), column), ("referrals.csv", "door"))
            }
            other => panic!("expected MissingColumn, got {other:?}"),
        }
        match referrals("").remove(0) {
            Err(ExportError::MissingColumn { column, .. }) => assert_eq!(column, "referral_key"),
            other => panic!("expected MissingColumn, got {other:?}"),
        }
        match referrals(&format!("{HEADER},door\n")).remove(0) {
            Err(ExportError::DuplicateColumn { column, .. }) => assert_eq!(column, "door"),
            other => panic!("expected DuplicateColumn, got {other:?}"),
        }
    }

    #[test]
    fn contradictory_rows_name_the_column_to_fix() {
        let cases = [
            (
                GOOD.replace("community,business", "arrest_diversion,police"),
                "priority_tier",
            ),
            (GOOD.replace("2025-03-10", "2025-03-01"), "intake_date"),
        ];
        for (row, column) in cases {
            match referrals(&format!("{HEADER}\n{row}\n")).remove(0) {
                Err(ExportError::Inconsistent { line, column: c, .. }) => assert_eq!((line, c), (2, column)),
                other => panic!("expected Inconsistent for {column}, got {other:?}"),
            }
        }
    }

    #[test]
    fn a_short_line_is_malformed() {
        match referrals(&format!("{HEADER}\nr1,p1\n")).remove(0) {
            Err(ExportError::Malformed { line, message, .. }) => {
                assert_eq!(line, 2);
                assert!(message.contains("2 fields"), "{message}");
            }
            other => panic!("expected Malformed, got {other:?}"),
        }
    }

    #[test]
    fn the_other_files_check_their_columns_and_values() {
        fn first<T: ExportRow>(text: &str) -> Result<T, ExportError> {
            read_from::<T, _>(T::FILE, text.as_bytes())?
                .next()
                .unwrap_or_else(|| panic!("one row"))
        }
        assert!(first::<OutcomeRow>("person_key,measure,window,value\np1,housed,post_6m,1\n").is_ok());
        assert!(matches!(
            first::<OutcomeRow>("person_key,measure,window,value\np1,housed,post_6m,2\n"),
            Err(ExportError::Inconsistent { column: "value", .. })
        ));
        // Days in jail fit in a year; no count in one window passes 65,535.
        assert!(first::<OutcomeRow>("person_key,measure,window,value\np1,jail_days,pre_12m,366\n").is_ok());
        for bad in ["p1,jail_days,post_12m,367", "p1,arrests,pre_12m,70000"] {
            assert!(matches!(
                first::<OutcomeRow>(&format!("person_key,measure,window,value\n{bad}\n")),
                Err(ExportError::Inconsistent { column: "value", .. })
            ));
        }
        assert!(matches!(
            first::<OutcomeRow>("person_key,measure,window,value\np1,ed_visits,post_24m,2\n"),
            Err(ExportError::BadValue { column: "window", .. })
        ));
        assert!(matches!(
            first::<OutcomeRow>("person_key,measure,window,value\np1,ed_visits,post_6m,-1\n"),
            Err(ExportError::BadValue { column: "value", .. })
        ));
        assert!(matches!(
            first::<Caseload>("month,case_manager_key,active_caseload\n2025-3,cm1,12\n"),
            Err(ExportError::BadValue {
                column: "month",
                line: 2,
                ..
            })
        ));
        assert!(matches!(
            first::<Caseload>("month,active_caseload\n2025-03,12\n"),
            Err(ExportError::MissingColumn {
                column: "case_manager_key",
                ..
            })
        ));
        assert!(matches!(
            first::<Arrests>(
                "month,neighborhood,race_ethnicity,diversion_eligible_arrests,booked\n2025-03,downtown,asian,3,4\n"
            ),
            Err(ExportError::Inconsistent { column: "booked", .. })
        ));
        // Charging is optional: left out, or empty, it is not known.
        let header = "month,neighborhood,race_ethnicity,diversion_eligible_arrests,booked";
        let without = first::<Arrests>(&format!("{header}\n2025-03,downtown,asian,4,3\n")).expect("no charged column");
        assert_eq!(without.charged, None);
        let known = first::<Arrests>(&format!("{header},charged\n2025-03,downtown,asian,4,3,2\n")).expect("charged");
        assert_eq!(known.charged, Some(2));
        let empty = first::<Arrests>(&format!("{header},charged\n2025-03,downtown,asian,4,3,\n")).expect("empty");
        assert_eq!(empty.charged, None);
        assert!(matches!(
            first::<Arrests>(&format!("{header},charged\n2025-03,downtown,asian,4,3,5\n")),
            Err(ExportError::Inconsistent { column: "charged", .. })
        ));
        assert!(matches!(
            first::<Population>("neighborhood,race_ethnicity,population\ndowntown,asian,many\n"),
            Err(ExportError::BadValue {
                column: "population",
                ..
            })
        ));
        assert!(first::<Population>("population,race_ethnicity,neighborhood\n120,asian,downtown\n").is_ok());
    }

    #[test]
    fn lent_rows_reuse_buffers_and_read_as_owned_rows() {
        let police = "r2,p2,2025-03-04,arrest_diversion,police,downtown,white,woman,65+,,pending,,,,,";
        let text = format!("{HEADER}\n{GOOD}\n{police}\n{GOOD}\n{}\n", GOOD.replace("r1,p1", "r3,"));
        let owned = referrals(&text);
        let mut rows = read_from::<Referral, _>("referrals.csv", text.as_bytes()).expect("header");
        let mut lent = Vec::new();
        while let Some(row) = rows.next_row() {
            lent.push(row.cloned());
        }
        assert_eq!(lent.len(), 4);
        for (lent, owned) in lent.iter().zip(&owned) {
            match (lent, owned) {
                (Ok(a), Ok(b)) => assert_eq!(a, b),
                (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
                other => panic!("lent and owned rows differ: {other:?}"),
            }
        }
        assert!(matches!(
            &lent[3],
            Err(ExportError::BadValue {
                line: 5,
                column: "person_key",
                ..
            })
        ));
    }

    #[test]
    fn whole_numbers_read_as_the_serde_reader_did() {
        // Decimal, with an optional `+`, or hexadecimal after `0x`.
        for (text, value) in [
            ("12", Some(12)),
            ("+7", Some(7)),
            ("0x1f", Some(31)),
            ("-1", None),
            ("0x", None),
        ] {
            assert_eq!(whole(text), value, "{text}");
        }
        assert_eq!(whole_u32("4294967296"), None);
    }

    #[test]
    fn written_rows_read_back_identically() {
        let rows = referrals(&format!("{HEADER}\n{GOOD}\n"));
        let row = rows.into_iter().next().and_then(Result::ok).expect("valid");
        let mut out = Vec::new();
        write(&mut out, [row.clone()]).expect("write to memory");
        let again = read_from::<Referral, _>("x", out.as_slice()).expect("header").next();
        assert_eq!(again.and_then(Result::ok), Some(row));
    }
}
