//! Kept (cached) statistics pages: rebuilt as soon as their data change, even by another
//! process, and carrying nothing of the viewer who caused them to be built.

use super::*;
use crate::both;

both!(
    a_kept_profile_is_rebuilt_as_soon_as_its_data_changes_even_by_another_process,
    |app| async move {
        let (s, ind) = seeded(&app, (Some(40.0), Some(400.0), 10.0)).await;
        let p = profile(&app, s, "&set=test_set").await;
        assert_eq!(p["rows"][0]["comparison"], "worse");
        assert_eq!(p["rows"][0]["latest"]["year"], 2024);
        // The page is served from the memo now; change the polarity behind its back (as
        // another instance's coordinator would): the next request sees it.
        scalar(
            &app,
            "UPDATE indicators SET polarity = 'higher_better', version = version + 1 WHERE id = $1 RETURNING id",
            &[ind],
        )
        .await;
        let p = profile(&app, s, "&set=test_set").await;
        assert_eq!(p["rows"][0]["comparison"], "better");
        // A finished import brings a newer year.
        let import = finished_import(&app).await;
        value(&app, s, ind, import, 2025, (Some(20.0), Some(400.0), 5.0)).await;
        let p = profile(&app, s, "&set=test_set").await;
        assert_eq!(p["rows"][0]["latest"]["year"], 2025);
        // The HTML page shares the memo and agrees.
        let page = app
            .get(&format!("/areas/{s}/profile?set=test_set&lang=en"))
            .await;
        page.assert_status(200);
        assert!(page.body.contains("2025"));
    }
);

/// A finished import, for the values of a newer year.
async fn finished_import(app: &TestApp) -> i64 {
    scalar(
        app,
        "INSERT INTO imports (kind, status, started_at) VALUES ('csv', 'done', '2026-01-01T00:00:00+00:00') RETURNING id",
        &[],
    )
    .await
}

/// The funnel of an indicator from the API (the home region, the latest year).
async fn funnel_json(app: &TestApp, ind: i64) -> Value {
    let res = app
        .api(
            Method::GET,
            &format!("/api/v1/indicators/{ind}/funnel"),
            None,
            None,
        )
        .await;
    res.assert_status(200);
    res.json()
}

both!(
    the_kept_profile_page_indicator_page_and_funnel_show_a_new_import_on_the_next_request,
    |app| async move {
        let (s, ind) = seeded(&app, (Some(40.0), Some(400.0), 10.0)).await;
        let sysma_point = |f: &Value| -> (i64, f64) {
            let p = f["points"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["area"]["id"].as_i64() == Some(s))
                .expect("Sysmä in the funnel")
                .clone();
            (f["year"].as_i64().unwrap(), p["value"].as_f64().unwrap())
        };
        // Built once and kept: the same answers twice.
        for _ in 0..2 {
            assert_eq!(sysma_point(&funnel_json(&app, ind).await), (2024, 10.0));
            let page = app.get(&format!("/indicators/{ind}/stats?lang=en")).await;
            page.assert_status(200);
            assert!(page.body.contains("10.0") && !page.body.contains(r#"<option value="2025""#));
            let page = app
                .get(&format!("/areas/{s}/profile?set=test_set&lang=en"))
                .await;
            page.assert_status(200);
            assert!(page.body.contains("(2024)") && !page.body.contains("(2025)"));
        }
        // A finished import brings 2025 (20 of 400 = 5 %): every kept view shows it on the
        // next request.
        let import = finished_import(&app).await;
        value(&app, s, ind, import, 2025, (Some(20.0), Some(400.0), 5.0)).await;
        value(
            &app,
            area(&app, "country", "SSS").await,
            ind,
            import,
            2025,
            (Some(30_000.0), Some(1_000_000.0), 3.0),
        )
        .await;
        assert_eq!(sysma_point(&funnel_json(&app, ind).await), (2025, 5.0));
        let page = app.get(&format!("/indicators/{ind}/stats?lang=en")).await;
        assert!(page.body.contains(r#"<option value="2025""#) && page.body.contains("5.0"));
        let page = app
            .get(&format!("/areas/{s}/profile?set=test_set&lang=en"))
            .await;
        assert!(page.body.contains("(2025)"));
        let p = profile(&app, s, "&set=test_set").await;
        assert_eq!(p["rows"][0]["latest"]["year"], 2025);
    }
);

both!(
    a_kept_statistics_page_carries_nothing_of_the_viewer_who_caused_it_to_be_built,
    |app| async move {
        let (s, ind) = seeded(&app, (Some(40.0), Some(400.0), 10.0)).await;
        app.add_user("koordinaattori@example.fi", Role::Coordinator, None, None)
            .await;
        app.sign_in("koordinaattori@example.fi").await;
        let paths = [
            format!("/areas/{s}/profile?set=test_set&lang=fi"),
            format!("/indicators/{ind}/stats?lang=fi"),
        ];
        for p in &paths {
            let page = app.get(p).await;
            page.assert_status(200);
            assert!(page.body.contains(r#"class="who""#), "{p}: signed in");
        }
        // Built for the coordinator and kept; a visitor gets the same figures, without
        // the coordinator's name, menu or form token.
        app.sign_out_locally();
        for p in &paths {
            let page = app.get(p).await;
            page.assert_status(200);
            assert!(!page.body.contains(r#"class="who""#), "{p}");
            assert!(page.body.contains("10,0"), "{p}: the figures");
        }
    }
);
