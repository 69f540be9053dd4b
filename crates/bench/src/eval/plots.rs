//! SVG plots of an evaluation (plotters, SVG backend: text is written as SVG `<text>` and
//! sized by an estimate, so drawing needs no font files; [`super::raster`] renders each SVG to a
//! PNG beside it):
//! - [`ndcg_curve_svg`]: mean NDCG@k against k (1-50, integer ticks) for every ranker;
//! - [`per_group_svg`]: the headline metric per survey sector and ranker, as horizontal bars
//!   with the value written beside each bar, a thin mark for a zero, and the 95% Wilson interval
//!   of every group as a whisker; the legend sits in its own band above the bars.

use super::SplitReport;
use plotters::prelude::*;
use tieup_core::error::{Error, Result};

/// Ranker colours, in ranker order (repeating after ten).
const PALETTE: [RGBColor; 10] = [
    RGBColor(150, 150, 150),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(0, 0, 0),
    RGBColor(148, 103, 189),
    RGBColor(23, 190, 207),
];

fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

fn plot_error<E: std::fmt::Display>(e: E) -> Error {
    Error::InvalidParam {
        name: "plot",
        value: String::new(),
        reason: format!("drawing failed: {e}"),
    }
}

/// Mean NDCG@k for k = 1..50, one line per ranker.
pub fn ndcg_curve_svg(split: &SplitReport) -> Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (900, 560)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        let depth = split.curve.values().map(Vec::len).max().unwrap_or(1).max(2);
        let top = split
            .curve
            .values()
            .flatten()
            .copied()
            .fold(0.0_f64, f64::max);
        let top = ((top * 10.0).ceil() / 10.0).clamp(0.1, 1.0);
        let mut chart = ChartBuilder::on(&root)
            .caption(
                format!(
                    "Mean NDCG@k, {} split ({} queries)",
                    split.name,
                    split.queries.len()
                ),
                ("sans-serif", 20),
            )
            .margin(15)
            .x_label_area_size(40)
            .y_label_area_size(55)
            .build_cartesian_2d(1u32..depth as u32, 0f64..top)
            .map_err(plot_error)?;
        chart
            .configure_mesh()
            .x_label_formatter(&|k| k.to_string())
            .x_desc("k (rank cut-off)")
            .y_desc("mean NDCG@k (gain = label)")
            .draw()
            .map_err(plot_error)?;
        for (i, ranker) in split.rankers.iter().enumerate() {
            let c = colour(i);
            let points: Vec<(u32, f64)> = split.curve[ranker]
                .iter()
                .enumerate()
                .map(|(k, v)| (k as u32 + 1, *v))
                .collect();
            chart
                .draw_series(LineSeries::new(points, c.stroke_width(2)))
                .map_err(plot_error)?
                .label(ranker.as_str())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(2))
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .draw()
            .map_err(plot_error)?;
        root.present().map_err(plot_error)?;
    }
    Ok(svg)
}

/// Width of the drawing, in pixels.
const WIDTH: u32 = 900;
/// Width of the group-label column, in pixels.
const LABEL_WIDTH: u32 = 230;
/// Height of one bar, and the gap after each group, in pixels.
const BAR: usize = 9;
const GROUP_GAP: usize = 14;
/// The narrowest bar drawn, as a fraction of the axis: a zero still shows as a thin mark.
pub const MIN_BAR: f64 = 0.004;
/// Right end of the value axis (room for the value written after a bar at 1).
const X_MAX: f64 = 1.1;

/// Legend entries laid out left to right in rows across the full width: (x, y) of each entry's
/// swatch, and the height of the legend band.
fn legend_layout(rankers: &[String]) -> (Vec<(i32, i32)>, u32) {
    let (mut x, mut y) = (10i32, 34i32);
    let mut at = Vec::with_capacity(rankers.len());
    for r in rankers {
        // Text is about 7 px a character at size 12, plus the swatch and a gap.
        let width = 16 + 7 * r.chars().count() as i32 + 22;
        if x + width > WIDTH as i32 - 10 && x > 10 {
            x = 10;
            y += 18;
        }
        at.push((x, y));
        x += width;
    }
    (at, (y + 24) as u32)
}

/// The headline metric per group (survey sector) and ranker, as horizontal grouped bars with
/// the 95% Wilson interval of each group mean (see [`SplitReport::group_ci`]).
pub fn per_group_svg(split: &SplitReport, metric: &str) -> Result<String> {
    let groups: Vec<&String> = split.by_group.keys().collect();
    let n_rankers = split.rankers.len().max(1);
    let (legend_at, legend_height) = legend_layout(&split.rankers);
    let bars_height = (90 + groups.len() * (n_rankers * BAR + GROUP_GAP)).max(160) as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, legend_height + bars_height))
            .into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        let (top, bottom) = root.split_vertically(legend_height);
        top.draw(&Text::new(
            format!(
                "Mean {metric} by survey sector, {} split (whiskers: 95% Wilson interval)",
                split.name
            ),
            (10, 8),
            ("sans-serif", 18).into_font().color(&BLACK),
        ))
        .map_err(plot_error)?;
        for (r, (ranker, (x, y))) in split.rankers.iter().zip(&legend_at).enumerate() {
            top.draw(&Rectangle::new(
                [(*x, *y), (x + 12, y + 10)],
                colour(r).filled(),
            ))
            .map_err(plot_error)?;
            top.draw(&Text::new(
                ranker.clone(),
                (x + 16, *y - 1),
                ("sans-serif", 12).into_font().color(&BLACK),
            ))
            .map_err(plot_error)?;
        }
        let (left, right) = bottom.split_horizontally(LABEL_WIDTH);
        let mut chart = ChartBuilder::on(&right)
            .margin(12)
            .x_label_area_size(35)
            .build_cartesian_2d(0f64..X_MAX, 0f64..groups.len() as f64)
            .map_err(plot_error)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_desc(metric)
            .draw()
            .map_err(plot_error)?;
        let slot = 0.8 / n_rankers as f64;
        for (g, group) in groups.iter().enumerate() {
            // The first group at the top.
            let base = (groups.len() - 1 - g) as f64 + 0.9;
            for (r, ranker) in split.rankers.iter().enumerate() {
                let y1 = base - r as f64 * slot;
                group_bar(&mut chart, split, group, ranker, r, (y1 - slot * 0.9, y1))?;
            }
            let (_, py) = chart.backend_coord(&(0.0, base - 0.4));
            let n = split.group_sizes.get(*group).copied().unwrap_or(0);
            left.draw(&Text::new(
                format!("{group} (n = {n})"),
                (8, py - legend_height as i32 - 6),
                ("sans-serif", 13).into_font().color(&BLACK),
            ))
            .map_err(plot_error)?;
        }
        root.present().map_err(plot_error)?;
    }
    Ok(svg)
}

/// One ranker's bar in one group: the bar (at least [`MIN_BAR`] wide), the interval whisker,
/// and the value written after both.
fn group_bar<DB: DrawingBackend>(
    chart: &mut ChartContext<
        '_,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    split: &SplitReport,
    group: &str,
    ranker: &str,
    r: usize,
    (y0, y1): (f64, f64),
) -> Result<()> {
    let v = split.by_group[group].get(ranker).copied().unwrap_or(0.0);
    chart
        .draw_series(std::iter::once(Rectangle::new(
            [(0.0, y0), (v.clamp(MIN_BAR, 1.0), y1)],
            colour(r).filled(),
        )))
        .map_err(plot_error)?;
    let mid = (y0 + y1) / 2.0;
    let ci = split.group_ci.get(group).and_then(|c| c.get(ranker));
    let mut end = v;
    if let Some(ci) = ci {
        let tick = (y1 - y0) * 0.35;
        let whisker = [
            vec![(ci.low, mid), (ci.high, mid)],
            vec![(ci.low, mid - tick), (ci.low, mid + tick)],
            vec![(ci.high, mid - tick), (ci.high, mid + tick)],
        ];
        chart
            .draw_series(
                whisker
                    .into_iter()
                    .map(|p| PathElement::new(p, BLACK.stroke_width(1))),
            )
            .map_err(plot_error)?;
        end = end.max(ci.high);
    }
    chart
        .draw_series(std::iter::once(Text::new(
            format!("{v:.2}"),
            (end + 0.01, y1),
            ("sans-serif", 9).into_font().color(&BLACK),
        )))
        .map_err(plot_error)?;
    Ok(())
}
