//! The step forms of a case page, one per action the use case offers (and nothing else),
//! and the way a posted form becomes a [`Command`].

use lapor_app::{App, Case, Command};
use lapor_domain::event::EventKind;
use lapor_domain::report::Classification;
use lapor_domain::status::{Action, Status};
use lapor_domain::workflow::{ArchiveReason, HandlingClass};

use super::upload::Posted;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::pages::{Opt, OptGroup, agency_options, category_groups};
use crate::request::FormData;

/// The `action` value of the privacy form (not a workflow step).
pub(crate) const RAISE_PRIVACY: &str = "raise_privacy";

/// The command a posted form asks for; `None` for an unknown `action`.
pub(crate) fn command(posted: Posted) -> Option<Command> {
    let f = &posted.form;
    let text = |name: &str| f.get(name).to_owned();
    let optional = |name: &str| f.non_empty(name).map(str::to_owned);
    if f.get("action") == RAISE_PRIVACY {
        return Some(Command::RaisePrivacy {
            anonymous: f.checked("anonymous"),
            confidential: f.checked("confidential"),
        });
    }
    Some(match Action::from_code(f.get("action"))? {
        Action::Verify => Command::Verify {
            title: text("title"),
            classification: text("classification"),
            category: optional("category"),
            handling_class: text("handling_class"),
            // A code typed in "another agency" wins over the list.
            agency: optional("agency_other")
                .or_else(|| optional("agency"))
                .unwrap_or_default(),
            anonymous: f.checked("anonymous"),
            confidential: f.checked("confidential"),
        },
        Action::Pend => Command::Pend {
            reason: text("reason"),
        },
        Action::RequestInformation => Command::RequestInformation {
            question: text("question"),
        },
        Action::Archive => Command::Archive {
            reason: text("reason"),
            text: optional("text"),
        },
        Action::Accept => Command::Accept,
        Action::Dispose => Command::Dispose { units: units(f) },
        Action::ReturnNotAuthority => Command::ReturnNotAuthority {
            reason: text("reason"),
            suggested_agency: optional("suggested_agency"),
        },
        Action::ReturnToAgency => Command::ReturnToAgency {
            reason: text("reason"),
        },
        Action::UndoAutoRoute => Command::UndoAutoRoute {
            reason: text("reason"),
        },
        Action::FollowUp => Command::FollowUp {
            text: text("text"),
            attachments: posted.files,
        },
        Action::PublishFollowUp => Command::PublishFollowUp,
        Action::RejectFollowUp => Command::RejectFollowUp {
            reason: text("reason"),
        },
        _ => return None,
    })
}

fn units(f: &FormData) -> Vec<String> {
    f.0.iter()
        .filter(|(k, _)| k == "units")
        .map(|(_, v)| v.clone())
        .collect()
}

/// Privacy checkboxes that can only raise: flags already set are shown ticked and disabled.
pub(crate) struct PrivacyForm {
    pub anonymous_set: bool,
    pub confidential_set: bool,
    pub anonymous: bool,
    pub confidential: bool,
}

pub(crate) struct VerifyForm {
    pub title: String,
    pub classifications: Vec<Opt>,
    pub categories: Vec<OptGroup>,
    pub classes: Vec<Opt>,
    pub agencies: Vec<Opt>,
    pub agency_other: String,
    pub privacy: PrivacyForm,
}

pub(crate) struct ArchiveForm {
    pub reasons: Vec<Opt>,
    pub text: String,
}

/// One of the router's suggestions, as shown above the routing and disposisi forms.
pub(crate) struct SuggestionView {
    pub code: String,
    pub name: String,
    pub percent: u32,
    pub reasons: Vec<String>,
}

pub(crate) struct ReturnForm {
    pub reason: String,
    pub agencies: Vec<Opt>,
}

/// The forms of one case page; `None`/`false` for steps not open to this officer now.
pub(crate) struct Forms {
    /// The report's version the forms are built from (optimistic locking).
    pub version: i64,
    pub verify: Option<VerifyForm>,
    pub pend: Option<String>,
    pub request_information: Option<String>,
    pub archive: Option<ArchiveForm>,
    pub accept: bool,
    pub dispose: Option<Vec<Opt>>,
    pub return_not_authority: Option<ReturnForm>,
    pub return_to_agency: Option<String>,
    pub undo_auto_route: Option<String>,
    /// The router's suggestions for the routing or disposisi form on this page.
    pub suggestions: Vec<SuggestionView>,
    pub follow_up: Option<String>,
    pub publish_follow_up: bool,
    pub reject_follow_up: Option<String>,
    pub raise_privacy: Option<PrivacyForm>,
}

impl Forms {
    /// Whether any form is shown (pengawas and final reports: none).
    pub(crate) fn any(&self) -> bool {
        self.verify.is_some()
            || self.pend.is_some()
            || self.request_information.is_some()
            || self.archive.is_some()
            || self.accept
            || self.dispose.is_some()
            || self.return_not_authority.is_some()
            || self.return_to_agency.is_some()
            || self.undo_auto_route.is_some()
            || self.follow_up.is_some()
            || self.publish_follow_up
            || self.reject_follow_up.is_some()
            || self.raise_privacy.is_some()
    }

    /// The forms for `case`; `failed` is the form that was just refused as invalid, whose
    /// typed values are shown again.
    pub(crate) async fn build(
        app: &App,
        tr: Tr,
        case: &Case,
        failed: Option<&FormData>,
    ) -> Result<Self, PageError> {
        let r = &case.report.record.report;
        let open = |action: Action| case.actions.contains(&action);
        let suggestions: Vec<SuggestionView> = case
            .routing
            .iter()
            .flat_map(|routing| &routing.suggestions)
            .map(|s| SuggestionView {
                code: s.agency.clone(),
                name: s.name.clone(),
                percent: percent(s.confidence),
                reasons: s
                    .reasons
                    .iter()
                    .map(|x| x.describe(tr.is_english()))
                    .collect(),
            })
            .collect();
        let top_suggestion = suggestions.first().map(|s| s.code.clone());
        let typed = |action: &str| failed.filter(|f| f.get("action") == action);
        // A text field: what was typed into the failed form, else empty.
        let text_of = |action: Action, name: &str| -> Option<String> {
            open(action).then(|| {
                typed(action.code())
                    .map(|f| f.get(name).to_owned())
                    .unwrap_or_default()
            })
        };
        let privacy = |action: &str| {
            let t = typed(action);
            PrivacyForm {
                anonymous_set: r.privacy.anonymous,
                confidential_set: r.privacy.confidential,
                anonymous: r.privacy.anonymous || t.is_some_and(|f| f.checked("anonymous")),
                confidential: r.privacy.confidential
                    || t.is_some_and(|f| f.checked("confidential")),
            }
        };
        let verify = if open(Action::Verify) {
            let t = typed(Action::Verify.code());
            let get = |name: &str, default: String| t.map_or(default, |f| f.get(name).to_owned());
            let classification = get("classification", r.classification.code().to_owned());
            let category = get("category", r.category.clone().unwrap_or_default());
            let class = get(
                "handling_class",
                case.report.record.workflow.handling_class.code().to_owned(),
            );
            let agency = get(
                "agency",
                default_agency(case, top_suggestion.as_deref()).unwrap_or_default(),
            );
            let mut agencies =
                agency_options(app, tr, agency.trim(), Some(&r.location.region)).await?;
            // A suggested agency outside the region's list is still offered, first.
            for s in suggestions.iter().rev() {
                if !agencies.iter().any(|o| o.value == s.code) {
                    agencies.insert(
                        0,
                        Opt {
                            selected: s.code == agency.trim(),
                            value: s.code.clone(),
                            label: s.name.clone(),
                        },
                    );
                }
            }
            Some(VerifyForm {
                title: get("title", r.title.clone()),
                classifications: Classification::ALL
                    .into_iter()
                    .map(|c| Opt {
                        value: c.code().to_owned(),
                        label: tr.classification(c).to_owned(),
                        selected: c.code() == classification,
                    })
                    .collect(),
                categories: category_groups(app, tr, category.trim()),
                classes: HandlingClass::ALL
                    .into_iter()
                    .map(|c| Opt {
                        value: c.code().to_owned(),
                        label: handling_class_label(app, tr, c),
                        selected: c.code() == class,
                    })
                    .collect(),
                agencies,
                agency_other: get("agency_other", String::new()),
                privacy: privacy(Action::Verify.code()),
            })
        } else {
            None
        };
        let archive = if open(Action::Archive) {
            let t = typed(Action::Archive.code());
            let chosen = t.map(|f| f.get("reason").to_owned()).unwrap_or_default();
            Some(ArchiveForm {
                reasons: ArchiveReason::ALL
                    .into_iter()
                    .map(|a| Opt {
                        value: a.code().to_owned(),
                        label: tr.c_archive_reason(a).to_owned(),
                        selected: a.code() == chosen,
                    })
                    .collect(),
                text: t.map(|f| f.get("text").to_owned()).unwrap_or_default(),
            })
        } else {
            None
        };
        let return_not_authority = if open(Action::ReturnNotAuthority) {
            let t = typed(Action::ReturnNotAuthority.code());
            let suggested = t
                .map(|f| f.get("suggested_agency").to_owned())
                .unwrap_or_default();
            let own = r.agency.as_deref().unwrap_or_default();
            Some(ReturnForm {
                reason: t.map(|f| f.get("reason").to_owned()).unwrap_or_default(),
                agencies: agency_options(app, tr, suggested.trim(), Some(&r.location.region))
                    .await?
                    .into_iter()
                    .filter(|o| o.value != own)
                    .collect(),
            })
        } else {
            None
        };
        let dispose = open(Action::Dispose).then(|| {
            // Prefilled with the router's first suggestion until the admin chooses.
            let chosen = typed(Action::Dispose.code())
                .map(units)
                .unwrap_or_else(|| top_suggestion.iter().cloned().collect());
            case.dispose_to
                .iter()
                .map(|u| Opt {
                    selected: chosen.contains(&u.code),
                    value: u.code.clone(),
                    label: u.name.clone(),
                })
                .collect()
        });
        Ok(Self {
            version: case.report.record.workflow.version,
            verify,
            pend: text_of(Action::Pend, "reason"),
            request_information: text_of(Action::RequestInformation, "question"),
            archive,
            accept: open(Action::Accept),
            dispose,
            return_not_authority,
            return_to_agency: text_of(Action::ReturnToAgency, "reason"),
            undo_auto_route: text_of(Action::UndoAutoRoute, "reason"),
            suggestions,
            follow_up: text_of(Action::FollowUp, "text"),
            publish_follow_up: open(Action::PublishFollowUp),
            reject_follow_up: text_of(Action::RejectFollowUp, "reason"),
            raise_privacy: case.can_raise_privacy.then(|| privacy(RAISE_PRIVACY)),
        })
    }
}

/// 0..1 as a whole percentage.
fn percent(confidence: f32) -> u32 {
    // Confidences are in 0..=1, so the cast cannot truncate or wrap.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let p = (confidence.clamp(0.0, 1.0) * 100.0).round() as u32;
    p
}

/// The agency to offer first when verifying: the one suggested by the agency that returned
/// the report, else the one the reporter chose, else the router's first suggestion, else the
/// current one.
fn default_agency(case: &Case, suggested_by_router: Option<&str>) -> Option<String> {
    let r = &case.report.record.report;
    let suggested = (r.status == Status::Returned)
        .then(|| {
            case.report
                .history
                .iter()
                .rev()
                .find_map(|e| match &e.event.kind {
                    EventKind::Transition {
                        action: Action::ReturnNotAuthority,
                        suggested_agency,
                        ..
                    } => Some(suggested_agency.clone()),
                    _ => None,
                })
        })
        .flatten()
        .flatten();
    // On a report already routed, re-verifying (to fix the classification, say) keeps its
    // agency unless the admin picks another.
    let waiting = matches!(
        r.status,
        Status::Unverified | Status::Pending | Status::Returned
    );
    suggested
        .or_else(|| r.target_agency.clone())
        .or_else(|| suggested_by_router.filter(|_| waiting).map(str::to_owned))
        .or_else(|| r.agency.clone())
}

/// `Biasa — target 5 hari kerja`, with the deployment's own limit.
pub(crate) fn handling_class_label(app: &App, tr: Tr, class: HandlingClass) -> String {
    let days = app.policy().limits.resolution_for(class);
    format!(
        "{} — {}",
        tr.c_handling_class(class),
        tr.c_target_days(days)
    )
}
