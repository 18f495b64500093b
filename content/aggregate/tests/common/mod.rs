//! Helpers shared by the aggregation tests: tiny hand-made exports, and an
//! attacker's view of the published cells that is independent of the
//! suppression code (it rebuilds the additive relations from the published
//! rows alone and solves them with floating-point Gaussian elimination).

#![allow(dead_code)]

use std::collections::{BTreeSet, HashMap};

use lead_aggregate::aggregate::{Aggregates, Figure, DIMS, N_DIMS};
use lead_aggregate::date::Date;
use lead_aggregate::export::{Door, Key, Outcome, RaceEthnicity, Referral, ReferrerType, Slug};

/// A referral with the fields the first tables read; the rest fixed.
pub fn referral(
    n: usize,
    date: Date,
    door: Door,
    referrer: ReferrerType,
    tier: Option<&str>,
    outcome: Outcome,
    intake_after: Option<i64>,
) -> Referral {
    Referral {
        referral_key: Key::new(&format!("r{n}")).expect("key"),
        person_key: Key::new(&format!("p{n}")).expect("key"),
        referral_date: date,
        door,
        referrer_type: referrer,
        neighborhood: Slug::new("downtown").expect("slug"),
        race_ethnicity: RaceEthnicity::Unknown,
        gender: None,
        age_band: None,
        priority_tier: tier.map(|t| Slug::new(t).expect("slug")),
        outcome,
        intake_date: intake_after.and_then(|d| Date::from_days(date.days() + d)),
        roi_date: None,
        enrolled_date: None,
        status: None,
        status_date: None,
    }
}

pub fn date(y: i32, m: u8, d: u8) -> Date {
    Date::new(y, m, d).expect("valid date")
}

/// A published count cell: (measure, period, dimension values).
pub type CellKey = (String, String, [String; N_DIMS]);

/// Count cells, deduplicated across tables: value `None` if suppressed.
pub fn count_cells(aggregates: &Aggregates) -> HashMap<CellKey, Option<u64>> {
    let mut cells = HashMap::new();
    for row in &aggregates.rows {
        if let Figure::Count(p) = row.figure {
            let key = (
                row.measure.to_owned(),
                row.period.to_string(),
                row.dims.clone().map(|d| d.as_str().to_owned()),
            );
            let previous = cells.insert(key, p.value());
            assert!(
                previous.is_none_or(|v| v == p.value()),
                "one cell, two published values"
            );
        }
    }
    cells
}

/// Sub-periods of `period` as published strings (years of `all`, quarters
/// of a year, months of a quarter).
fn is_sub_period(whole: &str, part: &str) -> bool {
    match whole.len() {
        3 => part.len() == 4,
        4 => part.len() == 7 && part.starts_with(whole) && part.as_bytes()[5] == b'Q',
        7 if whole.as_bytes()[5] == b'Q' => {
            let quarter = u32::from(whole.as_bytes()[6] - b'0');
            part.len() == 7
                && part[..4] == whole[..4]
                && part.as_bytes()[5] != b'Q'
                && part[5..7].parse::<u32>().is_ok_and(|m| (m - 1) / 3 + 1 == quarter)
        }
        _ => false,
    }
}

/// The equations a reader can write down from the published rows alone.
pub fn equations(cells: &HashMap<CellKey, Option<u64>>) -> Vec<(CellKey, Vec<CellKey>)> {
    let mut domains: Vec<BTreeSet<String>> = vec![BTreeSet::new(); DIMS.len()];
    let mut periods = BTreeSet::new();
    for (_, period, dims) in cells.keys() {
        periods.insert(period.clone());
        for (d, v) in dims.iter().enumerate() {
            if !v.is_empty() && v != "all" {
                domains[d].insert(v.clone());
            }
        }
    }
    let mut out = Vec::new();
    for key in cells.keys() {
        let (measure, period, dims) = key;
        for d in 0..DIMS.len() {
            if dims[d] == "all" {
                let parts: Option<Vec<CellKey>> = domains[d]
                    .iter()
                    .map(|v| {
                        let mut dims = dims.clone();
                        dims[d] = v.clone();
                        let part = (measure.clone(), period.clone(), dims);
                        cells.contains_key(&part).then_some(part)
                    })
                    .collect();
                if let Some(parts) = parts {
                    out.push((key.clone(), parts));
                }
            }
        }
        let parts: Vec<CellKey> = periods
            .iter()
            .filter(|p| is_sub_period(period, p))
            .map(|p| (measure.clone(), p.clone(), dims.clone()))
            .filter(|k| cells.contains_key(k))
            .collect();
        if !parts.is_empty() {
            out.push((key.clone(), parts));
        }
    }
    out
}

/// Suppressed cells whose value the published figures pin down exactly.
pub fn recoverable(cells: &HashMap<CellKey, Option<u64>>) -> Vec<CellKey> {
    let unknowns: Vec<&CellKey> = cells.iter().filter(|(_, v)| v.is_none()).map(|(k, _)| k).collect();
    let column: HashMap<&CellKey, usize> = unknowns.iter().enumerate().map(|(i, k)| (*k, i)).collect();
    let mut matrix: Vec<Vec<f64>> = Vec::new();
    for (total, parts) in equations(cells) {
        let mut row = vec![0.0; unknowns.len()];
        let mut any = false;
        for (key, sign) in std::iter::once((&total, 1.0)).chain(parts.iter().map(|p| (p, -1.0))) {
            if let Some(&j) = column.get(key) {
                row[j] += sign;
                any = true;
            }
        }
        if any {
            matrix.push(row);
        }
    }
    // Gauss-Jordan with partial pivoting.
    let mut rank = 0;
    let mut pivots = Vec::new();
    for c in 0..unknowns.len() {
        let Some(best) = (rank..matrix.len()).max_by(|&a, &b| matrix[a][c].abs().total_cmp(&matrix[b][c].abs())) else {
            break;
        };
        if matrix[best][c].abs() < 1e-9 {
            continue;
        }
        matrix.swap(rank, best);
        let pivot = matrix[rank][c];
        matrix[rank].iter_mut().for_each(|v| *v /= pivot);
        let pivot_row = matrix[rank].clone();
        for (r, row) in matrix.iter_mut().enumerate() {
            if r != rank && row[c].abs() > 1e-12 {
                let f = row[c];
                row.iter_mut().zip(&pivot_row).for_each(|(v, p)| *v -= f * p);
            }
        }
        pivots.push((c, rank));
        rank += 1;
    }
    pivots
        .into_iter()
        .filter(|&(_, r)| matrix[r].iter().filter(|v| v.abs() > 1e-9).count() == 1)
        .map(|(c, _)| unknowns[c].clone())
        .collect()
}
