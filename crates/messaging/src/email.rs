//! The HTML part of an e-mail, made from its text: paragraphs at blank lines, line
//! breaks kept, links made clickable, everything else escaped.

/// An e-mail's place in a thread (the outbox's payload of a reply).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Threading {
    /// The Message-ID (`<…>`) of the mail it answers.
    pub in_reply_to: Option<String>,
}

impl Threading {
    /// The Message-ID to answer, when it is one a header may carry (`<…>`, printable,
    /// one line, within the line limit).
    pub fn answered(&self) -> Option<&str> {
        self.in_reply_to.as_deref().filter(|m| {
            m.len() <= 900
                && m.starts_with('<')
                && m.ends_with('>')
                && m.bytes().all(|b| b.is_ascii_graphic())
        })
    }
}

/// `text` as a small, self-contained HTML document.
pub fn html(text: &str, unsubscribe: Option<&str>) -> String {
    let mut body = String::new();
    for paragraph in text.split("\n\n").filter(|p| !p.trim().is_empty()) {
        body.push_str("<p>");
        let lines: Vec<String> = paragraph.lines().map(linkify).collect();
        body.push_str(&lines.join("<br>\n"));
        body.push_str("</p>\n");
    }
    if let Some(link) = unsubscribe {
        body.push_str(&format!(
            "<p style=\"font-size:12px;color:#555\"><a href=\"{}\">Darse de baja / Unsubscribe</a></p>\n",
            escape(link)
        ));
    }
    format!(
        "<!doctype html>\n<html lang=\"es-AR\"><head><meta charset=\"utf-8\"></head>\n<body style=\"font-family:sans-serif;line-height:1.5;color:#1a1a1a\">\n{body}</body></html>\n"
    )
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Escapes a line, making `http(s)://` words links.
fn linkify(line: &str) -> String {
    line.split(' ')
        .map(|word| {
            if word.starts_with("https://") || word.starts_with("http://") {
                let e = escape(word);
                format!("<a href=\"{e}\">{e}</a>")
            } else {
                escape(word)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn text_becomes_escaped_paragraphs_with_links() {
        let h = super::html(
            "Hola <Ana>,\nte esperamos.\n\nMás: https://empleo.example/x?a=1&b=2",
            Some("https://empleo.example/u/1"),
        );
        assert!(h.contains("<p>Hola &lt;Ana&gt;,<br>\nte esperamos.</p>"));
        assert!(h.contains("<a href=\"https://empleo.example/x?a=1&amp;b=2\">"));
        assert!(h.contains("Darse de baja"));
    }
}
