//! Standard Webhooks signatures for deliveries to the case system.
//!
//! `webhook-signature: v1,<base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")>`
//! where the key is the base64 part of a `whsec_` secret. The tests in
//! `tests/` check these signatures with a published verifier as well.

use base64::{engine::general_purpose::STANDARD, Engine};

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
