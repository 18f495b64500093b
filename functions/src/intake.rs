//! `POST /api/referrals`: read, validate with the shared rules, store sealed
//! in the outbox, wake delivery, answer.
//!
//! The referral is in D1 before the 202 (or the 303 for form posts), so an
//! accepted referral survives anything that happens to the queue.

use futures_util::StreamExt;
use lead_content::reference::Reference;
use lead_content::referral::{RawReferral, Referral, Rejection};
use lead_content::{intake as content, Lang};
use serde::Serialize;
use worker::{Env, Request};

use crate::config::{self, Settings, MAX_BODY_BYTES};
use crate::error::ApiError;
use crate::limit;
use crate::outbox::{self, NewReferral};
use crate::seal::KeyRing;
use crate::time::now_ms;

/// How the body was sent, which decides how we answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    Json,
    Form,
}

pub fn body_kind(req: &Request) -> Option<BodyKind> {
    let content_type = req
        .headers()
        .get("Content-Type")
        .ok()
        .flatten()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let essence = content_type.split(';').next().unwrap_or("").trim().to_string();
    match essence.as_str() {
        "application/json" => Some(BodyKind::Json),
        "application/x-www-form-urlencoded" => Some(BodyKind::Form),
        _ => None,
    }
}

/// What the intake stored and what the referrer is told.
#[derive(Debug, Serialize)]
pub struct Accepted {
    pub reference: String,
    pub status: &'static str,
    #[serde(skip)]
    pub lang: Lang,
}

/// The sealed payload: the answers and what the case system needs with them.
#[derive(Serialize, serde::Deserialize)]
pub struct StoredReferral {
    pub language: Lang,
    pub score: u32,
    pub answers: std::collections::BTreeMap<String, String>,
}

async fn read_body(req: &mut Request) -> Result<Vec<u8>, ApiError> {
    let declared = req
        .headers()
        .get("Content-Length")
        .ok()
        .flatten()
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES) {
        return Err(ApiError::TooLarge { limit: MAX_BODY_BYTES });
    }
    let mut body = Vec::new();
    let mut stream = req.stream().map_err(|_| ApiError::MalformedForm)?;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| ApiError::MalformedForm)?;
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(ApiError::TooLarge { limit: MAX_BODY_BYTES });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

pub fn parse(kind: BodyKind, body: &[u8]) -> Result<RawReferral, ApiError> {
    let text = std::str::from_utf8(body).map_err(|_| ApiError::NotUtf8)?;
    match kind {
        BodyKind::Json => {
            let value: serde_json::Value =
                serde_json::from_str(text).map_err(|e| ApiError::MalformedJson(e.to_string()))?;
            RawReferral::from_json(&value).map_err(|e| ApiError::MalformedJson(e.to_string()))
        }
        BodyKind::Form => {
            // Percent-decoding can itself produce bytes that are not UTF-8.
            let mut pairs = Vec::new();
            for (k, v) in form_urlencoded::parse(text.as_bytes()) {
                if k.contains('\u{FFFD}') || v.contains('\u{FFFD}') {
                    return Err(ApiError::NotUtf8);
                }
                pairs.push((k.into_owned(), v.into_owned()));
            }
            Ok(RawReferral::from_pairs(pairs))
        }
    }
}

pub fn validate(raw: &RawReferral) -> Result<Referral, ApiError> {
    let lang = raw.lang();
    content().validate(raw).map_err(|rejection| match rejection {
        Rejection::Invalid(errors) => ApiError::Invalid { errors, lang },
        Rejection::NotEligible(criteria) => ApiError::NotEligible {
            reasons: criteria.iter().map(|c| c.reason.get(lang).to_string()).collect(),
            lang,
        },
        Rejection::Closed(status) => ApiError::Closed {
            status,
            message: content().policy.intake.message().get(lang).to_string(),
            lang,
        },
    })
}

fn random<const N: usize>() -> Result<[u8; N], ApiError> {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes).map_err(|_| ApiError::Unavailable)?;
    Ok(bytes)
}

/// Counts this request against the client's window; `Err` once it is full.
async fn rate_limit(req: &Request, env: &Env, keys: &KeyRing, settings: &Settings, now: i64) -> Result<(), ApiError> {
    let db = env.d1(config::DB).map_err(|_| ApiError::Unavailable)?;
    let client = keys.fingerprint("rate", &limit::client(req));
    let window = i64::from(settings.rate_window_seconds);
    match limit::hit(&db, "referral", &client, window, settings.rate_limit, now).await {
        Ok(None) => Ok(()),
        Ok(Some(retry_after)) => Err(ApiError::RateLimited { retry_after }),
        Err(e) => {
            worker::console_error!("intake: rate limit count failed: {e}");
            Err(ApiError::Unavailable)
        }
    }
}

pub fn key_ring(env: &Env) -> Result<KeyRing, ApiError> {
    let secret = config::text(env, config::REFERRAL_KEYS).ok_or(ApiError::Unavailable)?;
    KeyRing::parse(&secret).map_err(|e| {
        worker::console_error!("intake: REFERRAL_KEYS is misconfigured: {e}");
        ApiError::Unavailable
    })
}

pub async fn accept(req: &mut Request, env: &Env, kind: BodyKind) -> Result<Accepted, ApiError> {
    let settings = Settings::from_env(env);
    let keys = key_ring(env)?;
    let now = now_ms();
    rate_limit(req, env, &keys, &settings, now).await?;
    let body = read_body(req).await?;
    let raw = parse(kind, &body)?;
    let referral = validate(&raw)?;

    let db = env.d1(config::DB).map_err(|_| ApiError::Unavailable)?;
    let fingerprint_input = format!(
        "{}\n{}",
        referral.answer("person_description").unwrap_or("").to_lowercase(),
        referral
            .answer("contact_email")
            .or(referral.answer("contact_phone"))
            .unwrap_or("")
    );
    let dedupe_key = keys.fingerprint("duplicate", &fingerprint_input);
    let duplicate_of = outbox::recent_duplicate(&db, &dedupe_key, now)
        .await
        .map_err(storage_error)?;
    let stored = StoredReferral {
        language: referral.lang(),
        score: referral.score(),
        answers: referral.answers().clone(),
    };
    let plaintext = serde_json::to_vec(&stored).map_err(|_| ApiError::Unavailable)?;

    // A clash of 50-bit references is very unlikely; try again if it happens.
    let mut attempt = 0;
    let reference = loop {
        let reference = Reference::from_random(&random::<8>()?);
        let sealed = keys.seal(reference.as_str(), &plaintext, random::<12>()?);
        let row = NewReferral {
            reference: reference.as_str(),
            received_at: now,
            tier: referral.tier(),
            sealed: &sealed,
            dedupe_key: &dedupe_key,
            duplicate_of: duplicate_of.as_deref(),
        };
        match outbox::insert(&db, &row).await {
            Ok(()) => break reference,
            Err(_) if attempt < 2 => attempt += 1,
            Err(e) => return Err(storage_error(e)),
        }
    };

    // Stored: from here on the referral is accepted. The queue only wakes
    // delivery early; if this send fails the sweep finds the row anyway.
    if let Ok(queue) = env.queue(config::DELIVERY_QUEUE) {
        if queue.send(reference.as_str().to_string()).await.is_err() {
            worker::console_warn!("intake: could not enqueue {reference}; the sweep will deliver it");
        }
    }
    Ok(Accepted {
        reference: reference.as_str().to_string(),
        status: "accepted",
        lang: referral.lang(),
    })
}

fn storage_error(e: worker::Error) -> ApiError {
    // The error text is about the database, never the referral.
    worker::console_error!("intake: storage failed: {e}");
    ApiError::Unavailable
}
