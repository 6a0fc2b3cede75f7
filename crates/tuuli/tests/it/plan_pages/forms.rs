//! The plan forms: refused input kept and named in the user's language (422), a save
//! based on an old version shown with the saved values (409), deletes refused while
//! children remain (409), and a plan built with the forms end to end.

use super::*;
use crate::both;

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
