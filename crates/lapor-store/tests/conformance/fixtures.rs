//! Small builders for reference rows, agencies, users and reports.

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use lapor_domain::agency::{AgencyKind, NewAgency};
use lapor_domain::category;
use lapor_domain::event::{Actor, Event, EventKind};
use lapor_domain::privacy::Privacy;
use lapor_domain::region::{RegionCode, regions};
use lapor_domain::report::{Channel, Classification, Location, NewReport};
use lapor_domain::status::{Action, ActorRole, Status};
use lapor_domain::tracking::ReportNumber;
use lapor_domain::user::{Contact, Email, Phone, Role};
use lapor_store::{AgencyRecord, Db, NewUserRecord, RegionRow, SubmitOutcome, SubmitRecord};

/// A fixed instant with microseconds, plus `minutes`.
pub fn t(minutes: i64) -> DateTime<Utc> {
    let base = Utc
        .with_ymd_and_hms(2026, 11, 28, 3, 4, 5)
        .single()
        .expect("valid instant");
    base + TimeDelta::microseconds(123_456) + TimeDelta::minutes(minutes)
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

pub fn code(raw: &str) -> RegionCode {
    RegionCode::parse(raw).expect("syntactically valid region code")
}

/// The row of a region from the compiled-in table, or a made-up one with the same shape when
/// the code does not exist there.
pub fn region_row(raw: &str) -> RegionRow {
    let c = code(raw);
    match regions().get(&c) {
        Some(r) => RegionRow {
            code: r.code().as_str().to_owned(),
            parent_code: r.parent().map(|p| p.as_str().to_owned()),
            level: i32::from(r.level().depth()),
            name: r.name().to_owned(),
        },
        None => RegionRow {
            code: c.as_str().to_owned(),
            parent_code: c.parent().map(|p| p.as_str().to_owned()),
            level: i32::from(c.level().depth()),
            name: format!("Wilayah uji {raw}"),
        },
    }
}

/// The regions the report scenarios use.
pub const REGIONS: &[&str] = &[
    "31",
    "31.71",
    "62",
    "62.01",
    "62.71",
    "62.71.01",
    "62.71.01.1001",
    "62.72",
];

/// Categories and [`REGIONS`].
pub async fn seed_reference(db: &Db) {
    db.insert_categories(category::DEFAULT)
        .await
        .expect("insert categories");
    let rows: Vec<RegionRow> = REGIONS.iter().map(|c| region_row(c)).collect();
    db.insert_regions(&rows, |_| {})
        .await
        .expect("insert regions");
}

pub async fn agency(
    db: &Db,
    code: &str,
    name: &str,
    kind: AgencyKind,
    parent: Option<&str>,
    regions: &[&str],
) -> AgencyRecord {
    db.insert_agency(&new_agency(code, name, kind, parent, regions), t(0))
        .await
        .expect("insert agency")
}

pub fn new_agency(
    code: &str,
    name: &str,
    kind: AgencyKind,
    parent: Option<&str>,
    regions: &[&str],
) -> NewAgency {
    NewAgency {
        code: code.to_owned(),
        name: name.to_owned(),
        kind,
        parent_code: parent.map(str::to_owned),
        regions: regions.iter().map(|r| self::code(r)).collect(),
    }
}

pub fn new_user(name: &str, email: Option<&str>, phone: Option<&str>, role: Role) -> NewUserRecord {
    NewUserRecord {
        name: name.to_owned(),
        email: email.map(|e| Email::parse(e).expect("valid email")),
        phone: phone.map(|p| Phone::parse(p).expect("valid phone")),
        password_hash: format!("$argon2id$v=19$hash-of-{name}"),
        role,
        agency_id: None,
    }
}

/// A plain web complaint with no optional field set.
pub fn report(title: &str, body: &str, region: &str, category: Option<&str>) -> NewReport {
    NewReport {
        classification: Classification::Pengaduan,
        title: title.to_owned(),
        body: body.to_owned(),
        incident_date: None,
        location: Location {
            region: code(region),
            address: None,
            coordinates: None,
        },
        category: category.map(str::to_owned),
        target_agency: None,
        privacy: Privacy::default(),
        channel: Channel::Web,
        contact: Contact::default(),
    }
}

pub fn contact(name: Option<&str>, email: Option<&str>, phone: Option<&str>) -> Contact {
    Contact {
        name: name.map(str::to_owned),
        email: email.map(|e| Email::parse(e).expect("valid email")),
        phone: phone.map(|p| Phone::parse(p).expect("valid phone")),
    }
}

/// The answer stored for an idempotency key.
pub fn receipt(number: ReportNumber) -> String {
    format!(r#"{{"number":"{number}"}}"#)
}

pub fn tracking() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

pub fn record(report: &NewReport, at: DateTime<Utc>) -> SubmitRecord {
    SubmitRecord {
        report: report.clone(),
        tracking_hash: tracking(),
        reporter_user_id: None,
        at,
        idempotency: None,
        receipt: std::sync::Arc::new(receipt),
        language: "id".into(),
        due_at: None,
        attention_at: None,
        jobs: Vec::new(),
        inbound: None,
        client_id: None,
        files: Vec::new(),
    }
}

/// Submits `report` and expects a new report.
pub async fn submit(db: &Db, report: &NewReport, at: DateTime<Utc>) -> ReportNumber {
    submit_record(db, &record(report, at)).await
}

pub async fn submit_record(db: &Db, record: &SubmitRecord) -> ReportNumber {
    match db.submit_report(record).await.expect("submit report") {
        SubmitOutcome::Created(number) => number,
        other => panic!("expected a new report, got {other:?}"),
    }
}

pub fn role_for(action: Action) -> ActorRole {
    match action {
        Action::RouteToChosenAgency | Action::AutoRoute | Action::AutoClose => ActorRole::System,
        Action::Dispose
        | Action::ReturnNotAuthority
        | Action::PublishFollowUp
        | Action::RejectFollowUp => ActorRole::AdminInstansi,
        Action::ReturnToAgency | Action::FollowUp => ActorRole::AdminUnit,
        Action::ReporterReply
        | Action::ConfirmResolved
        | Action::Reopen
        | Action::EscalateOmbudsman => ActorRole::Reporter,
        Action::SupplyInformation => ActorRole::Reporter,
        Action::Accept => ActorRole::AdminInstansi,
        Action::Verify
        | Action::UndoAutoRoute
        | Action::Pend
        | Action::RequestInformation
        | Action::Archive => ActorRole::AdminNasional,
    }
}

/// A workflow step as the use cases build it.
pub fn step(
    number: ReportNumber,
    action: Action,
    from: Status,
    to: Status,
    agency: Option<&str>,
    at: DateTime<Utc>,
) -> TransitionRecord {
    TransitionRecord {
        number,
        from,
        to,
        agency: agency.map(str::to_owned),
        event: Event {
            at,
            actor: Actor {
                role: role_for(action),
                user_id: None,
            },
            kind: {
                let mut kind = EventKind::step(action, from, to);
                if let EventKind::Transition { agency: a, .. } = &mut kind {
                    *a = agency.map(str::to_owned);
                }
                kind
            },
        },
    }
}

/// Verifies an unverified report and routes it to `agency`: it becomes public.
pub async fn publish(db: &Db, number: ReportNumber, agency: &str, at: DateTime<Utc>) {
    db.record_transition(&step(
        number,
        Action::Verify,
        Status::Unverified,
        Status::Routed,
        Some(agency),
        at,
    ))
    .await
    .expect("verify and route");
}

/// Views of [`Db::load_report`], the one statement that reads a report with its reporter and
/// history, shaped as the scenarios ask their questions.
#[allow(async_fn_in_trait)]
/// A plain workflow step (status, agency, one event), as most scenarios need it.
#[derive(Debug, Clone)]
pub struct TransitionRecord {
    pub number: ReportNumber,
    pub from: Status,
    pub to: Status,
    pub agency: Option<String>,
    pub event: Event,
}

/// Stores a [`TransitionRecord`] through the one write path, `Db::apply`.
pub trait RecordTransition {
    fn record_transition(
        &self,
        step: &TransitionRecord,
    ) -> impl std::future::Future<Output = Result<(), lapor_store::StoreError>> + Send;
}

impl RecordTransition for Db {
    async fn record_transition(
        &self,
        step: &TransitionRecord,
    ) -> Result<(), lapor_store::StoreError> {
        self.apply(&lapor_store::Change {
            number: Some(step.number),
            status: Some((step.from, step.to)),
            agency: step.agency.clone(),
            events: vec![step.event.clone()],
            ..lapor_store::Change::default()
        })
        .await
        .map(|_| ())
    }
}

pub trait LoadReport {
    async fn find_report_by_tracking(
        &self,
        hash: &str,
    ) -> lapor_store::Result<Option<lapor_store::ReportRecord>>;
    async fn find_reporter(
        &self,
        number: lapor_domain::tracking::ReportNumber,
    ) -> lapor_store::Result<Option<lapor_store::ReporterRecord>>;
    async fn list_events(
        &self,
        number: lapor_domain::tracking::ReportNumber,
        public_only: bool,
    ) -> lapor_store::Result<Vec<lapor_store::StoredEvent>>;
}

impl LoadReport for lapor_store::Db {
    async fn find_report_by_tracking(
        &self,
        hash: &str,
    ) -> lapor_store::Result<Option<lapor_store::ReportRecord>> {
        Ok(self
            .load_report(lapor_store::ReportKey::TrackingHash(hash), false)
            .await?
            .map(|r| r.record))
    }

    async fn find_reporter(
        &self,
        number: lapor_domain::tracking::ReportNumber,
    ) -> lapor_store::Result<Option<lapor_store::ReporterRecord>> {
        Ok(self
            .load_report(lapor_store::ReportKey::Number(number), false)
            .await?
            .and_then(|r| r.reporter))
    }

    async fn list_events(
        &self,
        number: lapor_domain::tracking::ReportNumber,
        public_only: bool,
    ) -> lapor_store::Result<Vec<lapor_store::StoredEvent>> {
        Ok(self
            .load_report(lapor_store::ReportKey::Number(number), public_only)
            .await?
            .map(|r| r.history)
            .unwrap_or_default())
    }
}
