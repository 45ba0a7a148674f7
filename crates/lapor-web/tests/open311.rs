//! The Open311 GeoReport v2 endpoint through HTTP: discovery, services, service definitions,
//! service requests in XML and JSON, the spec's error arrays, and privacy.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::{Reply, TestApp};
use lapor_domain::tracking::ReportNumber;
use serde_json::{Value, json};

const XML: &str = "text/xml; charset=utf-8";
const JSON: &str = "application/json; charset=utf-8";
const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>";

/// The error array of a reply in either format, as `(code, description)`.
fn errors(reply: &Reply) -> Vec<(i64, String)> {
    if reply.header("content-type") == JSON {
        return reply
            .json()
            .as_array()
            .unwrap_or_else(|| panic!("not an error array: {}", reply.body))
            .iter()
            .map(|e| {
                (
                    e["code"].as_i64().unwrap(),
                    e["description"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
    }
    assert_eq!(reply.header("content-type"), XML, "{}", reply.body);
    assert!(reply.body.starts_with(DECLARATION), "{}", reply.body);
    let body = reply
        .body
        .split_once("<errors>")
        .and_then(|(_, rest)| rest.split_once("</errors>"))
        .unwrap_or_else(|| panic!("not an error array: {}", reply.body))
        .0;
    body.split("<error>")
        .skip(1)
        .map(|e| {
            (
                between(e, "code").parse().unwrap(),
                between(e, "description").to_owned(),
            )
        })
        .collect()
}

fn between<'a>(xml: &'a str, tag: &str) -> &'a str {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    xml.split_once(&open)
        .and_then(|(_, rest)| rest.split_once(&close))
        .map_or("", |(inner, _)| inner)
}

/// Asserts the spec's error array with `status` as both HTTP and body code, and returns the
/// descriptions.
fn expect_error(reply: &Reply, status: StatusCode) -> Vec<String> {
    assert_eq!(reply.status, status, "{}", reply.body);
    let found = errors(reply);
    assert!(!found.is_empty(), "{}", reply.body);
    for (code, description) in &found {
        assert_eq!(*code, i64::from(status.as_u16()), "{}", reply.body);
        assert!(
            description.contains(" / "),
            "Indonesian and English: {description}"
        );
    }
    found.into_iter().map(|(_, d)| d).collect()
}

#[tokio::test]
async fn discovery_names_the_endpoint_and_both_formats() {
    let t = TestApp::new().await;
    let xml = t
        .get_with("/open311/v2/discovery.xml", &[("host", "lapor.example.id")])
        .await;
    assert_eq!(xml.status, StatusCode::OK);
    assert_eq!(xml.header("content-type"), XML);
    assert!(xml.body.starts_with(DECLARATION), "{}", xml.body);
    assert!(
        xml.body
            .contains("<url>http://lapor.example.id/open311/v2</url>")
    );
    assert!(
        xml.body.contains(
            "<formats><format>text/xml</format><format>application/json</format></formats>"
        )
    );
    assert!(
        xml.headers.get("set-cookie").is_none(),
        "no cookies for API clients"
    );
    let json = t
        .get_with(
            "/open311/v2/discovery.json",
            &[("host", "lapor.example.id")],
        )
        .await;
    assert_eq!(json.header("content-type"), JSON);
    let doc = json.json();
    assert_eq!(
        doc["endpoints"][0]["specification"],
        "http://wiki.open311.org/GeoReport_v2"
    );
    assert_eq!(
        doc["endpoints"][0]["formats"],
        json!(["text/xml", "application/json"])
    );
    assert_eq!(doc["endpoints"][0]["type"], "production");
}

#[tokio::test]
async fn services_are_our_categories_with_their_definitions() {
    let t = TestApp::new().await;
    let reply = t.get("/open311/v2/services.json").await;
    assert_eq!(reply.status, StatusCode::OK);
    let services = reply.json();
    let services = services.as_array().unwrap();
    assert_eq!(services.len(), t.app.categories().len());
    let roads = services
        .iter()
        .find(|s| s["service_code"] == "pekerjaan_umum.jalan_jembatan")
        .unwrap();
    assert_eq!(roads["service_name"], "Jalan dan jembatan");
    assert_eq!(roads["group"], "Pekerjaan Umum dan Penataan Ruang");
    assert_eq!(roads["metadata"], true);
    assert_eq!(roads["type"], "realtime");

    let xml = t.get("/open311/v2/services.xml").await;
    assert!(xml.body.contains(
        "<service><service_code>kesehatan</service_code><service_name>Kesehatan</service_name>"
    ));

    let definition = t
        .get("/open311/v2/services/pekerjaan_umum.jalan_jembatan.json")
        .await;
    assert_eq!(definition.status, StatusCode::OK);
    let definition = definition.json();
    assert_eq!(definition["service_code"], "pekerjaan_umum.jalan_jembatan");
    let attributes = definition["attributes"].as_array().unwrap();
    let codes: Vec<&str> = attributes
        .iter()
        .map(|a| a["code"].as_str().unwrap())
        .collect();
    for code in [
        "classification",
        "title",
        "region_code",
        "anonymous",
        "confidential",
        "fixmystreet_id",
    ] {
        assert!(codes.contains(&code), "{code} in {codes:?}");
    }
    let classification = &attributes[0];
    assert_eq!(classification["datatype"], "singlevaluelist");
    assert_eq!(classification["required"], false);
    assert_eq!(classification["order"], 1);
    assert_eq!(classification["values"][2]["key"], "permintaan_informasi");

    let xml = t.get("/open311/v2/services/kesehatan.xml").await;
    assert!(xml.body.contains("<service_definition><service_code>kesehatan</service_code><attributes><attribute><variable>true</variable><code>classification</code>"), "{}", xml.body);
    assert!(xml.body.contains("<values><value><key>pengaduan</key>"));

    let unknown = t.get("/open311/v2/services/astrologi.xml").await;
    let said = expect_error(&unknown, StatusCode::NOT_FOUND);
    assert!(said[0].contains("astrologi"), "{said:?}");
    expect_error(
        &t.get("/open311/v2/services/astrologi.json").await,
        StatusCode::NOT_FOUND,
    );
}

/// Files a report through the JSON API with `extra` fields; returns its number.
async fn file(t: &TestApp, title: &str, extra: Value) -> String {
    let mut fields = json!({
        "title": title,
        "category": "pekerjaan_umum.jalan_jembatan",
        "address": "Jl. Yos Sudarso depan pasar",
        "latitude": -2.21,
        "longitude": 113.92,
    });
    for (k, v) in extra.as_object().unwrap() {
        fields[k] = v.clone();
    }
    t.file(fields).await.0
}

const REPORTER: &str = "Siti Rahmawati";
const EMAIL: &str = "siti.rahma@example.com";
const PHONE: &str = "0812-7777-8888";

#[tokio::test]
async fn requests_show_public_reports_only_and_nothing_about_reporters() {
    let t = TestApp::new().await;
    let contact = json!({"name": REPORTER, "email": EMAIL, "phone": PHONE});
    let open = file(
        &t,
        "Jalan berlubang dekat pasar",
        json!({"reporter": contact}),
    )
    .await;
    let anonymous = file(
        &t,
        "Jembatan kayu lapuk dan miring",
        json!({"reporter": contact, "anonymous": true}),
    )
    .await;
    let confidential = file(
        &t,
        "Pungutan liar di jembatan timbang",
        json!({"reporter": contact, "confidential": true}),
    )
    .await;
    let unverified = file(&t, "Trotoar rusak belum diverifikasi", json!({})).await;
    for n in [&open, &anonymous, &confidential] {
        t.route(n, None).await;
    }

    for format in ["xml", "json"] {
        let reply = t.get(&format!("/open311/v2/requests.{format}")).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        for secret in [REPORTER, "Siti", EMAIL, "7777", "8888"] {
            assert!(!reply.body.contains(secret), "{secret} in {}", reply.body);
        }
        assert!(!reply.body.contains("Pungutan liar"), "{}", reply.body);
        assert!(!reply.body.contains(&confidential), "{}", reply.body);
        assert!(!reply.body.contains(&unverified), "{}", reply.body);
        assert!(reply.body.contains(&open) && reply.body.contains(&anonymous));
    }
    let list = t
        .get("/open311/v2/requests.json?extensions=true")
        .await
        .json();
    let list = list.as_array().unwrap();
    let ids: Vec<&str> = list
        .iter()
        .map(|r| r["service_request_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![anonymous.as_str(), open.as_str()], "newest first");
    assert!(
        list[0]["lat"].is_null() && list[0]["long"].is_null(),
        "an anonymous reporter's pin is where they stood: never published"
    );
    let first = &list[1];
    assert_eq!(first["status"], "open");
    assert_eq!(first["service_code"], "pekerjaan_umum.jalan_jembatan");
    assert_eq!(first["service_name"], "Jalan dan jembatan");
    assert_eq!(first["agency_responsible"], common::CITY_NAME);
    assert_eq!(first["lat"], -2.21);
    assert_eq!(first["long"], 113.92);
    assert_eq!(first["address"], "Jl. Yos Sudarso depan pasar");
    assert_eq!(first["requested_datetime"], "2026-11-25T10:00:00+07:00");
    assert_eq!(first["extended_attributes"]["status"], "INVESTIGATING");
    assert_eq!(first["extended_attributes"]["channel"], "api");
    assert_eq!(
        first["extended_attributes"]["title"],
        "Jalan berlubang dekat pasar"
    );
    assert!(
        t.get("/open311/v2/requests.json").await.json()[0]
            .get("extended_attributes")
            .is_none()
    );

    // One request, by either form of its number; hidden ones do not exist.
    let one = t.get(&format!("/open311/v2/requests/{open}.xml")).await;
    assert_eq!(one.status, StatusCode::OK);
    assert!(one.body.contains(&format!(
        "<service_requests><request><service_request_id>{open}</service_request_id><status>open</status>"
    )));
    let short = open.trim_start_matches('0');
    assert_eq!(
        t.get(&format!("/open311/v2/requests/{short}.json"))
            .await
            .json()[0]["service_request_id"],
        open.as_str()
    );
    for hidden in [&confidential, &unverified, "9999999", "abc"] {
        for format in ["xml", "json"] {
            expect_error(
                &t.get(&format!("/open311/v2/requests/{hidden}.{format}"))
                    .await,
                StatusCode::NOT_FOUND,
            );
            expect_error(
                &t.get(&format!("/open311/v2/tokens/{hidden}.{format}"))
                    .await,
                StatusCode::NOT_FOUND,
            );
        }
    }
    // Tokens are report numbers.
    let token = t
        .get(&format!("/open311/v2/tokens/{open}.json"))
        .await
        .json();
    assert_eq!(token, json!([{"service_request_id": open, "token": open}]));
    // Asking by id overrides the other filters; hidden ids stay hidden.
    let by_id = t
        .get(&format!(
            "/open311/v2/requests.json?service_request_id={open},{confidential}&status=closed&service_code=kesehatan"
        ))
        .await
        .json();
    assert_eq!(by_id.as_array().unwrap().len(), 1);
    assert_eq!(by_id[0]["service_request_id"], open.as_str());
}

/// The ids `GET requests.json?{query}` lists.
async fn ids(t: &TestApp, query: &str) -> Vec<String> {
    let reply = t.get(&format!("/open311/v2/requests.json?{query}")).await;
    assert_eq!(reply.status, StatusCode::OK, "{query}: {}", reply.body);
    reply
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["service_request_id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn request_filters_and_pages() {
    let t = TestApp::new().await;
    let a = file(&t, "Jalan berlubang dekat pasar", json!({})).await;
    t.advance_days(1);
    let b = file(
        &t,
        "Antrean BPJS sangat panjang",
        json!({"category": "kesehatan.bpjs"}),
    )
    .await;
    t.advance_days(1);
    let c = file(&t, "Jembatan kayu lapuk dan miring", json!({})).await;
    for n in [&a, &b, &c] {
        t.route(n, None).await;
    }
    let all = vec![c.clone(), b.clone(), a.clone()];
    assert_eq!(ids(&t, "").await, all);
    assert_eq!(
        ids(&t, "service_code=kesehatan.bpjs").await,
        vec![b.clone()]
    );
    assert_eq!(
        ids(
            &t,
            "service_code=kesehatan.bpjs,pekerjaan_umum.jalan_jembatan&status=open"
        )
        .await,
        all
    );
    assert!(ids(&t, "status=closed").await.is_empty());
    // Day two in WIB, written with an unescaped `+` as clients often do.
    assert_eq!(
        ids(
            &t,
            "start_date=2026-11-26T00:00:00+07:00&end_date=2026-11-26"
        )
        .await,
        vec![b.clone()]
    );
    assert_eq!(
        ids(&t, "start_date=2026-11-26T00:00:00Z").await,
        vec![c.clone(), b.clone()]
    );
    assert_eq!(
        ids(&t, "end_date=2026-11-25T23:00:00Z").await,
        vec![a.clone()]
    );
    assert_eq!(ids(&t, "page_size=2").await, vec![c.clone(), b.clone()]);
    assert_eq!(ids(&t, "page_size=2&page=2").await, vec![a.clone()]);
    assert!(ids(&t, "page_size=2&page=3").await.is_empty());
    // The empty parameter is an absent one.
    assert_eq!(ids(&t, "status=&service_code=&page=").await, all);
}

#[tokio::test]
async fn bad_parameters_get_the_spec_error_array_never_a_500() {
    let t = TestApp::new().await;
    let cases: &[(&str, StatusCode)] = &[
        (
            "/open311/v2/requests.xml?start_date=kemarin",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/open311/v2/requests.json?end_date=2026-02-30",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/open311/v2/requests.xml?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/open311/v2/requests.json?start_date=2026-06-01T00:00:00Z&end_date=2026-01-01T00:00:00Z",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/open311/v2/requests.xml?start_date=99999-01-01",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/open311/v2/requests.xml?status=pending",
            StatusCode::BAD_REQUEST,
        ),
        ("/open311/v2/requests.json?page=0", StatusCode::BAD_REQUEST),
        (
            "/open311/v2/requests.json?page_size=-5",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/open311/v2/requests.xml?service_request_id=1,x",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/open311/v2/requests.xml?description=%FF",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/open311/v2/requests.xml?jurisdiction_id=sfgov.org",
            StatusCode::NOT_FOUND,
        ),
        (
            "/open311/v2/services.json?jurisdiction_id=sfgov.org",
            StatusCode::NOT_FOUND,
        ),
        ("/open311/v2/requests.csv", StatusCode::NOT_FOUND),
        ("/open311/v2/requests", StatusCode::NOT_FOUND),
        ("/open311/v2/laporan.xml", StatusCode::NOT_FOUND),
        ("/open311/v2/a/b/c.xml", StatusCode::NOT_FOUND),
        ("/open311/v2/requests/%FF.xml", StatusCode::NOT_FOUND),
    ];
    for (path, status) in cases {
        let reply = t.get(path).await;
        let said = expect_error(&reply, *status);
        let wanted = if path.contains(".json") { JSON } else { XML };
        assert_eq!(reply.header("content-type"), wanted, "{path}");
        assert!(!said.is_empty(), "{path}");
    }
    let many: Vec<String> = (1..=1001).map(|n| n.to_string()).collect();
    let reply = t
        .get(&format!(
            "/open311/v2/requests.xml?service_request_id={}",
            many.join(",")
        ))
        .await;
    expect_error(&reply, StatusCode::BAD_REQUEST);
    let put = t
        .send(
            axum::http::Request::put("/open311/v2/requests/1.json")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    expect_error(&put, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(put.header("content-type"), JSON);
    // Several problems at once are listed together.
    let reply = t.get("/open311/v2/requests.json?status=maybe&page=x").await;
    assert_eq!(expect_error(&reply, StatusCode::BAD_REQUEST).len(), 2);
    // The configured jurisdiction, in any case, is fine.
    let ok = t
        .get("/open311/v2/services.xml?jurisdiction_id=LAPOR.go.id")
        .await;
    assert_eq!(ok.status, StatusCode::OK);
}

#[tokio::test]
async fn a_required_jurisdiction_is_refused_when_missing() {
    let t = TestApp::new().await;
    let router = axum::Router::new()
        .nest(
            "/open311/v2",
            lapor_web::open311::routes_with(lapor_web::open311::Open311Config {
                jurisdiction_id: "lapor.go.id".into(),
                require_jurisdiction: true,
            }),
        )
        .with_state(lapor_web::AppState {
            app: t.app.clone(),
            config: lapor_web::WebConfig::default(),
        });
    let send = |path: &'static str| {
        let router = router.clone();
        async move {
            use http_body_util::BodyExt;
            use tower::ServiceExt;
            let response = router
                .oneshot(
                    axum::http::Request::get(path)
                        .body(axum::body::Body::empty())
                        .unwrap(),
                )
                .await
                .unwrap();
            let status = response.status();
            let headers = response.headers().clone();
            let body = response.into_body().collect().await.unwrap().to_bytes();
            Reply {
                status,
                headers,
                body: String::from_utf8_lossy(&body).into_owned(),
            }
        }
    };
    let said = expect_error(
        &send("/open311/v2/services.json").await,
        StatusCode::BAD_REQUEST,
    );
    assert!(said[0].contains("jurisdiction_id"), "{said:?}");
    assert_eq!(
        send("/open311/v2/services.json?jurisdiction_id=lapor.go.id")
            .await
            .status,
        StatusCode::OK
    );
}

// ---------------------------------------------------------------------------------------
// Writing: POST requests, servicerequestupdates, keys and limits.

/// An Open311 key for a client named `name`.
async fn key(t: &TestApp, name: &str) -> String {
    t.app
        .add_api_client(name, None, &[lapor_app::ApiScope::Open311], None)
        .await
        .unwrap()
        .key
}

/// A small JPEG (sniffed by its magic bytes).
fn jpeg() -> Vec<u8> {
    let mut data = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
    data.extend_from_slice(b"JFIF\0 foto lubang jalan");
    data
}

const BOUNDARY: &str = "----lapor-open311-test";

/// Form fields in the order sent.
type Fields<'a> = Vec<(&'a str, &'a str)>;

/// A `multipart/form-data` body: text fields, then files as `(field, file name, bytes)`.
fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, Vec<u8>)]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (name, file_name, data) in files {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: image/jpeg\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn post_bytes(t: &TestApp, path: &str, content_type: &str, body: Vec<u8>) -> Reply {
    t.send(
        axum::http::Request::post(path)
            .header("content-type", content_type)
            .body(axum::body::Body::from(body))
            .unwrap(),
    )
    .await
}

async fn post_multipart(
    t: &TestApp,
    path: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &str, Vec<u8>)],
) -> Reply {
    post_bytes(
        t,
        path,
        &format!("multipart/form-data; boundary={BOUNDARY}"),
        multipart(fields, files),
    )
    .await
}

async fn post_form(t: &TestApp, path: &str, fields: &[(&str, &str)]) -> Reply {
    let body = fields
        .iter()
        .map(|(k, v)| format!("{}={}", common::encode(k), common::encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    post_bytes(
        t,
        path,
        "application/x-www-form-urlencoded; charset=utf-8",
        body.into_bytes(),
    )
    .await
}

/// `(number, channel)` of each report in the national verification queue.
async fn verification_queue(t: &TestApp) -> Vec<(String, lapor_domain::report::Channel)> {
    t.verification_queue()
        .await
        .into_iter()
        .map(|r| (r.report.number.to_string(), r.report.channel))
        .collect()
}

const DESCRIPTION: &str = "Jalan berlubang besar di depan SDN 1 Pahandut\n\nSudah sebulan dan membahayakan pengendara motor.";

fn fixmystreet_fields(api_key: &str) -> Vec<(&str, &str)> {
    vec![
        ("api_key", api_key),
        ("jurisdiction_id", "lapor.go.id"),
        ("service_code", "pekerjaan_umum.jalan_jembatan"),
        ("lat", "-2.2161"),
        ("long", "113.9135"),
        ("email", "budi@example.com"),
        ("first_name", "Budi"),
        ("last_name", "Santoso"),
        ("phone", "0812-3456-7890"),
        ("description", DESCRIPTION),
        ("deviceid", "fms-device-1"),
        ("media_url", "https://fms.example/photo/4242.0.full.jpeg"),
        ("media_url", "https://fms.example/photo/4242.1.full.jpeg"),
        ("attribute[fixmystreet_id]", "4242"),
    ]
}

#[tokio::test]
async fn a_fixmystreet_client_files_one_report_whatever_it_resends() {
    let t = TestApp::new().await;
    let api_key = key(&t, "FixMyStreet Palangka Raya").await;
    // What FixMyStreet reads first, XML only.
    assert_eq!(
        t.get("/open311/v2/services.xml").await.status,
        StatusCode::OK
    );
    assert_eq!(
        t.get("/open311/v2/services/pekerjaan_umum.jalan_jembatan.xml")
            .await
            .status,
        StatusCode::OK
    );
    let fields = fixmystreet_fields(&api_key);
    let photo = [("media", "photo.jpeg", jpeg())];
    let reply = post_multipart(&t, "/open311/v2/requests.xml", &fields, &photo).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.header("content-type"), XML);
    assert!(reply.body.starts_with(DECLARATION));
    let number = between(&reply.body, "service_request_id").to_owned();
    assert!(
        reply.body.contains(&format!(
            "<service_requests><request><service_request_id>{number}</service_request_id><service_notice>"
        )),
        "{}",
        reply.body
    );
    assert!(reply.body.contains("<account_id/>"));

    let queue = verification_queue(&t).await;
    assert_eq!(
        queue,
        vec![(number.clone(), lapor_domain::report::Channel::Open311)]
    );
    let officers = t.officers().await;
    let case = t
        .app
        .case(&officers.national, ReportNumber::parse(&number).unwrap())
        .await
        .unwrap();
    let report = &case.report.record.report;
    assert_eq!(
        report.title,
        "Jalan berlubang besar di depan SDN 1 Pahandut"
    );
    assert!(
        report
            .body
            .contains("https://fms.example/photo/4242.1.full.jpeg")
    );
    assert_eq!(
        report.category.as_deref(),
        Some("pekerjaan_umum.jalan_jembatan")
    );
    assert_eq!(report.location.coordinates, Some((-2.2161, 113.9135)));
    assert!(report.location.region.is_undetermined());
    // The uploaded photo is kept with the report for the officers.
    assert_eq!(case.files.len(), 1, "the multipart photo is stored");
    assert_eq!(case.files[0].content_type, "image/jpeg");

    // The same request again, and again with the same FixMyStreet id but edited: nothing new.
    let again = post_multipart(&t, "/open311/v2/requests.xml", &fields, &photo).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(between(&again.body, "service_request_id"), number);
    let mut edited = fields.clone();
    edited.retain(|(k, _)| *k != "description");
    edited.push((
        "description",
        "Jalan berlubang besar, dikirim ulang oleh FixMyStreet.",
    ));
    let edited = post_form(&t, "/open311/v2/requests.xml", &edited).await;
    assert_eq!(between(&edited.body, "service_request_id"), number);
    assert_eq!(verification_queue(&t).await.len(), 1);
    // Another client's report with the same FixMyStreet id is its own.
    let other = key(&t, "FixMyStreet Kotawaringin").await;
    let theirs = post_form(&t, "/open311/v2/requests.xml", &fixmystreet_fields(&other)).await;
    assert_eq!(theirs.status, StatusCode::OK, "{}", theirs.body);
    assert_ne!(between(&theirs.body, "service_request_id"), number);
    assert_eq!(verification_queue(&t).await.len(), 2);
}

#[tokio::test]
async fn a_json_client_files_and_replays_by_its_parameters() {
    let t = TestApp::new().await;
    let api_key = key(&t, "Aplikasi Kota").await;
    let fields = [
        ("api_key", api_key.as_str()),
        ("service_code", "lingkungan_hidup.sampah"),
        (
            "address_string",
            "Pasar Besar, Jl. Ahmad Yani, Palangka Raya",
        ),
        (
            "description",
            "Sampah menumpuk di pasar sejak seminggu dan mulai berbau.",
        ),
        ("device_id", "android-77"),
        ("attribute[classification]", "aspirasi"),
        ("attribute[title]", "Sampah menumpuk di pasar"),
        ("attribute[region_code]", "62.71.01"),
        ("attribute[anonymous]", "true"),
        ("attribute[tags][]", "pasar"),
        ("attribute[tags][]", "sampah"),
    ];
    let reply = post_form(&t, "/open311/v2/requests.json", &fields).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.header("content-type"), JSON);
    let json = reply.json();
    let number = json[0]["service_request_id"].as_str().unwrap().to_owned();
    assert!(json[0]["account_id"].is_null());
    // The same parameters in another order with another key of the same client: a replay.
    let mut shuffled = fields.to_vec();
    shuffled.reverse();
    let again = post_form(&t, "/open311/v2/requests.json", &shuffled).await;
    assert_eq!(again.json()[0]["service_request_id"], number.as_str());
    assert_eq!(verification_queue(&t).await.len(), 1);

    let officers = t.officers().await;
    let case = t
        .app
        .case(&officers.national, ReportNumber::parse(&number).unwrap())
        .await
        .unwrap();
    let report = &case.report.record.report;
    assert_eq!(report.title, "Sampah menumpuk di pasar");
    assert_eq!(report.location.region.as_str(), "62.71.01");
    assert_eq!(
        report.location.address.as_deref(),
        Some("Pasar Besar, Jl. Ahmad Yani, Palangka Raya")
    );
    assert_eq!(
        report.classification,
        lapor_domain::report::Classification::Aspirasi
    );
    assert!(report.privacy.anonymous && !report.privacy.confidential);
    assert_eq!(report.channel, lapor_domain::report::Channel::Open311);

    // A changed description is another request.
    let mut changed = fields.to_vec();
    changed.retain(|(k, _)| *k != "description");
    changed.push((
        "description",
        "Sampah menumpuk di pasar sejak dua minggu dan mulai berbau.",
    ));
    let other = post_form(&t, "/open311/v2/requests.json", &changed).await;
    assert_ne!(other.json()[0]["service_request_id"], number.as_str());
}

#[tokio::test]
async fn bad_posts_get_the_spec_error_array_and_store_nothing() {
    let t = TestApp::new().await;
    let api_key = key(&t, "FixMyStreet Palangka Raya").await;
    let revoked = t
        .app
        .add_api_client("Lama", None, &[lapor_app::ApiScope::Open311], None)
        .await
        .unwrap();
    t.app.revoke_api_client(revoked.client.id).await.unwrap();
    let integration_only = t
        .app
        .add_api_client("Integrasi", None, &[lapor_app::ApiScope::Integration], None)
        .await
        .unwrap()
        .key;
    let valid = fixmystreet_fields(&api_key);
    let without = |name: &str| -> Vec<(&str, &str)> {
        valid.iter().filter(|(k, _)| *k != name).copied().collect()
    };
    let with = |name: &'static str, value: &'static str| -> Vec<(&str, &str)> {
        let mut fields = without(name);
        fields.push((name, value));
        fields
    };
    let long = "x".repeat(4001);
    let cases: Vec<(&str, Fields, StatusCode, &str)> = vec![
        (
            "no key",
            without("api_key"),
            StatusCode::FORBIDDEN,
            "api_key",
        ),
        (
            "wrong key",
            with("api_key", "lpr_salah"),
            StatusCode::FORBIDDEN,
            "api_key",
        ),
        (
            "revoked key",
            {
                let mut f = without("api_key");
                f.push(("api_key", revoked.key.as_str()));
                f
            },
            StatusCode::FORBIDDEN,
            "api_key",
        ),
        (
            "key of another scope",
            {
                let mut f = without("api_key");
                f.push(("api_key", integration_only.as_str()));
                f
            },
            StatusCode::FORBIDDEN,
            "api_key",
        ),
        (
            "no service",
            without("service_code"),
            StatusCode::BAD_REQUEST,
            "service_code",
        ),
        (
            "unknown service",
            with("service_code", "astrologi"),
            StatusCode::NOT_FOUND,
            "service_code",
        ),
        (
            "no location",
            without("lat")
                .into_iter()
                .filter(|(k, _)| *k != "long")
                .collect(),
            StatusCode::BAD_REQUEST,
            "lokasi",
        ),
        (
            "half a location",
            without("long"),
            StatusCode::BAD_REQUEST,
            "lat/long",
        ),
        (
            "not a number",
            with("lat", "selatan"),
            StatusCode::BAD_REQUEST,
            "lat/long",
        ),
        (
            "outside Indonesia",
            with("lat", "48.85"),
            StatusCode::BAD_REQUEST,
            "lat:",
        ),
        (
            "no description",
            without("description"),
            StatusCode::BAD_REQUEST,
            "description",
        ),
        (
            "too short",
            with("description", "Rusak"),
            StatusCode::BAD_REQUEST,
            "description",
        ),
        (
            "bad e-mail",
            with("email", "bukan-email"),
            StatusCode::BAD_REQUEST,
            "email",
        ),
        (
            "bad link",
            with("media_url", "file:///etc/passwd"),
            StatusCode::BAD_REQUEST,
            "media_url",
        ),
        (
            "bad classification",
            with("attribute[classification]", "gosip"),
            StatusCode::BAD_REQUEST,
            "attribute[classification]",
        ),
        (
            "bad region",
            with("attribute[region_code]", "99.99"),
            StatusCode::BAD_REQUEST,
            "attribute[region_code]",
        ),
        (
            "bad flag",
            with("attribute[confidential]", "mungkin"),
            StatusCode::BAD_REQUEST,
            "attribute[confidential]",
        ),
        (
            "other jurisdiction",
            with("jurisdiction_id", "sfgov.org"),
            StatusCode::NOT_FOUND,
            "jurisdiction_id",
        ),
    ];
    for (what, fields, status, names) in &cases {
        for format in ["xml", "json"] {
            let reply = post_form(&t, &format!("/open311/v2/requests.{format}"), fields).await;
            assert_eq!(reply.status, *status, "{what}: {}", reply.body);
            let said = expect_error(&reply, *status);
            assert!(said.iter().any(|d| d.contains(names)), "{what}: {said:?}");
        }
    }
    let mut too_long = without("description");
    too_long.push(("description", long.as_str()));
    let said = expect_error(
        &post_form(&t, "/open311/v2/requests.xml", &too_long).await,
        StatusCode::BAD_REQUEST,
    );
    assert!(said[0].contains("4000"), "{said:?}");
    // Bodies that cannot be read.
    expect_error(
        &post_bytes(
            &t,
            "/open311/v2/requests.xml",
            "application/x-www-form-urlencoded",
            b"api_key=x&description=%FF%FE".to_vec(),
        )
        .await,
        StatusCode::BAD_REQUEST,
    );
    expect_error(
        &post_bytes(
            &t,
            "/open311/v2/requests.json",
            "multipart/form-data; boundary=nope",
            b"garbage".to_vec(),
        )
        .await,
        StatusCode::BAD_REQUEST,
    );
    // A file that is not a photo.
    let said = expect_error(
        &post_multipart(
            &t,
            "/open311/v2/requests.xml",
            &valid,
            &[("media", "virus.exe", b"MZ\x90\0 not a photo".to_vec())],
        )
        .await,
        StatusCode::BAD_REQUEST,
    );
    assert!(said[0].starts_with("media"), "{said:?}");
    // Unknown formats and resources.
    expect_error(
        &post_form(&t, "/open311/v2/requests.csv", &valid).await,
        StatusCode::NOT_FOUND,
    );
    expect_error(
        &post_form(&t, "/open311/v2/services.xml", &valid).await,
        StatusCode::NOT_FOUND,
    );
    assert!(verification_queue(&t).await.is_empty(), "nothing stored");
}

#[tokio::test]
async fn a_client_over_its_budget_is_told_when_to_come_back() {
    let t = TestApp::new().await;
    let issued = t
        .app
        .add_api_client("Klien Sibuk", None, &[lapor_app::ApiScope::Open311], None)
        .await
        .unwrap();
    let (budget, _) = lapor_app::RateLimit::ApiKey.budget();
    for _ in 0..budget {
        t.app
            .rate_limit(lapor_app::RateLimit::ApiKey, &issued.client.id.to_string())
            .await
            .unwrap();
    }
    let reply = post_form(
        &t,
        "/open311/v2/requests.json",
        &fixmystreet_fields(&issued.key),
    )
    .await;
    expect_error(&reply, StatusCode::TOO_MANY_REQUESTS);
    assert!(reply.header("retry-after").parse::<u64>().unwrap() > 0);
    assert!(verification_queue(&t).await.is_empty());
    // Another client is not held back.
    let other = key(&t, "Klien Lain").await;
    let reply = post_form(&t, "/open311/v2/requests.json", &fixmystreet_fields(&other)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
}

#[tokio::test]
async fn follow_ups_reach_the_client_and_its_citizens_reply() {
    let t = TestApp::new().await;
    let api_key = key(&t, "FixMyStreet Palangka Raya").await;
    let filed = post_form(
        &t,
        "/open311/v2/requests.xml",
        &fixmystreet_fields(&api_key),
    )
    .await;
    let number = between(&filed.body, "service_request_id").to_owned();
    t.to_awaiting_reporter(
        &number,
        "Lubang sudah ditambal oleh Dinas PUPR pada hari Senin.",
    )
    .await;

    let updates = t
        .get(&format!(
            "/open311/v2/servicerequestupdates.xml?api_key={api_key}&start_date=2026-11-25T00:00:00Z&end_date=2026-11-26T00:00:00Z"
        ))
        .await;
    assert_eq!(updates.status, StatusCode::OK, "{}", updates.body);
    assert!(
        updates
            .body
            .contains("<service_requests_updates><request_update><update_id>"),
        "{}",
        updates.body
    );
    let items: Vec<&str> = updates.body.split("<request_update>").skip(1).collect();
    assert_eq!(
        items.len(),
        3,
        "routed, answered, published: {}",
        updates.body
    );
    assert_eq!(between(items[0], "service_request_id"), number);
    assert_eq!(between(items[0], "status"), "INVESTIGATING");
    assert_eq!(
        between(items[0], "description"),
        "Diverifikasi dan diteruskan ke Pemerintah Kota Palangka Raya"
    );
    assert_eq!(between(items[1], "status"), "ACTION_SCHEDULED");
    assert_eq!(between(items[2], "status"), "FIXED");
    assert_eq!(
        between(items[2], "description"),
        "Lubang sudah ditambal oleh Dinas PUPR pada hari Senin."
    );
    assert!(items[2].contains("<media_url/>"));
    // JSON too; nothing for another client; nothing without a key.
    let json = t
        .get(&format!(
            "/open311/v2/servicerequestupdates.json?api_key={api_key}"
        ))
        .await
        .json();
    assert_eq!(json.as_array().unwrap().len(), 3);
    assert_eq!(json[2]["status"], "FIXED");
    let other = key(&t, "Klien Lain").await;
    assert_eq!(
        t.get(&format!(
            "/open311/v2/servicerequestupdates.json?api_key={other}"
        ))
        .await
        .json(),
        json!([])
    );
    expect_error(
        &t.get("/open311/v2/servicerequestupdates.xml").await,
        StatusCode::FORBIDDEN,
    );
    expect_error(
        &t.get(&format!(
            "/open311/v2/servicerequestupdates.xml?api_key={api_key}&start_date=kemarin"
        ))
        .await,
        StatusCode::BAD_REQUEST,
    );

    // Made rahasia by an officer: the client, which may publish what it fetches, keeps
    // getting the status but no longer the follow-up's text.
    let officers = t.officers().await;
    t.act(
        &officers.national,
        &number,
        lapor_app::Command::RaisePrivacy {
            anonymous: false,
            confidential: true,
        },
    )
    .await;
    let hidden = t
        .get(&format!(
            "/open311/v2/servicerequestupdates.json?api_key={api_key}"
        ))
        .await;
    assert_eq!(hidden.json().as_array().unwrap().len(), 3);
    assert!(
        !hidden.body.contains("Lubang sudah ditambal"),
        "{}",
        hidden.body
    );

    // The citizen answers through the client: the report goes back to the agency, once.
    let answer = [
        ("api_key", api_key.as_str()),
        ("jurisdiction_id", "lapor.go.id"),
        ("service_request_id", number.as_str()),
        ("update_id", "fms-update-77"),
        ("updated_datetime", "2026-11-25T12:00:00+07:00"),
        ("status", "OPEN"),
        (
            "description",
            "Belum diperbaiki, lubangnya masih ada dan makin besar.",
        ),
    ];
    for _ in 0..2 {
        let reply = post_form(&t, "/open311/v2/servicerequestupdates.xml", &answer).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert!(reply.body.contains(
            "<service_request_updates><request_update><update_id>fms-update-77</update_id></request_update></service_request_updates>"
        ), "{}", reply.body);
    }
    let officers = t.officers().await;
    let case = t
        .app
        .case(&officers.agency, ReportNumber::parse(&number).unwrap())
        .await
        .unwrap();
    assert_eq!(
        case.report.record.report.status,
        lapor_domain::status::Status::Routed
    );
    let replies = case
        .report
        .history
        .iter()
        .filter(|e| {
            matches!(
                &e.event.kind,
                lapor_domain::event::EventKind::Transition {
                    action: lapor_domain::status::Action::ReporterReply,
                    reason: Some(r),
                    ..
                } if r.contains("makin besar")
            )
        })
        .count();
    assert_eq!(replies, 1, "a replay changes nothing");
    // The client's own update is not sent back to it.
    let after = t
        .get(&format!(
            "/open311/v2/servicerequestupdates.json?api_key={api_key}"
        ))
        .await
        .json();
    assert_eq!(after.as_array().unwrap().len(), 3);

    // Nothing awaits an answer now: the refusal says why.
    let mut late = answer.to_vec();
    late.retain(|(k, _)| *k != "update_id");
    late.push(("update_id", "fms-update-78"));
    let said = expect_error(
        &post_form(&t, "/open311/v2/servicerequestupdates.json", &late).await,
        StatusCode::BAD_REQUEST,
    );
    assert!(!said.is_empty());
    // Another client cannot answer for this report; unknown numbers are unknown.
    let mut stranger = answer.to_vec();
    stranger.retain(|(k, _)| *k != "api_key");
    stranger.push(("api_key", other.as_str()));
    expect_error(
        &post_form(&t, "/open311/v2/servicerequestupdates.xml", &stranger).await,
        StatusCode::NOT_FOUND,
    );
    let mut missing = answer.to_vec();
    missing.retain(|(k, _)| *k != "description");
    let said = expect_error(
        &post_form(&t, "/open311/v2/servicerequestupdates.xml", &missing).await,
        StatusCode::BAD_REQUEST,
    );
    assert!(said[0].starts_with("description"), "{said:?}");
}
