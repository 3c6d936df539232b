//! What an import checks rows against, loaded once per import: the offices rows may go
//! to and the territories they may name.

use std::collections::{HashMap, HashSet};

use sea_orm::{ConnectionTrait, EntityTrait};
use uuid::Uuid;

use super::Rejection;
use crate::input::ValidPerson;
use sipe_platform::i18n::Lang;
use sipe_platform::territory;

/// Where rows go: active offices by code, and the office serving each department (the
/// first active employment office covering it, by code). Loaded once per import.
pub(super) struct Offices {
    by_code: HashMap<String, Uuid>,
    by_department: HashMap<String, Uuid>,
}

impl Offices {
    pub(super) async fn load(conn: &impl ConnectionTrait) -> Result<Self, sea_orm::DbErr> {
        let offices = territory::store::all_offices(conn).await?;
        let by_code = offices
            .iter()
            .filter(|o| o.active)
            .map(|o| (o.code.clone(), o.id))
            .collect();
        let coverage = territory::entity::office_coverage::Entity::find()
            .all(conn)
            .await?;
        let mut by_department: HashMap<String, Uuid> = HashMap::new();
        // `all_offices` is ordered by code: the first serving office wins.
        for o in offices
            .iter()
            .filter(|o| o.active && o.kind == "employment_office")
        {
            for c in coverage.iter().filter(|c| c.office_id == o.id) {
                by_department
                    .entry(c.territory_code.clone())
                    .or_insert(o.id);
            }
        }
        Ok(Self {
            by_code,
            by_department,
        })
    }

    pub(super) fn resolve(&self, v: &ValidPerson) -> Result<Uuid, Rejection> {
        let found = match (&v.office_code, &v.department_code) {
            (Some(code), _) => self.by_code.get(&code.trim().to_uppercase()),
            (None, Some(dep)) => self.by_department.get(dep),
            (None, None) => None,
        };
        found.copied().ok_or_else(|| {
            let (column, reason) = if v.office_code.is_some() {
                (
                    "oficina_codigo",
                    "No existe una oficina activa con ese código.",
                )
            } else {
                (
                    "departamento_codigo",
                    "Ninguna oficina atiende ese departamento: indicá oficina_codigo.",
                )
            };
            Rejection {
                line: 0,
                column: column.into(),
                value: v
                    .office_code
                    .clone()
                    .or(v.department_code.clone())
                    .unwrap_or_default(),
                reason: reason.into(),
            }
        })
    }
}

/// The provinces and departments a row may name, with each department's province.
/// Loaded once per import.
pub(super) struct Territories {
    provinces: HashSet<String>,
    departments: HashMap<String, String>,
}

impl Territories {
    pub(super) async fn load(conn: &impl ConnectionTrait) -> Result<Self, sea_orm::DbErr> {
        let mut provinces = HashSet::new();
        let mut departments = HashMap::new();
        for t in territory::store::of_kinds(conn, &["province", "department"]).await? {
            match (t.kind.as_str(), t.parent_code) {
                ("province", _) => {
                    provinces.insert(t.code);
                }
                ("department", Some(parent)) => {
                    departments.insert(t.code, parent);
                }
                _ => {}
            }
        }
        Ok(Self {
            provinces,
            departments,
        })
    }

    /// The province and department exist and agree.
    pub(super) fn check(&self, v: &ValidPerson) -> Result<(), Rejection> {
        let reject = |column: &str, value: &str, reason: &str| Rejection {
            line: 0,
            column: column.into(),
            value: value.trim_start_matches("AR-").into(),
            reason: reason.into(),
        };
        if let Some(p) = &v.province_code
            && !self.provinces.contains(p)
        {
            return Err(reject(
                "provincia_codigo",
                p,
                &Lang::EsAr.t("person-province-unknown"),
            ));
        }
        if let Some(d) = &v.department_code {
            let Some(parent) = self.departments.get(d) else {
                return Err(reject(
                    "departamento_codigo",
                    d,
                    &Lang::EsAr.t("office-territory-unknown"),
                ));
            };
            if v.province_code.as_ref().is_some_and(|p| p != parent) {
                return Err(reject(
                    "departamento_codigo",
                    d,
                    &Lang::EsAr.t("person-department-other-province"),
                ));
            }
        }
        Ok(())
    }
}
