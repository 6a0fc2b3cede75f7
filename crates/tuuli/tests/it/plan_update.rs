//! `/plans/updates`: the fast-update screen — only changed rows are saved, one bad row
//! saves nothing and keeps what was typed, another organisation's action is refused, stale
//! actions are flagged first, edit conflicts and archived plans refuse the whole submit.

use axum::http::Method;
use serde_json::{Value, json};
use tuuli::auth::Role;

use crate::both;
use crate::helpers::TestApp;

pub(crate) struct Tree {
    pub plan: i64,
    pub goal: i64,
    pub actions: Vec<i64>,
}

/// A published plan with one promise and one goal, and `titles.len()` actions led by `lead`
/// (start dates: `start`).
pub(crate) async fn plan_with_actions(
    app: &TestApp,
    token: &str,
    lead: i64,
    titles: &[&str],
    start: &str,
) -> Tree {
    let post = |path: &'static str, body: Value| async move {
        let res = app.api(Method::POST, path, Some(token), Some(body)).await;
        res.assert_status(201);
        res.json()["id"].as_i64().unwrap()
    };
    let plan = post(
        "/api/v1/plans",
        json!({"title_fi": "Suunnitelma", "start_year": 2021, "end_year": 2030,
               "status": "approved", "published": true}),
    )
    .await;
    let promise = post(
        "/api/v1/promises",
        json!({"plan_id": plan, "title_fi": "Lupaus"}),
    )
    .await;
    let goal = post(
        "/api/v1/goals",
        json!({"promise_id": promise, "title_fi": "Tavoite"}),
    )
    .await;
    let mut actions = Vec::new();
    for t in titles {
        actions.push(
            post(
                "/api/v1/actions",
                json!({"goal_id": goal, "title": t, "lead_organisation_id": lead, "start_date": start}),
            )
            .await,
        );
    }
    Tree {
        plan,
        goal,
        actions,
    }
}

pub(crate) async fn coordinator_token(app: &TestApp) -> String {
    app.add_user("koordinaattori@example.fi", Role::Coordinator, None, None)
        .await;
    app.token_for("koordinaattori@example.fi").await
}

async fn progress_count(app: &TestApp, action: i64) -> i64 {
    tuuli::with_db!(&app.db, p => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM plan_progress WHERE action_id = $1")
        .bind(action).fetch_one(p).await)
    .unwrap()
}

/// The fields of one row as the screen shows an action without updates, with `changes`.
fn row(id: i64, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut fields = vec![
        ("latest", "0"),
        ("status", "not_started"),
        ("percent", "0"),
        ("narrative", ""),
        ("euros_used", ""),
        ("days_used", ""),
    ];
    for (k, v) in changes {
        for f in fields.iter_mut() {
            if f.0 == *k {
                f.1 = v;
            }
        }
    }
    let mut out = vec![("action".to_owned(), id.to_string())];
    out.extend(
        fields
            .into_iter()
            .map(|(k, v)| (format!("{k}-{id}"), v.to_owned())),
    );
    out
}

async fn submit(app: &TestApp, org: i64, rows: Vec<Vec<(String, String)>>) -> crate::helpers::Res {
    let org = org.to_string();
    let mut fields: Vec<(&str, &str)> = vec![("organisation", org.as_str())];
    let flat: Vec<(String, String)> = rows.into_iter().flatten().collect();
    fields.extend(flat.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    app.post_form("/plans/updates", &fields).await
}

async fn editor_of(app: &TestApp, org: i64, email: &str) {
    app.add_user(email, Role::Editor, Some(org), None).await;
    app.sign_in(email).await;
}

both!(
    the_fast_update_screen_saves_only_the_changed_rows_each_as_an_audited_update,
    |app| async move {
        let token = coordinator_token(&app).await;
        let org = app.add_org("Vastuu ry", "ngo").await;
        let t =
            plan_with_actions(&app, &token, org, &["Eka", "Toka", "Kolmas"], "2030-01-01").await;
        editor_of(&app, org, "muokkaaja@example.fi").await;
        let page = app.get("/plans/updates").await;
        page.assert_status(200);
        for title in ["Eka", "Toka", "Kolmas"] {
            assert!(page.body.contains(title), "{title} missing");
        }
        let [a, b, c] = t.actions[..] else { panic!() };
        let res = submit(
            &app,
            org,
            vec![
                row(
                    a,
                    &[
                        ("status", "on_track"),
                        ("percent", "40"),
                        ("euros_used", "1 250,50"),
                    ],
                ),
                row(b, &[("narrative", "Koulutus pidetty")]),
                row(c, &[]),
            ],
        )
        .await;
        res.assert_status(303);
        assert!(res.location().contains("saved=2"), "{}", res.location());
        assert_eq!(progress_count(&app, a).await, 1);
        assert_eq!(progress_count(&app, b).await, 1);
        assert_eq!(progress_count(&app, c).await, 0);
        assert_eq!(app.audit_count("plan_progress", "create").await, 2);
        let latest = app
            .api(
                Method::GET,
                &format!("/api/v1/actions/{a}/progress"),
                None,
                None,
            )
            .await
            .json();
        assert_eq!(latest[0]["status"], "on_track");
        assert_eq!(latest[0]["percent"], 40);
        assert_eq!(latest[0]["euros_used"], 1250.5);
        // The screen now shows the saved values, and saving them unchanged adds nothing.
        let page = app.get("/plans/updates?saved=2").await;
        assert!(
            page.body.contains("1250,5"),
            "amount shown with a decimal comma"
        );
        let marker = latest[0]["id"].as_i64().unwrap().to_string();
        let res = submit(
            &app,
            org,
            vec![row(
                a,
                &[
                    ("latest", &marker),
                    ("status", "on_track"),
                    ("percent", "40"),
                    ("euros_used", "1250,5"),
                ],
            )],
        )
        .await;
        res.assert_status(303);
        assert!(res.location().contains("saved=0"));
        assert_eq!(progress_count(&app, a).await, 1);
    }
);

both!(
    one_bad_row_saves_nothing_and_every_typed_value_stays_with_the_error_by_its_field,
    |app| async move {
        let token = coordinator_token(&app).await;
        let org = app.add_org("Vastuu ry", "ngo").await;
        let t = plan_with_actions(&app, &token, org, &["Eka", "Toka"], "2030-01-01").await;
        editor_of(&app, org, "muokkaaja@example.fi").await;
        let [a, b] = t.actions[..] else { panic!() };
        let res = submit(
            &app,
            org,
            vec![
                row(a, &[("percent", "55"), ("narrative", "Kirjoitettu teksti")]),
                row(b, &[("percent", "101"), ("days_used", "3,5")]),
            ],
        )
        .await;
        res.assert_status(422);
        assert!(res.body.contains("Kirjoitettu teksti"));
        assert!(res.body.contains("value=\"55\""));
        assert!(res.body.contains("value=\"101\""));
        assert!(res.body.contains("value=\"3,5\""));
        assert!(res.body.contains(&format!("id=\"percent-{b}-error\"")));
        assert!(!res.body.contains(&format!("id=\"percent-{a}-error\"")));
        assert!(res.body.contains("Mitään ei tallennettu"));
        assert_eq!(progress_count(&app, a).await, 0);
        assert_eq!(progress_count(&app, b).await, 0);
    }
);

both!(
    an_editor_cannot_update_another_organisations_action_through_the_screen,
    |app| async move {
        let token = coordinator_token(&app).await;
        let org_a = app.add_org("A ry", "ngo").await;
        let org_b = app.add_org("B ry", "ngo").await;
        let ta = plan_with_actions(&app, &token, org_a, &["A:n toimenpide"], "2030-01-01").await;
        let tb = plan_with_actions(&app, &token, org_b, &["B:n toimenpide"], "2030-01-01").await;
        editor_of(&app, org_b, "b@example.fi").await;
        let (a, b) = (ta.actions[0], tb.actions[0]);
        // A's action slipped into B's screen, alone or beside B's own row: refused whole.
        submit(&app, org_b, vec![row(a, &[("percent", "10")])])
            .await
            .assert_status(403);
        submit(
            &app,
            org_b,
            vec![row(b, &[("percent", "20")]), row(a, &[("percent", "10")])],
        )
        .await
        .assert_status(403);
        // Asking for A's screen is refused too.
        submit(&app, org_a, vec![row(a, &[("percent", "10")])])
            .await
            .assert_status(403);
        app.get(&format!("/plans/updates?organisation={org_a}"))
            .await
            .assert_status(403);
        assert_eq!(progress_count(&app, a).await, 0);
        assert_eq!(progress_count(&app, b).await, 0);
        // B's own row alone goes through.
        submit(&app, org_b, vec![row(b, &[("percent", "20")])])
            .await
            .assert_status(303);
        assert_eq!(progress_count(&app, b).await, 1);
    }
);

both!(
    stale_actions_are_flagged_in_words_and_listed_first,
    |app| async move {
        let token = coordinator_token(&app).await;
        let org = app.add_org("Vastuu ry", "ngo").await;
        // Not started yet (starts in 2030): never stale.
        plan_with_actions(&app, &token, org, &["Aa tuleva"], "2030-01-01").await;
        // Started in 2021 and never reported on: stale.
        plan_with_actions(&app, &token, org, &["Zz unohtunut"], "2021-01-01").await;
        app.sign_in("koordinaattori@example.fi").await;
        let page = app.get(&format!("/plans/updates?organisation={org}")).await;
        page.assert_status(200);
        let body = &page.body;
        let stale = body.find("Zz unohtunut").unwrap();
        let fresh = body.find("Aa tuleva").unwrap();
        assert!(stale < fresh, "the stale action comes first");
        let flag = body
            .find("Ei päivitetty yli 120 päivään")
            .expect("stale flag in words");
        assert!(flag > stale && flag < fresh, "the flag is on the stale row");
        assert!(body.contains("⚠"));
    }
);

both!(
    a_row_updated_by_someone_else_meanwhile_is_a_conflict_and_nothing_is_saved,
    |app| async move {
        let token = coordinator_token(&app).await;
        let org = app.add_org("Vastuu ry", "ngo").await;
        let t = plan_with_actions(&app, &token, org, &["Eka", "Toka"], "2030-01-01").await;
        editor_of(&app, org, "muokkaaja@example.fi").await;
        let [a, b] = t.actions[..] else { panic!() };
        // The screen was opened (markers 0); then the coordinator reported on `a`.
        let other = app
            .api(
                Method::POST,
                &format!("/api/v1/actions/{a}/progress"),
                Some(&token),
                Some(json!({"report_date": "2026-01-02", "status": "delayed", "percent": 15})),
            )
            .await;
        other.assert_status(201);
        let newest = other.json()["id"].as_i64().unwrap().to_string();
        let res = submit(
            &app,
            org,
            vec![row(a, &[("percent", "30")]), row(b, &[("percent", "60")])],
        )
        .await;
        res.assert_status(409);
        assert_eq!(progress_count(&app, a).await, 1);
        assert_eq!(progress_count(&app, b).await, 0);
        assert!(res.body.contains(&format!("id=\"conflict-{a}\"")));
        assert!(!res.body.contains(&format!("id=\"conflict-{b}\"")));
        // The typed values stay, and the refused row now carries the newest marker.
        assert!(res.body.contains("value=\"30\"") && res.body.contains("value=\"60\""));
        assert!(
            res.body
                .contains(&format!("name=\"latest-{a}\" value=\"{newest}\""))
        );
        // Saving again on top of the newest update is deliberate and goes through.
        let res = submit(
            &app,
            org,
            vec![
                row(a, &[("latest", &newest), ("percent", "30")]),
                row(b, &[("percent", "60")]),
            ],
        )
        .await;
        res.assert_status(303);
        assert_eq!(progress_count(&app, a).await, 2);
        assert_eq!(progress_count(&app, b).await, 1);
    }
);

both!(
    an_action_of_an_archived_plan_cannot_be_updated_on_the_screen,
    |app| async move {
        let token = coordinator_token(&app).await;
        let org = app.add_org("Vastuu ry", "ngo").await;
        let t = plan_with_actions(&app, &token, org, &["Vanha"], "2021-01-01").await;
        app.api(
            Method::PUT,
            &format!("/api/v1/plans/{}", t.plan),
            Some(&token),
            Some(
                json!({"title_fi": "Suunnitelma", "start_year": 2021, "end_year": 2030,
                        "status": "archived", "published": true}),
            ),
        )
        .await
        .assert_status(200);
        editor_of(&app, org, "muokkaaja@example.fi").await;
        let page = app.get("/plans/updates").await;
        assert!(
            !page.body.contains("Vanha"),
            "archived plans are not on the screen"
        );
        let res = submit(&app, org, vec![row(t.actions[0], &[("percent", "10")])]).await;
        res.assert_status(422);
        assert!(res.body.contains("arkistoitu"));
        assert_eq!(progress_count(&app, t.actions[0]).await, 0);
        let _ = t.goal;
    }
);

both!(
    a_coordinator_chooses_the_organisation_and_members_are_refused,
    |app| async move {
        let token = coordinator_token(&app).await;
        let org = app.add_org("Vastuu ry", "ngo").await;
        plan_with_actions(&app, &token, org, &["Eka"], "2030-01-01").await;
        app.add_user("jasen@example.fi", Role::Member, None, None)
            .await;
        app.sign_in("jasen@example.fi").await;
        app.get("/plans/updates").await.assert_status(403);
        app.sign_in("koordinaattori@example.fi").await;
        let chooser = app.get("/plans/updates").await;
        chooser.assert_status(200);
        assert!(
            chooser
                .body
                .contains(&format!("<option value=\"{org}\">Vastuu ry</option>"))
        );
        assert!(!chooser.body.contains("Eka"));
        let page = app.get(&format!("/plans/updates?organisation={org}")).await;
        assert!(page.body.contains("Eka"));
    }
);

/// Not a test: how long the screen takes for an organisation with 100 actions (each with
/// one update) — rendering it, saving it unchanged, and saving all 100 rows changed.
/// Prints the medians; run in release:
/// `cargo test --release --test it -- --ignored --nocapture fast_update_timing`
/// (with TEST_DATABASE_URL for PostgreSQL too). Figures: docs/benchmarks.md.
mod fast_update {
    use super::*;
    use crate::helpers::median;

    async fn timing(app: TestApp, label: &str) {
        let token = coordinator_token(&app).await;
        let org = app
            .add_org("Sadan toimenpiteen kunta", "municipality")
            .await;
        let titles: Vec<String> = (0..100).map(|i| format!("Toimenpide {i:03}")).collect();
        let refs: Vec<&str> = titles.iter().map(String::as_str).collect();
        let t = plan_with_actions(&app, &token, org, &refs, "2021-01-01").await;
        for a in &t.actions {
            app.api(
                Method::POST,
                &format!("/api/v1/actions/{a}/progress"),
                Some(&token),
                Some(json!({"report_date": "2025-01-31", "status": "on_track", "percent": 20, "euros_used": 100.5})),
            )
            .await
            .assert_status(201);
        }
        editor_of(&app, org, "sata@example.fi").await;
        let mut get = Vec::new();
        for _ in 0..21 {
            let start = std::time::Instant::now();
            let res = app.get("/plans/updates").await;
            get.push(start.elapsed());
            assert_eq!(res.status, 200);
        }
        // The rows as the screen shows them (markers read from the page).
        let page = app.get("/plans/updates").await.body;
        let marker = |a: i64| {
            let key = format!("name=\"latest-{a}\" value=\"");
            let at = page.find(&key).unwrap() + key.len();
            page[at..].split('"').next().unwrap().to_owned()
        };
        let markers: Vec<String> = t.actions.iter().map(|a| marker(*a)).collect();
        let rows = |percent: &str| -> Vec<Vec<(String, String)>> {
            t.actions
                .iter()
                .zip(&markers)
                .map(|(a, m)| {
                    row(
                        *a,
                        &[
                            ("latest", m.as_str()),
                            ("status", "on_track"),
                            ("percent", percent),
                            ("euros_used", "100,5"),
                        ],
                    )
                })
                .collect()
        };
        let mut unchanged = Vec::new();
        for _ in 0..11 {
            let start = std::time::Instant::now();
            let res = submit(&app, org, rows("20")).await;
            unchanged.push(start.elapsed());
            assert!(res.location().contains("saved=0"));
        }
        let start = std::time::Instant::now();
        let res = submit(&app, org, rows("30")).await;
        let changed = start.elapsed();
        assert!(res.location().contains("saved=100"), "{}", res.location());
        println!(
            "fast-update, 100 actions, {label}: GET median {:?}; save unchanged median {:?}; save 100 changed {:?}",
            median(get),
            median(unchanged),
            changed
        );
    }

    both!(
        #[ignore = "timing, not a test: run it in release"]
        fast_update_timing,
        |app| async move {
            let label = crate::helpers::backend_label(&app.db);
            timing(app, label).await
        }
    );
}

both!(
    an_implausibly_large_amount_is_refused_by_its_field_everywhere,
    |app| async move {
        // Two actions of 1.7e308 € each sum to infinity: the totals would show ".." and
        // the JSON null. Amounts above a trillion are refused at every door.
        let token = coordinator_token(&app).await;
        let org = app.add_org("Vastuu ry", "ngo").await;
        let t = plan_with_actions(&app, &token, org, &["Eka"], "2030-01-01").await;
        let res = app
            .api(Method::POST, "/api/v1/actions", Some(&token),
                Some(serde_json::json!({"goal_id": t.goal, "title": "Iso", "planned_euros": 1.7e308, "planned_days": 1e13})))
            .await;
        res.assert_status(422);
        let body = res.json();
        assert_eq!(
            body["details"]["planned_euros"], "Määrä on epäuskottavan suuri; tarkista se.",
            "{body}"
        );
        assert!(body["details"]["planned_days"].is_string(), "{body}");
        let a = t.actions[0];
        let res = app
            .api(Method::POST, &format!("/api/v1/actions/{a}/progress"), Some(&token),
                Some(serde_json::json!({"report_date": "2030-02-01", "status": "on_track", "percent": 10, "euros_used": 2e12})))
            .await;
        res.assert_status(422);
        assert!(res.json()["details"]["euros_used"].is_string());
        // A trillion itself is still an amount.
        app.api(Method::POST, &format!("/api/v1/actions/{a}/progress"), Some(&token),
            Some(serde_json::json!({"report_date": "2030-02-01", "status": "on_track", "percent": 10, "euros_used": 1e12})))
            .await
            .assert_status(201);
        // The plan's CSV import: the row refused with the message.
        let csv = format!("action_id;goal;action;planned_euros\n{a};Tavoite;Eka;10000000000000\n");
        let path = format!("/api/v1/plans/{}/actions.csv", t.plan);
        let res =
            crate::plan_exchange::upload(&app, &token, &path, "plan.csv", csv.as_bytes()).await;
        res.assert_status(422);
        assert!(
            res.body.contains("Määrä on epäuskottavan suuri"),
            "{}",
            res.body
        );
        // The fast update screen: the typed value back with the message, nothing saved.
        editor_of(&app, org, "muokkaaja@example.fi").await;
        let before = progress_count(&app, a).await;
        let res = submit(
            &app,
            org,
            vec![row(a, &[("status", "delayed"), ("euros_used", "5e15")])],
        )
        .await;
        res.assert_status(422);
        assert!(res.body.contains("5e15"), "{}", res.body);
        assert!(
            res.body.contains("Määrä on epäuskottavan suuri"),
            "{}",
            res.body
        );
        assert_eq!(progress_count(&app, a).await, before);
    }
);
