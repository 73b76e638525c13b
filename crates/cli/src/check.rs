//! `chokepoint check` and `chokepoint classify`.

use std::fmt::Write as _;
use std::path::PathBuf;

use chokepoint_engine::{Determination, Options, Outcome, Report};
use chokepoint_model::{parse_shipment, Format, Shipment};
use chokepoint_rulebook::{Posture, Rulebook};
use chrono::NaiveDate;

use crate::exit::{BadInput, DECIDED, UNDETERMINED};
use crate::rulebook_source::{load_catalog, load_rulebook, RulebookArgs};

/// What `check` and `classify` share: the shipment, the date, the posture, the regimes.
#[derive(clap::Args, Debug)]
pub struct ShipmentArgs {
    /// The shipment file (.json or .toml; format in docs/transaction.md).
    pub file: PathBuf,
    /// Answer as of this date (YYYY-MM-DD); default: the shipment's date, else today.
    #[arg(long)]
    pub date: Option<String>,
    /// `enforced` (the government's announced enforcement) or `as-written` (the text in force).
    #[arg(long, default_value = "enforced")]
    pub posture: String,
    /// Only these jurisdictions (repeatable), e.g. --jurisdiction US.
    #[arg(long = "jurisdiction")]
    pub jurisdictions: Vec<String>,
    /// Print JSON (for `check`, the stable contract in docs/output.md).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub rulebook: RulebookArgs,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub shipment: ShipmentArgs,
    /// Do not screen the parties (use only their declared list status).
    #[arg(long)]
    pub no_screen: bool,
    /// List store to screen the parties against (default: CHOKEPOINT_STORE, else the user's
    /// data directory). Without loaded lists the parties are not screened and the output says so.
    #[arg(long, env = "CHOKEPOINT_STORE")]
    pub store: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct ClassifyArgs {
    #[command(flatten)]
    pub shipment: ShipmentArgs,
}

/// Reads and validates a shipment file; every problem is `BadInput` (exit 2).
pub fn read_shipment(
    path: &std::path::Path,
    book: &Rulebook,
    rb: &RulebookArgs,
) -> anyhow::Result<Shipment> {
    let name = path.display().to_string();
    let format = Format::from_path(&name)
        .ok_or_else(|| BadInput(format!("{name}: expected a .json or .toml file")))?;
    let text = std::fs::read_to_string(path).map_err(|e| BadInput(format!("{name}: {e}")))?;
    let catalog = load_catalog(rb)?;
    parse_shipment(&text, format, &name, &book.vocabulary, &catalog)
        .map_err(|e| BadInput(e.to_string()).into())
}

fn options(
    date: &Option<String>,
    posture: &str,
    jurisdictions: &[String],
    shipment: &Shipment,
) -> anyhow::Result<Options> {
    let as_of = match date {
        Some(d) => NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map_err(|_| BadInput(format!("--date: `{d}` is not a date YYYY-MM-DD")))?,
        None => shipment
            .date
            .unwrap_or_else(|| chrono::Local::now().date_naive()),
    };
    let posture = Posture::parse(posture).ok_or_else(|| {
        BadInput(format!(
            "--posture: `{posture}` is not one of: enforced, as-written"
        ))
    })?;
    Ok(Options {
        as_of,
        posture,
        jurisdictions: (!jurisdictions.is_empty()).then(|| jurisdictions.to_vec()),
    })
}

pub fn run(check: CheckArgs) -> anyhow::Result<u8> {
    let args = &check.shipment;
    let book = load_rulebook(&args.rulebook)?;
    let shipment = read_shipment(&args.file, &book, &args.rulebook)?;
    let opts = options(&args.date, &args.posture, &args.jurisdictions, &shipment)?;
    let lists = if check.no_screen {
        None
    } else {
        load_store_lists(check.store.clone())?
    };
    let screener = lists
        .as_ref()
        .map(|(entries, _)| chokepoint_screening::Screener::new(entries.clone()));
    let checked = chokepoint_check::check(
        &book,
        shipment,
        &opts,
        screener
            .as_ref()
            .zip(lists.as_ref())
            .map(|(s, (_, names))| (s, names.clone())),
    );
    if args.json {
        println!("{}", serde_json::to_string_pretty(&checked)?);
    } else {
        let screening = render_screening(checked.screening.as_ref(), check.no_screen);
        let source = args.file.display().to_string();
        print!("{}", render_report(&checked.report, &source, &screening));
    }
    Ok(exit_code(&checked.report))
}

/// The serving lists of the store, with `source@sha256` of each; `None` if no list is loaded.
fn load_store_lists(
    store: Option<PathBuf>,
) -> anyhow::Result<Option<(Vec<chokepoint_lists::ListEntry>, Vec<String>)>> {
    let root = store.unwrap_or_else(chokepoint_lists::store::default_root);
    if !root.exists() {
        return Ok(None);
    }
    let store = chokepoint_lists::store::Store::open(&root)?;
    let set = store
        .load_default_set()
        .map_err(|e| anyhow::anyhow!("list store {}: {e}", root.display()))?;
    if set.entries.is_empty() {
        return Ok(None);
    }
    let names = set
        .lists
        .iter()
        .map(|m| format!("{}@{}", m.source, &m.sha256[..m.sha256.len().min(12)]))
        .collect();
    Ok(Some((set.entries, names)))
}

fn render_screening(s: Option<&chokepoint_check::ScreeningSummary>, disabled: bool) -> String {
    let mut o = String::new();
    match s {
        None if disabled => {
            let _ = writeln!(
                o,
                "parties: not screened (--no-screen); declared list status used"
            );
        }
        None => {
            let _ = writeln!(o, "parties: not screened — no restricted-party lists loaded (`chokepoint lists load`); declared list status used");
        }
        Some(s) => {
            let _ = writeln!(o, "parties screened against {}", s.lists.join(", "));
            for p in &s.parties {
                if p.hits.is_empty() {
                    let _ = writeln!(o, "  {} \"{}\": no hit", p.role.replace('_', " "), p.name);
                }
                for h in &p.hits {
                    let fns = if h.footnotes.is_empty() {
                        String::new()
                    } else {
                        format!(" · footnotes {:?}", h.footnotes)
                    };
                    let _ = writeln!(
                        o,
                        "  {} \"{}\": {} {}{fns}",
                        p.role.replace('_', " "),
                        p.name,
                        h.decision.to_uppercase(),
                        h.cite()
                    );
                }
            }
        }
    }
    o
}

/// 0 when every determination is decided, 3 when any is undetermined.
pub fn exit_code(report: &Report) -> u8 {
    if report
        .determinations
        .iter()
        .any(|d| d.outcome == Outcome::Undetermined)
    {
        UNDETERMINED
    } else {
        DECIDED
    }
}

pub fn classify(classify: ClassifyArgs) -> anyhow::Result<u8> {
    let args = &classify.shipment;
    let book = load_rulebook(&args.rulebook)?;
    let shipment = read_shipment(&args.file, &book, &args.rulebook)?;
    let opts = options(&args.date, &args.posture, &args.jurisdictions, &shipment)?;
    let result = chokepoint_engine::classify(&book, &shipment, &opts);
    let undecided = result.iter().any(|c| !c.missing.is_empty());
    if args.json {
        let out: Vec<_> = result
            .iter()
            .map(|c| {
                serde_json::json!({
                    "jurisdiction": c.jurisdiction,
                    "classifications": c.labels,
                    "entries": c.entries.iter().filter(|e| e.status != chokepoint_rulebook::Tri::False || e.excluded_by.is_some()).map(|e| serde_json::json!({
                        "rule": e.rule_id, "label": e.label, "status": e.status.as_str(),
                        "facts": e.facts, "missing": e.missing, "excluded_by": e.excluded_by,
                    })).collect::<Vec<_>>(),
                    "missing": c.missing,
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({"as_of": opts.as_of.to_string(), "posture": opts.posture.as_str(), "rulebook": {"version": book.version}, "classifications": out})
            )?
        );
    } else {
        println!("as of {} · posture: {}", opts.as_of, opts.posture.as_str());
        for c in &result {
            let labels = if c.labels.is_empty() {
                "none of its control entries".to_string()
            } else {
                c.labels.join(", ")
            };
            println!("{:<3} {labels}", c.jurisdiction);
            for e in c
                .entries
                .iter()
                .filter(|e| e.status == chokepoint_rulebook::Tri::True)
            {
                println!("    {} [{}] {}", e.label, e.rule_id, e.facts.join("; "));
            }
            for e in c
                .entries
                .iter()
                .filter(|e| e.status == chokepoint_rulebook::Tri::Unknown)
            {
                println!("    {} [{}] undecided", e.label, e.rule_id);
            }
            for m in &c.missing {
                println!("    need: {m}");
            }
        }
    }
    Ok(if undecided { UNDETERMINED } else { DECIDED })
}

fn verdict(d: &Determination) -> &'static str {
    match d.outcome {
        Outcome::LicenceRequired => "LICENCE REQUIRED",
        Outcome::NoLicenceRequired => "NO LICENCE REQUIRED",
        Outcome::Undetermined => "UNDETERMINED",
    }
}

/// The human report: one verdict line per regime first, then each regime's reasons.
pub fn render_report(r: &Report, source: &str, screening: &str) -> String {
    let mut o = String::new();
    let s = &r.shipment;
    let item = match &s.catalog {
        Some(c) => format!("{} ({c})", s.item_kind),
        None => s.item_kind.clone(),
    };
    let _ = writeln!(o, "{source}: {item}, {} → {}", s.ship_from, s.destination);
    let _ = writeln!(
        o,
        "as of {} · posture: {} · rulebook {}",
        r.as_of, r.posture, r.rulebook.version
    );
    o.push_str(screening);
    let _ = writeln!(o);
    for d in &r.determinations {
        let mut line = format!("  {:<3} {}", d.jurisdiction, verdict(d));
        if let Some(p) = &d.policy {
            let _ = write!(line, " · policy: {}", p.replace('_', " "));
        }
        if !d.classifications.is_empty() {
            let _ = write!(line, " · {}", d.classifications.join(", "));
        }
        let _ = write!(line, " · confidence: {}", d.confidence);
        let _ = writeln!(o, "{line}");
    }
    for n in &r.not_reached {
        let _ = writeln!(o, "  {:<3} not reached", n.jurisdiction);
    }
    for d in &r.determinations {
        let _ = writeln!(o);
        let _ = writeln!(o, "{} — {}: {}", d.jurisdiction, d.law, verdict(d));
        for kind in ["reach", "classification", "note", "requirement", "policy"] {
            let reasons: Vec<_> = d.reasons.iter().filter(|x| x.kind == kind).collect();
            if reasons.is_empty() {
                continue;
            }
            let heading = match kind {
                "reach" => "why the law reaches it",
                "classification" => "classification",
                "note" => "notes applied",
                "requirement" => "licence requirements",
                _ => "review policy",
            };
            let _ = writeln!(o, "  {heading}:");
            for x in reasons {
                let _ = writeln!(o, "    • {}", x.text);
                let _ = writeln!(o, "      [{}] {} ({})", x.rule, x.cite, x.confidence);
                if !x.facts.is_empty() {
                    let _ = writeln!(o, "      facts: {}", x.facts.join("; "));
                }
            }
        }
        if !d.exceptions.is_empty() {
            let _ = writeln!(
                o,
                "  licence exceptions that may overcome it (never applied automatically):"
            );
            for x in &d.exceptions {
                let status = if x.status == "available" {
                    "eligible"
                } else {
                    "possibly eligible"
                };
                let _ = writeln!(
                    o,
                    "    • {} — {} ({status}) [{}] {}",
                    x.code, x.title, x.rule, x.cite
                );
                if let Some(c) = &x.conditions {
                    let _ = writeln!(o, "      conditions: {c}");
                }
                for m in &x.missing {
                    let _ = writeln!(o, "      need: {m}");
                }
            }
        }
        if !d.missing.is_empty() {
            let heading = if d.outcome == Outcome::Undetermined {
                "undetermined — give these facts"
            } else {
                "facts that could add requirements"
            };
            let _ = writeln!(o, "  {heading}:");
            for m in &d.missing {
                let _ = writeln!(o, "    • {m}");
            }
        }
        for u in &d.undecided_classifications {
            let _ = writeln!(
                o,
                "  undecided: {} [{}] needs {}",
                u.classification,
                u.rule,
                u.missing.join("; ")
            );
        }
        for e in &d.rule_errors {
            let _ = writeln!(o, "  rule error (treated as unknown): {e}");
        }
    }
    for n in &r.not_reached {
        let _ = writeln!(o);
        let _ = writeln!(o, "{} — {}: not reached", n.jurisdiction, n.law);
        for x in &n.why {
            let _ = writeln!(o, "    • {} [{}]", x.text, x.rule);
        }
    }
    o
}
