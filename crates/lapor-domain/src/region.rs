//! Indonesian administrative regions (Kemendagri codes), compiled into the binary.
//!
//! The table holds all 38 provinsi, 514 kabupaten/kota, 7,285 kecamatan and 83,762
//! desa/kelurahan of Kepmendagri No. 300.2.2-2430 Tahun 2025, with rough lat/lon for provinces
//! and regencies and (possibly outdated) postal codes for villages. See
//! `data/REGIONS-ATTRIBUTION.md` for sources and licences, and [`codec`] for the embedded format.
//!
//! ```
//! use lapor_domain::region::{regions, RegionCode};
//!
//! let table = regions();
//! let kota = RegionCode::parse("6271").unwrap();
//! assert_eq!(table.get(&kota).unwrap().name(), "Kota Palangkaraya");
//! assert_eq!(table.search("palangka raya", None, 5)[0].code(), &kota);
//! assert_eq!(
//!     table.full_name(&RegionCode::parse("62.71.01.1001").unwrap()).unwrap(),
//!     "Kel. Pahandut, Kec. Pahandut, Kota Palangkaraya, Kalimantan Tengah"
//! );
//! ```

use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;

use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};

mod code;
pub mod codec;
mod search;
mod table;

pub use code::{RegionCode, RegionCodeError};
pub use codec::RegionDataError;
pub use table::RegionTable;

/// The compressed region table produced by `examples/gen_regions.rs`.
static EMBEDDED: &[u8] = include_bytes!("../data/regions.bin");

/// The embedded region table, decoded on first use and shared for the life of the process.
pub fn regions() -> &'static RegionTable {
    static TABLE: OnceLock<RegionTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        RegionTable::decode(EMBEDDED).expect("embedded data/regions.bin is a valid region table")
    })
}

/// The raw embedded bytes (zlib-compressed), e.g. for decoding a private copy with
/// [`RegionTable::decode`] or for reporting the data size.
pub fn embedded_data() -> &'static [u8] {
    EMBEDDED
}

/// Administrative level. Ordered from the top (`Provinsi`) down.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionLevel {
    Provinsi,
    KabupatenKota,
    Kecamatan,
    DesaKelurahan,
}

impl RegionLevel {
    /// All levels, top down.
    pub const ALL: [RegionLevel; 4] = [
        RegionLevel::Provinsi,
        RegionLevel::KabupatenKota,
        RegionLevel::Kecamatan,
        RegionLevel::DesaKelurahan,
    ];

    /// 1 for provinsi … 4 for desa/kelurahan (the number of code segments).
    pub fn depth(self) -> u8 {
        match self {
            RegionLevel::Provinsi => 1,
            RegionLevel::KabupatenKota => 2,
            RegionLevel::Kecamatan => 3,
            RegionLevel::DesaKelurahan => 4,
        }
    }

    /// Position in [`RegionLevel::ALL`] and in [`RegionTable::counts`].
    pub fn index(self) -> usize {
        usize::from(self.depth() - 1)
    }

    /// The serde name (`"kabupaten_kota"`).
    pub fn as_str(self) -> &'static str {
        match self {
            RegionLevel::Provinsi => "provinsi",
            RegionLevel::KabupatenKota => "kabupaten_kota",
            RegionLevel::Kecamatan => "kecamatan",
            RegionLevel::DesaKelurahan => "desa_kelurahan",
        }
    }

    /// Human label in Indonesian (`"Kabupaten/Kota"`).
    pub fn label(self) -> &'static str {
        match self {
            RegionLevel::Provinsi => "Provinsi",
            RegionLevel::KabupatenKota => "Kabupaten/Kota",
            RegionLevel::Kecamatan => "Kecamatan",
            RegionLevel::DesaKelurahan => "Desa/Kelurahan",
        }
    }
}

impl fmt::Display for RegionLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The kind of region, finer than [`RegionLevel`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionKind {
    Provinsi,
    Kabupaten,
    Kota,
    Kecamatan,
    Kelurahan,
    Desa,
    DesaAdat,
}

impl RegionKind {
    /// The level this kind of region sits at.
    pub fn level(self) -> RegionLevel {
        match self {
            RegionKind::Provinsi => RegionLevel::Provinsi,
            RegionKind::Kabupaten | RegionKind::Kota => RegionLevel::KabupatenKota,
            RegionKind::Kecamatan => RegionLevel::Kecamatan,
            RegionKind::Kelurahan | RegionKind::Desa | RegionKind::DesaAdat => {
                RegionLevel::DesaKelurahan
            }
        }
    }

    /// The serde name (`"desa_adat"`).
    pub fn as_str(self) -> &'static str {
        match self {
            RegionKind::Provinsi => "provinsi",
            RegionKind::Kabupaten => "kabupaten",
            RegionKind::Kota => "kota",
            RegionKind::Kecamatan => "kecamatan",
            RegionKind::Kelurahan => "kelurahan",
            RegionKind::Desa => "desa",
            RegionKind::DesaAdat => "desa_adat",
        }
    }

    /// Human label in Indonesian (`"Desa Adat"`).
    pub fn label(self) -> &'static str {
        match self {
            RegionKind::Provinsi => "Provinsi",
            RegionKind::Kabupaten => "Kabupaten",
            RegionKind::Kota => "Kota",
            RegionKind::Kecamatan => "Kecamatan",
            RegionKind::Kelurahan => "Kelurahan",
            RegionKind::Desa => "Desa",
            RegionKind::DesaAdat => "Desa Adat",
        }
    }

    /// Prefix put before the name in [`Region::label`]: `"Kec."`, `"Kel."`, `"Desa"`,
    /// `"Desa Adat"`. `None` for provinces and regencies (regency names already start with
    /// "Kabupaten"/"Kota"). The source names of the 14 desa adat already start with
    /// "Desa Adat", so the label does not repeat it.
    pub fn name_prefix(self) -> Option<&'static str> {
        match self {
            RegionKind::Provinsi | RegionKind::Kabupaten | RegionKind::Kota => None,
            RegionKind::Kecamatan => Some("Kec."),
            RegionKind::Kelurahan => Some("Kel."),
            RegionKind::Desa => Some("Desa"),
            RegionKind::DesaAdat => Some("Desa Adat"),
        }
    }
}

impl fmt::Display for RegionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One region of the table. Obtained as `&'static Region` from [`regions()`].
///
/// Serialises as
/// `{"code","name","kind","level","parent","latitude","longitude","postal_code"}`
/// (absent values as `null`).
#[derive(Clone, Debug, PartialEq)]
pub struct Region {
    pub(crate) code: RegionCode,
    pub(crate) name: Box<str>,
    pub(crate) kind: RegionKind,
    pub(crate) parent: Option<RegionCode>,
    pub(crate) coordinates: Option<(f32, f32)>,
    /// Five ASCII digits.
    pub(crate) postal_code: Option<[u8; 5]>,
}

impl Region {
    /// The region's code.
    pub fn code(&self) -> &RegionCode {
        &self.code
    }

    /// The official name as in the source, e.g. `"Pahandut"`, `"Kota Palangkaraya"`,
    /// `"Kalimantan Tengah"` (surrounding whitespace trimmed).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Provinsi, kabupaten, kota, kecamatan, kelurahan, desa or desa adat.
    pub fn kind(&self) -> RegionKind {
        self.kind
    }

    /// The administrative level (same as `self.code().level()`).
    pub fn level(&self) -> RegionLevel {
        self.kind.level()
    }

    /// The parent region's code; `None` for provinces.
    pub fn parent(&self) -> Option<&RegionCode> {
        self.parent.as_ref()
    }

    /// Display label: `"Kec. Pahandut"`, `"Kel. Pahandut"`, `"Desa Tumbang Talaken"`,
    /// `"Kota Palangkaraya"`, `"Kalimantan Tengah"`.
    pub fn label(&self) -> Cow<'_, str> {
        match self.kind.name_prefix() {
            None => Cow::Borrowed(&self.name),
            // "Desa Adat Ayapo" is already a full label.
            Some(prefix)
                if self.kind == RegionKind::DesaAdat
                    && self
                        .name
                        .strip_prefix(prefix)
                        .is_some_and(|r| r.starts_with(' ')) =>
            {
                Cow::Borrowed(&self.name)
            }
            Some(prefix) => Cow::Owned(format!("{prefix} {}", self.name)),
        }
    }

    /// Rough map-centre hint (latitude, longitude), provinces and regencies only. For provinces
    /// it is about the capital; for regencies an approximate centre. Not a centroid.
    pub fn coordinates(&self) -> Option<(f32, f32)> {
        self.coordinates
    }

    /// Latitude of [`coordinates`](Self::coordinates).
    pub fn latitude(&self) -> Option<f32> {
        self.coordinates.map(|(lat, _)| lat)
    }

    /// Longitude of [`coordinates`](Self::coordinates).
    pub fn longitude(&self) -> Option<f32> {
        self.coordinates.map(|(_, lon)| lon)
    }

    /// Five-digit postal code, villages only. From a ca. 2020 scrape, so it may be outdated
    /// and is missing for about 7 % of villages.
    pub fn postal_code(&self) -> Option<&str> {
        self.postal_code.as_ref().map(|p| {
            std::str::from_utf8(p).expect("postal codes are checked to be ASCII digits at decode")
        })
    }
}

impl fmt::Display for Region {
    /// The [`label`](Region::label).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

impl Serialize for Region {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Region", 8)?;
        s.serialize_field("code", &self.code)?;
        s.serialize_field("name", &*self.name)?;
        s.serialize_field("kind", &self.kind)?;
        s.serialize_field("level", &self.level())?;
        s.serialize_field("parent", &self.parent)?;
        s.serialize_field("latitude", &self.latitude())?;
        s.serialize_field("longitude", &self.longitude())?;
        s.serialize_field("postal_code", &self.postal_code())?;
        s.end()
    }
}
