//! Report numbers (public) and tracking codes (the reporter's private key to a report).

use std::fmt;

use rand::Rng;
use sha2::{Digest, Sha256};

/// Characters a tracking code is made of: digits and capitals without the look-alikes
/// 0/O, 1/I/L, so a code survives being read out over the phone or copied from an SMS.
pub const ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// 13 symbols of a 31-letter alphabet carry 13·log2(31) ≈ 64.4 bits.
pub const LENGTH: usize = 13;

/// The reporter's private code, e.g. `K7QM-R2XD-9HTWB`. Case, spaces and dashes do not matter.
///
/// Only its [`TrackingCode::digest`] is stored with the report, so reading the reports does
/// not reveal it. (An API call with an `Idempotency-Key` keeps its first answer, code
/// included, for 24 hours so that a retry gets the same answer.)
#[derive(Clone, PartialEq, Eq)]
pub struct TrackingCode(String);

impl TrackingCode {
    /// A fresh random code.
    pub fn generate<R: Rng + ?Sized>(rng: &mut R) -> Self {
        let code = (0..LENGTH)
            .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
            .collect();
        Self(code)
    }

    /// Reads a code as a person typed it: any case, with or without dashes and spaces.
    /// Returns `None` when it cannot be a tracking code.
    #[must_use]
    pub fn parse(input: &str) -> Option<Self> {
        let code: String = input
            .chars()
            .filter(|c| !matches!(c, '-' | ' ' | '\t' | '#'))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        (code.len() == LENGTH && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(Self(code))
    }

    /// SHA-256 of the canonical code, hex encoded: what storage keeps and looks up.
    #[must_use]
    pub fn digest(&self) -> String {
        sha256_hex(self.0.as_bytes())
    }

    /// The canonical form without separators.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Grouped 4-4-5 for reading aloud.
impl fmt::Display for TrackingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}-{}", &self.0[..4], &self.0[4..8], &self.0[8..])
    }
}

/// Never print a tracking code by accident (it is a bearer secret).
impl fmt::Debug for TrackingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TrackingCode(…)")
    }
}

/// SHA-256 of `bytes`, lowercase hex: how secrets (tracking codes, session tokens) and
/// request fingerprints are kept.
#[must_use]
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lowercase hex of a byte slice.
#[must_use]
pub fn hex(bytes: &[u8]) -> String {
    use fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// The public report number, shown as seven digits (`#0001234`) like LAPOR!'s own numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ReportNumber(pub i64);

impl ReportNumber {
    /// Accepts `1234`, `0001234` and `#0001234`.
    #[must_use]
    pub fn parse(input: &str) -> Option<Self> {
        let digits = input.trim().trim_start_matches('#');
        if digits.is_empty() || digits.len() > 18 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse().ok().filter(|n| *n > 0).map(Self)
    }
}

impl fmt::Display for ReportNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:07}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{SeedableRng, rngs::StdRng};

    #[test]
    fn generated_codes_have_at_least_60_bits_and_no_lookalikes() {
        let bits = LENGTH as f64 * (ALPHABET.len() as f64).log2();
        assert!(bits >= 60.0, "{bits}");
        for forbidden in [b'0', b'O', b'1', b'I', b'L'] {
            assert!(!ALPHABET.contains(&forbidden));
        }
        let mut rng = StdRng::seed_from_u64(7);
        let code = TrackingCode::generate(&mut rng);
        assert_eq!(code.as_str().len(), LENGTH);
        assert_eq!(code.to_string().len(), LENGTH + 2);
    }

    #[test]
    fn codes_differ_and_round_trip_through_display() {
        let mut rng = StdRng::seed_from_u64(1);
        let codes: std::collections::HashSet<_> = (0..10_000)
            .map(|_| TrackingCode::generate(&mut rng).0)
            .collect();
        assert_eq!(codes.len(), 10_000);
        let code = TrackingCode::generate(&mut rng);
        assert_eq!(TrackingCode::parse(&code.to_string()), Some(code));
    }

    #[test]
    fn parsing_ignores_case_dashes_and_spaces() {
        let a = TrackingCode::parse("K7QM-R2XD-9HTWB").expect("valid");
        assert_eq!(TrackingCode::parse("k7qm r2xd 9htwb"), Some(a.clone()));
        assert_eq!(TrackingCode::parse(" k7qmr2xd9htwb "), Some(a.clone()));
        assert_eq!(
            a.digest(),
            TrackingCode::parse("k7qmr2xd9htwb")
                .expect("valid")
                .digest()
        );
    }

    #[test]
    fn parsing_rejects_wrong_length_and_ambiguous_letters() {
        assert_eq!(TrackingCode::parse(""), None);
        assert_eq!(TrackingCode::parse("K7QM-R2XD-9HTW"), None);
        assert_eq!(TrackingCode::parse("K7QM-R2XD-9HTWBB"), None);
        assert_eq!(TrackingCode::parse("K7QM-R2XD-9HTW0"), None);
        assert_eq!(TrackingCode::parse("K7QM-R2XD-9HTWI"), None);
        assert_eq!(TrackingCode::parse("<script>alert1"), None);
    }

    #[test]
    fn debug_output_hides_the_code() {
        let code = TrackingCode::parse("K7QM-R2XD-9HTWB").expect("valid");
        assert!(!format!("{code:?}").contains("K7QM"));
    }

    #[test]
    fn report_numbers_print_as_seven_digits_and_parse_leniently() {
        assert_eq!(ReportNumber(42).to_string(), "0000042");
        assert_eq!(ReportNumber::parse("#0000042"), Some(ReportNumber(42)));
        assert_eq!(ReportNumber::parse("42"), Some(ReportNumber(42)));
        assert_eq!(ReportNumber::parse("0"), None);
        assert_eq!(ReportNumber::parse("4x2"), None);
        assert_eq!(ReportNumber::parse("99999999999999999999"), None);
    }
}
