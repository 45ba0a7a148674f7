//! Guided input on the report form (issue 5): before sending, the reporter is told what the
//! report lacks — what, where, when — by the «Periksa kelengkapan» button (no JavaScript) or
//! live through `POST /laporan/petunjuk`. A hint never blocks a filing.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::{Reply, TestApp, unescape, value_of};

const WHAT_ID: &str = "Ceritakan apa yang terjadi";
const WHERE_ID: &str = "Sebutkan di mana kejadiannya: nama jalan, RT/RW, kelurahan atau desa.";
const WHEN_ID: &str = "Sebutkan kapan kejadiannya";

/// A form post as the browser sends it, with `action` the pressed button.
fn form(submission_id: &str, title: &str, body: &str, action: &str) -> Vec<(&'static str, String)> {
    vec![
        ("classification", "pengaduan".into()),
        ("title", title.into()),
        ("body", body.into()),
        ("incident_date", String::new()),
        ("region_code", String::new()),
        ("region_pick", String::new()),
        ("region_query", String::new()),
        ("address", String::new()),
        ("category", String::new()),
        ("agency", String::new()),
        ("reporter_name", "Budi Santoso".into()),
        ("reporter_email", String::new()),
        ("reporter_phone", String::new()),
        ("submission_id", submission_id.into()),
        ("action", action.into()),
    ]
}

/// A report that says what, where and when.
fn complete(submission_id: &str, action: &str) -> Vec<(&'static str, String)> {
    let mut fields = form(
        submission_id,
        "Lampu jalan mati di Jalan Yos Sudarso",
        "Sudah dua minggu lampu jalan mati sehingga rawan kecelakaan pada malam hari.",
        action,
    );
    set(&mut fields, "region_pick", "62");
    set(&mut fields, "address", "Jl. Yos Sudarso dekat bundaran");
    fields
}

fn set(fields: &mut [(&'static str, String)], name: &str, value: &str) {
    let slot = fields.iter_mut().find(|(k, _)| *k == name).unwrap();
    slot.1 = value.to_owned();
}

fn pairs<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

async fn fresh_submission_id(t: &TestApp) -> String {
    value_of(&t.get("/lapor").await.body, "submission_id")
}

async fn stored_reports(t: &TestApp) -> i64 {
    let db = lapor_store::Db::connect(&t.db_url).await.unwrap();
    let count = db.count_reports().await.unwrap();
    db.close().await;
    count
}

/// The opening tag of the element with `id`.
fn tag<'a>(html: &'a str, id: &str) -> &'a str {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no element #{id} in:\n{html}"));
    let start = html[..at].rfind('<').unwrap();
    &html[start..at + html[at..].find('>').unwrap() + 1]
}

fn shown(html: &str, id: &str) -> bool {
    !tag(html, id).contains(" hidden")
}

/// The text of the hint for `aspect` (`what`, `where`, `when`), if listed.
fn hint(html: &str, aspect: &str) -> Option<String> {
    let at = html.find(&format!("id=\"hint-{aspect}\""))?;
    let rest = &html[at..];
    let text = &rest[rest.find("\">").unwrap() + 2..];
    let text = &text[text.find('>').unwrap() + 1..];
    Some(unescape(&text[..text.find('<').unwrap()]))
}

fn textarea(html: &str, id: &str) -> String {
    let open = tag(html, id);
    let rest = &html[html.find(open).unwrap() + open.len()..];
    unescape(&rest[..rest.find("</textarea>").unwrap()])
}

fn assert_three_hints(reply: &Reply) {
    assert!(shown(&reply.body, "hints"), "the hint box is shown");
    assert!(shown(&reply.body, "hints-todo"));
    assert!(!shown(&reply.body, "hints-ok"));
    assert!(hint(&reply.body, "what").unwrap().starts_with(WHAT_ID));
    assert_eq!(hint(&reply.body, "where").unwrap(), WHERE_ID);
    assert!(hint(&reply.body, "when").unwrap().starts_with(WHEN_ID));
    // Each hint leads to the input that answers it.
    for (aspect, field) in [
        ("what", "body"),
        ("where", "address"),
        ("when", "incident_date"),
    ] {
        assert!(
            reply
                .body
                .contains(&format!("<li id=\"hint-{aspect}\"><a href=\"#{field}\">")),
            "{aspect} → #{field}"
        );
    }
}

#[tokio::test]
async fn the_form_carries_a_hidden_hint_box_a_check_button_and_a_tiny_script() {
    let t = TestApp::new().await;
    let page = t.get("/lapor").await.body;
    assert!(!shown(&page, "hints"), "no hints before the visitor asks");
    assert!(tag(&page, "check-report").contains("name=\"action\" value=\"periksa\""));
    assert!(page.contains(">Periksa kelengkapan</button>"));
    // «Kirim» stays the form's first button, so Enter still sends the report.
    let form = &page[page.find("id=\"report-form\"").unwrap()..];
    assert!(form[form.find("<button").unwrap()..].starts_with("<button id=\"submit-report\""));
    let script = &page[page.find("<script>").unwrap()..page.find("</script>").unwrap()];
    assert!(
        script.len() < 2048,
        "the script weighs {} bytes",
        script.len()
    );
    assert!(script.contains("'/laporan/petunjuk'"));
    assert!(!script.contains("http"), "no outside requests");
}

#[tokio::test]
async fn checking_a_vague_report_lists_what_where_and_when_keeps_everything_and_stores_nothing() {
    let t = TestApp::new().await;
    let id = fresh_submission_id(&t).await;
    let fields = form(&id, "Tolong pak", "tolong pak", "periksa");
    let reply = t.post_form("/lapor", &pairs(&fields), &[]).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_three_hints(&reply);
    assert!(
        !reply.body.contains("id=\"form-errors\""),
        "a check is not a refusal"
    );
    assert_eq!(value_of(&reply.body, "title"), "Tolong pak");
    assert_eq!(textarea(&reply.body, "body"), "tolong pak");
    assert_eq!(value_of(&reply.body, "reporter_name"), "Budi Santoso");
    assert!(reply.body.contains("value=\"pengaduan\" checked"));
    // The same submission id and a working CSRF token come back with the form.
    assert_eq!(value_of(&reply.body, "submission_id"), id);
    assert_eq!(
        value_of(&reply.body, "csrf"),
        "0123456789abcdef0123456789abcdef"
    );
    assert_eq!(stored_reports(&t).await, 0);
}

#[tokio::test]
async fn a_hint_never_blocks_a_vague_report_from_being_sent() {
    let t = TestApp::new().await;
    let id = fresh_submission_id(&t).await;

    // Too short for the existing rule (20 characters): refused, and the hints stand beside
    // the validation messages.
    let short = form(&id, "Tolong pak", "tolong pak", "submit");
    let refused = t.post_form("/lapor", &pairs(&short), &[]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("id=\"form-errors\""));
    assert_three_hints(&refused);
    assert_eq!(stored_reports(&t).await, 0);

    // Vague but long enough: checked first, then sent as it is — and a double click files once.
    let mut vague = form(
        &id,
        "Tolong pak",
        "Tolong pak, mohon dibantu segera ya. Terima kasih banyak.",
        "periksa",
    );
    set(&mut vague, "region_pick", "62");
    let checked = t.post_form("/lapor", &pairs(&vague), &[]).await;
    assert!(hint(&checked.body, "what").is_some());
    assert!(
        hint(&checked.body, "where")
            .unwrap()
            .starts_with("Lokasinya baru sebatas provinsi"),
        "the picked province is taken and said to be too wide"
    );
    assert!(
        checked
            .body
            .contains("id=\"region-name\">Kalimantan Tengah")
    );
    set(&mut vague, "action", "submit");
    set(&mut vague, "region_code", "62");
    set(&mut vague, "region_pick", "");
    let sent = t.post_form("/lapor", &pairs(&vague), &[]).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    assert!(sent.body.contains("id=\"report-number\""));
    let again = t.post_form("/lapor", &pairs(&vague), &[]).await;
    assert!(again.body.contains("id=\"report-number\""));
    assert_eq!(stored_reports(&t).await, 1);
}

#[tokio::test]
async fn a_complete_report_gets_no_hints() {
    let t = TestApp::new().await;
    let id = fresh_submission_id(&t).await;
    let reply = t
        .post_form("/lapor", &pairs(&complete(&id, "periksa")), &[])
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(shown(&reply.body, "hints"));
    assert!(shown(&reply.body, "hints-ok"));
    assert!(!shown(&reply.body, "hints-todo"));
    assert!(
        reply
            .body
            .contains("sudah menyebutkan apa, di mana, dan kapan")
    );
    for aspect in ["what", "where", "when"] {
        assert_eq!(hint(&reply.body, aspect), None, "{aspect}");
    }
    assert_eq!(stored_reports(&t).await, 0);
}

#[tokio::test]
async fn the_english_page_gives_english_hints() {
    let t = TestApp::new().await;
    let id = fresh_submission_id(&t).await;
    let fields = form(&id, "Tolong pak", "tolong pak", "periksa");
    let reply = t
        .post_form("/lapor", &pairs(&fields), &["lapor_lang=en"])
        .await;
    assert!(
        reply
            .body
            .contains("Your report will be handled faster if you add:")
    );
    assert!(reply.body.contains(">Check what is missing</button>"));
    assert_eq!(
        hint(&reply.body, "where").unwrap(),
        "Say where it happened: street name, RT/RW, kelurahan or village."
    );
    assert!(
        hint(&reply.body, "when")
            .unwrap()
            .starts_with("When did it happen?")
    );
    assert!(
        hint(&reply.body, "what")
            .unwrap()
            .starts_with("Say what happened")
    );
}

#[tokio::test]
async fn the_hint_endpoint_answers_in_the_page_language() {
    let t = TestApp::new().await;
    let vague = form("", "Tolong pak", "tolong pak", "");
    let reply = t.post_form("/laporan/petunjuk", &pairs(&vague), &[]).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.header("content-type").starts_with("application/json"));
    assert_eq!(reply.header("cache-control"), "no-store");
    let hints = reply.json()["hints"].as_array().unwrap().clone();
    let aspects: Vec<&str> = hints
        .iter()
        .map(|h| h["aspect"].as_str().unwrap())
        .collect();
    assert_eq!(aspects, ["what", "where", "when"]);
    assert_eq!(hints[1]["field"], "address");
    assert_eq!(hints[1]["text"], WHERE_ID);

    // Colloquial, abbreviated and complete: nothing to say.
    let mut colloquial = form(
        "",
        "PJU mati",
        "lampu pju di jln raya gk nyala2 udh 3 hr",
        "",
    );
    set(&mut colloquial, "region_code", "62.71");
    let done = t
        .post_form("/laporan/petunjuk", &pairs(&colloquial), &[])
        .await;
    assert_eq!(done.json(), serde_json::json!({ "hints": [] }));

    let english = t
        .post_form("/laporan/petunjuk", &pairs(&vague), &["lapor_lang=en"])
        .await;
    assert_eq!(
        english.json()["hints"][1]["text"],
        "Say where it happened: street name, RT/RW, kelurahan or village."
    );

    // A forged post gets nothing; a bookmarked GET leads back to the form.
    let forged = t
        .post_raw(
            "/laporan/petunjuk",
            "application/x-www-form-urlencoded",
            "body=tolong".to_owned(),
            &[],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let get = t.get("/laporan/petunjuk").await;
    assert_eq!(get.status, StatusCode::SEE_OTHER);
    assert_eq!(get.header("location"), "/lapor");
    assert_eq!(stored_reports(&t).await, 0);
}
