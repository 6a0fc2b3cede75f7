//! The SQLite and PostgreSQL migration trees stay in lock-step: the same tables and
//! columns, with the same types (in a common vocabulary), nullability, indexes, foreign
//! keys and named CHECK constraints.
//!
//! Known, deliberate differences are skipped and listed here: SQLite's FTS5 search tables
//! (`*_fts*`) and PostgreSQL's trigram indexes (`*_trgm_idx`) serve the same search; the
//! unnamed `CHECK (x IN (0, 1))` on SQLite booleans and its `LIKE` checks on timestamp
//! formats have no PostgreSQL twin (the column types do that job there).

use std::collections::{BTreeMap, BTreeSet};

use crate::helpers::{Backend, TestApp};

fn migration_names(dir: &str) -> Vec<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../migrations")
        .join(dir);
    let mut names: Vec<String> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    names.sort();
    names
}

#[test]
fn both_migration_trees_have_the_same_files() {
    let sqlite = migration_names("sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, migration_names("postgres"));
}

/// Everything the parity test compares, as sorted text rows.
#[derive(Debug, Default, PartialEq)]
struct Schema {
    /// "table.column type null|not null"
    columns: BTreeSet<String>,
    /// "table.index unique? partial? (columns)"
    indexes: BTreeSet<String>,
    /// "table.column -> table.column on delete ACTION"
    foreign_keys: BTreeSet<String>,
    /// constraint name -> the string literals in its expression
    checks: BTreeMap<String, BTreeSet<String>>,
}

/// SQLite declared types and PostgreSQL types in one vocabulary: SQLite's storage classes
/// (booleans are stored as integers, dates and times as text).
fn common_type(t: &str) -> String {
    match t.to_ascii_lowercase().as_str() {
        "integer" | "bigint" | "boolean" => "integer".into(),
        "real" | "double precision" => "real".into(),
        "text" | "date" | "timestamp with time zone" | "timestamp without time zone" => {
            "text".into()
        }
        other => other.into(),
    }
}

/// The single-quoted literals in an SQL expression (the values of an IN list).
fn literals(expr: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut parts = expr.split('\'');
    parts.next();
    while let Some(lit) = parts.next() {
        out.insert(lit.to_owned());
        parts.next();
    }
    out
}

/// The named CHECK constraints in a SQLite CREATE TABLE statement: name -> expression.
fn sqlite_checks(sql: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = sql;
    while let Some(at) = rest.find("CONSTRAINT ") {
        rest = &rest[at + "CONSTRAINT ".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let after = rest[name.len()..].trim_start();
        let Some(body) = after.strip_prefix("CHECK") else {
            continue;
        };
        let body = body.trim_start();
        let mut depth = 0;
        let mut end = body.len();
        for (i, c) in body.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        out.push((name, body[..end].to_owned()));
    }
    out
}

/// A query over every compared SQLite table `m`, joined with `join` (a table-valued pragma).
fn over_tables(select: &str, join: &str, filter: &str) -> String {
    format!(
        "SELECT {select} FROM sqlite_master m {join} WHERE m.type = 'table' \
         AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations' \
         AND m.name NOT GLOB '*_fts*'{filter}"
    )
}

async fn sqlite_schema(p: &sqlx::SqlitePool) -> Schema {
    let mut s = Schema::default();
    let sql = over_tables(
        "m.name, c.name, c.type, c.\"notnull\", c.pk",
        "JOIN pragma_table_info(m.name) c",
        "",
    );
    let cols: Vec<(String, String, String, bool, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .fetch_all(p)
        .await
        .expect("columns");
    for (t, c, ty, notnull, pk) in cols {
        let null = if notnull || pk > 0 {
            "not null"
        } else {
            "null"
        };
        s.columns
            .insert(format!("{t}.{c} {} {null}", common_type(&ty)));
    }
    let sql = over_tables(
        "m.name, il.name, il.\"unique\", il.partial, \
         (SELECT group_concat(COALESCE(ii.name, '<expr>'), ',') FROM pragma_index_info(il.name) ii)",
        "JOIN pragma_index_list(m.name) il",
        " AND il.origin = 'c'",
    );
    let idx: Vec<(String, String, bool, bool, String)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .fetch_all(p)
        .await
        .expect("indexes");
    for (t, i, unique, partial, cols) in idx {
        s.indexes.insert(format!(
            "{t}.{i} unique={unique} partial={partial} ({cols})"
        ));
    }
    let sql = over_tables(
        "m.name, f.\"from\", f.\"table\", f.\"to\", f.on_delete",
        "JOIN pragma_foreign_key_list(m.name) f",
        "",
    );
    let fks: Vec<(String, String, String, String, String)> =
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .fetch_all(p)
            .await
            .expect("foreign keys");
    for (t, c, rt, rc, del) in fks {
        s.foreign_keys
            .insert(format!("{t}.{c} -> {rt}.{rc} on delete {del}"));
    }
    let sqls: Vec<(String,)> = sqlx::query_as(sqlx::AssertSqlSafe(over_tables("m.sql", "", "")))
        .fetch_all(p)
        .await
        .expect("table sql");
    for (sql,) in sqls {
        for (name, expr) in sqlite_checks(&sql) {
            s.checks.insert(name, literals(&expr));
        }
    }
    s
}

async fn postgres_schema(p: &sqlx::PgPool) -> Schema {
    let mut s = Schema::default();
    let cols: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text \
         FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(p)
    .await
    .expect("columns");
    for (t, c, ty, nullable) in cols {
        let null = if nullable == "NO" { "not null" } else { "null" };
        s.columns
            .insert(format!("{t}.{c} {} {null}", common_type(&ty)));
    }
    let idx: Vec<(String, String, bool, bool, String)> = sqlx::query_as(
        "SELECT t.relname::text, ic.relname::text, i.indisunique, i.indpred IS NOT NULL, \
                (SELECT string_agg(CASE WHEN k.attnum = 0 THEN '<expr>' ELSE a.attname::text END, ',' ORDER BY k.n) \
                 FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, n) \
                 LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum) \
         FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid \
         WHERE t.relnamespace = current_schema()::regnamespace AND t.relname <> '_sqlx_migrations' \
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) \
           AND ic.relname NOT LIKE '%\\_trgm\\_idx'",
    )
    .fetch_all(p)
    .await
    .expect("indexes");
    for (t, i, unique, partial, cols) in idx {
        s.indexes.insert(format!(
            "{t}.{i} unique={unique} partial={partial} ({cols})"
        ));
    }
    let fks: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT t.relname::text, a.attname::text, rt.relname::text, ra.attname::text, \
                CASE c.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT' \
                                   WHEN 'r' THEN 'RESTRICT' ELSE 'NO ACTION' END \
         FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class rt ON rt.oid = c.confrelid \
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] \
         JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[1] \
         WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace",
    )
    .fetch_all(p)
    .await
    .expect("foreign keys");
    for (t, c, rt, rc, del) in fks {
        s.foreign_keys
            .insert(format!("{t}.{c} -> {rt}.{rc} on delete {del}"));
    }
    let checks: Vec<(String, String)> = sqlx::query_as(
        "SELECT c.conname::text, pg_get_constraintdef(c.oid) FROM pg_constraint c \
         WHERE c.contype = 'c' AND c.connamespace = current_schema()::regnamespace",
    )
    .fetch_all(p)
    .await
    .expect("checks");
    for (name, def) in checks {
        s.checks.insert(name, literals(&def));
    }
    s
}

async fn schema(app: &TestApp) -> Schema {
    match &app.db {
        tuuli::db::Db::Sqlite(p) => sqlite_schema(p).await,
        tuuli::db::Db::Postgres(p, _) => postgres_schema(p).await,
    }
}

#[tokio::test]
async fn both_databases_get_the_same_columns_types_indexes_keys_and_checks() {
    let sqlite = TestApp::new(Backend::Sqlite).await.expect("sqlite");
    let a = schema(&sqlite).await;
    assert!(a.columns.len() >= 100, "{a:#?}");
    assert!(
        a.checks.contains_key("organisations_org_type_check"),
        "{:#?}",
        a.checks
    );
    let Some(pg) = TestApp::postgres().await else {
        return;
    };
    let b = schema(&pg).await;
    let diff = |x: &BTreeSet<String>, y: &BTreeSet<String>| {
        (
            x.difference(y).cloned().collect::<Vec<_>>(),
            y.difference(x).cloned().collect::<Vec<_>>(),
        )
    };
    assert_eq!(
        diff(&a.columns, &b.columns),
        (vec![], vec![]),
        "columns: (only SQLite, only PostgreSQL)"
    );
    assert_eq!(diff(&a.indexes, &b.indexes), (vec![], vec![]), "indexes");
    assert_eq!(
        diff(&a.foreign_keys, &b.foreign_keys),
        (vec![], vec![]),
        "foreign keys"
    );
    assert_eq!(
        a.checks, b.checks,
        "named CHECK constraints and their values"
    );
}

#[test]
fn named_checks_are_read_from_sqlite_table_definitions() {
    let sql = "CREATE TABLE t (a TEXT CONSTRAINT t_a_check CHECK (a IN ('x', 'y')), \
               b INTEGER CHECK (b IN (0, 1)), CONSTRAINT t_order_check CHECK ((b) > 0))";
    let found = sqlite_checks(sql);
    assert_eq!(
        found,
        vec![
            ("t_a_check".to_owned(), "(a IN ('x', 'y'))".to_owned()),
            ("t_order_check".to_owned(), "((b) > 0)".to_owned()),
        ]
    );
    assert_eq!(
        literals("CHECK ((a = ANY (ARRAY['x'::text, 'y'::text])))"),
        literals("(a IN ('x', 'y'))")
    );
}
