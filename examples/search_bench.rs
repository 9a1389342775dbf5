//! Measures `point-break search` against the local AA stand-in (zero added upstream latency):
//! the cold wall time of the whole command (start geckodriver and Firefox, open the booking
//! page, both POSTs, parse, pair, print, close), and the time per search once Firefox is
//! running. A benchmark that prints figures, not a timed test.
//!
//!     cargo build --release --bin point-break
//!     cargo run --release --example search_bench [-- COLD_RUNS WARM_RUNS]

#[path = "../tests/support/standin.rs"]
mod standin;

use point_break::browser::{Browser, BrowserOptions};
use point_break::core::Query;
use point_break::search::{self, Site};
use std::time::{Duration, Instant};

fn main() {
    let mut args = std::env::args()
        .skip(1)
        .map(|a| a.parse::<usize>().expect("a count"));
    let cold_runs = args.next().unwrap_or(5);
    let warm_runs = args.next().unwrap_or(30);
    let aa = standin::StandIn::start(standin::Config::default());
    let date = time::OffsetDateTime::now_utc().date() + time::Duration::days(30);
    let date = point_break::core::query::format_date(date);

    let bin = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/point-break");
    assert!(
        bin.exists(),
        "build it first: cargo build --release --bin point-break"
    );
    let mut cold = Vec::new();
    for _ in 0..cold_runs {
        let started = Instant::now();
        let out = std::process::Command::new(&bin)
            .args([
                "search",
                "--origin",
                "NYC",
                "--destination",
                "LAX",
                "--date",
                &date,
            ])
            .args(["--base-url", &aa.base_url()])
            .output()
            .expect("point-break runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        cold.push(started.elapsed());
    }

    let query = Query::check(
        "NYC",
        "LAX",
        &date,
        1,
        "main",
        time::OffsetDateTime::now_utc().date(),
    )
    .expect("a valid query");
    let site = Site::new(&aa.base_url(), Duration::from_secs(60));
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    let warm = rt.block_on(async {
        let browser = Browser::launch(&BrowserOptions::default())
            .await
            .expect("Firefox starts");
        search::open_session(&browser, &site)
            .await
            .expect("the page opens");
        let mut times = Vec::new();
        for _ in 0..warm_runs {
            let started = Instant::now();
            let report = search::run(&browser, &site, &query, None)
                .await
                .expect("a search");
            assert_eq!(report.total_results, 36);
            times.push(started.elapsed());
        }
        browser.close().await.expect("closes");
        times
    });

    println!(
        "cold search, whole command ({cold_runs} runs): {}",
        summary(&mut cold)
    );
    println!(
        "warm search, Firefox running ({warm_runs} runs): {}",
        summary(&mut warm.clone())
    );
}

fn summary(times: &mut [Duration]) -> String {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mean = times.iter().map(|d| ms(*d)).sum::<f64>() / times.len() as f64;
    format!(
        "min {:.0} ms, median {:.0} ms, mean {:.0} ms, max {:.0} ms",
        ms(times[0]),
        ms(times[times.len() / 2]),
        mean,
        ms(times[times.len() - 1])
    )
}
