//! The scheduler's rules against a scripted fake engine on tokio's paused clock: ordering,
//! exactly-once, pacing, retries, renewal, restarts, cool-down and interruption, in milliseconds
//! of real time.

use super::*;
use crate::browser::BrowserError;
use crate::core::{BlockKind, SearchMetadata};
use std::cell::{Cell, RefCell};
use time::macros::date;

/// What the fake answers to one search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reply {
    Ok,
    RateLimited(Option<u64>),
    ServerError,
    NoSession,
    Blocked,
    PastDate,
    /// Firefox died: this and every later search on the session fail.
    Lost,
    /// Never answers.
    Hang,
}

fn error(reply: Reply) -> Error {
    let body = "award".to_string();
    match reply {
        Reply::RateLimited(secs) => ResponseError::RateLimited {
            body,
            retry_after: secs.map(|s| s.to_string()),
        }
        .into(),
        Reply::ServerError => ResponseError::Http { body, status: 503 }.into(),
        Reply::NoSession => ResponseError::NoSession { body }.into(),
        Reply::Blocked => ResponseError::Blocked {
            body,
            kind: BlockKind::AccessDenied,
            reference: None,
        }
        .into(),
        Reply::PastDate => ResponseError::Aa {
            body,
            code: "1100".into(),
            message: "date in the past".into(),
        }
        .into(),
        Reply::Lost => BrowserError::SessionLost {
            reason: "firefox crashed".into(),
        }
        .into(),
        Reply::Ok | Reply::Hang => unreachable!("not an error"),
    }
}

struct FakeSession {
    id: u32,
    dead: Cell<bool>,
}

#[derive(Default)]
struct Fake {
    latency: Duration,
    /// Scripted replies per destination code; `Ok` once a script runs out.
    script: RefCell<HashMap<String, VecDeque<Reply>>>,
    /// Every search blocked from now on.
    blocked: Cell<bool>,
    /// Scripted start failures, before starts succeed.
    start_failures: RefCell<VecDeque<Error>>,
    /// Starts after the first one that fail.
    restart_failures: Cell<u32>,
    starts: Cell<u32>,
    renews: Cell<u32>,
    stops: Cell<u32>,
    in_flight: Cell<usize>,
    max_in_flight: Cell<usize>,
    /// (destination, start time, session id) of every search.
    searches: RefCell<Vec<(String, Instant, u32)>>,
}

impl Fake {
    fn new(latency_ms: u64) -> Fake {
        Fake {
            latency: Duration::from_millis(latency_ms),
            ..Fake::default()
        }
    }

    fn script(self, destination: &str, replies: &[Reply]) -> Fake {
        self.script
            .borrow_mut()
            .insert(destination.into(), replies.iter().copied().collect());
        self
    }

    fn starts_of(&self, destination: &str) -> Vec<Instant> {
        self.searches
            .borrow()
            .iter()
            .filter(|(d, _, _)| d == destination)
            .map(|(_, at, _)| *at)
            .collect()
    }
}

/// Decrements the in-flight count also when a search is dropped mid-way.
struct Flight<'a>(&'a Cell<usize>);

impl Drop for Flight<'_> {
    fn drop(&mut self) {
        self.0.set(self.0.get() - 1);
    }
}

impl Engine for Fake {
    type Session = FakeSession;

    async fn start(&self) -> Result<FakeSession, Error> {
        tokio::time::sleep(Duration::from_millis(500)).await;
        if let Some(e) = self.start_failures.borrow_mut().pop_front() {
            return Err(e);
        }
        if self.starts.get() > 0 && self.restart_failures.get() > 0 {
            self.restart_failures.set(self.restart_failures.get() - 1);
            return Err(BrowserError::SessionStart {
                url: "http://127.0.0.1:1".into(),
                message: "no session".into(),
            }
            .into());
        }
        self.starts.set(self.starts.get() + 1);
        Ok(FakeSession {
            id: self.starts.get(),
            dead: Cell::new(false),
        })
    }

    async fn renew(&self, session: &FakeSession) -> Result<(), Error> {
        assert_eq!(self.in_flight.get(), 0, "renewed with searches in flight");
        assert!(!session.dead.get(), "renewed a dead session");
        tokio::time::sleep(Duration::from_millis(100)).await;
        self.renews.set(self.renews.get() + 1);
        Ok(())
    }

    async fn search(&self, session: &FakeSession, query: &Query) -> Result<Report, Error> {
        let destination = query.destination.to_string();
        self.searches
            .borrow_mut()
            .push((destination.clone(), Instant::now(), session.id));
        self.in_flight.set(self.in_flight.get() + 1);
        self.max_in_flight
            .set(self.max_in_flight.get().max(self.in_flight.get()));
        let _flight = Flight(&self.in_flight);
        tokio::time::sleep(self.latency).await;
        if session.dead.get() {
            return Err(error(Reply::Lost));
        }
        let reply = if self.blocked.get() {
            Reply::Blocked
        } else {
            self.script
                .borrow_mut()
                .get_mut(&destination)
                .and_then(VecDeque::pop_front)
                .unwrap_or(Reply::Ok)
        };
        match reply {
            Reply::Ok => Ok(Report::new(
                SearchMetadata {
                    origin: query.origin.to_string(),
                    destination,
                    date: crate::core::query::format_date(query.date),
                    passengers: query.passengers,
                    cabin_class: query.cabin,
                },
                vec![],
            )),
            Reply::Hang => std::future::pending().await,
            Reply::Lost => {
                session.dead.set(true);
                Err(error(Reply::Lost))
            }
            other => Err(error(other)),
        }
    }

    async fn stop(&self, _session: FakeSession) {
        self.stops.set(self.stops.get() + 1);
    }
}

/// Records outcomes by destination; can be told to fail.
#[derive(Default)]
struct Recorder {
    lines: Vec<(String, Result<(), &'static str>, u32)>,
    fail_after: Option<usize>,
}

impl Recorder {
    fn destinations(&self) -> Vec<String> {
        let mut d: Vec<String> = self.lines.iter().map(|(d, _, _)| d.clone()).collect();
        d.sort();
        d
    }

    fn get(&self, destination: &str) -> &(String, Result<(), &'static str>, u32) {
        let found: Vec<_> = self
            .lines
            .iter()
            .filter(|(d, _, _)| d == destination)
            .collect();
        assert_eq!(
            found.len(),
            1,
            "{destination} recorded {} times",
            found.len()
        );
        found[0]
    }
}

impl Sink for Recorder {
    fn record(
        &mut self,
        query: &Query,
        outcome: &Result<Report, Error>,
        attempts: u32,
    ) -> Result<(), Error> {
        if self.fail_after == Some(self.lines.len()) {
            return Err(Error::Other(anyhow::anyhow!("disk full")));
        }
        let result = outcome.as_ref().map(|_| ()).map_err(Error::kind);
        self.lines
            .push((query.destination.to_string(), result, attempts));
        Ok(())
    }
}

/// The destination code naming query `i`: AAA, AAB, …
fn name(i: usize) -> String {
    let letter = |n: usize| char::from(b'A' + n as u8);
    format!("A{}{}", letter(i / 26), letter(i % 26))
}

/// Queries NYC→AAA, NYC→AAB, … (distinct destinations name them).
fn queries(n: usize) -> Vec<Query> {
    (0..n)
        .map(|i| {
            Query::check(
                "NYC",
                &name(i),
                "2027-01-02",
                1,
                "main",
                date!(2026 - 12 - 01),
            )
            .unwrap()
        })
        .collect()
}

fn policy() -> Policy {
    Policy {
        concurrency: 3,
        delay: Duration::ZERO,
        rotate_after: 0,
        cooldown: Duration::from_secs(300),
        backoff_min: Duration::from_secs(2),
        backoff_max: Duration::from_secs(30),
        watchdog: Duration::from_secs(90),
        ..Policy::default()
    }
}

async fn go(fake: &Fake, policy: &Policy, n: usize, sink: &mut Recorder) -> Summary {
    run(fake, policy, queries(n), sink, std::future::pending()).await
}

fn all_ok(sink: &Recorder, n: usize) {
    let expected: Vec<String> = (0..n).map(name).collect();
    assert_eq!(sink.destinations(), expected, "every query exactly once");
    for (d, result, _) in &sink.lines {
        assert_eq!(result, &Ok(()), "{d}");
    }
}

#[tokio::test(start_paused = true)]
async fn every_query_once_with_bounded_concurrency() {
    let fake = Fake::new(1000);
    let mut sink = Recorder::default();
    let started = Instant::now();
    let summary = go(&fake, &policy(), 20, &mut sink).await;

    assert!(matches!(summary.ending, Ending::Finished), "{summary:?}");
    all_ok(&sink, 20);
    // In order of submission, three at a time.
    assert_eq!(sink.lines[0].0, name(0));
    assert_eq!(fake.max_in_flight.get(), 3);
    assert_eq!((fake.starts.get(), fake.stops.get()), (1, 1));
    // 0.5 s start, then ceil(20 / 3) = 7 rounds of 1 s.
    assert_eq!(started.elapsed().as_secs(), 7);
    assert!(sink.lines.iter().all(|(_, _, attempts)| *attempts == 1));
}

#[tokio::test(start_paused = true)]
async fn starts_are_paced_with_jitter() {
    let fake = Fake::new(100);
    let policy = Policy {
        concurrency: 4,
        delay: Duration::from_secs(2),
        ..policy()
    };
    let mut sink = Recorder::default();
    go(&fake, &policy, 6, &mut sink).await;
    all_ok(&sink, 6);
    let starts: Vec<Instant> = fake.searches.borrow().iter().map(|s| s.1).collect();
    for pair in starts.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(
            gap >= Duration::from_secs(1) && gap <= Duration::from_secs(3),
            "{gap:?}"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn rate_limit_honours_retry_after_for_everyone() {
    let fake = Fake::new(100).script(&name(0), &[Reply::RateLimited(Some(7))]);
    let policy = Policy {
        concurrency: 1,
        ..policy()
    };
    let mut sink = Recorder::default();
    go(&fake, &policy, 3, &mut sink).await;
    all_ok(&sink, 3);
    assert_eq!(sink.get(&name(0)).2, 2);
    let first = fake.starts_of(&name(0));
    assert_eq!(first.len(), 2);
    assert!(first[1] - first[0] >= Duration::from_secs(7));
    // The others waited too: no search started during the Retry-After.
    let second = fake.starts_of(&name(1))[0];
    assert!(second - first[0] >= Duration::from_secs(7));
}

#[tokio::test(start_paused = true)]
async fn retries_back_off_and_are_bounded() {
    let fake = Fake::new(100)
        .script(&name(1), &[Reply::ServerError; 10])
        .script(&name(2), &[Reply::ServerError, Reply::ServerError]);
    let mut sink = Recorder::default();
    go(&fake, &policy(), 4, &mut sink).await;

    assert_eq!(sink.get(&name(1)).1, Err("http_status"));
    assert_eq!(sink.get(&name(1)).2, 4);
    assert_eq!(sink.get(&name(2)), &(name(2), Ok(()), 3));
    assert_eq!(sink.get(&name(0)).1, Ok(()));
    let tries = fake.starts_of(&name(1));
    assert_eq!(tries.len(), 4);
    // Exponential: at least 2 s, 4 s, 8 s apart (jitter only adds).
    for (i, pair) in tries.windows(2).enumerate() {
        assert!(pair[1] - pair[0] >= Duration::from_secs(2 << i), "{i}");
    }
}

#[tokio::test(start_paused = true)]
async fn final_errors_are_recorded_at_once() {
    let fake = Fake::new(100).script(&name(0), &[Reply::PastDate]);
    let mut sink = Recorder::default();
    go(&fake, &policy(), 2, &mut sink).await;
    assert_eq!(sink.get(&name(0)), &(name(0), Err("aa_error"), 1));
    assert_eq!(fake.starts_of(&name(0)).len(), 1);
}

#[tokio::test(start_paused = true)]
async fn no_session_renews_after_the_flight_lands() {
    let fake = Fake::new(1000).script(&name(1), &[Reply::NoSession]);
    let mut sink = Recorder::default();
    let summary = go(&fake, &policy(), 6, &mut sink).await;
    all_ok(&sink, 6);
    // The fake asserts that nothing was in flight during the renewal.
    assert_eq!(fake.renews.get(), 1);
    assert_eq!(summary.renewals, 1);
    assert_eq!(sink.get(&name(1)).2, 2);
}

#[tokio::test(start_paused = true)]
async fn a_query_that_keeps_getting_309_fails_as_no_session() {
    let fake = Fake::new(100).script(&name(0), &[Reply::NoSession; 5]);
    let mut sink = Recorder::default();
    go(&fake, &policy(), 2, &mut sink).await;
    assert_eq!(sink.get(&name(0)).1, Err("no_session"));
    assert_eq!(fake.renews.get(), 2);
}

#[tokio::test(start_paused = true)]
async fn sessions_rotate_after_n_searches() {
    let fake = Fake::new(300);
    let policy = Policy {
        rotate_after: 5,
        ..policy()
    };
    let mut sink = Recorder::default();
    go(&fake, &policy, 12, &mut sink).await;
    all_ok(&sink, 12);
    assert_eq!(fake.renews.get(), 2);
    assert_eq!(fake.starts.get(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_dead_browser_is_replaced_and_its_searches_rerun() {
    let fake = Fake::new(1000).script(&name(4), &[Reply::Lost]);
    let mut sink = Recorder::default();
    let summary = go(&fake, &policy(), 10, &mut sink).await;
    all_ok(&sink, 10);
    assert_eq!(fake.starts.get(), 2);
    assert_eq!(fake.stops.get(), 2);
    assert_eq!(summary.restarts, 1);
    // The searches in flight with the crash ran again on the second browser.
    let second: Vec<String> = fake
        .searches
        .borrow()
        .iter()
        .filter(|s| s.2 == 2)
        .map(|s| s.0.clone())
        .collect();
    assert!(second.contains(&name(4)), "{second:?}");
    // Two rounds of three on the first browser, the rest (and the crashed one) on the second.
    assert_eq!(fake.searches.borrow().len() - second.len(), 6);
}

#[tokio::test(start_paused = true)]
async fn a_hung_browser_trips_the_watchdog() {
    let fake = Fake::new(100).script(&name(0), &[Reply::Hang]);
    let policy = Policy {
        watchdog: Duration::from_secs(10),
        ..policy()
    };
    let mut sink = Recorder::default();
    let summary = go(&fake, &policy, 4, &mut sink).await;
    all_ok(&sink, 4);
    assert_eq!(summary.restarts, 1);
    assert_eq!(sink.get(&name(0)).2, 2);
}

#[tokio::test(start_paused = true)]
async fn a_block_cools_down_then_carries_on() {
    let fake = Fake::new(100).script(&name(2), &[Reply::Blocked]);
    let policy = Policy {
        cooldown: Duration::from_secs(60),
        concurrency: 1,
        ..policy()
    };
    let mut sink = Recorder::default();
    let summary = go(&fake, &policy, 5, &mut sink).await;
    all_ok(&sink, 5);
    assert_eq!(summary.cooldowns, 1);
    let tries = fake.starts_of(&name(2));
    assert!(tries[1] - tries[0] >= Duration::from_secs(60));
    // A fresh session after the cool-down.
    assert_eq!(fake.renews.get(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_block_that_outlasts_the_cooldown_ends_the_run() {
    struct Blocker<'a>(&'a Fake, Recorder);
    impl Sink for Blocker<'_> {
        fn record(&mut self, q: &Query, o: &Result<Report, Error>, a: u32) -> Result<(), Error> {
            if self.1.lines.len() == 2 {
                self.0.blocked.set(true);
            }
            self.1.record(q, o, a)
        }
    }
    let fake = Fake::new(100);
    let policy = Policy {
        cooldown: Duration::from_secs(60),
        concurrency: 2,
        ..policy()
    };
    let mut sink = Blocker(&fake, Recorder::default());
    let started = Instant::now();
    let summary = run(
        &fake,
        &policy,
        queries(8),
        &mut sink,
        std::future::pending(),
    )
    .await;

    let Ending::Aborted(e) = &summary.ending else {
        panic!("{summary:?}");
    };
    assert_eq!(e.kind(), "blocked");
    // Nothing blocked was written as an answer; the rest is left for --resume.
    assert!(sink.1.lines.iter().all(|l| l.1.is_ok()));
    assert_eq!(summary.not_run + sink.1.lines.len(), 8);
    assert!(summary.not_run >= 5, "{summary:?}");
    assert_eq!(summary.cooldowns, 1);
    assert!(started.elapsed() >= Duration::from_secs(60));
    assert_eq!(fake.stops.get(), 1);
}

#[tokio::test(start_paused = true)]
async fn an_interrupt_leaves_the_rest_unwritten() {
    let fake = Fake::new(1000);
    let mut sink = Recorder::default();
    // Starts at 0.5 s; rounds end at 1.5, 2.5, ...; interrupted at 2.7 s.
    let interrupt = tokio::time::sleep(Duration::from_millis(2700));
    let summary = run(&fake, &policy(), queries(12), &mut sink, interrupt).await;
    assert!(matches!(summary.ending, Ending::Interrupted), "{summary:?}");
    assert_eq!(sink.lines.len(), 6);
    assert_eq!(summary.not_run, 6);
    assert_eq!(fake.stops.get(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_first_start_failure_ends_the_run() {
    let fake = Fake::new(100);
    fake.start_failures
        .borrow_mut()
        .push_back(BrowserError::FirefoxNotFound { path: None }.into());
    let mut sink = Recorder::default();
    let summary = go(&fake, &policy(), 3, &mut sink).await;
    let Ending::Aborted(e) = &summary.ending else {
        panic!("{summary:?}");
    };
    assert_eq!(e.kind(), "browser");
    assert_eq!(summary.not_run, 3);
    assert!(sink.lines.is_empty());
}

#[tokio::test(start_paused = true)]
async fn failed_restarts_are_retried_a_few_times() {
    let run_with = |failures: u32| async move {
        let fake = Fake::new(100).script(&name(0), &[Reply::Lost]);
        fake.restart_failures.set(failures);
        let policy = Policy {
            max_start_failures: 3,
            ..policy()
        };
        let mut sink = Recorder::default();
        let summary = go(&fake, &policy, 3, &mut sink).await;
        (summary, sink, fake.starts.get())
    };

    let (summary, sink, starts) = run_with(2).await;
    assert!(matches!(summary.ending, Ending::Finished), "{summary:?}");
    all_ok(&sink, 3);
    assert_eq!(starts, 2);

    let (summary, sink, _) = run_with(3).await;
    let Ending::Aborted(e) = &summary.ending else {
        panic!("{summary:?}");
    };
    assert_eq!(e.kind(), "browser");
    assert_eq!(summary.not_run + sink.lines.len(), 3);
}

#[tokio::test(start_paused = true)]
async fn a_sink_error_ends_the_run() {
    let fake = Fake::new(100);
    let mut sink = Recorder {
        fail_after: Some(2),
        ..Recorder::default()
    };
    let summary = go(&fake, &policy(), 6, &mut sink).await;
    let Ending::Aborted(e) = &summary.ending else {
        panic!("{summary:?}");
    };
    assert!(e.to_string().contains("disk full"));
    assert_eq!(sink.lines.len(), 2);
    assert_eq!(fake.stops.get(), 1);
}
