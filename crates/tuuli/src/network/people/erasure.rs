//! Erasure and data export for data subjects' requests (GDPR articles 15 and 17).
//!
//! Erasure itself runs in `store::erase` (one transaction); this file has the pure part:
//! how an audit row's copies of a person's data are scrubbed.

use serde_json::Value;

/// An audit row as erasure reads it.
#[derive(Debug, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub entity: String,
    pub entity_id: i64,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

/// Fields that carry a person's data in any object that names the person.
const PERSONAL: [&str; 6] = [
    "person_name",
    "name",
    "title",
    "email",
    "phone",
    "consent_date",
];

/// The row's before/after JSON with the person's data removed, or None when the row does
/// not mention the person. The person's own rows become `{"erased": true}`; elsewhere an
/// object naming the person (`"person_id": id`) loses the id and the personal fields, and
/// the person's id in an attendance list becomes null.
pub fn scrub_row(row: &AuditRow, person: i64) -> Option<(Option<String>, Option<String>)> {
    if row.entity == "person" && row.entity_id == person {
        let erased = Some(r#"{"erased":true}"#.to_owned());
        return Some((
            row.before_json.as_ref().and(erased.clone()),
            row.after_json.as_ref().and(erased),
        ));
    }
    let mut changed = false;
    let mut fix = |text: &Option<String>| -> Option<String> {
        let t = text.as_ref()?;
        let Ok(mut v) = serde_json::from_str::<Value>(t) else {
            return Some(t.clone());
        };
        if scrub(&mut v, person, row.entity == "attendance") {
            changed = true;
            Some(v.to_string())
        } else {
            Some(t.clone())
        }
    };
    let before = fix(&row.before_json);
    let after = fix(&row.after_json);
    changed.then_some((before, after))
}

/// Scrubs one JSON value in place; true when something changed.
fn scrub(v: &mut Value, person: i64, ids_are_people: bool) -> bool {
    match v {
        Value::Object(map) => {
            let mut changed = false;
            if map.get("person_id").and_then(Value::as_i64) == Some(person) {
                map.insert("person_id".into(), Value::Null);
                for k in PERSONAL {
                    map.remove(k);
                }
                changed = true;
            }
            for (_, child) in map.iter_mut() {
                changed |= scrub(child, person, ids_are_people);
            }
            changed
        }
        Value::Array(items) => {
            let mut changed = false;
            for item in items.iter_mut() {
                if ids_are_people && item.as_i64() == Some(person) {
                    *item = Value::Null;
                    changed = true;
                } else {
                    changed |= scrub(item, person, ids_are_people);
                }
            }
            changed
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(entity: &str, entity_id: i64, before: Option<&str>, after: Option<&str>) -> AuditRow {
        AuditRow {
            id: 1,
            entity: entity.into(),
            entity_id,
            before_json: before.map(str::to_owned),
            after_json: after.map(str::to_owned),
        }
    }

    #[test]
    fn the_persons_own_rows_keep_nothing() {
        let r = row(
            "person",
            7,
            Some(r#"{"name":"Aino","email":"a@x.fi"}"#),
            None,
        );
        assert_eq!(
            scrub_row(&r, 7),
            Some((Some(r#"{"erased":true}"#.into()), None))
        );
        assert_eq!(scrub_row(&row("person", 8, Some("{}"), None), 7), None);
    }

    #[test]
    fn other_rows_lose_the_link_and_the_personal_fields_only() {
        let r = row(
            "membership",
            3,
            Some(r#"{"person_id":7,"person_name":"Aino","role":"chair","group_id":2}"#),
            Some(r#"{"person_id":70,"role":"chair"}"#),
        );
        let (b, a) = scrub_row(&r, 7).unwrap();
        let b: Value = serde_json::from_str(&b.unwrap()).unwrap();
        assert_eq!(
            b,
            serde_json::json!({"person_id": null, "role": "chair", "group_id": 2})
        );
        assert_eq!(a.unwrap(), r#"{"person_id":70,"role":"chair"}"#);
        let att = row(
            "attendance",
            4,
            Some(r#"{"present":[7,70]}"#),
            Some(r#"{"present":[70]}"#),
        );
        let (b, _) = scrub_row(&att, 7).unwrap();
        assert_eq!(b.unwrap(), r#"{"present":[null,70]}"#);
        // A meeting row whose numbers happen to match is left alone.
        assert_eq!(
            scrub_row(&row("meeting", 7, Some(r#"{"group_id":7}"#), None), 7),
            None
        );
    }
}
