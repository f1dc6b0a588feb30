//! Returning or exchanging a delivered line (docs/policy.md, "退货" / "换货"): a quality
//! defect goes by the kind's `quality_return`; any other reason by its `return` rule,
//! a window in days, a fact about the goods and documents. Unknown facts and
//! documents become conditions of the favourable outcome.

use super::{CaseError, Context, Line, LineResult, Procedure};
use crate::case::QUALITY_DEFECT;
use crate::decision::{Clause, Condition, Outcome, RequestType};
use crate::policy::{CountedFrom, Fact, QualityRule, ReturnRule, WindowRule};
use crate::time::Timestamp;

/// What a return or exchange of one delivered order is about.
#[derive(Clone, Copy)]
struct Request {
    fulfilled_at: Timestamp,
    procedure: Procedure,
}

pub(super) fn decide(
    ctx: &Context<'_>,
    line: Line<'_>,
    fulfilled_at: Timestamp,
) -> Result<LineResult, CaseError> {
    let request = &ctx.case.request;
    let quality = request.reason.as_deref() == Some(QUALITY_DEFECT);
    let procedure = if request.kind == RequestType::Exchange {
        Procedure::Exchange { quality }
    } else {
        Procedure::Return { quality }
    };
    let r = Request {
        fulfilled_at,
        procedure,
    };
    if quality {
        Ok(quality_defect(ctx, line, r))
    } else {
        other_reason(ctx, line, r)
    }
}

fn quality_defect(ctx: &Context<'_>, line: Line<'_>, r: Request) -> LineResult {
    let clause = match ctx.kind(line).quality_return {
        QualityRule::FinalSale => Clause::ReturnFinalSale,
        QualityRule::Excluded => Clause::ReturnQualityExcluded,
        QualityRule::Inspection => {
            return LineResult::new(
                line,
                Outcome::NeedsInspection,
                Clause::ReturnQualityInspection,
                r.procedure,
            )
            .refund(Some(line.total))
            .documents(ctx.policy.returns.quality_documents.clone());
        }
    };
    LineResult::refused(line, clause, r.procedure)
}

fn other_reason(ctx: &Context<'_>, line: Line<'_>, r: Request) -> Result<LineResult, CaseError> {
    let refused = |clause| Ok(LineResult::refused(line, clause, r.procedure));
    let (rule, allowed_clause): (&WindowRule, Clause) = match ctx.kind(line).return_rule {
        ReturnRule::FinalSale => return refused(Clause::ReturnFinalSale),
        ReturnRule::CustomOrder => return refused(Clause::ReturnCustomOrder),
        ReturnRule::WithinWindow => (
            &ctx.policy.returns.within_window,
            Clause::ReturnWithinWindow,
        ),
        ReturnRule::SelfPickup => (&ctx.policy.returns.self_pickup, Clause::ReturnSelfPickup),
    };
    let from = match rule.counted_from {
        CountedFrom::Purchase => ctx.case.order.ordered_at,
        CountedFrom::Fulfilment => r.fulfilled_at,
    };
    let closes = ctx.day_window_close(from, rule.days)?;
    if ctx.case.now >= closes {
        return refused(Clause::ReturnWindowExpired);
    }
    let mut conditions = Vec::new();
    match ctx.case.facts.get(rule.requires) {
        Some(false) => return refused(fact_refusal(rule.requires)),
        None => conditions.push(Condition::Fact(rule.requires)),
        Some(true) => {}
    }
    match &ctx.held {
        Some(held) => {
            if rule.documents.iter().any(|d| !d.satisfied_by(held)) {
                return refused(Clause::ReturnDocumentsMissing);
            }
        }
        None => conditions.extend(rule.documents.iter().copied().map(Condition::Document)),
    }
    Ok(
        LineResult::new(line, Outcome::Allowed, allowed_clause, r.procedure)
            .refund(Some(line.total))
            .deadline(Some(ctx.shown(closes)?))
            .documents(rule.documents.clone())
            .conditions(conditions),
    )
}

/// The clause of a return refused because `fact` is known to be false.
fn fact_refusal(fact: Fact) -> Clause {
    match fact {
        Fact::PackagingUnopened => Clause::ReturnPackagingOpened,
        Fact::GoodsIntact => Clause::ReturnNotIntact,
    }
}
