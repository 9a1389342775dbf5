//! `point-break doctor`: checks, in order, that Firefox and geckodriver are installed (and their
//! versions), that a `--webdriver` server answers `/status`, that a WebDriver session starts and
//! closes, and that the base URL's booking page loads in that Firefox. One line per check on
//! stdout, with the fix for each failure; the exit code is that of the first failed check.

use crate::browser::{Browser, BrowserOptions};
use crate::cli::DoctorArgs;
use crate::core::request::BOOKING_PAGE_PATH;
use crate::error::Error;
use crate::exit::Exit;
use crate::search::{self, Site};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// How long `--version` and `/status` may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(20);

/// The outcome of one check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Passed.
    Ok,
    /// Not run, with the reason in the detail.
    Skip,
    /// Failed: what to do about it, and the exit code it stands for.
    Fail {
        /// The fix, in one sentence.
        fix: String,
        /// The exit code.
        exit: Exit,
    },
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// `firefox`, `geckodriver`, `webdriver`, `session` or `base url`.
    pub name: &'static str,
    /// Passed, skipped or failed.
    pub status: Status,
    /// What was found.
    pub detail: String,
}

impl Check {
    fn ok(name: &'static str, detail: impl Into<String>) -> Self {
        Check {
            name,
            status: Status::Ok,
            detail: detail.into(),
        }
    }

    fn skip(name: &'static str, detail: impl Into<String>) -> Self {
        Check {
            name,
            status: Status::Skip,
            detail: detail.into(),
        }
    }

    fn fail(
        name: &'static str,
        detail: impl Into<String>,
        fix: impl Into<String>,
        exit: Exit,
    ) -> Self {
        Check {
            name,
            status: Status::Fail {
                fix: fix.into(),
                exit,
            },
            detail: detail.into(),
        }
    }

    fn failed(&self) -> bool {
        matches!(self.status, Status::Fail { .. })
    }

    /// `ok    firefox      /usr/bin/firefox (Mozilla Firefox 140.10.2esr)`, and for a failure
    /// `FAIL  geckodriver  not found at /x; fix: install it with …`.
    pub fn line(&self) -> String {
        match &self.status {
            Status::Ok => format!("ok    {:<12} {}", self.name, self.detail),
            Status::Skip => format!("skip  {:<12} {}", self.name, self.detail),
            Status::Fail { fix, .. } => {
                format!("FAIL  {:<12} {}; fix: {fix}", self.name, self.detail)
            }
        }
    }
}

/// Runs the doctor command; the exit code is 0 when nothing failed, else that of the first
/// failed check (3 for Firefox, geckodriver, the WebDriver server or the session; the base URL's
/// own code otherwise: 4 unreachable, 5 blocked, 6 rate limited, 10 timeout, …).
pub fn run(args: &DoctorArgs) -> Result<Exit, Error> {
    let (options, site) = super::search::browser_options(&args.browser)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::Other(e.into()))?;
    let checks = runtime.block_on(async {
        tokio::select! {
            checks = all_checks(&options, &site, print) => Ok(checks),
            _ = super::search::shutdown_signal() => Err(Error::Interrupted),
        }
    })?;

    let failed: Vec<&Check> = checks.iter().filter(|c| c.failed()).collect();
    match failed.first() {
        None => Ok(Exit::Ok),
        Some(first) => {
            crate::say!(
                "point-break: doctor: {} of {} checks failed",
                failed.len(),
                checks.len()
            );
            Ok(match first.status {
                Status::Fail { exit, .. } => exit,
                _ => Exit::Failure,
            })
        }
    }
}

fn print(check: &Check) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", check.line())
        .and_then(|_| out.flush())
        .or_else(crate::output::ignore_broken_pipe);
}

/// Runs every check in order, calling `report` as each one finishes.
pub async fn all_checks(
    options: &BrowserOptions,
    site: &Site,
    report: impl Fn(&Check),
) -> Vec<Check> {
    let mut checks = Vec::new();
    let done = |c: Check, checks: &mut Vec<Check>| {
        report(&c);
        checks.push(c);
    };

    let remote = options.webdriver.is_some();
    if remote {
        let why = "not used with --webdriver (the WebDriver server brings its own)";
        done(Check::skip("firefox", why), &mut checks);
        done(Check::skip("geckodriver", why), &mut checks);
    } else {
        done(firefox(options.firefox.as_deref()).await, &mut checks);
        done(
            geckodriver(options.geckodriver.as_deref()).await,
            &mut checks,
        );
    }
    match &options.webdriver {
        Some(url) => done(webdriver_status(url).await, &mut checks),
        None => done(
            Check::skip(
                "webdriver",
                "no --webdriver given; geckodriver is started for each run",
            ),
            &mut checks,
        ),
    }

    let page = format!("{}{BOOKING_PAGE_PATH}", site.base_url);
    if checks.iter().any(Check::failed) {
        done(
            Check::skip("session", "not tried: fix the checks above first"),
            &mut checks,
        );
        done(
            Check::skip(
                "base url",
                format!("{page} not loaded: needs a browser session"),
            ),
            &mut checks,
        );
        return checks;
    }
    let (session, base) = session_and_page(options, site, &page).await;
    done(session, &mut checks);
    done(base, &mut checks);
    checks
}

/// Starts a session, loads the booking page in it, closes it.
async fn session_and_page(options: &BrowserOptions, site: &Site, page: &str) -> (Check, Check) {
    let started = Instant::now();
    let browser = match Browser::launch(options).await {
        Ok(b) => b,
        Err(e) => {
            let e = Error::from(e);
            let fix = e
                .hint()
                .unwrap_or("see the message; rerun with -v for details");
            return (
                Check::fail("session", one_line(&e.to_string()), fix, Exit::Browser),
                Check::skip("base url", format!("{page} not loaded: no browser session")),
            );
        }
    };
    let launched = started.elapsed();

    let loading = Instant::now();
    let base = match search::open_session(&browser, site).await {
        Ok(()) => Check::ok(
            "base url",
            format!("{page} loaded in Firefox ({})", secs(loading.elapsed())),
        ),
        Err(e) => {
            let fix = e
                .hint()
                .unwrap_or("check --base-url and the network (and --proxy, if any)");
            Check::fail("base url", one_line(&e.to_string()), fix, e.exit())
        }
    };

    let mut how = if options.headed { "headed" } else { "headless" }.to_owned();
    if let Some(proxy) = &options.proxy {
        // Display hides the password.
        how.push_str(&format!(", proxy {proxy}"));
    }
    let through = match &options.webdriver {
        Some(_) => format!("the WebDriver server at {}", browser.webdriver_url()),
        None => "geckodriver".to_owned(),
    };
    let session = match browser.close().await {
        Ok(()) => Check::ok(
            "session",
            format!(
                "Firefox started ({how}) through {through} in {} and closed",
                secs(launched)
            ),
        ),
        Err(e) => Check::fail(
            "session",
            format!(
                "the session started but did not close: {}",
                one_line(&e.to_string())
            ),
            "restart the WebDriver server; rerun with -v for details",
            Exit::Browser,
        ),
    };
    (session, base)
}

async fn firefox(given: Option<&Path>) -> Check {
    const FIX: &str =
        "install Firefox ESR with `apt-get install firefox-esr`, or pass --firefox PATH";
    let found = match given {
        Some(p) if is_executable(p) => Some(p.to_path_buf()),
        Some(p) => {
            return Check::fail(
                "firefox",
                format!("not found at {} (or not executable)", p.display()),
                FIX,
                Exit::Browser,
            )
        }
        None => find_on_path("firefox").or_else(|| find_on_path("firefox-esr")),
    };
    let Some(path) = found else {
        return Check::fail(
            "firefox",
            "neither firefox nor firefox-esr is on PATH",
            FIX,
            Exit::Browser,
        );
    };
    match version(&path).await {
        Ok(v) => Check::ok("firefox", format!("{} ({v})", path.display())),
        Err(e) => Check::fail(
            "firefox",
            format!("{} does not run: {e}", path.display()),
            "reinstall Firefox ESR (`apt-get install --reinstall firefox-esr`) or pass another --firefox",
            Exit::Browser,
        ),
    }
}

async fn geckodriver(given: Option<&Path>) -> Check {
    const FIX: &str =
        "install it with `cargo install geckodriver --locked`, or pass --geckodriver PATH";
    let found = match given {
        Some(p) if is_executable(p) => Some(p.to_path_buf()),
        Some(p) => {
            return Check::fail(
                "geckodriver",
                format!("not found at {} (or not executable)", p.display()),
                FIX,
                Exit::Browser,
            )
        }
        None => find_on_path("geckodriver").or_else(cargo_bin_geckodriver),
    };
    let Some(path) = found else {
        return Check::fail(
            "geckodriver",
            "not on PATH nor in ~/.cargo/bin",
            FIX,
            Exit::Browser,
        );
    };
    match version(&path).await {
        Ok(v) => Check::ok("geckodriver", format!("{} ({v})", path.display())),
        Err(e) => Check::fail(
            "geckodriver",
            format!("{} does not run: {e}", path.display()),
            "reinstall it with `cargo install geckodriver --locked --force`",
            Exit::Browser,
        ),
    }
}

/// `GET URL/status` on a WebDriver server (plain http://).
async fn webdriver_status(url: &str) -> Check {
    const FIX: &str =
        "start the WebDriver server (e.g. `geckodriver --port 4444`) or correct --webdriver";
    let shown = redact(url);
    let Some(rest) = url.strip_prefix("http://") else {
        return Check::skip(
            "webdriver",
            format!("{shown}: /status is only probed over http://; the session check covers it"),
        );
    };
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    let address = if authority.ends_with(']') || !authority.contains(':') {
        format!("{authority}:80")
    } else {
        authority.to_owned()
    };
    let path = format!("/{}/status", path.trim_end_matches('/')).replace("//", "/");
    let attempt = async {
        let mut stream = tokio::net::TcpStream::connect(&address)
            .await
            .map_err(|e| format!("cannot connect: {e}"))?;
        let request =
            format!("GET {path} HTTP/1.0\r\nHost: {authority}\r\nAccept: application/json\r\n\r\n");
        stream
            .write_all(request.as_bytes())
            .await
            .map_err(|e| format!("cannot send: {e}"))?;
        let mut response = Vec::new();
        stream
            .read_to_end(&mut response)
            .await
            .map_err(|e| format!("cannot read: {e}"))?;
        Ok::<_, String>(String::from_utf8_lossy(&response).into_owned())
    };
    let response = match tokio::time::timeout(PROBE_TIMEOUT, attempt).await {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => return Check::fail("webdriver", format!("{shown}: {e}"), FIX, Exit::Browser),
        Err(_) => {
            return Check::fail(
                "webdriver",
                format!("{shown}: no answer within {PROBE_TIMEOUT:?}"),
                FIX,
                Exit::Browser,
            )
        }
    };
    let status_line = response.lines().next().unwrap_or_default();
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b)
        .unwrap_or("");
    let value: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    let ready = value["value"]["ready"].as_bool();
    let message = value["value"]["message"].as_str().unwrap_or("").trim();
    match ready {
        Some(true) => Check::ok("webdriver", format!("{shown}/status: ready")),
        Some(false) => Check::fail(
            "webdriver",
            format!("{shown}/status: not ready ({message})"),
            "wait for a free slot, or end the sessions it holds (geckodriver runs one at a time)",
            Exit::Browser,
        ),
        None => Check::fail(
            "webdriver",
            format!("{shown}/status answered {status_line:?}, not a WebDriver status"),
            FIX,
            Exit::Browser,
        ),
    }
}

/// The first line `PROGRAM --version` prints.
async fn version(path: &Path) -> Result<String, String> {
    let run = tokio::process::Command::new(path)
        .arg("--version")
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .output();
    let out = match tokio::time::timeout(PROBE_TIMEOUT, run).await {
        Ok(Ok(out)) => out,
        Ok(Err(e)) => return Err(e.to_string()),
        Err(_) => {
            return Err(format!(
                "`--version` did not finish within {PROBE_TIMEOUT:?}"
            ))
        }
    };
    let text = String::from_utf8_lossy(&out.stdout);
    match text.lines().map(str::trim).find(|l| !l.is_empty()) {
        Some(line) if out.status.success() => Ok(line.to_owned()),
        _ => Err(format!(
            "`--version` exited with {}: {}",
            out.status,
            one_line(&String::from_utf8_lossy(&out.stderr))
        )),
    }
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

/// Where `cargo install geckodriver` puts it, as the browser layer also looks.
fn cargo_bin_geckodriver() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .map(|home| home.join("bin").join("geckodriver"))
        .filter(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

/// A URL without `user:password@`.
fn redact(url: &str) -> String {
    match (url.split_once("://"), url.rfind('@')) {
        (Some((scheme, rest)), Some(_)) => {
            let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
            let host = authority.rsplit('@').next().unwrap_or(authority);
            let slash = if path.is_empty() && !rest.contains('/') {
                ""
            } else {
                "/"
            };
            format!("{scheme}://***@{host}{slash}{path}")
        }
        _ => url.trim_end_matches('/').to_owned(),
    }
}

/// Multi-line messages (geckodriver's output tail) folded onto one line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn secs(d: Duration) -> String {
    format!("{:.1}s", d.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_have_status_name_detail_and_fix() {
        let c = Check::fail(
            "geckodriver",
            "not found at /x",
            "install it",
            Exit::Browser,
        );
        assert_eq!(
            c.line(),
            "FAIL  geckodriver  not found at /x; fix: install it"
        );
        assert_eq!(
            Check::ok("firefox", "/usr/bin/firefox").line(),
            "ok    firefox      /usr/bin/firefox"
        );
    }

    #[test]
    fn redacts_webdriver_credentials() {
        assert_eq!(
            redact("http://u:p@grid:4444/wd/hub"),
            "http://***@grid:4444/wd/hub"
        );
        assert_eq!(redact("http://grid:4444/"), "http://grid:4444");
    }

    #[tokio::test]
    async fn closed_webdriver_port_fails() {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let c = webdriver_status(&format!("http://127.0.0.1:{port}")).await;
        assert!(c.failed(), "{c:?}");
        assert!(c.line().contains("cannot connect"), "{}", c.line());
    }
}
