//! Whether community referrals are being taken right now, and why: the
//! policy's default status, the capacity rule applied to the latest
//! caseload report, and a manager's override until the time it ends. Pure,
//! so the worker (which decides at request time from what D1 holds) and the
//! site (which prerenders the intake page once for each [`Notice`]) share
//! one rule.

use crate::schema::{CapacityRule, Intake, IntakeStatus};
use crate::text::{Lang, Text};

/// Caseloads as the case system reports them (or a manager enters them).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CapacityReport {
    pub average_caseload: f64,
    pub highest_caseload: f64,
    /// When the caseloads were counted, in ms since the epoch.
    pub as_of_ms: i64,
}

impl CapacityReport {
    /// Above the average, or any case manager at the highest.
    pub fn over(&self, rule: &CapacityRule) -> bool {
        self.average_caseload > rule.average_above || self.highest_caseload >= rule.highest_at
    }

    /// Older than the policy trusts without a second look.
    pub fn is_stale(&self, rule: &CapacityRule, now_ms: i64) -> bool {
        now_ms - self.as_of_ms > i64::from(rule.stale_after_hours) * 3_600_000
    }
}

/// A manager's choice of status, with the time it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Override {
    pub status: IntakeStatus,
    pub until_ms: i64,
}

/// Why the status is what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// The policy file's status.
    Policy,
    /// The capacity rule, on the latest report.
    Capacity,
    /// A manager's override.
    Override,
}

impl Cause {
    /// The cause as `GET /api/staff/overview` names it.
    pub const fn code(self) -> &'static str {
        match self {
            Cause::Policy => "policy",
            Cause::Capacity => "capacity",
            Cause::Override => "override",
        }
    }
}

/// What intake is now and why; the public is told the status and, when
/// capacity is the reason, that it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Notice {
    pub status: IntakeStatus,
    pub cause: Cause,
}

impl Notice {
    /// Every notice a page can show, as prerendered.
    pub const VARIANTS: [Notice; 5] = [
        Notice::policy(IntakeStatus::Open),
        Notice::policy(IntakeStatus::PriorityOnly),
        Notice::policy(IntakeStatus::Paused),
        Notice {
            status: IntakeStatus::PriorityOnly,
            cause: Cause::Capacity,
        },
        Notice {
            status: IntakeStatus::Paused,
            cause: Cause::Capacity,
        },
    ];

    pub const fn policy(status: IntakeStatus) -> Notice {
        Notice {
            status,
            cause: Cause::Policy,
        }
    }

    fn capacity(&self) -> bool {
        self.cause == Cause::Capacity && self.status != IntakeStatus::Open
    }

    /// What the intake page says: the status's message, or the capacity
    /// message when caseloads are why.
    pub fn message<'a>(&self, intake: &'a Intake) -> &'a Text {
        let m = &intake.messages;
        match (self.status, self.capacity()) {
            (IntakeStatus::Open, _) => &m.open,
            (IntakeStatus::PriorityOnly, false) => &m.priority_only,
            (IntakeStatus::Paused, false) => &m.paused,
            (IntakeStatus::PriorityOnly, true) => &m.capacity_priority_only,
            (IntakeStatus::Paused, true) => &m.capacity_paused,
        }
    }

    /// The name of the page variant that shows this notice (a manager's
    /// override reads as the policy's own status).
    pub fn variant(&self) -> &'static str {
        match (self.status, self.capacity()) {
            (IntakeStatus::PriorityOnly, true) => "capacity_priority_only",
            (IntakeStatus::Paused, true) => "capacity_paused",
            (status, _) => status.code(),
        }
    }

    pub fn from_variant(name: &str) -> Option<Notice> {
        Notice::VARIANTS.into_iter().find(|n| n.variant() == name)
    }

    /// Where the site build writes the intake page showing this notice,
    /// for the worker to serve at `/{lang}/` while it holds.
    pub fn page(&self, lang: Lang) -> String {
        format!("/{}/status/{}/", lang.code(), self.variant())
    }

    /// The same for the whole form without JavaScript, served at
    /// `/{lang}/details/` once the first step's answers were checked.
    pub fn details_page(&self, lang: Lang) -> String {
        format!("{}details/", self.page(lang))
    }
}

/// The attribute of the empty element the site leaves for the public
/// delivery record, beside the intake status and on the dashboards' index;
/// the worker writes the record into it when there is one to publish.
pub const DELIVERY_RECORD_SLOT: &str = "data-delivery-record";

/// The delivery record in words: of the referrals in the last `days`,
/// `share` (0 to 1) reached case managers within an hour, with a median of
/// `median_minutes`.
pub fn delivery_record_words(
    copy: &crate::schema::CopyText,
    lang: Lang,
    days: i64,
    share: f64,
    median_minutes: f64,
) -> String {
    let text = if median_minutes < 1.0 {
        &copy.delivery_record_fast
    } else {
        &copy.delivery_record
    };
    text.get(lang)
        .replace("{days}", &days.to_string())
        // Rounded down: the record never claims more than happened.
        .replace("{share}", &format!("{}", (share * 100.0).floor()))
        .replace("{minutes}", &format!("{}", median_minutes.round()))
}

/// `html` with `words` written into the element carrying
/// [`DELIVERY_RECORD_SLOT`] (it is left as it is without one).
pub fn fill_delivery_record(html: &str, words: &str) -> String {
    let Some(at) = html.find(DELIVERY_RECORD_SLOT) else {
        return html.to_owned();
    };
    let Some(close) = html[at..].find('>') else {
        return html.to_owned();
    };
    let at = at + close + 1;
    format!("{}{}{}", &html[..at], crate::page::escape(words), &html[at..])
}

/// The status now: a manager's override until it ends; otherwise the
/// policy's status, made stricter by the capacity rule while the latest
/// report is over it.
pub fn current(intake: &Intake, report: Option<&CapacityReport>, manual: Option<&Override>, now_ms: i64) -> Notice {
    if let Some(o) = manual.filter(|o| o.until_ms > now_ms) {
        return Notice {
            status: o.status,
            cause: Cause::Override,
        };
    }
    match report {
        Some(r) if r.over(&intake.capacity) && intake.capacity.then > intake.status => Notice {
            status: intake.capacity.then,
            cause: Cause::Capacity,
        },
        _ => Notice::policy(intake.status),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intake as content;
    use IntakeStatus::*;

    fn report(average: f64, highest: f64) -> CapacityReport {
        CapacityReport {
            average_caseload: average,
            highest_caseload: highest,
            as_of_ms: 0,
        }
    }

    #[test]
    fn capacity_closes_community_referrals_and_recovery_reopens_them() {
        let mut intake = content().policy.intake.clone();
        intake.status = Open;
        intake.capacity = CapacityRule {
            average_above: 20.0,
            highest_at: 25.0,
            then: PriorityOnly,
            stale_after_hours: 48,
        };
        let now = 1_000_000;
        assert_eq!(current(&intake, None, None, now), Notice::policy(Open));
        for (r, closed) in [
            (report(20.0, 24.0), false),
            (report(20.5, 10.0), true),
            (report(12.0, 25.0), true),
            (report(19.0, 24.9), false),
        ] {
            let n = current(&intake, Some(&r), None, now);
            assert_eq!(n.status == PriorityOnly, closed, "{r:?}");
            assert_eq!(n.cause == Cause::Capacity, closed, "{r:?}");
        }
        let over = report(30.0, 40.0);
        let n = current(&intake, Some(&over), None, now);
        assert_eq!(n.message(&intake), &intake.messages.capacity_priority_only);
        assert_eq!(n.variant(), "capacity_priority_only");
        intake.capacity.then = Paused;
        assert_eq!(current(&intake, Some(&over), None, now).variant(), "capacity_paused");

        // A manager's override holds until its end, then the rule applies.
        let manual = Override {
            status: Open,
            until_ms: now + 10,
        };
        assert_eq!(current(&intake, Some(&over), Some(&manual), now).cause, Cause::Override);
        assert_eq!(current(&intake, Some(&over), Some(&manual), now).variant(), "open");
        assert_eq!(current(&intake, Some(&over), Some(&manual), now + 10).status, Paused);

        // The rule never opens what the policy closed.
        intake.status = Paused;
        intake.capacity.then = PriorityOnly;
        assert_eq!(current(&intake, Some(&over), None, now), Notice::policy(Paused));
    }

    #[test]
    fn every_variant_has_a_name_and_a_message() {
        let intake = &content().policy.intake;
        for n in Notice::VARIANTS {
            assert_eq!(Notice::from_variant(n.variant()), Some(n));
            assert!(n.message(intake).is_complete(), "{n:?}");
        }
        assert_eq!(Notice::from_variant("closed"), None);
    }

    #[test]
    fn the_delivery_record_reads_plainly_and_fills_its_slot() {
        let copy = &content().copy;
        let words = delivery_record_words(copy, Lang::En, 30, 0.996, 4.4);
        assert_eq!(
            words,
            "In the last 30 days, 99 % of referrals reached case managers within 1 hour; the median time was 4 minutes."
        );
        let fast = delivery_record_words(copy, Lang::Es, 30, 1.0, 0.0);
        assert!(fast.contains("100 %") && fast.contains("menos de un minuto"), "{fast}");
        let page = "<p class=\"delivery-record\" data-delivery-record=\"\"></p>";
        assert_eq!(
            fill_delivery_record(page, "A < B"),
            "<p class=\"delivery-record\" data-delivery-record=\"\">A &lt; B</p>"
        );
        assert_eq!(fill_delivery_record("<p>no slot</p>", "x"), "<p>no slot</p>");
    }

    #[test]
    fn a_report_goes_stale() {
        let rule = &content().policy.intake.capacity;
        let r = report(1.0, 1.0);
        let limit = i64::from(rule.stale_after_hours) * 3_600_000;
        assert!(!r.is_stale(rule, limit));
        assert!(r.is_stale(rule, limit + 1));
    }
}
