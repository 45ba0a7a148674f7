//! What every channel shares: one intake that refuses replays, region-less reports from SMS,
//! answers on the reporter's own channel through the outbox, API keys and rate limits.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::{Arc, Mutex};

use common::{wib, world};
use lapor_app::outbound::{DeliveryError, Gateways, OutgoingSms, SmsSender};
use lapor_app::{ApiScope, AppError, RateLimit, ReporterCommand, ReporterKey, Submission};
use lapor_domain::report::{Channel, ReportInput};
use lapor_domain::status::Status;
use lapor_domain::tracking::ReportNumber;

/// An SMS gateway that keeps what it was asked to send.
#[derive(Default, Clone)]
struct Phone(Arc<Mutex<Vec<OutgoingSms>>>);

impl SmsSender for Phone {
    fn send<'a>(
        &'a self,
        sms: &'a OutgoingSms,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), DeliveryError>> + Send + 'a>>
    {
        Box::pin(async move {
            self.0.lock().unwrap().push(sms.clone());
            Ok(())
        })
    }
}

fn sms_report(text: &str) -> ReportInput<'_> {
    ReportInput {
        classification: Some("pengaduan"),
        title: Some("Laporan SMS 1708"),
        body: Some(text),
        reporter_phone: Some("0812 3456 7890"),
        ..ReportInput::default()
    }
}

#[tokio::test]
async fn an_sms_report_is_filed_once_and_answered_by_sms() {
    let w = world(wib(2026, 11, 25, 9, 0)).await;
    let text = "Jalan rusak di depan SDN 2 Pahandut, sudah sebulan tidak diperbaiki.";
    let file = || {
        w.app.submit(Submission {
            inbound: Some("kannel-1001".into()),
            ..Submission::new(sms_report(text), Channel::Sms)
        })
    };
    let receipt = file().await.unwrap();
    let number = ReportNumber::parse(&receipt.number).unwrap();
    // Kannel delivers the same message again: nothing new, and the caller learns which report.
    match file().await {
        Err(AppError::AlreadyReceived(Some(n))) => assert_eq!(n, number),
        other => panic!("expected AlreadyReceived, got {other:?}"),
    }
    let case = w.app.case(&w.nasional, number).await.unwrap();
    let r = &case.report.record.report;
    assert_eq!(r.channel, Channel::Sms);
    assert!(
        r.location.region.is_undetermined(),
        "an SMS names no region"
    );
    // A web form still must.
    let web = w
        .app
        .submit(Submission::new(sms_report(text), Channel::Web))
        .await;
    assert!(
        matches!(web, Err(AppError::Invalid(e)) if e.0.iter().any(|p| p.field == "region_code"))
    );

    // Verified, routed and answered: the reporter hears it by SMS, not by e-mail.
    w.verify_to(number, "pemkot-palangkaraya").await;
    w.act(
        &w.instansi,
        number,
        lapor_app::Command::FollowUp {
            // Typographic quotes and a dash, as officers paste them from a word processor.
            text: "Perbaikan dijadwalkan minggu depan oleh Dinas PUPR — “segera” kata kepala dinas, dan akan diawasi langsung oleh camat setempat sampai selesai.".into(),
            attachments: Vec::new(),
        },
    )
    .await;
    let phone = Phone::default();
    let gateways = Gateways {
        sms: Arc::new(phone.clone()),
        ..Gateways::mail_only(Arc::new(lapor_app::notify::NoMail))
    };
    w.app.run_jobs("test", &gateways, 50).await.unwrap();
    let sent = phone.0.lock().unwrap().clone();
    assert!(!sent.is_empty());
    assert!(sent.iter().all(|s| s.to == "+6281234567890"));
    let last = sent.last().unwrap();
    assert!(last.text.contains(&format!("#{number}")), "{}", last.text);
    assert!(last.text.contains("Perbaikan dijadwalkan"), "{}", last.text);
    // One GSM-7 segment: no UCS-2 for a quote mark, no second part.
    assert!(lapor_domain::sms::is_gsm7(&last.text), "{}", last.text);
    assert!(lapor_domain::sms::units(&last.text) <= 160, "{}", last.text);
    assert!(
        last.text.ends_with("Balas SMS ini untuk menanggapi."),
        "{}",
        last.text
    );

    // The gateway's delivery report lands in the log of that message.
    w.app
        .record_sms_delivery(last.job_id, 1, "ACK/")
        .await
        .unwrap();
    let log = w.app.deliveries(None, 10).await.unwrap();
    assert_eq!(log[0].status, "delivered");
    assert_eq!(log[0].report, Some(number));
    assert!(matches!(
        w.app.record_sms_delivery(999_999, 1, "").await,
        Err(AppError::NotFound)
    ));

    // The reporter answers by SMS (found by the number they wrote from); the same SMS
    // delivered twice is one answer.
    assert_eq!(
        w.app
            .reports_awaiting_reply_from("+62 812-3456-7890")
            .await
            .unwrap(),
        vec![number]
    );
    let key = ReporterKey::Contact {
        number,
        contact: "081234567890",
    };
    let reply = ReporterCommand::Reply {
        text: "Terima kasih, saya tunggu perbaikannya.".into(),
    };
    assert!(
        w.app
            .reporter_act_inbound(key, reply.clone(), Channel::Sms, "kannel-1002")
            .await
            .unwrap()
    );
    assert!(
        !w.app
            .reporter_act_inbound(key, reply, Channel::Sms, "kannel-1002")
            .await
            .unwrap()
    );
    assert_eq!(w.status(number).await, Status::Routed);
    // Someone else's number does not speak for this reporter.
    let stranger = ReporterKey::Contact {
        number,
        contact: "081299990000",
    };
    assert!(matches!(
        w.app.reporter_case(stranger).await,
        Err(AppError::NotFound)
    ));
}

#[tokio::test]
async fn api_keys_are_checked_scoped_and_revocable() {
    let w = world(wib(2026, 11, 25, 9, 0)).await;
    let issued = w
        .app
        .add_api_client(
            "FixMyStreet Palangka Raya",
            None,
            &[ApiScope::Open311],
            None,
        )
        .await
        .unwrap();
    assert!(issued.key.starts_with("lpr_"));
    assert!(issued.webhook_secret.is_none());
    let client = w
        .app
        .authenticate_client(&issued.key, ApiScope::Open311)
        .await
        .unwrap();
    assert_eq!(client.name, "FixMyStreet Palangka Raya");
    for (key, scope) in [
        (issued.key.as_str(), ApiScope::Integration),
        ("lpr_tidakada", ApiScope::Open311),
        ("", ApiScope::Open311),
    ] {
        assert!(matches!(
            w.app.authenticate_client(key, scope).await,
            Err(AppError::Forbidden)
        ));
    }
    assert!(matches!(
        w.app.officer_for_client(&client).await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        w.app
            .add_api_client("Salah", Some("tidak-ada"), &[ApiScope::Integration], None)
            .await,
        Err(AppError::Invalid(_))
    ));
    assert!(matches!(
        w.app
            .add_api_client("Kait", None, &[ApiScope::Open311], Some("ftp://x"))
            .await,
        Err(AppError::Invalid(_))
    ));
    w.app.revoke_api_client(client.id).await.unwrap();
    assert!(matches!(
        w.app
            .authenticate_client(&issued.key, ApiScope::Open311)
            .await,
        Err(AppError::Forbidden)
    ));
}

#[tokio::test]
async fn rate_limits_refuse_with_the_time_to_wait_and_reset() {
    let w = world(wib(2026, 11, 25, 9, 0)).await;
    let (budget, window) = RateLimit::Phone.budget();
    for _ in 0..budget {
        w.app
            .rate_limit(RateLimit::Phone, "+6281234567890")
            .await
            .unwrap();
    }
    match w.app.rate_limit(RateLimit::Phone, "+6281234567890").await {
        Err(AppError::RateLimited {
            retry_after_secs, ..
        }) => {
            assert!(
                retry_after_secs > 0 && retry_after_secs <= window.num_seconds().unsigned_abs()
            );
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    // Another phone has its own budget; the next window starts afresh.
    w.app
        .rate_limit(RateLimit::Phone, "+6281299990000")
        .await
        .unwrap();
    w.at(wib(2026, 11, 25, 9, 0) + window);
    w.app
        .rate_limit(RateLimit::Phone, "+6281234567890")
        .await
        .unwrap();
}

#[tokio::test]
async fn files_sent_with_a_report_reach_officers_in_scope_only() {
    let w = world(wib(2026, 11, 25, 9, 0)).await;
    let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F'].to_vec();
    let input = ReportInput {
        reporter_name: Some("Budi Santoso"),
        reporter_email: Some("budi@example.com"),
        reporter_phone: None,
        ..sms_report(
            "Foto jalan berlubang di depan SDN 2 Pahandut terlampir, mohon ditindaklanjuti.",
        )
    };
    let receipt = w
        .app
        .submit(Submission {
            attachments: vec![lapor_app::Upload {
                file_name: "C:\\Users\\budi\\jalan.jpg".into(),
                data: jpeg.clone(),
            }],
            inbound: Some("<CAF00@mail.example.com>".into()),
            ..Submission::new(input.clone(), Channel::Email)
        })
        .await
        .unwrap();
    let number = ReportNumber::parse(&receipt.number).unwrap();
    let case = w.app.case(&w.nasional, number).await.unwrap();
    assert_eq!(case.files.len(), 1);
    assert_eq!(case.files[0].file_name, "jalan.jpg", "no client path kept");
    assert_eq!(case.files[0].content_type, "image/jpeg");
    let file = w
        .app
        .report_file_for_officer(&w.nasional, case.files[0].id)
        .await
        .unwrap();
    assert_eq!(file.data, jpeg);
    // The city does not see an unrouted report, nor its files.
    assert!(matches!(
        w.app
            .report_file_for_officer(&w.instansi, case.files[0].id)
            .await,
        Err(AppError::NotFound)
    ));
    // A file that is not a document or picture is refused, and nothing is stored.
    let refused = w
        .app
        .submit(Submission {
            attachments: vec![lapor_app::Upload {
                file_name: "virus.exe".into(),
                data: b"MZ\x90\x00".to_vec(),
            }],
            inbound: Some("<CAF01@mail.example.com>".into()),
            ..Submission::new(input, Channel::Email)
        })
        .await;
    assert!(matches!(refused, Err(AppError::Invalid(_))));

    // Published, it shows no name: an e-mail never asked whether the name may be public.
    w.verify_to(number, "pemkot-palangkaraya").await;
    let public = w.app.public_report(number).await.unwrap();
    assert_eq!(public.reporter_name, None);
    assert!(!public.anonymous, "nor is it made anonymous for the agency");
    assert_eq!(
        w.app
            .inbound_seen(Channel::Email, "<CAF01@mail.example.com>")
            .await
            .unwrap(),
        None
    );
}
