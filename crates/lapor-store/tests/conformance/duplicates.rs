//! Near-duplicates: which reports wait to be compared, which earlier reports are candidates
//! (same area, same non-anonymous reporter anywhere), and links that are append-only.

use chrono::TimeDelta;
use lapor_domain::tracking::ReportNumber;
use lapor_domain::user::Role;
use lapor_store::SubmitRecord;
use lapor_store::duplicates::{CandidateQuery, CandidateText, LinkKind, NewLink};

use crate::fixtures::{
    contact, new_user, record, report, seed_reference, submit, submit_record, t,
};
use crate::harness::Ctx;

const BODY: &str =
    "Lampu penerangan jalan di depan pasar mati sejak seminggu, malam hari gelap sekali.";

fn link(report: ReportNumber, related: ReportNumber, kind: LinkKind) -> NewLink {
    NewLink {
        report,
        related,
        kind,
        score: Some(0.5),
        by_user: None,
    }
}

fn query(number: ReportNumber, area: &str, same_reporter: bool) -> CandidateQuery<'_> {
    CandidateQuery {
        number,
        since: t(0) - TimeDelta::days(30),
        area,
        same_reporter,
        limit: 50,
    }
}

/// Uncompared reports come oldest first until their fingerprint is stored; candidates are the
/// earlier reports of the area or of the same reporter, with a fingerprint or else their text.
pub async fn comparisons_and_candidates(ctx: &Ctx) {
    let db = &ctx.db;
    seed_reference(db).await;
    let old = submit(
        db,
        &report("Lampu mati di pasar", BODY, "62.71.01", None),
        t(-60 * 24 * 40),
    )
    .await;
    let near = submit(
        db,
        &report("Lampu mati di pasar", BODY, "62.71.01.1001", None),
        t(1),
    )
    .await;
    // Filed from an account, unlike the newest below: the reporter check must say "no",
    // not fail on the missing account.
    let user = db
        .insert_user(&new_user("Budi", None, None, Role::Citizen), t(0))
        .await
        .expect("user");
    let city = submit_record(
        db,
        &SubmitRecord {
            reporter_user_id: Some(user),
            ..record(&report("Lampu mati di kota", BODY, "62.71", None), t(2))
        },
    )
    .await;
    let elsewhere = submit(
        db,
        &report("Lampu mati di kabupaten", BODY, "62.01", None),
        t(3),
    )
    .await;
    let mut by_phone = report("Lampu mati lagi", BODY, "31.71", None);
    by_phone.contact = contact(Some("Ani"), None, Some("081234567890"));
    let far_same_reporter = submit_record(db, &record(&by_phone, t(4))).await;
    let mut anonymous = by_phone.clone();
    anonymous.privacy.anonymous = true;
    let far_anonymous = submit_record(db, &record(&anonymous, t(5))).await;
    let mut again = report("Lampu mati di pasar", BODY, "62.71.01", None);
    again.contact = contact(Some("Ani"), None, Some("081234567890"));
    let newest = submit_record(db, &record(&again, t(6))).await;

    let waiting = db.uncompared_reports(3).await.expect("uncompared");
    let numbers: Vec<ReportNumber> = waiting.iter().map(|r| r.number).collect();
    assert_eq!(numbers, [old, near, city]);
    assert_eq!(waiting[1].region, "62.71.01.1001");
    assert_eq!(waiting[1].title, "Lampu mati di pasar");

    db.record_comparisons(&[(near, "m1.fp-near".into())], &[], t(7))
        .await
        .expect("record");
    let found = db
        .similar_candidates(&query(newest, "62.71", true))
        .await
        .expect("candidates");
    let numbers: Vec<ReportNumber> = found.iter().map(|c| c.number).collect();
    assert!(!numbers.contains(&elsewhere));
    // Newest first; not the report itself, not the old one, not the other kabupaten, not the
    // anonymous report of the same phone.
    assert_eq!(numbers, [far_same_reporter, city, near]);
    assert!(found[0].same_reporter);
    assert!(!found[1].same_reporter);
    assert_eq!(
        found[2].text,
        CandidateText::Fingerprint("m1.fp-near".into())
    );
    assert_eq!(
        found[1].text,
        CandidateText::Text {
            title: "Lampu mati di kota".into(),
            body: BODY.into()
        }
    );
    assert_eq!(found[2].region, "62.71.01.1001");

    // Without the reporter branch only the area counts; an anonymous report never matches by
    // reporter, not even its own phone's other reports.
    let area_only = db
        .similar_candidates(&query(newest, "62.71", false))
        .await
        .expect("candidates");
    assert_eq!(area_only.len(), 2);
    let from_anonymous = db
        .similar_candidates(&query(far_anonymous, "31.71", true))
        .await
        .expect("candidates");
    assert!(from_anonymous.iter().all(|c| !c.same_reporter));
    assert!(from_anonymous.iter().all(|c| c.number != newest));
}

/// Links are read from either side, newest row of a pair wins, an unlinked pair disappears,
/// and a fingerprint is stored once: a second comparison of the same report writes nothing.
pub async fn links_are_append_only(ctx: &Ctx) {
    let db = &ctx.db;
    seed_reference(db).await;
    let a = submit(
        db,
        &report("Lampu mati di pasar", BODY, "62.71.01", None),
        t(0),
    )
    .await;
    let b = submit(
        db,
        &report("Lampu mati di pasar", BODY, "62.71.01", None),
        t(1),
    )
    .await;
    let c = submit(
        db,
        &report("Lampu mati di pasar", BODY, "62.71.01", None),
        t(2),
    )
    .await;

    db.record_comparisons(
        &[(a, "m1.a".into()), (b, "m1.b".into())],
        &[link(b, a, LinkKind::Duplicate)],
        t(3),
    )
    .await
    .expect("record");
    // Named the other way round: stored newer-first all the same.
    db.record_comparisons(
        &[(c, "m1.c".into())],
        &[link(a, c, LinkKind::SameProblem)],
        t(4),
    )
    .await
    .expect("record");
    // A second worker's comparison of the same report changes nothing.
    db.record_comparisons(
        &[(c, "m1.other".into())],
        &[link(c, b, LinkKind::SameProblem)],
        t(5),
    )
    .await
    .expect("record again");

    let of_a = db.report_links(a).await.expect("links");
    let others: Vec<(ReportNumber, LinkKind)> = of_a.iter().map(|l| (l.other, l.kind)).collect();
    assert_eq!(
        others,
        [(b, LinkKind::Duplicate), (c, LinkKind::SameProblem)]
    );
    assert_eq!(of_a[0].score, Some(0.5));
    assert_eq!(of_a[0].by_user, None);
    assert_eq!(of_a[0].created_at, t(3));
    assert_eq!(db.report_links(c).await.expect("links").len(), 1);
    assert!(
        db.uncompared_reports(10)
            .await
            .expect("uncompared")
            .is_empty()
    );

    // An officer separates a and c: a new row, and the pair is no longer listed.
    db.add_link(
        &NewLink {
            by_user: None,
            score: None,
            ..link(c, a, LinkKind::Unlinked)
        },
        t(6),
    )
    .await
    .expect("unlink");
    let others: Vec<ReportNumber> = db
        .report_links(a)
        .await
        .expect("links")
        .iter()
        .map(|l| l.other)
        .collect();
    assert_eq!(others, [b]);
    assert!(db.report_links(c).await.expect("links").is_empty());
    // Linked again later: the latest row holds.
    db.add_link(&link(c, a, LinkKind::SameProblem), t(7))
        .await
        .expect("link");
    assert_eq!(db.report_links(c).await.expect("links").len(), 1);

    let mut raw = ctx.raw().await;
    assert_eq!(raw.count("report_links").await, 4);
    for sql in [
        "UPDATE report_links SET kind = 'duplicate'",
        "DELETE FROM report_links",
    ] {
        assert!(raw.execute(sql).await.is_err(), "{sql} must be refused");
    }
    assert_eq!(raw.count("report_links").await, 4);
    raw.close().await;
}
