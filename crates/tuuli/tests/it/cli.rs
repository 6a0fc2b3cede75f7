//! The `tuuli` command line, run as a user would run it.

use std::io::Write;
use std::process::{Command, Stdio};

fn tuuli(args: &[&str], stdin: Option<&str>) -> (bool, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tuuli"))
        .args(args)
        .env_remove("TUULI_DATABASE_URL")
        .env_remove("TUULI_BIND")
        .env("TUULI_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run tuuli");
    if let Some(s) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(s.as_bytes())
            .expect("write stdin");
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().expect("wait");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn temp_db(name: &str) -> (std::path::PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("tuuli-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let url = format!("sqlite://{}/sub/tuuli.db", dir.display());
    (dir, url)
}

#[test]
fn every_command_has_help() {
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["migrate", "--help"],
        vec!["demo", "--help"],
        vec!["user", "--help"],
        vec!["user", "add", "--help"],
        vec!["user", "list", "--help"],
        vec!["token", "--help"],
        vec!["token", "create", "--help"],
        vec!["token", "revoke", "--help"],
        vec!["token", "list", "--help"],
        vec!["user", "password", "--help"],
    ] {
        let (ok, out, err) = tuuli(&args, None);
        assert!(ok, "{args:?}: {err}");
        assert!(out.contains("Usage"), "{args:?}: {out}");
    }
}

#[test]
fn users_and_tokens_are_managed_from_the_command_line() {
    let (dir, url) = temp_db("users");
    let (ok, out, err) = tuuli(&["migrate", "--database", &url], None);
    assert!(ok, "{err}");
    assert!(out.contains("migrations applied"));
    let (ok, out, err) = tuuli(
        &[
            "user",
            "add",
            "--email",
            "k@example.fi",
            "--name",
            "Koordinaattori",
            "--role",
            "coordinator",
            "--password-stdin",
            "--database",
            &url,
        ],
        Some("a-long-password\n"),
    );
    assert!(ok, "{err}");
    assert!(out.contains("k@example.fi"));
    let (ok, out, _) = tuuli(&["user", "list", "--database", &url], None);
    assert!(
        ok && out.contains("k@example.fi") && out.contains("coordinator"),
        "{out}"
    );
    let (ok, out, err) = tuuli(
        &[
            "token",
            "create",
            "--email",
            "k@example.fi",
            "--database",
            &url,
        ],
        None,
    );
    assert!(ok, "{err}");
    assert!(
        out.trim().starts_with("tuuli_") && out.trim().len() == 70,
        "{out}"
    );
    assert!(err.contains("revoke"), "{err}");
    let (ok, out, err) = tuuli(&["token", "revoke", "--id", "1", "--database", &url], None);
    assert!(ok && out.contains("revoked"), "{err}");
    let (ok, _, err) = tuuli(&["token", "revoke", "--id", "1", "--database", &url], None);
    assert!(!ok && err.contains("no live token"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn bad_input_fails_with_a_sentence_that_says_what_to_do() {
    let (dir, url) = temp_db("bad");
    let cases: Vec<(Vec<&str>, Option<&str>, &str)> = vec![
        (
            vec![
                "user",
                "add",
                "--email",
                "x@example.fi",
                "--name",
                "X",
                "--role",
                "root",
                "--password-stdin",
                "--database",
                &url,
            ],
            Some("a-long-password"),
            "use admin, coordinator, editor or member",
        ),
        (
            vec![
                "user",
                "add",
                "--email",
                "not-an-email",
                "--name",
                "X",
                "--role",
                "member",
                "--password-stdin",
                "--database",
                &url,
            ],
            Some("a-long-password"),
            "is not an email address",
        ),
        (
            vec![
                "user",
                "add",
                "--email",
                "x@example.fi",
                "--name",
                "X",
                "--role",
                "member",
                "--password-stdin",
                "--database",
                &url,
            ],
            Some("short"),
            "at least 10 characters",
        ),
        (
            vec![
                "user",
                "add",
                "--email",
                "x@example.fi",
                "--name",
                "X",
                "--role",
                "editor",
                "--password-stdin",
                "--database",
                &url,
            ],
            Some("a-long-password"),
            "--organisation",
        ),
        (
            vec![
                "token",
                "create",
                "--email",
                "nobody@example.fi",
                "--database",
                &url,
            ],
            None,
            // A mistyped path must not create an empty database.
            "does not exist",
        ),
        (
            vec!["migrate", "--database", "mysql://x"],
            None,
            "sqlite://",
        ),
        (
            vec![
                "migrate",
                "--database",
                "postgres://nobody@127.0.0.1:1/none",
            ],
            None,
            "could not connect to PostgreSQL",
        ),
    ];
    for (args, stdin, expect) in cases {
        let (ok, _, err) = tuuli(&args, stdin);
        assert!(!ok, "{args:?} should fail");
        assert!(
            err.starts_with("error: ") && err.contains(expect),
            "{args:?}: {err}"
        );
    }
    // The same email twice.
    let add = [
        "user",
        "add",
        "--email",
        "dup@example.fi",
        "--name",
        "D",
        "--role",
        "member",
        "--password-stdin",
        "--database",
        &url,
    ];
    assert!(tuuli(&["migrate", "--database", &url], None).0);
    assert!(tuuli(&add, Some("a-long-password")).0);
    let (ok, _, err) = tuuli(&add, Some("a-long-password"));
    assert!(!ok && err.contains("exists already"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_demo_loads_once_and_prints_the_admin_sign_in() {
    let (dir, url) = temp_db("demo");
    let (ok, out, err) = tuuli(&["demo", "--database", &url], None);
    assert!(ok, "{err}");
    assert!(
        out.contains("admin@example.fi") && out.contains(tuuli::demo::DEMO_PASSWORD),
        "{out}"
    );
    let (ok, out2, err) = tuuli(&["demo", "--database", &url], None);
    assert!(ok, "{err}");
    assert!(out2.contains("admin@example.fi"));
    let (ok, out, _) = tuuli(&["user", "list", "--database", &url], None);
    assert!(ok);
    assert_eq!(out.matches("admin@example.fi").count(), 1, "{out}");
    let _ = std::fs::remove_dir_all(dir);
}

#[cfg(unix)]
#[test]
fn sigterm_stops_the_server_gracefully_with_success() {
    use std::io::BufRead;
    let (dir, url) = temp_db("sigterm");
    let mut child = Command::new(env!("CARGO_BIN_EXE_tuuli"))
        .args(["serve", "--bind", "127.0.0.1:0", "--database", &url])
        .env_remove("TUULI_BIND")
        .env("TUULI_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run tuuli serve");
    let mut lines = std::io::BufReader::new(child.stdout.take().expect("stdout")).lines();
    let first = lines.next().expect("a line").expect("utf-8");
    assert!(first.contains("Tuuli is running at"), "{first}");
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    // Without a SIGTERM handler the process dies of the signal (no exit code).
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(0), "{status:?}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn credentials_are_managed_from_the_command_line() {
    let (dir, url) = temp_db("creds");
    assert!(tuuli(&["migrate", "--database", &url], None).0);
    let add = |email: &str, extra: &[&str], pw: &str| {
        let mut args = vec![
            "user",
            "add",
            "--email",
            email,
            "--name",
            "N",
            "--role",
            "member",
            "--password-stdin",
            "--database",
            &url,
        ];
        args.extend_from_slice(extra);
        tuuli(&args, Some(pw))
    };
    // An organisation or person that does not exist is named, not "exists already".
    let (ok, _, err) = add(
        "o@example.fi",
        &["--organisation", "99999"],
        "a-long-password",
    );
    assert!(!ok && err.contains("no organisation 99999"), "{err}");
    let (ok, _, err) = add("p@example.fi", &["--person", "424242"], "a-long-password");
    assert!(!ok && err.contains("no person 424242"), "{err}");
    // The most common passwords are refused.
    let (ok, _, err) = add("c@example.fi", &[], "salasana123");
    assert!(!ok && err.contains("most common"), "{err}");
    assert!(add("u@example.fi", &[], "a-long-password").0);
    // An unknown email for a token says how to add the user.
    let (ok, _, err) = tuuli(
        &[
            "token",
            "create",
            "--email",
            "x@example.fi",
            "--database",
            &url,
        ],
        None,
    );
    assert!(!ok && err.contains("tuuli user add"), "{err}");
    let (ok, token, err) = tuuli(
        &[
            "token",
            "create",
            "--email",
            "u@example.fi",
            "--database",
            &url,
        ],
        None,
    );
    assert!(ok, "{err}");
    let (ok, out, _) = tuuli(
        &[
            "token",
            "list",
            "--email",
            "u@example.fi",
            "--database",
            &url,
        ],
        None,
    );
    assert!(
        ok && out.contains("u@example.fi") && out.contains("live"),
        "{out}"
    );
    assert!(!out.contains(token.trim()), "the secret is never listed");
    // A new password from standard input; too short is refused.
    let set = |pw: &str| {
        tuuli(
            &[
                "user",
                "password",
                "--email",
                "u@example.fi",
                "--password-stdin",
                "--database",
                &url,
            ],
            Some(pw),
        )
    };
    let (ok, _, err) = set("short");
    assert!(!ok && err.contains("at least 10"), "{err}");
    let (ok, out, err) = set("an-entirely-new-one");
    assert!(ok && out.contains("password set"), "{err}");
    let (ok, _, err) = tuuli(
        &[
            "user",
            "password",
            "--email",
            "ghost@example.fi",
            "--password-stdin",
            "--database",
            &url,
        ],
        Some("an-entirely-new-one"),
    );
    assert!(!ok && err.contains("no user has the email"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}
