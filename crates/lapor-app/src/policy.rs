//! The deployment's rules of time: limits, holidays and each agency's calendar and zone.
//! Read from the database at start and on every sweep, so several app servers converge on
//! the same settings without talking to each other.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;
use lapor_domain::calendar::{Calendar, Holiday, HolidayKind, Zone};
use lapor_domain::region::RegionCode;
use lapor_domain::workflow::Limits;
use lapor_domain::{Problem, ValidationErrors};
use lapor_store::Db;

use crate::{App, AppError, Result};

/// What the workflow needs to know about an agency, cached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyInfo {
    pub code: String,
    pub name: String,
    pub parent: Option<String>,
    pub zone: Zone,
    pub requires_approval: bool,
}

/// Limits, calendars and the agency directory of the deployment.
#[derive(Debug, Clone)]
pub struct Policy {
    pub limits: Limits,
    /// The national calendar (compiled-in holidays, imported years, the cuti bersama setting).
    pub calendar: Calendar,
    /// Route automatically above this confidence (off when `None`).
    pub auto_route_threshold: Option<f32>,
    agencies: HashMap<String, AgencyInfo>,
    /// Agencies with regional holidays of their own (or inherited from a parent).
    regional: HashMap<String, Calendar>,
    loaded_at: std::time::Instant,
}

/// How long a process trusts its copy of the policy before reading it again: settings,
/// holidays and agencies may be changed by another app server or the CLI.
const POLICY_TTL: std::time::Duration = std::time::Duration::from_secs(30);

/// Setting keys, with what they hold.
pub const SETTINGS: &[(&str, &str)] = &[
    (
        "limits.verification",
        "working days for the national admin to verify and route (default 3)",
    ),
    (
        "limits.follow_up",
        "working days for the agency's first follow-up (default 5)",
    ),
    (
        "limits.reporter_window",
        "working days the reporter may answer before the report closes (default 10)",
    ),
    (
        "limits.resolution",
        "resolution targets by class: biasa,tanpa_pemeriksaan,pemeriksaan_lapangan (default 5,14,60)",
    ),
    (
        "limits.escalate_after",
        "working days after an overdue follow-up before the parent agency is alerted (default 2)",
    ),
    (
        "limits.ombudsman_days",
        "calendar days unresolved before the Ombudsman is offered (default 60)",
    ),
    (
        "calendar.cuti_bersama_stops_clock",
        "whether cuti bersama days are non-working (true/false, default true)",
    ),
    (
        crate::routing::AUTO_ROUTE_SETTING,
        "route reports automatically when the first suggestion is this sure (0.3-1; empty: never, the default)",
    ),
];

fn invalid(field: &'static str) -> AppError {
    AppError::Invalid(ValidationErrors::single(field, Problem::InvalidValue))
}

/// Applies one setting to `limits`/`cuti`; refuses unknown keys and bad values.
fn apply_setting(
    limits: &mut Limits,
    cuti: &mut bool,
    auto_route: &mut Option<f32>,
    key: &str,
    value: &str,
) -> Result<()> {
    let number = |v: &str| {
        v.trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=365).contains(n))
            .ok_or_else(|| invalid("value"))
    };
    match key {
        "limits.verification" => limits.verification = number(value)?,
        "limits.follow_up" => limits.follow_up = number(value)?,
        "limits.reporter_window" => limits.reporter_window = number(value)?,
        "limits.escalate_after" => limits.escalate_after = number(value)?,
        "limits.ombudsman_days" => limits.ombudsman_days = number(value)?,
        "limits.resolution" => {
            let parts = value.split(',').map(number).collect::<Result<Vec<_>>>()?;
            limits.resolution = parts.try_into().map_err(|_| invalid("value"))?;
        }
        "calendar.cuti_bersama_stops_clock" => {
            *cuti = match value.trim() {
                "true" | "ya" | "1" => true,
                "false" | "tidak" | "0" => false,
                _ => return Err(invalid("value")),
            }
        }
        crate::routing::AUTO_ROUTE_SETTING => {
            *auto_route = match value.trim() {
                "" => None,
                v => Some(
                    v.replace(',', ".")
                        .parse::<f32>()
                        .ok()
                        .filter(|t| (0.3..=1.0).contains(t))
                        .ok_or_else(|| invalid("value"))?,
                ),
            }
        }
        _ => return Err(invalid("key")),
    }
    Ok(())
}

impl Policy {
    /// Reads settings, stored holidays and agencies.
    pub(crate) async fn load(db: &Db) -> Result<Self> {
        let mut limits = Limits::default();
        let mut cuti = true;
        let mut auto_route_threshold = None;
        for (key, value) in db.settings().await? {
            // Channel state shares the table (the e-mail reply secret, IMAP positions).
            if key.starts_with("email.") {
                continue;
            }
            // A bad stored value must not stop the service: keep the default and say so.
            if apply_setting(
                &mut limits,
                &mut cuti,
                &mut auto_route_threshold,
                &key,
                &value,
            )
            .is_err()
            {
                tracing::warn!(key, "ignoring an invalid setting");
            }
        }
        let mut national = Vec::new();
        let mut by_agency: HashMap<String, Vec<Holiday>> = HashMap::new();
        for (scope, date, kind, name) in db.list_holidays().await? {
            let Some(kind) = HolidayKind::from_code(&kind) else {
                continue;
            };
            let holiday = Holiday { date, name, kind };
            if scope == NATIONAL {
                national.push(holiday);
            } else {
                by_agency.entry(scope).or_default().push(holiday);
            }
        }
        let calendar = Calendar::new(national.clone(), cuti);
        let records = db.list_agencies().await?;
        let by_code: HashMap<&str, &lapor_store::AgencyRecord> =
            records.iter().map(|a| (a.code.as_str(), a)).collect();
        let mut agencies = HashMap::new();
        let mut regional = HashMap::new();
        for agency in &records {
            // Zone and regional holidays come from the agency or the nearest ancestor with any.
            let mut zone = None;
            let mut extra: Vec<Holiday> = Vec::new();
            let mut cursor = Some(agency);
            let mut depth = 0;
            while let Some(a) = cursor
                && depth < 16
            {
                if zone.is_none() {
                    zone = a
                        .regions
                        .iter()
                        .find_map(|r| RegionCode::parse(r).ok())
                        .map(|r| Zone::of_region(&r));
                }
                if let Some(days) = by_agency.get(&a.code) {
                    extra.extend(days.iter().cloned());
                }
                cursor = a
                    .parent_code
                    .as_deref()
                    .and_then(|p| by_code.get(p).copied());
                depth += 1;
            }
            if !extra.is_empty() {
                let mut all = national.clone();
                all.extend(extra);
                regional.insert(agency.code.clone(), Calendar::new(all, cuti));
            }
            agencies.insert(
                agency.code.clone(),
                AgencyInfo {
                    code: agency.code.clone(),
                    name: agency.name.clone(),
                    parent: agency.parent_code.clone(),
                    zone: zone.unwrap_or(Zone::Wib),
                    requires_approval: agency.requires_approval,
                },
            );
        }
        Ok(Self {
            limits,
            auto_route_threshold,
            calendar,
            agencies,
            regional,
            loaded_at: std::time::Instant::now(),
        })
    }

    #[must_use]
    pub fn agency(&self, code: &str) -> Option<&AgencyInfo> {
        self.agencies.get(code)
    }

    /// The zone an agency's clock runs in (WIB for unknown or national bodies).
    #[must_use]
    pub fn zone_of(&self, agency: Option<&str>) -> Zone {
        agency
            .and_then(|a| self.agencies.get(a))
            .map_or(Zone::Wib, |a| a.zone)
    }

    /// The calendar an agency's clock runs on: national plus its regional holidays.
    #[must_use]
    pub fn calendar_of(&self, agency: Option<&str>) -> &Calendar {
        agency
            .and_then(|a| self.regional.get(a))
            .unwrap_or(&self.calendar)
    }

    /// The clocks of `report` after `extra` events, in `status`, handled by `agency`:
    /// verification on the national calendar, agency steps on the agency's.
    #[must_use]
    pub fn clocks(
        &self,
        report: &lapor_store::ReportWithHistory,
        extra: &[lapor_domain::event::Event],
        status: lapor_domain::status::Status,
        class: lapor_domain::workflow::HandlingClass,
        agency: Option<&str>,
    ) -> lapor_domain::workflow::Clocks {
        let mut history: Vec<lapor_domain::event::Event> =
            report.history.iter().map(|e| e.event.clone()).collect();
        history.extend_from_slice(extra);
        lapor_domain::workflow::clocks(
            &history,
            status,
            class,
            &self.limits,
            lapor_domain::workflow::Calendars {
                national: &self.calendar,
                agency: self.calendar_of(agency),
            },
            self.zone_of(agency),
        )
    }

    /// How a deadline reads at `now`: verification in WIB on the national calendar, agency
    /// steps in the agency's zone on its calendar.
    #[must_use]
    pub fn deadline(
        &self,
        step: lapor_domain::workflow::Step,
        due: Option<chrono::DateTime<chrono::Utc>>,
        agency: Option<&str>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> crate::DeadlineView {
        let (zone, calendar) = if step == lapor_domain::workflow::Step::Verification {
            (Zone::Wib, &self.calendar)
        } else {
            (self.zone_of(agency), self.calendar_of(agency))
        };
        crate::DeadlineView {
            step,
            due,
            zone,
            days_left: due.map(|due| calendar.working_days_left(now, due, zone)),
            overdue: due.is_some_and(|due| now >= due),
        }
    }

    /// Who must approve a follow-up written by the unit `author` before it is published:
    /// the nearest agency above it that asks for approval (a unit a report was routed to
    /// directly still answers to its parent's rule).
    #[must_use]
    pub fn approver_of(&self, author: &str) -> Option<&AgencyInfo> {
        self.lineage(author)
            .into_iter()
            .skip(1)
            .find(|a| a.requires_approval)
    }

    /// `agency` and its ancestors, nearest first.
    #[must_use]
    pub fn lineage(&self, agency: &str) -> Vec<&AgencyInfo> {
        let mut out = Vec::new();
        let mut cursor = self.agencies.get(agency);
        while let Some(a) = cursor {
            if out.len() > 16 {
                break;
            }
            out.push(a);
            cursor = a.parent.as_deref().and_then(|p| self.agencies.get(p));
        }
        out
    }

    /// Whether `agency` is `ancestor` or below it.
    #[must_use]
    pub fn is_within(&self, agency: &str, ancestor: &str) -> bool {
        self.lineage(agency).iter().any(|a| a.code == ancestor)
    }

    /// The agencies directly below `parent`, by name.
    #[must_use]
    pub fn units_of(&self, parent: &str) -> Vec<&AgencyInfo> {
        let mut units: Vec<&AgencyInfo> = self
            .agencies
            .values()
            .filter(|a| a.parent.as_deref() == Some(parent))
            .collect();
        units.sort_by_key(|a| a.name.to_lowercase());
        units
    }
}

/// Scope of holidays that apply everywhere (imported later years).
pub const NATIONAL: &str = "national";

impl App {
    /// The current policy (cheap: a shared pointer).
    #[must_use]
    pub fn policy(&self) -> Arc<Policy> {
        self.policy
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// The policy, read again first when this process's copy is older than [`POLICY_TTL`]:
    /// what decides a step (approval, scope, deadlines) follows changes made elsewhere.
    ///
    /// # Errors
    /// On storage failure.
    pub(crate) async fn fresh_policy(&self) -> Result<Arc<Policy>> {
        if self.policy().loaded_at.elapsed() > POLICY_TTL {
            self.reload_policy().await?;
        }
        Ok(self.policy())
    }

    /// Re-reads settings, holidays and agencies (after an import, and on every sweep so all
    /// app servers follow).
    ///
    /// # Errors
    /// On storage failure.
    pub async fn reload_policy(&self) -> Result<()> {
        let fresh = Arc::new(Policy::load(&self.db).await?);
        // Deadlines reach into next year from November on: say early that holidays are missing.
        let year = chrono::Datelike::year(&self.today_in_indonesia());
        for year in [year, year + 1] {
            if !fresh.calendar.covers(year) {
                tracing::warn!(
                    year,
                    "no national holidays known for this year; deadlines count only weekends (import them with `lapor holidays import`)"
                );
            }
        }
        *self
            .policy
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = fresh;
        Ok(())
    }

    /// Holidays imported into the database: `(scope, date, kind, name)`.
    ///
    /// # Errors
    /// On storage failure.
    pub async fn imported_holidays(&self) -> Result<Vec<(String, NaiveDate, String, String)>> {
        Ok(self.db.list_holidays().await?)
    }

    /// Background jobs by kind: `(kind, pending, done, failed)`.
    ///
    /// # Errors
    /// On storage failure.
    pub async fn job_counts(&self) -> Result<Vec<(String, i64, i64, i64)>> {
        Ok(self.db.job_counts().await?)
    }

    /// Changes a deployment setting (see [`SETTINGS`]) after checking its value.
    ///
    /// # Errors
    /// [`AppError::Invalid`] for an unknown key or a bad value.
    pub async fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        let mut limits = Limits::default();
        let mut cuti = true;
        apply_setting(&mut limits, &mut cuti, &mut None, key, value)?;
        self.db.set_setting(key, value.trim()).await?;
        self.reload_policy().await
    }

    /// Imports holidays (the CSV format of the bundled list) for the whole country, or as
    /// regional holidays of `agency`. Returns how many rows were stored.
    ///
    /// # Errors
    /// [`AppError::Invalid`] listing every bad row (nothing is stored then); unknown agency.
    pub async fn import_holidays(&self, csv: &str, agency: Option<&str>) -> Result<u64> {
        let holidays = lapor_domain::calendar::parse_holidays_csv(csv).map_err(|errors| {
            AppError::InvalidRows(errors.0.iter().map(ToString::to_string).collect())
        })?;
        let scope = match agency {
            Some(code) => {
                if self.db.find_agency(code).await?.is_none() {
                    return Err(AppError::Invalid(ValidationErrors::single(
                        "agency",
                        Problem::UnknownAgency,
                    )));
                }
                code
            }
            None => NATIONAL,
        };
        let rows: Vec<(NaiveDate, String, String)> = holidays
            .into_iter()
            .map(|h| {
                // An agency's own days are regional whatever the file calls them.
                let kind = if agency.is_some() {
                    HolidayKind::Daerah
                } else {
                    h.kind
                };
                (h.date, kind.code().to_owned(), h.name)
            })
            .collect();
        let stored = self.db.insert_holidays(scope, &rows).await?;
        self.reload_policy().await?;
        Ok(stored)
    }
}
