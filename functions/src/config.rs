//! Binding names, and the settings read from the worker's environment,
//! parsed into one validated [`Config`].
//!
//! Binding names match `wrangler.toml`. Settings have safe defaults so a
//! site only sets what it wants to change; secrets are never defaulted. A
//! setting that would break delivery (an `http://` case system, a lease no
//! longer than the delivery timeout, two keys with one id) is refused with a
//! message naming it: `/api/health` answers 503 with that message, intake
//! stores nothing and delivery does not start, so a bad deploy shows at
//! once instead of losing or doubling referrals later.

use worker::{Env, Url};

use crate::backoff::Backoff;
use crate::seal::{KeyError, KeyRing};
use crate::signing::{SecretError, SigningKey};

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
/// Test-only fault injection (see [`Faults`]); refused unless the case
/// system is on this machine.
pub const TEST_FAULTS: &str = "TEST_FAULTS";

/// Largest request body accepted on any route, in bytes. The longest
/// complete referral the content allows is well under this.
pub const MAX_BODY_BYTES: usize = 32 * 1024;
/// Largest CSP violation report read; browsers send well under 4 KiB.
pub const MAX_CSP_REPORT_BYTES: usize = 8 * 1024;
/// CSP reports accepted per client per minute; more are dropped with 429.
pub const CSP_REPORTS_PER_MINUTE: u32 = 30;

/// Deliveries in flight at once in one consumer invocation. A Worker may
/// hold 6 outbound connections open; a seventh request waits for one, and
/// its timeout would run while it waits.
pub const DELIVERY_CONCURRENCY: usize = 6;
/// After a delivery succeeds, at most this many waiting referrals per
/// delivered one are brought forward (see `delivery.rs`): the backlog of
/// an outage drains in doubling waves instead of all at once.
pub const RECOVERY_WAVE_PER_SUCCESS: usize = 2;
/// The most referrals brought forward by one batch.
pub const RECOVERY_WAVE_MAX: usize = 100;

/// Limits of the Community Leadership Team's use, per client or member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CltLimits {
    /// Sign-in attempts per client per 15 minutes (`CLT_SIGN_IN_LIMIT`, 10).
    pub sign_in: u32,
    /// Comments per member per hour (`CLT_COMMENTS_PER_HOUR`, 20): enough
    /// for a working session, not for a flood.
    pub comments_per_hour: u32,
}

impl CltLimits {
    pub fn parse(get: &impl Fn(&str) -> Option<String>) -> CltLimits {
        let read = |name: &str, default: u32| {
            get(name)
                .and_then(|v| v.trim().parse::<u32>().ok())
                .filter(|n| (1..=10_000).contains(n))
                .unwrap_or(default)
        };
        CltLimits {
            sign_in: read("CLT_SIGN_IN_LIMIT", 10),
            comments_per_hour: read("CLT_COMMENTS_PER_HOUR", 20),
        }
    }
}

pub fn clt_limits(env: &Env) -> CltLimits {
    CltLimits::parse(&|name| text(env, name))
}

/// The CLT's HMAC key for invitations and CSRF tokens (at least 32
/// characters: `clt::Secret`). Without it the CLT is closed (503
/// `clt_closed`); intake and delivery do not need it.
pub const CLT_SECRET: &str = "CLT_SECRET";

pub fn clt_secret(env: &Env) -> Option<String> {
    text(env, CLT_SECRET)
}

/// A plain-text setting: a secret or a var of that name.
pub fn text(env: &Env, name: &str) -> Option<String> {
    env.secret(name)
        .map(|s| s.to_string())
        .or_else(|_| env.var(name).map(|v| v.to_string()))
        .ok()
        .filter(|s| !s.trim().is_empty())
}

/// A setting that cannot be used, naming it and saying what it must be.
/// Never echoes a secret or the case system's address (it may carry
/// credentials).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} is not set")]
    Missing { name: &'static str },
    #[error("{name} must be a whole number from {min} to {max}, not {value:?}")]
    NotANumber {
        name: &'static str,
        value: String,
        min: u32,
        max: u32,
    },
    #[error("CASE_SYSTEM_URL must be an https:// address (http:// only for 127.0.0.1, ::1 or localhost)")]
    InsecureCaseSystemUrl,
    #[error("CASE_SYSTEM_URL is not a valid absolute URL")]
    BadCaseSystemUrl,
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error(transparent)]
    Keys(#[from] KeyError),
    #[error("LEASE_SECONDS ({lease}) must be longer than DELIVERY_TIMEOUT_SECONDS ({timeout}), or a delivery still waiting for its answer could be sent again")]
    LeaseTooShort { lease: u32, timeout: u32 },
    #[error("RETRY_CAP_SECONDS ({cap}) must not be shorter than RETRY_BASE_SECONDS ({base})")]
    CapBelowBase { base: u32, cap: u32 },
    #[error("TEST_FAULTS is for tests only: it is refused unless CASE_SYSTEM_URL is on this machine; unknown faults are refused too")]
    FaultsOutsideTests,
}

impl ConfigError {
    /// The setting to fix.
    pub fn setting(&self) -> &'static str {
        match self {
            ConfigError::Missing { name } | ConfigError::NotANumber { name, .. } => name,
            ConfigError::InsecureCaseSystemUrl | ConfigError::BadCaseSystemUrl => CASE_SYSTEM_URL,
            ConfigError::Secret(_) => CASE_SYSTEM_SECRET,
            ConfigError::Keys(_) => REFERRAL_KEYS,
            ConfigError::LeaseTooShort { .. } => "LEASE_SECONDS",
            ConfigError::CapBelowBase { .. } => "RETRY_CAP_SECONDS",
            ConfigError::FaultsOutsideTests => TEST_FAULTS,
        }
    }
}

/// Numbers that tune intake and delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    pub backoff: Backoff,
    /// Seconds to wait for the case system before counting an attempt failed.
    pub delivery_timeout_seconds: u32,
    /// Seconds a consumer holds a referral beyond its own deliveries' timeouts.
    pub lease_seconds: u32,
    /// Seconds past its due time before the sweep re-enqueues a referral.
    pub sweep_grace_seconds: u32,
    /// Referral posts allowed per client per window.
    pub rate_limit: u32,
    pub rate_window_seconds: u32,
}

/// Faults a test can ask the worker to simulate (`TEST_FAULTS`, comma
/// separated). Only accepted when the case system is on loopback.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Faults {
    /// `insert_error_after_commit`: every outbox insert commits, then
    /// reports an error, as a D1 call whose answer is lost would.
    pub insert_error_after_commit: bool,
}

/// Where and how referrals are delivered.
#[derive(Debug, Clone)]
pub struct Target {
    pub url: String,
    pub key: SigningKey,
}

/// Everything the intake and delivery need, checked together.
#[derive(Debug)]
pub struct Config {
    pub settings: Settings,
    pub keys: KeyRing,
    pub target: Target,
    pub faults: Faults,
}

fn number(
    get: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: u32,
    min: u32,
    max: u32,
) -> Result<u32, ConfigError> {
    let Some(value) = get(name) else { return Ok(default) };
    match value.trim().parse::<u32>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(ConfigError::NotANumber { name, value, min, max }),
    }
}

/// Whether `url` is an address referrals may be sent to: https anywhere,
/// plain http only to this machine (the local receiver of tests and runs).
pub fn check_case_system_url(url: &str) -> Result<(), ConfigError> {
    let parsed = Url::parse(url.trim()).map_err(|_| ConfigError::BadCaseSystemUrl)?;
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(&parsed) => Ok(()),
        "http" => Err(ConfigError::InsecureCaseSystemUrl),
        _ => Err(ConfigError::BadCaseSystemUrl),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(worker::url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(worker::url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(worker::url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

impl Settings {
    pub fn parse(get: &impl Fn(&str) -> Option<String>) -> Result<Settings, ConfigError> {
        let day = 24 * 3600;
        let settings = Settings {
            backoff: Backoff {
                base_seconds: number(get, "RETRY_BASE_SECONDS", 30, 1, day)?,
                // A queue message can be delayed 12 hours at most.
                cap_seconds: number(get, "RETRY_CAP_SECONDS", 3600, 1, 12 * 3600)?,
                max_attempts: number(get, "MAX_DELIVERY_ATTEMPTS", 12, 1, 100)?,
            },
            delivery_timeout_seconds: number(get, "DELIVERY_TIMEOUT_SECONDS", 15, 1, 300)?,
            lease_seconds: number(get, "LEASE_SECONDS", 60, 2, 3600)?,
            sweep_grace_seconds: number(get, "SWEEP_GRACE_SECONDS", 60, 1, 3600)?,
            rate_limit: number(get, "RATE_LIMIT_PER_WINDOW", 20, 1, 1_000_000)?,
            rate_window_seconds: number(get, "RATE_WINDOW_SECONDS", 3600, 60, day)?,
        };
        if settings.lease_seconds <= settings.delivery_timeout_seconds {
            return Err(ConfigError::LeaseTooShort {
                lease: settings.lease_seconds,
                timeout: settings.delivery_timeout_seconds,
            });
        }
        if settings.backoff.cap_seconds < settings.backoff.base_seconds {
            return Err(ConfigError::CapBelowBase {
                base: settings.backoff.base_seconds,
                cap: settings.backoff.cap_seconds,
            });
        }
        Ok(settings)
    }

    /// How long a consumer holds referrals it claimed together: long enough
    /// for every one of them to wait its turn for a connection and time out.
    pub fn lease_ms(&self, claimed: usize) -> i64 {
        let rounds = claimed.div_ceil(DELIVERY_CONCURRENCY).max(1) as i64;
        (rounds * i64::from(self.delivery_timeout_seconds) + i64::from(self.lease_seconds)) * 1000
    }
}

impl Config {
    /// Parses every setting from a lookup (the worker's environment, or a
    /// table in tests).
    pub fn parse(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let settings = Settings::parse(&get)?;
        let keys = KeyRing::parse(&get(REFERRAL_KEYS).ok_or(ConfigError::Missing { name: REFERRAL_KEYS })?)?;
        let url = get(CASE_SYSTEM_URL).ok_or(ConfigError::Missing { name: CASE_SYSTEM_URL })?;
        check_case_system_url(&url)?;
        let secret = get(CASE_SYSTEM_SECRET).ok_or(ConfigError::Missing {
            name: CASE_SYSTEM_SECRET,
        })?;
        let key = SigningKey::parse(&secret)?;
        let mut faults = Faults::default();
        if let Some(list) = get(TEST_FAULTS) {
            let local = Url::parse(url.trim()).is_ok_and(|u| u.scheme() == "http" && is_loopback(&u));
            if !local {
                return Err(ConfigError::FaultsOutsideTests);
            }
            for fault in list.split(',').map(str::trim).filter(|f| !f.is_empty()) {
                match fault {
                    "insert_error_after_commit" => faults.insert_error_after_commit = true,
                    _ => return Err(ConfigError::FaultsOutsideTests),
                }
            }
        }
        Ok(Config {
            settings,
            keys,
            target: Target {
                url: url.trim().to_string(),
                key,
            },
            faults,
        })
    }

    pub fn from_env(env: &Env) -> Result<Config, ConfigError> {
        Config::parse(|name| text(env, name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEYS: &str = "k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    fn parse(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let mut all: Vec<(String, String)> = vec![
            (REFERRAL_KEYS.into(), KEYS.into()),
            (CASE_SYSTEM_URL.into(), "https://cases.example.org/referrals".into()),
            (CASE_SYSTEM_SECRET.into(), SECRET.into()),
        ];
        for (k, v) in pairs {
            all.retain(|(name, _)| name != k);
            if !v.is_empty() {
                all.push((k.to_string(), v.to_string()));
            }
        }
        Config::parse(move |name| all.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
    }

    #[test]
    fn defaults_are_the_documented_production_settings() {
        let config = parse(&[]).expect("valid");
        let s = config.settings;
        assert_eq!(
            (s.backoff.base_seconds, s.backoff.cap_seconds, s.backoff.max_attempts),
            (30, 3600, 12)
        );
        assert_eq!((s.delivery_timeout_seconds, s.lease_seconds), (15, 60));
        assert_eq!(config.faults, Faults::default());
    }

    #[test]
    fn each_unusable_setting_is_refused_naming_it() {
        let table: [(&str, &[(&str, &str)], &str); 13] = [
            (
                "plain http",
                &[(CASE_SYSTEM_URL, "http://cases.example.org/r")],
                CASE_SYSTEM_URL,
            ),
            ("not a URL", &[(CASE_SYSTEM_URL, "cases.example.org")], CASE_SYSTEM_URL),
            ("ftp", &[(CASE_SYSTEM_URL, "ftp://cases.example.org/")], CASE_SYSTEM_URL),
            ("no URL", &[(CASE_SYSTEM_URL, "")], CASE_SYSTEM_URL),
            ("bad secret", &[(CASE_SYSTEM_SECRET, "MfKQ")], CASE_SYSTEM_SECRET),
            ("no keys", &[(REFERRAL_KEYS, "")], REFERRAL_KEYS),
            (
                "two keys, one id",
                &[(
                    REFERRAL_KEYS,
                    "k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=,k1:HxwdHhsaGRgXFhUUExIREA8ODQwLCgkIBwYFBAMCAQA=",
                )],
                REFERRAL_KEYS,
            ),
            ("lease = timeout", &[("LEASE_SECONDS", "15")], "LEASE_SECONDS"),
            (
                "lease < timeout",
                &[("DELIVERY_TIMEOUT_SECONDS", "90")],
                "LEASE_SECONDS",
            ),
            (
                "not a number",
                &[("RETRY_BASE_SECONDS", "thirty")],
                "RETRY_BASE_SECONDS",
            ),
            (
                "a cap past a queue's 12-hour delay",
                &[("RETRY_CAP_SECONDS", "86400")],
                "RETRY_CAP_SECONDS",
            ),
            (
                "cap below base",
                &[("RETRY_BASE_SECONDS", "600"), ("RETRY_CAP_SECONDS", "60")],
                "RETRY_CAP_SECONDS",
            ),
            (
                "faults in production",
                &[(TEST_FAULTS, "insert_error_after_commit")],
                TEST_FAULTS,
            ),
        ];
        for (case, pairs, setting) in table {
            let error = parse(pairs).expect_err(case);
            assert_eq!(error.setting(), setting, "{case}: {error}");
            assert!(
                error.to_string().contains(setting),
                "{case}: the message names {setting}: {error}"
            );
        }
    }

    #[test]
    fn plain_http_is_allowed_only_to_this_machine() {
        for url in [
            "http://127.0.0.1:8788/referrals",
            "http://localhost/r",
            "http://[::1]:9/r",
        ] {
            assert_eq!(check_case_system_url(url), Ok(()), "{url}");
        }
        for url in [
            "http://10.0.0.1/r",
            "http://127.0.0.1.example.org/r",
            "http://localhost.example.org/",
        ] {
            assert_eq!(
                check_case_system_url(url),
                Err(ConfigError::InsecureCaseSystemUrl),
                "{url}"
            );
        }
    }

    #[test]
    fn faults_are_accepted_only_with_a_local_case_system() {
        let config = parse(&[
            (CASE_SYSTEM_URL, "http://127.0.0.1:9/r"),
            (TEST_FAULTS, "insert_error_after_commit"),
        ])
        .expect("valid in tests");
        assert!(config.faults.insert_error_after_commit);
        let unknown = parse(&[(CASE_SYSTEM_URL, "http://127.0.0.1:9/r"), (TEST_FAULTS, "melt")]);
        assert_eq!(unknown.expect_err("unknown fault"), ConfigError::FaultsOutsideTests);
    }

    #[test]
    fn a_batch_lease_covers_every_delivery_waiting_for_a_connection() {
        let s = parse(&[]).expect("valid").settings;
        assert_eq!(s.lease_ms(1), (15 + 60) * 1000);
        assert_eq!(s.lease_ms(6), (15 + 60) * 1000);
        assert_eq!(s.lease_ms(7), (30 + 60) * 1000);
        assert_eq!(s.lease_ms(50), (9 * 15 + 60) * 1000);
    }
}
