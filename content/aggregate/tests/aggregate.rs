//! Aggregation on tiny hand-made exports with known answers, and on a
//! generated export checked against a direct recount.

mod common;

use common::{count_cells, date, recoverable, referral, CellKey};
use lead_aggregate::aggregate::{aggregate, Figure};
use lead_aggregate::cell::SuppressionPolicy;
use lead_aggregate::export::{read, Door, Outcome, Referral, ReferrerType as Rt};
use lead_aggregate::synth::{write_export, SynthConfig};

fn key(measure: &str, period: &str, dims: [&str; 4]) -> CellKey {
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
    let get = |m: &str, p: &str, dims: [&str; 4]| {
        cells
            .get(&key(m, p, dims))
            .copied()
            .unwrap_or_else(|| panic!("cell {m} {p} {dims:?}"))
    };
    assert_eq!(get("referrals", "all", ["all", "", "", ""]), Some(35));
    assert_eq!(get("referrals", "2025-02", ["social_contact", "", "", ""]), Some(20));
    assert_eq!(
        get("referrals", "2025-02", ["community", "", "", ""]),
        Some(0),
        "true zeros show"
    );
    // 3 community referrals: suppressed, in every period that holds them.
    for period in ["2025-01", "2025-Q1", "2025", "all"] {
        assert_eq!(get("referrals", period, ["community", "", "", ""]), None, "{period}");
    }
    // The January row would give 15 - 12 - 0 = 3: its smallest other cell is hidden too.
    assert_eq!(get("referrals", "2025-01", ["arrest_diversion", "", "", ""]), None);
    assert_eq!(get("referrals", "2025-01", ["community", "business", "", ""]), None);
    assert!(recoverable(&cells).is_empty(), "{:?}", recoverable(&cells));
    assert_eq!(
        aggregates.covered.map(|(a, b)| (a.to_string(), b.to_string())),
        Some(("2025-01".into(), "2025-02".into()))
    );
}

#[test]
fn days_to_intake_gives_median_and_share_within_30_days() {
    // Social contacts: 20 intakes, all after 2 days. Arrest diversions: 12
    // intakes at 0, 5, ..., 55 days: 7 within 30, median (25 + 30) / 2.
    let rows = small_export().into_iter().filter(|r| r.door != Door::Community);
    let aggregates = aggregate(rows.map(Ok), SuppressionPolicy::new(5).expect("k")).expect("aggregates");
    let figure = |measure: &str, period: &str, door: &str| {
        aggregates
            .rows
            .iter()
            .find(|r| {
                r.table == "days_to_intake"
                    && r.measure == measure
                    && r.period.to_string() == period
                    && r.dims[0].as_str() == door
            })
            .map(|r| r.figure)
            .unwrap_or_else(|| panic!("{measure} {period} {door}"))
    };
    assert_eq!(figure("median_days_to_intake", "2025-02", "social_contact").text(), "2");
    assert_eq!(
        figure("share_intake_within_30_days", "2025-02", "social_contact").text(),
        "1"
    );
    assert_eq!(figure("referrals_with_intake", "all", "arrest_diversion").text(), "12");
    assert_eq!(figure("intake_within_30_days", "all", "arrest_diversion").text(), "7");
    assert_eq!(
        figure("median_days_to_intake", "all", "arrest_diversion").text(),
        "27.5"
    );
    assert_eq!(
        figure("share_intake_within_30_days", "all", "arrest_diversion").text(),
        "0.5833"
    );
    // 12 - 7 = 5 intakes after 30 days is at k = 5, so publishable.
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
        r.table == "days_to_intake" && r.period.to_string() == "2025-03" && r.dims[0].as_str() == "community"
    }) {
        assert!(row.figure.is_suppressed(), "{} should be suppressed", row.measure);
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
        .filter(|r| r.table == "referrals_by_door" && r.period.kind() == "month")
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
