//! The request-level decision from its lines: the common outcome and clause (or
//! `mixed`), sums over the lines not refused, the earliest deadline, the union of
//! conditions and documents, the procedure's steps and service levels, and the
//! alternatives to refused lines.

use super::{CaseError, Context, ErrorCode, LineResult, Procedure};
use crate::decision::{
    Clause, Condition, Decision, DocumentRequirement, LineDecision, Outcome, RequestType,
};
use crate::policy::{ServiceLevel, Step};

pub(super) fn combine(ctx: &Context<'_>, lines: Vec<LineResult>) -> Result<Decision, CaseError> {
    let decisions: Vec<&LineDecision> = lines.iter().map(|l| &l.decision).collect();
    let outcome = common(&decisions, |d| d.outcome).unwrap_or(Outcome::Mixed);
    let clause = common(&decisions, |d| d.clause).unwrap_or(Clause::Mixed);
    let open: Vec<&LineResult> = lines
        .iter()
        .filter(|l| l.decision.outcome != Outcome::Refused)
        .collect();
    let fee = sum(&open, |d| d.fee)?;
    let refund = sum(&open, |d| d.refund)?;
    let deadline = decisions.iter().filter_map(|d| d.deadline).min();

    let mut conditions: Vec<Condition> = Vec::new();
    let mut documents: Vec<DocumentRequirement> = Vec::new();
    for l in &open {
        union(&mut conditions, &l.decision.conditions);
        union(&mut documents, &l.documents);
    }

    let request_type = ctx.case.request.kind;
    let (steps, service_levels) = procedure_plan(ctx, procedure(&open, request_type));
    let alternatives = alternatives(ctx, &decisions, request_type);
    let currency = if ctx.case.order.currency.is_empty() {
        ctx.policy.currency.clone()
    } else {
        ctx.case.order.currency.clone()
    };
    Ok(Decision {
        outcome,
        clause,
        fee,
        refund,
        deadline,
        conditions,
        lines: lines.into_iter().map(|l| l.decision).collect(),
        documents_to_bring: documents,
        steps,
        service_levels,
        alternatives,
        currency,
    })
}

/// The value every line shares, if they all do.
fn common<T: PartialEq + Copy>(lines: &[&LineDecision], pick: fn(&LineDecision) -> T) -> Option<T> {
    let first = pick(lines.first()?);
    lines.iter().all(|d| pick(d) == first).then_some(first)
}

/// The sum over `open` lines, `None` if any line's amount is unknown.
fn sum(
    open: &[&LineResult],
    pick: fn(&LineDecision) -> Option<i64>,
) -> Result<Option<i64>, CaseError> {
    let mut total: i64 = 0;
    for l in open {
        let Some(v) = pick(&l.decision) else {
            return Ok(None);
        };
        total = total.checked_add(v).ok_or_else(|| {
            CaseError::new(
                ErrorCode::AmountOverflow,
                "the request's total is too large",
            )
        })?;
    }
    Ok(Some(total))
}

/// Appends the items of `more` that `into` lacks, keeping first-seen order.
fn union<T: PartialEq + Copy>(into: &mut Vec<T>, more: &[T]) {
    for x in more {
        if !into.contains(x) {
            into.push(*x);
        }
    }
}

/// The procedure the open lines follow together; a return or exchange of lines that
/// went different ways (cancelled before delivery, quality or not) follows the
/// request type's procedure, with quality steps if any line is a quality matter.
fn procedure(open: &[&LineResult], request_type: RequestType) -> Option<Procedure> {
    let first = open.first()?.procedure;
    if open.iter().all(|l| l.procedure == first) {
        return Some(first);
    }
    let quality = open.iter().any(|l| {
        matches!(
            l.procedure,
            Procedure::Return { quality: true } | Procedure::Exchange { quality: true }
        )
    });
    Some(match request_type {
        RequestType::Exchange => Procedure::Exchange { quality },
        _ => Procedure::Return { quality },
    })
}

/// Steps and service levels of `procedure`; the acknowledgement always applies.
fn procedure_plan(
    ctx: &Context<'_>,
    procedure: Option<Procedure>,
) -> (Vec<String>, Vec<ServiceLevel>) {
    let p = ctx.policy;
    let mut levels = vec![p.acknowledge.clone()];
    let ids = |steps: &[Step], quality: bool| -> Vec<String> {
        steps
            .iter()
            .filter(|s| quality || !s.quality_only)
            .map(|s| s.id.clone())
            .collect()
    };
    let steps = match procedure {
        None => Vec::new(),
        Some(Procedure::Cancel) => ids(&p.cancel.steps, false),
        Some(Procedure::Return { quality }) => ids(&p.returns.steps, quality),
        Some(Procedure::Exchange { quality }) => ids(&p.exchange_steps, quality),
        Some(Procedure::Repair) => {
            levels.extend(p.repair.service_levels.iter().cloned());
            ids(&p.repair.steps, false)
        }
        Some(Procedure::Complaint(about)) => {
            let c = p.complaint(about);
            levels.extend(c.service_levels.iter().cloned());
            ids(&c.steps, false)
        }
    };
    (steps, levels)
}

/// What the policy offers instead of the refused lines' clauses (never the request
/// type itself), in first-seen order.
fn alternatives(
    ctx: &Context<'_>,
    decisions: &[&LineDecision],
    request_type: RequestType,
) -> Vec<RequestType> {
    let mut out: Vec<RequestType> = Vec::new();
    for d in decisions.iter().filter(|d| d.outcome == Outcome::Refused) {
        for alt in ctx.policy.alternatives_for(d.clause) {
            if *alt != request_type && !out.contains(alt) {
                out.push(*alt);
            }
        }
    }
    out
}
