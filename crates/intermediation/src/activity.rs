//! Economic activities: the ISIC Rev.4 sections and divisions (Spanish titles), read once
//! from the reference file compiled into the binary. An employer's activity code is a
//! division (`10`) or a finer ISIC/CLAE code (`1072`, `107200`) read by its division.

use std::sync::LazyLock;

const DIVISIONS_CSV: &str = include_str!("../reference/isic-rev4/divisions.csv");

/// One division of ISIC Rev.4.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Division {
    /// Section letter (`C`).
    pub section: char,
    /// Two-digit code (`10`).
    pub code: String,
    /// Spanish title.
    pub title: String,
}

/// Sections (letter → title) and divisions, in code order.
struct Activities {
    sections: Vec<(char, String)>,
    divisions: Vec<Division>,
}

static ACTIVITIES: LazyLock<Activities> = LazyLock::new(|| {
    let mut reader = csv::Reader::from_reader(DIVISIONS_CSV.as_bytes());
    let mut sections = Vec::new();
    let mut divisions = Vec::new();
    for record in reader.records().flatten() {
        let section = record.get(0).and_then(|s| s.chars().next()).unwrap_or('?');
        let code = record.get(1).unwrap_or_default().to_owned();
        let title = record.get(2).unwrap_or_default().to_owned();
        if code.is_empty() {
            sections.push((section, title));
        } else {
            divisions.push(Division {
                section,
                code,
                title,
            });
        }
    }
    Activities {
        sections,
        divisions,
    }
});

/// Every division, in code order.
pub fn divisions() -> &'static [Division] {
    &ACTIVITIES.divisions
}

/// The title of a section.
pub fn section_title(letter: char) -> Option<&'static str> {
    ACTIVITIES
        .sections
        .iter()
        .find(|(l, _)| *l == letter)
        .map(|(_, t)| t.as_str())
}

/// The division an activity code belongs to: its first two digits.
pub fn division_of(code: &str) -> Option<&'static Division> {
    let prefix = code.get(..2)?;
    ACTIVITIES.divisions.iter().find(|d| d.code == prefix)
}

/// Checks an activity code: 2 to 6 digits whose first two name a division, optionally
/// followed by ` — title` as pickers show it. Returns the digits alone.
pub fn parse_code(raw: &str) -> Option<String> {
    let code = raw.split('—').next().unwrap_or_default();
    let digits: String = code
        .trim()
        .chars()
        .filter(|c| !matches!(c, '.' | ' ' | '-'))
        .collect();
    let ok = (2..=6).contains(&digits.len())
        && digits.chars().all(|c| c.is_ascii_digit())
        && division_of(&digits).is_some();
    ok.then_some(digits)
}

/// `10 — Elaboración de productos alimenticios` for a code, or the code alone when unknown.
pub fn describe(code: &str) -> String {
    match division_of(code) {
        Some(d) => format!("{code} — {}", d.title),
        None => code.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_holds_21_sections_and_88_divisions() {
        assert_eq!(ACTIVITIES.sections.len(), 21);
        assert_eq!(divisions().len(), 88);
        assert!(divisions().windows(2).all(|w| w[0].code < w[1].code));
        assert!(
            divisions()
                .iter()
                .all(|d| section_title(d.section).is_some())
        );
    }

    #[test]
    fn codes_are_read_by_their_division() {
        assert_eq!(parse_code("10"), Some("10".into()));
        assert_eq!(parse_code("107.200"), Some("107200".into()));
        assert_eq!(parse_code("47 — Comercio al por menor"), Some("47".into()));
        assert_eq!(
            division_of("107200").map(|d| d.title.as_str()),
            Some("Elaboración de productos alimenticios")
        );
        assert_eq!(division_of("01").map(|d| d.section), Some('A'));
        assert_eq!(parse_code("04"), None, "no division 04");
        assert_eq!(parse_code("1"), None);
        assert_eq!(parse_code("1072001"), None);
        assert_eq!(parse_code("1a"), None);
        assert_eq!(
            describe("84"),
            "84 — Administración pública y defensa; planes de seguridad social de afiliación obligatoria"
        );
    }
}
