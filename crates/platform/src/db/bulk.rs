//! Inserting many rows at once, the fastest way each backend offers.

use sea_orm::sea_query::Value;
use sea_orm::{
    ActiveModelTrait, DbBackend, EntityName, EntityTrait, IdenStatic, Iterable, QueryTrait,
    Statement,
};

/// SQLite's limit of parameters per statement (since 3.32).
const SQLITE_MAX_PARAMS: usize = 32_766;

/// Statements inserting `models`; every model sets the same columns as the first.
///
/// PostgreSQL gets one statement carrying the rows as one JSON parameter
/// (`json_populate_recordset`): a multi-row INSERT with thousands of parameters kept the
/// client busy (profiled: hashing and encoding the statement) while the server idled,
/// and sea-query cannot bind arrays with NULL elements for an `UNNEST` insert.
/// SQLite gets multi-row INSERTs just under its parameter limit.
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
    if backend != DbBackend::Postgres {
        let rows = (SQLITE_MAX_PARAMS / columns.len().max(1)).max(1);
        let mut models = models.into_iter().peekable();
        let mut out = Vec::new();
        while models.peek().is_some() {
            let chunk = models.by_ref().take(rows);
            out.push(<A::Entity as EntityTrait>::insert_many(chunk).build(backend));
        }
        return out;
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
    fn sqlite_statements_stay_under_the_parameter_limit() {
        let many: Vec<_> = (0..8000u32).map(|i| event((i % 250) as u8)).collect();
        let stmts = insert_rows(DbBackend::Sqlite, many);
        // 9 columns: 3,640 rows per statement.
        assert_eq!(stmts.len(), 3);
        for s in &stmts {
            assert!(s.values.as_ref().map_or(0, |v| v.0.len()) <= SQLITE_MAX_PARAMS);
        }
    }
}
