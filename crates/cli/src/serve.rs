//! `chokepoint serve`: the HTTP API, the audit trail and the web UI (crates/server).

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context as _;
use chokepoint_server::{AppState, Config};
use chokepoint_store::Store;

use crate::exit::BadInput;
use crate::rulebook_source::{load_catalog, load_rulebook, RulebookArgs};

/// Where the audit trail, tokens and cases are kept.
#[derive(clap::Args, Debug, Clone)]
pub struct DatabaseArgs {
    /// `sqlite://PATH` (created on first run) or `postgres://USER@HOST:PORT/DB`.
    /// Default: sqlite://$XDG_DATA_HOME/chokepoint/chokepoint.db (~/.local/share/…).
    #[arg(long, env = "CHOKEPOINT_DATABASE")]
    pub database: Option<String>,
}

impl DatabaseArgs {
    pub fn url(&self) -> anyhow::Result<String> {
        let url = match &self.database {
            Some(u) => u.clone(),
            None => {
                let base = std::env::var_os("XDG_DATA_HOME")
                    .filter(|p| !p.is_empty())
                    .map(PathBuf::from)
                    .or_else(|| {
                        std::env::var_os("HOME")
                            .map(|h| PathBuf::from(h).join(".local").join("share"))
                    })
                    .unwrap_or_else(|| PathBuf::from("."));
                format!(
                    "sqlite://{}",
                    base.join("chokepoint").join("chokepoint.db").display()
                )
            }
        };
        if let Some(path) = url.strip_prefix("sqlite://") {
            let path = path.split('?').next().unwrap_or(path);
            if let Some(parent) = std::path::Path::new(path)
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
            {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("creating {}", parent.display()))?;
            }
        } else if !url.starts_with("postgres://") && !url.starts_with("postgresql://") {
            return Err(BadInput(format!(
                "--database: `{url}` is neither sqlite://PATH nor postgres://…"
            ))
            .into());
        }
        Ok(url)
    }

    /// Opens the store on a runtime of its own (for the short CLI commands).
    pub fn open(&self, rt: &tokio::runtime::Runtime) -> anyhow::Result<Store> {
        let url = self.url()?;
        rt.block_on(Store::connect(&url))
            .with_context(|| format!("opening {}", redact(&url)))
    }
}

fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(a), Some(b)) if b > a => match url[a + 3..b].split_once(':') {
            Some((user, _)) => format!("{}{user}:***{}", &url[..a + 3], &url[b..]),
            None => url.to_string(),
        },
        _ => url.to_string(),
    }
}

pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", env = "CHOKEPOINT_ADDR")]
    pub addr: SocketAddr,
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// List store directory (default: $CHOKEPOINT_STORE, else ~/.local/share/chokepoint/lists).
    #[arg(long)]
    pub lists: Option<PathBuf>,
    /// Serve without screening (licence checks, cases and the audit trail only).
    #[arg(long)]
    pub no_lists: bool,
    /// Largest request body in bytes.
    #[arg(long, default_value_t = 1 << 20)]
    pub body_limit: usize,
    /// Largest batch body in bytes.
    #[arg(long, default_value_t = 32 << 20)]
    pub batch_body_limit: usize,
    /// Most queries in one batch.
    #[arg(long, default_value_t = 10_000)]
    pub batch_limit: usize,
    #[command(flatten)]
    pub rulebook: RulebookArgs,
}

pub fn run(args: ServeArgs) -> anyhow::Result<u8> {
    let book = load_rulebook(&args.rulebook)?;
    let catalog = load_catalog(&args.rulebook)?;
    let rt = runtime()?;
    let store = args.db.open(&rt)?;
    let config = Config {
        body_limit: args.body_limit,
        batch_body_limit: args.batch_body_limit,
        batch_limit: args.batch_limit,
    };
    let rulebook_version = book.version.clone();
    let state = if args.no_lists {
        AppState::new(book, catalog, store.clone(), config)
    } else {
        let root = args
            .lists
            .clone()
            .unwrap_or_else(chokepoint_lists::store::default_root);
        let list_store = chokepoint_lists::store::Store::open(&root)
            .with_context(|| format!("opening the list store {}", root.display()))?;
        let loaded = chokepoint_server::screening::load_from_store(&list_store);
        let state = AppState::with_list_store(book, catalog, store.clone(), config, list_store);
        match loaded {
            Ok(s) => {
                eprintln!(
                    "screening against {} entries: {}",
                    s.entry_count(),
                    s.lists
                        .iter()
                        .map(|l| format!("{} {}", l.source, &l.sha256[..12.min(l.sha256.len())]))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                state.set_screening(Some(s));
            }
            Err(e) => eprintln!(
                "warning: screening is off until lists are loaded (POST /v1/lists/update): {e}"
            ),
        }
        state
    };
    if rt.block_on(store.list_tokens())?.is_empty() {
        eprintln!("no API tokens yet: create one with `chokepoint tokens create --role admin`");
    }
    eprintln!(
        "chokepoint serving on http://{} · rulebook {} · store {}",
        args.addr,
        &rulebook_version[..12.min(rulebook_version.len())],
        store.url()
    );
    rt.block_on(chokepoint_server::serve(args.addr, state))
        .with_context(|| format!("serving on {}", args.addr))?;
    Ok(0)
}
