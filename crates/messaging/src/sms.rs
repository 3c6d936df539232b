//! What an SMS costs before it is sent: the encoding a handset would choose (GSM-7 when
//! every character is in the GSM 03.38 alphabet, else UCS-2), its units (septets, an
//! extension character counting two; or UTF-16 code units) and its segments (160/153
//! septets, 70/67 units once concatenated, never splitting an escape sequence or a
//! surrogate pair), with an optional transliteration into GSM-7.

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

/// The GSM 03.38 default alphabet (one septet each).
const GSM_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u{1b}ÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

/// The extension table, reached by an escape (two septets each).
const GSM_EXTENSION: &str = "\u{0c}^{}\\[~]|€";

/// Septets per segment: alone, and in a concatenated message (its header takes 7).
const GSM_SINGLE: usize = 160;
const GSM_PART: usize = 153;
/// UTF-16 code units per segment: alone, and concatenated.
const UCS2_SINGLE: usize = 70;
const UCS2_PART: usize = 67;

/// Text in the GSM 03.38 default alphabet, one septet a byte (how an SMSC hands over
/// a message people send): an escape reads the extension table; a byte outside the
/// alphabet becomes U+FFFD.
pub fn from_gsm7_unpacked(bytes: &[u8]) -> String {
    const EXTENSION_CODES: [(u8, char); 10] = [
        (0x0A, '\u{0c}'),
        (0x14, '^'),
        (0x28, '{'),
        (0x29, '}'),
        (0x2F, '\\'),
        (0x3C, '['),
        (0x3D, '~'),
        (0x3E, ']'),
        (0x40, '|'),
        (0x65, '€'),
    ];
    let basic: Vec<char> = GSM_BASIC.chars().collect();
    let mut out = String::with_capacity(bytes.len());
    let mut escaped = false;
    for &b in bytes {
        if escaped {
            escaped = false;
            out.push(
                EXTENSION_CODES
                    .iter()
                    .find(|(code, _)| *code == b)
                    .map_or(' ', |(_, c)| *c),
            );
        } else if b == 0x1B {
            escaped = true;
        } else {
            out.push(basic.get(usize::from(b)).copied().unwrap_or('\u{FFFD}'));
        }
    }
    out
}

/// The longest text the preview and the templates take (a handset stops well before).
pub const MAX_CHARS: usize = 1_600;

/// How the text travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub enum Encoding {
    /// The GSM 03.38 7-bit alphabet.
    #[serde(rename = "GSM-7")]
    Gsm7,
    /// UTF-16 (UCS-2 on the air).
    #[serde(rename = "UCS-2")]
    Ucs2,
}

impl Encoding {
    /// The name the API and the screens use.
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Gsm7 => "GSM-7",
            Encoding::Ucs2 => "UCS-2",
        }
    }
}

/// What an SMS takes on the air.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SmsCount {
    /// GSM-7 or UCS-2.
    pub encoding: Encoding,
    /// Septets (GSM-7) or UTF-16 code units (UCS-2).
    pub units: usize,
    /// Segments a handset would count.
    pub segments: usize,
    /// The text as sent (transliterated when asked).
    pub text: String,
    /// Characters the transliteration had no plain form for, each sent as `?` (at most
    /// 20, in order of appearance).
    pub replaced: Vec<String>,
}

/// Septets a character takes in GSM-7, or `None` when it is not in the alphabet.
pub fn gsm_septets(c: char) -> Option<usize> {
    if c != '\u{1b}' && GSM_BASIC.contains(c) {
        Some(1)
    } else if GSM_EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// Counts `text` as a handset would, after transliterating it into GSM-7 when asked.
pub fn count(text: &str, transliterate: bool) -> SmsCount {
    let mut replaced = Vec::new();
    let text = if transliterate {
        gsm7_noting(text, &mut replaced)
    } else {
        text.to_owned()
    };
    let septets: Option<Vec<usize>> = text.chars().map(gsm_septets).collect();
    let (encoding, costs, single, part) = match septets {
        Some(costs) => (Encoding::Gsm7, costs, GSM_SINGLE, GSM_PART),
        None => (
            Encoding::Ucs2,
            text.chars().map(char::len_utf16).collect(),
            UCS2_SINGLE,
            UCS2_PART,
        ),
    };
    let units = costs.iter().sum();
    SmsCount {
        encoding,
        units,
        segments: segments(&costs, units, single, part),
        text,
        replaced: replaced.into_iter().map(String::from).collect(),
    }
}

/// Segments for characters of these costs: one when the whole fits, else parts filled
/// greedily, a character that does not fit whole starting the next part.
fn segments(costs: &[usize], units: usize, single: usize, part: usize) -> usize {
    if units == 0 {
        return 0;
    }
    if units <= single {
        return 1;
    }
    let (mut parts, mut used) = (1, 0);
    for &c in costs {
        if used + c > part {
            parts += 1;
            used = 0;
        }
        used += c;
    }
    parts
}

/// The nearest GSM-7 text: characters of the alphabet stay (é, ñ, ü, ¿, ¡ among them),
/// accents the alphabet lacks are dropped (á → a, Ó → O), typographic punctuation
/// becomes its plain form, and what has no plain form becomes `?`.
pub fn to_gsm7(text: &str) -> String {
    gsm7_noting(text, &mut Vec::new())
}

/// `to_gsm7`, noting in `replaced` the characters that became `?` (each once, up to 20).
fn gsm7_noting(text: &str, replaced: &mut Vec<char>) -> String {
    let mut out = String::with_capacity(text.len());
    // Composed first: "o" followed by a combining acute is "ó", which has a plain form.
    for c in text.nfc() {
        if gsm_septets(c).is_some() {
            out.push(c);
            continue;
        }
        match c {
            '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{2032}' | '`' | '´' => out.push('\''),
            '\u{201c}' | '\u{201d}' | '\u{201e}' | '«' | '»' | '\u{2033}' => out.push('"'),
            '\u{2013}' | '\u{2014}' | '\u{2012}' | '\u{2212}' | '\u{2010}' => out.push('-'),
            '\u{2026}' => out.push_str("..."),
            '\u{a0}' | '\u{2007}' | '\u{202f}' | '\t' => out.push(' '),
            'º' | '°' => out.push('o'),
            'ª' => out.push('a'),
            'ç' => out.push('Ç'),
            // Invisible parts of what came before (a mark left alone, an emoji's
            // variation selector, skin tone or joiner): dropped, not a "?" each.
            c if unicode_normalization::char::is_combining_mark(c)
                || ('\u{fe00}'..='\u{fe0f}').contains(&c)
                || ('\u{1f3fb}'..='\u{1f3ff}').contains(&c)
                || c == '\u{200d}' => {}
            _ => {
                let base: String = c
                    .to_string()
                    .nfd()
                    .filter(|d| !unicode_normalization::char::is_combining_mark(*d))
                    .collect();
                if !base.is_empty() && base.chars().all(|b| gsm_septets(b).is_some()) {
                    out.push_str(&base);
                } else {
                    out.push('?');
                    if replaced.len() < 20 && !replaced.contains(&c) {
                        replaced.push(c);
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(text: &str) -> (Encoding, usize, usize) {
        let r = count(text, false);
        (r.encoding, r.units, r.segments)
    }

    #[test]
    fn encodings_units_and_segments_as_a_handset_counts_them() {
        use Encoding::{Gsm7, Ucs2};
        let a = |n: usize| "a".repeat(n);
        let cases: Vec<(String, (Encoding, usize, usize))> = vec![
            (String::new(), (Gsm7, 0, 0)),
            ("Hola Juan, tu turno es el lunes".into(), (Gsm7, 31, 1)),
            // é, ñ, ü, ¿ and ¡ are in the alphabet; á, í, ó, ú are not.
            ("¿Qué tal, Ñoño? ¡Pingüino!".into(), (Gsm7, 26, 1)),
            ("Sesión".into(), (Ucs2, 6, 1)),
            // Extension characters take two septets.
            ("€ [ ] { } ~ ^ | \\".into(), (Gsm7, 26, 1)),
            (a(160), (Gsm7, 160, 1)),
            (a(161), (Gsm7, 161, 2)),
            (a(306), (Gsm7, 306, 2)),
            (a(307), (Gsm7, 307, 3)),
            // 152 septets then an escape: the pair does not fit in part one and moves.
            (format!("{}€", a(152)) + &a(10), (Gsm7, 164, 2)),
            (format!("{}€{}", a(152), a(152)), (Gsm7, 306, 3)),
            (format!("á{}", a(69)), (Ucs2, 70, 1)),
            (format!("á{}", a(70)), (Ucs2, 71, 2)),
            (format!("á{}", a(133)), (Ucs2, 134, 2)),
            (format!("á{}", a(134)), (Ucs2, 135, 3)),
            // A surrogate pair is two units and never split: 66 units, then 😀 moves on.
            (format!("á{}😀", a(65)) + &a(10), (Ucs2, 78, 2)),
            (format!("á{}😀{}", a(65), a(66)), (Ucs2, 134, 3)),
        ];
        for (text, want) in &cases {
            assert_eq!(c(text), *want, "{text:?}");
        }
    }

    #[test]
    fn transliteration_keeps_gsm_letters_and_drops_other_accents() {
        let r = count(
            "Sesión informativa: “Empleo joven” – día 3º, ¿venís? Ç ç",
            true,
        );
        assert_eq!(r.encoding, Encoding::Gsm7);
        assert_eq!(
            r.text,
            "Sesion informativa: \"Empleo joven\" - dia 3o, ¿venis? Ç Ç"
        );
        assert_eq!(to_gsm7("ÁÉÍÓÚ áéíóú ñÑü"), "AÉIOU aéiou ñÑü");
        assert_eq!(to_gsm7("漢字 ok"), "?? ok");
        let r = count("Hola 😀 ¡ya! 😀 漢", true);
        assert_eq!(r.text, "Hola ? ¡ya! ? ?");
        assert_eq!(r.replaced, ["😀", "漢"]);
        assert_eq!(r.encoding, Encoding::Gsm7);
        assert!(count("Hola 😀", false).replaced.is_empty());
        // Decomposed accents and an emoji's invisible parts.
        assert_eq!(to_gsm7("Sesio\u{301}n"), "Sesion");
        let r = count("Bien 👋🏽 ❤\u{fe0f} 👨\u{200d}👩", true);
        assert_eq!(r.text, "Bien ? ? ??");
        assert_eq!(r.replaced, ["👋", "❤", "👨", "👩"]);
        // Without transliteration the text goes as written.
        assert_eq!(count("día", false).text, "día");
    }

    proptest::proptest! {
        #[test]
        fn transliterated_text_is_always_gsm7(text in "\\PC{0,200}") {
            let r = count(&text, true);
            proptest::prop_assert_eq!(r.encoding, Encoding::Gsm7);
            // What became "?" is named, and came from the text.
            let composed: String = text.nfc().collect();
            proptest::prop_assert!(r.replaced.iter().all(|c| composed.contains(c.as_str())));
            proptest::prop_assert!(r.replaced.len() <= r.text.matches('?').count());
        }

        #[test]
        fn segments_hold_every_unit(text in "\\PC{0,400}") {
            let r = count(&text, false);
            let (single, part) = match r.encoding {
                Encoding::Gsm7 => (GSM_SINGLE, GSM_PART),
                Encoding::Ucs2 => (UCS2_SINGLE, UCS2_PART),
            };
            if r.units <= single {
                proptest::prop_assert_eq!(r.segments, usize::from(r.units > 0));
            } else {
                // Enough parts for every unit, and at most one more than a perfect fill.
                proptest::prop_assert!(r.segments * part >= r.units);
                proptest::prop_assert!(r.segments <= r.units.div_ceil(part) + r.units / part);
            }
        }
    }
}
