//! The structured interview (entrevista): an operator records the person's situation,
//! desired occupations, availability, barriers and notes. Saving it updates the profile
//! (desired occupations, availability) and adds a dated entry to the timeline.

use chrono::{SubsecRound, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::entity::{interview, profile_item};
use crate::profile::{self, AVAILABILITY_HOURS, MAX_DESIRED};
use crate::service::{PersonError, record_changes};
use crate::store;
use crate::timeline::{self, NewEvent};
use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db};
use sipe_platform::ids::PersonId;
use sipe_platform::validation::{self, FieldErrors};

/// Situations an interview records.
pub const SITUATIONS: [&str; 5] = [
    "first_job",
    "unemployed",
    "underemployed",
    "employed_seeking",
    "inactive",
];
/// Days of the week.
pub const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
/// Barriers to employment.
pub const BARRIERS: [&str; 9] = [
    "transport",
    "care_duties",
    "health",
    "disability",
    "low_education",
    "no_experience",
    "digital_skills",
    "documentation",
    "other",
];

/// An interview as entered.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct InterviewInput {
    /// One of the situation codes.
    pub situation: String,
    /// Up to three desired occupations (code, `label (code)` or words), in order.
    pub desired: Vec<String>,
    /// `full_time`, `part_time`, `any`.
    pub hours: String,
    /// Days available (`mon`…`sun`).
    pub days: Vec<String>,
    /// Travel radius in km.
    pub travel_radius_km: String,
    /// Barrier codes.
    pub barriers: Vec<String>,
    /// Counselor notes.
    pub notes: String,
    /// Keep desired occupations not in the vocabulary as typed, "sin codificar".
    pub uncoded: String,
}

#[derive(Debug)]
struct ValidInterview {
    situation: String,
    desired: Vec<sipe_platform::taxonomy::Hit>,
    hours: String,
    days: Vec<String>,
    travel_radius_km: Option<i32>,
    barriers: Vec<String>,
    notes: String,
}

fn validate(
    input: &InterviewInput,
    occupations: &sipe_platform::taxonomy::Occupations,
) -> Result<ValidInterview, FieldErrors> {
    let mut e = FieldErrors::new();
    let situation = input.situation.trim().to_owned();
    if !SITUATIONS.contains(&situation.as_str()) {
        e.add(
            "situation",
            if situation.is_empty() {
                "field-required"
            } else {
                "field-choice-invalid"
            },
        );
    }
    let typed: Vec<&str> = input
        .desired
        .iter()
        .map(|d| d.trim())
        .filter(|d| !d.is_empty())
        .collect();
    if typed.len() > MAX_DESIRED {
        e.add("desired", "profile-desired-max");
    }
    let mut desired: Vec<sipe_platform::taxonomy::Hit> = Vec::new();
    for t in typed.iter().take(MAX_DESIRED) {
        match occupations.resolve(t, sipe_platform::taxonomy::Gender::Unknown) {
            Some(hit) if !desired.iter().any(|d| d.code == hit.code) => desired.push(hit),
            Some(_) => {}
            None if profile::flag(&input.uncoded) => {
                let label = validation::text(&mut e, "desired", t, true, 120);
                let folded = sipe_platform::text::fold(&label);
                if !desired
                    .iter()
                    .any(|d| d.code.is_empty() && sipe_platform::text::fold(&d.label) == folded)
                {
                    desired.push(sipe_platform::taxonomy::Hit {
                        code: crate::profile::UNCODED.to_owned(),
                        label,
                        matched: None,
                    });
                }
            }
            None => e.add("desired", "occupation-not-found"),
        }
    }
    let hours = input.hours.trim().to_owned();
    if !AVAILABILITY_HOURS.contains(&hours.as_str()) {
        e.add(
            "hours",
            if hours.is_empty() {
                "field-required"
            } else {
                "field-choice-invalid"
            },
        );
    }
    let days: Vec<String> = DAYS
        .iter()
        .filter(|d| input.days.iter().any(|x| x.trim() == **d))
        .map(|d| (*d).to_owned())
        .collect();
    if input.days.iter().any(|d| !DAYS.contains(&d.trim())) {
        e.add("days", "field-choice-invalid");
    }
    let travel_radius_km = match input.travel_radius_km.trim() {
        "" => None,
        raw => match raw.parse::<i32>() {
            Ok(n) if (0..=1000).contains(&n) => Some(n),
            _ => {
                e.add("travel_radius_km", "field-number-invalid");
                None
            }
        },
    };
    let barriers: Vec<String> = BARRIERS
        .iter()
        .filter(|b| input.barriers.iter().any(|x| x.trim() == **b))
        .map(|b| (*b).to_owned())
        .collect();
    if input.barriers.iter().any(|b| !BARRIERS.contains(&b.trim())) {
        e.add("barriers", "field-choice-invalid");
    }
    let notes = validation::multiline_text(&mut e, "notes", &input.notes, false, 4000);
    e.into_result()?;
    Ok(ValidInterview {
        situation,
        desired,
        hours,
        days,
        travel_radius_km,
        barriers,
        notes,
    })
}

/// Records an interview (capture scope) and updates the profile from it, all in one
/// transaction. Returns the interview id.
pub async fn record(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    person_id: Uuid,
    input: &InterviewInput,
) -> Result<Uuid, PersonError> {
    let occupations = sipe_platform::taxonomy::Occupations::read(db).await?;
    let mut v = validate(input, &occupations)?;
    let tx = db::begin_write(db).await?;
    let person = store::find_person(&tx, access, ScopeKind::Capture, PersonId(person_id))
        .await?
        .ok_or(PersonError::NotFound)?;
    let gender = sipe_platform::taxonomy::Gender::parse(&person.sex);
    for hit in &mut v.desired {
        hit.label = occupations.gendered(&hit.code, &hit.label, gender);
    }
    let id = Uuid::now_v7();
    let now = Utc::now().trunc_subsecs(6);
    // The interview names the counsellor as people know them, not by user name.
    let interviewer = match ctx.actor_id {
        Some(user) => sipe_platform::access::store::find_user(&tx, user)
            .await?
            .map(|u| u.full_name)
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| ctx.actor_name.clone()),
        None => ctx.actor_name.clone(),
    };
    interview::ActiveModel {
        id: Set(id),
        person_id: Set(person_id),
        office_id: Set(person.office_id),
        at: Set(now),
        interviewer_id: Set(ctx.actor_id),
        interviewer_name: Set(interviewer),
        situation: Set(v.situation.clone()),
        hours: Set(v.hours.clone()),
        days: Set(v.days.join(",")),
        travel_radius_km: Set(v.travel_radius_km),
        barriers: Set(v.barriers.join(",")),
        notes: Set(v.notes.clone()),
    }
    .insert(&tx)
    .await?;
    // Desired occupations: the interview's list replaces the previous one.
    let old: Vec<profile_item::Model> = profile::items(&tx, person_id)
        .await?
        .into_iter()
        // Occupations a certificate certifies are not the interview's to replace.
        .filter(|i| i.kind == "desired" && i.evidence.is_none())
        .collect();
    let describe = |labels: Vec<String>| (!labels.is_empty()).then(|| labels.join("; "));
    let before_desired = describe(old.iter().map(|i| i.label.clone()).collect());
    let after_desired = describe(v.desired.iter().map(|h| h.label.clone()).collect());
    if before_desired != after_desired {
        profile_item::Entity::delete_many()
            .filter(profile_item::Column::PersonId.eq(person_id))
            .filter(profile_item::Column::Kind.eq("desired"))
            .filter(profile_item::Column::Evidence.is_null())
            .exec(&tx)
            .await?;
        for (rank, hit) in v.desired.iter().enumerate() {
            profile_item::ActiveModel {
                id: Set(Uuid::now_v7()),
                person_id: Set(person_id),
                kind: Set("desired".into()),
                code: Set(hit.code.clone()),
                label: Set(hit.label.clone()),
                level: Set(Some((rank + 1).to_string())),
                employer: Set(None),
                from_date: Set(None),
                to_date: Set(None),
                note: Set(None),
                created_at: Set(now),
                created_by: Set(ctx.actor_name.clone()),
                evidence: Set(None),
            }
            .insert(&tx)
            .await?;
        }
    }
    let before = {
        let mut s = profile::situation_snapshot(&person);
        s.push(("desired_occupations", before_desired));
        s
    };
    let mut a = person.into_active_model();
    a.availability_hours = Set(Some(v.hours.clone()));
    if v.travel_radius_km.is_some() {
        a.travel_radius_km = Set(v.travel_radius_km);
    }
    a.updated_at = Set(Utc::now());
    let updated = a.update(&tx).await?;
    let mut after = profile::situation_snapshot(&updated);
    after.push(("desired_occupations", after_desired));
    record_changes(&tx, ctx, &updated, &before, &after).await?;
    audit::record(
        &tx,
        ctx,
        Change::new("interview.create", "interview", id).after(serde_json::json!({
            "person_id": person_id,
            "situation": v.situation,
            "desired": v.desired.iter().map(|h| &h.code).collect::<Vec<_>>(),
        })),
    )
    .await?;
    timeline::append(
        &tx,
        ctx,
        NewEvent {
            person_id,
            kind: "interview",
            args: vec![(
                "situation",
                timeline::Arg::key(format!("timeline-situation-{}", v.situation)),
            )],
            link: Some(format!("/persons/{person_id}/interviews/{id}")),
            office_id: Some(updated.office_id),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A person's interviews, newest first.
pub async fn list(
    conn: &impl ConnectionTrait,
    person_id: Uuid,
) -> Result<Vec<interview::Model>, sea_orm::DbErr> {
    interview::Entity::find()
        .filter(interview::Column::PersonId.eq(person_id))
        .order_by_desc(interview::Column::At)
        .all(conn)
        .await
}

/// One interview of a person.
pub async fn find(
    conn: &impl ConnectionTrait,
    person_id: Uuid,
    id: Uuid,
) -> Result<Option<interview::Model>, sea_orm::DbErr> {
    interview::Entity::find_by_id(id)
        .filter(interview::Column::PersonId.eq(person_id))
        .one(conn)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interview_needs_a_situation_and_hours_and_at_most_three_occupations() {
        let bad = InterviewInput {
            desired: vec![
                "albañil".into(),
                "cocinero".into(),
                "electricista".into(),
                "chofer".into(),
            ],
            days: vec!["mon".into(), "funday".into()],
            ..Default::default()
        };
        let fields: Vec<_> = validate(&bad, &sipe_platform::taxonomy::Occupations::new(Vec::new()))
            .unwrap_err()
            .0
            .iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["situation", "desired", "hours", "days"]);
        let good = InterviewInput {
            situation: "unemployed".into(),
            desired: vec!["albanil".into(), String::new()],
            hours: "any".into(),
            days: vec!["tue".into(), "mon".into()],
            ..Default::default()
        };
        let v = validate(
            &good,
            &sipe_platform::taxonomy::Occupations::new(Vec::new()),
        )
        .unwrap();
        assert_eq!(v.desired.len(), 1);
        assert_eq!(v.days, ["mon", "tue"]);
    }
}
