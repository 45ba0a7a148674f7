//! A test app over a real SQLite file, driven in-process through the router (crates.io's
//! TestApp pattern). The region table is loaded once into a template database per test
//! binary and copied for each test, so every test starts from a fresh, complete database.

#![allow(dead_code, clippy::unwrap_used, clippy::missing_panics_doc)]

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use chrono::{TimeZone, Utc};
use http_body_util::BodyExt;
use lapor_app::{App, FixedClock};
use tower::ServiceExt;

static TEMPLATE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();

fn template() -> PathBuf {
    TEMPLATE
        .get_or_init(|| {
            // Built on its own runtime: each #[tokio::test] has its own, and this runs once.
            std::thread::spawn(|| {
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("template.db");
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async {
                    let app = App::open(
                        &format!("sqlite:{}", path.display()),
                        Arc::new(lapor_app::SystemClock),
                        &mut (),
                    )
                    .await
                    .unwrap();
                    app.close().await;
                });
                (dir, path)
            })
            .join()
            .unwrap()
        })
        .1
        .clone()
}

pub struct TestApp {
    pub app: App,
    pub router: Router,
    pub clock: Arc<FixedClock>,
    /// The database URL, for tests that reach below the use cases (e.g. to take a
    /// workflow step no use case offers yet).
    pub db_url: String,
    _dir: tempfile::TempDir,
}

/// A response, read whole.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// `name=value` pairs of the cookies this response sets.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next())
            .map(str::to_owned)
            .collect()
    }
}

/// 2026-11-25 10:00 WIB: a Wednesday.
pub fn test_now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 3, 0, 0).unwrap()
}

impl TestApp {
    /// A fresh database with reference data (regions, categories), no agencies.
    pub async fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lapor.db");
        std::fs::copy(template(), &path).unwrap();
        let clock = Arc::new(FixedClock::new(test_now()));
        let db_url = format!("sqlite:{}", path.display());
        let app = App::open(&db_url, clock.clone(), &mut ()).await.unwrap();
        let router = lapor_web::router(app.clone(), lapor_web::WebConfig::default());
        Self {
            app,
            router,
            clock,
            db_url,
            _dir: dir,
        }
    }

    /// Like [`TestApp::new`] with the demo agencies, reports and accounts loaded.
    pub async fn with_demo() -> Self {
        let t = Self::new().await;
        t.app.load_demo().await.unwrap();
        t
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(Request::get(path).body(Body::empty()).unwrap())
            .await
    }

    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        let mut req = Request::get(path);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> Reply {
        self.post_raw(path, "application/json", body.to_string(), &[])
            .await
    }

    pub async fn post_raw(
        &self,
        path: &str,
        content_type: &str,
        body: String,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut req = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::CONTENT_TYPE, content_type);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req.body(Body::from(body)).unwrap()).await
    }

    /// Posts a form as a browser would: with the CSRF cookie and token (and any other
    /// cookies, e.g. a session, given as `name=value`).
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)], cookies: &[&str]) -> Reply {
        const CSRF: &str = "0123456789abcdef0123456789abcdef";
        let mut body: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect();
        body.push(format!("csrf={CSRF}"));
        let mut cookie = vec![format!("lapor_csrf={CSRF}")];
        cookie.extend(cookies.iter().map(|c| (*c).to_owned()));
        self.post_raw(
            path,
            "application/x-www-form-urlencoded",
            body.join("&"),
            &[("cookie", &cookie.join("; "))],
        )
        .await
    }

    /// Files a report through the API and returns `(number, tracking_code)`.
    pub async fn file(&self, fields: serde_json::Value) -> (String, String) {
        let mut body = serde_json::json!({
            "classification": "pengaduan",
            "title": "Jalan rusak di depan sekolah",
            "body": "Jalan berlubang besar di depan SDN 1 membahayakan anak-anak yang berangkat sekolah.",
            "region_code": "62.71.01",
        });
        if let (Some(base), Some(extra)) = (body.as_object_mut(), fields.as_object()) {
            for (k, v) in extra {
                base.insert(k.clone(), v.clone());
            }
        }
        let reply = self.post_json("/api/v1/reports", &body).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        let json = reply.json();
        (
            json["number"].as_str().unwrap().to_owned(),
            json["tracking_code"].as_str().unwrap().to_owned(),
        )
    }
}

impl TestApp {
    /// Verifies and routes report `number` as the national admin would, which publishes it
    /// (unless it is confidential). Goes to the store directly: no use case offers this yet.
    pub async fn route(&self, number: &str, agency: Option<&str>) {
        use lapor_domain::event::{Actor, Event, EventKind};
        use lapor_domain::status::{Action, ActorRole, Status};
        let db = lapor_store::Db::connect(&self.db_url).await.unwrap();
        let number = lapor_domain::tracking::ReportNumber::parse(number).unwrap();
        let from = db.find_report(number).await.unwrap().unwrap().report.status;
        let agency = agency.map(str::to_owned);
        let event = Event {
            at: self.app.now(),
            actor: Actor {
                role: ActorRole::AdminNasional,
                user_id: None,
            },
            kind: {
                let mut kind = EventKind::step(Action::Verify, from, Status::Routed);
                if let EventKind::Transition { agency: a, .. } = &mut kind {
                    a.clone_from(&agency);
                }
                kind
            },
        };
        db.record_transition(&lapor_store::TransitionRecord {
            number,
            from,
            to: Status::Routed,
            agency,
            event,
        })
        .await
        .unwrap();
        db.close().await;
    }

    /// The number of the stored report titled `title` (looked up in the store, so it also
    /// finds reports that no public page shows).
    pub async fn number_of(&self, title: &str) -> String {
        let db = lapor_store::Db::connect(&self.db_url).await.unwrap();
        let count = db.count_reports().await.unwrap();
        let mut found = None;
        for n in 1..=count {
            let number = lapor_domain::tracking::ReportNumber(n);
            if let Some(record) = db.find_report(number).await.unwrap()
                && record.report.title == title
            {
                found = Some(number.to_string());
            }
        }
        db.close().await;
        found.unwrap_or_else(|| panic!("no report titled {title:?}"))
    }

    /// Posts a form with a CSRF token and cookie that do not match, or with extra headers
    /// (e.g. `Sec-Fetch-Site`), to check that forged posts are refused.
    pub async fn post_form_with(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        csrf_field: Option<&str>,
        cookies: &[&str],
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut body: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect();
        if let Some(token) = csrf_field {
            body.push(format!("csrf={token}"));
        }
        let mut all: Vec<(&str, &str)> = headers.to_vec();
        let cookie = cookies.join("; ");
        if !cookie.is_empty() {
            all.push(("cookie", &cookie));
        }
        self.post_raw(
            path,
            "application/x-www-form-urlencoded",
            body.join("&"),
            &all,
        )
        .await
    }
}

/// Percent-encodes a form value.
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                char::from(b).to_string()
            }
            b' ' => "+".to_owned(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
