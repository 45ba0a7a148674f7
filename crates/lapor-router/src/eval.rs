//! Measuring the router: accuracy, macro-F1 (every agency counts the same, however small),
//! top-3 accuracy (the officer sees three suggestions), per-class recall and the most common
//! confusions; and cross-validation folds that never split identical complaints.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use lapor_domain::agency::AgencyKind;
use lapor_domain::region::{RegionCode, RegionLevel, regions};

use crate::directory::Directory;
use crate::features::report_words;
use crate::model::{Example, Model, TrainOptions};
use crate::place;
use crate::route::{Router, place_features};
use crate::text;

/// The fold (0..k) of a complaint: a hash of its normal form, so re-submissions of the same
/// text land in the same fold and cannot be "recognised" across the split.
#[must_use]
pub fn fold_of(text: &str, k: usize) -> usize {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text::normalise(text).bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    usize::try_from(h % k.max(1) as u64).unwrap_or(0)
}

/// Recall of one class.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassRecall {
    pub label: String,
    pub support: usize,
    pub recall: f64,
}

/// The figures of one evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct Metrics {
    pub n: usize,
    pub classes: usize,
    pub accuracy: f64,
    pub macro_f1: f64,
    pub top3: f64,
    /// Largest classes first.
    pub recall: Vec<ClassRecall>,
    /// (truth, predicted, count), most common first.
    pub confusions: Vec<(String, String, usize)>,
    /// How often the first suggestion is right at each confidence: (lowest confidence of the
    /// band, reports in it, accuracy). What to set `routing.auto_threshold` by.
    pub reliability: Vec<(f32, usize, f64)>,
}

/// Confidence bands of [`Metrics::reliability`], highest first.
const BANDS: [f32; 5] = [0.95, 0.9, 0.8, 0.6, 0.0];

/// Scores `ranked` suggestions (best first) against `truth`; `confidence` (of each first
/// suggestion) may be empty.
#[must_use]
pub fn metrics(truth: &[String], ranked: &[Vec<String>], confidence: &[f32]) -> Metrics {
    let n = truth.len().min(ranked.len());
    let mut support: HashMap<&str, usize> = HashMap::new();
    let mut predicted: HashMap<&str, usize> = HashMap::new();
    let mut correct: HashMap<&str, usize> = HashMap::new();
    let mut confusions: HashMap<(&str, &str), usize> = HashMap::new();
    let (mut hits, mut top3) = (0usize, 0usize);
    for (t, r) in truth.iter().zip(ranked) {
        let p = r.first().map_or("", String::as_str);
        *support.entry(t).or_default() += 1;
        *predicted.entry(p).or_default() += 1;
        if p == t {
            hits += 1;
            *correct.entry(t).or_default() += 1;
        } else {
            *confusions.entry((t, p)).or_default() += 1;
        }
        if r.iter().take(3).any(|x| x == t) {
            top3 += 1;
        }
    }
    // Like scikit-learn: the classes are those that occur as truth or as prediction.
    let mut labels: Vec<&str> = support.keys().chain(predicted.keys()).copied().collect();
    labels.sort_unstable();
    labels.dedup();
    let f1_sum: f64 = labels
        .iter()
        .map(|l| {
            let tp = correct.get(l).copied().unwrap_or(0) as f64;
            let s = support.get(l).copied().unwrap_or(0) as f64;
            let p = predicted.get(l).copied().unwrap_or(0) as f64;
            if s + p == 0.0 {
                0.0
            } else {
                2.0 * tp / (s + p)
            }
        })
        .sum();
    let mut recall: Vec<ClassRecall> = support
        .iter()
        .map(|(l, &s)| ClassRecall {
            label: (*l).to_owned(),
            support: s,
            recall: correct.get(l).copied().unwrap_or(0) as f64 / s as f64,
        })
        .collect();
    recall.sort_by(|a, b| b.support.cmp(&a.support).then(a.label.cmp(&b.label)));
    let mut confusions: Vec<(String, String, usize)> = confusions
        .into_iter()
        .map(|((t, p), c)| (t.to_owned(), p.to_owned(), c))
        .collect();
    confusions.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)).then(a.1.cmp(&b.1)));
    let ratio = |x: usize| if n == 0 { 0.0 } else { x as f64 / n as f64 };
    let mut reliability: Vec<(f32, usize, f64)> = Vec::new();
    for (i, &low) in BANDS.iter().enumerate() {
        let high = if i == 0 { f32::INFINITY } else { BANDS[i - 1] };
        let band: Vec<bool> = confidence
            .iter()
            .zip(truth.iter().zip(ranked))
            .filter(|(c, _)| **c >= low && **c < high)
            .map(|(_, (t, r))| r.first() == Some(t))
            .collect();
        if !band.is_empty() {
            let right = band.iter().filter(|&&b| b).count();
            reliability.push((low, band.len(), right as f64 / band.len() as f64));
        }
    }
    Metrics {
        n,
        classes: support.len(),
        accuracy: ratio(hits),
        macro_f1: if labels.is_empty() {
            0.0
        } else {
            f1_sum / labels.len() as f64
        },
        top3: ratio(top3),
        recall,
        confusions,
        reliability,
    }
}

impl fmt::Display for Metrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "reports {}  classes {}  accuracy {:.3}  macro-F1 {:.3}  top-3 {:.3}",
            self.n, self.classes, self.accuracy, self.macro_f1, self.top3
        )?;
        writeln!(f, "recall of the largest classes:")?;
        for c in self.recall.iter().take(12) {
            writeln!(f, "  {:>5}  {:.3}  {}", c.support, c.recall, c.label)?;
        }
        writeln!(f, "most common confusions (truth → suggested):")?;
        for (t, p, c) in self.confusions.iter().take(10) {
            writeln!(f, "  {c:>5}  {t} → {p}")?;
        }
        if !self.reliability.is_empty() {
            writeln!(f, "first suggestion right, by its confidence:")?;
            for (low, count, accuracy) in &self.reliability {
                writeln!(
                    f,
                    "  ≥ {low:.2}  {count:>5} reports  accuracy {accuracy:.3}"
                )?;
            }
        }
        Ok(())
    }
}

/// Counts per label, for summaries.
#[must_use]
pub fn distribution(labels: &[String]) -> BTreeMap<&str, usize> {
    let mut out = BTreeMap::new();
    for l in labels {
        *out.entry(l.as_str()).or_default() += 1;
    }
    out
}

/// One labelled complaint of an evaluation file (the columns of
/// `shared/data/complaints/surabaya_train.csv`).
#[derive(Debug, Clone)]
pub struct Row {
    pub text: String,
    pub label: String,
    pub location_text: String,
    pub kecamatan_code: Option<RegionCode>,
    pub kelurahan_code: Option<RegionCode>,
}

/// What counts as the right answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelLevel {
    /// Every unit: "Kelurahan Ploso" must be Kelurahan Ploso.
    All,
    /// Kecamatan and kelurahan labels collapsed into `Kecamatan` and `Kelurahan`.
    Opd,
}

/// The agency tree an evaluation file implies: every label is an agency of the city most of
/// its complaints are in; "Kecamatan X" and "Kelurahan Y" serve the region of that name.
#[must_use]
pub fn directory_of(rows: &[Row]) -> (Directory, Option<RegionCode>) {
    let mut cities: HashMap<RegionCode, usize> = HashMap::new();
    for r in rows {
        if let Some(city) = r.kecamatan_code.as_ref().and_then(|k| {
            k.lineage()
                .into_iter()
                .find(|c| c.level() == RegionLevel::KabupatenKota)
        }) {
            *cities.entry(city).or_default() += 1;
        }
    }
    let city = cities
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.as_str().cmp(a.0.as_str())))
        .map(|(c, _)| c);
    let mut labels: Vec<&str> = rows.iter().map(|r| r.label.as_str()).collect();
    labels.sort_unstable();
    labels.dedup();
    let entries = labels.into_iter().map(|label| {
        let (kind, served) = match place_label(label, city.as_ref()) {
            Some((kind, code)) => (kind, vec![code]),
            None => (AgencyKind::Dinas, city.iter().cloned().collect()),
        };
        (label.to_owned(), label.to_owned(), kind, None, served)
    });
    (Directory::new(entries), city)
}

/// "Kelurahan Pacar Kembang" → the kelurahan of that name in `city` (names compared without
/// spaces or hyphens; "Wonorejo-Tegalsari" is Wonorejo in Kecamatan Tegalsari).
fn place_label(label: &str, city: Option<&RegionCode>) -> Option<(AgencyKind, RegionCode)> {
    let lower = label.to_lowercase();
    let (kind, level, name) = if let Some(n) = lower.strip_prefix("kelurahan ") {
        (AgencyKind::Kelurahan, RegionLevel::DesaKelurahan, n)
    } else if let Some(n) = lower.strip_prefix("kecamatan ") {
        (AgencyKind::Kecamatan, RegionLevel::Kecamatan, n)
    } else {
        return None;
    };
    let wanted = text::words(name).concat();
    let city = city?;
    regions()
        .descendants(city)
        .iter()
        .filter(|r| r.level() == level)
        .find(|r| {
            let own = text::words(r.name()).concat();
            own == wanted
                || r.parent()
                    .and_then(|p| regions().get(p))
                    .is_some_and(|p| format!("{own}{}", text::words(p.name()).concat()) == wanted)
        })
        .map(|r| (kind, r.code().clone()))
}

impl Row {
    fn words(&self) -> Vec<String> {
        report_words(&[&self.text, &self.location_text])
    }

    /// The place the complaint is at: the recorded village, else the district, else a place
    /// named in its text within the city.
    fn place(&self, words: &[String], city: Option<&RegionCode>) -> Option<RegionCode> {
        self.kelurahan_code
            .clone()
            .or_else(|| self.kecamatan_code.clone())
            .or_else(|| place::locate(words, city).0)
    }

    fn truth(&self, directory: &Directory, level: LabelLevel) -> String {
        match (level, directory.get(&self.label)) {
            (LabelLevel::Opd, Some(a)) if a.kind == AgencyKind::Kelurahan => "Kelurahan".to_owned(),
            (LabelLevel::Opd, Some(a)) if a.kind == AgencyKind::Kecamatan => "Kecamatan".to_owned(),
            _ => self.label.clone(),
        }
    }
}

/// Trains on `train` and ranks every complaint of `test`: (truth, top-3 suggestions).
#[must_use]
pub fn run(
    train: &[Row],
    test: &[Row],
    level: LabelLevel,
    options: TrainOptions,
) -> (Vec<String>, Vec<Vec<String>>, Vec<f32>) {
    let all: Vec<Row> = train.iter().chain(test).cloned().collect();
    let (directory, city) = directory_of(&all);
    let examples: Vec<Example> = train
        .iter()
        .filter_map(|r| {
            let words = r.words();
            let place = r.place(&words, city.as_ref());
            let role = directory.get(&r.label)?.role.clone();
            Some(Example {
                places: place_features(place.as_ref()),
                words,
                role,
            })
        })
        .collect();
    let router = Router::new(
        directory,
        Vec::new(),
        Some(Model::train(&examples, options)),
    );
    let directory = router.directory();
    let mut truth = Vec::with_capacity(test.len());
    let mut ranked = Vec::with_capacity(test.len());
    let mut confidence = Vec::with_capacity(test.len());
    for r in test {
        let words = r.words();
        let place = r.place(&words, city.as_ref());
        let mut top: Vec<String> = Vec::with_capacity(3);
        let roles = router.ranked_roles(&words, place.as_ref());
        confidence.push(roles.first().map_or(0.0, |r| r.1));
        for (role, _) in roles {
            let answer = match (level, role.as_str()) {
                (LabelLevel::Opd, "kelurahan") => Some("Kelurahan".to_owned()),
                (LabelLevel::Opd, "kecamatan") => Some("Kecamatan".to_owned()),
                _ => directory
                    .resolve(&role, place.as_ref().or(city.as_ref()))
                    .map(|a| a.code.clone()),
            };
            if let Some(answer) = answer
                && !top.contains(&answer)
            {
                top.push(answer);
            }
            if top.len() == 3 {
                break;
            }
        }
        truth.push(r.truth(directory, level));
        ranked.push(top);
    }
    (truth, ranked, confidence)
}

/// `k`-fold cross-validation: every complaint is ranked by a model that never saw it (nor any
/// identical complaint).
#[must_use]
pub fn cross_validate(rows: &[Row], k: usize, level: LabelLevel, options: TrainOptions) -> Metrics {
    let folds: Vec<usize> = rows.iter().map(|r| fold_of(&r.text, k)).collect();
    let mut truth = Vec::new();
    let mut ranked = Vec::new();
    let mut confidence = Vec::new();
    for fold in 0..k {
        let pick = |inside: bool| -> Vec<Row> {
            rows.iter()
                .zip(&folds)
                .filter(|(_, f)| (**f == fold) == inside)
                .map(|(r, _)| r.clone())
                .collect()
        };
        let (t, r, c) = run(&pick(false), &pick(true), level, options);
        truth.extend(t);
        ranked.extend(r);
        confidence.extend(c);
    }
    metrics(&truth, &ranked, &confidence)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| (*x).to_owned()).collect()
    }

    #[test]
    fn figures_match_a_hand_count() {
        let truth = s(&["a", "a", "b", "c"]);
        let ranked = vec![
            s(&["a", "b"]),
            s(&["b", "a"]),
            s(&["b"]),
            s(&["a", "b", "c"]),
        ];
        let m = metrics(&truth, &ranked, &[0.97, 0.5, 0.97, 0.1]);
        assert!((m.accuracy - 0.5).abs() < 1e-9);
        assert!((m.top3 - 1.0).abs() < 1e-9);
        // F1: a = 2·1/(2+2) = 0.5, b = 2·1/(1+2) = 0.667, c = 0 → mean 0.389.
        assert!(
            (m.macro_f1 - (0.5 + 2.0 / 3.0) / 3.0).abs() < 1e-9,
            "{}",
            m.macro_f1
        );
        assert_eq!(m.recall[0].label, "a");
        assert_eq!(m.confusions.len(), 2);
        // The two sure ones were right, the two unsure ones wrong.
        assert_eq!(m.reliability, [(0.95, 2, 1.0), (0.0, 2, 0.0)]);
    }

    #[test]
    fn re_submissions_share_a_fold() {
        assert_eq!(
            fold_of("Lampu PJU mati!!", 5),
            fold_of("lampu   pju mati", 5)
        );
        assert!(fold_of("x", 5) < 5);
    }
}
