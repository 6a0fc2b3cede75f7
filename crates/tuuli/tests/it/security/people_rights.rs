//! An editor changes only their own organisation's link to a person.

use axum::http::Method;
use serde_json::json;
use tuuli::auth::Role;

use crate::both;
use crate::helpers::TestApp;
use crate::people::{api_get, api_send};

/// Two organisations with an editor each and a coordinator; a person shared by both.
/// Returns (coordinator token, Sysmä editor token, Sysmä, Lahti, shared person).
async fn shared(app: &TestApp) -> (String, String, i64, i64, i64) {
    let sysma = app.add_org("Sysmän kunta", "municipality").await;
    let lahti = app.add_org("Lahden kaupunki", "municipality").await;
    app.add_user("k@example.fi", Role::Coordinator, None, None)
        .await;
    app.add_user("sysma@example.fi", Role::Editor, Some(sysma), None)
        .await;
    let coord = app.token_for("k@example.fi").await;
    let ed = app.token_for("sysma@example.fi").await;
    let res = api_send(
        app,
        Method::POST,
        &coord,
        "/people",
        json!({"name": "Jaettu Henkilö", "organisations": [sysma, lahti]}),
    )
    .await;
    res.assert_status(201);
    (coord, ed, sysma, lahti, res.json()["id"].as_i64().unwrap())
}

fn org_ids(v: &serde_json::Value) -> Vec<i64> {
    let mut ids: Vec<i64> = v["organisations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_i64().unwrap())
        .collect();
    ids.sort_unstable();
    ids
}

both!(
    an_editor_cannot_drop_another_organisations_link,
    |app| async move {
        let (coord, ed, sysma, lahti, pid) = shared(&app).await;
        let path = format!("/people/{pid}");
        // The editor sends only their own organisation: Lahti's link stays.
        let res = api_send(
            &app,
            Method::PUT,
            &ed,
            &path,
            json!({"name": "Jaettu Henkilö", "title": "Uusi", "organisations": [sysma]}),
        )
        .await;
        res.assert_status(200);
        let now = api_get(&app, Some(&coord), &path).await.json();
        assert_eq!(org_ids(&now), {
            let mut v = vec![sysma, lahti];
            v.sort_unstable();
            v
        });
        assert_eq!(
            now["title"], "Uusi",
            "details can be changed while the link exists"
        );
        // Sending no organisations keeps both as well.
        api_send(
            &app,
            Method::PUT,
            &ed,
            &path,
            json!({"name": "Jaettu Henkilö", "organisations": []}),
        )
        .await
        .assert_status(200);
        let now = api_get(&app, Some(&coord), &path).await.json();
        assert_eq!(org_ids(&now).len(), 2);
    }
);

both!(
    an_editor_cannot_add_people_to_another_organisation,
    |app| async move {
        let (_, ed, sysma, lahti, pid) = shared(&app).await;
        let res = api_send(
            &app,
            Method::POST,
            &ed,
            "/people?lang=en",
            json!({"name": "Uusi", "organisations": [lahti]}),
        )
        .await;
        res.assert_status(422);
        assert!(
            res.json()["details"]["organisations"]
                .as_str()
                .unwrap()
                .contains("your own organisation"),
            "{}",
            res.body
        );
        let other = app.add_org("Hollola", "municipality").await;
        let res = api_send(
            &app,
            Method::PUT,
            &ed,
            &format!("/people/{pid}"),
            json!({"name": "X", "organisations": [sysma, other]}),
        )
        .await;
        res.assert_status(422);
        // Through the form too.
        app.sign_in("sysma@example.fi").await;
        let lahti_s = lahti.to_string();
        let res = app
            .post_form(
                "/people",
                &[("name", "Lomake"), ("organisations", lahti_s.as_str())],
            )
            .await;
        res.assert_status(422);
        assert_eq!(app.audit_count("person", "create").await, 1);
    }
);

both!(
    an_editor_cannot_delete_a_person_shared_with_another_organisation,
    |app| async move {
        let (coord, ed, sysma, _, pid) = shared(&app).await;
        let res = app
            .api(
                Method::DELETE,
                &format!("/api/v1/people/{pid}?lang=en"),
                Some(&ed),
                None,
            )
            .await;
        res.assert_status(403);
        assert!(
            res.json()["error"]
                .as_str()
                .unwrap()
                .contains("only a coordinator"),
            "{}",
            res.body
        );
        app.sign_in("sysma@example.fi").await;
        let res = app
            .post_form(&format!("/people/{pid}/delete?lang=fi"), &[])
            .await;
        res.assert_status(403);
        assert!(res.body.contains("vain koordinaattori"), "{}", res.body);
        api_get(&app, Some(&coord), &format!("/people/{pid}"))
            .await
            .assert_status(200);
        // A person of Sysmä alone is the editor's to delete.
        let own = api_send(
            &app,
            Method::POST,
            &ed,
            "/people",
            json!({"name": "Oma", "organisations": [sysma]}),
        )
        .await
        .json()["id"]
            .as_i64()
            .unwrap();
        app.api(
            Method::DELETE,
            &format!("/api/v1/people/{own}"),
            Some(&ed),
            None,
        )
        .await
        .assert_status(204);
        // The coordinator deletes the shared one.
        app.api(
            Method::DELETE,
            &format!("/api/v1/people/{pid}"),
            Some(&coord),
            None,
        )
        .await
        .assert_status(204);
    }
);
