//! The role × route authorization matrix: every route, every role, the expected status.
//!
//! Roles, in column order: anonymous, member (of group G), editor of organisation A (which
//! convenes G), editor of organisation B, coordinator, admin. Each role runs on a fresh
//! database with the same world, so destructive routes do not disturb the others.
//! A page that sends the anonymous to the sign-in form counts as 401.

use axum::http::Method;
use serde_json::json;
use tuuli::auth::Role;

use crate::helpers::{Backend, TestApp};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Anon,
    Member,
    EdA,
    EdB,
    Coord,
    Admin,
}

const WHO: [Who; 6] = [
    Who::Anon,
    Who::Member,
    Who::EdA,
    Who::EdB,
    Who::Coord,
    Who::Admin,
];

/// Ids of the world every role sees.
#[derive(Clone, Copy, Debug)]
struct World {
    org_a: i64,
    org_b: i64,
    org_free: i64,
    org_free2: i64,
    group: i64,
    group_b: i64,
    person_a: i64,
    person_free: i64,
    person_api: i64,
    person_del: i64,
    membership: i64,
    internal: i64,
    public: i64,
    internal_b: i64,
    decision: i64,
    /// Rows that exist to be deleted or changed by one row each.
    decision2: i64,
    group_del: i64,
    group_del2: i64,
    meeting_del: i64,
    person_del2: i64,
    membership_del: i64,
    area: i64,
    area_del: i64,
    user: i64,
    /// A member of G whose membership no row changes: the one marked present.
    person_att: i64,
    /// A job started by a coordinator who is none of the roles below.
    job: i64,
    /// A published plan and a draft, each with a promise, a goal and an action led by A.
    plan: i64,
    plan_draft: i64,
    promise: i64,
    goal: i64,
    action: i64,
    action_draft: i64,
}

async fn exec(app: &TestApp, sql: &'static str, binds: &[i64]) -> i64 {
    tuuli::with_db!(&app.db, p => {
        let mut q = sqlx::query_scalar::<_, i64>(sql);
        for b in binds { q = q.bind(*b); }
        q.fetch_one(p).await
    })
    .expect(sql)
}

async fn world(app: &TestApp) -> World {
    let org_a = app.add_org("Organisaatio A", "ngo").await;
    let org_b = app.add_org("Organisaatio B", "ngo").await;
    let org_free = app.add_org("Vapaa ry", "ngo").await;
    let org_free2 = app.add_org("Toinen vapaa ry", "ngo").await;
    let now = "INSERT INTO work_groups (name_fi, name_key, search_key, group_type, convener_id, status, created_at, updated_at) VALUES ('Ryhmä G', 'ryhmä g', 'ryhmä g\n\n', 'expert', $1, 'active', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00') RETURNING id";
    let group = exec(app, now, &[org_a]).await;
    let group_b = exec(app, "INSERT INTO work_groups (name_fi, name_key, search_key, group_type, convener_id, status, created_at, updated_at) VALUES ('Ryhmä H', 'ryhmä h', 'ryhmä h\n\n', 'expert', $1, 'active', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00') RETURNING id", &[org_b]).await;
    let person_a = exec(app, "INSERT INTO people (name, name_key, search_key, lived_experience, created_at, updated_at) VALUES ('Henkilö A', 'henkilö a', 'henkilö a\n\n', TRUE, '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00') RETURNING id", &[]).await;
    exec(app, "INSERT INTO person_organisations (person_id, organisation_id) VALUES ($1, $2) RETURNING person_id", &[person_a, org_a]).await;
    let person_free = exec(app, "INSERT INTO people (name, name_key, search_key, created_at, updated_at) VALUES ('Vapaa Henkilö', 'vapaa henkilö', 'vapaa henkilö\n\n', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00') RETURNING id", &[]).await;
    exec(app, "INSERT INTO person_organisations (person_id, organisation_id) VALUES ($1, $2) RETURNING person_id", &[person_free, org_a]).await;
    let mut extra = Vec::new();
    for name in ["API-henkilö", "Poistettava"] {
        let sql = if name == "API-henkilö" {
            "INSERT INTO people (name, name_key, search_key, created_at, updated_at) VALUES ('API-henkilö', 'api-henkilö', 'api-henkilö\n\n', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00') RETURNING id"
        } else {
            "INSERT INTO people (name, name_key, search_key, created_at, updated_at) VALUES ('Poistettava', 'poistettava', 'poistettava\n\n', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00') RETURNING id"
        };
        let id = exec(app, sql, &[]).await;
        exec(app, "INSERT INTO person_organisations (person_id, organisation_id) VALUES ($1, $2) RETURNING person_id", &[id, org_a]).await;
        extra.push(id);
    }
    let (person_api, person_del) = (extra[0], extra[1]);
    let membership = exec(app, "INSERT INTO memberships (group_id, person_id, role, created_at, updated_at) VALUES ($1, $2, 'lived_experience', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00') RETURNING id", &[group, person_a]).await;
    let meeting = "INSERT INTO meetings (group_id, title, starts_at, ends_at, is_public, created_at, updated_at) VALUES ($1, 'Kokous', '2030-01-15 10:00:00', '2030-01-15 12:00:00', $2 = 1, '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00') RETURNING id";
    let internal = exec(app, meeting, &[group, 0]).await;
    let public = exec(app, meeting, &[group, 1]).await;
    let internal_b = exec(app, meeting, &[group_b, 0]).await;
    let decision = exec(
        app,
        "INSERT INTO decisions (meeting_id, text) VALUES ($1, 'Päätös') RETURNING id",
        &[public],
    )
    .await;
    let q = |sql: &'static str, binds: Vec<i64>| async move { exec(app, sql, &binds).await };
    let decision2 = q(
        "INSERT INTO decisions (meeting_id, text) VALUES ($1, 'Toinen päätös') RETURNING id",
        vec![public],
    )
    .await;
    let group_sql = "INSERT INTO work_groups (name_fi, name_key, search_key, group_type, convener_id, status, created_at, updated_at) VALUES ('Poistettava ' || CAST($2 AS TEXT), 'poistettava ' || CAST($2 AS TEXT), 'poistettava ' || CAST($2 AS TEXT) || '\n\n', 'expert', $1, 'planned', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00') RETURNING id";
    let group_del = q(group_sql, vec![org_a, 1]).await;
    let group_del2 = q(group_sql, vec![org_a, 2]).await;
    let meeting_del = exec(app, meeting, &[group, 0]).await;
    let person_del2 = q("INSERT INTO people (name, created_at, updated_at) VALUES ('Poistettava 2', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00') RETURNING id", vec![]).await;
    q("INSERT INTO person_organisations (person_id, organisation_id) VALUES ($1, $2) RETURNING person_id", vec![person_del2, org_a]).await;
    let person_m = q("INSERT INTO people (name, created_at, updated_at) VALUES ('Jäsen M', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00') RETURNING id", vec![]).await;
    let membership_del = q("INSERT INTO memberships (group_id, person_id, role, created_at, updated_at) VALUES ($1, $2, 'member', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00') RETURNING id", vec![group, person_m]).await;
    let person_att = q("INSERT INTO people (name, created_at, updated_at) VALUES ('Läsnä Oleva', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00') RETURNING id", vec![]).await;
    q("INSERT INTO memberships (group_id, person_id, role, created_at, updated_at) VALUES ($1, $2, 'member', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00') RETURNING id", vec![group, person_att]).await;
    let area_sql = "INSERT INTO areas (kind, name_fi, official_code) VALUES ('municipality', 'Alue ' || CAST($1 AS TEXT), 'M' || CAST($1 AS TEXT)) RETURNING id";
    let area = q(area_sql, vec![1]).await;
    let area_del = q(area_sql, vec![2]).await;
    let user = app
        .add_user("muokattava@example.fi", Role::Member, None, None)
        .await;
    let starter = app
        .add_user("starter@example.fi", Role::Coordinator, None, None)
        .await;
    let job = crate::jobs::enqueue(app, "checksum", 1, Some(starter)).await;
    let plan_sql = "INSERT INTO plans (title_fi, start_year, end_year, status, published, created_at, updated_at) VALUES ('Suunnitelma', 2021, 2025, 'approved', $1 = 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) RETURNING id";
    let plan = q(plan_sql, vec![1]).await;
    let plan_draft = q(plan_sql, vec![0]).await;
    let mut tree = Vec::new();
    for p in [plan, plan_draft] {
        let promise = q(
            "INSERT INTO plan_promises (plan_id, title_fi) VALUES ($1, 'Lupaus') RETURNING id",
            vec![p],
        )
        .await;
        let goal = q(
            "INSERT INTO plan_goals (promise_id, title_fi) VALUES ($1, 'Tavoite') RETURNING id",
            vec![promise],
        )
        .await;
        let action = q("INSERT INTO plan_actions (goal_id, title, lead_organisation_id, created_at, updated_at) VALUES ($1, 'Toimenpide', $2, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) RETURNING id", vec![goal, org_a]).await;
        tree.push((promise, goal, action));
    }
    let (promise, goal, action) = tree[0];
    let action_draft = tree[1].2;
    World {
        plan,
        plan_draft,
        promise,
        goal,
        action,
        action_draft,
        decision2,
        group_del,
        group_del2,
        meeting_del,
        person_del2,
        membership_del,
        area,
        area_del,
        user,
        person_att,
        job,
        org_a,
        org_b,
        org_free,
        org_free2,
        group,
        group_b,
        person_a,
        person_free,
        person_api,
        person_del,
        membership,
        internal,
        public,
        internal_b,
        decision,
    }
}

async fn sign_in_as(app: &TestApp, who: Who, w: &World) -> Option<String> {
    let (email, role, org, person) = match who {
        Who::Anon => return None,
        Who::Member => ("member@example.fi", Role::Member, None, Some(w.person_a)),
        Who::EdA => ("eda@example.fi", Role::Editor, Some(w.org_a), None),
        Who::EdB => ("edb@example.fi", Role::Editor, Some(w.org_b), None),
        Who::Coord => ("coord@example.fi", Role::Coordinator, None, None),
        Who::Admin => ("admin@example.fi", Role::Admin, None, None),
    };
    app.add_user(email, role, org, person).await;
    app.sign_in(email).await;
    Some(app.token_for(email).await)
}

enum Call {
    Page(Method, String, Vec<(&'static str, String)>),
    Api(Method, String, Option<serde_json::Value>),
    /// A multipart page form with a file (CSRF token first), or with `api` an API upload.
    Upload {
        path: String,
        api: bool,
    },
}

fn upload(path: &str, api: bool) -> Call {
    Call::Upload {
        path: path.into(),
        api,
    }
}

fn page(path: String) -> Call {
    Call::Page(Method::GET, path, vec![])
}
fn form(path: String, fields: Vec<(&'static str, String)>) -> Call {
    Call::Page(Method::POST, path, fields)
}
fn api(method: Method, path: String, body: Option<serde_json::Value>) -> Call {
    Call::Api(method, path, body)
}

/// (call, expected status for [anon, member, editor A, editor B, coordinator, admin]).
/// Successful form posts answer 303 (a redirect to the result).
fn cases(w: &World) -> Vec<(Call, [u16; 6])> {
    let ok = [200; 6];
    let signed = [401, 200, 200, 200, 200, 200];
    let coord_page = [401, 403, 403, 403, 200, 200];
    let coord_form = [401, 403, 403, 403, 303, 303];
    let admin_page = [401, 403, 403, 403, 403, 200];
    let conv_page = [401, 403, 200, 403, 200, 200];
    let conv_form = [401, 403, 303, 403, 303, 303];
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
        // The API's changes.
        (
            api(
                Method::PUT,
                format!("/api/v1/areas/{}", w.area),
                Some(json!({"kind": "municipality", "name_fi": "Alue 1", "official_code": "M1"})),
            ),
            [401, 403, 403, 403, 200, 200],
        ),
        (
            api(
                Method::DELETE,
                format!("/api/v1/areas/{}", w.area_del),
                None,
            ),
            [401, 403, 403, 403, 204, 204],
        ),
        (
            api(
                Method::POST,
                "/api/v1/people".into(),
                Some(json!({"name": "API-uusi"})),
            ),
            [401, 403, 201, 201, 201, 201],
        ),
        (
            api(
                Method::PUT,
                format!("/api/v1/people/{}", w.person_api),
                Some(json!({"name": "API-henkilö", "organisations": [w.org_a]})),
            ),
            [401, 403, 200, 403, 200, 200],
        ),
        (
            api(
                Method::DELETE,
                format!("/api/v1/people/{}", w.person_del2),
                None,
            ),
            [401, 403, 204, 403, 204, 204],
        ),
        (
            api(
                Method::PUT,
                format!("/api/v1/groups/{}", w.group),
                Some(
                    json!({"name_fi": "Ryhmä G", "group_type": "expert", "status": "active", "convener_id": w.org_a}),
                ),
            ),
            [401, 403, 200, 403, 200, 200],
        ),
        (
            api(
                Method::DELETE,
                format!("/api/v1/groups/{}", w.group_del2),
                None,
            ),
            [401, 403, 403, 403, 204, 204],
        ),
        (
            api(
                Method::GET,
                format!("/api/v1/groups/{}/memberships/{}", w.group, w.membership),
                None,
            ),
            [401, 200, 200, 403, 200, 200],
        ),
        (
            api(
                Method::PUT,
                format!("/api/v1/groups/{}/memberships/{}", w.group, w.membership),
                Some(json!({"role": "chair"})),
            ),
            [401, 403, 200, 403, 200, 200],
        ),
        (
            api(
                Method::POST,
                "/api/v1/meetings".into(),
                Some(
                    json!({"group_id": w.group, "title": "API-kokous", "starts_at": "2030-04-01T10:00", "ends_at": "2030-04-01T11:00"}),
                ),
            ),
            [401, 403, 201, 403, 201, 201],
        ),
        (
            api(
                Method::PUT,
                format!("/api/v1/meetings/{}", w.internal),
                Some(
                    json!({"group_id": w.group, "title": "Kokous", "starts_at": "2030-01-15T10:00", "ends_at": "2030-01-15T12:00"}),
                ),
            ),
            [401, 403, 200, 403, 200, 200],
        ),
        (
            api(
                Method::POST,
                format!("/api/v1/meetings/{}/decisions", w.internal),
                Some(json!({"text": "API-päätös"})),
            ),
            [401, 403, 201, 403, 201, 201],
        ),
        (
            api(
                Method::PUT,
                format!("/api/v1/meetings/{}/attendance", w.internal),
                Some(json!({"present": [w.person_att]})),
            ),
            [401, 403, 200, 403, 200, 200],
        ),
        (
            api(
                Method::DELETE,
                format!("/api/v1/meetings/{}", w.meeting_del),
                None,
            ),
            [401, 403, 204, 403, 204, 204],
        ),
        (
            api(
                Method::DELETE,
                format!("/api/v1/groups/{}/memberships/{}", w.group, w.membership),
                None,
            ),
            [401, 403, 204, 403, 204, 204],
        ),
        // Jobs and uploads.
        (
            page(format!("/jobs/{}", w.job)),
            [401, 404, 404, 404, 404, 200],
        ),
        (
            api(Method::GET, format!("/api/v1/jobs/{}", w.job), None),
            [401, 404, 404, 404, 404, 200],
        ),
        (page("/jobs/checksum".into()), coord_page),
        (upload("/jobs/checksum", false), coord_form),
        (
            upload("/api/v1/jobs/checksum", true),
            [401, 403, 403, 403, 202, 202],
        ),
        (
            api(Method::GET, "/api/v1/users-that-do-not-exist".into(), None),
            [404; 6],
        ),
        (
            page(format!(
                "/groups/{}/memberships/{}/edit",
                w.group_b, 999_999
            )),
            [401, 403, 403, 404, 404, 404],
        ),
        // Own account and private calendar feed.
        (page("/account".into()), signed),
        (
            form(
                "/account/calendar".into(),
                vec![("action", "create".into())],
            ),
            [401, 200, 200, 200, 200, 200],
        ),
        (page("/calendar/cal_unknown.ics".into()), [404; 6]),
        // Own account (a wrong current password is a 422 for everyone signed in).
        (page("/account/password".into()), signed),
        (
            form(
                "/account/password".into(),
                vec![
                    ("current_password", "not-the-password".into()),
                    ("new_password", "uusi-salasana-2026".into()),
                    ("new_password_again", "uusi-salasana-2026".into()),
                ],
            ),
            [401, 422, 422, 422, 422, 422],
        ),
        // Data subjects' rights: coordinators and admins only. Last, as they erase people.
        (
            page(format!("/people/{}/export", w.person_free)),
            [401, 403, 403, 403, 200, 200],
        ),
        (
            api(
                Method::GET,
                format!("/api/v1/people/{}/export", w.person_free),
                None,
            ),
            [401, 403, 403, 403, 200, 200],
        ),
        (
            form(format!("/people/{}/erase", w.person_free), vec![]),
            [401, 403, 403, 403, 303, 303],
        ),
        (
            api(
                Method::POST,
                format!("/api/v1/people/{}/erase", w.person_api),
                None,
            ),
            [401, 403, 403, 403, 204, 204],
        ),
        // Plans (JSON). Drafts are hidden from the public; progress by A's editors.
        (api(Method::GET, "/api/v1/plans".into(), None), ok),
        (
            api(Method::GET, format!("/api/v1/plans/{}", w.plan), None),
            ok,
        ),
        (
            api(Method::GET, format!("/api/v1/plans/{}", w.plan_draft), None),
            [404, 200, 200, 200, 200, 200],
        ),
        (
            api(Method::GET, format!("/api/v1/actions/{}", w.action), None),
            ok,
        ),
        (
            api(
                Method::GET,
                format!("/api/v1/actions/{}", w.action_draft),
                None,
            ),
            [404, 200, 200, 200, 200, 200],
        ),
        (
            api(
                Method::GET,
                format!("/api/v1/actions/{}/progress", w.action),
                None,
            ),
            ok,
        ),
        (
            api(
                Method::POST,
                format!("/api/v1/actions/{}/progress", w.action),
                Some(json!({"report_date": "2024-03-01", "status": "on_track", "percent": 40})),
            ),
            [401, 403, 201, 403, 201, 201],
        ),
        (
            api(
                Method::POST,
                format!("/api/v1/actions/{}/progress", w.action_draft),
                Some(json!({"report_date": "2024-03-01", "status": "delayed", "percent": 10})),
            ),
            [401, 403, 201, 403, 201, 201],
        ),
        (
            api(
                Method::POST,
                "/api/v1/plans".into(),
                Some(
                    json!({"title_fi": "Uusi suunnitelma", "start_year": 2026, "end_year": 2029, "status": "draft"}),
                ),
            ),
            [401, 403, 403, 403, 201, 201],
        ),
        (
            api(
                Method::PUT,
                format!("/api/v1/plans/{}", w.plan),
                Some(
                    json!({"title_fi": "Suunnitelma", "start_year": 2021, "end_year": 2025, "status": "approved", "published": true}),
                ),
            ),
            [401, 403, 403, 403, 200, 200],
        ),
        (
            api(
                Method::POST,
                "/api/v1/promises".into(),
                Some(json!({"plan_id": w.plan, "title_fi": "Uusi lupaus"})),
            ),
            [401, 403, 403, 403, 201, 201],
        ),
        (
            api(
                Method::PUT,
                format!("/api/v1/promises/{}", w.promise),
                Some(json!({"plan_id": w.plan, "title_fi": "Lupaus"})),
            ),
            [401, 403, 403, 403, 200, 200],
        ),
        (
            api(
                Method::POST,
                "/api/v1/goals".into(),
                Some(json!({"promise_id": w.promise, "title_fi": "Uusi tavoite"})),
            ),
            [401, 403, 403, 403, 201, 201],
        ),
        (
            api(
                Method::PUT,
                format!("/api/v1/goals/{}", w.goal),
                Some(json!({"promise_id": w.promise, "title_fi": "Tavoite"})),
            ),
            [401, 403, 403, 403, 200, 200],
        ),
        (
            api(
                Method::POST,
                "/api/v1/actions".into(),
                Some(json!({"goal_id": w.goal, "title": "Uusi toimenpide"})),
            ),
            [401, 403, 403, 403, 201, 201],
        ),
        (
            api(
                Method::PUT,
                format!("/api/v1/actions/{}", w.action),
                Some(
                    json!({"goal_id": w.goal, "title": "Toimenpide", "lead_organisation_id": w.org_a}),
                ),
            ),
            [401, 403, 403, 403, 200, 200],
        ),
        // Last: signing out ends this role's session.
        (form("/logout".into(), vec![]), [303; 6]),
    ]
}

async fn run(backend: Backend) {
    let mut failures = Vec::new();
    let mut count = 0;
    for (col, who) in WHO.iter().enumerate() {
        let app = match backend {
            Backend::Sqlite => TestApp::new(Backend::Sqlite).await.expect("app"),
            Backend::Postgres => match TestApp::postgres().await {
                Some(a) => a,
                None => return,
            },
        };
        let w = world(&app).await;
        let token = sign_in_as(&app, *who, &w).await;
        for (call, expect) in cases(&w) {
            count += 1;
            let (label, status) = match call {
                Call::Page(method, path, fields) => {
                    let res = if method == Method::GET {
                        app.get(&path).await
                    } else {
                        let f: Vec<(&str, &str)> =
                            fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                        app.post_form(&path, &f).await
                    };
                    let s = if res.status.as_u16() == 303 && res.location().starts_with("/login") {
                        401
                    } else {
                        res.status.as_u16()
                    };
                    (format!("{method} {path}"), s)
                }
                Call::Api(method, path, body) => {
                    let res = app.api(method.clone(), &path, token.as_deref(), body).await;
                    (format!("API {method} {path}"), res.status.as_u16())
                }
                Call::Upload { path, api } => {
                    use crate::uploads::{Part, multipart, post_multipart};
                    let file = Part::File("file", "matrix.csv", b"a;b\n");
                    let res = if api {
                        let auth = token.as_deref().map(|t| format!("Bearer {t}"));
                        let mut headers = vec![("cookie", "")];
                        if let Some(a) = &auth {
                            headers.push(("authorization", a.as_str()));
                        }
                        post_multipart(&app, &path, multipart(&[file]), &headers).await
                    } else {
                        let csrf = app.csrf().await;
                        let body = multipart(&[Part::Field("_csrf", &csrf), file]);
                        post_multipart(&app, &path, body, &[]).await
                    };
                    let s = if res.status.as_u16() == 303 && res.location().starts_with("/login") {
                        401
                    } else {
                        res.status.as_u16()
                    };
                    (format!("UPLOAD {path}"), s)
                }
            };
            if status != expect[col] {
                failures.push(format!(
                    "{who:?}: {label} → {status}, expected {}",
                    expect[col]
                ));
            }
        }
    }
    assert!(count > 300);
    assert!(
        failures.is_empty(),
        "{} of {count} role × route checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn role_route_matrix_sqlite() {
    run(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn role_route_matrix_postgres() {
    run(Backend::Postgres).await;
}

/// The matrix cannot miss a route: every (method, path) the application routes — read from
/// the router itself (`routes::routes`) — must have at least one row above, so a new route
/// fails this test until its access rule is written down.
#[tokio::test]
async fn every_route_of_the_application_has_a_row_in_the_matrix() {
    let app = TestApp::new(Backend::Sqlite).await.expect("app");
    let w = World {
        org_a: 1,
        org_b: 2,
        org_free: 3,
        org_free2: 4,
        group: 5,
        group_b: 6,
        person_a: 7,
        person_free: 8,
        person_api: 9,
        person_del: 10,
        membership: 11,
        internal: 12,
        public: 13,
        internal_b: 14,
        decision: 15,
        decision2: 16,
        group_del: 17,
        group_del2: 18,
        meeting_del: 19,
        person_del2: 20,
        membership_del: 21,
        area: 22,
        area_del: 23,
        user: 24,
        person_att: 25,
        job: 26,
        plan: 27,
        plan_draft: 28,
        promise: 29,
        goal: 30,
        action: 31,
        action_draft: 32,
    };
    let rows: Vec<(String, String)> = cases(&w)
        .into_iter()
        .map(|(call, _)| match call {
            Call::Page(m, p, _) | Call::Api(m, p, _) => (m.to_string(), p),
            Call::Upload { path, .. } => ("POST".to_owned(), path),
        })
        .collect();
    let missing: Vec<String> = crate::routes::routes(&app.router)
        .into_iter()
        .filter(|(method, template)| {
            !rows
                .iter()
                .any(|(m, p)| m == method && crate::routes::matches(template, p))
        })
        .map(|(m, t)| format!("{m} {t}"))
        .collect();
    assert!(
        missing.is_empty(),
        "routes without a row in the role × route matrix:\n{}",
        missing.join("\n")
    );
}
