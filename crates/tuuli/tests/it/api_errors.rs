use axum::http::Method;
use serde_json::json;
use tuuli::auth::Role;

use crate::both;

both!(api_errors_are_json_with_field_details, |app| async move {
    app.add_user("adm@example.fi", Role::Admin, None, None)
        .await;
    let token = app.token_for("adm@example.fi").await;
    let res = app
        .api(
            Method::POST,
            "/api/v1/organisations",
            Some(&token),
            Some(json!({"name_fi": "", "org_type": "club", "website": "nope"})),
        )
        .await;
    res.assert_status(422);
    let body = res.json();
    assert!(body["error"].is_string());
    assert!(
        body["details"]["name_fi"].is_string()
            && body["details"]["org_type"].is_string()
            && body["details"]["website"].is_string(),
        "{body}"
    );
    // Unknown fields and wrong types are 422 too; broken JSON is 400.
    app.api(
        Method::POST,
        "/api/v1/organisations",
        Some(&token),
        Some(json!({"name_fi": "X", "org_type": "ngo", "colour": "red"})),
    )
    .await
    .assert_status(422);
    let req = axum::http::Request::post("/api/v1/organisations")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(axum::body::Body::from("{not json"))
        .unwrap();
    let res = app.send(req).await;
    res.assert_status(400);
    assert!(res.json()["error"].is_string());
});

both!(api_answers_401_403_404_as_json, |app| async move {
    app.add_user("m@example.fi", Role::Member, None, None).await;
    let token = app.token_for("m@example.fi").await;
    let res = app
        .api(
            Method::POST,
            "/api/v1/organisations",
            None,
            Some(json!({"name_fi": "X", "org_type": "ngo"})),
        )
        .await;
    res.assert_status(401); // no credentials at all
    let res = app.api(Method::GET, "/api/v1/audit", None, None).await;
    res.assert_status(401);
    assert!(res.json()["error"].is_string());
    let res = app
        .api(
            Method::POST,
            "/api/v1/organisations",
            Some(&token),
            Some(json!({"name_fi": "X", "org_type": "ngo"})),
        )
        .await;
    res.assert_status(403);
    let res = app
        .api(Method::GET, "/api/v1/organisations/999999", None, None)
        .await;
    res.assert_status(404);
    assert!(res.json()["error"].is_string());
    app.api(
        Method::GET,
        "/api/v1/organisations/not-a-number",
        None,
        None,
    )
    .await
    .assert_status(400);
});

both!(oversized_bodies_get_413, |app| async move {
    app.add_user("adm@example.fi", Role::Admin, None, None)
        .await;
    let token = app.token_for("adm@example.fi").await;
    let big = "x".repeat(400 * 1024);
    let res = app
        .api(
            Method::POST,
            "/api/v1/organisations",
            Some(&token),
            Some(json!({"name_fi": big, "org_type": "ngo"})),
        )
        .await;
    res.assert_status(413);
    assert!(res.json()["error"].is_string());
    app.sign_in("adm@example.fi").await;
    let res = app
        .post_form("/organisations", &[("name_fi", &big), ("org_type", "ngo")])
        .await;
    res.assert_status(413);
});

both!(
    an_integer_too_wide_for_its_field_is_named_as_that_field,
    |app| async move {
        // Serde refuses such a body as a whole; the caller must still learn which field.
        app.add_user("k@example.fi", Role::Coordinator, None, None)
            .await;
        let token = app.token_for("k@example.fi").await;
        let res = app
            .api(
                Method::POST,
                "/api/v1/plans",
                Some(&token),
                Some(
                    json!({"title_fi": "Suunnitelma", "start_year": 4_294_967_296_i64,
                    "end_year": 2027, "status": "draft"}),
                ),
            )
            .await;
        res.assert_status(422);
        let body = res.json();
        assert!(body["details"].get("body").is_none(), "{body}");
        assert_eq!(
            body["details"]["start_year"],
            "Luku on liian suuri tai liian pieni tähän kenttään."
        );
        let res = app
            .api(
                Method::POST,
                "/api/v1/actions",
                Some(&token),
                Some(json!({"goal_id": u64::MAX, "title": "Toimenpide"})),
            )
            .await;
        res.assert_status(422);
        assert!(
            res.json()["details"]["goal_id"].is_string(),
            "{}",
            res.json()
        );
        assert!(res.json()["details"].get("body").is_none());
    }
);

both!(
    a_name_with_a_line_break_is_refused_by_its_field_in_the_readers_language,
    |app| async move {
        app.add_user("adm@example.fi", Role::Admin, None, None)
            .await;
        let token = app.token_for("adm@example.fi").await;
        for (lang, text) in [
            ("fi", "Kirjoita tämä yhdelle riville."),
            ("sv", "Skriv detta på en rad."),
            ("en", "Write this on one line."),
        ] {
            let res = app
                .api(
                    Method::POST,
                    &format!("/api/v1/organisations?lang={lang}"),
                    Some(&token),
                    Some(json!({"name_fi": "Kaksi\nriviä ry", "org_type": "ngo"})),
                )
                .await;
            res.assert_status(422);
            assert_eq!(res.json()["details"]["name_fi"], text, "{}", res.body);
        }
        let none: i64 = tuuli::with_db!(&app.db, p => sqlx::query_scalar("SELECT COUNT(*) FROM organisations WHERE name_fi LIKE 'Kaksi%'").fetch_one(p).await).unwrap();
        assert_eq!(none, 0);
    }
);
