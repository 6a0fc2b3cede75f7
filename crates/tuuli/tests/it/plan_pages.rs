//! The plan pages: the tree with statuses in words and symbols, roll-ups, stale flags and
//! filters; goal and action pages; the public page; unpublished plans hidden from the public.
//! This file has the shared helpers (the test plan's tree) and the pages; `plan_pages/` has
//! the forms (`forms.rs`: what was typed kept (422), edit conflicts (409), refused deletes
//! (409)) and the page timing run by hand (`plan_page_timing.rs`).

mod forms;
mod plan_page_timing;

use axum::http::Method;
use serde_json::{Value, json};
use tuuli::auth::Role;

use crate::both;
use crate::helpers::TestApp;

struct Tree {
    plan: i64,
    promise: i64,
    goal: i64,
    /// On track, reported today, led by the first organisation, in the first municipality,
    /// theme mental-health.
    fresh: i64,
    /// Delayed, last reported long ago, led by the second organisation, theme substances.
    old: i64,
    org1: i64,
    org2: i64,
    area: i64,
}

async fn token(app: &TestApp) -> String {
    app.add_user("koordinaattori@example.fi", Role::Coordinator, None, None)
        .await;
    app.token_for("koordinaattori@example.fi").await
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> i64 {
    let res = app.api(Method::POST, path, Some(token), Some(body)).await;
    res.assert_status(201);
    res.json()["id"].as_i64().unwrap()
}

/// A plan over 2020–2035 (so that "today" falls within it) with two actions.
async fn tree(app: &TestApp, published: bool) -> Tree {
    let t = token(app).await;
    let org1 = app.add_org("Ensimmäinen ry", "ngo").await;
    let org2 = app.add_org("Toinen ry", "ngo").await;
    let area = app
        .state
        .municipalities()
        .await
        .unwrap()
        .first()
        .unwrap()
        .id;
    let plan = post(
        app,
        &t,
        "/api/v1/plans",
        json!({"title_fi": "Seurattava suunnitelma", "start_year": 2020, "end_year": 2035,
               "status": "approved", "published": published}),
    )
    .await;
    let promise = post(
        app,
        &t,
        "/api/v1/promises",
        json!({"plan_id": plan, "title_fi": "Ensimmäinen lupaus"}),
    )
    .await;
    let goal = post(
        app,
        &t,
        "/api/v1/goals",
        json!({"promise_id": promise, "title_fi": "Ensimmäinen tavoite"}),
    )
    .await;
    let fresh = post(
        app,
        &t,
        "/api/v1/actions",
        json!({"goal_id": goal, "title": "Tuore toimenpide", "lead_organisation_id": org1,
               "municipalities": [area], "themes": ["mental-health"], "start_date": "2021-01-01",
               "planned_euros": 1000.0, "planned_days": 10.0}),
    )
    .await;
    let old = post(
        app,
        &t,
        "/api/v1/actions",
        json!({"goal_id": goal, "title": "Vanha toimenpide", "lead_organisation_id": org2,
               "themes": ["substances"], "start_date": "2021-01-01", "planned_euros": 500.0}),
    )
    .await;
    let today = chrono::Utc::now().date_naive().to_string();
    for (action, date, status, used) in [
        (fresh, today.as_str(), "on_track", 250.0),
        (old, "2021-06-01", "delayed", 100.0),
    ] {
        let res = app
            .api(
                Method::POST,
                &format!("/api/v1/actions/{action}/progress"),
                Some(&t),
                Some(json!({"report_date": date, "status": status, "percent": 30,
                            "narrative": "Tehtiin **paljon**. <script>alert(1)</script>",
                            "euros_used": used})),
            )
            .await;
        res.assert_status(201);
    }
    Tree {
        plan,
        promise,
        goal,
        fresh,
        old,
        org1,
        org2,
        area,
    }
}

async fn sign_in(app: &TestApp, email: &str, role: Role, org: Option<i64>) {
    app.add_user(email, role, org, None).await;
    app.sign_in(email).await;
}

fn count(body: &str, needle: &str) -> usize {
    body.matches(needle).count()
}

both!(
    the_plan_pages_render_for_every_role_with_statuses_in_words_and_symbols,
    |app| async move {
        let app = app.with_demo().await;
        let plans = app
            .api(Method::GET, "/api/v1/plans", None, None)
            .await
            .json();
        let plan = plans[0]["id"].as_i64().unwrap();
        let tree = app
            .api(Method::GET, &format!("/api/v1/plans/{plan}"), None, None)
            .await
            .json();
        let promise = tree["promises"][0]["id"].as_i64().unwrap();
        let goal = tree["promises"][0]["goals"][0]["id"].as_i64().unwrap();
        let action = tree["promises"][0]["goals"][0]["actions"][0]["id"]
            .as_i64()
            .unwrap();
        let reads = [
            "/plans".to_string(),
            format!("/plans/{plan}"),
            format!("/plans/{plan}/public"),
            format!("/plans/{plan}/timeline"),
            format!("/plans/{plan}/resources"),
            format!("/goals/{goal}"),
            format!("/actions/{action}"),
            "/".to_string(),
        ];
        let roles = [
            None,
            Some(("pp-jasen@example.fi", Role::Member)),
            Some(("pp-muokkaaja@example.fi", Role::Editor)),
            Some(("pp-koord@example.fi", Role::Coordinator)),
            Some(("pp-admin@example.fi", Role::Admin)),
        ];
        for role in roles {
            let client = TestApp::new_sharing(&app);
            if let Some((email, r)) = role {
                let org = (r == Role::Editor).then_some(1);
                sign_in(&client, email, r, org).await;
            }
            for path in &reads {
                let res = client.get(path).await;
                res.assert_status(200);
                assert!(res.body.contains("href=\"/plans\""), "{path}: no nav link");
            }
            let page = client.get(&format!("/plans/{plan}")).await.body;
            // Statuses in words with their symbols; progress bars as accessible SVG + table.
            assert!(page.contains("✔</span> Valmis"), "{role:?}");
            assert!(page.contains("role=\"img\""));
            assert!(page.contains("<table class=\"tuuli-chart-table\">"));
            let edits = page.contains(&format!("/promises/{promise}/edit"));
            let coordinator = matches!(role, Some((_, Role::Coordinator | Role::Admin)));
            assert_eq!(edits, coordinator, "{role:?}");
            // The way to the spreadsheet exchange (coordinators) and to the fast-update
            // screen (those who report progress).
            let exchange = page.contains(&format!("href=\"/plans/{plan}/exchange\""));
            assert_eq!(exchange, coordinator, "{role:?}");
            let reports = matches!(
                role,
                Some((_, Role::Editor | Role::Coordinator | Role::Admin))
            );
            assert_eq!(
                page.contains("href=\"/plans/updates\""),
                reports,
                "{role:?}"
            );
            if coordinator {
                for form in [
                    "/plans/new".to_string(),
                    format!("/plans/{plan}/edit"),
                    format!("/plans/{plan}/promises/new"),
                    format!("/promises/{promise}/edit"),
                    format!("/promises/{promise}/goals/new"),
                    format!("/goals/{goal}/edit"),
                    format!("/goals/{goal}/actions/new"),
                    format!("/actions/{action}/edit"),
                ] {
                    client.get(&form).await.assert_status(200);
                }
            }
        }
        // The same page in Swedish and English.
        let sv = app.get(&format!("/plans/{plan}?lang=sv")).await.body;
        assert!(sv.contains("Klar"), "sv");
        assert!(
            sv.contains("Hos oss får man tala"),
            "the promise in Swedish"
        );
        let en = app.get(&format!("/plans/{plan}?lang=en")).await.body;
        assert!(en.contains("Done"), "en");
        assert!(
            en.contains("With us, you can talk"),
            "the promise in English"
        );
    }
);

both!(
    the_plan_page_filters_by_status_theme_municipality_and_organisation,
    |app| async move {
        let t = tree(&app, true).await;
        let base = format!("/plans/{}", t.plan);
        let all = app.get(&base).await.body;
        assert!(all.contains("Tuore toimenpide") && all.contains("Vanha toimenpide"));
        for (query, shown, hidden) in [
            ("status=delayed", "Vanha toimenpide", "Tuore toimenpide"),
            ("status=on_track", "Tuore toimenpide", "Vanha toimenpide"),
            ("theme=substances", "Vanha toimenpide", "Tuore toimenpide"),
            (
                &format!("municipality={}", t.area) as &str,
                "Tuore toimenpide",
                "Vanha toimenpide",
            ),
            (
                &format!("organisation={}", t.org2) as &str,
                "Vanha toimenpide",
                "Tuore toimenpide",
            ),
            (
                &format!("organisation={}", t.org1) as &str,
                "Tuore toimenpide",
                "Vanha toimenpide",
            ),
        ] {
            let page = app.get(&format!("{base}?{query}")).await;
            page.assert_status(200);
            assert!(
                page.body.contains(shown),
                "{query}: {shown} missing: {}",
                page.body
            );
            assert!(!page.body.contains(hidden), "{query}: {hidden} shown");
            assert!(
                page.body
                    .contains("vastaavia toimenpiteitä: 1 (kaikkiaan 2)"),
                "{query}"
            );
        }
        // The chosen municipality stays chosen in the filter (the options are kept
        // rendered per language; the request's choice is marked on them).
        let chosen = app
            .get(&format!("{base}?municipality={}", t.area))
            .await
            .body;
        assert!(
            chosen.contains(&format!("<option value=\"{}\" selected>", t.area)),
            "{chosen}"
        );
        assert_eq!(count(&chosen, " selected>"), 1 + count(&all, " selected>"));
        // Nothing matches: the page says so instead of listing promises.
        let none = app.get(&format!("{base}?status=cancelled")).await.body;
        assert!(none.contains("Mikään toimenpide ei vastaa rajauksia"));
        assert!(!none.contains("Ensimmäinen lupaus"));
        // A bad filter value is no match, not an error.
        app.get(&format!("{base}?municipality=abc"))
            .await
            .assert_status(200);
    }
);

both!(
    an_action_without_an_update_for_long_is_flagged_stale_and_a_fresh_one_is_not,
    |app| async move {
        let t = tree(&app, true).await;
        let flag = "Ei päivitystä yli 120 päivään";
        let page = app.get(&format!("/plans/{}", t.plan)).await.body;
        assert_eq!(count(&page, flag), 1, "only the old action is stale");
        let stale = app
            .get(&format!("/plans/{}?status=stale", t.plan))
            .await
            .body;
        assert!(stale.contains("Vanha toimenpide") && !stale.contains("Tuore toimenpide"));
        assert!(stale.contains("⏳"));
        let old = app.get(&format!("/actions/{}", t.old)).await.body;
        assert!(old.contains(flag));
        let fresh = app.get(&format!("/actions/{}", t.fresh)).await.body;
        assert!(!fresh.contains(flag));
        // The limit is the configuration's.
        let lenient = TestApp::new_sharing(&app).with_config(|c| c.stale_days = 100_000);
        let page = lenient.get(&format!("/plans/{}", t.plan)).await.body;
        assert_eq!(count(&page, "Ei päivitystä yli"), 0);
    }
);

both!(
    an_unpublished_plan_is_404_for_the_public_on_every_page,
    |app| async move {
        let t = tree(&app, false).await;
        let pages = [
            format!("/plans/{}", t.plan),
            format!("/plans/{}/public", t.plan),
            format!("/plans/{}/timeline", t.plan),
            format!("/plans/{}/resources", t.plan),
            format!("/goals/{}", t.goal),
            format!("/actions/{}", t.fresh),
        ];
        for p in &pages {
            app.get(p).await.assert_status(404);
        }
        let list = app.get("/plans").await.body;
        assert!(!list.contains("Seurattava suunnitelma"));
        sign_in(&app, "jasen@example.fi", Role::Member, None).await;
        for p in &pages {
            app.get(p).await.assert_status(200);
        }
        assert!(
            app.get("/plans")
                .await
                .body
                .contains("Seurattava suunnitelma")
        );
    }
);

both!(
    the_public_page_shows_progress_without_any_persons_name_and_markdown_is_sanitised,
    |app| async move {
        let t = tree(&app, true).await;
        // The coordinator who reported is "Test koordinaattori@example.fi".
        let author = "Test koordinaattori";
        let public = app.get(&format!("/plans/{}/public", t.plan)).await;
        public.assert_status(200);
        assert!(public.body.contains("Ensimmäinen lupaus"));
        assert!(public.body.contains("Aikataulussa") && public.body.contains("Viivästynyt"));
        assert!(!public.body.contains(author));
        assert!(!public.body.contains("koordinaattori@example.fi"));
        let action = app.get(&format!("/actions/{}", t.fresh)).await.body;
        assert!(!action.contains(author), "the public sees no authors");
        assert!(action.contains("<strong>paljon</strong>"));
        assert!(!action.contains("<script>alert(1)"));
        // Signed-in readers see who reported.
        sign_in(&app, "jasen@example.fi", Role::Member, None).await;
        let action = app.get(&format!("/actions/{}", t.fresh)).await.body;
        assert!(action.contains(author));
    }
);

both!(
    the_action_page_shows_all_fields_and_resources_and_the_history_newest_first,
    |app| async move {
        let t = tree(&app, true).await;
        let tk = app.token_for("koordinaattori@example.fi").await;
        app.api(Method::POST, &format!("/api/v1/actions/{}/progress", t.old), Some(&tk),
            Some(json!({"report_date": "2022-02-02", "status": "on_track", "percent": 60, "euros_used": 50.0}))).await.assert_status(201);
        let page = app.get(&format!("/actions/{}", t.old)).await.body;
        let newer = page.find("2.2.2022").unwrap();
        let older = page.find("1.6.2021").unwrap();
        assert!(newer < older, "newest first");
        assert!(page.contains("Toinen ry"));
        assert!(page.contains("500"), "planned euros");
        assert!(page.contains("150"), "used euros summed");
        let res = app.get(&format!("/plans/{}/resources", t.plan)).await;
        res.assert_status(200);
        assert!(res.body.contains("1500"), "planned in all");
        assert!(res.body.contains("Ensimmäinen ry") && res.body.contains("Toinen ry"));
        let tl = app.get(&format!("/plans/{}/timeline", t.plan)).await.body;
        assert!(tl.contains("<th scope=\"col\">2035</th>"));
        assert!(tl.contains("käynnissä"));
    }
);

both!(
    the_plan_view_takes_the_latest_update_by_date_then_id_and_sums_the_resources_of_all,
    |app| async move {
        let t = tree(&app, true).await;
        let token = app.token_for("koordinaattori@example.fi").await;
        // After the first update (2021-06-01, delayed, 100 €): a later date, the same later
        // date entered after it (the latest), and an earlier date entered last.
        for (date, status, percent, euros, days) in [
            ("2021-09-01", "done", 100, 40.0, Some(2.0)),
            ("2021-09-01", "on_track", 70, 10.5, Some(0.5)),
            ("2021-07-01", "delayed", 50, 1.0, None),
        ] {
            app.api(
                Method::POST,
                &format!("/api/v1/actions/{}/progress", t.old),
                Some(&token),
                Some(
                    json!({"report_date": date, "status": status, "percent": percent,
                            "euros_used": euros, "days_used": days}),
                ),
            )
            .await
            .assert_status(201);
        }
        let quiet = post(
            &app,
            &token,
            "/api/v1/actions",
            json!({"goal_id": t.goal, "title": "Hiljainen toimenpide"}),
        )
        .await;
        let today = chrono::NaiveDate::from_ymd_opt(2022, 1, 1).unwrap();
        let view =
            tuuli::plan::views::plan_view(&app.db, t.plan, false, &Default::default(), today, 120)
                .await
                .unwrap();
        let actions: Vec<_> = view.promises[0].goals[0].actions.iter().collect();
        let find = |id: i64| *actions.iter().find(|a| a.id == id).unwrap();
        let old = find(t.old);
        assert_eq!((old.status.as_str(), old.percent), ("on_track", 70));
        assert_eq!(old.last_report.unwrap().to_string(), "2021-09-01");
        assert_eq!((old.euros_used, old.days_used), (Some(151.5), Some(2.5)));
        let fresh = find(t.fresh);
        assert_eq!((fresh.status.as_str(), fresh.percent), ("on_track", 30));
        assert_eq!((fresh.euros_used, fresh.days_used), (Some(250.0), None));
        let quiet = find(quiet);
        assert_eq!((quiet.status.as_str(), quiet.percent), ("not_started", 0));
        assert_eq!(
            (quiet.last_report, quiet.euros_used, quiet.days_used),
            (None, None, None)
        );
        // The JSON tree and the resources page agree.
        let json = app
            .api(
                Method::GET,
                &format!("/api/v1/plans/{}", t.plan),
                None,
                None,
            )
            .await
            .json();
        let tree_old = json["promises"][0]["goals"][0]["actions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == t.old)
            .unwrap()
            .clone();
        assert_eq!(tree_old["status"], "on_track");
        assert_eq!(tree_old["percent"], 70);
        assert_eq!(tree_old["last_report"], "2021-09-01");
        let sums = tuuli::plan::views::resources(&view, &app.state.themes().await.unwrap());
        assert_eq!((sums.total.euros_used, sums.total.days_used), (401.5, 2.5));
        app.get(&format!("/plans/{}/resources", t.plan))
            .await
            .assert_status(200);
    }
);
