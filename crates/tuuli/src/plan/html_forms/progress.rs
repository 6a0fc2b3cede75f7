//! Progress reported on the action page.

use super::*;

impl FormInput for ProgressInput {
    fn check_into(&self, c: &mut Check) {
        self.check(c);
    }
    /// A report is added, never edited.
    fn version(&self) -> Option<i64> {
        None
    }
}

/// Adds a progress update from the form on the action page; refused input shows the page
/// again with the typed values and the errors next to their fields (422).
pub(in crate::plan) async fn add_progress(
    ctx: PageCtx,
    Path(id): Path<i64>,
    form: RawForm,
) -> AppResult<Response> {
    ctx.viewer.require_signed_in()?;
    crate::plan::visible_action(&ctx.state.db, &ctx.viewer, id).await?;
    require(
        &ctx.viewer,
        can_report_progress(&ctx.state.db, &ctx.viewer, id).await?,
    )?;
    let v = typed(&form);
    let mut n = Numbers::new(&form);
    let percent = n.int("percent", 0);
    let input = ProgressInput {
        report_date: form.get("report_date"),
        status: form.get("status"),
        percent,
        narrative: form.get("narrative"),
        euros_used: n.amount("euros_used"),
        days_used: n.amount("days_used"),
        evidence: form.get("evidence"),
    };
    let mut pre = n.check;
    if form.get("percent").is_empty() {
        pre.add("percent", "error-required");
    }
    let result = checked(&input, pre, async |input| {
        store::add_progress(&ctx.state.db, id, input, &ctx.viewer.actor()).await
    })
    .await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/actions/{id}?reported=1")).into_response()),
        Err(e) => {
            refused(e, |errors, c| async move {
                crate::plan::html::action_page_with(&ctx, id, &v, &errors, c).await
            })
            .await
        }
    }
}
