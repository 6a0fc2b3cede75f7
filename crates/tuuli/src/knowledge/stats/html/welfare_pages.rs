//! The welfare report's pages: the report for a period (HTML and PDF) and the
//! coordinators' narrative and recorded omissions.

use super::*;

fn period(q: &ViewQuery) -> (i32, i32) {
    let now = chrono::Datelike::year(&chrono::Utc::now());
    let read = |s: &Option<String>, d: i32| {
        s.as_deref()
            .and_then(|s| s.trim().parse::<i32>().ok())
            .filter(|y| (1900..=2200).contains(y))
            .unwrap_or(d)
    };
    let to = read(&q.to, now - 1);
    let from = read(&q.from, to - 3).min(to);
    (from, to)
}

async fn welfare_view(
    ctx: &PageCtx,
    id: i64,
    q: &ViewQuery,
    errors: &FieldErrors,
    typed: Option<&str>,
) -> AppResult<Html<String>> {
    let (from, to) = period(q);
    let r = welfare::report(
        &ctx.state.db,
        id,
        from,
        to,
        q.set.as_deref(),
        crate::plan::sees_unpublished(&ctx.viewer),
    )
    .await?;
    let t = |k: &str| ctx.t(k);
    let as_profile = r.as_profile();
    let rows = views::profile_rows(&as_profile, ctx.lang, &t);
    let themed: Vec<_> = ctx
        .state
        .themes()
        .await?
        .into_iter()
        .map(|th| {
            let rs: Vec<_> = r
                .wellbeing
                .iter()
                .zip(&rows)
                .filter(|(w, _)| w.themes.contains(&th.slug))
                .map(|(_, v)| v.clone())
                .collect();
            (th, rs)
        })
        .collect();
    let by_sex: Vec<_> = r
        .by_sex
        .iter()
        .map(|s| {
            let f = fmt(ctx.lang, s.decimals);
            minijinja::context! {
                title => ctx.lang.pick(&s.title_fi, &s.title_sv, &s.title_en).to_owned(),
                men => views::show(s.men.as_ref(), f, "95"), women => views::show(s.women.as_ref(), f, "95"),
                cmp => views::cmp(s.women_vs_men),
            }
        })
        .collect();
    let flags = crate::knowledge::stats::explained(&ctx.state, ctx.lang, r.flags.clone());
    let omissions: Vec<_> = r
        .omissions
        .iter()
        .map(|o| {
            (
                ctx.lang
                    .pick(&o.title_fi, &o.title_sv, &o.title_en)
                    .to_owned(),
                o.reason.clone(),
            )
        })
        .collect();
    let set_members: Vec<(i64, String)> = match &r.set {
        Some(s) => store::indicators(&ctx.state.db, Some(s.id), None)
            .await?
            .iter()
            .map(|i| (i.id, i.title(ctx.lang).to_owned()))
            .collect(),
        None => Vec::new(),
    };
    ctx.render(
        "knowledge/stats/welfare.html",
        minijinja::context! {
            area_id => id, area_name => r.area.name(ctx.lang), from, to, set => &r.set, themed, by_sex, work => &r.work,
            flags, omissions, narrative => typed.map(str::to_owned).unwrap_or(r.narrative.clone()), synthetic => r.synthetic,
            can_edit => can_edit(&ctx.viewer), errors => &errors.0, set_members,
        },
    )
}

pub(super) async fn welfare_page(
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(q): Query<ViewQuery>,
) -> AppResult<Html<String>> {
    welfare_view(&ctx, id, &q, &FieldErrors::new(), None).await
}

/// The welfare report as a PDF: the same query, the same access (everyone reads) and the
/// same data as the page, in the reader's language.
pub(super) async fn welfare_pdf(
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(q): Query<ViewQuery>,
) -> AppResult<Response> {
    let (from, to) = period(&q);
    let r = welfare::report(
        &ctx.state.db,
        id,
        from,
        to,
        q.set.as_deref(),
        crate::plan::sees_unpublished(&ctx.viewer),
    )
    .await?;
    let themes = ctx.state.themes().await?;
    let flags = crate::knowledge::stats::explained(&ctx.state, ctx.lang, r.flags.clone());
    let tr = |k: &str, args: &[(&str, String)]| ctx.state.i18n.t(ctx.lang, k, args);
    let generated = tr(
        "welfare-pdf-generated",
        &[("date", chrono::Utc::now().date_naive().to_string())],
    );
    let doc = welfare_pdf::document(&r, ctx.lang, &tr, &themes, &flags, &generated);
    let bytes = welfare_pdf::render(doc).await?;
    let name = welfare_pdf::file_name(
        &tr("welfare-pdf-file", &[]),
        r.area.name(ctx.lang),
        from,
        to,
    );
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/pdf".to_owned(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// The report's period and set as a posted form carries them.
fn posted_view(form: &RawForm) -> ViewQuery {
    ViewQuery {
        from: Some(form.get("from")),
        to: Some(form.get("to")),
        set: Some(form.get("set")),
        ..ViewQuery::default()
    }
}

pub(super) async fn save_narrative(
    ctx: PageCtx,
    Path(id): Path<i64>,
    form: RawForm,
) -> AppResult<Response> {
    crate::plan::require(&ctx.viewer, can_edit(&ctx.viewer))?;
    let q = posted_view(&form);
    let (from, to) = period(&q);
    let body = form.get("body");
    match welfare::save_narrative(&ctx.state.db, id, from, to, &body, &ctx.viewer.actor()).await {
        Ok(()) => Ok(Redirect::to(&format!(
            "/areas/{id}/welfare-report?from={from}&to={to}&saved=1"
        ))
        .into_response()),
        Err(err) => {
            crate::web::forms::redisplay(err, |errors, _| async move {
                welfare_view(&ctx, id, &q, &errors, Some(&body)).await
            })
            .await
        }
    }
}

pub(super) async fn save_omission(
    ctx: PageCtx,
    Path(id): Path<i64>,
    form: RawForm,
) -> AppResult<Response> {
    crate::plan::require(&ctx.viewer, can_edit(&ctx.viewer))?;
    let q = posted_view(&form);
    let set = store::choose_set(&ctx.state.db, q.set.as_deref())
        .await?
        .ok_or(AppError::NotFound)?;
    let indicator = form.get("indicator_id").trim().parse::<i64>().unwrap_or(0);
    let (from, to) = period(&q);
    match welfare::save_omission(
        &ctx.state.db,
        id,
        set.id,
        indicator,
        &form.get("reason"),
        &ctx.viewer.actor(),
    )
    .await
    {
        Ok(()) => Ok(Redirect::to(&format!(
            "/areas/{id}/welfare-report?from={from}&to={to}&saved=1"
        ))
        .into_response()),
        Err(err) => {
            crate::web::forms::redisplay(err, |errors, _| async move {
                welfare_view(&ctx, id, &q, &errors, None).await
            })
            .await
        }
    }
}
