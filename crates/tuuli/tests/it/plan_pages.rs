//! The plan pages: the tree with statuses in words and symbols, roll-ups, stale flags and
//! filters; goal and action pages; the public page; forms that keep what was typed (422),
//! edit conflicts (409), refused deletes (409); unpublished plans hidden from the public.

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
    refused_forms_keep_the_typed_input_and_name_each_field_in_the_users_language,
    |app| async move {
        let t = tree(&app, true).await;
        sign_in(&app, "koord2@example.fi", Role::Coordinator, None).await;
        // Progress: percent 101.
        let res = app
            .post_form(
                &format!("/actions/{}/progress", t.fresh),
                &[
                    ("report_date", "2024-05-01"),
                    ("status", "on_track"),
                    ("percent", "101"),
                    ("narrative", "Kirjoitettu teksti"),
                ],
            )
            .await;
        res.assert_status(422);
        assert!(res.body.contains("Prosentin on oltava välillä 0–100"));
        assert!(res.body.contains("value=\"101\""));
        assert!(res.body.contains("Kirjoitettu teksti"));
        assert!(res.body.contains("id=\"percent-error\""));
        // Action: the end before the start, and a number that is not one.
        let fields = [
            ("goal_id", t.goal.to_string()),
            ("title", "Uusi toimenpide".to_string()),
            ("start_date", "2024-05-01".to_string()),
            ("end_date", "2024-04-01".to_string()),
            ("planned_euros", "paljon".to_string()),
            ("municipalities", t.area.to_string()),
        ];
        let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let res = app
            .post_form(&format!("/goals/{}/actions", t.goal), &f)
            .await;
        res.assert_status(422);
        assert!(res.body.contains("Anna luku."), "not a number");
        assert!(res.body.contains("value=\"paljon\""));
        assert!(res.body.contains("value=\"2024-04-01\""));
        assert!(res.body.contains(&format!("value=\"{}\" checked", t.area)));
        let res = app
            .post_form(
                &format!("/goals/{}/actions", t.goal),
                &[
                    ("goal_id", &t.goal.to_string()),
                    ("title", "Uusi toimenpide"),
                    ("start_date", "2024-05-01"),
                    ("end_date", "2024-04-01"),
                ],
            )
            .await;
        res.assert_status(422);
        assert!(res.body.contains("Loppu ei voi olla ennen alkua."));
        // Dates outside the plan's period (2020–2035), in Swedish.
        app.get("/plans?lang=sv").await;
        let res = app
            .post_form(
                &format!("/goals/{}/actions", t.goal),
                &[
                    ("goal_id", &t.goal.to_string()),
                    ("title", "Ny åtgärd"),
                    ("start_date", "2019-05-01"),
                ],
            )
            .await;
        res.assert_status(422);
        assert!(
            res.body
                .contains("Datumet måste ligga inom planens period 2020–2035")
        );
        assert!(res.body.contains("Startdatum"));
        // The same rule in the API.
        let tk = app.token_for("koordinaattori@example.fi").await;
        let api = app
            .api(
                Method::POST,
                "/api/v1/actions",
                Some(&tk),
                Some(json!({"goal_id": t.goal, "title": "X", "end_date": "2036-01-01"})),
            )
            .await;
        api.assert_status(422);
        assert!(api.json()["details"]["end_date"].is_string());
        // Plan: end year before the start year.
        let res = app
            .post_form(
                "/plans",
                &[
                    ("title_fi", "Suunnitelma"),
                    ("start_year", "2030"),
                    ("end_year", "2026"),
                    ("status", "draft"),
                ],
            )
            .await;
        res.assert_status(422);
        assert!(res.body.contains("value=\"2026\""));
    }
);

both!(
    a_save_based_on_an_old_version_is_refused_with_the_saved_values_shown,
    |app| async move {
        let t = tree(&app, true).await;
        sign_in(&app, "koord2@example.fi", Role::Coordinator, None).await;
        let form = app.get(&format!("/goals/{}/edit", t.goal)).await.body;
        assert!(form.contains("name=\"version\" value=\"1\""));
        let first = app
            .post_form(
                &format!("/goals/{}/edit", t.goal),
                &[
                    ("promise_id", &t.promise.to_string()),
                    ("title_fi", "Toisen tallentama"),
                    ("version", "1"),
                ],
            )
            .await;
        first.assert_status(303);
        let second = app
            .post_form(
                &format!("/goals/{}/edit", t.goal),
                &[
                    ("promise_id", &t.promise.to_string()),
                    ("title_fi", "Minun versioni"),
                    ("version", "1"),
                ],
            )
            .await;
        second.assert_status(409);
        assert!(
            second.body.contains("Toisen tallentama"),
            "saved value shown"
        );
        assert!(
            second.body.contains("value=\"Minun versioni\""),
            "typed kept"
        );
        assert!(second.body.contains("name=\"version\" value=\"2\""));
        // The action form too.
        let res = app
            .post_form(
                &format!("/actions/{}/edit", t.fresh),
                &[
                    ("goal_id", &t.goal.to_string()),
                    ("title", "Vanhasta versiosta"),
                    ("version", "0"),
                ],
            )
            .await;
        res.assert_status(409);
        assert!(res.body.contains("Tuore toimenpide"));
        // Linked rows are named in the saved values, not given as ids.
        let area = app.state.municipalities().await.unwrap();
        let name = &area.iter().find(|a| a.id == t.area).unwrap().name_fi;
        assert!(res.body.contains(&format!("<dd>{name}</dd>")), "{name}");
        assert!(res.body.contains("<dd>Ensimmäinen ry</dd>"));
    }
);

both!(
    deleting_a_promise_or_goal_is_refused_while_it_has_children_and_deletes_are_audited,
    |app| async move {
        let t = tree(&app, true).await;
        sign_in(&app, "koord2@example.fi", Role::Coordinator, None).await;
        let res = app
            .post_form(&format!("/promises/{}/delete", t.promise), &[])
            .await;
        res.assert_status(409);
        assert!(res.body.contains("Palvelulupauksella on vielä tavoitteita"));
        let res = app
            .post_form(&format!("/goals/{}/delete", t.goal), &[])
            .await;
        res.assert_status(409);
        assert!(res.body.contains("Tavoitteella on vielä toimenpiteitä"));
        let tk = app.token_for("koordinaattori@example.fi").await;
        app.api(
            Method::DELETE,
            &format!("/api/v1/goals/{}", t.goal),
            Some(&tk),
            None,
        )
        .await
        .assert_status(409);
        assert_eq!(app.audit_count("plan_goal", "delete").await, 0);
        // Children first, then the parents.
        app.post_form(&format!("/actions/{}/delete", t.fresh), &[])
            .await
            .assert_status(303);
        app.api(
            Method::DELETE,
            &format!("/api/v1/actions/{}", t.old),
            Some(&tk),
            None,
        )
        .await
        .assert_status(204);
        app.api(
            Method::DELETE,
            &format!("/api/v1/goals/{}", t.goal),
            Some(&tk),
            None,
        )
        .await
        .assert_status(204);
        app.post_form(&format!("/promises/{}/delete", t.promise), &[])
            .await
            .assert_status(303);
        assert_eq!(app.audit_count("plan_action", "delete").await, 2);
        assert_eq!(app.audit_count("plan_goal", "delete").await, 1);
        assert_eq!(app.audit_count("plan_promise", "delete").await, 1);
        app.get(&format!("/actions/{}", t.fresh))
            .await
            .assert_status(404);
    }
);

both!(
    a_coordinator_builds_a_plan_with_the_forms_and_finds_the_lead_organisation_by_search,
    |app| async move {
        let org = app.add_org("Hakuseura ry", "ngo").await;
        sign_in(&app, "koord2@example.fi", Role::Coordinator, None).await;
        let res = app
            .post_form(
                "/plans",
                &[
                    ("title_fi", "Lomakesuunnitelma"),
                    ("start_year", "2026"),
                    ("end_year", "2029"),
                    ("status", "draft"),
                ],
            )
            .await;
        res.assert_status(303);
        let plan: i64 = res.location()["/plans/".len()..]
            .split('?')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        app.post_form(
            &format!("/plans/{plan}/promises"),
            &[("title_fi", "Lomakelupaus"), ("position", "1")],
        )
        .await
        .assert_status(303);
        let tree = app
            .api(Method::GET, &format!("/api/v1/plans/{plan}"), None, None)
            .await;
        // A draft: the anonymous API client does not see it.
        tree.assert_status(404);
        let page = app.get(&format!("/plans/{plan}")).await.body;
        let promise: i64 = page
            .split("href=\"/promises/")
            .nth(1)
            .unwrap()
            .split('/')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let res = app
            .post_form(
                &format!("/promises/{promise}/goals"),
                &[
                    ("promise_id", &promise.to_string()),
                    ("title_fi", "Lomaketavoite"),
                    ("themes", "mental-health"),
                ],
            )
            .await;
        res.assert_status(303);
        let goal: i64 = res.location()["/goals/".len()..]
            .split('?')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        // Find: the form comes back with the typed values and the matches, nothing saved.
        let found = app
            .post_form(
                &format!("/goals/{goal}/actions"),
                &[
                    ("goal_id", &goal.to_string()),
                    ("title", "Haettu toimenpide"),
                    ("org_q", "hakuseura"),
                    ("_find", "1"),
                ],
            )
            .await;
        found.assert_status(200);
        assert!(
            found
                .body
                .contains(&format!("<option value=\"{org}\">Hakuseura ry</option>"))
        );
        assert!(found.body.contains("value=\"Haettu toimenpide\""));
        let res = app
            .post_form(
                &format!("/goals/{goal}/actions"),
                &[
                    ("goal_id", &goal.to_string()),
                    ("title", "Haettu toimenpide"),
                    ("lead_organisation_id", &org.to_string()),
                    ("organisations", &org.to_string()),
                    ("start_date", "2027-01-01"),
                    ("planned_euros", "12 000,00"),
                ],
            )
            .await;
        res.assert_status(303);
        let action = app.get(&res.location()).await.body;
        assert!(action.contains("Hakuseura ry"));
        assert!(
            action.contains("12\u{a0}000"),
            "the euros as typed, shown the Finnish way"
        );
        assert_eq!(app.audit_count("plan_action", "create").await, 1);
    }
);
