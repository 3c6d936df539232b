//! Taxonomies shared by every module: ISCO-08 occupations in Argentine Spanish (with a
//! type-ahead over preferred and alternative labels) and the skills vocabulary that
//! admins extend.
//!
//! Invariants: occupation codes come only from the compiled-in reference data (the
//! catalogue in memory and the `occupations` table hold the same rows); skills are
//! never deleted, only deactivated, so profiles keep pointing at them.

pub mod catalog;
pub mod copy;
pub mod entity;
pub mod handlers;
pub mod reference;
pub mod skills;
pub mod titles;
pub mod titles_web;

use std::sync::OnceLock;

use crate::access::Permission;
use crate::web::{Guard, Routes};

pub use catalog::{Catalog, Hit};
pub use titles::{Gender, Occupations};

/// The occupations catalogue (built once from the compiled-in reference data).
pub fn occupations() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        // The same data is tested to parse; an error here would be a build defect.
        let list = reference::occupations().unwrap_or_default();
        Catalog::new(list.into_iter().map(|o| {
            let alts = o
                .alt_labels
                .lines()
                .filter(|l| !is_task_phrase(l))
                .map(str::to_owned)
                .collect::<Vec<_>>();
            // A task as the preferred label ("operar maquinaria terrestre") gives way
            // to the first title among the alternatives.
            let label = if is_task_phrase(&o.label) {
                alts.first()
                    .cloned()
                    .unwrap_or_else(|| o.label.strip_prefix("ser ").unwrap_or(&o.label).to_owned())
            } else {
                o.label.clone()
            };
            (o.code, label, alts)
        }))
    })
}

/// Nouns of the reference's alternative labels that end like a Spanish infinitive.
const NOUNS_LIKE_VERBS: &[&str] = &[
    "auxiliar",
    "trainer",
    "líder",
    "mercader",
    "primer",
    "mujer",
    "hilander",
    "vlogger",
    "reporter",
    "crupier",
    "sumiller",
    "brigadier",
    "hacker",
    "tercer",
    "chófer",
    "podcaster",
    "dispatcher",
    "titular",
];

/// Is an alternative label a task ("gestionar un almacén", "ser albañil") rather than a
/// job title? Such labels made the type-ahead offer verb phrases.
fn is_task_phrase(label: &str) -> bool {
    let Some((first, _)) = label.trim().split_once(' ') else {
        return false;
    };
    let first = first.split('/').next().unwrap_or(first).to_lowercase();
    ["ar", "er", "ir"].iter().any(|e| first.ends_with(e))
        && !NOUNS_LIKE_VERBS.contains(&first.as_str())
}

/// The unit group of an occupation code (`7112.1` → `7112`).
pub fn unit_group(code: &str) -> &str {
    code.split(['.', '_']).next().unwrap_or(code)
}

/// Routes of the module.
pub fn routes() -> Routes {
    use handlers::*;
    let reference = Guard::Web(Permission::ViewTerritories);
    let manage = Guard::Web(Permission::ManageTaxonomy);
    Routes::new()
        .get("/occupations", reference, list_occupations)
        .get("/occupations/suggest", reference, suggest_occupations)
        .get(
            "/api/v1/occupations",
            Guard::Api(Permission::ViewTerritories),
            api_occupations,
        )
        .get("/skills/suggest", reference, suggest_skills)
        .get(
            "/api/v1/skills",
            Guard::Api(Permission::ViewTerritories),
            api_skills,
        )
        .get("/admin/skills", manage, list_skills)
        .post("/admin/skills", manage, create_skill)
        .post("/admin/skills/{id}/toggle", manage, toggle_skill)
        .get("/admin/occupation-titles", manage, titles_web::list_titles)
        .post("/admin/occupation-titles", manage, titles_web::create_title)
        .get(
            "/admin/occupation-titles/{id}",
            manage,
            titles_web::edit_title,
        )
        .post(
            "/admin/occupation-titles/{id}",
            manage,
            titles_web::update_title,
        )
        .post(
            "/admin/occupation-titles/{id}/toggle",
            manage,
            titles_web::toggle_title,
        )
        .get(
            "/api/v1/occupation-titles",
            Guard::Api(Permission::ViewTerritories),
            titles_web::api_list_titles,
        )
        .post(
            "/api/v1/occupation-titles",
            Guard::Api(Permission::ManageTaxonomy),
            titles_web::api_create_title,
        )
        .put(
            "/api/v1/occupation-titles/{id}",
            Guard::Api(Permission::ManageTaxonomy),
            titles_web::api_update_title,
        )
}

/// Occupations and skills, as the application sees them.
pub const MODULE: crate::module::Module = crate::module::Module {
    routes,
    openapi,
    nav: &[
        crate::module::NavEntry {
            area: crate::module::Area::Administration,
            href: "/occupations",
            label: "nav-occupations",
            permission: Permission::ViewTerritories,
        },
        crate::module::NavEntry {
            area: crate::module::Area::Administration,
            href: "/admin/occupation-titles",
            label: "nav-occupation-titles",
            permission: Permission::ManageTaxonomy,
        },
        crate::module::NavEntry {
            area: crate::module::Area::Administration,
            href: "/admin/skills",
            label: "nav-skills",
            permission: Permission::ManageTaxonomy,
        },
    ],
    start: Some(|ctx| {
        ctx.extensions.insert(skills::SkillsCache::default());
        ctx.extensions.insert(titles::OccupationsCache::default());
        Ok(())
    }),
    ..crate::module::Module::new("taxonomy")
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn occupations_resolve_from_code_label_or_words() {
        let mason = occupations().search("albañil", 1);
        assert_eq!(unit_group(&mason[0].code), "7112");
        let by_code = occupations().resolve(&mason[0].code).unwrap();
        assert_eq!(by_code.label, mason[0].label);
        let typed = format!("{} ({})", mason[0].label, mason[0].code);
        assert_eq!(occupations().resolve(&typed).unwrap().code, mason[0].code);
        assert!(occupations().resolve("qqqqzzzz").is_none());
        // Task phrases of the reference are not offered as titles.
        for typed in ["albañil", "oficial", "gestionar"] {
            let hits = occupations().search(typed, 50);
            assert!(
                hits.iter().all(|h| {
                    let first = h.matched.as_deref().unwrap_or(&h.label);
                    !first.starts_with("ser ") && !first.starts_with("gestionar ")
                }),
                "{typed}: {hits:?}"
            );
        }
    }

    #[test]
    fn the_type_ahead_tolerates_accents_and_typos_on_real_data() {
        let hits = occupations().search("electrisista", 10);
        assert!(
            hits.iter().any(|h| h.label.contains("electricista")),
            "{hits:?}"
        );
        let hits = occupations().search("trabajador cosecha", 10);
        assert!(hits.iter().any(|h| h.label.contains("cosecha")), "{hits:?}");
        let hits = occupations().search("albanil", 10);
        assert!(hits.iter().any(|h| h.label.contains("albañil")), "{hits:?}");
        // A typo keeps the first letter: "niñera" is not "minera".
        let hits = occupations().search("niñera", 10);
        assert!(hits.iter().all(|h| !h.label.contains("miner")), "{hits:?}");
    }
}

/// The module's part of the API document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    handlers::api_occupations,
    handlers::api_skills,
    titles_web::api_list_titles,
    titles_web::api_create_title,
    titles_web::api_update_title,
))]
struct ApiDoc;

/// The module's paths and schemas of the API document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    <ApiDoc as utoipa::OpenApi>::openapi()
}
