//! Whatever arrives on the MTA pipe: no panic, and what a client encodes comes back intact.
#![allow(clippy::unwrap_used)]

use lapor_email::{html_to_text, parse, strip_quoted};
use proptest::prelude::*;

/// Standard base64 (RFC 4648), for building test messages.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Words of printable characters (Indonesian, Latin-1, emoji, CJK alike), single spaces.
fn words(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec("[^\\s\\p{C}]{1,12}", 1..max).prop_map(|w| w.join(" "))
}

/// A message that starts like one, then anything.
fn messy_message() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::collection::vec(any::<u8>(), 0..400),
        prop::sample::select(vec![
            "Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\n",
            "Content-Type: text/html; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n",
            "Content-Type: multipart/alternative; boundary=b\n\n--b\nContent-Transfer-Encoding: base64\n\n",
            "Content-Type: multipart/report; report-type=delivery-status; boundary=\"\"\n\n",
            "Subject: =?utf-8?B?\n",
            "",
        ]),
    )
        .prop_map(|(tail, head)| {
            let mut raw = b"From: a@b.c\nSubject: x\n".to_vec();
            raw.extend_from_slice(head.as_bytes());
            raw.extend(tail);
            raw
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn arbitrary_bytes_never_panic(raw in prop::collection::vec(any::<u8>(), 0..2000)) {
        if let Ok(mail) = parse(&raw) {
            let _ = mail.thread();
            let _ = strip_quoted(&mail.text);
        }
    }

    #[test]
    fn broken_mime_never_panics(raw in messy_message()) {
        let mail = parse(&raw).unwrap();
        let _ = mail.thread();
        let _ = strip_quoted(&mail.text);
    }

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        let _ = html_to_text(&text);
        let _ = strip_quoted(&text);
    }

    #[test]
    fn subject_and_body_round_trip(
        subject in words(8),
        lines in prop::collection::vec(words(10), 1..8),
        quoted_printable in any::<bool>(),
    ) {
        let body = lines.join("\n");
        let encoded_body = if quoted_printable {
            // Every byte escaped: the strictest reading of quoted-printable.
            let escaped: Vec<String> = body
                .split('\n')
                .map(|line| line.bytes().map(|b| format!("={b:02X}")).collect())
                .collect();
            escaped.join("\n")
        } else {
            base64(body.as_bytes())
        };
        let raw = format!(
            "From: Warga <warga@example.id>\nTo: lapor@lapor.go.id\n\
             Subject: =?UTF-8?B?{}?=\nMessage-ID: <p@example.id>\nMIME-Version: 1.0\n\
             Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: {}\n\n{}\n",
            base64(subject.as_bytes()),
            if quoted_printable { "quoted-printable" } else { "base64" },
            encoded_body,
        );
        let mail = parse(raw.as_bytes()).unwrap();
        prop_assert_eq!(&mail.subject, &subject);
        prop_assert_eq!(&mail.text, &body);
    }
}
