//! The after-sales policy as data (`public/policy.json`), and its validation.
//!
//! Loading walks the JSON by hand rather than through `serde` so that it can report
//! *every* problem with its field path (`kinds.custom.cancel: unknown value "maybe"`)
//! and so that unknown keys (typos) are errors too. A policy with any problem is
//! rejected whole: it is never half-applied.
//!
//! Measured alternative: derived `serde` structs (`deny_unknown_fields`, closed
//! sets read as strings) plus a validation pass. It reports only the first
//! structural problem (missing field, wrong type, unknown key) and, in a WASM probe
//! linking `Policy::from_json` and `check` (opt-level z, LTO, `wasm-opt -Oz`), was
//! 199,302 bytes (68,770 brotli) against 153,725 (58,196 brotli) for this reader.

use std::fmt;

use serde_json::{Map, Value};

use crate::decision::{string_enum, Clause, ComplaintAbout, DocumentRequirement, RequestType};
use crate::zone::Zone;

/// The default policy (docs/policy.md), as shipped in `public/policy.json`.
pub const DEFAULT_POLICY_JSON: &str = include_str!("../../../public/policy.json");

/// A validated after-sales policy.
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    /// Content hash of the source text (FNV-1a 64, hex): filed requests record it.
    pub version: String,
    pub time_zone: Zone,
    /// ISO 4217 code used when an order does not say (hand-entered orders).
    pub currency: String,
    /// How old a `filed_at` may be and still be honoured (offline filing).
    pub offline_grace_hours: u32,
    pub acknowledge: ServiceLevel,
    pub cancel: CancelPolicy,
    pub returns: ReturnPolicy,
    pub exchange_steps: Vec<Step>,
    pub repair: RepairPolicy,
    pub complaint_service: Procedure,
    pub complaint_product: Procedure,
    /// Product kinds sorted by id (serde_json's map order), each with its names and rules.
    pub kinds: Vec<Kind>,
    /// What to offer instead of a refusal, by clause (each clause once, in the
    /// file's order; a list, not a map: the portal links this reader).
    pub alternatives: Vec<(Clause, Vec<RequestType>)>,
}

string_enum! {
    /// A staff member's role (docs/policy.md, "Who performs each step"). An
    /// account may hold several; `admin` manages accounts and performs no step.
    StaffRole {
        FrontDesk = "front_desk",
        ServiceCentre = "service_centre",
        Technician = "technician",
        StoreManager = "store_manager",
        OperationsHead = "operations_head",
        GeneralManager = "general_manager",
        Finance = "finance",
        Admin = "admin",
    }
}

impl StaffRole {
    /// Roles that may close a request (the work is done): the server enforces
    /// it, the staff console offers the button.
    pub const CLOSERS: &'static [StaffRole] = &[
        StaffRole::FrontDesk,
        StaffRole::StoreManager,
        StaffRole::OperationsHead,
        StaffRole::GeneralManager,
    ];
    /// Roles that may reject a request (a decision against the customer).
    pub const REJECTERS: &'static [StaffRole] = &[
        StaffRole::StoreManager,
        StaffRole::OperationsHead,
        StaffRole::GeneralManager,
    ];
}

#[derive(Clone, Debug, PartialEq)]
pub struct CancelPolicy {
    pub free_hours: u32,
    /// "不少于销售价格10%": the fee is this percentage of the line total, rounded up.
    pub fee_percent: u32,
    pub documents: Vec<DocumentRequirement>,
    pub steps: Vec<Step>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ReturnPolicy {
    pub within_window: WindowRule,
    pub self_pickup: WindowRule,
    /// Documents for a quality complaint that goes to inspection.
    pub quality_documents: Vec<DocumentRequirement>,
    pub steps: Vec<Step>,
}

/// A return window: `days` calendar days after the start date, with a condition on
/// the goods and the documents that must be shown.
#[derive(Clone, Debug, PartialEq)]
pub struct WindowRule {
    pub days: u32,
    pub counted_from: CountedFrom,
    pub requires: Fact,
    pub documents: Vec<DocumentRequirement>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CountedFrom {
    /// The purchase date (`ordered_at`'s local date).
    Purchase,
    /// The delivery or pick-up date.
    Fulfilment,
}

string_enum! {
    /// A fact about the goods that a rule depends on.
    Fact {
        PackagingUnopened = "packaging_unopened",
        GoodsIntact = "goods_intact",
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct RepairPolicy {
    pub warranty_days: u32,
    pub documents: Vec<DocumentRequirement>,
    pub steps: Vec<Step>,
    pub service_levels: Vec<ServiceLevel>,
}

/// Steps and service levels of a request type that has no window (complaints).
#[derive(Clone, Debug, PartialEq)]
pub struct Procedure {
    pub documents: Vec<DocumentRequirement>,
    pub steps: Vec<Step>,
    pub service_levels: Vec<ServiceLevel>,
}

/// One step of a procedure; `quality_only` steps apply to quality-defect returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub id: String,
    pub quality_only: bool,
    /// Who performs it (the policy's `roles`; every step of a loaded policy has one).
    pub role: Option<StaffRole>,
}

/// A promise: `what` happens within `within_minutes` of `after`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ServiceLevel {
    pub what: String,
    pub within_minutes: u32,
    /// What the clock starts from: `request` (filing) or a later event
    /// (`item_returned`, `resolved`) that staff record.
    #[serde(default = "ServiceLevel::default_after")]
    pub after: String,
}

impl ServiceLevel {
    fn default_after() -> String {
        "request".to_owned()
    }
}

/// A product kind of the policy: what it is called, what it means, and its rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Kind {
    /// The id order lines use (`regular`, `custom`, …).
    pub id: String,
    /// What the customer is shown as the kind's name.
    pub name: LocalText,
    /// One sentence in plain words that helps the customer pick the kind.
    pub description: LocalText,
    pub rules: KindRules,
}

/// A text of the policy in each language the portal speaks; every one is required
/// and non-empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalText {
    /// Simplified Chinese (`zh-CN` in the policy file).
    pub zh_cn: String,
    /// English (`en` in the policy file).
    pub en: String,
}

impl LocalText {
    /// The language tags of the policy file, in the order of the fields.
    pub const LANGUAGES: [&'static str; 2] = ["zh-CN", "en"];

    /// The text for a language tag of [`LocalText::LANGUAGES`]; `None` for others.
    pub fn get(&self, lang: &str) -> Option<&str> {
        match lang {
            "zh-CN" => Some(&self.zh_cn),
            "en" => Some(&self.en),
            _ => None,
        }
    }
}

/// What a product kind allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KindRules {
    pub cancel: CancelRule,
    pub return_rule: ReturnRule,
    pub quality_return: QualityRule,
    pub repair: RepairRule,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CancelRule {
    /// Free within `cancel.free_hours`, then with the cancellation fee.
    Allowed,
    CustomOrder,
    FinalSale,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReturnRule {
    WithinWindow,
    SelfPickup,
    CustomOrder,
    FinalSale,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QualityRule {
    Inspection,
    Excluded,
    FinalSale,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RepairRule {
    Warranty,
    Chargeable,
}

/// Every problem found in a policy file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyErrors(pub Vec<PolicyError>);

/// One problem, with the dotted path of the field it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyError {
    pub path: String,
    pub message: String,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl fmt::Display for PolicyErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for PolicyErrors {}

impl Policy {
    /// The built-in default policy (docs/policy.md).
    pub fn default_policy() -> Policy {
        // The shipped file is validated by the test suite; failing here would be a
        // build defect, so fall back to nothing rather than panic.
        match Policy::from_json(DEFAULT_POLICY_JSON) {
            Ok(p) => p,
            Err(e) => unreachable_policy(e),
        }
    }

    /// Parses and validates a policy file; reports every problem at once.
    /// `time_zone` is looked up in the whole zone table ([`Zone::named`]).
    pub fn from_json(text: &str) -> Result<Policy, PolicyErrors> {
        Policy::from_json_with_zones(text, &Zone::named)
    }

    /// [`Policy::from_json`] with the zone table given by the caller: the
    /// portal resolves [`Zone::builtin`] zones, and the rest from the table
    /// as data (`public/zones.json`), so its first load links no table.
    pub fn from_json_with_zones(
        text: &str,
        zones: &dyn Fn(&str) -> Option<Zone>,
    ) -> Result<Policy, PolicyErrors> {
        let value: Value = serde_json::from_str(text).map_err(|e| {
            PolicyErrors(vec![PolicyError {
                path: String::new(),
                message: format!("not valid JSON: {}", json_error_text(&e)),
            }])
        })?;
        let mut errors = Vec::new();
        let policy = read_policy(&value, zones, &mut errors);
        match policy {
            Some(mut p) if errors.is_empty() => {
                p.version = content_hash(text);
                Ok(p)
            }
            _ => {
                if errors.is_empty() {
                    errors.push(PolicyError {
                        path: String::new(),
                        message: "invalid policy".into(),
                    });
                }
                Err(PolicyErrors(errors))
            }
        }
    }

    /// The product kind `id`, if the policy has it.
    pub fn kind(&self, id: &str) -> Option<&Kind> {
        self.kinds.iter().find(|k| k.id == id)
    }

    /// The procedure of a complaint about the service or a product.
    pub fn complaint(&self, about: ComplaintAbout) -> &Procedure {
        match about {
            ComplaintAbout::Service => &self.complaint_service,
            ComplaintAbout::Product => &self.complaint_product,
        }
    }

    /// The role that performs step `step` (every step of the policy has one).
    pub fn role_of(&self, step: &str) -> Option<StaffRole> {
        [
            &self.cancel.steps,
            &self.returns.steps,
            &self.exchange_steps,
            &self.repair.steps,
            &self.complaint_service.steps,
            &self.complaint_product.steps,
        ]
        .into_iter()
        .flatten()
        .find(|s| s.id == step)
        .and_then(|s| s.role)
    }

    pub fn alternatives_for(&self, clause: Clause) -> &[RequestType] {
        self.alternatives
            .iter()
            .find(|(c, _)| *c == clause)
            .map_or(&[], |(_, types)| types.as_slice())
    }
}

#[cold]
fn unreachable_policy(e: PolicyErrors) -> ! {
    // Only reachable if public/policy.json in the source tree is broken, which
    // `default_policy_validates` catches before any release.
    panic!("built-in default policy is invalid: {e}")
}

/// Where and how a text is not JSON: "syntax error at line 3, column 7".
/// Not serde_json's own message, whose formatting (it quotes the unexpected
/// value) costs the portal's first load about 1.5 KB.
pub fn json_error_text(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match e.classify() {
        Category::Syntax => "syntax error",
        Category::Eof => "the text ends too early",
        Category::Data => "a value of the wrong type",
        Category::Io => "a read error",
    };
    format!("{what} at line {}, column {}", e.line(), e.column())
}

/// FNV-1a, 64 bit: small, deterministic, the same on every platform.
pub fn content_hash(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Reads fields of one JSON object, records problems, and flags unknown keys.
struct Obj<'a> {
    map: Option<&'a Map<String, Value>>,
    path: String,
    seen: Vec<&'static str>,
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn err(errors: &mut Vec<PolicyError>, path: String, message: impl Into<String>) {
    errors.push(PolicyError {
        path,
        message: message.into(),
    });
}

impl<'a> Obj<'a> {
    fn new(value: Option<&'a Value>, path: String, errors: &mut Vec<PolicyError>) -> Obj<'a> {
        let map = match value {
            Some(Value::Object(m)) => Some(m),
            Some(_) => {
                err(errors, path.clone(), "must be an object");
                None
            }
            None => None, // reported by the caller as missing
        };
        Obj {
            map,
            path,
            seen: Vec::new(),
        }
    }

    fn get(&mut self, key: &'static str, errors: &mut Vec<PolicyError>) -> Option<&'a Value> {
        self.seen.push(key);
        let map = self.map?;
        let v = map.get(key);
        if v.is_none() {
            err(errors, join(&self.path, key), "missing");
        }
        v
    }

    fn child(&mut self, key: &'static str, errors: &mut Vec<PolicyError>) -> Obj<'a> {
        let path = join(&self.path, key);
        let v = self.get(key, errors);
        Obj::new(v, path, errors)
    }

    fn uint(&mut self, key: &'static str, max: u32, errors: &mut Vec<PolicyError>) -> Option<u32> {
        let path = join(&self.path, key);
        match self.get(key, errors)? {
            Value::Number(n) => match n.as_u64() {
                Some(v) if v <= u64::from(max) => Some(v as u32),
                _ => {
                    err(
                        errors,
                        path,
                        format!("must be a whole number from 0 to {max}"),
                    );
                    None
                }
            },
            _ => {
                err(errors, path, "must be a number");
                None
            }
        }
    }

    fn string(&mut self, key: &'static str, errors: &mut Vec<PolicyError>) -> Option<&'a str> {
        let path = join(&self.path, key);
        match self.get(key, errors)? {
            Value::String(s) => Some(s),
            _ => {
                err(errors, path, "must be a string");
                None
            }
        }
    }

    /// A string that must be one of `choices`.
    fn choice<T: Copy>(
        &mut self,
        key: &'static str,
        choices: &[(&str, T)],
        errors: &mut Vec<PolicyError>,
    ) -> Option<T> {
        let path = join(&self.path, key);
        let s = self.string(key, errors)?;
        let found = choices.iter().find(|(name, _)| *name == s).map(|(_, v)| *v);
        if found.is_none() {
            let names: Vec<&str> = choices.iter().map(|(n, _)| *n).collect();
            err(
                errors,
                path,
                format!(
                    "unknown value \"{s}\" (expected one of {})",
                    names.join(", ")
                ),
            );
        }
        found
    }

    fn array(
        &mut self,
        key: &'static str,
        errors: &mut Vec<PolicyError>,
    ) -> Option<(String, &'a Vec<Value>)> {
        let path = join(&self.path, key);
        match self.get(key, errors)? {
            Value::Array(a) => Some((path, a)),
            _ => {
                err(errors, path, "must be a list");
                None
            }
        }
    }

    fn documents(
        &mut self,
        key: &'static str,
        errors: &mut Vec<PolicyError>,
    ) -> Option<Vec<DocumentRequirement>> {
        let (path, items) = self.array(key, errors)?;
        let mut out = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let p = format!("{path}[{i}]");
            match item.as_str().and_then(DocumentRequirement::parse) {
                Some(d) if !out.contains(&d) => out.push(d),
                Some(_) => {
                    ok = false;
                    err(errors, p, "listed twice");
                }
                None => {
                    ok = false;
                    err(
                        errors,
                        p,
                        format!(
                            // The text as written, not `{item}`: printing a JSON
                            // value links serde_json's writer into the WASM.
                            "unknown document {} (expected one of {})",
                            match item.as_str() {
                                Some(text) => format!("\"{text}\""),
                                None => "that is not a string".to_owned(),
                            },
                            DocumentRequirement::ALL
                                .iter()
                                .map(|d| d.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                }
            }
        }
        ok.then_some(out)
    }

    fn steps(&mut self, key: &'static str, errors: &mut Vec<PolicyError>) -> Option<Vec<Step>> {
        let (path, items) = self.array(key, errors)?;
        let mut out: Vec<Step> = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let p = format!("{path}[{i}]");
            let step = match item {
                Value::String(s) => Some(Step {
                    id: s.clone(),
                    quality_only: false,
                    role: None,
                }),
                Value::Object(_) => {
                    let mut o = Obj::new(Some(item), p.clone(), errors);
                    let id = o.string("id", errors).map(str::to_owned);
                    let quality_only = match o.map.and_then(|m| m.get("quality_only")) {
                        None => Some(false),
                        Some(Value::Bool(b)) => Some(*b),
                        Some(_) => {
                            err(errors, join(&p, "quality_only"), "must be true or false");
                            None
                        }
                    };
                    o.seen.push("quality_only");
                    o.finish(errors);
                    match (id, quality_only) {
                        (Some(id), Some(quality_only)) => Some(Step {
                            id,
                            quality_only,
                            role: None,
                        }),
                        _ => None,
                    }
                }
                _ => {
                    err(
                        errors,
                        p.clone(),
                        "must be a step id or {\"id\", \"quality_only\"}",
                    );
                    None
                }
            };
            match step {
                Some(s) if !is_identifier(&s.id) => {
                    ok = false;
                    err(errors, p, "step ids are lower_snake_case");
                }
                Some(s) if out.iter().any(|o| o.id == s.id) => {
                    ok = false;
                    err(errors, p, format!("step \"{}\" listed twice", s.id));
                }
                Some(s) => out.push(s),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn service_levels(
        &mut self,
        key: &'static str,
        errors: &mut Vec<PolicyError>,
    ) -> Option<Vec<ServiceLevel>> {
        let (path, items) = self.array(key, errors)?;
        let mut out = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            match read_service_level(item, format!("{path}[{i}]"), errors) {
                Some(sl) => out.push(sl),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// Reports keys this object has that the reader never asked for.
    fn finish(self, errors: &mut Vec<PolicyError>) {
        if let Some(map) = self.map {
            for key in map.keys() {
                if !self.seen.contains(&key.as_str()) {
                    err(errors, join(&self.path, key), "unknown field");
                }
            }
        }
    }
}

fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes().next().is_some_and(|c| c.is_ascii_lowercase())
        && s.bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_')
}

/// What a service level's clock may start from.
const SERVICE_LEVEL_ANCHORS: &[(&str, &str)] = &[
    ("request", "request"),
    ("item_returned", "item_returned"),
    ("resolved", "resolved"),
];

fn read_service_level(
    value: &Value,
    path: String,
    errors: &mut Vec<PolicyError>,
) -> Option<ServiceLevel> {
    let mut o = Obj::new(Some(value), path.clone(), errors);
    o.map?;
    let what = o.string("what", errors);
    if let Some(w) = what {
        if !is_identifier(w) {
            err(
                errors,
                join(&path, "what"),
                "service level ids are lower_snake_case",
            );
        }
    }
    // One year is the longest promise that makes sense for a service level.
    let within = o.uint("within_minutes", 525_600, errors);
    let after = if o.map.is_some_and(|m| m.contains_key("after")) {
        o.choice("after", SERVICE_LEVEL_ANCHORS, errors)
    } else {
        o.seen.push("after");
        Some("request")
    };
    o.finish(errors);
    Some(ServiceLevel {
        what: what.filter(|w| is_identifier(w))?.to_owned(),
        within_minutes: within?,
        after: after?.to_owned(),
    })
}

fn read_window(
    o: &mut Obj<'_>,
    key: &'static str,
    errors: &mut Vec<PolicyError>,
) -> Option<WindowRule> {
    let mut w = o.child(key, errors);
    w.map?;
    let days = w.uint("days", 3660, errors);
    let counted_from = w.choice(
        "counted_from",
        &[
            ("purchase", CountedFrom::Purchase),
            ("fulfilment", CountedFrom::Fulfilment),
        ],
        errors,
    );
    let requires = {
        let path = join(&w.path, "requires");
        match w.string("requires", errors) {
            Some(s) => {
                let f = Fact::parse(s);
                if f.is_none() {
                    err(
                        errors,
                        path,
                        format!("unknown value \"{s}\" (expected one of packaging_unopened, goods_intact)"),
                    );
                }
                f
            }
            None => None,
        }
    };
    let documents = w.documents("documents", errors);
    w.finish(errors);
    Some(WindowRule {
        days: days?,
        counted_from: counted_from?,
        requires: requires?,
        documents: documents?,
    })
}

fn read_procedure(
    o: &mut Obj<'_>,
    key: &'static str,
    errors: &mut Vec<PolicyError>,
) -> Option<Procedure> {
    let mut p = o.child(key, errors);
    p.map?;
    let documents = p.documents("documents", errors);
    let steps = p.steps("steps", errors);
    let service_levels = p.service_levels("service_levels", errors);
    p.finish(errors);
    Some(Procedure {
        documents: documents?,
        steps: steps?,
        service_levels: service_levels?,
    })
}

/// `roles`: each role with the steps it performs, written into the steps of
/// every procedure. Every step has exactly one role, and every step named is in
/// some procedure. (No map of its own: the portal links this reader too.)
fn read_roles(
    root: &mut Obj,
    procedures: &mut [(&str, Option<&mut Vec<Step>>)],
    errors: &mut Vec<PolicyError>,
) -> Option<()> {
    let map = root.get("roles", errors)?;
    let Value::Object(map) = map else {
        err(
            errors,
            "roles".into(),
            "must be an object of role: [step ids]",
        );
        return None;
    };
    let mut ok = true;
    for (key, steps) in map {
        let path = join("roles", key);
        let role = match StaffRole::parse(key) {
            Some(StaffRole::Admin) => {
                err(errors, path, "admin manages accounts and performs no step");
                ok = false;
                continue;
            }
            Some(role) => role,
            None => {
                let all: Vec<&str> = StaffRole::ALL.iter().map(|r| r.as_str()).collect();
                err(
                    errors,
                    path,
                    format!("unknown role (expected one of {})", all.join(", ")),
                );
                ok = false;
                continue;
            }
        };
        let Value::Array(steps) = steps else {
            err(errors, path, "must be a list of step ids");
            ok = false;
            continue;
        };
        for (i, step) in steps.iter().enumerate() {
            let p = format!("{path}[{i}]");
            let Some(id) = step.as_str() else {
                err(errors, p, "must be a step id");
                ok = false;
                continue;
            };
            // Plain loops, twice: iterator adapters over `&mut Step` cost WASM.
            let (mut found, mut taken) = (false, None);
            for (_, steps) in procedures.iter() {
                for s in steps.iter().flat_map(|s| s.iter()) {
                    if s.id == id {
                        found = true;
                        taken = taken.or(s.role);
                    }
                }
            }
            if let Some(other) = taken {
                err(
                    errors,
                    p,
                    format!("step \"{id}\" is performed by {other} already"),
                );
                ok = false;
            } else if !found {
                err(errors, p, format!("no procedure has step \"{id}\""));
                ok = false;
            } else {
                for (_, steps) in procedures.iter_mut() {
                    if let Some(steps) = steps {
                        for s in steps.iter_mut() {
                            if s.id == id {
                                s.role = Some(role);
                            }
                        }
                    }
                }
            }
        }
    }
    for (path, steps) in procedures.iter() {
        for (i, step) in steps.iter().flat_map(|s| s.iter()).enumerate() {
            if step.role.is_none() {
                err(
                    errors,
                    format!("{path}[{i}]"),
                    format!("step \"{}\" has no role in roles", step.id),
                );
                ok = false;
            }
        }
    }
    ok.then_some(())
}

fn read_policy(
    value: &Value,
    zones: &dyn Fn(&str) -> Option<Zone>,
    errors: &mut Vec<PolicyError>,
) -> Option<Policy> {
    let mut root = Obj::new(Some(value), String::new(), errors);
    root.map?;

    let schema = root.uint("schema", u32::MAX, errors);
    if schema.is_some_and(|s| s != 1) {
        err(
            errors,
            "schema".into(),
            "unsupported schema version (this engine reads 1)",
        );
    }

    let time_zone = match root.string("time_zone", errors) {
        Some(name) => {
            let z = zones(name);
            if z.is_none() {
                err(
                    errors,
                    "time_zone".into(),
                    format!("unknown IANA time zone \"{name}\" (e.g. Asia/Shanghai)"),
                );
            }
            z
        }
        None => None,
    };

    let currency = root.string("currency", errors).and_then(|c| {
        if c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()) {
            Some(c.to_owned())
        } else {
            err(
                errors,
                "currency".into(),
                "must be an ISO 4217 code such as CNY",
            );
            None
        }
    });
    let offline_grace_hours = root.uint("offline_grace_hours", 24 * 365, errors);
    let acknowledge = root
        .get("acknowledge", errors)
        .and_then(|v| read_service_level(v, "acknowledge".into(), errors));

    let mut cancel = read_cancel(&mut root, errors);
    let mut returns = read_returns(&mut root, errors);
    let mut exchange_steps = read_exchange(&mut root, errors);
    let mut repair = read_repair(&mut root, errors);
    let mut cp = root.child("complaint", errors);
    let mut complaint_service = read_procedure(&mut cp, "service", errors);
    let mut complaint_product = read_procedure(&mut cp, "product", errors);
    cp.finish(errors);

    let kinds = read_kinds(&mut root, errors);
    let alternatives = read_alternatives(&mut root, errors);
    let roles = read_roles(
        &mut root,
        &mut [
            ("cancel.steps", cancel.as_mut().map(|c| &mut c.steps)),
            ("return.steps", returns.as_mut().map(|r| &mut r.steps)),
            ("exchange.steps", exchange_steps.as_mut()),
            ("repair.steps", repair.as_mut().map(|r| &mut r.steps)),
            (
                "complaint.service.steps",
                complaint_service.as_mut().map(|p| &mut p.steps),
            ),
            (
                "complaint.product.steps",
                complaint_product.as_mut().map(|p| &mut p.steps),
            ),
        ],
        errors,
    );
    root.finish(errors);

    roles?;
    Some(Policy {
        version: String::new(),
        time_zone: time_zone?,
        currency: currency?,
        offline_grace_hours: offline_grace_hours?,
        acknowledge: acknowledge?,
        cancel: cancel?,
        returns: returns?,
        exchange_steps: exchange_steps?,
        repair: repair?,
        complaint_service: complaint_service?,
        complaint_product: complaint_product?,
        kinds: kinds?,
        alternatives: alternatives?,
    })
}

// Each section reader gathers all of its fields' problems before `?` gives up on it,
// so one bad field never hides another.

fn read_cancel(root: &mut Obj<'_>, errors: &mut Vec<PolicyError>) -> Option<CancelPolicy> {
    let mut c = root.child("cancel", errors);
    c.map?;
    let free_hours = c.uint("free_hours", 24 * 366, errors);
    let fee_percent = c.uint("fee_percent", 100, errors);
    let documents = c.documents("documents", errors);
    let steps = c.steps("steps", errors);
    c.finish(errors);
    Some(CancelPolicy {
        free_hours: free_hours?,
        fee_percent: fee_percent?,
        documents: documents?,
        steps: steps?,
    })
}

fn read_returns(root: &mut Obj<'_>, errors: &mut Vec<PolicyError>) -> Option<ReturnPolicy> {
    let mut r = root.child("return", errors);
    r.map?;
    let within_window = read_window(&mut r, "within_window", errors);
    let self_pickup = read_window(&mut r, "self_pickup", errors);
    let quality_documents = r.documents("quality_documents", errors);
    let steps = r.steps("steps", errors);
    r.finish(errors);
    Some(ReturnPolicy {
        within_window: within_window?,
        self_pickup: self_pickup?,
        quality_documents: quality_documents?,
        steps: steps?,
    })
}

fn read_exchange(root: &mut Obj<'_>, errors: &mut Vec<PolicyError>) -> Option<Vec<Step>> {
    let mut e = root.child("exchange", errors);
    e.map?;
    let steps = e.steps("steps", errors);
    e.finish(errors);
    steps
}

fn read_repair(root: &mut Obj<'_>, errors: &mut Vec<PolicyError>) -> Option<RepairPolicy> {
    let mut rp = root.child("repair", errors);
    rp.map?;
    let warranty_days = rp.uint("warranty_days", 36_600, errors);
    let documents = rp.documents("documents", errors);
    let steps = rp.steps("steps", errors);
    let service_levels = rp.service_levels("service_levels", errors);
    rp.finish(errors);
    Some(RepairPolicy {
        warranty_days: warranty_days?,
        documents: documents?,
        steps: steps?,
        service_levels: service_levels?,
    })
}

/// `{"zh-CN": "…", "en": "…"}`: every language, none empty.
fn read_local_text(
    o: &mut Obj<'_>,
    key: &'static str,
    errors: &mut Vec<PolicyError>,
) -> Option<LocalText> {
    let mut t = o.child(key, errors);
    t.map?;
    let [zh_cn, en] = LocalText::LANGUAGES.map(|lang| {
        let path = join(&t.path, lang);
        match t.string(lang, errors) {
            Some(text) if text.trim().is_empty() => {
                err(errors, path, "must not be empty");
                None
            }
            text => text.map(str::to_owned),
        }
    });
    t.finish(errors);
    Some(LocalText {
        zh_cn: zh_cn?,
        en: en?,
    })
}

fn read_kinds(root: &mut Obj<'_>, errors: &mut Vec<PolicyError>) -> Option<Vec<Kind>> {
    let kinds_value = root.get("kinds", errors)?;
    let Value::Object(map) = kinds_value else {
        err(errors, "kinds".into(), "must be an object of product kinds");
        return None;
    };
    if map.is_empty() {
        err(
            errors,
            "kinds".into(),
            "must name at least one product kind",
        );
        return None;
    }
    let mut out = Vec::new();
    let mut ok = true;
    for (name, v) in map {
        let path = format!("kinds.{name}");
        if !is_identifier(name) {
            err(errors, path.clone(), "kind ids are lower_snake_case");
            ok = false;
        }
        let mut k = Obj::new(Some(v), path, errors);
        if k.map.is_none() {
            ok = false;
            continue;
        }
        let names = read_local_text(&mut k, "name", errors);
        let description = read_local_text(&mut k, "description", errors);
        let cancel = k.choice(
            "cancel",
            &[
                ("allowed", CancelRule::Allowed),
                ("custom_order", CancelRule::CustomOrder),
                ("final_sale", CancelRule::FinalSale),
            ],
            errors,
        );
        let return_rule = k.choice(
            "return",
            &[
                ("within_window", ReturnRule::WithinWindow),
                ("self_pickup", ReturnRule::SelfPickup),
                ("custom_order", ReturnRule::CustomOrder),
                ("final_sale", ReturnRule::FinalSale),
            ],
            errors,
        );
        let quality_return = k.choice(
            "quality_return",
            &[
                ("inspection", QualityRule::Inspection),
                ("excluded", QualityRule::Excluded),
                ("final_sale", QualityRule::FinalSale),
            ],
            errors,
        );
        let repair = k.choice(
            "repair",
            &[
                ("warranty", RepairRule::Warranty),
                ("chargeable", RepairRule::Chargeable),
            ],
            errors,
        );
        k.finish(errors);
        match (
            names,
            description,
            cancel,
            return_rule,
            quality_return,
            repair,
        ) {
            (
                Some(names),
                Some(description),
                Some(cancel),
                Some(return_rule),
                Some(quality_return),
                Some(repair),
            ) => out.push(Kind {
                id: name.clone(),
                name: names,
                description,
                rules: KindRules {
                    cancel,
                    return_rule,
                    quality_return,
                    repair,
                },
            }),
            _ => ok = false,
        }
    }
    ok.then_some(out)
}

fn read_alternatives(
    root: &mut Obj<'_>,
    errors: &mut Vec<PolicyError>,
) -> Option<Vec<(Clause, Vec<RequestType>)>> {
    let value = root.get("alternatives", errors)?;
    let Value::Object(map) = value else {
        err(
            errors,
            "alternatives".into(),
            "must be an object of clause → request types",
        );
        return None;
    };
    let mut out = Vec::new();
    let mut ok = true;
    for (clause, v) in map {
        let path = format!("alternatives.{clause}");
        let Some(c) = Clause::parse(clause).filter(|c| *c != Clause::Mixed) else {
            err(errors, path, "unknown clause");
            ok = false;
            continue;
        };
        let Value::Array(items) = v else {
            err(errors, path, "must be a list of request types");
            ok = false;
            continue;
        };
        let mut types = Vec::new();
        for (i, item) in items.iter().enumerate() {
            match item.as_str().and_then(RequestType::parse) {
                Some(t) if !types.contains(&t) => types.push(t),
                _ => {
                    err(
                        errors,
                        format!("{path}[{i}]"),
                        "must be one of cancel, return, exchange, repair, complaint (once each)",
                    );
                    ok = false;
                }
            }
        }
        // serde_json's map has each key once: so does the list.
        out.push((c, types));
    }
    ok.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_policy_validates() {
        let p = Policy::from_json(DEFAULT_POLICY_JSON).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.time_zone.name(), "Asia/Shanghai");
        assert_eq!(p.cancel.free_hours, 48);
        assert_eq!(p.cancel.fee_percent, 10);
        assert_eq!(p.kinds.len(), 5);
        assert_eq!(p.version.len(), 16);
    }

    fn with(edit: impl FnOnce(&mut Value)) -> Result<Policy, PolicyErrors> {
        let mut v: Value = serde_json::from_str(DEFAULT_POLICY_JSON).unwrap();
        edit(&mut v);
        Policy::from_json(&v.to_string())
    }

    fn messages(r: Result<Policy, PolicyErrors>) -> Vec<String> {
        r.unwrap_err().0.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn every_step_has_the_role_of_the_procedure() {
        let p = Policy::default_policy();
        assert_eq!(p.role_of("record_reason"), Some(StaffRole::FrontDesk));
        assert_eq!(p.role_of("inspection_visit"), Some(StaffRole::Technician));
        assert_eq!(
            p.role_of("operations_head_approval"),
            Some(StaffRole::OperationsHead)
        );
        assert_eq!(
            p.role_of("general_manager_approval"),
            Some(StaffRole::GeneralManager)
        );
        assert_eq!(p.role_of("refund"), Some(StaffRole::Finance));
        assert_eq!(p.role_of("no_such_step"), None);
        let every = [
            &p.cancel.steps,
            &p.returns.steps,
            &p.exchange_steps,
            &p.repair.steps,
        ]
        .into_iter()
        .chain([&p.complaint_service.steps, &p.complaint_product.steps]);
        for steps in every {
            assert!(steps.iter().all(|s| p.role_of(&s.id).is_some()));
        }
    }

    #[test]
    fn roles_are_checked_by_name_and_step() {
        let m = messages(with(|v| {
            let roles = v["roles"].as_object_mut().unwrap();
            let front = roles.remove("front_desk").unwrap();
            roles.insert("cashier".into(), front);
            roles.insert("admin".into(), serde_json::json!(["refund"]));
            roles["finance"]
                .as_array_mut()
                .unwrap()
                .push("refund".into());
            roles["technician"]
                .as_array_mut()
                .unwrap()
                .push("teleport".into());
        }));
        let has = |text: &str| m.iter().any(|x| x.starts_with(text));
        assert!(
            has("roles.cashier: unknown role (expected one of front_desk,"),
            "{m:?}"
        );
        assert!(has("roles.admin: admin manages accounts"), "{m:?}");
        assert!(
            has("roles.finance[2]: step \"refund\" is performed by finance already"),
            "{m:?}"
        );
        assert!(
            has("roles.technician[1]: no procedure has step \"teleport\""),
            "{m:?}"
        );
        // The front desk's steps now have nobody: each is named where it stands.
        assert!(
            has("cancel.steps[0]: step \"record_reason\" has no role in roles"),
            "{m:?}"
        );
        assert!(
            has("complaint.product.steps[4]: step \"archive\" has no role"),
            "{m:?}"
        );
        assert_eq!(
            messages(with(|v| v["roles"] = 3.into())),
            ["roles: must be an object of role: [step ids]"]
        );
        assert_eq!(
            messages(with(|v| v
                .as_object_mut()
                .unwrap()
                .remove("roles")
                .map(drop)
                .unwrap_or(()))),
            ["roles: missing"]
        );
    }

    #[test]
    fn names_the_field_of_an_unknown_value() {
        let m = messages(with(|v| v["kinds"]["custom"]["cancel"] = "maybe".into()));
        assert_eq!(m.len(), 1);
        assert!(
            m[0].starts_with("kinds.custom.cancel: unknown value"),
            "{m:?}"
        );
    }

    #[test]
    fn reports_every_problem_at_once() {
        let m = messages(with(|v| {
            v["cancel"]["free_hours"] = (-1).into();
            v["return"]["within_window"]["documents"][0] = "passport".into();
            v["time_zone"] = "Mars/Olympus".into();
            v["repair"]["warranty_dayz"] = 3.into();
            v.as_object_mut().unwrap().remove("currency");
        }));
        let joined = m.join("\n");
        for needle in [
            "cancel.free_hours: must be a whole number",
            "return.within_window.documents[0]: unknown document",
            "time_zone: unknown IANA time zone",
            "repair.warranty_dayz: unknown field",
            "currency: missing",
        ] {
            assert!(joined.contains(needle), "{needle} not in {joined}");
        }
    }

    #[test]
    fn rejects_non_json_and_non_objects() {
        assert_eq!(
            messages(Policy::from_json("{\n  \"schema\": 1,\n  x"))[0],
            "not valid JSON: syntax error at line 3, column 3"
        );
        assert_eq!(
            messages(Policy::from_json("{"))[0],
            "not valid JSON: the text ends too early at line 1, column 1"
        );
        assert!(messages(Policy::from_json("[]"))[0].contains("must be an object"));
        assert!(messages(Policy::from_json("{}")).len() > 5);
    }

    #[test]
    fn kinds_carry_names_and_descriptions_in_both_languages() {
        let p = Policy::default_policy();
        let custom = p.kind("custom").unwrap();
        assert_eq!(custom.name.zh_cn, "顾客定制");
        assert_eq!(custom.name.get("en"), Some("Custom-made"));
        assert_eq!(
            custom.description.get("zh-CN"),
            Some("按您的尺寸或要求定做的商品。")
        );
        assert_eq!(custom.description.get("fr"), None);
        assert_eq!(custom.rules.cancel, CancelRule::CustomOrder);
        let ids: Vec<&str> = p.kinds.iter().map(|k| k.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "clearance",
                "custom",
                "regular",
                "self_pickup",
                "special_sale"
            ]
        );
    }

    #[test]
    fn a_new_kind_is_accepted_named_and_decided() {
        let p = with(|v| {
            v["kinds"]["outdoor"] = serde_json::json!({
                "name": {"zh-CN": "户外家具", "en": "Outdoor furniture"},
                "description": {"zh-CN": "放在户外使用的家具。", "en": "Furniture for outdoor use."},
                "cancel": "allowed", "return": "within_window",
                "quality_return": "inspection", "repair": "chargeable"
            });
        })
        .unwrap_or_else(|e| panic!("{e}"));
        let outdoor = p.kind("outdoor").unwrap();
        assert_eq!(outdoor.name.get("en"), Some("Outdoor furniture"));
        assert_eq!(outdoor.description.zh_cn, "放在户外使用的家具。");
        let case = crate::parse_case(
            r#"{"now": "2026-03-05T09:00:00+08:00",
                "order": {"number": "SO-9", "ordered_at": "2026-03-01T10:00:00+08:00",
                  "fulfilment": {"state": "delivered", "at": "2026-03-03T10:00:00+08:00"},
                  "lines": [{"id": "1", "kind": "outdoor", "quantity": 2, "unit_price": 50000}]},
                "request": {"type": "return"}, "facts": {"goods_intact": true}}"#,
        )
        .unwrap();
        let d = crate::check(&p, &case).unwrap();
        assert_eq!(d.clause, Clause::ReturnWithinWindow);
        assert_eq!(d.refund, Some(100_000));
        let repair = crate::parse_case(
            &serde_json::to_string(&{
                let mut c = serde_json::to_value(&case).unwrap();
                c["request"]["type"] = "repair".into();
                c
            })
            .unwrap(),
        )
        .unwrap();
        assert_eq!(
            crate::check(&p, &repair).unwrap().clause,
            Clause::RepairChargeable
        );
    }

    #[test]
    fn kind_names_are_required_in_every_language() {
        let m = messages(with(|v| {
            v["kinds"]["custom"]["name"]
                .as_object_mut()
                .unwrap()
                .remove("en");
            v["kinds"]["regular"]["description"]["zh-CN"] = " ".into();
            v["kinds"]["clearance"]
                .as_object_mut()
                .unwrap()
                .remove("name");
            v["kinds"]["special_sale"]["name"]["fr"] = "Soldes".into();
            v["kinds"]["self_pickup"]["description"] = "collected".into();
            v["kinds"]["self_pickup"]["name"]["en"] = 3.into();
        }));
        let mut expected = vec![
            "kinds.custom.name.en: missing",
            "kinds.regular.description.zh-CN: must not be empty",
            "kinds.clearance.name: missing",
            "kinds.special_sale.name.fr: unknown field",
            "kinds.self_pickup.description: must be an object",
            "kinds.self_pickup.name.en: must be a string",
        ];
        let mut m: Vec<&str> = m.iter().map(String::as_str).collect();
        expected.sort_unstable();
        m.sort_unstable();
        assert_eq!(m, expected);
    }

    #[test]
    fn an_empty_kind_name_is_rejected() {
        let m = messages(with(|v| v["kinds"]["custom"]["name"]["zh-CN"] = "".into()));
        assert_eq!(m, ["kinds.custom.name.zh-CN: must not be empty"]);
    }

    #[test]
    fn a_changed_window_is_applied_without_rebuild() {
        let p = with(|v| v["return"]["within_window"]["days"] = 15.into()).unwrap();
        assert_eq!(p.returns.within_window.days, 15);
        assert_ne!(p.version, Policy::default_policy().version);
    }
}
