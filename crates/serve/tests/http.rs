//! HTTP-level tests of every route (status, content type, escaping, errors, limits) through
//! `tower::ServiceExt::oneshot`, on the fixture catalog `tests/fixtures/mini` (plus one
//! hostile region) and, where that is the point, the shipped `data/`.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use tieup_core::catalog::Catalog;
use tieup_core::features::Encoder;
use tieup_core::model::LinearModel;
use tieup_core::report::ShortlistReport;
use tieup_serve::{AppState, Limits, router, router_with_limits};
use tower::ServiceExt;

const XSS: &str = "<script>alert(1)</script>";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn model_path() -> PathBuf {
    root().join("models/prior.json")
}

/// The fixture catalog plus a region whose name, alias and trait note are HTML.
fn hostile_fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mini = root().join("tests/fixtures/mini");
    for entry in std::fs::read_dir(&mini).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    let append = |file: &str, line: &str| {
        let path = dir.path().join(file);
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str(line);
        std::fs::write(&path, text).unwrap();
    };
    append(
        "overseas_regions.csv",
        &format!(
            "hostile,{XSS},\"<img src=x onerror=alert(2)>\",SE,,state,55.6,13.0,1,sv;en,fixture\n"
        ),
    );
    append(
        "traits.csv",
        "hostile,advanced_technology,0.9,curated,\"<b onmouseover=alert(3)>bold</b> & more\"\n\
         hostile,design_ability,0.5,curated,x\nhostile,brand_image,0.5,curated,x\n\
         hostile,materials,0.5,curated,x\nhostile,japan_tech_demand,0.5,curated,x\n",
    );
    append(
        "strengths.csv",
        "hostile,medical_devices,0.9,curated,\"<i>x</i>\"\n",
    );
    dir
}

fn fixture_state() -> Arc<AppState> {
    static STATE: OnceLock<Arc<AppState>> = OnceLock::new();
    STATE
        .get_or_init(|| {
            let dir = hostile_fixture();
            let state = AppState::load(dir.path(), &model_path()).unwrap();
            Arc::new(state)
        })
        .clone()
}

fn shipped_state() -> Arc<AppState> {
    static STATE: OnceLock<Arc<AppState>> = OnceLock::new();
    STATE
        .get_or_init(|| Arc::new(AppState::load(&root().join("data"), &model_path()).unwrap()))
        .clone()
}

struct Reply {
    status: StatusCode,
    content_type: String,
    headers: axum::http::HeaderMap,
    body: String,
}

async fn get_with(app: Router, uri: &str) -> Reply {
    let response = app
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        content_type,
        headers,
        body: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

async fn get(uri: &str) -> Reply {
    get_with(router(fixture_state()), uri).await
}

fn assert_html(reply: &Reply, status: StatusCode) {
    assert_eq!(reply.status, status, "{}", reply.body);
    assert_eq!(reply.content_type, "text/html; charset=utf-8");
    assert!(reply.body.starts_with("<!DOCTYPE html>"));
    assert!(reply.headers.contains_key(header::CONTENT_SECURITY_POLICY));
}

#[tokio::test]
async fn start_page_has_the_form_and_type_ahead_lists() {
    let reply = get("/").await;
    assert_html(&reply, StatusCode::OK);
    assert!(
        reply
            .body
            .contains(r#"<form class="query" method="get" action="/">"#)
    );
    assert!(reply.body.contains(r#"<datalist id="japan-regions">"#));
    assert!(
        reply
            .body
            .contains(r#"<option value="Fukushima Prefecture">"#)
    );
    // Type-ahead is limited to the right kind: no overseas region among the Japanese ones.
    let japan_list = reply
        .body
        .split("<datalist id=\"sectors\">")
        .next()
        .unwrap();
    assert!(!japan_list.contains("Skåne"));
}

#[tokio::test]
async fn shortlist_page_lists_candidates_with_bars_and_full_reasons() {
    let reply = get("/?region=fukushima&sector=medical+devices&top=5").await;
    assert_html(&reply, StatusCode::OK);
    assert_eq!(reply.body.matches(r#"<tr class="candidate""#).count(), 5);
    assert!(reply.body.contains(r#"class="bar pos""#));
    assert!(
        reply.body.contains(r#"class="bar neg""#),
        "costs show as negative bars"
    );
    assert!(reply.body.contains("<details class=\"reasons\">"));
    assert_eq!(reply.body.matches("<g class=\"top\"><a ").count(), 1);
    assert!(
        reply.body.contains(r#"<image href="/static/world.svg""#),
        "the map"
    );
    assert!(reply.body.contains("curated"), "provenance is shown");
    assert!(
        reply
            .body
            .contains("/export.csv?region=fukushima&amp;sector=medical+devices&amp;top=5")
    );
}

#[tokio::test]
async fn catalog_strings_are_escaped() {
    let reply = get("/?region=fukushima&sector=medical+devices&top=20").await;
    assert_html(&reply, StatusCode::OK);
    assert!(reply.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!reply.body.contains(XSS));
    assert!(!reply.body.contains("<b onmouseover"));
    let profile = get("/region/hostile?region=fukushima&sector=medical+devices").await;
    assert_html(&profile, StatusCode::OK);
    assert!(
        profile
            .body
            .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
    );
    assert!(
        profile
            .body
            .contains("&lt;b onmouseover=alert(3)&gt;bold&lt;/b&gt; &amp; more")
    );
    assert!(!profile.body.contains(XSS) && !profile.body.contains("<i>x</i>"));
}

#[tokio::test]
async fn user_input_is_escaped_in_error_pages() {
    let reply = get("/?region=%3Cscript%3Ealert(1)%3C%2Fscript%3E&sector=medical").await;
    assert_html(&reply, StatusCode::BAD_REQUEST);
    assert!(!reply.body.contains(XSS));
    assert!(reply.body.contains("&lt;script&gt;"));
}

#[tokio::test]
async fn unknown_names_are_4xx_with_the_cli_suggestions() {
    let catalog = fixture_state().catalog();
    let expected = catalog.find_japan_region("fukushma").unwrap_err();
    let reply = get("/?region=fukushma&sector=medical").await;
    assert_html(&reply, StatusCode::BAD_REQUEST);
    let message = maud::html! { (expected.to_string()) }.into_string();
    assert!(reply.body.contains(&message), "{}", reply.body);
    assert!(reply.body.contains(r#"<ul class="suggestions">"#));
    assert!(reply.body.contains("?region=fukushima&amp;sector=medical"));

    let api = get("/api/shortlist?region=fukushima&sector=medicl").await;
    assert_eq!(api.status, StatusCode::BAD_REQUEST);
    assert_eq!(api.content_type, "application/json");
    let json: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    let expected = catalog.sectors().find("medicl").unwrap_err();
    assert_eq!(json["error"], expected.to_string());
    if let tieup_core::Error::UnknownName { suggestions, .. } = expected {
        assert_eq!(json["suggestions"], serde_json::json!(suggestions));
    }

    let overseas_as_japanese = get("/?region=skane&sector=medical").await;
    assert_eq!(overseas_as_japanese.status, StatusCode::BAD_REQUEST);
    for bad in [
        "/?region=fukushima&sector=medical&top=0",
        "/?region=fukushima&sector=medical&before=19x5",
        "/?region=fukushima&sector=medical&want=nosuch",
    ] {
        assert_eq!(get(bad).await.status, StatusCode::BAD_REQUEST, "{bad}");
    }
}

#[tokio::test]
async fn profile_page_and_its_errors() {
    let reply = get("/region/skane?region=fukushima&sector=medical+devices").await;
    assert_html(&reply, StatusCode::OK);
    for part in [
        "id=\"why\"",
        "id=\"strengths\"",
        "id=\"traits\"",
        "id=\"partnerships\"",
        "p_fukushima_sweden",
        "id=\"geography\"",
    ] {
        assert!(reply.body.contains(part), "{part}");
    }
    assert!(
        reply.body.contains("rank "),
        "the rank for the query is shown"
    );
    let without_query = get("/region/skane").await;
    assert_html(&without_query, StatusCode::OK);
    assert_html(&get("/region/nosuch").await, StatusCode::NOT_FOUND);
    assert_html(&get("/region/fukushima").await, StatusCode::NOT_FOUND);
    let suggestion = get("/region/skan").await;
    assert!(
        suggestion.body.contains("/region/skane"),
        "{}",
        suggestion.body
    );
}

#[tokio::test]
async fn compare_two_or_three() {
    let reply = get("/compare?region=fukushima&sector=medical&c=skane&c=milan").await;
    assert_html(&reply, StatusCode::OK);
    assert!(reply.body.contains("Skåne") && reply.body.contains("Milan"));
    assert_eq!(reply.body.matches("class=\"bars\"").count(), 2);
    assert_html(
        &get("/compare?c=skane&c=milan&c=texas").await,
        StatusCode::OK,
    );
    assert_html(&get("/compare?c=skane").await, StatusCode::BAD_REQUEST);
    assert_html(
        &get("/compare?c=skane&c=Skåne").await,
        StatusCode::BAD_REQUEST,
    );
    assert_html(
        &get("/compare?c=skane&c=milan&c=texas&c=dalian").await,
        StatusCode::BAD_REQUEST,
    );
    assert_html(
        &get("/compare?c=skane&c=nosuch").await,
        StatusCode::BAD_REQUEST,
    );
}

#[tokio::test]
async fn csv_export_opens_in_excel() {
    let reply = get("/export.csv?region=fukushima&sector=medical&top=3").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.content_type, "text/csv; charset=utf-8");
    let disposition = reply.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert_eq!(
        disposition,
        "attachment; filename=\"shortlist_fukushima_medical_welfare.csv\""
    );
    assert!(reply.body.starts_with('\u{feff}'));
    let mut reader = csv::Reader::from_reader(reply.body.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "rank");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    let score = &rows[0][5];
    assert!(
        score.split('.').nth(1).unwrap().len() == 3,
        "rounded: {score}"
    );
    assert!(rows[0][17].contains("curated"), "full reasons with sources");
    assert_eq!(
        get("/export.csv?region=nosuch&sector=medical").await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn api_shortlist_is_the_cli_json() {
    let state = shipped_state();
    let reply = get_with(
        router(state.clone()),
        "/api/shortlist?region=fukushima&sector=medical_welfare&top=7&want=design&before=2005",
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.content_type, "application/json");
    // What `tieup shortlist --format json` writes: the same report, pretty, one newline.
    let catalog = Catalog::load(&root().join("data")).unwrap();
    let model = LinearModel::load(&model_path()).unwrap();
    let encoder = Encoder::new(&catalog);
    let mut query = tieup_core::features::Query::new(
        catalog.find_japan_region("fukushima").unwrap(),
        catalog.sectors().find("medical_welfare").unwrap(),
    );
    query
        .wanted
        .push(tieup_core::features::find_feature("design").unwrap());
    query.before_year = Some(2005);
    // The CLI's default: one row per place; over the catalog as known before FY2005.
    let grouped = tieup_core::select::Selection::grouped();
    let known = catalog.as_known_in(Some(2005));
    let then = Encoder::new(&known);
    let list = tieup_core::rank::shortlist_selected(&then, &model, &query, &grouped, 7).unwrap();
    let report = ShortlistReport::new(&then, &model, &model_path().to_string_lossy(), &list, 7);
    let mut expected = serde_json::to_string_pretty(&report).unwrap();
    expected.push('\n');
    assert_eq!(reply.body, expected);
    assert!(
        reply.body.contains("\"year_limit\""),
        "the notice is in the JSON"
    );
    let page = get_with(
        router(state.clone()),
        "/?region=fukushima&sector=medical_welfare&before=2005",
    )
    .await;
    assert!(page.body.contains(r#"id="year-limit""#), "{}", page.body);
    assert!(
        page.body
            .contains("Year limit: only what was known before FY2005")
    );
    assert!(page.body.contains("Not honoured"));
    assert_eq!(get("/api/shortlist").await.status, StatusCode::BAD_REQUEST);
    // Filters and expand: the same parameters as the CLI flags.
    let reply = get_with(
        router(state.clone()),
        "/api/shortlist?region=fukushima&sector=medical_welfare&top=7&country=de&country=US\
         &level=state&level=nuts1&max_per_country=2&exclude=bavaria&expand=1",
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    let selection = tieup_core::select::Selection {
        countries: vec!["DE".into(), "US".into()],
        levels: vec!["nuts1".into(), "state".into()],
        exclude: vec![catalog.find_region("bavaria").unwrap()],
        max_per_country: Some(2),
        expand: true,
    };
    query.wanted.clear();
    query.before_year = None;
    let list =
        tieup_core::rank::shortlist_selected(&encoder, &model, &query, &selection, 7).unwrap();
    assert_eq!(list.candidates.len(), 4);
    let report = ShortlistReport::new(&encoder, &model, &model_path().to_string_lossy(), &list, 7);
    let mut expected = serde_json::to_string_pretty(&report).unwrap();
    expected.push('\n');
    assert_eq!(reply.body, expected);
    for (bad, field) in [
        ("country=XX", "unknown country"),
        ("level=prefecture", "level"),
        ("exclude=fukushima", "unknown overseas region"),
        ("max_per_country=0", "max_per_country"),
    ] {
        let reply = get_with(
            router(state.clone()),
            &format!("/api/shortlist?region=fukushima&sector=medical_welfare&{bad}"),
        )
        .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(reply.body.contains(field), "{bad}: {}", reply.body);
    }
}

#[tokio::test]
async fn page_shows_grouped_rows_and_keeps_filters_in_links() {
    let reply =
        get("/?region=suwa&sector=dies&country=CN&country=IT&max_per_country=1&lang=ja").await;
    assert_eq!(reply.status, StatusCode::OK);
    // Dalian's row names Liaoning; the filters stay in the export link and the form.
    assert!(reply.body.contains("class=\"also\""), "{}", reply.body);
    assert!(reply.body.contains("ほかに"));
    assert!(
        reply
            .body
            .contains("country=CN&amp;country=IT&amp;max_per_country=1")
    );
    assert!(reply.body.contains("絞り込み"));
    let expanded = get("/?region=suwa&sector=dies&expand=1").await;
    assert!(!expanded.body.contains("class=\"also\""));
}

#[tokio::test]
async fn api_listings_and_profile() {
    let regions = get("/api/regions?kind=japan").await;
    assert_eq!(regions.status, StatusCode::OK);
    let list: Vec<serde_json::Value> = serde_json::from_str(&regions.body).unwrap();
    assert_eq!(list.len(), 4);
    let search = get("/api/regions?search=%E8%AB%8F%E8%A8%AA").await; // 諏訪
    let list: Vec<serde_json::Value> = serde_json::from_str(&search.body).unwrap();
    assert_eq!(list[0]["id"], "suwa");
    assert_eq!(
        get("/api/regions?kind=moon").await.status,
        StatusCode::BAD_REQUEST
    );
    let sectors = get("/api/sectors").await;
    assert_eq!(sectors.content_type, "application/json");
    let list: Vec<serde_json::Value> = serde_json::from_str(&sectors.body).unwrap();
    assert_eq!(list.len(), fixture_state().catalog().sectors().len());
    let profile = get("/api/profile/skane?region=fukushima&sector=medical").await;
    assert_eq!(profile.status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&profile.body).unwrap();
    assert_eq!(json["region"]["id"], "skane");
    assert!(json["rank"]["rank"].as_u64().unwrap() >= 1);
    // The place's rank among places, as the profile page and the shortlist show it.
    let page = get("/region/skane?region=fukushima&sector=medical").await;
    let (rank, places) = (
        json["rank"]["rank"].as_u64().unwrap(),
        json["rank"]["n_places"].as_u64().unwrap(),
    );
    assert!(
        page.body
            .contains(&format!("rank {rank} of {places} places")),
        "page and API disagree: {rank} of {places}"
    );
    assert_eq!(json["partnerships"][0], "p_fukushima_sweden");
    assert_eq!(
        get("/api/profile/nosuch").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn japanese_labels_and_names() {
    let reply = get("/?region=%E7%A6%8F%E5%B3%B6%E7%9C%8C&sector=medical&lang=ja").await;
    assert_html(&reply, StatusCode::OK);
    assert!(reply.body.contains("<html lang=\"ja\">"));
    assert!(reply.body.contains("候補を表示"));
    assert!(reply.body.contains("福島県 × "));
    assert!(
        reply.body.contains("hreflang=\"en\""),
        "the switch leads to English"
    );
    let unknown = get("/?region=fukushma&sector=medical&lang=ja").await;
    assert_html(&unknown, StatusCode::BAD_REQUEST);
    assert!(
        unknown
            .body
            .contains("日本の地域「fukushma」が見つかりません")
    );
    let en = get("/?region=fukushima&sector=medical").await;
    assert!(en.body.contains("Show the shortlist"));
    assert!(en.body.contains("lang=ja"));
}

#[tokio::test]
async fn japanese_sector_words_work_on_the_shipped_data() {
    let app = router(shipped_state());
    let uri = |word: &str| {
        format!(
            "/api/shortlist?region=fukushima&sector={}&top=1",
            form_urlencoded::byte_serialize(word.as_bytes()).collect::<String>()
        )
    };
    for word in ["自動車", "環境", "食品", "金型", "医療機器", "cars", "eco"] {
        let reply = get_with(app.clone(), &uri(word)).await;
        assert_eq!(reply.status, StatusCode::OK, "{word}: {}", reply.body);
    }
    // デザイン fits two sectors: the page offers both instead of picking one.
    let reply = get_with(app.clone(), &uri("デザイン")).await;
    assert!(reply.status.is_client_error(), "{}", reply.body);
    assert!(reply.body.contains("contents_design") && reply.body.contains("industrial_design"));
}

#[tokio::test]
async fn static_files_unknown_paths_and_limits() {
    let css = get("/static/style.css").await;
    assert_eq!(css.content_type, "text/css; charset=utf-8");
    assert!(css.body.contains("@media print"));
    let svg = get("/static/world.svg").await;
    assert_eq!(svg.content_type, "image/svg+xml");
    assert!(svg.body.contains("Natural Earth"));
    let js = get("/static/app.js").await;
    assert_eq!(js.content_type, "text/javascript; charset=utf-8");
    assert_eq!(get("/healthz").await.body, "ok");
    assert_html(
        &get("/static/../../etc/passwd").await,
        StatusCode::NOT_FOUND,
    );
    assert_html(&get("/nope").await, StatusCode::NOT_FOUND);
    let long = format!("/?region={}", "a".repeat(5000));
    assert_eq!(get(&long).await.status, StatusCode::URI_TOO_LONG);
    let limits = Limits {
        max_body_bytes: 10,
        ..Limits::default()
    };
    let app = router_with_limits(fixture_state(), limits);
    let response = app
        .oneshot(
            Request::post("/")
                .header(header::CONTENT_LENGTH, "100")
                .body(Body::from(vec![b'x'; 100]))
                .unwrap(),
        )
        .await
        .unwrap();
    assert!(response.status().is_client_error(), "{}", response.status());
}

#[tokio::test]
async fn a_changed_model_file_is_picked_up() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.json");
    std::fs::copy(model_path(), &path).unwrap();
    let state = AppState::load(&root().join("tests/fixtures/mini"), &path).unwrap();
    assert!(!state.reload_model_if_changed().unwrap());
    let before = state.model().kind.clone();
    std::fs::copy(root().join("models/default.json"), &path).unwrap();
    let file = std::fs::File::options().write(true).open(&path).unwrap();
    file.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(5))
        .unwrap();
    assert!(state.reload_model_if_changed().unwrap());
    assert_ne!(state.model().kind, before);
    std::fs::write(&path, "not json").unwrap();
    let file = std::fs::File::options().write(true).open(&path).unwrap();
    file.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(10))
        .unwrap();
    assert!(state.reload_model_if_changed().is_err());
    assert_eq!(
        state.model().kind,
        "prior-anchored",
        "a broken file keeps the old model"
    );
}

#[tokio::test]
async fn a_real_server_on_a_random_port_shuts_down_gracefully() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(tieup_serve::serve(
        listener,
        router(fixture_state()),
        async {
            let _ = stopped.await;
        },
    ));
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn profiles_list_the_partner_bodies_for_the_query_sector() {
    let app = router(shipped_state());
    let page = get_with(
        app.clone(),
        "/region/midi_pyrenees?region=fukushima&sector=aerospace",
    )
    .await;
    assert_html(&page, StatusCode::OK);
    let section = bodies_section(&page.body);
    assert!(section.contains("Aerospace Valley"), "{section}");
    assert!(section.contains("https://www.aerospace-valley.com"));
    assert!(section.contains("European Aerospace Cluster Partnership"));
    // Another sector: the aerospace cluster is not listed for food.
    let food = get_with(
        app.clone(),
        "/region/midi_pyrenees?region=fukushima&sector=food_processing",
    )
    .await;
    let section = bodies_section(&food.body);
    assert!(!section.contains("Aerospace Valley"));
    // JSON: the profile and the shortlist carry the same bodies.
    let api = get_with(
        app.clone(),
        "/api/profile/midi_pyrenees?region=fukushima&sector=aerospace",
    )
    .await;
    let json: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    let bodies = json["bodies"].as_array().unwrap();
    assert_eq!(bodies[0]["id"], "aerospace_valley");
    assert_eq!(bodies[0]["type"], "cluster_organisation");
    assert_eq!(bodies[0]["founded"], 2005);
    assert_eq!(bodies[0]["level"], 3);
    let all = get_with(app.clone(), "/api/profile/midi_pyrenees").await;
    let json: serde_json::Value = serde_json::from_str(&all.body).unwrap();
    assert!(json["bodies"].as_array().unwrap().len() >= bodies.len());
    let list = get_with(
        app,
        "/api/shortlist?region=fukushima&sector=aerospace&top=404",
    )
    .await;
    let json: serde_json::Value = serde_json::from_str(&list.body).unwrap();
    let candidate = json["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["region_id"] == "midi_pyrenees")
        .unwrap();
    assert_eq!(candidate["bodies"], json_bodies(&api.body));
}

/// The partner-bodies section of a profile page.
fn bodies_section(page: &str) -> &str {
    let start = page.find("id=\"bodies\"").expect("a bodies section");
    let end = page[start..].find("</section>").unwrap();
    &page[start..start + end]
}

fn json_bodies(text: &str) -> serde_json::Value {
    serde_json::from_str::<serde_json::Value>(text).unwrap()["bodies"].clone()
}

#[tokio::test]
async fn overseas_regions_are_named_in_japanese_in_japanese_mode() {
    let app = router(shipped_state());
    // 愛知, German states only, so that Bavaria's place does not hang on the weights.
    let aichi = "region=%E6%84%9B%E7%9F%A5&sector=automotive&top=5&country=DE&level=nuts1";
    let ja = get_with(app.clone(), &format!("/?{aichi}&lang=ja")).await;
    assert_html(&ja, StatusCode::OK);
    // Bavaria ranks in the German top five for Aichi's cars: its row names it in Japanese first,
    // in English beside; the map's tooltip names it in Japanese.
    assert!(
        ja.body
            .contains(">バイエルン州</a><br><span class=\"other\" lang=\"en\">Bavaria</span>"),
        "{}",
        ja.body
    );
    assert!(ja.body.contains(". バイエルン州 (DE)</title>"));
    let en = get_with(app.clone(), &format!("/?{aichi}")).await;
    assert!(
        en.body
            .contains(">Bavaria</a><br><span class=\"other\" lang=\"ja\">バイエルン州</span>"),
        "{}",
        en.body
    );
    assert!(en.body.contains(". Bavaria (DE)</title>"));
    // The export has both names whatever the language; the members folded into a row are
    // named in the page's language (Munich and Bavaria share a row).
    let top10 = "region=%E6%84%9B%E7%9F%A5&sector=automotive&top=10&country=DE";
    let csv_ja = get_with(app.clone(), &format!("/export.csv?{top10}&lang=ja")).await;
    let csv_en = get_with(app.clone(), &format!("/export.csv?{top10}")).await;
    for csv in [&csv_ja, &csv_en] {
        assert!(
            csv.body.contains(",munich,Munich,ミュンヘン,DE,")
                || csv.body.contains(",bavaria,Bavaria,バイエルン州,DE,"),
            "{}",
            csv.body
        );
    }
    let (ja_member, en_member) = if csv_ja.body.contains(",munich,Munich,") {
        ("バイエルン州 (#", "Bavaria (#")
    } else {
        ("ミュンヘン (#", "Munich (#")
    };
    assert!(csv_ja.body.contains(ja_member), "{}", csv_ja.body);
    assert!(csv_en.body.contains(en_member), "{}", csv_en.body);
    // The profile and the comparison name it in Japanese; a Japanese name finds it.
    let profile = get_with(app.clone(), "/region/bavaria?lang=ja").await;
    assert_html(&profile, StatusCode::OK);
    assert!(
        profile.body.contains("<title>バイエルン州 · "),
        "{}",
        profile.body
    );
    assert!(profile.body.contains("ドイツ"));
    let by_name = get_with(
        app.clone(),
        "/region/%E3%83%90%E3%82%A4%E3%82%A8%E3%83%AB%E3%83%B3?lang=ja", // バイエルン
    )
    .await;
    assert_html(&by_name, StatusCode::OK);
    assert!(by_name.body.contains("バイエルン州"));
    let compare = get_with(app.clone(), "/compare?c=bavaria&c=dalian&lang=ja").await;
    assert_html(&compare, StatusCode::OK);
    assert!(compare.body.contains("バイエルン州") && compare.body.contains("大連市"));
    // The listing carries name_ja, as `tieup regions --format json` does.
    let search = get_with(
        app.clone(),
        "/api/regions?search=%E3%83%90%E3%82%A4%E3%82%A8%E3%83%AB%E3%83%B3", // バイエルン
    )
    .await;
    let list: Vec<serde_json::Value> = serde_json::from_str(&search.body).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["id"], "bavaria");
    assert_eq!(list[0]["name_ja"], "バイエルン州");
    // A name two regions share asks which, in a 4xx with both.
    let both = get_with(
        app,
        "/region/%E3%83%8B%E3%83%A5%E3%83%BC%E3%83%A8%E3%83%BC%E3%82%AF?lang=ja", // ニューヨーク
    )
    .await;
    assert!(both.status.is_client_error(), "{}", both.status);
    assert!(both.body.contains("new_york_city"), "{}", both.body);
}
