//! The MiniJinja environment: templates embedded from `templates/`, auto-escaping on,
//! and the helpers templates use: `t(key, **args)`, `markdown`, `fmt_date`, `fmt_datetime`.

use std::sync::Arc;

use minijinja::value::{Kwargs, Value};
use minijinja::{AutoEscape, Environment, Error, State};

use crate::i18n::{I18n, Lang};

/// Debug builds (every test, `cargo run`) fail on any undefined value (printed, iterated,
/// tested with `if`, passed to a filter), so a misspelt variable breaks a test instead of
/// silently rendering nothing; a release build renders it as empty rather than answering 500.
/// Optional values are tested with `is defined`, `in` or given a default in the handler.
pub const UNDEFINED: minijinja::UndefinedBehavior = if cfg!(debug_assertions) {
    minijinja::UndefinedBehavior::Strict
} else {
    minijinja::UndefinedBehavior::Lenient
};

pub struct Templates {
    env: Environment<'static>,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates").finish_non_exhaustive()
    }
}

fn lang_of(state: &State) -> Lang {
    state
        .lookup("lang")
        .and_then(|v| v.as_str().and_then(Lang::parse))
        .unwrap_or_default()
}

impl Templates {
    pub fn new(i18n: Arc<I18n>) -> Self {
        let mut env = Environment::new();
        env.set_auto_escape_callback(|_| AutoEscape::Html);
        env.set_undefined_behavior(UNDEFINED);
        minijinja_embed::load_templates!(&mut env);
        let tr = i18n.clone();
        env.add_function(
            "t",
            move |state: &State, key: &str, kwargs: Kwargs| -> Result<String, Error> {
                let mut args = Vec::new();
                for k in kwargs.args() {
                    let v: Value = kwargs.get(k)?;
                    args.push((
                        k,
                        if v.is_undefined() || v.is_none() {
                            String::new()
                        } else {
                            v.to_string()
                        },
                    ));
                }
                Ok(tr.t(lang_of(state), key, &args))
            },
        );
        env.add_filter("markdown", |s: &str| {
            Value::from_safe_string(crate::web::forms::markdown_to_html(s))
        });
        env.add_filter("fmt_date", |v: Value| -> Result<String, Error> {
            Ok(format_date(&v.to_string()))
        });
        env.add_filter("fmt_datetime", |v: Value| -> Result<String, Error> {
            Ok(format_datetime(&v.to_string()))
        });
        // `x|fmt_number(decimals)`: a number the reader's way (comma decimals and grouping
        // spaces in Finnish and Swedish); none or undefined shows as empty.
        env.add_filter(
            "fmt_number",
            |state: &State, v: Value, decimals: Option<usize>| -> String {
                match f64::try_from(v) {
                    Ok(x) => tuuli_charts::NumberFormat::for_locale(
                        lang_of(state).code(),
                        decimals.unwrap_or(0),
                    )
                    .format(x),
                    Err(_) => String::new(),
                }
            },
        );
        env.add_filter("urlencode_q", |s: &str| -> String {
            serde_urlencoded::to_string([("", s)])
                .unwrap_or_default()
                .trim_start_matches('=')
                .to_owned()
        });
        // Localised names: `item|name` picks name_<lang>, falling back to name_fi.
        env.add_filter("name", |state: &State, v: Value| -> Result<String, Error> {
            let get = |k: &str| {
                v.get_attr(k)
                    .ok()
                    .filter(|x| !x.is_undefined() && !x.is_none())
                    .map(|x| x.to_string())
                    .unwrap_or_default()
            };
            let fi = get("name_fi");
            let sv = get("name_sv");
            let en = get("name_en");
            Ok(lang_of(state).pick(&fi, &sv, &en).to_owned())
        });
        // `item|localized("title")`: title_<lang> when given, else the Finnish `title`.
        env.add_filter(
            "localized",
            |state: &State, v: Value, field: &str| -> Result<String, Error> {
                let get = |k: &str| {
                    v.get_attr(k)
                        .ok()
                        .filter(|x| !x.is_undefined() && !x.is_none())
                        .map(|x| x.to_string())
                        .unwrap_or_default()
                };
                let fi = get(field);
                let sv = get(&format!("{field}_sv"));
                let en = get(&format!("{field}_en"));
                Ok(lang_of(state).pick(&fi, &sv, &en).to_owned())
            },
        );
        // `items|options`: (id, localised name) pairs for a select box; items with a plain
        // `name` field keep it.
        env.add_filter(
            "options",
            |state: &State, items: Vec<Value>| -> Vec<Vec<Value>> {
                let lang = lang_of(state);
                items
                    .iter()
                    .map(|v| {
                        let get = |k: &str| {
                            v.get_attr(k)
                                .ok()
                                .filter(|x| !x.is_undefined() && !x.is_none())
                                .map(|x| x.to_string())
                                .unwrap_or_default()
                        };
                        let fi = get("name_fi");
                        let label = if fi.is_empty() {
                            get("name")
                        } else {
                            lang.pick(&fi, &get("name_sv"), &get("name_en")).to_owned()
                        };
                        vec![
                            v.get_attr("id").unwrap_or(Value::UNDEFINED),
                            Value::from(label),
                        ]
                    })
                    .collect()
            },
        );
        Templates { env }
    }

    pub fn render(&self, name: &str, ctx: Value) -> anyhow::Result<String> {
        let tmpl = self
            .env
            .get_template(name)
            .map_err(|e| anyhow::anyhow!("template {name}: {e:#}"))?;
        tmpl.render(ctx).map_err(|e| {
            let mut msg = format!("rendering {name}: {e}");
            let mut src = std::error::Error::source(&e);
            while let Some(s) = src {
                msg.push_str(&format!(": {s}"));
                src = s.source();
            }
            anyhow::anyhow!(msg)
        })
    }

    pub fn names(&self) -> Vec<String> {
        self.env.templates().map(|(n, _)| n.to_owned()).collect()
    }
}

/// `2026-12-01` → `1.12.2026` (the Finnish way, understood in Swedish and English too).
pub fn format_date(s: &str) -> String {
    let d = s.get(..10).unwrap_or(s);
    let mut it = d.split('-');
    match (it.next(), it.next(), it.next()) {
        (Some(y), Some(m), Some(day)) if y.len() == 4 => {
            format!(
                "{}.{}.{}",
                day.trim_start_matches('0'),
                m.trim_start_matches('0'),
                y
            )
        }
        _ => s.to_owned(),
    }
}

/// `2026-12-01T09:30:00` → `1.12.2026 klo 9.30`-like, here `1.12.2026 9:30`.
pub fn format_datetime(s: &str) -> String {
    let date = format_date(s);
    match s.get(11..16) {
        Some(hm) if s.len() >= 16 => {
            let (h, m) = hm.split_once(':').unwrap_or((hm, "00"));
            let h = h.trim_start_matches('0');
            format!("{date} {}:{m}", if h.is_empty() { "0" } else { h })
        }
        _ => date,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_shown_the_finnish_way() {
        assert_eq!(format_date("2026-01-05"), "5.1.2026");
        assert_eq!(format_datetime("2026-12-01T09:30:00"), "1.12.2026 9:30");
        assert_eq!(format_datetime("2026-12-01T00:05:00"), "1.12.2026 0:05");
        assert_eq!(format_date("garbage"), "garbage");
    }

    #[test]
    fn a_template_naming_an_undefined_value_fails_to_render_in_tests() {
        let i18n = Arc::new(I18n::load().unwrap());
        let t = Templates::new(i18n);
        let full = minijinja::context! { lang => "fi", csrf => "x", path => "/login", query => "", viewer => Value::from(()), next => "/", email => "" };
        t.render("auth/login.html", full).unwrap();
        // The same page without `next`: an error, not a silently empty hidden field.
        let missing = minijinja::context! { lang => "fi", csrf => "x", path => "/login", query => "", viewer => Value::from(()), email => "" };
        let err = t.render("auth/login.html", missing).unwrap_err();
        assert!(format!("{err:#}").contains("undefined"), "{err:#}");
    }
}
