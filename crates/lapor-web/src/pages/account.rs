//! Accounts: register, log in, log out, and the reports filed from an account.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use lapor_app::{AppError, ReporterKey, SESSION_DAYS};
use lapor_domain::status::Status;
use lapor_domain::tracking::ReportNumber;
use lapor_domain::user::Registration;

use super::track::{Access, Outcome, StepKind, attachment_response, reporter_page, take_step};
use super::{Chrome, Ctx, FieldErrors, no_store, render_status, see_other};
use crate::AppState;
use crate::error::PageError;
use crate::request::{CsrfForm, SESSION_COOKIE, set_cookie};

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    chrome: Chrome,
    name: String,
    email: String,
    phone: String,
    errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    login: String,
    message: Option<&'static str>,
}

/// One report in "my reports".
pub struct MyItem {
    pub number: String,
    pub title: String,
    pub status: &'static str,
    pub date: String,
    /// The reporter is asked to answer (a follow-up, or the admin's question).
    pub needs_you: bool,
}

#[derive(Template)]
#[template(path = "my_reports.html")]
struct MyReportsPage {
    chrome: Chrome,
    items: Vec<MyItem>,
}

/// A 303 to `/laporan-saya` that also sets the session cookie.
fn logged_in(state: &AppState, token: &str) -> Response {
    let mut response = see_other("/laporan-saya");
    let max_age = SESSION_DAYS * 24 * 3600;
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, token, max_age, state.config.secure_cookies),
    );
    response
}

/// Ends the session the browser still holds, if any (a new log-in always gets a new token).
async fn end_old_session(state: &AppState, ctx: &Ctx) {
    if let Some(token) = &ctx.session
        && let Err(e) = state.app.logout(token).await
    {
        tracing::warn!(error = %e, "could not end the previous session");
    }
}

/// `GET /daftar`.
pub async fn register_form(ctx: Ctx) -> Response {
    let page = RegisterPage {
        chrome: ctx.chrome(),
        name: String::new(),
        email: String::new(),
        phone: String::new(),
        errors: FieldErrors::default(),
    };
    render_status(StatusCode::OK, &page, ctx.tr)
}

/// `POST /daftar`: creates the account and logs it in.
pub async fn register(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm,
) -> Response {
    let tr = ctx.tr;
    let (name, email, phone) = (
        form.get("name").to_owned(),
        form.get("email").to_owned(),
        form.get("phone").to_owned(),
    );
    let (password, confirmation) = (form.get("password"), form.get("password_confirm"));
    let nonblank = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
    let (email_opt, phone_opt) = (nonblank(&email), nonblank(&phone));
    let result = if password == confirmation {
        state
            .app
            .register(&name, email_opt.as_deref(), phone_opt.as_deref(), password)
            .await
    } else {
        // Report the mismatch together with everything else wrong, without storing anything.
        Err(AppError::Invalid(
            Registration::validate(&name, email_opt.as_deref(), phone_opt.as_deref(), password)
                .err()
                .unwrap_or_default(),
        ))
    };
    match result {
        Ok(user) => {
            // The password was just set: no second (slow) password check to log in.
            match state.app.open_session(user).await {
                Ok(session) => {
                    end_old_session(&state, &ctx).await;
                    logged_in(&state, &session.token)
                }
                Err(e) => PageError::from_app(e, tr).into_response(),
            }
        }
        Err(AppError::Invalid(errors)) => {
            let mut messages = FieldErrors::from_validation(&errors, tr, |f| f);
            if password != confirmation {
                messages.add(
                    "password_confirm",
                    tr.problem_password_mismatch().to_owned(),
                );
            }
            let page = RegisterPage {
                chrome: ctx.chrome(),
                name,
                email,
                phone,
                errors: messages,
            };
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page, tr)
        }
        Err(other) => PageError::from_app(other, tr).into_response(),
    }
}

/// `GET /masuk`.
pub async fn login_form(ctx: Ctx) -> Response {
    let page = LoginPage {
        chrome: ctx.chrome(),
        login: String::new(),
        message: None,
    };
    render_status(StatusCode::OK, &page, ctx.tr)
}

/// `POST /masuk`: a fresh session on success (never a reused one).
pub async fn login(State(state): State<AppState>, ctx: Ctx, CsrfForm(form): CsrfForm) -> Response {
    let tr = ctx.tr;
    let login = form
        .get("login")
        .trim()
        .chars()
        .take(254)
        .collect::<String>();
    match state.app.login(&login, form.get("password")).await {
        Ok(session) => {
            end_old_session(&state, &ctx).await;
            let mut response = logged_in(&state, &session.token);
            // Officers start in their console.
            if crate::console::is_officer_role(session.user.role) {
                response
                    .headers_mut()
                    .insert(header::LOCATION, HeaderValue::from_static("/petugas"));
            }
            response
        }
        Err(AppError::LoginFailed) => {
            let page = LoginPage {
                chrome: ctx.chrome(),
                login,
                message: Some(tr.problem_login_failed()),
            };
            render_status(StatusCode::UNAUTHORIZED, &page, tr)
        }
        Err(other) => PageError::from_app(other, tr).into_response(),
    }
}

/// `POST /keluar`: ends the session in the database and in the browser.
pub async fn logout(State(state): State<AppState>, ctx: Ctx, CsrfForm(_): CsrfForm) -> Response {
    if let Some(token) = &ctx.session
        && let Err(e) = state.app.logout(token).await
    {
        return PageError::from_app(e, ctx.tr).into_response();
    }
    let mut response = see_other("/");
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", 0, state.config.secure_cookies),
    );
    response
}

/// `GET /laporan-saya`.
pub async fn my_reports(State(state): State<AppState>, ctx: Ctx) -> Response {
    let tr = ctx.tr;
    let Some(user) = &ctx.user else {
        return see_other("/masuk");
    };
    let records = match state.app.my_reports(user).await {
        Ok(r) => r,
        Err(e) => return PageError::from_app(e, tr).into_response(),
    };
    let items = records
        .iter()
        .map(|r| MyItem {
            number: r.report.number.to_string(),
            title: r.report.title.clone(),
            status: tr.status(r.report.status),
            date: tr.date(r.report.created_at.date_naive()),
            needs_you: matches!(r.report.status, Status::AwaitingReporter | Status::Pending),
        })
        .collect();
    no_store(render_status(
        StatusCode::OK,
        &MyReportsPage {
            chrome: ctx.chrome(),
            items,
        },
        tr,
    ))
}

/// `GET /laporan-saya/{number}`: the reporter's view of one of the account's reports, with
/// the confirmation of the step just taken (`?ok=<step>`, after a redirect).
pub async fn my_report(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let tr = ctx.tr;
    let Some(user) = &ctx.user else {
        return see_other("/masuk");
    };
    let Some(number) = ReportNumber::parse(&number) else {
        return PageError::not_found(tr).into_response();
    };
    let done = query
        .as_deref()
        .unwrap_or("")
        .split('&')
        .find_map(|kv| kv.strip_prefix("ok="))
        .and_then(StepKind::from_code);
    let outcome = Outcome {
        done: done.map(|kind| kind.done(tr)),
        ..Outcome::default()
    };
    match state
        .app
        .reporter_case(ReporterKey::Account { user, number })
        .await
    {
        Ok(case) => {
            let access = Access::Account(number.to_string());
            reporter_page(&state, &ctx, &case, &access, StatusCode::OK, outcome).await
        }
        Err(e) => PageError::from_app(e, tr).into_response(),
    }
}

/// `POST /laporan-saya/{number}/tindakan`: a step on one of the account's reports.
pub async fn my_report_act(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
    CsrfForm(form): CsrfForm,
) -> Response {
    let Some(user) = &ctx.user else {
        return see_other("/masuk");
    };
    let Some(number) = ReportNumber::parse(&number) else {
        return PageError::not_found(ctx.tr).into_response();
    };
    take_step(
        &state,
        &ctx,
        ReporterKey::Account { user, number },
        &Access::Account(number.to_string()),
        &form,
    )
    .await
}

/// `GET /laporan-saya/{number}/tindakan` (a bookmarked form target): the report page.
pub async fn my_report_act_get(Path(number): Path<String>) -> Response {
    match ReportNumber::parse(&number) {
        Some(number) => Redirect::to(&format!("/laporan-saya/{number}")).into_response(),
        None => see_other("/laporan-saya"),
    }
}

/// `GET /laporan-saya/{number}/lampiran/{id}`: a published follow-up's file of one of the
/// account's reports.
pub async fn my_attachment(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((number, id)): Path<(String, String)>,
) -> Response {
    let Some(user) = &ctx.user else {
        return see_other("/masuk");
    };
    let (Some(number), Ok(id)) = (ReportNumber::parse(&number), id.parse::<i64>()) else {
        return PageError::not_found(ctx.tr).into_response();
    };
    match state
        .app
        .attachment_for_reporter(ReporterKey::Account { user, number }, id)
        .await
    {
        Ok(file) => attachment_response(file),
        Err(e) => PageError::from_app(e, ctx.tr).into_response(),
    }
}
