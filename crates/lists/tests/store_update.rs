//! The list store: loading, versions, diff, and `update` against a local HTTP server, including
//! a 500 error, a truncated download, a truncated-but-complete-looking file, garbage, and a
//! suspicious entry-count drop. After every failure the previous version must still serve.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use chokepoint_lists::store::{Store, UpdateOptions};
use chokepoint_lists::ListError;

fn data(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/lists")
        .join(rel)
}

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(data(rel)).expect("read data file")
}

/// What the server answers for a path.
#[derive(Clone)]
struct Reply {
    status: u16,
    body: Vec<u8>,
    /// Content-Length to announce (defaults to the body length).
    announce: Option<usize>,
    last_modified: Option<&'static str>,
}

impl Reply {
    fn ok(body: Vec<u8>) -> Self {
        Reply {
            status: 200,
            body,
            announce: None,
            last_modified: None,
        }
    }
}

/// A one-thread HTTP/1.1 server on 127.0.0.1 that closes every connection after one reply.
/// It serves at most `MAX_CONNECTIONS` connections and stops when dropped.
struct Server {
    port: u16,
    replies: Arc<Mutex<HashMap<String, Reply>>>,
    stop: Arc<Mutex<bool>>,
}

const MAX_CONNECTIONS: usize = 200;

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = listener.local_addr().unwrap().port();
        let replies: Arc<Mutex<HashMap<String, Reply>>> = Arc::default();
        let stop: Arc<Mutex<bool>> = Arc::default();
        let (r, s) = (replies.clone(), stop.clone());
        thread::spawn(move || {
            for stream in listener.incoming().take(MAX_CONNECTIONS) {
                if *s.lock().unwrap() {
                    break;
                }
                let Ok(mut stream) = stream else { continue };
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let mut req = Vec::new();
                let mut buf = [0u8; 1024];
                while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => req.extend_from_slice(&buf[..n]),
                    }
                }
                let text = String::from_utf8_lossy(&req);
                let path = text.split_whitespace().nth(1).unwrap_or("/").to_string();
                let reply = r.lock().unwrap().get(&path).cloned().unwrap_or(Reply {
                    status: 404,
                    body: b"not found".to_vec(),
                    announce: None,
                    last_modified: None,
                });
                let mut head = format!(
                    "HTTP/1.1 {} X\r\nContent-Length: {}\r\nConnection: close\r\n",
                    reply.status,
                    reply.announce.unwrap_or(reply.body.len())
                );
                if let Some(lm) = reply.last_modified {
                    head.push_str(&format!("Last-Modified: {lm}\r\n"));
                }
                head.push_str("\r\n");
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&reply.body);
                let _ = stream.flush();
                let _ = stream.shutdown(std::net::Shutdown::Both);
            }
        });
        Server {
            port,
            replies,
            stop,
        }
    }

    fn set(&self, path: &str, reply: Reply) {
        self.replies.lock().unwrap().insert(path.to_string(), reply);
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        *self.stop.lock().unwrap() = true;
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn update(
    store: &Store,
    key: &str,
    urls: Vec<String>,
    force: bool,
) -> chokepoint_lists::store::Outcome {
    let mut out = store
        .update(&UpdateOptions {
            source: Some(key.into()),
            urls,
            force,
        })
        .expect("update runs");
    assert_eq!(out.len(), 1);
    out.remove(0)
}

fn assert_serving(store: &Store, key: &str, version: u32, count: usize) {
    let meta = store.current(key).expect("a serving version");
    assert_eq!(meta.version, version, "serving version");
    let loaded = store.read_current(key).expect("serving version reads");
    assert_eq!(loaded.entries.len(), count);
    assert_eq!(meta.entry_count, count);
}

const UN: &str = "un_consolidated_2026-02-27/UN_consolidated.xml";

#[test]
fn update_swaps_only_complete_valid_downloads() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let server = Server::start();
    let full = read(UN);

    // 1. A good download becomes v1, with the file's own publication date.
    server.set(
        "/un.xml",
        Reply {
            last_modified: Some("Fri, 27 Feb 2026 00:10:00 GMT"),
            ..Reply::ok(full.clone())
        },
    );
    let o = update(&store, "un", vec![server.url("/un.xml")], false);
    assert_eq!(o.status, "loaded", "{:?}", o.error);
    let meta = o.meta.unwrap();
    assert_eq!(meta.entry_count, 1_003);
    assert_eq!(meta.published.as_deref(), Some("2026-02-27T00:00:09.554Z"));
    assert_eq!(meta.sha256.len(), 64);
    assert_serving(&store, "un", 1, 1_003);

    // 2. HTTP 500: failed, v1 still serves.
    server.set(
        "/un.xml",
        Reply {
            status: 500,
            ..Reply::ok(b"internal error".to_vec())
        },
    );
    let o = update(&store, "un", vec![server.url("/un.xml")], false);
    assert_eq!(o.status, "failed");
    assert!(o.error.as_deref().unwrap().contains("500"), "{:?}", o.error);
    assert_eq!(o.previous_count, Some(1_003));
    assert_serving(&store, "un", 1, 1_003);

    // 3. Connection closed half-way through the announced length.
    server.set(
        "/un.xml",
        Reply {
            announce: Some(full.len()),
            ..Reply::ok(full[..full.len() / 2].to_vec())
        },
    );
    let o = update(&store, "un", vec![server.url("/un.xml")], false);
    assert_eq!(o.status, "failed");
    assert_serving(&store, "un", 1, 1_003);

    // 4. A file cut off at the source (complete HTTP response, incomplete XML).
    server.set("/un.xml", Reply::ok(full[..full.len() - 200].to_vec()));
    let o = update(&store, "un", vec![server.url("/un.xml")], false);
    assert_eq!(o.status, "failed");
    let err = o.error.unwrap();
    assert!(err.contains("un.xml") && err.contains("line"), "{err}");
    assert_serving(&store, "un", 1, 1_003);

    // 5. Garbage.
    server.set("/un.xml", Reply::ok(b"\x00\xff<html>oops".to_vec()));
    let o = update(&store, "un", vec![server.url("/un.xml")], false);
    assert_eq!(o.status, "failed");
    assert_serving(&store, "un", 1, 1_003);

    // 6. A valid list with far fewer entries is refused unless forced.
    let small = String::from_utf8(full.clone()).unwrap();
    let start = small.find("<INDIVIDUAL>").unwrap();
    let second = small[start + 1..].find("<INDIVIDUAL>").unwrap() + start + 1;
    let end = small.find("</INDIVIDUALS>").unwrap();
    let estart = small.find("<ENTITIES>").unwrap();
    let eend = small.find("</ENTITIES>").unwrap();
    let one = format!(
        "{}{}{}{}",
        &small[..second],
        &small[end..estart + "<ENTITIES>".len()],
        "\n  ",
        &small[eend..]
    );
    server.set("/un.xml", Reply::ok(one.into_bytes()));
    let o = update(&store, "un", vec![server.url("/un.xml")], false);
    assert_eq!(o.status, "failed");
    assert!(
        o.error.as_deref().unwrap().contains("--force"),
        "{:?}",
        o.error
    );
    assert_serving(&store, "un", 1, 1_003);
    let o = update(&store, "un", vec![server.url("/un.xml")], true);
    assert_eq!(o.status, "loaded", "{:?}", o.error);
    assert_serving(&store, "un", 2, 1);

    // 7. Back to the full list (a rise is fine); the same content again is `unchanged`.
    server.set("/un.xml", Reply::ok(full.clone()));
    assert_eq!(
        update(&store, "un", vec![server.url("/un.xml")], false).status,
        "loaded"
    );
    assert_serving(&store, "un", 3, 1_003);
    assert_eq!(
        update(&store, "un", vec![server.url("/un.xml")], false).status,
        "unchanged"
    );
    assert_serving(&store, "un", 3, 1_003);

    // Nothing is left in the staging area.
    assert_eq!(
        std::fs::read_dir(dir.path().join("tmp")).unwrap().count(),
        0
    );
}

#[test]
fn update_downloads_a_multi_file_ofac_set() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let server = Server::start();
    let mut urls = Vec::new();
    for (path, file) in [
        ("/exports/SDN.CSV", "sdn.csv"),
        ("/exports/ADD.CSV", "add.csv"),
        ("/exports/ALT.CSV", "alt.csv"),
        ("/exports/SDN_COMMENTS.CSV", "sdn_comments.csv"),
    ] {
        server.set(
            path,
            Reply::ok(read(&format!("ofac_sdn_set_2021-07-07/{file}"))),
        );
        urls.push(server.url(path));
    }
    let o = update(&store, "ofac_sdn", urls.clone(), false);
    assert_eq!(o.status, "loaded", "{:?}", o.error);
    let meta = o.meta.unwrap();
    assert_eq!(meta.entry_count, 8_976);
    assert_eq!(meta.files.len(), 4);
    assert_serving(&store, "ofac_sdn", 1, 8_976);

    // One of four files failing fails the whole set.
    server.set(
        "/exports/ALT.CSV",
        Reply {
            status: 503,
            ..Reply::ok(Vec::new())
        },
    );
    let o = update(&store, "ofac_sdn", urls, false);
    assert_eq!(o.status, "failed");
    assert_serving(&store, "ofac_sdn", 1, 8_976);
}

#[test]
fn update_without_url_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let o = update(&store, "jp_eul", vec![], false);
    assert_eq!(o.status, "failed");
    assert!(o.error.unwrap().contains("no download URL"));
    let err = store
        .update(&UpdateOptions {
            source: None,
            urls: vec!["http://127.0.0.1:9/x".into()],
            force: false,
        })
        .unwrap_err();
    assert!(matches!(err, ListError::Usage(_)));
}

#[test]
fn load_versions_diff_and_corruption() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let set = data("ofac_fixtures_watchman");
    let o = store
        .load_paths("ofac_sdn", None, std::slice::from_ref(&set))
        .unwrap();
    assert_eq!(o.status, "loaded");
    assert_eq!(o.meta.as_ref().unwrap().entry_count, 17);
    assert_eq!(o.meta.as_ref().unwrap().warnings, 9);

    // A different file set for the same key becomes v2; diff by id against v1.
    let o = store
        .load_paths("ofac_sdn", None, &[set.join("sdn.csv")])
        .unwrap();
    assert_eq!(o.meta.as_ref().unwrap().version, 2);
    let v1 = store.resolve("ofac_sdn@previous").unwrap();
    let v2 = store.resolve("ofac_sdn").unwrap();
    assert_eq!((v1.version, v2.version), (1, 2));
    let d = chokepoint_lists::diff::diff(
        &store.read(&v1).unwrap().entries,
        &store.read(&v2).unwrap().entries,
    );
    assert!(d.added.is_empty() && d.removed.is_empty());
    // Entries with addresses or alt.csv names lost them in v2.
    assert!(d
        .changed
        .iter()
        .any(|c| c.fields.contains(&"addresses".to_string())));
    assert_eq!(d.changed.len() + d.unchanged, 17);

    // A malformed file is refused with file, line and field; v2 still serves.
    let bad_dir = tempfile::tempdir().unwrap();
    let bad = bad_dir.path().join("sdn.csv");
    std::fs::write(&bad, b"10278,\"X\",\"individual\",\"SDNT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\nabc,\"Y\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n").unwrap();
    let err = store.load_paths("ofac_sdn", None, &[bad]).unwrap_err();
    let msg = err.to_string();
    assert!(err.is_bad_input());
    assert!(
        msg.contains("sdn.csv: line 2") && msg.contains("ent_num"),
        "{msg}"
    );
    assert_eq!(store.current("ofac_sdn").unwrap().version, 2);

    // Versions beyond KEEP_VERSIONS are pruned from disk and manifest.
    store
        .load_paths(
            "ofac_sdn",
            None,
            &[set.join("sdn.csv"), set.join("alt.csv")],
        )
        .unwrap();
    store
        .load_paths(
            "ofac_sdn",
            None,
            &[set.join("sdn.csv"), set.join("add.csv")],
        )
        .unwrap();
    let history = store.manifest().unwrap().lists["ofac_sdn"].clone();
    assert_eq!(history.current, 4);
    assert_eq!(
        history
            .versions
            .iter()
            .map(|v| v.version)
            .collect::<Vec<_>>(),
        vec![2, 3, 4]
    );
    assert!(!dir.path().join("data/ofac_sdn/v1").exists());

    // A stored file that no longer matches its hash is reported, not parsed.
    let stored = dir.path().join("data/ofac_sdn/v4/sdn.csv");
    let mut bytes = std::fs::read(&stored).unwrap();
    bytes[10] ^= 0x20;
    std::fs::write(&stored, bytes).unwrap();
    let err = store.read_current("ofac_sdn").unwrap_err();
    assert!(err.to_string().contains("does not match"), "{err}");
}

#[test]
fn default_set_from_files_and_from_the_store() {
    use chokepoint_lists::{load_default_set, DefaultSetPaths};
    let paths = DefaultSetPaths {
        csl: Some(data("us_csl_2026-07-31/consolidated.csv")),
        un: Some(data(UN)),
        ofac_sdn: vec![data("ofac_sdn_set_2021-07-07")],
    };
    let set = load_default_set(&paths).unwrap();
    assert_eq!(set.lists.len(), 3);
    assert_eq!(set.entries.len(), 25_921 + 1_003 + 8_976);
    let keys: Vec<&str> = set.lists.iter().map(|m| m.source.as_str()).collect();
    assert_eq!(keys, vec!["us_csl", "un", "ofac_sdn"]);
    assert_eq!(set.lists[0].entry_count, 25_921);

    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    assert!(store.load_default_set().is_err());
    store.load_paths("un", None, &[data(UN)]).unwrap();
    let from_store = store.load_default_set().unwrap();
    assert_eq!(from_store.lists.len(), 1);
    assert_eq!(from_store.entries.len(), 1_003);
    assert_eq!(from_store.lists[0].sha256, set.lists[1].sha256);
}
