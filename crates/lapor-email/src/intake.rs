//! From a parsed message to the app's intake, and from a mailbox to the app.

use lapor_app::{App, AppError, EmailKind, EmailOutcome, IncomingEmail, Upload};
use lapor_domain::tracking::ReportNumber;

use crate::imap::{Cursor, ImapConfig, PollError, Polled, poll};
use crate::{Kind, ParsedEmail, parse, strip_quoted};

impl From<ParsedEmail> for IncomingEmail {
    fn from(mail: ParsedEmail) -> Self {
        let hints = mail.thread();
        IncomingEmail {
            reply_text: strip_quoted(&mail.text),
            message_id: mail.message_id,
            sender_name: mail.from.as_ref().and_then(|s| s.name.clone()),
            sender: mail.from.map(|s| s.address),
            subject: mail.subject,
            text: mail.text,
            attachments: mail
                .attachments
                .into_iter()
                .map(|a| Upload {
                    file_name: a.name,
                    data: a.bytes,
                })
                .collect(),
            kind: match mail.kind {
                Kind::Human => EmailKind::Human,
                Kind::AutoReply => EmailKind::AutoReply,
                Kind::Bounce => EmailKind::Bounce,
            },
            reply_tokens: hints
                .tokens
                .into_iter()
                .map(|t| (ReportNumber(t.number), t.mac))
                .collect(),
            report_numbers: hints.numbers.into_iter().map(ReportNumber).collect(),
        }
    }
}

/// What became of one raw message handed to [`ingest`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ingested {
    Taken(EmailOutcome),
    /// Not a message at all: nothing to record (there is no id to record it under).
    Unreadable,
}

/// Parses `raw` and hands it to the app.
///
/// # Errors
/// Storage failures from the app: the message should be offered again later.
pub async fn ingest(app: &App, raw: &[u8]) -> Result<Ingested, AppError> {
    match parse(raw) {
        Ok(mail) => Ok(Ingested::Taken(app.receive_email(mail.into()).await?)),
        Err(_) => Ok(Ingested::Unreadable),
    }
}

/// Fetches the mailbox's new messages into the app, storing the UID cursor after each.
///
/// # Errors
/// Configuration and server errors; an app error stops polling before that message (it is
/// fetched again next time).
pub async fn poll_mailbox(app: &App, config: &ImapConfig) -> Result<Polled, PollError<AppError>> {
    let key = config.cursor_key();
    let cursor = app
        .email_cursor(&key)
        .await
        .map_err(PollError::Handler)?
        .and_then(|c| Cursor::decode(&c));
    poll(config, cursor, async |next, raw| {
        if let Some(raw) = raw
            && ingest(app, &raw).await? == Ingested::Unreadable
        {
            tracing::warn!(
                uid = next.last_uid,
                "IMAP message is not an e-mail; skipped"
            );
        }
        app.set_email_cursor(&key, &next.encode()).await
    })
    .await
}
