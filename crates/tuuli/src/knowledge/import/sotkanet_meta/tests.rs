use super::*;
use crate::knowledge::import::Location;

const META: &str = include_str!(
    "../../../../tests/fixtures/sotkanet/sotkanet_indicator_metadata_3ind_2025-09-09_hus.json"
);
const REGIONS: &[u8] =
    include_bytes!("../../../../tests/fixtures/sotkanet/sotkanet_regions_2015_oskari.json");

fn saved(id: &str) -> String {
    let doc: Value = serde_json::from_str(META).unwrap();
    doc["indicators"][id].to_string()
}

#[test]
fn the_saved_2025_metadata_reads_with_type_decimals_and_producer() {
    let m = read_indicator(saved("5527").as_bytes()).unwrap();
    assert_eq!(m.id, 5527);
    assert!(m.title.fi.starts_with("Terveysliikuntasuosituksen"));
    assert!(m.title.sv.starts_with("Andelen"));
    assert_eq!(m.value_type, Some(ValueType::Percent));
    assert_eq!(m.value_type_title.en, "Percent");
    assert_eq!(m.decimals, Some(1));
    assert_eq!(m.organization.as_ref().map(|o| o.id), Some(2));
    assert!(m.description.fi.contains("<br />"), "HTML is kept as it is");
    assert_eq!(m.range.map(|(a, b)| (a.get(), b.get())), Some((2020, 2024)));
    assert_eq!(m.data_updated.as_deref(), Some("2025-05-14"));
    assert!(m.region_levels.iter().any(|l| l == "Kunta"));

    let m = read_indicator(saved("186").as_bytes()).unwrap();
    assert_eq!(
        (m.value_type, m.decimals),
        (Some(ValueType::Per100000), Some(1))
    );
    assert_eq!(
        m.organization.map(|o| o.title.en),
        Some("Statistics Finland".into())
    );
    assert_eq!(m.sexes, vec![Sex::Male, Sex::Female, Sex::Total]);
    assert_eq!(m.interpretation, Texts::default());
}

#[test]
fn the_saved_region_list_reads_every_area_with_string_codes() {
    let regions = read_regions(REGIONS).unwrap();
    assert_eq!(regions.len(), 511);
    let country = regions.iter().find(|r| r.category == "MAA").unwrap();
    assert_eq!(
        (country.id, country.code.as_str(), country.title.fi.as_str()),
        (658, "358", "Koko maa")
    );
    let lahti = regions.iter().find(|r| r.id == 177).unwrap();
    assert_eq!(
        (lahti.code.as_str(), lahti.category.as_str()),
        ("398", "KUNTA")
    );
    assert!(lahti.member_of.contains(&658));
    let asikkala = regions.iter().find(|r| r.id == 9).unwrap();
    assert_eq!(asikkala.code, "016", "leading zeros are kept");
}

#[test]
fn the_list_form_without_value_type_reads() {
    let list = r#"[{"id": 127, "title": {"fi": "Väkiluku", "sv": "Folkmängd", "en": "Population"},
        "organization": {"id": 3, "title": {"fi": "Tilastokeskus"}},
        "classifications": {"sex": {"values": ["total"]}, "region": {"values": ["Kunta"]}}}]"#;
    let list = read_indicator_list(list.as_bytes()).unwrap();
    assert_eq!(
        (list[0].id, list[0].value_type.clone(), list[0].decimals),
        (127, None, None)
    );
    assert_eq!(list[0].sexes, vec![Sex::Total]);
}

#[test]
fn the_saved_2015_list_form_reads_without_type_or_decimals() {
    let list = include_bytes!(
        "../../../../tests/fixtures/sotkanet/sotkanet_indicators_2015_oskari_first3.json"
    );
    let list = read_indicator_list(&list[..]).unwrap();
    assert_eq!(list.len(), 3);
    assert_eq!(
        (list[0].id, list[0].value_type.clone(), list[0].decimals),
        (4, None, None)
    );
    assert!(list[0].title.fi.starts_with("Mielenterveyden"));
    assert_eq!(list[0].sexes, vec![Sex::Male, Sex::Female, Sex::Total]);
    assert_eq!(list[0].organization.as_ref().map(|o| o.id), Some(2));
}

#[test]
fn bad_metadata_names_its_path() {
    let e = read_indicator(&br#"{"title": {"fi": "x"}}"#[..])
        .unwrap_err()
        .errors;
    assert_eq!(
        (e[0].key, &e[0].location),
        ("import-error-json-missing", &Location::Path("$.id".into()))
    );
    let e = read_indicator(&br#"{"id": 1, "title": "x"}"#[..])
        .unwrap_err()
        .errors;
    assert_eq!(
        (e[0].key, &e[0].location),
        ("import-error-json-type", &Location::Path("$.title".into()))
    );
    let e = read_indicator(&br#"{"id": 1, "classifications": {"sex": {"values": ["both"]}}}"#[..])
        .unwrap_err()
        .errors;
    assert_eq!(e[0].key, "import-error-sex");
    let e = read_regions(&br#"[{"id": 1, "code": "01", "category": "KUNTA"}, {"id": 0, "code": "x", "category": "KUNTA"}]"#[..])
        .unwrap_err()
        .errors;
    assert_eq!(
        (e[0].key, &e[0].location),
        ("import-error-id", &Location::Path("$[1].id".into()))
    );
    let whole = saved("186");
    let truncated = &whole.as_bytes()[..500];
    assert_eq!(
        read_indicator(truncated).unwrap_err().errors[0].key,
        "import-error-json-truncated"
    );
}
