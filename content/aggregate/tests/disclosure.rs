//! Property tests of the disclosure rules on random small exports: no
//! published count is in 1..k-1, no rate rests on a suppressed count, and no
//! suppressed count can be recovered by differencing. The attacker's
//! equations (margins of every dimension, month -> quarter -> year -> all
//! roll-ups, the same cell shared by several tables) are rebuilt from the
//! published rows alone by `common::equations` and solved by Gaussian
//! elimination, independently of the suppression code.

mod common;

use common::{count_cells, date, recoverable, referral};
use lead_aggregate::aggregate::{aggregate_sources, Aggregates, Figure, Measure, Sources, TABLES};
use lead_aggregate::aggregate::{SiteKind, SiteMeasures};
use lead_aggregate::cell::SuppressionPolicy;
use lead_aggregate::date::Month;
use lead_aggregate::export::{
    Arrests, Caseload, Door, Key, Outcome, OutcomeCode, OutcomeMeasure, OutcomeRow, Population, RaceEthnicity,
    Referral, ReferrerType, RespondentGroup, Slug, Status, SurveyRow, Window,
};
use lead_data::measures::{SiteMeasure, Words};
use proptest::prelude::*;

const MONTHS: [(i32, u8); 5] = [(2024, 11), (2024, 12), (2025, 1), (2025, 2), (2025, 3)];
const TIERS: [&str; 3] = ["priority", "standard", "waitlist"];

/// (month, day, door, referrer, tier, outcome, days to intake, race,
/// status (3 = none), days from enrolment to the status date), as indices.
type Spec = (usize, u8, usize, usize, usize, usize, Option<i64>, usize, usize, i64);

fn arb_referral() -> impl Strategy<Value = Spec> {
    (
        0..MONTHS.len(),
        1u8..=28,
        0..3usize,
        0..6usize,
        0..3usize,
        0..6usize,
        proptest::option::of(0i64..60),
        0..4usize,
        0..4usize,
        0i64..400,
    )
}

/// (month, race, diversion-eligible arrests, booked share in tenths).
type ArrestSpec = (usize, usize, u32, u32);

fn arb_arrests() -> impl Strategy<Value = ArrestSpec> {
    (0..MONTHS.len(), 0..4usize, 0u32..30, 0u32..=10)
}

fn month(i: usize) -> Month {
    Month::new(MONTHS[i].0, MONTHS[i].1).expect("month")
}

/// Aggregates the referrals and arrests, with a census baseline and one
/// case manager per month (always suppressed).
/// (month, respondent group, respondents, satisfied (capped at respondents)).
type SurveySpec = (usize, usize, u32, u32);

fn arb_survey() -> impl Strategy<Value = SurveySpec> {
    (0..MONTHS.len(), 0..3usize, 0u32..30, 0u32..30)
}

fn run(specs: &[Spec], arrests: &[ArrestSpec], surveys: &[SurveySpec], policy: SuppressionPolicy) -> Aggregates {
    let arrests: Vec<Arrests> = arrests
        .iter()
        .map(|&(m, race, eligible, tenths)| Arrests {
            month: month(m),
            neighborhood: Slug::new("downtown").expect("slug"),
            race_ethnicity: RaceEthnicity::ALL[race],
            diversion_eligible_arrests: eligible,
            booked: eligible * tenths / 10,
            // Charging known for some rows only.
            charged: (tenths % 3 != 0).then_some(eligible * (10 - tenths) / 10),
        })
        .collect();
    // From 1 to 13 case managers a month, some of them over 25, so the
    // split of case managers at 25 is attacked too.
    let caseloads: Vec<Caseload> = (0..MONTHS.len())
        .flat_map(|m| {
            (0..1 + (m * 7) % 13).map(move |i| Caseload {
                month: month(m),
                case_manager_key: Key::new(&format!("cm{i}")).expect("key"),
                active_caseload: 15 + ((i * (m + 3)) % 14) as u32,
            })
        })
        .collect();
    let population: Vec<Population> = RaceEthnicity::ALL[..4]
        .iter()
        .map(|&race| Population {
            neighborhood: Slug::new("downtown").expect("slug"),
            race_ethnicity: race,
            population: 100,
        })
        .collect();
    let referrals = build(specs);
    let outcomes = outcomes_of(&referrals);
    let sources = Sources {
        referrals: referrals.into_iter().map(Ok),
        outcomes: outcomes.into_iter().map(Ok),
        caseloads: caseloads.into_iter().map(Ok),
        arrests: arrests.into_iter().map(Ok),
        population: population.into_iter().map(Ok),
        surveys: surveys.iter().map(|&(m, group, respondents, satisfied)| {
            Ok(SurveyRow {
                month: month(m),
                respondent_group: RespondentGroup::ALL[group],
                respondents,
                satisfied: satisfied.min(respondents),
            })
        }),
        comparison: std::iter::empty(),
        declared: declared(),
    };
    aggregate_sources(sources, policy).expect("aggregates")
}

/// Outcome rows for most enrolled people: jail bookings and emergency
/// visits before and after (0 to 4 of each, some people with none at all,
/// so a small group's sum may be zero), housing 12 months on, and for some
/// of them arrests, charges and days in jail.
fn outcomes_of(referrals: &[Referral]) -> Vec<OutcomeRow> {
    let mut rows = Vec::new();
    for (n, r) in referrals.iter().enumerate() {
        if r.outcome != Outcome::Enrolled || n % 5 == 4 {
            continue;
        }
        let row = |measure: OutcomeCode, window, value| OutcomeRow {
            person_key: r.person_key.clone(),
            measure,
            window,
            value,
        };
        let v = |salt: usize| ((n * 7 + salt * 3) % 5) as u32 * u32::from(n % 3 != 0);
        rows.push(row(OutcomeMeasure::JailBookings.into(), Window::Pre12m, v(1)));
        rows.push(row(OutcomeMeasure::JailBookings.into(), Window::Post12m, v(2)));
        rows.push(row(OutcomeMeasure::EdVisits.into(), Window::Pre12m, v(3)));
        rows.push(row(OutcomeMeasure::EdVisits.into(), Window::Post12m, v(4)));
        rows.push(row(
            OutcomeMeasure::Housed.into(),
            Window::Post12m,
            u32::from(n % 2 == 0),
        ));
        // Legal-system use for two people in three.
        if legal_known(n) {
            for (i, measure) in [
                OutcomeMeasure::Arrests,
                OutcomeMeasure::Charges,
                OutcomeMeasure::JailDays,
            ]
            .into_iter()
            .enumerate()
            {
                rows.push(row(measure.into(), Window::Pre12m, v(5 + i)));
                rows.push(row(measure.into(), Window::Post12m, v(8 + i)));
            }
        }
        // The program's own measures; a person missing one window of a
        // measure has the other, which must not count.
        for (site, measure) in declared().measure.iter().enumerate() {
            let code = OutcomeCode::Site(Slug::new(&measure.code).expect("slug"));
            for (w, &window) in measure.windows.iter().enumerate() {
                if !site_known(n, site) && w > 0 {
                    continue;
                }
                let value = match measure.kind {
                    SiteKind::YesNo => v(11 + w) % 2,
                    _ => v(11 + w + site),
                };
                rows.push(row(code.clone(), window, value));
            }
        }
    }
    rows
}

/// Three measures of a program's own, one of each kind.
fn declared() -> SiteMeasures {
    let words = |en: &str| Words {
        en: en.to_owned(),
        es: en.to_owned(),
    };
    let measure = |code: &str, kind, windows: &[Window]| SiteMeasure {
        code: code.to_owned(),
        kind,
        windows: windows.to_vec(),
        name: words(code),
        about: words(code),
    };
    SiteMeasures {
        measure: vec![
            measure("nights", SiteKind::Count, &[Window::Pre12m, Window::Post12m]),
            measure("score", SiteKind::Rate, &[Window::Post6m]),
            measure("covered", SiteKind::YesNo, &[Window::Pre12m, Window::Post12m]),
        ],
    }
}

/// Whether the `n`th referral's person has the `site`th declared measure
/// in every window it names (some have it in one window only, and so do
/// not count for it).
fn site_known(n: usize, site: usize) -> bool {
    !(n + site).is_multiple_of(4)
}

/// Whether the `n`th referral's person has legal-system rows.
fn legal_known(n: usize) -> bool {
    n % 3 != 1
}

/// Whether `month` ("2024-11") falls in `period` ("all", "2024",
/// "2024-Q4", "2024-11").
fn in_period(month: Month, period: &str) -> bool {
    let m = month.to_string();
    let quarter = format!("{}-Q{}", month.year(), month.quarter());
    period == "all" || period == month.year().to_string() || period == m || period == quarter
}

/// How many people (or case-manager months) a published sum adds up, from
/// the export `run` builds.
fn contributors(measure: &str, period: &str, dims: &[String; 6], referrals: &[Referral]) -> u64 {
    if measure == Measure::CaseloadSum.as_str() {
        return (0..MONTHS.len())
            .filter(|&m| in_period(month(m), period))
            .map(|m| 1 + (m * 7) % 13)
            .sum::<usize>() as u64;
    }
    if measure.starts_with("comparison_") {
        // The property tests give no comparison group.
        return 0;
    }
    let race = &dims[4];
    if measure.starts_with("site_measure_") {
        // A single measure's people, in every window it names.
        let declared = declared();
        let site = declared.index_of(&dims[5]).expect("a declared measure");
        // A measure of one window is known for everyone given it.
        let known = |n: usize| site_known(n, site) || declared.measure[site].windows.len() == 1;
        return referrals
            .iter()
            .enumerate()
            .filter(|(n, r)| r.outcome == Outcome::Enrolled && n % 5 != 4 && known(*n))
            .filter_map(|(_, r)| r.enrolled_date)
            .filter(|d| in_period(d.month(), period))
            .count() as u64;
    }
    let legal = ["arrests_", "charges_", "jail_days_"]
        .iter()
        .any(|m| measure.starts_with(m));
    referrals
        .iter()
        .enumerate()
        .filter(|(n, r)| r.outcome == Outcome::Enrolled && n % 5 != 4 && (!legal || legal_known(*n)))
        .filter_map(|(_, r)| r.enrolled_date.map(|d| (d.month(), r.race_ethnicity)))
        .filter(|(m, r)| in_period(*m, period) && (race.is_empty() || race == "all" || race == r.as_str()))
        .count() as u64
}

fn build(specs: &[Spec]) -> Vec<Referral> {
    specs
        .iter()
        .enumerate()
        .map(
            |(n, &(month, day, door, referrer, tier, outcome, intake, race, status, status_after))| {
                let door = Door::ALL[door];
                let (referrer, tier) = if door.is_police() {
                    (ReferrerType::Police, None)
                } else {
                    (ReferrerType::ALL[referrer], Some(TIERS[tier]))
                };
                let (y, m) = MONTHS[month];
                let mut r = referral(n, date(y, m, day), door, referrer, tier, Outcome::ALL[outcome], intake);
                r.race_ethnicity = RaceEthnicity::ALL[race];
                // Some people are referred again, so discharges may be
                // followed by returns; only people with no outcome rows
                // (n % 5 == 4), so the outcome measures' people stay one per
                // referral.
                if n % 5 == 4 && n >= 5 {
                    r.person_key = Key::new(&format!("p{}", n - 5)).expect("key");
                }
                if let (Outcome::Enrolled, Some(intake)) = (r.outcome, r.intake_date) {
                    r.enrolled_date = Some(intake);
                    // Most sign the release of information within days; the
                    // split of referrals by full enrollment is attacked too.
                    r.roi_date = (status_after % 4 != 0)
                        .then(|| lead_aggregate::date::Date::from_days(intake.days() + status_after % 9))
                        .flatten();
                    r.status = Status::ALL.get(status).copied();
                    r.status_date = r
                        .status
                        .and_then(|_| lead_aggregate::date::Date::from_days(intake.days() + status_after));
                }
                r
            },
        )
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn no_suppressed_count_can_be_recovered_by_differencing(
        specs in proptest::collection::vec(arb_referral(), 0..160),
        arrests in proptest::collection::vec(arb_arrests(), 0..12),
        surveys in proptest::collection::vec(arb_survey(), 0..8),
        k in 3u64..12,
    ) {
        let policy = SuppressionPolicy::new(k).expect("k >= 2");
        let aggregates = run(&specs, &arrests, &surveys, policy);
        let cells = count_cells(&aggregates);
        for (key, value) in &cells {
            prop_assert!(value.is_none_or(|v| v == 0 || v >= k), "{:?} = {:?} published", key, value);
        }
        // A sum over people (bookings, visits, cases) is published only
        // when the people it sums over are k or more, whatever its value:
        // counted here from the export itself.
        let referrals = build(&specs);
        for ((measure, period, dims), value) in &cells {
            if value.is_none() || Measure::parse(measure).and_then(Measure::contributors).is_none() {
                continue;
            }
            let n = contributors(measure, period, dims, &referrals);
            prop_assert!(n == 0 || n >= k, "{} {} {:?} published over {} people", measure, period, dims, n);
        }
        let exposed = recoverable(&cells);
        prop_assert!(exposed.is_empty(), "recoverable: {:?}", exposed);
    }

    #[test]
    fn derived_figures_rest_only_on_published_counts(
        specs in proptest::collection::vec(arb_referral(), 0..120),
        arrests in proptest::collection::vec(arb_arrests(), 0..12),
        surveys in proptest::collection::vec(arb_survey(), 0..8),
    ) {
        let aggregates = run(&specs, &arrests, &surveys, SuppressionPolicy::default());
        let cells = count_cells(&aggregates);
        for row in aggregates.rows.iter().filter(|r| matches!(r.figure, Figure::Derived(_))) {
            let dims = row.dims.clone().map(|d| d.as_str().to_owned());
            let base = |m: &str, dims: &[String; 6]| {
                cells.get(&(m.to_owned(), row.period.to_string(), dims.clone())).copied().flatten().is_some()
            };
            let same = |m: &str| base(m, &dims);
            // The count measure the table's derived figures sit on.
            let stage = TABLES
                .iter()
                .find(|t| t.id == row.table)
                .and_then(|t| t.derived.first())
                .map(|d| d.1.as_str())
                .unwrap_or_default();
            let mut all_races = dims.clone();
            all_races[4] = "all".to_owned();
            let mut diversions: [String; 6] = Default::default();
            diversions[0] = "arrest_diversion".to_owned();
            let bases_published = match row.measure {
                "median_days_to_intake" => same("referrals_with_intake"),
                "median_days_to_full_enrollment" => same("referrals_fully_enrolled"),
                "share_intake_within_30_days" => same("referrals_followed_30_days") && same("reached_within_30_days"),
                "retention_6m" => same("enrolments_followed_6m") && same("retained_6m"),
                "retention_12m" => same("enrolments_followed_12m") && same("retained_12m"),
                "share_discharged_returned" => same("discharges") && same("discharges_returned"),
                "average_active_caseload" => same("case_manager_months") && same("active_caseload_sum"),
                "highest_active_caseload" => same("case_manager_months"),
                "share_housed_post_6m" => same("people_followed_housing_6m") && same("housed_post_6m"),
                "share_housed_post_12m" => same("people_followed_housing_12m") && same("housed_post_12m"),
                "jail_bookings_change" => same("jail_bookings_pre_12m") && same("jail_bookings_post_12m"),
                "ed_visits_change" => same("ed_visits_pre_12m") && same("ed_visits_post_12m"),
                "share_satisfied_participants" => {
                    same("survey_respondents_participants") && same("survey_satisfied_participants")
                }
                "share_satisfied_partners" => same("survey_respondents_partners") && same("survey_satisfied_partners"),
                "share_satisfied_community" => {
                    same("survey_respondents_community") && same("survey_satisfied_community")
                }
                "comparison_jail_bookings_change" => {
                    same("comparison_jail_bookings_pre_12m") && same("comparison_jail_bookings_post_12m")
                }
                "comparison_ed_visits_change" => {
                    same("comparison_ed_visits_pre_12m") && same("comparison_ed_visits_post_12m")
                }
                "charge_rate" => same("eligible_arrests_charging_known") && same("eligible_arrests_charged"),
                "arrests_change" => same("arrests_pre_12m") && same("arrests_post_12m"),
                "charges_change" => same("charges_pre_12m") && same("charges_post_12m"),
                "jail_days_change" => same("jail_days_pre_12m") && same("jail_days_post_12m"),
                "site_measure_mean_pre_12m" => same("site_measure_people") && same("site_measure_total_pre_12m"),
                "site_measure_mean_post_6m" => same("site_measure_people") && same("site_measure_total_post_6m"),
                "site_measure_mean_post_12m" => same("site_measure_people") && same("site_measure_total_post_12m"),
                "site_measure_share_pre_12m" => same("site_measure_people") && same("site_measure_yes_pre_12m"),
                "site_measure_share_post_6m" => same("site_measure_people") && same("site_measure_yes_post_6m"),
                "site_measure_share_post_12m" => same("site_measure_people") && same("site_measure_yes_post_12m"),
                "site_measure_change" => same("site_measure_total_pre_12m") && same("site_measure_total_post_12m"),
                "diversion_rate" => same("diversion_eligible_arrests") && base("referrals", &diversions),
                "share_by_race" | "relative_rate" => same(stage) && base(stage, &all_races),
                "stage_relative_rate" => {
                    let previous = TABLES
                        .iter()
                        .find(|t| t.id == row.table)
                        .and_then(|t| t.previous)
                        .expect("a stage-to-stage rate has a stage before");
                    // The stage before, for this race and for all, wherever
                    // published (a dimension a table leaves out is `all`).
                    let norm = |v: &str| if v.is_empty() { "all".to_owned() } else { v.to_owned() };
                    let before = |race: &str| {
                        let mut want = dims.clone().map(|v| norm(&v));
                        for d in previous.clear {
                            want[*d as usize] = "all".to_owned();
                        }
                        want[4] = norm(race);
                        cells.iter().any(|((m, p, d), v)| {
                            m == previous.measure.as_str()
                                && *p == row.period.to_string()
                                && d.clone().map(|v| norm(&v)) == want
                                && v.is_some()
                        })
                    };
                    same(stage) && base(stage, &all_races) && before(&dims[4]) && before("all")
                }
                "population_share" => true,
                other => panic!("no rule for derived measure {other}"),
            };
            prop_assert_eq!(row.figure.is_suppressed(), !bases_published, "{} {} {} {:?}", row.table, row.measure, row.period, dims);
        }
    }
}
