//! The SMS channel behind the gateway: one SMS in, one reply SMS out. Parsing and texts are
//! in `lapor_domain::sms`; everything that files or changes a report goes through the same
//! use cases as the web (`App::submit`, the reporter read path, `reporter_act_inbound`).

use chrono::{DateTime, Utc};
use lapor_domain::report::{BODY_MIN, Channel, ReportInput};
use lapor_domain::sms::{self, SmsCommand, reply};
use lapor_domain::tracking::{ReportNumber, TrackingCode};
use lapor_domain::user::Phone;

use crate::notify::Language;
use crate::workflow::{ReporterCase, ReporterCommand, ReporterKey};
use crate::{App, AppError, InboundOutcome, RateLimit, Result, Submission};

/// Longest title derived from an SMS: the first words, enough for an officer's list.
const TITLE_CHARS: usize = 60;

/// Shortest answer to an officer (as on the tracking page).
const ANSWER_MIN: usize = 5;

/// One SMS as the gateway delivered it.
#[derive(Clone)]
pub struct InboundSms {
    /// The sender as the gateway wrote it (`081…`, `6281…`, `+6281…`).
    pub from: String,
    /// The number it was sent to (the short code).
    pub to: String,
    pub text: String,
    /// The gateway's own id of the message (Kannel's `%I`): the same id is never acted on
    /// twice.
    pub message_id: String,
    pub received_at: DateTime<Utc>,
}

/// The sender and the text are personal data.
impl std::fmt::Debug for InboundSms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InboundSms")
            .field("message_id", &self.message_id)
            .field("received_at", &self.received_at)
            .finish_non_exhaustive()
    }
}

impl App {
    /// Handles one SMS and returns the reply to send back (one GSM-7 segment where possible).
    ///
    /// `LAPOR <isi>` files a report, `CEK <kode>` tells its status and latest follow-up,
    /// `BALAS <kode> <isi>` (or any text from a number with exactly one report awaiting its
    /// answer) answers the officers; anything else gets the help text. A message id seen
    /// before changes nothing: a replayed report is answered with its number. Bad input is
    /// always a reply, never an error.
    ///
    /// # Errors
    /// Only on storage failure (the gateway should retry; the message id makes that safe).
    pub async fn receive_sms(&self, sms: InboundSms) -> Result<String> {
        let id = sms.message_id.trim();
        if let Some((outcome, report)) = self.inbound_seen(Channel::Sms, id).await? {
            tracing::info!(message_id = id, %outcome, "SMS delivered again; nothing changed");
            // A filing goes through the intake again: within the idempotency window it answers
            // with the first receipt, tracking code included (the gateway resends exactly when
            // our first answer was lost, and without the code the reporter could never follow
            // the report). A repeated question gets the help text.
            match (outcome.as_str(), report) {
                ("report", Some(_)) => {}
                ("reply", Some(number)) => return Ok(reply::answer_received(number)),
                _ => return Ok(reply::help()),
            }
        }
        let Some(phone) = Phone::parse(&sms.from) else {
            self.record_sms(id, InboundOutcome::Refused, None).await?;
            return Ok(reply::foreign_number());
        };
        if sms::is_oversize(&sms.text) {
            self.record_sms(id, InboundOutcome::Refused, None).await?;
            return Ok(reply::too_long());
        }
        // Not recorded: a flood is what the limit is for, and each record is a write.
        match self.rate_limit(RateLimit::Phone, phone.as_str()).await {
            Ok(()) => {}
            Err(AppError::RateLimited {
                retry_after_secs,
                first,
            }) => {
                tracing::info!(message_id = id, "SMS refused: rate limit of the sender");
                // Every answer is a billed SMS: say it once per window, then stay silent
                // (Kannel sends nothing for an empty body with `omit-empty = true`).
                return Ok(if first {
                    reply::rate_limited(retry_after_secs)
                } else {
                    String::new()
                });
            }
            Err(other) => return Err(other),
        }
        let command = SmsCommand::parse(&sms.text);
        tracing::info!(
            message_id = id,
            command = command_name(&command),
            "SMS received"
        );
        match command {
            SmsCommand::Lapor { isi } => self.sms_report(id, &phone, &isi).await,
            SmsCommand::Cek { kode } => self.sms_status(id, kode.as_ref()).await,
            SmsCommand::Balas {
                kode: Some(kode),
                isi,
            } => {
                self.sms_answer(id, ReporterKey::Code(kode.as_str()), &isi)
                    .await
            }
            SmsCommand::Balas { kode: None, isi } | SmsCommand::Teks(isi) => {
                self.sms_free_text(id, &phone, &isi).await
            }
            SmsCommand::Bantuan | SmsCommand::Kosong => {
                self.record_sms(id, InboundOutcome::Help, None).await?;
                Ok(reply::help())
            }
        }
    }

    async fn record_sms(
        &self,
        id: &str,
        outcome: InboundOutcome,
        report: Option<ReportNumber>,
    ) -> Result<()> {
        self.record_inbound(Channel::Sms, id, outcome, report)
            .await
            .map(|_| ())
    }

    /// `LAPOR <isi>`: a pengaduan with the sender as contact, titled by its first words.
    async fn sms_report(&self, id: &str, phone: &Phone, isi: &str) -> Result<String> {
        if isi.chars().count() < BODY_MIN {
            self.record_sms(id, InboundOutcome::Refused, None).await?;
            return Ok(reply::report_too_short(BODY_MIN));
        }
        let title = sms::title_from(isi, TITLE_CHARS);
        let input = ReportInput {
            classification: Some("pengaduan"),
            title: Some(&title),
            body: Some(isi),
            reporter_phone: Some(phone.as_str()),
            ..ReportInput::default()
        };
        let mut submission = Submission::new(input, Channel::Sms);
        submission.language = Language::Id;
        submission.inbound = Some(id.to_owned());
        submission.idempotency = Some((
            format!("sms:{id}"),
            lapor_domain::tracking::sha256_hex(format!("{}\n{isi}", phone.as_str()).as_bytes()),
        ));
        match self.submit(submission).await {
            Ok(receipt) => {
                let number = ReportNumber::parse(&receipt.number)
                    .ok_or(AppError::Internal("receipt without a report number"))?;
                let code = TrackingCode::parse(&receipt.tracking_code)
                    .ok_or(AppError::Internal("receipt without a tracking code"))?;
                Ok(reply::receipt(number, &code))
            }
            // Delivered twice at the same moment: the other delivery filed it.
            Err(AppError::AlreadyReceived(Some(number))) => Ok(reply::already_received(number)),
            Err(AppError::AlreadyReceived(None) | AppError::IdempotencyKeyReused) => {
                Ok(reply::help())
            }
            Err(AppError::Invalid(errors)) => {
                tracing::info!(message_id = id, ?errors, "SMS report refused");
                self.record_sms(id, InboundOutcome::Refused, None).await?;
                Ok(reply::report_refused("isi laporan tidak dapat dibaca."))
            }
            Err(other) => Err(other),
        }
    }

    /// `CEK <kode>`: the status and the start of the latest published follow-up.
    async fn sms_status(&self, id: &str, kode: Option<&TrackingCode>) -> Result<String> {
        let case = match kode {
            Some(kode) => match self.reporter_case(ReporterKey::Code(kode.as_str())).await {
                Ok(case) => Some(case),
                Err(AppError::NotFound) => None,
                Err(other) => return Err(other),
            },
            None => None,
        };
        let Some(case) = case else {
            self.record_sms(id, InboundOutcome::Help, None).await?;
            return Ok(reply::unknown_code());
        };
        let report = &case.report.record.report;
        let latest = case
            .follow_ups
            .iter()
            .filter(|f| f.published_at.is_some())
            .max_by_key(|f| f.published_at)
            .map(|f| f.body.as_str());
        self.record_sms(id, InboundOutcome::Status, Some(report.number))
            .await?;
        Ok(reply::status(
            report.number,
            sms::status_name(report.status),
            latest,
        ))
    }

    /// Text from a number with one report awaiting its answer goes to that report.
    async fn sms_free_text(&self, id: &str, phone: &Phone, text: &str) -> Result<String> {
        let awaiting = self.reports_awaiting_reply_from(phone.as_str()).await?;
        match awaiting.as_slice() {
            [number] => {
                let key = ReporterKey::Contact {
                    number: *number,
                    contact: phone.as_str(),
                };
                self.sms_answer(id, key, text).await
            }
            [] => {
                self.record_sms(id, InboundOutcome::Help, None).await?;
                Ok(reply::not_understood())
            }
            _ => {
                self.record_sms(id, InboundOutcome::Help, None).await?;
                Ok(reply::which_report())
            }
        }
    }

    /// The reporter's answer: to the national admin's question while the report is on hold,
    /// else to the agency's follow-up.
    async fn sms_answer(&self, id: &str, key: ReporterKey<'_>, text: &str) -> Result<String> {
        let case: ReporterCase = match self.reporter_case(key).await {
            Ok(case) => case,
            Err(AppError::NotFound) => {
                self.record_sms(id, InboundOutcome::Help, None).await?;
                return Ok(reply::unknown_code());
            }
            Err(other) => return Err(other),
        };
        let number = case.report.record.report.number;
        let text = text.to_owned();
        let command = if case.options.supply_information {
            ReporterCommand::SupplyInformation { text }
        } else if case.options.reply {
            ReporterCommand::Reply { text }
        } else {
            self.record_sms(id, InboundOutcome::Refused, Some(number))
                .await?;
            return Ok(reply::not_awaiting(number));
        };
        match self
            .reporter_act_inbound(key, command, Channel::Sms, id)
            .await
        {
            Ok(_) => Ok(reply::answer_received(number)),
            Err(AppError::Invalid(_)) => {
                self.record_sms(id, InboundOutcome::Refused, Some(number))
                    .await?;
                Ok(reply::answer_too_short(ANSWER_MIN))
            }
            Err(AppError::Refused(_) | AppError::Conflict) => {
                self.record_sms(id, InboundOutcome::Refused, Some(number))
                    .await?;
                Ok(reply::not_awaiting(number))
            }
            Err(other) => Err(other),
        }
    }
}

/// For the log: which command, never its text.
fn command_name(command: &SmsCommand) -> &'static str {
    match command {
        SmsCommand::Lapor { .. } => "lapor",
        SmsCommand::Cek { .. } => "cek",
        SmsCommand::Balas { .. } => "balas",
        SmsCommand::Bantuan => "bantuan",
        SmsCommand::Teks(_) => "text",
        SmsCommand::Kosong => "empty",
    }
}
