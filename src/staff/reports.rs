//! The dashboard (`#/reports`): requests by type, outcome and clause over time,
//! how each service level was kept (on time, late, open), the median time to
//! close and the customers' ratings, over the last 30, 90 or 365 days. Each
//! chart has its figures as a table beside it, for screen readers and for
//! reading exact numbers.

use leptos::prelude::*;

use aftersales_rules::{Clause, Outcome};

use super::api::{self, Report, Series};
use super::queue::{outcome_name, type_name};
use super::{failure_text, Ctx, API};
use crate::ui::format;
use crate::ui::i18n::{self, Lang};
use crate::ui::text::text;

mod chart;

/// The periods offered, in days.
const PERIODS: [u32; 3] = [30, 90, 365];

/// A series key in words (a type, an outcome or a clause id).
fn key_name(l: Lang, group: Group, key: &str) -> String {
    match group {
        Group::Type => type_name(l, key),
        Group::Outcome => {
            Outcome::parse(key).map_or_else(|| key.to_owned(), |o| outcome_name(l, o).to_owned())
        }
        Group::Clause => clause_name(l, key),
    }
}

/// A policy clause in a few words (its id where the console has none).
fn clause_name(l: Lang, key: &str) -> String {
    let Some(clause) = Clause::parse(key) else {
        return key.to_owned();
    };
    match clause {
        Clause::CancelAlreadyFulfilled => tr!(l, staff.clause.cancel_already_fulfilled),
        Clause::CancelFinalSale => tr!(l, staff.clause.cancel_final_sale),
        Clause::CancelCustomOrder => tr!(l, staff.clause.cancel_custom_order),
        Clause::CancelFree => tr!(l, staff.clause.cancel_free),
        Clause::CancelFee => tr!(l, staff.clause.cancel_fee),
        Clause::ReturnFinalSale => tr!(l, staff.clause.return_final_sale),
        Clause::ReturnQualityExcluded => tr!(l, staff.clause.return_quality_excluded),
        Clause::ReturnQualityInspection => tr!(l, staff.clause.return_quality_inspection),
        Clause::ReturnCustomOrder => tr!(l, staff.clause.return_custom_order),
        Clause::ReturnSelfPickup => tr!(l, staff.clause.return_self_pickup),
        Clause::ReturnWithinWindow => tr!(l, staff.clause.return_within_window),
        Clause::ReturnWindowExpired => tr!(l, staff.clause.return_window_expired),
        Clause::ReturnPackagingOpened => tr!(l, staff.clause.return_packaging_opened),
        Clause::ReturnNotIntact => tr!(l, staff.clause.return_not_intact),
        Clause::ReturnDocumentsMissing => tr!(l, staff.clause.return_documents_missing),
        Clause::RepairChargeable => tr!(l, staff.clause.repair_chargeable),
        Clause::RepairWarranty => tr!(l, staff.clause.repair_warranty),
        Clause::ComplaintService => tr!(l, staff.clause.complaint_service),
        Clause::ComplaintProduct => tr!(l, staff.clause.complaint_product),
        Clause::Mixed => tr!(l, staff.clause.mixed),
    }
    .to_owned()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Group {
    Type,
    Outcome,
    Clause,
}

#[component]
pub fn Reports() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let days = RwSignal::new(90u32);
    let report = RwSignal::new(None::<Result<Report, api::Failure>>);
    Effect::new(move |_| {
        let d = days.get();
        report.set(None);
        leptos::task::spawn_local(async move {
            let answer = api::report(API, d).await;
            if let Err(f) = &answer {
                ctx.check_signed_in(f);
            }
            report.set(Some(answer));
        });
    });
    let periods = move || {
        let l = ctx.lang.get();
        PERIODS
            .into_iter()
            .map(|p| {
                let label = tr!(l, staff.reports.last_days, n = p).to_string();
                view! {
                    <button
                        type="button"
                        class="stf-tab"
                        aria-pressed=move || (days.get() == p).to_string()
                        on:click=move |_| days.set(p)
                    >
                        {label}
                    </button>
                }
            })
            .collect_view()
    };
    let content = move || {
        let l = ctx.lang.get();
        match report.get() {
            None => view! { <p class="stf-loading">{tr!(l, staff.loading)}</p> }.into_any(),
            Some(Err(f)) => view! { <p role="alert">{failure_text(l, &f)}</p> }.into_any(),
            Some(Ok(r)) => dashboard(l, r).into_any(),
        }
    };
    view! {
        <section aria-labelledby="stf-reports-title" class="stf-reports">
            <h2 id="stf-reports-title">{text(|l| tr!(l, staff.reports.title))}</h2>
            <div class="stf-tabs" role="group" aria-label=text(|l| tr!(l, staff.reports.period))>
                {periods}
            </div>
            <div aria-live="polite">{content}</div>
        </section>
    }
}

fn dashboard(l: Lang, r: Report) -> impl IntoView {
    let all = r.time_to_close.iter().find(|c| c.key == "all").cloned();
    let median = all
        .as_ref()
        .and_then(|c| c.median_minutes)
        .map(|m| format::span(m * 60, l))
        .unwrap_or_else(|| tr!(l, staff.reports.none).to_owned());
    let rating = r
        .ratings
        .mean_hundredths
        .map(|h| format!("{}.{:02} / 5", h / 100, h % 100))
        .unwrap_or_else(|| tr!(l, staff.reports.none).to_owned());
    let period = tr!(
        l,
        staff.reports.range,
        from = r.from.clone(),
        to = r.to.clone()
    )
    .to_string();
    let per = if r.bucket_days == 1 {
        tr!(l, staff.reports.per_day)
    } else {
        tr!(l, staff.reports.per_week)
    };
    let close_rows = r
        .time_to_close
        .iter()
        .filter(|c| c.key != "all")
        .map(|c| {
            let m = c
                .median_minutes
                .map(|m| format::span(m * 60, l))
                .unwrap_or_default();
            view! {
                <tr>
                    <th scope="row">{type_name(l, &c.key)}</th>
                    <td>{c.closed}</td>
                    <td>{m}</td>
                </tr>
            }
        })
        .collect_view();
    let levels = levels_view(l, &r);
    let ratings = ratings_view(l, &r);
    view! {
        <p class="stf-hint">{period} " · " {per}</p>
        <dl class="stf-kpis">
            <div>
                <dt>{tr!(l, staff.reports.received)}</dt>
                <dd>{r.received}</dd>
            </div>
            <div>
                <dt>{tr!(l, staff.reports.closed)}</dt>
                <dd>{all.as_ref().map_or(0, |c| c.closed)}</dd>
            </div>
            <div>
                <dt>{tr!(l, staff.reports.median_close)}</dt>
                <dd>{median}</dd>
            </div>
            <div>
                <dt>{tr!(l, staff.reports.mean_rating)}</dt>
                <dd>{rating}</dd>
            </div>
        </dl>
        {series_section(l, "by-type", tr!(l, staff.reports.by_type), Group::Type, &r, &r.by_type)}
        {series_section(
            l,
            "by-outcome",
            tr!(l, staff.reports.by_outcome),
            Group::Outcome,
            &r,
            &r.by_outcome,
        )}
        {series_section(
            l,
            "by-clause",
            tr!(l, staff.reports.by_clause),
            Group::Clause,
            &r,
            &r.by_clause,
        )}
        {levels}
        <section class="stf-card" aria-labelledby="stf-close-title">
            <h3 id="stf-close-title">{tr!(l, staff.reports.close_title)}</h3>
            <table class="stf-table">
                <thead>
                    <tr>
                        <th scope="col">{tr!(l, staff.col_type)}</th>
                        <th scope="col">{tr!(l, staff.reports.closed)}</th>
                        <th scope="col">{tr!(l, staff.reports.median_close)}</th>
                    </tr>
                </thead>
                <tbody>{close_rows}</tbody>
            </table>
        </section>
        {ratings}
    }
}

/// A chart of `series` over the report's buckets, and its figures as a table.
fn series_section(
    l: Lang,
    id: &'static str,
    title: &'static str,
    group: Group,
    r: &Report,
    series: &[Series],
) -> impl IntoView {
    let named: Vec<(String, Vec<i64>)> = series
        .iter()
        .map(|s| (key_name(l, group, &s.key), s.counts.clone()))
        .collect();
    let totals = series
        .iter()
        .map(|s| {
            view! {
                <tr>
                    <th scope="row">{key_name(l, group, &s.key)}</th>
                    <td>{s.total}</td>
                </tr>
            }
        })
        .collect_view();
    let heading = format!("stf-{id}-title");
    let labelled_by = heading.clone();
    let empty = series.is_empty();
    view! {
        <section class="stf-card stf-chart-card" aria-labelledby=labelled_by data-chart=id>
            <h3 id=heading>{title}</h3>
            {if empty {
                view! { <p class="stf-empty">{tr!(l, staff.reports.nothing)}</p> }.into_any()
            } else {
                view! {
                    {chart::stacked_bars(l, title, &r.buckets, named)}
                    <details>
                        <summary>{tr!(l, staff.reports.figures)}</summary>
                        <table class="stf-table">
                            <tbody>{totals}</tbody>
                        </table>
                    </details>
                }
                    .into_any()
            }}
        </section>
    }
}

/// Each service level: met on time, late (met late or missed), still open.
fn levels_view(l: Lang, r: &Report) -> impl IntoView {
    let rows = r
        .service_levels
        .iter()
        .map(|lv| {
            let total = (lv.on_time + lv.late + lv.open).max(1);
            let pct = |n: i64| n * 100 / total;
            let bar = format!(
                "--on-time:{}%;--late:{}%;--open:{}%",
                pct(lv.on_time),
                pct(lv.late),
                pct(lv.open)
            );
            view! {
                <tr data-level=lv.what.clone()>
                    <th scope="row">{i18n::service_name(l, &lv.what).to_owned()}</th>
                    <td>{lv.on_time}</td>
                    <td>{lv.late}</td>
                    <td>{lv.open}</td>
                    <td class="stf-compliance">
                        <span class="stf-meter" style=bar aria-hidden="true">
                            <span class="stf-on-time"></span>
                            <span class="stf-late"></span>
                            <span class="stf-open"></span>
                        </span>
                        {format!("{}%", pct(lv.on_time))}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="stf-card" aria-labelledby="stf-levels-report-title">
            <h3 id="stf-levels-report-title">{tr!(l, staff.reports.levels_title)}</h3>
            <table class="stf-table stf-levels-report">
                <thead>
                    <tr>
                        <th scope="col">{tr!(l, staff.levels_title)}</th>
                        <th scope="col">{tr!(l, staff.reports.on_time)}</th>
                        <th scope="col">{tr!(l, staff.reports.late)}</th>
                        <th scope="col">{tr!(l, staff.reports.open)}</th>
                        <th scope="col">{tr!(l, staff.reports.kept)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}

fn ratings_view(l: Lang, r: &Report) -> impl IntoView {
    let most = r
        .ratings
        .by_rating
        .iter()
        .copied()
        .max()
        .unwrap_or(0)
        .max(1);
    let rows = r
        .ratings
        .by_rating
        .iter()
        .enumerate()
        .rev()
        .map(|(i, n)| {
            let width = format!("width:{}%", n * 100 / most);
            view! {
                <tr>
                    <th scope="row">{"★".repeat(i + 1)}</th>
                    <td class="stf-rating-bar">
                        <span style=width aria-hidden="true"></span>
                    </td>
                    <td>{*n}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="stf-card" aria-labelledby="stf-ratings-title">
            <h3 id="stf-ratings-title">{tr!(l, staff.reports.ratings_title)}</h3>
            <p class="stf-hint">
                {tr!(l, staff.reports.ratings_count, n = r.ratings.count).to_string()}
            </p>
            <table class="stf-table stf-ratings">
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}
