//! Sending through a real SMTP server (python3-aiosmtpd, via `lapor_smtp::testing`).
//!
//! Tests that need the server print one skip line and pass where aiosmtpd is missing, unless
//! `LAPOR_TEST_REQUIRE_SMTP=1`. The others (configuration, unreachable server, bad address)
//! always run.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use lapor_smtp::testing::SmtpServer;
use lapor_smtp::{OutgoingMail, Security, SmtpConfig, SmtpError, SmtpMailer};

const FROM: &str = "Lapor <noreply@lapor.example>";

fn mailer(url: &str) -> SmtpMailer {
    SmtpMailer::new(SmtpConfig::from_url(url, FROM).unwrap()).unwrap()
}

fn mail(to: &str, subject: &str) -> OutgoingMail {
    OutgoingMail {
        to: to.to_owned(),
        subject: subject.to_owned(),
        text: "Terima kasih.".to_owned(),
        ..OutgoingMail::default()
    }
}

/// A port on 127.0.0.1 where nothing listens (bound, then released).
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[tokio::test]
async fn indonesian_message_arrives_intact_with_threading_headers() {
    let Some(server) = SmtpServer::start() else {
        return;
    };
    let subject = "Laporan Anda #0000123 telah ditindaklanjuti — terima kasih";
    // Long enough to be folded, with a line starting with "." that SMTP must dot-stuff.
    let text = "Yth. Bapak/Ibu Pelapor,\n\
                \n\
                Laporan Anda tentang jalan rusak di Kecamatan Cibeunying Kaler telah \
                ditindaklanjuti oleh Dinas Pekerjaan Umum — perbaikan dijadwalkan pekan depan.\n\
                Anggaran perbaikan: Rp1.500.000 (café di ujung jalan ikut terdampak).\n\
                .\n\
                . titik di awal baris\n\
                \n\
                Salam,\n\
                Tim SP4N-LAPOR!";
    let sent = OutgoingMail {
        to: "budi.santoso@example.id".to_owned(),
        subject: subject.to_owned(),
        text: text.to_owned(),
        message_id: Some("<report-123.4@lapor>".to_owned()),
        in_reply_to: Some("<report-123.3@lapor>".to_owned()),
        language: Some("id".to_owned()),
    };
    mailer(&server.url()).send(&sent).await.unwrap();

    let received = server.wait_for(1);
    assert_eq!(received.len(), 1);
    let got = &received[0];
    assert_eq!(got.subject, subject);
    assert_eq!(got.text, text);
    assert_eq!(got.envelope_to, ["budi.santoso@example.id"]);
    assert_eq!(got.to, ["budi.santoso@example.id"]);
    assert_eq!(got.envelope_from, "noreply@lapor.example");
    assert_eq!(got.from.as_deref(), Some("noreply@lapor.example"));
    assert_eq!(got.from_name.as_deref(), Some("Lapor"));
    assert_eq!(got.message_id.as_deref(), Some("<report-123.4@lapor>"));
    assert_eq!(got.in_reply_to.as_deref(), Some("<report-123.3@lapor>"));
    assert_eq!(got.references.as_deref(), Some("<report-123.3@lapor>"));
    assert_eq!(got.content_language.as_deref(), Some("id"));
    // Mail relays without 8BITMIME must be able to carry it: the wire form is ASCII.
    assert!(got.raw.is_ascii(), "{}", got.raw);
    let raw = got.raw.to_ascii_lowercase();
    assert!(raw.contains("\r\nmime-version: 1.0\r\n"), "{}", got.raw);
    assert!(
        raw.contains("\r\ncontent-type: text/plain; charset=utf-8\r\n"),
        "{}",
        got.raw
    );
}

#[tokio::test]
async fn message_without_id_gets_one() {
    let Some(server) = SmtpServer::start() else {
        return;
    };
    mailer(&server.url())
        .send(&mail("siti@example.id", "Status laporan"))
        .await
        .unwrap();
    let got = &server.wait_for(1)[0];
    let id = got.message_id.as_deref().unwrap();
    assert!(
        id.starts_with('<') && id.ends_with('>') && id.contains('@'),
        "{id}"
    );
    assert_eq!(
        (got.in_reply_to.as_deref(), got.content_language.as_deref()),
        (None, None)
    );
    assert_eq!(got.text, "Terima kasih.");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_messages_all_arrive() {
    let Some(server) = SmtpServer::start() else {
        return;
    };
    let mailer = mailer(&server.url());
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..12 {
        let mailer = mailer.clone();
        tasks.spawn(async move {
            let mut m = mail(&format!("warga{i}@example.id"), &format!("Laporan #{i:07}"));
            m.message_id = Some(format!("<report-{i}.1@lapor>"));
            mailer.send(&m).await
        });
    }
    while let Some(result) = tasks.join_next().await {
        result.unwrap().unwrap();
    }
    let received = server.wait_for(12);
    assert_eq!(received.len(), 12);
    let pairs: BTreeSet<(String, String)> = received
        .iter()
        .map(|m| (m.envelope_to.join(","), m.subject.clone()))
        .collect();
    let expected: BTreeSet<(String, String)> = (0..12)
        .map(|i| (format!("warga{i}@example.id"), format!("Laporan #{i:07}")))
        .collect();
    assert_eq!(pairs, expected);
    // The pool is reused afterwards.
    mailer
        .send(&mail("lagi@example.id", "Sekali lagi"))
        .await
        .unwrap();
    assert_eq!(server.wait_for(13).len(), 13);
}

#[tokio::test]
async fn unreachable_server_is_a_transient_error() {
    let err = mailer(&format!("smtp://127.0.0.1:{}", closed_port()))
        .send(&mail("budi@example.id", "Halo"))
        .await
        .unwrap_err();
    assert!(matches!(err, SmtpError::Transient(_)), "{err:?}");
    assert!(err.is_transient());
    assert!(!err.to_string().contains("budi"), "{err}");
}

#[tokio::test]
async fn server_that_never_answers_times_out_as_transient() {
    // Accepts the connection but never sends its greeting.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let holder = tokio::spawn(async move {
        let (_socket, _) = listener.accept().await.unwrap();
        tokio::time::sleep(Duration::from_secs(30)).await;
    });
    let started = Instant::now();
    let err = mailer(&format!("smtp://127.0.0.1:{port}?timeout=1"))
        .send(&mail("budi@example.id", "Halo"))
        .await
        .unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    holder.abort();
}

#[tokio::test]
async fn invalid_recipient_is_refused_before_connecting() {
    // Nothing listens there: reaching the network would give a transient error instead.
    let mailer = mailer(&format!("smtp://127.0.0.1:{}", closed_port()));
    for bad in [
        "",
        "budi",
        "budi@",
        "@example.id",
        "budi@example.id, siti@example.id",
        "Budi <budi@example.id>",
        "budi@example.id\r\nBcc: x@example.id",
    ] {
        let err = mailer.send(&mail(bad, "Halo")).await.unwrap_err();
        assert!(
            matches!(err, SmtpError::InvalidAddress(_)),
            "{bad:?}: {err:?}"
        );
        assert!(!err.is_transient());
        if bad.len() > 4 {
            assert!(!err.to_string().contains(bad), "{err}");
        }
    }
}

#[tokio::test]
async fn rejected_recipient_is_permanent_and_the_error_hides_the_address() {
    let Some(server) = SmtpServer::start() else {
        return;
    };
    let err = mailer(&server.url())
        .send(&mail("reject.budi@example.id", "Halo"))
        .await
        .unwrap_err();
    assert!(matches!(err, SmtpError::Permanent(_)), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("550"), "{text}");
    assert!(!text.contains("reject.budi"), "{text}");
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn deferred_recipient_is_transient() {
    let Some(server) = SmtpServer::start() else {
        return;
    };
    let mailer = mailer(&server.url());
    let err = mailer
        .send(&mail("defer.siti@example.id", "Halo"))
        .await
        .unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    assert!(err.to_string().contains("451"), "{err}");
    assert!(!err.to_string().contains("defer.siti"), "{err}");
    // The failed transaction leaves the mailer usable.
    mailer
        .send(&mail("siti@example.id", "Halo lagi"))
        .await
        .unwrap();
    assert_eq!(server.wait_for(1)[0].envelope_to, ["siti@example.id"]);
}

#[test]
fn from_url_accepts_the_three_schemes() {
    let plain = SmtpConfig::from_url("smtp://127.0.0.1:2525", FROM).unwrap();
    assert_eq!(
        (plain.host.as_str(), plain.port, plain.security),
        ("127.0.0.1", 2525, Security::None)
    );
    assert_eq!((plain.username, plain.password), (None, None));
    assert_eq!(plain.from, FROM);
    assert_eq!(plain.timeout, SmtpConfig::DEFAULT_TIMEOUT);

    let starttls =
        SmtpConfig::from_url("smtp+starttls://lapor:rahasia@mail.example.id:587", FROM).unwrap();
    assert_eq!(
        (starttls.host.as_str(), starttls.port, starttls.security),
        ("mail.example.id", 587, Security::StartTls)
    );
    assert_eq!(starttls.username.as_deref(), Some("lapor"));
    assert_eq!(starttls.password.as_deref(), Some("rahasia"));

    let tls = SmtpConfig::from_url(
        "smtps://lapor:rahasia@mail.example.id?from=Dinas%20PU%20%3Cpu%40example.id%3E&timeout=5",
        FROM,
    )
    .unwrap();
    assert_eq!((tls.port, tls.security), (465, Security::Tls));
    assert_eq!(tls.from, "Dinas PU <pu@example.id>");
    assert_eq!(tls.timeout, Duration::from_secs(5));

    // Default ports.
    assert_eq!(SmtpConfig::from_url("smtp://relay", FROM).unwrap().port, 25);
    assert_eq!(
        SmtpConfig::from_url("smtp+starttls://relay", FROM)
            .unwrap()
            .port,
        587
    );

    for config in [
        plain_config(),
        SmtpConfig::from_url("smtps://h", FROM).unwrap(),
    ] {
        SmtpMailer::new(config).unwrap();
    }
}

fn plain_config() -> SmtpConfig {
    SmtpConfig::from_url("smtp://localhost", FROM).unwrap()
}

#[test]
fn from_url_rejects_garbage_with_a_clear_message() {
    let cases = [
        ("not a url", "not a URL"),
        ("", "not a URL"),
        ("http://mail.example.id", "scheme `http` is not supported"),
        ("smtp://", "names no host"),
        ("smtp://mail.example.id:99999", "not a URL"),
        ("smtp://mail.example.id/inbox", "has a path"),
        (
            "smtp://mail.example.id?tls=required",
            "parameter `tls` is unknown",
        ),
        ("smtp://mail.example.id?timeout=soon", "timeout `soon`"),
        ("smtp://mail.example.id?timeout=0", "timeout `0`"),
        ("smtp://lapor:rahasia@mail.example.id", "travel in clear"),
        ("smtps://lapor@mail.example.id", "given together"),
        ("smtps://mail.example.id?from=nobody", "sender `nobody`"),
    ];
    for (url, expected) in cases {
        let err = SmtpConfig::from_url(url, FROM).unwrap_err();
        assert!(matches!(err, SmtpError::InvalidConfig(_)), "{url}: {err:?}");
        let text = err.to_string();
        assert!(text.contains(expected), "{url}: {text}");
        assert!(!text.contains("rahasia"), "{url}: {text}");
    }
    let err = SmtpConfig::from_url("smtp://relay", "not an address").unwrap_err();
    assert!(err.to_string().contains("sender"), "{err}");
}

#[test]
fn mailer_rejects_a_config_that_cannot_work() {
    let mut config = plain_config();
    config.from = "Lapor <noreply@lapor.example>, Lain <lain@example.id>".to_owned();
    assert!(matches!(
        SmtpMailer::new(config),
        Err(SmtpError::InvalidConfig(_))
    ));
    let mut config = plain_config();
    config.username = Some("lapor".to_owned());
    config.password = Some("rahasia".to_owned());
    let err = SmtpMailer::new(config).err().unwrap();
    assert!(err.to_string().contains("travel in clear"), "{err}");
}

#[tokio::test]
async fn starttls_that_the_server_does_not_offer_is_refused_not_skipped() {
    let Some(server) = SmtpServer::start() else {
        return;
    };
    // The test server speaks plain SMTP only: sending in clear instead would be a downgrade.
    let url = format!("smtp+starttls://127.0.0.1:{}", server.port());
    let err = mailer(&url)
        .send(&mail("budi@example.id", "Halo"))
        .await
        .unwrap_err();
    assert!(matches!(err, SmtpError::Permanent(_)), "{err:?}");
    assert!(err.to_string().contains("STARTTLS"), "{err}");
    let url = format!("smtps://127.0.0.1:{}", server.port());
    let err = mailer(&url)
        .send(&mail("budi@example.id", "Halo"))
        .await
        .unwrap_err();
    assert!(matches!(err, SmtpError::Permanent(_)), "{err:?}");
    assert!(err.to_string().contains("TLS could not be set up"), "{err}");
    assert!(server.received().is_empty());
}
