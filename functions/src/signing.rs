//! Standard Webhooks signatures: on deliveries to the case system, and on
//! the case system's capacity reports to the portal (the same shared
//! secret, both ways).
//!
//! `webhook-signature: v1,<base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")>`
//! where the key is the base64 part of a `whsec_` secret. The tests in
//! `tests/` check these signatures with a published verifier as well.

use base64::{engine::general_purpose::STANDARD, Engine};

/// Why a signed request is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the webhook-id, webhook-timestamp and webhook-signature headers are all required")]
    Missing,
    #[error("webhook-timestamp is more than 5 minutes from now: a stale or replayed request")]
    Stale,
    #[error("no webhook-signature matches the request with the shared secret")]
    Mismatch,
}

/// How far a signed request's timestamp may be from now, in seconds.
pub const TOLERANCE_SECONDS: i64 = 300;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error("CASE_SYSTEM_SECRET must start with whsec_")]
    MissingPrefix,
    #[error("CASE_SYSTEM_SECRET is not valid base64 after whsec_")]
    NotBase64,
    #[error("CASE_SYSTEM_SECRET must hold at least 24 bytes of key")]
    TooShort,
}

/// A signing key read from a `whsec_…` secret.
#[derive(Clone)]
pub struct SigningKey(Vec<u8>);

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKey(..)")
    }
}

impl SigningKey {
    pub fn parse(secret: &str) -> Result<SigningKey, SecretError> {
        let encoded = secret.trim().strip_prefix("whsec_").ok_or(SecretError::MissingPrefix)?;
        let key = STANDARD.decode(encoded).map_err(|_| SecretError::NotBase64)?;
        if key.len() < 24 {
            return Err(SecretError::TooShort);
        }
        Ok(SigningKey(key))
    }

    /// The `webhook-signature` header value.
    pub fn sign(&self, id: &str, timestamp: i64, body: &str) -> String {
        let signed = format!("{id}.{timestamp}.");
        let tag = crate::crypto::hmac_sha256(&self.0, &[signed.as_bytes(), body.as_bytes()]);
        format!("v1,{}", STANDARD.encode(tag))
    }

    /// Checks a signed request: the timestamp within [`TOLERANCE_SECONDS`]
    /// of `now_seconds`, and one of the space-separated `v1,` signatures
    /// made with this key over the id, the timestamp and the body.
    pub fn verify(
        &self,
        id: Option<&str>,
        timestamp: Option<&str>,
        signatures: Option<&str>,
        body: &[u8],
        now_seconds: i64,
    ) -> Result<(), SignatureError> {
        let (Some(id), Some(timestamp), Some(signatures)) = (id, timestamp, signatures) else {
            return Err(SignatureError::Missing);
        };
        let sent_at: i64 = timestamp.trim().parse().map_err(|_| SignatureError::Stale)?;
        if (now_seconds - sent_at).abs() > TOLERANCE_SECONDS {
            return Err(SignatureError::Stale);
        }
        let signed = format!("{}.{sent_at}.", id.trim());
        let matches = signatures
            .split_whitespace()
            .filter_map(|s| s.strip_prefix("v1,"))
            .filter_map(|tag| STANDARD.decode(tag).ok())
            .any(|tag| crate::crypto::hmac_verify(&self.0, &[signed.as_bytes(), body], &tag));
        if matches {
            Ok(())
        } else {
            Err(SignatureError::Mismatch)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_standard_webhooks_reference_vector() {
        // The example from the Standard Webhooks specification repository.
        let key = SigningKey::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").expect("valid secret");
        let body = r#"{"test": 2432232314}"#;
        assert_eq!(
            key.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn signed_requests_are_verified_in_time() {
        let key = SigningKey::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").expect("valid secret");
        let body = br#"{"test": 2432232314}"#;
        let (id, ts) = ("msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330");
        let sig = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
        let check = |sigs: &str, now: i64| key.verify(Some(id), Some(ts), Some(sigs), body, now);
        assert_eq!(check(sig, 1614265330), Ok(()));
        assert_eq!(check(&format!("v1,AAAA {sig}"), 1614265330 + 300), Ok(()));
        assert_eq!(check(sig, 1614265330 + 301), Err(SignatureError::Stale));
        assert_eq!(check(sig, 1614265330 - 301), Err(SignatureError::Stale));
        assert_eq!(check("v1,AAAA", 1614265330), Err(SignatureError::Mismatch));
        assert_eq!(
            check(&sig.replace("v1,", "v2,"), 1614265330),
            Err(SignatureError::Mismatch)
        );
        let other = key.verify(Some("msg_other"), Some(ts), Some(sig), body, 1614265330);
        assert_eq!(other, Err(SignatureError::Mismatch));
        let changed = key.verify(Some(id), Some(ts), Some(sig), b"{}", 1614265330);
        assert_eq!(changed, Err(SignatureError::Mismatch));
        assert_eq!(
            key.verify(None, Some(ts), Some(sig), body, 0),
            Err(SignatureError::Missing)
        );
    }

    #[test]
    fn malformed_secrets_are_refused_with_a_reason() {
        assert_eq!(
            SigningKey::parse("MfKQ9r8GKYqr").unwrap_err(),
            SecretError::MissingPrefix
        );
        assert_eq!(SigningKey::parse("whsec_!!!").unwrap_err(), SecretError::NotBase64);
        assert_eq!(SigningKey::parse("whsec_AAAA").unwrap_err(), SecretError::TooShort);
    }

    #[test]
    fn debug_never_prints_the_key() {
        let key = SigningKey::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").expect("valid secret");
        assert_eq!(format!("{key:?}"), "SigningKey(..)");
    }
}
