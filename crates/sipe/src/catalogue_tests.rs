//! The UI catalogues of every crate: complete in both languages, each key defined once,
//! and each module using only its own keys and the platform's.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use sipe_platform::i18n::{Lang, Messages, registered};

fn keys(source: &str) -> BTreeSet<String> {
    source
        .lines()
        .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_owned()))
        .filter(|k| !k.is_empty() && !k.starts_with('#') && !k.starts_with(' '))
        .collect()
}

fn catalogues() -> Vec<&'static Messages> {
    // Collecting the modules registers their catalogues.
    let _ = crate::startup::modules();
    registered()
}

#[test]
fn every_catalogue_has_the_same_keys_in_both_languages() {
    let all = catalogues();
    assert!(all.len() >= 3, "platform, persons and intermediation");
    for m in all {
        let (es, en) = (keys(m.es_ar), keys(m.en));
        let missing_en: Vec<_> = es.difference(&en).collect();
        let missing_es: Vec<_> = en.difference(&es).collect();
        assert!(
            missing_en.is_empty(),
            "{}: missing in en: {missing_en:?}",
            m.owner
        );
        assert!(
            missing_es.is_empty(),
            "{}: missing in es-AR: {missing_es:?}",
            m.owner
        );
    }
}

#[test]
fn no_key_is_defined_by_two_catalogues() {
    let mut owner: BTreeMap<String, &str> = BTreeMap::new();
    for m in catalogues() {
        for k in keys(m.es_ar) {
            if let Some(other) = owner.insert(k.clone(), m.owner) {
                panic!("{k} is defined by {other} and by {}", m.owner);
            }
        }
    }
    assert!(owner.len() > 500, "{} keys", owner.len());
}

#[test]
fn texts_resolve_in_both_languages_with_arguments() {
    let _ = catalogues();
    assert_eq!(Lang::EsAr.t("nav-offices"), "Oficinas");
    assert_eq!(Lang::En.t("nav-offices"), "Offices");
    assert_eq!(
        Lang::EsAr.t_args("pager-total", &[("count", "3".into())]),
        "3 resultados"
    );
    // A module's key, once its catalogue is registered.
    assert_eq!(Lang::En.t("nav-vacancies"), "Vacancies");
    assert!(!Lang::En.has("no-such-key"));
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// The keys a source text uses literally: `t("key")`, `t1("key"`, `t_args("key"`, and
/// field errors `add("field", "key")` / `FieldErrors::one("field", "key")`.
fn used_keys(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let plain = |k: &str| !k.is_empty() && !k.contains(' ') && !k.contains('{');
    for marker in [".t(\"", ".t1(\"", ".t_args(\""] {
        for part in text.split(marker).skip(1) {
            let key = part.split('"').next().unwrap_or_default();
            if plain(key) {
                out.push(key.to_owned());
            }
        }
    }
    // The form field builder: `f.text("name", "key"`, `f.input("tel", "name", "key"`,
    // and its `.hint("key")` / `.blank("key")`.
    for (marker, skip) in [
        ("f.text(\"", 1),
        ("f.date(\"", 1),
        ("f.textarea(\"", 1),
        ("f.checkbox(\"", 1),
        ("f.select(\"", 1),
        ("f.codes(\"", 1),
        ("f.input(\"", 2),
        (".hint(\"", 0),
        (".blank(\"", 0),
    ] {
        for part in text.split(marker).skip(1) {
            let key = part
                .split("\", \"")
                .nth(skip)
                .and_then(|k| k.split('"').next())
                .unwrap_or_default();
            if plain(key) {
                out.push(key.to_owned());
            }
        }
    }
    for marker in [".add(\"", "::one(\""] {
        for part in text.split(marker).skip(1) {
            let Some((field, rest)) = part.split_once("\", \"") else {
                continue;
            };
            if !field.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
                continue;
            }
            let key = rest.split('"').next().unwrap_or_default();
            if plain(key) {
                out.push(key.to_owned());
            }
        }
    }
    out
}

/// Each crate's code and templates use keys of its own catalogue or the platform's,
/// never another module's; and every key used exists in both languages.
#[test]
fn each_module_uses_its_own_keys_and_the_platforms() {
    let all = catalogues();
    let defined = |owner: &str| -> BTreeSet<String> {
        all.iter()
            .filter(|m| m.owner == owner)
            .flat_map(|m| keys(m.es_ar))
            .collect()
    };
    let platform = defined("platform");
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut checked = 0;
    for (krate, owner) in [
        ("platform", "platform"),
        ("persons", "persons"),
        ("intermediation", "intermediation"),
        ("messaging", "messaging"),
        ("sipe", "platform"),
    ] {
        let own = defined(owner);
        let mut paths = Vec::new();
        files(&crates.join(krate).join("src"), &mut paths);
        files(&crates.join(krate).join("templates"), &mut paths);
        // This file names keys on purpose.
        paths.retain(|p| !p.ends_with("catalogue_tests.rs"));
        for path in paths {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for key in used_keys(&text) {
                checked += 1;
                assert!(
                    own.contains(&key) || platform.contains(&key),
                    "{}: uses {key}, which neither {krate} nor the platform defines \
                     (another module's key, or a missing one)",
                    path.display()
                );
                assert!(
                    Lang::EsAr.has(&key) && Lang::En.has(&key),
                    "{}: {key} missing in a language",
                    path.display()
                );
            }
        }
    }
    assert!(checked > 300, "expected to find many keys, found {checked}");
}
