//! The statistics views (issue 9): profile numbers agree with tuuli-stats, suppression,
//! no interval without a count, the comparison words, flags and their one-sentence
//! explanations, goal targets, the demo's synthetic values, charts' accessibility and
//! who may edit targets, omissions and narratives.

use axum::http::Method;
use serde_json::{Value, json};
use tuuli::auth::Role;
use tuuli_stats::{Level, Multiplier, Proportion};

use crate::both;
use crate::helpers::TestApp;

/// Runs one statement with integer binds and returns the first column of its row.
async fn scalar(app: &TestApp, sql: &str, binds: &[i64]) -> i64 {
    tuuli::with_db!(&app.db, p => {
        let mut q = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.to_owned()));
        for b in binds { q = q.bind(*b); }
        q.fetch_one(p).await
    })
    .expect(sql)
}

async fn area(app: &TestApp, kind: &str, code: &str) -> i64 {
    tuuli::with_db!(&app.db, p => sqlx::query_scalar::<_, i64>("SELECT id FROM areas WHERE kind = $1 AND official_code = $2")
        .bind(kind).bind(code).fetch_one(p).await)
    .expect("area")
}

/// A percent indicator (lower is better) in a set `test_set`, and a non-synthetic import.
async fn indicator(app: &TestApp, polarity: &str) -> (i64, i64) {
    let now = chrono::Utc::now();
    let id = tuuli::with_db!(&app.db, p => {
        let id: i64 = sqlx::query_scalar("INSERT INTO indicators (source, source_id, title_fi, title_sv, title_en, value_type, decimals, polarity, created_at, updated_at) \
            VALUES ('local', 'T1', 'Testi-indikaattori', 'Testindikator', 'Test indicator', 'percent', 1, $1, $2, $2) RETURNING id")
            .bind(polarity).bind(now).fetch_one(p).await.expect("indicator");
        let set: i64 = sqlx::query_scalar("INSERT INTO indicator_sets (key, name_fi, created_at, updated_at) VALUES ('test_set', 'Testijoukko', $1, $1) RETURNING id")
            .bind(now).fetch_one(p).await.expect("set");
        sqlx::query("INSERT INTO indicator_set_members (set_id, indicator_id, position) VALUES ($1, $2, 1)").bind(set).bind(id).execute(p).await.map(|_| ()).expect("member");
        sqlx::query("INSERT INTO indicator_themes (indicator_id, theme_id) SELECT $1, id FROM themes WHERE slug = 'substances'").bind(id).execute(p).await.map(|_| ()).expect("theme");
        id
    });
    let import = tuuli::with_db!(&app.db, p => sqlx::query_scalar::<_, i64>("INSERT INTO imports (kind, status, started_at) VALUES ('csv', 'done', $1) RETURNING id")
        .bind(now).fetch_one(p).await)
    .expect("import");
    (id, import)
}

/// One total value: (count, denominator, value).
type Numbers = (Option<f64>, Option<f64>, f64);

async fn value(app: &TestApp, a: i64, ind: i64, import: i64, year: i32, (count, den, v): Numbers) {
    tuuli::with_db!(&app.db, p => sqlx::query("INSERT INTO indicator_values (area_id, indicator_id, year, sex, value, count, denominator, import_id) VALUES ($1, $2, $3, 0, $4, $5, $6, $7)")
        .bind(a).bind(ind).bind(year).bind(v).bind(count).bind(den).bind(import).execute(p).await.map(|_| ()))
    .expect("value");
}

/// Sysmä 12 of 400 in 2024; the region 600 of 20,000 and the country 30,000 of 1,000,000
/// (both 3 %).
async fn seeded(app: &TestApp, sysma: Numbers) -> (i64, i64) {
    let (ind, import) = indicator(app, "lower_better").await;
    let s = area(app, "municipality", "781").await;
    let r = area(app, "region", "07").await;
    let c = area(app, "country", "SSS").await;
    value(app, s, ind, import, 2024, sysma).await;
    value(
        app,
        r,
        ind,
        import,
        2024,
        (Some(600.0), Some(20_000.0), 3.0),
    )
    .await;
    value(
        app,
        c,
        ind,
        import,
        2024,
        (Some(30_000.0), Some(1_000_000.0), 3.0),
    )
    .await;
    (s, ind)
}

async fn profile(app: &TestApp, a: i64, query: &str) -> Value {
    let res = app
        .api(
            Method::GET,
            &format!("/api/v1/areas/{a}/profile?lang=fi{query}"),
            None,
            None,
        )
        .await;
    res.assert_status(200);
    res.json()
}

both!(
    a_profile_shows_the_wilson_interval_of_12_of_400_as_tuuli_stats_computes_it,
    |app| async move {
        let (s, _) = seeded(&app, (Some(12.0), Some(400.0), 3.0)).await;
        let p = profile(&app, s, "&set=test_set").await;
        let row = &p["rows"][0];
        let w = Proportion::new(12.0, 400.0)
            .unwrap()
            .estimate(Level::P95, Multiplier::PERCENT);
        let w998 = Proportion::new(12.0, 400.0)
            .unwrap()
            .estimate(Level::P998, Multiplier::PERCENT);
        assert_eq!(row["latest"]["lower95"].as_f64(), Some(w.interval.lower));
        assert_eq!(row["latest"]["upper95"].as_f64(), Some(w.interval.upper));
        assert_eq!(
            row["latest"]["lower998"].as_f64(),
            Some(w998.interval.lower)
        );
        assert_eq!(row["latest"]["method"], "wilson");
        assert_eq!(row["comparison"], "similar");
        assert_eq!(row["region"]["value"].as_f64(), Some(3.0));
        assert_eq!(p["synthetic"], false);
        // The page writes the same interval the Finnish way.
        let fmt = tuuli_charts::NumberFormat::for_locale("fi", 1);
        let shown = format!(
            "{}–{}",
            fmt.format(w.interval.lower),
            fmt.format(w.interval.upper)
        );
        let page = app
            .get(&format!("/areas/{s}/profile?set=test_set&lang=fi"))
            .await;
        page.assert_status(200);
        assert!(page.body.contains(&shown), "{shown} missing");
        assert!(page.body.contains("samaa tasoa"));
    }
);

both!(
    below_five_cases_the_profile_shows_dots_and_makes_no_comparison,
    |app| async move {
        let (s, _) = seeded(&app, (Some(4.0), Some(400.0), 1.0)).await;
        let row = &profile(&app, s, "&set=test_set").await["rows"][0];
        assert_eq!(row["latest"]["status"], "suppressed");
        assert_eq!(row["latest"]["value"], Value::Null);
        assert_eq!(row["latest"]["count"], Value::Null);
        assert_eq!(row["comparison"], "not_compared");
        let page = app
            .get(&format!("/areas/{s}/profile?set=test_set&lang=en"))
            .await;
        assert!(
            page.body.contains(">..<") || page.body.contains(">.. <"),
            "no '..' shown"
        );
        assert!(page.body.contains("fewer than 5 cases"));
    }
);

both!(
    a_value_without_a_count_has_no_interval_and_no_judgement,
    |app| async move {
        let (s, _) = seeded(&app, (None, None, 9.0)).await;
        let row = &profile(&app, s, "&set=test_set").await["rows"][0];
        assert_eq!(row["latest"]["status"], "no_count");
        assert_eq!(row["latest"]["value"].as_f64(), Some(9.0));
        assert_eq!(row["latest"]["lower95"], Value::Null);
        assert_eq!(row["comparison"], "not_compared");
    }
);

both!(
    a_significantly_worse_value_is_called_worse_in_each_language,
    |app| async move {
        let (s, _) = seeded(&app, (Some(40.0), Some(400.0), 10.0)).await;
        let row = &profile(&app, s, "&set=test_set&benchmark=region").await["rows"][0];
        assert_eq!(row["comparison"], "worse");
        for (lang, word) in [
            ("fi", "tilastollisesti merkitsevästi huonompi"),
            ("sv", "statistiskt signifikant sämre"),
            ("en", "significantly worse"),
        ] {
            let page = app
                .get(&format!("/areas/{s}/profile?set=test_set&lang={lang}"))
                .await;
            assert!(page.body.contains(word), "{lang}: {word}");
            assert!(
                page.body.contains("■"),
                "{lang}: the symbol beside the word"
            );
        }
    }
);

both!(
    the_demo_values_are_written_once_and_labelled_synthetic,
    |app| async move {
        let app = app.with_demo().await;
        let first = scalar(&app, "SELECT COUNT(*) FROM indicator_values", &[]).await;
        assert!(first > 3000, "{first}");
        let again = tuuli::knowledge::demo::load(&app.db).await.unwrap();
        assert_eq!(again.import_id, None);
        assert_eq!(
            scalar(&app, "SELECT COUNT(*) FROM indicator_values", &[]).await,
            first
        );
        let synthetic = scalar(&app, "SELECT COUNT(*) FROM indicator_values v JOIN imports i ON i.id = v.import_id WHERE i.kind = 'demo' AND i.is_synthetic", &[]).await;
        assert_eq!(synthetic, first);
        let sysma = area(&app, "municipality", "781").await;
        let p = profile(&app, sysma, "").await;
        assert_eq!(p["synthetic"], true);
        let page = app
            .get(&format!("/areas/{sysma}/profile?set=substance_key&lang=fi"))
            .await;
        page.assert_status(200);
        assert!(page.body.contains("Synteettistä aineistoa"));
        assert!(page.body.contains("CC BY 4.0"));
    }
);

/// Flags of one area from the API, in `lang`.
async fn flags(app: &TestApp, a: i64, lang: &str) -> Vec<Value> {
    let res = app
        .api(
            Method::GET,
            &format!("/api/v1/flags?area={a}&lang={lang}"),
            None,
            None,
        )
        .await;
    res.assert_status(200);
    res.json().as_array().unwrap().clone()
}

async fn demo_indicator(app: &TestApp, source_id: &str) -> i64 {
    tuuli::with_db!(&app.db, p => sqlx::query_scalar::<_, i64>("SELECT id FROM indicators WHERE source = 'sotkanet' AND source_id = $1")
        .bind(source_id).fetch_one(p).await)
    .unwrap()
}

both!(
    the_demos_real_difference_is_flagged_worse_and_worsening_and_its_noise_is_not,
    |app| async move {
        let app = app.with_demo().await;
        let real = demo_indicator(&app, tuuli::knowledge::demo_gen::REAL_INDICATOR).await;
        let noisy = demo_indicator(&app, tuuli::knowledge::demo_gen::NOISY_INDICATOR).await;
        let sysma = area(&app, "municipality", tuuli::knowledge::demo_gen::REAL).await;
        let padasjoki = area(&app, "municipality", tuuli::knowledge::demo_gen::NOISY).await;
        let list = flags(&app, sysma, "en").await;
        let f = list
            .iter()
            .find(|f| f["indicator_id"] == real)
            .expect("Sysmä's flag");
        assert_eq!(f["kind"], "worse_and_worsening");
        assert_eq!(
            list[0]["kind"], "worse_and_worsening",
            "both are listed first"
        );
        // Padasjoki's latest value looks alarming, but its interval holds the benchmarks.
        let p = profile(&app, padasjoki, "").await;
        let row = p["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["indicator"]["id"] == noisy)
            .unwrap();
        let (v, c) = (
            row["latest"]["value"].as_f64().unwrap(),
            row["country"]["value"].as_f64().unwrap(),
        );
        assert!(v > 1.5 * c, "not alarming: {v} vs {c}");
        assert!(row["latest"]["lower95"].as_f64().unwrap() <= c);
        assert_eq!(row["vs_country"], "similar");
        assert_eq!(row["vs_region"], "similar");
        assert!(
            flags(&app, padasjoki, "en")
                .await
                .iter()
                .all(|f| f["indicator_id"] != noisy)
        );
    }
);

both!(
    a_flag_is_explained_in_one_sentence_in_finnish_swedish_and_english,
    |app| async move {
        let app = app.with_demo().await;
        let real = demo_indicator(&app, tuuli::knowledge::demo_gen::REAL_INDICATOR).await;
        let sysma = area(&app, "municipality", "781").await;
        for (lang, words) in [
            (
                "fi",
                [
                    "Sysmä",
                    "tilastollisesti merkitsevästi huonompi kuin koko maassa",
                    "95 %:n luottamustasolla",
                ],
            ),
            (
                "sv",
                [
                    "Sysmä",
                    "statistiskt signifikant sämre än i hela landet",
                    "konfidensnivån 95 %",
                ],
            ),
            (
                "en",
                [
                    "Sysmä",
                    "significantly worse than in the whole country",
                    "95 % confidence level",
                ],
            ),
        ] {
            let list = flags(&app, sysma, lang).await;
            let f = list.iter().find(|f| f["indicator_id"] == real).unwrap();
            let text = f["explanation"].as_str().unwrap();
            for w in words {
                assert!(text.contains(w), "{lang}: {w:?} not in {text:?}");
            }
            assert_eq!(text.matches(". ").count(), 0, "one sentence: {text}");
            assert!(text.contains("2024"), "the data year: {text}");
            if lang != "en" {
                assert!(text.contains(','), "decimal comma: {text}");
            }
        }
    }
);

async fn goal(app: &TestApp, token: &str) -> i64 {
    let post = |path: &'static str, body: Value| async move {
        let res = app.api(Method::POST, path, Some(token), Some(body)).await;
        res.assert_status(201);
        res.json()["id"].as_i64().unwrap()
    };
    let plan = post("/api/v1/plans", json!({"title_fi": "Suunnitelma", "start_year": 2021, "end_year": 2025, "status": "approved", "published": true})).await;
    let promise = post(
        "/api/v1/promises",
        json!({"plan_id": plan, "title_fi": "Lupaus"}),
    )
    .await;
    post(
        "/api/v1/goals",
        json!({"promise_id": promise, "title_fi": "Vähemmän humalajuomista"}),
    )
    .await
}

async fn coordinator(app: &TestApp) -> String {
    app.add_user("koordinaattori@example.fi", Role::Coordinator, None, None)
        .await;
    app.token_for("koordinaattori@example.fi").await
}

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
    the_indicator_page_draws_accessible_charts_and_a_funnel_with_its_table,
    |app| async move {
        let app = app.with_demo().await;
        let noisy = demo_indicator(&app, "289").await;
        let page = app.get(&format!("/indicators/{noisy}/stats?lang=sv")).await;
        page.assert_status(200);
        assert!(
            page.body.matches(r#"role="img""#).count() >= 3,
            "three charts"
        );
        assert!(page.body.contains("<title id=") || page.body.contains("<title>"));
        assert!(page.body.contains("<desc"));
        assert!(page.body.contains("Trattdiagram"));
        assert!(page.body.contains("Syntetiska uppgifter"));
        let f = app
            .api(
                Method::GET,
                &format!("/api/v1/indicators/{noisy}/funnel"),
                None,
                None,
            )
            .await;
        f.assert_status(200);
        let f = f.json();
        // Municipalities with fewer than 5 cases are not plotted.
        let n = f["points"].as_array().unwrap().len();
        assert!((5..=10).contains(&n), "{n}");
        assert!(f["limits"].as_array().unwrap().len() > 10);
        let l = &f["limits"][0];
        assert!(l["upper998"].as_f64() > l["upper95"].as_f64());
    }
);

both!(
    values_with_statistics_carry_both_intervals_and_the_comparison,
    |app| async move {
        let (s, ind) = seeded(&app, (Some(40.0), Some(400.0), 10.0)).await;
        let res = app
            .api(
                Method::GET,
                &format!("/api/v1/values/stats?area={s}&indicator={ind}"),
                None,
                None,
            )
            .await;
        res.assert_status(200);
        let v = &res.json()[0];
        for k in ["lower95", "upper95", "lower998", "upper998"] {
            assert!(v[k].is_f64(), "{k}");
        }
        assert_eq!(v["comparison"], "worse");
    }
);

both!(
    the_welfare_report_follows_thls_order_with_sexes_and_the_plans_work_for_the_municipality,
    |app| async move {
        tuuli::core::areas_national::load(&app.db)
            .await
            .expect("national areas");
        let (s, ind) = seeded(&app, (Some(40.0), Some(400.0), 10.0)).await;
        let import = scalar(&app, "SELECT MAX(id) FROM imports", &[]).await;
        for (sex, count) in [(1, 30.0), (2, 10.0)] {
            tuuli::with_db!(&app.db, p => sqlx::query("INSERT INTO indicator_values (area_id, indicator_id, year, sex, value, count, denominator, import_id) VALUES ($1, $2, 2024, $3, $4, $5, 200, $6)")
                .bind(s).bind(ind).bind(sex).bind(count / 2.0).bind(count).bind(import).execute(p).await.map(|_| ()))
            .unwrap();
        }
        let token = coordinator(&app).await;
        let g = goal(&app, &token).await;
        let action = app.api(Method::POST, "/api/v1/actions", Some(&token),
            Some(json!({"goal_id": g, "title": "Pakka-toimintamalli Sysmässä", "start_date": "2022-01-01"}))).await;
        action.assert_status(201);
        let action = action.json()["id"].as_i64().unwrap();
        scalar(&app, "INSERT INTO plan_action_areas (action_id, area_id) VALUES ($1, $2) RETURNING action_id", &[action, s]).await;
        let page = app
            .get(&format!(
                "/areas/{s}/welfare-report?from=2021&to=2024&set=test_set&lang=fi"
            ))
            .await;
        page.assert_status(200);
        let b = &page.body;
        let at = |text: &str| b.find(text).unwrap_or_else(|| panic!("{text} missing"));
        assert!(at("Väestön hyvinvointi") < at("Väestöryhmien väliset erot"));
        assert!(at("Väestöryhmien väliset erot") < at("Tehty työ ja sen voimavarat"));
        assert!(at("Tehty työ ja sen voimavarat") < at("Rakenteet"));
        assert!(b.contains("Pakka-toimintamalli Sysmässä"));
        // Women 10 of 200 (5 %) against men's 15 %: significantly lower.
        assert!(b.contains("tilastollisesti merkitsevästi matalampi"));
        assert!(b.contains("Testi-indikaattori"));
    }
);

both!(
    a_municipalitys_region_comes_from_area_memberships_when_it_has_them,
    |app| async move {
        let (s, ind) = seeded(&app, (Some(12.0), Some(400.0), 3.0)).await;
        let lahti = area(&app, "municipality", "398").await;
        let import = scalar(&app, "SELECT MAX(id) FROM imports", &[]).await;
        value(
            &app,
            lahti,
            ind,
            import,
            2024,
            (Some(20.0), Some(400.0), 5.0),
        )
        .await;
        let home = area(&app, "region", "07").await;
        assert_eq!(
            profile(&app, s, "&set=test_set").await["region"]["id"],
            home,
            "parent_id without memberships"
        );
        let areas = |p: Value| p["rows"][0]["spread"]["areas"].as_i64();
        assert_eq!(areas(profile(&app, lahti, "&set=test_set").await), Some(2));
        let other = scalar(&app, "INSERT INTO areas (kind, name_fi, official_code) VALUES ('region', 'Toinen maakunta', '99') RETURNING id", &[]).await;
        scalar(&app, "INSERT INTO area_memberships (area_id, parent_id, valid_from) VALUES ($1, $2, 2021) RETURNING area_id", &[s, other]).await;
        assert_eq!(
            profile(&app, s, "&set=test_set").await["region"]["id"],
            other
        );
        // The home region's municipalities no longer include it.
        assert_eq!(areas(profile(&app, lahti, "&set=test_set").await), Some(1));
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
    the_values_api_adds_intervals_and_the_comparison_only_when_asked,
    |app| async move {
        let (s, ind) = seeded(&app, (Some(40.0), Some(400.0), 10.0)).await;
        let url = format!("/api/v1/values?area={s}&indicator={ind}");
        let plain = app.api(Method::GET, &url, None, None).await;
        plain.assert_status(200);
        let row = &plain.json()["items"][0];
        assert_eq!(row["value"], 10.0);
        assert!(
            row.get("lower95").is_none(),
            "no statistics unless asked: {row}"
        );
        assert!(row.get("comparison").is_none());

        let with = app
            .api(Method::GET, &format!("{url}&stats=1"), None, None)
            .await;
        with.assert_status(200);
        let row = &with.json()["items"][0];
        // 40 of 400 (10 %) against the country's 3 %: Wilson's 95 % interval is about
        // 7.4–13.3 %, so lower is better makes Sysmä worse.
        let (lo, hi) = (
            row["lower95"].as_f64().unwrap(),
            row["upper95"].as_f64().unwrap(),
        );
        assert!(
            (7.0..8.0).contains(&lo) && (13.0..14.0).contains(&hi),
            "{row}"
        );
        assert!(row["lower998"].as_f64().unwrap() < lo && row["upper998"].as_f64().unwrap() > hi);
        assert_eq!(row["method"], "wilson");
        assert_eq!(row["stat_status"], "interval");
        assert_eq!(row["comparison"], "worse");
        assert_eq!(row["value"], 10.0, "the row's own fields stay");

        // A value without a count has no interval and no claim.
        let (_, n) = seeded_no_count(&app, s).await;
        let res = app
            .api(
                Method::GET,
                &format!("/api/v1/values?area={s}&indicator={n}&stats=1"),
                None,
                None,
            )
            .await;
        res.assert_status(200);
        let row = &res.json()["items"][0];
        assert!(row["lower95"].is_null(), "{row}");
        assert_eq!(row["stat_status"], "no_count");
        assert_eq!(row["comparison"], "not_compared");

        app.api(Method::GET, &format!("{url}&stats=yes"), None, None)
            .await
            .assert_status(422);
    }
);

/// A second percent indicator with Sysmä's value but no count (2024).
async fn seeded_no_count(app: &TestApp, sysma: i64) -> (i64, i64) {
    let now = chrono::Utc::now();
    let (ind, import) = tuuli::with_db!(&app.db, p => {
        let id: i64 = sqlx::query_scalar("INSERT INTO indicators (source, source_id, title_fi, title_sv, title_en, value_type, decimals, polarity, created_at, updated_at) \
            VALUES ('local', 'T2', 'Ilman lukumäärää', 'Utan antal', 'Without a count', 'percent', 1, 'lower_better', $1, $1) RETURNING id")
            .bind(now).fetch_one(p).await.expect("indicator");
        let import: i64 = sqlx::query_scalar("INSERT INTO imports (kind, status, started_at) VALUES ('csv', 'done', $1) RETURNING id")
            .bind(now).fetch_one(p).await.expect("import");
        (id, import)
    });
    value(app, sysma, ind, import, 2024, (None, None, 5.0)).await;
    (sysma, ind)
}

both!(
    a_kept_profile_is_rebuilt_as_soon_as_its_data_changes_even_by_another_process,
    |app| async move {
        let (s, ind) = seeded(&app, (Some(40.0), Some(400.0), 10.0)).await;
        let p = profile(&app, s, "&set=test_set").await;
        assert_eq!(p["rows"][0]["comparison"], "worse");
        assert_eq!(p["rows"][0]["latest"]["year"], 2024);
        // The page is served from the memo now; change the polarity behind its back (as
        // another instance's coordinator would): the next request sees it.
        scalar(
            &app,
            "UPDATE indicators SET polarity = 'higher_better', version = version + 1 WHERE id = $1 RETURNING id",
            &[ind],
        )
        .await;
        let p = profile(&app, s, "&set=test_set").await;
        assert_eq!(p["rows"][0]["comparison"], "better");
        // A finished import brings a newer year.
        let import = scalar(
            &app,
            "INSERT INTO imports (kind, status, started_at) VALUES ('csv', 'done', '2026-01-01T00:00:00+00:00') RETURNING id",
            &[],
        )
        .await;
        value(&app, s, ind, import, 2025, (Some(20.0), Some(400.0), 5.0)).await;
        let p = profile(&app, s, "&set=test_set").await;
        assert_eq!(p["rows"][0]["latest"]["year"], 2025);
        // The HTML page shares the memo and agrees.
        let page = app
            .get(&format!("/areas/{s}/profile?set=test_set&lang=en"))
            .await;
        page.assert_status(200);
        assert!(page.body.contains("2025"));
    }
);

both!(
    the_funnel_can_compare_every_municipality_of_the_country_not_only_the_regions,
    |app| async move {
        tuuli::core::areas_national::load(&app.db)
            .await
            .expect("national areas");
        let (s, ind) = seeded(&app, (Some(40.0), Some(400.0), 10.0)).await;
        let import = scalar(&app, "SELECT MAX(id) FROM imports", &[]).await;
        let helsinki = area(&app, "municipality", "091").await;
        value(
            &app,
            helsinki,
            ind,
            import,
            2024,
            (Some(900.0), Some(30_000.0), 3.0),
        )
        .await;
        let names = |v: &Value| -> Vec<i64> {
            v["points"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["area"]["id"].as_i64().unwrap())
                .collect()
        };
        let region = app
            .api(
                Method::GET,
                &format!("/api/v1/indicators/{ind}/funnel"),
                None,
                None,
            )
            .await;
        region.assert_status(200);
        let ids = names(&region.json());
        assert!(ids.contains(&s) && !ids.contains(&helsinki), "{ids:?}");
        let country = app
            .api(
                Method::GET,
                &format!("/api/v1/indicators/{ind}/funnel?scope=country"),
                None,
                None,
            )
            .await;
        country.assert_status(200);
        let ids = names(&country.json());
        assert!(ids.contains(&s) && ids.contains(&helsinki), "{ids:?}");
        // The page names what it compares, in the reader's language.
        let page = app
            .get(&format!("/indicators/{ind}/stats?scope=country&lang=sv"))
            .await;
        page.assert_status(200);
        assert!(page.body.contains("Alla kommuner i Finland"));
        assert!(page.body.contains("Helsingfors") || page.body.contains("Helsinki"));
    }
);

/// The funnel of an indicator from the API (the home region, the latest year).
async fn funnel_json(app: &TestApp, ind: i64) -> Value {
    let res = app
        .api(
            Method::GET,
            &format!("/api/v1/indicators/{ind}/funnel"),
            None,
            None,
        )
        .await;
    res.assert_status(200);
    res.json()
}

both!(
    the_kept_profile_page_indicator_page_and_funnel_show_a_new_import_on_the_next_request,
    |app| async move {
        let (s, ind) = seeded(&app, (Some(40.0), Some(400.0), 10.0)).await;
        let sysma_point = |f: &Value| -> (i64, f64) {
            let p = f["points"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["area"]["id"].as_i64() == Some(s))
                .expect("Sysmä in the funnel")
                .clone();
            (f["year"].as_i64().unwrap(), p["value"].as_f64().unwrap())
        };
        // Built once and kept: the same answers twice.
        for _ in 0..2 {
            assert_eq!(sysma_point(&funnel_json(&app, ind).await), (2024, 10.0));
            let page = app.get(&format!("/indicators/{ind}/stats?lang=en")).await;
            page.assert_status(200);
            assert!(page.body.contains("10.0") && !page.body.contains(r#"<option value="2025""#));
            let page = app
                .get(&format!("/areas/{s}/profile?set=test_set&lang=en"))
                .await;
            page.assert_status(200);
            assert!(page.body.contains("(2024)") && !page.body.contains("(2025)"));
        }
        // A finished import brings 2025 (20 of 400 = 5 %): every kept view shows it on the
        // next request.
        let import = scalar(
            &app,
            "INSERT INTO imports (kind, status, started_at) VALUES ('csv', 'done', '2026-01-01T00:00:00+00:00') RETURNING id",
            &[],
        )
        .await;
        value(&app, s, ind, import, 2025, (Some(20.0), Some(400.0), 5.0)).await;
        value(
            &app,
            area(&app, "country", "SSS").await,
            ind,
            import,
            2025,
            (Some(30_000.0), Some(1_000_000.0), 3.0),
        )
        .await;
        assert_eq!(sysma_point(&funnel_json(&app, ind).await), (2025, 5.0));
        let page = app.get(&format!("/indicators/{ind}/stats?lang=en")).await;
        assert!(page.body.contains(r#"<option value="2025""#) && page.body.contains("5.0"));
        let page = app
            .get(&format!("/areas/{s}/profile?set=test_set&lang=en"))
            .await;
        assert!(page.body.contains("(2025)"));
        let p = profile(&app, s, "&set=test_set").await;
        assert_eq!(p["rows"][0]["latest"]["year"], 2025);
    }
);

both!(
    a_kept_statistics_page_carries_nothing_of_the_viewer_who_caused_it_to_be_built,
    |app| async move {
        let (s, ind) = seeded(&app, (Some(40.0), Some(400.0), 10.0)).await;
        app.add_user("koordinaattori@example.fi", Role::Coordinator, None, None)
            .await;
        app.sign_in("koordinaattori@example.fi").await;
        let paths = [
            format!("/areas/{s}/profile?set=test_set&lang=fi"),
            format!("/indicators/{ind}/stats?lang=fi"),
        ];
        for p in &paths {
            let page = app.get(p).await;
            page.assert_status(200);
            assert!(page.body.contains(r#"class="who""#), "{p}: signed in");
        }
        // Built for the coordinator and kept; a visitor gets the same figures, without
        // the coordinator's name, menu or form token.
        app.sign_out_locally();
        for p in &paths {
            let page = app.get(p).await;
            page.assert_status(200);
            assert!(!page.body.contains(r#"class="who""#), "{p}");
            assert!(page.body.contains("10,0"), "{p}: the figures");
        }
    }
);
