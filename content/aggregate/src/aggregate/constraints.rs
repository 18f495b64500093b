//! The additive relations between published cells (margins, period
//! roll-ups, measures that split another), handed to suppression so no
//! suppressed count can be worked out from published ones.

use super::*;

/// Each split `measure = sum(parts)`, for every key.
pub(super) fn splits(measure: Measure) -> &'static [&'static [Measure]] {
    use Measure as M;
    match measure {
        M::Referrals => &[
            &[M::WithIntake, M::WithoutIntake],
            &[M::WithRoi, M::WithoutRoi],
            &[M::Followed30Days, M::NotFollowed30Days],
        ],
        M::Followed30Days => &[&[M::ReachedWithin30Days, M::NotReachedWithin30Days]],
        M::Enrolled => &[
            &[M::Active, M::Inactive, M::Discharged],
            &[M::Followed6, M::NotFollowed6],
        ],
        M::Followed6 => &[&[M::Retained6, M::NotRetained6], &[M::Followed12, M::Followed6Not12]],
        M::Followed12 => &[&[M::Retained12, M::NotRetained12]],
        M::Discharges => &[&[M::DischargesReturned, M::DischargesNotReturned]],
        M::EligibleArrests => &[&[M::Booked, M::EligibleNotBooked]],
        M::ChargeKnownArrests => &[&[M::ChargedArrests, M::NotChargedArrests]],
        M::CaseManagerMonths => &[&[M::CaseManagersOver25, M::CaseManagersAtMost25]],
        M::HousingPeople6 => &[&[M::Housed6, M::NotHoused6]],
        M::RespondentsParticipants => &[&[M::SatisfiedParticipants, M::NotSatisfiedParticipants]],
        M::RespondentsPartners => &[&[M::SatisfiedPartners, M::NotSatisfiedPartners]],
        M::RespondentsCommunity => &[&[M::SatisfiedCommunity, M::NotSatisfiedCommunity]],
        M::HousingPeople12 => &[&[M::Housed12, M::NotHoused12]],
        M::SitePeople => &[
            &[M::SiteYesPre12, M::SiteNoPre12],
            &[M::SiteYesPost6, M::SiteNoPost6],
            &[M::SiteYesPost12, M::SiteNoPost12],
        ],
        _ => &[],
    }
}

/// Margins (per dimension), period roll-ups and measure splits, for every
/// cell whose parts are all in the cube.
pub(super) fn constraints(cube: &Cube, domain: &[u16; N_DIMS], periods: &[Period]) -> Vec<Constraint> {
    let mut out = Vec::new();
    let mut push = |total: usize, parts: Option<Vec<usize>>| {
        if let Some(parts) = parts.filter(|p| !p.is_empty()) {
            out.push(Constraint { total, parts });
        }
    };
    for (total, key) in cube.keys.iter().enumerate() {
        for d in DIMS {
            if d.has_margin() && key.dims[d as usize].is_none() {
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
