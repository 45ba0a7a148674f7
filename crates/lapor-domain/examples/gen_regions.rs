//! Generator for `crates/lapor-domain/data/regions.bin`, the embedded Kemendagri region table.
//!
//! ```text
//! cargo run -p lapor-domain --example gen_regions -- /work/shared/data/regions crates/lapor-domain/data/regions.bin
//! ```
//!
//! Reads `provinces.csv`, `regencies.csv`, `districts.csv` and `villages.csv` from the source
//! directory (see its `PROVENANCE.md`), validates them, and writes the project's own compact
//! format: a pre-order walk of the region tree (a structure section, then all names), zlib
//! compressed with `miniz_oxide`.
//! The byte layout is specified in `src/region/codec.rs`; keep the two in sync (the
//! `tests/regions.rs` round-trip test checks every CSV row against the decoded table).
//!
//! Only the generator and the tests ever read the CSVs; the product embeds the output file.

use std::collections::BTreeMap;
use std::error::Error;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// `b"LAPORRG1"`: must match `MAGIC` in `src/region/codec.rs`.
const MAGIC: &[u8; 8] = b"LAPORRG1";

// Kind numbers: must match `RegionKind::from_index` in `src/region/codec.rs`.
const KIND_PROVINSI: u8 = 0;
const KIND_KABUPATEN: u8 = 1;
const KIND_KOTA: u8 = 2;
const KIND_KECAMATAN: u8 = 3;
const KIND_KELURAHAN: u8 = 4;
const KIND_DESA: u8 = 5;
const KIND_DESA_ADAT: u8 = 6;

const FLAG_COORDS: u8 = 1 << 3;
const POSTAL_SAME: u8 = 1 << 4;
const POSTAL_DELTA: u8 = 2 << 4;

type Result<T> = std::result::Result<T, Box<dyn Error>>;

#[derive(Deserialize)]
struct ProvinceRow {
    code: String,
    name: String,
    latitude: String,
    longitude: String,
}

#[derive(Deserialize)]
struct RegencyRow {
    code: String,
    province_code: String,
    name: String,
    #[serde(rename = "type")]
    kind: String,
    latitude: String,
    longitude: String,
}

#[derive(Deserialize)]
struct DistrictRow {
    code: String,
    regency_code: String,
    name: String,
}

#[derive(Deserialize)]
struct VillageRow {
    code: String,
    district_code: String,
    name: String,
    #[serde(rename = "type")]
    kind: String,
    postal_code: String,
}

/// One node of the region tree, as it will be written.
struct Node {
    /// Numeric value of this node's own code segment (`71` for `62.71`).
    segment: u32,
    kind: u8,
    name: String,
    coords: Option<(f32, f32)>,
    postal: Option<u32>,
    children: BTreeMap<u32, Node>,
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [src, out] = args.as_slice() else {
        return Err("usage: gen_regions <source-dir-with-csvs> <output regions.bin>".into());
    };
    let src = PathBuf::from(src);

    let (tree, counts) = build_tree(&src)?;
    let raw = encode(&tree, counts)?;
    let packed = miniz_oxide::deflate::compress_to_vec_zlib(&raw, 10);
    fs::write(out, &packed)?;
    println!(
        "regions: {} provinces, {} regencies, {} districts, {} villages",
        counts[0], counts[1], counts[2], counts[3]
    );
    println!(
        "wrote {out}: {} bytes compressed ({} bytes uncompressed)",
        packed.len(),
        raw.len()
    );
    Ok(())
}

fn read_csv<T: for<'de> Deserialize<'de>>(dir: &Path, file: &str) -> Result<Vec<T>> {
    let path = dir.join(file);
    let mut reader =
        csv::Reader::from_path(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut rows = Vec::new();
    for row in reader.deserialize() {
        rows.push(row.map_err(|e| format!("{}: {e}", path.display()))?);
    }
    Ok(rows)
}

/// Splits a dotted code into numeric segments and checks the segment widths (2/2/2/4 digits).
fn segments(code: &str, depth: usize) -> Result<Vec<u32>> {
    const WIDTHS: [usize; 4] = [2, 2, 2, 4];
    let parts: Vec<&str> = code.split('.').collect();
    if parts.len() != depth {
        return Err(format!("code {code:?}: expected {depth} segments").into());
    }
    parts
        .iter()
        .zip(WIDTHS)
        .map(|(part, width)| {
            if part.len() == width && part.bytes().all(|b| b.is_ascii_digit()) {
                Ok(part.parse::<u32>()?)
            } else {
                Err(format!("code {code:?}: bad segment {part:?}").into())
            }
        })
        .collect()
}

/// The region name as stored: surrounding whitespace trimmed (a handful of source names carry a
/// trailing space, e.g. "Kota Administrasi Jakarta Utara "), otherwise verbatim.
fn clean_name(name: &str, code: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.len() > 255 || name.chars().any(char::is_control) {
        return Err(format!("code {code}: unusable name {name:?}").into());
    }
    Ok(name.to_owned())
}

fn coords(lat: &str, lon: &str, code: &str) -> Result<Option<(f32, f32)>> {
    match (lat.trim(), lon.trim()) {
        ("", "") => Ok(None),
        (lat, lon) => {
            let lat: f32 = lat
                .parse()
                .map_err(|e| format!("code {code}: latitude: {e}"))?;
            let lon: f32 = lon
                .parse()
                .map_err(|e| format!("code {code}: longitude: {e}"))?;
            if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
                return Err(format!("code {code}: coordinates out of range").into());
            }
            Ok(Some((lat, lon)))
        }
    }
}

fn postal(value: &str, code: &str) -> Result<Option<u32>> {
    match value.trim() {
        "" => Ok(None),
        v if v.len() == 5 && v.bytes().all(|b| b.is_ascii_digit()) && !v.starts_with('0') => {
            Ok(Some(v.parse()?))
        }
        v => Err(format!("code {code}: postal code {v:?} is not 5 digits").into()),
    }
}

fn node(segment: u32, kind: u8, name: String) -> Node {
    Node {
        segment,
        kind,
        name,
        coords: None,
        postal: None,
        children: BTreeMap::new(),
    }
}

/// Looks up the node for `path` (numeric segments) in the tree.
fn find<'a>(tree: &'a mut BTreeMap<u32, Node>, path: &[u32]) -> Option<&'a mut Node> {
    let (first, rest) = path.split_first()?;
    let mut current = tree.get_mut(first)?;
    for seg in rest {
        current = current.children.get_mut(seg)?;
    }
    Some(current)
}

fn insert(
    tree: &mut BTreeMap<u32, Node>,
    code: &str,
    parent: &str,
    depth: usize,
    n: Node,
) -> Result<()> {
    let segs = segments(code, depth)?;
    let (own, parent_segs) = segs.split_last().ok_or("empty code")?;
    let expected_parent = code.rsplit_once('.').map_or("", |(p, _)| p);
    if parent != expected_parent {
        return Err(
            format!("code {code}: parent column {parent:?} does not match the code").into(),
        );
    }
    let siblings = if parent_segs.is_empty() {
        tree
    } else {
        &mut find(tree, parent_segs)
            .ok_or_else(|| format!("code {code}: parent {parent} does not exist"))?
            .children
    };
    if siblings.insert(*own, n).is_some() {
        return Err(format!("code {code}: duplicate").into());
    }
    Ok(())
}

fn build_tree(src: &Path) -> Result<(BTreeMap<u32, Node>, [usize; 4])> {
    let provinces: Vec<ProvinceRow> = read_csv(src, "provinces.csv")?;
    let regencies: Vec<RegencyRow> = read_csv(src, "regencies.csv")?;
    let districts: Vec<DistrictRow> = read_csv(src, "districts.csv")?;
    let villages: Vec<VillageRow> = read_csv(src, "villages.csv")?;
    let counts = [
        provinces.len(),
        regencies.len(),
        districts.len(),
        villages.len(),
    ];

    let mut tree = BTreeMap::new();
    for r in &provinces {
        let seg = segments(&r.code, 1)?[0];
        let mut n = node(seg, KIND_PROVINSI, clean_name(&r.name, &r.code)?);
        n.coords = coords(&r.latitude, &r.longitude, &r.code)?;
        insert(&mut tree, &r.code, "", 1, n)?;
    }
    for r in &regencies {
        let kind = match r.kind.as_str() {
            "kabupaten" => KIND_KABUPATEN,
            "kota" => KIND_KOTA,
            other => return Err(format!("code {}: unknown regency type {other:?}", r.code).into()),
        };
        let seg = segments(&r.code, 2)?[1];
        let mut n = node(seg, kind, clean_name(&r.name, &r.code)?);
        n.coords = coords(&r.latitude, &r.longitude, &r.code)?;
        insert(&mut tree, &r.code, &r.province_code, 2, n)?;
    }
    for r in &districts {
        let seg = segments(&r.code, 3)?[2];
        let n = node(seg, KIND_KECAMATAN, clean_name(&r.name, &r.code)?);
        insert(&mut tree, &r.code, &r.regency_code, 3, n)?;
    }
    for r in &villages {
        let kind = match r.kind.as_str() {
            "kelurahan" => KIND_KELURAHAN,
            "desa" => KIND_DESA,
            "desa_adat" => KIND_DESA_ADAT,
            other => return Err(format!("code {}: unknown village type {other:?}", r.code).into()),
        };
        let seg = segments(&r.code, 4)?[3];
        let mut n = node(seg, kind, clean_name(&r.name, &r.code)?);
        n.postal = postal(&r.postal_code, &r.code)?;
        insert(&mut tree, &r.code, &r.district_code, 4, n)?;
    }
    Ok((tree, counts))
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Zigzag-encodes a signed delta so small magnitudes give small varints.
fn zigzag(d: i64) -> u64 {
    ((d << 1) ^ (d >> 63)) as u64
}

struct Encoder {
    /// The structure section: codes, kinds, coordinates, postal codes, child counts.
    tree: Vec<u8>,
    /// The names section: every name followed by `\n`, in the same pre-order.
    names: Vec<u8>,
    last_postal: Option<u32>,
}

impl Encoder {
    fn siblings(&mut self, nodes: &BTreeMap<u32, Node>, depth: usize) -> Result<()> {
        let mut prev: Option<u32> = None;
        for n in nodes.values() {
            // Gap to the previous sibling minus one (so consecutive codes encode as 0); the first
            // sibling stores its own value.
            let gap = match prev {
                None => n.segment,
                Some(p) => n.segment - p - 1,
            };
            prev = Some(n.segment);
            put_varint(&mut self.tree, u64::from(gap));

            let mut flags = n.kind;
            if n.coords.is_some() {
                flags |= FLAG_COORDS;
            }
            if depth == 4 {
                match n.postal {
                    None => {}
                    Some(p) if Some(p) == self.last_postal => flags |= POSTAL_SAME,
                    Some(_) => flags |= POSTAL_DELTA,
                }
            } else if n.postal.is_some() {
                return Err("postal codes are only stored for villages".into());
            }
            self.tree.push(flags);
            if let Some((lat, lon)) = n.coords {
                self.tree.extend_from_slice(&lat.to_le_bytes());
                self.tree.extend_from_slice(&lon.to_le_bytes());
            }
            if let Some(p) = n.postal {
                if flags & POSTAL_DELTA != 0 {
                    let base = self.last_postal.unwrap_or(0);
                    put_varint(&mut self.tree, zigzag(i64::from(p) - i64::from(base)));
                }
                self.last_postal = Some(p);
            }
            self.names.extend_from_slice(n.name.as_bytes());
            self.names.push(b'\n');
            if depth < 4 {
                put_varint(&mut self.tree, n.children.len() as u64);
                self.siblings(&n.children, depth + 1)?;
            } else if !n.children.is_empty() {
                return Err("villages cannot have children".into());
            }
        }
        Ok(())
    }
}

/// The uncompressed payload: magic, counts, structure section length, structure, names.
fn encode(tree: &BTreeMap<u32, Node>, counts: [usize; 4]) -> Result<Vec<u8>> {
    let mut enc = Encoder {
        tree: Vec::with_capacity(1 << 20),
        names: Vec::with_capacity(1 << 20),
        last_postal: None,
    };
    enc.siblings(tree, 1)?;
    let mut out = Vec::with_capacity(enc.tree.len() + enc.names.len() + 32);
    out.extend_from_slice(MAGIC);
    for c in counts {
        put_varint(&mut out, c as u64);
    }
    put_varint(&mut out, enc.tree.len() as u64);
    out.extend_from_slice(&enc.tree);
    out.extend_from_slice(&enc.names);
    Ok(out)
}
