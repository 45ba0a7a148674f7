//! Linear support vector machine, one class against the rest, trained by dual coordinate
//! descent (Hsieh et al. 2008, the algorithm of LIBLINEAR and of scikit-learn's LinearSVC):
//! L2-regularised squared hinge loss with a bias feature. It needs no learning rate, converges
//! in a few passes over sparse TF-IDF data and is deterministic for a given seed.

use crate::features::SparseVec;

/// Training settings.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Settings {
    /// Inverse regularisation strength.
    pub c: f32,
    /// Stop when the projected gradient spread falls below this (LIBLINEAR's default 0.1).
    pub tolerance: f32,
    pub max_passes: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            c: 0.5,
            tolerance: 0.1,
            max_passes: 60,
        }
    }
}

/// Small deterministic generator for the visiting order (xorshift64*).
struct Shuffle(u64);

impl Shuffle {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let r = self.0.wrapping_mul(0x2545_f491_4f6c_dd1d);
        usize::try_from(r % n as u64).unwrap_or(0)
    }
}

/// Weights (`dimension` entries, then the bias) separating the documents with `positive[i]`
/// from the rest. `weight_of(true)` scales C per side (class balancing).
pub(crate) fn train_binary(
    docs: &[SparseVec],
    positive: &[bool],
    dimension: usize,
    settings: Settings,
    weight_of: impl Fn(bool) -> f32,
    seed: u64,
) -> Vec<f32> {
    let n = docs.len();
    let mut w = vec![0.0f32; dimension + 1];
    let mut alpha = vec![0.0f32; n];
    // Squared hinge: the dual has a diagonal term 1/(2C) and no upper bound.
    let diag: Vec<f32> = positive
        .iter()
        .map(|&p| 0.5 / (settings.c * weight_of(p)))
        .collect();
    let q: Vec<f32> = docs
        .iter()
        .zip(&diag)
        .map(|(d, dg)| d.norm_sq() + 1.0 + dg)
        .collect();
    let mut order: Vec<usize> = (0..n).collect();
    let mut rng = Shuffle(seed | 1);
    for _ in 0..settings.max_passes {
        for i in (1..n).rev() {
            order.swap(i, rng.below(i + 1));
        }
        let (mut pg_max, mut pg_min) = (f32::NEG_INFINITY, f32::INFINITY);
        for &i in &order {
            let y = if positive[i] { 1.0 } else { -1.0 };
            let d = &docs[i];
            let mut dot = w[dimension];
            for (&j, &x) in d.indices.iter().zip(&d.values) {
                dot += w[j as usize] * x;
            }
            let g = y * dot - 1.0 + diag[i] * alpha[i];
            let pg = if alpha[i] == 0.0 { g.min(0.0) } else { g };
            pg_max = pg_max.max(pg);
            pg_min = pg_min.min(pg);
            if pg.abs() > 1e-12 {
                let old = alpha[i];
                alpha[i] = (old - g / q[i]).max(0.0);
                let step = (alpha[i] - old) * y;
                for (&j, &x) in d.indices.iter().zip(&d.values) {
                    w[j as usize] += step * x;
                }
                w[dimension] += step;
            }
        }
        if pg_max - pg_min < settings.tolerance {
            break;
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(pairs: &[(u32, f32)]) -> SparseVec {
        SparseVec {
            indices: pairs.iter().map(|p| p.0).collect(),
            values: pairs.iter().map(|p| p.1).collect(),
        }
    }

    #[test]
    fn separates_two_groups_by_their_features() {
        let docs = vec![
            doc(&[(0, 1.0)]),
            doc(&[(0, 0.8), (2, 0.6)]),
            doc(&[(1, 1.0)]),
            doc(&[(1, 0.8), (2, 0.6)]),
        ];
        let positive = [true, true, false, false];
        let w = train_binary(&docs, &positive, 3, Settings::default(), |_| 1.0, 7);
        let score = |d: &SparseVec| {
            w[3] + d
                .indices
                .iter()
                .zip(&d.values)
                .map(|(&j, &x)| w[j as usize] * x)
                .sum::<f32>()
        };
        assert!(score(&doc(&[(0, 1.0)])) > 0.0);
        assert!(score(&doc(&[(1, 1.0)])) < 0.0);
        assert!(w[0] > 0.0 && w[1] < 0.0);
    }
}
