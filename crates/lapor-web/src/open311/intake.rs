//! `POST requests`: the parameters of a new service request, checked as far as the protocol
//! goes (presence, shapes, lengths); the report's own rules are the intake's.

use chrono::FixedOffset;
use lapor_domain::report::BODY_MIN;
use lapor_domain::tracking::sha256_hex;

use super::error::Open311Error;
use super::params::{Params, parse_bool, parse_coordinate, parse_datetime};

/// The spec's limit on `description`.
pub const DESCRIPTION_MAX: usize = 4000;
/// Links kept per request, and the longest one.
pub const MEDIA_URLS_MAX: usize = 10;
pub const MEDIA_URL_LEN_MAX: usize = 2000;
/// What FixMyStreet sends as `address_id` for a report without a pin.
const NOT_PINPOINTED: &str = "#NOTPINPOINTED#";
/// Longest title we derive from the description (the intake allows 150).
const TITLE_MAX: usize = 150;

/// A new service request as the client described it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewRequest {
    pub service_code: String,
    pub description: String,
    pub coordinates: Option<(f64, f64)>,
    pub address: Option<String>,
    /// `first_name last_name`.
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub media_urls: Vec<String>,
    pub title: Option<String>,
    pub classification: Option<String>,
    pub region_code: Option<String>,
    /// `YYYY-MM-DD` in WIB.
    pub incident_date: Option<String>,
    pub anonymous: bool,
    pub confidential: bool,
    /// The client's own id of the report, when it is FixMyStreet.
    pub fixmystreet_id: Option<String>,
}

/// The first value of attribute `code`.
fn attribute<'a>(
    attributes: &'a std::collections::BTreeMap<String, Vec<String>>,
    code: &str,
) -> Option<&'a str> {
    attributes
        .get(code)
        .and_then(|values| values.first())
        .map(String::as_str)
}

impl NewRequest {
    /// Reads a request; every problem is reported at once.
    ///
    /// # Errors
    /// 400 naming each missing or malformed parameter.
    pub fn parse(params: &Params) -> Result<Self, Open311Error> {
        let mut errors: Vec<Open311Error> = Vec::new();
        let mut request = Self::default();
        match params.get("service_code") {
            Some(code) => code.clone_into(&mut request.service_code),
            None => errors.push(Open311Error::param(
                "service_code",
                "wajib diisi; lihat services.xml",
                "is required; see services.xml",
            )),
        }
        match params.get("description") {
            None => errors.push(Open311Error::param(
                "description",
                "wajib diisi: ceritakan apa yang terjadi",
                "is required: say what happened",
            )),
            Some(text) if text.chars().count() > DESCRIPTION_MAX => {
                errors.push(Open311Error::param(
                    "description",
                    &format!("paling banyak {DESCRIPTION_MAX} karakter"),
                    &format!("may be at most {DESCRIPTION_MAX} characters"),
                ));
            }
            // Checked here, not only by the intake: the media links added to the text must
            // not make a too-short description pass.
            Some(text) if text.chars().count() < BODY_MIN => errors.push(Open311Error::param(
                "description",
                &format!("minimal {BODY_MIN} karakter: ceritakan apa, di mana dan kapan"),
                &format!("must be at least {BODY_MIN} characters: say what, where and when"),
            )),
            Some(text) => text.clone_into(&mut request.description),
        }
        request.coordinates = match (params.get("lat"), params.get("long")) {
            (None, None) => None,
            (Some(lat), Some(long)) => match (parse_coordinate(lat), parse_coordinate(long)) {
                (Some(lat), Some(long)) => Some((lat, long)),
                _ => {
                    errors.push(Open311Error::param(
                        "lat/long",
                        "harus berupa angka desimal (WGS84)",
                        "must be decimal numbers (WGS84)",
                    ));
                    None
                }
            },
            _ => {
                errors.push(Open311Error::param(
                    "lat/long",
                    "keduanya harus dikirim bersama",
                    "both must be sent together",
                ));
                None
            }
        };
        let address_id = params.get("address_id");
        request.address = params
            .get("address_string")
            .or(address_id.filter(|id| *id != NOT_PINPOINTED))
            .map(str::to_owned);
        if request.coordinates.is_none()
            && params.get("address_string").is_none()
            && address_id.is_none()
            && !errors.iter().any(|e| e.errors[0].1.starts_with("lat/long"))
        {
            errors.push(Open311Error::param(
                "lat/long",
                "lokasi wajib: kirim lat dan long, address_string, atau address_id",
                "a location is required: send lat and long, address_string or address_id",
            ));
        }
        let name: Vec<&str> = ["first_name", "last_name"]
            .iter()
            .filter_map(|k| params.get(k))
            .collect();
        request.name = (!name.is_empty()).then(|| name.join(" "));
        request.email = params.get("email").map(str::to_owned);
        request.phone = params.get("phone").map(str::to_owned);
        let urls = params.all("media_url");
        if urls.len() > MEDIA_URLS_MAX {
            errors.push(Open311Error::param(
                "media_url",
                &format!("paling banyak {MEDIA_URLS_MAX} tautan"),
                &format!("at most {MEDIA_URLS_MAX} links"),
            ));
        }
        for url in urls.into_iter().take(MEDIA_URLS_MAX) {
            if is_web_link(url) {
                request.media_urls.push(url.to_owned());
            } else {
                errors.push(Open311Error::param(
                    "media_url",
                    "harus berupa tautan http(s) tanpa spasi",
                    "must be an http(s) link without spaces",
                ));
            }
        }
        let attributes = params.attributes();
        request.title = attribute(&attributes, "title").map(str::to_owned);
        request.classification = attribute(&attributes, "classification").map(str::to_owned);
        request.region_code = attribute(&attributes, "region_code").map(str::to_owned);
        request.fixmystreet_id = attribute(&attributes, "fixmystreet_id").map(str::to_owned);
        if let Some(raw) = attribute(&attributes, "incident_date") {
            let wib = FixedOffset::east_opt(7 * 3600);
            match parse_datetime(raw, false).zip(wib) {
                Some((at, wib)) => {
                    request.incident_date =
                        Some(at.with_timezone(&wib).format("%Y-%m-%d").to_string());
                }
                None => errors.push(Open311Error::param(
                    "attribute[incident_date]",
                    "harus berupa tanggal, mis. 2026-11-20",
                    "must be a date, e.g. 2026-11-20",
                )),
            }
        }
        for (code, slot) in [
            ("anonymous", &mut request.anonymous),
            ("confidential", &mut request.confidential),
        ] {
            if let Some(raw) = attribute(&attributes, code) {
                match parse_bool(raw) {
                    Some(value) => *slot = value,
                    None => errors.push(Open311Error::param(
                        &format!("attribute[{code}]"),
                        "hanya true atau false",
                        "only true or false",
                    )),
                }
            }
        }
        let mut errors = errors.into_iter();
        match errors.next() {
            None => Ok(request),
            Some(first) => Err(errors.fold(first, Open311Error::and)),
        }
    }

    /// The report's title: the one given, else the description's first line, shortened at a
    /// word, else the service's name.
    #[must_use]
    pub fn title(&self, service_name: &str) -> String {
        if let Some(title) = &self.title {
            return title.clone();
        }
        let line = self.description.lines().next().unwrap_or("").trim();
        let title = if line.chars().count() <= TITLE_MAX {
            line.to_owned()
        } else {
            let cut: String = line.chars().take(TITLE_MAX - 1).collect();
            let at_word = cut
                .rfind(char::is_whitespace)
                .filter(|i| *i > TITLE_MAX / 2)
                .map_or(cut.as_str(), |i| &cut[..i]);
            format!("{}…", at_word.trim_end())
        };
        if title.chars().count() < lapor_domain::report::TITLE_MIN {
            service_name.to_owned()
        } else {
            title
        }
    }

    /// The report's text: the description, then the media links (kept as links: fetching
    /// what a client points at is not ours to do).
    #[must_use]
    pub fn body(&self) -> String {
        if self.media_urls.is_empty() {
            return self.description.clone();
        }
        format!(
            "{}\n\nTautan media / media links:\n{}",
            self.description,
            self.media_urls.join("\n")
        )
    }
}

fn is_web_link(url: &str) -> bool {
    (url.starts_with("http://") || url.starts_with("https://"))
        && url.len() <= MEDIA_URL_LEN_MAX
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// What makes two submissions from one client the same request: every parameter but the key
/// (which may be rotated), in a canonical order, and the digests of the files sent.
#[must_use]
pub fn fingerprint(params: &Params, files: &[&[u8]]) -> String {
    let mut text = String::new();
    for (name, value) in params.normalised() {
        if name != "api_key" {
            text.push_str(name);
            text.push('\u{1f}');
            text.push_str(value);
            text.push('\u{1e}');
        }
    }
    for file in files {
        text.push_str(&sha256_hex(file));
        text.push('\u{1e}');
    }
    sha256_hex(text.as_bytes())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use proptest::prelude::*;

    use super::*;
    use crate::open311::params::parse_urlencoded;

    fn parse(body: &str) -> Result<NewRequest, Open311Error> {
        NewRequest::parse(&parse_urlencoded(body.as_bytes()).unwrap())
    }

    const FMS: &str = "api_key=k&jurisdiction_id=lapor.go.id&service_code=pekerjaan_umum.jalan_jembatan\
        &lat=-2.2161&long=113.9135&email=budi%40example.com&first_name=Budi&last_name=Santoso\
        &description=Jalan+berlubang+besar+di+depan+SDN+1%0A%0ASudah+sebulan.\
        &media_url=https%3A%2F%2Ffms.example%2Fp%2F1.jpeg&media_url=https%3A%2F%2Ffms.example%2Fp%2F2.jpeg\
        &attribute%5Bfixmystreet_id%5D=4242&attribute[anonymous]=true&deviceid=abc";

    #[test]
    fn a_fixmystreet_request_is_read_whole() {
        let r = parse(FMS).unwrap();
        assert_eq!(r.service_code, "pekerjaan_umum.jalan_jembatan");
        assert_eq!(r.coordinates, Some((-2.2161, 113.9135)));
        assert_eq!(r.name.as_deref(), Some("Budi Santoso"));
        assert_eq!(r.email.as_deref(), Some("budi@example.com"));
        assert_eq!(r.fixmystreet_id.as_deref(), Some("4242"));
        assert!(r.anonymous && !r.confidential);
        assert_eq!(r.media_urls.len(), 2);
        assert_eq!(
            r.title("Jalan dan jembatan"),
            "Jalan berlubang besar di depan SDN 1"
        );
        let body = r.body();
        assert!(body.starts_with("Jalan berlubang besar di depan SDN 1\n\nSudah sebulan."));
        assert!(body.ends_with("https://fms.example/p/1.jpeg\nhttps://fms.example/p/2.jpeg"));
    }

    #[test]
    fn every_protocol_problem_is_named() {
        let e = parse("lat=-2.2&media_url=javascript:alert(1)&attribute[anonymous]=mungkin&attribute[incident_date]=kemarin")
            .unwrap_err();
        let said: Vec<&str> = e.errors.iter().map(|(_, d)| d.as_str()).collect();
        assert_eq!(e.status, axum::http::StatusCode::BAD_REQUEST);
        for name in [
            "service_code:",
            "description:",
            "lat/long:",
            "media_url:",
            "attribute[anonymous]:",
            "attribute[incident_date]:",
        ] {
            assert!(
                said.iter().any(|d| d.starts_with(name)),
                "{name} in {said:?}"
            );
        }
        let long = "x".repeat(DESCRIPTION_MAX + 1);
        let e = parse(&format!(
            "service_code=a&address_string=Jl.+A&description={long}"
        ))
        .unwrap_err();
        assert!(e.errors[0].1.starts_with("description:"), "{:?}", e.errors);
        let e = parse("service_code=a&description=Jalan+rusak+parah+sekali").unwrap_err();
        assert!(e.errors[0].1.contains("lokasi wajib"), "{:?}", e.errors);
    }

    #[test]
    fn any_one_location_will_do() {
        let base = "service_code=a&description=Jalan+rusak+parah+sekali";
        let only_address = parse(&format!("{base}&address_string=Jl.+Tjilik+Riwut")).unwrap();
        assert_eq!(only_address.address.as_deref(), Some("Jl. Tjilik Riwut"));
        let not_pinned = parse(&format!("{base}&address_id=%23NOTPINPOINTED%23")).unwrap();
        assert_eq!(not_pinned.address, None);
        assert_eq!(not_pinned.coordinates, None);
    }

    #[test]
    fn titles_come_from_the_attribute_the_first_line_or_the_service() {
        let mut r = NewRequest {
            description: "Rusak".repeat(60),
            ..NewRequest::default()
        };
        let title = r.title("Jalan");
        assert!(title.chars().count() <= TITLE_MAX, "{title}");
        assert!(title.ends_with('…'));
        r.description = "Ok\nJalan rusak".to_owned();
        assert_eq!(r.title("Jalan dan jembatan"), "Jalan dan jembatan");
        r.title = Some("Judul dari klien".to_owned());
        assert_eq!(r.title("Jalan dan jembatan"), "Judul dari klien");
    }

    #[test]
    fn the_same_request_in_another_order_or_with_another_key_has_the_same_fingerprint() {
        let a = parse_urlencoded(b"api_key=one&service_code=a&description=x&lat=1").unwrap();
        let b =
            parse_urlencoded(b"lat=1&description=x+&service_code=a&api_key=two&email=").unwrap();
        let c = parse_urlencoded(b"lat=1&description=y&service_code=a").unwrap();
        assert_eq!(fingerprint(&a, &[]), fingerprint(&b, &[]));
        assert_ne!(fingerprint(&a, &[]), fingerprint(&c, &[]));
        assert_ne!(fingerprint(&a, &[]), fingerprint(&a, &[b"photo"]));
    }

    proptest! {
        #[test]
        fn arbitrary_bodies_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            if let Ok(params) = parse_urlencoded(&bytes) {
                if let Ok(r) = NewRequest::parse(&params) {
                    let _ = r.title("Layanan");
                    let _ = r.body();
                }
                let _ = fingerprint(&params, &[bytes.as_slice()]);
            }
        }

        #[test]
        fn derived_titles_fit_the_intake(description in "\\PC{1,400}") {
            let r = NewRequest { description, ..NewRequest::default() };
            let title = r.title("Jalan dan jembatan");
            prop_assert!(title.chars().count() <= TITLE_MAX);
            prop_assert!(title.trim().chars().count() >= lapor_domain::report::TITLE_MIN || title == "Jalan dan jembatan");
        }
    }
}
