//! Routing without history: the category (chosen by the reporter, or recognised from the
//! words) and the level of the report's place give the role of the competent agency. A new
//! deployment routes with these rules from day one; national admins edit them; the learned
//! model takes over as confirmed routings accumulate.

use std::sync::OnceLock;

use crate::text;

/// Where in the government a rule points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    /// A unit of the kota/kabupaten serving the place.
    Daerah,
    /// A unit of the province.
    Provinsi,
    /// A national body.
    Nasional,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Daerah, Level::Provinsi, Level::Nasional];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Level::Daerah => "daerah",
            Level::Provinsi => "provinsi",
            Level::Nasional => "nasional",
        }
    }

    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }
}

/// One rule: reports of `category` at `level` go to the agency whose role has the words of
/// `role_hint` ("perhubungan" matches "dinas perhubungan").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub category: String,
    pub level: Level,
    pub role_hint: String,
}

/// The rules a new deployment starts with: for each top-level category, the regional unit
/// first, then the national body (their roles as Indonesian agencies are named).
#[must_use]
pub fn default_rules() -> Vec<Rule> {
    const DEFAULTS: &[(&str, &str, &str)] = &[
        ("kesehatan", "kesehatan", "kementerian kesehatan"),
        ("kesehatan.bpjs", "kesehatan", "bpjs kesehatan"),
        ("pendidikan", "pendidikan", "kementerian pendidikan"),
        (
            "pekerjaan_umum",
            "pekerjaan umum",
            "kementerian pekerjaan umum",
        ),
        (
            "pekerjaan_umum.air_bersih",
            "air minum",
            "kementerian pekerjaan umum",
        ),
        ("perhubungan", "perhubungan", "kementerian perhubungan"),
        ("kependudukan", "kependudukan", "kementerian dalam negeri"),
        ("sosial", "sosial", "kementerian sosial"),
        (
            "lingkungan_hidup",
            "lingkungan hidup",
            "kementerian lingkungan hidup",
        ),
        (
            "ketertiban_umum",
            "polisi pamong praja",
            "kementerian dalam negeri",
        ),
        (
            "ketenagakerjaan",
            "tenaga kerja",
            "kementerian ketenagakerjaan",
        ),
        ("energi", "energi", "kementerian energi"),
        ("energi.listrik", "pln", "pln"),
        ("perizinan", "penanaman modal", "kementerian investasi"),
        (
            "kepegawaian",
            "kepegawaian",
            "kementerian pendayagunaan aparatur",
        ),
        ("pertanahan", "pertanahan", "kementerian agraria"),
        ("desa", "pemberdayaan masyarakat", "kementerian desa"),
        ("keuangan.pajak", "pendapatan", "kementerian keuangan"),
        (
            "komunikasi_informatika",
            "komunikasi",
            "kementerian komunikasi",
        ),
        ("pertanian", "pertanian", "kementerian pertanian"),
        ("pariwisata", "pariwisata", "kementerian pariwisata"),
        ("perdagangan", "perdagangan", "kementerian perdagangan"),
        (
            "hukum_ham.imigrasi",
            "imigrasi",
            "direktorat jenderal imigrasi",
        ),
        ("keamanan", "kepolisian", "kepolisian"),
    ];
    let mut rules = Vec::new();
    for (category, regional, national) in DEFAULTS {
        for (level, hint) in [
            (Level::Daerah, regional),
            (Level::Provinsi, regional),
            (Level::Nasional, national),
        ] {
            rules.push(Rule {
                category: (*category).to_owned(),
                level,
                role_hint: (*hint).to_owned(),
            });
        }
    }
    rules
}

/// Words that point to a category, Lapor's own list: the things citizens complain about, in
/// the words they use. Multi-word entries must appear as consecutive words.
const CATEGORY_WORDS: &[(&str, &[&str])] = &[
    (
        "perhubungan",
        &[
            "pju",
            "lampu pju",
            "lampu jalan",
            "penerangan jalan",
            "lampu merah",
            "traffic light",
            "apill",
            "lalu lintas",
            "parkir",
            "juru parkir",
            "jukir",
            "angkot",
            "angkutan umum",
            "terminal",
            "halte",
            "rambu",
            "marka",
            "zebra cross",
            "macet",
            "kemacetan",
            "bus",
            "ojek",
        ],
    ),
    (
        "pekerjaan_umum",
        &[
            "jalan rusak",
            "berlubang",
            "lubang",
            "aspal",
            "pengaspalan",
            "jembatan",
            "trotoar",
            "paving",
            "saluran",
            "drainase",
            "got",
            "gorong gorong",
            "box culvert",
            "banjir",
            "genangan",
            "tergenang",
            "plengsengan",
            "tanggul",
            "irigasi",
            "sungai",
        ],
    ),
    (
        "pekerjaan_umum.air_bersih",
        &[
            "pdam",
            "air bersih",
            "air mati",
            "air keruh",
            "meteran air",
            "air tidak mengalir",
        ],
    ),
    (
        "lingkungan_hidup",
        &[
            "sampah",
            "tps",
            "limbah",
            "pencemaran",
            "polusi",
            "bau busuk",
            "asap",
            "pohon",
            "ranting",
            "taman",
            "pembakaran",
            "kebersihan",
        ],
    ),
    (
        "kesehatan",
        &[
            "puskesmas",
            "rumah sakit",
            "rsud",
            "dokter",
            "bidan",
            "perawat",
            "obat",
            "pasien",
            "vaksin",
            "imunisasi",
            "stunting",
            "demam berdarah",
            "fogging",
            "ambulans",
        ],
    ),
    ("kesehatan.bpjs", &["bpjs kesehatan", "kis", "jkn", "bpjs"]),
    (
        "pendidikan",
        &[
            "sekolah", "guru", "murid", "siswa", "ppdb", "zonasi", "ijazah", "kip", "beasiswa",
            "sd", "smp", "sma", "smk", "paud", "seragam",
        ],
    ),
    (
        "kependudukan",
        &[
            "ktp",
            "e ktp",
            "kk",
            "kartu keluarga",
            "akta",
            "akte",
            "dukcapil",
            "nik",
            "kia",
            "pindah domisili",
            "surat pindah",
        ],
    ),
    (
        "sosial",
        &[
            "bansos",
            "bantuan sosial",
            "pkh",
            "bpnt",
            "blt",
            "dtks",
            "sembako",
            "lansia",
            "disabilitas",
            "odgj",
            "gelandangan",
            "pengemis",
            "anak jalanan",
            "miskin",
        ],
    ),
    (
        "ketertiban_umum",
        &[
            "pkl",
            "pedagang kaki lima",
            "satpol",
            "satpol pp",
            "bangunan liar",
            "reklame",
            "miras",
            "minuman keras",
            "balap liar",
            "judi",
            "karaoke",
            "tempat hiburan",
        ],
    ),
    (
        "ketenagakerjaan",
        &[
            "phk",
            "pesangon",
            "upah",
            "gaji",
            "thr",
            "buruh",
            "karyawan",
            "lowongan",
            "pencari kerja",
        ],
    ),
    (
        "energi.listrik",
        &["pln", "listrik", "token listrik", "mati lampu", "pemadaman"],
    ),
    (
        "energi",
        &[
            "lpg",
            "elpiji",
            "gas melon",
            "bbm",
            "solar",
            "pertalite",
            "spbu",
        ],
    ),
    (
        "perizinan",
        &[
            "izin",
            "ijin",
            "imb",
            "pbg",
            "oss",
            "nib",
            "perizinan",
            "slf",
        ],
    ),
    (
        "keuangan.pajak",
        &["pbb", "pajak", "bphtb", "retribusi", "njop"],
    ),
    (
        "pertanahan",
        &[
            "sertifikat tanah",
            "sertifikat",
            "tanah",
            "bpn",
            "ptsl",
            "sengketa tanah",
        ],
    ),
    (
        "kepegawaian",
        &["asn", "pns", "honorer", "pppk", "cpns", "pegawai"],
    ),
    (
        "komunikasi_informatika",
        &["internet", "wifi", "sinyal", "website", "aplikasi", "cctv"],
    ),
    (
        "desa",
        &[
            "dana desa",
            "kepala desa",
            "kades",
            "bumdes",
            "perangkat desa",
        ],
    ),
    (
        "pertanian",
        &[
            "pupuk", "petani", "sawah", "ternak", "hewan", "benih", "gabah",
        ],
    ),
    (
        "perdagangan",
        &[
            "pasar",
            "harga",
            "minyak goreng",
            "timbangan",
            "toko",
            "pedagang",
        ],
    ),
    (
        "keamanan",
        &[
            "sim",
            "stnk",
            "bpkb",
            "polisi",
            "pencurian",
            "begal",
            "tilang",
        ],
    ),
    ("hukum_ham.imigrasi", &["paspor", "imigrasi", "visa"]),
];

/// A category word list entry and its words in normal form.
type Entry = (&'static str, Vec<String>);

/// A category recognised from the words, with the words that showed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recognised {
    pub category: &'static str,
    pub words: Vec<String>,
}

/// Categories whose words occur in `words` (normalised), most evidence first. Multi-word
/// entries count double: "lampu jalan" says more than "lampu".
#[must_use]
pub fn recognise(words: &[String]) -> Vec<Recognised> {
    // The entries in normal form, once per process.
    static ENTRIES: OnceLock<Vec<(&'static str, Vec<Entry>)>> = OnceLock::new();
    let entries = ENTRIES.get_or_init(|| {
        CATEGORY_WORDS
            .iter()
            .map(|(category, list)| {
                let list = list
                    .iter()
                    .map(|entry| (*entry, text::words(entry)))
                    .filter(|(_, w)| !w.is_empty())
                    .collect();
                (*category, list)
            })
            .collect()
    });
    // Most entries' first word is absent: one set lookup rules them out.
    let present: std::collections::HashSet<
        &str,
        std::hash::BuildHasherDefault<crate::features::Fnv>,
    > = words.iter().map(String::as_str).collect();
    let mut found: Vec<(usize, Recognised)> = Vec::new();
    for (category, list) in entries {
        let mut score = 0;
        let mut shown = Vec::new();
        for (entry, entry_words) in list {
            if present.contains(entry_words[0].as_str())
                && words
                    .windows(entry_words.len())
                    .any(|w| w == entry_words.as_slice())
            {
                score += entry_words.len();
                shown.push((*entry).to_owned());
            }
        }
        if score > 0 {
            found.push((
                score,
                Recognised {
                    category,
                    words: shown,
                },
            ));
        }
    }
    found.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.category.cmp(b.1.category)));
    found.into_iter().map(|(_, r)| r).collect()
}

/// The rules for `category` at `level`, falling back to the parent category
/// (`kesehatan.bpjs` → `kesehatan`).
#[must_use]
pub fn rules_for<'a>(rules: &'a [Rule], category: &str, level: Level) -> Option<&'a Rule> {
    let mut current = Some(category);
    while let Some(c) = current {
        if let Some(rule) = rules.iter().find(|r| r.category == c && r.level == level) {
            return Some(rule);
        }
        current = c.rsplit_once('.').map(|(parent, _)| parent);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn street_lights_are_transport_and_potholes_public_works() {
        let r = recognise(&text::words("lampu PJU mati di Jl. Tjilik Riwut km 5"));
        assert_eq!(r[0].category, "perhubungan");
        assert_eq!(r[0].words, ["pju", "lampu pju"]);
        // A word of another category in passing does not outweigh the subject.
        let r = recognise(&text::words("lampu PJU mati, rawan begal"));
        assert_eq!(r[0].category, "perhubungan");
        let r = recognise(&text::words("jln rusak berlubang, aspal ngelupas"));
        assert_eq!(r[0].category, "pekerjaan_umum");
        assert!(recognise(&text::words("terima kasih atas perhatiannya")).is_empty());
    }

    #[test]
    fn subcategories_fall_back_to_their_parent() {
        let rules = default_rules();
        let rule = rules_for(&rules, "perhubungan.lalu_lintas", Level::Daerah)
            .map(|r| r.role_hint.as_str());
        assert_eq!(rule, Some("perhubungan"));
        assert!(rules_for(&rules, "tidak_ada", Level::Daerah).is_none());
        for rule in &rules {
            assert!(
                lapor_domain::category::find(&rule.category).is_some(),
                "{}",
                rule.category
            );
        }
    }
}
