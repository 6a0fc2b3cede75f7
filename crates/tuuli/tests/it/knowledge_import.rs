//! The value store's write path end to end on both databases: the national area list and
//! its history, imports of the real Sotkanet sample and of coordinators' files, all or
//! nothing, idempotent, revisions kept, every bad row named.

use std::io::Write;
use std::path::{Path, PathBuf};

use tuuli::auth::Actor;
use tuuli::core::areas_national;
use tuuli::knowledge::imports;
use tuuli::knowledge::values::{ImportMeta, Summary};

use crate::both;
use crate::helpers::TestApp;

mod ways_in;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    let sql = sql.to_owned();
    tuuli::with_db!(&app.db, p => sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql)).fetch_one(p).await).unwrap()
}

fn meta(kind: &'static str) -> ImportMeta {
    ImportMeta {
        kind,
        source_name: "test".into(),
        vintage: None,
        is_synthetic: false,
        actor: Actor::system("test"),
        job_id: None,
    }
}

// A fresh folder under the temporary directory.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "tuuli-ki-{}-{name}-{}",
        std::process::id(),
        rand::random::<u32>()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::File::create(path)
        .unwrap()
        .write_all(bytes)
        .unwrap();
}

// A catalogue entry for the coordinators' files (`local:<key>`), percent or count.
async fn local_indicator(app: &TestApp, key: &str, value_type: &str) -> i64 {
    let now = chrono::Utc::now();
    tuuli::with_db!(&app.db, p => sqlx::query_scalar::<_, i64>(
        "INSERT INTO indicators (source, source_id, title_fi, value_type, created_at, updated_at) VALUES ('local', $1, $1, $2, $3, $3) RETURNING id",
    ).bind(key).bind(value_type).bind(now).fetch_one(p).await).unwrap()
}

async fn area_id(app: &TestApp, kind: &str, code: &str) -> i64 {
    tuuli::with_db!(&app.db, p => sqlx::query_scalar::<_, i64>(
        "SELECT id FROM areas WHERE kind = $1 AND official_code = $2",
    ).bind(kind).bind(code).fetch_one(p).await)
    .unwrap()
}

async fn csv(app: &TestApp, name: &str, text: &[u8]) -> Summary {
    let dir = temp_dir(name);
    let path = dir.join("file.csv");
    write(&path, text);
    let s = imports::local_csv(&app.db, &path, meta("csv"), None)
        .await
        .unwrap();
    let _ = std::fs::remove_dir_all(dir);
    s
}

fn reasons(s: &Summary) -> Vec<String> {
    s.errors.errors.iter().map(|e| e.to_string()).collect()
}

both!(
    national_areas_load_once_and_membership_follows_the_history,
    |app| async move {
        let first = areas_national::load(&app.db).await.unwrap();
        assert!(first.ran && first.inserted > 400, "{first:?}");
        assert_eq!(
            scalar(
                &app,
                "SELECT COUNT(*) FROM areas WHERE kind = 'municipality'"
            )
            .await,
            320
        );
        assert_eq!(
            scalar(
                &app,
                "SELECT COUNT(*) FROM areas WHERE kind = 'wellbeing_county'"
            )
            .await,
            23
        );
        assert_eq!(
            scalar(&app, "SELECT COUNT(*) FROM areas WHERE sotkanet_id = 658").await,
            1,
            "one country"
        );
        let again = areas_national::load(&app.db).await.unwrap();
        assert!(!again.ran, "unchanged files are not loaded again");
        let audits = app.audit_count("area", "create").await;
        assert_eq!(areas_national::load(&app.db).await.unwrap(), again);
        assert_eq!(app.audit_count("area", "create").await, audits);

        let ph = area_id(&app, "region", "07").await;
        let kymi = area_id(&app, "region", "08").await;
        let names =
            |m: Vec<areas_national::Member>| m.into_iter().map(|a| a.name_fi).collect::<Vec<_>>();
        let ph2015 = names(areas_national::members_of(&app.db, ph, 2015).await.unwrap());
        assert!(
            ph2015.contains(&"Nastola".to_owned()) && ph2015.contains(&"Hämeenkoski".to_owned()),
            "{ph2015:?}"
        );
        assert!(!ph2015.contains(&"Iitti".to_owned()));
        let ph2016 = names(areas_national::members_of(&app.db, ph, 2016).await.unwrap());
        assert!(
            !ph2016.contains(&"Nastola".to_owned()) && ph2016.contains(&"Lahti".to_owned()),
            "{ph2016:?}"
        );
        let ph2021 = names(areas_national::members_of(&app.db, ph, 2021).await.unwrap());
        assert!(ph2021.contains(&"Iitti".to_owned()), "{ph2021:?}");
        assert!(
            names(
                areas_national::members_of(&app.db, kymi, 2020)
                    .await
                    .unwrap()
            )
            .contains(&"Iitti".to_owned())
        );
        assert!(
            !names(
                areas_national::members_of(&app.db, kymi, 2021)
                    .await
                    .unwrap()
            )
            .contains(&"Iitti".to_owned())
        );
        let county = area_id(&app, "wellbeing_county", "09").await;
        assert_eq!(
            areas_national::members_of(&app.db, county, 2023)
                .await
                .unwrap()
                .len(),
            10
        );
        assert!(
            areas_national::members_of(&app.db, county, 2022)
                .await
                .unwrap()
                .is_empty()
        );
        let lahti = area_id(&app, "municipality", "398").await;
        assert_eq!(
        scalar(&app, "SELECT successor_id FROM areas WHERE kind = 'municipality' AND official_code = '532'").await,
        lahti
    );
    }
);

// The real Sotkanet CSV (indicator 127, 2009, 466 regions) in a folder with minimal
// metadata: the rows of regions outside Tuuli's area kinds (ELY centres, AVI areas…) are
// named and nothing is stored; without them everything is.
both!(
    the_real_sotkanet_sample_imports_and_its_unplaceable_rows_are_named,
    |app| async move {
        areas_national::load(&app.db).await.unwrap();
        let text = std::fs::read_to_string(format!(
            "{FIXTURES}/sotkanet/sotkanet_csv_ind127_2009_oskari.csv"
        ))
        .unwrap();
        let dir = temp_dir("ind127");
        write(&dir.join("indicator-127.json"), br#"{"id": 127, "title": {"fi": "V\u00e4est\u00f6 31.12.", "en": "Population 31 Dec"}, "primaryValueType": {"code": "LKM"}, "decimals": 0}"#);
        write(&dir.join("data-127.csv"), text.as_bytes());
        let catalogue_before = scalar(&app, "SELECT COUNT(*) FROM indicators").await;
        let s = imports::sotkanet_dir(&app.db, &dir, meta("sotkanet_dir"), None)
            .await
            .unwrap();
        assert_eq!(s.status, "failed");
        assert!(s.rejected > 0);
        let listed = reasons(&s);
        assert!(
            listed
                .iter()
                .all(|r| r.contains("import-error-unknown-area")),
            "{listed:?}"
        );
        assert!(listed[0].starts_with("data-127.csv:"), "{listed:?}");
        assert_eq!(
            scalar(&app, "SELECT COUNT(*) FROM indicator_values").await,
            0
        );
        assert_eq!(
            scalar(&app, "SELECT COUNT(*) FROM indicators").await,
            catalogue_before,
            "the catalogue is rolled back too"
        );
        assert_eq!(
            scalar(&app, "SELECT COUNT(*) FROM imports WHERE status = 'failed'").await,
            1
        );

        // Keep only the rows of areas Tuuli has.
        let known: std::collections::BTreeSet<String> = areas_national::national_areas()
            .unwrap()
            .iter()
            .map(|a| a.sotkanet_id.to_string())
            .collect();
        let kept: Vec<&str> = text
            .lines()
            .enumerate()
            .filter(|(i, l)| *i == 0 || known.contains(l.split(';').nth(1).unwrap_or("")))
            .map(|(_, l)| l)
            .collect();
        write(
            &dir.join("data-127.csv"),
            (kept.join("\r\n") + "\r\n").as_bytes(),
        );
        let rows = (kept.len() - 1) as u64;
        assert_eq!(rows + s.rejected, 466);
        let s = imports::sotkanet_dir(&app.db, &dir, meta("sotkanet_dir"), None)
            .await
            .unwrap();
        assert_eq!(
            (s.status, s.inserted, s.rejected),
            ("done", rows, 0),
            "{:?}",
            reasons(&s)
        );
        assert_eq!(s.indicators_upserted, 1);
        let lahti2009 = scalar(&app, "SELECT CAST(v.value AS BIGINT) FROM indicator_values v JOIN areas a ON a.id = v.area_id WHERE a.sotkanet_id = 177 AND v.year = 2009").await;
        assert_eq!(
            lahti2009, 100_854,
            "Lahti's population on 31 Dec 2009, as the sample has it"
        );
        assert_eq!(
            app.audit_count("import", "create").await,
            2,
            "one audit row per import"
        );
        let _ = std::fs::remove_dir_all(dir);
    }
);

both!(
    the_same_file_twice_changes_nothing_and_a_revised_value_keeps_its_earlier_version,
    |app| async move {
        local_indicator(&app, "smoking", "percent").await;
        let file = "indicator;area;year;sex;value\nlocal:smoking;KU398;2022;total;12,5\nlocal:smoking;398;2023;total;11,0\nlocal:smoking;MK07;2023;male;13\n";
        let first = csv(&app, "idem1", file.as_bytes()).await;
        assert_eq!(
            (first.status, first.inserted, first.updated, first.unchanged),
            ("done", 3, 0, 0),
            "{:?}",
            reasons(&first)
        );
        let second = csv(&app, "idem2", file.as_bytes()).await;
        assert_eq!(
            (
                second.status,
                second.inserted,
                second.updated,
                second.unchanged
            ),
            ("done", 0, 0, 3)
        );
        assert_eq!(
            scalar(&app, "SELECT COUNT(*) FROM indicator_value_revisions").await,
            0
        );

        let revised = file.replace("11,0", "10,5");
        let third = csv(&app, "idem3", revised.as_bytes()).await;
        assert_eq!((third.inserted, third.updated, third.unchanged), (0, 1, 2));
        let (old, brought, replaced): (f64, i64, i64) =
            tuuli::with_db!(&app.db, p => sqlx::query_as(
        "SELECT value, import_id, replaced_by FROM indicator_value_revisions",
    ).fetch_one(p).await)
            .unwrap();
        assert_eq!(
            (old, brought, replaced),
            (11.0, first.import_id, third.import_id)
        );
        assert_eq!(
            scalar(
                &app,
                "SELECT COUNT(*) FROM indicator_values WHERE value = 10.5"
            )
            .await,
            1
        );
        let summary: (String, i64, i64, i64) = tuuli::with_db!(&app.db, p => sqlx::query_as(
        "SELECT status, inserted, updated, unchanged FROM imports WHERE id = $1",
    ).bind(third.import_id).fetch_one(p).await)
        .unwrap();
        assert_eq!(summary, ("done".into(), 0, 1, 2));
    }
);

// A large generated file whose one bad row comes near the end: nothing changes, the
// import is recorded as failed and the row is named.
both!(
    a_bad_row_late_in_a_large_file_leaves_the_store_unchanged,
    |app| async move {
        areas_national::load(&app.db).await.unwrap();
        local_indicator(&app, "visits", "count").await;
        let first = csv(
            &app,
            "atom0",
            b"indicator;area;year;sex;value\nlocal:visits;KU398;2020;total;5\n",
        )
        .await;
        assert_eq!(first.status, "done");
        // Every municipality of the national list, 1950–2015, three sexes: over 60,000 rows,
        // several chunks; the one bad row is the last.
        let mut text = String::from("indicator;area;year;sex;value;count;denominator\n");
        for a in areas_national::national_areas()
            .unwrap()
            .iter()
            .filter(|a| a.kind == "municipality")
        {
            for year in 1950..2016 {
                for sex in ["total", "male", "female"] {
                    text.push_str(&format!(
                        "local:visits;KU{};{year};{sex};{};{};100\n",
                        a.code,
                        year % 7,
                        year % 50
                    ));
                }
            }
        }
        assert!(text.lines().count() > 60_000);
        text.push_str("local:visits;KU398;20O4;total;1;;\n");
        let lines = text.lines().count();
        let s = csv(&app, "atom1", text.as_bytes()).await;
        assert_eq!(s.status, "failed");
        assert_eq!(s.rejected, 1);
        let listed = reasons(&s);
        assert!(
            listed[0].contains(&format!("line {lines}")) && listed[0].contains("import-error-year"),
            "{listed:?}"
        );
        assert_eq!(
            scalar(&app, "SELECT COUNT(*) FROM indicator_values").await,
            1
        );
        assert_eq!(
            scalar(&app, "SELECT COUNT(*) FROM indicator_value_revisions").await,
            0
        );
        let (status, inserted, rejected, message): (String, i64, i64, String) =
            tuuli::with_db!(&app.db, p => sqlx::query_as(
        "SELECT status, inserted, rejected, message FROM imports WHERE id = $1",
    ).bind(s.import_id).fetch_one(p).await)
            .unwrap();
        assert_eq!((status.as_str(), inserted, rejected), ("failed", 0, 1));
        assert!(message.contains("import-error-year"), "{message}");
    }
);

// A row that repeats one of an earlier chunk of the same import (more rows than the
// engine merges at a time): the same value is one value, another value refuses the file.
both!(
    a_row_repeated_in_a_later_chunk_is_one_value_or_a_named_duplicate,
    |app| async move {
        areas_national::load(&app.db).await.unwrap();
        local_indicator(&app, "visits", "count").await;
        let mut text = String::from("indicator;area;year;sex;value\n");
        let mut rows = 0usize;
        for a in areas_national::national_areas()
            .unwrap()
            .iter()
            .filter(|a| a.kind == "municipality")
        {
            for year in 1930..2016 {
                for sex in ["total", "male", "female"] {
                    text.push_str(&format!(
                        "local:visits;KU{};{year};{sex};{}\n",
                        a.code,
                        year % 7
                    ));
                    rows += 1;
                }
            }
        }
        assert!(rows > tuuli::knowledge::values::engine::CHUNK);
        let first_row = text.lines().nth(1).unwrap().to_owned();
        let changed = first_row.rsplit_once(';').unwrap().0.to_owned() + ";99";
        let other = format!("{text}{changed}\n");
        let lines = other.lines().count();
        let s = csv(&app, "xchunk1", other.as_bytes()).await;
        assert_eq!(s.status, "failed");
        let listed = reasons(&s);
        assert!(
            listed[0].starts_with(&format!("line {lines}: import-error-duplicate")),
            "{listed:?}"
        );
        assert_eq!(
            scalar(&app, "SELECT COUNT(*) FROM indicator_values").await,
            0
        );

        let same = format!("{text}{first_row}\n");
        let s = csv(&app, "xchunk2", same.as_bytes()).await;
        assert_eq!(
            (s.status, s.inserted, s.updated, s.unchanged),
            ("done", rows as u64, 0, 1),
            "{:?}",
            reasons(&s)
        );
        assert_eq!(
            scalar(&app, "SELECT COUNT(*) FROM indicator_value_revisions").await,
            0
        );

        // Again, now that every value is stored: the first row leaves its value as it
        // was (no mark of this import in the store), and its repeat in a later chunk
        // with another value is still a duplicate, not a revision.
        let s = csv(&app, "xchunk3", other.as_bytes()).await;
        assert_eq!(s.status, "failed");
        let listed = reasons(&s);
        assert!(
            listed[0].starts_with(&format!("line {lines}: import-error-duplicate")),
            "{listed:?}"
        );
        assert_eq!(listed.len(), 1, "{listed:?}");
        assert_eq!(
            scalar(&app, "SELECT COUNT(*) FROM indicator_value_revisions").await,
            0
        );
        let first_value = first_row.rsplit_once(';').unwrap().1;
        let (year, sex) = (1930, 0);
        assert_eq!(
            scalar(
                &app,
                &format!(
                    "SELECT COUNT(*) FROM indicator_values v JOIN areas a ON a.id = v.area_id \
                     WHERE a.kind = 'municipality' AND v.year = {year} AND v.sex = {sex} \
                     AND v.value = {first_value} AND a.official_code = '{}'",
                    first_row
                        .split(';')
                        .nth(1)
                        .unwrap()
                        .trim_start_matches("KU")
                )
            )
            .await,
            1,
            "the stored value stays"
        );
        // The same repeat with the same value is one value, unchanged.
        let s = csv(&app, "xchunk4", same.as_bytes()).await;
        assert_eq!(
            (s.status, s.inserted, s.updated, s.unchanged),
            ("done", 0, 0, rows as u64 + 1),
            "{:?}",
            reasons(&s)
        );
    }
);

// Values have no foreign keys (migration 0019, for bulk imports); the rows they refer to
// are still protected from deletion.
both!(
    an_area_indicator_or_import_that_values_refer_to_cannot_be_deleted,
    |app| async move {
        let indicator = local_indicator(&app, "share", "percent").await;
        let file = "indicator;area;year;sex;value\nlocal:share;KU398;2022;total;12,5\n";
        let s = csv(&app, "refer", file.as_bytes()).await;
        assert_eq!(s.status, "done", "{:?}", reasons(&s));
        let lahti = area_id(&app, "municipality", "398").await;
        let refused =
            tuuli::core::areas_write::delete(&app.db, lahti, &Actor::system("test")).await;
        assert!(
            matches!(
                refused,
                Err(tuuli::error::AppError::Conflict("error-area-in-use"))
            ),
            "{refused:?}"
        );
        for sql in [
            format!("DELETE FROM areas WHERE id = {lahti}"),
            format!("DELETE FROM indicators WHERE id = {indicator}"),
            format!("DELETE FROM imports WHERE id = {}", s.import_id),
        ] {
            let r = tuuli::with_db!(&app.db, p => sqlx::query(sqlx::AssertSqlSafe(sql.clone())).execute(p).await.map(|_| ()));
            assert!(r.is_err(), "{sql}");
        }
        assert_eq!(
            scalar(&app, "SELECT COUNT(*) FROM indicator_values").await,
            1
        );
        // Without values they go.
        let other: i64 = tuuli::with_db!(&app.db, p => sqlx::query_scalar(
            "INSERT INTO areas (kind, name_fi, official_code) VALUES ('municipality', 'Testilä', '990') RETURNING id",
        ).fetch_one(p).await)
        .unwrap();
        tuuli::core::areas_write::delete(&app.db, other, &Actor::system("test"))
            .await
            .unwrap();
    }
);
