//! Every message key a template names literally exists in all three languages.

use tuuli::i18n::{I18n, Lang};

fn template_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).expect("templates dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            template_files(&p, out)
        } else if p.extension().is_some_and(|x| x == "html") {
            out.push(p)
        }
    }
}

/// Literal keys in `t("key"…)` and `t('key'…)` calls.
fn literal_keys(src: &str) -> Vec<String> {
    let mut keys = Vec::new();
    for (i, _) in src.match_indices("t(") {
        // Only the function `t`, not e.g. `format(`.
        if i > 0 && (src.as_bytes()[i - 1].is_ascii_alphanumeric() || src.as_bytes()[i - 1] == b'_')
        {
            continue;
        }
        let rest = &src[i + 2..];
        let Some(q) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        let body = &rest[1..];
        let Some(end) = body.find(q) else { continue };
        let key = &body[..end];
        let after = &body[end + 1..];
        // Skip concatenations such as t("org-type-" ~ x): the key is dynamic.
        if after.trim_start().starts_with('~') {
            continue;
        }
        if !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            keys.push(key.to_owned());
        }
    }
    keys
}

#[test]
fn every_key_used_by_a_template_is_translated() {
    let i18n = I18n::load().expect("locales");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../templates");
    let mut files = Vec::new();
    template_files(&root, &mut files);
    assert!(files.len() > 5);
    let mut missing = Vec::new();
    for f in files {
        let src = std::fs::read_to_string(&f).expect("read");
        for key in literal_keys(&src) {
            for lang in Lang::ALL {
                if !i18n.keys(lang).contains(&key) {
                    missing.push(format!(
                        "{} ({}): {key}",
                        f.strip_prefix(&root).unwrap_or(&f).display(),
                        lang.code()
                    ));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "untranslated keys:\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_scanner_finds_literal_keys_only() {
    assert_eq!(
        literal_keys(r#"{{ t("a-b") }} {{ t('c', n=1) }} {{ t("org-" ~ x) }} {{ format("x") }}"#),
        ["a-b", "c"]
    );
}

/// (accessible-name key, visible-text key) of every element written as
/// `aria-label="{{ t('name-key', …) }}">{{ t("visible-key") }}</…>`.
fn labelled_pairs(src: &str) -> Vec<(String, String)> {
    let quoted = |s: &str| -> Option<String> {
        let q = s.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let body = &s[1..];
        Some(body[..body.find(q)?].to_owned())
    };
    let mut out = Vec::new();
    for (i, m) in src.match_indices("aria-label=\"{{ t(") {
        let rest = &src[i + m.len()..];
        let Some(name) = quoted(rest) else { continue };
        let Some(end) = rest.find("}}\"") else {
            continue;
        };
        let Some(content) = rest[end + 3..].strip_prefix(">{{ t(") else {
            continue;
        };
        if let Some(visible) = quoted(content) {
            out.push((name, visible));
        }
    }
    out
}

/// WCAG 2.5.3 (label in name): a speech-input user says what they see, so a control's
/// accessible name must contain its visible text, in every language.
#[test]
fn an_accessible_name_contains_the_visible_text_in_every_language() {
    let i18n = I18n::load().expect("locales");
    let mut files = Vec::new();
    template_files(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../templates"),
        &mut files,
    );
    let mut pairs = Vec::new();
    for f in files {
        pairs.extend(labelled_pairs(
            &std::fs::read_to_string(f).expect("template"),
        ));
    }
    assert!(pairs.len() >= 2, "found only {pairs:?}");
    let args = [("number", "1".to_owned()), ("name", "Aino".to_owned())];
    for lang in Lang::ALL {
        for (name, visible) in &pairs {
            let n = i18n.t(lang, name, &args).to_lowercase();
            let v = i18n.t(lang, visible, &[]).to_lowercase();
            assert!(
                n.contains(&v),
                "{lang:?}: the accessible name {name} = \"{n}\" does not contain the visible text {visible} = \"{v}\""
            );
        }
    }
}
