//! Beneficiaries' bank accounts: a CBU (Clave Bancaria Uniforme, 22 digits with two
//! check digits) or an alias, one per person, where programme payments go.
//!
//! A CBU is two blocks. The first, 8 digits: bank (3), branch (4) and a check digit
//! over those seven with weights 7 1 3 9 7 1 3. The second, 14 digits: the account (13)
//! and a check digit over them with weights 3 9 7 1 3 9 7 1 3 9 7 1 3. Each check digit
//! is `(10 - sum mod 10) mod 10`.

pub mod store;

use serde::{Deserialize, Serialize};

const FIRST_WEIGHTS: [u32; 7] = [7, 1, 3, 9, 7, 1, 3];
const SECOND_WEIGHTS: [u32; 13] = [3, 9, 7, 1, 3, 9, 7, 1, 3, 9, 7, 1, 3];

fn check_digit(digits: &[u32], weights: &[u32]) -> u32 {
    let sum: u32 = digits.iter().zip(weights).map(|(d, w)| d * w).sum();
    (10 - sum % 10) % 10
}

/// A CBU from its bank and branch (7 digits) and account (13 digits), with both check
/// digits; `None` unless those are all digits.
pub fn cbu_with_checks(bank_branch: &str, account: &str) -> Option<String> {
    let first: Vec<u32> = bank_branch
        .chars()
        .map(|c| c.to_digit(10))
        .collect::<Option<_>>()?;
    let second: Vec<u32> = account
        .chars()
        .map(|c| c.to_digit(10))
        .collect::<Option<_>>()?;
    if first.len() != 7 || second.len() != 13 {
        return None;
    }
    Some(format!(
        "{bank_branch}{}{account}{}",
        check_digit(&first, &FIRST_WEIGHTS),
        check_digit(&second, &SECOND_WEIGHTS)
    ))
}

/// Why a CBU is refused (a catalogue key).
pub fn cbu_problem(raw: &str) -> Option<&'static str> {
    let digits: Vec<u32> = raw.chars().filter_map(|c| c.to_digit(10)).collect();
    let only_digits = raw.chars().all(|c| c.is_ascii_digit());
    if !only_digits || digits.len() != 22 {
        return Some("cbu-length");
    }
    if check_digit(&digits[..7], &FIRST_WEIGHTS) != digits[7] {
        return Some("cbu-first-check");
    }
    if check_digit(&digits[8..21], &SECOND_WEIGHTS) != digits[21] {
        return Some("cbu-second-check");
    }
    None
}

/// The CBU as typed without spaces, dashes or dots (how people copy it from home
/// banking).
pub fn clean_cbu(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '.'))
        .take(40)
        .collect()
}

/// Why an alias is refused: 6 to 20 characters, letters (no ñ or accents), digits,
/// dots and hyphens (the BCRA's rule).
pub fn alias_problem(raw: &str) -> Option<&'static str> {
    let n = raw.chars().count();
    if !(6..=20).contains(&n) {
        return Some("alias-length");
    }
    if !raw
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
    {
        return Some("alias-characters");
    }
    None
}

/// The bank a CBU belongs to: its first three digits.
pub fn bank_code(cbu: &str) -> &str {
    &cbu[..3.min(cbu.len())]
}

/// An account as forms and the API give it: a CBU or an alias, not both.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct AccountInput {
    /// 22 digits (spaces, dashes and dots are dropped).
    #[serde(default)]
    pub cbu: Option<String>,
    /// 6 to 20 letters, digits, dots or hyphens.
    #[serde(default)]
    pub alias: Option<String>,
}

/// A valid account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Account {
    /// A CBU, digits only.
    Cbu(String),
    /// An alias, lowercase.
    Alias(String),
}

impl AccountInput {
    /// The account, or the field errors.
    pub fn validate(&self) -> Result<Account, sipe_platform::validation::FieldErrors> {
        use sipe_platform::validation::FieldErrors;
        let cbu = self.cbu.as_deref().map(clean_cbu).filter(|c| !c.is_empty());
        let alias = self
            .alias
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty());
        match (cbu, alias) {
            (Some(_), Some(_)) => Err(FieldErrors::one("alias", "bank-account-one-only")),
            (None, None) => Err(FieldErrors::one("cbu", "bank-account-required")),
            (Some(cbu), None) => match cbu_problem(&cbu) {
                Some(key) => Err(FieldErrors::one("cbu", key)),
                None => Ok(Account::Cbu(cbu)),
            },
            (None, Some(alias)) => match alias_problem(alias) {
                Some(key) => Err(FieldErrors::one("alias", key)),
                None => Ok(Account::Alias(alias.to_lowercase())),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A valid CBU from its bank, branch and account numbers.
    fn cbu_of(bank_branch: [u32; 7], account: [u32; 13]) -> String {
        let mut s: String = bank_branch.iter().map(u32::to_string).collect();
        s.push_str(&check_digit(&bank_branch, &FIRST_WEIGHTS).to_string());
        s.extend(account.iter().map(u32::to_string));
        s.push_str(&check_digit(&account, &SECOND_WEIGHTS).to_string());
        s
    }

    #[test]
    fn check_digits_are_computed_as_the_banks_do() {
        // A published CBU: bank and branch 2850590, check 9; account 4009041813520, check 1.
        assert_eq!(
            cbu_with_checks("2850590", "4009041813520").as_deref(),
            Some("2850590940090418135201")
        );
        assert_eq!(cbu_with_checks("285059", "4009041813520"), None);
        assert_eq!(cbu_with_checks("285059X", "4009041813520"), None);
    }

    #[test]
    fn published_cbus_are_valid() {
        // Examples published by banks for transfers (check digits as issued).
        for cbu in ["2850590940090418135201", "0170099220000067797370"] {
            assert_eq!(cbu_problem(cbu), None, "{cbu}");
        }
        assert_eq!(
            cbu_problem("2850590940090418135202"),
            Some("cbu-second-check")
        );
        assert_eq!(
            cbu_problem("2850590840090418135201"),
            Some("cbu-first-check")
        );
        assert_eq!(cbu_problem("285059094009041813520"), Some("cbu-length"));
        assert_eq!(cbu_problem("28505909400904181352O1"), Some("cbu-length"));
    }

    proptest! {
        #[test]
        fn every_valid_cbu_is_accepted(
            bank_branch in proptest::array::uniform7(0u32..10),
            account in proptest::array::uniform13(0u32..10),
        ) {
            let cbu = cbu_of(bank_branch, account);
            prop_assert_eq!(cbu.len(), 22);
            prop_assert_eq!(cbu_problem(&cbu), None);
        }

        #[test]
        fn any_changed_digit_is_refused(
            bank_branch in proptest::array::uniform7(0u32..10),
            account in proptest::array::uniform13(0u32..10),
            at in 0usize..22,
            by in 1u32..10,
        ) {
            let cbu = cbu_of(bank_branch, account);
            let mut digits: Vec<u32> = cbu.chars().filter_map(|c| c.to_digit(10)).collect();
            digits[at] = (digits[at] + by) % 10;
            let changed: String = digits.iter().map(u32::to_string).collect();
            prop_assert!(cbu_problem(&changed).is_some(), "{} accepted", changed);
        }
    }

    #[test]
    fn an_alias_is_six_to_twenty_plain_characters() {
        assert_eq!(alias_problem("casa.perro.mate"), None);
        assert_eq!(alias_problem("mate"), Some("alias-length"));
        assert_eq!(alias_problem("ñandú.azul.río"), Some("alias-characters"));
        let both = AccountInput {
            cbu: Some("2850590940090418135201".into()),
            alias: Some("casa.perro.mate".into()),
        };
        assert!(both.validate().is_err());
        let spaced = AccountInput {
            cbu: Some("2850590 9400904 18135201".into()),
            alias: None,
        };
        assert_eq!(
            spaced.validate().unwrap(),
            Account::Cbu("2850590940090418135201".into())
        );
    }
}
