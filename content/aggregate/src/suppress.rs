//! Primary and complementary cell suppression over a set of additive
//! constraints.
//!
//! Published tables are tied together by sums: a margin is the sum of its
//! row, a quarter the sum of its months, and the same count may appear in
//! several tables. Hiding a small count is useless if it equals a published
//! total minus published parts, so suppression is decided here, for all
//! tables at once, before anything is written:
//!
//! 1. Primary: every published count from 1 to k-1 is suppressed.
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
        self.suppressed[i] || (!self.cells[i].published && self.policy.is_small(self.cells[i].value))
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
    let suppressed: Vec<bool> = cells.iter().map(|c| c.published && policy.is_small(c.value)).collect();
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

fn gcd(mut a: i128, mut b: i128) -> i128 {
    a = a.abs();
    b = b.abs();
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// The hidden cells whose value follows exactly from the published ones:
/// each constraint is a linear equation whose hidden cells are unknowns and
/// whose published cells are known. A hidden cell is determined iff, in the
/// reduced row echelon form of the unknowns' coefficient matrix, it is a
/// pivot whose row has no free column. Connected groups of unknowns are
/// reduced separately to keep the matrices small.
pub fn determined_cells(hidden: &[bool], constraints: &[Constraint]) -> Result<Vec<usize>, SuppressError> {
    // Union-find over hidden cells that share a constraint.
    let mut parent: Vec<usize> = (0..hidden.len()).collect();
    fn find(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let unknowns_of = |c: &Constraint| -> Vec<(usize, i128)> {
        std::iter::once((c.total, 1))
            .chain(c.parts.iter().map(|&p| (p, -1)))
            .filter(|&(i, _)| hidden.get(i).copied().unwrap_or(false))
            .collect()
    };
    let rows: Vec<Vec<(usize, i128)>> = constraints.iter().map(unknowns_of).filter(|r| !r.is_empty()).collect();
    for row in &rows {
        let root = find(&mut parent, row[0].0);
        for &(i, _) in &row[1..] {
            let other = find(&mut parent, i);
            parent[other] = root;
        }
    }
    let mut groups: std::collections::HashMap<usize, Vec<usize>> = std::collections::HashMap::new();
    for (r, row) in rows.iter().enumerate() {
        let root = find(&mut parent, row[0].0);
        groups.entry(root).or_default().push(r);
    }
    let mut determined = Vec::new();
    let mut roots: Vec<usize> = groups.keys().copied().collect();
    roots.sort_unstable();
    for root in roots {
        let group = &groups[&root];
        let mut columns: Vec<usize> = group.iter().flat_map(|&r| rows[r].iter().map(|e| e.0)).collect();
        columns.sort_unstable();
        columns.dedup();
        let mut matrix: Vec<Vec<i128>> = group
            .iter()
            .map(|&r| {
                let mut dense = vec![0i128; columns.len()];
                for &(i, coefficient) in &rows[r] {
                    if let Ok(j) = columns.binary_search(&i) {
                        dense[j] += coefficient;
                    }
                }
                dense
            })
            .collect();
        for (j, row) in reduce(&mut matrix)? {
            if matrix[row].iter().filter(|v| **v != 0).count() == 1 {
                determined.push(columns[j]);
            }
        }
    }
    determined.sort_unstable();
    Ok(determined)
}

/// Integer Gauss-Jordan elimination to reduced row echelon form (up to row
/// scaling). Returns the (pivot column, row) pairs.
fn reduce(matrix: &mut [Vec<i128>]) -> Result<Vec<(usize, usize)>, SuppressError> {
    let width = matrix.first().map_or(0, Vec::len);
    let mut pivots = Vec::new();
    let mut rank = 0;
    for column in 0..width {
        let Some(found) = (rank..matrix.len()).find(|&r| matrix[r][column] != 0) else {
            continue;
        };
        matrix.swap(rank, found);
        let pivot_row = matrix[rank].clone();
        let pivot = pivot_row[column];
        for (r, row) in matrix.iter_mut().enumerate() {
            let factor = row[column];
            if r == rank || factor == 0 {
                continue;
            }
            let mut common = 0;
            for (value, &p) in row.iter_mut().zip(&pivot_row) {
                let scaled = value.checked_mul(pivot).ok_or(SuppressError::Overflow)?;
                let minus = p.checked_mul(factor).ok_or(SuppressError::Overflow)?;
                *value = scaled.checked_sub(minus).ok_or(SuppressError::Overflow)?;
                common = gcd(common, *value);
            }
            if common > 1 {
                row.iter_mut().for_each(|v| *v /= common);
            }
        }
        pivots.push((column, rank));
        rank += 1;
        if rank == matrix.len() {
            break;
        }
    }
    Ok(pivots)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(values: &[u64]) -> Vec<CellValue> {
        values
            .iter()
            .map(|&value| CellValue { value, published: true })
            .collect()
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
