//! One document tree rendered as the spec's XML or as its JSON twin (the "Spark convention":
//! a list of `<service>` elements becomes an array, an element with children an object).

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};

/// The format a client asked for by the suffix of the URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xml,
    Json,
}

impl Format {
    /// `services.xml` → (`services`, Xml). Anything but `.xml` and `.json` is no resource.
    pub fn split(file: &str) -> Option<(&str, Self)> {
        let (name, ext) = file.rsplit_once('.')?;
        let format = match ext {
            "xml" => Format::Xml,
            "json" => Format::Json,
            _ => return None,
        };
        Some((name, format))
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Xml => "text/xml; charset=utf-8",
            Format::Json => "application/json; charset=utf-8",
        }
    }
}

/// A value in a document.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// An empty element (`<account_id/>`), JSON `null`.
    Null,
    Text(String),
    /// A number already written out, e.g. a latitude.
    Number(String),
    Bool(bool),
    /// Named children in order.
    Object(Vec<(&'static str, Node)>),
    /// Repeated elements of this name; a JSON array.
    List(&'static str, Vec<Node>),
}

impl Node {
    pub fn text(value: impl Into<String>) -> Self {
        Node::Text(value.into())
    }

    /// Text, or an empty element when absent.
    pub fn opt(value: Option<impl Into<String>>) -> Self {
        value.map_or(Node::Null, |v| Node::Text(v.into()))
    }

    pub fn int(value: impl Into<i64>) -> Self {
        Node::Number(value.into().to_string())
    }

    /// A coordinate; a value that is not a finite number (never stored, but never trusted
    /// either) is written as absent rather than as invalid JSON.
    pub fn float(value: f64) -> Self {
        if value.is_finite() {
            Node::Number(value.to_string())
        } else {
            Node::Null
        }
    }

    /// A point in time as the spec wants it: W3C ISO 8601 with the offset, in WIB (+07:00),
    /// the zone of the national administration.
    pub fn time(at: DateTime<Utc>) -> Self {
        Node::Text(w3c(at))
    }
}

/// `2026-11-25T10:00:00+07:00`.
pub fn w3c(at: DateTime<Utc>) -> String {
    const WIB: i32 = 7 * 3600;
    match FixedOffset::east_opt(WIB) {
        Some(wib) => at
            .with_timezone(&wib)
            .to_rfc3339_opts(SecondsFormat::Secs, false),
        None => at.to_rfc3339_opts(SecondsFormat::Secs, true),
    }
}

/// A whole response body: the XML root element around `body`.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub root: &'static str,
    pub body: Node,
}

impl Document {
    pub fn new(root: &'static str, body: Node) -> Self {
        Self { root, body }
    }

    pub fn xml(&self) -> String {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        element(&mut out, self.root, &self.body);
        out.push('\n');
        out
    }

    pub fn json(&self) -> String {
        json(&self.body).to_string()
    }

    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Xml => self.xml(),
            Format::Json => self.json(),
        }
    }

    pub fn respond(&self, format: Format, status: StatusCode) -> Response {
        (
            status,
            [(header::CONTENT_TYPE, format.content_type())],
            self.render(format),
        )
            .into_response()
    }
}

fn element(out: &mut String, name: &str, node: &Node) {
    if *node == Node::Null {
        out.push('<');
        out.push_str(name);
        out.push_str("/>");
        return;
    }
    out.push('<');
    out.push_str(name);
    out.push('>');
    match node {
        Node::Null => {}
        Node::Text(text) | Node::Number(text) => escape_into(out, text),
        Node::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Node::Object(fields) => {
            for (child, value) in fields {
                element(out, child, value);
            }
        }
        Node::List(item, items) => {
            for value in items {
                element(out, item, value);
            }
        }
    }
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// Escapes markup and drops the characters XML 1.0 cannot carry at all (most C0 controls,
/// U+FFFE, U+FFFF): stored text never holds them, but an unparseable document would stop a
/// whole client's sync.
fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

fn json(node: &Node) -> serde_json::Value {
    use serde_json::Value;
    match node {
        Node::Null => Value::Null,
        Node::Text(text) => Value::String(text.clone()),
        Node::Number(n) => serde_json::from_str::<serde_json::Number>(n)
            .map_or_else(|_| Value::String(n.clone()), Value::Number),
        Node::Bool(b) => Value::Bool(*b),
        Node::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(k, v)| ((*k).to_owned(), json(v)))
                .collect(),
        ),
        Node::List(_, items) => Value::Array(items.iter().map(json).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Document {
        Document::new(
            "service_requests",
            Node::List(
                "request",
                vec![Node::Object(vec![
                    ("service_request_id", Node::text("0000042")),
                    (
                        "description",
                        Node::text("Jalan <rusak> & \"berlubang\"\u{7}"),
                    ),
                    ("lat", Node::float(-2.21)),
                    ("long", Node::float(f64::NAN)),
                    ("account_id", Node::Null),
                    ("metadata", Node::Bool(true)),
                ])],
            ),
        )
    }

    #[test]
    fn xml_has_the_declaration_escapes_markup_and_drops_forbidden_characters() {
        let xml = sample().xml();
        assert!(xml.starts_with(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<service_requests><request>"
        ));
        assert!(xml.contains(
            "<description>Jalan &lt;rusak&gt; &amp; &quot;berlubang&quot;</description>"
        ));
        assert!(xml.contains("<lat>-2.21</lat><long/><account_id/><metadata>true</metadata>"));
    }

    #[test]
    fn json_is_the_spark_twin_of_the_xml() {
        let json: serde_json::Value = serde_json::from_str(&sample().json()).expect("valid JSON");
        assert_eq!(
            json,
            serde_json::json!([{
                "service_request_id": "0000042",
                "description": "Jalan <rusak> & \"berlubang\"\u{7}",
                "lat": -2.21,
                "long": null,
                "account_id": null,
                "metadata": true,
            }])
        );
    }

    #[test]
    fn formats_come_from_the_suffix_only() {
        assert_eq!(
            Format::split("services.xml"),
            Some(("services", Format::Xml))
        );
        assert_eq!(
            Format::split("0000042.json"),
            Some(("0000042", Format::Json))
        );
        assert_eq!(Format::split("requests.csv"), None);
        assert_eq!(Format::split("requests"), None);
        assert_eq!(Format::split("requests.XML"), None);
    }

    #[test]
    fn times_are_written_in_wib_with_the_offset() {
        let at = DateTime::parse_from_rfc3339("2026-11-25T03:00:00Z")
            .expect("valid")
            .with_timezone(&Utc);
        assert_eq!(w3c(at), "2026-11-25T10:00:00+07:00");
    }
}
