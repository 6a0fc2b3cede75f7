//! The smaller findings: dates in range, no Host header in absolute URLs, no caching of
//! personal data, literal search text, NUL bytes, panics, bad ids and parameters, demo data.

use axum::http::{Method, Request, header};
use serde_json::json;
use tower::ServiceExt;
use tuuli::auth::Role;

use crate::both;
use crate::people::api_send;

both!(
    dates_outside_1900_to_2200_get_a_field_message_and_never_a_500,
    |app| async move {
        let app = app.with_demo().await;
        app.add_user("k@example.fi", Role::Coordinator, None, None)
            .await;
        let token = app.token_for("k@example.fi").await;
        let g: i64 = tuuli::with_db!(&app.db, p => sqlx::query_scalar("SELECT MIN(id) FROM work_groups").fetch_one(p).await).unwrap();
        for (start, end) in [
            ("-262143-01-01T10:00", "-262143-01-01T11:00"),
            ("0000-01-01T10:00", "0000-01-01T11:00"),
            ("2201-01-01T10:00", "2201-01-01T11:00"),
        ] {
            let body = json!({"group_id": g, "title": "Kaukana", "starts_at": start, "ends_at": end, "is_public": true});
            let res = app
                .api(
                    Method::POST,
                    "/api/v1/meetings?lang=en",
                    Some(&token),
                    Some(body),
                )
                .await;
            res.assert_status(422);
            assert!(
                res.json()["details"]["starts_at"]
                    .as_str()
                    .unwrap()
                    .contains("1900"),
                "{}",
                res.body
            );
        }
        let res = api_send(
            &app,
            Method::POST,
            &token,
            "/people",
            json!({"name": "A", "consent_date": "-0001-01-01"}),
        )
        .await;
        res.assert_status(422);
        let pid = api_send(&app, Method::POST, &token, "/people", json!({"name": "B"}))
            .await
            .json()["id"]
            .as_i64()
            .unwrap();
        let res = api_send(
            &app,
            Method::POST,
            &token,
            &format!("/groups/{g}/memberships"),
            json!({"person_id": pid, "role": "member", "start_date": "0000-01-01"}),
        )
        .await;
        res.assert_status(422);
        app.get("/meetings.ics").await.assert_status(200);
    }
);

both!(
    calendar_feeds_use_the_configured_address_not_the_host_header,
    |app| async move {
        let app = app
            .with_demo()
            .await
            .with_config(|c| c.public_url = "https://tuuli.example.fi".into());
        let req = Request::get("/meetings.ics")
            .header(header::HOST, "evil.example")
            .body(axum::body::Body::empty())
            .unwrap();
        let res = app.send(req).await;
        res.assert_status(200);
        assert!(!res.body.contains("evil.example"), "{}", res.body);
        assert!(
            res.body.contains("https://tuuli.example.fi/meetings/"),
            "{}",
            res.body
        );
    }
);

both!(signed_in_answers_are_not_cached, |app| async move {
    app.add_user("k@example.fi", Role::Coordinator, None, None)
        .await;
    let anon = app.get("/").await;
    assert!(!anon.headers.contains_key(header::CACHE_CONTROL));
    let token = app.token_for("k@example.fi").await;
    let api = app
        .api(Method::GET, "/api/v1/people", Some(&token), None)
        .await;
    assert_eq!(api.headers[header::CACHE_CONTROL], "no-store");
    app.sign_in("k@example.fi").await;
    let page = app.get("/people").await;
    assert_eq!(page.headers[header::CACHE_CONTROL], "no-store");
});

both!(
    percent_and_underscore_in_search_text_match_literally,
    |app| async move {
        app.add_org("Sata % Oy", "ngo").await;
        app.add_org("Ab_cd ry", "ngo").await;
        app.add_org("Abxcd ry", "ngo").await;
        let list = |q: &'static str| {
            let app = &app;
            async move {
                let res = app
                    .api(
                        Method::GET,
                        &format!("/api/v1/organisations?q={q}"),
                        None,
                        None,
                    )
                    .await;
                res.assert_status(200);
                res.json()["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|o| o["name_fi"].as_str().unwrap().to_owned())
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(list("%25").await, vec!["Sata % Oy"]);
        assert_eq!(list("b_c").await, vec!["Ab_cd ry"]);
    }
);

both!(nul_characters_in_json_are_refused, |app| async move {
    app.add_user("k@example.fi", Role::Coordinator, None, None)
        .await;
    let token = app.token_for("k@example.fi").await;
    let res = api_send(
        &app,
        Method::POST,
        &token,
        "/people?lang=en",
        json!({"name": "a\u{0}b"}),
    )
    .await;
    res.assert_status(400);
    assert!(
        res.json()["error"].as_str().unwrap().contains("NUL"),
        "{}",
        res.body
    );
    // An escaped backslash followed by "u0000" is ordinary text.
    let res = api_send(
        &app,
        Method::POST,
        &token,
        "/people",
        json!({"name": "a\\u0000b"}),
    )
    .await;
    res.assert_status(201);
});

both!(
    a_panic_gives_the_localised_error_page_with_security_headers,
    |app| async move {
        let routes = axum::Router::new().route(
            "/boom",
            axum::routing::get(|| async {
                let n: Option<u8> = "x".parse().ok();
                n.expect("a handler's bug").to_string()
            }),
        );
        let router = tuuli::app::with_layers(routes, app.state.clone());
        let res = router
            .oneshot(
                Request::get("/boom?lang=sv")
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 500);
        assert!(res.headers().contains_key("content-security-policy"));
        assert!(res.headers().contains_key("x-frame-options"));
        let body = http_body_util::BodyExt::collect(res.into_body())
            .await
            .unwrap()
            .to_bytes();
        let body = String::from_utf8_lossy(&body);
        assert!(
            body.contains("<html") && body.contains("lang=\"sv\""),
            "{body}"
        );
    }
);

both!(
    bad_ids_and_parameters_are_a_400_that_names_what_to_fix,
    |app| async move {
        app.get("/meetings/abc").await.assert_status(400);
        app.get("/organisations/abc").await.assert_status(400);
        let res = app
            .api(
                Method::GET,
                "/api/v1/organisations?page=abc&lang=en",
                None,
                None,
            )
            .await;
        res.assert_status(400);
        let j = res.json();
        assert!(
            j["error"].as_str().unwrap().contains("page"),
            "{}",
            res.body
        );
        assert!(j["details"]["page"].is_string(), "{}", res.body);
        let other = app.get("/api/v1/organisations?per_page=x").await;
        assert!(other.body.contains("per_page"), "{}", other.body);
    }
);

both!(
    the_demo_keeps_lived_experience_out_of_titles,
    |app| async move {
        let app = app.with_demo().await;
        let n: i64 = tuuli::with_db!(&app.db, p => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM people WHERE lower(title) LIKE '%kokemus%'").fetch_one(p).await).unwrap();
        assert_eq!(n, 0);
    }
);

both!(
    field_messages_carry_their_numbers_in_the_readers_language,
    |app| async move {
        app.add_user("k@example.fi", Role::Coordinator, None, None)
            .await;
        app.sign_in("k@example.fi").await;
        let long = "x".repeat(201);
        let res = app
            .post_form(
                "/organisations?lang=fi",
                &[("name_fi", long.as_str()), ("org_type", "ngo")],
            )
            .await;
        res.assert_status(422);
        assert!(res.body.contains("enintään 200 merkkiä"), "{}", res.body);
        let token = app.token_for("k@example.fi").await;
        let res = app
            .api(Method::POST, "/api/v1/meetings?lang=sv", Some(&token), Some(json!({"group_id": 1, "title": "x", "starts_at": "1800-01-01T10:00", "ends_at": "1800-01-01T11:00"})))
            .await;
        res.assert_status(422);
        assert_eq!(
            res.json()["details"]["starts_at"],
            "Ange ett datum mellan åren 1900 och 2200."
        );
    }
);
