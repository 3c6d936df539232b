//! A person as entered (form, API, import) and its validation into `ValidPerson`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::{self, Cuil, DocumentNumber, DocumentType, PhoneE164, Sex};
use sipe_platform::validation::{self, FieldErrors};

/// ISCED 2011 levels offered in forms.
pub const EDUCATION_LEVELS: [&str; 9] = ["0", "1", "2", "3", "4", "5", "6", "7", "8"];

/// Employment situations.
pub const EMPLOYMENT_STATUSES: [&str; 3] = ["employed", "unemployed", "inactive"];

/// Raw person fields; every field is text so a form can be re-shown as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PersonInput {
    /// `dni`, `py_ci`, `passport`, `foreign`.
    pub doc_type: String,
    /// Document number (dots and dashes allowed).
    pub doc_number: String,
    /// CUIL; offered from DNI and sex when empty.
    pub cuil: String,
    /// Surnames.
    pub surnames: String,
    /// Given names.
    pub names: String,
    /// Self-perceived name (Ley 26.743).
    pub chosen_name: String,
    /// `yyyy-mm-dd`.
    pub birth_date: String,
    /// `F`, `M` or `X`.
    pub sex: String,
    /// Gender identity, free text.
    pub gender: String,
    /// ISO country code (default `AR`).
    pub nationality: String,
    /// Marital status.
    pub marital_status: String,
    /// Phone as written.
    pub phone: String,
    /// E-mail.
    pub email: String,
    /// Consent to WhatsApp messages (`true`/`on`).
    pub whatsapp_consent: String,
    /// Consent to SMS (`true`/`on`).
    pub sms_consent: String,
    /// Consent to e-mail (`true`/`on`).
    pub email_consent: String,
    /// Street.
    pub street: String,
    /// Number.
    pub street_number: String,
    /// Floor and unit.
    pub floor_unit: String,
    /// Locality.
    pub locality: String,
    /// Department territory code (`AR-90084`).
    pub department_code: String,
    /// Province territory code (`AR-90`, or the INDEC code `90`); optional, and when
    /// given with a department it must be that department's province.
    pub province_code: String,
    /// Postal code.
    pub postal_code: String,
    /// ISCED 2011 level.
    pub education_level: String,
    /// `employed`, `unemployed`, `inactive`.
    pub employment_status: String,
    /// Owning office code (default: derived from the department).
    pub office_code: String,
    /// Save although possible duplicates were shown.
    pub confirm_duplicates: String,
}

fn flag(s: &str) -> bool {
    matches!(s.trim(), "on" | "true" | "1" | "yes" | "si" | "sí")
}

fn opt(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// A person whose fields passed every rule that needs no database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidPerson {
    /// Document type.
    pub doc_type: DocumentType,
    /// Document number.
    pub doc_number: DocumentNumber,
    /// CUIL (given or derived).
    pub cuil: Option<Cuil>,
    /// Surnames.
    pub surnames: String,
    /// Names.
    pub names: String,
    /// Self-perceived name.
    pub chosen_name: Option<String>,
    /// Birth date.
    pub birth_date: NaiveDate,
    /// Sex.
    pub sex: Sex,
    /// Gender identity.
    pub gender: Option<String>,
    /// Nationality.
    pub nationality: String,
    /// Marital status.
    pub marital_status: Option<String>,
    /// Phone.
    pub phone: Option<PhoneE164>,
    /// E-mail (lowercase).
    pub email: Option<String>,
    /// WhatsApp consent.
    pub whatsapp_consent: bool,
    /// SMS consent.
    pub sms_consent: bool,
    /// E-mail consent.
    pub email_consent: bool,
    /// Street.
    pub street: String,
    /// Number.
    pub street_number: String,
    /// Floor/unit.
    pub floor_unit: String,
    /// Locality.
    pub locality: String,
    /// Department code.
    pub department_code: Option<String>,
    /// Province code (`AR-90`), when given.
    pub province_code: Option<String>,
    /// Postal code.
    pub postal_code: String,
    /// Education level.
    pub education_level: Option<String>,
    /// Employment status.
    pub employment_status: Option<String>,
    /// Office code chosen.
    pub office_code: Option<String>,
    /// Duplicates acknowledged.
    pub confirm_duplicates: bool,
}

impl ValidPerson {
    /// The folded name used for search and duplicate detection.
    pub fn search_name(&self) -> String {
        let chosen = self.chosen_name.as_deref().unwrap_or("");
        domain::fold(&format!("{} {} {}", self.surnames, self.names, chosen))
    }
}

/// Validates every field, reporting all problems at once. `today` bounds the birth date.
pub fn validate(input: &PersonInput, today: NaiveDate) -> Result<ValidPerson, FieldErrors> {
    let mut e = FieldErrors::new();
    let doc_type = DocumentType::parse(&input.doc_type);
    if doc_type.is_none() {
        e.add("doc_type", "person-doc-type-invalid");
    }
    let doc_number = doc_type.and_then(|t| DocumentNumber::parse(t, &input.doc_number).ok());
    if input.doc_number.trim().is_empty() {
        e.add("doc_number", "field-required");
    } else if doc_type.is_some() && doc_number.is_none() {
        e.add("doc_number", "person-doc-number-invalid");
    }
    let surnames = validation::text(&mut e, "surnames", &input.surnames, true, 100);
    let names = validation::text(&mut e, "names", &input.names, true, 100);
    let chosen_name = validation::text(&mut e, "chosen_name", &input.chosen_name, false, 100);
    let birth_date = sipe_platform::validation::parse_date(&input.birth_date);
    match birth_date {
        None if input.birth_date.trim().is_empty() => e.add("birth_date", "field-required"),
        None => e.add("birth_date", "person-birth-date-invalid"),
        Some(d) if d > today => e.add("birth_date", "person-birth-date-future"),
        Some(d) if domain::age(d, today) < 14 => e.add("birth_date", "person-birth-date-too-young"),
        Some(d) if domain::age(d, today) > 110 => e.add("birth_date", "person-birth-date-too-old"),
        Some(_) => {}
    }
    let sex = Sex::parse(&input.sex);
    if sex.is_none() {
        e.add("sex", "person-sex-invalid");
    }
    let cuil = if input.cuil.trim().is_empty() {
        match (doc_type, &doc_number, sex) {
            (Some(DocumentType::Dni), Some(dni), Some(sex)) => Cuil::from_dni(dni, sex),
            _ => None,
        }
    } else {
        match Cuil::parse(&input.cuil) {
            Ok(c) => {
                if doc_type == Some(DocumentType::Dni)
                    && doc_number
                        .as_ref()
                        .is_some_and(|d| d.as_str().trim_start_matches('0') != c.dni_part())
                {
                    e.add("cuil", "person-cuil-dni-mismatch");
                }
                Some(c)
            }
            Err(_) => {
                e.add("cuil", "person-cuil-invalid");
                None
            }
        }
    };
    let nationality = match input.nationality.trim() {
        "" => "AR".to_owned(),
        typed => match sipe_platform::countries::resolve(typed) {
            Some(c) => c.code.clone(),
            None => {
                e.add("nationality", "person-nationality-invalid");
                String::new()
            }
        },
    };
    let phone = match input.phone.trim() {
        "" => None,
        raw => {
            let p = validation::phone_shape_problem(raw)
                .is_none()
                .then(|| PhoneE164::parse(raw))
                .flatten();
            if p.is_none() {
                e.add("phone", validation::phone_problem(raw));
            }
            p
        }
    };
    let email = validation::text(&mut e, "email", &input.email, false, 254).to_lowercase();
    if !email.is_empty() && !validation::is_email(&email) {
        e.add("email", "field-email-invalid");
    }
    let education_level = input.education_level.trim().to_owned();
    if !education_level.is_empty() && !EDUCATION_LEVELS.contains(&education_level.as_str()) {
        e.add("education_level", "person-education-invalid");
    }
    let employment_status = input.employment_status.trim().to_owned();
    if !employment_status.is_empty() && !EMPLOYMENT_STATUSES.contains(&employment_status.as_str()) {
        e.add("employment_status", "person-employment-invalid");
    }
    let gender = validation::text(&mut e, "gender", &input.gender, false, 60);
    let marital_status =
        validation::text(&mut e, "marital_status", &input.marital_status, false, 40);
    let street = validation::text(&mut e, "street", &input.street, false, 120);
    let street_number = validation::text(&mut e, "street_number", &input.street_number, false, 20);
    let floor_unit = validation::text(&mut e, "floor_unit", &input.floor_unit, false, 40);
    let locality = validation::text(&mut e, "locality", &input.locality, false, 100);
    let postal_code = validation::text(&mut e, "postal_code", &input.postal_code, false, 10);
    let department_code = input.department_code.trim().to_uppercase();
    if !department_code.is_empty() && !domain::is_department_code(&department_code) {
        e.add("department_code", "office-territory-unknown");
    }
    let province_code = match domain::province_code(&input.province_code) {
        Ok(p) => p,
        Err(domain::BadProvinceCode) => {
            e.add("province_code", "person-province-unknown");
            None
        }
    };
    e.into_result()?;
    let (Some(doc_type), Some(doc_number), Some(birth_date), Some(sex)) =
        (doc_type, doc_number, birth_date, sex)
    else {
        return Err(FieldErrors::one("doc_type", "person-doc-type-invalid"));
    };
    Ok(ValidPerson {
        doc_type,
        doc_number,
        cuil,
        surnames,
        names,
        chosen_name: opt(chosen_name),
        birth_date,
        sex,
        gender: opt(gender),
        nationality,
        marital_status: opt(marital_status),
        phone,
        email: opt(email),
        whatsapp_consent: flag(&input.whatsapp_consent),
        sms_consent: flag(&input.sms_consent),
        email_consent: flag(&input.email_consent),
        street,
        street_number,
        floor_unit,
        locality,
        department_code: opt(department_code),
        province_code,
        postal_code,
        education_level: opt(education_level),
        employment_status: opt(employment_status),
        office_code: opt(input.office_code.trim().to_uppercase()),
        confirm_duplicates: flag(&input.confirm_duplicates),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    fn input() -> PersonInput {
        PersonInput {
            doc_type: "dni".into(),
            doc_number: "30.123.456".into(),
            surnames: "González".into(),
            names: "Juan".into(),
            birth_date: "1990-05-01".into(),
            sex: "M".into(),
            phone: "0381 15-544-2347".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_valid_person_gets_a_derived_cuil_and_e164_phone() {
        let p = validate(&input(), today()).unwrap();
        assert_eq!(p.doc_number.as_str(), "30123456");
        assert_eq!(p.cuil.unwrap().dni_part(), "30123456");
        assert_eq!(p.phone.unwrap().as_str(), "+5493815442347");
        assert_eq!(p.nationality, "AR");
    }

    #[test]
    fn nationality_is_chosen_by_country_name_or_code() {
        for (typed, code) in [("Paraguay (PY)", "PY"), ("bolivia", "BO"), ("pe", "PE")] {
            let p = validate(
                &PersonInput {
                    nationality: typed.into(),
                    ..input()
                },
                today(),
            )
            .unwrap();
            assert_eq!(p.nationality, code, "{typed}");
        }
        let bad = validate(
            &PersonInput {
                nationality: "Narnia".into(),
                ..input()
            },
            today(),
        )
        .unwrap_err();
        assert!(bad.has("nationality"));
    }

    #[test]
    fn every_problem_is_reported() {
        let bad = PersonInput {
            doc_type: "dni".into(),
            doc_number: "12".into(),
            cuil: "20-11111111-1".into(),
            birth_date: "31/12/1990".into(),
            sex: "Q".into(),
            email: "x@".into(),
            education_level: "9".into(),
            ..Default::default()
        };
        let fields: Vec<_> = validate(&bad, today())
            .unwrap_err()
            .0
            .iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "doc_number",
                "surnames",
                "names",
                "birth_date",
                "sex",
                "cuil",
                "email",
                "education_level"
            ]
        );
    }

    #[test]
    fn a_cuil_of_another_dni_is_refused() {
        let other = PersonInput {
            cuil: "20-12345678-6".into(),
            ..input()
        };
        let err = validate(&other, today()).unwrap_err();
        assert_eq!(err.0[0].key, "person-cuil-dni-mismatch");
    }

    #[test]
    fn children_and_impossible_ages_are_refused() {
        let child = PersonInput {
            birth_date: "2020-01-01".into(),
            ..input()
        };
        assert_eq!(
            validate(&child, today()).unwrap_err().0[0].key,
            "person-birth-date-too-young"
        );
        let key = |birth: &str| {
            let p = PersonInput {
                birth_date: birth.into(),
                ..input()
            };
            validate(&p, today()).unwrap_err().0[0].key
        };
        assert_eq!(key("2099-01-01"), "person-birth-date-future");
        assert_eq!(key("1900-01-01"), "person-birth-date-too-old");
    }

    #[test]
    fn a_wrong_phone_is_told_what_is_wrong_with_it() {
        let key = |phone: &str| {
            let p = PersonInput {
                phone: phone.into(),
                ..input()
            };
            validate(&p, today()).unwrap_err().0[0].key
        };
        assert_eq!(key("381-12"), "field-phone-too-short");
        assert_eq!(key("381 4123456 #2"), "field-phone-chars");
        assert_eq!(key("381 4123456 9999999"), "field-phone-too-long");
        // A right number of digits that makes no Argentine number.
        assert_eq!(key("000 0000000"), "field-phone-invalid");
        // And a good one passes.
        let ok = PersonInput {
            phone: "381 4123456".into(),
            ..input()
        };
        assert!(validate(&ok, today()).is_ok());
    }
}
