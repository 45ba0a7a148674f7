//! `/petugas/laporan/{number}`: one report as an officer handles it, its step forms, the
//! step post and the logged look at an anonymous reporter's identity.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lapor_app::{
    AppError, Case, DeadlineView, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, ReporterRecord,
    ReporterView, format_due,
};
use lapor_domain::event::EventKind;
use lapor_domain::region::regions;
use lapor_domain::status::Action;
use lapor_domain::tracking::ReportNumber;
use lapor_domain::validation::Problem;
use lapor_domain::{FieldError, ValidationErrors};

use super::forms::{Forms, handling_class_label};
use super::{Frame, Staff, staff, upload};
use crate::AppState;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::pages::{Chrome, Ctx, FieldErrors, category_name, no_store, render_status, see_other};
use crate::request::{CsrfForm, FormData};

/// A deadline as the console shows it.
pub(crate) struct DeadlineText {
    pub step: &'static str,
    /// Local due date and time in the agency's zone; `None` while the clock is stopped.
    pub due: Option<String>,
    /// "2 hari kerja lagi", "terlambat 3 hari kerja", or why the clock stands still.
    pub left: String,
    pub overdue: bool,
}

impl DeadlineText {
    pub(crate) fn new(tr: Tr, d: &DeadlineView) -> Self {
        Self {
            step: tr.c_step(d.step),
            due: d.due.map(|due| format_due(due, d.zone)),
            left: match d.days_left {
                Some(n) if d.overdue || n < 0 => tr.c_days_overdue(n.unsigned_abs().max(1)),
                Some(n) => tr.c_days_left(n.unsigned_abs()),
                None => tr.c_clock_stopped().to_owned(),
            },
            overdue: d.overdue,
        }
    }
}

pub(crate) struct Contact {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

pub(crate) struct AttachmentView {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub size: String,
}

pub(crate) struct FollowUpView {
    pub agency: String,
    pub written: String,
    pub state: &'static str,
    /// `pending`, `published` or `rejected` (also the CSS class).
    pub state_code: &'static str,
    pub text: String,
    /// Why it was sent back, if it was.
    pub rejection: Option<String>,
    pub attachments: Vec<AttachmentView>,
}

pub(crate) struct HistoryEntry {
    pub when: String,
    pub actor: &'static str,
    pub text: String,
    /// Labelled texts given with the step: reason, question, answer, titles.
    pub details: Vec<(&'static str, String)>,
}

/// Everything shown about a report.
pub(crate) struct CaseView {
    /// Files the reporter sent with the report.
    pub files: Vec<AttachmentView>,
    pub number: String,
    pub title: String,
    pub body: String,
    pub status: &'static str,
    pub classification: &'static str,
    pub category: Option<String>,
    pub handling_class: String,
    pub region: String,
    pub region_code: String,
    pub address: Option<String>,
    pub incident_date: Option<String>,
    pub target_agency: Option<String>,
    pub agency: Option<String>,
    pub units: Vec<String>,
    pub anonymous: bool,
    pub confidential: bool,
    pub channel: &'static str,
    pub filed: String,
    pub deadline: Option<DeadlineText>,
    pub resolution_due: Option<String>,
    /// Anonymous and hidden from this officer.
    pub reporter_hidden: bool,
    /// Anonymous; this national admin may look (logged).
    pub reporter_revealable: bool,
    pub reporter: Option<Contact>,
    pub follow_ups: Vec<FollowUpView>,
    pub history: Vec<HistoryEntry>,
    pub bundle: bool,
}

#[derive(Template)]
#[template(path = "console/case.html")]
struct CasePage {
    chrome: Chrome,
    console: Frame,
    c: CaseView,
    forms: Forms,
    errors: FieldErrors,
    ok: bool,
    limits: String,
    similar: super::similar::SimilarView,
}

#[derive(Template)]
#[template(path = "console/message.html")]
struct MessagePage {
    chrome: Chrome,
    console: Frame,
    title: &'static str,
    message: String,
    link: String,
    link_text: &'static str,
}

/// How the page is shown besides the case itself.
#[derive(Default)]
struct View {
    status: Option<StatusCode>,
    ok: bool,
    errors: FieldErrors,
    /// The form that was refused as invalid, shown again as typed.
    failed: Option<FormData>,
    /// The identity a national admin just asked to see.
    revealed: Option<Option<ReporterRecord>>,
}

/// `GET /petugas/laporan/{number}[?ok=1]`.
pub(crate) async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let staff = match staff(&state, &ctx).await {
        Ok(s) => s,
        Err(answer) => return answer,
    };
    let Some(number) = ReportNumber::parse(&number) else {
        return PageError::not_found(ctx.tr).into_response();
    };
    let view = View {
        ok: FormData(query).checked("ok"),
        ..View::default()
    };
    page(&state, &ctx, &staff, number, view).await
}

/// `POST /petugas/laporan/{number}/identitas`: a national admin looks at an anonymous
/// reporter's identity. The use case records the look in the history; the identity is shown
/// on this response only, never on a page that can be fetched again.
pub(crate) async fn reveal(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    CsrfForm(_): CsrfForm,
) -> Response {
    let staff = match staff(&state, &ctx).await {
        Ok(s) => s,
        Err(answer) => return answer,
    };
    let Some(number) = ReportNumber::parse(&number) else {
        return PageError::not_found(ctx.tr).into_response();
    };
    match state.app.reveal_reporter(&staff.officer, number).await {
        Ok(reporter) => {
            let view = View {
                revealed: Some(reporter),
                ..View::default()
            };
            page(&state, &ctx, &staff, number, view).await
        }
        Err(e) => PageError::from_app(e, ctx.tr).into_response(),
    }
}

/// `POST /petugas/laporan/{number}/langkah`: one step, named by the field `action`, based
/// on the report's `version` the form was built from.
pub(crate) async fn step(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    req: Request,
) -> Response {
    let tr = ctx.tr;
    // Who asks is settled before a possibly large body is read.
    let staff = match staff(&state, &ctx).await {
        Ok(s) => s,
        Err(answer) => return answer,
    };
    let Some(number) = ReportNumber::parse(&number) else {
        return PageError::not_found(tr).into_response();
    };
    let posted = match upload::read(req, tr).await {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let form = posted.form.clone();
    let action = form.get("action").to_owned();
    if posted.too_large {
        let mut errors = FieldErrors::default();
        errors.add(
            "follow_up-attachments",
            tr.c_upload_too_large(MAX_ATTACHMENTS, MAX_ATTACHMENT_BYTES),
        );
        let view = View {
            status: Some(StatusCode::PAYLOAD_TOO_LARGE),
            errors,
            failed: Some(form),
            ..View::default()
        };
        return page(&state, &ctx, &staff, number, view).await;
    }
    let Ok(version) = form.get("version").trim().parse::<i64>() else {
        return conflict(&state, &ctx, &staff, number).await;
    };
    let Some(command) = super::forms::command(posted) else {
        return PageError {
            status: StatusCode::BAD_REQUEST,
            tr,
            message: tr.problem_bad_form().to_owned(),
        }
        .into_response();
    };
    let group = super::similar::group_answer(&form, &command);
    match state
        .app
        .act(&staff.officer, number, version, command)
        .await
    {
        Ok(()) => {
            // The officer's own follow-up is saved; a failure with the rest of the group must
            // not look like it was not (they would send it twice). Reports left unanswered
            // still show their status in "Laporan serupa".
            if let Some(answer) = group
                && let Err(error) =
                    super::similar::answer_group(&state, &staff.officer, number, answer).await
            {
                tracing::error!(report = %number, %error, "group follow-up incomplete");
            }
            // Some steps hand the report out of this officer's reach (bukan wewenang, back
            // to the agency): then the inbox confirms it.
            match state.app.case(&staff.officer, number).await {
                Ok(_) => see_other_owned(&format!("/petugas/laporan/{number}?ok=1")),
                Err(AppError::NotFound) => see_other("/petugas?ok=1"),
                Err(e) => PageError::from_app(e, tr).into_response(),
            }
        }
        Err(AppError::Invalid(errors)) => {
            let view = View {
                status: Some(StatusCode::UNPROCESSABLE_ENTITY),
                errors: field_errors(tr, &action, &errors),
                failed: Some(form),
                ..View::default()
            };
            page(&state, &ctx, &staff, number, view).await
        }
        Err(AppError::Conflict) => conflict(&state, &ctx, &staff, number).await,
        Err(AppError::Refused(refusal)) => {
            message(
                &state,
                &ctx,
                &staff,
                StatusCode::CONFLICT,
                tr.problem_refused(),
                format!("{} {}", tr.refusal(refusal), tr.c_nothing_saved()),
                number,
            )
            .await
        }
        Err(e) => PageError::from_app(e, tr).into_response(),
    }
}

fn see_other_owned(location: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(axum::http::header::LOCATION, location.to_owned())],
    )
        .into_response()
}

/// 409: the report changed since the form was loaded (another officer, another tab, or the
/// same form sent twice).
async fn conflict(state: &AppState, ctx: &Ctx, staff: &Staff, number: ReportNumber) -> Response {
    let tr = ctx.tr;
    message(
        state,
        ctx,
        staff,
        StatusCode::CONFLICT,
        tr.c_conflict_title(),
        tr.c_conflict().to_owned(),
        number,
    )
    .await
}

async fn message(
    state: &AppState,
    ctx: &Ctx,
    staff: &Staff,
    status: StatusCode,
    title: &'static str,
    message: String,
    number: ReportNumber,
) -> Response {
    let tr = ctx.tr;
    let page = MessagePage {
        chrome: ctx.chrome(),
        console: Frame::new(state, &staff.user).await,
        title,
        message,
        link: format!("/petugas/laporan/{number}"),
        link_text: tr.c_reload(),
    };
    no_store(render_status(status, &page, tr))
}

/// The input that shows a domain field's message in the form of `action` (ids are
/// `{action}-{field}`, unique on the page).
fn input_id(action: &str, field: &str) -> String {
    format!("{action}-{field}")
}

fn field_errors(tr: Tr, action: &str, errors: &ValidationErrors) -> FieldErrors {
    FieldErrors(
        errors
            .0
            .iter()
            .map(|FieldError { field, problem }| crate::pages::FieldMessage {
                id: input_id(action, field),
                message: problem_text(tr, action, field, *problem),
            })
            .collect(),
    )
}

/// A sentence about a console field, in the officer's language.
fn problem_text(tr: Tr, action: &str, field: &str, problem: Problem) -> String {
    match (field, problem) {
        ("attachments", Problem::TooLong { max }) if max == MAX_ATTACHMENTS => {
            tr.c_too_many_files(max)
        }
        ("attachments", Problem::TooLong { .. }) => tr.c_file_too_large(MAX_ATTACHMENT_BYTES),
        ("attachments", _) => tr.c_file_type().to_owned(),
        ("privacy", _) => tr.c_privacy_only_raise().to_owned(),
        ("units", Problem::Required) => tr.c_units_required().to_owned(),
        _ => match tr.c_field(action, field) {
            Some(label) => tr.c_problem(label, problem),
            None => tr.problem(field, problem),
        },
    }
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    staff: &Staff,
    number: ReportNumber,
    view: View,
) -> Response {
    let tr = ctx.tr;
    let case = match state.app.case(&staff.officer, number).await {
        Ok(c) => c,
        Err(e) => return PageError::from_app(e, tr).into_response(),
    };
    let forms = match Forms::build(&state.app, tr, &case, view.failed.as_ref()).await {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let c = case_view(state, tr, staff, &case, view.revealed).await;
    let page = CasePage {
        chrome: ctx.chrome(),
        console: Frame::new(state, &staff.user).await,
        c,
        forms,
        errors: view.errors,
        ok: view.ok,
        limits: tr.c_upload_hint(MAX_ATTACHMENTS, MAX_ATTACHMENT_BYTES),
        similar: super::similar::SimilarView::load(state, tr, &staff.officer, number).await,
    };
    no_store(render_status(
        view.status.unwrap_or(StatusCode::OK),
        &page,
        tr,
    ))
}

fn contact(r: ReporterRecord) -> Contact {
    Contact {
        name: r.name,
        email: r.email,
        phone: r.phone,
    }
}

/// `1,5 MB`, `320 KB`.
pub(crate) fn size_text(tr: Tr, bytes: i64) -> String {
    #[allow(clippy::cast_precision_loss)] // file sizes are far below 2^52
    let bytes = bytes as f64;
    let (value, unit) = if bytes >= 1024.0 * 1024.0 {
        (bytes / 1024.0 / 1024.0, "MB")
    } else {
        ((bytes / 1024.0).max(0.1), "KB")
    };
    format!("{} {unit}", tr.c_decimal(value))
}

async fn case_view(
    state: &AppState,
    tr: Tr,
    staff: &Staff,
    case: &Case,
    revealed: Option<Option<ReporterRecord>>,
) -> CaseView {
    let app = &state.app;
    let r = &case.report.record.report;
    let names = agency_names(state, case).await;
    let name_of = |code: &str| names.get(code).cloned().unwrap_or_else(|| code.to_owned());
    let zone = app.policy().zone_of(r.agency.as_deref());
    let (reporter_hidden, reporter_revealable, reporter) = match (&case.reporter, revealed) {
        (_, Some(shown)) => (false, false, shown.map(contact)),
        (ReporterView::Hidden, None) => (true, false, None),
        (ReporterView::Revealable, None) => (true, true, None),
        (ReporterView::Shown(shown), None) => (false, false, shown.clone().map(contact)),
    };
    let follow_ups = case
        .follow_ups
        .iter()
        .map(|f| {
            let (state, state_code) = if f.published_at.is_some() {
                (tr.c_fu_published(), "published")
            } else if f.rejected_at.is_some() {
                (tr.c_fu_rejected(), "rejected")
            } else {
                (tr.c_fu_pending(), "pending")
            };
            let rejection = case
                .report
                .history
                .iter()
                .find_map(|e| match &e.event.kind {
                    EventKind::Transition {
                        action: Action::RejectFollowUp,
                        follow_up: Some(id),
                        reason,
                        ..
                    } if *id == f.id => reason.clone(),
                    _ => None,
                });
            FollowUpView {
                agency: f.agency_name.clone(),
                written: tr.datetime_wib(f.created_at),
                state,
                state_code,
                text: f.body.clone(),
                rejection,
                attachments: f
                    .attachments
                    .iter()
                    .map(|a| AttachmentView {
                        id: a.id,
                        name: a.file_name.clone(),
                        kind: a.content_type.clone(),
                        size: size_text(tr, a.size_bytes),
                    })
                    .collect(),
            }
        })
        .collect();
    let history = case
        .report
        .history
        .iter()
        .map(|e| history_entry(tr, app, &e.event, &name_of))
        .collect();
    CaseView {
        files: case
            .files
            .iter()
            .map(|a| AttachmentView {
                id: a.id,
                name: a.file_name.clone(),
                kind: a.content_type.clone(),
                size: size_text(tr, a.size_bytes),
            })
            .collect(),
        number: r.number.to_string(),
        title: r.title.clone(),
        body: r.body.clone(),
        status: tr.status_public(r.status),
        classification: tr.classification(r.classification),
        category: r
            .category
            .as_deref()
            .map(|c| category_name(app, tr, c).unwrap_or_else(|| c.to_owned())),
        handling_class: handling_class_label(app, tr, case.report.record.workflow.handling_class),
        region: regions()
            .full_name(&r.location.region)
            .unwrap_or_else(|| r.location.region.as_str().to_owned()),
        region_code: r.location.region.as_str().to_owned(),
        address: r.location.address.clone(),
        incident_date: r.incident_date.map(|d| tr.date(d)),
        target_agency: r.target_agency.as_deref().map(name_of),
        agency: r.agency.as_deref().map(name_of),
        units: case.units.iter().map(|(_, name)| name.clone()).collect(),
        anonymous: r.privacy.anonymous,
        confidential: r.privacy.confidential,
        channel: tr.channel(r.channel),
        filed: tr.datetime_wib(r.created_at),
        deadline: case.deadline.as_ref().map(|d| DeadlineText::new(tr, d)),
        resolution_due: case.resolution_due.map(|due| format_due(due, zone)),
        reporter_hidden,
        reporter_revealable,
        reporter,
        follow_ups,
        history,
        bundle: r.status == lapor_domain::status::Status::EscalatedOmbudsman
            && matches!(
                staff.officer.role,
                lapor_domain::user::Role::AdminNasional | lapor_domain::user::Role::Pengawas
            ),
    }
}

/// Display names of every agency the report and its history name, in one query.
async fn agency_names(state: &AppState, case: &Case) -> HashMap<String, String> {
    let r = &case.report.record.report;
    let mut codes: Vec<&str> = r
        .agency
        .iter()
        .chain(&r.target_agency)
        .map(String::as_str)
        .collect();
    for e in &case.report.history {
        if let EventKind::Transition {
            agency,
            units,
            suggested_agency,
            ..
        } = &e.event.kind
        {
            codes.extend(agency.iter().chain(suggested_agency).map(String::as_str));
            codes.extend(units.iter().map(String::as_str));
        }
    }
    codes.sort_unstable();
    codes.dedup();
    // A failed lookup only costs the nicer names: the codes are shown instead.
    state.app.agency_names(&codes).await.unwrap_or_default()
}

fn history_entry(
    tr: Tr,
    app: &lapor_app::App,
    event: &lapor_domain::event::Event,
    name_of: &dyn Fn(&str) -> String,
) -> HistoryEntry {
    let mut details: Vec<(&'static str, String)> = Vec::new();
    let text = match &event.kind {
        EventKind::Transition {
            action,
            agency,
            reason,
            units,
            archive,
            suggested_agency,
            ..
        } => {
            // The sentence names where the report went: the units of a disposisi, the
            // suggested agency of a bukan wewenang, else the agency of the step.
            let target = match action {
                Action::Dispose if !units.is_empty() => Some(
                    units
                        .iter()
                        .map(|u| name_of(u))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
                Action::ReturnNotAuthority => suggested_agency.as_deref().map(name_of),
                _ => agency.as_deref().map(name_of),
            };
            if let (Action::ReturnNotAuthority, Some(by)) = (action, agency) {
                details.push((tr.c_returned_by(), name_of(by)));
            }
            if let Some(code) = archive {
                details.push((
                    tr.c_archive_reason_label(),
                    tr.c_archive_reason(*code).to_owned(),
                ));
            }
            if let Some(text) = reason {
                details.push((tr.c_reason_label(*action), text.clone()));
            }
            tr.event(&event.kind, target.as_deref())
        }
        EventKind::Verified {
            previous_title,
            title,
            category,
            handling_class,
            classification,
        } => {
            if let Some(old) = previous_title {
                details.push((tr.c_previous_title(), old.clone()));
            }
            details.push((tr.c_label_title(), title.clone()));
            details.push((
                tr.rep_classification(),
                tr.classification(*classification).to_owned(),
            ));
            if let Some(c) = category {
                details.push((
                    tr.rep_category(),
                    category_name(app, tr, c).unwrap_or_else(|| c.clone()),
                ));
            }
            details.push((
                tr.c_label_handling_class(),
                handling_class_label(app, tr, *handling_class),
            ));
            tr.event(&event.kind, None)
        }
        EventKind::Rated {
            comment: Some(comment),
            ..
        } => {
            details.push((tr.c_label_comment(), comment.clone()));
            tr.event(&event.kind, None)
        }
        EventKind::Overdue { notified, due, .. } => {
            details.push((tr.c_label_due(), tr.datetime_wib(*due)));
            if !notified.is_empty() {
                details.push((
                    tr.c_label_notified(),
                    notified
                        .iter()
                        .map(|n| {
                            if n == "admin_nasional" {
                                tr.c_actor(lapor_domain::status::ActorRole::AdminNasional)
                                    .to_owned()
                            } else {
                                name_of(n)
                            }
                        })
                        .collect::<Vec<_>>()
                        .join(", "),
                ));
            }
            tr.event(&event.kind, None)
        }
        other => tr.event(other, None),
    };
    HistoryEntry {
        when: tr.datetime_wib(event.at),
        actor: tr.c_actor(event.actor.role),
        text,
        details,
    }
}
