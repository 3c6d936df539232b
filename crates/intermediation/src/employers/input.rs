//! Employer input as forms, the API and the demo loader give it, and its validation.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::activity;
use crate::domain::Cuit;
use sipe_persons::domain::PhoneE164;
use sipe_platform::validation::{self, FieldErrors};

/// Size band of a company (Argentine SME categories, Res. SEPyME 220/2019).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SizeBand {
    /// Microempresa.
    Micro,
    /// Pequeña empresa.
    Small,
    /// Mediana empresa, tramo 1.
    Medium1,
    /// Mediana empresa, tramo 2.
    Medium2,
    /// Gran empresa.
    Large,
    /// Public administration or another non-company employer.
    Public,
}

impl SizeBand {
    /// All bands, smallest first.
    pub const ALL: [SizeBand; 6] = [
        SizeBand::Micro,
        SizeBand::Small,
        SizeBand::Medium1,
        SizeBand::Medium2,
        SizeBand::Large,
        SizeBand::Public,
    ];

    /// Stored identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            SizeBand::Micro => "micro",
            SizeBand::Small => "small",
            SizeBand::Medium1 => "medium1",
            SizeBand::Medium2 => "medium2",
            SizeBand::Large => "large",
            SizeBand::Public => "public",
        }
    }

    /// Parses the stored identifier.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.as_str() == s.trim())
    }
}

/// Kind of agreement between an employer and an office.
pub const AGREEMENT_KINDS: [&str; 4] = ["collaboration", "internships", "programme", "other"];

/// Text lengths, shared by forms (`maxlength`) and validation.
const NAME_MAX: usize = 160;

/// Most contacts one registration may bring (more are added one by one later).
pub const MAX_CONTACTS: usize = 20;

/// An employer as entered.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct EmployerInput {
    /// CUIT, with or without dashes.
    pub cuit: String,
    /// Razón social.
    pub legal_name: String,
    /// Nombre de fantasía (optional).
    #[serde(default)]
    pub trade_name: String,
    /// ISIC Rev.4 division or finer ISIC/CLAE code (`10`, `107200`).
    #[serde(default)]
    pub activity_code: String,
    /// `micro`, `small`, `medium1`, `medium2`, `large`, `public` (optional).
    #[serde(default)]
    pub size_band: String,
    /// Code of the managing office; the caller's first capture office when empty.
    #[serde(default)]
    pub office_code: String,
    /// Street address of the main site.
    #[serde(default)]
    pub address: String,
    /// Department of the main site (`AR-90084`).
    #[serde(default)]
    pub territory_code: String,
    /// Main phone.
    #[serde(default)]
    pub phone: String,
    /// Main e-mail.
    #[serde(default)]
    pub email: String,
    /// Website.
    #[serde(default)]
    pub website: String,
    /// Internal notes.
    #[serde(default)]
    pub notes: String,
    /// Contacts to add with a new employer (API; forms add them one by one).
    #[serde(default)]
    pub contacts: Vec<ContactInput>,
}

/// A contact person at an employer.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct ContactInput {
    /// Full name.
    pub name: String,
    /// Role (HR, owner, foreman...).
    #[serde(default)]
    pub role: String,
    /// Phone.
    #[serde(default)]
    pub phone: String,
    /// E-mail.
    #[serde(default)]
    pub email: String,
}

/// Another site of the employer (plant, branch, warehouse).
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct SiteInput {
    /// What the site is ("Planta Famaillá").
    pub name: String,
    /// Street address.
    #[serde(default)]
    pub address: String,
    /// Department (`AR-90084`).
    pub territory_code: String,
}

/// A validated site; the department is still to be checked in the database.
#[derive(Debug, Clone, Serialize)]
pub struct ValidSite {
    /// Name.
    pub name: String,
    /// Address.
    pub address: Option<String>,
    /// Department code.
    pub territory_code: String,
}

impl TryFrom<&SiteInput> for ValidSite {
    type Error = FieldErrors;

    fn try_from(input: &SiteInput) -> Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let name = validation::text(&mut e, "site_name", &input.name, true, 120);
        let address = validation::text(&mut e, "site_address", &input.address, false, 200);
        let territory_code = input.territory_code.trim().to_owned();
        if territory_code.is_empty() {
            e.add("site_territory_code", "field-required");
        }
        e.into_result()?;
        Ok(ValidSite {
            name,
            address: optional(address),
            territory_code,
        })
    }
}

/// An agreement between the employer and its office.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct AgreementInput {
    /// `collaboration`, `internships`, `programme` or `other`.
    pub kind: String,
    /// Title or reference number.
    pub title: String,
    /// Signature date (`YYYY-MM-DD`).
    pub signed_on: String,
    /// End date, when it has one.
    #[serde(default)]
    pub expires_on: String,
    /// Notes.
    #[serde(default)]
    pub notes: String,
}

/// A validated employer; the office and territory are still to be checked in the database.
#[derive(Debug, Clone)]
pub struct ValidEmployer {
    /// CUIT.
    pub cuit: Cuit,
    /// Legal name.
    pub legal_name: String,
    /// Trade name.
    pub trade_name: Option<String>,
    /// Activity code (digits).
    pub activity_code: Option<String>,
    /// Size band.
    pub size_band: Option<SizeBand>,
    /// Managing office code (uppercase), when given.
    pub office_code: Option<String>,
    /// Address.
    pub address: Option<String>,
    /// Department code.
    pub territory_code: Option<String>,
    /// Phone (E.164).
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Website.
    pub website: Option<String>,
    /// Notes.
    pub notes: Option<String>,
    /// Contacts.
    pub contacts: Vec<ValidContact>,
}

/// The three kinds of item listed under an employer, added and removed alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    /// A contact person.
    Contact,
    /// Another site.
    Site,
    /// An agreement with the office.
    Agreement,
}

impl ItemKind {
    /// The name in audit actions (`employer.<kind>.add`).
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Contact => "contact",
            ItemKind::Site => "site",
            ItemKind::Agreement => "agreement",
        }
    }
}

/// An item to add, as entered.
#[derive(Debug, Clone, Copy)]
pub enum NewItem<'a> {
    /// A contact person.
    Contact(&'a ContactInput),
    /// Another site.
    Site(&'a SiteInput),
    /// An agreement.
    Agreement(&'a AgreementInput),
}

impl NewItem<'_> {
    /// Which kind it is.
    pub fn kind(&self) -> ItemKind {
        match self {
            NewItem::Contact(_) => ItemKind::Contact,
            NewItem::Site(_) => ItemKind::Site,
            NewItem::Agreement(_) => ItemKind::Agreement,
        }
    }
}

/// The form of one kind of item (the web and API handlers are generic over it).
pub trait ItemInput: serde::de::DeserializeOwned + Send + Sync + 'static {
    /// Its kind.
    const KIND: ItemKind;
    /// The input as an item to add.
    fn item(&self) -> NewItem<'_>;
}

impl ItemInput for ContactInput {
    const KIND: ItemKind = ItemKind::Contact;
    fn item(&self) -> NewItem<'_> {
        NewItem::Contact(self)
    }
}

impl ItemInput for SiteInput {
    const KIND: ItemKind = ItemKind::Site;
    fn item(&self) -> NewItem<'_> {
        NewItem::Site(self)
    }
}

impl ItemInput for AgreementInput {
    const KIND: ItemKind = ItemKind::Agreement;
    fn item(&self) -> NewItem<'_> {
        NewItem::Agreement(self)
    }
}

/// A validated contact.
#[derive(Debug, Clone, Serialize)]
pub struct ValidContact {
    /// Name.
    pub name: String,
    /// Role.
    pub role: Option<String>,
    /// Phone (E.164).
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
}

/// A validated agreement.
#[derive(Debug, Clone, Serialize)]
pub struct ValidAgreement {
    /// Kind.
    pub kind: &'static str,
    /// Title.
    pub title: String,
    /// Signed on.
    pub signed_on: NaiveDate,
    /// Ends on.
    pub expires_on: Option<NaiveDate>,
    /// Notes.
    pub notes: Option<String>,
}

fn optional(value: String) -> Option<String> {
    (!value.is_empty()).then_some(value)
}

fn phone(e: &mut FieldErrors, field: &'static str, raw: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    match validation::phone_shape_problem(raw)
        .is_none()
        .then(|| PhoneE164::parse(raw))
        .flatten()
    {
        Some(p) => Some(p.as_str().to_owned()),
        None => {
            e.add(field, validation::phone_problem(raw));
            None
        }
    }
}

fn email(e: &mut FieldErrors, field: &'static str, raw: &str) -> Option<String> {
    let value = validation::text(e, field, raw, false, 254).to_lowercase();
    if !value.is_empty() && !validation::is_email(&value) {
        e.add(field, "field-email-invalid");
    }
    optional(value)
}

impl ContactInput {
    /// Validates a contact; `prefix` names fields of nested contacts (`contacts`).
    pub fn validate(&self, e: &mut FieldErrors) -> Option<ValidContact> {
        let before = e.0.len();
        let name = validation::text(e, "contact_name", &self.name, true, 120);
        let role = validation::text(e, "contact_role", &self.role, false, 80);
        let phone = phone(e, "contact_phone", &self.phone);
        let email = email(e, "contact_email", &self.email);
        (e.0.len() == before).then_some(ValidContact {
            name,
            role: optional(role),
            phone,
            email,
        })
    }
}

impl TryFrom<&AgreementInput> for ValidAgreement {
    type Error = FieldErrors;

    fn try_from(input: &AgreementInput) -> Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let kind = AGREEMENT_KINDS
            .into_iter()
            .find(|k| *k == input.kind.trim());
        if kind.is_none() {
            e.add("kind", "field-choice-invalid");
        }
        let title = validation::text(&mut e, "title", &input.title, true, 200);
        let signed_on = validation::date(&mut e, "signed_on", &input.signed_on, true);
        let expires_on = validation::date(&mut e, "expires_on", &input.expires_on, false);
        if let (Some(from), Some(to)) = (signed_on, expires_on)
            && to < from
        {
            e.add("expires_on", "field-date-before-start");
        }
        let notes = validation::multiline_text(&mut e, "notes", &input.notes, false, 1000);
        e.into_result()?;
        Ok(ValidAgreement {
            kind: kind.ok_or_else(FieldErrors::new)?,
            title,
            signed_on: signed_on.ok_or_else(FieldErrors::new)?,
            expires_on,
            notes: optional(notes),
        })
    }
}

impl TryFrom<&EmployerInput> for ValidEmployer {
    type Error = FieldErrors;

    fn try_from(input: &EmployerInput) -> Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let cuit = Cuit::parse(&input.cuit);
        if let Err(problem) = &cuit {
            e.add("cuit", problem.key());
        }
        let legal_name = validation::text(&mut e, "legal_name", &input.legal_name, true, NAME_MAX);
        let trade_name = validation::text(&mut e, "trade_name", &input.trade_name, false, NAME_MAX);
        let activity_code = match input.activity_code.trim() {
            "" => None,
            raw => {
                let code = activity::parse_code(raw);
                if code.is_none() {
                    e.add("activity_code", "employer-activity-invalid");
                }
                code
            }
        };
        let size_band = match input.size_band.trim() {
            "" => None,
            raw => {
                let band = SizeBand::parse(raw);
                if band.is_none() {
                    e.add("size_band", "field-choice-invalid");
                }
                band
            }
        };
        let address = validation::text(&mut e, "address", &input.address, false, 200);
        let phone = phone(&mut e, "phone", &input.phone);
        let email = email(&mut e, "email", &input.email);
        let website = validation::text(&mut e, "website", &input.website, false, 200);
        let notes = validation::multiline_text(&mut e, "notes", &input.notes, false, 2000);
        if input.contacts.len() > MAX_CONTACTS {
            e.add("contacts", "employer-too-many-contacts");
        }
        let contacts: Vec<ValidContact> = input
            .contacts
            .iter()
            .take(MAX_CONTACTS)
            .filter_map(|c| c.validate(&mut e))
            .collect();
        e.into_result()?;
        Ok(ValidEmployer {
            cuit: cuit.map_err(|_| FieldErrors::new())?,
            legal_name,
            trade_name: optional(trade_name),
            activity_code,
            size_band,
            office_code: optional(input.office_code.trim().to_uppercase()),
            address: optional(address),
            territory_code: optional(input.territory_code.trim().to_owned()),
            phone,
            email,
            website: optional(website),
            notes: optional(notes),
            contacts,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> EmployerInput {
        EmployerInput {
            cuit: "30-71234567-1".into(),
            legal_name: "Ingenio Santa Rosa S.A.".into(),
            activity_code: "107200".into(),
            size_band: "large".into(),
            phone: "0381 421-5000".into(),
            email: "RRHH@Ingenio.example.com.ar".into(),
            contacts: vec![ContactInput {
                name: "Marta Ruiz".into(),
                role: "Recursos humanos".into(),
                phone: "381 15 544 2347".into(),
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    #[test]
    fn a_valid_employer_is_normalised() {
        let v = ValidEmployer::try_from(&input()).expect("valid");
        assert_eq!(v.cuit.as_str(), "30712345671");
        assert_eq!(v.activity_code.as_deref(), Some("107200"));
        assert_eq!(v.size_band, Some(SizeBand::Large));
        assert_eq!(v.phone.as_deref(), Some("+543814215000"));
        assert_eq!(v.email.as_deref(), Some("rrhh@ingenio.example.com.ar"));
        assert_eq!(v.contacts.len(), 1);
        assert_eq!(v.contacts[0].phone.as_deref(), Some("+5493815442347"));
        assert_eq!(v.trade_name, None);
    }

    #[test]
    fn every_bad_field_is_reported() {
        let bad = EmployerInput {
            cuit: "30-71234567-2".into(),
            legal_name: " ".into(),
            activity_code: "04".into(),
            size_band: "huge".into(),
            phone: "llamar".into(),
            email: "sin-arroba".into(),
            contacts: vec![ContactInput::default()],
            ..Default::default()
        };
        let errors = ValidEmployer::try_from(&bad).expect_err("invalid");
        let got: Vec<_> = errors.0.iter().map(|e| (e.field, e.key)).collect();
        assert_eq!(
            got,
            [
                ("cuit", "employer-cuit-check-digit"),
                ("legal_name", "field-required"),
                ("activity_code", "employer-activity-invalid"),
                ("size_band", "field-choice-invalid"),
                ("phone", "field-phone-chars"),
                ("email", "field-email-invalid"),
                ("contact_name", "field-required"),
            ]
        );
    }

    #[test]
    fn sites_need_a_name_and_a_department() {
        let ok = ValidSite::try_from(&SiteInput {
            name: " Planta Famaillá ".into(),
            address: "Ruta 38 km 12".into(),
            territory_code: "AR-90035".into(),
        })
        .unwrap();
        assert_eq!(ok.name, "Planta Famaillá");
        assert_eq!(ok.address.as_deref(), Some("Ruta 38 km 12"));
        let e = ValidSite::try_from(&SiteInput::default()).unwrap_err();
        assert_eq!(
            e.0.iter().map(|f| (f.field, f.key)).collect::<Vec<_>>(),
            [
                ("site_name", "field-required"),
                ("site_territory_code", "field-required")
            ]
        );
    }

    #[test]
    fn agreements_need_a_kind_a_title_and_ordered_dates() {
        let ok = AgreementInput {
            kind: "internships".into(),
            title: "Convenio de prácticas 12/2026".into(),
            signed_on: "2026-03-01".into(),
            expires_on: "2027-02-28".into(),
            notes: String::new(),
        };
        let v = ValidAgreement::try_from(&ok).expect("valid");
        assert_eq!(v.kind, "internships");
        let bad = AgreementInput {
            kind: "loan".into(),
            signed_on: "2026-03-01".into(),
            expires_on: "2026-02-01".into(),
            ..ok
        };
        let errors = ValidAgreement::try_from(&bad).expect_err("invalid");
        let fields: Vec<_> = errors.0.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["kind", "expires_on"]);
    }
}
