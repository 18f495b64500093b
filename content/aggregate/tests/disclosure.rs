//! Property tests of the disclosure rules on random small exports: no
//! published count is in 1..k-1, no rate rests on a suppressed count, and no
//! suppressed count can be recovered by differencing. The attacker's
//! equations (margins of every dimension, month -> quarter -> year -> all
//! roll-ups, the same cell shared by several tables) are rebuilt from the
//! published rows alone by `common::equations` and solved by Gaussian
//! elimination, independently of the suppression code.

mod common;

use common::{count_cells, date, recoverable, referral};
use lead_aggregate::aggregate::{aggregate, Figure};
use lead_aggregate::cell::SuppressionPolicy;
use lead_aggregate::export::{Door, Outcome, Referral, ReferrerType};
use proptest::prelude::*;

const MONTHS: [(i32, u8); 5] = [(2024, 11), (2024, 12), (2025, 1), (2025, 2), (2025, 3)];
const TIERS: [&str; 3] = ["priority", "standard", "waitlist"];

/// (month, day, door, referrer, tier, outcome, days to intake), as indices.
type Spec = (usize, u8, usize, usize, usize, usize, Option<i64>);

fn arb_referral() -> impl Strategy<Value = Spec> {
    (
        0..MONTHS.len(),
        1u8..=28,
        0..3usize,
        0..6usize,
        0..3usize,
        0..6usize,
        proptest::option::of(0i64..60),
    )
}

fn build(specs: &[Spec]) -> Vec<Referral> {
    specs
        .iter()
        .enumerate()
        .map(|(n, &(month, day, door, referrer, tier, outcome, intake))| {
            let door = Door::ALL[door];
            let (referrer, tier) = if door.is_police() {
                (ReferrerType::Police, None)
            } else {
                (ReferrerType::ALL[referrer], Some(TIERS[tier]))
            };
            let (y, m) = MONTHS[month];
            referral(n, date(y, m, day), door, referrer, tier, Outcome::ALL[outcome], intake)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn no_suppressed_count_can_be_recovered_by_differencing(
        specs in proptest::collection::vec(arb_referral(), 0..160),
        k in 3u64..12,
    ) {
        let policy = SuppressionPolicy::new(k).expect("k >= 2");
        let aggregates = aggregate(build(&specs).into_iter().map(Ok), policy).expect("aggregates");
        let cells = count_cells(&aggregates);
        for (key, value) in &cells {
            prop_assert!(value.is_none_or(|v| v == 0 || v >= k), "{:?} = {:?} published", key, value);
        }
        let exposed = recoverable(&cells);
        prop_assert!(exposed.is_empty(), "recoverable: {:?}", exposed);
    }

    #[test]
    fn derived_figures_rest_only_on_published_counts(
        specs in proptest::collection::vec(arb_referral(), 0..120),
    ) {
        let aggregates = aggregate(build(&specs).into_iter().map(Ok), SuppressionPolicy::default()).expect("aggregates");
        let cells = count_cells(&aggregates);
        for row in aggregates.rows.iter().filter(|r| matches!(r.figure, Figure::Derived(_))) {
            let dims = row.dims.clone().map(|d| d.as_str().to_owned());
            let base = |m: &str| cells.get(&(m.to_owned(), row.period.to_string(), dims.clone())).copied().flatten();
            let bases_published = base("referrals_with_intake").is_some()
                && (row.measure != "share_intake_within_30_days" || base("intake_within_30_days").is_some());
            prop_assert_eq!(row.figure.is_suppressed(), !bases_published, "{} {} {:?}", row.measure, row.period, dims);
        }
    }
}
