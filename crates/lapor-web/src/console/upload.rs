//! Reading a console form post: `application/x-www-form-urlencoded` for most steps,
//! `multipart/form-data` for a follow-up with files. Either way the CSRF token is checked
//! before anything is used.

use axum::Form;
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{StatusCode, header};
use lapor_app::{MAX_ATTACHMENT_BYTES, Upload};

use crate::error::PageError;
use crate::i18n::Tr;
use crate::request::{FormData, csrf_ok};

/// What a console form sent.
#[derive(Debug, Default)]
pub(crate) struct Posted {
    pub form: FormData,
    pub files: Vec<Upload>,
    /// The body was larger than the route allows: `form` holds what was read before.
    pub too_large: bool,
}

fn bad_form(tr: Tr, status: StatusCode) -> PageError {
    PageError {
        status,
        tr,
        message: if status == StatusCode::PAYLOAD_TOO_LARGE {
            tr.problem_too_large()
        } else {
            tr.problem_bad_form()
        }
        .to_owned(),
    }
}

/// Reads the post and checks its CSRF token (403 when it does not match).
pub(crate) async fn read(req: Request, tr: Tr) -> Result<Posted, PageError> {
    let (parts, body) = req.into_parts();
    let multipart = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("multipart/form-data"));
    let posted = if multipart {
        let req = Request::from_parts(parts.clone(), body);
        let multipart = Multipart::from_request(req, &())
            .await
            .map_err(|_| bad_form(tr, StatusCode::BAD_REQUEST))?;
        read_multipart(multipart, tr).await?
    } else {
        // The route accepts large uploads; an ordinary form keeps the site-wide limit.
        let bytes = axum::body::to_bytes(body, crate::BODY_LIMIT)
            .await
            .map_err(|_| bad_form(tr, StatusCode::PAYLOAD_TOO_LARGE))?;
        let req = Request::from_parts(parts.clone(), Body::from(bytes));
        let Form(fields) = Form::<Vec<(String, String)>>::from_request(req, &())
            .await
            .map_err(|rejection| bad_form(tr, rejection.status()))?;
        Posted {
            form: FormData(fields),
            ..Posted::default()
        }
    };
    // An oversized post stores nothing and is only answered with a message (the body may
    // have been cut before its token), so it needs no token check.
    if !posted.too_large && !csrf_ok(&parts, posted.form.get("csrf")) {
        return Err(PageError::csrf(tr));
    }
    Ok(posted)
}

/// Reads the fields and files of a multipart post. A file larger than the use case accepts
/// is kept only up to one byte past the limit (enough for the use case to refuse it with a
/// message), so an oversized upload never fills memory.
async fn read_multipart(mut multipart: Multipart, tr: Tr) -> Result<Posted, PageError> {
    let mut posted = Posted::default();
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                posted.too_large = true;
                break;
            }
            Err(_) => return Err(bad_form(tr, StatusCode::BAD_REQUEST)),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let cap = if file_name.is_some() {
            MAX_ATTACHMENT_BYTES + 1
        } else {
            crate::BODY_LIMIT
        };
        let mut data = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    let room = cap.saturating_sub(data.len());
                    data.extend_from_slice(&chunk[..chunk.len().min(room)]);
                }
                Ok(None) => break,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    posted.too_large = true;
                    return Ok(posted);
                }
                Err(_) => return Err(bad_form(tr, StatusCode::BAD_REQUEST)),
            }
        }
        match file_name {
            Some(file_name) => posted.files.push(Upload { file_name, data }),
            None => posted
                .form
                .0
                .push((name, String::from_utf8_lossy(&data).into_owned())),
        }
    }
    Ok(posted)
}
