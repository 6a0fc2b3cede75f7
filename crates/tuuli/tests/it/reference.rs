//! Reference data (themes and the region's areas) without the demo: what a production
//! `tuuli serve` on an empty database has from its first request.

use axum::http::Method;
use serde_json::json;
use tuuli::auth::Role;

use crate::both;

async fn count(app: &crate::helpers::TestApp, sql: &'static str) -> i64 {
    tuuli::with_db!(&app.db, p => sqlx::query_scalar::<_, i64>(sql).fetch_one(p).await).unwrap()
}

async fn lahti_id(app: &crate::helpers::TestApp) -> i64 {
    let areas = app
        .api(Method::GET, "/api/v1/areas?kind=municipality", None, None)
        .await
        .json();
    let lahti = areas
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["official_code"] == "398")
        .expect("Lahti is a municipality without the demo");
    assert_eq!(lahti["name_fi"], "Lahti");
    lahti["id"].as_i64().unwrap()
}

both!(
    without_the_demo_an_organisation_is_created_in_lahti_with_the_form_and_the_api,
    |app| async move {
        assert_eq!(
            count(&app, "SELECT COUNT(*) FROM users").await,
            0,
            "no demo"
        );
        assert_eq!(count(&app, "SELECT COUNT(*) FROM themes").await, 4);
        let lahti = lahti_id(&app).await;
        app.add_user("k@example.fi", Role::Coordinator, None, None)
            .await;
        app.sign_in("k@example.fi").await;
        // The form offers Lahti and the four themes.
        let form = app.get("/organisations/new").await;
        form.assert_status(200);
        assert!(
            form.body.contains(&format!("value=\"{lahti}\"")),
            "{}",
            form.body
        );
        assert!(form.body.contains("value=\"violence\""));
        let lahti_s = lahti.to_string();
        let res = app
            .post_form(
                "/organisations",
                &[
                    ("name_fi", "Lahden Lomakeyhdistys ry"),
                    ("org_type", "ngo"),
                    ("area_id", &lahti_s),
                    ("themes", "violence"),
                ],
            )
            .await;
        res.assert_status(303);
        let page = app.get(&res.location()).await;
        assert!(page.body.contains("Lahden Lomakeyhdistys ry") && page.body.contains("Lahti"));

        let token = app.token_for("k@example.fi").await;
        let res = app
            .api(
                Method::POST,
                "/api/v1/organisations",
                Some(&token),
                Some(json!({"name_fi": "Lahden Rajapintayhdistys ry", "org_type": "ngo", "area_id": lahti, "themes": ["substances"]})),
            )
            .await;
        res.assert_status(201);
        assert_eq!(res.json()["area_id"], lahti);
        let listed = app
            .api(
                Method::GET,
                &format!("/api/v1/organisations?area={lahti}"),
                None,
                None,
            )
            .await
            .json();
        assert_eq!(listed["total"], 2, "{listed}");
    }
);

both!(
    loading_the_reference_data_twice_changes_nothing_and_restores_a_drifted_row,
    |app| async move {
        let tables = [
            "SELECT COUNT(*) FROM themes",
            "SELECT COUNT(*) FROM areas",
            "SELECT COUNT(*) FROM areas WHERE parent_id IS NOT NULL",
            "SELECT COUNT(*) FROM audit_log",
        ];
        let mut before = Vec::new();
        for sql in tables {
            before.push(count(&app, sql).await);
        }
        assert_eq!(before[..3], [4, 15, 14]);
        let again = tuuli::core::reference::load(&app.db).await.unwrap();
        assert_eq!(again, tuuli::core::reference::Loaded::default());
        let mut after = Vec::new();
        for sql in tables {
            after.push(count(&app, sql).await);
        }
        assert_eq!(before, after);

        // A row that drifted from the file is set back (audited); an area the file does
        // not name is left alone.
        tuuli::with_db!(&app.db, p => sqlx::query("UPDATE areas SET name_sv = 'Fel' WHERE official_code = '398'").execute(p).await.map(|r| r.rows_affected())).unwrap();
        app.add_user("k@example.fi", Role::Coordinator, None, None)
            .await;
        let token = app.token_for("k@example.fi").await;
        app.api(
            Method::POST,
            "/api/v1/areas",
            Some(&token),
            Some(json!({"kind": "municipality", "name_fi": "Uusikunta", "official_code": "999"})),
        )
        .await
        .assert_status(201);
        let fixed = tuuli::core::reference::load(&app.db).await.unwrap();
        assert_eq!(
            fixed,
            tuuli::core::reference::Loaded {
                inserted: 0,
                updated: 1
            }
        );
        let sv: String = tuuli::with_db!(&app.db, p => sqlx::query_scalar("SELECT name_sv FROM areas WHERE official_code = '398'").fetch_one(p).await).unwrap();
        assert_eq!(sv, "Lahtis");
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM areas WHERE official_code = '999'"
            )
            .await,
            1
        );
    }
);

#[tokio::test]
async fn tuuli_migrate_loads_the_themes_and_areas_into_an_empty_database() {
    let dir = std::env::temp_dir().join(format!("tuuli-ref-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let url = format!("sqlite://{}/tuuli.db", dir.display());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tuuli"))
        .args(["migrate", "--database", &url])
        .env("TUULI_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let db = tuuli::db::Db::connect(&url).await.unwrap();
    let n = |sql: &'static str| {
        let db = db.clone();
        async move {
            tuuli::with_db!(&db, p => sqlx::query_scalar::<_, i64>(sql).fetch_one(p).await).unwrap()
        }
    };
    assert_eq!(n("SELECT COUNT(*) FROM themes").await, 4);
    // The national list (320 municipalities of Sotkanet's 2015 list), the region's ten
    // among them.
    assert_eq!(
        n("SELECT COUNT(*) FROM areas WHERE kind = 'municipality'").await,
        320
    );
    assert_eq!(
        n("SELECT COUNT(*) FROM areas a JOIN areas r ON r.id = a.parent_id WHERE a.kind = 'municipality' AND r.kind = 'region' AND r.official_code = '07' AND a.valid_to IS NULL").await,
        10
    );
    assert_eq!(n("SELECT COUNT(*) FROM users").await, 0, "no demo content");
    db.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}
