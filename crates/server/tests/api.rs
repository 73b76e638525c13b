//! The HTTP API end to end (in process, on a fresh SQLite store): roles per endpoint, checks,
//! screening, the review workflow, the audit trail, bad input, limits and panics.

mod common;

use axum::http::StatusCode;
use chokepoint_server::auth::{allowed_roles, Access};
use chokepoint_store::Role;
use common::*;

const H100: &str = r#"{"id":"SO-1","date":"2024-03-01","ship_from":"US","destination":"CN","end_uses":["datacenter"],
  "item":{"catalog":"nvidia-h100-sxm","origin":"TW","us_content_pct":0,"direct_product_of_us_technology":true},
  "parties":{"end_user":{"name":"Example Cloud","country":"CN","headquarters":"CN","parent_headquarters":"CN","lists":[]},
             "ultimate_consignee":{"name":"Example Cloud","country":"CN","headquarters":"CN","parent_headquarters":"CN","lists":[]}},
  "exporter":{"us_person":true,"headquarters":"US"}}"#;

fn concrete(path: &str) -> String {
    path.replace("{id}", "1")
        .replace("{seq}", "1")
        .replace("{dataset}", "default")
}

#[tokio::test]
async fn every_route_enforces_its_roles() {
    let app = app().await;
    for &(method, path, access) in chokepoint_server::ROUTES {
        let uri = concrete(path);
        let Some(access) = access else {
            let r = app.call(method, &uri, None, "", "application/json").await;
            assert_eq!(
                r.status,
                StatusCode::OK,
                "{method} {path} is open: {}",
                r.text
            );
            continue;
        };
        let r = app.call(method, &uri, None, "{}", "application/json").await;
        assert_eq!(
            r.status,
            StatusCode::UNAUTHORIZED,
            "{method} {path} without a token"
        );
        assert_eq!(r.headers.get("www-authenticate").unwrap(), "Bearer");
        let mut bad = axum::http::Request::builder()
            .method(method)
            .uri(&uri)
            .header("authorization", "Bearer cpk_forged_secret");
        bad = bad.header("content-type", "application/json");
        let resp = tower::ServiceExt::oneshot(
            app.router.clone(),
            bad.body(axum::body::Body::from("{}")).unwrap(),
        )
        .await
        .unwrap();
        assert_eq!(
            resp.status(),
            StatusCode::UNAUTHORIZED,
            "{method} {path} with a forged token"
        );
        for role in Role::ALL {
            let r = app
                .call(method, &uri, Some(role), "{}", "application/json")
                .await;
            if allowed_roles(access).contains(&role) {
                assert!(
                    r.status != StatusCode::UNAUTHORIZED && r.status != StatusCode::FORBIDDEN,
                    "{method} {path} as {role}: {} {}",
                    r.status,
                    r.text
                );
            } else {
                assert_eq!(
                    r.status,
                    StatusCode::FORBIDDEN,
                    "{method} {path} as {role}: {}",
                    r.text
                );
                assert!(r.json()["error"]["message"]
                    .as_str()
                    .unwrap()
                    .contains(role.as_str()));
            }
        }
    }
}

#[test]
fn role_policy_is_what_the_docs_say() {
    use Role::*;
    assert_eq!(allowed_roles(Access::Screen), &[Screener, Reviewer, Admin]);
    assert!(
        !allowed_roles(Access::Screen).contains(&Auditor),
        "auditors change nothing and screen nothing"
    );
    assert_eq!(allowed_roles(Access::ReviewDecide), &[Reviewer, Admin]);
    assert_eq!(allowed_roles(Access::Audit), &[Auditor, Admin]);
    assert_eq!(allowed_roles(Access::Admin), &[Admin]);
}

#[tokio::test]
async fn openapi_documents_every_route() {
    let app = app().await;
    let doc = app.call("GET", "/openapi.json", None, "", "").await.json();
    for &(method, path, access) in chokepoint_server::ROUTES {
        let op = &doc["paths"][path][method.to_lowercase()];
        assert!(op.is_object(), "{method} {path} missing from /openapi.json");
        if access.is_some() {
            assert!(
                op["security"].is_array(),
                "{method} {path} does not declare bearer security"
            );
        }
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
}

#[tokio::test]
async fn check_returns_the_determination_with_citations_and_records_it() {
    let app = app().await;
    let r = app.post("/v1/check", Role::Screener, H100).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let v = r.json();
    let us = v["determinations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["jurisdiction"] == "US")
        .unwrap();
    assert_eq!(us["outcome"], "licence_required");
    assert!(us["classifications"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c == "3A090.a"));
    assert!(us["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .all(|x| x["cite"].as_str().is_some_and(|c| c.contains("CFR"))));
    let seq = v["audit"]["seq"].as_i64().unwrap();
    // The record holds the request byte for byte, the report, the rulebook version and the caller.
    let rec = app
        .get(&format!("/v1/audit/{seq}"), Role::Auditor)
        .await
        .json();
    assert_eq!(rec["kind"], "check");
    assert_eq!(rec["actor_role"], "screener");
    assert_eq!(rec["actor_name"], "test-screener");
    assert_eq!(rec["rulebook_version"], app.state.book.version);
    assert_eq!(rec["request"]["body"]["id"], "SO-1");
    assert_eq!(rec["response"]["determinations"], v["determinations"]);
    assert_eq!(rec["hash"], v["audit"]["hash"]);
    let record = app.state.store.audit_get(seq).await.unwrap();
    assert!(
        record.request.contains(H100),
        "the shipment is stored as sent"
    );
    // TOML works too, and options come from the query string.
    let toml =
        std::fs::read_to_string(repo().join("examples/h100-to-china-datacenter.toml")).unwrap();
    let r = app
        .call(
            "POST",
            "/v1/check?date=2022-01-01&jurisdiction=US",
            Some(Role::Screener),
            &toml,
            "application/toml",
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["as_of"], "2022-01-01");
    let v = app.get("/v1/audit/verify", Role::Auditor).await.json();
    assert_eq!(
        (v["ok"].as_bool(), v["records"].as_u64()),
        (Some(true), Some(2))
    );
}

#[tokio::test]
async fn bad_input_is_a_4xx_naming_the_field() {
    let app = app().await;
    let cases: Vec<(&str, String, StatusCode, &str)> = vec![
        ("/v1/check", r#"{"ship_from":"US","#.into(), StatusCode::BAD_REQUEST, "body"),
        ("/v1/check", "".into(), StatusCode::BAD_REQUEST, "body"),
        ("/v1/check", r#"{"ship_from":"US","destination":"CN","item":{"kind":"integrated_circuit","memory_bandwidth":"3 parsecs"}}"#.into(), StatusCode::UNPROCESSABLE_ENTITY, "item.memory_bandwidth"),
        ("/v1/check", r#"{"ship_from":"XX","destination":"CN","item":{"kind":"integrated_circuit"}}"#.into(), StatusCode::UNPROCESSABLE_ENTITY, "ship_from"),
        ("/v1/check?date=yesterday", H100.into(), StatusCode::BAD_REQUEST, "query.date"),
        ("/v1/check?posture=lenient", H100.into(), StatusCode::BAD_REQUEST, "query.posture"),
        ("/v1/check?jurisdiction=ZZ", H100.into(), StatusCode::BAD_REQUEST, "query.jurisdiction"),
        ("/v1/check?colour=red", H100.into(), StatusCode::BAD_REQUEST, "query.colour"),
        ("/v1/screen", r#"{"name": 5}"#.into(), StatusCode::UNPROCESSABLE_ENTITY, "name"),
        ("/v1/screen", r#"{"name": "x", "nmae": "y"}"#.into(), StatusCode::UNPROCESSABLE_ENTITY, "nmae"),
        ("/v1/screen", r#"{"name": "  "}"#.into(), StatusCode::UNPROCESSABLE_ENTITY, "name"),
        ("/v1/screen", r#"{"name": "acme", "threshold": 7}"#.into(), StatusCode::UNPROCESSABLE_ENTITY, "threshold"),
        ("/v1/screen", r#"{"name": "acme", "schema": "Dragon"}"#.into(), StatusCode::UNPROCESSABLE_ENTITY, "schema"),
        ("/v1/screen", r#"{"name": "acme", "identifiers": [1]}"#.into(), StatusCode::UNPROCESSABLE_ENTITY, "identifiers[0]"),
        ("/v1/screen", "[".into(), StatusCode::BAD_REQUEST, "body"),
        ("/v1/match", r#"{"pairs":[{"a":"x","b":""}]}"#.into(), StatusCode::UNPROCESSABLE_ENTITY, "pairs[0].b"),
        ("/match/default", r#"{"queries":{"q1":{"schema":"Person","properties":{"name":[3]}}}}"#.into(), StatusCode::UNPROCESSABLE_ENTITY, "queries.q1.properties.name[0]"),
        ("/v1/tokens", r#"{"name":"x","role":"king"}"#.into(), StatusCode::UNPROCESSABLE_ENTITY, "role"),
    ];
    for (path, body, status, field) in cases {
        let r = app.post(path, Role::Admin, &body).await;
        assert_eq!(r.status, status, "{path} {body}: {}", r.text);
        let e = r.json();
        assert_eq!(e["error"]["field"], field, "{path} {body}: {}", r.text);
        assert_eq!(e["error"]["status"], status.as_u16());
    }
    // The unknown field is named in the message.
    let r = app
        .post("/v1/screen", Role::Admin, r#"{"name": "x", "nmae": "y"}"#)
        .await;
    assert!(r.text.contains("nmae"), "{}", r.text);
    // Bad path and query values.
    let r = app.get("/v1/cases/abc", Role::Reviewer).await;
    assert_eq!(
        (r.status, r.json()["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("path.id"))
    );
    let r = app.get("/v1/audit?limit=100000", Role::Auditor).await;
    assert_eq!(
        (r.status, r.json()["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("query.limit"))
    );
    let r = app.get("/v1/audit?limit=ten", Role::Auditor).await;
    assert_eq!(
        (r.status, r.json()["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("query.limit"))
    );
    let r = app.get("/v1/nowhere", Role::Admin).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Nothing refused was recorded.
    assert_eq!(app.state.store.audit_head().await.unwrap().0, 0);
}

#[tokio::test]
async fn limits_answer_413() {
    let app = app().await;
    let big = format!(r#"{{"name": "{}"}}"#, "a".repeat(70 * 1024));
    let r = app.post("/v1/screen", Role::Screener, &big).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text);
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("65536 bytes"));
    let r = app
        .post(
            "/v1/check",
            Role::Screener,
            &format!("{H100}{}", " ".repeat(70 * 1024)),
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    // Batches: more lines than the limit (20 in the test config).
    let lines: String = (0..21)
        .map(|i| format!("{{\"name\":\"party {i}\"}}\n"))
        .collect();
    let r = app
        .call(
            "POST",
            "/v1/screen/batch",
            Some(Role::Screener),
            &lines,
            "application/x-ndjson",
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text);
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("more than 20"));
    // A batch body may be larger than a plain body, up to its own limit.
    let wide: String = (0..4)
        .map(|_| format!("{{\"name\":\"{}\"}}\n", "b".repeat(900)))
        .collect::<String>()
        + &" ".repeat(70 * 1024);
    let r = app
        .call(
            "POST",
            "/v1/screen/batch",
            Some(Role::Screener),
            &wide,
            "application/x-ndjson",
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = app
        .call(
            "POST",
            "/v1/screen/batch",
            Some(Role::Screener),
            &" ".repeat(300 * 1024),
            "application/x-ndjson",
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    let pairs: Vec<_> = (0..1001)
        .map(|_| serde_json::json!({"a": "x", "b": "y"}))
        .collect();
    let r = app
        .post(
            "/v1/match",
            Role::Screener,
            &serde_json::json!({ "pairs": pairs }).to_string(),
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn a_panic_is_a_plain_500() {
    let app = app().await;
    let boom = axum::Router::new().route(
        "/boom",
        axum::routing::get(|| async {
            if true {
                panic!("secret internals")
            }
            "unreachable"
        }),
    );
    let router = chokepoint_server::with_layers(boom, &app.state);
    let req = axum::http::Request::builder()
        .uri("/boom")
        .body(axum::body::Body::empty())
        .unwrap();
    let resp = tower::ServiceExt::oneshot(router, req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = http_body_util::BodyExt::collect(resp.into_body())
        .await
        .unwrap()
        .to_bytes();
    let text = String::from_utf8_lossy(&body);
    assert!(
        text.contains("internal error") && !text.contains("secret"),
        "{text}"
    );
}

#[tokio::test]
async fn screening_a_match_and_a_clear_name() {
    let app = app().await;
    let r = app
        .post(
            "/v1/screen?detail=full",
            Role::Screener,
            r#"{"name": "BANCO NACIONAL DE CUBA"}"#,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let v = r.json();
    assert_eq!(v["status"], "match");
    assert_eq!(v["hits"][0]["entry"]["id"], "306");
    assert_eq!(v["hits"][0]["decision"], "match");
    assert!(v["hits"][0]["explanation"]["name"]["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["matched"] == "cuba"));
    assert!(
        v["hits"][0].get("case_id").is_none(),
        "a match opens no case"
    );
    let rec = app
        .state
        .store
        .audit_get(v["audit"]["seq"].as_i64().unwrap())
        .await
        .unwrap();
    assert_eq!(rec.kind, "screen");
    assert_eq!(
        rec.list_versions,
        r#"{"ofac_sdn":"ofac_sdn-sha","us_csl":"us_csl-sha"}"#
    );
    let r = app
        .post(
            "/v1/screen",
            Role::Screener,
            r#"{"name": "Harmless Bakery GmbH"}"#,
        )
        .await
        .json();
    assert_eq!(
        (r["status"].as_str(), r["hits"].as_array().unwrap().len()),
        (Some("clear"), 0)
    );
    // No lists loaded: 503 that says what to do.
    app.state.set_screening(None);
    let r = app
        .post("/v1/screen", Role::Screener, r#"{"name": "x"}"#)
        .await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(r.text.contains("lists update"));
}

#[tokio::test]
async fn review_band_hit_opens_a_case_a_no_match_clears_it_until_the_entry_changes() {
    let app = app().await;
    let q = r#"{"name": "Kestrel Photonics Trading", "party_id": "SUP-77"}"#;
    let v = app.post("/v1/screen", Role::Screener, q).await.json();
    assert_eq!(v["status"], "review", "{v}");
    let hit = &v["hits"][0];
    assert_eq!(
        (hit["decision"].as_str(), hit["entry"]["id"].as_str()),
        (Some("review"), Some("csl-4"))
    );
    let case_id = hit["case_id"].as_i64().unwrap();
    // The same screening again joins the open case.
    let again = app.post("/v1/screen", Role::Screener, q).await.json();
    assert_eq!(again["hits"][0]["case_id"].as_i64(), Some(case_id));

    let queue = app.get("/v1/cases", Role::Reviewer).await.json();
    assert_eq!(queue["cases"].as_array().unwrap().len(), 1);
    assert_eq!(queue["cases"][0]["party_key"], "id:SUP-77");
    assert_eq!(
        queue["cases"][0]["hit"]["entry"]["names"][0]["full"],
        "Shenzhen Kestrel Photonics Limited"
    );

    // Screeners cannot decide; a reason is required; the decision is one of two.
    let path = format!("/v1/cases/{case_id}/decision");
    assert_eq!(
        app.post(
            &path,
            Role::Screener,
            r#"{"decision":"no_match","reason":"x"}"#
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let r = app
        .post(
            &path,
            Role::Reviewer,
            r#"{"decision":"no_match","reason":"  "}"#,
        )
        .await;
    assert_eq!(
        (r.status, r.json()["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("reason"))
    );
    let r = app
        .post(
            &path,
            Role::Reviewer,
            r#"{"decision":"maybe","reason":"x"}"#,
        )
        .await;
    assert_eq!(
        (r.status, r.json()["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("decision"))
    );

    let r = app.post(&path, Role::Reviewer, r#"{"decision":"no_match","reason":"Our supplier is a Dutch optics firm, not this entity"}"#).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let d = r.json();
    assert_eq!(d["case"]["status"], "no_match");
    assert!(d["case"]["decided_by"]
        .as_str()
        .unwrap()
        .contains("test-reviewer"));
    let rec = app
        .get(&format!("/v1/audit/{}", d["audit"]["seq"]), Role::Auditor)
        .await
        .json();
    assert_eq!(
        (rec["kind"].as_str(), rec["actor_role"].as_str()),
        (Some("review"), Some("reviewer"))
    );
    assert_eq!(
        rec["response"]["reason"],
        "Our supplier is a Dutch optics firm, not this entity"
    );
    // Deciding again: 409.
    assert_eq!(
        app.post(
            &path,
            Role::Reviewer,
            r#"{"decision":"match","reason":"x"}"#
        )
        .await
        .status,
        StatusCode::CONFLICT
    );

    // Screened again: the allow-list clears the hit, no case.
    let v = app.post("/v1/screen", Role::Screener, q).await.json();
    assert_eq!(v["status"], "clear", "{v}");
    assert_eq!(v["hits"][0]["allowed"]["case_id"].as_i64(), Some(case_id));
    assert!(v["hits"][0].get("case_id").is_none());
    // Another party with the same name is not cleared.
    let other = app
        .post(
            "/v1/screen",
            Role::Screener,
            r#"{"name": "Kestrel Photonics Trading", "party_id": "SUP-78"}"#,
        )
        .await
        .json();
    assert_eq!(other["status"], "review");
    let allow = app.get("/v1/allow-list", Role::Auditor).await.json();
    assert_eq!(allow["entries"].as_array().unwrap().len(), 1);

    // The list entry changes (a new address): the allow-list entry no longer applies.
    let mut changed = entries();
    changed[3].addresses.push(chokepoint_lists::Address {
        text: Some("1 Optics Road".into()),
        city: Some("Shenzhen".into()),
        country: Some("CN".into()),
    });
    app.state.set_screening(Some(screening(changed)));
    let v = app.post("/v1/screen", Role::Screener, q).await.json();
    assert_eq!(v["status"], "review", "{v}");
    assert!(v["hits"][0].get("allowed").is_none());
    let new_case = v["hits"][0]["case_id"].as_i64().unwrap();
    assert_ne!(new_case, case_id);
    assert!(app.get("/v1/audit/verify", Role::Admin).await.json()["ok"]
        .as_bool()
        .unwrap());
}

#[tokio::test]
async fn batch_streams_one_line_per_query_each_audited() {
    let app = app().await;
    let body = "{\"name\":\"Banco Nacional de Cuba\"}\n\n{\"name\":\"Kestrel Photonics Trading\",\"party_id\":\"B-2\"}\n{\"name\":\"Nobody In Particular\"}\n";
    let r = app
        .call(
            "POST",
            "/v1/screen/batch",
            Some(Role::Screener),
            body,
            "application/x-ndjson",
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.headers["content-type"], "application/x-ndjson");
    let lines: Vec<serde_json::Value> = r
        .text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(
        lines
            .iter()
            .map(|l| l["line"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        vec![1, 3, 4]
    );
    assert_eq!(lines[0]["result"]["status"], "match");
    assert_eq!(lines[1]["result"]["status"], "review");
    assert!(lines[1]["result"]["hits"][0]["case_id"].is_i64());
    assert_eq!(lines[2]["result"]["status"], "clear");
    let seqs: Vec<i64> = lines
        .iter()
        .map(|l| l["result"]["audit"]["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs.len(), 3);
    // A bad line refuses the whole batch before anything is screened, naming the line and field.
    let r = app
        .call(
            "POST",
            "/v1/screen/batch",
            Some(Role::Screener),
            "{\"name\":\"ok\"}\n{\"name\":\"ok\",\"threshold\":\"high\"}\n",
            "application/x-ndjson",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["field"], "line 2.threshold");
    let r = app
        .call(
            "POST",
            "/v1/screen/batch",
            Some(Role::Screener),
            "{\"name\":\"ok\"}\nnot json\n",
            "application/x-ndjson",
        )
        .await;
    assert_eq!(
        (r.status, r.json()["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("line 2"))
    );
    assert_eq!(app.state.store.audit_head().await.unwrap().0, 3);
}

#[tokio::test]
async fn yente_compatible_match() {
    let app = app().await;
    let body = r#"{"queries":{"q1":{"schema":"Company","properties":{"name":["Banco Nacional de Cuba"],"country":["cu"]}},
                               "q2":{"schema":"Person","properties":{"firstName":["Jane"],"lastName":["Doe"]}}}}"#;
    let r = app
        .post("/match/default?limit=3", Role::Screener, body)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let v = r.json();
    let q1 = &v["responses"]["q1"];
    assert_eq!(q1["status"], 200);
    assert_eq!(q1["results"][0]["id"], "ofac_sdn-306");
    assert_eq!(q1["results"][0]["caption"], "Banco Nacional de Cuba");
    assert_eq!(q1["results"][0]["schema"], "Organization");
    assert_eq!(q1["results"][0]["match"], true);
    assert!(q1["results"][0]["score"].as_f64().unwrap() > 0.8);
    assert_eq!(q1["total"]["value"], 1);
    assert_eq!(
        q1["query"]["properties"]["name"][0],
        "Banco Nacional de Cuba"
    );
    assert_eq!(v["responses"]["q2"]["results"].as_array().unwrap().len(), 0);
    assert_eq!(v["limit"], 3);
    // yente's `algorithm` is accepted and echoed; the matcher is chokepoint's whatever is asked.
    let r = app
        .post("/match/default?algorithm=logic-v1", Role::Screener, body)
        .await
        .json();
    assert_eq!(r["algorithm"], "logic-v1");
    assert_eq!(r["matcher"]["name"], "chokepoint");
    // Restricted to one list.
    let r = app.post("/match/us_csl", Role::Screener, body).await.json();
    assert_eq!(r["responses"]["q1"]["results"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn match_pairs_explains_scores() {
    let app = app().await;
    let r = app.post("/v1/match", Role::Screener, r#"{"pairs":[{"a":"Banco Nacional de Cuba","b":"BANCO NACIONAL CUBA"},{"a":"Acme","b":"Zenith"}]}"#).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let v = r.json();
    assert!(v["results"][0]["score"].as_f64().unwrap() > 0.9);
    assert!(v["results"][1]["score"].as_f64().unwrap() < 0.5);
    assert!(v["results"][0]["explanation"]["tokens"].is_array());
    // Audited like a screening, without a party or a case.
    let rec = app
        .state
        .store
        .audit_get(v["audit"]["seq"].as_i64().unwrap())
        .await
        .unwrap();
    assert_eq!(rec.kind, "match");
    assert_eq!(
        rec.list_versions,
        r#"{"ofac_sdn":"ofac_sdn-sha","us_csl":"us_csl-sha"}"#
    );
    assert!(
        rec.request.contains("BANCO NACIONAL CUBA"),
        "{}",
        rec.request
    );
    let mut sent = v.clone();
    sent.as_object_mut().unwrap().remove("audit");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&rec.response).unwrap(),
        sent
    );
}

#[tokio::test]
async fn tokens_over_http_and_revocation() {
    let app = app().await;
    let r = app
        .post(
            "/v1/tokens",
            Role::Admin,
            r#"{"name":"erp-prod","role":"screener"}"#,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let v = r.json();
    let secret = v["secret"].as_str().unwrap().to_string();
    let id = v["token"]["id"].as_str().unwrap().to_string();
    let rec = app
        .state
        .store
        .audit_get(v["audit"]["seq"].as_i64().unwrap())
        .await
        .unwrap();
    assert!(
        !rec.response.contains(&secret) && !rec.request.contains(&secret),
        "the secret never reaches the audit trail"
    );
    let call = |s: String| {
        let router = app.router.clone();
        async move {
            let req = axum::http::Request::builder()
                .uri("/v1/whoami")
                .header("authorization", format!("Bearer {s}"))
                .body(axum::body::Body::empty())
                .unwrap();
            tower::ServiceExt::oneshot(router, req)
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(call(secret.clone()).await, StatusCode::OK);
    let list = app.get("/v1/tokens", Role::Admin).await;
    assert!(!list.text.contains(&secret));
    assert_eq!(
        app.call(
            "DELETE",
            &format!("/v1/tokens/{id}"),
            Some(Role::Admin),
            "",
            ""
        )
        .await
        .status,
        StatusCode::OK
    );
    assert_eq!(call(secret).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn health_readiness_and_metrics() {
    let app = app().await;
    let r = app.call("GET", "/readyz", None, "", "").await;
    assert_eq!(r.status, StatusCode::OK);
    let v = r.json();
    assert_eq!(
        (
            v["status"].as_str(),
            v["store"].as_str(),
            v["list_entries"].as_u64()
        ),
        (Some("ready"), Some("sqlite"), Some(4))
    );
    app.post("/v1/check", Role::Screener, H100).await;
    app.post("/v1/screen", Role::Screener, r#"{"name":"x"}"#)
        .await;
    let m = app.call("GET", "/metrics", None, "", "").await.text;
    assert!(
        m.contains(
            r#"chokepoint_http_requests_total{method="POST",route="/v1/check",status="200"} 1"#
        ),
        "{m}"
    );
    assert!(
        m.contains(r#"chokepoint_audit_records_total{kind="check"} 1"#),
        "{m}"
    );
    assert!(m.contains("chokepoint_http_request_duration_seconds_bucket"));
    assert!(m.contains("chokepoint_list_entries 4"));
    app.state.store.close().await;
    let r = app.call("GET", "/readyz", None, "", "").await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn the_web_ui_is_served() {
    let app = app().await;
    let r = app.call("GET", "/", None, "", "").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(r.text.contains("chokepoint"));
    assert_eq!(
        app.call("GET", "/ui/app.js", None, "", "").await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.call("GET", "/ui/nope.js", None, "", "").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn screening_answers_compactly_by_default_and_records_what_it_sent() {
    let app = app().await;
    let body = r#"{"name": "BANCO NACIONAL DE CUBA"}"#;
    let r = app.post("/v1/screen", Role::Screener, body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let v = r.json();
    let hit = &v["hits"][0];
    assert_eq!(hit["entry"]["id"], "306");
    assert_eq!(hit["entry"]["source"], "ofac_sdn");
    assert_eq!(hit["entry_name"], "Banco Nacional de Cuba", "{hit}");
    assert!(hit.get("explanation").is_none(), "{hit}");
    assert!(hit["entry"].get("names").is_none(), "{hit}");
    // The audit record holds the response as sent, less the reference to the record itself.
    let seq = v["audit"]["seq"].as_i64().unwrap();
    let rec = app.state.store.audit_get(seq).await.unwrap();
    let mut sent = v.clone();
    sent.as_object_mut().unwrap().remove("audit");
    let stored: serde_json::Value = serde_json::from_str(&rec.response).unwrap();
    assert_eq!(stored, sent);

    let full = app
        .post("/v1/screen?detail=full", Role::Screener, body)
        .await
        .json();
    assert!(full["hits"][0]["explanation"]["name"]["tokens"].is_array());
    assert!(full["hits"][0]["entry"]["names"].is_array());
    assert!(r.text.len() < serde_json::to_string(&full).unwrap().len());

    let bad = app
        .post("/v1/screen?detail=everything", Role::Screener, body)
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.text);
    assert_eq!(bad.json()["error"]["field"], "query.detail");
}
