//! Area choices with the national list loaded: the home region's municipalities (those
//! valid this year) are the main list of the action form and of the plan and organisation
//! filters, every other municipality stays choosable without JavaScript (a disclosure of
//! checkboxes, an option group), and the organisation's area select does the same.

use axum::http::Method;
use serde_json::{Value, json};
use tuuli::auth::Role;
use tuuli::core::areas_national;

use crate::both;
use crate::helpers::TestApp;

async fn area(app: &TestApp, code: &str) -> i64 {
    tuuli::with_db!(&app.db, p => sqlx::query_scalar::<_, i64>(
        "SELECT id FROM areas WHERE kind = 'municipality' AND official_code = $1",
    ).bind(code).fetch_one(p).await)
    .unwrap()
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> i64 {
    let res = app.api(Method::POST, path, Some(token), Some(body)).await;
    res.assert_status(201);
    res.json()["id"].as_i64().unwrap()
}

/// The part of a page before `marker` and the part from it on.
fn split<'a>(body: &'a str, marker: &str) -> (&'a str, &'a str) {
    let at = body
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} missing: {body}"));
    body.split_at(at)
}

both!(
    the_home_regions_municipalities_come_first_and_any_other_can_be_chosen,
    |app| async move {
        areas_national::load(&app.db).await.unwrap();
        app.state.reference.clear();
        app.add_user("coord@example.fi", Role::Coordinator, None, None)
            .await;
        let token = app.token_for("coord@example.fi").await;
        app.sign_in("coord@example.fi").await;
        let (sysma, utsjoki, iitti, nastola) = (
            area(&app, "781").await,
            area(&app, "890").await,
            area(&app, "142").await,
            area(&app, "532").await,
        );
        let plan = post(&app, &token, "/api/v1/plans", json!({"title_fi": "Suunnitelma", "start_year": 2020, "end_year": 2035, "status": "approved", "published": true})).await;
        let promise = post(
            &app,
            &token,
            "/api/v1/promises",
            json!({"plan_id": plan, "title_fi": "Lupaus"}),
        )
        .await;
        let goal = post(
            &app,
            &token,
            "/api/v1/goals",
            json!({"promise_id": promise, "title_fi": "Tavoite"}),
        )
        .await;

        // The action form: the region's ten municipalities, the rest behind a disclosure.
        let form = app.get(&format!("/goals/{goal}/actions/new?lang=fi")).await;
        form.assert_status(200);
        let (main, more) = split(&form.body, "<details class=\"more-areas\">");
        let checkbox = |id: i64| format!("id=\"municipalities-{id}\"");
        assert!(main.contains(&checkbox(sysma)) && main.contains("Sysmä"));
        assert!(
            main.contains(&checkbox(iitti)),
            "Iitti belongs to the region since 2021"
        );
        assert!(!main.contains(&checkbox(utsjoki)) && !main.contains("Utsjoki"));
        assert!(
            !main.contains(&checkbox(nastola)),
            "Nastola merged into Lahti in 2016"
        );
        assert_eq!(main.matches("name=\"municipalities\"").count(), 10);
        assert!(more.contains("<summary>Muut kunnat</summary>"));
        assert!(more.contains(&checkbox(utsjoki)) && more.contains("Utsjoki"));

        // Choosing a municipality outside the region works, and it then shows as chosen
        // in the main list.
        let res = app
            .post_form(
                &format!("/goals/{goal}/actions"),
                &[
                    ("goal_id", &goal.to_string()),
                    ("title", "Toimenpide Utsjoella"),
                    ("municipalities", &utsjoki.to_string()),
                    ("municipalities", &sysma.to_string()),
                ],
            )
            .await;
        res.assert_status(303);
        let location = res.location();
        let action: i64 = location
            .trim_start_matches("/actions/")
            .split(['?', '#'])
            .next()
            .unwrap()
            .parse()
            .unwrap_or_else(|_| panic!("{location}"));
        let chosen: Vec<i64> = tuuli::with_db!(&app.db, p => sqlx::query_scalar(
            "SELECT area_id FROM plan_action_areas WHERE action_id = $1 ORDER BY area_id",
        ).bind(action).fetch_all(p).await)
        .unwrap();
        let mut expect = vec![sysma, utsjoki];
        expect.sort_unstable();
        assert_eq!(chosen, expect);
        let edit = app.get(&format!("/actions/{action}/edit")).await;
        edit.assert_status(200);
        let (main, more) = split(&edit.body, "<details class=\"more-areas\">");
        assert!(
            main.contains(&format!("value=\"{utsjoki}\" checked")),
            "{main}"
        );
        assert!(!more.contains(&checkbox(utsjoki)), "listed once");

        // The plan's filter and the organisations' filter: an option group for the rest.
        for page in [
            format!("/plans/{plan}?lang=fi"),
            "/organisations?lang=fi".to_owned(),
        ] {
            let body = app.get(&page).await;
            body.assert_status(200);
            let (main, more) = split(&body.body, "<optgroup label=\"Muut kunnat\">");
            assert!(
                main.contains(&format!("<option value=\"{sysma}\"")),
                "{page}"
            );
            assert!(
                !main.contains(&format!("<option value=\"{utsjoki}\"")),
                "{page}"
            );
            assert!(
                more.contains(&format!("<option value=\"{utsjoki}\"")),
                "{page}"
            );
        }
        let filtered = app.get(&format!("/organisations?area={utsjoki}")).await;
        filtered.assert_status(200);
        assert!(
            filtered
                .body
                .contains(&format!("<option value=\"{utsjoki}\" selected>"))
        );

        // The organisation's area: the region's areas first, the others grouped.
        let form = app.get("/organisations/new?lang=fi").await;
        form.assert_status(200);
        let (main, more) = split(&form.body, "<optgroup label=\"Muut alueet\">");
        assert!(main.contains("Päijät-Häme") && main.contains("Sysmä"));
        assert!(more.contains("Utsjoki") && !main.contains("Utsjoki"));
    }
);
