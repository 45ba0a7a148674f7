//! The reporter's side of a report, driven through HTTP as a browser without JavaScript
//! would: the follow-ups, the deadline, and only the forms the workflow opens now — by
//! tracking code (posted, never in a URL) and from an account.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::{CITY_NAME, KEMENSOS, KEMENSOS_NAME, PUPR, Reply, TestApp, pdf};
use lapor_app::{Command, ReporterKey};
use lapor_domain::event::EventKind;
use lapor_domain::status::Action;

/// The text of the element with `id`, up to its first child tag, unescaped.
fn text_of(html: &str, id: &str) -> String {
    let marker = format!("id=\"{id}\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no element #{id} in:\n{html}"));
    let rest = &html[start..];
    let open_end = rest.find('>').unwrap() + 1;
    let rest = &rest[open_end..];
    unescape(&rest[..rest.find('<').unwrap_or(rest.len())])
}

fn unescape(s: &str) -> String {
    s.replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#38;", "&")
}

fn has(html: &str, id: &str) -> bool {
    html.contains(&format!("id=\"{id}\""))
}

/// The part of the page from the history on.
fn history(html: &str) -> &str {
    &html[html.find("id=\"timeline\"").unwrap()..]
}

const FOLLOW_UP: &str = "Tim UPT Jalan sudah meninjau lokasi dan menambal lubang pada 24 November.";
const ANSWER: &str = "Lubang di sisi kiri jalan belum ditambal, masih berbahaya di malam hari.";

/// Files a report through the API and brings it to "awaiting the reporter", with a PDF
/// attached to the follow-up. Returns `(number, code)`.
async fn awaiting(t: &TestApp) -> (String, String) {
    let (number, code) = t.file(serde_json::json!({})).await;
    t.route(&number, None).await;
    t.follow_up(&number, FOLLOW_UP, vec![pdf("balasan")]).await;
    (number, code)
}

async fn track(t: &TestApp, code: &str) -> Reply {
    t.post_form("/lacak", &[("code", code)], &[]).await
}

/// Posts one step with the code in the body, as the page's forms do.
async fn step(t: &TestApp, code: &str, fields: &[(&str, &str)]) -> Reply {
    let mut all = vec![("code", code)];
    all.extend_from_slice(fields);
    t.post_form("/lacak/tindakan", &all, &[]).await
}

/// The ids of the attachments the page offers.
fn attachment_ids(html: &str) -> Vec<String> {
    html.match_indices("id=\"attachment-")
        .map(|(i, m)| {
            let rest = &html[i + m.len()..];
            rest[..rest.find('"').unwrap()].to_owned()
        })
        .collect()
}

/// How many times the reporter answered, as stored.
async fn answers(t: &TestApp, code: &str) -> usize {
    let case = t.app.reporter_case(ReporterKey::Code(code)).await.unwrap();
    case.report
        .history
        .iter()
        .filter(|e| {
            matches!(
                e.event.kind,
                EventKind::Transition {
                    action: Action::ReporterReply,
                    ..
                }
            )
        })
        .count()
}

// ---------------------------------------------------------------- by tracking code

#[tokio::test]
async fn the_reporter_reads_the_follow_up_answers_rates_and_closes_by_code() {
    let t = TestApp::new().await;
    let (number, code) = t.file(serde_json::json!({})).await;
    t.route(&number, None).await;

    // Routed: the agency's deadline in plain words, nothing for the reporter to do.
    let page = track(&t, &code).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        text_of(&page.body, "report-deadline"),
        "Tindak lanjut paling lambat 02-12-2026 23:59 WIB (5 hari kerja lagi)"
    );
    assert!(has(&page.body, "nothing-to-do"));
    assert!(!has(&page.body, "reply-form"));

    t.follow_up(&number, FOLLOW_UP, vec![pdf("balasan")]).await;
    let page = track(&t, &code).await;
    assert_eq!(page.header("cache-control"), "no-store");
    assert_eq!(
        text_of(&page.body, "report-status"),
        "Menunggu tanggapan pelapor"
    );
    assert_eq!(
        text_of(&page.body, "report-deadline"),
        "Anda dapat menanggapi paling lambat 09-12-2026 23:59 WIB (10 hari kerja lagi). Tanpa tanggapan, laporan ditutup otomatis."
    );
    let follow_ups = &page.body[page.body.find("id=\"follow-ups\"").unwrap()..];
    assert!(follow_ups.contains(FOLLOW_UP));
    assert!(follow_ups.contains(CITY_NAME));
    assert!(follow_ups.contains("surat balasan.pdf"));
    for form in ["reply-form", "confirm-form", "rate-form"] {
        assert!(has(&page.body, form), "{form}");
    }
    for form in [
        "supply-form",
        "reopen-form",
        "ombudsman-form",
        "nothing-to-do",
    ] {
        assert!(!has(&page.body, form), "{form}");
    }
    for stars in 1..=5 {
        assert!(page.body.contains(&format!(
            "<input type=\"radio\" id=\"stars-{stars}\" name=\"stars\" value=\"{stars}\">"
        )));
    }
    // Every form posts the code in its body; no link or action carries it.
    assert!(page.body.contains("action=\"/lacak/tindakan\""));
    assert!(page.body.contains(&format!(
        "<input type=\"hidden\" name=\"code\" value=\"{code}\">"
    )));
    assert!(!page.body.contains(&format!("/{code}")));
    assert!(!page.body.contains(&format!("={code}&")));
    assert!(!page.body.to_lowercase().contains("<script"));
    assert!(page.body.len() < 50_000, "{} bytes", page.body.len());

    // The answer goes back to the agency and shows in the history.
    let answered = step(&t, &code, &[("action", "reply"), ("text", ANSWER)]).await;
    assert_eq!(answered.status, StatusCode::OK, "{}", answered.body);
    assert_eq!(answered.header("cache-control"), "no-store");
    assert_eq!(
        text_of(&answered.body, "action-done"),
        "Tanggapan Anda terkirim. Laporan kembali ke instansi untuk ditindaklanjuti."
    );
    assert_eq!(
        text_of(&answered.body, "report-status"),
        "Diteruskan ke instansi"
    );
    assert!(
        history(&answered.body)
            .contains("Pelapor menanggapi tindak lanjut; laporan kembali ke instansi")
    );
    assert!(history(&answered.body).contains(&format!(
        "Tanggapan pelapor:</span> <span class=\"body\">{ANSWER}"
    )));
    assert!(!has(&answered.body, "reply-form"));
    assert!(text_of(&answered.body, "report-deadline").starts_with("Tindak lanjut paling lambat"));

    // A second follow-up; the reporter rates it and says the problem is solved.
    t.follow_up(
        &number,
        "Penambalan sisi kiri selesai hari ini; foto terlampir di arsip dinas.",
        Vec::new(),
    )
    .await;
    let page = track(&t, &code).await;
    assert_eq!(
        page.body.matches("class=\"body follow-up-text\"").count(),
        2
    );
    let rated = step(
        &t,
        &code,
        &[
            ("action", "rate"),
            ("stars", "4"),
            ("comment", "Cepat, tapi baru setelah ditanya ulang."),
        ],
    )
    .await;
    assert_eq!(rated.status, StatusCode::OK, "{}", rated.body);
    assert_eq!(
        text_of(&rated.body, "action-done"),
        "Terima kasih atas penilaian Anda."
    );
    assert_eq!(
        text_of(&rated.body, "current-rating"),
        "Penilaian Anda saat ini: 4/5"
    );
    assert!(history(&rated.body).contains("Pelapor memberi penilaian 4 dari 5"));
    assert!(history(&rated.body).contains("Cepat, tapi baru setelah ditanya ulang."));
    let closed = step(&t, &code, &[("action", "confirm_resolved")]).await;
    assert_eq!(closed.status, StatusCode::OK, "{}", closed.body);
    assert_eq!(text_of(&closed.body, "report-status"), "Selesai");
    assert!(history(&closed.body).contains("Pelapor menyatakan masalahnya sudah selesai"));
    assert!(
        !has(&closed.body, "report-deadline"),
        "a closed report runs no clock"
    );
    assert!(has(&closed.body, "reopen-form"));
    assert_eq!(
        text_of(&closed.body, "reopen-until"),
        "Bila masalahnya muncul lagi, Anda dapat membuka kembali laporan sampai 09-12-2026 23:59 WIB."
    );
    assert!(!has(&closed.body, "confirm-form") && !has(&closed.body, "reply-form"));
}

#[tokio::test]
async fn after_the_window_the_answer_form_is_gone_and_a_late_answer_is_refused() {
    let t = TestApp::new().await;
    let (_, code) = awaiting(&t).await;
    t.advance_days(20);
    let page = track(&t, &code).await;
    assert!(!has(&page.body, "reply-form"));
    assert!(!has(&page.body, "confirm-form"));
    assert!(has(&page.body, "rate-form"), "a rating is still welcome");
    assert_eq!(
        text_of(&page.body, "report-deadline"),
        "Batas waktu tanggapan berakhir 09-12-2026 23:59 WIB; laporan akan ditutup otomatis."
    );

    let late = step(&t, &code, &[("action", "reply"), ("text", ANSWER)]).await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert_eq!(
        text_of(&late.body, "action-problem-message"),
        "Batas waktu untuk menanggapi sudah lewat."
    );
    assert_eq!(
        text_of(&late.body, "unsent-text"),
        ANSWER,
        "what was typed is not lost"
    );
    assert_eq!(
        text_of(&late.body, "report-status"),
        "Menunggu tanggapan pelapor"
    );
    assert_eq!(answers(&t, &code).await, 0);
}

#[tokio::test]
async fn a_closed_report_can_be_reopened_within_the_window_only() {
    let t = TestApp::new().await;
    let (number, code) = awaiting(&t).await;
    step(&t, &code, &[("action", "confirm_resolved")]).await;

    let empty = step(&t, &code, &[("action", "reopen"), ("text", " ")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        text_of(&empty.body, "reopen-reason-error"),
        "Alasan wajib diisi."
    );
    assert!(
        empty.body.contains(
            "id=\"reopen-reason\" name=\"text\" maxlength=\"2000\" aria-invalid=\"true\""
        )
    );

    t.advance_days(3);
    let reason = "Lubangnya muncul lagi setelah hujan deras semalam.";
    let reopened = step(&t, &code, &[("action", "reopen"), ("text", reason)]).await;
    assert_eq!(reopened.status, StatusCode::OK, "{}", reopened.body);
    assert_eq!(
        text_of(&reopened.body, "action-done"),
        "Laporan dibuka kembali dan diteruskan ke instansi."
    );
    assert_eq!(
        text_of(&reopened.body, "report-status"),
        "Diteruskan ke instansi"
    );
    assert!(history(&reopened.body).contains("Laporan dibuka kembali oleh pelapor"));
    assert!(history(&reopened.body).contains(reason));

    // Closed again, and past the window: no more reopening.
    t.follow_up(
        &number,
        "Lubang ditambal ulang dengan aspal panas pada pagi ini.",
        Vec::new(),
    )
    .await;
    step(&t, &code, &[("action", "confirm_resolved")]).await;
    t.advance_days(20);
    let page = track(&t, &code).await;
    assert_eq!(text_of(&page.body, "report-status"), "Selesai");
    assert!(!has(&page.body, "reopen-form"));
    let late = step(&t, &code, &[("action", "reopen"), ("text", reason)]).await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert_eq!(
        text_of(&late.body, "action-problem-message"),
        "Batas waktu untuk menanggapi sudah lewat."
    );
}

#[tokio::test]
async fn a_report_returned_as_not_authority_names_who_returned_it_and_why() {
    let t = TestApp::new().await;
    let (number, code) = t.file(serde_json::json!({})).await;
    t.route(&number, None).await;
    let officers = t.officers().await;
    let reason = "Jalan nasional, kewenangan Kementerian Pekerjaan Umum.";
    t.act(
        &officers.agency,
        &number,
        Command::ReturnNotAuthority {
            reason: reason.to_owned(),
            suggested_agency: Some(KEMENSOS.to_owned()),
        },
    )
    .await;
    let page = track(&t, &code).await;
    assert_eq!(
        text_of(&page.body, "report-status"),
        "Bukan wewenang — dikembalikan"
    );
    let timeline = history(&page.body);
    assert!(timeline.contains(&format!(
        "{CITY_NAME} menyatakan laporan ini bukan wewenangnya dan mengembalikannya ke admin nasional untuk diteruskan ulang; instansi yang disarankan: {KEMENSOS_NAME}"
    )));
    assert!(timeline.contains(&format!("Alasan:</span> <span class=\"body\">{reason}")));
    assert!(text_of(&page.body, "report-deadline").starts_with("Verifikasi paling lambat"));
    assert!(has(&page.body, "nothing-to-do"));

    let en = t
        .post_form("/lacak", &[("code", &code)], &["lapor_lang=en"])
        .await;
    assert!(history(&en.body).contains(&format!(
        "{CITY_NAME} said the report is not within its authority (bukan wewenang) and returned it to the national admin for re-routing; suggested agency: {KEMENSOS_NAME}"
    )));
}

#[tokio::test]
async fn the_reporter_answers_the_admins_question() {
    let t = TestApp::new().await;
    let (number, code) = t.file(serde_json::json!({})).await;
    let officers = t.officers().await;
    let question = "Di jalan apa tepatnya, dan sejak kapan lubang itu ada?";
    t.act(
        &officers.national,
        &number,
        Command::RequestInformation {
            question: question.to_owned(),
        },
    )
    .await;

    let page = track(&t, &code).await;
    assert_eq!(text_of(&page.body, "report-status"), "Tunda");
    assert_eq!(text_of(&page.body, "admin-question"), question);
    assert_eq!(
        text_of(&page.body, "report-deadline"),
        "Batas waktu verifikasi berhenti sampai Anda melengkapi keterangan yang diminta."
    );
    assert!(has(&page.body, "supply-form"));
    assert!(!has(&page.body, "reply-form") && !has(&page.body, "rate-form"));
    assert!(history(&page.body).contains(&format!(
        "Pertanyaan admin:</span> <span class=\"body\">{question}"
    )));

    let short = step(
        &t,
        &code,
        &[("action", "supply_information"), ("text", "Jl.")],
    )
    .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        text_of(&short.body, "supply-text-error"),
        "Keterangan tambahan minimal 5 karakter."
    );
    assert_eq!(
        text_of(&short.body, "supply-text"),
        "Jl.",
        "the typed text is kept"
    );
    assert!(has(&short.body, "form-errors"));

    let info = "Jl. Tjilik Riwut km 5 dekat simpang, sejak awal November.";
    let supplied = step(
        &t,
        &code,
        &[("action", "supply_information"), ("text", info)],
    )
    .await;
    assert_eq!(supplied.status, StatusCode::OK, "{}", supplied.body);
    assert_eq!(
        text_of(&supplied.body, "action-done"),
        "Keterangan Anda terkirim. Admin akan melanjutkan verifikasi."
    );
    assert_eq!(
        text_of(&supplied.body, "report-status"),
        "Belum terverifikasi"
    );
    assert!(history(&supplied.body).contains(&format!(
        "Keterangan dari pelapor:</span> <span class=\"body\">{info}"
    )));
    assert!(!has(&supplied.body, "supply-form"));
    assert!(text_of(&supplied.body, "report-deadline").starts_with("Verifikasi paling lambat"));

    // Put on hold afterwards: the reporter may add more, but no question is open any more.
    t.act(
        &officers.national,
        &number,
        Command::Pend {
            reason: "Menunggu data dari kelurahan.".to_owned(),
        },
    )
    .await;
    let held = track(&t, &code).await;
    assert!(has(&held.body, "supply-form"));
    assert!(held.body.contains("Laporan Anda ditunda"));
    assert!(
        !has(&held.body, "admin-question"),
        "the old question is answered"
    );
}

#[tokio::test]
async fn the_ombudsman_is_offered_after_60_days_and_only_with_consent() {
    let t = TestApp::new().await;
    let (number, code) = t.file(serde_json::json!({})).await;
    t.route(&number, None).await;
    let page = track(&t, &code).await;
    assert!(!has(&page.body, "ombudsman-form"));
    let early = step(
        &t,
        &code,
        &[("action", "escalate_ombudsman"), ("consent", "ya")],
    )
    .await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    assert_eq!(
        text_of(&early.body, "action-problem-message"),
        "Pelimpahan ke Ombudsman baru dapat diminta setelah 60 hari tanpa penyelesaian."
    );

    t.advance_days(61);
    let page = track(&t, &code).await;
    assert!(has(&page.body, "ombudsman-form"));
    assert!(
        page.body
            .contains("Laporan Anda belum selesai setelah 60 hari.")
    );
    assert!(page.body.contains(
        "<input type=\"checkbox\" id=\"ombudsman-consent\" name=\"consent\" value=\"ya\">"
    ));
    let without = step(&t, &code, &[("action", "escalate_ombudsman")]).await;
    assert_eq!(without.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        text_of(&without.body, "ombudsman-consent-error"),
        "Centang persetujuan Anda untuk melimpahkan laporan ke Ombudsman."
    );
    assert_eq!(
        text_of(&without.body, "report-status"),
        "Diteruskan ke instansi"
    );

    let handed = step(
        &t,
        &code,
        &[("action", "escalate_ombudsman"), ("consent", "ya")],
    )
    .await;
    assert_eq!(handed.status, StatusCode::OK, "{}", handed.body);
    assert_eq!(
        text_of(&handed.body, "report-status"),
        "Dilimpahkan ke Ombudsman"
    );
    assert_eq!(
        text_of(&handed.body, "action-done"),
        "Laporan dilimpahkan ke Ombudsman RI, yang akan menghubungi Anda."
    );
    assert!(history(&handed.body).contains("Dilimpahkan ke Ombudsman atas persetujuan pelapor"));
    assert!(!has(&handed.body, "ombudsman-form"));
}

#[tokio::test]
async fn the_same_answer_sent_twice_is_stored_once() {
    let t = TestApp::new().await;
    let (_, code) = awaiting(&t).await;
    let first = step(&t, &code, &[("action", "reply"), ("text", ANSWER)]).await;
    assert_eq!(first.status, StatusCode::OK);
    let second = step(&t, &code, &[("action", "reply"), ("text", ANSWER)]).await;
    assert_eq!(second.status, StatusCode::CONFLICT);
    assert_eq!(
        text_of(&second.body, "action-problem-message"),
        "Langkah ini sudah diproses atau status laporan telah berubah. Lihat keadaan terbaru di bawah."
    );
    assert_eq!(answers(&t, &code).await, 1);
    assert_eq!(history(&second.body).matches(ANSWER).count(), 1);
}

#[tokio::test]
async fn an_empty_or_short_answer_is_explained_and_the_typed_text_kept() {
    let t = TestApp::new().await;
    let (_, code) = awaiting(&t).await;
    let empty = step(&t, &code, &[("action", "reply"), ("text", "")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        text_of(&empty.body, "reply-text-error"),
        "Tanggapan wajib diisi."
    );
    assert!(
        empty
            .body
            .contains("<a href=\"#reply-text\">Tanggapan wajib diisi.</a>")
    );
    assert!(has(&empty.body, "confirm-form"), "the other forms stay");

    let short = step(&t, &code, &[("action", "reply"), ("text", "blm")]).await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        text_of(&short.body, "reply-text-error"),
        "Tanggapan minimal 5 karakter."
    );
    assert_eq!(text_of(&short.body, "reply-text"), "blm");
    assert_eq!(answers(&t, &code).await, 0);

    let unknown = step(&t, &code, &[("action", "hapus")]).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_rating_is_one_to_five_stars() {
    let t = TestApp::new().await;
    let (_, code) = awaiting(&t).await;
    for stars in ["0", "6", "x", "", "-3", "999"] {
        let bad = step(
            &t,
            &code,
            &[
                ("action", "rate"),
                ("stars", stars),
                ("comment", "Lumayan cepat."),
            ],
        )
        .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{stars:?}");
        assert_eq!(
            text_of(&bad.body, "rate-stars-error"),
            "Pilih penilaian dari 1 sampai 5.",
            "{stars:?}"
        );
        assert_eq!(text_of(&bad.body, "rate-comment"), "Lumayan cepat.");
    }
    let page = track(&t, &code).await;
    assert!(!has(&page.body, "current-rating"), "nothing stored");
    let rated = step(&t, &code, &[("action", "rate"), ("stars", "5")]).await;
    assert_eq!(rated.status, StatusCode::OK);
    assert_eq!(
        text_of(&rated.body, "current-rating"),
        "Penilaian Anda saat ini: 5/5"
    );
}

#[tokio::test]
async fn a_wrong_code_gets_the_tracking_not_found_answer() {
    let t = TestApp::new().await;
    awaiting(&t).await;
    for fields in [
        vec![("action", "reply"), ("text", ANSWER)],
        vec![("action", "rate"), ("stars", "x")],
    ] {
        let reply = step(&t, "K7QM-R2XD-9HTWB", &fields).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND);
        assert_eq!(
            text_of(&reply.body, "error-message"),
            "Kode pelacakan tidak ditemukan. Periksa kembali kode Anda."
        );
        assert!(has(&reply.body, "track-form"));
    }
    // A form target opened as a page leads back to the tracking form.
    for path in ["/lacak/tindakan", "/lacak/lampiran"] {
        let opened = t.get(path).await;
        assert_eq!(opened.status, StatusCode::SEE_OTHER);
        assert_eq!(opened.header("location"), "/lacak");
    }
    // Forged posts are refused before anything else.
    let forged = t
        .post_form_with(
            "/lacak/tindakan",
            &[("action", "confirm_resolved")],
            None,
            &["lapor_csrf=0123456789abcdef0123456789abcdef"],
            &[],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn attachments_reach_the_reporter_only_when_published_and_theirs() {
    let t = TestApp::new().await;
    let (_, code) = awaiting(&t).await;
    let page = track(&t, &code).await;
    let ids = attachment_ids(&page.body);
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert!(
        page.body
            .contains("<form method=\"post\" action=\"/lacak/lampiran\">")
    );
    let file = t
        .post_form("/lacak/lampiran", &[("code", &code), ("id", &ids[0])], &[])
        .await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.header("content-type"), "application/pdf");
    assert_eq!(
        file.header("content-disposition"),
        "attachment; filename=\"surat balasan.pdf\"; filename*=UTF-8''surat%20balasan.pdf"
    );
    assert_eq!(file.header("x-content-type-options"), "nosniff");
    assert!(file.header("cache-control").contains("no-store"));
    assert!(file.body.starts_with("%PDF-1.4"));

    // Another report of another reporter, whose unit's follow-up awaits approval.
    let (other, other_code) = t
        .file(serde_json::json!({ "title": "Drainase tersumbat di Jalan Yos Sudarso" }))
        .await;
    t.require_approval(common::CITY).await;
    t.route(&other, None).await;
    let officers = t.officers().await;
    t.act(
        &officers.agency,
        &other,
        Command::Dispose {
            units: vec![PUPR.to_owned()],
        },
    )
    .await;
    t.act(
        &officers.unit,
        &other,
        Command::FollowUp {
            text: "Saluran akan dikeruk pekan depan oleh regu drainase.".to_owned(),
            attachments: vec![pdf("jadwal")],
        },
    )
    .await;
    let case = t
        .app
        .case(
            &officers.agency,
            lapor_domain::tracking::ReportNumber::parse(&other).unwrap(),
        )
        .await
        .unwrap();
    let pending = case.follow_ups[0].attachments[0].id.to_string();
    let other_page = track(&t, &other_code).await;
    assert!(
        !other_page.body.contains("Saluran akan dikeruk"),
        "not yet published"
    );
    assert!(attachment_ids(&other_page.body).is_empty());
    for (who, id) in [
        (&other_code, &pending),
        (&other_code, &ids[0]),
        (&code, &pending),
    ] {
        let refused = t
            .post_form("/lacak/lampiran", &[("code", who), ("id", id)], &[])
            .await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND, "{id}");
        assert!(!refused.body.contains("%PDF"));
    }
    let nonsense = t
        .post_form("/lacak/lampiran", &[("code", &code), ("id", "satu")], &[])
        .await;
    assert_eq!(nonsense.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_reporter_pages_speak_english_on_request() {
    let t = TestApp::new().await;
    let (_, code) = awaiting(&t).await;
    let page = t.post_form("/lacak?lang=en", &[("code", &code)], &[]).await;
    assert!(page.body.contains("<html lang=\"en\">"));
    assert_eq!(text_of(&page.body, "report-status"), "Awaiting your reply");
    assert_eq!(
        text_of(&page.body, "report-deadline"),
        "You may reply until 09-12-2026 23:59 WIB (10 working days left). Without a reply the report closes automatically."
    );
    assert!(page.body.contains("Reply to the follow-up"));
    assert!(page.body.contains("The problem is solved"));
    assert!(page.body.contains("5 — very good"));
    // The switch back posts the code again instead of linking to a page without it.
    assert!(
        page.body
            .contains("<form method=\"post\" action=\"/lacak?lang=id\" id=\"language-form\">")
    );
    assert!(!page.body.contains("href=\"/lacak?lang=id\""));

    let empty = t
        .post_form(
            "/lacak/tindakan",
            &[("code", &code), ("action", "reply"), ("text", "")],
            &["lapor_lang=en"],
        )
        .await;
    assert_eq!(
        text_of(&empty.body, "reply-text-error"),
        "Your reply is required."
    );
    let done = t
        .post_form(
            "/lacak/tindakan",
            &[("code", &code), ("action", "reply"), ("text", ANSWER)],
            &["lapor_lang=en"],
        )
        .await;
    assert_eq!(
        text_of(&done.body, "action-done"),
        "Your reply was sent. The report went back to the agency for a follow-up."
    );
    assert!(
        history(&done.body)
            .contains("The reporter replied to the follow-up; the report went back to the agency")
    );
}

// ---------------------------------------------------------------- from an account

async fn register(t: &TestApp, name: &str, email: &str) -> String {
    let reply = t
        .post_form(
            "/daftar",
            &[
                ("name", name),
                ("email", email),
                ("phone", ""),
                ("password", "rahasia123"),
                ("password_confirm", "rahasia123"),
            ],
            &[],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    reply
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("lapor_session="))
        .unwrap()
}

/// Files a report from the account `email` through the use case (as the form does).
async fn file_from_account(t: &TestApp, email: &str) -> String {
    let user = t.app.find_account(email).await.unwrap().unwrap();
    let receipt = t
        .app
        .submit(lapor_app::Submission {
            input: lapor_domain::report::ReportInput {
                classification: Some("pengaduan"),
                title: Some("Lampu jalan mati di Jalan Yos Sudarso"),
                body: Some(
                    "Sudah dua minggu lampu jalan mati sehingga rawan kecelakaan pada malam hari.",
                ),
                region_code: Some("62.71.01"),
                ..lapor_domain::report::ReportInput::default()
            },
            channel: lapor_domain::report::Channel::Web,
            account: Some(&user),
            idempotency: None,
            language: lapor_app::notify::Language::Id,
            attachments: Vec::new(),
            client: None,
            inbound: None,
        })
        .await
        .unwrap();
    receipt.number
}

#[tokio::test]
async fn an_account_holder_answers_from_my_reports() {
    let t = TestApp::new().await;
    let session = register(&t, "Sari Dewi", "sari@example.com").await;
    let number = file_from_account(&t, "sari@example.com").await;
    t.route(&number, None).await;
    t.follow_up(&number, FOLLOW_UP, vec![pdf("balasan")]).await;

    let list = t.get_with("/laporan-saya", &[("cookie", &session)]).await;
    assert!(list.body.contains("Perlu tanggapan Anda"));

    let path = format!("/laporan-saya/{number}");
    let page = t.get_with(&path, &[("cookie", &session)]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.header("cache-control"), "no-store");
    assert!(page.body.contains(FOLLOW_UP));
    assert!(page.body.contains(&format!("action=\"{path}/tindakan\"")));
    assert!(
        !page.body.contains("name=\"code\""),
        "no code on account pages"
    );
    assert!(has(&page.body, "reply-form") && has(&page.body, "rate-form"));
    let ids = attachment_ids(&page.body);
    let href = format!("{path}/lampiran/{}", ids[0]);
    assert!(page.body.contains(&format!("href=\"{href}\" download")));

    let file = t.get_with(&href, &[("cookie", &session)]).await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.header("content-type"), "application/pdf");
    assert!(
        file.header("content-disposition")
            .starts_with("attachment;")
    );
    assert_eq!(file.header("x-content-type-options"), "nosniff");

    let empty = t
        .post_form(
            &format!("{path}/tindakan"),
            &[("action", "reply"), ("text", "")],
            &[&session],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        text_of(&empty.body, "reply-text-error"),
        "Tanggapan wajib diisi."
    );
    assert!(
        empty.body.contains(&format!("href=\"{path}?lang=en\"")),
        "the language switch leads to the report, not to the form target"
    );
    assert_eq!(
        t.get_with(&format!("{path}/tindakan"), &[("cookie", &session)])
            .await
            .header("location"),
        path
    );

    let answered = t
        .post_form(
            &format!("{path}/tindakan"),
            &[("action", "reply"), ("text", ANSWER)],
            &[&session],
        )
        .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);
    let location = answered.header("location").to_owned();
    assert_eq!(location, format!("{path}?ok=reply"));
    let shown = t.get_with(&location, &[("cookie", &session)]).await;
    assert_eq!(
        text_of(&shown.body, "action-done"),
        "Tanggapan Anda terkirim. Laporan kembali ke instansi untuk ditindaklanjuti."
    );
    assert!(history(&shown.body).contains(ANSWER));
    let again = t
        .post_form(
            &format!("{path}/tindakan"),
            &[("action", "reply"), ("text", ANSWER)],
            &[&session],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);

    // Nobody else sees, answers or downloads.
    let other = register(&t, "Orang Lain", "lain@example.com").await;
    assert_eq!(
        t.get_with(&path, &[("cookie", &other)]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        t.get_with(&href, &[("cookie", &other)]).await.status,
        StatusCode::NOT_FOUND
    );
    let foreign = t
        .post_form(
            &format!("{path}/tindakan"),
            &[("action", "confirm_resolved")],
            &[&other],
        )
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    assert_eq!(
        t.get(&href).await.header("location"),
        "/masuk",
        "logged out: log in first"
    );
    let anonymous = t
        .post_form(&format!("{path}/tindakan"), &[("action", "reply")], &[])
        .await;
    assert_eq!(anonymous.header("location"), "/masuk");
}
