//! Many writers at once through clones of one `Db`.

use std::collections::HashSet;

use lapor_domain::report::NewReport;
use lapor_domain::tracking::ReportNumber;
use lapor_domain::user::Role;
use lapor_store::{StoreError, SubmitOutcome, SubmitRecord};

use crate::fixtures::{contact, new_user, receipt, record, report, seed_reference, t};
use crate::harness::Ctx;

const BODY: &str = "Laporan yang dikirim bersamaan dengan banyak laporan lain.";

pub async fn concurrent_submissions(ctx: &Ctx) {
    let db = &ctx.db;
    seed_reference(db).await;
    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let db = db.clone();
            tokio::spawn(async move {
                let new = report(
                    &format!("Laporan serentak nomor {i}"),
                    BODY,
                    "62.71",
                    Some("kesehatan"),
                );
                let outcome = db.submit_report(&record(&new, t(i))).await;
                (i, outcome)
            })
        })
        .collect();
    let mut numbers = HashSet::new();
    for task in tasks {
        let (i, outcome) = task.await.expect("task");
        match outcome {
            Ok(SubmitOutcome::Created(number)) => {
                let stored = db.find_report(number).await.expect("find").expect("stored");
                assert_eq!(
                    stored.report.title,
                    format!("Laporan serentak nomor {i}"),
                    "each number is its own report"
                );
                assert!(numbers.insert(number), "number {number} given twice");
            }
            other => panic!("submission {i}: {other:?}"),
        }
    }
    assert_eq!(numbers.len(), 50);
    assert_eq!(db.count_reports().await.expect("count"), 50);
    let mut raw = ctx.raw().await;
    assert_eq!(
        raw.submission_rows().await,
        [50, 0, 50, 0],
        "one event per report"
    );
    raw.close().await;
}

pub async fn concurrent_replays(ctx: &Ctx) {
    let db = &ctx.db;
    seed_reference(db).await;
    let tasks: Vec<_> = (0..10)
        .map(|i| {
            let db = db.clone();
            tokio::spawn(async move {
                // Every retry of an API call gets a fresh tracking code, as the use case makes one.
                let new = NewReport {
                    contact: contact(Some("Siti"), None, Some("081234567890")),
                    ..report("Kiriman ulang yang sama", BODY, "62.71", Some("kesehatan"))
                };
                let rec = SubmitRecord {
                    idempotency: Some(("retry-key".into(), "same-request".into())),
                    ..record(&new, t(i))
                };
                db.submit_report(&rec).await
            })
        })
        .collect();
    let mut created: Vec<ReportNumber> = Vec::new();
    let mut replayed: Vec<String> = Vec::new();
    for task in tasks {
        match task.await.expect("task") {
            Ok(SubmitOutcome::Created(number)) => created.push(number),
            Ok(SubmitOutcome::Replayed(answer)) => replayed.push(answer),
            other => panic!("expected Created or Replayed, got {other:?}"),
        }
    }
    assert_eq!(created.len(), 1, "exactly one call creates the report");
    assert_eq!(replayed.len(), 9);
    let first = receipt(created[0]);
    assert!(
        replayed.iter().all(|r| *r == first),
        "every retry gets the first answer: {replayed:?} vs {first}"
    );
    assert_eq!(db.count_reports().await.expect("count"), 1);
    let mut raw = ctx.raw().await;
    assert_eq!(
        raw.submission_rows().await,
        [1, 1, 1, 1],
        "losers leave no report, contact, event or key"
    );
    raw.close().await;
}

/// Registrations racing for one phone number: one wins, the others are told the phone is taken.
pub async fn concurrent_registrations(ctx: &Ctx) {
    let db = &ctx.db;
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let db = db.clone();
            tokio::spawn(async move {
                let user = new_user(
                    &format!("Pendaftar {i}"),
                    Some(&format!("pendaftar{i}@example.co.id")),
                    Some("081277776666"),
                    Role::Citizen,
                );
                db.insert_user(&user, t(i)).await
            })
        })
        .collect();
    let mut won = 0;
    for task in tasks {
        match task.await.expect("task") {
            Ok(_) => won += 1,
            Err(StoreError::Conflict("phone")) => {}
            Err(e) => panic!("expected Conflict(\"phone\"), got {e:?}"),
        }
    }
    assert_eq!(won, 1);
    assert_eq!(db.count_users().await.expect("count"), 1);
}

/// On SQLite concurrent submissions share one transaction (group commit): a submission that
/// fails there must fail alone, and every other one must still be stored.
pub async fn a_bad_submission_does_not_sink_the_others(ctx: &Ctx) {
    let db = &ctx.db;
    seed_reference(db).await;
    let tasks: Vec<_> = (0..40)
        .map(|i| {
            let db = db.clone();
            tokio::spawn(async move {
                // Every tenth names a category that does not exist: a foreign-key failure
                // that only the database can see.
                let category = if i % 10 == 3 {
                    "tidak-ada"
                } else {
                    "kesehatan"
                };
                let new = report(
                    &format!("Laporan campuran nomor {i}"),
                    BODY,
                    "62.71",
                    Some(category),
                );
                (i, db.submit_report(&record(&new, t(i))).await)
            })
        })
        .collect();
    let mut stored = 0;
    for task in tasks {
        let (i, outcome) = task.await.expect("task");
        match (i % 10 == 3, outcome) {
            (true, Err(StoreError::UnknownReference(_))) => {}
            (false, Ok(SubmitOutcome::Created(number))) => {
                let found = db.find_report(number).await.expect("find").expect("stored");
                assert_eq!(found.report.title, format!("Laporan campuran nomor {i}"));
                stored += 1;
            }
            (bad, other) => panic!("submission {i} (bad: {bad}): {other:?}"),
        }
    }
    assert_eq!(stored, 36);
    assert_eq!(db.count_reports().await.expect("count"), 36);
}
