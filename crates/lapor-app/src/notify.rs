//! Notifications: what reporters and officers are told, in their language, and the seam to
//! the mail server. Messages are written to the outbox (the `jobs` table) in the same
//! transaction as the change they announce, and rendered and sent by a worker; in-app
//! notifications are written directly.

use std::future::Future;
use std::pin::Pin;

use lapor_domain::tracking::ReportNumber;
use serde::{Deserialize, Serialize};

/// One e-mail to send.
#[derive(Clone, PartialEq, Eq)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub text: String,
    /// `<report-N.K@lapor>`: replies can be threaded to the report later.
    pub message_id: String,
    pub language: Language,
    /// The report's reply token, on e-mails to its reporter: the mailer adds it to the
    /// Reply-To address (`lapor+TOKEN@…`) so an answer comes back to the report.
    pub reply_token: Option<String>,
}

impl std::fmt::Debug for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Email")
            .field("message_id", &self.message_id)
            .finish_non_exhaustive()
    }
}

/// Why an e-mail was not sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailError {
    /// Worth retrying later (connection refused, timeout, 4xx).
    #[error("temporary mail failure: {0}")]
    Transient(String),
    /// Retrying will not help (bad address, 5xx).
    #[error("permanent mail failure: {0}")]
    Permanent(String),
}

/// The outside world's mail server, injected (SMTP in production, a recorder in tests).
pub trait Mailer: Send + Sync {
    fn send<'a>(
        &'a self,
        email: &'a Email,
    ) -> Pin<Box<dyn Future<Output = Result<(), MailError>> + Send + 'a>>;
}

/// A deployment without mail: messages are dropped with a log line (the in-app notices and
/// the web pages still tell everyone what happened).
pub struct NoMail;

impl Mailer for NoMail {
    fn send<'a>(
        &'a self,
        email: &'a Email,
    ) -> Pin<Box<dyn Future<Output = Result<(), MailError>> + Send + 'a>> {
        Box::pin(async move {
            tracing::info!(message_id = %email.message_id, "no mail server configured; e-mail not sent");
            Ok(())
        })
    }
}

/// The two languages of Lapor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Id,
    En,
}

impl Language {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Language::Id => "id",
            Language::En => "en",
        }
    }

    /// Anything but English is Indonesian: Indonesian first.
    #[must_use]
    pub fn from_code(code: &str) -> Self {
        if code.eq_ignore_ascii_case("en") {
            Language::En
        } else {
            Language::Id
        }
    }
}

/// What a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Notice {
    // To the reporter.
    Received,
    Routed,
    InformationRequested,
    Archived,
    Returned,
    FollowUpPublished,
    Closed,
    Reopened,
    OmbudsmanOffered,
    EscalatedOmbudsman,
    // To officers.
    AssignedToAgency,
    DisposedToUnit,
    FollowUpAwaitingApproval,
    FollowUpRejected,
    ReturnedToAgency,
    /// The national admin took back an automatic routing to this agency.
    RoutingWithdrawn,
    ReporterAnswered,
    Overdue,
    OverdueEscalated,
}

/// The facts a message is rendered from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeData {
    /// Shown only in the receipt to the reporter's own address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    /// A reason, question, or the follow-up's text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
}

/// Renders `(subject, body)` for `notice` about report `number` titled `title`.
#[must_use]
pub fn render(
    notice: Notice,
    lang: Language,
    number: ReportNumber,
    title: &str,
    data: &NoticeData,
) -> (String, String) {
    let en = lang == Language::En;
    let agency = data.agency.as_deref().unwrap_or("-");
    let text = data.text.as_deref().unwrap_or("");
    let due = data.due.as_deref().unwrap_or("-");
    let (subject, lead): (String, String) = match (notice, en) {
        (Notice::Received, false) => (
            "Laporan Anda telah kami terima".into(),
            format!("Terima kasih. Laporan Anda sudah tercatat dan akan diverifikasi paling lambat {due}."),
        ),
        (Notice::Received, true) => (
            "We have received your report".into(),
            format!("Thank you. Your report is recorded and will be verified by {due}."),
        ),
        (Notice::Routed, false) => (
            "Laporan Anda diteruskan".into(),
            format!("Laporan Anda telah diverifikasi dan diteruskan kepada {agency}, yang wajib menindaklanjuti paling lambat {due}."),
        ),
        (Notice::Routed, true) => (
            "Your report has been forwarded".into(),
            format!("Your report was verified and forwarded to {agency}, which must follow it up by {due}."),
        ),
        (Notice::InformationRequested, false) => (
            "Kami memerlukan keterangan tambahan".into(),
            format!("Admin meminta keterangan tambahan untuk laporan Anda:\n\n{text}\n\nJawab melalui halaman lacak laporan. Batas waktu verifikasi berhenti sampai Anda menjawab."),
        ),
        (Notice::InformationRequested, true) => (
            "We need more information".into(),
            format!("The admin asks for more information about your report:\n\n{text}\n\nAnswer on the tracking page. The verification deadline is paused until you answer."),
        ),
        (Notice::Archived, false) => (
            "Laporan Anda diarsipkan".into(),
            format!("Laporan Anda tidak dapat diproses lebih lanjut dan diarsipkan.\nAlasan: {text}"),
        ),
        (Notice::Archived, true) => (
            "Your report was archived".into(),
            format!("Your report cannot be processed further and was archived.\nReason: {text}"),
        ),
        (Notice::Returned, false) => (
            "Laporan Anda dialihkan kembali".into(),
            format!("{agency} menyatakan laporan Anda bukan wewenangnya: {text}\nAdmin nasional akan meneruskannya ke instansi yang berwenang."),
        ),
        (Notice::Returned, true) => (
            "Your report is being re-routed".into(),
            format!("{agency} says your report is not within its authority: {text}\nThe national admin will forward it to the competent agency."),
        ),
        (Notice::FollowUpPublished, false) => (
            "Tindak lanjut atas laporan Anda".into(),
            format!("{agency} menindaklanjuti laporan Anda:\n\n{text}\n\nAnda dapat menanggapi, menyatakan selesai, atau memberi penilaian sampai {due}. Tanpa tanggapan, laporan ditutup otomatis."),
        ),
        (Notice::FollowUpPublished, true) => (
            "Follow-up on your report".into(),
            format!("{agency} followed up your report:\n\n{text}\n\nYou may answer, confirm it is resolved, or rate it until {due}. Without an answer the report closes automatically."),
        ),
        (Notice::Closed, false) => (
            "Laporan Anda selesai".into(),
            "Laporan Anda telah ditutup. Anda masih dapat memberi penilaian atas penanganannya.".into(),
        ),
        (Notice::Closed, true) => (
            "Your report is closed".into(),
            "Your report has been closed. You can still rate how it was handled.".into(),
        ),
        (Notice::Reopened, false) => (
            "Laporan dibuka kembali".into(),
            format!("Pelapor membuka kembali laporan ini: {text}"),
        ),
        (Notice::Reopened, true) => (
            "Report reopened".into(),
            format!("The reporter reopened this report: {text}"),
        ),
        (Notice::OmbudsmanOffered, false) => (
            "Laporan Anda dapat dilimpahkan ke Ombudsman".into(),
            "Laporan Anda belum selesai setelah 60 hari. Dengan persetujuan Anda, laporan dapat dilimpahkan ke Ombudsman RI melalui halaman lacak laporan.".into(),
        ),
        (Notice::OmbudsmanOffered, true) => (
            "Your report can go to the Ombudsman".into(),
            "Your report is still unresolved after 60 days. With your consent it can be handed to the Ombudsman of Indonesia from the tracking page.".into(),
        ),
        (Notice::EscalatedOmbudsman, false) => (
            "Laporan dilimpahkan ke Ombudsman".into(),
            "Atas persetujuan pelapor, laporan ini dilimpahkan ke Ombudsman RI.".into(),
        ),
        (Notice::EscalatedOmbudsman, true) => (
            "Report handed to the Ombudsman".into(),
            "With the reporter's consent this report was handed to the Ombudsman of Indonesia.".into(),
        ),
        (Notice::AssignedToAgency, false) => (
            "Laporan baru untuk instansi Anda".into(),
            format!("Laporan ini diteruskan kepada {agency}. Tindak lanjut pertama paling lambat {due}."),
        ),
        (Notice::AssignedToAgency, true) => (
            "New report for your agency".into(),
            format!("This report was forwarded to {agency}. The first follow-up is due by {due}."),
        ),
        (Notice::DisposedToUnit, false) => (
            "Disposisi laporan".into(),
            format!("Laporan ini didisposisikan kepada {agency}. Tindak lanjut paling lambat {due}."),
        ),
        (Notice::DisposedToUnit, true) => (
            "Report assigned to your unit".into(),
            format!("This report was assigned to {agency}. The follow-up is due by {due}."),
        ),
        (Notice::FollowUpAwaitingApproval, false) => (
            "Tindak lanjut menunggu persetujuan".into(),
            format!("{agency} menulis tindak lanjut yang menunggu persetujuan Anda sebelum dikirim ke pelapor."),
        ),
        (Notice::FollowUpAwaitingApproval, true) => (
            "Follow-up awaiting approval".into(),
            format!("{agency} wrote a follow-up that awaits your approval before the reporter sees it."),
        ),
        (Notice::FollowUpRejected, false) => (
            "Tindak lanjut dikembalikan untuk diperbaiki".into(),
            format!("Tindak lanjut dikembalikan oleh admin instansi: {text}"),
        ),
        (Notice::FollowUpRejected, true) => (
            "Follow-up sent back for revision".into(),
            format!("The agency admin sent the follow-up back: {text}"),
        ),
        (Notice::ReturnedToAgency, false) => (
            "Unit mengembalikan laporan".into(),
            format!("Unit yang didisposisi mengembalikan laporan ini kepada instansi: {text}\nMohon disposisikan ulang atau tangani sendiri."),
        ),
        (Notice::ReturnedToAgency, true) => (
            "A unit handed the report back".into(),
            format!("The unit it was assigned to handed this report back to the agency: {text}\nPlease assign it again or handle it yourselves."),
        ),
        (Notice::RoutingWithdrawn, false) => (
            "Disposisi otomatis dibatalkan".into(),
            format!("Admin nasional membatalkan disposisi otomatis laporan ini ke instansi Anda; laporan tidak perlu ditangani: {text}"),
        ),
        (Notice::RoutingWithdrawn, true) => (
            "Automatic routing withdrawn".into(),
            format!("The national admins withdrew the automatic routing of this report to your agency; it needs no action from you: {text}"),
        ),
        (Notice::ReporterAnswered, false) => (
            "Pelapor menanggapi tindak lanjut".into(),
            format!("Tanggapan pelapor:\n\n{text}\n\nTindak lanjut berikutnya paling lambat {due}."),
        ),
        (Notice::ReporterAnswered, true) => (
            "The reporter answered the follow-up".into(),
            format!("The reporter's answer:\n\n{text}\n\nThe next follow-up is due by {due}."),
        ),
        (Notice::Overdue, false) => (
            "Batas waktu terlewati".into(),
            format!("Batas waktu laporan ini terlewati ({due}). Mohon segera ditangani oleh {agency}."),
        ),
        (Notice::Overdue, true) => (
            "Deadline missed".into(),
            format!("This report's deadline passed ({due}). Please have {agency} handle it now."),
        ),
        (Notice::OverdueEscalated, false) => (
            "Eskalasi: tindak lanjut terlambat".into(),
            format!("{agency} belum menindaklanjuti laporan ini sejak batas waktu {due}. Laporan dieskalasi kepada Anda."),
        ),
        (Notice::OverdueEscalated, true) => (
            "Escalation: follow-up overdue".into(),
            format!("{agency} has not followed this report up since its deadline of {due}. It is escalated to you."),
        ),
    };
    let number_line = if en {
        format!("Report #{number}: {title}")
    } else {
        format!("Laporan #{number}: {title}")
    };
    let code_line = data.tracking_code.as_deref().map_or(String::new(), |code| {
        if en {
            format!("\n\nYour tracking code (keep it secret; it is the only way to follow the report without an account): {code}")
        } else {
            format!("\n\nKode pelacakan Anda (rahasiakan; hanya dengan kode ini laporan dapat diikuti tanpa akun): {code}")
        }
    });
    let footer = if en {
        "\n\n-- \nLapor: public service complaints (SP4N-LAPOR!). This message was sent automatically."
    } else {
        "\n\n-- \nLapor: pengaduan pelayanan publik (SP4N-LAPOR!). Pesan ini dikirim otomatis."
    };
    (
        format!("[Lapor #{number}] {subject}"),
        format!("{number_line}\n\n{lead}{code_line}{footer}"),
    )
}

/// A short one-line text for the in-app notification list.
#[must_use]
pub fn headline(notice: Notice, lang: Language, number: ReportNumber, title: &str) -> String {
    let (subject, _) = render(notice, lang, number, title, &NoticeData::default());
    let subject = subject
        .split_once("] ")
        .map_or(subject.as_str(), |(_, s)| s);
    format!("#{number} {title}: {subject}")
}

/// The SMS a reporter who wrote by SMS gets for `notice`: the report number, what happened
/// and what they can answer, in one 160-character segment where possible.
#[must_use]
pub fn render_sms(
    notice: Notice,
    lang: Language,
    number: ReportNumber,
    data: &NoticeData,
) -> String {
    let en = lang == Language::En;
    let (subject, _) = render(notice, lang, number, "", data);
    let what = subject
        .split_once("] ")
        .map_or(subject.as_str(), |(_, s)| s)
        .trim_end_matches([':', ' ']);
    let hint = match notice {
        Notice::FollowUpPublished | Notice::InformationRequested => {
            if en {
                " Reply to this SMS to answer."
            } else {
                " Balas SMS ini untuk menanggapi."
            }
        }
        _ => "",
    };
    let text = data
        .text
        .as_deref()
        .map(|t| format!(": {}", t.split_whitespace().collect::<Vec<_>>().join(" ")))
        .unwrap_or_default();
    // Measured in GSM-7 units (what a segment holds), not characters: one curly quote in an
    // officer's text would otherwise turn the SMS into UCS-2 at 70 characters a part.
    let room = lapor_domain::sms::SINGLE_SMS.saturating_sub(lapor_domain::sms::units(hint));
    let body = lapor_domain::sms::fit(&format!("LAPOR #{number} {what}{text}"), room);
    format!("{body}{hint}")
}
