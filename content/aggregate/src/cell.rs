//! Published figures as types that cannot hold a disclosive value.
//!
//! A count reaches the output only as a [`Published`]: either a [`Safe`]
//! count (zero, or at least the threshold k) or `Suppressed`. `Safe` has no
//! public constructor other than [`Safe::new`], which refuses 1..k-1, so an
//! unsuppressed small count cannot be written by mistake. Rates and medians
//! are built only from published counts and are suppressed whenever a count
//! they rest on is. k is policy ([`SuppressionPolicy`]), not a constant.

use std::fmt;

/// The small-cell rule: counts 1..k-1 are never published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SuppressionPolicy {
    k: u64,
}

impl SuppressionPolicy {
    /// The default threshold: counts of 1 to 10 are suppressed.
    pub const DEFAULT_K: u64 = 11;

    /// A policy with threshold `k`; `None` if k < 2 (which would suppress
    /// nothing and so is never a valid policy).
    pub fn new(k: u64) -> Option<SuppressionPolicy> {
        (k >= 2).then_some(SuppressionPolicy { k })
    }

    pub fn k(self) -> u64 {
        self.k
    }

    /// Whether a true count must be suppressed on its own (primary suppression).
    pub fn is_small(self, n: u64) -> bool {
        (1..self.k).contains(&n)
    }

    /// The rule in words, for the published JSON and the pages' notes.
    pub fn describe(self) -> String {
        format!(
            "Counts from 1 to {} are suppressed (shown as \"fewer than {}\"); true zeros are shown. Rates and medians resting on a suppressed count are suppressed. Further cells are suppressed so that no suppressed count can be recovered by adding or subtracting published figures across tables, margins and periods.",
            self.k - 1,
            self.k
        )
    }
}

impl Default for SuppressionPolicy {
    fn default() -> Self {
        SuppressionPolicy { k: Self::DEFAULT_K }
    }
}

/// A count that is safe to publish: zero or at least k.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Safe(u64);

impl Safe {
    /// `Some` only if `n` is zero or at least the policy's k.
    pub fn new(n: u64, policy: SuppressionPolicy) -> Option<Safe> {
        (!policy.is_small(n)).then_some(Safe(n))
    }

    pub fn get(self) -> u64 {
        self.0
    }
}

/// A count as published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Published {
    Count(Safe),
    Suppressed,
}

impl Published {
    /// Publishes `n` unless the suppression step `suppressed` it; a small
    /// count is suppressed even if the caller forgot to.
    pub fn new(n: u64, suppressed: bool, policy: SuppressionPolicy) -> Published {
        match Safe::new(n, policy) {
            Some(safe) if !suppressed => Published::Count(safe),
            _ => Published::Suppressed,
        }
    }

    pub fn value(self) -> Option<u64> {
        match self {
            Published::Count(safe) => Some(safe.get()),
            Published::Suppressed => None,
        }
    }

    pub fn is_suppressed(self) -> bool {
        self == Published::Suppressed
    }
}

/// A derived figure (rate, share, median) as published.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Derived {
    Value(f64),
    Suppressed,
    /// The base is a published zero, so there is nothing to compute.
    NotApplicable,
}

impl Derived {
    /// `numerator / denominator` as a proportion (0..1); suppressed if
    /// either count is.
    pub fn ratio(numerator: Published, denominator: Published) -> Derived {
        match (numerator, denominator) {
            (Published::Count(n), Published::Count(d)) if d.get() > 0 => {
                Derived::Value(n.get() as f64 / d.get() as f64)
            }
            (Published::Count(_), Published::Count(_)) => Derived::NotApplicable,
            _ => Derived::Suppressed,
        }
    }

    /// `after` against `before` as a change (-0.25 is a quarter fewer);
    /// suppressed if either count is, nothing to compute from none before.
    pub fn change(before: Published, after: Published) -> Derived {
        match Derived::ratio(after, before) {
            Derived::Value(v) => Derived::Value(v - 1.0),
            other => other,
        }
    }

    /// A statistic of the group counted by `base`, computed only if the
    /// count is published and non-zero.
    pub fn of_group(base: Published, statistic: impl FnOnce() -> Option<f64>) -> Derived {
        match base {
            Published::Suppressed => Derived::Suppressed,
            Published::Count(n) if n.get() == 0 => Derived::NotApplicable,
            Published::Count(_) => statistic().map_or(Derived::NotApplicable, Derived::Value),
        }
    }

    pub fn value(self) -> Option<f64> {
        match self {
            Derived::Value(v) => Some(v),
            _ => None,
        }
    }

    pub fn is_suppressed(self) -> bool {
        matches!(self, Derived::Suppressed)
    }
}

impl fmt::Display for Published {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Published::Count(n) => write!(f, "{}", n.get()),
            Published::Suppressed => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k11() -> SuppressionPolicy {
        SuppressionPolicy::default()
    }

    #[test]
    fn only_zero_and_counts_from_k_are_safe() {
        let table = [(0, true), (1, false), (10, false), (11, true), (500, true)];
        for (n, safe) in table {
            assert_eq!(Safe::new(n, k11()).is_some(), safe, "{n}");
        }
        assert_eq!(
            SuppressionPolicy::new(5).and_then(|p| Safe::new(5, p)).map(Safe::get),
            Some(5)
        );
        assert_eq!(SuppressionPolicy::new(1), None);
    }

    #[test]
    fn a_small_count_is_suppressed_even_if_not_flagged() {
        assert_eq!(Published::new(3, false, k11()), Published::Suppressed);
        assert_eq!(Published::new(30, true, k11()), Published::Suppressed);
        assert_eq!(Published::new(30, false, k11()).value(), Some(30));
        assert_eq!(Published::new(0, false, k11()).value(), Some(0));
    }

    #[test]
    fn rates_are_suppressed_when_either_count_is() {
        let p = |n| Published::new(n, false, k11());
        assert_eq!(Derived::ratio(p(20), p(40)).value(), Some(0.5));
        assert!(Derived::ratio(p(5), p(40)).is_suppressed());
        assert!(Derived::ratio(p(20), Published::Suppressed).is_suppressed());
        assert_eq!(Derived::ratio(p(0), p(0)), Derived::NotApplicable);
        assert!(Derived::of_group(Published::Suppressed, || Some(3.0)).is_suppressed());
        assert_eq!(Derived::of_group(p(12), || Some(3.0)).value(), Some(3.0));
        assert_eq!(Derived::change(p(40), p(30)).value(), Some(-0.25));
        assert!(Derived::change(p(40), Published::Suppressed).is_suppressed());
        assert_eq!(Derived::change(p(0), p(12)), Derived::NotApplicable);
    }
}
