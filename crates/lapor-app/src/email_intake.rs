//! The e-mail channel behind the one intake: a message, already read at the edge (the
//! `lapor-email` crate parses MIME; this crate never sees it), becomes a new report, the
//! reporter's answer to their report, or a record of a message deliberately left alone
//! (auto-replies and bounces are never answered, so two robots cannot mail each other forever).
//!
//! Replies find their report by a reply token that only our own e-mails carry (HMAC of the
//! report number under a server secret), in the `lapor+TOKEN@` address or the subject tag,
//! or by the report number in the subject or `In-Reply-To` when the sender is the reporter.

use hmac::Mac;
use lapor_domain::report::{BODY_MAX, Channel, ReportInput, TITLE_MAX, TITLE_MIN};
use lapor_domain::tracking::ReportNumber;
use lapor_domain::user::Email as EmailAddress;
use lapor_store::ReportKey;
use rand::Rng;

use crate::channels::{InboundOutcome, RateLimit};
use crate::workflow::{MAX_ATTACHMENTS, ReporterCommand, ReporterKey, Upload};
use crate::{App, AppError, Result, Submission};

/// Where the reply secret is kept (generated on first use).
const SECRET_KEY: &str = "email.reply_secret";
/// Hex digits of the MAC in a reply token (64 bits: a guess costs one e-mail, and the
/// sender is rate limited).
const MAC_HEX: usize = 16;

/// One e-mail as the intake needs it: plain data, filled in by the parser at the edge.
#[derive(Clone)]
pub struct IncomingEmail {
    /// The Message-ID (or, without one, a digest of the message): the same message never
    /// counts twice.
    pub message_id: String,
    /// The `From` address, if the message has one.
    pub sender: Option<String>,
    pub sender_name: Option<String>,
    pub subject: String,
    /// The whole text, for a new report.
    pub text: String,
    /// The text without quoted history and signature, for an answer.
    pub reply_text: String,
    pub attachments: Vec<Upload>,
    pub kind: EmailKind,
    /// Reply tokens found (`report number`, MAC as hex), still to be checked.
    pub reply_tokens: Vec<(ReportNumber, String)>,
    /// Report numbers named without proof (subject tag, `In-Reply-To`).
    pub report_numbers: Vec<ReportNumber>,
}

/// Personal data and complaint text: only the id is printed.
impl std::fmt::Debug for IncomingEmail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IncomingEmail")
            .field("message_id", &self.message_id)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

/// Who wrote it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailKind {
    Human,
    /// Out of office, list traffic: anything marked as sent automatically.
    AutoReply,
    /// A delivery failure report.
    Bounce,
}

/// What became of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailOutcome {
    /// A new report; the reporter gets the usual receipt by e-mail through the outbox.
    Filed(ReportNumber),
    /// The reporter's answer (or the information the admin asked for) on their report.
    Answered(ReportNumber),
    /// Recorded and left alone, for this reason.
    Ignored(IgnoredEmail),
    /// Delivered before; nothing new was stored.
    AlreadyReceived(Option<ReportNumber>),
}

/// Why a message was recorded without acting on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IgnoredEmail {
    /// An auto-reply or a bounce.
    Automated,
    /// No usable sender address: nobody to file for or answer.
    NoSender,
    /// Too many messages from this address within the hour.
    RateLimited,
    /// Points at a report this sender cannot act on (not theirs, or no such report).
    UnknownReport,
    /// A reply to a report that is not waiting for its reporter now.
    NotAwaitingReply,
    /// Too short or otherwise not a report (or an empty answer).
    Invalid,
}

impl IgnoredEmail {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            IgnoredEmail::Automated => "automated",
            IgnoredEmail::NoSender => "no_sender",
            IgnoredEmail::RateLimited => "rate_limited",
            IgnoredEmail::UnknownReport => "unknown_report",
            IgnoredEmail::NotAwaitingReply => "not_awaiting_reply",
            IgnoredEmail::Invalid => "invalid",
        }
    }
}

impl App {
    /// Takes one e-mail in. Replays (the same Message-ID) change nothing.
    ///
    /// # Errors
    /// Only storage failures (and a report that moved meanwhile): the message can be offered
    /// again later, and nothing half-done stays behind.
    pub async fn receive_email(&self, email: IncomingEmail) -> Result<EmailOutcome> {
        let id = email.message_id.as_str();
        if let Some((_, report)) = self.inbound_seen(Channel::Email, id).await? {
            return Ok(EmailOutcome::AlreadyReceived(report));
        }
        let thread = self.email_thread(&email).await?;
        if email.kind != EmailKind::Human {
            return self
                .ignore_email(id, IgnoredEmail::Automated, thread.map(|t| t.0))
                .await;
        }
        let Some(sender) = email
            .sender
            .as_deref()
            .and_then(EmailAddress::parse)
            .map(|e| e.as_str().to_owned())
        else {
            return self.ignore_email(id, IgnoredEmail::NoSender, None).await;
        };
        match self.rate_limit(RateLimit::Account, &sender).await {
            Err(AppError::RateLimited { .. }) => {
                return self
                    .ignore_email(id, IgnoredEmail::RateLimited, thread.map(|t| t.0))
                    .await;
            }
            other => other?,
        }
        match thread {
            Some((number, true)) => self.answer_by_email(&email, &sender, number).await,
            // A number without a valid token proves nothing: `From` is not authenticated and
            // report numbers are public, so anyone could answer in the reporter's name.
            Some((number, false)) => {
                self.ignore_email(id, IgnoredEmail::UnknownReport, Some(number))
                    .await
            }
            None => self.file_by_email(email, &sender).await,
        }
    }

    /// The reply token our e-mails about `number` carry: `0000042-3f9a1c2b7d4e8f01`.
    ///
    /// # Errors
    /// On storage failure (the secret is read, and made on first use).
    pub async fn email_reply_token(&self, number: ReportNumber) -> Result<String> {
        let mac = self.reply_mac(number).await?.finalize().into_bytes();
        let hex: String = mac.iter().map(|b| format!("{b:02x}")).collect();
        Ok(format!("{number}-{}", &hex[..MAC_HEX]))
    }

    /// The stored position of an IMAP mailbox poller (`key` names account and mailbox).
    ///
    /// # Errors
    /// On storage failure.
    pub async fn email_cursor(&self, key: &str) -> Result<Option<String>> {
        self.stored(key).await
    }

    /// Stores an IMAP poller's position.
    ///
    /// # Errors
    /// On storage failure.
    pub async fn set_email_cursor(&self, key: &str, value: &str) -> Result<()> {
        Ok(self.db.set_setting(key, value).await?)
    }

    /// The report a message points at: `(number, proven)`, where proven means a valid reply
    /// token (the sender got our e-mail about it). A bare number is taken only as a claim.
    async fn email_thread(&self, email: &IncomingEmail) -> Result<Option<(ReportNumber, bool)>> {
        for (number, mac) in &email.reply_tokens {
            let Some(tag) = decode_hex(mac) else { continue };
            if self
                .reply_mac(*number)
                .await?
                .verify_truncated_left(&tag)
                .is_ok()
            {
                return Ok(Some((*number, true)));
            }
        }
        Ok(email.report_numbers.first().map(|n| (*n, false)))
    }

    /// An answer to `number`: the reporter's reply to a follow-up, or the information the
    /// admin asked for, whichever the report waits for.
    async fn answer_by_email(
        &self,
        email: &IncomingEmail,
        sender: &str,
        number: ReportNumber,
    ) -> Result<EmailOutcome> {
        let id = email.message_id.as_str();
        // The token speaks for the reporter even from another address (a forwarded mailbox,
        // an alias): act with the address the report was filed with.
        let contact = self
            .db
            .load_report(ReportKey::Number(number), false)
            .await?
            .and_then(|r| r.reporter.and_then(|c| c.email))
            .unwrap_or_else(|| sender.to_owned());
        let key = ReporterKey::Contact {
            number,
            contact: &contact,
        };
        let options = match self.reporter_case(key).await {
            Ok(case) => case.options,
            Err(AppError::NotFound) => {
                return self
                    .ignore_email(id, IgnoredEmail::UnknownReport, None)
                    .await;
            }
            Err(e) => return Err(e),
        };
        let text = email.reply_text.trim().to_owned();
        let command = if options.supply_information {
            ReporterCommand::SupplyInformation { text }
        } else if options.reply {
            ReporterCommand::Reply { text }
        } else {
            return self
                .ignore_email(id, IgnoredEmail::NotAwaitingReply, Some(number))
                .await;
        };
        match self
            .reporter_act_inbound(key, command, Channel::Email, id)
            .await
        {
            Ok(true) => Ok(EmailOutcome::Answered(number)),
            Ok(false) => Ok(EmailOutcome::AlreadyReceived(Some(number))),
            Err(AppError::Invalid(_)) => {
                self.ignore_email(id, IgnoredEmail::Invalid, Some(number))
                    .await
            }
            Err(AppError::Refused(_)) => {
                self.ignore_email(id, IgnoredEmail::NotAwaitingReply, Some(number))
                    .await
            }
            Err(e) => Err(e),
        }
    }

    /// A new report from the subject and text, filed for the sender's address.
    async fn file_by_email(&self, email: IncomingEmail, sender: &str) -> Result<EmailOutcome> {
        let title = title_of(&email.subject, &email.text);
        // What the person wrote, without the signature (name, phone, NIK) and quoted history
        // that would otherwise be published with the report; the whole text only when that
        // leaves too little (a bare forward).
        let written = email.reply_text.trim();
        let body = clip(
            if written.chars().count() >= lapor_domain::report::BODY_MIN {
                written
            } else {
                &email.text
            },
            BODY_MAX,
        );
        let name = email
            .sender_name
            .as_deref()
            .map(|n| clip(n, 100))
            .filter(|n| !n.is_empty() && !n.contains('@'));
        let input = ReportInput {
            classification: Some("pengaduan"),
            title: Some(&title),
            body: Some(&body),
            reporter_name: name.as_deref(),
            reporter_email: Some(sender),
            ..ReportInput::default()
        };
        let mut submission = Submission::new(input, Channel::Email);
        submission.attachments = usable_attachments(email.attachments);
        submission.inbound = Some(email.message_id.clone());
        match self.submit(submission).await {
            Ok(receipt) => Ok(EmailOutcome::Filed(
                ReportNumber::parse(&receipt.number)
                    .ok_or(AppError::Internal("receipt without report number"))?,
            )),
            Err(AppError::AlreadyReceived(report)) => Ok(EmailOutcome::AlreadyReceived(report)),
            Err(AppError::Invalid(_)) => {
                self.ignore_email(&email.message_id, IgnoredEmail::Invalid, None)
                    .await
            }
            Err(e) => Err(e),
        }
    }

    async fn ignore_email(
        &self,
        id: &str,
        why: IgnoredEmail,
        report: Option<ReportNumber>,
    ) -> Result<EmailOutcome> {
        let outcome = if why == IgnoredEmail::Automated {
            InboundOutcome::Automated
        } else {
            InboundOutcome::Refused
        };
        tracing::info!(reason = why.code(), "e-mail recorded without action");
        Ok(
            if self
                .record_inbound(Channel::Email, id, outcome, report)
                .await?
            {
                EmailOutcome::Ignored(why)
            } else {
                EmailOutcome::AlreadyReceived(report)
            },
        )
    }

    async fn stored(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .db
            .settings()
            .await?
            .into_iter()
            .find_map(|(k, v)| (k == key).then_some(v)))
    }

    /// HMAC-SHA256 under the server's reply secret, fed with the report number.
    async fn reply_mac(&self, number: ReportNumber) -> Result<hmac::Hmac<sha2::Sha256>> {
        let secret = self.reply_secret().await?;
        let mut mac = <hmac::Hmac<sha2::Sha256> as Mac>::new_from_slice(secret.as_bytes())
            .map_err(|_| AppError::Internal("HMAC key rejected"))?;
        mac.update(b"lapor-email-reply:");
        mac.update(number.0.to_string().as_bytes());
        Ok(mac)
    }

    /// The secret, made on first use; when two processes make it at once, the first stored
    /// wins and both use it.
    async fn reply_secret(&self) -> Result<String> {
        if let Some(secret) = self.stored(SECRET_KEY).await? {
            return Ok(secret);
        }
        let bytes: [u8; 32] = rand::rng().random();
        let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        Ok(self.db.setting_or_insert(SECRET_KEY, &secret).await?)
    }
}

/// `[Lapor #0000042] …` becomes `[Lapor #0000042-3f9a…] …`: the subject carries the reply
/// token, so a reply threads even when the client drops the plus-address.
pub(crate) fn tag_subject(subject: &str, number: ReportNumber, token: &str) -> String {
    let plain = format!("[Lapor #{number}]");
    match subject.strip_prefix(&plain) {
        Some(rest) => format!("[Lapor #{token}]{rest}"),
        None => format!("[Lapor #{token}] {subject}"),
    }
}

/// The subject, or (when it is too short to be a title) the first line of the text, cut to
/// the title's length.
fn title_of(subject: &str, text: &str) -> String {
    let subject = subject.trim();
    if subject.chars().count() >= TITLE_MIN {
        return clip(subject, TITLE_MAX);
    }
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or(subject);
    clip(first, TITLE_MAX)
}

/// At most `max` characters, ending with `…` when cut.
fn clip(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.truncate(cut.trim_end().len());
    cut.push('…');
    cut
}

/// The attachments the intake accepts (photos and PDFs within the size limit), at most
/// [`MAX_ATTACHMENTS`]: a signature logo or a stray `.docx` must not cost the report.
fn usable_attachments(attachments: Vec<Upload>) -> Vec<Upload> {
    attachments
        .into_iter()
        .filter(|u| App::check_uploads(vec![u.clone()]).is_ok_and(|ok| !ok.is_empty()))
        .take(MAX_ATTACHMENTS)
        .collect()
}

fn decode_hex(hex: &str) -> Option<Vec<u8>> {
    if hex.len() != MAC_HEX {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_get_the_token() {
        let n = ReportNumber(42);
        assert_eq!(
            tag_subject("[Lapor #0000042] Laporan Anda", n, "0000042-00aa"),
            "[Lapor #0000042-00aa] Laporan Anda"
        );
        assert_eq!(
            tag_subject("Lain", n, "0000042-00aa"),
            "[Lapor #0000042-00aa] Lain"
        );
    }

    #[test]
    fn titles_come_from_the_subject_or_the_first_line() {
        assert_eq!(title_of("  Jalan rusak ", "isi"), "Jalan rusak");
        assert_eq!(
            title_of("Re", "\n\n  Lampu jalan mati\nsudah lama"),
            "Lampu jalan mati"
        );
        let long = "a".repeat(400);
        let title = title_of(&long, "");
        assert_eq!(title.chars().count(), TITLE_MAX);
        assert!(title.ends_with('…'));
    }

    #[test]
    fn hex_macs_decode_strictly() {
        assert_eq!(decode_hex("00ff10aa00ff10aa").map(|v| v.len()), Some(8));
        assert_eq!(decode_hex("00ff10aa00ff10a"), None);
        assert_eq!(decode_hex("00ff10aa00ff10zz"), None);
        assert_eq!(decode_hex("é0ff10aa00ff10a"), None);
    }
}
