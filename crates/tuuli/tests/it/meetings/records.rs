//! Decisions and attendance.

use axum::http::Method;
use serde_json::json;
use tuuli::auth::Role;

use super::*;
use crate::both;

both!(
    decisions_are_added_with_the_form_appear_in_the_json_and_can_be_deleted,
    |app| async move {
        let g = add_group(&app, "Testiryhmä", None).await;
        let org = app.add_org("Vastuujärjestö ry", "ngo").await;
        app.add_user("k@example.fi", Role::Coordinator, None, None)
            .await;
        let token = app.token_for("k@example.fi").await;
        let res = app.api(Method::POST, "/api/v1/meetings", Some(&token), Some(json!({
            "group_id": g, "title": "Päätöskokous", "starts_at": "2030-01-15T13:00", "ends_at": "2030-01-15T15:00", "is_public": true
        }))).await;
        res.assert_status(201);
        let id = res.json()["id"].as_i64().unwrap();
        app.sign_in("k@example.fi").await;
        let page = app.get(&format!("/meetings/{id}")).await;
        assert!(
            page.body
                .contains(&format!("action=\"/meetings/{id}/decisions\""))
        );
        let bad = app
            .post_form(
                &format!("/meetings/{id}/decisions"),
                &[
                    ("text", "Laaditaan viestintäsuunnitelma"),
                    ("responsible_id", &org.to_string()),
                    ("due_date", "31.12.2030"),
                ],
            )
            .await;
        bad.assert_status(422);
        assert!(
            bad.body
                .contains("value=\"Laaditaan viestintäsuunnitelma\"")
                && bad.body.contains("value=\"31.12.2030\"")
        );
        assert!(bad.body.contains("id=\"due_date-error\""));
        let ok = app
            .post_form(
                &format!("/meetings/{id}/decisions"),
                &[
                    ("text", "Laaditaan viestintäsuunnitelma"),
                    ("responsible_id", &org.to_string()),
                    ("due_date", "2030-12-31"),
                ],
            )
            .await;
        ok.assert_status(303);
        let json = app
            .api(Method::GET, &format!("/api/v1/meetings/{id}"), None, None)
            .await
            .json();
        let d = &json["decisions"][0];
        assert_eq!(d["text"], "Laaditaan viestintäsuunnitelma");
        assert_eq!(d["responsible_id"], org);
        assert_eq!(d["responsible_name"], "Vastuujärjestö ry");
        assert_eq!(d["due_date"], "2030-12-31");
        assert_eq!(app.audit_count("decision", "create").await, 1);
        // The API adds and deletes decisions too.
        let res = app
            .api(
                Method::POST,
                &format!("/api/v1/meetings/{id}/decisions"),
                Some(&token),
                Some(json!({"text": "Toinen päätös"})),
            )
            .await;
        res.assert_status(201);
        let did = res.json()["id"].as_i64().unwrap();
        app.api(
            Method::DELETE,
            &format!("/api/v1/meetings/{id}/decisions/{did}"),
            Some(&token),
            None,
        )
        .await
        .assert_status(204);
        let first = d["id"].as_i64().unwrap();
        app.post_form(&format!("/meetings/{id}/decisions/{first}/delete"), &[])
            .await
            .assert_status(303);
        let json = app
            .api(Method::GET, &format!("/api/v1/meetings/{id}"), None, None)
            .await
            .json();
        assert_eq!(json["decisions"], json!([]));
        assert_eq!(app.audit_count("decision", "delete").await, 2);
    }
);

both!(
    attendance_marks_the_groups_members_present_and_refuses_others,
    |app| async move {
        let g = add_group(&app, "Testiryhmä", None).await;
        let other = add_group(&app, "Toinen ryhmä", None).await;
        let anna = add_member(&app, "Anna Läsnä", g).await;
        let bert = add_member(&app, "Bertta Poissa", g).await;
        let outsider = add_member(&app, "Ulla Ulkopuolinen", other).await;
        app.add_user("k@example.fi", Role::Coordinator, None, None)
            .await;
        let token = app.token_for("k@example.fi").await;
        let id = app.api(Method::POST, "/api/v1/meetings", Some(&token), Some(json!({
            "group_id": g, "title": "Läsnäolokokous", "starts_at": local(-3, 9), "ends_at": local(-3, 11)
        }))).await.json()["id"].as_i64().unwrap();
        app.sign_in("k@example.fi").await;
        let page = app.get(&format!("/meetings/{id}")).await;
        assert!(
            page.body.contains(&format!("value=\"{anna}\""))
                && page.body.contains(&format!("value=\"{bert}\""))
        );
        assert!(!page.body.contains("Ulla Ulkopuolinen"));
        app.post_form(
            &format!("/meetings/{id}/attendance"),
            &[("present", &anna.to_string())],
        )
        .await
        .assert_status(303);
        let json = app
            .api(
                Method::GET,
                &format!("/api/v1/meetings/{id}"),
                Some(&token),
                None,
            )
            .await
            .json();
        assert_eq!(
            json["attendance"],
            json!([
                {"person_id": anna, "name": "Anna Läsnä", "present": true},
                {"person_id": bert, "name": "Bertta Poissa", "present": false},
            ])
        );
        let bad = app
            .post_form(
                &format!("/meetings/{id}/attendance"),
                &[
                    ("present", &bert.to_string()),
                    ("present", &outsider.to_string()),
                ],
            )
            .await;
        bad.assert_status(422);
        // The refused form comes back as it was ticked, not as it is stored.
        assert!(bad.body.contains(&format!("value=\"{bert}\" checked")));
        assert!(bad.body.contains(&format!("value=\"{anna}\">")));
        assert!(bad.body.contains("href=\"#present\""));
        assert_eq!(app.audit_count("attendance", "update").await, 1);
        let res = app
            .api(
                Method::PUT,
                &format!("/api/v1/meetings/{id}/attendance"),
                Some(&token),
                Some(json!({"present": [anna, bert]})),
            )
            .await;
        res.assert_status(200);
        assert_eq!(res.json()["attendance"][1]["present"], true);
        assert_eq!(app.audit_count("attendance", "update").await, 2);
    }
);
