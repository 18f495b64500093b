//! Per-client fixed-window request limits, counted in D1.
//!
//! One `INSERT … ON CONFLICT DO UPDATE … RETURNING` both counts the request
//! and reads the new count, and D1 runs statements one at a time, so the
//! limit holds against a burst of parallel requests. (A read-then-write on
//! KV let all 40 of a parallel burst through a limit of 20.)

use worker::{D1Database, Request};

use crate::d1;
use crate::error::{ApiError, Limited};

/// The client as Cloudflare's edge reports it (`CF-Connecting-IP`); only a
/// keyed fingerprint of it is ever stored.
pub fn client(req: &Request) -> String {
    req.headers()
        .get("CF-Connecting-IP")
        .ok()
        .flatten()
        .unwrap_or_else(|| "unknown".into())
}

/// Counts one request for `client_fingerprint` under `purpose` in the
/// window containing `now_ms`. `Ok(None)` if it is within `limit`;
/// `Ok(Some(seconds))` until the window ends if it is over.
async fn hit(
    db: &D1Database,
    purpose: &str,
    client_fingerprint: &str,
    window_seconds: i64,
    limit: u32,
    now_ms: i64,
) -> worker::Result<Option<u32>> {
    let window = window_seconds.max(1);
    let now_s = now_ms / 1000;
    let bucket = now_s / window;
    let ends_s = (bucket + 1) * window;
    let key = format!("{purpose}:{client_fingerprint}:{bucket}");
    let hits = db
        .prepare(
            "INSERT INTO rate_limits (key, hits, expires_at) VALUES (?1, 1, ?2) \
             ON CONFLICT (key) DO UPDATE SET hits = hits + 1 RETURNING hits",
        )
        .bind(&[d1::text(&key), d1::number(ends_s * 1000)])?
        .first::<f64>(Some("hits"))
        .await?
        .unwrap_or(0.0);
    Ok((hits > f64::from(limit)).then(|| (ends_s - now_s).max(1) as u32))
}

/// Counts one request against a limit: `Err(RateLimited)` with the wait
/// once it is over, `Err(Unavailable)` if it could not be counted (a limit
/// that cannot be counted is not waived).
pub async fn enforce(
    db: &D1Database,
    what: Limited,
    client_fingerprint: &str,
    window_seconds: i64,
    limit: u32,
) -> Result<(), ApiError> {
    let purpose = match what {
        Limited::Referrals => "referral",
        Limited::CspReports => "csp-report",
        Limited::SignIns => "clt-sign-in",
        Limited::Comments => "clt-comment",
    };
    match hit(
        db,
        purpose,
        client_fingerprint,
        window_seconds,
        limit,
        crate::time::now_ms(),
    )
    .await
    {
        Ok(None) => Ok(()),
        Ok(Some(retry_after)) => Err(ApiError::RateLimited {
            retry_after,
            limit: what,
        }),
        Err(e) => Err(ApiError::unavailable("rate limit count failed")(e)),
    }
}

/// Deletes the counts of windows that have ended (run by the sweep).
pub async fn expire(db: &D1Database, now_ms: i64) -> worker::Result<()> {
    db.prepare("DELETE FROM rate_limits WHERE expires_at < ?1")
        .bind(&[d1::number(now_ms)])?
        .run()
        .await?;
    Ok(())
}
