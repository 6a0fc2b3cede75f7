//! A strict allow-list sanitiser for the HTML Sotkanet puts in descriptions and limits.
//!
//! No general-purpose sanitiser is a dependency of the repository, and Sotkanet's HTML is
//! simple (paragraphs, line breaks, lists, emphasis), so this one keeps only a handful of
//! element names, never any attribute, and escapes everything else:
//!
//! - allowed elements (`p br ul ol li b strong i em sub sup`) are written again as bare
//!   tags (`<p id=x onclick=…>` → `<p>`), closing tags only when the element is open, and
//!   every element still open is closed at the end;
//! - `script`, `style` and the like are dropped with their content; comments are dropped;
//! - any other tag is dropped and its text kept (`<a href=…>text</a>` → `text`);
//! - text is escaped (`<`, `>`, `"`, `'`); `&` stays only as the start of a well-formed
//!   entity (`&nbsp;`, `&#228;`), otherwise it becomes `&amp;`.
//!
//! The output can therefore hold no attribute, no URL and no script, whatever the input.

const ALLOWED: &[&str] = &[
    "p", "br", "ul", "ol", "li", "b", "strong", "i", "em", "sub", "sup",
];
const DROPPED_WITH_CONTENT: &[&str] = &[
    "script", "style", "iframe", "object", "embed", "noscript", "template", "textarea", "title",
    "svg", "math", "select", "xmp", "noembed", "noframes",
];

/// The sanitised form of `html` (see the module doc).
pub fn sanitize(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut open: Vec<&'static str> = Vec::new();
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        match c {
            '<' => {
                if let Some(after) = rest.strip_prefix("<!--") {
                    rest = after.find("-->").map_or("", |i| &after[i + 3..]);
                    continue;
                }
                match parse_tag(rest) {
                    Some((tag, len)) => {
                        rest = &rest[len..];
                        let name = tag.name.to_ascii_lowercase();
                        if let Some(&allowed) = ALLOWED.iter().find(|a| **a == name) {
                            if allowed == "br" {
                                out.push_str("<br>");
                            } else if tag.closing {
                                if let Some(pos) = open.iter().rposition(|o| *o == allowed) {
                                    for o in open.drain(pos..).rev() {
                                        out.push_str("</");
                                        out.push_str(o);
                                        out.push('>');
                                    }
                                }
                            } else if !tag.self_closing {
                                out.push('<');
                                out.push_str(allowed);
                                out.push('>');
                                open.push(allowed);
                            }
                        } else if !tag.closing
                            && !tag.self_closing
                            && DROPPED_WITH_CONTENT.contains(&name.as_str())
                        {
                            rest = skip_element(rest, &name);
                        }
                    }
                    None => {
                        out.push_str("&lt;");
                        rest = &rest[1..];
                    }
                }
            }
            '&' => {
                let entity = rest[1..]
                    .char_indices()
                    .take(32)
                    .find(|(_, ch)| !(ch.is_ascii_alphanumeric() || *ch == '#'))
                    .filter(|(i, ch)| *ch == ';' && *i > 0)
                    .map(|(i, _)| i);
                match entity {
                    Some(i) => {
                        out.push_str(&rest[..i + 2]);
                        rest = &rest[i + 2..];
                    }
                    None => {
                        out.push_str("&amp;");
                        rest = &rest[1..];
                    }
                }
            }
            _ => {
                match c {
                    '>' => out.push_str("&gt;"),
                    '"' => out.push_str("&quot;"),
                    '\'' => out.push_str("&#39;"),
                    '\0' => {}
                    _ => out.push(c),
                }
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    for o in open.into_iter().rev() {
        out.push_str("</");
        out.push_str(o);
        out.push('>');
    }
    out
}

/// The plain text of `html` (tags dropped, entities left as written), for CSV cells and
/// search.
pub fn plain_text(html: &str) -> String {
    let safe = sanitize(html);
    let mut out = String::with_capacity(safe.len());
    let mut in_tag = false;
    for c in safe.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

struct Tag<'a> {
    name: &'a str,
    closing: bool,
    self_closing: bool,
}

/// A tag at the start of `s` (`<name …>` or `</name>`) and its length, quoted attribute
/// values skipped; `None` when `s` does not start with one (the `<` is then text).
fn parse_tag(s: &str) -> Option<(Tag<'_>, usize)> {
    let bytes = s.as_bytes();
    let mut i = 1;
    let closing = bytes.get(i) == Some(&b'/');
    if closing {
        i += 1;
    }
    let start = i;
    while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
        i += 1;
    }
    if i == start || !bytes[start].is_ascii_alphabetic() {
        return None;
    }
    let name = &s[start..i];
    let mut quote: Option<u8> = None;
    let mut last = 0u8;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => {
                return Some((
                    Tag {
                        name,
                        closing,
                        self_closing: last == b'/',
                    },
                    i + 1,
                ));
            }
            None => {}
        }
        if !b.is_ascii_whitespace() {
            last = b;
        }
        i += 1;
    }
    None
}

/// The input after the end tag of `name` (case-insensitive), or nothing when it never ends.
fn skip_element<'a>(s: &'a str, name: &str) -> &'a str {
    let lower = s.to_ascii_lowercase();
    let end = format!("</{name}");
    match lower.find(&end) {
        Some(i) => {
            let after = &s[i..];
            after.find('>').map_or("", |j| &after[j + 1..])
        }
        None => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_are_dropped_with_their_content() {
        let out = sanitize("a<script>alert('x')</script>b<SCRIPT src=x>y</ScRiPt >c");
        assert_eq!(out, "abc");
    }

    #[test]
    fn attributes_and_unknown_tags_are_dropped() {
        let out = sanitize(
            r#"<p id=suhteutus onclick="x()">Hi <a href="javascript:alert(1)">there</a><img src=x onerror=alert(1)></p>"#,
        );
        assert_eq!(out, "<p>Hi there</p>");
    }

    #[test]
    fn quoted_greater_than_does_not_end_a_tag() {
        assert_eq!(sanitize(r#"<b title="a>b">x</b>"#), "<b>x</b>");
    }

    #[test]
    fn open_elements_are_closed_and_stray_closers_dropped() {
        assert_eq!(
            sanitize("<ul><li>a<li>b</p>"),
            "<ul><li>a<li>b</li></li></ul>"
        );
        assert_eq!(sanitize("x</em>y"), "xy");
    }

    #[test]
    fn text_is_escaped_and_entities_kept() {
        assert_eq!(
            sanitize("1 < 2 & 3 > 2 &nbsp; &#228;"),
            "1 &lt; 2 &amp; 3 &gt; 2 &nbsp; &#228;"
        );
        assert_eq!(sanitize("<br><br />x<!-- <script> -->"), "<br><br>x");
        assert_eq!(sanitize("<"), "&lt;");
        assert_eq!(sanitize("<p"), "&lt;p");
    }

    #[test]
    fn plain_text_has_no_tags() {
        assert_eq!(plain_text("<p>a</p><p>b<script>c</script></p>"), "a b");
    }

    #[test]
    fn nothing_panics_on_odd_input() {
        for s in [
            "<", "</", "<>", "&", "&;", "<!--", "<a '>", "ä<ö>å", "<p\u{0}>", "&#;",
        ] {
            let out = sanitize(s);
            assert!(!out.contains("<a"), "{s} → {out}");
        }
    }
}
