//! Inserting many rows at once, the fastest way each backend offers.

use sea_orm::sea_query::Value;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, EntityName,
    EntityTrait, IdenStatic, Iterable, Statement,
};

/// Pages SQLite keeps per connection outside bulk writes (KiB; `db::connect` sets it).
pub(crate) const CACHE_KIB: u32 = 4096;
/// Pages a bulk write keeps (KiB): its inserts touch every index of `persons` at random
/// places, and a small cache re-reads pages.
const LARGE_CACHE_KIB: u32 = 16384;

/// Gives a bulk write transaction's connection a large page cache (`on`); the caller
/// takes it back before the commit and on every error before the transaction drops
/// (the connection returns to the pool, and the setting outlives a rollback). Only SQLite has one
/// per connection; PostgreSQL's is the server's.
pub async fn large_cache(tx: &DatabaseTransaction, on: bool) -> Result<(), DbErr> {
    if tx.get_database_backend() != DbBackend::Sqlite {
        return Ok(());
    }
    let kib = if on { LARGE_CACHE_KIB } else { CACHE_KIB };
    tx.execute_unprepared(&format!("PRAGMA cache_size = -{kib}"))
        .await
        .map(|_| ())
}

/// Statements inserting `models`; every model sets the same columns as the first.
///
/// Both backends get the rows as one JSON parameter per statement: a multi-row INSERT
/// with thousands of parameters kept the client busy (profiled: building, hashing and
/// binding the statement's values one by one) while the database idled, and sea-query
/// cannot bind arrays with NULL elements for an `UNNEST` insert.
/// - PostgreSQL: one statement, `json_populate_recordset` typed by the table itself.
/// - SQLite: statements of `SQLITE_JSON_ROWS` rows, each row a JSON array read back
///   with `json_each` and `->>`, ids turned back into the blobs sqlx writes with
///   `unhex` and times in the RFC 3339 text sqlx writes.
pub fn insert_rows<A>(backend: DbBackend, models: Vec<A>) -> Vec<Statement>
where
    A: ActiveModelTrait,
{
    let Some(first) = models.first() else {
        return Vec::new();
    };
    let columns: Vec<<A::Entity as EntityTrait>::Column> =
        <A::Entity as EntityTrait>::Column::iter()
            .filter(|c| !first.is_not_set(*c))
            .collect();
    if backend == DbBackend::Sqlite {
        return sqlite_json_rows::<A>(&columns, &models);
    }
    let mut json = String::with_capacity(models.len() * columns.len() * 24);
    json.push('[');
    for (i, model) in models.iter().enumerate() {
        json.push_str(if i == 0 { "{" } else { ",{" });
        for (j, c) in columns.iter().enumerate() {
            if j > 0 {
                json.push(',');
            }
            json.push('"');
            json.push_str(c.as_str());
            json.push_str("\":");
            let value = model.get(*c).into_value();
            json.push_str(&json_of(value.as_ref()).to_string());
        }
        json.push('}');
    }
    json.push(']');
    let names: Vec<String> = columns
        .iter()
        .map(|c| format!("\"{}\"", c.as_str()))
        .collect();
    let names = names.join(", ");
    let table = A::Entity::default().table_name().to_owned();
    let sql = format!(
        "INSERT INTO \"{table}\" ({names}) SELECT {names} \
         FROM json_populate_recordset(NULL::\"{table}\", $1::json)"
    );
    vec![Statement::from_sql_and_values(
        backend,
        sql,
        [Value::String(Some(json))],
    )]
}

/// Ids per [`id_in`] query: PostgreSQL reads ten thousand at once as one parameter;
/// SQLite's bound lists were fastest a thousand at a time (measured on a 1M registry:
/// a 100,000-line run read in 2.5 s, 3.7 s with ten thousand).
pub fn id_chunk(backend: DbBackend) -> usize {
    if backend == DbBackend::Postgres {
        10_000
    } else {
        1_000
    }
}

/// Condition `column IN ids`, at most [`id_chunk`] ids (chunk longer lists).
///
/// PostgreSQL gets the ids as one JSON parameter: a query binding a thousand ids spent
/// ~45 ms in the client (sea-query and sqlx handling each parameter) for ~7 ms in the
/// server, and a 100,000-beneficiary payment run read for 19 s (2 s now). SQLite keeps
/// the bound list: it looks each id up in the index, where a `json_each` subquery made
/// it scan the table (a 1M-person registry read 1.5× slower).
pub fn id_in<C>(backend: DbBackend, column: C, ids: &[uuid::Uuid]) -> sea_orm::sea_query::Expr
where
    C: sea_orm::sea_query::IntoColumnRef,
{
    use sea_orm::sea_query::{BinOper, Expr, ExprTrait};
    if backend != DbBackend::Postgres {
        return Expr::col(column).is_in(ids.iter().copied());
    }
    let mut json = String::with_capacity(ids.len() * 35 + 2);
    json.push('[');
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        json.push('"');
        json.push_str(&id.simple().to_string());
        json.push('"');
    }
    json.push(']');
    Expr::col(column).binary(
        BinOper::In,
        Expr::cust_with_values(
            "SELECT (jsonb_array_elements_text($1::jsonb))::uuid",
            [json],
        ),
    )
}

/// Rows per SQLite statement (each one JSON text of a few MiB at most).
const SQLITE_JSON_ROWS: usize = 10_000;

/// SQLite statements inserting the models from JSON arrays (see [`insert_rows`]).
fn sqlite_json_rows<A>(
    columns: &[<A::Entity as EntityTrait>::Column],
    models: &[A],
) -> Vec<Statement>
where
    A: ActiveModelTrait,
{
    let Some(first) = models.first() else {
        return Vec::new();
    };
    let names: Vec<String> = columns
        .iter()
        .map(|c| format!("\"{}\"", c.as_str()))
        .collect();
    // Each column read back as its type was written by sqlx.
    let reads: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(j, c)| match first.get(*c).into_value() {
            Some(Value::Uuid(_) | Value::Bytes(_)) => format!("unhex(value ->> {j})"),
            _ => format!("value ->> {j}"),
        })
        .collect();
    let table = A::Entity::default().table_name().to_owned();
    let sql = format!(
        "INSERT INTO \"{table}\" ({}) SELECT {} FROM json_each(?)",
        names.join(", "),
        reads.join(", ")
    );
    models
        .chunks(SQLITE_JSON_ROWS)
        .map(|chunk| {
            let mut json = String::with_capacity(chunk.len() * columns.len() * 24);
            json.push('[');
            for (i, model) in chunk.iter().enumerate() {
                json.push_str(if i == 0 { "[" } else { ",[" });
                for (j, c) in columns.iter().enumerate() {
                    if j > 0 {
                        json.push(',');
                    }
                    sqlite_json(&mut json, model.get(*c).into_value().as_ref());
                }
                json.push(']');
            }
            json.push(']');
            Statement::from_sql_and_values(
                DbBackend::Sqlite,
                sql.clone(),
                [Value::String(Some(json))],
            )
        })
        .collect()
}

/// A column value as JSON that SQLite's `->>` reads back as sqlx would have bound it:
/// ids and bytes as hex (for `unhex`), times as RFC 3339 text, dates as `YYYY-MM-DD`.
fn sqlite_json(out: &mut String, value: Option<&Value>) {
    use std::fmt::Write;
    match value {
        Some(Value::Uuid(Some(u))) => {
            let _ = write!(out, "\"{}\"", u.simple());
        }
        Some(Value::Bytes(Some(b))) => {
            out.push('"');
            for byte in b.iter() {
                let _ = write!(out, "{byte:02x}");
            }
            out.push('"');
        }
        Some(Value::ChronoDate(Some(d))) => {
            let _ = write!(out, "\"{}\"", d.format("%F"));
        }
        Some(Value::ChronoDateTimeUtc(Some(t))) => {
            let _ = write!(out, "\"{}\"", t.to_rfc3339());
        }
        Some(Value::Bool(Some(b))) => out.push_str(if *b { "1" } else { "0" }),
        // A JSON column is stored as its text.
        Some(Value::Json(Some(j))) => {
            out.push_str(&serde_json::Value::String(j.to_string()).to_string());
        }
        other => out.push_str(&json_of(other).to_string()),
    }
}

/// A column value as PostgreSQL reads it back from JSON text (sea-query would write
/// dates and times as quoted SQL literals).
fn json_of(value: Option<&Value>) -> serde_json::Value {
    match value {
        None => serde_json::Value::Null,
        Some(Value::ChronoDate(Some(d))) => d.to_string().into(),
        Some(Value::ChronoDateTimeUtc(Some(t))) => t.to_rfc3339().into(),
        Some(v) => sea_orm::sea_query::value::sea_value_to_json_value(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::Set;

    /// A table shaped like a module's event log: text, nulls, times, ids.
    mod timeline_event {
        use sea_orm::entity::prelude::*;

        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "timeline_events")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            pub person_id: Uuid,
            pub kind: String,
            pub summary: String,
            pub link: Option<String>,
            pub office_id: Option<Uuid>,
            pub author_id: Option<Uuid>,
            pub author_name: String,
            pub at: DateTimeUtc,
        }

        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    }

    fn event(n: u8) -> timeline_event::ActiveModel {
        timeline_event::ActiveModel {
            id: Set(uuid::Uuid::from_bytes([n; 16])),
            person_id: Set(uuid::Uuid::from_bytes([n; 16])),
            kind: Set("k".into()),
            summary: Set("dijo \"hola\"".into()),
            link: Set(None),
            office_id: Set(None),
            author_id: Set(None),
            author_name: Set("a".into()),
            at: Set(chrono::DateTime::from_timestamp(0, 0).expect("epoch")),
        }
    }

    #[test]
    fn postgres_gets_one_statement_with_the_rows_as_json() {
        let stmts = insert_rows(DbBackend::Postgres, vec![event(1), event(2)]);
        assert_eq!(stmts.len(), 1);
        assert!(
            stmts[0]
                .sql
                .contains("json_populate_recordset(NULL::\"timeline_events\"")
        );
        let Some(values) = &stmts[0].values else {
            panic!("no values");
        };
        let Value::String(Some(json)) = &values.0[0] else {
            panic!("not text: {values:?}");
        };
        let rows: serde_json::Value = serde_json::from_str(json).expect("valid JSON");
        assert_eq!(rows[1]["summary"], "dijo \"hola\"");
        assert_eq!(rows[1]["link"], serde_json::Value::Null);
        assert_eq!(rows[0]["at"], "1970-01-01T00:00:00+00:00");
        assert_eq!(rows[0]["id"], "01010101-0101-0101-0101-010101010101");
    }

    #[test]
    fn ids_are_one_parameter_on_postgres_and_a_list_on_sqlite() {
        use sea_orm::sea_query::{
            Alias, Expr, ExprTrait, PostgresQueryBuilder, Query, SqliteQueryBuilder,
        };
        let ids: Vec<uuid::Uuid> = (1..=3u8).map(|n| uuid::Uuid::from_bytes([n; 16])).collect();
        let q = |backend| {
            Query::select()
                .column(Alias::new("id"))
                .from(Alias::new("t"))
                .and_where(Expr::col(Alias::new("n")).eq(7))
                .and_where(id_in(backend, Alias::new("id"), &ids))
                .to_owned()
        };
        let (sql, values) = q(DbBackend::Postgres).build(PostgresQueryBuilder);
        assert_eq!(
            sql,
            r#"SELECT "id" FROM "t" WHERE "n" = $1 AND "id" IN (SELECT (jsonb_array_elements_text($2::jsonb))::uuid)"#
        );
        assert_eq!(values.0.len(), 2);
        let Value::String(Some(json)) = &values.0[1] else {
            panic!("not text: {values:?}");
        };
        assert!(json.starts_with(r#"["01010101010101010101010101010101","#));
        let (sql, values) = q(DbBackend::Sqlite).build(SqliteQueryBuilder);
        assert_eq!(
            sql,
            r#"SELECT "id" FROM "t" WHERE "n" = ? AND "id" IN (?, ?, ?)"#
        );
        assert_eq!(values.0.len(), 4);
    }

    #[test]
    fn sqlite_statements_carry_one_parameter_each() {
        let many: Vec<_> = (0..25_000u32).map(|i| event((i % 250) as u8)).collect();
        let stmts = insert_rows(DbBackend::Sqlite, many);
        assert_eq!(stmts.len(), 3);
        for s in &stmts {
            assert_eq!(s.values.as_ref().map_or(0, |v| v.0.len()), 1);
        }
    }

    /// Rows written from JSON are stored byte for byte as sea-orm's own INSERT stores
    /// them (ids as blobs, times as sqlx's text), so every query and sort agrees.
    #[tokio::test]
    async fn sqlite_stores_json_rows_as_sea_orm_stores_them() {
        use sea_orm::{ConnectionTrait, Database, EntityTrait, Schema};
        let db = Database::connect("sqlite::memory:").await.expect("sqlite");
        let schema = Schema::new(DbBackend::Sqlite);
        db.execute(&schema.create_table_from_entity(timeline_event::Entity))
            .await
            .expect("table");
        let at = chrono::DateTime::from_timestamp(1_764_500_000, 123_456_789).expect("time");
        let row = |n: u8, link: Option<&str>| {
            let mut e = event(n);
            e.link = Set(link.map(str::to_owned));
            e.office_id = Set(Some(uuid::Uuid::from_bytes([n + 100; 16])));
            e.summary = Set("añoranza \"citada\", línea\nnueva ✓".into());
            e.at = Set(at);
            e
        };
        // One row through sea-orm, its twin (other ids) through the JSON path.
        timeline_event::Entity::insert(row(1, Some("/x")))
            .exec(&db)
            .await
            .expect("insert");
        for stmt in insert_rows(DbBackend::Sqlite, vec![row(2, Some("/x")), row(3, None)]) {
            db.execute_raw(stmt).await.expect("json insert");
        }
        let all = timeline_event::Entity::find().all(&db).await.expect("read");
        assert_eq!(all.len(), 3);
        assert_eq!(all[1].id, uuid::Uuid::from_bytes([2; 16]));
        assert_eq!(all[1].summary, all[0].summary);
        assert_eq!((all[1].at, all[1].link.as_deref()), (at, Some("/x")));
        assert_eq!(all[2].link, None);
        assert_eq!(all[2].office_id, Some(uuid::Uuid::from_bytes([103; 16])));
        // Stored alike: the same SQL types and the same text of the time.
        let stored = db
            .query_all_raw(Statement::from_string(
                DbBackend::Sqlite,
                "SELECT typeof(id) || typeof(office_id) || typeof(at) || at AS t \
                 FROM timeline_events ORDER BY id",
            ))
            .await
            .expect("typeof");
        let t: Vec<String> = stored
            .iter()
            .map(|r| r.try_get::<String>("", "t").expect("t"))
            .collect();
        assert_eq!(t[0], t[1]);
        // The ids as one parameter find exactly the rows asked for.
        use sea_orm::QueryFilter;
        let two = timeline_event::Entity::find()
            .filter(id_in(
                DbBackend::Sqlite,
                (timeline_event::Entity, timeline_event::Column::Id),
                &[
                    uuid::Uuid::from_bytes([3; 16]),
                    uuid::Uuid::from_bytes([1; 16]),
                    uuid::Uuid::nil(),
                ],
            ))
            .all(&db)
            .await
            .expect("id_in");
        assert_eq!(two.len(), 2);
        assert!(
            t[0].starts_with("blobblobtext2025-11-30T10:53:20.123456789+00:00"),
            "{t:?}"
        );
    }
}
