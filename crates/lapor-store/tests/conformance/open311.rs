//! What the Open311 server reads: public reports only, with the spec's filters and pages.

use lapor_domain::agency::AgencyKind;
use lapor_domain::event::{Actor, Event, EventKind};
use lapor_domain::privacy::Privacy;
use lapor_domain::report::{Channel, Location, NewReport};
use lapor_domain::status::{Action, ActorRole, Status};
use lapor_domain::tracking::ReportNumber;
use lapor_store::Db;
use lapor_store::open311::{RequestFilter, RequestRecord};

use crate::fixtures::{
    RecordTransition, agency, publish, record, report, seed_reference, step, submit, submit_record,
    t,
};
use crate::harness::Ctx;

async fn numbers(db: &Db, filter: RequestFilter) -> Vec<ReportNumber> {
    list(db, filter).await.iter().map(|r| r.number).collect()
}

async fn list(db: &Db, filter: RequestFilter) -> Vec<RequestRecord> {
    let filter = RequestFilter {
        page_size: if filter.page_size == 0 {
            1000
        } else {
            filter.page_size
        },
        ..filter
    };
    db.list_open311_requests(&filter)
        .await
        .expect("list open311 requests")
}

pub async fn requests(ctx: &Ctx) {
    let db = &ctx.db;
    seed_reference(db).await;
    agency(
        db,
        "pemkot-palangkaraya",
        "Pemerintah Kota Palangka Raya",
        AgencyKind::PemerintahKota,
        None,
        &["62.71"],
    )
    .await;
    let pinned = NewReport {
        location: Location {
            address: Some("Jl. Tjilik Riwut Km. 5".into()),
            coordinates: Some((-2.2161, 113.9135)),
            ..report("x", "x", "62.71.01", None).location
        },
        channel: Channel::Open311,
        ..report(
            "Jalan berlubang",
            "Lubang besar di tengah jalan membahayakan pengendara.",
            "62.71.01",
            Some("pekerjaan_umum.jalan_jembatan"),
        )
    };
    let a = submit(db, &pinned, t(1)).await;
    let b = submit(
        db,
        &report(
            "Antrean BPJS panjang",
            "Pasien menunggu berjam-jam di loket pendaftaran.",
            "62.71.01",
            Some("kesehatan.bpjs"),
        ),
        t(2),
    )
    .await;
    let secret = NewReport {
        privacy: Privacy {
            anonymous: false,
            confidential: true,
        },
        ..report(
            "Pungutan liar rahasia",
            "Petugas meminta uang tambahan untuk KTP, mohon dirahasiakan.",
            "62.71",
            Some("kesehatan.bpjs"),
        )
    };
    let c = submit(db, &secret, t(3)).await;
    let d = submit(
        db,
        &report(
            "Belum diverifikasi",
            "Laporan ini menunggu verifikasi admin nasional.",
            "62.71",
            Some("kesehatan.bpjs"),
        ),
        t(4),
    )
    .await;
    let e = submit(
        db,
        &report(
            "Lampu jalan mati",
            "Penerangan jalan umum padam sejak minggu lalu.",
            "62.71",
            None,
        ),
        t(5),
    )
    .await;
    let f = submit(
        db,
        &report(
            "Izin usaha lambat",
            "Pengurusan izin usaha sudah tiga bulan belum selesai.",
            "62.71",
            Some("perizinan"),
        ),
        t(6),
    )
    .await;
    for n in [a, b, c, e, f] {
        publish(db, n, "pemkot-palangkaraya", t(10)).await;
    }
    db.record_transition(&step(
        e,
        Action::AutoClose,
        Status::Routed,
        Status::Closed,
        None,
        t(11),
    ))
    .await
    .expect("close");
    let returned = EventKind::Transition {
        action: Action::ReturnNotAuthority,
        from: Status::Routed,
        to: Status::Returned,
        agency: None,
        reason: Some("Perizinan adalah wewenang DPMPTSP.".into()),
        units: Vec::new(),
        follow_up: None,
        archive: None,
        suggested_agency: None,
    };
    db.apply(&lapor_store::Change {
        number: Some(f),
        status: Some((Status::Routed, Status::Returned)),
        events: vec![Event {
            at: t(12),
            actor: Actor {
                role: ActorRole::AdminInstansi,
                user_id: None,
            },
            kind: returned.clone(),
        }],
        ..lapor_store::Change::default()
    })
    .await
    .expect("return");

    // Public ones only, newest first: never the confidential or the unverified one.
    assert_eq!(
        numbers(db, RequestFilter::default()).await,
        vec![f, e, b, a]
    );
    // What a request shows.
    let all = list(db, RequestFilter::default()).await;
    let first = all.iter().find(|r| r.number == a).expect("a listed");
    assert_eq!(first.title, "Jalan berlubang");
    assert_eq!(first.address.as_deref(), Some("Jl. Tjilik Riwut Km. 5"));
    assert_eq!(first.coordinates, Some((-2.2161, 113.9135)));
    assert_eq!(first.channel, Channel::Open311);
    assert_eq!(first.status, Status::Routed);
    assert_eq!(first.created_at, t(1));
    assert_eq!(
        first.agency,
        Some((
            "pemkot-palangkaraya".to_owned(),
            "Pemerintah Kota Palangka Raya".to_owned()
        ))
    );
    assert!(
        matches!(
            &first.last_step,
            Some(EventKind::Transition {
                action: Action::Verify,
                ..
            })
        ),
        "{:?}",
        first.last_step
    );
    let back = all.iter().find(|r| r.number == f).expect("f listed");
    assert_eq!(back.last_step.as_ref(), Some(&returned));
    assert_eq!(back.status, Status::Returned);

    // Ids override every other filter, yet hidden reports stay hidden.
    assert_eq!(
        numbers(
            db,
            RequestFilter {
                numbers: vec![a, c, d, ReportNumber(9999)],
                categories: vec!["kesehatan.bpjs".into()],
                statuses: vec![Status::Closed],
                from: Some(t(100)),
                ..RequestFilter::default()
            }
        )
        .await,
        vec![a]
    );
    // Service codes match categories exactly: a parent does not match its children.
    let by_category = |codes: &[&str]| RequestFilter {
        categories: codes.iter().map(|c| (*c).to_owned()).collect(),
        ..RequestFilter::default()
    };
    assert_eq!(numbers(db, by_category(&["kesehatan.bpjs"])).await, vec![b]);
    assert_eq!(
        numbers(db, by_category(&["kesehatan.bpjs", "perizinan"])).await,
        vec![f, b]
    );
    assert!(numbers(db, by_category(&["kesehatan"])).await.is_empty());
    // Statuses: among published ones only.
    let by_status = |statuses: Vec<Status>| RequestFilter {
        statuses,
        ..RequestFilter::default()
    };
    assert_eq!(numbers(db, by_status(vec![Status::Closed])).await, vec![e]);
    assert!(
        numbers(db, by_status(vec![Status::Unverified]))
            .await
            .is_empty()
    );
    assert_eq!(
        numbers(db, by_status(vec![Status::Routed, Status::Returned])).await,
        vec![f, b, a]
    );
    // The date range is inclusive at both ends.
    assert_eq!(
        numbers(
            db,
            RequestFilter {
                from: Some(t(2)),
                until: Some(t(5)),
                ..RequestFilter::default()
            }
        )
        .await,
        vec![e, b]
    );
    // Pages.
    let page = |page, page_size| RequestFilter {
        page,
        page_size,
        ..RequestFilter::default()
    };
    assert_eq!(numbers(db, page(1, 3)).await, vec![f, e, b]);
    assert_eq!(numbers(db, page(2, 3)).await, vec![a]);
    assert!(numbers(db, page(3, 3)).await.is_empty());
}

async fn client(db: &Db, name: &str) -> i64 {
    db.insert_api_client(&lapor_store::NewApiClient {
        name: name.to_owned(),
        agency: None,
        key_digest: format!("digest-of-{name}"),
        key_prefix: "lpr_test".to_owned(),
        scopes: "open311".to_owned(),
        webhook_url: None,
        webhook_secret: None,
        system_account: None,
        at: t(0),
    })
    .await
    .expect("insert api client")
}

/// What FixMyStreet's `servicerequestupdates` reads: the steps and published follow-ups of
/// the reports one client filed, within a window.
pub async fn client_updates(ctx: &Ctx) {
    let db = &ctx.db;
    seed_reference(db).await;
    agency(
        db,
        "pemkot-palangkaraya",
        "Pemerintah Kota Palangka Raya",
        AgencyKind::PemerintahKota,
        None,
        &["62.71"],
    )
    .await;
    let mine = client(db, "FixMyStreet").await;
    let theirs = client(db, "Aplikasi lain").await;
    let filed_by = |client_id: Option<i64>, title: &str, at| lapor_store::SubmitRecord {
        client_id,
        ..record(
            &report(
                title,
                "Laporan dari sistem terintegrasi tentang jalan rusak.",
                "62.71",
                None,
            ),
            at,
        )
    };
    let x = submit_record(db, &filed_by(Some(mine), "Jalan rusak satu", t(1))).await;
    let y = submit_record(db, &filed_by(Some(theirs), "Jalan rusak dua", t(2))).await;
    let z = submit_record(db, &filed_by(None, "Jalan rusak tiga", t(3))).await;
    for n in [x, y, z] {
        publish(db, n, "pemkot-palangkaraya", t(10)).await;
    }
    let answer = |action, from, to| Event {
        at: t(20),
        actor: Actor {
            role: ActorRole::AdminInstansi,
            user_id: None,
        },
        kind: EventKind::step(action, from, to),
    };
    db.apply(&lapor_store::Change {
        number: Some(x),
        status: Some((Status::Routed, Status::AwaitingReporter)),
        new_follow_up: Some(lapor_store::NewFollowUp {
            agency: "pemkot-palangkaraya".into(),
            author_user_id: None,
            body: "Jalan sudah diperbaiki.".into(),
            attachments: Vec::new(),
            published: true,
        }),
        events: vec![
            answer(Action::FollowUp, Status::Routed, Status::FollowedUp),
            answer(
                Action::PublishFollowUp,
                Status::FollowedUp,
                Status::AwaitingReporter,
            ),
        ],
        ..lapor_store::Change::default()
    })
    .await
    .expect("follow up");

    let (steps, follow_ups) = db
        .client_updates(mine, t(0), t(100), 1000)
        .await
        .expect("updates");
    let seen: Vec<(ReportNumber, Action)> = steps
        .iter()
        .map(|u| match &u.kind {
            EventKind::Transition { action, .. } => (u.number, *action),
            other => panic!("only steps: {other:?}"),
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            (x, Action::Verify),
            (x, Action::FollowUp),
            (x, Action::PublishFollowUp)
        ]
    );
    assert!(steps.windows(2).all(|w| w[0].id < w[1].id), "oldest first");
    assert_eq!(steps[1].at, t(20));
    assert_eq!(steps[1].actor, ActorRole::AdminInstansi);
    assert_eq!(follow_ups.len(), 1);
    assert_eq!(follow_ups[0].number, x);
    assert_eq!(follow_ups[0].body, "Jalan sudah diperbaiki.");
    assert_eq!(follow_ups[0].published_at, t(20));

    // The window is inclusive; the limit keeps the oldest.
    let (later, _) = db
        .client_updates(mine, t(20), t(20), 1000)
        .await
        .expect("updates");
    assert_eq!(later.len(), 2);
    let (early, early_follow_ups) = db
        .client_updates(mine, t(0), t(19), 1000)
        .await
        .expect("updates");
    assert_eq!(early.len(), 1);
    assert!(early_follow_ups.is_empty());
    let (one, _) = db
        .client_updates(mine, t(0), t(100), 1)
        .await
        .expect("updates");
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].id, steps[0].id);
    // Each client sees its own reports only.
    let (other, _) = db
        .client_updates(theirs, t(0), t(100), 1000)
        .await
        .expect("updates");
    assert_eq!(other.iter().map(|u| u.number).collect::<Vec<_>>(), vec![y]);
}
