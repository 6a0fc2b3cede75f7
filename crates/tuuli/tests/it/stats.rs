//! The statistics views (issue 9). This file has the shared helpers (a seeded test
//! indicator) and the profile's numbers: they agree with tuuli-stats, suppression, no
//! interval without a count, the comparison words, the region, the values API's statistics.
//! `stats/` has the flags and their one-sentence explanations on the demo's synthetic values
//! (`flags.rs`), goal targets and who may edit targets, omissions and narratives
//! (`targets.rs`), charts, the welfare report and the funnel (`pages.rs`), and kept pages
//! rebuilt when their data change (`kept.rs`).

mod flags;
mod kept;
mod pages;
mod targets;

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
