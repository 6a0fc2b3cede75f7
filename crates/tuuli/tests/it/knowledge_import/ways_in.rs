//! The ways a file comes in and what a bad one gets: every kind of bad row named with its
//! line, JSON-stat, random and mangled input, the `tuuli import` command and a
//! coordinator's upload run as a job.

use super::*;
use crate::both;

both!(
    every_kind_of_bad_row_is_named_with_its_line,
    |app| async move {
        areas_national::load(&app.db).await.unwrap();
        local_indicator(&app, "share", "percent").await;
        local_indicator(&app, "cases", "count").await;
        // A Finnish spreadsheet: BOM, semicolons, decimal comma, Finnish headers.
        let text = "\u{feff}Indikaattori;Alue;Vuosi;Sukupuoli;Arvo;Lukumäärä;Nimittäjä\n\
        local:share;KU398;2023;yhteensä;12,5;;\n\
        local:share;KU398;2023;naiset;101;;\n\
        local:cases;KU398;2023;yhteensä;5;-3;\n\
        local:cases;KU398;2023;miehet;5;30;20\n\
        local:nothing;KU398;2023;yhteensä;5;;\n\
        local:share;KU999;2023;yhteensä;5;;\n\
        local:share;KU532;2016;yhteensä;5;;\n\
        local:share;KU532;2015;yhteensä;5;;\n\
        local:share;KU398;2O23;yhteensä;5;;\n\
        local:share;KU098;2022;yhteensä;5;;\n\
        local:share;KU098;2022;yhteensä;6;;\n";
        let s = csv(&app, "bad", text.as_bytes()).await;
        assert_eq!(s.status, "failed");
        let listed = reasons(&s);
        let expect = [
            (3, "import-error-percent-range"),
            (4, "import-error-negative"),
            (5, "import-error-count-over-denominator"),
            (6, "import-error-unknown-indicator"),
            (7, "import-error-unknown-area"),
            (8, "import-error-area-not-valid"),
            (10, "import-error-year"),
        ];
        for (line, key) in expect {
            assert!(
                listed
                    .iter()
                    .any(|r| r.starts_with(&format!("line {line}: {key}"))),
                "line {line} {key}: {listed:?}"
            );
        }
        assert!(
            listed.iter().any(|r| r.contains("Lahti")),
            "the successor is named: {listed:?}"
        );
        assert_eq!(
            scalar(&app, "SELECT COUNT(*) FROM indicator_values").await,
            0
        );

        // Duplicates that disagree are found once the rest is good.
        let dup = "indicator;area;year;sex;value\nlocal:share;KU098;2022;total;5\nlocal:share;KU098;2022;total;5\nlocal:share;KU098;2022;total;6\n";
        let s = csv(&app, "dup", dup.as_bytes()).await;
        assert_eq!(s.status, "failed");
        assert!(
            reasons(&s)
                .iter()
                .any(|r| r.starts_with("line 4: import-error-duplicate") && r.contains("\"2\"")),
            "{:?}",
            reasons(&s)
        );
        // Agreeing duplicates are one value.
        let s = csv(&app, "dupok", "indicator;area;year;sex;value\nlocal:share;KU098;2022;total;5\nlocal:share;KU098;2022;total;5\n".as_bytes()).await;
        assert_eq!((s.status, s.inserted, s.unchanged), ("done", 1, 1));

        // Another encoding: a Latin-1 file gets the UTF-8 message.
        let latin1 = b"indicator;area;year;sex;value\nlocal:share;KU398;2021;yhteens\xe4;5\n";
        let s = csv(&app, "latin1", latin1).await;
        assert_eq!(s.status, "failed");
        assert!(
            reasons(&s)[0].contains("import-error-encoding"),
            "{:?}",
            reasons(&s)
        );
        // A truncated or malformed Sotkanet JSON.
        let dir = temp_dir("trunc");
        write(
            &dir.join("data-127.json"),
            br#"[{"indicator": 127, "region": 177, "year": 2009, "gender": "total", "value": 1"#,
        );
        let s = imports::sotkanet_dir(&app.db, &dir, meta("sotkanet_dir"), None)
            .await
            .unwrap();
        assert_eq!(s.status, "failed");
        assert!(
            reasons(&s)[0].contains("import-error-json-truncated"),
            "{:?}",
            reasons(&s)
        );
        let _ = std::fs::remove_dir_all(dir);
    }
);

both!(
    a_jsonstat_dataset_maps_onto_one_indicator,
    |app| async move {
        local_indicator(&app, "population", "count").await;
        let path = PathBuf::from(format!("{FIXTURES}/jsonstat/pxweb_hand_made.json"));
        let s = imports::jsonstat(&app.db, &path, "local:population", meta("jsonstat"), None)
            .await
            .unwrap();
        assert_eq!((s.status, s.inserted), ("done", 5), "{:?}", reasons(&s));
        let lahti2023 = scalar(&app, "SELECT CAST(v.value AS BIGINT) FROM indicator_values v JOIN areas a ON a.id = v.area_id WHERE a.official_code = '398' AND v.year = 2023").await;
        assert_eq!(lahti2023, 120);
        let s = imports::jsonstat(&app.db, &path, "local:missing", meta("jsonstat"), None)
            .await
            .unwrap();
        assert_eq!(s.status, "failed");
    }
);

// Random bytes and mangled rows through the whole import path: errors, never a panic.
both!(
    random_and_mangled_input_is_refused_without_panicking,
    |app| async move {
        local_indicator(&app, "x", "percent").await;
        let base = b"indicator;area;year;sex;value;count;denominator\nlocal:x;KU398;2023;total;12,5;1;10\nlocal:x;MK07;2022;male;1;;\n".to_vec();
        let mut seed = 0x5eed_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for i in 0..60 {
            let mut bytes = base.clone();
            if i % 3 == 0 {
                bytes = (0..(next() % 300)).map(|_| next() as u8).collect();
            } else {
                for _ in 0..(1 + next() % 6) {
                    let at = (next() as usize) % bytes.len();
                    bytes[at] = next() as u8;
                }
            }
            let s = csv(&app, "fuzz", &bytes).await;
            assert!(s.status == "done" || s.rejected > 0, "{s:?}");
        }
    }
);

fn tuuli(args: &[&str]) -> (bool, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tuuli"))
        .args(args)
        .env_remove("TUULI_DATABASE_URL")
        .env("TUULI_LOG", "warn")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_import_command_reports_a_summary_and_fails_on_any_rejected_row() {
    let dir = temp_dir("cli");
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    let db = format!("sqlite://{}/t.db", dir.display());
    write(&data.join("indicator-5527.json"), br#"{"id": 5527, "title": {"fi": "Liian v\u00e4h\u00e4n liikkuvat (%)"}, "primaryValueType": {"code": "PROS"}, "decimals": 1}"#);
    write(&data.join("data-5527.csv"), b"indicator;region;year;gender;primary value;absolute value\n5527;177;2023;total;41.5;\n5527;177;2023;male;44.0;\n");
    let dir_arg = data.display().to_string();
    // `tuuli import sotkanet --from-dir DATA --database DB` with these arguments after.
    let import = |more: &[&str]| {
        let mut args = vec![
            "import",
            "sotkanet",
            "--from-dir",
            &dir_arg,
            "--database",
            &db,
        ];
        args.extend_from_slice(more);
        tuuli(&args)
    };
    let (ok, out, err) = import(&[]);
    assert!(ok, "{out}{err}");
    assert!(
        out.contains("done: read 2, inserted 2, updated 0, unchanged 0, rejected 0"),
        "{out}"
    );
    let (ok, out, _) = import(&[]);
    assert!(
        ok && out.contains("inserted 0, updated 0, unchanged 2"),
        "{out}"
    );

    write(&data.join("data-5527.csv"), b"indicator;region;year;gender;primary value;absolute value\n5527;177;20O4;total;41.5;\n5527;177;2023;male;144.0;\n");
    let (ok, out, err) = import(&["--lang", "fi"]);
    assert!(!ok, "a rejected row fails the command: {out}");
    assert!(
        err.contains("data-5527.csv:2") && err.contains("20O4"),
        "{err}"
    );
    assert!(err.contains("prosenttiluku"), "Finnish messages: {err}");
    assert!(
        out.contains("failed") && out.contains("rejected 2"),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

// A coordinator uploads a CSV on the page; the job imports it with progress, its result
// and the imports list show the summary. Editors and members may not import (the check
// in `web::require_can_import`: without it they would get 303/202 here).
both!(
    a_coordinators_upload_is_imported_by_a_job_and_summarised,
    |app| async move {
        use crate::uploads::{Part, multipart, post_multipart};
        use tuuli::auth::Role;
        use tuuli::jobs::JobStatus;
        local_indicator(&app, "upload", "percent").await;
        app.add_user("member@example.fi", Role::Member, None, None)
            .await;
        app.sign_in("member@example.fi").await;
        let token = app.csrf().await;
        let body = multipart(&[
            Part::Field("_csrf", &token),
            Part::File("file", "x.csv", b"a"),
        ]);
        post_multipart(&app, "/imports", body, &[])
            .await
            .assert_status(403);
        let body = multipart(&[Part::File("file", "x.csv", b"a")]);
        post_multipart(&app, "/api/v1/imports", body, &[("x-csrf-token", &token)])
            .await
            .assert_status(403);
        app.get("/imports").await.assert_status(403);
        app.sign_out_locally();

        app.add_user("coord@example.fi", Role::Coordinator, None, None)
            .await;
        app.sign_in("coord@example.fi").await;
        let data = "indikaattori;alue;vuosi;sukupuoli;arvo\nlocal:upload;KU398;2024;yhteensä;42,5\nlocal:upload;KU081;2024;naiset;40\n";
        let job = crate::jobs::import_on_the_page(&app, "arvot.csv", data.as_bytes()).await;
        let id = job.id;
        assert_eq!(job.status, JobStatus::Succeeded, "{job:?}");
        let result = job.result.unwrap();
        assert_eq!(
            (result["status"].as_str(), result["inserted"].as_u64()),
            (Some("done"), Some(2)),
            "{result}"
        );
        assert!(job.progress_total.is_some());
        assert_eq!(
            scalar(&app, "SELECT COUNT(*) FROM indicator_values").await,
            2
        );
        let bearer = app.token_for("coord@example.fi").await;
        let list = app
            .api(
                axum::http::Method::GET,
                "/api/v1/imports",
                Some(&bearer),
                None,
            )
            .await;
        list.assert_status(200);
        assert_eq!(list.json()[0]["inserted"], 2);
        assert_eq!(list.json()[0]["job_id"], id);
        assert_eq!(list.json()[0]["source_name"], "arvot.csv");
        let page = app.get("/imports?lang=fi").await;
        page.assert_status(200);
        assert!(
            page.body.contains("arvot.csv") && page.body.contains("Valmis"),
            "{}",
            page.body
        );
    }
);
