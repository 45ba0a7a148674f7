//! The citizen web pages, driven through HTTP as a browser without JavaScript would.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::{Reply, TestApp, unescape, value_of};
use lapor_domain::event::EventKind;
use lapor_domain::report::Channel;

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

const TITLE: &str = "Lampu jalan mati di Jalan Yos Sudarso";
const BODY: &str = "Sudah dua minggu lampu jalan mati sehingga rawan kecelakaan pada malam hari.";

/// A complete, valid form post choosing the province in the select, as the Chromium test does.
fn valid_form(submission_id: &str) -> Vec<(&'static str, String)> {
    vec![
        ("classification", "pengaduan".into()),
        ("title", TITLE.into()),
        ("body", BODY.into()),
        ("incident_date", "2026-11-20".into()),
        ("region_code", String::new()),
        ("region_pick", "62".into()),
        ("region_query", String::new()),
        ("address", "Jl. Yos Sudarso dekat bundaran".into()),
        ("category", "pekerjaan_umum.jalan_jembatan".into()),
        ("agency", String::new()),
        ("reporter_name", "Budi Santoso".into()),
        ("reporter_email", "budi@example.com".into()),
        ("reporter_phone", "0812 3456 7890".into()),
        ("submission_id", submission_id.into()),
        ("action", "submit".into()),
    ]
}

fn pairs<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

fn with(
    fields: &[(&'static str, String)],
    changes: &[(&'static str, &str)],
) -> Vec<(&'static str, String)> {
    let mut out = fields.to_vec();
    for (k, v) in changes {
        match out.iter_mut().find(|(name, _)| name == k) {
            Some(slot) => slot.1 = (*v).to_owned(),
            None => out.push((k, (*v).to_owned())),
        }
    }
    out
}

async fn fresh_submission_id(t: &TestApp) -> String {
    let form = t.get("/lapor").await;
    assert_eq!(form.status, StatusCode::OK);
    value_of(&form.body, "submission_id")
}

/// Files the valid form (with `changes`) and returns the confirmation page.
async fn file_via_form(t: &TestApp, changes: &[(&'static str, &str)], cookies: &[&str]) -> Reply {
    let id = fresh_submission_id(t).await;
    let fields = with(&valid_form(&id), changes);
    t.post_form("/lapor", &pairs(&fields), cookies).await
}

fn session_cookie(reply: &Reply) -> String {
    reply
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("lapor_session="))
        .unwrap_or_else(|| panic!("no session cookie: {:?}", reply.headers))
}

// ---------------------------------------------------------------- the form

#[tokio::test]
async fn the_form_speaks_indonesian_by_default_and_english_on_request() {
    let t = TestApp::new().await;
    let id = t.get("/lapor").await;
    assert_eq!(id.status, StatusCode::OK);
    assert!(id.body.contains("<html lang=\"id\">"));
    assert!(id.body.contains("Kirim laporan"));
    assert!(id.body.contains("— biarkan admin memilih —"));
    assert!(id.body.contains("Anonim: sembunyikan identitas saya"));

    let en = t.get("/lapor?lang=en").await;
    assert!(en.body.contains("<html lang=\"en\">"));
    assert!(en.body.contains("Send report"));
    assert!(
        en.body.contains("Pengaduan (complaint)"),
        "Indonesian terms stay, explained"
    );
    assert!(en.set_cookies().contains(&"lapor_lang=en".to_owned()));

    let remembered = t.get_with("/lapor", &[("cookie", "lapor_lang=en")]).await;
    assert!(remembered.body.contains("Send report"));
    let browser = t
        .get_with("/lapor", &[("accept-language", "en-US,en;q=0.9")])
        .await;
    assert!(browser.body.contains("Send report"));
}

#[tokio::test]
async fn the_form_has_the_fixed_ids_and_the_submit_button_comes_first() {
    let t = TestApp::with_demo().await;
    let page = t.get("/lapor").await.body;
    for id in [
        "report-form",
        "title",
        "body",
        "incident_date",
        "region_pick",
        "region_query",
        "address",
        "category",
        "agency",
        "anonymous",
        "confidential",
        "reporter_name",
        "reporter_email",
        "reporter_phone",
        "submit-report",
    ] {
        assert!(page.contains(&format!("id=\"{id}\"")), "#{id} missing");
    }
    for value in ["pengaduan", "aspirasi", "permintaan_informasi"] {
        assert!(
            page.contains(&format!("name=\"classification\" value=\"{value}\"")),
            "{value}"
        );
    }
    let form = &page[page.find("id=\"report-form\"").unwrap()..];
    assert!(
        form.starts_with("id=\"report-form\" class=\"stack\" method=\"post\" action=\"/lapor\"")
    );
    let first_button = &form[form.find("<button").unwrap()..];
    assert!(
        first_button.starts_with("<button id=\"submit-report\""),
        "Enter in a text field must send the report"
    );
    assert!(first_button.contains("name=\"action\" value=\"submit\""));
    assert_eq!(value_of(&page, "submission_id").len(), 32);
    assert!(page.contains("<optgroup label=\"Kesehatan\">"));
    assert!(page.contains("<option value=\"kemenkes\">Kementerian Kesehatan</option>"));
    assert!(
        page.contains("<option value=\"62\">Kalimantan Tengah</option>"),
        "provinces listed first"
    );
    assert!(page.len() < 50_000, "the form weighs {} bytes", page.len());
}

#[tokio::test]
async fn filing_through_the_form_shows_the_number_and_code_once() {
    let t = TestApp::new().await;
    let reply = file_via_form(&t, &[], &[]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.header("cache-control"), "no-store");
    assert!(
        reply.header("location").is_empty(),
        "no redirect: the code must not travel in a URL"
    );
    assert_eq!(text_of(&reply.body, "report-number"), "0000001");
    let code = text_of(&reply.body, "tracking-code");
    assert_eq!(code.len(), 15, "{code}");
    assert!(reply.body.contains("hanya ditampilkan sekali"));
    assert!(
        reply.body.contains("3 hari kerja")
            && reply.body.contains("5 hari kerja")
            && reply.body.contains("10 hari kerja")
    );
    assert!(reply.body.contains("id=\"track-form\""));
    assert!(
        !reply.body.contains("hreflang="),
        "switching language would lose the one-time code"
    );

    let tracked = t
        .app
        .reporter_case(lapor_app::ReporterKey::Code(&code))
        .await
        .unwrap()
        .report;
    assert_eq!(tracked.record.report.title, TITLE);
    assert_eq!(tracked.record.report.location.region.as_str(), "62");
    assert_eq!(tracked.record.report.channel, Channel::Web);
    assert_eq!(
        tracked.history[0].event.kind,
        EventKind::Submitted {
            channel: Channel::Web
        }
    );
    let reporter = tracked.reporter.unwrap();
    assert_eq!(reporter.phone.as_deref(), Some("+6281234567890"));
}

#[tokio::test]
async fn a_double_click_or_refresh_stores_the_report_once() {
    let t = TestApp::new().await;
    let id = fresh_submission_id(&t).await;
    let fields = valid_form(&id);
    let first = t.post_form("/lapor", &pairs(&fields), &[]).await;
    let again = t.post_form("/lapor", &pairs(&fields), &[]).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(
        text_of(&first.body, "report-number"),
        text_of(&again.body, "report-number")
    );
    assert_eq!(
        text_of(&first.body, "tracking-code"),
        text_of(&again.body, "tracking-code")
    );

    // Another filing from a fresh form is the second report: only one was stored before.
    let next = file_via_form(&t, &[], &[]).await;
    assert_eq!(text_of(&next.body, "report-number"), "0000002");

    // The same form id with other content is not silently taken as a replay.
    let changed = with(
        &fields,
        &[("title", "Lampu jalan mati di Jalan Ahmad Yani")],
    );
    let conflict = t.post_form("/lapor", &pairs(&changed), &[]).await;
    assert_eq!(conflict.status, StatusCode::CONFLICT);
    assert!(conflict.body.contains("sudah pernah dikirim"));
    assert_eq!(
        value_of(&conflict.body, "title"),
        "Lampu jalan mati di Jalan Ahmad Yani"
    );
    assert_ne!(
        value_of(&conflict.body, "submission_id"),
        id,
        "a fresh id lets the visitor send it as a new report"
    );
}

#[tokio::test]
async fn a_post_without_a_submission_id_still_files() {
    let t = TestApp::new().await;
    let fields = with(&valid_form("not-an-id"), &[]);
    let reply = t.post_form("/lapor", &pairs(&fields), &[]).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(text_of(&reply.body, "report-number"), "0000001");
    let missing: Vec<(&str, &str)> = pairs(&fields)
        .into_iter()
        .filter(|(k, _)| *k != "submission_id" && *k != "action")
        .collect();
    let reply = t.post_form("/lapor", &missing, &[]).await;
    assert_eq!(
        reply.status,
        StatusCode::OK,
        "a missing action means submit"
    );
    assert_eq!(text_of(&reply.body, "report-number"), "0000002");
}

// ---------------------------------------------------------------- region picker

#[tokio::test]
async fn choosing_a_province_lists_its_regencies_and_keeps_what_was_typed() {
    let t = TestApp::new().await;
    let id = fresh_submission_id(&t).await;
    let fields = with(
        &valid_form(&id),
        &[
            ("action", "region_down"),
            ("body", "Baris satu\nBaris <dua> & \"tiga\""),
        ],
    );
    let reply = t.post_form("/lapor", &pairs(&fields), &[]).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(text_of(&reply.body, "region-name"), "Kalimantan Tengah");
    assert_eq!(value_of(&reply.body, "region_code"), "62");
    assert!(
        reply
            .body
            .contains("<option value=\"62.71\">Kota Palangkaraya</option>")
    );
    assert!(
        !reply.body.contains("<option value=\"62\">"),
        "the select lists the next level"
    );
    assert_eq!(value_of(&reply.body, "title"), TITLE);
    assert_eq!(
        text_of(&reply.body, "body"),
        "Baris satu\nBaris <dua> & \"tiga\""
    );
    assert_eq!(value_of(&reply.body, "submission_id"), id);
    assert_eq!(value_of(&reply.body, "reporter_phone"), "0812 3456 7890");
    assert!(
        reply
            .body
            .contains("value=\"pekerjaan_umum.jalan_jembatan\" selected")
    );
    assert!(
        !reply.body.contains("id=\"form-errors\""),
        "a picker step is not a failed submission"
    );

    // Down again: districts of the city, then villages; a village has no finer level.
    let fields = with(&fields, &[("region_code", "62"), ("region_pick", "62.71")]);
    let city = t.post_form("/lapor", &pairs(&fields), &[]).await;
    assert_eq!(
        text_of(&city.body, "region-name"),
        "Kota Palangkaraya, Kalimantan Tengah"
    );
    assert!(city.body.contains(">Kec. Pahandut</option>"));
    let fields = with(
        &fields,
        &[("region_code", "62.71"), ("region_pick", "62.71.01.1001")],
    );
    let village = t.post_form("/lapor", &pairs(&fields), &[]).await;
    assert_eq!(
        text_of(&village.body, "region-name"),
        "Kel. Pahandut, Kec. Pahandut, Kota Palangkaraya, Kalimantan Tengah"
    );
    assert!(!village.body.contains("id=\"region_pick\""));

    // Up one level, and clear.
    let fields = with(
        &fields,
        &[
            ("region_code", "62.71.01.1001"),
            ("region_pick", ""),
            ("action", "region_up"),
        ],
    );
    let up = t.post_form("/lapor", &pairs(&fields), &[]).await;
    assert_eq!(value_of(&up.body, "region_code"), "62.71.01");
    let fields = with(&fields, &[("action", "region_clear")]);
    let cleared = t.post_form("/lapor", &pairs(&fields), &[]).await;
    assert_eq!(value_of(&cleared.body, "region_code"), "");
    assert!(
        cleared
            .body
            .contains("<option value=\"62\">Kalimantan Tengah</option>")
    );
}

#[tokio::test]
async fn searching_a_region_by_name_and_filing_with_the_result() {
    let t = TestApp::new().await;
    let id = fresh_submission_id(&t).await;
    let fields = with(
        &valid_form(&id),
        &[
            ("region_pick", ""),
            ("region_query", "Palangka Raya"),
            ("action", "region_search"),
        ],
    );
    let found = t.post_form("/lapor", &pairs(&fields), &[]).await;
    assert_eq!(found.status, StatusCode::OK);
    assert!(
        found.body.contains("name=\"region_found\" value=\"62.71\""),
        "{}",
        found.body
    );
    assert_eq!(value_of(&found.body, "region_query"), "Palangka Raya");

    let nothing = t
        .post_form(
            "/lapor",
            &pairs(&with(&fields, &[("region_query", "Xyzzyqwv")])),
            &[],
        )
        .await;
    assert!(nothing.body.contains("Tidak ada wilayah yang cocok"));

    // Enter in the search box sends the first button; with no region chosen it searches.
    let enter = t
        .post_form(
            "/lapor",
            &pairs(&with(&fields, &[("action", "submit")])),
            &[],
        )
        .await;
    assert_eq!(enter.status, StatusCode::OK);
    assert!(enter.body.contains("name=\"region_found\" value=\"62.71\""));

    let chosen = with(&fields, &[("region_found", "62.71"), ("action", "submit")]);
    let done = t.post_form("/lapor", &pairs(&chosen), &[]).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let code = text_of(&done.body, "tracking-code");
    assert_eq!(
        t.app
            .reporter_case(lapor_app::ReporterKey::Code(&code))
            .await
            .unwrap()
            .report
            .record
            .report
            .location
            .region
            .as_str(),
        "62.71"
    );
}

#[tokio::test]
async fn a_region_link_preselects_the_region() {
    let t = TestApp::new().await;
    let page = t.get("/lapor?region=62.71").await;
    assert_eq!(value_of(&page.body, "region_code"), "62.71");
    assert_eq!(
        text_of(&page.body, "region-name"),
        "Kota Palangkaraya, Kalimantan Tengah"
    );
    let unknown = t.get("/lapor?region=99.99").await;
    assert_eq!(unknown.status, StatusCode::OK);
    assert_eq!(value_of(&unknown.body, "region_code"), "");

    // Submitting with only the hidden choice (nothing picked below it) files there.
    let id = value_of(&page.body, "submission_id");
    let fields = with(
        &valid_form(&id),
        &[("region_code", "62.71"), ("region_pick", "")],
    );
    let done = t.post_form("/lapor", &pairs(&fields), &[]).await;
    let code = text_of(&done.body, "tracking-code");
    assert_eq!(
        t.app
            .reporter_case(lapor_app::ReporterKey::Code(&code))
            .await
            .unwrap()
            .report
            .record
            .report
            .location
            .region
            .as_str(),
        "62.71"
    );
}

#[tokio::test]
async fn the_agency_list_follows_the_chosen_location() {
    let t = TestApp::with_demo().await;
    let option = |code: &str| format!("<option value=\"{code}\"");
    let anywhere = t.get("/lapor").await.body;
    assert!(
        anywhere.contains(&option("kemenkes"))
            && anywhere.contains(&option("pemprov-kalteng.dinkes"))
    );
    assert!(
        !anywhere.contains(&option("pemkot-palangkaraya")),
        "city bodies wait for a location"
    );
    let district = t.get("/lapor?region=62.71.01").await.body;
    for code in [
        "kemenkes",
        "pemprov-kalteng",
        "pemkot-palangkaraya",
        "pemkot-palangkaraya.pupr",
        "pemkot-palangkaraya.kec-pahandut",
    ] {
        assert!(district.contains(&option(code)), "{code}");
    }
    assert!(!district.contains(&option("pemkot-palangkaraya.kec-sabangau")));
    assert!(!district.contains(&option("pemkot-palangkaraya.kel-pahandut")));
    let village = t.get("/lapor?region=62.71.01.1001").await.body;
    assert!(village.contains(&option("pemkot-palangkaraya.kel-pahandut")));

    // A chosen agency stays listed and selected whatever the location.
    let id = value_of(&anywhere, "submission_id");
    let fields = with(
        &valid_form(&id),
        &[("agency", "pemkot-palangkaraya.dishub"), ("title", "")],
    );
    let again = t.post_form("/lapor", &pairs(&fields), &[]).await;
    assert!(
        again
            .body
            .contains("<option value=\"pemkot-palangkaraya.dishub\" selected>")
    );
}

// ---------------------------------------------------------------- validation

#[tokio::test]
async fn every_missing_field_is_named_in_indonesian_and_nothing_is_stored() {
    let t = TestApp::new().await;
    let id = fresh_submission_id(&t).await;
    let empty = with(
        &valid_form(&id),
        &[
            ("classification", ""),
            ("title", ""),
            ("body", ""),
            ("region_pick", ""),
            ("reporter_name", "Budi"),
            ("reporter_email", ""),
            ("reporter_phone", ""),
        ],
    );
    let reply = t.post_form("/lapor", &pairs(&empty), &[]).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply
            .body
            .contains("<div class=\"errors\" id=\"form-errors\"")
    );
    for message in [
        "Klasifikasi wajib diisi.",
        "Judul wajib diisi.",
        "Isi laporan wajib diisi.",
        "Lokasi (wilayah) wajib diisi.",
    ] {
        assert!(reply.body.contains(message), "{message}");
    }
    assert_eq!(text_of(&reply.body, "title-error"), "Judul wajib diisi.");
    assert_eq!(
        text_of(&reply.body, "region-error"),
        "Lokasi (wilayah) wajib diisi."
    );
    assert_eq!(
        value_of(&reply.body, "reporter_name"),
        "Budi",
        "typed values are kept"
    );
    assert_eq!(value_of(&reply.body, "submission_id"), id);

    // Each bad field on its own.
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);
    let cases: &[Case] = &[
        (
            &[("title", "abc")],
            "title-error",
            "Judul minimal 5 karakter.",
        ),
        (
            &[("body", "terlalu pendek")],
            "body-error",
            "Isi laporan minimal 20 karakter.",
        ),
        (
            &[("incident_date", "2026-12-31")],
            "incident_date-error",
            "Tanggal kejadian tidak boleh di masa depan.",
        ),
        (
            &[("incident_date", "1980-01-01")],
            "incident_date-error",
            "Tanggal kejadian terlalu jauh di masa lalu.",
        ),
        (
            &[("reporter_email", "bukan-email")],
            "reporter_email-error",
            "Alamat email tidak valid.",
        ),
        (
            &[("reporter_phone", "12345")],
            "reporter_phone-error",
            "Masukkan nomor HP Indonesia, misalnya 0812 3456 7890.",
        ),
        (
            &[("category", "astrologi")],
            "category-error",
            "Kategori tidak terdaftar.",
        ),
        (
            &[("agency", "kemen-x")],
            "agency-error",
            "Instansi tidak terdaftar.",
        ),
        (
            &[("classification", "gosip")],
            "classification-error",
            "Pilih pengaduan, aspirasi atau permintaan_informasi.",
        ),
        (
            &[("region_pick", "99.99")],
            "region-error",
            "Kode wilayah tidak terdaftar.",
        ),
    ];
    for (changes, id_of_error, message) in cases {
        let fields = with(&valid_form(&id), changes);
        let reply = t.post_form("/lapor", &pairs(&fields), &[]).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{changes:?}"
        );
        assert_eq!(text_of(&reply.body, id_of_error), *message, "{changes:?}");
        assert_eq!(
            value_of(&reply.body, "title"),
            fields.iter().find(|(k, _)| *k == "title").unwrap().1
        );
    }

    // Nothing was stored: the first valid filing is report 1.
    let done = file_via_form(&t, &[], &[]).await;
    assert_eq!(text_of(&done.body, "report-number"), "0000001");
}

#[tokio::test]
async fn messages_follow_the_language() {
    let t = TestApp::new().await;
    let fields = with(&valid_form(""), &[("title", ""), ("reporter_email", "x@")]);
    let by_cookie = t
        .post_form("/lapor", &pairs(&fields), &["lapor_lang=en"])
        .await;
    assert_eq!(by_cookie.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        text_of(&by_cookie.body, "title-error"),
        "Title is required."
    );
    assert_eq!(
        text_of(&by_cookie.body, "reporter_email-error"),
        "The e-mail address is not valid."
    );
    assert!(by_cookie.body.contains("The report was not sent."));
    let by_query = t.post_form("/lapor?lang=en", &pairs(&fields), &[]).await;
    assert_eq!(text_of(&by_query.body, "title-error"), "Title is required.");
}

#[tokio::test]
async fn markup_typed_by_a_visitor_is_shown_as_text_everywhere() {
    let t = TestApp::new().await;
    let title = "<script>alert('x')</script> Jalan";
    let body = "<img src=x onerror=alert(1)> jalan rusak parah sekali sejak lama";
    let done = file_via_form(&t, &[("title", title), ("body", body)], &[]).await;
    assert_eq!(done.status, StatusCode::OK);
    assert!(done.body.contains("&#60;script&#62;"));
    assert!(!done.body.contains("<script"));
    let code = text_of(&done.body, "tracking-code");

    let tracked = t.post_form("/lacak", &[("code", &code)], &[]).await;
    assert!(tracked.body.contains("&#60;script&#62;") && tracked.body.contains("&#60;img src=x"));
    assert!(!tracked.body.contains("<script") && !tracked.body.contains("<img"));
    assert_eq!(text_of(&tracked.body, "report-title"), title);

    let number = text_of(&done.body, "report-number");
    t.route(&number, None).await;
    for path in [
        "/".to_owned(),
        "/laporan".to_owned(),
        format!("/laporan/{number}"),
    ] {
        let page = t.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(page.body.contains("&#60;script&#62;"), "{path}");
        assert!(
            !page.body.contains("<script") && !page.body.contains("<img"),
            "{path}"
        );
    }

    // Re-rendered forms escape too.
    let fields = with(&valid_form(""), &[("title", title), ("body", "")]);
    let again = t.post_form("/lapor", &pairs(&fields), &[]).await;
    assert!(!again.body.contains("<script>alert"));
    assert_eq!(value_of(&again.body, "title"), title);
}

// ---------------------------------------------------------------- CSRF

#[tokio::test]
async fn forged_posts_are_refused_and_store_nothing() {
    let t = TestApp::new().await;
    let fields = valid_form("");
    let fields = pairs(&fields);
    let good = "0123456789abcdef0123456789abcdef";
    let other = "fedcba9876543210fedcba9876543210";
    let no_token = t
        .post_form_with(
            "/lapor",
            &fields,
            None,
            &[&format!("lapor_csrf={good}")],
            &[],
        )
        .await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    assert!(no_token.body.contains("Formulir kedaluwarsa"));
    let no_cookie = t
        .post_form_with("/lapor", &fields, Some(good), &[], &[])
        .await;
    assert_eq!(no_cookie.status, StatusCode::FORBIDDEN);
    let wrong = t
        .post_form_with(
            "/lapor",
            &fields,
            Some(other),
            &[&format!("lapor_csrf={good}")],
            &[],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    let cross_site = t
        .post_form_with(
            "/lapor",
            &fields,
            Some(good),
            &[&format!("lapor_csrf={good}")],
            &[("sec-fetch-site", "cross-site")],
        )
        .await;
    assert_eq!(cross_site.status, StatusCode::FORBIDDEN);
    let foreign_origin = t
        .post_form_with(
            "/lapor",
            &fields,
            Some(good),
            &[&format!("lapor_csrf={good}")],
            &[
                ("origin", "https://evil.example"),
                ("host", "lapor.example"),
            ],
        )
        .await;
    assert_eq!(foreign_origin.status, StatusCode::FORBIDDEN);
    for path in ["/lacak", "/masuk", "/daftar", "/keluar"] {
        let reply = t
            .post_form_with(
                path,
                &[("code", "AAAA")],
                Some(other),
                &[&format!("lapor_csrf={good}")],
                &[],
            )
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{path}");
    }
    let same_site = t
        .post_form_with(
            "/lapor",
            &fields,
            Some(good),
            &[&format!("lapor_csrf={good}")],
            &[("sec-fetch-site", "same-origin")],
        )
        .await;
    assert_eq!(same_site.status, StatusCode::OK);
    assert_eq!(
        text_of(&same_site.body, "report-number"),
        "0000001",
        "none of the forged posts was stored"
    );
}

#[tokio::test]
async fn every_form_carries_the_browsers_csrf_token() {
    let t = TestApp::new().await;
    let first = t.get("/lapor").await;
    let cookie = first
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("lapor_csrf="))
        .unwrap();
    let token = cookie.trim_start_matches("lapor_csrf=");
    assert_eq!(value_of(&first.body, "csrf"), token);
    for path in ["/lacak", "/masuk", "/daftar"] {
        let page = t.get_with(path, &[("cookie", &cookie)]).await;
        assert_eq!(value_of(&page.body, "csrf"), token, "{path}");
        assert!(page.body.contains("method=\"post\""), "{path}");
    }
}

// ---------------------------------------------------------------- tracking

#[tokio::test]
async fn tracking_accepts_the_code_as_people_type_it() {
    let t = TestApp::new().await;
    let (number, code) = t.file(serde_json::json!({ "anonymous": true })).await;
    let form = t.get("/lacak").await;
    assert!(
        form.body
            .contains("<form id=\"track-form\" method=\"post\" action=\"/lacak\"")
    );
    assert!(
        form.body
            .contains("id=\"tracking-code-input\" name=\"code\"")
    );
    assert!(form.body.contains("<button id=\"track-submit\">"));

    let typed = code.replace('-', "").to_lowercase();
    let reply = t.post_form("/lacak", &[("code", &typed)], &[]).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("cache-control"), "no-store");
    assert_eq!(
        text_of(&reply.body, "report-title"),
        "Jalan rusak di depan sekolah"
    );
    assert_eq!(text_of(&reply.body, "report-status"), "Belum terverifikasi");
    assert_eq!(text_of(&reply.body, "report-number"), number);
    assert!(
        reply
            .body
            .contains("Kec. Pahandut, Kota Palangkaraya, Kalimantan Tengah")
    );
    assert!(reply.body.contains("id=\"badge-anonymous\""));
    let timeline = &reply.body[reply.body.find("id=\"timeline\"").unwrap()..];
    assert!(timeline.contains("Laporan diterima melalui API"));
    assert!(
        timeline.contains("25 November 2026, 10.00 WIB"),
        "times are in WIB"
    );

    let en = t
        .post_form("/lacak", &[("code", &code)], &["lapor_lang=en"])
        .await;
    assert_eq!(text_of(&en.body, "report-status"), "Unverified");
    assert!(en.body.contains("Report received via the API"));
}

#[tokio::test]
async fn the_reporter_sees_the_privacy_of_their_report() {
    let t = TestApp::new().await;
    let (_, code) = t.file(serde_json::json!({ "confidential": true, "reporter": { "name": "Budi", "phone": "081299998888" } })).await;
    let reply = t.post_form("/lacak", &[("code", &code)], &[]).await;
    assert!(reply.body.contains("id=\"badge-confidential\""));
    assert!(!reply.body.contains("id=\"badge-anonymous\""));
    assert!(
        reply
            .body
            .contains("Laporan ini rahasia dan tidak pernah tampil di halaman publik.")
    );
    assert!(
        !reply.body.contains("99998888"),
        "a leaked tracking code must not leak the phone number"
    );
}

#[tokio::test]
async fn an_unknown_code_shows_the_form_again_with_a_message() {
    let t = TestApp::new().await;
    for code in ["K7QM-R2XD-9HTWB", "bukan kode", ""] {
        let reply = t.post_form("/lacak", &[("code", code)], &[]).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{code}");
        assert_eq!(
            text_of(&reply.body, "error-message"),
            "Kode pelacakan tidak ditemukan. Periksa kembali kode Anda."
        );
        assert!(reply.body.contains("id=\"track-form\""));
        assert_eq!(value_of(&reply.body, "code"), code);
    }
}

// ---------------------------------------------------------------- privacy through HTTP

const CONFIDENTIAL: &str = "Dugaan pungutan dalam pengurusan surat pindah";
const ANONYMOUS: &str = "Usul penambahan lampu penerangan jalan di Kelurahan Menteng";
const OPEN: &str = "Jalan berlubang di Jalan Tjilik Riwut km 5";
/// The demo report whose follow-up is published (the unit's follow-up on `OPEN` still waits
/// for the city's approval).
const ANSWERED: &str = "Jadwal imunisasi anak di Puskesmas Pahandut";

/// What no public page may ever contain.
fn assert_no_private_data(path: &str, page: &Reply) {
    for secret in [
        "Dugaan pungutan",
        "Petugas meminta uang",
        "Pelapor Rahasia",
        "Dewi Lestari",
        "1234500",
        "@demo.lapor.id",
    ] {
        assert!(!page.body.contains(secret), "{path} shows {secret:?}");
    }
}

#[tokio::test]
async fn confidential_reports_and_anonymous_reporters_stay_hidden() {
    let t = TestApp::with_demo().await;
    let confidential = t.number_of(CONFIDENTIAL).await;
    let anonymous = t.number_of(ANONYMOUS).await;
    let open = t.number_of(OPEN).await;

    let mut paths = vec![
        "/".to_owned(),
        "/?lang=en".to_owned(),
        "/laporan".to_owned(),
        "/laporan?q=pungutan".to_owned(),
        "/laporan?q=surat+pindah".to_owned(),
        "/laporan?status=routed".to_owned(),
        "/laporan?region=62.71.02".to_owned(),
        "/laporan?region=62.71".to_owned(),
        "/laporan?agency=pemkot-palangkaraya".to_owned(),
        "/laporan?category=kependudukan".to_owned(),
        "/laporan?q=Dewi".to_owned(),
        "/laporan?q=Lestari".to_owned(),
    ];
    for n in 1..=12 {
        paths.push(format!("/laporan/{n:07}"));
    }
    let mut public_details = 0;
    for path in &paths {
        let page = t.get(path).await;
        assert!(
            page.status == StatusCode::OK || page.status == StatusCode::NOT_FOUND,
            "{path}: {}",
            page.status
        );
        public_details +=
            usize::from(path.starts_with("/laporan/") && page.status == StatusCode::OK);
        assert_no_private_data(path, &page);
    }
    assert_eq!(
        public_details, 6,
        "9 demo reports: one confidential, one not yet verified, one on hold"
    );
    assert_eq!(
        t.get(&format!("/laporan/{confidential}")).await.status,
        StatusCode::NOT_FOUND
    );
    let list = t.get("/laporan?q=pungutan").await;
    assert!(list.body.contains("<strong>0</strong>"));

    // The anonymous report is public, without its reporter.
    let listed = t.get("/laporan").await;
    assert!(listed.body.contains(ANONYMOUS));
    let detail = t.get(&format!("/laporan/{anonymous}")).await;
    assert_eq!(detail.status, StatusCode::OK);
    assert_eq!(text_of(&detail.body, "report-reporter"), "Anonim");

    // The open report names its reporter (so the checks above can fail), never the phone.
    let detail = t.get(&format!("/laporan/{open}")).await;
    assert_eq!(text_of(&detail.body, "report-reporter"), "Rahmat Hidayat");
    assert!(!detail.body.contains("081234500001") && !detail.body.contains("+6281234500001"));
}

#[tokio::test]
async fn public_pages_show_human_statuses_and_history_sentences() {
    let t = TestApp::with_demo().await;
    let returned = t.number_of("Bantuan PKH belum cair sejak tiga bulan").await;
    let page = t.get(&format!("/laporan/{returned}")).await;
    assert_eq!(
        text_of(&page.body, "report-status"),
        "Bukan wewenang — dikembalikan"
    );
    assert!(
        page.body
            .contains("Diverifikasi dan diteruskan ke Pemerintah Kota Palangka Raya")
    );
    assert!(page.body.contains(
        "Pemerintah Kota Palangka Raya menyatakan laporan ini bukan wewenangnya dan mengembalikannya ke admin nasional untuk diteruskan ulang; instansi yang disarankan: Kementerian Sosial"
    ));
    assert!(
        page.body.contains(
            "Penyaluran PKH adalah kewenangan Kementerian Sosial, bukan pemerintah kota."
        )
    );
    let en = t.get(&format!("/laporan/{returned}?lang=en")).await;
    assert_eq!(
        text_of(&en.body, "report-status"),
        "Returned: not this agency's authority"
    );

    let answered = t.number_of(ANSWERED).await;
    let page = t.get(&format!("/laporan/{answered}")).await;
    assert_eq!(
        text_of(&page.body, "report-status"),
        "Menunggu tanggapan pelapor"
    );
    let en = t.get(&format!("/laporan/{answered}?lang=en")).await;
    assert_eq!(
        text_of(&en.body, "report-status"),
        "Awaiting the reporter's reply",
        "the public is not the reporter"
    );

    let open = t.number_of(OPEN).await;
    let page = t.get(&format!("/laporan/{open}")).await;
    assert_eq!(text_of(&page.body, "report-status"), "Ditindaklanjuti");
    assert!(
        page.body
            .contains("Disposisi ke Dinas Pekerjaan Umum dan Penataan Ruang Kota Palangka Raya")
    );
    assert!(page.body.contains("Jalan dan jembatan"));

    assert_eq!(t.get("/laporan/abc").await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        t.get("/laporan/9999999").await.status,
        StatusCode::NOT_FOUND
    );
}

// ---------------------------------------------------------------- public list

#[tokio::test]
async fn the_public_list_filters_pages_and_explains_bad_filters() {
    let t = TestApp::new().await;
    for i in 0..22 {
        let (number, _) = t.file(serde_json::json!({ "title": format!("Saluran drainase tersumbat nomor {i}"), "region_code": "62.71.01" })).await;
        t.route(&number, None).await;
    }
    let (other, _) = t
        .file(serde_json::json!({ "title": "Puskesmas tutup lebih awal", "region_code": "32" }))
        .await;
    t.route(&other, None).await;
    let (_unverified, _) = t
        .file(serde_json::json!({ "title": "Saluran drainase belum diverifikasi" }))
        .await;

    let page = t.get("/laporan?q=drainase").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("<form id=\"filter-form\" method=\"get\" action=\"/laporan\"")
    );
    assert!(
        page.body.contains("<strong>22</strong>"),
        "unverified reports are not listed"
    );
    assert_eq!(
        page.body
            .matches("<li><a class=\"title\" href=\"/laporan/")
            .count(),
        20
    );
    assert!(
        page.body
            .contains("href=\"/laporan?q=drainase&#38;page=2\""),
        "the pager keeps the filters"
    );
    assert_eq!(value_of(&page.body, "q"), "drainase");
    let second = t.get("/laporan?q=drainase&page=2").await;
    assert_eq!(
        second
            .body
            .matches("<li><a class=\"title\" href=\"/laporan/")
            .count(),
        2
    );
    assert!(
        second
            .body
            .contains("href=\"/laporan?q=drainase&#38;page=1\"")
    );

    let by_region = t.get("/laporan?region=32").await;
    assert!(
        by_region.body.contains("<strong>1</strong>")
            && by_region.body.contains("Puskesmas tutup lebih awal")
    );
    let by_status = t.get("/laporan?status=routed").await;
    assert!(by_status.body.contains("<strong>23</strong>"));
    assert!(
        by_status
            .body
            .contains("<option value=\"routed\" selected>Diteruskan ke instansi</option>")
    );
    assert!(
        !by_status.body.contains("value=\"unverified\""),
        "only published statuses can be chosen"
    );

    for (query, message) in [
        ("status=deleted", "Status tidak dikenal."),
        ("region=99.99", "Kode wilayah tidak terdaftar."),
        (
            "region=abc",
            "Kode wilayah berbentuk 62, 62.71, 62.71.01 atau 62.71.01.1001.",
        ),
        ("page=0", "Halaman di luar rentang yang diizinkan."),
    ] {
        let bad = t.get(&format!("/laporan?{query}")).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert!(bad.body.contains("id=\"filter-form\""), "{query}");
        assert!(bad.body.contains(message), "{query}: {message}");
    }
}

#[tokio::test]
async fn home_shows_the_newest_public_reports_and_how_it_works() {
    let t = TestApp::with_demo().await;
    let home = t.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("href=\"/lapor\"") && home.body.contains("href=\"/lacak\""));
    assert!(
        home.body.contains("3 hari kerja")
            && home.body.contains("5 hari kerja")
            && home.body.contains("10 hari kerja")
    );
    let list = &home.body[home.body.find("id=\"report-list\"").unwrap()..];
    assert_eq!(list.matches("<li>").count(), 5);
    assert!(
        !home.body.contains("Sampah menumpuk di Pasar Kahayan"),
        "unverified reports are not public"
    );
}

// ---------------------------------------------------------------- regions

#[tokio::test]
async fn the_region_browser_walks_down_the_tree_and_searches() {
    let t = TestApp::new().await;
    let top = t.get("/wilayah").await;
    assert_eq!(top.status, StatusCode::OK);
    assert!(
        top.body
            .contains("href=\"/wilayah?parent=62\">Kalimantan Tengah</a>")
    );
    let city = t.get("/wilayah?parent=62.71").await;
    assert!(
        city.body
            .contains("href=\"/wilayah?parent=62\">Kalimantan Tengah</a>"),
        "breadcrumbs"
    );
    assert!(city.body.contains("Kota Palangkaraya, Kalimantan Tengah"));
    assert!(
        city.body
            .contains("href=\"/wilayah?parent=62.71.01\">Kec. Pahandut</a>")
    );
    assert!(city.body.contains("href=\"/lapor?region=62.71\""));
    let found = t.get("/wilayah?q=Palangka+Raya").await;
    assert!(found.body.contains("<span class=\"meta\">62.71</span>"));
    let bad = t.get("/wilayah?parent=99").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Kode wilayah tidak terdaftar."));
}

// ---------------------------------------------------------------- accounts

#[tokio::test]
async fn an_account_files_and_follows_its_reports() {
    let t = TestApp::new().await;
    assert_eq!(t.get("/laporan-saya").await.header("location"), "/masuk");

    let registered = t
        .post_form(
            "/daftar",
            &[
                ("name", "Sari Dewi"),
                ("email", "sari@example.com"),
                ("phone", ""),
                ("password", "rahasia123"),
                ("password_confirm", "rahasia123"),
            ],
            &[],
        )
        .await;
    assert_eq!(
        registered.status,
        StatusCode::SEE_OTHER,
        "{}",
        registered.body
    );
    assert_eq!(registered.header("location"), "/laporan-saya");
    let session = session_cookie(&registered);
    let set = registered
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax"));

    let mine = t.get_with("/laporan-saya", &[("cookie", &session)]).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert_eq!(text_of(&mine.body, "account-name"), "Sari Dewi");
    assert!(mine.body.contains("action=\"/keluar\""));

    let form = t.get_with("/lapor", &[("cookie", &session)]).await;
    assert_eq!(text_of(&form.body, "filed-as"), "Sari Dewi");
    assert!(!form.body.contains("id=\"reporter_phone\""));
    let done = file_via_form(
        &t,
        &[
            ("reporter_name", ""),
            ("reporter_email", ""),
            ("reporter_phone", ""),
        ],
        &[&session],
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let number = text_of(&done.body, "report-number");

    let mine = t.get_with("/laporan-saya", &[("cookie", &session)]).await;
    assert!(
        mine.body
            .contains(&format!("href=\"/laporan-saya/{number}\">{TITLE}</a>"))
    );
    let detail = t
        .get_with(&format!("/laporan-saya/{number}"), &[("cookie", &session)])
        .await;
    assert_eq!(detail.status, StatusCode::OK);
    assert_eq!(text_of(&detail.body, "report-title"), TITLE);
    assert!(detail.body.contains("id=\"timeline\""));

    // Somebody else's account does not see it.
    let other = t
        .post_form(
            "/daftar",
            &[
                ("name", "Lain"),
                ("phone", "0813 1111 2222"),
                ("password", "rahasia456"),
                ("password_confirm", "rahasia456"),
            ],
            &[],
        )
        .await;
    let other = session_cookie(&other);
    assert_eq!(
        t.get_with(&format!("/laporan-saya/{number}"), &[("cookie", &other)])
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Log out: the cookie is cleared and the old token no longer works.
    let out = t.post_form("/keluar", &[], &[&session]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.header("location"), "/");
    assert!(out.headers.get_all("set-cookie").iter().any(|v| {
        v.to_str()
            .unwrap()
            .starts_with("lapor_session=; Path=/; Max-Age=0")
    }));
    assert_eq!(
        t.get_with("/laporan-saya", &[("cookie", &session)])
            .await
            .header("location"),
        "/masuk"
    );

    // Log in again, by e-mail in another case: a new token.
    let wrong = t
        .post_form(
            "/masuk",
            &[("login", "sari@example.com"), ("password", "salah-sekali")],
            &[],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        text_of(&wrong.body, "error-message"),
        "Email/nomor HP atau kata sandi salah."
    );
    assert_eq!(value_of(&wrong.body, "login"), "sari@example.com");
    assert!(
        !wrong.body.contains("salah-sekali"),
        "the password is never echoed"
    );
    let again = t
        .post_form(
            "/masuk",
            &[("login", "Sari@Example.com"), ("password", "rahasia123")],
            &[&session],
        )
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    let fresh = session_cookie(&again);
    assert_ne!(fresh, session);
    assert_eq!(
        t.get_with("/laporan-saya", &[("cookie", &fresh)])
            .await
            .status,
        StatusCode::OK
    );
    let by_phone = t
        .post_form(
            "/masuk",
            &[("login", "+62 813-1111-2222"), ("password", "rahasia456")],
            &[],
        )
        .await;
    assert_eq!(by_phone.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn registration_mistakes_are_shown_per_field() {
    let t = TestApp::new().await;
    let mismatch = t
        .post_form(
            "/daftar",
            &[
                ("name", "Sari"),
                ("email", "sari@example.com"),
                ("password", "rahasia123"),
                ("password_confirm", "rahasia124"),
            ],
            &[],
        )
        .await;
    assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(mismatch.body.contains("Kedua kata sandi tidak sama."));
    assert_eq!(value_of(&mismatch.body, "email"), "sari@example.com");
    assert!(!mismatch.body.contains("rahasia123"));
    assert_eq!(
        t.post_form(
            "/masuk",
            &[("login", "sari@example.com"), ("password", "rahasia123")],
            &[]
        )
        .await
        .status,
        StatusCode::UNAUTHORIZED,
        "nothing stored"
    );

    let empty = t
        .post_form(
            "/daftar",
            &[
                ("name", ""),
                ("email", ""),
                ("phone", ""),
                ("password", "pendek"),
                ("password_confirm", "pendek"),
            ],
            &[],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in [
        "Nama wajib diisi.",
        "Isi email atau nomor HP.",
        "Kata sandi minimal 8 karakter.",
    ] {
        assert!(empty.body.contains(message), "{message}");
    }

    let ok = [
        ("name", "Sari"),
        ("email", "sari@example.com"),
        ("password", "rahasia123"),
        ("password_confirm", "rahasia123"),
    ];
    assert_eq!(
        t.post_form("/daftar", &ok, &[]).await.status,
        StatusCode::SEE_OTHER
    );
    let taken = t.post_form("/daftar", &ok, &["lapor_lang=en"]).await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken.body.contains("E-mail is already registered."));
}

// ---------------------------------------------------------------- every page

#[tokio::test]
async fn every_page_is_light_mobile_ready_and_script_free() {
    let t = TestApp::with_demo().await;
    let open = t.number_of(OPEN).await;
    let ok = StatusCode::OK;
    let missing = StatusCode::NOT_FOUND;
    let paths = [
        ("/".to_owned(), ok),
        ("/lapor".to_owned(), ok),
        ("/lacak".to_owned(), ok),
        ("/laporan".to_owned(), ok),
        (format!("/laporan/{open}"), ok),
        ("/wilayah".to_owned(), ok),
        ("/wilayah?parent=62.71.01".to_owned(), ok),
        ("/daftar".to_owned(), ok),
        ("/masuk".to_owned(), ok),
        ("/laporan/0000000".to_owned(), missing),
        ("/tidak-ada".to_owned(), missing),
    ];
    for (path, status) in &paths {
        for lang in ["id", "en"] {
            let sep = if path.contains('?') { '&' } else { '?' };
            let page = t.get(&format!("{path}{sep}lang={lang}")).await;
            assert_eq!(page.status, *status, "{path} {lang}");
            assert!(page.body.contains("<meta name=\"viewport\""), "{path}");
            assert!(page.body.contains("<meta name=\"description\""), "{path}");
            assert!(
                page.body.contains(&format!("<html lang=\"{lang}\">")),
                "{path} {lang}"
            );
            // Only the report form has a script (its live hints, guided.rs); it works without.
            let scripts = page.body.to_lowercase().matches("<script").count();
            assert_eq!(scripts, usize::from(path == "/lapor"), "{path}");
            assert!(
                page.body.len() < 50_000,
                "{path} weighs {} bytes",
                page.body.len()
            );
            assert!(
                page.header("content-type").starts_with("text/html"),
                "{path}"
            );
        }
    }
    let done = file_via_form(&t, &[], &[]).await;
    assert!(done.body.contains("<meta name=\"viewport\"") && !done.body.contains("<script"));

    // The pages' 404 does not swallow the API's problem documents.
    let api = t.get("/api/v1/nope").await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert_eq!(api.header("content-type"), "application/problem+json");
}

#[tokio::test]
async fn the_language_switch_keeps_the_page_and_its_filters() {
    let t = TestApp::new().await;
    let page = t.get("/laporan?q=jalan&lang=id").await;
    assert!(page.body.contains("href=\"/laporan?q=jalan&#38;lang=en\""));
    let page = t.get("/lapor").await;
    assert!(page.body.contains("href=\"/lapor?lang=en\""));
}

#[tokio::test]
async fn error_pages_do_not_guess_who_is_logged_in() {
    let t = TestApp::new().await;
    let missing = t.get("/tidak-ada").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("<html lang=\"id\""));
    // Rendered without looking the visitor up: neither "Masuk" nor "Keluar".
    assert!(
        !missing.body.contains("href=\"/masuk\""),
        "{}",
        missing.body
    );
    assert!(!missing.body.contains("action=\"/keluar\""));
    // Ordinary pages still offer to log in.
    assert!(t.get("/lacak").await.body.contains("href=\"/masuk\""));
}
