//! `/indicators`, `/indicator-sets`, `/api/v1/indicators`, `/api/v1/sets`, `/api/v1/values`:
//! the seeded catalogue, search and filters, the indicator page with its values and the
//! synthetic label, sanitised Sotkanet HTML, exports (CSV round trip, XLSX, JSON-stat),
//! rights, edit conflicts and the audit trail.

use axum::body::Body;
use axum::http::{Method, Request};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;
use tuuli::auth::Role;

use crate::both;
use crate::helpers::TestApp;

async fn exec(app: &TestApp, sql: &str) {
    let sql = sql.to_owned();
    tuuli::with_db!(&app.db, p => sqlx::query(sqlx::AssertSqlSafe(sql)).execute(p).await.map(|_| ())).unwrap();
}

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    let sql = sql.to_owned();
    tuuli::with_db!(&app.db, p => sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql)).fetch_one(p).await).unwrap()
}

/// The catalogue id of a seeded Sotkanet indicator.
async fn indicator(app: &TestApp, sotkanet_id: &str) -> i64 {
    scalar(
        app,
        &format!(
            "SELECT id FROM indicators WHERE source = 'sotkanet' AND source_id = '{sotkanet_id}'"
        ),
    )
    .await
}

async fn area(app: &TestApp, official_code: &str) -> i64 {
    scalar(
        app,
        &format!(
            "SELECT id FROM areas WHERE kind = 'municipality' AND official_code = '{official_code}'"
        ),
    )
    .await
}

/// An import (synthetic or not) and values of indicator 289 for Lahti (2021–2022, total,
/// 2022 also by sex) and Heinola (2022, total): plain SQL, as the import path is elsewhere.
pub(crate) async fn values(app: &TestApp, synthetic: bool) -> (i64, i64, i64) {
    let ind = indicator(app, "289").await;
    let lahti = area(app, "398").await;
    let heinola = area(app, "111").await;
    let flag = if synthetic { "TRUE" } else { "FALSE" };
    let import = scalar(app, &format!(
        "INSERT INTO imports (kind, source_name, status, is_synthetic, started_at) VALUES ('demo', 'test', 'done', {flag}, '2026-01-01T00:00:00+00:00') RETURNING id")).await;
    for (a, year, sex, value, count, den) in [
        (lahti, 2021, 0, "12.5", "125", "1000"),
        (lahti, 2022, 0, "11.26", "90", "800"),
        (lahti, 2022, 1, "13.0", "52", "400"),
        (lahti, 2022, 2, "9.5", "38", "400"),
        (heinola, 2022, 0, "15.0", "NULL", "NULL"),
    ] {
        exec(app, &format!(
            "INSERT INTO indicator_values (area_id, indicator_id, year, sex, value, count, denominator, import_id) VALUES ({a}, {ind}, {year}, {sex}, {value}, {count}, {den}, {import})")).await;
    }
    (ind, lahti, heinola)
}

async fn coordinator(app: &TestApp) -> String {
    app.add_user("koord@example.fi", Role::Coordinator, None, None)
        .await;
    app.token_for("koord@example.fi").await
}

/// The raw bytes of a GET (binary answers).
async fn bytes(app: &TestApp, path: &str) -> (u16, Vec<u8>) {
    let res = app
        .router
        .clone()
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status().as_u16();
    (
        status,
        res.into_body().collect().await.unwrap().to_bytes().to_vec(),
    )
}

both!(
    seeding_is_idempotent_and_keeps_coordinators_edits,
    |app| async move {
        assert_eq!(scalar(&app, "SELECT COUNT(*) FROM indicators").await, 99);
        assert_eq!(scalar(&app, "SELECT COUNT(*) FROM indicator_sets").await, 4);
        assert_eq!(scalar(&app, "SELECT COUNT(*) FROM indicator_set_members m JOIN indicator_sets s ON s.id = m.set_id WHERE s.key = 'kuva'").await, 23);
        assert_eq!(scalar(&app, "SELECT COUNT(*) FROM indicator_set_members m JOIN indicator_sets s ON s.id = m.set_id WHERE s.key = 'substance-key'").await, 33);
        let token = coordinator(&app).await;
        let id = indicator(&app, "289").await;
        app.api(
            Method::PUT,
            &format!("/api/v1/indicators/{id}"),
            Some(&token),
            Some(
                json!({"polarity": "lower_better", "title_sv": "Berusad", "themes": ["violence"]}),
            ),
        )
        .await
        .assert_status(200);
        let set = scalar(&app, "SELECT id FROM indicator_sets WHERE key = 'kuva'").await;
        app.api(
            Method::PUT,
            &format!("/api/v1/sets/{set}"),
            Some(&token),
            Some(json!({"indicators": [id]})),
        )
        .await
        .assert_status(200);
        let again = tuuli::knowledge::catalogue::seed::load(&app.db)
            .await
            .unwrap();
        assert_eq!(again, Default::default(), "a second load inserts nothing");
        let ind = app.get(&format!("/api/v1/indicators/{id}")).await.json();
        assert_eq!(ind["polarity"], "lower_better");
        assert_eq!(ind["title_sv"], "Berusad");
        assert_eq!(ind["themes"], json!(["violence"]));
        assert_eq!(
            app.get(&format!("/api/v1/sets/{set}")).await.json()["indicators"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
        assert_eq!(scalar(&app, "SELECT COUNT(*) FROM indicators").await, 99);
    }
);

both!(search_folds_case_and_finds_a_umlaut, |app| async move {
    // "Läheisen alkoholin käyttö…" (331, 340): upper-case Ä must find lower-case ä.
    let page = app.get("/api/v1/indicators?q=L%C3%84HEISEN").await.json();
    assert_eq!(page["total"], 2, "{page}");
    let ids: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["source_id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"331") && ids.contains(&"340"), "{ids:?}");
    // Swedish titles are searched too, and the page shows the matches.
    assert_eq!(
        app.get("/api/v1/indicators?q=N%C3%84RST%C3%85ENDES")
            .await
            .json()["total"],
        2
    );
    let html = app.get("/indicators?q=l%C3%A4heisen").await;
    html.assert_status(200);
    assert!(
        html.body.contains("Läheisen alkoholin käyttö"),
        "{}",
        html.body
    );
    assert!(!html.body.contains("Tupakoi päivittäin"));
});

both!(
    catalogue_filters_by_theme_set_and_source_and_pages,
    |app| async move {
        assert_eq!(
            app.get("/api/v1/indicators?theme=gambling").await.json()["total"],
            7
        );
        assert_eq!(
            app.get("/api/v1/indicators?set=kuva").await.json()["total"],
            23
        );
        let set = scalar(
            &app,
            "SELECT id FROM indicator_sets WHERE key = 'substance-key'",
        )
        .await;
        assert_eq!(
            app.get(&format!("/api/v1/indicators?set={set}"))
                .await
                .json()["total"],
            33
        );
        assert_eq!(
            app.get("/api/v1/indicators?source=statfin").await.json()["total"],
            0
        );
        assert_eq!(
            app.get("/api/v1/indicators?source=sotkanet&theme=violence&set=kuva")
                .await
                .json()["total"],
            1
        );
        app.get("/api/v1/indicators?source=nowhere")
            .await
            .assert_status(400);
        let p2 = app
            .get("/api/v1/indicators?per_page=40&page=3")
            .await
            .json();
        assert_eq!(
            (p2["total"].as_i64(), p2["items"].as_array().unwrap().len()),
            (Some(99), 19)
        );
        let html = app.get("/indicators?theme=gambling&lang=en").await;
        assert!(html.body.contains("Gambles every week"), "{}", html.body);
        assert!(!html.body.contains("Daily smokers"));
        let sets = app.get("/api/v1/sets").await.json();
        assert_eq!(sets.as_array().unwrap().len(), 4);
        app.get("/indicator-sets").await.assert_status(200);
        let page = app.get(&format!("/indicator-sets/{set}?lang=fi")).await;
        assert!(page.body.contains("Tosi humalassa"), "{}", page.body);
        app.get("/indicator-sets/999999").await.assert_status(404);
    }
);

both!(
    indicator_page_shows_values_with_decimal_comma_and_the_synthetic_label,
    |app| async move {
        let (ind, lahti, _) = values(&app, true).await;
        let fi = app.get(&format!("/indicators/{ind}")).await;
        fi.assert_status(200);
        assert!(
            fi.body.contains("Lahti") && fi.body.contains("Heinola"),
            "{}",
            fi.body
        );
        assert!(
            fi.body.contains("12,5") && fi.body.contains("11,3"),
            "{}",
            fi.body
        );
        assert!(fi.body.contains("Synteettistä aineistoa"), "{}", fi.body);
        assert!(
            fi.body.contains("CC BY 4.0")
                && fi.body.contains("Terveyden ja hyvinvoinnin laitos (THL)")
        );
        let sv = app.get(&format!("/indicators/{ind}?lang=sv")).await;
        assert!(sv.body.contains("12,5") && sv.body.contains("Syntetiska uppgifter"));
        let en = app.get(&format!("/indicators/{ind}?lang=en")).await;
        assert!(en.body.contains("12.5") && en.body.contains("Synthetic data"));
        // Filters: one area, one sex.
        let f = app
            .get(&format!(
                "/indicators/{ind}?area={lahti}&sex=female&lang=en"
            ))
            .await;
        assert!(
            f.body.contains("9.5")
                && !f.body.contains("12.5")
                && !f.body.contains("<th scope=\"row\">Heinola"),
            "{}",
            f.body
        );
        assert!(f.body.contains("One value"), "{}", f.body);
        // Real data carries no label.
        let other = indicator(&app, "288").await;
        let real = app.get(&format!("/indicators/{other}")).await;
        assert!(!real.body.contains("Synteettistä aineistoa"));
    }
);

both!(indicator_page_sanitises_sotkanet_html, |app| async move {
    let id = indicator(&app, "186").await;
    let page = app.get(&format!("/indicators/{id}")).await;
    // The seeded description of 186 had <p id=suhteutus>: kept as <p>, without attributes.
    assert!(
        page.body.contains("Väestösuhteutus on tehty THL"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("id=suhteutus"));
    exec(&app, &format!("UPDATE indicators SET description_fi = 'Hyvä <script>alert(1)</script><b onclick=\"x()\">lihava</b><img src=x onerror=alert(2)>' WHERE id = {id}")).await;
    let page = app.get(&format!("/indicators/{id}")).await;
    assert!(page.body.contains("Hyvä <b>lihava</b>"), "{}", page.body);
    assert!(
        !page.body.contains("alert(")
            && !page.body.contains("onclick")
            && !page.body.contains("<img"),
        "{}",
        page.body
    );
});

both!(
    csv_export_is_finnish_style_and_imports_again,
    |app| async move {
        let (ind, lahti, _) = values(&app, true).await;
        let (status, body) =
            bytes(&app, &format!("/api/v1/values?indicator={ind}&format=csv")).await;
        assert_eq!(status, 200);
        assert!(body.starts_with(b"\xef\xbb\xbf"), "a byte-order mark");
        let text = String::from_utf8(body.clone()).unwrap();
        assert!(text.contains("12,5") && text.contains("11,26"), "{text}");
        assert!(
            text.contains("CC BY 4.0") && text.contains("Synteettistä aineistoa"),
            "{text}"
        );
        let rows: Vec<_> = tuuli::knowledge::import::local_csv::read(&body[..])
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        assert_eq!(rows.len(), 5);
        let first = rows
            .iter()
            .find(|r| r.area == "398" && r.year.get() == 2021)
            .unwrap();
        assert_eq!(first.indicator, "sotkanet:289");
        assert_eq!(
            (first.value, first.count, first.denominator),
            (12.5, Some(125.0), Some(1000.0))
        );
        assert!(
            rows.iter()
                .any(|r| r.sex == tuuli::knowledge::import::fields::Sex::Female && r.value == 9.5)
        );
        // The page's form gives the same file for a selection, in Swedish words.
        let (status, body) = bytes(&app, &format!("/indicators/{ind}/export?area={lahti}&year=2022&sex=male&sex=female&format=csv&lang=sv")).await;
        assert_eq!(status, 200);
        let text = String::from_utf8(body).unwrap();
        assert!(text.contains("indikator;område;år;kön;värde"), "{text}");
        assert_eq!(text.lines().count(), 3, "{text}");
    }
);

both!(
    xlsx_export_holds_the_values_and_the_attribution,
    |app| async move {
        let (ind, _, _) = values(&app, false).await;
        let (status, body) =
            bytes(&app, &format!("/api/v1/values?indicator={ind}&format=xlsx")).await;
        assert_eq!(status, 200);
        assert!(body.starts_with(b"PK\x03\x04"), "a zip file");
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(body)).unwrap();
        let mut read = |name: &str| {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut s).unwrap();
            s
        };
        let sheet = read("xl/worksheets/sheet1.xml");
        let strings = read("xl/sharedStrings.xml");
        assert!(
            sheet.contains("<v>12.5</v>") && sheet.contains("<v>2021</v>"),
            "{sheet}"
        );
        assert!(
            strings.contains("sotkanet:289")
                && strings.contains("CC BY 4.0")
                && strings.contains("Lahti"),
            "{strings}"
        );
        assert!(
            !strings.contains("Synteettistä"),
            "real data is not labelled synthetic"
        );
    }
);

/// The JSON-stat 2.0 rules a dataset must keep (the schema's structural checks).
fn check_jsonstat(d: &Value) {
    assert_eq!(d["version"], "2.0");
    assert_eq!(d["class"], "dataset");
    let id: Vec<&str> = d["id"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let size: Vec<u64> = d["size"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert_eq!(id.len(), size.len(), "id and size agree");
    let dims = d["dimension"].as_object().unwrap();
    assert_eq!(dims.len(), id.len(), "a dimension per id");
    for (name, n) in id.iter().zip(&size) {
        let cat = &dims[*name]["category"];
        let index = cat["index"].as_object().unwrap();
        assert_eq!(index.len() as u64, *n, "{name}: size = categories");
        let mut positions: Vec<u64> = index.values().map(|v| v.as_u64().unwrap()).collect();
        positions.sort_unstable();
        assert_eq!(positions, (0..*n).collect::<Vec<_>>(), "{name}: index 0..n");
        if let Some(labels) = cat.get("label").and_then(|l| l.as_object()) {
            assert!(
                labels.keys().all(|k| index.contains_key(k)),
                "{name}: labels name categories"
            );
        }
    }
    let cells: u64 = size.iter().product();
    assert_eq!(
        d["value"].as_array().unwrap().len() as u64,
        cells,
        "value length = product of sizes"
    );
    for (role, dims_of) in d["role"].as_object().unwrap() {
        for x in dims_of.as_array().unwrap() {
            assert!(
                id.contains(&x.as_str().unwrap()),
                "role {role} names a dimension"
            );
        }
    }
}

both!(jsonstat_export_is_valid_and_parses_back, |app| async move {
    let (ind, _, _) = values(&app, true).await;
    let res = app
        .get(&format!(
            "/api/v1/values?indicator={ind}&format=jsonstat&lang=en"
        ))
        .await;
    res.assert_status(200);
    let d = res.json();
    check_jsonstat(&d);
    assert_eq!(d["size"], json!([1, 2, 2, 3]));
    assert_eq!(d["role"]["time"], json!(["year"]));
    assert_eq!(d["role"]["geo"], json!(["area"]));
    assert!(
        d["note"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str().unwrap().contains("CC BY 4.0"))
    );
    assert_eq!(d["extension"]["synthetic"], true);
    // Row-major, last dimension fastest: (indicator, area, year, sex).
    let at = |dim: &str, cat: &str| {
        d["dimension"][dim]["category"]["index"][cat]
            .as_u64()
            .unwrap()
    };
    let cell = |area: &str, year: &str, sex: &str| {
        ((at("area", area) * 2 + at("year", year)) * 3 + at("sex", sex)) as usize
    };
    assert_eq!(d["value"][cell("398", "2021", "total")], 12.5);
    assert_eq!(d["value"][cell("398", "2022", "female")], 9.5);
    assert_eq!(d["value"][cell("111", "2021", "total")], Value::Null);
    let parsed = tuuli::knowledge::import::jsonstat::read(res.body.as_bytes()).unwrap();
    let rows: Vec<_> = parsed.rows().filter(|r| r.value.is_some()).collect();
    assert_eq!(rows.len(), 5);
    assert!(
        rows.iter()
            .any(|r| r.value == Some(9.5) && r.categories.iter().any(|c| c.code == "female"))
    );
});

both!(
    values_api_pages_and_filters_in_key_order,
    |app| async move {
        let (ind, lahti, heinola) = values(&app, false).await;
        let p = app
            .get(&format!("/api/v1/values?indicator={ind}&per_page=2"))
            .await
            .json();
        assert_eq!(
            (p["total"].as_i64(), p["items"].as_array().unwrap().len()),
            (Some(5), 2)
        );
        assert_eq!(p["synthetic"], false);
        assert!(
            p["attribution"][0]
                .as_str()
                .unwrap()
                .contains("Sotkanet.fi")
        );
        let p3 = app
            .get(&format!("/api/v1/values?indicator={ind}&per_page=2&page=3"))
            .await
            .json();
        assert_eq!(p3["items"].as_array().unwrap().len(), 1);
        // One area and a set: the fast path.
        let s = app
            .get(&format!("/api/v1/values?set=substance-key&area={heinola}"))
            .await
            .json();
        assert_eq!(s["total"], 1);
        assert_eq!(s["items"][0]["value"], 15.0);
        assert_eq!(
            app.get(&format!(
                "/api/v1/values?area={lahti}&year=2022&sex=male,female"
            ))
            .await
            .json()["total"],
            2
        );
        assert_eq!(
            app.get(&format!("/api/v1/values?area={lahti}&year=2015-2021"))
                .await
                .json()["total"],
            1
        );
        assert_eq!(
            app.get("/api/v1/values?area_kind=region").await.json()["total"],
            0
        );
        // An empty set selects nothing.
        assert_eq!(
            app.get("/api/v1/values?set=region").await.json()["total"],
            0
        );
        for bad in [
            "year=20x",
            "sex=other",
            "format=pdf",
            "set=nope",
            "area_kind=planet",
            "indicator=1;2",
        ] {
            let r = app.get(&format!("/api/v1/values?{bad}")).await;
            assert_eq!(r.status.as_u16(), 422, "{bad}: {}", r.body);
            assert!(r.json()["details"].is_object(), "{bad}");
        }
    }
);

both!(
    only_coordinators_edit_the_catalogue_and_sets,
    |app| async move {
        let id = indicator(&app, "289").await;
        let set = scalar(&app, "SELECT id FROM indicator_sets WHERE key = 'region'").await;
        let body = json!({"polarity": "lower_better"});
        app.api(
            Method::PUT,
            &format!("/api/v1/indicators/{id}"),
            None,
            Some(body.clone()),
        )
        .await
        .assert_status(401);
        app.add_user("jasen@example.fi", Role::Member, None, None)
            .await;
        let member = app.token_for("jasen@example.fi").await;
        app.api(
            Method::PUT,
            &format!("/api/v1/indicators/{id}"),
            Some(&member),
            Some(body.clone()),
        )
        .await
        .assert_status(403);
        app.api(
            Method::PUT,
            &format!("/api/v1/sets/{set}"),
            Some(&member),
            Some(json!({"indicators": [id]})),
        )
        .await
        .assert_status(403);
        assert_eq!(
            app.get(&format!("/api/v1/indicators/{id}")).await.json()["polarity"],
            "none"
        );
        let before = app.audit_count("indicator", "update").await;
        let token = coordinator(&app).await;
        let saved = app
            .api(
                Method::PUT,
                &format!("/api/v1/indicators/{id}"),
                Some(&token),
                Some(body),
            )
            .await;
        saved.assert_status(200);
        assert_eq!(saved.json()["polarity"], "lower_better");
        assert_eq!(app.audit_count("indicator", "update").await, before + 1);
        let s = app
            .api(
                Method::PUT,
                &format!("/api/v1/sets/{set}"),
                Some(&token),
                Some(json!({"indicators": [id, id]})),
            )
            .await;
        s.assert_status(422);
        assert!(s.json()["details"]["indicators"].is_string());
        app.api(
            Method::PUT,
            &format!("/api/v1/sets/{set}"),
            Some(&token),
            Some(json!({"indicators": [999999]})),
        )
        .await
        .assert_status(422);
        let bad = app
            .api(
                Method::PUT,
                &format!("/api/v1/indicators/{id}"),
                Some(&token),
                Some(json!({"polarity": "sideways"})),
            )
            .await;
        bad.assert_status(422);
        // Pages: the edit form is the coordinators' too.
        app.get(&format!("/indicators/{id}/edit"))
            .await
            .assert_status(303);
        app.sign_in("jasen@example.fi").await;
        app.get(&format!("/indicators/{id}/edit"))
            .await
            .assert_status(403);
        app.get(&format!("/indicator-sets/{set}/edit"))
            .await
            .assert_status(403);
    }
);

both!(
    stale_versions_are_refused_and_forms_keep_input,
    |app| async move {
        let id = indicator(&app, "289").await;
        let token = coordinator(&app).await;
        let v1 = app.get(&format!("/api/v1/indicators/{id}")).await.json()["version"]
            .as_i64()
            .unwrap();
        app.api(
            Method::PUT,
            &format!("/api/v1/indicators/{id}"),
            Some(&token),
            Some(json!({"polarity": "higher_better", "version": v1})),
        )
        .await
        .assert_status(200);
        app.api(
            Method::PUT,
            &format!("/api/v1/indicators/{id}"),
            Some(&token),
            Some(json!({"polarity": "lower_better", "version": v1})),
        )
        .await
        .assert_status(409);
        app.sign_in("koord@example.fi").await;
        // A bad value is shown again with what was typed and the message.
        let res = app
            .post_form(
                &format!("/indicators/{id}/edit"),
                &[
                    ("catalogue_polarity", "sideways"),
                    ("catalogue_title_en", "Typed title"),
                    ("version", &(v1 + 1).to_string()),
                ],
            )
            .await;
        res.assert_status(422);
        assert!(
            res.body.contains("Typed title") && res.body.contains("aria-invalid"),
            "{}",
            res.body
        );
        // A stale form: 409 with the saved value shown.
        let res = app
            .post_form(
                &format!("/indicators/{id}/edit"),
                &[
                    ("catalogue_polarity", "none"),
                    ("themes", "gambling"),
                    ("version", &v1.to_string()),
                ],
            )
            .await;
        res.assert_status(409);
        let ok = app
            .post_form(
                &format!("/indicators/{id}/edit"),
                &[
                    ("catalogue_polarity", "none"),
                    ("themes", "gambling"),
                    ("catalogue_title_sv", "Berusad"),
                    ("version", &(v1 + 1).to_string()),
                ],
            )
            .await;
        ok.assert_status(303);
        let ind = app.get(&format!("/api/v1/indicators/{id}")).await.json();
        assert_eq!(
            (
                ind["polarity"].as_str(),
                ind["themes"].clone(),
                ind["title_sv"].as_str()
            ),
            (Some("none"), json!(["gambling"]), Some("Berusad"))
        );
        // The set form: reorder, remove, add by Sotkanet id.
        let set = scalar(&app, "SELECT id FROM indicator_sets WHERE key = 'kuva'").await;
        let form = app.get(&format!("/indicator-sets/{set}/edit")).await;
        form.assert_status(200);
        let first = indicator(&app, "289").await;
        let second = indicator(&app, "288").await;
        let version = app.get(&format!("/api/v1/sets/{set}")).await.json()["version"]
            .as_i64()
            .unwrap()
            .to_string();
        let (f1, f2) = (format!("pos_{first}"), format!("pos_{second}"));
        let bad = app
            .post_form(
                &format!("/indicator-sets/{set}/edit"),
                &[
                    ("member", &first.to_string()),
                    (&f1, "x"),
                    ("catalogue_add", "sotkanet:nope"),
                    ("version", &version),
                ],
            )
            .await;
        bad.assert_status(422);
        assert!(bad.body.contains("sotkanet:nope"), "{}", bad.body);
        let ok = app
            .post_form(
                &format!("/indicator-sets/{set}/edit"),
                &[
                    ("member", &first.to_string()),
                    (&f1, "2"),
                    ("member", &second.to_string()),
                    (&f2, "1"),
                    ("catalogue_add", "sotkanet:3146"),
                    ("version", &version),
                ],
            )
            .await;
        ok.assert_status(303);
        let members: Vec<String> =
            app.get(&format!("/api/v1/sets/{set}")).await.json()["indicators"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["source_id"].as_str().unwrap().to_owned())
                .collect();
        assert_eq!(members, ["288", "289", "3146"]);
        let stale = app
            .post_form(
                &format!("/indicator-sets/{set}/edit"),
                &[
                    ("member", &first.to_string()),
                    (&f1, "1"),
                    ("version", &version),
                ],
            )
            .await;
        stale.assert_status(409);
    }
);
