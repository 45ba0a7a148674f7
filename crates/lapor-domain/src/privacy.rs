//! Anonim and rahasia, and what each hides from whom (domain.md §2).

use serde::{Deserialize, Serialize};

/// The privacy of a report.
///
/// * `anonymous` (anonim): the report may be public, but the reporter's identity is hidden from
///   the public and from the party complained about.
/// * `confidential` (rahasia): the report is not public at all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Privacy {
    pub anonymous: bool,
    pub confidential: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("privacy can only be raised, never lowered")]
pub struct PrivacyLowered;

impl Privacy {
    /// Officers may add anonymity or confidentiality but never take it away: a reporter who
    /// asked for protection keeps it whatever an officer clicks.
    ///
    /// # Errors
    /// When `requested` would turn off a flag that is on.
    pub fn raise(self, requested: Privacy) -> Result<Privacy, PrivacyLowered> {
        if (self.anonymous && !requested.anonymous)
            || (self.confidential && !requested.confidential)
        {
            return Err(PrivacyLowered);
        }
        Ok(requested)
    }

    /// The reporter's name as the public (and the reported party) may see it.
    #[must_use]
    pub fn public_reporter_name(self, name: Option<&str>) -> Option<&str> {
        if self.anonymous || self.confidential {
            None
        } else {
            name
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Privacy; 4] = [
        Privacy {
            anonymous: false,
            confidential: false,
        },
        Privacy {
            anonymous: true,
            confidential: false,
        },
        Privacy {
            anonymous: false,
            confidential: true,
        },
        Privacy {
            anonymous: true,
            confidential: true,
        },
    ];

    #[test]
    fn privacy_can_be_raised_but_never_lowered() {
        for from in ALL {
            for to in ALL {
                let lowers =
                    (from.anonymous && !to.anonymous) || (from.confidential && !to.confidential);
                assert_eq!(from.raise(to).is_err(), lowers, "{from:?} -> {to:?}");
            }
        }
    }

    #[test]
    fn the_name_is_shown_only_for_open_reports() {
        assert_eq!(ALL[0].public_reporter_name(Some("Budi")), Some("Budi"));
        for p in &ALL[1..] {
            assert_eq!(p.public_reporter_name(Some("Budi")), None);
        }
    }
}
