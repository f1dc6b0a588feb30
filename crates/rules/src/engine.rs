//! Evaluates a case against a policy: per order line, then combined.

use crate::case::{Case, OrderLine, QUALITY_DEFECT};
use crate::decision::{
    string_enum, Clause, ComplaintAbout, Condition, Decision, Document, DocumentRequirement,
    LineDecision, Outcome, RequestType,
};
use crate::policy::{
    CancelRule, CountedFrom, Fact, KindRules, Policy, QualityRule, RepairRule, ReturnRule,
    ServiceLevel, Step, WindowRule,
};
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
    let order = &case.order;
    if order.lines.is_empty() {
        return Err(CaseError::new(
            ErrorCode::EmptyOrder,
            "order.lines: the order has no lines",
        ));
    }
    let mut totals = Vec::with_capacity(order.lines.len());
    let mut order_total: i64 = 0;
    for (i, line) in order.lines.iter().enumerate() {
        if order.lines[..i].iter().any(|l| l.id == line.id) {
            return Err(CaseError::new(
                ErrorCode::DuplicateLineId,
                format!("order.lines[{i}].id: \"{}\" is used by two lines", line.id),
            ));
        }
        if policy.kind(&line.kind).is_none() {
            let known: Vec<&str> = policy.kinds.iter().map(|(k, _)| k.as_str()).collect();
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

    let selected: Vec<usize> = if case.request.lines.is_empty() {
        (0..order.lines.len()).collect()
    } else {
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
        picked
    };

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
        let line = &order.lines[index];
        lines.push(ctx.decide_line(line, totals[index])?);
    }
    ctx.combine(lines)
}

/// What is decided about one line, before lines are combined.
struct LineResult {
    decision: LineDecision,
    conditions: Vec<Condition>,
    documents: Vec<DocumentRequirement>,
    procedure: Procedure,
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

struct Context<'a> {
    policy: &'a Policy,
    case: &'a Case,
    /// `None` = the customer did not say which documents they hold.
    held: Option<Vec<Document>>,
}

impl Context<'_> {
    fn kind(&self, line: &OrderLine) -> KindRules {
        // `check` verified every kind exists; this keeps the engine panic-free anyway.
        self.policy.kind(&line.kind).copied().unwrap_or(KindRules {
            cancel: CancelRule::FinalSale,
            return_rule: ReturnRule::FinalSale,
            quality_return: QualityRule::FinalSale,
            repair: RepairRule::Chargeable,
        })
    }

    fn shown(&self, t: Timestamp) -> Result<Timestamp, CaseError> {
        Ok(self.policy.time_zone.localize(t)?)
    }

    /// The close of a day window: 24:00 of the `days`-th day after `from`'s local date.
    fn day_window_close(&self, from: Timestamp, days: u32) -> Result<Timestamp, CaseError> {
        let zone = &self.policy.time_zone;
        let start = zone.date_of(from)?;
        Ok(zone.start_of_day(start.add_days(i64::from(days) + 1)?)?)
    }

    fn decide_line(&self, line: &OrderLine, total: i64) -> Result<LineResult, CaseError> {
        let fulfilled = self.case.order.fulfilment.at();
        let request = &self.case.request;
        let quality = request.reason.as_deref() == Some(QUALITY_DEFECT);
        match request.kind {
            RequestType::Cancel => self.cancel(line, total),
            RequestType::Return | RequestType::Exchange if fulfilled.is_none() => {
                self.cancel(line, total)
            }
            RequestType::Return | RequestType::Exchange => {
                let procedure = if request.kind == RequestType::Return {
                    Procedure::Return { quality }
                } else {
                    Procedure::Exchange { quality }
                };
                let at = fulfilled.unwrap_or(self.case.order.ordered_at);
                self.return_or_exchange(line, total, quality, at, procedure)
            }
            RequestType::Repair => self.repair(line, fulfilled),
            RequestType::Complaint => {
                let about = request.about.unwrap_or(ComplaintAbout::Service);
                let clause = match about {
                    ComplaintAbout::Service => Clause::ComplaintService,
                    ComplaintAbout::Product => Clause::ComplaintProduct,
                };
                let procedure = match about {
                    ComplaintAbout::Service => &self.policy.complaint_service,
                    ComplaintAbout::Product => &self.policy.complaint_product,
                };
                Ok(result(
                    line,
                    Outcome::Allowed,
                    clause,
                    Some(0),
                    Some(0),
                    None,
                    procedure.documents.clone(),
                    Procedure::Complaint(about),
                ))
            }
        }
    }

    fn cancel(&self, line: &OrderLine, total: i64) -> Result<LineResult, CaseError> {
        let p = &self.policy.cancel;
        let docs = p.documents.clone();
        let refused = |clause| Ok(refusal(line, clause, Procedure::Cancel));
        if self.case.order.fulfilment.at().is_some() {
            return refused(Clause::CancelAlreadyFulfilled);
        }
        match self.kind(line).cancel {
            CancelRule::FinalSale => refused(Clause::CancelFinalSale),
            CancelRule::CustomOrder => refused(Clause::CancelCustomOrder),
            CancelRule::Allowed => {
                let free_until = self
                    .case
                    .order
                    .ordered_at
                    .add_seconds(i64::from(p.free_hours) * 3600)?;
                if self.case.now < free_until {
                    Ok(result(
                        line,
                        Outcome::Allowed,
                        Clause::CancelFree,
                        Some(0),
                        Some(total),
                        Some(self.shown(free_until)?),
                        docs,
                        Procedure::Cancel,
                    ))
                } else {
                    let fee = percent_rounded_up(total, p.fee_percent);
                    Ok(result(
                        line,
                        Outcome::AllowedWithFee,
                        Clause::CancelFee,
                        Some(fee),
                        Some(total - fee),
                        None,
                        docs,
                        Procedure::Cancel,
                    ))
                }
            }
        }
    }

    fn return_or_exchange(
        &self,
        line: &OrderLine,
        total: i64,
        quality: bool,
        fulfilled_at: Timestamp,
        procedure: Procedure,
    ) -> Result<LineResult, CaseError> {
        let kind = self.kind(line);
        let refused = |clause| Ok(refusal(line, clause, procedure));
        if quality {
            return match kind.quality_return {
                QualityRule::FinalSale => refused(Clause::ReturnFinalSale),
                QualityRule::Excluded => refused(Clause::ReturnQualityExcluded),
                QualityRule::Inspection => Ok(result(
                    line,
                    Outcome::NeedsInspection,
                    Clause::ReturnQualityInspection,
                    Some(0),
                    Some(total),
                    None,
                    self.policy.returns.quality_documents.clone(),
                    procedure,
                )),
            };
        }
        let (rule, allowed_clause): (&WindowRule, Clause) = match kind.return_rule {
            ReturnRule::FinalSale => return refused(Clause::ReturnFinalSale),
            ReturnRule::CustomOrder => return refused(Clause::ReturnCustomOrder),
            ReturnRule::WithinWindow => (
                &self.policy.returns.within_window,
                Clause::ReturnWithinWindow,
            ),
            ReturnRule::SelfPickup => (&self.policy.returns.self_pickup, Clause::ReturnSelfPickup),
        };
        let from = match rule.counted_from {
            CountedFrom::Purchase => self.case.order.ordered_at,
            CountedFrom::Fulfilment => fulfilled_at,
        };
        let closes = self.day_window_close(from, rule.days)?;
        if self.case.now >= closes {
            return refused(Clause::ReturnWindowExpired);
        }
        let mut conditions = Vec::new();
        match self.case.facts.get(rule.requires) {
            Some(false) => {
                return refused(match rule.requires {
                    Fact::PackagingUnopened => Clause::ReturnPackagingOpened,
                    Fact::GoodsIntact => Clause::ReturnNotIntact,
                })
            }
            None => conditions.push(Condition::Fact(rule.requires)),
            Some(true) => {}
        }
        match &self.held {
            Some(held) => {
                if rule.documents.iter().any(|d| !d.satisfied_by(held)) {
                    return refused(Clause::ReturnDocumentsMissing);
                }
            }
            None => conditions.extend(rule.documents.iter().map(|d| Condition::Document(*d))),
        }
        let mut r = result(
            line,
            Outcome::Allowed,
            allowed_clause,
            Some(0),
            Some(total),
            Some(self.shown(closes)?),
            rule.documents.clone(),
            procedure,
        );
        r.decision.conditions = conditions.clone();
        r.conditions = conditions;
        Ok(r)
    }

    fn repair(
        &self,
        line: &OrderLine,
        fulfilled: Option<Timestamp>,
    ) -> Result<LineResult, CaseError> {
        let docs = self.policy.repair.documents.clone();
        let chargeable = || {
            Ok(result(
                line,
                Outcome::AllowedWithFee,
                Clause::RepairChargeable,
                None,
                Some(0),
                None,
                docs.clone(),
                Procedure::Repair,
            ))
        };
        if self.kind(line).repair == RepairRule::Chargeable {
            return chargeable();
        }
        // The warranty runs from delivery or pick-up; before that it has not started.
        let warranty_ends = match fulfilled {
            Some(at) => Some(self.day_window_close(at, self.policy.repair.warranty_days)?),
            None => None,
        };
        if warranty_ends.is_some_and(|end| self.case.now >= end) {
            return chargeable();
        }
        Ok(result(
            line,
            Outcome::Allowed,
            Clause::RepairWarranty,
            Some(0),
            Some(0),
            warranty_ends.map(|t| self.shown(t)).transpose()?,
            docs.clone(),
            Procedure::Repair,
        ))
    }

    fn combine(&self, lines: Vec<LineResult>) -> Result<Decision, CaseError> {
        let first = &lines[0].decision;
        let outcome = if lines.iter().all(|l| l.decision.outcome == first.outcome) {
            first.outcome
        } else {
            Outcome::Mixed
        };
        let clause = if lines.iter().all(|l| l.decision.clause == first.clause) {
            first.clause
        } else {
            Clause::Mixed
        };
        let open: Vec<&LineResult> = lines
            .iter()
            .filter(|l| l.decision.outcome != Outcome::Refused)
            .collect();
        let sum = |pick: fn(&LineDecision) -> Option<i64>| -> Result<Option<i64>, CaseError> {
            let mut total: i64 = 0;
            for l in &open {
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
        };
        let fee = sum(|d| d.fee)?;
        let refund = sum(|d| d.refund)?;
        let deadline = lines.iter().filter_map(|l| l.decision.deadline).min();

        let mut conditions: Vec<Condition> = Vec::new();
        let mut documents: Vec<DocumentRequirement> = Vec::new();
        for l in &open {
            for c in &l.conditions {
                if !conditions.contains(c) {
                    conditions.push(*c);
                }
            }
            for d in &l.documents {
                if !documents.contains(d) {
                    documents.push(*d);
                }
            }
        }

        let request_type = self.case.request.kind;
        let procedure = match open.first() {
            None => None,
            Some(f) if open.iter().all(|l| l.procedure == f.procedure) => Some(f.procedure),
            Some(_) => {
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
        };
        let (steps, service_levels) = self.procedure_plan(procedure);

        let mut alternatives: Vec<RequestType> = Vec::new();
        for l in lines
            .iter()
            .filter(|l| l.decision.outcome == Outcome::Refused)
        {
            for alt in self.policy.alternatives_for(l.decision.clause) {
                if *alt != request_type && !alternatives.contains(alt) {
                    alternatives.push(*alt);
                }
            }
        }

        let currency = if self.case.order.currency.is_empty() {
            self.policy.currency.clone()
        } else {
            self.case.order.currency.clone()
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

    fn procedure_plan(&self, procedure: Option<Procedure>) -> (Vec<String>, Vec<ServiceLevel>) {
        let p = self.policy;
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
                let c = match about {
                    ComplaintAbout::Service => &p.complaint_service,
                    ComplaintAbout::Product => &p.complaint_product,
                };
                levels.extend(c.service_levels.iter().cloned());
                ids(&c.steps, false)
            }
        };
        (steps, levels)
    }
}

/// `percent`% of `amount`, rounded up to the minor unit ("不少于": at least).
pub fn percent_rounded_up(amount: i64, percent: u32) -> i64 {
    let exact = i128::from(amount) * i128::from(percent);
    let fee = (exact + 99).div_euclid(100);
    // percent ≤ 100 (validated) keeps the fee within the amount; clamp regardless.
    i64::try_from(fee).unwrap_or(amount).min(amount.max(0))
}

#[allow(clippy::too_many_arguments)]
fn result(
    line: &OrderLine,
    outcome: Outcome,
    clause: Clause,
    fee: Option<i64>,
    refund: Option<i64>,
    deadline: Option<Timestamp>,
    documents: Vec<DocumentRequirement>,
    procedure: Procedure,
) -> LineResult {
    LineResult {
        decision: LineDecision {
            id: line.id.clone(),
            outcome,
            clause,
            fee,
            refund,
            deadline,
            conditions: Vec::new(),
        },
        conditions: Vec::new(),
        documents,
        procedure,
    }
}

/// A refused line: nothing is charged and nothing refunded.
fn refusal(line: &OrderLine, clause: Clause, procedure: Procedure) -> LineResult {
    result(
        line,
        Outcome::Refused,
        clause,
        Some(0),
        Some(0),
        None,
        Vec::new(),
        procedure,
    )
}
