//! SQL for people. Every read goes through the visibility rule (see [`Scope`]) and masks
//! lived-experience status; every change is audited in the same transaction.

use chrono::{NaiveDate, Utc};
use serde::Deserialize;

use super::model::{OrgRef, Person, PersonInput};
use crate::auth::{Role, Viewer};
use crate::core::paging::{Page, Paging, Window};
use crate::core::rights;
use crate::db::filter::{Arg, Filter};
use crate::db::{Db, keys};
use crate::error::{AppError, AppResult};
use crate::web::forms::Check;
use crate::with_db;

/// List filters (all optional).
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PersonFilter {
    /// Organisation id.
    #[serde(default)]
    pub organisation: Option<i64>,
    /// Text in the name, title or email address.
    #[serde(default)]
    pub q: Option<String>,
}

/// Who is looking, reduced to what the visibility rule needs: coordinators see everyone;
/// an editor the people of their organisation and the members of the groups it convenes;
/// everyone signed in themselves and the people who share an open membership with them.
struct Scope {
    all: bool,
    editor_org: i64,
    person: i64,
    today: NaiveDate,
    sees_lived: bool,
}

impl Scope {
    fn of(viewer: &Viewer) -> Self {
        let u = viewer.user();
        Scope {
            all: viewer.is_coordinator(),
            editor_org: u
                .filter(|u| u.role == Role::Editor)
                .and_then(|u| u.organisation_id)
                .unwrap_or(0),
            person: u.and_then(|u| u.person_id).unwrap_or(0),
            today: crate::core::time::local_now().date(),
            sees_lived: rights::sees_lived_experience(viewer),
        }
    }
}

const SELECT: &str = "SELECT p.id, p.name, p.title, p.email, p.phone, p.consent_date, p.lived_experience, p.is_example, p.created_at, p.updated_at, p.version FROM people p";

/// One person (not erased) with their organisations, unmasked, read on `$conn` (a pool
/// connection or the change's transaction); `None` when missing.
macro_rules! load_on {
    ($conn:expr, $id:expr) => {{
        let sql = format!("{SELECT} WHERE p.id = $1 AND NOT p.erased");
        let found: Option<Person> = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind($id).fetch_optional(&mut *$conn).await?;
        match found {
            None => None,
            Some(mut person) => {
                let orgs: Vec<OrgRef> = sqlx::query_as(
                    "SELECT o.id, o.name_fi, o.name_sv FROM person_organisations po JOIN organisations o ON o.id = po.organisation_id \
                     WHERE po.person_id = $1 ORDER BY o.name_fi",
                )
                .bind($id).fetch_all(&mut *$conn).await?;
                person.organisations = orgs;
                Some(person)
            }
        }
    }};
}

/// The visibility rule; binds $1 all, $2 editor organisation, $3 own person, $4 today.
const VISIBLE: &str = " WHERE NOT p.erased AND ($1 OR p.id = $3 \
    OR EXISTS (SELECT 1 FROM person_organisations po WHERE po.person_id = p.id AND po.organisation_id = $2) \
    OR EXISTS (SELECT 1 FROM memberships m JOIN memberships mine ON mine.group_id = m.group_id \
               WHERE m.person_id = p.id AND mine.person_id = $3 \
               AND (m.start_date IS NULL OR m.start_date <= $4) AND (m.end_date IS NULL OR m.end_date >= $4) \
               AND (mine.start_date IS NULL OR mine.start_date <= $4) AND (mine.end_date IS NULL OR mine.end_date >= $4)) \
    OR EXISTS (SELECT 1 FROM memberships m JOIN work_groups g ON g.id = m.group_id WHERE m.person_id = p.id AND g.convener_id = $2))";

/// The visibility rule of [`VISIBLE`] as [`Filter`] conditions, plus the list's filters.
/// Coordinators see everyone who is not erased: their condition is only that, so that
/// their count is read from the `erased` index rather than by testing every row.
fn list_filter(db: &Db, s: &Scope, f: &PersonFilter) -> Filter {
    let mut w = Filter::new();
    if s.all {
        // `erased = FALSE` (not `NOT erased`): an equality on the first column of
        // people_name_idx (erased, name_key, id), which then serves the sort too.
        w.push_indexed("p.erased = FALSE", vec![]);
    } else {
        let today = || Arg::Date(s.today);
        w.push(
            "NOT p.erased AND (p.id = ? \
             OR EXISTS (SELECT 1 FROM person_organisations po WHERE po.person_id = p.id AND po.organisation_id = ?) \
             OR EXISTS (SELECT 1 FROM memberships m JOIN memberships mine ON mine.group_id = m.group_id \
                        WHERE m.person_id = p.id AND mine.person_id = ? \
                        AND (m.start_date IS NULL OR m.start_date <= ?) AND (m.end_date IS NULL OR m.end_date >= ?) \
                        AND (mine.start_date IS NULL OR mine.start_date <= ?) AND (mine.end_date IS NULL OR mine.end_date >= ?)) \
             OR EXISTS (SELECT 1 FROM memberships m JOIN work_groups g ON g.id = m.group_id WHERE m.person_id = p.id AND g.convener_id = ?))",
            vec![
                Arg::Int(s.person),
                Arg::Int(s.editor_org),
                Arg::Int(s.person),
                today(),
                today(),
                today(),
                today(),
                Arg::Int(s.editor_org),
            ],
        );
    }
    if let Some(org) = f.organisation.filter(|o| *o != 0) {
        w.push(
            "EXISTS (SELECT 1 FROM person_organisations pf WHERE pf.person_id = p.id AND pf.organisation_id = ?)",
            vec![Arg::Int(org)],
        );
    }
    if let Some(q) = f.q.as_deref() {
        w.search(db, "people", "p", q);
    }
    w
}

/// The people the viewer may see, filtered and paged by name (the page's ids first, from
/// the name index; see `organisations::store::list`).
pub async fn list(
    db: &Db,
    viewer: &Viewer,
    f: &PersonFilter,
    paging: Paging,
) -> AppResult<Page<Person>> {
    let mut paging = paging;
    let s = Scope::of(viewer);
    let counted = list_filter(db, &s, f);
    let mut w = counted.clone();
    w.matches_are_the_list(s.all && counted.len() == 2);
    w.apply_cursor(db, "people", "p", &mut paging).await?;
    let cap = paging.count_cap;
    let count_sql = counted.count_sql("people", "p", cap);
    // Everyone not erased (a coordinator's unfiltered list), counted exactly: all rows
    // minus the tombstones, two counts SQLite answers from indexes without testing every
    // row. Capped, the count of the filter stops at the cap instead.
    let everyone = s.all && counted.args.is_empty() && cap.is_none();
    // A coordinator's search alone: counted in the FTS5 index (tombstones have empty
    // search keys, so the index never finds them).
    let fts_count = counted
        .fts_count_capped(cap)
        .filter(|_| s.all && counted.len() == 2);
    let count = || async {
        with_db!(db, p => {
            if let Some((sql, phrase)) = &fts_count {
                sqlx::query_scalar(sqlx::AssertSqlSafe(sql.as_str())).bind(*phrase).fetch_one(p).await
            } else if everyone {
                let all: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM people").fetch_one(p).await?;
                let erased: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM people WHERE erased = TRUE").fetch_one(p).await?;
                Ok(all - erased)
            } else {
                crate::bind_filter!(sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql.as_str())), counted)
                    .fetch_one(p).await
            }
        })
    };
    // A search finds its page by a short walk of the name index or by sorting its
    // matches (counted in the same statement on PostgreSQL): `Filter::find_page`.
    let (total, ids) = w.find_page(db, "people", "p", &paging, &count).await?;
    let mut items: Vec<Person> = w.page_rows(db, SELECT, "people", "p", &paging, ids).await?;
    let total = crate::db::filter::total_of_page(total, !items.is_empty(), &paging, count).await?;
    let window = Window::trim(&mut items, &paging, |p| p.id);
    attach_organisations(db, &mut items).await?;
    mask(&s, &mut items);
    Ok(Page::new(items, total, paging).windowed(window, cap))
}

/// One person the viewer may see; 404 otherwise, so that existence does not leak.
pub async fn get(db: &Db, viewer: &Viewer, id: i64) -> AppResult<Person> {
    let s = Scope::of(viewer);
    let sql = format!("{SELECT}{VISIBLE} AND p.id = $5");
    let found = with_db!(db, p => sqlx::query_as::<_, Person>(sqlx::AssertSqlSafe(sql.as_str()))
        .bind(s.all).bind(s.editor_org).bind(s.person).bind(s.today).bind(id)
        .fetch_optional(p).await)?;
    let mut items = vec![found.ok_or(AppError::NotFound)?];
    attach_organisations(db, &mut items).await?;
    mask(&s, &mut items);
    Ok(items.remove(0))
}

/// Whether the viewer may see this person.
pub async fn is_visible(db: &Db, viewer: &Viewer, id: i64) -> AppResult<bool> {
    let s = Scope::of(viewer);
    let sql = format!("SELECT COUNT(*) FROM people p{VISIBLE} AND p.id = $5");
    let n: i64 = with_db!(db, p => sqlx::query_scalar(sqlx::AssertSqlSafe(sql.as_str()))
        .bind(s.all).bind(s.editor_org).bind(s.person).bind(s.today).bind(id)
        .fetch_one(p).await)?;
    Ok(n > 0)
}

/// Whether the person belongs to the organisation of the viewer, an editor.
pub async fn in_own_organisation(db: &Db, viewer: &Viewer, id: i64) -> AppResult<bool> {
    let Some(org) = Some(Scope::of(viewer).editor_org).filter(|o| *o > 0) else {
        return Ok(false);
    };
    let sql =
        "SELECT COUNT(*) FROM person_organisations WHERE person_id = $1 AND organisation_id = $2";
    let n: i64 = with_db!(db, p => sqlx::query_scalar(sql).bind(id).bind(org).fetch_one(p).await)?;
    Ok(n > 0)
}

/// People for a chooser that scales (`web::chooser`), among those the viewer may see: the
/// ones already chosen and, when `text` is given, up to `chooser::SHOWN` whose name,
/// title or email address contains it, by name. Without text, at most `chooser::SHOWN`
/// visible people are listed whole; more, and only the chosen. The flag says whether more
/// people matched (or, without text, are visible) than are listed.
pub async fn choices_for(
    db: &Db,
    viewer: &Viewer,
    text: &str,
    chosen: &[i64],
) -> AppResult<(Vec<(i64, String)>, bool)> {
    let shown = crate::web::chooser::SHOWN;
    let s = Scope::of(viewer);
    let chosen: Vec<i64> = chosen.iter().copied().filter(|id| *id > 0).collect();
    let mut out: Vec<(i64, String)> = Vec::new();
    if !chosen.is_empty() {
        let mut w = list_filter(db, &s, &PersonFilter::default());
        w.push(
            &format!("p.id IN ({})", crate::db::id_list(chosen.iter().copied())),
            vec![],
        );
        let sql = format!(
            "SELECT p.id, p.name FROM people p{} ORDER BY p.name_key, p.id",
            w.sql()
        );
        out = with_db!(db, p => crate::bind_filter!(sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())), w).fetch_all(p).await)?;
    }
    let f = PersonFilter {
        organisation: None,
        q: Some(text.to_owned()),
    };
    let w = list_filter(db, &s, &f);
    let searched = !fold_is_empty(text);
    let sql = format!(
        "SELECT p.id, p.name FROM people p WHERE p.id IN ({}) ORDER BY p.name_key, p.id",
        w.page_ids(db, "people", "p", &format!(" LIMIT {}", shown + 1))
    );
    let mut found: Vec<(i64, String)> = with_db!(db, p => crate::bind_filter!(sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())), w).fetch_all(p).await)?;
    let more = found.len() > shown;
    found.truncate(shown);
    if !searched {
        if more {
            // A large registry and nothing typed: only the chosen, and the flag says that
            // there is more to find.
            return Ok((out, true));
        }
        out.retain(|(id, _)| !found.iter().any(|(f, _)| f == id));
        out.extend(found);
        return Ok((out, false));
    }
    out.extend(found.into_iter().filter(|(id, _)| !chosen.contains(id)));
    Ok((out, more))
}

fn fold_is_empty(text: &str) -> bool {
    keys::fold(text.trim()).is_empty()
}

fn mask(s: &Scope, items: &mut [Person]) {
    if !s.sees_lived {
        for p in items.iter_mut() {
            p.lived_experience = None;
        }
    }
}

/// Loads the organisations of many people in one query.
async fn attach_organisations(db: &Db, items: &mut [Person]) -> AppResult<()> {
    if items.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = items.iter().map(|p| p.id).collect();
    let rows: Vec<(i64, i64, String, String)> = crate::db::rows_for_ids(
        db,
        "SELECT po.person_id, o.id, o.name_fi, o.name_sv FROM person_organisations po \
         JOIN organisations o ON o.id = po.organisation_id WHERE po.person_id {ids} ORDER BY o.name_fi",
        &ids,
    )
    .await?;
    let rows = rows
        .into_iter()
        .map(|(pid, id, name_fi, name_sv)| {
            (
                pid,
                OrgRef {
                    id,
                    name_fi,
                    name_sv,
                },
            )
        })
        .collect();
    let mut by_owner = crate::db::group_by_owner(rows);
    for person in items.iter_mut() {
        person.organisations = by_owner.remove(&person.id).unwrap_or_default();
    }
    Ok(())
}

/// Checks the input against the database (the organisations exist).
pub async fn validate(db: &Db, input: &PersonInput) -> AppResult<(PersonInput, Option<NaiveDate>)> {
    let mut c = Check::new();
    let (v, consent) = input.check(&mut c);
    if !v.organisations.is_empty() {
        let ids: Vec<String> = v.organisations.iter().map(i64::to_string).collect();
        // Checked to be positive integers above, so inlining them is safe.
        let sql = format!(
            "SELECT COUNT(*) FROM organisations WHERE id IN ({})",
            ids.join(",")
        );
        let found: i64 = with_db!(db, p => sqlx::query_scalar(sqlx::AssertSqlSafe(sql.as_str())).fetch_one(p).await)?;
        if found != v.organisations.len() as i64 {
            c.add("organisations", "error-choice");
        }
    }
    Ok(c.finish((v, consent))?)
}

/// What the viewer may set: only coordinators set lived-experience status (others keep
/// the stored value). Someone who is not a coordinator changes only their own
/// organisation's link: it is always among the person's organisations, the links to other
/// organisations stay as they were, and adding a link to another organisation is refused.
fn apply_rights(viewer: &Viewer, v: &mut PersonInput, before: Option<&Person>) -> AppResult<()> {
    if !rights::sees_lived_experience(viewer) {
        v.lived_experience = before.and_then(|b| b.lived_experience);
    }
    let Some(u) = viewer.user().filter(|u| !u.is_coordinator()) else {
        return Ok(());
    };
    let own = u.organisation_id;
    let kept: Vec<i64> = before
        .map(Person::organisation_ids)
        .unwrap_or_default()
        .into_iter()
        .filter(|o| Some(*o) != own)
        .collect();
    if v.organisations
        .iter()
        .any(|o| Some(*o) != own && !kept.contains(o))
    {
        let mut errors = crate::error::FieldErrors::new();
        errors.add("organisations", "people-error-other-organisation");
        return Err(AppError::Validation(errors));
    }
    v.organisations = kept;
    if let Some(org) = own {
        v.organisations.push(org);
    }
    Ok(())
}

fn audit_json(v: &PersonInput, consent: Option<NaiveDate>, lived: bool) -> serde_json::Value {
    serde_json::json!({
        "name": v.name, "title": v.title, "email": v.email, "phone": v.phone,
        "consent_date": consent, "organisations": v.organisations, "lived_experience": lived,
    })
}

/// Creates a person; rights are checked by the caller, field rights here.
pub async fn create(db: &Db, viewer: &Viewer, input: &PersonInput) -> AppResult<Person> {
    let (mut v, consent) = validate(db, input).await?;
    apply_rights(viewer, &mut v, None)?;
    let lived = v.lived_experience.unwrap_or(false);
    let actor = viewer.actor();
    let now = Utc::now();
    let id = with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO people (name, title, email, phone, consent_date, lived_experience, created_at, updated_at, name_key, search_key) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9) RETURNING id",
        )
        .bind(&v.name).bind(&v.title).bind(&v.email).bind(&v.phone).bind(consent).bind(lived).bind(now)
        .bind(keys::fold(&v.name)).bind(keys::search_key(&[&v.name, &v.title, &v.email]))
        .fetch_one(&mut *tx).await?;
        for o in &v.organisations {
            sqlx::query("INSERT INTO person_organisations (person_id, organisation_id) VALUES ($1, $2)").bind(id).bind(o).execute(&mut *tx).await?;
        }
        crate::audit!(&mut *tx, &actor, "create", "person", id, None, Some(audit_json(&v, consent, lived)))?;
        tx.commit().await?;
        id
    });
    get(db, viewer, id).await
}

/// Replaces a person's data; rights are checked by the caller, field rights here.
pub async fn update(db: &Db, viewer: &Viewer, id: i64, input: &PersonInput) -> AppResult<Person> {
    let (mut v, consent) = validate(db, input).await?;
    let actor = viewer.actor();
    with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        let current = crate::lock_version!(tx, "people", id)?.ok_or(AppError::NotFound)?;
        crate::web::conflict::check(v.version, current)?;
        let before = load_on!(tx, id).ok_or(AppError::NotFound)?;
        apply_rights(viewer, &mut v, Some(&before))?;
        let lived = v.lived_experience.unwrap_or(false);
        sqlx::query("UPDATE people SET name = $1, title = $2, email = $3, phone = $4, consent_date = $5, lived_experience = $6, updated_at = $7, version = version + 1, name_key = $9, search_key = $10 WHERE id = $8")
            .bind(&v.name).bind(&v.title).bind(&v.email).bind(&v.phone).bind(consent).bind(lived).bind(Utc::now()).bind(id)
            .bind(keys::fold(&v.name)).bind(keys::search_key(&[&v.name, &v.title, &v.email]))
            .execute(&mut *tx).await?;
        crate::replace_links!(tx, "person_organisations", "person_id", "organisation_id", id, &v.organisations)?;
        crate::audit!(&mut *tx, &actor, "update", "person", id, Some(serde_json::to_value(&before).unwrap_or_default()), Some(audit_json(&v, consent, lived)))?;
        tx.commit().await?;
        Ok::<_, AppError>(())
    })?;
    get(db, viewer, id).await
}

/// Deletes a person. History that must stay (memberships, attendance) stays anonymous,
/// as in [`erase`]; the audit log keeps the deleted data (use erasure for that). A person
/// with a user account is kept (409: an admin unlinks the account first), and an editor
/// cannot delete someone who also belongs to another organisation (403 saying who can).
pub async fn delete(db: &Db, viewer: &Viewer, id: i64) -> AppResult<()> {
    let editor_org = viewer
        .user()
        .filter(|u| !u.is_coordinator())
        .map(|u| u.organisation_id);
    let rights = |before: &Person| match editor_org {
        Some(own) if before.organisations.iter().any(|o| Some(o.id) != own) => {
            Err(AppError::Forbidden("people-error-shared-delete"))
        }
        _ => Ok(()),
    };
    remove(db, &viewer.actor(), id, false, rights).await
}

/// Erases a person for a data subject's request (coordinators and admins): their personal
/// data and organisation links go; each membership and attendance row they had is kept
/// pointing to an anonymous tombstone of its own, so history ("a membership existed", "the
/// meeting had N attendees") stays without anything that links it back; a linked user
/// account is unlinked; the audit log's copies of their data are scrubbed; the erasure
/// itself is audited without the data.
pub async fn erase(db: &Db, viewer: &Viewer, id: i64) -> AppResult<()> {
    if !viewer.is_coordinator() {
        return Err(AppError::forbidden());
    }
    remove(db, &viewer.actor(), id, true, |_| Ok(())).await
}

macro_rules! tombstone {
    ($tx:expr, $now:expr) => {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO people (name, erased, created_at, updated_at) VALUES ('', TRUE, $1, $1) RETURNING id",
        )
        .bind($now)
        .fetch_one(&mut *$tx)
        .await
    };
}

/// Deletes or erases a person in one transaction: the row is locked and its "before"
/// value read first, then `rights` decides on it.
async fn remove(
    db: &Db,
    actor: &crate::auth::Actor,
    id: i64,
    erasing: bool,
    rights: impl Fn(&Person) -> AppResult<()>,
) -> AppResult<()> {
    let now = Utc::now();
    with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        crate::lock_version!(tx, "people", id)?.ok_or(AppError::NotFound)?;
        let before = load_on!(tx, id).ok_or(AppError::NotFound)?;
        rights(&before)?;
        let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE person_id = $1").bind(id).fetch_one(&mut *tx).await?;
        if users > 0 {
            if !erasing {
                return Err(AppError::Conflict("people-error-has-user"));
            }
            sqlx::query("UPDATE users SET person_id = NULL WHERE person_id = $1").bind(id).execute(&mut *tx).await?;
        }
        // Memberships from today on go; current ones end yesterday (their last day in
        // force, as when a membership is ended) and stay as history.
        let today = crate::core::time::local_now().date();
        let yesterday = today.pred_opt().unwrap_or(today);
        sqlx::query("DELETE FROM memberships WHERE person_id = $1 AND start_date > $2").bind(id).bind(yesterday).execute(&mut *tx).await?;
        sqlx::query("UPDATE memberships SET end_date = $2, updated_at = $3 WHERE person_id = $1 AND (end_date IS NULL OR end_date > $2)")
            .bind(id).bind(yesterday).bind(now).execute(&mut *tx).await?;
        let memberships: Vec<i64> = sqlx::query_scalar("SELECT id FROM memberships WHERE person_id = $1").bind(id).fetch_all(&mut *tx).await?;
        for m in memberships {
            let t = tombstone!(tx, now)?;
            sqlx::query("UPDATE memberships SET person_id = $1 WHERE id = $2").bind(t).bind(m).execute(&mut *tx).await?;
        }
        let meetings: Vec<i64> = sqlx::query_scalar("SELECT meeting_id FROM attendance WHERE person_id = $1").bind(id).fetch_all(&mut *tx).await?;
        for m in meetings {
            let t = tombstone!(tx, now)?;
            sqlx::query("UPDATE attendance SET person_id = $1 WHERE meeting_id = $2 AND person_id = $3").bind(t).bind(m).bind(id).execute(&mut *tx).await?;
        }
        sqlx::query("DELETE FROM people WHERE id = $1").bind(id).execute(&mut *tx).await
            .map_err(|e| AppError::from_db(e, "people-error-in-use"))?;
        if erasing {
            // Read inside the transaction, so that no copy written meanwhile escapes.
            let rows: Vec<super::erasure::AuditRow> = sqlx::query_as(
                "SELECT id, entity, entity_id, before_json, after_json FROM audit_log \
                 WHERE (entity = 'person' AND entity_id = $1) OR before_json LIKE $2 ESCAPE '\\' OR after_json LIKE $2 ESCAPE '\\'",
            )
            .bind(id).bind(format!("%{id}%")).fetch_all(&mut *tx).await?;
            for r in rows {
                if let Some((b, a)) = super::erasure::scrub_row(&r, id) {
                    sqlx::query("UPDATE audit_log SET before_json = $1, after_json = $2 WHERE id = $3")
                        .bind(b).bind(a).bind(r.id).execute(&mut *tx).await?;
                }
            }
            crate::audit!(&mut *tx, actor, "erase", "person", id, None, Some(serde_json::json!({"erased": true})))?;
        } else {
            crate::audit!(&mut *tx, actor, "delete", "person", id, Some(serde_json::to_value(&before).unwrap_or_default()), None)?;
        }
        tx.commit().await?;
        Ok(())
    })
}
