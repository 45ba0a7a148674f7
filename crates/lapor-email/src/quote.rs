//! The new words of a reply, without the history mail clients quote below (or above) it.

/// Lines that start a forwarded or quoted original in Outlook-style clients, which do not
/// mark the original with `>`: everything from here on is history.
const ORIGINAL_MARKERS: &[&str] = &[
    "-----original message-----",
    "-----pesan asli-----",
    "-----pesan orisinal-----",
    "----- forwarded message -----",
    "---------- forwarded message ---------",
    "---------- pesan terusan ---------",
    "________________________________",
];

/// Removes quoted history from a reply: `>` lines, the "On … wrote:" / "Pada … menulis:"
/// line that introduces them, an Outlook-style original, and the signature after `-- `.
/// Interleaved answers between quoted lines are kept.
#[must_use]
pub fn strip_quoted(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut kept: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim();
        let lower = trimmed.to_lowercase();
        // The signature delimiter is "-- "; many clients trim it to "--".
        if trimmed == "--" || ORIGINAL_MARKERS.iter().any(|m| lower.starts_with(m)) {
            break;
        }
        if trimmed.starts_with('>') {
            i += 1;
            continue;
        }
        if let Some(span) = attribution(&lines[i..]) {
            // Followed by `>` lines: drop the attribution and let them go one by one, so an
            // answer written below the quote survives. Otherwise the rest is the original.
            let next = lines[i + span..].iter().find(|l| !l.trim().is_empty());
            if next.is_some_and(|l| l.trim_start().starts_with('>')) {
                i += span;
                continue;
            }
            break;
        }
        kept.push(line.trim_end());
        i += 1;
    }
    // At most one blank line in a row, none around.
    let mut out = String::new();
    let mut blank = false;
    for line in kept {
        if line.trim().is_empty() {
            blank = true;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank { "\n\n" } else { "\n" });
        }
        blank = false;
        out.push_str(line);
    }
    out
}

/// How many lines (1 or 2: clients wrap long ones) form an "On … wrote:" attribution at the
/// start of `lines`, if they do.
fn attribution(lines: &[&str]) -> Option<usize> {
    let first = lines.first()?.trim().to_lowercase();
    let starts = ["on ", "pada ", "am ", "le "]
        .iter()
        .any(|s| first.starts_with(s));
    if !starts {
        return None;
    }
    let ends = |l: &str| {
        let l = l.trim_end().to_lowercase();
        ["wrote:", "menulis:", "schrieb:", "a écrit :", "a écrit:"]
            .iter()
            .any(|e| l.ends_with(e))
    };
    if ends(&first) {
        return Some(1);
    }
    lines
        .get(1)
        .filter(|second| ends(second) && first.len() + second.len() < 300)
        .map(|_| 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_posted_reply_loses_the_gmail_quote() {
        let text = "Sudah, tapi lampunya mati lagi.\n\nOn Mon, 3 Nov 2026 at 10:00, Lapor <lapor@lapor.go.id> wrote:\n\n> Tindak lanjut\n> selesai";
        assert_eq!(strip_quoted(text), "Sudah, tapi lampunya mati lagi.");
    }

    #[test]
    fn wrapped_indonesian_attribution_and_signature() {
        let text = "Belum diperbaiki.\n\n-- \nBudi\n0812\n\nPada tanggal Sen, 3 Nov 2026 pukul 10.00 Lapor <\nlapor@lapor.go.id> menulis:\n> lama";
        assert_eq!(strip_quoted(text), "Belum diperbaiki.");
        let wrapped = "Belum.\nPada tanggal Sen, 3 Nov 2026 pukul 10.00 Lapor <\nlapor@lapor.go.id> menulis:\n> lama";
        assert_eq!(strip_quoted(wrapped), "Belum.");
    }

    #[test]
    fn interleaved_answers_are_kept() {
        let text = "On Tue, Budi wrote:\n> Apakah sudah?\nBelum.\n> Lokasinya?\nDi depan pasar.";
        assert_eq!(strip_quoted(text), "Belum.\nDi depan pasar.");
    }

    #[test]
    fn outlook_original_is_cut() {
        let text = "Terima kasih.\r\n\r\n-----Original Message-----\r\nFrom: Lapor\r\nSubject: x";
        assert_eq!(strip_quoted(text), "Terima kasih.");
        let text = "Oke\n________________________________\nDari: Lapor";
        assert_eq!(strip_quoted(text), "Oke");
    }

    #[test]
    fn an_ordinary_sentence_starting_with_on_stays() {
        let text = "On the main road the lights are out.\nPlease fix them.";
        assert_eq!(strip_quoted(text), text);
    }
}
