//! "Laporan serupa" on the officer's case page: the re-submissions and reports of the same
//! problem linked to this one (only those the officer may see — the use case filters), and
//! the group answer: a follow-up written here can be applied to the linked reports that
//! accept one, each getting its own follow-up step.

use lapor_app::duplicates::Kind;
use lapor_app::{AppError, Command, Officer};
use lapor_domain::tracking::ReportNumber;

use crate::AppState;
use crate::i18n::Tr;
use crate::request::FormData;

/// One linked report as the case page lists it.
pub(crate) struct SimilarItem {
    pub number: String,
    pub title: String,
    pub status: &'static str,
    pub kind: &'static str,
    /// Similarity of the texts, e.g. `72%`.
    pub score: Option<String>,
}

/// The section and the group option of the follow-up form.
#[derive(Default)]
pub(crate) struct SimilarView {
    pub items: Vec<SimilarItem>,
    /// How many of them a follow-up written now would also reach.
    pub answerable: usize,
}

impl SimilarView {
    /// The linked reports of `number` that `officer` may see. A failed lookup only costs the
    /// section, never the case page.
    pub(crate) async fn load(
        state: &AppState,
        tr: Tr,
        officer: &Officer,
        number: ReportNumber,
    ) -> Self {
        let similar = match state.app.similar_reports(officer, number).await {
            Ok(s) => s,
            Err(error) => {
                tracing::warn!(report = %number, %error, "linked reports not shown");
                return Self::default();
            }
        };
        Self {
            answerable: similar.iter().filter(|s| s.can_follow_up).count(),
            items: similar
                .into_iter()
                .map(|s| SimilarItem {
                    number: s.number.to_string(),
                    title: s.title,
                    status: tr.status_public(s.status),
                    kind: tr.similar_kind(s.kind),
                    score: s.score.map(|v| format!("{:.0}%", v * 100.0)),
                })
                .collect(),
        }
    }
}

/// The text of a follow-up posted with "apply to similar reports" ticked; taken before the
/// command is handed to the use case.
pub(crate) fn group_answer(form: &FormData, command: &Command) -> Option<String> {
    match command {
        Command::FollowUp { text, .. } if form.checked("group") => Some(text.clone()),
        _ => None,
    }
}

/// Writes the follow-up on the rest of the group, once the report's own step succeeded.
pub(crate) async fn answer_group(
    state: &AppState,
    officer: &Officer,
    number: ReportNumber,
    text: String,
) -> Result<(), AppError> {
    state
        .app
        .follow_up_similar(officer, number, &text)
        .await
        .map(|_| ())
}

impl Tr {
    fn pick_similar(self, id: &'static str, en: &'static str) -> &'static str {
        if self.is_english() { en } else { id }
    }

    pub(crate) fn similar_title(&self) -> &'static str {
        self.pick_similar("Laporan serupa", "Similar reports")
    }

    pub(crate) fn similar_hint(&self) -> &'static str {
        self.pick_similar(
            "Laporan yang dikirim ulang atau tentang masalah yang sama di tempat yang sama. Hanya laporan dalam wewenang Anda yang ditampilkan.",
            "Reports sent again or about the same problem in the same place. Only reports within your remit are shown.",
        )
    }

    pub(crate) fn similar_kind(&self, kind: Kind) -> &'static str {
        match kind {
            Kind::Duplicate => self.pick_similar("Dikirim ulang", "Sent again"),
            Kind::SameProblem => self.pick_similar("Masalah yang sama", "Same problem"),
        }
    }

    pub(crate) fn similar_label_kind(&self) -> &'static str {
        self.pick_similar("Keterkaitan", "Link")
    }

    pub(crate) fn similar_label_score(&self) -> &'static str {
        self.pick_similar("Kemiripan", "Similarity")
    }

    /// The group option of the follow-up form.
    pub(crate) fn similar_apply(&self, n: &usize) -> String {
        let n = *n;
        match (self.is_english(), n) {
            (false, _) => format!("Terapkan juga ke {n} laporan serupa"),
            (true, 1) => "Apply to 1 similar report as well".to_owned(),
            (true, _) => format!("Apply to {n} similar reports as well"),
        }
    }

    pub(crate) fn similar_apply_hint(&self) -> &'static str {
        self.pick_similar(
            "Setiap laporan mendapat tindak lanjutnya sendiri dan setiap pelapor diberi tahu.",
            "Each report gets its own follow-up and each reporter is notified.",
        )
    }
}
