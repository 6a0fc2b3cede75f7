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
