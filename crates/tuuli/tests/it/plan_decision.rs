//! `/decisions/{id}/action`: a meeting decision made a plan action by those who edit the
//! meeting (coordinators, the convener's editors) — prefilled from the decision, linked
//! both ways, at most once; nobody else.

use axum::http::Method;
use tuuli::auth::{CurrentUser, Role, Viewer};

use crate::both;
use crate::helpers::TestApp;
use crate::plan_update::{coordinator_token, plan_with_actions};

async fn scalar(app: &TestApp, sql: &'static str, binds: &[i64]) -> i64 {
    tuuli::with_db!(&app.db, p => {
        let mut q = sqlx::query_scalar::<_, i64>(sql);
        for b in binds { q = q.bind(*b); }
        q.fetch_one(p).await
    })
    .expect(sql)
}

/// A group convened by `convener` with a public meeting on 2026-03-10 and one decision
/// (due 2026-12-31); returns (meeting, decision).
async fn decision(app: &TestApp, convener: i64) -> (i64, i64) {
    let group = scalar(app, "INSERT INTO work_groups (name_fi, name_key, search_key, group_type, convener_id, status, created_at, updated_at) VALUES ('Ryhmä', 'ryhmä', 'ryhmä\n\n', 'expert', $1, 'active', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00') RETURNING id", &[convener]).await;
    let meeting = scalar(app, "INSERT INTO meetings (group_id, title, starts_at, ends_at, is_public, created_at, updated_at) VALUES ($1, 'Kevätkokous', '2026-03-10 10:00:00', '2026-03-10 12:00:00', TRUE, '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00') RETURNING id", &[group]).await;
    let decision = scalar(app, "INSERT INTO decisions (meeting_id, text, due_date) VALUES ($1, 'Järjestetään vertaistukiryhmä nuorille', '2026-12-31') RETURNING id", &[meeting]).await;
    (meeting, decision)
}

both!(
    the_conveners_editor_makes_a_decision_an_action_linked_both_ways,
    |app| async move {
        let token = coordinator_token(&app).await;
        let org = app.add_org("Koollekutsuja ry", "ngo").await;
        let t = plan_with_actions(&app, &token, org, &[], "2030-01-01").await;
        let (meeting, d) = decision(&app, org).await;
        app.add_user("kutsuja@example.fi", Role::Editor, Some(org), None)
            .await;
        app.sign_in("kutsuja@example.fi").await;
        let page = app.get(&format!("/meetings/{meeting}")).await;
        assert!(
            page.body
                .contains(&format!("href=\"/decisions/{d}/action\""))
        );
        let form = app.get(&format!("/decisions/{d}/action")).await;
        form.assert_status(200);
        assert!(
            form.body
                .contains("value=\"Järjestetään vertaistukiryhmä nuorille\"")
        );
        assert!(
            form.body.contains("value=\"2026-03-10\""),
            "start date = meeting date"
        );
        assert!(
            form.body.contains("value=\"2026-12-31\""),
            "end date = due date"
        );
        assert!(
            form.body
                .contains(&format!("<option value=\"{org}\" selected>")),
            "convener leads"
        );
        let goal = t.goal.to_string();
        let org_s = org.to_string();
        let fields = [
            ("goal_id", goal.as_str()),
            ("title", "Vertaistukiryhmä nuorille"),
            ("lead_organisation_id", org_s.as_str()),
            ("start_date", "2026-03-10"),
            ("end_date", "2026-12-31"),
        ];
        let res = app
            .post_form(&format!("/decisions/{d}/action"), &fields)
            .await;
        res.assert_status(303);
        let action = scalar(
            &app,
            "SELECT id FROM plan_actions WHERE source_decision_id = $1",
            &[d],
        )
        .await;
        assert_eq!(app.audit_count("plan_action", "create").await, 1);
        let json = app
            .api(
                Method::GET,
                &format!("/api/v1/actions/{action}"),
                None,
                None,
            )
            .await
            .json();
        assert_eq!(json["source_decision_id"], d);
        assert_eq!(json["title"], "Vertaistukiryhmä nuorille");
        assert_eq!(json["lead_organisation_id"], org);
        // The decision links to its action, in the page and in the meeting's JSON.
        let page = app.get(&format!("/meetings/{meeting}")).await;
        assert!(page.body.contains(&format!("href=\"/actions/{action}\"")));
        assert!(
            !page
                .body
                .contains(&format!("href=\"/decisions/{d}/action\""))
        );
        let m = app
            .api(
                Method::GET,
                &format!("/api/v1/meetings/{meeting}"),
                None,
                None,
            )
            .await
            .json();
        assert_eq!(m["decisions"][0]["action_id"], action);
        // Once only; and the decision can no longer be deleted (409, not an error page).
        app.post_form(&format!("/decisions/{d}/action"), &fields)
            .await
            .assert_status(409);
        app.post_form(&format!("/meetings/{meeting}/decisions/{d}/delete"), &[])
            .await
            .assert_status(409);
        // Editors still cannot create actions otherwise.
        let editor_token = app.token_for("kutsuja@example.fi").await;
        app.api(
            Method::POST,
            "/api/v1/actions",
            Some(&editor_token),
            Some(serde_json::json!({"goal_id": t.goal, "title": "Muu"})),
        )
        .await
        .assert_status(403);
    }
);

both!(
    only_those_who_edit_the_meeting_may_make_its_decision_an_action,
    |app| async move {
        let token = coordinator_token(&app).await;
        let org_a = app.add_org("A ry", "ngo").await;
        let org_b = app.add_org("B ry", "ngo").await;
        let t = plan_with_actions(&app, &token, org_a, &[], "2030-01-01").await;
        let (meeting, d) = decision(&app, org_a).await;
        app.add_user("b@example.fi", Role::Editor, Some(org_b), None)
            .await;
        app.sign_in("b@example.fi").await;
        let page = app.get(&format!("/meetings/{meeting}")).await;
        assert!(!page.body.contains(&format!("/decisions/{d}/action")));
        app.get(&format!("/decisions/{d}/action"))
            .await
            .assert_status(403);
        let goal = t.goal.to_string();
        app.post_form(
            &format!("/decisions/{d}/action"),
            &[("goal_id", goal.as_str()), ("title", "X")],
        )
        .await
        .assert_status(403);
        // The store refuses too, whoever calls it.
        let user = |id, org| {
            Viewer(Some(CurrentUser {
                id,
                email: "x@example.fi".into(),
                name: "X".into(),
                role: Role::Editor,
                organisation_id: Some(org),
                person_id: None,
            }))
        };
        let input = tuuli::plan::model::ActionInput {
            goal_id: t.goal,
            title: "Suoraan".into(),
            ..Default::default()
        };
        let err =
            tuuli::plan::decision::create_from_decision(&app.db, &user(999, org_b), d, &input)
                .await
                .unwrap_err();
        assert_eq!(err.status().as_u16(), 403);
        assert_eq!(
            scalar(
                &app,
                "SELECT COUNT(*) FROM plan_actions WHERE source_decision_id = $1",
                &[d]
            )
            .await,
            0
        );
        // The coordinator may; a goal of an archived plan is not offered (422).
        app.sign_in("koordinaattori@example.fi").await;
        app.api(
            Method::PUT,
            &format!("/api/v1/plans/{}", t.plan),
            Some(&token),
            Some(
                serde_json::json!({"title_fi": "Suunnitelma", "start_year": 2021, "end_year": 2030,
                                    "status": "archived", "published": true}),
            ),
        )
        .await
        .assert_status(200);
        app.post_form(
            &format!("/decisions/{d}/action"),
            &[("goal_id", goal.as_str()), ("title", "X")],
        )
        .await
        .assert_status(422);
    }
);

both!(
    the_decision_form_finds_a_lead_organisation_by_part_of_its_name_and_makes_it_the_lead,
    |app| async move {
        let token = coordinator_token(&app).await;
        let convener = app.add_org("Koollekutsuja ry", "ngo").await;
        // More organisations than a chooser lists, so only a search offers the one wanted.
        for i in 0..31 {
            app.add_org(&format!("Täyteyhdistys {i:02} ry"), "ngo")
                .await;
        }
        let wanted = app.add_org("Päijät-Hämeen Ystävät ry", "ngo").await;
        let other = app.add_org("Örkkilän Ystävät ry", "ngo").await;
        let t = plan_with_actions(&app, &token, convener, &[], "2030-01-01").await;
        let (_, d) = decision(&app, convener).await;
        app.add_user("kutsuja@example.fi", Role::Editor, Some(convener), None)
            .await;
        app.sign_in("kutsuja@example.fi").await;
        let option = |id: i64| format!("<option value=\"{id}\"");
        let form = app.get(&format!("/decisions/{d}/action")).await;
        form.assert_status(200);
        assert!(form.body.contains(&option(convener)));
        assert!(!form.body.contains(&option(wanted)), "not listed unasked");
        let goal = t.goal.to_string();
        // Find: part of the name, with ä and in other case; the form comes back with the
        // matches and what was typed, nothing saved.
        let found = app
            .post_form(
                &format!("/decisions/{d}/action"),
                &[
                    ("goal_id", goal.as_str()),
                    ("title", "Haettu johtaja"),
                    ("lead_organisation_id", &convener.to_string()),
                    ("lead_organisation_id_q", "HÄMEEN YSTÄV"),
                    ("_find", "lead_organisation_id"),
                ],
            )
            .await;
        found.assert_status(200);
        assert!(found.body.contains(&option(wanted)), "found by its name");
        assert!(!found.body.contains(&option(other)), "only what matches");
        assert!(found.body.contains("value=\"Haettu johtaja\""));
        assert!(found.body.contains("value=\"HÄMEEN YSTÄV\""));
        // ö: Enter in the search field (new text, no Find button) searches too.
        let found = app
            .post_form(
                &format!("/decisions/{d}/action"),
                &[
                    ("goal_id", goal.as_str()),
                    ("title", "Haettu johtaja"),
                    ("lead_organisation_id", ""),
                    ("lead_organisation_id_q", "örkki"),
                    ("lead_organisation_id_q_was", "HÄMEEN YSTÄV"),
                ],
            )
            .await;
        found.assert_status(200);
        assert!(found.body.contains(&option(other)) && !found.body.contains(&option(wanted)));
        assert_eq!(
            scalar(
                &app,
                "SELECT COUNT(*) FROM plan_actions WHERE source_decision_id = $1",
                &[d]
            )
            .await,
            0
        );
        // The one chosen becomes the lead.
        let res = app
            .post_form(
                &format!("/decisions/{d}/action"),
                &[
                    ("goal_id", goal.as_str()),
                    ("title", "Haettu johtaja"),
                    ("lead_organisation_id", &wanted.to_string()),
                    ("lead_organisation_id_q", "HÄMEEN YSTÄV"),
                    ("lead_organisation_id_q_was", "HÄMEEN YSTÄV"),
                ],
            )
            .await;
        res.assert_status(303);
        assert_eq!(
            scalar(
                &app,
                "SELECT lead_organisation_id FROM plan_actions WHERE source_decision_id = $1",
                &[d]
            )
            .await,
            wanted
        );
    }
);

both!(
    a_public_meeting_links_its_decisions_action_only_while_the_plan_is_published,
    |app| async move {
        // The public meeting page and its JSON show the action made from a decision; an
        // unpublished plan's action must not be announced (its page is 404 for them).
        let token = coordinator_token(&app).await;
        let org = app.add_org("Koollekutsuja ry", "ngo").await;
        let t = plan_with_actions(&app, &token, org, &["Vertaistukiryhmä"], "2026-01-01").await;
        let (meeting, d) = decision(&app, org).await;
        let action = t.actions[0];
        tuuli::with_db!(&app.db, p => sqlx::query("UPDATE plan_actions SET source_decision_id = $1 WHERE id = $2")
            .bind(d).bind(action).execute(p).await.map(|_| ()))
        .unwrap();
        let link = format!("href=\"/actions/{action}\"");
        let api = format!("/api/v1/meetings/{meeting}");
        let page = app.get(&format!("/meetings/{meeting}")).await;
        assert!(page.body.contains(&link), "published: linked");
        let json = app.api(Method::GET, &api, None, None).await.json();
        assert_eq!(json["decisions"][0]["action_id"], action);
        tuuli::with_db!(&app.db, p => sqlx::query("UPDATE plans SET published = FALSE")
            .execute(p).await.map(|_| ()))
        .unwrap();
        let page = app.get(&format!("/meetings/{meeting}")).await;
        page.assert_status(200);
        assert!(
            !page.body.contains(&link),
            "unpublished: not for the public"
        );
        let json = app.api(Method::GET, &api, None, None).await.json();
        assert!(json["decisions"][0]["action_id"].is_null(), "{json}");
        let json = app.api(Method::GET, &api, Some(&token), None).await.json();
        assert_eq!(
            json["decisions"][0]["action_id"], action,
            "signed in: still linked"
        );
    }
);
