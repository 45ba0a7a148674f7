//! Every text of the officer console, Indonesian first, English second. An extra block of
//! methods on [`Tr`] (prefixed `c_`), kept apart from the citizen texts in `i18n.rs`.

use lapor_domain::status::{Action, ActorRole};
use lapor_domain::user::Role;
use lapor_domain::validation::Problem;
use lapor_domain::workflow::{ArchiveReason, HandlingClass, Step};

use crate::i18n::{Lang, Tr};

macro_rules! console_texts {
    ($($key:ident: $id:literal, $en:literal;)*) => {
        impl Tr {
            $(
                #[must_use]
                pub(crate) fn $key(&self) -> &'static str {
                    self.c_pick($id, $en)
                }
            )*
        }
    };
}

console_texts! {
    // Frame.
    c_nav_console: "Konsol petugas", "Officer console";
    c_nav_performance: "Kinerja", "Performance";
    c_nav_notifications: "Notifikasi", "Notifications";
    c_unread: "belum dibaca", "unread";
    c_saved: "Langkah tersimpan.", "Step saved.";
    c_back_to_inbox: "« Kotak masuk", "« Inbox";
    // Inbox.
    c_inbox_title: "Kotak masuk laporan", "Report inbox";
    c_counts_label: "Jumlah laporan per status", "Reports per status";
    c_all: "Semua", "All";
    c_overdue_only: "Hanya yang terlambat", "Overdue only";
    c_overdue_word: "terlambat", "overdue";
    c_overdue_marker: "TERLAMBAT", "OVERDUE";
    c_inbox_empty: "Tidak ada laporan yang cocok.", "No reports match.";
    c_due: "batas", "due";
    c_clock_stopped: "jam berhenti: menunggu keterangan pelapor", "clock stopped: waiting for the reporter";
    // Case page.
    c_resolution_due: "Target penyelesaian:", "Resolution target:";
    c_units: "Unit", "Units";
    c_reporter_hidden: "Identitas pelapor dirahasiakan (anonim).", "The reporter's identity is hidden (anonim).";
    c_reveal: "Lihat identitas", "Show identity";
    c_reveal_hint: "Hanya admin nasional yang dapat melihatnya, dan setiap kali dilihat tercatat dalam riwayat.", "Only national admins may see it, and every look is recorded in the history.";
    c_revealed_note: "Identitas ini ditampilkan sekali dan pelihatan ini tercatat. Jangan teruskan kepada instansi atau pihak yang dilaporkan.", "This identity is shown once and the look is recorded. Do not pass it on to the agency or the party reported.";
    c_reporter_no_contact: "Pelapor tidak meninggalkan nama atau kontak.", "The reporter left no name or contact.";
    c_follow_ups: "Tindak lanjut", "Follow-ups";
    c_fu_pending: "Menunggu persetujuan", "Awaiting approval";
    c_fu_published: "Diterbitkan", "Published";
    c_fu_rejected: "Dikembalikan", "Sent back";
    c_bundle: "Unduh berkas kasus (JSON)", "Download the case bundle (JSON)";
    c_steps: "Langkah berikutnya", "Next steps";
    c_choose: "— pilih —", "— choose —";
    c_choose_agency: "— pilih instansi —", "— choose an agency —";
    c_no_suggestion: "— tidak ada saran —", "— no suggestion —";
    c_privacy_hint: "Perlindungan hanya dapat ditambah. Yang sudah aktif tidak dapat dicabut.", "Protection can only be added. What is on cannot be taken away.";
    // Step forms.
    c_act_verify: "Verifikasi dan teruskan", "Verify and route";
    c_act_verify_hint: "Ringkas judulnya, periksa klasifikasi dan kategori, pilih kelas penanganan, lalu teruskan ke instansi yang berwenang.", "Summarise the title, check the classification and category, choose the handling class, then route it to the agency in charge.";
    c_act_accept: "Terima laporan", "Accept the report";
    c_act_accept_hint: "Menyatakan bahwa instansi Anda menangani laporan ini.", "Confirms that your agency handles this report.";
    c_act_dispose: "Disposisi ke unit", "Pass on to units (disposisi)";
    c_act_follow_up: "Kirim tindak lanjut", "Send the follow-up";
    c_follow_up_hint: "Jawaban kepada pelapor: apa yang sudah dan akan dilakukan, oleh siapa, dan kapan.", "The answer to the reporter: what was and will be done, by whom and when.";
    c_act_publish: "Setujui dan terbitkan tindak lanjut", "Approve and publish the follow-up";
    c_act_publish_hint: "Tindak lanjut unit dikirim kepada pelapor, yang dapat menanggapi dalam 10 hari kerja.", "The unit's follow-up goes to the reporter, who may reply within 10 working days.";
    c_act_reject: "Kembalikan tindak lanjut untuk diperbaiki", "Send the follow-up back for revision";
    c_act_request_information: "Minta keterangan tambahan", "Ask the reporter for more information";
    c_question_hint: "Pelapor menerima pertanyaan ini; batas waktu verifikasi berhenti sampai ia menjawab.", "The reporter receives this question; the verification clock stops until they answer.";
    c_act_pend: "Tunda", "Put on hold (tunda)";
    c_act_return_not_authority: "Bukan wewenang: kembalikan", "Not our authority: return it";
    c_act_return_not_authority_hint: "Laporan kembali ke admin nasional untuk diteruskan ke instansi lain.", "The report goes back to the national admins to be routed elsewhere.";
    c_act_return_to_agency: "Kembalikan ke instansi", "Hand back to the agency";
    c_suggestions: "Saran disposisi", "Suggested routing";
    c_suggestions_hint: "Usulan otomatis dari isi dan lokasi laporan; periksa alasannya sebelum memilih.", "Proposed automatically from the report's text and place; check the reasons before choosing.";
    c_act_undo_auto_route: "Batalkan disposisi otomatis", "Undo the automatic routing";
    c_undo_auto_route_hint: "Laporan kembali ke antrean verifikasi; instansi tujuan diberi tahu.", "The report goes back to the verification queue; the agency it was sent to is told.";
    c_act_archive: "Arsipkan", "Archive";
    c_act_raise_privacy: "Tambah perlindungan pelapor", "Add protection for the reporter";
    c_label_title: "Judul", "Title";
    c_label_handling_class: "Kelas penanganan", "Handling class";
    c_label_agency: "Teruskan ke instansi", "Route to agency";
    c_label_agency_other: "Atau kode instansi lain", "Or the code of another agency";
    c_agency_other_hint: "Daftar memuat instansi pusat dan instansi di lokasi laporan. Untuk instansi lain, ketik kodenya, misalnya kemensos.", "The list holds national agencies and those of the report's location. For another agency type its code, e.g. kemensos.";
    c_label_follow_up_text: "Isi tindak lanjut", "Follow-up text";
    c_label_attachments: "Lampiran", "Attachments";
    c_label_reject_reason: "Apa yang perlu diperbaiki", "What needs fixing";
    c_label_question: "Pertanyaan kepada pelapor", "Question to the reporter";
    c_label_suggested_agency: "Instansi yang disarankan", "Suggested agency";
    c_label_referral: "Keterangan atau rujukan", "Explanation or referral";
    c_referral_hint: "Wajib untuk duplikat (sebutkan nomor laporan) dan di luar lingkup (sebutkan lembaga yang berwenang).", "Required for duplicates (name the report number) and out-of-scope reports (name the competent body).";
    c_archive_reason_label: "Alasan pengarsipan", "Reason for archiving";
    // History.
    c_previous_title: "Judul semula", "Original title";
    c_label_comment: "Komentar", "Comment";
    c_label_due: "Batas waktu", "Deadline";
    c_label_notified: "Diberi tahu", "Alerted";
    c_returned_by: "Dikembalikan oleh", "Returned by";
    // Outcomes.
    c_conflict_title: "Laporan sudah berubah", "The report has changed";
    c_conflict: "Laporan ini berubah sejak halaman dimuat (oleh petugas lain, di tab lain, atau karena formulir terkirim dua kali). Tidak ada yang disimpan. Muat ulang halaman untuk melihat keadaan terbaru.", "This report changed since the page was loaded (by another officer, in another tab, or because the form was sent twice). Nothing was saved. Reload the page to see where it stands now.";
    c_nothing_saved: "Tidak ada yang disimpan.", "Nothing was saved.";
    c_reload: "Muat ulang laporan", "Reload the report";
    c_file_type: "Lampiran harus berupa PDF atau foto (JPEG, PNG, WebP). Tidak ada yang disimpan.", "Attachments must be PDF files or photos (JPEG, PNG, WebP). Nothing was saved.";
    c_privacy_only_raise: "Perlindungan hanya dapat ditambah, tidak dapat dikurangi. Centang perlindungan yang belum aktif.", "Protection can only be added, never reduced. Tick a protection that is not on yet.";
    c_units_required: "Pilih minimal satu unit.", "Choose at least one unit.";
    // Notifications.
    c_notifications_title: "Notifikasi", "Notifications";
    c_notifications_empty: "Belum ada notifikasi.", "No notifications yet.";
    c_mark_all_read: "Tandai semua sudah dibaca", "Mark all as read";
    c_new: "Baru", "New";
    // Performance.
    c_perf_channels: "Laporan masuk per kanal", "Reports received per channel";
    c_perf_channel: "Kanal", "Channel";
    c_perf_received: "Laporan", "Reports";
    c_perf_title: "Kinerja penanganan", "Handling performance";
    c_perf_intro: "Langkah yang selesai dalam periode ini: berapa yang tepat waktu, berapa lama penanganannya (median), dan penilaian pelapor.", "Steps finished in this period: how many on time, how long handling took (median), and the reporters' ratings.";
    c_perf_period: "Periode", "Period";
    c_perf_since: "Sejak", "Since";
    c_perf_empty: "Belum ada langkah yang selesai dalam periode ini.", "No steps were finished in this period.";
    c_perf_agency: "Instansi / unit", "Agency / unit";
    c_perf_finished: "Selesai", "Finished";
    c_perf_on_time: "Tepat waktu", "On time";
    c_perf_median: "Median lama penanganan", "Median handling time";
    c_perf_satisfaction: "Kepuasan pelapor", "Reporter satisfaction";
    c_perf_ratings: "penilaian", "ratings";
    c_perf_weak: "di bawah 80 %", "below 80 %";
    c_perf_national: "Verifikasi nasional", "National verification";
}

impl Tr {
    fn c_pick(&self, id: &'static str, en: &'static str) -> &'static str {
        match self.0 {
            Lang::Id => id,
            Lang::En => en,
        }
    }

    fn c_en(&self) -> bool {
        self.0 == Lang::En
    }

    /// `2 hari kerja lagi`.
    pub(crate) fn c_days_left(&self, days: u64) -> String {
        match (self.c_en(), days) {
            (true, 0) => "due today".to_owned(),
            (false, 0) => "batas hari ini".to_owned(),
            (true, 1) => "1 working day left".to_owned(),
            (true, n) => format!("{n} working days left"),
            (false, n) => format!("{n} hari kerja lagi"),
        }
    }

    /// `terlambat 3 hari kerja`.
    pub(crate) fn c_days_overdue(&self, days: u64) -> String {
        match (self.c_en(), days) {
            (true, 1) => "1 working day overdue".to_owned(),
            (true, n) => format!("{n} working days overdue"),
            (false, n) => format!("terlambat {n} hari kerja"),
        }
    }

    /// `target 5 hari kerja`.
    pub(crate) fn c_target_days(&self, days: u32) -> String {
        if self.c_en() {
            format!("target {days} working days")
        } else {
            format!("target {days} hari kerja")
        }
    }

    /// A decimal number with the separator of the language: `12,5` / `12.5`.
    pub(crate) fn c_decimal(&self, value: f64) -> String {
        let text = format!("{value:.1}");
        let text = text.strip_suffix(".0").unwrap_or(&text).to_owned();
        if self.c_en() {
            text
        } else {
            text.replace('.', ",")
        }
    }

    pub(crate) fn c_hours(&self, amount: &str) -> String {
        if self.c_en() {
            format!("{amount} hours")
        } else {
            format!("{amount} jam")
        }
    }

    pub(crate) fn c_period(&self, days: i64) -> String {
        if self.c_en() {
            format!("Last {days} days")
        } else {
            format!("{days} hari terakhir")
        }
    }

    fn c_megabytes(bytes: usize) -> usize {
        bytes / (1024 * 1024)
    }

    /// What the follow-up form accepts.
    pub(crate) fn c_upload_hint(&self, files: usize, bytes: usize) -> String {
        let mb = Self::c_megabytes(bytes);
        if self.c_en() {
            format!(
                "Up to {files} files, PDF or photos (JPEG, PNG, WebP), at most {mb} MB each. Optional."
            )
        } else {
            format!(
                "Paling banyak {files} berkas PDF atau foto (JPEG, PNG, WebP), masing-masing paling besar {mb} MB. Boleh dikosongkan."
            )
        }
    }

    pub(crate) fn c_upload_too_large(&self, files: usize, bytes: usize) -> String {
        let mb = Self::c_megabytes(bytes);
        if self.c_en() {
            format!(
                "The upload is too large: at most {files} files of {mb} MB each. Nothing was saved; choose smaller files and send again."
            )
        } else {
            format!(
                "Unggahan terlalu besar: paling banyak {files} berkas, masing-masing {mb} MB. Tidak ada yang disimpan; pilih berkas yang lebih kecil lalu kirim lagi."
            )
        }
    }

    pub(crate) fn c_file_too_large(&self, bytes: usize) -> String {
        let mb = Self::c_megabytes(bytes);
        if self.c_en() {
            format!("Each attachment may be at most {mb} MB. Nothing was saved.")
        } else {
            format!("Setiap lampiran paling besar {mb} MB. Tidak ada yang disimpan.")
        }
    }

    pub(crate) fn c_too_many_files(&self, max: usize) -> String {
        if self.c_en() {
            format!("At most {max} attachments. Nothing was saved.")
        } else {
            format!("Paling banyak {max} lampiran. Tidak ada yang disimpan.")
        }
    }

    /// The label of a console field in the form of `action`, for messages.
    pub(crate) fn c_field(&self, action: &str, field: &str) -> Option<&'static str> {
        Some(match (action, field) {
            (_, "title") => self.c_label_title(),
            (_, "handling_class") => self.c_label_handling_class(),
            ("verify", "agency") => self.c_label_agency(),
            (_, "suggested_agency") => self.c_label_suggested_agency(),
            ("archive", "reason") => self.c_archive_reason_label(),
            ("archive", "text") => self.c_label_referral(),
            ("reject_follow_up", "reason") => self.c_label_reject_reason(),
            (_, "reason") => self.c_pick("Alasan", "Reason"),
            (_, "question") => self.c_label_question(),
            ("follow_up", "text") => self.c_label_follow_up_text(),
            (_, "units") => self.c_units(),
            _ => return None,
        })
    }

    /// A sentence about `problem` on the field labelled `label`.
    pub(crate) fn c_problem(&self, label: &str, problem: Problem) -> String {
        let en = self.c_en();
        match problem {
            Problem::Required if en => format!("{label} is required."),
            Problem::Required => format!("{label} wajib diisi."),
            Problem::TooShort { min } if en => {
                format!("{label} must be at least {min} characters.")
            }
            Problem::TooShort { min } => format!("{label} minimal {min} karakter."),
            Problem::TooLong { max } if en => format!("{label} may be at most {max} characters."),
            Problem::TooLong { max } => format!("{label} maksimal {max} karakter."),
            Problem::UnknownAgency if en => format!("{label}: this agency does not exist."),
            Problem::UnknownAgency => format!("{label}: instansi tidak terdaftar."),
            Problem::InvalidValue if en => format!("{label}: choose one of the options."),
            Problem::InvalidValue => format!("{label}: pilih salah satu pilihan."),
            other => self.problem(label, other),
        }
    }

    pub(crate) fn c_step(&self, step: Step) -> &'static str {
        match step {
            Step::Verification => self.c_pick("Verifikasi", "Verification"),
            Step::FollowUp => self.c_pick("Tindak lanjut", "Follow-up"),
            Step::ReporterWindow => self.c_pick("Tanggapan pelapor", "Reporter's reply"),
        }
    }

    pub(crate) fn c_handling_class(&self, class: HandlingClass) -> &'static str {
        match class {
            HandlingClass::Biasa => self.c_pick("Biasa", "Ordinary (biasa)"),
            HandlingClass::TanpaPemeriksaan => self.c_pick(
                "Tanpa pemeriksaan lapangan",
                "No field examination (tanpa pemeriksaan)",
            ),
            HandlingClass::PemeriksaanLapangan => self.c_pick(
                "Perlu pemeriksaan lapangan",
                "Field examination (pemeriksaan lapangan)",
            ),
        }
    }

    pub(crate) fn c_archive_reason(&self, reason: ArchiveReason) -> &'static str {
        match reason {
            ArchiveReason::Incomplete => self.c_pick(
                "Tidak lengkap (apa, di mana, kapan)",
                "Incomplete (what, where, when)",
            ),
            ArchiveReason::TooGeneral => self.c_pick("Masukan terlalu umum", "Too general"),
            ArchiveReason::NotPublicService => self.c_pick(
                "Bukan tentang pelayanan publik",
                "Not about a public service",
            ),
            ArchiveReason::Duplicate => {
                self.c_pick("Duplikat laporan lain", "Duplicate of another report")
            }
            ArchiveReason::Abusive => self.c_pick("Kasar atau menghina", "Abusive or offensive"),
            ArchiveReason::OutOfScope => self.c_pick(
                "Di luar lingkup (pidana, korupsi, hukum): rujuk ke lembaga berwenang",
                "Out of scope (criminal, corruption, legal): refer to the competent body",
            ),
        }
    }

    /// The label of the text given with a step.
    pub(crate) fn c_reason_label(&self, action: Action) -> &'static str {
        match action {
            Action::RequestInformation => self.c_pick("Pertanyaan", "Question"),
            Action::SupplyInformation | Action::ReporterReply => {
                self.c_pick("Jawaban pelapor", "Reporter's answer")
            }
            Action::Archive => self.c_label_referral(),
            _ => self.c_pick("Alasan", "Reason"),
        }
    }

    pub(crate) fn c_actor(&self, role: ActorRole) -> &'static str {
        match role {
            ActorRole::Reporter => self.c_pick("Pelapor", "Reporter"),
            ActorRole::AdminNasional => self.c_pick("Admin nasional", "National admin"),
            ActorRole::AdminInstansi => self.c_pick("Admin instansi", "Agency admin"),
            ActorRole::AdminUnit => self.c_pick("Admin unit", "Unit admin"),
            ActorRole::System => self.c_pick("Sistem", "System"),
        }
    }

    pub(crate) fn c_role(&self, role: Role) -> &'static str {
        match role {
            Role::AdminNasional => self.c_pick("Admin nasional", "National admin"),
            Role::AdminInstansi => self.c_pick("Admin instansi", "Agency admin"),
            Role::AdminUnit => self.c_pick("Admin unit (penghubung)", "Unit admin (liaison)"),
            Role::Pengawas => self.c_pick("Pengawas (hanya baca)", "Oversight (read only)"),
            Role::Superadmin => self.c_pick("Superadmin", "Superadmin"),
            Role::Citizen => self.c_pick("Warga", "Citizen"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_read_as_phrases_in_both_languages() {
        let (id, en) = (Tr(Lang::Id), Tr(Lang::En));
        assert_eq!(id.c_days_left(2), "2 hari kerja lagi");
        assert_eq!(en.c_days_left(1), "1 working day left");
        assert_eq!(id.c_days_overdue(3), "terlambat 3 hari kerja");
        assert_eq!(en.c_days_overdue(3), "3 working days overdue");
        assert_eq!(id.c_decimal(12.5), "12,5");
        assert_eq!(en.c_decimal(12.5), "12.5");
        assert_eq!(id.c_decimal(4.0), "4");
    }
}
