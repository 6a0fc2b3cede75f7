//! Finnish, Swedish and English UI strings from the Fluent files under `locales/<lang>/`.
//!
//! The files are embedded at build time (see `build.rs`). Finnish is the default; a key
//! missing in a language falls back to Finnish, and a test makes sure none is missing.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

include!(concat!(env!("OUT_DIR"), "/locales.rs"));

/// A user-interface language.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Fi,
    Sv,
    En,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Fi, Lang::Sv, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Fi => "fi",
            Lang::Sv => "sv",
            Lang::En => "en",
        }
    }

    /// 0, 1, 2 for Finnish, Swedish, English: a slot in per-language arrays.
    pub fn index(self) -> usize {
        match self {
            Lang::Fi => 0,
            Lang::Sv => 1,
            Lang::En => 2,
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "fi" => Some(Lang::Fi),
            "sv" => Some(Lang::Sv),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// Picks the best supported language from an `Accept-Language` header.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut bits = part.split(';');
            let tag = bits.next().unwrap_or("").trim();
            let primary = tag.split('-').next().unwrap_or("");
            let q = bits
                .find_map(|b| {
                    b.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            if let Some(lang) = Lang::parse(primary)
                && q > 0.0
                && best.is_none_or(|(bq, _)| q > bq)
            {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l)
    }

    /// Picks the name in this language, falling back to Finnish when it is empty.
    pub fn pick<'a>(self, fi: &'a str, sv: &'a str, en: &'a str) -> &'a str {
        let s = match self {
            Lang::Fi => fi,
            Lang::Sv => sv,
            Lang::En => en,
        };
        if s.trim().is_empty() { fi } else { s }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A message key with Fluent arguments, as one string (`key?name=value&…`) that travels
/// wherever a plain key does — field errors, error pages, JSON answers — and is taken apart
/// by [`I18n::t`]: `with_args("import-error-year", &[("line", "3"), ("value", "x")])`.
pub fn with_args(key: &str, args: &[(&str, &str)]) -> String {
    if args.is_empty() {
        return key.to_owned();
    }
    format!(
        "{key}?{}",
        serde_urlencoded::to_string(args).unwrap_or_default()
    )
}

/// The key and the arguments of a message made by [`with_args`].
pub fn split_args(key: &str) -> (&str, Vec<(String, String)>) {
    match key.split_once('?') {
        Some((k, q)) => (k, serde_urlencoded::from_str(q).unwrap_or_default()),
        None => (key, Vec::new()),
    }
}

/// The three message bundles.
pub struct I18n {
    bundles: [FluentBundle<FluentResource>; 3],
    keys: [BTreeSet<String>; 3],
    /// Every message of every language formatted once without arguments (with the
    /// Finnish fallback), as [`I18n::t`] without arguments would: a page shows dozens of
    /// such strings (the layout, labels, one per row), and formatting each through Fluent
    /// on every request was a measurable part of a list page's CPU time.
    plain: [HashMap<String, String>; 3],
}

impl fmt::Debug for I18n {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("I18n").finish_non_exhaustive()
    }
}

impl I18n {
    /// Parses the embedded locale files. A syntax error in a file is a build-time bug,
    /// reported with the file name.
    pub fn load() -> anyhow::Result<Self> {
        let mk = |lang: Lang| -> anyhow::Result<(FluentBundle<FluentResource>, BTreeSet<String>)> {
            let id: unic_langid::LanguageIdentifier = lang.code().parse()?;
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            bundle.set_use_isolating(false);
            let mut keys = BTreeSet::new();
            for (l, name, src) in LOCALE_FILES.iter().filter(|(l, _, _)| *l == lang.code()) {
                let res = FluentResource::try_new((*src).to_owned())
                    .map_err(|(_, errs)| anyhow::anyhow!("locales/{l}/{name}: {errs:?}"))?;
                for entry in res.entries() {
                    if let fluent_syntax::ast::Entry::Message(m) = entry {
                        keys.insert(m.id.name.to_owned());
                    }
                }
                bundle.add_resource(res).map_err(|errs| {
                    anyhow::anyhow!("locales/{l}/{name}: duplicate keys {errs:?}")
                })?;
            }
            Ok((bundle, keys))
        };
        let (fi, kfi) = mk(Lang::Fi)?;
        let (sv, ksv) = mk(Lang::Sv)?;
        let (en, ken) = mk(Lang::En)?;
        let mut i18n = I18n {
            bundles: [fi, sv, en],
            keys: [kfi, ksv, ken],
            plain: Default::default(),
        };
        let all: BTreeSet<String> = i18n.keys.iter().flatten().cloned().collect();
        let plain = Lang::ALL.map(|lang| {
            all.iter()
                .filter_map(|k| Some((k.clone(), i18n.format(lang, k, &[])?)))
                .collect()
        });
        i18n.plain = plain;
        Ok(i18n)
    }

    fn idx(lang: Lang) -> usize {
        lang.index()
    }

    /// The message keys defined for a language.
    pub fn keys(&self, lang: Lang) -> &BTreeSet<String> {
        &self.keys[Self::idx(lang)]
    }

    /// Translates `key` with string arguments; an unknown key comes back as itself.
    pub fn t(&self, lang: Lang, key: &str, args: &[(&str, String)]) -> String {
        if args.is_empty()
            && let Some(s) = self.plain[Self::idx(lang)].get(key)
        {
            return s.clone();
        }
        match self.format(lang, key, args) {
            Some(s) => s,
            None => {
                tracing::warn!(key, "missing translation");
                key.to_owned()
            }
        }
    }

    /// Formats `key` (which may carry its arguments, see [`with_args`]) in `lang`, or in
    /// Finnish when `lang` lacks it; `None` for a key no bundle has.
    fn format(&self, lang: Lang, key: &str, args: &[(&str, String)]) -> Option<String> {
        let mut fargs = FluentArgs::new();
        // A message may carry its own arguments (see [`with_args`]); given ones come after.
        let (key, carried) = split_args(key);
        let given = args.iter().map(|(k, v)| (*k, v.clone()));
        for (k, v) in carried
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone()))
            .chain(given)
        {
            match v.parse::<i64>() {
                Ok(n) => fargs.set(k.to_owned(), FluentValue::from(n)),
                Err(_) => fargs.set(k.to_owned(), FluentValue::from(v)),
            }
        }
        for l in [lang, Lang::Fi] {
            let bundle = &self.bundles[Self::idx(l)];
            if let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) {
                let mut errors = vec![];
                let s = bundle.format_pattern(pattern, Some(&fargs), &mut errors);
                return Some(s.into_owned());
            }
        }
        None
    }

    /// Every key that some language has and another lacks, as (language, key).
    pub fn missing_keys(&self) -> BTreeMap<&'static str, Vec<String>> {
        let all: BTreeSet<&String> = self.keys.iter().flatten().collect();
        let mut out = BTreeMap::new();
        for lang in Lang::ALL {
            let have = self.keys(lang);
            let missing: Vec<String> = all
                .iter()
                .filter(|k| !have.contains(**k))
                .map(|k| (*k).clone())
                .collect();
            if !missing.is_empty() {
                out.insert(lang.code(), missing);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_carry_their_arguments_in_every_language() {
        let i18n = I18n::load().expect("locale files parse");
        let key = with_args("error-too-long-max", &[("max", "200")]);
        assert_eq!(
            i18n.t(Lang::Fi, &key, &[]),
            "Teksti on liian pitkä: enintään 200 merkkiä."
        );
        assert_eq!(
            i18n.t(Lang::Sv, &key, &[]),
            "Texten är för lång: högst 200 tecken."
        );
        assert_eq!(
            i18n.t(Lang::En, &key, &[]),
            "The text is too long: at most 200 characters."
        );
        // Text arguments survive any characters, and a plain key is untouched.
        let odd = with_args("error-bad-param", &[("name", "a&b=c?d")]);
        assert!(
            i18n.t(Lang::En, &odd, &[]).contains("“a&b=c?d”"),
            "{}",
            i18n.t(Lang::En, &odd, &[])
        );
        assert_eq!(split_args("error-required"), ("error-required", vec![]));
        assert_eq!(with_args("error-required", &[]), "error-required");
    }

    #[test]
    fn accept_language_picks_the_best_supported_language() {
        assert_eq!(
            Lang::from_accept_language("sv-FI,sv;q=0.9,en;q=0.8"),
            Some(Lang::Sv)
        );
        assert_eq!(
            Lang::from_accept_language("de-DE,en;q=0.5,fi;q=0.7"),
            Some(Lang::Fi)
        );
        assert_eq!(Lang::from_accept_language("de"), None);
        assert_eq!(
            Lang::from_accept_language("en;q=0,sv;q=0.1"),
            Some(Lang::Sv)
        );
    }

    #[test]
    fn every_language_has_every_message_key() {
        let i18n = I18n::load().expect("locale files parse");
        let missing = i18n.missing_keys();
        assert!(
            missing.is_empty(),
            "keys missing from some language: {missing:#?}"
        );
        assert!(
            i18n.keys(Lang::Fi).len() > 100,
            "the locale files were not embedded"
        );
    }

    #[test]
    fn messages_take_arguments() {
        let i18n = I18n::load().expect("locale files parse");
        assert_eq!(i18n.t(Lang::En, "no-such-key", &[]), "no-such-key");
        let s = i18n.t(
            Lang::Fi,
            "paging-status",
            &[("page", "2".into()), ("pages", "5".into())],
        );
        assert!(s.contains('2') && s.contains('5'), "{s}");
    }
}
