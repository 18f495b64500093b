//! Reading an export into facts: counts by month, measure and the finest
//! breakdown the tables use; enrolments until the export date is known;
//! participant outcomes by person.

use super::*;

/// Days after enrolment at which retention is looked at.
pub const RETENTION_6M_DAYS: i64 = 183;
pub const RETENTION_12M_DAYS: i64 = 365;

/// One enrolment, kept until the export date is known.
#[derive(Debug, Clone, Copy)]
pub(super) struct Enrolment {
    /// Month index of the enrolment.
    pub(super) month: i64,
    pub(super) enrolled: i64,
    pub(super) status: Option<Status>,
    pub(super) status_date: Option<i64>,
    pub(super) door: u8,
    pub(super) race: u8,
}

/// Everything the engagement measures of one enrolment depend on, once the
/// export date is known. Enrolments are counted by class first: many share
/// one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct EnrolmentClass {
    pub(super) month: i64,
    pub(super) door: u8,
    pub(super) race: u8,
    pub(super) status: Option<Status>,
    /// Whether retained 6 months on; `None` if enrolled too recently to tell.
    pub(super) retained6: Option<bool>,
    /// Whether retained 12 months on; `None` if enrolled too recently to tell.
    pub(super) retained12: Option<bool>,
}

impl Enrolment {
    pub(super) fn class(&self, as_of: i64) -> EnrolmentClass {
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

/// Slots of one person's outcomes: a value per measure x window, for the
/// portal's measures and then the program's declared ones.
const SLOTS: usize = (6 + MAX_SITE_MEASURES) * 3;
const _: () = assert!(SLOTS == (OutcomeMeasure::ALL.len() + MAX_SITE_MEASURES) * Window::ALL.len() && SLOTS <= 32);

/// One person's rows of outcomes.csv: a value per measure x window (the
/// export's check keeps each within 16 bits, so a million people fit in
/// little memory).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Outcomes {
    /// Bit i set when `values[i]` came from a row of the export.
    pub(super) present: u32,
    pub(super) values: [u16; SLOTS],
}

impl Outcomes {
    pub(super) fn slot(measure: OutcomeMeasure, window: Window) -> usize {
        measure.index() * Window::ALL.len() + window.index()
    }

    /// The slot of the `site`th declared measure in `window`.
    pub(super) fn site_slot(site: usize, window: Window) -> usize {
        (OutcomeMeasure::ALL.len() + site) * Window::ALL.len() + window.index()
    }

    pub(super) fn get(&self, measure: OutcomeMeasure, window: Window) -> Option<u32> {
        self.get_slot(Outcomes::slot(measure, window))
    }

    pub(super) fn get_slot(&self, slot: usize) -> Option<u32> {
        (self.present & (1 << slot) != 0).then_some(u32::from(self.values[slot]))
    }

    /// The measure in the 12 months before and the 12 months after, if the
    /// export gives both: only then does the person count for it.
    pub(super) fn both_years(&self, measure: OutcomeMeasure) -> Option<(u32, u32)> {
        Some((self.get(measure, Window::Pre12m)?, self.get(measure, Window::Post12m)?))
    }

    pub(super) fn set(&mut self, measure: OutcomeMeasure, window: Window, value: u32) {
        self.set_slot(Outcomes::slot(measure, window), value);
    }

    pub(super) fn set_slot(&mut self, slot: usize, value: u32) {
        // Checked on reading (at most 65,535); saturate rather than wrap.
        self.values[slot] = u16::try_from(value).unwrap_or(u16::MAX);
        self.present |= 1 << slot;
    }

    /// Takes every value `later` has (of two rows for one slot, the later
    /// one wins).
    pub(super) fn update(&mut self, later: &Outcomes) {
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
pub(super) enum PersonKey {
    Inline { len: u8, bytes: [u8; PersonKey::INLINE] },
    Heap(Box<[u8]>),
}

impl PersonKey {
    /// The longest key held inline (the enum is then as large as a `String`).
    const INLINE: usize = 22;

    pub(super) fn new(key: &str) -> PersonKey {
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

    pub(super) fn as_bytes(&self) -> &[u8] {
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
/// enrolled if they did, with the race and ethnicity recorded then.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Person {
    pub(super) outcomes: Outcomes,
    pub(super) first_enrolled: Option<(i32, u8)>,
    /// The day of their latest enrolment: a discharge before it was
    /// followed by a return.
    pub(super) last_enrolled: Option<i32>,
}

/// People with rows in outcomes.csv, by person key. The table holds only
/// each person's place in a list, so that the part that grows by doubling
/// (and holds old and new copies while it does) is small: a million people
/// fit in a little over 100 MB.
#[derive(Debug, Default)]
pub(super) struct People {
    index: FxHashMap<PersonKey, u32>,
    list: Vec<Person>,
}

impl People {
    /// The person with `key`, added if new.
    pub(super) fn entry(&mut self, key: &str) -> &mut Person {
        let next = self.list.len() as u32;
        let at = match self.index.get(key.as_bytes()) {
            Some(&at) => at,
            None => {
                self.index.insert(PersonKey::new(key), next);
                self.list.push(Person::default());
                next
            }
        };
        &mut self.list[at as usize]
    }

    /// The person with `key` and their place in the list, added if new.
    pub(super) fn place(&mut self, key: PersonKey) -> u32 {
        let next = self.list.len() as u32;
        *self.index.entry(key).or_insert_with(|| {
            self.list.push(Person::default());
            next
        })
    }

    pub(super) fn values(&self) -> impl Iterator<Item = &Person> {
        self.list.iter()
    }
}

/// One enrolment as the outcomes reader needs it.
#[derive(Debug, Clone)]
pub(super) struct EnrolledPerson {
    pub(super) key: PersonKey,
    /// Month index of the enrolment.
    pub(super) month: i32,
    /// Day of the enrolment.
    pub(super) day: i32,
    /// Day of the discharge that ended it, if one did.
    pub(super) discharged: Option<i32>,
    pub(super) race: u8,
    pub(super) door: u8,
}

/// Enrolments passed from the referrals to the outcomes in batches.
pub(super) type Enrolled = Vec<EnrolledPerson>;

/// Enrolments gathered before a batch is passed on.
pub(super) const ENROLLED_BATCH: usize = 1 << 16;

/// Sums over the people first enrolled each month of the participant
/// outcome measures.
#[derive(Debug, Default)]
pub(super) struct OutcomeTotals {
    /// (month of first enrolment, race, measure) -> sum.
    pub(super) portal: FxHashMap<(i64, u8, Measure), u64>,
    /// (month of first enrolment, declared measure, measure) -> sum.
    pub(super) site: FxHashMap<(i64, u8, Measure), u64>,
    /// (month of discharge, door) -> (discharges, people who came back).
    pub(super) discharges: FxHashMap<(i64, u8), (u64, u64)>,
}

/// Reads outcomes.csv, then takes each person's first enrolment month from
/// the batches of `enrolled` (until its sender is dropped), and sums the
/// participant outcome measures of the people who enrolled.
pub(super) fn read_outcomes(
    rows: &mut impl LendRows<OutcomeRow>,
    enrolled: mpsc::Receiver<Enrolled>,
    declared: &SiteMeasures,
) -> Result<OutcomeTotals, ExportError> {
    let mut people = outcomes_by_person(rows, declared)?;
    // Discharges as (the person's place, day, door), told apart once
    // every enrolment is in.
    let mut discharges: Vec<(u32, i32, u8)> = Vec::new();
    for e in enrolled.into_iter().flatten() {
        // People with no outcome rows add nothing to the outcome measures,
        // but may have been discharged and come back.
        let at = people.place(e.key);
        let person = &mut people.list[at as usize];
        // The earliest enrolment, and of two in one month the first read.
        if person.first_enrolled.is_none_or(|(m, _)| e.month < m) {
            person.first_enrolled = Some((e.month, e.race));
        }
        person.last_enrolled = person.last_enrolled.max(Some(e.day));
        if let Some(day) = e.discharged {
            discharges.push((at, day, e.door));
        }
    }
    let mut totals = outcome_totals(&people, declared);
    // A discharged person returned if they enrolled again after the day
    // of the discharge (LEAD takes people back when circumstances change).
    for (at, day, door) in discharges {
        let Some(month) = Date::from_days(i64::from(day)).map(|d| d.month().index()) else {
            continue;
        };
        let returned = people.list[at as usize].last_enrolled > Some(day);
        let entry = totals.discharges.entry((month, door)).or_default();
        entry.0 += 1;
        entry.1 += u64::from(returned);
    }
    Ok(totals)
}

/// Reads outcomes.csv into rows by person. Rows come grouped by person, so
/// a person's rows are gathered apart and stored when the next person's
/// begin: one hash lookup per person rather than per row.
pub(super) fn outcomes_by_person(
    rows: &mut impl LendRows<OutcomeRow>,
    declared: &SiteMeasures,
) -> Result<People, ExportError> {
    pub(super) fn store(people: &mut People, key: &str, outcomes: &Outcomes) {
        if outcomes.present != 0 {
            people.entry(key).outcomes.update(outcomes);
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
        let (window, value) = (row.window, row.value);
        let slot = match &row.measure {
            OutcomeCode::Portal(measure) => Outcomes::slot(*measure, window),
            OutcomeCode::Site(code) => {
                let site = declared.index_of(code.as_str()).ok_or_else(|| code.as_str().to_owned());
                site_slot(declared, site, window, value, rows.line())?
            }
        };
        gathered.set_slot(slot, value);
    }
    store(&mut people, &key, &gathered);
    Ok(people)
}

/// Where a row of a declared measure goes, once its declaration allows it.
/// `site` is the declaration's position, or the code no declaration has.
fn site_slot(
    declared: &SiteMeasures,
    site: Result<usize, String>,
    window: Window,
    value: u32,
    line: u64,
) -> Result<usize, ExportError> {
    let inconsistent = |column, message| ExportError::Inconsistent {
        file: <OutcomeRow as export::ExportRow>::FILE.to_owned(),
        line,
        column,
        message,
    };
    let site = site.map_err(|code| ExportError::BadValue {
        file: <OutcomeRow as export::ExportRow>::FILE.to_owned(),
        line,
        column: "measure",
        value: code,
        expected: OutcomeCode::EXPECTED,
    })?;
    let measure = &declared.measure[site];
    if !measure.windows.contains(&window) {
        return Err(inconsistent(
            "window",
            "is not one of the windows measures.toml declares for this measure",
        ));
    }
    if measure.kind == SiteKind::YesNo && value > 1 {
        return Err(inconsistent("value", "must be 0 or 1 for a yes-or-no measure"));
    }
    Ok(Outcomes::site_slot(site, window))
}

/// The participant outcome measures of enrolled people, summed by month of
/// first enrolment and race.
pub(super) fn outcome_totals(people: &People, declared: &SiteMeasures) -> OutcomeTotals {
    use Measure as M;
    let (mut totals, mut site_totals) = (FxHashMap::default(), FxHashMap::default());
    let mut add =
        |(month, race): (i64, u8), measure: Measure, n: u64| *totals.entry((month, race, measure)).or_default() += n;
    let (jail, ed, housed) = (
        OutcomeMeasure::JailBookings,
        OutcomeMeasure::EdVisits,
        OutcomeMeasure::Housed,
    );
    for person in people.values() {
        let Some(month) = person.first_enrolled.map(|(m, race)| (i64::from(m), race)) else {
            continue;
        };
        let outcomes = &person.outcomes;
        if let (Some((jail_pre, jail_post)), Some((ed_pre, ed_post))) =
            (outcomes.both_years(jail), outcomes.both_years(ed))
        {
            add(month, M::OutcomePeople12, 1);
            add(month, M::JailBookingsPre12, u64::from(jail_pre));
            add(month, M::JailBookingsPost12, u64::from(jail_post));
            add(month, M::EdVisitsPre12, u64::from(ed_pre));
            add(month, M::EdVisitsPost12, u64::from(ed_post));
        }
        // Legal-system use, each measure on its own: a person counts for
        // the measures the export gives both windows of.
        for (measure, people, pre, post) in [
            (
                OutcomeMeasure::Arrests,
                M::ArrestsPeople12,
                M::ArrestsPre12,
                M::ArrestsPost12,
            ),
            (
                OutcomeMeasure::Charges,
                M::ChargesPeople12,
                M::ChargesPre12,
                M::ChargesPost12,
            ),
            (
                OutcomeMeasure::JailDays,
                M::JailDaysPeople12,
                M::JailDaysPre12,
                M::JailDaysPost12,
            ),
        ] {
            if let Some((before, after)) = outcomes.both_years(measure) {
                add(month, people, 1);
                add(month, pre, u64::from(before));
                add(month, post, u64::from(after));
            }
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
        // The program's own measures: a person counts once a measure is
        // known for them in every window it is declared for.
        for (site, declaration) in declared.measure.iter().enumerate() {
            let values: Option<Vec<(Window, u32)>> = declaration
                .windows
                .iter()
                .map(|&w| Some((w, outcomes.get_slot(Outcomes::site_slot(site, w))?)))
                .collect();
            let Some(values) = values else { continue };
            let mut add = |measure: Measure, n: u32| {
                *site_totals.entry((month.0, site as u8, measure)).or_default() += u64::from(n);
            };
            add(M::SitePeople, 1);
            for (window, value) in values {
                match declaration.kind {
                    SiteKind::Count | SiteKind::Rate => add(measures::total(window), value),
                    SiteKind::YesNo if value > 0 => add(measures::yes(window), 1),
                    SiteKind::YesNo => add(measures::no(window), 1),
                }
            }
        }
    }
    OutcomeTotals {
        portal: totals,
        site: site_totals,
        discharges: FxHashMap::default(),
    }
}

/// The comparison group's jail bookings and emergency visits by index
/// month, for the people given both 12-month windows of both.
pub(super) fn comparison_totals(people: &FxHashMap<PersonKey, (i64, Outcomes)>) -> FxHashMap<(i64, Measure), u64> {
    use Measure as M;
    let mut totals = FxHashMap::default();
    let (jail, ed) = (OutcomeMeasure::JailBookings, OutcomeMeasure::EdVisits);
    for &(month, outcomes) in people.values() {
        if let (Some((jail_pre, jail_post)), Some((ed_pre, ed_post))) =
            (outcomes.both_years(jail), outcomes.both_years(ed))
        {
            for (measure, n) in [
                (M::ComparisonPeople12, 1),
                (M::ComparisonJailBookingsPre12, jail_pre),
                (M::ComparisonJailBookingsPost12, jail_post),
                (M::ComparisonEdVisitsPre12, ed_pre),
                (M::ComparisonEdVisitsPost12, ed_post),
            ] {
                *totals.entry((month, measure)).or_default() += u64::from(n);
            }
        }
    }
    totals
}

/// A count of one measure at one month and the finest breakdown it has.
pub(super) type FineCounts = FxHashMap<(i64, Measure, [Option<u16>; N_DIMS]), u64>;

/// Counts by month and the finest breakdown the tables use.
#[derive(Debug, Default)]
pub(super) struct Facts {
    /// (month index, door, referrer, tier (0 = none), outcome, race) -> referrals.
    pub(super) referrals: FxHashMap<(i64, u8, u8, u16, u8, u8), u64>,
    /// (month index, door) -> intake delays in days -> referrals.
    pub(super) delays: FxHashMap<(i64, u8), BTreeMap<u32, u64>>,
    /// (month index, door) -> days to full enrollment -> referrals.
    pub(super) enrollment_delays: FxHashMap<(i64, u8), BTreeMap<u32, u64>>,
    /// (month index, door) -> (referrals, reached within 30 days).
    pub(super) reached: FxHashMap<(i64, u8), (u64, u64)>,
    /// Tier names; index 0 is "no tier" (police doors).
    pub(super) tiers: Vec<String>,
    pub(super) enrolments: Vec<Enrolment>,
    /// Enrolments not yet passed to the outcomes reader.
    pub(super) enrolled: Enrolled,
    /// The participant outcome measures, from the outcomes reader.
    pub(super) outcome_totals: OutcomeTotals,
    /// The latest date in referrals.csv: retention is looked at as of it.
    pub(super) as_of: Option<Date>,
    /// month -> the case managers' caseloads.
    pub(super) caseloads: FxHashMap<i64, Caseloads>,
    /// (month, race) -> (diversion-eligible arrests, booked).
    pub(super) arrests: FxHashMap<(i64, u8), (u64, u64)>,
    /// month -> (diversion-eligible arrests whose charging is known, charged).
    pub(super) charging: FxHashMap<i64, (u64, u64)>,
    /// Census population by race.
    pub(super) population: [u64; 9],
    /// (month, respondent group) -> (respondents, satisfied), from the
    /// optional surveys.csv.
    pub(super) surveys: FxHashMap<(i64, RespondentGroup), (u64, u64)>,
    /// (index month, measure) -> sum over the comparison group's people
    /// followed both years, from the optional comparison.csv.
    pub(super) comparison: FxHashMap<(i64, Measure), u64>,
}

/// One month of `caseloads.csv`.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Caseloads {
    pub(super) managers: u64,
    pub(super) sum: u64,
    pub(super) highest: u32,
    /// Case managers above the standard's maximum of 25 participants.
    pub(super) over_25: u64,
}

/// The most participants a case manager may carry at any time.
pub const MAXIMUM_CASELOAD: u32 = 25;

impl Caseloads {
    pub(super) fn add(&mut self, caseload: u32) {
        self.managers += 1;
        self.sum += u64::from(caseload);
        self.highest = self.highest.max(caseload);
        self.over_25 += u64::from(caseload > MAXIMUM_CASELOAD);
    }
}

impl Facts {
    pub(super) fn tier_index(&mut self, tier: Option<&Slug>, door: Door) -> u16 {
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

    pub(super) fn add(&mut self, r: &Referral) {
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
        let reached = r.intake_date.map(|intake| {
            let days = u32::try_from(r.referral_date.days_until(intake)).unwrap_or(0);
            *self.delays.entry((month, door)).or_default().entry(days).or_default() += 1;
            days
        });
        // Full enrollment: the intake interview done and the release of
        // information signed, on the later of the two days.
        if let (Some(intake), Some(roi)) = (r.intake_date, r.roi_date) {
            let days = u32::try_from(r.referral_date.days_until(intake.max(roi))).unwrap_or(0);
            *self
                .enrollment_delays
                .entry((month, door))
                .or_default()
                .entry(days)
                .or_default() += 1;
        }
        let entry = self.reached.entry((month, door)).or_default();
        entry.0 += 1;
        entry.1 += u64::from(reached.is_some_and(|days| days <= 30));
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
            let day = |d: Date| i32::try_from(d.days()).unwrap_or(i32::MAX);
            self.enrolled.push(EnrolledPerson {
                key: PersonKey::new(r.person_key.as_str()),
                month: i32::try_from(enrolled.month().index()).unwrap_or(i32::MAX),
                day: day(enrolled),
                discharged: match (r.status, r.status_date) {
                    (Some(Status::Discharged), Some(on)) => Some(day(on)),
                    _ => None,
                },
                race,
                door,
            });
        }
    }

    /// Month-level counts of every measure at its finest breakdown.
    pub(super) fn fine(&self, tier_rank: &[u16]) -> FineCounts {
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
                None,
            ];
            put(month, M::Referrals, dims, n);
            if u16::from(outcome) != ENROLLED {
                put(
                    month,
                    M::ReferralsNotEnrolled,
                    [dims[0], dims[1], dims[2], None, dims[4], None],
                    n,
                );
            }
        }
        for (measure, delays) in [(M::WithIntake, &self.delays), (M::WithRoi, &self.enrollment_delays)] {
            for (&(month, door), delays) in delays {
                let with: u64 = delays.values().sum();
                put(
                    month,
                    measure,
                    [Some(u16::from(door)), None, None, None, None, None],
                    with,
                );
            }
        }
        let as_of = self.as_of.map_or(i64::MIN, Date::days);
        // Whether a month's referrals were reached within 30 days is known
        // 30 days after its last day (a whole month at once, so no small
        // part of a month stands apart); those never reached count as not
        // reached.
        for (&(month, door), &(referrals, within)) in &self.reached {
            let Some(m) = Month::from_index(month) else { continue };
            let dims = [Some(u16::from(door)), None, None, None, None, None];
            if m.first_day().days() + i64::from(m.days()) - 1 + 30 <= as_of {
                put(month, M::Followed30Days, dims, referrals);
                put(month, M::ReachedWithin30Days, dims, within);
                put(month, M::NotReachedWithin30Days, dims, referrals - within);
            } else {
                put(month, M::NotFollowed30Days, dims, referrals);
            }
        }
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
                None,
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
        for (&month, c) in &self.caseloads {
            put(month, M::CaseManagerMonths, none, c.managers);
            put(month, M::CaseloadSum, none, c.sum);
            put(month, M::CaseManagersOver25, none, c.over_25);
            put(month, M::CaseManagersAtMost25, none, c.managers - c.over_25);
        }
        for (&(month, race), &(eligible, booked)) in &self.arrests {
            let dims = [None, None, None, None, Some(u16::from(race)), None];
            put(month, M::EligibleArrests, dims, eligible);
            put(month, M::Booked, dims, booked);
            put(month, M::EligibleNotBooked, dims, eligible - booked);
        }
        for (&month, &(known, charged)) in &self.charging {
            put(month, M::ChargeKnownArrests, none, known);
            put(month, M::ChargedArrests, none, charged);
            put(month, M::NotChargedArrests, none, known - charged);
        }
        for (&(month, group), &(respondents, satisfied)) in &self.surveys {
            let (all, yes, no) = match group {
                RespondentGroup::Participant => (
                    M::RespondentsParticipants,
                    M::SatisfiedParticipants,
                    M::NotSatisfiedParticipants,
                ),
                RespondentGroup::Partner => (M::RespondentsPartners, M::SatisfiedPartners, M::NotSatisfiedPartners),
                RespondentGroup::Community => {
                    (M::RespondentsCommunity, M::SatisfiedCommunity, M::NotSatisfiedCommunity)
                }
            };
            put(month, all, none, respondents);
            put(month, yes, none, satisfied);
            put(month, no, none, respondents - satisfied);
        }
        for (&(month, measure), &n) in &self.comparison {
            put(month, measure, none, n);
        }
        for (&(month, race, measure), &n) in &self.outcome_totals.portal {
            put(month, measure, [None, None, None, None, Some(u16::from(race)), None], n);
        }
        for (&(month, site, measure), &n) in &self.outcome_totals.site {
            put(month, measure, [None, None, None, None, None, Some(u16::from(site))], n);
        }
        for (&(month, door), &(discharges, returned)) in &self.outcome_totals.discharges {
            let dims = [Some(u16::from(door)), None, None, None, None, None];
            put(month, M::Discharges, dims, discharges);
            put(month, M::DischargesReturned, dims, returned);
            put(month, M::DischargesNotReturned, dims, discharges - returned);
        }
        out
    }
}
