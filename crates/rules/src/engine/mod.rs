//! Evaluates a case against a policy: the order is validated here, each requested
//! line is decided by the module of its request type, then `combine` builds the
//! request's decision.

mod cancel;
mod combine;
mod complaint;
mod repair;
mod returns;

pub use cancel::percent_rounded_up;

use crate::case::{Case, Order, OrderLine};
use crate::decision::{
    string_enum, Clause, ComplaintAbout, Condition, Decision, Document, DocumentRequirement,
    LineDecision, Outcome, RequestType,
};
use crate::policy::{CancelRule, KindRules, Policy, QualityRule, RepairRule, ReturnRule};
use crate::time::{TimeError, Timestamp};

string_enum! {
    /// Why a case could not be decided.
    ErrorCode {
        /// Not JSON, or not of the case's shape (the message names the field).
        InvalidCase = "invalid_case",
        EmptyOrder = "empty_order",
        DuplicateLineId = "duplicate_line_id",
        UnknownLine = "unknown_line",
        UnknownKind = "unknown_kind",
        InvalidQuantity = "invalid_quantity",
        InvalidPrice = "invalid_price",
        /// Quantity × price, or a sum of lines, does not fit in 64-bit minor units.
        AmountOverflow = "amount_overflow",
        /// A computed instant falls outside the years 0000–9999.
        TimeOutOfRange = "time_out_of_range",
        /// A complaint must say whether it is about the service or a product.
        MissingComplaintAbout = "missing_complaint_about",
    }
}

/// A case the engine cannot decide, with a message that names the field.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CaseError {
    pub code: ErrorCode,
    pub message: String,
}

impl CaseError {
    fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        CaseError {
            code,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for CaseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for CaseError {}

impl From<TimeError> for CaseError {
    fn from(e: TimeError) -> Self {
        CaseError::new(
            ErrorCode::TimeOutOfRange,
            format!("a deadline would be {e}"),
        )
    }
}

/// Reads one case from JSON, naming the offending field on error.
pub fn parse_case(json: &str) -> Result<Case, CaseError> {
    let de = &mut serde_json::Deserializer::from_str(json);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let message = if path == "." {
            inner.to_string()
        } else {
            format!("{path}: {inner}")
        };
        CaseError::new(ErrorCode::InvalidCase, message)
    })
}

/// Decides `case` under `policy`. Pure: the same inputs always give the same answer.
pub fn check(policy: &Policy, case: &Case) -> Result<Decision, CaseError> {
    let totals = line_totals(policy, &case.order)?;
    let selected = selected_lines(case)?;
    if case.request.kind == RequestType::Complaint && case.request.about.is_none() {
        return Err(CaseError::new(
            ErrorCode::MissingComplaintAbout,
            "request.about: a complaint is about the \"service\" or a \"product\"",
        ));
    }
    let ctx = Context {
        policy,
        case,
        held: case
            .documents
            .as_ref()
            .map(|docs| docs.iter().filter_map(|d| d.known()).collect()),
    };
    let mut lines = Vec::with_capacity(selected.len());
    for index in selected {
        let (Some(order_line), Some(&total)) = (case.order.lines.get(index), totals.get(index))
        else {
            continue;
        };
        lines.push(ctx.decide_line(Line {
            line: order_line,
            total,
        })?);
    }
    combine::combine(&ctx, lines)
}

/// Validates the order's lines and returns each line's total (quantity × price).
fn line_totals(policy: &Policy, order: &Order) -> Result<Vec<i64>, CaseError> {
    if order.lines.is_empty() {
        return Err(CaseError::new(
            ErrorCode::EmptyOrder,
            "order.lines: the order has no lines",
        ));
    }
    let mut totals = Vec::with_capacity(order.lines.len());
    let mut order_total: i64 = 0;
    for (i, line) in order.lines.iter().enumerate() {
        validate_line(policy, order, i, line)?;
        let total = line.quantity.checked_mul(line.unit_price).ok_or_else(|| {
            CaseError::new(
                ErrorCode::AmountOverflow,
                format!("order.lines[{i}]: quantity × unit_price is too large"),
            )
        })?;
        order_total = order_total.checked_add(total).ok_or_else(|| {
            CaseError::new(
                ErrorCode::AmountOverflow,
                "order.lines: the order total is too large",
            )
        })?;
        totals.push(total);
    }
    Ok(totals)
}

/// The `i`-th line: a unique id, a kind of the policy, quantity ≥ 1, price ≥ 0.
fn validate_line(
    policy: &Policy,
    order: &Order,
    i: usize,
    line: &OrderLine,
) -> Result<(), CaseError> {
    if order.lines.iter().take(i).any(|l| l.id == line.id) {
        return Err(CaseError::new(
            ErrorCode::DuplicateLineId,
            format!("order.lines[{i}].id: \"{}\" is used by two lines", line.id),
        ));
    }
    if policy.kind(&line.kind).is_none() {
        let known: Vec<&str> = policy.kinds.iter().map(|k| k.id.as_str()).collect();
        return Err(CaseError::new(
            ErrorCode::UnknownKind,
            format!(
                "order.lines[{i}].kind: unknown product kind \"{}\" (expected one of {})",
                line.kind,
                known.join(", ")
            ),
        ));
    }
    if line.quantity < 1 {
        return Err(CaseError::new(
            ErrorCode::InvalidQuantity,
            format!("order.lines[{i}].quantity: must be at least 1"),
        ));
    }
    if line.unit_price < 0 {
        return Err(CaseError::new(
            ErrorCode::InvalidPrice,
            format!("order.lines[{i}].unit_price: must not be negative"),
        ));
    }
    Ok(())
}

/// Indexes of the lines the request is about, each once, in the order named.
fn selected_lines(case: &Case) -> Result<Vec<usize>, CaseError> {
    let order = &case.order;
    if case.request.lines.is_empty() {
        return Ok((0..order.lines.len()).collect());
    }
    let mut picked = Vec::with_capacity(case.request.lines.len());
    for (i, id) in case.request.lines.iter().enumerate() {
        let Some(index) = order.lines.iter().position(|l| &l.id == id) else {
            return Err(CaseError::new(
                ErrorCode::UnknownLine,
                format!("request.lines[{i}]: the order has no line \"{id}\""),
            ));
        };
        if !picked.contains(&index) {
            picked.push(index);
        }
    }
    Ok(picked)
}

/// One requested line and its total.
#[derive(Clone, Copy)]
struct Line<'a> {
    line: &'a OrderLine,
    total: i64,
}

/// What is decided about one line, before lines are combined.
struct LineResult {
    decision: LineDecision,
    /// Documents to bring for this line.
    documents: Vec<DocumentRequirement>,
    procedure: Procedure,
}

impl LineResult {
    /// `outcome` by `clause`, nothing charged or refunded, no deadline, documents
    /// or conditions until the builder methods below add them.
    fn new(line: Line<'_>, outcome: Outcome, clause: Clause, procedure: Procedure) -> Self {
        LineResult {
            decision: LineDecision {
                id: line.line.id.clone(),
                outcome,
                clause,
                fee: Some(0),
                refund: Some(0),
                deadline: None,
                conditions: Vec::new(),
            },
            documents: Vec::new(),
            procedure,
        }
    }

    /// A refused line: nothing is charged and nothing refunded.
    fn refused(line: Line<'_>, clause: Clause, procedure: Procedure) -> Self {
        LineResult::new(line, Outcome::Refused, clause, procedure)
    }

    fn fee(mut self, fee: Option<i64>) -> Self {
        self.decision.fee = fee;
        self
    }

    fn refund(mut self, refund: Option<i64>) -> Self {
        self.decision.refund = refund;
        self
    }

    fn deadline(mut self, deadline: Option<Timestamp>) -> Self {
        self.decision.deadline = deadline;
        self
    }

    fn documents(mut self, documents: Vec<DocumentRequirement>) -> Self {
        self.documents = documents;
        self
    }

    fn conditions(mut self, conditions: Vec<Condition>) -> Self {
        self.decision.conditions = conditions;
        self
    }
}

/// Whose steps and service levels a line follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Procedure {
    Cancel,
    Return { quality: bool },
    Exchange { quality: bool },
    Repair,
    Complaint(ComplaintAbout),
}

/// What every rule reads: the policy, the case, and the documents held.
struct Context<'a> {
    policy: &'a Policy,
    case: &'a Case,
    /// `None` = the customer did not say which documents they hold.
    held: Option<Vec<Document>>,
}

impl Context<'_> {
    /// Sends the line to the rules of its request type.
    fn decide_line(&self, line: Line<'_>) -> Result<LineResult, CaseError> {
        match self.case.request.kind {
            RequestType::Cancel => cancel::decide(self, line),
            // Goods not yet delivered are returned by cancelling them.
            RequestType::Return | RequestType::Exchange => match self.case.order.fulfilment.at() {
                None => cancel::decide(self, line),
                Some(at) => returns::decide(self, line, at),
            },
            RequestType::Repair => repair::decide(self, line),
            RequestType::Complaint => Ok(complaint::decide(self, line)),
        }
    }

    fn kind(&self, line: Line<'_>) -> KindRules {
        // `check` verified every kind exists; this keeps the engine panic-free anyway.
        self.policy
            .kind(&line.line.kind)
            .map(|k| k.rules)
            .unwrap_or(KindRules {
                cancel: CancelRule::FinalSale,
                return_rule: ReturnRule::FinalSale,
                quality_return: QualityRule::FinalSale,
                repair: RepairRule::Chargeable,
            })
    }

    /// `t` in the store's time zone, as the customer is shown it.
    fn shown(&self, t: Timestamp) -> Result<Timestamp, CaseError> {
        Ok(self.policy.time_zone.localize(t)?)
    }

    /// The close of a day window: 24:00 of the `days`-th day after `from`'s local date.
    fn day_window_close(&self, from: Timestamp, days: u32) -> Result<Timestamp, CaseError> {
        let zone = &self.policy.time_zone;
        let start = zone.date_of(from)?;
        Ok(zone.start_of_day(start.add_days(i64::from(days) + 1)?)?)
    }
}
