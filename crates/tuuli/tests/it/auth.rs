use tuuli::auth::Role;

use crate::both;
use crate::helpers::PASSWORD;

both!(
    signing_in_and_out_changes_what_the_header_shows,
    |app| async move {
        app.add_user("koord@example.fi", Role::Coordinator, None, None)
            .await;
        let res = app.sign_in("koord@example.fi").await;
        assert_eq!(res.location(), "/");
        let session = res.set_cookie("tuuli_session").unwrap();
        assert!(
            session.contains("HttpOnly") && session.contains("SameSite=Lax"),
            "{session}"
        );
        let home = app.get("/").await;
        assert!(home.body.contains("Kirjaudu ulos"), "not signed in");
        app.post_form("/logout", &[]).await.assert_status(303);
        let home = app.get("/").await;
        assert!(home.body.contains("Kirjaudu sisään"));
    }
);

both!(
    a_wrong_password_is_refused_and_the_email_is_kept,
    |app| async move {
        app.add_user("a@example.fi", Role::Member, None, None).await;
        let res = app
            .post_form(
                "/login",
                &[("email", "a@example.fi"), ("password", "wrong-password")],
            )
            .await;
        res.assert_status(401);
        assert!(res.body.contains("Sähköposti tai salasana on väärin"));
        assert!(
            res.body.contains("value=\"a@example.fi\""),
            "typed email lost"
        );
    }
);

both!(
    sign_in_is_throttled_after_repeated_failures,
    |app| async move {
        app.add_user("b@example.fi", Role::Member, None, None).await;
        for _ in 0..5 {
            app.post_form(
                "/login",
                &[("email", "b@example.fi"), ("password", "nope-nope-nope")],
            )
            .await
            .assert_status(401);
        }
        // Even the right password is refused while throttled.
        let res = app
            .post_form(
                "/login",
                &[("email", "b@example.fi"), ("password", PASSWORD)],
            )
            .await;
        res.assert_status(429);
        assert!(res.body.contains("15 minuutin kuluttua"), "{}", res.body);
        assert!(res.headers.contains_key("retry-after"));
    }
);

both!(
    a_forged_post_without_the_csrf_token_is_forbidden,
    |app| async move {
        app.add_user("c@example.fi", Role::Coordinator, None, None)
            .await;
        app.sign_in("c@example.fi").await;
        let res = app
            .post_form_raw(
                "/organisations",
                &[("name_fi", "Forged ry"), ("org_type", "ngo")],
            )
            .await;
        res.assert_status(403);
        let res = app
            .post_form_raw(
                "/organisations",
                &[
                    ("_csrf", "0000"),
                    ("name_fi", "Forged ry"),
                    ("org_type", "ngo"),
                ],
            )
            .await;
        res.assert_status(403);
        assert!(
            res.body.contains("tarkiste"),
            "the 403 page explains the CSRF failure"
        );
        assert_eq!(app.audit_count("organisation", "create").await, 0);
    }
);

both!(
    api_calls_with_the_session_cookie_need_the_csrf_header,
    |app| async move {
        app.add_user("d@example.fi", Role::Coordinator, None, None)
            .await;
        app.sign_in("d@example.fi").await;
        let cookie = {
            let jar = app.cookies.lock().unwrap();
            jar.iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ")
        };
        let body = serde_json::json!({"name_fi": "Cookie ry", "org_type": "ngo"}).to_string();
        let req = axum::http::Request::post("/api/v1/organisations")
            .header("cookie", &cookie)
            .header("content-type", "application/json")
            .body(axum::body::Body::from(body.clone()))
            .unwrap();
        app.send(req).await.assert_status(403);
        let token = app.csrf().await;
        let req = axum::http::Request::post("/api/v1/organisations")
            .header("cookie", &cookie)
            .header("x-csrf-token", token)
            .header("content-type", "application/json")
            .body(axum::body::Body::from(body))
            .unwrap();
        app.send(req).await.assert_status(201);
    }
);

both!(
    tokens_authenticate_and_stop_working_when_revoked,
    |app| async move {
        app.add_user("e@example.fi", Role::Admin, None, None).await;
        let (id, token) = tuuli::auth::store::create_token(
            &app.db,
            "e@example.fi",
            &tuuli::auth::Actor::system("t"),
        )
        .await
        .unwrap();
        app.api(axum::http::Method::GET, "/api/v1/audit", Some(&token), None)
            .await
            .assert_status(200);
        assert!(
            tuuli::auth::store::revoke_token(&app.db, id, &tuuli::auth::Actor::system("t"))
                .await
                .unwrap()
        );
        app.api(axum::http::Method::GET, "/api/v1/audit", Some(&token), None)
            .await
            .assert_status(401);
        app.api(
            axum::http::Method::GET,
            "/api/v1/audit",
            Some("tuuli_bogus"),
            None,
        )
        .await
        .assert_status(401);
    }
);

both!(
    pages_that_need_sign_in_redirect_to_the_login_with_the_way_back,
    |app| async move {
        let res = app.get("/admin/audit?entity=organisation").await;
        res.assert_status(303);
        assert_eq!(
            res.location(),
            "/login?next=%2Fadmin%2Faudit%3Fentity%3Dorganisation"
        );
    }
);

both!(
    the_login_does_not_redirect_to_other_sites,
    |app| async move {
        app.add_user("f@example.fi", Role::Member, None, None).await;
        let res = app
            .post_form(
                "/login",
                &[
                    ("email", "f@example.fi"),
                    ("password", PASSWORD),
                    ("next", "//evil.example/"),
                ],
            )
            .await;
        assert_eq!(res.location(), "/");
    }
);

both!(cookies_are_secure_behind_an_https_proxy, |app| async move {
    app.add_user("g@example.fi", Role::Member, None, None).await;
    let token = app.csrf().await;
    let body = serde_urlencoded::to_string([
        ("_csrf", token.as_str()),
        ("email", "g@example.fi"),
        ("password", PASSWORD),
    ])
    .unwrap();
    let req = axum::http::Request::post("/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-forwarded-proto", "https")
        .body(axum::body::Body::from(body))
        .unwrap();
    let res = app.send(req).await;
    res.assert_status(303);
    let session = res.set_cookie("tuuli_session").unwrap();
    assert!(session.contains("; Secure"), "{session}");
    let page = app
        .send(
            axum::http::Request::get("/?lang=en")
                .header("x-forwarded-proto", "https")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    let lang = page.set_cookie("tuuli_lang").unwrap();
    assert!(lang.contains("; Secure"), "{lang}");
});

both!(passwords_are_stored_as_argon2id_hashes, |app| async move {
    app.add_user("h@example.fi", Role::Member, None, None).await;
    let hash: String = tuuli::with_db!(&app.db, p => sqlx::query_scalar("SELECT password_hash FROM users WHERE email = 'h@example.fi'").fetch_one(p).await).unwrap();
    assert!(hash.starts_with("$argon2id$") && !hash.contains(PASSWORD));
    let session_rows: Vec<String> = {
        app.sign_in("h@example.fi").await;
        tuuli::with_db!(&app.db, p => sqlx::query_scalar("SELECT token_hash FROM sessions").fetch_all(p).await).unwrap()
    };
    let cookie = app
        .cookies
        .lock()
        .unwrap()
        .get("tuuli_session")
        .cloned()
        .unwrap();
    assert!(
        !session_rows.contains(&cookie),
        "the session secret must not be stored"
    );
    assert!(session_rows.contains(&tuuli::auth::token_hash(&cookie)));
});
