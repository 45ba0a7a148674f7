//! Submitting, reading, and the history of reports.

use chrono::{DurationRound, TimeDelta};
use lapor_domain::agency::AgencyKind;
use lapor_domain::event::{Actor, Event, EventKind};
use lapor_domain::privacy::Privacy;
use lapor_domain::report::{Channel, Classification, Location, Report};
use lapor_domain::status::{Action, ActorRole, Status};
use lapor_domain::tracking::ReportNumber;
use lapor_domain::user::Role;
use lapor_domain::workflow::{HandlingClass, Step};
use lapor_store::{
    ReportRecord, ReporterRecord, StoreError, SubmitOutcome, SubmitRecord, WorkflowState,
};

use crate::fixtures::LoadReport;
use crate::fixtures::RecordTransition;
use crate::fixtures::{
    agency, code, contact, date, new_user, receipt, record, report, seed_reference, step, submit,
    submit_record, t, tracking,
};
use crate::harness::Ctx;

const BODY: &str = "Jalan berlubang besar sejak bulan lalu dan membahayakan pengendara motor.";

pub async fn submit_round_trip(ctx: &Ctx) {
    let db = &ctx.db;
    seed_reference(db).await;
    let kemenkes = agency(
        db,
        "kemenkes",
        "Kementerian Kesehatan",
        AgencyKind::Kementerian,
        None,
        &[],
    )
    .await;
    let user = db
        .insert_user(
            &new_user("Budi", Some("budi@example.co.id"), None, Role::Citizen),
            t(0),
        )
        .await
        .expect("user");
    assert_eq!(db.count_reports().await.expect("count"), 0);

    let full = lapor_domain::report::NewReport {
        classification: Classification::PermintaanInformasi,
        title: "Antrean <b>BPJS</b> & \"rujukan\" — 3 jam 🚑".into(),
        body: "<script>alert('x')</script>\nBaris kedua: 100% penuh; ruang_tunggu\t'kutip' \\ garis miring terbalik.".into(),
        incident_date: Some(date(2026, 11, 20)),
        location: Location {
            region: code("62.71.01.1001"),
            address: Some("Jl. Tjilik Riwut Km. 5, RT 02/RW 03".into()),
            coordinates: Some((-2.209_876_543_21, 113.913_456_789_01)),
        },
        category: Some("kesehatan.bpjs".into()),
        target_agency: Some("kemenkes".into()),
        privacy: Privacy { anonymous: true, confidential: false },
        channel: Channel::Api,
        contact: contact(Some("Siti Aminah"), Some("siti@example.co.id"), Some("081234567890")),
    };
    let at = t(30);
    let hash = tracking();
    let rec = SubmitRecord {
        reporter_user_id: Some(user),
        tracking_hash: hash.clone(),
        ..record(&full, at)
    };
    let number = submit_record(db, &rec).await;
    assert!(number.0 > 0);
    assert_eq!(db.count_reports().await.expect("count"), 1);

    let expected = ReportRecord {
        report: Report {
            number,
            classification: Classification::PermintaanInformasi,
            title: full.title.clone(),
            body: full.body.clone(),
            incident_date: Some(date(2026, 11, 20)),
            location: full.location.clone(),
            category: Some("kesehatan.bpjs".into()),
            target_agency: Some("kemenkes".into()),
            agency: None,
            privacy: Privacy {
                anonymous: true,
                confidential: false,
            },
            channel: Channel::Api,
            status: Status::Unverified,
            reporter_user_id: Some(user),
            created_at: at,
            updated_at: at,
        },
        agency_name: None,
        target_agency_name: Some(kemenkes.name.clone()),
        workflow: WorkflowState {
            version: 0,
            handling_class: HandlingClass::Biasa,
            due: Some((Step::Verification, None)),
            language: "id".into(),
            rating: None,
            client_id: None,
        },
    };
    assert_eq!(
        db.find_report(number).await.expect("find"),
        Some(expected.clone())
    );
    assert_eq!(
        db.find_report_by_tracking(&hash).await.expect("find"),
        Some(expected)
    );

    // The smallest report: every optional field empty, both privacy flags on.
    let bare = lapor_domain::report::NewReport {
        classification: Classification::Aspirasi,
        privacy: Privacy {
            anonymous: true,
            confidential: true,
        },
        channel: Channel::Sms,
        ..report("Usul taman kota", BODY, "62", None)
    };
    let bare_hash = tracking();
    let bare_number = submit_record(
        db,
        &SubmitRecord {
            tracking_hash: bare_hash.clone(),
            ..record(&bare, t(31))
        },
    )
    .await;
    assert_ne!(bare_number, number);
    let stored = db
        .find_report_by_tracking(&bare_hash)
        .await
        .expect("find")
        .expect("stored");
    assert_eq!(stored.report.number, bare_number);
    assert_eq!(stored.report.classification, Classification::Aspirasi);
    assert_eq!(stored.report.incident_date, None);
    assert_eq!(
        stored.report.location,
        Location {
            region: code("62"),
            address: None,
            coordinates: None
        }
    );
    assert_eq!(
        (
            stored.report.category.as_deref(),
            stored.report.target_agency.as_deref()
        ),
        (None, None)
    );
    assert_eq!(
        stored.report.privacy,
        Privacy {
            anonymous: true,
            confidential: true
        }
    );
    assert_eq!(stored.report.channel, Channel::Sms);
    assert_eq!(stored.report.reporter_user_id, None);
    assert_eq!(
        (stored.agency_name, stored.target_agency_name),
        (None, None)
    );

    // Time is kept to the microsecond: finer digits are cut, never rounded up.
    let fine = t(32) + TimeDelta::nanoseconds(999);
    let fine_number = submit(
        db,
        &report("Waktu presisi tinggi", BODY, "62.71", None),
        fine,
    )
    .await;
    let fine_report = db
        .find_report(fine_number)
        .await
        .expect("find")
        .expect("stored")
        .report;
    assert_eq!(
        fine_report.created_at,
        fine.duration_trunc(TimeDelta::microseconds(1))
            .expect("truncate")
    );
    assert_eq!(fine_report.created_at, t(32));

    assert_eq!(
        db.find_report(ReportNumber(number.0 + 1000))
            .await
            .expect("find"),
        None
    );
    assert_eq!(
        db.find_report_by_tracking("no-such-hash")
            .await
            .expect("find"),
        None
    );
    assert_eq!(db.count_reports().await.expect("count"), 3);
}

/// Every classification and channel code is stored and read back, with its first event.
pub async fn all_codes_round_trip(ctx: &Ctx) {
    let db = &ctx.db;
    seed_reference(db).await;
    for (i, channel) in Channel::ALL.into_iter().enumerate() {
        for (j, classification) in Classification::ALL.into_iter().enumerate() {
            let minutes = i64::try_from(i * 10 + j).expect("small");
            let new = lapor_domain::report::NewReport {
                classification,
                channel,
                ..report("Kode saluran", BODY, "62.71", None)
            };
            let number = submit(db, &new, t(minutes)).await;
            let stored = db
                .find_report(number)
                .await
                .expect("find")
                .expect("stored")
                .report;
            assert_eq!(
                (stored.channel, stored.classification),
                (channel, classification)
            );
            let events = db.list_events(number, false).await.expect("events");
            assert_eq!(events.len(), 1);
            assert_eq!(events[0].event.kind, EventKind::Submitted { channel });
        }
    }
}

pub async fn reporter_contact(ctx: &Ctx) {
    let db = &ctx.db;
    seed_reference(db).await;
    let user = db
        .insert_user(
            &new_user(
                "Budi Santoso",
                Some("budi@example.co.id"),
                Some("081299998888"),
                Role::Citizen,
            ),
            t(0),
        )
        .await
        .expect("user");

    // Given with the report, no account.
    let with_contact = lapor_domain::report::NewReport {
        contact: contact(Some("Siti"), Some("siti@example.co.id"), None),
        ..report("Kontak pelapor", BODY, "62", None)
    };
    let n1 = submit(db, &with_contact, t(1)).await;
    assert_eq!(
        db.find_reporter(n1).await.expect("find"),
        Some(ReporterRecord {
            name: Some("Siti".into()),
            email: Some("siti@example.co.id".into()),
            phone: None
        })
    );

    // Filed from an account without a contact: the account's.
    let plain = report("Dari akun", BODY, "62", None);
    let n2 = submit_record(
        db,
        &SubmitRecord {
            reporter_user_id: Some(user),
            ..record(&plain, t(2))
        },
    )
    .await;
    assert_eq!(
        db.find_reporter(n2).await.expect("find"),
        Some(ReporterRecord {
            name: Some("Budi Santoso".into()),
            email: Some("budi@example.co.id".into()),
            phone: Some("+6281299998888".into()),
        })
    );

    // From an account with a contact given: the contact wins where it has a value.
    let both = lapor_domain::report::NewReport {
        contact: contact(Some("Budi S."), None, Some("081311112222")),
        ..plain.clone()
    };
    let n3 = submit_record(
        db,
        &SubmitRecord {
            reporter_user_id: Some(user),
            ..record(&both, t(3))
        },
    )
    .await;
    let found = db.find_reporter(n3).await.expect("find").expect("contact");
    assert_eq!(found.name.as_deref(), Some("Budi S."));
    assert_eq!(found.phone.as_deref(), Some("+6281311112222"));

    // Neither: nobody to contact.
    let n4 = submit(db, &plain, t(4)).await;
    assert_eq!(db.find_reporter(n4).await.expect("find"), None);
    assert_eq!(
        db.find_reporter(ReportNumber(n4.0 + 1000))
            .await
            .expect("find"),
        None
    );

    let mut raw = ctx.raw().await;
    assert_eq!(
        raw.count("reporters").await,
        2,
        "a contact row only when a contact was given"
    );
    raw.close().await;
}

pub async fn first_event(ctx: &Ctx) {
    let db = &ctx.db;
    seed_reference(db).await;
    let user = db
        .insert_user(
            &new_user("Budi", Some("budi@example.co.id"), None, Role::Citizen),
            t(0),
        )
        .await
        .expect("user");

    let new = lapor_domain::report::NewReport {
        channel: Channel::Email,
        ..report("Peristiwa pertama", BODY, "62.71", None)
    };
    let anonymous = submit(db, &new, t(5)).await;
    let events = db.list_events(anonymous, false).await.expect("events");
    assert_eq!(events.len(), 1);
    assert_eq!(
        events[0].event,
        Event {
            at: t(5),
            actor: Actor {
                role: ActorRole::Reporter,
                user_id: None
            },
            kind: EventKind::Submitted {
                channel: Channel::Email
            }
        }
    );
    assert_eq!(
        db.list_events(anonymous, true)
            .await
            .expect("public events"),
        events,
        "submission is public history"
    );

    let mine = submit_record(
        db,
        &SubmitRecord {
            reporter_user_id: Some(user),
            ..record(&new, t(6))
        },
    )
    .await;
    let events = db.list_events(mine, false).await.expect("events");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].event.actor, Actor::reporter(Some(user)));
    assert_eq!(events[0].event.at, t(6));
    assert!(
        db.list_events(ReportNumber(mine.0 + 1000), false)
            .await
            .expect("events")
            .is_empty()
    );
}

pub async fn idempotency(ctx: &Ctx) {
    let db = &ctx.db;
    seed_reference(db).await;
    let new = report("Laporan via API", BODY, "62.71", Some("kesehatan"));
    let keyed = |key: &str, hash: &str| Some((key.to_owned(), hash.to_owned()));

    let first = SubmitRecord {
        idempotency: keyed("key-1", "request-a"),
        ..record(&new, t(1))
    };
    let number = submit_record(db, &first).await;
    let mut raw = ctx.raw().await;
    let rows = raw.submission_rows().await;
    assert_eq!(rows, [1, 0, 1, 1]);

    // The same request again: the first answer, not one built from the retry's number.
    fn other_receipt(_: ReportNumber) -> String {
        "jawaban lain".into()
    }
    let retry = SubmitRecord {
        idempotency: keyed("key-1", "request-a"),
        receipt: std::sync::Arc::new(other_receipt),
        ..record(&new, t(2))
    };
    assert_eq!(
        db.submit_report(&retry).await.expect("replay"),
        SubmitOutcome::Replayed(receipt(number))
    );
    assert_eq!(db.count_reports().await.expect("count"), 1);
    assert_eq!(raw.submission_rows().await, rows, "a replay writes nothing");

    // The same key with another request.
    let reused = SubmitRecord {
        idempotency: keyed("key-1", "request-b"),
        ..record(&new, t(3))
    };
    assert_eq!(
        db.submit_report(&reused).await.expect("reuse"),
        SubmitOutcome::KeyReused
    );
    assert_eq!(
        raw.submission_rows().await,
        rows,
        "a reused key writes nothing"
    );

    // Another key is another report; so is no key at all.
    let second = submit_record(
        db,
        &SubmitRecord {
            idempotency: keyed("key-2", "request-a"),
            ..record(&new, t(4))
        },
    )
    .await;
    let third = submit_record(db, &record(&new, t(5))).await;
    assert!(second != number && third != number && second != third);
    assert_eq!(
        db.submit_report(&retry).await.expect("replay"),
        SubmitOutcome::Replayed(receipt(number)),
        "key-1 still answers"
    );
    assert_eq!(raw.submission_rows().await, [3, 0, 3, 2]);
    raw.close().await;
}

pub async fn failed_submissions_store_nothing(ctx: &Ctx) {
    let db = &ctx.db;
    seed_reference(db).await;
    let mut raw = ctx.raw().await;
    let with_all = |r: lapor_domain::report::NewReport| lapor_domain::report::NewReport {
        contact: contact(
            Some("Siti"),
            Some("siti@example.co.id"),
            Some("081234567890"),
        ),
        ..r
    };
    let key = Some(("key-gagal".to_owned(), "request".to_owned()));

    let bad_category = with_all(report(
        "Kategori tidak dikenal",
        BODY,
        "62.71",
        Some("astrologi"),
    ));
    let bad_region = with_all(report(
        "Wilayah tidak dikenal",
        BODY,
        "63.01",
        Some("kesehatan"),
    ));
    let bad_agency = lapor_domain::report::NewReport {
        target_agency: Some("kemen-tidak-ada".into()),
        ..with_all(report(
            "Instansi tidak dikenal",
            BODY,
            "62.71",
            Some("kesehatan"),
        ))
    };
    for (what, new) in [("category", &bad_category), ("region", &bad_region)] {
        let rec = SubmitRecord {
            idempotency: key.clone(),
            ..record(new, t(1))
        };
        match db.submit_report(&rec).await {
            Err(StoreError::UnknownReference(_)) => {}
            other => panic!("unknown {what}: expected UnknownReference, got {other:?}"),
        }
        assert_eq!(
            raw.submission_rows().await,
            [0, 0, 0, 0],
            "unknown {what} leaves no report, reporter, event or key"
        );
    }
    let rec = SubmitRecord {
        idempotency: key.clone(),
        ..record(&bad_agency, t(1))
    };
    match db.submit_report(&rec).await {
        Err(StoreError::UnknownReference("agency")) => {}
        other => panic!("unknown agency: expected UnknownReference(\"agency\"), got {other:?}"),
    }
    assert_eq!(raw.submission_rows().await, [0, 0, 0, 0]);
    assert_eq!(db.count_reports().await.expect("count"), 0);

    // The key of a failed submission was not used up.
    let good = with_all(report(
        "Laporan yang benar",
        BODY,
        "62.71",
        Some("kesehatan"),
    ));
    submit_record(
        db,
        &SubmitRecord {
            idempotency: key,
            ..record(&good, t(2))
        },
    )
    .await;
    assert_eq!(raw.submission_rows().await, [1, 1, 1, 1]);

    // A reused tracking digest is refused as a conflict and stores nothing either.
    let hash = tracking();
    submit_record(
        db,
        &SubmitRecord {
            tracking_hash: hash.clone(),
            ..record(&good, t(3))
        },
    )
    .await;
    let clash = SubmitRecord {
        tracking_hash: hash,
        ..record(&good, t(4))
    };
    assert!(matches!(
        db.submit_report(&clash).await,
        Err(StoreError::Conflict("tracking_hash"))
    ));
    assert_eq!(raw.submission_rows().await, [2, 2, 2, 1]);
    raw.close().await;
}

pub async fn transitions(ctx: &Ctx) {
    let db = &ctx.db;
    seed_reference(db).await;
    let pemkot = agency(
        db,
        "pemkot",
        "Pemerintah Kota Palangka Raya",
        AgencyKind::PemerintahKota,
        None,
        &["62.71"],
    )
    .await;
    let dinkes = agency(
        db,
        "dinkes",
        "Dinas Kesehatan",
        AgencyKind::Dinas,
        Some("pemkot"),
        &[],
    )
    .await;
    let admin = db
        .insert_user(
            &new_user(
                "Admin Nasional",
                Some("admin@lapor.go.id"),
                None,
                Role::AdminNasional,
            ),
            t(0),
        )
        .await
        .expect("user");
    let liaison = db
        .insert_user(
            &new_user(
                "Penghubung",
                Some("unit@dinkes.go.id"),
                None,
                Role::AdminUnit,
            ),
            t(0),
        )
        .await
        .expect("user");
    let number = submit(
        db,
        &report("Alur kerja", BODY, "62.71.01", Some("kesehatan")),
        t(0),
    )
    .await;
    let other = submit(
        db,
        &report("Laporan lain", BODY, "62.71.01", Some("kesehatan")),
        t(0),
    )
    .await;

    // Verify and route: status, agency, time and history move together.
    let mut verify = step(
        number,
        Action::Verify,
        Status::Unverified,
        Status::Routed,
        Some("pemkot"),
        t(10),
    );
    verify.event.actor.user_id = Some(admin);
    db.record_transition(&verify).await.expect("verify");
    let stored = db.find_report(number).await.expect("find").expect("stored");
    assert_eq!(stored.report.status, Status::Routed);
    assert_eq!(stored.report.agency.as_deref(), Some("pemkot"));
    assert_eq!(stored.agency_name.as_deref(), Some(pemkot.name.as_str()));
    assert_eq!(
        (stored.report.created_at, stored.report.updated_at),
        (t(0), t(10))
    );
    let events = db.list_events(number, false).await.expect("events");
    assert_eq!(events.len(), 2);
    assert_eq!(events[1].event, verify.event);
    assert!(events[0].id < events[1].id);

    // The same step again, from the state that is gone: refused, nothing recorded.
    let late = step(
        number,
        Action::Archive,
        Status::Unverified,
        Status::Archived,
        None,
        t(11),
    );
    assert!(matches!(
        db.record_transition(&late).await,
        Err(StoreError::Stale)
    ));
    assert!(matches!(
        db.record_transition(&verify).await,
        Err(StoreError::Stale)
    ));
    let after = db.find_report(number).await.expect("find").expect("stored");
    assert_eq!(
        (after.report.status, after.report.updated_at),
        (Status::Routed, t(10))
    );
    assert_eq!(
        db.list_events(number, false).await.expect("events").len(),
        2,
        "no event for a refused step"
    );

    // An unknown agency: refused, nothing recorded.
    let nowhere = step(
        number,
        Action::Dispose,
        Status::Routed,
        Status::Disposed,
        Some("dinas-tidak-ada"),
        t(12),
    );
    assert!(matches!(
        db.record_transition(&nowhere).await,
        Err(StoreError::UnknownReference("agency"))
    ));
    assert_eq!(
        db.find_report(number)
            .await
            .expect("find")
            .expect("stored")
            .report
            .status,
        Status::Routed
    );
    assert_eq!(
        db.list_events(number, false).await.expect("events").len(),
        2
    );

    // A missing report is named as such.
    let ghost = step(
        ReportNumber(number.0 + other.0 + 1000),
        Action::Verify,
        Status::Unverified,
        Status::Routed,
        None,
        t(12),
    );
    assert!(matches!(
        db.record_transition(&ghost).await,
        Err(StoreError::UnknownReference("report"))
    ));

    // Dispose to a unit; a step without an agency keeps the current one.
    db.record_transition(&step(
        number,
        Action::Dispose,
        Status::Routed,
        Status::Disposed,
        Some("dinkes"),
        t(13),
    ))
    .await
    .expect("dispose");
    let mut follow_up = step(
        number,
        Action::FollowUp,
        Status::Disposed,
        Status::FollowedUp,
        None,
        t(14),
    );
    if let EventKind::Transition { reason, .. } = &mut follow_up.event.kind {
        *reason = Some("Sudah ditangani: antrean dipecah menjadi dua loket.".into());
    }
    follow_up.event.actor.user_id = Some(liaison);
    db.record_transition(&follow_up).await.expect("follow up");
    let stored = db.find_report(number).await.expect("find").expect("stored");
    assert_eq!(stored.report.status, Status::FollowedUp);
    assert_eq!(stored.report.agency.as_deref(), Some("dinkes"));
    assert_eq!(stored.agency_name.as_deref(), Some(dinkes.name.as_str()));
    assert_eq!(stored.report.updated_at, t(14));
    let events = db.list_events(number, false).await.expect("events");
    assert_eq!(events.len(), 4);
    assert_eq!(
        events[3].event, follow_up.event,
        "reason and actor round-trip"
    );

    // The other report was not touched by any of this.
    let untouched = db.find_report(other).await.expect("find").expect("stored");
    assert_eq!(
        (
            untouched.report.status,
            untouched.report.agency,
            untouched.report.updated_at
        ),
        (Status::Unverified, None, t(0))
    );
    assert_eq!(db.list_events(other, false).await.expect("events").len(), 1);
}

pub async fn public_history(ctx: &Ctx) {
    let db = &ctx.db;
    seed_reference(db).await;
    agency(
        db,
        "pemkot",
        "Pemerintah Kota Palangka Raya",
        AgencyKind::PemerintahKota,
        None,
        &[],
    )
    .await;
    let admin = db
        .insert_user(
            &new_user(
                "Admin Nasional",
                Some("admin@lapor.go.id"),
                None,
                Role::AdminNasional,
            ),
            t(0),
        )
        .await
        .expect("user");
    let number = submit(db, &report("Riwayat publik", BODY, "62.71", None), t(0)).await;

    db.record_transition(&step(
        number,
        Action::Pend,
        Status::Unverified,
        Status::Pending,
        None,
        t(1),
    ))
    .await
    .expect("pend");
    db.record_transition(&step(
        number,
        Action::Verify,
        Status::Pending,
        Status::Routed,
        Some("pemkot"),
        t(2),
    ))
    .await
    .expect("verify");
    let raised = EventKind::PrivacyRaised {
        privacy: Privacy {
            anonymous: true,
            confidential: false,
        },
    };
    let privacy_step = crate::fixtures::TransitionRecord {
        number,
        from: Status::Routed,
        to: Status::Routed,
        agency: None,
        event: Event {
            at: t(3),
            actor: Actor {
                role: ActorRole::AdminNasional,
                user_id: Some(admin),
            },
            kind: raised.clone(),
        },
    };
    db.record_transition(&privacy_step)
        .await
        .expect("privacy raised");

    let mut raw = ctx.raw().await;
    assert_eq!(
        raw.event_flags(number.0).await,
        [
            ("submitted".into(), true),
            ("transition".into(), false),
            ("transition".into(), true),
            ("privacy_raised".into(), false)
        ],
        "each event is stored with its kind and whether the public may see it"
    );
    raw.close().await;

    let all = db.list_events(number, false).await.expect("all events");
    let kinds: Vec<&str> = all.iter().map(|e| e.event.kind.code()).collect();
    assert_eq!(
        kinds,
        ["submitted", "transition", "transition", "privacy_raised"]
    );
    assert_eq!(all[3].event.kind, raised);
    let public = db.list_events(number, true).await.expect("public events");
    assert_eq!(
        public,
        [all[0].clone(), all[2].clone()],
        "no pre-publication step, no privacy change"
    );
}

pub async fn history_is_append_only(ctx: &Ctx) {
    let db = &ctx.db;
    seed_reference(db).await;
    let number = submit(db, &report("Riwayat tetap", BODY, "62.71", None), t(0)).await;
    db.record_transition(&step(
        number,
        Action::Pend,
        Status::Unverified,
        Status::Pending,
        None,
        t(1),
    ))
    .await
    .expect("pend");
    let before = db.list_events(number, false).await.expect("events");

    let mut raw = ctx.raw().await;
    let first_id = before[0].id;
    for sql in [
        "UPDATE report_events SET data = '{}'".to_owned(),
        "UPDATE report_events SET public = (1 = 0)".to_owned(),
        format!(
            "UPDATE report_events SET at = '2000-01-01T00:00:00.000000Z' WHERE id = {first_id}"
        ),
        "DELETE FROM report_events".to_owned(),
        format!("DELETE FROM report_events WHERE id = {first_id}"),
    ] {
        match raw.execute(&sql).await {
            Err(e) => assert!(
                e.to_string().contains("append-only"),
                "{sql}: refused for another reason: {e}"
            ),
            Ok(n) => panic!("{sql}: history was rewritten ({n} rows)"),
        }
    }
    // The same connection may write elsewhere: the refusal is the history's own.
    assert_eq!(
        raw.execute(&format!(
            "UPDATE reports SET title = title WHERE id = {}",
            number.0
        ))
        .await
        .expect("plain update"),
        1
    );
    raw.close().await;

    assert_eq!(db.list_events(number, false).await.expect("events"), before);
    db.record_transition(&step(
        number,
        Action::Verify,
        Status::Pending,
        Status::Routed,
        None,
        t(2),
    ))
    .await
    .expect("history still grows");
    assert_eq!(
        db.list_events(number, false).await.expect("events").len(),
        3
    );
}

pub async fn reports_of_user(ctx: &Ctx) {
    let db = &ctx.db;
    seed_reference(db).await;
    let budi = db
        .insert_user(
            &new_user("Budi", Some("budi@example.co.id"), None, Role::Citizen),
            t(0),
        )
        .await
        .expect("user");
    let siti = db
        .insert_user(
            &new_user("Siti", Some("siti@example.co.id"), None, Role::Citizen),
            t(0),
        )
        .await
        .expect("user");
    let file = |user: Option<i64>, title: &'static str, confidential: bool| {
        let new = lapor_domain::report::NewReport {
            privacy: Privacy {
                anonymous: false,
                confidential,
            },
            ..report(title, BODY, "62.71", None)
        };
        (user, new)
    };
    let mut numbers = Vec::new();
    for (minutes, (user, new)) in [
        (1, file(Some(budi), "Pertama Budi", false)),
        (3, file(Some(budi), "Rahasia Budi", true)),
        (2, file(Some(budi), "Kedua Budi", false)),
        (2, file(Some(siti), "Milik Siti", false)),
        (4, file(None, "Tanpa akun", false)),
    ] {
        numbers.push(
            submit_record(
                db,
                &SubmitRecord {
                    reporter_user_id: user,
                    ..record(&new, t(minutes))
                },
            )
            .await,
        );
    }
    let titles = |records: Vec<ReportRecord>| {
        records
            .into_iter()
            .map(|r| r.report.title)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        titles(db.list_reports_of_user(budi).await.expect("list")),
        ["Rahasia Budi", "Kedua Budi", "Pertama Budi"]
    );
    assert_eq!(
        titles(db.list_reports_of_user(siti).await.expect("list")),
        ["Milik Siti"]
    );
    assert!(
        db.list_reports_of_user(budi + siti + 1000)
            .await
            .expect("list")
            .is_empty()
    );
    let mine = db.list_reports_of_user(budi).await.expect("list");
    assert!(mine.iter().all(|r| r.report.reporter_user_id == Some(budi)));
    assert_eq!(mine[0].report.number, numbers[1]);
    assert_eq!(db.count_reports().await.expect("count"), 5);
}

/// A write that fails after others in the same transaction undoes them: a submission whose
/// event cannot be stored leaves no report, contact or key; a step whose event cannot be
/// stored leaves the status, agency and time as they were.
pub async fn late_failures_roll_back(ctx: &Ctx) {
    let db = &ctx.db;
    seed_reference(db).await;
    agency(
        db,
        "pemkot",
        "Pemerintah Kota Palangka Raya",
        AgencyKind::PemerintahKota,
        None,
        &[],
    )
    .await;
    let mut raw = ctx.raw().await;
    // The submitted event of an Open311 report holds "open311"; so does a step with that reason.
    raw.fail_event_inserts_containing("open311").await;

    let doomed = lapor_domain::report::NewReport {
        channel: Channel::Open311,
        contact: contact(Some("Siti"), Some("siti@example.co.id"), None),
        ..report(
            "Gagal di tulisan terakhir",
            BODY,
            "62.71",
            Some("kesehatan"),
        )
    };
    let rec = SubmitRecord {
        idempotency: Some(("key-akhir".into(), "request".into())),
        ..record(&doomed, t(1))
    };
    assert!(
        db.submit_report(&rec).await.is_err(),
        "the forced failure reaches the caller"
    );
    assert_eq!(
        raw.submission_rows().await,
        [0, 0, 0, 0],
        "report, contact and key are rolled back with the event"
    );

    let number = submit(db, &report("Laporan biasa", BODY, "62.71", None), t(2)).await;
    let mut doomed_step = step(
        number,
        Action::Verify,
        Status::Unverified,
        Status::Routed,
        Some("pemkot"),
        t(3),
    );
    if let EventKind::Transition { reason, .. } = &mut doomed_step.event.kind {
        *reason = Some("open311".into());
    }
    assert!(db.record_transition(&doomed_step).await.is_err());
    let stored = db
        .find_report(number)
        .await
        .expect("find")
        .expect("stored")
        .report;
    assert_eq!(
        (stored.status, stored.agency, stored.updated_at),
        (Status::Unverified, None, t(2)),
        "the status change is rolled back"
    );
    assert_eq!(
        db.list_events(number, false).await.expect("events").len(),
        1
    );

    db.record_transition(&step(
        number,
        Action::Verify,
        Status::Unverified,
        Status::Routed,
        Some("pemkot"),
        t(4),
    ))
    .await
    .expect("a clean step");
    assert_eq!(
        db.find_report(number)
            .await
            .expect("find")
            .expect("stored")
            .report
            .status,
        Status::Routed
    );
    raw.close().await;
}

/// TRUNCATE must not empty the history either (SQLite has no TRUNCATE statement at all).
pub async fn history_survives_truncate(ctx: &Ctx) {
    let db = &ctx.db;
    seed_reference(db).await;
    let number = submit(db, &report("Riwayat tetap", BODY, "62.71", None), t(0)).await;
    let mut raw = ctx.raw().await;
    // SQLite has no TRUNCATE; an unqualified DELETE is its truncate optimisation.
    let wipe = match ctx.backend() {
        lapor_store::Backend::Sqlite => "DELETE FROM report_events",
        lapor_store::Backend::Postgres => "TRUNCATE report_events",
    };
    let refused = raw.execute(wipe).await.expect_err("history was wiped");
    assert!(refused.to_string().contains("append-only"), "{refused}");
    raw.close().await;
    assert_eq!(
        db.list_events(number, false).await.expect("events").len(),
        1
    );
}

/// An idempotency key (and the tracking code in its stored answer) is forgotten after the
/// window: a later key clears it, and the same key then files anew.
pub async fn idempotency_keys_expire(ctx: &Ctx) {
    let db = &ctx.db;
    seed_reference(db).await;
    let new = report(
        "Lampu jalan mati",
        "Sudah dua minggu lampu jalan mati di depan pasar.",
        "62.71",
        None,
    );
    let keyed = |key: &str, minutes: i64| SubmitRecord {
        idempotency: Some((key.to_owned(), "request".to_owned())),
        ..record(&new, t(minutes))
    };
    let day = lapor_store::IDEMPOTENCY_WINDOW.num_minutes();
    let SubmitOutcome::Created(first) = db.submit_report(&keyed("k1", 0)).await.expect("first")
    else {
        panic!("created")
    };
    // Within the window the key replays.
    assert_eq!(
        db.submit_report(&keyed("k1", day - 1))
            .await
            .expect("replay"),
        SubmitOutcome::Replayed(receipt(first))
    );
    // A new key after the window clears the old one …
    db.submit_report(&keyed("k2", day + 1))
        .await
        .expect("other key");
    // … so the old key files a new report.
    assert!(matches!(
        db.submit_report(&keyed("k1", day + 2)).await.expect("again"),
        SubmitOutcome::Created(n) if n != first
    ));
    assert_eq!(db.count_reports().await.expect("count"), 3);
}
