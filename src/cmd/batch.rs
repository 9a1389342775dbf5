//! `point-break batch`: checks every flag and every query before anything starts, takes the
//! `--lock`, prepares the `--output` journal (refuse, `--resume` or `--force`), runs the
//! scheduler on one warm Firefox, and ends with a summary on stderr and an exit code: 0 all
//! answered, 11 some failed, 130 interrupted, or the code of what stopped the run (5 a block that
//! outlasted the cool-down, 3 a browser that cannot be started, ...).

use crate::batch::input::{self, Defaults};
use crate::batch::journal::{self, Existing, Journal, Previous};
use crate::batch::scheduler::{self, Ending, Summary};
use crate::batch::{lock, FirefoxEngine, Policy, Sink};
use crate::cli::BatchArgs;
use crate::core::{Query, Report};
use crate::error::Error;
use crate::exit::Exit;
use crate::render::{self, Format};
use crate::select;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::time::Duration;

/// The most searches in flight we allow: AA is reported to block at 10-15.
pub const MAX_CONCURRENCY: u32 = 8;

/// Runs the batch command; `Ok` carries the exit code of a run that took place.
pub fn run(args: &BatchArgs, quiet: bool) -> Result<Exit, Error> {
    let today = super::search::today();
    let (passengers, cabin) = super::party(&args.party)?;
    let defaults = Defaults { passengers, cabin };
    let mut policy = policy(args)?;
    let (options, site) = super::search::browser_setup(&args.browser)?;
    let out = super::output::Output::check(&args.out)?;
    if args.resume && out.format != Format::Json {
        return Err(Error::Usage(
            "invalid --format: --resume reads back the JSON lines of --format json".into(),
        ));
    }
    let queries = match (&args.input, &args.origin, &args.destination, &args.date) {
        (Some(path), _, _, _) => input::from_file(path, defaults, today)?,
        (None, Some(o), Some(d), Some(dates)) => input::from_lists(o, d, dates, defaults, today)?,
        _ => {
            return Err(Error::Usage(
                "give --origin, --destination and --date, or --input FILE".into(),
            ))
        }
    };
    let (queries, duplicates) = input::dedup(queries);
    if duplicates > 0 {
        tracing::warn!("{duplicates} duplicate queries dropped; each query is searched once");
    }

    let _lock = match &args.lock {
        Some(path) => match lock::acquire(path)? {
            Ok(held) => Some(held),
            Err(held) => {
                crate::say!("point-break: {held}; try again when it has finished");
                return Ok(Exit::Locked);
            }
        },
        None => None,
    };

    let output = out.file.clone().filter(|p| p != Path::new("-"));
    let (journal, previous) = match output.as_deref() {
        Some(path) => {
            let existing = match (args.resume, args.force) {
                (true, _) => Existing::Resume,
                (false, true) => Existing::Replace,
                (false, false) => Existing::Refuse,
            };
            let keys: HashSet<String> = queries.iter().map(journal::key).collect();
            Journal::open(path, existing, &keys)?
        }
        None if args.resume => {
            return Err(Error::Usage("--resume needs --output FILE".into()));
        }
        None => (Journal::stdout(), Previous::default()),
    };
    if previous.torn_tail {
        tracing::warn!("dropped a half-written last line of the output file");
    }
    let total = queries.len();
    let todo: Vec<Query> = queries
        .into_iter()
        .filter(|q| !previous.answered.contains(&journal::key(q)))
        .collect();
    let skipped = total - todo.len();

    let engine = FirefoxEngine::new(options, site);
    policy.watchdog = engine.watchdog();
    let mut journal = journal;
    if let (Format::Csv, Some(first)) = (out.format, todo.first()) {
        // One header for the whole run (it names columns only); each query then adds its rows.
        let empty = Report::new(crate::search::metadata(first), vec![]);
        journal.write(&render::render(&empty, Format::Csv, &out.table))?;
    }
    let mut tally = Tally {
        out,
        journal,
        bar: crate::progress::bar(todo.len() as u64, quiet),
        ok: 0,
        failed: BTreeMap::new(),
    };
    let summary = if todo.is_empty() {
        None
    } else {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| Error::Other(e.into()))?;
        Some(runtime.block_on(scheduler::run(
            &engine,
            &policy,
            todo,
            &mut tally,
            super::search::shutdown_signal(),
        )))
    };
    tally.bar.finish_and_clear();
    tally.journal.finish();
    Ok(report(
        &tally,
        summary,
        total,
        skipped,
        output.is_some(),
        quiet,
    ))
}

/// Checks the pacing flags.
fn policy(args: &BatchArgs) -> Result<Policy, Error> {
    let usage = |flag: &str, message: String| Error::Usage(format!("invalid {flag}: {message}"));
    let concurrency: u32 = args.concurrency.trim().parse().map_err(|_| {
        usage(
            "--concurrency",
            format!(
                "{:?} is not a number; give 1 to {MAX_CONCURRENCY}",
                args.concurrency
            ),
        )
    })?;
    if concurrency == 0 {
        return Err(usage(
            "--concurrency",
            format!("0 searches at once would never finish; give 1 to {MAX_CONCURRENCY}"),
        ));
    }
    if concurrency > MAX_CONCURRENCY {
        return Err(usage(
            "--concurrency",
            format!(
                "{concurrency} is too many: AA's bot defence blocks clients with 10-15 searches \
                 in flight (about 5 is reported safe); give 1 to {MAX_CONCURRENCY}"
            ),
        ));
    }
    let delay = match args.delay.trim() {
        "0" | "0s" | "0ms" => Duration::ZERO,
        text => super::search::parse_duration(text).map_err(|m| usage("--delay", m))?,
    };
    let rotate_after: u32 = args.rotate_after.trim().parse().map_err(|_| {
        usage(
            "--rotate-after",
            format!(
                "{:?} is not a number of searches; give e.g. 75, or 0 to never renew",
                args.rotate_after
            ),
        )
    })?;
    let cooldown =
        super::search::parse_duration(&args.cooldown).map_err(|m| usage("--cooldown", m))?;
    Ok(Policy {
        concurrency: concurrency as usize,
        delay,
        rotate_after,
        cooldown,
        ..Policy::default()
    })
}

/// Writes each finished query in the chosen format and keeps count.
struct Tally {
    out: super::output::Output,
    journal: Journal,
    bar: indicatif::ProgressBar,
    ok: usize,
    failed: BTreeMap<&'static str, usize>,
}

impl Tally {
    fn failed(&self) -> usize {
        self.failed.values().sum()
    }
}

impl Sink for Tally {
    fn record(
        &mut self,
        query: &Query,
        outcome: &Result<Report, Error>,
        attempts: u32,
    ) -> Result<(), Error> {
        let now = time::OffsetDateTime::now_utc();
        let shown = outcome
            .as_ref()
            .ok()
            .map(|r| select::apply(r, &self.out.selection));
        let bytes = match (&shown, outcome) {
            (Some(report), _) => match self.out.format {
                Format::Json => journal::line(query, Ok(report), attempts, now),
                Format::Csv => without_header(render::render(report, Format::Csv, &self.out.table)),
                format => render::render(report, format, &self.out.table),
            },
            // A failure is a line of its own in the JSON formats; csv and table readers only
            // see it on stderr (logged below) and in the summary.
            (None, Err(e)) => match self.out.format {
                Format::Json | Format::Ndjson => journal::line(query, Err(e), attempts, now),
                Format::Csv | Format::Table => Vec::new(),
            },
            (None, Ok(_)) => unreachable!("a successful outcome has a report"),
        };
        if !bytes.is_empty() {
            self.journal.write(&bytes)?;
        }
        match outcome {
            Ok(_) => self.ok += 1,
            Err(e) => {
                tracing::warn!(
                    "{}-{} {}: {e}",
                    query.origin,
                    query.destination,
                    crate::core::query::format_date(query.date)
                );
                *self.failed.entry(e.kind()).or_default() += 1;
                self.bar.set_message(format!("{} failed", self.failed()));
            }
        }
        self.bar.inc(1);
        Ok(())
    }
}

/// Prints the summary and picks the exit code.
fn report(
    tally: &Tally,
    summary: Option<Summary>,
    total: usize,
    skipped: usize,
    to_file: bool,
    quiet: bool,
) -> Exit {
    let failed = tally.failed();
    let mut line = format!("batch: {total} queries, {} ok, {failed} failed", tally.ok);
    if failed > 0 {
        let kinds: Vec<String> = tally
            .failed
            .iter()
            .map(|(kind, n)| format!("{kind} {n}"))
            .collect();
        line.push_str(&format!(" ({})", kinds.join(", ")));
    }
    if skipped > 0 {
        line.push_str(&format!(", {skipped} already answered"));
    }
    let not_run = summary.as_ref().map_or(0, |s| s.not_run);
    if not_run > 0 {
        line.push_str(&format!(", {not_run} not run"));
    }
    if let Some(s) = &summary {
        let mut events = Vec::new();
        for (n, what) in [
            (s.restarts, "browser restart"),
            (s.renewals, "session renewal"),
            (s.cooldowns, "cool-down"),
        ] {
            if n > 0 {
                events.push(format!("{n} {what}{}", if n == 1 { "" } else { "s" }));
            }
        }
        if !events.is_empty() {
            line.push_str(&format!("; {}", events.join(", ")));
        }
    }
    let again = if to_file {
        "rerun with --resume to continue"
    } else {
        "run them again"
    };

    let exit = match summary.map(|s| s.ending) {
        None | Some(Ending::Finished) if failed == 0 => Exit::Ok,
        None | Some(Ending::Finished) => Exit::Partial,
        Some(Ending::Interrupted) => {
            crate::say!("point-break: interrupted; {not_run} queries not run; {again}");
            Exit::Interrupted
        }
        Some(Ending::Aborted(e)) => {
            match e.hint() {
                Some(hint) => crate::say!("point-break: batch stopped: {e}; {hint}"),
                None => crate::say!("point-break: batch stopped: {e}"),
            }
            if not_run > 0 {
                crate::say!("point-break: {not_run} queries not run; {again}");
            }
            e.exit()
        }
    };
    if !quiet || exit != Exit::Ok {
        crate::say!("{line}");
    }
    exit
}

/// CSV rows of one query: the run's single header was written first.
fn without_header(mut csv: Vec<u8>) -> Vec<u8> {
    match csv.iter().position(|b| *b == b'\n') {
        Some(end) => {
            csv.drain(..=end);
            csv
        }
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    fn args(extra: &[&str]) -> BatchArgs {
        let mut argv = vec![
            "point-break",
            "batch",
            "--origin",
            "NYC",
            "--destination",
            "LAX",
        ];
        argv.extend(["--date", "2027-01-02"]);
        argv.extend(extra);
        match Cli::parse_from(argv).command {
            Command::Batch(a) => a,
            _ => unreachable!(),
        }
    }

    #[test]
    fn pacing_flags_have_defaults_and_limits() {
        let p = policy(&args(&[])).unwrap();
        assert_eq!(p.concurrency, 2);
        assert_eq!(p.delay, Duration::from_secs(1));
        assert_eq!(p.rotate_after, 75);
        assert_eq!(p.cooldown, Duration::from_secs(300));

        let p = policy(&args(&["--delay", "0", "--concurrency", "8"])).unwrap();
        assert_eq!((p.delay, p.concurrency), (Duration::ZERO, 8));

        let e = policy(&args(&["--concurrency", "12"])).unwrap_err();
        assert!(e.to_string().contains("bot defence"), "{e}");
        assert_eq!(e.exit(), Exit::Usage);
        assert!(policy(&args(&["--concurrency", "0"])).is_err());
        assert!(policy(&args(&["--rotate-after", "many"])).is_err());
        assert!(policy(&args(&["--cooldown", "soon"])).is_err());
    }

    #[test]
    fn input_conflicts_with_lists() {
        let r = Cli::try_parse_from([
            "point-break",
            "batch",
            "--input",
            "q.csv",
            "--origin",
            "NYC",
        ]);
        assert!(r.is_err());
        let r = Cli::try_parse_from(["point-break", "batch", "--origin", "NYC"]);
        assert!(r.is_err());
        let r = Cli::try_parse_from(["point-break", "batch", "--input", "q.csv", "--resume"]);
        assert!(r.is_err(), "--resume needs --output");
    }
}
