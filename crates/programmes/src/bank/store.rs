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
    /// The account with its digits hidden but the bank's and the last four (what those
    /// who may not record accounts see).
    pub masked: String,
    /// Who recorded it.
    pub updated_by: String,
    /// When.
    pub updated_at: chrono::DateTime<Utc>,
}

impl From<bank_account::Model> for BankAccount {
    fn from(m: bank_account::Model) -> Self {
        let masked = masked(m.cbu.as_deref(), m.alias.as_deref());
        BankAccount {
            bank_code: m.cbu.as_deref().map(|c| super::bank_code(c).to_owned()),
            masked,
            kind: m.kind,
            cbu: m.cbu,
            alias: m.alias,
            updated_by: m.updated_by,
            updated_at: m.updated_at,
        }
    }
}

/// An account as written (22 digits, or an alias) with its middle hidden.
pub fn mask(account: &str) -> String {
    if account.len() == 22 && account.chars().all(|c| c.is_ascii_digit()) {
        masked(Some(account), None)
    } else {
        masked(None, Some(account))
    }
}

/// An account with its middle hidden: `CBU 285 … 5201`, `alias ca…`.
fn masked(cbu: Option<&str>, alias: Option<&str>) -> String {
    match (cbu, alias) {
        (Some(c), _) if c.len() == 22 => format!("CBU {} … {}", &c[..3], &c[18..]),
        (_, Some(a)) => format!("alias {}…", a.chars().take(2).collect::<String>()),
        _ => String::new(),
    }
}

impl BankAccount {
    /// The account as this reader may see it: whole for those who record accounts,
    /// masked (`masked` only) for the rest.
    pub fn for_reader(mut self, access: &Access) -> Self {
        if !access.can(sipe_platform::access::Permission::EditProgrammes) {
            self.cbu = None;
            self.alias = None;
        }
        self
    }
}

/// The person's account, if recorded (the caller has checked the person is visible).
pub(crate) async fn of_person(
    conn: &impl ConnectionTrait,
    person: Uuid,
) -> Result<Option<BankAccount>, DbErr> {
    Ok(bank_account::Entity::find_by_id(person)
        .one(conn)
        .await?
        .map(BankAccount::from))
}

/// The person's account as the caller may see it (masked unless they record accounts);
/// "not found" outside the view scope.
pub async fn read(
    db: &Db,
    access: &Access,
    person: Uuid,
) -> Result<Option<BankAccount>, ProgrammeError> {
    sipe_persons::store::find_person(db, access, ScopeKind::View, PersonId(person))
        .await?
        .ok_or(ProgrammeError::NotFound)?;
    Ok(of_person(db, person).await?.map(|a| a.for_reader(access)))
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
            .before(json!(before.as_ref().map(|b| b.masked.clone())))
            .after(json!(after.masked)),
    )
    .await?;
    timeline::append(
        &tx,
        ctx,
        NewEvent {
            person_id: person,
            kind: "programmes.bank_account",
            args: vec![("account", Arg::text(after.masked.clone()))],
            link: None,
            office_id: Some(p.office_id),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
