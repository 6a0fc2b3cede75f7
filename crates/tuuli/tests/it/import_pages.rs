//! XLSX imports (command line, page upload) and an import's own page `/imports/{id}`, on
//! both databases.

use rust_xlsxwriter::Workbook;
use tuuli::auth::{Actor, Role};
use tuuli::core::areas_national;
use tuuli::knowledge::imports;
use tuuli::knowledge::values::{ImportMeta, Summary};

use crate::both;
use crate::helpers::TestApp;

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    let sql = sql.to_owned();
    tuuli::with_db!(&app.db, p => sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql)).fetch_one(p).await).unwrap()
}

async fn local_indicator(app: &TestApp, key: &str, value_type: &str) {
    let now = chrono::Utc::now();
    tuuli::with_db!(&app.db, p => sqlx::query(
        "INSERT INTO indicators (source, source_id, title_fi, value_type, created_at, updated_at) VALUES ('local', $1, $1, $2, $3, $3)",
    ).bind(key).bind(value_type).bind(now).execute(p).await.map(|_| ())).unwrap();
}

/// A cell of a test workbook.
enum C {
    T(&'static str),
    N(f64),
}

/// A workbook whose first sheet holds `rows`.
fn workbook(rows: &[Vec<C>]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell {
                C::T(t) => ws.write_string(r, c, *t).map(|_| ()),
                C::N(n) => ws.write_number(r, c, *n).map(|_| ()),
            }
            .unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

fn header() -> Vec<C> {
    [
        "Indikaattori",
        "Alue",
        "Vuosi",
        "Sukupuoli",
        "Arvo",
        "Lukumäärä",
        "Nimittäjä",
    ]
    .into_iter()
    .map(C::T)
    .collect()
}

async fn xlsx(app: &TestApp, bytes: &[u8]) -> Summary {
    let dir = std::env::temp_dir().join(format!(
        "tuuli-xlsx-{}-{}",
        std::process::id(),
        rand::random::<u32>()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("arvot.xlsx");
    std::fs::write(&path, bytes).unwrap();
    let meta = ImportMeta {
        kind: "xlsx",
        source_name: "arvot.xlsx".into(),
        vintage: None,
        is_synthetic: false,
        actor: Actor::system("test"),
        job_id: None,
    };
    let s = imports::local_xlsx(&app.db, &path, meta, None)
        .await
        .unwrap();
    let _ = std::fs::remove_dir_all(dir);
    s
}

/// A CSV whose second row has the year "20O4" for `local:{key}`, imported as the command
/// line does: refused, with that one error recorded.
async fn refused_csv(app: &TestApp, key: &str) -> Summary {
    let dir = std::env::temp_dir().join(format!(
        "tuuli-ip-{}-{}",
        std::process::id(),
        rand::random::<u32>()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("huono.csv");
    let text = format!(
        "indicator;area;year;sex;value\nlocal:{key};KU398;2024;total;1\nlocal:{key};KU398;20O4;total;1\n"
    );
    std::fs::write(&path, text).unwrap();
    let meta = ImportMeta {
        kind: "csv",
        source_name: "huono.csv".into(),
        vintage: None,
        is_synthetic: false,
        actor: Actor::system("cli"),
        job_id: None,
    };
    let s = imports::local_csv(&app.db, &path, meta, None)
        .await
        .unwrap();
    let _ = std::fs::remove_dir_all(dir);
    assert_eq!(s.status, "failed");
    s
}

fn reasons(s: &Summary) -> Vec<String> {
    s.errors.errors.iter().map(|e| e.to_string()).collect()
}

both!(
    an_xlsx_workbook_imports_like_the_csv_and_a_bad_row_changes_nothing,
    |app| async move {
        areas_national::load(&app.db).await.unwrap();
        local_indicator(&app, "share", "percent").await;
        local_indicator(&app, "cases", "count").await;
        let good = workbook(&[
            header(),
            vec![
                C::T("local:share"),
                C::T("KU398"),
                C::N(2023.0),
                C::T("yhteensä"),
                C::N(12.5),
            ],
            vec![
                C::T("local:share"),
                C::N(781.0),
                C::T("2023"),
                C::T("naiset"),
                C::T("11,25"),
            ],
            vec![
                C::T("local:cases"),
                C::T("MK07"),
                C::N(2022.0),
                C::T("miehet"),
                C::N(3.0),
                C::N(30.0),
                C::N(1000.0),
            ],
        ]);
        let s = xlsx(&app, &good).await;
        assert_eq!((s.status, s.inserted), ("done", 3), "{:?}", reasons(&s));
        let sysma: f64 = tuuli::with_db!(&app.db, p => sqlx::query_scalar(
            "SELECT v.value FROM indicator_values v JOIN areas a ON a.id = v.area_id WHERE a.kind = 'municipality' AND a.official_code = '781'",
        ).fetch_one(p).await)
        .unwrap();
        assert_eq!(sysma, 11.25, "text with a decimal comma is a number");
        let count: Option<f64> = tuuli::with_db!(&app.db, p => sqlx::query_scalar(
            "SELECT v.count FROM indicator_values v JOIN areas a ON a.id = v.area_id WHERE a.kind = 'region'",
        ).fetch_one(p).await)
        .unwrap();
        assert_eq!(count, Some(30.0));
        let again = xlsx(&app, &good).await;
        assert_eq!((again.inserted, again.unchanged), (0, 3));

        // A bad row on sheet row 3 (and one further down): nothing changes, both are named.
        let bad = workbook(&[
            header(),
            vec![
                C::T("local:share"),
                C::T("KU398"),
                C::N(2024.0),
                C::T("yhteensä"),
                C::N(10.0),
            ],
            vec![
                C::T("local:share"),
                C::T("KU398"),
                C::T("20O4"),
                C::T("yhteensä"),
                C::N(10.0),
            ],
            vec![],
            vec![
                C::T("local:share"),
                C::T("KU398"),
                C::N(2021.0),
                C::T("yhteensä"),
                C::N(101.0),
            ],
        ]);
        let s = xlsx(&app, &bad).await;
        assert_eq!((s.status, s.rejected), ("failed", 2));
        let listed = reasons(&s);
        assert!(
            listed[0].starts_with("line 3:") && listed[0].contains("import-error-year"),
            "{listed:?}"
        );
        assert!(
            listed[1].starts_with("line 5:") && listed[1].contains("import-error-percent-range"),
            "{listed:?}"
        );
        assert_eq!(
            scalar(&app, "SELECT COUNT(*) FROM indicator_values").await,
            3
        );

        // Not a workbook at all.
        let s = xlsx(&app, b"indicator;area;year;sex;value\n").await;
        assert_eq!(s.status, "failed");
        assert!(
            reasons(&s)[0].contains("import-error-not-xlsx"),
            "{:?}",
            reasons(&s)
        );
        assert_eq!(
            scalar(&app, "SELECT COUNT(*) FROM indicator_values").await,
            3
        );
    }
);

// A coordinator uploads a workbook on the page; the job imports it as XLSX; the history
// links each import to its own page, which shows the summary and, for a refused import,
// every recorded error in the reader's language. Members may not see it.
both!(
    an_uploaded_workbook_is_imported_and_each_import_has_its_own_page,
    |app| async move {
        use tuuli::jobs::JobStatus;
        areas_national::load(&app.db).await.unwrap();
        local_indicator(&app, "upload", "percent").await;
        app.add_user("coord@example.fi", Role::Coordinator, None, None)
            .await;
        app.sign_in("coord@example.fi").await;
        let data = workbook(&[
            header(),
            vec![
                C::T("local:upload"),
                C::T("KU398"),
                C::N(2024.0),
                C::T("yhteensä"),
                C::N(42.5),
            ],
        ]);
        let done = crate::jobs::import_on_the_page(&app, "arvot.xlsx", &data).await;
        let job = done.id;
        assert_eq!(done.status, JobStatus::Succeeded, "{done:?}");
        let result = done.result.unwrap();
        assert_eq!(result["inserted"].as_u64(), Some(1), "{result}");
        let id = result["import_id"].as_i64().unwrap();
        let kind: String = tuuli::with_db!(&app.db, p => sqlx::query_scalar("SELECT kind FROM imports WHERE id = $1").bind(id).fetch_one(p).await).unwrap();
        assert_eq!(kind, "xlsx");

        let list = app.get("/imports?lang=fi").await;
        list.assert_status(200);
        assert!(
            list.body.contains(&format!("href=\"/imports/{id}\"")),
            "{}",
            list.body
        );
        let page = app.get(&format!("/imports/{id}?lang=fi")).await;
        page.assert_status(200);
        for text in [
            "Tuonti ",
            "XLSX-työkirja",
            "arvot.xlsx",
            "Valmis",
            "Tuonti ei kirjannut virheitä.",
            &format!("href=\"/jobs/{job}\""),
            "coord@example.fi",
        ] {
            assert!(page.body.contains(text), "{text} missing: {}", page.body);
        }

        // A refused import, run from the command line: its errors, translated.
        let s = refused_csv(&app, "upload").await;
        for (lang, texts) in [
            (
                "fi",
                [
                    "Rivi 3",
                    "”20O4” ei ole vuosi",
                    "Komentorivi tai järjestelmä",
                    "Hylätty",
                ],
            ),
            (
                "en",
                [
                    "Line 3",
                    "“20O4” is not a year",
                    "The command line or the system",
                    "Refused",
                ],
            ),
        ] {
            let page = app
                .get(&format!("/imports/{}?lang={lang}", s.import_id))
                .await;
            page.assert_status(200);
            for text in texts {
                assert!(
                    page.body.contains(text),
                    "{lang}: {text} missing: {}",
                    page.body
                );
            }
        }
        app.get("/imports/987654").await.assert_status(404);

        // Another coordinator sees the import but not its job (the job is its starter's
        // and the admins'): no link that would answer 404.
        app.sign_out_locally();
        app.add_user("coord2@example.fi", Role::Coordinator, None, None)
            .await;
        app.sign_in("coord2@example.fi").await;
        let other = app.get(&format!("/imports/{id}?lang=fi")).await;
        other.assert_status(200);
        assert!(other.body.contains("arvot.xlsx"), "{}", other.body);
        assert!(
            !other.body.contains(&format!("href=\"/jobs/{job}\"")),
            "{}",
            other.body
        );
        app.get(&format!("/jobs/{job}")).await.assert_status(404);

        // The page is for those who see the history: not for members.
        app.sign_out_locally();
        app.add_user("member@example.fi", Role::Member, None, None)
            .await;
        app.sign_in("member@example.fi").await;
        app.get(&format!("/imports/{id}")).await.assert_status(403);
    }
);

// `GET /api/v1/imports/{id}`: one import's summary and its errors (line, reason in the
// request's language, stable code) for those who see its page; a member gets the page's
// 403, an unknown import 404. The skipped-row count is stored and shown on the page.
both!(
    an_import_is_served_by_the_api_with_its_errors_to_those_who_see_its_page,
    |app| async move {
        use axum::http::Method;
        areas_national::load(&app.db).await.unwrap();
        local_indicator(&app, "apiraw", "percent").await;
        app.add_user("coord@example.fi", Role::Coordinator, None, None)
            .await;
        app.add_user("member@example.fi", Role::Member, None, None)
            .await;
        let s = refused_csv(&app, "apiraw").await;

        let url = format!("/api/v1/imports/{}?lang=en", s.import_id);
        app.api(Method::GET, &url, None, None)
            .await
            .assert_status(401);
        let coord = app.token_for("coord@example.fi").await;
        let res = app.api(Method::GET, &url, Some(&coord), None).await;
        res.assert_status(200);
        let j = res.json();
        assert_eq!(j["id"].as_i64(), Some(s.import_id), "{j}");
        assert_eq!(j["status"], "failed", "{j}");
        assert_eq!(j["kind"], "csv", "{j}");
        assert_eq!(j["source_name"], "huono.csv", "{j}");
        assert_eq!(
            (
                j["rows_read"].as_i64(),
                j["inserted"].as_i64(),
                j["rejected"].as_i64()
            ),
            (Some(2), Some(0), Some(1)),
            "{j}"
        );
        assert_eq!(j["skipped"].as_i64(), Some(0), "{j}");
        assert!(j["job_id"].is_null(), "{j}");
        assert!(j["finished_at"].is_string(), "{j}");
        let errors = j["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 1, "{j}");
        assert_eq!(errors[0]["line"].as_i64(), Some(3), "{j}");
        assert_eq!(errors[0]["location"], "Line 3", "{j}");
        assert_eq!(errors[0]["code"], "import-error-year", "{j}");
        assert!(
            errors[0]["reason"]
                .as_str()
                .unwrap()
                .contains("“20O4” is not a year"),
            "{j}"
        );
        app.api(Method::GET, "/api/v1/imports/987654", Some(&coord), None)
            .await
            .assert_status(404);
        // The history gives each import as the detail does: errors in the reader's
        // language, never the stored message keys.
        let list = app
            .api(Method::GET, "/api/v1/imports?lang=en", Some(&coord), None)
            .await;
        list.assert_status(200);
        assert!(!list.body.contains("import-at-line"), "{}", list.body);
        let listed = list.json();
        let item = listed
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"].as_i64() == Some(s.import_id))
            .expect("listed");
        assert_eq!(item["errors"], j["errors"], "{item}");
        assert!(item.get("message").is_none(), "{item}");

        // A member is refused the API as the page refuses them.
        let member = app.token_for("member@example.fi").await;
        app.api(Method::GET, &url, Some(&member), None)
            .await
            .assert_status(403);
        app.sign_in("member@example.fi").await;
        app.get(&format!("/imports/{}", s.import_id))
            .await
            .assert_status(403);
        app.sign_out_locally();

        // The skipped-row count is stored with the import and shown on its page and in
        // the API.
        tuuli::with_db!(&app.db, p => sqlx::query("UPDATE imports SET skipped = 17 WHERE id = $1")
            .bind(s.import_id).execute(p).await.map(|_| ()))
        .unwrap();
        let j = app.api(Method::GET, &url, Some(&coord), None).await.json();
        assert_eq!(j["skipped"].as_i64(), Some(17), "{j}");
        app.sign_in("coord@example.fi").await;
        let page = app.get(&format!("/imports/{}?lang=en", s.import_id)).await;
        page.assert_status(200);
        assert!(
            page.body.contains("Skipped")
                && page.body.contains("<td id=\"import-skipped\">17</td>"),
            "{}",
            page.body
        );
    }
);
