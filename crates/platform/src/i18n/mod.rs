//! UI texts from the Fluent catalogues: `es-AR` first, `en` second.
//!
//! Each crate keeps its own catalogue (`locales/<lang>/<crate>.ftl`) and registers it
//! ([`register`]; the module kit does it for every module). A text is looked up across
//! every registered catalogue; a key defined twice is a mistake a test reports.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Mutex, RwLock};

use fluent_templates::fluent_bundle::concurrent::FluentBundle;
use fluent_templates::fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_templates::{LanguageIdentifier, langid};

/// One crate's catalogue, in both languages (Fluent sources, embedded at build time).
#[derive(Debug)]
pub struct Messages {
    /// Which crate's (for test reports).
    pub owner: &'static str,
    /// Spanish (Argentina).
    pub es_ar: &'static str,
    /// English.
    pub en: &'static str,
}

/// The platform's own catalogue.
pub static PLATFORM: Messages = Messages {
    owner: "platform",
    es_ar: include_str!("../../locales/es-AR/main.ftl"),
    en: include_str!("../../locales/en/main.ftl"),
};

/// A supported UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Spanish (Argentina), the default.
    #[default]
    EsAr,
    /// English.
    En,
}

/// Every message of one language.
struct Bundle {
    bundle: FluentBundle<FluentResource>,
    /// Messages without arguments, formatted once.
    plain: HashMap<String, String>,
}

impl Bundle {
    fn new(lang: LanguageIdentifier, sources: &[&'static str]) -> Self {
        let mut bundle = FluentBundle::new_concurrent(vec![lang]);
        // Unicode isolation marks around arguments would end up in HTML attributes.
        bundle.set_use_isolating(false);
        for source in sources {
            let resource = FluentResource::try_new((*source).to_owned()).unwrap_or_else(|(r, _)| r);
            // A key another catalogue already defines keeps its first text (a test
            // reports the clash).
            let _ = bundle.add_resource(resource);
        }
        let mut out = Self {
            bundle,
            plain: HashMap::new(),
        };
        let plain: HashMap<String, String> = sources
            .iter()
            .flat_map(|s| s.lines())
            .filter_map(|line| line.split_once(" = "))
            .filter(|(key, value)| !key.starts_with('#') && !value.contains('{'))
            .filter_map(|(key, _)| Some((key.to_owned(), out.format(key, None)?)))
            .collect();
        out.plain = plain;
        out
    }

    fn format(&self, key: &str, args: Option<&FluentArgs<'_>>) -> Option<String> {
        let pattern = self.bundle.get_message(key)?.value()?;
        let mut errors = Vec::new();
        Some(
            self.bundle
                .format_pattern(pattern, args, &mut errors)
                .into_owned(),
        )
    }
}

/// Both languages, from every registered catalogue.
struct Catalogue {
    es_ar: Bundle,
    en: Bundle,
}

impl Catalogue {
    fn of(registered: &[&'static Messages]) -> Self {
        let es: Vec<&'static str> = registered.iter().map(|m| m.es_ar).collect();
        let en: Vec<&'static str> = registered.iter().map(|m| m.en).collect();
        Self {
            es_ar: Bundle::new(langid!("es-AR"), &es),
            en: Bundle::new(langid!("en"), &en),
        }
    }
}

static REGISTERED: Mutex<Vec<&'static Messages>> = Mutex::new(Vec::new());

/// The current catalogue. Rebuilt (and the old one kept: texts handed out borrow from
/// it) only when a catalogue is registered, a handful of times per process.
static CURRENT: std::sync::LazyLock<RwLock<&'static Catalogue>> =
    std::sync::LazyLock::new(|| RwLock::new(Box::leak(Box::new(Catalogue::of(&[&PLATFORM])))));

/// Adds a crate's catalogue (again is a no-op).
pub fn register(messages: &'static Messages) {
    let mut registered = REGISTERED.lock().unwrap_or_else(|e| e.into_inner());
    if registered.is_empty() {
        registered.push(&PLATFORM);
    }
    if registered.iter().any(|m| std::ptr::eq(*m, messages)) {
        return;
    }
    registered.push(messages);
    let catalogue: &'static Catalogue = Box::leak(Box::new(Catalogue::of(&registered)));
    *CURRENT.write().unwrap_or_else(|e| e.into_inner()) = catalogue;
}

/// Every registered catalogue (the platform's first).
pub fn registered() -> Vec<&'static Messages> {
    let registered = REGISTERED.lock().unwrap_or_else(|e| e.into_inner());
    if registered.is_empty() {
        vec![&PLATFORM]
    } else {
        registered.clone()
    }
}

fn current() -> &'static Catalogue {
    *CURRENT.read().unwrap_or_else(|e| e.into_inner())
}

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

    fn bundle(self) -> &'static Bundle {
        let catalogue = current();
        match self {
            Lang::EsAr => &catalogue.es_ar,
            Lang::En => &catalogue.en,
        }
    }

    /// The text for `key`; the key itself when missing (a test checks none is missing).
    /// Texts without arguments are formatted once and then served from memory.
    pub fn t(self, key: &str) -> Cow<'static, str> {
        let bundle = self.bundle();
        match bundle.plain.get(key) {
            Some(text) => Cow::Borrowed(text.as_str()),
            None => Cow::Owned(bundle.format(key, None).unwrap_or_else(|| key.to_owned())),
        }
    }

    /// The text for `key` with named arguments.
    pub fn t_args(self, key: &str, args: &[(&str, String)]) -> String {
        let mut fluent = FluentArgs::new();
        for (name, value) in args {
            // A count travels as a number, so a message can choose its plural form
            // (`1 resultado`, `2 resultados`); digits with a leading zero stay text.
            let number = value
                .parse::<i64>()
                .ok()
                .filter(|_| value.len() < 16 && (value == "0" || !value.starts_with('0')));
            match number {
                Some(n) => fluent.set(*name, FluentValue::from(n)),
                None => fluent.set(*name, FluentValue::from(value.clone())),
            }
        }
        self.bundle()
            .format(key, Some(&fluent))
            .unwrap_or_else(|| key.to_owned())
    }

    /// Does the catalogue of this language define `key`?
    pub fn has(self, key: &str) -> bool {
        self.bundle().bundle.has_message(key)
    }
}
