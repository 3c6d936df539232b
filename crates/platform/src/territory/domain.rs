//! Rules of offices, without I/O.

use serde::{Deserialize, Serialize};

use crate::validation::{self, FieldErrors};

/// What kind of unit an office is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OfficeKind {
    /// Oficina de Empleo: serves the people of its territory.
    EmploymentOffice,
    /// A central area (Dirección de Empleo, Mesa de Ayuda...).
    CentralArea,
    /// A vocational training centre.
    TrainingCentre,
}

impl OfficeKind {
    /// All kinds.
    pub const ALL: [OfficeKind; 3] = [
        OfficeKind::EmploymentOffice,
        OfficeKind::CentralArea,
        OfficeKind::TrainingCentre,
    ];

    /// Stored identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            OfficeKind::EmploymentOffice => "employment_office",
            OfficeKind::CentralArea => "central_area",
            OfficeKind::TrainingCentre => "training_centre",
        }
    }

    /// Parses the stored identifier.
    pub fn parse(s: &str) -> Option<Self> {
        OfficeKind::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    /// Catalogue key of the kind's name.
    pub fn label_key(self) -> &'static str {
        match self {
            OfficeKind::EmploymentOffice => "office-kind-employment_office",
            OfficeKind::CentralArea => "office-kind-central_area",
            OfficeKind::TrainingCentre => "office-kind-training_centre",
        }
    }
}

/// An office code: 2–20 characters, uppercase letters, digits and dashes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OfficeCode(String);

impl OfficeCode {
    /// Parses a code, uppercasing it.
    pub fn parse(raw: &str) -> Option<Self> {
        let s = raw.trim().to_uppercase();
        let ok = (2..=20).contains(&s.len())
            && s.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
            && !s.starts_with('-');
        ok.then_some(Self(s))
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An office as entered in a form, the API or the CLI.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct OfficeInput {
    /// Unique code.
    pub code: String,
    /// Name.
    pub name: String,
    /// `employment_office`, `central_area` or `training_centre`.
    pub kind: String,
    /// Code of the office above (optional).
    #[serde(default)]
    pub parent_code: String,
    /// Street address.
    #[serde(default)]
    pub address: String,
    /// Territory code where the office stands (`AR-90084`).
    #[serde(default)]
    pub territory_code: String,
    /// Phone.
    #[serde(default)]
    pub phone: String,
    /// E-mail.
    #[serde(default)]
    pub email: String,
    /// Opening hours.
    #[serde(default)]
    pub opening_hours: String,
    /// Territory codes the office covers.
    #[serde(default)]
    pub coverage: Vec<String>,
}

/// A validated office (references still to be checked against the database).
#[derive(Debug, Clone, Serialize)]
pub struct ValidOffice {
    /// Code.
    pub code: OfficeCode,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: OfficeKind,
    /// Parent office code, if any.
    pub parent_code: Option<String>,
    /// Address.
    pub address: String,
    /// Territory where it stands.
    pub territory_code: Option<String>,
    /// Phone.
    pub phone: String,
    /// E-mail.
    pub email: String,
    /// Opening hours.
    pub opening_hours: String,
    /// Covered territories.
    pub coverage: Vec<String>,
}

impl TryFrom<&OfficeInput> for ValidOffice {
    type Error = FieldErrors;

    fn try_from(input: &OfficeInput) -> Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let code = OfficeCode::parse(&input.code);
        if code.is_none() {
            e.add("code", "office-code-invalid");
        }
        let name = validation::text(&mut e, "name", &input.name, true, 120);
        let kind = OfficeKind::parse(&input.kind);
        if kind.is_none() {
            e.add("kind", "office-kind-invalid");
        }
        let address = validation::text(&mut e, "address", &input.address, false, 200);
        let phone = validation::text(&mut e, "phone", &input.phone, false, 60);
        if !phone.is_empty()
            && !phone
                .chars()
                .all(|c| c.is_ascii_digit() || " +-()/".contains(c))
        {
            e.add("phone", "field-phone-chars");
        }
        let email = validation::text(&mut e, "email", &input.email, false, 254);
        if !email.is_empty() && !validation::is_email(&email) {
            e.add("email", "field-email-invalid");
        }
        let opening_hours =
            validation::text(&mut e, "opening_hours", &input.opening_hours, false, 200);
        let parent = input.parent_code.trim().to_uppercase();
        let territory = input.territory_code.trim().to_owned();
        let mut coverage: Vec<String> = input
            .coverage
            .iter()
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty())
            .collect();
        coverage.sort();
        coverage.dedup();
        e.into_result()?;
        Ok(ValidOffice {
            code: code.ok_or_else(FieldErrors::new)?,
            name,
            kind: kind.ok_or_else(FieldErrors::new)?,
            parent_code: (!parent.is_empty()).then_some(parent),
            address,
            territory_code: (!territory.is_empty()).then_some(territory),
            phone,
            email,
            opening_hours,
            coverage,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> OfficeInput {
        OfficeInput {
            code: "oe-cap-01".into(),
            name: "Oficina de Empleo Capital".into(),
            kind: "employment_office".into(),
            ..Default::default()
        }
    }

    #[test]
    fn codes_are_uppercased_and_checked() {
        assert_eq!(
            OfficeCode::parse(" oe-cap-01 ").map(|c| c.0),
            Some("OE-CAP-01".into())
        );
        assert!(OfficeCode::parse("a").is_none());
        assert!(OfficeCode::parse("OE CAP").is_none());
        assert!(OfficeCode::parse("-X").is_none());
    }

    #[test]
    fn valid_input_parses() {
        let v = ValidOffice::try_from(&input()).expect("valid");
        assert_eq!(v.code.as_str(), "OE-CAP-01");
        assert_eq!(v.kind, OfficeKind::EmploymentOffice);
    }

    #[test]
    fn every_bad_field_is_reported() {
        let bad = OfficeInput {
            code: "x".into(),
            name: " ".into(),
            kind: "bank".into(),
            email: "nope".into(),
            phone: "call me".into(),
            ..Default::default()
        };
        let errors = ValidOffice::try_from(&bad).expect_err("invalid");
        let fields: Vec<_> = errors.0.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["code", "name", "kind", "phone", "email"]);
    }
}
