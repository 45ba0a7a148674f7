//! Indonesian first, English second: every text a user reads, in one table.
//!
//! Strings are compiled in and reached through methods on [`Tr`], so a template that asks
//! for a missing text does not compile. (Chosen over Fluent files: two languages, no
//! plural forms in Indonesian, and typos caught by the compiler.)

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Timelike, Utc};
use lapor_domain::event::EventKind;
use lapor_domain::report::{Channel, Classification};
use lapor_domain::status::{Action, Status};
use lapor_domain::validation::Problem;
use lapor_domain::workflow::{ArchiveReason, HandlingClass, Step};

/// `verifikasi` → `Verifikasi`.
fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

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
    /// The notification language matching the page language.
    #[must_use]
    pub fn language(&self) -> lapor_app::notify::Language {
        match self.0 {
            Lang::Id => lapor_app::notify::Language::Id,
            Lang::En => lapor_app::notify::Language::En,
        }
    }

    /// Why a step was refused, in plain words.
    #[must_use]
    pub fn refusal(&self, refusal: lapor_app::Refusal) -> &'static str {
        use lapor_app::Refusal as R;
        match refusal {
            R::NotInThisStatus => self.pick(
                "Status laporan tidak memungkinkan langkah ini.",
                "The report's status does not allow this step.",
            ),
            R::NotYourRole => self.pick(
                "Peran Anda tidak dapat melakukan langkah ini.",
                "Your role cannot take this step.",
            ),
            R::WindowClosed => self.pick(
                "Batas waktu untuk menanggapi sudah lewat.",
                "The time to respond has passed.",
            ),
            R::TooEarlyForOmbudsman => self.pick(
                "Pelimpahan ke Ombudsman baru dapat diminta setelah 60 hari tanpa penyelesaian.",
                "The Ombudsman can be asked only after 60 days without resolution.",
            ),
            R::AlreadyAccepted => self.pick(
                "Laporan ini sudah diterima instansi.",
                "The agency already accepted this report.",
            ),
            R::SameAgency => self.pick(
                "Instansi yang disarankan adalah instansi Anda sendiri.",
                "The suggested agency is your own.",
            ),
        }
    }

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
    problem_already_received: "Pesan ini sudah diterima sebelumnya; tidak ada laporan baru yang dibuat.", "This message was received before; no new report was made.";
    problem_rate_limited: "Terlalu banyak permintaan. Silakan coba lagi nanti.", "Too many requests. Please try again later.";
    problem_refused: "Langkah ini tidak dapat dilakukan sekarang.", "This step is not possible now.";
    problem_forbidden: "Anda tidak berwenang melakukan tindakan ini.", "You are not allowed to do this.";
    problem_login_failed: "Email/nomor HP atau kata sandi salah.", "Wrong e-mail/phone number or password.";
    problem_csrf: "Formulir kedaluwarsa. Muat ulang halaman lalu kirim lagi.", "The form has expired. Reload the page and send it again.";
    problem_bad_form: "Formulir tidak dapat dibaca. Muat ulang halaman lalu coba lagi.", "The form could not be read. Reload the page and try again.";
    problem_password_mismatch: "Kedua kata sandi tidak sama.", "The two passwords do not match.";
    // Frame (pages).
    skip_link: "Langsung ke isi", "Skip to content";
    meta_description: "Lapor!: sampaikan pengaduan, aspirasi, atau permintaan informasi tentang pelayanan publik kepada instansi yang berwenang, lalu pantau tindak lanjutnya.", "Lapor!: send a complaint (pengaduan), an aspiration (aspirasi) or an information request about a public service to the agency in charge, and follow it up.";
    nav_register: "Daftar", "Register";
    nav_regions: "Kode wilayah", "Region codes";
    // Home.
    home_track_big: "Lacak dengan kode", "Track with your code";
    home_newest: "Laporan publik terbaru", "Newest public reports";
    home_all_reports: "Lihat semua laporan publik", "See all public reports";
    home_none: "Belum ada laporan publik.", "There are no public reports yet.";
    how_title: "Cara kerjanya", "How it works";
    how_1: "Tulis laporan: apa yang terjadi, di mana, dan kapan.", "Write your report: what happened, where and when.";
    how_2: "Verifikasi: admin memeriksa laporan dan meneruskannya ke instansi yang berwenang paling lambat 3 hari kerja.", "Verification: an admin checks the report and routes it to the agency in charge within 3 working days.";
    how_3: "Tindak lanjut: instansi menjawab paling lambat 5 hari kerja.", "Follow-up (tindak lanjut): the agency answers within 5 working days.";
    how_4: "Tanggapan: Anda dapat menanggapi jawaban dalam 10 hari kerja; setelah itu laporan selesai.", "Your reply: you may respond within 10 working days; after that the report is closed.";
    // Report form.
    form_title: "Sampaikan laporan", "File a report";
    form_intro: "Laporan yang jelas lebih cepat ditindaklanjuti. Isian bertanda * wajib diisi.", "Clear reports are handled faster. Fields marked * are required.";
    form_classification: "Klasifikasi laporan", "Type of report";
    form_title_label: "Judul laporan", "Title";
    form_title_hint: "Singkat: apa masalahnya dan di mana. Contoh: «Jalan berlubang di Jalan Tjilik Riwut km 5».", "Short: what the problem is and where. Example: «Jalan berlubang di Jalan Tjilik Riwut km 5» (potholes on Tjilik Riwut road, km 5).";
    form_body_label: "Isi laporan", "Your report";
    form_body_hint: "Ceritakan apa yang terjadi, di mana tepatnya, dan kapan; sebutkan kantor atau layanan yang terkait. Laporan tanpa keterangan ini sering tidak dapat ditindaklanjuti.", "Say what happened, exactly where and when, and which office or service is involved. Reports without these details often cannot be acted on.";
    form_date_label: "Tanggal kejadian", "Date of the incident";
    form_optional: "boleh dikosongkan", "optional";
    form_region_legend: "Lokasi kejadian", "Where it happened";
    form_region_current: "Wilayah terpilih:", "Chosen region:";
    form_region_none: "Belum ada wilayah yang dipilih.", "No region chosen yet.";
    form_region_change: "Ganti", "Change";
    form_region_up: "Naik satu tingkat", "One level up";
    form_region_choose: "Pilih", "Choose";
    form_region_hint: "Pilih provinsi, lalu tekan «Pilih» untuk memperinci sampai kecamatan atau desa/kelurahan. Lokasi yang rinci membantu laporan sampai ke instansi yang tepat.", "Choose a province, then press «Choose» to narrow it down to a district or village. A precise location helps the report reach the right agency.";
    form_region_village: "Desa/kelurahan sudah dipilih; tidak ada tingkat yang lebih rinci.", "A village is chosen; there is no finer level.";
    form_region_search_label: "Atau cari nama wilayah", "Or search for a region by name";
    form_region_search: "Cari", "Search";
    form_region_results: "Hasil pencarian: pilih satu, lalu tekan «Pilih» atau langsung kirim laporan.", "Search results: pick one, then press «Choose» or send the report.";
    form_region_no_results: "Tidak ada wilayah yang cocok. Coba ejaan lain atau pilih dari daftar.", "No region matches. Try another spelling or choose from the list.";
    form_region_query_empty: "Ketik nama wilayah yang dicari.", "Type the name of the region to search for.";
    form_address_label: "Alamat atau patokan", "Address or landmark";
    form_address_hint: "Nama jalan, nomor rumah, RT/RW, atau patokan terdekat.", "Street, house number, RT/RW or the nearest landmark.";
    form_check: "Periksa kelengkapan", "Check what is missing";
    form_hints_title: "Laporan lebih cepat ditindaklanjuti bila Anda melengkapi:", "Your report will be handled faster if you add:";
    form_hints_complete: "Laporan Anda sudah menyebutkan apa, di mana, dan kapan.", "Your report says what, where and when.";
    form_hints_note: "Ini hanya saran: Anda tetap dapat langsung mengirim laporan.", "These are only suggestions: you can send the report as it is.";
    form_category_label: "Kategori", "Category";
    form_category_none: "— pilih kategori —", "— choose a category —";
    form_category_general: "umum", "general";
    form_agency_label: "Instansi tujuan", "Target agency";
    form_agency_none: "— biarkan admin memilih —", "— let the admin choose —";
    form_agency_hint: "Bila ragu, biarkan kosong: admin akan meneruskan laporan ke instansi yang berwenang. Daftar ini memuat instansi pusat dan instansi di lokasi terpilih.", "If unsure, leave it empty: the admin routes the report to the agency in charge. The list holds national agencies and those of the chosen location.";
    form_privacy_legend: "Perlindungan pelapor", "Protecting you";
    form_anonymous_label: "Anonim: sembunyikan identitas saya", "Anonim: hide my identity";
    form_anonymous_hint: "Nama Anda tidak ditampilkan kepada publik maupun kepada pihak yang dilaporkan. Laporan tetap dapat dipublikasikan.", "Your name is shown neither to the public nor to the party you report. The report itself may still be published.";
    form_confidential_label: "Rahasia: jangan publikasikan laporan ini", "Rahasia: do not publish this report";
    form_confidential_hint: "Laporan tidak ditampilkan kepada publik; hanya Anda dan petugas yang menanganinya yang dapat melihatnya.", "The report is not published; only you and the officers handling it can see it.";
    form_contact_legend: "Kontak Anda", "Your contact details";
    form_contact_hint: "Tidak pernah ditampilkan kepada publik. Boleh dikosongkan, tetapi dengan email atau nomor HP petugas dapat menghubungi Anda bila perlu keterangan tambahan.", "Never shown publicly. Optional, but with an e-mail address or phone number officers can reach you if they need more details.";
    form_filed_as: "Laporan dikirim dari akun Anda:", "You are filing from your account:";
    form_submit: "Kirim laporan", "Send report";
    form_errors_title: "Laporan belum terkirim. Periksa isian berikut:", "The report was not sent. Please check:";
    form_key_reused: "Formulir ini sudah pernah dikirim dengan isi yang berbeda. Periksa isian Anda, lalu kirim lagi untuk membuat laporan baru.", "This form was already sent with different content. Check your entries, then send again to file a new report.";
    // Confirmation.
    done_title: "Laporan Anda sudah diterima", "Your report has been received";
    done_number: "Nomor laporan", "Report number";
    done_code: "Kode pelacakan", "Tracking code";
    done_code_warning: "Catat atau foto kode ini sekarang. Kode ini hanya ditampilkan sekali, diperlukan untuk memantau laporan tanpa akun, dan tidak dapat dipulihkan bila hilang. Jangan bagikan kepada orang lain.", "Write this code down or take a photo of it now. It is shown only this once, you need it to follow your report without an account, and it cannot be recovered if lost. Do not share it.";
    done_next_title: "Apa selanjutnya?", "What happens next?";
    done_next_1: "Paling lambat 3 hari kerja: admin memverifikasi laporan dan meneruskannya ke instansi yang berwenang. Laporan yang tidak rahasia lalu dipublikasikan.", "Within 3 working days an admin verifies the report and routes it to the agency in charge. Unless it is rahasia, it is then published.";
    done_next_2: "Paling lambat 5 hari kerja berikutnya: instansi memberi tindak lanjut.", "Within 5 more working days the agency posts its follow-up (tindak lanjut).";
    done_next_3: "Anda dapat menanggapi tindak lanjut dalam 10 hari kerja. Tanpa tanggapan, laporan dinyatakan selesai.", "You may reply to the follow-up within 10 working days. Without a reply the report is closed.";
    done_track_now: "Lacak sekarang", "Track it now";
    done_in_account: "Laporan ini juga tersimpan di «Laporan saya».", "This report is also listed under «My reports».";
    // Tracking.
    track_title: "Lacak laporan", "Track a report";
    track_intro: "Masukkan kode pelacakan yang Anda terima saat mengirim laporan. Huruf besar/kecil dan tanda hubung tidak berpengaruh.", "Enter the tracking code you received when you filed. Case and dashes do not matter.";
    track_code_label: "Kode pelacakan", "Tracking code";
    track_submit: "Lacak", "Track";
    track_account_hint: "Mengirim laporan saat masuk ke akun? Laporan itu ada di «Laporan saya».", "Filed while logged in? Those reports are under «My reports».";
    // A report.
    rep_number: "Nomor", "Number";
    rep_status: "Status", "Status";
    rep_classification: "Klasifikasi", "Type";
    rep_category: "Kategori", "Category";
    rep_region: "Lokasi", "Location";
    rep_address: "Alamat", "Address";
    rep_incident_date: "Tanggal kejadian", "Incident date";
    rep_target_agency: "Instansi tujuan pilihan pelapor", "Agency chosen by the reporter";
    rep_agency: "Instansi yang menangani", "Handling agency";
    rep_agency_none: "Belum ditentukan", "Not assigned yet";
    rep_filed: "Dikirim", "Filed";
    rep_updated: "Diperbarui", "Updated";
    rep_reporter: "Pelapor", "Reporter";
    rep_anonymous: "Anonim", "Anonymous (anonim)";
    rep_body: "Isi laporan", "Report";
    rep_history: "Riwayat", "History";
    rep_reason: "Alasan", "Reason";
    rep_private_note: "Halaman ini hanya untuk Anda sebagai pelapor. Jangan bagikan kode pelacakan Anda.", "This page is for you as the reporter. Do not share your tracking code.";
    rep_unpublished_note: "Laporan ini belum tampil di halaman publik; laporan dipublikasikan setelah diverifikasi dan diteruskan.", "This report is not public yet; reports are published once verified and routed.";
    rep_confidential_note: "Laporan ini rahasia dan tidak pernah tampil di halaman publik.", "This report is rahasia (confidential) and never shown on the public pages.";
    badge_anonymous: "Anonim", "Anonim (anonymous)";
    badge_confidential: "Rahasia", "Rahasia (confidential)";
    // Public list.
    list_title: "Laporan publik", "Public reports";
    list_intro: "Laporan yang sudah diverifikasi dan diteruskan ke instansi. Laporan rahasia tidak pernah ditampilkan, dan identitas pelapor anonim disembunyikan.", "Reports that were verified and routed to an agency. Rahasia (confidential) reports are never shown, and anonymous reporters are not named.";
    filter_q: "Kata kunci", "Keywords";
    filter_status: "Status", "Status";
    filter_all: "— semua —", "— all —";
    filter_category: "Kategori", "Category";
    filter_region: "Kode wilayah", "Region code";
    filter_region_hint: "Misalnya 62.71 untuk Kota Palangkaraya. Cari kodenya di halaman", "For example 62.71 for Kota Palangkaraya. Look codes up on the page";
    filter_agency: "Instansi", "Agency";
    filter_submit: "Tampilkan", "Show";
    filter_reset: "Hapus filter", "Clear filters";
    list_found: "laporan", "reports";
    list_empty: "Tidak ada laporan yang cocok.", "No reports match.";
    pager_prev: "« Sebelumnya", "« Previous";
    pager_next: "Berikutnya »", "Next »";
    pager_page: "Halaman", "Page";
    pager_of: "dari", "of";
    // Regions.
    reg_title: "Kode wilayah", "Region codes";
    reg_intro: "Kode wilayah Kemendagri untuk provinsi, kabupaten/kota, kecamatan, dan desa/kelurahan.", "Kemendagri region codes of provinces, regencies/cities, districts and villages.";
    reg_search_label: "Cari nama wilayah", "Search for a region";
    reg_all_provinces: "Semua provinsi", "All provinces";
    reg_report_here: "Laporkan di sini", "Report here";
    reg_results: "Hasil pencarian", "Search results";
    reg_within: "Wilayah di dalamnya", "Regions within";
    // Accounts.
    acct_register_title: "Daftar akun", "Create an account";
    acct_register_intro: "Dengan akun, semua laporan Anda tersimpan di «Laporan saya» tanpa perlu mencatat kode pelacakan. Isi email atau nomor HP (atau keduanya) untuk masuk.", "With an account all your reports are listed under «My reports», without noting tracking codes. Give an e-mail address or a phone number (or both) to log in with.";
    acct_name: "Nama lengkap", "Full name";
    acct_email: "Email", "E-mail";
    acct_phone: "Nomor HP", "Phone number";
    acct_password: "Kata sandi", "Password";
    acct_password_hint: "Minimal 8 karakter.", "At least 8 characters.";
    acct_password_confirm: "Ulangi kata sandi", "Repeat the password";
    acct_register_submit: "Daftar", "Create account";
    acct_have_account: "Sudah punya akun?", "Already registered?";
    acct_login_title: "Masuk", "Log in";
    acct_login_label: "Email atau nomor HP", "E-mail or phone number";
    acct_login_submit: "Masuk", "Log in";
    acct_no_account: "Belum punya akun?", "No account yet?";
    acct_my_title: "Laporan saya", "My reports";
    acct_my_empty: "Anda belum mengirim laporan dari akun ini.", "You have not filed a report from this account yet.";
    acct_logged_in_as: "Masuk sebagai", "Logged in as";
    acct_needs_you: "Perlu tanggapan Anda", "Needs your response";
    // The reporter's side of a report: follow-ups and what they may do.
    problem_already_done: "Langkah ini sudah diproses atau status laporan telah berubah. Lihat keadaan terbaru di bawah.", "This step was already processed, or the report's status has changed. See where it stands below.";
    problem_fix_below: "Tanggapan belum terkirim. Periksa isian yang ditandai.", "Nothing was sent. Please check the marked field.";
    rp_follow_ups: "Tindak lanjut instansi", "The agency's follow-up";
    rp_follow_up_from: "Dari", "From";
    rp_published: "Diterbitkan", "Published";
    rp_attachments: "Lampiran", "Attachments";
    rp_download: "Unduh", "Download";
    rp_actions_title: "Tanggapan Anda", "Your response";
    rp_nothing_to_do: "Saat ini tidak ada yang perlu Anda lakukan. Anda akan diberi tahu bila ada perkembangan.", "Nothing is needed from you now. You will be told when something happens.";
    rp_reply_title: "Tanggapi tindak lanjut", "Reply to the follow-up";
    rp_reply_label: "Tanggapan Anda", "Your reply";
    rp_reply_hint: "Masalah belum selesai atau jawaban kurang jelas? Tulis tanggapan Anda; laporan kembali ke instansi untuk ditindaklanjuti lagi.", "Problem not solved, or the answer unclear? Write your reply; the report goes back to the agency for another follow-up.";
    rp_reply_submit: "Kirim tanggapan", "Send reply";
    rp_supply_title: "Admin meminta keterangan tambahan", "The admin asks for more information";
    rp_supply_label: "Keterangan tambahan", "More information";
    rp_supply_hint: "Batas waktu verifikasi berhenti sampai Anda menjawab.", "The verification deadline is paused until you answer.";
    rp_supply_title_held: "Laporan Anda ditunda", "Your report is on hold";
    rp_supply_hint_held: "Admin menunda laporan ini (alasannya ada di riwayat). Anda dapat menambahkan keterangan; laporan lalu kembali diverifikasi.", "The admin put this report on hold (the reason is in the history). You may add information; the report is then verified again.";
    rp_supply_submit: "Kirim keterangan", "Send the information";
    rp_question: "Pertanyaan admin", "The admin's question";
    rp_confirm_title: "Masalah sudah selesai?", "Is the problem solved?";
    rp_confirm_hint: "Bila tindak lanjut sudah menyelesaikan masalah Anda, nyatakan selesai. Laporan akan ditutup.", "If the follow-up solved your problem, say so. The report will be closed.";
    rp_confirm_submit: "Masalah sudah selesai", "The problem is solved";
    rp_rate_legend: "Beri penilaian atas penanganan laporan", "Rate how your report was handled";
    rp_rate_current: "Penilaian Anda saat ini:", "Your current rating:";
    rp_comment_label: "Komentar", "Comment";
    rp_rate_submit: "Kirim penilaian", "Send rating";
    rp_reopen_title: "Masalahnya muncul lagi?", "Has the problem come back?";
    rp_reopen_label: "Alasan membuka kembali", "Why reopen it";
    rp_reopen_hint: "Laporan akan diteruskan lagi ke instansi yang menangani.", "The report goes back to the agency handling it.";
    rp_reopen_submit: "Buka kembali laporan", "Reopen the report";
    rp_ombudsman_title: "Limpahkan ke Ombudsman", "Hand over to the Ombudsman";
    rp_ombudsman_consent: "Saya setuju laporan ini, riwayatnya, dan data kontak saya diteruskan ke Ombudsman Republik Indonesia.", "I agree that this report, its history and my contact details are passed to the Ombudsman of the Republic of Indonesia.";
    rp_ombudsman_submit: "Limpahkan ke Ombudsman", "Hand over to the Ombudsman";
    rp_done_reply: "Tanggapan Anda terkirim. Laporan kembali ke instansi untuk ditindaklanjuti.", "Your reply was sent. The report went back to the agency for a follow-up.";
    rp_done_supply: "Keterangan Anda terkirim. Admin akan melanjutkan verifikasi.", "Your information was sent. The admin will continue the verification.";
    rp_done_confirm: "Terima kasih. Laporan dinyatakan selesai.", "Thank you. The report is closed as solved.";
    rp_done_rate: "Terima kasih atas penilaian Anda.", "Thank you for your rating.";
    rp_done_reopen: "Laporan dibuka kembali dan diteruskan ke instansi.", "The report was reopened and sent back to the agency.";
    rp_done_ombudsman: "Laporan dilimpahkan ke Ombudsman RI, yang akan menghubungi Anda.", "The report was handed to the Ombudsman of Indonesia, who will contact you.";
    rp_unsent: "Teks yang Anda tulis (belum terkirim):", "What you wrote (not sent):";
    rep_facts: "Rincian laporan", "Report details";
    rp_deadline_paused: "Batas waktu verifikasi berhenti sampai Anda melengkapi keterangan yang diminta.", "The verification deadline is paused until you supply the information asked for.";
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
            "answer" => ("Tanggapan", "Your reply"),
            "information" => ("Keterangan tambahan", "The information"),
            "reason" => ("Alasan", "Reason"),
            "comment" => ("Komentar", "Comment"),
            "stars" => ("Penilaian", "Rating"),
            "consent" => ("Persetujuan", "Consent"),
            "type" => ("Jenis tanggapan", "Type of response"),
            "text" => ("Teks", "Text"),
            _ => ("Isian", "Field"),
        };
        if self.0 == Lang::En { en } else { id }
    }

    /// A full sentence explaining `problem` on `field`.
    #[must_use]
    pub fn problem(&self, field: &str, problem: Problem) -> String {
        let label = self.field(field);
        let en = self.0 == Lang::En;
        // A rating is chosen, not typed: one message whatever was wrong with it.
        if field == "stars" {
            return self
                .pick(
                    "Pilih penilaian dari 1 sampai 5.",
                    "Choose a rating from 1 to 5.",
                )
                .to_owned();
        }
        if field == "consent" {
            return self
                .pick(
                    "Centang persetujuan Anda untuk melimpahkan laporan ke Ombudsman.",
                    "Tick the box to give your consent to the handover to the Ombudsman.",
                )
                .to_owned();
        }
        match problem {
            Problem::Required if en => format!("{label} is required."),
            Problem::Required => format!("{label} wajib diisi."),
            Problem::TooShort { min } if en => {
                format!("{label} must be at least {min} characters.")
            }
            Problem::TooShort { min } => format!("{label} minimal {min} karakter."),
            Problem::TooLong { max } if en => format!("{label} may be at most {max} characters."),
            Problem::TooLong { max } => format!("{label} maksimal {max} karakter."),
            Problem::InvalidChars if en => {
                format!("{label} contains characters that are not allowed.")
            }
            Problem::InvalidChars => format!("{label} berisi karakter yang tidak diizinkan."),
            Problem::InvalidDate if en => format!("{label} must be a date written YYYY-MM-DD."),
            Problem::InvalidDate => {
                format!("{label} harus berupa tanggal dengan format TTTT-BB-HH.")
            }
            Problem::FutureDate if en => format!("{label} cannot be in the future."),
            Problem::FutureDate => format!("{label} tidak boleh di masa depan."),
            Problem::TooOld if en => format!("{label} is too far in the past."),
            Problem::TooOld => format!("{label} terlalu jauh di masa lalu."),
            Problem::InvalidEmail if en => "The e-mail address is not valid.".to_owned(),
            Problem::InvalidEmail => "Alamat email tidak valid.".to_owned(),
            Problem::InvalidPhone if en => {
                "Enter an Indonesian mobile number, e.g. 0812 3456 7890.".to_owned()
            }
            Problem::InvalidPhone => {
                "Masukkan nomor HP Indonesia, misalnya 0812 3456 7890.".to_owned()
            }
            Problem::InvalidRegion if en => {
                "A region code looks like 62, 62.71, 62.71.01 or 62.71.01.1001.".to_owned()
            }
            Problem::InvalidRegion => {
                "Kode wilayah berbentuk 62, 62.71, 62.71.01 atau 62.71.01.1001.".to_owned()
            }
            Problem::UnknownRegion if en => "This region code does not exist.".to_owned(),
            Problem::UnknownRegion => "Kode wilayah tidak terdaftar.".to_owned(),
            Problem::UnknownCategory if en => "This category does not exist.".to_owned(),
            Problem::UnknownCategory => "Kategori tidak terdaftar.".to_owned(),
            Problem::UnknownAgency if en => "This agency does not exist.".to_owned(),
            Problem::UnknownAgency => "Instansi tidak terdaftar.".to_owned(),
            Problem::UnknownClassification if en => {
                "Choose pengaduan, aspirasi or permintaan_informasi.".to_owned()
            }
            Problem::UnknownClassification => {
                "Pilih pengaduan, aspirasi atau permintaan_informasi.".to_owned()
            }
            Problem::UnknownStatus if en => "This status does not exist.".to_owned(),
            Problem::UnknownStatus => "Status tidak dikenal.".to_owned(),
            Problem::OutOfRange if matches!(field, "latitude" | "longitude") => {
                if en {
                    format!("{label} is outside Indonesia.")
                } else {
                    format!("{label} berada di luar wilayah Indonesia.")
                }
            }
            Problem::OutOfRange if en => format!("{label} is outside the allowed range."),
            Problem::OutOfRange => format!("{label} di luar rentang yang diizinkan."),
            Problem::CoordinatesIncomplete if en => {
                "Give both latitude and longitude, or neither.".to_owned()
            }
            Problem::CoordinatesIncomplete => {
                "Isi lintang dan bujur sekaligus, atau kosongkan keduanya.".to_owned()
            }
            Problem::ContactRequired if en => {
                "Give an e-mail address or a phone number.".to_owned()
            }
            Problem::ContactRequired => "Isi email atau nomor HP.".to_owned(),
            Problem::AlreadyTaken if en => format!("{label} is already registered."),
            Problem::AlreadyTaken => format!("{label} sudah terdaftar."),
            Problem::InvalidValue if en => format!("{label} has an invalid value."),
            Problem::InvalidValue => format!("{label} tidak valid."),
        }
    }
}

/// Labels of domain values, sentences of history events, dates in WIB.
impl Tr {
    #[must_use]
    pub fn is_english(&self) -> bool {
        self.0 == Lang::En
    }

    fn pick(&self, id: &'static str, en: &'static str) -> &'static str {
        if self.0 == Lang::En { en } else { id }
    }

    /// The human label of a status.
    #[must_use]
    pub fn status(&self, status: Status) -> &'static str {
        match status {
            Status::Unverified => self.pick("Belum terverifikasi", "Unverified"),
            Status::Pending => self.pick("Tunda", "On hold"),
            Status::Routed => self.pick("Diteruskan ke instansi", "Routed to agency"),
            Status::Disposed => self.pick("Disposisi ke unit", "Passed to unit"),
            Status::FollowedUp => self.pick("Ditindaklanjuti", "Followed up"),
            Status::AwaitingReporter => {
                self.pick("Menunggu tanggapan pelapor", "Awaiting your reply")
            }
            Status::Closed => self.pick("Selesai", "Closed"),
            Status::Returned => self.pick(
                "Bukan wewenang — dikembalikan",
                "Returned: not this agency's authority",
            ),
            Status::Archived => self.pick("Diarsipkan", "Archived"),
            Status::EscalatedOmbudsman => {
                self.pick("Dilimpahkan ke Ombudsman", "Handed to the Ombudsman")
            }
        }
    }

    /// The label of a status on public pages, where "your reply" would address the wrong
    /// person.
    #[must_use]
    pub fn status_public(&self, status: Status) -> &'static str {
        match status {
            Status::AwaitingReporter => self.pick(
                "Menunggu tanggapan pelapor",
                "Awaiting the reporter's reply",
            ),
            other => self.status(other),
        }
    }

    /// The human label of a classification (the Indonesian term stays in English too).
    #[must_use]
    pub fn classification(&self, classification: Classification) -> &'static str {
        match classification {
            Classification::Pengaduan => self.pick("Pengaduan", "Pengaduan (complaint)"),
            Classification::Aspirasi => self.pick("Aspirasi", "Aspirasi (suggestion)"),
            Classification::PermintaanInformasi => self.pick(
                "Permintaan informasi",
                "Permintaan informasi (information request)",
            ),
        }
    }

    /// One line explaining a classification.
    #[must_use]
    pub fn classification_hint(&self, classification: Classification) -> &'static str {
        match classification {
            Classification::Pengaduan => self.pick(
                "keluhan atas pelayanan publik",
                "a complaint about a public service",
            ),
            Classification::Aspirasi => self.pick(
                "usul atau saran untuk pemerintah",
                "a suggestion or wish for the government",
            ),
            Classification::PermintaanInformasi => {
                self.pick("meminta informasi publik", "asking for public information")
            }
        }
    }

    /// How a report arrived.
    #[must_use]
    pub fn channel(&self, channel: Channel) -> &'static str {
        match channel {
            Channel::Web => self.pick("situs web", "the website"),
            Channel::Api => self.pick("API", "the API"),
            Channel::Sms => self.pick("SMS 1708", "SMS 1708"),
            Channel::Email => self.pick("email", "e-mail"),
            Channel::Open311 => self.pick("Open311", "Open311"),
            Channel::Integration => self.pick("aplikasi instansi", "an agency's app"),
        }
    }

    /// The label of the list of regions one level below `depth` (0 = provinces).
    #[must_use]
    pub fn region_children_label(&self, depth: u8) -> &'static str {
        match depth {
            0 => self.pick("Provinsi", "Province"),
            1 => self.pick(
                "Kabupaten/kota (boleh dikosongkan)",
                "Regency/city (optional)",
            ),
            2 => self.pick(
                "Kecamatan (boleh dikosongkan)",
                "District, kecamatan (optional)",
            ),
            _ => self.pick(
                "Desa/kelurahan (boleh dikosongkan)",
                "Village, desa/kelurahan (optional)",
            ),
        }
    }

    /// A sentence telling what happened in a history event. `target` is the display name of
    /// where the step sent the report, if any: the agency it was routed to, the units of a
    /// disposisi, or the suggested agency of a *bukan wewenang*. See [`Tr::event_named`] for
    /// the fuller sentence the reporter reads.
    #[must_use]
    pub fn event(&self, kind: &EventKind, target: Option<&str>) -> String {
        let en = self.0 == Lang::En;
        match kind {
            EventKind::Submitted { channel } if en => {
                format!("Report received via {}", self.channel(*channel))
            }
            EventKind::Submitted { channel } => {
                format!("Laporan diterima melalui {}", self.channel(*channel))
            }
            EventKind::Transition { action, .. } => self.step(*action, target),
            EventKind::PrivacyRaised { privacy } => {
                let what = match (privacy.anonymous, privacy.confidential) {
                    (true, true) => self.pick("anonim dan rahasia", "anonim and rahasia"),
                    (false, true) => self.pick("rahasia", "rahasia (not published)"),
                    _ => self.pick("anonim", "anonim (identity hidden)"),
                };
                if en {
                    format!("An officer raised the protection of this report: {what}")
                } else {
                    format!("Petugas menambah perlindungan laporan: {what}")
                }
            }
            EventKind::Verified { .. } => self
                .pick(
                    "Admin memeriksa isi laporan (judul, klasifikasi, kategori, kelas penanganan)",
                    "The admin checked the report's content (title, classification, category, handling class)",
                )
                .to_owned(),
            EventKind::Rated { stars, .. } if en => {
                format!("The reporter rated the handling {stars} out of 5")
            }
            EventKind::Rated { stars, .. } => {
                format!("Pelapor memberi penilaian {stars} dari 5")
            }
            EventKind::Overdue { step, stage: 1, .. } if en => format!(
                "The {} deadline passed; whoever holds the report was alerted",
                self.deadline_step(*step)
            ),
            EventKind::Overdue { step, stage: 1, .. } => format!(
                "Batas waktu {} terlewati; pemegang laporan diingatkan",
                self.deadline_step(*step)
            ),
            EventKind::Overdue { step, .. } if en => format!(
                "The {} is still overdue: escalated to the parent agency and the national admins",
                self.deadline_step(*step)
            ),
            EventKind::Overdue { step, .. } => format!(
                "{} masih terlambat: dieskalasi ke instansi induk dan admin nasional",
                capitalized(self.deadline_step(*step))
            ),
            EventKind::OmbudsmanOffered => self
                .pick(
                    "Laporan belum selesai setelah 60 hari: pelapor dapat melimpahkannya ke Ombudsman",
                    "Unresolved after 60 days: the reporter may hand it to the Ombudsman",
                )
                .to_owned(),
            EventKind::IdentityViewed => self
                .pick(
                    "Admin nasional melihat identitas pelapor anonim",
                    "A national admin viewed the anonymous reporter's identity",
                )
                .to_owned(),
        }
    }

    /// The sentence of a history event with every agency it mentions named: who returned a
    /// report as *bukan wewenang* and whom they suggested, the units of a disposisi, why a
    /// report was archived. `name` turns an agency code into its display name.
    #[must_use]
    pub fn event_named(&self, kind: &EventKind, name: &dyn Fn(&str) -> String) -> String {
        let en = self.0 == Lang::En;
        let EventKind::Transition {
            action,
            agency,
            units,
            archive,
            suggested_agency,
            ..
        } = kind
        else {
            return self.event(kind, None);
        };
        match action {
            Action::ReturnNotAuthority => {
                let by = agency.as_deref().map_or_else(
                    || {
                        self.pick("Instansi yang menangani", "The agency handling it")
                            .to_owned()
                    },
                    name,
                );
                let mut sentence = if en {
                    format!(
                        "{by} said the report is not within its authority (bukan wewenang) and returned it to the national admin for re-routing"
                    )
                } else {
                    format!(
                        "{by} menyatakan laporan ini bukan wewenangnya dan mengembalikannya ke admin nasional untuk diteruskan ulang"
                    )
                };
                if let Some(suggested) = suggested_agency {
                    sentence.push_str(if en {
                        "; suggested agency: "
                    } else {
                        "; instansi yang disarankan: "
                    });
                    sentence.push_str(&name(suggested));
                }
                sentence
            }
            Action::Dispose if !units.is_empty() => {
                let names: Vec<String> = units.iter().map(|u| name(u)).collect();
                self.step(*action, Some(&names.join(", ")))
            }
            Action::Archive => match archive {
                Some(reason) if en => {
                    format!("Archived by the admin: {}", self.archive_reason(*reason))
                }
                Some(reason) => {
                    format!("Diarsipkan oleh admin: {}", self.archive_reason(*reason))
                }
                None => self.step(*action, None),
            },
            _ => self.step(*action, agency.as_deref().map(name).as_deref()),
        }
    }

    /// The label of the text a step carries: the admin's question, the reporter's reply, a
    /// reason.
    #[must_use]
    pub fn step_note_label(&self, action: Action) -> &'static str {
        match action {
            Action::RequestInformation => self.rp_question(),
            Action::SupplyInformation => {
                self.pick("Keterangan dari pelapor", "Information from the reporter")
            }
            Action::ReporterReply => self.pick("Tanggapan pelapor", "The reporter's reply"),
            Action::Archive => self.pick("Keterangan", "Note"),
            _ => self.rep_reason(),
        }
    }

    fn step(&self, action: Action, target: Option<&str>) -> String {
        let en = self.0 == Lang::En;
        let to = target.unwrap_or(if en {
            "the agency in charge"
        } else {
            "instansi yang berwenang"
        });
        match action {
            Action::Verify if en => format!("Verified and routed to {to}"),
            Action::Verify => format!("Diverifikasi dan diteruskan ke {to}"),
            Action::RouteToChosenAgency if en => {
                format!("Routed to {to}, the agency the reporter chose")
            }
            Action::RouteToChosenAgency => format!("Diteruskan ke {to}, instansi pilihan pelapor"),
            Action::AutoRoute if en => format!("Routed automatically to {to}"),
            Action::AutoRoute => format!("Diteruskan otomatis ke {to}"),
            Action::UndoAutoRoute if en => "Automatic routing undone: back to verification".to_owned(),
            Action::UndoAutoRoute => "Disposisi otomatis dibatalkan: kembali ke verifikasi".to_owned(),
            Action::Dispose => match target {
                Some(units) if en => format!("Passed on (disposisi) to {units}"),
                Some(units) => format!("Disposisi ke {units}"),
                None => self
                    .pick(
                        "Disposisi ke unit kerja",
                        "Passed on (disposisi) to a unit",
                    )
                    .to_owned(),
            },
            Action::ReturnNotAuthority => match target {
                Some(a) if en => format!(
                    "Returned: not within the agency's authority (bukan wewenang); suggested agency: {a}"
                ),
                Some(a) => format!(
                    "Dikembalikan karena bukan wewenang instansi; instansi yang disarankan: {a}"
                ),
                None => self
                    .pick(
                        "Dikembalikan karena bukan wewenang instansi",
                        "Returned: not within the agency's authority (bukan wewenang)",
                    )
                    .to_owned(),
            },
            Action::Pend => self
                .pick("Ditunda oleh admin", "Put on hold (tunda) by the admin")
                .to_owned(),
            Action::RequestInformation => self
                .pick(
                    "Admin meminta keterangan tambahan dari pelapor; batas waktu verifikasi berhenti sampai pelapor menjawab",
                    "The admin asked the reporter for more information; the verification deadline is paused until they answer",
                )
                .to_owned(),
            Action::SupplyInformation => self
                .pick(
                    "Pelapor melengkapi keterangan; laporan kembali diverifikasi",
                    "The reporter supplied more information; verification continues",
                )
                .to_owned(),
            Action::Accept => self
                .pick(
                    "Instansi menerima laporan untuk ditangani",
                    "The agency accepted the report for handling",
                )
                .to_owned(),
            Action::Archive => self
                .pick("Diarsipkan oleh admin", "Archived by the admin")
                .to_owned(),
            Action::ReturnToAgency => self
                .pick(
                    "Unit mengembalikan laporan ke instansi",
                    "The unit handed the report back to its agency",
                )
                .to_owned(),
            Action::FollowUp => self
                .pick(
                    "Instansi menyusun tindak lanjut",
                    "The agency wrote a follow-up (tindak lanjut)",
                )
                .to_owned(),
            Action::PublishFollowUp => self
                .pick(
                    "Tindak lanjut diterbitkan; pelapor dapat menanggapinya",
                    "Follow-up published; the reporter may reply to it",
                )
                .to_owned(),
            Action::RejectFollowUp => self
                .pick(
                    "Tindak lanjut dikembalikan untuk diperbaiki",
                    "Follow-up sent back for revision",
                )
                .to_owned(),
            Action::ReporterReply => self
                .pick(
                    "Pelapor menanggapi tindak lanjut; laporan kembali ke instansi",
                    "The reporter replied to the follow-up; the report went back to the agency",
                )
                .to_owned(),
            Action::ConfirmResolved => self
                .pick(
                    "Pelapor menyatakan masalahnya sudah selesai",
                    "The reporter confirmed the problem is solved",
                )
                .to_owned(),
            Action::AutoClose => self
                .pick(
                    "Selesai otomatis: tidak ada tanggapan pelapor dalam batas waktu",
                    "Closed automatically: no reply from the reporter in time",
                )
                .to_owned(),
            Action::Reopen => self
                .pick(
                    "Laporan dibuka kembali oleh pelapor",
                    "Reopened by the reporter",
                )
                .to_owned(),
            Action::EscalateOmbudsman => self
                .pick(
                    "Dilimpahkan ke Ombudsman atas persetujuan pelapor",
                    "Handed to the Ombudsman with the reporter's consent",
                )
                .to_owned(),
        }
    }

    /// Kelas penanganan, as officers choose it.
    #[must_use]
    pub fn handling_class(&self, class: HandlingClass) -> &'static str {
        match class {
            HandlingClass::Biasa => self.pick(
                "Biasa: permintaan informasi atau pengaduan umum",
                "Ordinary: an information request or a plain complaint",
            ),
            HandlingClass::TanpaPemeriksaan => self.pick(
                "Sengketa atau pelanggaran tanpa pemeriksaan lapangan",
                "A dispute or violation needing no field check",
            ),
            HandlingClass::PemeriksaanLapangan => {
                self.pick("Perlu pemeriksaan lapangan", "Needs a field examination")
            }
        }
    }

    /// Why a report was archived, in plain words the reporter understands.
    #[must_use]
    pub fn archive_reason(&self, reason: ArchiveReason) -> &'static str {
        match reason {
            ArchiveReason::Incomplete => self.pick(
                "laporan kurang lengkap (apa, di mana, atau kapan kejadiannya belum jelas)",
                "the report is incomplete (what, where or when is missing)",
            ),
            ArchiveReason::TooGeneral => self.pick(
                "laporan terlalu umum untuk ditindaklanjuti",
                "the report is too general to act on",
            ),
            ArchiveReason::NotPublicService => self.pick(
                "laporan tidak menyangkut pelayanan publik",
                "the report is not about a public service",
            ),
            ArchiveReason::Duplicate => self.pick(
                "laporan yang sama sudah pernah disampaikan",
                "the same report was already filed",
            ),
            ArchiveReason::Abusive => self.pick(
                "laporan memuat kata-kata kasar atau menyinggung",
                "the report contains abusive or offensive language",
            ),
            ArchiveReason::OutOfScope => self.pick(
                "di luar cakupan LAPOR! (misalnya perkara pidana atau korupsi); sampaikan ke lembaga yang berwenang",
                "outside what LAPOR! handles (e.g. a criminal or corruption case); take it to the competent body",
            ),
        }
    }

    /// The stretch of work a deadline belongs to, as a noun: «batas waktu verifikasi».
    #[must_use]
    pub fn deadline_step(&self, step: Step) -> &'static str {
        match step {
            Step::Verification => self.pick("verifikasi", "verification"),
            Step::FollowUp => self.pick("tindak lanjut", "follow-up"),
            Step::ReporterWindow => self.pick("tanggapan pelapor", "reporter's reply"),
        }
    }

    /// Working days left before a deadline: «3 hari kerja lagi», «hari ini», «terlambat 2
    /// hari kerja».
    #[must_use]
    pub fn days_left(&self, days: i64) -> String {
        let en = self.0 == Lang::En;
        match days {
            0 => self.pick("hari ini", "due today").to_owned(),
            1 if en => "1 working day left".to_owned(),
            -1 if en => "1 working day overdue".to_owned(),
            d if d > 0 && en => format!("{d} working days left"),
            d if d > 0 => format!("{d} hari kerja lagi"),
            d if en => format!("{} working days overdue", d.unsigned_abs()),
            d => format!("terlambat {} hari kerja", d.unsigned_abs()),
        }
    }

    /// The deadline a report runs against, as its reporter reads it: «Tindak lanjut paling
    /// lambat 02-12-2026 23:59 WIB (3 hari kerja lagi)». `due` is already formatted with its
    /// zone; `None` while the clock is stopped.
    #[must_use]
    pub fn deadline_sentence(
        &self,
        step: Step,
        due: Option<&str>,
        days_left: Option<i64>,
    ) -> String {
        let en = self.0 == Lang::En;
        let Some(due) = due else {
            return self.rp_deadline_paused().to_owned();
        };
        let left = days_left.map_or(String::new(), |d| format!(" ({})", self.days_left(d)));
        match step {
            Step::ReporterWindow if days_left.is_some_and(|d| d < 0) => {
                if en {
                    format!(
                        "The time to reply ended on {due}; the report will be closed automatically."
                    )
                } else {
                    format!("Batas waktu tanggapan berakhir {due}; laporan akan ditutup otomatis.")
                }
            }
            Step::ReporterWindow if en => format!(
                "You may reply until {due}{left}. Without a reply the report closes automatically."
            ),
            Step::ReporterWindow => format!(
                "Anda dapat menanggapi paling lambat {due}{left}. Tanpa tanggapan, laporan ditutup otomatis."
            ),
            Step::Verification if en => format!("Verification due by {due}{left}"),
            Step::Verification => format!("Verifikasi paling lambat {due}{left}"),
            Step::FollowUp if en => format!("Follow-up due by {due}{left}"),
            Step::FollowUp => format!("Tindak lanjut paling lambat {due}{left}"),
        }
    }

    /// Until when a closed report can still be reopened.
    #[must_use]
    pub fn reopen_until(&self, until: &str) -> String {
        if self.0 == Lang::En {
            format!("If the problem comes back you may reopen the report until {until}.")
        } else {
            format!(
                "Bila masalahnya muncul lagi, Anda dapat membuka kembali laporan sampai {until}."
            )
        }
    }

    /// Why and how a report can go to the Ombudsman after `days` days.
    #[must_use]
    pub fn ombudsman_offer(&self, days: u32) -> String {
        if self.0 == Lang::En {
            format!(
                "Your report is still unresolved after {days} days. With your consent it is handed, with its history and your contact details, to the Ombudsman of the Republic of Indonesia, which takes it over; handling in LAPOR! then ends."
            )
        } else {
            format!(
                "Laporan Anda belum selesai setelah {days} hari. Dengan persetujuan Anda, laporan beserta riwayat dan data kontak Anda diteruskan ke Ombudsman Republik Indonesia, yang akan mengambil alih penanganannya; penanganan di LAPOR! berakhir."
            )
        }
    }

    /// A rating choice: «4 — baik».
    #[must_use]
    pub fn star_label(&self, stars: u8) -> &'static str {
        match stars {
            1 => self.pick("1 — sangat buruk", "1 — very poor"),
            2 => self.pick("2 — buruk", "2 — poor"),
            3 => self.pick("3 — cukup", "3 — fair"),
            4 => self.pick("4 — baik", "4 — good"),
            _ => self.pick("5 — sangat baik", "5 — very good"),
        }
    }

    /// A file size people read: «12 KB», «1,5 MB».
    #[must_use]
    pub fn file_size(&self, bytes: i64) -> String {
        let kb = (bytes.max(0) + 1023) / 1024;
        if kb < 1024 {
            return format!("{kb} KB");
        }
        let tenths = (kb * 10 + 512) / 1024;
        let sep = if self.0 == Lang::En { '.' } else { ',' };
        format!("{}{sep}{} MB", tenths / 10, tenths % 10)
    }

    fn month(&self, month: u32) -> &'static str {
        const ID: [&str; 12] = [
            "Januari",
            "Februari",
            "Maret",
            "April",
            "Mei",
            "Juni",
            "Juli",
            "Agustus",
            "September",
            "Oktober",
            "November",
            "Desember",
        ];
        const EN: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        let i = usize::try_from(month.saturating_sub(1))
            .unwrap_or(0)
            .min(11);
        if self.0 == Lang::En { EN[i] } else { ID[i] }
    }

    /// `25 November 2026`.
    #[must_use]
    pub fn date(&self, date: NaiveDate) -> String {
        format!(
            "{} {} {}",
            date.day(),
            self.month(date.month()),
            date.year()
        )
    }

    /// `25 November 2026, 10.00 WIB` (Indonesian writes the time with a dot).
    #[must_use]
    pub fn datetime_wib(&self, at: DateTime<Utc>) -> String {
        const WIB: i32 = 7 * 3600;
        let local = FixedOffset::east_opt(WIB)
            .map_or_else(|| at.naive_utc(), |tz| at.with_timezone(&tz).naive_local());
        let sep = if self.0 == Lang::En { ':' } else { '.' };
        format!(
            "{}, {:02}{sep}{:02} WIB",
            self.date(local.date()),
            local.hour(),
            local.minute()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_first_supported_language() {
        assert_eq!(
            Lang::from_accept_language("en-US,en;q=0.9,id;q=0.8"),
            Some(Lang::En)
        );
        assert_eq!(
            Lang::from_accept_language("id-ID,id;q=0.9,en;q=0.8"),
            Some(Lang::Id)
        );
        assert_eq!(
            Lang::from_accept_language("fr-FR, en;q=0.5"),
            Some(Lang::En)
        );
        assert_eq!(Lang::from_accept_language("fr-FR"), None);
    }

    #[test]
    fn problems_read_as_sentences_in_both_languages() {
        assert_eq!(
            Tr(Lang::Id).problem("title", Problem::TooShort { min: 5 }),
            "Judul minimal 5 karakter."
        );
        assert_eq!(
            Tr(Lang::En).problem("title", Problem::TooShort { min: 5 }),
            "Title must be at least 5 characters."
        );
    }

    #[test]
    fn every_status_has_a_label_in_both_languages() {
        for status in Status::ALL {
            assert!(!Tr(Lang::Id).status(status).is_empty());
            assert_ne!(
                Tr(Lang::Id).status(status),
                Tr(Lang::En).status(status),
                "{status:?}"
            );
        }
    }

    #[test]
    fn every_step_and_domain_value_reads_differently_in_each_language() {
        let (id, en) = (Tr(Lang::Id), Tr(Lang::En));
        for action in Action::ALL {
            let kind = EventKind::step(action, Status::Routed, Status::Routed);
            let (i, e) = (id.event(&kind, None), en.event(&kind, None));
            assert!(!i.is_empty() && i != e, "{action:?}");
        }
        for reason in ArchiveReason::ALL {
            assert_ne!(id.archive_reason(reason), en.archive_reason(reason));
        }
        for class in HandlingClass::ALL {
            assert_ne!(id.handling_class(class), en.handling_class(class));
        }
        for step in [Step::Verification, Step::FollowUp, Step::ReporterWindow] {
            assert_ne!(id.deadline_step(step), en.deadline_step(step));
        }
    }

    #[test]
    fn deadlines_read_as_plain_sentences() {
        let (id, en) = (Tr(Lang::Id), Tr(Lang::En));
        assert_eq!(id.days_left(3), "3 hari kerja lagi");
        assert_eq!(id.days_left(0), "hari ini");
        assert_eq!(id.days_left(-2), "terlambat 2 hari kerja");
        assert_eq!(en.days_left(1), "1 working day left");
        assert_eq!(en.days_left(-1), "1 working day overdue");
        assert_eq!(en.days_left(-4), "4 working days overdue");
        assert_eq!(
            id.deadline_sentence(Step::FollowUp, Some("02-12-2026 23:59 WIB"), Some(5)),
            "Tindak lanjut paling lambat 02-12-2026 23:59 WIB (5 hari kerja lagi)"
        );
        assert_eq!(
            en.deadline_sentence(Step::Verification, Some("30-11-2026 23:59 WIB"), Some(-1)),
            "Verification due by 30-11-2026 23:59 WIB (1 working day overdue)"
        );
        assert_eq!(
            id.deadline_sentence(Step::Verification, None, None),
            id.rp_deadline_paused()
        );
    }

    #[test]
    fn a_return_as_not_authority_names_who_returned_it_and_whom_they_suggest() {
        let kind = EventKind::Transition {
            action: Action::ReturnNotAuthority,
            from: Status::Routed,
            to: Status::Returned,
            agency: Some("pemkot".to_owned()),
            reason: Some("Bukan urusan kota.".to_owned()),
            units: Vec::new(),
            follow_up: None,
            archive: None,
            suggested_agency: Some("kemensos".to_owned()),
        };
        let name = |code: &str| match code {
            "pemkot" => "Pemerintah Kota".to_owned(),
            other => other.to_uppercase(),
        };
        assert_eq!(
            Tr(Lang::Id).event_named(&kind, &name),
            "Pemerintah Kota menyatakan laporan ini bukan wewenangnya dan mengembalikannya ke admin nasional untuk diteruskan ulang; instansi yang disarankan: KEMENSOS"
        );
        let archived = EventKind::Transition {
            action: Action::Archive,
            from: Status::Unverified,
            to: Status::Archived,
            agency: None,
            reason: None,
            units: Vec::new(),
            follow_up: None,
            archive: Some(ArchiveReason::TooGeneral),
            suggested_agency: None,
        };
        assert_eq!(
            Tr(Lang::Id).event_named(&archived, &name),
            "Diarsipkan oleh admin: laporan terlalu umum untuk ditindaklanjuti"
        );
    }

    #[test]
    fn times_are_shown_in_wib() {
        use chrono::TimeZone;
        let at = Utc
            .with_ymd_and_hms(2026, 11, 24, 20, 5, 0)
            .single()
            .expect("valid time");
        assert_eq!(Tr(Lang::Id).datetime_wib(at), "25 November 2026, 03.05 WIB");
        assert_eq!(Tr(Lang::En).datetime_wib(at), "25 November 2026, 03:05 WIB");
    }
}
