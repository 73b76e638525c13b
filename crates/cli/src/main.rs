//! The `chokepoint` binary: parses flags and wires the libraries together. No domain logic here.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

// mimalloc: the engine and the screener allocate many small values; glibc's malloc was ~40 % of
// a check's instructions.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod audit;
mod check;
mod eval;
mod exit;
mod lists;
mod matching;
mod rulebook_source;
mod rules;
mod screen;
mod serve;
mod tokens;

#[derive(Parser)]
#[command(
    name = "chokepoint",
    version,
    about = "Export-control compliance for semiconductors"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Determine, per jurisdiction, whether a shipment needs a licence — why, and as of which date.
    Check(check::CheckArgs),
    /// Classify a shipment's item against every regime's control list.
    Classify(check::ClassifyArgs),
    /// Check, list and show the rules of the rulebook.
    #[command(subcommand)]
    Rules(rules::RulesCommand),
    /// Screen a name (or a CSV of parties) against restricted-party lists.
    Screen(screen::ScreenArgs),
    /// Score two names (or a CSV of pairs) and explain the score.
    Match(matching::MatchArgs),
    /// Load, list, diff and update restricted-party lists.
    #[command(subcommand)]
    Lists(lists::ListsCommand),
    /// Evaluate screening quality and speed on the shared evaluation sets.
    Eval(eval::EvalArgs),
    /// Serve the HTTP API, the audit trail and the web UI.
    Serve(serve::ServeArgs),
    /// Create, list and revoke API tokens.
    #[command(subcommand)]
    Tokens(tokens::TokensCommand),
    /// Verify or export the hash-chained audit trail.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => check::run(args),
        Command::Classify(args) => check::classify(args),
        Command::Rules(cmd) => rules::run(cmd),
        Command::Screen(args) => screen::run(args),
        Command::Match(args) => matching::run(args),
        Command::Lists(cmd) => lists::run(cmd),
        Command::Eval(args) => eval::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Tokens(cmd) => tokens::run(cmd),
        Command::Audit(cmd) => audit::run(cmd),
    };
    exit::finish(result)
}
