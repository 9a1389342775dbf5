//! The shell-facing features driven through the real binary: output formats, sort and filters,
//! the verdict, completions, the man page, the schema, the jq recipes and samples in `examples/`,
//! the cron wrapper and `--proxy`. Offline cases run `merge` on the fixtures; the browser cases
//! run a real Firefox against the local AA stand-in and fail (never skip) when it is missing.

mod support;

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;
use support::standin::{Config, StandIn};

const AWARD: &str = "captures/aifares__CreditCardPoints__american-raw.b5d11d6.json";
const REVENUE: &str = "revenue/revenue-b5d11d6-pax1.json";
const MIA_AWARD: &str = "captures/aifares__CreditCardPoints__american-raw.6a98ba2.json";
const MIA_REVENUE: &str = "revenue/revenue-6a98ba2-pax1.json";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(rel: &str) -> PathBuf {
    root().join("tests/fixtures").join(rel)
}

fn bin() -> Command {
    Command::cargo_bin("point-break").unwrap()
}

/// `point-break merge` on the NYC-LAX fixtures, with more arguments.
fn merge(args: &[&str]) -> Output {
    merge_pair(AWARD, REVENUE, args)
}

fn merge_pair(award: &str, revenue: &str, args: &[&str]) -> Output {
    bin()
        .arg("merge")
        .arg("--award")
        .arg(fixture(award))
        .arg("--revenue")
        .arg(fixture(revenue))
        .args(args)
        .output()
        .unwrap()
}

fn ok_stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}, stderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8")
}

fn json(out: &Output) -> Value {
    serde_json::from_str(&ok_stdout(out)).expect("stdout is JSON")
}

fn flight<'a>(report: &'a Value, number: &str) -> &'a Value {
    report["flights"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["flight_number"] == number)
        .unwrap_or_else(|| panic!("no {number}"))
}

/// Runs `cmd`, expects exit `code`, nothing on stdout and exactly one line on stderr.
fn one_line_error(cmd: &mut Command, code: i32) -> String {
    let out = cmd.output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(code), "stderr: {err}");
    assert!(
        out.stdout.is_empty(),
        "stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    err
}

fn in_days(n: i64) -> String {
    let day = time::OffsetDateTime::now_utc().date() + time::Duration::days(n);
    format!(
        "{:04}-{:02}-{:02}",
        day.year(),
        u8::from(day.month()),
        day.day()
    )
}

// ---------------------------------------------------------------------------------------------
// Formats

#[test]
fn json_default_keeps_its_keys_and_adds_the_verdict() {
    let v = json(&merge(&[]));
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["search_metadata", "flights", "total_results"]);
    let aa171 = flight(&v, "AA171");
    for key in [
        "flight_number",
        "departure_time",
        "arrival_time",
        "points_required",
        "cash_price_usd",
        "taxes_fees_usd",
        "cpp",
    ] {
        assert!(aa171.get(key).is_some(), "{key}");
    }
    assert_eq!(aa171["verdict"], "miles");
    assert_eq!(aa171["value_cpp"], 1.5);
    assert_eq!(aa171["value_of_miles_usd"], 225.0);
    assert_eq!(aa171["savings_usd"], 83.64);
    // --format json is the same bytes as the default.
    assert_eq!(
        ok_stdout(&merge(&["--format", "json"])),
        ok_stdout(&merge(&[]))
    );
}

#[test]
fn csv_has_the_documented_header_and_a_known_row() {
    let text = ok_stdout(&merge(&["--format", "csv"]));
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, point_break::render::CSV_COLUMNS);
    assert_eq!(
        &header[..10],
        [
            "flight_number",
            "departure_time",
            "arrival_time",
            "stops",
            "duration_minutes",
            "points_required",
            "cash_price_usd",
            "taxes_fees_usd",
            "cpp",
            "verdict"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 36);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let aa171 = rows.iter().find(|r| &r[0] == "AA171").unwrap();
    assert_eq!(&aa171[col("departure_time")], "06:00");
    assert_eq!(&aa171[col("arrival_time")], "09:16");
    assert_eq!(&aa171[col("stops")], "0");
    assert_eq!(&aa171[col("points_required")], "15000");
    assert_eq!(&aa171[col("cash_price_usd")], "314.24");
    assert_eq!(&aa171[col("taxes_fees_usd")], "5.60");
    assert_eq!(&aa171[col("cpp")], "2.06");
    assert_eq!(&aa171[col("verdict")], "miles");
    assert_eq!(&aa171[col("savings_usd")], "83.64");
    assert_eq!(&aa171[col("search_origin")], "NYC");
    assert_eq!(&aa171[col("date")], "2025-04-24");
    assert_eq!(&aa171[col("cabin_class")], "main");
    let two_legs = rows.iter().find(|r| &r[0] == "AA4536").unwrap();
    assert_eq!(&two_legs[col("flight_numbers")], "AA4536+AA1966");
}

#[test]
fn ndjson_lines_stand_alone() {
    let text = ok_stdout(&merge(&["--format", "ndjson"]));
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), 36);
    for line in &lines {
        assert_eq!(
            line["search_metadata"],
            serde_json::json!({"origin": "NYC", "destination": "LAX", "date": "2025-04-24",
                               "passengers": 1, "cabin_class": "main"})
        );
    }
    let aa171 = lines
        .iter()
        .find(|l| l["flight_number"] == "AA171")
        .unwrap();
    assert_eq!(aa171["cpp"], 2.06);
    assert_eq!(aa171["points_required"], 15000);
    assert_eq!(aa171["verdict"], "miles");
    // Nothing matches: no lines at all, and success.
    assert_eq!(
        ok_stdout(&merge(&["--format", "ndjson", "--min-cpp", "50"])),
        ""
    );
}

#[test]
fn table_at_a_fixed_width() {
    let text = ok_stdout(&merge(&["--format", "table", "--width", "100"]));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[..5],
        [
            "NYC → LAX · 2025-04-24 · 1 adult · main · 36 flights · miles valued at 1.5¢",
            "Flight  Route        Depart  Arrive    Time   Miles     Cash   Taxes  ¢/pt  Pay      Saves",
            "────────────────────────────────────────────────────────────────────────────────────────────",
            "AA171   JFK-LAX      06:00   09:16     6h16  15,000  $314.24   $5.60  2.06  miles   $83.64",
            "AA4536  LGA-DCA-LAX  06:00   11:15     8h15  14,500  $239.87   $5.60  1.62  miles   $16.77",
        ]
    );
    assert_eq!(lines.len(), 3 + 36);
    assert!(
        lines.contains(&"AA300   JFK-LAX      21:00   00:24+1   6h24  15,000  $246.09   $5.60  1.60  miles   $15.49"),
        "{text}"
    );
    // Not a terminal: no colour unless asked.
    assert!(!text.contains('\x1b'));

    // Narrower: the least useful columns go first, nothing wraps, nothing overflows.
    let text = ok_stdout(&merge(&["--format", "table", "--width", "72"]));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[1],
        "Flight  Depart  Arrive    Time   Miles     Cash  ¢/pt  Pay      Saves"
    );
    assert_eq!(lines.len(), 3 + 36);
    for line in &lines[1..] {
        assert!(line.chars().count() <= 72, "{line}");
    }

    // $COLUMNS is honoured like --width.
    let out = bin()
        .env("COLUMNS", "72")
        .arg("merge")
        .arg("--award")
        .arg(fixture(AWARD))
        .arg("--revenue")
        .arg(fixture(REVENUE))
        .args(["--format", "table"])
        .output()
        .unwrap();
    assert_eq!(ok_stdout(&out), text);
}

#[test]
fn table_highlights_miles_rows_when_colour_is_on() {
    let text = ok_stdout(&merge(&[
        "--format", "table", "--width", "100", "--color", "always",
    ]));
    let row = |number: &str| {
        text.lines()
            .find(|l| l.contains(&format!("{number} ")))
            .unwrap_or_else(|| panic!("{number}: {text}"))
            .to_owned()
    };
    // AA1789 has the best cpp (2.45): green and bold. AA171 (2.06) is green. AS289 (0.90): plain.
    let best = row("AA1789");
    assert!(
        best.contains("\x1b[1m") && best.contains("\x1b[38;5;10m"),
        "{best:?}"
    );
    let good = row("AA171");
    assert!(
        good.contains("\x1b[38;5;10m") && !good.contains("\x1b[1m"),
        "{good:?}"
    );
    assert!(!row("AS289").contains('\x1b'));
}

// ---------------------------------------------------------------------------------------------
// Sort, filters, verdict

#[test]
fn sort_and_filters_with_counts() {
    let all = json(&merge(&[]));
    let flights = all["flights"].as_array().unwrap();

    let v = json(&merge(&["--nonstop", "--sort", "cpp"]));
    assert_eq!(v["total_results"], 10);
    let got: Vec<(&str, f64)> = v["flights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert_eq!(f["stops"], 0);
            (
                f["flight_number"].as_str().unwrap(),
                f["cpp"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got[..4],
        [
            ("AA255", 2.20),
            ("AA171", 2.06),
            ("AA302", 1.83),
            ("AA117", 1.66)
        ]
    );
    assert_eq!(got.last(), Some(&("AS287", 0.50)));

    let v = json(&merge(&["--max-points", "15000", "--max-stops", "1"]));
    let expected = flights
        .iter()
        .filter(|f| {
            f["points_required"].as_u64().unwrap() <= 15000 && f["stops"].as_u64().unwrap() <= 1
        })
        .count();
    assert_eq!(expected, 32);
    assert_eq!(v["total_results"], 32);
    assert_eq!(v["flights"].as_array().unwrap().len(), 32);

    let v = json(&merge(&["--min-cpp", "2"]));
    assert_eq!(v["total_results"], 12);
    assert!(v["flights"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["cpp"].as_f64().unwrap() >= 2.0));

    // Ascending keys, ties by departure.
    for (key, field) in [
        ("points", "points_required"),
        ("cash", "cash_price_usd"),
        ("duration", "duration_minutes"),
    ] {
        let v = json(&merge(&["--sort", key]));
        let f = v["flights"].as_array().unwrap();
        assert_eq!(f.len(), 36);
        for pair in f.windows(2) {
            let (a, b) = (
                pair[0][field].as_f64().unwrap(),
                pair[1][field].as_f64().unwrap(),
            );
            assert!(
                a < b || (a == b && pair[0]["departure"].as_str() <= pair[1]["departure"].as_str()),
                "--sort {key}: {} before {}",
                pair[0]["flight_number"],
                pair[1]["flight_number"]
            );
        }
    }
}

#[test]
fn verdict_at_a_given_value() {
    let v = json(&merge(&["--value-cpp", "2.5"]));
    let aa171 = flight(&v, "AA171");
    assert_eq!(aa171["verdict"], "cash");
    assert_eq!(aa171["value_cpp"], 2.5);
    assert_eq!(aa171["value_of_miles_usd"], 375.0);
    assert_eq!(aa171["savings_usd"], 66.36);
    // AA255 at 2.20 cpp beats 2.0 but not 2.5.
    assert_eq!(
        flight(&json(&merge(&["--value-cpp", "2"])), "AA255")["verdict"],
        "miles"
    );
    assert_eq!(flight(&v, "AA255")["verdict"], "cash");
    // Two adults: the difference is for the party.
    let pax2 = json(&merge_pair(
        "award-pax2/award-b5d11d6-pax2.json",
        "revenue/revenue-b5d11d6-pax2.json",
        &["--passengers", "2", "--value-cpp", "1.5"],
    ));
    let aa171 = flight(&pax2, "AA171");
    assert_eq!(aa171["points_required"], 30000);
    assert_eq!(aa171["value_of_miles_usd"], 450.0);
    let expected = aa171["cash_price_usd"].as_f64().unwrap()
        - aa171["taxes_fees_usd"].as_f64().unwrap()
        - 450.0;
    assert!((aa171["savings_usd"].as_f64().unwrap() - expected.abs()).abs() < 0.006);
}

#[test]
fn bad_output_values_exit_2_naming_the_flag() {
    for (args, flag) in [
        (&["--format", "xml"][..], "--format"),
        (&["--sort", "price"], "--sort"),
        (&["--min-cpp", "lots"], "--min-cpp"),
        (&["--max-points", "-5"], "--max-points"),
        (&["--max-stops", "one"], "--max-stops"),
        (&["--value-cpp", "0"], "--value-cpp"),
        (&["--width", "5"], "--width"),
        (&["--color", "sometimes"], "--color"),
    ] {
        let err = one_line_error(
            bin()
                .arg("merge")
                .arg("--award")
                .arg(fixture(AWARD))
                .arg("--revenue")
                .arg(fixture(REVENUE))
                .args(args),
            2,
        );
        assert!(
            err.starts_with(&format!("point-break: invalid {flag}: ")),
            "{err}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Completions, man page, schema

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = ok_stdout(&bin().args(["completions", shell]).output().unwrap());
        assert!(script.len() > 1000, "{shell}: {script}");
        for word in ["point-break", "merge", "doctor", "value-cpp", "ndjson"] {
            assert!(script.contains(word), "{shell} lacks {word}");
        }
    }
    let err = one_line_error(bin().args(["completions", "tcsh"]), 2);
    assert!(err.contains("invalid SHELL"), "{err}");
}

#[test]
fn man_pages_are_roff() {
    let page = ok_stdout(&bin().arg("man").output().unwrap());
    // clap_mangen's two-line quote preamble, then the title.
    let first_macro = page
        .lines()
        .find(|l| l.starts_with(".TH") || l.starts_with(".SH"))
        .unwrap();
    assert!(
        first_macro.starts_with(".TH point-break 1"),
        "{first_macro}"
    );
    assert!(page.contains(".SH SUBCOMMANDS"), "{page}");
    let search = ok_stdout(&bin().args(["man", "search"]).output().unwrap());
    assert!(search.contains(".TH point-break-search 1"), "{search}");
    for flag in ["\\-\\-proxy", "\\-\\-format", "\\-\\-value\\-cpp"] {
        assert!(search.contains(flag), "{flag}");
    }
    let err = one_line_error(bin().args(["man", "fly"]), 2);
    assert!(err.contains("invalid COMMAND"), "{err}");
}

#[test]
fn schema_describes_the_output() {
    let schema: Value =
        serde_json::from_str(&ok_stdout(&bin().arg("schema").output().unwrap())).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let required = schema["required"].as_array().unwrap();
    for key in ["search_metadata", "flights", "total_results"] {
        assert!(required.contains(&Value::from(key)), "{key}");
    }
    // Every key of a real flight is described, and every required one is there.
    let report = json(&merge(&[]));
    let flight = report["flights"][0].as_object().unwrap();
    let def = &schema["$defs"]["Flight"];
    for key in flight.keys() {
        assert!(def["properties"].get(key).is_some(), "schema lacks {key}");
    }
    for key in def["required"].as_array().unwrap() {
        assert!(
            flight.contains_key(key.as_str().unwrap()),
            "output lacks {key}"
        );
    }
    assert_eq!(
        schema["$defs"]["Better"]["oneOf"]
            .as_array()
            .map(|a| a.len())
            .or_else(|| schema["$defs"]["Better"]["enum"]
                .as_array()
                .map(|a| a.len())),
        Some(2)
    );
}

// ---------------------------------------------------------------------------------------------
// examples/

/// The jq binary; fails the test with the install command when it is missing.
fn jq() -> std::process::Command {
    let found = std::process::Command::new("jq").arg("--version").output();
    assert!(
        found.is_ok_and(|o| o.status.success()),
        "the jq recipes are tested with the real jq; install it with `apt-get install jq`"
    );
    std::process::Command::new("jq")
}

fn run_jq(recipe: &str, extra: &[&str], files: &[&Path]) -> Value {
    let out = jq()
        .arg("-s")
        .args(extra)
        .arg("-f")
        .arg(root().join("examples/jq").join(recipe))
        .args(files)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{recipe}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn jq_recipes_run_on_real_output() {
    let dir = tempfile::tempdir().unwrap();
    let lax = dir.path().join("nyc-lax.json");
    let mia = dir.path().join("nyc-mia.json");
    for (award, revenue, file) in [(AWARD, REVENUE, &lax), (MIA_AWARD, MIA_REVENUE, &mia)] {
        bin()
            .arg("merge")
            .arg("--award")
            .arg(fixture(award))
            .arg("--revenue")
            .arg(fixture(revenue))
            .arg("--output")
            .arg(file)
            .assert()
            .success();
    }
    let reports: Vec<Value> = [&lax, &mia]
        .iter()
        .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
        .collect();

    // Best cpp per day: one entry per date, the day's highest cpp.
    let best = run_jq("best-cpp-per-day.jq", &[], &[&lax, &mia]);
    let best = best.as_array().unwrap();
    assert_eq!(best.len(), 2);
    assert_eq!(best[0]["date"], "2025-04-24");
    assert_eq!(best[0]["route"], "NYC-LAX");
    assert_eq!(best[0]["flight_number"], "AA1789");
    assert_eq!(best[0]["cpp"], 2.45);
    assert_eq!(best[1]["date"], "2025-04-30");
    let mia_max = reports[1]["flights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["cpp"].as_f64().unwrap())
        .fold(0.0, f64::max);
    assert_eq!(best[1]["cpp"].as_f64(), Some(mia_max));
    assert_eq!(mia_max, 3.25);

    // Above a threshold: the same flights as --min-cpp, best first.
    let above = run_jq("above-threshold.jq", &["--argjson", "min", "2"], &[&lax]);
    let above = above.as_array().unwrap();
    let tool = json(&merge(&["--min-cpp", "2", "--sort", "cpp"]));
    let tool: Vec<&Value> = tool["flights"].as_array().unwrap().iter().collect();
    assert_eq!(above.len(), 12);
    assert_eq!(above.len(), tool.len());
    for (a, t) in above.iter().zip(&tool) {
        assert_eq!(a["flight_number"], t["flight_number"]);
        assert_eq!(a["cpp"], t["cpp"]);
    }
    // The default threshold is 2 cents.
    assert_eq!(
        run_jq("above-threshold.jq", &[], &[&lax])
            .as_array()
            .unwrap()
            .len(),
        12
    );

    // Cheapest miles per route: the route's least points.
    let cheapest = run_jq("cheapest-miles-per-route.jq", &[], &[&lax, &mia]);
    let cheapest = cheapest.as_array().unwrap();
    assert_eq!(cheapest.len(), 2);
    for (entry, report) in cheapest.iter().zip(&reports) {
        let least = report["flights"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["points_required"].as_u64().unwrap())
            .min()
            .unwrap();
        assert_eq!(entry["points_required"].as_u64(), Some(least));
    }
    assert_eq!(cheapest[0]["route"], "NYC-LAX");
    assert_eq!(cheapest[0]["points_required"], 14000);
    assert_eq!(cheapest[1]["route"], "NYC-MIA");
}

#[test]
fn samples_are_what_the_tool_prints_today() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new("bash")
        .arg(root().join("examples/make-samples.sh"))
        .env("POINT_BREAK", assert_cmd::cargo::cargo_bin("point-break"))
        .env("SAMPLES_DIR", dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let checked_in = root().join("examples/samples");
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 5, "{names:?}");
    for name in names {
        let fresh = std::fs::read(dir.path().join(&name)).unwrap();
        let kept = std::fs::read(checked_in.join(&name)).unwrap_or_else(|e| {
            panic!("examples/samples/{name}: {e}; run examples/make-samples.sh")
        });
        assert!(
            fresh == kept,
            "examples/samples/{name} is out of date; run examples/make-samples.sh"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The proxy flag and the cron wrapper

#[test]
fn bad_proxy_exits_2_without_echoing_the_password() {
    for bad in [
        "ftp://me:s3cret@proxy:1080",
        "http://me:s3cret@proxy",
        "me:s3cret@proxy:1080",
    ] {
        let err = one_line_error(
            bin().args([
                "search",
                "--origin",
                "JFK",
                "--destination",
                "LAX",
                "--date",
                &in_days(30),
                "--proxy",
                bad,
            ]),
            2,
        );
        assert!(err.starts_with("point-break: invalid --proxy: "), "{err}");
        assert!(!err.contains("s3cret"), "{err}");
    }
    // --help shows that POINT_BREAK_PROXY exists, never its value.
    let help = ok_stdout(
        &bin()
            .env("POINT_BREAK_PROXY", "http://me:s3cret@proxy:3128")
            .args(["search", "--help"])
            .output()
            .unwrap(),
    );
    assert!(help.contains("POINT_BREAK_PROXY"), "{help}");
    assert!(!help.contains("s3cret"), "{help}");
}

/// Fails with install instructions when Firefox or geckodriver is missing.
fn require_browser() {
    let on_path = |name: &str| {
        std::env::var_os("PATH")
            .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(name).is_file()))
    };
    let cargo_bin = std::env::var_os("HOME")
        .map(|h| PathBuf::from(h).join(".cargo/bin/geckodriver"))
        .is_some_and(|p| p.is_file());
    assert!(
        on_path("firefox") || on_path("firefox-esr"),
        "this test needs Firefox: apt-get install firefox-esr"
    );
    assert!(
        on_path("geckodriver") || cargo_bin,
        "this test needs geckodriver: cargo install geckodriver --locked"
    );
}

#[test]
fn proxy_password_never_reaches_stdout_or_stderr() {
    require_browser();
    let standin = StandIn::start(Config::default());
    let out = bin()
        .args([
            "-v",
            "search",
            "--origin",
            "JFK",
            "--destination",
            "LAX",
            "--date",
            &in_days(30),
            "--format",
            "ndjson",
            "--proxy",
            "http://user:s3cret@127.0.0.1:9",
            "--base-url",
            &standin.base_url(),
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Firefox sends loopback addresses past any proxy, so the stand-in answers and the search
    // succeeds (exit 0); the proxy is still set (the debug log names it, password hidden).
    assert_eq!(out.status.code(), Some(0), "stderr: {stderr}");
    assert_eq!(stdout.lines().count(), 36);
    assert!(stderr.contains("http://user:***@127.0.0.1:9"), "{stderr}");
    assert!(!stdout.contains("s3cret"));
    assert!(!stderr.contains("s3cret"), "{stderr}");
}

#[test]
fn cron_wrapper_writes_dated_atomic_outputs_and_holds_a_lock() {
    require_browser();
    let standin = StandIn::start(Config::default());
    let out_dir = tempfile::tempdir().unwrap();
    let script = root().join("examples/cron/point-break-nightly.sh");
    let run = || {
        std::process::Command::new("bash")
            .arg(&script)
            .env("POINT_BREAK", assert_cmd::cargo::cargo_bin("point-break"))
            .env("POINT_BREAK_OUT", out_dir.path())
            .env("POINT_BREAK_ROUTES", "JFK-LAX")
            .env("POINT_BREAK_DAYS_AHEAD", "30")
            .env("POINT_BREAK_FORMATS", "json csv table")
            .env("POINT_BREAK_PAUSE", "0")
            .env("POINT_BREAK_BASE_URL", standin.base_url())
            .output()
            .unwrap()
    };

    // A second run while the lock is held exits 12 at once.
    let lock = out_dir.path().join(".nightly.lock");
    std::fs::write(&lock, "").unwrap();
    let mut holder = std::process::Command::new("flock")
        // -o: the lock is not passed on to sleep, so killing flock releases it.
        .args(["-o"])
        .arg(&lock)
        .args(["sleep", "30"])
        .spawn()
        .expect("flock (util-linux) is needed by the cron wrapper");
    std::thread::sleep(std::time::Duration::from_millis(300));
    let locked = run();
    holder.kill().unwrap();
    holder.wait().unwrap();
    assert_eq!(
        locked.status.code(),
        Some(12),
        "{}",
        String::from_utf8_lossy(&locked.stderr)
    );

    let done = run();
    let stderr = String::from_utf8_lossy(&done.stderr);
    assert_eq!(done.status.code(), Some(0), "{stderr}");
    // The run's directory is named after today and the files after the day searched, both as the
    // wrapper's `date` sees them; `latest` points at the run's directory.
    let latest = std::fs::read_link(out_dir.path().join("latest")).unwrap();
    let run_dir = out_dir.path().join(&latest);
    assert_eq!(
        latest.to_string_lossy().len(),
        "YYYY-MM-DD".len(),
        "{latest:?}"
    );
    let json_name = std::fs::read_dir(&run_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with("JFK-LAX-") && n.ends_with(".json"))
        .expect("a JSON result");
    let name = json_name.trim_end_matches(".json").to_owned();
    let day = name.trim_start_matches("JFK-LAX-").to_owned();
    let report: Value = serde_json::from_str(
        &std::fs::read_to_string(run_dir.join(format!("{name}.json"))).unwrap(),
    )
    .unwrap();
    assert_eq!(report["total_results"], 36);
    let csv = std::fs::read_to_string(run_dir.join(format!("{name}.csv"))).unwrap();
    assert_eq!(csv.lines().count(), 37);
    assert!(csv.contains(&format!(",JFK,LAX,{day},1,main")), "{csv}");
    let table = std::fs::read_to_string(run_dir.join(format!("{name}.txt"))).unwrap();
    assert!(table.starts_with("JFK → LAX"), "{table}");
    // Only the results are left: no raw answers, no temporary files.
    let mut left: Vec<String> = std::fs::read_dir(&run_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        [
            format!("{name}.csv"),
            format!("{name}.json"),
            format!("{name}.txt")
        ]
    );
    assert!(out_dir.path().join("latest").join(&json_name).is_file());
}
