//! Citizen web pages: server-rendered, usable without JavaScript and on a 360-px screen.
//!
//! Every action is a `<form method="post">` carrying the CSRF token (checked by
//! [`CsrfForm`](crate::request::CsrfForm)); a form with mistakes is rendered again with the
//! typed values and one message per field. Pages that show a tracking code or a reporter's
//! own report are sent with `Cache-Control: no-store` and are never reached through a URL
//! holding the code.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use lapor_app::{App, StoredEvent, UserRecord};
use lapor_domain::ValidationErrors;
use lapor_domain::event::EventKind;
use lapor_domain::region::RegionCode;

use crate::AppState;
use crate::error::PageError;
use crate::i18n::{Lang, Tr};
use crate::request::{CsrfToken, CurrentUser, SESSION_COOKIE, cookie};

mod account;
mod public;
mod regions;
mod report_form;
mod track;

pub(crate) use track::{Stars, StepInput, StepKind, attachment_response, step_command};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(public::home))
        .route("/lapor", get(report_form::show).post(report_form::post))
        .route("/lacak", get(track::show).post(track::post))
        // A bookmarked or reloaded-as-GET form target leads back to where the code is asked.
        .route(
            "/lacak/tindakan",
            get(|| async { see_other("/lacak") }).post(track::act),
        )
        .route(
            "/lacak/lampiran",
            get(|| async { see_other("/lacak") }).post(track::attachment),
        )
        .route("/laporan", get(public::list))
        .route(
            "/laporan/petunjuk",
            get(|| async { see_other("/lapor") }).post(report_form::hints),
        )
        .route("/laporan/{number}", get(public::detail))
        .route("/wilayah", get(regions::browse))
        .route(
            "/daftar",
            get(account::register_form).post(account::register),
        )
        .route("/masuk", get(account::login_form).post(account::login))
        .route("/keluar", post(account::logout))
        .route("/laporan-saya", get(account::my_reports))
        .route("/laporan-saya/{number}", get(account::my_report))
        .route(
            "/laporan-saya/{number}/tindakan",
            get(account::my_report_act_get).post(account::my_report_act),
        )
        .route(
            "/laporan-saya/{number}/lampiran/{id}",
            get(account::my_attachment),
        )
        .fallback(not_found)
}

/// Any other path: the 404 page in the visitor's language.
async fn not_found(tr: Tr) -> PageError {
    PageError::not_found(tr)
}

/// What every page's frame needs: language, the link to switch it, who is logged in.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub tr: Tr,
    /// Path (and query, without `lang`) of this page, for the language switch link.
    pub path: String,
    pub user_name: Option<String>,
    pub csrf: String,
    /// Off on pages that cannot be fetched again (the one-time tracking code), where
    /// following the switch would lose what is shown.
    pub show_switch: bool,
    /// Off on error pages, which are rendered without looking the visitor up: they then
    /// offer neither "log in" nor "log out" rather than a wrong one.
    pub account_known: bool,
}

impl Chrome {
    pub fn new(tr: Tr, path: &str, user_name: Option<String>, csrf: String) -> Self {
        Self {
            tr,
            path: path.to_owned(),
            user_name,
            csrf,
            show_switch: true,
            account_known: true,
        }
    }

    /// `?lang=xx` link to this page in the other language.
    pub fn switch_href(&self) -> String {
        let sep = if self.path.contains('?') { '&' } else { '?' };
        format!("{}{sep}lang={}", self.path, self.tr.0.other().code())
    }
}

/// The request context of a page: language, CSRF token, the logged-in account and the
/// session cookie.
pub struct Ctx {
    pub tr: Tr,
    pub csrf: String,
    pub user: Option<UserRecord>,
    /// The raw session cookie, if sent (valid or not).
    pub session: Option<String>,
    path: String,
}

impl Ctx {
    pub fn chrome(&self) -> Chrome {
        Chrome::new(
            self.tr,
            &self.path,
            self.user.as_ref().map(|u| u.name.clone()),
            self.csrf.clone(),
        )
    }
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let tr = Tr(parts.extensions.get::<Lang>().copied().unwrap_or_default());
        let csrf = parts
            .extensions
            .get::<CsrfToken>()
            .map(|t| t.0.clone())
            .unwrap_or_default();
        let session = cookie(&parts.headers, SESSION_COOKIE).map(str::to_owned);
        let CurrentUser(user) = CurrentUser::from_request_parts(parts, state)
            .await
            // Only a storage failure ends here: say so in the visitor's language.
            .map_err(|e| PageError {
                status: e.status,
                tr,
                message: tr.problem_internal().to_owned(),
            })?;
        // The language switch keeps the page's query (filters, region) but not `lang`.
        let query: Vec<&str> = parts
            .uri
            .query()
            .unwrap_or("")
            .split('&')
            .filter(|kv| !kv.is_empty() && !kv.starts_with("lang="))
            .collect();
        let path = if query.is_empty() {
            parts.uri.path().to_owned()
        } else {
            format!("{}?{}", parts.uri.path(), query.join("&"))
        };
        Ok(Self {
            tr,
            csrf,
            user,
            session,
            path,
        })
    }
}

/// Renders a template or turns the failure into an error page.
pub fn render<T: Template>(template: &T, tr: Tr) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => PageError::render(&e, tr).into_response(),
    }
}

/// Renders a template with a status other than 200.
pub fn render_status<T: Template>(status: StatusCode, template: &T, tr: Tr) -> Response {
    let mut response = render(template, tr);
    if response.status() == StatusCode::OK {
        *response.status_mut() = status;
    }
    response
}

/// Keeps a page out of every cache and the back-forward history store of shared devices:
/// for pages showing a tracking code or a reporter's own report.
pub fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A 303 to `location` (Post/Redirect/Get).
pub fn see_other(location: &'static str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    chrome: Chrome,
    status: u16,
    message: &'a str,
}

/// The HTML of an error page (also used by [`PageError`]).
pub fn error_page(tr: Tr, status: StatusCode, message: &str) -> String {
    let page = ErrorPage {
        chrome: Chrome {
            account_known: false,
            ..Chrome::new(tr, "/", None, String::new())
        },
        status: status.as_u16(),
        message,
    };
    page.render().unwrap_or_else(|_| {
        format!(
            "<!doctype html><title>{}</title><p>{}</p>",
            status.as_u16(),
            status.canonical_reason().unwrap_or("")
        )
    })
}

/// One `<option>` (or radio button).
#[derive(Debug, Clone)]
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// An `<optgroup>`.
#[derive(Debug, Clone)]
pub struct OptGroup {
    pub label: String,
    pub options: Vec<Opt>,
}

/// One message about one form field: `id` is the input it belongs to (and the summary's
/// link target).
#[derive(Debug, Clone)]
pub struct FieldMessage {
    pub id: String,
    pub message: String,
}

/// The messages of a form that failed, by input id.
#[derive(Debug, Clone, Default)]
pub struct FieldErrors(pub Vec<FieldMessage>);

impl FieldErrors {
    /// Turns domain errors into messages; `id_of` maps a domain field name to an input id.
    pub fn from_validation(
        errors: &ValidationErrors,
        tr: Tr,
        id_of: impl Fn(&str) -> &str,
    ) -> Self {
        Self(
            errors
                .0
                .iter()
                .map(|e| FieldMessage {
                    id: id_of(e.field).to_owned(),
                    message: tr.problem(e.field, e.problem),
                })
                .collect(),
        )
    }

    pub fn add(&mut self, id: &str, message: String) {
        self.0.push(FieldMessage {
            id: id.to_owned(),
            message,
        });
    }

    /// The first message for the input `id`.
    pub fn get(&self, id: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|m| m.id == id)
            .map(|m| m.message.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The category tree as `<optgroup>`s in the visitor's language: each top-level topic
/// leads its group, so it can be chosen too.
pub fn category_groups(app: &App, tr: Tr, selected: &str) -> Vec<OptGroup> {
    let english = tr.0 == Lang::En;
    let name = |c: &lapor_app::CategoryView| {
        if english {
            c.name_en.clone()
        } else {
            c.name_id.clone()
        }
    };
    let all = app.categories();
    all.iter()
        .filter(|c| c.parent.is_none())
        .map(|top| {
            let mut options = vec![Opt {
                value: top.code.clone(),
                label: format!("{} ({})", name(top), tr.form_category_general()),
                selected: top.code == selected,
            }];
            options.extend(
                all.iter()
                    .filter(|c| c.parent.as_deref() == Some(top.code.as_str()))
                    .map(|c| Opt {
                        value: c.code.clone(),
                        label: name(c),
                        selected: c.code == selected,
                    }),
            );
            OptGroup {
                label: name(top),
                options,
            }
        })
        .collect()
}

/// A category's name with its parent's: `Kesehatan › BPJS Kesehatan dan JKN`.
pub fn category_name(app: &App, tr: Tr, code: &str) -> Option<String> {
    let english = tr.0 == Lang::En;
    let find = |code: &str| app.categories().iter().find(|c| c.code == code);
    let name = |c: &lapor_app::CategoryView| {
        if english {
            c.name_en.clone()
        } else {
            c.name_id.clone()
        }
    };
    let category = find(code)?;
    Some(match category.parent.as_deref().and_then(find) {
        Some(parent) => format!("{} › {}", name(parent), name(category)),
        None => name(category),
    })
}

/// The agencies worth offering for `region`, by name: national bodies, and those serving
/// the region or a region around it (a province's dinas for a village in it). Without a
/// region, national and province-level bodies. The chosen agency is always kept. (A full
/// national agency list has tens of thousands of entries: far too many for one select.)
pub async fn agency_options(
    app: &App,
    tr: Tr,
    selected: &str,
    region: Option<&RegionCode>,
) -> Result<Vec<Opt>, PageError> {
    let mut agencies = app
        .agencies_serving(region)
        .await
        .map_err(|e| PageError::from_app(e, tr))?;
    // A chosen agency stays selectable even if it does not serve the place.
    if !selected.is_empty() && !agencies.iter().any(|a| a.code == selected) {
        let chosen = app
            .agency(selected)
            .await
            .map_err(|e| PageError::from_app(e, tr))?;
        agencies.extend(chosen);
    }
    Ok(agencies
        .into_iter()
        .map(|a| Opt {
            selected: a.code == selected,
            value: a.code,
            label: a.name,
        })
        .collect())
}

/// One history entry on a page.
#[derive(Debug, Clone)]
pub struct TimelineEntry {
    pub when: String,
    pub text: String,
    /// What the text below is: a reason, the admin's question, the reporter's reply.
    pub note_label: &'static str,
    /// The text the step carried, if any.
    pub note: Option<String>,
}

/// The display names of the agencies that `kinds` mention, in one query.
async fn agency_names<'a>(
    app: &App,
    kinds: impl Iterator<Item = &'a EventKind>,
) -> HashMap<String, String> {
    let mut codes: Vec<&str> = Vec::new();
    for kind in kinds {
        if let EventKind::Transition {
            agency,
            units,
            suggested_agency,
            ..
        } = kind
        {
            codes.extend(agency.as_deref());
            codes.extend(suggested_agency.as_deref());
            codes.extend(units.iter().map(String::as_str));
        }
    }
    codes.sort_unstable();
    codes.dedup();
    // A lookup failure only costs the nicer names: the codes are shown instead.
    app.agency_names(&codes).await.unwrap_or_default()
}

/// Sentences for a history, oldest first.
pub async fn timeline<'a>(
    app: &App,
    tr: Tr,
    events: impl Iterator<Item = (chrono::DateTime<chrono::Utc>, &'a EventKind)> + Clone,
) -> Vec<TimelineEntry> {
    let names = agency_names(app, events.clone().map(|(_, k)| k)).await;
    let name = |code: &str| names.get(code).cloned().unwrap_or_else(|| code.to_owned());
    events
        .map(|(at, kind)| {
            let (note_label, note) = match kind {
                EventKind::Transition { action, reason, .. } => {
                    (tr.step_note_label(*action), reason.clone())
                }
                EventKind::Rated { comment, .. } => (tr.rp_comment_label(), comment.clone()),
                _ => (tr.rep_reason(), None),
            };
            TimelineEntry {
                when: tr.datetime_wib(at),
                text: tr.event_named(kind, &name),
                note_label,
                note,
            }
        })
        .collect()
}

/// The history of a report as its reporter sees it (already filtered by the use case).
pub async fn reporter_timeline(app: &App, tr: Tr, history: &[StoredEvent]) -> Vec<TimelineEntry> {
    timeline(app, tr, history.iter().map(|e| (e.event.at, &e.event.kind))).await
}

/// Percent-encodes a query value.
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            b' ' => "+".to_owned(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
