//! Near-duplicates and mass complaints through the use cases: a re-submission is linked to
//! the report it repeats, reports of one broken street light form a group that is answered
//! once with a follow-up (and a notice) per report, and officers only see the linked reports
//! in their own scope.
//!
//! Runs on SQLite, or on PostgreSQL (a fresh schema each) when `LAPOR_TEST_DATABASE_URL` is set.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::{Arc, Mutex};

use common::{World, wib, world};
use lapor_app::duplicates::Kind;
use lapor_app::{Command, Officer, Submission};
use lapor_domain::event::EventKind;
use lapor_domain::report::{Channel, ReportInput};
use lapor_domain::status::{Action, Status};
use lapor_domain::tracking::ReportNumber;
use lapor_domain::user::Role;

const LAMP_1: &str = "Lampu PJU di Jalan Yos Sudarso dekat masjid sudah seminggu mati, malam hari gelap gulita dan rawan kecelakaan serta kejahatan.";
const LAMP_2: &str = "PJU depan masjid Jl Yos Sudarso padam sejak seminggu, jalan jadi gelap gulita tiap malam dan rawan kecelakaan.";
const LAMP_3: &str = "Sudah seminggu lampu penerangan jalan di Yos Sudarso depan masjid tidak menyala. Gelap gulita, rawan kejahatan.";
const STREET: &str = "62.71.03.1002";

struct Filing<'a> {
    title: &'a str,
    body: &'a str,
    region: &'a str,
    email: &'a str,
    anonymous: bool,
}

impl<'a> Filing<'a> {
    fn new(body: &'a str, email: &'a str) -> Self {
        Self {
            title: "Lampu jalan mati",
            body,
            region: STREET,
            email,
            anonymous: false,
        }
    }
}

async fn file(w: &World, f: Filing<'_>) -> ReportNumber {
    let receipt = w
        .app
        .submit(Submission::new(
            ReportInput {
                classification: Some("pengaduan"),
                title: Some(f.title),
                body: Some(f.body),
                region_code: Some(f.region),
                reporter_name: Some("Warga Menteng"),
                reporter_email: Some(f.email),
                anonymous: f.anonymous,
                ..ReportInput::default()
            },
            Channel::Web,
        ))
        .await
        .unwrap();
    ReportNumber::parse(&receipt.number).unwrap()
}

async fn similar(w: &World, officer: &Officer, number: ReportNumber) -> Vec<(ReportNumber, Kind)> {
    w.app
        .similar_reports(officer, number)
        .await
        .unwrap()
        .into_iter()
        .map(|s| (s.number, s.kind))
        .collect()
}

async fn verify(w: &World, number: ReportNumber, agency: &str) {
    w.act(
        &w.nasional,
        number,
        Command::Verify {
            title: "Lampu PJU mati di Jalan Yos Sudarso".into(),
            classification: "pengaduan".into(),
            category: Some("pekerjaan_umum".into()),
            handling_class: "biasa".into(),
            agency: agency.into(),
            anonymous: false,
            confidential: false,
        },
    )
    .await;
}

async fn officer_of(w: &World, login: &str, role: Role, agency: &str) -> Officer {
    let user = w
        .app
        .add_user(
            "Petugas Lain",
            Some(login),
            None,
            "rahasia-sekali-123",
            role,
            Some(agency),
        )
        .await
        .unwrap();
    w.app.officer(&user).await.unwrap()
}

#[tokio::test]
async fn a_resubmitted_complaint_is_linked_to_the_report_it_repeats() {
    let w = world(wib(2026, 11, 2, 9, 0)).await;
    let first = file(&w, Filing::new(LAMP_1, "ani@example.id")).await;
    // An unrelated report in the same kelurahan.
    let rubbish = file(
        &w,
        Filing {
            title: "Sampah menumpuk",
            ..Filing::new(
                "Sampah di depan pasar tidak diangkut dua minggu, bau busuk dan lalat di mana-mana.",
                "budi@example.id",
            )
        },
    )
    .await;
    w.app.sweep().await.unwrap();

    // Two days later the same reporter sends it again, greeting first, in capitals.
    w.at(wib(2026, 11, 4, 9, 0));
    let again_text = format!("Selamat pagi Pak. {}", LAMP_1.to_uppercase());
    let again = file(&w, Filing::new(&again_text, "ani@example.id")).await;
    // And once more from another kota altogether: the same reporter, so still linked.
    let elsewhere = file(
        &w,
        Filing {
            region: "62.03",
            ..Filing::new(LAMP_1, "ani@example.id")
        },
    )
    .await;
    assert!(
        similar(&w, &w.nasional, again).await.is_empty(),
        "not compared before the sweep"
    );
    w.app.sweep().await.unwrap();

    let of_again = similar(&w, &w.nasional, again).await;
    assert!(of_again.contains(&(first, Kind::Duplicate)), "{of_again:?}");
    assert!(
        similar(&w, &w.nasional, first)
            .await
            .contains(&(again, Kind::Duplicate))
    );
    assert!(
        similar(&w, &w.nasional, elsewhere)
            .await
            .contains(&(first, Kind::Duplicate))
    );
    assert!(similar(&w, &w.nasional, rubbish).await.is_empty());
    // A second sweep links nothing twice.
    w.app.sweep().await.unwrap();
    assert_eq!(similar(&w, &w.nasional, again).await, of_again);
}

#[tokio::test]
async fn an_anonymous_report_is_never_tied_to_its_reporter_elsewhere() {
    let w = world(wib(2026, 11, 2, 9, 0)).await;
    let named = file(&w, Filing::new(LAMP_1, "ani@example.id")).await;
    let anonymous = file(
        &w,
        Filing {
            region: "62.03",
            anonymous: true,
            ..Filing::new(LAMP_1, "ani@example.id")
        },
    )
    .await;
    w.app.sweep().await.unwrap();
    // Same text, same e-mail, another kota: only who sent it could link them, so nothing does.
    assert!(similar(&w, &w.nasional, anonymous).await.is_empty());
    assert!(similar(&w, &w.nasional, named).await.is_empty());
}

/// Records every e-mail the outbox sends: (to, text).
#[derive(Default, Clone)]
struct Outbox(Arc<Mutex<Vec<(String, String)>>>);

impl lapor_app::notify::Mailer for Outbox {
    fn send<'a>(
        &'a self,
        email: &'a lapor_app::notify::Email,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<(), lapor_app::notify::MailError>> + Send + 'a>,
    > {
        Box::pin(async move {
            self.0
                .lock()
                .unwrap()
                .push((email.to.clone(), email.text.clone()));
            Ok(())
        })
    }
}

#[tokio::test]
async fn three_reports_of_one_broken_street_light_are_answered_once() {
    let w = world(wib(2026, 11, 2, 9, 0)).await;
    let reporters = ["ani@example.id", "budi@example.id", "citra@example.id"];
    let mut numbers = Vec::new();
    for (body, email) in [LAMP_1, LAMP_2, LAMP_3].into_iter().zip(reporters) {
        numbers.push(file(&w, Filing::new(body, email)).await);
    }
    w.app.sweep().await.unwrap();
    for &n in &numbers {
        let group = similar(&w, &w.nasional, n).await;
        let others: Vec<ReportNumber> = numbers.iter().copied().filter(|&o| o != n).collect();
        let mut linked: Vec<ReportNumber> = group.iter().map(|(o, _)| *o).collect();
        linked.sort_by_key(|o| o.0);
        assert_eq!(linked, others, "report {n} is grouped with the two others");
        assert!(
            group.iter().all(|(_, k)| *k == Kind::SameProblem),
            "{group:?}"
        );
    }
    for &n in &numbers {
        verify(&w, n, "pemkot-palangkaraya").await;
    }
    let outbox = Outbox::default();
    let gateways = lapor_app::outbound::Gateways::mail_only(Arc::new(outbox.clone()));
    w.app.run_jobs("test", &gateways, 100).await.unwrap();
    outbox.0.lock().unwrap().clear();

    // The city answers the first report, and applies the answer to its group.
    let group = w
        .app
        .similar_reports(&w.instansi, numbers[0])
        .await
        .unwrap();
    assert!(
        group
            .iter()
            .all(|s| s.can_follow_up && s.status == Status::Routed)
    );
    let answer = "Petugas PJU telah mengganti lampu di Jalan Yos Sudarso pada 3 November.";
    w.act(
        &w.instansi,
        numbers[0],
        Command::FollowUp {
            text: answer.into(),
            attachments: Vec::new(),
        },
    )
    .await;
    let mut answered = w
        .app
        .follow_up_similar(&w.instansi, numbers[0], answer)
        .await
        .unwrap();
    answered.sort_by_key(|n| n.0);
    assert_eq!(answered, numbers[1..]);

    for &n in &numbers {
        let case = w.app.case(&w.instansi, n).await.unwrap();
        assert_eq!(case.follow_ups.len(), 1, "report {n} has its own follow-up");
        assert_eq!(case.follow_ups[0].body, answer);
        assert_eq!(case.report.record.report.status, Status::AwaitingReporter);
        let steps = w
            .events(n)
            .await
            .into_iter()
            .filter(|e| {
                matches!(
                    e,
                    EventKind::Transition {
                        action: Action::FollowUp,
                        ..
                    }
                )
            })
            .count();
        assert_eq!(steps, 1, "report {n} has one follow-up step in its history");
    }
    // Answering again finds nothing that still takes a follow-up.
    assert!(
        w.app
            .follow_up_similar(&w.instansi, numbers[0], answer)
            .await
            .unwrap()
            .is_empty()
    );

    w.app.run_jobs("test", &gateways, 100).await.unwrap();
    let sent = outbox.0.lock().unwrap().clone();
    for reporter in reporters {
        assert!(
            sent.iter()
                .any(|(to, text)| to == reporter && text.contains("Yos Sudarso")),
            "{reporter} is told the answer: {sent:?}"
        );
    }
}

#[tokio::test]
async fn officers_see_only_the_linked_reports_in_their_scope() {
    let w = world(wib(2026, 11, 2, 9, 0)).await;
    let city = file(&w, Filing::new(LAMP_1, "ani@example.id")).await;
    let province = file(&w, Filing::new(LAMP_2, "budi@example.id")).await;
    let disposed = file(&w, Filing::new(LAMP_3, "citra@example.id")).await;
    w.app.sweep().await.unwrap();
    verify(&w, city, "pemkot-palangkaraya").await;
    verify(&w, province, "pemprov-kalteng").await;
    verify(&w, disposed, "pemkot-palangkaraya").await;
    w.act(
        &w.instansi,
        disposed,
        Command::Dispose {
            units: vec!["pemkot-palangkaraya.pupr".into()],
        },
    )
    .await;

    // The national admin sees the whole group.
    assert_eq!(similar(&w, &w.nasional, city).await.len(), 2);
    // The city sees its two reports, not the province's.
    let of_city: Vec<ReportNumber> = similar(&w, &w.instansi, city)
        .await
        .iter()
        .map(|s| s.0)
        .collect();
    assert_eq!(of_city, [disposed]);
    // The province's officer sees neither city report, though they are in its report's group.
    let provincial = officer_of(
        &w,
        "prov@demo.lapor.id",
        Role::AdminInstansi,
        "pemprov-kalteng",
    )
    .await;
    assert!(similar(&w, &provincial, province).await.is_empty());
    // Nor can it ask about the city's report at all.
    assert!(matches!(
        w.app.similar_reports(&provincial, city).await,
        Err(lapor_app::AppError::NotFound)
    ));
    // The unit sees the report disposed to it, and nothing of the rest.
    assert!(similar(&w, &w.unit, disposed).await.is_empty());
    // The group answer from the province reaches no city report.
    assert!(
        w.app
            .follow_up_similar(&provincial, province, "Sudah diperbaiki oleh provinsi.")
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        w.app
            .case(&w.instansi, city)
            .await
            .unwrap()
            .follow_ups
            .is_empty()
    );
}
