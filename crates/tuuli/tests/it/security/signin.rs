//! Sign-in: the redirect after it, throttling that is atomic and cannot lock the owner
//! out, and input caps.

use tower::ServiceExt;
use tuuli::auth::Role;

use crate::both;
use crate::helpers::{PASSWORD, TestApp};

async fn failures(app: &TestApp) -> i64 {
    tuuli::with_db!(&app.db, p => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM login_failures").fetch_one(p).await)
        .unwrap()
}

both!(
    only_a_same_site_path_is_followed_after_sign_in,
    |app| async move {
        app.add_user("r@example.fi", Role::Member, None, None).await;
        // The form carries only a safe `next`.
        let form = app.get("/login?next=%2F%09%2Fevil.example").await;
        assert!(
            form.body.contains(r#"name="next" value="&#x2f;""#),
            "{}",
            form.body
        );
        for next in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\u{b}/x",
            "/\\evil.example",
            "//evil.example",
        ] {
            let res = app
                .post_form(
                    "/login",
                    &[
                        ("email", "r@example.fi"),
                        ("password", PASSWORD),
                        ("next", next),
                    ],
                )
                .await;
            res.assert_status(303);
            assert_eq!(res.location(), "/", "{next:?}");
        }
        let res = app
            .post_form(
                "/login",
                &[
                    ("email", "r@example.fi"),
                    ("password", PASSWORD),
                    ("next", "/people?page=2"),
                ],
            )
            .await;
        assert_eq!(res.location(), "/people?page=2");
    }
);

both!(parallel_guesses_are_counted_atomically, |app| async move {
    app.add_user("t@example.fi", Role::Member, None, None).await;
    let mut tasks = Vec::new();
    for _ in 0..30 {
        let req = app
            .form_request(
                "198.51.100.9:5000",
                &[],
                "/login",
                &[("email", "t@example.fi"), ("password", "wrong-guess-123")],
            )
            .await;
        let router = app.router.clone();
        tasks.push(tokio::spawn(
            async move { router.oneshot(req).await.unwrap() },
        ));
    }
    let mut checked = 0;
    let mut refused = 0;
    for t in tasks {
        let res = t.await.unwrap();
        match res.status().as_u16() {
            401 => checked += 1,
            429 => {
                refused += 1;
                let retry: i64 = res.headers()["retry-after"]
                    .to_str()
                    .unwrap()
                    .parse()
                    .unwrap();
                assert!((1..=900).contains(&retry), "{retry}");
            }
            s => panic!("unexpected {s}"),
        }
    }
    assert_eq!((checked, refused), (5, 25));
});

both!(
    the_owner_still_signs_in_while_another_client_hammers_the_account,
    |app| async move {
        app.add_user("o@example.fi", Role::Member, None, None).await;
        let attacker = "203.0.113.66:40000";
        for _ in 0..5 {
            app.post_form_from(
                attacker,
                &[],
                "/login",
                &[("email", "o@example.fi"), ("password", "guess-guess-1")],
            )
            .await
            .assert_status(401);
        }
        let res = app
            .post_form_from(
                attacker,
                &[],
                "/login?lang=en",
                &[("email", "o@example.fi"), ("password", PASSWORD)],
            )
            .await;
        res.assert_status(429);
        assert!(res.headers.contains_key("retry-after"));
        assert!(res.body.contains("Try again in 15 minutes"), "{}", res.body);
        // The owner, from another address, is not locked out.
        let res = app
            .post_form_from(
                "192.0.2.10:50000",
                &[],
                "/login",
                &[("email", "o@example.fi"), ("password", PASSWORD)],
            )
            .await;
        res.assert_status(303);
        // ... and the attacker is still throttled after the owner's success.
        app.post_form_from(
            attacker,
            &[],
            "/login",
            &[("email", "o@example.fi"), ("password", PASSWORD)],
        )
        .await
        .assert_status(429);
    }
);

both!(a_hot_account_is_slowed_down_not_locked, |app| async move {
    app.add_user("h@example.fi", Role::Member, None, None).await;
    for i in 0..10 {
        let peer = format!("203.0.113.{}:1000", i + 1);
        app.post_form_from(
            &peer,
            &[],
            "/login",
            &[("email", "h@example.fi"), ("password", "guess-guess-2")],
        )
        .await
        .assert_status(401);
    }
    // Many clients failed: a new client waits a moment, then may try.
    let owner = "192.0.2.20:2000";
    let res = app
        .post_form_from(
            owner,
            &[],
            "/login",
            &[("email", "h@example.fi"), ("password", PASSWORD)],
        )
        .await;
    res.assert_status(429);
    let retry: u64 = res.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry <= 2, "{retry}");
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    app.post_form_from(
        owner,
        &[],
        "/login",
        &[("email", "h@example.fi"), ("password", PASSWORD)],
    )
    .await
    .assert_status(303);
});

both!(
    forwarded_for_counts_only_behind_a_trusted_proxy,
    |app| async move {
        let app = app.with_config(|c| c.trusted_proxies = vec!["10.0.0.1".parse().unwrap()]);
        app.add_user("p@example.fi", Role::Member, None, None).await;
        let proxy = "10.0.0.1:443";
        for _ in 0..5 {
            app.post_form_from(
                proxy,
                &[("x-forwarded-for", "203.0.113.7")],
                "/login",
                &[("email", "p@example.fi"), ("password", "guess-guess-3")],
            )
            .await
            .assert_status(401);
        }
        app.post_form_from(
            proxy,
            &[("x-forwarded-for", "203.0.113.7")],
            "/login",
            &[("email", "p@example.fi"), ("password", PASSWORD)],
        )
        .await
        .assert_status(429);
        // Another client behind the same proxy is someone else.
        app.post_form_from(
            proxy,
            &[("x-forwarded-for", "198.51.100.8")],
            "/login",
            &[("email", "p@example.fi"), ("password", PASSWORD)],
        )
        .await
        .assert_status(303);
        // A client that is not the proxy cannot pick its address with the header.
        let direct = "203.0.113.99:1";
        for _ in 0..5 {
            app.post_form_from(
                direct,
                &[("x-forwarded-for", "192.0.2.1")],
                "/login",
                &[("email", "p@example.fi"), ("password", "guess-guess-4")],
            )
            .await
            .assert_status(401);
        }
        app.post_form_from(
            direct,
            &[("x-forwarded-for", "192.0.2.2")],
            "/login",
            &[("email", "p@example.fi"), ("password", PASSWORD)],
        )
        .await
        .assert_status(429);
    }
);

both!(
    huge_sign_in_fields_are_refused_unstored_and_old_failures_are_purged,
    |app| async move {
        let huge = format!("{}@example.fi", "a".repeat(250_000));
        let res = app
            .post_form(
                "/login",
                &[("email", huge.as_str()), ("password", "x-x-x-x-x-x")],
            )
            .await;
        res.assert_status(422);
        assert!(
            res.body.len() < 100_000,
            "the huge value is not echoed back"
        );
        let long_pw = "p".repeat(5000);
        app.post_form(
            "/login",
            &[("email", "a@example.fi"), ("password", long_pw.as_str())],
        )
        .await
        .assert_status(422);
        assert_eq!(failures(&app).await, 0);
        // A failure from long ago is deleted by the next attempt.
        let old = chrono::Utc::now() - chrono::Duration::days(2);
        tuuli::with_db!(&app.db, p => sqlx::query("INSERT INTO login_failures (email, client, at) VALUES ('old@example.fi', 'x', $1)").bind(old).execute(p).await.map(|r| r.rows_affected())).unwrap();
        app.post_form(
            "/login",
            &[
                ("email", "new@example.fi"),
                ("password", "wrong-password-1"),
            ],
        )
        .await
        .assert_status(401);
        let left: Vec<String> = tuuli::with_db!(&app.db, p => sqlx::query_scalar("SELECT email FROM login_failures").fetch_all(p).await).unwrap();
        assert_eq!(left, vec!["new@example.fi".to_owned()]);
    }
);
