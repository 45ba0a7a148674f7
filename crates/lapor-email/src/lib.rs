//! E-mail intake of Lapor: reads one RFC 5322 message into plain data ([`ParsedEmail`]),
//! tells people from robots ([`Kind`]), finds the report a reply belongs to
//! ([`ParsedEmail::thread`]) and keeps only what a person wrote in reply
//! ([`strip_quoted`]). Nothing here touches the database or the network.
//!
//! Every input is accepted without panicking: a message that cannot be read at all is an
//! [`Unreadable`] error, everything else becomes a [`ParsedEmail`] with what could be salvaged.
//! [`imap`] fetches new messages from a mailbox with a UID cursor; [`ingest`] and
//! [`poll_mailbox`] hand messages to the app's intake (`App::receive_email`).

mod html;
pub mod imap;
mod intake;
mod parse;
mod quote;
#[cfg(feature = "testing")]
pub mod testing;
mod thread;

pub use html::html_to_text;
pub use intake::{Ingested, ingest, poll_mailbox};
pub use parse::{Attachment, Kind, ParsedEmail, Sender, Unreadable, parse};
pub use quote::strip_quoted;
pub use thread::{ThreadHints, ThreadToken, parse_token};
