//! Indonesian first, English second: every text a user reads, in one table.
//!
//! Strings are compiled in and reached through methods on [`Tr`], so a template that asks
//! for a missing text does not compile. (Chosen over Fluent files: two languages, no
//! plural forms in Indonesian, and typos caught by the compiler.)

use lapor_domain::validation::Problem;

/// The two languages Lapor speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Id,
    En,
}

impl Lang {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        match code.trim().to_ascii_lowercase().as_str() {
            "id" | "in" => Some(Lang::Id),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The first of `id`/`en` named in an `Accept-Language` header, in the client's order.
    #[must_use]
    pub fn from_accept_language(header: &str) -> Option<Self> {
        header
            .split(',')
            .filter_map(|part| part.split(';').next())
            .find_map(|tag| Self::from_code(tag.split('-').next().unwrap_or("")))
    }

    #[must_use]
    pub fn other(self) -> Self {
        match self {
            Lang::Id => Lang::En,
            Lang::En => Lang::Id,
        }
    }
}

macro_rules! texts {
    ($($key:ident: $id:literal, $en:literal;)*) => {
        /// The texts of one language.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
        pub struct Tr(pub Lang);

        impl Tr {
            $(
                #[must_use]
                pub fn $key(&self) -> &'static str {
                    match self.0 {
                        Lang::Id => $id,
                        Lang::En => $en,
                    }
                }
            )*
        }
    };
}

texts! {
    // Frame.
    nav_home: "Beranda", "Home";
    nav_report: "Buat laporan", "File a report";
    nav_track: "Lacak laporan", "Track a report";
    nav_public: "Laporan publik", "Public reports";
    nav_my_reports: "Laporan saya", "My reports";
    nav_login: "Masuk", "Log in";
    nav_logout: "Keluar", "Log out";
    nav_other_language: "English", "Bahasa Indonesia";
    footer: "Lapor — Sistem Pengelolaan Pengaduan Pelayanan Publik Nasional. Kode wilayah: Kepmendagri No. 300.2.2-2430 Tahun 2025.", "Lapor — national public-service complaint system. Region codes: Kepmendagri No. 300.2.2-2430/2025.";
    home_title: "Sampaikan laporan Anda", "Make yourself heard";
    home_intro: "Laporkan masalah pelayanan publik, sampaikan aspirasi, atau minta informasi. Laporan Anda diteruskan ke instansi yang berwenang.", "Report a public-service problem, share an aspiration, or request information. Your report goes to the agency in charge.";
    // Problems (API and forms).
    problem_invalid_title: "Isian tidak valid", "Invalid input";
    problem_invalid_detail: "Periksa kembali isian yang ditandai.", "Please check the marked fields.";
    problem_malformed_json: "JSON tidak dapat dibaca", "Malformed JSON";
    problem_content_type: "Jenis konten harus application/json", "Content type must be application/json";
    problem_too_large: "Permintaan terlalu besar", "Request too large";
    problem_not_found: "Tidak ditemukan", "Not found";
    problem_not_found_detail: "Data yang diminta tidak ada atau tidak dapat ditampilkan.", "The requested record does not exist or cannot be shown.";
    problem_tracking_not_found: "Kode pelacakan tidak ditemukan. Periksa kembali kode Anda.", "Tracking code not found. Please check your code.";
    problem_idempotency_reused: "Idempotency-Key sudah dipakai untuk permintaan lain", "Idempotency-Key was already used for a different request";
    problem_idempotency_invalid: "Idempotency-Key harus 1–255 karakter ASCII yang terlihat", "Idempotency-Key must be 1–255 visible ASCII characters";
    problem_internal: "Terjadi gangguan pada server. Laporan Anda tidak tersimpan; silakan coba lagi.", "Something went wrong on the server. Nothing was stored; please try again.";
    problem_conflict: "Data berubah saat diproses. Muat ulang lalu coba lagi.", "The record changed meanwhile. Reload and try again.";
    problem_forbidden: "Anda tidak berwenang melakukan tindakan ini.", "You are not allowed to do this.";
    problem_login_failed: "Email/nomor HP atau kata sandi salah.", "Wrong e-mail/phone number or password.";
    problem_csrf: "Formulir kedaluwarsa. Muat ulang halaman lalu kirim lagi.", "The form has expired. Reload the page and send it again.";
}

impl Tr {
    /// A field's label in messages.
    #[must_use]
    pub fn field(&self, field: &str) -> &'static str {
        let (id, en) = match field {
            "classification" => ("Klasifikasi", "Classification"),
            "title" => ("Judul", "Title"),
            "body" => ("Isi laporan", "Report text"),
            "incident_date" => ("Tanggal kejadian", "Incident date"),
            "region_code" | "region" | "regions" => ("Lokasi (wilayah)", "Location (region)"),
            "address" => ("Alamat", "Address"),
            "latitude" => ("Lintang", "Latitude"),
            "longitude" => ("Bujur", "Longitude"),
            "category" => ("Kategori", "Category"),
            "agency" => ("Instansi tujuan", "Target agency"),
            "reporter.name" | "name" => ("Nama", "Name"),
            "reporter.email" | "email" => ("Email", "E-mail"),
            "reporter.phone" | "phone" => ("Nomor HP", "Phone number"),
            "password" => ("Kata sandi", "Password"),
            "status" => ("Status", "Status"),
            "page" | "per_page" => ("Halaman", "Page"),
            "code" => ("Kode", "Code"),
            "parent" => ("Induk", "Parent"),
            "kind" => ("Jenis", "Kind"),
            _ => ("Isian", "Field"),
        };
        if self.0 == Lang::En { en } else { id }
    }

    /// A full sentence explaining `problem` on `field`.
    #[must_use]
    pub fn problem(&self, field: &str, problem: Problem) -> String {
        let label = self.field(field);
        let en = self.0 == Lang::En;
        match problem {
            Problem::Required if en => format!("{label} is required."),
            Problem::Required => format!("{label} wajib diisi."),
            Problem::TooShort { min } if en => format!("{label} must be at least {min} characters."),
            Problem::TooShort { min } => format!("{label} minimal {min} karakter."),
            Problem::TooLong { max } if en => format!("{label} may be at most {max} characters."),
            Problem::TooLong { max } => format!("{label} maksimal {max} karakter."),
            Problem::InvalidChars if en => format!("{label} contains characters that are not allowed."),
            Problem::InvalidChars => format!("{label} berisi karakter yang tidak diizinkan."),
            Problem::InvalidDate if en => format!("{label} must be a date written YYYY-MM-DD."),
            Problem::InvalidDate => format!("{label} harus berupa tanggal dengan format TTTT-BB-HH."),
            Problem::FutureDate if en => format!("{label} cannot be in the future."),
            Problem::FutureDate => format!("{label} tidak boleh di masa depan."),
            Problem::TooOld if en => format!("{label} is too far in the past."),
            Problem::TooOld => format!("{label} terlalu jauh di masa lalu."),
            Problem::InvalidEmail if en => "The e-mail address is not valid.".to_owned(),
            Problem::InvalidEmail => "Alamat email tidak valid.".to_owned(),
            Problem::InvalidPhone if en => "Enter an Indonesian mobile number, e.g. 0812 3456 7890.".to_owned(),
            Problem::InvalidPhone => "Masukkan nomor HP Indonesia, misalnya 0812 3456 7890.".to_owned(),
            Problem::InvalidRegion if en => "A region code looks like 62, 62.71, 62.71.01 or 62.71.01.1001.".to_owned(),
            Problem::InvalidRegion => "Kode wilayah berbentuk 62, 62.71, 62.71.01 atau 62.71.01.1001.".to_owned(),
            Problem::UnknownRegion if en => "This region code does not exist.".to_owned(),
            Problem::UnknownRegion => "Kode wilayah tidak terdaftar.".to_owned(),
            Problem::UnknownCategory if en => "This category does not exist.".to_owned(),
            Problem::UnknownCategory => "Kategori tidak terdaftar.".to_owned(),
            Problem::UnknownAgency if en => "This agency does not exist.".to_owned(),
            Problem::UnknownAgency => "Instansi tidak terdaftar.".to_owned(),
            Problem::UnknownClassification if en => "Choose pengaduan, aspirasi or permintaan_informasi.".to_owned(),
            Problem::UnknownClassification => "Pilih pengaduan, aspirasi atau permintaan_informasi.".to_owned(),
            Problem::UnknownStatus if en => "This status does not exist.".to_owned(),
            Problem::UnknownStatus => "Status tidak dikenal.".to_owned(),
            Problem::OutOfRange if en => format!("{label} is outside Indonesia's range."),
            Problem::OutOfRange => format!("{label} berada di luar wilayah Indonesia."),
            Problem::CoordinatesIncomplete if en => "Give both latitude and longitude, or neither.".to_owned(),
            Problem::CoordinatesIncomplete => "Isi lintang dan bujur sekaligus, atau kosongkan keduanya.".to_owned(),
            Problem::ContactRequired if en => "Give an e-mail address or a phone number.".to_owned(),
            Problem::ContactRequired => "Isi email atau nomor HP.".to_owned(),
            Problem::AlreadyTaken if en => format!("{label} is already registered."),
            Problem::AlreadyTaken => format!("{label} sudah terdaftar."),
            Problem::InvalidValue if en => format!("{label} has an invalid value."),
            Problem::InvalidValue => format!("{label} tidak valid."),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_first_supported_language() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9,id;q=0.8"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("id-ID,id;q=0.9,en;q=0.8"), Some(Lang::Id));
        assert_eq!(Lang::from_accept_language("fr-FR, en;q=0.5"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("fr-FR"), None);
    }

    #[test]
    fn problems_read_as_sentences_in_both_languages() {
        assert_eq!(Tr(Lang::Id).problem("title", Problem::TooShort { min: 5 }), "Judul minimal 5 karakter.");
        assert_eq!(Tr(Lang::En).problem("title", Problem::TooShort { min: 5 }), "Title must be at least 5 characters.");
    }
}
