//! The batch scheduler: runs queries on one warm session, a few at a time, paced with jitter,
//! and survives what a long night throws at it. The browser sits behind [`Engine`], so every
//! rule here is unit-tested with a scripted fake and tokio's paused clock.
//!
//! Rules, in short: a 309 renews the session (after the searches in flight have finished, since
//! a page load would cut them off) and the query is tried again; a dead or hung browser is
//! replaced and the searches in flight are tried again; 429, 5xx, timeouts and network errors
//! are retried with exponential backoff and jitter, honouring `Retry-After`; a bot-defence block
//! pauses everything for the cool-down and, if the first search after it is blocked too, ends the
//! run. Every query is recorded exactly once, unless the run ends before it was answered.

use crate::core::{Query, Report, ResponseError};
use crate::error::Error;
use backon::BackoffBuilder;
use futures_util::future::LocalBoxFuture;
use futures_util::stream::{FuturesUnordered, StreamExt};
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::Instant;

/// What the scheduler needs from a browser: start a session, renew it, run one query on it,
/// stop it. The real one is [`crate::batch::FirefoxEngine`].
pub trait Engine {
    /// A live session (a browser whose page holds an AA session).
    type Session;

    /// Starts a browser and opens the booking page.
    fn start(&self) -> impl Future<Output = Result<Self::Session, Error>>;

    /// Gets a fresh AA session on a live browser (a new page load).
    fn renew(&self, session: &Self::Session) -> impl Future<Output = Result<(), Error>>;

    /// Runs one query; several may run at once on one session.
    fn search(
        &self,
        session: &Self::Session,
        query: &Query,
    ) -> impl Future<Output = Result<Report, Error>>;

    /// Closes the browser.
    fn stop(&self, session: Self::Session) -> impl Future<Output = ()>;
}

/// Where finished queries go (the journal, the progress bar, the tally).
pub trait Sink {
    /// Records one query's final outcome after `attempts` tries. An error ends the run.
    fn record(
        &mut self,
        query: &Query,
        outcome: &Result<Report, Error>,
        attempts: u32,
    ) -> Result<(), Error>;
}

/// How the scheduler paces and retries.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Searches in flight at once.
    pub concurrency: usize,
    /// Mean gap between the starts of two searches; each gap is drawn from 50 % to 150 % of it.
    pub delay: Duration,
    /// Renew the session after this many searches on it; 0 never does.
    pub rotate_after: u32,
    /// Pause after a bot-defence block.
    pub cooldown: Duration,
    /// Tries of one query against retryable failures (429, 5xx, timeouts, network).
    pub max_tries: u32,
    /// First backoff; it doubles up to `backoff_max`, with jitter.
    pub backoff_min: Duration,
    /// Longest backoff.
    pub backoff_max: Duration,
    /// Longest `Retry-After` honoured.
    pub retry_after_cap: Duration,
    /// A search that has not ended after this long means a hung browser.
    pub watchdog: Duration,
    /// Fresh sessions one query may ask for with 309 before it fails as `no_session`.
    pub max_renewals_per_query: u32,
    /// Browsers one query may see die under it before it fails.
    pub max_restarts_per_query: u32,
    /// Failed browser starts in a row before the run ends.
    pub max_start_failures: u32,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            concurrency: 2,
            delay: Duration::from_secs(1),
            rotate_after: 75,
            cooldown: Duration::from_secs(300),
            max_tries: 4,
            backoff_min: Duration::from_secs(2),
            backoff_max: Duration::from_secs(60),
            retry_after_cap: Duration::from_secs(120),
            watchdog: Duration::from_secs(75),
            max_renewals_per_query: 2,
            max_restarts_per_query: 3,
            max_start_failures: 3,
        }
    }
}

/// How a run ended.
#[derive(Debug)]
pub enum Ending {
    /// Every query was recorded.
    Finished,
    /// Ctrl-C or SIGTERM; the queries not yet recorded were left for `--resume`.
    Interrupted,
    /// The run could not go on (a block that outlasted the cool-down, a browser that cannot be
    /// started, the output cannot be written); the queries not yet recorded were left.
    Aborted(Error),
}

/// A run's ending and what happened on the way.
#[derive(Debug)]
pub struct Summary {
    /// How it ended.
    pub ending: Ending,
    /// Queries never recorded.
    pub not_run: usize,
    /// Browsers started after the first (dead or hung ones replaced).
    pub restarts: u32,
    /// Fresh page loads (rotation and 309).
    pub renewals: u32,
    /// Cool-downs after a block.
    pub cooldowns: u32,
}

/// What to do about a failed search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Disposition {
    /// Record it.
    Final,
    /// Back off and try again; `wait` is a `Retry-After`, `global` pauses every search.
    Retry {
        wait: Option<Duration>,
        global: bool,
    },
    /// A fresh session, then again.
    Renew,
    /// A new browser, then again.
    Restart,
    /// Cool down.
    Block,
}

fn classify(e: &Error) -> Disposition {
    let retry = Disposition::Retry {
        wait: None,
        global: false,
    };
    match e {
        Error::Response(r) if r.is_no_session() => Disposition::Renew,
        Error::Response(r) if r.is_blocked() => Disposition::Block,
        Error::Response(ResponseError::RateLimited { retry_after, .. }) => Disposition::Retry {
            wait: retry_after.as_deref().and_then(parse_retry_after),
            global: true,
        },
        Error::Response(r) if r.is_server_error() => retry,
        Error::Browser(b) if b.is_session_lost() => Disposition::Restart,
        Error::Browser(b) if b.is_launch() => Disposition::Final,
        Error::Browser(b) if !b.is_interrupted() => retry,
        Error::Unreachable { .. } => retry,
        _ => Disposition::Final,
    }
}

/// `Retry-After` in seconds (the HTTP-date form is not used by AA and falls back to backoff).
fn parse_retry_after(text: &str) -> Option<Duration> {
    text.trim().parse().ok().map(Duration::from_secs)
}

/// A gap drawn uniformly from 50 % to 150 % of `mean`.
fn jitter(mean: Duration) -> Duration {
    mean.mul_f64(0.5 + fastrand::f64())
}

struct Job {
    query: Query,
    /// Tries charged against `max_tries` so far.
    tries: u32,
    renewals: u32,
    restarts: u32,
    backoff: <backon::ExponentialBuilder as BackoffBuilder>::Backoff,
    not_before: Instant,
}

impl Job {
    fn new(query: Query, policy: &Policy) -> Job {
        let backoff = backon::ExponentialBuilder::default()
            .with_min_delay(policy.backoff_min)
            .with_max_delay(policy.backoff_max)
            .with_jitter()
            .without_max_times()
            .build();
        Job {
            query,
            tries: 0,
            renewals: 0,
            restarts: 0,
            backoff,
            not_before: Instant::now(),
        }
    }

    /// Attempts so far, as reported in the output: every search that was started and ended.
    fn attempts(&self) -> u32 {
        self.tries + self.renewals + self.restarts
    }
}

/// One finished search.
struct Done {
    slot: u64,
    browser: u64,
    session: u64,
    /// `None` when the watchdog fired.
    result: Option<Result<Report, Error>>,
}

/// Resolves once the interrupt future has.
#[derive(Clone)]
struct Cancel(watch::Receiver<bool>);

impl Cancel {
    fn is_set(&self) -> bool {
        *self.0.borrow()
    }

    async fn wait(&mut self) {
        if self.0.wait_for(|set| *set).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// Runs `queries` on sessions of `engine` and records each in `sink`, until done, interrupted
/// by `interrupt`, or aborted. The browser is closed on every path.
pub async fn run<E: Engine, S: Sink>(
    engine: &E,
    policy: &Policy,
    queries: Vec<Query>,
    sink: &mut S,
    interrupt: impl Future<Output = ()> + Send + 'static,
) -> Summary {
    let (tx, rx) = watch::channel(false);
    // Poll the interrupt once before anything starts, so that signal handlers it installs on
    // first poll are in place before a browser exists (a SIGTERM before that would kill us
    // with the default action and orphan geckodriver and Firefox).
    let mut interrupt = Box::pin(interrupt);
    let early =
        std::future::poll_fn(|cx| Poll::Ready(interrupt.as_mut().poll(cx).is_ready())).await;
    let watcher = tokio::spawn(async move {
        if !early {
            interrupt.await;
        }
        let _ = tx.send(true);
    });
    let now = Instant::now();
    let mut run = Run {
        engine,
        policy,
        sink,
        cancel: Cancel(rx),
        queue: queries.into_iter().map(|q| Job::new(q, policy)).collect(),
        running: HashMap::new(),
        in_flight: FuturesUnordered::new(),
        session: None,
        browser_gen: 0,
        session_gen: 0,
        uses: 0,
        next_slot: 0,
        next_start: now,
        hold_until: now,
        need_renew: false,
        need_restart: false,
        need_cooldown: false,
        probing: false,
        abort: None,
        started_once: false,
        start_failures: 0,
        restarts: 0,
        renewals: 0,
        cooldowns: 0,
    };
    let ending = run.drive().await;
    let summary = run.finish(ending).await;
    watcher.abort();
    summary
}

struct Run<'e, E: Engine, S> {
    engine: &'e E,
    policy: &'e Policy,
    sink: &'e mut S,
    cancel: Cancel,
    /// Waiting queries, in order; retried ones go back with a `not_before`.
    queue: VecDeque<Job>,
    /// Queries in flight, by slot.
    running: HashMap<u64, Job>,
    in_flight: FuturesUnordered<LocalBoxFuture<'e, Done>>,
    session: Option<Arc<E::Session>>,
    /// Bumped for every browser started, so that errors from an old one change nothing.
    browser_gen: u64,
    /// Bumped for every browser started and every renewal.
    session_gen: u64,
    /// Searches started on the current session.
    uses: u32,
    next_slot: u64,
    /// Earliest start of the next search (pacing).
    next_start: Instant,
    /// No search starts before this (a 429's Retry-After).
    hold_until: Instant,
    need_renew: bool,
    need_restart: bool,
    need_cooldown: bool,
    /// After a cool-down: one search at a time until one gets through.
    probing: bool,
    abort: Option<Error>,
    started_once: bool,
    start_failures: u32,
    restarts: u32,
    renewals: u32,
    cooldowns: u32,
}

enum Wake {
    Cancelled,
    Done(Done),
    Dispatch,
}

impl<'e, E: Engine, S: Sink> Run<'e, E, S> {
    async fn drive(&mut self) -> Ending {
        loop {
            if self.cancel.is_set() {
                return Ending::Interrupted;
            }
            if let Some(e) = self.abort.take() {
                return Ending::Aborted(e);
            }
            if self.queue.is_empty() && self.running.is_empty() {
                return Ending::Finished;
            }
            if self.running.is_empty() {
                if let Some(ending) = self.maintain().await {
                    return ending;
                }
            }

            let wake_at = self.next_dispatch();
            let mut cancel = self.cancel.clone();
            let wake = tokio::select! {
                biased;
                () = cancel.wait() => Wake::Cancelled,
                Some(done) = self.in_flight.next(), if !self.in_flight.is_empty() => Wake::Done(done),
                () = sleep_until(wake_at), if wake_at.is_some() => Wake::Dispatch,
            };
            match wake {
                Wake::Cancelled => return Ending::Interrupted,
                Wake::Done(done) => self.complete(done),
                Wake::Dispatch => self.dispatch(),
            }
        }
    }

    /// When the next search may start, if one may start at all.
    fn next_dispatch(&self) -> Option<Instant> {
        let draining = self.need_renew || self.need_restart || self.need_cooldown;
        let capacity = if self.probing {
            1
        } else {
            self.policy.concurrency
        };
        if self.session.is_none() || draining || self.running.len() >= capacity {
            return None;
        }
        let ready = self.queue.iter().map(|j| j.not_before).min()?;
        Some(ready.max(self.next_start).max(self.hold_until))
    }

    fn dispatch(&mut self) {
        let now = Instant::now();
        let Some(pos) = self.queue.iter().position(|j| j.not_before <= now) else {
            return;
        };
        let Some(session) = self.session.clone() else {
            return;
        };
        let job = self.queue.remove(pos).expect("position is in range");
        let slot = self.next_slot;
        self.next_slot += 1;
        let engine = self.engine;
        let watchdog = self.policy.watchdog;
        let (browser, session_gen) = (self.browser_gen, self.session_gen);
        let query = job.query.clone();
        self.in_flight.push(Box::pin(async move {
            let result = tokio::time::timeout(watchdog, engine.search(&session, &query))
                .await
                .ok();
            Done {
                slot,
                browser,
                session: session_gen,
                result,
            }
        }));
        self.running.insert(slot, job);
        self.next_start = now + jitter(self.policy.delay);
        self.uses += 1;
        if self.policy.rotate_after > 0 && self.uses >= self.policy.rotate_after {
            tracing::debug!(searches = self.uses, "rotating the session");
            self.need_renew = true;
        }
    }

    fn complete(&mut self, done: Done) {
        let Some(mut job) = self.running.remove(&done.slot) else {
            return;
        };
        let error = match done.result {
            Some(Ok(report)) => {
                if self.probing {
                    tracing::info!("a search got through after the cool-down; carrying on");
                    self.probing = false;
                }
                job.tries += 1;
                self.record(&job, Ok(report));
                return;
            }
            Some(Err(e)) => e,
            None => {
                tracing::warn!(
                    "a search did not end within {}; the browser seems hung",
                    humantime::format_duration(self.policy.watchdog)
                );
                self.restart_browser(done.browser);
                job.restarts += 1;
                if job.restarts > self.policy.max_restarts_per_query {
                    let hung = crate::browser::BrowserError::ScriptTimeout {
                        endpoint: "the browser (watchdog)".into(),
                        after: self.policy.watchdog,
                    };
                    self.record(&job, Err(hung.into()));
                } else {
                    self.queue.push_front(job);
                }
                return;
            }
        };
        let disposition = classify(&error);
        tracing::debug!(query = %describe(&job.query), ?disposition, "search failed: {error}");
        match disposition {
            Disposition::Final => {
                job.tries += 1;
                self.record(&job, Err(error));
            }
            Disposition::Retry { wait, global } => {
                job.tries += 1;
                if job.tries >= self.policy.max_tries {
                    self.record(&job, Err(error));
                    return;
                }
                let backoff = job.backoff.next().unwrap_or(self.policy.backoff_max);
                let wait = wait.map_or(backoff, |w| w.min(self.policy.retry_after_cap));
                job.not_before = Instant::now() + wait;
                if global {
                    self.hold_until = self.hold_until.max(job.not_before);
                }
                tracing::info!(
                    query = %describe(&job.query),
                    "{error}; trying again in {}",
                    humantime::format_duration(round(wait))
                );
                self.queue.push_back(job);
            }
            Disposition::Renew => {
                if done.session == self.session_gen {
                    tracing::info!("AA answered 309 (no session); renewing the session");
                    self.need_renew = true;
                }
                job.renewals += 1;
                if job.renewals > self.policy.max_renewals_per_query {
                    self.record(&job, Err(error));
                } else {
                    self.queue.push_front(job);
                }
            }
            Disposition::Restart => {
                if done.browser == self.browser_gen {
                    tracing::warn!("{error}; starting a new browser");
                }
                self.restart_browser(done.browser);
                job.restarts += 1;
                if job.restarts > self.policy.max_restarts_per_query {
                    self.record(&job, Err(error));
                } else {
                    self.queue.push_front(job);
                }
            }
            Disposition::Block => {
                self.queue.push_front(job);
                if self.probing {
                    self.abort = Some(error);
                } else if done.session == self.session_gen && !self.need_cooldown {
                    tracing::warn!(
                        "{error}; pausing {} before trying again",
                        humantime::format_duration(self.policy.cooldown)
                    );
                    self.need_cooldown = true;
                }
            }
        }
    }

    /// Marks browser `generation` dead: its searches in flight are dropped and queued again.
    fn restart_browser(&mut self, generation: u64) {
        if generation != self.browser_gen || self.need_restart {
            return;
        }
        self.need_restart = true;
        self.in_flight = FuturesUnordered::new();
        let mut orphans: Vec<(u64, Job)> = self.running.drain().collect();
        orphans.sort_by_key(|(slot, _)| std::cmp::Reverse(*slot));
        for (_, job) in orphans {
            self.queue.push_front(job);
        }
    }

    fn record(&mut self, job: &Job, outcome: Result<Report, Error>) {
        if let Err(e) = self.sink.record(&job.query, &outcome, job.attempts()) {
            self.abort = Some(e);
        }
    }

    /// With nothing in flight: cool down, restart, start or renew as needed. `Some` ends the run.
    async fn maintain(&mut self) -> Option<Ending> {
        loop {
            if self.cancel.is_set() {
                return Some(Ending::Interrupted);
            }
            if let Some(e) = self.abort.take() {
                return Some(Ending::Aborted(e));
            }
            if self.queue.is_empty() {
                return None;
            }
            if self.need_cooldown {
                self.need_cooldown = false;
                self.cooldowns += 1;
                if !self.pause(self.policy.cooldown).await {
                    return Some(Ending::Interrupted);
                }
                self.probing = true;
                self.need_renew = true;
            }
            if self.need_restart {
                self.need_restart = false;
                self.need_renew = false;
                self.close_session().await;
            }
            if self.session.is_none() {
                let started = {
                    let mut cancel = self.cancel.clone();
                    tokio::select! {
                        r = self.engine.start() => r,
                        () = cancel.wait() => return Some(Ending::Interrupted),
                    }
                };
                match started {
                    Ok(session) => {
                        if self.started_once {
                            self.restarts += 1;
                        }
                        self.started_once = true;
                        self.start_failures = 0;
                        self.session = Some(Arc::new(session));
                        self.browser_gen += 1;
                        self.session_gen += 1;
                        self.uses = 0;
                        self.need_renew = false;
                    }
                    Err(e) => {
                        if let Some(ending) = self.start_failed(e).await {
                            return Some(ending);
                        }
                        continue;
                    }
                }
            } else if self.need_renew {
                let renewed = {
                    let session = self.session.clone().expect("checked above");
                    let mut cancel = self.cancel.clone();
                    tokio::select! {
                        r = self.engine.renew(&session) => r,
                        () = cancel.wait() => return Some(Ending::Interrupted),
                    }
                };
                match renewed {
                    Ok(()) => {
                        self.renewals += 1;
                        self.need_renew = false;
                        self.session_gen += 1;
                        self.uses = 0;
                    }
                    Err(e) if classify(&e) == Disposition::Block => {
                        if self.probing {
                            return Some(Ending::Aborted(e));
                        }
                        tracing::warn!("{e}; cooling down");
                        self.need_cooldown = true;
                        continue;
                    }
                    Err(e) => {
                        tracing::warn!("renewing the session failed ({e}); starting a new browser");
                        self.need_restart = true;
                        continue;
                    }
                }
            }
            return None;
        }
    }

    /// A browser start failed: cool down on a block, retry a few times mid-run, give up at
    /// once when the very first start fails (missing Firefox, AA unreachable, ...).
    async fn start_failed(&mut self, e: Error) -> Option<Ending> {
        if classify(&e) == Disposition::Block {
            if self.probing {
                return Some(Ending::Aborted(e));
            }
            tracing::warn!("{e}; cooling down");
            self.need_cooldown = true;
            return None;
        }
        self.start_failures += 1;
        if !self.started_once || self.start_failures >= self.policy.max_start_failures {
            return Some(Ending::Aborted(e));
        }
        let wait = self.policy.backoff_min * self.start_failures;
        tracing::warn!(
            "starting a new browser failed ({e}); trying again in {}",
            humantime::format_duration(wait)
        );
        if !self.pause(wait).await {
            return Some(Ending::Interrupted);
        }
        None
    }

    /// Sleeps, unless interrupted first (then false).
    async fn pause(&mut self, wait: Duration) -> bool {
        tokio::select! {
            () = tokio::time::sleep(wait) => true,
            () = self.cancel.wait() => false,
        }
    }

    async fn close_session(&mut self) {
        let Some(session) = self.session.take() else {
            return;
        };
        // Searches in flight hold clones; they are dropped before any restart or at the end.
        self.in_flight = FuturesUnordered::new();
        match Arc::try_unwrap(session) {
            Ok(session) => self.engine.stop(session).await,
            Err(_) => tracing::debug!("a session was still shared; dropping it"),
        }
    }

    async fn finish(mut self, ending: Ending) -> Summary {
        self.in_flight = FuturesUnordered::new();
        let not_run = self.queue.len() + self.running.len();
        self.close_session().await;
        Summary {
            ending,
            not_run,
            restarts: self.restarts,
            renewals: self.renewals,
            cooldowns: self.cooldowns,
        }
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

fn round(d: Duration) -> Duration {
    Duration::from_millis(d.as_millis() as u64)
}

fn describe(q: &Query) -> String {
    format!(
        "{}-{} {}",
        q.origin,
        q.destination,
        crate::core::query::format_date(q.date)
    )
}

#[cfg(test)]
mod tests;
