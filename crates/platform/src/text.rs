//! Text helpers shared by every search: folding and edit distance.

/// Lowercase, accents folded (á→a, ñ→n, ü→u), punctuation to spaces, single spaces:
/// the form names are compared and searched in.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = true;
    for c in s.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'á' | 'à' | 'ä' | 'â' | 'ã' => 'a',
            'é' | 'è' | 'ë' | 'ê' => 'e',
            'í' | 'ì' | 'ï' | 'î' => 'i',
            'ó' | 'ò' | 'ö' | 'ô' | 'õ' => 'o',
            'ú' | 'ù' | 'ü' | 'û' => 'u',
            'ñ' => 'n',
            'ç' => 'c',
            c if c.is_alphanumeric() => c,
            _ => ' ',
        };
        if c == ' ' {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    out.trim_end().to_owned()
}

/// Edit distance (insertions, deletions, substitutions) in characters.
pub fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Longest search text a user may send, in characters.
pub const MAX_SEARCH_CHARS: usize = 200;
/// Most words one search may have (each long word becomes a fuzzy query).
pub const MAX_SEARCH_WORDS: usize = 10;
/// Longest word a search engine looks at; longer ones are cut.
pub const MAX_SEARCH_WORD_CHARS: usize = 40;

/// Checks search text typed by a user; the error is the catalogue key of the message.
pub fn check_search(q: &str) -> Result<(), &'static str> {
    if q.chars().count() > MAX_SEARCH_CHARS {
        return Err("search-too-long");
    }
    if q.split_whitespace().count() > MAX_SEARCH_WORDS {
        return Err("search-too-many-words");
    }
    Ok(())
}

/// The words a search engine works on, whatever it was given: at most
/// `MAX_SEARCH_WORDS`, each cut to `MAX_SEARCH_WORD_CHARS` (the second line of defence
/// behind [`check_search`]).
pub fn bounded_words<'a>(words: impl Iterator<Item = &'a str>) -> Vec<String> {
    words
        .filter(|w| !w.is_empty())
        .take(MAX_SEARCH_WORDS)
        .map(|w| w.chars().take(MAX_SEARCH_WORD_CHARS).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_is_bounded_in_length_and_words() {
        assert!(check_search("gonzalez maria").is_ok());
        assert_eq!(check_search(&"a".repeat(201)), Err("search-too-long"));
        assert_eq!(
            check_search("a b c d e f g h i j k"),
            Err("search-too-many-words")
        );
        let long = "x".repeat(500);
        let words = bounded_words(std::iter::repeat_n(long.as_str(), 50));
        assert_eq!(words.len(), MAX_SEARCH_WORDS);
        assert!(words.iter().all(|w| w.len() == MAX_SEARCH_WORD_CHARS));
    }
}

/// Why text from outside was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Unclean {
    /// A control character other than a newline or tab (NUL, escape...), or a bidirectional
    /// override that makes text read differently than it is stored.
    #[error("control character U+{0:04X}")]
    Control(u32),
}

impl Unclean {
    /// Catalogue key of the message.
    pub fn key(self) -> &'static str {
        "field-control-chars"
    }
}

/// Is `c` refused in any text field? Control characters except the newline (tabs are
/// turned into spaces before), and the bidirectional embedding, override and isolate
/// characters.
fn refused(c: char) -> bool {
    (c.is_control() && c != '\n') || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Text as sipe stores it, whatever channel it came through (form, API body, query,
/// import row): Unicode NFC, line breaks as `\n`, tabs as spaces (text pasted from a
/// spreadsheet or a word processor carries them); refused when it holds any other
/// control character. Single-line fields refuse newlines too (`validation::text`).
pub fn clean(raw: &str) -> Result<std::borrow::Cow<'_, str>, Unclean> {
    use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};
    let unified: std::borrow::Cow<'_, str> = if raw.contains(['\r', '\t']) {
        std::borrow::Cow::Owned(
            raw.replace("\r\n", "\n")
                .replace('\r', "\n")
                .replace('\t', " "),
        )
    } else {
        std::borrow::Cow::Borrowed(raw)
    };
    if let Some(c) = unified.chars().find(|c| refused(*c)) {
        return Err(Unclean::Control(u32::from(c)));
    }
    if is_nfc_quick(unified.chars()) == IsNormalized::Yes {
        return Ok(unified);
    }
    Ok(std::borrow::Cow::Owned(unified.nfc().collect()))
}

#[cfg(test)]
mod clean_tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn text_is_composed_and_control_characters_refused() {
        assert_eq!(clean("Jose\u{301}").unwrap(), "José");
        assert_eq!(clean("a\r\nb\rc").unwrap(), "a\nb\nc");
        assert!(matches!(
            clean("González"),
            Ok(std::borrow::Cow::Borrowed(_))
        ));
        assert_eq!(clean("Nul\u{0}l"), Err(Unclean::Control(0)));
        assert_eq!(clean("a\tb").unwrap(), "a b", "a pasted tab is a space");
        assert_eq!(clean("\u{202E}evil"), Err(Unclean::Control(0x202E)));
        assert_eq!(clean("\u{1b}[31m"), Err(Unclean::Control(0x1b)));
    }

    proptest! {
        #[test]
        fn clean_text_has_no_refused_character_and_is_stable(s in any::<String>()) {
            if let Ok(c) = clean(&s) {
                prop_assert!(!c.chars().any(refused));
                prop_assert!(!c.contains('\r'));
                prop_assert_eq!(clean(&c).unwrap(), c.clone());
            }
        }
    }
}

/// Four-digit area codes of Tucumán's interior (the rest of the province dials 381).
const AREA_CODES_4: [&str; 8] = [
    "3862", "3863", "3865", "3867", "3869", "3891", "3892", "3894",
];

/// An Argentine mobile or landline in E.164 as people read it: `+5493816581591` →
/// `+54 9 381 658-1591`. Other numbers are returned as stored.
pub fn phone_display(e164: &str) -> String {
    let Some(rest) = e164.strip_prefix("+54") else {
        return e164.to_owned();
    };
    if !rest.bytes().all(|b| b.is_ascii_digit()) || !(10..=11).contains(&rest.len()) {
        return e164.to_owned();
    }
    let (mobile, national) = match rest.strip_prefix('9') {
        Some(n) if n.len() == 10 => ("9 ", n),
        _ => ("", rest),
    };
    if national.len() != 10 {
        return e164.to_owned();
    }
    let area_len = if national.starts_with("11") {
        2
    } else if AREA_CODES_4.iter().any(|a| national.starts_with(a)) {
        4
    } else {
        3
    };
    let (area, local) = national.split_at(area_len);
    let (head, tail) = local.split_at(local.len() - 4);
    format!("+54 {mobile}{area} {head}-{tail}")
}

#[cfg(test)]
mod phone_tests {
    use super::phone_display;

    #[test]
    fn argentine_numbers_read_as_people_write_them() {
        assert_eq!(phone_display("+5493816581591"), "+54 9 381 658-1591");
        assert_eq!(phone_display("+5491145678901"), "+54 9 11 4567-8901");
        assert_eq!(phone_display("+5493863412345"), "+54 9 3863 41-2345");
        assert_eq!(phone_display("+543814221234"), "+54 381 422-1234");
        // Anything else is shown as stored.
        assert_eq!(phone_display("+34911234567"), "+34911234567");
        assert_eq!(phone_display("+54 381"), "+54 381");
    }
}

/// An amount in cents as pesos, Argentine style (`$ 85.000,50`).
pub fn pesos(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(c);
    }
    format!("$ {sign}{grouped},{:02}", cents % 100)
}
