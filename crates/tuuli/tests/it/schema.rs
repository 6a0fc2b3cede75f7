//! Schema discipline: CHECK constraints hold the closed vocabularies and date orders on
//! both databases, names are unique and searchable regardless of case in any alphabet,
//! and migration 0006 keeps every row of a database that already has data.

use std::borrow::Cow;
use std::str::FromStr;

use tuuli::auth::Actor;
use tuuli::db::Db;
use tuuli::network::organisations::{model::OrganisationInput, store as orgs};

use crate::both;
use crate::helpers::TestApp;

const T: &str = "'2026-01-01T00:00:00+00:00'";

/// Runs one statement and says whether the database accepted it.
async fn accepted(app: &TestApp, sql: &str) -> bool {
    tuuli::with_db!(&app.db, p => sqlx::query(sqlx::AssertSqlSafe(sql.to_owned())).execute(p).await.map(|_| ()))
        .is_ok()
}

both!(
    the_database_refuses_values_outside_the_closed_vocabularies_and_dates_out_of_order,
    |app| async move {
        let org = app.add_org("Kunta", "municipality").await;
        let ok = |sql: String| {
            let app = &app;
            async move { accepted(app, &sql).await }
        };
        // Organisation types.
        let org_sql = |ty: &str, name: &str| {
            format!(
                "INSERT INTO organisations (name_fi, org_type, created_at, updated_at, name_key, search_key) VALUES ('{name}', '{ty}', {T}, {T}, '{name}', '{name}')"
            )
        };
        assert!(ok(org_sql("ngo", "a")).await);
        assert!(!ok(org_sql("company", "b")).await);
        // Group types and statuses.
        let group_sql = |ty: &str, status: &str, name: &str| {
            format!(
                "INSERT INTO work_groups (name_fi, group_type, status, created_at, updated_at, name_key, search_key) VALUES ('{name}', '{ty}', '{status}', {T}, {T}, '{name}', '{name}')"
            )
        };
        assert!(ok(group_sql("expert", "active", "g1")).await);
        assert!(!ok(group_sql("club", "active", "g2")).await);
        assert!(!ok(group_sql("expert", "sleeping", "g3")).await);
        let group: i64 = tuuli::with_db!(&app.db, p => sqlx::query_scalar("SELECT id FROM work_groups WHERE name_key = 'g1'").fetch_one(p).await).expect("group");
        let person: i64 = tuuli::with_db!(&app.db, p => sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "INSERT INTO people (name, created_at, updated_at) VALUES ('P', {T}, {T}) RETURNING id"))).fetch_one(p).await).expect("person");
        // Membership roles and date order (the end may equal the start: a one-day membership).
        let member_sql = |role: &str, start: &str, end: &str| {
            format!(
                "INSERT INTO memberships (group_id, person_id, role, start_date, end_date, created_at, updated_at) VALUES ({group}, {person}, '{role}', '{start}', '{end}', {T}, {T})"
            )
        };
        assert!(ok(member_sql("member", "2026-01-01", "2026-01-01")).await);
        assert!(!ok(member_sql("boss", "2026-01-01", "2026-02-01")).await);
        assert!(!ok(member_sql("member", "2026-02-01", "2026-01-31")).await);
        // Meetings end after they start.
        let meeting_sql = |starts: &str, ends: &str| {
            format!(
                "INSERT INTO meetings (group_id, title, starts_at, ends_at, created_at, updated_at) VALUES ({group}, 'K', '{starts}', '{ends}', {T}, {T})"
            )
        };
        assert!(ok(meeting_sql("2030-01-15 10:00:00", "2030-01-15 12:00:00")).await);
        assert!(!ok(meeting_sql("2030-01-15 10:00:00", "2030-01-15 10:00:00")).await);
        assert!(!ok(meeting_sql("2030-01-15 10:00:00", "2030-01-15 09:00:00")).await);
        // Audit actions and area kinds.
        let audit_sql = |action: &str| {
            format!(
                "INSERT INTO audit_log (at, actor, action, entity, entity_id) VALUES ({T}, 'x', '{action}', 'organisation', {org})"
            )
        };
        assert!(ok(audit_sql("update")).await);
        assert!(!ok(audit_sql("peek")).await);
        let area_sql = |kind: &str, code: &str| {
            format!(
                "INSERT INTO areas (kind, name_fi, official_code) VALUES ('{kind}', 'A', '{code}')"
            )
        };
        assert!(ok(area_sql("municipality", "998")).await);
        assert!(!ok(area_sql("planet", "999")).await);
    }
);

fn org(name: &str) -> OrganisationInput {
    OrganisationInput {
        name_fi: name.into(),
        org_type: "ngo".into(),
        ..Default::default()
    }
}

both!(
    names_differing_only_in_the_case_of_non_ascii_letters_are_the_same_name,
    |app| async move {
        let actor = Actor::system("test");
        orgs::create(&app.db, &org("Åbo Akademi"), &actor)
            .await
            .expect("first");
        let err = orgs::create(&app.db, &org("åbo akademi"), &actor)
            .await
            .expect_err("the same name in another case");
        assert_eq!(err.status().as_u16(), 409, "{err:?}");
        let err = orgs::create(&app.db, &org("ÅBO AKADEMI"), &actor)
            .await
            .expect_err("the same name in capitals");
        assert_eq!(err.status().as_u16(), 409, "{err:?}");
    }
);

both!(
    searching_finds_names_whatever_the_case_of_their_non_ascii_letters,
    |app| async move {
        app.add_org("ÄÄNEKOSKEN KAUPUNKI", "municipality").await;
        app.add_org("Öljynjalostajat ry", "ngo").await;
        app.add_org("Muu", "ngo").await;
        for (q, expected) in [
            ("ä", "ÄÄNEKOSKEN KAUPUNKI"),
            ("ääne", "ÄÄNEKOSKEN KAUPUNKI"),
            ("ÄÄNEK", "ÄÄNEKOSKEN KAUPUNKI"),
            ("öljy", "Öljynjalostajat ry"),
            ("ÖL", "Öljynjalostajat ry"),
        ] {
            let body = app
                .get(&format!("/api/v1/organisations?q={}", urlencode(q)))
                .await
                .json();
            let names: Vec<&str> = body["items"]
                .as_array()
                .expect("items")
                .iter()
                .filter_map(|o| o["name_fi"].as_str())
                .collect();
            assert_eq!(names, vec![expected], "q={q}");
            assert_eq!(body["total"], 1, "q={q}");
        }
    }
);

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Rows of a database at migration 0005 (before the schema discipline): what the demo
/// loader writes, in small — names with non-ASCII capitals, theme links (which a table
/// rebuild with foreign keys on would cascade away), memberships, a meeting with agenda
/// and attendance, decisions.
const ROWS_AT_0005: &[&str] = &[
    "INSERT INTO areas (id, kind, name_fi, official_code) VALUES (1, 'municipality', 'Äänekoski', '992')",
    "INSERT INTO organisations (id, name_fi, name_sv, org_type, area_id, created_at, updated_at) VALUES (1, 'ÄÄNEKOSKEN KAUPUNKI', 'ÄÄNEKOSKI STAD', 'municipality', 1, '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00')",
    "INSERT INTO organisations (id, name_fi, org_type, created_at, updated_at) VALUES (2, 'Åbo ry', 'ngo', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00')",
    "INSERT INTO organisation_themes (organisation_id, theme_id) SELECT 1, id FROM themes",
    "INSERT INTO people (id, name, title, created_at, updated_at) VALUES (1, 'Örjan Ek', 'Ordförande', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00')",
    "INSERT INTO person_organisations (person_id, organisation_id) VALUES (1, 2)",
    "INSERT INTO work_groups (id, name_fi, group_type, convener_id, status, created_at, updated_at) VALUES (1, 'Ryhmä', 'expert', 2, 'active', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00')",
    "INSERT INTO group_themes (group_id, theme_id) SELECT 1, id FROM themes",
    "INSERT INTO memberships (group_id, person_id, role, start_date, end_date, created_at, updated_at) VALUES (1, 1, 'chair', '2025-01-01', '2025-12-31', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00')",
    "INSERT INTO meetings (id, group_id, title, starts_at, ends_at, created_at, updated_at) VALUES (1, 1, 'Kokous', '2026-02-01 10:00:00', '2026-02-01 12:00:00', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00')",
    "INSERT INTO agenda_items (meeting_id, position, title) VALUES (1, 1, 'Avaus')",
    "INSERT INTO attendance (meeting_id, person_id) VALUES (1, 1)",
    "INSERT INTO decisions (meeting_id, text, responsible_id) VALUES (1, 'Päätös', 2)",
    "INSERT INTO audit_log (at, actor, action, entity, entity_id) VALUES ('2026-01-01T00:00:00+00:00', 'x', 'create', 'organisation', 1)",
];

const COUNTED: &[&str] = &[
    "areas",
    "organisations",
    "organisation_themes",
    "people",
    "person_organisations",
    "work_groups",
    "group_themes",
    "memberships",
    "meetings",
    "agenda_items",
    "attendance",
    "decisions",
    "audit_log",
];

/// Migrates `db` to 0005, writes [`ROWS_AT_0005`], migrates the rest of the way and checks
/// that every row is still there, the keys are folded in Rust's way and search works.
async fn migrate_with_data(db: Db) {
    match &db {
        Db::Sqlite(p) => {
            let mut m = sqlx::migrate!("../../migrations/sqlite");
            m.migrations = Cow::Owned(
                m.migrations
                    .iter()
                    .filter(|x| x.version <= 5)
                    .cloned()
                    .collect(),
            );
            m.run(p).await.expect("migrate to 0005");
        }
        Db::Postgres(p, _) => {
            let mut m = sqlx::migrate!("../../migrations/postgres");
            m.migrations = Cow::Owned(
                m.migrations
                    .iter()
                    .filter(|x| x.version <= 5)
                    .cloned()
                    .collect(),
            );
            m.run(p).await.expect("migrate to 0005");
        }
    }
    // The four themes as the reference loader writes them (the loader itself is not run:
    // it would also add the region's areas, which this fixture writes itself).
    for (i, (slug, fi, sv, en)) in tuuli::core::themes::THEMES.iter().enumerate() {
        tuuli::with_db!(&db, p => sqlx::query("INSERT INTO themes (slug, name_fi, name_sv, name_en, sort_order) VALUES ($1, $2, $3, $4, $5)")
            .bind(*slug).bind(*fi).bind(*sv).bind(*en).bind(i as i64 + 1).execute(p).await.map(|_| ()))
            .expect("theme");
    }
    for sql in ROWS_AT_0005 {
        tuuli::with_db!(&db, p => sqlx::query(sqlx::AssertSqlSafe(*sql)).execute(p).await.map(|_| ()))
            .expect(sql);
    }
    let count = |table: &'static str| {
        let db = db.clone();
        async move {
            let sql = format!("SELECT COUNT(*) FROM {table}");
            tuuli::with_db!(&db, p => sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql)).fetch_one(p).await).expect(table)
        }
    };
    let mut before = Vec::new();
    for t in COUNTED {
        before.push(count(t).await);
    }
    assert!(before.iter().all(|n| *n > 0), "{before:?}");

    db.migrate().await.expect("migrate from 0005 with data");

    let mut after = Vec::new();
    for t in COUNTED {
        after.push(count(t).await);
    }
    assert_eq!(before, after, "rows per table, in the order of {COUNTED:?}");
    let keys: Vec<(String, String)> = tuuli::with_db!(&db, p => sqlx::query_as(
        "SELECT name_key, search_key FROM organisations ORDER BY id").fetch_all(p).await)
    .expect("keys");
    assert_eq!(
        keys,
        vec![
            (
                "äänekosken kaupunki".to_owned(),
                "äänekosken kaupunki\näänekoski stad".to_owned()
            ),
            ("åbo ry".to_owned(), "åbo ry\n".to_owned()),
        ]
    );
    let person: (String, String) = tuuli::with_db!(&db, p => sqlx::query_as(
        "SELECT name_key, search_key FROM people").fetch_one(p).await)
    .expect("person keys");
    assert_eq!(
        person,
        ("örjan ek".to_owned(), "örjan ek\nordförande\n".to_owned())
    );
    if let Db::Sqlite(p) = &db {
        let broken: Vec<(String,)> =
            sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
                .fetch_all(p)
                .await
                .expect("fk check");
        assert!(broken.is_empty(), "{broken:?}");
        let fk_on: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(p)
            .await
            .expect("pragma");
        assert_eq!(fk_on, 1, "foreign keys are on again after the migration");
        let found: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM organisations_fts WHERE organisations_fts MATCH '\"äänek\"'",
        )
        .fetch_one(p)
        .await
        .expect("fts");
        assert_eq!(
            found, 1,
            "the search index holds the rows copied by the migration"
        );
    }
    // A duplicate in another case is refused after the migration.
    let err = orgs::create(&db, &org("ÅBO RY"), &Actor::system("test"))
        .await
        .expect_err("duplicate");
    assert_eq!(err.status().as_u16(), 409);
}

#[tokio::test]
async fn migration_0006_keeps_every_row_of_a_sqlite_database_with_data() {
    let path = std::env::temp_dir().join(format!(
        "tuuli-test-schema-{}-{}.db",
        std::process::id(),
        rand::random::<u32>()
    ));
    let db = Db::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("sqlite");
    migrate_with_data(db.clone()).await;
    db.close().await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

#[tokio::test]
async fn migration_0006_keeps_every_row_of_a_postgres_database_with_data() {
    let Ok(url) = std::env::var("TEST_DATABASE_URL") else {
        eprintln!("skipping the PostgreSQL variant: TEST_DATABASE_URL is not set");
        return;
    };
    use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
    let schema = format!("t_schema_{}_{}", std::process::id(), rand::random::<u32>());
    let admin = PgPoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await
        .expect("connect");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&admin)
        .await
        .expect("create schema");
    let opts = PgConnectOptions::from_str(&url)
        .expect("url")
        .options([("search_path", schema.as_str())]);
    let pool = PgPoolOptions::new()
        .max_connections(2)
        .connect_with(opts)
        .await
        .expect("pool");
    migrate_with_data(Db::postgres(pool.clone())).await;
    pool.close().await;
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
        .execute(&admin)
        .await
        .expect("drop schema");
}

both!(
    people_are_found_by_any_part_of_name_title_or_email_in_any_case_and_only_when_visible,
    |app| async move {
        use axum::http::Method;
        use tuuli::auth::Role;
        let sysma = app.add_org("Sysmän kunta", "municipality").await;
        let other = app.add_org("Muu ry", "ngo").await;
        app.add_user("k@example.fi", Role::Coordinator, None, None)
            .await;
        app.add_user("e@example.fi", Role::Editor, Some(sysma), None)
            .await;
        let coord = app.token_for("k@example.fi").await;
        let editor = app.token_for("e@example.fi").await;
        for (name, title, org) in [
            ("Örjan Åkerman", "Ordförande", sysma),
            ("Äijä Mäkinen", "Nuorisotyöntekijä", other),
        ] {
            app.api(
                Method::POST,
                "/api/v1/people",
                Some(&coord),
                Some(serde_json::json!({"name": name, "title": title, "organisations": [org]})),
            )
            .await
            .assert_status(201);
        }
        let names = |token: String, q: &'static str| {
            let app = &app;
            async move {
                let body = app
                    .api(
                        Method::GET,
                        &format!("/api/v1/people?q={}", urlencode(q)),
                        Some(&token),
                        None,
                    )
                    .await
                    .json();
                body["items"]
                    .as_array()
                    .expect("items")
                    .iter()
                    .filter_map(|p| p["name"].as_str().map(str::to_owned))
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(names(coord.clone(), "ÖRJAN").await, vec!["Örjan Åkerman"]);
        assert_eq!(names(coord.clone(), "åker").await, vec!["Örjan Åkerman"]);
        assert_eq!(names(coord.clone(), "ORDF").await, vec!["Örjan Åkerman"]);
        assert_eq!(names(coord.clone(), "Ä").await, vec!["Äijä Mäkinen"]);
        assert_eq!(
            names(coord.clone(), "työntekijä").await,
            vec!["Äijä Mäkinen"]
        );
        // The editor of Sysmä sees Sysmä's people only, searched or not.
        assert_eq!(names(editor.clone(), "äijä").await, Vec::<String>::new());
        assert_eq!(names(editor.clone(), "örjan").await, vec!["Örjan Åkerman"]);
    }
);
