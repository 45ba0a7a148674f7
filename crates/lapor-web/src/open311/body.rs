//! The body of a POST: `application/x-www-form-urlencoded` as the spec says, or
//! `multipart/form-data` with photos as FixMyStreet sends them. Any part with a file name is
//! a photo, whatever the part is called (`media`, `photo`, `file_0`, …).

use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header;
use lapor_app::{MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, Upload};

use super::error::Open311Error;
use super::params::{Params, parse_urlencoded};

/// The largest body accepted: every photo at its limit, and the text.
pub const BODY_LIMIT: usize = MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES + 256 * 1024;

/// The parameters of the body followed by those of the query string, and the files.
pub async fn read(request: Request) -> Result<(Params, Vec<Upload>), Open311Error> {
    let query = request.uri().query().unwrap_or("").to_owned();
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        });
    let (mut params, files) = if multipart {
        read_multipart(request).await?
    } else {
        let bytes = axum::body::to_bytes(request.into_body(), BODY_LIMIT)
            .await
            .map_err(|_| too_large())?;
        (
            parse_urlencoded(&bytes).map_err(|e| super::not_utf8(&e))?,
            Vec::new(),
        )
    };
    let query = parse_urlencoded(query.as_bytes()).map_err(|e| super::not_utf8(&e))?;
    params.0.extend(query.0);
    Ok((params, files))
}

fn too_large() -> Open311Error {
    Open311Error::bad_request(
        "Kiriman terlalu besar atau terputus",
        "The request body is too large or was cut off",
    )
}

fn bad_multipart() -> Open311Error {
    Open311Error::bad_request(
        "Isi multipart/form-data tidak dapat dibaca",
        "The multipart/form-data body cannot be read",
    )
}

async fn read_multipart(request: Request) -> Result<(Params, Vec<Upload>), Open311Error> {
    let mut multipart = Multipart::from_request(request, &())
        .await
        .map_err(|_| bad_multipart())?;
    let mut params = Params::default();
    let mut files = Vec::new();
    while let Some(mut field) = multipart.next_field().await.map_err(|_| bad_multipart())? {
        let name = field.name().unwrap_or("").to_owned();
        if let Some(file_name) = field.file_name().map(str::to_owned) {
            if files.len() == MAX_ATTACHMENTS {
                return Err(Open311Error::param(
                    &name,
                    &format!("paling banyak {MAX_ATTACHMENTS} foto"),
                    &format!("at most {MAX_ATTACHMENTS} photos"),
                ));
            }
            let mut data = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(|_| bad_multipart())? {
                if data.len() + chunk.len() > MAX_ATTACHMENT_BYTES {
                    return Err(Open311Error::param(
                        &name,
                        &format!(
                            "foto paling besar {} MB",
                            MAX_ATTACHMENT_BYTES / (1024 * 1024)
                        ),
                        &format!(
                            "a photo may be at most {} MB",
                            MAX_ATTACHMENT_BYTES / (1024 * 1024)
                        ),
                    ));
                }
                data.extend_from_slice(&chunk);
            }
            // An empty file input sends a part with no bytes: no photo.
            if !data.is_empty() {
                files.push(Upload { file_name, data });
            }
        } else {
            let bytes = field.bytes().await.map_err(|_| bad_multipart())?;
            let value = String::from_utf8(bytes.to_vec())
                .map_err(|_| super::not_utf8(&super::params::NotUtf8 { name: name.clone() }))?;
            params.0.push((name, value));
        }
    }
    Ok((params, files))
}
