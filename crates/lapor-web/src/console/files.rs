//! Downloads: a follow-up's file, and the Ombudsman case bundle as JSON.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use lapor_domain::tracking::ReportNumber;

use super::staff;
use crate::AppState;
use crate::error::PageError;
use crate::pages::Ctx;

/// `Content-Disposition: attachment` with an ASCII fallback name and the UTF-8 name
/// (RFC 6266 / RFC 8187). The stored name has no quotes, slashes or control characters.
fn disposition(file_name: &str) -> HeaderValue {
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if (c.is_ascii_graphic() && c != '"' && c != '\\') || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = file_name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    HeaderValue::from_str(&format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

fn download(content_type: &str, file_name: &str, body: Vec<u8>) -> Response {
    let content_type = HeaderValue::from_str(content_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, disposition(file_name)),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response()
}

/// `GET /petugas/lampiran/{id}`: a follow-up's file, served with the type sniffed at upload,
/// never inline.
pub(crate) async fn attachment(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    serve_file(&state, &ctx, &id, Stored::FollowUp).await
}

/// `GET /petugas/berkas-pelapor/{id}`: a file the reporter sent with the report.
pub(crate) async fn report_file(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    serve_file(&state, &ctx, &id, Stored::WithReport).await
}

/// Where a file is kept.
enum Stored {
    FollowUp,
    WithReport,
}

/// A stored file for the signed-in officer, as a download; 404 for bad ids and files out
/// of the officer's scope alike.
async fn serve_file(state: &AppState, ctx: &Ctx, id: &str, stored: Stored) -> Response {
    let staff = match staff(state, ctx).await {
        Ok(s) => s,
        Err(answer) => return answer,
    };
    let Ok(id) = id.parse::<i64>() else {
        return PageError::not_found(ctx.tr).into_response();
    };
    let file = match stored {
        Stored::FollowUp => state.app.attachment_for_officer(&staff.officer, id).await,
        Stored::WithReport => state.app.report_file_for_officer(&staff.officer, id).await,
    };
    match file {
        Ok(file) => download(&file.meta.content_type, &file.meta.file_name, file.data),
        Err(e) => PageError::from_app(e, ctx.tr).into_response(),
    }
}

/// `GET /petugas/laporan/{number}/berkas.json`: the case bundle of a report handed to the
/// Ombudsman (national admins and pengawas; 404 for everyone and everything else).
pub(crate) async fn bundle(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
) -> Response {
    let staff = match staff(&state, &ctx).await {
        Ok(s) => s,
        Err(answer) => return answer,
    };
    let Some(number) = ReportNumber::parse(&number) else {
        return PageError::not_found(ctx.tr).into_response();
    };
    let bundle = match state.app.case_bundle(&staff.officer, number).await {
        Ok(b) => b,
        Err(e) => return PageError::from_app(e, ctx.tr).into_response(),
    };
    match serde_json::to_vec_pretty(&bundle) {
        Ok(json) => download(
            "application/json; charset=utf-8",
            &format!("lapor-{number}-berkas.json"),
            json,
        ),
        Err(e) => {
            tracing::error!(error = %e, "case bundle not serialisable");
            PageError {
                status: StatusCode::INTERNAL_SERVER_ERROR,
                tr: ctx.tr,
                message: ctx.tr.problem_internal().to_owned(),
            }
            .into_response()
        }
    }
}
