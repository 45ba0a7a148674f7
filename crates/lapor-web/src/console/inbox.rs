//! `/petugas`: the officer's inbox, most urgent deadline first, with counts per status as
//! filter links.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lapor_app::InboxQuery;
use lapor_domain::status::Status;

use super::case::DeadlineText;
use super::{Frame, staff};
use crate::AppState;
use crate::error::PageError;
use crate::pages::{Chrome, Ctx, Opt, encode, no_store, render_status};
use crate::request::FormData;

pub(crate) struct Row {
    pub number: String,
    pub title: String,
    pub status: &'static str,
    pub agency: Option<String>,
    /// How it arrived (web, SMS 1708, e-mail, …).
    pub channel: &'static str,
    pub anonymous: bool,
    pub confidential: bool,
    pub deadline: Option<DeadlineText>,
    pub overdue: bool,
}

/// One status with its count, as a filter link.
pub(crate) struct Count {
    pub label: &'static str,
    pub total: i64,
    pub overdue: i64,
    pub href: String,
    pub overdue_href: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "console/inbox.html")]
struct InboxPage {
    chrome: Chrome,
    console: Frame,
    officer_name: String,
    role: &'static str,
    agency: Option<String>,
    ok: bool,
    counts: Vec<Count>,
    all_total: i64,
    all_href: &'static str,
    overdue_total: i64,
    overdue_href: &'static str,
    statuses: Vec<Opt>,
    q: String,
    overdue_only: bool,
    filtered: bool,
    rows: Vec<Row>,
    total: i64,
    page: u32,
    pages: u32,
    prev_href: Option<String>,
    next_href: Option<String>,
}

/// `GET /petugas[?status=…&terlambat=1&q=…&page=N]`.
pub(crate) async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let tr = ctx.tr;
    let staff = match staff(&state, &ctx).await {
        Ok(s) => s,
        Err(answer) => return answer,
    };
    let query = FormData(query);
    let status = Status::from_code(query.get("status").trim());
    let overdue_only = query.checked("terlambat");
    let q: String = query.get("q").trim().chars().take(200).collect();
    let page_no = query
        .non_empty("page")
        .and_then(|p| p.parse::<u32>().ok())
        .unwrap_or(1)
        .max(1);
    let inbox = match state
        .app
        .inbox(
            &staff.officer,
            &InboxQuery {
                statuses: status.into_iter().collect(),
                overdue: overdue_only,
                q: Some(q.clone()).filter(|q| !q.is_empty()),
                page: page_no,
            },
        )
        .await
    {
        Ok(inbox) => inbox,
        Err(e) => return PageError::from_app(e, tr).into_response(),
    };
    let counts = inbox
        .counts
        .iter()
        .map(|(s, total, overdue)| Count {
            label: tr.status_public(*s),
            total: *total,
            overdue: *overdue,
            href: format!("/petugas?status={}", s.code()),
            overdue_href: format!("/petugas?status={}&terlambat=1", s.code()),
            current: status == Some(*s) && !overdue_only,
        })
        .collect();
    let rows = inbox
        .page
        .items
        .iter()
        .map(|item| {
            let r = &item.record.report;
            let deadline = item.deadline.as_ref().map(|d| DeadlineText::new(tr, d));
            Row {
                number: r.number.to_string(),
                title: r.title.clone(),
                status: tr.status_public(r.status),
                agency: item.record.agency_name.clone().or_else(|| r.agency.clone()),
                channel: tr.channel(r.channel),
                anonymous: r.privacy.anonymous,
                confidential: r.privacy.confidential,
                overdue: deadline.as_ref().is_some_and(|d| d.overdue),
                deadline,
            }
        })
        .collect();
    let filters: Vec<String> = [
        status.map(|s| format!("status={}", s.code())),
        overdue_only.then(|| "terlambat=1".to_owned()),
        (!q.is_empty()).then(|| format!("q={}", encode(&q))),
    ]
    .into_iter()
    .flatten()
    .collect();
    let href = |n: u32| {
        let mut parts = filters.clone();
        parts.push(format!("page={n}"));
        format!("/petugas?{}", parts.join("&"))
    };
    let per_page = i64::from(inbox.page.per_page.max(1));
    let pages = u32::try_from((inbox.page.total + per_page - 1) / per_page)
        .unwrap_or(u32::MAX)
        .max(1);
    let current = inbox.page.page;
    let page = InboxPage {
        chrome: ctx.chrome(),
        console: Frame::new(&state, &staff.user).await,
        officer_name: staff.officer.name.clone(),
        role: tr.c_role(staff.officer.role),
        agency: match staff.officer.agency.as_deref() {
            Some(code) => Some(
                state
                    .app
                    .policy()
                    .agency(code)
                    .map_or_else(|| code.to_owned(), |a| a.name.clone()),
            ),
            None => None,
        },
        ok: query.checked("ok"),
        all_total: inbox.counts.iter().map(|(_, n, _)| n).sum(),
        all_href: "/petugas",
        overdue_total: inbox.overdue_total(),
        overdue_href: "/petugas?terlambat=1",
        counts,
        statuses: Status::ALL
            .into_iter()
            .map(|s| Opt {
                value: s.code().to_owned(),
                label: tr.status_public(s).to_owned(),
                selected: status == Some(s),
            })
            .collect(),
        filtered: !filters.is_empty(),
        q,
        overdue_only,
        rows,
        total: inbox.page.total,
        page: current,
        pages,
        prev_href: (current > 1).then(|| href(current.saturating_sub(1).min(pages))),
        next_href: (current < pages).then(|| href(current + 1)),
    };
    no_store(render_status(StatusCode::OK, &page, tr))
}
