//! Edit conflicts: a save based on an older version is refused with 409 instead of
//! silently overwriting, in forms (which then show the saved values and keep the typed
//! ones) and in the API (`version` or `If-Match`); the audit log's "before" is the value
//! each change replaced, even under concurrency.

use axum::http::{Method, Request, header};
use serde_json::{Value, json};
use tower::ServiceExt;
use tuuli::auth::Role;

use crate::both;
use crate::helpers::TestApp;
use crate::people::{api_get, api_send};

/// A form's fields.
type Fields<'a> = Vec<(&'a str, &'a str)>;

fn hidden_version(body: &str) -> i64 {
    let at = body
        .find(r#"name="version" value=""#)
        .expect("a version field");
    let rest = &body[at + r#"name="version" value=""#.len()..];
    rest[..rest.find('"').unwrap()].parse().unwrap()
}

both!(
    a_form_saved_after_someone_else_saved_is_refused_and_keeps_what_was_typed,
    |app| async move {
        let org = app.add_org("Alkuperäinen ry", "ngo").await;
        app.add_user("a@example.fi", Role::Coordinator, None, None)
            .await;
        app.add_user("b@example.fi", Role::Coordinator, None, None)
            .await;
        // A opens the form (version 1); B saves meanwhile through the API.
        app.sign_in("a@example.fi").await;
        let form = app.get(&format!("/organisations/{org}/edit")).await;
        assert_eq!(hidden_version(&form.body), 1);
        let b = app.token_for("b@example.fi").await;
        api_send(
            &app,
            Method::PUT,
            &b,
            &format!("/organisations/{org}"),
            json!({"name_fi": "B:n nimi ry", "org_type": "ngo"}),
        )
        .await
        .assert_status(200);
        let typed = [
            ("name_fi", "A:n nimi ry"),
            ("org_type", "ngo"),
            ("version", "1"),
        ];
        let res = app
            .post_form(&format!("/organisations/{org}/edit?lang=en"), &typed)
            .await;
        res.assert_status(409);
        assert!(
            res.body.contains("Someone else has changed this"),
            "{}",
            res.body
        );
        assert!(res.body.contains("B:n nimi ry"), "the saved value is shown");
        assert!(
            res.body.contains(r#"value="A:n nimi ry""#),
            "the typed value stays"
        );
        assert_eq!(
            hidden_version(&res.body),
            2,
            "the form now carries the current version"
        );
        let stored = api_get(&app, Some(&b), &format!("/organisations/{org}"))
            .await
            .json();
        assert_eq!(stored["name_fi"], "B:n nimi ry");
        // Saving again is a deliberate overwrite.
        let again = [
            ("name_fi", "A:n nimi ry"),
            ("org_type", "ngo"),
            ("version", "2"),
        ];
        app.post_form(&format!("/organisations/{org}/edit"), &again)
            .await
            .assert_status(303);
        let stored = api_get(&app, Some(&b), &format!("/organisations/{org}"))
            .await
            .json();
        assert_eq!(
            (stored["name_fi"].as_str(), stored["version"].as_i64()),
            (Some("A:n nimi ry"), Some(3))
        );
    }
);

/// PUT with a stale `version`, with `If-Match`, and without either.
async fn api_versions(app: &TestApp, token: &str, path: &str, body: Value) {
    let current = api_get(app, Some(token), path).await.json()["version"]
        .as_i64()
        .unwrap();
    let mut stale = body.clone();
    stale["version"] = json!(current - 1);
    let res = api_send(app, Method::PUT, token, path, stale).await;
    res.assert_status(409);
    let mut fresh = body.clone();
    fresh["version"] = json!(current);
    let res = api_send(app, Method::PUT, token, path, fresh).await;
    res.assert_status(200);
    assert_eq!(res.json()["version"], current + 1, "{path}: {}", res.body);
    let req = |tag: i64| {
        Request::put(format!("/api/v1{path}"))
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::IF_MATCH, format!("\"{tag}\""))
            .body(axum::body::Body::from(body.to_string()))
            .unwrap()
    };
    assert_eq!(
        app.send(req(current)).await.status.as_u16(),
        409,
        "{path}: If-Match with the old version"
    );
    assert_eq!(
        app.send(req(current + 1)).await.status.as_u16(),
        200,
        "{path}: If-Match with the current version"
    );
    api_send(app, Method::PUT, token, path, body)
        .await
        .assert_status(200);
}

both!(
    every_editable_record_refuses_an_api_update_based_on_an_old_version,
    |app| async move {
        let org = app.add_org("Koollekutsuja ry", "ngo").await;
        app.add_user("k@example.fi", Role::Coordinator, None, None)
            .await;
        let t = app.token_for("k@example.fi").await;
        api_versions(
            &app,
            &t,
            &format!("/organisations/{org}"),
            json!({"name_fi": "Koollekutsuja ry", "org_type": "ngo"}),
        )
        .await;
        let g = api_send(&app, Method::POST, &t, "/groups", json!({"name_fi": "Ryhmä", "group_type": "expert", "status": "active", "convener_id": org})).await.json()["id"].as_i64().unwrap();
        api_versions(&app, &t, &format!("/groups/{g}"), json!({"name_fi": "Ryhmä", "group_type": "expert", "status": "active", "convener_id": org})).await;
        let p = api_send(
            &app,
            Method::POST,
            &t,
            "/people",
            json!({"name": "Henkilö", "organisations": [org]}),
        )
        .await
        .json()["id"]
            .as_i64()
            .unwrap();
        api_versions(
            &app,
            &t,
            &format!("/people/{p}"),
            json!({"name": "Henkilö", "organisations": [org]}),
        )
        .await;
        let m = api_send(
            &app,
            Method::POST,
            &t,
            &format!("/groups/{g}/memberships"),
            json!({"person_id": p, "role": "member", "start_date": "2025-01-01"}),
        )
        .await
        .json()["id"]
            .as_i64()
            .unwrap();
        api_versions(
            &app,
            &t,
            &format!("/groups/{g}/memberships/{m}"),
            json!({"role": "chair", "start_date": "2025-01-01"}),
        )
        .await;
        let meeting = api_send(&app, Method::POST, &t, "/meetings", json!({"group_id": g, "title": "Kokous", "starts_at": "2030-01-01T10:00", "ends_at": "2030-01-01T11:00"})).await.json()["id"].as_i64().unwrap();
        api_versions(&app, &t, &format!("/meetings/{meeting}"), json!({"group_id": g, "title": "Kokous", "starts_at": "2030-01-01T10:00", "ends_at": "2030-01-01T12:00"})).await;
        let area = api_send(
            &app,
            Method::POST,
            &t,
            "/areas",
            json!({"kind": "municipality", "name_fi": "Testilä", "official_code": "999"}),
        )
        .await
        .json()["id"]
            .as_i64()
            .unwrap();
        api_versions(
            &app,
            &t,
            &format!("/areas/{area}"),
            json!({"kind": "municipality", "name_fi": "Testilä", "official_code": "999"}),
        )
        .await;
    }
);

both!(
    people_meetings_groups_and_membership_forms_show_a_conflict_too,
    |app| async move {
        let org = app.add_org("Kunta", "municipality").await;
        app.add_user("k@example.fi", Role::Coordinator, None, None)
            .await;
        let t = app.token_for("k@example.fi").await;
        let g = api_send(&app, Method::POST, &t, "/groups", json!({"name_fi": "Ryhmä", "group_type": "expert", "status": "active", "convener_id": org})).await.json()["id"].as_i64().unwrap();
        let p = api_send(
            &app,
            Method::POST,
            &t,
            "/people",
            json!({"name": "Henkilö", "organisations": [org]}),
        )
        .await
        .json()["id"]
            .as_i64()
            .unwrap();
        let m = api_send(
            &app,
            Method::POST,
            &t,
            &format!("/groups/{g}/memberships"),
            json!({"person_id": p, "role": "member", "start_date": "2025-01-01"}),
        )
        .await
        .json()["id"]
            .as_i64()
            .unwrap();
        let meeting = api_send(&app, Method::POST, &t, "/meetings", json!({"group_id": g, "title": "Kokous", "starts_at": "2030-01-01T10:00", "ends_at": "2030-01-01T11:00"})).await.json()["id"].as_i64().unwrap();
        // Someone saves each record once after the forms were opened at version 1.
        api_send(
            &app,
            Method::PUT,
            &t,
            &format!("/people/{p}"),
            json!({"name": "Toisen nimi", "organisations": [org]}),
        )
        .await
        .assert_status(200);
        api_send(&app, Method::PUT, &t, &format!("/groups/{g}"), json!({"name_fi": "Toisen ryhmä", "group_type": "expert", "status": "active", "convener_id": org})).await.assert_status(200);
        api_send(
            &app,
            Method::PUT,
            &t,
            &format!("/groups/{g}/memberships/{m}"),
            json!({"role": "secretary", "start_date": "2025-01-01"}),
        )
        .await
        .assert_status(200);
        api_send(&app, Method::PUT, &t, &format!("/meetings/{meeting}"), json!({"group_id": g, "title": "Toisen kokous", "starts_at": "2030-01-01T10:00", "ends_at": "2030-01-01T11:00"})).await.assert_status(200);
        app.sign_in("k@example.fi").await;
        let org_s = org.to_string();
        let g_s = g.to_string();
        let cases: Vec<(String, Fields, &str)> = vec![
            (
                format!("/people/{p}/edit"),
                vec![
                    ("name", "Oma nimi"),
                    ("organisations", org_s.as_str()),
                    ("version", "1"),
                ],
                "Toisen nimi",
            ),
            (
                format!("/groups/{g}/edit"),
                vec![
                    ("name_fi", "Oma ryhmä"),
                    ("group_type", "expert"),
                    ("status", "active"),
                    ("convener_id", org_s.as_str()),
                    ("version", "1"),
                ],
                "Toisen ryhmä",
            ),
            (
                format!("/groups/{g}/memberships/{m}/edit"),
                vec![
                    ("role", "chair"),
                    ("start_date", "2025-01-01"),
                    ("version", "1"),
                ],
                "member-role-secretary",
            ),
            (
                format!("/meetings/{meeting}/edit"),
                vec![
                    ("group_id", g_s.as_str()),
                    ("title", "Oma kokous"),
                    ("starts_at", "2030-01-01T10:00"),
                    ("ends_at", "2030-01-01T11:00"),
                    ("version", "1"),
                ],
                "Toisen kokous",
            ),
        ];
        for (path, fields, saved) in cases {
            let res = app.post_form(&format!("{path}?lang=fi"), &fields).await;
            res.assert_status(409);
            assert!(
                res.body.contains("Joku muu on muuttanut"),
                "{path}: {}",
                res.body
            );
            if !saved.starts_with("member-role") {
                assert!(
                    res.body.contains(saved),
                    "{path}: the saved value is shown: {}",
                    res.body
                );
            }
            assert_eq!(hidden_version(&res.body), 2, "{path}");
        }
    }
);

both!(
    concurrent_updates_record_each_before_value_exactly_once,
    |app| async move {
        let org = app.add_org("Nimi 0", "ngo").await;
        app.add_user("k@example.fi", Role::Coordinator, None, None)
            .await;
        let t = app.token_for("k@example.fi").await;
        let mut tasks = Vec::new();
        for i in 1..=12 {
            let req = Request::put(format!("/api/v1/organisations/{org}"))
                .header(header::AUTHORIZATION, format!("Bearer {t}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(axum::body::Body::from(
                    json!({"name_fi": format!("Nimi {i}"), "org_type": "ngo"}).to_string(),
                ))
                .unwrap();
            let router = app.router.clone();
            tasks.push(tokio::spawn(async move {
                router.oneshot(req).await.unwrap().status().as_u16()
            }));
        }
        for task in tasks {
            assert_eq!(task.await.unwrap(), 200);
        }
        let rows: Vec<(Option<String>, Option<String>)> = tuuli::with_db!(&app.db, p => sqlx::query_as(
            "SELECT before_json, after_json FROM audit_log WHERE entity = 'organisation' AND action = 'update' ORDER BY id"
        ).fetch_all(p).await).unwrap();
        assert_eq!(rows.len(), 12);
        // Each change replaced what the previous one wrote: the chain has no gaps or repeats.
        let mut previous = "Nimi 0".to_owned();
        for (before, after) in rows {
            let before: Value = serde_json::from_str(&before.unwrap()).unwrap();
            let after: Value = serde_json::from_str(&after.unwrap()).unwrap();
            assert_eq!(before["name_fi"], previous.as_str());
            previous = after["name_fi"].as_str().unwrap().to_owned();
        }
        let now = api_get(&app, Some(&t), &format!("/organisations/{org}"))
            .await
            .json();
        assert_eq!(now["name_fi"], previous.as_str());
        assert_eq!(now["version"], 13);
    }
);

both!(
    a_record_still_referenced_anywhere_is_not_deleted,
    |app| async move {
        // Referenced only by a meeting decision: the database's foreign key answers.
        let org = app.add_org("Vastuutaho ry", "ngo").await;
        let conv = app.add_org("Koollekutsuja ry", "ngo").await;
        app.add_user("k@example.fi", Role::Coordinator, None, None)
            .await;
        let t = app.token_for("k@example.fi").await;
        let g = api_send(&app, Method::POST, &t, "/groups", json!({"name_fi": "Ryhmä", "group_type": "expert", "status": "active", "convener_id": conv})).await.json()["id"].as_i64().unwrap();
        let m = api_send(&app, Method::POST, &t, "/meetings", json!({"group_id": g, "title": "Kokous", "starts_at": "2030-01-01T10:00", "ends_at": "2030-01-01T11:00"})).await.json()["id"].as_i64().unwrap();
        api_send(
            &app,
            Method::POST,
            &t,
            &format!("/meetings/{m}/decisions"),
            json!({"text": "Päätös", "responsible_id": org}),
        )
        .await
        .assert_status(201);
        let res = app
            .api(
                Method::DELETE,
                &format!("/api/v1/organisations/{org}?lang=en"),
                Some(&t),
                None,
            )
            .await;
        res.assert_status(409);
        assert_eq!(app.audit_count("organisation", "delete").await, 0);
        api_get(&app, Some(&t), &format!("/organisations/{org}"))
            .await
            .assert_status(200);
    }
);
