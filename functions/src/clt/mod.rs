//! The Community Leadership Team's members-only feedback.
//!
//! The program manager invites a member with `functions/bin/clt invite`,
//! which stores the member and an invitation and prints a link carrying
//! `<invitation id>.<expiry>.<HMAC>`. Redeeming it (a POST, so a link
//! preview cannot spend it) starts a server-side session: a random 256-bit
//! token in a `__Host-` cookie, stored only as its SHA-256. Every CLT
//! request looks the session up in D1, so revoking a member ends all their
//! sessions at once. State-changing requests must come from the portal's
//! own origin and carry a token derived from the session (CSRF).
//!
//! The rules that need no runtime (tokens, CSRF, input checks, HTML) are
//! here and in [`html`], with native tests; D1 is in [`store`], requests in
//! [`handlers`].

pub mod handlers;
pub mod html;
pub mod store;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// The session cookie. `__Host-`: Secure, Path=/, no Domain.
pub const COOKIE: &str = "__Host-lead_clt";
/// Sessions last 30 days unless revoked or signed out.
pub const SESSION_MS: i64 = 30 * 24 * 3600 * 1000;
/// Longest comment or reply, in characters.
pub const MAX_TEXT_CHARS: usize = 4000;
/// Longest "data point" note, in characters.
pub const MAX_POINT_CHARS: usize = 200;
/// Sign-in attempts allowed per client per 15 minutes.
pub const SIGN_IN_LIMIT: u32 = 10;
pub const SIGN_IN_WINDOW_SECONDS: i64 = 900;

/// The HMAC key for invitations and CSRF tokens (`CLT_SECRET`).
#[derive(Clone)]
pub struct Secret(Vec<u8>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

impl Secret {
    /// At least 32 characters; `None` otherwise (the CLT is then closed).
    pub fn new(text: &str) -> Option<Secret> {
        (text.trim().len() >= 32).then(|| Secret(text.trim().as_bytes().to_vec()))
    }

    fn mac(&self, message: &str) -> Vec<u8> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(message.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    fn verify(&self, message: &str, tag: &[u8]) -> bool {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(message.as_bytes());
        mac.verify_slice(tag).is_ok()
    }

    /// A keyed fingerprint of a client address, for rate limits (the
    /// address itself is never stored).
    pub fn fingerprint(&self, text: &str) -> String {
        self.mac(&format!("client|{text}"))[..12]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The signed invitation token for an invitation id and expiry (ms).
    pub fn invitation(&self, id: &str, expires_at: i64) -> String {
        let tag = self.mac(&format!("invite|{id}|{expires_at}"));
        format!("{id}.{expires_at}.{}", URL_SAFE_NO_PAD.encode(tag))
    }

    /// The CSRF token of a session (by its token hash).
    pub fn csrf(&self, token_hash: &str) -> String {
        URL_SAFE_NO_PAD.encode(self.mac(&format!("csrf|{token_hash}")))
    }

    pub fn csrf_ok(&self, token_hash: &str, presented: &str) -> bool {
        URL_SAFE_NO_PAD
            .decode(presented.trim())
            .is_ok_and(|tag| self.verify(&format!("csrf|{token_hash}"), &tag))
    }

    /// Checks an invitation token's signature and expiry; the invitation id
    /// if both hold. Whether it was already used is D1's to say.
    pub fn check_invitation(&self, token: &str, now: i64) -> Result<String, InvitationError> {
        let mut parts = token.trim().splitn(3, '.');
        let (Some(id), Some(expires), Some(tag)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(InvitationError::Invalid);
        };
        let expires_at: i64 = expires.parse().map_err(|_| InvitationError::Invalid)?;
        let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| InvitationError::Invalid)?;
        if id.is_empty() || id.len() > 64 || !self.verify(&format!("invite|{id}|{expires_at}"), &tag) {
            return Err(InvitationError::Invalid);
        }
        if now >= expires_at {
            return Err(InvitationError::Expired);
        }
        Ok(id.to_owned())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationError {
    /// Not a link the program made (or mistyped).
    Invalid,
    Expired,
    /// Already redeemed once.
    Used,
}

/// Hex SHA-256, for session tokens and data versions.
pub fn sha256_hex(data: &[u8]) -> String {
    Sha256::digest(data).iter().map(|b| format!("{b:02x}")).collect()
}

/// A new random token (32 bytes, base64url) for a session or an id.
pub fn random_token(bytes: usize) -> Option<String> {
    let mut buf = vec![0u8; bytes];
    getrandom::getrandom(&mut buf).ok()?;
    Some(URL_SAFE_NO_PAD.encode(buf))
}

/// The session token from a `Cookie` header.
pub fn session_token(cookie_header: &str) -> Option<&str> {
    cookie_header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.trim())
        .filter(|v| !v.is_empty() && v.len() <= 128)
}

/// The `Set-Cookie` value that starts a session.
pub fn set_cookie(token: &str) -> String {
    format!(
        "{COOKIE}={token}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age={}",
        SESSION_MS / 1000
    )
}

/// The `Set-Cookie` value that ends one.
pub fn clear_cookie() -> String {
    format!("{COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// Whether a state-changing request came from the portal's own pages: its
/// `Origin` (or, without one, `Sec-Fetch-Site`) must say so. A request with
/// neither is refused: every browser that can hold the cookie sends one.
///
/// `Origin: null` is what a browser sends from a page whose Referrer-Policy
/// is `no-referrer` (the portal's): then `Sec-Fetch-Site` decides.
pub fn same_origin(own_origin: &str, origin: Option<&str>, fetch_site: Option<&str>) -> bool {
    match (origin.filter(|o| *o != "null"), fetch_site) {
        (Some(origin), _) => origin.trim_end_matches('/') == own_origin.trim_end_matches('/'),
        (None, Some(site)) => site == "same-origin",
        (None, None) => false,
    }
}

/// What a member can say about a chart.
pub const KINDS: [(&str, &str); 5] = [
    ("question", "Question"),
    ("blind_spot", "Blind spot"),
    ("concern", "Concern"),
    ("suggestion", "Suggestion"),
    ("appreciation", "Appreciation"),
];

/// Whether and how a comment may be published.
pub const PUBLISH: [(&str, &str); 3] = [
    ("with_organisation", "Publish it with my organisation's name"),
    ("anonymous", "Publish it without my organisation's name"),
    ("program_only", "Keep it for the program only"),
];

/// The program's answer to a comment.
pub const REPLY_STATUSES: [(&str, &str); 4] = [
    ("noted", "Noted"),
    ("will_act", "Will act"),
    ("done", "Done"),
    ("wont_act", "Won't act"),
];

pub fn label<'a>(options: &[(&str, &'a str)], value: &str) -> Option<&'a str> {
    options.iter().find(|(v, _)| *v == value).map(|(_, l)| *l)
}

/// A comment as a member submits it, before checks.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct CommentInput {
    #[serde(default)]
    pub page: String,
    #[serde(default)]
    pub chart: String,
    #[serde(default)]
    pub period: String,
    #[serde(default)]
    pub data_point: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub publish: String,
}

/// A reply as a moderator submits it.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct ReplyInput {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub reason: String,
}

/// Free text as the referral rules keep it: control and bidirectional
/// override characters removed (they could disguise a comment on a page or
/// in a manager's terminal through `clt export`), spaces collapsed, single
/// line breaks kept.
fn clean_text(text: &str, multiline: bool) -> String {
    use lead_content::QuestionKind;
    let kind = if multiline {
        QuestionKind::LongText
    } else {
        QuestionKind::Text
    };
    lead_content::referral::normalise(kind, text)
}

impl CommentInput {
    /// The input with its free text cleaned ([`clean_text`]).
    pub fn cleaned(self) -> CommentInput {
        CommentInput {
            data_point: clean_text(&self.data_point, false),
            body: clean_text(&self.body, true),
            ..self
        }
    }
}

impl ReplyInput {
    /// The input with its free text cleaned ([`clean_text`]).
    pub fn cleaned(self) -> ReplyInput {
        ReplyInput {
            body: clean_text(&self.body, true),
            reason: clean_text(&self.reason, true),
            ..self
        }
    }
}

/// One problem with submitted input, named by field.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    pub field: &'static str,
    pub message: String,
}

fn slug_ok(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn period_ok(s: &str) -> bool {
    s == "all"
        || (s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()))
        || (s.len() == 7
            && s[..4].bytes().all(|b| b.is_ascii_digit())
            && matches!(&s[4..], "-Q1" | "-Q2" | "-Q3" | "-Q4"))
}

fn text_problem(field: &'static str, text: &str, required: bool, max: usize) -> Option<Problem> {
    let n = text.trim().chars().count();
    if required && n == 0 {
        return Some(Problem {
            field,
            message: "Write something here.".into(),
        });
    }
    (n > max).then(|| Problem {
        field,
        message: format!("Keep this to {max} characters or fewer (it has {n})."),
    })
}

impl CommentInput {
    /// Every problem with the input; empty when it can be stored. Whether
    /// the chart exists is checked against the published site.
    pub fn problems(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        if !slug_ok(&self.page) || !slug_ok(&self.chart) || !period_ok(&self.period) {
            out.push(Problem {
                field: "chart",
                message: "Comment from a chart on a dashboard page.".into(),
            });
        }
        if label(&KINDS, &self.kind).is_none() {
            out.push(Problem {
                field: "kind",
                message: "Choose what kind of comment this is.".into(),
            });
        }
        if label(&PUBLISH, &self.publish).is_none() {
            out.push(Problem {
                field: "publish",
                message: "Choose whether the comment may be published.".into(),
            });
        }
        out.extend(text_problem("body", &self.body, true, MAX_TEXT_CHARS));
        out.extend(text_problem("data_point", &self.data_point, false, MAX_POINT_CHARS));
        out
    }
}

impl ReplyInput {
    pub fn problems(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        if label(&REPLY_STATUSES, &self.status).is_none() {
            out.push(Problem {
                field: "status",
                message: "Choose what the program will do.".into(),
            });
        }
        out.extend(text_problem("body", &self.body, false, MAX_TEXT_CHARS));
        let needs_reason = self.status == "wont_act";
        out.extend(text_problem("reason", &self.reason, needs_reason, MAX_TEXT_CHARS));
        if needs_reason && self.reason.trim().is_empty() {
            if let Some(p) = out.iter_mut().find(|p| p.field == "reason") {
                p.message = "Say why the program won't act.".into();
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret() -> Secret {
        Secret::new("a test secret that is long enough to use").expect("long enough")
    }

    #[test]
    fn invitations_are_signed_and_expire() {
        let s = secret();
        let token = s.invitation("abc123", 2_000);
        assert_eq!(s.check_invitation(&token, 1_000), Ok("abc123".into()));
        assert_eq!(s.check_invitation(&token, 2_000), Err(InvitationError::Expired));
        // A changed id, expiry or tag, or another secret's link, is refused.
        let forged = token.replacen("abc123", "abc124", 1);
        assert_eq!(s.check_invitation(&forged, 1_000), Err(InvitationError::Invalid));
        let extended = token.replacen(".2000.", ".9000.", 1);
        assert_eq!(s.check_invitation(&extended, 1_000), Err(InvitationError::Invalid));
        let other = Secret::new("another secret, also long enough to use").expect("long");
        assert_eq!(other.check_invitation(&token, 1_000), Err(InvitationError::Invalid));
        for junk in ["", "a.b", "a.1.!!!", "..", "x.1.AAAA"] {
            assert_eq!(s.check_invitation(junk, 0), Err(InvitationError::Invalid), "{junk:?}");
        }
        assert!(Secret::new("short").is_none());
    }

    #[test]
    fn csrf_tokens_belong_to_one_session() {
        let s = secret();
        let token = s.csrf("hash-one");
        assert!(s.csrf_ok("hash-one", &token));
        assert!(!s.csrf_ok("hash-two", &token));
        assert!(!s.csrf_ok("hash-one", ""));
        assert!(!s.csrf_ok("hash-one", "not base64!"));
    }

    #[test]
    fn cookies() {
        assert_eq!(session_token("a=1; __Host-lead_clt=tok; b=2"), Some("tok"));
        assert_eq!(session_token("lead_clt=tok"), None);
        assert_eq!(session_token("__Host-lead_clt="), None);
        let set = set_cookie("tok");
        for part in ["__Host-lead_clt=tok", "Path=/", "Secure", "HttpOnly", "SameSite=Strict"] {
            assert!(set.contains(part), "{set}");
        }
        assert!(!set.contains("Domain"));
        assert!(clear_cookie().contains("Max-Age=0"));
    }

    #[test]
    fn only_the_portal_itself_may_post() {
        let own = "https://lead.example.org";
        assert!(same_origin(own, Some("https://lead.example.org"), None));
        assert!(!same_origin(own, Some("https://evil.example"), Some("same-origin")));
        assert!(!same_origin(own, Some("null"), None));
        assert!(same_origin(own, Some("null"), Some("same-origin")));
        assert!(!same_origin(own, Some("null"), Some("cross-site")));
        assert!(same_origin(own, None, Some("same-origin")));
        assert!(!same_origin(own, None, Some("cross-site")));
        assert!(!same_origin(own, None, None));
    }

    #[test]
    fn comment_input_is_checked_field_by_field() {
        let good = CommentInput {
            page: "capacity".into(),
            chart: "average-caseload".into(),
            period: "2025-Q1".into(),
            data_point: "".into(),
            kind: "blind_spot".into(),
            body: "What about people on the waitlist?".into(),
            publish: "with_organisation".into(),
        };
        assert!(good.problems().is_empty());
        let bad = CommentInput {
            period: "2025-Q5".into(),
            kind: "rant".into(),
            body: " ".into(),
            publish: "".into(),
            data_point: "x".repeat(201),
            ..good.clone()
        };
        let fields: Vec<&str> = bad.problems().iter().map(|p| p.field).collect();
        assert_eq!(fields, ["chart", "kind", "publish", "body", "data_point"]);
        let long = CommentInput {
            body: "é".repeat(MAX_TEXT_CHARS + 1),
            ..good
        };
        assert!(long.problems()[0].message.contains("4000 characters"));
    }

    #[test]
    fn control_and_bidi_characters_are_removed_from_what_members_write() {
        let input = CommentInput {
            body: "Fine\u{202E}txt.exe\u{7}\u{1b}[31m red\r\n\r\nnext line\u{2066}".into(),
            data_point: "2025-Q1\u{200F}\n Police".into(),
            ..CommentInput::default()
        }
        .cleaned();
        assert_eq!(input.body, "Finetxt.exe[31m red\nnext line");
        assert_eq!(input.data_point, "2025-Q1 Police");
        let reply = ReplyInput {
            reason: "\u{202D}no\u{0}".into(),
            ..ReplyInput::default()
        }
        .cleaned();
        assert_eq!(reply.reason, "no");
    }

    #[test]
    fn wont_act_needs_a_reason() {
        let reply = ReplyInput {
            status: "wont_act".into(),
            body: "".into(),
            reason: "".into(),
        };
        assert_eq!(reply.problems()[0].field, "reason");
        assert_eq!(reply.problems()[0].message, "Say why the program won't act.");
        let noted = ReplyInput {
            status: "noted".into(),
            ..reply
        };
        assert!(noted.problems().is_empty());
    }
}
