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
