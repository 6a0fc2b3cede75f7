//! Exports of the values (CSV round trip, XLSX, JSON-stat) and the values API.

use super::*;
use crate::both;

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
    a_csv_export_writes_a_formula_like_indicator_title_as_text_and_still_imports,
    |app| async move {
        // An indicator's title comes from whoever imported it; the public downloads it.
        let (ind, _, _) = values(&app, false).await;
        exec(
            &app,
            &format!("UPDATE indicators SET title_fi = '=HYPERLINK(\"http://evil.example\";\"x\")' WHERE id = {ind}"),
        )
        .await;
        let (status, body) =
            bytes(&app, &format!("/api/v1/values?indicator={ind}&format=csv")).await;
        assert_eq!(status, 200);
        let text = String::from_utf8(body.clone()).unwrap();
        assert!(text.contains("\"'=HYPERLINK("), "{text}");
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(b';')
            .from_reader(&body[3..]);
        for rec in reader.records() {
            for cell in rec.unwrap().iter() {
                assert!(!cell.starts_with(['=', '+', '@']), "{cell:?} in {text}");
            }
        }
        let rows: Vec<_> = tuuli::knowledge::import::local_csv::read(&body[..])
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        assert_eq!(rows.len(), 5);
    }
);

both!(
    every_export_names_the_indicator_in_the_readers_language,
    |app| async move {
        let (ind, _, _) = values(&app, true).await;
        exec(&app, &format!(
            "UPDATE indicators SET title_fi = 'Suomeksi nimetty', title_sv = 'På svenska', title_en = 'In English' WHERE id = {ind}")).await;
        for (lang, title, other) in [
            ("fi", "Suomeksi nimetty", "In English"),
            ("sv", "På svenska", "Suomeksi nimetty"),
            ("en", "In English", "Suomeksi nimetty"),
        ] {
            let (status, body) = bytes(
                &app,
                &format!("/api/v1/values?indicator={ind}&format=csv&lang={lang}"),
            )
            .await;
            assert_eq!(status, 200);
            let text = String::from_utf8(body).unwrap();
            assert!(text.contains(title), "{lang}: {text}");
            assert!(!text.contains(other), "{lang}: {text}");
            let d = app
                .get(&format!(
                    "/api/v1/values?indicator={ind}&format=jsonstat&lang={lang}"
                ))
                .await
                .json();
            let labels = d["dimension"]["indicator"]["category"]["label"].to_string();
            assert!(labels.contains(title), "{lang}: {labels}");
        }
        // Not translated: the Finnish title.
        exec(
            &app,
            &format!("UPDATE indicators SET title_sv = '' WHERE id = {ind}"),
        )
        .await;
        let (_, body) = bytes(
            &app,
            &format!("/api/v1/values?indicator={ind}&format=csv&lang=sv"),
        )
        .await;
        assert!(
            String::from_utf8(body)
                .unwrap()
                .contains("Suomeksi nimetty")
        );
    }
);
