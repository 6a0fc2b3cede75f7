use axum::http::Method;
use tuuli::auth::Role;

use crate::both;

both!(only_admins_see_users_and_the_audit_log, |app| async move {
    app.add_user("adm@example.fi", Role::Admin, None, None)
        .await;
    app.add_user("koord@example.fi", Role::Coordinator, None, None)
        .await;
    app.sign_in("koord@example.fi").await;
    app.get("/admin/users").await.assert_status(403);
    app.get("/admin/audit").await.assert_status(403);
    app.sign_out_locally();
    app.sign_in("adm@example.fi").await;
    let users = app.get("/admin/users").await;
    users.assert_status(200);
    assert!(users.body.contains("koord@example.fi"));
    app.get("/admin/audit").await.assert_status(200);
});

both!(
    an_admin_adds_a_user_with_the_form_and_bad_input_is_explained,
    |app| async move {
        app.add_user("adm@example.fi", Role::Admin, None, None)
            .await;
        app.sign_in("adm@example.fi").await;
        let res = app
            .post_form(
                "/admin/users",
                &[
                    ("email", "uusi@example.fi"),
                    ("name", "Uusi"),
                    ("role", "editor"),
                    ("password", "short"),
                ],
            )
            .await;
        res.assert_status(422);
        assert!(res.body.contains("value=\"uusi@example.fi\""));
        assert!(
            res.body.contains("vähintään 10 merkkiä")
                && res.body.contains("Muokkaajalle on valittava organisaatio")
        );
        let res = app
            .post_form(
                "/admin/users",
                &[
                    ("email", "uusi@example.fi"),
                    ("name", "Uusi"),
                    ("role", "member"),
                    ("password", "long-enough-pw"),
                ],
            )
            .await;
        res.assert_status(303);
        let res = app
            .post_form(
                "/admin/users",
                &[
                    ("email", "UUSI@example.fi"),
                    ("name", "Uusi"),
                    ("role", "member"),
                    ("password", "long-enough-pw"),
                ],
            )
            .await;
        res.assert_status(409);
        // The new user can sign in.
        app.sign_out_locally();
        let res = app
            .post_form(
                "/login",
                &[("email", "uusi@example.fi"), ("password", "long-enough-pw")],
            )
            .await;
        res.assert_status(303);
    }
);

both!(
    the_audit_log_filters_by_entity_and_action,
    |app| async move {
        app.add_user("adm@example.fi", Role::Admin, None, None)
            .await;
        app.add_org("Yksi ry", "ngo").await;
        app.add_org("Kaksi ry", "ngo").await;
        let token = app.token_for("adm@example.fi").await;
        let all = app
            .api(
                Method::GET,
                "/api/v1/audit?entity=organisation&action=create",
                Some(&token),
                None,
            )
            .await
            .json();
        assert_eq!(all["total"], 2);
        app.sign_in("adm@example.fi").await;
        let page = app.get("/admin/audit?entity=user").await;
        assert!(page.body.contains("adm@example.fi") && !page.body.contains("Yksi ry"));
    }
);

both!(
    a_disabled_user_is_signed_out_and_cannot_sign_in,
    |app| async move {
        app.add_user("adm@example.fi", Role::Admin, None, None)
            .await;
        let uid = app
            .add_user("pois@example.fi", Role::Member, None, None)
            .await;
        app.sign_in("adm@example.fi").await;
        app.post_form(
            &format!("/admin/users/{uid}/disabled"),
            &[("disabled", "1")],
        )
        .await
        .assert_status(303);
        let page = app.get("/admin/users").await;
        assert!(page.body.contains("Poistettu käytöstä"));
        let me: i64 = tuuli::with_db!(&app.db, p => sqlx::query_scalar("SELECT id FROM users WHERE email = 'adm@example.fi'").fetch_one(p).await).unwrap();
        app.post_form(&format!("/admin/users/{me}/disabled"), &[("disabled", "1")])
            .await
            .assert_status(400);
        app.post_form("/admin/users/999999/disabled", &[("disabled", "1")])
            .await
            .assert_status(404);
        app.sign_out_locally();
        let res = app
            .post_form(
                "/login",
                &[
                    ("email", "pois@example.fi"),
                    ("password", crate::helpers::PASSWORD),
                ],
            )
            .await;
        res.assert_status(401);
        assert_eq!(app.audit_count("user", "update").await, 1);
    }
);

both!(
    an_admin_changes_a_users_role_and_it_takes_effect_at_once,
    |app| async move {
        app.add_user("adm@example.fi", Role::Admin, None, None)
            .await;
        let uid = app
            .add_user("kayttaja@example.fi", Role::Member, None, None)
            .await;
        let org = app.add_org("Oma ry", "ngo").await;
        let token = app.token_for("kayttaja@example.fi").await;
        app.api(
            Method::PUT,
            &format!("/api/v1/organisations/{org}"),
            Some(&token),
            Some(serde_json::json!({"name_fi": "Oma ry", "org_type": "ngo"})),
        )
        .await
        .assert_status(403);
        app.sign_in("adm@example.fi").await;
        let form = app.get(&format!("/admin/users/{uid}/edit")).await;
        form.assert_status(200);
        assert!(form.body.contains("kayttaja@example.fi"));
        // An editor needs an organisation: the form says so and keeps the typed name.
        let res = app
            .post_form(
                &format!("/admin/users/{uid}/edit"),
                &[("name", "Uusi Nimi"), ("role", "editor")],
            )
            .await;
        res.assert_status(422);
        assert!(
            res.body.contains("value=\"Uusi Nimi\"")
                && res.body.contains("Muokkaajalle on valittava organisaatio")
        );
        let org_s = org.to_string();
        app.post_form(
            &format!("/admin/users/{uid}/edit"),
            &[
                ("name", "Uusi Nimi"),
                ("role", "editor"),
                ("organisation_id", &org_s),
            ],
        )
        .await
        .assert_status(303);
        app.api(
            Method::PUT,
            &format!("/api/v1/organisations/{org}"),
            Some(&token),
            Some(serde_json::json!({"name_fi": "Oma ry", "org_type": "ngo"})),
        )
        .await
        .assert_status(200);
        // An admin cannot demote themselves; unknown users are 404.
        let me: i64 = tuuli::with_db!(&app.db, p => sqlx::query_scalar("SELECT id FROM users WHERE email = 'adm@example.fi'").fetch_one(p).await).unwrap();
        let res = app
            .post_form(
                &format!("/admin/users/{me}/edit"),
                &[("name", "Admin"), ("role", "member")],
            )
            .await;
        res.assert_status(422);
        assert!(res.body.contains("Et voi poistaa itseltäsi"));
        app.get("/admin/users/999999/edit").await.assert_status(404);
        assert_eq!(app.audit_count("user", "update").await, 1);
    }
);
