//! The e-mail intake as an MTA and an operator use it: `lapor ingest-email` on a pipe, with
//! the exit codes Postfix and Exim understand, and `lapor poll-imap` against a real Dovecot.

#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

use lapor_email::testing::Dovecot;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../lapor-email/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn lapor(db: &str, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lapor"))
        .arg("--database")
        .arg(db)
        .args(args)
        .env_remove("LAPOR_DATABASE_URL")
        .env_remove("LAPOR_IMAP_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A closed pipe (the command refused early) is the command's answer, not a test error.
    let _ = child.stdin.take().unwrap().write_all(stdin);
    child.wait_with_output().unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Nothing the sender wrote or is called reaches the terminal or the MTA's bounce.
fn assert_private(out: &Output) {
    let all = text(out).to_lowercase();
    for personal in ["budi", "santoso", "gmail", "merdeka", "siti", "yahoo"] {
        assert!(!all.contains(personal), "{personal} printed:\n{all}");
    }
}

#[test]
fn ingest_email_stores_once_and_speaks_sysexits() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("lapor.db");
    let db = db.to_str().unwrap();
    let gmail = fixture("gmail_alternative.eml");

    let first = lapor(db, &["ingest-email"], &gmail);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first));
    assert!(
        String::from_utf8_lossy(&first.stdout).contains("stored: new report 0000001"),
        "{}",
        text(&first)
    );
    assert_private(&first);

    // The MTA delivers it again (a retry after a lost answer): exit 0, nothing new.
    let again = lapor(db, &["ingest-email"], &gmail);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert!(String::from_utf8_lossy(&again.stdout).contains("already received"));
    assert_private(&again);

    // A bounce is taken (exit 0, so the MTA does not bounce the bounce) and ignored.
    let bounce = lapor(db, &["ingest-email"], &fixture("bounce_dsn.eml"));
    assert_eq!(bounce.status.code(), Some(0), "{}", text(&bounce));
    assert!(String::from_utf8_lossy(&bounce.stdout).contains("ignored: automated"));

    // Not an e-mail: EX_DATAERR, and the database is not even opened.
    let garbage = lapor(db, &["ingest-email"], b"\x00\x01\x02 bukan e-mail");
    assert_eq!(garbage.status.code(), Some(65), "{}", text(&garbage));

    // The database is down: EX_TEMPFAIL, so the MTA keeps the message and retries.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let down = lapor(
        &format!("postgres://lapor@127.0.0.1:{closed}/lapor"),
        &["ingest-email"],
        &gmail,
    );
    assert_eq!(down.status.code(), Some(75), "{}", text(&down));
    assert_private(&down);
}

#[test]
fn poll_imap_takes_each_message_once() {
    let Some(server) = Dovecot::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("lapor.db");
    let db = db.to_str().unwrap();
    let url = server.url();
    server.deliver(&fixture("gmail_alternative.eml"));
    server.deliver(&fixture("yahoo_base64_jpeg.eml"));
    server.deliver(&fixture("out_of_office.eml"));

    let first = lapor(db, &["poll-imap", "--imap-url", &url], b"");
    assert!(first.status.success(), "{}", text(&first));
    assert!(
        String::from_utf8_lossy(&first.stdout).contains("3 message(s) taken"),
        "{}",
        text(&first)
    );
    assert_private(&first);
    assert!(!text(&first).contains(lapor_email::testing::PASSWORD));

    // Restarted: the cursor says everything was taken.
    let second = lapor(db, &["poll-imap", "--imap-url", &url], b"");
    assert!(
        String::from_utf8_lossy(&second.stdout).contains("0 message(s) taken"),
        "{}",
        text(&second)
    );
    server.deliver(&fixture("outlook_qp_latin1.eml"));
    let third = lapor(db, &["poll-imap", "--imap-url", &url], b"");
    assert!(
        String::from_utf8_lossy(&third.stdout).contains("1 message(s) taken"),
        "{}",
        text(&third)
    );

    // The polled messages are stored reports: piped in again, they are known.
    let piped = lapor(db, &["ingest-email"], &fixture("yahoo_base64_jpeg.eml"));
    assert!(String::from_utf8_lossy(&piped.stdout).contains("already received"));

    // A wrong password fails the poll, and the message says so without the password.
    let wrong = url.replace(lapor_email::testing::PASSWORD, "salah-sandi");
    let refused = lapor(db, &["poll-imap", "--imap-url", &wrong], b"");
    assert!(!refused.status.success());
    assert!(
        !text(&refused).contains("salah-sandi"),
        "{}",
        text(&refused)
    );
}
