//! `POST /api/referrals`: read, validate with the shared rules, store sealed
//! in the outbox, wake delivery, answer.
//!
//! The referral is in D1 before the 202 (or the 303 for form posts), so an
//! accepted referral survives anything that happens to the queue.

use lead_content::intake_state::Notice;
use lead_content::reference::Reference;
use lead_content::referral::{
    idempotency_key, FieldError, RawReferral, Referral, Rejection, IDEMPOTENCY_FIELD, IDEMPOTENCY_HEADER,
};
use lead_content::{intake as content, Lang};
use serde::Serialize;
use worker::{D1Database, Env, Request};

use crate::config::{self, Config, MAX_BODY_BYTES};
use crate::error::{ApiError, Limited};
use crate::limit;
use crate::outbox::{self, Claimed, Inserted, NewReferral};
use crate::seal::Sealed;
use crate::time::now_ms;

/// How the body was sent, which decides how we answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    Json,
    Form,
}

pub fn body_kind(req: &Request) -> Option<BodyKind> {
    match crate::http::content_type(req).as_str() {
        crate::http::JSON => Some(BodyKind::Json),
        crate::http::FORM => Some(BodyKind::Form),
        _ => None,
    }
}

/// A referral the intake has just stored and holds, to deliver it at once.
pub struct ToDeliver {
    pub config: Config,
    pub claimed: Claimed,
}

/// What the intake stored and what the referrer is told.
#[derive(Debug, Serialize)]
pub struct Accepted {
    pub reference: String,
    pub status: &'static str,
    #[serde(skip)]
    pub lang: Lang,
}

/// How long a duplicate fingerprint is kept and looked back for: the
/// policy's window.
pub fn duplicate_window_ms() -> i64 {
    i64::from(content().policy.intake.duplicate_window_hours) * 3600 * 1000
}

/// The sealed payload: the answers and what the case system needs with them.
#[derive(Serialize, serde::Deserialize)]
pub struct StoredReferral {
    pub language: Lang,
    pub score: u32,
    pub answers: std::collections::BTreeMap<String, String>,
    /// Core criteria answered "I'm not sure" that the policy flags for the
    /// program to check (absent in referrals sealed before there were any).
    #[serde(default)]
    pub to_check: Vec<String>,
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

/// Every rule, with intake as it is now (`notice`).
pub fn validate(raw: &RawReferral, notice: Notice) -> Result<Referral, ApiError> {
    let lang = raw.lang();
    content()
        .validate_with(raw, notice.status)
        .map_err(|rejection| match rejection {
            Rejection::Invalid(errors) => ApiError::Invalid { errors, lang },
            Rejection::NotEligible(failed) => ApiError::NotEligible {
                reasons: content().not_fit_reasons(&failed, lang),
                lang,
            },
            Rejection::Closed(status) => ApiError::Closed {
                status,
                message: notice.message(&content().policy.intake).get(lang).to_string(),
                lang,
            },
        })
}

/// Bytes from the runtime's CSPRNG, or 503.
pub fn random<const N: usize>() -> Result<[u8; N], ApiError> {
    crate::crypto::random::<N>().ok_or(ApiError::Unavailable)
}

/// The configuration, or 503 naming the setting to fix (logged too).
pub fn config(env: &Env) -> Result<Config, ApiError> {
    Config::from_env(env).map_err(|e| {
        worker::console_error!("configuration refused: {e}");
        ApiError::Misconfigured(e)
    })
}

/// The idempotency key the client sent: the header for JSON, the hidden
/// field for forms (the header wins if both are sent).
fn sent_idempotency_key(req: &Request, raw: &RawReferral) -> Result<Option<String>, ApiError> {
    let header = req.headers().get(IDEMPOTENCY_HEADER).ok().flatten();
    let sent = header.as_deref().unwrap_or(raw.get(IDEMPOTENCY_FIELD));
    idempotency_key(sent)
        .map(|k| k.map(str::to_owned))
        .map_err(|kind| ApiError::Invalid {
            errors: vec![FieldError::new(IDEMPOTENCY_FIELD, kind)],
            lang: raw.lang(),
        })
}

/// What an earlier request with the same idempotency key stored: the same
/// answers get the same reference; other answers are refused.
fn replay(existing: outbox::Existing, digest: &str, lang: Lang) -> Result<Accepted, ApiError> {
    if existing.request_digest.as_deref() == Some(digest) {
        Ok(Accepted {
            reference: existing.reference,
            status: "accepted",
            lang,
        })
    } else {
        Err(ApiError::IdempotencyKeyReused)
    }
}

/// Why a referral was not taken and, when its answers broke a rule, the
/// answers, so a form sent without JavaScript comes back filled in with
/// its errors beside them. It is not `Debug`: answers are never logged.
pub struct Refused {
    pub error: ApiError,
    pub answers: Option<RawReferral>,
}

impl From<ApiError> for Refused {
    fn from(error: ApiError) -> Refused {
        Refused { error, answers: None }
    }
}

/// Reads, checks and stores a referral. A newly stored one comes back
/// with what delivering it needs; a retry of one already stored does not.
pub async fn accept(req: &mut Request, env: &Env, kind: BodyKind) -> Result<(Accepted, Option<ToDeliver>), Refused> {
    let config = config(env)?;
    let keys = &config.keys;
    let db = env.d1(config::DB).map_err(|_| ApiError::Unavailable)?;
    let now = now_ms();
    let client = keys.fingerprint("rate", &limit::client(req));
    let settings = &config.settings;
    let window = i64::from(settings.rate_window_seconds);
    limit::enforce(&db, Limited::Referrals, &client, window, settings.rate_limit).await?;
    let body = crate::body::read(req, MAX_BODY_BYTES).await.map_err(ApiError::from)?;
    let raw = parse(kind, &body)?;
    let sent_key = sent_idempotency_key(req, &raw)?;
    // Read at request time: the capacity rule or a manager may have
    // changed it since the page was loaded.
    let notice = crate::status::current(&db, now).await?.notice;
    let referral = match validate(&raw, notice) {
        Ok(referral) => referral,
        Err(error @ ApiError::Invalid { .. }) => {
            return Err(Refused {
                error,
                answers: Some(raw),
            })
        }
        Err(error) => return Err(error.into()),
    };
    let lang = referral.lang();

    let stored = StoredReferral {
        language: lang,
        score: referral.score(),
        answers: referral.answers().clone(),
        to_check: referral.to_check().to_vec(),
    };
    let plaintext = serde_json::to_vec(&stored).map_err(|_| ApiError::Unavailable)?;
    let digest = keys.fingerprint("request", &String::from_utf8_lossy(&plaintext));
    // Looked for under every configured key; stored under the newest.
    let hashes = sent_key.map(|k| keys.fingerprints("idempotency", &k));
    let mut idempotency = hashes.as_ref().and_then(|h| h.first().cloned());
    if let Some(hashes) = &hashes {
        if let Some(existing) = outbox::by_idempotency_key(&db, hashes).await.map_err(storage_error)? {
            match replay(existing, &digest, lang) {
                Ok(accepted) => return Ok((accepted, None)),
                // The form sent again with changed answers (Back, edit,
                // Send): a new referral; the key stays with the first.
                Err(ApiError::IdempotencyKeyReused) if kind == BodyKind::Form => idempotency = None,
                Err(e) => return Err(e.into()),
            }
        }
    }

    let fingerprint_input = format!(
        "{}\n{}",
        referral.answer("person_description").unwrap_or("").to_lowercase(),
        referral
            .answer("contact_email")
            .or(referral.answer("contact_phone"))
            .unwrap_or("")
    );
    // Looked for under every configured key; stored under the newest.
    let dedupe_keys = keys.fingerprints("duplicate", &fingerprint_input);
    let dedupe_key = dedupe_keys.first().cloned().unwrap_or_default();
    let duplicate_of = outbox::recent_duplicate(&db, &dedupe_keys, now, duplicate_window_ms())
        .await
        .map_err(storage_error)?;

    // A clash of 50-bit references is very unlikely; draw another if it
    // happens. An insert whose answer is lost is checked, never repeated
    // blindly: it may have committed.
    for _ in 0..3 {
        let reference = Reference::from_random(&random::<8>()?);
        let sealed = keys.seal(reference.as_str(), &plaintext, random::<12>()?);
        let row = NewReferral {
            reference: reference.as_str(),
            received_at: now,
            // From now, not from when the request arrived: the lease must
            // cover the delivery that follows the insert.
            lease_until: now_ms() + config.settings.lease_ms(1),
            tier: referral.tier(),
            sealed: &sealed,
            dedupe_key: &dedupe_key,
            duplicate_of: duplicate_of.as_deref(),
            idempotency_key: idempotency.as_deref(),
            request_digest: &digest,
        };
        match store(&db, &row, &config).await? {
            Inserted::Stored => {
                let claimed = Claimed {
                    reference: reference.as_str().to_string(),
                    received_at: now as f64,
                    tier: referral.tier().to_string(),
                    attempts: 0.0,
                    key_id: Some(sealed.key_id.clone()),
                    sealed: Some(sealed.body.clone()),
                    duplicate_of: duplicate_of.clone(),
                };
                let accepted = Accepted {
                    reference: claimed.reference.clone(),
                    status: "accepted",
                    lang,
                };
                return Ok((accepted, Some(ToDeliver { config, claimed })));
            }
            // The same key may have been stored by a parallel retry.
            Inserted::Conflict => {
                if let Some(hashes) = hashes.as_ref().filter(|_| idempotency.is_some()) {
                    if let Some(existing) = outbox::by_idempotency_key(&db, hashes).await.map_err(storage_error)? {
                        return replay(existing, &digest, lang)
                            .map(|a| (a, None))
                            .map_err(Refused::from);
                    }
                }
            }
        }
    }
    worker::console_error!("intake: three references in a row were taken");
    Err(ApiError::Unavailable.into())
}

/// Inserts the row. When D1 reports an error the insert may still have
/// committed (the answer was lost on the way back), so the row is looked
/// for before anything is repeated: found, it is stored; not found, the
/// same row is tried once more.
async fn store(db: &D1Database, row: &NewReferral<'_>, config: &Config) -> Result<Inserted, ApiError> {
    let mut last_error = None;
    for _ in 0..2 {
        let result = outbox::insert(db, row).await;
        let result = match result {
            Ok(Inserted::Stored) if config.faults.insert_error_after_commit => Err(worker::Error::RustError(
                "simulated: the insert committed, its answer was lost".into(),
            )),
            other => other,
        };
        match result {
            Ok(inserted) => return Ok(inserted),
            Err(e) => {
                worker::console_warn!("intake: insert answered an error, checking whether it committed: {e}");
                if held(db, row.reference, row.sealed).await? {
                    return Ok(Inserted::Stored);
                }
                last_error = Some(e);
            }
        }
    }
    Err(storage_error(
        last_error.unwrap_or_else(|| worker::Error::RustError("insert failed".into())),
    ))
}

async fn held(db: &D1Database, reference: &str, sealed: &Sealed) -> Result<bool, ApiError> {
    outbox::holds(db, reference, sealed).await.map_err(storage_error)
}

fn storage_error(e: worker::Error) -> ApiError {
    // The error text is about the database, never the referral.
    worker::console_error!("intake: storage failed: {e}");
    ApiError::Unavailable
}
