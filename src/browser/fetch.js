// Starts POSTs of one or more JSON bodies to `endpoint` from inside the page, all in flight at
// once, and parks their outcome in window.__pb[id] for collect.js to pick up. It returns at once,
// so a slow AA never holds the WebDriver session (which runs one command at a time).
//
// arguments: id (string), endpoint (URL, absolute or relative to the page), bodies (array of
// JSON values), timeoutMs (number).
const [id, endpoint, bodies, timeoutMs] = arguments;
const store = (window.__pb = window.__pb || {});

// The page's own cookies, as AA's single-page app reads them. HttpOnly cookies are not
// visible here; they still travel with the request through `credentials: "include"`.
function cookie(name) {
  for (const part of document.cookie.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0 || part.slice(0, eq).trim() !== name) {
      continue;
    }
    const raw = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(raw);
    } catch (_) {
      return raw;
    }
  }
  return null;
}

const headers = {
  accept: "application/json, text/plain, */*",
  "content-type": "application/json",
};
const xsrf = cookie("XSRF-TOKEN");
if (xsrf !== null) {
  headers["x-xsrf-token"] = xsrf;
}
const cid = cookie("spa_session_id");
if (cid !== null) {
  headers["x-cid"] = cid;
}

const controller = new AbortController();
const timer = setTimeout(() => controller.abort(), timeoutMs);

async function post(body) {
  const res = await fetch(endpoint, {
    method: "POST",
    credentials: "include",
    headers,
    body: JSON.stringify(body),
    signal: controller.signal,
  });
  const text = await res.text();
  return {
    status: res.status,
    contentType: res.headers.get("content-type") || "",
    retryAfter: res.headers.get("retry-after"),
    body: text,
  };
}

// A fetch throws a TypeError for network failures; Firefox words it "NetworkError when
// attempting to fetch resource", other engines "Failed to fetch" / "Load failed".
function classify(err) {
  const name = (err && err.name) || "Error";
  const message = String((err && err.message) || err);
  if (controller.signal.aborted || name === "AbortError") {
    return { kind: "timeout", message: name + ": " + message };
  }
  if (name === "TypeError" && /NetworkError|Failed to fetch|Load failed/i.test(message)) {
    return { kind: "network", message: name + ": " + message };
  }
  return { kind: "other", message: name + ": " + message };
}

const entry = { done: false, result: null, controller, settled: null };
store[id] = entry;
entry.settled = Promise.all(bodies.map(post))
  .then(
    (responses) => {
      entry.result = { ok: true, responses };
    },
    (err) => {
      entry.result = Object.assign({ ok: false }, classify(err));
      // One failed: do not leave the other request running.
      controller.abort();
    },
  )
  .finally(() => {
    clearTimeout(timer);
    entry.done = true;
    // If nobody collects the result (the caller gave up), free it eventually.
    setTimeout(() => delete store[id], 60000);
  });
return true;
