//! The public side: home page, the list of public reports with filters, one public report.
//!
//! Everything here comes from [`lapor_app::PublicReport`], the use case's privacy
//! projection: confidential reports and reporter identities never reach these pages.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lapor_app::{AppError, PublicReport};
use lapor_domain::status::Status;
use lapor_domain::tracking::ReportNumber;

use super::track::{ReportPage, ReportView};
use super::{
    Chrome, Ctx, FieldErrors, Opt, OptGroup, agency_options, category_groups, encode, render_status,
};
use crate::AppState;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::request::FormData;

/// One line of a list of reports.
pub struct ListItem {
    pub number: String,
    pub title: String,
    pub status: &'static str,
    pub region: String,
    pub agency: Option<String>,
    pub date: String,
}

impl ListItem {
    fn new(tr: Tr, r: &PublicReport) -> Self {
        Self {
            number: r.number.clone(),
            title: r.title.clone(),
            status: tr.status_public(r.status),
            region: r
                .region_name
                .clone()
                .unwrap_or_else(|| r.region_code.clone()),
            agency: r.agency_name.clone(),
            date: tr.date(r.created_at.date_naive()),
        }
    }
}

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    chrome: Chrome,
    newest: Vec<ListItem>,
}

/// `GET /`.
pub async fn home(State(state): State<AppState>, ctx: Ctx) -> Response {
    let tr = ctx.tr;
    let newest = match crate::api::public_filter(None, None, None, None, None, None, Some("5")) {
        Ok(filter) => match state.app.public_reports(&filter).await {
            Ok(page) => page.items.iter().map(|r| ListItem::new(tr, r)).collect(),
            Err(e) => return PageError::from_app(e, tr).into_response(),
        },
        Err(e) => return PageError::from_app(e, tr).into_response(),
    };
    render_status(
        StatusCode::OK,
        &Home {
            chrome: ctx.chrome(),
            newest,
        },
        tr,
    )
}

/// The filters as typed, for the form and the pager links.
#[derive(Default)]
pub struct Filters {
    pub q: String,
    pub status: String,
    pub region: String,
    pub category: String,
    pub agency: String,
}

impl Filters {
    /// `q=…&status=…` of the non-empty filters, percent-encoded.
    fn query(&self) -> String {
        [
            ("q", &self.q),
            ("status", &self.status),
            ("category", &self.category),
            ("region", &self.region),
            ("agency", &self.agency),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&")
    }

    fn is_empty(&self) -> bool {
        self.query().is_empty()
    }
}

#[derive(Template)]
#[template(path = "list.html")]
struct ListPage {
    chrome: Chrome,
    filters: Filters,
    filtered: bool,
    errors: FieldErrors,
    statuses: Vec<Opt>,
    categories: Vec<OptGroup>,
    agencies: Vec<Opt>,
    items: Vec<ListItem>,
    total: i64,
    page: u32,
    pages: u32,
    prev_href: Option<String>,
    next_href: Option<String>,
}

/// `GET /laporan`.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let tr = ctx.tr;
    let query = FormData(query);
    let take = |name: &str| query.get(name).trim().chars().take(200).collect::<String>();
    let filters = Filters {
        q: take("q"),
        status: take("status"),
        region: take("region"),
        category: take("category"),
        agency: take("agency"),
    };
    let region = lapor_app::App::region_filter(Some(&filters.region))
        .ok()
        .flatten();
    let agencies = match agency_options(&state.app, tr, &filters.agency, region.as_ref()).await {
        Ok(a) => a,
        Err(e) => return e.into_response(),
    };
    let statuses = Status::ALL
        .into_iter()
        .filter(|s| s.is_published())
        .map(|s| Opt {
            value: s.code().to_owned(),
            label: tr.status_public(s).to_owned(),
            selected: s.code() == filters.status,
        })
        .collect();
    let mut page = ListPage {
        chrome: ctx.chrome(),
        filtered: !filters.is_empty(),
        errors: FieldErrors::default(),
        statuses,
        categories: category_groups(&state.app, tr, &filters.category),
        agencies,
        items: Vec::new(),
        total: 0,
        page: 1,
        pages: 1,
        prev_href: None,
        next_href: None,
        filters,
    };
    let nonempty = |s: &str| Some(s.to_owned()).filter(|s| !s.is_empty());
    let (q, status, category, region, agency) = (
        nonempty(&page.filters.q),
        nonempty(&page.filters.status),
        nonempty(&page.filters.category),
        nonempty(&page.filters.region),
        nonempty(&page.filters.agency),
    );
    let filter = crate::api::public_filter(
        q.as_deref(),
        status.as_deref(),
        category.as_deref(),
        region.as_deref(),
        agency.as_deref(),
        query.non_empty("page"),
        None,
    );
    let result = match filter {
        Ok(filter) => state.app.public_reports(&filter).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(found) => {
            page.items = found.items.iter().map(|r| ListItem::new(tr, r)).collect();
            page.total = found.total;
            page.page = found.page;
            let per_page = i64::from(found.per_page.max(1));
            page.pages = u32::try_from((found.total + per_page - 1) / per_page)
                .unwrap_or(u32::MAX)
                .max(1);
            let base = page.filters.query();
            let href = |n: u32| {
                if base.is_empty() {
                    format!("/laporan?page={n}")
                } else {
                    format!("/laporan?{base}&page={n}")
                }
            };
            page.prev_href =
                (found.page > 1).then(|| href(found.page.saturating_sub(1).min(page.pages)));
            page.next_href = (found.page < page.pages).then(|| href(found.page + 1));
            render_status(StatusCode::OK, &page, tr)
        }
        Err(AppError::Invalid(errors)) => {
            page.errors = FieldErrors::from_validation(&errors, tr, |f| f);
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page, tr)
        }
        Err(other) => PageError::from_app(other, tr).into_response(),
    }
}

/// `GET /laporan/{number}`: 404 for anything not public, exactly like a number that does
/// not exist.
pub async fn detail(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
) -> Response {
    let tr = ctx.tr;
    let Some(number) = ReportNumber::parse(&number) else {
        return PageError::not_found(tr).into_response();
    };
    match state.app.public_report(number).await {
        Ok(report) => {
            let page = ReportPage {
                chrome: ctx.chrome(),
                r: ReportView::for_public(&state, tr, &report).await,
                for_reporter: false,
            };
            render_status(StatusCode::OK, &page, tr)
        }
        Err(e) => PageError::from_app(e, tr).into_response(),
    }
}
