//! Behaviour of the embedded Kemendagri region table (`lapor_domain::region`).
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use lapor_domain::region::{
    Region, RegionCode, RegionCodeError, RegionKind, RegionLevel, RegionTable, embedded_data,
    regions,
};

fn code(s: &str) -> RegionCode {
    RegionCode::parse(s).unwrap()
}

fn codes(found: &[&Region]) -> Vec<String> {
    found.iter().map(|r| r.code().to_string()).collect()
}

fn first(query: &str) -> String {
    let found = regions().search(query, None, 10);
    assert!(!found.is_empty(), "{query:?} found nothing");
    found[0].code().to_string()
}

// ---------------------------------------------------------------- table shape

#[test]
fn counts_match_kepmendagri_2025() {
    let t = regions();
    assert_eq!(t.counts(), [38, 514, 7_285, 83_762]);
    assert_eq!(t.len(), 38 + 514 + 7_285 + 83_762);
    assert_eq!(t.count(RegionLevel::Kecamatan), 7_285);
    assert_eq!(t.children(None).len(), 38);

    let mut kinds: HashMap<RegionKind, usize> = HashMap::new();
    for r in t {
        *kinds.entry(r.kind()).or_default() += 1;
    }
    assert_eq!(kinds[&RegionKind::Kabupaten], 416);
    assert_eq!(kinds[&RegionKind::Kota], 98);
    assert_eq!(kinds[&RegionKind::Kelurahan], 8_496);
    assert_eq!(kinds[&RegionKind::Desa], 75_252);
    assert_eq!(kinds[&RegionKind::DesaAdat], 14);
}

#[test]
fn embedded_file_is_small() {
    assert!(
        embedded_data().len() < 1_500_000,
        "regions.bin is {} bytes",
        embedded_data().len()
    );
}

#[test]
fn every_region_has_an_existing_parent_of_the_level_above() {
    let t = regions();
    for r in t {
        assert_eq!(r.level(), r.code().level(), "{}", r.code());
        assert_eq!(r.kind().level(), r.level());
        match r.parent() {
            None => assert_eq!(r.level(), RegionLevel::Provinsi, "{}", r.code()),
            Some(p) => {
                let parent = t
                    .get(p)
                    .unwrap_or_else(|| panic!("parent {p} of {} missing", r.code()));
                assert_eq!(parent.level().depth() + 1, r.level().depth());
                assert_eq!(Some(p.clone()), r.code().parent());
                assert!(
                    t.children(Some(p)).iter().any(|c| c.code() == r.code()),
                    "{} not listed under its parent",
                    r.code()
                );
            }
        }
    }
}

#[test]
fn palangka_raya_has_five_kecamatan_and_thirty_kelurahan() {
    let t = regions();
    let kota = t.get(&code("62.71")).unwrap();
    assert_eq!(kota.name(), "Kota Palangkaraya");
    assert_eq!(kota.kind(), RegionKind::Kota);
    let (lat, lon) = kota.coordinates().unwrap();
    assert!((lat - -2.174).abs() < 0.01 && (lon - 113.880).abs() < 0.01);

    let kec = t.children(Some(kota.code()));
    let names: Vec<&str> = kec.iter().map(|r| r.name()).collect();
    // children() is sorted by name.
    assert_eq!(
        names,
        [
            "Bukit Batu",
            "Jekan Raya",
            "Pahandut",
            "Rakumpit",
            "Sabangau"
        ]
    );
    let mut by_code: Vec<(&str, &str)> =
        kec.iter().map(|r| (r.code().as_str(), r.name())).collect();
    by_code.sort();
    assert_eq!(
        by_code,
        [
            ("62.71.01", "Pahandut"),
            ("62.71.02", "Bukit Batu"),
            ("62.71.03", "Jekan Raya"),
            ("62.71.04", "Sabangau"),
            ("62.71.05", "Rakumpit"),
        ]
    );
    assert!(kec.iter().all(|r| r.kind() == RegionKind::Kecamatan));

    let kelurahan: usize = kec.iter().map(|k| t.children(Some(k.code())).len()).sum();
    assert_eq!(kelurahan, 30);
    let descendants = t.descendants(kota.code());
    assert_eq!(descendants.len(), 35);
    assert!(
        descendants
            .iter()
            .filter(|r| r.level() == RegionLevel::DesaKelurahan)
            .all(|r| r.kind() == RegionKind::Kelurahan)
    );
}

#[test]
fn children_of_provinces_and_unknown_codes() {
    let t = regions();
    let provinces = t.children(None);
    assert_eq!(provinces[0].name(), "Aceh");
    assert!(
        provinces
            .windows(2)
            .all(|w| { w[0].name().to_lowercase() <= w[1].name().to_lowercase() })
    );
    assert!(
        provinces
            .iter()
            .all(|p| p.kind() == RegionKind::Provinsi && p.parent().is_none())
    );
    let kalteng = t.children(Some(&code("62")));
    assert_eq!(kalteng.len(), 14);
    assert!(kalteng.iter().any(|r| r.name() == "Kabupaten Kapuas"));
    assert!(t.children(Some(&code("62.71.01.1001"))).is_empty());
    assert!(t.children(Some(&code("99"))).is_empty());
    assert!(t.get(&code("62.71.01.9999")).is_none());
}

#[test]
fn ancestors_and_full_name() {
    let t = regions();
    let kel = code("62.71.01.1001");
    let chain = t.ancestors(&kel);
    assert_eq!(codes(&chain), ["62", "62.71", "62.71.01", "62.71.01.1001"]);
    assert_eq!(chain[3].name(), "Pahandut");
    assert_eq!(chain[3].kind(), RegionKind::Kelurahan);
    assert_eq!(chain[3].postal_code(), Some("73111"));
    assert_eq!(chain[0].name(), "Kalimantan Tengah");
    assert_eq!(
        t.full_name(&kel).unwrap(),
        "Kel. Pahandut, Kec. Pahandut, Kota Palangkaraya, Kalimantan Tengah"
    );
    assert_eq!(
        t.full_name(&code("62.03")).unwrap(),
        "Kabupaten Kapuas, Kalimantan Tengah"
    );
    assert_eq!(t.full_name(&code("62")).unwrap(), "Kalimantan Tengah");
    assert!(t.full_name(&code("62.99")).is_none());
    assert!(t.ancestors(&code("62.99")).is_empty());

    // A desa gets the "Desa" label.
    let desa = t.get(&code("11.01.01.2001")).unwrap();
    assert_eq!(desa.kind(), RegionKind::Desa);
    assert_eq!(desa.label(), "Desa Keude Bakongan");
    assert!(
        t.full_name(desa.code())
            .unwrap()
            .starts_with("Desa Keude Bakongan, Kec. Bakongan, Kabupaten Aceh Selatan, Aceh")
    );
}

#[test]
fn names_are_trimmed() {
    let t = regions();
    assert_eq!(
        t.get(&code("31.72")).unwrap().name(),
        "Kota Administrasi Jakarta Utara"
    );
    assert!(t.iter().all(|r| r.name() == r.name().trim()));
}

// ---------------------------------------------------------------- round trip vs CSV

fn source_dir() -> Option<PathBuf> {
    let candidates = [
        PathBuf::from("/work/shared/data/regions"),
        PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/regions"
        )),
    ];
    candidates
        .into_iter()
        .find(|d| d.join("villages.csv").is_file())
}

fn read_rows(dir: &std::path::Path, file: &str) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(dir.join(file)).unwrap();
    reader.deserialize().map(Result::unwrap).collect()
}

#[test]
fn every_csv_row_is_in_the_embedded_table() {
    let Some(dir) = source_dir() else {
        println!("skipped: shared region CSVs not found");
        return;
    };
    let t = regions();
    let mut total = 0;
    for (file, level) in [
        ("provinces.csv", RegionLevel::Provinsi),
        ("regencies.csv", RegionLevel::KabupatenKota),
        ("districts.csv", RegionLevel::Kecamatan),
        ("villages.csv", RegionLevel::DesaKelurahan),
    ] {
        let rows = read_rows(&dir, file);
        assert_eq!(rows.len(), t.count(level), "{file}");
        for row in rows {
            total += 1;
            let c = code(&row["code"]);
            assert_eq!(c.as_str(), row["code"], "codes are canonical");
            let r = t
                .get(&c)
                .unwrap_or_else(|| panic!("{file}: {c} missing from the table"));
            assert_eq!(r.name(), row["name"].trim(), "{file}: name of {c}");
            assert_eq!(r.level(), level);
            let kind = match (level, row.get("type").map(String::as_str)) {
                (RegionLevel::Provinsi, _) => RegionKind::Provinsi,
                (RegionLevel::Kecamatan, _) => RegionKind::Kecamatan,
                (_, Some("kabupaten")) => RegionKind::Kabupaten,
                (_, Some("kota")) => RegionKind::Kota,
                (_, Some("kelurahan")) => RegionKind::Kelurahan,
                (_, Some("desa")) => RegionKind::Desa,
                (_, Some("desa_adat")) => RegionKind::DesaAdat,
                other => panic!("{file}: unexpected type {other:?}"),
            };
            assert_eq!(r.kind(), kind, "{file}: kind of {c}");
            let parent_col = match level {
                RegionLevel::Provinsi => None,
                RegionLevel::KabupatenKota => Some("province_code"),
                RegionLevel::Kecamatan => Some("regency_code"),
                RegionLevel::DesaKelurahan => Some("district_code"),
            };
            assert_eq!(
                r.parent().map(RegionCode::as_str),
                parent_col.map(|col| row[col].as_str()),
                "{file}: parent of {c}"
            );
            let postal = row.get("postal_code").map(String::as_str).unwrap_or("");
            assert_eq!(
                r.postal_code().unwrap_or(""),
                postal,
                "{file}: postal code of {c}"
            );
            match (row.get("latitude"), row.get("longitude")) {
                (Some(lat), Some(lon)) if !lat.is_empty() => {
                    let (la, lo) = r.coordinates().unwrap();
                    assert!((f64::from(la) - lat.parse::<f64>().unwrap()).abs() < 1e-4);
                    assert!((f64::from(lo) - lon.parse::<f64>().unwrap()).abs() < 1e-4);
                }
                _ => assert_eq!(r.coordinates(), None, "{file}: coordinates of {c}"),
            }
        }
    }
    assert_eq!(total, t.len());
}

// ---------------------------------------------------------------- codes

#[test]
fn code_parse_accepts_dotted_and_undotted() {
    assert_eq!(code("62.71.01.1001").as_str(), "62.71.01.1001");
    assert_eq!(code("6271011001").as_str(), "62.71.01.1001");
    assert_eq!(code(" 627101 ").as_str(), "62.71.01");
    assert_eq!(code("6271"), code("62.71"));
    assert_eq!(code("62").level(), RegionLevel::Provinsi);
    assert_eq!(code("62.71").level(), RegionLevel::KabupatenKota);
    assert_eq!(code("62.71.01").level(), RegionLevel::Kecamatan);
    assert_eq!(code("62.71.01.1001").level(), RegionLevel::DesaKelurahan);
    assert_eq!(code("62.71.01.1001").to_string(), "62.71.01.1001");
    assert_eq!(code("62.71.01.1001").undotted(), "6271011001");
    assert_eq!("62.71".parse::<RegionCode>().unwrap(), code("6271"));
}

#[test]
fn code_parse_rejects_bad_input() {
    for bad in [
        "6",
        "62.7",
        "62.71.01.10011",
        "ab",
        "627",
        "62710",
        "62.71.1001",
        "62-71",
        "62.71.",
        "62 71",
        "62.71.01.1001.1",
        "x62",
    ] {
        let err = RegionCode::parse(bad).unwrap_err();
        assert!(matches!(err, RegionCodeError::Malformed(_)), "{bad:?}");
        assert!(err.to_string().contains("not a region code"));
    }
    assert_eq!(RegionCode::parse(""), Err(RegionCodeError::Empty));
}

#[test]
fn code_parent_and_is_within() {
    let kel = code("62.71.01.1001");
    assert_eq!(kel.parent(), Some(code("62.71.01")));
    assert_eq!(code("62.71").parent(), Some(code("62")));
    assert_eq!(code("62").parent(), None);

    assert!(kel.is_within(&code("62")));
    assert!(kel.is_within(&code("62.71")));
    assert!(kel.is_within(&code("62.71.01")));
    assert!(kel.is_within(&kel), "is_within is inclusive");
    assert!(!kel.is_descendant_of(&kel));
    assert!(kel.is_descendant_of(&code("62.71")));
    assert!(!kel.is_within(&code("62.71.02")));
    assert!(!kel.is_within(&code("62.03")));
    assert!(!kel.is_within(&code("61")));
    assert!(!code("62").is_within(&code("62.71")));
    // Same digits, different place: 62.71 is not within 62.7x-anything but itself.
    assert!(!code("62.71.01").is_within(&code("62.01")));
}

// ---------------------------------------------------------------- search

#[test]
fn search_palangka_raya_spelling_variants() {
    for q in [
        "Palangka Raya",
        "Palangkaraya",
        "palangka-raya",
        "PALANGKA RAYA",
        "  palangka   raya ",
        "Kota Palangka Raya",
        "kota palangkaraya",
        "Palangka.Raya",
    ] {
        assert_eq!(first(q), "62.71", "query {q:?}");
    }
}

#[test]
fn search_kapuas_with_regency_prefix() {
    for q in [
        "Kab. Kapuas",
        "Kabupaten Kapuas",
        "kab kapuas",
        "KAB.KAPUAS",
        "Kapuas",
    ] {
        assert_eq!(first(q), "62.03", "query {q:?}");
    }
    // Kapuas Hulu is also a kabupaten and ranks before the kecamatan named Kapuas.
    let found = regions().search("Kab. Kapuas", None, 3);
    assert_eq!(codes(&found), ["62.03", "61.06", "61.03.01"]);
}

#[test]
fn search_pahandut_with_level_hints() {
    let t = regions();
    for q in [
        "Kec. Pahandut",
        "kecamatan pahandut",
        "KEC PAHANDUT",
        "Pahandut",
    ] {
        assert_eq!(first(q), "62.71.01", "query {q:?}");
    }
    for q in ["Kel. Pahandut", "kelurahan pahandut", "kel pahandut"] {
        assert_eq!(first(q), "62.71.01.1001", "query {q:?}");
    }
    // The hint ranks the matching kind first but still lists the other Pahandut.
    let kel = t.search("Kel. Pahandut", None, 10);
    assert_eq!(
        codes(&kel),
        ["62.71.01.1001", "62.71.01.1005", "62.71.01"],
        "kelurahan Pahandut, kelurahan Pahandut Seberang, then the kecamatan"
    );
    let kec = t.search("Kec. Pahandut", None, 10);
    assert_eq!(codes(&kec)[0], "62.71.01");
    assert!(codes(&kec).contains(&"62.71.01.1001".to_owned()));
}

#[test]
fn search_hint_words_that_are_also_names() {
    // "Kota" is a hint, but villages literally called "Kota Baru" must still be found.
    let found = regions().search("Kota Baru", None, 20);
    assert!(
        found.iter().any(|r| r.name() == "Kota Baru"),
        "{:?}",
        codes(&found)
    );
    // "Desa" hint restricts ranking to desa: every top result is a desa.
    let found = regions().search("desa pahandut", None, 5);
    assert_eq!(
        codes(&found)[0],
        "62.71.01",
        "no desa matches, fall back to others"
    );
    let found = regions().search("Desa Keude Bakongan", None, 3);
    assert_eq!(codes(&found)[0], "11.01.01.2001");
}

#[test]
fn search_provinces_by_name_hint_and_alias() {
    for q in [
        "Kalimantan Tengah",
        "Provinsi Kalimantan Tengah",
        "prov. kalteng",
        "Kalteng",
    ] {
        assert_eq!(first(q), "62", "query {q:?}");
    }
    assert_eq!(first("Jawa Barat"), "32");
    assert_eq!(first("DKI Jakarta"), "31");
    assert_eq!(first("jakarta"), "31");
    assert_eq!(first("Jakarta Utara"), "31.72");
    assert_eq!(first("Kota Administrasi Jakarta Utara"), "31.72");
    assert_eq!(first("Kepulauan Siau Tagulandang Biaro"), "71.09");
    assert_eq!(first("Kab. Kep. Siau Tagulandang Biaro"), "71.09");
}

#[test]
fn search_ranks_exact_then_prefix_then_substring_then_level() {
    let t = regions();
    // "Jekan Raya" exact kecamatan before anything containing it.
    let found = t.search("jekan raya", None, 5);
    assert_eq!(codes(&found)[0], "62.71.03");
    // Higher level first among equally good matches: kecamatan Pahandut before kelurahan.
    let found = t.search("pahandut", None, 5);
    assert_eq!(codes(&found)[..2], ["62.71.01", "62.71.01.1001"]);
    // A prefix match outranks a substring match.
    let found = t.search("palangka", None, 50);
    let pos = |c: &str| found.iter().position(|r| r.code().as_str() == c).unwrap();
    assert!(
        pos("62.71.03.1001") < pos("62.71"),
        "kelurahan Palangka (exact) first"
    );
    // Ranked list is non-increasing in quality: exact matches come before non-exact.
    // "Sukamaju" and "Suka Maju" are the same normalised name.
    let squash = |r: &Region| r.name().to_lowercase().replace([' ', '-'], "");
    let found = t.search("Sukamaju", None, 200);
    let first_non_exact = found
        .iter()
        .position(|r| squash(r) != "sukamaju")
        .unwrap_or(found.len());
    assert!(first_non_exact > 10, "many villages are called Sukamaju");
    assert!(
        found[first_non_exact..]
            .iter()
            .all(|r| squash(r) != "sukamaju")
    );
    // Among exact matches: level, then name, then code.
    let levels: Vec<u8> = found[..first_non_exact]
        .iter()
        .map(|r| r.level().depth())
        .collect();
    assert!(levels.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn search_by_code() {
    let t = regions();
    assert_eq!(codes(&t.search("62.71", None, 10)), ["62.71"]);
    assert_eq!(codes(&t.search("6271011001", None, 10)), ["62.71.01.1001"]);
    assert_eq!(codes(&t.search(" 62.71.01 ", None, 10)), ["62.71.01"]);
    // Partial code: everything under 62.7x, the regency first.
    let found = t.search("627", None, 3);
    assert_eq!(codes(&found)[0], "62.71");
    assert!(found.iter().all(|r| r.code().undotted().starts_with("627")));
}

#[test]
fn search_within_restricts_to_descendants() {
    let t = regions();
    let kota = code("62.71");
    let found = t.search("pahandut", Some(&kota), 10);
    assert!(!found.is_empty());
    assert!(found.iter().all(|r| r.code().is_descendant_of(&kota)));
    // The Kapuas regency is not inside Kalimantan Barat.
    let found = t.search("Kab. Kapuas", Some(&code("61")), 10);
    assert_eq!(codes(&found)[0], "61.06");
    assert!(found.iter().all(|r| r.code().is_within(&code("61"))));
    // A code query outside `within` finds nothing.
    assert!(t.search("62.71", Some(&code("61")), 10).is_empty());
    assert!(
        t.search("62.71", Some(&kota), 10).is_empty(),
        "strict descendants"
    );
    // Unknown `within` finds nothing.
    assert!(t.search("pahandut", Some(&code("99")), 10).is_empty());
}

#[test]
fn search_with_comma_context_and_full_name_round_trip() {
    let t = regions();
    let found = t.search("Pahandut, Palangka Raya", None, 10);
    assert_eq!(codes(&found)[0], "62.71.01");
    assert!(found.iter().all(|r| r.code().is_within(&code("62.71"))));
    // full_name fed back into search finds the region first, for a sample across the table.
    for (i, r) in t.iter().enumerate().filter(|(i, _)| i % 997 == 0) {
        let name = t.full_name(r.code()).unwrap();
        let found = t.search(&name, None, 5);
        assert_eq!(
            found.first().map(|f| f.code()),
            Some(r.code()),
            "#{i} {name:?} -> {:?}",
            codes(&found)
        );
    }
}

#[test]
fn search_edge_cases() {
    let t = regions();
    assert!(t.search("", None, 10).is_empty());
    assert!(t.search("  ,. -", None, 10).is_empty());
    assert!(t.search("pahandut", None, 0).is_empty());
    assert!(t.search("zzzzqqqq", None, 10).is_empty());
    assert_eq!(t.search("a", None, 7).len(), 7);
    // Apostrophes do not matter.
    assert_eq!(first("Udek Duen"), "53.07.08.2019");
    assert_eq!(first("udek du'en"), "53.07.08.2019");
}

// ---------------------------------------------------------------- serde & API niceties

#[test]
fn labels_and_kinds() {
    let t = regions();
    assert_eq!(t.get(&code("62.71.01")).unwrap().label(), "Kec. Pahandut");
    assert_eq!(
        t.get(&code("62.71.01.1001")).unwrap().label(),
        "Kel. Pahandut"
    );
    assert_eq!(t.get(&code("62.71")).unwrap().label(), "Kota Palangkaraya");
    assert_eq!(t.get(&code("62")).unwrap().label(), "Kalimantan Tengah");
    // Desa adat names already carry "Desa Adat"; the label does not repeat it.
    let adat = t.get(&code("91.03.02.3003")).unwrap();
    assert_eq!(adat.kind(), RegionKind::DesaAdat);
    assert_eq!(adat.label(), "Desa Adat Ayapo");
    assert_eq!(first("Ayapo"), "91.03.02.3003");
    assert_eq!(first("Desa Adat Ayapo"), "91.03.02.3003");
    assert_eq!(RegionKind::DesaAdat.as_str(), "desa_adat");
    assert_eq!(RegionLevel::KabupatenKota.as_str(), "kabupaten_kota");
    assert!(RegionLevel::Provinsi < RegionLevel::DesaKelurahan);
}

#[test]
fn decode_rejects_garbage_and_a_private_copy_equals_the_shared_table() {
    assert!(RegionTable::decode(b"garbage").is_err());
    let copy = RegionTable::decode(embedded_data()).unwrap();
    assert_eq!(copy.counts(), regions().counts());
    assert!(copy.iter().eq(regions().iter()));
}

// ---------------------------------------------------------------- performance

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// `cargo test --release -p lapor-domain --test regions -- --ignored --nocapture perf`
#[test]
#[ignore = "timing report; run in release"]
fn perf_report() {
    let decode = median(
        (0..9)
            .map(|_| {
                let start = Instant::now();
                let t = RegionTable::decode(embedded_data()).unwrap();
                let e = start.elapsed();
                assert_eq!(t.len(), 91_599);
                e
            })
            .collect(),
    );
    println!("decode (inflate + parse + index): median {decode:?}");
    let t = regions();
    let mut worst = Duration::ZERO;
    for q in [
        "Palangka Raya",
        "Kab. Kapuas",
        "kecamatan pahandut",
        "a",
        "sukamaju",
        "Kel. Pahandut, Kec. Pahandut, Kota Palangkaraya, Kalimantan Tengah",
        "raya jekan",
        "627",
    ] {
        let m = median(
            (0..21)
                .map(|_| {
                    let start = Instant::now();
                    let found = t.search(q, None, 20);
                    let e = start.elapsed();
                    assert!(!found.is_empty());
                    e
                })
                .collect(),
        );
        worst = worst.max(m);
        println!("search {q:?}: median {m:?}");
    }
    if !cfg!(debug_assertions) {
        assert!(decode < Duration::from_millis(150), "decode {decode:?}");
        assert!(worst < Duration::from_millis(10), "search {worst:?}");
    }
}
