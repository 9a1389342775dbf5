//! The batch output: one JSON line per query, written with a single `write` as soon as the query
//! finishes, so a killed run leaves only whole lines. `--resume` reads an earlier file back: it
//! keeps the answered queries, drops the failed ones (they are searched again) and a torn last
//! line, and appends from there, so the file holds every query exactly once.

use crate::core::{Query, Report};
use crate::error::Error;
use anyhow::Context;
use serde_json::{Map, Value};
use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

/// What to do with an `--output` file that already has lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Refuse to start (the default: a cron line must never wipe last night's results).
    Refuse,
    /// `--resume`: keep the answered queries and continue.
    Resume,
    /// `--force`: start the file afresh.
    Replace,
}

/// The identity of a query across runs: route, day, party and cabin.
pub fn key(query: &Query) -> String {
    format!(
        "{}-{}-{}-{}-{}",
        query.origin,
        query.destination,
        crate::core::query::format_date(query.date),
        query.passengers,
        query.cabin
    )
}

/// The key of a line's `search_metadata`, if it has one.
fn line_key(line: &Value) -> Option<String> {
    let meta = line.get("search_metadata")?;
    let text = |k: &str| meta.get(k).and_then(Value::as_str);
    let cabin: crate::core::Cabin = text("cabin_class")?.parse().ok()?;
    Some(format!(
        "{}-{}-{}-{}-{}",
        text("origin")?.to_ascii_uppercase(),
        text("destination")?.to_ascii_uppercase(),
        text("date")?,
        meta.get("passengers")?.as_u64()?,
        cabin
    ))
}

/// One output line, newline included.
///
/// Success: `{"search_metadata", "flights", "total_results", "fetched_at", "attempts"}` as
/// `search` prints them. Failure: `{"search_metadata", "error": {"kind", "message"},
/// "fetched_at", "attempts"}`.
pub fn line(
    query: &Query,
    outcome: Result<&Report, &Error>,
    attempts: u32,
    fetched_at: OffsetDateTime,
) -> Vec<u8> {
    let mut object = match outcome {
        Ok(report) => match serde_json::to_value(report) {
            Ok(Value::Object(map)) => map,
            _ => unreachable!("a report serializes to an object"),
        },
        Err(e) => {
            let mut map = Map::new();
            let meta =
                serde_json::to_value(crate::search::metadata(query)).expect("metadata serializes");
            map.insert("search_metadata".into(), meta);
            map.insert(
                "error".into(),
                serde_json::json!({"kind": e.kind(), "message": e.to_string()}),
            );
            map
        }
    };
    object.insert("fetched_at".into(), Value::from(rfc3339(fetched_at)));
    object.insert("attempts".into(), Value::from(attempts));
    let mut bytes = serde_json::to_vec(&Value::Object(object)).expect("JSON values serialize");
    bytes.push(b'\n');
    bytes
}

/// `2027-01-02T03:04:05Z`: UTC, whole seconds.
pub fn rfc3339(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    let at = at.replace_nanosecond(0).unwrap_or(at);
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| at.to_string())
}

/// Where the lines go.
#[derive(Debug)]
pub struct Journal {
    out: Out,
}

#[derive(Debug)]
enum Out {
    Stdout,
    File { file: File, path: PathBuf },
}

/// What an earlier `--output` file already held.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Previous {
    /// Keys of the queries answered successfully there.
    pub answered: HashSet<String>,
    /// Failed lines of this run's queries that were dropped, to be searched again.
    pub dropped_failures: usize,
    /// Whether a torn last line (a run killed mid-write by something harsher than SIGTERM) was
    /// cut off.
    pub torn_tail: bool,
}

impl Journal {
    /// Lines to stdout.
    pub fn stdout() -> Journal {
        Journal { out: Out::Stdout }
    }

    /// Opens `path` for appending. An existing, non-empty file is refused, replaced or resumed
    /// as `existing` says; `run` is the keys of the queries this run is asked for (only their
    /// failed lines are dropped on resume).
    pub fn open(
        path: &Path,
        existing: Existing,
        run: &HashSet<String>,
    ) -> Result<(Journal, Previous), Error> {
        let has_lines = std::fs::metadata(path).is_ok_and(|m| m.len() > 0);
        let previous = match (has_lines, existing) {
            (false, _) => Previous::default(),
            (true, Existing::Refuse) => {
                return Err(Error::Usage(format!(
                    "{} already exists; pass --resume to continue it or --force to replace it",
                    path.display()
                )))
            }
            (true, Existing::Replace) => {
                File::create(path)
                    .with_context(|| format!("cannot truncate {}", path.display()))?;
                Previous::default()
            }
            (true, Existing::Resume) => compact(path, run)?,
        };
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .with_context(|| format!("cannot open {} for appending", path.display()))?;
        let out = Out::File {
            file,
            path: path.to_path_buf(),
        };
        Ok((Journal { out }, previous))
    }

    /// Writes one whole line with a single write and hands it to the OS at once.
    pub fn write(&mut self, line: &[u8]) -> Result<(), Error> {
        match &mut self.out {
            Out::Stdout => {
                let mut out = std::io::stdout().lock();
                out.write_all(line)
                    .and_then(|()| out.flush())
                    .context("cannot write to stdout")?;
            }
            Out::File { file, path } => {
                // O_APPEND and no buffer: one write(2) per line, so a kill leaves whole lines.
                file.write_all(line)
                    .with_context(|| format!("cannot write to {}", path.display()))?;
            }
        }
        Ok(())
    }

    /// Flushes the file to disk at the end of a run.
    pub fn finish(&mut self) {
        if let Out::File { file, path } = &mut self.out {
            if let Err(e) = file.sync_data() {
                tracing::warn!("cannot sync {}: {e}", path.display());
            }
        }
    }
}

/// Reads an earlier output file for `--resume`: keeps successful lines (the first for each
/// query), drops the failed lines of `run`'s queries and a torn last line, and rewrites the file
/// atomically when anything was dropped.
fn compact(path: &Path, run: &HashSet<String>) -> Result<Previous, Error> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let (whole, torn_tail) = match bytes.iter().rposition(|b| *b == b'\n') {
        Some(end) => (&bytes[..=end], end + 1 < bytes.len()),
        None => (&bytes[..0], !bytes.is_empty()),
    };
    let mut previous = Previous {
        torn_tail,
        ..Previous::default()
    };
    let mut kept: Vec<u8> = Vec::with_capacity(whole.len());
    let mut changed = torn_tail;
    for (i, raw) in whole.split(|b| *b == b'\n').enumerate() {
        if raw.iter().all(u8::is_ascii_whitespace) {
            changed |= !raw.is_empty();
            continue;
        }
        let not_ours = |why: String| {
            Error::Usage(format!(
                "{}:{}: {why}; this does not look like a batch output file (fix the line, or use --force to start afresh)",
                path.display(),
                i + 1
            ))
        };
        let value: Value =
            serde_json::from_slice(raw).map_err(|e| not_ours(format!("not a JSON line ({e})")))?;
        let key = line_key(&value).ok_or_else(|| not_ours("no search_metadata".into()))?;
        let ok = value.get("error").is_none() && value.get("flights").is_some();
        if ok {
            if !previous.answered.insert(key) {
                changed = true;
                continue;
            }
        } else if run.contains(&key) {
            previous.dropped_failures += 1;
            changed = true;
            continue;
        }
        kept.extend_from_slice(raw);
        kept.push(b'\n');
    }
    if changed {
        crate::output::write_atomic(path, &kept)?;
    }
    Ok(previous)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Query;
    use time::macros::{date, datetime};

    fn query(destination: &str) -> Query {
        Query::check(
            "NYC",
            destination,
            "2027-01-02",
            1,
            "main",
            date!(2026 - 12 - 01),
        )
        .unwrap()
    }

    fn ok_line(q: &Query) -> Vec<u8> {
        let report = Report::new(crate::search::metadata(q), vec![]);
        line(q, Ok(&report), 1, datetime!(2026-12-01 10:00:00.5 UTC))
    }

    fn failed_line(q: &Query) -> Vec<u8> {
        let e: Error = crate::browser::BrowserError::ScriptTimeout {
            endpoint: "/booking/api/search/itinerary".into(),
            after: std::time::Duration::from_secs(60),
        }
        .into();
        line(q, Err(&e), 4, datetime!(2026-12-01 10:00:00 UTC))
    }

    #[test]
    fn lines_have_the_search_shape_plus_time() {
        let q = query("LAX");
        let v: Value = serde_json::from_slice(&ok_line(&q)).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "search_metadata",
                "flights",
                "total_results",
                "fetched_at",
                "attempts"
            ]
        );
        assert_eq!(v["fetched_at"], "2026-12-01T10:00:00Z");
        assert_eq!(v["search_metadata"]["cabin_class"], "main");

        let v: Value = serde_json::from_slice(&failed_line(&q)).unwrap();
        assert_eq!(v["error"]["kind"], "timeout");
        assert!(v.get("flights").is_none());
        assert_eq!(line_key(&v).as_deref(), Some(key(&q).as_str()));
        assert_eq!(key(&q), "NYC-LAX-2027-01-02-1-main");
    }

    #[test]
    fn existing_output_is_refused_without_resume_or_force() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.jsonl");
        std::fs::write(&path, ok_line(&query("LAX"))).unwrap();
        let e = Journal::open(&path, Existing::Refuse, &HashSet::new()).unwrap_err();
        assert!(e.to_string().contains("--resume"), "{e}");
        // An empty file (made by mktemp, say) is fine.
        std::fs::write(&path, "").unwrap();
        Journal::open(&path, Existing::Refuse, &HashSet::new()).unwrap();
    }

    #[test]
    fn force_replaces_and_resume_appends() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.jsonl");
        let (lax, mia) = (query("LAX"), query("MIA"));
        std::fs::write(&path, ok_line(&lax)).unwrap();
        let run: HashSet<String> = [key(&lax), key(&mia)].into();

        let (mut journal, previous) = Journal::open(&path, Existing::Resume, &run).unwrap();
        assert!(previous.answered.contains(&key(&lax)));
        journal.write(&ok_line(&mia)).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 2);

        let (_, previous) = Journal::open(&path, Existing::Replace, &run).unwrap();
        assert!(previous.answered.is_empty());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "");
    }

    #[test]
    fn resume_drops_failures_and_a_torn_tail() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.jsonl");
        let (lax, mia, sfo) = (query("LAX"), query("MIA"), query("SFO"));
        let mut text = Vec::new();
        text.extend(ok_line(&lax));
        text.extend(failed_line(&mia));
        // Not part of this run: kept even though it failed.
        text.extend(failed_line(&sfo));
        text.extend(ok_line(&lax));
        text.extend(&ok_line(&mia)[..20]);
        std::fs::write(&path, &text).unwrap();
        let run: HashSet<String> = [key(&lax), key(&mia)].into();

        let (_, previous) = Journal::open(&path, Existing::Resume, &run).unwrap();
        assert_eq!(previous.answered, [key(&lax)].into());
        assert_eq!(previous.dropped_failures, 1);
        assert!(previous.torn_tail);
        let kept = std::fs::read_to_string(&path).unwrap();
        let keys: Vec<String> = kept
            .lines()
            .map(|l| line_key(&serde_json::from_str(l).unwrap()).unwrap())
            .collect();
        assert_eq!(keys, [key(&lax), key(&sfo)]);
    }

    #[test]
    fn resume_refuses_a_foreign_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.jsonl");
        std::fs::write(&path, "hello\n").unwrap();
        let e = Journal::open(&path, Existing::Resume, &HashSet::new()).unwrap_err();
        assert!(
            e.to_string().contains("out.jsonl:1: not a JSON line"),
            "{e}"
        );
    }
}
