//! Goal targets judged on or off track, their refusals, and who may edit targets,
//! omissions and narratives.

use super::*;
use crate::both;

both!(
    a_goal_target_is_judged_on_or_off_track_against_the_straight_path,
    |app| async move {
        // Sysmä 40 of 400 = 10 % in 2024.
        let (s, ind) = seeded(&app, (Some(40.0), Some(400.0), 10.0)).await;
        let token = coordinator(&app).await;
        let g = goal(&app, &token).await;
        let add = |bv: f64, tv: f64| {
            let app = &app;
            let token = token.clone();
            async move {
                app.api(Method::POST, &format!("/api/v1/goals/{g}/targets"), Some(&token),
                    Some(json!({"indicator_id": ind, "area_id": s, "baseline_value": bv, "baseline_year": 2020, "target_value": tv, "target_year": 2028}))).await
            }
        };
        // From 12 % to 8 % by 2028: the path is at 10 % in 2024, so 10 % is on track.
        add(12.0, 8.0).await.assert_status(201);
        let list = app
            .api(
                Method::GET,
                &format!("/api/v1/goals/{g}/targets"),
                None,
                None,
            )
            .await
            .json();
        assert_eq!(list[0]["status"], "on_track");
        assert_eq!(list[0]["path_value"].as_f64(), Some(10.0));
        // The same indicator and area twice: 422 naming the field.
        let twice = add(12.0, 6.0).await;
        twice.assert_status(422);
        assert!(twice.json()["details"]["indicator_id"].is_string());
        // Off track against another goal's steeper path: flagged.
        let g2 = goal(&app, &token).await;
        let res = app.api(Method::POST, &format!("/api/v1/goals/{g2}/targets"), Some(&token),
            Some(json!({"indicator_id": ind, "area_id": s, "baseline_value": 10.0, "baseline_year": 2020, "target_value": 2.0, "target_year": 2028}))).await;
        res.assert_status(201);
        let list = app
            .api(
                Method::GET,
                &format!("/api/v1/goals/{g2}/targets"),
                None,
                None,
            )
            .await
            .json();
        assert_eq!(list[0]["status"], "off_track");
        let f = flags(&app, s, "en").await;
        assert!(f.iter().any(|f| {
            f["kind"] == "goal_off_track"
                && f["explanation"]
                    .as_str()
                    .unwrap()
                    .contains("Vähemmän humalajuomista")
        }));
    }
);

both!(
    a_target_year_before_the_baseline_year_is_refused_by_field,
    |app| async move {
        let (s, ind) = seeded(&app, (Some(40.0), Some(400.0), 10.0)).await;
        let token = coordinator(&app).await;
        let g = goal(&app, &token).await;
        let res = app.api(Method::POST, &format!("/api/v1/goals/{g}/targets"), Some(&token),
            Some(json!({"indicator_id": ind, "area_id": s, "baseline_value": 5.0, "baseline_year": 2024, "target_value": 3.0, "target_year": 2020}))).await;
        res.assert_status(422);
        assert!(res.json()["details"]["target_year"].is_string());
        // A value near f64's limit would leave the target without a path: refused by field.
        let res = app.api(Method::POST, &format!("/api/v1/goals/{g}/targets"), Some(&token),
            Some(json!({"indicator_id": ind, "area_id": s, "baseline_value": -1.7e308, "baseline_year": 2020, "target_value": 1.7e308, "target_year": 2024}))).await;
        res.assert_status(422);
        for field in ["baseline_value", "target_value"] {
            assert_eq!(
                res.json()["details"][field],
                "Anna luku väliltä −1 000 000 000 000 … 1 000 000 000 000.",
                "{}",
                res.body
            );
        }
        // The page form: shown again with the typed values and the message.
        app.sign_in("koordinaattori@example.fi").await;
        let page = app
            .post_form(
                &format!("/goals/{g}/targets"),
                &[
                    ("indicator_id", &ind.to_string()),
                    ("area_id", &s.to_string()),
                    ("baseline_value", "5,5"),
                    ("baseline_year", "2024"),
                    ("target_value", "3"),
                    ("target_year", "2020"),
                ],
            )
            .await;
        page.assert_status(422);
        assert!(page.body.contains("5,5"));
        assert!(
            page.body
                .contains("Tavoitevuoden on oltava lähtövuoden jälkeen")
        );
        assert_eq!(app.audit_count("goal_target", "create").await, 0);
    }
);

both!(
    only_coordinators_edit_targets_omissions_and_narratives,
    |app| async move {
        let (s, ind) = seeded(&app, (Some(40.0), Some(400.0), 10.0)).await;
        let token = coordinator(&app).await;
        let g = goal(&app, &token).await;
        app.add_user("editor@example.fi", Role::Editor, None, None)
            .await;
        app.sign_in("editor@example.fi").await;
        let target = [
            ("indicator_id", ind.to_string()),
            ("area_id", s.to_string()),
            ("baseline_value", "12".into()),
            ("baseline_year", "2020".into()),
            ("target_value", "8".into()),
            ("target_year", "2028".into()),
        ];
        let fields: Vec<(&str, &str)> = target.iter().map(|(k, v)| (*k, v.as_str())).collect();
        app.post_form(&format!("/goals/{g}/targets"), &fields)
            .await
            .assert_status(403);
        app.post_form(
            &format!("/areas/{s}/welfare-report/narrative"),
            &[("from", "2021"), ("to", "2024"), ("body", "x")],
        )
        .await
        .assert_status(403);
        app.post_form(
            &format!("/areas/{s}/welfare-report/omissions"),
            &[
                ("set", "test_set"),
                ("indicator_id", &ind.to_string()),
                ("reason", "x"),
            ],
        )
        .await
        .assert_status(403);
        app.sign_in("koordinaattori@example.fi").await;
        app.post_form(&format!("/goals/{g}/targets"), &fields)
            .await
            .assert_status(303);
        app.post_form(
            &format!("/areas/{s}/welfare-report/narrative"),
            &[
                ("from", "2021"),
                ("to", "2024"),
                ("body", "**Rakenteet** <script>x</script>"),
            ],
        )
        .await
        .assert_status(303);
        app.post_form(
            &format!("/areas/{s}/welfare-report/omissions"),
            &[
                ("set", "test_set"),
                ("indicator_id", &ind.to_string()),
                ("reason", "Ei vertailukelpoinen"),
            ],
        )
        .await
        .assert_status(303);
        let page = app
            .get(&format!(
                "/areas/{s}/welfare-report?from=2021&to=2024&set=test_set&lang=fi"
            ))
            .await;
        page.assert_status(200);
        assert!(page.body.contains("<strong>Rakenteet</strong>"));
        assert!(!page.body.contains("<script>x"));
        assert!(page.body.contains("Ei vertailukelpoinen"));
        assert_eq!(app.audit_count("goal_target", "create").await, 1);
        assert_eq!(app.audit_count("welfare_narrative", "create").await, 1);
        assert_eq!(app.audit_count("welfare_omission", "create").await, 1);
    }
);

both!(
    the_demo_plan_has_one_goal_on_its_indicator_target_and_one_off_it_shown_on_the_plan,
    |app| async move {
        let app = app.with_demo().await;
        assert_eq!(
            scalar(&app, "SELECT COUNT(*) FROM goal_targets", &[]).await,
            2
        );
        // Loading again adds nothing.
        assert_eq!(
            tuuli::knowledge::demo::load_targets(&app.db).await.unwrap(),
            0
        );
        let goals: Vec<i64> = tuuli::with_db!(&app.db, p => sqlx::query_scalar::<_, i64>(
            "SELECT goal_id FROM goal_targets ORDER BY id").fetch_all(p).await)
        .unwrap();
        let judged = tuuli::knowledge::stats::goals::judge_goal_targets(&app.db, &goals)
            .await
            .unwrap();
        let statuses: Vec<&str> = goals.iter().map(|g| judged[g][0].status).collect();
        assert_eq!(statuses, ["on_track", "off_track"]);
        // The plan tree and the goal page say so, with a link to the targets.
        let plan: i64 = tuuli::with_db!(&app.db, p => sqlx::query_scalar::<_, i64>(
            "SELECT pr.plan_id FROM plan_goals g JOIN plan_promises pr ON pr.id = g.promise_id WHERE g.id = $1")
            .bind(goals[0]).fetch_one(p).await)
        .unwrap();
        let page = app.get(&format!("/plans/{plan}?lang=en")).await;
        page.assert_status(200);
        assert!(
            page.body
                .contains("Indicator targets: 1 on track, 0 off track"),
            "on track"
        );
        assert!(
            page.body
                .contains("Indicator targets: 0 on track, 1 off track"),
            "off track"
        );
        let goal = app.get(&format!("/goals/{}?lang=fi", goals[1])).await;
        goal.assert_status(200);
        assert!(
            goal.body
                .contains(&format!("href=\"/goals/{}/targets\"", goals[1]))
        );
        assert!(goal.body.contains("1 jäljessä tavoitteesta"));
        // The area and indicator pages lead to the statistics views.
        let sysma = area(&app, "municipality", "781").await;
        let page = app.get(&format!("/areas/{sysma}")).await.body;
        assert!(page.contains(&format!("href=\"/areas/{sysma}/profile\"")));
        assert!(page.contains(&format!("href=\"/areas/{sysma}/welfare-report\"")));
        let ind = demo_indicator(&app, "289").await;
        let page = app.get(&format!("/indicators/{ind}")).await.body;
        assert!(page.contains(&format!("href=\"/indicators/{ind}/stats\"")));
    }
);

both!(
    a_goal_of_an_unpublished_plan_flags_only_for_signed_in_readers,
    |app| async move {
        // The flags (API, page, theme page, welfare report) name the goal whose target is off
        // track: a draft plan's goal must not reach the public that way.
        let (s, ind) = seeded(&app, (Some(40.0), Some(400.0), 10.0)).await;
        let token = coordinator(&app).await;
        let g = goal(&app, &token).await;
        app.api(Method::POST, &format!("/api/v1/goals/{g}/targets"), Some(&token),
            Some(json!({"indicator_id": ind, "area_id": s, "baseline_value": 10.0, "baseline_year": 2020, "target_value": 2.0, "target_year": 2028})))
            .await
            .assert_status(201);
        let goal_flags = |list: Vec<Value>| {
            list.iter()
                .filter(|f| f["kind"] == "goal_off_track")
                .count()
        };
        assert_eq!(
            goal_flags(flags(&app, s, "fi").await),
            1,
            "published: public"
        );
        tuuli::with_db!(&app.db, p => sqlx::query("UPDATE plans SET published = FALSE").execute(p).await.map(|_| ()))
            .unwrap();
        assert_eq!(
            goal_flags(flags(&app, s, "fi").await),
            0,
            "unpublished: not public"
        );
        let signed_in = app
            .api(
                Method::GET,
                &format!("/api/v1/flags?area={s}"),
                Some(&token),
                None,
            )
            .await
            .json();
        assert_eq!(goal_flags(signed_in.as_array().unwrap().clone()), 1);
        for path in [
            format!("/flags?area={s}"),
            "/flags".to_owned(),
            format!("/areas/{s}/welfare-report"),
        ] {
            let page = app.get(&path).await;
            page.assert_status(200);
            assert!(!page.body.contains("Vähemmän humalajuomista"), "{path}");
        }
        app.sign_in("koordinaattori@example.fi").await;
        let page = app.get(&format!("/flags?area={s}")).await;
        assert!(page.body.contains("Vähemmän humalajuomista"));
    }
);

both!(
    a_goal_off_track_is_named_in_the_readers_language,
    |app| async move {
        // The flag's sentence and the welfare report's work section name the goal: in
        // Swedish and English by its Swedish and English titles, not always the Finnish one.
        let (s, ind) = seeded(&app, (Some(40.0), Some(400.0), 10.0)).await;
        let token = coordinator(&app).await;
        let g = goal(&app, &token).await;
        let promise: i64 = tuuli::with_db!(&app.db, p => sqlx::query_scalar("SELECT promise_id FROM plan_goals WHERE id = $1").bind(g).fetch_one(p).await)
            .unwrap();
        app.api(Method::PUT, &format!("/api/v1/goals/{g}"), Some(&token),
            Some(json!({"promise_id": promise, "title_fi": "Vähemmän humalajuomista", "title_sv": "Mindre berusningsdrickande", "title_en": "Less binge drinking", "version": 1})))
            .await
            .assert_status(200);
        app.api(Method::POST, &format!("/api/v1/goals/{g}/targets"), Some(&token),
            Some(json!({"indicator_id": ind, "area_id": s, "baseline_value": 10.0, "baseline_year": 2020, "target_value": 2.0, "target_year": 2028})))
            .await
            .assert_status(201);
        let sentence = |list: Vec<Value>| {
            list.iter()
                .find(|f| f["kind"] == "goal_off_track")
                .map(|f| f["explanation"].as_str().unwrap().to_owned())
                .unwrap_or_default()
        };
        let fi = sentence(flags(&app, s, "fi").await);
        let sv = sentence(flags(&app, s, "sv").await);
        let en = sentence(flags(&app, s, "en").await);
        assert!(fi.contains("Vähemmän humalajuomista"), "{fi}");
        assert!(sv.contains("Mindre berusningsdrickande"), "{sv}");
        assert!(en.contains("Less binge drinking"), "{en}");
        // The welfare report's work section: an action of the goal in the municipality.
        app.api(Method::POST, "/api/v1/actions", Some(&token),
            Some(json!({"goal_id": g, "title": "Toimenpide", "municipalities": [s], "start_date": "2022-01-01"})))
            .await
            .assert_status(201);
        let page = app
            .get(&format!(
                "/areas/{s}/welfare-report?from=2022&to=2024&lang=en"
            ))
            .await;
        page.assert_status(200);
        assert!(page.body.contains("Less binge drinking"), "{}", page.body);
        let page = app
            .get(&format!(
                "/areas/{s}/welfare-report?from=2022&to=2024&lang=sv"
            ))
            .await;
        assert!(page.body.contains("Mindre berusningsdrickande"));
    }
);
