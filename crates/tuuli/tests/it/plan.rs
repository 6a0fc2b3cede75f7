//! `/api/v1/plans`, `/promises`, `/goals`, `/actions`: the plan tree and its roll-ups,
//! who may report progress, validation, visibility of unpublished plans, edit conflicts
//! and the audit trail.

use axum::http::Method;
use serde_json::{Value, json};
use tuuli::auth::Role;

use crate::both;
use crate::helpers::TestApp;

/// Creates a plan with one promise, one goal and one action led by `lead`; returns
/// (plan, promise, goal, action).
async fn tree(app: &TestApp, token: &str, lead: i64, published: bool) -> (i64, i64, i64, i64) {
    let post = |path: &'static str, body: Value| async move {
        let res = app.api(Method::POST, path, Some(token), Some(body)).await;
        res.assert_status(201);
        res.json()["id"].as_i64().unwrap()
    };
    let plan = post(
        "/api/v1/plans",
        json!({"title_fi": "Hyvinvointisuunnitelma", "start_year": 2021, "end_year": 2025,
               "status": "approved", "published": published}),
    )
    .await;
    let promise = post(
        "/api/v1/promises",
        json!({"plan_id": plan, "position": 1, "title_fi": "Lupaus", "title_sv": "Löfte"}),
    )
    .await;
    let goal = post(
        "/api/v1/goals",
        json!({"promise_id": promise, "title_fi": "Tavoite", "themes": ["mental-health"]}),
    )
    .await;
    let action = post(
        "/api/v1/actions",
        json!({"goal_id": goal, "title": "Toimenpide", "lead_organisation_id": lead,
               "start_date": "2021-01-01", "end_date": "2025-12-31", "planned_euros": 1000.0}),
    )
    .await;
    (plan, promise, goal, action)
}

async fn coordinator(app: &TestApp) -> String {
    app.add_user("koordinaattori@example.fi", Role::Coordinator, None, None)
        .await;
    app.token_for("koordinaattori@example.fi").await
}

async fn progress(app: &TestApp, token: &str, action: i64, body: Value) -> crate::helpers::Res {
    app.api(
        Method::POST,
        &format!("/api/v1/actions/{action}/progress"),
        Some(token),
        Some(body),
    )
    .await
}

both!(
    a_plan_tree_reads_back_with_the_latest_status_of_each_action_and_the_rollups,
    |app| async move {
        let token = coordinator(&app).await;
        let org = app.add_org("Vastuujärjestö ry", "ngo").await;
        let (plan, _promise, goal, action) = tree(&app, &token, org, true).await;
        let second = app
            .api(
                Method::POST,
                "/api/v1/actions",
                Some(&token),
                Some(json!({"goal_id": goal, "title": "Toinen toimenpide"})),
            )
            .await;
        second.assert_status(201);
        // Two updates: the later one (by date) is the action's status; both are kept.
        progress(
            &app,
            &token,
            action,
            json!({"report_date": "2023-06-30", "status": "done", "percent": 100}),
        )
        .await
        .assert_status(201);
        progress(
            &app,
            &token,
            action,
            json!({"report_date": "2022-06-30", "status": "delayed", "percent": 30}),
        )
        .await
        .assert_status(201);
        let res = app
            .api(Method::GET, &format!("/api/v1/plans/{plan}"), None, None)
            .await;
        res.assert_status(200);
        let t = res.json();
        let g = &t["promises"][0]["goals"][0];
        assert_eq!(g["themes"], json!(["mental-health"]));
        assert_eq!(g["actions"][0]["status"], "done");
        assert_eq!(g["actions"][0]["percent"], 100);
        assert_eq!(g["actions"][1]["status"], "not_started");
        for rollup in [&g["rollup"], &t["promises"][0]["rollup"], &t["rollup"]] {
            assert_eq!(rollup["done"], 1);
            assert_eq!(rollup["not_started"], 1);
            assert_eq!(rollup["delayed"], 0);
            assert_eq!(rollup["total"], 2);
        }
        let history = app
            .api(
                Method::GET,
                &format!("/api/v1/actions/{action}/progress"),
                None,
                None,
            )
            .await
            .json();
        assert_eq!(history.as_array().unwrap().len(), 2);
        assert_eq!(history[0]["status"], "done");
        // Every change left its audit row.
        for entity in [
            "plan",
            "plan_promise",
            "plan_goal",
            "plan_action",
            "plan_progress",
        ] {
            assert!(app.audit_count(entity, "create").await >= 1, "{entity}");
        }
        assert_eq!(app.audit_count("plan_progress", "create").await, 2);
    }
);

both!(
    an_editor_adds_progress_only_to_actions_of_their_own_organisation,
    |app| async move {
        let token = coordinator(&app).await;
        let lead = app.add_org("Vetäjä ry", "ngo").await;
        let partner = app.add_org("Kumppani ry", "ngo").await;
        let other = app.add_org("Ulkopuolinen ry", "ngo").await;
        let (_, _, goal, action) = tree(&app, &token, lead, true).await;
        // The partner is one of the other responsible organisations of a second action.
        let res = app
            .api(
                Method::POST,
                "/api/v1/actions",
                Some(&token),
                Some(json!({"goal_id": goal, "title": "Yhteinen", "organisations": [partner]})),
            )
            .await;
        res.assert_status(201);
        let shared = res.json()["id"].as_i64().unwrap();
        let mut tokens = Vec::new();
        for (email, org) in [
            ("vetaja@example.fi", lead),
            ("kumppani@example.fi", partner),
            ("muu@example.fi", other),
        ] {
            app.add_user(email, Role::Editor, Some(org), None).await;
            tokens.push(app.token_for(email).await);
        }
        app.add_user("jasen@example.fi", Role::Member, None, None)
            .await;
        let member = app.token_for("jasen@example.fi").await;
        let body = json!({"report_date": "2024-01-31", "status": "on_track", "percent": 50});
        progress(&app, &tokens[0], action, body.clone())
            .await
            .assert_status(201);
        progress(&app, &tokens[0], shared, body.clone())
            .await
            .assert_status(403);
        progress(&app, &tokens[1], shared, body.clone())
            .await
            .assert_status(201);
        progress(&app, &tokens[1], action, body.clone())
            .await
            .assert_status(403);
        progress(&app, &tokens[2], action, body.clone())
            .await
            .assert_status(403);
        progress(&app, &member, action, body.clone())
            .await
            .assert_status(403);
        let anon = app
            .api(
                Method::POST,
                &format!("/api/v1/actions/{action}/progress"),
                None,
                Some(body),
            )
            .await;
        anon.assert_status(401);
        assert_eq!(app.audit_count("plan_progress", "create").await, 2);
    }
);

both!(
    a_percent_over_100_and_an_end_before_the_start_are_refused_naming_the_field,
    |app| async move {
        let token = coordinator(&app).await;
        let org = app.add_org("Vetäjä ry", "ngo").await;
        let (plan, _, goal, action) = tree(&app, &token, org, true).await;
        let res = progress(
            &app,
            &token,
            action,
            json!({"report_date": "2024-01-31", "status": "on_track", "percent": 101}),
        )
        .await;
        res.assert_status(422);
        assert!(res.json()["details"]["percent"].is_string(), "{}", res.body);
        assert!(res.json()["error"].is_string());
        let res = app
            .api(Method::POST, "/api/v1/actions", Some(&token),
                Some(json!({"goal_id": goal, "title": "Väärin päin", "start_date": "2024-05-01", "end_date": "2024-04-30"})))
            .await;
        res.assert_status(422);
        assert!(
            res.json()["details"]["end_date"].is_string(),
            "{}",
            res.body
        );
        let res = app
            .api(Method::PUT, &format!("/api/v1/plans/{plan}"), Some(&token),
                Some(json!({"title_fi": "Suunnitelma", "start_year": 2025, "end_year": 2021, "status": "draft"})))
            .await;
        res.assert_status(422);
        assert!(
            res.json()["details"]["end_year"].is_string(),
            "{}",
            res.body
        );
        assert_eq!(app.audit_count("plan_progress", "create").await, 0);
    }
);

both!(
    the_public_sees_a_plan_only_when_it_is_published,
    |app| async move {
        let token = coordinator(&app).await;
        let org = app.add_org("Vetäjä ry", "ngo").await;
        let (draft, _, _, draft_action) = tree(&app, &token, org, false).await;
        let (published, _, _, _) = tree(&app, &token, org, true).await;
        let app = &app;
        let get = |path: String| async move { app.api(Method::GET, &path, None, None).await };
        get(format!("/api/v1/plans/{draft}"))
            .await
            .assert_status(404);
        get(format!("/api/v1/actions/{draft_action}"))
            .await
            .assert_status(404);
        get(format!("/api/v1/actions/{draft_action}/progress"))
            .await
            .assert_status(404);
        get(format!("/api/v1/plans/{published}"))
            .await
            .assert_status(200);
        let ids: Vec<i64> = get("/api/v1/plans".into())
            .await
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, vec![published]);
        // Signed in, the draft is there.
        let res = app
            .api(
                Method::GET,
                &format!("/api/v1/plans/{draft}"),
                Some(&token),
                None,
            )
            .await;
        res.assert_status(200);
    }
);

both!(
    a_save_based_on_a_stale_version_of_an_action_is_refused_with_409,
    |app| async move {
        let token = coordinator(&app).await;
        let org = app.add_org("Vetäjä ry", "ngo").await;
        let (_, _, goal, action) = tree(&app, &token, org, true).await;
        let body = |title: &str, version: i64| json!({"goal_id": goal, "title": title, "version": version});
        let path = format!("/api/v1/actions/{action}");
        let res = app
            .api(
                Method::PUT,
                &path,
                Some(&token),
                Some(body("Ensimmäinen", 1)),
            )
            .await;
        res.assert_status(200);
        assert_eq!(res.json()["version"], 2);
        let res = app
            .api(
                Method::PUT,
                &path,
                Some(&token),
                Some(body("Vanhentunut", 1)),
            )
            .await;
        res.assert_status(409);
        let now = app.api(Method::GET, &path, None, None).await.json();
        assert_eq!(now["title"], "Ensimmäinen");
        assert_eq!(app.audit_count("plan_action", "update").await, 1);
    }
);

both!(
    the_demo_has_the_plan_2021_2025_with_its_five_service_promises_once,
    |app| async move {
        let app = app.with_demo().await;
        tuuli::demo::load(&app.db).await.unwrap();
        let plans = app
            .api(Method::GET, "/api/v1/plans", None, None)
            .await
            .json();
        let plans = plans.as_array().unwrap();
        assert_eq!(plans.len(), 1);
        assert_eq!(plans[0]["start_year"], 2021);
        assert_eq!(plans[0]["end_year"], 2025);
        let id = plans[0]["id"].as_i64().unwrap();
        let t = app
            .api(Method::GET, &format!("/api/v1/plans/{id}"), None, None)
            .await
            .json();
        let promises = t["promises"].as_array().unwrap();
        assert_eq!(promises.len(), 5);
        assert_eq!(promises[0]["title_fi"], "Meillä saa puhua");
        assert_eq!(
            promises[4]["title_fi"],
            "Meillä ehkäisevä työ kuuluu kaikille"
        );
        assert!(
            promises
                .iter()
                .all(|p| p["goals"].as_array().unwrap().len() == 2)
        );
        assert!(t["rollup"]["total"].as_i64().unwrap() >= 3);
        assert!(t["rollup"]["done"].as_i64().unwrap() >= 1);
    }
);

both!(
    who_reported_progress_is_for_signed_in_readers_as_on_the_actions_page,
    |app| async move {
        let token = coordinator(&app).await;
        let org = app.add_org("Raportoija ry", "ngo").await;
        let (_, _, _, action) = tree(&app, &token, org, true).await;
        progress(
            &app,
            &token,
            action,
            json!({"report_date": "2026-03-01", "status": "on_track", "percent": 40}),
        )
        .await
        .assert_status(201);
        let url = format!("/api/v1/actions/{action}/progress");
        let public = app.api(Method::GET, &url, None, None).await;
        public.assert_status(200);
        let public = public.json();
        assert_eq!(public.as_array().unwrap().len(), 1, "{public}");
        assert!(public[0]["author_id"].is_null(), "{public}");
        let signed = app.api(Method::GET, &url, Some(&token), None).await.json();
        assert!(signed[0]["author_id"].as_i64().is_some(), "{signed}");
    }
);
