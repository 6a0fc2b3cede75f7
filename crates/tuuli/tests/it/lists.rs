//! Lists and choosers that stay usable as the registry grows (issue 5 item 10): a filter
//! that chooses an organisation lists only the organisations found by typed text.

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
