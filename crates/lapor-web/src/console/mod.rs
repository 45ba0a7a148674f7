//! The officer console (`/petugas`) and the in-app notifications of every account
//! (`/notifikasi`).
//!
//! Like the citizen pages these are plain HTML forms that work without JavaScript. Every
//! rule (who sees which report, which step is open, what an anonymous reporter's identity
//! costs) lives in the use cases of [`lapor_app::App`]; the handlers here only ask and show.
//! Whatever an officer may not see answers 404, exactly like a report that does not exist,
//! so scopes cannot be probed. Console pages carry personal data and are never cached.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use lapor_app::{AppError, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, Officer, UserRecord};
use lapor_domain::user::Role;

use crate::AppState;
use crate::error::PageError;
use crate::pages::{Ctx, see_other};

mod case;
mod files;
mod forms;
mod inbox;
mod notifications;
mod performance;
mod similar;
mod texts;
mod upload;

/// Largest follow-up post: every attachment at its largest, plus the text and the form.
const UPLOAD_LIMIT: usize = MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES + crate::BODY_LIMIT;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/petugas", get(inbox::show))
        .route("/petugas/laporan/{number}", get(case::show))
        .route(
            "/petugas/laporan/{number}/langkah",
            post(case::step).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/petugas/laporan/{number}/identitas", post(case::reveal))
        .route("/petugas/laporan/{number}/berkas.json", get(files::bundle))
        .route("/petugas/lampiran/{id}", get(files::attachment))
        .route("/petugas/berkas-pelapor/{id}", get(files::report_file))
        .route("/petugas/kinerja", get(performance::show))
        .route(
            "/notifikasi",
            get(notifications::show).post(notifications::mark_read),
        )
}

/// Whether an account's role works in the console (where it lands after logging in).
#[must_use]
pub(crate) fn is_officer_role(role: Role) -> bool {
    matches!(
        role,
        Role::AdminNasional | Role::AdminInstansi | Role::AdminUnit | Role::Pengawas
    )
}

/// A logged-in officer.
pub(crate) struct Staff {
    pub officer: Officer,
    pub user: UserRecord,
}

/// The officer behind the request, or the answer to give instead: a visitor who is not
/// logged in is sent to log in; any other account gets the same 404 as a missing page.
pub(crate) async fn staff(state: &AppState, ctx: &Ctx) -> Result<Staff, Response> {
    let Some(user) = ctx.user.clone() else {
        return Err(see_other("/masuk"));
    };
    match state.app.officer(&user).await {
        Ok(officer) => Ok(Staff { officer, user }),
        Err(AppError::Forbidden) => Err(PageError::not_found(ctx.tr).into_response()),
        Err(e) => Err(PageError::from_app(e, ctx.tr).into_response()),
    }
}

/// What the console adds to every page's header: its own links and the unread count.
pub(crate) struct Frame {
    /// Show the console links (officers only; citizens also read `/notifikasi`).
    pub officer: bool,
    /// Show the link to the performance table.
    pub performance: bool,
    pub unread: i64,
}

impl Frame {
    pub(crate) async fn new(state: &AppState, user: &UserRecord) -> Self {
        let unread = match state.app.unread_notifications(user).await {
            Ok(unread) => unread,
            Err(e) => {
                // The count is a convenience: a failure must not cost the page.
                tracing::warn!(error = %e, "could not count notifications");
                0
            }
        };
        Self {
            officer: is_officer_role(user.role),
            performance: matches!(
                user.role,
                Role::AdminNasional | Role::AdminInstansi | Role::Pengawas
            ),
            unread,
        }
    }
}
