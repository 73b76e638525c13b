//! The determination pipeline: reach → classification → licence requirements (by classification,
//! end use, end user) → review policy → licence exceptions → outcome. Generic over jurisdictions.

use std::collections::{BTreeMap, BTreeSet};

use chokepoint_model::{Party, Shipment};
use chokepoint_rulebook::{
    Condition, Confidence, EvalContext, Evaluation, Jurisdiction, Kind, Posture, Rule, Rulebook,
    Tri,
};
use chrono::NaiveDate;
use serde_json::{json, Map, Value};

use crate::report::*;

/// How to run a determination.
#[derive(Debug, Clone)]
pub struct Options {
    /// The date the answer is given as of.
    pub as_of: NaiveDate,
    pub posture: Posture,
    /// Restrict to these jurisdictions (codes); `None` = every jurisdiction in the rulebook.
    pub jurisdictions: Option<Vec<String>>,
}

/// The classification of the item under one jurisdiction.
#[derive(Debug, Clone)]
pub struct Classification {
    pub jurisdiction: String,
    /// Labels met (computed or declared).
    pub labels: Vec<String>,
    /// Per control entry in force: its status and explanation.
    pub entries: Vec<EntryStatus>,
    pub missing: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct EntryStatus {
    pub rule_id: String,
    pub label: String,
    pub status: Tri,
    pub facts: Vec<String>,
    pub missing: Vec<String>,
    /// The note that took the item out, if any.
    pub excluded_by: Option<String>,
}

/// Everything computed for one jurisdiction before the outcome is written.
/// The most undecided classification labels a condition is tried against (2^N completions).
const MAX_UNDECIDED_LABELS: usize = 6;

struct Assessment<'r> {
    jurisdiction: &'r Jurisdiction,
    ctx: EvalContext,
    /// Missing inputs of derived facts (`item.tpp` → `item.performance`).
    derived_missing: BTreeMap<String, Vec<String>>,
    derived_done: bool,
    /// The item's kind.
    kind: String,
    entries: Vec<(&'r Rule, EntryStatus)>,
    declared: Vec<String>,
    rule_errors: Vec<String>,
    /// Open near-matches per party path (`parties.end_user` → hits), named in missing facts.
    unresolved: BTreeMap<String, Vec<String>>,
    /// Labels met and labels undecided, computed once after classification.
    met: Vec<String>,
    undecided: Vec<String>,
}

/// Determines the shipment under every jurisdiction (or those in `options`).
pub fn determine(book: &Rulebook, shipment: &Shipment, options: &Options) -> Report {
    let mut not_reached = Vec::new();
    // Reach first where it does not depend on classification: a regime that does not reach the
    // shipment is not classified at all.
    let mut pending: Vec<(Assessment, Option<ReachOutcome>)> = Vec::new();
    for j in selected(book, options) {
        let derived_targets: Vec<String> = j
            .in_force(Kind::Derived, options.as_of, options.posture)
            .filter_map(|r| r.target.as_ref().map(|t| format!("item.{t}")))
            .collect();
        let (mut reads_classification, mut reads_derived) = (false, false);
        let mut roots: BTreeSet<String> = BTreeSet::new();
        for k in [Kind::Reach, Kind::ReachExclusion] {
            for r in j.in_force(k, options.as_of, options.posture) {
                for p in r.condition.iter().flat_map(|c| c.paths()) {
                    reads_classification |= p.starts_with("classified");
                    reads_derived |= derived_targets.contains(p);
                    roots.insert(p.split('.').next().unwrap_or_default().to_string());
                }
            }
        }
        if reads_classification || reads_derived {
            let mut a = context(j, shipment, options, None);
            run_classification(&mut a, shipment, options);
            pending.push((a, None));
            continue;
        }
        // Probe reach with only the facts the reach rules read.
        let mut probe = context(j, shipment, options, Some(&roots));
        let reach = evaluate_reach(&mut probe, options);
        if let Some(n) = reach.not_reached(j) {
            not_reached.push(n);
            continue;
        }
        let mut a = context(j, shipment, options, None);
        run_classification(&mut a, shipment, options);
        pending.push((a, Some(reach)));
    }
    // Every jurisdiction's classification is visible to every other (`classified_any`).
    let all_labels: Map<String, Value> = pending
        .iter()
        .map(|(a, _)| (a.jurisdiction.code.clone(), json!(a.labels())))
        .collect();
    let mut determinations = Vec::new();
    for (mut a, reach) in pending {
        a.ctx
            .set("classified_any", Value::Object(all_labels.clone()));
        let reach = reach.unwrap_or_else(|| evaluate_reach(&mut a, options));
        if let Some(n) = reach.not_reached(a.jurisdiction) {
            not_reached.push(n);
            continue;
        }
        determinations.push(decide(book, &mut a, options, reach));
    }
    let order = |code: &str| book.jurisdictions.iter().position(|j| j.code == code);
    not_reached.sort_by_key(|n| order(&n.jurisdiction));
    Report {
        as_of: options.as_of.to_string(),
        posture: options.posture.as_str().to_string(),
        rulebook: RulebookRef {
            version: book.version.clone(),
        },
        shipment: ShipmentRef {
            id: shipment.id.clone(),
            ship_from: shipment.ship_from.clone(),
            destination: shipment.destination.clone(),
            item_kind: shipment.item.kind.clone(),
            catalog: shipment.item.catalog.clone(),
        },
        determinations,
        not_reached,
    }
}

/// Classifies the item under every jurisdiction (or those in `options`), without deciding
/// licence requirements.
pub fn classify(book: &Rulebook, shipment: &Shipment, options: &Options) -> Vec<Classification> {
    selected(book, options)
        .map(|j| {
            let mut a = context(j, shipment, options, None);
            run_classification(&mut a, shipment, options);
            let missing = a.classification_missing(book);
            Classification {
                jurisdiction: j.code.clone(),
                labels: a.labels(),
                entries: a.entries.iter().map(|(_, s)| s.clone()).collect(),
                missing,
            }
        })
        .collect()
}

fn selected<'b>(
    book: &'b Rulebook,
    options: &'b Options,
) -> impl Iterator<Item = &'b Jurisdiction> {
    book.jurisdictions.iter().filter(move |j| {
        options
            .jurisdictions
            .as_ref()
            .is_none_or(|list| list.iter().any(|c| c.eq_ignore_ascii_case(&j.code)))
    })
}

impl Assessment<'_> {
    fn labels(&self) -> Vec<String> {
        self.met.clone()
    }

    fn compute_labels(&self) -> Vec<String> {
        let mut labels: BTreeSet<String> = self
            .entries
            .iter()
            .filter(|(_, s)| s.status == Tri::True)
            .map(|(_, s)| s.label.clone())
            .collect();
        labels.extend(self.declared.iter().cloned());
        labels.into_iter().collect()
    }

    /// Status of "the item meets one of `labels`" (a label also matches its sub-paragraphs).
    fn meets_any(&self, labels: &[String]) -> (Tri, Vec<String>) {
        let matches = |have: &str| labels.iter().any(|l| label_covers(l, have));
        if self.declared.iter().any(|d| matches(d)) {
            return (Tri::True, Vec::new());
        }
        let mut status = Tri::False;
        let mut missing = Vec::new();
        for (rule, s) in &self.entries {
            if matches(&s.label) || rule.paragraph.as_deref().is_some_and(matches) {
                status = status.or(s.status);
                if s.status == Tri::Unknown {
                    missing.extend(s.missing.iter().cloned());
                }
            }
        }
        if status != Tri::Unknown {
            missing.clear();
        }
        (status, missing)
    }

    /// Labels whose classification is unknown (and not otherwise met).
    fn undecided_labels(&self) -> Vec<String> {
        self.undecided.clone()
    }

    fn compute_undecided(&self) -> Vec<String> {
        let met = &self.met;
        let mut out: BTreeSet<String> = BTreeSet::new();
        for (_, s) in &self.entries {
            if s.status == Tri::Unknown && !met.contains(&s.label) {
                out.insert(s.label.clone());
            }
        }
        out.into_iter().collect()
    }

    /// Evaluates a rule's condition. A condition that reads `classified` while some labels are
    /// undecided is tried against every completion of those labels: it is true (false) only if
    /// it is true (false) in all of them; otherwise unknown, needing the facts that would decide
    /// the labels.
    fn eval_rule(&mut self, r: &Rule, errors: &mut Vec<String>) -> Evaluation {
        let reads_classified = r
            .condition
            .as_ref()
            .is_some_and(|c| c.paths().iter().any(|p| p == "classified"));
        let undecided = if reads_classified {
            self.undecided_labels()
        } else {
            Vec::new()
        };
        // Only labels the condition can observe matter: those containing one of its string
        // literals (membership, startsWith, contains). Without literals, all labels matter.
        let literals = r
            .condition
            .as_ref()
            .map(|c| c.literals())
            .unwrap_or_default();
        let undecided: Vec<String> = if literals.is_empty() {
            undecided
        } else {
            undecided
                .into_iter()
                .filter(|l| literals.iter().any(|lit| l.contains(lit.as_str())))
                .collect()
        };
        if undecided.is_empty() {
            return eval(r, &self.ctx, errors);
        }
        let met = self.labels();
        if undecided.len() > MAX_UNDECIDED_LABELS {
            let mut missing = Vec::new();
            for (_, s) in &self.entries {
                if s.status == Tri::Unknown {
                    missing.extend(s.missing.iter().cloned());
                }
            }
            return Evaluation {
                value: Tri::Unknown,
                missing,
                error: None,
            };
        }
        let mut values = BTreeSet::new();
        let mut missing = BTreeSet::new();
        let mut first_error = None;
        for mask in 0u32..(1 << undecided.len()) {
            let mut labels = met.clone();
            labels.extend(
                undecided
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << i) != 0)
                    .map(|(_, l)| l.clone()),
            );
            self.ctx.set("classified", json!(labels));
            let ev = eval(r, &self.ctx, &mut Vec::new());
            if first_error.is_none() {
                first_error = ev.error.clone();
            }
            values.insert(format!("{:?}", ev.value));
            missing.extend(ev.missing);
        }
        self.ctx.set("classified", json!(met));
        if let Some(e) = &first_error {
            errors.push(format!("{} ({}:{}): {e}", r.id, r.file, r.line));
        }
        let value = match (values.len(), values.iter().next().map(String::as_str)) {
            (1, Some("True")) => Tri::True,
            (1, Some("False")) => Tri::False,
            _ => Tri::Unknown,
        };
        if value == Tri::Unknown {
            for (_, s) in &self.entries {
                if s.status == Tri::Unknown {
                    missing.extend(s.missing.iter().cloned());
                }
            }
        }
        Evaluation {
            value,
            missing: missing.into_iter().collect(),
            error: None,
        }
    }

    fn classification_missing(&self, book: &Rulebook) -> Vec<String> {
        let raw: Vec<String> = self
            .entries
            .iter()
            .filter(|(_, s)| s.status == Tri::Unknown)
            .flat_map(|(_, s)| s.missing.iter().cloned())
            .collect();
        self.describe_missing(book, raw)
    }

    /// Expands derived facts into the inputs they need and describes each fact.
    fn describe_missing(
        &self,
        book: &Rulebook,
        raw: impl IntoIterator<Item = String>,
    ) -> Vec<String> {
        let mut out = BTreeSet::new();
        let mut stack: Vec<String> = raw.into_iter().collect();
        let mut seen = BTreeSet::new();
        while let Some(path) = stack.pop() {
            if !seen.insert(path.clone()) {
                continue;
            }
            if let Some(inputs) = self.derived_missing.get(&path) {
                stack.extend(inputs.iter().cloned());
                continue;
            }
            if path == "classified" {
                for (_, s) in &self.entries {
                    if s.status == Tri::Unknown {
                        stack.extend(s.missing.iter().cloned());
                    }
                }
                continue;
            }
            let path = path
                .strip_suffix("_groups")
                .map(str::to_string)
                .unwrap_or(path);
            let path = if path.ends_with(".groups") {
                path.replace(".groups", ".country")
            } else {
                path
            };
            let hits = path
                .strip_suffix(".lists")
                .and_then(|party| self.unresolved.get(party))
                .or_else(|| {
                    // `any_party.lists` is unknown when any party's status is.
                    (path.starts_with("any_party."))
                        .then(|| self.unresolved.values().next())
                        .flatten()
                });
            match (hits, book.vocabulary.describe_fact(&path)) {
                (Some(hits), _) => out.insert(format!(
                    "{path}: possible list match, needs review: {}",
                    hits.join("; ")
                )),
                (None, Some(doc)) => out.insert(format!("{path}: {doc}")),
                (None, None) => out.insert(path),
            };
        }
        out.into_iter().collect()
    }
}

/// The evaluation context of one jurisdiction, with derived quantities; not yet classified.
/// `only`: bind only these context variables (a probe for rules that read few of them).
fn context<'r>(
    j: &'r Jurisdiction,
    s: &Shipment,
    o: &Options,
    only: Option<&BTreeSet<String>>,
) -> Assessment<'r> {
    let (date, posture) = (o.as_of, o.posture);
    let want = |name: &str| only.is_none_or(|set| set.contains(name));
    let memo: std::cell::RefCell<BTreeMap<String, Value>> = Default::default();
    let country = |c: &str| -> Value {
        if let Some(v) = memo.borrow().get(c) {
            return v.clone();
        }
        let treated = j
            .treated_as(c, date, posture)
            .and_then(|r| r.treated_as.clone())
            .unwrap_or_else(|| c.to_string());
        let v = json!({ "country": c, "treated_as": treated, "groups": j.groups_of(&treated, date, posture) });
        memo.borrow_mut().insert(c.to_string(), v.clone());
        v
    };
    let groups = |c: &str| -> Value { country(c)["groups"].clone() };

    let mut ctx = EvalContext::new();
    if want("as_of") {
        ctx.set("as_of", json!(date.to_string()));
    }
    if want("posture") {
        ctx.set("posture", json!(posture.as_str()));
    }
    if want("jurisdiction") {
        ctx.set("jurisdiction", json!(j.code));
    }
    if want("ship_from") {
        ctx.set("ship_from", country(&s.ship_from));
    }
    if want("destination") {
        ctx.set("destination", country(&s.destination));
    }

    let party_value = |p: &Party| -> Value {
        let mut m = Map::new();
        if let Some(n) = &p.name {
            m.insert("name".into(), json!(n));
        }
        for (key, val) in [
            ("country", &p.country),
            ("headquarters", &p.headquarters),
            ("parent_headquarters", &p.parent_headquarters),
        ] {
            if let Some(c) = val {
                m.insert(key.into(), json!(c));
                let gkey = if key == "country" {
                    "groups".to_string()
                } else {
                    format!("{key}_groups")
                };
                m.insert(gkey, groups(c));
            }
        }
        if let Some(lists) = &p.lists {
            m.insert(
                "lists".into(),
                json!(lists.iter().map(|l| &l.list).collect::<Vec<_>>()),
            );
            let mut fns: Vec<u8> = lists
                .iter()
                .flat_map(|l| l.footnotes.iter().copied())
                .collect();
            fns.sort_unstable();
            fns.dedup();
            m.insert("entity_list_footnotes".into(), json!(fns));
        }
        if let Some(b) = p.owned_50pct_by_listed {
            m.insert("owned_50pct_by_listed".into(), json!(b));
        }
        Value::Object(m)
    };
    if want("parties") {
        let mut parties = Map::new();
        for (role, p) in s.parties.iter() {
            if role == "intermediate_consignee" {
                continue;
            }
            parties.insert(role.into(), party_value(p));
        }
        parties.insert(
            "intermediate_consignees".into(),
            Value::Array(
                s.parties
                    .intermediate_consignees
                    .iter()
                    .map(party_value)
                    .collect(),
            ),
        );
        ctx.set("parties", Value::Object(parties));
    }

    // A convenience view over all parties; present only where every party gives the fact.
    if want("any_party") {
        let all: Vec<&Party> = s.parties.iter().map(|(_, p)| p).collect();
        let mut any = Map::new();
        if !all.is_empty() && all.iter().all(|p| p.lists.is_some()) {
            let mut lists = BTreeSet::new();
            let mut fns = BTreeSet::new();
            for p in &all {
                for l in p.lists.iter().flatten() {
                    lists.insert(l.list.clone());
                    fns.extend(l.footnotes.iter().copied());
                }
            }
            any.insert("lists".into(), json!(lists));
            any.insert("entity_list_footnotes".into(), json!(fns));
        }
        if !all.is_empty()
            && all
                .iter()
                .all(|p| p.headquarters.is_some() && p.parent_headquarters.is_some())
        {
            let mut hq = BTreeSet::new();
            for p in &all {
                for c in [&p.headquarters, &p.parent_headquarters]
                    .into_iter()
                    .flatten()
                {
                    if let Value::Array(g) = groups(c) {
                        hq.extend(g.into_iter().filter_map(|v| v.as_str().map(str::to_string)));
                    }
                    hq.insert(format!("country:{c}"));
                }
            }
            any.insert("headquarters_groups".into(), json!(hq));
        }
        ctx.set("any_party", Value::Object(any));
    }

    if !want("exporter") {
    } else if let Some(e) = &s.exporter {
        let mut m = Map::new();
        if let Some(b) = e.us_person {
            m.insert("us_person".into(), json!(b));
        }
        if let Some(b) = e.natural_person {
            m.insert("natural_person".into(), json!(b));
        }
        for (key, val) in [
            ("headquarters", &e.headquarters),
            ("parent_headquarters", &e.parent_headquarters),
        ] {
            if let Some(c) = val {
                m.insert(key.into(), json!(c));
                m.insert(format!("{key}_groups"), groups(c));
            }
        }
        ctx.set("exporter", Value::Object(m));
    } else {
        ctx.set("exporter", json!({}));
    }
    // Undeclared end uses stay unbound: reading them is an absent fact.
    if let (true, Some(e)) = (want("end_uses"), &s.end_uses) {
        ctx.set("end_uses", json!(e));
    }
    if want("informed") {
        ctx.set("informed", json!(s.informed));
    }

    if want("item") {
        let mut item = s.item.facts.clone();
        item.insert("kind".into(), json!(s.item.kind));
        if let Some(c) = &s.item.catalog {
            item.insert("catalog".into(), json!(c));
        }
        ctx.set("item", Value::Object(item));
    }
    Assessment {
        jurisdiction: j,
        ctx,
        derived_missing: BTreeMap::new(),
        derived_done: false,
        kind: s.item.kind.clone(),
        unresolved: s
            .parties
            .iter()
            .filter(|(_, p)| !p.unresolved_matches.is_empty())
            .map(|(role, p)| {
                let path = if role == "intermediate_consignee" {
                    "parties.intermediate_consignees".to_string()
                } else {
                    format!("parties.{role}")
                };
                (path, p.unresolved_matches.clone())
            })
            .collect(),
        entries: Vec::new(),
        declared: s
            .item
            .classifications
            .get(&j.code)
            .cloned()
            .unwrap_or_default(),
        rule_errors: Vec::new(),
        met: Vec::new(),
        undecided: Vec::new(),
    }
}

/// Derived quantities, in file order; a given value wins over a derived one. The item is rebound
/// in the context only when a later expression reads a value derived before it, and at the end.
fn run_derived(a: &mut Assessment, o: &Options) {
    if a.derived_done {
        return;
    }
    a.derived_done = true;
    let j = a.jurisdiction;
    let Some(Value::Object(mut item)) = a.ctx.var("item").cloned() else {
        return;
    };
    let mut pending: Vec<String> = Vec::new();
    for r in j.in_force(Kind::Derived, o.as_of, o.posture) {
        let (Some(target), Some(expr)) = (&r.target, &r.expr) else {
            continue;
        };
        if item.contains_key(target) {
            continue;
        }
        if expr.paths().iter().any(|p| pending.iter().any(|t| p == t)) {
            a.ctx.set("item", Value::Object(item.clone()));
            pending.clear();
        }
        match expr.value(&a.ctx) {
            Ok(v) if !v.is_null() => {
                item.insert(target.clone(), v);
                pending.push(format!("item.{target}"));
            }
            Ok(_) => {}
            Err(ev) => {
                if let Some(e) = ev.error {
                    // e.g. division by zero or an empty list: not a missing fact, but not a value.
                    a.rule_errors
                        .push(format!("{} ({}:{}): {e}", r.id, r.file, r.line));
                }
                a.derived_missing
                    .insert(format!("item.{target}"), ev.missing);
            }
        }
    }
    if !pending.is_empty() {
        a.ctx.set("item", Value::Object(item));
    }
}

/// Classification: control entries, then the notes that take items out.
fn run_classification(a: &mut Assessment, _s: &Shipment, o: &Options) {
    run_derived(a, o);
    let (date, posture) = (o.as_of, o.posture);
    let j = a.jurisdiction;
    let ctx = &a.ctx;
    let mut rule_errors = std::mem::take(&mut a.rule_errors);
    let mut entries: Vec<(&Rule, EntryStatus)> = Vec::new();
    let kind = a.kind.clone();
    for r in j.in_force(Kind::ControlEntry, date, posture) {
        // An entry whose condition requires another item kind is false without evaluating it.
        let ev = match r.condition.as_ref().and_then(|c| c.item_kinds()) {
            Some(kinds) if !kinds.contains(&kind) => Evaluation {
                value: Tri::False,
                missing: Vec::new(),
                error: None,
            },
            _ => eval(r, ctx, &mut rule_errors),
        };
        entries.push((
            r,
            EntryStatus {
                rule_id: r.id.clone(),
                label: r.label().to_string(),
                status: ev.value,
                // Explanations are only written for entries that are met (or may be).
                facts: if ev.value == Tri::False {
                    Vec::new()
                } else {
                    facts(r.condition.as_ref(), ctx)
                },
                missing: ev.missing,
                excluded_by: None,
            },
        ));
    }
    for note in j.in_force(Kind::ControlNote, date, posture) {
        let targets: Vec<usize> = entries
            .iter()
            .enumerate()
            .filter(|(_, (r, s))| note.excludes.contains(&r.id) && s.status != Tri::False)
            .map(|(i, _)| i)
            .collect();
        if targets.is_empty() {
            continue;
        }
        let ev = eval(note, ctx, &mut rule_errors);
        for i in targets {
            let s = &mut entries[i].1;
            match ev.value {
                Tri::True => {
                    s.status = Tri::False;
                    s.excluded_by = Some(note.id.clone());
                }
                Tri::Unknown => {
                    // Met unless the note applies, and whether it applies is unknown.
                    s.status = Tri::Unknown;
                    s.missing.extend(ev.missing.iter().cloned());
                    s.excluded_by = Some(format!("{} (unknown)", note.id));
                }
                Tri::False => {}
            }
        }
    }
    a.entries = entries;
    a.rule_errors = rule_errors;
    a.met = a.compute_labels();
    a.undecided = a.compute_undecided();
    let labels = a.labels();
    a.ctx.set("classified", json!(labels));
}

/// Whether classification label `label` covers `have`: equal, or `have` is a sub-paragraph of it.
fn label_covers(label: &str, have: &str) -> bool {
    have == label
        || (have.len() > label.len()
            && have.starts_with(label)
            && have.as_bytes()[label.len()] == b'.')
}

fn eval(r: &Rule, ctx: &EvalContext, errors: &mut Vec<String>) -> Evaluation {
    let ev = match &r.condition {
        Some(c) => c.eval(ctx),
        None => Evaluation {
            value: Tri::True,
            missing: Vec::new(),
            error: None,
        },
    };
    if let Some(e) = &ev.error {
        errors.push(format!("{} ({}:{}): {e}", r.id, r.file, r.line));
    }
    ev
}

fn facts(c: Option<&Condition>, ctx: &EvalContext) -> Vec<String> {
    c.map(|c| {
        c.explain(ctx)
            .into_iter()
            .filter(|(p, _)| {
                !matches!(
                    p.as_str(),
                    "item.kind" | "as_of" | "posture" | "jurisdiction"
                )
            })
            .map(|(p, v)| format!("{p} = {v}"))
            .collect()
    })
    .unwrap_or_default()
}

fn reason(r: &Rule, kind: &str, text: String, facts: Vec<String>) -> Reason {
    Reason {
        rule: r.id.clone(),
        cite: r.cite(),
        text,
        kind: kind.to_string(),
        confidence: r.confidence.as_str().to_string(),
        facts,
    }
}

/// Whether a regime reaches the shipment, with why.
struct ReachOutcome {
    value: Tri,
    excluded: bool,
    reasons: Vec<Reason>,
    why_not: Vec<Reason>,
    missing: Vec<String>,
    relied: Vec<Confidence>,
    rule_errors: Vec<String>,
}

impl ReachOutcome {
    fn not_reached(&self, j: &Jurisdiction) -> Option<NotReached> {
        (self.excluded || self.value == Tri::False).then(|| NotReached {
            jurisdiction: j.code.clone(),
            law: j.law.clone(),
            why: self.why_not.clone(),
        })
    }
}

fn evaluate_reach(a: &mut Assessment, o: &Options) -> ReachOutcome {
    let (date, posture) = (o.as_of, o.posture);
    let j = a.jurisdiction;
    let mut out = ReachOutcome {
        value: Tri::False,
        excluded: false,
        reasons: Vec::new(),
        why_not: Vec::new(),
        missing: Vec::new(),
        relied: Vec::new(),
        rule_errors: Vec::new(),
    };
    let mut reach = Tri::False;
    let mut not_met: Vec<&Rule> = Vec::new();
    for r in j.in_force(Kind::Reach, date, posture) {
        let ev = a.eval_rule(r, &mut out.rule_errors);
        match ev.value {
            Tri::True => {
                out.relied.push(r.confidence);
                out.reasons.push(reason(
                    r,
                    "reach",
                    r.title.clone(),
                    facts(r.condition.as_ref(), &a.ctx),
                ));
            }
            Tri::Unknown => out.missing.extend(ev.missing),
            Tri::False => not_met.push(r),
        }
        reach = reach.or(ev.value);
    }
    // Exclusions from the regime's scope (e.g. a shipment that is not an export at all).
    let mut excluded = Tri::False;
    let mut excluded_why = Vec::new();
    for r in j.in_force(Kind::ReachExclusion, date, posture) {
        let ev = a.eval_rule(r, &mut out.rule_errors);
        match ev.value {
            Tri::True => excluded_why.push(reason(
                r,
                "reach",
                format!("excluded: {}", r.title),
                facts(r.condition.as_ref(), &a.ctx),
            )),
            Tri::Unknown => out.missing.extend(ev.missing),
            Tri::False => {}
        }
        excluded = excluded.or(ev.value);
    }
    if excluded == Tri::True {
        out.excluded = true;
        out.why_not = excluded_why;
    } else if reach == Tri::False {
        // Why not: only written when the regime does not reach the shipment.
        out.why_not = not_met
            .into_iter()
            .map(|r| {
                reason(
                    r,
                    "reach",
                    format!("not met: {}", r.title),
                    facts(r.condition.as_ref(), &a.ctx),
                )
            })
            .collect();
    }
    out.value = reach.and(match excluded {
        Tri::False => Tri::True,
        _ => Tri::Unknown,
    });
    if out.value == Tri::Unknown {
        out.relied
            .extend(j.in_force(Kind::Reach, date, posture).map(|r| r.confidence));
    }
    out
}

fn decide(book: &Rulebook, a: &mut Assessment, o: &Options, reach: ReachOutcome) -> Determination {
    let (date, posture) = (o.as_of, o.posture);
    let j = a.jurisdiction;
    let mut relied: Vec<Confidence> = Vec::new();
    let mut reasons = Vec::new();
    let mut missing_raw: Vec<String> = Vec::new();
    let mut rule_errors = std::mem::take(&mut a.rule_errors);

    // 1. Reach (evaluated before).
    rule_errors.extend(reach.rule_errors);
    reasons.extend(reach.reasons);
    relied.extend(reach.relied);
    let reach_value = reach.value;
    if reach_value == Tri::Unknown {
        missing_raw.extend(reach.missing);
    }

    // 2. Classification.
    let classifications = a.labels();
    let mut undecided = Vec::new();
    for (r, s) in &a.entries {
        match s.status {
            Tri::True => {
                relied.push(r.confidence);
                reasons.push(reason(
                    r,
                    "classification",
                    format!("meets {}: {}", s.label, r.title),
                    s.facts.clone(),
                ));
            }
            Tri::Unknown => undecided.push(Undecided {
                classification: s.label.clone(),
                rule: r.id.clone(),
                missing: a.describe_missing(book, s.missing.clone()),
            }),
            Tri::False => {
                if let Some(note) = &s.excluded_by {
                    if let Some(n) = j.rules.iter().find(|n| &n.id == note) {
                        reasons.push(reason(
                            n,
                            "note",
                            format!("{} does not apply: {}", s.label, n.title),
                            facts(n.condition.as_ref(), &a.ctx),
                        ));
                        relied.push(n.confidence);
                    }
                }
            }
        }
    }
    for d in &a.declared {
        reasons.push(Reason {
            rule: "declared".into(),
            cite: "classification declared in the shipment".into(),
            text: format!("{d} (declared by the exporter, not derived by chokepoint)"),
            kind: "classification".into(),
            confidence: "declared".into(),
            facts: Vec::new(),
        });
    }

    // 3–5. Licence requirements: by classification, end use and end user.
    let mut holding: Vec<&Rule> = Vec::new();
    let mut any_unknown = reach_value == Tri::Unknown;
    for r in j.in_force(Kind::LicenceRequirement, date, posture) {
        let (applies, applies_missing) = match &r.applies_to {
            None => (Tri::True, Vec::new()),
            Some(labels) => a.meets_any(labels),
        };
        if applies == Tri::False {
            continue;
        }
        let ev = a.eval_rule(r, &mut rule_errors);
        let status = reach_value.and(applies).and(ev.value);
        match status {
            Tri::True => {
                holding.push(r);
                relied.push(r.confidence);
                let mut text = r.title.clone();
                if let Some(reason_code) = &r.reason {
                    text = format!("[{reason_code}] {text}");
                }
                reasons.push(reason(
                    r,
                    "requirement",
                    text,
                    facts(r.condition.as_ref(), &a.ctx),
                ));
            }
            Tri::Unknown => {
                any_unknown = true;
                relied.push(r.confidence);
                if applies == Tri::Unknown {
                    missing_raw.extend(applies_missing);
                }
                missing_raw.extend(ev.missing);
            }
            Tri::False => relied.push(r.confidence),
        }
    }

    // 6. Review policy: per requirement, the highest-priority true policy record; overall the strictest.
    let mut policy: Option<(u8, String)> = None;
    for req in &holding {
        let mut best: Option<(i64, u8, &Rule)> = None;
        for p in j.in_force(Kind::ReviewPolicy, date, posture) {
            if !p.applies_to_requirements.contains(&req.id) {
                continue;
            }
            let ev = a.eval_rule(p, &mut rule_errors);
            if ev.value != Tri::True {
                continue;
            }
            let rank = p.policy.as_deref().and_then(policy_rank).unwrap_or(0);
            if best.is_none_or(|(pr, rk, _)| (p.priority, rank) > (pr, rk)) {
                best = Some((p.priority, rank, p));
            }
        }
        let chosen: Option<String> = match best {
            Some((_, _, p)) => {
                relied.push(p.confidence);
                let name = p.policy.clone().unwrap_or_default();
                reasons.push(reason(
                    p,
                    "policy",
                    format!("{} for {}: {}", name.replace('_', " "), req.id, p.title),
                    facts(p.condition.as_ref(), &a.ctx),
                ));
                Some(name)
            }
            None => req.policy.as_ref().and_then(|p| {
                if policy_rank(p).is_some() {
                    Some(p.clone())
                } else {
                    j.rules
                        .iter()
                        .find(|r| &r.id == p)
                        .and_then(|r| r.policy.clone())
                }
            }),
        };
        if let Some(name) = chosen {
            let rank = policy_rank(&name).unwrap_or(0);
            if policy.as_ref().is_none_or(|(r, _)| rank > *r) {
                policy = Some((rank, name));
            }
        }
    }

    // 7. Licence exceptions that may overcome the requirements that hold.
    let mut exceptions = Vec::new();
    for x in j.in_force(Kind::LicenceException, date, posture) {
        let overcomes: Vec<String> = holding
            .iter()
            .filter(|h| x.applies_to_requirements.contains(&h.id))
            .map(|h| h.id.clone())
            .collect();
        if overcomes.is_empty() {
            continue;
        }
        let ev = a.eval_rule(x, &mut rule_errors);
        let status = match ev.value {
            Tri::True => "available",
            Tri::Unknown => "possibly_available",
            Tri::False => continue,
        };
        exceptions.push(ExceptionOption {
            code: x.code.clone().unwrap_or_default(),
            rule: x.id.clone(),
            cite: x.cite(),
            title: x.title.clone(),
            status: status.into(),
            conditions: x.conditions_text.clone(),
            overcomes,
            missing: a.describe_missing(book, ev.missing),
        });
    }

    // 8. Outcome.
    let outcome = if !holding.is_empty() {
        Outcome::LicenceRequired
    } else if any_unknown {
        Outcome::Undetermined
    } else {
        Outcome::NoLicenceRequired
    };
    let missing = a.describe_missing(book, missing_raw);
    let confidence = relied
        .into_iter()
        .min()
        .unwrap_or(Confidence::Verified)
        .as_str()
        .to_string();
    Determination {
        jurisdiction: j.code.clone(),
        law: j.law.clone(),
        outcome,
        licence_required: match outcome {
            Outcome::LicenceRequired => Some(true),
            Outcome::NoLicenceRequired => Some(false),
            Outcome::Undetermined => None,
        },
        classifications,
        reasons,
        policy: policy.map(|(_, p)| p),
        exceptions,
        missing,
        confidence,
        undecided_classifications: undecided,
        rule_errors,
    }
}

fn policy_rank(p: &str) -> Option<u8> {
    chokepoint_rulebook::policy_rank(p)
}
