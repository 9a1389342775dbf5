//! `point-break merge` driven as a user runs it: the real binary on the fixtures, output parsed
//! and checked field by field, exit codes and one-line errors.

use assert_cmd::Command;
use serde_json::Value;
use std::path::PathBuf;

fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

const AWARD: &str = "captures/aifares__CreditCardPoints__american-raw.b5d11d6.json";
const REVENUE: &str = "revenue/revenue-b5d11d6-pax1.json";

fn merge() -> Command {
    let mut cmd = Command::cargo_bin("point-break").unwrap();
    cmd.arg("merge");
    cmd
}

fn stdout_json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

#[test]
fn merges_saved_bodies_into_the_documented_shape() {
    let out = merge()
        .arg("--award")
        .arg(fixture(AWARD))
        .arg("--revenue")
        .arg(fixture(REVENUE))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = stdout_json(&out);
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["search_metadata", "flights", "total_results"]);
    assert_eq!(
        v["search_metadata"],
        serde_json::json!({"origin": "NYC", "destination": "LAX", "date": "2025-04-24",
                           "passengers": 1, "cabin_class": "main"})
    );
    assert_eq!(v["total_results"], 36);
    let first = &v["flights"][0];
    assert_eq!(first["flight_number"], "AA171");
    assert_eq!(first["departure_time"], "06:00");
    assert_eq!(first["arrival_time"], "09:16");
    assert_eq!(first["points_required"], 15000);
    assert_eq!(first["cash_price_usd"], 314.24);
    assert_eq!(first["taxes_fees_usd"], 5.6);
    assert_eq!(first["cpp"], 2.06);
}

#[test]
fn party_cabin_and_overrides() {
    let out = merge()
        .arg("--award")
        .arg(fixture("award-pax2/award-b5d11d6-pax2.json"))
        .arg("--revenue")
        .arg(fixture("revenue/revenue-b5d11d6-pax2.json"))
        .args([
            "--passengers",
            "2",
            "--cabin",
            "first",
            "--origin",
            "jfk",
            "--date",
            "2025-04-24",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = stdout_json(&out);
    assert_eq!(v["search_metadata"]["origin"], "JFK");
    assert_eq!(v["search_metadata"]["passengers"], 2);
    assert_eq!(v["search_metadata"]["cabin_class"], "first");
    assert_eq!(v["total_results"], 16);
    let f = v["flights"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["hash"] == "SHIPljRiT0L1t48n")
        .unwrap();
    assert_eq!(f["points_required"], 87000);
    assert_eq!(f["cash_price_usd"], 1522.8);
    assert_eq!(f["taxes_fees_usd"], 11.2);
    assert_eq!(f["cpp"], 1.74);
}

#[test]
fn reads_one_body_from_stdin_and_writes_output_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("result.json");
    std::fs::write(&out_path, "previous").unwrap();
    merge()
        .arg("--award")
        .arg("-")
        .arg("--revenue")
        .arg(fixture(REVENUE))
        .arg("--output")
        .arg(&out_path)
        .pipe_stdin(fixture(AWARD))
        .unwrap()
        .assert()
        .success()
        .stdout("");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&out_path).unwrap()).unwrap();
    assert_eq!(v["total_results"], 36);

    // A failing run leaves the earlier file untouched.
    merge()
        .arg("--award")
        .arg(fixture("errors/error-309.json"))
        .arg("--revenue")
        .arg(fixture(REVENUE))
        .arg("--output")
        .arg(&out_path)
        .assert()
        .code(7);
    let again: Value = serde_json::from_str(&std::fs::read_to_string(&out_path).unwrap()).unwrap();
    assert_eq!(again, v);
}

fn stderr_of(cmd: &mut Command, code: i32) -> String {
    let out = cmd.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(code),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    err
}

#[test]
fn bad_values_exit_2_naming_the_flag() {
    let err = stderr_of(
        merge()
            .arg("--award")
            .arg(fixture(AWARD))
            .arg("--revenue")
            .arg(fixture(REVENUE))
            .args(["--passengers", "10"]),
        2,
    );
    assert!(
        err.starts_with("point-break: invalid --passengers: 10"),
        "{err}"
    );
    let err = stderr_of(
        merge()
            .arg("--award")
            .arg(fixture(AWARD))
            .arg("--revenue")
            .arg(fixture(REVENUE))
            .args(["--cabin", "coach-plus"]),
        2,
    );
    assert!(err.contains("invalid --cabin"), "{err}");
    let err = stderr_of(
        merge()
            .arg("--award")
            .arg(fixture(AWARD))
            .arg("--revenue")
            .arg(fixture(REVENUE))
            .args(["--origin", "NEWYORK"]),
        2,
    );
    assert!(err.contains("invalid --origin"), "{err}");
}

#[test]
fn upstream_failures_have_their_own_codes() {
    let err = stderr_of(
        merge()
            .arg("--award")
            .arg(fixture("errors/error-1100.json"))
            .arg("--revenue")
            .arg(fixture(REVENUE)),
        8,
    );
    assert!(
        err.contains("error 1100") && err.contains("in the past"),
        "{err}"
    );
    let err = stderr_of(
        merge()
            .arg("--award")
            .arg(fixture("errors/challenge.html"))
            .arg("--revenue")
            .arg(fixture(REVENUE)),
        5,
    );
    assert!(err.contains("bot defence"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.json");
    std::fs::write(
        &broken,
        "{\"error\": \"\",\n \"slices\": [ {\"hash\": 12,, } ]}",
    )
    .unwrap();
    let err = stderr_of(
        merge()
            .arg("--award")
            .arg(&broken)
            .arg("--revenue")
            .arg(fixture(REVENUE)),
        9,
    );
    assert!(
        err.contains("broken.json: malformed at line 2, column"),
        "{err}"
    );

    // Regression: a binary file exited 1 ("cannot read") instead of 9.
    let binary = dir.path().join("binary.json");
    std::fs::write(&binary, [0x7b, 0xff, 0xfe, 0x00]).unwrap();
    let err = stderr_of(
        merge()
            .arg("--award")
            .arg(&binary)
            .arg("--revenue")
            .arg(fixture(REVENUE)),
        9,
    );
    assert!(
        err.contains("binary.json is not AA's itinerary JSON: not UTF-8"),
        "{err}"
    );
}

/// Regression: a 2-adult save replayed with the default party printed per-person miles against
/// the party's fare (cpp 4.12 instead of 2.06), exit 0. So did an Award body given as Revenue.
#[test]
fn bodies_for_another_party_or_search_type_are_refused() {
    let err = stderr_of(
        merge()
            .arg("--award")
            .arg(fixture("award-pax2/award-b5d11d6-pax2.json"))
            .arg("--revenue")
            .arg(fixture("revenue/revenue-b5d11d6-pax2.json")),
        2,
    );
    assert!(
        err.contains("invalid --passengers") && err.contains("give --passengers 2"),
        "{err}"
    );
    let err = stderr_of(
        merge()
            .arg("--award")
            .arg(fixture(AWARD))
            .arg("--revenue")
            .arg(fixture(AWARD)),
        2,
    );
    assert!(
        err.contains("invalid --revenue") && err.contains("answers the Award search"),
        "{err}"
    );
}
