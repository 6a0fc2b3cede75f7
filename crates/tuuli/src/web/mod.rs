//! Shared web plumbing: application state, the page context every HTML handler gets,
//! template rendering, cookies, forms and the JSON extractor for the API.

pub mod api_json;
pub mod chooser;
pub mod conflict;
pub mod forms;
pub mod middleware;
pub mod templates;
pub mod uploads;

use std::ops::Deref;
use std::sync::Arc;

use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::response::Html;
use serde::Serialize;

pub use api_json::ApiJson;

use crate::auth::Viewer;
use crate::config::Config;
use crate::db::Db;
use crate::error::AppError;
use crate::i18n::{I18n, Lang};

/// Everything a handler may need, cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState(Arc<Inner>);

#[derive(Debug)]
pub struct Inner {
    pub db: Db,
    pub config: Config,
    pub i18n: Arc<I18n>,
    pub templates: templates::Templates,
    /// Themes and municipalities, kept for a minute.
    pub reference: crate::core::cache::ReferenceCache,
    /// Expensive views kept while the data they were built from is unchanged.
    pub memo: crate::core::memo::Memo,
}

impl Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    /// The four themes (cached briefly).
    pub async fn themes(&self) -> crate::error::AppResult<Vec<crate::core::themes::Theme>> {
        self.reference.themes(&self.db).await
    }

    /// The municipalities (cached briefly).
    pub async fn municipalities(&self) -> crate::error::AppResult<Vec<crate::core::areas::Area>> {
        self.reference.municipalities(&self.db).await
    }

    /// The municipalities, the home region's members first (cached briefly).
    pub async fn municipality_choices(
        &self,
    ) -> crate::error::AppResult<crate::core::areas::Choices> {
        let all = self.municipalities().await?;
        let home = self.reference.home_ids(&self.db).await?;
        Ok(crate::core::areas::Choices::split(all, &home))
    }

    /// The `<option>`s of a municipality select (`macros.html` `area_options`: the home
    /// region's first, the others in a group), `selected` (the raw value of the request,
    /// compared as text like the macro does) marked. Rendered once per language from the
    /// cached municipalities and kept until those are reloaded (`ReferenceCache::area_options`):
    /// a national list is over 300 options, and building and rendering them was about a
    /// third of the CPU time of `/organisations`.
    pub async fn municipality_options(
        &self,
        lang: Lang,
        selected: Option<&str>,
    ) -> crate::error::AppResult<minijinja::Value> {
        let html = match self.reference.area_options(lang.index()) {
            Some(html) => html,
            None => {
                let choices = self.municipality_choices().await?;
                let stamp = self.reference.area_stamp();
                let html: Arc<str> = self
                    .templates
                    .render(
                        "municipality_options.html",
                        minijinja::context! { lang => lang.code(), choices },
                    )
                    .map_err(AppError::Internal)?
                    .into();
                if let Some(stamp) = stamp {
                    self.reference
                        .put_area_options(lang.index(), stamp, html.clone());
                }
                html
            }
        };
        Ok(minijinja::Value::from_safe_string(mark_selected(
            &html, selected,
        )))
    }

    pub fn new(db: Db, config: Config) -> anyhow::Result<Self> {
        let i18n = Arc::new(I18n::load()?);
        let templates = templates::Templates::new(i18n.clone());
        Ok(AppState(Arc::new(Inner {
            db,
            config,
            i18n,
            templates,
            reference: Default::default(),
            memo: Default::default(),
        })))
    }
}

/// `options` with the option whose value is `selected` marked `selected` (the first such;
/// values are ids, so there is at most one). Only digits can be an id's value: other
/// text marks nothing, as in the template.
fn mark_selected(options: &str, selected: Option<&str>) -> String {
    let Some(id) = selected.filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
    else {
        return options.to_owned();
    };
    let needle = format!("<option value=\"{id}\">");
    match options.find(&needle) {
        Some(at) => {
            let end = at + needle.len() - 1;
            let mut out = String::with_capacity(options.len() + 9);
            out.push_str(&options[..end]);
            out.push_str(" selected");
            out.push_str(&options[end..]);
            out
        }
        None => options.to_owned(),
    }
}

/// Reads one cookie from the request headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// The CSRF token of this request (set by the CSRF middleware).
#[derive(Clone, Debug)]
pub struct CsrfToken(pub String);

/// What every HTML handler knows about the request: language, viewer, CSRF token, path.
#[derive(Clone, Debug)]
pub struct PageCtx {
    pub lang: Lang,
    pub viewer: Viewer,
    pub csrf: String,
    pub path: String,
    pub query: String,
    pub state: AppState,
}

impl FromRequestParts<AppState> for PageCtx {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let viewer = Viewer::from_request_parts(parts, state).await?;
        let lang = parts.extensions.get::<Lang>().copied().unwrap_or_default();
        let csrf = parts
            .extensions
            .get::<CsrfToken>()
            .map(|c| c.0.clone())
            .unwrap_or_default();
        let uri = parts
            .extensions
            .get::<OriginalUri>()
            .map(|u| u.0.clone())
            .unwrap_or_else(|| parts.uri.clone());
        Ok(PageCtx {
            lang,
            viewer,
            csrf,
            path: uri.path().to_owned(),
            query: uri.query().unwrap_or("").to_owned(),
            state: state.clone(),
        })
    }
}

#[derive(Serialize)]
struct ViewerCtx<'a> {
    name: &'a str,
    email: &'a str,
    role: &'a str,
    is_admin: bool,
    is_coordinator: bool,
    organisation_id: Option<i64>,
}

impl PageCtx {
    /// Translates a message key in the page's language.
    pub fn t(&self, key: &str) -> String {
        self.state.i18n.t(self.lang, key, &[])
    }

    /// Renders a template with the page context merged in (`lang`, `viewer`, `csrf`, …).
    pub fn render<S: Serialize>(&self, name: &str, ctx: S) -> Result<Html<String>, AppError> {
        let viewer = self.viewer.user().map(|u| ViewerCtx {
            name: &u.name,
            email: &u.email,
            role: u.role.as_str(),
            is_admin: u.is_admin(),
            is_coordinator: u.is_coordinator(),
            organisation_id: u.organisation_id,
        });
        let base = minijinja::context! {
            lang => self.lang.code(),
            viewer => viewer,
            csrf => &self.csrf,
            path => &self.path,
            query => &self.query,
        };
        let merged = minijinja::context! { ..minijinja::Value::from_serialize(&ctx), ..base };
        self.state
            .templates
            .render(name, merged)
            .map(Html)
            .map_err(AppError::Internal)
    }
}

#[cfg(test)]
mod tests {
    use super::mark_selected;

    #[test]
    fn only_the_option_whose_value_is_the_whole_id_is_marked() {
        let html = "<option value=\"1\">A</option><option value=\"12\">B</option><optgroup label=\"x\"><option value=\"123\">C</option></optgroup>";
        assert_eq!(
            mark_selected(html, Some("12")),
            "<option value=\"1\">A</option><option value=\"12\" selected>B</option><optgroup label=\"x\"><option value=\"123\">C</option></optgroup>"
        );
        assert!(mark_selected(html, Some("123")).contains("\"123\" selected>C"));
        for none in [
            None,
            Some(""),
            Some("4"),
            Some("012"),
            Some("1\""),
            Some(" 1"),
            Some("1>"),
        ] {
            assert_eq!(mark_selected(html, none), html, "{none:?}");
        }
    }
}
