//! `/lacak`: follow a report with its tracking code and answer it; the report page its
//! reporter sees (also used by `/laporan-saya/{number}`), with the agency's follow-ups and
//! only the forms the use case says are open now.
//!
//! The code is posted, never put in a URL, so it stays out of server logs, browser history
//! and `Referer` headers: every form on the page sends it back in a hidden field.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use lapor_app::{
    AppError, AttachmentFile, PublicReport, Refusal, ReporterCase, ReporterCommand, ReporterKey,
    ReporterOptions, format_due,
};
use lapor_domain::ValidationErrors;
use lapor_domain::event::EventKind;
use lapor_domain::region::regions;
use lapor_domain::status::{Action, Status};
use lapor_domain::validation::Problem;

use super::{
    Chrome, Ctx, FieldErrors, Opt, TimelineEntry, category_name, no_store, render_status,
    reporter_timeline, timeline,
};
use crate::AppState;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::request::{CsrfForm, FormData};

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
    /// Reporter view only: deadline, follow-ups and what they may do.
    pub panel: Option<ReporterPanel>,
}

impl ReportView {
    /// The reporter's view: everything but the contact details (a leaked tracking code must
    /// not leak a phone number), with the history the use case lets the reporter see.
    pub async fn for_reporter(
        state: &AppState,
        tr: Tr,
        case: &ReporterCase,
        panel: ReporterPanel,
    ) -> Self {
        let tracked = &case.report;
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
            panel: Some(panel),
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
            panel: None,
        }
    }
}

// ---------------------------------------------------------------- the reporter's steps

/// One step the reporter can take from the report page or the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    Reply,
    SupplyInformation,
    ConfirmResolved,
    Rate,
    Reopen,
    EscalateOmbudsman,
}

impl StepKind {
    pub const ALL: [StepKind; 6] = [
        StepKind::Reply,
        StepKind::SupplyInformation,
        StepKind::ConfirmResolved,
        StepKind::Rate,
        StepKind::Reopen,
        StepKind::EscalateOmbudsman,
    ];

    /// The stable code posted by forms (`action`) and the API (`type`).
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            StepKind::Reply => "reply",
            StepKind::SupplyInformation => "supply_information",
            StepKind::ConfirmResolved => "confirm_resolved",
            StepKind::Rate => "rate",
            StepKind::Reopen => "reopen",
            StepKind::EscalateOmbudsman => "escalate_ombudsman",
        }
    }

    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code.trim())
    }

    /// The label (see [`Tr::field`]) of the text this step carries, for messages.
    #[must_use]
    pub fn text_label(self) -> &'static str {
        match self {
            StepKind::Reply => "answer",
            StepKind::SupplyInformation => "information",
            StepKind::Reopen => "reason",
            _ => "text",
        }
    }

    /// The id of the page input holding this step's text.
    fn text_input(self) -> &'static str {
        match self {
            StepKind::Reply => "reply-text",
            StepKind::SupplyInformation => "supply-text",
            StepKind::Reopen => "reopen-reason",
            _ => "action",
        }
    }

    /// The confirmation shown once the step went through.
    #[must_use]
    pub fn done(self, tr: Tr) -> &'static str {
        match self {
            StepKind::Reply => tr.rp_done_reply(),
            StepKind::SupplyInformation => tr.rp_done_supply(),
            StepKind::ConfirmResolved => tr.rp_done_confirm(),
            StepKind::Rate => tr.rp_done_rate(),
            StepKind::Reopen => tr.rp_done_reopen(),
            StepKind::EscalateOmbudsman => tr.rp_done_ombudsman(),
        }
    }
}

/// A rating as sent: absent, not a whole number, or a number (checked by the use case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Stars {
    #[default]
    Missing,
    NotANumber,
    Given(i64),
}

impl Stars {
    fn parse(raw: &str) -> Self {
        match raw.trim() {
            "" => Stars::Missing,
            s => s.parse().map_or(Stars::NotANumber, Stars::Given),
        }
    }
}

/// What the reporter sent with a step.
#[derive(Debug, Clone, Default)]
pub struct StepInput {
    pub text: String,
    pub stars: Stars,
    pub comment: String,
    /// The explicit consent to hand the report to the Ombudsman.
    pub consent: bool,
}

impl StepInput {
    fn from_form(form: &FormData) -> Self {
        Self {
            text: form.get("text").to_owned(),
            stars: Stars::parse(form.get("stars")),
            comment: form.get("comment").to_owned(),
            consent: form.checked("consent"),
        }
    }
}

/// The use case's command for a step; what the use case cannot be given (a rating that is
/// no number, a handover without consent) is an input error here.
///
/// # Errors
/// The invalid fields: `stars`, `consent`.
pub fn step_command(
    kind: StepKind,
    input: &StepInput,
) -> Result<ReporterCommand, ValidationErrors> {
    Ok(match kind {
        StepKind::Reply => ReporterCommand::Reply {
            text: input.text.clone(),
        },
        StepKind::SupplyInformation => ReporterCommand::SupplyInformation {
            text: input.text.clone(),
        },
        StepKind::ConfirmResolved => ReporterCommand::ConfirmResolved,
        StepKind::Rate => {
            let stars = match input.stars {
                Stars::Missing => return Err(ValidationErrors::single("stars", Problem::Required)),
                Stars::NotANumber => {
                    return Err(ValidationErrors::single("stars", Problem::InvalidValue));
                }
                // The range itself is the use case's rule; what cannot even be a `u8` is out
                // of it anyway.
                Stars::Given(n) => u8::try_from(n)
                    .map_err(|_| ValidationErrors::single("stars", Problem::OutOfRange))?,
            };
            ReporterCommand::Rate {
                stars,
                comment: Some(input.comment.clone()).filter(|c| !c.trim().is_empty()),
            }
        }
        StepKind::Reopen => ReporterCommand::Reopen {
            reason: input.text.clone(),
        },
        StepKind::EscalateOmbudsman => {
            if !input.consent {
                return Err(ValidationErrors::single("consent", Problem::Required));
            }
            ReporterCommand::EscalateOmbudsman
        }
    })
}

// ---------------------------------------------------------------- the reporter's panel

/// How the reporter reached the page.
#[derive(Debug, Clone)]
pub enum Access {
    /// With the tracking code, posted back by every form.
    Code(String),
    /// From their account: the report's number.
    Account(String),
}

/// One file of a follow-up.
pub struct AttachmentView {
    pub id: i64,
    pub name: String,
    pub size: String,
}

/// A published follow-up.
pub struct FollowUpView {
    pub id: i64,
    pub agency: String,
    pub text: String,
    pub published: String,
    pub attachments: Vec<AttachmentView>,
}

/// What happened to the step just posted.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The step went through: a confirmation.
    pub done: Option<&'static str>,
    /// It was refused (409): why.
    pub problem: Option<String>,
    /// The form that failed, with what was typed and the messages per input.
    pub failed: Option<StepKind>,
    pub input: StepInput,
    pub errors: FieldErrors,
}

/// The reporter's part of the report page: the deadline, the follow-ups and the forms the
/// use case opened, nothing else.
pub struct ReporterPanel {
    /// Where the forms post.
    pub post_to: String,
    /// Code holders: the code, sent back in a hidden field.
    pub code: Option<String>,
    /// Account holders: the download path of attachments, up to the id.
    pub attachment_base: Option<String>,
    pub options: ReporterOptions,
    pub deadline: Option<String>,
    pub reopen_until: Option<String>,
    /// The admin's question, when the reporter is asked for more information.
    pub question: Option<String>,
    pub rating: Option<u8>,
    pub stars: Vec<Opt>,
    pub ombudsman_offer: String,
    pub follow_ups: Vec<FollowUpView>,
    pub done: Option<&'static str>,
    pub problem: Option<String>,
    /// What was typed into a form that can no longer be shown (the step closed meanwhile).
    pub unsent: Option<String>,
    pub failed: Option<StepKind>,
    pub input: StepInput,
    pub errors: FieldErrors,
}

impl ReporterPanel {
    fn new(
        state: &AppState,
        tr: Tr,
        case: &ReporterCase,
        access: &Access,
        outcome: Outcome,
    ) -> Self {
        let r = &case.report.record.report;
        let policy = state.app.policy();
        let deadline = case.deadline.map(|d| {
            let due = d.due.map(|due| format_due(due, d.zone));
            tr.deadline_sentence(d.step, due.as_deref(), d.days_left)
        });
        let reopen_until = case
            .options
            .window_until
            .filter(|_| case.options.reopen && r.status == Status::Closed)
            .map(|until| tr.reopen_until(&format_due(until, policy.zone_of(r.agency.as_deref()))));
        // The question still open: asked after the reporter's last answer and the last hold.
        let question = case
            .options
            .supply_information
            .then(|| {
                case.report
                    .history
                    .iter()
                    .rev()
                    .find_map(|e| match &e.event.kind {
                        EventKind::Transition { action, reason, .. }
                            if matches!(
                                action,
                                Action::RequestInformation
                                    | Action::SupplyInformation
                                    | Action::Pend
                            ) =>
                        {
                            Some((*action == Action::RequestInformation).then(|| reason.clone()))
                        }
                        _ => None,
                    })
            })
            .flatten()
            .flatten()
            .flatten();
        let (post_to, code, attachment_base) = match access {
            Access::Code(code) => ("/lacak/tindakan".to_owned(), Some(code.clone()), None),
            Access::Account(number) => (
                format!("/laporan-saya/{number}/tindakan"),
                None,
                Some(format!("/laporan-saya/{number}/lampiran/")),
            ),
        };
        let checked = match (outcome.failed, outcome.input.stars) {
            (Some(StepKind::Rate), Stars::Given(n)) => Some(n),
            _ => None,
        };
        let stars = (1..=5u8)
            .map(|n| Opt {
                value: n.to_string(),
                label: tr.star_label(n).to_owned(),
                selected: checked == Some(i64::from(n)),
            })
            .collect();
        let follow_ups = case
            .follow_ups
            .iter()
            .map(|f| FollowUpView {
                id: f.id,
                agency: f.agency_name.clone(),
                text: f.body.clone(),
                published: f
                    .published_at
                    .map_or_else(String::new, |at| tr.datetime_wib(at)),
                attachments: f
                    .attachments
                    .iter()
                    .map(|a| AttachmentView {
                        id: a.id,
                        name: a.file_name.clone(),
                        size: tr.file_size(a.size_bytes),
                    })
                    .collect(),
            })
            .collect();
        // A refused step's form is gone from the page: show what was typed so it is not lost.
        let unsent = Some(outcome.input.text.trim().to_owned())
            .filter(|t| outcome.problem.is_some() && !t.is_empty());
        Self {
            post_to,
            code,
            attachment_base,
            options: case.options,
            deadline,
            reopen_until,
            question,
            rating: case.report.record.workflow.rating,
            stars,
            ombudsman_offer: tr.ombudsman_offer(policy.limits.ombudsman_days),
            follow_ups,
            done: outcome.done,
            problem: outcome.problem,
            unsent,
            failed: outcome.failed,
            input: outcome.input,
            errors: outcome.errors,
        }
    }

    /// What was typed into the form of step `code`, when that form failed.
    #[must_use]
    pub fn typed(&self, code: &str) -> &str {
        match self.failed {
            Some(kind) if kind.code() == code => &self.input.text,
            _ => "",
        }
    }

    /// The comment typed into a failed rating form.
    #[must_use]
    pub fn typed_comment(&self) -> &str {
        match self.failed {
            Some(StepKind::Rate) => &self.input.comment,
            _ => "",
        }
    }

    /// Whether any step is open now.
    #[must_use]
    pub fn anything_open(&self) -> bool {
        let o = &self.options;
        o.reply
            || o.supply_information
            || o.confirm_resolved
            || o.rate
            || o.reopen
            || o.escalate_ombudsman
    }
}

/// The messages of a failed step, by page input.
fn step_errors(kind: StepKind, errors: &ValidationErrors, tr: Tr) -> FieldErrors {
    let mut out = FieldErrors::default();
    for e in &errors.0 {
        let (id, label) = match e.field {
            "text" | "reason" => (kind.text_input(), kind.text_label()),
            "stars" => ("rate-stars", "stars"),
            "comment" => ("rate-comment", "comment"),
            "consent" => ("ombudsman-consent", "consent"),
            other => ("action", other),
        };
        out.add(id, tr.problem(label, e.problem));
    }
    out
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
pub async fn reporter_page(
    state: &AppState,
    ctx: &Ctx,
    case: &ReporterCase,
    access: &Access,
    status: StatusCode,
    outcome: Outcome,
) -> Response {
    let panel = ReporterPanel::new(state, ctx.tr, case, access, outcome);
    let mut chrome = ctx.chrome();
    match access {
        // A page reached by posting the code cannot be fetched again in the other language:
        // the panel offers a form that posts the code again instead.
        Access::Code(_) => chrome.show_switch = false,
        // Also when answering a form post: switch on the report's page, not the form target.
        Access::Account(number) => chrome.path = format!("/laporan-saya/{number}"),
    }
    let page = ReportPage {
        chrome,
        r: ReportView::for_reporter(state, ctx.tr, case, panel).await,
        for_reporter: true,
    };
    no_store(render_status(status, &page, ctx.tr))
}

/// The tracking form again, saying the code was not found.
fn code_not_found(ctx: &Ctx, code: String) -> Response {
    let page = TrackPage {
        chrome: ctx.chrome(),
        code,
        message: Some(ctx.tr.problem_tracking_not_found()),
    };
    no_store(render_status(StatusCode::NOT_FOUND, &page, ctx.tr))
}

/// The posted code, as typed (at most 64 characters).
fn posted_code(form: &FormData) -> String {
    form.get("code").trim().chars().take(64).collect()
}

/// Takes one step for the reporter identified by `key` and answers with the page: the
/// confirmation (or, from an account, a redirect to the page), the form again with its
/// messages (422), or why it was refused (409). Never a 500 for anything the reporter did.
pub async fn take_step(
    state: &AppState,
    ctx: &Ctx,
    key: ReporterKey<'_>,
    access: &Access,
    form: &FormData,
) -> Response {
    let tr = ctx.tr;
    let not_found = || match access {
        Access::Code(code) => code_not_found(ctx, code.clone()),
        Access::Account(_) => PageError::not_found(tr).into_response(),
    };
    let Some(kind) = StepKind::from_code(form.get("action")) else {
        return PageError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            tr,
            message: tr.problem_bad_form().to_owned(),
        }
        .into_response();
    };
    let input = StepInput::from_form(form);
    let result = match step_command(kind, &input) {
        Ok(command) => state.app.reporter_act(key, command).await,
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    let mut outcome = Outcome::default();
    let status = match result {
        Ok(()) => {
            if let Access::Account(number) = access {
                // Post/Redirect/Get: reloading the page does not send the step again.
                return Redirect::to(&format!("/laporan-saya/{number}?ok={}", kind.code()))
                    .into_response();
            }
            outcome.done = Some(kind.done(tr));
            StatusCode::OK
        }
        Err(AppError::Invalid(errors)) => {
            outcome.errors = step_errors(kind, &errors, tr);
            outcome.failed = Some(kind);
            outcome.input = input;
            StatusCode::UNPROCESSABLE_ENTITY
        }
        // The form was built when the step was open: the report moved since, most often
        // because the same form was sent twice.
        Err(AppError::Conflict | AppError::Refused(Refusal::NotInThisStatus)) => {
            outcome.problem = Some(tr.problem_already_done().to_owned());
            outcome.input = input;
            StatusCode::CONFLICT
        }
        Err(AppError::Refused(refusal)) => {
            outcome.problem = Some(tr.refusal(refusal).to_owned());
            outcome.input = input;
            StatusCode::CONFLICT
        }
        Err(AppError::NotFound) => return not_found(),
        Err(other) => return PageError::from_app(other, tr).into_response(),
    };
    match state.app.reporter_case(key).await {
        Ok(case) => reporter_page(state, ctx, &case, access, status, outcome).await,
        Err(AppError::NotFound) => not_found(),
        Err(e) => PageError::from_app(e, tr).into_response(),
    }
}

/// A follow-up's file as a download: its stored (sniffed) type, never rendered inline.
pub fn attachment_response(file: AttachmentFile) -> Response {
    let content_type = HeaderValue::from_str(&file.meta.content_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    let disposition = content_disposition(&file.meta.file_name);
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("sandbox"),
            ),
        ],
        file.data,
    )
        .into_response()
}

/// `attachment; filename="…"; filename*=UTF-8''…` (RFC 6266): an ASCII fallback and the
/// exact name percent-encoded.
fn content_disposition(name: &str) -> HeaderValue {
    let fallback: String = name
        .chars()
        .map(|c| {
            if c == ' ' || (c.is_ascii_graphic() && !matches!(c, '"' | '\\' | ';' | '%')) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_') {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    HeaderValue::from_str(&format!(
        "attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

// ---------------------------------------------------------------- handlers

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
    let code = posted_code(&form);
    match state.app.reporter_case(ReporterKey::Code(&code)).await {
        Ok(case) => {
            reporter_page(
                &state,
                &ctx,
                &case,
                &Access::Code(code),
                StatusCode::OK,
                Outcome::default(),
            )
            .await
        }
        Err(AppError::NotFound) => code_not_found(&ctx, code),
        Err(other) => PageError::from_app(other, ctx.tr).into_response(),
    }
}

/// `POST /lacak/tindakan`: a step taken with the tracking code (in the body).
pub async fn act(State(state): State<AppState>, ctx: Ctx, CsrfForm(form): CsrfForm) -> Response {
    let code = posted_code(&form);
    take_step(
        &state,
        &ctx,
        ReporterKey::Code(&code),
        &Access::Code(code.clone()),
        &form,
    )
    .await
}

/// `POST /lacak/lampiran`: a published follow-up's file, for the holder of the code.
pub async fn attachment(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm,
) -> Response {
    let code = posted_code(&form);
    let Ok(id) = form.get("id").trim().parse::<i64>() else {
        return PageError::not_found(ctx.tr).into_response();
    };
    match state
        .app
        .attachment_for_reporter(ReporterKey::Code(&code), id)
        .await
    {
        Ok(file) => attachment_response(file),
        Err(e) => PageError::from_app(e, ctx.tr).into_response(),
    }
}
