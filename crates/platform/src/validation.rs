//! Field errors collected while parsing input, reported by every channel in its own way:
//! translated beside the field in forms, as `errors` in API problems, as lines on the CLI.

use crate::i18n::Lang;

/// One problem with one input field; `key` is a catalogue key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field name as the form and API call it.
    pub field: &'static str,
    /// Catalogue key of the message.
    pub key: &'static str,
}

/// Every problem found in one input.
#[derive(Debug, Clone, Default, PartialEq, Eq, thiserror::Error)]
#[error("invalid input: {}", self.describe(Lang::En))]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    /// No errors yet.
    pub fn new() -> Self {
        Self(Vec::new())
    }

    /// Records a problem.
    pub fn add(&mut self, field: &'static str, key: &'static str) {
        self.0.push(FieldError { field, key });
    }

    /// `Ok(())` when nothing was recorded.
    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.0.is_empty() { Ok(()) } else { Err(self) }
    }

    /// Is there any problem?
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Does the field have a problem?
    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|e| e.field == field)
    }

    /// The translated message for a field, if it has one.
    pub fn message(&self, lang: impl std::borrow::Borrow<Lang>, field: &str) -> Option<String> {
        let lang = *lang.borrow();
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| lang.t(e.key).into_owned())
    }

    /// All problems as one line: `field: message; ...`.
    pub fn describe(&self, lang: Lang) -> String {
        self.0
            .iter()
            .map(|e| format!("{}: {}", e.field, lang.t(e.key)))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// A single-error value.
    pub fn one(field: &'static str, key: &'static str) -> Self {
        Self(vec![FieldError { field, key }])
    }
}

/// Search text typed in a list's box: trimmed, and refused beyond
/// `text::MAX_SEARCH_CHARS` characters or `text::MAX_SEARCH_WORDS` words (each word
/// becomes a condition or a fuzzy query).
pub fn search_text(field: &'static str, raw: &str) -> Result<String, FieldErrors> {
    match crate::text::check_search(raw) {
        Ok(()) => Ok(raw.trim().to_owned()),
        Err(key) => Err(FieldErrors::one(field, key)),
    }
}

/// A one-line text field: cleaned (`text::clean`: NFC, no control characters), trimmed,
/// no line breaks, and checked for presence and length in characters.
pub fn text(
    errors: &mut FieldErrors,
    field: &'static str,
    raw: &str,
    required: bool,
    max: usize,
) -> String {
    let value = any_text(errors, field, raw, required, max);
    if value.contains('\n') {
        errors.add(field, "field-single-line");
    }
    value
}

/// A text field of several lines (notes, tasks, reasons): like [`text`], but line
/// breaks are kept.
pub fn multiline_text(
    errors: &mut FieldErrors,
    field: &'static str,
    raw: &str,
    required: bool,
    max: usize,
) -> String {
    any_text(errors, field, raw, required, max)
}

fn any_text(
    errors: &mut FieldErrors,
    field: &'static str,
    raw: &str,
    required: bool,
    max: usize,
) -> String {
    let value = match crate::text::clean(raw) {
        Ok(v) => v.trim().to_owned(),
        Err(e) => {
            errors.add(field, e.key());
            return String::new();
        }
    };
    if required && value.is_empty() {
        errors.add(field, "field-required");
    } else if value.chars().count() > max {
        errors.add(field, "field-too-long");
    }
    value
}

/// Earliest and latest year of any date typed into sipe: nothing it records happened
/// before 1900 or is planned after 2199, and date arithmetic near chrono's limits
/// (year ±262,143) would overflow.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2199;

/// A `YYYY-MM-DD` date within [`YEARS`], as every form, query and API body gives it.
pub fn parse_date(raw: &str) -> Option<chrono::NaiveDate> {
    use chrono::Datelike;
    chrono::NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| YEARS.contains(&d.year()))
}

/// A `YYYY-MM-DDTHH:MM` local date and time (a `datetime-local` field) within [`YEARS`].
pub fn parse_local_datetime(raw: &str) -> Option<chrono::NaiveDateTime> {
    use chrono::Datelike;
    chrono::NaiveDateTime::parse_from_str(raw.trim(), "%Y-%m-%dT%H:%M")
        .ok()
        .filter(|d| YEARS.contains(&d.year()))
}

/// A `YYYY-MM-DD` date field: `None` when empty (an error if `required`) or malformed.
pub fn date(
    errors: &mut FieldErrors,
    field: &'static str,
    raw: &str,
    required: bool,
) -> Option<chrono::NaiveDate> {
    let raw = raw.trim();
    if raw.is_empty() {
        if required {
            errors.add(field, "field-required");
        }
        return None;
    }
    let parsed = parse_date(raw);
    if parsed.is_none() {
        errors.add(field, "field-date-invalid");
    }
    parsed
}

/// A whole number as people write it (`850.000`, `850 000`): `None` when empty; an error
/// when it is not a number, negative or above `max`.
pub fn whole_number<T>(
    errors: &mut FieldErrors,
    field: &'static str,
    raw: &str,
    max: T,
) -> Option<T>
where
    T: std::str::FromStr + PartialOrd + Default,
{
    let digits: String = raw
        .trim()
        .chars()
        .filter(|c| *c != '.' && *c != ' ')
        .collect();
    if digits.is_empty() {
        return None;
    }
    match digits.parse::<T>() {
        Ok(n) if n >= T::default() && n <= max => Some(n),
        _ => {
            errors.add(field, "field-number-invalid");
            None
        }
    }
}

/// What is wrong with a phone as typed, as a catalogue key, before it is parsed:
/// characters a phone does not have (an extension or a note would be lost), or more
/// digits than any number has. `None` when it may be a phone.
pub fn phone_shape_problem(raw: &str) -> Option<&'static str> {
    let raw = raw.trim();
    if !raw
        .chars()
        .all(|c| c.is_ascii_digit() || " +-()/.".contains(c))
    {
        return Some("field-phone-chars");
    }
    (raw.chars().filter(char::is_ascii_digit).count() > 15).then_some("field-phone-too-long")
}

/// Why a phone that did not parse is wrong, as a catalogue key: its shape (see
/// [`phone_shape_problem`]), too few digits for an Argentine number (10 with the area
/// code), or digits that make no number (an unknown area code, say).
pub fn phone_problem(raw: &str) -> &'static str {
    if let Some(key) = phone_shape_problem(raw) {
        return key;
    }
    let raw = raw.trim();
    let digits = raw.chars().filter(char::is_ascii_digit).count();
    let foreign = raw.starts_with('+') && !raw.starts_with("+54");
    if digits < if foreign { 8 } else { 10 } {
        "field-phone-too-short"
    } else {
        "field-phone-invalid"
    }
}

/// A plausible e-mail address: one `@`, a dot in the domain, no spaces.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !s.chars().any(char::is_whitespace)
        && s.len() <= 254
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_shapes() {
        assert!(is_email("empleo@empleotucuman.gov.ar"));
        assert!(!is_email("empleo@"));
        assert!(!is_email("a b@c.d"));
        assert!(!is_email("a@b"));
    }

    #[test]
    fn numbers_and_dates_as_people_write_them() {
        let mut e = FieldErrors::new();
        assert_eq!(
            whole_number(&mut e, "salary", "850.000", 1_000_000_000i64),
            Some(850_000)
        );
        assert_eq!(whole_number::<i32>(&mut e, "hours", " ", 60), None);
        assert!(e.is_empty());
        assert_eq!(whole_number(&mut e, "hours", "61", 60i32), None);
        assert_eq!(whole_number(&mut e, "hours", "-1", 60i32), None);
        assert_eq!(whole_number(&mut e, "hours", "tres", 60i32), None);
        assert_eq!(date(&mut e, "from", "", true), None);
        assert_eq!(date(&mut e, "to", "2026-02-30", false), None);
        let keys: Vec<_> = e.0.iter().map(|x| x.key).collect();
        assert_eq!(
            keys,
            [
                "field-number-invalid",
                "field-number-invalid",
                "field-number-invalid",
                "field-required",
                "field-date-invalid"
            ]
        );
    }

    #[test]
    fn text_is_cleaned_and_one_line_unless_several_are_allowed() {
        let mut e = FieldErrors::new();
        assert_eq!(text(&mut e, "names", " Jose\u{301} ", true, 10), "José");
        assert!(e.is_empty());
        text(&mut e, "surnames", "Nul\u{0}l", true, 10);
        text(&mut e, "names", "dos\nlíneas", true, 20);
        assert_eq!(
            multiline_text(&mut e, "notes", "una\r\notra", false, 20),
            "una\notra"
        );
        let keys: Vec<_> = e.0.iter().map(|x| (x.field, x.key)).collect();
        assert_eq!(
            keys,
            [
                ("surnames", "field-control-chars"),
                ("names", "field-single-line")
            ]
        );
    }

    #[test]
    fn text_reports_required_and_length() {
        let mut e = FieldErrors::new();
        text(&mut e, "name", "  ", true, 10);
        text(&mut e, "code", "abcdefghijk", true, 10);
        assert_eq!(e.0.len(), 2);
        assert_eq!(e.0[0].key, "field-required");
        assert_eq!(e.0[1].key, "field-too-long");
    }
}
