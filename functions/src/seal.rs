//! Encryption at rest for stored referrals.
//!
//! AES-256-GCM with a 96-bit random nonce; the reference is bound in as
//! associated data so a sealed body cannot be moved to another row. Keys come
//! from the `REFERRAL_KEYS` secret as `id:base64key[,id:base64key…]`; the
//! first is used for new referrals, the others still open older ones, so a key
//! can be rotated without losing what is waiting for delivery.

use crate::crypto::{hex, hmac_sha256};
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::{engine::general_purpose::STANDARD, Engine};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("REFERRAL_KEYS is empty")]
    Empty,
    #[error("REFERRAL_KEYS entry {0} is not id:base64key")]
    Malformed(usize),
    #[error("REFERRAL_KEYS entry {0} is not a 32-byte base64 key")]
    BadKey(usize),
    #[error("REFERRAL_KEYS entry {0} repeats the id {1:?}: a sealed referral could not tell which key opens it")]
    DuplicateId(usize, String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    #[error("no key with id {0} is configured")]
    UnknownKey(String),
    #[error("the sealed body is damaged or was sealed for another referral")]
    Damaged,
}

struct Key {
    id: String,
    cipher: Aes256Gcm,
    raw: [u8; 32],
}

/// The configured keys, newest first.
pub struct KeyRing(Vec<Key>);

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<&str> = self.0.iter().map(|k| k.id.as_str()).collect();
        write!(f, "KeyRing({ids:?})")
    }
}

/// A sealed referral body and the key that sealed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub key_id: String,
    /// base64 of nonce followed by ciphertext and tag.
    pub body: String,
}

impl KeyRing {
    pub fn parse(secret: &str) -> Result<KeyRing, KeyError> {
        let mut keys = Vec::new();
        for (i, entry) in secret.split(',').map(str::trim).filter(|e| !e.is_empty()).enumerate() {
            let (id, b64) = entry.split_once(':').ok_or(KeyError::Malformed(i + 1))?;
            if id.is_empty() || id.len() > 16 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(KeyError::Malformed(i + 1));
            }
            let bytes = STANDARD.decode(b64).map_err(|_| KeyError::BadKey(i + 1))?;
            let raw: [u8; 32] = bytes.try_into().map_err(|_| KeyError::BadKey(i + 1))?;
            let cipher = Aes256Gcm::new_from_slice(&raw).map_err(|_| KeyError::BadKey(i + 1))?;
            if keys.iter().any(|k: &Key| k.id == id) {
                return Err(KeyError::DuplicateId(i + 1, id.to_string()));
            }
            keys.push(Key {
                id: id.to_string(),
                cipher,
                raw,
            });
        }
        if keys.is_empty() {
            return Err(KeyError::Empty);
        }
        Ok(KeyRing(keys))
    }

    fn current(&self) -> &Key {
        &self.0[0]
    }

    pub fn seal(&self, reference: &str, plaintext: &[u8], nonce: [u8; 12]) -> Sealed {
        let key = self.current();
        let ciphertext = key
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: reference.as_bytes(),
                },
            )
            .expect("AES-GCM encryption of an in-memory buffer cannot fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ciphertext);
        Sealed {
            key_id: key.id.clone(),
            body: STANDARD.encode(out),
        }
    }

    pub fn open(&self, reference: &str, sealed: &Sealed) -> Result<Vec<u8>, OpenError> {
        let key = self
            .0
            .iter()
            .find(|k| k.id == sealed.key_id)
            .ok_or_else(|| OpenError::UnknownKey(sealed.key_id.clone()))?;
        let bytes = STANDARD.decode(&sealed.body).map_err(|_| OpenError::Damaged)?;
        if bytes.len() < 12 + 16 {
            return Err(OpenError::Damaged);
        }
        let (nonce, ciphertext) = bytes.split_at(12);
        key.cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: reference.as_bytes(),
                },
            )
            .map_err(|_| OpenError::Damaged)
    }

    /// A keyed hash for lookups that must not reveal their input (duplicate
    /// detection, rate-limit buckets, idempotency keys). Hex, 32 characters.
    ///
    /// The encryption key itself never keys an HMAC: each purpose gets its
    /// own key derived from it (HMAC-SHA256 of the purpose under the
    /// encryption key, as HKDF-Expand does for one block), so a hash never
    /// tells anything about the key that seals referrals, nor one purpose's
    /// hashes about another's.
    pub fn fingerprint(&self, purpose: &str, input: &str) -> String {
        fingerprint_with(&self.current().raw, purpose, input)
    }

    /// The fingerprint under every configured key, newest first: what to
    /// look for, so a key rotation does not hide a duplicate or an
    /// idempotency key stored under the key before.
    pub fn fingerprints(&self, purpose: &str, input: &str) -> Vec<String> {
        self.0
            .iter()
            .map(|k| fingerprint_with(&k.raw, purpose, input))
            .collect()
    }
}

fn fingerprint_with(raw: &[u8; 32], purpose: &str, input: &str) -> String {
    let purpose_key = hmac_sha256(raw, &[b"lead-portal fingerprint key\0", purpose.as_bytes(), &[1]]);
    hex(&hmac_sha256(&purpose_key, &[input.as_bytes()])[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    const K1: &str = "k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    const K2: &str = "k2:HxwdHhsaGRgXFhUUExIREA8ODQwLCgkIBwYFBAMCAQA=";

    #[test]
    fn sealed_bodies_open_with_the_same_reference_only() {
        let ring = KeyRing::parse(K1).expect("valid keys");
        let sealed = ring.seal("LEAD-AAAAA-BBBBB", b"secret description", [7; 12]);
        assert_eq!(sealed.key_id, "k1");
        assert!(!sealed.body.contains("secret"));
        assert_eq!(
            ring.open("LEAD-AAAAA-BBBBB", &sealed).expect("opens"),
            b"secret description"
        );
        assert_eq!(ring.open("LEAD-CCCCC-DDDDD", &sealed), Err(OpenError::Damaged));
    }

    #[test]
    fn rotated_keys_still_open_older_referrals() {
        let old = KeyRing::parse(K1).expect("valid keys");
        let sealed = old.seal("R", b"x", [1; 12]);
        let rotated = KeyRing::parse(&format!("{K2},{K1}")).expect("valid keys");
        assert_eq!(rotated.open("R", &sealed).expect("opens"), b"x");
        assert_eq!(rotated.seal("R", b"x", [1; 12]).key_id, "k2");
        let without_old = KeyRing::parse(K2).expect("valid keys");
        assert_eq!(without_old.open("R", &sealed), Err(OpenError::UnknownKey("k1".into())));
    }

    #[test]
    fn tampered_bodies_are_refused() {
        let ring = KeyRing::parse(K1).expect("valid keys");
        let mut sealed = ring.seal("R", b"hello", [0; 12]);
        sealed.body = sealed.body.replacen('A', "B", 1);
        assert_eq!(ring.open("R", &sealed), Err(OpenError::Damaged));
        assert_eq!(
            ring.open(
                "R",
                &Sealed {
                    key_id: "k1".into(),
                    body: "AAAA".into()
                }
            ),
            Err(OpenError::Damaged)
        );
    }

    #[test]
    fn malformed_key_lists_are_refused() {
        assert_eq!(KeyRing::parse("").unwrap_err(), KeyError::Empty);
        assert_eq!(KeyRing::parse("nocolon").unwrap_err(), KeyError::Malformed(1));
        assert_eq!(KeyRing::parse("k1:AAAA").unwrap_err(), KeyError::BadKey(1));
        assert_eq!(
            KeyRing::parse(&format!("{K1},bad id:AAAA")).unwrap_err(),
            KeyError::Malformed(2)
        );
    }

    #[test]
    fn fingerprints_depend_on_purpose_and_key() {
        let ring = KeyRing::parse(K1).expect("valid keys");
        let other = KeyRing::parse(K2).expect("valid keys");
        assert_eq!(ring.fingerprint("a", "x"), ring.fingerprint("a", "x"));
        assert_ne!(ring.fingerprint("a", "x"), ring.fingerprint("b", "x"));
        assert_ne!(ring.fingerprint("a", "x"), other.fingerprint("a", "x"));
        assert_eq!(ring.fingerprint("a", "x").len(), 32);
    }

    #[test]
    fn fingerprints_are_not_keyed_with_the_encryption_key_itself() {
        let ring = KeyRing::parse(K1).expect("valid keys");
        let raw = STANDARD.decode(K1.split_once(':').expect("id:key").1).expect("base64");
        let direct = hex(&hmac_sha256(&raw, &[b"x"])[..16]);
        assert_ne!(ring.fingerprint("a", "x"), direct);
    }

    #[test]
    fn after_a_rotation_the_old_fingerprint_is_still_looked_for() {
        let old = KeyRing::parse(K1).expect("valid keys");
        let rotated = KeyRing::parse(&format!("{K2},{K1}")).expect("valid keys");
        let stored = old.fingerprint("duplicate", "x");
        let looked_for = rotated.fingerprints("duplicate", "x");
        assert_eq!(looked_for.len(), 2);
        assert_eq!(looked_for[0], rotated.fingerprint("duplicate", "x"));
        assert!(looked_for.contains(&stored));
    }

    #[test]
    fn two_keys_with_one_id_are_refused() {
        assert_eq!(
            KeyRing::parse(&format!("{K1},{}", K2.replace("k2:", "k1:"))).unwrap_err(),
            KeyError::DuplicateId(2, "k1".into())
        );
    }
}
