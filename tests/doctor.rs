//! `point-break doctor` driven as a user runs it, with the real Firefox and geckodriver and the
//! local AA stand-in as the base URL (aa.com is not reachable from tests). Fails, never skips,
//! when Firefox or geckodriver is missing.

mod support;

use assert_cmd::Command;
use std::process::{Output, Stdio};
use support::procs::require_tools;
use support::standin::{Config, StandIn};

fn doctor(args: &[&str]) -> (Option<i32>, Vec<String>, String) {
    let out: Output = Command::cargo_bin("point-break")
        .unwrap()
        .arg("doctor")
        .args(args)
        .output()
        .unwrap();
    let lines = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    (
        out.status.code(),
        lines,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The status word and name of each line: `[("ok", "firefox"), …]`.
fn summary(lines: &[String]) -> Vec<(String, String)> {
    lines
        .iter()
        .map(|l| {
            let status = l[..6].trim().to_owned();
            let name = l[6..19].trim().to_owned();
            (status, name)
        })
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(s, n)| (s.to_string(), n.to_string()))
        .collect()
}

fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[test]
fn all_checks_pass_with_firefox_and_the_stand_in() {
    let gd = require_tools();
    let standin = StandIn::start(Config::default());
    let (code, lines, stderr) = doctor(&[
        "--base-url",
        &standin.base_url(),
        "--geckodriver",
        gd.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0), "{lines:#?}\n{stderr}");
    assert_eq!(
        summary(&lines),
        pairs(&[
            ("ok", "firefox"),
            ("ok", "geckodriver"),
            ("skip", "webdriver"),
            ("ok", "session"),
            ("ok", "base url"),
        ])
    );
    assert!(lines[0].contains("Mozilla Firefox"), "{}", lines[0]);
    assert!(lines[1].contains("geckodriver 0."), "{}", lines[1]);
    assert!(
        lines[4].contains(&format!("{}/booking/choose-flights/1", standin.base_url())),
        "{}",
        lines[4]
    );
    assert_eq!(standin.page_loads(), 1);
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn missing_geckodriver_fails_its_line_with_the_fix() {
    require_tools();
    let (code, lines, stderr) = doctor(&[
        "--base-url",
        "http://127.0.0.1:9",
        "--geckodriver",
        "/nonexistent/geckodriver",
    ]);
    assert_eq!(code, Some(3), "{lines:#?}");
    assert_eq!(
        summary(&lines),
        pairs(&[
            ("ok", "firefox"),
            ("FAIL", "geckodriver"),
            ("skip", "webdriver"),
            ("skip", "session"),
            ("skip", "base url"),
        ])
    );
    assert_eq!(
        lines[1],
        "FAIL  geckodriver  not found at /nonexistent/geckodriver (or not executable); fix: \
         install it with `cargo install geckodriver --locked`, or pass --geckodriver PATH"
    );
    assert_eq!(stderr.trim(), "point-break: doctor: 1 of 5 checks failed");
}

#[test]
fn unreachable_base_url_fails_with_its_own_exit_code() {
    let gd = require_tools();
    let url = format!("http://127.0.0.1:{}", closed_port());
    let (code, lines, _) = doctor(&["--base-url", &url, "--geckodriver", gd.to_str().unwrap()]);
    assert_eq!(code, Some(4), "{lines:#?}");
    assert_eq!(summary(&lines)[3], ("ok".into(), "session".into()));
    let base = &lines[4];
    assert!(base.starts_with("FAIL  base url"), "{base}");
    assert!(base.contains("connectionFailure"), "{base}");
    assert!(
        base.contains("; fix: check the network or --base-url"),
        "{base}"
    );
}

#[test]
fn webdriver_endpoint_is_probed_and_used() {
    require_tools();
    // A closed port: the /status line fails and nothing else is tried.
    let closed = format!("http://127.0.0.1:{}", closed_port());
    let (code, lines, _) = doctor(&["--webdriver", &closed, "--base-url", "http://127.0.0.1:9"]);
    assert_eq!(code, Some(3), "{lines:#?}");
    assert_eq!(
        summary(&lines),
        pairs(&[
            ("skip", "firefox"),
            ("skip", "geckodriver"),
            ("FAIL", "webdriver"),
            ("skip", "session"),
            ("skip", "base url"),
        ])
    );
    assert!(lines[2].contains("cannot connect"), "{}", lines[2]);
    assert!(
        lines[2].contains("fix: start the WebDriver server"),
        "{}",
        lines[2]
    );

    // A real geckodriver started by hand: every check runs through it.
    let port = closed_port();
    let mut server = std::process::Command::new(require_tools())
        .args(["--port", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let url = format!("http://127.0.0.1:{port}");
    let ready = (0..100).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(50));
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    });
    let standin = StandIn::start(Config::default());
    let outcome = ready.then(|| doctor(&["--webdriver", &url, "--base-url", &standin.base_url()]));
    let _ = server.kill();
    let _ = server.wait();
    let (code, lines, stderr) = outcome.expect("geckodriver listens");
    assert_eq!(code, Some(0), "{lines:#?}\n{stderr}");
    assert_eq!(
        summary(&lines),
        pairs(&[
            ("skip", "firefox"),
            ("skip", "geckodriver"),
            ("ok", "webdriver"),
            ("ok", "session"),
            ("ok", "base url"),
        ])
    );
    assert!(
        lines[3].contains(&format!("the WebDriver server at {url}")),
        "{}",
        lines[3]
    );
}

#[test]
fn bad_flags_are_usage_errors() {
    let out = Command::cargo_bin("point-break")
        .unwrap()
        .args(["doctor", "--base-url", "aa.com"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("invalid --base-url"), "{err}");
    let out = Command::cargo_bin("point-break")
        .unwrap()
        .args(["doctor", "--proxy", "socks5://me:s3cret@proxy"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("invalid --proxy") && !err.contains("s3cret"),
        "{err}"
    );
}
