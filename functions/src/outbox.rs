//! The referral outbox in D1: written before the intake answers 202, read by
//! the delivery consumer and the sweep. Every state change is one guarded
//! UPDATE so two consumers can never deliver the same referral at once.

use serde::Deserialize;
use worker::wasm_bindgen::JsValue;
use worker::{D1Database, Result};

use crate::seal::Sealed;

/// How long a duplicate flag looks back, in ms.
pub const DUPLICATE_WINDOW_MS: i64 = 24 * 3600 * 1000;

pub struct NewReferral<'a> {
    pub reference: &'a str,
    pub received_at: i64,
    pub tier: &'a str,
    pub sealed: &'a Sealed,
    pub dedupe_key: &'a str,
    pub duplicate_of: Option<&'a str>,
}

/// A referral a consumer has leased for delivery.
#[derive(Debug, Deserialize)]
pub struct Claimed {
    pub reference: String,
    pub received_at: f64,
    pub tier: String,
    pub attempts: f64,
    pub key_id: Option<String>,
    pub sealed: Option<String>,
    pub duplicate_of: Option<String>,
}

fn s(v: &str) -> JsValue {
    JsValue::from_str(v)
}

fn n(v: i64) -> JsValue {
    JsValue::from_f64(v as f64)
}

fn opt(v: Option<&str>) -> JsValue {
    v.map(s).unwrap_or(JsValue::NULL)
}

pub async fn insert(db: &D1Database, r: &NewReferral<'_>) -> Result<()> {
    db.prepare(
        "INSERT INTO referrals (reference, received_at, tier, status, attempts, next_attempt_at, key_id, sealed, dedupe_key, duplicate_of)
         VALUES (?1, ?2, ?3, 'pending', 0, ?2, ?4, ?5, ?6, ?7)",
    )
    .bind(&[
        s(r.reference),
        n(r.received_at),
        s(r.tier),
        s(&r.sealed.key_id),
        s(&r.sealed.body),
        s(r.dedupe_key),
        opt(r.duplicate_of),
    ])?
    .run()
    .await?;
    Ok(())
}

/// The earliest referral with the same fingerprint in the last day.
pub async fn recent_duplicate(db: &D1Database, dedupe_key: &str, now: i64) -> Result<Option<String>> {
    db.prepare(
        "SELECT reference FROM referrals WHERE dedupe_key = ?1 AND received_at > ?2 ORDER BY received_at LIMIT 1",
    )
    .bind(&[s(dedupe_key), n(now - DUPLICATE_WINDOW_MS)])?
    .first::<String>(Some("reference"))
    .await
}

/// Leases a pending referral that nobody else is delivering. `None` when it
/// is delivered, stuck, unknown or leased by another consumer.
pub async fn claim(db: &D1Database, reference: &str, now: i64, lease_ms: i64) -> Result<Option<Claimed>> {
    let result = db
        .prepare(
            "UPDATE referrals SET lease_until = ?2 + ?3
             WHERE reference = ?1 AND status = 'pending' AND lease_until < ?2
             RETURNING reference, received_at, tier, attempts, key_id, sealed, duplicate_of",
        )
        .bind(&[s(reference), n(now), n(lease_ms)])?
        .all()
        .await?;
    Ok(result.results::<Claimed>()?.into_iter().next())
}

/// The case system has it: forget the content, keep the receipt.
pub async fn mark_delivered(db: &D1Database, reference: &str, now: i64) -> Result<()> {
    db.prepare(
        "UPDATE referrals SET status = 'delivered', delivered_at = ?2, attempts = attempts + 1,
         last_error = NULL, lease_until = 0, sealed = NULL, key_id = NULL, dedupe_key = NULL
         WHERE reference = ?1",
    )
    .bind(&[s(reference), n(now)])?
    .run()
    .await?;
    Ok(())
}

pub async fn mark_retry(db: &D1Database, reference: &str, error: &str, next_attempt_at: i64) -> Result<()> {
    db.prepare(
        "UPDATE referrals SET attempts = attempts + 1, last_error = ?2, next_attempt_at = ?3, lease_until = 0
         WHERE reference = ?1 AND status = 'pending'",
    )
    .bind(&[s(reference), s(error), n(next_attempt_at)])?
    .run()
    .await?;
    Ok(())
}

/// Gives up on automatic delivery; the content stays sealed so a person can resend.
pub async fn mark_stuck(db: &D1Database, reference: &str, error: Option<&str>, count_attempt: bool) -> Result<()> {
    db.prepare(
        "UPDATE referrals SET status = 'stuck', lease_until = 0,
         attempts = attempts + ?3, last_error = COALESCE(?2, last_error)
         WHERE reference = ?1 AND status = 'pending'",
    )
    .bind(&[s(reference), opt(error), n(i64::from(count_attempt))])?
    .run()
    .await?;
    Ok(())
}

/// Pending referrals whose next attempt is overdue by more than `grace_ms`
/// and that nobody holds: their queue message was lost or never sent.
pub async fn overdue(db: &D1Database, now: i64, grace_ms: i64, limit: u32) -> Result<Vec<String>> {
    #[derive(Deserialize)]
    struct Row {
        reference: String,
    }
    let result = db
        .prepare(
            "SELECT reference FROM referrals
             WHERE status = 'pending' AND next_attempt_at < ?1 AND lease_until < ?2
             ORDER BY next_attempt_at LIMIT ?3",
        )
        .bind(&[n(now - grace_ms), n(now), n(i64::from(limit))])?
        .all()
        .await?;
    Ok(result.results::<Row>()?.into_iter().map(|r| r.reference).collect())
}

/// Pushes the due time of re-enqueued referrals forward so the next sweep
/// does not enqueue them again while their message waits in the queue.
pub async fn postpone(db: &D1Database, reference: &str, until: i64) -> Result<()> {
    db.prepare("UPDATE referrals SET next_attempt_at = ?2 WHERE reference = ?1 AND status = 'pending'")
        .bind(&[s(reference), n(until)])?
        .run()
        .await?;
    Ok(())
}

/// Drops duplicate fingerprints older than the window they serve.
pub async fn expire_fingerprints(db: &D1Database, now: i64) -> Result<()> {
    db.prepare("UPDATE referrals SET dedupe_key = NULL WHERE dedupe_key IS NOT NULL AND received_at < ?1")
        .bind(&[n(now - DUPLICATE_WINDOW_MS)])?
        .run()
        .await?;
    Ok(())
}
