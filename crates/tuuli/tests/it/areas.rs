use axum::http::Method;
use serde_json::json;
use tuuli::auth::Role;

use crate::both;

both!(
    areas_are_public_and_coordinators_manage_them_through_the_api,
    |app| async move {
        let app = app.with_demo().await;
        let list = app
            .api(Method::GET, "/api/v1/areas?kind=municipality", None, None)
            .await
            .json();
        assert_eq!(list.as_array().unwrap().len(), 10);
        let sysma = list
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name_fi"] == "Sysmä")
            .unwrap()
            .clone();
        assert_eq!(
            (
                sysma["official_code"].as_str(),
                sysma["sotkanet_id"].as_i64()
            ),
            (Some("781"), Some(370))
        );
        let page = app.get(&format!("/areas/{}", sysma["id"])).await;
        assert!(
            page.body.contains("Sysmän kunta"),
            "the area page lists its organisations"
        );

        app.add_user("k@example.fi", Role::Coordinator, None, None)
            .await;
        app.add_user("e@example.fi", Role::Editor, Some(1), None)
            .await;
        let k = app.token_for("k@example.fi").await;
        let e = app.token_for("e@example.fi").await;
        let region = sysma["parent_id"].as_i64().unwrap();
        let body = json!({"kind": "municipality", "name_fi": "Uusikunta", "name_sv": "Nykommun", "official_code": "999", "parent_id": region});
        app.api(Method::POST, "/api/v1/areas", None, Some(body.clone()))
            .await
            .assert_status(401);
        app.api(Method::POST, "/api/v1/areas", Some(&e), Some(body.clone()))
            .await
            .assert_status(403);
        let created = app
            .api(Method::POST, "/api/v1/areas", Some(&k), Some(body.clone()))
            .await;
        created.assert_status(201);
        let id = created.json()["id"].as_i64().unwrap();
        app.api(Method::POST, "/api/v1/areas", Some(&k), Some(body))
            .await
            .assert_status(409);
        let bad = app.api(Method::POST, "/api/v1/areas", Some(&k), Some(json!({"kind": "planet", "name_fi": "", "official_code": "1", "parent_id": 999999}))).await;
        bad.assert_status(422);
        let details = bad.json()["details"].clone();
        assert!(
            details["kind"].is_string()
                && details["name_fi"].is_string()
                && details["parent_id"].is_string(),
            "{details}"
        );
        // A new municipality appears in the organisation filter at once (the cache is cleared).
        let orgs = app.get("/organisations").await;
        assert!(orgs.body.contains("Uusikunta"));
        app.api(
            Method::PUT,
            &format!("/api/v1/areas/{id}"),
            Some(&k),
            Some(json!({"kind": "municipality", "name_fi": "Uusikunta 2", "official_code": "999"})),
        )
        .await
        .assert_status(200);
        // Areas still in use are not deleted; an unused one is, and the change is audited.
        app.api(
            Method::DELETE,
            &format!("/api/v1/areas/{}", sysma["id"]),
            Some(&k),
            None,
        )
        .await
        .assert_status(409);
        app.api(
            Method::DELETE,
            &format!("/api/v1/areas/{id}"),
            Some(&k),
            None,
        )
        .await
        .assert_status(204);
        app.api(Method::GET, &format!("/api/v1/areas/{id}"), None, None)
            .await
            .assert_status(404);
        assert_eq!(app.audit_count("area", "delete").await, 1);
        assert_eq!(app.audit_count("area", "update").await, 1);
    }
);
