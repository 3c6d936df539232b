//! Rules of the person record, without I/O: identity documents, CUIL, phones, names.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Kind of identity document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocumentType {
    /// Argentine national identity document (7–8 digits).
    Dni,
    /// Paraguayan identity card (cédula de identidad), 5–8 digits.
    PyCi,
    /// Passport (letters and digits).
    Passport,
    /// Any other foreign document.
    Foreign,
}

impl DocumentType {
    /// All kinds, in display order.
    pub const ALL: [DocumentType; 4] = [
        DocumentType::Dni,
        DocumentType::PyCi,
        DocumentType::Passport,
        DocumentType::Foreign,
    ];

    /// Stored identifier (also the CSV value).
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentType::Dni => "dni",
            DocumentType::PyCi => "py_ci",
            DocumentType::Passport => "passport",
            DocumentType::Foreign => "foreign",
        }
    }

    /// Parses the identifier (case-insensitive; `DNI` and `CI` accepted).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_lowercase().as_str() {
            "dni" => Some(DocumentType::Dni),
            "py_ci" | "ci" | "cedula" | "cédula" => Some(DocumentType::PyCi),
            "passport" | "pasaporte" => Some(DocumentType::Passport),
            "foreign" | "extranjero" => Some(DocumentType::Foreign),
            _ => None,
        }
    }

    /// Catalogue key of the name.
    pub fn label_key(self) -> &'static str {
        match self {
            DocumentType::Dni => "doc-dni",
            DocumentType::PyCi => "doc-py_ci",
            DocumentType::Passport => "doc-passport",
            DocumentType::Foreign => "doc-foreign",
        }
    }
}

/// Why a document number is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentError {
    /// Wrong length or characters for the document type.
    Malformed,
}

/// A document number normalised for its type: digits only for DNI and cédula (dots,
/// spaces and dashes removed), uppercase letters and digits for passports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentNumber(String);

impl DocumentNumber {
    /// Parses a number for a document type.
    pub fn parse(kind: DocumentType, raw: &str) -> Result<Self, DocumentError> {
        let cleaned: String = raw
            .chars()
            .filter(|c| !matches!(c, '.' | ' ' | '-'))
            .collect();
        let ok = match kind {
            DocumentType::Dni => {
                (7..=8).contains(&cleaned.len()) && cleaned.chars().all(|c| c.is_ascii_digit())
            }
            DocumentType::PyCi => {
                (5..=8).contains(&cleaned.len()) && cleaned.chars().all(|c| c.is_ascii_digit())
            }
            DocumentType::Passport | DocumentType::Foreign => {
                (5..=20).contains(&cleaned.len())
                    && cleaned.chars().all(|c| c.is_ascii_alphanumeric())
            }
        };
        if !ok || cleaned.trim_start_matches('0').is_empty() {
            return Err(DocumentError::Malformed);
        }
        Ok(Self(cleaned.to_uppercase()))
    }

    /// The normalised number.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Registered sex, as on the identity document (Argentina also issues `X`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum Sex {
    /// Female.
    F,
    /// Male.
    M,
    /// Non-binary (DNI marker X, Decreto 476/2021).
    X,
}

impl Sex {
    /// Parses `F`, `M` or `X`.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_uppercase().as_str() {
            "F" => Some(Sex::F),
            "M" => Some(Sex::M),
            "X" => Some(Sex::X),
            _ => None,
        }
    }

    /// Stored identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::F => "F",
            Sex::M => "M",
            Sex::X => "X",
        }
    }
}

/// A CUIL: 11 digits whose last one is the modulo-11 check digit of the first ten.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cuil(String);

/// Why a CUIL is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CuilError {
    /// Not 11 digits (after removing dashes, dots and spaces).
    Malformed,
    /// A prefix not used for people (20, 23, 24, 27).
    Prefix,
    /// The check digit does not match.
    CheckDigit,
}

const WEIGHTS: [u32; 10] = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

/// The check digit of the first ten digits, or `None` when modulo 11 gives 10 (such
/// numbers are issued with another prefix instead).
pub fn cuil_check_digit(first_ten: &[u32; 10]) -> Option<u32> {
    let sum: u32 = first_ten.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        d => Some(d),
    }
}

/// The eleven digits of a CUIL or CUIT as people write it (dashes, dots and spaces are
/// dropped), checked against the allowed two-digit `prefixes` and the check digit.
pub fn checked_tax_id(raw: &str, prefixes: &[&str]) -> Result<String, CuilError> {
    let cleaned: String = raw
        .chars()
        .filter(|c| !matches!(c, '-' | '.' | ' '))
        .collect();
    if cleaned.len() != 11 || !cleaned.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CuilError::Malformed);
    }
    if !prefixes.contains(&&cleaned[..2]) {
        return Err(CuilError::Prefix);
    }
    let digits: Vec<u32> = cleaned.chars().filter_map(|c| c.to_digit(10)).collect();
    let mut first = [0u32; 10];
    first.copy_from_slice(&digits[..10]);
    if cuil_check_digit(&first) != Some(digits[10]) {
        return Err(CuilError::CheckDigit);
    }
    Ok(cleaned)
}

impl Cuil {
    /// Parses `20-12345678-6`, `20123456786` and the like.
    pub fn parse(raw: &str) -> Result<Self, CuilError> {
        checked_tax_id(raw, &["20", "23", "24", "27"]).map(Self)
    }

    /// The CUIL that ANSES assigns from a DNI and sex: prefix 20 (male), 27 (female) or
    /// 23 (X, or when the usual prefix would need check digit 10: then 23 with digit 9
    /// for men and 4 for women, the published rule).
    pub fn from_dni(dni: &DocumentNumber, sex: Sex) -> Option<Self> {
        let number = format!("{:0>8}", dni.as_str());
        if number.len() != 8 || !number.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let with_prefix = |prefix: &str| -> Option<(String, Option<u32>)> {
            let s = format!("{prefix}{number}");
            let digits: Vec<u32> = s.chars().filter_map(|c| c.to_digit(10)).collect();
            let mut first = [0u32; 10];
            first.copy_from_slice(&digits[..10]);
            Some((s, cuil_check_digit(&first)))
        };
        let usual = match sex {
            Sex::M => "20",
            Sex::F => "27",
            Sex::X => "23",
        };
        let (base, digit) = with_prefix(usual)?;
        let cuil = match digit {
            Some(d) => format!("{base}{d}"),
            None => {
                let (base, _) = with_prefix("23")?;
                let d = if sex == Sex::F { 4 } else { 9 };
                format!("{base}{d}")
            }
        };
        Cuil::parse(&cuil).ok()
    }

    /// The eleven digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `20-12345678-6`.
    pub fn formatted(&self) -> String {
        format!("{}-{}-{}", &self.0[..2], &self.0[2..10], &self.0[10..])
    }

    /// The DNI inside the CUIL (middle eight digits, leading zeros removed).
    pub fn dni_part(&self) -> &str {
        self.0[2..10].trim_start_matches('0')
    }
}

/// A phone number normalised to E.164 (`+5493815442347`), parsed with Argentine rules
/// when no country code is given (trunk `0`, mobile `15` → `+54 9 ...`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PhoneE164(String);

/// Argentine numbers already parsed, keyed by the number as written with its last four
/// digits left out, to the E.164 text without them.
///
/// `phonenumber` takes ~20 µs per number (it hashes its regex patterns on every lookup):
/// most of an import's validation. Its Argentine metadata (area codes, the mobile `15`,
/// number lengths) never looks at a number's last four digits, and formatting keeps them
/// at the end, so numbers of the same area and exchange written alike share an entry
/// (a property test compares both paths).
static ARGENTINE_PREFIXES: std::sync::LazyLock<
    std::sync::Mutex<std::collections::HashMap<String, String>>,
> = std::sync::LazyLock::new(Default::default);

/// Entries kept before the memo starts over (a province has a few thousand exchanges).
const PREFIXES_KEPT: usize = 100_000;

impl PhoneE164 {
    /// Parses a phone as people write it.
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        let split = raw.len().checked_sub(4).filter(|&at| {
            raw.is_char_boundary(at) && raw[at..].bytes().all(|b| b.is_ascii_digit())
        });
        let Some(at) = split else {
            return Self::parse_uncached(raw);
        };
        let (head, last4) = raw.split_at(at);
        let known = ARGENTINE_PREFIXES
            .lock()
            .ok()
            .and_then(|m| m.get(head).cloned());
        if let Some(prefix) = known {
            return Some(Self(format!("{prefix}{last4}")));
        }
        let parsed = Self::parse_uncached(raw)?;
        if let Some(prefix) = parsed.0.strip_suffix(last4)
            && parsed.0.starts_with("+54")
            && let Ok(mut m) = ARGENTINE_PREFIXES.lock()
        {
            if m.len() >= PREFIXES_KEPT {
                m.clear();
            }
            m.insert(head.to_owned(), prefix.to_owned());
        }
        Some(parsed)
    }

    /// Parses with `phonenumber` alone.
    fn parse_uncached(raw: &str) -> Option<Self> {
        let number = phonenumber::parse(Some(phonenumber::country::Id::AR), raw).ok()?;
        if !number.is_valid() {
            return None;
        }
        Some(Self(
            number.format().mode(phonenumber::Mode::E164).to_string(),
        ))
    }

    /// The E.164 string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub use sipe_platform::text::fold;

/// Age in whole years on `today`.
pub fn age(birth: NaiveDate, today: NaiveDate) -> i32 {
    let mut years = today.year() - birth.year();
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years
}

/// How alike two folded full names are, 0.0–1.0, ignoring word order: the share of
/// words of the shorter name that have a close word (edit distance ≤ 1 per 4 letters)
/// in the other.
pub fn name_similarity(a: &str, b: &str) -> f64 {
    let wa: Vec<&str> = a.split_whitespace().collect();
    let wb: Vec<&str> = b.split_whitespace().collect();
    let (short, long) = if wa.len() <= wb.len() {
        (wa, wb)
    } else {
        (wb, wa)
    };
    if short.is_empty() {
        return 0.0;
    }
    let close = short
        .iter()
        .filter(|w| {
            long.iter().any(|v| {
                sipe_platform::text::levenshtein(w, v)
                    <= (w.len().max(v.len()) / 4).max(if w.len() > 3 { 1 } else { 0 })
            })
        })
        .count();
    close as f64 / short.len() as f64
}

/// Is this the shape of a department code (`AR-90084`)? Whether it exists is asked of
/// the territory store.
pub fn is_department_code(code: &str) -> bool {
    code.strip_prefix("AR-")
        .is_some_and(|d| d.len() == 5 && d.bytes().all(|b| b.is_ascii_digit()))
}

/// A province code of the wrong shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadProvinceCode;

/// A province code as typed (`AR-90`, `90`, empty) as stored (`AR-90`); an error when it
/// has another shape. Whether it exists is asked of the territory store.
pub fn province_code(raw: &str) -> Result<Option<String>, BadProvinceCode> {
    let raw = raw.trim().to_uppercase();
    let digits = raw.strip_prefix("AR-").unwrap_or(&raw);
    match digits.len() {
        0 if raw.is_empty() => Ok(None),
        2 if digits.bytes().all(|b| b.is_ascii_digit()) => Ok(Some(format!("AR-{digits}"))),
        _ => Err(BadProvinceCode),
    }
}

/// ISO 3166-1 alpha-2 codes of the countries a nationality may name.
const COUNTRY_CODES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG \
BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX \
CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN \
GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI \
KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ \
MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR \
PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC \
TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT \
ZA ZM ZW";

/// Is this an ISO 3166-1 alpha-2 country code?
pub fn is_country_code(code: &str) -> bool {
    code.len() == 2 && COUNTRY_CODES.split_whitespace().any(|c| c == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn territory_and_country_codes_have_their_shapes() {
        assert!(is_department_code("AR-90084"));
        assert!(!is_department_code("AR-9008") && !is_department_code("90084"));
        assert_eq!(province_code("90"), Ok(Some("AR-90".into())));
        assert_eq!(province_code(" ar-90 "), Ok(Some("AR-90".into())));
        assert_eq!(province_code(""), Ok(None));
        assert_eq!(province_code("999"), Err(BadProvinceCode));
        assert_eq!(COUNTRY_CODES.split_whitespace().count(), 249);
        assert!(is_country_code("PY") && is_country_code("AR"));
        assert!(!is_country_code("ZZ") && !is_country_code("AR "));
    }
    use proptest::prelude::*;

    #[test]
    fn known_cuils_validate() {
        assert!(Cuil::parse("20-12345678-6").is_ok());
        assert!(Cuil::parse("27-12345678-0").is_ok());
        assert_eq!(Cuil::parse("20-12345678-5"), Err(CuilError::CheckDigit));
        assert_eq!(Cuil::parse("30-12345678-1"), Err(CuilError::Prefix));
        assert_eq!(Cuil::parse("20-1234"), Err(CuilError::Malformed));
    }

    #[test]
    fn cuil_is_offered_from_dni_and_sex() {
        let dni = DocumentNumber::parse(DocumentType::Dni, "12.345.678").unwrap();
        assert_eq!(
            Cuil::from_dni(&dni, Sex::M).unwrap().formatted(),
            "20-12345678-6"
        );
        assert_eq!(
            Cuil::from_dni(&dni, Sex::F).unwrap().formatted(),
            "27-12345678-0"
        );
        assert_eq!(Cuil::from_dni(&dni, Sex::M).unwrap().dni_part(), "12345678");
    }

    #[test]
    fn document_numbers_are_normalised_and_checked() {
        assert_eq!(
            DocumentNumber::parse(DocumentType::Dni, "30.123.456")
                .unwrap()
                .as_str(),
            "30123456"
        );
        assert!(DocumentNumber::parse(DocumentType::Dni, "123").is_err());
        assert!(DocumentNumber::parse(DocumentType::Dni, "12a45678").is_err());
        assert!(DocumentNumber::parse(DocumentType::PyCi, "1234567").is_ok());
        assert_eq!(
            DocumentNumber::parse(DocumentType::Passport, "aab 123456")
                .unwrap()
                .as_str(),
            "AAB123456"
        );
        assert!(DocumentNumber::parse(DocumentType::Dni, "00000000").is_err());
    }

    #[test]
    fn argentine_phones_become_e164() {
        assert_eq!(
            PhoneE164::parse("0381 15-544-2347").unwrap().as_str(),
            "+5493815442347"
        );
        assert_eq!(
            PhoneE164::parse("+54 9 381 544-2347").unwrap().as_str(),
            "+5493815442347"
        );
        assert_eq!(
            PhoneE164::parse("(0381) 422-8420").unwrap().as_str(),
            "+543814228420"
        );
        assert!(PhoneE164::parse("12").is_none());
        assert!(PhoneE164::parse("llamame").is_none());
    }

    #[test]
    fn folding_removes_accents_case_and_punctuation() {
        assert_eq!(fold("  Juan  GONZÁLEZ-Núñez "), "juan gonzalez nunez");
        assert_eq!(fold("De la Peña, María"), "de la pena maria");
    }

    #[test]
    fn similar_names_in_any_order_match() {
        assert_eq!(name_similarity("gonzalez juan", "juan gonzales"), 1.0);
        assert!(name_similarity("perez maria", "gomez carlos") < 0.5);
    }

    #[test]
    fn age_counts_whole_years() {
        let b = NaiveDate::from_ymd_opt(2000, 6, 15).unwrap();
        assert_eq!(age(b, NaiveDate::from_ymd_opt(2026, 6, 14).unwrap()), 25);
        assert_eq!(age(b, NaiveDate::from_ymd_opt(2026, 6, 15).unwrap()), 26);
    }

    proptest! {
        #[test]
        fn a_cuil_built_from_any_dni_validates_and_keeps_the_dni(n in 1_000_000u32..99_999_999, female in any::<bool>()) {
            let dni = DocumentNumber::parse(DocumentType::Dni, &n.to_string()).unwrap();
            let sex = if female { Sex::F } else { Sex::M };
            let cuil = Cuil::from_dni(&dni, sex).unwrap();
            prop_assert!(Cuil::parse(cuil.as_str()).is_ok());
            prop_assert_eq!(cuil.dni_part(), n.to_string());
        }

        #[test]
        fn changing_any_one_digit_breaks_the_check(n in 1_000_000u32..99_999_999, pos in 2usize..11, delta in 1u32..10) {
            let dni = DocumentNumber::parse(DocumentType::Dni, &n.to_string()).unwrap();
            let cuil = Cuil::from_dni(&dni, Sex::M).unwrap();
            let mut digits: Vec<u32> = cuil.as_str().chars().filter_map(|c| c.to_digit(10)).collect();
            digits[pos] = (digits[pos] + delta) % 10;
            let tampered: String = digits.iter().map(|d| char::from_digit(*d, 10).unwrap()).collect();
            prop_assert!(Cuil::parse(&tampered).is_err());
        }

        #[test]
        fn cuil_parsing_never_panics(s in "\\PC{0,20}") {
            let _ = Cuil::parse(&s);
        }

        /// The memo of Argentine prefixes answers exactly what `phonenumber` answers:
        /// a number parsed after another of the same area and exchange, written alike.
        #[test]
        fn memoised_phones_parse_as_phonenumber_does(
            area in prop::sample::select(vec!["11", "351", "381", "3863", "3865", "2966", "221", "999", "0"]),
            style in 0usize..6,
            extra in 0usize..3,
            exchange in 0u32..100_000,
            first in 0u32..10_000,
            second in 0u32..10_000,
        ) {
            // Subscriber digits before the last four: right for the area, or off by `extra`.
            let width = (6usize + extra).saturating_sub(area.len()).max(1);
            let exchange = format!("{:0width$}", exchange % 10u32.pow(width as u32));
            let written = |last: u32| match style {
                0 => format!("0{area} 15-{exchange}-{last:04}"),
                1 => format!("{area}{exchange}{last:04}"),
                2 => format!("+54 9 {area} {exchange}-{last:04}"),
                3 => format!("0{area}-{exchange}{last:04}"),
                4 => format!("15 {exchange} {last:04}"),
                _ => format!("+595 981 {exchange}{last:04}"),
            };
            let _ = PhoneE164::parse(&written(first));
            let raw = written(second);
            prop_assert_eq!(PhoneE164::parse(&raw), PhoneE164::parse_uncached(&raw), "{}", raw);
        }
    }
}
