//! Database access shared by every module: connecting (SQLite or PostgreSQL), running the
//! migrations, starting write transactions and mapping database errors once.
//!
//! Per-database SQL lives here and nowhere else.

pub mod bulk;
pub mod migrations;
pub mod settings;

use std::time::Duration;

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, SqlErr, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;

/// The one connection pool of the process.
pub type Db = DatabaseConnection;

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// The URL names a database we do not support.
    #[error("unsupported database URL (use sqlite://FILE or postgres://...): {0}")]
    Unsupported(String),
    /// The server or file could not be reached.
    #[error("cannot connect to the database at {url}: {cause}")]
    Unreachable {
        /// The URL with any password removed.
        url: String,
        /// The driver's explanation.
        cause: String,
    },
}

/// Prepared statements a SQLite connection keeps (see `connect`).
const STATEMENT_CACHE: usize = 24;

/// Opens the pool with the settings each backend needs.
///
/// SQLite: WAL so readers never block the writer, foreign keys on (off by default in
/// SQLite), a busy timeout so concurrent writers wait instead of failing.
pub async fn connect(url: &str) -> Result<Db, ConnectError> {
    let is_sqlite = url.starts_with("sqlite:");
    let is_postgres = url.starts_with("postgres://") || url.starts_with("postgresql://");
    if !is_sqlite && !is_postgres {
        return Err(ConnectError::Unsupported(redact(url)));
    }
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false)
        .max_connections(if is_sqlite { 8 } else { 20 })
        .min_connections(1);
    if is_sqlite {
        options.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                // 4 MiB of pages per connection (default 2 MiB; the operating system
                // caches the file too). Bulk writes take more for their transaction
                // (`bulk::large_cache`): eight connections at 16 MiB each were most of
                // a busy server's memory.
                .pragma("cache_size", format!("-{}", bulk::CACHE_KIB))
                // Prepared statements kept per connection (default 100). A statement
                // with an `IN` list of 200 ids or a multi-row INSERT compiles to tens of
                // KiB, and each list length is another statement: at 100 per connection
                // they were most of a sending server's heap (heaptrack, 50,000 SMS).
                .statement_cache_capacity(STATEMENT_CACHE)
                // Statement journals (each multi-row INSERT of an import keeps one) and
                // sorts stay in memory instead of temporary files.
                .pragma("temp_store", "memory")
                // Checkpoint every 64 MiB of WAL, not every 4 MiB: a large write
                // transaction otherwise ends in a checkpoint (and fsync) every time.
                .pragma("wal_autocheckpoint", "16384")
                .create_if_missing(true)
        });
    }
    Database::connect(options)
        .await
        .map_err(|e| ConnectError::Unreachable {
            url: redact(url),
            cause: first_line(&e.to_string()),
        })
}

/// Applies every pending migration of a migration list (the application's).
pub async fn migrate<M: MigratorTrait>(db: &Db) -> Result<(), DbErr> {
    M::up(db, None).await
}

/// Begins a transaction for a use case that writes.
///
/// SQLite: `BEGIN IMMEDIATE` takes the write lock up front, so two writers queue on the
/// busy timeout instead of one failing when it upgrades a read lock.
pub async fn begin_write(db: &Db) -> Result<DatabaseTransaction, DbErr> {
    let mut options = TransactionOptions::default();
    if db.get_database_backend() == DbBackend::Sqlite {
        options.sqlite_transaction_mode = Some(SqliteTransactionMode::Immediate);
    }
    db.begin_with_options(options).await
}

/// Is the database answering?
pub async fn ping(db: &Db) -> bool {
    db.execute_unprepared("SELECT 1").await.is_ok()
}

/// Connections in the pool: (open, idle).
pub fn pool_stats(db: &Db) -> (u32, usize) {
    match db.get_database_backend() {
        DbBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle())
        }
        DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle())
        }
        _ => (0, 0),
    }
}

/// The small error every store function returns.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No such record, or outside the caller's scope.
    #[error("not found")]
    NotFound,
    /// A uniqueness or reference rule was broken.
    #[error("conflict: {0}")]
    Conflict(String),
    /// Anything else the database said.
    #[error(transparent)]
    Other(#[from] DbErr),
}

impl From<crate::audit::reads::ReadAuditError> for StoreError {
    fn from(e: crate::audit::reads::ReadAuditError) -> Self {
        StoreError::Other(DbErr::Custom(e.to_string()))
    }
}

impl StoreError {
    /// Maps a database error, turning constraint violations into `Conflict`.
    pub fn from_db(err: DbErr) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(c)) => StoreError::Conflict(c),
            Some(SqlErr::ForeignKeyConstraintViolation(c)) => StoreError::Conflict(c),
            _ => StoreError::Other(err),
        }
    }
}

/// Removes the password from a database URL before it is shown or logged.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(start), Some(at)) if at > start => {
            let creds = &url[start + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}{}@{}", &url[..start + 3], user, &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or_default().to_owned()
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn redact_hides_the_password() {
        assert_eq!(
            redact("postgres://u:secret@h:5432/db"),
            "postgres://u@h:5432/db"
        );
        assert_eq!(redact("sqlite://x.db"), "sqlite://x.db");
    }
}
