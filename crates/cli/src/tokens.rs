//! `chokepoint tokens create | list | revoke`: API tokens for `chokepoint serve`.

use chokepoint_store::Role;

use crate::exit::BadInput;
use crate::serve::{runtime, DatabaseArgs};

#[derive(clap::Subcommand, Debug)]
pub enum TokensCommand {
    /// Create a token; its secret is printed once (only its SHA-256 is stored).
    Create {
        /// screener, reviewer, admin or auditor.
        #[arg(long)]
        role: String,
        /// Who or what uses it.
        #[arg(long, default_value = "cli")]
        name: String,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// List tokens (never their secrets).
    List {
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Revoke a token by id.
    Revoke {
        id: String,
        #[command(flatten)]
        db: DatabaseArgs,
    },
}

pub fn run(cmd: TokensCommand) -> anyhow::Result<u8> {
    let rt = runtime()?;
    match cmd {
        TokensCommand::Create {
            role,
            name,
            json,
            db,
        } => {
            let role = Role::parse(&role).ok_or_else(|| {
                BadInput(format!(
                    "--role: `{role}` is not one of: screener, reviewer, admin, auditor"
                ))
            })?;
            if name.trim().is_empty() {
                return Err(BadInput("--name: must not be empty".into()).into());
            }
            let store = db.open(&rt)?;
            let (info, secret) = rt.block_on(store.create_token(name.trim(), role))?;
            rt.block_on(store.close());
            if json {
                println!("{}", serde_json::json!({"token": info, "secret": secret}));
            } else {
                println!("{secret}");
                eprintln!(
                    "token {} ({}, role {}) created; the secret above is shown only once",
                    info.id, info.name, info.role
                );
            }
        }
        TokensCommand::List { json, db } => {
            let store = db.open(&rt)?;
            let tokens = rt.block_on(store.list_tokens())?;
            if json {
                println!("{}", serde_json::to_string_pretty(&tokens)?);
            } else {
                for t in tokens {
                    let state = t
                        .revoked_at
                        .as_deref()
                        .map(|r| format!("revoked {r}"))
                        .unwrap_or_else(|| "live".into());
                    println!(
                        "{}  {:<9} {:<20} created {}  {state}",
                        t.id,
                        t.role.as_str(),
                        t.name,
                        t.created_at
                    );
                }
            }
        }
        TokensCommand::Revoke { id, db } => {
            let store = db.open(&rt)?;
            rt.block_on(store.revoke_token(&id)).map_err(|e| match e {
                chokepoint_store::StoreError::NotFound(_) => {
                    anyhow::Error::from(BadInput(format!("no live token `{id}`")))
                }
                other => other.into(),
            })?;
            eprintln!("token {id} revoked");
        }
    }
    Ok(0)
}
