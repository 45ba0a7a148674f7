//! The Open311 GeoReport v2 endpoint through HTTP: discovery, services, service definitions,
//! service requests in XML and JSON, the spec's error arrays, and privacy.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::{Reply, TestApp};
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
