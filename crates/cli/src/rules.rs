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
