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
