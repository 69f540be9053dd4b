//! HTTP-level tests of the store's routes (`tieup serve --db`): status, content type,
//! escaping, the CSRF refusal, 4xx errors, the whole save → decision → project → follow-up →
//! due → retrain → switch flow, and concurrent saves that lose no row. On the fixture catalog
//! `tests/fixtures/mini` with a temporary database.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tieup_serve::{AppState, StoreSetup, router};
use tower::ServiceExt;

const XSS: &str = "<script>alert(1)</script>";
const QUERY: &str = "region=fukushima&sector=medical+devices&top=5";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

struct Fixture {
    state: Arc<AppState>,
    dir: tempfile::TempDir,
    token: String,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("start.json");
    std::fs::copy(root().join("models/prior.json"), &model).unwrap();
    let data = root().join("tests/fixtures/mini");
    let setup = StoreSetup {
        db: dir.path().join("tieup.db"),
        retrain: Some(tieup_retrain::Setup {
            exchanges: data.join("partnerships.csv"),
            prior: root().join("models/prior.json"),
            params: linfa::ParamGuard::check(tieup_learn::TrainParams::new(
                tieup_learn::LearnerKind::PriorAnchored,
            ))
            .unwrap(),
        }),
        use_active_model: true,
    };
    let state = AppState::load(&data, &model)
        .unwrap()
        .with_store(setup)
        .unwrap();
    let state = Arc::new(state);
    Fixture {
        state,
        dir,
        token: String::new(),
    }
}

struct Reply {
    status: StatusCode,
    content_type: String,
    location: String,
    body: String,
}

async fn send(app: Router, request: Request<Body>) -> Reply {
    let response = app.oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let header_text = |name| {
        headers
            .get(name)
            .map(|v: &axum::http::HeaderValue| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    let content_type = header_text(header::CONTENT_TYPE);
    let location = header_text(header::LOCATION);
    drop(headers);
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        content_type,
        location,
        body: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

impl Fixture {
    async fn get(&self, uri: &str) -> Reply {
        let request = Request::get(uri).body(Body::empty()).unwrap();
        send(router(Arc::clone(&self.state)), request).await
    }

    async fn post(&self, uri: &str, fields: &[(&str, &str)]) -> Reply {
        let mut all = vec![("csrf", self.token.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(uri, &encode(&all), Some("http://localhost"))
            .await
    }

    async fn post_raw(&self, uri: &str, body: &str, origin: Option<&str>) -> Reply {
        let mut request = Request::post(uri)
            .header(header::HOST, "localhost")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(origin) = origin {
            request = request.header(header::ORIGIN, origin);
        }
        send(
            router(Arc::clone(&self.state)),
            request.body(Body::from(body.to_string())).unwrap(),
        )
        .await
    }

    /// Reads the form token from the shortlist page, as a browser would.
    async fn read_token(&mut self) {
        let page = self.get(&format!("/?{QUERY}")).await;
        let start = page
            .body
            .find(r#"name="csrf" value=""#)
            .expect("a store form")
            + 19;
        self.token = page.body[start..start + 32].to_string();
    }
}

fn encode(fields: &[(&str, &str)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in fields {
        s.append_pair(k, v);
    }
    s.finish()
}

fn assert_html(reply: &Reply, status: StatusCode) {
    assert_eq!(reply.status, status, "{}", reply.body);
    assert_eq!(reply.content_type, "text/html; charset=utf-8");
    assert!(reply.body.starts_with("<!DOCTYPE html>"));
}

async fn save(f: &Fixture, author: &str, note: &str) -> Reply {
    f.post(
        "/shortlists",
        &[("query", QUERY), ("author", author), ("note", note)],
    )
    .await
}

#[tokio::test]
async fn without_a_store_the_page_is_as_before_and_store_routes_explain_db() {
    let data = root().join("tests/fixtures/mini");
    let state = Arc::new(AppState::load(&data, &root().join("models/prior.json")).unwrap());
    let get = |uri: &'static str| {
        send(
            router(Arc::clone(&state)),
            Request::get(uri).body(Body::empty()).unwrap(),
        )
    };
    let page = get("/?region=fukushima&sector=medical+devices&top=5").await;
    assert_html(&page, StatusCode::OK);
    assert!(!page.body.contains("save-form") && !page.body.contains("nav-models"));
    for uri in [
        "/shortlists",
        "/shortlists/1",
        "/projects/1",
        "/follow-ups/due",
        "/models",
    ] {
        let reply = get(uri).await;
        assert_html(&reply, StatusCode::NOT_FOUND);
        assert!(reply.body.contains("tieup serve --db"), "{uri}");
    }
    let post = send(
        router(Arc::clone(&state)),
        Request::post("/shortlists")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("csrf=x"))
            .unwrap(),
    )
    .await;
    assert_html(&post, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn forms_without_the_token_or_from_another_origin_are_refused() {
    let mut f = fixture();
    f.read_token().await;
    let body = encode(&[("query", QUERY), ("author", "a"), ("csrf", &f.token)]);
    let no_token = encode(&[("query", QUERY), ("author", "a")]);
    let wrong = encode(&[("query", QUERY), ("author", "a"), ("csrf", "0123")]);
    for (body, origin) in [
        (no_token.as_str(), Some("http://localhost")),
        (wrong.as_str(), Some("http://localhost")),
        (body.as_str(), Some("http://evil.example")),
    ] {
        let reply = f.post_raw("/shortlists", body, origin).await;
        assert_html(&reply, StatusCode::FORBIDDEN);
        assert!(reply.body.contains("not sent from this page"));
    }
    for uri in [
        "/models/retrain",
        "/models/1/activate",
        "/projects",
        "/shortlists/1/decisions",
    ] {
        let reply = f.post_raw(uri, "csrf=nope", None).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{uri}");
    }
    // A JSON body is not a form.
    let json = send(
        router(Arc::clone(&f.state)),
        Request::post("/shortlists")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{}"))
            .unwrap(),
    )
    .await;
    assert_eq!(json.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(
        tieup_store::Store::open(&f.dir.path().join("tieup.db"))
            .unwrap()
            .shortlists()
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn saved_queries_record_the_filters_and_old_rows_still_load() {
    let mut f = fixture();
    f.read_token().await;
    let query = "region=fukushima&sector=medical+devices&top=5&country=SE&country=it\
                 &level=state&exclude=milan&max_per_country=1&expand=1";
    let reply = f
        .post("/shortlists", &[("query", query), ("author", "sato")])
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let plain = save(&f, "ito", "").await;
    assert_eq!(plain.location, "/shortlists/2");
    assert_eq!(reply.location, "/shortlists/1");
    let mut store = tieup_store::Store::open(&f.dir.path().join("tieup.db")).unwrap();
    let q = store.shortlist(1).unwrap().shortlist.query;
    assert_eq!(q["country"], serde_json::json!(["SE", "it"]));
    assert_eq!(q["exclude"], serde_json::json!(["milan"]));
    assert_eq!(q["level"], serde_json::json!(["state"]));
    assert_eq!(q["max_per_country"], "1");
    assert_eq!(q["expand"], true);
    assert_eq!(q["top"], "5");
    let page = q["page"].as_str().unwrap();
    for part in [
        "country=SE",
        "exclude=milan",
        "max_per_country=1",
        "expand=1",
    ] {
        assert!(page.contains(part), "{page}");
    }
    let q = store.shortlist(2).unwrap().shortlist.query;
    assert_eq!(q["country"], serde_json::json!([]));
    assert_eq!(q["exclude"], serde_json::json!([]));
    assert_eq!(q["expand"], false);
    // A row saved before the filters were recorded (only the query's first fields).
    let mut old = store.shortlist(2).unwrap().shortlist;
    old.query = serde_json::json!({"region": "fukushima", "sector": "medical devices",
        "want": [], "objective": [], "before": "", "top": "5", "wanted_features": [],
        "page": "/?region=fukushima&sector=medical+devices&top=5"});
    let id = store.save_shortlist(&old).unwrap();
    drop(store);
    let reply = f.get(&format!("/shortlists/{id}")).await;
    assert_html(&reply, StatusCode::OK);
    assert!(
        reply
            .body
            .contains("/?region=fukushima&amp;sector=medical+devices&amp;top=5")
    );
    assert_html(&f.get("/shortlists").await, StatusCode::OK);
}

#[tokio::test]
async fn saved_shortlists_escape_what_was_typed_and_limit_sizes() {
    let mut f = fixture();
    f.read_token().await;
    let reply = save(&f, XSS, XSS).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(reply.location, "/shortlists/1");
    for uri in ["/shortlists", "/shortlists/1"] {
        let page = f.get(uri).await;
        assert_html(&page, StatusCode::OK);
        assert!(!page.body.contains(XSS), "{uri}");
        assert!(
            page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{uri}"
        );
    }
    let long = "x".repeat(2001);
    assert_html(&save(&f, "a", &long).await, StatusCode::BAD_REQUEST);
    assert_html(&save(&f, "", "").await, StatusCode::BAD_REQUEST);
    let huge = "x".repeat(20_000);
    assert_eq!(
        save(&f, "a", &huge).await.status,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    let unknown = f
        .post(
            "/shortlists",
            &[("query", "region=atlantis&sector=medical"), ("author", "a")],
        )
        .await;
    assert_html(&unknown, StatusCode::BAD_REQUEST);
    assert_html(&f.get("/shortlists/99").await, StatusCode::NOT_FOUND);
    assert_html(&f.get("/shortlists/x").await, StatusCode::NOT_FOUND);
    let ja = f.get("/shortlists?lang=ja").await;
    assert!(ja.body.contains("保存した候補リスト"));
}

/// Save → decisions → project → follow-up → due → retrain → switch, through the routes.
#[tokio::test]
async fn the_whole_follow_up_loop() {
    let mut f = fixture();
    f.read_token().await;
    assert_eq!(save(&f, "sato", "first").await.location, "/shortlists/1");
    let page = f.get("/shortlists/1").await;
    let first = &page.body[page.body.find("id=\"c-").unwrap() + 6..];
    let region = &first[..first.find('"').unwrap()];
    let decide = |decision: &'static str, region: String| {
        let f = &f;
        async move {
            f.post(
                "/shortlists/1/decisions",
                &[
                    ("region", &region),
                    ("decision", decision),
                    ("date", "2026-01-15"),
                    ("author", "sato"),
                    ("reason", XSS),
                ],
            )
            .await
        }
    };
    assert_html(
        &decide("maybe", region.into()).await,
        StatusCode::BAD_REQUEST,
    );
    assert_html(
        &decide("agreed", "atlantis".into()).await,
        StatusCode::BAD_REQUEST,
    );
    let contacted = decide("contacted", region.into()).await;
    assert_eq!(contacted.status, StatusCode::SEE_OTHER);
    assert_eq!(contacted.location, format!("/shortlists/1#c-{region}"));
    assert_eq!(
        decide("agreed", region.into()).await.status,
        StatusCode::SEE_OTHER
    );
    let page = f.get("/shortlists/1").await;
    assert!(page.body.contains("&lt;script&gt;") && !page.body.contains(XSS));
    assert!(page.body.contains(r#"action="/projects""#));
    let project = |decision: &'static str, end: &'static str| {
        let f = &f;
        async move {
            f.post(
                "/projects",
                &[
                    ("shortlist", "1"),
                    ("decision", decision),
                    ("start_fy", "2026"),
                    ("end_fy", end),
                    ("body", "company"),
                    ("body", "prefecture"),
                    ("commitment", "sufficient"),
                    ("mediator", "yes"),
                ],
            )
            .await
        }
    };
    assert_html(&project("1", "2028").await, StatusCode::BAD_REQUEST); // contacted, not agreed
    assert_html(&project("2", "2025").await, StatusCode::BAD_REQUEST); // ends before it starts
    assert_html(&project("9", "2028").await, StatusCode::NOT_FOUND);
    let opened = project("2", "2028").await;
    assert_eq!(
        (opened.status, opened.location.as_str()),
        (StatusCode::SEE_OTHER, "/projects/1")
    );
    let due = f.get("/follow-ups/due?months=6").await;
    assert_html(&due, StatusCode::OK);
    assert!(due.body.contains("/projects/1"));
    assert_html(
        &f.get("/follow-ups/due?months=7").await,
        StatusCode::BAD_REQUEST,
    );
    let follow = |outcome: &'static str| {
        let f = &f;
        async move {
            f.post(
                "/projects/1/follow-ups",
                &[
                    ("date", "2099-01-01"),
                    ("outcome", outcome),
                    ("evidence", XSS),
                    ("author", "sato"),
                ],
            )
            .await
        }
    };
    assert_html(&follow("reported_success").await, StatusCode::BAD_REQUEST);
    assert_eq!(follow("during").await.location, "/projects/1");
    let project_page = f.get("/projects/1").await;
    assert_html(&project_page, StatusCode::OK);
    assert!(project_page.body.contains("results during the project"));
    assert!(!project_page.body.contains(XSS));
    assert!(
        !f.get("/follow-ups/due?months=12")
            .await
            .body
            .contains("/projects/1")
    );
    assert_html(&f.get("/projects/2").await, StatusCode::NOT_FOUND);
    retrain_and_switch(&f).await;
}

async fn retrain_and_switch(f: &Fixture) {
    let start = f.state.model_path();
    let models = f.get("/models").await;
    assert_html(&models, StatusCode::OK);
    assert!(models.body.contains("model-1") && models.body.contains("start.json"));
    let retrain = f.post("/models/retrain", &[]).await;
    assert_eq!(
        (retrain.status, retrain.location.as_str()),
        (StatusCode::SEE_OTHER, "/models")
    );
    let mut page = String::new();
    for _ in 0..600 {
        page = f.get("/models").await.body;
        if !page.contains("Retraining is running") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(page.contains("Retrained: new model 2"), "{page}");
    let new_model = f.dir.path().join("tieup.models/model-0001.json");
    assert!(new_model.is_file() && new_model.with_extension("evaluation.json").is_file());
    assert!(page.contains("median rank"));
    // A second retraining never writes over the first file.
    let before = std::fs::read(&new_model).unwrap();
    f.post("/models/retrain", &[]).await;
    for _ in 0..600 {
        if f.dir
            .path()
            .join("tieup.models/model-0002.json")
            .metadata()
            .is_ok_and(|m| m.len() > 0)
            && !f
                .get("/models")
                .await
                .body
                .contains("Retraining is running")
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(std::fs::read(&new_model).unwrap(), before);
    assert_eq!(
        f.state.model_path(),
        start,
        "retraining alone does not switch"
    );
    let switch = f.post("/models/2/activate", &[]).await;
    assert_eq!(switch.status, StatusCode::SEE_OTHER);
    assert_eq!(f.state.model_path(), new_model);
    let list = f.get(&format!("/?{QUERY}")).await;
    assert!(list.body.contains("model-0001.json"));
    assert_eq!(
        f.post("/models/1/activate", &[]).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(f.state.model_path(), start);
    assert_html(
        &f.post("/models/99/activate", &[]).await,
        StatusCode::NOT_FOUND,
    );
    let store = tieup_store::Store::open(&f.dir.path().join("tieup.db")).unwrap();
    assert_eq!(store.active_model().unwrap().unwrap().id, 1);
    // A restarted page starts with the store's active model; one whose file is gone gives
    // way to the page's own.
    assert_eq!(
        f.post("/models/2/activate", &[]).await.status,
        StatusCode::SEE_OTHER
    );
    let restart = || {
        AppState::load(&root().join("tests/fixtures/mini"), &start)
            .unwrap()
            .with_store(StoreSetup {
                db: f.dir.path().join("tieup.db"),
                retrain: None,
                use_active_model: true,
            })
            .unwrap()
    };
    assert_eq!(restart().model_path(), new_model);
    std::fs::remove_file(&new_model).unwrap();
    let restarted = restart();
    assert_eq!(restarted.model_path(), start);
    assert_eq!(store.active_model().unwrap().unwrap().id, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_saves_and_switches_lose_nothing() {
    let mut f = fixture();
    f.read_token().await;
    let f = Arc::new(f);
    let mut tasks = Vec::new();
    for i in 0..48 {
        let f = Arc::clone(&f);
        tasks.push(tokio::spawn(async move {
            if i % 8 == 7 {
                f.post("/models/1/activate", &[]).await.status
            } else {
                save(&f, &format!("author {i}"), "").await.status
            }
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), StatusCode::SEE_OTHER);
    }
    let store = tieup_store::Store::open(&f.dir.path().join("tieup.db")).unwrap();
    let ids = store.shortlists().unwrap();
    assert_eq!(ids.len(), 42);
    let mut authors: Vec<String> = ids
        .iter()
        .map(|&id| store.shortlist(id).unwrap().shortlist.author)
        .collect();
    authors.sort();
    authors.dedup();
    assert_eq!(authors.len(), 42);
    assert!(store.check().unwrap().is_ok());
}
