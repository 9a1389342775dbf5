//! The geckodriver child process: started on a port the OS picks, in a process group of its own
//! (Firefox joins it), and torn down with that whole group so no browser outlives us.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::process::{Child, ChildStdin, Command};
use tokio::sync::oneshot;

use super::error::BrowserError;

/// How many of geckodriver's last output lines are kept for error messages.
const TAIL_LINES: usize = 30;
/// How long the group gets to die after SIGKILL (and, in `Drop`, after SIGTERM).
const TERM_GRACE: Duration = Duration::from_millis(1500);
/// How long a normal close lets the browser exit on SIGTERM before killing it.
const QUIT_GRACE: Duration = Duration::from_millis(250);
/// How often we look whether the group is gone.
const REAP_POLL: Duration = Duration::from_millis(20);

/// The watchdog: a `sh` that blocks reading a pipe whose only writer is this process. When we
/// exit in any way, even SIGKILL or an unhandled Ctrl-C where no destructor runs, the kernel
/// closes the pipe, `read` returns, and the watchdog ends the browser's process group (`$1`)
/// and removes its profile directory (`$2`). It runs in a group of its own so that this kill
/// (and a terminal's Ctrl-C) does not hit it first.
const WATCHDOG_SH: &str = r#"read -r _ignored
if kill -s TERM -- "-$1" 2>/dev/null; then
  sleep 2
  kill -s KILL -- "-$1" 2>/dev/null
fi
rm -rf -- "$2"
exit 0"#;

type Tail = Arc<Mutex<VecDeque<String>>>;

/// A running geckodriver, the leader of its own process group.
pub(crate) struct Driver {
    path: PathBuf,
    port: u16,
    /// The process group id, equal to geckodriver's pid.
    pgid: i32,
    child: Mutex<Option<Child>>,
    tail: Tail,
    /// Where geckodriver creates Firefox profiles; removed once the processes are gone, which
    /// also covers a geckodriver killed before it could clean up after itself.
    profile_root: Mutex<Option<tempfile::TempDir>>,
    /// Set by the first stop, so a later one (close, then Drop) does nothing.
    stopping: AtomicBool,
    /// The watchdog process and the write end of its pipe; `None` if it could not start.
    watchdog: Mutex<Option<(Child, ChildStdin)>>,
}

impl Driver {
    /// Starts geckodriver and waits until it answers `GET /status`.
    pub(crate) async fn spawn(path: &Path, timeout: Duration) -> Result<Driver, BrowserError> {
        let start_err = |reason: String| BrowserError::DriverStart {
            path: path.to_path_buf(),
            reason,
        };
        let profile_root = tempfile::Builder::new()
            .prefix("point-break-profiles-")
            .tempdir()
            .map_err(|e| start_err(format!("cannot create a profile directory: {e}")))?;

        let mut cmd = Command::new(path);
        // Port 0: geckodriver binds a free port itself and logs it, so parallel instances never
        // race for a port we picked. Marionette's port is system-allocated by default, and the
        // BiDi websocket port is only opened when a session asks for it, which we never do.
        cmd.args(["--host", "127.0.0.1", "--port", "0", "--log", "info"])
            .arg("--profile-root")
            .arg(profile_root.path())
            // Firefox inherits this (the capabilities' `env` is not applied on desktop). Without
            // it Firefox 140 ignores our `services.settings.server` pref and, offline, retries
            // Mozilla's remote settings server about ten times a second (seen through a proxy:
            // 80 connections in 7 s).
            .env("MOZ_REMOTE_SETTINGS_DEVTOOLS", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .process_group(0);
        let mut child = cmd.spawn().map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => BrowserError::DriverNotFound {
                path: path.to_path_buf(),
            },
            _ => start_err(e.to_string()),
        })?;
        let pid = child
            .id()
            .ok_or_else(|| start_err("exited at once".into()))?;
        let pgid = i32::try_from(pid).map_err(|_| start_err(format!("odd pid {pid}")))?;
        tracing::debug!(pid, path = %path.display(), "started geckodriver");

        let watchdog = spawn_watchdog(pgid, profile_root.path());
        let tail: Tail = Arc::new(Mutex::new(VecDeque::with_capacity(TAIL_LINES)));
        let (port_tx, port_rx) = oneshot::channel();
        if let Some(out) = child.stdout.take() {
            tokio::spawn(pump(out, tail.clone(), Some(port_tx)));
        }
        if let Some(err) = child.stderr.take() {
            tokio::spawn(pump(err, tail.clone(), None));
        }

        let driver = Driver {
            path: path.to_path_buf(),
            port: 0,
            pgid,
            child: Mutex::new(Some(child)),
            tail,
            profile_root: Mutex::new(Some(profile_root)),
            stopping: AtomicBool::new(false),
            watchdog: Mutex::new(watchdog),
        };
        // From here on, dropping `driver` on an error kills the process group.
        driver.wait_ready(port_rx, timeout).await
    }

    async fn wait_ready(
        mut self,
        port_rx: oneshot::Receiver<u16>,
        timeout: Duration,
    ) -> Result<Driver, BrowserError> {
        let deadline = Instant::now() + timeout;
        let port = match tokio::time::timeout(timeout, port_rx).await {
            Ok(Ok(port)) => port,
            Ok(Err(_)) => {
                // The output closed without a "Listening on" line: geckodriver exited.
                self.wait_exit(Duration::from_millis(500)).await;
                return Err(self.start_error("exited before listening"));
            }
            Err(_) => {
                return Err(self.start_error(&format!("did not listen within {timeout:?}")));
            }
        };
        self.port = port;
        loop {
            if status_ready(port).await {
                return Ok(self);
            }
            if self.has_exited() {
                return Err(self.start_error("exited while starting"));
            }
            if Instant::now() >= deadline {
                return Err(self.start_error(&format!("/status not ready within {timeout:?}")));
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    fn start_error(&self, what: &str) -> BrowserError {
        let tail = self.output_tail();
        let reason = if tail.is_empty() {
            what.to_string()
        } else {
            format!("{what}; its last output:\n{tail}")
        };
        BrowserError::DriverStart {
            path: self.path.clone(),
            reason,
        }
    }

    /// The WebDriver URL of this geckodriver.
    pub(crate) fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// geckodriver's pid, which is also the id of the process group Firefox runs in.
    pub(crate) fn pid(&self) -> u32 {
        self.pgid.unsigned_abs()
    }

    /// The last lines geckodriver and Firefox printed.
    pub(crate) fn output_tail(&self) -> String {
        let tail = self.tail.lock().unwrap_or_else(|e| e.into_inner());
        tail.iter().cloned().collect::<Vec<_>>().join("\n")
    }

    /// True once geckodriver has exited (and is reaped).
    pub(crate) fn has_exited(&self) -> bool {
        let mut guard = self.child.lock().unwrap_or_else(|e| e.into_inner());
        match guard.as_mut() {
            Some(child) => !matches!(child.try_wait(), Ok(None)),
            None => true,
        }
    }

    async fn wait_exit(&self, limit: Duration) {
        let deadline = Instant::now() + limit;
        while !self.has_exited() && Instant::now() < deadline {
            tokio::time::sleep(REAP_POLL).await;
        }
    }

    /// Ends geckodriver and everything in its process group, waiting without blocking the
    /// runtime. Safe to call more than once.
    pub(crate) async fn stop(&self) {
        if self.stopping.swap(true, Ordering::SeqCst) {
            return;
        }
        signal_group(self.pgid, libc::SIGTERM);
        // Firefox takes about a second to shut down cleanly on SIGTERM; its profile is
        // throw-away, so after a short grace it is killed rather than waited for.
        let deadline = Instant::now() + QUIT_GRACE;
        while group_alive(self.pgid) && Instant::now() < deadline {
            tokio::time::sleep(REAP_POLL).await;
        }
        if group_alive(self.pgid) {
            tracing::debug!(
                pgid = self.pgid,
                "browser still running after SIGTERM; killing it"
            );
            signal_group(self.pgid, libc::SIGKILL);
            let deadline = Instant::now() + TERM_GRACE;
            while group_alive(self.pgid) && Instant::now() < deadline {
                tokio::time::sleep(REAP_POLL).await;
            }
        }
        self.finish();
    }

    /// Like [`Driver::stop`] but blocking, for `Drop` (a panic or an early return), where we
    /// cannot await. The grace is short: nobody is waiting for a clean Firefox shutdown here.
    pub(crate) fn stop_blocking(&self) {
        if self.stopping.swap(true, Ordering::SeqCst) {
            return;
        }
        signal_group(self.pgid, libc::SIGTERM);
        let deadline = Instant::now() + Duration::from_millis(500);
        while group_alive(self.pgid) && Instant::now() < deadline {
            std::thread::sleep(REAP_POLL);
        }
        if group_alive(self.pgid) {
            signal_group(self.pgid, libc::SIGKILL);
            let deadline = Instant::now() + TERM_GRACE;
            while group_alive(self.pgid) && Instant::now() < deadline {
                std::thread::sleep(REAP_POLL);
            }
        }
        self.finish();
    }

    /// Reaps geckodriver, retires the watchdog and removes the profile directory.
    fn finish(&self) {
        let watchdog = self
            .watchdog
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some((mut watchdog, pipe)) = watchdog {
            // Killed before its pipe closes, so it never signals a group id that, with the
            // group gone, the system may hand out again.
            let _ = watchdog.start_kill();
            drop(pipe);
            let _ = watchdog.try_wait();
        }
        let child = self.child.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(mut child) = child {
            // It was signalled above; if it is somehow still running, kill_on_drop and tokio's
            // orphan reaper take care of it.
            match child.try_wait() {
                Ok(Some(status)) => tracing::debug!(%status, "geckodriver exited"),
                _ => {
                    let _ = child.start_kill();
                }
            }
        }
        let root = self
            .profile_root
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(root) = root {
            if let Err(e) = root.close() {
                tracing::debug!("could not remove the profile directory: {e}");
            }
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        self.stop_blocking();
    }
}

/// Starts the watchdog for process group `pgid` and profile directory `profiles` (see
/// [`WATCHDOG_SH`]).
fn spawn_watchdog(pgid: i32, profiles: &Path) -> Option<(Child, ChildStdin)> {
    let spawned = Command::new("/bin/sh")
        .args(["-c", WATCHDOG_SH, "point-break-watchdog", &pgid.to_string()])
        .arg(profiles)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .kill_on_drop(true)
        .spawn();
    match spawned {
        Ok(mut child) => {
            let pipe = child.stdin.take()?;
            Some((child, pipe))
        }
        Err(e) => {
            // Not fatal: close() and Drop still clean up; only a hard kill of this process
            // would leave the browser running.
            tracing::warn!("could not start the browser watchdog: {e}");
            None
        }
    }
}

/// Forwards one output stream of geckodriver to the debug log and the tail buffer, and reports
/// the port from its "Listening on 127.0.0.1:PORT" line.
async fn pump(
    stream: impl AsyncRead + Unpin,
    tail: Tail,
    mut port_tx: Option<oneshot::Sender<u16>>,
) {
    let mut lines = BufReader::new(stream).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        if let Some(port) = port_tx.as_ref().and_then(|_| listening_port(&line)) {
            if let Some(tx) = port_tx.take() {
                let _ = tx.send(port);
            }
        }
        tracing::debug!(target: "point_break::geckodriver", "{line}");
        let mut tail = tail.lock().unwrap_or_else(|e| e.into_inner());
        if tail.len() == TAIL_LINES {
            tail.pop_front();
        }
        tail.push_back(line);
    }
}

/// The port in geckodriver's `... INFO Listening on 127.0.0.1:4444` line.
fn listening_port(line: &str) -> Option<u16> {
    let (_, addr) = line.split_once("Listening on ")?;
    let addr = addr.trim();
    // geckodriver (webdriver::server) logs this; Firefox's own Marionette logs "Listening on
    // port N", which has no colon and is skipped.
    let (_, port) = addr.rsplit_once(':')?;
    port.parse().ok()
}

/// True when geckodriver at `port` answers `GET /status` with `ready: true`.
async fn status_ready(port: u16) -> bool {
    let attempt = async {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).await.ok()?;
        let request =
            format!("GET /status HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await.ok()?;
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await.ok()?;
        let text = String::from_utf8_lossy(&response);
        Some(text.starts_with("HTTP/1.1 200") && text.contains("\"ready\":true"))
    };
    matches!(
        tokio::time::timeout(Duration::from_secs(2), attempt).await,
        Ok(Some(true))
    )
}

fn signal_group(pgid: i32, signal: libc::c_int) {
    // SAFETY: kill(2) has no memory-safety preconditions; a negative pid addresses the group.
    unsafe {
        libc::kill(-pgid, signal);
    }
}

/// True while any process of the group is still running (zombies do not count: they are dead
/// and only wait for their parent, possibly init, to reap them).
pub(crate) fn group_alive(pgid: i32) -> bool {
    #[cfg(target_os = "linux")]
    {
        let Ok(dir) = std::fs::read_dir("/proc") else {
            return probe_group(pgid);
        };
        dir.flatten()
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .bytes()
                    .all(|b| b.is_ascii_digit())
            })
            .filter_map(|e| std::fs::read_to_string(e.path().join("stat")).ok())
            .any(|stat| {
                stat_state_and_pgrp(&stat).is_some_and(|(state, pgrp)| pgrp == pgid && state != 'Z')
            })
    }
    #[cfg(not(target_os = "linux"))]
    {
        probe_group(pgid)
    }
}

fn probe_group(pgid: i32) -> bool {
    // SAFETY: signal 0 only checks whether the group exists.
    unsafe { libc::kill(-pgid, 0) == 0 }
}

/// State and process group from a `/proc/PID/stat` line.
fn stat_state_and_pgrp(stat: &str) -> Option<(char, i32)> {
    // The command name in parentheses may contain spaces: parse after the last ')'.
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let _ppid = fields.next()?;
    let pgrp = fields.next()?.parse().ok()?;
    Some((state, pgrp))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_port_from_geckodriver_line() {
        let line = "1796312139839\tgeckodriver\tINFO\tListening on 127.0.0.1:34355";
        assert_eq!(listening_port(line), Some(34355));
        assert_eq!(
            listening_port("Marionette\tINFO\tListening on port 43981"),
            None
        );
        assert_eq!(listening_port("Listening on [::1]:4444"), Some(4444));
    }

    #[test]
    fn parses_proc_stat() {
        let stat = "10181 (Web Content (x)) S 10168 10166 9158 0 -1";
        assert_eq!(stat_state_and_pgrp(stat), Some(('S', 10166)));
    }
}
