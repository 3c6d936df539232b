//! Loads territories from the versioned reference data compiled into the binary.
//! Each country is a folder with CSV files and a `manifest.toml` naming their columns,
//! so another country's units are added as data, not code.

use std::collections::HashMap;

use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, Set};
use serde::Deserialize;

use super::entity::territory;

/// One country's files: (manifest, [(file name, contents)]).
struct CountryData {
    manifest: &'static str,
    files: &'static [(&'static str, &'static str)],
}

const COUNTRIES: &[CountryData] = &[CountryData {
    manifest: include_str!("../../reference/ar/manifest.toml"),
    files: &[
        (
            "provincias.csv",
            include_str!("../../reference/ar/provincias.csv"),
        ),
        (
            "departamentos.csv",
            include_str!("../../reference/ar/departamentos.csv"),
        ),
    ],
}];

#[derive(Deserialize)]
struct Manifest {
    country_code: String,
    country_name: String,
    provinces: Level,
    departments: Level,
}

#[derive(Deserialize)]
struct Level {
    file: String,
    code: String,
    name: String,
    parent: Option<String>,
    iso: Option<String>,
    population: Option<String>,
}

/// Why the reference data could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ReferenceError {
    /// A manifest or CSV file is malformed.
    #[error("reference data: {0}")]
    Data(String),
    /// The database refused the rows.
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Territory code of a unit: country prefix and national code (`AR-90`, `AR-90084`).
pub fn code(country: &str, national_code: &str) -> String {
    format!("{country}-{national_code}")
}

fn rows(csv_text: &str, level: &Level) -> Result<Vec<HashMap<String, String>>, ReferenceError> {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| ReferenceError::Data(e.to_string()))?
        .clone();
    for col in [Some(&level.code), Some(&level.name), level.parent.as_ref()]
        .into_iter()
        .flatten()
    {
        if !headers.iter().any(|h| h == col) {
            return Err(ReferenceError::Data(format!(
                "{}: no column {col}",
                level.file
            )));
        }
    }
    reader
        .records()
        .map(|r| {
            let r = r.map_err(|e| ReferenceError::Data(format!("{}: {e}", level.file)))?;
            Ok(headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_owned(), v.to_owned()))
                .collect())
        })
        .collect()
}

fn get<'a>(row: &'a HashMap<String, String>, col: &Option<String>) -> Option<&'a str> {
    col.as_ref()
        .and_then(|c| row.get(c))
        .map(|s| s.as_str())
        .filter(|s| !s.is_empty())
}

/// Inserts or updates every country, province and department; returns how many units.
pub async fn load(conn: &impl ConnectionTrait) -> Result<usize, ReferenceError> {
    let mut count = 0;
    for country in COUNTRIES {
        let m: Manifest =
            toml::from_str(country.manifest).map_err(|e| ReferenceError::Data(e.to_string()))?;
        let file = |name: &str| {
            country
                .files
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, c)| *c)
                .ok_or_else(|| ReferenceError::Data(format!("{name} is not compiled in")))
        };
        let mut units = vec![territory::Model {
            code: m.country_code.clone(),
            kind: "country".into(),
            name: m.country_name.clone(),
            parent_code: None,
            country_code: m.country_code.clone(),
            indec_code: None,
            iso_code: Some(m.country_code.clone()),
            population: None,
        }];
        for row in rows(file(&m.provinces.file)?, &m.provinces)? {
            let national = &row[&m.provinces.code];
            units.push(territory::Model {
                code: code(&m.country_code, national),
                kind: "province".into(),
                name: row[&m.provinces.name].clone(),
                parent_code: Some(m.country_code.clone()),
                country_code: m.country_code.clone(),
                indec_code: Some(national.clone()),
                iso_code: get(&row, &m.provinces.iso).map(str::to_owned),
                population: get(&row, &m.provinces.population).and_then(|p| p.parse().ok()),
            });
        }
        for row in rows(file(&m.departments.file)?, &m.departments)? {
            let national = &row[&m.departments.code];
            let parent = get(&row, &m.departments.parent).ok_or_else(|| {
                ReferenceError::Data(format!("department {national} has no province"))
            })?;
            units.push(territory::Model {
                code: code(&m.country_code, national),
                kind: "department".into(),
                name: row[&m.departments.name].clone(),
                parent_code: Some(code(&m.country_code, parent)),
                country_code: m.country_code.clone(),
                indec_code: Some(national.clone()),
                iso_code: None,
                population: get(&row, &m.departments.population).and_then(|p| p.parse().ok()),
            });
        }
        count += units.len();
        // Parents come before children in `units`, so foreign keys hold at every insert.
        for chunk in units.chunks(200) {
            let models = chunk.iter().cloned().map(|u| territory::ActiveModel {
                code: Set(u.code),
                kind: Set(u.kind),
                name: Set(u.name),
                parent_code: Set(u.parent_code),
                country_code: Set(u.country_code),
                indec_code: Set(u.indec_code),
                iso_code: Set(u.iso_code),
                population: Set(u.population),
            });
            territory::Entity::insert_many(models)
                .on_conflict(
                    OnConflict::column(territory::Column::Code)
                        .update_columns([
                            territory::Column::Name,
                            territory::Column::Kind,
                            territory::Column::ParentCode,
                            territory::Column::IsoCode,
                            territory::Column::Population,
                        ])
                        .to_owned(),
                )
                .exec(conn)
                .await?;
        }
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_parse_and_name_existing_columns() {
        for country in COUNTRIES {
            let m: Manifest = toml::from_str(country.manifest).expect("manifest");
            for level in [&m.provinces, &m.departments] {
                let (_, text) = country
                    .files
                    .iter()
                    .find(|(n, _)| *n == level.file)
                    .expect("file");
                let rows = rows(text, level).expect("rows");
                assert!(!rows.is_empty());
            }
        }
    }

    #[test]
    fn argentina_has_24_provinces_and_tucuman_17_departments() {
        let m: Manifest = toml::from_str(COUNTRIES[0].manifest).expect("manifest");
        let provinces = rows(COUNTRIES[0].files[0].1, &m.provinces).expect("rows");
        assert_eq!(provinces.len(), 24);
        let deps = rows(COUNTRIES[0].files[1].1, &m.departments).expect("rows");
        assert_eq!(
            deps.iter()
                .filter(|r| r["provincia_codigo"] == "90")
                .count(),
            17
        );
    }
}
