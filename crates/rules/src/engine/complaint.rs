//! Complaints (docs/policy.md, "投诉"): always accepted; the procedure depends on whether
//! the service (软性投诉) or a product (硬性投诉) is complained about.

use super::{Context, Line, LineResult, Procedure};
use crate::decision::{Clause, ComplaintAbout, Outcome};

pub(super) fn decide(ctx: &Context<'_>, line: Line<'_>) -> LineResult {
    // `check` rejects a complaint without `about`; service is the safe reading anyway.
    let about = ctx.case.request.about.unwrap_or(ComplaintAbout::Service);
    let clause = match about {
        ComplaintAbout::Service => Clause::ComplaintService,
        ComplaintAbout::Product => Clause::ComplaintProduct,
    };
    LineResult::new(line, Outcome::Allowed, clause, Procedure::Complaint(about))
        .documents(ctx.policy.complaint(about).documents.clone())
}
