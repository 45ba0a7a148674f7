//! Officers for the console tests: the demo tree of Palangka Raya with one logged-in browser
//! per role, reports brought to a given stage through the use cases, and multipart posts.

#![allow(dead_code, clippy::unwrap_used, clippy::missing_panics_doc)]

use std::collections::HashMap;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use lapor_app::{Command, Officer, Upload};
use lapor_domain::status::Status;
use lapor_domain::tracking::ReportNumber;
use lapor_domain::user::Role;

use super::common::{Reply, TestApp};

pub const CITY: &str = "pemkot-palangkaraya";
pub const PUPR: &str = "pemkot-palangkaraya.pupr";
pub const DINKES: &str = "pemkot-palangkaraya.dinkes";
pub const PROVINCE: &str = "pemprov-kalteng";
const CSRF: &str = "0123456789abcdef0123456789abcdef";
const PASSWORD: &str = "kata-sandi-uji-123";

/// Everyone who may knock on the console's door.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Who {
    /// Admin nasional.
    Nasional,
    /// Admin instansi of the agency the report is routed to (Pemkot Palangka Raya).
    Instansi,
    /// Admin instansi of another agency (Pemprov Kalimantan Tengah).
    InstansiLain,
    /// Admin unit of the unit the report is disposed to (Dinas PUPR).
    Unit,
    /// Admin unit of a sibling unit (Dinas Kesehatan).
    UnitLain,
    /// Pengawas (Ombudsman): reads everything, acts on nothing.
    Pengawas,
    /// A citizen with an account.
    Warga,
    /// A visitor who is not logged in.
    Tamu,
}

impl Who {
    pub const ALL: [Who; 8] = [
        Who::Nasional,
        Who::Instansi,
        Who::InstansiLain,
        Who::Unit,
        Who::UnitLain,
        Who::Pengawas,
        Who::Warga,
        Who::Tamu,
    ];
}

/// A test app with the demo data and one session per role.
pub struct World {
    pub t: TestApp,
    sessions: HashMap<Who, String>,
    logins: HashMap<Who, String>,
    passwords: HashMap<Who, String>,
}

impl World {
    pub async fn new() -> Self {
        let t = TestApp::new().await;
        let demo = t.app.load_demo().await.unwrap();
        let mut logins = HashMap::new();
        let mut passwords = HashMap::new();
        for account in demo {
            let who = match account.role {
                Role::AdminNasional => Who::Nasional,
                Role::AdminInstansi => Who::Instansi,
                Role::AdminUnit => Who::Unit,
                Role::Pengawas => Who::Pengawas,
                Role::Citizen => Who::Warga,
                Role::Superadmin => continue,
            };
            logins.insert(who, account.login.clone());
            passwords.insert(who, account.password.clone());
        }
        for (who, name, login, role, agency) in [
            (
                Who::InstansiLain,
                "Admin Pemprov Kalteng",
                "pemprov@uji.lapor.id",
                Role::AdminInstansi,
                PROVINCE,
            ),
            (
                Who::UnitLain,
                "Penghubung Dinkes Kota",
                "dinkes@uji.lapor.id",
                Role::AdminUnit,
                DINKES,
            ),
        ] {
            t.app
                .add_user(name, Some(login), None, PASSWORD, role, Some(agency))
                .await
                .unwrap();
            logins.insert(who, login.to_owned());
            passwords.insert(who, PASSWORD.to_owned());
        }
        let mut world = Self {
            t,
            sessions: HashMap::new(),
            logins,
            passwords,
        };
        world.login_all().await;
        world
    }

    /// Logs every account in through `POST /masuk` (again after the clock moved past the
    /// sessions' lifetime); officers land on the console, the citizen on their reports.
    pub async fn login_all(&mut self) {
        for (who, login) in &self.logins {
            let reply = self
                .t
                .post_form(
                    "/masuk",
                    &[("login", login), ("password", &self.passwords[who])],
                    &[],
                )
                .await;
            assert_eq!(reply.status, StatusCode::SEE_OTHER, "login of {who:?}");
            let expected = if *who == Who::Warga {
                "/laporan-saya"
            } else {
                "/petugas"
            };
            assert_eq!(reply.header("location"), expected, "{who:?} lands there");
            let cookie = reply
                .set_cookies()
                .into_iter()
                .find(|c| c.starts_with("lapor_session="))
                .unwrap();
            self.sessions.insert(*who, cookie);
        }
    }

    /// The cookies of `who`'s browser (none for the visitor).
    pub fn cookies(&self, who: Who) -> Vec<&str> {
        self.sessions
            .get(&who)
            .map(|c| vec![c.as_str()])
            .unwrap_or_default()
    }

    pub async fn get(&self, who: Who, path: &str) -> Reply {
        let mut cookie = vec![format!("lapor_csrf={CSRF}")];
        cookie.extend(self.cookies(who).into_iter().map(str::to_owned));
        self.t
            .get_with(path, &[("cookie", &cookie.join("; "))])
            .await
    }

    pub async fn post(&self, who: Who, path: &str, fields: &[(&str, &str)]) -> Reply {
        self.t.post_form(path, fields, &self.cookies(who)).await
    }

    /// A `multipart/form-data` post with the CSRF token, as a browser sends the follow-up
    /// form: `files` are `(field, file name, bytes)`.
    pub async fn post_multipart(
        &self,
        who: Who,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> Reply {
        const BOUNDARY: &str = "----LaporUjiBatas7MA4YWxkTrZu0gW";
        let mut body: Vec<u8> = Vec::new();
        let mut all: Vec<(&str, &str)> = vec![("csrf", CSRF)];
        all.extend_from_slice(fields);
        for (name, value) in all {
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
                    "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(data);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        let mut cookie = vec![format!("lapor_csrf={CSRF}")];
        cookie.extend(self.cookies(who).into_iter().map(str::to_owned));
        let request = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .header("cookie", cookie.join("; "))
            .body(Body::from(body))
            .unwrap();
        self.t.send(request).await
    }

    /// The use-case officer behind `who`'s account.
    pub async fn officer(&self, who: Who) -> Officer {
        let user = self
            .t
            .app
            .find_account(&self.logins[&who])
            .await
            .unwrap()
            .unwrap();
        self.t.app.officer(&user).await.unwrap()
    }

    /// Takes a step through the use case (setting up a stage, not under test).
    pub async fn act(&self, who: Who, number: &str, command: Command) {
        let officer = self.officer(who).await;
        let number = ReportNumber::parse(number).unwrap();
        let version = self.version(number).await;
        self.t
            .app
            .act(&officer, number, version, command)
            .await
            .unwrap_or_else(|e| panic!("{who:?} could not take the step: {e}"));
    }

    /// The report's version and status as the national admin reads them.
    pub async fn version(&self, number: ReportNumber) -> i64 {
        self.state(number).await.0
    }

    pub async fn state(&self, number: ReportNumber) -> (i64, Status) {
        let officer = self.officer(Who::Nasional).await;
        let case = self.t.app.case(&officer, number).await.unwrap();
        (
            case.report.record.workflow.version,
            case.report.record.report.status,
        )
    }

    /// Files a report (anonymous or not) with a name and phone number; returns
    /// `(number, tracking code)`.
    pub async fn file(&self, title: &str, anonymous: bool) -> (String, String) {
        self.t
            .file(serde_json::json!({
                "title": title,
                "region_code": "62.71.01",
                "anonymous": anonymous,
                "reporter": {"name": "Sri Wahyuni Pelapor", "phone": "0812 7777 6543", "email": "sri.pelapor@example.com"},
            }))
            .await
    }

    /// Brings a freshly filed report to `stage` through the use cases; returns
    /// `(number, tracking code)`.
    pub async fn report_at(&self, stage: Stage, title: &str, anonymous: bool) -> (String, String) {
        let (number, code) = self.file(title, anonymous).await;
        if stage == Stage::Unverified {
            return (number, code);
        }
        self.act(Who::Nasional, &number, verify_to_city(title))
            .await;
        if stage == Stage::Routed {
            return (number, code);
        }
        self.act(
            Who::Instansi,
            &number,
            Command::Dispose {
                units: vec![PUPR.to_owned()],
            },
        )
        .await;
        if stage == Stage::Disposed {
            return (number, code);
        }
        self.act(
            Who::Unit,
            &number,
            Command::FollowUp {
                text: "Tim sudah meninjau lokasi; perbaikan dijadwalkan pekan depan.".to_owned(),
                attachments: vec![Upload {
                    file_name: "berita-acara.pdf".to_owned(),
                    data: pdf(),
                }],
            },
        )
        .await;
        (number, code)
    }
}

/// Where a report stands when a test starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Unverified,
    /// Verified and routed to the city.
    Routed,
    /// Disposed to the city's PUPR unit.
    Disposed,
    /// PUPR wrote a follow-up (with a PDF) that waits for the city's approval.
    FollowedUp,
}

pub fn verify_to_city(title: &str) -> Command {
    Command::Verify {
        title: title.to_owned(),
        classification: "pengaduan".to_owned(),
        category: Some("pekerjaan_umum.jalan_jembatan".to_owned()),
        handling_class: "biasa".to_owned(),
        agency: CITY.to_owned(),
        anonymous: false,
        confidential: false,
    }
}

/// A small file that the use case recognises as PDF.
pub fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

/// The `value` of the first input named `name` in `html`.
pub fn input_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no input {name} in:\n{html}"))
        + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_owned()
}

/// The form with `id` in `html`, up to its end.
pub fn form<'a>(html: &'a str, id: &str) -> Option<&'a str> {
    let marker = format!("id=\"{id}\"");
    let at = html.find(&marker)?;
    let begin = html[..at].rfind("<form")?;
    let end = at + html[at..].find("</form>")?;
    Some(&html[begin..end])
}
