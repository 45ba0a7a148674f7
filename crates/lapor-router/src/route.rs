//! The router: a report in, the three most likely competent agencies out, each with a
//! confidence and the reasons an officer can check (the place found, the words that weighed
//! most, the rule that fired).

use lapor_domain::region::{RegionCode, RegionLevel};

use crate::directory::{Agency, Directory};
use crate::features::report_words;
use crate::model::Model;
use crate::place::{self, Place};
use crate::rules::{self, Level, Rule};

/// What the router reads of a report.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<'a> {
    pub title: &'a str,
    pub body: &'a str,
    /// Free-text address or location, if the channel has one.
    pub address: &'a str,
    /// The category chosen by the reporter or the verifier.
    pub category: Option<&'a str>,
    /// The region chosen by the reporter.
    pub region: Option<&'a RegionCode>,
    /// Agencies (with their units) that must not be suggested: those that returned the report
    /// as bukan wewenang.
    pub exclude: &'a [String],
    /// Only the units of this agency (the agency admin's disposisi).
    pub within: Option<&'a str>,
}

/// Why an agency was suggested.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    /// The report is at a place the agency serves.
    Place {
        label: String,
        evidence: Option<String>,
    },
    /// The learned model: the words that pushed most towards this agency.
    Learned { words: Vec<String> },
    /// A routing rule for the category at this level of government.
    Rule {
        category: String,
        recognised_from: Vec<String>,
        level: Level,
    },
    /// Nothing more specific is known: the government serving the place.
    Government,
}

impl Reason {
    /// A short sentence for the officer, in Indonesian or English.
    #[must_use]
    pub fn describe(&self, english: bool) -> String {
        let quoted = |w: &[String]| {
            w.iter()
                .map(|x| format!("“{x}”"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match (self, english) {
            (
                Reason::Place {
                    label,
                    evidence: Some(e),
                },
                false,
            ) => {
                format!("Tempat: {label} (dari “{e}”)")
            }
            (
                Reason::Place {
                    label,
                    evidence: Some(e),
                },
                true,
            ) => {
                format!("Place: {label} (from “{e}”)")
            }
            (
                Reason::Place {
                    label,
                    evidence: None,
                },
                false,
            ) => {
                format!("Tempat: {label} (wilayah pilihan pelapor)")
            }
            (
                Reason::Place {
                    label,
                    evidence: None,
                },
                true,
            ) => {
                format!("Place: {label} (region chosen by the reporter)")
            }
            (Reason::Learned { words }, false) if words.is_empty() => {
                "Mirip laporan yang pernah didisposisikan ke sini".to_owned()
            }
            (Reason::Learned { words }, true) if words.is_empty() => {
                "Similar to reports routed here before".to_owned()
            }
            (Reason::Learned { words }, false) => format!(
                "Kata yang menentukan: {} (dipelajari dari disposisi sebelumnya)",
                quoted(words)
            ),
            (Reason::Learned { words }, true) => format!(
                "Deciding words: {} (learned from earlier routings)",
                quoted(words)
            ),
            (
                Reason::Rule {
                    category,
                    recognised_from,
                    level,
                },
                english,
            ) => {
                let level = match (level, english) {
                    (Level::Daerah, false) => "pemerintah kabupaten/kota",
                    (Level::Provinsi, false) => "pemerintah provinsi",
                    (Level::Nasional, false) => "instansi pusat",
                    (Level::Daerah, true) => "regency/city government",
                    (Level::Provinsi, true) => "provincial government",
                    (Level::Nasional, true) => "national body",
                };
                let name = lapor_domain::category::find(category)
                    .map_or(category.as_str(), |c| c.name(english));
                match (recognised_from.is_empty(), english) {
                    (true, false) => format!("Aturan: kategori {name} → {level}"),
                    (true, true) => format!("Rule: category {name} → {level}"),
                    (false, false) => format!(
                        "Aturan: kategori {name} (dikenali dari {}) → {level}",
                        quoted(recognised_from)
                    ),
                    (false, true) => format!(
                        "Rule: category {name} (recognised from {}) → {level}",
                        quoted(recognised_from)
                    ),
                }
            }
            (Reason::Government, false) => {
                "Pemerintah daerah tempat kejadian (belum ada petunjuk lebih rinci)".to_owned()
            }
            (Reason::Government, true) => {
                "Government of the place (no more specific clue yet)".to_owned()
            }
        }
    }
}

/// One suggested agency.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub agency: String,
    pub name: String,
    /// 0..1: how sure the router is, combining its evidence.
    pub confidence: f32,
    pub reasons: Vec<Reason>,
}

/// The router's answer for one report.
#[derive(Debug, Clone, Default)]
pub struct Routing {
    /// Where the report is, as precisely as known.
    pub place: Option<RegionCode>,
    /// Places named in the text.
    pub places: Vec<Place>,
    /// At most three, most likely first.
    pub suggestions: Vec<Suggestion>,
}

/// How sure a rule makes the router: a category someone chose is firmer than one recognised
/// from words.
const RULE_CHOSEN: f32 = 0.6;
const RULE_RECOGNISED: f32 = 0.45;
/// A second level of government (province, then national) is a weaker guess than the first.
const NEXT_LEVEL: f32 = 0.5;
const GOVERNMENT: f32 = 0.2;
/// Sharpness of the model's scores turned into probabilities (softmax temperature), measured
/// with `lapor route eval` so that the confidence roughly matches how often it is right.
const SHARPNESS: f32 = 4.0;

/// Features of a place for the model: its kecamatan and village codes.
#[must_use]
pub fn place_features(place: Option<&RegionCode>) -> Vec<String> {
    let Some(place) = place else {
        return Vec::new();
    };
    place
        .lineage()
        .into_iter()
        .filter(|c| c.level() >= RegionLevel::Kecamatan)
        .map(|c| c.as_str().to_owned())
        .collect()
}

/// The router of one deployment: its agencies, rules and (once trained) model.
#[derive(Debug, Clone)]
pub struct Router {
    directory: Directory,
    rules: Vec<Rule>,
    model: Option<Model>,
}

struct Tally<'d> {
    agency: &'d Agency,
    /// Product of (1 − evidence): independent evidence combines to 1 − product.
    doubt: f32,
    reasons: Vec<Reason>,
}

impl Router {
    #[must_use]
    pub fn new(directory: Directory, rules: Vec<Rule>, model: Option<Model>) -> Self {
        Self {
            directory,
            rules,
            model,
        }
    }

    #[must_use]
    pub fn directory(&self) -> &Directory {
        &self.directory
    }

    #[must_use]
    pub fn model(&self) -> Option<&Model> {
        self.model.as_ref()
    }

    /// The three most likely competent agencies for `query`.
    #[must_use]
    pub fn suggest(&self, query: &Query<'_>) -> Routing {
        let words = report_words(&[query.title, query.body, query.address]);
        let (place, places) = place::locate(&words, query.region);
        let mut tally: Vec<Tally<'_>> = Vec::new();
        let excluded = |a: &Agency| {
            query
                .exclude
                .iter()
                .any(|x| self.directory.is_under(&a.code, x))
                || query
                    .within
                    .is_some_and(|w| a.code == w || !self.directory.is_under(&a.code, w))
        };
        let mut tally_add = Vec::new();
        // The model's role behind each agency it proposed; its deciding words are worked out
        // only for the agencies that end up suggested.
        let mut learned: Vec<(&str, usize)> = Vec::new();
        let scored = self
            .model
            .as_ref()
            .map(|model| (model, model.score(&words, &place_features(place.as_ref()))));
        if let Some((model, scored)) = &scored {
            for (role, probability) in probabilities(&scored.ranked).into_iter().take(8) {
                let Some(agency) = self.directory.resolve(&model.roles()[role], place.as_ref())
                else {
                    continue;
                };
                learned.push((agency.code.as_str(), role));
                tally_add.push((agency, probability, Reason::Learned { words: Vec::new() }));
            }
        }
        let chosen = query.category.filter(|c| !c.is_empty());
        let recognised = rules::recognise(&words);
        let (category, firmness, from) = match (chosen, recognised.first()) {
            (Some(c), _) => (Some(c.to_owned()), RULE_CHOSEN, Vec::new()),
            (None, Some(r)) => (
                Some(r.category.to_owned()),
                RULE_RECOGNISED,
                r.words.clone(),
            ),
            (None, None) => (None, 0.0, Vec::new()),
        };
        if let Some(category) = category {
            let mut weight = firmness;
            for level in Level::ALL {
                if level != Level::Nasional && place.is_none() {
                    continue;
                }
                let Some(rule) = rules::rules_for(&self.rules, &category, level) else {
                    continue;
                };
                let found = self.directory.matching(&rule.role_hint, place.as_ref());
                let agency = found.into_iter().find(|a| match level {
                    Level::Nasional => a.regions.is_empty(),
                    Level::Provinsi => a.regions.iter().any(|r| r.level() == RegionLevel::Provinsi),
                    Level::Daerah => a
                        .regions
                        .iter()
                        .any(|r| r.level() >= RegionLevel::KabupatenKota),
                });
                if let Some(agency) = agency {
                    tally_add.push((
                        agency,
                        weight,
                        Reason::Rule {
                            category: category.clone(),
                            recognised_from: from.clone(),
                            level,
                        },
                    ));
                    weight *= NEXT_LEVEL;
                }
            }
        }
        if let Some(government) = self.directory.resolve("pemerintah daerah", place.as_ref()) {
            tally_add.push((government, GOVERNMENT, Reason::Government));
        }
        for (agency, evidence, reason) in tally_add {
            if excluded(agency) {
                continue;
            }
            if let Some(t) = tally.iter_mut().find(|t| t.agency.code == agency.code) {
                t.doubt *= 1.0 - evidence;
                if !t.reasons.contains(&reason) {
                    t.reasons.push(reason);
                }
            } else {
                tally.push(Tally {
                    agency,
                    doubt: 1.0 - evidence,
                    reasons: vec![reason],
                });
            }
        }
        let mut ranked: Vec<Suggestion> = tally
            .into_iter()
            .map(|t| {
                let mut reasons = t.reasons;
                if let Some(p) = &place
                    && t.agency.regions.iter().any(|r| p.is_within(r))
                {
                    let named = places.iter().find(|x| &x.code == p);
                    let label = lapor_domain::region::regions()
                        .get(p)
                        .map_or_else(|| p.as_str().to_owned(), |r| r.label().into_owned());
                    reasons.insert(
                        0,
                        Reason::Place {
                            label,
                            evidence: named.map(|n| n.evidence.clone()),
                        },
                    );
                }
                Suggestion {
                    agency: t.agency.code.clone(),
                    name: t.agency.name.clone(),
                    confidence: 1.0 - t.doubt,
                    reasons,
                }
            })
            .collect();
        ranked.sort_by(|a, b| {
            b.confidence
                .total_cmp(&a.confidence)
                .then(a.agency.cmp(&b.agency))
        });
        ranked.truncate(3);
        if let Some((model, scored)) = &scored {
            for suggestion in &mut ranked {
                let Some(&(_, role)) = learned.iter().find(|(code, _)| *code == suggestion.agency)
                else {
                    continue;
                };
                for reason in &mut suggestion.reasons {
                    if let Reason::Learned { words: why } = reason {
                        *why = model.words_for(scored, role, &words, 3);
                    }
                }
            }
        }
        Routing {
            place,
            places,
            suggestions: ranked,
        }
    }

    /// The model's ranking of roles for a report with their probabilities: what `lapor route
    /// eval` measures (no rules, no fallback).
    #[must_use]
    pub fn ranked_roles(&self, words: &[String], place: Option<&RegionCode>) -> Vec<(String, f32)> {
        let Some(model) = &self.model else {
            return Vec::new();
        };
        let scored = model.score(words, &place_features(place));
        probabilities(&scored.ranked)
            .into_iter()
            .map(|(r, p)| (model.roles()[r].clone(), p))
            .collect()
    }
}

/// SVM scores (best first) as probabilities: a softmax at [`SHARPNESS`].
fn probabilities(ranked: &[(usize, f32)]) -> Vec<(usize, f32)> {
    let top = ranked.first().map_or(0.0, |r| r.1);
    let weights: Vec<f32> = ranked
        .iter()
        .map(|(_, s)| ((s - top) * SHARPNESS).exp())
        .collect();
    let total: f32 = weights.iter().sum();
    ranked
        .iter()
        .zip(weights)
        .map(|(&(role, _), w)| (role, w / total))
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use lapor_domain::agency::AgencyKind;

    use super::*;
    use crate::model::{Example, TrainOptions};
    use crate::rules::default_rules;
    use crate::text::words;

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    /// A small tree like the demo's: two national bodies, a province and Palangka Raya with
    /// units and one kelurahan.
    fn directory() -> Directory {
        let e = |c: &str, n: &str, k, p: Option<&str>, r: &[&str]| {
            (
                c.to_owned(),
                n.to_owned(),
                k,
                p.map(str::to_owned),
                r.iter().map(|x| code(x)).collect(),
            )
        };
        Directory::new([
            e(
                "kemenhub",
                "Kementerian Perhubungan",
                AgencyKind::Kementerian,
                None,
                &[],
            ),
            e(
                "kemenkes",
                "Kementerian Kesehatan",
                AgencyKind::Kementerian,
                None,
                &[],
            ),
            e(
                "prov",
                "Pemerintah Provinsi Kalimantan Tengah",
                AgencyKind::PemerintahProvinsi,
                None,
                &["62"],
            ),
            e(
                "prov.dishub",
                "Dinas Perhubungan Provinsi Kalimantan Tengah",
                AgencyKind::Dinas,
                Some("prov"),
                &["62"],
            ),
            e(
                "kota",
                "Pemerintah Kota Palangka Raya",
                AgencyKind::PemerintahKota,
                None,
                &["62.71"],
            ),
            e(
                "kota.dishub",
                "Dinas Perhubungan Kota Palangka Raya",
                AgencyKind::Dinas,
                Some("kota"),
                &["62.71"],
            ),
            e(
                "kota.dlh",
                "Dinas Lingkungan Hidup Kota Palangka Raya",
                AgencyKind::Dinas,
                Some("kota"),
                &["62.71"],
            ),
            e(
                "kota.pupr",
                "Dinas Pekerjaan Umum dan Penataan Ruang Kota Palangka Raya",
                AgencyKind::Dinas,
                Some("kota"),
                &["62.71"],
            ),
            e(
                "kota.kel-pahandut",
                "Kelurahan Pahandut",
                AgencyKind::Kelurahan,
                Some("kota"),
                &["62.71.01.1001"],
            ),
        ])
    }

    fn suggest(router: &Router, body: &str, region: Option<&str>, exclude: &[String]) -> Routing {
        let region = region.map(code);
        router.suggest(&Query {
            body,
            region: region.as_ref(),
            exclude,
            ..Query::default()
        })
    }

    #[test]
    fn street_light_in_palangka_raya_goes_to_the_city_transport_office() {
        let router = Router::new(directory(), default_rules(), None);
        let routing = suggest(
            &router,
            "lampu PJU mati di Jl. Tjilik Riwut km 5 Palangka Raya",
            Some("62"),
            &[],
        );
        assert_eq!(routing.place, Some(code("62.71")));
        let first = &routing.suggestions[0];
        assert_eq!(first.agency, "kota.dishub");
        let reasons: Vec<String> = first.reasons.iter().map(|r| r.describe(false)).collect();
        assert!(reasons[0].contains("Palangka"), "{reasons:?}");
        assert!(
            reasons
                .iter()
                .any(|r| r.contains("“pju”") && r.contains("Perhubungan")),
            "{reasons:?}"
        );
        assert!(routing.suggestions.len() <= 3);
        assert!(
            routing
                .suggestions
                .windows(2)
                .all(|w| w[0].confidence >= w[1].confidence)
        );
    }

    #[test]
    fn an_agency_that_said_bukan_wewenang_is_not_suggested_again() {
        let router = Router::new(directory(), default_rules(), None);
        let text = "lampu PJU mati di Palangka Raya";
        let routing = suggest(&router, text, None, &["kota".to_owned()]);
        assert!(
            routing
                .suggestions
                .iter()
                .all(|s| !s.agency.starts_with("kota")),
            "{:?}",
            routing.suggestions
        );
        assert_eq!(routing.suggestions[0].agency, "prov.dishub");
    }

    #[test]
    fn the_learned_model_routes_place_roles_through_the_place() {
        let mut examples = Vec::new();
        for (text, role) in [
            (
                "surat keterangan domisili tidak dilayani di kantor kelurahan",
                "kelurahan",
            ),
            ("pelayanan surat pengantar di kelurahan lambat", "kelurahan"),
            ("lurah tidak ada di kantor saat jam kerja", "kelurahan"),
            (
                "sampah menumpuk di tps belum diangkut",
                "dinas lingkungan hidup",
            ),
            (
                "truk sampah tidak datang seminggu",
                "dinas lingkungan hidup",
            ),
            ("bau sampah dari tps pasar", "dinas lingkungan hidup"),
        ] {
            examples.push(Example {
                words: words(text),
                places: Vec::new(),
                role: role.to_owned(),
            });
        }
        let model = Model::train(&examples, TrainOptions::default());
        let router = Router::new(directory(), default_rules(), Some(model));
        let routing = suggest(
            &router,
            "minta surat keterangan di kelurahan dipersulit",
            Some("62.71.01.1001"),
            &[],
        );
        assert_eq!(routing.suggestions[0].agency, "kota.kel-pahandut");
        assert!(
            matches!(routing.suggestions[0].reasons.iter().find(|r| matches!(r, Reason::Learned { .. })), Some(Reason::Learned { words }) if words.contains(&"kelurahan".to_owned()) || words.contains(&"surat".to_owned()))
        );
        // Elsewhere in the city there is no kelurahan office in this tree: not suggested.
        let routing = suggest(
            &router,
            "minta surat keterangan di kelurahan dipersulit",
            Some("62.71.02"),
            &[],
        );
        assert!(
            routing
                .suggestions
                .iter()
                .all(|s| s.agency != "kota.kel-pahandut")
        );
        // Disposisi within the city: only its units.
        let routing = router.suggest(&Query {
            body: "sampah menumpuk belum diangkut",
            region: Some(&code("62.71")),
            within: Some("kota"),
            ..Query::default()
        });
        assert_eq!(routing.suggestions[0].agency, "kota.dlh");
        assert!(
            routing
                .suggestions
                .iter()
                .all(|s| s.agency.starts_with("kota."))
        );
    }
}
