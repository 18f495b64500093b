//! When to try a failed delivery again.
//!
//! Exponential backoff, doubling from `base` up to `cap`. No jitter: retries
//! are already spread by when each referral arrived, and a pure,
//! deterministic schedule is easy to test and to explain to an operator.

/// Retry schedule for deliveries to the case system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// Delay after the first failed attempt, in seconds.
    pub base_seconds: u32,
    /// Longest delay between two attempts, in seconds.
    pub cap_seconds: u32,
    /// Attempts in all, the first one included; after the last failure the
    /// referral is marked stuck for a person to look at.
    pub max_attempts: u32,
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    RetryIn(u32),
    GiveUp,
}

impl Backoff {
    /// `attempts` is how many attempts have been made, the failed one included.
    pub fn after_failure(&self, attempts: u32) -> AfterFailure {
        if attempts >= self.max_attempts {
            return AfterFailure::GiveUp;
        }
        let exponent = attempts.saturating_sub(1).min(31);
        let delay = self.base_seconds.saturating_mul(1u32 << exponent);
        AfterFailure::RetryIn(delay.min(self.cap_seconds).max(1))
    }

    /// The longest a referral can take before it is marked stuck, in seconds.
    pub fn total_seconds(&self) -> u64 {
        (1..self.max_attempts)
            .map(|n| match self.after_failure(n) {
                AfterFailure::RetryIn(s) => u64::from(s),
                AfterFailure::GiveUp => 0,
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: Backoff = Backoff {
        base_seconds: 2,
        cap_seconds: 60,
        max_attempts: 8,
    };

    #[test]
    fn delays_double_until_the_cap_then_give_up() {
        let table = [
            (1, AfterFailure::RetryIn(2)),
            (2, AfterFailure::RetryIn(4)),
            (3, AfterFailure::RetryIn(8)),
            (4, AfterFailure::RetryIn(16)),
            (5, AfterFailure::RetryIn(32)),
            (6, AfterFailure::RetryIn(60)),
            (7, AfterFailure::RetryIn(60)),
            (8, AfterFailure::GiveUp),
            (9, AfterFailure::GiveUp),
        ];
        for (attempts, expected) in table {
            assert_eq!(B.after_failure(attempts), expected, "after attempt {attempts}");
        }
    }

    #[test]
    fn huge_attempt_counts_do_not_overflow() {
        let b = Backoff {
            base_seconds: u32::MAX,
            cap_seconds: 300,
            max_attempts: u32::MAX,
        };
        assert_eq!(b.after_failure(40), AfterFailure::RetryIn(300));
        assert_eq!(b.after_failure(0), AfterFailure::RetryIn(300));
    }

    #[test]
    fn a_zero_base_still_waits_a_second() {
        let b = Backoff {
            base_seconds: 0,
            cap_seconds: 0,
            max_attempts: 3,
        };
        assert_eq!(b.after_failure(1), AfterFailure::RetryIn(1));
    }

    #[test]
    fn total_is_the_sum_of_the_delays() {
        assert_eq!(B.total_seconds(), 2 + 4 + 8 + 16 + 32 + 60 + 60);
        assert_eq!(Backoff { max_attempts: 1, ..B }.total_seconds(), 0);
    }
}
