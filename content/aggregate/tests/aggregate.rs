//! Aggregation on tiny hand-made exports with known answers, and on a
//! generated export checked against a direct recount.

mod common;

use common::{count_cells, date, recoverable, referral, CellKey};
use lead_aggregate::aggregate::{aggregate, Figure};
use lead_aggregate::cell::{Derived, SuppressionPolicy};
use lead_aggregate::export::{read, Door, Outcome, Referral, ReferrerType as Rt};
use lead_aggregate::synth::{write_export, SynthConfig};

fn key(measure: &str, period: &str, dims: [&str; 6]) -> CellKey {
    (measure.to_owned(), period.to_owned(), dims.map(str::to_owned))
}

/// 12 arrest diversions and 3 business referrals in January 2025, 20 social
/// contacts in February.
fn small_export() -> Vec<Referral> {
    let mut rows = Vec::new();
    for i in 0..12 {
        rows.push(referral(
            i,
            date(2025, 1, 5),
            Door::ArrestDiversion,
            Rt::Police,
            None,
            Outcome::Enrolled,
            Some(i as i64 * 5),
        ));
    }
    for i in 12..15 {
        rows.push(referral(
            i,
            date(2025, 1, 20),
            Door::Community,
            Rt::Business,
            Some("priority"),
            Outcome::Pending,
            None,
        ));
    }
    for i in 15..35 {
        rows.push(referral(
            i,
            date(2025, 2, 10),
            Door::SocialContact,
            Rt::Police,
            None,
            Outcome::Declined,
            Some(2),
        ));
    }
    rows
}

#[test]
fn small_counts_are_suppressed_with_a_complement_and_the_rest_published() {
    let aggregates = aggregate(small_export().into_iter().map(Ok), SuppressionPolicy::default()).expect("aggregates");
    let cells = count_cells(&aggregates);
    let get = |m: &str, p: &str, dims: [&str; 6]| {
        cells
            .get(&key(m, p, dims))
            .copied()
            .unwrap_or_else(|| panic!("cell {m} {p} {dims:?}"))
    };
    assert_eq!(get("referrals", "all", ["all", "", "", "", "", ""]), Some(35));
    assert_eq!(
        get("referrals", "2025-02", ["social_contact", "", "", "", "", ""]),
        Some(20)
    );
    assert_eq!(
        get("referrals", "2025-02", ["community", "", "", "", "", ""]),
        Some(0),
        "true zeros show"
    );
    // 3 community referrals: suppressed, in every period that holds them.
    for period in ["2025-01", "2025-Q1", "2025", "all"] {
        assert_eq!(
            get("referrals", period, ["community", "", "", "", "", ""]),
            None,
            "{period}"
        );
    }
    // The January row would give 15 - 12 - 0 = 3: its smallest other cell is hidden too.
    assert_eq!(
        get("referrals", "2025-01", ["arrest_diversion", "", "", "", "", ""]),
        None
    );
    assert_eq!(
        get("referrals", "2025-01", ["community", "business", "", "", "", ""]),
        None
    );
    assert!(recoverable(&cells).is_empty(), "{:?}", recoverable(&cells));
    assert_eq!(
        aggregates.covered.map(|(a, b)| (a.to_string(), b.to_string())),
        Some(("2025-01".into(), "2025-02".into()))
    );
}

#[test]
fn days_to_intake_gives_median_and_share_reached_within_30_days() {
    // Arrest diversions on 5 January: 12 intakes at 0, 5, ..., 55 days (7
    // within 30, median (25 + 30) / 2), and 5 people never reached.
    // Social contacts on 10 February: 20 intakes after 2 days, but the data
    // end on 15 March, too soon to look at February 30 days on (January can
    // be: its last day was 43 days before).
    let mut rows: Vec<Referral> = small_export()
        .into_iter()
        .filter(|r| r.door != Door::Community)
        .collect();
    for i in 40..45 {
        let mut never = referral(
            i,
            date(2025, 1, 5),
            Door::ArrestDiversion,
            Rt::Police,
            None,
            Outcome::NotLocated,
            None,
        );
        never.status_date = Some(date(2025, 3, 15));
        rows.push(never);
    }
    // Full enrollment: the six arrest diversions reached within 25 days
    // sign the release of information 3 days after their intake, but the
    // one reached at 10 days signed it on the day of referral (full
    // enrollment then comes with the intake): 3, 8, 10, 18, 23, 28 days.
    for r in rows.iter_mut().filter(|r| r.door == Door::ArrestDiversion) {
        let Some(intake) = r.intake_date else { continue };
        let days = r.referral_date.days_until(intake);
        if days <= 25 {
            r.roi_date = if days == 10 {
                Some(r.referral_date)
            } else {
                lead_aggregate::date::Date::from_days(intake.days() + 3)
            };
        }
    }
    let aggregates = aggregate(rows.into_iter().map(Ok), SuppressionPolicy::new(5).expect("k")).expect("aggregates");
    let figure = |measure: &str, period: &str, door: &str| {
        aggregates
            .rows
            .iter()
            .find(|r| {
                r.table == TableId::DaysToIntake
                    && r.measure == measure
                    && r.period.to_string() == period
                    && r.dims[0].as_str() == door
            })
            .map(|r| r.figure)
            .unwrap_or_else(|| panic!("{measure} {period} {door}"))
    };
    assert_eq!(figure("median_days_to_intake", "2025-02", "social_contact").text(), "2");
    assert_eq!(
        figure("referrals_followed_30_days", "2025-02", "social_contact").text(),
        "0"
    );
    assert_eq!(
        figure("share_intake_within_30_days", "2025-02", "social_contact"),
        Figure::Derived(Derived::NotApplicable),
        "nothing to look at yet"
    );
    assert_eq!(figure("referrals_with_intake", "all", "arrest_diversion").text(), "12");
    assert_eq!(
        figure("referrals_followed_30_days", "all", "arrest_diversion").text(),
        "17"
    );
    assert_eq!(figure("reached_within_30_days", "all", "arrest_diversion").text(), "7");
    // The median is of those reached; the share counts those never reached.
    assert_eq!(
        figure("median_days_to_intake", "all", "arrest_diversion").text(),
        "27.5"
    );
    assert_eq!(
        figure("share_intake_within_30_days", "all", "arrest_diversion").text(),
        "0.4118"
    );
    assert_eq!(
        figure("referrals_fully_enrolled", "all", "arrest_diversion").text(),
        "6"
    );
    assert_eq!(
        figure("median_days_to_full_enrollment", "all", "arrest_diversion").text(),
        "14"
    );
    // 17 - 7 = 10 not reached in time and 5 without an intake are at
    // least k = 5, so publishable; nothing can be worked out.
    assert!(recoverable(&count_cells(&aggregates)).is_empty());
}

#[test]
fn a_rate_on_a_suppressed_count_is_suppressed() {
    let mut rows = small_export();
    // 4 community referrals with intake in March: with_intake = 4 < 11.
    for i in 100..104 {
        rows.push(referral(
            i,
            date(2025, 3, 3),
            Door::Community,
            Rt::Resident,
            Some("standard"),
            Outcome::Enrolled,
            Some(3),
        ));
    }
    let aggregates = aggregate(rows.into_iter().map(Ok), SuppressionPolicy::default()).expect("aggregates");
    for row in aggregates.rows.iter().filter(|r| {
        r.table == TableId::DaysToIntake && r.period.to_string() == "2025-03" && r.dims[0].as_str() == "community"
    }) {
        match row.measure {
            // Too recent for the 30-day look (the data end on 6 March): true
            // zeros, and no share to give.
            "referrals_followed_30_days" | "reached_within_30_days" => assert_eq!(row.figure.text(), "0"),
            "share_intake_within_30_days" | "median_days_to_full_enrollment" => {
                assert_eq!(row.figure, Figure::Derived(Derived::NotApplicable))
            }
            // No release of information signed: a true zero.
            "referrals_fully_enrolled" => assert_eq!(row.figure.text(), "0"),
            _ => assert!(row.figure.is_suppressed(), "{} should be suppressed", row.measure),
        }
    }
}

#[test]
fn every_published_count_is_zero_or_at_least_k_and_no_cell_is_recoverable_in_a_generated_export() {
    let dir = std::env::temp_dir().join(format!("lead-agg-gen-{}", std::process::id()));
    write_export(&SynthConfig::new(5_000, 11), &dir).expect("export");
    let rows: Vec<Referral> = read::<Referral>(&dir)
        .expect("header")
        .collect::<Result<_, _>>()
        .expect("rows");
    let aggregates = aggregate(rows.iter().cloned().map(Ok), SuppressionPolicy::default()).expect("aggregates");
    let cells = count_cells(&aggregates);
    for (key, value) in &cells {
        assert!(value.is_none_or(|v| v == 0 || v >= 11), "{key:?} = {value:?}");
    }
    assert!(
        cells.values().any(Option::is_none),
        "a 5,000-referral export has small monthly cells"
    );
    assert!(recoverable(&cells).is_empty(), "{:?}", recoverable(&cells));

    // Known answers: every published monthly door count equals a recount.
    for row in aggregates
        .rows
        .iter()
        .filter(|r| r.table == TableId::ReferralsByDoor && r.period.kind() == "month")
    {
        let Figure::Count(p) = row.figure else { continue };
        let Some(value) = p.value() else { continue };
        let expected = rows
            .iter()
            .filter(|r| row.period.contains(r.referral_date.month()))
            .filter(|r| row.dims[0].as_str() == "all" || r.door.as_str() == row.dims[0].as_str())
            .count() as u64;
        assert_eq!(value, expected, "{} {}", row.period, row.dims[0].as_str());
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn reading_an_export_directory_gives_the_same_figures_as_its_rows() {
    use lead_aggregate::aggregate::{aggregate_dir, aggregate_sources, Sources};
    use lead_aggregate::export::{Arrests, Caseload, OutcomeRow, Population};

    // aggregate_dir reads each file into one reused row and passes
    // enrolments between threads in batches; the rows collected one by one
    // must give the same figures.
    let dir = std::env::temp_dir().join(format!("lead-agg-dir-{}", std::process::id()));
    // With the demo content's own measures, so that their rows are read
    // both ways too.
    let declared = workspace_declared();
    let config = SynthConfig {
        months: 4,
        declared: declared.clone(),
        ..SynthConfig::new(1_000, 5)
    };
    write_export(&config, &dir).expect("export");
    let from_dir = aggregate_dir(&dir, declared.clone(), SuppressionPolicy::default()).expect("aggregates");
    for m in &declared.measure {
        assert!(from_dir
            .rows
            .iter()
            .any(|r| r.table == TableId::SiteOutcomes && r.dims[5].as_str() == m.code));
    }
    fn rows<T: lead_aggregate::export::ExportRow>(dir: &std::path::Path) -> Vec<T> {
        read::<T>(dir).expect("header").collect::<Result<_, _>>().expect("rows")
    }
    let sources = Sources {
        referrals: rows::<Referral>(&dir).into_iter().map(Ok),
        outcomes: rows::<OutcomeRow>(&dir).into_iter().map(Ok),
        caseloads: rows::<Caseload>(&dir).into_iter().map(Ok),
        arrests: rows::<Arrests>(&dir).into_iter().map(Ok),
        population: rows::<Population>(&dir).into_iter().map(Ok),
        surveys: rows::<lead_aggregate::export::SurveyRow>(&dir).into_iter().map(Ok),
        comparison: rows::<lead_aggregate::export::ComparisonRow>(&dir).into_iter().map(Ok),
        declared: declared.clone(),
    };
    let from_rows = aggregate_sources(sources, SuppressionPolicy::default()).expect("aggregates");
    assert_eq!(from_dir.rows, from_rows.rows);
    assert_eq!(from_dir.referrals_read, 1_000);

    // surveys.csv is optional: without it everything else is the same,
    // and nobody answered a survey.
    std::fs::remove_file(dir.join("surveys.csv")).expect("surveys.csv written");
    let without = aggregate_dir(&dir, declared, SuppressionPolicy::default()).expect("aggregates without surveys.csv");
    let is_survey = |r: &&lead_aggregate::aggregate::Row| r.table == TableId::Satisfaction;
    assert!(from_dir
        .rows
        .iter()
        .any(|r| is_survey(&r) && r.figure.text() != "0" && !r.figure.is_suppressed()));
    for row in without.rows.iter().filter(is_survey) {
        assert!(matches!(row.figure.text().as_str(), "0" | ""), "{row:?}");
    }
    let others = |a: &Aggregates| -> Vec<String> {
        a.rows
            .iter()
            .filter(|r| !is_survey(r))
            .map(|r| format!("{} {} {} {}", r.table, r.measure, r.period, r.figure.text()))
            .collect()
    };
    // The survey months fall inside the referrals' months.
    assert_eq!(from_dir.covered, without.covered);
    assert_eq!(others(&from_dir), others(&without));
    let _ = std::fs::remove_dir_all(dir);
}

// ---------------------------------------------------------------------------
// Engagement, capacity, racial equity and outcomes on one hand-made export.
// k = 5 throughout, so every count below is publishable unless noted.

use lead_aggregate::aggregate::TableId;
use lead_aggregate::aggregate::{aggregate_sources, Aggregates, SiteMeasures, Sources};
use lead_aggregate::date::{Month, Period};
use lead_aggregate::export::{
    Arrests, Caseload, ComparisonRow, ExportError, Key, OutcomeCode, OutcomeMeasure as Om, OutcomeRow, Population,
    RaceEthnicity as Race, RespondentGroup, Slug, Status, SurveyRow, Window,
};

/// 30 arrest diversions referred 2024-01-10 and enrolled 2024-01-20
/// (p0..p29; even = black, odd = white): p0..p14 active, p15..p19 inactive,
/// p20..p24 discharged 2024-03-01 (before 6 months), p25..p29 discharged
/// 2024-09-01 (after 6, before 12 months). 6 social contacts (race
/// unknown) enrolled 2025-02-10, still active: too recent to be followed.
/// The export's latest date is 2025-02-10, so the January 2024 cohort is
/// followed 6 (to 2024-07-21) and 12 (to 2025-01-19) months.
fn engagement_referrals() -> Vec<Referral> {
    let mut rows = Vec::new();
    for i in 0..30 {
        let mut r = referral(
            i,
            date(2024, 1, 10),
            Door::ArrestDiversion,
            Rt::Police,
            None,
            Outcome::Enrolled,
            Some(5),
        );
        r.race_ethnicity = if i % 2 == 0 { Race::Black } else { Race::White };
        r.enrolled_date = Some(date(2024, 1, 20));
        (r.status, r.status_date) = match i {
            0..15 => (Some(Status::Active), None),
            15..20 => (Some(Status::Inactive), Some(date(2024, 6, 1))),
            20..25 => (Some(Status::Discharged), Some(date(2024, 3, 1))),
            _ => (Some(Status::Discharged), Some(date(2024, 9, 1))),
        };
        rows.push(r);
    }
    for i in 30..36 {
        let mut r = referral(
            i,
            date(2025, 2, 1),
            Door::SocialContact,
            Rt::Police,
            None,
            Outcome::Enrolled,
            Some(4),
        );
        r.enrolled_date = Some(date(2025, 2, 10));
        r.status = Some(Status::Active);
        rows.push(r);
    }
    rows
}

fn outcome(person: &str, measure: Om, window: Window, value: u32) -> OutcomeRow {
    OutcomeRow {
        person_key: Key::new(person).expect("key"),
        measure: measure.into(),
        window,
        value,
    }
}

/// The measures the demo content declares.
fn workspace_declared() -> SiteMeasures {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../intake/measures.toml");
    lead_aggregate::declared::read(&path).expect("the demo content's measures")
}

/// A row of a measure the program declares.
fn own(person: &str, code: &str, window: Window, value: u32) -> OutcomeRow {
    OutcomeRow {
        person_key: Key::new(person).expect("key"),
        measure: OutcomeCode::Site(Slug::new(code).expect("code")),
        window,
        value,
    }
}

/// Nights (a count before and after), a score (a rate at 6 months) and
/// coverage (yes or no before and after), as a program declares them.
fn three_declared() -> SiteMeasures {
    let text = r#"
        [[measure]]
        code = "nights"
        kind = "count"
        windows = ["pre_12m", "post_12m"]
        name = { en = "Nights", es = "Noches" }
        about = { en = "Nights in a shelter.", es = "Noches en un albergue." }
        [[measure]]
        code = "score"
        kind = "rate"
        windows = ["post_6m"]
        name = { en = "Score", es = "Puntuación" }
        about = { en = "A score.", es = "Una puntuación." }
        [[measure]]
        code = "covered"
        kind = "yes_no"
        windows = ["pre_12m", "post_12m"]
        name = { en = "Covered", es = "Con cobertura" }
        about = { en = "Has coverage.", es = "Tiene cobertura." }
    "#;
    let declared: SiteMeasures = toml::from_str(text).expect("declarations");
    assert_eq!(declared.problems(), Vec::<String>::new());
    declared
}

fn with_own_rows(rows: Vec<OutcomeRow>) -> Result<Aggregates, lead_aggregate::aggregate::AggregateError> {
    let sources = Sources {
        referrals: ok(engagement_referrals()),
        outcomes: ok(rows),
        caseloads: ok(Vec::new()),
        arrests: ok(Vec::new()),
        population: ok(Vec::new()),
        surveys: ok(Vec::new()),
        comparison: ok(Vec::new()),
        declared: three_declared(),
    };
    aggregate_sources(sources, SuppressionPolicy::new(5).expect("k"))
}

#[test]
fn measures_a_program_declares_are_published_by_their_kind() {
    // p0..p11, enrolled in January 2024: nights 4 before each and 2 after
    // (p11 has no after, so does not count); a score at 6 months for
    // p0..p9 (3 to 7, 50 in all); coverage for p0..p11, 3 before and 6
    // after.
    let mut rows = Vec::new();
    for i in 0..12 {
        let p = format!("p{i}");
        rows.push(own(&p, "nights", Window::Pre12m, 4));
        if i < 11 {
            rows.push(own(&p, "nights", Window::Post12m, 2));
        }
        if i < 10 {
            rows.push(own(&p, "score", Window::Post6m, (i % 5) + 3));
        }
        rows.push(own(&p, "covered", Window::Pre12m, u32::from(i < 3)));
        rows.push(own(&p, "covered", Window::Post12m, u32::from(i < 6)));
    }
    let a = with_own_rows(rows.clone()).expect("aggregates");
    fn at(code: &str) -> [&str; 6] {
        ["", "", "", "", "", code]
    }
    let shown = |m: &str, code: &str| text(&a, "site_outcomes", m, "2024-01", at(code));
    assert_eq!(shown("site_measure_people", "nights"), "11");
    assert_eq!(shown("site_measure_total_pre_12m", "nights"), "44");
    assert_eq!(shown("site_measure_total_post_12m", "nights"), "22");
    assert_eq!(shown("site_measure_change", "nights"), "-0.5");
    assert_eq!(shown("site_measure_people", "score"), "10");
    assert_eq!(shown("site_measure_mean_post_6m", "score"), "5");
    assert_eq!(shown("site_measure_people", "covered"), "12");
    assert_eq!(shown("site_measure_yes_post_12m", "covered"), "6");
    assert_eq!(shown("site_measure_share_post_12m", "covered"), "0.5");
    // 3 with coverage before is small: hidden, and the share on it; the 9
    // without would give it away beside the 12, so they are hidden too.
    let hidden = |m: &str| figure(&a, "site_outcomes", m, "2024-01", at("covered")).is_suppressed();
    assert!(hidden("site_measure_yes_pre_12m") && hidden("site_measure_share_pre_12m"));
    assert!(a.rows.iter().all(|r| r.measure != "site_measure_no_pre_12m"));
    // Each measure has only the figures of its kind and windows, and no
    // margin over measures that count different things.
    let published: Vec<(&str, String)> = a
        .rows
        .iter()
        .filter(|r| r.table == TableId::SiteOutcomes && r.period == Period::All)
        .map(|r| (r.measure, r.dims[5].as_str().to_owned()))
        .collect();
    assert!(published
        .iter()
        .all(|(_, code)| ["nights", "score", "covered"].contains(&code.as_str())));
    assert!(!published.contains(&("site_measure_change", "score".to_owned())));
    assert!(!published.contains(&("site_measure_total_post_6m", "nights".to_owned())));
    assert!(!published.contains(&("site_measure_yes_pre_12m", "nights".to_owned())));

    // A measure the content does not declare, a value a yes-or-no measure
    // cannot have, a window not declared: each named by file, line, column.
    for (bad, expected) in [
        (
            own("p0", "nightz", Window::Pre12m, 1),
            "column `measure`: \"nightz\" is not one of",
        ),
        (
            own("p0", "covered", Window::Pre12m, 2),
            "column `value`: must be 0 or 1",
        ),
        (
            own("p0", "nights", Window::Post6m, 1),
            "column `window`: is not one of the windows",
        ),
    ] {
        let mut rows = rows.clone();
        rows.insert(3, bad);
        let message = with_own_rows(rows).expect_err("refused").to_string();
        assert!(
            message.contains(&format!("outcomes.csv, line 5, {expected}")),
            "{message}"
        );
    }
}

/// p0..p9 followed 12 months: 3 bookings and 2 ED visits each before, 1 and
/// 1 after. p10 has only the before rows (not followed). Housing at 6
/// months for p0..p11 (p0..p5 housed), at 12 months for p0..p9 (p0..p4
/// housed). A person never enrolled is ignored.
fn outcome_rows() -> Vec<OutcomeRow> {
    let mut rows = Vec::new();
    for i in 0..11 {
        let p = format!("p{i}");
        rows.push(outcome(&p, Om::JailBookings, Window::Pre12m, 3));
        rows.push(outcome(&p, Om::EdVisits, Window::Pre12m, 2));
        if i < 10 {
            rows.push(outcome(&p, Om::JailBookings, Window::Post12m, 1));
            rows.push(outcome(&p, Om::EdVisits, Window::Post12m, 1));
            rows.push(outcome(&p, Om::Housed, Window::Post12m, u32::from(i < 5)));
        }
    }
    for i in 0..12 {
        rows.push(outcome(&format!("p{i}"), Om::Housed, Window::Post6m, u32::from(i < 6)));
    }
    for (measure, window) in [(Om::JailBookings, Window::Pre12m), (Om::JailBookings, Window::Post12m)] {
        rows.push(outcome("never_enrolled", measure, window, 50));
    }
    // Legal-system use: arrests known both years for p0..p9 (2 before, 1
    // after each), charges for p0..p5 (3 before, 1 after), days in jail
    // only before (nobody followed: not reported).
    for i in 0..11 {
        let p = format!("p{i}");
        if i < 10 {
            rows.push(outcome(&p, Om::Arrests, Window::Pre12m, 2));
            rows.push(outcome(&p, Om::Arrests, Window::Post12m, 1));
        }
        if i < 6 {
            rows.push(outcome(&p, Om::Charges, Window::Pre12m, 3));
            rows.push(outcome(&p, Om::Charges, Window::Post12m, 1));
        }
        rows.push(outcome(&p, Om::JailDays, Window::Pre12m, 12));
    }
    rows
}

fn month(y: i32, m: u8) -> Month {
    Month::new(y, m).expect("month")
}

/// January 2024: 5 case managers carrying 18, 22, 20, 16, 24 (sum 100);
/// February: 2 carrying 20 and 25 (too few managers to publish).
fn caseload_rows() -> Vec<Caseload> {
    let jan = [18, 22, 20, 16, 24].map(|n| (month(2024, 1), n));
    let feb = [20, 25].map(|n| (month(2024, 2), n));
    jan.into_iter()
        .chain(feb)
        .enumerate()
        .map(|(i, (month, active_caseload))| Caseload {
            month,
            case_manager_key: Key::new(&format!("cm{}", i % 5)).expect("key"),
            active_caseload,
        })
        .collect()
}

fn arrests_row(month: Month, neighborhood: &str, race: Race, eligible: u32, booked: u32) -> Arrests {
    Arrests {
        month,
        neighborhood: Slug::new(neighborhood).expect("slug"),
        race_ethnicity: race,
        diversion_eligible_arrests: eligible,
        booked,
        // Charging known downtown only: half the arrests charged.
        charged: (neighborhood == "downtown").then_some(eligible / 2),
    }
}

/// January 2024: 40 diversion-eligible arrests of Black people (30 booked)
/// and 60 of white people (50 booked), over two neighbourhoods.
fn arrest_rows() -> Vec<Arrests> {
    vec![
        arrests_row(month(2024, 1), "downtown", Race::Black, 25, 20),
        arrests_row(month(2024, 1), "eastgate", Race::Black, 15, 10),
        arrests_row(month(2024, 1), "downtown", Race::White, 60, 50),
    ]
}

/// Census: 200 Black, 600 white, 200 Hispanic/Latino people.
fn population_rows() -> Vec<Population> {
    [
        ("downtown", Race::Black, 150),
        ("eastgate", Race::Black, 50),
        ("downtown", Race::White, 600),
        ("downtown", Race::HispanicLatino, 200),
    ]
    .map(|(n, race, population)| Population {
        neighborhood: Slug::new(n).expect("slug"),
        race_ethnicity: race,
        population,
    })
    .to_vec()
}

/// A comparison group indexed on January 2024: c0..c7 with 3 bookings and
/// 2 emergency visits each before, 2 and 2 after; c8 only before (not
/// followed).
fn comparison_rows() -> Vec<ComparisonRow> {
    let mut rows = Vec::new();
    for i in 0..9 {
        let mut add = |measure, window, value| {
            rows.push(ComparisonRow {
                person_key: Key::new(&format!("c{i}")).expect("key"),
                index_month: month(2024, 1),
                measure,
                window,
                value,
            })
        };
        add(Om::JailBookings, Window::Pre12m, 3);
        add(Om::EdVisits, Window::Pre12m, 2);
        if i < 8 {
            add(Om::JailBookings, Window::Post12m, 2);
            add(Om::EdVisits, Window::Post12m, 2);
        }
    }
    rows
}

/// January 2024: 20 participants answered, 15 satisfied; 6 partner staff,
/// 4 satisfied (too few to publish). No community survey.
fn survey_rows() -> Vec<SurveyRow> {
    [(RespondentGroup::Participant, 20, 15), (RespondentGroup::Partner, 6, 4)]
        .map(|(respondent_group, respondents, satisfied)| SurveyRow {
            month: month(2024, 1),
            respondent_group,
            respondents,
            satisfied,
        })
        .to_vec()
}

fn ok<T>(rows: Vec<T>) -> impl Iterator<Item = Result<T, ExportError>> {
    rows.into_iter().map(Ok)
}

fn whole_export(arrests: Vec<Arrests>) -> Aggregates {
    let sources = Sources {
        referrals: ok(engagement_referrals()),
        outcomes: ok(outcome_rows()),
        caseloads: ok(caseload_rows()),
        arrests: ok(arrests),
        population: ok(population_rows()),
        surveys: ok(survey_rows()),
        comparison: ok(comparison_rows()),
        declared: SiteMeasures::default(),
    };
    aggregate_sources(sources, SuppressionPolicy::new(5).expect("k")).expect("aggregates")
}

/// The figure of `table` for `measure` in `period` whose dimension columns
/// (door, referrer_type, priority_tier, outcome, race_ethnicity) read `dims`.
fn figure(a: &Aggregates, table: &str, measure: &str, period: &str, dims: [&str; 6]) -> Figure {
    a.rows
        .iter()
        .find(|r| {
            r.table.as_str() == table
                && r.measure == measure
                && r.period.to_string() == period
                && r.dims.iter().map(|d| d.as_str()).eq(dims.iter().copied())
        })
        .map(|r| r.figure)
        .unwrap_or_else(|| panic!("{table} {measure} {period} {dims:?}"))
}

fn text(a: &Aggregates, table: &str, measure: &str, period: &str, dims: [&str; 6]) -> String {
    let f = figure(a, table, measure, period, dims);
    assert!(!f.is_suppressed(), "{table} {measure} {period} {dims:?} is suppressed");
    f.text()
}

const DOOR_ALL: [&str; 6] = ["all", "", "", "", "", ""];
const AD: [&str; 6] = ["arrest_diversion", "", "", "", "", ""];
const SC: [&str; 6] = ["social_contact", "", "", "", "", ""];
const NONE: [&str; 6] = ["", "", "", "", "", ""];

fn race(r: &str) -> [&str; 6] {
    ["", "", "", "", r, ""]
}

#[test]
fn engagement_counts_status_and_retention_of_cohorts_old_enough() {
    let a = whole_export(arrest_rows());
    let t = |m: &str, p: &str, d: [&str; 6]| text(&a, "participants_by_status", m, p, d);
    assert_eq!(t("participants_enrolled", "2024-01", AD), "30");
    assert_eq!(t("participants_active", "2024-01", AD), "15");
    assert_eq!(t("participants_inactive", "2024-01", AD), "5");
    assert_eq!(t("participants_enrolled", "all", DOOR_ALL), "36");
    assert_eq!(t("participants_active", "all", DOOR_ALL), "21");
    assert_eq!(t("participants_active", "2025-02", SC), "6");

    let r = |m: &str, p: &str, d: [&str; 6]| text(&a, "retention", m, p, d);
    // 6 months: 15 active + 5 inactive + 5 discharged after 6 months.
    assert_eq!(r("enrolments_followed_6m", "2024-01", AD), "30");
    assert_eq!(r("retained_6m", "2024-01", AD), "25");
    assert_eq!(r("retention_6m", "2024-01", AD), "0.8333");
    assert_eq!(r("retained_12m", "2024-01", AD), "20");
    assert_eq!(r("retention_12m", "2024-01", AD), "0.6667");
    // The February 2025 cohort is too recent: not followed, no rate.
    assert_eq!(r("enrolments_followed_6m", "2025-02", SC), "0");
    assert_eq!(r("retention_6m", "2025-02", SC), "");
    assert_eq!(r("enrolments_followed_6m", "all", DOOR_ALL), "30");
    assert_eq!(r("retention_6m", "all", DOOR_ALL), "0.8333");
    assert!(
        recoverable(&count_cells(&a)).is_empty(),
        "{:?}",
        recoverable(&count_cells(&a))
    );
}

#[test]
fn capacity_averages_caseloads_only_when_managers_and_sum_are_published() {
    let a = whole_export(arrest_rows());
    let c = |m: &str, p: &str| figure(&a, "average_caseload", m, p, NONE);
    // February's 2 managers are suppressed, and so is its average; January's
    // count then is too (else Q1 - January = February).
    assert!(c("case_manager_months", "2024-02").is_suppressed());
    assert!(c("average_active_caseload", "2024-02").is_suppressed());
    assert!(c("case_manager_months", "2024-01").is_suppressed());
    assert!(c("average_active_caseload", "2024-01").is_suppressed());
    // The cases February's 2 managers carry tell about those 2: hidden
    // whatever their number, and January's sum with them (else Q1 -
    // January = February).
    assert!(c("active_caseload_sum", "2024-02").is_suppressed());
    assert!(c("active_caseload_sum", "2024-01").is_suppressed());
    assert_eq!(c("active_caseload_sum", "2024-Q1").text(), "145");
    // Q1: 7 manager-months carrying 145.
    assert_eq!(c("case_manager_months", "2024-Q1").text(), "7");
    assert_eq!(c("average_active_caseload", "2024-Q1").text(), "20.7143");
    assert_eq!(c("average_active_caseload", "all").text(), "20.7143");
    // The highest caseload rests on the same count: 25, in February.
    assert!(c("highest_active_caseload", "2024-01").is_suppressed());
    assert_eq!(c("highest_active_caseload", "2024-Q1").text(), "25");
    // Nobody over 25: a true zero, published.
    assert_eq!(c("case_managers_over_25", "2024-Q1").text(), "0");
    // Waitlisted and declined referrals (none here): true zeros.
    assert_eq!(
        text(
            &a,
            "referrals_waitlisted",
            "referrals",
            "all",
            ["all", "", "", "waitlisted", "", ""]
        ),
        "0"
    );
    assert_eq!(
        text(
            &a,
            "referrals_declined",
            "referrals",
            "2024-01",
            ["arrest_diversion", "", "", "declined", "", ""]
        ),
        "0"
    );
    assert!(
        recoverable(&count_cells(&a)).is_empty(),
        "{:?}",
        recoverable(&count_cells(&a))
    );
}

#[test]
fn racial_equity_gives_count_share_baseline_and_relative_rate_at_each_stage() {
    let a = whole_export(arrest_rows());
    let e = |table: &str, m: &str, d: [&str; 6]| text(&a, table, m, "all", d);
    // Arrests: 40 of 100 Black (census 20%), 60 white (census 60%).
    let arrests = "equity_diversion_eligible_arrests";
    assert_eq!(e(arrests, "diversion_eligible_arrests", race("black")), "40");
    assert_eq!(e(arrests, "share_by_race", race("black")), "0.4");
    assert_eq!(e(arrests, "population_share", race("black")), "0.2");
    assert_eq!(e(arrests, "relative_rate", race("black")), "2");
    assert_eq!(e(arrests, "relative_rate", race("white")), "1");
    // Arrest diversions: 15 of 30 Black.
    let doors = "equity_referrals_by_door";
    assert_eq!(
        e(doors, "referrals", ["arrest_diversion", "", "", "", "black", ""]),
        "15"
    );
    assert_eq!(
        e(doors, "share_by_race", ["arrest_diversion", "", "", "", "black", ""]),
        "0.5"
    );
    assert_eq!(
        e(doors, "relative_rate", ["arrest_diversion", "", "", "", "black", ""]),
        "2.5"
    );
    assert_eq!(
        e(doors, "referrals", ["social_contact", "", "", "", "unknown", ""]),
        "6"
    );
    // No census baseline for "unknown": no relative rate, but not suppressed.
    let unknown = figure(
        &a,
        doors,
        "relative_rate",
        "all",
        ["social_contact", "", "", "", "unknown", ""],
    );
    assert_eq!((unknown.text().as_str(), unknown.is_suppressed()), ("", false));
    // Enrolment: 15 of 36 enrolled referrals were of Black people.
    fn enrolled(r: &str) -> [&str; 6] {
        ["", "", "", "enrolled", r, ""]
    }
    assert_eq!(e("equity_enrolment", "referrals", enrolled("black")), "15");
    assert_eq!(e("equity_enrolment", "share_by_race", enrolled("black")), "0.4167");
    assert_eq!(e("equity_enrolment", "relative_rate", enrolled("black")), "2.0833");
    // Retention at 6 months: 25 of the 30 followed. By race it would be
    // black 12 of 15 and white 13 of 15, but that says 3 and 2 people were
    // not retained: suppressed, and with them every rate on them.
    let retention = "equity_retention";
    assert_eq!(e(retention, "enrolments_followed_6m", race("all")), "30");
    assert_eq!(e(retention, "retained_6m", race("all")), "25");
    for (r, m) in [
        ("black", "retained_6m"),
        ("white", "retained_6m"),
        ("black", "share_by_race"),
        ("black", "stage_relative_rate"),
    ] {
        assert!(figure(&a, retention, m, "all", race(r)).is_suppressed(), "{r} {m}");
    }
    // Stage to stage: arrest diversions are 50% Black against 40% of the
    // eligible arrests; enrollments 15 of 36 as referrals were.
    let diversions = "equity_arrest_diversions";
    fn ad(r: &str) -> [&str; 6] {
        ["arrest_diversion", "", "", "", r, ""]
    }
    assert_eq!(e(diversions, "share_by_race", ad("black")), "0.5");
    assert_eq!(e(diversions, "stage_relative_rate", ad("black")), "1.25");
    assert_eq!(e(diversions, "relative_rate", ad("black")), "2.5");
    assert_eq!(e("equity_enrolment", "stage_relative_rate", enrolled("black")), "1");
    // Bookings: 30 of 40 Black arrests and 50 of 60 white ones, so Black
    // people are 37.5% of bookings against 40% of arrests (and 20% of the
    // population).
    let booked = "equity_bookings";
    assert_eq!(e(booked, "booked", race("black")), "30");
    assert_eq!(e(booked, "share_by_race", race("black")), "0.375");
    assert_eq!(e(booked, "stage_relative_rate", race("black")), "0.9375");
    assert_eq!(e(booked, "stage_relative_rate", race("white")), "1.0417");
    assert_eq!(e(booked, "relative_rate", race("black")), "1.875");
    assert!(
        recoverable(&count_cells(&a)).is_empty(),
        "{:?}",
        recoverable(&count_cells(&a))
    );
}

#[test]
fn a_relative_rate_resting_on_a_suppressed_count_is_suppressed() {
    let mut arrests = arrest_rows();
    arrests.push(arrests_row(month(2024, 1), "downtown", Race::HispanicLatino, 3, 3));
    let a = whole_export(arrests);
    let table = "equity_diversion_eligible_arrests";
    let hispanic = race("hispanic_latino");
    for measure in ["diversion_eligible_arrests", "share_by_race", "relative_rate"] {
        assert!(figure(&a, table, measure, "all", hispanic).is_suppressed(), "{measure}");
    }
    // The census share is not a count of anyone LEAD served.
    assert_eq!(text(&a, table, "population_share", "all", hispanic), "0.2");
    // 103 in total with 3 hidden: one more race is hidden with them.
    let hidden = ["black", "white"]
        .iter()
        .filter(|r| figure(&a, table, "diversion_eligible_arrests", "all", race(r)).is_suppressed())
        .count();
    assert_eq!(hidden, 1);
    assert!(
        recoverable(&count_cells(&a)).is_empty(),
        "{:?}",
        recoverable(&count_cells(&a))
    );
}

#[test]
fn outcomes_at_participant_program_and_system_level() {
    let a = whole_export(arrest_rows());
    let o = |m: &str, p: &str| text(&a, "participant_outcomes", m, p, NONE);
    assert_eq!(o("people_followed_12m", "2024-01"), "10");
    assert_eq!(o("jail_bookings_pre_12m", "2024-01"), "30");
    assert_eq!(o("jail_bookings_post_12m", "all"), "10");
    assert_eq!(o("ed_visits_pre_12m", "2024"), "20");
    assert_eq!(o("ed_visits_post_12m", "all"), "10");
    assert_eq!(o("people_followed_housing_6m", "all"), "12");
    assert_eq!(o("housed_post_6m", "all"), "6");
    assert_eq!(o("share_housed_post_6m", "all"), "0.5");
    assert_eq!(o("people_followed_housing_12m", "all"), "10");
    assert_eq!(o("share_housed_post_12m", "2024-Q1"), "0.5");
    assert_eq!(o("people_followed_12m", "2025-02"), "0");
    // Satisfaction: 15 of 20 participants; the partners' 4 of 6 hidden
    // (and with it their share); nobody asked in the community.
    let survey = |m: &str| figure(&a, "satisfaction", m, "2024-01", NONE);
    assert_eq!(survey("share_satisfied_participants").text(), "0.75");
    assert_eq!(survey("survey_respondents_partners").text(), "6");
    assert!(survey("survey_satisfied_partners").is_suppressed());
    assert!(survey("share_satisfied_partners").is_suppressed());
    assert_eq!(survey("survey_respondents_community").text(), "0");
    assert_eq!(
        survey("share_satisfied_community"),
        Figure::Derived(Derived::NotApplicable)
    );
    // The comparison group: 8 people followed, 24 bookings to 16 (-1/3)
    // where the participants went from 30 to 10 (-2/3); visits unchanged.
    let cmp = |m: &str| text(&a, "comparison_group", m, "2024-01", NONE);
    assert_eq!(cmp("comparison_people_followed_12m"), "8");
    assert_eq!(cmp("comparison_jail_bookings_pre_12m"), "24");
    assert_eq!(cmp("comparison_jail_bookings_change"), "-0.3333");
    assert_eq!(cmp("comparison_ed_visits_change"), "0");
    assert_eq!(
        text(
            &a,
            "equity_participant_outcomes",
            "jail_bookings_change",
            "2024-01",
            ["", "", "", "", "all", ""]
        ),
        "-0.6667"
    );
    let legal = |m: &str| text(&a, "legal_system_use", m, "2024-01", NONE);
    assert_eq!(legal("people_followed_arrests_12m"), "10");
    assert_eq!(legal("arrests_pre_12m"), "20");
    assert_eq!(legal("arrests_change"), "-0.5");
    assert_eq!(legal("people_followed_charges_12m"), "6");
    assert_eq!(legal("charges_post_12m"), "6");
    assert_eq!(legal("charges_change"), "-0.6667");
    assert_eq!(legal("people_followed_jail_days_12m"), "0");
    assert_eq!(legal("jail_days_pre_12m"), "0");
    assert_eq!(legal("jail_days_change"), "");
    // By race: p0..p9 are 5 Black and 5 white people; 15 bookings before
    // and 5 after for each group, two thirds fewer. Housed at 12 months, 3
    // of the 5 Black and 2 of the 5 white people: both small, so hidden,
    // and the shares with them.
    let e = |m: &str, r: &str| text(&a, "equity_participant_outcomes", m, "2024-01", ["", "", "", "", r, ""]);
    assert_eq!(e("people_followed_12m", "black"), "5");
    assert_eq!(e("jail_bookings_pre_12m", "black"), "15");
    assert_eq!(e("jail_bookings_post_12m", "white"), "5");
    assert_eq!(e("jail_bookings_change", "white"), "-0.6667");
    assert_eq!(e("ed_visits_change", "all"), "-0.5");
    assert_eq!(e("housed_post_12m", "all"), "5");
    let hidden = |m: &str, r: &str| {
        figure(&a, "equity_participant_outcomes", m, "2024-01", ["", "", "", "", r, ""]).is_suppressed()
    };
    assert!(hidden("housed_post_12m", "black") && hidden("share_housed_post_12m", "white"));
    assert_eq!(e("people_followed_12m", "unknown"), "0");
    assert_eq!(e("jail_bookings_change", "unknown"), "");
    // Program: 30 arrest diversions of 100 diversion-eligible arrests.
    assert_eq!(
        text(&a, "diversion_rate", "diversion_eligible_arrests", "2024-01", NONE),
        "100"
    );
    assert_eq!(text(&a, "diversion_rate", "diversion_rate", "2024-01", NONE), "0.3");
    assert_eq!(text(&a, "diversion_rate", "diversion_rate", "2024-02", NONE), "");
    // System charging, where known: 12 + 30 charged of 25 + 60.
    let charging = |m: &str| text(&a, "system_charging", m, "2024-01", NONE);
    assert_eq!(charging("eligible_arrests_charging_known"), "85");
    assert_eq!(charging("eligible_arrests_charged"), "42");
    assert_eq!(charging("charge_rate"), "0.4941");
    // System: 80 booked.
    assert_eq!(text(&a, "system_bookings", "booked", "2024-01", NONE), "80");
    assert_eq!(text(&a, "system_bookings", "booked", "all", NONE), "80");
    assert_eq!(
        a.covered.map(|(f, t)| (f.to_string(), t.to_string())),
        Some(("2024-01".into(), "2025-02".into()))
    );
    let _ = (SC, DOOR_ALL);
    assert!(
        recoverable(&count_cells(&a)).is_empty(),
        "{:?}",
        recoverable(&count_cells(&a))
    );
}

#[test]
fn a_discharge_is_counted_in_its_month_and_a_return_when_the_person_enrolls_again() {
    // The engagement export: p20..p24 discharged 2024-03-01, p25..p29 on
    // 2024-09-01. p20..p27 enroll again on 2024-06-15 through social
    // contact: a return for p20..p24, but for p25..p27 an enrollment before
    // their discharge, which is no return.
    let mut referrals = engagement_referrals();
    for (i, p) in (20..28).enumerate() {
        let mut r = referral(
            100 + i,
            date(2024, 6, 1),
            Door::SocialContact,
            Rt::Police,
            None,
            Outcome::Enrolled,
            Some(4),
        );
        r.person_key = Key::new(&format!("p{p}")).expect("key");
        r.enrolled_date = Some(date(2024, 6, 15));
        r.status = Some(Status::Active);
        referrals.push(r);
    }
    let sources = Sources {
        referrals: ok(referrals),
        outcomes: ok(Vec::new()),
        caseloads: ok(Vec::new()),
        arrests: ok(Vec::new()),
        population: ok(Vec::new()),
        surveys: ok(Vec::new()),
        comparison: ok(Vec::new()),
        declared: SiteMeasures::default(),
    };
    let a = aggregate_sources(sources, SuppressionPolicy::new(5).expect("k")).expect("aggregates");
    let t = |m: &str, p: &str, door: &str| text(&a, "discharges_and_returns", m, p, [door, "", "", "", "", ""]);
    assert_eq!(t("discharges", "2024-03", "arrest_diversion"), "5");
    assert_eq!(t("discharges_returned", "2024-03", "arrest_diversion"), "5");
    assert_eq!(t("share_discharged_returned", "2024-03", "all"), "1");
    assert_eq!(t("discharges", "2024-09", "all"), "5");
    assert_eq!(t("discharges_returned", "2024-09", "all"), "0");
    assert_eq!(t("discharges", "2024", "all"), "10");
    assert_eq!(t("share_discharged_returned", "all", "all"), "0.5");
    // The re-enrollments were not discharged.
    assert_eq!(t("discharges", "2024-06", "social_contact"), "0");
}
