//! CEL conditions in three-valued logic.
//!
//! CEL's `&&` and `||` are commutative over errors (`error || true == true`, `error && false ==
//! false`), which is Kleene's logic when "error" stands for "a needed fact is absent". A condition
//! whose result is an error is therefore *unknown*; the facts it read that the context does not
//! hold are reported as missing.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use cel::common::ast::{EntryExpr, Expr};
use cel::objects::Value as CelValue;
use cel::{Context, IdedExpr, Program};
use serde_json::Value;

/// The names a condition may read (documented in `docs/rulebook.md`).
pub const CONTEXT_VARIABLES: &[&str] = &[
    "as_of",
    "posture",
    "jurisdiction",
    "ship_from",
    "destination",
    "item",
    "parties",
    "any_party",
    "end_uses",
    "informed",
    "exporter",
    "classified",
    "classified_any",
];

/// Functions a condition may call: CEL's standard ones we rely on, and `max`, `min`, `sum`.
const FUNCTIONS: &[&str] = &[
    "size",
    "contains",
    "startsWith",
    "endsWith",
    "matches",
    "has",
    "all",
    "exists",
    "exists_one",
    "map",
    "filter",
    "int",
    "uint",
    "double",
    "string",
    "bool",
    "type",
    "dyn",
    "max",
    "min",
    "sum",
    "lowerAscii",
    "upperAscii",
    "trim",
    "split",
    "join",
    "timestamp",
    "duration",
];

/// Three-valued truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tri {
    True,
    False,
    Unknown,
}

impl Tri {
    pub fn and(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::False, _) | (_, Tri::False) => Tri::False,
            (Tri::True, Tri::True) => Tri::True,
            _ => Tri::Unknown,
        }
    }
    pub fn or(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::True, _) | (_, Tri::True) => Tri::True,
            (Tri::False, Tri::False) => Tri::False,
            _ => Tri::Unknown,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Tri::True => "true",
            Tri::False => "false",
            Tri::Unknown => "unknown",
        }
    }
}

/// The result of evaluating a condition.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub value: Tri,
    /// Facts (dotted paths) whose absence made the value unknown.
    pub missing: Vec<String>,
    /// An evaluation error that is not a missing fact (a defect in the rule): reported, and the
    /// value is unknown so that it can never clear a shipment.
    pub error: Option<String>,
}

/// A compiled CEL expression with the fact paths it reads.
pub struct Condition {
    pub source: String,
    program: Program,
    /// Dotted paths rooted at context variables, e.g. `item.tpp`, `destination.groups`.
    paths: Vec<String>,
    /// The string literals the expression contains (e.g. `'3A090.a'`, `'D:5'`).
    literals: Vec<String>,
    /// When the expression is a conjunction with a conjunct `item.kind == 'k'` (or
    /// `item.kind in ['k1', 'k2']`), the kinds it can be true for.
    item_kinds: Option<Vec<String>>,
}

impl std::fmt::Debug for Condition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Condition")
            .field("source", &self.source)
            .finish()
    }
}

impl Condition {
    /// Compiles `source`, refusing syntax errors and names outside the evaluation context.
    pub fn compile(source: &str) -> Result<Condition, String> {
        let program = Program::compile(source).map_err(|e| format!("CEL does not parse: {e}"))?;
        let mut paths = BTreeSet::new();
        let mut unknown = BTreeSet::new();
        collect(
            program.expression(),
            &mut Vec::new(),
            &mut paths,
            &mut unknown,
        );
        let mut literals = BTreeSet::new();
        string_literals(program.expression(), &mut literals);
        let item_kinds = kind_gate(program.expression());
        if let Some(name) = unknown.into_iter().next() {
            return Err(format!(
                "CEL names `{name}`, which is not in the evaluation context (known: {})",
                CONTEXT_VARIABLES.join(", ")
            ));
        }
        for f in program.references().functions() {
            let operator =
                f.starts_with('_') || f.starts_with('@') || f.starts_with('!') || f == "in";
            if !operator && !FUNCTIONS.contains(&f) {
                return Err(format!(
                    "CEL calls `{f}`, which is not an available function"
                ));
            }
        }
        Ok(Condition {
            source: source.to_string(),
            program,
            paths: paths.into_iter().collect(),
            literals: literals.into_iter().collect(),
            item_kinds,
        })
    }

    /// The fact paths this expression reads.
    pub fn paths(&self) -> &[String] {
        &self.paths
    }

    /// The item kinds the condition can be true for, if it says so in a top-level conjunct
    /// (`item.kind == 'k' && ...`); `None` when it does not restrict the kind that way.
    pub fn item_kinds(&self) -> Option<&[String]> {
        self.item_kinds.as_deref()
    }

    /// The string literals in the expression.
    pub fn literals(&self) -> &[String] {
        &self.literals
    }

    /// Evaluates as a boolean condition.
    pub fn eval(&self, ctx: &EvalContext) -> Evaluation {
        match self.program.execute(&ctx.cel) {
            Ok(CelValue::Bool(b)) => Evaluation {
                value: if b { Tri::True } else { Tri::False },
                missing: Vec::new(),
                error: None,
            },
            Ok(other) => Evaluation {
                value: Tri::Unknown,
                missing: Vec::new(),
                error: Some(format!(
                    "condition `{}` gave {other:?}, not a boolean",
                    self.source
                )),
            },
            Err(e) => self.unknown(ctx, e),
        }
    }

    /// Evaluates as a value (for derived quantities). `Err` carries the evaluation with the
    /// missing facts.
    pub fn value(&self, ctx: &EvalContext) -> Result<Value, Evaluation> {
        match self.program.execute(&ctx.cel) {
            Ok(v) => cel_to_json(&v).ok_or_else(|| Evaluation {
                value: Tri::Unknown,
                missing: Vec::new(),
                error: Some(format!(
                    "expression `{}` gave {v:?}, not a value",
                    self.source
                )),
            }),
            Err(e) => Err(self.unknown(ctx, e)),
        }
    }

    fn unknown(&self, ctx: &EvalContext, e: cel::ExecutionError) -> Evaluation {
        let missing: Vec<String> = self
            .paths
            .iter()
            .filter_map(|p| ctx.first_absent(p))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let error = if missing.is_empty() {
            Some(format!("evaluating `{}`: {e:?}", self.source))
        } else {
            None
        };
        Evaluation {
            value: Tri::Unknown,
            missing,
            error,
        }
    }

    /// The values of the facts this expression reads, for explanations (`item.tpp = 15832`).
    pub fn explain(&self, ctx: &EvalContext) -> Vec<(String, String)> {
        self.paths
            .iter()
            .filter_map(|p| ctx.get(p).map(|v| (p.clone(), show(v))))
            .collect()
    }
}

fn show(v: &Value) -> String {
    match v {
        Value::Number(n) => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", f as i64)
            } else {
                let s = format!("{f:.4}");
                s.trim_end_matches('0').trim_end_matches('.').to_string()
            }
        }
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Collects the dotted paths an expression reads and the free names outside the context.
fn collect(
    e: &IdedExpr,
    bound: &mut Vec<String>,
    paths: &mut BTreeSet<String>,
    unknown: &mut BTreeSet<String>,
) {
    if let Some(path) = select_path(e) {
        let root = path.split('.').next().unwrap_or_default();
        if bound.iter().any(|b| b == root) {
            return;
        }
        if CONTEXT_VARIABLES.contains(&root) {
            paths.insert(path);
        } else {
            unknown.insert(root.to_string());
        }
        return;
    }
    match &e.expr {
        Expr::Call(call) => {
            if let Some(t) = &call.target {
                collect(t, bound, paths, unknown);
            }
            for a in &call.args {
                collect(a, bound, paths, unknown);
            }
        }
        Expr::Select(s) => collect(&s.operand, bound, paths, unknown),
        Expr::List(l) => l
            .elements
            .iter()
            .for_each(|x| collect(x, bound, paths, unknown)),
        Expr::Map(m) => {
            for entry in &m.entries {
                if let EntryExpr::MapEntry(me) = &entry.expr {
                    collect(&me.key, bound, paths, unknown);
                    collect(&me.value, bound, paths, unknown);
                }
            }
        }
        Expr::Struct(s) => {
            for entry in &s.entries {
                if let EntryExpr::StructField(f) = &entry.expr {
                    collect(&f.value, bound, paths, unknown);
                }
            }
        }
        Expr::Comprehension(c) => {
            collect(&c.iter_range, bound, paths, unknown);
            collect(&c.accu_init, bound, paths, unknown);
            bound.push(c.iter_var.clone());
            bound.push(c.accu_var.clone());
            collect(&c.loop_cond, bound, paths, unknown);
            collect(&c.loop_step, bound, paths, unknown);
            collect(&c.result, bound, paths, unknown);
            bound.pop();
            bound.pop();
        }
        Expr::Ident(_) | Expr::Literal(_) | Expr::Unspecified => {}
        #[allow(unreachable_patterns)]
        _ => {}
    }
}

/// The kinds allowed by a top-level conjunct on `item.kind`, if there is one.
fn kind_gate(e: &IdedExpr) -> Option<Vec<String>> {
    let Expr::Call(call) = &e.expr else {
        return None;
    };
    let is_item_kind = |x: &IdedExpr| select_path(x).as_deref() == Some("item.kind");
    let string = |x: &IdedExpr| match &x.expr {
        Expr::Literal(cel::common::ast::LiteralValue::String(s)) => Some(s.inner().to_string()),
        _ => None,
    };
    match (call.func_name.as_str(), call.args.as_slice()) {
        ("_&&_", [a, b]) => kind_gate(a).or_else(|| kind_gate(b)),
        ("_==_", [a, b]) if is_item_kind(a) => string(b).map(|k| vec![k]),
        ("_==_", [a, b]) if is_item_kind(b) => string(a).map(|k| vec![k]),
        ("@in", [a, b]) if is_item_kind(a) => match &b.expr {
            Expr::List(l) => l.elements.iter().map(string).collect(),
            _ => None,
        },
        _ => None,
    }
}

fn string_literals(e: &IdedExpr, out: &mut BTreeSet<String>) {
    match &e.expr {
        Expr::Literal(cel::common::ast::LiteralValue::String(s)) => {
            out.insert(s.inner().to_string());
        }
        Expr::Call(call) => {
            call.target.iter().for_each(|t| string_literals(t, out));
            call.args.iter().for_each(|a| string_literals(a, out));
        }
        Expr::Select(s) => string_literals(&s.operand, out),
        Expr::List(l) => l.elements.iter().for_each(|x| string_literals(x, out)),
        Expr::Map(m) => {
            for entry in &m.entries {
                if let EntryExpr::MapEntry(me) = &entry.expr {
                    string_literals(&me.key, out);
                    string_literals(&me.value, out);
                }
            }
        }
        Expr::Comprehension(c) => {
            for x in [
                &c.iter_range,
                &c.accu_init,
                &c.loop_cond,
                &c.loop_step,
                &c.result,
            ] {
                string_literals(x, out);
            }
        }
        _ => {}
    }
}

/// `a.b.c` for a chain of field selections rooted at an identifier.
fn select_path(e: &IdedExpr) -> Option<String> {
    match &e.expr {
        Expr::Ident(name) => Some(name.clone()),
        Expr::Select(s) => select_path(&s.operand).map(|p| format!("{p}.{}", s.field)),
        _ => None,
    }
}

/// The facts a condition is evaluated against: a JSON tree (for presence checks and explanations)
/// and the same tree bound as CEL variables.
pub struct EvalContext {
    root: serde_json::Map<String, Value>,
    cel: Context<'static, 'static>,
}

impl Default for EvalContext {
    fn default() -> Self {
        Self::new()
    }
}

impl EvalContext {
    pub fn new() -> EvalContext {
        // Building CEL's standard environment registers hundreds of overloads: do it once.
        static ENV: std::sync::OnceLock<Arc<cel::Env>> = std::sync::OnceLock::new();
        let env = ENV.get_or_init(|| Arc::new(cel::Env::stdlib()));
        let mut cel = Context::with_env(env.clone());
        // These names are ours; a clash would be a programming error caught by tests.
        cel.add_function("max", cel::functions::max).expect("max");
        cel.add_function("min", cel::functions::min).expect("min");
        cel.add_function("sum", sum).expect("sum");
        EvalContext {
            root: serde_json::Map::new(),
            cel,
        }
    }

    /// Binds (or rebinds) a context variable.
    pub fn set(&mut self, name: &str, value: Value) {
        debug_assert!(
            CONTEXT_VARIABLES.contains(&name),
            "unknown context variable {name}"
        );
        self.cel.add_variable_as_val(name, json_to_val(&value));
        self.root.insert(name.to_string(), value);
    }

    /// Removes a variable: reading it is then an absent fact (unknown), not an empty value.
    pub fn unset(&mut self, name: &str) {
        if self.root.remove(name).is_some() {
            // CEL contexts cannot forget a variable; rebuild one without it.
            let mut fresh = EvalContext::new();
            for (k, v) in std::mem::take(&mut self.root) {
                fresh.set(&k, v);
            }
            *self = fresh;
        }
    }

    /// The JSON value bound to a variable.
    pub fn var(&self, name: &str) -> Option<&Value> {
        self.root.get(name)
    }

    /// The value at a dotted path, if present.
    pub fn get(&self, path: &str) -> Option<&Value> {
        let mut parts = path.split('.');
        let mut cur = self.root.get(parts.next()?)?;
        for p in parts {
            cur = cur.as_object()?.get(p)?;
        }
        Some(cur)
    }

    /// The shortest prefix of `path` that is absent, if any.
    fn first_absent(&self, path: &str) -> Option<String> {
        let mut prefix = String::new();
        let mut cur: Option<&Value> = None;
        for (i, p) in path.split('.').enumerate() {
            if i > 0 {
                prefix.push('.');
            }
            prefix.push_str(p);
            let next = if i == 0 {
                self.root.get(p)
            } else {
                match cur {
                    Some(Value::Object(o)) => o.get(p),
                    // Selecting into a non-object is a type matter, not an absent fact.
                    _ => return None,
                }
            };
            match next {
                Some(v) => cur = Some(v),
                None => return Some(prefix),
            }
        }
        None
    }
}

fn sum(
    cel::extractors::Arguments(args): cel::extractors::Arguments,
) -> Result<CelValue, cel::ExecutionError> {
    let items: Vec<CelValue> = match args.as_slice() {
        [CelValue::List(l)] => l.iter().cloned().collect(),
        other => other.to_vec(),
    };
    let mut total = 0.0;
    for v in items {
        total += match v {
            CelValue::Float(f) => f,
            CelValue::Int(i) => i as f64,
            CelValue::UInt(u) => u as f64,
            other => {
                return Err(cel::ExecutionError::function_error(
                    "sum",
                    format!("not a number: {other:?}"),
                ))
            }
        };
    }
    Ok(CelValue::Float(total))
}

/// JSON → a CEL value, built directly in the interpreter's own representation. Every number
/// becomes a double, so rule authors compare like with like.
fn json_to_val(v: &Value) -> Box<dyn cel::common::value::Val + 'static> {
    use cel::common::types::{CelBool, CelDouble, CelList, CelMap, CelMapKey, CelNull, CelString};
    match v {
        Value::Null => Box::new(CelNull),
        Value::Bool(b) => Box::new(CelBool::from(*b)),
        Value::Number(n) => Box::new(CelDouble::from(n.as_f64().unwrap_or(f64::NAN))),
        Value::String(s) => Box::new(CelString::from(s.clone())),
        Value::Array(a) => Box::new(CelList::from(a.iter().map(json_to_val).collect::<Vec<_>>())),
        Value::Object(o) => {
            let m: HashMap<CelMapKey<'static>, Box<dyn cel::common::value::Val + 'static>> = o
                .iter()
                .map(|(k, v)| {
                    (
                        CelMapKey::String(CelString::from(k.clone())),
                        json_to_val(v),
                    )
                })
                .collect();
            Box::new(CelMap::from(m))
        }
    }
}

/// JSON → CEL. Every number becomes a double, so rule authors compare like with like.
#[allow(dead_code)]
pub(crate) fn json_to_cel(v: &Value) -> CelValue {
    match v {
        Value::Null => CelValue::Null,
        Value::Bool(b) => CelValue::Bool(*b),
        Value::Number(n) => CelValue::Float(n.as_f64().unwrap_or(f64::NAN)),
        Value::String(s) => CelValue::String(Arc::new(s.clone())),
        Value::Array(a) => CelValue::List(Arc::new(a.iter().map(json_to_cel).collect())),
        Value::Object(o) => {
            let m: HashMap<String, CelValue> =
                o.iter().map(|(k, v)| (k.clone(), json_to_cel(v))).collect();
            CelValue::Map(m.into())
        }
    }
}

fn cel_to_json(v: &CelValue) -> Option<Value> {
    Some(match v {
        CelValue::Null => Value::Null,
        CelValue::Bool(b) => Value::Bool(*b),
        CelValue::Int(i) => Value::from(*i as f64),
        CelValue::UInt(u) => Value::from(*u as f64),
        CelValue::Float(f) => serde_json::Number::from_f64(*f).map(Value::Number)?,
        CelValue::String(s) => Value::String(s.as_ref().clone()),
        CelValue::List(l) => Value::Array(l.iter().map(cel_to_json).collect::<Option<_>>()?),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ctx(item: Value) -> EvalContext {
        let mut c = EvalContext::new();
        c.set("item", item);
        c.set(
            "destination",
            json!({"country": "CN", "groups": ["D:1", "D:4", "D:5"]}),
        );
        c
    }

    fn eval(src: &str, c: &EvalContext) -> Evaluation {
        Condition::compile(src).unwrap().eval(c)
    }

    #[test]
    fn kleene_or_and_and_over_missing_facts() {
        let c = ctx(json!({"tpp": 150.0}));
        assert_eq!(eval("item.tpp >= 100", &c).value, Tri::True);
        assert_eq!(eval("item.tpp >= 200", &c).value, Tri::False);
        let e = eval("item.tpp >= 40 && item.performance_density >= 2.5", &c);
        assert_eq!(e.value, Tri::Unknown);
        assert_eq!(e.missing, vec!["item.performance_density".to_string()]);
        assert_eq!(
            eval("item.performance_density >= 2.5 || item.tpp >= 100", &c).value,
            Tri::True
        );
        assert_eq!(
            eval("item.performance_density >= 2.5 && item.tpp >= 200", &c).value,
            Tri::False
        );
    }

    #[test]
    fn group_membership_and_comprehensions() {
        let c = ctx(
            json!({"performance": [{"bit_length": 8.0, "tera_ops": 1979.0}, {"bit_length": 16.0, "tera_ops": 989.5}]}),
        );
        assert_eq!(eval("'D:5' in destination.groups", &c).value, Tri::True);
        let cond =
            Condition::compile("max(item.performance.map(u, u.tera_ops * u.bit_length))").unwrap();
        assert_eq!(cond.value(&c).unwrap(), json!(15832.0));
        assert_eq!(cond.paths(), &["item.performance".to_string()]);
    }

    #[test]
    fn a_conjunct_on_the_item_kind_is_recognised() {
        let c =
            Condition::compile("item.kind == 'integrated_circuit' && item.tpp >= 100.0").unwrap();
        assert_eq!(
            c.item_kinds(),
            Some(&["integrated_circuit".to_string()][..])
        );
        let c =
            Condition::compile("item.tpp > 1.0 && item.kind in ['etch_tool', 'deposition_tool']")
                .unwrap();
        assert_eq!(c.item_kinds().unwrap().len(), 2);
        assert!(Condition::compile("item.kind == 'hbm' || item.tpp > 1.0")
            .unwrap()
            .item_kinds()
            .is_none());
        assert!(
            Condition::compile("!(item.kind == 'hbm') && item.tpp > 1.0")
                .unwrap()
                .item_kinds()
                .is_none()
        );
    }

    #[test]
    fn names_outside_the_context_are_refused() {
        let err = Condition::compile("tpp >= 100").unwrap_err();
        assert!(err.contains("`tpp`"), "{err}");
        assert!(Condition::compile("item.tpp >=").is_err());
        assert!(Condition::compile("frobnicate(item.tpp)")
            .unwrap_err()
            .contains("frobnicate"));
        assert!(
            Condition::compile("size(item.performance) > 0 && item.kind.startsWith('i')").is_ok()
        );
    }

    #[test]
    fn absent_party_reports_the_party() {
        let mut c = ctx(json!({}));
        c.set("parties", json!({}));
        let e = eval("'D:5' in parties.end_user.headquarters_groups", &c);
        assert_eq!(e.value, Tri::Unknown);
        assert_eq!(e.missing, vec!["parties.end_user".to_string()]);
    }

    #[test]
    fn an_unset_variable_is_absent_not_empty() {
        let mut c = ctx(json!({}));
        c.set("end_uses", json!(["civil"]));
        c.unset("end_uses");
        let e = eval("'supercomputer' in end_uses", &c);
        assert_eq!(e.value, Tri::Unknown);
        assert_eq!(e.missing, vec!["end_uses".to_string()]);
        assert_eq!(eval("'D:5' in destination.groups", &c).value, Tri::True);
    }

    #[test]
    fn type_errors_are_unknown_with_an_error_never_false() {
        let c = ctx(json!({"kind": "integrated_circuit"}));
        let e = eval("item.kind >= 3", &c);
        assert_eq!(e.value, Tri::Unknown);
        assert!(e.error.is_some());
    }
}
