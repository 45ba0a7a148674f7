//! The officer console, driven through HTTP as officers' browsers without JavaScript would,
//! over a real SQLite database with the Palangka Raya demo tree.

#![allow(clippy::unwrap_used)]

mod common;
#[path = "common/officers.rs"]
mod officers;

use axum::http::StatusCode;
use chrono::TimeDelta;
use common::Reply;
use lapor_app::{ReporterCommand, ReporterKey};
use lapor_domain::status::Status;
use lapor_domain::tracking::ReportNumber;
use officers::{CITY, PUPR, Stage, Who, World, form, input_value, pdf};

// ------------------------------------------------------------------ the access matrix

/// What a role gets from a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum E {
    /// 200: reads it.
    R,
    /// 303 to a console page: the step (or post) was taken.
    A,
    /// 409: sees the report but may not take this step; nothing changes.
    X,
    /// 404, exactly like a report that does not exist, and none of its content.
    N,
    /// 303 to `/masuk`: not logged in.
    L,
}
use E::{A, L, N, R, X};

/// The read routes and posts that are not workflow steps. Columns, in [`Who::ALL`] order:
/// admin nasional, admin instansi of the handling agency, admin instansi of another agency,
/// admin unit of the disposed unit, admin unit of a sibling unit, pengawas, citizen,
/// visitor.
#[rustfmt::skip]
const ROUTES: &[(&str, [E; 8])] = &[
    //                                   nasional inst. inst.lain unit unit.lain pengawas warga tamu
    ("GET /petugas",                       [R,      R,    R,        R,   R,        R,       N,    L]),
    ("GET /petugas/laporan/{n}",           [R,      R,    N,        R,   N,        R,       N,    L]),
    ("GET /petugas/lampiran/{id}",         [R,      R,    N,        R,   N,        R,       N,    L]),
    ("POST /petugas/laporan/{n}/identitas",[R,      N,    N,        N,   N,        N,       N,    L]),
    ("GET /petugas/laporan/{e}/berkas.json",[R,     N,    N,        N,   N,        R,       N,    L]),
    ("GET /petugas/laporan/{n}/berkas.json",[N,     N,    N,        N,   N,        N,       N,    L]),
    ("GET /petugas/kinerja",               [R,      R,    R,        N,   N,        R,       N,    L]),
    ("GET /notifikasi",                    [R,      R,    R,        R,   R,        R,       R,    L]),
    ("POST /notifikasi",                   [A,      A,    A,        A,   A,        A,       A,    L]),
];

/// Whose inbox lists a report routed to the city and disposed to its PUPR unit.
#[rustfmt::skip]
const INBOX_LISTS: [(Who, bool); 6] = [
    (Who::Nasional, true), (Who::Instansi, true), (Who::InstansiLain, false),
    (Who::Unit, true), (Who::UnitLain, false), (Who::Pengawas, true),
];

/// Every workflow step, posted to `/petugas/laporan/{n}/langkah` on a fresh report at the
/// stage named, by each role (same columns as [`ROUTES`]).
#[rustfmt::skip]
const STEPS: &[(&str, Stage, [E; 8])] = &[
    //                                              nasional inst. inst.lain unit unit.lain pengawas warga tamu
    ("verify",               Stage::Unverified, [A,      N,    N,        N,   N,        X,       N,    L]),
    ("pend",                 Stage::Unverified, [A,      N,    N,        N,   N,        X,       N,    L]),
    ("request_information",  Stage::Unverified, [A,      N,    N,        N,   N,        X,       N,    L]),
    ("archive",              Stage::Unverified, [A,      N,    N,        N,   N,        X,       N,    L]),
    ("accept",               Stage::Routed,     [X,      A,    N,        N,   N,        X,       N,    L]),
    ("dispose",              Stage::Routed,     [X,      A,    N,        N,   N,        X,       N,    L]),
    ("return_not_authority", Stage::Routed,     [X,      A,    N,        N,   N,        X,       N,    L]),
    ("follow_up",            Stage::Routed,     [X,      A,    N,        N,   N,        X,       N,    L]),
    ("follow_up",            Stage::Disposed,   [X,      A,    N,        A,   N,        X,       N,    L]),
    ("return_not_authority", Stage::Disposed,   [X,      A,    N,        X,   N,        X,       N,    L]),
    ("return_to_agency",     Stage::Disposed,   [X,      X,    N,        A,   N,        X,       N,    L]),
    ("publish_follow_up",    Stage::FollowedUp, [X,      A,    N,        X,   N,        X,       N,    L]),
    ("reject_follow_up",     Stage::FollowedUp, [X,      A,    N,        X,   N,        X,       N,    L]),
    ("raise_privacy",        Stage::Disposed,   [A,      A,    N,        A,   N,        X,       N,    L]),
];

/// A valid post of each step.
fn step_fields(action: &str) -> Vec<(&'static str, &'static str)> {
    match action {
        "verify" => vec![
            ("title", "Trotoar ambles di Jalan Ahmad Yani"),
            ("classification", "pengaduan"),
            ("category", "pekerjaan_umum.jalan_jembatan"),
            ("handling_class", "biasa"),
            ("agency", CITY),
        ],
        "pend" => vec![("reason", "Menunggu konfirmasi lokasi dari pelapor.")],
        "request_information" => vec![(
            "question",
            "Mohon sebutkan nama jalan dan patokan terdekat.",
        )],
        "archive" => vec![("reason", "incomplete")],
        "dispose" => vec![("units", PUPR)],
        "return_not_authority" => vec![
            (
                "reason",
                "Trotoar jalan nasional bukan kewenangan pemerintah kota.",
            ),
            ("suggested_agency", "kemen-pu"),
        ],
        "return_to_agency" => vec![(
            "reason",
            "Bukan tugas dinas kami; mohon didisposisi ke unit lain.",
        )],
        "follow_up" => vec![(
            "text",
            "Tim sudah meninjau lokasi dan perbaikan dijadwalkan pekan depan.",
        )],
        "reject_follow_up" => vec![(
            "reason",
            "Mohon lengkapi dengan jadwal perbaikan yang pasti.",
        )],
        "raise_privacy" => vec![("confidential", "1")],
        _ => vec![],
    }
}

fn assert_hidden(reply: &Reply, secrets: &[&str], what: &str) {
    assert_eq!(
        reply.status,
        StatusCode::NOT_FOUND,
        "{what}: {}",
        reply.body
    );
    for secret in secrets {
        assert!(
            !reply.body.contains(secret),
            "{what}: the 404 shows {secret:?}"
        );
    }
}

fn assert_login(reply: &Reply, what: &str) {
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{what}");
    assert_eq!(reply.header("location"), "/masuk", "{what}");
}

const HANDLED: &str = "Trotoar ambles di Jalan Ahmad Yani depan pasar";
const ESCALATED: &str = "Saluran air tersumbat di Jalan Diponegoro";

#[tokio::test]
async fn access_matrix_of_every_console_route() {
    let mut w = World::new().await;
    // An anonymous report disposed to PUPR whose follow-up (with a PDF) awaits approval,
    // and a report the reporter handed to the Ombudsman after 60 days.
    let handled = w.report_at(Stage::FollowedUp, HANDLED, true).await.0;
    let (escalated, code) = w.report_at(Stage::Disposed, ESCALATED, false).await;
    w.t.clock.set(common::test_now() + TimeDelta::days(70));
    w.t.app
        .reporter_act(ReporterKey::Code(&code), ReporterCommand::EscalateOmbudsman)
        .await
        .unwrap();
    // Sessions last 14 days: everyone logs in again at the new date.
    w.login_all().await;
    let number = ReportNumber::parse(&handled).unwrap();
    let officer = w.officer(Who::Nasional).await;
    let case = w.t.app.case(&officer, number).await.unwrap();
    let attachment = case.follow_ups[0].attachments[0].id;
    let secrets = [HANDLED, "Sri Wahyuni", "7777", "%PDF-"];

    for (route, expected) in ROUTES {
        for (who, e) in Who::ALL.into_iter().zip(expected) {
            let what = format!("{route} as {who:?}");
            let reply = match *route {
                "GET /petugas" => w.get(who, "/petugas").await,
                "GET /petugas/laporan/{n}" => {
                    w.get(who, &format!("/petugas/laporan/{handled}")).await
                }
                "GET /petugas/lampiran/{id}" => {
                    w.get(who, &format!("/petugas/lampiran/{attachment}")).await
                }
                "POST /petugas/laporan/{n}/identitas" => {
                    w.post(who, &format!("/petugas/laporan/{handled}/identitas"), &[])
                        .await
                }
                "GET /petugas/laporan/{e}/berkas.json" => {
                    w.get(who, &format!("/petugas/laporan/{escalated}/berkas.json"))
                        .await
                }
                "GET /petugas/laporan/{n}/berkas.json" => {
                    w.get(who, &format!("/petugas/laporan/{handled}/berkas.json"))
                        .await
                }
                "GET /petugas/kinerja" => w.get(who, "/petugas/kinerja").await,
                "GET /notifikasi" => w.get(who, "/notifikasi").await,
                "POST /notifikasi" => w.post(who, "/notifikasi", &[]).await,
                other => panic!("no request for {other}"),
            };
            match e {
                R => assert_eq!(reply.status, StatusCode::OK, "{what}: {}", reply.body),
                A => {
                    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{what}");
                    assert_ne!(reply.header("location"), "/masuk", "{what}");
                }
                N => assert_hidden(&reply, &secrets, &what),
                L => assert_login(&reply, &what),
                X => unreachable!("no refusals among the routes"),
            }
        }
    }

    for (who, listed) in INBOX_LISTS {
        let inbox = w.get(who, "/petugas").await;
        assert_eq!(
            inbox.body.contains(HANDLED),
            listed,
            "{who:?}'s inbox lists the disposed report: {listed}"
        );
    }
}

#[tokio::test]
async fn access_matrix_of_every_step() {
    let w = World::new().await;
    for (action, stage, expected) in STEPS {
        for (who, e) in Who::ALL.into_iter().zip(expected) {
            let what = format!("{action} at {stage:?} as {who:?}");
            let (number, _) = w.report_at(*stage, HANDLED, false).await;
            let parsed = ReportNumber::parse(&number).unwrap();
            let (before, status_before) = w.state(parsed).await;
            // Whoever may read the report sees the step's form exactly when it is theirs.
            if matches!(e, A | X) {
                let page = w.get(who, &format!("/petugas/laporan/{number}")).await;
                assert_eq!(page.status, StatusCode::OK, "{what}");
                assert_eq!(
                    form(&page.body, &format!("form-{action}")).is_some(),
                    *e == A,
                    "{what}: the form is shown only to who may take the step"
                );
            }
            let version = before.to_string();
            let mut fields = vec![("action", *action), ("version", version.as_str())];
            fields.extend(step_fields(action));
            let reply = w
                .post(who, &format!("/petugas/laporan/{number}/langkah"), &fields)
                .await;
            let (after, status_after) = w.state(parsed).await;
            match e {
                A => {
                    assert_eq!(
                        reply.status,
                        StatusCode::SEE_OTHER,
                        "{what}: {}",
                        reply.body
                    );
                    assert!(reply.header("location").starts_with("/petugas"), "{what}");
                    assert!(reply.header("location").ends_with("ok=1"), "{what}");
                    assert!(after > before, "{what}: the step was stored");
                }
                X => {
                    assert_eq!(reply.status, StatusCode::CONFLICT, "{what}: {}", reply.body);
                    assert!(reply.body.contains("Tidak ada yang disimpan."), "{what}");
                }
                N => assert_hidden(&reply, &[HANDLED, "Sri Wahyuni"], &what),
                L => assert_login(&reply, &what),
                R => unreachable!("steps are posts"),
            }
            if *e != A {
                assert_eq!(
                    (after, status_after),
                    (before, status_before),
                    "{what}: nothing changed"
                );
            }
        }
    }
}

// ------------------------------------------------------------------ privacy

#[tokio::test]
async fn an_anonymous_reporter_is_hidden_from_agencies_and_shown_to_national_admins_on_request() {
    let w = World::new().await;
    let (number, _) = w.report_at(Stage::FollowedUp, HANDLED, true).await;
    let page = format!("/petugas/laporan/{number}");
    let identity = ["Sri Wahyuni", "7777", "6543", "sri.pelapor"];

    for who in [Who::Instansi, Who::Unit, Who::Pengawas] {
        for path in [page.as_str(), "/petugas", "/notifikasi"] {
            let reply = w.get(who, path).await;
            assert_eq!(reply.status, StatusCode::OK, "{who:?} {path}");
            for secret in identity {
                assert!(
                    !reply.body.contains(secret),
                    "{who:?} sees {secret} on {path}"
                );
            }
        }
        let case = w.get(who, &page).await.body;
        assert!(
            case.contains("Identitas pelapor dirahasiakan (anonim)."),
            "{who:?}"
        );
        assert!(!case.contains("/identitas"), "{who:?} is offered no reveal");
        let reveal = w.post(who, &format!("{page}/identitas"), &[]).await;
        assert_hidden(&reveal, &identity, &format!("reveal as {who:?}"));
    }

    let before = w.get(Who::Nasional, &page).await;
    assert!(
        before
            .body
            .contains("Identitas pelapor dirahasiakan (anonim).")
    );
    assert!(before.body.contains("Lihat identitas"));
    for secret in identity {
        assert!(
            !before.body.contains(secret),
            "shown before asking: {secret}"
        );
    }
    assert!(!before.body.contains("melihat identitas pelapor anonim"));

    let shown = w
        .post(Who::Nasional, &format!("{page}/identitas"), &[])
        .await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    assert_eq!(shown.header("cache-control"), "no-store");
    assert!(shown.body.contains("Sri Wahyuni Pelapor"));
    assert!(shown.body.contains("sri.pelapor@example.com"));
    assert!(shown.body.contains("7777"));
    assert!(
        shown
            .body
            .contains("Admin nasional melihat identitas pelapor anonim")
    );

    // Fetching the page again shows the trace of the look, not the identity.
    let after = w.get(Who::Nasional, &page).await.body;
    assert!(after.contains("Admin nasional melihat identitas pelapor anonim"));
    assert!(!after.contains("Sri Wahyuni"));
    // The trace is the national admins' audit trail: agencies do not see it.
    let agency = w.get(Who::Instansi, &page).await.body;
    assert!(!agency.contains("melihat identitas"));
}

#[tokio::test]
async fn privacy_can_be_raised_but_never_lowered() {
    let w = World::new().await;
    // Verifying an anonymous report with the box unticked keeps it anonymous; the form
    // shows the flag ticked and disabled.
    let (number, _) = w.report_at(Stage::Unverified, HANDLED, true).await;
    let page = w
        .get(Who::Nasional, &format!("/petugas/laporan/{number}"))
        .await
        .body;
    let verify = form(&page, "form-verify").unwrap();
    assert!(
        verify.contains(r#"id="verify-anonymous" name="anonymous" value="1" checked disabled"#)
    );
    let version = input_value(&page, "version");
    let mut fields = vec![("action", "verify"), ("version", version.as_str())];
    fields.extend(step_fields("verify"));
    let reply = w
        .post(
            Who::Nasional,
            &format!("/petugas/laporan/{number}/langkah"),
            &fields,
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let officer = w.officer(Who::Nasional).await;
    let parsed = ReportNumber::parse(&number).unwrap();
    let case = w.t.app.case(&officer, parsed).await.unwrap();
    assert!(
        case.report.record.report.privacy.anonymous,
        "still anonymous"
    );

    // The privacy form with nothing new ticked is refused and changes nothing.
    let (number, _) = w.report_at(Stage::Disposed, HANDLED, true).await;
    let parsed = ReportNumber::parse(&number).unwrap();
    let before = w.state(parsed).await;
    let path = format!("/petugas/laporan/{number}/langkah");
    let version = before.0.to_string();
    let lowered = w
        .post(
            Who::Instansi,
            &path,
            &[("action", "raise_privacy"), ("version", &version)],
        )
        .await;
    assert_eq!(lowered.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        lowered
            .body
            .contains("Perlindungan hanya dapat ditambah, tidak dapat dikurangi.")
    );
    assert_eq!(w.state(parsed).await, before);

    // Raising confidentiality works, and then neither box can be unticked.
    let raised = w
        .post(
            Who::Instansi,
            &path,
            &[
                ("action", "raise_privacy"),
                ("version", &version),
                ("confidential", "1"),
            ],
        )
        .await;
    assert_eq!(raised.status, StatusCode::SEE_OTHER);
    let case = w.t.app.case(&officer, parsed).await.unwrap();
    let privacy = case.report.record.report.privacy;
    assert!(privacy.anonymous && privacy.confidential);
    let page = w
        .get(Who::Instansi, &format!("/petugas/laporan/{number}"))
        .await
        .body;
    assert!(
        form(&page, "form-raise_privacy").is_none(),
        "nothing left to raise"
    );
    assert!(page.contains("Petugas menambah perlindungan laporan: anonim dan rahasia"));
}

// ------------------------------------------------------------------ the walk

#[tokio::test]
async fn a_report_walks_through_the_console_from_verification_to_the_published_follow_up() {
    let w = World::new().await;
    let (number, _) =
        w.t.file(serde_json::json!({
            "title": "jalan rusak parah dekat sekolah",
            "region_code": "62.71.01",
            "agency": CITY,
            "reporter": {"name": "Budi Santoso", "phone": "0812 3456 7890"},
        }))
        .await;
    let page = format!("/petugas/laporan/{number}");
    let steps = format!("{page}/langkah");
    let parsed = ReportNumber::parse(&number).unwrap();

    // The national admin finds it in the inbox with its verification deadline.
    let inbox = w.get(Who::Nasional, "/petugas?q=sekolah").await.body;
    assert!(inbox.contains("jalan rusak parah dekat sekolah"));
    assert!(inbox.contains("Verifikasi"));
    assert!(inbox.contains("3 hari kerja lagi"), "{inbox}");

    // Verifies: a summary title, another class, a category, the reporter's chosen agency
    // offered first.
    let html = w.get(Who::Nasional, &page).await.body;
    let verify = form(&html, "form-verify").unwrap();
    assert!(verify.contains(r#"value="jalan rusak parah dekat sekolah""#));
    assert!(
        verify.contains(&format!(r#"<option value="{CITY}" selected>"#)),
        "{verify}"
    );
    assert!(
        html.contains("Budi Santoso"),
        "not anonymous: the contact is shown"
    );
    let version = input_value(&html, "version");
    let reply = w
        .post(
            Who::Nasional,
            &steps,
            &[
                ("action", "verify"),
                ("version", &version),
                ("title", "Jalan berlubang di depan SDN 1 Pahandut"),
                ("classification", "pengaduan"),
                ("category", "pekerjaan_umum.jalan_jembatan"),
                ("handling_class", "tanpa_pemeriksaan"),
                ("agency", CITY),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(reply.header("location"), format!("{page}?ok=1"));
    let html = w.get(Who::Nasional, &format!("{page}?ok=1")).await.body;
    assert!(html.contains("Langkah tersimpan."));
    assert!(html.contains("Jalan berlubang di depan SDN 1 Pahandut"));
    assert!(html.contains("Diverifikasi dan diteruskan ke Pemerintah Kota Palangka Raya"));
    assert!(html.contains("Judul semula"));
    assert!(html.contains("Tanpa pemeriksaan lapangan"));
    // Verified: the form stays only so that a report an agency does not act on can be
    // pulled back and routed again (no dead ends).
    assert!(
        form(&html, "form-verify").is_some(),
        "the national admin can still re-route"
    );

    // The agency admin accepts, then disposes to PUPR.
    let inbox = w.get(Who::Instansi, "/petugas").await.body;
    assert!(inbox.contains("Jalan berlubang di depan SDN 1 Pahandut"));
    assert!(inbox.contains("Tindak lanjut"));
    assert!(inbox.contains("5 hari kerja lagi"), "{inbox}");
    assert!(inbox.contains("WIB"), "due in the agency's zone");
    let html = w.get(Who::Instansi, &page).await.body;
    assert!(form(&html, "form-accept").is_some());
    let version = input_value(&html, "version");
    let reply = w
        .post(
            Who::Instansi,
            &steps,
            &[("action", "accept"), ("version", &version)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let html = w.get(Who::Instansi, &page).await.body;
    assert!(form(&html, "form-accept").is_none(), "accepted once");
    assert!(html.contains("Instansi menerima laporan untuk ditangani"));
    let dispose = form(&html, "form-dispose").unwrap();
    assert!(dispose.contains("Dinas Pekerjaan Umum dan Penataan Ruang Kota Palangka Raya"));
    let version = input_value(&html, "version");
    let reply = w
        .post(
            Who::Instansi,
            &steps,
            &[
                ("action", "dispose"),
                ("version", &version),
                ("units", PUPR),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);

    // The unit writes the follow-up with a PDF.
    let html = w.get(Who::Unit, &page).await.body;
    assert!(
        html.contains("Disposisi ke Dinas Pekerjaan Umum dan Penataan Ruang Kota Palangka Raya")
    );
    let follow_up = form(&html, "form-follow_up").unwrap();
    assert!(follow_up.contains(r#"enctype="multipart/form-data""#));
    assert_eq!(follow_up.matches(r#"type="file""#).count(), 4);
    let version = input_value(&html, "version");
    let reply = w
        .post_multipart(
            Who::Unit,
            &steps,
            &[
                ("version", &version),
                ("action", "follow_up"),
                (
                    "text",
                    "Lubang sudah ditambal pada 24 November; foto dan berita acara terlampir.",
                ),
            ],
            &[
                ("attachment", "berita-acara perbaikan.pdf", &pdf()),
                ("attachment", "", b""),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let html = w.get(Who::Unit, &page).await.body;
    assert!(html.contains("Menunggu persetujuan"));
    assert!(html.contains("berita-acara perbaikan.pdf"));

    // The city requires approval: its admin publishes the unit's answer.
    let html = w.get(Who::Instansi, &page).await.body;
    assert!(html.contains("Menunggu persetujuan"));
    assert!(form(&html, "form-reject_follow_up").is_some());
    let version = input_value(&html, "version");
    let reply = w
        .post(
            Who::Instansi,
            &steps,
            &[("action", "publish_follow_up"), ("version", &version)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(w.state(parsed).await.1, Status::AwaitingReporter);
    let html = w.get(Who::Instansi, &page).await.body;
    assert!(html.contains("Menunggu tanggapan pelapor"));
    assert!(html.contains("Diterbitkan"));
    assert!(
        html.contains("Tanggapan pelapor"),
        "the reporter's window runs"
    );
    assert!(!html.contains("id=\"form-publish_follow_up\""));

    // The file is downloadable by the officers, as a download of what was stored.
    let id = html
        .split("/petugas/lampiran/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    for who in [Who::Instansi, Who::Unit, Who::Nasional] {
        let file = w.get(who, &format!("/petugas/lampiran/{id}")).await;
        assert_eq!(file.status, StatusCode::OK, "{who:?}");
        assert_eq!(file.header("content-type"), "application/pdf");
        assert_eq!(file.header("x-content-type-options"), "nosniff");
        assert!(
            file.header("content-disposition")
                .starts_with("attachment;")
        );
        assert!(
            file.header("content-disposition")
                .contains("berita-acara perbaikan.pdf")
        );
        assert!(file.body.starts_with("%PDF-"));
    }

    // Each officer was told along the way.
    let notes = w.get(Who::Unit, "/notifikasi").await.body;
    assert!(notes.contains(&format!("#{number}")), "{notes}");
    assert!(notes.contains(&format!("/petugas/laporan/{number}")));
}

// ------------------------------------------------------------------ bad input

#[tokio::test]
async fn a_stale_form_or_a_double_submission_answers_409_and_changes_nothing() {
    let w = World::new().await;
    let (number, _) = w.report_at(Stage::Routed, HANDLED, false).await;
    let page = format!("/petugas/laporan/{number}");
    let steps = format!("{page}/langkah");
    let parsed = ReportNumber::parse(&number).unwrap();

    // Two tabs load the page; the first disposes, the second then tries to accept.
    let tab1 = w.get(Who::Instansi, &page).await.body;
    let tab2 = w.get(Who::Instansi, &page).await.body;
    let dispose = [
        ("action", "dispose"),
        ("version", &*input_value(&tab1, "version")),
        ("units", PUPR),
    ]
    .map(|(k, v)| (k, v.to_owned()));
    let fields: Vec<(&str, &str)> = dispose.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let first = w.post(Who::Instansi, &steps, &fields).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let after_first = w.state(parsed).await;
    let version2 = input_value(&tab2, "version");
    let stale = w
        .post(
            Who::Instansi,
            &steps,
            &[("action", "accept"), ("version", &version2)],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("berubah sejak halaman dimuat"));
    assert!(stale.body.contains("Tidak ada yang disimpan."));
    assert!(
        stale.body.contains(&format!(r#"href="{page}""#)),
        "a link to reload"
    );
    assert_eq!(w.state(parsed).await, after_first);

    // The same dispose form sent again (a double click) is refused the same way.
    let again = w.post(Who::Instansi, &steps, &fields).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(w.state(parsed).await, after_first);
    let officer = w.officer(Who::Nasional).await;
    let case = w.t.app.case(&officer, parsed).await.unwrap();
    let disposals = case
        .report
        .history
        .iter()
        .filter(|e| {
            matches!(
                e.event.kind,
                lapor_domain::event::EventKind::Transition {
                    action: lapor_domain::status::Action::Dispose,
                    ..
                }
            )
        })
        .count();
    assert_eq!(disposals, 1);
}

#[tokio::test]
async fn a_step_the_page_does_not_offer_is_refused_and_changes_nothing() {
    let w = World::new().await;
    let (number, _) = w.report_at(Stage::Routed, HANDLED, false).await;
    let parsed = ReportNumber::parse(&number).unwrap();
    let before = w.state(parsed).await;
    let html = w
        .get(Who::Nasional, &format!("/petugas/laporan/{number}"))
        .await
        .body;
    assert!(form(&html, "form-dispose").is_none());
    let version = before.0.to_string();
    let reply = w
        .post(
            Who::Nasional,
            &format!("/petugas/laporan/{number}/langkah"),
            &[
                ("action", "dispose"),
                ("version", &version),
                ("units", PUPR),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(
        reply
            .body
            .contains("Peran Anda tidak dapat melakukan langkah ini.")
    );
    assert_eq!(w.state(parsed).await, before);

    // An unknown action is a bad form, not a step.
    let reply = w
        .post(
            Who::Instansi,
            &format!("/petugas/laporan/{number}/langkah"),
            &[("action", "hapus"), ("version", &version)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(w.state(parsed).await, before);
}

#[tokio::test]
async fn a_follow_up_with_mistakes_is_shown_again_with_messages_and_nothing_stored() {
    let w = World::new().await;
    let (number, _) = w.report_at(Stage::Disposed, HANDLED, false).await;
    let steps = format!("/petugas/laporan/{number}/langkah");
    let parsed = ReportNumber::parse(&number).unwrap();
    let before = w.state(parsed).await;
    let version = before.0.to_string();
    let text = "Lokasi sudah ditinjau oleh tim lapangan kami.";
    let officer = w.officer(Who::Nasional).await;
    let stored = || async {
        w.t.app
            .case(&officer, parsed)
            .await
            .unwrap()
            .follow_ups
            .len()
    };

    // Empty text.
    let empty = w
        .post_multipart(
            Who::Unit,
            &steps,
            &[("version", &version), ("action", "follow_up"), ("text", "")],
            &[],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        empty.body.contains("Isi tindak lanjut wajib diisi."),
        "{}",
        empty.body
    );
    assert!(empty.body.contains(r##"href="#follow_up-text""##));

    // A file that is neither PDF nor photo: the typed text is kept.
    let wrong = w
        .post_multipart(
            Who::Unit,
            &steps,
            &[
                ("version", &version),
                ("action", "follow_up"),
                ("text", text),
            ],
            &[("attachment", "catatan.exe", b"MZ\x90\x00 not a document")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong
            .body
            .contains("Lampiran harus berupa PDF atau foto (JPEG, PNG, WebP).")
    );
    assert!(wrong.body.contains(text), "what was typed stays");

    // A file over 2 MB.
    let mut big = pdf();
    big.resize(lapor_app::MAX_ATTACHMENT_BYTES + 1, b'0');
    let large = w
        .post_multipart(
            Who::Unit,
            &steps,
            &[
                ("version", &version),
                ("action", "follow_up"),
                ("text", text),
            ],
            &[("attachment", "besar.pdf", &big)],
        )
        .await;
    assert_eq!(large.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(large.body.contains("Setiap lampiran paling besar 2 MB."));

    // More than the whole upload may hold: a clear 413, never a 500.
    let huge = vec![b'0'; lapor_app::MAX_ATTACHMENTS * lapor_app::MAX_ATTACHMENT_BYTES + 300_000];
    let too_large = w
        .post_multipart(
            Who::Unit,
            &steps,
            &[
                ("version", &version),
                ("action", "follow_up"),
                ("text", text),
            ],
            &[("attachment", "raksasa.pdf", &huge)],
        )
        .await;
    assert_eq!(too_large.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(too_large.body.contains("Unggahan terlalu besar"));

    assert_eq!(w.state(parsed).await, before, "nothing was stored");
    assert_eq!(stored().await, 0);
}

// ------------------------------------------------------------------ inbox

#[tokio::test]
async fn the_inbox_counts_filters_and_marks_overdue_reports() {
    let mut w = World::new().await;
    let late = w
        .report_at(Stage::Routed, "Drainase meluap di Jalan Kinibalu", false)
        .await
        .0;
    // Twelve days later (still within the sessions' two weeks) the follow-up is overdue.
    w.t.clock.set(common::test_now() + TimeDelta::days(12));
    w.login_all().await;
    let fresh = w
        .report_at(
            Stage::Routed,
            "Lampu lalu lintas mati di Bundaran Besar",
            false,
        )
        .await
        .0;

    let inbox = w.get(Who::Instansi, "/petugas").await.body;
    let row = |html: &str, number: &str| {
        let start = html.find(&format!(r#"<li id="row-{number}""#)).unwrap();
        html[start..start + html[start..].find("</li>").unwrap()].to_owned()
    };
    let late_row = row(&inbox, &late);
    assert!(late_row.contains(r#"class="overdue""#), "{late_row}");
    assert!(
        late_row.contains("TERLAMBAT"),
        "a text marker, not colour only"
    );
    assert!(late_row.contains("terlambat 3 hari kerja"), "{late_row}");
    let fresh_row = row(&inbox, &fresh);
    assert!(!fresh_row.contains("TERLAMBAT"));
    assert!(fresh_row.contains("5 hari kerja lagi"), "{fresh_row}");
    assert!(fresh_row.contains("WIB"));
    assert!(
        inbox.find(&format!("row-{late}")) < inbox.find(&format!("row-{fresh}")),
        "most urgent first"
    );
    // Counts per status are filter links, with their overdue share.
    assert!(inbox.contains(r#"href="/petugas?status=routed""#));
    assert!(inbox.contains(r#"href="/petugas?status=routed&#38;terlambat=1""#));
    assert!(inbox.contains(r#"href="/petugas?terlambat=1""#));

    let overdue = w.get(Who::Instansi, "/petugas?terlambat=1").await.body;
    assert!(overdue.contains(&format!("row-{late}")));
    assert!(!overdue.contains(&format!("row-{fresh}")));
    let search = w.get(Who::Instansi, "/petugas?q=lampu").await.body;
    assert!(search.contains(&format!("row-{fresh}")));
    assert!(!search.contains(&format!("row-{late}")));
    let disposed = w.get(Who::Instansi, "/petugas?status=disposed").await.body;
    assert!(!disposed.contains(&format!("row-{late}")));

    // Pages of 25.
    for i in 0..26 {
        w.file(&format!("Laporan uji halaman nomor {i:02}"), false)
            .await;
    }
    let first = w
        .get(Who::Nasional, "/petugas?status=unverified")
        .await
        .body;
    assert_eq!(first.matches("<li id=\"row-").count(), 25);
    assert!(first.contains(r#"href="/petugas?status=unverified&#38;page=2""#));
    let second = w
        .get(Who::Nasional, "/petugas?status=unverified&page=2")
        .await
        .body;
    assert!(second.matches("<li id=\"row-").count() >= 1);
    assert!(second.contains("rel=\"prev\""));
}

// ------------------------------------------------------------------ notifications, performance

#[tokio::test]
async fn notifications_are_listed_newest_first_and_can_be_marked_read() {
    let mut w = World::new().await;
    // The demo citizen's report was answered: the citizen has unread notices.
    let citizen = w.get(Who::Warga, "/notifikasi").await.body;
    assert!(citizen.contains("class=\"unread\""), "{citizen}");
    assert!(citizen.contains("Baru"));
    assert!(citizen.contains("/laporan-saya/"));
    assert!(citizen.contains("id=\"unread-count\""));

    // A later notice for the agency admin comes first.
    w.t.clock.set(common::test_now() + TimeDelta::hours(2));
    w.login_all().await;
    let number = w
        .report_at(
            Stage::Routed,
            "Pohon tumbang menutup Jalan RTA Milono",
            false,
        )
        .await
        .0;
    let officer = w.get(Who::Instansi, "/notifikasi").await.body;
    let newest = officer.find(&format!("#{number}")).unwrap();
    let older = officer
        .find("Antrean perekaman")
        .or_else(|| officer.find("Jalan berlubang"))
        .unwrap();
    assert!(newest < older, "newest first");
    let console = w.get(Who::Instansi, "/petugas").await.body;
    assert!(
        console.contains("id=\"unread-count\""),
        "the console header counts them"
    );

    let reply = w.post(Who::Instansi, "/notifikasi", &[]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.header("location"), "/notifikasi");
    let read = w.get(Who::Instansi, "/notifikasi").await.body;
    assert!(!read.contains("class=\"unread\""));
    assert!(!read.contains("id=\"unread-count\""));
    assert!(
        read.contains(&format!("#{number}")),
        "read notices stay listed"
    );
}

#[tokio::test]
async fn the_performance_table_shows_each_agency_its_own_figures() {
    let w = World::new().await;
    let national = w.get(Who::Nasional, "/petugas/kinerja").await.body;
    assert!(national.contains("Verifikasi nasional"), "{national}");
    assert!(national.contains("Pemerintah Kota Palangka Raya"));
    assert!(national.contains("100 %"));
    // How the door is used: the reports of the period per channel.
    let channels = &national[national.find("id=\"channels\"").expect("channel table")..];
    assert!(
        channels.contains("<th scope=\"row\">situs web</th>"),
        "{channels}"
    );
    let city = w.get(Who::Instansi, "/petugas/kinerja?hari=30").await.body;
    assert!(city.contains("Pemerintah Kota Palangka Raya"));
    assert!(
        !city.contains("Verifikasi nasional"),
        "only its own agency and units"
    );
    assert!(city.contains(r#"<option value="30" selected>"#));
    let province = w.get(Who::InstansiLain, "/petugas/kinerja").await.body;
    assert!(!province.contains("Pemerintah Kota Palangka Raya"));
    assert!(
        !province.contains("id=\"channels\""),
        "the city's reports are not counted for the province"
    );
    let unit = w.get(Who::Unit, "/petugas/kinerja").await;
    assert_eq!(unit.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_case_bundle_downloads_as_json_for_the_ombudsman() {
    let mut w = World::new().await;
    let (number, code) = w.report_at(Stage::FollowedUp, ESCALATED, true).await;
    w.t.clock.set(common::test_now() + TimeDelta::days(70));
    w.t.app
        .reporter_act(ReporterKey::Code(&code), ReporterCommand::EscalateOmbudsman)
        .await
        .unwrap();
    w.login_all().await;
    let page = w
        .get(Who::Pengawas, &format!("/petugas/laporan/{number}"))
        .await
        .body;
    assert!(page.contains(&format!("/petugas/laporan/{number}/berkas.json")));
    assert!(
        !page.contains("<form method=\"post\" action=\"/petugas"),
        "pengawas read only"
    );
    let reply = w
        .get(
            Who::Pengawas,
            &format!("/petugas/laporan/{number}/berkas.json"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.header("content-type").starts_with("application/json"));
    assert!(
        reply
            .header("content-disposition")
            .starts_with("attachment;")
    );
    let json = reply.json();
    assert_eq!(json["number"], number.as_str());
    assert_eq!(json["status"], "escalated_ombudsman");
    assert!(
        json["reporter"].is_null(),
        "anonymous: no contact in the bundle"
    );
    assert_eq!(
        json["follow_ups"][0]["attachments"][0]["content_type"],
        "application/pdf"
    );
}

// ------------------------------------------------------------------ language and weight

#[tokio::test]
async fn the_console_speaks_english_on_request() {
    let w = World::new().await;
    let (number, _) = w.report_at(Stage::Disposed, HANDLED, false).await;
    let inbox = w.get(Who::Instansi, "/petugas?lang=en").await;
    assert!(inbox.body.contains("<html lang=\"en\">"));
    assert!(inbox.body.contains("Report inbox"));
    assert!(inbox.body.contains("Officer console"));
    assert!(inbox.body.contains("working days left"));
    let page = w
        .get(Who::Unit, &format!("/petugas/laporan/{number}?lang=en"))
        .await
        .body;
    assert!(page.contains("Next steps"));
    assert!(page.contains("Send the follow-up"));
    assert!(page.contains("Hand back to the agency"));
    let version = input_value(&page, "version");
    let invalid = w
        .post(
            Who::Unit,
            &format!("/petugas/laporan/{number}/langkah?lang=en"),
            &[
                ("action", "return_to_agency"),
                ("version", &version),
                ("reason", "no"),
            ],
        )
        .await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        invalid
            .body
            .contains("Reason must be at least 10 characters."),
        "{}",
        invalid.body
    );
    let perf = w.get(Who::Instansi, "/petugas/kinerja?lang=en").await.body;
    assert!(perf.contains("Handling performance"));
    let notes = w.get(Who::Warga, "/notifikasi?lang=en").await.body;
    assert!(notes.contains("Mark all as read"));
}

#[tokio::test]
async fn console_pages_are_light_script_free_and_never_cached() {
    let w = World::new().await;
    let (number, _) = w.report_at(Stage::Unverified, HANDLED, false).await;
    for (who, path) in [
        (Who::Nasional, format!("/petugas/laporan/{number}")),
        (Who::Nasional, "/petugas".to_owned()),
        (Who::Nasional, "/petugas/kinerja".to_owned()),
        (Who::Instansi, "/notifikasi".to_owned()),
    ] {
        let reply = w.get(who, &path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        assert!(
            reply.body.len() < 50_000,
            "{path} is {} bytes",
            reply.body.len()
        );
        assert!(!reply.body.contains("<script"), "{path}");
        assert_eq!(reply.header("cache-control"), "no-store", "{path}");
    }
}
