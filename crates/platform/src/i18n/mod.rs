//! UI texts from the Fluent catalogues in `locales/`: `es-AR` first, `en` second.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "es-AR",
        // Unicode isolation marks around arguments would end up in HTML attributes.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// A supported UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Spanish (Argentina), the default.
    #[default]
    EsAr,
    /// English.
    En,
}

const ES_AR_SOURCE: &str = include_str!("../../locales/es-AR/main.ftl");
const EN_SOURCE: &str = include_str!("../../locales/en/main.ftl");

/// Every message of a catalogue that formats without arguments.
fn preformat(lang: &LanguageIdentifier, source: &str) -> HashMap<String, String> {
    source
        .lines()
        .filter_map(|line| line.split_once(" = "))
        .filter(|(key, value)| !key.starts_with('#') && !value.contains('{'))
        .filter_map(|(key, _)| Some((key.to_owned(), LOCALES.try_lookup(lang, key)?)))
        .collect()
}

static ES_AR_TEXTS: std::sync::LazyLock<HashMap<String, String>> =
    std::sync::LazyLock::new(|| preformat(&ES_AR, ES_AR_SOURCE));
static EN_TEXTS: std::sync::LazyLock<HashMap<String, String>> =
    std::sync::LazyLock::new(|| preformat(&EN, EN_SOURCE));

static ES_AR: LanguageIdentifier = langid!("es-AR");
static EN: LanguageIdentifier = langid!("en");

impl Lang {
    /// Parses a cookie or query value; unknown values give `None`.
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "es-AR" | "es" => Some(Lang::EsAr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// BCP 47 tag for `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::EsAr => "es-AR",
            Lang::En => "en",
        }
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::EsAr => &ES_AR,
            Lang::En => &EN,
        }
    }

    /// The text for `key`; the key itself when missing (a test checks none is missing).
    /// Texts without arguments are formatted once and then served from memory.
    pub fn t(self, key: &str) -> Cow<'static, str> {
        let table = match self {
            Lang::EsAr => &*ES_AR_TEXTS,
            Lang::En => &*EN_TEXTS,
        };
        match table.get(key) {
            Some(text) => Cow::Borrowed(text.as_str()),
            None => Cow::Owned(
                LOCALES
                    .try_lookup(self.id(), key)
                    .unwrap_or_else(|| key.to_owned()),
            ),
        }
    }

    /// The text for `key` with named arguments.
    pub fn t_args(self, key: &str, args: &[(&str, String)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue<'_>> = args
            .iter()
            .map(|(k, v)| (Cow::Owned((*k).to_owned()), FluentValue::from(v.clone())))
            .collect();
        LOCALES
            .try_lookup_with_args(self.id(), key, &map)
            .unwrap_or_else(|| key.to_owned())
    }

    /// Does the catalogue of this language define `key`?
    pub fn has(self, key: &str) -> bool {
        let source = match self {
            Lang::EsAr => ES_AR_SOURCE,
            Lang::En => EN_SOURCE,
        };
        source.lines().any(|line| {
            line.strip_prefix(key)
                .is_some_and(|rest| rest.starts_with(" ="))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(source: &str) -> Vec<String> {
        source
            .lines()
            .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_owned()))
            .filter(|k| !k.is_empty() && !k.starts_with('#') && !k.starts_with(' '))
            .collect()
    }

    #[test]
    fn both_catalogues_have_the_same_keys() {
        let es = keys(include_str!("../../locales/es-AR/main.ftl"));
        let en = keys(include_str!("../../locales/en/main.ftl"));
        for k in &es {
            assert!(en.contains(k), "missing in en: {k}");
        }
        for k in &en {
            assert!(es.contains(k), "missing in es-AR: {k}");
        }
    }

    #[test]
    fn texts_resolve_in_both_languages() {
        assert_eq!(Lang::EsAr.t("nav-offices"), "Oficinas");
        assert_eq!(Lang::En.t("nav-offices"), "Offices");
        assert_eq!(
            Lang::EsAr.t_args("pager-total", &[("count", "3".into())]),
            "3 resultados"
        );
    }

    fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                files(&path, out);
            } else {
                out.push(path);
            }
        }
    }

    #[test]
    fn every_key_used_in_code_and_templates_exists() {
        // Every crate of the workspace: the catalogue serves all modules.
        let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut paths = Vec::new();
        for krate in std::fs::read_dir(&crates).into_iter().flatten().flatten() {
            files(&krate.path().join("src"), &mut paths);
            files(&krate.path().join("templates"), &mut paths);
        }
        let mut checked = 0;
        for path in paths {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            // Keys appear as t("key"), t_args("key", ...) and "key" constants ending in _key.
            for marker in [".t(\"", ".t1(\"", ".t_args(\""] {
                for part in text.split(marker).skip(1) {
                    let key = part.split('"').next().unwrap_or_default();
                    if key.is_empty() || key.contains(' ') || key.contains('{') {
                        continue;
                    }
                    checked += 1;
                    assert!(
                        Lang::EsAr.has(key),
                        "{}: missing es-AR key {key}",
                        path.display()
                    );
                    assert!(
                        Lang::En.has(key),
                        "{}: missing en key {key}",
                        path.display()
                    );
                }
            }
            // Field errors: `add` and `FieldErrors::one` calls with a field name and a key.
            for marker in [".add(\"", "::one(\""] {
                for part in text.split(marker).skip(1) {
                    let Some((field, rest)) = part.split_once("\", \"") else {
                        continue;
                    };
                    if !field.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
                        continue;
                    }
                    let key = rest.split('"').next().unwrap_or_default();
                    if key.is_empty() || key.contains(' ') || key.contains('{') {
                        continue;
                    }
                    checked += 1;
                    assert!(
                        Lang::EsAr.has(key) && Lang::En.has(key),
                        "{}: field error key {key} missing in a catalogue",
                        path.display()
                    );
                }
            }
        }
        assert!(checked > 50, "expected to find many keys, found {checked}");
    }
}
