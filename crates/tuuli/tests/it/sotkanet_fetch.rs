//! `tuuli import sotkanet --indicators … --years …` against a small HTTP server on
//! 127.0.0.1 that serves Sotkanet's saved answers (never the network): the raw answers
//! land in the cache in the `--from-dir` layout, the requests carry a User-Agent and
//! repeated `years=` parameters, a passing 500 is retried, a lasting error stops with the
//! URL and the status and changes nothing, and a replay imports nothing new.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tuuli::auth::Actor;
use tuuli::core::areas_national;
use tuuli::knowledge::imports::{self, sotkanet_api};
use tuuli::knowledge::values::ImportMeta;

use crate::both;
use crate::helpers::TestApp;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/sotkanet");

/// One answer: status and body.
type Answer = (u16, Vec<u8>);
/// Chooses the answer to a request target (`/json?indicator=…`) seen for the n-th time (from 1).
type Script = dyn Fn(&str, usize) -> Answer + Send + Sync;

/// A tiny HTTP/1.1 server on 127.0.0.1: one request per connection, at most 200
/// connections, then it stops. Keeps every request's head.
struct Server {
    base: String,
    heads: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(script: Box<Script>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}/rest/1.1", listener.local_addr().unwrap());
        let heads = Arc::new(Mutex::new(Vec::new()));
        let seen = heads.clone();
        std::thread::spawn(move || {
            let mut counts: HashMap<String, usize> = HashMap::new();
            for stream in listener.incoming().take(200) {
                let Ok(mut stream) = stream else { continue };
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut head = String::new();
                loop {
                    let mut line = String::new();
                    match reader.read_line(&mut line) {
                        Ok(0) | Err(_) => break,
                        Ok(_) if line == "\r\n" => break,
                        Ok(_) => head.push_str(&line),
                    }
                }
                let target = head
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or("")
                    .trim_start_matches("/rest/1.1")
                    .to_owned();
                let n = {
                    let c = counts.entry(target.clone()).or_default();
                    *c += 1;
                    *c
                };
                seen.lock().unwrap().push(head);
                let (status, body) = script(&target, n);
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(&body);
                let _ = stream.flush();
            }
        });
        Self { base, heads }
    }

    fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap().clone()
    }
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}/{name}")).unwrap()
}

const META_127: &str = r#"{"id": 127, "title": {"fi": "V\u00e4est\u00f6 31.12.", "en": "Population 31 Dec", "sv": "Befolkning 31.12"}, "primaryValueType": {"code": "LKM"}, "decimals": 0, "data-updated": "2015-06-01"}"#;

/// The saved CSV answer (indicator 127, 2009) as `/json` would give it.
fn json_from_csv(csv: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(csv);
    let rows: Vec<serde_json::Value> = text
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.trim_end().split(';').collect();
            let mut row = serde_json::json!({
                "indicator": f[0].parse::<u32>().unwrap(),
                "region": f[1].parse::<u32>().unwrap(),
                "year": f[2].parse::<u32>().unwrap(),
                "gender": f[3],
            });
            if !f[4].is_empty() {
                row["value"] = serde_json::json!(f[4].parse::<f64>().unwrap());
            }
            row
        })
        .collect();
    serde_json::to_vec(&rows).unwrap()
}

/// Sotkanet as saved: the 2015 region list, indicator 127's metadata and its 2009 data.
fn sotkanet(target: &str) -> Answer {
    let path = target.split('?').next().unwrap_or("");
    match path {
        "/regions" => (200, fixture("sotkanet_regions_2015_oskari.json")),
        "/indicators/127" => (200, META_127.as_bytes().to_vec()),
        "/csv" if target.contains("indicator=127") => {
            (200, fixture("sotkanet_csv_ind127_2009_oskari.csv"))
        }
        "/json" if target.contains("indicator=127") => (
            200,
            json_from_csv(&fixture("sotkanet_csv_ind127_2009_oskari.csv")),
        ),
        _ => (404, b"{\"error\": \"not found\"}".to_vec()),
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "tuuli-fetch-{}-{name}-{}",
        std::process::id(),
        rand::random::<u32>()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn options(server: &Server, cache: &std::path::Path) -> sotkanet_api::FetchOptions {
    let mut o = sotkanet_api::FetchOptions::new(vec![127], vec![2008, 2009], cache.to_owned());
    o.base_url = server.base.clone();
    o.backoff = Duration::from_millis(10);
    o.timeout = Duration::from_secs(10);
    o
}

fn meta() -> ImportMeta {
    ImportMeta {
        kind: "sotkanet_api",
        source_name: "test".into(),
        vintage: None,
        is_synthetic: false,
        actor: Actor::system("test"),
        job_id: None,
    }
}

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    let sql = sql.to_owned();
    tuuli::with_db!(&app.db, p => sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql)).fetch_one(p).await).unwrap()
}

/// The folders a fetch left in the cache.
fn folders(cache: &std::path::Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(cache)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

// The kept regions of the 2009 sample: the rows Tuuli can place.
fn kept_rows() -> u64 {
    let known: std::collections::BTreeSet<String> = areas_national::national_areas()
        .unwrap()
        .iter()
        .map(|a| a.sotkanet_id.to_string())
        .collect();
    String::from_utf8(fixture("sotkanet_csv_ind127_2009_oskari.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .filter(|l| known.contains(l.split(';').nth(1).unwrap_or("")))
        .count() as u64
}

both!(
    a_fetch_saves_the_raw_answers_in_the_replay_layout_and_imports_them,
    |app| async move {
        areas_national::load(&app.db).await.unwrap();
        let server = Server::start(Box::new(|t, _| sotkanet(t)));
        let cache = temp_dir("json");
        let a = sotkanet_api::import(&app.db, options(&server, &cache), meta(), None)
            .await
            .unwrap();
        let s = &a.summary;
        let rows = kept_rows();
        assert_eq!(
            (s.status, s.inserted, s.rejected, s.indicators_upserted),
            ("done", rows, 0, 1),
            "{:?}",
            s.errors
        );
        assert_eq!(
            a.skipped,
            466 - rows,
            "rows of ELY, AVI… regions are left out"
        );
        let stored = tuuli::knowledge::imports::web::one(&app.db, s.import_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            u64::try_from(stored.skipped).unwrap(),
            a.skipped,
            "the rows left out are counted on the import's row"
        );

        // The cache: one new folder in the --from-dir layout, the answers unchanged.
        assert_eq!(folders(&cache), vec![a.fetched.dir.clone()]);
        let dir = &a.fetched.dir;
        assert_eq!(
            std::fs::read(dir.join("regions.json")).unwrap(),
            fixture("sotkanet_regions_2015_oskari.json")
        );
        assert_eq!(
            std::fs::read_to_string(dir.join("indicator-127.json")).unwrap(),
            META_127
        );
        assert_eq!(
            std::fs::read(dir.join("data-127.json")).unwrap(),
            json_from_csv(&fixture("sotkanet_csv_ind127_2009_oskari.csv"))
        );
        let vintage = std::fs::read_to_string(dir.join("vintage.txt")).unwrap();
        assert_eq!(
            chrono::DateTime::parse_from_rfc3339(vintage.trim()).unwrap(),
            a.fetched.vintage
        );

        // The import records the fetch time as its vintage.
        let (kind, vintage): (String, Option<chrono::DateTime<chrono::Utc>>) =
            tuuli::with_db!(&app.db, p => sqlx::query_as("SELECT kind, vintage FROM imports WHERE id = $1")
                .bind(s.import_id).fetch_one(p).await)
            .unwrap();
        assert_eq!(kind, "sotkanet_api");
        assert_eq!(
            vintage.map(|v| v.timestamp()),
            Some(a.fetched.vintage.timestamp())
        );

        // The requests: one each, a User-Agent naming Tuuli, repeated years= and genders=.
        let heads = server.heads();
        assert_eq!(heads.len(), 3, "{heads:?}");
        assert!(heads[0].starts_with("GET /rest/1.1/regions "), "{heads:?}");
        assert!(heads[1].starts_with("GET /rest/1.1/indicators/127 "));
        assert!(
            heads[2].starts_with("GET /rest/1.1/json?indicator=127&years=2008&years=2009&genders=total&genders=male&genders=female "),
            "{}",
            heads[2]
        );
        for h in &heads {
            let ua = h
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .starts_with("user-agent:")
                        .then(|| l[11..].trim().to_owned())
                })
                .unwrap_or_default();
            assert!(ua.starts_with("Tuuli/"), "{h}");
        }

        // Replaying the folder, or fetching again, imports nothing new.
        let replay = imports::sotkanet_dir(&app.db, dir, meta(), None)
            .await
            .unwrap();
        assert_eq!(
            (
                replay.status,
                replay.inserted,
                replay.updated,
                replay.unchanged
            ),
            ("done", 0, 0, rows)
        );
        let again = sotkanet_api::import(&app.db, options(&server, &cache), meta(), None)
            .await
            .unwrap();
        assert_eq!(
            (
                again.summary.inserted,
                again.summary.updated,
                again.summary.unchanged
            ),
            (0, 0, rows)
        );
        assert_eq!(folders(&cache).len(), 2, "each fetch keeps its own folder");
        assert_eq!(
            scalar(&app, "SELECT COUNT(*) FROM indicator_values").await,
            rows as i64
        );
        let _ = std::fs::remove_dir_all(cache);
    }
);

both!(
    the_csv_form_is_fetched_and_saved_as_data_csv,
    |app| async move {
        areas_national::load(&app.db).await.unwrap();
        let server = Server::start(Box::new(|t, _| sotkanet(t)));
        let cache = temp_dir("csv");
        let mut o = options(&server, &cache);
        o.format = sotkanet_api::DataFormat::Csv;
        o.genders = vec!["total".into()];
        let a = sotkanet_api::import(&app.db, o, meta(), None)
            .await
            .unwrap();
        assert_eq!(
            (a.summary.status, a.summary.inserted),
            ("done", kept_rows())
        );
        assert_eq!(
            std::fs::read(a.fetched.dir.join("data-127.csv")).unwrap(),
            fixture("sotkanet_csv_ind127_2009_oskari.csv")
        );
        assert!(!a.fetched.dir.join("data-127.json").exists());
        let heads = server.heads();
        assert!(
            heads[2].starts_with(
                "GET /rest/1.1/csv?indicator=127&years=2008&years=2009&genders=total "
            ),
            "{}",
            heads[2]
        );
        let lahti: f64 = tuuli::with_db!(&app.db, p => sqlx::query_scalar(
            "SELECT v.value FROM indicator_values v JOIN areas a ON a.id = v.area_id WHERE a.sotkanet_id = 177 AND v.year = 2009",
        ).fetch_one(p).await)
        .unwrap();
        assert_eq!(lahti, 100_854.0);
        let _ = std::fs::remove_dir_all(cache);
    }
);

both!(
    a_passing_server_error_is_retried_and_the_fetch_succeeds,
    |app| async move {
        areas_national::load(&app.db).await.unwrap();
        let server = Server::start(Box::new(|t, n| {
            if t.starts_with("/json") && n == 1 {
                (500, b"busy".to_vec())
            } else if t.starts_with("/indicators/") && n == 1 {
                (429, b"slow down".to_vec())
            } else {
                sotkanet(t)
            }
        }));
        let cache = temp_dir("retry");
        let a = sotkanet_api::import(&app.db, options(&server, &cache), meta(), None)
            .await
            .unwrap();
        assert_eq!(a.summary.status, "done");
        assert_eq!(a.summary.inserted, kept_rows());
        assert_eq!(a.fetched.requests, 5, "regions, metadata twice, data twice");
        assert_eq!(server.heads().len(), 5);
        let _ = std::fs::remove_dir_all(cache);
    }
);

both!(
    a_lasting_error_stops_with_the_url_and_status_and_changes_nothing,
    |app| async move {
        areas_national::load(&app.db).await.unwrap();
        let cases: [(u16, &str, &str); 3] = [
            (500, "/json", "HTTP 500"),
            (403, "/json", "User-Agent"),
            (404, "/indicators/", "does not know the indicator 127"),
        ];
        for (status, on, says) in cases {
            let server = Server::start(Box::new(move |t, _| {
                if t.starts_with(on) {
                    (status, b"no".to_vec())
                } else {
                    sotkanet(t)
                }
            }));
            let cache = temp_dir("fail");
            let imports_before = scalar(&app, "SELECT COUNT(*) FROM imports").await;
            let err = sotkanet_api::import(&app.db, options(&server, &cache), meta(), None)
                .await
                .unwrap_err()
                .to_string();
            assert!(err.contains(says), "{err}");
            assert!(err.contains(&server.base), "names the URL: {err}");
            let tries = server
                .heads()
                .iter()
                .filter(|h| h.starts_with(&format!("GET /rest/1.1{on}")))
                .count();
            // 500 is tried 1 + 3 times; 403 and 404 once.
            assert_eq!(tries, if status == 500 { 4 } else { 1 }, "{status}");
            assert!(folders(&cache).is_empty(), "no folder is left behind");
            assert_eq!(
                scalar(&app, "SELECT COUNT(*) FROM imports").await,
                imports_before
            );
            assert_eq!(
                scalar(&app, "SELECT COUNT(*) FROM indicator_values").await,
                0
            );
            let _ = std::fs::remove_dir_all(cache);
        }
        // Nothing listens: a clear error, not a hang.
        let port = {
            let l = TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let cache = temp_dir("refused");
        let mut o = sotkanet_api::FetchOptions::new(vec![127], vec![2009], cache.clone());
        o.base_url = format!("http://127.0.0.1:{port}/rest/1.1");
        o.backoff = Duration::from_millis(1);
        let err = sotkanet_api::import(&app.db, o, meta(), None)
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("could not be reached"), "{err}");
        let _ = std::fs::remove_dir_all(cache);
    }
);

#[test]
fn years_ids_and_genders_are_parsed_strictly() {
    assert_eq!(
        sotkanet_api::parse_years("2015-2017,2020").unwrap(),
        vec![2015, 2016, 2017, 2020]
    );
    assert!(sotkanet_api::parse_years("20O4").is_err());
    assert!(sotkanet_api::parse_years("2024-2015").is_err());
    assert!(sotkanet_api::parse_years("").is_err());
    assert_eq!(
        sotkanet_api::parse_ids("289, sotkanet:714,289").unwrap(),
        vec![289, 714]
    );
    assert!(sotkanet_api::parse_ids("289,abc").is_err());
    assert_eq!(
        sotkanet_api::parse_genders("yhteensä,naiset").unwrap(),
        vec!["total", "female"]
    );
    assert!(sotkanet_api::parse_genders("other").is_err());
}

fn tuuli(args: &[&str]) -> (bool, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tuuli"))
        .args(args)
        .env_remove("TUULI_DATABASE_URL")
        .env_remove("TUULI_SOTKANET_URL")
        .env("TUULI_LOG", "error")
        .output()
        .expect("run tuuli");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

// The command as a user runs it: a refusal names the URL and the reason and exits
// non-zero; a fetch prints its folder and summary; the folder replays with nothing new.
#[test]
fn the_fetch_command_reports_errors_and_summaries_and_its_folder_replays() {
    let dir = temp_dir("cli");
    let db = format!("sqlite://{}/t.db", dir.display());
    let cache = dir.join("cache");
    let cache_arg = cache.display().to_string();
    let forbidding = Server::start(Box::new(|t, _| {
        if t.starts_with("/json") {
            (403, b"Forbidden".to_vec())
        } else {
            sotkanet(t)
        }
    }));
    let args = |base: &str| -> Vec<String> {
        [
            "import",
            "sotkanet",
            "--indicators",
            "127",
            "--years",
            "2009",
            "--base-url",
            base,
            "--cache",
            &cache_arg,
            "--database",
            &db,
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect()
    };
    let run = |a: Vec<String>| tuuli(&a.iter().map(String::as_str).collect::<Vec<_>>());
    let (ok, out, err) = run(args(&forbidding.base));
    assert!(!ok, "{out}");
    assert!(
        err.contains("403")
            && err.contains("User-Agent")
            && err.contains("/json?indicator=127&years=2009"),
        "{err}"
    );
    assert!(folders(&cache).is_empty());

    let good = Server::start(Box::new(|t, _| sotkanet(t)));
    let (ok, out, err) = run(args(&good.base));
    assert!(ok, "{out}{err}");
    let rows = kept_rows();
    assert!(
        out.contains(&format!(
            "done: read {rows}, inserted {rows}, updated 0, unchanged 0, rejected 0"
        )),
        "{out}"
    );
    assert!(err.contains("were left out"), "{err}");
    let fetched = folders(&cache);
    assert_eq!(fetched.len(), 1);
    let replay = fetched[0].display().to_string();
    let (ok, out, err) = tuuli(&[
        "import",
        "sotkanet",
        "--from-dir",
        &replay,
        "--database",
        &db,
    ]);
    assert!(ok, "{out}{err}");
    assert!(
        out.contains(&format!("inserted 0, updated 0, unchanged {rows}")),
        "{out}"
    );
    let (ok, _, err) = tuuli(&[
        "import",
        "sotkanet",
        "--indicators",
        "12x",
        "--years",
        "2009",
        "--database",
        &db,
    ]);
    assert!(!ok && err.contains("--indicators"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}
