//! `chokepoint rules check | list | show`.

use chokepoint_rulebook::{Kind, Rule};

use crate::exit::DECIDED;
use crate::rulebook_source::{load_rulebook, RulebookArgs};

#[derive(clap::Subcommand, Debug)]
pub enum RulesCommand {
    /// Validate every rule file (unknown fields, CEL, overlapping versions, dangling references).
    Check {
        #[command(flatten)]
        rulebook: RulebookArgs,
    },
    /// List rules, optionally of one jurisdiction or kind.
    List {
        #[arg(long)]
        jurisdiction: Option<String>,
        /// e.g. control_entry, licence_requirement, country_group
        #[arg(long)]
        kind: Option<String>,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        rulebook: RulebookArgs,
    },
    /// Print the shipment vocabulary (item kinds, parameters with units, end uses, lists) as
    /// Markdown — the text of docs/vocabulary.md.
    Vocabulary {
        #[command(flatten)]
        rulebook: RulebookArgs,
    },
    /// Show every version of one rule: citation, dates, confidence, the controlling text, the condition.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        rulebook: RulebookArgs,
    },
}

pub fn run(cmd: RulesCommand) -> anyhow::Result<u8> {
    match cmd {
        RulesCommand::Check { rulebook } => {
            let book = load_rulebook(&rulebook)?;
            for j in &book.jurisdictions {
                let count = |k: Kind| j.rules.iter().filter(|r| r.kind == k).count();
                println!(
                    "{:<3} {} rules ({} control entries, {} licence requirements, {} country groups) — {}",
                    j.code,
                    j.rules.len(),
                    count(Kind::ControlEntry),
                    count(Kind::LicenceRequirement),
                    count(Kind::CountryGroup),
                    j.law
                );
            }
            println!("rulebook {} is valid", book.version);
            Ok(DECIDED)
        }
        RulesCommand::List {
            jurisdiction,
            kind,
            json,
            rulebook,
        } => {
            let book = load_rulebook(&rulebook)?;
            if let Some(j) = &jurisdiction {
                if book.jurisdiction(j).is_none() {
                    let known: Vec<_> =
                        book.jurisdictions.iter().map(|j| j.code.as_str()).collect();
                    return Err(crate::exit::BadInput(format!(
                        "unknown jurisdiction `{j}` (known: {})",
                        known.join(", ")
                    ))
                    .into());
                }
            }
            let mut rows = Vec::new();
            for j in &book.jurisdictions {
                if jurisdiction
                    .as_ref()
                    .is_some_and(|c| !c.eq_ignore_ascii_case(&j.code))
                {
                    continue;
                }
                for r in &j.rules {
                    if kind.as_ref().is_some_and(|k| &kind_name(r.kind) != k) {
                        continue;
                    }
                    rows.push((j.code.as_str(), r));
                }
            }
            if json {
                let out: Vec<_> = rows.iter().map(|(j, r)| summary(j, r)).collect();
                println!("{}", serde_json::to_string_pretty(&out)?);
            } else {
                for (j, r) in rows {
                    println!(
                        "{j:<3} {:<34} {:<20} {} .. {:<10} {:<10} {}",
                        r.id,
                        kind_name(r.kind),
                        r.valid_from,
                        r.valid_to
                            .map(|d| d.to_string())
                            .unwrap_or_else(|| "".into()),
                        r.confidence.as_str(),
                        r.title
                    );
                }
            }
            Ok(DECIDED)
        }
        RulesCommand::Vocabulary { rulebook } => {
            let book = load_rulebook(&rulebook)?;
            print!("{}", vocabulary_markdown(&book.vocabulary));
            Ok(DECIDED)
        }
        RulesCommand::Show { id, json, rulebook } => {
            let book = load_rulebook(&rulebook)?;
            let found = book.find(&id);
            if found.is_empty() {
                return Err(crate::exit::BadInput(format!(
                    "no rule with id `{id}` (try `chokepoint rules list`)"
                ))
                .into());
            }
            if json {
                let out: Vec<_> = found.iter().map(|(j, r)| detail(&j.code, r)).collect();
                println!("{}", serde_json::to_string_pretty(&out)?);
                return Ok(DECIDED);
            }
            for (j, r) in found {
                println!("{} ({}, {})", r.id, j.code, kind_name(r.kind));
                println!("  {}", r.title);
                println!(
                    "  in force {} .. {}{}",
                    r.valid_from,
                    r.valid_to
                        .map(|d| d.to_string())
                        .unwrap_or_else(|| "(still in force)".into()),
                    r.postures
                        .as_ref()
                        .map(|p| format!(
                            " · postures: {}",
                            p.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(", ")
                        ))
                        .unwrap_or_default()
                );
                println!("  confidence: {}", r.confidence.as_str());
                for c in &r.citations {
                    println!(
                        "  cite: {}{}{}",
                        c.cite,
                        c.source
                            .as_ref()
                            .map(|s| format!(" — {s}"))
                            .unwrap_or_default(),
                        c.url
                            .as_ref()
                            .map(|u| format!(" <{u}>"))
                            .unwrap_or_default()
                    );
                }
                if let Some(t) = &r.text {
                    println!("  text: {t}");
                }
                if let Some(c) = &r.condition {
                    println!("  condition: {}", c.source);
                }
                if let Some(e) = &r.expr {
                    println!("  expr: {}", e.source);
                }
                if !r.countries.is_empty() {
                    println!(
                        "  {}: {}",
                        r.group.as_deref().unwrap_or("countries"),
                        r.countries.join(", ")
                    );
                }
                if let Some(n) = &r.note {
                    println!("  note: {n}");
                }
                println!("  source: rules/{}:{}", r.file, r.line);
                println!();
            }
            Ok(DECIDED)
        }
    }
}

fn kind_name(k: Kind) -> String {
    serde_json::to_value(k)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn summary(j: &str, r: &Rule) -> serde_json::Value {
    serde_json::json!({
        "jurisdiction": j, "id": r.id, "kind": kind_name(r.kind), "title": r.title,
        "valid_from": r.valid_from.to_string(), "valid_to": r.valid_to.map(|d| d.to_string()),
        "confidence": r.confidence.as_str(),
    })
}

fn detail(j: &str, r: &Rule) -> serde_json::Value {
    let mut v = summary(j, r);
    let o = v.as_object_mut().expect("object");
    o.insert(
        "citations".into(),
        serde_json::to_value(&r.citations).unwrap_or_default(),
    );
    o.insert("text".into(), serde_json::json!(r.text));
    o.insert("note".into(), serde_json::json!(r.note));
    o.insert(
        "condition".into(),
        serde_json::json!(r.condition.as_ref().map(|c| &c.source)),
    );
    o.insert(
        "file".into(),
        serde_json::json!(format!("rules/{}:{}", r.file, r.line)),
    );
    v
}

/// The vocabulary as Markdown (docs/vocabulary.md is this text; a test keeps them equal).
pub fn vocabulary_markdown(v: &chokepoint_model::Vocabulary) -> String {
    use std::fmt::Write as _;
    let mut o = String::new();
    let _ = writeln!(o, "# Shipment vocabulary\n");
    let _ = writeln!(o, "Generated from `rules/vocabulary.yaml` by `chokepoint rules vocabulary`; do not edit by hand.");
    let _ = writeln!(o, "A number may be written bare (canonical unit) or as `\"value unit\"` with a unit of its dimension.\n");
    let unit = |p: &chokepoint_model::ParamSpec| -> String {
        match &p.dimension {
            Some(d) => {
                let dim = &v.units[d];
                let aliases: Vec<&str> = dim
                    .aliases
                    .keys()
                    .map(String::as_str)
                    .filter(|a| !a.is_empty() && *a != dim.canonical)
                    .collect();
                match (dim.canonical.is_empty(), aliases.is_empty()) {
                    (true, _) => "number".to_string(),
                    (false, true) => dim.canonical.clone(),
                    (false, false) => format!("{} (also {})", dim.canonical, aliases.join(", ")),
                }
            }
            None => match p.ty {
                chokepoint_model::ParamType::Enum => format!("one of: {}", p.values.join(", ")),
                chokepoint_model::ParamType::ListString => "list of strings".to_string(),
                chokepoint_model::ParamType::List => "list of tables".to_string(),
                chokepoint_model::ParamType::Country => "country (ISO alpha-2)".to_string(),
                other => format!("{other:?}").to_lowercase(),
            },
        }
    };
    let table =
        |o: &mut String,
         params: &std::collections::BTreeMap<String, chokepoint_model::ParamSpec>| {
            let _ = writeln!(o, "| parameter | unit / type | meaning |\n|---|---|---|");
            for (name, p) in params {
                let _ = writeln!(
                    o,
                    "| `{name}` | {} | {} |",
                    unit(p),
                    p.doc.replace('|', "\\|")
                );
                for (f, fp) in &p.fields {
                    let _ = writeln!(
                        o,
                        "| `{name}[].{f}` | {} | {} |",
                        unit(fp),
                        fp.doc.replace('|', "\\|")
                    );
                }
            }
            let _ = writeln!(o);
        };
    let _ = writeln!(o, "## Parameters of every item\n");
    table(&mut o, &v.common_parameters);
    for (kind, spec) in &v.kinds {
        let _ = writeln!(o, "## Kind `{kind}`\n\n{}\n", spec.doc);
        table(&mut o, &spec.parameters);
    }
    let _ = writeln!(
        o,
        "## End uses (`end_uses`)\n\n| end use | meaning |\n|---|---|"
    );
    for (k, d) in &v.end_uses {
        let _ = writeln!(o, "| `{k}` | {d} |");
    }
    let _ = writeln!(
        o,
        "\n## Restricted lists (`parties.*.lists[].list`)\n\n| list | meaning |\n|---|---|"
    );
    for (k, d) in &v.restricted_lists {
        let _ = writeln!(o, "| `{k}` | {d} |");
    }
    let _ = writeln!(
        o,
        "\n## \"Is informed\" notices (`informed`)\n\n| notice | meaning |\n|---|---|"
    );
    for (k, d) in &v.informed_notices {
        let _ = writeln!(o, "| `{k}` | {d} |");
    }
    if !v.deposition_capabilities.is_empty() {
        let _ = writeln!(
            o,
            "\n## Deposition capability flags (`capabilities` of a `deposition_tool`)\n"
        );
        for c in &v.deposition_capabilities {
            let _ = writeln!(o, "- `{c}`");
        }
    }
    o
}
