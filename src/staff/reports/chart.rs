//! A stacked bar chart as SVG: one bar per period, one colour per series.
//!
//! Drawn here rather than with leptos-chartistry 0.2.3 (the Leptos 0.8 chart
//! library): it has no stacked bars, no text X axis (only numbers and dates),
//! no ARIA at all, default colours below 3:1 contrast, and it turns on every
//! default feature of leptos-use for the whole build.

use leptos::prelude::*;

use crate::ui::i18n::Lang;

/// Series colours, each at least 3:1 against white (WCAG 1.4.11).
const PALETTE: [&str; 7] = [
    "#0072b2", "#d55e00", "#2e7d32", "#6a3d9a", "#c2185b", "#00695c", "#8c564b",
];

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 240.0;
const LEFT: f64 = 40.0;
const BOTTOM: f64 = 28.0;
/// At most this many series get their own colour; the rest are summed as the last.
const MAX_SERIES: usize = 7;

/// The chart of `series` (name, count per bucket) over `buckets` (first days).
pub fn stacked_bars(
    l: Lang,
    title: &str,
    buckets: &[String],
    mut series: Vec<(String, Vec<i64>)>,
) -> impl IntoView {
    if series.len() > MAX_SERIES {
        let rest: Vec<(String, Vec<i64>)> = series.split_off(MAX_SERIES - 1);
        let mut sum = vec![0; buckets.len()];
        for (_, counts) in &rest {
            for (s, c) in sum.iter_mut().zip(counts) {
                *s += c;
            }
        }
        series.push(("…".to_owned(), sum));
    }
    let n = buckets.len().max(1);
    let totals: Vec<i64> = (0..n)
        .map(|i| {
            series
                .iter()
                .map(|(_, c)| c.get(i).copied().unwrap_or(0))
                .sum()
        })
        .collect();
    let top = totals.iter().copied().max().unwrap_or(0).max(1) as f64;
    let plot_h = HEIGHT - BOTTOM - 8.0;
    let slot = (WIDTH - LEFT) / n as f64;
    let bar = (slot * 0.8).max(1.0);
    let mut rects = Vec::new();
    for i in 0..n {
        let mut y = HEIGHT - BOTTOM;
        for (k, (name, counts)) in series.iter().enumerate() {
            let c = counts.get(i).copied().unwrap_or(0);
            if c == 0 {
                continue;
            }
            let h = c as f64 / top * plot_h;
            y -= h;
            let label = format!(
                "{} · {name}: {c}",
                buckets.get(i).cloned().unwrap_or_default()
            );
            rects.push(view! {
                <rect
                    x=format!("{:.1}", LEFT + i as f64 * slot + (slot - bar) / 2.0)
                    y=format!("{y:.1}")
                    width=format!("{bar:.1}")
                    height=format!("{h:.1}")
                    fill=PALETTE[k % PALETTE.len()]
                >
                    <title>{label}</title>
                </rect>
            });
        }
    }
    // About one date label per 90 px.
    let every = ((n as f64 * 90.0 / (WIDTH - LEFT)).ceil() as usize).max(1);
    let ticks = buckets
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0)
        .map(|(i, day)| {
            view! {
                <text
                    x=format!("{:.1}", LEFT + i as f64 * slot + slot / 2.0)
                    y=format!("{:.1}", HEIGHT - 8.0)
                    text-anchor="middle"
                >
                    {day.get(5..).unwrap_or(day).to_owned()}
                </text>
            }
        })
        .collect_view();
    let legend = series
        .iter()
        .enumerate()
        .map(|(k, (name, counts))| {
            let total: i64 = counts.iter().sum();
            let swatch = format!("background:{}", PALETTE[k % PALETTE.len()]);
            view! {
                <li>
                    <span class="stf-swatch" style=swatch aria-hidden="true"></span>
                    {name.clone()}
                    " "
                    <strong>{total}</strong>
                </li>
            }
        })
        .collect_view();
    let label = tr!(l, staff.reports.chart_label, title = title.to_owned()).to_string();
    view! {
        <div class="stf-chart">
            <svg
                viewBox=format!("0 0 {WIDTH} {HEIGHT}")
                role="img"
                aria-label=label
                preserveAspectRatio="none"
            >
                <line
                    x1=LEFT
                    y1=HEIGHT - BOTTOM
                    x2=WIDTH
                    y2=HEIGHT - BOTTOM
                    stroke="#767676"
                ></line>
                <text x="2" y="14">
                    {top as i64}
                </text>
                <text x="2" y=HEIGHT - BOTTOM>
                    "0"
                </text>
                {rects}
                {ticks}
            </svg>
            <ul class="stf-legend">{legend}</ul>
        </div>
    }
}
