use super::*;

const SAMPLE: &[u8] = include_bytes!("../../../../tests/fixtures/jsonstat/pxweb_hand_made.json");

fn error(doc: &str) -> ImportError {
    read(doc.as_bytes()).unwrap_err().errors.remove(0)
}

#[test]
fn a_pxweb_dataset_yields_one_row_per_cell_last_dimension_fastest() {
    let ds = read(SAMPLE).unwrap();
    assert_eq!(ds.dimensions.len(), 3);
    assert_eq!(ds.roles.get("geo"), Some(&vec!["Alue".to_owned()]));
    let (geo, time) = (
        ds.dimension_index("Alue").unwrap(),
        ds.dimension_index("Vuosi").unwrap(),
    );
    let rows: Vec<_> = ds.rows().collect();
    assert_eq!(rows.len(), 6);
    let cell = |r: &Row<'_>| {
        (
            r.categories[geo].code.clone(),
            r.categories[time].code.clone(),
            r.value,
        )
    };
    assert_eq!(cell(&rows[0]), ("SSS".into(), "2022".into(), Some(1000.0)));
    assert_eq!(cell(&rows[1]), ("SSS".into(), "2023".into(), Some(1010.0)));
    assert_eq!(cell(&rows[5]), ("KU398".into(), "2023".into(), Some(120.0)));
    assert_eq!((rows[4].value, rows[4].status), (None, Some(".")));
    assert_eq!(
        rows[2].categories[geo].label.as_deref(),
        Some("Päijät-Häme")
    );
}

#[test]
fn a_sparse_value_object_and_a_json_stat_1_answer_are_read() {
    let doc = r#"{"dataset": {"dimension": {"id": ["a", "b"], "size": [2, 2],
        "a": {"category": {"index": {"x": 0, "y": 1}}},
        "b": {"category": {"index": {"p": 1, "q": 0}}}},
        "value": {"1": 5, "2": 7}}}"#;
    let ds = read(doc.as_bytes()).unwrap();
    let cells: Vec<_> = ds
        .rows()
        .map(|r| {
            (
                r.categories[0].code.as_str(),
                r.categories[1].code.as_str(),
                r.value,
            )
        })
        .collect();
    assert_eq!(
        cells,
        vec![
            ("x", "q", None),
            ("x", "p", Some(5.0)),
            ("y", "q", Some(7.0)),
            ("y", "p", None)
        ]
    );
}

#[test]
fn a_value_array_of_the_wrong_length_is_refused() {
    let doc = std::str::from_utf8(SAMPLE)
        .unwrap()
        .replace("[1000, 1010, 200, 201, null, 120]", "[1000, 1010, 200]");
    let e = error(&doc);
    assert_eq!(
        (e.key, &e.location),
        (
            "import-error-jsonstat-size",
            &Location::Path("$.value".into())
        )
    );
    assert!(
        e.message_key().contains("expected=6"),
        "{}",
        e.message_key()
    );
}

#[test]
fn sizes_that_disagree_with_ids_or_categories_are_refused() {
    let e = error(
        r#"{"version":"2.0","class":"dataset","id":["a"],"size":[1,2],"dimension":{},"value":[]}"#,
    );
    assert_eq!(e.key, "import-error-jsonstat-size");
    let e = error(
        r#"{"version":"2.0","class":"dataset","id":["a"],"size":[2],"dimension":{"a":{"category":{"index":["x"]}}},"value":[1,2]}"#,
    );
    assert_eq!(
        (e.key, &e.location),
        (
            "import-error-jsonstat-size",
            &Location::Path("$.dimension.a.category.index".into())
        )
    );
    let e = error(
        r#"{"version":"2.0","class":"dataset","id":["a"],"size":[2],"dimension":{"a":{"category":{"index":{"x":0,"y":0}}}},"value":[1,2]}"#,
    );
    assert_eq!(e.key, "import-error-jsonstat-position");
    let e = error(
        r#"{"version":"2.0","class":"dataset","id":["a","b","c"],"size":[100000,100000,100000],"dimension":{},"value":[]}"#,
    );
    assert_eq!(e.key, "import-error-jsonstat-too-large");
}

#[test]
fn other_bad_datasets_name_their_path() {
    let e = error(r#"{"version":"2.0","class":"collection"}"#);
    assert_eq!(e.key, "import-error-jsonstat-class");
    let e = error(
        r#"{"version":"2.0","class":"dataset","id":["a"],"size":[1],"dimension":{},"value":[1]}"#,
    );
    assert_eq!(
        (e.key, &e.location),
        (
            "import-error-json-missing",
            &Location::Path("$.dimension.a".into())
        )
    );
    let e = error(
        r#"{"version":"2.0","class":"dataset","id":["a"],"size":[1],"dimension":{"a":{"category":{"label":{"x":"X"}}}},"value":["many"]}"#,
    );
    assert_eq!(
        (e.key, &e.location),
        ("import-error-number", &Location::Path("$.value[0]".into()))
    );
    let truncated = &SAMPLE[..SAMPLE.len() / 2];
    assert_eq!(
        read(truncated).unwrap_err().errors[0].key,
        "import-error-json-truncated"
    );
}
