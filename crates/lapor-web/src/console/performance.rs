//! `/petugas/kinerja`: how often each agency met its deadlines, how long handling took and
//! how satisfied reporters were (agency admins: their agency and units; national admins and
//! pengawas: everyone; unit admins: 404).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::TimeDelta;

use super::{Frame, staff};
use crate::AppState;
use crate::error::PageError;
use crate::pages::{Chrome, Ctx, Opt, no_store, render_status};
use crate::request::FormData;

/// The periods offered, in days, and the default.
const PERIODS: [i64; 3] = [30, 90, 365];
const DEFAULT_DAYS: i64 = 90;

pub(crate) struct PerfRow {
    pub name: String,
    pub finished: u32,
    pub on_time: u32,
    pub on_time_percent: String,
    /// Under 80 % on time: marked (with text, not only colour).
    pub weak: bool,
    pub median: String,
    pub ratings: i64,
    pub satisfaction: String,
}

#[derive(Template)]
#[template(path = "console/performance.html")]
struct PerformancePage {
    chrome: Chrome,
    console: Frame,
    periods: Vec<Opt>,
    since: String,
    rows: Vec<PerfRow>,
    /// Reports received per channel: `(channel name, count)`.
    channels: Vec<(&'static str, i64)>,
}

/// `GET /petugas/kinerja[?hari=30|90|365]`.
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
    let days = FormData(query)
        .get("hari")
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|d| PERIODS.contains(d))
        .unwrap_or(DEFAULT_DAYS);
    let since = state.app.now() - TimeDelta::days(days);
    // Unit admins have no performance table: the app answers not found for them.
    let figures = match state.app.performance(&staff.officer, since).await {
        Ok(f) => f,
        Err(e) => return PageError::from_app(e, tr).into_response(),
    };
    let channels = match state.app.reports_by_channel(&staff.officer, since).await {
        Ok(c) => c.into_iter().map(|(ch, n)| (tr.channel(ch), n)).collect(),
        Err(e) => return PageError::from_app(e, tr).into_response(),
    };
    let dash = || "—".to_owned();
    let rows = figures
        .iter()
        .map(|p| PerfRow {
            name: match (&p.agency_name, &p.agency) {
                (Some(name), _) => name.clone(),
                (None, Some(code)) => code.clone(),
                (None, None) => tr.c_perf_national().to_owned(),
            },
            finished: p.finished,
            on_time: p.on_time,
            on_time_percent: p
                .on_time_percent()
                .map_or_else(dash, |pct| format!("{pct} %")),
            weak: p.on_time_percent().is_some_and(|pct| pct < 80),
            median: p
                .median_hours
                .map_or_else(dash, |h| tr.c_hours(&tr.c_decimal(h))),
            ratings: p.ratings,
            satisfaction: p
                .satisfaction
                .map_or_else(dash, |s| format!("{} / 5", tr.c_decimal(s))),
        })
        .collect();
    let page = PerformancePage {
        chrome: ctx.chrome(),
        console: Frame::new(&state, &staff.user).await,
        periods: PERIODS
            .iter()
            .map(|d| Opt {
                value: d.to_string(),
                label: tr.c_period(*d),
                selected: *d == days,
            })
            .collect(),
        since: tr.datetime_wib(since),
        rows,
        channels,
    };
    no_store(render_status(StatusCode::OK, &page, tr))
}
