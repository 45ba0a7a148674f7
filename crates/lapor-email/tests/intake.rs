//! Real-world messages through the app's e-mail intake, on the use-case test world (SQLite,
//! or PostgreSQL with `LAPOR_TEST_DATABASE_URL`): new reports, replays, replies threaded by
//! their token, and robots that get nothing.

#![allow(clippy::unwrap_used)]

#[path = "../../lapor-app/tests/common/mod.rs"]
mod common;

use std::sync::{Arc, Mutex};

use common::{TestDatabase, World, wib, world_on};
use lapor_app::notify::{Email, MailError, Mailer};
use lapor_app::outbound::Gateways;
use lapor_app::{
    App, Command, EmailOutcome, FixedClock, IgnoredEmail, InboxQuery, ReporterCommand, ReporterKey,
};
use lapor_domain::event::EventKind;
use lapor_domain::report::Channel;
use lapor_domain::status::{Action, Status};
use lapor_domain::tracking::ReportNumber;
use lapor_email::{Ingested, ingest};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// The token and report number the fixtures were written with.
const FIXTURE_TOKEN: &str = "0000001-5f0c2a9d7e31b846";

/// A fixture answering report `number` with `token` (as the reporter's client would write it).
fn reply_to(name: &str, number: ReportNumber, token: &str) -> Vec<u8> {
    String::from_utf8(fixture(name))
        .unwrap()
        .replace(FIXTURE_TOKEN, token)
        .replace("<report-1.", &format!("<report-{}.", number.0))
        .into_bytes()
}

/// What the outbox sent.
#[derive(Default, Clone)]
struct Outbox(Arc<Mutex<Vec<Email>>>);

impl Mailer for Outbox {
    fn send<'a>(
        &'a self,
        email: &'a Email,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), MailError>> + Send + 'a>>
    {
        Box::pin(async move {
            self.0.lock().unwrap().push(email.clone());
            Ok(())
        })
    }
}

impl Outbox {
    async fn run(&self, app: &App) -> Vec<Email> {
        app.run_jobs("test", &Gateways::mail_only(Arc::new(self.clone())), 100)
            .await
            .unwrap();
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

async fn world() -> World {
    let (db, url) = TestDatabase::new().await;
    let clock = Arc::new(FixedClock::new(wib(2026, 11, 2, 9, 0)));
    let app = App::open(&url, clock.clone(), &mut ()).await.unwrap();
    world_on(app, clock, db).await
}

async fn take(app: &App, raw: &[u8]) -> EmailOutcome {
    match ingest(app, raw).await.unwrap() {
        Ingested::Taken(outcome) => outcome,
        Ingested::Unreadable => panic!("fixture is not readable"),
    }
}

async fn filed(app: &App, raw: &[u8]) -> ReportNumber {
    match take(app, raw).await {
        EmailOutcome::Filed(number) => number,
        other => panic!("expected a new report, got {other:?}"),
    }
}

/// Reports in the national verification queue.
async fn national_queue(w: &World) -> Vec<(ReportNumber, Channel)> {
    w.app
        .inbox(
            &w.nasional,
            &InboxQuery {
                statuses: vec![Status::Unverified],
                ..InboxQuery::default()
            },
        )
        .await
        .unwrap()
        .page
        .items
        .into_iter()
        .map(|i| (i.record.report.number, i.record.report.channel))
        .collect()
}

#[tokio::test]
async fn a_new_report_appears_once_in_the_national_queue_and_the_reporter_gets_a_receipt() {
    let w = world().await;
    let outbox = Outbox::default();
    let before = national_queue(&w).await.len();

    let number = filed(&w.app, &fixture("gmail_alternative.eml")).await;
    let queue = national_queue(&w).await;
    assert_eq!(queue.len(), before + 1);
    assert_eq!(
        queue
            .iter()
            .filter(|(n, _)| *n == number)
            .collect::<Vec<_>>(),
        vec![&(number, Channel::Email)]
    );
    let case = w.app.case(&w.nasional, number).await.unwrap();
    let report = &case.report.record.report;
    assert_eq!(
        report.title,
        "Jalan berlubang di Jl. Merdeka – mohon segera diperbaiki"
    );
    assert!(
        report
            .body
            .starts_with("Selamat siang,\n\nSaya ingin melaporkan")
    );
    let lapor_app::ReporterView::Shown(Some(reporter)) = &case.reporter else {
        panic!("the national admin sees the reporter of a named report");
    };
    assert_eq!(reporter.email.as_deref(), Some("budi.santoso@gmail.com"));
    assert_eq!(reporter.name.as_deref(), Some("Budi Santoso"));

    // The same message again (the MTA retried, the mailbox was polled twice): nothing new.
    assert_eq!(
        take(&w.app, &fixture("gmail_alternative.eml")).await,
        EmailOutcome::AlreadyReceived(Some(number))
    );
    assert_eq!(national_queue(&w).await.len(), before + 1);

    // The receipt goes to the sender, with the reply token in the subject.
    let sent = outbox.run(&w.app).await;
    let receipts: Vec<&Email> = sent
        .iter()
        .filter(|m| m.to == "budi.santoso@gmail.com")
        .collect();
    assert_eq!(receipts.len(), 1, "exactly one receipt");
    let token = receipts[0].reply_token.clone().unwrap();
    assert!(token.starts_with(&format!("{number}-")), "{token}");
    assert!(
        receipts[0]
            .subject
            .starts_with(&format!("[Lapor #{token}] ")),
        "{}",
        receipts[0].subject
    );
    assert_eq!(w.app.email_reply_token(number).await.unwrap(), token);

    // A webmail message with a photo: the officer sees and can open it.
    let number = filed(&w.app, &fixture("yahoo_base64_jpeg.eml")).await;
    let files = w.app.case(&w.nasional, number).await.unwrap().files;
    assert_eq!(files.len(), 1);
    assert_eq!(
        (files[0].file_name.as_str(), files[0].content_type.as_str()),
        ("foto-tps-pasar-minggu.jpg", "image/jpeg")
    );
    let photo = w
        .app
        .report_file_for_officer(&w.nasional, files[0].id)
        .await
        .unwrap();
    let sent = lapor_email::parse(&fixture("yahoo_base64_jpeg.eml")).unwrap();
    assert_eq!(photo.data, sent.attachments[0].bytes);
    // Outlook's Latin-1 arrives as written.
    let number = filed(&w.app, &fixture("outlook_qp_latin1.eml")).await;
    let case = w.app.case(&w.nasional, number).await.unwrap();
    assert!(case.report.record.report.body.contains("André Pérez"));
}

#[tokio::test]
async fn a_reply_with_the_token_becomes_the_reporters_answer() {
    let w = world().await;
    let outbox = Outbox::default();
    let number = filed(&w.app, &fixture("gmail_alternative.eml")).await;
    w.verify_to(number, "pemkot-palangkaraya").await;
    w.act(&w.instansi, number, Command::Accept).await;
    w.act(
        &w.instansi,
        number,
        Command::Dispose {
            units: vec!["pemkot-palangkaraya.pupr".into()],
        },
    )
    .await;
    w.follow_up_by_unit_and_approve(number, "Lubang sudah ditambal pada 8 November 2026.")
        .await;
    assert_eq!(w.status(number).await, Status::AwaitingReporter);
    let follow_up = outbox
        .run(&w.app)
        .await
        .into_iter()
        .rfind(|m| m.to == "budi.santoso@gmail.com")
        .unwrap();
    let token = follow_up.reply_token.unwrap();

    // A stranger who knows the report number cannot answer for the reporter.
    let forged = String::from_utf8(reply_to(
        "reply_quoted.eml",
        number,
        "0000001-0000000000000000",
    ))
    .unwrap()
    .replace("Budi.Santoso@gmail.com", "orang.lain@example.id")
    .replace("Message-ID: <CAJx5v3kQ9", "Message-ID: <forged")
    .replace(
        "0000001-0000000000000000",
        &format!("{number}-0000000000000000"),
    );
    assert_eq!(
        take(&w.app, forged.as_bytes()).await,
        EmailOutcome::Ignored(IgnoredEmail::UnknownReport)
    );
    assert_eq!(w.status(number).await, Status::AwaitingReporter);

    let reply = reply_to("reply_quoted.eml", number, &token);
    assert_eq!(take(&w.app, &reply).await, EmailOutcome::Answered(number));
    assert_eq!(w.status(number).await, Status::Disposed, "back to the unit");
    let answer = w
        .events(number)
        .await
        .into_iter()
        .rev()
        .find_map(|e| match e {
            EventKind::Transition {
                action: Action::ReporterReply,
                reason,
                ..
            } => reason,
            _ => None,
        });
    assert_eq!(
        answer.as_deref(),
        Some(
            "Belum selesai, Pak. Lubangnya hanya ditimbun tanah dan sekarang\n\
             berlubang lagi setelah hujan semalam.\n\nBudi"
        ),
        "the quoted history is not part of the answer"
    );
    // Delivered twice: answered once.
    assert_eq!(
        take(&w.app, &reply).await,
        EmailOutcome::AlreadyReceived(Some(number))
    );
    assert_eq!(w.status(number).await, Status::Disposed);
}

#[tokio::test]
async fn answering_the_admins_question_by_email_even_from_another_address() {
    let w = world().await;
    let number = filed(&w.app, &fixture("gmail_alternative.eml")).await;
    w.act(
        &w.nasional,
        number,
        Command::RequestInformation {
            question: "Di kelurahan mana tepatnya?".into(),
        },
    )
    .await;
    let token = w.app.email_reply_token(number).await.unwrap();
    // Written from the reporter's office address: the token proves the thread.
    let reply = String::from_utf8(reply_to("reply_quoted.eml", number, &token))
        .unwrap()
        .replace(
            "From: Budi Santoso <Budi.Santoso@gmail.com>",
            "From: Budi <budi@kantor.example.id>",
        )
        .replace("In-Reply-To: <report-", "X-Was-In-Reply-To: <report-");
    assert_eq!(
        take(&w.app, reply.as_bytes()).await,
        EmailOutcome::Answered(number)
    );
    let case = w
        .app
        .reporter_case(ReporterKey::Contact {
            number,
            contact: "budi.santoso@gmail.com",
        })
        .await
        .unwrap();
    assert!(case.report.history.iter().any(|e| matches!(
        &e.event.kind,
        EventKind::Transition {
            action: Action::SupplyInformation,
            ..
        }
    )));
    // Nothing to answer any more: a second answer is recorded, not applied.
    let again = String::from_utf8(reply_to("reply_quoted.eml", number, &token))
        .unwrap()
        .replace("Message-ID: <CAJx5v3kQ9", "Message-ID: <another");
    assert_eq!(
        take(&w.app, again.as_bytes()).await,
        EmailOutcome::Ignored(IgnoredEmail::NotAwaitingReply)
    );
    // The reporter can still answer on the web (the channels act through one use case).
    assert!(matches!(
        w.app
            .reporter_act(
                ReporterKey::Contact {
                    number,
                    contact: "budi.santoso@gmail.com"
                },
                ReporterCommand::SupplyInformation {
                    text: "x".repeat(30)
                }
            )
            .await,
        Err(lapor_app::AppError::Refused(_))
    ));
}

#[tokio::test]
async fn auto_replies_and_bounces_create_nothing_and_send_nothing() {
    let w = world().await;
    let outbox = Outbox::default();
    let number = filed(&w.app, &fixture("gmail_alternative.eml")).await;
    outbox.run(&w.app).await;
    let token = w.app.email_reply_token(number).await.unwrap();
    let before = national_queue(&w).await.len();

    let out_of_office = reply_to("out_of_office.eml", number, &token);
    assert_eq!(
        take(&w.app, &out_of_office).await,
        EmailOutcome::Ignored(IgnoredEmail::Automated)
    );
    assert_eq!(
        take(&w.app, &fixture("bounce_dsn.eml")).await,
        EmailOutcome::Ignored(IgnoredEmail::Automated)
    );
    assert_eq!(
        take(&w.app, &fixture("bounce_dsn.eml")).await,
        EmailOutcome::AlreadyReceived(None)
    );
    assert_eq!(national_queue(&w).await.len(), before);
    assert_eq!(w.status(number).await, Status::Unverified);
    assert!(
        outbox.run(&w.app).await.is_empty(),
        "robots are never answered"
    );
}

#[tokio::test]
async fn what_cannot_be_a_report_is_recorded_and_a_flood_is_cut_off() {
    let w = world().await;
    let short = b"From: Ani <ani@example.id>\nTo: lapor@lapor.go.id\nSubject: Tolong\n\
                  Message-ID: <pendek@example.id>\n\nTolong!\n";
    assert_eq!(
        take(&w.app, short).await,
        EmailOutcome::Ignored(IgnoredEmail::Invalid)
    );
    assert_eq!(
        take(&w.app, short).await,
        EmailOutcome::AlreadyReceived(None)
    );
    let nobody = b"Subject: Jalan rusak parah\nMessage-ID: <tanpa-pengirim@example.id>\n\n\
                   Jalan di depan rumah kami rusak parah sejak bulan lalu.\n";
    assert_eq!(
        take(&w.app, nobody).await,
        EmailOutcome::Ignored(IgnoredEmail::NoSender)
    );
    assert_eq!(
        ingest(&w.app, b"\x00\x01 bukan e-mail").await.unwrap(),
        Ingested::Unreadable
    );

    let (budget, _) = lapor_app::RateLimit::Account.budget();
    let message = |i: i64| {
        format!(
            "From: Banjir <banjir@example.id>\nSubject: Laporan ke-{i} tentang banjir\n\
             Message-ID: <banjir-{i}@example.id>\n\n\
             Air setinggi lutut di jalan depan pasar sejak pagi, nomor {i}.\n"
        )
    };
    for i in 0..budget {
        assert!(matches!(
            take(&w.app, message(i).as_bytes()).await,
            EmailOutcome::Filed(_)
        ));
    }
    assert_eq!(
        take(&w.app, message(budget).as_bytes()).await,
        EmailOutcome::Ignored(IgnoredEmail::RateLimited)
    );
}

/// The whole round through a real SMTP server: the reporter's client answers our e-mail
/// to its Reply-To address, with a subject and headers of its own, and the answer threads.
#[tokio::test]
async fn an_answer_to_the_reply_to_address_of_a_real_email_threads() {
    let Some(server) = lapor_smtp::testing::SmtpServer::start() else {
        return;
    };
    let w = world().await;
    let number = filed(&w.app, &fixture("gmail_alternative.eml")).await;
    w.act(
        &w.nasional,
        number,
        Command::RequestInformation {
            question: "Di kelurahan mana tepatnya?".into(),
        },
    )
    .await;
    let config =
        lapor_smtp::SmtpConfig::from_url(&server.url(), "Lapor <noreply@lapor.go.id>").unwrap();
    let mailer = lapor_smtp::SmtpMailer::new(config)
        .unwrap()
        .with_reply_address("lapor@lapor.go.id")
        .unwrap();
    w.app
        .run_jobs("test", &Gateways::mail_only(Arc::new(mailer)), 100)
        .await
        .unwrap();
    let question = server
        .wait_for(2)
        .into_iter()
        .rfind(|m| m.envelope_to == ["budi.santoso@gmail.com"])
        .unwrap();
    let token = w.app.email_reply_token(number).await.unwrap();
    let reply_to = format!("lapor+{token}@lapor.go.id");
    assert!(
        question.raw.contains(&format!("Reply-To: {reply_to}\r\n")),
        "{}",
        question.raw
    );

    // Our own e-mail coming back (a forwarding loop) is a robot's, not a report.
    assert_eq!(
        take(&w.app, question.raw.as_bytes()).await,
        EmailOutcome::Ignored(IgnoredEmail::Automated)
    );

    // The client keeps only the Reply-To address: no tag in the subject, no In-Reply-To.
    let answer = format!(
        "From: Budi Santoso <budi.santoso@gmail.com>\r\nTo: {reply_to}\r\n\
         Subject: Balasan\r\nMessage-ID: <jawaban-1@mail.gmail.com>\r\n\
         Date: Tue, 3 Nov 2026 08:00:00 +0700\r\n\r\n\
         Kelurahan Citarum, tepat di depan SDN 3.\r\n\r\n\
         > {}\r\n",
        question.text.lines().next().unwrap()
    );
    assert_eq!(
        take(&w.app, answer.as_bytes()).await,
        EmailOutcome::Answered(number)
    );
    assert!(w.events(number).await.iter().any(|e| matches!(e,
        EventKind::Transition { action: Action::SupplyInformation, reason: Some(r), .. }
            if r == "Kelurahan Citarum, tepat di depan SDN 3.")));
}
