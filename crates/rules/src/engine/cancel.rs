//! Cancelling a line (docs/policy.md, "取消"): refused once fulfilled or for final-sale and
//! custom-made kinds; free until `ordered_at + free_hours`, then with a fee.

use super::{CaseError, Context, Line, LineResult, Procedure};
use crate::decision::{Clause, Outcome};
use crate::policy::CancelRule;

pub(super) fn decide(ctx: &Context<'_>, line: Line<'_>) -> Result<LineResult, CaseError> {
    let refused = |clause| Ok(LineResult::refused(line, clause, Procedure::Cancel));
    if ctx.case.order.fulfilment.at().is_some() {
        return refused(Clause::CancelAlreadyFulfilled);
    }
    match ctx.kind(line).cancel {
        CancelRule::FinalSale => refused(Clause::CancelFinalSale),
        CancelRule::CustomOrder => refused(Clause::CancelCustomOrder),
        CancelRule::Allowed => allowed(ctx, line),
    }
}

/// A kind that may be cancelled: free within the free period, else with the fee.
fn allowed(ctx: &Context<'_>, line: Line<'_>) -> Result<LineResult, CaseError> {
    let p = &ctx.policy.cancel;
    let free_until = ctx
        .case
        .order
        .ordered_at
        .add_seconds(i64::from(p.free_hours) * 3600)?;
    let decided = if ctx.case.now < free_until {
        LineResult::new(
            line,
            Outcome::Allowed,
            Clause::CancelFree,
            Procedure::Cancel,
        )
        .refund(Some(line.total))
        .deadline(Some(ctx.shown(free_until)?))
    } else {
        let fee = percent_rounded_up(line.total, p.fee_percent);
        LineResult::new(
            line,
            Outcome::AllowedWithFee,
            Clause::CancelFee,
            Procedure::Cancel,
        )
        .fee(Some(fee))
        .refund(Some(line.total - fee))
    };
    Ok(decided.documents(p.documents.clone()))
}

/// `percent`% of `amount`, rounded up to the minor unit ("不少于": at least).
pub fn percent_rounded_up(amount: i64, percent: u32) -> i64 {
    let exact = i128::from(amount) * i128::from(percent);
    let fee = (exact + 99).div_euclid(100);
    // percent ≤ 100 (validated) keeps the fee within the amount; clamp regardless.
    i64::try_from(fee).unwrap_or(amount).min(amount.max(0))
}
