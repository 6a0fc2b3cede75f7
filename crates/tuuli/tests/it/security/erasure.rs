//! Right to erasure and data export.

use axum::http::Method;
use serde_json::json;
use tuuli::auth::Role;

use crate::both;
use crate::helpers::TestApp;
use crate::people::{api_get, api_send};

/// A person with a membership, attendance, a user account and audit history.
/// Returns (coordinator token, group id, meeting id, person id).
async fn person_with_history(app: &TestApp) -> (String, i64, i64, i64) {
    let org = app.add_org("Järjestö ry", "ngo").await;
    app.add_user("k@example.fi", Role::Coordinator, None, None)
        .await;
    let coord = app.token_for("k@example.fi").await;
    let g = api_send(
        app,
        Method::POST,
        &coord,
        "/groups",
        json!({"name_fi": "Ryhmä", "group_type": "expert", "status": "active", "convener_id": org}),
    )
    .await
    .json()["id"]
        .as_i64()
        .unwrap();
    let body = json!({"name": "Eeva Poistettava", "email": "eeva.poistettava@example.fi", "phone": "040 123 4567", "title": "Kokemusasiantuntija", "organisations": [org], "lived_experience": true});
    let pid = api_send(app, Method::POST, &coord, "/people", body)
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let m = json!({"person_id": pid, "role": "lived_experience", "start_date": "2025-01-01"});
    api_send(
        app,
        Method::POST,
        &coord,
        &format!("/groups/{g}/memberships"),
        m,
    )
    .await
    .assert_status(201);
    api_send(app, Method::PUT, &coord, &format!("/people/{pid}"), json!({"name": "Eeva Poistettava", "email": "eeva.poistettava@example.fi", "organisations": [org], "lived_experience": true})).await.assert_status(200);
    let meeting = app.api(Method::POST, "/api/v1/meetings", Some(&coord), Some(json!({
        "group_id": g, "title": "Kokous", "starts_at": "2026-02-01T10:00", "ends_at": "2026-02-01T12:00"
    }))).await.json()["id"].as_i64().unwrap();
    app.api(
        Method::PUT,
        &format!("/api/v1/meetings/{meeting}/attendance"),
        Some(&coord),
        Some(json!({"present": [pid]})),
    )
    .await
    .assert_status(200);
    app.add_user("eeva@example.fi", Role::Member, None, Some(pid))
        .await;
    (coord, g, meeting, pid)
}

async fn audit_mentions(app: &TestApp, text: &str) -> i64 {
    let pattern = format!("%{text}%");
    tuuli::with_db!(&app.db, p => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM audit_log WHERE before_json LIKE $1 OR after_json LIKE $1").bind(&pattern).fetch_one(p).await).unwrap()
}

both!(
    an_export_holds_everything_on_the_person_for_coordinators_only,
    |app| async move {
        let (coord, g, meeting, pid) = person_with_history(&app).await;
        let res = api_get(&app, Some(&coord), &format!("/people/{pid}/export")).await;
        res.assert_status(200);
        let e = res.json();
        assert_eq!(e["person"]["email"], "eeva.poistettava@example.fi");
        assert_eq!(e["person"]["lived_experience"], true);
        assert_eq!(e["memberships"][0]["group_id"], g);
        assert_eq!(e["memberships"][0]["role"], "lived_experience");
        assert_eq!(e["attendance"][0]["meeting_id"], meeting);
        assert_eq!(e["user_account"]["email"], "eeva@example.fi");
        assert!(e["audit"].as_array().unwrap().len() >= 2, "{}", res.body);
        // The page offers it as a download.
        app.sign_in("k@example.fi").await;
        let file = app.get(&format!("/people/{pid}/export")).await;
        file.assert_status(200);
        assert!(
            file.headers["content-disposition"]
                .to_str()
                .unwrap()
                .contains("attachment")
        );
        assert!(file.body.contains("eeva.poistettava@example.fi"));
        // Nobody else may.
        let member = app.token_for("eeva@example.fi").await;
        api_get(&app, Some(&member), &format!("/people/{pid}/export"))
            .await
            .assert_status(403);
    }
);

both!(
    erasure_removes_the_data_keeps_anonymous_history_and_scrubs_the_audit_log,
    |app| async move {
        let (coord, g, meeting, pid) = person_with_history(&app).await;
        assert!(audit_mentions(&app, "Eeva Poistettava").await > 0);
        let res = app
            .api(
                Method::POST,
                &format!("/api/v1/people/{pid}/erase"),
                Some(&coord),
                None,
            )
            .await;
        res.assert_status(204);
        api_get(&app, Some(&coord), &format!("/people/{pid}"))
            .await
            .assert_status(404);
        let list = api_get(&app, Some(&coord), "/people?q=Eeva").await.json();
        assert_eq!(list["total"], 0);
        // History stays, anonymous: one membership, one attendee, no name.
        let members = api_get(&app, Some(&coord), &format!("/groups/{g}/memberships"))
            .await
            .json();
        assert_eq!(members.as_array().unwrap().len(), 1);
        assert_eq!(members[0]["person_name"], "");
        assert_ne!(members[0]["person_id"], pid);
        let m = api_get(&app, Some(&coord), &format!("/meetings/{meeting}"))
            .await
            .json();
        assert_eq!(m["attendance"].as_array().unwrap().len(), 1);
        assert_eq!(m["attendance"][0]["present"], true);
        app.sign_in("k@example.fi").await;
        let page = app.get(&format!("/groups/{g}?lang=fi")).await;
        assert!(
            page.body.contains("Poistettu henkilö") && !page.body.contains("Eeva"),
            "{}",
            page.body
        );
        // Nothing personal is left in the database, the audit log included.
        for text in [
            "Eeva Poistettava",
            "eeva.poistettava@example.fi",
            "040 123 4567",
            "Kokemusasiantuntija",
        ] {
            assert_eq!(audit_mentions(&app, text).await, 0, "{text}");
        }
        let people: i64 = tuuli::with_db!(&app.db, p => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM people WHERE name LIKE '%Eeva%' OR email <> '' AND email LIKE '%eeva%'").fetch_one(p).await).unwrap();
        assert_eq!(people, 0);
        let linked: Option<i64> = tuuli::with_db!(&app.db, p => sqlx::query_scalar("SELECT person_id FROM users WHERE email = 'eeva@example.fi'").fetch_one(p).await).unwrap();
        assert_eq!(linked, None);
        assert_eq!(app.audit_count("person", "erase").await, 1);
        let after: Option<String> = tuuli::with_db!(&app.db, p => sqlx::query_scalar("SELECT after_json FROM audit_log WHERE action = 'erase'").fetch_one(p).await).unwrap();
        assert_eq!(after.as_deref(), Some(r#"{"erased":true}"#));
    }
);

both!(
    only_coordinators_erase_and_deleting_a_person_with_attendance_is_not_blocked,
    |app| async move {
        let (coord, _, meeting, pid) = person_with_history(&app).await;
        let org = app.add_org("Muokkaajan kunta", "municipality").await;
        app.add_user("ed@example.fi", Role::Editor, Some(org), None)
            .await;
        let ed = app.token_for("ed@example.fi").await;
        app.api(
            Method::POST,
            &format!("/api/v1/people/{pid}/erase"),
            Some(&ed),
            None,
        )
        .await
        .assert_status(403);
        app.sign_in("ed@example.fi").await;
        app.post_form(&format!("/people/{pid}/erase"), &[])
            .await
            .assert_status(403);
        // Delete: the linked user account keeps the person (an admin unlinks it first) ...
        let res = app
            .api(
                Method::DELETE,
                &format!("/api/v1/people/{pid}?lang=en"),
                Some(&coord),
                None,
            )
            .await;
        res.assert_status(409);
        assert!(
            res.json()["error"]
                .as_str()
                .unwrap()
                .contains("user account"),
            "{}",
            res.body
        );
        tuuli::with_db!(&app.db, p => sqlx::query("UPDATE users SET person_id = NULL").execute(p).await.map(|r| r.rows_affected())).unwrap();
        // ... but attendance and memberships do not: they stay anonymous.
        app.api(
            Method::DELETE,
            &format!("/api/v1/people/{pid}"),
            Some(&coord),
            None,
        )
        .await
        .assert_status(204);
        let m = api_get(&app, Some(&coord), &format!("/meetings/{meeting}"))
            .await
            .json();
        assert_eq!(m["attendance"].as_array().unwrap().len(), 1);
    }
);
