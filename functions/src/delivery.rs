//! Forwarding stored referrals to the case system.
//!
//! The intake delivers each referral it has just stored itself, in the
//! background of its request ([`deliver_new`]). Queue messages, carrying
//! only a reference, wake every retry. For a batch of them the consumer
//! leases the due rows in one statement, then for each opens the sealed
//! body, signs it per Standard Webhooks and posts it, at most
//! [`DELIVERY_CONCURRENCY`] at a time so every request has a connection and
//! its timeout measures the case system, not a wait for a connection. The
//! outcomes are recorded in one round trip.
//!
//! Delivered means the case system answered 2xx to the signed POST itself.
//! Redirects are not followed: a fetch that follows a 301/302/303 turns the
//! POST into a body-less GET, and a 200 to that GET is not a delivery. Any
//! 3xx is a failed attempt whose error says where it pointed.
//!
//! A failed attempt is retried after [`Backoff`]; after the last one the
//! referral is marked stuck and sent to the dead-letter queue, and stays
//! sealed until a person resends it. When deliveries succeed, referrals
//! waiting out an outage's backoff are brought forward in waves of at most
//! [`RECOVERY_WAVE_PER_SUCCESS`] per delivered referral (and
//! [`RECOVERY_WAVE_MAX`] per batch): a backlog drains within minutes of the
//! case system coming back, ramping up as it keeps answering.
//!
//! [`Backoff`]: crate::backoff::Backoff

use std::collections::HashSet;
use std::time::Duration;

use futures_util::future::{select, Either};
use futures_util::StreamExt;
use worker::{
    AbortController, Delay, Env, Fetch, Headers, Message, MessageBatch, MessageExt, Method, QueueRetryOptionsBuilder,
    Request, RequestInit, RequestRedirect,
};

use crate::backoff::AfterFailure;
use crate::config::{self, Config, Target, DELIVERY_CONCURRENCY, RECOVERY_WAVE_MAX, RECOVERY_WAVE_PER_SUCCESS};
use crate::intake::StoredReferral;
use crate::outbox::{self, BringForward, Claimed, Outcome};
use crate::seal::Sealed;
use crate::time::{iso, now_ms};

/// Why an attempt failed, in words safe to store and show an operator:
/// never the referral, never the response body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub error: String,
    /// The case system looked down (no connection, no answer in time, 5xx),
    /// rather than refusing this referral or asking us to wait (429).
    pub outage: bool,
}

impl Failure {
    fn other(error: impl Into<String>) -> Failure {
        Failure {
            error: error.into(),
            outage: false,
        }
    }

    fn outage(error: impl Into<String>) -> Failure {
        Failure {
            error: error.into(),
            outage: true,
        }
    }
}

/// The longest the intake's own delivery waits for the case system.
const INTAKE_DELIVERY_TIMEOUT_SECONDS: u32 = 20;
/// How long a queue wake-up may arrive before its referral's due time.
const DUE_SLACK_MS: i64 = 1000;
/// Longest `Location` kept in an error.
const MAX_LOCATION_CHARS: usize = 200;

/// The JSON the case system receives.
fn payload(claimed: &Claimed, stored: StoredReferral, now: i64) -> Result<String, Failure> {
    let body = serde_json::json!({
        "type": "referral.created",
        "timestamp": iso(now),
        "data": {
            "reference": claimed.reference,
            "received_at": iso(claimed.received_at as i64),
            "language": stored.language,
            "tier": claimed.tier,
            "score": stored.score,
            "duplicate_of": claimed.duplicate_of,
            "to_check": stored.to_check,
            "answers": stored.answers,
        }
    });
    serde_json::to_string(&body).map_err(|_| Failure::other("could not encode the payload"))
}

/// What an answer of the case system means for the referral.
pub fn judge(status: u16, location: Option<&str>) -> Result<(), Failure> {
    match status {
        200..=299 => Ok(()),
        300..=399 => {
            let to: String = location
                .unwrap_or("")
                .chars()
                .filter(|c| !c.is_control())
                .take(MAX_LOCATION_CHARS)
                .collect();
            let to = if to.is_empty() {
                "nowhere (no Location)".to_string()
            } else {
                to
            };
            Err(Failure::other(format!(
                "case system answered HTTP {status} redirecting to {to}; redirects are not followed, set CASE_SYSTEM_URL to the final address"
            )))
        }
        500..=599 => Err(Failure::outage(format!("case system answered HTTP {status}"))),
        _ => Err(Failure::other(format!("case system answered HTTP {status}"))),
    }
}

async fn post(target: &Target, reference: &str, body: String, timeout: u32, now: i64) -> Result<(), Failure> {
    let timestamp = now / 1000;
    let headers = Headers::new();
    let set = |k: &str, v: &str| headers.set(k, v).map_err(|_| Failure::other("could not set headers"));
    set("Content-Type", "application/json")?;
    set("webhook-id", reference)?;
    set("webhook-timestamp", &timestamp.to_string())?;
    set("webhook-signature", &target.key.sign(reference, timestamp, &body))?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_redirect(RequestRedirect::Manual)
        .with_body(Some(body.into()));
    let request =
        Request::new_with_init(&target.url, &init).map_err(|_| Failure::other("CASE_SYSTEM_URL is not a valid URL"))?;

    match send(request, timeout).await {
        Sent::Answered(response) => {
            let location = response.headers().get("Location").ok().flatten();
            judge(response.status_code(), location.as_deref())
        }
        Sent::NoConnection => Err(Failure::outage("could not connect to the case system")),
        Sent::TimedOut => Err(Failure::outage(format!(
            "no answer from the case system within {timeout} s"
        ))),
    }
}

/// How a request to the case system ended.
enum Sent {
    Answered(worker::Response),
    NoConnection,
    TimedOut,
}

/// Sends a request to the case system, aborted after `timeout` seconds.
/// The timer starts with the request: at most DELIVERY_CONCURRENCY run at
/// once, so the request has its connection now.
async fn send(request: Request, timeout: u32) -> Sent {
    let controller = AbortController::default();
    let signal = controller.signal();
    let fetch = Fetch::Request(request);
    let sending = Box::pin(fetch.send_with_signal(&signal));
    let timer = Box::pin(Delay::from(Duration::from_secs(u64::from(timeout))));
    let outcome = select(sending, timer).await;
    match outcome {
        Either::Left((Ok(response), _)) => Sent::Answered(response),
        Either::Left((Err(_), _)) => Sent::NoConnection,
        Either::Right(_) => {
            controller.abort();
            Sent::TimedOut
        }
    }
}

async fn attempt(config: &Config, claimed: &Claimed, now: i64) -> Result<(), Failure> {
    let sealed = Sealed {
        key_id: claimed
            .key_id
            .clone()
            .ok_or_else(|| Failure::other("the stored referral has no key id"))?,
        body: claimed
            .sealed
            .clone()
            .ok_or_else(|| Failure::other("the stored referral has no content"))?,
    };
    let plaintext = config
        .keys
        .open(&claimed.reference, &sealed)
        .map_err(|e| Failure::other(e.to_string()))?;
    let stored: StoredReferral =
        serde_json::from_slice(&plaintext).map_err(|_| Failure::other("the stored referral could not be read"))?;
    let body = payload(claimed, stored, now)?;
    post(
        &config.target,
        &claimed.reference,
        body,
        config.settings.delivery_timeout_seconds,
        now,
    )
    .await
}

/// What to record after an attempt, and the queue delay of a retry.
fn outcome(config: &Config, claimed: &Claimed, result: Result<(), Failure>, now: i64) -> (Outcome, Option<u32>) {
    match result {
        Ok(()) => (Outcome::Delivered { at: now }, None),
        Err(failure) => match config.settings.backoff.after_failure(claimed.attempts as u32 + 1) {
            AfterFailure::RetryIn(seconds) => (
                Outcome::Retry {
                    error: failure.error,
                    next_attempt_at: now + i64::from(seconds) * 1000,
                    outage: failure.outage,
                },
                Some(seconds),
            ),
            AfterFailure::GiveUp => (Outcome::Stuck { error: failure.error }, None),
        },
    }
}

/// Handles a batch of delivery messages. Errors talking to D1 leave the
/// whole batch to be retried by the queue; leased rows are found again by
/// the sweep once their lease ends.
pub async fn consume(batch: &MessageBatch<String>, env: &Env) -> worker::Result<()> {
    let messages = batch.messages()?;
    let config = match Config::from_env(env) {
        Ok(config) => config,
        Err(e) => {
            // Nothing is attempted, so no attempt is counted: the referrals
            // wait, sealed and pending, and the sweep wakes them once the
            // setting is fixed. (Retrying the messages would only run out
            // the queue's own retries.)
            worker::console_error!("delivery: not started: {e}");
            for m in &messages {
                m.ack();
            }
            return Ok(());
        }
    };
    let db = env.d1(config::DB)?;
    let now = now_ms();
    let mut references: Vec<&str> = messages.iter().map(|m| m.body().as_str()).collect();
    references.sort_unstable();
    references.dedup();
    let claimed = outbox::claim(
        &db,
        &references,
        now,
        config.settings.lease_ms(references.len()),
        DUE_SLACK_MS,
    )
    .await?;

    let attempts = attempt_all(&config, claimed).await;
    let retries = settle(env, &db, &config, &attempts).await?;

    // One wake-up per referral: a retry for those that failed, nothing
    // more for the rest (a repeated message in the batch is acked).
    let mut answered = HashSet::new();
    for message in &messages {
        let reference = message.body();
        match retries.iter().find(|(r, _)| r == reference) {
            Some((_, seconds)) if answered.insert(reference.clone()) => {
                message.retry_with_options(&QueueRetryOptionsBuilder::new().with_delay_seconds(*seconds).build());
            }
            _ => message.ack(),
        }
    }
    Ok(())
}

/// One attempt: the referral, how it ended, and when it began (ms).
type Attempted = (Claimed, Result<(), Failure>, i64);

/// Attempts each claimed referral, at most [`DELIVERY_CONCURRENCY`] at once.
async fn attempt_all(config: &Config, claimed: Vec<Claimed>) -> Vec<Attempted> {
    futures_util::stream::iter(claimed)
        .map(|claimed| async move {
            let began = now_ms();
            let result = attempt(config, &claimed, began).await;
            (claimed, result, began)
        })
        .buffer_unordered(DELIVERY_CONCURRENCY)
        .collect()
        .await
}

/// Records what the attempts came to (one D1 round trip), sends the stuck
/// to the dead-letter queue and wakes the referrals brought forward.
/// Returns the referrals to retry, with their delay in seconds: the caller
/// owns their wake-up (a queue message's retry, or a new delayed message).
async fn settle(
    env: &Env,
    db: &worker::D1Database,
    config: &Config,
    attempts: &[Attempted],
) -> worker::Result<Vec<(String, u32)>> {
    let done = now_ms();
    let mut outcomes = Vec::with_capacity(attempts.len());
    let mut retries = Vec::new();
    let mut stuck = Vec::new();
    for (claimed, result, _) in attempts {
        let (outcome, retry_in) = outcome(config, claimed, result.clone(), done);
        if let Some(seconds) = retry_in {
            retries.push((claimed.reference.clone(), seconds));
        }
        if matches!(outcome, Outcome::Stuck { .. }) {
            stuck.push(claimed.reference.clone());
        }
        outcomes.push((claimed.reference.clone(), outcome));
    }
    // Bring forward only failures older than the first success here.
    let successes: Vec<i64> = attempts.iter().filter(|a| a.1.is_ok()).map(|a| a.2).collect();
    let wave = successes.iter().min().map(|first| BringForward {
        limit: (successes.len() * RECOVERY_WAVE_PER_SUCCESS).min(RECOVERY_WAVE_MAX),
        failed_before: *first,
    });
    let woken = outbox::record(db, &outcomes, done, wave).await?;

    if !stuck.is_empty() {
        if let Ok(dlq) = env.queue(config::DEAD_LETTER_QUEUE) {
            let _ = dlq.send_batch(stuck.clone()).await;
        }
        worker::console_warn!("delivery: {} referral(s) stuck: {}", stuck.len(), stuck.join(" "));
    }
    if !woken.is_empty() {
        worker::console_log!(
            "delivery: the case system answers again; {} waiting referral(s) brought forward",
            woken.len()
        );
        // If this send fails the sweep wakes them: they are due now.
        let sent = match env.queue(config::DELIVERY_QUEUE) {
            Ok(queue) => queue.send_batch(woken).await.is_ok(),
            Err(_) => false,
        };
        if !sent {
            worker::console_warn!("delivery: could not wake the referrals brought forward; the sweep will");
        }
    }
    Ok(retries)
}

/// Delivers a referral the intake has just stored, leased to itself, in the
/// background of the request that stored it: no queue wait, and the
/// delivery work is spread over the requests rather than queued behind one
/// consumer. A failure is recorded and woken again by a delayed queue
/// message; if this never finishes (the isolate is stopped), the lease ends
/// and the sweep finds the referral.
pub async fn deliver_new(env: Env, mut config: Config, claimed: Claimed) {
    // A request's background work ends about 30 s after its answer: a
    // longer wait would be cut off unrecorded (and sent again by the sweep).
    config.settings.delivery_timeout_seconds = config
        .settings
        .delivery_timeout_seconds
        .min(INTAKE_DELIVERY_TIMEOUT_SECONDS);
    let Ok(db) = env.d1(config::DB) else {
        worker::console_error!("delivery: no database; the sweep will deliver {}", claimed.reference);
        return;
    };
    let reference = claimed.reference.clone();
    let attempts = attempt_all(&config, vec![claimed]).await;
    match settle(&env, &db, &config, &attempts).await {
        Ok(retries) => {
            for (reference, seconds) in retries {
                let wake = worker::MessageBuilder::new(reference.clone())
                    .delay_seconds(seconds)
                    .build();
                let sent = match env.queue(config::DELIVERY_QUEUE) {
                    Ok(queue) => queue.send(wake).await.is_ok(),
                    Err(_) => false,
                };
                if !sent {
                    worker::console_warn!("delivery: could not schedule the retry of {reference}; the sweep will");
                }
            }
        }
        Err(e) => worker::console_error!("delivery: could not record {reference}: {e}; the sweep will retry it"),
    }
}

/// Messages that reached the dead-letter queue: ours, for referrals already
/// marked stuck, or the runtime's after its own retries, for which the
/// referral is marked stuck only if its attempts are used up.
pub async fn dead_letter(message: &Message<String>, env: &Env) -> worker::Result<()> {
    let db = env.d1(config::DB)?;
    let most = Config::from_env(env).map_or(u32::MAX, |c| c.settings.backoff.max_attempts);
    let reference = message.body();
    if !outbox::mark_stuck_if_exhausted(&db, reference, "delivery retries exhausted", most).await? {
        worker::console_warn!("delivery: the queue gave up on {reference} with attempts left; the sweep will wake it");
    }
    message.ack();
    Ok(())
}

/// Whether the case system answers at all: a plain GET of its address (no
/// body, no content, redirects not followed). Any HTTP answer below 500
/// but 429 (even 404 or 405) means it is reachable again.
async fn answers(target: &Target, timeout: u32) -> Option<u16> {
    let mut init = RequestInit::new();
    init.with_method(Method::Get).with_redirect(RequestRedirect::Manual);
    let request = Request::new_with_init(&target.url, &init).ok()?;
    let status = match send(request, timeout).await {
        Sent::Answered(response) => Some(response.status_code()),
        Sent::NoConnection | Sent::TimedOut => None,
    };
    status.filter(|s| *s < 500 && *s != 429)
}

/// While referrals wait out an outage's backoff and none is due within a
/// minute, the sweep asks whether the case system answers again (one GET a
/// minute, never a referral, so no attempt is spent); if it does, the first
/// [`DELIVERY_CONCURRENCY`] waiting are brought forward and their successes
/// bring the rest. Without it, a backlog whose retries all lie far ahead
/// would wait for them although the case system is back.
async fn probe_after_outage(env: &Env, db: &worker::D1Database, config: &Config, now: i64) -> worker::Result<()> {
    let Some(next) = outbox::next_outage_retry(db, now).await? else {
        return Ok(());
    };
    if next <= now + 60_000 {
        return Ok(());
    }
    let Some(status) = answers(&config.target, config.settings.delivery_timeout_seconds).await else {
        return Ok(());
    };
    let wave = BringForward {
        limit: DELIVERY_CONCURRENCY,
        failed_before: now,
    };
    let woken = outbox::record(db, &[], now_ms(), Some(wave)).await?;
    if !woken.is_empty() {
        worker::console_log!(
            "sweep: the case system answers again (HTTP {status} to a GET); {} waiting referral(s) brought forward",
            woken.len()
        );
        env.queue(config::DELIVERY_QUEUE)?.send_batch(woken).await?;
    }
    Ok(())
}

/// The scheduled sweep: re-enqueues pending referrals whose queue message
/// was lost (a runtime restart, a failed send), expires fingerprints whose
/// duplicate window has ended and deletes the request counts of ended
/// rate-limit windows.
pub async fn sweep(env: &Env) -> worker::Result<usize> {
    let config = Config::from_env(env).map_err(|e| worker::Error::RustError(e.to_string()))?;
    let db = env.d1(config::DB)?;
    let queue = env.queue(config::DELIVERY_QUEUE)?;
    let now = now_ms();
    let grace = i64::from(config.settings.sweep_grace_seconds) * 1000;
    let overdue = outbox::sweep_overdue(&db, now, grace, 500).await?;
    for chunk in overdue.chunks(100) {
        queue.send_batch(chunk.to_vec()).await?;
    }
    probe_after_outage(env, &db, &config, now).await?;
    outbox::expire_fingerprints(&db, now, crate::intake::duplicate_window_ms()).await?;
    crate::limit::expire(&db, now).await?;
    Ok(overdue.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_2xx_to_the_post_itself_is_a_delivery() {
        assert_eq!(judge(200, None), Ok(()));
        assert_eq!(judge(204, None), Ok(()));
        for status in [301, 302, 303, 307, 308] {
            let failure = judge(status, Some("/moved")).expect_err("a redirect is not a delivery");
            assert!(
                !failure.outage,
                "{status}: a redirect is a setting to fix, not an outage"
            );
            assert!(
                failure.error.contains(&status.to_string()) && failure.error.contains("redirecting to /moved"),
                "{}",
                failure.error
            );
        }
    }

    #[test]
    fn outages_are_told_from_refusals() {
        for status in [500, 502, 503, 504] {
            assert!(judge(status, None).expect_err("failed").outage, "{status}");
        }
        // 429: the case system asks us to wait; its backoff is kept.
        for status in [400, 401, 404, 410, 422, 429] {
            assert!(!judge(status, None).expect_err("failed").outage, "{status}");
        }
    }

    #[test]
    fn a_hostile_location_is_cut_and_cleaned_before_it_is_stored() {
        let long = format!("https://x.example/{}\r\nSet-Cookie: a", "a".repeat(500));
        let failure = judge(302, Some(&long)).expect_err("a redirect");
        assert!(!failure.error.contains('\r') && !failure.error.contains('\n'));
        assert!(failure.error.len() < 400, "{}", failure.error.len());
        assert!(judge(302, None).expect_err("a redirect").error.contains("no Location"));
    }
}
