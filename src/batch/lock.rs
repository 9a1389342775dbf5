//! `--lock FILE`: an OS advisory lock (flock) held for the whole run, so two cron runs never
//! overlap. The OS drops it when the process ends, however it ends, so a stale file never
//! blocks the next run. The holder's pid is written into the file for the message.

use anyhow::Context;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The lock, held until dropped.
#[derive(Debug)]
pub struct RunLock {
    _file: File,
}

/// Another process holds the lock.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("another batch run holds the lock {}{}", path.display(), pid.map(|p| format!(" (pid {p})")).unwrap_or_default())]
pub struct Held {
    /// The lock file.
    pub path: PathBuf,
    /// The pid written by the holder, if readable.
    pub pid: Option<u32>,
}

/// Takes the lock at `path` (creating the file), or says who holds it.
pub fn acquire(path: &Path) -> anyhow::Result<Result<RunLock, Held>> {
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .with_context(|| format!("cannot open the lock file {}", path.display()))?;
    // Called through the trait: std's own `File::try_lock` is newer than our MSRV.
    match fs4::FileExt::try_lock(&file) {
        Ok(()) => {}
        Err(fs4::TryLockError::WouldBlock) => {
            let mut text = String::new();
            let _ = file.read_to_string(&mut text);
            return Ok(Err(Held {
                path: path.to_path_buf(),
                pid: text.trim().parse().ok(),
            }));
        }
        Err(fs4::TryLockError::Error(e)) => {
            return Err(e).with_context(|| format!("cannot lock {}", path.display()));
        }
    }
    let pid = std::process::id();
    file.set_len(0)
        .and_then(|()| file.seek(SeekFrom::Start(0)))
        .and_then(|_| writeln!(file, "{pid}"))
        .with_context(|| format!("cannot write to the lock file {}", path.display()))?;
    Ok(Ok(RunLock { _file: file }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_holder_is_refused_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("batch.lock");
        let first = acquire(&path).unwrap().unwrap();
        let held = acquire(&path).unwrap().unwrap_err();
        assert_eq!(held.pid, Some(std::process::id()));
        assert!(held.to_string().contains("batch.lock"), "{held}");
        drop(first);
        acquire(&path).unwrap().unwrap();
    }
}
