//! `/notifikasi`: the in-app notifications of any account, newest first, unread marked.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::{Frame, is_officer_role};
use crate::AppState;
use crate::error::PageError;
use crate::pages::{Chrome, Ctx, no_store, render_status, see_other};
use crate::request::CsrfForm;

pub(crate) struct Item {
    pub text: String,
    pub when: String,
    pub unread: bool,
    pub href: Option<String>,
}

#[derive(Template)]
#[template(path = "console/notifications.html")]
struct NotificationsPage {
    chrome: Chrome,
    console: Frame,
    items: Vec<Item>,
}

/// `GET /notifikasi`.
pub(crate) async fn show(State(state): State<AppState>, ctx: Ctx) -> Response {
    let tr = ctx.tr;
    let Some(user) = &ctx.user else {
        return see_other("/masuk");
    };
    let (list, _) = match state.app.notifications(user).await {
        Ok(n) => n,
        Err(e) => return PageError::from_app(e, tr).into_response(),
    };
    // Officers open the report in the console, reporters among their own reports.
    let base = if is_officer_role(user.role) {
        "/petugas/laporan"
    } else {
        "/laporan-saya"
    };
    let items = list
        .into_iter()
        .map(|n| Item {
            when: tr.datetime_wib(n.created_at),
            unread: !n.read,
            href: n.report.map(|number| format!("{base}/{number}")),
            text: n.text,
        })
        .collect();
    let page = NotificationsPage {
        chrome: ctx.chrome(),
        console: Frame::new(&state, user).await,
        items,
    };
    no_store(render_status(StatusCode::OK, &page, tr))
}

/// `POST /notifikasi`: marks every notification read.
pub(crate) async fn mark_read(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(_): CsrfForm,
) -> Response {
    let Some(user) = &ctx.user else {
        return see_other("/masuk");
    };
    match state.app.mark_notifications_read(user).await {
        Ok(()) => see_other("/notifikasi"),
        Err(e) => PageError::from_app(e, ctx.tr).into_response(),
    }
}
