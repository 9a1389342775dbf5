//! `point-break batch` end to end: the built binary, a real Firefox and a real geckodriver, and
//! the AA stand-in on a loopback port. Faults are real too: Firefox is SIGKILLed, the binary gets
//! SIGTERM, the stand-in answers 429, 309 and 403. These tests fail (never skip) when Firefox or
//! geckodriver is missing. Each run gets its own TMPDIR, which geckodriver's profile root and
//! Firefox's profile live in, so that "no process left behind" can be checked by that path.

mod support;

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::procs::require_tools;
use support::standin::{Config, Mode, StandIn};

// ---------------------------------------------------------------------------------------------
// Harness

/// One test's scratch space: output files, and the TMPDIR the browser's profiles go into.
struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Scratch {
        let dir = tempfile::Builder::new()
            .prefix("pb-batch-e2e-")
            .tempdir()
            .unwrap();
        std::fs::create_dir(dir.path().join("tmp")).unwrap();
        Scratch { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn tmp(&self) -> PathBuf {
        self.path("tmp")
    }

    /// `point-break batch` against `standin`, fast pacing, browser files under our TMPDIR.
    fn batch(&self, standin: &StandIn) -> Command {
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("point-break"));
        cmd.env("TMPDIR", self.tmp())
            .env_remove("POINT_BREAK_BASE_URL")
            .env_remove("RUST_LOG")
            .current_dir(self.dir.path())
            .args(["batch", "--base-url", &standin.base_url()])
            .args(["--delay", "0", "--timeout", "30s"])
            .stdin(Stdio::null());
        cmd
    }

    /// Processes whose command line mentions our TMPDIR: geckodriver and Firefox of this test.
    fn browser_processes(&self) -> Vec<(u32, String)> {
        let marker = self.tmp().display().to_string();
        let mut found = Vec::new();
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
                continue;
            };
            let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
            if cmdline.contains(&marker) {
                found.push((pid, cmdline));
            }
        }
        found
    }

    /// Fails when a geckodriver or Firefox started by this test outlived its run.
    fn assert_no_browser_left(&self) {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let left = self.browser_processes();
            if left.is_empty() {
                return;
            }
            if Instant::now() > deadline {
                for (pid, _) in &left {
                    // SAFETY: kill(2) of a process this test started, so the next test is clean.
                    unsafe { libc::kill(*pid as i32, libc::SIGKILL) };
                }
                panic!("browser processes outlived the run: {left:?}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// Runs to the end (at most 3 minutes) and checks that no browser is left.
fn run(scratch: &Scratch, cmd: &mut Command) -> Output {
    let child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let output = wait(child, Duration::from_secs(180));
    scratch.assert_no_browser_left();
    output
}

/// Waits for a child, killing it (and failing) when it takes longer than `limit`.
fn wait(mut child: Child, limit: Duration) -> Output {
    let deadline = Instant::now() + limit;
    // Drain the pipes on threads so a chatty child never blocks on a full pipe.
    let mut out = child.stdout.take();
    let mut err = child.stderr.take();
    let out = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(o) = out.as_mut() {
            let _ = o.read_to_end(&mut buf);
        }
        buf
    });
    let err = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(e) = err.as_mut() {
            let _ = e.read_to_end(&mut buf);
        }
        buf
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("point-break batch did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn code(output: &Output) -> i32 {
    output.status.code().unwrap_or(-1)
}

/// A day `offset` days from today, `YYYY-MM-DD`.
fn day(offset: i64) -> String {
    let d = time::OffsetDateTime::now_utc().date() + time::Duration::days(offset);
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

fn parse_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}")))
        .collect()
}

fn read_lines(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.is_empty() || text.ends_with('\n'), "a torn last line");
    parse_lines(&text)
}

/// `ORIGIN-DEST-DATE` of a line.
fn key(line: &Value) -> String {
    let m = &line["search_metadata"];
    format!(
        "{}-{}-{}",
        m["origin"].as_str().unwrap(),
        m["destination"].as_str().unwrap(),
        m["date"].as_str().unwrap()
    )
}

/// Every key of `origins` x `destinations` x `days` (differing pairs).
fn expected(origins: &[&str], destinations: &[&str], days: &[String]) -> HashSet<String> {
    let mut keys = HashSet::new();
    for o in origins {
        for d in destinations.iter().filter(|d| *d != o) {
            for day in days {
                keys.insert(format!("{o}-{d}-{day}"));
            }
        }
    }
    keys
}

/// Asserts each line is a success and every expected query appears exactly once.
fn assert_exactly_once(lines: &[Value], expected: &HashSet<String>) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for line in lines {
        assert!(line.get("error").is_none(), "a failed line: {line}");
        *seen.entry(key(line)).or_default() += 1;
    }
    let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "queries written twice: {twice:?}");
    let got: HashSet<String> = seen.into_keys().collect();
    assert_eq!(
        &got, expected,
        "the queries answered differ from those asked"
    );
}

/// Checks a successful line against what the stand-in serves.
fn assert_real_values(line: &Value) {
    let destination = line["search_metadata"]["destination"].as_str().unwrap();
    let flights = line["flights"].as_array().unwrap();
    assert_eq!(
        line["total_results"].as_u64().unwrap() as usize,
        flights.len()
    );
    if destination == "MIA" {
        assert_eq!(flights.len(), 38, "{}", key(line));
    } else {
        let aa171 = flights
            .iter()
            .find(|f| f["flight_number"] == "AA171")
            .unwrap_or_else(|| panic!("no AA171 in {}", key(line)));
        assert_eq!(aa171["cpp"].as_f64(), Some(2.06));
        let party = line["search_metadata"]["passengers"].as_u64().unwrap();
        assert_eq!(aa171["points_required"].as_u64(), Some(15000 * party));
    }
    let fetched = line["fetched_at"].as_str().unwrap();
    assert!(fetched.ends_with('Z') && fetched.len() == 20, "{fetched}");
}

fn slow_standin(delay_ms: u64) -> StandIn {
    StandIn::start(Config {
        delay: Duration::from_millis(delay_ms),
        ..Config::default()
    })
}

/// The Firefox main process under the geckodriver that `pid` started.
fn firefox_of(pid: u32) -> Option<u32> {
    let children = |parent: u32| -> Vec<(u32, String)> {
        let mut found = Vec::new();
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let Ok(child) = entry.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                continue;
            };
            let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
                continue;
            };
            let name = stat[open + 1..close].to_string();
            let fields: Vec<&str> = stat[close + 1..].split_whitespace().collect();
            if fields.len() > 1 && fields[0] != "Z" && fields[1].parse() == Ok(parent) {
                found.push((child, name));
            }
        }
        found
    };
    let geckodriver = children(pid)
        .into_iter()
        .find(|(_, name)| name.contains("geckodriver"))?;
    children(geckodriver.0)
        .into_iter()
        .find(|(_, name)| name.starts_with("firefox"))
        .map(|(pid, _)| pid)
}

// ---------------------------------------------------------------------------------------------
// Tests

#[test]
fn dozens_of_queries_on_one_warm_browser_each_answered_once() {
    require_tools();
    let standin = slow_standin(300);
    let scratch = Scratch::new();
    let days: Vec<String> = (40..46).map(day).collect();
    let output = run(
        &scratch,
        scratch.batch(&standin).args([
            "--origin",
            "NYC,BOS",
            "--destination",
            "LAX,MIA",
            "--date",
            &format!("{}..{}", days[0], days[5]),
            "--concurrency",
            "3",
            "--rotate-after",
            "10",
        ]),
    );
    let err = stderr(&output);
    assert_eq!(code(&output), 0, "{err}");
    assert!(err.contains("batch: 24 queries, 24 ok, 0 failed"), "{err}");

    let lines = parse_lines(&String::from_utf8_lossy(&output.stdout));
    assert_exactly_once(&lines, &expected(&["NYC", "BOS"], &["LAX", "MIA"], &days));
    lines.iter().for_each(assert_real_values);
    assert!(lines.iter().all(|l| l["attempts"] == 1));

    let requests = standin.requests();
    assert_eq!(requests.len(), 48, "one Award and one Revenue per query");
    assert!(requests.iter().all(|r| r.had_session_cookie && r.xsrf_ok));
    assert!(standin.max_in_flight() <= 6, "{}", standin.max_in_flight());
    assert!(standin.max_in_flight() >= 4, "searches did not overlap");
    // One page load, then a fresh one after every 10 searches.
    assert_eq!(standin.page_loads(), 3);
}

#[test]
fn firefox_killed_mid_run_every_query_still_answered_once() {
    require_tools();
    let standin = slow_standin(300);
    let scratch = Scratch::new();
    let out = scratch.path("out.jsonl");
    let days: Vec<String> = (50..54).map(day).collect();
    let child = scratch
        .batch(&standin)
        .args(["--origin", "NYC,BOS", "--destination", "LAX,MIA"])
        .args(["--date", &format!("{}..{}", days[0], days[3])])
        .args(["--concurrency", "2", "--output"])
        .arg(&out)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();

    assert!(
        standin.wait_for_requests(6, Duration::from_secs(120)),
        "the batch never got going"
    );
    let firefox = firefox_of(child.id()).expect("the Firefox that point-break started");
    // SAFETY: kill(2) of the Firefox this test's point-break started.
    unsafe { libc::kill(firefox as i32, libc::SIGKILL) };

    let output = wait(child, Duration::from_secs(180));
    scratch.assert_no_browser_left();
    let err = stderr(&output);
    assert_eq!(code(&output), 0, "{err}");
    assert!(err.contains("16 ok, 0 failed"), "{err}");
    assert!(err.contains("1 browser restart"), "{err}");
    let lines = read_lines(&out);
    assert_exactly_once(&lines, &expected(&["NYC", "BOS"], &["LAX", "MIA"], &days));
    lines.iter().for_each(assert_real_values);
    assert!(standin.page_loads() >= 2, "the new browser opened the page");
}

#[test]
fn a_hung_firefox_is_replaced() {
    require_tools();
    let standin = slow_standin(200);
    let scratch = Scratch::new();
    let days: Vec<String> = (55..59).map(day).collect();
    let child = scratch
        .batch(&standin)
        .args(["--origin", "NYC", "--destination", "LAX,MIA"])
        .args(["--date", &format!("{}..{}", days[0], days[3])])
        .args(["--concurrency", "2", "--timeout", "8s"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    assert!(
        standin.wait_for_requests(4, Duration::from_secs(120)),
        "the batch never got going"
    );
    let firefox = firefox_of(child.id()).expect("the Firefox that point-break started");
    // SAFETY: kill(2) of the Firefox this test's point-break started. A stopped Firefox answers
    // nothing, like a hung one; the group's SIGKILL on close still ends it.
    unsafe { libc::kill(firefox as i32, libc::SIGSTOP) };

    let output = wait(child, Duration::from_secs(180));
    scratch.assert_no_browser_left();
    let err = stderr(&output);
    assert_eq!(code(&output), 0, "{err}");
    assert!(err.contains("8 ok, 0 failed"), "{err}");
    assert!(err.contains("1 browser restart"), "{err}");
    let lines = parse_lines(&String::from_utf8_lossy(&output.stdout));
    assert_exactly_once(&lines, &expected(&["NYC"], &["LAX", "MIA"], &days));
    lines.iter().for_each(assert_real_values);
}

#[test]
fn rate_limited_then_answered_and_a_failure_retried_on_resume() {
    require_tools();
    let standin = slow_standin(50);
    // The first Award search: 429 with Retry-After: 1; its Revenue half fine; then the second
    // query's Award: AA's error 1100, a failure that is not retried within the run.
    standin.fail_next(
        1,
        Mode::RateLimited {
            retry_after_secs: Some(1),
        },
    );
    standin.fail_next(1, Mode::Ok);
    standin.fail_next(1, Mode::PastDate);
    let scratch = Scratch::new();
    let out = scratch.path("out.jsonl");
    let days = vec![day(60), day(61), day(62)];
    let batch = |resume: bool| {
        let mut cmd = scratch.batch(&standin);
        cmd.args(["--origin", "NYC", "--destination", "LAX"])
            .args(["--date", &format!("{}..{}", days[0], days[2])])
            .args(["--concurrency", "1", "--output"])
            .arg(&out);
        if resume {
            cmd.arg("--resume");
        }
        cmd
    };
    let output = run(&scratch, &mut batch(false));
    let err = stderr(&output);
    assert_eq!(code(&output), 11, "some failed: {err}");
    assert!(
        err.contains("batch: 3 queries, 2 ok, 1 failed (aa_error 1)"),
        "{err}"
    );
    let lines = read_lines(&out);
    assert_eq!(lines.len(), 3);
    let by_key: HashMap<String, &Value> = lines.iter().map(|l| (key(l), l)).collect();
    let first = by_key[&format!("NYC-LAX-{}", days[0])];
    assert_real_values(first);
    assert_eq!(first["attempts"], 2, "the rate-limited query ran twice");
    let failed = by_key[&format!("NYC-LAX-{}", days[1])];
    assert_eq!(failed["error"]["kind"], "aa_error");
    assert!(failed["error"]["message"]
        .as_str()
        .unwrap()
        .contains("1100"));
    assert!(failed.get("flights").is_none());
    assert_eq!(failed["attempts"], 1);

    let requests = standin.requests();
    assert_eq!(
        requests.len(),
        3 * 2 + 2,
        "the rate-limited pair was sent again"
    );
    assert_eq!(requests[0].status, Some(429));
    // Retry-After: 1 was honoured by everyone: nothing went out for a second.
    assert!(requests[2].started - requests[0].started >= Duration::from_secs(1));

    // --resume searches the failed query again, and only that one.
    let output = run(&scratch, &mut batch(true));
    let err = stderr(&output);
    assert_eq!(code(&output), 0, "{err}");
    assert!(
        err.contains("batch: 3 queries, 1 ok, 0 failed, 2 already answered"),
        "{err}"
    );
    assert_eq!(standin.requests().len(), 3 * 2 + 2 + 2);
    let lines = read_lines(&out);
    assert_exactly_once(&lines, &expected(&["NYC"], &["LAX"], &days));
    lines.iter().for_each(assert_real_values);
}

#[test]
fn session_gone_309_renews_the_page_then_answers() {
    require_tools();
    let standin = slow_standin(50);
    // Both halves of the first search: "no session".
    standin.fail_next(2, Mode::NoSession);
    let scratch = Scratch::new();
    let input = scratch.path("queries.csv");
    let (d1, d2) = (day(70), day(71));
    std::fs::write(
        &input,
        format!(
            "origin,destination,date,passengers\nNYC,LAX,{d1},2\nNYC,MIA,{d1},\nBOS,LAX,{d2},1\n\
             NYC,LAX,{d1},2\n"
        ),
    )
    .unwrap();
    let output = run(
        &scratch,
        scratch
            .batch(&standin)
            .arg("--input")
            .arg(&input)
            .args(["--concurrency", "1"]),
    );
    let err = stderr(&output);
    assert_eq!(code(&output), 0, "{err}");
    assert!(
        err.contains("batch: 3 queries, 3 ok, 0 failed"),
        "the duplicate row searched once: {err}"
    );
    assert!(err.contains("1 session renewal"), "{err}");
    let lines = parse_lines(&String::from_utf8_lossy(&output.stdout));
    assert_eq!(lines.len(), 3);
    lines.iter().for_each(assert_real_values);
    let first = &lines
        .iter()
        .find(|l| key(l) == format!("NYC-LAX-{d1}"))
        .unwrap();
    assert_eq!(first["attempts"], 2);
    assert_eq!(first["search_metadata"]["passengers"], 2);
    // Two passengers: the party's points.
    let aa171 = first["flights"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["flight_number"] == "AA171")
        .unwrap();
    assert_eq!(aa171["points_required"], 30000);
    assert_eq!(standin.page_loads(), 2, "a fresh page load after the 309");
    assert_eq!(standin.requests().len(), 3 * 2 + 2);
}

#[test]
fn a_persistent_block_ends_the_run_and_resume_finishes_it() {
    require_tools();
    let standin = slow_standin(300);
    let scratch = Scratch::new();
    let out = scratch.path("out.jsonl");
    let days: Vec<String> = (80..86).map(day).collect();
    let batch = |resume: bool| {
        let mut cmd = scratch.batch(&standin);
        cmd.args(["--origin", "NYC", "--destination", "LAX"])
            .args(["--date", &format!("{}..{}", days[0], days[5])])
            .args(["--concurrency", "1", "--cooldown", "1s", "--output"])
            .arg(&out);
        if resume {
            cmd.arg("--resume");
        }
        cmd
    };
    let child = batch(false)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    assert!(standin.wait_for_requests(4, Duration::from_secs(120)));
    standin.set_mode(Mode::Blocked403);
    let output = wait(child, Duration::from_secs(180));
    scratch.assert_no_browser_left();

    let err = stderr(&output);
    assert_eq!(code(&output), 5, "{err}");
    assert!(
        err.contains("batch stopped: AA's bot defence blocked"),
        "{err}"
    );
    assert!(err.contains("not run; rerun with --resume"), "{err}");
    assert!(err.contains("1 cool-down"), "{err}");
    let before = read_lines(&out);
    assert!(
        (1..6).contains(&before.len()),
        "{} lines before the block",
        before.len()
    );
    // Blocked queries were not written as answered (nor as failed).
    assert!(before.iter().all(|l| l.get("error").is_none()));
    let loads = standin.page_loads();
    assert!(loads >= 2, "a fresh page after the cool-down");

    standin.set_mode(Mode::Ok);
    let output = run(&scratch, &mut batch(true));
    let err = stderr(&output);
    assert_eq!(code(&output), 0, "{err}");
    assert!(
        err.contains(&format!("{} already answered", before.len())),
        "{err}"
    );
    let lines = read_lines(&out);
    assert_exactly_once(&lines, &expected(&["NYC"], &["LAX"], &days));
    lines.iter().for_each(assert_real_values);
}

#[test]
fn sigterm_mid_run_then_resume_answers_each_query_once() {
    require_tools();
    let standin = slow_standin(300);
    let scratch = Scratch::new();
    let out = scratch.path("out.jsonl");
    let days: Vec<String> = (90..95).map(day).collect();
    let batch = |resume: bool| {
        let mut cmd = scratch.batch(&standin);
        cmd.args(["--origin", "NYC,BOS", "--destination", "LAX,MIA"])
            .args(["--date", &format!("{}..{}", days[0], days[4])])
            .args(["--concurrency", "2", "--output"])
            .arg(&out);
        if resume {
            cmd.arg("--resume");
        }
        cmd
    };
    let child = batch(false)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    assert!(standin.wait_for_requests(10, Duration::from_secs(120)));
    // SAFETY: kill(2) of the child this test started.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let output = wait(child, Duration::from_secs(60));
    scratch.assert_no_browser_left();
    let err = stderr(&output);
    assert_eq!(code(&output), 130, "{err}");
    assert!(err.contains("interrupted"), "{err}");
    let first = read_lines(&out);
    assert!((1..20).contains(&first.len()), "{} lines", first.len());
    let requests_before = standin.requests().len();

    let output = run(&scratch, &mut batch(true));
    let err = stderr(&output);
    assert_eq!(code(&output), 0, "{err}");
    let lines = read_lines(&out);
    assert_exactly_once(&lines, &expected(&["NYC", "BOS"], &["LAX", "MIA"], &days));
    lines.iter().for_each(assert_real_values);
    // The second run searched only what the first had not written.
    let resumed = standin.requests().len() - requests_before;
    assert_eq!(resumed, 2 * (20 - first.len()));
}

#[test]
fn a_bad_row_stops_everything_before_it_starts() {
    let standin = slow_standin(0);
    let scratch = Scratch::new();
    let csv = scratch.path("queries.csv");
    let (d1, d2) = (day(30), day(31));
    std::fs::write(
        &csv,
        format!("origin,destination,date\nNYC,LAX,{d1}\nNYC,MIA,{d2}\nNYC,LAX,2027-02-30\n"),
    )
    .unwrap();
    let output = run(&scratch, scratch.batch(&standin).arg("--input").arg(&csv));
    let err = stderr(&output);
    assert_eq!(code(&output), 2, "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.contains("queries.csv:4: invalid date: "), "{err}");

    let jsonl = scratch.path("queries.jsonl");
    std::fs::write(
        &jsonl,
        format!(
            "{{\"origin\":\"NYC\",\"destination\":\"LAX\",\"date\":\"{d1}\"}}\n\
             {{\"origin\":\"NYC\",\"destination\":\"LAX\",\"date\":\"{d1}\",\"passengers\":0}}\n"
        ),
    )
    .unwrap();
    let output = run(&scratch, scratch.batch(&standin).arg("--input").arg(&jsonl));
    let err = stderr(&output);
    assert_eq!(code(&output), 2, "{err}");
    assert!(
        err.contains("queries.jsonl:2: invalid passengers: "),
        "{err}"
    );

    assert!(standin.requests().is_empty());
    assert_eq!(standin.page_loads(), 0, "no browser was started");
}

#[test]
fn a_held_lock_exits_12_and_existing_output_is_not_clobbered() {
    let standin = slow_standin(0);
    let scratch = Scratch::new();
    let lock = scratch.path("batch.lock");
    let held = std::fs::File::create(&lock).unwrap();
    fs4::FileExt::try_lock(&held).unwrap();
    let d = day(30);
    let args = ["--origin", "NYC", "--destination", "LAX", "--date", &d];
    let output = run(
        &scratch,
        scratch.batch(&standin).args(args).arg("--lock").arg(&lock),
    );
    let err = stderr(&output);
    assert_eq!(code(&output), 12, "{err}");
    assert!(err.contains("another batch run holds the lock"), "{err}");
    drop(held);

    let out = scratch.path("out.jsonl");
    std::fs::write(&out, "{\"keep\": true}\n").unwrap();
    let output = run(
        &scratch,
        scratch.batch(&standin).args(args).arg("--output").arg(&out),
    );
    let err = stderr(&output);
    assert_eq!(code(&output), 2, "{err}");
    assert!(err.contains("--resume") && err.contains("--force"), "{err}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "{\"keep\": true}\n");

    let output = run(
        &scratch,
        scratch
            .batch(&standin)
            .args(args)
            .args(["--concurrency", "12"]),
    );
    let err = stderr(&output);
    assert_eq!(code(&output), 2, "{err}");
    assert!(err.contains("bot defence"), "{err}");

    assert!(standin.requests().is_empty());
    assert_eq!(standin.page_loads(), 0);
}
