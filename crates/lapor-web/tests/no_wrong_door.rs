//! No wrong door, all at once: one report through each channel — the web form, the REST API,
//! Open311 in XML and in JSON, SMS from Kannel, an e-mail piped in, and an agency app's push —
//! lands once in the national verification queue with its channel, replaying every input
//! changes nothing, and when an officer follows each one up its reporter hears back on the
//! channel they used. (Each channel's own suite goes deeper; the real Kannel, SMTP and IMAP
//! servers are exercised there.)

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use common::{Reply, TestApp, encode, value_of};
use lapor_app::ApiScope;
use lapor_app::notify::{Email, MailError, Mailer};
use lapor_app::outbound::{
    DeliveryError, Gateways, OutgoingSms, SmsSender, WebhookRequest, WebhookSender,
};
use lapor_domain::report::Channel;

const SECRET: &str = "kannel-uji-0123456789abcdef012345";
const FOLLOW_UP: &str = "Perbaikan selesai dikerjakan Dinas PUPR pada 24 November.";

/// Everything the outbox sent, by gateway.
#[derive(Default, Clone)]
struct Outside {
    mail: Arc<Mutex<Vec<(String, String)>>>,
    sms: Arc<Mutex<Vec<OutgoingSms>>>,
    hooks: Arc<Mutex<Vec<WebhookRequest>>>,
}

type Sent<'a, T> = Pin<Box<dyn Future<Output = Result<T, DeliveryError>> + Send + 'a>>;

impl Mailer for Outside {
    fn send<'a>(
        &'a self,
        email: &'a Email,
    ) -> Pin<Box<dyn Future<Output = Result<(), MailError>> + Send + 'a>> {
        self.mail
            .lock()
            .unwrap()
            .push((email.to.clone(), email.text.clone()));
        Box::pin(async { Ok(()) })
    }
}

impl SmsSender for Outside {
    fn send<'a>(&'a self, sms: &'a OutgoingSms) -> Sent<'a, ()> {
        self.sms.lock().unwrap().push(sms.clone());
        Box::pin(async { Ok(()) })
    }
}

impl WebhookSender for Outside {
    fn post<'a>(&'a self, request: &'a WebhookRequest) -> Sent<'a, u16> {
        self.hooks.lock().unwrap().push(request.clone());
        Box::pin(async { Ok(200) })
    }
}

fn form(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The unverified reports in the national queue: number → channel.
async fn queue(t: &TestApp) -> BTreeMap<String, Channel> {
    t.verification_queue()
        .await
        .into_iter()
        .map(|r| (r.report.number.to_string(), r.report.channel))
        .collect()
}

const EMAIL: &str = "Message-ID: <pintu-1@warga.example>\r\n\
From: Rina Wati <rina@warga.example>\r\n\
To: lapor@lapor.go.id\r\n\
Subject: Saluran air tersumbat di Jalan Diponegoro\r\n\
Date: Tue, 24 Nov 2026 08:00:00 +0700\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
\r\n\
Selamat pagi, saluran air di Jalan Diponegoro tersumbat sampah sejak seminggu dan meluap saat hujan.\r\n";

#[tokio::test]
async fn every_channel_lands_once_and_hears_back_on_its_own_channel() {
    let mut t = TestApp::new().await;
    t.router = lapor_web::router(
        t.app.clone(),
        lapor_web::WebConfig {
            kannel_secret: Some(SECRET.to_owned()),
            ..lapor_web::WebConfig::default()
        },
    );
    t.officers().await;
    let open311_key = t
        .app
        .add_api_client(
            "FixMyStreet Palangka Raya",
            None,
            &[ApiScope::Open311],
            None,
        )
        .await
        .unwrap()
        .key;
    let agency_app = t
        .app
        .add_api_client(
            "Aplikasi Pengaduan Kelurahan",
            None,
            &[ApiScope::Integration],
            Some("https://kelurahan.example/hook"),
        )
        .await
        .unwrap();

    // Each input, as a closure so it can be sent twice.
    let submission_id = value_of(&t.get("/lapor").await.body, "submission_id");
    let web_form = [
        ("classification", "pengaduan"),
        ("title", "Lampu jalan mati di Jalan Yos Sudarso"),
        (
            "body",
            "Sudah dua minggu lampu jalan mati sehingga rawan kecelakaan pada malam hari.",
        ),
        ("region_code", "62.71"),
        ("reporter_name", "Budi Santoso"),
        ("reporter_email", "budi@warga.example"),
        ("submission_id", submission_id.as_str()),
        ("action", "submit"),
    ];
    let api_body = serde_json::json!({
        "classification": "pengaduan",
        "title": "Pungutan liar di kantor kelurahan",
        "body": "Petugas meminta uang tambahan untuk surat pengantar yang seharusnya gratis.",
        "region_code": "62.71.01",
        "reporter": {"email": "sari@warga.example"}
    })
    .to_string();
    let open311 = |suffix: &str, fixmystreet_id: &'static str| {
        (
            format!("/open311/v2/requests.{suffix}"),
            form(&[
                ("api_key", &open311_key),
                ("service_code", "pekerjaan_umum.jalan_jembatan"),
                ("lat", "-2.2161"),
                ("long", "113.9135"),
                (
                    "description",
                    "Jembatan kayu di Jalan Rajawali retak dan miring, berbahaya bagi pejalan kaki.",
                ),
                ("attribute[fixmystreet_id]", fixmystreet_id),
            ]),
        )
    };
    let sms_path = format!(
        "/kannel/sms?secret={SECRET}&from=081234567890&to=1708&text={}&coding=0&charset=UTF-8&ts=1795900000&id=7f3a0c52-1111",
        encode("LAPOR sampah menumpuk di pasar Kahayan sudah seminggu tidak diangkut petugas")
    );
    let push_body = r#"{"external_id": "KEL-77", "classification": "pengaduan",
        "title": "Posyandu kekurangan vaksin", "region_code": "62.71",
        "body": "Posyandu Melati kehabisan vaksin campak sejak awal bulan, banyak balita belum diimunisasi."}"#;
    let push_auth = format!("Bearer {}", agency_app.key);

    let send_all = || async {
        let web = t.post_form("/lapor", &web_form, &[]).await;
        let api = t
            .post_raw(
                "/api/v1/reports",
                "application/json",
                api_body.clone(),
                &[("idempotency-key", "pintu-api-1")],
            )
            .await;
        let (xml_path, xml_form) = open311("xml", "9001");
        let xml = t
            .post_raw(
                &xml_path,
                "application/x-www-form-urlencoded",
                xml_form,
                &[],
            )
            .await;
        let (json_path, json_form) = open311("json", "9002");
        let json = t
            .post_raw(
                &json_path,
                "application/x-www-form-urlencoded",
                json_form,
                &[],
            )
            .await;
        let sms = t.get(&sms_path).await;
        let email = lapor_email::ingest(&t.app, EMAIL.as_bytes()).await.unwrap();
        let push = t
            .post_raw(
                "/api/v1/integration/reports",
                "application/json",
                push_body.to_owned(),
                &[("authorization", &push_auth)],
            )
            .await;
        [web, api, xml, json, sms, push]
            .iter()
            .for_each(|r: &Reply| assert!(r.status.as_u16() < 500, "{}", r.body));
        email
    };

    let first_email = send_all().await;
    assert!(matches!(
        first_email,
        lapor_email::Ingested::Taken(lapor_app::EmailOutcome::Filed(_))
    ));
    let filed = queue(&t).await;
    let mut channels: Vec<Channel> = filed.values().copied().collect();
    channels.sort_by_key(|c| c.code());
    let mut expected = vec![
        Channel::Web,
        Channel::Api,
        Channel::Open311,
        Channel::Open311,
        Channel::Sms,
        Channel::Email,
        Channel::Integration,
    ];
    expected.sort_by_key(|c| c.code());
    assert_eq!(
        channels, expected,
        "one report per input, each with its channel"
    );

    // Every input delivered again: nothing new.
    let replayed_email = send_all().await;
    assert!(matches!(
        replayed_email,
        lapor_email::Ingested::Taken(lapor_app::EmailOutcome::AlreadyReceived(_))
    ));
    assert_eq!(queue(&t).await, filed, "replays create nothing");

    // An officer follows every report up; the outbox answers each on its own channel.
    for number in filed.keys() {
        t.to_awaiting_reporter(number, FOLLOW_UP).await;
    }
    let outside = Outside::default();
    let gateways = Gateways {
        mail: Arc::new(outside.clone()),
        sms: Arc::new(outside.clone()),
        webhooks: Arc::new(outside.clone()),
    };
    while t.app.run_jobs("test", &gateways, 100).await.unwrap().done > 0 {}
    let number_of = |channel: Channel| {
        filed
            .iter()
            .filter(|(_, c)| **c == channel)
            .map(|(n, _)| n.clone())
            .collect::<Vec<_>>()
    };
    let mail = outside.mail.lock().unwrap().clone();
    for address in [
        "budi@warga.example",
        "sari@warga.example",
        "rina@warga.example",
    ] {
        assert!(
            mail.iter()
                .any(|(to, text)| to == address && text.contains(FOLLOW_UP)),
            "{address} hears of the follow-up by e-mail"
        );
    }
    let sms = outside.sms.lock().unwrap().clone();
    let sms_number = &number_of(Channel::Sms)[0];
    assert!(sms.iter().any(|s| s.to == "+6281234567890"
        && s.text.contains(&format!("#{sms_number}"))
        && s.text.contains("Perbaikan selesai")));
    assert!(
        mail.iter().all(|(to, _)| !to.contains("6281234567890")),
        "the SMS reporter is not e-mailed"
    );
    let hooks = outside.hooks.lock().unwrap().clone();
    let pushed = &number_of(Channel::Integration)[0];
    assert!(hooks.iter().any(|h| {
        let event: serde_json::Value = serde_json::from_str(&h.body).unwrap();
        event["report"] == pushed.as_str() && event["status"] == "awaiting_reporter"
    }));
    let updates = t
        .get(&format!(
            "/open311/v2/servicerequestupdates.json?api_key={open311_key}"
        ))
        .await;
    assert_eq!(updates.status, StatusCode::OK, "{}", updates.body);
    for number in number_of(Channel::Open311) {
        assert!(
            updates.json().as_array().unwrap().iter().any(|u| {
                u["service_request_id"] == number.as_str()
                    && u["description"].as_str().unwrap_or("").contains(FOLLOW_UP)
            }),
            "the Open311 client sees the follow-up of {number}: {}",
            updates.body
        );
    }
}
