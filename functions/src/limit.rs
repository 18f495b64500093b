//! Per-client fixed-window request limits, counted in D1.
//!
//! One `INSERT … ON CONFLICT DO UPDATE … RETURNING` both counts the request
//! and reads the new count, and D1 runs statements one at a time, so the
//! limit holds against a burst of parallel requests. (A read-then-write on
//! KV let all 40 of a parallel burst through a limit of 20.)

use wasm_bindgen::JsValue;
use worker::{D1Database, Request};

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
pub async fn hit(
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
        .bind(&[JsValue::from_str(&key), JsValue::from_f64((ends_s * 1000) as f64)])?
        .first::<f64>(Some("hits"))
        .await?
        .unwrap_or(0.0);
    Ok((hits > f64::from(limit)).then(|| (ends_s - now_s).max(1) as u32))
}

/// Deletes the counts of windows that have ended (run by the sweep).
pub async fn expire(db: &D1Database, now_ms: i64) -> worker::Result<()> {
    db.prepare("DELETE FROM rate_limits WHERE expires_at < ?1")
        .bind(&[JsValue::from_f64(now_ms as f64)])?
        .run()
        .await?;
    Ok(())
}
