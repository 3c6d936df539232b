//! Rules of employers and vacancies, without I/O.

use serde::Serialize;

use sipe_persons::domain::{CuilError, checked_tax_id};

/// A CUIT (Clave Única de Identificación Tributaria): 11 digits, a prefix telling people
/// (20, 23, 24, 27) from legal entities (30, 33, 34), and the same modulo-11 check digit
/// as a CUIL. People can be employers too (a shop owner), so both kinds are accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cuit(String);

/// Why a CUIT is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CuitError {
    /// Not 11 digits (after removing dashes, dots and spaces).
    #[error("a CUIT has 11 digits")]
    Malformed,
    /// A prefix AFIP does not issue.
    #[error("a CUIT starts with 20, 23, 24, 27, 30, 33 or 34")]
    Prefix,
    /// The check digit does not match.
    #[error("the CUIT check digit does not match")]
    CheckDigit,
}

impl CuitError {
    /// The message catalogue key of the problem (for forms and API field errors).
    pub fn key(self) -> &'static str {
        match self {
            Self::Malformed => "employer-cuit-malformed",
            Self::Prefix => "employer-cuit-prefix",
            Self::CheckDigit => "employer-cuit-check-digit",
        }
    }
}

impl Cuit {
    /// Parses `30-71234567-1`, `30712345671` and the like.
    pub fn parse(raw: &str) -> Result<Self, CuitError> {
        const PREFIXES: [&str; 7] = ["20", "23", "24", "27", "30", "33", "34"];
        checked_tax_id(raw, &PREFIXES)
            .map(Self)
            .map_err(|e| match e {
                CuilError::Malformed => CuitError::Malformed,
                CuilError::Prefix => CuitError::Prefix,
                CuilError::CheckDigit => CuitError::CheckDigit,
            })
    }

    /// The eleven digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `30-71234567-1`.
    pub fn formatted(&self) -> String {
        format!("{}-{}-{}", &self.0[..2], &self.0[2..10], &self.0[10..])
    }

    /// Whether the CUIT is a company's or another legal entity's (prefix 30, 33, 34).
    pub fn is_legal_entity(&self) -> bool {
        self.0.starts_with('3')
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use sipe_persons::domain::cuil_check_digit;

    #[test]
    fn known_cuits_validate_in_any_writing() {
        // 3·5 + 0·4 + 7·3 + 1·2 + 2·7 + 3·6 + 4·5 + 5·4 + 6·3 + 7·2 = 142; 11 − 142 mod 11 = 1.
        let cuit = Cuit::parse("30-71234567-1").unwrap();
        assert_eq!(cuit.as_str(), "30712345671");
        assert_eq!(cuit.formatted(), "30-71234567-1");
        assert!(cuit.is_legal_entity());
        assert_eq!(Cuit::parse("30.71234567.1"), Ok(cuit.clone()));
        assert_eq!(Cuit::parse(" 30712345671 "), Ok(cuit));
        // A person's CUIL is a valid CUIT of an individual employer.
        let person = Cuit::parse("20-12345678-6").unwrap();
        assert!(!person.is_legal_entity());
    }

    #[test]
    fn bad_cuits_say_what_is_wrong() {
        sipe_platform::i18n::register(&crate::MESSAGES);
        assert_eq!(Cuit::parse("30-71234567-2"), Err(CuitError::CheckDigit));
        assert_eq!(Cuit::parse("31-71234567-1"), Err(CuitError::Prefix));
        assert_eq!(Cuit::parse("30-7123456"), Err(CuitError::Malformed));
        assert_eq!(Cuit::parse("30-7123456a-1"), Err(CuitError::Malformed));
        assert_eq!(Cuit::parse(""), Err(CuitError::Malformed));
        for e in [
            CuitError::Malformed,
            CuitError::Prefix,
            CuitError::CheckDigit,
        ] {
            let text = sipe_platform::i18n::Lang::EsAr.t(e.key());
            assert!(text.contains("CUIT"), "{}: {text}", e.key());
        }
    }

    proptest! {
        #[test]
        fn every_issued_cuit_validates_and_any_changed_digit_breaks_it(
            prefix in prop::sample::select(vec!["20", "23", "24", "27", "30", "33", "34"]),
            number in 0u32..100_000_000,
            pos in 0usize..11,
            delta in 1u32..10,
        ) {
            let first_ten = format!("{prefix}{number:08}");
            let mut digits = [0u32; 10];
            for (d, c) in digits.iter_mut().zip(first_ten.chars()) {
                *d = c.to_digit(10).unwrap();
            }
            // Modulo 11 giving 10 is never issued with that prefix.
            let Some(check) = cuil_check_digit(&digits) else { return Ok(()); };
            let cuit = format!("{first_ten}{check}");
            prop_assert!(Cuit::parse(&cuit).is_ok());
            let mut changed: Vec<u32> = cuit.chars().filter_map(|c| c.to_digit(10)).collect();
            changed[pos] = (changed[pos] + delta) % 10;
            let changed: String = changed.iter().filter_map(|d| char::from_digit(*d, 10)).collect();
            prop_assert!(Cuit::parse(&changed).is_err(), "{} still valid", changed);
        }

        #[test]
        fn cuit_parsing_never_panics(s in "\\PC{0,20}") {
            let _ = Cuit::parse(&s);
        }
    }
}
