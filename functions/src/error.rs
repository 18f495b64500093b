//! Everything that can go wrong with a request, and the one place that maps
//! it to an HTTP status and a body. Client mistakes are always 4xx with a
//! message a person can act on; only storage failures are 5xx.

use lead_content::referral::FieldError;
use lead_content::schema::IntakeStatus;
use lead_content::Lang;
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("send the referral as application/json or application/x-www-form-urlencoded")]
    UnsupportedMediaType,
    #[error("the request body is larger than {limit} bytes")]
    TooLarge { limit: usize },
    #[error("the request body could not be read")]
    Unreadable,
    #[error("the request body is not valid UTF-8 text")]
    NotUtf8,
    #[error("the request body is not valid JSON: {0}")]
    MalformedJson(String),
    #[error("the request body is not a valid form submission")]
    MalformedForm,
    #[error("some answers need correcting")]
    Invalid { errors: Vec<FieldError>, lang: Lang },
    #[error("this referral does not meet the program's criteria")]
    NotEligible { reasons: Vec<String>, lang: Lang },
    #[error("referrals are not being taken right now")]
    Closed {
        status: IntakeStatus,
        message: String,
        lang: Lang,
    },
    #[error("too many referrals from this connection; try again in {retry_after} seconds")]
    RateLimited { retry_after: u32 },
    #[error("this Idempotency-Key was already used for a different referral; send a new key with new answers")]
    IdempotencyKeyReused,
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    /// A setting is unusable: nothing is accepted until it is fixed.
    #[error("the portal is not configured correctly; nothing was saved, please try again later")]
    Misconfigured(crate::config::ConfigError),
    /// The referral could not be stored; nothing was accepted.
    #[error("the referral could not be stored; nothing was saved, please try again")]
    Unavailable,
}

/// One field error as the API reports it.
#[derive(Serialize)]
pub struct FieldErrorBody<'a> {
    pub field: &'a str,
    #[serde(flatten)]
    pub kind: &'a lead_content::referral::ErrorKind,
    pub message: String,
}

impl From<crate::body::BodyError> for ApiError {
    fn from(e: crate::body::BodyError) -> ApiError {
        match e {
            crate::body::BodyError::TooLarge { limit } => ApiError::TooLarge { limit },
            crate::body::BodyError::Unreadable => ApiError::Unreadable,
        }
    }
}

impl ApiError {
    pub fn status(&self) -> u16 {
        match self {
            ApiError::UnsupportedMediaType => 415,
            ApiError::TooLarge { .. } => 413,
            ApiError::Unreadable | ApiError::NotUtf8 | ApiError::MalformedJson(_) | ApiError::MalformedForm => 400,
            ApiError::Invalid { .. }
            | ApiError::NotEligible { .. }
            | ApiError::Closed { .. }
            | ApiError::IdempotencyKeyReused => 422,
            ApiError::RateLimited { .. } => 429,
            ApiError::NotFound => 404,
            ApiError::MethodNotAllowed => 405,
            ApiError::Misconfigured(_) | ApiError::Unavailable => 503,
        }
    }

    /// Machine-readable error code.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::UnsupportedMediaType => "unsupported_media_type",
            ApiError::TooLarge { .. } => "too_large",
            ApiError::Unreadable => "unreadable",
            ApiError::NotUtf8 => "not_utf8",
            ApiError::MalformedJson(_) => "malformed_json",
            ApiError::MalformedForm => "malformed_form",
            ApiError::Invalid { .. } => "invalid",
            ApiError::NotEligible { .. } => "not_eligible",
            ApiError::Closed { .. } => "intake_closed",
            ApiError::RateLimited { .. } => "rate_limited",
            ApiError::IdempotencyKeyReused => "idempotency_key_reused",
            ApiError::NotFound => "not_found",
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::Misconfigured(_) => "misconfigured",
            ApiError::Unavailable => "unavailable",
        }
    }

    pub fn body(&self) -> serde_json::Value {
        let mut body = serde_json::json!({ "error": self.code(), "message": self.to_string() });
        match self {
            ApiError::Invalid { errors, lang } => {
                let list: Vec<FieldErrorBody> = errors
                    .iter()
                    .map(|e| FieldErrorBody {
                        field: &e.field,
                        kind: &e.kind,
                        message: e.kind.message(*lang),
                    })
                    .collect();
                body["errors"] = serde_json::to_value(list).unwrap_or_default();
            }
            ApiError::NotEligible { reasons, .. } => body["reasons"] = serde_json::json!(reasons),
            ApiError::Closed { status, message, .. } => {
                body["intake_status"] = serde_json::to_value(status).unwrap_or_default();
                body["message"] = serde_json::json!(message);
            }
            ApiError::RateLimited { retry_after } => body["retry_after"] = serde_json::json!(retry_after),
            _ => {}
        }
        body
    }
}
