//! The deployment's agency tree as the router sees it, and agency *roles*.
//!
//! A role is what an agency does, without where: "Dinas Perhubungan Kota Palangka Raya" and
//! "Dinas Perhubungan Kabupaten Kapuas" both have the role `dinas perhubungan`; "Kelurahan
//! Pahandut" has the role `kelurahan`. The model learns roles, so what officers taught it in
//! one city carries to every other, and a kelurahan label is reached through the report's
//! place, never memorised from its words. A role and a place give back one agency.

use std::collections::HashMap;

use lapor_domain::agency::AgencyKind;
use lapor_domain::region::{RegionCode, regions};

use crate::text;

/// One agency of the tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Agency {
    pub code: String,
    pub name: String,
    pub kind: AgencyKind,
    pub parent: Option<String>,
    /// Regions served; empty for national bodies.
    pub regions: Vec<RegionCode>,
    pub role: String,
}

/// Words that only say which government an agency belongs to.
const GOVERNMENT_WORDS: &[&str] = &[
    "kota",
    "kabupaten",
    "provinsi",
    "pemerintah",
    "pemkot",
    "pemkab",
    "pemprov",
    "administrasi",
];

/// The role of an agency named `name` serving `served`: its name without the names of those
/// regions (and their ancestors) and without government words. National bodies (serving no
/// region) keep their whole name: there is one of each.
#[must_use]
pub fn role_of(name: &str, served: &[RegionCode]) -> String {
    let mut words = text::words(name);
    let mut place_names: Vec<String> = Vec::new();
    for code in served {
        for region in regions()
            .ancestors(code)
            .into_iter()
            .chain(regions().get(code))
        {
            let bare = region
                .name()
                .trim_start_matches("Kota Administrasi ")
                .trim_start_matches("Kabupaten Administrasi ")
                .trim_start_matches("Kota ")
                .trim_start_matches("Kabupaten ");
            place_names.push(text::words(bare).concat());
        }
    }
    // Remove every run of words spelling a served place, longest names first.
    place_names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    for place in &place_names {
        let mut i = 0;
        while i < words.len() {
            let mut joined = String::new();
            let mut end = None;
            for (j, w) in words[i..].iter().enumerate() {
                joined.push_str(w);
                if joined == *place {
                    end = Some(i + j + 1);
                    break;
                }
                if !place.starts_with(&joined) {
                    break;
                }
            }
            match end {
                Some(end) => {
                    words.drain(i..end);
                }
                None => i += 1,
            }
        }
    }
    if !served.is_empty() {
        words.retain(|w| !GOVERNMENT_WORDS.contains(&w.as_str()));
    }
    if words.is_empty() {
        // A regional government itself: "Pemerintah Kota Palangka Raya".
        return "pemerintah daerah".to_owned();
    }
    words.join(" ")
}

/// The agency tree, indexed by role.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    agencies: Vec<Agency>,
    by_role: HashMap<String, Vec<usize>>,
    by_code: HashMap<String, usize>,
}

impl Directory {
    /// Builds the directory from (code, name, kind, parent code, regions served).
    #[must_use]
    pub fn new(
        entries: impl IntoIterator<Item = (String, String, AgencyKind, Option<String>, Vec<RegionCode>)>,
    ) -> Self {
        let mut d = Directory::default();
        for (code, name, kind, parent, served) in entries {
            // Units usually serve their parent's regions without listing them.
            let role = role_of(&name, &served);
            d.by_code.insert(code.clone(), d.agencies.len());
            d.by_role
                .entry(role.clone())
                .or_default()
                .push(d.agencies.len());
            d.agencies.push(Agency {
                code,
                name,
                kind,
                parent,
                regions: served,
                role,
            });
        }
        // Units that list no region serve their parent's; their role must still drop the
        // parent's place names ("Dinas Sosial Kota Palangka Raya" under Pemkot Palangka Raya).
        for i in 0..d.agencies.len() {
            if d.agencies[i].regions.is_empty()
                && let Some(served) = d.inherited_regions(i)
            {
                let role = role_of(&d.agencies[i].name, &served);
                if role != d.agencies[i].role {
                    let old = std::mem::replace(&mut d.agencies[i].role, role.clone());
                    if let Some(list) = d.by_role.get_mut(&old) {
                        list.retain(|&x| x != i);
                    }
                    d.by_role.entry(role).or_default().push(i);
                }
                d.agencies[i].regions = served;
            }
        }
        d
    }

    fn inherited_regions(&self, mut i: usize) -> Option<Vec<RegionCode>> {
        for _ in 0..8 {
            let parent = self.agencies[i].parent.as_ref()?;
            i = *self.by_code.get(parent)?;
            if !self.agencies[i].regions.is_empty() {
                return Some(self.agencies[i].regions.clone());
            }
        }
        None
    }

    #[must_use]
    pub fn get(&self, code: &str) -> Option<&Agency> {
        self.by_code.get(code).map(|&i| &self.agencies[i])
    }

    #[must_use]
    pub fn agencies(&self) -> &[Agency] {
        &self.agencies
    }

    /// Whether `code` is `ancestor` or one of its units.
    #[must_use]
    pub fn is_under(&self, code: &str, ancestor: &str) -> bool {
        let mut current = Some(code);
        for _ in 0..8 {
            match current {
                Some(c) if c == ancestor => return true,
                Some(c) => current = self.get(c).and_then(|a| a.parent.as_deref()),
                None => return false,
            }
        }
        false
    }

    /// The agency of `role` for a report at `place`: the one serving the most specific region
    /// containing the place; without a place (or none serving it), the only agency of that
    /// role, or a national one.
    #[must_use]
    pub fn resolve(&self, role: &str, place: Option<&RegionCode>) -> Option<&Agency> {
        let candidates = self.by_role.get(role)?;
        let serving = |a: &Agency| -> Option<usize> {
            let place = place?;
            a.regions
                .iter()
                .filter(|r| place.is_within(r))
                .map(|r| r.as_str().len())
                .max()
        };
        if let Some(best) = candidates
            .iter()
            .map(|&i| &self.agencies[i])
            .filter_map(|a| serving(a).map(|depth| (depth, a)))
            .max_by(|x, y| x.0.cmp(&y.0).then(y.1.code.cmp(&x.1.code)))
        {
            return Some(best.1);
        }
        if let [only] = candidates.as_slice() {
            return Some(&self.agencies[*only]).filter(|a| a.regions.is_empty() || place.is_none());
        }
        candidates
            .iter()
            .map(|&i| &self.agencies[i])
            .find(|a| a.regions.is_empty())
    }

    /// The agencies serving `place` whose role contains every word of `hint`, most specific
    /// region first (a kota's dinas before the province's).
    #[must_use]
    pub fn matching(&self, hint: &str, place: Option<&RegionCode>) -> Vec<&Agency> {
        let hint_words = text::words(hint);
        let mut found: Vec<(usize, &Agency)> = self
            .agencies
            .iter()
            .filter(|a| {
                let role_words: Vec<&str> = a.role.split(' ').collect();
                hint_words.iter().all(|h| role_words.contains(&h.as_str()))
            })
            .filter_map(|a| {
                if a.regions.is_empty() {
                    return Some((0, a));
                }
                let place = place?;
                a.regions
                    .iter()
                    .filter(|r| place.is_within(r))
                    .map(|r| r.as_str().len())
                    .max()
                    .map(|d| (d, a))
            })
            .collect();
        found.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.code.cmp(&y.1.code)));
        found.into_iter().map(|(_, a)| a).collect()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

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
                "pemkot-plk",
                "Pemerintah Kota Palangka Raya",
                AgencyKind::PemerintahKota,
                None,
                &["62.71"],
            ),
            e(
                "dishub-plk",
                "Dinas Perhubungan Kota Palangka Raya",
                AgencyKind::Dinas,
                Some("pemkot-plk"),
                &[],
            ),
            e(
                "kel-pahandut",
                "Kelurahan Pahandut",
                AgencyKind::Kelurahan,
                Some("pemkot-plk"),
                &["62.71.01.1001"],
            ),
            e(
                "pemkab-kapuas",
                "Pemerintah Kabupaten Kapuas",
                AgencyKind::PemerintahKabupaten,
                None,
                &["62.03"],
            ),
            e(
                "dishub-kapuas",
                "Dinas Perhubungan",
                AgencyKind::Dinas,
                Some("pemkab-kapuas"),
                &["62.03"],
            ),
        ])
    }

    #[test]
    fn roles_drop_the_place_and_the_government() {
        let d = directory();
        assert_eq!(d.get("dishub-plk").unwrap().role, "dinas perhubungan");
        assert_eq!(d.get("dishub-kapuas").unwrap().role, "dinas perhubungan");
        assert_eq!(d.get("kel-pahandut").unwrap().role, "kelurahan");
        assert_eq!(d.get("pemkot-plk").unwrap().role, "pemerintah daerah");
        assert_eq!(d.get("kemenhub").unwrap().role, "kementerian perhubungan");
    }

    #[test]
    fn a_role_and_a_place_give_one_agency() {
        let d = directory();
        let pahandut = code("62.71.01.1001");
        assert_eq!(
            d.resolve("dinas perhubungan", Some(&pahandut))
                .unwrap()
                .code,
            "dishub-plk"
        );
        assert_eq!(
            d.resolve("kelurahan", Some(&pahandut)).unwrap().code,
            "kel-pahandut"
        );
        assert_eq!(
            d.resolve("dinas perhubungan", Some(&code("62.03")))
                .unwrap()
                .code,
            "dishub-kapuas"
        );
        // No place: which city's dinas is unknown.
        assert!(d.resolve("dinas perhubungan", None).is_none());
        assert_eq!(
            d.resolve("kementerian perhubungan", Some(&pahandut))
                .unwrap()
                .code,
            "kemenhub"
        );
        assert!(d.resolve("kelurahan", Some(&code("62.03"))).is_none());
        let by_hint: Vec<&str> = d
            .matching("perhubungan", Some(&pahandut))
            .iter()
            .map(|a| a.code.as_str())
            .collect();
        assert_eq!(by_hint, ["dishub-plk", "kemenhub"]);
        assert!(d.is_under("dishub-plk", "pemkot-plk"));
    }
}
