//! Public-service providers: ministries and agencies (K/L), regional governments (Pemda),
//! their units (OPD, kecamatan, kelurahan) and state or regional enterprises (BUMN/BUMD).

use serde::{Deserialize, Serialize};

use crate::region::{RegionCode, regions};
use crate::validation::{Problem, ValidationErrors, text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgencyKind {
    /// Kementerian.
    Kementerian,
    /// Lembaga: LPNK, LNS, and other national bodies.
    Lembaga,
    /// Pemerintah Provinsi.
    PemerintahProvinsi,
    /// Pemerintah Kabupaten.
    PemerintahKabupaten,
    /// Pemerintah Kota.
    PemerintahKota,
    /// Dinas / OPD.
    Dinas,
    /// Badan (regional agency).
    Badan,
    /// Kecamatan office.
    Kecamatan,
    /// Kelurahan or desa office.
    Kelurahan,
    /// Another unit: directorate, bureau, secretariat, hospital, …
    UnitKerja,
    /// Badan Usaha Milik Negara.
    Bumn,
    /// Badan Usaha Milik Daerah.
    Bumd,
}

impl AgencyKind {
    pub const ALL: [AgencyKind; 12] = [
        AgencyKind::Kementerian,
        AgencyKind::Lembaga,
        AgencyKind::PemerintahProvinsi,
        AgencyKind::PemerintahKabupaten,
        AgencyKind::PemerintahKota,
        AgencyKind::Dinas,
        AgencyKind::Badan,
        AgencyKind::Kecamatan,
        AgencyKind::Kelurahan,
        AgencyKind::UnitKerja,
        AgencyKind::Bumn,
        AgencyKind::Bumd,
    ];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            AgencyKind::Kementerian => "kementerian",
            AgencyKind::Lembaga => "lembaga",
            AgencyKind::PemerintahProvinsi => "pemerintah_provinsi",
            AgencyKind::PemerintahKabupaten => "pemerintah_kabupaten",
            AgencyKind::PemerintahKota => "pemerintah_kota",
            AgencyKind::Dinas => "dinas",
            AgencyKind::Badan => "badan",
            AgencyKind::Kecamatan => "kecamatan",
            AgencyKind::Kelurahan => "kelurahan",
            AgencyKind::UnitKerja => "unit_kerja",
            AgencyKind::Bumn => "bumn",
            AgencyKind::Bumd => "bumd",
        }
    }

    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Units live inside a parent agency and receive disposisi; the others receive routing.
    #[must_use]
    pub fn is_unit(self) -> bool {
        matches!(
            self,
            AgencyKind::Dinas
                | AgencyKind::Badan
                | AgencyKind::Kecamatan
                | AgencyKind::Kelurahan
                | AgencyKind::UnitKerja
        )
    }

    /// Whether an agency of this kind may sit under a parent of kind `parent`.
    #[must_use]
    pub fn may_have_parent(self, parent: AgencyKind) -> bool {
        match self {
            AgencyKind::Kelurahan => {
                matches!(parent, AgencyKind::Kecamatan) || parent.is_government()
            }
            k if k.is_unit() => !parent.is_unit() || parent == AgencyKind::UnitKerja,
            // BUMD belong to a regional government; other top-level bodies stand alone.
            AgencyKind::Bumd => parent.is_regional_government(),
            _ => false,
        }
    }

    #[must_use]
    pub fn is_regional_government(self) -> bool {
        matches!(
            self,
            AgencyKind::PemerintahProvinsi
                | AgencyKind::PemerintahKabupaten
                | AgencyKind::PemerintahKota
        )
    }

    #[must_use]
    pub fn is_government(self) -> bool {
        self.is_regional_government()
            || matches!(self, AgencyKind::Kementerian | AgencyKind::Lembaga)
    }
}

/// A validated agency to create. Its parent is given by code and resolved by the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAgency {
    /// Short stable identifier used in URLs, the API and imports, e.g. `pemkot-palangkaraya`.
    pub code: String,
    pub name: String,
    pub kind: AgencyKind,
    pub parent_code: Option<String>,
    /// Regions it serves; empty means the whole country (national bodies).
    pub regions: Vec<RegionCode>,
}

impl NewAgency {
    /// Checks the fields that need no other agency: code syntax, name, kind, regions.
    ///
    /// # Errors
    /// Every invalid field.
    pub fn validate(
        code: &str,
        name: &str,
        kind: &str,
        parent_code: Option<&str>,
        region_codes: &[&str],
    ) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let code = code.trim().to_lowercase();
        if code.is_empty() {
            errors.add("code", Problem::Required);
        } else if code.len() > 80
            || !code.chars().all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '.' | '_')
            })
        {
            errors.add("code", Problem::InvalidValue);
        }
        let name = text(&mut errors, "name", name, 2, 200);
        let kind = AgencyKind::from_code(kind.trim()).unwrap_or_else(|| {
            errors.add("kind", Problem::InvalidValue);
            AgencyKind::UnitKerja
        });
        let parent_code = parent_code
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_lowercase);
        if kind.is_unit() && parent_code.is_none() {
            errors.add("parent", Problem::Required);
        }
        let mut regions_out = Vec::new();
        for raw in region_codes
            .iter()
            .map(|r| r.trim())
            .filter(|r| !r.is_empty())
        {
            match RegionCode::parse(raw) {
                Ok(code) if regions().get(&code).is_some() => regions_out.push(code),
                Ok(_) => errors.add("regions", Problem::UnknownRegion),
                Err(_) => errors.add("regions", Problem::InvalidRegion),
            }
        }
        errors.into_result(Self {
            code,
            name,
            kind,
            parent_code,
            regions: regions_out,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_need_a_parent_and_codes_are_slugs() {
        let err = NewAgency::validate("Dinkes Kota!", "Dinas Kesehatan", "dinas", None, &[])
            .expect_err("invalid");
        assert_eq!(err.for_field("code"), Some(Problem::InvalidValue));
        assert_eq!(err.for_field("parent"), Some(Problem::Required));
        let ok = NewAgency::validate(
            "PEMKOT-PALANGKARAYA",
            "Pemerintah Kota Palangka Raya",
            "pemerintah_kota",
            None,
            &["62.71"],
        )
        .expect("valid");
        assert_eq!(ok.code, "pemkot-palangkaraya");
        assert_eq!(ok.regions[0].as_str(), "62.71");
    }

    #[test]
    fn unknown_kind_and_region_are_reported() {
        let err = NewAgency::validate("x", "Xyz", "partai", None, &["99.99"]).expect_err("invalid");
        assert_eq!(err.for_field("kind"), Some(Problem::InvalidValue));
        assert_eq!(err.for_field("regions"), Some(Problem::UnknownRegion));
    }

    #[test]
    fn tree_shape_rules() {
        assert!(AgencyKind::Dinas.may_have_parent(AgencyKind::PemerintahKota));
        assert!(AgencyKind::Kelurahan.may_have_parent(AgencyKind::Kecamatan));
        assert!(!AgencyKind::Dinas.may_have_parent(AgencyKind::Dinas));
        assert!(AgencyKind::Bumd.may_have_parent(AgencyKind::PemerintahProvinsi));
        assert!(!AgencyKind::Kementerian.may_have_parent(AgencyKind::Lembaga));
        for k in AgencyKind::ALL {
            assert_eq!(AgencyKind::from_code(k.code()), Some(k));
        }
    }
}
