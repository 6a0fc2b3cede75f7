//! The indicator page's accessible charts, the welfare report, and the funnel.

use super::*;
use crate::both;

both!(
    the_indicator_page_draws_accessible_charts_and_a_funnel_with_its_table,
    |app| async move {
        let app = app.with_demo().await;
        let noisy = demo_indicator(&app, "289").await;
        let page = app.get(&format!("/indicators/{noisy}/stats?lang=sv")).await;
        page.assert_status(200);
        assert!(
            page.body.matches(r#"role="img""#).count() >= 3,
            "three charts"
        );
        assert!(page.body.contains("<title id=") || page.body.contains("<title>"));
        assert!(page.body.contains("<desc"));
        assert!(page.body.contains("Trattdiagram"));
        assert!(page.body.contains("Syntetiska uppgifter"));
        let f = app
            .api(
                Method::GET,
                &format!("/api/v1/indicators/{noisy}/funnel"),
                None,
                None,
            )
            .await;
        f.assert_status(200);
        let f = f.json();
        // Municipalities with fewer than 5 cases are not plotted.
        let n = f["points"].as_array().unwrap().len();
        assert!((5..=10).contains(&n), "{n}");
        assert!(f["limits"].as_array().unwrap().len() > 10);
        let l = &f["limits"][0];
        assert!(l["upper998"].as_f64() > l["upper95"].as_f64());
    }
);

both!(
    the_welfare_report_follows_thls_order_with_sexes_and_the_plans_work_for_the_municipality,
    |app| async move {
        tuuli::core::areas_national::load(&app.db)
            .await
            .expect("national areas");
        let (s, ind) = seeded(&app, (Some(40.0), Some(400.0), 10.0)).await;
        let import = scalar(&app, "SELECT MAX(id) FROM imports", &[]).await;
        for (sex, count) in [(1, 30.0), (2, 10.0)] {
            tuuli::with_db!(&app.db, p => sqlx::query("INSERT INTO indicator_values (area_id, indicator_id, year, sex, value, count, denominator, import_id) VALUES ($1, $2, 2024, $3, $4, $5, 200, $6)")
                .bind(s).bind(ind).bind(sex).bind(count / 2.0).bind(count).bind(import).execute(p).await.map(|_| ()))
            .unwrap();
        }
        let token = coordinator(&app).await;
        let g = goal(&app, &token).await;
        let action = app.api(Method::POST, "/api/v1/actions", Some(&token),
            Some(json!({"goal_id": g, "title": "Pakka-toimintamalli Sysmässä", "start_date": "2022-01-01"}))).await;
        action.assert_status(201);
        let action = action.json()["id"].as_i64().unwrap();
        scalar(&app, "INSERT INTO plan_action_areas (action_id, area_id) VALUES ($1, $2) RETURNING action_id", &[action, s]).await;
        let page = app
            .get(&format!(
                "/areas/{s}/welfare-report?from=2021&to=2024&set=test_set&lang=fi"
            ))
            .await;
        page.assert_status(200);
        let b = &page.body;
        let at = |text: &str| b.find(text).unwrap_or_else(|| panic!("{text} missing"));
        assert!(at("Väestön hyvinvointi") < at("Väestöryhmien väliset erot"));
        assert!(at("Väestöryhmien väliset erot") < at("Tehty työ ja sen voimavarat"));
        assert!(at("Tehty työ ja sen voimavarat") < at("Rakenteet"));
        assert!(b.contains("Pakka-toimintamalli Sysmässä"));
        // Women 10 of 200 (5 %) against men's 15 %: significantly lower.
        assert!(b.contains("tilastollisesti merkitsevästi matalampi"));
        assert!(b.contains("Testi-indikaattori"));
    }
);

both!(
    the_funnel_can_compare_every_municipality_of_the_country_not_only_the_regions,
    |app| async move {
        tuuli::core::areas_national::load(&app.db)
            .await
            .expect("national areas");
        let (s, ind) = seeded(&app, (Some(40.0), Some(400.0), 10.0)).await;
        let import = scalar(&app, "SELECT MAX(id) FROM imports", &[]).await;
        let helsinki = area(&app, "municipality", "091").await;
        value(
            &app,
            helsinki,
            ind,
            import,
            2024,
            (Some(900.0), Some(30_000.0), 3.0),
        )
        .await;
        let names = |v: &Value| -> Vec<i64> {
            v["points"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["area"]["id"].as_i64().unwrap())
                .collect()
        };
        let region = app
            .api(
                Method::GET,
                &format!("/api/v1/indicators/{ind}/funnel"),
                None,
                None,
            )
            .await;
        region.assert_status(200);
        let ids = names(&region.json());
        assert!(ids.contains(&s) && !ids.contains(&helsinki), "{ids:?}");
        let country = app
            .api(
                Method::GET,
                &format!("/api/v1/indicators/{ind}/funnel?scope=country"),
                None,
                None,
            )
            .await;
        country.assert_status(200);
        let ids = names(&country.json());
        assert!(ids.contains(&s) && ids.contains(&helsinki), "{ids:?}");
        // The page names what it compares, in the reader's language.
        let page = app
            .get(&format!("/indicators/{ind}/stats?scope=country&lang=sv"))
            .await;
        page.assert_status(200);
        assert!(page.body.contains("Alla kommuner i Finland"));
        assert!(page.body.contains("Helsingfors") || page.body.contains("Helsinki"));
    }
);
