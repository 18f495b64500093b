//! Primary and complementary cell suppression over a set of additive
//! constraints.
//!
//! Published tables are tied together by sums: a margin is the sum of its
//! row, a quarter the sum of its months, and the same count may appear in
//! several tables. Hiding a small count is useless if it equals a published
//! total minus published parts, so suppression is decided here, for all
//! tables at once, before anything is written:
//!
//! 1. Primary: every published count from 1 to k-1 is suppressed, and
//!    every sum over fewer than k people, whatever its value.
//! 2. Complementary: any constraint with exactly one hidden cell that must
//!    stay hidden gets a second one (its smallest published cell, non-zero
//!    first), repeated to a fixpoint.
//! 3. Audit: the fixpoint rule alone can be beaten by combining several
//!    constraints, so the hidden cells' system is row-reduced exactly
//!    (integer Gauss-Jordan) and any protected cell it still pins down gets
//!    a further complement; steps 2 and 3 repeat until nothing is determined.
//!
//! "Hidden" cells include unpublished ones the tables imply (for example
//! referrals without an intake = referrals - referrals with an intake): they
//! are unknown to a reader, and if small they are protected too.

use std::collections::VecDeque;

use crate::cell::SuppressionPolicy;

/// A count in the system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellValue {
    pub value: u64,
    /// Whether some table publishes it. Unpublished cells are implied by
    /// published ones and are protected if small.
    pub published: bool,
    /// A sum over fewer than k people (bookings of two people): protected
    /// whatever its value.
    pub few_contributors: bool,
}

impl CellValue {
    /// A count of people (or a sum over k or more of them).
    pub fn count(value: u64, published: bool) -> CellValue {
        CellValue {
            value,
            published,
            few_contributors: false,
        }
    }

    fn sensitive(&self, policy: SuppressionPolicy) -> bool {
        self.few_contributors || policy.is_small(self.value)
    }
}

/// `total = sum(parts)`, with indices into the cell list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Constraint {
    pub total: usize,
    pub parts: Vec<usize>,
}

impl Constraint {
    fn members(&self) -> impl Iterator<Item = usize> + '_ {
        std::iter::once(self.total).chain(self.parts.iter().copied())
    }
}

/// Why suppression could not be decided.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SuppressError {
    /// A constraint names a cell that does not exist (a bug in the caller).
    #[error("a constraint refers to cell {0}, which does not exist")]
    UnknownCell(usize),
    /// The exact elimination overflowed; nothing is published rather than
    /// something unchecked.
    #[error("the disclosure audit overflowed its integer arithmetic")]
    Overflow,
}

/// Which cells end up suppressed, and how many by each step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub suppressed: Vec<bool>,
    pub primary: usize,
    pub complementary: usize,
    /// Rounds of the exact audit that found something to fix.
    pub audit_rounds: usize,
}

struct State<'a> {
    cells: &'a [CellValue],
    constraints: &'a [Constraint],
    policy: SuppressionPolicy,
    suppressed: Vec<bool>,
    /// Constraint indices each cell belongs to.
    member_of: Vec<Vec<usize>>,
}

impl State<'_> {
    fn hidden(&self, i: usize) -> bool {
        self.suppressed[i] || !self.cells[i].published
    }

    fn protected(&self, i: usize) -> bool {
        self.suppressed[i] || (!self.cells[i].published && self.cells[i].sensitive(self.policy))
    }

    /// The cell of `constraint` to suppress next: published, smallest
    /// non-zero value first (a suppressed zero protects little), then index.
    fn complement_in(&self, constraint: usize) -> Option<usize> {
        self.constraints[constraint]
            .members()
            .filter(|&i| !self.hidden(i))
            .min_by_key(|&i| (self.cells[i].value == 0, self.cells[i].value, i))
    }

    /// Step 2. Returns how many cells it suppressed.
    fn fixpoint(&mut self) -> usize {
        let mut added = 0;
        let mut queue: VecDeque<usize> = (0..self.constraints.len()).collect();
        let mut queued = vec![true; self.constraints.len()];
        while let Some(c) = queue.pop_front() {
            queued[c] = false;
            let mut hidden = self.constraints[c].members().filter(|&i| self.hidden(i));
            let (Some(only), None) = (hidden.next(), hidden.next()) else {
                continue;
            };
            if !self.protected(only) {
                continue;
            }
            if let Some(next) = self.complement_in(c) {
                self.suppressed[next] = true;
                added += 1;
                for &other in &self.member_of[next] {
                    if !queued[other] {
                        queued[other] = true;
                        queue.push_back(other);
                    }
                }
            }
        }
        added
    }

    /// For a determined cell, the nearest constraint (breadth first through
    /// hidden cells) that still has a published cell, and that cell.
    fn complement_near(&self, start: usize) -> Option<usize> {
        let mut seen_cells = vec![false; self.cells.len()];
        let mut seen_constraints = vec![false; self.constraints.len()];
        let mut queue = VecDeque::from([start]);
        seen_cells[start] = true;
        while let Some(cell) = queue.pop_front() {
            for &c in &self.member_of[cell] {
                if std::mem::replace(&mut seen_constraints[c], true) {
                    continue;
                }
                if let Some(next) = self.complement_in(c) {
                    return Some(next);
                }
                for i in self.constraints[c].members() {
                    if !std::mem::replace(&mut seen_cells[i], true) {
                        queue.push_back(i);
                    }
                }
            }
        }
        None
    }
}

/// Decides suppression for `cells` under `constraints`.
pub fn suppress(
    cells: &[CellValue],
    constraints: &[Constraint],
    policy: SuppressionPolicy,
) -> Result<Decision, SuppressError> {
    let mut member_of = vec![Vec::new(); cells.len()];
    for (c, constraint) in constraints.iter().enumerate() {
        for i in constraint.members() {
            member_of.get_mut(i).ok_or(SuppressError::UnknownCell(i))?.push(c);
        }
    }
    let suppressed: Vec<bool> = cells.iter().map(|c| c.published && c.sensitive(policy)).collect();
    let primary = suppressed.iter().filter(|s| **s).count();
    let mut state = State {
        cells,
        constraints,
        policy,
        suppressed,
        member_of,
    };
    let mut complementary = 0;
    let mut audit_rounds = 0;
    loop {
        complementary += state.fixpoint();
        let hidden: Vec<bool> = (0..cells.len()).map(|i| state.hidden(i)).collect();
        let determined = determined_cells(&hidden, constraints)?;
        let exposed: Vec<usize> = determined.into_iter().filter(|&i| state.protected(i)).collect();
        if exposed.is_empty() {
            break;
        }
        audit_rounds += 1;
        let mut added = 0;
        for cell in exposed {
            if let Some(next) = state.complement_near(cell) {
                if !state.suppressed[next] {
                    state.suppressed[next] = true;
                    added += 1;
                }
            }
        }
        if added == 0 {
            // Every cell linked to the exposed ones is already hidden: a
            // reader cannot learn more, and the loop must end.
            break;
        }
        complementary += added;
    }
    Ok(Decision {
        suppressed: state.suppressed,
        primary,
        complementary,
        audit_rounds,
    })
}

fn gcd(a: i128, b: i128) -> i128 {
    let (mut a, mut b) = (a.unsigned_abs(), b.unsigned_abs());
    // Coefficients are almost always small: 64-bit division is many times
    // faster than 128-bit.
    if let (Ok(mut x), Ok(mut y)) = (u64::try_from(a), u64::try_from(b)) {
        while y != 0 {
            (x, y) = (y, x % y);
        }
        return i128::from(x);
    }
    while b != 0 {
        (a, b) = (b, a % b);
    }
    // The gcd of two i128 magnitudes fits unless both are i128::MIN.
    i128::try_from(a).unwrap_or(i128::MAX)
}

/// `v / d` for `d` dividing `v`, in 64 bits when both fit.
fn exact_div(v: i128, d: i128) -> i128 {
    match (i64::try_from(v), i64::try_from(d)) {
        (Ok(v), Ok(d)) => i128::from(v / d),
        _ => v / d,
    }
}

/// A sparse equation over the unknowns: (cell, coefficient), by cell, with
/// no zero coefficients.
type Row = Vec<(usize, i128)>;

/// `fa * a - fb * b`, divided by the gcd of its coefficients.
fn combine(a: &Row, fa: i128, b: &Row, fb: i128) -> Result<Row, SuppressError> {
    let term = |f: i128, v: i128| f.checked_mul(v).ok_or(SuppressError::Overflow);
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let (cell, value) = match (a.get(i), b.get(j)) {
            (Some(&(ca, va)), Some(&(cb, _))) if ca < cb => {
                i += 1;
                (ca, term(fa, va)?)
            }
            (Some(&(ca, va)), Some(&(cb, vb))) if ca == cb => {
                i += 1;
                j += 1;
                (
                    ca,
                    term(fa, va)?
                        .checked_sub(term(fb, vb)?)
                        .ok_or(SuppressError::Overflow)?,
                )
            }
            (_, Some(&(cb, vb))) => {
                j += 1;
                (cb, term(fb, vb)?.checked_neg().ok_or(SuppressError::Overflow)?)
            }
            (Some(&(ca, va)), None) => {
                i += 1;
                (ca, term(fa, va)?)
            }
            (None, None) => break,
        };
        if value != 0 {
            out.push((cell, value));
        }
    }
    let common = out.iter().fold(0, |g, &(_, v)| gcd(g, v));
    if common > 1 {
        out.iter_mut().for_each(|(_, v)| *v = exact_div(*v, common));
    }
    Ok(out)
}

/// The Mersenne prime 2^61 - 1: the solutions are drawn modulo it.
const PRIME: u64 = (1 << 61) - 1;

fn modp(v: i128) -> u64 {
    match i64::try_from(v) {
        Ok(v) => v.rem_euclid(PRIME as i64) as u64,
        Err(_) => v.rem_euclid(i128::from(PRIME)) as u64,
    }
}

/// Both below the prime.
fn add_mod(a: u64, b: u64) -> u64 {
    let s = a + b;
    if s >= PRIME {
        s - PRIME
    } else {
        s
    }
}

/// Both below the prime: 2^61 = 1 modulo it, so the high bits fold down.
fn mul_mod(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    let folded = (p & u128::from(PRIME)) as u64 + (p >> 61) as u64;
    if folded >= PRIME {
        folded - PRIME
    } else {
        folded
    }
}

/// `a^-1` modulo the prime (Fermat), or `None` for zero.
fn inverse_mod(a: u64) -> Option<u64> {
    // Coefficients are mostly 1 and -1, their own inverses.
    if a == 1 || a == PRIME - 1 {
        return Some(a);
    }
    if a.is_multiple_of(PRIME) {
        return None;
    }
    let (mut base, mut exp, mut out) = (a % PRIME, PRIME - 2, 1u64);
    while exp > 0 {
        if exp & 1 == 1 {
            out = mul_mod(out, base);
        }
        base = mul_mod(base, base);
        exp >>= 1;
    }
    Some(out)
}

/// A small seeded generator (SplitMix64): the same draws on every run, so
/// a export always gets the same suppression.
struct SplitMix(u64);

impl SplitMix {
    fn below_prime(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        1 + (z ^ (z >> 31)) % (PRIME - 1)
    }
}

/// `row` with `basis[pivot]`'s column eliminated (the row holds it).
fn eliminate(row: &Row, basis_row: &Row, column: usize) -> Result<Row, SuppressError> {
    let coefficient = |r: &Row| r.iter().find(|e| e.0 == column).map_or(0, |e| e.1);
    let (rv, bv) = (coefficient(row), coefficient(basis_row));
    let g = gcd(rv, bv).max(1);
    combine(row, exact_div(bv, g), basis_row, exact_div(rv, g))
}

/// The hidden cells whose value follows exactly from the published ones:
/// each constraint is a linear equation whose hidden cells are unknowns and
/// whose published cells are known. A hidden cell is determined iff its
/// unit vector lies in the row space of the unknowns' coefficients, that
/// is iff it is zero in every solution of the homogeneous system.
///
/// Tables of sums are mostly trees, so the system is peeled first, in time
/// linear in its size: an equation left with one unknown determines it (it
/// becomes known everywhere); an unknown that only one equation still
/// holds makes that equation useless to every other unknown, so the
/// equation is set aside (it comes back last, to give its own unknown).
/// What is left is brought to echelon form in exact integer arithmetic;
/// then two random solutions are drawn through it (see below). Every
/// determined cell is found; one that is not is reported only with
/// negligible probability, which would hide one figure more, never less.
pub fn determined_cells(hidden: &[bool], constraints: &[Constraint]) -> Result<Vec<usize>, SuppressError> {
    let is_hidden = |i: usize| hidden.get(i).copied().unwrap_or(false);
    let rows: Vec<Row> = constraints
        .iter()
        .filter_map(|c| {
            let mut row: Row = std::iter::once((c.total, 1))
                .chain(c.parts.iter().map(|&p| (p, -1)))
                .filter(|&(i, _)| is_hidden(i))
                .collect();
            row.sort_unstable_by_key(|e| e.0);
            // The same cell twice in one constraint: one coefficient.
            let mut merged: Row = Vec::with_capacity(row.len());
            for (cell, value) in row {
                match merged.last_mut() {
                    Some(last) if last.0 == cell => last.1 += value,
                    _ => merged.push((cell, value)),
                }
            }
            merged.retain(|e| e.1 != 0);
            (!merged.is_empty()).then_some(merged)
        })
        .collect();

    // Peeling.
    let n = hidden.len();
    let mut rows_of: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (r, row) in rows.iter().enumerate() {
        for &(cell, _) in row {
            rows_of[cell].push(r);
        }
    }
    let mut live = vec![true; rows.len()];
    let mut known = vec![false; n];
    let mut unknowns: Vec<usize> = rows.iter().map(Vec::len).collect();
    let mut holders: Vec<usize> = rows_of.iter().map(Vec::len).collect();
    let mut determined = Vec::new();
    let mut set_aside: Vec<(usize, usize)> = Vec::new();
    let mut row_queue: VecDeque<usize> = (0..rows.len()).filter(|&r| unknowns[r] <= 1).collect();
    let mut cell_queue: VecDeque<usize> = (0..n).filter(|&i| holders[i] == 1).collect();
    loop {
        if let Some(r) = row_queue.pop_front() {
            if !live[r] || unknowns[r] > 1 {
                continue;
            }
            live[r] = false;
            if let Some(&(cell, _)) = rows[r].iter().find(|e| !known[e.0]) {
                known[cell] = true;
                determined.push(cell);
                for &other in &rows_of[cell] {
                    if live[other] {
                        unknowns[other] -= 1;
                        if unknowns[other] <= 1 {
                            row_queue.push_back(other);
                        }
                    }
                }
            }
        } else if let Some(cell) = cell_queue.pop_front() {
            if known[cell] || holders[cell] != 1 {
                continue;
            }
            let Some(&r) = rows_of[cell].iter().find(|&&r| live[r]) else {
                continue;
            };
            if unknowns[r] <= 1 {
                row_queue.push_back(r);
                continue;
            }
            live[r] = false;
            set_aside.push((r, cell));
            for &(other, _) in &rows[r] {
                if !known[other] && other != cell {
                    holders[other] -= 1;
                    if holders[other] == 1 {
                        cell_queue.push_back(other);
                    }
                }
            }
            holders[cell] = 0;
        } else {
            break;
        }
    }
    let unknown_part = |r: usize| -> Row { rows[r].iter().copied().filter(|e| !known[e.0]).collect() };

    // The core: an echelon basis (pivot = first cell of its row, every
    // other cell after it), in exact integer arithmetic.
    const NONE: usize = usize::MAX;
    let mut basis: Vec<Row> = Vec::new();
    let mut pivot_of = vec![NONE; n];
    for r in (0..rows.len()).filter(|&r| live[r]) {
        let mut row = unknown_part(r);
        while let Some(&(first, _)) = row.first() {
            match pivot_of[first] {
                NONE => {
                    pivot_of[first] = basis.len();
                    basis.push(row);
                    break;
                }
                b => row = eliminate(&row, &basis[b], first)?,
            }
        }
    }

    // A cell is determined iff every solution of the homogeneous system
    // (every way to change the hidden cells that keeps each sum) leaves it
    // at zero. Two solutions are drawn: the free cells (neither a pivot nor
    // a set-aside equation's own) take random values modulo a prime, each
    // pivot follows by back-substitution (last pivot first), each
    // set-aside equation gives its own cell (last set aside first). A
    // determined cell is zero in every solution, so it is always found; a
    // cell that is not is zero in both by chance with probability about
    // 2^-122, and would then only be hidden once more. Linear in the size
    // of the echelon basis, where reducing it fully was quadratic in its
    // fill-in.
    let owns: Vec<(usize, &Row)> = set_aside.iter().rev().map(|&(r, own)| (own, &rows[r])).collect();
    let mut is_own = vec![false; n];
    for &(own, _) in &owns {
        is_own[own] = true;
    }
    let mut random = SplitMix(0x1ead_5eed);
    let mut zero_in_all = vec![true; n];
    for _ in 0..2 {
        let mut x = vec![0u64; n];
        for cell in (0..n).filter(|&i| is_hidden(i) && !known[i] && pivot_of[i] == NONE && !is_own[i]) {
            x[cell] = random.below_prime();
        }
        let mut solve = |cell: usize, row: &Row| -> Result<(), SuppressError> {
            let mut sum = 0u64;
            let mut own = 0u64;
            for &(c, v) in row.iter().filter(|e| !known[e.0]) {
                if c == cell {
                    own = modp(v);
                } else {
                    sum = add_mod(sum, mul_mod(modp(v), x[c]));
                }
            }
            // The coefficient of the cell solved for is a small integer,
            // never a multiple of the prime; if it were, no answer rather
            // than a wrong one.
            let inverse = inverse_mod(own).ok_or(SuppressError::Overflow)?;
            x[cell] = mul_mod((PRIME - sum) % PRIME, inverse);
            Ok(())
        };
        let mut pivots: Vec<usize> = (0..basis.len()).collect();
        pivots.sort_unstable_by_key(|&b| std::cmp::Reverse(basis[b][0].0));
        for b in pivots {
            solve(basis[b][0].0, &basis[b])?;
        }
        for &(own, row) in &owns {
            solve(own, row)?;
        }
        for (cell, value) in x.iter().enumerate() {
            zero_in_all[cell] &= *value == 0;
        }
    }
    determined.extend(basis.iter().map(|row| row[0].0).filter(|&p| zero_in_all[p]));
    determined.extend(owns.iter().map(|&(own, _)| own).filter(|&o| zero_in_all[o]));
    determined.sort_unstable();
    determined.dedup();
    Ok(determined)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(values: &[u64]) -> Vec<CellValue> {
        values.iter().map(|&value| CellValue::count(value, true)).collect()
    }

    fn sum(total: usize, parts: &[usize]) -> Constraint {
        Constraint {
            total,
            parts: parts.to_vec(),
        }
    }

    #[test]
    fn a_lone_small_cell_gets_the_smallest_other_cell_as_complement() {
        // total, a, b, c
        let cells = cells(&[100, 4, 60, 36]);
        let decision = suppress(&cells, &[sum(0, &[1, 2, 3])], SuppressionPolicy::default()).expect("decided");
        assert_eq!(decision.suppressed, vec![false, true, false, true]);
        assert_eq!((decision.primary, decision.complementary), (1, 1));
    }

    #[test]
    fn a_complement_is_not_needed_when_two_cells_are_small() {
        let cells = cells(&[100, 4, 5, 91]);
        let decision = suppress(&cells, &[sum(0, &[1, 2, 3])], SuppressionPolicy::default()).expect("decided");
        assert_eq!(decision.suppressed, vec![false, true, true, false]);
    }

    #[test]
    fn zeros_show_and_are_not_chosen_while_a_non_zero_cell_remains() {
        let cells = cells(&[50, 3, 0, 47]);
        let decision = suppress(&cells, &[sum(0, &[1, 2, 3])], SuppressionPolicy::default()).expect("decided");
        assert_eq!(decision.suppressed, vec![false, true, false, true]);
    }

    #[test]
    fn an_unpublished_small_cell_implied_by_a_difference_is_protected() {
        // referrals = with_intake + without_intake, without_intake unpublished.
        let mut cells = cells(&[40, 35, 5]);
        cells[2].published = false;
        let decision = suppress(&cells, &[sum(0, &[1, 2])], SuppressionPolicy::default()).expect("decided");
        assert_eq!(decision.suppressed, vec![false, true, false]);
    }

    #[test]
    fn the_audit_finds_a_cell_pinned_by_several_constraints() {
        // x = a + b (row) and a = c (the same count in another table);
        // suppress a: the row gets a complement b, but the equality with c
        // needs c too, and the audit then checks the whole system.
        let cells = cells(&[50, 5, 45, 5]);
        let constraints = [sum(0, &[1, 2]), sum(3, &[1])];
        let decision = suppress(&cells, &constraints, SuppressionPolicy::default()).expect("decided");
        let hidden: Vec<bool> = decision.suppressed.clone();
        assert!(determined_cells(&hidden, &constraints).expect("audit").is_empty());
        assert!(decision.suppressed[1] && decision.suppressed[3]);
    }

    /// The rank of a small dense integer matrix (fraction-free elimination).
    fn rank(mut m: Vec<Vec<i128>>) -> usize {
        let width = m.first().map_or(0, Vec::len);
        let mut rank = 0;
        for column in 0..width {
            let Some(found) = (rank..m.len()).find(|&r| m[r][column] != 0) else {
                continue;
            };
            m.swap(rank, found);
            let pivot = m[rank].clone();
            for row in m.iter_mut().skip(rank + 1) {
                let factor = row[column];
                if factor != 0 {
                    for (v, &p) in row.iter_mut().zip(&pivot) {
                        *v = *v * pivot[column] - p * factor;
                    }
                    let g = row.iter().fold(0, |g, &v| gcd(g, v));
                    if g > 1 {
                        row.iter_mut().for_each(|v| *v /= g);
                    }
                }
            }
            rank += 1;
        }
        rank
    }

    /// The definition itself: a hidden cell is determined iff adding its
    /// unit vector to the equations leaves their rank unchanged.
    fn determined_by_definition(hidden: &[bool], constraints: &[Constraint]) -> Vec<usize> {
        let unknowns: Vec<usize> = (0..hidden.len()).filter(|&i| hidden[i]).collect();
        let dense: Vec<Vec<i128>> = constraints
            .iter()
            .map(|c| {
                let mut row = vec![0i128; unknowns.len()];
                for (cell, v) in std::iter::once((c.total, 1)).chain(c.parts.iter().map(|&p| (p, -1))) {
                    if let Ok(j) = unknowns.binary_search(&cell) {
                        row[j] += v;
                    }
                }
                row
            })
            .collect();
        let base = rank(dense.clone());
        (0..unknowns.len())
            .filter(|&j| {
                let mut with = dense.clone();
                let mut unit = vec![0i128; unknowns.len()];
                unit[j] = 1;
                with.push(unit);
                rank(with) == base
            })
            .map(|j| unknowns[j])
            .collect()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1000))]
        /// Peeling, the echelon form, the random solutions and the
        /// set-aside equations find exactly the cells the definition finds,
        /// on random systems of sums (trees, shared cells, cycles, repeats).
        #[test]
        fn determined_cells_are_exactly_those_the_definition_finds(
            hidden in proptest::collection::vec(proptest::bool::weighted(0.6), 4..14),
            sums in proptest::collection::vec((0usize..14, proptest::collection::vec(0usize..14, 1..5)), 1..12),
        ) {
            let n = hidden.len();
            let constraints: Vec<Constraint> = sums
                .into_iter()
                .map(|(total, parts)| sum(total % n, &parts.into_iter().map(|p| p % n).collect::<Vec<_>>()))
                .collect();
            proptest::prop_assert_eq!(
                determined_cells(&hidden, &constraints).expect("audit"),
                determined_by_definition(&hidden, &constraints)
            );
        }
    }

    #[test]
    fn elimination_sees_through_combinations_of_constraints() {
        // a + b = T1, b + c = T2, a + c = T3 with a, b, c hidden: each
        // constraint has two hidden cells, yet all three are determined.
        let constraints = [sum(3, &[0, 1]), sum(4, &[1, 2]), sum(5, &[0, 2])];
        let hidden = [true, true, true, false, false, false];
        assert_eq!(determined_cells(&hidden, &constraints).expect("audit"), vec![0, 1, 2]);
        // A fourth unknown in one of them frees everything.
        let constraints = [sum(3, &[0, 1, 6]), sum(4, &[1, 2]), sum(5, &[0, 2])];
        let hidden = [true, true, true, false, false, false, true];
        assert!(determined_cells(&hidden, &constraints).expect("audit").is_empty());
    }
}
