//! The cube of every key the tables publish, and the rows of figures:
//! counts from the facts, derived figures from the counts, each decided
//! published or suppressed.

use super::*;

pub(super) struct Cube {
    pub(super) keys: Vec<Key>,
    pub(super) index: FxHashMap<Key, usize>,
}

impl Cube {
    pub(super) fn insert(&mut self, key: Key) -> usize {
        *self.index.entry(key).or_insert_with(|| {
            self.keys.push(key);
            self.keys.len() - 1
        })
    }
}

pub(super) fn periods(covered: Option<(Month, Month)>) -> Vec<Period> {
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
pub(super) fn sub_periods(period: Period, all: &[Period]) -> Vec<Period> {
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

/// Every value combination of `dims`, with `all` margins where the
/// dimension has them.
pub(super) fn combinations(dims: &[Dim], domain: &[u16; N_DIMS]) -> Vec<[Option<u16>; N_DIMS]> {
    let mut out = vec![[None; N_DIMS]];
    for &d in dims {
        out = out
            .into_iter()
            .flat_map(|base| {
                d.has_margin()
                    .then_some(None)
                    .into_iter()
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

/// [`aggregate_sources`] over rows lent one at a time (a file's rows are
/// read into one reused row).
pub(super) fn aggregate_rows<R, O, C, A, P, S, K>(
    sources: Sources<R, O, C, A, P, S, K>,
    policy: SuppressionPolicy,
) -> Result<Aggregates, AggregateError>
where
    R: LendRows<Referral>,
    O: LendRows<OutcomeRow> + Send,
    C: LendRows<Caseload>,
    A: LendRows<Arrests>,
    P: LendRows<Population>,
    S: LendRows<SurveyRow>,
    K: LendRows<ComparisonRow>,
{
    let Sources {
        mut referrals,
        mut outcomes,
        mut caseloads,
        mut arrests,
        mut population,
        mut surveys,
        mut comparison,
        declared,
    } = sources;
    let mut facts = Facts {
        tiers: vec![String::new()],
        ..Facts::default()
    };
    let mut covered: Option<(Month, Month)> = None;
    let mut cover = |m: Month| covered = Some(covered.map_or((m, m), |(a, b)| (a.min(m), b.max(m))));
    let mut read = 0;
    let declared_here = &declared;
    let (counted, outcome_totals, small_files) = std::thread::scope(|scope| {
        // outcomes.csv is the largest file: it is read on the second core
        // while the referrals are counted, which pass it their enrolments.
        let (enrolled, enrolments) = mpsc::channel();
        let reading = scope.spawn(move || read_outcomes(&mut outcomes, enrolments, declared_here));
        let mut count = || -> Result<(), ExportError> {
            while let Some(row) = referrals.next_row() {
                let row = row?;
                cover(row.referral_date.month());
                if let (Outcome::Enrolled, Some(d)) = (row.outcome, row.enrolled_date) {
                    cover(d.month());
                    // A discharge is counted in its own month.
                    if let (Some(Status::Discharged), Some(on)) = (row.status, row.status_date) {
                        cover(on.month());
                    }
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
                facts
                    .caseloads
                    .entry(row.month.index())
                    .or_default()
                    .add(row.active_caseload);
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
                if let Some(charged) = row.charged {
                    let entry = facts.charging.entry(row.month.index()).or_default();
                    entry.0 += u64::from(row.diversion_eligible_arrests);
                    entry.1 += u64::from(charged);
                }
            }
            while let Some(row) = population.next_row() {
                let row = row?;
                facts.population[row.race_ethnicity.index()] += row.population;
            }
            while let Some(row) = surveys.next_row() {
                let row = row?;
                cover(row.month);
                let entry = facts
                    .surveys
                    .entry((row.month.index(), row.respondent_group))
                    .or_default();
                entry.0 += u64::from(row.respondents);
                entry.1 += u64::from(row.satisfied);
            }
            // The comparison group: each person's outcomes around the first
            // index month given for them.
            let mut compared: FxHashMap<PersonKey, (i64, Outcomes)> = FxHashMap::default();
            while let Some(row) = comparison.next_row() {
                let row = row?;
                // Index months outside the export's own add nothing.
                let entry = compared
                    .entry(PersonKey::new(row.person_key.as_str()))
                    .or_insert((row.index_month.index(), Outcomes::default()));
                entry.1.set(row.measure, row.window, row.value);
            }
            facts.comparison = comparison_totals(&compared);
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
        declared.measure.len() as u16,
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
                // A declared measure has only the figures of its kind.
                let site = dims[Dim::SiteMeasure as usize].map(|i| &declared.measure[i as usize]);
                let publishes = |stat: Stat| site.is_none_or(|m| m.publishes(stat));
                for &measure in spec.measures.iter().chain(spec.implied) {
                    if !publishes(measure.into()) {
                        continue;
                    }
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
                    if !publishes(d.into()) {
                        continue;
                    }
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
    // Referrals without an intake (without full enrollment): all referrals
    // less those with one.
    for (i, key) in cube.keys.iter().enumerate() {
        let with = match key.measure {
            Measure::WithoutIntake => Measure::WithIntake,
            Measure::WithoutRoi => Measure::WithRoi,
            _ => continue,
        };
        let all = cube.index.get(&Key {
            measure: Measure::Referrals,
            ..*key
        });
        let with = cube.index.get(&Key { measure: with, ..*key });
        values[i] = all.map_or(0, |&a| values[a]) - with.map_or(0, |&w| values[w]);
    }

    // 3. The additive relations between cells.
    let constraints = constraints::constraints(&cube, &domain, &all_periods);
    // A sum over people is as sensitive as the count of those people: a
    // sum over 1 to k-1 of them (or whose count is not at hand) is
    // protected whatever its value.
    let cells: Vec<CellValue> = cube
        .keys
        .iter()
        .zip(values.iter().zip(&published))
        .map(|(key, (&value, &published))| CellValue {
            value,
            published,
            few_contributors: key.measure.contributors().is_some_and(|people| {
                cube.index
                    .get(&Key {
                        measure: people,
                        ..*key
                    })
                    .is_none_or(|&i| policy.is_small(values[i]))
            }),
        })
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
                    Some(v) => DimValue::Value(value_name(d, v, &tier_names, &declared)),
                }
            });
            let Some(derived) = derived else {
                rows.push(Row {
                    table: spec.id,
                    period: key.period,
                    dims,
                    measure: key.measure.as_str(),
                    figure: Figure::Count(publish(key)),
                });
                continue;
            };
            let figure = match derived {
                DerivedMeasure::MedianDaysToIntake => {
                    Derived::of_group(publish(key), || median_delay(&facts.delays, key))
                }
                DerivedMeasure::MedianDaysToFullEnrollment => {
                    Derived::of_group(publish(key), || median_delay(&facts.enrollment_delays, key))
                }
                DerivedMeasure::ShareWithin30Days => {
                    Derived::ratio(with(key, Measure::ReachedWithin30Days), publish(key))
                }
                DerivedMeasure::Retention6 => Derived::ratio(with(key, Measure::Retained6), publish(key)),
                DerivedMeasure::Retention12 => Derived::ratio(with(key, Measure::Retained12), publish(key)),
                DerivedMeasure::ReturnRate => Derived::ratio(with(key, Measure::DischargesReturned), publish(key)),
                DerivedMeasure::AverageCaseload => Derived::ratio(with(key, Measure::CaseloadSum), publish(key)),
                DerivedMeasure::HighestCaseload => Derived::of_group(publish(key), || highest_caseload(&facts, key)),
                DerivedMeasure::JailBookingsChange => {
                    Derived::change(publish(key), with(key, Measure::JailBookingsPost12))
                }
                DerivedMeasure::EdVisitsChange => Derived::change(publish(key), with(key, Measure::EdVisitsPost12)),
                DerivedMeasure::ComparisonJailBookingsChange => {
                    Derived::change(publish(key), with(key, Measure::ComparisonJailBookingsPost12))
                }
                DerivedMeasure::ComparisonEdVisitsChange => {
                    Derived::change(publish(key), with(key, Measure::ComparisonEdVisitsPost12))
                }
                DerivedMeasure::ArrestsChange => Derived::change(publish(key), with(key, Measure::ArrestsPost12)),
                DerivedMeasure::ChargesChange => Derived::change(publish(key), with(key, Measure::ChargesPost12)),
                DerivedMeasure::JailDaysChange => Derived::change(publish(key), with(key, Measure::JailDaysPost12)),
                DerivedMeasure::ChargeRate => Derived::ratio(with(key, Measure::ChargedArrests), publish(key)),
                DerivedMeasure::SatisfiedParticipants => {
                    Derived::ratio(with(key, Measure::SatisfiedParticipants), publish(key))
                }
                DerivedMeasure::SatisfiedPartners => {
                    Derived::ratio(with(key, Measure::SatisfiedPartners), publish(key))
                }
                DerivedMeasure::SatisfiedCommunity => {
                    Derived::ratio(with(key, Measure::SatisfiedCommunity), publish(key))
                }
                DerivedMeasure::ShareHoused6 => Derived::ratio(with(key, Measure::Housed6), publish(key)),
                DerivedMeasure::ShareHoused12 => Derived::ratio(with(key, Measure::Housed12), publish(key)),
                DerivedMeasure::SiteMeanPre12 => Derived::ratio(with(key, Measure::SiteTotalPre12), publish(key)),
                DerivedMeasure::SiteMeanPost6 => Derived::ratio(with(key, Measure::SiteTotalPost6), publish(key)),
                DerivedMeasure::SiteMeanPost12 => Derived::ratio(with(key, Measure::SiteTotalPost12), publish(key)),
                DerivedMeasure::SiteSharePre12 => Derived::ratio(with(key, Measure::SiteYesPre12), publish(key)),
                DerivedMeasure::SiteSharePost6 => Derived::ratio(with(key, Measure::SiteYesPost6), publish(key)),
                DerivedMeasure::SiteSharePost12 => Derived::ratio(with(key, Measure::SiteYesPost12), publish(key)),
                DerivedMeasure::SiteChange => Derived::change(publish(key), with(key, Measure::SiteTotalPost12)),
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
                DerivedMeasure::StageRelativeRate => {
                    let before = spec.previous.map_or(Derived::NotApplicable, |previous| {
                        let mut dims = key.dims;
                        for &d in previous.clear {
                            dims[d as usize] = None;
                        }
                        share_by_race(&Key {
                            measure: previous.measure,
                            dims,
                            ..*key
                        })
                    });
                    match (share_by_race(key), before) {
                        (Derived::Suppressed, _) | (_, Derived::Suppressed) => Derived::Suppressed,
                        (Derived::Value(share), Derived::Value(base)) if base > 0.0 => Derived::Value(share / base),
                        _ => Derived::NotApplicable,
                    }
                }
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
                measure: derived.as_str(),
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
pub(super) fn dims_mask(dims: &[Option<u16>; N_DIMS]) -> u8 {
    dims.iter()
        .enumerate()
        .filter(|(_, v)| v.is_some())
        .fold(0, |mask, (d, _)| mask | (1 << d))
}

pub(super) fn value_name(d: Dim, v: u16, tiers: &[String], declared: &SiteMeasures) -> String {
    let v = v as usize;
    match d {
        Dim::Door => Door::ALL[v].as_str().to_owned(),
        Dim::ReferrerType => ReferrerType::ALL[v].as_str().to_owned(),
        Dim::PriorityTier => tiers.get(v).cloned().unwrap_or_default(),
        Dim::Outcome => Outcome::ALL[v].as_str().to_owned(),
        Dim::Race => RaceEthnicity::ALL[v].as_str().to_owned(),
        Dim::SiteMeasure => declared.measure.get(v).map(|m| m.code.clone()).unwrap_or_default(),
    }
}

pub(super) fn median_delay(delays: &FxHashMap<(i64, u8), BTreeMap<u32, u64>>, key: &Key) -> Option<f64> {
    let mut merged: BTreeMap<u32, u64> = BTreeMap::new();
    for (&(month, door), delays) in delays {
        let in_period = Month::from_index(month).is_some_and(|m| key.period.contains(m));
        if in_period && key.dims[Dim::Door as usize].is_none_or(|d| d == u16::from(door)) {
            for (&days, &n) in delays {
                *merged.entry(days).or_default() += n;
            }
        }
    }
    median(&merged)
}

/// The largest caseload of one case manager in any month of the key's period.
pub(super) fn highest_caseload(facts: &Facts, key: &Key) -> Option<f64> {
    facts
        .caseloads
        .iter()
        .filter(|(&month, _)| Month::from_index(month).is_some_and(|m| key.period.contains(m)))
        .map(|(_, c)| c.highest)
        .max()
        .map(f64::from)
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
