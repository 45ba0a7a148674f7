//! Place names in free text, against the Kemendagri region table: "kel. Pahandut", "Palangka
//! Raya", "kec jekan raya", "PALANGKARAYA". Names are compared in a compact form (normal words
//! glued together) so spacing and hyphens do not matter: `Palangka Raya` = `Palangkaraya` =
//! `palangka-raya`.
//!
//! Village and district names repeat across the country (hundreds of "Sukamaju") and many are
//! ordinary words ("Baru", "Jaya"), so a name only counts as a place when something vouches for
//! it: a level word before it (`kel.`, `desa`, `kec.`, `kota`, `kab.`), or a region the report
//! is already known to be in (the one the reporter chose, or a city named elsewhere in the
//! text). Province and regency names count on their own unless they are common words.

use std::sync::OnceLock;

use lapor_domain::region::{Region, RegionCode, RegionKind, RegionLevel, regions};

use crate::features::FastMap;
use crate::text;

/// A place found in a report.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub code: RegionCode,
    /// The region's label ("Kel. Pahandut", "Kota Palangkaraya").
    pub label: String,
    /// The words of the report that named it.
    pub evidence: String,
}

/// Regency and province names that are also everyday words: never a place without a level word.
const COMMON_WORDS: &[&str] = &[
    "agam", "baru", "barat", "batu", "bungo", "jaya", "kota", "pidie", "raya", "selatan", "tengah",
    "timur", "utara",
];

/// Words announcing the level of the name that follows.
fn level_word(word: &str) -> Option<RegionLevel> {
    match word {
        "provinsi" | "prov" | "propinsi" => Some(RegionLevel::Provinsi),
        "kota" | "kabupaten" | "kab" | "kotamadya" => Some(RegionLevel::KabupatenKota),
        "kecamatan" | "kec" | "distrik" => Some(RegionLevel::Kecamatan),
        "kelurahan" | "kel" | "desa" | "ds" | "lurah" => Some(RegionLevel::DesaKelurahan),
        _ => None,
    }
}

struct Gazetteer {
    /// Compact name → indices into the region table's iteration order.
    by_name: FastMap<String, Vec<u32>>,
    regions: Vec<&'static Region>,
    longest: usize,
}

fn compact(words: &[String]) -> String {
    words.concat()
}

/// The name without the regency prefix: "Kota Palangkaraya" → "Palangkaraya".
fn bare_name(region: &Region) -> &str {
    let name = region.name();
    if region.kind() == RegionKind::Kota || region.kind() == RegionKind::Kabupaten {
        for prefix in [
            "Kota Administrasi ",
            "Kabupaten Administrasi ",
            "Kota ",
            "Kabupaten ",
        ] {
            if let Some(rest) = name.strip_prefix(prefix) {
                return rest;
            }
        }
    }
    name
}

fn gazetteer() -> &'static Gazetteer {
    static GAZETTEER: OnceLock<Gazetteer> = OnceLock::new();
    GAZETTEER.get_or_init(|| {
        let mut by_name: FastMap<String, Vec<u32>> = FastMap::default();
        let mut longest = 1;
        for (i, region) in regions().iter().enumerate() {
            if region.code().is_undetermined() {
                continue;
            }
            let words = text::words(bare_name(region));
            longest = longest.max(words.len());
            by_name
                .entry(compact(&words))
                .or_default()
                .push(u32::try_from(i).unwrap_or(u32::MAX));
        }
        let regions: Vec<&'static Region> = regions().iter().collect();
        Gazetteer {
            by_name,
            regions,
            longest: longest.min(5),
        }
    })
}

/// Places named in `words` (normalised), most specific first. `within`: the region the report
/// is known to be in; names inside it need no level word.
#[must_use]
pub fn find(words: &[String], within: Option<&RegionCode>) -> Vec<Place> {
    let g = gazetteer();
    // Names found: (regions of that name, the words, level announced before it).
    let mut spans: Vec<(&Vec<u32>, String, Option<RegionLevel>)> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let hint = level_word(&words[i]);
        let start = if hint.is_some() { i + 1 } else { i };
        let mut matched = 0;
        for len in (1..=g.longest).rev() {
            let Some(span) = words.get(start..start + len) else {
                continue;
            };
            if let Some(found) = g.by_name.get(&compact(span)) {
                spans.push((found, span.join(" "), hint));
                matched = len;
                break;
            }
        }
        i = if matched > 0 { start + matched } else { i + 1 };
    }
    let region = |index: u32| g.regions[index as usize];
    let fits = |r: &Region, hint: Option<RegionLevel>| hint.is_none_or(|level| r.level() == level);
    // Regions that vouch for names inside them: the chosen one, and named regencies and
    // provinces (unless the name is an everyday word said without a level word).
    let mut anchors: Vec<RegionCode> = within.into_iter().cloned().collect();
    for (found, evidence, hint) in &spans {
        if hint.is_none() && COMMON_WORDS.contains(&evidence.replace(' ', "").as_str()) {
            continue;
        }
        for &index in *found {
            let r = region(index);
            if r.level() <= RegionLevel::KabupatenKota && fits(r, *hint) {
                anchors.push(r.code().clone());
            }
        }
    }
    let mut places: Vec<Place> = Vec::new();
    for (found, evidence, hint) in spans {
        let candidates: Vec<&Region> = found
            .iter()
            .map(|&index| region(index))
            .filter(|r| fits(r, hint))
            .collect();
        for r in &candidates {
            let code = r.code();
            let accepted = if r.level() <= RegionLevel::KabupatenKota {
                anchors.contains(code)
            } else {
                anchors.iter().any(|a| code.is_within(a))
                    // A village or district named with its level word, unique in the country.
                    || (hint.is_some() && within.is_none() && candidates.len() == 1)
            };
            if accepted && !places.iter().any(|p| &p.code == code) {
                places.push(Place {
                    code: code.clone(),
                    label: r.label().into_owned(),
                    evidence: evidence.clone(),
                });
            }
        }
    }
    places.sort_by(|a, b| {
        b.code
            .level()
            .cmp(&a.code.level())
            .then(a.code.as_str().cmp(b.code.as_str()))
    });
    places
}

/// The most specific place consistent with the chosen region: a named place inside it (or the
/// named place when none was chosen), else the chosen region itself.
#[must_use]
pub fn locate(words: &[String], chosen: Option<&RegionCode>) -> (Option<RegionCode>, Vec<Place>) {
    let chosen = chosen.filter(|c| !c.is_undetermined());
    let places = find(words, chosen);
    let best = places
        .iter()
        .find(|p| chosen.is_none_or(|c| p.code.is_within(c)))
        .map(|p| p.code.clone());
    let located = match (best, chosen) {
        (Some(b), Some(c)) if b.level() > c.level() => Some(b),
        (_, Some(c)) => Some(c.clone()),
        (b, None) => b,
    };
    (located, places)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    fn found(text: &str, within: Option<&str>) -> Vec<String> {
        let within = within.map(code);
        find(&text::words(text), within.as_ref())
            .into_iter()
            .map(|p| p.label)
            .collect()
    }

    #[test]
    fn a_city_is_found_however_it_is_spelled() {
        for text in [
            "lampu PJU mati di Jl. Tjilik Riwut km 5 Palangka Raya",
            "jalan rusak di palangkaraya",
            "di kota Palangka-Raya",
        ] {
            let labels = found(text, None);
            assert!(
                labels.iter().any(|l| l.contains("Palangka")),
                "{text}: {labels:?}"
            );
        }
    }

    #[test]
    fn villages_need_a_level_word_or_a_known_region() {
        // Pahandut is a kelurahan (and kecamatan) of Palangka Raya.
        let labels = found("sampah di kel. pahandut palangka raya", None);
        assert!(labels.contains(&"Kel. Pahandut".to_owned()), "{labels:?}");
        let labels = found("sampah di pahandut", Some("62.71"));
        assert!(labels.iter().any(|l| l.ends_with("Pahandut")), "{labels:?}");
        // An everyday word is not a place.
        assert!(found("jalan baru rusak dan batu berserakan", None).is_empty());
    }

    #[test]
    fn the_place_refines_the_chosen_region() {
        let words = text::words("jalan berlubang di kelurahan pahandut");
        let (place, _) = locate(&words, Some(&code("62.71")));
        let place = place.unwrap();
        assert!(place.is_within(&code("62.71")) && place.level() == RegionLevel::DesaKelurahan);
        let (place, _) = locate(&text::words("tolong diperbaiki"), Some(&code("62.71")));
        assert_eq!(place, Some(code("62.71")));
        let (place, _) = locate(&text::words("banjir di Palangkaraya"), None);
        assert_eq!(place, Some(code("62.71")));
    }
}
