//! The welfare report as a PDF (issue 9): the same report as the page, with its text
//! extractable (names with Finnish and Swedish letters, the comparison in words), in the
//! reader's language, the narrative shown as typed (never run as markup), and the same
//! access as the page.

use axum::body::Body;
use axum::http::{HeaderMap, Request};
use http_body_util::BodyExt;
use tower::ServiceExt;
use tuuli::auth::Role;

use crate::both;
use crate::helpers::TestApp;

async fn area(app: &TestApp, kind: &str, code: &str) -> i64 {
    tuuli::with_db!(&app.db, p => sqlx::query_scalar::<_, i64>("SELECT id FROM areas WHERE kind = $1 AND official_code = $2")
        .bind(kind).bind(code).fetch_one(p).await)
    .expect("area")
}

/// Two percent indicators (lower is better) in a set `pdf_set`, the first with
/// Sysmä 40 of 400 (10 %) in 2024 against the country's 3 % of a million: significantly
/// worse. Returns (Sysmä, the first, the second indicator).
async fn seeded(app: &TestApp) -> (i64, i64, i64) {
    let now = chrono::Utc::now();
    let sysma = area(app, "municipality", "781").await;
    let country = area(app, "country", "SSS").await;
    tuuli::with_db!(&app.db, p => {
        let mut ids = Vec::new();
        for (src, fi, sv) in [
            ("P1", "Nuorten päihteiden käyttö", "Ungas användning av rusmedel"),
            ("P2", "Työttömät nuoret", "Arbetslösa unga"),
        ] {
            let id: i64 = sqlx::query_scalar("INSERT INTO indicators (source, source_id, title_fi, title_sv, title_en, value_type, decimals, polarity, created_at, updated_at) \
                VALUES ('local', $1, $2, $3, $3, 'percent', 1, 'lower_better', $4, $4) RETURNING id")
                .bind(src).bind(fi).bind(sv).bind(now).fetch_one(p).await.expect("indicator");
            sqlx::query("INSERT INTO indicator_themes (indicator_id, theme_id) SELECT $1, id FROM themes WHERE slug = 'substances'")
                .bind(id).execute(p).await.expect("theme");
            ids.push(id);
        }
        let set: i64 = sqlx::query_scalar("INSERT INTO indicator_sets (key, name_fi, created_at, updated_at) VALUES ('pdf_set', 'PDF-joukko', $1, $1) RETURNING id")
            .bind(now).fetch_one(p).await.expect("set");
        for (pos, id) in ids.iter().enumerate() {
            sqlx::query("INSERT INTO indicator_set_members (set_id, indicator_id, position) VALUES ($1, $2, $3)")
                .bind(set).bind(id).bind(pos as i64).execute(p).await.expect("member");
        }
        let import: i64 = sqlx::query_scalar("INSERT INTO imports (kind, status, started_at) VALUES ('csv', 'done', $1) RETURNING id")
            .bind(now).fetch_one(p).await.expect("import");
        for (a, count, den, v) in [(sysma, 40.0, 400.0, 10.0), (country, 30_000.0, 1_000_000.0, 3.0)] {
            sqlx::query("INSERT INTO indicator_values (area_id, indicator_id, year, sex, value, count, denominator, import_id) VALUES ($1, $2, 2024, 0, $3, $4, $5, $6)")
                .bind(a).bind(ids[0]).bind(v).bind(count).bind(den).bind(import).execute(p).await.expect("value");
        }
        (sysma, ids[0], ids[1])
    })
}

/// GET with the test app's cookies: (status, headers, body bytes).
async fn fetch(app: &TestApp, path: &str) -> (u16, HeaderMap, Vec<u8>) {
    let cookie = {
        let jar = app.cookies.lock().expect("jar");
        jar.iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let mut req = Request::get(path);
    if !cookie.is_empty() {
        req = req.header("cookie", cookie);
    }
    let res = app
        .router
        .clone()
        .oneshot(req.body(Body::empty()).expect("req"))
        .await
        .expect("infallible");
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.expect("body").to_bytes();
    (status, headers, bytes.to_vec())
}

/// The PDF's text with its white space collapsed.
fn text_of(pdf: &[u8]) -> String {
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    let text = pdf_extract::extract_text_from_mem(pdf).expect("text extracts");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

both!(
    the_welfare_report_pdf_names_the_municipality_and_its_indicators_and_compares_in_words_in_finnish_and_swedish,
    |app| async move {
        let (s, _, second) = seeded(&app).await;
        app.add_user("koordinaattori@example.fi", Role::Coordinator, None, None)
            .await;
        app.sign_in("koordinaattori@example.fi").await;
        app.post_form(
            &format!("/areas/{s}/welfare-report/narrative"),
            &[
                ("from", "2021"),
                ("to", "2024"),
                ("body", "Rakenteet ovat kunnossa. #pagebreak() [x] = y"),
            ],
        )
        .await
        .assert_status(303);
        app.post_form(
            &format!("/areas/{s}/welfare-report/omissions"),
            &[
                ("from", "2021"),
                ("to", "2024"),
                ("set", "pdf_set"),
                ("indicator_id", &second.to_string()),
                ("reason", "Ei vertailukelpoinen"),
            ],
        )
        .await
        .assert_status(303);
        app.sign_out_locally();

        let q = "from=2021&to=2024&set=pdf_set";
        let page = app
            .get(&format!("/areas/{s}/welfare-report?{q}&lang=fi"))
            .await;
        page.assert_status(200);
        assert!(
            page.body.contains(&format!(
                "href=\"/areas/{s}/welfare-report.pdf?from=2021&amp;to=2024&amp;set=pdf_set&amp;lang=fi\""
            )),
            "the page links to its PDF"
        );

        let (status, headers, pdf) =
            fetch(&app, &format!("/areas/{s}/welfare-report.pdf?{q}&lang=fi")).await;
        assert_eq!(status, 200);
        assert_eq!(headers["content-type"], "application/pdf");
        assert_eq!(
            headers["content-disposition"],
            "inline; filename=\"hyvinvointikertomus-sysma-2021-2024.pdf\""
        );
        let fi = text_of(&pdf);
        for want in [
            "Hyvinvointikertomus",
            "Sysmä",
            "2021–2024",
            "Nuorten päihteiden käyttö",
            "Väestön hyvinvointi",
            "Väestöryhmien väliset erot",
            "Rakenteet ovat kunnossa. #pagebreak() [x] = y",
            "Ei vertailukelpoinen",
            "Sotkanet",
            "CC BY 4.0",
        ] {
            assert!(fi.contains(want), "{want:?} not in the PDF's text: {fi}");
        }
        // The comparison in words (10 % against the country's 3 %, lower is better).
        for word in ["tilastollisesti", "merkitsevästi", "huonompi"] {
            assert!(fi.contains(word), "{word:?} not in the PDF's text: {fi}");
        }
        // Not synthetic data: no label.
        assert!(!fi.contains("Synteettistä aineistoa"));

        let (status, headers, pdf) =
            fetch(&app, &format!("/areas/{s}/welfare-report.pdf?{q}&lang=sv")).await;
        assert_eq!(status, 200);
        assert_eq!(
            headers["content-disposition"],
            "inline; filename=\"valfardsberattelse-sysma-2021-2024.pdf\""
        );
        let sv = text_of(&pdf);
        for want in [
            "Välfärdsberättelse",
            "Sysmä",
            "Ungas användning av rusmedel",
            "Befolkningens välfärd",
        ] {
            assert!(sv.contains(want), "{want:?} not in the PDF's text: {sv}");
        }
        for word in ["statistiskt", "signifikant", "sämre"] {
            assert!(sv.contains(word), "{word:?} not in the PDF's text: {sv}");
        }
    }
);

both!(
    whoever_gets_the_welfare_report_page_gets_its_pdf_and_a_missing_area_is_404_for_both,
    |app| async move {
        let (s, _, _) = seeded(&app).await;
        app.add_user("jasen@example.fi", Role::Member, None, None)
            .await;
        for signed_in in [false, true] {
            if signed_in {
                app.sign_in("jasen@example.fi").await;
            }
            for a in [s, 999_999] {
                let page = app.get(&format!("/areas/{a}/welfare-report")).await;
                let (status, _, _) = fetch(&app, &format!("/areas/{a}/welfare-report.pdf")).await;
                assert_eq!(
                    status,
                    page.status.as_u16(),
                    "area {a}, signed in: {signed_in}"
                );
                assert_eq!(status, if a == s { 200 } else { 404 });
            }
        }
    }
);

both!(
    the_demos_welfare_report_pdf_of_sysma_is_labelled_synthetic,
    |app| async move {
        let app = app.with_demo().await;
        let sysma = area(&app, "municipality", "781").await;
        let started = std::time::Instant::now();
        let (status, _, pdf) = fetch(
            &app,
            &format!("/areas/{sysma}/welfare-report.pdf?from=2020&to=2024&lang=fi"),
        )
        .await;
        // A debug build's time, for the record only (the target is for release builds).
        eprintln!(
            "welfare-report PDF of Sysmä (demo, debug build): {} ms, {} bytes",
            started.elapsed().as_millis(),
            pdf.len()
        );
        assert_eq!(status, 200);
        let text = text_of(&pdf);
        assert!(text.contains("Synteettistä aineistoa."), "{text}");
        assert!(text.contains("Sysmä"));
    }
);

both!(
    an_unpublished_plans_actions_are_left_out_of_the_public_welfare_report_and_its_pdf,
    |app| async move {
        let (s, _, _) = seeded(&app).await;
        app.add_user("koordinaattori@example.fi", Role::Coordinator, None, None)
            .await;
        let token = app.token_for("koordinaattori@example.fi").await;
        let post = |path: &'static str, body: serde_json::Value| {
            let token = token.clone();
            let app = &app;
            async move {
                let res = app
                    .api(axum::http::Method::POST, path, Some(&token), Some(body))
                    .await;
                res.assert_status(201);
                res.json()["id"].as_i64().expect("id")
            }
        };
        let mut actions = Vec::new();
        for (published, title) in [(true, "Julkinen toimenpide"), (false, "Luonnostoimenpide")] {
            let plan = post("/api/v1/plans", serde_json::json!({"title_fi": title, "start_year": 2021, "end_year": 2025, "status": "draft", "published": published})).await;
            let promise = post(
                "/api/v1/promises",
                serde_json::json!({"plan_id": plan, "title_fi": "Lupaus"}),
            )
            .await;
            let goal = post(
                "/api/v1/goals",
                serde_json::json!({"promise_id": promise, "title_fi": "Tavoite"}),
            )
            .await;
            let action = post(
                "/api/v1/actions",
                serde_json::json!({"goal_id": goal, "title": title, "start_date": "2022-01-01"}),
            )
            .await;
            actions.push(action);
        }
        tuuli::with_db!(&app.db, p => {
            for a in &actions {
                sqlx::query("INSERT INTO plan_action_areas (action_id, area_id) VALUES ($1, $2)")
                    .bind(a).bind(s).execute(p).await.expect("area");
            }
        });
        let q = "from=2021&to=2024&set=pdf_set&lang=fi";
        let page = app.get(&format!("/areas/{s}/welfare-report?{q}")).await;
        page.assert_status(200);
        assert!(page.body.contains("Julkinen toimenpide"));
        assert!(!page.body.contains("Luonnostoimenpide"));
        let (_, _, pdf) = fetch(&app, &format!("/areas/{s}/welfare-report.pdf?{q}")).await;
        let text = text_of(&pdf);
        assert!(text.contains("Julkinen toimenpide"), "{text}");
        assert!(!text.contains("Luonnostoimenpide"));
        // Those who see unpublished plans see its work too.
        app.add_user("jasen@example.fi", Role::Member, None, None)
            .await;
        app.sign_in("jasen@example.fi").await;
        let page = app.get(&format!("/areas/{s}/welfare-report?{q}")).await;
        assert!(page.body.contains("Luonnostoimenpide"));
        let (_, _, pdf) = fetch(&app, &format!("/areas/{s}/welfare-report.pdf?{q}")).await;
        assert!(text_of(&pdf).contains("Luonnostoimenpide"));
    }
);
