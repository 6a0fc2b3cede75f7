//! The plan's annual report: its content for the demo plan, a period without data, the
//! published snapshot that does not change with the plan, the comparison, the PDF's text,
//! rights, narratives with edit conflicts, and the next plan made from a report.

use axum::http::Method;
use serde_json::{Value, json};
use tuuli::auth::Role;

use crate::both;
use crate::helpers::TestApp;

const PROMISES_FI: [&str; 5] = [
    "Meillä saa puhua",
    "Ehkäisemme syrjäytymistä",
    "Huomioimme läheiset",
    "Vahvistamme minäpystyvyyttä",
    "Meillä ehkäisevä työ kuuluu kaikille",
];

async fn demo_plan(app: &TestApp) -> i64 {
    tuuli::with_db!(&app.db, p => sqlx::query_scalar::<_, i64>("SELECT id FROM plans WHERE title_fi LIKE 'Päijät-Hämeen ehkäisevän työn toimintasuunnitelma%'").fetch_one(p).await)
        .expect("demo plan")
}

/// A signed-in coordinator (session and token); returns the token.
async fn coordinator(app: &TestApp) -> String {
    app.add_user(
        "kertomus.koordinaattori@example.fi",
        Role::Coordinator,
        None,
        None,
    )
    .await;
    app.sign_in("kertomus.koordinaattori@example.fi").await;
    app.token_for("kertomus.koordinaattori@example.fi").await
}

/// The demo data, a signed-in coordinator with a token, and a new report on the demo plan.
struct DemoReport {
    app: TestApp,
    token: String,
    plan: i64,
    rid: i64,
}

/// A [`DemoReport`] for the years `from`–`to`.
async fn demo_report(app: TestApp, from: i32, to: i32) -> DemoReport {
    let app = app.with_demo().await;
    let token = coordinator(&app).await;
    let plan = demo_plan(&app).await;
    let rid = new_report(&app, &token, plan, from, to).await;
    DemoReport {
        app,
        token,
        plan,
        rid,
    }
}

/// Publishes a report through the API.
async fn publish(app: &TestApp, token: &str, plan: i64, rid: i64) {
    app.api(
        Method::POST,
        &format!("/api/v1/plans/{plan}/reports/{rid}/publish"),
        Some(token),
        None,
    )
    .await
    .assert_status(201);
}

async fn new_report(app: &TestApp, token: &str, plan: i64, from: i32, to: i32) -> i64 {
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/plans/{plan}/reports"),
            Some(token),
            Some(json!({"from_year": from, "to_year": to})),
        )
        .await;
    res.assert_status(201);
    res.json()["id"].as_i64().expect("id")
}

fn section<'a>(data: &'a Value, key: &str) -> &'a Value {
    data["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .find(|s| s["key"] == key)
        .map(|s| &s["data"])
        .expect("section")
}

fn counts(v: &Value) -> [i64; 6] {
    [
        "done",
        "on_track",
        "delayed",
        "not_started",
        "cancelled",
        "total",
    ]
    .map(|k| v[k].as_i64().expect("count"))
}

both!(
    the_demo_plans_report_names_its_five_promises_and_counts_actions_by_status_at_the_periods_end,
    |app| async move {
        let app = app.with_demo().await;
        let plan = demo_plan(&app).await;
        let whole = app
            .api(
                Method::GET,
                &format!("/api/v1/plans/{plan}/report?from=2021&to=2025"),
                None,
                None,
            )
            .await;
        whole.assert_status(200);
        let data = whole.json();
        assert_eq!(data["has_data"], true);
        // Done, on track, delayed, not started, cancelled: one each of the five examples.
        assert_eq!(
            counts(&section(&data, "summary")["counts"]),
            [1, 1, 1, 1, 1, 5]
        );
        let promises = section(&data, "promises")["promises"]
            .as_array()
            .expect("promises")
            .clone();
        let names: Vec<&str> = promises
            .iter()
            .map(|p| p["title_fi"].as_str().unwrap_or(""))
            .collect();
        assert_eq!(names, PROMISES_FI);
        // 2022 alone: the training is on track (60 %), the leisure evenings on track, the
        // strength cards cancelled, the contact network not started; the peer group (2023–)
        // is outside the period.
        let y2022 = app
            .api(
                Method::GET,
                &format!("/api/v1/plans/{plan}/report?from=2022&to=2022"),
                None,
                None,
            )
            .await
            .json();
        assert_eq!(
            counts(&section(&y2022, "summary")["counts"]),
            [0, 2, 0, 1, 1, 4]
        );
        // The page (HTML body) names every promise, in Swedish too.
        let html = app
            .get(&format!(
                "/api/v1/plans/{plan}/report?from=2021&to=2025&format=html&lang=sv"
            ))
            .await;
        html.assert_status(200);
        for sv in [
            "Hos oss får man tala",
            "Vi förebygger utanförskap",
            "Vi stärker självtilliten",
        ] {
            assert!(html.body.contains(sv), "{sv} missing");
        }
        assert!(html.body.contains("<caption>"), "tables have captions");
        assert!(html.body.contains("scope=\"row\""), "row headers");
        assert!(html.body.contains("role=\"img\""), "charts");
    }
);

both!(
    a_period_with_no_data_renders_and_says_so,
    |app| async move {
        let DemoReport { app, plan, rid, .. } = demo_report(app, 2040, 2040).await;
        let page = app
            .get(&format!("/plans/{plan}/reports/{rid}?lang=fi"))
            .await;
        page.assert_status(200);
        assert!(
            page.body.contains("Tältä kaudelta ei ole tietoja"),
            "{}",
            page.body
        );
        assert!(page.body.contains("Tällä kaudella ei ole toimenpiteitä."));
        let pdf = app
            .get(&format!("/plans/{plan}/reports/{rid}/draft.pdf"))
            .await;
        pdf.assert_status(200);
        assert_eq!(pdf.headers["content-type"], "application/pdf");
    }
);

both!(
    a_published_report_reads_the_same_after_the_plan_changes_and_the_comparison_shows_what_changed,
    |app| async move {
        let DemoReport {
            app,
            token,
            plan,
            rid,
        } = demo_report(app, 2021, 2025).await;
        let res = app
            .post_form(&format!("/plans/{plan}/reports/{rid}/publish"), &[])
            .await;
        res.assert_status(303);
        let published_path = format!("/plans/{plan}/reports/{rid}/published");
        let api_path = format!("/api/v1/plans/{plan}/reports/{rid}/published");
        app.sign_out_locally();
        let before_page = app.get(&published_path).await;
        before_page.assert_status(200);
        let before_api = app.api(Method::GET, &api_path, None, None).await.body;
        // The plan changes: an action is renamed and another one gets done.
        let tree = app
            .api(Method::GET, &format!("/api/v1/plans/{plan}"), None, None)
            .await
            .json();
        let action = &tree["promises"][0]["goals"][0]["actions"][0];
        let id = action["id"].as_i64().expect("action");
        let full = app
            .api(Method::GET, &format!("/api/v1/actions/{id}"), None, None)
            .await
            .json();
        let mut body = json!({"goal_id": full["goal_id"], "title": "Uusi nimi äöå", "lead_organisation_id": full["lead_organisation_id"],
                              "start_date": full["start_date"], "end_date": full["end_date"], "planned_euros": full["planned_euros"]});
        body["version"] = full["version"].clone();
        app.api(
            Method::PUT,
            &format!("/api/v1/actions/{id}"),
            Some(&token),
            Some(body),
        )
        .await
        .assert_status(200);
        let open = tree["promises"][4]["goals"][0]["actions"][0]["id"]
            .as_i64()
            .expect("open action");
        app.api(Method::POST, &format!("/api/v1/actions/{open}/progress"), Some(&token),
            Some(json!({"report_date": "2025-06-30", "status": "done", "percent": 100, "euros_used": 250.0})))
            .await.assert_status(201);
        let after_page = app.get(&published_path).await;
        assert_eq!(
            before_page.body, after_page.body,
            "the published page changed"
        );
        assert_eq!(
            before_api,
            app.api(Method::GET, &api_path, None, None).await.body
        );
        assert!(!after_page.body.contains("Uusi nimi äöå"));
        // The draft has the new data, and the comparison names the changed figures.
        app.sign_in("kertomus.koordinaattori@example.fi").await;
        let draft = app
            .get(&format!("/plans/{plan}/reports/{rid}?lang=fi"))
            .await;
        assert!(draft.body.contains("Uusi nimi äöå"));
        let cmp = app
            .get(&format!("/plans/{plan}/reports/{rid}/compare?lang=en"))
            .await;
        cmp.assert_status(200);
        assert!(
            cmp.body
                .contains("Summary: Done</th><td class=\"num\">1</td><td class=\"num\">2</td>"),
            "{}",
            cmp.body
        );
        assert!(
            cmp.body
                .contains("Euros used</th><td class=\"num\">0</td><td class=\"num\">250</td>"),
            "{}",
            cmp.body
        );
        assert!(
            !cmp.body.contains("Summary: Delayed"),
            "an unchanged figure is not listed"
        );
    }
);

both!(
    the_published_pdf_has_the_five_promises_names_as_text_with_their_finnish_letters,
    |app| async move {
        let DemoReport {
            app,
            token,
            plan,
            rid,
        } = demo_report(app, 2021, 2025).await;
        publish(&app, &token, plan, rid).await;
        app.sign_out_locally();
        let req =
            axum::http::Request::get(format!("/plans/{plan}/reports/{rid}/published.pdf?lang=fi"))
                .body(axum::body::Body::empty())
                .expect("req");
        let res = app.router.clone().oneshot_bytes(req).await;
        assert!(res.starts_with(b"%PDF-"));
        let text = pdf_extract::extract_text_from_mem(&res).expect("text extracts");
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for name in PROMISES_FI {
            assert!(text.contains(name), "{name} not in the PDF's text: {text}");
        }
        assert!(text.contains("Toimintakertomus 2021–2025"));
    }
);

trait Oneshot {
    async fn oneshot_bytes(self, req: axum::http::Request<axum::body::Body>) -> Vec<u8>;
}

impl Oneshot for axum::Router {
    async fn oneshot_bytes(self, req: axum::http::Request<axum::body::Body>) -> Vec<u8> {
        use http_body_util::BodyExt;
        use tower::ServiceExt;
        let res = self.oneshot(req).await.expect("infallible");
        assert_eq!(res.status(), 200);
        res.into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
            .to_vec()
    }
}

both!(
    drafts_are_hidden_from_the_public_and_only_coordinators_write_and_publish,
    |app| async move {
        let DemoReport {
            app,
            token,
            plan,
            rid,
        } = demo_report(app, 2024, 2024).await;
        app.sign_out_locally();
        // Not published yet: nothing for the public, not even in the list.
        assert_eq!(
            app.get(&format!("/plans/{plan}/reports/{rid}"))
                .await
                .status,
            404
        );
        assert_eq!(
            app.get(&format!("/plans/{plan}/reports/{rid}/published"))
                .await
                .status,
            404
        );
        let list = app
            .api(
                Method::GET,
                &format!("/api/v1/plans/{plan}/reports"),
                None,
                None,
            )
            .await
            .json();
        assert_eq!(list.as_array().map(Vec::len), Some(0));
        // An editor may read the draft but neither write nor publish.
        let org = app.add_org("Järjestö ry", "ngo").await;
        app.add_user("muokkaaja@example.fi", Role::Editor, Some(org), None)
            .await;
        let editor = app.token_for("muokkaaja@example.fi").await;
        app.api(
            Method::PUT,
            &format!("/api/v1/plans/{plan}/reports/{rid}/narratives"),
            Some(&editor),
            Some(json!({"narratives": {"intro": "x"}})),
        )
        .await
        .assert_status(403);
        app.api(
            Method::POST,
            &format!("/api/v1/plans/{plan}/reports/{rid}/publish"),
            Some(&editor),
            None,
        )
        .await
        .assert_status(403);
        // A report of an unpublished plan stays hidden even when published.
        let draft_plan = app.api(Method::POST, "/api/v1/plans", Some(&token),
            Some(json!({"title_fi": "Luonnos", "start_year": 2026, "end_year": 2027, "status": "draft"}))).await.json()["id"]
            .as_i64().expect("plan");
        let drid = new_report(&app, &token, draft_plan, 2026, 2026).await;
        publish(&app, &token, draft_plan, drid).await;
        assert_eq!(
            app.get(&format!("/plans/{draft_plan}/reports/{drid}/published"))
                .await
                .status,
            404
        );
        assert_eq!(
            app.get(&format!("/plans/{draft_plan}/reports/{drid}/published.pdf"))
                .await
                .status,
            404
        );
        assert_eq!(app.audit_count("plan_report_snapshot", "create").await, 1);
    }
);

both!(
    narratives_are_saved_sanitised_and_a_stale_version_is_refused,
    |app| async move {
        let DemoReport {
            app,
            token,
            plan,
            rid,
        } = demo_report(app, 2023, 2023).await;
        let tree = app
            .api(Method::GET, &format!("/api/v1/plans/{plan}"), None, None)
            .await
            .json();
        let promise = tree["promises"][1]["id"].as_i64().expect("promise");
        let key = format!("promise-{promise}");
        let res = app
            .post_form(
                &format!("/plans/{plan}/reports/{rid}/edit"),
                &[
                    ("version", "1"),
                    ("intro", "**Vuosi** oli hyvä <script>alert(1)</script>"),
                    (key.as_str(), "Lupauksen kommentti."),
                ],
            )
            .await;
        res.assert_status(303);
        let page = app.get(&format!("/plans/{plan}/reports/{rid}")).await;
        assert!(page.body.contains("<strong>Vuosi</strong>"));
        assert!(!page.body.contains("<script>alert"));
        assert!(page.body.contains("Lupauksen kommentti."));
        let stale = app
            .post_form(
                &format!("/plans/{plan}/reports/{rid}/edit"),
                &[("version", "1"), ("intro", "Toinen")],
            )
            .await;
        stale.assert_status(409);
        assert!(stale.body.contains("Toinen"), "what was typed is kept");
        let unknown = app
            .api(
                Method::PUT,
                &format!("/api/v1/plans/{plan}/reports/{rid}/narratives"),
                Some(&token),
                Some(json!({"narratives": {"promise-999999": "x"}})),
            )
            .await;
        unknown.assert_status(422);
        assert_eq!(app.audit_count("plan_report", "update").await, 1);
    }
);

both!(
    the_next_plan_carries_the_unfinished_actions_each_with_its_origin,
    |app| async move {
        let DemoReport {
            app,
            token,
            plan,
            rid,
        } = demo_report(app, 2021, 2025).await;
        // An unfinished goal with an indicator target (a copy of a demo target).
        tuuli::with_db!(&app.db, p => sqlx::query(
            "INSERT INTO goal_targets (goal_id, indicator_id, area_id, baseline_value, baseline_year, target_value, target_year, created_at, updated_at) \
             SELECT (SELECT goal_id FROM plan_actions WHERE title = 'Esimerkki: maksuttomat harrastusillat nuorille'), \
             indicator_id, area_id, baseline_value, baseline_year, target_value, target_year, created_at, updated_at \
             FROM goal_targets ORDER BY id LIMIT 1").execute(p).await.map(|r| r.rows_affected())).expect("target");
        let res = app.api(Method::POST, &format!("/api/v1/plans/{plan}/reports/{rid}/next-plan"), Some(&token),
            Some(json!({"title_fi": "Toimintasuunnitelma 2026–2030", "start_year": 2026, "end_year": 2030}))).await;
        res.assert_status(201);
        let new = res.json()["id"].as_i64().expect("new plan");
        let tree = app
            .api(
                Method::GET,
                &format!("/api/v1/plans/{new}"),
                Some(&token),
                None,
            )
            .await
            .json();
        assert_eq!(tree["plan"]["status"], "draft");
        assert_eq!(tree["promises"].as_array().map(Vec::len), Some(5));
        // On track, delayed and not started are carried; done and cancelled are not.
        let rows: Vec<(String, Option<i64>)> = tuuli::with_db!(&app.db, p => sqlx::query_as(
            "SELECT a.title, a.previous_action_id FROM plan_actions a JOIN plan_goals g ON g.id = a.goal_id \
             JOIN plan_promises pr ON pr.id = g.promise_id WHERE pr.plan_id = $1 ORDER BY a.title").bind(new).fetch_all(p).await)
            .expect("actions");
        let titles: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Esimerkki: läheisten vertaisryhmä rahapelihaitoista",
                "Esimerkki: maksuttomat harrastusillat nuorille",
                "Esimerkki: yhdyshenkilöverkoston tapaamiset",
            ]
        );
        for (title, prev) in &rows {
            let prev = prev.expect("origin recorded");
            let old: (String, i64) = tuuli::with_db!(&app.db, p => sqlx::query_as(
                "SELECT a.title, pr.plan_id FROM plan_actions a JOIN plan_goals g ON g.id = a.goal_id \
                 JOIN plan_promises pr ON pr.id = g.promise_id WHERE a.id = $1").bind(prev).fetch_one(p).await).expect("origin");
            assert_eq!((&old.0, old.1), (title, plan));
        }
        let based_on: Option<i64> = tuuli::with_db!(&app.db, p => sqlx::query_scalar("SELECT based_on_report_id FROM plans WHERE id = $1")
            .bind(new).fetch_one(p).await).expect("plan");
        assert_eq!(based_on, Some(rid));
        // Each carried goal records its origin and keeps its indicator targets.
        let goals: Vec<(i64, Option<i64>)> = tuuli::with_db!(&app.db, p => sqlx::query_as(
            "SELECT g.id, g.previous_goal_id FROM plan_goals g JOIN plan_promises pr ON pr.id = g.promise_id \
             WHERE pr.plan_id = $1 ORDER BY g.id").bind(new).fetch_all(p).await).expect("goals");
        assert!(!goals.is_empty());
        let targets = |goal: i64| {
            let db = app.db.clone();
            async move {
                tuuli::with_db!(&db, p => sqlx::query_as::<_, (i64, i64, f64, i32, f64, i32)>(
                    "SELECT indicator_id, area_id, baseline_value, baseline_year, target_value, target_year \
                     FROM goal_targets WHERE goal_id = $1 ORDER BY indicator_id, area_id").bind(goal).fetch_all(p).await)
                .expect("targets")
            }
        };
        let mut carried_targets = 0;
        for (goal, prev) in &goals {
            let prev = prev.expect("goal origin recorded");
            let (now, before) = (targets(*goal).await, targets(prev).await);
            assert_eq!(now, before, "goal {goal} keeps the targets of goal {prev}");
            carried_targets += now.len();
        }
        assert!(carried_targets > 0, "the demo's goal targets are carried");
        assert!(app.audit_count("plan_action", "create").await >= 3 + 5);
    }
);

#[test]
fn the_cli_writes_the_annual_report_as_a_pdf_and_as_html() {
    use std::process::Command;
    let dir = std::env::temp_dir().join(format!("tuuli-report-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let url = format!("sqlite://{}/tuuli.db", dir.display());
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_tuuli"))
            .args(args)
            .env_remove("TUULI_DATABASE_URL")
            .env("TUULI_LOG", "warn")
            .output()
            .expect("run tuuli");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&["demo", "--database", &url]);
    let pdf = dir.join("kertomus.pdf");
    let html = dir.join("kertomus.html");
    let (pdf_s, html_s) = (pdf.display().to_string(), html.display().to_string());
    let annual = |format: &str, out: &str, more: &[&str]| {
        let head = [
            "report", "annual", "--plan", "1", "--from", "2021", "--to", "2025",
        ];
        let tail = ["--format", format, "--out", out, "--database", &url];
        run(&[&head[..], more, &tail[..]].concat());
    };
    annual("pdf", &pdf_s, &[]);
    annual("html", &html_s, &["--lang", "sv"]);
    let bytes = std::fs::read(&pdf).expect("pdf written");
    assert!(bytes.starts_with(b"%PDF-"));
    let text = pdf_extract::extract_text_from_mem(&bytes).expect("text");
    assert!(text.contains("Ehkäisemme syrjäytymistä"));
    let page = std::fs::read_to_string(&html).expect("html written");
    assert!(page.contains("<html lang=\"sv\">") && page.contains("Vi förebygger utanförskap"));
    let _ = std::fs::remove_dir_all(&dir);
}
