//! The JSON API v1 through HTTP: filing, tracking, idempotency, errors, privacy, reference
//! data and the OpenAPI document.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::{Value, json};

fn valid() -> Value {
    json!({
        "classification": "pengaduan",
        "title": "Lampu jalan mati di Jalan Yos Sudarso",
        "body": "Sudah dua minggu lampu jalan mati sehingga rawan kecelakaan pada malam hari.",
        "incident_date": "2026-11-20",
        "region_code": "62.71.01",
        "address": "Jl. Yos Sudarso depan pasar",
        "latitude": -2.21,
        "longitude": 113.92,
        "category": "pekerjaan_umum",
        "reporter": {"name": "Budi Santoso", "email": "budi@example.com", "phone": "0812-3456-7890"}
    })
}

fn with(mut base: Value, key: &str, value: Value) -> Value {
    base[key] = value;
    base
}

fn field_codes(reply: &common::Reply) -> Vec<(String, String)> {
    reply.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_filed_report_gets_a_number_and_a_tracking_code_and_is_found_with_its_history() {
    let t = TestApp::new().await;
    let reply = t.post_json("/api/v1/reports", &valid()).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let receipt = reply.json();
    assert_eq!(receipt["number"], "0000001");
    assert_eq!(receipt["status"], "unverified");
    let code = receipt["tracking_code"].as_str().unwrap();
    assert_eq!(code.len(), 15, "{code}");

    // The code works however it is typed.
    let typed = code.replace('-', "").to_lowercase();
    let tracked = t.get(&format!("/api/v1/reports/{typed}")).await;
    assert_eq!(tracked.status, StatusCode::OK, "{}", tracked.body);
    assert!(tracked.header("cache-control").contains("no-store"));
    let report = tracked.json();
    assert_eq!(report["number"], "0000001");
    assert_eq!(report["title"], "Lampu jalan mati di Jalan Yos Sudarso");
    assert_eq!(
        report["region_name"],
        "Kec. Pahandut, Kota Palangkaraya, Kalimantan Tengah"
    );
    assert_eq!(report["incident_date"], "2026-11-20");
    assert_eq!(report["latitude"], -2.21);
    assert_eq!(report["channel"], "api");
    assert_eq!(report["reporter"]["name"], "Budi Santoso");
    assert_eq!(report["history"][0]["type"], "submitted");
    assert_eq!(report["history"][0]["channel"], "api");
    assert_eq!(report["history"][0]["actor_role"], "reporter");
    // The contact is not echoed back to whoever holds the code.
    assert!(!tracked.body.contains("budi@example.com"));
    assert!(!tracked.body.contains("3456"));

    // Not yet verified, so not public.
    let public = t.get("/api/v1/public/reports").await.json();
    assert_eq!(public["total"], 0);
}

#[tokio::test]
async fn an_unknown_or_malformed_tracking_code_is_a_404_problem() {
    let t = TestApp::new().await;
    for code in ["ZZZZ-ZZZZ-ZZZZZ", "not-a-code", "%3Cscript%3E"] {
        let reply = t.get(&format!("/api/v1/reports/{code}")).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{code}");
        assert_eq!(reply.header("content-type"), "application/problem+json");
        assert_eq!(reply.json()["code"], "not_found");
    }
}

#[tokio::test]
async fn a_replayed_request_with_the_same_idempotency_key_returns_the_first_answer_and_stores_nothing()
 {
    let t = TestApp::new().await;
    let body = valid().to_string();
    let headers = [("idempotency-key", "6c1e7c5e-2b53-4a47-9d7f-1a2b3c4d5e6f")];
    let first = t
        .post_raw(
            "/api/v1/reports",
            "application/json",
            body.clone(),
            &headers,
        )
        .await;
    let second = t
        .post_raw("/api/v1/reports", "application/json", body, &headers)
        .await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert_eq!(second.status, StatusCode::CREATED);
    assert_eq!(first.json(), second.json());
    // The next new report takes the next number: the replay stored nothing.
    let (number, _) = t.file(json!({})).await;
    assert_eq!(number, "0000002");

    let other = t
        .post_raw(
            "/api/v1/reports",
            "application/json",
            with(valid(), "title", json!("Judul lain sama sekali")).to_string(),
            &headers,
        )
        .await;
    assert_eq!(other.status, StatusCode::CONFLICT, "{}", other.body);
    assert_eq!(other.json()["code"], "idempotency_key_reused");
    assert!(
        !other
            .body
            .contains(first.json()["tracking_code"].as_str().unwrap())
    );

    let bad = t
        .post_raw(
            "/api/v1/reports",
            "application/json",
            valid().to_string(),
            &[("idempotency-key", "")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        field_codes(&bad),
        vec![(
            "Idempotency-Key".to_owned(),
            "invalid_idempotency_key".to_owned()
        )]
    );
}

#[tokio::test]
async fn every_invalid_field_is_named_with_a_stable_code_and_a_message_in_the_requested_language() {
    let t = TestApp::new().await;
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            with(valid(), "classification", json!("gosip")),
            "classification",
            "unknown_classification",
        ),
        (with(valid(), "title", json!("abc")), "title", "too_short"),
        (
            with(valid(), "title", json!("x".repeat(151))),
            "title",
            "too_long",
        ),
        (
            with(valid(), "body", json!("y".repeat(10_001))),
            "body",
            "too_long",
        ),
        (
            with(valid(), "incident_date", json!("2027-01-01")),
            "incident_date",
            "future_date",
        ),
        (
            with(valid(), "incident_date", json!("20-11-2026")),
            "incident_date",
            "invalid_date",
        ),
        (
            with(valid(), "region_code", json!("99.99")),
            "region_code",
            "unknown_region",
        ),
        (
            with(valid(), "region_code", json!("62.7")),
            "region_code",
            "invalid_region",
        ),
        (
            with(valid(), "category", json!("astrologi")),
            "category",
            "unknown_category",
        ),
        (
            with(valid(), "agency", json!("kementerian-fiktif")),
            "agency",
            "unknown_agency",
        ),
        (
            with(valid(), "latitude", json!(48.85)),
            "latitude",
            "out_of_range",
        ),
        (
            with(valid(), "reporter", json!({"email": "budi@"})),
            "reporter.email",
            "invalid_email",
        ),
        (
            with(valid(), "reporter", json!({"phone": "12345"})),
            "reporter.phone",
            "invalid_phone",
        ),
        (
            with(valid(), "anonymous", json!("ya")),
            "anonymous",
            "invalid_type",
        ),
        (
            with(valid(), "regioncode", json!("62")),
            "regioncode",
            "unknown_field",
        ),
        (
            with(valid(), "reporter", json!({"nik": "6271010101010001"})),
            "reporter.nik",
            "unknown_field",
        ),
    ];
    for (body, field, code) in cases {
        let reply = t.post_json("/api/v1/reports", &body).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            reply.body
        );
        assert_eq!(reply.header("content-type"), "application/problem+json");
        let codes = field_codes(&reply);
        assert!(
            codes.contains(&(field.to_owned(), code.to_owned())),
            "{field}: {codes:?}"
        );
    }
    let missing = t.post_json("/api/v1/reports", &json!({})).await;
    let codes = field_codes(&missing);
    for field in ["classification", "title", "body", "region_code"] {
        assert!(
            codes.contains(&(field.to_owned(), "required".to_owned())),
            "{codes:?}"
        );
    }
    // Messages follow Accept-Language; Indonesian by default.
    let id = t
        .post_json("/api/v1/reports", &with(valid(), "title", json!("abc")))
        .await
        .json();
    assert_eq!(id["errors"][0]["message"], "Judul minimal 5 karakter.");
    assert_eq!(id["errors"][0]["min"], 5);
    let en = t
        .post_raw(
            "/api/v1/reports",
            "application/json",
            with(valid(), "title", json!("abc")).to_string(),
            &[("accept-language", "en-US,en;q=0.9")],
        )
        .await
        .json();
    assert_eq!(
        en["errors"][0]["message"],
        "Title must be at least 5 characters."
    );
    // Nothing was stored by any of them.
    assert_eq!(t.file(json!({})).await.0, "0000001");
}

#[tokio::test]
async fn malformed_requests_get_4xx_problems_never_a_500() {
    let t = TestApp::new().await;
    let cases: Vec<(&str, String, StatusCode, &str)> = vec![
        (
            "application/json",
            "{\"title\": ".to_owned(),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            "application/json",
            "[1, 2".to_owned(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
        ),
        (
            "application/json",
            format!("{} trailing", valid()),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
        (
            "text/plain",
            valid().to_string(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            "application/x-www-form-urlencoded",
            "title=x".to_owned(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            "application/json",
            format!("{{\"body\": \"{}\"}}", "x".repeat(200 * 1024)),
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
        (
            "application/json",
            "\"just a string\"".to_owned(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
        ),
        (
            "application/json",
            String::new(),
            StatusCode::BAD_REQUEST,
            "malformed_json",
        ),
    ];
    for (content_type, body, status, code) in cases {
        let reply = t.post_raw("/api/v1/reports", content_type, body, &[]).await;
        assert_eq!(reply.status, status, "{code}: {}", reply.body);
        assert_eq!(reply.header("content-type"), "application/problem+json");
        assert_eq!(reply.json()["code"], code);
    }
    let unknown = t.get("/api/v1/nothing-here").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.header("content-type"), "application/problem+json");
}

#[tokio::test]
async fn markup_is_stored_as_typed() {
    let t = TestApp::new().await;
    let (_, code) = t
        .file(json!({"title": "<script>alert('x')</script> jalan"}))
        .await;
    let report = t.get(&format!("/api/v1/reports/{code}")).await.json();
    assert_eq!(report["title"], "<script>alert('x')</script> jalan");
}

#[tokio::test]
async fn the_public_api_never_shows_confidential_reports_or_an_anonymous_reporter() {
    let t = TestApp::with_demo().await;
    let list = t.get("/api/v1/public/reports?per_page=100").await;
    assert_eq!(list.status, StatusCode::OK);
    let titles: Vec<String> = list.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["title"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        titles.iter().any(|t| t.starts_with("Jalan berlubang")),
        "{titles:?}"
    );
    assert!(
        titles
            .iter()
            .any(|t| t.starts_with("Usul penambahan lampu")),
        "{titles:?}"
    );
    assert!(
        !titles.iter().any(|t| t.contains("pungutan")),
        "confidential report listed: {titles:?}"
    );
    // Unverified reports are not published either.
    assert!(
        !titles.iter().any(|t| t.starts_with("Sampah menumpuk")),
        "{titles:?}"
    );
    for query in [
        "q=pungutan",
        "q=surat+pindah",
        "region=62.71.02",
        "agency=pemkot-palangkaraya",
        "status=routed",
        "category=kependudukan",
    ] {
        let reply = t.get(&format!("/api/v1/public/reports?{query}")).await;
        assert_eq!(reply.status, StatusCode::OK, "{query}");
        assert!(!reply.body.contains("pungutan"), "{query}: {}", reply.body);
    }
    // No reporter contact anywhere, and no name of an anonymous reporter.
    for forbidden in [
        "Dewi Lestari",
        "Pelapor Rahasia",
        "0812345",
        "+62812345",
        "@",
    ] {
        assert!(!list.body.contains(forbidden), "{forbidden} in public list");
    }

    let find = |title: &str| {
        list.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["title"].as_str().unwrap().starts_with(title))
            .unwrap()["number"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let open = t
        .get(&format!(
            "/api/v1/public/reports/{}",
            find("Jalan berlubang")
        ))
        .await;
    assert_eq!(open.json()["reporter_name"], "Rahmat Hidayat");
    assert!(!open.body.contains("081234500001") && !open.body.contains("+6281234500001"));
    assert!(
        open.json()["history"].as_array().unwrap().len() >= 2,
        "{}",
        open.body
    );
    let anonymous = t
        .get(&format!(
            "/api/v1/public/reports/{}",
            find("Usul penambahan lampu")
        ))
        .await;
    assert_eq!(anonymous.status, StatusCode::OK);
    assert_eq!(anonymous.json()["reporter_name"], Value::Null);
    assert_eq!(anonymous.json()["anonymous"], true);
    assert!(!anonymous.body.contains("Dewi"));

    // The confidential report exists but is not public by number.
    let number = t
        .number_of("Dugaan pungutan dalam pengurusan surat pindah")
        .await;
    let confidential = t.get(&format!("/api/v1/public/reports/{number}")).await;
    assert_eq!(confidential.status, StatusCode::NOT_FOUND);
    assert!(!confidential.body.contains("pungutan"));
}

#[tokio::test]
async fn public_filters_search_and_pagination_work_and_bad_filters_are_named() {
    let t = TestApp::with_demo().await;
    // A report routed straight to a unit of the city.
    let (straight, _) = t
        .file(json!({ "title": "Trotoar rusak di Jalan Ahmad Yani" }))
        .await;
    t.route(&straight, Some(common::PUPR)).await;
    let all = t.get("/api/v1/public/reports").await.json();
    let total = all["total"].as_i64().unwrap();
    assert!(total >= 5, "{all}");
    let page = t
        .get("/api/v1/public/reports?per_page=2&page=2")
        .await
        .json();
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    assert_eq!(page["items"][0]["number"], all["items"][2]["number"]);
    let search = t.get("/api/v1/public/reports?q=LUBANG+tjilik").await.json();
    assert_eq!(search["total"], 1, "{search}");
    let region = t.get("/api/v1/public/reports?region=62.71.03").await.json();
    assert!(
        region["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["region_code"].as_str().unwrap().starts_with("62.71.03"))
    );
    assert!(region["total"].as_i64().unwrap() >= 2, "{region}");
    let unit = t
        .get("/api/v1/public/reports?agency=pemkot-palangkaraya")
        .await
        .json();
    assert!(
        unit["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["agency"] == "pemkot-palangkaraya.pupr"),
        "{unit}"
    );
    let bpjs = t
        .get("/api/v1/public/reports?category=kesehatan")
        .await
        .json();
    assert!(
        bpjs["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["category"] == "kesehatan.bpjs"),
        "{bpjs}"
    );

    let bad = t
        .get("/api/v1/public/reports?status=deleted&region=99&per_page=500")
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let codes = field_codes(&bad);
    assert!(
        codes.contains(&("status".to_owned(), "unknown_status".to_owned())),
        "{codes:?}"
    );
    assert!(
        codes.contains(&("region".to_owned(), "unknown_region".to_owned())),
        "{codes:?}"
    );
    assert!(
        codes.contains(&("per_page".to_owned(), "out_of_range".to_owned())),
        "{codes:?}"
    );
}

#[tokio::test]
async fn regions_categories_and_agencies_are_listed() {
    let t = TestApp::with_demo().await;
    let provinces = t.get("/api/v1/regions").await.json();
    assert_eq!(provinces.as_array().unwrap().len(), 38);
    for q in ["Palangka%20Raya", "palangkaraya", "Kota%20Palangka-Raya"] {
        let found = t.get(&format!("/api/v1/regions?q={q}")).await.json();
        assert_eq!(found[0]["code"], "62.71", "{q}: {found}");
    }
    let districts = t.get("/api/v1/regions?parent=62.71").await.json();
    let names: Vec<&str> = districts
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        vec![
            "Bukit Batu",
            "Jekan Raya",
            "Pahandut",
            "Rakumpit",
            "Sabangau"
        ]
    );
    let kec = t.get("/api/v1/regions?q=Kec.%20Pahandut").await.json();
    assert_eq!(kec[0]["code"], "62.71.01");
    let bad = t.get("/api/v1/regions?parent=99").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_codes(&bad),
        vec![("parent".to_owned(), "unknown_region".to_owned())]
    );

    let categories = t
        .get_with("/api/v1/categories", &[("accept-language", "en")])
        .await
        .json();
    let health = categories
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "kesehatan")
        .unwrap();
    assert_eq!(health["name"], "Health");
    assert!(
        categories
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["parent"].is_null())
            .count()
            >= 19
    );

    let agencies = t.get("/api/v1/agencies").await.json();
    let list = agencies.as_array().unwrap();
    let kelurahan = list.iter().filter(|a| a["kind"] == "kelurahan").count();
    let kecamatan = list.iter().filter(|a| a["kind"] == "kecamatan").count();
    assert_eq!((kecamatan, kelurahan), (5, 30));
    let pupr = list
        .iter()
        .find(|a| a["code"] == "pemkot-palangkaraya.pupr")
        .unwrap();
    assert_eq!(pupr["parent"], "pemkot-palangkaraya");
    assert_eq!(pupr["regions"], json!(["62.71"]));
}

#[tokio::test]
async fn the_openapi_document_describes_the_api() {
    let t = TestApp::new().await;
    let reply = t.get("/api/v1/openapi.json").await;
    assert_eq!(reply.status, StatusCode::OK);
    let doc = reply.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/api/v1/reports",
        "/api/v1/reports/{tracking_code}",
        "/api/v1/reports/{tracking_code}/responses",
        "/api/v1/reports/{tracking_code}/attachments/{id}",
        "/api/v1/public/reports",
        "/api/v1/regions",
        "/api/v1/categories",
        "/api/v1/agencies",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} undocumented");
    }
    insta::assert_snapshot!("openapi", reply.body);
}

#[tokio::test]
async fn reporter_contact_data_never_reaches_the_logs() {
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    // One process-wide subscriber writing into the buffer of the test thread that asks for
    // it. (A thread-local `set_default` is flaky while other tests run: call sites first hit
    // on their threads cache "nobody listens" and hide the events from it.)
    thread_local! {
        static CAPTURE: std::cell::RefCell<Option<Captured>> = const { std::cell::RefCell::new(None) };
    }
    #[derive(Clone, Copy)]
    struct ThisThread;
    impl std::io::Write for ThisThread {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            CAPTURE.with(|c| {
                if let Some(captured) = c.borrow().as_ref() {
                    captured.0.lock().unwrap().extend_from_slice(buf);
                }
            });
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    static GLOBAL: std::sync::Once = std::sync::Once::new();
    GLOBAL.call_once(|| {
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(|| ThisThread)
            .finish();
        tracing::subscriber::set_global_default(subscriber).unwrap();
    });
    let captured = Captured::default();
    CAPTURE.with(|c| *c.borrow_mut() = Some(captured.clone()));

    let t = TestApp::new().await;
    let (_, code) = t.file(json!({"reporter": {"name": "Siti Nurhaliza", "email": "siti.n@example.org", "phone": "081299887766"}})).await;
    t.get(&format!("/api/v1/reports/{code}")).await;
    let bad = t
        .post_json(
            "/api/v1/reports",
            &json!({"title": "x", "reporter": {"name": "Siti Nurhaliza", "email": "siti.n@"}}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A response refused (nothing to answer yet) logs no code and no text either.
    let refused = t
        .post_json(
            &format!("/api/v1/reports/{code}/responses"),
            &json!({"type": "reply", "text": "Siti Nurhaliza menunggu jawaban."}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("report received"),
        "the capture works: {logs}"
    );
    for secret in [
        "Siti",
        "siti.n@",
        "081299887766",
        "+6281299887766",
        code.as_str(),
        &code.replace('-', ""),
    ] {
        assert!(!logs.contains(secret), "{secret} leaked into the logs");
    }
}

// ---------------------------------------------------------------- the reporter's responses

/// Files a report and brings it to "awaiting the reporter" with a PDF on the follow-up.
async fn awaiting_reporter(t: &TestApp) -> (String, String) {
    let (number, code) = t.file(json!({})).await;
    t.route(&number, None).await;
    t.follow_up(
        &number,
        "Lubang sudah ditambal oleh UPT Jalan pada 24 November.",
        vec![common::pdf("balasan")],
    )
    .await;
    (number, code)
}

async fn respond(t: &TestApp, code: &str, body: Value) -> common::Reply {
    t.post_json(&format!("/api/v1/reports/{code}/responses"), &body)
        .await
}

#[tokio::test]
async fn the_reporter_reads_follow_ups_options_and_the_deadline() {
    let t = TestApp::new().await;
    let (number, code) = t.file(json!({})).await;
    let fresh = t.get(&format!("/api/v1/reports/{code}")).await.json();
    assert_eq!(fresh["follow_ups"], json!([]));
    assert_eq!(fresh["deadline"]["step"], "verification");
    assert_eq!(fresh["deadline"]["due_local"], "30-11-2026 23:59 WIB");
    assert_eq!(fresh["deadline"]["working_days_left"], 3);
    assert_eq!(fresh["options"]["reply"], false);

    t.route(&number, None).await;
    t.follow_up(
        &number,
        "Lubang sudah ditambal oleh UPT Jalan pada 24 November.",
        vec![common::pdf("balasan")],
    )
    .await;
    let reply = t.get(&format!("/api/v1/reports/{code}")).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.header("cache-control").contains("no-store"));
    let report = reply.json();
    assert_eq!(report["status"], "awaiting_reporter");
    let follow_up = &report["follow_ups"][0];
    assert_eq!(
        follow_up["text"],
        "Lubang sudah ditambal oleh UPT Jalan pada 24 November."
    );
    assert_eq!(follow_up["agency"], common::CITY);
    assert_eq!(follow_up["agency_name"], common::CITY_NAME);
    assert_eq!(follow_up["published_at"], "2026-11-25T03:00:00Z");
    let attachment = &follow_up["attachments"][0];
    assert_eq!(attachment["file_name"], "surat balasan.pdf");
    assert_eq!(attachment["content_type"], "application/pdf");
    assert!(attachment["size_bytes"].as_i64().unwrap() > 0);
    assert_eq!(
        report["options"],
        json!({
            "reply": true,
            "supply_information": false,
            "confirm_resolved": true,
            "rate": true,
            "reopen": false,
            "escalate_ombudsman": false,
            "window_until": "2026-12-09T17:00:00Z",
        })
    );
    assert_eq!(
        report["deadline"],
        json!({
            "step": "reporter_window",
            "due": "2026-12-09T17:00:00Z",
            "due_local": "09-12-2026 23:59 WIB",
            "zone": "WIB",
            "working_days_left": 10,
            "overdue": false,
        })
    );
    let actions: Vec<&str> = report["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(actions, ["verify", "follow_up", "publish_follow_up"]);
    assert!(
        report["history"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["type"] != "verified"),
        "officers' internals stay out"
    );

    // The file, by the code.
    let id = attachment["id"].as_i64().unwrap();
    let file = t
        .get(&format!("/api/v1/reports/{code}/attachments/{id}"))
        .await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.header("content-type"), "application/pdf");
    assert!(
        file.header("content-disposition")
            .starts_with("attachment;")
    );
    assert_eq!(file.header("x-content-type-options"), "nosniff");
    let (_, other) = t.file(json!({})).await;
    for path in [
        format!("/api/v1/reports/{other}/attachments/{id}"),
        format!("/api/v1/reports/{code}/attachments/{}", id + 1),
        format!("/api/v1/reports/{code}/attachments/satu"),
    ] {
        let missing = t.get(&path).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(missing.header("content-type"), "application/problem+json");
    }
}

#[tokio::test]
async fn the_reporter_answers_rates_and_closes_through_the_api() {
    let t = TestApp::new().await;
    let (_, code) = awaiting_reporter(&t).await;
    let answer = "Lubang di sisi kiri jalan belum ditambal sama sekali.";
    let reply = respond(&t, &code, json!({ "type": "reply", "text": answer })).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.header("cache-control").contains("no-store"));
    let report = reply.json();
    assert_eq!(report["status"], "routed");
    assert_eq!(report["deadline"]["step"], "follow_up");
    assert_eq!(report["options"]["reply"], false);
    let last = report["history"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["action"], "reporter_reply");
    assert_eq!(last["actor_role"], "reporter");
    assert_eq!(last["reason"], answer);

    // The same answer again: refused, stored once.
    let again = respond(&t, &code, json!({ "type": "reply", "text": answer })).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.header("content-type"), "application/problem+json");
    let problem = again.json();
    assert_eq!(problem["code"], "refused");
    assert_eq!(problem["refusal"], "not_in_this_status");
    let tracked = t.get(&format!("/api/v1/reports/{code}")).await.json();
    let answers = tracked["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "reporter_reply")
        .count();
    assert_eq!(answers, 1);

    t.follow_up(
        tracked["number"].as_str().unwrap(),
        "Sisi kiri jalan sudah ditambal pagi ini oleh regu UPT.",
        Vec::new(),
    )
    .await;
    let rated = respond(
        &t,
        &code,
        json!({ "type": "rate", "stars": 4, "comment": "Cukup cepat." }),
    )
    .await;
    assert_eq!(rated.status, StatusCode::OK, "{}", rated.body);
    let rated = rated.json();
    assert_eq!(rated["rating"], 4);
    let last = rated["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["type"], "rated");
    assert_eq!(last["stars"], 4);
    assert_eq!(last["comment"], "Cukup cepat.");
    let closed = respond(&t, &code, json!({ "type": "confirm_resolved" })).await;
    assert_eq!(closed.json()["status"], "closed");
    assert_eq!(closed.json()["deadline"], Value::Null);
    assert_eq!(closed.json()["options"]["reopen"], true);
    let reopened = respond(
        &t,
        &code,
        json!({ "type": "reopen", "text": "Lubangnya muncul lagi setelah hujan." }),
    )
    .await;
    assert_eq!(reopened.json()["status"], "routed");
}

#[tokio::test]
async fn bad_responses_are_named_per_field_and_refusals_carry_a_stable_code() {
    let t = TestApp::new().await;
    let (_, code) = awaiting_reporter(&t).await;
    for (body, field, problem) in [
        (json!({}), "type", "required"),
        (json!({ "type": "dance" }), "type", "invalid_value"),
        (json!({ "type": "reply" }), "text", "required"),
        (
            json!({ "type": "reply", "text": "ok" }),
            "text",
            "too_short",
        ),
        (json!({ "type": "rate" }), "stars", "required"),
        (
            json!({ "type": "rate", "stars": 0 }),
            "stars",
            "out_of_range",
        ),
        (
            json!({ "type": "rate", "stars": 6 }),
            "stars",
            "out_of_range",
        ),
        (
            json!({ "type": "rate", "stars": 70000 }),
            "stars",
            "out_of_range",
        ),
        (
            json!({ "type": "rate", "stars": "x" }),
            "stars",
            "invalid_type",
        ),
        (
            json!({ "type": "reply", "txt": "salah" }),
            "txt",
            "unknown_field",
        ),
    ] {
        let reply = respond(&t, &code, body.clone()).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(reply.header("content-type"), "application/problem+json");
        assert_eq!(reply.json()["code"], "invalid_input", "{body}");
        assert_eq!(
            field_codes(&reply),
            vec![(field.to_owned(), problem.to_owned())],
            "{body}"
        );
    }
    let english = t
        .post_raw(
            &format!("/api/v1/reports/{code}/responses"),
            "application/json",
            json!({ "type": "reply", "text": "" }).to_string(),
            &[("accept-language", "en")],
        )
        .await;
    assert_eq!(
        english.json()["errors"][0]["message"],
        "Your reply is required."
    );
    let indonesian = respond(&t, &code, json!({ "type": "rate", "stars": 9 })).await;
    assert_eq!(
        indonesian.json()["errors"][0]["message"],
        "Pilih penilaian dari 1 sampai 5."
    );

    let malformed = t
        .post_raw(
            &format!("/api/v1/reports/{code}/responses"),
            "application/json",
            "{\"type\":".to_owned(),
            &[],
        )
        .await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    let wrong_type = t
        .post_raw(
            &format!("/api/v1/reports/{code}/responses"),
            "text/plain",
            "reply".to_owned(),
            &[],
        )
        .await;
    assert_eq!(wrong_type.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    // Not open now.
    let early = respond(&t, &code, json!({ "type": "escalate_ombudsman" })).await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    assert_eq!(early.json()["refusal"], "too_early_for_ombudsman");
    let reopen = respond(
        &t,
        &code,
        json!({ "type": "reopen", "text": "Belum selesai juga." }),
    )
    .await;
    assert_eq!(reopen.status, StatusCode::CONFLICT);
    assert_eq!(reopen.json()["refusal"], "not_in_this_status");
    t.advance_days(20);
    let late = respond(
        &t,
        &code,
        json!({ "type": "reply", "text": "Masih berlubang sampai sekarang." }),
    )
    .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    let problem = late.json();
    assert_eq!(problem["code"], "refused");
    assert_eq!(problem["refusal"], "window_closed");
    assert_eq!(
        problem["detail"],
        "Batas waktu untuk menanggapi sudah lewat."
    );
    let status = t.get(&format!("/api/v1/reports/{code}")).await.json();
    assert_eq!(status["status"], "awaiting_reporter", "nothing changed");

    // An unknown code is a 404 whatever the body.
    for body in [
        json!({ "type": "reply", "text": "Masih berlubang." }),
        json!({}),
    ] {
        let missing = respond(&t, "ZZZZ-ZZZZ-ZZZZZ", body).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        assert_eq!(missing.json()["code"], "not_found");
    }
}

/// Filing is limited per client address, loosely (a carrier's NAT puts many phones behind one
/// address), and the address is taken from `X-Forwarded-For` only behind a trusted proxy.
#[tokio::test]
async fn filings_are_rate_limited_per_address() {
    use tower::ServiceExt;
    let t = TestApp::new().await;
    let send = |trust_proxy: bool, address: &'static str| {
        let router = lapor_web::router(
            t.app.clone(),
            lapor_web::WebConfig {
                trust_proxy,
                ..lapor_web::WebConfig::default()
            },
        );
        async move {
            let request = axum::http::Request::post("/api/v1/reports")
                .header("content-type", "application/json")
                .header("x-forwarded-for", format!("10.9.9.9, {address}"))
                .body(axum::body::Body::from("{}"))
                .unwrap();
            router.oneshot(request).await.unwrap()
        }
    };
    let (budget, _) = lapor_app::RateLimit::Ip.budget();
    for _ in 0..budget {
        // An empty report: refused as invalid, but it counts.
        assert_eq!(
            send(true, "203.0.113.7").await.status(),
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    let refused = send(true, "203.0.113.7").await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after > 0 && retry_after <= 600);
    // Another address, and an untrusted header (no proxy in front), are not limited.
    assert_eq!(
        send(true, "203.0.113.8").await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        send(false, "203.0.113.7").await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
}
