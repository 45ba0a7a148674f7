//! The topic tree (kategori). Codes are dotted paths: `kesehatan`, `kesehatan.bpjs`.

/// One topic. Top-level topics have no parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Category {
    pub code: &'static str,
    pub name_id: &'static str,
    pub name_en: &'static str,
}

impl Category {
    #[must_use]
    pub fn parent_code(&self) -> Option<&'static str> {
        self.code.rsplit_once('.').map(|(parent, _)| parent)
    }

    #[must_use]
    pub fn name(&self, english: bool) -> &'static str {
        if english { self.name_en } else { self.name_id }
    }
}

macro_rules! categories {
    ($($code:literal => $id:literal, $en:literal;)*) => {
        /// The default tree, loaded into an empty database: the LAPOR! top-level topics
        /// (domain.md §2, §6) with the subtopics reported most.
        pub const DEFAULT: &[Category] = &[$(Category { code: $code, name_id: $id, name_en: $en }),*];
    };
}

categories! {
    "kesehatan" => "Kesehatan", "Health";
    "kesehatan.bpjs" => "BPJS Kesehatan dan JKN", "BPJS health insurance";
    "kesehatan.puskesmas_rumah_sakit" => "Puskesmas dan rumah sakit", "Clinics and hospitals";
    "pendidikan" => "Pendidikan", "Education";
    "pendidikan.ppdb" => "Penerimaan peserta didik baru", "School admissions";
    "pendidikan.bantuan_pendidikan" => "KIP dan bantuan pendidikan", "Education aid (KIP)";
    "pekerjaan_umum" => "Pekerjaan Umum dan Penataan Ruang", "Public works and spatial planning";
    "pekerjaan_umum.jalan_jembatan" => "Jalan dan jembatan", "Roads and bridges";
    "pekerjaan_umum.drainase_banjir" => "Drainase dan banjir", "Drainage and flooding";
    "pekerjaan_umum.air_bersih" => "Air bersih", "Clean water";
    "perhubungan" => "Perhubungan", "Transport";
    "perhubungan.lalu_lintas" => "Lalu lintas dan parkir", "Traffic and parking";
    "perhubungan.angkutan_umum" => "Angkutan umum", "Public transport";
    "kependudukan" => "Kependudukan dan Pencatatan Sipil", "Civil registration";
    "kependudukan.ktp_kk" => "KTP-el dan Kartu Keluarga", "ID cards and family cards";
    "kependudukan.akta" => "Akta kelahiran dan kematian", "Birth and death certificates";
    "sosial" => "Sosial", "Social affairs";
    "sosial.bansos" => "Bantuan sosial", "Social assistance";
    "lingkungan_hidup" => "Lingkungan Hidup dan Kehutanan", "Environment and forestry";
    "lingkungan_hidup.sampah" => "Sampah dan kebersihan", "Waste and cleanliness";
    "lingkungan_hidup.pencemaran" => "Pencemaran", "Pollution";
    "ketertiban_umum" => "Ketertiban Umum", "Public order";
    "ketenagakerjaan" => "Ketenagakerjaan", "Labour";
    "ketenagakerjaan.bpjs_ketenagakerjaan" => "BPJS Ketenagakerjaan", "BPJS employment insurance";
    "energi" => "Energi dan Sumber Daya Mineral", "Energy and mineral resources";
    "energi.listrik" => "Listrik", "Electricity";
    "energi.bbm_lpg" => "BBM dan LPG", "Fuel and LPG";
    "perizinan" => "Perizinan dan Investasi", "Permits and investment";
    "kepegawaian" => "Kepegawaian dan Aparatur", "Civil service";
    "pertanahan" => "Pertanahan", "Land affairs";
    "desa" => "Pembangunan Desa", "Village development";
    "desa.dana_desa" => "Dana desa", "Village funds";
    "keuangan" => "Ekonomi dan Keuangan", "Economy and finance";
    "keuangan.pajak" => "Pajak dan retribusi", "Taxes and levies";
    "komunikasi_informatika" => "Komunikasi dan Informatika", "Communications and IT";
    "pertanian" => "Pertanian dan Peternakan", "Agriculture and livestock";
    "pariwisata" => "Pariwisata dan Kebudayaan", "Tourism and culture";
    "hukum_ham" => "Hukum, HAM dan Imigrasi", "Law, human rights and immigration";
    "hukum_ham.imigrasi" => "Imigrasi dan paspor", "Immigration and passports";
    "keamanan" => "Keamanan dan Kepolisian", "Security and police services";
    "keamanan.sim_stnk" => "SIM, STNK dan BPKB", "Driving licences and vehicle papers";
    "perdagangan" => "Perdagangan dan Perlindungan Konsumen", "Trade and consumer protection";
    "lainnya" => "Topik Lainnya", "Other topics";
}

/// Looks up a category of the default tree by code.
#[must_use]
pub fn find(code: &str) -> Option<&'static Category> {
    DEFAULT.iter().find(|c| c.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_has_the_lapor_top_level_topics_and_every_parent_exists() {
        let top: Vec<_> = DEFAULT
            .iter()
            .filter(|c| c.parent_code().is_none())
            .collect();
        assert!(top.len() >= 19, "{}", top.len());
        for needed in [
            "kesehatan",
            "pendidikan",
            "pekerjaan_umum",
            "perhubungan",
            "kependudukan",
            "sosial",
            "lingkungan_hidup",
            "ketertiban_umum",
        ] {
            assert!(find(needed).is_some(), "{needed}");
        }
        for c in DEFAULT {
            if let Some(parent) = c.parent_code() {
                assert!(find(parent).is_some(), "{} has no parent", c.code);
            }
        }
        let unique: std::collections::HashSet<_> = DEFAULT.iter().map(|c| c.code).collect();
        assert_eq!(unique.len(), DEFAULT.len());
    }
}
