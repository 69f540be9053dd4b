//! SVG plots of an evaluation (plotters, SVG backend only: text is written as SVG `<text>` and
//! sized by an estimate, so no font files are needed):
//! - [`ndcg_curve_svg`]: mean NDCG@k against k (1-50) for every ranker;
//! - [`per_group_svg`]: the headline metric per survey sector and ranker, as horizontal bars.

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
            .build_cartesian_2d(1f64..depth as f64, 0f64..top)
            .map_err(plot_error)?;
        chart
            .configure_mesh()
            .x_desc("k (rank cut-off)")
            .y_desc("mean NDCG@k (gain = label)")
            .draw()
            .map_err(plot_error)?;
        for (i, ranker) in split.rankers.iter().enumerate() {
            let c = colour(i);
            let points: Vec<(f64, f64)> = split.curve[ranker]
                .iter()
                .enumerate()
                .map(|(k, v)| ((k + 1) as f64, *v))
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

/// The headline metric per group (survey sector) and ranker, as horizontal grouped bars.
pub fn per_group_svg(split: &SplitReport, metric: &str) -> Result<String> {
    let groups: Vec<&String> = split.by_group.keys().collect();
    let n_rankers = split.rankers.len().max(1);
    let bar = 9;
    let height = (90 + groups.len() * (n_rankers * bar + 14)).max(200) as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (900, height)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        let (left, right) = root.split_horizontally(200);
        let mut chart = ChartBuilder::on(&right)
            .caption(
                format!("Mean {metric} by survey sector, {} split", split.name),
                ("sans-serif", 18),
            )
            .margin(12)
            .x_label_area_size(35)
            .build_cartesian_2d(0f64..1f64, 0f64..groups.len() as f64)
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
                let v = split.by_group[*group].get(ranker).copied().unwrap_or(0.0);
                let y1 = base - r as f64 * slot;
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(0.0, y1 - slot * 0.9), (v.clamp(0.0, 1.0), y1)],
                        colour(r).filled(),
                    )))
                    .map_err(plot_error)?;
            }
            let (_, py) = chart.backend_coord(&(0.0, base - 0.4));
            let n = split.group_sizes.get(*group).copied().unwrap_or(0);
            left.draw(&Text::new(
                format!("{group} ({n})"),
                (8, py - 6),
                ("sans-serif", 13).into_font().color(&BLACK),
            ))
            .map_err(plot_error)?;
        }
        for (r, ranker) in split.rankers.iter().enumerate() {
            let y = 40 + r as i32 * 16;
            left.draw(&Rectangle::new([(8, y), (20, y + 10)], colour(r).filled()))
                .map_err(plot_error)?;
            left.draw(&Text::new(
                ranker.clone(),
                (26, y),
                ("sans-serif", 12).into_font().color(&BLACK),
            ))
            .map_err(plot_error)?;
        }
        root.present().map_err(plot_error)?;
    }
    Ok(svg)
}
