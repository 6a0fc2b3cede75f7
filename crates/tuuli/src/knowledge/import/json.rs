//! Reading a JSON document and walking it with errors that name the JSON path.

use std::io::{BufReader, Read};

use serde_json::{Map, Value};

use super::{ImportError, Location};

/// Reads one JSON document; a truncated or malformed one is an error naming its line and
/// column. (serde_json limits nesting depth, so deep input is an error, not a crash.)
pub fn read(reader: impl Read) -> Result<Value, ImportError> {
    serde_json::from_reader(BufReader::new(reader)).map_err(|e| {
        let (line, column) = (e.line().to_string(), e.column().to_string());
        let key = match e.classify() {
            serde_json::error::Category::Eof => "import-error-json-truncated",
            serde_json::error::Category::Io => "import-error-read",
            _ => "import-error-json-syntax",
        };
        ImportError::file(key, &[("line", &line), ("column", &column)])
    })
}

fn at(path: &str) -> Location {
    Location::Path(path.to_owned())
}

/// `value` must be of the JSON type `expected`.
pub fn type_error(path: &str, expected: &str) -> ImportError {
    ImportError::new(
        at(path),
        "import-error-json-type",
        &[("expected", expected)],
    )
}

/// A required member is absent.
pub fn missing(path: &str) -> ImportError {
    ImportError::new(at(path), "import-error-json-missing", &[])
}

/// The object at `path`.
pub fn object<'a>(v: &'a Value, path: &str) -> Result<&'a Map<String, Value>, ImportError> {
    v.as_object().ok_or_else(|| type_error(path, "object"))
}

/// The array at `path`.
pub fn array<'a>(v: &'a Value, path: &str) -> Result<&'a Vec<Value>, ImportError> {
    v.as_array().ok_or_else(|| type_error(path, "array"))
}

/// A member that must be present.
pub fn member<'a>(
    o: &'a Map<String, Value>,
    path: &str,
    name: &str,
) -> Result<&'a Value, ImportError> {
    o.get(name)
        .ok_or_else(|| missing(&format!("{path}.{name}")))
}

/// A positive whole number (an id) at `path`; a numeric string is accepted too.
pub fn id(v: &Value, path: &str) -> Result<u32, ImportError> {
    let n = match v {
        Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
        Value::String(s) => s.trim().parse::<u32>().ok(),
        _ => None,
    };
    n.filter(|n| *n > 0).ok_or_else(|| {
        ImportError::new(
            at(path),
            "import-error-id",
            &[("column", path), ("value", &short(v))],
        )
    })
}

/// An optional number at `path`: absent or `null` is `None`; a numeric string is accepted.
pub fn number(v: Option<&Value>, path: &str) -> Result<Option<f64>, ImportError> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_f64()
            .filter(|f| f.is_finite())
            .map(Some)
            .ok_or_else(|| bad_number(v, path)),
        Some(Value::String(s)) => super::fields::parse_number(s).map_err(|_| bad_number(v, path)),
        Some(_) => Err(bad_number(v, path)),
    }
}

fn bad_number(v: Option<&Value>, path: &str) -> ImportError {
    let shown = v.map(short).unwrap_or_default();
    ImportError::new(
        at(path),
        "import-error-number",
        &[("column", path), ("value", &shown)],
    )
}

/// A string at `path`, or a number written as one; `null` or absent is `None`.
pub fn text(v: Option<&Value>, path: &str) -> Result<Option<String>, ImportError> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(_) => Err(type_error(path, "string")),
    }
}

/// A value shown in an error message: its JSON text, cut to 40 characters.
pub fn short(v: &Value) -> String {
    let s = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    s.chars().take(40).collect()
}
