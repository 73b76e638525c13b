//! Shared set-up: the repository's rulebook and catalog, a fresh SQLite store, a small screening
//! index, and a token per role.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use chokepoint_catalog::Catalog;
use chokepoint_lists::{EntityType, ListEntry, Name, NameKind};
use chokepoint_rulebook::{Rulebook, SourceFile};
use chokepoint_server::{AppState, Config, Screening};
use chokepoint_store::{Role, Store};
use http_body_util::BodyExt;
use tower::ServiceExt;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<SourceFile>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            collect(root, &p, out);
        } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
            out.push(SourceFile {
                path: p
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
                text: std::fs::read_to_string(&p).unwrap(),
            });
        }
    }
}

pub fn rulebook() -> Rulebook {
    let root = repo().join("rules");
    let mut files = Vec::new();
    collect(&root, &root, &mut files);
    Rulebook::load(files).expect("the repository's rulebook loads")
}

pub fn catalog() -> Catalog {
    let mut files = Vec::new();
    for e in std::fs::read_dir(repo().join("catalog")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "toml") {
            files.push((
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            ));
        }
    }
    Catalog::load(files.iter().map(|(a, b)| (a.as_str(), b.as_str()))).unwrap()
}

pub fn org(source: &str, id: &str, name: &str) -> ListEntry {
    ListEntry {
        source: source.into(),
        sub_list: Some("Entity List".into()),
        id: id.into(),
        entity_type: EntityType::Organization,
        names: vec![Name {
            full: name.into(),
            kind: NameKind::Primary,
            script: None,
        }],
        countries: vec!["CN".into()],
        source_url: Some(format!("https://example.invalid/{id}")),
        ..Default::default()
    }
}

pub fn entries() -> Vec<ListEntry> {
    vec![
        org(
            "us_csl",
            "csl-1",
            "Zhongxing Semiconductor Equipment Company",
        ),
        org("us_csl", "csl-2", "Rostec Microelectronics Holding"),
        org("ofac_sdn", "306", "Banco Nacional de Cuba"),
        org("us_csl", "csl-4", "Shenzhen Kestrel Photonics Limited"),
    ]
}

pub fn screening(entries: Vec<ListEntry>) -> Screening {
    let metas = ["us_csl", "ofac_sdn"]
        .iter()
        .map(|s| chokepoint_lists::store::ListMeta {
            source: s.to_string(),
            version: 1,
            format: chokepoint_lists::Format::CslCsv,
            published: None,
            loaded_at: "2026-11-28T00:00:00Z".into(),
            sha256: format!("{s}-sha"),
            entry_count: 2,
            files: vec![],
            origin: vec![],
            warnings: 0,
        })
        .collect();
    Screening::new(entries, metas)
}

pub struct App {
    pub router: Router,
    pub state: AppState,
    pub tokens: HashMap<Role, String>,
    pub _dir: tempfile::TempDir,
}

pub async fn app_with(config: Config, list_store: Option<chokepoint_lists::store::Store>) -> App {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("audit.db").display());
    let store = Store::connect(&url).await.unwrap();
    let state = match list_store {
        Some(ls) => AppState::with_list_store(rulebook(), catalog(), store.clone(), config, ls),
        None => AppState::new(rulebook(), catalog(), store.clone(), config),
    };
    let mut tokens = HashMap::new();
    for role in Role::ALL {
        let (_, secret) = store
            .create_token(&format!("test-{role}"), role)
            .await
            .unwrap();
        tokens.insert(role, secret);
    }
    App {
        router: chokepoint_server::router(state.clone()),
        state,
        tokens,
        _dir: dir,
    }
}

pub async fn app() -> App {
    let a = app_with(
        Config {
            body_limit: 64 * 1024,
            batch_body_limit: 256 * 1024,
            batch_limit: 20,
        },
        None,
    )
    .await;
    a.state.set_screening(Some(screening(entries())));
    a
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub text: String,
}

impl Resp {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
}

impl App {
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        role: Option<Role>,
        body: &str,
        content_type: &str,
    ) -> Resp {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header("content-type", content_type);
        if let Some(r) = role {
            req = req.header("authorization", format!("Bearer {}", self.tokens[&r]));
        }
        let resp = self
            .router
            .clone()
            .oneshot(req.body(Body::from(body.to_string())).unwrap())
            .await
            .unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        Resp {
            status,
            headers,
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn post(&self, path: &str, role: Role, body: &str) -> Resp {
        self.call("POST", path, Some(role), body, "application/json")
            .await
    }

    pub async fn get(&self, path: &str, role: Role) -> Resp {
        self.call("GET", path, Some(role), "", "application/json")
            .await
    }
}
