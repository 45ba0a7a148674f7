//! The handling workflow end to end through the use cases, on a real database, with an
//! injected clock: due dates are compared with ones computed by hand from the 2026 holiday
//! list (Nyepi and Idul Fitri cuti bersama in March, Good Friday in April).
//!
//! The demo tree is used: Kota Palangka Raya (WIB, requires approval of its units'
//! follow-ups) with Dinas PUPR, and the demo officers of every role.
//!
//! Every scenario runs on SQLite, or on PostgreSQL (a fresh schema each) when
//! `LAPOR_TEST_DATABASE_URL` is set.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use common::{TestDatabase, end_of_wib_day, wib, world, world_on};
use lapor_app::notify::Language;
use lapor_app::{
    App, AppError, Command, FixedClock, Refusal, ReporterCommand, ReporterKey, Upload,
};
use lapor_domain::event::EventKind;
use lapor_domain::status::{Action, Status};
use lapor_domain::workflow::Step;

fn count(events: &[EventKind], pred: impl Fn(&EventKind) -> bool) -> usize {
    events.iter().filter(|e| pred(e)).count()
}

#[tokio::test]
async fn a_report_walks_from_submission_to_auto_close_across_idul_fitri() {
    // Tuesday 17 March 2026, 09:00 WIB. The next days are Nyepi (cuti bersama 18, holiday 19),
    // Idul Fitri (cuti bersama 20, 23, 24; holidays 21, 22): the first working day is 25 March.
    let w = world(wib(2026, 3, 17, 9, 0)).await;
    let (number, code) = w
        .file("Jalan berlubang depan sekolah", None, Language::Id)
        .await;
    assert_eq!(
        w.due(number).await,
        (Step::Verification, Some(end_of_wib_day(2026, 3, 27)))
    );

    // Thursday 26 March: verified and routed to the city (its clock runs in WIB).
    w.at(wib(2026, 3, 26, 10, 0));
    w.verify_to(number, "pemkot-palangkaraya").await;
    assert_eq!(w.status(number).await, Status::Routed);
    // 27, 30, 31 March, 1 and 2 April.
    assert_eq!(
        w.due(number).await,
        (Step::FollowUp, Some(end_of_wib_day(2026, 4, 2)))
    );
    let case = w.app.case(&w.nasional, number).await.unwrap();
    assert_eq!(
        case.report.record.report.title,
        "Jalan berlubang di depan SDN 2 Pahandut"
    );
    assert!(case.report.history.iter().any(|e| matches!(&e.event.kind,
        EventKind::Verified { previous_title: Some(t), .. } if t == "Jalan berlubang depan sekolah")));

    // Friday 27 March: accepted and disposed to Dinas PUPR; the deadline does not move.
    w.at(wib(2026, 3, 27, 8, 0));
    w.act(&w.instansi, number, Command::Accept).await;
    w.act(
        &w.instansi,
        number,
        Command::Dispose {
            units: vec!["pemkot-palangkaraya.pupr".into()],
        },
    )
    .await;
    assert_eq!(w.status(number).await, Status::Disposed);
    assert_eq!(
        w.due(number).await,
        (Step::FollowUp, Some(end_of_wib_day(2026, 4, 2)))
    );

    // Monday 30 March the unit writes the follow-up; Tuesday 31 the city approves it.
    w.at(wib(2026, 3, 30, 10, 0));
    w.act(
        &w.unit,
        number,
        Command::FollowUp {
            text: "Lubang sudah ditambal sementara; perbaikan permanen dijadwalkan April.".into(),
            attachments: vec![Upload {
                file_name: "foto-lokasi.pdf".into(),
                data: b"%PDF-1.4 demo".to_vec(),
            }],
        },
    )
    .await;
    let reporter_view = w.app.reporter_case(ReporterKey::Code(&code)).await.unwrap();
    assert!(
        reporter_view.follow_ups.is_empty(),
        "not published before approval"
    );
    w.at(wib(2026, 3, 31, 9, 0));
    w.act(&w.instansi, number, Command::PublishFollowUp).await;
    assert_eq!(w.status(number).await, Status::AwaitingReporter);
    // Ten working days from 1 April, skipping Good Friday (3 April): 15 April.
    assert_eq!(
        w.due(number).await,
        (Step::ReporterWindow, Some(end_of_wib_day(2026, 4, 15)))
    );
    let reporter_view = w.app.reporter_case(ReporterKey::Code(&code)).await.unwrap();
    assert_eq!(reporter_view.follow_ups.len(), 1);
    assert_eq!(reporter_view.follow_ups[0].attachments.len(), 1);
    assert!(reporter_view.options.reply && reporter_view.options.confirm_resolved);

    // Monday 6 April the reporter answers: back to the unit, a new 5-day clock.
    w.at(wib(2026, 4, 6, 19, 0));
    w.app
        .reporter_act(
            ReporterKey::Code(&code),
            ReporterCommand::Reply {
                text: "Lubang masih ada di sisi kiri jalan.".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        w.status(number).await,
        Status::Disposed,
        "back to the unit that handled it"
    );
    assert_eq!(
        w.due(number).await,
        (Step::FollowUp, Some(end_of_wib_day(2026, 4, 13)))
    );

    // Wednesday 8 April: second follow-up, approved the same day.
    w.at(wib(2026, 4, 8, 11, 0));
    w.follow_up_by_unit_and_approve(number, "Sisi kiri jalan sudah ditambal pada 8 April.")
        .await;
    assert_eq!(
        w.due(number).await,
        (Step::ReporterWindow, Some(end_of_wib_day(2026, 4, 22)))
    );

    // No answer: the sweep leaves it open until the window ends, then closes it once.
    w.at(end_of_wib_day(2026, 4, 22) - chrono::TimeDelta::seconds(1));
    w.app.sweep().await.unwrap();
    assert_eq!(w.status(number).await, Status::AwaitingReporter);
    w.at(end_of_wib_day(2026, 4, 22));
    w.app.sweep().await.unwrap();
    assert_eq!(w.status(number).await, Status::Closed);
    w.app.sweep().await.unwrap();

    // The reporter may still rate; answering is over.
    let late = w
        .app
        .reporter_act(
            ReporterKey::Code(&code),
            ReporterCommand::Reply {
                text: "Masih ada lubang.".into(),
            },
        )
        .await;
    assert!(matches!(late, Err(AppError::Refused(_))), "{late:?}");
    w.app
        .reporter_act(
            ReporterKey::Code(&code),
            ReporterCommand::Rate {
                stars: 4,
                comment: Some("Cepat ditangani.".into()),
            },
        )
        .await
        .unwrap();

    let events = w.events(number).await;
    let steps: Vec<Action> = events
        .iter()
        .filter_map(|e| match e {
            EventKind::Transition { action, .. } => Some(*action),
            _ => None,
        })
        .collect();
    assert_eq!(
        steps,
        [
            Action::Verify,
            Action::Accept,
            Action::Dispose,
            Action::FollowUp,
            Action::PublishFollowUp,
            Action::ReporterReply,
            Action::FollowUp,
            Action::PublishFollowUp,
            Action::AutoClose,
        ]
    );
    assert_eq!(
        count(&events, |e| matches!(e, EventKind::Rated { stars: 4, .. })),
        1
    );

    // Performance: the city's unit published both follow-ups on time.
    let rows = w
        .app
        .performance(&w.instansi, wib(2026, 1, 1, 0, 0))
        .await
        .unwrap();
    let pupr = rows
        .iter()
        .find(|p| p.agency.as_deref() == Some("pemkot-palangkaraya.pupr"))
        .unwrap();
    assert_eq!((pupr.finished, pupr.on_time), (2, 2));
    let city = rows
        .iter()
        .find(|p| p.agency.as_deref() == Some("pemkot-palangkaraya"))
        .unwrap();
    assert_eq!(city.satisfaction, Some(4.0));
    assert_eq!(
        pupr.satisfaction,
        Some(4.0),
        "one rating, however many follow-ups"
    );
}

#[tokio::test]
async fn cuti_bersama_can_be_set_not_to_stop_the_clock() {
    let w = world(wib(2026, 3, 17, 9, 0)).await;
    w.app
        .set_setting("calendar.cuti_bersama_stops_clock", "false")
        .await
        .unwrap();
    let (number, _) = w
        .file("Jalan berlubang depan sekolah", None, Language::Id)
        .await;
    // 18 (cuti, now a working day), 20 (cuti), 23 (cuti): Nyepi and the weekend still stop it.
    assert_eq!(
        w.due(number).await,
        (Step::Verification, Some(end_of_wib_day(2026, 3, 23)))
    );
    let bad = w.app.set_setting("limits.follow_up", "zero").await;
    assert!(matches!(bad, Err(AppError::Invalid(_))));
}

#[tokio::test]
async fn bukan_wewenang_goes_back_to_national_routing_and_on_to_the_right_agency() {
    let w = world(wib(2026, 11, 2, 9, 0)).await;
    let (number, code) = w
        .file("Bantuan sosial tidak cair", None, Language::Id)
        .await;
    w.verify_to(number, "pemkot-palangkaraya").await;

    w.at(wib(2026, 11, 3, 10, 0));
    let refused = w
        .app
        .act(
            &w.instansi,
            number,
            w.version(&w.instansi, number).await,
            Command::ReturnNotAuthority {
                reason: "".into(),
                suggested_agency: None,
            },
        )
        .await;
    assert!(
        matches!(refused, Err(AppError::Invalid(_))),
        "a reason is required"
    );
    w.act(
        &w.instansi,
        number,
        Command::ReturnNotAuthority {
            reason: "Penyaluran bantuan sosial adalah kewenangan Kementerian Sosial.".into(),
            suggested_agency: Some("kemensos".into()),
        },
    )
    .await;
    assert_eq!(w.status(number).await, Status::Returned);
    // Never a dead end: the national queue has it with a fresh 3-day clock (Nov 4, 5, 6).
    assert_eq!(
        w.due(number).await,
        (Step::Verification, Some(end_of_wib_day(2026, 11, 6)))
    );
    let inbox = w
        .app
        .inbox(
            &w.nasional,
            &lapor_app::InboxQuery {
                statuses: vec![Status::Returned],
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(
        inbox
            .page
            .items
            .iter()
            .any(|i| i.record.report.number == number)
    );
    // The city no longer holds it.
    assert!(matches!(
        w.app.case(&w.instansi, number).await,
        Err(AppError::NotFound)
    ));
    // The reporter sees who returned it and why.
    let seen = w.app.reporter_case(ReporterKey::Code(&code)).await.unwrap();
    assert!(seen.report.history.iter().any(|e| matches!(&e.event.kind,
        EventKind::Transition { action: Action::ReturnNotAuthority, agency: Some(a), reason: Some(r), suggested_agency: Some(s), .. }
            if a == "pemkot-palangkaraya" && r.contains("Kementerian Sosial") && s == "kemensos")));

    w.at(wib(2026, 11, 4, 10, 0));
    w.verify_to(number, "kemensos").await;
    assert_eq!(w.status(number).await, Status::Routed);
    let case = w.app.case(&w.nasional, number).await.unwrap();
    assert_eq!(
        case.report.record.report.agency.as_deref(),
        Some("kemensos")
    );
    assert_eq!(case.units, Vec::<(String, String)>::new());
}

#[tokio::test]
async fn a_unit_routed_to_directly_still_needs_its_citys_approval() {
    let w = world(wib(2026, 11, 2, 9, 0)).await;
    let (number, code) = w
        .file("Jalan berlubang depan sekolah", None, Language::Id)
        .await;
    w.verify_to(number, "pemkot-palangkaraya.pupr").await;
    w.act(
        &w.unit,
        number,
        Command::FollowUp {
            text: "Sudah kami tambal hari ini.".into(),
            attachments: vec![],
        },
    )
    .await;
    assert_eq!(
        w.status(number).await,
        Status::FollowedUp,
        "waits for the city"
    );
    assert!(
        w.app
            .reporter_case(ReporterKey::Code(&code))
            .await
            .unwrap()
            .follow_ups
            .is_empty()
    );
    let city_admin = w
        .app
        .find_account("instansi@demo.lapor.id")
        .await
        .unwrap()
        .unwrap();
    let (notes, _) = w.app.notifications(&city_admin).await.unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n.report == Some(number) && n.text.contains("menunggu persetujuan")),
        "{notes:?}"
    );
    w.act(&w.instansi, number, Command::PublishFollowUp).await;
    assert_eq!(w.status(number).await, Status::AwaitingReporter);
}

#[tokio::test]
async fn a_national_admin_can_pull_a_report_back_from_an_agency_that_does_not_act() {
    let w = world(wib(2026, 11, 2, 9, 0)).await;
    let (number, _) = w
        .file("Jalan berlubang depan sekolah", None, Language::Id)
        .await;
    w.verify_to(number, "pemkot-palangkaraya").await;
    w.act(
        &w.instansi,
        number,
        Command::Dispose {
            units: vec!["pemkot-palangkaraya.pupr".into()],
        },
    )
    .await;
    w.verify_to(number, "kemen-pu").await;
    let case = w.app.case(&w.nasional, number).await.unwrap();
    assert_eq!(case.report.record.report.status, Status::Routed);
    assert_eq!(
        case.report.record.report.agency.as_deref(),
        Some("kemen-pu")
    );
    assert!(case.units.is_empty(), "the units are released");
    assert!(matches!(
        w.app.case(&w.unit, number).await,
        Err(AppError::NotFound)
    ));
}

#[tokio::test]
async fn the_verification_clock_stops_while_the_reporter_is_asked() {
    let w = world(wib(2026, 11, 2, 9, 0)).await; // Monday
    let (number, code) = w
        .file("Jalan berlubang depan sekolah", None, Language::Id)
        .await;
    w.at(wib(2026, 11, 3, 9, 0));
    w.act(
        &w.nasional,
        number,
        Command::RequestInformation {
            question: "Mohon sebutkan RT/RW lokasi lubang tersebut.".into(),
        },
    )
    .await;
    assert_eq!(w.due(number).await, (Step::Verification, None), "paused");
    let seen = w.app.reporter_case(ReporterKey::Code(&code)).await.unwrap();
    assert!(seen.options.supply_information);
    // The reporter answers a week later (5 working days paused: Nov 4–10).
    w.at(wib(2026, 11, 10, 9, 0));
    w.app
        .reporter_act(
            ReporterKey::Code(&code),
            ReporterCommand::SupplyInformation {
                text: "RT 03 RW 02, depan SDN 2.".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(w.status(number).await, Status::Unverified);
    // Nov 5 pushed by 5 working days: Nov 12.
    assert_eq!(
        w.due(number).await,
        (Step::Verification, Some(end_of_wib_day(2026, 11, 12)))
    );
}

#[tokio::test]
async fn overdue_reports_escalate_exactly_once_per_stage() {
    let w = world(wib(2026, 11, 2, 9, 0)).await;
    let (number, _) = w
        .file("Jalan berlubang depan sekolah", None, Language::Id)
        .await;
    w.verify_to(number, "pemkot-palangkaraya.pupr").await; // routed straight to a unit
    // Follow-up due at the end of Monday 9 November; nobody acts.
    assert_eq!(
        w.due(number).await,
        (Step::FollowUp, Some(end_of_wib_day(2026, 11, 9)))
    );
    let overdue = |events: Vec<EventKind>, stage: u8| {
        count(
            &events,
            |e| matches!(e, EventKind::Overdue { stage: s, .. } if *s == stage),
        )
    };
    w.at(end_of_wib_day(2026, 11, 9) - chrono::TimeDelta::seconds(1));
    w.app.sweep().await.unwrap();
    assert_eq!(overdue(w.events(number).await, 1), 0, "not yet due");

    w.at(end_of_wib_day(2026, 11, 9));
    w.app.sweep().await.unwrap();
    w.app.sweep().await.unwrap();
    assert_eq!(
        overdue(w.events(number).await, 1),
        1,
        "stage 1 happens once"
    );
    // The unit holding it is alerted; its agency admin sees it overdue in the inbox.
    let unit_admin = w
        .app
        .find_account("unit@demo.lapor.id")
        .await
        .unwrap()
        .unwrap();
    let (notes, _) = w.app.notifications(&unit_admin).await.unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n.report == Some(number) && n.text.contains("Batas waktu terlewati")),
        "{notes:?}"
    );
    let inbox = w
        .app
        .inbox(
            &w.instansi,
            &lapor_app::InboxQuery {
                overdue: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(
        inbox
            .page
            .items
            .iter()
            .any(|i| i.record.report.number == number && i.deadline.unwrap().overdue)
    );

    // Two working days later (Nov 10, 11) it goes up to the parent agency and the national admins.
    w.at(end_of_wib_day(2026, 11, 11) - chrono::TimeDelta::seconds(1));
    w.app.sweep().await.unwrap();
    assert_eq!(overdue(w.events(number).await, 2), 0);
    w.at(end_of_wib_day(2026, 11, 11));
    w.app.sweep().await.unwrap();
    assert_eq!(
        overdue(w.events(number).await, 2),
        1,
        "stage 2 comes when it is due"
    );
    w.at(end_of_wib_day(2026, 11, 20));
    w.app.sweep().await.unwrap();
    let events = w.events(number).await;
    assert!(events.iter().any(|e| matches!(e, EventKind::Overdue { stage: 2, notified, .. }
        if notified.contains(&"pemkot-palangkaraya".to_owned()) && notified.contains(&"admin_nasional".to_owned()))));
    let city_admin = w
        .app
        .find_account("instansi@demo.lapor.id")
        .await
        .unwrap()
        .unwrap();
    let (notes, unread) = w.app.notifications(&city_admin).await.unwrap();
    assert!(
        unread >= 1
            && notes
                .iter()
                .any(|n| n.report == Some(number) && n.text.contains("Eskalasi")),
        "{notes:?}"
    );
    assert_eq!(
        count(&events, |e| matches!(e, EventKind::Overdue { .. })),
        2
    );
}

#[tokio::test]
async fn officers_cannot_take_steps_outside_their_role_status_or_version() {
    let w = world(wib(2026, 11, 2, 9, 0)).await;
    let (number, _) = w
        .file("Jalan berlubang depan sekolah", None, Language::Id)
        .await;
    // The city cannot see an unverified report, let alone act on it.
    assert!(matches!(
        w.app.act(&w.instansi, number, 0, Command::Accept).await,
        Err(AppError::NotFound)
    ));
    w.verify_to(number, "pemkot-palangkaraya").await;
    let version = w.version(&w.instansi, number).await;
    // The national admin cannot dispose.
    let wrong_role = w
        .app
        .act(
            &w.nasional,
            number,
            version,
            Command::Dispose {
                units: vec!["pemkot-palangkaraya.pupr".into()],
            },
        )
        .await;
    assert!(
        matches!(wrong_role, Err(AppError::Refused(Refusal::NotYourRole))),
        "{wrong_role:?}"
    );
    // Two tabs: the second form is stale, nothing changes.
    w.app
        .act(&w.instansi, number, version, Command::Accept)
        .await
        .unwrap();
    let stale = w
        .app
        .act(
            &w.instansi,
            number,
            version,
            Command::Dispose {
                units: vec!["pemkot-palangkaraya.pupr".into()],
            },
        )
        .await;
    assert!(matches!(stale, Err(AppError::Conflict)), "{stale:?}");
    assert_eq!(w.status(number).await, Status::Routed);
    // Empty follow-up and a file that is no document: clear errors, nothing stored.
    let v = w.version(&w.instansi, number).await;
    assert!(matches!(
        w.app
            .act(
                &w.instansi,
                number,
                v,
                Command::FollowUp {
                    text: "  ".into(),
                    attachments: vec![]
                }
            )
            .await,
        Err(AppError::Invalid(_))
    ));
    let exe = Upload {
        file_name: "virus.exe".into(),
        data: b"MZ\x90\x00".to_vec(),
    };
    assert!(matches!(
        w.app
            .act(
                &w.instansi,
                number,
                v,
                Command::FollowUp {
                    text: "Sudah kami tindak lanjuti.".into(),
                    attachments: vec![exe]
                }
            )
            .await,
        Err(AppError::Invalid(_))
    ));
    let huge = Upload {
        file_name: "scan.pdf".into(),
        data: [
            b"%PDF-".as_slice(),
            &vec![0; lapor_app::MAX_ATTACHMENT_BYTES],
        ]
        .concat(),
    };
    assert!(matches!(
        w.app
            .act(
                &w.instansi,
                number,
                v,
                Command::FollowUp {
                    text: "Sudah kami tindak lanjuti.".into(),
                    attachments: vec![huge]
                }
            )
            .await,
        Err(AppError::Invalid(_))
    ));
    assert!(
        w.app
            .case(&w.instansi, number)
            .await
            .unwrap()
            .follow_ups
            .is_empty()
    );
    // Privacy only goes up.
    w.act(
        &w.instansi,
        number,
        Command::RaisePrivacy {
            anonymous: true,
            confidential: false,
        },
    )
    .await;
    let v = w.version(&w.instansi, number).await;
    let lower = w
        .app
        .act(
            &w.instansi,
            number,
            v,
            Command::RaisePrivacy {
                anonymous: false,
                confidential: false,
            },
        )
        .await;
    assert!(matches!(lower, Err(AppError::Invalid(_))));
    let case = w.app.case(&w.instansi, number).await.unwrap();
    assert!(case.report.record.report.privacy.anonymous);
    // Now anonymous: the agency no longer sees who reported it; the national admin must
    // ask, and that look is recorded.
    assert_eq!(case.reporter, lapor_app::ReporterView::Hidden);
    assert_eq!(
        w.app.case(&w.nasional, number).await.unwrap().reporter,
        lapor_app::ReporterView::Revealable
    );
    let shown = w
        .app
        .reveal_reporter(&w.nasional, number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(shown.name.as_deref(), Some("Budi Santoso"));
    assert!(matches!(
        w.app.reveal_reporter(&w.instansi, number).await,
        Err(AppError::NotFound)
    ));
    assert_eq!(
        count(&w.events(number).await, |e| matches!(
            e,
            EventKind::IdentityViewed
        )),
        1
    );
    assert!(
        !w.app
            .case(&w.instansi, number)
            .await
            .unwrap()
            .report
            .history
            .iter()
            .any(|e| matches!(e.event.kind, EventKind::IdentityViewed))
    );
}

#[tokio::test]
async fn the_ombudsman_is_offered_after_sixty_days_and_takes_the_case_with_consent() {
    let w = world(wib(2026, 9, 1, 9, 0)).await;
    let (number, code) = w
        .file("Jalan berlubang depan sekolah", None, Language::Id)
        .await;
    w.verify_to(number, "pemkot-palangkaraya").await;
    let early = w
        .app
        .reporter_act(ReporterKey::Code(&code), ReporterCommand::EscalateOmbudsman)
        .await;
    assert!(
        matches!(early, Err(AppError::Refused(Refusal::TooEarlyForOmbudsman))),
        "{early:?}"
    );
    w.at(wib(2026, 11, 1, 9, 0));
    assert!(w.app.sweep().await.unwrap().ombudsman_offers >= 1);
    assert_eq!(
        w.app.sweep().await.unwrap().ombudsman_offers,
        0,
        "offered once"
    );
    assert_eq!(
        count(&w.events(number).await, |e| matches!(
            e,
            EventKind::OmbudsmanOffered
        )),
        1
    );
    assert!(
        w.app
            .reporter_case(ReporterKey::Code(&code))
            .await
            .unwrap()
            .options
            .escalate_ombudsman
    );
    w.app
        .reporter_act(ReporterKey::Code(&code), ReporterCommand::EscalateOmbudsman)
        .await
        .unwrap();
    assert_eq!(w.status(number).await, Status::EscalatedOmbudsman);
    let ombudsman = w
        .app
        .officer(
            &w.app
                .find_account("ombudsman@demo.lapor.id")
                .await
                .unwrap()
                .unwrap(),
        )
        .await
        .unwrap();
    let bundle = w.app.case_bundle(&ombudsman, number).await.unwrap();
    assert_eq!(bundle.number, number.to_string());
    assert!(bundle.history.len() >= 3);
    assert_eq!(
        bundle.reporter.unwrap().name.as_deref(),
        Some("Budi Santoso")
    );
    assert!(matches!(
        w.app.case_bundle(&w.instansi, number).await,
        Err(AppError::NotFound)
    ));
    let ombudsman_user = w
        .app
        .find_account("ombudsman@demo.lapor.id")
        .await
        .unwrap()
        .unwrap();
    let (notes, _) = w.app.notifications(&ombudsman_user).await.unwrap();
    assert!(
        notes.iter().any(|n| n.report == Some(number)),
        "pengawas hear of it: {notes:?}"
    );
}

/// Every step a reporter should hear about reaches a real SMTP server, in their language.
#[tokio::test]
async fn reporters_get_an_email_for_each_step_in_their_language() {
    let Some(server) = lapor_smtp::testing::SmtpServer::start() else {
        return;
    };
    let mailer = lapor_smtp::SmtpMailer::new(
        lapor_smtp::SmtpConfig::from_url(&server.url(), "Lapor <noreply@lapor.test>").unwrap(),
    )
    .unwrap();
    let w = world(wib(2026, 11, 2, 9, 0)).await;
    // Deliver what the demo queued (its reporters have no e-mail: nothing is sent).
    w.app
        .run_jobs("test", &gateways(&mailer), 100)
        .await
        .unwrap();
    let (number, code) = w
        .file(
            "Jalan berlubang depan sekolah",
            Some("budi@example.com"),
            Language::En,
        )
        .await;
    let (id_number, _) = w
        .file("Lampu jalan padam", Some("siti@example.com"), Language::Id)
        .await;
    w.verify_to(number, "pemkot-palangkaraya").await;
    w.act(
        &w.instansi,
        number,
        Command::FollowUp {
            text: "We patched the hole on 3 November.".into(),
            attachments: vec![],
        },
    )
    .await;
    w.act(
        &w.nasional,
        id_number,
        Command::Archive {
            reason: "duplicate".into(),
            text: Some("Sama dengan laporan #0000001.".into()),
        },
    )
    .await;
    w.app
        .reporter_act(ReporterKey::Code(&code), ReporterCommand::ConfirmResolved)
        .await
        .unwrap();
    // A third reporter is asked for information, answers, is routed, returned as bukan
    // wewenang, and after 60 days offered the Ombudsman.
    let (ani_number, ani_code) = w
        .file("Air PDAM keruh", Some("ani@example.com"), Language::Id)
        .await;
    w.act(
        &w.nasional,
        ani_number,
        Command::RequestInformation {
            question: "Sejak kapan air keruh dan di RT berapa?".into(),
        },
    )
    .await;
    w.app
        .reporter_act(
            ReporterKey::Code(&ani_code),
            ReporterCommand::SupplyInformation {
                text: "Sejak Senin, RT 04.".into(),
            },
        )
        .await
        .unwrap();
    w.verify_to(ani_number, "pemkot-palangkaraya").await;
    w.act(
        &w.instansi,
        ani_number,
        Command::ReturnNotAuthority {
            reason: "Air minum dikelola PDAM, bukan pemerintah kota.".into(),
            suggested_agency: None,
        },
    )
    .await;
    w.at(wib(2027, 1, 5, 9, 0));
    w.app.sweep().await.unwrap();
    let summary = w
        .app
        .run_jobs("test", &gateways(&mailer), 200)
        .await
        .unwrap();
    assert_eq!(summary.failed + summary.retried, 0, "{summary:?}");

    let mails = server.wait_for(12);
    let to = |addr: &str| {
        mails
            .iter()
            .filter(|m| m.envelope_to.iter().any(|t| t == addr))
            .collect::<Vec<_>>()
    };
    let budi = to("budi@example.com");
    let subjects: Vec<&str> = budi.iter().map(|m| m.subject.as_str()).collect();
    for expected in [
        "We have received your report",
        "Your report has been forwarded",
        "Follow-up on your report",
        "Your report is closed",
    ] {
        assert!(
            subjects.iter().any(|s| s.contains(expected)),
            "{expected} in {subjects:?}"
        );
    }
    assert!(
        budi.iter()
            .all(|m| m.content_language.as_deref() == Some("en"))
    );
    let receipt = budi
        .iter()
        .find(|m| m.subject.contains("received"))
        .unwrap();
    assert!(
        receipt.text.contains(&code),
        "the receipt carries the tracking code"
    );
    let followup = budi
        .iter()
        .find(|m| m.subject.contains("Follow-up"))
        .unwrap();
    assert!(followup.text.contains("We patched the hole on 3 November."));
    // Officers hear about their new work too, in their own language (Indonesian by default).
    let city = to("instansi@demo.lapor.id");
    assert!(
        city.iter()
            .any(|m| m.subject.contains(&format!("#{number}"))
                && m.subject.contains("Laporan baru untuk instansi Anda"))
    );
    let siti = to("siti@example.com");
    let subjects: Vec<&str> = siti.iter().map(|m| m.subject.as_str()).collect();
    assert!(
        subjects
            .iter()
            .any(|s| s.contains("Laporan Anda telah kami terima")),
        "{subjects:?}"
    );
    assert!(
        subjects
            .iter()
            .any(|s| s.contains("Laporan Anda diarsipkan")),
        "{subjects:?}"
    );
    let archived = siti
        .iter()
        .find(|m| m.subject.contains("diarsipkan"))
        .unwrap();
    assert!(archived.text.contains("Sama dengan laporan #0000001."));
    let ani = to("ani@example.com");
    let subjects: Vec<&str> = ani.iter().map(|m| m.subject.as_str()).collect();
    for expected in [
        "Laporan Anda telah kami terima",
        "Kami memerlukan keterangan tambahan",
        "Laporan Anda diteruskan",
        "Laporan Anda dialihkan kembali",
        "Laporan Anda dapat dilimpahkan ke Ombudsman",
    ] {
        assert!(
            subjects.iter().any(|s| s.contains(expected)),
            "{expected} in {subjects:?}"
        );
    }
    let returned = ani
        .iter()
        .find(|m| m.subject.contains("dialihkan"))
        .unwrap();
    assert!(
        returned.text.contains("Pemerintah Kota Palangka Raya")
            && returned.text.contains("Air minum dikelola PDAM")
    );
    assert_eq!(
        (budi.len(), siti.len(), ani.len()),
        (4, 2, 5),
        "one e-mail per step: {:?}",
        mails.iter().map(|m| &m.subject).collect::<Vec<_>>()
    );
}

/// A mail server that is down delays e-mails; nothing is lost, and they go once it is back.
#[tokio::test]
async fn emails_wait_in_the_outbox_while_the_mail_server_is_down() {
    let Some(server) = lapor_smtp::testing::SmtpServer::start() else {
        return;
    };
    let w = world(wib(2026, 11, 2, 9, 0)).await;
    let down = lapor_smtp::SmtpMailer::new(
        lapor_smtp::SmtpConfig::from_url("smtp://127.0.0.1:9", "noreply@lapor.test").unwrap(),
    )
    .unwrap();
    let up = lapor_smtp::SmtpMailer::new(
        lapor_smtp::SmtpConfig::from_url(&server.url(), "noreply@lapor.test").unwrap(),
    )
    .unwrap();
    w.app.run_jobs("test", &gateways(&up), 100).await.unwrap();
    let before = server.received().len();
    w.file(
        "Jalan berlubang depan sekolah",
        Some("budi@example.com"),
        Language::Id,
    )
    .await;
    let first = w.app.run_jobs("test", &gateways(&down), 100).await.unwrap();
    assert_eq!(first.retried, 1);
    // Not due again until the backoff passes.
    assert_eq!(
        w.app
            .run_jobs("test", &gateways(&up), 100)
            .await
            .unwrap()
            .done,
        0
    );
    w.at(wib(2026, 11, 2, 9, 5));
    assert_eq!(
        w.app
            .run_jobs("test", &gateways(&up), 100)
            .await
            .unwrap()
            .done,
        1
    );
    let mails = server.wait_for(before + 1);
    assert_eq!(
        mails
            .iter()
            .filter(|m| m.envelope_to == ["budi@example.com"])
            .count(),
        1
    );
}

/// A mailer that counts what it was asked to send (the SMTP tests above use a real server;
/// here only "exactly once" matters).
#[derive(Default, Clone)]
struct CountingMailer(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

impl lapor_app::notify::Mailer for CountingMailer {
    fn send<'a>(
        &'a self,
        email: &'a lapor_app::notify::Email,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<(), lapor_app::notify::MailError>> + Send + 'a>,
    > {
        Box::pin(async move {
            // Slow enough that two workers overlap.
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
            self.0.lock().unwrap().push(email.message_id.clone());
            Ok(())
        })
    }
}

/// Two app processes (two pools) on one PostgreSQL database: every overdue report
/// escalates exactly once and every e-mail is sent exactly once, however the sweeps and job
/// claims interleave.
#[tokio::test]
async fn two_workers_on_one_postgresql_never_do_the_same_work_twice() {
    let Some(admin_url) = std::env::var("LAPOR_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        eprintln!(
            "skipped: LAPOR_TEST_DATABASE_URL not set, so the two-worker PostgreSQL test did not run"
        );
        return;
    };
    let (db, url) = TestDatabase::new().await;
    assert!(
        matches!(db, TestDatabase::Postgres { .. }),
        "{admin_url} gives a PostgreSQL database"
    );
    let clock = Arc::new(FixedClock::new(wib(2026, 11, 2, 9, 0)));
    let first = App::open(&url, clock.clone(), &mut ()).await.unwrap();
    let second = App::open(&url, clock.clone(), &mut ()).await.unwrap();
    let w = world_on(first, clock.clone(), db).await;
    let mut numbers = Vec::new();
    for i in 0..12 {
        let (number, _) = w
            .file(
                &format!("Jalan berlubang nomor {i}"),
                Some("warga@example.com"),
                Language::Id,
            )
            .await;
        w.verify_to(number, "pemkot-palangkaraya").await;
        numbers.push(number);
    }
    // Every follow-up is late by more than the escalation delay: both stages are due.
    w.at(end_of_wib_day(2026, 11, 20));
    let (a, b) = tokio::join!(
        async {
            for _ in 0..3 {
                w.app.sweep().await.unwrap();
            }
        },
        async {
            for _ in 0..3 {
                second.sweep().await.unwrap();
            }
        },
    );
    let ((), ()) = (a, b);
    for number in &numbers {
        let events = w.events(*number).await;
        assert_eq!(
            count(&events, |e| matches!(
                e,
                EventKind::Overdue { stage: 1, .. }
            )),
            1,
            "report {number}"
        );
        assert_eq!(
            count(&events, |e| matches!(
                e,
                EventKind::Overdue { stage: 2, .. }
            )),
            1,
            "report {number}"
        );
    }

    // The outbox: both workers claim side by side; each message goes out once.
    let mailer = CountingMailer::default();
    let (x, y) = tokio::join!(
        async {
            let mut n = 0;
            for _ in 0..20 {
                n += w
                    .app
                    .run_jobs("worker-a", &gateways(&mailer), 5)
                    .await
                    .unwrap()
                    .done;
            }
            n
        },
        async {
            let mut n = 0;
            for _ in 0..20 {
                n += second
                    .run_jobs("worker-b", &gateways(&mailer), 5)
                    .await
                    .unwrap()
                    .done;
            }
            n
        },
    );
    let sent = mailer.0.lock().unwrap().clone();
    let mut unique = sent.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(sent.len(), unique.len(), "no e-mail was sent twice");
    // Done also counts messages with nobody to send to (demo reporters gave no e-mail).
    assert!(
        x + y >= sent.len() && sent.len() >= 24,
        "{x} + {y} jobs, {} sent",
        sent.len()
    );
    assert!(x > 0 && y > 0, "both workers took part: {x} and {y}");
    let pending: i64 = w
        .app
        .job_counts()
        .await
        .unwrap()
        .iter()
        .map(|(_, p, _, _)| p)
        .sum();
    assert_eq!(pending, 0);

    w.app.close().await;
    second.close().await;
}

/// The outbox's gateways with `mailer` for e-mail (and no SMS gateway or webhook client).
fn gateways<M: lapor_app::notify::Mailer + Clone + 'static>(
    mailer: &M,
) -> lapor_app::outbound::Gateways {
    lapor_app::outbound::Gateways::mail_only(std::sync::Arc::new(mailer.clone()))
}
