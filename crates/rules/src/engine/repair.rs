//! Repairing a line (docs/policy.md, "维修"): free within the warranty, which runs from
//! delivery or pick-up; chargeable after it and for kinds without one.

use super::{CaseError, Context, Line, LineResult, Procedure};
use crate::decision::{Clause, Outcome};
use crate::policy::RepairRule;

pub(super) fn decide(ctx: &Context<'_>, line: Line<'_>) -> Result<LineResult, CaseError> {
    let docs = || ctx.policy.repair.documents.clone();
    let chargeable = || {
        // The fee depends on the repair: unknown (`None`) until staff quote it.
        Ok(LineResult::new(
            line,
            Outcome::AllowedWithFee,
            Clause::RepairChargeable,
            Procedure::Repair,
        )
        .fee(None)
        .documents(docs()))
    };
    if ctx.kind(line).repair == RepairRule::Chargeable {
        return chargeable();
    }
    // The warranty runs from delivery or pick-up; before that it has not started.
    let warranty_ends = match ctx.case.order.fulfilment.at() {
        Some(at) => Some(ctx.day_window_close(at, ctx.policy.repair.warranty_days)?),
        None => None,
    };
    if warranty_ends.is_some_and(|end| ctx.case.now >= end) {
        return chargeable();
    }
    Ok(LineResult::new(
        line,
        Outcome::Allowed,
        Clause::RepairWarranty,
        Procedure::Repair,
    )
    .deadline(warranty_ends.map(|t| ctx.shown(t)).transpose()?)
    .documents(docs()))
}
