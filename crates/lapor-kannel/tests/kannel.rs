//! Against a real Kannel (bearerbox + smsbox + fakesmsc, via `lapor_kannel::testing`), with a
//! small HTTP server standing in for Lapor's `/kannel/sms` and `/kannel/dlr` endpoints.
//!
//! Tests that need Kannel print one skip line and pass where it is not installed, unless
//! `LAPOR_TEST_REQUIRE_KANNEL=1`. The others always run.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::routing::get;
use lapor_app::outbound::DeliveryError;
use lapor_kannel::testing::{Kannel, SHORT_CODE};
use lapor_kannel::{KannelConfig, KannelSender};

const SECRET: &str = "0123456789abcdef0123456789abcdef";

type Query = HashMap<String, String>;

/// Query strings of every request, with their path.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<(String, Query)>>>);

impl Seen {
    fn at(&self, path: &str) -> Vec<Query> {
        let all = self.0.lock().unwrap();
        all.iter()
            .filter(|(p, _)| p == path)
            .map(|(_, q)| q.clone())
            .collect()
    }

    /// Waits until `n` requests reached `path`.
    async fn wait(&self, path: &str, n: usize) -> Vec<Query> {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let seen = self.at(path);
            if seen.len() >= n || Instant::now() > deadline {
                return seen;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

fn decode(query: &str) -> Query {
    url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

/// Stands in for Lapor: answers an SMS with "Diterima: <text>", takes delivery reports.
async fn fake_lapor() -> (String, Seen) {
    let seen = Seen::default();
    let app = Router::new()
        .route(
            "/kannel/sms",
            get(
                |State(seen): State<Seen>, RawQuery(q): RawQuery| async move {
                    let query = decode(&q.unwrap_or_default());
                    let reply = format!(
                        "Diterima: {}",
                        query.get("text").cloned().unwrap_or_default()
                    );
                    seen.0.lock().unwrap().push(("/kannel/sms".into(), query));
                    ([("content-type", "text/plain; charset=utf-8")], reply)
                },
            ),
        )
        .route(
            "/kannel/dlr",
            get(
                |State(seen): State<Seen>, RawQuery(q): RawQuery| async move {
                    seen.0
                        .lock()
                        .unwrap()
                        .push(("/kannel/dlr".into(), decode(&q.unwrap_or_default())));
                    "ok"
                },
            ),
        )
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, seen)
}

/// Kannel blocks in fakesmsc calls; keep them off the runtime's worker threads.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_sms_reaches_the_service_with_sender_time_and_a_unique_id() {
    let (base, seen) = fake_lapor().await;
    let Some(kannel) = Kannel::start(&base, SECRET) else {
        return;
    };
    let kannel = Arc::new(kannel);
    let k = kannel.clone();
    let reply = blocking(move || k.send("081234567890", SHORT_CODE, "LAPOR  jalan rusak")).await;
    assert_eq!(reply.text, "Diterima: LAPOR  jalan rusak");
    assert_eq!(reply.to, "081234567890");
    assert_eq!(reply.from, SHORT_CODE);

    let k = kannel.clone();
    let reply = blocking(move || k.send("081234567890", SHORT_CODE, "Lampu “mati” é")).await;
    // Kannel sends a plain-text reply in GSM-7: what it cannot carry becomes "?". This is why
    // Lapor fits its replies into GSM-7 itself.
    assert_eq!(reply.text, "Diterima: Lampu ?mati? é");

    let calls = seen.at("/kannel/sms");
    assert_eq!(calls.len(), 2);
    let first = &calls[0];
    assert_eq!(first["secret"], SECRET);
    assert_eq!(first["from"], "081234567890");
    assert_eq!(first["to"], SHORT_CODE);
    assert!(
        first["ts"].parse::<i64>().unwrap() > 1_700_000_000,
        "{first:?}"
    );
    assert_eq!(
        first["id"].len(),
        36,
        "Kannel's message id is a UUID: {first:?}"
    );
    assert_ne!(first["id"], calls[1]["id"]);
    assert_eq!(
        calls[1]["text"], "Lampu “mati” é",
        "a UCS-2 SMS reaches the service as UTF-8 (mo-recode)"
    );
    assert_eq!(calls[1]["charset"], "UTF-8");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sendsms_reaches_the_phone_and_delivery_is_reported_with_the_job() {
    let (base, seen) = fake_lapor().await;
    let Some(kannel) = Kannel::start(&base, SECRET) else {
        return;
    };
    let config = KannelConfig::from_url(
        &kannel.sendsms_url(Some(&format!("{base}/kannel/dlr"))),
        Some(SECRET),
    )
    .unwrap();
    let sender = KannelSender::new(config).unwrap();
    // No phone on the line yet: Kannel queues, and that is success too.
    sender
        .send(
            "+6281234567890",
            "Laporan #0000042 ditindaklanjuti.",
            Some(42),
        )
        .await
        .unwrap();
    sender
        .send("+6281234567890", "Tanggapan “petugas”: selesai", Some(43))
        .await
        .unwrap();
    let kannel = Arc::new(kannel);
    let k = kannel.clone();
    let received = blocking(move || k.receive(2)).await;
    assert_eq!(received[0].to, "+6281234567890");
    assert_eq!(received[0].from, SHORT_CODE);
    assert_eq!(received[0].text, "Laporan #0000042 ditindaklanjuti.");
    assert_eq!(
        received[1].text, "Tanggapan “petugas”: selesai",
        "sent as UCS-2"
    );

    // 8 (accepted by the SMSC) and 1 (delivered) for each job.
    let reports = seen.wait("/kannel/dlr", 4).await;
    let mut events: Vec<(String, String)> = reports
        .iter()
        .map(|q| (q["job"].clone(), q["status"].clone()))
        .collect();
    events.sort();
    assert_eq!(
        events,
        [("42", "1"), ("42", "8"), ("43", "1"), ("43", "8")]
            .map(|(j, s)| (j.to_owned(), s.to_owned()))
    );
    assert!(reports.iter().all(|q| q["secret"] == SECRET));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_credentials_are_permanent() {
    let (base, _seen) = fake_lapor().await;
    let Some(kannel) = Kannel::start(&base, SECRET) else {
        return;
    };
    let url = kannel
        .sendsms_url(None)
        .replace(lapor_kannel::testing::SENDSMS_PASSWORD, "salah");
    let sender = KannelSender::new(KannelConfig::from_url(&url, None).unwrap()).unwrap();
    let error = sender
        .send("+6281234567890", "x", Some(1))
        .await
        .unwrap_err();
    assert!(matches!(error, DeliveryError::Permanent(_)), "{error}");
    assert!(!error.to_string().contains("6281234567890"));
}

#[tokio::test]
async fn an_unreachable_gateway_is_worth_a_retry() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let sender = KannelSender::new(
        KannelConfig::from_url(&format!("http://u:p@127.0.0.1:{port}/?timeout=2"), None).unwrap(),
    )
    .unwrap();
    let error = sender.send("+6281234567890", "x", None).await.unwrap_err();
    assert!(matches!(error, DeliveryError::Transient(_)), "{error}");
}

#[tokio::test]
async fn a_busy_gateway_is_worth_a_retry() {
    let app = Router::new().route(
        "/cgi-bin/sendsms",
        get(|| async {
            (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "Temporal failure, try again later.",
            )
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let sender = KannelSender::new(
        KannelConfig::from_url(&format!("http://u:p@127.0.0.1:{port}/"), None).unwrap(),
    )
    .unwrap();
    let error = sender.send("+6281234567890", "x", None).await.unwrap_err();
    assert!(matches!(error, DeliveryError::Transient(_)), "{error}");
    assert!(error.to_string().contains("503"), "{error}");
}
