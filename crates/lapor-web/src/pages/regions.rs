//! `/wilayah`: browse and search the Kemendagri region codes, and start a report in one.

use askama::Template;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lapor_app::{App, AppError};
use lapor_domain::region::{RegionLevel, regions};

use super::{Chrome, Ctx, FieldErrors, render_status};
use crate::error::PageError;
use crate::request::FormData;

/// At most this many search results.
const SEARCH_LIMIT: usize = 50;

/// One region in a list.
pub struct RegionItem {
    pub code: String,
    pub label: String,
    pub full_name: String,
    /// Whether it has a level below (villages do not).
    pub has_children: bool,
}

impl RegionItem {
    fn new(region: &lapor_domain::region::Region) -> Self {
        Self {
            code: region.code().as_str().to_owned(),
            label: region.label().into_owned(),
            full_name: regions()
                .full_name(region.code())
                .unwrap_or_else(|| region.label().into_owned()),
            has_children: region.level() != RegionLevel::DesaKelurahan,
        }
    }
}

#[derive(Template)]
#[template(path = "regions.html")]
struct RegionsPage {
    chrome: Chrome,
    q: String,
    errors: FieldErrors,
    /// The ancestors of `current`, province first, then `current` itself.
    trail: Vec<RegionItem>,
    current: Option<RegionItem>,
    /// Search results (when `q` is given) or the children of `current`.
    items: Vec<RegionItem>,
    searched: bool,
}

/// `GET /wilayah?parent=CODE&q=NAME`.
pub async fn browse(ctx: Ctx, Query(query): Query<Vec<(String, String)>>) -> Response {
    let tr = ctx.tr;
    let query = FormData(query);
    let q = query.get("q").trim().chars().take(100).collect::<String>();
    let mut page = RegionsPage {
        chrome: ctx.chrome(),
        q,
        errors: FieldErrors::default(),
        trail: Vec::new(),
        current: None,
        items: Vec::new(),
        searched: false,
    };
    let parent = match App::region_filter(query.non_empty("parent")) {
        Ok(parent) => parent,
        Err(AppError::Invalid(errors)) => {
            page.errors = FieldErrors::from_validation(&errors, tr, |_| "parent");
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page, tr);
        }
        Err(other) => return PageError::from_app(other, tr).into_response(),
    };
    let table = regions();
    if let Some(code) = &parent {
        let mut chain: Vec<RegionItem> = table
            .ancestors(code)
            .into_iter()
            .map(RegionItem::new)
            .collect();
        page.current = chain.pop();
        page.trail = chain;
    }
    if page.q.is_empty() {
        page.items = table
            .children(parent.as_ref())
            .into_iter()
            .map(RegionItem::new)
            .collect();
    } else {
        page.searched = true;
        page.items = table
            .search(&page.q, parent.as_ref(), SEARCH_LIMIT)
            .into_iter()
            .map(RegionItem::new)
            .collect();
    }
    render_status(StatusCode::OK, &page, tr)
}
