//! [`RegionCode`]: a syntactically valid Kemendagri region code in dotted canonical form.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::RegionLevel;

/// Longest canonical code: `PP.KK.CC.DDDD`.
const MAX_LEN: usize = 13;
/// Digits per segment, province first.
const WIDTHS: [usize; 4] = [2, 2, 2, 4];

/// A Kemendagri region code, always held in dotted canonical form
/// (`62`, `62.71`, `62.71.01`, `62.71.01.1001`).
///
/// A `RegionCode` is only *syntactically* valid; whether the region exists is answered by
/// [`RegionTable::get`](super::RegionTable::get). Codes order like their dotted strings, which
/// puts every region directly before its descendants.
///
/// Stored inline (no heap allocation), so cloning is a 14-byte copy.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegionCode {
    // Invariant: `buf[..len]` is a canonical dotted code (ASCII digits and dots), the rest is 0.
    // Zero padding sorts before '.' and digits, so the derived ordering equals string ordering.
    buf: [u8; MAX_LEN],
    len: u8,
}

/// Why a string is not a region code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegionCodeError {
    /// The input was empty or only whitespace.
    #[error("region code is empty")]
    Empty,
    /// The input is not `PP`, `PP.KK`, `PP.KK.CC` or `PP.KK.CC.DDDD` (dots optional).
    #[error(
        "{0:?} is not a region code: expected PP, PP.KK, PP.KK.CC or PP.KK.CC.DDDD (digits; the dots may be omitted)"
    )]
    Malformed(String),
}

impl RegionCode {
    /// `00`: "not yet known" — for reports from channels that cannot name a region (SMS,
    /// e-mail, a bare map pin). Never a Kemendagri code, so never in the region table; the
    /// database has a row for it so such reports can be stored and counted.
    #[must_use]
    pub fn undetermined() -> RegionCode {
        let mut code = RegionCode {
            buf: [0; MAX_LEN],
            len: 0,
        };
        code.push_segment(b"00");
        code
    }

    /// True for [`RegionCode::undetermined`].
    #[must_use]
    pub fn is_undetermined(&self) -> bool {
        self.as_str() == "00"
    }

    /// Parses a code in dotted (`62.71.01.1001`) or undotted (`6271011001`, i.e. 2, 4, 6 or 10
    /// digits) form. Surrounding whitespace is ignored; anything else is rejected.
    pub fn parse(s: &str) -> Result<RegionCode, RegionCodeError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(RegionCodeError::Empty);
        }
        let malformed = || {
            // Keep error messages bounded even for hostile input.
            let shown: String = s.chars().take(32).collect();
            RegionCodeError::Malformed(shown)
        };
        let mut code = RegionCode {
            buf: [0; MAX_LEN],
            len: 0,
        };
        if s.contains('.') {
            for (i, part) in s.split('.').enumerate() {
                let width = *WIDTHS.get(i).ok_or_else(malformed)?;
                if part.len() != width || !part.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(malformed());
                }
                code.push_segment(part.as_bytes());
            }
        } else {
            if !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(malformed());
            }
            let segments = match s.len() {
                2 => 1,
                4 => 2,
                6 => 3,
                10 => 4,
                _ => return Err(malformed()),
            };
            let mut rest = s.as_bytes();
            for width in &WIDTHS[..segments] {
                let (seg, tail) = rest.split_at(*width);
                code.push_segment(seg);
                rest = tail;
            }
        }
        Ok(code)
    }

    /// Builds a province code from its numeric value (`62`). `None` if out of range.
    pub(crate) fn province(value: u32) -> Option<RegionCode> {
        let mut code = RegionCode {
            buf: [0; MAX_LEN],
            len: 0,
        };
        code.push_number(value, WIDTHS[0])?;
        Some(code)
    }

    /// Builds the code of a child of `self` from the child's numeric segment (`71` under `62`).
    /// `None` if `self` is a village or the segment does not fit its width.
    pub(crate) fn child(&self, value: u32) -> Option<RegionCode> {
        let depth = self.level().depth();
        let width = *WIDTHS.get(usize::from(depth))?;
        let mut code = self.clone();
        code.push_number(value, width)?;
        Some(code)
    }

    fn push_number(&mut self, value: u32, width: usize) -> Option<()> {
        let mut digits = [0u8; 4];
        let mut v = value;
        for d in digits[..width].iter_mut().rev() {
            *d = b'0' + (v % 10) as u8;
            v /= 10;
        }
        if v != 0 {
            return None;
        }
        self.push_segment(&digits[..width]);
        Some(())
    }

    /// Appends a segment (caller guarantees width and digits).
    fn push_segment(&mut self, seg: &[u8]) {
        let mut len = usize::from(self.len);
        if len > 0 {
            self.buf[len] = b'.';
            len += 1;
        }
        self.buf[len..len + seg.len()].copy_from_slice(seg);
        self.len = (len + seg.len()) as u8;
    }

    /// The dotted canonical form, e.g. `"62.71.01.1001"`.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..usize::from(self.len)])
            .expect("region code bytes are ASCII digits and dots")
    }

    /// The code without dots (`"6271011001"`), as used by BPS, Dukcapil and many APIs.
    pub fn undotted(&self) -> String {
        self.as_str().chars().filter(|c| *c != '.').collect()
    }

    /// The administrative level, determined by the number of segments.
    pub fn level(&self) -> RegionLevel {
        match self.len {
            2 => RegionLevel::Provinsi,
            5 => RegionLevel::KabupatenKota,
            8 => RegionLevel::Kecamatan,
            _ => RegionLevel::DesaKelurahan,
        }
    }

    /// The code one level up (`62.71.01` → `62.71`); `None` for a province.
    pub fn parent(&self) -> Option<RegionCode> {
        let cut = self.as_str().rfind('.')?;
        let mut parent = self.clone();
        parent.buf[cut..].fill(0);
        parent.len = cut as u8;
        Some(parent)
    }

    /// All codes from the province down to `self`, inclusive (`62`, `62.71`, `62.71.01`).
    pub fn lineage(&self) -> Vec<RegionCode> {
        let mut out = Vec::with_capacity(4);
        let mut current = Some(self.clone());
        while let Some(code) = current {
            current = code.parent();
            out.push(code);
        }
        out.reverse();
        out
    }

    /// True if `self` is `ancestor` itself or lies inside it: `62.71.01.1001` is within `62`,
    /// `62.71`, `62.71.01` and itself, but not within `62.72` or `62.71.02`.
    ///
    /// Inclusive on purpose: "is this report inside the officer's region?" must be true when the
    /// report is filed at the officer's own region. Use [`is_descendant_of`](Self::is_descendant_of)
    /// for the strict relation.
    pub fn is_within(&self, ancestor: &RegionCode) -> bool {
        let (me, anc) = (self.as_str(), ancestor.as_str());
        me == anc || (me.starts_with(anc) && me.as_bytes().get(anc.len()) == Some(&b'.'))
    }

    /// True if `self` lies strictly inside `ancestor` (is not equal to it).
    pub fn is_descendant_of(&self, ancestor: &RegionCode) -> bool {
        self != ancestor && self.is_within(ancestor)
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RegionCode({:?})", self.as_str())
    }
}

impl FromStr for RegionCode {
    type Err = RegionCodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RegionCode::parse(s)
    }
}

impl TryFrom<&str> for RegionCode {
    type Error = RegionCodeError;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        RegionCode::parse(s)
    }
}

impl AsRef<str> for RegionCode {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Serialize for RegionCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for RegionCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;

        impl serde::de::Visitor<'_> for Visitor {
            type Value = RegionCode;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Kemendagri region code such as \"62.71.01\"")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RegionCode, E> {
                RegionCode::parse(v).map_err(E::custom)
            }
        }

        deserializer.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).expect("valid test code")
    }

    #[test]
    fn parses_dotted_and_undotted_to_the_same_canonical_code() {
        for (input, canonical) in [
            ("62", "62"),
            ("62.71", "62.71"),
            ("6271", "62.71"),
            ("62.71.01", "62.71.01"),
            ("627101", "62.71.01"),
            ("62.71.01.1001", "62.71.01.1001"),
            ("6271011001", "62.71.01.1001"),
            ("  62.71.01.1001\n", "62.71.01.1001"),
        ] {
            assert_eq!(code(input).as_str(), canonical, "input {input:?}");
        }
    }

    #[test]
    fn rejects_malformed_codes() {
        assert_eq!(RegionCode::parse("  "), Err(RegionCodeError::Empty));
        for bad in [
            "6",
            "62.7",
            "627",
            "62.71.01.10011",
            "62710110011",
            "ab",
            "62.ab",
            "62..71",
            ".62",
            "62.",
            "62.71.1",
            "62 71",
            "٦٢",
            "62.71.01.1001.01",
            "+62",
            "-6",
        ] {
            assert!(
                matches!(RegionCode::parse(bad), Err(RegionCodeError::Malformed(_))),
                "{bad:?} should be rejected"
            );
        }
    }

    #[test]
    fn ordering_matches_string_ordering_and_is_preorder() {
        let mut codes = [
            "62.71.01",
            "62",
            "62.71.01.1001",
            "11.01",
            "62.71",
            "62.03",
            "62.71.02",
            "9",
        ]
        .into_iter()
        .filter_map(|s| RegionCode::parse(s).ok())
        .collect::<Vec<_>>();
        codes.sort();
        let strs: Vec<&str> = codes.iter().map(RegionCode::as_str).collect();
        assert_eq!(
            strs,
            [
                "11.01",
                "62",
                "62.03",
                "62.71",
                "62.71.01",
                "62.71.01.1001",
                "62.71.02"
            ]
        );
    }

    #[test]
    fn child_and_province_constructors_pad_segments() {
        let p = RegionCode::province(9).expect("fits");
        assert_eq!(p.as_str(), "09");
        assert_eq!(code("62.71").child(1).expect("fits").as_str(), "62.71.01");
        assert_eq!(
            code("62.71.01").child(1001).expect("fits").as_str(),
            "62.71.01.1001"
        );
        assert!(code("62.71").child(100).is_none());
        assert!(code("62.71.01.1001").child(1).is_none());
        assert!(RegionCode::province(100).is_none());
    }

    #[test]
    fn lineage_runs_from_province_to_self() {
        let l: Vec<String> = code("62.71.01.1001")
            .lineage()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(l, ["62", "62.71", "62.71.01", "62.71.01.1001"]);
    }

    #[test]
    fn deserialize_validates_and_canonicalises() {
        use serde::de::IntoDeserializer;
        use serde::de::value::{Error, StrDeserializer};

        let d: StrDeserializer<'_, Error> = "6271".into_deserializer();
        assert_eq!(RegionCode::deserialize(d).expect("valid").as_str(), "62.71");
        let d: StrDeserializer<'_, Error> = "62.7".into_deserializer();
        assert!(RegionCode::deserialize(d).is_err());
    }
}
