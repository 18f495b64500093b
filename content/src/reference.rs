//! Referral references: what a referrer is shown and the case system
//! receives as `webhook-id`. Random, so they reveal nothing about volume or
//! order; Crockford base32 so they can be read out over the phone.

use std::fmt;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const PREFIX: &str = "LEAD-";
/// Characters of randomness: 10 x 5 bits = 50 bits.
const LEN: usize = 10;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Reference(String);

impl Reference {
    /// Builds a reference from random bytes (at least 7; 50 bits are used).
    pub fn from_random(bytes: &[u8; 8]) -> Reference {
        let mut n = u64::from_le_bytes(*bytes);
        let mut s = String::with_capacity(PREFIX.len() + LEN + 1);
        s.push_str(PREFIX);
        for i in 0..LEN {
            if i == LEN / 2 {
                s.push('-');
            }
            s.push(ALPHABET[(n & 31) as usize] as char);
            n >>= 5;
        }
        Reference(s)
    }

    /// Accepts a reference as printed (`LEAD-XXXXX-XXXXX`), ignoring case.
    pub fn parse(input: &str) -> Option<Reference> {
        let upper = input.trim().to_ascii_uppercase();
        let body = upper.strip_prefix(PREFIX)?;
        let (a, b) = body.split_once('-')?;
        let ok = |part: &str| part.len() == LEN / 2 && part.bytes().all(|c| ALPHABET.contains(&c));
        (ok(a) && ok(b)).then_some(Reference(upper))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_references_round_trip_through_parse() {
        for seed in [[0u8; 8], [255; 8], [1, 2, 3, 4, 5, 6, 7, 8]] {
            let r = Reference::from_random(&seed);
            assert_eq!(r.as_str().len(), "LEAD-XXXXX-XXXXX".len());
            assert_eq!(Reference::parse(&r.as_str().to_lowercase()), Some(r));
        }
    }

    #[test]
    fn malformed_references_are_refused() {
        for bad in [
            "",
            "LEAD-",
            "LEAD-12345",
            "LEAD-1234-12345",
            "LEAD-1234U-12345",
            "XEAD-12345-12345",
            "LEAD-12345-123456",
        ] {
            assert_eq!(Reference::parse(bad), None, "{bad}");
        }
    }
}
