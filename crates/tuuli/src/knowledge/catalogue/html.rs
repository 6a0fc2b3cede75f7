//! The catalogue's pages: `/indicators` (search, filters, paging), `/indicators/{id}`
//! (metadata, the values held, the export form), `/indicators/{id}/export`, the
//! coordinators' edit form, and the sets (`/indicator-sets`, `/indicator-sets/{id}`, edit).

use axum::Router;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::{Deserialize, Serialize};

use super::store::{self, CatalogueFilter};
use super::values::{self, Order, Selection};
use super::{Indicator, IndicatorInput, POLARITIES, SetInput, can_edit, require_edit, sex_code};
use crate::core::kinds;
use crate::core::paging::Paging;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::knowledge::api::ValuesQuery;
use crate::knowledge::export::{self, Format};
use crate::web::conflict::{self, EDIT_CONFLICT};
use crate::web::forms::RawForm;
use crate::web::{AppState, PageCtx};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/indicators", get(list_page))
        .route("/indicators/{id}", get(detail))
        .route("/indicators/{id}/export", get(export_values))
        .route("/indicators/{id}/edit", get(edit_form).post(update))
        .route("/indicator-sets", get(sets_page))
        .route("/indicator-sets/{id}", get(set_page))
        .route("/indicator-sets/{id}/edit", get(set_form).post(update_set))
}

#[derive(Debug, Default, Deserialize, Serialize)]
struct ListQuery {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    theme: Option<String>,
    #[serde(default)]
    set: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    page: Option<String>,
}

/// An indicator as a list or page shows it: localised title, labels' keys.
#[derive(Serialize)]
struct Shown<'a> {
    #[serde(flatten)]
    i: &'a Indicator,
    title: String,
}

async fn list_page(ctx: PageCtx, Query(q): Query<ListQuery>) -> AppResult<Html<String>> {
    let nonempty = |s: &Option<String>| s.clone().filter(|s| !s.is_empty());
    let filter = CatalogueFilter {
        q: nonempty(&q.q),
        theme: nonempty(&q.theme),
        set: nonempty(&q.set),
        source: nonempty(&q.source).filter(|s| super::SOURCES.contains(&s.as_str())),
    };
    let paging = Paging::new(q.page.as_deref().and_then(|p| p.parse().ok()), None, 25);
    let page = store::list(&ctx.state.db, &filter, paging).await?;
    let pages = page.pages();
    let items: Vec<Shown> = page
        .items
        .iter()
        .map(|i| Shown {
            i,
            title: i.title(ctx.lang).to_owned(),
        })
        .collect();
    ctx.render(
        "knowledge/catalogue.html",
        minijinja::context! {
            page => minijinja::context! { page => page.page, per_page => page.per_page, total => page.total },
            items, pages, filter,
            themes => ctx.state.themes().await?,
            sets => store::sets(&ctx.state.db).await?,
            sources => kinds::options("catalogue-source", super::SOURCES),
            can_edit => can_edit(&ctx.viewer),
        },
    )
}

#[derive(Debug, Default, Deserialize, Serialize)]
struct DetailQuery {
    #[serde(default)]
    area_kind: Option<String>,
    #[serde(default)]
    area: Option<String>,
    #[serde(default)]
    sex: Option<String>,
    #[serde(default)]
    page: Option<String>,
}

/// A value row as the page shows it.
#[derive(Serialize)]
struct ShownValue {
    area_id: i64,
    area: String,
    area_kind: String,
    year: i64,
    sex: &'static str,
    value: String,
    count: String,
    denominator: String,
    synthetic: bool,
}

async fn detail(
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(q): Query<DetailQuery>,
) -> AppResult<Html<String>> {
    detail_page(&ctx, id, q, &ExportForm::default(), &FieldErrors::new()).await
}

/// The download form's fields as typed, shown again with what to fix when the selection
/// is refused.
#[derive(Debug, Clone, Serialize)]
struct ExportForm {
    areas: Vec<String>,
    year: String,
    sexes: Vec<String>,
    format: String,
}

impl Default for ExportForm {
    fn default() -> Self {
        ExportForm {
            areas: Vec::new(),
            year: String::new(),
            sexes: Vec::new(),
            format: "csv".to_owned(),
        }
    }
}

async fn detail_page(
    ctx: &PageCtx,
    id: i64,
    q: DetailQuery,
    export: &ExportForm,
    export_errors: &FieldErrors,
) -> AppResult<Html<String>> {
    let db = &ctx.state.db;
    let ind = store::get(db, id).await?;
    let area_kind = q
        .area_kind
        .clone()
        .filter(|k| kinds::AREA_KINDS.contains(&k.as_str()));
    let area: Option<i64> = q.area.as_deref().and_then(|a| a.parse().ok());
    let sex = q.sex.as_deref().and_then(sex_code);
    let sel = Selection {
        indicators: vec![id],
        areas: area.into_iter().collect(),
        sexes: sex.into_iter().collect(),
        area_kind: area_kind.clone(),
        ..Default::default()
    };
    let paging = Paging::new(q.page.as_deref().and_then(|p| p.parse().ok()), None, 50);
    let page = values::page(db, &sel, Order::Page, paging).await?;
    let pages = page.pages();
    let lang = ctx.lang;
    let rows: Vec<ShownValue> = page
        .items
        .iter()
        .map(|r| ShownValue {
            area_id: r.area_id,
            area: lang
                .pick(&r.area_name_fi, &r.area_name_sv, &r.area_name_en)
                .to_owned(),
            area_kind: r.area_kind.replace('_', "-"),
            year: r.year,
            sex: super::sex_name(r.sex),
            value: export::display(r.value, r.decimals, lang),
            count: r
                .count
                .map(|c| super::format_number(c, 0, lang))
                .unwrap_or_default(),
            denominator: r
                .denominator
                .map(|c| super::format_number(c, 0, lang))
                .unwrap_or_default(),
            synthetic: r.synthetic,
        })
        .collect();
    let all_values = Selection {
        indicators: vec![id],
        ..Default::default()
    };
    let synthetic = values::any_synthetic(db, &all_values).await?;
    let areas = crate::core::areas::list(db, &Default::default()).await?;
    let area_options: Vec<(String, String)> = areas
        .iter()
        .map(|a| {
            (
                a.id.to_string(),
                lang.pick(&a.name_fi, &a.name_sv, &a.name_en).to_owned(),
            )
        })
        .collect();
    let sets = store::sets(db).await?;
    let title = ind.title(lang).to_owned();
    let description = lang.pick(
        &ind.description_fi,
        &ind.description_sv,
        &ind.description_en,
    );
    let limits = lang.pick(&ind.limits_fi, &ind.limits_sv, &ind.limits_en);
    ctx.render(
        "knowledge/indicator.html",
        minijinja::context! {
            ind, title,
            description => minijinja::Value::from_safe_string(super::sanitize::sanitize(description)),
            limits => minijinja::Value::from_safe_string(super::sanitize::sanitize(limits)),
            attribution => ind.attribution_lines(),
            rows, pages, synthetic,
            page => minijinja::context! { page => page.page, per_page => page.per_page, total => page.total },
            filter => minijinja::context! { area_kind => area_kind, area => q.area, sex => q.sex },
            area_kinds => kinds::options("area-kind", kinds::AREA_KINDS),
            area_options,
            sexes => super::SEXES,
            themes => ctx.state.themes().await?,
            sets => sets.into_iter().filter(|s| ind.sets.contains(&s.key)).collect::<Vec<_>>(),
            can_edit => can_edit(&ctx.viewer),
            export, export_errors => export_errors.0,
        },
    )
}

/// The export form's answer: the indicator's values in the chosen selection and format.
async fn export_values(
    ctx: PageCtx,
    Path(id): Path<i64>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> AppResult<Response> {
    let form = RawForm::parse(query.unwrap_or_default().as_bytes());
    let ind = store::get(&ctx.state.db, id).await?;
    let join = |k: &str| form.all(k).join(",");
    let q = ValuesQuery {
        indicator: Some(id.to_string()),
        area: Some(join("area")),
        area_kind: Some(form.get("area_kind")),
        year: Some(form.get("year")),
        sex: Some(join("sex")),
        ..Default::default()
    };
    let typed = ExportForm {
        areas: form.all("area"),
        year: form.get("year"),
        sexes: form.all("sex"),
        format: Format::parse(&form.get("format"))
            .map(|_| form.get("format"))
            .unwrap_or_else(|| "csv".to_owned()),
    };
    // A refused selection or a file too large shows the page again, the form as typed and
    // each problem by its field (`export_area`, `export_year`, `export_sex`, `export_format`).
    let refused = |errors: FieldErrors| {
        let mut shown = FieldErrors::new();
        for (field, key) in errors.0 {
            let field = match field.as_str() {
                "area" | "area_kind" => "export_area",
                "year" => "export_year",
                "sex" => "export_sex",
                _ => "export_format",
            };
            shown.add(field, &key);
        }
        shown
    };
    let sel = match crate::knowledge::api::selection(&ctx.state, &q).await {
        Ok(sel) => sel,
        Err(AppError::Validation(errors)) => {
            let page =
                detail_page(&ctx, id, DetailQuery::default(), &typed, &refused(errors)).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
        Err(e) => return Err(e),
    };
    let format = Format::parse(&form.get("format")).unwrap_or(Format::Csv);
    let name = format!(
        "{}-{}",
        ind.source,
        ind.source_id
            .replace(|c: char| !c.is_ascii_alphanumeric(), "_")
    );
    match export::respond(&ctx.state.db, &ctx.state.i18n, ctx.lang, sel, format, &name).await {
        Err(AppError::Message(status, key)) if status == StatusCode::UNPROCESSABLE_ENTITY => {
            let mut errors = FieldErrors::new();
            errors.add("format", &key);
            let page =
                detail_page(&ctx, id, DetailQuery::default(), &typed, &refused(errors)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        other => other,
    }
}

/// The edit form's fields as typed.
#[derive(Debug, Clone, Default, Serialize)]
struct EditForm {
    polarity: String,
    title_sv: String,
    title_en: String,
    themes: Vec<String>,
    version: Option<i64>,
}

impl From<&Indicator> for EditForm {
    fn from(i: &Indicator) -> Self {
        EditForm {
            polarity: i.polarity.clone(),
            title_sv: i.title_sv.clone(),
            title_en: i.title_en.clone(),
            themes: i.themes.clone(),
            version: Some(i.version),
        }
    }
}

async fn form_page(
    ctx: &PageCtx,
    ind: &Indicator,
    input: &EditForm,
    errors: &FieldErrors,
    conflict: Option<&str>,
    changes: &[conflict::Change],
) -> AppResult<Html<String>> {
    ctx.render(
        "knowledge/indicator_form.html",
        minijinja::context! {
            ind, title => ind.title(ctx.lang), input, errors => errors.0, conflict, changes,
            polarities => kinds::options("catalogue-polarity", POLARITIES),
            themes => ctx.state.themes().await?,
        },
    )
}

async fn edit_form(ctx: PageCtx, Path(id): Path<i64>) -> AppResult<Html<String>> {
    require_edit(&ctx.viewer)?;
    let ind = store::get(&ctx.state.db, id).await?;
    form_page(
        &ctx,
        &ind,
        &EditForm::from(&ind),
        &FieldErrors::new(),
        None,
        &[],
    )
    .await
}

async fn update(ctx: PageCtx, Path(id): Path<i64>, form: RawForm) -> AppResult<Response> {
    require_edit(&ctx.viewer)?;
    let typed = EditForm {
        polarity: form.get("catalogue_polarity"),
        title_sv: form.get("catalogue_title_sv"),
        title_en: form.get("catalogue_title_en"),
        themes: form.all("themes"),
        version: form.get("version").parse().ok(),
    };
    let input = IndicatorInput {
        polarity: typed.polarity.clone(),
        title_sv: typed.title_sv.clone(),
        title_en: typed.title_en.clone(),
        themes: typed.themes.clone(),
        version: typed.version,
    };
    match store::update(&ctx.state.db, id, &input, &ctx.viewer.actor()).await {
        Ok(_) => Ok(Redirect::to(&format!("/indicators/{id}?saved=1")).into_response()),
        Err(AppError::Conflict(EDIT_CONFLICT)) => {
            let ind = store::get(&ctx.state.db, id).await?;
            let saved = EditForm::from(&ind);
            let typed = EditForm {
                version: saved.version,
                ..typed
            };
            let changes = conflict::changes(&typed, &saved);
            let page = form_page(
                &ctx,
                &ind,
                &typed,
                &FieldErrors::new(),
                Some(EDIT_CONFLICT),
                &changes,
            )
            .await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(e) => {
            let ind = store::get(&ctx.state.db, id).await?;
            crate::web::forms::redisplay(form_errors(e), |errors, conflict| async move {
                form_page(&ctx, &ind, &typed, &errors, conflict, &[]).await
            })
            .await
        }
    }
}

async fn sets_page(ctx: PageCtx) -> AppResult<Html<String>> {
    ctx.render(
        "knowledge/sets.html",
        minijinja::context! { sets => store::sets(&ctx.state.db).await?, can_edit => can_edit(&ctx.viewer) },
    )
}

async fn set_page(ctx: PageCtx, Path(id): Path<String>) -> AppResult<Html<String>> {
    let set = store::set(&ctx.state.db, &id).await?;
    let ids = store::member_ids(&ctx.state.db, set.id).await?;
    let inds = store::by_ids(&ctx.state.db, &ids).await?;
    let items: Vec<Shown> = inds
        .iter()
        .map(|i| Shown {
            i,
            title: i.title(ctx.lang).to_owned(),
        })
        .collect();
    ctx.render(
        "knowledge/set.html",
        minijinja::context! {
            description => ctx.lang.pick(&set.description_fi, &set.description_sv, &set.description_en),
            set, items, themes => ctx.state.themes().await?, can_edit => can_edit(&ctx.viewer),
        },
    )
}

/// The set form as typed: each member's position and removal, and the ids to add.
#[derive(Debug, Clone, Default, Serialize)]
struct SetForm {
    members: Vec<(i64, String, bool)>,
    add: String,
    version: Option<i64>,
}

async fn set_form_page(
    ctx: &PageCtx,
    set: &super::IndicatorSet,
    input: &SetForm,
    errors: &FieldErrors,
    conflict: Option<&str>,
) -> AppResult<Html<String>> {
    let ids: Vec<i64> = input.members.iter().map(|m| m.0).collect();
    let inds = store::by_ids(&ctx.state.db, &ids).await?;
    let rows: Vec<minijinja::Value> = input
        .members
        .iter()
        .map(|(id, pos, remove)| {
            let title = inds
                .iter()
                .find(|i| i.id == *id)
                .map(|i| i.title(ctx.lang).to_owned())
                .unwrap_or_default();
            minijinja::context! { id, pos, remove, title }
        })
        .collect();
    ctx.render(
        "knowledge/set_form.html",
        minijinja::context! { set, rows, input, errors => errors.0, conflict },
    )
}

async fn set_form(ctx: PageCtx, Path(id): Path<String>) -> AppResult<Html<String>> {
    require_edit(&ctx.viewer)?;
    let set = store::set(&ctx.state.db, &id).await?;
    let ids = store::member_ids(&ctx.state.db, set.id).await?;
    let input = SetForm {
        members: ids
            .iter()
            .enumerate()
            .map(|(n, id)| (*id, (n + 1).to_string(), false))
            .collect(),
        add: String::new(),
        version: Some(set.version),
    };
    set_form_page(&ctx, &set, &input, &FieldErrors::new(), None).await
}

async fn update_set(ctx: PageCtx, Path(id): Path<String>, form: RawForm) -> AppResult<Response> {
    require_edit(&ctx.viewer)?;
    let set = store::set(&ctx.state.db, &id).await?;
    let mut errors = FieldErrors::new();
    let members: Vec<(i64, String, bool)> = form
        .all("member")
        .iter()
        .filter_map(|m| m.parse::<i64>().ok())
        .map(|m| {
            (
                m,
                form.get(&format!("pos_{m}")),
                form.checked(&format!("remove_{m}")),
            )
        })
        .collect();
    let typed = SetForm {
        members: members.clone(),
        add: form.get("catalogue_add"),
        version: form.get("version").parse().ok(),
    };
    let mut order: Vec<(i64, usize, i64)> = Vec::new();
    for (n, (m, pos, remove)) in members.iter().enumerate() {
        if *remove {
            continue;
        }
        match pos.trim().parse::<i64>() {
            Ok(p) => order.push((p, n, *m)),
            Err(_) => errors.add("catalogue_positions", "catalogue-error-position"),
        }
    }
    order.sort();
    let mut ids: Vec<i64> = order.into_iter().map(|(_, _, m)| m).collect();
    for part in typed
        .add
        .split([',', ' ', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        match resolve(&ctx.state.db, part).await? {
            Some(i) if !ids.contains(&i) => ids.push(i),
            Some(_) => {}
            None => errors.add("catalogue_add", "catalogue-error-unknown-indicator"),
        }
    }
    let result = if errors.is_empty() {
        let input = SetInput {
            indicators: ids,
            version: typed.version,
        };
        store::update_set(&ctx.state.db, set.id, &input, &ctx.viewer.actor())
            .await
            .map(|_| ())
    } else {
        Err(AppError::Validation(errors))
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/indicator-sets/{}?saved=1", set.id)).into_response()),
        Err(e) => {
            let typed = match &e {
                // Someone saved first: the form shows the set as it is now, with the
                // new version, and says so.
                AppError::Conflict(_) => {
                    let now = store::member_ids(&ctx.state.db, set.id).await?;
                    SetForm {
                        members: now
                            .iter()
                            .enumerate()
                            .map(|(n, id)| (*id, (n + 1).to_string(), false))
                            .collect(),
                        add: typed.add.clone(),
                        version: Some(
                            store::set(&ctx.state.db, &set.id.to_string())
                                .await?
                                .version,
                        ),
                    }
                }
                _ => typed,
            };
            crate::web::forms::redisplay(form_errors(e), |errors, conflict| async move {
                set_form_page(&ctx, &set, &typed, &errors, conflict).await
            })
            .await
        }
    }
}

/// A catalogue id, or `source:id` (`sotkanet:289`), to the indicator's id.
async fn resolve(db: &crate::db::Db, text: &str) -> AppResult<Option<i64>> {
    let (source, sid) = match text.split_once(':') {
        Some((s, i)) => (s.trim().to_owned(), i.trim().to_owned()),
        None => match text.parse::<i64>() {
            Ok(id) => return Ok(store::get(db, id).await.ok().map(|i| i.id)),
            Err(_) => return Ok(None),
        },
    };
    Ok(
        crate::with_db!(db, p => sqlx::query_scalar::<_, i64>("SELECT id FROM indicators WHERE source = $1 AND source_id = $2")
        .bind(&source).bind(&sid).fetch_optional(p).await)?,
    )
}

/// The store's field errors under the form's field names (`polarity` →
/// `catalogue_polarity`, `indicators` → `catalogue_add`), so the messages sit at the fields.
fn form_errors(e: AppError) -> AppError {
    match e {
        AppError::Validation(errors) => {
            let mut out = FieldErrors::new();
            for (field, key) in errors.0 {
                let name = match field.as_str() {
                    "themes" | "catalogue_positions" | "catalogue_add" => field.clone(),
                    "indicators" => "catalogue_add".to_owned(),
                    other => format!("catalogue_{other}"),
                };
                out.add(&name, &key);
            }
            AppError::Validation(out)
        }
        other => other,
    }
}
