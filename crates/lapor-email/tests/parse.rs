//! Real-world messages as mail clients write them, read the way the intake needs them.
#![allow(clippy::unwrap_used)]

use lapor_email::{Kind, ThreadToken, parse, strip_quoted};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn gmail_alternative_prefers_the_plain_part() {
    let mail = parse(&fixture("gmail_alternative.eml")).unwrap();
    assert_eq!(mail.kind, Kind::Human);
    assert_eq!(
        mail.message_id,
        "CAJx5v3kP2nq8Yr0=Vb7wT_3mXqLZ9a+uK8fE1hD2sG4jR6tYw@mail.gmail.com"
    );
    let from = mail.from.as_ref().unwrap();
    assert_eq!(from.address, "budi.santoso@gmail.com");
    assert_eq!(from.name.as_deref(), Some("Budi Santoso"));
    assert_eq!(
        mail.subject,
        "Jalan berlubang di Jl. Merdeka – mohon segera diperbaiki"
    );
    assert!(mail.recipients.contains(&"lapor@lapor.go.id".to_owned()));
    assert!(
        mail.text.starts_with(
            "Selamat siang,\n\nSaya ingin melaporkan jalan berlubang di Jl. Merdeka No. 12, Kelurahan Citarum,\n"
        ),
        "{}",
        mail.text
    );
    assert!(mail.text.contains("jatuh – mohon"));
    assert!(mail.text.ends_with("Terima kasih,\nBudi Santoso"));
    assert!(!mail.text.contains("<div"));
    assert!(mail.attachments.is_empty());
    assert!(mail.parents.is_empty());
    assert!(mail.thread().is_empty());
}

#[test]
fn outlook_quoted_printable_latin1_with_crlf() {
    let mail = parse(&fixture("outlook_qp_latin1.eml")).unwrap();
    assert_eq!(mail.kind, Kind::Human);
    let from = mail.from.as_ref().unwrap();
    assert_eq!(from.name.as_deref(), Some("André Pérez"));
    assert_eq!(from.address, "andre.perez@outlook.co.id");
    assert_eq!(
        mail.subject,
        "e-KTP belum jadi setelah tiga bulan · Kecamatan Sukajadi"
    );
    assert!(
        mail.text.contains("Saya, André Pérez, warga"),
        "{}",
        mail.text
    );
    assert!(mail.text.contains("\"blanko habis\""));
    assert!(!mail.text.contains('\r'));
}

#[test]
fn yahoo_base64_utf8_with_a_photo() {
    let mail = parse(&fixture("yahoo_base64_jpeg.eml")).unwrap();
    assert_eq!(mail.subject, "Sampah menumpuk di TPS Pasar Minggu");
    assert!(
        mail.text
            .starts_with("Yth. Admin LAPOR,\n\nSampah menumpuk")
    );
    assert!(mail.text.contains("Jl. Raya Ragunan, Pasar Minggu"));
    assert_eq!(mail.attachments.len(), 1, "{:?}", mail.attachments);
    let photo = &mail.attachments[0];
    assert_eq!(photo.name, "foto-tps-pasar-minggu.jpg");
    assert_eq!(photo.content_type, "image/jpeg");
    assert!(photo.bytes.starts_with(&[0xFF, 0xD8, 0xFF]));
    assert!(photo.bytes.ends_with(&[0xFF, 0xD9]));
}

#[test]
fn html_only_webmail_becomes_text() {
    let mail = parse(&fixture("html_only_zimbra.eml")).unwrap();
    assert_eq!(
        mail.text,
        "Kepada Yth. Pengelola LAPOR!\n\
         Lampu penerangan jalan umum di Jl. Diponegoro depan Gedung Sate mati total sejak tanggal 1 November.\n\
         Mohon segera diperbaiki karena rawan kecelakaan & kejahatan.\n\
         Wassalam,\n\
         Rahmat Hidayat"
    );
}

#[test]
fn reply_threads_by_address_subject_and_in_reply_to_and_loses_its_quote() {
    let mail = parse(&fixture("reply_quoted.eml")).unwrap();
    assert_eq!(mail.kind, Kind::Human);
    assert_eq!(
        mail.from.as_ref().unwrap().address,
        "budi.santoso@gmail.com"
    );
    assert_eq!(
        mail.parents,
        vec![
            "report-1.17@lapor".to_owned(),
            "report-1.3@lapor".to_owned()
        ]
    );
    let hints = mail.thread();
    assert_eq!(
        hints.tokens,
        vec![ThreadToken {
            number: 1,
            mac: "5f0c2a9d7e31b846".to_owned()
        }]
    );
    assert_eq!(hints.numbers, vec![1]);
    assert_eq!(
        strip_quoted(&mail.text),
        "Belum selesai, Pak. Lubangnya hanya ditimbun tanah dan sekarang\n\
         berlubang lagi setelah hujan semalam.\n\nBudi"
    );
}

#[test]
fn out_of_office_is_an_auto_reply() {
    let mail = parse(&fixture("out_of_office.eml")).unwrap();
    assert_eq!(mail.kind, Kind::AutoReply);
    // It still points at the report, which is exactly why it must not be taken as an answer.
    assert!(!mail.thread().is_empty());
}

#[test]
fn mailer_daemon_delivery_status_is_a_bounce() {
    let mail = parse(&fixture("bounce_dsn.eml")).unwrap();
    assert_eq!(mail.kind, Kind::Bounce);
    assert_eq!(
        mail.message_id,
        "20261111030003.4Q8aB2cDeFz9tP@mx.lapor.go.id"
    );
}

#[test]
fn malformed_mime_is_salvaged_and_gets_a_stable_id() {
    let raw = fixture("malformed_mime.eml");
    let mail = parse(&raw).unwrap();
    assert_eq!(mail.kind, Kind::Human);
    assert_eq!(mail.from.as_ref().unwrap().address, "warga@example.id");
    assert!(
        mail.text.contains("Air PDAM di rumah kami keruh"),
        "{}",
        mail.text
    );
    assert!(mail.subject.starts_with("Keluhan air PDAM"));
    // No Message-ID: the id is derived from the content, the same on every delivery.
    assert!(
        mail.message_id.ends_with("@digest.lapor"),
        "{}",
        mail.message_id
    );
    let mut redelivered = b"Received: from relay2.example.id by mx.lapor.go.id\n".to_vec();
    redelivered.extend_from_slice(&raw);
    assert_eq!(parse(&redelivered).unwrap().message_id, mail.message_id);
}

#[test]
fn nothing_readable_is_an_error() {
    for raw in [&b""[..], b"\n\n\n", b"\r\n", b"\0\0\0\0"] {
        assert!(parse(raw).is_err(), "{raw:?}");
    }
}

fn headers(extra: &str) -> Vec<u8> {
    format!(
        "From: Ani <ani@example.id>\nTo: lapor@lapor.go.id\nSubject: Tes\n\
         Message-ID: <x@example.id>\n{extra}\nIsi pesan.\n"
    )
    .into_bytes()
}

#[test]
fn robots_are_told_apart_by_their_headers() {
    let kind = |extra: &str| parse(&headers(extra)).unwrap().kind;
    assert_eq!(kind(""), Kind::Human);
    assert_eq!(kind("Auto-Submitted: no\n"), Kind::Human);
    assert_eq!(kind("Precedence: first-class\n"), Kind::Human);
    assert_eq!(kind("Auto-Submitted: auto-generated\n"), Kind::AutoReply);
    assert_eq!(
        kind("Auto-Submitted: Auto-Replied; owner-email=a@b\n"),
        Kind::AutoReply
    );
    for p in ["bulk", "junk", "list", "auto_reply", " Bulk "] {
        assert_eq!(kind(&format!("Precedence:{p}\n")), Kind::AutoReply, "{p}");
    }
    assert_eq!(kind("X-Autoreply: yes\n"), Kind::AutoReply);
    assert_eq!(kind("X-Autorespond: Saya sedang cuti\n"), Kind::AutoReply);
    assert_eq!(kind("Return-Path: <>\n"), Kind::Bounce);
    assert_eq!(kind("Return-Path: <ani@example.id>\n"), Kind::Human);
    assert_eq!(
        kind("Content-Type: multipart/report; report-type=delivery-status; boundary=b\n"),
        Kind::Bounce
    );
    let daemon = "From: Mail Delivery Subsystem <MAILER-DAEMON@googlemail.com>\nTo: lapor@lapor.go.id\n\
                  Subject: Delivery Status Notification (Failure)\n\nGagal.\n";
    assert_eq!(parse(daemon.as_bytes()).unwrap().kind, Kind::Bounce);
}

#[test]
fn recipients_include_envelope_headers() {
    let mail = parse(&headers(
        "Cc: \"Kantor\" <Kantor@Example.id>, lain@example.id\n\
         X-Original-To: lapor+0000042-00112233445566aa@lapor.go.id\n",
    ))
    .unwrap();
    assert_eq!(
        mail.recipients,
        vec![
            "lapor@lapor.go.id",
            "kantor@example.id",
            "lain@example.id",
            "lapor+0000042-00112233445566aa@lapor.go.id"
        ]
    );
    assert_eq!(mail.thread().tokens[0].number, 42);
}
