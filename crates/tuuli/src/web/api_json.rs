//! `ApiJson<T>`: the API's JSON body extractor. A body that does not fit `T` is answered
//! with 422 and one message per bad field, under the field's own name, in the reader's
//! language: the body is checked against `T`'s OpenAPI schema (the same schema the
//! document publishes), so the contract and the error report cannot disagree.
//!
//! Keys: a required field missing (or null) → `error-required`; a value of the wrong JSON
//! type → `error-type`; a value outside a declared enum → `error-choice`; a field the type
//! does not have → `error-unknown-field`. Broken JSON and a content type other than JSON are
//! 400, a body over the limit 413.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::{AppError, FieldErrors};

/// A JSON body for the API whose rejections are our JSON errors (400, 413, 422).
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

fn is_json(req: &Request) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|m| {
            let m = m.trim().to_ascii_lowercase();
            m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
        })
        .unwrap_or(false)
}

impl<T: DeserializeOwned + utoipa::ToSchema, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(&req) {
            return Err(AppError::BadRequest("error-json-content-type"));
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| AppError::PayloadTooLarge)?;
        let value: Value = serde_json::from_slice(&bytes)
            .map_err(|_| AppError::BadRequest("error-json-syntax"))?;
        match serde_json::from_value::<T>(value.clone()) {
            Ok(v) => Ok(ApiJson(v)),
            Err(e) => {
                let mut errors = field_errors::<T>(&value);
                if errors.is_empty() {
                    // The schema accepted what serde refused: say so without guessing a field.
                    tracing::debug!(error = %e, "JSON body refused");
                    errors.add("body", "error-json-shape");
                }
                Err(AppError::Validation(errors))
            }
        }
    }
}

/// Checks a JSON body against `T`'s schema, field by field.
pub fn field_errors<T: utoipa::ToSchema>(body: &Value) -> FieldErrors {
    let mut list = Vec::new();
    T::schemas(&mut list);
    let mut components = Map::new();
    for (name, schema) in list {
        if let Ok(v) = serde_json::to_value(schema) {
            components.insert(name, v);
        }
    }
    let root = serde_json::to_value(T::schema()).unwrap_or(Value::Null);
    let root = resolve(&root, &components);
    let mut errors = FieldErrors::new();
    let Some(obj) = body.as_object() else {
        errors.add("body", "error-json-shape");
        return errors;
    };
    let empty = Map::new();
    let props = root
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    if let Some(required) = root.get("required").and_then(Value::as_array) {
        for name in required.iter().filter_map(Value::as_str) {
            match obj.get(name) {
                None => errors.add(name, "error-required"),
                Some(Value::Null)
                    if props
                        .get(name)
                        .is_some_and(|s| check(s, &Value::Null, &components).is_err()) =>
                {
                    errors.add(name, "error-required");
                }
                Some(_) => {}
            }
        }
    }
    for (name, v) in obj {
        match props.get(name) {
            None => errors.add(name, "error-unknown-field"),
            Some(schema) => {
                if let Err(key) = check(schema, v, &components) {
                    errors.add(name, key);
                }
            }
        }
    }
    errors
}

fn resolve<'a>(schema: &'a Value, components: &'a Map<String, Value>) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => components
            .get(r.rsplit('/').next().unwrap_or(r))
            .unwrap_or(schema),
        None => schema,
    }
}

fn type_matches(t: &str, v: &Value) -> bool {
    match t {
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        "null" => v.is_null(),
        _ => true,
    }
}

/// Whether `schema` accepts `v`; the error is a message key.
fn check(schema: &Value, v: &Value, components: &Map<String, Value>) -> Result<(), &'static str> {
    let schema = resolve(schema, components);
    for alt in ["oneOf", "anyOf"] {
        if let Some(options) = schema.get(alt).and_then(Value::as_array) {
            let results: Vec<_> = options.iter().map(|s| check(s, v, components)).collect();
            if results.iter().any(Result::is_ok) {
                return Ok(());
            }
            return Err(results
                .into_iter()
                .find_map(|r| r.err().filter(|k| *k != "error-type"))
                .unwrap_or("error-type"));
        }
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        for s in all {
            check(s, v, components)?;
        }
    }
    let typed = match schema.get("type") {
        Some(Value::String(t)) => type_matches(t, v),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .any(|t| type_matches(t, v)),
        _ => true,
    };
    if !typed {
        return Err("error-type");
    }
    // An integer that does not fit its field's width (serde would refuse the whole body
    // without naming the field).
    let n = v
        .as_i64()
        .map(i128::from)
        .or_else(|| v.as_u64().map(i128::from));
    let range: Option<(i128, i128)> = match schema.get("format").and_then(Value::as_str) {
        Some("int8") => Some((i8::MIN.into(), i8::MAX.into())),
        Some("int16") => Some((i16::MIN.into(), i16::MAX.into())),
        Some("int32") => Some((i32::MIN.into(), i32::MAX.into())),
        Some("int64") => Some((i64::MIN.into(), i64::MAX.into())),
        Some("uint8") => Some((0, u8::MAX.into())),
        Some("uint16") => Some((0, u16::MAX.into())),
        Some("uint32") => Some((0, u32::MAX.into())),
        Some("uint64") => Some((0, u64::MAX.into())),
        _ => None,
    };
    if let (Some(n), Some((lo, hi))) = (n, range)
        && !(lo..=hi).contains(&n)
    {
        return Err("error-integer-range");
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array)
        && !v.is_null()
        && !values.contains(v)
    {
        return Err("error-choice");
    }
    if let (Some(items), Some(elems)) = (schema.get("items"), v.as_array()) {
        for e in elems {
            check(items, e, components)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[derive(serde::Deserialize, utoipa::ToSchema)]
    #[expect(dead_code, reason = "only the schema is used")]
    struct Sample {
        name: String,
        #[serde(default)]
        count: Option<i64>,
        #[serde(default)]
        tags: Vec<String>,
        flag: bool,
    }

    #[test]
    fn every_bad_field_is_named_with_its_own_message() {
        let e = super::field_errors::<Sample>(
            &json!({"name": 3, "count": "x", "tags": ["a", 1], "extra": true}),
        );
        assert_eq!(e.0["name"], "error-type");
        assert_eq!(e.0["count"], "error-type");
        assert_eq!(e.0["tags"], "error-type");
        assert_eq!(e.0["flag"], "error-required");
        assert_eq!(e.0["extra"], "error-unknown-field");
        assert_eq!(e.0.len(), 5);
        let e = super::field_errors::<Sample>(&json!({"name": null, "flag": true, "count": null}));
        assert_eq!(e.0.keys().collect::<Vec<_>>(), ["name"]);
        assert!(super::field_errors::<Sample>(&json!({"name": "a", "flag": false})).is_empty());
    }
}
