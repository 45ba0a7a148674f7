//! Guided input (issue 5): what a report being typed still lacks — what, where, when — so a
//! form can say so before it is sent. A hint, never a block: nothing here refuses a report.
//! The rules live in [`lapor_router::hints`]; this door only reads the form's raw fields.

use lapor_domain::region::{RegionCode, regions};
use lapor_domain::report::Classification;
use lapor_router::hints::Draft;

pub use lapor_router::hints::{Aspect, Gap, Hint};

/// The form's fields as typed (any of them may be empty or wrong).
#[derive(Debug, Clone, Copy, Default)]
pub struct DraftFields<'a> {
    pub classification: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    /// The chosen region's code; an unknown code counts as none.
    pub region_code: &'a str,
    pub address: &'a str,
    pub incident_date: &'a str,
}

/// What the draft still lacks, in the order what, where, when; empty when it looks complete.
#[must_use]
pub fn check(fields: &DraftFields<'_>) -> Vec<Hint> {
    let region = RegionCode::parse(fields.region_code)
        .ok()
        .filter(|c| regions().contains(c))
        .map(|c| c.level());
    lapor_router::hints::check(&Draft {
        classification: Classification::from_code(fields.classification.trim()),
        title: fields.title,
        body: fields.body,
        region,
        address: fields.address,
        has_incident_date: !fields.incident_date.trim().is_empty(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_region_code_is_read_at_its_level() {
        let text = DraftFields {
            classification: "pengaduan",
            body: "Pelayanan pembuatan KTP elektronik sangat lambat, sudah tiga bulan belum jadi",
            ..DraftFields::default()
        };
        let where_gap = |region_code| {
            check(&DraftFields {
                region_code,
                ..text
            })
            .iter()
            .find(|h| h.aspect == Aspect::Where)
            .map(|h| h.gap)
        };
        assert_eq!(where_gap(""), Some(Gap::Missing));
        assert_eq!(where_gap("99.99"), Some(Gap::Missing), "unknown code");
        assert_eq!(where_gap("62"), Some(Gap::Weak), "a province");
        assert_eq!(where_gap("62.71"), None);
        assert_eq!(where_gap("6271011001"), None);
    }
}
