//! The world every role of the matrix sees: organisations, groups, people, meetings, plans,
//! and the signed-in user of each role.

use tuuli::auth::Role;

use super::Who;
use crate::helpers::TestApp;

/// Ids of the world every role sees.
#[derive(Clone, Copy, Debug)]
pub(super) struct World {
    pub(super) org_a: i64,
    pub(super) org_b: i64,
    pub(super) org_free: i64,
    pub(super) org_free2: i64,
    pub(super) group: i64,
    pub(super) group_b: i64,
    pub(super) person_a: i64,
    pub(super) person_free: i64,
    pub(super) person_api: i64,
    pub(super) person_del: i64,
    pub(super) membership: i64,
    pub(super) internal: i64,
    pub(super) public: i64,
    pub(super) internal_b: i64,
    pub(super) decision: i64,
    /// Rows that exist to be deleted or changed by one row each.
    pub(super) decision2: i64,
    pub(super) group_del: i64,
    pub(super) group_del2: i64,
    pub(super) meeting_del: i64,
    pub(super) person_del2: i64,
    pub(super) membership_del: i64,
    pub(super) area: i64,
    pub(super) area_del: i64,
    pub(super) user: i64,
    /// A member of G whose membership no row changes: the one marked present.
    pub(super) person_att: i64,
    /// A job started by a coordinator who is none of the roles below.
    pub(super) job: i64,
    /// A published plan and a draft, each with a promise, a goal and an action led by A.
    pub(super) plan: i64,
    pub(super) plan_draft: i64,
    pub(super) promise: i64,
    pub(super) goal: i64,
    pub(super) action: i64,
    pub(super) action_draft: i64,
    /// A report of each plan (2021–2025), each published once.
    pub(super) report: i64,
    pub(super) report_draft: i64,
    /// The statistics views: a reference municipality (Sysmä), an indicator in the set
    /// `matrix_set`, the draft plan's goal, and two goal targets to remove (form, API).
    pub(super) sysma: i64,
    pub(super) indicator: i64,
    pub(super) goal_draft: i64,
    pub(super) target: i64,
    pub(super) target2: i64,
    /// A seeded indicator (Sotkanet 289) and set (the region's own).
    pub(super) seeded_indicator: i64,
    pub(super) indicator_set: i64,
    /// A decision of the public meeting that no row deletes: made an action by one row.
    pub(super) decision_action: i64,
    /// A finished import (the history's own page).
    pub(super) import: i64,
}

async fn exec(app: &TestApp, sql: &'static str, binds: &[i64]) -> i64 {
    tuuli::with_db!(&app.db, p => {
        let mut q = sqlx::query_scalar::<_, i64>(sql);
        for b in binds { q = q.bind(*b); }
        q.fetch_one(p).await
    })
    .expect(sql)
}

pub(super) async fn world(app: &TestApp) -> World {
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
    let (report, report_draft) = reports(app, plan, plan_draft).await;
    let goal_draft = tree[1].1;
    let sysma = q(
        "SELECT id FROM areas WHERE kind = 'municipality' AND official_code = '781' AND $1 = 1",
        vec![1],
    )
    .await;
    let indicator = q("INSERT INTO indicators (source, source_id, title_fi, value_type, polarity, created_at, updated_at) VALUES ('local', 'matrix', 'Indikaattori', 'percent', 'lower_better', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00') RETURNING id", vec![]).await;
    let set = q("INSERT INTO indicator_sets (key, name_fi, created_at, updated_at) VALUES ('matrix_set', 'Joukko', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00') RETURNING id", vec![]).await;
    q(
        "INSERT INTO indicator_set_members (set_id, indicator_id) VALUES ($1, $2) RETURNING set_id",
        vec![set, indicator],
    )
    .await;
    let target_sql = "INSERT INTO goal_targets (goal_id, indicator_id, area_id, baseline_value, baseline_year, target_value, target_year, created_at, updated_at) VALUES ($1, $2, $3, 10, 2020, 5, 2028, '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00') RETURNING id";
    let target = q(target_sql, vec![goal, indicator, area]).await;
    let region = q(
        "SELECT id FROM areas WHERE kind = 'region' AND official_code = '07' AND $1 = 1",
        vec![1],
    )
    .await;
    let target2 = q(target_sql, vec![goal, indicator, region]).await;
    let seeded_indicator = exec(
        app,
        "SELECT id FROM indicators WHERE source = 'sotkanet' AND source_id = '289'",
        &[],
    )
    .await;
    let indicator_set = exec(
        app,
        "SELECT id FROM indicator_sets WHERE key = 'region'",
        &[],
    )
    .await;
    let decision_action = q(
        "INSERT INTO decisions (meeting_id, text) VALUES ($1, 'Päätös toimenpiteeksi') RETURNING id",
        vec![public],
    )
    .await;
    let import = q(
        "INSERT INTO imports (kind, source_name, status, rows_read, inserted, started_at) VALUES ('csv', 'matriisi.csv', 'done', $1, $1, '2026-01-01T00:00:00+00:00') RETURNING id",
        vec![3],
    )
    .await;
    World {
        report,
        report_draft,
        sysma,
        indicator,
        goal_draft,
        target,
        target2,
        seeded_indicator,
        indicator_set,
        decision_action,
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
        import,
    }
}

pub(super) async fn sign_in_as(app: &TestApp, who: Who, w: &World) -> Option<String> {
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

/// A report 2021–2025 of each plan, published through the store.
async fn reports(app: &TestApp, plan: i64, plan_draft: i64) -> (i64, i64) {
    use tuuli::plan::report::{ReportInput, html::publish_report, store};
    let actor = tuuli::auth::Actor::system("matrix");
    let mut ids = Vec::new();
    for p in [plan, plan_draft] {
        let input = ReportInput {
            from_year: 2021,
            to_year: 2025,
        };
        let r = store::create(&app.db, p, &input, &actor)
            .await
            .expect("report");
        let plan = tuuli::plan::store::get_plan(&app.db, p, true)
            .await
            .expect("plan");
        publish_report(&app.state, &plan, &r, &actor)
            .await
            .expect("publish");
        ids.push(r.id);
    }
    (ids[0], ids[1])
}
