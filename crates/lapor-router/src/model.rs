//! The learned part of the router: a linear model from report words to agency roles
//! (see [`crate::role`]), trained on the deployment's own confirmed routings and stored as
//! versioned bytes in its database.

use std::collections::HashMap;

use crate::features::{self, Hit, SparseVec, Vectoriser};
use crate::svm::{self, Settings};

/// One training example: a report's normalised words and the role it was routed to.
#[derive(Debug, Clone)]
pub struct Example {
    pub words: Vec<String>,
    /// Region codes of the report's place, most specific first.
    pub places: Vec<String>,
    pub role: String,
}

/// Training settings; the defaults are what `lapor route eval` measured best.
#[derive(Debug, Clone, Copy)]
pub struct TrainOptions {
    /// Inverse regularisation strength of the SVM.
    pub c: f32,
    /// Weigh classes inversely to their size, so small agencies are not drowned out.
    pub balanced: bool,
}

impl Default for TrainOptions {
    fn default() -> Self {
        Self {
            c: 0.5,
            balanced: false,
        }
    }
}

/// A trained model.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    roles: Vec<String>,
    vectoriser: Vectoriser,
    /// `weights[feature * roles.len() + role]`: features outermost, so scoring a sparse
    /// document touches contiguous memory.
    weights: Vec<f32>,
    bias: Vec<f32>,
    /// How many examples it learned from.
    trained_on: u32,
}

/// Scores of every role for one report, best first, with the words behind each.
#[derive(Debug, Clone)]
pub struct Scored {
    /// (role index, score); a score above 0 means "this role rather than the rest".
    pub ranked: Vec<(usize, f32)>,
    contributions: Vec<(u32, usize, f32)>,
}

/// Features seen in fewer documents are dropped: they cannot generalise and bloat the model.
const MIN_DF: usize = 2;

impl Model {
    /// Trains one-against-the-rest classifiers for every role in `examples`.
    ///
    /// # Panics
    /// Never: an empty training set gives a model with no roles.
    #[must_use]
    pub fn train(examples: &[Example], options: TrainOptions) -> Self {
        let hits: Vec<Vec<Hit>> = examples
            .iter()
            .map(|e| features::hits(&e.words, &e.places))
            .collect();
        let vectoriser = Vectoriser::fit(&hits, MIN_DF);
        let docs: Vec<SparseVec> = hits.iter().map(|h| vectoriser.transform(h).0).collect();
        let mut roles: Vec<String> = examples.iter().map(|e| e.role.clone()).collect();
        roles.sort_unstable();
        roles.dedup();
        let position: HashMap<&str, usize> = roles
            .iter()
            .enumerate()
            .map(|(i, r)| (r.as_str(), i))
            .collect();
        let labels: Vec<usize> = examples.iter().map(|e| position[e.role.as_str()]).collect();
        let dimension = vectoriser.len();
        let k = roles.len();
        let mut weights = vec![0.0f32; dimension * k];
        let mut bias = vec![0.0f32; k];
        let settings = Settings {
            c: options.c,
            ..Settings::default()
        };
        let n = examples.len() as f32;
        for role in 0..k {
            let positive: Vec<bool> = labels.iter().map(|&l| l == role).collect();
            let size = positive.iter().filter(|&&p| p).count() as f32;
            // Balanced: each class weighs as if it had n/k examples (scikit-learn's rule).
            let class_weight = if options.balanced {
                n / (k as f32 * size.max(1.0))
            } else {
                1.0
            };
            let w = svm::train_binary(
                &docs,
                &positive,
                dimension,
                settings,
                |p| if p { class_weight } else { 1.0 },
                role as u64 + 1,
            );
            for (feature, value) in w[..dimension].iter().enumerate() {
                weights[feature * k + role] = *value;
            }
            bias[role] = w[dimension];
        }
        Self {
            roles,
            vectoriser,
            weights,
            bias,
            trained_on: u32::try_from(examples.len()).unwrap_or(u32::MAX),
        }
    }

    #[must_use]
    pub fn roles(&self) -> &[String] {
        &self.roles
    }

    #[must_use]
    pub fn trained_on(&self) -> u32 {
        self.trained_on
    }

    /// Scores every role for a report's normalised words.
    #[must_use]
    pub fn score(&self, words: &[String], places: &[String]) -> Scored {
        let k = self.roles.len();
        let (doc, from) = self.vectoriser.transform(&features::hits(words, places));
        let mut scores = self.bias.clone();
        for (&j, &x) in doc.indices.iter().zip(&doc.values) {
            let row = &self.weights[j as usize * k..(j as usize + 1) * k];
            for (s, w) in scores.iter_mut().zip(row) {
                *s += w * x;
            }
        }
        let mut ranked: Vec<(usize, f32)> = scores.into_iter().enumerate().collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let contributions = doc
            .indices
            .iter()
            .zip(&doc.values)
            .zip(from)
            .map(|((&j, &x), word)| (word, j as usize, x))
            .collect();
        Scored {
            ranked,
            contributions,
        }
    }

    /// The words that pushed the report most towards `role` (at most `n`, strongest first).
    #[must_use]
    pub fn words_for(
        &self,
        scored: &Scored,
        role: usize,
        words: &[String],
        n: usize,
    ) -> Vec<String> {
        let k = self.roles.len();
        let mut per_word: HashMap<u32, f32> = HashMap::new();
        for &(word, j, x) in &scored.contributions {
            *per_word.entry(word).or_default() += self.weights[j * k + role] * x;
        }
        let mut ranked: Vec<(u32, f32)> = per_word.into_iter().filter(|w| w.1 > 0.0).collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut out: Vec<String> = Vec::new();
        for (word, _) in ranked {
            let Some(w) = words.get(word as usize) else {
                continue;
            };
            // Numbers and very short words explain nothing to an officer.
            if w.chars().count() < 3 || w.chars().all(|c| c.is_ascii_digit()) || out.contains(w) {
                continue;
            }
            out.push(w.clone());
            if out.len() == n {
                break;
            }
        }
        out
    }
}

/// Stored form: a tag, the version of this layout, then little-endian fields. Bytes, not
/// JSON: a model holds hundreds of thousands of weights.
const MAGIC: &[u8; 8] = b"LAPORRT1";

/// Why stored model bytes could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(&'static str);

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "routing model bytes are damaged or of another version: {}",
            self.0
        )
    }
}

impl std::error::Error for DecodeError {}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take(&mut self, n: usize, what: &'static str) -> Result<&[u8], DecodeError> {
        if self.0.len() < n {
            return Err(DecodeError(what));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn u32(&mut self, what: &'static str) -> Result<u32, DecodeError> {
        let b = self.take(4, what)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn f32s(&mut self, n: usize, what: &'static str) -> Result<Vec<f32>, DecodeError> {
        let bytes = self.take(n.checked_mul(4).ok_or(DecodeError(what))?, what)?;
        Ok(bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect())
    }
}

impl Model {
    /// The model as bytes for the database.
    #[must_use]
    pub fn encode(&self) -> Vec<u8> {
        let k = self.roles.len();
        let d = self.vectoriser.len();
        let mut out = Vec::with_capacity(16 + d * (12 + 4 * k));
        out.extend_from_slice(MAGIC);
        let len = |n: usize| u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes();
        out.extend_from_slice(&len(self.trained_on as usize));
        out.extend_from_slice(&len(k));
        for role in &self.roles {
            out.extend_from_slice(&len(role.len()));
            out.extend_from_slice(role.as_bytes());
        }
        out.extend_from_slice(&len(d));
        let mut by_index: Vec<(u32, u64)> = self
            .vectoriser
            .index
            .iter()
            .map(|(&h, &i)| (i, h))
            .collect();
        by_index.sort_unstable();
        for (_, hash) in by_index {
            out.extend_from_slice(&hash.to_le_bytes());
        }
        for v in self
            .vectoriser
            .idf
            .iter()
            .chain(&self.bias)
            .chain(&self.weights)
        {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out
    }

    /// Reads bytes written by [`encode`](Self::encode).
    ///
    /// # Errors
    /// Bytes of another layout, truncated or inconsistent.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader(bytes);
        if r.take(8, "tag")? != MAGIC {
            return Err(DecodeError("tag"));
        }
        let trained_on = r.u32("size")?;
        let k = r.u32("roles")? as usize;
        let mut roles = Vec::with_capacity(k.min(4096));
        for _ in 0..k {
            let n = r.u32("role")? as usize;
            let text = std::str::from_utf8(r.take(n, "role")?).map_err(|_| DecodeError("role"))?;
            roles.push(text.to_owned());
        }
        let d = r.u32("features")? as usize;
        let hashes = r.take(d.checked_mul(8).ok_or(DecodeError("features"))?, "features")?;
        let index = hashes
            .chunks_exact(8)
            .enumerate()
            .map(|(i, b)| {
                let mut a = [0u8; 8];
                a.copy_from_slice(b);
                (u64::from_le_bytes(a), u32::try_from(i).unwrap_or(u32::MAX))
            })
            .collect();
        let idf = r.f32s(d, "idf")?;
        let bias = r.f32s(k, "bias")?;
        let weights = r.f32s(d.checked_mul(k).ok_or(DecodeError("weights"))?, "weights")?;
        if !r.0.is_empty() {
            return Err(DecodeError("trailing bytes"));
        }
        Ok(Self {
            roles,
            vectoriser: Vectoriser { index, idf },
            weights,
            bias,
            trained_on,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::text::words;

    fn example(text: &str, role: &str) -> Example {
        Example {
            words: words(text),
            places: Vec::new(),
            role: role.to_owned(),
        }
    }

    fn tiny() -> Model {
        Model::train(
            &[
                example("lampu jalan mati sejak kemarin", "dinas perhubungan"),
                example("lampu pju padam di jalan raya", "dinas perhubungan"),
                example("traffic light lampu merah rusak", "dinas perhubungan"),
                example("sampah menumpuk belum diangkut", "dinas lingkungan hidup"),
                example(
                    "tumpukan sampah bau di pinggir jalan",
                    "dinas lingkungan hidup",
                ),
                example("truk sampah tidak datang", "dinas lingkungan hidup"),
                example("jalan berlubang dan rusak parah", "dinas pekerjaan umum"),
                example("aspal jalan rusak berlubang", "dinas pekerjaan umum"),
                example("saluran air tersumbat banjir", "dinas pekerjaan umum"),
            ],
            TrainOptions::default(),
        )
    }

    #[test]
    fn learns_roles_from_words_and_explains_them() {
        let model = tiny();
        let text = words("lampu pju mati di jln raya");
        let scored = model.score(&text, &[]);
        let best = scored.ranked[0].0;
        assert_eq!(model.roles()[best], "dinas perhubungan");
        let why = model.words_for(&scored, best, &text, 3);
        assert!(why.contains(&"lampu".to_owned()), "{why:?}");
        let scored = model.score(&words("sampahnya numpuk gak diangkut"), &[]);
        assert_eq!(model.roles()[scored.ranked[0].0], "dinas lingkungan hidup");
    }

    #[test]
    fn stored_bytes_give_back_the_same_model() {
        let model = tiny();
        let bytes = model.encode();
        assert_eq!(Model::decode(&bytes).unwrap(), model);
        assert!(Model::decode(&bytes[..bytes.len() - 1]).is_err());
        assert!(Model::decode(b"LAPORRT9").is_err());
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(Model::decode(&longer).is_err());
    }
}
