//! Name search over the region table.
//!
//! Names and queries are normalised the same way: lower-cased, Latin diacritics folded,
//! apostrophes dropped (`Du’en` = `Duen`), every other non-alphanumeric character splits tokens.
//! Each region gets one or more *keys*: the tokens concatenated without spaces ("compact"), plus
//! a bitmask of where tokens start. Comparing compact keys makes `Palangka Raya`,
//! `Palangkaraya` and `palangka-raya` equal; the token starts let a match at a word boundary
//! (`raya` in `Jekan Raya`) rank above one inside a word.
//!
//! Keys per region:
//! - the name; for regencies without the leading `Kabupaten`/`Kota` (and `Administrasi`), so
//!   `Kapuas` is an exact match for "Kabupaten Kapuas"; likewise without `Desa Adat`;
//! - in those cases also the full name (`kotapalangkaraya`);
//! - a variant with common abbreviations expanded (`Kep.` → kepulauan, `Tj.` → tanjung,
//!   `Sei` → sungai, …) when that differs;
//! - for provinces, exact-only aliases (`kalteng`, `jabar`, `diy`, `dki`, `jakarta`, …).
//!
//! A query may start with a level hint (`prov.`, `kab.`, `kota`, `kec.`, `distrik`, `kel.`,
//! `desa`, `ds.`, `desa adat`). Regions of the hinted kind rank above all others; regions of
//! other kinds that match the rest of the query still follow (so "Kel. Pahandut" lists the
//! kelurahan first and then the kecamatan of the same name). The query is also tried literally,
//! so "Kota Baru" still finds the villages called Kota Baru.
//!
//! Text after a comma narrows by ancestors: "Pahandut, Palangka Raya" keeps only regions with
//! an ancestor matching "Palangka Raya", so a [`full_name`](super::RegionTable::full_name) fed
//! back into search finds its region first.
//!
//! Ranking: hint agreement, then match quality (exact > prefix > word start > substring > all
//! words in any order), then level (province first), then normalised name, then code.

use super::table::{NO_PARENT, RegionTable};
use super::{Region, RegionCode, RegionKind};

/// Per-key flag: only exact matches count (aliases).
const EXACT_ONLY: u8 = 1;

struct Key {
    start: u32,
    len: u32,
    /// Bit i set: a token starts at byte i of the compact key (bits beyond 63 are not tracked).
    word_starts: u64,
    /// Which characters occur in the key (see [`char_mask`]); a pattern can only match a key
    /// that contains all of its characters, which rules out most keys with one AND.
    chars: u64,
    flags: u8,
}

/// Bit set of the characters in `bytes`: a-z and 0-9 get a bit each, anything else bit 63.
fn char_mask(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0u64, |m, &b| {
        m | 1
            << match b {
                b'a'..=b'z' => b - b'a',
                b'0'..=b'9' => 26 + (b - b'0'),
                _ => 63,
            }
    })
}

/// Precomputed normalised keys for every region, built once at decode.
pub(crate) struct SearchIndex {
    arena: Vec<u8>,
    keys: Vec<Key>,
    /// Keys of region i are `keys[key_start[i]..key_start[i + 1]]`; the first is the name key.
    key_start: Vec<u32>,
    /// Position of region i when all regions are sorted by (name key, code): the final
    /// tie-breaker of the ranking, precomputed so ranking compares plain integers.
    name_rank: Vec<u32>,
}

/// Lower-cased, diacritic-folded tokens of `s`.
pub(crate) fn tokenize(s: &str) -> Vec<String> {
    let mut buf = String::new();
    let mut ranges = Vec::new();
    tokenize_into(s, &mut buf, &mut ranges);
    ranges.into_iter().map(|r| buf[r].to_owned()).collect()
}

/// Like [`tokenize`], but writes the tokens back to back into `buf` and their byte ranges into
/// `ranges` (both cleared first), so building the index does not allocate per token.
fn tokenize_into(s: &str, buf: &mut String, ranges: &mut Vec<std::ops::Range<usize>>) {
    buf.clear();
    ranges.clear();
    let mut start = 0;
    for c in s.chars() {
        if matches!(c, '\'' | '’' | '‘' | '`' | '´' | 'ʼ') {
            continue;
        }
        if c.is_alphanumeric() {
            if c.is_ascii() {
                buf.push(c.to_ascii_lowercase());
            } else {
                for lc in c.to_lowercase() {
                    buf.push(fold(lc));
                }
            }
        } else if buf.len() > start {
            ranges.push(start..buf.len());
            start = buf.len();
        }
    }
    if buf.len() > start {
        ranges.push(start..buf.len());
    }
}

fn fold(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => 'a',
        'è' | 'é' | 'ê' | 'ë' | 'ē' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'ī' => 'i',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ō' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' => 'u',
        'ñ' => 'n',
        'ç' => 'c',
        _ => c,
    }
}

/// Abbreviations seen in official names, expanded for the variant key and query.
fn expand(token: &str) -> Option<&'static str> {
    Some(match token {
        "kep" | "kepl" => "kepulauan",
        "tj" | "tjg" => "tanjung",
        "gn" | "gng" => "gunung",
        "kp" | "kpg" => "kampung",
        "ps" | "psr" => "pasar",
        "sei" => "sungai",
        "lbk" => "lubuk",
        "btg" => "batang",
        "mns" => "meunasah",
        _ => return None,
    })
}

/// Tokens with abbreviations expanded, if any token changed.
fn expanded<S: AsRef<str>>(tokens: &[S]) -> Option<Vec<&str>> {
    if !tokens.iter().any(|t| expand(t.as_ref()).is_some()) {
        return None;
    }
    Some(
        tokens
            .iter()
            .map(|t| expand(t.as_ref()).unwrap_or(t.as_ref()))
            .collect(),
    )
}

/// Well-known province abbreviations and alternative names (exact matches only).
fn province_aliases(code: &str) -> &'static [&'static str] {
    match code {
        "11" => &["nad", "nanggroe aceh darussalam"],
        "12" => &["sumut"],
        "13" => &["sumbar"],
        "16" => &["sumsel"],
        "19" => &["babel", "bangka belitung"],
        "21" => &["kepri"],
        "31" => &["dki", "jakarta", "dki jakarta", "daerah khusus jakarta"],
        "32" => &["jabar"],
        "33" => &["jateng"],
        "34" => &["diy", "jogja", "yogya", "jogjakarta", "yogyakarta"],
        "35" => &["jatim"],
        "52" => &["ntb"],
        "53" => &["ntt"],
        "61" => &["kalbar"],
        "62" => &["kalteng"],
        "63" => &["kalsel"],
        "64" => &["kaltim"],
        "65" => &["kaltara"],
        "71" => &["sulut"],
        "72" => &["sulteng"],
        "73" => &["sulsel"],
        "74" => &["sultra"],
        "76" => &["sulbar"],
        "82" => &["malut"],
        "92" => &["pabar"],
        "96" => &["pbd"],
        _ => &[],
    }
}

/// Leading query words that name a kind of region: (words, kinds they hint at).
const HINTS: &[(&[&str], &[RegionKind])] = &[
    (&["desa", "adat"], &[RegionKind::DesaAdat]),
    (&["kab", "adm"], &[RegionKind::Kabupaten]),
    (&["kab", "administrasi"], &[RegionKind::Kabupaten]),
    (&["kabupaten", "adm"], &[RegionKind::Kabupaten]),
    (&["kabupaten", "administrasi"], &[RegionKind::Kabupaten]),
    (&["kota", "adm"], &[RegionKind::Kota]),
    (&["kota", "administrasi"], &[RegionKind::Kota]),
    (&["prov"], &[RegionKind::Provinsi]),
    (&["prop"], &[RegionKind::Provinsi]),
    (&["provinsi"], &[RegionKind::Provinsi]),
    (&["propinsi"], &[RegionKind::Provinsi]),
    (&["kab"], &[RegionKind::Kabupaten]),
    (&["kabupaten"], &[RegionKind::Kabupaten]),
    (&["kota"], &[RegionKind::Kota]),
    (&["kotamadya"], &[RegionKind::Kota]),
    (&["kodya"], &[RegionKind::Kota]),
    (&["kec"], &[RegionKind::Kecamatan]),
    (&["kecamatan"], &[RegionKind::Kecamatan]),
    (&["distrik"], &[RegionKind::Kecamatan]),
    (&["kel"], &[RegionKind::Kelurahan]),
    (&["kelurahan"], &[RegionKind::Kelurahan]),
    (&["desa"], &[RegionKind::Desa, RegionKind::DesaAdat]),
    (&["ds"], &[RegionKind::Desa, RegionKind::DesaAdat]),
];

/// Strips the kind words that some names carry: `Kabupaten`/`Kota` (+ `Administrasi`/`Adm`)
/// from regencies, `Desa Adat` from desa adat. Never strips everything.
fn strip_kind_prefix<S: AsRef<str>>(kind: RegionKind, tokens: &[S]) -> &[S] {
    let mut rest = tokens;
    match kind {
        RegionKind::Kabupaten | RegionKind::Kota => {
            if let [first, tail @ ..] = rest
                && matches!(first.as_ref(), "kabupaten" | "kota" | "kab")
            {
                rest = tail;
                if let [second, tail @ ..] = rest
                    && matches!(second.as_ref(), "administrasi" | "adm")
                {
                    rest = tail;
                }
            }
        }
        RegionKind::DesaAdat => {
            if let [first, second, tail @ ..] = rest
                && first.as_ref() == "desa"
                && second.as_ref() == "adat"
            {
                rest = tail;
            }
        }
        _ => {}
    }
    if rest.is_empty() { tokens } else { rest }
}

impl SearchIndex {
    pub(crate) fn build(regions: &[Region]) -> SearchIndex {
        let mut index = SearchIndex {
            arena: Vec::with_capacity(regions.len() * 12),
            keys: Vec::with_capacity(regions.len() + regions.len() / 8),
            key_start: Vec::with_capacity(regions.len() + 1),
            name_rank: Vec::new(),
        };
        let mut buf = String::new();
        let mut ranges = Vec::new();
        for r in regions {
            index.key_start.push(index.keys.len() as u32);
            tokenize_into(&r.name, &mut buf, &mut ranges);
            let tokens: Vec<&str> = ranges.iter().map(|t| &buf[t.clone()]).collect();
            let base = strip_kind_prefix(r.kind, &tokens);
            index.push_key(base, 0);
            if base.len() != tokens.len() {
                index.push_key(&tokens, 0);
            }
            if let Some(exp) = expanded(base) {
                index.push_key(&exp, 0);
            }
            for alias in province_aliases(r.code.as_str()) {
                if r.kind == RegionKind::Provinsi {
                    index.push_key(&tokenize(alias), EXACT_ONLY);
                }
            }
        }
        index.key_start.push(index.keys.len() as u32);
        index.arena.shrink_to_fit();
        // Regions are in code order, so ties on the name key are broken by code.
        let mut order: Vec<(&[u8], u32)> = (0..regions.len())
            .map(|i| (index.name_key(i), i as u32))
            .collect();
        order.sort_unstable();
        let mut name_rank = vec![0; regions.len()];
        for (rank, &(_, i)) in order.iter().enumerate() {
            name_rank[i as usize] = rank as u32;
        }
        index.name_rank = name_rank;
        index
    }

    fn push_key<S: AsRef<str>>(&mut self, tokens: &[S], flags: u8) {
        let start = self.arena.len();
        let mut word_starts = 0u64;
        for t in tokens {
            let at = self.arena.len() - start;
            if at < 64 {
                word_starts |= 1 << at;
            }
            self.arena.extend_from_slice(t.as_ref().as_bytes());
        }
        self.keys.push(Key {
            start: start as u32,
            len: (self.arena.len() - start) as u32,
            word_starts,
            chars: char_mask(&self.arena[start..]),
            flags,
        });
    }

    fn keys_of(&self, i: usize) -> impl Iterator<Item = (&[u8], &Key)> {
        let range = self.key_start[i] as usize..self.key_start[i + 1] as usize;
        self.keys[range].iter().map(|k| {
            let s = k.start as usize;
            (&self.arena[s..s + k.len as usize], k)
        })
    }

    /// The normalised name key (the first key).
    fn name_key(&self, i: usize) -> &[u8] {
        self.keys_of(i).next().map_or(&[], |(bytes, _)| bytes)
    }
}

/// How well a pattern matched a key; lower is better.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Quality {
    Exact,
    Prefix,
    WordStart,
    Substring,
    AllWords,
}

/// A normalised query fragment.
struct Pattern {
    compact: Vec<u8>,
    /// [`char_mask`] of `compact`.
    chars: u64,
    /// Token boundaries within `compact`.
    tokens: Vec<std::ops::Range<usize>>,
}

impl Pattern {
    fn new<S: AsRef<str>>(tokens: &[S]) -> Pattern {
        let mut compact = Vec::new();
        let mut ranges = Vec::with_capacity(tokens.len());
        for t in tokens {
            let s = compact.len();
            compact.extend_from_slice(t.as_ref().as_bytes());
            ranges.push(s..compact.len());
        }
        Pattern {
            chars: char_mask(&compact),
            compact,
            tokens: ranges,
        }
    }

    fn match_key(&self, key: &[u8], meta: &Key) -> Option<Quality> {
        if meta.chars & self.chars != self.chars {
            return None;
        }
        let q = self.compact.as_slice();
        if key == q {
            return Some(Quality::Exact);
        }
        if meta.flags & EXACT_ONLY != 0 {
            return None;
        }
        if q.len() < key.len() {
            let mut best: Option<Quality> = None;
            let mut from = 0;
            while let Some(pos) = find(&key[from..], q).map(|p| p + from) {
                let quality = if pos == 0 {
                    Quality::Prefix
                } else if pos < 64 && meta.word_starts & (1 << pos) != 0 {
                    Quality::WordStart
                } else {
                    Quality::Substring
                };
                best = Some(best.map_or(quality, |b| b.min(quality)));
                if quality <= Quality::WordStart {
                    break;
                }
                from = pos + 1;
            }
            if best.is_some() {
                return best;
            }
        }
        if self.tokens.len() >= 2
            && self
                .tokens
                .iter()
                .all(|t| find(key, &self.compact[t.clone()]).is_some())
        {
            return Some(Quality::AllWords);
        }
        None
    }
}

/// First position of `needle` in `hay` (naive; keys are a few dozen bytes).
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    if needle.len() > hay.len() {
        return None;
    }
    let last_start = hay.len() - needle.len();
    (0..=last_start).find(|&i| hay[i] == first && &hay[i + 1..i + needle.len()] == rest)
}

/// One comma-separated part of a query, in all the ways it can be read.
struct Segment {
    /// The whole segment, as typed and with abbreviations expanded.
    literal: Vec<Pattern>,
    /// With a leading level hint removed: the hinted kinds and the rest of the segment.
    hinted: Option<(&'static [RegionKind], Vec<Pattern>)>,
}

fn patterns(tokens: &[String]) -> Vec<Pattern> {
    let mut out = vec![Pattern::new(tokens)];
    if let Some(exp) = expanded(tokens) {
        out.push(Pattern::new(&exp));
    }
    out
}

impl Segment {
    fn parse(text: &str) -> Option<Segment> {
        let tokens = tokenize(text);
        if tokens.is_empty() {
            return None;
        }
        let hinted = HINTS.iter().find_map(|(words, kinds)| {
            let n = words.len();
            let is_prefix =
                tokens.len() > n && tokens.iter().zip(words.iter()).all(|(t, w)| t == w);
            is_prefix.then(|| (*kinds, patterns(&tokens[n..])))
        });
        Some(Segment {
            literal: patterns(&tokens),
            hinted,
        })
    }

    /// Best (tier, quality) of region `i`: tier 0 = literal match or hinted kind agrees,
    /// tier 1 = matched after dropping a hint of another kind.
    fn score(&self, index: &SearchIndex, i: usize, kind: RegionKind) -> Option<(u8, Quality)> {
        let mut best: Option<(u8, Quality)> = None;
        let mut consider = |tier: u8, pats: &[Pattern]| {
            for (key, meta) in index.keys_of(i) {
                for p in pats {
                    if let Some(q) = p.match_key(key, meta) {
                        let cand = (tier, q);
                        best = Some(best.map_or(cand, |b| b.min(cand)));
                    }
                }
            }
        };
        consider(0, &self.literal);
        if let Some((kinds, pats)) = &self.hinted {
            consider(u8::from(!kinds.contains(&kind)), pats);
        }
        best
    }

    /// Whether region `i` matches as an ancestor filter: literally, or via a hint of its kind.
    fn matches_as_context(&self, index: &SearchIndex, i: usize, kind: RegionKind) -> bool {
        let hit = |pats: &[Pattern]| {
            index
                .keys_of(i)
                .any(|(key, meta)| pats.iter().any(|p| p.match_key(key, meta).is_some()))
        };
        hit(&self.literal)
            || self
                .hinted
                .as_ref()
                .is_some_and(|(kinds, pats)| kinds.contains(&kind) && hit(pats))
    }
}

/// Digits of a query that looks like a partial code ("627", "62.7"), else `None`.
fn code_prefix(query: &str) -> Option<String> {
    let q = query.trim();
    if q.is_empty() || !q.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let digits: String = q.chars().filter(char::is_ascii_digit).collect();
    (!digits.is_empty()).then_some(digits)
}

fn code_starts_with_digits(code: &RegionCode, digits: &str) -> bool {
    let mut it = code.as_str().bytes().filter(u8::is_ascii_digit);
    digits.bytes().all(|d| it.next() == Some(d))
}

impl RegionTable {
    /// Finds regions by name (or by code).
    ///
    /// - A query that is a region code (`62.71`, `6271`) returns exactly that region; a partial
    ///   code (`627`) lists regions whose code starts with those digits.
    /// - Case, punctuation and spacing are ignored: "Palangka Raya", "palangkaraya" and
    ///   "palangka-raya" all find Kota Palangkaraya first.
    /// - A leading level hint ("Kab.", "Kota", "Kec.", "Kel.", "Desa", "Prov.", …) ranks regions
    ///   of that kind first.
    /// - Text after a comma must match an ancestor ("Pahandut, Palangkaraya").
    /// - `within` restricts results to strict descendants of that region.
    ///
    /// Ranked by hint agreement, then exact > prefix > word start > substring > all words in
    /// any order, then level (province first), then name. At most `limit` results.
    pub fn search(&self, query: &str, within: Option<&RegionCode>, limit: usize) -> Vec<&Region> {
        if limit == 0 {
            return Vec::new();
        }
        let range = match within {
            None => 0..self.regions.len(),
            Some(code) => match self.position(code) {
                Some(i) => self.descendant_range(i),
                None => return Vec::new(),
            },
        };
        if let Ok(code) = RegionCode::parse(query)
            && let Some(i) = self.position(&code)
        {
            return if range.contains(&i) {
                vec![&self.regions[i]]
            } else {
                Vec::new()
            };
        }

        let mut parts = query.split(',').filter_map(Segment::parse);
        let main = parts.next();
        let contexts: Vec<Segment> = parts.collect();
        let digits = code_prefix(query);
        if main.is_none() && digits.is_none() {
            return Vec::new();
        }

        // For each context segment, which non-village regions match it.
        let context_sets: Vec<Vec<bool>> = contexts
            .iter()
            .map(|seg| {
                self.regions
                    .iter()
                    .enumerate()
                    .map(|(i, r)| {
                        r.kind.level().depth() < 4 && seg.matches_as_context(&self.index, i, r.kind)
                    })
                    .collect()
            })
            .collect();
        let passes_context = |i: usize| {
            context_sets.iter().all(|set| {
                let mut p = self.parent_idx[i];
                while p != NO_PARENT {
                    if set[p as usize] {
                        return true;
                    }
                    p = self.parent_idx[p as usize];
                }
                false
            })
        };

        // Sort key: tier, quality, level, name rank (unique, so the order is total).
        let rank = |tier: u8, quality: Quality, level: u8, i: usize| {
            u64::from(tier) << 40
                | (quality as u64) << 36
                | u64::from(level) << 32
                | u64::from(self.index.name_rank[i])
        };
        let mut hits: Vec<(u64, u32)> = Vec::new();
        for i in range {
            let r = &self.regions[i];
            let mut best = main
                .as_ref()
                .and_then(|seg| seg.score(&self.index, i, r.kind));
            if let Some(d) = &digits
                && code_starts_with_digits(&r.code, d)
            {
                best = Some(best.map_or((0, Quality::Prefix), |b| b.min((0, Quality::Prefix))));
            }
            if let Some((tier, quality)) = best
                && (context_sets.is_empty() || passes_context(i))
            {
                hits.push((rank(tier, quality, r.kind.level().depth(), i), i as u32));
            }
        }
        if hits.len() > limit {
            hits.select_nth_unstable_by_key(limit - 1, |h| h.0);
            hits.truncate(limit);
        }
        hits.sort_unstable_by_key(|h| h.0);
        hits.into_iter()
            .map(|(_, i)| &self.regions[i as usize])
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenize_normalises_case_punctuation_and_apostrophes() {
        assert_eq!(tokenize("Palangka-Raya"), ["palangka", "raya"]);
        assert_eq!(tokenize("  Kab. KAPUAS "), ["kab", "kapuas"]);
        assert_eq!(tokenize("Udek Du’en"), ["udek", "duen"]);
        assert_eq!(tokenize("Bu Nuapu'u"), ["bu", "nuapuu"]);
        assert_eq!(tokenize("Tj.Baru (Lama)/2"), ["tj", "baru", "lama", "2"]);
        assert_eq!(tokenize("Sémarang"), ["semarang"]);
        assert!(tokenize(" .,-/ ").is_empty());
    }

    #[test]
    fn find_locates_substrings() {
        assert_eq!(find(b"jekanraya", b"raya"), Some(5));
        assert_eq!(find(b"raya", b"raya"), Some(0));
        assert_eq!(find(b"ray", b"raya"), None);
        assert_eq!(find(b"abc", b""), None);
    }

    #[test]
    fn match_quality_orders_exact_prefix_word_substring_words() {
        let key_tokens = ["jekan".to_owned(), "raya".to_owned()];
        let mut index = SearchIndex {
            arena: Vec::new(),
            keys: Vec::new(),
            key_start: Vec::new(),
            name_rank: Vec::new(),
        };
        index.push_key(&key_tokens, 0);
        let key = &index.keys[0];
        let bytes = &index.arena[..];
        let q = |s: &str| Pattern::new(&tokenize(s)).match_key(bytes, key);
        assert_eq!(q("Jekan Raya"), Some(Quality::Exact));
        assert_eq!(q("jekanraya"), Some(Quality::Exact));
        assert_eq!(q("jek"), Some(Quality::Prefix));
        assert_eq!(q("raya"), Some(Quality::WordStart));
        assert_eq!(q("aya"), Some(Quality::Substring));
        assert_eq!(q("raya jekan"), Some(Quality::AllWords));
        assert_eq!(q("rayan"), None);
    }
}
