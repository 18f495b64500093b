//! Everything that can go wrong with a request, on any route (intake, the
//! Community Leadership Team, the dashboards, CSP reports), and the one
//! place that maps it to an HTTP status, a code and a message. Client
//! mistakes are always 4xx with a message a person can act on; only storage
//! and settings are 5xx. How an error is shown (JSON or a page) is
//! [`http`](crate::http)'s.

use lead_content::referral::FieldError;
use lead_content::schema::IntakeStatus;
use lead_content::Lang;
use serde::Serialize;

/// One problem with what a CLT member or moderator sent, named by field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub field: &'static str,
    pub message: String,
}

/// Why an invitation link cannot sign a member in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationError {
    /// Not a link the program made (or mistyped).
    Invalid,
    Expired,
    /// Already redeemed once.
    Used,
}

/// What a rate limit counts; each says so in its own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limited {
    Referrals,
    CspReports,
    SignIns,
    /// A CLT member's comments per hour.
    Comments,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    // Reading the request.
    #[error("send a form (application/x-www-form-urlencoded) or JSON (application/json)")]
    UnsupportedMediaType,
    #[error("the request body is larger than {limit} bytes, so it was not read")]
    TooLarge { limit: usize },
    #[error("the request body could not be read")]
    Unreadable,
    #[error("the request body is not valid UTF-8 text")]
    NotUtf8,
    #[error("the request body is not valid JSON: {0}")]
    MalformedJson(String),
    #[error("the request body is not a valid form submission")]
    MalformedForm,

    // Referrals.
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
    #[error("this Idempotency-Key was already used for a different referral; send a new key with new answers")]
    IdempotencyKeyReused,

    // The Community Leadership Team.
    /// No session, an unknown token or an expired session.
    #[error("You are not signed in on this device, or your session has ended.")]
    NotSignedIn,
    /// A revoked member or session.
    #[error("Your access to the Community Leadership Team has ended. Ask the program manager if this is a mistake.")]
    Revoked,
    /// A member where a moderator is needed.
    #[error("Only moderators can do this.")]
    ModeratorsOnly,
    /// A CLT member at the staff console.
    #[error("The staff console is for the program's staff.")]
    StaffOnly,
    /// A moderator where a manager is needed.
    #[error("Only the program's managers can do this.")]
    ManagersOnly,
    /// A post from another site, or without the session's CSRF token.
    #[error("This request did not come from the portal's own pages, so it was refused. Go back, reload the page and try again.")]
    CrossSite,
    /// A comment or reply that cannot be stored as sent.
    #[error("{}", problems_text(.0))]
    Problems(Vec<Problem>),
    #[error("{}", invitation_text(*.0))]
    Invitation(InvitationError),
    /// The member kept the comment for the program only.
    #[error("The member kept this comment for the program only, so it cannot be published.")]
    NotPublishable,
    /// A moderator approving their own comment.
    #[error("A moderator cannot publish their own comment: another moderator approves it.")]
    OwnComment,
    /// `CLT_SECRET` is not set: the CLT is closed.
    #[error("The Community Leadership Team pages are not set up on this site.")]
    CltClosed,

    // The case system's signed reports.
    /// A missing, stale or wrong Standard Webhooks signature.
    #[error("{0}")]
    BadSignature(crate::signing::SignatureError),
    /// A signed report whose webhook-id was already received.
    #[error("this webhook-id was already received; a report is taken once")]
    Replayed,

    // Any route.
    #[error("{}", limited_text(*.limit, *.retry_after))]
    RateLimited { retry_after: u32, limit: Limited },
    #[error("There is nothing here.")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    /// A setting is unusable: nothing is accepted until it is fixed.
    #[error("the portal is not configured correctly; nothing was saved, please try again later")]
    Misconfigured(crate::config::ConfigError),
    /// Storage or the runtime failed; nothing was accepted or changed.
    #[error("Something went wrong on our side; nothing was saved or changed. Please try again.")]
    Unavailable,
}

fn problems_text(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| p.message.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

fn invitation_text(e: InvitationError) -> &'static str {
    match e {
        InvitationError::Invalid => "This sign-in link is not valid: check that the whole link was copied.",
        InvitationError::Expired => "This sign-in link has expired.",
        InvitationError::Used => "This sign-in link has already been used: each link signs in once.",
    }
}

fn limited_text(limit: Limited, seconds: u32) -> String {
    match limit {
        Limited::Referrals => format!("too many referrals from this connection; try again in {seconds} seconds"),
        Limited::CspReports => format!("too many reports from this connection; try again in {seconds} seconds"),
        Limited::SignIns => format!("Too many sign-in attempts. Try again in {seconds} seconds."),
        Limited::Comments => format!(
            "You have sent as many comments as one member can in an hour; nothing was lost from your earlier ones. Try again in {} minutes.",
            seconds.div_ceil(60)
        ),
    }
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
            ApiError::Unreadable
            | ApiError::NotUtf8
            | ApiError::MalformedJson(_)
            | ApiError::MalformedForm
            | ApiError::Invitation(InvitationError::Invalid) => 400,
            ApiError::NotSignedIn | ApiError::BadSignature(_) => 401,
            ApiError::Revoked
            | ApiError::ModeratorsOnly
            | ApiError::StaffOnly
            | ApiError::ManagersOnly
            | ApiError::CrossSite => 403,
            ApiError::NotFound => 404,
            ApiError::MethodNotAllowed => 405,
            ApiError::NotPublishable | ApiError::OwnComment | ApiError::Replayed => 409,
            ApiError::Invitation(_) => 410,
            ApiError::Invalid { .. }
            | ApiError::NotEligible { .. }
            | ApiError::Closed { .. }
            | ApiError::IdempotencyKeyReused
            | ApiError::Problems(_) => 422,
            ApiError::RateLimited { .. } => 429,
            ApiError::Misconfigured(_) | ApiError::CltClosed | ApiError::Unavailable => 503,
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
            ApiError::Invalid { .. } | ApiError::Problems(_) => "invalid",
            ApiError::NotEligible { .. } => "not_eligible",
            ApiError::Closed { .. } => "intake_closed",
            ApiError::IdempotencyKeyReused => "idempotency_key_reused",
            ApiError::NotSignedIn => "not_signed_in",
            ApiError::Revoked => "revoked",
            ApiError::ModeratorsOnly => "moderators_only",
            ApiError::StaffOnly => "staff_only",
            ApiError::ManagersOnly => "managers_only",
            ApiError::CrossSite => "cross_site",
            ApiError::Invitation(InvitationError::Invalid) => "invitation_invalid",
            ApiError::Invitation(InvitationError::Expired) => "invitation_expired",
            ApiError::Invitation(InvitationError::Used) => "invitation_used",
            ApiError::NotPublishable => "not_publishable",
            ApiError::OwnComment => "own_comment",
            ApiError::CltClosed => "clt_closed",
            ApiError::BadSignature(_) => "bad_signature",
            ApiError::Replayed => "replayed",
            ApiError::RateLimited { .. } => "rate_limited",
            ApiError::NotFound => "not_found",
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::Misconfigured(_) => "misconfigured",
            ApiError::Unavailable => "unavailable",
        }
    }

    /// Seconds to wait before trying again, for `Retry-After`.
    pub fn retry_after(&self) -> Option<u32> {
        match self {
            ApiError::RateLimited { retry_after, .. } => Some(*retry_after),
            _ => None,
        }
    }

    /// The heading of the page that shows this error to a person.
    pub fn title(&self) -> &'static str {
        match self {
            ApiError::NotSignedIn => "Please sign in",
            ApiError::Invitation(_) => "This invitation cannot be used",
            ApiError::Problems(_) => "Please correct your comment",
            ApiError::RateLimited {
                limit: Limited::Comments,
                ..
            } => "Please wait before commenting again",
            ApiError::NotFound => "Page not found",
            ApiError::Misconfigured(_) | ApiError::Unavailable | ApiError::CltClosed => "Please try again later",
            _ => "Not allowed",
        }
    }

    /// The JSON body: `error` (the code), `message`, and what goes with it.
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
            ApiError::Problems(problems) => body["errors"] = serde_json::to_value(problems).unwrap_or_default(),
            ApiError::NotEligible { reasons, .. } => body["reasons"] = serde_json::json!(reasons),
            ApiError::Closed { status, message, .. } => {
                body["intake_status"] = serde_json::to_value(status).unwrap_or_default();
                body["message"] = serde_json::json!(message);
            }
            ApiError::RateLimited { retry_after, .. } => body["retry_after"] = serde_json::json!(retry_after),
            _ => {}
        }
        body
    }

    /// A failure of storage or the runtime: logged (what failed, never what
    /// a person sent), answered as [`ApiError::Unavailable`].
    pub fn unavailable<E: std::fmt::Display>(what: &'static str) -> impl FnOnce(E) -> ApiError {
        move |e| {
            worker::console_error!("{what}: {e}");
            ApiError::Unavailable
        }
    }
}
