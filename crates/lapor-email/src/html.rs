//! HTML mail as plain text. Webmail often sends HTML only; the report needs the words, the
//! paragraphs, and quoted history marked as quoted (`> `) so that [`crate::strip_quoted`]
//! can remove it the same way as in a plain-text reply.

/// Tags that end a line.
const BLOCKS: &[&str] = &[
    "br",
    "p",
    "div",
    "li",
    "tr",
    "table",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "blockquote",
    "pre",
];

/// Elements whose content is not text for a reader.
const HIDDEN: &[&str] = &["head", "style", "script", "template", "title"];

/// Converts HTML to text: block elements break lines, `<blockquote>` content is prefixed with
/// `> `, entities are decoded, whitespace collapses. Broken HTML yields its readable text.
#[must_use]
pub fn html_to_text(html: &str) -> String {
    let mut out = Text::default();
    let mut hidden: Option<String> = None;
    let mut rest = html;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        if rest.starts_with('<') {
            let end = rest.find('>').unwrap_or(rest.len());
            let tag = &rest[1..end];
            rest = rest.get(end + 1..).unwrap_or("");
            let closing = tag.starts_with('/');
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_ascii_lowercase();
            if let Some(open) = &hidden {
                if closing && *open == name {
                    hidden = None;
                }
                continue;
            }
            if HIDDEN.contains(&name.as_str()) && !closing && !tag.ends_with('/') {
                hidden = Some(name);
                continue;
            }
            if name == "blockquote" {
                out.newline(false);
                out.depth = if closing {
                    out.depth.saturating_sub(1)
                } else {
                    out.depth + 1
                };
            } else if BLOCKS.contains(&name.as_str()) {
                out.newline(name == "br");
            }
            continue;
        }
        let end = rest.find('<').unwrap_or(rest.len());
        if hidden.is_none() {
            out.words(&decode_entities(&rest[..end]));
        }
        rest = &rest[end..];
    }
    out.finish()
}

#[derive(Default)]
struct Text {
    lines: Vec<String>,
    line: String,
    /// Quote depth of the current line (fixed by its first word).
    line_depth: usize,
    depth: usize,
}

impl Text {
    fn words(&mut self, text: &str) {
        for (i, word) in text.split(char::is_whitespace).enumerate() {
            if i > 0 && !self.line.is_empty() && !self.line.ends_with(' ') {
                self.line.push(' ');
            }
            if word.is_empty() {
                continue;
            }
            if self.line.is_empty() {
                self.line_depth = self.depth;
            }
            self.line.push_str(word);
        }
    }

    /// Ends the current line. A block boundary on an empty line adds nothing; a `<br>` there
    /// (`hard`) adds a blank line, as it shows in a browser.
    fn newline(&mut self, hard: bool) {
        let line = std::mem::take(&mut self.line);
        let line = line.trim();
        if !line.is_empty() {
            let prefix = "> ".repeat(self.line_depth);
            self.lines.push(format!("{prefix}{line}"));
        } else if hard {
            self.lines.push(String::new());
        }
        self.line_depth = self.depth;
    }

    fn finish(mut self) -> String {
        self.newline(false);
        let mut out = String::new();
        let mut blank = false;
        for line in &self.lines {
            if line.is_empty() {
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
}

/// The entities mail clients actually write, plus numeric ones; unknown ones stay as they are.
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('&') {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find(';').filter(|e| *e <= 10);
        let decoded = end.and_then(|e| {
            let entity = &rest[1..e];
            let c = match entity {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "nbsp" => ' ',
                _ => {
                    let code = entity.strip_prefix('#')?;
                    let value = match code.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => code.parse().ok()?,
                    };
                    char::from_u32(value).unwrap_or(char::REPLACEMENT_CHARACTER)
                }
            };
            Some((c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_break_lines_and_inline_tags_do_not() {
        let html = "<html><head><title>x</title><style>p{}</style></head><body>\
                    <div dir=\"ltr\">Jalan di <b>Jl. Merdeka</b> rusak.<div>Mohon&nbsp;diperbaiki&#33;</div>\
                    <p>Salam,<br>Budi</p></div></body></html>";
        assert_eq!(
            html_to_text(html),
            "Jalan di Jl. Merdeka rusak.\nMohon diperbaiki!\nSalam,\nBudi"
        );
    }

    #[test]
    fn blockquotes_become_quoted_lines() {
        let html = "Terima kasih.<div class=\"gmail_quote\">Pada 3 Nov, Lapor menulis:<br>\
                    <blockquote>Tindak lanjut:<br>sudah &lt;diperbaiki&gt;</blockquote></div>";
        assert_eq!(
            html_to_text(html),
            "Terima kasih.\nPada 3 Nov, Lapor menulis:\n> Tindak lanjut:\n> sudah <diperbaiki>"
        );
    }

    #[test]
    fn broken_html_keeps_its_words() {
        assert_eq!(
            html_to_text("a <b>b &amp c &#xZZ; <!-- x"),
            "a b &amp c &#xZZ;"
        );
        assert_eq!(html_to_text("<"), "");
        assert_eq!(html_to_text("é <script>alert(1)"), "é");
    }
}
