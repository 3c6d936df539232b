//! Countries (ISO 3166-1 alpha-2) with their Spanish and English names, compiled in from
//! `reference/countries/countries.csv` (Debian iso-codes, LGPL 2.1+), for nationality
//! fields: a searchable list instead of a two-letter box.

use std::sync::OnceLock;

use crate::i18n::Lang;
use crate::text::fold;

const COUNTRIES_CSV: &str = include_str!("../reference/countries/countries.csv");

/// One country.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Country {
    /// ISO 3166-1 alpha-2 (`AR`).
    pub code: String,
    /// Spanish name.
    pub es: String,
    /// English name.
    pub en: String,
}

impl Country {
    /// The name in a language.
    pub fn name(&self, lang: impl std::borrow::Borrow<Lang>) -> &str {
        if *lang.borrow() == Lang::En {
            &self.en
        } else {
            &self.es
        }
    }

    /// How a form shows it: `Argentina (AR)`.
    pub fn label(&self, lang: impl std::borrow::Borrow<Lang>) -> String {
        format!("{} ({})", self.name(lang), self.code)
    }
}

/// Every country, by code.
pub fn all() -> &'static [Country] {
    static ALL: OnceLock<Vec<Country>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut reader = csv::Reader::from_reader(COUNTRIES_CSV.as_bytes());
        reader
            .records()
            .filter_map(Result::ok)
            .map(|r| Country {
                code: r[0].to_owned(),
                es: r[1].to_owned(),
                en: r[2].to_owned(),
            })
            .collect()
    })
}

/// A country by code.
pub fn by_code(code: &str) -> Option<&'static Country> {
    all().iter().find(|c| c.code == code)
}

/// What a nationality field sent: a code (`ar`), `Name (AR)` as the list writes it, or a
/// name in Spanish or English ignoring accents and case (`peru`, "Bolivia").
pub fn resolve(typed: &str) -> Option<&'static Country> {
    let typed = typed.trim();
    let code = typed
        .strip_suffix(')')
        .and_then(|s| s.rsplit_once('('))
        .map_or(typed, |(_, c)| c.trim());
    if code.len() == 2
        && let Some(c) = by_code(&code.to_uppercase())
    {
        return Some(c);
    }
    let folded = fold(typed);
    // "Bolivia, Estado plurinacional de" is found as "Bolivia" too.
    let short = |name: &str| fold(name.split(',').next().unwrap_or(name));
    all().iter().find(|c| {
        fold(&c.es) == folded
            || fold(&c.en) == folded
            || short(&c.es) == folded
            || short(&c.en) == folded
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_resolve_from_codes_labels_and_names() {
        assert_eq!(all().len(), 249);
        for typed in ["AR", "ar", "Argentina (AR)", "argentina"] {
            assert_eq!(
                resolve(typed).map(|c| c.code.as_str()),
                Some("AR"),
                "{typed}"
            );
        }
        assert_eq!(resolve("peru").unwrap().code, "PE");
        assert_eq!(resolve("Bolivia").unwrap().code, "BO");
        assert_eq!(
            resolve("Paraguay").unwrap().label(Lang::EsAr),
            "Paraguay (PY)"
        );
        assert!(resolve("Narnia").is_none());
        assert!(resolve("XX").is_none());
    }
}
