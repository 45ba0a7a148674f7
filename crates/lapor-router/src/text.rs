//! Indonesian text normalisation: lower case, letters stretched for emphasis shortened,
//! common SMS abbreviations expanded, reduplication marks (`2`) spelled out, and character
//! n-grams for the spelling variants no word list can foresee.
//!
//! The abbreviation list is Lapor's own, written for complaint text; it ships with the product.
//! (The colloquial lexicon under `shared/data/nlp` may only be used for evaluation.)

/// Common abbreviations in complaints and their written form. Kept short and unambiguous:
/// only forms that mean one thing in a complaint.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("bgt", "banget"),
    ("blm", "belum"),
    ("bln", "bulan"),
    ("dgn", "dengan"),
    ("dlm", "dalam"),
    ("dr", "dari"),
    ("ga", "tidak"),
    ("gak", "tidak"),
    ("gk", "tidak"),
    ("hr", "hari"),
    ("jl", "jalan"),
    ("jln", "jalan"),
    ("kab", "kabupaten"),
    ("kec", "kecamatan"),
    ("kel", "kelurahan"),
    ("kmrn", "kemarin"),
    ("krn", "karena"),
    ("mhn", "mohon"),
    ("nggak", "tidak"),
    ("org", "orang"),
    ("pd", "pada"),
    ("sdh", "sudah"),
    ("skrg", "sekarang"),
    ("sy", "saya"),
    ("tdk", "tidak"),
    ("thn", "tahun"),
    ("tlg", "tolong"),
    ("tsb", "tersebut"),
    ("udah", "sudah"),
    ("udh", "sudah"),
    ("utk", "untuk"),
    ("yg", "yang"),
];

/// The written form of `word` if it is a known abbreviation (lower case, without dots).
#[must_use]
pub fn expand(word: &str) -> Option<&'static str> {
    ABBREVIATIONS
        .binary_search_by(|(short, _)| (*short).cmp(word))
        .ok()
        .map(|i| ABBREVIATIONS[i].1)
}

/// Shortens letters repeated three or more times for emphasis to one ("pentiiing" →
/// "penting"). Doubled letters stay: Indonesian writes them ("saat", "taat").
fn unstretch(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let chars: Vec<char> = word.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let run = chars[i..].iter().take_while(|&&d| d == c).count();
        let keep = if run >= 3 && c.is_alphabetic() {
            1
        } else {
            run
        };
        out.extend(std::iter::repeat_n(c, keep));
        i += run;
    }
    out
}

/// The words of `text` in normal form: lower case, split on anything that is not a letter or
/// digit, stretched letters shortened, abbreviations expanded (`kel.` → `kelurahan`), and
/// reduplication written with a 2 spelled out (`nyala2` → `nyala nyala`, `anak2` → `anak anak`).
/// Numbers stay (house numbers, "km 5", RT/RW).
#[must_use]
pub fn words(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    let mut out = Vec::new();
    for raw in lower.split(|c: char| !c.is_alphanumeric()) {
        if raw.is_empty() {
            continue;
        }
        // "nyala2": a word of letters ending in a single 2 is the informal reduplication.
        let reduplicated = raw
            .strip_suffix('2')
            .filter(|stem| stem.chars().count() >= 2 && stem.chars().all(char::is_alphabetic));
        let word = unstretch(reduplicated.unwrap_or(raw));
        let word = expand(&word).map_or(word, str::to_owned);
        if reduplicated.is_some() {
            out.push(word.clone());
        }
        out.push(word);
    }
    out
}

/// `text` normalised into one line of words separated by single spaces.
#[must_use]
pub fn normalise(text: &str) -> String {
    words(text).join(" ")
}

/// Character n-grams of `min..=max` characters of each word, with `_` marking the word's
/// edges (`_jalan_` gives `_j`, `ja`, …, `n_`): robust to misspellings and to words glued
/// together or split apart.
#[must_use]
pub fn char_ngrams(words: &[String], min: usize, max: usize) -> Vec<String> {
    let mut out = Vec::new();
    for word in words {
        let marked: Vec<char> = std::iter::once('_')
            .chain(word.chars())
            .chain(std::iter::once('_'))
            .collect();
        for n in min.max(1)..=max {
            if n > marked.len() {
                break;
            }
            out.extend(marked.windows(n).map(|w| w.iter().collect::<String>()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn the_abbreviation_table_is_sorted_for_lookup() {
        assert!(ABBREVIATIONS.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn colloquial_complaints_come_out_in_written_form() {
        assert_eq!(
            normalise("Lampu PJU di Jln. Raya gk nyala2 udh 3 hr!!! Tlg dong"),
            "lampu pju di jalan raya tidak nyala nyala sudah 3 hari tolong dong"
        );
        assert_eq!(
            normalise("Kel. Jemurwonosari, Kec. Wonocolo, Kab. Sidoarjo"),
            "kelurahan jemurwonosari kecamatan wonocolo kabupaten sidoarjo"
        );
        assert_eq!(
            normalise("PENTIIIING bgt, sampahnyaaa"),
            "penting banget sampahnya"
        );
    }

    #[test]
    fn written_doubles_numbers_and_unknown_words_are_kept() {
        assert_eq!(normalise("saat taat"), "saat taat");
        assert_eq!(
            normalise("RT 05 RW 12 km 5 no. 389"),
            "rt 05 rw 12 km 5 no 389"
        );
        // "s2" is a degree, not a reduplication; a lone 2 is a number.
        assert_eq!(
            normalise("lulusan s2 ada 2 orang"),
            "lulusan s2 ada 2 orang"
        );
        assert_eq!(normalise(""), "");
    }

    #[test]
    fn ngrams_mark_word_edges() {
        let grams = char_ngrams(&["jl".to_owned()], 2, 3);
        assert_eq!(grams, ["_j", "jl", "l_", "_jl", "jl_"]);
        assert!(char_ngrams(&["a".to_owned()], 4, 5).is_empty());
    }

    proptest::proptest! {
        #[test]
        fn any_text_normalises_without_panicking_and_is_stable(text in "\\PC{0,200}") {
            let once = normalise(&text);
            proptest::prop_assert!(!once.contains("  "));
            proptest::prop_assert!(once.chars().all(|c| c == ' ' || c.is_alphanumeric()));
            // Normal form is a fixed point (expansions contain no abbreviations themselves).
            proptest::prop_assert_eq!(normalise(&once), once);
        }
    }
}
