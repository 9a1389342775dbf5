// Aborts a fetch started by fetch.js whose caller gave up, and forgets it.
//
// arguments: id (string).
const [id] = arguments;
const store = window.__pb;
const entry = store && store[id];
if (entry) {
  entry.controller.abort();
  delete store[id];
}
return entry !== undefined;
