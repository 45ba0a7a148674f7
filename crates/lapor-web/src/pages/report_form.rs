//! `/lapor`: the report form with its script-free region picker, and the confirmation.
//!
//! The region picker works with plain form posts: the hidden `region_code` holds the choice,
//! `region_pick` (a select of the choice's children) and `region_found` (radio buttons of a
//! name search) offer the next one, and the buttons `region_down`, `region_up`,
//! `region_clear` and `region_search` render the form again with everything typed kept.
//! The submit button comes first in the form's DOM so that Enter in a text field sends the
//! report, not a picker step; CSS moves it to the bottom.
//!
//! Guided input (issue 5): the button `periksa` renders the form again with hints on what the
//! report still lacks (what, where, when), and a small inline script shows the same hints
//! while typing, asking `POST /laporan/petunjuk` so the rules live only in Rust. Both only
//! advise: «Kirim» always files the report.

use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lapor_app::hints::{Aspect, DraftFields, Gap};
use lapor_app::{AppError, Receipt, Submission};
use lapor_domain::region::{RegionCode, RegionLevel, regions};
use lapor_domain::report::{Channel, Classification, ReportInput};
use lapor_domain::tracking::{hex, sha256_hex};
use rand::RngCore;

use super::{
    Chrome, Ctx, FieldErrors, Opt, OptGroup, agency_options, category_groups, no_store,
    render_status,
};
use crate::AppState;
use crate::error::PageError;
use crate::i18n::{Lang, Tr};
use crate::request::{CsrfForm, FormData};

/// At most this many regions are listed for a name search.
const SEARCH_LIMIT: usize = 15;

/// Everything the visitor typed, kept across re-renders.
#[derive(Debug, Clone, Default)]
pub struct ReportFields {
    pub classification: String,
    pub title: String,
    pub body: String,
    pub incident_date: String,
    pub region_code: String,
    pub region_query: String,
    pub address: String,
    pub category: String,
    pub agency: String,
    pub anonymous: bool,
    pub confidential: bool,
    pub reporter_name: String,
    pub reporter_email: String,
    pub reporter_phone: String,
    pub submission_id: String,
    /// Whether `submission_id` came valid with the post (only then is the filing
    /// replay-safe; otherwise a fresh id is shown for the next attempt).
    id_from_form: bool,
}

impl ReportFields {
    fn from_form(form: &FormData) -> Self {
        let get = |name: &str| form.get(name).to_owned();
        Self {
            classification: get("classification"),
            title: get("title"),
            body: get("body"),
            incident_date: get("incident_date"),
            region_code: form.get("region_code").trim().to_owned(),
            region_query: get("region_query"),
            address: get("address"),
            category: get("category"),
            agency: get("agency"),
            anonymous: form.checked("anonymous"),
            confidential: form.checked("confidential"),
            reporter_name: get("reporter_name"),
            reporter_email: get("reporter_email"),
            reporter_phone: get("reporter_phone"),
            submission_id: valid_submission_id(form.get("submission_id"))
                .map_or_else(new_submission_id, str::to_owned),
            id_from_form: valid_submission_id(form.get("submission_id")).is_some(),
        }
    }
}

/// 128 random bits in hex: ties a double click or a refresh to the first filing.
fn new_submission_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    hex(&bytes)
}

fn valid_submission_id(raw: &str) -> Option<&str> {
    let raw = raw.trim();
    (raw.len() == 32 && raw.bytes().all(|b| b.is_ascii_hexdigit())).then_some(raw)
}

/// The region the visitor chose in the search results or the select, if any.
fn picked_region(form: &FormData) -> Option<String> {
    form.non_empty("region_found")
        .or_else(|| form.non_empty("region_pick"))
        .map(str::to_owned)
}

fn known_region(raw: &str) -> Option<RegionCode> {
    RegionCode::parse(raw.trim())
        .ok()
        .filter(|c| regions().contains(c))
}

/// One hint on what the report lacks, linking to the input that can supply it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct HintItem {
    /// `what`, `where` or `when`.
    pub aspect: &'static str,
    /// The id of the input to fill in.
    pub field: &'static str,
    pub text: &'static str,
}

/// What the typed report still lacks, in the page language.
fn hints_for(fields: &ReportFields, tr: Tr) -> Vec<HintItem> {
    lapor_app::hints::check(&DraftFields {
        classification: &fields.classification,
        title: &fields.title,
        body: &fields.body,
        region_code: &fields.region_code,
        address: &fields.address,
        incident_date: &fields.incident_date,
    })
    .into_iter()
    .map(|hint| HintItem {
        aspect: hint.aspect.code(),
        field: match (hint.aspect, hint.gap) {
            (Aspect::What, _) => "body",
            // A province is chosen: narrowing it down is the quickest fix.
            (Aspect::Where, Gap::Weak) => "region_pick",
            (Aspect::Where, Gap::Missing) => "address",
            (Aspect::When, _) => "incident_date",
        },
        text: if tr.0 == Lang::En { hint.en } else { hint.id },
    })
    .collect()
}

/// A classification radio button.
pub struct ClassificationChoice {
    pub value: &'static str,
    pub label: &'static str,
    pub hint: &'static str,
    pub checked: bool,
}

/// The region part of the form.
pub struct RegionPicker {
    /// The current choice (a known code) or empty.
    pub code: String,
    pub full_name: Option<String>,
    pub has_parent: bool,
    pub children_label: &'static str,
    pub children: Vec<Opt>,
    pub is_village: bool,
    pub query: String,
    /// `Some` after a search.
    pub results: Option<Vec<Opt>>,
    pub search_message: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "report_form.html")]
struct ReportFormPage {
    chrome: Chrome,
    f: ReportFields,
    errors: FieldErrors,
    notice: Option<String>,
    classifications: Vec<ClassificationChoice>,
    region: RegionPicker,
    categories: Vec<OptGroup>,
    agencies: Vec<Opt>,
    filed_as: Option<String>,
    max_date: String,
    hints: Vec<HintItem>,
    /// Whether the hint box is shown (after «Periksa kelengkapan» or refused input).
    hints_shown: bool,
}

#[derive(Template)]
#[template(path = "report_done.html")]
struct DonePage {
    chrome: Chrome,
    number: String,
    tracking_code: String,
    title: String,
    logged_in: bool,
}

/// What to show under the picker besides the form itself.
#[derive(Default)]
struct Extras {
    errors: FieldErrors,
    notice: Option<String>,
    search: Option<Vec<Opt>>,
    search_message: Option<&'static str>,
    /// The visitor asked what the report lacks.
    check: bool,
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    fields: ReportFields,
    extras: Extras,
    status: StatusCode,
) -> Response {
    let tr = ctx.tr;
    let current = known_region(&fields.region_code);
    let agencies =
        match agency_options(&state.app, tr, fields.agency.trim(), current.as_ref()).await {
            Ok(a) => a,
            Err(e) => return e.into_response(),
        };
    let table = regions();
    let region = RegionPicker {
        code: current
            .as_ref()
            .map(|c| c.as_str().to_owned())
            .unwrap_or_default(),
        full_name: current.as_ref().and_then(|c| table.full_name(c)),
        has_parent: current.as_ref().is_some_and(|c| c.parent().is_some()),
        children_label: tr.region_children_label(current.as_ref().map_or(0, |c| c.level().depth())),
        children: table
            .children(current.as_ref())
            .into_iter()
            .map(|r| Opt {
                value: r.code().as_str().to_owned(),
                label: r.label().into_owned(),
                selected: false,
            })
            .collect(),
        is_village: current
            .as_ref()
            .is_some_and(|c| c.level() == RegionLevel::DesaKelurahan),
        query: fields.region_query.clone(),
        results: extras.search.map(|found| {
            found
                .into_iter()
                .map(|o| Opt {
                    selected: current.as_ref().is_some_and(|c| c.as_str() == o.value),
                    ..o
                })
                .collect()
        }),
        search_message: extras.search_message,
    };
    let classifications = Classification::ALL
        .into_iter()
        .map(|c| ClassificationChoice {
            value: c.code(),
            label: tr.classification(c),
            hint: tr.classification_hint(c),
            checked: fields.classification == c.code(),
        })
        .collect();
    // Refused input gets the hints too: what is missing is then worth saying twice.
    let hints_shown = extras.check || !extras.errors.is_empty();
    let hints = if hints_shown {
        hints_for(&fields, tr)
    } else {
        Vec::new()
    };
    let page = ReportFormPage {
        chrome: ctx.chrome(),
        hints,
        hints_shown,
        errors: extras.errors,
        notice: extras.notice,
        classifications,
        region,
        categories: category_groups(&state.app, tr, fields.category.trim()),
        agencies,
        filed_as: ctx.user.as_ref().map(|u| u.name.clone()),
        max_date: state
            .app
            .today_in_indonesia()
            .format("%Y-%m-%d")
            .to_string(),
        f: fields,
    };
    render_status(status, &page, tr)
}

/// `GET /lapor[?region=CODE]`: an empty form, with the region pre-selected when given.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let query = FormData(query);
    let fields = ReportFields {
        region_code: known_region(query.get("region"))
            .map(|c| c.as_str().to_owned())
            .unwrap_or_default(),
        submission_id: new_submission_id(),
        ..ReportFields::default()
    };
    form_page(&state, &ctx, fields, Extras::default(), StatusCode::OK).await
}

/// `POST /lapor`: a picker step, or the filing itself.
pub async fn post(
    State(state): State<AppState>,
    ctx: Ctx,
    ip: crate::request::ClientIp,
    CsrfForm(form): CsrfForm,
) -> Response {
    let mut fields = ReportFields::from_form(&form);
    let picked = picked_region(&form);
    match form.get("action") {
        "region_down" => {
            if let Some(code) = picked.as_deref().and_then(known_region) {
                fields.region_code = code.as_str().to_owned();
            }
            form_page(&state, &ctx, fields, Extras::default(), StatusCode::OK).await
        }
        "region_up" => {
            fields.region_code = known_region(&fields.region_code)
                .and_then(|c| c.parent())
                .map(|c| c.as_str().to_owned())
                .unwrap_or_default();
            form_page(&state, &ctx, fields, Extras::default(), StatusCode::OK).await
        }
        "region_clear" => {
            fields.region_code.clear();
            form_page(&state, &ctx, fields, Extras::default(), StatusCode::OK).await
        }
        "region_search" => search(&state, &ctx, fields).await,
        // A hint, never a block: nothing is stored, everything typed is kept.
        "periksa" => {
            if let Some(code) = picked.as_deref().and_then(known_region) {
                fields.region_code = code.as_str().to_owned();
            }
            let extras = Extras {
                check: true,
                ..Extras::default()
            };
            form_page(&state, &ctx, fields, extras, StatusCode::OK).await
        }
        // Enter in the search box sends the first button (the report); with no region
        // chosen yet the visitor meant to search.
        _ if picked.is_none()
            && fields.region_code.is_empty()
            && !fields.region_query.trim().is_empty() =>
        {
            search(&state, &ctx, fields).await
        }
        _ => {
            if let Err(e) = ip.limit_filing(&state.app, ctx.user.as_ref()).await {
                return PageError::from_app(e, ctx.tr).into_response();
            }
            submit(&state, &ctx, fields, picked).await
        }
    }
}

/// `POST /laporan/petunjuk`: the hints for the form's fields as JSON, for the form's script.
/// A post with the form's CSRF token, so the report's text stays out of URLs and logs.
pub async fn hints(tr: Tr, CsrfForm(form): CsrfForm) -> Response {
    let mut fields = ReportFields::from_form(&form);
    if let Some(code) = picked_region(&form).as_deref().and_then(known_region) {
        fields.region_code = code.as_str().to_owned();
    }
    no_store(Json(serde_json::json!({ "hints": hints_for(&fields, tr) })).into_response())
}

async fn search(state: &AppState, ctx: &Ctx, fields: ReportFields) -> Response {
    let query = fields.region_query.trim();
    let extras = if query.is_empty() {
        Extras {
            search_message: Some(ctx.tr.form_region_query_empty()),
            ..Extras::default()
        }
    } else {
        let table = regions();
        let found: Vec<Opt> = table
            .search(query, None, SEARCH_LIMIT)
            .into_iter()
            .map(|r| Opt {
                value: r.code().as_str().to_owned(),
                label: table
                    .full_name(r.code())
                    .unwrap_or_else(|| r.label().into_owned()),
                selected: false,
            })
            .collect();
        let search_message = found.is_empty().then(|| ctx.tr.form_region_no_results());
        Extras {
            search: Some(found),
            search_message,
            ..Extras::default()
        }
    };
    form_page(state, ctx, fields, extras, StatusCode::OK).await
}

/// Maps a domain field to the input that shows its message.
fn input_id(field: &str) -> &str {
    match field {
        "region_code" | "latitude" | "longitude" => "region_pick",
        "reporter.name" => "reporter_name",
        "reporter.email" => "reporter_email",
        "reporter.phone" => "reporter_phone",
        other => other,
    }
}

/// The digest that tells a replay (same submission id, same fields) from a different
/// filing under a reused id.
fn fingerprint(input: &ReportInput<'_>, account: Option<i64>) -> String {
    let fields = [
        input.classification,
        input.title,
        input.body,
        input.incident_date,
        input.region_code,
        input.address,
        input.category,
        input.agency,
        input.reporter_name,
        input.reporter_email,
        input.reporter_phone,
    ];
    let mut canonical = String::new();
    for field in fields {
        canonical.push_str(field.unwrap_or(""));
        canonical.push('\u{1f}');
    }
    canonical.push_str(&format!(
        "{}|{}|{}",
        input.anonymous,
        input.confidential,
        account.unwrap_or(0)
    ));
    sha256_hex(canonical.as_bytes())
}

async fn submit(
    state: &AppState,
    ctx: &Ctx,
    mut fields: ReportFields,
    picked: Option<String>,
) -> Response {
    let tr = ctx.tr;
    if let Some(code) = picked {
        fields.region_code = code;
    }
    let account = ctx.user.as_ref();
    let contact = |v: &str| {
        if account.is_some() {
            None
        } else {
            Some(v.to_owned())
        }
    };
    let (reporter_name, reporter_email, reporter_phone) = (
        contact(&fields.reporter_name),
        contact(&fields.reporter_email),
        contact(&fields.reporter_phone),
    );
    let input = ReportInput {
        classification: Some(fields.classification.as_str()),
        title: Some(fields.title.as_str()),
        body: Some(fields.body.as_str()),
        incident_date: Some(fields.incident_date.as_str()),
        region_code: Some(fields.region_code.as_str()),
        address: Some(fields.address.as_str()),
        latitude: None,
        longitude: None,
        category: Some(fields.category.as_str()),
        agency: Some(fields.agency.as_str()),
        anonymous: fields.anonymous,
        confidential: fields.confidential,
        reporter_name: reporter_name.as_deref(),
        reporter_email: reporter_email.as_deref(),
        reporter_phone: reporter_phone.as_deref(),
    };
    let idempotency = fields.id_from_form.then(|| {
        (
            format!("web:{}", fields.submission_id),
            fingerprint(&input, account.map(|u| u.id)),
        )
    });
    let result = state
        .app
        .submit(Submission {
            input,
            channel: Channel::Web,
            account,
            idempotency,
            language: tr.language(),
            attachments: Vec::new(),
            client: None,
            inbound: None,
        })
        .await;
    match result {
        Ok(Receipt {
            number,
            tracking_code,
            ..
        }) => {
            let chrome = Chrome {
                show_switch: false,
                ..ctx.chrome()
            };
            let page = DonePage {
                chrome,
                number,
                tracking_code,
                title: fields.title.trim().to_owned(),
                logged_in: account.is_some(),
            };
            no_store(render_status(StatusCode::OK, &page, tr))
        }
        Err(AppError::Invalid(errors)) => {
            let extras = Extras {
                errors: FieldErrors::from_validation(&errors, tr, input_id),
                ..Extras::default()
            };
            form_page(state, ctx, fields, extras, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(AppError::IdempotencyKeyReused) => {
            fields.submission_id = new_submission_id();
            let extras = Extras {
                notice: Some(tr.form_key_reused().to_owned()),
                ..Extras::default()
            };
            form_page(state, ctx, fields, extras, StatusCode::CONFLICT).await
        }
        Err(other) => PageError::from_app(other, tr).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn submission_ids_are_128_bit_hex() {
        let id = new_submission_id();
        assert_eq!(valid_submission_id(&id), Some(id.as_str()));
        assert_eq!(valid_submission_id("abc"), None);
        assert_eq!(valid_submission_id(&"g".repeat(32)), None);
    }

    #[test]
    fn the_fingerprint_changes_with_any_field() {
        let a = ReportInput {
            title: Some("Jalan rusak"),
            ..ReportInput::default()
        };
        let b = ReportInput {
            title: Some("Jalan rusak!"),
            ..ReportInput::default()
        };
        assert_eq!(fingerprint(&a, None), fingerprint(&a, None));
        assert_ne!(fingerprint(&a, None), fingerprint(&b, None));
        assert_ne!(fingerprint(&a, None), fingerprint(&a, Some(1)));
        assert_ne!(
            fingerprint(&a, None),
            fingerprint(
                &ReportInput {
                    anonymous: true,
                    ..a.clone()
                },
                None
            )
        );
    }
}
