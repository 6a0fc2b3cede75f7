//! The JSON API of meetings.

use axum::http::Method;
use serde_json::json;
use tuuli::auth::Role;

use super::*;
use crate::both;

both!(
    the_api_lists_by_visibility_group_theme_and_time_and_guards_changes,
    |app| async move {
        let app = app.with_demo().await;
        let list = |v: serde_json::Value| -> Vec<String> {
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["title"].as_str().unwrap().to_owned())
                .collect()
        };
        let public_past = app
            .api(Method::GET, "/api/v1/meetings?when=past", None, None)
            .await
            .json();
        assert_eq!(
            list(public_past.clone()),
            ["Seutukoordinaatioryhmän kokous (esimerkki)"]
        );
        assert!(public_past["items"][0].get("minutes").is_none());
        app.add_user("k@example.fi", Role::Coordinator, None, None)
            .await;
        let token = app.token_for("k@example.fi").await;
        let all_past = app
            .api(
                Method::GET,
                "/api/v1/meetings?when=past",
                Some(&token),
                None,
            )
            .await
            .json();
        assert_eq!(all_past["total"], 2);
        let gambling = group_id(&app, "Digi- ja rahapelihaittojen").await;
        let by_group = app
            .api(
                Method::GET,
                &format!("/api/v1/meetings?group={gambling}"),
                Some(&token),
                None,
            )
            .await
            .json();
        assert_eq!(list(by_group), [GAMBLING]);
        let by_theme = app
            .api(
                Method::GET,
                "/api/v1/meetings?when=past&theme=violence",
                Some(&token),
                None,
            )
            .await
            .json();
        assert_eq!(
            list(by_theme),
            ["Seutukoordinaatioryhmän kokous (esimerkki)"]
        );
        let paged = app
            .api(
                Method::GET,
                "/api/v1/meetings?per_page=1&page=2",
                Some(&token),
                None,
            )
            .await
            .json();
        assert_eq!(
            (
                paged["total"].as_i64(),
                paged["items"].as_array().map(Vec::len)
            ),
            (Some(2), Some(1))
        );
        // The pages filter the same way.
        app.sign_in("k@example.fi").await;
        let page = app.get(&format!("/meetings?group={gambling}")).await.body;
        assert!(
            page.contains(GAMBLING) && !page.contains("Seutukoordinaatioryhmän kokous (esimerkki)")
        );
        // Changes: a member 403, unknown fields 422, bad times 422 with details.
        let body = json!({"group_id": gambling, "title": "API", "starts_at": "2030-01-01T10:00", "ends_at": "2030-01-01T09:00"});
        let member = app.token_for("jasen@example.fi").await;
        app.api(
            Method::POST,
            "/api/v1/meetings",
            Some(&member),
            Some(body.clone()),
        )
        .await
        .assert_status(403);
        let bad = app
            .api(Method::POST, "/api/v1/meetings", Some(&token), Some(body))
            .await;
        bad.assert_status(422);
        assert!(bad.json()["details"]["ends_at"].is_string(), "{}", bad.body);
        app.api(Method::POST, "/api/v1/meetings", Some(&token), Some(json!({"group_id": gambling, "title": "x", "starts_at": "2030-01-01T10:00", "ends_at": "2030-01-01T11:00", "secret": 1})))
            .await.assert_status(422);
        let id = app.api(Method::POST, "/api/v1/meetings", Some(&token), Some(json!({"group_id": gambling, "title": "API-kokous", "starts_at": "2030-01-01T10:00", "ends_at": "2030-01-01T11:00"})))
            .await.json()["id"].as_i64().unwrap();
        let upd = app.api(Method::PUT, &format!("/api/v1/meetings/{id}"), Some(&token), Some(json!({"group_id": gambling, "title": "API-kokous 2", "starts_at": "2030-01-01T10:00", "ends_at": "2030-01-01T12:00", "agenda": ["Yksi"]}))).await;
        upd.assert_status(200);
        assert_eq!(
            (upd.json()["title"].as_str(), upd.json()["agenda"].clone()),
            (Some("API-kokous 2"), json!(["Yksi"]))
        );
        app.api(Method::GET, &format!("/api/v1/meetings/{id}"), None, None)
            .await
            .assert_status(404);
        app.api(
            Method::DELETE,
            &format!("/api/v1/meetings/{id}"),
            Some(&token),
            None,
        )
        .await
        .assert_status(204);
        app.api(
            Method::GET,
            &format!("/api/v1/meetings/{id}"),
            Some(&token),
            None,
        )
        .await
        .assert_status(404);
        assert_eq!(app.audit_count("meeting", "delete").await, 1);
    }
);
