//! Folded keys for case-insensitive names and search, the same on both databases.
//!
//! SQLite's `lower()` folds only ASCII letters ("Åbo" and "åbo" would be two names) and
//! PostgreSQL's depends on the database's locale. So the stores write `name_key` (the
//! folded name: uniqueness and sorting) and `search_key` (the folded searchable texts,
//! one per line: substring search) computed here, in Rust, and search text is folded the
//! same way before it is matched. Migration 0006 fills the keys of existing rows with
//! `lower()`; [`refold`] then rewrites the rows whose keys differ from Rust's folding.

use super::Db;
use crate::with_db;

/// The case-folded form of a name (Unicode lower case).
pub fn fold(text: &str) -> String {
    text.to_lowercase()
}

/// The search key of several texts: each folded, one per line.
pub fn search_key(parts: &[&str]) -> String {
    parts.iter().map(|p| fold(p)).collect::<Vec<_>>().join("\n")
}

/// A keyed table: its name and the columns its keys are made of.
struct Keyed {
    table: &'static str,
    /// The texts of the search key; the first is the name.
    search: &'static [&'static str],
}

const KEYED: &[Keyed] = &[
    Keyed {
        table: "organisations",
        search: &["name_fi", "name_sv"],
    },
    Keyed {
        table: "work_groups",
        search: &["name_fi", "name_sv", "name_en"],
    },
    Keyed {
        table: "people",
        search: &["name", "title", "email"],
    },
];

/// Rewrites the keys of rows whose texts have non-ASCII characters (where SQL's `lower()`
/// and Rust may differ) or whose keys are empty, when they differ from [`fold`]. A row
/// whose new name key would collide with another's (two names that differ only in the
/// case of a non-ASCII letter, allowed before migration 0006) keeps its old key and is
/// logged: rename one of them and the row is refolded on its next save.
pub async fn refold(db: &Db) -> anyhow::Result<()> {
    for k in KEYED {
        let texts = k.search.join(", ");
        let non_ascii = k
            .search
            .iter()
            .map(|c| format!("length({c}) <> octet_length({c})"))
            .collect::<Vec<_>>()
            .join(" OR ");
        // Table and column names are the constants above, never input.
        let sql = format!(
            "SELECT id, name_key, search_key, {texts} FROM {} WHERE name_key = '' OR search_key = '' OR {non_ascii}",
            k.table
        );
        let update = format!(
            "UPDATE {} SET name_key = $1, search_key = $2 WHERE id = $3",
            k.table
        );
        let rows: Vec<Vec<String>> = with_db!(db, p => {
            use sqlx::Row;
            sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).fetch_all(p).await?.iter().map(|r| {
                let mut v = vec![r.try_get::<i64, _>(0).map(|i| i.to_string())?];
                for i in 1..3 + k.search.len() {
                    v.push(r.try_get::<String, _>(i)?);
                }
                Ok(v)
            }).collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        for row in rows {
            let id: i64 = row[0].parse()?;
            let parts: Vec<&str> = row[3..].iter().map(String::as_str).collect();
            let name_key = fold(&row[3]);
            let search = search_key(&parts);
            if name_key == row[1] && search == row[2] {
                continue;
            }
            let done = with_db!(db, p => sqlx::query(sqlx::AssertSqlSafe(update.as_str()))
                .bind(&name_key).bind(&search).bind(id).execute(p).await.map(|r| r.rows_affected()));
            if let Err(e) = done {
                tracing::warn!(table = k.table, id, error = %e,
                    "could not refold the name key (another row has the same name in another case?); kept the old key");
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_lowers_non_ascii_letters_too() {
        assert_eq!(fold("ÅBO Äänekoski Ö"), "åbo äänekoski ö");
        assert_eq!(fold("Åbo"), fold("åbo"));
        assert_eq!(search_key(&["Äiti", "MOR"]), "äiti\nmor");
    }
}
