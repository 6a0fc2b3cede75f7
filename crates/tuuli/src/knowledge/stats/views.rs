//! What the statistics pages render: numbers written the reader's way (decimal comma in
//! Finnish and Swedish, ".." when suppressed) and the charts with their tables, built
//! from the same structs the API returns.

use serde::Serialize;
use tuuli_charts::{
    Bar, BarChart, Benchmark, ChartText, FunnelChart, FunnelFlag, FunnelLegend, FunnelLimit,
    FunnelPoint, LineChart, NumberFormat, Series, Sparkline, SpineRow, html_table,
};

use super::indicator::{AreaStat, IndicatorStats};
use super::model::{Judgement, Stat, Status};
use super::profile::{Profile, ProfileRow};
use crate::i18n::Lang;

/// Translates a key (the page's `t`).
pub type T<'a> = &'a dyn Fn(&str) -> String;

/// A stat written out.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Shown {
    /// The value, "..", or "" when missing.
    pub value: String,
    /// "a–b" at the chosen level, or "".
    pub interval: String,
    /// The reason key when there is no interval (suppressed, no count, missing).
    pub note: Option<&'static str>,
    pub year: Option<i32>,
}

pub fn fmt(lang: Lang, decimals: i32) -> NumberFormat {
    NumberFormat::for_locale(lang.code(), decimals.clamp(0, 6) as usize)
}

pub fn show(s: Option<&Stat>, f: NumberFormat, level: &str) -> Shown {
    let Some(s) = s else {
        return Shown {
            note: Some("stats-note-missing"),
            ..Shown::default()
        };
    };
    let iv = if level == "99.8" {
        s.lower998.zip(s.upper998)
    } else {
        s.lower95.zip(s.upper95)
    };
    Shown {
        value: match s.status {
            Status::Suppressed => tuuli_stats::small::SUPPRESSED_MARK.to_owned(),
            _ => s.value.map(|v| f.format(v)).unwrap_or_default(),
        },
        interval: iv
            .map(|(l, u)| format!("{}–{}", f.format(l), f.format(u)))
            .unwrap_or_default(),
        note: match s.status {
            Status::Interval => None,
            Status::NoCount => Some("stats-note-no-count"),
            Status::Suppressed => Some("stats-note-suppressed"),
            Status::Missing => Some("stats-note-missing"),
        },
        year: Some(s.year),
    }
}

/// A judgement written out: symbol, word key, CSS class.
#[derive(Debug, Clone, Serialize)]
pub struct Cmp {
    pub symbol: &'static str,
    pub key: &'static str,
    pub class: &'static str,
}

pub fn cmp(j: Judgement) -> Cmp {
    Cmp {
        symbol: j.symbol(),
        key: j.key(),
        class: j.class(),
    }
}

/// The trend's word key.
pub fn trend_key(direction: &str, reading: Option<&str>) -> &'static str {
    match (direction, reading) {
        (_, Some("getting_worse")) => "stats-trend-worse",
        (_, Some("getting_better")) => "stats-trend-better",
        ("increasing", _) => "stats-trend-increasing",
        ("decreasing", _) => "stats-trend-decreasing",
        ("no_change", _) => "stats-trend-no-change",
        _ => "stats-trend-cannot",
    }
}

/// One profile row for the template.
#[derive(Debug, Clone, Serialize)]
pub struct RowView {
    pub indicator_id: i64,
    pub title: String,
    pub latest: Shown,
    pub region: Shown,
    pub country: Shown,
    pub comparison: Cmp,
    pub trend: &'static str,
    pub trend_years: String,
    pub history_svg: String,
    pub history_table: String,
    pub spine_svg: String,
    pub synthetic: bool,
}

pub fn profile_rows(p: &Profile, lang: Lang, t: T<'_>) -> Vec<RowView> {
    p.rows
        .iter()
        .enumerate()
        .map(|(i, r)| row_view(p, r, i, lang, t))
        .collect()
}

fn row_view(p: &Profile, r: &ProfileRow, i: usize, lang: Lang, t: T<'_>) -> RowView {
    let f = fmt(lang, r.indicator.decimals);
    let title = r.indicator.title(lang).to_owned();
    let area = p.area.name(lang);
    let latest = show(r.latest.as_ref(), f, p.level);
    // A sparkline and a table of the values (the full history with its intervals is on
    // the indicator's own page): a profile has a hundred rows.
    let chart = Sparkline {
        periods: r.history.iter().map(|s| s.year.to_string()).collect(),
        values: r.history.iter().map(|s| s.value).collect(),
    };
    let chart_title = format!("{title} – {area}");
    let shown_values: Vec<(i32, f64)> = r
        .history
        .iter()
        .filter_map(|s| s.value.map(|v| (s.year, v)))
        .collect();
    let desc = match (shown_values.first(), shown_values.last()) {
        (Some(a), Some(b)) => t(&crate::i18n::with_args(
            "stats-spark-desc",
            &[
                ("from", &a.0.to_string()),
                ("to", &b.0.to_string()),
                ("first", &f.format(a.1)),
                ("last", &f.format(b.1)),
            ],
        )),
        _ => t("stats-history-desc"),
    };
    let empty = t("stats-no-data");
    let history_svg = chart.svg(
        &ChartText {
            id: &format!("hist-{i}"),
            title: &chart_title,
            desc: &desc,
            empty: &empty,
        },
        f,
    );
    let history_table = html_table(
        &chart_title,
        &[&t("stats-year"), area],
        &chart.table_rows(),
        f,
        "..",
    );
    let bench = match p.benchmark {
        super::profile::BenchmarkKind::Region => r.region.and_then(|s| s.value),
        super::profile::BenchmarkKind::Country => r.country.and_then(|s| s.value),
    };
    let spine_svg = match r.spread {
        Some(s) => {
            let spine = SpineRow {
                min: s.min,
                q1: Some(s.q1),
                q3: Some(s.q3),
                max: s.max,
                value: r.latest.and_then(|l| l.value),
                benchmark: bench,
            };
            let desc = crate::i18n::with_args(
                "stats-spine-desc",
                &[
                    ("value", &latest.value),
                    ("min", &f.format(s.min)),
                    ("max", &f.format(s.max)),
                    ("areas", &s.areas.to_string()),
                ],
            );
            spine.svg(
                &ChartText {
                    id: &format!("spine-{i}"),
                    title: &format!("{title}: {}", t("stats-spine-title")),
                    desc: &t(&desc),
                    empty: &empty,
                },
                f,
            )
        }
        None => String::new(),
    };
    let years = &r.trend.years;
    RowView {
        indicator_id: r.indicator.id,
        title,
        region: show(r.region.as_ref(), f, p.level),
        country: show(r.country.as_ref(), f, p.level),
        latest,
        comparison: cmp(r.comparison),
        trend: trend_key(r.trend.direction, r.trend.reading),
        trend_years: match (years.first(), years.last()) {
            (Some(a), Some(b)) => format!("{a}–{b}"),
            _ => String::new(),
        },
        history_svg,
        history_table,
        spine_svg,
        synthetic: r.synthetic,
    }
}

/// An area's line on the indicator page.
#[derive(Debug, Clone, Serialize)]
pub struct AreaView {
    pub id: i64,
    pub name: String,
    pub shown: Shown,
    pub comparison: Cmp,
    pub men: Shown,
    pub women: Shown,
    pub count: String,
    pub denominator: String,
}

pub fn area_view(a: &AreaStat, lang: Lang, f: NumberFormat, level: &str) -> AreaView {
    let whole = NumberFormat::for_locale(lang.code(), 0);
    AreaView {
        id: a.area.id,
        name: a.area.name(lang).to_owned(),
        shown: show(a.stat.as_ref(), f, level),
        comparison: cmp(a.comparison),
        men: show(a.men.as_ref(), f, level),
        women: show(a.women.as_ref(), f, level),
        count: a
            .stat
            .and_then(|s| s.count)
            .map(|c| whole.format(c))
            .unwrap_or_default(),
        denominator: a
            .stat
            .and_then(|s| s.denominator)
            .map(|c| whole.format(c))
            .unwrap_or_default(),
    }
}

/// The indicator page's three charts and their tables.
#[derive(Debug, Clone, Serialize, Default)]
pub struct IndicatorCharts {
    pub bar_svg: String,
    pub bar_table: String,
    pub line_svg: String,
    pub line_table: String,
    pub funnel_svg: String,
    pub funnel_table: String,
}

pub fn indicator_charts(s: &IndicatorStats, lang: Lang, t: T<'_>) -> IndicatorCharts {
    let f = fmt(lang, s.indicator.decimals);
    let title = s.indicator.title(lang).to_owned();
    let year = s.year.map(|y| y.to_string()).unwrap_or_default();
    let empty = t("stats-no-data");
    let at = |st: &Option<Stat>| -> (Option<f64>, Option<f64>, Option<f64>) {
        let Some(st) = st else {
            return (None, None, None);
        };
        let iv = if s.level == "99.8" {
            st.lower998.zip(st.upper998)
        } else {
            st.lower95.zip(st.upper95)
        };
        (st.value, iv.map(|x| x.0), iv.map(|x| x.1))
    };
    let bars = BarChart {
        bars: s
            .municipalities
            .iter()
            .map(|a| {
                let (value, lower, upper) = at(&a.stat);
                Bar {
                    label: a.area.name(lang).to_owned(),
                    value,
                    lower,
                    upper,
                    highlight: false,
                    mark: a.comparison.mark(),
                }
            })
            .collect(),
        benchmarks: [(&s.region, "stats-region"), (&s.country, "stats-country")]
            .iter()
            .filter_map(|(a, key)| {
                let v = a.as_ref()?.stat?.value?;
                Some(Benchmark {
                    label: format!("{} ({})", t(key), a.as_ref()?.area.name(lang)),
                    value: v,
                })
            })
            .collect(),
        mark_labels: [
            Judgement::Better,
            Judgement::Similar,
            Judgement::Worse,
            Judgement::Higher,
            Judgement::Lower,
        ]
        .iter()
        .map(|j| (j.mark(), t(j.key())))
        .collect(),
    };
    let bar_title = format!("{title} {year}");
    let bar_desc = t("stats-bar-desc");
    let text = |id: &'static str, title: &str, desc: &str| (id, title.to_owned(), desc.to_owned());
    let (id, bt, bd) = text("bars", &bar_title, &bar_desc);
    let bar_svg = bars.svg(
        &ChartText {
            id,
            title: &bt,
            desc: &bd,
            empty: &empty,
        },
        f,
    );
    let (area_h, value_h, lo, hi) = (
        t("stats-area"),
        t("stats-value"),
        t("stats-lower"),
        t("stats-upper"),
    );
    let bar_table = html_table(
        &bar_title,
        &[&area_h, &value_h, &lo, &hi],
        &bars.table_rows(),
        f,
        "..",
    );

    let mut periods: Vec<i32> = s
        .series
        .iter()
        .flat_map(|(_, h)| h.iter().map(|x| x.year))
        .collect();
    periods.sort_unstable();
    periods.dedup();
    let line = LineChart {
        periods: periods.iter().map(|y| y.to_string()).collect(),
        series: s
            .series
            .iter()
            .map(|(a, h)| {
                let find = |y: i32| h.iter().find(|x| x.year == y);
                Series {
                    label: a.name(lang).to_owned(),
                    values: periods
                        .iter()
                        .map(|y| find(*y).and_then(|x| x.value))
                        .collect(),
                    band: periods
                        .iter()
                        .map(|y| {
                            find(*y).and_then(|x| {
                                if s.level == "99.8" {
                                    x.lower998.zip(x.upper998)
                                } else {
                                    x.lower95.zip(x.upper95)
                                }
                            })
                        })
                        .collect(),
                }
            })
            .collect(),
    };
    let line_desc = format!("{} {}", t("stats-line-desc"), t("stats-band-desc"));
    let line_svg = line.svg(
        &ChartText {
            id: "series",
            title: &title,
            desc: &line_desc,
            empty: &empty,
        },
        f,
    );
    let year_h = t("stats-year");
    let mut heads: Vec<String> = vec![year_h];
    for (a, _) in &s.series {
        heads.push(a.name(lang).to_owned());
        heads.push(format!("{} ({})", lo, a.name(lang)));
        heads.push(format!("{} ({})", hi, a.name(lang)));
    }
    let heads_ref: Vec<&str> = heads.iter().map(String::as_str).collect();
    let line_table = html_table(&title, &heads_ref, &line.table_rows(), f, "..");

    let fun = &s.funnel;
    let (funnel_svg, funnel_table) = match (fun.unavailable, fun.benchmark_value) {
        (None, Some(b)) => {
            let chart = FunnelChart {
                points: fun
                    .points
                    .iter()
                    .map(|p| FunnelPoint {
                        label: p.area.name(lang).to_owned(),
                        denominator: p.denominator,
                        value: p.value,
                        flag: match p.flag {
                            "above95" => FunnelFlag::Above95,
                            "below95" => FunnelFlag::Below95,
                            "above998" => FunnelFlag::Above998,
                            "below998" => FunnelFlag::Below998,
                            _ => FunnelFlag::Within,
                        },
                    })
                    .collect(),
                benchmark: b,
                limits: fun
                    .limits
                    .iter()
                    .map(|l| FunnelLimit {
                        denominator: l.denominator,
                        lower95: l.lower95.unwrap_or(0.0),
                        upper95: l.upper95,
                        lower998: l.lower998.unwrap_or(0.0),
                        upper998: l.upper998,
                    })
                    .collect(),
            };
            let legend_b = t(if fun.benchmark == super::profile::BenchmarkKind::Region {
                "stats-region"
            } else {
                "stats-country"
            });
            let (l95, l998, within, o95, o998) = (
                t("stats-funnel-limit95"),
                t("stats-funnel-limit998"),
                t("stats-funnel-within"),
                t("stats-funnel-outside95"),
                t("stats-funnel-outside998"),
            );
            let legend = FunnelLegend {
                benchmark: &legend_b,
                limit95: &l95,
                limit998: &l998,
                within: &within,
                outside95: &o95,
                outside998: &o998,
            };
            let ftitle = format!("{title} {year}: {}", t("stats-funnel-title"));
            let fdesc = t("stats-funnel-desc");
            let svg = chart.svg(
                &ChartText {
                    id: "funnel",
                    title: &ftitle,
                    desc: &fdesc,
                    empty: &empty,
                },
                &legend,
                f,
            );
            let table = html_table(
                &ftitle,
                &[&area_h, &t("stats-denominator"), &value_h],
                &chart.table_rows(),
                f,
                "..",
            );
            (svg, table)
        }
        _ => (String::new(), String::new()),
    };
    IndicatorCharts {
        bar_svg,
        bar_table,
        line_svg,
        line_table,
        funnel_svg,
        funnel_table,
    }
}
