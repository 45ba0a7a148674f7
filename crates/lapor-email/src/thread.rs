//! Which report a reply belongs to. Our outgoing e-mails carry the report number three ways:
//! a reply token `N-MAC` in the Reply-To address (`lapor+0000042-3f9a…@domain`) and in the
//! subject tag (`[Lapor #0000042-3f9a…]`), and the Message-ID `<report-N.K@lapor>` that
//! clients copy into `In-Reply-To`/`References`. Only the token is a proof (the app checks its
//! MAC); a bare number only says which report the sender means.

use crate::ParsedEmail;

/// Hex digits of the MAC in a reply token (64 bits).
pub const MAC_LEN: usize = 16;

/// A reply token as found: the report number and the MAC to check.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ThreadToken {
    pub number: i64,
    /// Lower-case hex, [`MAC_LEN`] digits.
    pub mac: String,
}

/// Everything in a message that points at a report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThreadHints {
    /// Tokens from recipient addresses and the subject, in that order.
    pub tokens: Vec<ThreadToken>,
    /// Report numbers without proof: a token-less subject tag, our Message-IDs in
    /// `In-Reply-To`/`References`.
    pub numbers: Vec<i64>,
}

impl ThreadHints {
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty() && self.numbers.is_empty()
    }
}

/// Reads `0000042-3f9a1c2b7d4e8f01` (any case).
#[must_use]
pub fn parse_token(text: &str) -> Option<ThreadToken> {
    let (number, mac) = text.trim().split_once('-')?;
    let number = parse_number(number)?;
    (mac.len() == MAC_LEN && mac.bytes().all(|b| b.is_ascii_hexdigit())).then(|| ThreadToken {
        number,
        mac: mac.to_ascii_lowercase(),
    })
}

fn parse_number(digits: &str) -> Option<i64> {
    if digits.is_empty() || digits.len() > 18 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|n| *n > 0)
}

impl ParsedEmail {
    /// The report this message points at, by every means it has.
    #[must_use]
    pub fn thread(&self) -> ThreadHints {
        let mut hints = ThreadHints::default();
        for recipient in &self.recipients {
            let local = recipient.rsplit_once('@').map_or("", |(l, _)| l);
            if let Some(token) = local.split_once('+').and_then(|(_, tag)| parse_token(tag)) {
                hints.tokens.push(token);
            }
        }
        for tag in subject_tags(&self.subject) {
            if let Some(token) = parse_token(tag) {
                hints.tokens.push(token);
            } else if let Some(number) = parse_number(tag.trim()) {
                hints.numbers.push(number);
            }
        }
        for parent in &self.parents {
            let number = parent
                .strip_prefix("report-")
                .and_then(|rest| rest.strip_suffix("@lapor"))
                .and_then(|rest| rest.split_once('.'))
                .and_then(|(number, _)| parse_number(number));
            hints.numbers.extend(number);
        }
        let mut seen = std::collections::HashSet::new();
        hints.tokens.retain(|t| seen.insert(t.clone()));
        let mut seen = std::collections::HashSet::new();
        hints.numbers.retain(|n| seen.insert(*n));
        hints
    }
}

/// What stands between `[Lapor #` and `]`, for every such tag (any case; replies prefix
/// `Re:`/`Bls:`, forwards may nest tags).
fn subject_tags(subject: &str) -> Vec<&str> {
    const OPEN: &str = "[lapor #";
    let lower = subject.to_ascii_lowercase();
    let mut tags = Vec::new();
    let mut from = 0;
    while let Some(start) = lower[from..].find(OPEN) {
        let begin = from + start + OPEN.len();
        let Some(len) = lower[begin..].find(']') else {
            break;
        };
        // ASCII lower-casing keeps byte offsets, so they index the original too.
        tags.push(&subject[begin..begin + len]);
        from = begin + len;
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_parse_strictly() {
        assert_eq!(
            parse_token("0000042-3F9A1C2B7D4E8F01"),
            Some(ThreadToken {
                number: 42,
                mac: "3f9a1c2b7d4e8f01".to_owned()
            })
        );
        for bad in [
            "",
            "42",
            "42-",
            "-3f9a1c2b7d4e8f01",
            "0-3f9a1c2b7d4e8f01",
            "42-3f9a1c2b7d4e8f0",
            "42-3f9a1c2b7d4e8f0g",
            "x42-3f9a1c2b7d4e8f01",
        ] {
            assert_eq!(parse_token(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn subject_tags_are_found_anywhere() {
        assert_eq!(
            subject_tags("Bls: RE: [LAPOR #0000042-abc] [Lapor #7] Judul [lapor #"),
            vec!["0000042-abc", "7"]
        );
        assert!(subject_tags("Ç [Lapor").is_empty());
    }
}
