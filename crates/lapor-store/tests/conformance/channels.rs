//! Channels: inbound message records (replays change nothing), API clients, rate-limit
//! counters, the delivery log, and finding the report a reporter's SMS or e-mail answers.

use lapor_domain::agency::AgencyKind;
use lapor_domain::region::RegionCode;
use lapor_domain::report::Channel;
use lapor_domain::status::Status;
use lapor_domain::tracking::ReportNumber;
use lapor_store::{Change, NewApiClient, NewAttachment, NewDelivery, SubmitOutcome, SubmitRecord};

use crate::fixtures::{agency, contact, record, report, seed_reference, submit_record, t};
use crate::harness::Ctx;

const BODY: &str = "Jalan rusak di depan sekolah dasar, banyak anak hampir jatuh setiap pagi.";

fn sms_report(phone: &str) -> lapor_domain::report::NewReport {
    let mut new = report("Jalan rusak di depan sekolah", BODY, "62.71", None);
    new.channel = Channel::Sms;
    new.location.region = RegionCode::undetermined();
    new.contact = contact(None, None, Some(phone));
    new
}

/// The same SMS delivered twice makes one report; the second delivery names the first.
pub async fn inbound_messages_make_one_report(ctx: &Ctx) {
    let db = &ctx.db;
    seed_reference(db).await;
    let photo = NewAttachment {
        file_name: "foto.jpg".into(),
        content_type: "image/jpeg".into(),
        sha256: "ab".repeat(32),
        data: vec![0xFF, 0xD8, 0xFF, 0xE0],
    };
    let first = SubmitRecord {
        inbound: Some("kannel-4711".into()),
        files: vec![photo],
        ..record(&sms_report("081234567890"), t(1))
    };
    let number = submit_record(db, &first).await;
    let stored = db.find_report(number).await.expect("find").expect("report");
    assert_eq!(stored.report.channel, Channel::Sms);
    assert!(stored.report.location.region.is_undetermined());

    let again = SubmitRecord {
        inbound: Some("kannel-4711".into()),
        ..record(&sms_report("081234567890"), t(2))
    };
    assert_eq!(
        db.submit_report(&again).await.expect("replay"),
        SubmitOutcome::AlreadyReceived(Some(number))
    );
    assert_eq!(db.count_reports().await.expect("count"), 1);
    // The same id on another channel is another message.
    let mut by_mail = sms_report("081234567890");
    by_mail.channel = Channel::Email;
    let other = SubmitRecord {
        inbound: Some("kannel-4711".into()),
        ..record(&by_mail, t(3))
    };
    submit_record(db, &other).await;
    assert_eq!(db.count_reports().await.expect("count"), 2);

    // Messages that are not reports: recorded once.
    assert!(
        db.record_inbound("sms", "kannel-4712", "help", None, t(4))
            .await
            .expect("record")
    );
    assert!(
        !db.record_inbound("sms", "kannel-4712", "help", None, t(5))
            .await
            .expect("record again")
    );
    assert_eq!(
        db.inbound("sms", "kannel-4711").await.expect("inbound"),
        Some(("report".into(), Some(number)))
    );
    assert_eq!(db.inbound("sms", "nope").await.expect("inbound"), None);
}

/// A reporter's answer carried by a channel message is written once, with its record.
pub async fn inbound_replies_apply_once(ctx: &Ctx) {
    let db = &ctx.db;
    seed_reference(db).await;
    let number = submit_record(db, &record(&sms_report("081234567890"), t(1))).await;
    let step = |minute: i64| Change {
        number: Some(number),
        status: Some((Status::Unverified, Status::Pending)),
        inbound: Some(("sms".into(), "reply-1".into())),
        at: Some(t(minute)),
        ..Change::default()
    };
    assert!(matches!(
        db.apply(&step(2)).await.expect("apply"),
        lapor_store::Applied::Done { .. }
    ));
    // Replayed after the report moved on: nothing is written, not even a status check fails.
    assert_eq!(
        db.apply(&Change {
            status: Some((Status::Pending, Status::Unverified)),
            ..step(3)
        })
        .await
        .expect("replay"),
        lapor_store::Applied::AlreadyDone
    );
    let stored = db.find_report(number).await.expect("find").expect("report");
    assert_eq!(stored.report.status, Status::Pending);
    assert_eq!(
        db.inbound("sms", "reply-1").await.expect("inbound"),
        Some(("reply".into(), Some(number)))
    );
}

/// Reports a reporter may answer, found by the contact they wrote from.
pub async fn reports_awaiting_reply(ctx: &Ctx) {
    let db = &ctx.db;
    seed_reference(db).await;
    let waiting = submit_record(db, &record(&sms_report("081234567890"), t(1))).await;
    let _other = submit_record(db, &record(&sms_report("081299990000"), t(2))).await;
    let not_yet = submit_record(db, &record(&sms_report("081234567890"), t(3))).await;
    db.apply(&Change {
        number: Some(waiting),
        status: Some((Status::Unverified, Status::Pending)),
        at: Some(t(4)),
        ..Change::default()
    })
    .await
    .expect("ask");
    assert_eq!(
        db.reports_awaiting_reply_from("+6281234567890")
            .await
            .expect("awaiting"),
        vec![waiting]
    );
    assert!(
        db.reports_awaiting_reply_from("+6281299990000")
            .await
            .expect("awaiting")
            .is_empty()
    );
    let _ = not_yet;
}

/// API clients: stored by key digest, scoped to an agency, revocable; webhook followers.
pub async fn api_clients(ctx: &Ctx) {
    let db = &ctx.db;
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
    let new = |name: &str, digest: &str, agency: Option<&str>, hook: bool| NewApiClient {
        name: name.into(),
        agency: agency.map(str::to_owned),
        key_digest: digest.into(),
        key_prefix: "lpr_abcd".into(),
        scopes: "integration".into(),
        webhook_url: hook.then(|| "https://kota.example/hook".to_owned()),
        webhook_secret: hook.then(|| "rahasia".to_owned()),
        system_account: agency.map(|_| format!("Sistem: {name}")),
        at: t(0),
    };
    let city = db
        .insert_api_client(&new("Aplikasi Kota", "d1", Some("kota"), true))
        .await
        .expect("insert");
    let fms = db
        .insert_api_client(&new("FixMyStreet", "d2", None, true))
        .await
        .expect("insert");
    let quiet = db
        .insert_api_client(&new("Tanpa webhook", "d3", Some("kota"), false))
        .await
        .expect("insert");
    assert!(matches!(
        db.insert_api_client(&new("Kembar", "d1", None, false))
            .await,
        Err(lapor_store::StoreError::Conflict(_))
    ));
    let found = db
        .api_client_by_digest("d1")
        .await
        .expect("find")
        .expect("client");
    assert_eq!(
        (found.id, found.agency.as_deref(), found.scopes.as_str()),
        (city, Some("kota"), "integration")
    );
    assert_eq!(found.webhook_secret.as_deref(), Some("rahasia"));
    let account = db
        .find_user(found.user_id.expect("an agency's system has an account"))
        .await
        .expect("find")
        .expect("account");
    assert_eq!(account.name, "Sistem: Aplikasi Kota");
    // A client refused (unknown agency) leaves no account behind.
    let users_before = db.count_users().await.expect("count");
    assert!(matches!(
        db.insert_api_client(&new("Salah", "d9", Some("tidak-ada"), false))
            .await,
        Err(lapor_store::StoreError::UnknownReference(_))
    ));
    assert_eq!(db.count_users().await.expect("count"), users_before);
    assert!(db.api_client_by_digest("zz").await.expect("find").is_none());

    let followers = |filed_by: Option<i64>, agencies: &'static [&'static str]| async move {
        db.webhook_clients(filed_by, agencies)
            .await
            .expect("followers")
            .into_iter()
            .map(|c| c.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(followers(Some(fms), &["kota"]).await, vec![city, fms]);
    assert_eq!(followers(None, &["kota"]).await, vec![city]);
    assert_eq!(followers(None, &[]).await, Vec::<i64>::new());

    assert!(db.revoke_api_client(city, t(5)).await.expect("revoke"));
    assert!(!db.revoke_api_client(city, t(6)).await.expect("again"));
    assert_eq!(followers(Some(fms), &["kota"]).await, vec![fms]);
    assert_eq!(db.api_clients().await.expect("list").len(), 3);
    let _ = quiet;
}

/// Rate-limit counters count every hit once, per subject and window, and are pruned.
pub async fn rate_limit_counters(ctx: &Ctx) {
    let db = &ctx.db;
    for expected in 1..=3 {
        assert_eq!(db.count_hit("phone:a", t(0)).await.expect("hit"), expected);
    }
    assert_eq!(db.count_hit("phone:b", t(0)).await.expect("hit"), 1);
    assert_eq!(db.count_hit("phone:a", t(60)).await.expect("hit"), 1);
    assert_eq!(db.prune_rate_limits(t(30)).await.expect("prune"), 2);
    assert_eq!(db.count_hit("phone:a", t(0)).await.expect("hit"), 1);
}

/// The delivery log, newest first, by client or job.
pub async fn delivery_log(ctx: &Ctx) {
    let db = &ctx.db;
    seed_reference(db).await;
    let number = submit_record(db, &record(&sms_report("081234567890"), t(1))).await;
    let log = |job: i64, kind: &'static str, status: &'static str, minute: i64| NewDelivery {
        job_id: Some(job),
        kind,
        client_id: None,
        report: Some(number),
        status,
        detail: Some("0: Accepted for delivery"),
        at: t(minute),
    };
    db.record_delivery(&log(7, "sms", "sent", 2))
        .await
        .expect("log");
    db.record_delivery(&log(7, "sms", "delivered", 3))
        .await
        .expect("log");
    db.record_delivery(&log(8, "sms", "sent", 4))
        .await
        .expect("log");
    let of_job: Vec<String> = db
        .deliveries(None, Some(7), 10)
        .await
        .expect("log")
        .into_iter()
        .map(|d| d.status)
        .collect();
    assert_eq!(of_job, ["delivered", "sent"]);
    let all = db.deliveries(None, None, 10).await.expect("log");
    assert_eq!(all.len(), 3);
    assert_eq!(all[0].report, Some(ReportNumber(number.0)));
    assert_eq!(all[0].at, t(4));
}

/// A setting made on first use: the first writer wins, every caller gets the stored value.
pub async fn first_setting_wins(ctx: &Ctx) {
    let db = &ctx.db;
    assert_eq!(
        db.setting_or_insert("email.reply_secret", "pertama")
            .await
            .expect("insert"),
        "pertama"
    );
    assert_eq!(
        db.setting_or_insert("email.reply_secret", "kedua")
            .await
            .expect("insert"),
        "pertama"
    );
}
