//! `point-break search` end to end: the built binary drives a real Firefox through a real
//! geckodriver against the local AA stand-in. Checks values in the output, the exit code and
//! message of each failure, that both POSTs were in flight together with the browser's cookies,
//! and that no geckodriver or Firefox process outlives the command.

mod support;

use assert_cmd::Command;
use serde_json::Value;
use std::process::Output;
use std::time::Duration;
use support::procs::{self, TAG_VAR};
use support::standin::{Config, Mode, StandIn};

fn future_date(days: i64) -> String {
    let d = time::OffsetDateTime::now_utc().date() + time::Duration::days(days);
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

fn standin() -> StandIn {
    StandIn::start(Config::default())
}

/// A search against the stand-in; returns the output and the tag of its processes.
struct Run {
    cmd: Command,
    tag: String,
}

impl Run {
    fn new(base_url: &str, extra: &[&str]) -> Run {
        procs::require_tools();
        let tag = procs::new_tag();
        let mut cmd = Command::cargo_bin("point-break").unwrap();
        cmd.env(TAG_VAR, &tag)
            .env_remove("POINT_BREAK_BASE_URL")
            .timeout(Duration::from_secs(120))
            .args([
                "search",
                "--origin",
                "NYC",
                "--destination",
                "LAX",
                "--date",
            ])
            .arg(future_date(30))
            .args(["--base-url", base_url])
            .args(extra);
        Run { cmd, tag }
    }

    /// Runs to completion and checks nothing was left behind.
    fn output(mut self) -> Output {
        let out = self.cmd.output().unwrap();
        procs::assert_none_left(&self.tag);
        out
    }
}

fn ok_json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

/// Asserts the exit code and that stderr is one line containing `needle`.
fn fails(out: &Output, code: i32, needle: &str) -> String {
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(code), "stderr: {err}");
    assert!(out.stdout.is_empty(), "no output on failure");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.contains(needle), "{needle:?} not in {err}");
    err
}

#[test]
fn finds_flights_with_real_values_and_sends_both_posts_together() {
    let aa = standin();
    // Slow enough answers that two requests sent together are seen open at once.
    aa.set_delay(Duration::from_millis(400));
    let v = ok_json(&Run::new(&aa.base_url(), &[]).output());
    assert_eq!(v["search_metadata"]["origin"], "NYC");
    assert_eq!(v["search_metadata"]["destination"], "LAX");
    assert_eq!(v["search_metadata"]["passengers"], 1);
    assert_eq!(v["total_results"], 36);
    let first = &v["flights"][0];
    assert_eq!(first["flight_number"], "AA171");
    assert_eq!(first["departure_time"], "06:00");
    assert_eq!(first["points_required"], 15000);
    assert_eq!(first["cash_price_usd"], 314.24);
    assert_eq!(first["taxes_fees_usd"], 5.6);
    assert_eq!(first["cpp"], 2.06);

    let requests = aa.requests();
    assert_eq!(requests.len(), 2, "{requests:?}");
    let mut types: Vec<_> = requests.iter().map(|r| r.search_type.as_str()).collect();
    types.sort();
    assert_eq!(types, ["Award", "Revenue"]);
    for r in &requests {
        assert!(
            r.had_session_cookie,
            "the fetch carried the browser's cookies: {r:?}"
        );
        assert!(r.xsrf_ok, "x-xsrf-token matched the cookie: {r:?}");
        assert_eq!((r.origin.as_str(), r.destination.as_str()), ("NYC", "LAX"));
        assert_eq!(r.date, future_date(30));
    }
    assert_eq!(aa.max_in_flight(), 2, "the two POSTs overlapped");
    assert_eq!(aa.page_loads(), 1);
}

#[test]
fn party_of_two_in_first_to_miami() {
    let aa = standin();
    let mut run = Run::new(&aa.base_url(), &["--passengers", "2", "--cabin", "first"]);
    run.cmd.args(["--destination", "mia"]);
    let v = ok_json(&run.output());
    assert_eq!(v["search_metadata"]["destination"], "MIA");
    assert_eq!(v["search_metadata"]["cabin_class"], "first");
    assert_eq!(v["total_results"], 34);
    let f = v["flights"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["hash"] == "SBXg8ATVQoWMEzvz")
        .unwrap();
    assert_eq!(f["flight_number"], "AA655");
    assert_eq!(f["points_required"], 55000);
    assert_eq!(f["cash_price_usd"], 1499.64);
    assert_eq!(f["taxes_fees_usd"], 11.2);
    // (1499.64 - 11.20) / 55000 * 100 = 2.7062
    assert_eq!(f["cpp"], 2.71);
    assert!(aa.requests().iter().all(|r| r.passengers == 2));
}

#[test]
fn output_file_is_replaced_atomically_and_kept_on_failure() {
    let aa = standin();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("lax.json");
    let path = file.to_str().unwrap();
    let out = Run::new(&aa.base_url(), &["--output", path]).output();
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    let first: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(first["total_results"], 36);

    aa.set_mode(Mode::Blocked403);
    let out = Run::new(&aa.base_url(), &["--output", path]).output();
    fails(&out, 5, "bot defence");
    let kept: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(kept, first);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left"
    );
}

#[test]
fn save_raw_keeps_what_merge_can_replay() {
    let aa = standin();
    let dir = tempfile::tempdir().unwrap();
    let raw = dir.path().join("raw");
    let searched =
        ok_json(&Run::new(&aa.base_url(), &["--save-raw", raw.to_str().unwrap()]).output());
    let request: Value =
        serde_json::from_str(&std::fs::read_to_string(raw.join("revenue.request.json")).unwrap())
            .unwrap();
    assert_eq!(request["request"]["tripOptions"]["searchType"], "Revenue");
    assert_eq!(request["response"]["status"], 200);
    let replay = Command::cargo_bin("point-break")
        .unwrap()
        .args(["merge", "--origin", "NYC", "--destination", "LAX", "--date"])
        .arg(future_date(30))
        .arg("--award")
        .arg(raw.join("award.json"))
        .arg("--revenue")
        .arg(raw.join("revenue.json"))
        .output()
        .unwrap();
    assert_eq!(ok_json(&replay), searched);
}

#[test]
fn each_upstream_failure_has_its_code_and_message() {
    let aa = standin();
    let cases: Vec<(Mode, i32, &str)> = vec![
        (
            Mode::Blocked403,
            5,
            "HTTP 403 Access Denied page, Reference #18.",
        ),
        (Mode::Challenge, 5, "challenge (captcha) page"),
        (Mode::CprChallenge, 5, "cpr_chlge"),
        (
            Mode::RateLimited {
                retry_after_secs: Some(120),
            },
            6,
            "Retry-After: 120",
        ),
        (Mode::Status(451), 5, "HTTP 451"),
        (Mode::PastDate, 8, "error 1100"),
        (Mode::ServerError, 8, "HTTP 503"),
        (Mode::NotJson, 9, "malformed at line"),
        (Mode::PageStatus(503), 4, "booking page answered HTTP 503"),
    ];
    for (mode, code, needle) in cases {
        aa.set_mode(mode.clone());
        let out = Run::new(&aa.base_url(), &[]).output();
        let err = fails(&out, code, needle);
        assert!(err.starts_with("point-break: "), "{mode:?}: {err}");
    }
}

#[test]
fn no_session_retries_once_with_a_fresh_page() {
    let aa = standin();
    // One 309, then the data: the page is loaded again and the search succeeds.
    aa.fail_next(1, Mode::NoSession);
    let v = ok_json(&Run::new(&aa.base_url(), &[]).output());
    assert_eq!(v["total_results"], 36);
    assert_eq!(aa.page_loads(), 2);

    // 309 for good: one retry, then exit 7.
    let aa = standin();
    aa.set_mode(Mode::NoSession);
    let out = Run::new(&aa.base_url(), &[]).output();
    fails(&out, 7, "error 309");
    assert_eq!(aa.page_loads(), 2);
    assert_eq!(aa.requests().len(), 4);
}

#[test]
fn slow_answers_time_out_and_unreachable_sites_are_named() {
    let aa = standin();
    aa.set_mode(Mode::Hang);
    let out = Run::new(&aa.base_url(), &["--timeout", "2s"]).output();
    fails(&out, 10, "timed out after 2s");

    // Nothing listens on this port.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = Run::new(&format!("http://127.0.0.1:{port}"), &[]).output();
    fails(&out, 4, &format!("127.0.0.1:{port}"));
}

#[test]
fn bad_values_exit_2_before_any_browser_starts() {
    let aa = standin();
    let cases: [(&[&str], &str); 10] = [
        (&["--origin", "LA"], "invalid --origin"),
        (&["--destination", "NYC"], "invalid --destination"),
        (&["--date", "2025-02-30"], "invalid --date"),
        (&["--date", "2020-01-01"], "in the past"),
        (&["--passengers", "0"], "invalid --passengers"),
        (&["--cabin", "economy-plus"], "invalid --cabin"),
        (&["--timeout", "soon"], "invalid --timeout"),
        (
            &["--geckodriver", "/nonexistent/geckodriver"],
            "invalid --geckodriver",
        ),
        // Paths are checked up front too: a typo must not cost a search at AA.
        (
            &["--output", "/nonexistent/dir/out.json"],
            "invalid --output",
        ),
        (&["--save-raw", "/etc/hostname"], "invalid --save-raw"),
    ];
    for (args, needle) in cases {
        let out = Run::new(&aa.base_url(), args).output();
        fails(&out, 2, needle);
    }
    assert_eq!(aa.page_loads(), 0, "no browser reached the stand-in");
}

#[test]
fn missing_geckodriver_on_path_is_a_browser_error() {
    let aa = standin();
    let firefox = ["/usr/bin/firefox-esr", "/usr/bin/firefox"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .expect("Firefox is installed");
    let mut run = Run::new(&aa.base_url(), &["--firefox", firefox]);
    // Neither PATH nor $CARGO_HOME/bin nor ~/.cargo/bin has geckodriver now.
    run.cmd
        .env("PATH", "/nonexistent")
        .env("HOME", "/nonexistent")
        .env_remove("CARGO_HOME");
    let out = run.output();
    fails(&out, 3, "geckodriver not found");
}

#[test]
fn works_with_an_existing_webdriver_server() {
    let aa = standin();
    let driver = procs::require_tools();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let tag = procs::new_tag();
    let mut gd = std::process::Command::new(driver)
        .args(["--host", "127.0.0.1", "--port", &port.to_string()])
        .env(TAG_VAR, &tag)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let url = format!("http://127.0.0.1:{port}");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "geckodriver did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = Run::new(&aa.base_url(), &["--webdriver", &url]).output();
    let _ = gd.kill();
    let _ = gd.wait();
    let v = ok_json(&out);
    assert_eq!(v["total_results"], 36);
    procs::assert_none_left(&tag);
}

#[test]
fn ctrl_c_closes_the_browser_and_exits_130() {
    let aa = standin();
    aa.set_mode(Mode::Hang);
    procs::require_tools();
    let tag = procs::new_tag();
    let bin = assert_cmd::cargo::cargo_bin("point-break");
    let child = std::process::Command::new(bin)
        .env(TAG_VAR, &tag)
        .args([
            "search",
            "--origin",
            "NYC",
            "--destination",
            "LAX",
            "--date",
        ])
        .arg(future_date(30))
        .args(["--base-url", &aa.base_url()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    assert!(
        aa.wait_for_requests(2, Duration::from_secs(60)),
        "the search started"
    );
    assert!(
        procs::tagged(&tag).len() > 2,
        "geckodriver and Firefox are running"
    );
    let pid = child.id().to_string();
    std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("interrupted"));
    procs::assert_none_left(&tag);
}
