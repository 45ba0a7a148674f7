//! Parameters as Open311 clients send them: form bodies and query strings with repeated
//! names, comma lists, `attribute[CODE]` / `attribute[CODE][]`, and W3C datetimes. Parsing
//! never panics and never guesses: bytes that are not UTF-8 are an error, not U+FFFD.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};

/// The parameters of one request, in the order sent, repeated names kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params(pub Vec<(String, String)>);

/// A form body or query string that is not UTF-8 once decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotUtf8 {
    /// The parameter, as far as it could be read.
    pub name: String,
}

/// Decodes `application/x-www-form-urlencoded` bytes (also a query string): `+` is a space,
/// `%XY` a byte; a `%` not followed by two hex digits is kept as typed, as browsers do.
///
/// # Errors
/// When a name or value is not UTF-8 after decoding.
pub fn parse_urlencoded(bytes: &[u8]) -> Result<Params, NotUtf8> {
    let mut pairs = Vec::new();
    for part in bytes.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        let (name, value) = match part.iter().position(|b| *b == b'=') {
            Some(i) => (&part[..i], &part[i + 1..]),
            None => (part, &[][..]),
        };
        let name = decode(name);
        let name = String::from_utf8(name).map_err(|e| NotUtf8 {
            name: String::from_utf8_lossy(e.as_bytes()).into_owned(),
        })?;
        let value = String::from_utf8(decode(value)).map_err(|_| NotUtf8 { name: name.clone() })?;
        pairs.push((name, value));
    }
    Ok(Params(pairs))
}

fn decode(raw: &[u8]) -> Vec<u8> {
    let hex = |b: u8| char::from(b).to_digit(16);
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'+' => out.push(b' '),
            b'%' => {
                if let (Some(hi), Some(lo)) = (
                    raw.get(i + 1).copied().and_then(hex),
                    raw.get(i + 2).copied().and_then(hex),
                ) {
                    // Two hex digits: at most 0xFF.
                    out.push(u8::try_from(hi * 16 + lo).unwrap_or(b'%'));
                    i += 3;
                    continue;
                }
                out.push(b'%');
            }
            b => out.push(b),
        }
        i += 1;
    }
    out
}

impl Params {
    /// The first non-blank value named `name`, trimmed. The spec: an empty parameter is
    /// treated exactly like an absent one.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.all(name).into_iter().next()
    }

    /// Every non-blank value named `name`, trimmed (repeated `media_url`).
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// A comma-delimited list, which clients may also repeat (`status=open,closed`).
    pub fn list(&self, name: &str) -> Vec<&str> {
        self.all(name)
            .into_iter()
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// `attribute[CODE]=v` and `attribute[CODE][]=v1&attribute[CODE][]=v2`, by code, values
    /// in order. Blank values are absent ones; a malformed name (`attribute[`, `attribute[]`,
    /// brackets inside the code) is no attribute.
    pub fn attributes(&self) -> BTreeMap<String, Vec<String>> {
        let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (name, value) in &self.0 {
            let Some(code) = attribute_code(name) else {
                continue;
            };
            let value = value.trim();
            if !value.is_empty() {
                found
                    .entry(code.to_owned())
                    .or_default()
                    .push(value.to_owned());
            }
        }
        found
    }

    /// The `(name, value)` pairs with blank values dropped and values trimmed, sorted: what
    /// makes two submissions "the same request" whatever the order of their fields.
    pub fn normalised(&self) -> Vec<(&str, &str)> {
        let mut pairs: Vec<(&str, &str)> = self
            .0
            .iter()
            .map(|(k, v)| (k.as_str(), v.trim()))
            .filter(|(_, v)| !v.is_empty())
            .collect();
        pairs.sort_unstable();
        pairs
    }
}

/// The code of an `attribute[CODE]` or `attribute[CODE][]` parameter name.
pub fn attribute_code(name: &str) -> Option<&str> {
    let inner = name.strip_prefix("attribute[")?;
    let code = inner
        .strip_suffix("][]")
        .or_else(|| inner.strip_suffix(']'))?;
    (!code.is_empty() && !code.contains(['[', ']'])).then_some(code)
}

/// A W3C datetime (ISO 8601 with `Z` or an offset, seconds optional) or a plain date, which
/// is read as the start of that day in WIB, or its last microsecond when `end_of_day`.
///
/// A query string turns an unescaped `+07:00` into ` 07:00`; that space is read as the `+`
/// it was. Years outside 1970–9999 are refused so that date arithmetic cannot overflow.
pub fn parse_datetime(raw: &str, end_of_day: bool) -> Option<DateTime<Utc>> {
    let raw = raw.trim();
    let at = if let Ok(date) = NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        let wib = FixedOffset::east_opt(7 * 3600)?;
        let time = if end_of_day {
            NaiveTime::from_hms_micro_opt(23, 59, 59, 999_999)?
        } else {
            NaiveTime::MIN
        };
        wib.from_local_datetime(&date.and_time(time))
            .single()?
            .with_timezone(&Utc)
    } else {
        let mut text = raw.to_owned();
        if let Some(z) = text.strip_suffix(['Z', 'z']) {
            text = format!("{z}+00:00");
        }
        let sign = text.len().checked_sub(6);
        if let Some(i) = sign
            && text.get(i..=i) == Some(" ")
        {
            text.replace_range(i..=i, "+");
        }
        DateTime::parse_from_rfc3339(&text)
            .or_else(|_| DateTime::parse_from_str(&text, "%Y-%m-%dT%H:%M%:z"))
            .ok()?
            .with_timezone(&Utc)
    };
    (1970..=9999)
        .contains(&chrono::Datelike::year(&at))
        .then_some(at)
}

/// A coordinate as sent: a finite decimal number.
pub fn parse_coordinate(raw: &str) -> Option<f64> {
    raw.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

/// `true`/`false` as clients write them, Indonesian included.
pub fn parse_bool(raw: &str) -> Option<bool> {
    match raw.trim().to_lowercase().as_str() {
        "true" | "1" | "yes" | "ya" | "y" | "on" => Some(true),
        "false" | "0" | "no" | "tidak" | "t" | "n" | "off" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use proptest::prelude::*;

    use super::*;

    fn params(raw: &str) -> Params {
        parse_urlencoded(raw.as_bytes()).unwrap()
    }

    #[test]
    fn forms_decode_plus_percent_and_keep_repeats() {
        let p = params(
            "api_key=abc&description=Jalan+rusak%2C+parah&media_url=http%3A%2F%2Fa%2F1.jpg&media_url=http://a/2.jpg&email=&x",
        );
        assert_eq!(p.get("description"), Some("Jalan rusak, parah"));
        assert_eq!(p.all("media_url"), vec!["http://a/1.jpg", "http://a/2.jpg"]);
        assert_eq!(p.get("email"), None, "empty is absent");
        assert_eq!(p.get("x"), None);
        assert_eq!(params("a=100%&b=%zz%4").get("a"), Some("100%"));
        assert_eq!(params("a=100%&b=%zz%4").get("b"), Some("%zz%4"));
        assert_eq!(params("q=%E2%9C%93").get("q"), Some("✓"));
    }

    #[test]
    fn bytes_that_are_not_utf8_are_an_error_naming_the_field() {
        assert_eq!(
            parse_urlencoded(b"service_code=a&description=%FF%FE"),
            Err(NotUtf8 {
                name: "description".into()
            })
        );
        assert!(parse_urlencoded(b"desc\xFFription=a").is_err());
    }

    #[test]
    fn lists_split_commas_across_repeats() {
        let p = params("status=open,+closed&status=&status=closed&service_request_id=1,,2");
        assert_eq!(p.list("status"), vec!["open", "closed", "closed"]);
        assert_eq!(p.list("service_request_id"), vec!["1", "2"]);
        assert!(p.list("service_code").is_empty());
    }

    #[test]
    fn attributes_single_and_multi_valued() {
        let p = params(
            "attribute[classification]=aspirasi&attribute%5Bfixmystreet_id%5D=77\
             &attribute[tags][]=a&attribute[tags][]=b&attribute[tags][]=&attribute[]=x\
             &attribute[a[b]]=y&attribute[open=z&attributes[x]=1",
        );
        let found = p.attributes();
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found["classification"], vec!["aspirasi"]);
        assert_eq!(found["fixmystreet_id"], vec!["77"]);
        assert_eq!(found["tags"], vec!["a", "b"]);
    }

    #[test]
    fn datetimes_in_the_spec_format_and_the_usual_slips() {
        let utc = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        assert_eq!(
            parse_datetime("2010-01-01T00:00:00Z", false),
            Some(utc("2010-01-01T00:00:00Z"))
        );
        assert_eq!(
            parse_datetime("2026-11-25T10:00:00+07:00", false),
            Some(utc("2026-11-25T03:00:00Z"))
        );
        assert_eq!(
            parse_datetime("2026-11-25T10:00:00 07:00", false),
            Some(utc("2026-11-25T03:00:00Z")),
            "an unescaped + in a query string"
        );
        assert_eq!(
            parse_datetime("2026-11-25T10:00+07:00", false),
            Some(utc("2026-11-25T03:00:00Z"))
        );
        assert_eq!(
            parse_datetime("2026-11-25", false),
            Some(utc("2026-11-24T17:00:00Z"))
        );
        assert_eq!(
            parse_datetime("2026-11-25", true),
            Some(utc("2026-11-25T16:59:59.999999Z"))
        );
        for bad in [
            "kemarin",
            "2026-13-01",
            "2026-11-25T10:00:00",
            "1969-12-31T00:00:00Z",
            "+99999-01-01T00:00:00Z",
            "",
        ] {
            assert_eq!(parse_datetime(bad, false), None, "{bad}");
        }
    }

    #[test]
    fn coordinates_and_booleans() {
        assert_eq!(parse_coordinate(" -2.21 "), Some(-2.21));
        for bad in ["NaN", "inf", "1e400", "", "abc"] {
            assert_eq!(parse_coordinate(bad), None, "{bad}");
        }
        assert_eq!(parse_bool("Ya"), Some(true));
        assert_eq!(parse_bool("false"), Some(false));
        assert_eq!(parse_bool("mungkin"), None);
    }

    proptest! {
        #[test]
        fn arbitrary_bodies_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            if let Ok(p) = parse_urlencoded(&bytes) {
                let _ = p.attributes();
                let _ = p.list("status");
                let _ = p.normalised();
                for (k, v) in &p.0 {
                    let _ = parse_datetime(v, false);
                    let _ = parse_coordinate(v);
                    let _ = attribute_code(k);
                }
            }
        }

        #[test]
        fn encoded_pairs_round_trip(pairs in proptest::collection::vec(("[a-z_\\[\\]]{1,12}", "\\PC{0,24}"), 0..8)) {
            let body = pairs
                .iter()
                .map(|(k, v)| format!("{}={}", crate::pages::encode(k), crate::pages::encode(v)))
                .collect::<Vec<_>>()
                .join("&");
            let parsed = parse_urlencoded(body.as_bytes()).unwrap();
            prop_assert_eq!(parsed.0, pairs);
        }

        #[test]
        fn attribute_codes_round_trip(code in "[A-Za-z0-9_.-]{1,20}", values in proptest::collection::vec("[a-z0-9 ]{1,8}", 1..4)) {
            let single = format!("attribute[{code}]={}", crate::pages::encode(&values[0]));
            prop_assert_eq!(
                params(&single).attributes().get(&code).cloned(),
                Some(vec![values[0].trim().to_owned()]).filter(|v| !v[0].is_empty())
            );
            let multi = values
                .iter()
                .map(|v| format!("attribute%5B{code}%5D%5B%5D={}", crate::pages::encode(v)))
                .collect::<Vec<_>>()
                .join("&");
            let expected: Vec<String> = values.iter().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()).collect();
            prop_assert_eq!(params(&multi).attributes().get(&code).cloned().unwrap_or_default(), expected);
        }

        #[test]
        fn any_rfc3339_instant_in_range_parses(secs in 0i64..253_402_200_000) {
            let at = DateTime::from_timestamp(secs, 0).unwrap();
            prop_assert_eq!(parse_datetime(&at.to_rfc3339(), false), Some(at));
            prop_assert_eq!(parse_datetime(&crate::open311::render::w3c(at), false), Some(at));
        }
    }
}
