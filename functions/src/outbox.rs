//! The referral outbox in D1: written before the intake answers 202, read by
//! the delivery consumer and the sweep. Every state change is one guarded
//! statement, so two consumers can never deliver the same referral at once,
//! and a consumer's batch is claimed, and its outcomes recorded, in one
//! round trip each rather than one per referral.

use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement, Result};

use crate::d1;
use crate::seal::Sealed;

pub struct NewReferral<'a> {
    pub reference: &'a str,
    pub received_at: i64,
    /// Leased to the intake that stores it, which delivers it at once.
    pub lease_until: i64,
    pub tier: &'a str,
    pub sealed: &'a Sealed,
    pub dedupe_key: &'a str,
    pub duplicate_of: Option<&'a str>,
    /// Keyed hash of the client's idempotency key, if it sent one.
    pub idempotency_key: Option<&'a str>,
    /// Keyed hash of the answers: tells a retry from a reused key.
    pub request_digest: &'a str,
}

/// What an insert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inserted {
    Stored,
    /// Nothing stored: the reference or the idempotency key is taken.
    Conflict,
}

/// A referral already stored under an idempotency key.
#[derive(Debug, Deserialize)]
pub struct Existing {
    pub reference: String,
    pub request_digest: Option<String>,
}

/// A referral a consumer has leased for delivery.
#[derive(Debug, Clone, Deserialize)]
pub struct Claimed {
    pub reference: String,
    pub received_at: f64,
    pub tier: String,
    pub attempts: f64,
    pub key_id: Option<String>,
    pub sealed: Option<String>,
    pub duplicate_of: Option<String>,
}

/// Which waiting referrals to bring forward with a batch's outcomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BringForward {
    /// At most this many.
    pub limit: usize,
    /// Only those whose last failure came before this (ms): when the
    /// first successful attempt, or the check that the case system
    /// answers, began.
    pub failed_before: i64,
}

/// How one delivery attempt ended, to be recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Delivered {
        at: i64,
    },
    Retry {
        error: String,
        next_attempt_at: i64,
        /// The failure looked like an outage: bring it forward on recovery.
        outage: bool,
    },
    Stuck {
        error: String,
    },
}

#[derive(Deserialize)]
struct Row {
    reference: String,
}

/// Stores a new referral unless its reference or idempotency key is taken.
pub async fn insert(db: &D1Database, r: &NewReferral<'_>) -> Result<Inserted> {
    let result = db
        .prepare(
            "INSERT INTO referrals (reference, received_at, tier, status, attempts, next_attempt_at, key_id, sealed,
                                    dedupe_key, duplicate_of, idempotency_key, request_digest, lease_until)
             VALUES (?1, ?2, ?3, 'pending', 0, ?2, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
             ON CONFLICT DO NOTHING RETURNING reference",
        )
        .bind(&[
            d1::text(r.reference),
            d1::number(r.received_at),
            d1::text(r.tier),
            d1::text(&r.sealed.key_id),
            d1::text(&r.sealed.body),
            d1::text(r.dedupe_key),
            d1::optional(r.duplicate_of),
            d1::optional(r.idempotency_key),
            d1::text(r.request_digest),
            d1::number(r.lease_until),
        ])?
        .all()
        .await?;
    Ok(if result.results::<Row>()?.is_empty() {
        Inserted::Conflict
    } else {
        Inserted::Stored
    })
}

/// Whether this exact sealed body is stored under `reference`: the check
/// after an insert whose answer was lost (it may have committed).
pub async fn holds(db: &D1Database, reference: &str, sealed: &Sealed) -> Result<bool> {
    let found = db
        .prepare("SELECT reference FROM referrals WHERE reference = ?1 AND sealed = ?2")
        .bind(&[d1::text(reference), d1::text(&sealed.body)])?
        .first::<String>(Some("reference"))
        .await?;
    Ok(found.is_some())
}

/// The referral stored under an idempotency key (its hash under any of
/// the configured keys), if any.
pub async fn by_idempotency_key(db: &D1Database, hashes: &[String]) -> Result<Option<Existing>> {
    let hashes: Vec<&str> = hashes.iter().map(String::as_str).collect();
    db.prepare(
        "SELECT reference, request_digest FROM referrals WHERE idempotency_key IN (SELECT value FROM json_each(?1))",
    )
    .bind(&[d1::list(&hashes)])?
    .first::<Existing>(None)
    .await
}

/// The earliest referral with the same fingerprint (under any of the
/// configured keys) within the window, delivered or not: the fingerprint is
/// kept for the whole window.
pub async fn recent_duplicate(
    db: &D1Database,
    fingerprints: &[String],
    now: i64,
    window_ms: i64,
) -> Result<Option<String>> {
    let fingerprints: Vec<&str> = fingerprints.iter().map(String::as_str).collect();
    db.prepare(
        "SELECT reference FROM referrals WHERE dedupe_key IN (SELECT value FROM json_each(?1)) AND received_at > ?2
         ORDER BY received_at LIMIT 1",
    )
    .bind(&[d1::list(&fingerprints), d1::number(now - window_ms)])?
    .first::<String>(Some("reference"))
    .await
}

/// Leases the pending referrals among `references` that are due and that
/// nobody else holds, in one statement. A message for a referral that is
/// delivered, stuck, leased or not yet due gets nothing back: it is stale
/// (an earlier wake-up of a referral since brought forward or retried).
/// `due_slack_ms` allows for a queue delay that ends a little early.
pub async fn claim(
    db: &D1Database,
    references: &[&str],
    now: i64,
    lease_ms: i64,
    due_slack_ms: i64,
) -> Result<Vec<Claimed>> {
    if references.is_empty() {
        return Ok(Vec::new());
    }
    let result = db
        .prepare(
            "UPDATE referrals SET lease_until = ?1 + ?2
             WHERE reference IN (SELECT value FROM json_each(?3))
               AND status = 'pending' AND lease_until < ?1 AND next_attempt_at <= ?1 + ?4
             RETURNING reference, received_at, tier, attempts, key_id, sealed, duplicate_of",
        )
        .bind(&[
            d1::number(now),
            d1::number(lease_ms),
            d1::list(references),
            d1::number(due_slack_ms),
        ])?
        .all()
        .await?;
    result.results::<Claimed>()
}

fn outcome_statement(db: &D1Database, reference: &str, outcome: &Outcome, now: i64) -> Result<D1PreparedStatement> {
    match outcome {
        // The case system has it: forget the content, keep the receipt. The
        // duplicate fingerprint stays until its window ends (see `expire`).
        Outcome::Delivered { at } => db
            .prepare(
                "UPDATE referrals SET status = 'delivered', delivered_at = ?2, attempts = attempts + 1,
                 last_error = NULL, lease_until = 0, sealed = NULL, key_id = NULL
                 WHERE reference = ?1 AND status = 'pending'",
            )
            .bind(&[d1::text(reference), d1::number(*at)]),
        Outcome::Retry {
            error,
            next_attempt_at,
            outage,
        } => db
            .prepare(
                "UPDATE referrals SET attempts = attempts + 1, last_error = ?2, next_attempt_at = ?3, lease_until = 0,
                 outage = ?4, failed_at = ?5 WHERE reference = ?1 AND status = 'pending'",
            )
            .bind(&[
                d1::text(reference),
                d1::text(error),
                d1::number(*next_attempt_at),
                d1::number(i64::from(*outage)),
                d1::number(now),
            ]),
        // Automatic delivery is given up; the content stays sealed so a
        // person can resend it.
        Outcome::Stuck { error } => db
            .prepare(
                "UPDATE referrals SET status = 'stuck', lease_until = 0, attempts = attempts + 1, last_error = ?2
                 WHERE reference = ?1 AND status = 'pending'",
            )
            .bind(&[d1::text(reference), d1::text(error)]),
    }
}

/// Records the outcomes of a batch of attempts and, in the same round
/// trip, makes some referrals that wait out an outage's backoff due now;
/// returns those, to be woken. Once the case system answers again an
/// outage's backlog drains instead of sitting out its backoff, in waves the
/// caller keeps bounded. The least-tried go first (then the oldest), so a
/// case system that answers a GET but still fails deliveries spreads its
/// failures over the backlog instead of using up a few referrals' attempts.
pub async fn record(
    db: &D1Database,
    outcomes: &[(String, Outcome)],
    now: i64,
    bring_forward: Option<BringForward>,
) -> Result<Vec<String>> {
    let mut statements = outcomes
        .iter()
        .map(|(reference, outcome)| outcome_statement(db, reference, outcome, now))
        .collect::<Result<Vec<_>>>()?;
    let wave = bring_forward.filter(|b| b.limit > 0);
    if let Some(b) = wave {
        statements.push(
            db.prepare(
                "UPDATE referrals SET next_attempt_at = ?1
                 WHERE reference IN (
                   SELECT reference FROM referrals
                   WHERE status = 'pending' AND outage = 1 AND next_attempt_at > ?1 AND lease_until < ?1
                     AND failed_at < ?3
                   ORDER BY attempts, received_at LIMIT ?2)
                 RETURNING reference",
            )
            .bind(&[d1::number(now), d1::number(b.limit as i64), d1::number(b.failed_before)])?,
        );
    }
    if statements.is_empty() {
        return Ok(Vec::new());
    }
    let results = db.batch(statements).await?;
    match (wave, results.last()) {
        (Some(_), Some(last)) => Ok(last.results::<Row>()?.into_iter().map(|r| r.reference).collect()),
        _ => Ok(Vec::new()),
    }
}

/// Marks a referral stuck without counting an attempt (the dead-letter
/// queue's consumer), but only once its attempts are used up: a message
/// the runtime gave up on (its own retries, say during a D1 incident) for
/// a referral with attempts left stays pending, for the sweep to wake.
/// `true` if it was marked.
pub async fn mark_stuck_if_exhausted(db: &D1Database, reference: &str, error: &str, max_attempts: u32) -> Result<bool> {
    let marked = db
        .prepare(
            "UPDATE referrals SET status = 'stuck', lease_until = 0, last_error = COALESCE(last_error, ?2)
             WHERE reference = ?1 AND status = 'pending' AND attempts >= ?3 RETURNING reference",
        )
        .bind(&[
            d1::text(reference),
            d1::text(error),
            d1::number(i64::from(max_attempts)),
        ])?
        .all()
        .await?;
    Ok(!marked.results::<Row>()?.is_empty())
}

/// Pending referrals overdue by more than `grace_ms` that nobody holds and
/// the sweep has not woken within `grace_ms`: their queue message was lost
/// or never sent. They are marked swept in the same statement, so the next
/// sweep leaves them to the message it sends now.
pub async fn sweep_overdue(db: &D1Database, now: i64, grace_ms: i64, limit: u32) -> Result<Vec<String>> {
    let result = db
        .prepare(
            "UPDATE referrals SET swept_at = ?1
             WHERE reference IN (
               SELECT reference FROM referrals
               WHERE status = 'pending' AND next_attempt_at < ?1 - ?2 AND lease_until < ?1 AND swept_at < ?1 - ?2
               ORDER BY next_attempt_at LIMIT ?3)
             RETURNING reference",
        )
        .bind(&[d1::number(now), d1::number(grace_ms), d1::number(i64::from(limit))])?
        .all()
        .await?;
    Ok(result.results::<Row>()?.into_iter().map(|r| r.reference).collect())
}

/// When the next referral waiting out an outage's backoff is due (ms), if
/// any is waiting.
pub async fn next_outage_retry(db: &D1Database, now: i64) -> Result<Option<i64>> {
    let next = db
        .prepare(
            "SELECT MIN(next_attempt_at) AS next FROM referrals
             WHERE status = 'pending' AND outage = 1 AND lease_until < ?1",
        )
        .bind(&[d1::number(now)])?
        .first::<Option<f64>>(Some("next"))
        .await?;
    Ok(next.flatten().map(|t| t as i64))
}

/// Drops the keyed hashes (duplicate fingerprint, idempotency key, answers
/// digest) of referrals older than the duplicate window they serve.
pub async fn expire_fingerprints(db: &D1Database, now: i64, window_ms: i64) -> Result<()> {
    db.prepare(
        "UPDATE referrals SET dedupe_key = NULL, idempotency_key = NULL, request_digest = NULL
         WHERE dedupe_key IS NOT NULL AND received_at < ?1",
    )
    .bind(&[d1::number(now - window_ms)])?
    .run()
    .await?;
    Ok(())
}
