//! `POST /v1/lists/update` against a local HTTP server: the new version is swapped in, stored
//! parties are screened again against the changed entries only and new hits open cases; a failed
//! download leaves the serving lists as they were and says why.

mod common;

use axum::http::StatusCode;
use chokepoint_server::Config;
use chokepoint_store::Role;
use common::*;

const V1: &str = "9002,\"BANCO NACIONAL DE CUBA\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"a.k.a. 'BNC'.\"\n\
9003,\"ROSTEC MICROELECTRONICS HOLDING\",-0- ,\"RUSSIA-EO14024\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n";
const ADDED: &str = "9001,\"SHENZHEN KESTREL PHOTONICS LIMITED\",-0- ,\"CMIC-EO13959\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n";

async fn file_server(files: Vec<(&'static str, StatusCode, String)>) -> String {
    let mut app = axum::Router::new();
    for (path, status, body) in files {
        app = app.route(
            path,
            axum::routing::get(move || async move { (status, body) }),
        );
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn update_swaps_rescreens_changed_entries_and_survives_a_bad_download() {
    let lists_dir = tempfile::tempdir().unwrap();
    let v1 = lists_dir.path().join("sdn.csv");
    std::fs::write(&v1, V1).unwrap();
    let ls = chokepoint_lists::store::Store::open(lists_dir.path().join("store")).unwrap();
    ls.load_paths("ofac_sdn", None, &[v1]).unwrap();
    let app = app_with(
        Config::default(),
        Some(chokepoint_lists::store::Store::open(lists_dir.path().join("store")).unwrap()),
    )
    .await;
    app.state.set_screening(Some(
        chokepoint_server::screening::load_from_store(&ls).unwrap(),
    ));

    // Parties screened before the update: clear today.
    let r = app
        .post(
            "/v1/screen",
            Role::Screener,
            r#"{"name":"Kestrel Photonics Trading","party_id":"P1"}"#,
        )
        .await
        .json();
    assert_eq!(r["status"], "clear");
    let r = app
        .post(
            "/v1/screen",
            Role::Screener,
            r#"{"name":"Banco Nacional de Cuba","party_id":"P2"}"#,
        )
        .await
        .json();
    assert_eq!(r["status"], "match");
    let before = app.get("/v1/lists", Role::Screener).await.json();

    let base = file_server(vec![
        ("/v2/sdn.csv", StatusCode::OK, format!("{ADDED}{V1}")),
        (
            "/broken/sdn.csv",
            StatusCode::INTERNAL_SERVER_ERROR,
            "oops".into(),
        ),
        (
            "/garbage/sdn.csv",
            StatusCode::OK,
            "<html>not a list</html>".into(),
        ),
    ])
    .await;

    // Only an admin may update.
    let body = format!(r#"{{"source":"ofac_sdn","urls":["{base}/v2/sdn.csv"]}}"#);
    assert_eq!(
        app.post("/v1/lists/update", Role::Reviewer, &body)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let r = app.post("/v1/lists/update", Role::Admin, &body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let v = r.json();
    assert_eq!(v["outcomes"][0]["status"], "loaded", "{v}");
    assert_eq!(v["swapped"], true);
    assert_eq!(v["changed_entries"], 1, "only the added entry is new");
    assert_eq!(v["rescreened_parties"], 2);
    let new_cases = v["new_cases"].as_array().unwrap();
    assert_eq!(new_cases.len(), 1, "{v}");
    let case = app
        .get(&format!("/v1/cases/{}", new_cases[0]), Role::Reviewer)
        .await
        .json();
    assert_eq!(
        (case["party_key"].as_str(), case["entry_id"].as_str()),
        (Some("id:P1"), Some("9001"))
    );
    let after = app.get("/v1/lists", Role::Screener).await.json();
    assert_ne!(after["lists"][0]["sha256"], before["lists"][0]["sha256"]);
    assert_eq!(after["entries"], 3);
    let kinds: Vec<String> = app
        .state
        .store
        .audit_recent(None, 10, None)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.kind)
        .collect();
    assert_eq!(&kinds[..2], &["lists_update", "rescreen"]);

    // Failed downloads: reported, and the serving lists stay as they were.
    for bad in ["broken/sdn.csv", "garbage/sdn.csv"] {
        let r = app
            .post(
                "/v1/lists/update",
                Role::Admin,
                &format!(r#"{{"source":"ofac_sdn","urls":["{base}/{bad}"]}}"#),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let v = r.json();
        assert_eq!(v["outcomes"][0]["status"], "failed", "{v}");
        assert!(v["outcomes"][0]["error"]
            .as_str()
            .is_some_and(|e| !e.is_empty()));
        assert_eq!(v["swapped"], false);
        assert_eq!(
            app.get("/v1/lists", Role::Screener).await.json()["lists"],
            after["lists"]
        );
    }
    let r = app
        .post(
            "/v1/lists/update",
            Role::Admin,
            r#"{"urls":["http://127.0.0.1:9/x"]}"#,
        )
        .await;
    assert_eq!(
        (r.status, r.json()["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("source"))
    );
    assert!(
        app.get("/v1/audit/verify", Role::Auditor).await.json()["ok"]
            .as_bool()
            .unwrap()
    );
}
