//! The Community Leadership Team's members-only feedback.
//!
//! A manager invites a member from the staff console ([`crate::staff`]),
//! which stores the member and an invitation and shows a link carrying
//! `<invitation id>.<expiry>.<HMAC>`. Redeeming it (a POST, so a link
//! preview cannot spend it) starts a server-side session: a random 256-bit
//! token in a `__Host-` cookie, stored only as its SHA-256. Every CLT
//! request looks the session up in D1, so revoking a member ends all their
//! sessions at once. State-changing requests must come from the portal's
//! own origin and carry a token derived from the session (CSRF).
//!
//! The rules that need no runtime are native-tested: tokens and CSRF here,
//! what members send in [`input`], pages in [`html`]; D1 is in [`store`],
//! the handlers the worker's routing table calls in [`handlers`].

pub mod handlers;
pub mod html;
pub mod input;
pub mod store;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::crypto::{hex, hmac_sha256, hmac_verify};
pub use crate::error::InvitationError;

/// The session cookie. `__Host-`: Secure, Path=/, no Domain.
pub const COOKIE: &str = "__Host-lead_clt";
/// Sessions last 30 days unless revoked or signed out.
pub const SESSION_MS: i64 = 30 * 24 * 3600 * 1000;
/// The window sign-in attempts are counted in (the number allowed is the
/// `CLT_SIGN_IN_LIMIT` setting, [`crate::config::CltLimits`]).
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

    fn mac(&self, message: &str) -> [u8; 32] {
        hmac_sha256(&self.0, &[message.as_bytes()])
    }

    fn verify(&self, message: &str, tag: &[u8]) -> bool {
        hmac_verify(&self.0, &[message.as_bytes()], tag)
    }

    /// A keyed fingerprint of a client address, for rate limits (the
    /// address itself is never stored).
    pub fn fingerprint(&self, text: &str) -> String {
        hex(&self.mac(&format!("client|{text}"))[..12])
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

/// A new sign-in link valid until `expires_at`, for an invitation from the
/// console or another device: its id (to store), expiry and the link.
/// The link opens the sign-in page in `lang`.
pub fn new_link(
    req: &worker::Request,
    secret: &Secret,
    lang: lead_content::Lang,
    expires_at: i64,
) -> Result<(String, i64, String), crate::error::ApiError> {
    let id = random_token::<16>().ok_or(crate::error::ApiError::Unavailable)?;
    let link = format!(
        "{}{}?i={}",
        crate::session::own_origin(req),
        html::at(lang, "join"),
        secret.invitation(&id, expires_at)
    );
    Ok((id, expires_at, link))
}

/// A new random token (base64url of `N` bytes) for a session or an id.
pub fn random_token<const N: usize>() -> Option<String> {
    crate::crypto::random::<N>().map(|bytes| URL_SAFE_NO_PAD.encode(bytes))
}

/// The session token from a `Cookie` header.
pub fn session_token(cookie_header: &str) -> Option<&str> {
    crate::http::cookie(cookie_header, COOKIE)
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
}
