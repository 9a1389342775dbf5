//! Benchmark of `point-break batch` (not a timed test): the AA stand-in answers every search after
//! a fixed latency, and one run of N queries is measured from the outside: queries per second,
//! peak memory of point-break plus geckodriver plus every Firefox process (sampled from /proc
//! every 500 ms), memory at 25/50/75/100 % of the run (is it flat?), and errors.
//!
//! ```text
//! cargo build --release && cargo run --release --example batch_bench -- \
//!     [--queries 200] [--concurrency 4] [--latency-ms 1000] [--compact-bodies] \
//!     [--binary target/release/point-break]
//! ```
//!
//! The stand-in serves the captured bodies as they were saved, pretty-printed (about 2 MB per
//! search, Award and Revenue); AA itself answers compact JSON, about half that. With
//! `--compact-bodies` the stand-in serves compact copies, which is closer to what a real run moves
//! through the browser.
//!
//! Aim (issue 4): at least 0.8 x concurrency / latency searches per second, zero errors, flat
//! memory.

#[path = "../tests/support/standin.rs"]
mod standin;

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

const USAGE: &str =
    "usage: batch_bench [--queries N] [--concurrency N] [--latency-ms N] [--binary PATH]";
const ORIGINS: [&str; 5] = ["NYC", "BOS", "CHI", "WAS", "PHL"];
const DESTINATIONS: [&str; 4] = ["LAX", "MIA", "SFO", "SEA"];

struct Args {
    queries: usize,
    concurrency: usize,
    latency: Duration,
    compact: bool,
    binary: PathBuf,
}

fn parse_args() -> Result<Args, String> {
    // Beside this example: target/<profile>/examples/batch_bench -> target/<profile>/point-break.
    let default_binary = std::env::current_exe()
        .ok()
        .and_then(|p| Some(p.parent()?.parent()?.join("point-break")))
        .unwrap_or_else(|| PathBuf::from("point-break"));
    let mut args = Args {
        queries: 200,
        concurrency: 4,
        latency: Duration::from_secs(1),
        compact: false,
        binary: default_binary,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        let number = |v: String| {
            v.parse::<u64>()
                .map_err(|_| format!("{v:?} is not a number"))
        };
        match flag.as_str() {
            "--queries" => args.queries = number(value()?)? as usize,
            "--concurrency" => args.concurrency = number(value()?)? as usize,
            "--latency-ms" => args.latency = Duration::from_millis(number(value()?)?),
            "--binary" => args.binary = PathBuf::from(value()?),
            "--compact-bodies" => args.compact = true,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let pairs = ORIGINS.len() * DESTINATIONS.len();
    if args.queries == 0 || args.queries % pairs != 0 || args.queries / pairs > 300 {
        return Err(format!(
            "--queries must be a multiple of {pairs}, at most {}",
            pairs * 300
        ));
    }
    Ok(args)
}

/// Memory of a process tree, in KiB.
#[derive(Debug, Clone, Copy, Default)]
struct Memory {
    /// Sum of proportional set sizes: shared pages split between the processes sharing them.
    pss: u64,
    /// Sum of resident set sizes (counts shared pages once per process).
    rss: u64,
    processes: usize,
}

/// `root` and all its descendants, from /proc.
fn tree(root: u32) -> Vec<u32> {
    let mut parent_of: HashMap<u32, u32> = HashMap::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        let Some(close) = stat.rfind(')') else {
            continue;
        };
        let fields: Vec<&str> = stat[close + 1..].split_whitespace().collect();
        if let (Some(state), Some(ppid)) = (fields.first(), fields.get(1)) {
            if *state != "Z" {
                if let Ok(ppid) = ppid.parse() {
                    parent_of.insert(pid, ppid);
                }
            }
        }
    }
    let mut found = vec![root];
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        found.extend(
            parent_of
                .iter()
                .filter(|(_, p)| **p == parent)
                .map(|(pid, _)| *pid),
        );
        i += 1;
    }
    found
}

/// CPU seconds (user + system) so far of each process of the tree, by pid, with its name.
fn cpu(root: u32) -> HashMap<u32, (String, f64)> {
    // SAFETY: sysconf has no preconditions.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    let mut found = HashMap::new();
    for pid in tree(root) {
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let name = stat[open + 1..close].to_string();
        let fields: Vec<&str> = stat[close + 1..].split_whitespace().collect();
        // Fields 14 and 15 of stat (utime, stime) are 11 and 12 after the name.
        let time = |i: usize| {
            fields
                .get(i)
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        found.insert(pid, (name, (time(11) + time(12)) / ticks));
    }
    found
}

fn kib(text: &str, field: &str) -> u64 {
    text.lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn measure(root: u32) -> Memory {
    let mut m = Memory::default();
    for pid in tree(root) {
        let rollup =
            std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let rss = kib(&status, "VmRSS:");
        if rss == 0 {
            continue;
        }
        m.rss += rss;
        m.pss += kib(&rollup, "Pss:");
        m.processes += 1;
    }
    m
}

/// A copy of the fixtures with every JSON file written compactly (key order kept).
fn compact_fixtures(into: &std::path::Path) -> std::io::Result<PathBuf> {
    let from = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let to = into.join("fixtures");
    for dir in ["captures", "award-pax2", "revenue", "errors"] {
        std::fs::create_dir_all(to.join(dir))?;
        for entry in std::fs::read_dir(from.join(dir))? {
            let path = entry?.path();
            let bytes = std::fs::read(&path)?;
            let out = match serde_json::from_slice::<serde_json::Value>(&bytes) {
                Ok(value) if path.extension().is_some_and(|e| e == "json") => {
                    serde_json::to_vec(&value).map_err(std::io::Error::other)?
                }
                _ => bytes,
            };
            std::fs::write(to.join(dir).join(path.file_name().unwrap_or_default()), out)?;
        }
    }
    Ok(to)
}

fn mib(k: u64) -> String {
    format!("{:.0} MiB", k as f64 / 1024.0)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("batch_bench: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if !args.binary.is_file() {
        eprintln!(
            "batch_bench: {} not found; build it first (cargo build --release)",
            args.binary.display()
        );
        return ExitCode::from(2);
    }
    let scratch = tempfile::tempdir().expect("a temporary directory");
    let mut config = standin::Config {
        delay: args.latency,
        ..standin::Config::default()
    };
    if args.compact {
        config.fixtures_dir = compact_fixtures(scratch.path()).expect("compact fixtures");
    }
    let server = standin::StandIn::start(config);
    let tmp = scratch.path().join("tmp");
    std::fs::create_dir(&tmp).expect("a TMPDIR");
    let out = scratch.path().join("out.jsonl");
    let days = args.queries / (ORIGINS.len() * DESTINATIONS.len());
    let today = time::OffsetDateTime::now_utc().date();
    let day = |offset: i64| {
        let d = today + time::Duration::days(offset);
        format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
    };
    let dates = format!("{}..{}", day(10), day(10 + days as i64 - 1));

    println!(
        "batch_bench: {} queries, --concurrency {}, stand-in latency {:?}, {} bodies, {}",
        args.queries,
        args.concurrency,
        args.latency,
        if args.compact {
            "compact"
        } else {
            "pretty-printed"
        },
        args.binary.display()
    );
    let started = Instant::now();
    let mut child = Command::new(&args.binary)
        .env("TMPDIR", &tmp)
        .env_remove("RUST_LOG")
        .args(["batch", "--base-url", &server.base_url()])
        .args([
            "--origin",
            &ORIGINS.join(","),
            "--destination",
            &DESTINATIONS.join(","),
        ])
        .args(["--date", &dates, "--delay", "0"])
        .args(["--concurrency", &args.concurrency.to_string(), "--output"])
        .arg(&out)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start point-break");
    let root = child.id();

    // (seconds since start, lines written, memory)
    let mut samples: Vec<(f64, usize, Memory)> = Vec::new();
    // Last CPU reading of every process seen (processes that end keep their last reading).
    let mut cpu_seen: HashMap<u32, (String, f64)> = HashMap::new();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for point-break") {
            break status;
        }
        let lines = std::fs::read(&out)
            .map(|b| b.iter().filter(|c| **c == b'\n').count())
            .unwrap_or(0);
        samples.push((started.elapsed().as_secs_f64(), lines, measure(root)));
        cpu_seen.extend(cpu(root));
        if started.elapsed() > Duration::from_secs(30 + 10 * args.queries as u64) {
            let _ = child.kill();
            eprintln!("batch_bench: point-break did not finish in time");
            return ExitCode::FAILURE;
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    let wall = started.elapsed().as_secs_f64();
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        use std::io::Read;
        let _ = e.read_to_string(&mut stderr);
    }

    let text = std::fs::read_to_string(&out).unwrap_or_default();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let failed = lines.iter().filter(|l| l.get("error").is_some()).count();
    let missing = args.queries.saturating_sub(lines.len());
    let retried = lines
        .iter()
        .filter(|l| l["attempts"].as_u64().unwrap_or(1) > 1)
        .count();

    let first_line = samples.iter().find(|s| s.1 > 0).map_or(0.0, |s| s.0);
    let steady = if wall > first_line {
        (lines.len().saturating_sub(1)) as f64 / (wall - first_line)
    } else {
        0.0
    };
    let peak = samples.iter().fold(Memory::default(), |m, s| Memory {
        pss: m.pss.max(s.2.pss),
        rss: m.rss.max(s.2.rss),
        processes: m.processes.max(s.2.processes),
    });
    let aim = 0.8 * args.concurrency as f64 / args.latency.as_secs_f64();

    println!("exit status:        {}", status.code().unwrap_or(-1));
    println!("wall time:          {wall:.1} s (first line after {first_line:.1} s: browser start)");
    println!(
        "throughput:         {:.2} queries/s overall, {steady:.2} queries/s once the browser was up (aim >= {aim:.1})",
        lines.len() as f64 / wall
    );
    println!(
        "errors:             {failed} failed lines, {missing} missing, {retried} retried; stand-in saw {} requests, at most {} at once",
        server.requests().len(),
        server.max_in_flight()
    );
    println!(
        "peak memory:        {} PSS ({} summed RSS) over {} processes",
        mib(peak.pss),
        mib(peak.rss),
        peak.processes
    );
    print!("memory (PSS) at:   ");
    for pct in [25, 50, 75, 100] {
        let want = (args.queries * pct).div_ceil(100);
        // 100 %: the last sample before the last line, while the browser was still up (the
        // samples after it catch the browser closing).
        let at = if pct == 100 {
            samples.iter().rev().find(|s| s.1 < want)
        } else {
            samples.iter().find(|s| s.1 >= want)
        };
        if let Some((t, _, m)) = at {
            print!(" {pct}% {} (t={t:.0}s);", mib(m.pss));
        }
    }
    println!();
    let mut by_name: HashMap<String, f64> = HashMap::new();
    for (name, secs) in cpu_seen.into_values() {
        let name = if name.starts_with("point-break") {
            "point-break".into()
        } else {
            name
        };
        *by_name.entry(name).or_default() += secs;
    }
    let mut by_name: Vec<(String, f64)> = by_name.into_iter().collect();
    by_name.sort_by(|a, b| b.1.total_cmp(&a.1));
    let shown: Vec<String> = by_name
        .iter()
        .map(|(n, s)| format!("{n} {s:.1}s"))
        .collect();
    println!(
        "cpu time by process: {} (wall {wall:.0}s, 2 cores)",
        shown.join(", ")
    );
    if !stderr.trim().is_empty() {
        println!("point-break stderr:\n{}", stderr.trim_end());
    }
    if status.success() && failed == 0 && missing == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
