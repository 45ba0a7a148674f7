//! From text to a sparse TF-IDF vector: character n-grams of every word (robust to the
//! misspellings and glued words of phone-typed complaints) plus words and word pairs (which
//! carry the meaning when the spelling is right). Features are 64-bit hashes of the n-gram
//! with its kind, so the vocabulary needs no strings; collisions at 64 bits are negligible.

use std::collections::HashMap;

use crate::text;

/// Shortest and longest character n-gram (the reference baseline uses 2–5 as well).
const CHAR_MIN: usize = 2;
const CHAR_MAX: usize = 5;

/// FNV-1a as the hasher of the router's maps: keys are short strings and feature hashes, for
/// which std's DoS-resistant SipHash costs more than the routing itself (no key here comes
/// from a party who could choose collisions to slow us down: feature hashes are of our own
/// making, gazetteer names of the region table).
#[derive(Clone, Copy)]
pub(crate) struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn write_u64(&mut self, n: u64) {
        // Already a hash: one multiply spreads it over the table.
        self.0 = (self.0 ^ n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
}

/// A map hashed with [`Fnv`].
pub(crate) type FastMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<Fnv>>;

/// One feature occurrence, with the index of the word it came from (for reasons).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hit {
    pub hash: u64,
    pub word: u32,
}

/// FNV-1a: small, stable across platforms and releases (models are stored data).
fn fnv(kind: u8, parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |b: u8| {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    };
    eat(kind);
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            eat(b' ');
        }
        part.iter().copied().for_each(&mut eat);
    }
    h
}

/// Every feature occurrence of already normalised `words`, plus one feature per place the
/// report is at (region codes: a kelurahan whose office handles its own complaints shows up
/// as a place, not as words). Place features point at no word (`u32::MAX`).
pub(crate) fn hits(words: &[String], places: &[String]) -> Vec<Hit> {
    let mut out = Vec::with_capacity(words.len() * 16 + places.len());
    for place in places {
        out.push(Hit {
            hash: fnv(b'p', &[place.as_bytes()]),
            word: u32::MAX,
        });
    }
    let mut marked: Vec<u8> = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let index = u32::try_from(i).unwrap_or(u32::MAX);
        out.push(Hit {
            hash: fnv(b'w', &[word.as_bytes()]),
            word: index,
        });
        if let Some(next) = words.get(i + 1) {
            out.push(Hit {
                hash: fnv(b'b', &[word.as_bytes(), next.as_bytes()]),
                word: index,
            });
        }
        // Character n-grams over the word with edge marks; by chars, not bytes.
        marked.clear();
        let chars: Vec<char> = std::iter::once('_')
            .chain(word.chars())
            .chain(std::iter::once('_'))
            .collect();
        for n in CHAR_MIN..=CHAR_MAX.min(chars.len()) {
            for window in chars.windows(n) {
                marked.clear();
                let mut buf = [0u8; 4];
                for c in window {
                    marked.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                out.push(Hit {
                    hash: fnv(b'c', &[&marked]),
                    word: index,
                });
            }
        }
    }
    out
}

/// Words read of one report. The subject of a complaint is in its first sentences; the 2 % of
/// complaints longer than this (pasted letters, chat logs) would otherwise cost the most time
/// and add mostly noise.
const MAX_WORDS: usize = 200;

/// The words a report is routed on: title, body and address text, normalised, at most
/// [`MAX_WORDS`] (the address, which is short and names the place, always counts).
#[must_use]
pub fn report_words(parts: &[&str]) -> Vec<String> {
    let mut words = Vec::new();
    let (last, first) = parts
        .split_last()
        .map_or((None, parts), |(l, f)| (Some(l), f));
    for part in first {
        words.extend(text::words(part));
    }
    words.truncate(MAX_WORDS);
    if let Some(address) = last {
        words.extend(text::words(address).into_iter().take(MAX_WORDS / 4));
    }
    words
}

/// A sparse vector: feature indices (ascending) and values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SparseVec {
    pub indices: Vec<u32>,
    pub values: Vec<f32>,
}

impl SparseVec {
    pub(crate) fn norm_sq(&self) -> f32 {
        self.values.iter().map(|v| v * v).sum()
    }
}

/// Vocabulary and inverse document frequencies learned from a training set.
#[derive(Debug, Clone, PartialEq)]
pub struct Vectoriser {
    pub(crate) index: FastMap<u64, u32>,
    pub(crate) idf: Vec<f32>,
}

impl Vectoriser {
    /// Learns the features seen in at least `min_df` documents.
    pub(crate) fn fit(docs: &[Vec<Hit>], min_df: usize) -> Self {
        let mut df: FastMap<u64, u32> = FastMap::default();
        let mut seen: Vec<u64> = Vec::new();
        for doc in docs {
            seen.clear();
            seen.extend(doc.iter().map(|h| h.hash));
            seen.sort_unstable();
            seen.dedup();
            for &h in &seen {
                *df.entry(h).or_default() += 1;
            }
        }
        let mut kept: Vec<(u64, u32)> = df
            .into_iter()
            .filter(|&(_, n)| n as usize >= min_df)
            .collect();
        // Sorted so the same data always gives the same model, byte for byte.
        kept.sort_unstable();
        let n = docs.len() as f32;
        let idf = kept
            .iter()
            .map(|&(_, d)| ((1.0 + n) / (1.0 + d as f32)).ln() + 1.0)
            .collect();
        let index = kept
            .iter()
            .enumerate()
            .map(|(i, &(h, _))| (h, u32::try_from(i).unwrap_or(u32::MAX)))
            .collect();
        Self { index, idf }
    }

    pub(crate) fn len(&self) -> usize {
        self.idf.len()
    }

    /// Sublinear TF-IDF, L2-normalised; also returns, per entry, the word it came from most.
    pub(crate) fn transform(&self, hits: &[Hit]) -> (SparseVec, Vec<u32>) {
        let mut counts: FastMap<u32, (f32, u32)> =
            FastMap::with_capacity_and_hasher(hits.len(), Default::default());
        for hit in hits {
            if let Some(&i) = self.index.get(&hit.hash) {
                let e = counts.entry(i).or_insert((0.0, hit.word));
                e.0 += 1.0;
            }
        }
        let mut entries: Vec<(u32, f32, u32)> = counts
            .into_iter()
            .map(|(i, (tf, word))| (i, (1.0 + tf.ln()) * self.idf[i as usize], word))
            .collect();
        entries.sort_unstable_by_key(|e| e.0);
        let norm = entries.iter().map(|e| e.1 * e.1).sum::<f32>().sqrt();
        let scale = if norm > 0.0 { 1.0 / norm } else { 0.0 };
        let mut v = SparseVec::default();
        let mut words = Vec::with_capacity(entries.len());
        for (i, x, w) in entries {
            v.indices.push(i);
            v.values.push(x * scale);
            words.push(w);
        }
        (v, words)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn dot(a: &SparseVec, b: &SparseVec) -> f32 {
        a.indices
            .iter()
            .zip(&a.values)
            .filter_map(|(i, x)| {
                b.indices
                    .iter()
                    .position(|j| j == i)
                    .map(|k| x * b.values[k])
            })
            .sum()
    }

    #[test]
    fn misspelled_words_stay_close_and_unrelated_texts_far() {
        let docs: Vec<Vec<Hit>> = [
            "lampu jalan mati",
            "lampu jln mati",
            "lampuu jalan matii",
            "sampah menumpuk di pasar",
        ]
        .iter()
        .map(|t| hits(&text::words(t), &[]))
        .collect();
        let v = Vectoriser::fit(&docs, 1);
        let [a, b, c, d] = [0, 1, 2, 3].map(|i| v.transform(&docs[i]).0);
        // "jln" is expanded to "jalan", so the first two are the same document.
        assert_eq!(b, a);
        let misspelled = dot(&a, &c);
        let unrelated = dot(&a, &d);
        assert!(
            misspelled > 0.5,
            "doubled letters keep most n-grams: {misspelled}"
        );
        assert!(unrelated < 0.1, "{unrelated}");
        assert!((a.norm_sq() - 1.0).abs() < 1e-4);
    }
}
