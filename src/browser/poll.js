// Collects the outcome fetch.js parked under window.__pb[id]: {state: "pending"}, {state:
// "done", result}, or {state: "missing"} when the page was replaced (navigation, reload).
// With cancel set, aborts the requests and forgets them instead.
//
// arguments: id (string), cancel (boolean).
const [id, cancel] = arguments;
const store = window.__pb;
const entry = store && store[id];
if (!entry) {
  return { state: "missing" };
}
if (cancel) {
  entry.controller.abort();
  delete store[id];
  return { state: "cancelled" };
}
if (!entry.done) {
  return { state: "pending" };
}
delete store[id];
return { state: "done", result: entry.result };
