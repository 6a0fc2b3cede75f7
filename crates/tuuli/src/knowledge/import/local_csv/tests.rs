use super::*;
use crate::knowledge::import::collect;

fn rows(input: &[u8]) -> Vec<LocalValue> {
    collect(read(input)).unwrap()
}

fn errors(input: &[u8]) -> Vec<(Location, &'static str)> {
    collect(read(input))
        .unwrap_err()
        .errors
        .into_iter()
        .map(|e| (e.location, e.key))
        .collect()
}

#[test]
fn a_finnish_excel_file_with_bom_semicolons_and_decimal_commas_reads() {
    let input = "\u{feff}Indikaattori;Alue;Vuosi;Sukupuoli;Arvo;Lukumäärä;Nimittäjä\r\n\
                 sotkanet:289;KU398;2023;yhteensä;9,6;182;1 896\r\n\
                 289;398;2022;naiset;10,1;;\r\n\
                 ;;;;;;\r\n";
    let r = rows(input.as_bytes());
    assert_eq!(r.len(), 2);
    assert_eq!(r[0].indicator, "sotkanet:289");
    assert_eq!(r[0].area, "KU398");
    assert_eq!(
        (r[0].year.get(), r[0].sex, r[0].value),
        (2023, Sex::Total, 9.6)
    );
    assert_eq!((r[0].count, r[0].denominator), (Some(182.0), Some(1896.0)));
    assert_eq!(
        (r[1].sex, r[1].count, r[1].denominator),
        (Sex::Female, None, None)
    );
}

#[test]
fn a_comma_separated_file_in_another_column_order_reads() {
    let input = b"year,area,indicator,value,sex,notes\n2023,MK07,local:1,\"12,5\",male,checked\n";
    let r = rows(input);
    assert_eq!(
        (r[0].area.as_str(), r[0].value, r[0].sex, r[0].count),
        ("MK07", 12.5, Sex::Male, None)
    );
}

#[test]
fn a_missing_or_repeated_column_is_a_header_error() {
    assert_eq!(
        errors(b"indicator;area;year;value\n1;2;2020;3\n"),
        vec![(Location::Line(1), "import-error-header-missing")]
    );
    assert_eq!(
        errors(b"indicator;area;alue;year;sex;value\n"),
        vec![(Location::Line(1), "import-error-header-duplicate")]
    );
    assert_eq!(errors(b""), vec![(Location::File, "import-error-empty")]);
    assert_eq!(
        errors(b"\xef\xbb\xbf"),
        vec![(Location::File, "import-error-empty")]
    );
}

#[test]
fn every_bad_row_is_listed_with_its_line() {
    let input = "indicator;area;year;sex;value;count;denominator\n\
                 1;KU398;20O4;total;1;;\n\
                 1;KU398;2023;both;1;;\n\
                 1;KU398;2023;total;1.234,5;;\n\
                 1;KU398;2023;total;5;30;20\n\
                 1;KU398;2023;total;5;-1;\n\
                 1;KU398;2023;total;;;\n\
                 1;;2023;total;1;;\n\
                 1;KU398\n\
                 1;KU398;2023;total;5;20;30\n";
    assert_eq!(
        errors(input.as_bytes()),
        vec![
            (Location::Line(2), "import-error-year"),
            (Location::Line(3), "import-error-sex"),
            (Location::Line(4), "import-error-number"),
            (Location::Line(5), "import-error-count-over-denominator"),
            (Location::Line(6), "import-error-negative"),
            (Location::Line(7), "import-error-required"),
            (Location::Line(8), "import-error-required"),
            (Location::Line(9), "import-error-field-count"),
        ]
    );
}

#[test]
fn errors_are_capped_but_counted() {
    let mut input = String::from("indicator;area;year;sex;value\n");
    for _ in 0..250 {
        input.push_str("1;KU398;year;total;1\n");
    }
    let rejected = collect(read(input.as_bytes())).unwrap_err();
    assert_eq!((rejected.errors.len(), rejected.more), (100, 150));
    assert_eq!(rejected.errors[99].location, Location::Line(101));
}

#[test]
fn a_file_in_latin_1_is_refused_as_another_encoding() {
    let e = errors(b"indicator;area;year;sex;value\n1;KU398;2023;yhteens\xe4;1\n");
    assert_eq!(e, vec![(Location::Line(2), "import-error-encoding")]);
}

#[test]
fn a_reader_that_gives_one_byte_at_a_time_is_read_the_same() {
    struct Trickle<'a>(&'a [u8]);
    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            match (self.0.split_first(), out.first_mut()) {
                (Some((b, rest)), Some(o)) => {
                    *o = *b;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }
    let input = "\u{feff}indicator;area;year;sex;value\n1;KU398;2023;total;9,6\n";
    let r = collect(read(Trickle(input.as_bytes()))).unwrap();
    assert_eq!((r[0].area.as_str(), r[0].value), ("KU398", 9.6));
}

#[test]
fn an_input_that_fails_to_read_is_a_file_error() {
    struct Broken;
    impl Read for Broken {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk gone"))
        }
    }
    assert_eq!(
        collect(read(Broken)).unwrap_err().errors[0].key,
        "import-error-read"
    );
}

#[test]
fn messages_name_the_column_as_the_file_writes_it() {
    let input = "Indikaattori;Alue;Vuosi;Sukupuoli;Arvo\n1;KU398;2023;naiset;paljon\n";
    let e = collect(read(input.as_bytes()))
        .unwrap_err()
        .errors
        .remove(0);
    assert_eq!(e.key, "import-error-number");
    assert!(
        e.message_key().contains("column=Arvo"),
        "{}",
        e.message_key()
    );
}
