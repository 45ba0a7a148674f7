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
use lapor_app::{App, AppError, Command, FixedClock, Officer, Upload};
use lapor_domain::tracking::ReportNumber;
use lapor_domain::user::Role;
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

/// The agencies the workflow helpers route to (the demo's codes and names, so they also
/// work on top of the demo).
pub const CITY: &str = "pemkot-palangkaraya";
pub const CITY_NAME: &str = "Pemerintah Kota Palangka Raya";
pub const PUPR: &str = "pemkot-palangkaraya.pupr";
pub const PUPR_NAME: &str = "Dinas Pekerjaan Umum dan Penataan Ruang Kota Palangka Raya";
pub const KEMENSOS: &str = "kemensos";
pub const KEMENSOS_NAME: &str = "Kementerian Sosial";

const AGENCIES: &str = "code,name,kind,parent,regions
pemkot-palangkaraya,Pemerintah Kota Palangka Raya,pemerintah_kota,,62.71
pemkot-palangkaraya.pupr,Dinas Pekerjaan Umum dan Penataan Ruang Kota Palangka Raya,dinas,pemkot-palangkaraya,62.71
kemensos,Kementerian Sosial,kementerian,,
";

/// One officer per role: the national admin, the city's agency admin and its PUPR unit.
#[derive(Debug, Clone)]
pub struct Officers {
    pub national: Officer,
    pub agency: Officer,
    pub unit: Officer,
}

/// A small PDF (sniffed as `application/pdf` by the use case).
pub fn pdf(text: &str) -> Upload {
    Upload {
        file_name: "surat balasan.pdf".to_owned(),
        data: format!("%PDF-1.4\n% {text}\n%%EOF\n").into_bytes(),
    }
}

impl TestApp {
    /// The agencies above and one officer account per role, created on first use (the
    /// agencies are skipped when the demo already has them).
    pub async fn officers(&self) -> Officers {
        self.app
            .import_agencies(AGENCIES.as_bytes(), |_, _| {})
            .await
            .unwrap();
        // The workflow reads agencies from the cached policy, which an import does not renew.
        self.app.reload_policy().await.unwrap();
        let officer = |role: Role, login: &'static str, name: &'static str, agency| {
            let app = self.app.clone();
            async move {
                let user = match app.find_account(login).await.unwrap() {
                    Some(user) => user,
                    None => app
                        .add_user(name, Some(login), None, "kata-sandi-uji-123", role, agency)
                        .await
                        .unwrap(),
                };
                app.officer(&user).await.unwrap()
            }
        };
        Officers {
            national: officer(
                Role::AdminNasional,
                "nasional@uji.lapor.id",
                "Admin Nasional Uji",
                None,
            )
            .await,
            agency: officer(
                Role::AdminInstansi,
                "instansi@uji.lapor.id",
                "Admin Pemkot Uji",
                Some(CITY),
            )
            .await,
            unit: officer(
                Role::AdminUnit,
                "pupr@uji.lapor.id",
                "Penghubung PUPR Uji",
                Some(PUPR),
            )
            .await,
        }
    }

    /// Takes one officer step through the use case, on the report's current version.
    pub async fn try_act(
        &self,
        officer: &Officer,
        number: &str,
        command: Command,
    ) -> Result<(), AppError> {
        let number = ReportNumber::parse(number).unwrap();
        let version = self
            .app
            .case(officer, number)
            .await?
            .report
            .record
            .workflow
            .version;
        self.app.act(officer, number, version, command).await
    }

    pub async fn act(&self, officer: &Officer, number: &str, command: Command) {
        self.try_act(officer, number, command)
            .await
            .unwrap_or_else(|e| panic!("officer step on {number} failed: {e:?}"));
    }

    /// Verifies and routes report `number` as the national admin, which publishes it
    /// (unless it is confidential): to `agency`, by default the city.
    pub async fn route(&self, number: &str, agency: Option<&str>) {
        let officers = self.officers().await;
        let case = self
            .app
            .case(&officers.national, ReportNumber::parse(number).unwrap())
            .await
            .unwrap();
        let r = &case.report.record.report;
        let command = Command::Verify {
            title: r.title.clone(),
            classification: r.classification.code().to_owned(),
            category: r.category.clone(),
            handling_class: "biasa".to_owned(),
            agency: agency.unwrap_or(CITY).to_owned(),
            anonymous: false,
            confidential: false,
        };
        self.act(&officers.national, number, command).await;
    }

    /// The city's agency admin writes a follow-up, published to the reporter at once.
    pub async fn follow_up(&self, number: &str, text: &str, attachments: Vec<Upload>) {
        let officers = self.officers().await;
        self.act(
            &officers.agency,
            number,
            Command::FollowUp {
                text: text.to_owned(),
                attachments,
            },
        )
        .await;
    }

    /// Routes report `number` to the city, whose admin answers: the report then awaits its
    /// reporter.
    pub async fn to_awaiting_reporter(&self, number: &str, text: &str) {
        self.route(number, None).await;
        self.follow_up(number, text, Vec::new()).await;
    }

    /// Makes `agency` review its units' follow-ups before the reporter sees them (no use case
    /// sets this yet: through the store).
    pub async fn require_approval(&self, agency: &str) {
        let db = lapor_store::Db::connect(&self.db_url).await.unwrap();
        db.set_requires_approval(agency, true).await.unwrap();
        db.close().await;
        self.app.reload_policy().await.unwrap();
    }

    /// Moves the clock `days` calendar days on.
    pub fn advance_days(&self, days: i64) {
        self.clock
            .set(self.app.now() + chrono::TimeDelta::days(days));
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

/// The `value` of the first input named `name`.
pub fn value_of(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no input named {name}"));
    let tag_start = html[..start].rfind('<').unwrap();
    let tag = &html[tag_start..start + html[start..].find('>').unwrap()];
    let v = tag.find("value=\"").map_or("", |i| &tag[i + 7..]);
    unescape(&v[..v.find('"').unwrap_or(v.len())])
}

/// Undoes askama's HTML escaping.
pub fn unescape(s: &str) -> String {
    s.replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#38;", "&")
}

impl TestApp {
    /// The reports in the national admin's verification queue (unverified), newest first.
    pub async fn verification_queue(&self) -> Vec<lapor_app::ReportRecord> {
        let officers = self.officers().await;
        let inbox = self
            .app
            .inbox(
                &officers.national,
                &lapor_app::InboxQuery {
                    statuses: vec![lapor_domain::status::Status::Unverified],
                    ..lapor_app::InboxQuery::default()
                },
            )
            .await
            .unwrap();
        inbox.page.items.into_iter().map(|i| i.record).collect()
    }
}
