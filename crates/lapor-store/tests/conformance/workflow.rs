//! The workflow seam: `apply` (one transaction per step), follow-ups and files, inbox scopes,
//! the job table and its claims, escalation keys, notifications, settings and holidays.

use std::collections::HashSet;

use lapor_domain::agency::AgencyKind;
use lapor_domain::event::{Actor, Event, EventKind};
use lapor_domain::privacy::Privacy;
use lapor_domain::report::Classification;
use lapor_domain::status::{Action, ActorRole, Status};
use lapor_domain::tracking::ReportNumber;
use lapor_domain::user::Role;
use lapor_domain::workflow::{HandlingClass, Step};
use lapor_store::{
    Applied, Change, ContentUpdate, Db, EscalationKey, InboxFilter, InboxScope, NewAttachment,
    NewFollowUp, NewJob, NewNotification, NewUserRecord, ReportKey, StepOutcome, StoreError,
};

use crate::fixtures::{agency, new_user, publish, report, seed_reference, submit, t};
use crate::harness::Ctx;

const BODY: &str = "Jalan rusak parah di depan pasar sejak bulan lalu, mohon segera diperbaiki.";

fn event(at_minute: i64, action: Action, from: Status, to: Status) -> Event {
    Event {
        at: t(at_minute),
        actor: Actor {
            role: ActorRole::AdminInstansi,
            user_id: None,
        },
        kind: EventKind::step(action, from, to),
    }
}

fn job(kind: &str, minute: i64) -> NewJob {
    NewJob {
        kind: kind.to_owned(),
        payload: serde_json::json!({ "notice": "routed" }),
        run_at: t(minute),
        max_attempts: 3,
        dedupe_key: None,
    }
}

/// A city with two units, a report routed to the city.
async fn routed_report(db: &Db) -> ReportNumber {
    seed_reference(db).await;
    agency(
        db,
        "kota",
        "Pemerintah Kota",
        AgencyKind::PemerintahKota,
        None,
        &["62.71"],
    )
    .await;
    agency(
        db,
        "kota.pupr",
        "Dinas PUPR",
        AgencyKind::Dinas,
        Some("kota"),
        &[],
    )
    .await;
    agency(
        db,
        "kota.dinkes",
        "Dinas Kesehatan",
        AgencyKind::Dinas,
        Some("kota"),
        &[],
    )
    .await;
    agency(
        db,
        "kemensos",
        "Kementerian Sosial",
        AgencyKind::Kementerian,
        None,
        &[],
    )
    .await;
    let number = submit(
        db,
        &report("Jalan rusak di depan pasar", BODY, "62.71", None),
        t(0),
    )
    .await;
    publish(db, number, "kota", t(1)).await;
    number
}

async fn officer(db: &Db, email: &str, role: Role, agency_code: &str) -> i64 {
    let agency_id = db
        .find_agency(agency_code)
        .await
        .expect("find")
        .expect("agency")
        .id;
    db.insert_user(
        &NewUserRecord {
            agency_id: Some(agency_id),
            ..new_user(email, Some(email), None, role)
        },
        t(0),
    )
    .await
    .expect("insert officer")
}

pub async fn apply_writes_a_whole_step(ctx: &Ctx) {
    let db = &ctx.db;
    let number = routed_report(db).await;
    let admin = officer(db, "admin@kota.go.id", Role::AdminInstansi, "kota").await;
    let version = db
        .find_report(number)
        .await
        .expect("find")
        .expect("report")
        .workflow
        .version;

    let disposed = db
        .apply(&Change {
            number: Some(number),
            expected_version: Some(version),
            status: Some((Status::Routed, Status::Disposed)),
            units: Some(vec!["kota.pupr".into(), "kota.dinkes".into()]),
            due: Some(Some((Step::FollowUp, Some(t(7200))))),
            attention: Some(Some(t(7200))),
            events: vec![event(10, Action::Dispose, Status::Routed, Status::Disposed)],
            jobs: vec![job("email", 10)],
            notifications: vec![NewNotification {
                user_id: admin,
                text: "Disposisi laporan".into(),
            }],
            at: Some(t(10)),
            ..Change::default()
        })
        .await
        .expect("dispose");
    assert_eq!(
        disposed,
        Applied::Done {
            version: version + 1,
            follow_up: None
        }
    );
    let record = db.find_report(number).await.expect("find").expect("report");
    assert_eq!(record.report.status, Status::Disposed);
    assert_eq!(record.workflow.due, Some((Step::FollowUp, Some(t(7200)))));
    assert_eq!(record.report.updated_at, t(10));
    let units: Vec<String> = db
        .report_units(number)
        .await
        .expect("units")
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    assert_eq!(units, ["kota.dinkes", "kota.pupr"], "by name");
    let (notes, unread) = db
        .list_notifications(admin, 10)
        .await
        .expect("notifications");
    assert_eq!((notes.len(), unread), (1, 1));
    assert_eq!(
        db.count_unread_notifications(admin).await.expect("count"),
        1
    );
    assert_eq!(notes[0].report, Some(number));
    db.mark_notifications_read(admin, t(11))
        .await
        .expect("read");
    assert_eq!(
        db.list_notifications(admin, 10)
            .await
            .expect("notifications")
            .1,
        0
    );

    // A follow-up with a file; its event learns the new id.
    let written = db
        .apply(&Change {
            number: Some(number),
            expected_version: Some(version + 1),
            status: Some((Status::Disposed, Status::FollowedUp)),
            new_follow_up: Some(NewFollowUp {
                agency: "kota.pupr".into(),
                author_user_id: None,
                body: "Sudah ditambal.".into(),
                attachments: vec![NewAttachment {
                    file_name: "foto.pdf".into(),
                    content_type: "application/pdf".into(),
                    sha256: "abc".into(),
                    data: b"%PDF-1.4 bytes".to_vec(),
                }],
                published: false,
            }),
            events: vec![event(
                20,
                Action::FollowUp,
                Status::Disposed,
                Status::FollowedUp,
            )],
            ..Change::default()
        })
        .await
        .expect("follow up");
    let Applied::Done {
        follow_up: Some(id),
        ..
    } = written
    else {
        panic!("expected a follow-up id, got {written:?}");
    };
    let follow_ups = db.list_follow_ups(number).await.expect("follow-ups");
    assert_eq!(follow_ups.len(), 1);
    assert_eq!(follow_ups[0].id, id);
    assert_eq!(follow_ups[0].agency, "kota.pupr");
    assert_eq!(follow_ups[0].published_at, None);
    let file = db
        .attachment(follow_ups[0].attachments[0].id)
        .await
        .expect("file")
        .expect("stored");
    assert_eq!(file.data, b"%PDF-1.4 bytes");
    assert_eq!((file.report, file.published), (number, false));
    let loaded = db
        .load_report(ReportKey::Number(number), false)
        .await
        .expect("load")
        .expect("report");
    assert!(loaded.history.iter().any(|e| matches!(e.event.kind,
        EventKind::Transition { action: Action::FollowUp, follow_up: Some(f), .. } if f == id)));

    // Publishing needs a pending follow-up; doing it twice is stale.
    let publish = Change {
        number: Some(number),
        status: Some((Status::FollowedUp, Status::AwaitingReporter)),
        publish_follow_up: Some(id),
        outcome: Some(StepOutcome {
            agency: Some("kota.pupr".into()),
            step: Step::FollowUp,
            started: t(1),
            due: t(7200),
        }),
        events: vec![event(
            30,
            Action::PublishFollowUp,
            Status::FollowedUp,
            Status::AwaitingReporter,
        )],
        at: Some(t(30)),
        ..Change::default()
    };
    db.apply(&publish).await.expect("publish");
    assert!(matches!(db.apply(&publish).await, Err(StoreError::Stale)));
    assert!(
        db.attachment(file.meta.id)
            .await
            .expect("file")
            .expect("stored")
            .published
    );
    let outcomes = db.step_outcomes(t(0)).await.expect("outcomes");
    assert_eq!(outcomes.len(), 1);
    assert_eq!(
        (outcomes[0].agency.as_deref(), outcomes[0].done_at),
        (Some("kota.pupr"), t(30))
    );

    // Content, privacy (raise only, even if a caller asks to lower) and rating.
    db.apply(&Change {
        number: Some(number),
        content: Some(ContentUpdate {
            title: "Jalan rusak di depan Pasar Kahayan".into(),
            classification: Classification::Pengaduan,
            category: Some("pekerjaan_umum".into()),
            handling_class: HandlingClass::PemeriksaanLapangan,
        }),
        privacy: Some(Privacy {
            anonymous: true,
            confidential: false,
        }),
        rating: Some(5),
        ..Change::default()
    })
    .await
    .expect("content");
    db.apply(&Change {
        number: Some(number),
        privacy: Some(Privacy {
            anonymous: false,
            confidential: false,
        }),
        ..Change::default()
    })
    .await
    .expect("no-op privacy");
    let record = db.find_report(number).await.expect("find").expect("report");
    assert_eq!(record.report.title, "Jalan rusak di depan Pasar Kahayan");
    assert_eq!(
        record.workflow.handling_class,
        HandlingClass::PemeriksaanLapangan
    );
    assert!(record.report.privacy.anonymous, "privacy is never lowered");
    assert_eq!(record.workflow.rating, Some(5));
    let ratings = db.ratings_by_agency().await.expect("ratings");
    assert!(ratings.contains(&("kota".to_owned(), 1, 5)), "{ratings:?}");
    assert!(
        ratings.contains(&("kota.pupr".to_owned(), 1, 5)),
        "{ratings:?}"
    );
}

pub async fn apply_is_all_or_nothing(ctx: &Ctx) {
    let db = &ctx.db;
    let number = routed_report(db).await;
    let before = db
        .load_report(ReportKey::Number(number), false)
        .await
        .expect("load")
        .expect("report");
    let failing = Change {
        number: Some(number),
        expected_version: Some(before.record.workflow.version),
        status: Some((Status::Routed, Status::Disposed)),
        units: Some(vec!["kota.pupr".into(), "no-such-unit".into()]),
        events: vec![event(10, Action::Dispose, Status::Routed, Status::Disposed)],
        jobs: vec![job("email", 10)],
        ..Change::default()
    };
    assert!(matches!(
        db.apply(&failing).await,
        Err(StoreError::UnknownReference("unit"))
    ));
    let after = db
        .load_report(ReportKey::Number(number), false)
        .await
        .expect("load")
        .expect("report");
    assert_eq!(after, before, "nothing of the step was stored");
    assert!(db.report_units(number).await.expect("units").is_empty());
    assert!(
        db.claim_jobs("w", t(100), t(200), 10)
            .await
            .expect("claim")
            .is_empty()
    );

    // A stale version or status changes nothing either.
    let stale = Change {
        expected_version: Some(before.record.workflow.version + 1),
        units: Some(vec!["kota.pupr".into()]),
        ..failing.clone()
    };
    assert!(matches!(db.apply(&stale).await, Err(StoreError::Stale)));
    let wrong_status = Change {
        expected_version: None,
        status: Some((Status::Disposed, Status::FollowedUp)),
        units: None,
        ..failing
    };
    assert!(matches!(
        db.apply(&wrong_status).await,
        Err(StoreError::Stale)
    ));
    let after = db
        .load_report(ReportKey::Number(number), false)
        .await
        .expect("load")
        .expect("report");
    assert_eq!(after, before);
}

pub async fn escalations_happen_once(ctx: &Ctx) {
    let db = &ctx.db;
    let number = routed_report(db).await;
    let version = db
        .find_report(number)
        .await
        .expect("find")
        .expect("report")
        .workflow
        .version;
    let escalate = |stage| Change {
        number: Some(number),
        escalation: Some(EscalationKey {
            step: "follow_up".into(),
            started: t(1),
            stage,
        }),
        events: vec![Event {
            at: t(100),
            actor: Actor::system(),
            kind: EventKind::Overdue {
                step: Step::FollowUp,
                due: t(90),
                stage: 1,
                notified: vec!["kota".into()],
            },
        }],
        jobs: vec![job("email", 100)],
        ..Change::default()
    };
    // Two handles race for the same stage: exactly one wins.
    let other = ctx.connect_again().await;
    let (first, second) = (escalate(1), escalate(1));
    let (a, b) = tokio::join!(db.apply(&first), other.apply(&second));
    let outcomes = [a.expect("first"), b.expect("second")];
    assert_eq!(
        outcomes
            .iter()
            .filter(|o| **o == Applied::AlreadyDone)
            .count(),
        1,
        "{outcomes:?}"
    );
    assert_eq!(
        db.apply(&escalate(1)).await.expect("again"),
        Applied::AlreadyDone
    );
    assert!(matches!(
        db.apply(&escalate(2)).await.expect("stage 2"),
        Applied::Done { .. }
    ));
    let history = db
        .load_report(ReportKey::Number(number), false)
        .await
        .expect("load")
        .expect("report")
        .history;
    assert_eq!(
        history
            .iter()
            .filter(|e| matches!(e.event.kind, EventKind::Overdue { .. }))
            .count(),
        2
    );
    assert_eq!(
        db.claim_jobs("w", t(100), t(200), 10)
            .await
            .expect("claim")
            .len(),
        2,
        "one e-mail per stage"
    );
    // Alerts do not make an officer's open form stale, nor the report "updated".
    let record = db.find_report(number).await.expect("find").expect("report");
    assert_eq!(record.workflow.version, version);
    assert_eq!(record.report.updated_at, t(1));
    other.close().await;
}

pub async fn jobs_are_claimed_retried_and_finished(ctx: &Ctx) {
    let db = &ctx.db;
    seed_reference(db).await;
    db.enqueue_job(&job("email", 0), t(0))
        .await
        .expect("enqueue");
    db.enqueue_job(&job("email", 50), t(0))
        .await
        .expect("enqueue later");
    let sweep = NewJob {
        dedupe_key: Some("sweep".into()),
        ..job("deadline_sweep", 0)
    };
    db.enqueue_job(&sweep, t(0)).await.expect("enqueue sweep");
    db.enqueue_job(&sweep, t(1))
        .await
        .expect("a deduplicated job is not an error");

    let claimed = db.claim_jobs("a", t(10), t(15), 10).await.expect("claim");
    let kinds: Vec<&str> = claimed.iter().map(|j| j.kind.as_str()).collect();
    assert_eq!(
        kinds,
        ["email", "deadline_sweep"],
        "only due jobs, once each key"
    );
    assert!(claimed.iter().all(|j| j.attempts == 1));
    assert!(
        db.claim_jobs("b", t(11), t(16), 10)
            .await
            .expect("claim")
            .is_empty(),
        "leased"
    );
    let (email, sweep) = (&claimed[0], &claimed[1]);

    db.fail_job(email.id, "a", "connection refused", Some(t(20)), t(12))
        .await
        .expect("fail");
    db.reschedule_job(sweep.id, "a", t(70))
        .await
        .expect("reschedule");
    // The other worker cannot finish what it does not hold.
    db.finish_job(email.id, "b", t(12)).await.expect("no-op");
    assert!(
        db.claim_jobs("b", t(19), t(25), 10)
            .await
            .expect("claim")
            .is_empty(),
        "retry not yet due"
    );
    let retried = db.claim_jobs("b", t(20), t(25), 10).await.expect("claim");
    assert_eq!(
        retried
            .iter()
            .map(|j| (j.id, j.attempts))
            .collect::<Vec<_>>(),
        [(email.id, 2)]
    );
    db.finish_job(email.id, "b", t(21)).await.expect("finish");
    // A lease that expires (crashed worker) makes the job claimable again.
    let later = db.claim_jobs("c", t(50), t(55), 10).await.expect("claim");
    assert_eq!(later.len(), 1);
    let again = db.claim_jobs("d", t(56), t(60), 10).await.expect("claim");
    assert_eq!(
        again.iter().map(|j| j.id).collect::<Vec<_>>(),
        [later[0].id]
    );
    db.fail_job(later[0].id, "d", "mailbox unavailable", None, t(57))
        .await
        .expect("give up");
    // What a message said is not kept once it is sent or given up.
    let mut raw = ctx.raw().await;
    let kept = raw
        .execute("UPDATE jobs SET kind = kind WHERE (done_at IS NOT NULL OR failed_at IS NOT NULL) AND payload <> '{}'")
        .await
        .expect("query");
    assert_eq!(kept, 0, "finished jobs keep no payload");
    raw.close().await;
    let counts = db.job_counts().await.expect("counts");
    assert_eq!(
        counts,
        [
            ("deadline_sweep".to_owned(), 1, 0, 0),
            ("email".to_owned(), 0, 1, 1)
        ]
    );
    assert_eq!(
        db.claim_jobs("e", t(70), t(75), 10)
            .await
            .expect("claim")
            .len(),
        1,
        "the sweep again"
    );
}

pub async fn concurrent_claims_never_overlap(ctx: &Ctx) {
    let db = &ctx.db;
    seed_reference(db).await;
    for i in 0..60 {
        db.enqueue_job(&job("email", i % 3), t(0))
            .await
            .expect("enqueue");
    }
    let other = ctx.connect_again().await;
    let worker = |db: Db, name: &'static str| async move {
        let mut ids = Vec::new();
        loop {
            let claimed = db.claim_jobs(name, t(10), t(100), 4).await.expect("claim");
            if claimed.is_empty() {
                return ids;
            }
            for j in claimed {
                ids.push(j.id);
                db.finish_job(j.id, name, t(11)).await.expect("finish");
            }
        }
    };
    let (a, b) = tokio::join!(worker(db.clone(), "a"), worker(other.clone(), "b"));
    let all: Vec<i64> = a.iter().chain(&b).copied().collect();
    let unique: HashSet<i64> = all.iter().copied().collect();
    assert_eq!(all.len(), 60, "every job once: a {} b {}", a.len(), b.len());
    assert_eq!(unique.len(), 60);
    other.close().await;
}

pub async fn inbox_scopes(ctx: &Ctx) {
    let db = &ctx.db;
    let city = routed_report(db).await;
    let unverified = submit(
        db,
        &report("Sampah menumpuk di pasar", BODY, "62.71", None),
        t(2),
    )
    .await;
    let ministry = submit(
        db,
        &report("Bantuan sosial belum cair", BODY, "62.71", None),
        t(3),
    )
    .await;
    publish(db, ministry, "kemensos", t(4)).await;
    let disposed = submit(
        db,
        &report("Antrean puskesmas panjang", BODY, "62.71.01", None),
        t(5),
    )
    .await;
    publish(db, disposed, "kota", t(6)).await;
    db.apply(&Change {
        number: Some(disposed),
        status: Some((Status::Routed, Status::Disposed)),
        units: Some(vec!["kota.dinkes".into()]),
        due: Some(Some((Step::FollowUp, Some(t(50))))),
        events: vec![event(7, Action::Dispose, Status::Routed, Status::Disposed)],
        ..Change::default()
    })
    .await
    .expect("dispose");
    db.apply(&Change {
        number: Some(city),
        due: Some(Some((Step::FollowUp, Some(t(500))))),
        ..Change::default()
    })
    .await
    .expect("due");

    let list = |scope: InboxScope, overdue_at| InboxFilter {
        scope,
        statuses: vec![],
        overdue_at,
        q: None,
        category: None,
        region: None,
        page: 1,
        per_page: 50,
    };
    let numbers = |page: lapor_store::Page<lapor_store::ReportRecord>| {
        page.items
            .into_iter()
            .map(|r| r.report.number)
            .collect::<Vec<_>>()
    };
    let all = numbers(
        db.list_inbox(&list(InboxScope::All, None))
            .await
            .expect("all"),
    );
    assert_eq!(all.len(), 4);
    assert_eq!(&all[..2], [disposed, city], "earliest deadline first");
    assert!(all.contains(&unverified));
    let city_inbox = numbers(
        db.list_inbox(&list(InboxScope::Agency("kota".into()), None))
            .await
            .expect("city"),
    );
    assert_eq!(
        city_inbox,
        [disposed, city],
        "its own and its units', never the national queue"
    );
    let unit = numbers(
        db.list_inbox(&list(InboxScope::Unit("kota.dinkes".into()), None))
            .await
            .expect("unit"),
    );
    assert_eq!(unit, [disposed]);
    assert!(
        numbers(
            db.list_inbox(&list(InboxScope::Unit("kota.pupr".into()), None))
                .await
                .expect("other unit")
        )
        .is_empty()
    );
    let overdue = numbers(
        db.list_inbox(&list(InboxScope::Agency("kota".into()), Some(t(100))))
            .await
            .expect("overdue"),
    );
    assert_eq!(overdue, [disposed]);
    let searched = InboxFilter {
        q: Some("puskesmas".into()),
        ..list(InboxScope::All, None)
    };
    assert_eq!(
        numbers(db.list_inbox(&searched).await.expect("search")),
        [disposed]
    );
    let counts = db
        .inbox_counts(&InboxScope::Agency("kota".into()), t(100))
        .await
        .expect("counts");
    assert_eq!(counts, [(Status::Routed, 1, 0), (Status::Disposed, 1, 1)]);
}

pub async fn settings_and_holidays(ctx: &Ctx) {
    let db = &ctx.db;
    seed_reference(db).await;
    agency(
        db,
        "pemprov-bali",
        "Pemerintah Provinsi Bali",
        AgencyKind::PemerintahProvinsi,
        None,
        &[],
    )
    .await;
    db.set_setting("limits.follow_up", "7").await.expect("set");
    db.set_setting("limits.follow_up", "6")
        .await
        .expect("overwrite");
    assert_eq!(
        db.settings().await.expect("settings"),
        [("limits.follow_up".to_owned(), "6".to_owned())]
    );
    let day = |d| chrono::NaiveDate::from_ymd_opt(2028, 1, d).expect("date");
    let national = [(day(1), "libur_nasional".to_owned(), "Tahun Baru".to_owned())];
    assert_eq!(
        db.insert_holidays("national", &national)
            .await
            .expect("import"),
        1
    );
    db.insert_holidays("national", &national)
        .await
        .expect("re-import is harmless");
    db.insert_holidays(
        "pemprov-bali",
        &[(day(3), "daerah".to_owned(), "Hari Raya Galungan".to_owned())],
    )
    .await
    .expect("regional");
    let stored = db.list_holidays().await.expect("list");
    assert_eq!(stored.len(), 2);
    assert_eq!(
        stored[1],
        (
            "pemprov-bali".to_owned(),
            day(3),
            "daerah".to_owned(),
            "Hari Raya Galungan".to_owned()
        )
    );
    db.set_requires_approval("pemprov-bali", true)
        .await
        .expect("approval");
    assert!(
        db.find_agency("pemprov-bali")
            .await
            .expect("find")
            .expect("agency")
            .requires_approval
    );
    assert!(matches!(
        db.set_requires_approval("nowhere", true).await,
        Err(StoreError::UnknownReference(_))
    ));
}
