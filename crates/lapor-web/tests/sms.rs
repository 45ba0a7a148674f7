//! The SMS channel: Kannel's `sms-service` endpoint and delivery reports, through the router
//! (every command, bad input, replays, rate limits), and end to end through a real Kannel with
//! `fakesmsc` as the phone (`lapor_kannel::testing`; skipped with one line where Kannel is not
//! installed, unless `LAPOR_TEST_REQUIRE_KANNEL=1`).

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use common::{Reply, TestApp};
use lapor_app::ReporterKey;
use lapor_app::outbound::{Gateways, NoWebhooks};
use lapor_domain::report::Channel;
use lapor_domain::status::Status;
use lapor_domain::tracking::ReportNumber;
use lapor_kannel::testing::{Kannel, SHORT_CODE};
use lapor_kannel::{KannelConfig, KannelSender};

const SECRET: &str = "kannel-uji-0123456789abcdef012345";
const PHONE: &str = "081234567890";
const PHONE_E164: &str = "+6281234567890";
const REPORT: &str =
    "LAPOR jalan rusak di depan sekolah SDN 1 Pahandut, lubang besar membahayakan anak-anak";

/// A test app whose router has the SMS channel on.
async fn sms_app() -> TestApp {
    let mut t = TestApp::new().await;
    t.router = lapor_web::router(
        t.app.clone(),
        lapor_web::WebConfig {
            kannel_secret: Some(SECRET.to_owned()),
            ..lapor_web::WebConfig::default()
        },
    );
    t
}

/// Kannel's get-url request for one SMS, as configured in the `lapor_web::sms` docs.
async fn sms(t: &TestApp, id: &str, from: &str, text: &str) -> Reply {
    t.get(&format!(
        "/kannel/sms?secret={SECRET}&from={}&to={SHORT_CODE}&text={}&coding=0&charset=UTF-8&ts=1795900000&id={id}",
        common::encode(from),
        common::encode(text)
    ))
    .await
}

/// The reply text, after checking it is a plain-text 200 that fits one GSM-7 SMS.
fn reply_text(reply: &Reply) -> &str {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.header("content-type"), "text/plain; charset=utf-8");
    assert!(lapor_domain::sms::is_gsm7(&reply.body), "{}", reply.body);
    assert!(
        lapor_domain::sms::units(&reply.body) <= 160,
        "{}",
        reply.body
    );
    &reply.body
}

/// `(number, tracking code)` from a receipt SMS.
fn receipt_parts(text: &str) -> (String, String) {
    let number = text
        .split('#')
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap()
        .to_owned();
    let code = text
        .split("(rahasiakan): ")
        .nth(1)
        .map(|rest| rest.chars().take(15).collect::<String>())
        .unwrap();
    (number, code)
}

#[tokio::test]
async fn lapor_files_a_report_and_a_replay_files_nothing() {
    let t = sms_app().await;
    let first = sms(&t, "3f1c-0001", PHONE, REPORT).await;
    let text = reply_text(&first).to_owned();
    assert!(text.starts_with("Laporan #"), "{text}");
    let (number, code) = receipt_parts(&text);
    assert_eq!(code.len(), 15, "{text}");

    let queue = t.verification_queue().await;
    assert_eq!(queue.len(), 1);
    let report = &queue[0].report;
    assert_eq!(report.number.to_string(), number);
    assert_eq!(report.channel, Channel::Sms);
    assert_eq!(
        report.body,
        "jalan rusak di depan sekolah SDN 1 Pahandut, lubang besar membahayakan anak-anak"
    );
    assert!(
        report.title.starts_with("jalan rusak di depan sekolah"),
        "{}",
        report.title
    );
    assert!(report.location.region.is_undetermined());
    let case = t.app.reporter_case(ReporterKey::Code(&code)).await.unwrap();
    assert_eq!(
        case.report.reporter.unwrap().phone.as_deref(),
        Some(PHONE_E164),
        "the contact is the sender, in E.164"
    );

    // Kannel resends the same message (its id) because our answer was lost: the same
    // receipt, tracking code included, and no second report.
    let again = sms(&t, "3f1c-0001", PHONE, REPORT).await;
    assert_eq!(reply_text(&again), text, "the lost answer is sent again");
    assert_eq!(t.verification_queue().await.len(), 1);
    // Days later the code is no longer kept in clear: the number only, still no new report.
    t.advance_days(2);
    let late = sms(&t, "3f1c-0001", PHONE, REPORT).await;
    let late = reply_text(&late);
    assert!(late.contains(&format!("#{number}")), "{late}");
    assert!(!late.contains(&code), "{late}");
    assert_eq!(t.verification_queue().await.len(), 1);

    // The same words under a new id are a new SMS, so a new report.
    let other = sms(&t, "3f1c-0002", "+62 812-3456-7890", REPORT).await;
    assert!(reply_text(&other).starts_with("Laporan #"));
    assert_eq!(t.verification_queue().await.len(), 2);
}

#[tokio::test]
async fn cek_tells_the_status_and_the_latest_follow_up_only_for_the_right_code() {
    let t = sms_app().await;
    let (number, code) = receipt_parts(reply_text(&sms(&t, "a1", PHONE, REPORT).await));
    let status = sms(&t, "a2", PHONE, &format!("cek {}", code.to_lowercase())).await;
    assert_eq!(
        reply_text(&status),
        format!("Laporan #{number}: Belum terverifikasi.")
    );

    t.to_awaiting_reporter(
        &number,
        "Lubang sudah ditambal oleh Dinas PUPR pada hari Senin.",
    )
    .await;
    let status = sms(
        &t,
        "a3",
        "6281234567890",
        &format!("CEK#{}", code.replace('-', "")),
    )
    .await;
    assert_eq!(
        reply_text(&status),
        format!(
            "Laporan #{number}: Menunggu tanggapan Anda. Tindak lanjut terakhir: \"Lubang sudah ditambal oleh Dinas PUPR pada hari Senin.\""
        )
    );

    for (i, wrong) in ["CEK 2222-3333-44444", "CEK 0000042", "CEK"]
        .iter()
        .enumerate()
    {
        let reply = sms(&t, &format!("w{i}"), PHONE, wrong).await;
        assert!(
            reply_text(&reply).starts_with("Kode pelacakan tidak dikenali"),
            "{wrong}: {}",
            reply.body
        );
    }
}

#[tokio::test]
async fn answers_thread_to_the_report_awaiting_this_number() {
    let t = sms_app().await;
    let (number, code) = receipt_parts(reply_text(&sms(&t, "b1", PHONE, REPORT).await));
    // Nothing awaits an answer yet: free text gets the help text.
    let early = sms(&t, "b2", PHONE, "Kapan diperbaiki?").await;
    assert!(reply_text(&early).starts_with("Maaf, pesan tidak dikenali."));

    t.to_awaiting_reporter(&number, "Sudah kami tambal.").await;
    // Someone else's free text does not reach this report.
    let stranger = sms(&t, "b3", "085711112222", "Belum diperbaiki sama sekali").await;
    assert!(reply_text(&stranger).starts_with("Maaf, pesan tidak dikenali."));

    let answer = sms(&t, "b4", PHONE, "Belum, lubangnya masih ada di sisi utara").await;
    assert_eq!(
        reply_text(&answer),
        format!("Tanggapan Anda untuk laporan #{number} sudah kami terima. Terima kasih.")
    );
    let case = t.app.reporter_case(ReporterKey::Code(&code)).await.unwrap();
    assert_ne!(case.report.record.report.status, Status::AwaitingReporter);
    let steps = case.report.history.len();

    // The gateway resends the answer: nothing changes.
    let again = sms(&t, "b4", PHONE, "Belum, lubangnya masih ada di sisi utara").await;
    assert!(reply_text(&again).starts_with("Tanggapan Anda"));
    let case = t.app.reporter_case(ReporterKey::Code(&code)).await.unwrap();
    assert_eq!(case.report.history.len(), steps);

    // BALAS with the code, when the report no longer waits for the reporter.
    let late = sms(
        &t,
        "b5",
        "089900001111",
        &format!("BALAS {code} masih rusak"),
    )
    .await;
    assert_eq!(
        reply_text(&late),
        format!(
            "Laporan #{number} tidak sedang menunggu tanggapan Anda. Cek status: kirim CEK <kode>"
        )
    );
}

#[tokio::test]
async fn balas_with_the_code_answers_from_any_phone() {
    let t = sms_app().await;
    let (number, code) = receipt_parts(reply_text(&sms(&t, "c1", PHONE, REPORT).await));
    t.to_awaiting_reporter(&number, "Sudah kami tambal.").await;
    let short = sms(&t, "c2", "085711112222", &format!("BALAS {code} ok")).await;
    assert!(reply_text(&short).starts_with("Tanggapan terlalu singkat"));
    let answer = sms(
        &t,
        "c3",
        "085711112222",
        &format!("balas {code}: terima kasih, sudah rapi"),
    )
    .await;
    assert!(reply_text(&answer).starts_with(&format!("Tanggapan Anda untuk laporan #{number}")));
}

#[tokio::test]
async fn help_short_reports_and_foreign_numbers_get_a_short_answer() {
    let t = sms_app().await;
    for (id, text) in [("h1", "BANTUAN"), ("h2", "?"), ("h3", "   ")] {
        assert!(
            reply_text(&sms(&t, id, PHONE, text).await).starts_with("LAPOR!: kirim LAPOR <isi>"),
            "{text:?}"
        );
    }
    let short = sms(&t, "h4", PHONE, "LAPOR jalan rusak").await;
    assert!(reply_text(&short).starts_with("Isi laporan terlalu singkat"));
    let foreign = sms(&t, "h5", "+14155550100", REPORT).await;
    assert!(reply_text(&foreign).contains("nomor seluler Indonesia"));
    assert!(t.verification_queue().await.is_empty());
}

#[tokio::test]
async fn oversize_concatenations_are_refused() {
    let t = sms_app().await;
    let long = format!("LAPOR {}", "jalan rusak parah ".repeat(90));
    assert!(lapor_domain::sms::is_oversize(&long));
    let reply = sms(&t, "o1", PHONE, &long).await;
    assert!(reply_text(&reply).starts_with("SMS terlalu panjang"));
    assert!(t.verification_queue().await.is_empty());
}

#[tokio::test]
async fn a_flood_from_one_number_is_refused_politely() {
    let t = sms_app().await;
    let (budget, _) = lapor_app::RateLimit::Phone.budget();
    for i in 0..budget {
        let reply = sms(&t, &format!("f{i}"), PHONE, "INFO").await;
        assert!(reply_text(&reply).starts_with("LAPOR!"), "{i}");
    }
    let refused = sms(&t, "f-last", PHONE, REPORT).await;
    assert!(reply_text(&refused).starts_with("Terlalu banyak SMS dari nomor Anda"));
    // Said once per window: every further answer would be another billed SMS.
    for i in 0..3 {
        let silent = sms(&t, &format!("f-more{i}"), PHONE, REPORT).await;
        assert_eq!(silent.status, StatusCode::OK);
        assert_eq!(silent.body, "", "no reply SMS to a flood");
    }
    assert!(t.verification_queue().await.is_empty());
    // Another number is not affected.
    let other = sms(&t, "f-other", "085711112222", REPORT).await;
    assert!(reply_text(&other).starts_with("Laporan #"));
}

#[tokio::test]
async fn wrong_or_missing_secrets_are_forbidden_and_an_unconfigured_channel_is_absent() {
    let t = sms_app().await;
    for path in [
        "/kannel/sms?secret=salah&from=081234567890&text=LAPOR+x&id=1".to_owned(),
        "/kannel/sms?from=081234567890&text=LAPOR+x&id=1".to_owned(),
        format!("/kannel/sms?secret={SECRET}x&from=081234567890&id=1"),
        "/kannel/dlr?secret=salah&job=1&status=1".to_owned(),
    ] {
        let reply = t.get(&path).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{path}");
        assert!(reply.header("content-type").starts_with("text/plain"));
        assert!(
            reply.header("set-cookie").is_empty(),
            "no cookies for gateways"
        );
    }
    let off = TestApp::new().await;
    let reply = off
        .get(&format!(
            "/kannel/sms?secret={SECRET}&from={PHONE}&text=x&id=1"
        ))
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn unreadable_requests_get_the_help_text_never_an_error() {
    let t = sms_app().await;
    let help = lapor_domain::sms::reply::help();
    for query in [
        // No sender, no id, nothing at all.
        format!("secret={SECRET}&text=LAPOR+jalan+rusak+parah+sekali+di+sini&id=x1"),
        format!("secret={SECRET}&from={PHONE}&text=LAPOR+jalan+rusak+parah+sekali+di+sini"),
        format!("secret={SECRET}"),
        // Invalid UTF-8, odd UTF-16, binary data, broken escapes.
        format!("secret={SECRET}&from={PHONE}&id=x2&text=LAPOR+%FF%FE%FDjalan"),
        format!("secret={SECRET}&from={PHONE}&id=x3&charset=UTF-16BE&text=%00L%00"),
        format!("secret={SECRET}&from={PHONE}&id=x4&coding=1&text=%01%02%03"),
    ] {
        let reply = t.get(&format!("/kannel/sms?{query}")).await;
        assert_eq!(reply_text(&reply), help, "{query}");
    }
    let reply = t
        .get(&format!(
            "/kannel/sms?secret={SECRET}&from={PHONE}&id=x5&text=%G0%"
        ))
        .await;
    assert!(reply_text(&reply).starts_with("Maaf, pesan tidak dikenali."));
    assert!(t.verification_queue().await.is_empty());
}

#[tokio::test]
async fn post_url_carries_the_text_in_the_body_in_its_charset() {
    let t = sms_app().await;
    let text = "LAPOR lampu jalan “mati” di Jalan Tjilik Riwut km 5 sejak seminggu";
    let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
    let request = axum::http::Request::post(format!("/kannel/sms?secret={SECRET}&id=p1"))
        .header("content-type", "text/plain; charset=\"UTF-16BE\"")
        .header("x-kannel-from", PHONE)
        .header("x-kannel-to", SHORT_CODE)
        .body(axum::body::Body::from(utf16))
        .unwrap();
    let reply = t.send(request).await;
    assert!(
        reply_text(&reply).starts_with("Laporan #"),
        "{}",
        reply.body
    );
    let queue = t.verification_queue().await;
    assert_eq!(
        queue[0].report.body,
        "lampu jalan “mati” di Jalan Tjilik Riwut km 5 sejak seminggu"
    );
}

#[tokio::test]
async fn delivery_reports_need_numbers_and_a_known_job() {
    let t = sms_app().await;
    let reply = t
        .get(&format!("/kannel/dlr?secret={SECRET}&job=abc&status=1"))
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let reply = t
        .get(&format!(
            "/kannel/dlr?secret={SECRET}&job=999&status=1&reply=ACK%2F"
        ))
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
}

/// Query strings of the requests Kannel made to `/kannel/sms`.
#[derive(Clone, Default)]
struct KannelRequests(Arc<Mutex<Vec<String>>>);

/// The router on a real port, recording what Kannel asked.
async fn serve(router: axum::Router, seen: KannelRequests) -> String {
    let router = router.layer(axum::middleware::map_request(
        move |req: axum::extract::Request| {
            let seen = seen.clone();
            async move {
                if req.uri().path() == "/kannel/sms" {
                    let query = req.uri().query().unwrap_or_default().to_owned();
                    seen.0.lock().unwrap().push(query);
                }
                req
            }
        },
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    base
}

/// fakesmsc blocks; keep it off the runtime's threads.
async fn phone<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn round_trip_through_kannel_report_status_follow_up_and_delivery_report() {
    let t = sms_app().await;
    let seen = KannelRequests::default();
    let base = serve(t.router.clone(), seen.clone()).await;
    let Some(kannel) = Kannel::start(&base, SECRET) else {
        return;
    };
    let kannel = Arc::new(kannel);

    // The phone files a report and gets its tracking code.
    let k = kannel.clone();
    let receipt = phone(move || k.send(PHONE, SHORT_CODE, REPORT)).await;
    assert_eq!(receipt.to, PHONE);
    assert!(receipt.text.starts_with("Laporan #"), "{}", receipt.text);
    let (number, code) = receipt_parts(&receipt.text);

    // CEK answers with the status.
    let k = kannel.clone();
    let cek = format!("CEK {code}");
    let status = phone(move || k.send(PHONE, SHORT_CODE, &cek)).await;
    assert_eq!(
        status.text,
        format!("Laporan #{number}: Belum terverifikasi.")
    );

    // Once in the national verification queue, with its channel.
    let queue = t.verification_queue().await;
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].report.channel, Channel::Sms);
    assert_eq!(queue[0].report.number.to_string(), number);

    // Kannel resends the first request (same message id): nothing new.
    let first = seen.0.lock().unwrap()[0].clone();
    let resent = raw_get(&format!("{base}/kannel/sms?{first}")).await;
    assert!(resent.contains(&format!("#{number}")), "{resent}");
    assert_eq!(t.verification_queue().await.len(), 1);

    // An officer follows it up; the worker sends the notice through Kannel.
    t.to_awaiting_reporter(&number, "Lubang sudah ditambal oleh Dinas PUPR.")
        .await;
    let sender = KannelSender::new(
        KannelConfig::from_url(
            &kannel.sendsms_url(Some(&format!("{base}/kannel/dlr"))),
            Some(SECRET),
        )
        .unwrap(),
    )
    .unwrap();
    let gateways = Gateways {
        mail: Arc::new(lapor_app::notify::NoMail),
        sms: Arc::new(sender),
        webhooks: Arc::new(NoWebhooks),
    };
    let summary = t.app.run_jobs("uji", &gateways, 50).await.unwrap();
    assert_eq!(summary.failed, 0, "{summary:?}");
    // Two notices: routed to the agency, then the follow-up.
    let k = kannel.clone();
    let notices = phone(move || k.receive(2)).await;
    for notice in &notices {
        assert_eq!(notice.to, PHONE_E164);
        assert_eq!(notice.from, SHORT_CODE);
        assert!(
            notice.text.contains(&format!("#{number}")),
            "{}",
            notice.text
        );
    }
    assert!(
        notices[1].text.contains("Lubang sudah ditambal"),
        "{}",
        notices[1].text
    );

    // Kannel reports the delivery; the delivery log shows it.
    let number_parsed = ReportNumber::parse(&number).unwrap();
    let delivered = wait_for(|| {
        let app = t.app.clone();
        async move {
            app.deliveries(None, 50)
                .await
                .unwrap()
                .into_iter()
                .any(|d| {
                    d.kind == "sms" && d.report == Some(number_parsed) && d.status == "delivered"
                })
        }
    })
    .await;
    assert!(
        delivered,
        "no delivered SMS in {:?}",
        t.app.deliveries(None, 50).await
    );

    // The reporter answers the notice with a plain SMS: it threads to the report.
    let k = kannel.clone();
    let answer =
        phone(move || k.send(PHONE, SHORT_CODE, "Terima kasih, jalannya sudah rata")).await;
    assert_eq!(
        answer.text,
        format!("Tanggapan Anda untuk laporan #{number} sudah kami terima. Terima kasih.")
    );
}

async fn raw_get(url: &str) -> String {
    let (host, path) = url.trim_start_matches("http://").split_once('/').unwrap();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    stream
        .write_all(format!("GET /{path} HTTP/1.0\r\nHost: {host}\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default()
}

/// Polls `check` for a few seconds (Kannel calls back on its own time).
async fn wait_for<F, Fut>(check: F) -> bool
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..200 {
        if check().await {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    false
}
