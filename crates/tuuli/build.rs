//! Embeds the templates and the Fluent locale files into the binary, so that the server
//! needs no files beside it. Adding a file under `templates/` or `locales/<lang>/` is enough.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    minijinja_embed::embed_templates!("../../templates");

    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../locales");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut out = String::from(
        "/// (language, file name, Fluent source) of every locale file.\npub static LOCALE_FILES: &[(&str, &str, &str)] = &[\n",
    );
    let mut entries = Vec::new();
    for lang in ["fi", "sv", "en"] {
        let dir = root.join(lang);
        println!("cargo:rerun-if-changed={}", dir.display());
        let Ok(read) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in read.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "ftl") {
                println!("cargo:rerun-if-changed={}", path.display());
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                entries.push((lang, name, path.canonicalize().unwrap_or(path)));
            }
        }
    }
    entries.sort();
    for (lang, name, path) in entries {
        let _ = writeln!(
            out,
            "    ({lang:?}, {name:?}, include_str!({:?})),",
            path.display().to_string()
        );
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap_or_default()).join("locales.rs");
    std::fs::write(dest, out).unwrap_or_else(|e| panic!("writing locales.rs: {e}"));
}
