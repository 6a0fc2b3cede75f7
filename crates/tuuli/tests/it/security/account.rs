//! Credentials: own password change, disabling revokes tokens, admin form links.

use axum::http::Method;
use tuuli::auth::Role;

use crate::both;
use crate::helpers::{PASSWORD, TestApp};

both!(
    a_user_changes_their_own_password_and_other_sessions_end,
    |app| async move {
        app.add_user("m@example.fi", Role::Member, None, None).await;
        // A second session, as on another device.
        let other = TestApp::new_sharing(&app);
        other.sign_in("m@example.fi").await;
        app.sign_in("m@example.fi").await;
        let page = app.get("/account/password").await;
        page.assert_status(200);
        let wrong = app
            .post_form(
                "/account/password?lang=en",
                &[
                    ("current_password", "not-it-at-all"),
                    ("new_password", "uusi-salasana-2026"),
                    ("new_password_again", "uusi-salasana-2026"),
                ],
            )
            .await;
        wrong.assert_status(422);
        assert!(
            wrong.body.contains("The current password is wrong"),
            "{}",
            wrong.body
        );
        let common = app
            .post_form(
                "/account/password",
                &[
                    ("current_password", PASSWORD),
                    ("new_password", "salasana123"),
                    ("new_password_again", "salasana123"),
                ],
            )
            .await;
        common.assert_status(422);
        let res = app
            .post_form(
                "/account/password",
                &[
                    ("current_password", PASSWORD),
                    ("new_password", "uusi-salasana-2026"),
                    ("new_password_again", "uusi-salasana-2026"),
                ],
            )
            .await;
        res.assert_status(303);
        // This session goes on; the other one has ended.
        app.get("/account/password").await.assert_status(200);
        assert_eq!(other.get("/account/password").await.status.as_u16(), 303);
        // The new password works, the old one does not.
        app.sign_out_locally();
        let old = app
            .post_form(
                "/login",
                &[("email", "m@example.fi"), ("password", PASSWORD)],
            )
            .await;
        old.assert_status(401);
        let new = app
            .post_form(
                "/login",
                &[
                    ("email", "m@example.fi"),
                    ("password", "uusi-salasana-2026"),
                ],
            )
            .await;
        new.assert_status(303);
        // Anonymous users are sent to sign in.
        app.sign_out_locally();
        assert_eq!(app.get("/account/password").await.status.as_u16(), 303);
    }
);

both!(
    disabling_a_user_revokes_their_tokens_for_good,
    |app| async move {
        let admin = app.add_user("a@example.fi", Role::Admin, None, None).await;
        let _ = admin;
        let id = app
            .add_user("t@example.fi", Role::Coordinator, None, None)
            .await;
        let token = app.token_for("t@example.fi").await;
        app.api(Method::GET, "/api/v1/people", Some(&token), None)
            .await
            .assert_status(200);
        app.sign_in("a@example.fi").await;
        let path = format!("/admin/users/{id}/disabled");
        app.post_form(&path, &[("disabled", "1")])
            .await
            .assert_status(303);
        app.api(Method::GET, "/api/v1/people", Some(&token), None)
            .await
            .assert_status(401);
        app.post_form(&path, &[("disabled", "0")])
            .await
            .assert_status(303);
        app.api(Method::GET, "/api/v1/people", Some(&token), None)
            .await
            .assert_status(401);
    }
);

both!(
    the_admin_form_names_an_unknown_person_or_organisation,
    |app| async move {
        app.add_user("a@example.fi", Role::Admin, None, None).await;
        app.sign_in("a@example.fi").await;
        let res = app
            .post_form(
                "/admin/users?lang=en",
                &[
                    ("email", "new@example.fi"),
                    ("name", "New"),
                    ("role", "member"),
                    ("person_id", "987654"),
                    ("password", "a-long-password"),
                ],
            )
            .await;
        res.assert_status(422);
        assert!(res.body.contains("href=\"#person_id\""), "{}", res.body);
        assert!(!res.body.contains("exists already"));
        let res = app
            .post_form(
                "/admin/users",
                &[
                    ("email", "new@example.fi"),
                    ("name", "New"),
                    ("role", "editor"),
                    ("organisation_id", "987654"),
                    ("password", "a-long-password"),
                ],
            )
            .await;
        res.assert_status(422);
        assert!(
            res.body.contains("href=\"#organisation_id\""),
            "{}",
            res.body
        );
        let res = app
            .post_form(
                "/admin/users",
                &[
                    ("email", "new@example.fi"),
                    ("name", "New"),
                    ("role", "member"),
                    ("password", "qwertyuiop123"),
                ],
            )
            .await;
        res.assert_status(422);
        assert!(res.body.contains("href=\"#password\""), "{}", res.body);
    }
);
