//! Recording and reading a person's bank account.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, Set};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use super::{Account, AccountInput};
use crate::entity::bank_account;
use crate::error::ProgrammeError;
use sipe_persons::timeline::{self, Arg, NewEvent};
use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db};
use sipe_platform::ids::PersonId;

/// A person's account as pages and the API show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct BankAccount {
    /// `cbu` or `alias`.
    pub kind: String,
    /// 22 digits, when a CBU.
    pub cbu: Option<String>,
    /// The bank's code (the CBU's first three digits).
    pub bank_code: Option<String>,
    /// When an alias.
    pub alias: Option<String>,
    /// Who recorded it.
    pub updated_by: String,
    /// When.
    pub updated_at: chrono::DateTime<Utc>,
}

impl From<bank_account::Model> for BankAccount {
    fn from(m: bank_account::Model) -> Self {
        BankAccount {
            bank_code: m.cbu.as_deref().map(|c| super::bank_code(c).to_owned()),
            kind: m.kind,
            cbu: m.cbu,
            alias: m.alias,
            updated_by: m.updated_by,
            updated_at: m.updated_at,
        }
    }
}

impl BankAccount {
    /// The account with the CBU's middle hidden (`CBU 285 … 5201`), for the audit and the
    /// timeline.
    pub fn masked(&self) -> String {
        match (&self.cbu, &self.alias) {
            (Some(c), _) if c.len() == 22 => format!("CBU {} … {}", &c[..3], &c[18..]),
            (_, Some(a)) => format!("alias {a}"),
            _ => String::new(),
        }
    }
}

/// The person's account, if recorded (the caller has checked the person is visible).
pub async fn of_person(
    conn: &impl ConnectionTrait,
    person: Uuid,
) -> Result<Option<BankAccount>, DbErr> {
    Ok(bank_account::Entity::find_by_id(person)
        .one(conn)
        .await?
        .map(BankAccount::from))
}

/// The person's account, for a caller who may view the person; "not found" outside the
/// view scope.
pub async fn read(
    db: &Db,
    access: &Access,
    person: Uuid,
) -> Result<Option<BankAccount>, ProgrammeError> {
    sipe_persons::store::find_person(db, access, ScopeKind::View, PersonId(person))
        .await?
        .ok_or(ProgrammeError::NotFound)?;
    Ok(of_person(db, person).await?)
}

/// Records (or replaces) the account of a person in the caller's capture scope, in one
/// transaction with its audit row (digits hidden but the bank's and the last four) and
/// its timeline entry.
pub async fn set(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    person: Uuid,
    input: &AccountInput,
) -> Result<BankAccount, ProgrammeError> {
    let account = input.validate()?;
    let tx = db::begin_write(db).await?;
    let p = sipe_persons::store::find_person(&tx, access, ScopeKind::Capture, PersonId(person))
        .await?
        .ok_or(ProgrammeError::NotFound)?;
    let before = of_person(&tx, person).await?;
    let (kind, cbu, alias) = match &account {
        Account::Cbu(c) => ("cbu", Some(c.clone()), None),
        Account::Alias(a) => ("alias", None, Some(a.clone())),
    };
    let now = Utc::now();
    let saved = match bank_account::Entity::find_by_id(person).one(&tx).await? {
        Some(current) => {
            let mut a = current.into_active_model();
            a.kind = Set(kind.to_owned());
            a.cbu = Set(cbu);
            a.alias = Set(alias);
            a.updated_by = Set(access.actor.full_name.clone());
            a.updated_at = Set(now);
            a.update(&tx).await?
        }
        None => {
            bank_account::ActiveModel {
                person_id: Set(person),
                kind: Set(kind.to_owned()),
                cbu: Set(cbu),
                alias: Set(alias),
                updated_by: Set(access.actor.full_name.clone()),
                updated_at: Set(now),
            }
            .insert(&tx)
            .await?
        }
    };
    let after = BankAccount::from(saved);
    audit::record(
        &tx,
        ctx,
        Change::new("programmes.bank_account.set", "person", person)
            .before(json!(before.as_ref().map(BankAccount::masked)))
            .after(json!(after.masked())),
    )
    .await?;
    timeline::append(
        &tx,
        ctx,
        NewEvent {
            person_id: person,
            kind: "programmes.bank_account",
            args: vec![("account", Arg::text(after.masked()))],
            link: None,
            office_id: Some(p.office_id),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
