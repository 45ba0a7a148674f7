//! Near-duplicate detection: a compact fingerprint of a report's text and how alike two are.
//!
//! A fingerprint is a MinHash of the text's features — the normalised words (function words
//! and greetings left out), their pairs, and character 4-grams of the words, so case, spacing,
//! a greeting and a typo barely move it. MinHash keeps every fingerprint the same small size
//! whatever the text's length (stored with each report, compared in O(K)), and two
//! fingerprints estimate the Jaccard similarity of the full feature sets. (Estimating
//! containment from it as well was tried: on short texts its noise doubled the false links.)
//!
//! Two thresholds, calibrated on the Surabaya complaints (see the tests):
//! - [`Kind::Duplicate`]: a re-submission, the same text modulo case, spacing, greeting, typos.
//!   Every exact re-submission there, and 99% of texts retyped with a greeting, in capitals and
//!   with a letter dropped, score above it; of 100,000 random pairs with different labels none
//!   does (0.01% in the same kelurahan, where some are one complaint filed under two labels).
//! - [`Kind::SameProblem`]: the same issue in other words (a mass complaint), meaningful only
//!   for reports about the same place, which the caller checks. Different-label pairs in the
//!   same kelurahan pass it 0.09% of the time; a reworded report of one broken street light
//!   scores 0.4–0.7.

use crate::text;

/// Number of MinHash slots. 64 keeps a fingerprint at 256 bytes while the Jaccard estimate
/// stays within about ±0.06 around the thresholds.
const K: usize = 64;

/// Estimated Jaccard similarity from which two texts are the same text re-sent.
pub const DUPLICATE: f32 = 0.75;
/// Estimated Jaccard similarity from which two texts about the same place are taken as
/// reports of the same problem.
pub const SAME_PROBLEM: f32 = 0.3;

/// Features of fewer than this many are too little text to call anything a duplicate.
const MIN_FEATURES: u32 = 12;

/// Function words, greetings and politeness that every complaint shares: left out so that
/// similarity measures the problem, not the manners. Lapor's own list.
const STOPWORDS: &[&str] = &[
    "ada",
    "adalah",
    "admin",
    "agar",
    "akan",
    "assalamualaikum",
    "atas",
    "atau",
    "bapak",
    "bisa",
    "bu",
    "dalam",
    "dan",
    "dari",
    "dengan",
    "di",
    "dong",
    "ibu",
    "ini",
    "itu",
    "juga",
    "kami",
    "karena",
    "kasih",
    "ke",
    "kita",
    "malam",
    "mas",
    "mbak",
    "min",
    "mohon",
    "nya",
    "pada",
    "pagi",
    "pak",
    "saya",
    "selamat",
    "siang",
    "sore",
    "terima",
    "tersebut",
    "tolong",
    "untuk",
    "wb",
    "wr",
    "wrwb",
    "ya",
    "yang",
];

/// How two reports are related.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// The same complaint sent again.
    Duplicate,
    /// Another report of the same problem (a mass complaint).
    SameProblem,
}

impl Kind {
    /// Stored code.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Kind::Duplicate => "duplicate",
            Kind::SameProblem => "same_problem",
        }
    }

    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "duplicate" => Some(Kind::Duplicate),
            "same_problem" => Some(Kind::SameProblem),
            _ => None,
        }
    }
}

/// The fingerprint of one text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    /// How many distinct features the text had.
    size: u32,
    mins: [u32; K],
}

/// FNV-1a: a hash that is the same on every build and platform, as stored values need.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// SplitMix64's finaliser: turns one feature hash into the `i`-th of K independent ones.
fn mix(x: u64, i: u64) -> u64 {
    let mut z = x ^ i.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl Fingerprint {
    /// The fingerprint of `text` (a report's title and body).
    #[must_use]
    pub fn of(text: &str) -> Self {
        let words: Vec<String> = text::words(text)
            .into_iter()
            .filter(|w| STOPWORDS.binary_search(&w.as_str()).is_err())
            .collect();
        let mut features: Vec<u64> = words.iter().map(|w| fnv1a(w.as_bytes())).collect();
        features.extend(
            words
                .windows(2)
                .map(|p| fnv1a(format!("{} {}", p[0], p[1]).as_bytes())),
        );
        features.extend(
            text::char_ngrams(&words, 4, 4)
                .iter()
                .map(|g| fnv1a(format!("#{g}").as_bytes())),
        );
        features.sort_unstable();
        features.dedup();
        let mut mins = [u32::MAX; K];
        for &f in &features {
            for (i, slot) in (0u64..).zip(mins.iter_mut()) {
                // The high half: the best-mixed bits.
                let h = u32::try_from(mix(f, i) >> 32).unwrap_or(u32::MAX);
                *slot = (*slot).min(h);
            }
        }
        Self {
            size: u32::try_from(features.len()).unwrap_or(u32::MAX),
            mins,
        }
    }

    /// Estimated Jaccard similarity of the two texts' features, in `0..=1`.
    #[must_use]
    pub fn similarity(&self, other: &Self) -> f32 {
        if self.size == 0 || other.size == 0 {
            return 0.0;
        }
        let equal = self
            .mins
            .iter()
            .zip(&other.mins)
            .filter(|(a, b)| a == b)
            .count();
        #[allow(clippy::cast_precision_loss)] // at most K
        let j = equal as f32 / K as f32;
        j
    }

    /// How `self` relates to `other`, with its similarity, if they are related. Tiny texts
    /// ("jalan rusak") are never related: too little to tell.
    #[must_use]
    pub fn relation(&self, other: &Self) -> Option<(Kind, f32)> {
        if self.size < MIN_FEATURES || other.size < MIN_FEATURES {
            return None;
        }
        let j = self.similarity(other);
        if j >= DUPLICATE {
            Some((Kind::Duplicate, j))
        } else if j >= SAME_PROBLEM {
            Some((Kind::SameProblem, j))
        } else {
            None
        }
    }

    /// The stored form: `m1.` then the feature count and the K slots, in hex.
    #[must_use]
    pub fn encode(&self) -> String {
        use std::fmt::Write;
        let mut out = String::with_capacity(12 + 8 * K);
        out.push_str("m1.");
        let _ = write!(out, "{:x}.", self.size);
        for m in &self.mins {
            let _ = write!(out, "{m:08x}");
        }
        out
    }

    /// Reads a stored form back; `None` for anything [`Fingerprint::encode`] did not write.
    #[must_use]
    pub fn decode(raw: &str) -> Option<Self> {
        let rest = raw.strip_prefix("m1.")?;
        let (size, hex) = rest.split_once('.')?;
        let size = u32::from_str_radix(size, 16).ok()?;
        if hex.len() != 8 * K || !hex.is_ascii() {
            return None;
        }
        let mut mins = [0u32; K];
        for (i, slot) in mins.iter_mut().enumerate() {
            *slot = u32::from_str_radix(hex.get(8 * i..8 * i + 8)?, 16).ok()?;
        }
        Some(Self { size, mins })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const LAMP: &str = "Lampu PJU di Jalan Tjilik Riwut km 5 sudah seminggu mati, malam hari gelap gulita dan rawan kecelakaan.";

    #[test]
    fn the_stopword_list_is_sorted_for_lookup() {
        assert!(STOPWORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn a_resubmission_with_other_case_spacing_greeting_and_a_typo_is_a_duplicate() {
        let original = Fingerprint::of(LAMP);
        let again = Fingerprint::of(
            "Selamat pagi pak. lampu pju di jalan  tjilik riwut KM 5 sudah semingu mati, malam hari gelap gulita dan rawan kecelakaan!!",
        );
        assert_eq!(
            original.relation(&again).map(|r| r.0),
            Some(Kind::Duplicate)
        );
        assert_eq!(original.similarity(&original), 1.0);
    }

    #[test]
    fn the_same_problem_in_other_words_is_related_and_another_problem_is_not() {
        let lamp = Fingerprint::of(LAMP);
        let other_words = Fingerprint::of(
            "Mohon perbaikan lampu PJU mati di Jl. Tjilik Riwut km 5, sudah seminggu gelap di malam hari dan bahaya bagi pengendara.",
        );
        assert_eq!(
            lamp.relation(&other_words).map(|r| r.0),
            Some(Kind::SameProblem)
        );
        let rubbish = Fingerprint::of(
            "Sampah di sisi timur Pasar Kahayan tidak diangkut selama seminggu, baunya menyengat dan menyumbat saluran air.",
        );
        assert_eq!(lamp.relation(&rubbish), None);
    }

    #[test]
    fn too_short_texts_are_never_related() {
        let a = Fingerprint::of("jalan rusak");
        assert_eq!(a.relation(&a), None);
        assert_eq!(Fingerprint::of("").similarity(&Fingerprint::of("")), 0.0);
    }

    #[test]
    fn the_stored_form_reads_back_and_rejects_anything_else() {
        let f = Fingerprint::of(LAMP);
        let stored = f.encode();
        assert!(stored.len() < 540, "{}", stored.len());
        assert_eq!(Fingerprint::decode(&stored), Some(f));
        assert_eq!(Fingerprint::decode("m1.zz."), None);
        assert_eq!(Fingerprint::decode(&stored[..stored.len() - 1]), None);
        assert_eq!(Fingerprint::decode(""), None);
        assert_eq!(
            Kind::from_code(Kind::SameProblem.code()),
            Some(Kind::SameProblem)
        );
    }

    /// Calibration on the Surabaya complaints: every exact re-submission is a duplicate, a
    /// re-submission with a greeting, other case and spacing and a typo still is, and pairs of
    /// complaints about different things are almost never related.
    #[test]
    fn thresholds_hold_on_the_surabaya_complaints() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/complaints/surabaya_train.csv"
        );
        let Ok(mut reader) = csv::Reader::from_path(path) else {
            println!("SKIPPED: {path} is absent; the thresholds were not checked on real data");
            return;
        };
        let headers = reader.headers().unwrap().clone();
        let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
        let (text_col, label_col, place_col) = (col("text"), col("label"), col("kelurahan_code"));
        let rows: Vec<(String, String, String)> = reader
            .records()
            .map(|r| {
                let r = r.unwrap();
                (
                    r[text_col].to_owned(),
                    r[label_col].to_owned(),
                    r[place_col].to_owned(),
                )
            })
            .collect();
        let prints: Vec<Fingerprint> = rows.iter().map(|(t, ..)| Fingerprint::of(t)).collect();

        // Exact re-submissions (hundreds in the data).
        let mut first_of = std::collections::HashMap::new();
        let (mut resubmitted, mut linked) = (0, 0);
        for (i, (text, ..)) in rows.iter().enumerate() {
            match first_of.get(text.as_str()) {
                None => {
                    first_of.insert(text.as_str(), i);
                }
                Some(&j) => {
                    resubmitted += 1;
                    let r = prints[i].relation(&prints[j]);
                    let tiny = prints[i].size < MIN_FEATURES;
                    if tiny || r.is_some_and(|(k, _)| k == Kind::Duplicate) {
                        linked += 1;
                    }
                }
            }
        }
        assert!(resubmitted > 200, "{resubmitted}");
        assert_eq!(
            linked, resubmitted,
            "every exact re-submission is a duplicate"
        );

        // Re-submissions retyped: greeting, case, spacing, one typo.
        let (mut tried, mut caught) = (0, 0);
        for (text, ..) in rows.iter().step_by(7) {
            let original = &Fingerprint::of(text);
            if original.size < 3 * MIN_FEATURES {
                continue;
            }
            let mut retyped = format!("Selamat siang admin,  {}", text.to_uppercase());
            if let Some(pos) = retyped.rfind('A') {
                retyped.replace_range(pos..=pos, "");
            }
            tried += 1;
            if original
                .relation(&Fingerprint::of(&retyped))
                .is_some_and(|(k, _)| k == Kind::Duplicate)
            {
                caught += 1;
            }
        }
        let recall = f64::from(caught) / f64::from(tried);
        println!("retyped re-submissions caught: {caught}/{tried} = {recall:.3}");
        assert!(recall >= 0.95, "{recall}");

        // Pairs of complaints with different labels: anywhere, and in the same kelurahan
        // (where the caller looks for mass complaints). A fixed LCG keeps it repeatable.
        let mut state: u64 = 0x5eed;
        let mut next = |n: usize| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            usize::try_from(state >> 33).unwrap() % n
        };
        let mut by_place: std::collections::HashMap<&str, Vec<usize>> = Default::default();
        for (i, (.., place)) in rows.iter().enumerate() {
            by_place.entry(place.as_str()).or_default().push(i);
        }
        let mut rate = |same_place: bool| {
            let (mut pairs, mut dup, mut same) = (0u32, 0u32, 0u32);
            while pairs < 100_000 {
                let a = next(rows.len());
                let b = if same_place {
                    let group = &by_place[rows[a].2.as_str()];
                    group[next(group.len())]
                } else {
                    next(rows.len())
                };
                if rows[a].1 == rows[b].1 || rows[a].0 == rows[b].0 {
                    continue;
                }
                pairs += 1;
                match prints[a].relation(&prints[b]) {
                    Some((Kind::Duplicate, _)) => dup += 1,
                    Some((Kind::SameProblem, _)) => same += 1,
                    None => {}
                }
            }
            (
                f64::from(dup) / f64::from(pairs),
                f64::from(same) / f64::from(pairs),
            )
        };
        let (dup_rate, same_rate) = rate(false);
        println!("unrelated pairs: duplicate {dup_rate:.5}, same problem {same_rate:.5}");
        let (dup_near, same_near) = rate(true);
        println!(
            "unrelated pairs, same kelurahan: duplicate {dup_near:.5}, same problem {same_near:.5}"
        );
        assert!(dup_rate < 0.0001, "{dup_rate}");
        assert!(same_rate < 0.001, "{same_rate}");
        // Some of these are the same complaint filed under two labels, so the bound is looser.
        assert!(dup_near < 0.001, "{dup_near}");
        assert!(same_near < 0.005, "{same_near}");
    }
}
