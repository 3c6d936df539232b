//! In-memory type-ahead over labelled codes (occupations, skills): every word typed must
//! match a word of one of the entry's labels — whole, as a prefix, or within a small
//! edit distance — ignoring accents, case and word order. A few thousand entries are
//! scanned in well under a millisecond, so no index is needed.

use crate::text::{fold, levenshtein};

/// One searchable entry.
#[derive(Debug, Clone)]
struct Entry {
    code: String,
    label: String,
    /// Folded labels split into words; the first is the preferred label.
    labels: Vec<Vec<String>>,
}

/// A match.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct Hit {
    /// Code.
    pub code: String,
    /// Preferred label.
    pub label: String,
    /// The label that matched, when it is an alternative one.
    pub matched: Option<String>,
}

/// A searchable set of labelled codes.
#[derive(Debug, Default)]
pub struct Catalog {
    entries: Vec<Entry>,
    /// Original alternative labels, parallel to `entries[i].labels[1..]`.
    alts: Vec<Vec<String>>,
}

/// Edits allowed for a typed word of `len` characters.
fn tolerance(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// How well a typed word matches a label word: 3 exact, 2 prefix, 1 close, 0 none.
/// A close match keeps the first letter: typos rarely hit it, and without the rule
/// "niñera" finds "minera" and "mozo" finds "pozo".
fn word_score(typed: &str, word: &str, last: bool) -> u32 {
    if typed == word {
        return 3;
    }
    let k = tolerance(typed.chars().count());
    if word.starts_with(typed) && (last || typed.len() >= 4) {
        return 2;
    }
    if k == 0
        || typed.chars().next() != word.chars().next()
        || word.len().abs_diff(typed.len()) > k + usize::from(last) * 4
    {
        return 0;
    }
    if levenshtein(typed, word) <= k {
        return 1;
    }
    // A typo in a word still being typed: compare with the word's start.
    if last {
        let n = typed.chars().count();
        let head: String = word.chars().take(n).collect();
        if levenshtein(typed, &head) <= k {
            return 1;
        }
    }
    0
}

/// A scored match, comparable across catalogues (higher ranks first).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rank {
    /// Every typed word matched whole or as a prefix (no typo tolerated).
    pub exact: bool,
    /// Sum of the word scores.
    pub score: u32,
    /// Catalogue priority given by the caller (a local vocabulary over the reference).
    pub priority: u8,
    /// The preferred label matched (not an alternative one).
    pub preferred: bool,
    /// Fewer words in the matched label rank first.
    pub shortness: std::cmp::Reverse<usize>,
}

/// One match with its rank and the index of the label that matched (0 = preferred).
#[derive(Debug, Clone)]
pub struct Scored {
    /// How well it matched.
    pub rank: Rank,
    /// The hit.
    pub hit: Hit,
    /// Which label matched (0 = preferred, n = the n-th alternative).
    pub label_index: usize,
}

/// Keeps the best `limit` matches; when some match without typos, the typo-tolerant
/// ones are dropped (a fuzzy match only helps when nothing else does).
pub fn best(mut scored: Vec<Scored>, limit: usize) -> Vec<Scored> {
    if scored.iter().any(|s| s.rank.exact) {
        scored.retain(|s| s.rank.exact);
    }
    scored.sort_by(|a, b| {
        b.rank
            .cmp(&a.rank)
            .then_with(|| a.hit.label.cmp(&b.hit.label))
    });
    scored.truncate(limit);
    scored
}

impl Catalog {
    /// Builds a catalogue from `(code, preferred label, alternative labels)`.
    pub fn new(items: impl IntoIterator<Item = (String, String, Vec<String>)>) -> Self {
        let mut entries = Vec::new();
        let mut alts = Vec::new();
        for (code, label, alt) in items {
            let labels = std::iter::once(&label)
                .chain(alt.iter())
                .map(|l| fold(l).split(' ').map(str::to_owned).collect())
                .collect();
            entries.push(Entry {
                code,
                label,
                labels,
            });
            alts.push(alt);
        }
        Self { entries, alts }
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Is it empty?
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The preferred label of a code.
    pub fn label(&self, code: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|e| e.code == code)
            .map(|e| e.label.as_str())
    }

    /// The entry one of whose labels is exactly the text (ignoring accents and case).
    pub fn exact(&self, typed: &str) -> Option<Hit> {
        let words: Vec<String> = fold(typed).split(' ').map(str::to_owned).collect();
        self.entries.iter().enumerate().find_map(|(i, e)| {
            let j = e.labels.iter().position(|l| *l == words)?;
            Some(self.hit(i, j))
        })
    }

    fn hit(&self, i: usize, j: usize) -> Hit {
        Hit {
            code: self.entries[i].code.clone(),
            label: self.entries[i].label.clone(),
            matched: (j > 0).then(|| self.alts[i][j - 1].clone()),
        }
    }

    /// What a form sent: a code, `label (code)` as the type-ahead writes it, a label
    /// exactly, or words that every match takes without a typo (the best is taken).
    /// Text that only a typo-tolerant match explains is not guessed.
    pub fn resolve(&self, typed: &str) -> Option<Hit> {
        let typed = typed.trim();
        if typed.is_empty() {
            return None;
        }
        let code = typed
            .strip_suffix(')')
            .and_then(|s| s.rsplit_once('('))
            .map(|(_, c)| c.trim())
            .unwrap_or(typed);
        if let Some(label) = self.label(code) {
            return Some(Hit {
                code: code.to_owned(),
                label: label.to_owned(),
                matched: None,
            });
        }
        if let Some(hit) = self.exact(typed) {
            return Some(hit);
        }
        best(self.scored_complete(typed, 0), 1)
            .into_iter()
            .find(|s| s.rank.exact)
            .map(|s| s.hit)
    }

    /// Best matches for what was typed, best first.
    pub fn search(&self, typed: &str, limit: usize) -> Vec<Hit> {
        best(self.scored(typed, 0), limit)
            .into_iter()
            .map(|s| s.hit)
            .collect()
    }

    /// Every match with its rank (unsorted); `priority` is copied into the ranks. The
    /// last word may be one still being typed (it matches as a prefix).
    pub fn scored(&self, typed: &str, priority: u8) -> Vec<Scored> {
        self.scored_inner(typed, priority, true)
    }

    /// Like [`Catalog::scored`] for text sent as complete (a form submitted): a short
    /// last word is a word, not the start of one ("… Qx a" does not match "albañil").
    pub fn scored_complete(&self, typed: &str, priority: u8) -> Vec<Scored> {
        self.scored_inner(typed, priority, false)
    }

    fn scored_inner(&self, typed: &str, priority: u8, typing: bool) -> Vec<Scored> {
        let folded = fold(typed);
        let words = crate::text::bounded_words(folded.split(' '));
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        if words.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for (i, e) in self.entries.iter().enumerate() {
            let mut best: Option<(Rank, usize)> = None;
            for (j, label) in e.labels.iter().enumerate() {
                let mut total = 0;
                let mut exact = true;
                for (n, w) in words.iter().enumerate() {
                    let last = typing && n + 1 == words.len();
                    let s = label
                        .iter()
                        .map(|lw| word_score(w, lw, last))
                        .max()
                        .unwrap_or(0);
                    if s == 0 {
                        total = 0;
                        break;
                    }
                    exact &= s >= 2;
                    total += s;
                }
                if total == 0 {
                    continue;
                }
                // The preferred label and shorter labels rank first on equal matches.
                let rank = Rank {
                    exact,
                    score: total,
                    priority,
                    preferred: j == 0,
                    shortness: std::cmp::Reverse(label.len()),
                };
                if best.as_ref().is_none_or(|(b, _)| rank > *b) {
                    best = Some((rank, j));
                }
            }
            if let Some((rank, j)) = best {
                out.push(Scored {
                    rank,
                    hit: self.hit(i, j),
                    label_index: j,
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        Catalog::new([
            (
                "7112.1".into(),
                "albañil".into(),
                vec!["constructor de paredes".into()],
            ),
            (
                "9333.1".into(),
                "operario de carga y descarga".into(),
                vec!["estibador".into()],
            ),
            (
                "5120.1".into(),
                "cocinero".into(),
                vec!["cocinera".into(), "chef de cocina".into()],
            ),
            ("7411.1".into(), "electricista de obra".into(), vec![]),
        ])
    }

    #[test]
    fn accents_typos_order_and_prefixes_are_tolerated() {
        let c = catalog();
        assert_eq!(c.search("albanil", 5)[0].code, "7112.1");
        assert_eq!(c.search("albanyl", 5)[0].code, "7112.1");
        assert_eq!(c.search("alba", 5)[0].code, "7112.1");
        assert_eq!(c.search("obra electricista", 5)[0].code, "7411.1");
        assert_eq!(c.search("elctricista", 5)[0].code, "7411.1");
    }

    #[test]
    fn alternative_labels_match_and_say_so() {
        let hits = catalog().search("estibad", 5);
        assert_eq!(hits[0].code, "9333.1");
        assert_eq!(hits[0].matched.as_deref(), Some("estibador"));
    }

    #[test]
    fn every_word_must_match() {
        assert!(catalog().search("albañil xyzw", 5).is_empty());
        assert!(catalog().search("   ", 5).is_empty());
    }
}
