//! Sotkanet's `/rest/1.1/json` data answer: an array of
//! `{"indicator", "region", "year", "gender", "value", "absValue"}` for all areas.
//! `value` and `absValue` may be missing or `null` (suppressed). One answer covers one
//! indicator (a few tens of thousands of rows at most), so it is read whole.

use std::io::Read;

use serde_json::Value;

use super::fields::{sex_at, year_at};
use super::{ImportError, Location, Rejected, SotkanetValue, json};

/// Reads a whole data answer: every row, or every bad row (up to the cap) with its path.
pub fn read(reader: impl Read) -> Result<Vec<SotkanetValue>, Rejected> {
    let doc = json::read(reader)?;
    let items = json::array(&doc, "$")?;
    let mut rows = Vec::with_capacity(items.len());
    let mut rejected = Rejected::default();
    for (i, item) in items.iter().enumerate() {
        match row(item, &format!("$[{i}]")) {
            Ok(r) => rows.push(r),
            Err(e) => rejected.push(e),
        }
    }
    if rejected.is_empty() {
        Ok(rows)
    } else {
        Err(rejected)
    }
}

fn row(item: &Value, path: &str) -> Result<SotkanetValue, ImportError> {
    let o = json::object(item, path)?;
    let field = |name: &str| format!("{path}.{name}");
    let text = |name: &str| -> Result<String, ImportError> {
        json::text(Some(json::member(o, path, name)?), &field(name))?
            .ok_or_else(|| json::missing(&field(name)))
    };
    let count = json::number(o.get("absValue"), &field("absValue"))?;
    if count.is_some_and(|c| c < 0.0) {
        let shown = o.get("absValue").map(json::short).unwrap_or_default();
        return Err(ImportError::new(
            Location::Path(field("absValue")),
            "import-error-negative",
            &[("column", "absValue"), ("value", &shown)],
        ));
    }
    Ok(SotkanetValue {
        indicator: json::id(json::member(o, path, "indicator")?, &field("indicator"))?,
        region: json::id(json::member(o, path, "region")?, &field("region"))?,
        year: year_at(&Location::Path(field("year")), &text("year")?)?,
        sex: sex_at(&Location::Path(field("gender")), &text("gender")?)?,
        value: json::number(o.get("value"), &field("value"))?,
        count,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::import::Sex;

    #[test]
    fn a_data_answer_reads_with_missing_and_null_values() {
        let doc = r#"[
            {"indicator": 289, "region": 177, "year": 2023, "gender": "total", "value": 9.6, "absValue": 182},
            {"indicator": 289, "region": 9, "year": 2023, "gender": "female", "value": null},
            {"indicator": 289, "region": 658, "year": 2022, "gender": "male"}
        ]"#;
        let rows = read(doc.as_bytes()).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!((rows[0].value, rows[0].count), (Some(9.6), Some(182.0)));
        assert_eq!((rows[1].sex, rows[1].value), (Sex::Female, None));
        assert_eq!((rows[2].year.get(), rows[2].sex), (2022, Sex::Male));
    }

    #[test]
    fn bad_rows_are_named_by_their_json_path() {
        let doc = r#"[
            {"indicator": 289, "region": 177, "year": 1066, "gender": "total", "value": 1},
            {"indicator": 289, "region": 177, "year": 2023, "gender": "x", "value": 1},
            {"indicator": 289, "region": 177, "year": 2023, "gender": "total", "value": "lots"},
            {"indicator": 289, "year": 2023, "gender": "total"},
            {"indicator": 289, "region": 177, "year": 2023, "gender": "total", "absValue": -1},
            17
        ]"#;
        let e = read(doc.as_bytes()).unwrap_err().errors;
        let got: Vec<(String, &str)> = e
            .iter()
            .map(|e| match &e.location {
                Location::Path(p) => (p.clone(), e.key),
                other => (format!("{other:?}"), e.key),
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("$[0].year".to_owned(), "import-error-year"),
                ("$[1].gender".to_owned(), "import-error-sex"),
                ("$[2].value".to_owned(), "import-error-number"),
                ("$[3].region".to_owned(), "import-error-json-missing"),
                ("$[4].absValue".to_owned(), "import-error-negative"),
                ("$[5]".to_owned(), "import-error-json-type"),
            ]
        );
    }

    #[test]
    fn truncated_json_and_the_wrong_shape_are_refused() {
        let e = read(&br#"[{"indicator": 289, "region": 17"#[..])
            .unwrap_err()
            .errors;
        assert_eq!(e[0].key, "import-error-json-truncated");
        let e = read(&b"[1, 2,, 3]"[..]).unwrap_err().errors;
        assert_eq!(e[0].key, "import-error-json-syntax");
        let e = read(&br#"{"rows": []}"#[..]).unwrap_err().errors;
        assert_eq!(
            (e[0].key, &e[0].location),
            ("import-error-json-type", &Location::Path("$".into()))
        );
    }
}
