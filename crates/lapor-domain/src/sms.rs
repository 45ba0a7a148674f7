//! The SMS channel (1708): the text commands citizens send, the GSM arithmetic that decides
//! what one SMS costs, and the short Indonesian replies.
//!
//! Everything here is pure; the gateway (Kannel) and the use cases live in other crates.

use std::fmt;

use crate::status::Status;
use crate::tracking::TrackingCode;

/// What a citizen asked for in one SMS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SmsCommand {
    /// `LAPOR <isi>`: file a report. `isi` may be empty (then the reply explains the format).
    Lapor { isi: String },
    /// `CEK <kode>`: the status of a report; `kode` is `None` when what followed is no code.
    Cek { kode: Option<TrackingCode> },
    /// `BALAS <kode> <isi>`: answer a follow-up. Without a recognisable code the whole rest is
    /// the answer, threaded like free text.
    Balas {
        kode: Option<TrackingCode>,
        isi: String,
    },
    /// `BANTUAN`, `HELP`, `INFO`, `MENU` or `?` alone: the help text. Never threaded to a report,
    /// so asking for help cannot become someone's answer to an officer.
    Bantuan,
    /// Anything else: an answer to the report awaiting this number's reply, if exactly one is.
    Teks(String),
    /// Nothing readable at all.
    Kosong,
}

impl SmsCommand {
    /// Reads an SMS as people type it: any case, extra or missing spaces, line breaks, and the
    /// `LAPOR#isi` / `LAPOR:isi` / `LAPOR.isi` separators common on feature phones. Never fails.
    #[must_use]
    pub fn parse(text: &str) -> Self {
        let clean = normalise(text);
        if clean.is_empty() {
            return Self::Kosong;
        }
        let start = clean.trim_start_matches(is_separator);
        let keyword_len = start
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(start.len());
        let (keyword, rest) = start.split_at(keyword_len);
        // `LAPORAN jalan rusak` is prose, not the keyword `LAPOR` plus `AN`.
        if keyword.is_empty() || !rest.is_empty() && !rest.starts_with(is_separator) {
            return if start == "?" {
                Self::Bantuan
            } else {
                Self::Teks(clean)
            };
        }
        let rest = rest.trim_start_matches(is_separator);
        match keyword.to_ascii_uppercase().as_str() {
            "LAPOR" => Self::Lapor {
                isi: rest.to_owned(),
            },
            "CEK" => Self::Cek {
                kode: split_code(rest).map(|(kode, _)| kode),
            },
            "BALAS" => match split_code(rest) {
                Some((kode, isi)) => Self::Balas {
                    kode: Some(kode),
                    isi: isi.trim_start_matches(is_separator).to_owned(),
                },
                None => Self::Balas {
                    kode: None,
                    isi: rest.to_owned(),
                },
            },
            "BANTUAN" | "HELP" | "INFO" | "MENU" if rest.is_empty() => Self::Bantuan,
            _ => Self::Teks(clean),
        }
    }
}

/// The canonical form, which [`SmsCommand::parse`] reads back to the same command.
impl fmt::Display for SmsCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let with_rest = |f: &mut fmt::Formatter<'_>, keyword: &str, rest: &str| {
            if rest.is_empty() {
                f.write_str(keyword)
            } else {
                write!(f, "{keyword} {rest}")
            }
        };
        match self {
            Self::Lapor { isi } => with_rest(f, "LAPOR", isi),
            Self::Cek { kode: Some(kode) } => write!(f, "CEK {kode}"),
            Self::Cek { kode: None } => f.write_str("CEK"),
            Self::Balas {
                kode: Some(kode),
                isi,
            } => with_rest(f, &format!("BALAS {kode}"), isi),
            Self::Balas { kode: None, isi } => with_rest(f, "BALAS", isi),
            Self::Bantuan => f.write_str("BANTUAN"),
            Self::Teks(text) => f.write_str(text),
            Self::Kosong => Ok(()),
        }
    }
}

/// What may stand between a keyword and its argument: `LAPOR jalan`, `LAPOR#jalan`,
/// `LAPOR: jalan`, `LAPOR.jalan`, `CEK-K7QM…`.
fn is_separator(c: char) -> bool {
    c == ' ' || matches!(c, '#' | ':' | '.' | ',' | ';' | '-' | '_' | '*' | '/' | '=')
}

/// Characters that print nothing but would survive `trim`: zero-width spaces and joiners,
/// directional marks and isolates (i18n libraries insert U+2066–U+2069), the byte order mark
/// and the soft hyphen.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}' | '\u{AD}')
}

/// One line of text: invisible and control characters removed, every run of whitespace (line
/// breaks included) one space, no space at either end.
fn normalise(text: &str) -> String {
    text.split(|c: char| c.is_whitespace())
        .map(|word| {
            word.chars()
                .filter(|c| !c.is_control() && !is_invisible(*c))
                .collect::<String>()
        })
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A tracking code at the start of `text`, written as one word (`K7QM-R2XD-9HTWB`,
/// `k7qmr2xd9htwb`) or in up to three space-separated groups (`K7QM R2XD 9HTWB`), with the
/// text after it. Trailing sentence punctuation (`CEK K7QM-R2XD-9HTWB.`) is forgiven.
fn split_code(text: &str) -> Option<(TrackingCode, &str)> {
    let mut code = String::new();
    let mut rest = text;
    for _ in 0..3 {
        let word_end = rest.find(' ').unwrap_or(rest.len());
        let (word, after) = rest.split_at(word_end);
        let word = word.trim_end_matches(['.', ',', ';', ':', '!', '?']);
        if word.is_empty() || !word.chars().all(|c| c == '-' || c.is_ascii_alphanumeric()) {
            return None;
        }
        code.extend(word.chars().filter(|c| *c != '-'));
        rest = after.trim_start();
        if code.len() >= crate::tracking::LENGTH {
            break;
        }
    }
    TrackingCode::parse(&code).map(|kode| (kode, rest))
}

/// How the characters of an SMS are encoded on the air.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// The GSM 03.38 default alphabet: 160 septets in one SMS.
    Gsm7,
    /// Anything outside it makes the whole message UCS-2: 70 characters in one SMS.
    Ucs2,
}

/// Units (septets or UTF-16 code units) that fit one SMS, and one part of a concatenated SMS
/// (the user data header takes the rest).
impl Encoding {
    #[must_use]
    pub fn single(self) -> usize {
        match self {
            Encoding::Gsm7 => 160,
            Encoding::Ucs2 => 70,
        }
    }

    #[must_use]
    pub fn part(self) -> usize {
        match self {
            Encoding::Gsm7 => 153,
            Encoding::Ucs2 => 67,
        }
    }
}

/// The GSM 03.38 default alphabet (without the escape character itself).
const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// The extension table: each costs two septets (escape + character).
const GSM7_EXTENSION: &str = "\u{C}^{}\\[~]|€";

/// Septets `c` takes in GSM-7, or `None` when GSM-7 cannot carry it.
fn gsm7_width(c: char) -> Option<usize> {
    if GSM7_BASIC.contains(c) {
        Some(1)
    } else if GSM7_EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// Whether `text` can be sent in the GSM-7 alphabet.
#[must_use]
pub fn is_gsm7(text: &str) -> bool {
    text.chars().all(|c| gsm7_width(c).is_some())
}

/// The encoding a phone or gateway picks for `text`.
#[must_use]
pub fn encoding(text: &str) -> Encoding {
    if is_gsm7(text) {
        Encoding::Gsm7
    } else {
        Encoding::Ucs2
    }
}

/// Width of each character in the units of `encoding`.
fn widths(text: &str, encoding: Encoding) -> impl Iterator<Item = usize> + '_ {
    text.chars().map(move |c| match encoding {
        Encoding::Gsm7 => gsm7_width(c).unwrap_or(1),
        Encoding::Ucs2 => c.len_utf16(),
    })
}

/// Length of `text` in its encoding's units: septets (extension characters count two) or
/// UTF-16 code units.
#[must_use]
pub fn units(text: &str) -> usize {
    widths(text, encoding(text)).sum()
}

/// How many SMS `text` is sent as. An escape pair or a surrogate pair is never split across
/// two parts, so a part may hold one unit less than [`Encoding::part`].
#[must_use]
pub fn segments(text: &str) -> usize {
    let encoding = encoding(text);
    if widths(text, encoding).sum::<usize>() <= encoding.single() {
        return 1;
    }
    let (parts, _) = widths(text, encoding).fold((1, 0), |(parts, used), width| {
        if used + width > encoding.part() {
            (parts + 1, width)
        } else {
            (parts, used + width)
        }
    });
    parts
}

/// The longest SMS we read: ten concatenated parts (1530 GSM-7 characters or 670 UCS-2 ones).
/// Longer texts are refused with a short help SMS rather than half-read.
pub const MAX_INBOUND_SEGMENTS: usize = 10;

/// Whether an inbound SMS is longer than any phone would reasonably send.
#[must_use]
pub fn is_oversize(text: &str) -> bool {
    segments(text) > MAX_INBOUND_SEGMENTS
}

/// One GSM-7 SMS.
pub const SINGLE_SMS: usize = 160;

/// `text` in the GSM-7 alphabet on one line: typographic quotes, dashes and the ellipsis
/// transliterated, accents dropped where GSM-7 has no such letter, invisible marks removed,
/// whitespace collapsed, and anything else that GSM-7 cannot carry shown as `?`.
#[must_use]
pub fn to_gsm7(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_whitespace() {
            out.push(' ');
        } else if gsm7_width(c).is_some() {
            out.push(c);
        } else if !is_invisible(c) && !c.is_control() {
            out.push_str(transliterate(c));
        }
    }
    normalise(&out)
}

fn transliterate(c: char) -> &'static str {
    match c {
        '‘' | '’' | '‚' | '‛' | '′' | '`' | '´' => "'",
        '“' | '”' | '„' | '‟' | '″' | '«' | '»' => "\"",
        '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | '•' | '·' => "-",
        '…' => "...",
        'á' | 'â' | 'ã' | 'ā' => "a",
        'Á' | 'À' | 'Â' | 'Ã' | 'Ā' => "A",
        'ê' | 'ë' | 'ē' => "e",
        'È' | 'Ê' | 'Ë' | 'Ē' => "E",
        'í' | 'î' | 'ï' | 'ī' => "i",
        'Í' | 'Ì' | 'Î' | 'Ï' | 'Ī' => "I",
        'ó' | 'ô' | 'õ' | 'ō' => "o",
        'Ó' | 'Ò' | 'Ô' | 'Õ' | 'Ō' => "O",
        'ú' | 'û' | 'ū' => "u",
        'Ú' | 'Ù' | 'Û' | 'Ū' => "U",
        'ç' => "c",
        'ý' | 'ÿ' => "y",
        'Ý' => "Y",
        _ => "?",
    }
}

/// `text` made into at most `max` GSM-7 septets: [`to_gsm7`], then, if still too long, cut
/// after the last whole word that fits and ended with `...`.
#[must_use]
pub fn fit(text: &str, max: usize) -> String {
    const ELLIPSIS: &str = "...";
    let text = to_gsm7(text);
    if units(&text) <= max {
        return text;
    }
    let room = max.saturating_sub(ELLIPSIS.len());
    let mut used = 0;
    let mut hard_cut = 0;
    let mut word_cut = None;
    for (at, c) in text.char_indices() {
        let width = gsm7_width(c).unwrap_or(1);
        if used + width > room {
            break;
        }
        if c == ' ' {
            word_cut = Some(at);
        }
        used += width;
        hard_cut = at + c.len_utf8();
    }
    // Cut inside a word only when the first word alone is too long.
    let kept = text[..word_cut.unwrap_or(hard_cut)]
        .trim_end_matches(|c: char| c == ' ' || ",;:-".contains(c));
    if max < ELLIPSIS.len() {
        return kept.to_owned();
    }
    format!("{kept}{ELLIPSIS}")
}

/// A reply that fits one GSM-7 SMS.
#[must_use]
pub fn fit_reply(text: &str) -> String {
    fit(text, SINGLE_SMS)
}

/// The Indonesian replies of the SMS channel, each one GSM-7 SMS.
pub mod reply {
    use super::{SINGLE_SMS, fit, fit_reply, to_gsm7, units};
    use crate::tracking::{ReportNumber, TrackingCode};

    /// `head` followed by as much of `excerpt` as still fits one SMS.
    fn with_excerpt(head: &str, excerpt: &str) -> String {
        let head = to_gsm7(head);
        let room = SINGLE_SMS.saturating_sub(units(&head) + 2);
        let excerpt = fit(excerpt, room);
        if excerpt.is_empty() {
            fit_reply(&head)
        } else {
            fit_reply(&format!("{head} \"{excerpt}\""))
        }
    }

    /// The receipt of a report filed by SMS, with its secret code.
    #[must_use]
    pub fn receipt(number: ReportNumber, code: &TrackingCode) -> String {
        fit_reply(&format!(
            "Laporan #{number} diterima. Kode pelacakan (rahasiakan): {code}. Cek status: kirim CEK {code}"
        ))
    }

    /// A gateway resent an SMS that was already filed: the number, never a second report.
    /// The code is not shown again: only its digest is kept.
    #[must_use]
    pub fn already_received(number: ReportNumber) -> String {
        fit_reply(&format!(
            "Laporan ini sudah kami terima sebelumnya dengan nomor #{number}. Gunakan kode pelacakan dari SMS tanda terima."
        ))
    }

    /// The answer to `CEK`: the status and the start of the latest public follow-up.
    #[must_use]
    pub fn status(number: ReportNumber, status: &str, latest: Option<&str>) -> String {
        let head = format!("Laporan #{number}: {status}.");
        match latest {
            Some(latest) => with_excerpt(&format!("{head} Tindak lanjut terakhir:"), latest),
            None => fit_reply(&head),
        }
    }

    /// An answer to an officer was added to the report.
    #[must_use]
    pub fn answer_received(number: ReportNumber) -> String {
        fit_reply(&format!(
            "Tanggapan Anda untuk laporan #{number} sudah kami terima. Terima kasih."
        ))
    }

    /// The commands.
    #[must_use]
    pub fn help() -> String {
        fit_reply(
            "LAPOR!: kirim LAPOR <isi> untuk melapor, CEK <kode> untuk status, BALAS <kode> <isi> untuk menjawab petugas.",
        )
    }

    /// An SMS that is none of the commands and answers no report.
    #[must_use]
    pub fn not_understood() -> String {
        fit_reply(&format!("Maaf, pesan tidak dikenali. {}", help()))
    }

    /// `LAPOR` with no or too little text.
    #[must_use]
    pub fn report_too_short(min_chars: usize) -> String {
        fit_reply(&format!(
            "Isi laporan terlalu singkat (min. {min_chars} huruf). Kirim: LAPOR <apa, di mana, kapan>, mis. LAPOR jalan rusak di depan SDN 1 Cibinong sejak Mei"
        ))
    }

    /// `LAPOR` with text the intake refused for another reason.
    #[must_use]
    pub fn report_refused(reason: &str) -> String {
        with_excerpt("Laporan belum dapat diterima:", reason)
    }

    /// An answer shorter than the officers accept.
    #[must_use]
    pub fn answer_too_short(min_chars: usize) -> String {
        fit_reply(&format!(
            "Tanggapan terlalu singkat (min. {min_chars} huruf). Kirim: BALAS <kode> <isi tanggapan>"
        ))
    }

    /// A sender that is no Indonesian mobile number: no report can be filed or answered.
    #[must_use]
    pub fn foreign_number() -> String {
        fit_reply(
            "Maaf, SMS LAPOR! hanya melayani nomor seluler Indonesia. Silakan lapor lewat situs web.",
        )
    }

    /// `CEK`/`BALAS` with a code that is malformed or belongs to no report of this number.
    #[must_use]
    pub fn unknown_code() -> String {
        fit_reply(
            "Kode pelacakan tidak dikenali. Periksa kode dari SMS tanda terima, mis. CEK K7QM-R2XD-9HTWB",
        )
    }

    /// `BALAS` for a report that is not waiting for the reporter.
    #[must_use]
    pub fn not_awaiting(number: ReportNumber) -> String {
        fit_reply(&format!(
            "Laporan #{number} tidak sedang menunggu tanggapan Anda. Cek status: kirim CEK <kode>"
        ))
    }

    /// Free text from a number with several reports awaiting an answer.
    #[must_use]
    pub fn which_report() -> String {
        fit_reply(
            "Beberapa laporan Anda menunggu tanggapan. Sebutkan kodenya: BALAS <kode> <isi tanggapan>",
        )
    }

    /// Too many SMS from one number.
    #[must_use]
    pub fn rate_limited(retry_after_secs: u64) -> String {
        let minutes = retry_after_secs.div_ceil(60).max(1);
        fit_reply(&format!(
            "Terlalu banyak SMS dari nomor Anda. Coba lagi dalam {minutes} menit."
        ))
    }

    /// Longer than [`super::MAX_INBOUND_SEGMENTS`] parts.
    #[must_use]
    pub fn too_long() -> String {
        fit_reply(&format!(
            "SMS terlalu panjang (maks. {} SMS bersambung). Kirim laporan yang lebih singkat atau lapor lewat situs web.",
            super::MAX_INBOUND_SEGMENTS
        ))
    }

    /// Something went wrong on our side; the gateway shows this instead of an error page.
    #[must_use]
    pub fn try_later() -> String {
        fit_reply("Maaf, layanan sedang gangguan. Silakan kirim ulang SMS Anda nanti.")
    }
}

/// The status as an SMS names it (short, Indonesian, GSM-7).
#[must_use]
pub fn status_name(status: Status) -> &'static str {
    match status {
        Status::Unverified => "Belum terverifikasi",
        Status::Pending => "Tunda, menunggu informasi dari Anda",
        Status::Routed => "Diteruskan ke instansi",
        Status::Disposed => "Didisposisikan ke unit",
        Status::FollowedUp => "Ditindaklanjuti",
        Status::AwaitingReporter => "Menunggu tanggapan Anda",
        Status::Closed => "Selesai",
        Status::Returned => "Dikembalikan (bukan wewenang instansi)",
        Status::Archived => "Diarsipkan",
        Status::EscalatedOmbudsman => "Dilimpahkan ke Ombudsman",
    }
}

/// A short title for a report filed by SMS: its first words, at most `max` characters.
#[must_use]
pub fn title_from(isi: &str, max: usize) -> String {
    let text = normalise(isi);
    if text.chars().count() <= max {
        return text;
    }
    let mut title = String::new();
    for word in text.split(' ') {
        let len = title.chars().count() + usize::from(!title.is_empty()) + word.chars().count();
        if len + 3 > max {
            break;
        }
        if !title.is_empty() {
            title.push(' ');
        }
        title.push_str(word);
    }
    if title.is_empty() {
        title = text.chars().take(max.saturating_sub(3)).collect();
    }
    title.push_str("...");
    title
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::tracking::ReportNumber;
    use proptest::prelude::*;

    const CODE: &str = "K7QM-R2XD-9HTWB";

    fn code() -> TrackingCode {
        TrackingCode::parse(CODE).unwrap()
    }

    fn lapor(isi: &str) -> SmsCommand {
        SmsCommand::Lapor { isi: isi.into() }
    }

    #[test]
    fn lapor_is_read_however_feature_phone_users_type_it() {
        let expected = lapor("jalan rusak di depan sekolah");
        for text in [
            "LAPOR jalan rusak di depan sekolah",
            "lapor jalan rusak di depan sekolah",
            "  Lapor   jalan  rusak\ndi depan\r\nsekolah  ",
            "LAPOR#jalan rusak di depan sekolah",
            "LAPOR: jalan rusak di depan sekolah",
            "LAPOR.jalan rusak di depan sekolah",
            "#LAPOR#jalan rusak di depan sekolah",
            "\u{FEFF}LAPOR\u{2068} jalan rusak di depan sekolah\u{2069}",
        ] {
            assert_eq!(SmsCommand::parse(text), expected, "{text:?}");
        }
        assert_eq!(SmsCommand::parse("LAPOR"), lapor(""));
        assert_eq!(SmsCommand::parse("lapor :  "), lapor(""));
    }

    #[test]
    fn a_word_that_merely_starts_like_a_keyword_is_prose() {
        assert_eq!(
            SmsCommand::parse("Laporan saya belum ditanggapi"),
            SmsCommand::Teks("Laporan saya belum ditanggapi".into())
        );
        assert_eq!(
            SmsCommand::parse("cekidot"),
            SmsCommand::Teks("cekidot".into())
        );
    }

    #[test]
    fn cek_reads_the_code_with_or_without_dashes() {
        for text in [
            "CEK K7QM-R2XD-9HTWB",
            "cek k7qmr2xd9htwb",
            "Cek#K7QM R2XD 9HTWB",
            "CEK: k7qm-r2xd-9htwb.",
            "cek K7QM-R2XD 9HTWB terima kasih",
        ] {
            assert_eq!(
                SmsCommand::parse(text),
                SmsCommand::Cek { kode: Some(code()) },
                "{text:?}"
            );
        }
        for text in [
            "CEK",
            "CEK 0001234",
            "CEK K7QM-R2XD-9HTW",
            "CEK K7QM-R2XD-9HTWO",
        ] {
            assert_eq!(
                SmsCommand::parse(text),
                SmsCommand::Cek { kode: None },
                "{text:?}"
            );
        }
    }

    #[test]
    fn balas_separates_code_and_answer() {
        assert_eq!(
            SmsCommand::parse("BALAS K7QM-R2XD-9HTWB: foto sudah saya kirim"),
            SmsCommand::Balas {
                kode: Some(code()),
                isi: "foto sudah saya kirim".into()
            }
        );
        assert_eq!(
            SmsCommand::parse("balas k7qm r2xd 9htwb  Sudah diperbaiki, terima kasih"),
            SmsCommand::Balas {
                kode: Some(code()),
                isi: "Sudah diperbaiki, terima kasih".into()
            }
        );
        assert_eq!(
            SmsCommand::parse("BALAS belum diperbaiki"),
            SmsCommand::Balas {
                kode: None,
                isi: "belum diperbaiki".into()
            }
        );
    }

    #[test]
    fn help_words_alone_ask_for_help_but_start_no_command() {
        for text in ["?", "bantuan", "HELP", " Info ", "menu"] {
            assert_eq!(SmsCommand::parse(text), SmsCommand::Bantuan, "{text:?}");
        }
        assert_eq!(
            SmsCommand::parse("Info lampu jalan mati"),
            SmsCommand::Teks("Info lampu jalan mati".into())
        );
        for text in ["", "   ", "\n\u{200B}\u{2066}"] {
            assert_eq!(SmsCommand::parse(text), SmsCommand::Kosong, "{text:?}");
        }
    }

    #[test]
    fn gsm7_alphabet_and_segments() {
        assert!(is_gsm7("Laporan #0001234 diterima. Kode: K7QM-R2XD-9HTWB"));
        assert!(is_gsm7("@£$¥ ÄÖÑÜ§ äöñüà {[~]} €"));
        assert!(!is_gsm7("“kutip”"));
        assert!(!is_gsm7("a\u{2068}b"));
        assert!(!is_gsm7("`"));
        assert_eq!(units("a€b"), 4, "extension characters cost two septets");
        assert_eq!(segments(""), 1);
        assert_eq!(segments(&"a".repeat(160)), 1);
        assert_eq!(segments(&"a".repeat(161)), 2);
        assert_eq!(segments(&"a".repeat(306)), 2);
        assert_eq!(segments(&"a".repeat(307)), 3);
        assert_eq!(segments(&"€".repeat(80)), 1);
        assert_eq!(segments(&"€".repeat(81)), 2);
        // 76 pairs fill 152 septets; the 77th pair may not be split across parts.
        assert_eq!(segments(&"€".repeat(153)), 3);
        assert_eq!(encoding("Jalan “rusak”"), Encoding::Ucs2);
        assert_eq!(segments(&"é".repeat(160)), 1, "é is in GSM-7");
        assert_eq!(segments(&"ā".repeat(70)), 1);
        assert_eq!(segments(&"ā".repeat(71)), 2);
        assert_eq!(segments(&"ā".repeat(134)), 2);
        assert_eq!(segments(&"ā".repeat(135)), 3);
        assert_eq!(units("😀"), 2, "a surrogate pair");
    }

    #[test]
    fn oversize_means_more_than_ten_parts() {
        assert!(!is_oversize(&"a".repeat(1530)));
        assert!(is_oversize(&"a".repeat(1531)));
        assert!(!is_oversize(&"ā".repeat(670)));
        assert!(is_oversize(&"ā".repeat(671)));
    }

    #[test]
    fn replies_are_transliterated_into_gsm7() {
        assert_eq!(
            fit_reply("Status: \u{2068}Selesai\u{2069} — “jalan” sudah diperbaiki…"),
            "Status: Selesai - \"jalan\" sudah diperbaiki..."
        );
        assert_eq!(
            fit_reply("Kantor Lurah Pāsir   Putih\n😀"),
            "Kantor Lurah Pasir Putih ?"
        );
    }

    #[test]
    fn long_replies_are_cut_on_a_word_boundary_with_an_ellipsis() {
        let long =
            "Jalan di depan sekolah sudah kami perbaiki bersama dinas pekerjaan umum, ".repeat(4);
        let fitted = fit_reply(&long);
        assert!(units(&fitted) <= SINGLE_SMS);
        assert!(fitted.ends_with("..."), "{fitted}");
        assert!(long.starts_with(fitted.trim_end_matches("...")));
        let cut_word = fitted.trim_end_matches("...").rsplit(' ').next().unwrap();
        assert!(
            long.split([' ', ',']).any(|w| w == cut_word),
            "{cut_word:?} is a whole word"
        );
        let one_word = "x".repeat(300);
        assert_eq!(fit_reply(&one_word), format!("{}...", "x".repeat(157)));
        assert_eq!(units(&fit(&"€".repeat(100), 10)), 9, "no half escape pair");
    }

    #[test]
    fn every_reply_is_one_gsm7_sms() {
        let number = ReportNumber(1_234_567);
        let huge = "Tindak lanjut yang “sangat” panjang — ".repeat(20);
        for text in [
            reply::receipt(number, &code()),
            reply::already_received(number),
            reply::status(number, "Menunggu tanggapan pelapor", Some(&huge)),
            reply::status(number, "Selesai", None),
            reply::answer_received(number),
            reply::help(),
            reply::not_understood(),
            reply::report_too_short(20),
            reply::report_refused(&huge),
            reply::unknown_code(),
            reply::not_awaiting(number),
            reply::which_report(),
            reply::rate_limited(3_600),
            reply::too_long(),
            reply::try_later(),
            reply::answer_too_short(5),
            reply::foreign_number(),
        ]
        .into_iter()
        .chain(
            Status::ALL
                .into_iter()
                .map(|s| reply::status(number, status_name(s), Some(&huge))),
        ) {
            assert!(is_gsm7(&text), "{text}");
            assert!(units(&text) <= SINGLE_SMS, "{} units: {text}", units(&text));
        }
    }

    #[test]
    fn the_receipt_carries_the_whole_code_and_the_status_shows_the_follow_up() {
        let receipt = reply::receipt(ReportNumber(42), &code());
        assert!(receipt.contains("#0000042"), "{receipt}");
        assert_eq!(receipt.matches(CODE).count(), 2, "{receipt}");
        let status = reply::status(
            ReportNumber(42),
            "Ditindaklanjuti",
            Some("Lubang sudah ditambal pada 3 Juni."),
        );
        assert_eq!(
            status,
            "Laporan #0000042: Ditindaklanjuti. Tindak lanjut terakhir: \"Lubang sudah ditambal pada 3 Juni.\""
        );
        assert!(reply::not_understood().contains("LAPOR <isi>"));
        assert!(reply::rate_limited(61).contains("2 menit"));
    }

    #[test]
    fn titles_are_the_first_words() {
        assert_eq!(title_from("jalan rusak", 60), "jalan rusak");
        assert_eq!(
            title_from("jalan rusak di depan sekolah dasar negeri satu", 30),
            "jalan rusak di depan..."
        );
        assert_eq!(title_from(&"x".repeat(50), 10), "xxxxxxx...");
    }

    /// Text as phones send it: words of letters, digits and typographic odds, with any spacing.
    fn sms_words() -> impl Strategy<Value = String> {
        proptest::collection::vec("[a-zA-Z0-9À-ÿ“”’—…][a-zA-Z0-9À-ÿ“”’—…!?,.]{0,11}", 0..12)
            .prop_map(|w| w.join(" "))
    }

    fn keyword(word: &'static str) -> impl Strategy<Value = String> {
        proptest::collection::vec(any::<bool>(), word.len()).prop_map(move |upper| {
            word.chars()
                .zip(upper)
                .map(|(c, u)| if u { c.to_ascii_uppercase() } else { c })
                .collect()
        })
    }

    fn separator() -> impl Strategy<Value = &'static str> {
        prop_oneof![
            Just(" "),
            Just("  "),
            Just("#"),
            Just(": "),
            Just("."),
            Just("\n")
        ]
    }

    fn any_code() -> impl Strategy<Value = TrackingCode> {
        any::<u64>().prop_map(|seed| {
            use rand::SeedableRng;
            TrackingCode::generate(&mut rand::rngs::StdRng::seed_from_u64(seed))
        })
    }

    proptest! {
        #[test]
        fn parsing_never_panics(text in any::<String>()) {
            let command = SmsCommand::parse(&text);
            // Whatever was read is one clean line.
            let shown = command.to_string();
            prop_assert!(!shown.contains('\n') && !shown.starts_with(' ') && !shown.ends_with(' '));
        }

        #[test]
        fn canonical_commands_round_trip(
            isi in sms_words(),
            kode in any_code(),
            which in 0..4_u8,
        ) {
            let isi = normalise(&isi);
            prop_assume!(split_code(&isi).is_none());
            let command = match which {
                0 => SmsCommand::Lapor { isi },
                1 => SmsCommand::Cek { kode: Some(kode) },
                2 => SmsCommand::Balas { kode: Some(kode), isi },
                _ => SmsCommand::Balas { kode: None, isi },
            };
            prop_assert_eq!(SmsCommand::parse(&command.to_string()), command);
        }

        #[test]
        fn lapor_survives_any_spelling_of_the_keyword(
            word in keyword("lapor"),
            sep in separator(),
            isi in "[a-z]{1,10}( [a-z]{1,10}){0,8}",
        ) {
            prop_assert_eq!(SmsCommand::parse(&format!(" {word}{sep}{isi} ")), lapor(&isi));
        }

        #[test]
        fn cek_survives_any_spelling_of_keyword_and_code(
            word in keyword("cek"),
            sep in separator(),
            kode in any_code(),
            dashes in any::<bool>(),
            lower in any::<bool>(),
        ) {
            let written = if dashes { kode.to_string() } else { kode.as_str().to_owned() };
            let written = if lower { written.to_lowercase() } else { written };
            prop_assert_eq!(
                SmsCommand::parse(&format!("{word}{sep}{written}")),
                SmsCommand::Cek { kode: Some(kode) }
            );
        }

        #[test]
        fn fitted_replies_are_one_gsm7_sms(text in any::<String>()) {
            let fitted = fit_reply(&text);
            prop_assert!(is_gsm7(&fitted), "{:?}", fitted);
            prop_assert!(units(&fitted) <= SINGLE_SMS);
        }

        #[test]
        fn short_gsm7_text_is_left_alone(text in "[a-zA-Z0-9@£$!?.,:;()+=<>{}€ -]{0,80}") {
            let clean = normalise(&text);
            prop_assert_eq!(fit_reply(&clean), clean);
        }

        #[test]
        fn segments_agree_with_units(text in any::<String>()) {
            let encoding = encoding(&text);
            let n = segments(&text);
            if units(&text) <= encoding.single() {
                prop_assert_eq!(n, 1);
            } else {
                prop_assert!(units(&text) <= n * encoding.part());
                // A full part holds at least `part - 1` units (a pair is never split).
                prop_assert!(units(&text) > (n - 1) * (encoding.part() - 1));
            }
        }
    }
}
