//! The integration API of agency complaint apps, end to end: a system pushes a report (once,
//! whatever it replays), pulls its status and follow-ups, the city's own app pushes the
//! city's follow-up, and both receive signed webhooks over real HTTP from the outbox.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, StatusCode};
use common::{CITY, TestApp};
use lapor_app::ApiScope;
use lapor_app::outbound::{Gateways, WEBHOOK_WINDOW_SECS, verify_webhook};
use lapor_domain::report::Channel;

/// What a webhook receiver got: `(timestamp, signature, delivery id, body)`.
type Received = Arc<Mutex<Vec<(i64, String, String, String)>>>;

/// A real HTTP receiver on a free port, answering `status` to every webhook.
async fn receiver(status: StatusCode) -> (String, Received) {
    let got: Received = Arc::default();
    let sink = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: String| {
            let sink = sink.clone();
            async move {
                let h = |name: &str| {
                    headers
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_owned()
                };
                sink.lock().unwrap().push((
                    h("x-lapor-timestamp").parse().unwrap_or(0),
                    h("x-lapor-signature"),
                    h("x-lapor-delivery"),
                    body,
                ));
                status
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, got)
}

async fn post(t: &TestApp, path: &str, body: &str, auth: &str) -> common::Reply {
    t.post_raw(
        path,
        "application/json",
        body.to_owned(),
        &[("authorization", auth)],
    )
    .await
}

async fn get(t: &TestApp, path: &str, auth: &str) -> common::Reply {
    t.get_with(path, &[("authorization", auth)]).await
}

fn gateways() -> Gateways {
    Gateways {
        webhooks: Arc::new(lapor_http::HttpWebhooks::new().unwrap()),
        ..Gateways::mail_only(Arc::new(lapor_app::notify::NoMail))
    }
}

const REPORT: &str = r#"{
    "external_id": "SIPP-2026-0042",
    "classification": "pengaduan",
    "title": "Lampu jalan padam di Jalan Yos Sudarso",
    "body": "Sudah dua minggu lampu jalan di depan kantor pos padam, jalan gelap dan rawan.",
    "region_code": "62.71",
    "reporter": {"name": "Siti", "phone": "0812-3456-7890"}
}"#;

#[tokio::test]
async fn an_agency_app_pushes_pulls_answers_and_hears_back() {
    let t = TestApp::new().await;
    let officers = t.officers().await;
    let (app_hook, app_got) = receiver(StatusCode::OK).await;
    let (city_hook, city_got) = receiver(StatusCode::OK).await;
    let filer = t
        .app
        .add_api_client(
            "Aplikasi Pengaduan Desa",
            None,
            &[ApiScope::Integration],
            Some(&app_hook),
        )
        .await
        .unwrap();
    let city = t
        .app
        .add_api_client(
            "SIPP Kota",
            Some(CITY),
            &[ApiScope::Integration],
            Some(&city_hook),
        )
        .await
        .unwrap();
    let bearer = |key: &str| format!("Bearer {key}");
    let filer_auth = bearer(&filer.key);
    let city_auth = bearer(&city.key);

    // Wrong or missing keys: 403, nothing stored.
    for auth in ["", "Bearer lpr_salah", "Bearer bukan-kunci"] {
        let reply = t
            .post_raw(
                "/api/v1/integration/reports",
                "application/json",
                REPORT.into(),
                &[("authorization", auth)],
            )
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{auth}");
        assert_eq!(reply.json()["code"], "forbidden");
    }

    // Pushed once; pushed again (the app retried), it names the first report.
    let first = post(&t, "/api/v1/integration/reports", REPORT, &filer_auth).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let number = first.json()["number"].as_str().unwrap().to_owned();
    assert!(first.json()["tracking_code"].as_str().unwrap().len() >= 13);
    let again = post(&t, "/api/v1/integration/reports", REPORT, &filer_auth).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    assert_eq!(again.json()["code"], "already_received");
    assert_eq!(again.json()["report"], number.as_str());

    // Once in the national verification queue, marked as coming from an agency's app.
    let ours: Vec<_> = t
        .verification_queue()
        .await
        .into_iter()
        .filter(|r| r.report.number.to_string() == number)
        .collect();
    assert_eq!(ours.len(), 1);
    assert_eq!(ours[0].report.channel, Channel::Integration);

    // Pull: the filing system sees its report; another system does not.
    let report_path = format!("/api/v1/integration/reports/{number}");
    let pulled = get(&t, &report_path, &filer_auth).await;
    assert_eq!(pulled.status, StatusCode::OK, "{}", pulled.body);
    assert_eq!(pulled.json()["status"], "unverified");
    assert_eq!(pulled.json()["channel"], "integration");
    assert!(!pulled.body.contains("0812"), "no contact data");
    assert_eq!(
        get(&t, &report_path, &city_auth).await.status,
        StatusCode::NOT_FOUND
    );

    // Routed to the city: both systems get a signed webhook through the outbox.
    t.route(&number, None).await;
    t.app.run_jobs("test", &gateways(), 50).await.unwrap();
    for (got, secret) in [
        (&app_got, filer.webhook_secret.clone().unwrap()),
        (&city_got, city.webhook_secret.clone().unwrap()),
    ] {
        let got = got.lock().unwrap().clone();
        assert_eq!(got.len(), 1, "one webhook per status change");
        let (timestamp, signature, delivery, body) = &got[0];
        let now = t.app.now().timestamp();
        assert!(verify_webhook(
            &secret,
            *timestamp,
            body,
            signature,
            now,
            WEBHOOK_WINDOW_SECS
        ));
        assert!(!verify_webhook(
            "salah",
            *timestamp,
            body,
            signature,
            now,
            WEBHOOK_WINDOW_SECS
        ));
        let forged = body.replace("routed", "closed");
        assert!(!verify_webhook(
            &secret,
            *timestamp,
            &forged,
            signature,
            now,
            WEBHOOK_WINDOW_SECS
        ));
        // Replayed ten minutes later: outside the window.
        assert!(!verify_webhook(
            &secret,
            *timestamp,
            body,
            signature,
            now + 600,
            WEBHOOK_WINDOW_SECS
        ));
        assert!(delivery.starts_with("lapor-"));
        let event: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(event["type"], "report.status_changed");
        assert_eq!(event["status"], "routed");
        assert_eq!(event["report"], number.as_str());
        assert_eq!(
            &event["id"],
            delivery.as_str(),
            "the delivery id is signed too"
        );
        assert!(!body.contains("Siti") && !body.contains("0812"));
    }
    let log = t.app.deliveries(Some(city.client.id), 10).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].status, "sent");

    // The city's own app answers in the city's name; a replay writes nothing.
    let path = format!("/api/v1/integration/reports/{number}/follow-ups");
    let answer = r#"{"text": "Lampu sudah diganti oleh Dinas Perhubungan pada 24 November.", "external_id": "TL-1"}"#;
    assert_eq!(
        post(&t, &path, answer, &city_auth).await.status,
        StatusCode::NO_CONTENT
    );
    let replay = post(&t, &path, answer, &city_auth).await;
    assert_eq!(replay.status, StatusCode::CONFLICT, "{}", replay.body);
    // The filing system is not the city: it cannot answer.
    let refused = post(
        &t,
        &path,
        r#"{"text": "Bukan wewenang sistem ini untuk menjawab laporan."}"#,
        &filer_auth,
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    // Report ids and follow-up ids of one system never collide.
    let lookalike = REPORT.replace("SIPP-2026-0042", "follow-up:TL-1");
    let pushed = post(&t, "/api/v1/integration/reports", &lookalike, &city_auth).await;
    assert_eq!(pushed.status, StatusCode::CREATED, "{}", pushed.body);

    let pulled = get(&t, &report_path, &filer_auth).await.json();
    assert_eq!(pulled["status"], "awaiting_reporter");
    let follow_ups = pulled["follow_ups"].as_array().unwrap();
    assert_eq!(follow_ups.len(), 1);
    assert!(
        follow_ups[0]["text"]
            .as_str()
            .unwrap()
            .contains("Lampu sudah diganti")
    );
    let case = t
        .app
        .case(
            &officers.national,
            lapor_domain::tracking::ReportNumber::parse(&number).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(case.follow_ups.len(), 1, "the replay wrote nothing");
}

#[tokio::test]
async fn failed_webhooks_are_logged_and_retried() {
    let t = TestApp::new().await;
    t.officers().await;
    let (hook, got) = receiver(StatusCode::INTERNAL_SERVER_ERROR).await;
    let city = t
        .app
        .add_api_client(
            "SIPP Kota",
            Some(CITY),
            &[ApiScope::Integration],
            Some(&hook),
        )
        .await
        .unwrap();
    let (number, _) = t
        .file(serde_json::json!({
            "classification": "pengaduan",
            "title": "Sampah menumpuk di pasar",
            "body": "Sampah di Pasar Besar tidak diangkut sejak minggu lalu dan berbau busuk.",
            "region_code": "62.71"
        }))
        .await;
    t.route(&number, None).await;
    let first = t.app.run_jobs("test", &gateways(), 50).await.unwrap();
    assert_eq!(first.retried, 1);
    assert_eq!(got.lock().unwrap().len(), 1);
    let log = t.app.deliveries(Some(city.client.id), 10).await.unwrap();
    assert_eq!(log[0].status, "failed");
    assert!(log[0].detail.as_deref().unwrap_or_default().contains("500"));
    // Retried after the backoff.
    t.advance_days(1);
    t.app.run_jobs("test", &gateways(), 50).await.unwrap();
    assert_eq!(got.lock().unwrap().len(), 2);

    // A revoked key stops the webhooks and the API at once.
    t.app.revoke_api_client(city.client.id).await.unwrap();
    let reply = t
        .get_with(
            &format!("/api/v1/integration/reports/{number}"),
            &[("authorization", &format!("Bearer {}", city.key))],
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
}
