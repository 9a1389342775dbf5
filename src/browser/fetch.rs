//! The in-page fetch, built for many concurrent callers on one WebDriver session.
//!
//! A WebDriver session runs one command at a time (fantoccini queues them, and so does
//! geckodriver), so a single `execute_async` that waits for AA would block every other caller
//! for seconds. Instead `fetch.js` starts the requests and returns at once, and one collector
//! task per browser waits in the page for whichever fetch finishes first (`collect.js`, capped
//! at [`COLLECT_CAP`] so queued commands get their turn) and hands results to their callers.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fantoccini::Client;
use serde::Deserialize;
use serde_json::Value;
use tokio::sync::oneshot;

use super::error::{from_cmd, BrowserError, FetchFailure};
use super::options::millis;
use super::session::RawResponse;

const FETCH_JS: &str = include_str!("fetch.js");
const COLLECT_JS: &str = include_str!("collect.js");
const CANCEL_JS: &str = include_str!("cancel.js");

/// The longest one collect call holds the session; this bounds how long starting another
/// fetch (or any other command) waits behind it.
const COLLECT_CAP: Duration = Duration::from_millis(100);
/// Extra time the Rust side waits beyond the page's own abort timer, so that a timeout is
/// normally reported by the page (which also cancels the requests) and the Rust timer only
/// catches a hung browser.
const RUST_GRACE: Duration = Duration::from_millis(1000);

type Reply = oneshot::Sender<Result<FetchOutcome, BrowserError>>;

/// Starts fetches in the page and routes their outcomes back to the callers.
pub(crate) struct Fetcher {
    client: Client,
    next_id: AtomicU64,
    shared: Arc<Mutex<Waiting>>,
}

#[derive(Default)]
struct Waiting {
    replies: HashMap<String, Reply>,
    collector_running: bool,
}

/// What the page reports for one fetch.
#[derive(Debug, Deserialize)]
struct FetchOutcome {
    ok: bool,
    #[serde(default)]
    responses: Vec<RawResponse>,
    kind: Option<String>,
    message: Option<String>,
}

#[derive(Deserialize)]
struct Collected {
    state: String,
    #[serde(default)]
    result: Option<FetchOutcome>,
}

/// Removes a caller's reply slot when the caller stops waiting (done, timed out, cancelled).
struct Slot<'a> {
    shared: &'a Mutex<Waiting>,
    id: &'a str,
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        lock(self.shared).replies.remove(self.id);
    }
}

impl Fetcher {
    pub(crate) fn new(client: Client) -> Fetcher {
        Fetcher {
            client,
            next_id: AtomicU64::new(1),
            shared: Arc::new(Mutex::new(Waiting::default())),
        }
    }

    /// POSTs every body to `endpoint` from the page at once; responses in the order of
    /// `bodies`.
    pub(crate) async fn fetch(
        &self,
        endpoint: &str,
        bodies: &[Value],
        timeout: Duration,
    ) -> Result<Vec<RawResponse>, BrowserError> {
        let id = format!("f{}", self.next_id.fetch_add(1, Ordering::Relaxed));
        let _slot = Slot {
            shared: &self.shared,
            id: &id,
        };
        let work = async {
            let args = vec![
                Value::from(id.clone()),
                Value::from(endpoint),
                Value::from(bodies.to_vec()),
                Value::from(millis(timeout)),
            ];
            self.client
                .execute(FETCH_JS, args)
                .await
                .map_err(|e| from_cmd("start fetch", e))?;
            let (tx, rx) = oneshot::channel();
            self.wait_for(id.clone(), tx);
            rx.await.unwrap_or_else(|_| {
                Err(BrowserError::SessionLost {
                    reason: "the fetch collector stopped".into(),
                })
            })
        };
        let outcome = match tokio::time::timeout(timeout + RUST_GRACE, work).await {
            Ok(Ok(outcome)) => outcome,
            Ok(Err(BrowserError::Script {
                endpoint: _,
                kind,
                message,
            })) => {
                // The collector does not know the endpoint; we do.
                return Err(BrowserError::Script {
                    endpoint: endpoint.to_string(),
                    kind,
                    message,
                });
            }
            Ok(Err(e)) => return Err(e),
            Err(_) => {
                // Best effort: stop the requests in the page; the browser may be hung.
                let cancel = self.client.execute(CANCEL_JS, vec![id.clone().into()]);
                let _ = tokio::time::timeout(Duration::from_secs(1), cancel).await;
                return Err(BrowserError::ScriptTimeout {
                    endpoint: endpoint.to_string(),
                    after: timeout,
                });
            }
        };
        into_responses(endpoint, timeout, outcome)
    }

    /// Registers a reply slot and makes sure a collector is running.
    fn wait_for(&self, id: String, reply: Reply) {
        let mut waiting = lock(&self.shared);
        waiting.replies.insert(id, reply);
        if !waiting.collector_running {
            waiting.collector_running = true;
            tokio::spawn(collect(self.client.clone(), self.shared.clone()));
        }
    }
}

/// The collector: while anyone waits, ask the page for finished fetches and deliver them.
async fn collect(client: Client, shared: Arc<Mutex<Waiting>>) {
    loop {
        let ids: Vec<Value> = {
            let mut waiting = lock(&shared);
            waiting.replies.retain(|_, reply| !reply.is_closed());
            if waiting.replies.is_empty() {
                // Decided under the lock, so a caller registering now starts a new collector.
                waiting.collector_running = false;
                return;
            }
            waiting.replies.keys().cloned().map(Value::from).collect()
        };
        let args = vec![Value::from(ids), Value::from(millis(COLLECT_CAP))];
        let collected = client
            .execute_async(COLLECT_JS, args)
            .await
            .map_err(|e| from_cmd("collect fetch", e))
            .and_then(|v| {
                serde_json::from_value::<HashMap<String, Collected>>(v).map_err(|e| {
                    BrowserError::WebDriver {
                        command: "collect fetch",
                        message: format!("unexpected script result: {e}"),
                    }
                })
            });
        match collected {
            Ok(collected) => {
                let mut waiting = lock(&shared);
                for (id, item) in collected {
                    let Some(reply) = waiting.replies.remove(&id) else {
                        continue;
                    };
                    let outcome = match (item.state.as_str(), item.result) {
                        ("done", Some(result)) => Ok(result),
                        _ => Err(BrowserError::Script {
                            endpoint: String::new(),
                            kind: FetchFailure::Other,
                            message: "the page was replaced while the fetch was running".into(),
                        }),
                    };
                    let _ = reply.send(outcome);
                }
            }
            Err(err) => {
                // The page or the session failed under us: every waiting caller gets told, and
                // the next fetch starts a fresh collector.
                let mut waiting = lock(&shared);
                for (_, reply) in waiting.replies.drain() {
                    let _ = reply.send(Err(same_error(&err)));
                }
                waiting.collector_running = false;
                return;
            }
        }
    }
}

/// A copy of `err` for each waiting caller (the error type is not `Clone`: it may one day
/// carry sources that are not).
fn same_error(err: &BrowserError) -> BrowserError {
    match err {
        BrowserError::SessionLost { reason } => BrowserError::SessionLost {
            reason: reason.clone(),
        },
        BrowserError::WebDriver { command, message } => BrowserError::WebDriver {
            command,
            message: message.clone(),
        },
        other => BrowserError::WebDriver {
            command: "collect fetch",
            message: other.to_string(),
        },
    }
}

fn into_responses(
    endpoint: &str,
    timeout: Duration,
    outcome: FetchOutcome,
) -> Result<Vec<RawResponse>, BrowserError> {
    if outcome.ok {
        return Ok(outcome.responses);
    }
    let message = outcome.message.unwrap_or_default();
    let kind = match outcome.kind.as_deref() {
        Some("timeout") => {
            return Err(BrowserError::ScriptTimeout {
                endpoint: endpoint.to_string(),
                after: timeout,
            })
        }
        Some("network") => FetchFailure::Network,
        _ => FetchFailure::Other,
    };
    Err(BrowserError::Script {
        endpoint: endpoint.to_string(),
        kind,
        message,
    })
}

fn lock(shared: &Mutex<Waiting>) -> std::sync::MutexGuard<'_, Waiting> {
    // A panic while holding this lock cannot leave the map inconsistent; keep going.
    shared.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(json: Value) -> FetchOutcome {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn page_outcomes_map_to_errors() {
        let t = Duration::from_secs(1);
        let ok = outcome(serde_json::json!({"ok": true, "responses": [
            {"status": 429, "contentType": "text/plain", "retryAfter": "7", "body": "x"}
        ]}));
        let r = into_responses("/e", t, ok).unwrap();
        assert_eq!(r[0].retry_after.as_deref(), Some("7"));

        let net = outcome(
            serde_json::json!({"ok": false, "kind": "network", "message": "TypeError: NetworkError"}),
        );
        assert!(into_responses("/e", t, net).unwrap_err().is_unreachable());
        let late =
            outcome(serde_json::json!({"ok": false, "kind": "timeout", "message": "AbortError"}));
        assert!(into_responses("/e", t, late).unwrap_err().is_timeout());
        let other = outcome(serde_json::json!({"ok": false, "kind": "other", "message": "x"}));
        let err = into_responses("/e", t, other).unwrap_err();
        assert!(err.is_script() && !err.is_unreachable());
    }
}
