//! Seeded synthetic exports: realistic but invented data in the exact
//! export contract, for the demo dashboards, tests and benchmarks.
//!
//! No real data ever enters the repository, so the pipeline is exercised on
//! exports this module makes up. The rates are plausible rather than sourced:
//! most referrals come from police (arrest diversion, social contact), the
//! community door is split between businesses, residents and partner
//! organisations with a priority tier; most intakes happen within 30 days;
//! volume follows a seasonal curve with slow growth; Black and Native
//! American people are over-represented among diversion-eligible arrests
//! against the census baseline, less often diverted than arrested and, of
//! the arrests not diverted, more often booked into jail; and a
//! tiny neighbourhood (`harbor_point`) and rare categories produce the small
//! cells the suppression step must hide.
//!
//! The generator uses its own PCG32 so a seed gives the same export on every
//! platform and with every dependency version (rand's `StdRng` does not
//! promise that across releases).

use std::fs::{self, File};
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};

use crate::date::{Date, Month};
use crate::export::{
    AgeBand, Arrests, Caseload, ComparisonRow, Door, ExportRow, Gender, Key, Outcome, OutcomeCode, OutcomeMeasure,
    OutcomeRow, Population, RaceEthnicity, Referral, ReferrerType, RespondentGroup, Slug, Status, SurveyRow, Window,
    SYNTHETIC_MARKER,
};
use lead_data::measures::{SiteKind, SiteMeasures};

/// A failure to write a synthetic export.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    #[error("cannot write {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("cannot write {path}: {source}")]
    Csv { path: PathBuf, source: csv::Error },
    #[error("the export must cover at least one month")]
    NoMonths,
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct SynthConfig {
    pub referrals: u64,
    pub seed: u64,
    /// First month covered.
    pub start: Month,
    /// Number of months covered.
    pub months: u32,
    /// The outcome measures of the program's content, written for the
    /// participants beside the portal's own.
    pub declared: SiteMeasures,
    /// The priority tiers of the program's policy, from the highest; the
    /// lowest is the one referrals are waitlisted from.
    pub tiers: Vec<String>,
}

impl SynthConfig {
    pub fn new(referrals: u64, seed: u64) -> SynthConfig {
        SynthConfig {
            referrals,
            seed,
            start: Month::new(2023, 1).unwrap_or_else(|| unreachable!("a valid month")),
            months: 36,
            declared: SiteMeasures::default(),
            tiers: ["priority", "standard", "waitlist"].map(String::from).to_vec(),
        }
    }
}

/// Rows written to each file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SynthSummary {
    pub referrals: u64,
    pub outcomes: u64,
    pub caseloads: u64,
    pub arrests: u64,
    pub population: u64,
    pub surveys: u64,
    pub comparison: u64,
}

/// PCG-XSH-RR 32: small, fast and fully specified, so exports are
/// reproducible from a seed forever.
#[derive(Debug, Clone)]
pub struct Pcg32 {
    state: u64,
    inc: u64,
}

impl Pcg32 {
    const MULTIPLIER: u64 = 6_364_136_223_846_793_005;

    pub fn new(seed: u64, stream: u64) -> Pcg32 {
        let mut rng = Pcg32 {
            state: 0,
            inc: (stream << 1) | 1,
        };
        rng.next_u32();
        rng.state = rng.state.wrapping_add(seed);
        rng.next_u32();
        rng
    }

    pub fn next_u32(&mut self) -> u32 {
        let old = self.state;
        self.state = old.wrapping_mul(Self::MULTIPLIER).wrapping_add(self.inc);
        let xorshifted = (((old >> 18) ^ old) >> 27) as u32;
        xorshifted.rotate_right((old >> 59) as u32)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        let hi = u64::from(self.next_u32()) << 21;
        let lo = u64::from(self.next_u32()) >> 11;
        ((hi | lo) as f64) / ((1u64 << 53) as f64)
    }

    /// Uniform in 0..n (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.unit() * n as f64) as u64).min(n.saturating_sub(1))
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Exponential with the given mean.
    pub fn exponential(&mut self, mean: f64) -> f64 {
        -mean * (1.0 - self.unit()).ln()
    }

    /// Poisson (Knuth; fine for the small means used here).
    pub fn poisson(&mut self, mean: f64) -> u32 {
        let limit = (-mean).exp();
        let mut product = self.unit();
        let mut k = 0;
        while product > limit && k < 1000 {
            product *= self.unit();
            k += 1;
        }
        k
    }

    /// Approximately normal count with the given mean (for large cells).
    pub fn count_near(&mut self, mean: f64) -> u32 {
        if mean < 30.0 {
            return self.poisson(mean);
        }
        let normal: f64 = (0..12).map(|_| self.unit()).sum::<f64>() - 6.0;
        (mean + normal * mean.sqrt()).round().max(0.0) as u32
    }
}

/// A categorical distribution with precomputed cumulative weights.
struct Weighted<T: Copy> {
    items: Vec<T>,
    cumulative: Vec<f64>,
}

impl<T: Copy> Weighted<T> {
    fn new(pairs: &[(T, f64)]) -> Weighted<T> {
        let total: f64 = pairs.iter().map(|p| p.1).sum();
        let mut acc = 0.0;
        let cumulative = pairs
            .iter()
            .map(|p| {
                acc += p.1 / total;
                acc
            })
            .collect();
        Weighted {
            items: pairs.iter().map(|p| p.0).collect(),
            cumulative,
        }
    }

    fn sample(&self, rng: &mut Pcg32) -> T {
        let u = rng.unit();
        let i = self.cumulative.partition_point(|c| *c <= u).min(self.items.len() - 1);
        self.items[i]
    }
}

use RaceEthnicity as R;

/// Neighbourhoods: (id, share of referrals, population). `harbor_point` is
/// deliberately tiny so its cells must be suppressed.
const NEIGHBORHOODS: [(&str, f64, f64); 5] = [
    ("downtown", 0.42, 60_000.0),
    ("riverside", 0.25, 45_000.0),
    ("north_hill", 0.18, 38_000.0),
    ("eastgate", 0.1494, 30_000.0),
    ("harbor_point", 0.0006, 1_200.0),
];

const POPULATION_RACE: [(R, f64); 8] = [
    (R::White, 0.56),
    (R::Black, 0.12),
    (R::HispanicLatino, 0.17),
    (R::Asian, 0.08),
    (R::AmericanIndianAlaskaNative, 0.01),
    (R::NativeHawaiianPacificIslander, 0.004),
    (R::Multiracial, 0.04),
    (R::Other, 0.016),
];

/// Diversion-eligible arrests: the disparity the dashboards must show.
const ARREST_RACE: [(R, f64); 9] = [
    (R::White, 0.40),
    (R::Black, 0.31),
    (R::HispanicLatino, 0.17),
    (R::Asian, 0.03),
    (R::AmericanIndianAlaskaNative, 0.04),
    (R::NativeHawaiianPacificIslander, 0.002),
    (R::Multiracial, 0.03),
    (R::Other, 0.008),
    (R::Unknown, 0.01),
];

/// Arrest diversions: whiter than the arrests they come from, so the
/// disparity grows from one stage to the next.
const DIVERSION_RACE: [(R, f64); 9] = [
    (R::White, 0.47),
    (R::Black, 0.25),
    (R::HispanicLatino, 0.16),
    (R::Asian, 0.03),
    (R::AmericanIndianAlaskaNative, 0.03),
    (R::NativeHawaiianPacificIslander, 0.002),
    (R::Multiracial, 0.03),
    (R::Other, 0.008),
    (R::Unknown, 0.02),
];

const COMMUNITY_RACE: [(R, f64); 9] = [
    (R::White, 0.45),
    (R::Black, 0.27),
    (R::HispanicLatino, 0.15),
    (R::Asian, 0.04),
    (R::AmericanIndianAlaskaNative, 0.03),
    (R::NativeHawaiianPacificIslander, 0.002),
    (R::Multiracial, 0.03),
    (R::Other, 0.008),
    (R::Unknown, 0.02),
];

/// A person, so repeat referrals keep their demographics.
#[derive(Clone, Copy)]
struct Person {
    race: RaceEthnicity,
    gender: Gender,
    age: AgeBand,
    /// Whether their participant outcomes were already written.
    has_outcomes: bool,
}

/// How referrals spread over `n` tiers: 30 % in the highest, 25 % in the
/// lowest, the rest shared by those between (for three tiers, the 30, 45
/// and 25 % the generator always used).
fn tier_weights(n: usize) -> Vec<(usize, f64)> {
    match n {
        0 | 1 => vec![(0, 1.0)],
        2 => vec![(0, 0.55), (1, 0.45)],
        _ => (0..n)
            .map(|i| {
                let weight = match i {
                    0 => 0.30,
                    _ if i == n - 1 => 0.25,
                    _ => 0.45 / (n - 2) as f64,
                };
                (i, weight)
            })
            .collect(),
    }
}

struct Tables {
    doors: Weighted<Door>,
    community_referrers: Weighted<ReferrerType>,
    /// Positions in the config's tiers.
    tiers: Weighted<usize>,
    neighborhoods: Weighted<&'static str>,
    diversion_race: Weighted<RaceEthnicity>,
    contact_race: Weighted<RaceEthnicity>,
    community_race: Weighted<RaceEthnicity>,
    genders: Weighted<Gender>,
    ages: Weighted<AgeBand>,
    police_outcomes: Weighted<Outcome>,
    community_outcomes: Weighted<Outcome>,
    months: Weighted<u32>,
}

fn seasonal_weight(month: Month, offset: u32) -> f64 {
    let phase = (f64::from(month.number()) - 4.0) / 12.0 * std::f64::consts::TAU;
    (1.0 + 0.18 * phase.sin()) * (1.0 + 0.012 * f64::from(offset))
}

impl Tables {
    fn new(config: &SynthConfig) -> Tables {
        let months: Vec<(u32, f64)> = (0..config.months)
            .map(|i| {
                let m = Month::from_index(config.start.index() + i64::from(i)).unwrap_or(config.start);
                (i, seasonal_weight(m, i))
            })
            .collect();
        Tables {
            doors: Weighted::new(&[
                (Door::ArrestDiversion, 0.38),
                (Door::SocialContact, 0.34),
                (Door::Community, 0.28),
            ]),
            community_referrers: Weighted::new(&[
                (ReferrerType::Business, 0.38),
                (ReferrerType::Resident, 0.22),
                (ReferrerType::PartnerOrg, 0.34),
                (ReferrerType::Court, 0.02),
                (ReferrerType::Other, 0.04),
            ]),
            tiers: Weighted::new(&tier_weights(config.tiers.len())),
            neighborhoods: Weighted::new(&NEIGHBORHOODS.map(|(n, share, _)| (n, share))),
            diversion_race: Weighted::new(&DIVERSION_RACE),
            contact_race: Weighted::new(&ARREST_RACE),
            community_race: Weighted::new(&COMMUNITY_RACE),
            genders: Weighted::new(&[
                (Gender::Man, 0.64),
                (Gender::Woman, 0.32),
                (Gender::Nonbinary, 0.02),
                (Gender::Unknown, 0.02),
            ]),
            ages: Weighted::new(&[
                (AgeBand::From18To24, 0.10),
                (AgeBand::From25To34, 0.30),
                (AgeBand::From35To44, 0.28),
                (AgeBand::From45To54, 0.18),
                (AgeBand::From55To64, 0.10),
                (AgeBand::From65, 0.03),
                (AgeBand::Unknown, 0.01),
            ]),
            police_outcomes: Weighted::new(&[
                (Outcome::Enrolled, 0.62),
                (Outcome::Declined, 0.10),
                (Outcome::NotLocated, 0.12),
                (Outcome::Ineligible, 0.06),
                (Outcome::Waitlisted, 0.05),
                (Outcome::Pending, 0.05),
            ]),
            community_outcomes: Weighted::new(&[
                (Outcome::Enrolled, 0.45),
                (Outcome::Declined, 0.10),
                (Outcome::NotLocated, 0.15),
                (Outcome::Ineligible, 0.10),
                (Outcome::Waitlisted, 0.15),
                (Outcome::Pending, 0.05),
            ]),
            months: Weighted::new(&months),
        }
    }
}

fn slug(s: &str) -> Slug {
    Slug::new(s).unwrap_or_else(|| unreachable!("generator identifiers are valid slugs"))
}

fn key(s: String) -> Key {
    Key::new(&s).unwrap_or_else(|| unreachable!("generated keys are non-empty"))
}

/// A pseudonymous-looking key that reveals no order.
fn scramble(seed: u64, n: u64) -> u64 {
    let mut z = seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn add_days(date: Date, days: i64) -> Date {
    Date::from_days(date.days() + days).unwrap_or(date)
}

struct Writers {
    dir: PathBuf,
}

impl Writers {
    fn open<T: ExportRow>(&self) -> Result<(csv::Writer<BufWriter<File>>, PathBuf), SynthError> {
        let path = self.dir.join(T::FILE);
        let file = File::create(&path).map_err(|source| SynthError::Io {
            path: path.clone(),
            source,
        })?;
        Ok((csv::Writer::from_writer(BufWriter::with_capacity(1 << 20, file)), path))
    }
}

fn put<T: serde::Serialize>(writer: &mut csv::Writer<BufWriter<File>>, path: &Path, row: T) -> Result<(), SynthError> {
    writer.serialize(row).map_err(|source| SynthError::Csv {
        path: path.to_owned(),
        source,
    })
}

fn finish(writer: &mut csv::Writer<BufWriter<File>>, path: &Path) -> Result<(), SynthError> {
    writer.flush().map_err(|source| SynthError::Io {
        path: path.to_owned(),
        source,
    })
}

/// Writes a complete synthetic export (all five files) into `dir`.
pub fn write_export(config: &SynthConfig, dir: &Path) -> Result<SynthSummary, SynthError> {
    if config.months == 0 {
        return Err(SynthError::NoMonths);
    }
    fs::create_dir_all(dir).map_err(|source| SynthError::Io {
        path: dir.to_owned(),
        source,
    })?;
    // Written first, so even an export cut short is never taken for a
    // program's own.
    let marker = dir.join(SYNTHETIC_MARKER);
    let text = format!(
        "Synthetic demo data made by synth-export ({} referrals, seed {}): no real person's records.\n",
        config.referrals, config.seed
    );
    fs::write(&marker, text).map_err(|source| SynthError::Io { path: marker, source })?;
    let writers = Writers { dir: dir.to_owned() };
    let tables = Tables::new(config);
    let mut rng = Pcg32::new(config.seed, 1);
    let mut summary = SynthSummary::default();

    let last_month = Month::from_index(config.start.index() + i64::from(config.months) - 1).unwrap_or(config.start);
    let end = add_days(last_month.first_day(), i64::from(last_month.days()) - 1);

    let (mut referrals, referrals_path) = writers.open::<Referral>()?;
    let (mut outcomes, outcomes_path) = writers.open::<OutcomeRow>()?;
    let mut people: Vec<Person> = Vec::with_capacity(usize::try_from(config.referrals).unwrap_or(0));
    // Arrest diversions per month, to size the arrests file around them.
    let mut diversions = vec![0u64; config.months as usize];
    // People discharged so far, with the day: four repeat referrals in ten
    // go to one of them (when the referral comes after the discharge), so
    // that some discharged people come back, as LEAD lets them. A
    // generator of its own, so the other draws stay as they were.
    let mut discharged: Vec<(usize, Date)> = Vec::new();
    let mut returns = Pcg32::new(config.seed ^ 0xd15c_4a26, 17);

    for n in 0..config.referrals {
        let offset = tables.months.sample(&mut rng);
        let month = Month::from_index(config.start.index() + i64::from(offset)).unwrap_or(config.start);
        let referral_date = add_days(month.first_day(), rng.below(u64::from(month.days())) as i64);
        let door = tables.doors.sample(&mut rng);
        if door == Door::ArrestDiversion {
            diversions[offset as usize] += 1;
        }
        let (referrer_type, priority_tier) = if door.is_police() {
            let referrer = if rng.chance(0.02) {
                ReferrerType::Court
            } else {
                ReferrerType::Police
            };
            (referrer, None)
        } else {
            (
                tables.community_referrers.sample(&mut rng),
                Some(tables.tiers.sample(&mut rng)),
            )
        };

        // About one referral in eight is of someone referred before.
        let person_index = if !people.is_empty() && rng.chance(0.12) {
            let anyone = rng.below(people.len() as u64) as usize;
            let back = (!discharged.is_empty() && returns.chance(0.4))
                .then(|| discharged[returns.below(discharged.len() as u64) as usize])
                .filter(|&(_, on)| on < referral_date);
            back.map_or(anyone, |(person, _)| person)
        } else {
            let race = match door {
                Door::ArrestDiversion => tables.diversion_race.sample(&mut rng),
                Door::SocialContact => tables.contact_race.sample(&mut rng),
                Door::Community => tables.community_race.sample(&mut rng),
            };
            people.push(Person {
                race,
                gender: tables.genders.sample(&mut rng),
                age: tables.ages.sample(&mut rng),
                has_outcomes: false,
            });
            people.len() - 1
        };
        let person = people[person_index];

        let mut outcome = if door.is_police() {
            tables.police_outcomes.sample(&mut rng)
        } else if priority_tier.is_some_and(|t| t + 1 == config.tiers.len() && t > 0) && rng.chance(0.3) {
            Outcome::Waitlisted
        } else {
            tables.community_outcomes.sample(&mut rng)
        };
        let days_left = referral_date.days_until(end);
        if days_left < 45 && rng.chance(0.5) {
            outcome = Outcome::Pending;
        }

        let has_intake = match outcome {
            Outcome::Enrolled => true,
            Outcome::Declined => rng.chance(0.4),
            Outcome::Ineligible => rng.chance(0.5),
            _ => false,
        };
        let mut intake_date = None;
        if has_intake {
            let delay = if rng.chance(0.74) {
                rng.exponential(9.0).min(30.0)
            } else {
                31.0 + rng.exponential(30.0)
            };
            let delay = delay as i64;
            if delay <= days_left {
                intake_date = Some(add_days(referral_date, delay));
            } else {
                outcome = Outcome::Pending;
            }
        }
        let (mut roi_date, mut enrolled_date, mut status, mut status_date) = (None, None, None, None);
        if let (Outcome::Enrolled, Some(intake)) = (outcome, intake_date) {
            let roi = add_days(intake, rng.below(10) as i64).min(end);
            let enrolled = add_days(roi, rng.below(7) as i64).min(end);
            let tenure = enrolled.days_until(end);
            let u = rng.unit();
            let s = if u < 0.12 && tenure > 60 {
                Status::Discharged
            } else if u < 0.40 && tenure > 30 {
                Status::Inactive
            } else {
                Status::Active
            };
            roi_date = Some(roi);
            enrolled_date = Some(enrolled);
            status = Some(s);
            status_date = Some(add_days(enrolled, rng.below(tenure.clamp(0, 365) as u64 + 1) as i64));
            if let (Status::Discharged, Some(on)) = (s, status_date) {
                discharged.push((person_index, on));
            }

            if !person.has_outcomes {
                people[person_index].has_outcomes = true;
                summary.outcomes +=
                    write_outcomes(&mut outcomes, &outcomes_path, &mut rng, config, person_index, tenure)?;
            }
        }
        if outcome == Outcome::Enrolled && intake_date.is_none() {
            outcome = Outcome::Pending;
        }

        let neighborhood = tables.neighborhoods.sample(&mut rng);
        put(
            &mut referrals,
            &referrals_path,
            Referral {
                referral_key: key(format!("R{:012x}", scramble(config.seed ^ 0xA5A5, n))),
                person_key: key(person_key(config.seed, person_index)),
                referral_date,
                door,
                referrer_type,
                neighborhood: slug(neighborhood),
                race_ethnicity: person.race,
                gender: Some(person.gender),
                age_band: Some(person.age),
                // A tier id that is no identifier is exported as none.
                priority_tier: priority_tier
                    .and_then(|t| config.tiers.get(t))
                    .and_then(|t| Slug::new(t)),
                outcome,
                intake_date,
                roi_date,
                enrolled_date,
                status,
                status_date,
            },
        )?;
        summary.referrals += 1;
    }
    finish(&mut referrals, &referrals_path)?;
    finish(&mut outcomes, &outcomes_path)?;

    summary.caseloads = write_caseloads(&writers, config, &mut rng)?;
    summary.arrests = write_arrests(&writers, config, &diversions, &mut rng)?;
    summary.population = write_population(&writers)?;
    summary.surveys = write_surveys(&writers, config, &mut rng)?;
    summary.comparison = write_comparison(&writers, config, summary.referrals)?;
    Ok(summary)
}

fn person_key(seed: u64, index: usize) -> String {
    format!("P{:012x}", scramble(seed, index as u64) & 0xFFFF_FFFF_FFFF)
}

/// Participant outcomes: fewer bookings, emergency visits, arrests, charges
/// and days in jail after enrolment, more people housed. Post windows only
/// once they have elapsed.
fn write_outcomes(
    out: &mut csv::Writer<BufWriter<File>>,
    path: &Path,
    rng: &mut Pcg32,
    config: &SynthConfig,
    person_index: usize,
    tenure_days: i64,
) -> Result<u64, SynthError> {
    let seed = config.seed;
    let person_key = key(person_key(seed, person_index));
    let mut written = 0;
    let mut put_row = |measure: OutcomeCode, window, value| {
        written += 1;
        put(
            out,
            path,
            OutcomeRow {
                person_key: person_key.clone(),
                measure,
                window,
                value,
            },
        )
    };
    let mut row = |measure: OutcomeMeasure, window, value| put_row(measure.into(), window, value);
    let bookings_pre = rng.poisson(2.4);
    let ed_pre = rng.poisson(3.0);
    row(OutcomeMeasure::JailBookings, Window::Pre12m, bookings_pre)?;
    row(OutcomeMeasure::EdVisits, Window::Pre12m, ed_pre)?;
    row(OutcomeMeasure::Housed, Window::Pre12m, u32::from(rng.chance(0.15)))?;
    if tenure_days >= 183 {
        let bookings6 = rng.poisson(0.9);
        let ed6 = rng.poisson(1.4);
        let housed6 = rng.chance(0.30);
        row(OutcomeMeasure::JailBookings, Window::Post6m, bookings6)?;
        row(OutcomeMeasure::EdVisits, Window::Post6m, ed6)?;
        row(OutcomeMeasure::Housed, Window::Post6m, u32::from(housed6))?;
        if tenure_days >= 365 {
            row(
                OutcomeMeasure::JailBookings,
                Window::Post12m,
                bookings6 + rng.poisson(0.6),
            )?;
            row(OutcomeMeasure::EdVisits, Window::Post12m, ed6 + rng.poisson(1.0))?;
            row(
                OutcomeMeasure::Housed,
                Window::Post12m,
                u32::from(housed6 || rng.chance(0.18)),
            )?;
        }
    }
    // Legal-system use, from a generator of the person's own so the rest
    // of the export stays as it was: fewer arrests, charges and days in
    // jail after enrollment; unknown for about one person in ten.
    let mut legal = Pcg32::new(scramble(seed, person_index as u64), 7);
    if !legal.chance(0.1) {
        for (measure, before, after) in [
            (OutcomeMeasure::Arrests, 1.8, 1.0),
            (OutcomeMeasure::Charges, 2.2, 1.1),
            (OutcomeMeasure::JailDays, 9.0, 4.0),
        ] {
            let pre = legal.poisson(before);
            row(measure, Window::Pre12m, pre)?;
            if tenure_days >= 365 {
                row(measure, Window::Post12m, legal.poisson(after))?;
            }
        }
    }
    // The program's own measures, from a generator of their own: better
    // after enrollment whatever the kind (fewer events, a higher score,
    // more people with yes); unknown for about one person in six.
    let mut own = Pcg32::new(scramble(seed, person_index as u64), 13);
    for declared in &config.declared.measure {
        if own.chance(1.0 / 6.0) {
            continue;
        }
        let Some(code) = Slug::new(&declared.code) else {
            continue;
        };
        for &window in &declared.windows {
            let (elapsed, step) = match window {
                Window::Pre12m => (true, 0.0),
                Window::Post6m => (tenure_days >= 183, 1.0),
                Window::Post12m => (tenure_days >= 365, 2.0),
            };
            if !elapsed {
                continue;
            }
            let value = match declared.kind {
                SiteKind::Count => own.poisson(3.0 - 0.6 * step),
                SiteKind::Rate => (4.0 + step + own.unit() * 4.0 - 2.0).round().clamp(0.0, 10.0) as u32,
                SiteKind::YesNo => u32::from(own.chance(0.35 + 0.12 * step)),
            };
            put_row(OutcomeCode::Site(code.clone()), window, value)?;
        }
    }
    Ok(written)
}

/// Case managers sized to the volume, averaging about 18 with a few months
/// over the 20 average line and, in the busiest, case managers over 25.
fn write_caseloads(writers: &Writers, config: &SynthConfig, rng: &mut Pcg32) -> Result<u64, SynthError> {
    let (mut out, path) = writers.open::<Caseload>()?;
    let monthly = config.referrals as f64 / f64::from(config.months);
    let managers = ((monthly * 0.55 * 8.0) / 18.0).ceil().max(2.0) as u64;
    let mut written = 0;
    for i in 0..config.months {
        let month = Month::from_index(config.start.index() + i64::from(i)).unwrap_or(config.start);
        let pressure = 17.0 + 3.5 * (seasonal_weight(month, 0) - 1.0) / 0.18;
        for m in 0..managers {
            // Busy months spread wider, so a few case managers go over 25.
            let spread = if pressure > 19.0 { 14.0 } else { 8.0 };
            let load = (pressure + (rng.unit() - 0.5) * spread).round().clamp(4.0, 30.0) as u32;
            put(
                &mut out,
                &path,
                Caseload {
                    month,
                    case_manager_key: key(format!("CM{m:04}")),
                    active_caseload: load,
                },
            )?;
            written += 1;
        }
    }
    finish(&mut out, &path)?;
    Ok(written)
}

/// Diversion-eligible arrests around the arrest diversions, with a
/// diversion rate rising over time and Black people booked more often.
fn write_arrests(
    writers: &Writers,
    config: &SynthConfig,
    diversions: &[u64],
    rng: &mut Pcg32,
) -> Result<u64, SynthError> {
    let (mut out, path) = writers.open::<Arrests>()?;
    let mut written = 0;
    for (i, &diverted) in diversions.iter().enumerate() {
        let month = Month::from_index(config.start.index() + i as i64).unwrap_or(config.start);
        let rate = 0.25 + 0.20 * i as f64 / diversions.len().max(1) as f64;
        let eligible_total = diverted as f64 / rate;
        for (neighborhood, share, _) in NEIGHBORHOODS {
            for ((race, race_share), (_, diverted_share)) in ARREST_RACE.into_iter().zip(DIVERSION_RACE) {
                let eligible = rng.count_near(eligible_total * share * race_share);
                // Of the arrests not diverted, most are booked, and Black
                // people's more often.
                let not_diverted = (1.0 - rate * diverted_share / race_share).max(0.0);
                let booked_share = not_diverted * if race == R::Black { 0.97 } else { 0.88 };
                let booked = ((f64::from(eligible) * booked_share).round() as u32).min(eligible);
                put(
                    &mut out,
                    &path,
                    Arrests {
                        month,
                        neighborhood: slug(neighborhood),
                        race_ethnicity: race,
                        diversion_eligible_arrests: eligible,
                        booked,
                        // The prosecutor charges fewer of them as
                        // diversion grows.
                        charged: Some(
                            ((f64::from(eligible) * (0.55 - 0.5 * (rate - 0.25))).round() as u32).min(eligible),
                        ),
                    },
                )?;
                written += 1;
            }
        }
    }
    finish(&mut out, &path)?;
    Ok(written)
}

fn write_population(writers: &Writers) -> Result<u64, SynthError> {
    let (mut out, path) = writers.open::<Population>()?;
    let mut written = 0;
    for (neighborhood, _, people) in NEIGHBORHOODS {
        for (race, share) in POPULATION_RACE {
            put(
                &mut out,
                &path,
                Population {
                    neighborhood: slug(neighborhood),
                    race_ethnicity: race,
                    population: (people * share).round() as u64,
                },
            )?;
            written += 1;
        }
    }
    finish(&mut out, &path)?;
    Ok(written)
}

/// A comparison group of similar people outside LEAD, one for about every
/// eight referrals, indexed on months spread over the export: their jail
/// bookings and emergency visits fall too (people are often at a low point
/// when picked), but less than the participants'. From a generator of its
/// own, so the rest of the export stays as it was.
fn write_comparison(writers: &Writers, config: &SynthConfig, referrals: u64) -> Result<u64, SynthError> {
    let (mut out, path) = writers.open::<ComparisonRow>()?;
    let mut rng = Pcg32::new(config.seed ^ 0xc0_4a1e, 11);
    let mut written = 0;
    let people = (referrals / 8).max(1);
    // Index months early enough for a 12-month follow-up.
    let months = u64::from(config.months.saturating_sub(12).max(1));
    for i in 0..people {
        let index_month = Month::from_index(config.start.index() + rng.below(months) as i64).unwrap_or(config.start);
        let person_key = key(format!("C{i:09}"));
        let (jail, ed) = (rng.poisson(2.4), rng.poisson(3.0));
        for (measure, window, value) in [
            (OutcomeMeasure::JailBookings, Window::Pre12m, jail),
            (OutcomeMeasure::JailBookings, Window::Post12m, rng.poisson(1.9)),
            (OutcomeMeasure::EdVisits, Window::Pre12m, ed),
            (OutcomeMeasure::EdVisits, Window::Post12m, rng.poisson(2.7)),
        ] {
            put(
                &mut out,
                &path,
                ComparisonRow {
                    person_key: person_key.clone(),
                    index_month,
                    measure,
                    window,
                    value,
                },
            )?;
            written += 1;
        }
    }
    finish(&mut out, &path)?;
    Ok(written)
}

/// A satisfaction survey in the last month of each quarter: participants,
/// partner agency staff and community members, most satisfied, a little
/// more over time; the partners few enough that some quarters are hidden.
fn write_surveys(writers: &Writers, config: &SynthConfig, rng: &mut Pcg32) -> Result<u64, SynthError> {
    let (mut out, path) = writers.open::<SurveyRow>()?;
    let mut written = 0;
    for i in 0..config.months {
        let month = Month::from_index(config.start.index() + i64::from(i)).unwrap_or(config.start);
        if !month.number().is_multiple_of(3) {
            continue;
        }
        let trend = f64::from(i) / f64::from(config.months.max(1));
        for (respondent_group, asked, satisfied) in [
            (RespondentGroup::Participant, 40.0, 0.68),
            (RespondentGroup::Partner, 12.0, 0.60),
            (RespondentGroup::Community, 30.0, 0.52),
        ] {
            let respondents = rng.count_near(asked);
            let share = (satisfied + 0.12 * trend).min(0.95);
            let yes = ((f64::from(respondents) * share).round() as u32).min(respondents);
            put(
                &mut out,
                &path,
                SurveyRow {
                    month,
                    respondent_group,
                    respondents,
                    satisfied: yes,
                },
            )?;
            written += 1;
        }
    }
    finish(&mut out, &path)?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::read;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("lead-synth-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn the_same_seed_writes_the_same_export() {
        let (a, b, c) = (temp_dir("a"), temp_dir("b"), temp_dir("c"));
        write_export(&SynthConfig::new(2_000, 7), &a).expect("write a");
        write_export(&SynthConfig::new(2_000, 7), &b).expect("write b");
        write_export(&SynthConfig::new(2_000, 8), &c).expect("write c");
        for file in [
            "referrals.csv",
            "outcomes.csv",
            "caseloads.csv",
            "arrests.csv",
            "population.csv",
        ] {
            let read = |d: &Path| fs::read(d.join(file)).expect("written");
            assert_eq!(read(&a), read(&b), "{file}");
        }
        assert_ne!(
            fs::read(a.join("referrals.csv")).ok(),
            fs::read(c.join("referrals.csv")).ok()
        );
        for d in [a, b, c] {
            let _ = fs::remove_dir_all(d);
        }
    }

    #[test]
    fn a_generated_export_reads_back_under_the_contract_with_plausible_rates() {
        let dir = temp_dir("rates");
        let summary = write_export(&SynthConfig::new(20_000, 3), &dir).expect("write");
        assert_eq!(summary.referrals, 20_000);
        let rows: Vec<Referral> = read::<Referral>(&dir)
            .expect("header")
            .collect::<Result<_, _>>()
            .expect("every generated row is valid");
        let share = |f: &dyn Fn(&Referral) -> bool| rows.iter().filter(|r| f(r)).count() as f64 / rows.len() as f64;
        let police = share(&|r| r.door.is_police());
        assert!((0.65..0.80).contains(&police), "police share {police}");
        let enrolled = share(&|r| r.outcome == Outcome::Enrolled);
        assert!((0.45..0.65).contains(&enrolled), "enrolled share {enrolled}");
        let with_intake: Vec<i64> = rows
            .iter()
            .filter_map(|r| Some(r.referral_date.days_until(r.intake_date?)))
            .collect();
        let within = with_intake.iter().filter(|d| **d <= 30).count() as f64 / with_intake.len() as f64;
        assert!((0.65..0.85).contains(&within), "within 30 days {within}");
        let rare = rows
            .iter()
            .filter(|r| r.neighborhood.as_str() == "harbor_point")
            .count();
        assert!((1..40).contains(&rare), "harbor_point referrals {rare}");
        for file_rows in [
            read::<OutcomeRow>(&dir).expect("header").count(),
            read::<Caseload>(&dir).expect("header").count(),
            read::<Arrests>(&dir).expect("header").count(),
            read::<Population>(&dir).expect("header").count(),
        ] {
            assert!(file_rows > 0);
        }
        let arrests: Vec<Arrests> = read::<Arrests>(&dir)
            .expect("header")
            .collect::<Result<_, _>>()
            .expect("every arrests row is valid");
        // The disparity a reader can find: Black people's diversion-eligible
        // arrests end in a booking more often than white people's.
        let booked = |race: R| {
            let of = arrests.iter().filter(|a| a.race_ethnicity == race);
            let (booked, eligible) = of.fold((0, 0), |(b, e), a| (b + a.booked, e + a.diversion_eligible_arrests));
            f64::from(booked) / f64::from(eligible)
        };
        let (black, white) = (booked(R::Black), booked(R::White));
        assert!(
            black > white + 0.1 && black < 1.0,
            "booked: Black {black}, white {white}"
        );
        let _ = fs::remove_dir_all(dir);
    }
}
