//! Snapshot, structure and robustness tests for every chart.
//!
//! Snapshots live in `tests/snapshots/`; after a deliberate change, regenerate them with
//! `UPDATE_SNAPSHOTS=1 cargo test -p tuuli-charts` and review the diff before committing.

mod common;

use common::*;
use tuuli_charts::*;

#[test]
fn bar_chart_matches_its_snapshot_and_is_accessible() {
    let svg = bars().svg(&text("bars", "Tupakoivat, %"), fi());
    all_checks(&svg, "bars");
    snapshot("bars.svg", &svg);
}

#[test]
fn bar_chart_writes_values_with_the_locale_separator_and_missing_as_dots() {
    let svg = bars().svg(&text("bars", "t"), fi());
    assert!(svg.contains(">12,4<"));
    assert!(svg.contains(">..<"));
    assert!(svg.contains("Pohjois-Savo 12,0"));
    let en = bars().svg(&text("bars", "t"), NumberFormat::for_locale("en", 1));
    assert!(en.contains(">12.4<"));
}

#[test]
fn the_own_area_is_marked_by_pattern_and_bold_not_only_colour() {
    let svg = bars().svg(&text("bars", "t"), fi());
    assert!(svg.contains("url(#bars-hatch)"));
    assert!(svg.contains(r#"font-weight="bold">Kuopio"#));
}

#[test]
fn comparisons_are_shapes_explained_by_the_callers_legend() {
    let svg = bars().svg(&text("bars", "t"), fi());
    // Worse is a square (four corners, no arc) after Iisalmi's value, and in the legend.
    assert_eq!(svg.matches(r##"fill="#a33c00""##).count(), 2);
    assert!(svg.contains(">Merkitsevästi huonompi</text>"));
    let none = Bar::default();
    assert_eq!(none.mark, Mark::None);
}

#[test]
fn long_area_names_widen_the_label_column_instead_of_being_cut() {
    let mut chart = bars();
    chart.bars[0].label = "Pohjois-Savon hyvinvointialueen kunta".to_owned();
    let svg = chart.svg(&text("bars", "t"), fi());
    all_checks(&svg, "bars");
    assert!(svg.contains(r#"<text x="254.2" y="27" text-anchor="end">Pohjois-Savon hyvinvointialueen kunta</text>"#), "{svg}");
}

#[test]
fn line_chart_matches_its_snapshot_and_is_accessible() {
    let svg = lines().svg(&text("trend", "Tupakoivat 2019–2024"), fi());
    all_checks(&svg, "trend");
    snapshot("line.svg", &svg);
}

#[test]
fn series_differ_by_dash_and_marker_shape_as_well_as_colour() {
    let svg = lines().svg(&text("trend", "t"), fi());
    assert!(svg.contains("stroke-dasharray=\"6 3\""));
    // Series 0 uses circles (arcs), series 1 squares (no arcs, four corners).
    assert!(svg.contains("A4 4 0 1 0"));
    assert!(svg.contains("fill-opacity=\"0.15\""), "the band is drawn");
}

#[test]
fn funnel_plot_matches_its_snapshot_and_is_accessible() {
    let svg = funnel().svg(&text("funnel", "Suppilokuvio"), &funnel_legend(), fi());
    all_checks(&svg, "funnel");
    snapshot("funnel.svg", &svg);
}

#[test]
fn funnel_names_the_points_outside_the_limits_on_the_chart() {
    let svg = funnel().svg(&text("funnel", "t"), &funnel_legend(), fi());
    assert!(svg.contains(">Kuopio</text>"));
    assert!(svg.contains(">Varkaus</text>"));
    assert!(
        !svg.contains(">Tervo</text>"),
        "points within are not labelled"
    );
}

#[test]
fn spine_row_matches_its_snapshot_and_is_accessible() {
    let row = SpineRow {
        min: 4.0,
        q1: Some(8.0),
        q3: Some(13.0),
        max: 21.5,
        value: Some(12.4),
        benchmark: Some(11.1),
    };
    let svg = row.svg(&text("spine", "Kuopio"), fi());
    all_checks(&svg, "spine");
    snapshot("spine.svg", &svg);
}

#[test]
fn progress_bar_matches_its_snapshot_and_writes_every_count() {
    let p = Progress {
        done: 3,
        on_track: 5,
        delayed: 2,
        not_started: 0,
    };
    let svg = p.svg(&text("plan", "Toimenpiteet"), &progress_labels(), fi());
    all_checks(&svg, "plan");
    for t in ["Valmis 3", "Aikataulussa 5", "Myöhässä 2", "Ei aloitettu 0"] {
        assert!(svg.contains(t), "{t}");
    }
    assert!(svg.contains("url(#plan-cross)"));
    snapshot("progress.svg", &svg);
}

#[test]
fn text_is_escaped_everywhere() {
    let nasty = r#"<b>&"x'</b>"#;
    let escaped = "&lt;b&gt;&amp;&quot;x&apos;&lt;/b&gt;";
    let t = ChartText {
        id: "x",
        title: nasty,
        desc: nasty,
        empty: nasty,
    };
    let mut chart = bars();
    chart.bars[0].label = nasty.to_owned();
    chart.benchmarks[0].label = nasty.to_owned();
    let svg = chart.svg(&t, fi());
    all_checks(&svg, "x");
    assert!(!svg.contains("<b>"));
    assert_eq!(
        svg.matches(escaped).count(),
        4,
        "title, desc, label, legend"
    );
    let empty = BarChart::default().svg(&t, fi());
    assert!(empty.contains(escaped) && !empty.contains("<b>"));
    let table = html_table(nasty, &[nasty], &chart.table_rows(), fi(), nasty);
    assert!(!table.contains("<b>") && table.contains(escaped));
}

#[test]
fn an_unsafe_id_prefix_becomes_a_valid_id() {
    let svg = bars().svg(&text("1 \"bad\" id", "t"), fi());
    all_checks(&svg, "c1badid");
}

#[test]
fn empty_inputs_draw_the_callers_text_instead_of_panicking() {
    let t = text("e", "t");
    let svgs = [
        BarChart::default().svg(&t, fi()),
        LineChart::default().svg(&t, fi()),
        LineChart {
            periods: vec!["2024".into()],
            series: vec![Series::default()],
        }
        .svg(&t, fi()),
        FunnelChart::default().svg(&t, &funnel_legend(), fi()),
        SpineRow::default().svg(&t, fi()),
        Progress::default().svg(&t, &progress_labels(), fi()),
    ];
    for svg in svgs {
        all_checks(&svg, "e");
        assert!(svg.contains(">Ei tietoja</text>"), "{svg}");
    }
}

#[test]
fn extreme_and_non_finite_inputs_give_finite_coordinates() {
    let t = text("x", "t");
    for v in [
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::MAX,
        -f64::MAX,
        1e-300,
        0.0,
    ] {
        let mut b = bars();
        b.bars[0].value = Some(v);
        b.bars[1].upper = Some(v);
        b.benchmarks[0].value = v;
        all_checks(&b.svg(&t, fi()), "x");

        let mut l = lines();
        l.series[0].values[0] = Some(v);
        l.series[0].band[1] = Some((v, v));
        all_checks(&l.svg(&t, fi()), "x");

        let mut f = funnel();
        f.points[0].denominator = v;
        f.points[1].value = v;
        f.benchmark = v;
        f.limits[0].upper998 = v;
        all_checks(&f.svg(&t, &funnel_legend(), fi()), "x");

        let s = SpineRow {
            min: v,
            q1: Some(v),
            q3: None,
            max: 10.0,
            value: Some(v),
            benchmark: Some(v),
        };
        all_checks(&s.svg(&t, fi()), "x");
    }
    // All-equal values (a zero-width domain) still give a drawable scale.
    let flat = LineChart {
        periods: vec!["2023".into(), "2024".into()],
        series: vec![Series {
            label: "a".into(),
            values: vec![Some(5.0), Some(5.0)],
            band: vec![],
        }],
    };
    all_checks(&flat.svg(&t, fi()), "x");
    let huge = Progress {
        done: u32::MAX,
        on_track: u32::MAX,
        delayed: 1,
        not_started: 0,
    };
    all_checks(&huge.svg(&t, &progress_labels(), fi()), "x");
}

#[test]
fn output_is_deterministic() {
    let a = funnel().svg(&text("f", "t"), &funnel_legend(), fi());
    let b = funnel().svg(&text("f", "t"), &funnel_legend(), fi());
    assert_eq!(a, b);
}

#[test]
fn the_table_has_caption_scoped_headers_and_the_same_numbers() {
    let chart = bars();
    let table = html_table(
        "Tupakoivat, %",
        &["Alue", "Arvo", "Alaraja", "Yläraja"],
        &chart.table_rows(),
        fi(),
        "..",
    );
    snapshot("bars_table.html", &table);
    assert!(table.starts_with("<table"));
    assert!(table.contains("<caption>Tupakoivat, %</caption>"));
    assert_eq!(table.matches(r#"<th scope="col">"#).count(), 4);
    assert_eq!(table.matches(r#"<th scope="row">"#).count(), 6);
    assert!(table.contains(r#"<th scope="row">Kuopio</th><td class="num">12,4</td><td class="num">10,9</td><td class="num">14,1</td>"#));
    assert!(table.contains(r#"<th scope="row">Tervo</th><td class="num">..</td>"#));
}

#[test]
fn every_chart_offers_table_rows() {
    assert_eq!(lines().table_rows().len(), 6);
    assert_eq!(lines().table_rows()[2].cells.len(), 6);
    assert_eq!(funnel().table_rows().len(), 4);
    let labels = progress_labels();
    let rows = Progress {
        done: 1,
        ..Progress::default()
    }
    .table_rows(&labels);
    assert_eq!(rows[0].header, "Valmis");
    assert_eq!(rows[0].cells, vec![Some(1.0)]);
    let spine = SpineRow::default().table_row("Tupakointi");
    assert_eq!(spine.cells.len(), 6);
}
