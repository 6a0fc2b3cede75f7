//! Who sees internal meetings and minutes, and who edits meetings.

use axum::http::Method;
use tuuli::auth::Role;

use super::*;
use crate::both;

both!(
    an_internal_meeting_is_hidden_from_the_public_and_other_groups_but_shown_with_minutes_to_its_members,
    |app| async move {
        let app = app.with_demo().await;
        let mental = meeting_id(&app, MENTAL).await;
        let gambling = meeting_id(&app, GAMBLING).await;
        for path in [
            format!("/meetings/{mental}"),
            format!("/meetings/{mental}.ics"),
            format!("/meetings/{gambling}"),
        ] {
            app.get(&path).await.assert_status(404);
        }
        app.api(Method::GET, &format!("/api/v1/meetings/{mental}"), None, None)
            .await
            .assert_status(404);
        let past = app.get("/meetings?when=past").await.body;
        assert!(!past.contains(MENTAL) && past.contains("Seutukoordinaatioryhmän kokous"));
        // The public sees a public meeting's agenda and decisions, not its minutes.
        let coord_past = id_of(&app, "SELECT id FROM meetings WHERE title = $1 AND minutes <> '' ORDER BY starts_at LIMIT 1", "Seutukoordinaatioryhmän kokous (esimerkki)").await;
        let public = app.get(&format!("/meetings/{coord_past}")).await;
        public.assert_status(200);
        assert!(public.body.contains("Toimintakertomuksen valmistelu"));
        assert!(public.body.contains("Toimintakertomuksen luonnos valmistellaan"));
        assert!(!public.body.contains(COORD_MINUTES) && !public.body.contains("Aino Esimerkki"));
        let json = app.api(Method::GET, &format!("/api/v1/meetings/{coord_past}"), None, None).await.json();
        assert!(json.get("minutes").is_none() && json.get("attendance").is_none(), "{json}");

        // Matti Testinen's user: member of the coordination and gambling groups only.
        sign_in_demo(&app, "jasen@example.fi").await;
        app.get(&format!("/meetings/{mental}")).await.assert_status(404);
        app.get(&format!("/meetings/{mental}.ics")).await.assert_status(404);
        assert!(!app.get("/meetings?when=past").await.body.contains(MENTAL));
        app.get(&format!("/meetings/{gambling}")).await.assert_status(200);
        assert!(app.get("/meetings").await.body.contains(GAMBLING));
        assert!(app.get(&format!("/meetings/{coord_past}")).await.body.contains(COORD_MINUTES));

        // Sanna Demo convenes the mental-health group: she sees its minutes and attendance.
        app.sign_out_locally();
        let sanna = person_id(&app, "Sanna Demo").await;
        app.add_user("sanna@example.fi", Role::Member, None, Some(sanna)).await;
        app.sign_in("sanna@example.fi").await;
        let page = app.get(&format!("/meetings/{mental}")).await;
        page.assert_status(200);
        assert!(page.body.contains(MENTAL_MINUTES));
        assert!(page.body.contains("Helmi Harjoitus"), "attendance names missing");
        assert!(!page.body.contains("Kokemusasiantuntija") && !page.body.contains("lived_experience"));
        assert!(
            !page.body.contains(&format!("action=\"/meetings/{mental}/decisions\"")),
            "a member got the decision form"
        );
        assert!(app.get("/meetings?when=past").await.body.contains(MENTAL));
    }
);

both!(
    an_editor_of_the_convener_edits_the_groups_meetings_and_an_editor_of_another_organisation_gets_403,
    |app| async move {
        let app = app.with_demo().await;
        let mental = meeting_id(&app, MENTAL).await;
        let group = group_id(&app, "Mielenterveys- ja päihdeasiantuntijaryhmä").await;
        // Anonymous: to sign-in.
        let res = app.get(&format!("/meetings/{mental}/edit")).await;
        res.assert_status(303);
        assert!(res.location().starts_with("/login"));
        // An editor of Sysmä (not the convener): 403 everywhere.
        sign_in_demo(&app, "sysma@example.fi").await;
        app.get(&format!("/meetings/{mental}/edit")).await.assert_status(403);
        app.post_form(&format!("/meetings/{mental}/edit"), &[("title", "Kaapattu")]).await.assert_status(403);
        app.post_form(&format!("/meetings/{mental}/delete"), &[]).await.assert_status(403);
        app.post_form(&format!("/meetings/{mental}/decisions"), &[("text", "x")]).await.assert_status(403);
        app.get(&format!("/meetings/new?group={group}")).await.assert_status(403);
        app.get(&format!("/meetings/{mental}")).await.assert_status(404);
        app.sign_out_locally();
        // A member: 403 on edit, also through the API.
        sign_in_demo(&app, "jasen@example.fi").await;
        app.get("/meetings/new").await.assert_status(403);
        app.sign_out_locally();
        let member_token = app.token_for("jasen@example.fi").await;
        app.api(Method::DELETE, &format!("/api/v1/meetings/{mental}"), Some(&member_token), None).await.assert_status(403);
        // An editor of Mente, the convener: sees, edits and deletes.
        let mente = org_id(&app, "Mente").await;
        app.add_user("mente@example.fi", Role::Editor, Some(mente), None).await;
        app.sign_in("mente@example.fi").await;
        let page = app.get(&format!("/meetings/{mental}")).await;
        page.assert_status(200);
        assert!(page.body.contains(MENTAL_MINUTES));
        let form = app.get(&format!("/meetings/{mental}/edit")).await;
        form.assert_status(200);
        assert!(form.body.contains(MENTAL_MINUTES) && form.body.contains("Kuulumiskierros"));
        let coord = group_id(&app, "Ehkäisevän työn seutukoordinaatioryhmä").await;
        // Moving the meeting to a group Mente does not convene is refused.
        let moved = app.post_form(&format!("/meetings/{mental}/edit"), &[
            ("group_id", &coord.to_string()), ("title", "Siirretty"), ("starts_at", "2030-01-01T10:00"), ("ends_at", "2030-01-01T11:00"),
        ]).await;
        moved.assert_status(403);
        let res = app.post_form(&format!("/meetings/{mental}/edit"), &[
            ("group_id", &group.to_string()), ("title", "Päivitetty kokous"), ("starts_at", "2030-01-01T10:00"),
            ("ends_at", "2030-01-01T11:00"), ("agenda", "Uusi asia"), ("minutes", "Uusi muistio"),
        ]).await;
        res.assert_status(303);
        let page = app.get(&format!("/meetings/{mental}")).await;
        assert!(page.body.contains("Päivitetty kokous") && page.body.contains("<li>Uusi asia</li>") && page.body.contains("Uusi muistio"));
        assert!(page.body.contains("Koulutuspäivä järjestetään keväällä"), "decisions were lost on update");
        assert_eq!(app.audit_count("meeting", "update").await, 1);
        app.post_form(&format!("/meetings/{mental}/delete"), &[]).await.assert_status(303);
        app.get(&format!("/meetings/{mental}")).await.assert_status(404);
        assert_eq!(app.audit_count("meeting", "delete").await, 1);
    }
);
