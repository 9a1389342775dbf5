//! Real-browser test harness: insists that Firefox and geckodriver are installed (a missing
//! browser fails the test, it never skips it), and finds every process a test started by a tag
//! in its environment, so a test can prove nothing outlived the command.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The environment variable that marks processes started by one test.
pub const TAG_VAR: &str = "POINT_BREAK_TEST_TAG";

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// geckodriver on PATH, or where `cargo install` puts it.
pub fn geckodriver() -> Option<PathBuf> {
    on_path("geckodriver").or_else(|| {
        let p = PathBuf::from(std::env::var_os("HOME")?).join(".cargo/bin/geckodriver");
        p.is_file().then_some(p)
    })
}

/// Fails the test, with install instructions, when the real tools are missing.
pub fn require_tools() -> PathBuf {
    let firefox = on_path("firefox").or_else(|| on_path("firefox-esr"));
    let driver = geckodriver();
    assert!(
        firefox.is_some() && driver.is_some(),
        "end-to-end tests need a real Firefox and geckodriver (missing: {}{}); run scripts/install-deps",
        if firefox.is_none() { "Firefox: apt-get install firefox-esr " } else { "" },
        if driver.is_none() { "geckodriver: cargo install geckodriver --locked" } else { "" },
    );
    driver.unwrap()
}

/// A tag unique to this test process and call.
pub fn new_tag() -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// Live processes (pid, command line) whose environment carries `TAG_VAR=tag`.
pub fn tagged(tag: &str) -> Vec<(u32, String)> {
    let needle = format!("{TAG_VAR}={tag}");
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return found;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(environ) = std::fs::read(entry.path().join("environ")) else {
            continue;
        };
        if !environ.split(|b| *b == 0).any(|kv| kv == needle.as_bytes()) {
            continue;
        }
        // Zombies are dead already; only their parent has not reaped them yet.
        let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
        if stat
            .rsplit(')')
            .next()
            .is_some_and(|rest| rest.trim_start().starts_with('Z'))
        {
            continue;
        }
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        found.push((pid, cmdline));
    }
    found
}

/// Asserts that no process carrying `tag` is alive (after a short grace for exits in flight).
pub fn assert_none_left(tag: &str) {
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        let left = tagged(tag);
        if left.is_empty() {
            return;
        }
        if Instant::now() > deadline {
            for (pid, _) in &left {
                // Clean up so one failure does not leak into other tests, then fail.
                unsafe_kill(*pid);
            }
            panic!("processes outlived the command: {left:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn unsafe_kill(pid: u32) {
    let _ = std::process::Command::new("kill")
        .arg("-9")
        .arg(pid.to_string())
        .status();
}
