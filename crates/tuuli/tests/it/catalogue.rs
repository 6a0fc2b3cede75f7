//! `/indicators`, `/indicator-sets`, `/api/v1/indicators`, `/api/v1/sets`, `/api/v1/values`:
//! the seeded catalogue, search and filters, the indicator page with its values and the
//! synthetic label, sanitised Sotkanet HTML. This file has the shared helpers and the
//! catalogue's pages; `catalogue/` has the exports and the values API (`exports.rs`) and
//! rights, edit conflicts and the audit trail (`editing.rs`).

mod editing;
mod exports;

use axum::body::Body;
use axum::http::{Method, Request};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;
use tuuli::auth::Role;

use crate::both;
use crate::helpers::TestApp;

async fn exec(app: &TestApp, sql: &str) {
    let sql = sql.to_owned();
    tuuli::with_db!(&app.db, p => sqlx::query(sqlx::AssertSqlSafe(sql)).execute(p).await.map(|_| ())).unwrap();
}

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    let sql = sql.to_owned();
    tuuli::with_db!(&app.db, p => sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql)).fetch_one(p).await).unwrap()
}

/// The catalogue id of a seeded Sotkanet indicator.
async fn indicator(app: &TestApp, sotkanet_id: &str) -> i64 {
    scalar(
        app,
        &format!(
            "SELECT id FROM indicators WHERE source = 'sotkanet' AND source_id = '{sotkanet_id}'"
        ),
    )
    .await
}

async fn area(app: &TestApp, official_code: &str) -> i64 {
    scalar(
        app,
        &format!(
            "SELECT id FROM areas WHERE kind = 'municipality' AND official_code = '{official_code}'"
        ),
    )
    .await
}

/// An import (synthetic or not) and values of indicator 289 for Lahti (2021–2022, total,
/// 2022 also by sex) and Heinola (2022, total): plain SQL, as the import path is elsewhere.
pub(crate) async fn values(app: &TestApp, synthetic: bool) -> (i64, i64, i64) {
    let ind = indicator(app, "289").await;
    let lahti = area(app, "398").await;
    let heinola = area(app, "111").await;
    let flag = if synthetic { "TRUE" } else { "FALSE" };
    let import = scalar(app, &format!(
        "INSERT INTO imports (kind, source_name, status, is_synthetic, started_at) VALUES ('demo', 'test', 'done', {flag}, '2026-01-01T00:00:00+00:00') RETURNING id")).await;
    for (a, year, sex, value, count, den) in [
        (lahti, 2021, 0, "12.5", "125", "1000"),
        (lahti, 2022, 0, "11.26", "90", "800"),
        (lahti, 2022, 1, "13.0", "52", "400"),
        (lahti, 2022, 2, "9.5", "38", "400"),
        (heinola, 2022, 0, "15.0", "NULL", "NULL"),
    ] {
        exec(app, &format!(
            "INSERT INTO indicator_values (area_id, indicator_id, year, sex, value, count, denominator, import_id) VALUES ({a}, {ind}, {year}, {sex}, {value}, {count}, {den}, {import})")).await;
    }
    (ind, lahti, heinola)
}

async fn coordinator(app: &TestApp) -> String {
    app.add_user("koord@example.fi", Role::Coordinator, None, None)
        .await;
    app.token_for("koord@example.fi").await
}

both!(
    seeding_is_idempotent_and_keeps_coordinators_edits,
    |app| async move {
        assert_eq!(scalar(&app, "SELECT COUNT(*) FROM indicators").await, 99);
        assert_eq!(scalar(&app, "SELECT COUNT(*) FROM indicator_sets").await, 4);
        assert_eq!(scalar(&app, "SELECT COUNT(*) FROM indicator_set_members m JOIN indicator_sets s ON s.id = m.set_id WHERE s.key = 'kuva'").await, 23);
        assert_eq!(scalar(&app, "SELECT COUNT(*) FROM indicator_set_members m JOIN indicator_sets s ON s.id = m.set_id WHERE s.key = 'substance-key'").await, 33);
        let token = coordinator(&app).await;
        let id = indicator(&app, "289").await;
        app.api(
            Method::PUT,
            &format!("/api/v1/indicators/{id}"),
            Some(&token),
            Some(
                json!({"polarity": "lower_better", "title_sv": "Berusad", "themes": ["violence"]}),
            ),
        )
        .await
        .assert_status(200);
        let set = scalar(&app, "SELECT id FROM indicator_sets WHERE key = 'kuva'").await;
        app.api(
            Method::PUT,
            &format!("/api/v1/sets/{set}"),
            Some(&token),
            Some(json!({"indicators": [id]})),
        )
        .await
        .assert_status(200);
        let again = tuuli::knowledge::catalogue::seed::load(&app.db)
            .await
            .unwrap();
        assert_eq!(again, Default::default(), "a second load inserts nothing");
        let ind = app.get(&format!("/api/v1/indicators/{id}")).await.json();
        assert_eq!(ind["polarity"], "lower_better");
        assert_eq!(ind["title_sv"], "Berusad");
        assert_eq!(ind["themes"], json!(["violence"]));
        assert_eq!(
            app.get(&format!("/api/v1/sets/{set}")).await.json()["indicators"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
        assert_eq!(scalar(&app, "SELECT COUNT(*) FROM indicators").await, 99);
    }
);

both!(search_folds_case_and_finds_a_umlaut, |app| async move {
    // "Läheisen alkoholin käyttö…" (331, 340): upper-case Ä must find lower-case ä.
    let page = app.get("/api/v1/indicators?q=L%C3%84HEISEN").await.json();
    assert_eq!(page["total"], 2, "{page}");
    let ids: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["source_id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"331") && ids.contains(&"340"), "{ids:?}");
    // Swedish titles are searched too, and the page shows the matches.
    assert_eq!(
        app.get("/api/v1/indicators?q=N%C3%84RST%C3%85ENDES")
            .await
            .json()["total"],
        2
    );
    let html = app.get("/indicators?q=l%C3%A4heisen").await;
    html.assert_status(200);
    assert!(
        html.body.contains("Läheisen alkoholin käyttö"),
        "{}",
        html.body
    );
    assert!(!html.body.contains("Tupakoi päivittäin"));
});

both!(
    catalogue_filters_by_theme_set_and_source_and_pages,
    |app| async move {
        assert_eq!(
            app.get("/api/v1/indicators?theme=gambling").await.json()["total"],
            7
        );
        assert_eq!(
            app.get("/api/v1/indicators?set=kuva").await.json()["total"],
            23
        );
        let set = scalar(
            &app,
            "SELECT id FROM indicator_sets WHERE key = 'substance-key'",
        )
        .await;
        assert_eq!(
            app.get(&format!("/api/v1/indicators?set={set}"))
                .await
                .json()["total"],
            33
        );
        assert_eq!(
            app.get("/api/v1/indicators?source=statfin").await.json()["total"],
            0
        );
        assert_eq!(
            app.get("/api/v1/indicators?source=sotkanet&theme=violence&set=kuva")
                .await
                .json()["total"],
            1
        );
        app.get("/api/v1/indicators?source=nowhere")
            .await
            .assert_status(400);
        let p2 = app
            .get("/api/v1/indicators?per_page=40&page=3")
            .await
            .json();
        assert_eq!(
            (p2["total"].as_i64(), p2["items"].as_array().unwrap().len()),
            (Some(99), 19)
        );
        let html = app.get("/indicators?theme=gambling&lang=en").await;
        assert!(html.body.contains("Gambles every week"), "{}", html.body);
        assert!(!html.body.contains("Daily smokers"));
        let sets = app.get("/api/v1/sets").await.json();
        assert_eq!(sets.as_array().unwrap().len(), 4);
        app.get("/indicator-sets").await.assert_status(200);
        let page = app.get(&format!("/indicator-sets/{set}?lang=fi")).await;
        assert!(page.body.contains("Tosi humalassa"), "{}", page.body);
        app.get("/indicator-sets/999999").await.assert_status(404);
    }
);

both!(
    indicator_page_shows_values_with_decimal_comma_and_the_synthetic_label,
    |app| async move {
        let (ind, lahti, _) = values(&app, true).await;
        let fi = app.get(&format!("/indicators/{ind}")).await;
        fi.assert_status(200);
        assert!(
            fi.body.contains("Lahti") && fi.body.contains("Heinola"),
            "{}",
            fi.body
        );
        assert!(
            fi.body.contains("12,5") && fi.body.contains("11,3"),
            "{}",
            fi.body
        );
        assert!(fi.body.contains("Synteettistä aineistoa"), "{}", fi.body);
        assert!(
            fi.body.contains("CC BY 4.0")
                && fi.body.contains("Terveyden ja hyvinvoinnin laitos (THL)")
        );
        let sv = app.get(&format!("/indicators/{ind}?lang=sv")).await;
        assert!(sv.body.contains("12,5") && sv.body.contains("Syntetiska uppgifter"));
        let en = app.get(&format!("/indicators/{ind}?lang=en")).await;
        assert!(en.body.contains("12.5") && en.body.contains("Synthetic data"));
        // Filters: one area, one sex.
        let f = app
            .get(&format!(
                "/indicators/{ind}?area={lahti}&sex=female&lang=en"
            ))
            .await;
        assert!(
            f.body.contains("9.5")
                && !f.body.contains("12.5")
                && !f.body.contains("<th scope=\"row\">Heinola"),
            "{}",
            f.body
        );
        assert!(f.body.contains("One value"), "{}", f.body);
        // Real data carries no label.
        let other = indicator(&app, "288").await;
        let real = app.get(&format!("/indicators/{other}")).await;
        assert!(!real.body.contains("Synteettistä aineistoa"));
    }
);

both!(indicator_page_sanitises_sotkanet_html, |app| async move {
    let id = indicator(&app, "186").await;
    let page = app.get(&format!("/indicators/{id}")).await;
    // The seeded description of 186 had <p id=suhteutus>: kept as <p>, without attributes.
    assert!(
        page.body.contains("Väestösuhteutus on tehty THL"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("id=suhteutus"));
    exec(&app, &format!("UPDATE indicators SET description_fi = 'Hyvä <script>alert(1)</script><b onclick=\"x()\">lihava</b><img src=x onerror=alert(2)>' WHERE id = {id}")).await;
    let page = app.get(&format!("/indicators/{id}")).await;
    assert!(page.body.contains("Hyvä <b>lihava</b>"), "{}", page.body);
    assert!(
        !page.body.contains("alert(")
            && !page.body.contains("onclick")
            && !page.body.contains("<img"),
        "{}",
        page.body
    );
});
