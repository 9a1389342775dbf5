// Waits, at most capMs, until one of the fetches started by fetch.js (ids) has finished, then
// hands back every finished one: {id: {state: "done", result} | {state: "missing"}}. One such
// call serves all concurrent callers; it returns early so that commands queued behind it
// (starting the next fetch) wait at most capMs.
//
// arguments: ids (array of strings), capMs (number), done (WebDriver's callback).
const [ids, capMs, done] = arguments;
const store = window.__pb || {};
let answered = false;

function collect() {
  const out = {};
  for (const id of ids) {
    const entry = store[id];
    if (!entry) {
      // The page was replaced (navigation, reload) and took the fetch with it.
      out[id] = { state: "missing" };
    } else if (entry.done) {
      out[id] = { state: "done", result: entry.result };
      delete store[id];
    }
  }
  return out;
}

function answer() {
  if (!answered) {
    answered = true;
    done(collect());
  }
}

const ready = collect();
if (Object.keys(ready).length > 0) {
  answered = true;
  done(ready);
} else {
  setTimeout(answer, capMs);
  for (const id of ids) {
    store[id].settled.then(answer);
  }
}
