use crate::both;

both!(health_answers_with_the_database_kind, |app| async move {
    let res = app.get("/health").await;
    res.assert_status(200);
    let kind = res.json()["database"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(kind, app.db.kind_name());
});

both!(the_openapi_document_describes_the_api, |app| async move {
    let res = app.get("/api/openapi.json").await;
    res.assert_status(200);
    let spec = res.json();
    assert!(
        spec["openapi"]
            .as_str()
            .unwrap_or_default()
            .starts_with("3.1"),
        "{spec}"
    );
    for path in [
        "/api/v1/organisations",
        "/api/v1/organisations/{id}",
        "/api/v1/themes",
        "/api/v1/areas",
        "/api/v1/audit",
        "/api/v1/jobs/{id}",
        "/api/v1/jobs/checksum",
    ] {
        assert!(
            spec["paths"].get(path).is_some(),
            "missing {path} in the OpenAPI document"
        );
    }
});

both!(
    pages_are_finnish_by_default_and_follow_accept_language_and_the_switch,
    |app| async move {
        let fi = app.get("/").await;
        assert!(fi.body.contains("<html lang=\"fi\""));
        assert!(
            fi.body.contains("<title>Etusivu – Tuuli</title>"),
            "{}",
            fi.body
        );
        let req = axum::http::Request::get("/")
            .header("accept-language", "en-GB,en;q=0.9")
            .body(axum::body::Body::empty())
            .unwrap();
        let en = app.send(req).await;
        assert!(en.body.contains("<html lang=\"en\""));
        let sv = app.get("/?lang=sv").await;
        assert!(sv.body.contains("<html lang=\"sv\""));
        // The choice is remembered in a cookie.
        let again = app.get("/areas").await;
        assert!(
            again.body.contains("<html lang=\"sv\""),
            "language not remembered"
        );
        assert!(again.body.contains("Områden"));
    }
);

both!(every_response_carries_security_headers, |app| async move {
    let res = app.get("/").await;
    for h in [
        "content-security-policy",
        "x-content-type-options",
        "x-frame-options",
        "referrer-policy",
    ] {
        assert!(res.headers.contains_key(h), "missing {h}");
    }
    let csrf = res.set_cookie("tuuli_csrf");
    let csrf = csrf.expect("csrf cookie");
    assert!(
        csrf.contains("HttpOnly") && csrf.contains("SameSite=Lax"),
        "{csrf}"
    );
});

both!(unknown_pages_get_a_localised_404_page, |app| async move {
    let res = app.get("/no-such-page").await;
    res.assert_status(404);
    assert!(
        res.body.contains("<html lang=\"fi\"") && res.body.contains("ei löytynyt"),
        "{}",
        res.body
    );
});

both!(
    loading_the_demo_twice_duplicates_nothing,
    |app| async move {
        let app = app.with_demo().await;
        let count = |sql: &'static str| {
            let db = app.db.clone();
            async move {
                tuuli::with_db!(&db, p => sqlx::query_scalar::<_, i64>(sql).fetch_one(p).await)
                    .unwrap()
            }
        };
        let before = (
            count("SELECT COUNT(*) FROM organisations").await,
            count("SELECT COUNT(*) FROM areas").await,
            count("SELECT COUNT(*) FROM meetings").await,
            count("SELECT COUNT(*) FROM audit_log").await,
        );
        tuuli::demo::load(&app.db).await.unwrap();
        let after = (
            count("SELECT COUNT(*) FROM organisations").await,
            count("SELECT COUNT(*) FROM areas").await,
            count("SELECT COUNT(*) FROM meetings").await,
            count("SELECT COUNT(*) FROM audit_log").await,
        );
        assert_eq!(before, after);
        assert_eq!(before.1, 15);
        // The family-violence group is under negotiation, as the documents say.
        let status: String = tuuli::with_db!(&app.db, p => sqlx::query_scalar("SELECT status FROM work_groups WHERE name_fi LIKE 'Perhe-%'").fetch_one(p).await).unwrap();
        assert_eq!(status, "negotiation");
    }
);

both!(
    the_home_page_names_groups_in_the_page_language,
    |app| async move {
        let app = app.with_demo().await;
        let sv = app.get("/?lang=sv").await;
        assert!(
            sv.body
                .contains("Regional samordningsgrupp för förebyggande arbete"),
            "group cards not in Swedish"
        );
        let meetings = sv
            .body
            .split("id=\"meetings-heading\"")
            .nth(1)
            .unwrap_or_default()
            .to_owned();
        assert!(
            meetings.contains("Regional samordningsgrupp"),
            "coming meetings name the group in Finnish: {meetings}"
        );
    }
);

both!(
    every_response_has_a_request_id_and_a_sane_one_is_kept,
    |app| async move {
        let res = app.get("/health").await;
        let id = res
            .headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert_eq!(id.len(), 16, "{id}");
        let req = axum::http::Request::get("/health")
            .header("x-request-id", "proxy-abc-123")
            .body(axum::body::Body::empty())
            .unwrap();
        assert_eq!(app.send(req).await.headers["x-request-id"], "proxy-abc-123");
        let req = axum::http::Request::get("/health")
            .header("x-request-id", "bad id <script>")
            .body(axum::body::Body::empty())
            .unwrap();
        assert_ne!(
            app.send(req).await.headers["x-request-id"],
            "bad id <script>"
        );
    }
);

both!(
    the_favicon_is_served_and_every_page_links_it,
    |app| async move {
        let home = app.get("/").await;
        assert!(
            home.body
                .contains(r#"<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">"#)
        );
        for path in ["/assets/favicon.svg", "/favicon.ico"] {
            let res = app.get(path).await;
            res.assert_status(200);
            assert_eq!(res.headers["content-type"], "image/svg+xml");
            assert!(res.body.starts_with("<svg"), "{path}");
        }
    }
);
