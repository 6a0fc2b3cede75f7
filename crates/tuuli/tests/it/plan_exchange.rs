//! `/api/v1/plans/{id}/actions.csv|.xlsx` and `/plans/{id}/exchange`: export → import
//! changes nothing; edited rows change exactly those actions, audited; one bad row refuses
//! the whole file with every bad row listed; files that are not CSV/XLSX are refused.

use axum::body::Body;
use axum::http::{Method, Request, header};
use http_body_util::BodyExt;
use serde_json::json;
use tower::ServiceExt;
use tuuli::auth::Role;

use crate::both;
use crate::helpers::{Res, TestApp};
use crate::plan_update::{Tree, coordinator_token, plan_with_actions};
use crate::uploads::{Part, multipart, post_multipart};

/// A download's raw bytes (XLSX is not text).
pub(crate) async fn bytes(app: &TestApp, path: &str) -> Vec<u8> {
    let res = app
        .router
        .clone()
        .oneshot(
            Request::get(path)
                .header(header::COOKIE, "")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{path}");
    res.into_body().collect().await.unwrap().to_bytes().to_vec()
}

pub(crate) async fn upload(app: &TestApp, token: &str, path: &str, name: &str, file: &[u8]) -> Res {
    let auth = format!("Bearer {token}");
    post_multipart(
        app,
        path,
        multipart(&[Part::File("file", name, file)]),
        &[("cookie", ""), ("authorization", auth.as_str())],
    )
    .await
}

async fn count(app: &TestApp, sql: &'static str) -> i64 {
    tuuli::with_db!(&app.db, p => sqlx::query_scalar::<_, i64>(sql).fetch_one(p).await).unwrap()
}

/// Changes counted by the audit log and the progress table.
pub(crate) async fn footprint(app: &TestApp) -> (i64, i64) {
    (
        count(app, "SELECT COUNT(*) FROM audit_log").await,
        count(app, "SELECT COUNT(*) FROM plan_progress").await,
    )
}

/// A plan with three actions of org A, one shared with B in two municipalities, planned
/// amounts with decimals and one progress update.
pub(crate) async fn world(app: &TestApp) -> (String, Tree, i64) {
    let token = coordinator_token(app).await;
    let a = app.add_org("Vastuu ry", "ngo").await;
    let b = app.add_org("Kumppani; Oy", "ngo").await;
    let t = plan_with_actions(app, &token, a, &["Eka", "Toka", "Kolmas"], "2024-01-01").await;
    let areas: Vec<i64> = tuuli::with_db!(&app.db, p => sqlx::query_scalar::<_, i64>(
        "SELECT id FROM areas WHERE kind = 'municipality' ORDER BY id LIMIT 2").fetch_all(p).await)
    .unwrap();
    app.api(
        Method::PUT,
        &format!("/api/v1/actions/{}", t.actions[0]),
        Some(&token),
        Some(
            json!({"goal_id": t.goal, "title": "Eka", "lead_organisation_id": a,
                    "organisations": [b], "municipalities": areas, "start_date": "2024-01-01",
                    "end_date": "2025-06-30", "planned_euros": 1000.5, "planned_days": 12.25}),
        ),
    )
    .await
    .assert_status(200);
    app.api(
        Method::POST,
        &format!("/api/v1/actions/{}/progress", t.actions[1]),
        Some(&token),
        Some(
            json!({"report_date": "2025-01-31", "status": "delayed", "percent": 30,
                    "euros_used": 99.9, "narrative": "Hidastui"}),
        ),
    )
    .await
    .assert_status(201);
    (token, t, a)
}

both!(
    a_csv_export_imported_back_changes_nothing_and_two_edited_rows_change_exactly_those,
    |app| async move {
        let (token, t, _) = world(&app).await;
        let csv = bytes(&app, &format!("/api/v1/plans/{}/actions.csv", t.plan)).await;
        assert!(csv.starts_with(b"\xEF\xBB\xBFaction_id;promise;goal;action;"));
        let text = String::from_utf8(csv.clone()).unwrap();
        assert!(text.contains("\"Kumppani; Oy\""), "{text}");
        assert!(text.contains("1000,5") && text.contains("99,9"), "{text}");
        let before = footprint(&app).await;
        let path = format!("/api/v1/plans/{}/actions.csv", t.plan);
        let res = upload(&app, &token, &path, "plan.csv", &csv).await;
        res.assert_status(200);
        assert_eq!(
            res.json(),
            json!({"created": 0, "updated": 0, "progress": 0})
        );
        assert_eq!(footprint(&app).await, before, "no audit rows, no progress");
        // Edit two rows: rename the first action; set the second one done.
        let edited =
            text.replacen(";Eka;", ";Eka muutettu;", 1)
                .replacen(";delayed;30;", ";Valmis;100;", 1);
        assert_ne!(edited, text);
        let res = upload(&app, &token, &path, "plan.csv", edited.as_bytes()).await;
        res.assert_status(200);
        assert_eq!(
            res.json(),
            json!({"created": 0, "updated": 1, "progress": 1})
        );
        assert_eq!(
            app.audit_count("plan_action", "update").await,
            2,
            "the PUT above and the import"
        );
        let after = footprint(&app).await;
        assert_eq!((after.0 - before.0, after.1 - before.1), (2, 1));
        let first = app
            .api(
                Method::GET,
                &format!("/api/v1/actions/{}", t.actions[0]),
                None,
                None,
            )
            .await
            .json();
        assert_eq!(first["title"], "Eka muutettu");
        assert_eq!(first["planned_euros"], 1000.5);
        assert_eq!(first["municipalities"].as_array().unwrap().len(), 2);
        assert_eq!(first["organisations"].as_array().unwrap().len(), 1);
        let second = app
            .api(
                Method::GET,
                &format!("/api/v1/actions/{}/progress", t.actions[1]),
                None,
                None,
            )
            .await
            .json();
        assert_eq!(second[0]["status"], "done");
        assert_eq!(second[0]["percent"], 100);
        assert_eq!(second[0]["euros_used"], 99.9);
        assert_eq!(
            second[0]["narrative"], "Hidastui",
            "the narrative is carried over"
        );
    }
);

both!(
    an_xlsx_export_imported_back_changes_nothing_and_a_new_row_adds_an_action,
    |app| async move {
        let (token, t, _) = world(&app).await;
        let xlsx = bytes(&app, &format!("/api/v1/plans/{}/actions.xlsx", t.plan)).await;
        assert!(xlsx.starts_with(b"PK\x03\x04"));
        let before = footprint(&app).await;
        let path = format!("/api/v1/plans/{}/actions.xlsx", t.plan);
        let res = upload(&app, &token, &path, "plan.xlsx", &xlsx).await;
        res.assert_status(200);
        assert_eq!(
            res.json(),
            json!({"created": 0, "updated": 0, "progress": 0})
        );
        assert_eq!(footprint(&app).await, before);
        // A workbook with one new action (no id), its columns in another order.
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (c, v) in [
            "action",
            "goal",
            "action_id",
            "status",
            "percent",
            "planned_euros",
        ]
        .iter()
        .enumerate()
        {
            sheet.write_string(0, c as u16, *v).unwrap();
        }
        sheet.write_string(1, 0, "Uusi toimenpide").unwrap();
        sheet.write_string(1, 1, "Tavoite").unwrap();
        sheet.write_string(1, 3, "on_track").unwrap();
        sheet.write_number(1, 4, 10.0).unwrap();
        sheet.write_number(1, 5, 2500.75).unwrap();
        let file = book.save_to_buffer().unwrap();
        let res = upload(&app, &token, &path, "uusi.xlsx", &file).await;
        res.assert_status(200);
        assert_eq!(
            res.json(),
            json!({"created": 1, "updated": 0, "progress": 1})
        );
        let id = count(&app, "SELECT MAX(id) FROM plan_actions").await;
        let a = app
            .api(Method::GET, &format!("/api/v1/actions/{id}"), None, None)
            .await
            .json();
        assert_eq!(a["title"], "Uusi toimenpide");
        assert_eq!(a["goal_id"], t.goal);
        assert_eq!(a["planned_euros"], 2500.75);
    }
);

both!(
    one_bad_row_refuses_the_whole_file_and_every_bad_row_is_listed_by_line,
    |app| async move {
        let (token, t, _) = world(&app).await;
        let path = format!("/api/v1/plans/{}/actions.csv", t.plan);
        let [a, b, c] = t.actions[..] else { panic!() };
        let file = format!(
            "action_id,goal,action,percent\n{a},Tavoite,Hyvä muutos,50\n{b},Tavoite,Toka,101\n{c},Ei tällaista,Kolmas,0\n999999,Tavoite,X,0\n"
        );
        let before = footprint(&app).await;
        let res = upload(&app, &token, &path, "plan.csv", file.as_bytes()).await;
        res.assert_status(422);
        let details = &res.json()["details"];
        assert!(details["line 3: percent"].is_string(), "{details}");
        assert!(
            details["line 4: goal"]
                .as_str()
                .unwrap()
                .contains("Ei tällaista"),
            "{details}"
        );
        assert!(details["line 5: action_id"].is_string(), "{details}");
        assert!(details.get("line 2: percent").is_none());
        assert_eq!(footprint(&app).await, before, "nothing was written");
        // Files that are not what they say are refused with a clear message.
        let res = upload(&app, &token, &path, "x.csv", b"PK\x03\x04\x00\x00\xff").await;
        res.assert_status(422);
        assert!(
            res.json()["details"]["file"]
                .as_str()
                .unwrap()
                .contains("UTF-8")
        );
        let xpath = format!("/api/v1/plans/{}/actions.xlsx", t.plan);
        let res = upload(&app, &token, &xpath, "x.xlsx", file.as_bytes()).await;
        res.assert_status(422);
        assert!(
            res.json()["details"]["file"]
                .as_str()
                .unwrap()
                .contains("XLSX")
        );
        // A file without the required columns names them.
        let res = upload(&app, &token, &path, "x.csv", b"nimi;arvo\n").await;
        res.assert_status(422);
        assert!(res.json()["details"]["line 1: action_id"].is_string());
        assert_eq!(footprint(&app).await, before);
    }
);

both!(
    only_coordinators_import_and_the_page_lists_the_problems_in_the_users_language,
    |app| async move {
        let (token, t, org) = world(&app).await;
        let path = format!("/api/v1/plans/{}/actions.csv", t.plan);
        let csv = bytes(&app, &path).await;
        app.add_user("muokkaaja@example.fi", Role::Editor, Some(org), None)
            .await;
        let editor = app.token_for("muokkaaja@example.fi").await;
        upload(&app, &editor, &path, "plan.csv", &csv)
            .await
            .assert_status(403);
        // The page: a bad file is listed with line and column, in Finnish; a good one saves.
        app.sign_in("koordinaattori@example.fi").await;
        let page = format!("/plans/{}/exchange", t.plan);
        app.get(&page).await.assert_status(200);
        let csrf = app.csrf().await;
        let bad = format!(
            "action_id;goal;action;percent\n{};Tavoite;Eka;abc\n",
            t.actions[0]
        );
        let res = post_multipart(
            &app,
            &page,
            multipart(&[
                Part::Field("_csrf", &csrf),
                Part::File("file", "plan.csv", bad.as_bytes()),
            ]),
            &[],
        )
        .await;
        res.assert_status(422);
        assert!(res.body.contains("Rivi 2, sarake percent:"), "{}", res.body);
        assert!(res.body.contains("Mitään ei tallennettu"));
        let good = format!(
            "action_id;goal;action;percent\n{};Tavoite;Eka;5\n",
            t.actions[0]
        );
        let res = post_multipart(
            &app,
            &page,
            multipart(&[
                Part::Field("_csrf", &csrf),
                Part::File("file", "plan.csv", good.as_bytes()),
            ]),
            &[],
        )
        .await;
        res.assert_status(303);
        assert!(res.location().contains("progress=1"), "{}", res.location());
        let _ = token;
    }
);

both!(
    a_csv_export_writes_formula_like_text_as_text_and_reads_it_back_unchanged,
    |app| async move {
        // One user's text must not become another user's spreadsheet formula: an
        // organisation name (editors rename theirs) and an action title that start like a
        // formula get a leading apostrophe, which the import takes away again.
        let token = coordinator_token(&app).await;
        let org = app.add_org("@SUM(1+1)", "ngo").await;
        let title = "=HYPERLINK(\"http://evil.example\";\"x\")";
        let t = plan_with_actions(
            &app,
            &token,
            org,
            &[title, "-1 tunti", "Tavallinen"],
            "2024-01-01",
        )
        .await;
        let path = format!("/api/v1/plans/{}/actions.csv", t.plan);
        let csv = bytes(&app, &path).await;
        let text = String::from_utf8(csv.clone()).unwrap();
        assert!(
            text.contains("\"'=HYPERLINK(\"\"http://evil.example\"\";\"\"x\"\")\""),
            "{text}"
        );
        assert!(
            text.contains(";'@SUM(1+1);") && text.contains(";'-1 tunti;"),
            "{text}"
        );
        assert!(text.contains(";Tavallinen;"), "{text}");
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(b';')
            .from_reader(&csv[3..]);
        for rec in reader.records() {
            for cell in rec.unwrap().iter().skip(1).take(6) {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@']),
                    "{cell:?} in {text}"
                );
            }
        }
        let before = footprint(&app).await;
        let res = upload(&app, &token, &path, "plan.csv", &csv).await;
        res.assert_status(200);
        assert_eq!(
            res.json(),
            json!({"created": 0, "updated": 0, "progress": 0})
        );
        assert_eq!(footprint(&app).await, before);
        let stored: String = tuuli::with_db!(&app.db, p => sqlx::query_scalar(
            "SELECT title FROM plan_actions WHERE id = $1").bind(t.actions[0]).fetch_one(p).await)
        .unwrap();
        assert_eq!(stored, title);
    }
);
