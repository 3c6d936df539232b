//! Taxonomies shared by every module: ISCO-08 occupations in Argentine Spanish (with a
//! type-ahead over preferred and alternative labels) and the skills vocabulary that
//! admins extend.
//!
//! Invariants: occupation codes come only from the compiled-in reference data (the
//! catalogue in memory and the `occupations` table hold the same rows); skills are
//! never deleted, only deactivated, so profiles keep pointing at them.

pub mod catalog;
pub mod entity;
pub mod handlers;
pub mod reference;
pub mod skills;

use std::sync::OnceLock;

use crate::access::Permission;
use crate::web::{Guard, Routes};

pub use catalog::{Catalog, Hit};

/// The occupations catalogue (built once from the compiled-in reference data).
pub fn occupations() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        // The same data is tested to parse; an error here would be a build defect.
        let list = reference::occupations().unwrap_or_default();
        Catalog::new(list.into_iter().map(|o| {
            let alts = o.alt_labels.lines().map(str::to_owned).collect::<Vec<_>>();
            (o.code, o.label, alts)
        }))
    })
}

/// Resolves what a form sent for an occupation: a code, `label (code)` as the
/// type-ahead writes it, or words whose best match is taken.
pub fn resolve_occupation(typed: &str) -> Option<Hit> {
    occupations().resolve(typed)
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
            href: "/admin/skills",
            label: "nav-skills",
            permission: Permission::ManageTaxonomy,
        },
    ],
    start: Some(|ctx| {
        ctx.extensions.insert(skills::SkillsCache::default());
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
        let by_code = resolve_occupation(&mason[0].code).unwrap();
        assert_eq!(by_code.label, mason[0].label);
        let typed = format!("{} ({})", mason[0].label, mason[0].code);
        assert_eq!(resolve_occupation(&typed).unwrap().code, mason[0].code);
        assert!(resolve_occupation("qqqqzzzz").is_none());
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
    }
}

/// The module's part of the API document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(handlers::api_occupations, handlers::api_skills,))]
struct ApiDoc;

/// The module's paths and schemas of the API document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    <ApiDoc as utoipa::OpenApi>::openapi()
}
