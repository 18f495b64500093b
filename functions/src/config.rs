//! Binding names and settings read from the worker's environment.
//!
//! Binding names match `wrangler.toml`. Settings have safe defaults so a
//! site only sets what it wants to change; secrets are never defaulted.

use worker::Env;

use crate::backoff::Backoff;

/// D1 database holding the referral outbox (the system of record).
pub const DB: &str = "DB";
/// Queue that wakes delivery of a stored referral.
pub const DELIVERY_QUEUE: &str = "DELIVERY";
/// Queue that receives references whose delivery was given up.
pub const DEAD_LETTER_QUEUE: &str = "DEAD_LETTERS";
/// Name of the dead-letter queue, as its consumer sees it in a batch.
pub const DEAD_LETTER_QUEUE_NAME: &str = "lead-referrals-dead";
/// The static site.
pub const ASSETS: &str = "ASSETS";

/// Where referrals go, and the Standard Webhooks secret that signs them.
pub const CASE_SYSTEM_URL: &str = "CASE_SYSTEM_URL";
pub const CASE_SYSTEM_SECRET: &str = "CASE_SYSTEM_SECRET";
/// `id:base64key[,…]`, newest first: see `seal.rs`.
pub const REFERRAL_KEYS: &str = "REFERRAL_KEYS";

/// Largest request body accepted, in bytes. The longest complete referral
/// the content allows is well under this.
pub const MAX_BODY_BYTES: usize = 32 * 1024;

/// A plain-text setting: a secret or a var of that name.
pub fn text(env: &Env, name: &str) -> Option<String> {
    env.secret(name)
        .map(|s| s.to_string())
        .or_else(|_| env.var(name).map(|v| v.to_string()))
        .ok()
        .filter(|s| !s.trim().is_empty())
}

fn number(env: &Env, name: &str, default: u32) -> u32 {
    text(env, name).and_then(|s| s.trim().parse().ok()).unwrap_or(default)
}

#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub backoff: Backoff,
    /// Seconds to wait for the case system before counting an attempt failed.
    pub delivery_timeout_seconds: u32,
    /// Seconds a consumer holds a referral while delivering it.
    pub lease_seconds: u32,
    /// Seconds past its due time before the sweep re-enqueues a referral.
    pub sweep_grace_seconds: u32,
    /// Referral posts allowed per client per window.
    pub rate_limit: u32,
    pub rate_window_seconds: u32,
}

impl Settings {
    pub fn from_env(env: &Env) -> Settings {
        Settings {
            backoff: Backoff {
                base_seconds: number(env, "RETRY_BASE_SECONDS", 30),
                cap_seconds: number(env, "RETRY_CAP_SECONDS", 3600),
                max_attempts: number(env, "MAX_DELIVERY_ATTEMPTS", 12),
            },
            delivery_timeout_seconds: number(env, "DELIVERY_TIMEOUT_SECONDS", 15),
            lease_seconds: number(env, "LEASE_SECONDS", 60),
            sweep_grace_seconds: number(env, "SWEEP_GRACE_SECONDS", 60),
            rate_limit: number(env, "RATE_LIMIT_PER_WINDOW", 20),
            rate_window_seconds: number(env, "RATE_WINDOW_SECONDS", 3600).max(60),
        }
    }
}
