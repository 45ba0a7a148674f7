//! Polling a real Dovecot over TLS: every message once, in order, and never again.
#![allow(clippy::unwrap_used)]

use std::convert::Infallible;

use lapor_email::imap::{Cursor, ImapConfig, PollError, Polled, poll};
use lapor_email::parse;
use lapor_email::testing::Dovecot;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// Polls and returns the Message-IDs handed over and the last cursor stored.
async fn fetch(
    server: &Dovecot,
    config: &ImapConfig,
    cursor: Option<Cursor>,
) -> (Polled, Vec<String>, Option<Cursor>) {
    let mut ids = Vec::new();
    let mut stored = cursor;
    let polled = poll(config, cursor, async |next, raw: Option<Vec<u8>>| {
        ids.push(parse(&raw.unwrap()).unwrap().message_id);
        stored = Some(next);
        Ok::<(), Infallible>(())
    })
    .await
    .unwrap_or_else(|e| panic!("{e}\n{}", server.log()));
    (polled, ids, stored)
}

#[tokio::test]
async fn the_cursor_hands_over_each_message_once() {
    let Some(server) = Dovecot::start() else {
        return;
    };
    let config = ImapConfig::from_url(&server.url()).unwrap();
    server.deliver(&fixture("gmail_alternative.eml"));
    server.deliver(&fixture("yahoo_base64_jpeg.eml"));

    let (polled, ids, cursor) = fetch(&server, &config, None).await;
    assert_eq!(polled.handled, 2);
    assert_eq!(
        ids,
        vec![
            "CAJx5v3kP2nq8Yr0=Vb7wT_3mXqLZ9a+uK8fE1hD2sG4jR6tYw@mail.gmail.com",
            "1234567890.987654.1793842198765@mail.yahoo.com"
        ]
    );
    let cursor = cursor.unwrap();
    assert_eq!(cursor.last_uid, 2);

    // Restarted with the stored cursor: nothing again.
    let (polled, ids, same) = fetch(&server, &config, Some(cursor)).await;
    assert_eq!((polled.handled, ids.len(), same), (0, 0, Some(cursor)));

    // Only what arrived since.
    server.deliver(&fixture("reply_quoted.eml"));
    let (_, ids, newer) = fetch(&server, &config, Some(cursor)).await;
    assert_eq!(
        ids,
        vec!["CAJx5v3kQ9wZ2hT4=pB1rN6cY0uM8sD3fG7jK5lX9vA2eH4oPq@mail.gmail.com"]
    );
    assert_eq!(newer.unwrap().last_uid, 3);

    // A cursor from another UIDVALIDITY (the mailbox was rebuilt): everything once more.
    let stale = Cursor {
        uid_validity: cursor.uid_validity.wrapping_add(1),
        last_uid: 3,
    };
    let (polled, _, _) = fetch(&server, &config, Some(stale)).await;
    assert_eq!(polled.handled, 3);
}

#[tokio::test]
async fn a_failing_handler_stops_before_the_message_and_a_wrong_password_is_an_imap_error() {
    let Some(server) = Dovecot::start() else {
        return;
    };
    let config = ImapConfig::from_url(&server.url()).unwrap();
    server.deliver(&fixture("gmail_alternative.eml"));
    server.deliver(&fixture("outlook_qp_latin1.eml"));

    // The database is down at the second message: the cursor stays at the first.
    let mut stored = None;
    let mut seen = 0;
    let result = poll(&config, None, async |next, _raw| {
        seen += 1;
        if seen == 2 {
            return Err("database unreachable");
        }
        stored = Some(next);
        Ok(())
    })
    .await;
    assert!(matches!(
        result,
        Err(PollError::Handler("database unreachable"))
    ));
    assert_eq!(stored.unwrap().last_uid, 1);
    let (_, ids, _) = fetch(&server, &config, stored).await;
    assert_eq!(
        ids.len(),
        1,
        "only the message that failed is fetched again"
    );

    let mut wrong = config.clone();
    wrong.password = "salah".to_owned();
    let result = poll(&wrong, None, async |_, _| Ok::<(), Infallible>(())).await;
    assert!(matches!(result, Err(PollError::Imap(_))), "{result:?}");

    // Without the test CA, the self-signed certificate is refused.
    let mut untrusted = config.clone();
    untrusted.ca_file = None;
    let result = poll(&untrusted, None, async |_, _| Ok::<(), Infallible>(())).await;
    assert!(matches!(result, Err(PollError::Imap(_))), "{result:?}");
}
