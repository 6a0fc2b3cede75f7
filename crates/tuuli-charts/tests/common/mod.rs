//! Shared checks and sample data for the chart tests.

use std::path::PathBuf;

use tuuli_charts::*;

/// Compares `actual` with `tests/snapshots/<name>`. With `UPDATE_SNAPSHOTS=1` the file is
/// (re)written instead, so a deliberate change is one command and a reviewed diff.
pub fn snapshot(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some_and(|v| v == "1") {
        std::fs::write(&path, actual).expect("write snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!("missing snapshot {name}: run with UPDATE_SNAPSHOTS=1 and review the file")
    });
    assert!(
        expected == actual,
        "{name} differs from its snapshot; if the change is intended, rerun with \
         UPDATE_SNAPSHOTS=1 and review the diff.\nactual:\n{actual}"
    );
}

/// Role, accessible name and description are there and linked.
pub fn assert_accessible(svg: &str, id: &str) {
    assert!(svg.starts_with("<svg "), "{svg}");
    assert!(svg.ends_with("</svg>"));
    assert!(svg.contains(r#"role="img""#));
    assert!(svg.contains(&format!(r#"aria-labelledby="{id}-title {id}-desc""#)));
    assert!(svg.contains(&format!(r#"<title id="{id}-title">"#)));
    assert!(svg.contains(&format!(r#"<desc id="{id}-desc">"#)));
    assert!(svg.contains("viewBox=\"0 0 640 "));
}

/// Every number in every `<path d>` and every `<rect>`/`<text>` coordinate parses as a
/// finite number, and no NaN or infinity appears anywhere.
pub fn assert_finite(svg: &str) {
    assert!(!svg.contains("NaN"), "{svg}");
    assert!(!svg.to_lowercase().contains("inf"), "{svg}");
    for attr in ["d", "x", "y", "width", "height"] {
        let key = format!(" {attr}=\"");
        let mut rest = svg;
        while let Some(i) = rest.find(&key) {
            rest = &rest[i + key.len()..];
            let end = rest.find('"').expect("closed attribute");
            let value = &rest[..end];
            // The root's width="100%" is the one allowed non-number: it makes charts scale.
            let value = if value == "100%" { "100" } else { value };
            let numbers = value
                .split(|c: char| c.is_ascii_alphabetic() || c == ' ' || c == ',')
                .filter(|s| !s.is_empty());
            for num in numbers {
                let v: f64 = num
                    .parse()
                    .unwrap_or_else(|_| panic!("{attr}=\"{value}\": {num} is not a number"));
                assert!(v.is_finite(), "{attr}=\"{value}\"");
            }
            rest = &rest[end..];
        }
    }
}

/// Tags are balanced (a cheap well-formedness check without an XML parser).
pub fn assert_balanced(svg: &str) {
    let mut stack: Vec<String> = vec![];
    let mut rest = svg;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>').expect("closed tag");
        let tag = &rest[..end];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name), "in {svg}");
        } else if !tag.ends_with('/') {
            let name = tag.split(' ').next().unwrap_or("");
            stack.push(name.to_owned());
        }
        rest = &rest[end..];
    }
    assert!(stack.is_empty(), "unclosed {stack:?}");
}

pub fn all_checks(svg: &str, id: &str) {
    assert_accessible(svg, id);
    assert_finite(svg);
    assert_balanced(svg);
}

pub fn fi() -> NumberFormat {
    NumberFormat::for_locale("fi", 1)
}

pub fn text<'a>(id: &'a str, title: &'a str) -> ChartText<'a> {
    ChartText {
        id,
        title,
        desc: "Kuvaus",
        empty: "Ei tietoja",
    }
}

pub fn bars() -> BarChart {
    let bar = |label: &str, v: f64, l: f64, u: f64| Bar {
        label: label.to_owned(),
        value: Some(v),
        lower: Some(l),
        upper: Some(u),
        highlight: false,
        mark: Mark::Similar,
    };
    let mut own = bar("Kuopio", 12.4, 10.9, 14.1);
    own.highlight = true;
    let mut high = bar("Iisalmi", 15.2, 12.1, 18.9);
    high.mark = Mark::Worse;
    BarChart {
        bars: vec![
            high,
            own,
            Bar {
                label: "Tervo".to_owned(),
                ..Bar::default()
            },
            bar("Varkaus", 9.8, 7.5, 12.6),
        ],
        benchmarks: vec![
            Benchmark {
                label: "Pohjois-Savo".to_owned(),
                value: 12.0,
            },
            Benchmark {
                label: "Koko maa".to_owned(),
                value: 11.1,
            },
        ],
        mark_labels: vec![
            (Mark::Similar, "Ei merkitsevää eroa".to_owned()),
            (Mark::Worse, "Merkitsevästi huonompi".to_owned()),
        ],
    }
}

pub fn lines() -> LineChart {
    LineChart {
        periods: (2019..=2024).map(|y| y.to_string()).collect(),
        series: vec![
            Series {
                label: "Kuopio".to_owned(),
                values: vec![
                    Some(10.0),
                    Some(11.2),
                    None,
                    Some(12.5),
                    Some(12.0),
                    Some(13.1),
                ],
                band: vec![
                    Some((9.0, 11.1)),
                    Some((10.1, 12.3)),
                    None,
                    Some((11.3, 13.8)),
                    Some((10.9, 13.2)),
                    Some((11.9, 14.4)),
                ],
            },
            Series {
                label: "Koko maa".to_owned(),
                values: vec![
                    Some(11.0),
                    Some(11.1),
                    Some(11.3),
                    Some(11.2),
                    Some(11.6),
                    Some(11.8),
                ],
                band: vec![],
            },
        ],
    }
}

pub fn funnel() -> FunnelChart {
    let point = |label: &str, n: f64, v: f64, flag| FunnelPoint {
        label: label.to_owned(),
        denominator: n,
        value: v,
        flag,
    };
    let limits = [200.0, 500.0, 1000.0, 5000.0, 20000.0]
        .iter()
        .map(|&n: &f64| {
            let se = (0.1 * 0.9 / n).sqrt() * 100.0;
            FunnelLimit {
                denominator: n,
                lower95: 10.0 - 1.96 * se,
                upper95: 10.0 + 1.96 * se,
                lower998: 10.0 - 3.09 * se,
                upper998: 10.0 + 3.09 * se,
            }
        })
        .collect();
    FunnelChart {
        points: vec![
            point("Iisalmi", 900.0, 11.0, FunnelFlag::Within),
            point("Kuopio", 15000.0, 11.0, FunnelFlag::Above998),
            point("Varkaus", 2000.0, 8.4, FunnelFlag::Below95),
            point("Tervo", 300.0, 12.0, FunnelFlag::Within),
        ],
        benchmark: 10.0,
        limits,
    }
}

pub fn funnel_legend() -> FunnelLegend<'static> {
    FunnelLegend {
        benchmark: "Koko maa",
        limit95: "95 %:n rajat",
        limit998: "99,8 %:n rajat",
        within: "Rajojen sisällä",
        outside95: "95 %:n rajojen ulkopuolella (▲ yli, ▼ alle)",
        outside998: "99,8 %:n rajojen ulkopuolella (täytetty)",
    }
}

pub fn progress_labels() -> ProgressLabels<'static> {
    ProgressLabels {
        done: "Valmis",
        on_track: "Aikataulussa",
        delayed: "Myöhässä",
        not_started: "Ei aloitettu",
    }
}
