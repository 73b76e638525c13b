//! Loading and validating the rulebook.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chokepoint_model::{is_country, Vocabulary};
use chrono::NaiveDate;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::record::{Kind, Posture, RawRule, Rule};
use crate::Condition;

/// One rule file handed to the loader (from disk or embedded in the binary).
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the rulebook root, e.g. `us/3a090.yaml`.
    pub path: String,
    pub text: String,
}

impl SourceFile {
    /// Reads every `*.yaml` file below `root` (the rulebook's root directory), with paths
    /// relative to it.
    pub fn read_dir(root: &std::path::Path) -> std::io::Result<Vec<SourceFile>> {
        fn walk(
            root: &std::path::Path,
            dir: &std::path::Path,
            out: &mut Vec<SourceFile>,
        ) -> std::io::Result<()> {
            for entry in std::fs::read_dir(dir)? {
                let path = entry?.path();
                if path.is_dir() {
                    walk(root, &path, out)?;
                } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                    let text = std::fs::read_to_string(&path).map_err(|e| {
                        std::io::Error::new(e.kind(), format!("{}: {e}", path.display()))
                    })?;
                    let rel = path
                        .strip_prefix(root)
                        .unwrap_or(&path)
                        .to_string_lossy()
                        .replace('\\', "/");
                    out.push(SourceFile { path: rel, text });
                }
            }
            Ok(())
        }
        let mut out = Vec::new();
        walk(root, root, &mut out)?;
        out.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(out)
    }
}

/// Everything wrong with a rulebook, each naming file, entry and line.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadError {
    pub problems: Vec<Problem>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub file: String,
    pub entry: Option<String>,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
        }
        if let Some(e) = &self.entry {
            write!(f, ": entry `{e}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "the rulebook has {} problem(s):", self.problems.len())?;
        for p in &self.problems {
            writeln!(f, "  {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

/// The header of one jurisdiction's directory (`jurisdiction.yaml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JurisdictionHeader {
    pub jurisdiction: String,
    pub name: String,
    pub law: String,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// The rules of one jurisdiction, all versions.
#[derive(Debug)]
pub struct Jurisdiction {
    pub code: String,
    pub name: String,
    pub law: String,
    pub note: Option<String>,
    /// The header's own version label, if it gives one.
    pub version: Option<String>,
    pub rules: Vec<Rule>,
    /// Country code → indices of the `country_group` rules that list it (all versions).
    group_index: BTreeMap<String, Vec<usize>>,
}

impl Jurisdiction {
    /// Rules of a kind in force on a date under a posture, in file order.
    pub fn in_force(
        &self,
        kind: Kind,
        date: NaiveDate,
        posture: Posture,
    ) -> impl Iterator<Item = &Rule> {
        self.rules
            .iter()
            .filter(move |r| r.kind == kind && r.applies_on(date, posture))
    }

    /// The country groups `country` belongs to on `date`.
    pub fn groups_of(&self, country: &str, date: NaiveDate, posture: Posture) -> Vec<String> {
        let mut groups: Vec<String> = self
            .group_index
            .get(country)
            .into_iter()
            .flatten()
            .map(|&i| &self.rules[i])
            .filter(|r| r.applies_on(date, posture))
            .filter_map(|r| r.group.clone())
            .collect();
        groups.sort();
        groups.dedup();
        groups
    }

    /// The country `country` is treated as for this regime on `date` (e.g. HK as CN).
    pub fn treated_as(&self, country: &str, date: NaiveDate, posture: Posture) -> Option<&Rule> {
        self.in_force(Kind::DestinationTreatment, date, posture)
            .find(|r| r.country.as_deref() == Some(country))
    }

    /// All versions of one rule id.
    pub fn versions(&self, id: &str) -> Vec<&Rule> {
        self.rules.iter().filter(|r| r.id == id).collect()
    }
}

/// The whole rulebook: vocabulary and every jurisdiction's rules.
#[derive(Debug)]
pub struct Rulebook {
    pub vocabulary: Vocabulary,
    pub jurisdictions: Vec<Jurisdiction>,
    /// A content hash of every file: the version reported with each determination.
    pub version: String,
}

impl Rulebook {
    pub fn jurisdiction(&self, code: &str) -> Option<&Jurisdiction> {
        self.jurisdictions
            .iter()
            .find(|j| j.code.eq_ignore_ascii_case(code))
    }

    /// Finds every version of a rule id in any jurisdiction.
    pub fn find(&self, id: &str) -> Vec<(&Jurisdiction, &Rule)> {
        self.jurisdictions
            .iter()
            .flat_map(|j| j.rules.iter().filter(|r| r.id == id).map(move |r| (j, r)))
            .collect()
    }

    /// Loads and validates. `files` holds `vocabulary.yaml` and `<dir>/*.yaml`.
    pub fn load(mut files: Vec<SourceFile>) -> Result<Rulebook, LoadError> {
        files.sort_by(|a, b| a.path.cmp(&b.path));
        let mut problems = Vec::new();
        let mut hasher = Sha256::new();
        for f in &files {
            hasher.update(f.path.as_bytes());
            hasher.update([0]);
            hasher.update(f.text.as_bytes());
            hasher.update([0]);
        }
        let version = format!("sha256:{}", &hex::encode(hasher.finalize())[..16]);

        let vocabulary = match files.iter().find(|f| f.path == "vocabulary.yaml") {
            None => {
                problems.push(problem("vocabulary.yaml", None, None, "missing"));
                None
            }
            Some(f) => match Vocabulary::from_yaml(&f.text, &f.path) {
                Ok(v) => Some(v),
                Err(e) => {
                    problems.push(problem(
                        &f.path,
                        None,
                        e.line,
                        format!("{}: {}", e.field, e.message),
                    ));
                    None
                }
            },
        };

        let mut by_dir: BTreeMap<String, Vec<&SourceFile>> = BTreeMap::new();
        for f in &files {
            if let Some((dir, name)) = f.path.split_once('/') {
                if name.ends_with(".yaml") || name.ends_with(".yml") {
                    by_dir.entry(dir.to_string()).or_default().push(f);
                }
            }
        }

        let mut jurisdictions = Vec::new();
        for (dir, dir_files) in by_dir {
            if let Some(j) = load_jurisdiction(&dir, &dir_files, &mut problems) {
                jurisdictions.push(j);
            }
        }

        if problems.is_empty() {
            Ok(Rulebook {
                vocabulary: vocabulary.expect("no problems means a vocabulary"),
                jurisdictions,
                version,
            })
        } else {
            Err(LoadError { problems })
        }
    }
}

fn problem(
    file: &str,
    entry: Option<&str>,
    line: Option<usize>,
    message: impl Into<String>,
) -> Problem {
    Problem {
        file: file.to_string(),
        entry: entry.map(str::to_string),
        line,
        message: message.into(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    rules: Vec<serde_yaml::Value>,
}

fn load_jurisdiction(
    dir: &str,
    files: &[&SourceFile],
    problems: &mut Vec<Problem>,
) -> Option<Jurisdiction> {
    let header_path = format!("{dir}/jurisdiction.yaml");
    let header = match files.iter().find(|f| f.path == header_path) {
        None => {
            problems.push(problem(
                &header_path,
                None,
                None,
                "missing: every rules directory needs a jurisdiction.yaml header",
            ));
            return None;
        }
        Some(f) => match serde_yaml::from_str::<JurisdictionHeader>(&f.text) {
            Ok(h) => h,
            Err(e) => {
                problems.push(problem(
                    &f.path,
                    None,
                    e.location().map(|l| l.line()),
                    e.to_string(),
                ));
                return None;
            }
        },
    };
    let before = problems.len();
    let mut rules = Vec::new();
    for f in files.iter().filter(|f| f.path != header_path) {
        let parsed: RuleFile = match serde_yaml::from_str(&f.text) {
            Ok(p) => p,
            Err(e) => {
                problems.push(problem(
                    &f.path,
                    None,
                    e.location().map(|l| l.line()),
                    e.to_string(),
                ));
                continue;
            }
        };
        let lines = entry_lines(&f.text);
        for (i, raw) in parsed.rules.into_iter().enumerate() {
            let line = lines.get(i).copied();
            let id_hint = raw.get("id").and_then(|v| v.as_str()).map(str::to_string);
            match serde_yaml::from_value::<RawRule>(raw) {
                Ok(r) => match build_rule(r, &f.path, line.unwrap_or(0)) {
                    Ok(rule) => rules.push(rule),
                    Err((id, msg)) => problems.push(problem(&f.path, Some(&id), line, msg)),
                },
                Err(e) => problems.push(problem(&f.path, id_hint.as_deref(), line, e.to_string())),
            }
        }
    }
    check_versions(&rules, problems);
    check_references(&rules, problems);
    if problems.len() > before {
        return None;
    }
    let mut group_index: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, r) in rules.iter().enumerate() {
        if r.kind == Kind::CountryGroup {
            for c in &r.countries {
                group_index.entry(c.clone()).or_default().push(i);
            }
        }
    }
    Some(Jurisdiction {
        group_index,
        code: header.jurisdiction,
        name: header.name,
        law: header.law,
        note: header.note,
        version: header.version,
        rules,
    })
}

/// Line numbers (1-based) of each `- id:` list item, in order.
fn entry_lines(text: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| {
            let t = l.trim_start();
            t.starts_with("- id:") || t.starts_with("-   id:")
        })
        .map(|(i, _)| i + 1)
        .collect()
}

fn build_rule(r: RawRule, file: &str, line: usize) -> Result<Rule, (String, String)> {
    let id = r.id.clone();
    let fail = |msg: String| (id.clone(), msg);
    if r.citations.is_empty() {
        return Err(fail("at least one citation is required".into()));
    }
    if r.citations.iter().any(|c| c.cite.trim().is_empty()) {
        return Err(fail("a citation has an empty `cite`".into()));
    }
    if let Some(to) = r.valid_to {
        if to < r.valid_from {
            return Err(fail(format!(
                "valid_to {to} is before valid_from {}",
                r.valid_from
            )));
        }
    }
    // Which optional fields each kind takes.
    let given: Vec<(&str, bool)> = vec![
        ("condition", r.condition.is_some()),
        ("group", r.group.is_some()),
        ("countries", r.countries.is_some()),
        ("country", r.country.is_some()),
        ("treated_as", r.treated_as.is_some()),
        ("target", r.target.is_some()),
        ("expr", r.expr.is_some()),
        ("unit", r.unit.is_some()),
        ("paragraph", r.paragraph.is_some()),
        ("eccn", r.eccn.is_some()),
        ("reasons", r.reasons.is_some()),
        ("report_as", r.report_as.is_some()),
        ("excludes", r.excludes.is_some()),
        ("reason", r.reason.is_some()),
        ("applies_to", r.applies_to.is_some()),
        ("policy", r.policy.is_some()),
        (
            "applies_to_requirements",
            r.applies_to_requirements.is_some(),
        ),
        ("priority", r.priority.is_some()),
        ("code", r.code.is_some()),
        ("conditions_text", r.conditions_text.is_some()),
    ];
    let (required, optional): (&[&str], &[&str]) = match r.kind {
        Kind::CountryGroup => (&["group", "countries"], &[]),
        Kind::DestinationTreatment => (&["country", "treated_as"], &[]),
        Kind::Derived => (&["target", "expr"], &["unit"]),
        Kind::Reach | Kind::ReachExclusion => (&["condition"], &[]),
        Kind::ControlEntry => (
            &["paragraph", "condition"],
            &["eccn", "reasons", "report_as"],
        ),
        Kind::ControlNote => (&["excludes", "condition"], &[]),
        Kind::LicenceRequirement => (&["reason", "condition"], &["applies_to", "policy"]),
        Kind::ReviewPolicy => (
            &["applies_to_requirements", "policy", "condition"],
            &["priority"],
        ),
        Kind::LicenceException => (
            &["applies_to_requirements", "code", "condition"],
            &["conditions_text"],
        ),
    };
    for (name, present) in &given {
        if *present && !required.contains(name) && !optional.contains(name) {
            return Err(fail(format!(
                "field `{name}` does not belong to a `{:?}` record",
                r.kind
            )));
        }
        if !*present && required.contains(name) {
            return Err(fail(format!("field `{name}` is required for this kind")));
        }
    }
    let compile =
        |src: &Option<String>, what: &str| -> Result<Option<Condition>, (String, String)> {
            src.as_deref()
                .map(|s| Condition::compile(s).map_err(|e| (id.clone(), format!("{what}: {e}"))))
                .transpose()
        };
    let condition = compile(&r.condition, "condition")?;
    let expr = compile(&r.expr, "expr")?;
    let countries = r.countries.clone().unwrap_or_default();
    for c in countries
        .iter()
        .chain(r.country.iter())
        .chain(r.treated_as.iter())
    {
        if !is_country(c) {
            return Err(fail(format!("unknown country code `{c}`")));
        }
    }
    if let Some(p) = &r.policy {
        if r.kind == Kind::ReviewPolicy && policy_rank(p).is_none() {
            return Err(fail(format!(
                "unknown policy `{p}` (expected prohibited, presumption_of_denial, case_by_case, presumption_of_approval)"
            )));
        }
    }
    Ok(Rule {
        id: r.id,
        kind: r.kind,
        title: r.title,
        citations: r.citations,
        valid_from: r.valid_from,
        valid_to: r.valid_to,
        confidence: r.confidence,
        text: r.text,
        note: r.note,
        postures: r.postures,
        condition,
        file: file.to_string(),
        line,
        group: r.group,
        countries,
        country: r.country,
        treated_as: r.treated_as,
        target: r.target,
        expr,
        unit: r.unit,
        paragraph: r.paragraph,
        eccn: r.eccn,
        reasons: r.reasons.unwrap_or_default(),
        report_as: r.report_as,
        excludes: r.excludes.unwrap_or_default(),
        reason: r.reason,
        applies_to: r.applies_to,
        policy: r.policy,
        applies_to_requirements: r.applies_to_requirements.unwrap_or_default(),
        priority: r.priority.unwrap_or(0),
        code: r.code,
        conditions_text: r.conditions_text,
    })
}

/// Strictness of a review policy: higher is stricter. `None` for an unknown name.
pub fn policy_rank(policy: &str) -> Option<u8> {
    match policy {
        "prohibited" => Some(4),
        "presumption_of_denial" => Some(3),
        "case_by_case" => Some(2),
        "presumption_of_approval" => Some(1),
        _ => None,
    }
}

fn check_versions(rules: &[Rule], problems: &mut Vec<Problem>) {
    let mut by_id: BTreeMap<&str, Vec<&Rule>> = BTreeMap::new();
    for r in rules {
        by_id.entry(&r.id).or_default().push(r);
    }
    for (id, mut versions) in by_id {
        if versions.iter().any(|v| v.kind != versions[0].kind) {
            let v = versions[1];
            problems.push(problem(
                &v.file,
                Some(id),
                Some(v.line),
                "versions of one id must have the same kind",
            ));
        }
        versions.sort_by_key(|v| v.valid_from);
        for pair in versions.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            // Versions restricted to disjoint postures may overlap in time.
            let disjoint_postures = match (&a.postures, &b.postures) {
                (Some(pa), Some(pb)) => !pa.iter().any(|p| pb.contains(p)),
                _ => false,
            };
            if disjoint_postures {
                continue;
            }
            let overlaps = a.valid_to.is_none_or(|to| to >= b.valid_from);
            if overlaps {
                problems.push(problem(
                    &b.file,
                    Some(id),
                    Some(b.line),
                    format!(
                        "validity overlaps another version of the same id ({}:{} valid {}..{})",
                        a.file,
                        a.line,
                        a.valid_from,
                        a.valid_to
                            .map(|d| d.to_string())
                            .unwrap_or_else(|| "open".into())
                    ),
                ));
            }
        }
    }
}

fn check_references(rules: &[Rule], problems: &mut Vec<Problem>) {
    let ids_of = |kind: Kind| -> BTreeSet<&str> {
        rules
            .iter()
            .filter(|r| r.kind == kind)
            .map(|r| r.id.as_str())
            .collect()
    };
    let entries = ids_of(Kind::ControlEntry);
    let requirements = ids_of(Kind::LicenceRequirement);
    let policies = ids_of(Kind::ReviewPolicy);
    let labels: BTreeSet<&str> = rules
        .iter()
        .filter(|r| r.kind == Kind::ControlEntry)
        .flat_map(|r| {
            r.paragraph
                .iter()
                .chain(r.report_as.iter())
                .map(String::as_str)
        })
        .collect();
    for r in rules {
        let mut bad = |what: &str, name: &str| {
            problems.push(problem(
                &r.file,
                Some(&r.id),
                Some(r.line),
                format!("{what} `{name}` does not exist"),
            ));
        };
        for e in &r.excludes {
            if !entries.contains(e.as_str()) {
                bad("excluded control entry", e);
            }
        }
        for label in r.applies_to.iter().flatten() {
            let known = labels
                .iter()
                .any(|l| *l == label || l.starts_with(&format!("{label}.")));
            if !known {
                bad("classification label", label);
            }
        }
        for q in &r.applies_to_requirements {
            if !requirements.contains(q.as_str()) {
                bad("licence requirement", q);
            }
        }
        if r.kind == Kind::LicenceRequirement {
            if let Some(p) = &r.policy {
                if !policies.contains(p.as_str()) && policy_rank(p).is_none() {
                    bad("review policy", p);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VOCAB: &str = include_str!("../../../rules/vocabulary.yaml");

    fn book(rules: &str) -> Result<Rulebook, LoadError> {
        Rulebook::load(vec![
            SourceFile {
                path: "vocabulary.yaml".into(),
                text: VOCAB.into(),
            },
            SourceFile {
                path: "xx/jurisdiction.yaml".into(),
                text: "jurisdiction: XX\nname: Test\nlaw: Test law\n".into(),
            },
            SourceFile {
                path: "xx/rules.yaml".into(),
                text: rules.into(),
            },
        ])
    }

    const ENTRY: &str = "
rules:
  - id: XX.1A001
    kind: control_entry
    title: Fast chips
    paragraph: 1A001
    citations: [{cite: 'Test 1'}]
    valid_from: 2020-01-01
    confidence: verified
    condition: item.tpp >= 100
";

    #[test]
    fn a_valid_file_loads() {
        let b = book(ENTRY).unwrap();
        assert_eq!(b.jurisdictions[0].rules.len(), 1);
        assert_eq!(b.jurisdictions[0].rules[0].line, 3);
        assert!(b.version.starts_with("sha256:"));
    }

    #[test]
    fn unknown_fields_are_named_with_file_entry_and_line() {
        let err = book(&ENTRY.replace(
            "confidence: verified",
            "confidence: verified\n    colour: red",
        ))
        .unwrap_err();
        let p = &err.problems[0];
        assert_eq!(p.file, "xx/rules.yaml");
        assert_eq!(p.entry.as_deref(), Some("XX.1A001"));
        assert_eq!(p.line, Some(3));
        assert!(p.message.contains("colour"), "{}", p.message);
    }

    #[test]
    fn bad_cel_is_refused() {
        let err = book(&ENTRY.replace("item.tpp >= 100", "item.tpp >=")).unwrap_err();
        assert!(err.problems[0].message.contains("CEL"), "{err}");
        let err = book(&ENTRY.replace("item.tpp >= 100", "tpp >= 100")).unwrap_err();
        assert!(
            err.problems[0]
                .message
                .contains("not in the evaluation context"),
            "{err}"
        );
    }

    #[test]
    fn overlapping_versions_are_refused() {
        let second = ENTRY
            .replace("rules:\n", "")
            .replace("2020-01-01", "2021-01-01");
        let err = book(&format!("{ENTRY}{second}")).unwrap_err();
        assert!(err.problems[0].message.contains("overlaps"), "{err}");
        let closed = ENTRY.replace(
            "valid_from: 2020-01-01",
            "valid_from: 2020-01-01\n    valid_to: 2020-12-31",
        );
        assert!(book(&format!("{closed}{second}")).is_ok());
    }

    #[test]
    fn dangling_references_are_refused() {
        let req = "
  - id: XX.req
    kind: licence_requirement
    title: Req
    reason: NS
    applies_to: [9Z999]
    citations: [{cite: 'Test 2'}]
    valid_from: 2020-01-01
    confidence: verified
    condition: \"'D:5' in destination.groups\"
";
        let err = book(&format!("{ENTRY}{req}")).unwrap_err();
        assert!(err.problems[0].message.contains("9Z999"), "{err}");
        assert!(book(&format!("{ENTRY}{}", req.replace("9Z999", "1A001"))).is_ok());
    }

    #[test]
    fn unknown_countries_are_refused() {
        let g = "
rules:
  - id: XX.cg
    kind: country_group
    title: G
    group: G
    countries: [CN, QQ]
    citations: [{cite: 'Test'}]
    valid_from: 2020-01-01
    confidence: verified
";
        let err = book(g).unwrap_err();
        assert!(err.problems[0].message.contains("QQ"), "{err}");
    }
}
