//! Forwarding stored referrals to the case system.
//!
//! Queue messages carry only a reference. For each one the consumer leases
//! the row, opens the sealed body, signs it per Standard Webhooks and posts
//! it. 2xx: the body is deleted and the message acked. Anything else: the
//! attempt is recorded and the message retried after [`Backoff`]; after the
//! last attempt the referral is marked stuck and sent to the dead-letter
//! queue, and stays sealed until a person resends it.
//!
//! [`Backoff`]: crate::backoff::Backoff

use std::time::Duration;

use futures_util::future::{select, Either};
use worker::{
    AbortController, Delay, Env, Fetch, Headers, Message, MessageExt, Method, QueueRetryOptionsBuilder, Request,
    RequestInit,
};

use crate::backoff::AfterFailure;
use crate::config::{self, Settings};
use crate::intake::{key_ring, StoredReferral};
use crate::outbox::{self, Claimed};
use crate::seal::Sealed;
use crate::signing::SigningKey;
use crate::time::{iso, now_ms};

/// Why an attempt failed, in words safe to store and show an operator:
/// never the referral, never the response body.
type Failure = String;

struct Target {
    url: String,
    key: SigningKey,
}

fn target(env: &Env) -> Result<Target, Failure> {
    let url = config::text(env, config::CASE_SYSTEM_URL).ok_or("CASE_SYSTEM_URL is not set")?;
    let secret = config::text(env, config::CASE_SYSTEM_SECRET).ok_or("CASE_SYSTEM_SECRET is not set")?;
    let key = SigningKey::parse(&secret).map_err(|e| e.to_string())?;
    Ok(Target { url, key })
}

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
            "answers": stored.answers,
        }
    });
    serde_json::to_string(&body).map_err(|_| "could not encode the payload".to_string())
}

async fn post(target: &Target, reference: &str, body: String, timeout: u32, now: i64) -> Result<(), Failure> {
    let timestamp = now / 1000;
    let headers = Headers::new();
    let set = |k: &str, v: &str| headers.set(k, v).map_err(|_| "could not set headers".to_string());
    set("Content-Type", "application/json")?;
    set("webhook-id", reference)?;
    set("webhook-timestamp", &timestamp.to_string())?;
    set("webhook-signature", &target.key.sign(reference, timestamp, &body))?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_body(Some(body.into()));
    let request =
        Request::new_with_init(&target.url, &init).map_err(|_| "CASE_SYSTEM_URL is not a valid URL".to_string())?;

    let controller = AbortController::default();
    let signal = controller.signal();
    let fetch = Fetch::Request(request);
    let sending = Box::pin(fetch.send_with_signal(&signal));
    let timer = Box::pin(Delay::from(Duration::from_secs(u64::from(timeout))));
    let outcome = select(sending, timer).await;
    let result = match outcome {
        Either::Left((Ok(response), _)) => match response.status_code() {
            200..=299 => Ok(()),
            code => Err(format!("case system answered HTTP {code}")),
        },
        Either::Left((Err(_), _)) => Err("could not connect to the case system".into()),
        Either::Right(_) => {
            controller.abort();
            Err(format!("no answer from the case system within {timeout} s"))
        }
    };
    result
}

async fn attempt(env: &Env, claimed: &Claimed, settings: &Settings, now: i64) -> Result<(), Failure> {
    let target = target(env)?;
    let keys = key_ring(env).map_err(|_| "REFERRAL_KEYS is not set or invalid".to_string())?;
    let sealed = Sealed {
        key_id: claimed.key_id.clone().ok_or("the stored referral has no key id")?,
        body: claimed.sealed.clone().ok_or("the stored referral has no content")?,
    };
    let plaintext = keys.open(&claimed.reference, &sealed).map_err(|e| e.to_string())?;
    let stored: StoredReferral =
        serde_json::from_slice(&plaintext).map_err(|_| "the stored referral could not be read".to_string())?;
    let body = payload(claimed, stored, now)?;
    post(
        &target,
        &claimed.reference,
        body,
        settings.delivery_timeout_seconds,
        now,
    )
    .await
}

/// Handles one delivery message. Errors talking to D1 leave the message to
/// be retried by the queue; the row is untouched and the sweep is the backstop.
pub async fn deliver(message: &Message<String>, env: &Env, settings: &Settings) -> worker::Result<()> {
    let reference = message.body().clone();
    let db = env.d1(config::DB)?;
    let now = now_ms();
    let lease_ms = i64::from(settings.lease_seconds) * 1000;
    let Some(claimed) = outbox::claim(&db, &reference, now, lease_ms).await? else {
        // Delivered, stuck, unknown, or another consumer holds it.
        message.ack();
        return Ok(());
    };
    match attempt(env, &claimed, settings, now).await {
        Ok(()) => {
            outbox::mark_delivered(&db, &reference, now_ms()).await?;
            message.ack();
        }
        Err(failure) => {
            let attempts = claimed.attempts as u32 + 1;
            match settings.backoff.after_failure(attempts) {
                AfterFailure::RetryIn(seconds) => {
                    let next = now_ms() + i64::from(seconds) * 1000;
                    outbox::mark_retry(&db, &reference, &failure, next).await?;
                    message.retry_with_options(&QueueRetryOptionsBuilder::new().with_delay_seconds(seconds).build());
                }
                AfterFailure::GiveUp => {
                    outbox::mark_stuck(&db, &reference, Some(&failure), true).await?;
                    if let Ok(dlq) = env.queue(config::DEAD_LETTER_QUEUE) {
                        let _ = dlq.send(reference.clone()).await;
                    }
                    worker::console_warn!("delivery: {reference} is stuck after {attempts} attempts");
                    message.ack();
                }
            }
        }
    }
    Ok(())
}

/// Messages that reached the dead-letter queue: whether we sent them there or
/// the runtime did after its own retries, the referral is marked stuck.
pub async fn dead_letter(message: &Message<String>, env: &Env) -> worker::Result<()> {
    let db = env.d1(config::DB)?;
    outbox::mark_stuck(&db, message.body(), Some("delivery retries exhausted"), false).await?;
    message.ack();
    Ok(())
}

/// The scheduled sweep: re-enqueues pending referrals whose queue message
/// was lost (a runtime restart, a failed send), expires old fingerprints
/// and deletes the request counts of ended rate-limit windows.
pub async fn sweep(env: &Env) -> worker::Result<usize> {
    let settings = Settings::from_env(env);
    let db = env.d1(config::DB)?;
    let queue = env.queue(config::DELIVERY_QUEUE)?;
    let now = now_ms();
    let grace = i64::from(settings.sweep_grace_seconds) * 1000;
    let overdue = outbox::overdue(&db, now, grace, 500).await?;
    for reference in &overdue {
        // Give the new message time to be consumed before the next sweep.
        outbox::postpone(&db, reference, now + grace).await?;
        queue.send(reference.clone()).await?;
    }
    outbox::expire_fingerprints(&db, now).await?;
    crate::limit::expire(&db, now).await?;
    Ok(overdue.len())
}
