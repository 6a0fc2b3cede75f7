//! Lists and choosers that stay usable as the registry grows (issue 5 item 10): a filter
//! that chooses an organisation lists only the organisations found by typed text. This file
//! has the shared helpers and the choosers of the forms; `lists/paging.rs` has the keyset
//! pager, the capped count and the order of searches with many matches.

mod name_index;
mod paging;

use tuuli::auth::Role;

use crate::both;

both!(
    the_people_filter_lists_only_the_organisations_found_by_the_typed_text,
    |app| async move {
        let sysma = app.add_org("Sysmän kunta", "municipality").await;
        for n in 0..40 {
            app.add_org(&format!("Lahden seura {n:02}"), "ngo").await;
        }
        app.add_user("k@example.fi", Role::Coordinator, None, None)
            .await;
        app.sign_in("k@example.fi").await;
        let option = format!("<option value=\"{sysma}\"");

        // Nothing typed: the select does not list the registry.
        let page = app.get("/people").await;
        page.assert_status(200);
        assert!(!page.body.contains(&option) && !page.body.contains("Lahden seura"));
        assert!(page.body.contains("name=\"org_q\""));

        // Typed text (any case, non-ASCII too) lists what it finds.
        let page = app.get("/people?org_q=SYSM%C3%84").await;
        assert!(page.body.contains(&option), "{}", page.body);
        assert!(!page.body.contains("Lahden seura"));
        assert!(
            page.body.contains("value=\"SYSMÄ\""),
            "the typed text is kept"
        );

        // Many found: the first ones by name, and a note that says so.
        let page = app.get("/people?org_q=lahden").await;
        assert_eq!(page.body.matches("Lahden seura").count(), 30);
        assert!(page.body.contains("Lahden seura 00") && !page.body.contains("Lahden seura 30"));
        assert!(page.body.contains("id=\"f-organisation-more\""));

        // The chosen organisation stays listed and selected without any text.
        let page = app.get(&format!("/people?organisation={sysma}")).await;
        assert!(
            page.body
                .contains(&format!("{option} selected>Sysmän kunta")),
            "{}",
            page.body
        );
    }
);

/// `count` organisations named "Lahden seura NN" (more than a chooser lists).
async fn many_orgs(app: &crate::helpers::TestApp, count: usize) {
    for n in 0..count {
        app.add_org(&format!("Lahden seura {n:02}"), "ngo").await;
    }
}

async fn coordinator(app: &crate::helpers::TestApp) {
    app.add_user("k@example.fi", Role::Coordinator, None, None)
        .await;
    app.sign_in("k@example.fi").await;
}

async fn scalar(app: &crate::helpers::TestApp, sql: &str) -> i64 {
    tuuli::with_db!(&app.db, p => sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql)).fetch_one(p).await)
        .expect(sql)
}

both!(
    the_group_form_finds_conveners_by_typed_text_keeps_what_was_typed_and_saves_the_choice,
    |app| async move {
        let aane = app.add_org("Äänekosken säätiö", "foundation").await;
        many_orgs(&app, 40).await;
        coordinator(&app).await;
        let option = format!("<option value=\"{aane}\"");

        // A large registry: the new form lists none of it, but has the search field.
        let page = app.get("/groups/new").await;
        page.assert_status(200);
        assert!(!page.body.contains(&option) && !page.body.contains("Lahden seura"));
        assert!(page.body.contains("name=\"convener_id_q\""));

        // Find: the form comes back with the match (found with another case of Ä),
        // everything typed kept, nothing saved.
        let fields = [
            ("name_fi", "Uusi ryhmä"),
            ("group_type", "expert"),
            ("status", "active"),
            ("description", "Kuvaus jää"),
            ("convener_id", ""),
            ("convener_id_q", "ÄÄNEK"),
            ("convener_id_q_was", ""),
            ("_find", "convener_id"),
        ];
        let page = app.post_form("/groups", &fields).await;
        page.assert_status(200);
        assert!(page.body.contains(&option), "{}", page.body);
        assert!(!page.body.contains("Lahden seura"));
        assert!(page.body.contains("value=\"Uusi ryhmä\""));
        assert!(page.body.contains("Kuvaus jää"));
        assert!(page.body.contains("value=\"ÄÄNEK\""));
        assert_eq!(
            scalar(&app, "SELECT COUNT(*) FROM work_groups").await,
            0,
            "a search saves nothing"
        );

        // Enter in the search field (new text, no button): a search too, with the first
        // matches by name and a note that there are more.
        let fields = [
            ("name_fi", "Uusi ryhmä"),
            ("group_type", "expert"),
            ("status", "active"),
            ("convener_id_q", "lahden"),
            ("convener_id_q_was", "ÄÄNEK"),
        ];
        let page = app.post_form("/groups", &fields).await;
        page.assert_status(200);
        assert_eq!(page.body.matches("Lahden seura").count(), 30);
        assert!(page.body.contains("id=\"convener_id-status\""));

        // Choosing a found organisation and saving: the group is created with it.
        let aane_s = aane.to_string();
        let fields = [
            ("name_fi", "Uusi ryhmä"),
            ("group_type", "expert"),
            ("status", "active"),
            ("convener_id", aane_s.as_str()),
            ("convener_id_q", "ÄÄNEK"),
            ("convener_id_q_was", "ÄÄNEK"),
        ];
        let res = app.post_form("/groups", &fields).await;
        res.assert_status(303);
        assert_eq!(
            scalar(
                &app,
                "SELECT convener_id FROM work_groups WHERE name_fi = 'Uusi ryhmä'"
            )
            .await,
            aane
        );
        // Editing it: the chosen convener is listed and selected without any search.
        let id = scalar(&app, "SELECT id FROM work_groups").await;
        let page = app.get(&format!("/groups/{id}/edit")).await;
        assert!(
            page.body.contains(&format!("{option} selected>")),
            "{}",
            page.body
        );
    }
);

both!(
    a_small_registry_is_listed_whole_in_a_chooser_and_short_text_still_finds,
    |app| async move {
        let a = app.add_org("Äänekosken säätiö", "foundation").await;
        let b = app.add_org("Lahden kaupunki", "municipality").await;
        coordinator(&app).await;
        // Two organisations: both listed, as a plain select would.
        let page = app.get("/people/new").await;
        page.assert_status(200);
        for id in [a, b] {
            assert!(page.body.contains(&format!("id=\"organisations-{id}\"")));
        }
        // One or two characters (below a trigram) still find, in any case.
        for text in ["Ä", "äÄ"] {
            let fields = [
                ("name", "X"),
                ("organisations_q", text),
                ("_find", "organisations"),
            ];
            let page = app.post_form("/people", &fields).await;
            page.assert_status(200);
            assert!(
                page.body.contains(&format!("id=\"organisations-{a}\"")),
                "{text}"
            );
            assert!(
                !page.body.contains(&format!("id=\"organisations-{b}\"")),
                "{text}"
            );
        }
    }
);

both!(
    the_person_form_keeps_ticked_organisations_while_finding_others_and_saves_them_all,
    |app| async move {
        let aane = app.add_org("Äänekosken säätiö", "foundation").await;
        let sysma = app.add_org("Sysmän kunta", "municipality").await;
        many_orgs(&app, 40).await;
        coordinator(&app).await;
        let (aane_s, sysma_s) = (aane.to_string(), sysma.to_string());
        // Äänekoski ticked earlier; now find Sysmä.
        let fields = [
            ("name", "Outi Uusi"),
            ("email", "outi@example.fi"),
            ("organisations", aane_s.as_str()),
            ("organisations_q", "sysmä"),
            ("organisations_q_was", "äänek"),
            ("_find", "organisations"),
        ];
        let page = app.post_form("/people", &fields).await;
        page.assert_status(200);
        assert!(page.body.contains(&format!(
            "id=\"organisations-{aane}\" name=\"organisations\" value=\"{aane}\" checked"
        )));
        assert!(page.body.contains(&format!(
            "id=\"organisations-{sysma}\" name=\"organisations\" value=\"{sysma}\">"
        )));
        assert!(
            page.body.contains("value=\"Outi Uusi\"")
                && page.body.contains("value=\"outi@example.fi\"")
        );
        assert!(!page.body.contains("Lahden seura"));
        assert_eq!(scalar(&app, "SELECT COUNT(*) FROM people").await, 0);
        // Tick Sysmä too and save.
        let fields = [
            ("name", "Outi Uusi"),
            ("organisations", aane_s.as_str()),
            ("organisations", sysma_s.as_str()),
            ("organisations_q", "sysmä"),
            ("organisations_q_was", "sysmä"),
        ];
        app.post_form("/people", &fields).await.assert_status(303);
        assert_eq!(
            scalar(&app, "SELECT COUNT(*) FROM person_organisations").await,
            2
        );
    }
);

both!(
    the_add_member_form_finds_people_by_typed_text_and_adds_the_one_chosen,
    |app| async move {
        let group = crate::meetings::add_group(&app, "Hakuryhmä", None).await;
        let now = chrono::Utc::now();
        for n in 0..35 {
            let name = format!("Matti Mäkinen {n:02}");
            tuuli::with_db!(&app.db, p => sqlx::query("INSERT INTO people (name, created_at, updated_at, name_key, search_key) VALUES ($1, $2, $2, $3, $3)")
                .bind(&name).bind(now).bind(tuuli::db::keys::fold(&name)).execute(p).await.map(|_| ())).expect("person");
        }
        let outi = tuuli::with_db!(&app.db, p => sqlx::query_scalar::<_, i64>("INSERT INTO people (name, created_at, updated_at, name_key, search_key) VALUES ('Outi Öhman', $1, $1, 'outi öhman', 'outi öhman') RETURNING id")
            .bind(now).fetch_one(p).await).expect("person");
        coordinator(&app).await;
        let path = format!("/groups/{group}");
        let page = app.get(&path).await;
        page.assert_status(200);
        assert!(page.body.contains("name=\"person_id_q\""));
        assert!(
            !page.body.contains("Matti Mäkinen"),
            "36 people: none listed"
        );

        let fields = [
            ("person_id", ""),
            ("role", "chair"),
            ("start_date", "2026-01-01"),
            ("person_id_q", "ÖHM"),
            ("person_id_q_was", ""),
            ("_find", "person_id"),
        ];
        let page = app.post_form(&format!("{path}/memberships"), &fields).await;
        page.assert_status(200);
        assert!(
            page.body
                .contains(&format!("<option value=\"{outi}\">Outi Öhman")),
            "{}",
            page.body
        );
        assert!(
            page.body.contains("value=\"2026-01-01\""),
            "typed date kept"
        );
        assert!(
            page.body.contains("value=\"chair\" selected"),
            "typed role kept"
        );
        assert_eq!(scalar(&app, "SELECT COUNT(*) FROM memberships").await, 0);

        let outi_s = outi.to_string();
        let fields = [
            ("person_id", outi_s.as_str()),
            ("role", "chair"),
            ("start_date", "2026-01-01"),
            ("person_id_q", "ÖHM"),
            ("person_id_q_was", "ÖHM"),
        ];
        app.post_form(&format!("{path}/memberships"), &fields)
            .await
            .assert_status(303);
        assert_eq!(
            scalar(&app, "SELECT person_id FROM memberships").await,
            outi
        );
    }
);

both!(
    the_decision_form_finds_the_responsible_organisation_and_keeps_the_decision_text,
    |app| async move {
        let aane = app.add_org("Äänekosken säätiö", "foundation").await;
        many_orgs(&app, 40).await;
        let group = crate::meetings::add_group(&app, "Päätösryhmä", None).await;
        let meeting = tuuli::with_db!(&app.db, p => sqlx::query_scalar::<_, i64>("INSERT INTO meetings (group_id, title, starts_at, ends_at, is_public, created_at, updated_at) VALUES ($1, 'Kokous', '2030-01-15 10:00:00', '2030-01-15 12:00:00', TRUE, '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00') RETURNING id")
            .bind(group).fetch_one(p).await).expect("meeting");
        coordinator(&app).await;
        let path = format!("/meetings/{meeting}");
        let page = app.get(&path).await;
        page.assert_status(200);
        assert!(
            page.body.contains("name=\"responsible_id_q\"") && !page.body.contains("Lahden seura")
        );
        let fields = [
            ("text", "Selvitetään asia"),
            ("responsible_id_q", "säätiö"),
            ("responsible_id_q_was", ""),
            ("_find", "responsible_id"),
        ];
        let page = app.post_form(&format!("{path}/decisions"), &fields).await;
        page.assert_status(200);
        assert!(page.body.contains(&format!("<option value=\"{aane}\">")));
        assert!(page.body.contains("value=\"Selvitetään asia\""));
        assert_eq!(scalar(&app, "SELECT COUNT(*) FROM decisions").await, 0);
        let aane_s = aane.to_string();
        let fields = [
            ("text", "Selvitetään asia"),
            ("responsible_id", aane_s.as_str()),
            ("responsible_id_q", "säätiö"),
            ("responsible_id_q_was", "säätiö"),
        ];
        app.post_form(&format!("{path}/decisions"), &fields)
            .await
            .assert_status(303);
        assert_eq!(
            scalar(&app, "SELECT responsible_id FROM decisions").await,
            aane
        );
    }
);

both!(
    the_admin_user_forms_find_organisations_and_people_instead_of_listing_them_all,
    |app| async move {
        let aane = app.add_org("Äänekosken säätiö", "foundation").await;
        many_orgs(&app, 40).await;
        let now = chrono::Utc::now();
        for n in 0..35 {
            let name = format!("Matti Mäkinen {n:02}");
            tuuli::with_db!(&app.db, p => sqlx::query("INSERT INTO people (name, created_at, updated_at, name_key, search_key) VALUES ($1, $2, $2, $3, $3)")
                .bind(&name).bind(now).bind(tuuli::db::keys::fold(&name)).execute(p).await.map(|_| ())).expect("person");
        }
        let matti = scalar(&app, "SELECT MIN(id) FROM people").await;
        app.add_user("admin@example.fi", Role::Admin, None, None)
            .await;
        app.sign_in("admin@example.fi").await;
        let page = app.get("/admin/users").await;
        page.assert_status(200);
        assert!(!page.body.contains("Lahden seura") && !page.body.contains("Matti Mäkinen"));
        assert!(
            page.body.contains("name=\"organisation_id_q\"")
                && page.body.contains("name=\"person_id_q\"")
        );
        let fields = [
            ("email", "uusi@example.fi"),
            ("name", "Uusi Käyttäjä"),
            ("role", "editor"),
            ("organisation_id_q", "äänek"),
            ("organisation_id_q_was", ""),
            ("person_id_q", "MÄKINEN 00"),
            ("person_id_q_was", ""),
            ("_find", "organisation_id"),
        ];
        let page = app.post_form("/admin/users", &fields).await;
        page.assert_status(200);
        assert!(page.body.contains(&format!("<option value=\"{aane}\">")));
        assert!(
            page.body
                .contains(&format!("<option value=\"{matti}\">Matti Mäkinen 00"))
        );
        assert!(
            page.body.contains("value=\"uusi@example.fi\"")
                && page.body.contains("value=\"Uusi Käyttäjä\"")
        );
        assert_eq!(
            scalar(
                &app,
                "SELECT COUNT(*) FROM users WHERE email = 'uusi@example.fi'"
            )
            .await,
            0
        );
        let (aane_s, matti_s) = (aane.to_string(), matti.to_string());
        let fields = [
            ("email", "uusi@example.fi"),
            ("name", "Uusi Käyttäjä"),
            ("role", "editor"),
            ("organisation_id", aane_s.as_str()),
            ("organisation_id_q", "äänek"),
            ("organisation_id_q_was", "äänek"),
            ("person_id", matti_s.as_str()),
            ("person_id_q", "MÄKINEN 00"),
            ("person_id_q_was", "MÄKINEN 00"),
            ("password", "a-long-unusual-password-42"),
        ];
        app.post_form("/admin/users", &fields)
            .await
            .assert_status(303);
        assert_eq!(
            scalar(
                &app,
                "SELECT organisation_id FROM users WHERE email = 'uusi@example.fi'"
            )
            .await,
            aane
        );
        assert_eq!(
            scalar(
                &app,
                "SELECT person_id FROM users WHERE email = 'uusi@example.fi'"
            )
            .await,
            matti
        );
        // Its edit form shows the chosen organisation and person without a search.
        let id = scalar(&app, "SELECT id FROM users WHERE email = 'uusi@example.fi'").await;
        let page = app.get(&format!("/admin/users/{id}/edit")).await;
        assert!(
            page.body
                .contains(&format!("<option value=\"{aane}\" selected>"))
        );
        assert!(
            page.body
                .contains(&format!("<option value=\"{matti}\" selected>"))
        );
    }
);
