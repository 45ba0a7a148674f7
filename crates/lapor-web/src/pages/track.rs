//! `/lacak`: follow a report with its tracking code, and the report page its reporter sees
//! (also used by `/laporan-saya/{number}`).
//!
//! The code is posted, never put in a URL, so it stays out of server logs, browser history
//! and `Referer` headers.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lapor_app::{AppError, PublicReport, TrackedReport};
use lapor_domain::region::regions;

use super::{
    Chrome, Ctx, TimelineEntry, category_name, no_store, render_status, reporter_timeline, timeline,
};
use crate::AppState;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::request::CsrfForm;

/// A report, ready to show, to its reporter or to the public.
pub struct ReportView {
    pub number: String,
    pub title: String,
    pub body: String,
    pub status: &'static str,
    pub classification: &'static str,
    pub category: Option<String>,
    pub region: String,
    pub region_code: String,
    pub address: Option<String>,
    pub incident_date: Option<String>,
    /// The agency the reporter chose (reporter view only).
    pub target_agency: Option<String>,
    /// The agency handling it now.
    pub agency: Option<String>,
    pub anonymous: bool,
    pub confidential: bool,
    pub published: bool,
    pub filed: String,
    pub updated: String,
    /// Public view only: the reporter's name, or "Anonim" for anonymous reports.
    pub reporter: Option<String>,
    pub timeline: Vec<TimelineEntry>,
}

impl ReportView {
    /// The reporter's view: everything but the contact details (a leaked tracking code must
    /// not leak a phone number).
    pub async fn for_reporter(state: &AppState, tr: Tr, tracked: &TrackedReport) -> Self {
        let r = &tracked.record.report;
        Self {
            number: r.number.to_string(),
            title: r.title.clone(),
            body: r.body.clone(),
            status: tr.status(r.status),
            classification: tr.classification(r.classification),
            category: r
                .category
                .as_deref()
                .map(|c| category_name(&state.app, tr, c).unwrap_or_else(|| c.to_owned())),
            region: regions()
                .full_name(&r.location.region)
                .unwrap_or_else(|| r.location.region.as_str().to_owned()),
            region_code: r.location.region.as_str().to_owned(),
            address: r.location.address.clone(),
            incident_date: r.incident_date.map(|d| tr.date(d)),
            target_agency: tracked
                .record
                .target_agency_name
                .clone()
                .or_else(|| r.target_agency.clone()),
            agency: tracked
                .record
                .agency_name
                .clone()
                .or_else(|| r.agency.clone()),
            anonymous: r.privacy.anonymous,
            confidential: r.privacy.confidential,
            published: r.is_public(),
            filed: tr.datetime_wib(r.created_at),
            updated: tr.datetime_wib(r.updated_at),
            reporter: None,
            timeline: reporter_timeline(&state.app, tr, &tracked.history).await,
        }
    }

    /// The public view, built only from the privacy projection of the use case.
    pub async fn for_public(state: &AppState, tr: Tr, report: &PublicReport) -> Self {
        let reporter = match (&report.reporter_name, report.anonymous) {
            (Some(name), _) => Some(name.clone()),
            (None, true) => Some(tr.rep_anonymous().to_owned()),
            (None, false) => None,
        };
        Self {
            number: report.number.clone(),
            title: report.title.clone(),
            body: report.body.clone(),
            status: tr.status_public(report.status),
            classification: tr.classification(report.classification),
            category: report
                .category
                .as_deref()
                .map(|c| category_name(&state.app, tr, c).unwrap_or_else(|| c.to_owned())),
            region: report
                .region_name
                .clone()
                .unwrap_or_else(|| report.region_code.clone()),
            region_code: report.region_code.clone(),
            address: report.address.clone(),
            incident_date: report.incident_date.map(|d| tr.date(d)),
            target_agency: None,
            agency: report.agency_name.clone().or_else(|| report.agency.clone()),
            anonymous: report.anonymous,
            confidential: false,
            published: true,
            filed: tr.datetime_wib(report.created_at),
            updated: tr.datetime_wib(report.updated_at),
            reporter,
            timeline: timeline(
                &state.app,
                tr,
                report.history.iter().map(|e| (e.at, &e.kind)),
            )
            .await,
        }
    }
}

#[derive(Template)]
#[template(path = "report.html")]
pub struct ReportPage {
    pub chrome: Chrome,
    pub r: ReportView,
    pub for_reporter: bool,
}

#[derive(Template)]
#[template(path = "track.html")]
struct TrackPage {
    chrome: Chrome,
    code: String,
    message: Option<&'static str>,
}

/// The reporter's page of a report, never cached.
pub async fn reporter_page(state: &AppState, ctx: &Ctx, tracked: &TrackedReport) -> Response {
    let page = ReportPage {
        chrome: ctx.chrome(),
        r: ReportView::for_reporter(state, ctx.tr, tracked).await,
        for_reporter: true,
    };
    no_store(render_status(StatusCode::OK, &page, ctx.tr))
}

/// `GET /lacak`.
pub async fn show(ctx: Ctx) -> Response {
    let page = TrackPage {
        chrome: ctx.chrome(),
        code: String::new(),
        message: None,
    };
    render_status(StatusCode::OK, &page, ctx.tr)
}

/// `POST /lacak`: the report behind the posted code, or the form again with a message.
pub async fn post(State(state): State<AppState>, ctx: Ctx, CsrfForm(form): CsrfForm) -> Response {
    let code = form.get("code").trim().chars().take(64).collect::<String>();
    match state.app.track(&code).await {
        Ok(tracked) => reporter_page(&state, &ctx, &tracked).await,
        Err(AppError::NotFound) => {
            let page = TrackPage {
                chrome: ctx.chrome(),
                code,
                message: Some(ctx.tr.problem_tracking_not_found()),
            };
            no_store(render_status(StatusCode::NOT_FOUND, &page, ctx.tr))
        }
        Err(other) => PageError::from_app(other, ctx.tr).into_response(),
    }
}
