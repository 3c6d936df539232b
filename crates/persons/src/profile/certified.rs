//! Skills a training certificate certifies: the evidence on the profile item, set when
//! the certificate is issued and taken back when it is revoked, inside the training
//! module's transaction.

use chrono::{SubsecRound, Utc};
use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
use uuid::Uuid;

use super::touch;
use crate::entity::profile_item;
use sipe_platform::audit::AuditCtx;
use sipe_platform::ids::PersonId;

/// The evidence a certificate leaves on the skills it certifies.
fn evidence_of(certificate: &str) -> (String, String) {
    let added = format!("certificate:{certificate}");
    let declared = format!("{added}+declared");
    (added, declared)
}

/// Marks these skills (code, label) certified by a training certificate, inside the
/// caller's transaction: a skill the person declared keeps its row and gains the
/// evidence; one they did not is added. Returns how many rows changed.
pub async fn certify_skills(
    conn: &impl sea_orm::ConnectionTrait,
    ctx: &AuditCtx,
    person: PersonId,
    skills: &[(String, String)],
    certificate: &str,
) -> Result<usize, sea_orm::DbErr> {
    certify(conn, ctx, person, "skill", skills, certificate).await
}

/// Marks an occupation (code, label) certified by a competency certificate, as one the
/// person seeks (`desired`), the same way.
pub async fn certify_occupation(
    conn: &impl sea_orm::ConnectionTrait,
    ctx: &AuditCtx,
    person: PersonId,
    occupation: (String, String),
    certificate: &str,
) -> Result<usize, sea_orm::DbErr> {
    certify(conn, ctx, person, "desired", &[occupation], certificate).await
}

async fn certify(
    conn: &impl sea_orm::ConnectionTrait,
    ctx: &AuditCtx,
    person: PersonId,
    kind: &str,
    skills: &[(String, String)],
    certificate: &str,
) -> Result<usize, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let (added, declared) = evidence_of(certificate);
    let mut changed = 0;
    for (code, label) in skills {
        let existing = profile_item::Entity::find()
            .filter(profile_item::Column::PersonId.eq(person))
            .filter(profile_item::Column::Kind.eq(kind))
            .filter(profile_item::Column::Code.eq(code.clone()))
            .one(conn)
            .await?;
        match existing {
            Some(item) if item.evidence.is_some() => {}
            Some(item) => {
                let mut a = item.into_active_model();
                a.evidence = Set(Some(declared.clone()));
                a.update(conn).await?;
                changed += 1;
            }
            None => {
                profile_item::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    person_id: Set(person.uuid()),
                    kind: Set(kind.into()),
                    code: Set(code.clone()),
                    label: Set(label.clone()),
                    level: Set(None),
                    employer: Set(None),
                    from_date: Set(None),
                    to_date: Set(None),
                    note: Set(None),
                    created_at: Set(Utc::now().trunc_subsecs(6)),
                    created_by: Set(ctx.actor_name.clone()),
                    evidence: Set(Some(added.clone())),
                }
                .insert(conn)
                .await?;
                changed += 1;
            }
        }
    }
    if changed > 0 {
        touch(conn, person.uuid()).await?;
    }
    Ok(changed)
}

/// Takes back what a revoked certificate certified: the skills it added go, the ones
/// the person had declared stay as declared. Returns how many rows changed.
pub async fn withdraw_certification(
    conn: &impl sea_orm::ConnectionTrait,
    person: PersonId,
    certificate: &str,
) -> Result<usize, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    let (added, declared) = evidence_of(certificate);
    let gone = profile_item::Entity::delete_many()
        .filter(profile_item::Column::PersonId.eq(person))
        .filter(profile_item::Column::Evidence.eq(added))
        .exec(conn)
        .await?
        .rows_affected;
    let kept = profile_item::Entity::update_many()
        .col_expr(
            profile_item::Column::Evidence,
            Expr::value(Option::<String>::None),
        )
        .filter(profile_item::Column::PersonId.eq(person))
        .filter(profile_item::Column::Evidence.eq(declared))
        .exec(conn)
        .await?
        .rows_affected;
    let changed = (gone + kept) as usize;
    if changed > 0 {
        touch(conn, person.uuid()).await?;
    }
    Ok(changed)
}

/// The certificate code of an item's evidence, if it is a certified skill or occupation.
pub fn certificate_of(evidence: Option<&str>) -> Option<&str> {
    let rest = evidence?.strip_prefix("certificate:")?;
    Some(rest.strip_suffix("+declared").unwrap_or(rest))
}
