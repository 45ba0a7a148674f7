//! One RFC 5322 message, read with `mail-parser` into plain data.

use std::fmt;

use mail_parser::{
    Address, HeaderName, HeaderValue, Message, MessageParser, MimeHeaders, PartType,
};
use sha2::{Digest, Sha256};

use crate::html::html_to_text;

/// Who sent it, or what: a person to answer, or a robot never to answer (RFC 3834).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Human,
    /// Out-of-office notices, list traffic, anything that says it was sent automatically.
    AutoReply,
    /// A delivery status notification: one of our own e-mails did not arrive.
    Bounce,
}

/// The `From` of a message: an address (lower case) and the display name, if any.
#[derive(Clone, PartialEq, Eq)]
pub struct Sender {
    pub address: String,
    pub name: Option<String>,
}

/// Personal data: never printed by accident.
impl fmt::Debug for Sender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sender(…)")
    }
}

/// A file attached to the message, decoded.
#[derive(Clone, PartialEq, Eq)]
pub struct Attachment {
    /// As the sender named it, or `lampiran-N` when it has no name.
    pub name: String,
    /// `type/subtype`, lower case, as declared (the app checks the bytes themselves).
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl fmt::Debug for Attachment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Attachment")
            .field("content_type", &self.content_type)
            .field("bytes", &self.bytes.len())
            .finish_non_exhaustive()
    }
}

/// What Lapor needs from one message.
#[derive(Clone, PartialEq, Eq)]
pub struct ParsedEmail {
    /// The `Message-ID` without angle brackets; for a message without one (or with one that
    /// is not printable ASCII), `<sha256-prefix>@digest.lapor` over sender, date, subject and
    /// text, so the same message delivered twice still has the same id.
    pub message_id: String,
    /// Ids this message answers: `In-Reply-To` first, then `References` (newest first).
    pub parents: Vec<String>,
    pub from: Option<Sender>,
    /// Where it was sent: `To`, `Cc`, `Delivered-To`, `X-Original-To`, `Envelope-To`
    /// (lower case), since a reply token may sit in any of them.
    pub recipients: Vec<String>,
    /// Decoded, on one line.
    pub subject: String,
    /// The text as written: text/plain preferred, HTML converted when there is no plain part.
    pub text: String,
    pub attachments: Vec<Attachment>,
    pub kind: Kind,
}

/// Message bodies hold complaint text and addresses: only the id and kind are printed.
impl fmt::Debug for ParsedEmail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParsedEmail")
            .field("message_id", &self.message_id)
            .field("kind", &self.kind)
            .field("attachments", &self.attachments.len())
            .finish_non_exhaustive()
    }
}

/// The input is not an e-mail message at all: empty, or without any of `From`, `Sender`,
/// `Subject`, `Message-ID` and `Date`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unreadable;

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "pesan e-mail tidak dapat dibaca: tidak ada header RFC 5322 \
             (the e-mail message cannot be read: no RFC 5322 header)",
        )
    }
}

impl std::error::Error for Unreadable {}

/// Reads one message. Never panics; bad MIME, unknown charsets and invalid UTF-8 are decoded
/// as far as they go (invalid bytes become U+FFFD).
///
/// # Errors
/// [`Unreadable`] when the bytes are not a message.
pub fn parse(raw: &[u8]) -> Result<ParsedEmail, Unreadable> {
    let message = MessageParser::default().parse(raw).ok_or(Unreadable)?;
    // The parser finds "headers" in almost any bytes; a message has at least one of these.
    let known = [
        HeaderName::From,
        HeaderName::Sender,
        HeaderName::Subject,
        HeaderName::MessageId,
        HeaderName::Date,
    ];
    if !message.headers().iter().any(|h| known.contains(&h.name)) {
        return Err(Unreadable);
    }
    let from = message.from().and_then(Address::first).and_then(|addr| {
        let address = clean_address(addr.address()?)?;
        let name = addr.name().map(one_line).filter(|n| !n.is_empty());
        Some(Sender { address, name })
    });
    let subject = message.subject().map(one_line).unwrap_or_default();
    let text = body_text(&message);
    let message_id = message
        .message_id()
        .map(str::trim)
        .filter(|id| valid_id(id))
        .map_or_else(
            || digest_id(&message, from.as_ref(), &subject, &text),
            str::to_owned,
        );
    let mut parents = ids(message.in_reply_to());
    parents.extend(ids(message.references()).into_iter().rev());
    dedupe(&mut parents);
    let kind = classify(&message, from.as_ref());
    Ok(ParsedEmail {
        message_id,
        parents,
        recipients: recipients(&message),
        from,
        subject,
        text,
        attachments: attachments(&message),
        kind,
    })
}

/// Bounces first: a bounce often also carries `Auto-Submitted`, and it says more.
fn classify(message: &Message<'_>, from: Option<&Sender>) -> Kind {
    let null_sender = message
        .header_raw("Return-Path")
        .is_some_and(|v| v.trim() == "<>");
    let daemon = from.is_some_and(|s| {
        s.address
            .split('@')
            .next()
            .is_some_and(|local| local == "mailer-daemon")
    });
    let report = message.content_type().is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case("multipart")
            && ct
                .subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("report"))
            && ct
                .attribute("report-type")
                .is_some_and(|t| t.eq_ignore_ascii_case("delivery-status"))
    });
    if null_sender || daemon || report {
        return Kind::Bounce;
    }
    let auto_submitted = raw_values(message, "Auto-Submitted").any(|v| {
        !v.split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .eq_ignore_ascii_case("no")
    });
    let precedence = raw_values(message, "Precedence").any(|v| {
        ["bulk", "junk", "list", "auto_reply"]
            .iter()
            .any(|p| v.trim().eq_ignore_ascii_case(p))
    });
    let flagged = raw_values(message, "X-Autoreply")
        .chain(raw_values(message, "X-Autorespond"))
        .next()
        .is_some();
    if auto_submitted || precedence || flagged {
        Kind::AutoReply
    } else {
        Kind::Human
    }
}

/// Every value of a top-level header, as text (folding undone, surrounding space trimmed).
fn raw_values<'m>(message: &'m Message<'_>, name: &'m str) -> impl Iterator<Item = String> + 'm {
    message
        .headers()
        .iter()
        .filter(move |h| h.name().eq_ignore_ascii_case(name))
        .filter_map(|h| match h.value() {
            HeaderValue::Text(t) => Some(one_line(t)),
            HeaderValue::TextList(list) => Some(one_line(&list.join(" "))),
            _ => None,
        })
}

fn recipients(message: &Message<'_>) -> Vec<String> {
    let mut all: Vec<String> = message
        .all_to()
        .chain(message.all_cc())
        .flat_map(Address::iter)
        .filter_map(|a| a.address())
        .filter_map(clean_address)
        .collect();
    for header in ["Delivered-To", "X-Original-To", "Envelope-To"] {
        all.extend(
            raw_values(message, header)
                .filter_map(|v| clean_address(v.trim_start_matches('<').trim_end_matches('>'))),
        );
    }
    dedupe(&mut all);
    all
}

/// All text bodies, in order: a message may interleave text with inline pictures.
fn body_text(message: &Message<'_>) -> String {
    let parts: Vec<String> = message
        .text_bodies()
        .filter_map(|part| match &part.body {
            PartType::Text(text) => Some(text.to_string()),
            PartType::Html(html) => Some(html_to_text(html)),
            _ => None,
        })
        .collect();
    normalise_text(&parts.join("\n"))
}

fn attachments(message: &Message<'_>) -> Vec<Attachment> {
    message
        .attachments()
        .enumerate()
        .map(|(i, part)| {
            let content_type = part.content_type().map_or_else(
                || "application/octet-stream".to_owned(),
                |ct| {
                    format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or("octet-stream"))
                        .to_ascii_lowercase()
                },
            );
            let name = part
                .attachment_name()
                .map(one_line)
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| format!("lampiran-{}", i + 1));
            Attachment {
                name,
                content_type,
                bytes: part.contents().to_vec(),
            }
        })
        .collect()
}

/// Message-ID grammar, loosely: `left@right`, printable ASCII, a sane length.
fn valid_id(id: &str) -> bool {
    (3..=250).contains(&id.len())
        && id.contains('@')
        && id
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'<' && b != b'>')
}

fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    let list: Vec<&str> = match value {
        HeaderValue::Text(id) => vec![id.as_ref()],
        HeaderValue::TextList(ids) => ids.iter().map(AsRef::as_ref).collect(),
        _ => Vec::new(),
    };
    list.into_iter()
        .map(str::trim)
        .filter(|id| valid_id(id))
        .map(str::to_owned)
        .collect()
}

/// The same message delivered twice (a retrying MTA, a re-polled mailbox) yields the same
/// id; the `Received` headers that differ between deliveries are left out.
fn digest_id(message: &Message<'_>, from: Option<&Sender>, subject: &str, text: &str) -> String {
    let mut hash = Sha256::new();
    for part in [
        from.map_or("", |s| s.address.as_str()),
        message.header_raw("Date").unwrap_or_default().trim(),
        subject,
        text,
    ] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    let digest = hash.finalize();
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("{hex}@digest.lapor")
}

/// `Local@Domain` → `local@domain`, or `None` when it is not one address.
fn clean_address(address: &str) -> Option<String> {
    let address = address.trim();
    let (local, domain) = address.rsplit_once('@')?;
    let ok = !local.is_empty()
        && !domain.is_empty()
        && address.len() <= 254
        && address
            .chars()
            .all(|c| !c.is_whitespace() && !c.is_control() && !matches!(c, '<' | '>' | ','));
    ok.then(|| address.to_lowercase())
}

/// Header text on one line: folding, tabs and control characters become single spaces.
fn one_line(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Line ends to `\n`, trailing spaces and control characters gone, at most one blank line
/// in a row, no blank lines around.
fn normalise_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.replace("\r\n", "\n").replace('\r', "\n").lines() {
        let line: String = line
            .chars()
            .filter(|c| !c.is_control() || *c == '\t')
            .collect();
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(line);
    }
    out
}

fn dedupe(list: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    list.retain(|item| seen.insert(item.clone()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_checked_and_lower_cased() {
        assert_eq!(
            clean_address(" Budi.Santoso@Example.ID "),
            Some("budi.santoso@example.id".to_owned())
        );
        for bad in ["", "budi", "@example.id", "budi@", "a b@c.d", "a@b,c@d"] {
            assert_eq!(clean_address(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn text_is_normalised() {
        assert_eq!(
            normalise_text("\r\n\r\nSatu  \r\nDua\r\n\r\n\r\n\r\nTiga\u{0}\r\n\r\n"),
            "Satu\nDua\n\nTiga"
        );
    }

    #[test]
    fn headers_fold_to_one_line() {
        assert_eq!(
            one_line(" Jalan\r\n\trusak\u{7} parah "),
            "Jalan rusak parah"
        );
    }
}
