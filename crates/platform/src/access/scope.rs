//! The `Access` value: who acts, with which role, over which offices.
//!
//! Every store function that touches personal or office data receives an `Access` and
//! turns the relevant scope into a condition of its query, so a record outside the
//! scope is never read: it is simply "not found".

use sea_orm::Condition;
use sea_orm::sea_query::{Expr, ExprTrait, IntoColumnRef, Query};
use serde::Serialize;
use uuid::Uuid;

use super::roles::{Permission, Role};
use crate::territory::entity::office;

/// What a scope is used for (DHIS2's three kinds of organisation-unit assignment).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScopeKind {
    /// Offices where the user creates and edits records.
    Capture,
    /// Offices whose records the user may read.
    View,
    /// Offices where the user may look a person up.
    Search,
}

impl ScopeKind {
    /// All kinds, in display order.
    pub const ALL: [ScopeKind; 3] = [ScopeKind::Capture, ScopeKind::View, ScopeKind::Search];

    /// Identifier stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            ScopeKind::Capture => "capture",
            ScopeKind::View => "view",
            ScopeKind::Search => "search",
        }
    }

    /// Parses the stored identifier.
    pub fn parse(s: &str) -> Option<Self> {
        ScopeKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One office granted in a scope, with its hierarchy path (`/root-id/.../id/`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScopedOffice {
    /// The office id.
    pub id: Uuid,
    /// The office code, for display.
    pub code: String,
    /// Materialized path of the office in the hierarchy.
    pub path: String,
}

/// A territorial scope: national, or a set of offices and everything below them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Scope {
    /// Every office.
    National,
    /// The listed offices and their descendants.
    Offices(Vec<ScopedOffice>),
}

impl Scope {
    /// Condition on the `offices` table selecting the offices in scope.
    pub fn office_rows(&self) -> Condition {
        match self {
            Scope::National => Condition::all(),
            Scope::Offices(list) => list.iter().fold(Condition::any(), |cond, o| {
                cond.add(
                    Expr::col((office::Entity, office::Column::Path)).like(format!("{}%", o.path)),
                )
            }),
        }
    }

    /// Condition selecting rows whose `column` (an office id) lies in scope.
    ///
    /// Used by every module's store: `query.filter(access.view.owns(person::Column::OfficeId))`.
    pub fn owns<C: IntoColumnRef>(&self, column: C) -> Condition {
        match self {
            Scope::National => Condition::all(),
            Scope::Offices(_) => Condition::all().add(
                Expr::col(column).in_subquery(
                    Query::select()
                        .column(office::Column::Id)
                        .from(office::Entity)
                        .cond_where(self.office_rows())
                        .take(),
                ),
            ),
        }
    }

    /// Does the scope include the office with this path? (For records already loaded.)
    pub fn includes_path(&self, path: &str) -> bool {
        match self {
            Scope::National => true,
            Scope::Offices(list) => list.iter().any(|o| path.starts_with(&o.path)),
        }
    }

    /// Is this the national scope?
    pub fn is_national(&self) -> bool {
        matches!(self, Scope::National)
    }
}

/// The acting user as the rest of the system sees them.
#[derive(Debug, Clone, Serialize)]
pub struct Actor {
    /// User id.
    pub user_id: Uuid,
    /// Username, kept in audit rows so they stay readable after a user is renamed.
    pub username: String,
    /// Full name, for display.
    pub full_name: String,
}

/// Actor, role and scopes: passed to every store function that touches scoped data.
#[derive(Debug, Clone, Serialize)]
pub struct Access {
    /// Who acts.
    pub actor: Actor,
    /// Their role.
    pub role: Role,
    /// Where they create and edit.
    pub capture: Scope,
    /// What they may read.
    pub view: Scope,
    /// Where they may look people up.
    pub search: Scope,
    /// The partner organisation they work for (a training institution's staff), which
    /// the modules scope by instead of offices.
    pub affiliation: Option<Uuid>,
}

impl Access {
    /// The machine itself (CLI, demo loader): admin with national scopes.
    pub fn system(name: &str) -> Self {
        Access {
            actor: Actor {
                user_id: uuid::Uuid::nil(),
                username: name.to_owned(),
                full_name: name.to_owned(),
            },
            role: Role::Admin,
            capture: Scope::National,
            view: Scope::National,
            search: Scope::National,
            affiliation: None,
        }
    }

    /// Does the role grant `permission`, within this user's scope? Permissions over the
    /// whole system (the audit log, background jobs, imports, the shared vocabularies)
    /// also need a national scope: an admin of some offices has the role, not the reach.
    pub fn can(&self, permission: Permission) -> bool {
        self.role.can(permission)
            && (!permission.is_system_wide()
                || (self.capture.is_national() && self.view.is_national()))
    }

    /// Should menus and home cards offer what `permission` guards? What the role may do,
    /// less the registry's people and offices for an affiliated user, who reaches none
    /// of them (their pages would only ever be empty or "not found").
    pub fn offers(&self, permission: Permission) -> bool {
        self.can(permission)
            && !(self.affiliation.is_some()
                && matches!(
                    permission,
                    Permission::ViewPersons | Permission::ViewOffices
                ))
    }

    /// The scope of one kind.
    pub fn scope(&self, kind: ScopeKind) -> &Scope {
        match kind {
            ScopeKind::Capture => &self.capture,
            ScopeKind::View => &self.view,
            ScopeKind::Search => &self.search,
        }
    }
}
