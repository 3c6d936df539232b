//! Typed ids of the records modules hand each other: a function of a module's facade
//! takes a `PersonId`, not any `Uuid`, so an office id can never be passed for a person.
//! Each is a `Uuid` underneath: serialised as one (JSON, forms, paths), stored as one,
//! usable directly in a query filter (`Column::PersonId.eq(id)`) and as a field of a
//! query result.

use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize, sea_orm::DeriveValueType,
        )]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// The id as a plain `Uuid` (for a query or an entity field).
            pub fn uuid(self) -> Uuid {
                self.0
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map(Self)
            }
        }

        impl PartialEq<Uuid> for $name {
            fn eq(&self, other: &Uuid) -> bool {
                self.0 == *other
            }
        }
    };
}

id_type!(
    /// A person of the registry.
    PersonId
);
id_type!(
    /// An office (or any unit of the office tree).
    OfficeId
);
id_type!(
    /// An employer.
    EmployerId
);
id_type!(
    /// A vacancy.
    VacancyId
);
id_type!(
    /// A referral of a person to a vacancy.
    ReferralId
);
id_type!(
    /// A user account.
    UserId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_reads_and_writes_as_its_uuid() {
        let raw = Uuid::now_v7();
        let id = PersonId::from(raw);
        assert_eq!(id.to_string(), raw.to_string());
        assert_eq!(serde_json::to_string(&id).unwrap(), format!("\"{raw}\""));
        let back: PersonId = serde_json::from_str(&format!("\"{raw}\"")).unwrap();
        assert_eq!(back, id);
        assert_eq!(raw.to_string().parse::<PersonId>().unwrap(), id);
        assert!(id == raw);
        assert_eq!(Uuid::from(id), raw);
    }
}
