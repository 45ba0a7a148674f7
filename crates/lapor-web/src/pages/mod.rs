//! Citizen web pages: server-rendered, usable without JavaScript and on a 360-px screen.

use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;

use crate::AppState;
use crate::error::PageError;
use crate::i18n::{Lang, Tr};

pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(home))
}

/// What every page's frame needs: language, the link to switch it, who is logged in.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub tr: Tr,
    pub lang: Lang,
    /// Path of this page, for the language switch link.
    pub path: String,
    pub user_name: Option<String>,
    pub csrf: String,
}

impl Chrome {
    pub fn new(tr: Tr, path: &str, user_name: Option<String>, csrf: String) -> Self {
        Self { tr, lang: tr.0, path: path.to_owned(), user_name, csrf }
    }

    /// `?lang=xx` link to this page in the other language.
    pub fn switch_href(&self) -> String {
        format!("{}?lang={}", self.path, self.lang.other().code())
    }
}

/// Renders a template or turns the failure into an error page.
pub fn render<T: Template>(template: &T, tr: Tr) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => PageError::render(&e, tr).into_response(),
    }
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
    let page = ErrorPage { chrome: Chrome::new(tr, "/", None, String::new()), status: status.as_u16(), message };
    page.render().unwrap_or_else(|_| format!("<!doctype html><title>{}</title><p>{}</p>", status.as_u16(), status.canonical_reason().unwrap_or("")))
}

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    chrome: Chrome,
}

async fn home(tr: Tr, csrf: crate::request::CsrfToken, user: crate::request::CurrentUser) -> Response {
    let chrome = Chrome::new(tr, "/", user.0.map(|u| u.name), csrf.0);
    render(&Home { chrome }, tr)
}
