//! Tests of the evaluation's outputs for analysts, on the shipped partnerships (sectors of one
//! or two queries, rankers that score 0): the per-sector plot's legend clear of the labels,
//! zero bars visible, an interval for every group, integer ticks, a PNG beside every SVG, plots
//! of every split, the per-query CSV, and `ndcg_exp@10` shown only where it can differ.

use super::*;
use linfa::ParamGuard;

fn shipped() -> Evaluation {
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    let catalog = Catalog::load(&source).unwrap();
    let params = EvalParams::new()
        .permutations(50)
        .bootstrap(50)
        .check()
        .unwrap();
    evaluate_catalog(&catalog, Vec::new(), &params, &mut NoProgress).unwrap()
}

/// The `<text>` elements of a plotters SVG: (x, y, text).
fn texts(svg: &str) -> Vec<(f64, f64, String)> {
    let attr = |tag: &str, name: &str| -> f64 {
        let start = tag.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        tag[start..].split('"').next().unwrap().parse().unwrap()
    };
    svg.split("<text")
        .skip(1)
        .map(|rest| {
            let (tag, body) = rest.split_once('>').unwrap();
            let text = body.split("</text>").next().unwrap().trim().to_string();
            (attr(tag, "x"), attr(tag, "y"), text)
        })
        .collect()
}

/// The filled rectangles of a plotters SVG: (x, y, width, height, fill).
fn rects(svg: &str) -> Vec<(f64, f64, f64, f64, String)> {
    let attr = |tag: &str, name: &str| -> String {
        let start = tag.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        tag[start..].split('"').next().unwrap().to_string()
    };
    svg.split("<rect")
        .skip(1)
        .map(|rest| {
            let tag = rest.split('>').next().unwrap();
            let n = |name| attr(tag, name).parse::<f64>().unwrap();
            (n("x"), n("y"), n("width"), n("height"), attr(tag, "fill"))
        })
        .collect()
}

#[test]
fn per_sector_plot_keeps_its_legend_off_the_labels_and_shows_zeros_and_intervals() {
    let eval = shipped();
    let split = &eval.splits[0];
    assert!(
        split.group_sizes.values().any(|&n| n == 1),
        "a group of one"
    );
    let svg = plots::per_group_svg(split, "ndcg@10").unwrap();
    let texts = texts(&svg);
    // Boxes of about 7 px a character and 14 px high, from the text's top-left corner.
    let boxed = |(x, y, t): &(f64, f64, String)| (*x, *y, x + 7.0 * t.len() as f64, y + 14.0);
    let legend: Vec<_> = texts
        .iter()
        .filter(|t| split.rankers.contains(&t.2))
        .map(boxed)
        .collect();
    let labels: Vec<_> = texts
        .iter()
        .filter(|t| t.2.contains("(n = "))
        .map(boxed)
        .collect();
    assert_eq!(legend.len(), split.rankers.len());
    assert_eq!(labels.len(), split.by_group.len());
    for l in &legend {
        for g in &labels {
            let apart = l.2 <= g.0 || g.2 <= l.0 || l.3 <= g.1 || g.3 <= l.1;
            assert!(apart, "legend {l:?} overlaps label {g:?}");
        }
    }
    // The random ranker scores 0 in every group: still one visible bar per group (plus the
    // legend swatch).
    assert!(split.by_group.values().all(|v| v["random"] == 0.0));
    let grey: Vec<_> = rects(&svg)
        .into_iter()
        .filter(|r| r.4 == "#969696" && r.2 >= 1.0 && r.3 >= 1.0)
        .collect();
    assert_eq!(grey.len(), split.by_group.len() + 1, "{grey:?}");
    // Every group has an interval for every ranker, groups of one query too, and it holds
    // the mean.
    for (g, means) in &split.by_group {
        for (r, mean) in means {
            let ci = split.group_ci[g][r];
            assert!(
                ci.low <= *mean && *mean <= ci.high && ci.high > ci.low,
                "{g} {r}"
            );
        }
    }
    assert!(svg.contains("Wilson"));
}

#[test]
fn ndcg_curve_ticks_are_whole_numbers() {
    let eval = shipped();
    let svg = plots::ndcg_curve_svg(&eval.splits[0]).unwrap();
    let ticks: Vec<String> = texts(&svg).into_iter().map(|t| t.2).collect();
    for k in ["5", "10", "50"] {
        assert!(ticks.iter().any(|t| t == k), "no tick {k} in {ticks:?}");
    }
    assert!(
        !ticks.iter().any(|t| t == "5.0" || t == "10.0"),
        "{ticks:?}"
    );
}

#[test]
fn every_split_has_plots_in_svg_and_png_and_every_query_a_metrics_row() {
    // A fresh machine without fonts still gets PNGs (without text) and this test still checks
    // them; CI, which installs fonts-dejavu-core, also insists on the font.
    if raster::font_family().is_none() {
        assert!(
            std::env::var_os("CI").is_none_or(|v| v.is_empty()),
            "no sans-serif font for the PNGs' text: on Debian, apt-get install fonts-dejavu-core"
        );
        eprintln!("no sans-serif font installed: the PNGs are checked without their text");
    }
    let eval = shipped();
    assert!(eval.splits.len() >= 2);
    let dir = tempfile::tempdir().unwrap();
    let files = report::write(dir.path(), &eval).unwrap();
    let report_md = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    for (i, split) in eval.splits.iter().enumerate() {
        for kind in ["ndcg_at_k", "per_sector"] {
            let stem = report::plot_stem(kind, split, i == 0);
            let svg = std::fs::read_to_string(dir.path().join(format!("{stem}.svg"))).unwrap();
            let png = std::fs::read(dir.path().join(format!("{stem}.png"))).unwrap();
            assert!(svg.starts_with("<svg"), "{stem}");
            assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "{stem}.png is a PNG");
            // The PNG has the SVG's size (IHDR: width and height, big-endian, at 16..24).
            let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
            assert!(
                svg.contains(&format!("width=\"{width}\"")),
                "{stem}: {width}"
            );
            assert!(files.contains(&format!("{stem}.png")));
            assert!(
                report_md.contains(&format!("({stem}.svg)")),
                "{stem} in report"
            );
        }
    }
    let csv = std::fs::read_to_string(dir.path().join("per_query.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header[..4], ["split", "query_id", "group", "ranker"]);
    assert!(header.contains(&"ndcg@10") && header.contains(&"map"));
    let expected: usize = eval
        .splits
        .iter()
        .map(|s| s.queries.len() * s.rankers.len())
        .sum();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), expected);
    // Each row's ndcg@10 is the split's per-query value.
    let at = header.iter().position(|h| *h == "ndcg@10").unwrap();
    let split = &eval.splits[0];
    let q = split.queries.iter().position(|q| q == rows[0][1]).unwrap();
    let value: f64 = rows[0][at].parse().unwrap();
    assert!((value - split.per_query[rows[0][3]][q]["ndcg@10"]).abs() < 1e-6);
}

#[test]
fn ndcg_exp_is_shown_only_where_grades_can_differ_and_is_defined() {
    let eval = shipped();
    // One chosen partner (or one grade) per partnership: the two are equal in every query.
    assert!(
        eval.splits
            .iter()
            .all(|s| !report::exponential_gain_differs(s))
    );
    let md = report::report_md(&eval);
    assert!(!md.contains("| ndcg_exp@10 |"), "column left out");
    assert!(md.contains("gain cancels"), "the reason is stated");
    // Two relevant documents of different grades: the gains differ.
    let mut split = eval.splits[0].clone();
    let mut m = split.per_query["prior"][0].clone();
    m.insert("ndcg_exp@10".into(), m["ndcg@10"] + 0.1);
    split.per_query.get_mut("prior").unwrap()[0] = m;
    assert!(report::exponential_gain_differs(&split));
}
