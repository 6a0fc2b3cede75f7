//! The kinds of request the matrix sends, and the rows that read and use forms.

use axum::http::Method;
use serde_json::json;

use super::world::World;

pub(super) enum Call {
    Page(Method, String, Vec<(&'static str, String)>),
    Api(Method, String, Option<serde_json::Value>),
    /// A multipart page form with a file (CSRF token first), or with `api` an API upload.
    Upload {
        path: String,
        api: bool,
    },
}

pub(super) fn upload(path: &str, api: bool) -> Call {
    Call::Upload {
        path: path.into(),
        api,
    }
}

pub(super) fn page(path: String) -> Call {
    Call::Page(Method::GET, path, vec![])
}
pub(super) fn form(path: String, fields: Vec<(&'static str, String)>) -> Call {
    Call::Page(Method::POST, path, fields)
}
pub(super) fn api(method: Method, path: String, body: Option<serde_json::Value>) -> Call {
    Call::Api(method, path, body)
}

/// The pages, reads and forms: (call, expected status for [anon, member, editor A,
/// editor B, coordinator, admin]). Successful form posts answer 303 (a redirect).
pub(super) fn reads_and_forms(w: &World) -> Vec<(Call, [u16; 6])> {
    let ok = [200; 6];
    let signed = [401, 200, 200, 200, 200, 200];
    let coord_page = [401, 403, 403, 403, 200, 200];
    let coord_form = [401, 403, 403, 403, 303, 303];
    let admin_page = [401, 403, 403, 403, 403, 200];
    let conv_page = [401, 403, 200, 403, 200, 200];
    let conv_form = [401, 403, 303, 403, 303, 303];
    let draft = [404, 200, 200, 200, 200, 200];
    let org_fields = |n: &str| vec![("name_fi", n.to_owned()), ("org_type", "ngo".to_owned())];
    vec![
        // Public pages.
        (page("/".into()), ok),
        (page("/areas".into()), ok),
        (page("/organisations".into()), ok),
        (page(format!("/organisations/{}", w.org_a)), ok),
        (page("/groups".into()), ok),
        (page(format!("/groups/{}", w.group)), ok),
        (page("/meetings".into()), ok),
        (page(format!("/meetings/{}", w.public)), ok),
        (
            page(format!("/meetings/{}", w.internal)),
            [404, 200, 200, 404, 200, 200],
        ),
        (
            page(format!("/meetings/{}", w.internal_b)),
            [404, 404, 404, 200, 200, 200],
        ),
        (page("/meetings.ics".into()), ok),
        (page(format!("/groups/{}/meetings.ics", w.group)), ok),
        (page("/login".into()), ok),
        // Organisations.
        (page("/organisations/new".into()), coord_page),
        (
            form("/organisations".into(), org_fields("Uusi ry")),
            coord_form,
        ),
        (
            page(format!("/organisations/{}/edit", w.org_a)),
            [401, 403, 200, 403, 200, 200],
        ),
        (
            form(
                format!("/organisations/{}/edit", w.org_a),
                org_fields("Organisaatio A"),
            ),
            [401, 403, 303, 403, 303, 303],
        ),
        (
            form(format!("/organisations/{}/delete", w.org_free), vec![]),
            coord_form,
        ),
        // People.
        (page("/people".into()), signed),
        (
            page(format!("/people/{}", w.person_a)),
            [401, 200, 200, 404, 200, 200],
        ),
        (page("/people/new".into()), [401, 403, 200, 200, 200, 200]),
        (
            page(format!("/people/{}/edit", w.person_a)),
            [401, 403, 200, 403, 200, 200],
        ),
        (
            form(
                format!("/people/{}/edit", w.person_a),
                vec![
                    ("name", "Henkilö A".into()),
                    ("organisations", w.org_a.to_string()),
                ],
            ),
            [401, 403, 303, 403, 303, 303],
        ),
        (
            form(format!("/people/{}/delete", w.person_del), vec![]),
            [401, 403, 303, 403, 303, 303],
        ),
        // Groups and memberships.
        (page("/groups/new".into()), coord_page),
        (page(format!("/groups/{}/edit", w.group)), conv_page),
        (
            form(
                format!("/groups/{}/edit", w.group),
                vec![
                    ("name_fi", "Ryhmä G".into()),
                    ("group_type", "expert".into()),
                    ("status", "active".into()),
                    ("convener_id", w.org_a.to_string()),
                ],
            ),
            conv_form,
        ),
        (
            form(
                format!("/groups/{}/memberships", w.group),
                vec![
                    ("person_id", w.person_free.to_string()),
                    ("role", "member".into()),
                ],
            ),
            conv_form,
        ),
        (
            page(format!(
                "/groups/{}/memberships/{}/edit",
                w.group, w.membership
            )),
            conv_page,
        ),
        (
            form(
                format!("/groups/{}/memberships/{}/end", w.group, w.membership),
                vec![],
            ),
            conv_form,
        ),
        // Meetings.
        (
            page(format!("/meetings/new?group={}", w.group)),
            [401, 403, 200, 200, 200, 200],
        ),
        (page(format!("/meetings/{}/edit", w.internal)), conv_page),
        (
            form(
                format!("/meetings/{}/decisions", w.internal),
                vec![("text", "Uusi päätös".into())],
            ),
            conv_form,
        ),
        (
            form(format!("/meetings/{}/delete", w.internal_b), vec![]),
            [401, 403, 403, 303, 303, 303],
        ),
        // Administration.
        (page("/admin/users".into()), admin_page),
        (page("/admin/audit".into()), admin_page),
        (
            form(
                "/admin/users".into(),
                vec![
                    ("email", "x@example.fi".into()),
                    ("name", "X".into()),
                    ("role", "member".into()),
                    ("password", "long-enough-pw".into()),
                ],
            ),
            [401, 403, 403, 403, 403, 303],
        ),
        (
            form(
                "/admin/users/999999/disabled".into(),
                vec![("disabled", "1".into())],
            ),
            [401, 403, 403, 403, 403, 404],
        ),
        // API.
        (api(Method::GET, "/api/v1/themes".into(), None), ok),
        (api(Method::GET, "/api/v1/areas".into(), None), ok),
        (
            api(
                Method::POST,
                "/api/v1/areas".into(),
                Some(json!({"kind": "municipality", "name_fi": "Uusi", "official_code": "998"})),
            ),
            [401, 403, 403, 403, 201, 201],
        ),
        (api(Method::GET, "/api/v1/organisations".into(), None), ok),
        (
            api(
                Method::POST,
                "/api/v1/organisations".into(),
                Some(json!({"name_fi": "API ry", "org_type": "ngo"})),
            ),
            [401, 403, 403, 403, 201, 201],
        ),
        (
            api(
                Method::PUT,
                format!("/api/v1/organisations/{}", w.org_a),
                Some(json!({"name_fi": "Organisaatio A", "org_type": "ngo"})),
            ),
            [401, 403, 200, 403, 200, 200],
        ),
        (
            api(
                Method::DELETE,
                format!("/api/v1/organisations/{}", w.org_free2),
                None,
            ),
            [401, 403, 403, 403, 204, 204],
        ),
        (api(Method::GET, "/api/v1/people".into(), None), signed),
        (
            api(Method::GET, format!("/api/v1/people/{}", w.person_a), None),
            [401, 200, 200, 404, 200, 200],
        ),
        (api(Method::GET, "/api/v1/groups".into(), None), ok),
        (
            api(Method::GET, format!("/api/v1/groups/{}", w.group), None),
            ok,
        ),
        (
            api(
                Method::POST,
                "/api/v1/groups".into(),
                Some(json!({"name_fi": "API-ryhmä", "group_type": "other", "status": "planned"})),
            ),
            [401, 403, 403, 403, 201, 201],
        ),
        (
            api(
                Method::GET,
                format!("/api/v1/groups/{}/memberships", w.group),
                None,
            ),
            [401, 200, 200, 403, 200, 200],
        ),
        (
            api(
                Method::POST,
                format!("/api/v1/groups/{}/memberships", w.group),
                Some(json!({"person_id": w.person_api, "role": "member"})),
            ),
            [401, 403, 201, 403, 201, 201],
        ),
        (api(Method::GET, "/api/v1/meetings".into(), None), ok),
        (
            api(
                Method::GET,
                format!("/api/v1/meetings/{}", w.internal),
                None,
            ),
            [404, 200, 200, 404, 200, 200],
        ),
        (
            api(
                Method::DELETE,
                format!("/api/v1/meetings/{}/decisions/{}", w.public, w.decision),
                None,
            ),
            [401, 403, 204, 403, 204, 204],
        ),
        (
            api(Method::GET, "/api/v1/audit".into(), None),
            [401, 403, 403, 403, 403, 200],
        ),
        // Infrastructure: open to all.
        (page("/health".into()), ok),
        (page("/api/openapi.json".into()), ok),
        (page("/assets/style.css".into()), ok),
        (page("/assets/favicon.svg".into()), ok),
        (page("/favicon.ico".into()), ok),
        (page(format!("/areas/{}", w.area)), ok),
        (
            api(Method::GET, format!("/api/v1/areas/{}", w.area), None),
            ok,
        ),
        (
            api(
                Method::GET,
                format!("/api/v1/organisations/{}", w.org_a),
                None,
            ),
            ok,
        ),
        // A sign-in with a wrong password is refused the same way for everyone.
        (
            form(
                "/login".into(),
                vec![
                    ("email", "nobody@example.fi".into()),
                    ("password", "wrong-password".into()),
                ],
            ),
            [401; 6],
        ),
        // Administration: editing a user.
        (page(format!("/admin/users/{}/edit", w.user)), admin_page),
        (
            form(
                format!("/admin/users/{}/edit", w.user),
                vec![("name", "Muokattu".into()), ("role", "member".into())],
            ),
            [401, 403, 403, 403, 403, 303],
        ),
        // Forms that create.
        (
            form("/people".into(), vec![("name", "Lomakehenkilö".into())]),
            [401, 403, 303, 303, 303, 303],
        ),
        (
            form(
                "/groups".into(),
                vec![
                    ("name_fi", "Lomakeryhmä".into()),
                    ("group_type", "expert".into()),
                    ("status", "planned".into()),
                ],
            ),
            coord_form,
        ),
        (
            form(
                "/meetings".into(),
                vec![
                    ("group_id", w.group.to_string()),
                    ("title", "Lomakekokous".into()),
                    ("starts_at", "2030-03-01T10:00".into()),
                    ("ends_at", "2030-03-01T11:00".into()),
                ],
            ),
            conv_form,
        ),
        // Meetings: edit, attendance, a decision deleted with the form.
        (
            form(
                format!("/meetings/{}/edit", w.internal),
                vec![
                    ("group_id", w.group.to_string()),
                    ("title", "Kokous".into()),
                    ("starts_at", "2030-01-15T10:00".into()),
                    ("ends_at", "2030-01-15T12:00".into()),
                ],
            ),
            conv_form,
        ),
        (
            form(
                format!("/meetings/{}/attendance", w.internal),
                vec![("present", w.person_att.to_string())],
            ),
            conv_form,
        ),
        (
            form(
                format!("/meetings/{}/decisions/{}/delete", w.public, w.decision2),
                vec![],
            ),
            conv_form,
        ),
        // Memberships: edit and delete with the form.
        (
            form(
                format!("/groups/{}/memberships/{}/edit", w.group, w.membership),
                vec![("role", "chair".into())],
            ),
            conv_form,
        ),
        (
            form(
                format!(
                    "/groups/{}/memberships/{}/delete",
                    w.group, w.membership_del
                ),
                vec![],
            ),
            conv_form,
        ),
        (
            form(format!("/groups/{}/delete", w.group_del), vec![]),
            coord_form,
        ),
        // Statistics views (knowledge/stats): public reads; a draft plan's goal targets
        // only for those signed in.
        (page(format!("/areas/{}/profile", w.sysma)), ok),
        (page(format!("/indicators/{}/stats", w.indicator)), ok),
        (page("/knowledge/themes/substances".into()), ok),
        (page("/flags".into()), ok),
        (page(format!("/goals/{}/targets", w.goal)), ok),
        (
            page(format!("/goals/{}/targets", w.goal_draft)),
            [404, 200, 200, 200, 200, 200],
        ),
        (page(format!("/areas/{}/welfare-report", w.sysma)), ok),
        (
            api(
                Method::GET,
                format!("/api/v1/areas/{}/profile", w.sysma),
                None,
            ),
            ok,
        ),
        (
            api(
                Method::GET,
                format!("/api/v1/indicators/{}/funnel", w.indicator),
                None,
            ),
            ok,
        ),
        (api(Method::GET, "/api/v1/flags".into(), None), ok),
        (
            api(
                Method::GET,
                format!(
                    "/api/v1/values/stats?area={}&indicator={}",
                    w.sysma, w.indicator
                ),
                None,
            ),
            ok,
        ),
        (
            api(
                Method::GET,
                format!("/api/v1/goals/{}/targets", w.goal),
                None,
            ),
            ok,
        ),
        (
            api(
                Method::GET,
                format!("/api/v1/goals/{}/targets", w.goal_draft),
                None,
            ),
            [404, 200, 200, 200, 200, 200],
        ),
        // The indicator catalogue: public reads, coordinators' forms.
        (page("/indicators".into()), ok),
        (page(format!("/indicators/{}", w.seeded_indicator)), ok),
        (
            page(format!(
                "/indicators/{}/export?format=csv",
                w.seeded_indicator
            )),
            ok,
        ),
        (page("/indicator-sets".into()), ok),
        (page(format!("/indicator-sets/{}", w.indicator_set)), ok),
        (
            page(format!("/indicators/{}/edit", w.seeded_indicator)),
            coord_page,
        ),
        (
            page(format!("/indicator-sets/{}/edit", w.indicator_set)),
            coord_page,
        ),
        (
            form(
                format!("/indicators/{}/edit", w.seeded_indicator),
                vec![("catalogue_polarity", "none".into())],
            ),
            coord_form,
        ),
        (
            form(format!("/indicator-sets/{}/edit", w.indicator_set), vec![]),
            coord_form,
        ),
        (api(Method::GET, "/api/v1/indicators".into(), None), ok),
        (
            api(
                Method::GET,
                format!("/api/v1/indicators/{}", w.seeded_indicator),
                None,
            ),
            ok,
        ),
        (api(Method::GET, "/api/v1/sets".into(), None), ok),
        (
            api(
                Method::GET,
                format!("/api/v1/sets/{}", w.indicator_set),
                None,
            ),
            ok,
        ),
        (api(Method::GET, "/api/v1/values?set=kuva".into(), None), ok),
        // Plan pages: drafts are 404 for the public; coordinators edit; A's editors report.
        (page("/plans".into()), ok),
        (page("/plans/new".into()), coord_page),
        (page(format!("/plans/{}", w.plan)), ok),
        (page(format!("/plans/{}", w.plan_draft)), draft),
        (page(format!("/plans/{}/public", w.plan)), ok),
        (page(format!("/plans/{}/public", w.plan_draft)), draft),
        (page(format!("/plans/{}/timeline", w.plan)), ok),
        (page(format!("/plans/{}/timeline", w.plan_draft)), draft),
        (page(format!("/plans/{}/resources", w.plan)), ok),
        (page(format!("/plans/{}/resources", w.plan_draft)), draft),
        (page(format!("/plans/{}/edit", w.plan)), coord_page),
        (page(format!("/plans/{}/promises/new", w.plan)), coord_page),
        (page(format!("/promises/{}/edit", w.promise)), coord_page),
        (
            page(format!("/promises/{}/goals/new", w.promise)),
            coord_page,
        ),
        (page(format!("/goals/{}", w.goal)), ok),
        (page(format!("/goals/{}/edit", w.goal)), coord_page),
        (page(format!("/goals/{}/actions/new", w.goal)), coord_page),
        (page(format!("/actions/{}", w.action)), ok),
        (page(format!("/actions/{}", w.action_draft)), draft),
        (page(format!("/actions/{}/edit", w.action)), coord_page),
        (
            form(
                "/plans".into(),
                vec![
                    ("title_fi", "Lomakkeen suunnitelma".into()),
                    ("start_year", "2026".into()),
                    ("end_year", "2029".into()),
                    ("status", "draft".into()),
                ],
            ),
            coord_form,
        ),
        (
            form(
                format!("/plans/{}/edit", w.plan),
                vec![
                    ("title_fi", "Suunnitelma".into()),
                    ("start_year", "2021".into()),
                    ("end_year", "2025".into()),
                    ("status", "approved".into()),
                    ("published", "on".into()),
                ],
            ),
            coord_form,
        ),
        (
            form(
                format!("/plans/{}/promises", w.plan),
                vec![("title_fi", "Lomakkeen lupaus".into())],
            ),
            coord_form,
        ),
        (
            form(
                format!("/promises/{}/edit", w.promise),
                vec![("title_fi", "Lupaus".into())],
            ),
            coord_form,
        ),
        (
            form(
                format!("/promises/{}/goals", w.promise),
                vec![
                    ("promise_id", w.promise.to_string()),
                    ("title_fi", "Lomakkeen tavoite".into()),
                ],
            ),
            coord_form,
        ),
        (
            form(
                format!("/goals/{}/edit", w.goal),
                vec![
                    ("promise_id", w.promise.to_string()),
                    ("title_fi", "Tavoite".into()),
                ],
            ),
            coord_form,
        ),
        (
            form(
                format!("/goals/{}/actions", w.goal),
                vec![
                    ("goal_id", w.goal.to_string()),
                    ("title", "Lomakkeen toimenpide".into()),
                ],
            ),
            coord_form,
        ),
        (
            form(
                format!("/actions/{}/edit", w.action),
                vec![
                    ("goal_id", w.goal.to_string()),
                    ("title", "Toimenpide".into()),
                    ("lead_organisation_id", w.org_a.to_string()),
                ],
            ),
            coord_form,
        ),
        // The plan's fast-update screen: editors their own organisation's, coordinators any.
        // (Before the progress form's rows: a row's marker is the action's latest update.)
        (
            page("/plans/updates".into()),
            [401, 403, 200, 200, 200, 200],
        ),
        (
            form("/plans/updates".into(), update_row(w)),
            [401, 403, 303, 403, 303, 303],
        ),
        (
            form(
                format!("/actions/{}/progress", w.action),
                vec![
                    ("report_date", "2024-05-01".into()),
                    ("status", "on_track".into()),
                    ("percent", "50".into()),
                ],
            ),
            [401, 403, 303, 403, 303, 303],
        ),
        (
            form(
                format!("/actions/{}/progress", w.action_draft),
                vec![
                    ("report_date", "2024-05-01".into()),
                    ("status", "delayed".into()),
                    ("percent", "5".into()),
                ],
            ),
            [401, 403, 303, 403, 303, 303],
        ),
        // Deletes: a promise with goals and a goal with actions are refused (409).
        (
            form(format!("/promises/{}/delete", w.promise), vec![]),
            [401, 403, 403, 403, 409, 409],
        ),
        (
            form(format!("/goals/{}/delete", w.goal), vec![]),
            [401, 403, 403, 403, 409, 409],
        ),
        // Decision → action: those who edit the meeting (the convener's editors, coordinators).
        (
            page(format!("/decisions/{}/action", w.decision_action)),
            [401, 403, 200, 403, 200, 200],
        ),
        (
            form(
                format!("/decisions/{}/action", w.decision_action),
                vec![
                    ("goal_id", w.goal.to_string()),
                    ("title", "Päätöksestä".into()),
                ],
            ),
            [401, 403, 303, 403, 303, 303],
        ),
        // The plan's actions as CSV/XLSX: downloads for whoever sees the plan, imports
        // (here a file without the required columns: 422) for coordinators.
        (
            api(
                Method::GET,
                format!("/api/v1/plans/{}/actions.csv", w.plan),
                None,
            ),
            ok,
        ),
        (
            api(
                Method::GET,
                format!("/api/v1/plans/{}/actions.xlsx", w.plan_draft),
                None,
            ),
            [404, 200, 200, 200, 200, 200],
        ),
        (
            upload(&format!("/api/v1/plans/{}/actions.csv", w.plan), true),
            [401, 403, 403, 403, 422, 422],
        ),
        (
            upload(&format!("/api/v1/plans/{}/actions.xlsx", w.plan), true),
            [401, 403, 403, 403, 422, 422],
        ),
        (page(format!("/plans/{}/exchange", w.plan)), coord_page),
        (
            upload(&format!("/plans/{}/exchange", w.plan), false),
            [401, 403, 403, 403, 422, 422],
        ),
        // An import's own page: whoever sees the import history.
        (page(format!("/imports/{}", w.import)), coord_page),
        (
            page("/imports/999999".into()),
            [401, 403, 403, 403, 404, 404],
        ),
        // The welfare report as PDF: read like its page, by everyone.
        (page(format!("/areas/{}/welfare-report.pdf", w.sysma)), ok),
        // One import in the API: as its page.
        (
            api(Method::GET, format!("/api/v1/imports/{}", w.import), None),
            [401, 403, 403, 403, 200, 200],
        ),
        (
            api(Method::GET, "/api/v1/imports/999999".into(), None),
            [401, 403, 403, 403, 404, 404],
        ),
    ]
}

/// One changed row of A's action on the fast-update screen (field names carry the id).
fn update_row(w: &World) -> Vec<(&'static str, String)> {
    let name =
        |f: &str| -> &'static str { Box::leak(format!("{f}-{}", w.action).into_boxed_str()) };
    vec![
        ("organisation", w.org_a.to_string()),
        ("action", w.action.to_string()),
        (name("latest"), "0".into()),
        (name("status"), "on_track".into()),
        (name("percent"), "10".into()),
    ]
}
