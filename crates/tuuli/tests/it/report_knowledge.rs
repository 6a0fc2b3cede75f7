//! The annual report's knowledge section (issues 7 and 9): each goal's indicator targets
//! with baseline, target, the latest value with its interval, and on track / off track /
//! no data as the goal pages judge them; in the JSON, the HTML, the PDF, the published
//! snapshot (frozen) and the comparison.

use axum::body::Body;
use axum::http::{Method, Request};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;
use tuuli::auth::Role;

use crate::both;
use crate::helpers::TestApp;

/// A signed-in coordinator (session and token); returns the token.
async fn coordinator(app: &TestApp) -> String {
    app.add_user(
        "tavoite.koordinaattori@example.fi",
        Role::Coordinator,
        None,
        None,
    )
    .await;
    app.sign_in("tavoite.koordinaattori@example.fi").await;
    app.token_for("tavoite.koordinaattori@example.fi").await
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> i64 {
    let res = app.api(Method::POST, path, Some(token), Some(body)).await;
    res.assert_status(201);
    res.json()["id"].as_i64().expect("id")
}

/// A plan 2021–2025 with one promise and two goals: (plan, goal 1, goal 2).
async fn plan(app: &TestApp, token: &str) -> (i64, i64, i64) {
    let plan = post(app, token, "/api/v1/plans", json!({"title_fi": "Tavoitesuunnitelma", "start_year": 2021, "end_year": 2025, "status": "approved", "published": true})).await;
    let promise = post(
        app,
        token,
        "/api/v1/promises",
        json!({"plan_id": plan, "title_fi": "Lupaus"}),
    )
    .await;
    let g1 = post(
        app,
        token,
        "/api/v1/goals",
        json!({"promise_id": promise, "title_fi": "Maltillinen tavoite"}),
    )
    .await;
    let g2 = post(
        app,
        token,
        "/api/v1/goals",
        json!({"promise_id": promise, "title_fi": "Kunnianhimoinen tavoite"}),
    )
    .await;
    (plan, g1, g2)
}

/// Sysmä and a percent indicator (lower is better): 12 % in 2020, 40 of 400 (10 %) in 2024.
async fn values(app: &TestApp) -> (i64, i64, i64) {
    let now = chrono::Utc::now();
    tuuli::with_db!(&app.db, p => {
        let sysma: i64 = sqlx::query_scalar("SELECT id FROM areas WHERE kind = 'municipality' AND official_code = '781'")
            .fetch_one(p).await.expect("Sysmä");
        let ind: i64 = sqlx::query_scalar("INSERT INTO indicators (source, source_id, title_fi, title_sv, title_en, value_type, decimals, polarity, created_at, updated_at) \
            VALUES ('local', 'K1', 'Humalajuominen', 'Berusningsdrickande', 'Binge drinking', 'percent', 1, 'lower_better', $1, $1) RETURNING id")
            .bind(now).fetch_one(p).await.expect("indicator");
        let import: i64 = sqlx::query_scalar("INSERT INTO imports (kind, status, started_at) VALUES ('csv', 'done', $1) RETURNING id")
            .bind(now).fetch_one(p).await.expect("import");
        for (year, count, den, v) in [(2020, 48.0, 400.0, 12.0), (2024, 40.0, 400.0, 10.0)] {
            sqlx::query("INSERT INTO indicator_values (area_id, indicator_id, year, sex, value, count, denominator, import_id) VALUES ($1, $2, $3, 0, $4, $5, $6, $7)")
                .bind(sysma).bind(ind).bind(year).bind(v).bind(count).bind(den).bind(import).execute(p).await.expect("value");
        }
        (sysma, ind, import)
    })
}

/// Goal 1: 12 (2020) → 10 (2028), the path is at 11 in 2024, 10 is better: on track.
/// Goal 2: 12 (2020) → 4 (2028), the path is at 8 in 2024, 10 is worse: off track.
async fn targets(app: &TestApp, token: &str, g1: i64, g2: i64, sysma: i64, ind: i64) {
    for (g, target) in [(g1, 10.0), (g2, 4.0)] {
        post(
            app,
            token,
            &format!("/api/v1/goals/{g}/targets"),
            json!({"indicator_id": ind, "area_id": sysma, "baseline_value": 12.0, "baseline_year": 2020,
                   "target_value": target, "target_year": 2028}),
        )
        .await;
    }
}

async fn report(app: &TestApp, token: &str, plan: i64) -> i64 {
    post(
        app,
        token,
        &format!("/api/v1/plans/{plan}/reports"),
        json!({"from_year": 2021, "to_year": 2025}),
    )
    .await
}

fn knowledge(data: &Value) -> &Value {
    &data["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .find(|s| s["key"] == "knowledge")
        .expect("the knowledge section")["data"]
}

/// GET with the app's cookies, as bytes.
async fn bytes(app: &TestApp, path: &str) -> Vec<u8> {
    let cookie = {
        let jar = app.cookies.lock().expect("jar");
        jar.iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let res = app
        .router
        .clone()
        .oneshot(
            Request::get(path)
                .header("cookie", cookie)
                .body(Body::empty())
                .expect("req"),
        )
        .await
        .expect("infallible");
    assert_eq!(res.status(), 200, "{path}");
    res.into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec()
}

both!(
    the_reports_knowledge_section_shows_each_target_on_or_off_track_with_its_latest_value_and_interval,
    |app| async move {
        let token = coordinator(&app).await;
        let (plan, g1, g2) = plan(&app, &token).await;
        let (sysma, ind, _) = values(&app).await;
        targets(&app, &token, g1, g2, sysma, ind).await;
        let rid = report(&app, &token, plan).await;

        let res = app
            .api(
                Method::GET,
                &format!("/api/v1/plans/{plan}/report?from=2021&to=2025&format=json"),
                Some(&token),
                None,
            )
            .await;
        res.assert_status(200);
        let data = res.json();
        let k = knowledge(&data);
        let goals = k["goals"].as_array().expect("goals");
        assert_eq!(goals.len(), 2);
        let (on, off) = (&goals[0]["targets"][0], &goals[1]["targets"][0]);
        assert_eq!(goals[0]["goal_id"], g1);
        assert_eq!(on["status"], "on_track");
        assert_eq!(off["status"], "off_track");
        assert_eq!(on["latest_value"], 10.0);
        assert_eq!(on["latest_year"], 2024);
        assert_eq!((on["baseline_year"].as_i64(), on["target_year"].as_i64()), (Some(2020), Some(2028)));
        // The Wilson interval of 40 of 400.
        let w = tuuli_stats::Proportion::new(40.0, 400.0)
            .unwrap()
            .estimate(tuuli_stats::Level::P95, tuuli_stats::Multiplier::PERCENT);
        assert_eq!(on["lower95"].as_f64(), Some(w.interval.lower));
        assert_eq!(on["upper95"].as_f64(), Some(w.interval.upper));
        assert_eq!((k["on_track"].as_i64(), k["off_track"].as_i64()), (Some(1), Some(1)));

        let fi = app
            .get(&format!("/plans/{plan}/reports/{rid}?lang=fi"))
            .await;
        fi.assert_status(200);
        // From the section's heading on (the goals' titles are in the promises too).
        let b = &fi.body[fi.body.find("id=\"knowledge-h\"").expect("the section")..];
        let at = |text: &str| b.find(text).unwrap_or_else(|| panic!("{text} missing"));
        assert!(b.contains("Tavoitteet ja indikaattorit"));
        assert!(b.contains("Humalajuominen"));
        assert!(b.contains("12,0 (2020)") && b.contains("10,0 (2028)") && b.contains("4,0 (2028)"));
        assert!(b.contains("10,0 (2024)"));
        // The goals in order, each with its judgement in words.
        assert!(at("Maltillinen tavoite") < at("Tavoitteessa"));
        assert!(at("Tavoitteessa") < at("Kunnianhimoinen tavoite"));
        assert!(at("Kunnianhimoinen tavoite") < at("Jäljessä tavoitteesta"));
        let sv = app
            .get(&format!("/plans/{plan}/reports/{rid}?lang=sv"))
            .await;
        assert!(sv.body.contains("I linje med målet"));
        assert!(sv.body.contains("Efter målet"));

        let pdf = bytes(&app, &format!("/plans/{plan}/reports/{rid}/draft.pdf?lang=fi")).await;
        assert!(pdf.starts_with(b"%PDF-"));
        let text = pdf_extract::extract_text_from_mem(&pdf).expect("text");
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for want in ["Tavoitteet ja indikaattorit", "Humalajuominen", "Sysmä"] {
            assert!(text.contains(want), "{want:?} not in the PDF's text: {text}");
        }
    }
);

both!(
    a_plan_without_indicator_targets_says_so_in_the_knowledge_section,
    |app| async move {
        let token = coordinator(&app).await;
        let (plan, _, _) = plan(&app, &token).await;
        let rid = report(&app, &token, plan).await;
        let page = app
            .get(&format!("/plans/{plan}/reports/{rid}?lang=fi"))
            .await;
        page.assert_status(200);
        assert!(page.body.contains("Tavoitteet ja indikaattorit"));
        assert!(
            page.body
                .contains("Suunnitelman tavoitteille ei ole asetettu indikaattoritavoitteita.")
        );
        let en = app
            .get(&format!("/plans/{plan}/reports/{rid}?lang=en"))
            .await;
        assert!(
            en.body
                .contains("The plan&#x27;s goals have no indicator targets.")
                || en
                    .body
                    .contains("The plan's goals have no indicator targets.")
        );
    }
);

both!(
    a_published_report_keeps_its_knowledge_section_after_a_new_value_and_the_comparison_shows_the_change,
    |app| async move {
        let token = coordinator(&app).await;
        let (plan, g1, g2) = plan(&app, &token).await;
        let (sysma, ind, import) = values(&app).await;
        targets(&app, &token, g1, g2, sysma, ind).await;
        let rid = report(&app, &token, plan).await;
        app.api(
            Method::POST,
            &format!("/api/v1/plans/{plan}/reports/{rid}/publish"),
            Some(&token),
            None,
        )
        .await
        .assert_status(201);
        let before = app
            .get(&format!("/plans/{plan}/reports/{rid}/published?lang=fi"))
            .await;
        before.assert_status(200);
        assert!(before.body.contains("Jäljessä tavoitteesta"));
        // 2025: 6 %, below goal 2's path (7): both goals now on track in the draft.
        tuuli::with_db!(&app.db, p => sqlx::query("INSERT INTO indicator_values (area_id, indicator_id, year, sex, value, count, denominator, import_id) VALUES ($1, $2, 2025, 0, 6.0, 24.0, 400.0, $3)")
            .bind(sysma).bind(ind).bind(import).execute(p).await.map(|_| ()))
        .expect("new value");
        let draft = app
            .get(&format!("/plans/{plan}/reports/{rid}?lang=fi"))
            .await;
        assert!(!draft.body.contains("Jäljessä tavoitteesta"));
        assert!(draft.body.contains("6,0 (2025)"));
        let after = app
            .get(&format!("/plans/{plan}/reports/{rid}/published?lang=fi"))
            .await;
        after.assert_status(200);
        assert!(after.body.contains("Jäljessä tavoitteesta"));
        assert!(after.body.contains("10,0 (2024)"));
        assert!(!after.body.contains("6,0 (2025)"));
        // The published data keeps the section too.
        let published = app
            .api(
                Method::GET,
                &format!("/api/v1/plans/{plan}/reports/{rid}/published"),
                None,
                None,
            )
            .await;
        published.assert_status(200);
        assert_eq!(knowledge(&published.json()["data"])["off_track"], 1);
        // The comparison lists the figures that changed.
        let cmp = app
            .get(&format!("/plans/{plan}/reports/{rid}/compare?lang=fi"))
            .await;
        cmp.assert_status(200);
        assert!(cmp.body.contains("Indikaattoritavoitteita jäljessä tavoitteesta"));
        assert!(cmp.body.contains("Humalajuominen, Sysmä: viimeisin arvo"));
    }
);
